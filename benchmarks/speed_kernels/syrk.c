/* Dense linear algebra with a triangular loop: the lower triangle of C = A * A^T (BLAS syrk). Row i has i + 1
 * entries, so equal blocks of rows are unequal work. */
#include <stdio.h>
#ifndef N
#define N 900
#endif
#ifndef M
#define M 400
#endif

static double A[N][M], C[N][N];

int main(void) {
  for (int i = 0; i < N; i++)
    for (int k = 0; k < M; k++)
      A[i][k] = (double)((i * k + 1) % N) / N;
  for (int i = 0; i < N; i++)
    for (int j = 0; j <= i; j++) {
      double s = 0;
      for (int k = 0; k < M; k++)
        s += A[i][k] * A[j][k];
      C[i][j] = s;
    }
  double sum = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j <= i; j++)
      sum += C[i][j] * (1 + (i + j) % 3);
  printf("%.6f\n", sum);
  return 0;
}
