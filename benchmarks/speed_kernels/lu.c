/* LU factorization without pivoting (right-looking): k is carried; for each k the row updates below the pivot are
 * independent, but a region per k gets (N - k)^2 work, which shrinks to nothing at the end. */
#include <stdio.h>
#ifndef N
#define N 700
#endif

static double A[N][N];

int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++)
      A[i][j] = (i == j) ? N + 1.0 : 1.0 / (1 + i + j);
  for (int k = 0; k < N; k++) {
    for (int i = k + 1; i < N; i++) {
      A[i][k] /= A[k][k];
      for (int j = k + 1; j < N; j++)
        A[i][j] -= A[i][k] * A[k][j];
    }
  }
  double sum = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++)
      sum += A[i][j] * (1 + (i + j) % 3);
  printf("%.6f\n", sum);
  return 0;
}
