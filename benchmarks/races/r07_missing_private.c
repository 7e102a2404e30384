/* race: the temporary t is shared between threads */
#include <stdio.h>
#define N 6000
static double x[N], y[N];

int main(void) {
  double t;
  for (int i = 0; i < N; i++)
    x[i] = (i % 10) * 0.25;
#pragma omp parallel for
  for (int i = 0; i < N; i++) {
    t = x[i] * x[i];
    y[i] = t + 1.0 / (t + 1.0);
  }
  double s = 0;
  for (int i = 0; i < N; i++)
    s += y[i];
  printf("%.6f\n", s);
  return 0;
}
