/* Product reduction: a + combiner starts each thread at 0 and loses the product. */
#include <stdio.h>
#define N 300000
static double f[N];

int main(void) {
    double p = 1.0;
    for (int i = 0; i < N; i++) f[i] = 1.0 + ((i % 11) - 5) * 1e-6;
    for (int i = 0; i < N; i++) /* ompgpt:target */
        p *= f[i];
    printf("product %.12f\n", p);
    return 0;
}
