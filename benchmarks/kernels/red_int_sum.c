/* Integer sum reduction: the result must match exactly. */
#include <stdio.h>
#define N 300000
static int v[N];

int main(void) {
    long total = 7;
    for (int i = 0; i < N; i++) v[i] = (i * 31) % 1009 - 500;
    for (int i = 0; i < N; i++) /* ompgpt:target */
        total += (long)v[i] * (i % 3);
    printf("total %ld\n", total);
    return 0;
}
