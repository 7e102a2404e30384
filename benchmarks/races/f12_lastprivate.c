/* race-free: t is private in the loop and its last value is used after it */
#include <stdio.h>
#define N 5000
static double a[N];

int main(void) {
  double t = 0;
  for (int i = 0; i < N; i++)
    a[i] = (i % 10) * 0.5;
#pragma omp parallel for lastprivate(t)
  for (int i = 0; i < N; i++) {
    t = a[i] * 2;
    a[i] = t + 1;
  }
  double s = 0;
  for (int i = 0; i < N; i++)
    s += a[i];
  printf("%.1f %.1f\n", s, t);
  return 0;
}
