/* Hand-written best pragmas: one region around the repetitions: rows shared for the prefix sums, columns for the recurrence.
 * Original: Prefix sums and a first-order recurrence: each row's prefix sum is a recurrence along j (rows are independent),
 * and the column recurrence x[i][j] = c * x[i-1][j] + y[i][j] carries i (columns are independent). */
#include <stdio.h>
#ifndef ROWS
#define ROWS 1000
#endif
#ifndef COLS
#define COLS 4000
#endif
#ifndef REPS
#define REPS 4
#endif

static double y[ROWS][COLS], x[ROWS][COLS];

int main(void) {
  #pragma omp parallel for
  for (int i = 0; i < ROWS; i++)
    for (int j = 0; j < COLS; j++)
      y[i][j] = (double)((i * 7 + j * 3) % 17) / 17.0 - 0.5;
  #pragma omp parallel
  for (int r = 0; r < REPS; r++) {
    #pragma omp for
    for (int i = 0; i < ROWS; i++)
      for (int j = 1; j < COLS; j++)
        y[i][j] = 0.5 * y[i][j] + 0.5 * y[i][j - 1];
    #pragma omp for
    for (int j = 0; j < COLS; j++)
      x[0][j] = y[0][j];
    for (int i = 1; i < ROWS; i++)
      #pragma omp for
      for (int j = 0; j < COLS; j++)
        x[i][j] = 0.9 * x[i - 1][j] + y[i][j];
  }
  double sum = 0;
  #pragma omp parallel for reduction(+:sum)
  for (int i = 0; i < ROWS; i++)
    for (int j = 0; j < COLS; j++)
      sum += x[i][j] * (1 + (i + j) % 3);
  printf("%.6f\n", sum);
  return 0;
}
