/* Two sums in one loop (mean and variance): both need the reduction. */
#include <stdio.h>
#define N 300000
static double a[N];

int main(void) {
    double s = 0, s2 = 0;
    for (int i = 0; i < N; i++) a[i] = ((i * 17) % 1013) * 0.01;
    for (int i = 0; i < N; i++) { /* ompgpt:target */
        s += a[i];
        s2 += a[i] * a[i];
    }
    double mean = s / N;
    printf("mean %.9f var %.9f\n", mean, s2 / N - mean * mean);
    return 0;
}
