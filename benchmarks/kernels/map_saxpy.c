/* Map: y = a*x + y. The scale factor a is read inside the loop, so private(a) leaves it uninitialised. */
#include <stdio.h>
#define N 300000
static double x[N], y[N];

int main(void) {
    double a = 2.5;
    for (int i = 0; i < N; i++) {
        x[i] = (i % 101) * 0.25;
        y[i] = (i % 37) * 1.5;
    }
    for (int i = 0; i < N; i++) /* ompgpt:target */
        y[i] = a * x[i] + y[i];
    double check = 0;
    for (int i = 0; i < N; i++) check += y[i] * (i % 7 + 1);
    printf("checksum %.6f\n", check);
    return 0;
}
