/* Stride-2 loop: iteration i touches a[i] and a[i+1] only, so iterations are independent. */
#include <stdio.h>
#define N 300000
static double a[N + 1];

int main(void) {
    double s = 0;
    for (int i = 0; i <= N; i++) a[i] = (i % 53) * 0.5;
    for (int i = 0; i < N; i += 2) { /* ompgpt:target */
        a[i + 1] = a[i] * 2.0 + a[i + 1];
        s += a[i + 1] - a[i];
    }
    double check = 0;
    for (int i = 0; i <= N; i++) check += a[i] * (i % 3 + 1);
    printf("s %.6f checksum %.6f\n", s, check);
    return 0;
}
