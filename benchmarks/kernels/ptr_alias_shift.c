/* The same copy kernel, called with overlapping arguments (dst = src + 1): a hidden carried dependence. */
#include <stdio.h>
#include <stdlib.h>
#define N 300000

static void smear(double *dst, const double *src, int n) {
    for (int i = 0; i < n; i++) /* ompgpt:target */
        dst[i] = 0.5 * src[i] + 1.0;
}

int main(void) {
    double *a = malloc((N + 1) * sizeof *a);
    for (int i = 0; i <= N; i++) a[i] = (i % 13) * 1.0;
    smear(a + 1, a, N);
    double check = 0;
    for (int i = 0; i <= N; i++) check += a[i] * (i % 5 + 1);
    printf("checksum %.8f\n", check);
    free(a);
    return 0;
}
