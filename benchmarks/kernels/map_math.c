/* Map with libm calls; `last` is read after the loop, so it must be lastprivate, not private. */
#include <math.h>
#include <stdio.h>
#define N 200000
static double a[N], b[N];

int main(void) {
    double last = 0;
    for (int i = 0; i < N; i++) a[i] = (i % 1000) * 0.001;
    for (int i = 0; i < N; i++) { /* ompgpt:target */
        last = sqrt(a[i]) + sin(a[i]) * cos(a[i]);
        b[i] = last;
    }
    double check = 0;
    for (int i = 0; i < N; i++) check += b[i] * (i % 5 + 1);
    printf("checksum %.8f last %.8f\n", check, last);
    return 0;
}
