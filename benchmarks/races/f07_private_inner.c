/* race-free: the inner index j, declared outside, is made private */
#include <stdio.h>
#define N 200
static double a[N][N];

int main(void) {
  int i, j;
#pragma omp parallel for private(j)
  for (i = 0; i < N; i++)
    for (j = 0; j < N; j++)
      a[i][j] = (i * 5 + j) % 9;
  double s = 0;
  for (i = 0; i < N; i++)
    for (j = 0; j < N; j++)
      s += a[i][j] * ((i + j) % 3);
  printf("%.1f\n", s);
  return 0;
}
