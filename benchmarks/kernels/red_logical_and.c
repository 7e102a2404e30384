/* Logical AND reduction: are all elements below the threshold? (They are not.) */
#include <stdio.h>
#define N 300000
static int a[N];

int main(void) {
    int ok = 1;
    int below = 0;
    for (int i = 0; i < N; i++) a[i] = (i * 7) % 1000;
    for (int i = 0; i < N; i++) { /* ompgpt:target */
        ok = ok && (a[i] < 990);
        below += a[i] < 500;
    }
    printf("all_below %d count %d\n", ok, below);
    return 0;
}
