#include <stdio.h>
#define N 1000
int main(void) {
  static double a[2 * N + 2], b[N];
  int k = 0;
  for (int i = 0; i < N; i++) b[i] = i;
#pragma omp parallel for linear(k:2)
  for (int i = 0; i < N; i++) {
    a[k] = b[i];
    a[k + 1] = -b[i];
    k += 2;
  }
  double s = 0;
  for (int i = 0; i < 2 * N; i++) s += a[i] * (i % 7);
  printf("%f %d\n", s, k);
  return 0;
}
