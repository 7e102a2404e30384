/* race-free: a rectangular nest collapsed, each (i, j) writes its own element */
#include <stdio.h>
#define N 180
#define M 140
static double c[N][M], x[N], y[M];

int main(void) {
  for (int i = 0; i < N; i++)
    x[i] = (i % 7) * 0.5;
  for (int j = 0; j < M; j++)
    y[j] = (j % 5) * 0.25;
#pragma omp parallel for collapse(2)
  for (int i = 0; i < N; i++)
    for (int j = 0; j < M; j++)
      c[i][j] = x[i] * y[j];
  double s = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < M; j++)
      s += c[i][j];
  printf("%.4f\n", s);
  return 0;
}
