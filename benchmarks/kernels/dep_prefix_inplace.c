/* In-place prefix sum: a[i] depends on a[i-1] of the previous iteration. */
#include <stdio.h>
#define N 300000
static double a[N];

int main(void) {
    for (int i = 0; i < N; i++) a[i] = ((i * 5) % 19) * 0.5;
    for (int i = 1; i < N; i++) /* ompgpt:target */
        a[i] = a[i] + a[i - 1];
    double check = 0;
    for (int i = 0; i < N; i++) check += a[i] * (i % 3 + 1);
    printf("last %.3f checksum %.3f\n", a[N - 1], check);
    return 0;
}
