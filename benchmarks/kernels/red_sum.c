/* Floating-point sum reduction. */
#include <stdio.h>
#define N 300000
static double a[N];

int main(void) {
    double s = 0;
    for (int i = 0; i < N; i++) a[i] = ((i * 7919) % 1000) * 0.001;
    for (int i = 0; i < N; i++) /* ompgpt:target */
        s += a[i] * a[i];
    printf("sum %.9f\n", s);
    return 0;
}
