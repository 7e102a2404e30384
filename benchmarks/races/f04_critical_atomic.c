/* race-free: the shared maximum is updated in a critical section, the sum atomically */
#include <stdio.h>
#define N 1000
int main(void) {
  double best = -1, sum = 0;
  static double v[N];
  for (int i = 0; i < N; i++) v[i] = (i * 37) % 101;
#pragma omp parallel for shared(best, sum)
  for (int i = 0; i < N; i++) {
#pragma omp critical
    {
      if (v[i] > best) best = v[i];
    }
#pragma omp atomic
    sum += v[i];
  }
  printf("%f %f\n", best, sum);
  return 0;
}
