/* Two temporaries (polar to cartesian); both must be private. */
#include <math.h>
#include <stdio.h>
#define N 300000
static double r[N], th[N], out[N];

int main(void) {
    double x, y;
    for (int i = 0; i < N; i++) {
        r[i] = 1.0 + (i % 10);
        th[i] = (i % 360) * 0.0174532925;
    }
    for (int i = 0; i < N; i++) { /* ompgpt:target */
        x = r[i] * cos(th[i]);
        y = r[i] * sin(th[i]);
        out[i] = x * 2.0 + y;
    }
    double check = 0;
    for (int i = 0; i < N; i++) check += out[i] * (i % 3 + 1);
    printf("checksum %.6f\n", check);
    return 0;
}
