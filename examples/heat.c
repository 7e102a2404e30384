/* 2-D heat diffusion with a Jacobi stencil: the classic parallel loop nest.
 * The time loop carries a dependence (each step reads the previous one) and must stay serial;
 * the spatial loops are parallel, and the residual is a max-reduction. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define NX 512
#define NY 512
#define STEPS 200

static double grid[NX][NY], next[NX][NY];

static void init(void) {
  int i, j;
  for (i = 0; i < NX; i++)
    for (j = 0; j < NY; j++)
      grid[i][j] = (i == 0 || j == 0 || i == NX - 1 || j == NY - 1) ? 100.0 : 0.0;
}

static double step(double alpha) {
  int i, j;
  double diff = 0.0;
  for (i = 1; i < NX - 1; i++) {
    for (j = 1; j < NY - 1; j++) {
      double lap = grid[i - 1][j] + grid[i + 1][j] + grid[i][j - 1] + grid[i][j + 1] - 4.0 * grid[i][j];
      next[i][j] = grid[i][j] + alpha * lap;
    }
  }
  for (i = 1; i < NX - 1; i++) {
    for (j = 1; j < NY - 1; j++) {
      double d = fabs(next[i][j] - grid[i][j]);
      if (d > diff) diff = d;
      grid[i][j] = next[i][j];
    }
  }
  return diff;
}

int main(void) {
  double residual = 0.0, total = 0.0;
  int t, i, j;
  init();
  for (t = 0; t < STEPS; t++) residual = step(0.2);
  for (i = 0; i < NX; i++)
    for (j = 0; j < NY; j++) total += grid[i][j];
  printf("residual %.6e\n", residual);
  printf("checksum %.6f\n", total);
  return 0;
}
