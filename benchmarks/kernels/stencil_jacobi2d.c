/* 2D five-point Jacobi sweep; j is declared outside the loops, so it must be private (or collapsed). */
#include <stdio.h>
#define N 600
static double u[N][N], v[N][N];

int main(void) {
    int i, j;
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++) u[i][j] = ((i * 13 + j * 7) % 100) * 0.01;
    for (i = 1; i < N - 1; i++) /* ompgpt:target */
        for (j = 1; j < N - 1; j++)
            v[i][j] = 0.25 * (u[i - 1][j] + u[i + 1][j] + u[i][j - 1] + u[i][j + 1]);
    double check = 0;
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++) check += v[i][j] * ((i + 2 * j) % 5 + 1);
    printf("checksum %.6f\n", check);
    return 0;
}
