/* race-free: histogram bins updated atomically */
#include <stdio.h>
#define N 9000
#define B 32
static int v[N], hist[B];

int main(void) {
  for (int i = 0; i < N; i++)
    v[i] = (i * 37) % 1000;
#pragma omp parallel for
  for (int i = 0; i < N; i++) {
#pragma omp atomic
    hist[v[i] % B]++;
  }
  long s = 0;
  for (int b = 0; b < B; b++)
    s += (long)hist[b] * (b + 1);
  printf("%ld\n", s);
  return 0;
}
