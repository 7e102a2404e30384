/* race-free: perm is a permutation, so every iteration writes its own element of y */
#include <stdio.h>
#define N 6000
static int perm[N];
static double x[N], y[N];

int main(void) {
  for (int i = 0; i < N; i++) {
    perm[i] = (i * 7) % N; /* 7 and 6000 are coprime */
    x[i] = (i % 9) * 0.5;
  }
#pragma omp parallel for
  for (int i = 0; i < N; i++)
    y[perm[i]] = x[i] * 2;
  double s = 0;
  for (int i = 0; i < N; i++)
    s += y[i] * (i % 4);
  printf("%.1f\n", s);
  return 0;
}
