/* First-order linear recurrence x[i] = c*x[i-1] + y[i]. */
#include <stdio.h>
#define N 300000
static double x[N], y[N];

int main(void) {
    for (int i = 0; i < N; i++) y[i] = ((i * 3) % 29) * 0.1;
    x[0] = y[0];
    for (int i = 1; i < N; i++) /* ompgpt:target */
        x[i] = 0.9 * x[i - 1] + y[i];
    double check = 0;
    for (int i = 0; i < N; i++) check += x[i] * (i % 4 + 1);
    printf("checksum %.8f\n", check);
    return 0;
}
