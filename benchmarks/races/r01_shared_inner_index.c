/* race: j is declared outside the parallel loop and is the inner loop's index, so threads share it */
#include <stdio.h>
#define N 200
static double a[N][N];

int main(void) {
  int i, j;
#pragma omp parallel for
  for (i = 0; i < N; i++)
    for (j = 0; j < N; j++)
      a[i][j] = (i * 3 + j) % 7;
  double s = 0;
  for (i = 0; i < N; i++)
    for (j = 0; j < N; j++)
      s += a[i][j] * ((i + j) % 5);
  printf("%.1f\n", s);
  return 0;
}
