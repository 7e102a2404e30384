/* Histogram: many iterations increment the same bin, so bins need an array reduction (or atomics). */
#include <stdio.h>
#define N 300000
#define BINS 64
static unsigned key[N];

int main(void) {
    long hist[BINS] = {0};
    for (int i = 0; i < N; i++) key[i] = ((unsigned)i * 2654435761u) >> 7;
    for (int i = 0; i < N; i++) /* ompgpt:target */
        hist[key[i] % BINS]++;
    long check = 0;
    for (int b = 0; b < BINS; b++) check += hist[b] * (b + 1);
    printf("bin0 %ld checksum %ld\n", hist[0], check);
    return 0;
}
