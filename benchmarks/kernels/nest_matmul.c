/* Dense matrix product; the dot-product accumulator and inner indices are declared outside the nest. */
#include <stdio.h>
#define N 120
static double A[N][N], B[N][N], C[N][N];

int main(void) {
    int i, j, k;
    double sum;
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++) {
            A[i][j] = ((i + j) % 10) * 0.1;
            B[i][j] = ((i * j) % 7) * 0.2;
        }
    for (i = 0; i < N; i++) /* ompgpt:target */
        for (j = 0; j < N; j++) {
            sum = 0;
            for (k = 0; k < N; k++) sum += A[i][k] * B[k][j];
            C[i][j] = sum;
        }
    double check = 0;
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++) check += C[i][j] * ((i + j) % 3 + 1);
    printf("checksum %.6f\n", check);
    return 0;
}
