/* Lower-triangular matrix-vector product: row i has i+1 terms (unbalanced, so dynamic helps). */
#include <stdio.h>
#define N 1200
static double L[N][N], x[N], y[N];

int main(void) {
    int i, j;
    for (i = 0; i < N; i++) {
        x[i] = (i % 7) * 0.5 + 1.0;
        for (j = 0; j <= i; j++) L[i][j] = ((i + j) % 11) * 0.1;
    }
    for (i = 0; i < N; i++) { /* ompgpt:target */
        y[i] = 0;
        for (j = 0; j <= i; j++) y[i] += L[i][j] * x[j];
    }
    double check = 0;
    for (i = 0; i < N; i++) check += y[i] * (i % 4 + 1);
    printf("checksum %.6f\n", check);
    return 0;
}
