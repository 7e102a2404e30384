/* race: an in-place Gauss-Seidel sweep reads A[i-1][j], written by the previous outer iteration */
#include <stdio.h>
#define N 160
static double A[N][N];

int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++)
      A[i][j] = ((i * 7 + j) % 10) * 0.1;
#pragma omp parallel for
  for (int i = 1; i < N; i++)
    for (int j = 1; j < N; j++)
      A[i][j] = 0.5 * (A[i - 1][j] + A[i][j - 1]);
  double s = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++)
      s += A[i][j];
  printf("%.6f\n", s);
  return 0;
}
