/* Rectangular 2D map with loop indices declared up front. */
#include <stdio.h>
#define R 800
#define C 700
static double a[R][C], b[R][C], c[R][C];

int main(void) {
    int i, j;
    for (i = 0; i < R; i++)
        for (j = 0; j < C; j++) {
            a[i][j] = (i % 17) * 0.5;
            b[i][j] = (j % 13) * 0.25;
        }
    for (i = 0; i < R; i++) /* ompgpt:target */
        for (j = 0; j < C; j++)
            c[i][j] = a[i][j] * 2.0 - b[i][j];
    double check = 0;
    for (i = 0; i < R; i++)
        for (j = 0; j < C; j++) check += c[i][j] * ((i + j) % 4 + 1);
    printf("checksum %.6f\n", check);
    return 0;
}
