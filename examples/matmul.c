/* Dense matrix multiply, C = A * B, row-major in flat arrays. The i/j loops are a perfect nest
 * (collapse(2)); the k loop is a sum into a private accumulator. */
#include <stdio.h>
#include <stdlib.h>

static void matmul(int n, const double *restrict a, const double *restrict b, double *restrict c) {
  int i, j, k;
  for (i = 0; i < n; i++) {
    for (j = 0; j < n; j++) {
      double sum = 0.0;
      for (k = 0; k < n; k++) sum += a[i * n + k] * b[k * n + j];
      c[i * n + j] = sum;
    }
  }
}

int main(void) {
  int n = 384;
  double *a = malloc(sizeof(double) * n * n);
  double *b = malloc(sizeof(double) * n * n);
  double *c = malloc(sizeof(double) * n * n);
  double trace = 0.0;
  for (int i = 0; i < n * n; i++) {
    a[i] = (i % 17) * 0.25;
    b[i] = (i % 13) * 0.5;
  }
  matmul(n, a, b, c);
  for (int i = 0; i < n; i++) trace += c[i * n + i];
  printf("trace %.4f\n", trace);
  free(a);
  free(b);
  free(c);
  return 0;
}
