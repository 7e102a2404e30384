/* Histogram whose update is already atomic (ignored when compiled serially), so a plain parallel for is safe. */
#include <stdio.h>
#define N 300000
#define BINS 32
static int val[N];
static long hist[BINS];

int main(void) {
    for (int i = 0; i < N; i++) val[i] = (i * 7 + i / 3) % 1000;
    for (int i = 0; i < N; i++) { /* ompgpt:target */
        int b = val[i] * BINS / 1000;
#pragma omp atomic
        hist[b]++;
    }
    long check = 0;
    for (int b = 0; b < BINS; b++) check += hist[b] * (b + 1);
    printf("checksum %ld\n", check);
    return 0;
}
