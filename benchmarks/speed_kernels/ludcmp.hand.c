/* Hand-written best pragmas: one region around i; the carried j < i part by one thread (single), the j >= i part shared.
 * Original: PolyBench's ludcmp shape: Doolittle LU where the innermost k loop is a dot product (a reduction) under two
 * loops that carry dependences. A parallel region per (i, j) for ~j/2 iterations is what made it 14 times slower. */
#include <stdio.h>
#ifndef N
#define N 500
#endif

static double A[N][N];

int main(void) {
  #pragma omp parallel for
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++)
      A[i][j] = (i == j) ? N + 1.0 : 1.0 / (1 + i + j);
  #pragma omp parallel
  for (int i = 0; i < N; i++) {
    #pragma omp single
    for (int j = 0; j < i; j++) {
      double w = A[i][j];
      for (int k = 0; k < j; k++)
        w -= A[i][k] * A[k][j];
      A[i][j] = w / A[j][j];
    }
    #pragma omp for
    for (int j = i; j < N; j++) {
      double w = A[i][j];
      for (int k = 0; k < i; k++)
        w -= A[i][k] * A[k][j];
      A[i][j] = w;
    }
  }
  double sum = 0;
  #pragma omp parallel for reduction(+:sum)
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++)
      sum += A[i][j] * (1 + (i + j) % 3);
  printf("%.6f\n", sum);
  return 0;
}
