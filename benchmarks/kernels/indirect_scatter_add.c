/* Scatter-add with colliding indices (4 iterations per target): needs an array reduction. */
#include <stdio.h>
#define N 300000
#define M (N / 4)
static int idx[N];
static double a[N];
static double acc[M];

int main(void) {
    for (int i = 0; i < N; i++) {
        idx[i] = (int)(((long)i * 1103) % M);
        a[i] = (i % 29) * 0.5;
    }
    for (int i = 0; i < N; i++) /* ompgpt:target */
        acc[idx[i]] += a[i];
    double check = 0;
    for (int i = 0; i < M; i++) check += acc[i] * (i % 5 + 1);
    printf("checksum %.6f\n", check);
    return 0;
}
