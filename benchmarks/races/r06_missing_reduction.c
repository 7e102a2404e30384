/* race: sum is accumulated by every iteration without a reduction */
#include <stdio.h>
#define N 8000
static double v[N];

int main(void) {
  for (int i = 0; i < N; i++)
    v[i] = (i % 9) * 0.5;
  double sum = 0;
#pragma omp parallel for
  for (int i = 0; i < N; i++)
    sum += v[i];
  printf("%.1f\n", sum);
  return 0;
}
