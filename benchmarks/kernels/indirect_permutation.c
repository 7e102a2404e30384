/* Indirect writes through a permutation: every target index is distinct; the index temporary is shared unless
   made private. */
#include <stdio.h>
#define N 300007 /* prime, so i*STEP mod N is a permutation */
#define STEP 7919
static int perm[N];
static double a[N], b[N];

int main(void) {
    int dst;
    for (int i = 0; i < N; i++) {
        perm[i] = (int)(((long)i * STEP) % N);
        a[i] = (i % 71) * 0.3;
    }
    for (int i = 0; i < N; i++) { /* ompgpt:target */
        dst = perm[i];
        b[dst] = a[i] * 2.0 + 1.0;
    }
    double check = 0;
    for (int i = 0; i < N; i++) check += b[i] * (i % 9 + 1);
    printf("checksum %.6f\n", check);
    return 0;
}
