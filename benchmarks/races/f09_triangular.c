/* race-free: an upper-triangular nest; collapse(2) with j starting at i (OpenMP 5.0 non-rectangular) */
#include <stdio.h>
#define N 200
static double u[N][N];

int main(void) {
#pragma omp parallel for collapse(2)
  for (int i = 0; i < N; i++)
    for (int j = i; j < N; j++)
      u[i][j] = (i + j) % 11;
  double s = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++)
      s += u[i][j] * ((i * j) % 3);
  printf("%.1f\n", s);
  return 0;
}
