/* Stream compaction: the output cursor k carries a dependence; a reduction on k scrambles positions. */
#include <stdio.h>
#define N 300000
static int a[N], out[N];

int main(void) {
    int k = 0;
    for (int i = 0; i < N; i++) a[i] = (i * 37) % 101 - 50;
    for (int i = 0; i < N; i++) { /* ompgpt:target */
        if (a[i] > 0) out[k++] = a[i];
    }
    long check = 0;
    for (int i = 0; i < k; i++) check += (long)out[i] * (i % 11 + 1);
    printf("k %d checksum %ld\n", k, check);
    return 0;
}
