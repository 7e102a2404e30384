/* Loop body calls a pure function. */
#include <stdio.h>
#define N 300000
static double a[N], b[N];

static double smooth(double x, double k) {
    double y = x;
    for (int r = 0; r < 4; r++) y = y - (y * y * y - x) / (3.0 * y * y + k);
    return y;
}

int main(void) {
    double k = 1.0;
    for (int i = 0; i < N; i++) a[i] = 1.0 + (i % 97) * 0.05;
    for (int i = 0; i < N; i++) /* ompgpt:target */
        b[i] = smooth(a[i], k);
    double check = 0;
    for (int i = 0; i < N; i++) check += b[i] * (i % 3 + 1);
    printf("checksum %.8f\n", check);
    return 0;
}
