/* race: bucket[key[i]] is updated by many iterations (keys repeat) */
#include <stdio.h>
#define N 6000
#define B 64
static int key[N];
static long bucket[B];

int main(void) {
  for (int i = 0; i < N; i++)
    key[i] = (i * 17) % B;
#pragma omp parallel for
  for (int i = 0; i < N; i++)
    bucket[key[i]] = bucket[key[i]] + i % 5;
  long s = 0;
  for (int b = 0; b < B; b++)
    s += bucket[b] * (b % 3 + 1);
  printf("%ld\n", s);
  return 0;
}
