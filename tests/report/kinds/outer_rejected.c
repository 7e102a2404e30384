#include <stdio.h>
#define N 300
#define M 400

static double a[N][M];
static int prev[N];

int main(void) {
  for (int i = 0; i < N; i++)
    prev[i] = i > 0 ? i - 1 : 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < M; j++)
      a[i][j] = ((i + j) % 11) * 0.5;
  for (int i = 1; i < N; i++)
    for (int j = 0; j < M; j++)
      a[i][j] = a[prev[i]][j] * 0.5 + j;
  double s = 0;
  for (int i = 0; i < N; i++)
    for (int j = 0; j < M; j++)
      s += a[i][j] * ((i + j) % 3);
  printf("%.6f\n", s);
  return 0;
}
