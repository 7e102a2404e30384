/* Element swap through a scalar temporary. */
#include <stdio.h>
#define N 300000
static long a[N], b[N];

int main(void) {
    long tmp;
    for (int i = 0; i < N; i++) {
        a[i] = i % 1000;
        b[i] = (i * 3) % 777;
    }
    for (int i = 0; i < N; i++) { /* ompgpt:target */
        tmp = a[i];
        a[i] = b[i] + 1;
        b[i] = tmp * 2;
    }
    long check = 0;
    for (int i = 0; i < N; i++) check += (a[i] - b[i]) * (i % 5 + 1);
    printf("checksum %ld\n", check);
    return 0;
}
