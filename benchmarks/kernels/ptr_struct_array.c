/* Array of structs (particles): independent position update plus an energy sum. */
#include <stdio.h>
#define N 300000

struct particle {
    double x, v, m;
};
static struct particle ps[N];

int main(void) {
    double energy = 0;
    const double dt = 0.01;
    for (int i = 0; i < N; i++) {
        ps[i].x = (i % 100) * 0.1;
        ps[i].v = ((i * 7) % 21 - 10) * 0.5;
        ps[i].m = 1.0 + (i % 3);
    }
    for (int i = 0; i < N; i++) { /* ompgpt:target */
        struct particle *p = &ps[i];
        p->x += p->v * dt;
        energy += 0.5 * p->m * p->v * p->v;
    }
    double check = 0;
    for (int i = 0; i < N; i++) check += ps[i].x * (i % 7 + 1);
    printf("energy %.6f checksum %.6f\n", energy, check);
    return 0;
}
