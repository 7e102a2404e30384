/* race: a[i + 1] = a[i] + 1 writes what the next iteration reads */
#include <stdio.h>
#define N 5000
static int a[N + 1];

int main(void) {
  for (int i = 0; i <= N; i++)
    a[i] = i % 11;
#pragma omp parallel for
  for (int i = 0; i < N; i++)
    a[i + 1] = a[i] + 1;
  long s = 0;
  for (int i = 0; i <= N; i++)
    s += a[i] * (i % 3);
  printf("%ld\n", s);
  return 0;
}
