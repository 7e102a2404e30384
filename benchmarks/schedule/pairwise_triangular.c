#include <stdio.h>
#include <math.h>
#define N 6000
double x[N], y[N], out[N];
int main(void) {
  for (int i = 0; i < N; i++) { x[i] = sin(i * 0.001); y[i] = cos(i * 0.002); }
  for (int i = 0; i < N; i++) {
    double s = 0.0;
    for (int j = 0; j < i; j++) {
      double d = x[i] - x[j];
      s += y[j] * exp(-d * d);
    }
    out[i] = s;
  }
  double t = 0;
  for (int i = 0; i < N; i++) t += out[i];
  printf("%.6e\n", t);
  return 0;
}
