/* The temporary's final value is printed after the loop: lastprivate, not private. */
#include <stdio.h>
#define N 300000
static double a[N], b[N];

int main(void) {
    double x = 0;
    for (int i = 0; i < N; i++) a[i] = (i % 83) * 0.5 + 1.0;
    for (int i = 0; i < N; i++) { /* ompgpt:target */
        x = a[i] * a[i] + 0.5;
        b[i] = x / a[i];
    }
    double check = 0;
    for (int i = 0; i < N; i++) check += b[i];
    printf("checksum %.6f x %.6f\n", check, x);
    return 0;
}
