/* Transpose: iterations of the collapsed nest write distinct elements. */
#include <stdio.h>
#define N 700
static float a[N][N], t[N][N];

int main(void) {
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) a[i][j] = (float)((i * 31 + j) % 1000);
    for (int i = 0; i < N; i++) /* ompgpt:target */
        for (int j = 0; j < N; j++)
            t[j][i] = a[i][j];
    double check = 0;
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) check += t[i][j] * ((i + 2 * j) % 7 + 1);
    printf("checksum %.1f\n", check);
    return 0;
}
