/* race: the time loop carries the grid from step to step (tmp is rewritten every step) */
#include <stdio.h>
#define N 400
#define STEPS 40
static double u[N], tmp[N];

int main(void) {
  for (int i = 0; i < N; i++)
    u[i] = (i % 8) * 0.125;
#pragma omp parallel for
  for (int t = 0; t < STEPS; t++) {
    for (int i = 1; i < N - 1; i++)
      tmp[i] = 0.25 * u[i - 1] + 0.5 * u[i] + 0.25 * u[i + 1];
    for (int i = 1; i < N - 1; i++)
      u[i] = tmp[i];
  }
  double s = 0;
  for (int i = 0; i < N; i++)
    s += u[i] * (i % 3);
  printf("%.6f\n", s);
  return 0;
}
