/* Gauss-Seidel sweep in place: each point reads its freshly updated left neighbour (carried dependence). */
#include <stdio.h>
#define N 300000
static double u[N];

int main(void) {
    for (int i = 0; i < N; i++) u[i] = ((i * 11) % 97) * 0.1;
    for (int i = 1; i < N - 1; i++) /* ompgpt:target */
        u[i] = 0.5 * (u[i - 1] + u[i + 1]);
    double check = 0;
    for (int i = 0; i < N; i++) check += u[i] * (i % 7 + 1);
    printf("checksum %.8f\n", check);
    return 0;
}
