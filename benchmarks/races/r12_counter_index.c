/* race: the shared counter k both indexes and is incremented by every iteration */
#include <stdio.h>
#define N 4000
static int in[N], out[N];

int main(void) {
  for (int i = 0; i < N; i++)
    in[i] = (i * 31) % 101;
  int k = 0;
#pragma omp parallel for
  for (int i = 0; i < N; i++)
    out[k++] = in[i] * 2;
  long s = 0;
  for (int i = 0; i < N; i++)
    s += (long)out[i] * (i % 7);
  printf("%ld %d\n", s, k);
  return 0;
}
