/* The called function keeps a static counter: every iteration writes it, so the calls cannot run concurrently. */
#include <stdio.h>
#define N 300000
static long out[N];
static long counter;

static long next_ticket(long weight) {
    counter += weight;
    return counter;
}

int main(void) {
    for (int i = 0; i < N; i++) /* ompgpt:target */
        out[i] = next_ticket(i % 5 + 1) * 2;
    long check = 0;
    for (int i = 0; i < N; i++) check += out[i] % 1000 * (i % 7 + 1);
    printf("counter %ld checksum %ld\n", counter, check);
    return 0;
}
