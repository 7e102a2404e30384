#include <stdio.h>
#define N 300
static double a[N][N];
int main(void) {
  int i, j;
#pragma omp parallel for
  for (i = 0; i < N; i++)
    for (j = 0; j < N; j++)
      a[i][j] = i + j;
  double s = 0;
  for (i = 0; i < N; i++) for (j = 0; j < N; j++) s += a[i][j];
  printf("%f\n", s);
  return 0;
}
