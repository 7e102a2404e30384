/* Kernel on pointer parameters with distinct arrays. */
#include <stdio.h>
#include <stdlib.h>
#define N 300000

static void axpby(double *out, const double *x, const double *y, double alpha, double beta, int n) {
    for (int i = 0; i < n; i++) /* ompgpt:target */
        out[i] = alpha * x[i] + beta * y[i];
}

int main(void) {
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y), *z = malloc(N * sizeof *z);
    for (int i = 0; i < N; i++) {
        x[i] = (i % 43) * 0.5;
        y[i] = (i % 17) * 1.5;
    }
    axpby(z, x, y, 2.0, -0.5, N);
    double check = 0;
    for (int i = 0; i < N; i++) check += z[i] * (i % 6 + 1);
    printf("checksum %.6f\n", check);
    free(x);
    free(y);
    free(z);
    return 0;
}
