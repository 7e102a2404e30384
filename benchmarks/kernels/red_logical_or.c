/* Logical OR reduction: does any element equal the key? */
#include <stdio.h>
#define N 300000
static int a[N];

int main(void) {
    int found = 0;
    int key = 749997; /* a[250000] */
    for (int i = 0; i < N; i++) a[i] = (int)((i * 7L) % 1000003);
    for (int i = 0; i < N; i++) /* ompgpt:target */
        found = found || (a[i] == key);
    printf("found %d\n", found);
    return 0;
}
