/* One Jacobi sweep (out of place) with a residual: the max needs a reduction. */
#include <math.h>
#include <stdio.h>
#define N 300000
static double u[N], v[N];

int main(void) {
    double err = 0;
    for (int i = 0; i < N; i++) u[i] = ((i * 7) % 101) * 0.01;
    v[0] = u[0];
    v[N - 1] = u[N - 1];
    for (int i = 1; i < N - 1; i++) { /* ompgpt:target */
        v[i] = (u[i - 1] + u[i] + u[i + 1]) / 3.0;
        err = fmax(err, fabs(v[i] - u[i]));
    }
    double check = 0;
    for (int i = 0; i < N; i++) check += v[i] * (i % 9 + 1);
    printf("checksum %.6f err %.6f\n", check, err);
    return 0;
}
