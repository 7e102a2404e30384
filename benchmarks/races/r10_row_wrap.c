/* race: at j = 0, b[i][j - 1] is b[i - 1][M - 1]: the subscript leaves its row and reads the previous one */
#include <stdio.h>
#define N 120
#define M 100
static double b[N][M];

int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < M; j++)
      b[i][j] = (i + j) % 6;
#pragma omp parallel for
  for (int i = 1; i < N; i++)
    for (int j = 0; j < M; j++)
      b[i][j] = b[i][j - 1] * 0.5 + 1;
  double s = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < M; j++)
      s += b[i][j] * (j % 4);
  printf("%.6f\n", s);
  return 0;
}
