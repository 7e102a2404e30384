/* A helper returns two results through pointers to caller scalars; those scalars must be private. */
#include <stdio.h>
#define N 300000
static double a[N], lo[N], hi[N];

static void split(double x, double *whole, double *frac) {
    *whole = (double)(long)x;
    *frac = x - *whole;
}

int main(void) {
    double w, fr;
    for (int i = 0; i < N; i++) a[i] = (i % 1013) * 0.37;
    for (int i = 0; i < N; i++) { /* ompgpt:target */
        split(a[i], &w, &fr);
        lo[i] = w;
        hi[i] = fr;
    }
    double check = 0;
    for (int i = 0; i < N; i++) check += (lo[i] + 3.0 * hi[i]) * (i % 5 + 1);
    printf("checksum %.6f\n", check);
    return 0;
}
