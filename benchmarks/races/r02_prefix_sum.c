/* race: a running sum reads the element the previous iteration wrote */
#include <stdio.h>
#define N 5000
static long a[N], b[N];

int main(void) {
  for (int i = 0; i < N; i++)
    b[i] = i % 13;
  a[0] = b[0];
#pragma omp parallel for
  for (int i = 1; i < N; i++)
    a[i] = a[i - 1] + b[i];
  long s = 0;
  for (int i = 0; i < N; i++)
    s += a[i] % 97;
  printf("%ld\n", s);
  return 0;
}
