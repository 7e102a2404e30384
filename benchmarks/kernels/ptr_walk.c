/* Walking pointers advanced in the body: the shared cursors carry a dependence. */
#include <stdio.h>
#define N 300000
static double src[N], dst[N];

int main(void) {
    const double *p = src;
    double *q = dst;
    for (int i = 0; i < N; i++) src[i] = (i % 29) * 0.5;
    for (int i = 0; i < N; i++) { /* ompgpt:target */
        *q = *p * 3.0 + 1.0;
        p++;
        q++;
    }
    double check = 0;
    for (int i = 0; i < N; i++) check += dst[i] * (i % 4 + 1);
    printf("checksum %.6f\n", check);
    return 0;
}
