/* Last index meeting a condition: i grows, so max works; lastprivate is wrong (the last iteration fails it). */
#include <stdio.h>
#define N 300000
static int a[N];

int main(void) {
    int last = -1;
    for (int i = 0; i < N; i++) a[i] = (i * 37) % 1000;
    a[N - 1] = 0;
    for (int i = 0; i < N; i++) { /* ompgpt:target */
        if (a[i] > 995) last = i;
    }
    printf("last %d\n", last);
    return 0;
}
