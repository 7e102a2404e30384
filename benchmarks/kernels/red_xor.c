/* Bitwise XOR reduction of hashes. */
#include <stdio.h>
#define N 300000

static unsigned mix(unsigned x) {
    x ^= x >> 16;
    x *= 0x7feb352dU;
    x ^= x >> 15;
    return x;
}

int main(void) {
    unsigned h = 0;
    for (int i = 0; i < N; i++) /* ompgpt:target */
        h ^= mix((unsigned)i);
    printf("hash %u\n", h);
    return 0;
}
