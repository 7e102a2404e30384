/* race-free: a doacross nest; ordered(2) makes i and j private, depend(sink/source) orders the carried dependence */
#include <stdio.h>
#define N 200
#define M 200
static double a[N][M];
int main(void) {
  int i, j;
  for (i = 0; i < N; i++) for (j = 0; j < M; j++) a[i][j] = (i * 3 + j) % 5;
#pragma omp parallel for ordered(2)
  for (i = 1; i < N; i++)
    for (j = 1; j < M; j++) {
#pragma omp ordered depend(sink: i - 1, j) depend(sink: i, j - 1)
      a[i][j] = 0.25 * (a[i - 1][j] + a[i][j - 1]) + 0.5 * a[i][j];
#pragma omp ordered depend(source)
    }
  double s = 0;
  for (i = 0; i < N; i++) for (j = 0; j < M; j++) s += a[i][j];
  printf("%f\n", s);
  return 0;
}
