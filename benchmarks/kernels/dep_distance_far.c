/* Dependence at distance K = 1000: a[i+K] is produced from a[i]. */
#include <stdio.h>
#define N 300000
#define K 1000
static double a[N];

int main(void) {
    for (int i = 0; i < N; i++) a[i] = (i % 23) * 0.5;
    for (int i = 0; i < N - K; i++) /* ompgpt:target */
        a[i + K] = a[i] * 0.5 + 1.0;
    double check = 0;
    for (int i = 0; i < N; i++) check += a[i] * (i % 7 + 1);
    printf("checksum %.8f\n", check);
    return 0;
}
