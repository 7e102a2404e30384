/* Gather through an index array with a scalar temporary. */
#include <stdio.h>
#define N 300000
static int idx[N];
static double src[N], dst[N];

int main(void) {
    double g;
    for (int i = 0; i < N; i++) {
        idx[i] = (int)(((long)i * 40503) % N);
        src[i] = (i % 61) * 0.1;
    }
    for (int i = 0; i < N; i++) { /* ompgpt:target */
        g = src[idx[i]];
        dst[i] = g * g + g;
    }
    double check = 0;
    for (int i = 0; i < N; i++) check += dst[i] * (i % 7 + 1);
    printf("checksum %.6f\n", check);
    return 0;
}
