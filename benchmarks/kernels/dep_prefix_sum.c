/* Inclusive prefix sum through a running scalar: a reduction gives the right total but wrong prefixes. */
#include <stdio.h>
#define N 300000
static long a[N], p[N];

int main(void) {
    long s = 0;
    for (int i = 0; i < N; i++) a[i] = (i * 7) % 13 - 6;
    for (int i = 0; i < N; i++) { /* ompgpt:target */
        s += a[i];
        p[i] = s;
    }
    long check = 0;
    for (int i = 0; i < N; i++) check += p[i] * (i % 5 + 1);
    printf("total %ld checksum %ld\n", s, check);
    return 0;
}
