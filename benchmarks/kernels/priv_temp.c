/* Private temporary: t is declared outside the loop and written every iteration. */
#include <stdio.h>
#define N 300000
static double a[N], b[N];

int main(void) {
    double t;
    for (int i = 0; i < N; i++) a[i] = (i % 91) * 0.1;
    for (int i = 0; i < N; i++) { /* ompgpt:target */
        t = a[i] * 3.0 + 1.0;
        b[i] = t * t - a[i];
    }
    double check = 0;
    for (int i = 0; i < N; i++) check += b[i] * (i % 4 + 1);
    printf("checksum %.6f\n", check);
    return 0;
}
