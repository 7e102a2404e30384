/* race: the running maximum m is read and written by every iteration without a reduction */
#include <stdio.h>
#define N 7000
static int v[N];

int main(void) {
  for (int i = 0; i < N; i++)
    v[i] = (i * 7919) % 10007;
  int m = -1;
#pragma omp parallel for
  for (int i = 0; i < N; i++)
    if (v[i] > m)
      m = v[i];
  printf("%d\n", m);
  return 0;
}
