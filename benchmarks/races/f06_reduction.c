/* race-free: a sum and a maximum, each with its reduction */
#include <stdio.h>
#define N 8000
static double v[N];

int main(void) {
  for (int i = 0; i < N; i++)
    v[i] = (i % 13) * 0.5;
  double sum = 0, m = -1;
#pragma omp parallel for reduction(+:sum) reduction(max:m)
  for (int i = 0; i < N; i++) {
    sum += v[i];
    if (v[i] > m)
      m = v[i];
  }
  printf("%.1f %.1f\n", sum, m);
  return 0;
}
