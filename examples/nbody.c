/* Direct-sum N-body gravity: force computation is parallel over bodies (each i writes only its own
 * acceleration, with private temporaries), the energy is a sum reduction, and time stepping is serial. */
#include <math.h>
#include <stdio.h>

#define N 1024
#define STEPS 10

typedef struct { double x, y, z; } vec3;

static vec3 pos[N], vel[N], acc[N];
static double mass[N];

static void init(void) {
  unsigned seed = 12345u;
  for (int i = 0; i < N; i++) {
    seed = seed * 1103515245u + 12345u;
    pos[i].x = (seed % 1000) / 100.0;
    seed = seed * 1103515245u + 12345u;
    pos[i].y = (seed % 1000) / 100.0;
    seed = seed * 1103515245u + 12345u;
    pos[i].z = (seed % 1000) / 100.0;
    vel[i].x = vel[i].y = vel[i].z = 0.0;
    mass[i] = 1.0 + (i % 7);
  }
}

static void forces(double soft) {
  double dx, dy, dz, r2, inv;
  int i, j;
  for (i = 0; i < N; i++) {
    double ax = 0.0, ay = 0.0, az = 0.0;
    for (j = 0; j < N; j++) {
      dx = pos[j].x - pos[i].x;
      dy = pos[j].y - pos[i].y;
      dz = pos[j].z - pos[i].z;
      r2 = dx * dx + dy * dy + dz * dz + soft;
      inv = mass[j] / (r2 * sqrt(r2));
      ax += dx * inv;
      ay += dy * inv;
      az += dz * inv;
    }
    acc[i].x = ax;
    acc[i].y = ay;
    acc[i].z = az;
  }
}

static void advance(double dt) {
  for (int i = 0; i < N; i++) {
    vel[i].x += dt * acc[i].x;
    vel[i].y += dt * acc[i].y;
    vel[i].z += dt * acc[i].z;
    pos[i].x += dt * vel[i].x;
    pos[i].y += dt * vel[i].y;
    pos[i].z += dt * vel[i].z;
  }
}

static double kinetic(void) {
  double e = 0.0;
  for (int i = 0; i < N; i++)
    e += 0.5 * mass[i] * (vel[i].x * vel[i].x + vel[i].y * vel[i].y + vel[i].z * vel[i].z);
  return e;
}

int main(void) {
  init();
  for (int s = 0; s < STEPS; s++) {
    forces(1e-3);
    advance(1e-3);
  }
  printf("kinetic %.6e\n", kinetic());
  return 0;
}
