/* Reads the first half, writes the second half: no iteration touches another's data. */
#include <stdio.h>
#define N 400000
static double a[N];

int main(void) {
    double s = 0;
    for (int i = 0; i < N; i++) a[i] = (i % 31) * 0.25;
    for (int i = 0; i < N / 2; i++) { /* ompgpt:target */
        a[i + N / 2] = a[i] * 2.0 + a[i + N / 2];
        s += a[i + N / 2];
    }
    double check = 0;
    for (int i = 0; i < N; i++) check += a[i] * (i % 3 + 1);
    printf("s %.6f checksum %.6f\n", s, check);
    return 0;
}
