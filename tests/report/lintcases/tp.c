#include <assert.h>
#include <stdio.h>
#include <omp.h>
#define N 1000
static long part;
#pragma omp threadprivate(part)

int main(void) {
  long total = 0;
#pragma omp parallel reduction(+:total)
  {
    part = 0;
#pragma omp for
    for (int i = 0; i < N; i++)
      part += i;
    total += part;
  }
  assert(total == (long)N * (N - 1) / 2);
  printf("%ld\n", total);
  return 0;
}
