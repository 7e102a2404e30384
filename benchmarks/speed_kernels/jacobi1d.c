/* 1-D Jacobi stencil with a time loop: t is carried, the space loops are parallel. */
#include <stdio.h>
#ifndef N
#define N 400000
#endif
#ifndef T
#define T 400
#endif

static double a[N], b[N];

int main(void) {
  for (int i = 0; i < N; i++)
    a[i] = (double)(i % 13) / 13.0;
  for (int t = 0; t < T; t++) {
    for (int i = 1; i < N - 1; i++)
      b[i] = 0.33333 * (a[i - 1] + a[i] + a[i + 1]);
    for (int i = 1; i < N - 1; i++)
      a[i] = 0.33333 * (b[i - 1] + b[i] + b[i + 1]);
  }
  double sum = 0;
  for (int i = 0; i < N; i++)
    sum += a[i] * (1 + i % 5);
  printf("%.6f\n", sum);
  return 0;
}
