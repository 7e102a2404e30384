/* Pairwise forces using Newton's third law: iteration i also updates f[j] for j > i, so rows collide. */
#include <stdio.h>
#define N 500
static double pos[N], f[N];

int main(void) {
    for (int i = 0; i < N; i++) pos[i] = (i * 37 % 101) * 0.1 + i * 0.01;
    for (int i = 0; i < N; i++) /* ompgpt:target */
        for (int j = i + 1; j < N; j++) {
            double d = pos[j] - pos[i];
            double g = d / (1.0 + d * d);
            f[i] += g;
            f[j] -= g;
        }
    double check = 0;
    for (int i = 0; i < N; i++) check += f[i] * (i % 5 + 1);
    printf("checksum %.8f\n", check);
    return 0;
}
