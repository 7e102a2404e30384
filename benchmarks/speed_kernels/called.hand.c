/* Hand-written best pragmas: the caller's parallel loop (as given) and the other loops; nothing inside smooth.
 * Original: A kernel called inside a parallel loop: smooth() has its own loop, but every call already runs on one thread
 * of the team of main's parallel for, so a `parallel for` inside it would nest a team per call (issue 23:
 * Rodinia heartwall). */
#include <stdio.h>
#include <stdlib.h>
#ifndef N
#define N 1500
#endif
#ifndef REPS
#define REPS 6
#endif

static double grid[N][N], out[N][N];

static void smooth(double *restrict dst, const double *restrict src, int n) {
  for (int j = 1; j < n - 1; j++)
    dst[j] = 0.25 * src[j - 1] + 0.5 * src[j] + 0.25 * src[j + 1];
}

int main(void) {
  #pragma omp parallel for
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++)
      grid[i][j] = (double)((i * 31 + j * 17) % 101) / 101.0;
  for (int r = 0; r < REPS; r++) {
#pragma omp parallel for
    for (int i = 0; i < N; i++)
      smooth(out[i], grid[i], N);
#pragma omp parallel for
    for (int i = 0; i < N; i++)
      for (int j = 1; j < N - 1; j++)
        grid[i][j] = out[i][j];
  }
  double sum = 0;
  #pragma omp parallel for reduction(+:sum)
  for (int i = 0; i < N; i++)
    for (int j = 0; j < N; j++)
      sum += grid[i][j] * (1 + (i + j) % 3);
  printf("%.6f\n", sum);
  return 0;
}
