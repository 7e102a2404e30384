/* Max reduction written with an if. */
#include <stdio.h>
#define N 300000
static double a[N];

int main(void) {
    double m = -1e300;
    for (int i = 0; i < N; i++) a[i] = ((i * 2654435761u) % 1000003) * 1e-3;
    for (int i = 0; i < N; i++) { /* ompgpt:target */
        if (a[i] > m) m = a[i];
    }
    printf("max %.6f\n", m);
    return 0;
}
