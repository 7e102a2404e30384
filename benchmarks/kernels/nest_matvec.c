/* Matrix-vector product with the row accumulator declared outside. */
#include <stdio.h>
#define R 1000
#define C 400
static double A[R][C], x[C], y[R];

int main(void) {
    int i, j;
    double s;
    for (i = 0; i < R; i++)
        for (j = 0; j < C; j++) A[i][j] = ((i * 3 + j) % 19) * 0.1;
    for (j = 0; j < C; j++) x[j] = (j % 5) + 1.0;
    for (i = 0; i < R; i++) { /* ompgpt:target */
        s = 0;
        for (j = 0; j < C; j++) s += A[i][j] * x[j];
        y[i] = s;
    }
    double check = 0;
    for (i = 0; i < R; i++) check += y[i] * (i % 6 + 1);
    printf("checksum %.6f\n", check);
    return 0;
}
