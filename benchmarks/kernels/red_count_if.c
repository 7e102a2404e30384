/* Conditional count. */
#include <stdio.h>
#define N 300000
static float a[N];

int main(void) {
    int count = 0;
    for (int i = 0; i < N; i++) a[i] = (float)((i * 13) % 997);
    for (int i = 0; i < N; i++) { /* ompgpt:target */
        if (a[i] > 500.0f) count++;
    }
    printf("count %d\n", count);
    return 0;
}
