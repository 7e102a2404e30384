/* race-free: copyin gives each thread the master's seed, copyprivate broadcasts scale */
#include <stdio.h>
#define N 1000
static int seed;
#pragma omp threadprivate(seed)

int main(void) {
  static int out[N];
  seed = 3;
#pragma omp parallel copyin(seed)
  {
    int scale;
#pragma omp single copyprivate(scale)
    scale = 7 + seed;
#pragma omp for
    for (int i = 0; i < N; i++)
      out[i] = seed * i + scale;
  }
  long s = 0;
  for (int i = 0; i < N; i++) s += out[i];
  printf("%ld\n", s);
  return 0;
}
