/* race-free: a stencil reading one array and writing another */
#include <stdio.h>
#define N 8000
static double in[N], out[N];

int main(void) {
  for (int i = 0; i < N; i++)
    in[i] = (i % 12) * 0.25;
#pragma omp parallel for
  for (int i = 1; i < N - 1; i++)
    out[i] = 0.25 * in[i - 1] + 0.5 * in[i] + 0.25 * in[i + 1];
  double s = 0;
  for (int i = 0; i < N; i++)
    s += out[i] * (i % 3);
  printf("%.4f\n", s);
  return 0;
}
