/* race: smooth() is parallel only if out and in do not overlap; main passes overlapping arrays */
#include <stdio.h>
#define N 6000

void smooth(double *out, const double *in, int n) {
#pragma omp parallel for
  for (int i = 0; i < n; i++)
    out[i] = 0.5 * (in[i] + in[i + 1]);
}

int main(void) {
  static double a[N + 1];
  for (int i = 0; i <= N; i++)
    a[i] = (i % 17) * 0.25;
  smooth(a + 1, a, N - 1);
  double s = 0;
  for (int i = 0; i <= N; i++)
    s += a[i] * (i % 5);
  printf("%.6f\n", s);
  return 0;
}
