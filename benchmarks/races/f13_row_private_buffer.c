/* race-free: each outer iteration fills its own row through a private temporary */
#include <stdio.h>
#define N 150
#define M 120
static double img[N][M], out[N][M];

int main(void) {
  for (int i = 0; i < N; i++)
    for (int j = 0; j < M; j++)
      img[i][j] = (i * 3 + j) % 8;
#pragma omp parallel for
  for (int i = 0; i < N; i++) {
    double acc = 0;
    for (int j = 0; j < M; j++) {
      acc += img[i][j];
      out[i][j] = acc;
    }
  }
  double s = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < M; j++)
      s += out[i][j] * ((i + j) % 2);
  printf("%.1f\n", s);
  return 0;
}
