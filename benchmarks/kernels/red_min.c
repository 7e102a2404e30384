/* Min reduction with fmin. */
#include <math.h>
#include <stdio.h>
#define N 300000
static double a[N];

int main(void) {
    double m = 1e300;
    for (int i = 0; i < N; i++) a[i] = ((i * 40503u) % 999983) * 1e-3 + 5.0;
    for (int i = 0; i < N; i++) /* ompgpt:target */
        m = fmin(m, a[i] * 1.5 - 2.0);
    printf("min %.6f\n", m);
    return 0;
}
