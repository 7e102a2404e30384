/* Hand-written best pragmas: one region around the time loop (t, i, j private), row loops shared.
 * Original: 2-D Jacobi stencil with a time loop (PolyBench's jacobi-2d shape, loop variables declared up front). */
#include <stdio.h>
#ifndef N
#define N 1200
#endif
#ifndef T
#define T 40
#endif

static double A[N][N], B[N][N];

int main(void) {
  int t, i, j;
  #pragma omp parallel for private(j)
  for (i = 0; i < N; i++)
    for (j = 0; j < N; j++) {
      A[i][j] = ((double)i * (j + 2) + 2) / N;
      B[i][j] = ((double)i * (j + 3) + 3) / N;
    }
  #pragma omp parallel private(t, i, j)
  for (t = 0; t < T; t++) {
    #pragma omp for
    for (i = 1; i < N - 1; i++)
      for (j = 1; j < N - 1; j++)
        B[i][j] = 0.2 * (A[i][j] + A[i][j - 1] + A[i][1 + j] + A[1 + i][j] + A[i - 1][j]);
    #pragma omp for
    for (i = 1; i < N - 1; i++)
      for (j = 1; j < N - 1; j++)
        A[i][j] = 0.2 * (B[i][j] + B[i][j - 1] + B[i][1 + j] + B[1 + i][j] + B[i - 1][j]);
  }
  double sum = 0;
  #pragma omp parallel for private(j) reduction(+:sum)
  for (i = 0; i < N; i++)
    for (j = 0; j < N; j++)
      sum += A[i][j] * (1 + (i + j) % 3);
  printf("%.6f\n", sum);
  return 0;
}
