/* A small work buffer: slots 0-1 are scratch, slots 2-3 hold coefficients set before the loop.
   private(buf) loses the coefficients; sharing it races on the scratch slots. */
#include <stdio.h>
#define N 300000
static double a[N], b[N];

int main(void) {
    double buf[4] = {0.0, 0.0, 0.75, -2.0};
    for (int i = 0; i < N; i++) a[i] = (i % 57) * 0.2;
    for (int i = 0; i < N; i++) { /* ompgpt:target */
        buf[0] = a[i] * buf[2];
        buf[1] = buf[0] + buf[3];
        b[i] = buf[0] * buf[1];
    }
    double check = 0;
    for (int i = 0; i < N; i++) check += b[i] * (i % 6 + 1);
    printf("checksum %.6f\n", check);
    return 0;
}
