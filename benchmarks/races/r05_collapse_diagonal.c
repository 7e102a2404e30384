/* race: collapse(2) over b[i][j] = b[i-1][j-1]: the dependence is carried by the outer loop */
#include <stdio.h>
#define N 150
static double b[N][N];

int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++)
      b[i][j] = (i + 2 * j) % 9;
#pragma omp parallel for collapse(2)
  for (int i = 1; i < N; i++)
    for (int j = 1; j < N; j++)
      b[i][j] = b[i - 1][j - 1] * 0.5 + 1;
  double s = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++)
      s += b[i][j] * ((i * j) % 4);
  printf("%.4f\n", s);
  return 0;
}
