/* 2D Gauss-Seidel in place: rows depend on the previous row, columns on the previous column. */
#include <stdio.h>
#define N 500
static double u[N][N];

int main(void) {
    int i, j;
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++) u[i][j] = ((i * 3 + j * 5) % 17) * 0.1;
    for (i = 1; i < N - 1; i++) /* ompgpt:target */
        for (j = 1; j < N - 1; j++)
            u[i][j] = 0.25 * (u[i - 1][j] + u[i + 1][j] + u[i][j - 1] + u[i][j + 1]);
    double check = 0;
    for (i = 0; i < N; i++)
        for (j = 0; j < N; j++) check += u[i][j] * ((i + j) % 3 + 1);
    printf("checksum %.8f\n", check);
    return 0;
}
