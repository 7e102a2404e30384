/* Histogram of pseudo-random samples, then its cumulative distribution.
 * Filling the histogram is an array reduction (hist[bin] += 1 with a data-dependent bin);
 * the prefix sum over bins carries a dependence and must stay serial. */
#include <stdio.h>
#include <stdlib.h>

#define SAMPLES 4000000
#define BINS 256

int main(void) {
  unsigned *data = malloc(sizeof(unsigned) * SAMPLES);
  long hist[BINS] = {0};
  long cdf[BINS];
  unsigned state = 2463534242u;
  int i;
  for (i = 0; i < SAMPLES; i++) {
    state ^= state << 13;
    state ^= state >> 17;
    state ^= state << 5;
    data[i] = state;
  }
  for (i = 0; i < SAMPLES; i++) {
    int bin = (int)(data[i] % BINS);
    hist[bin] += 1;
  }
  cdf[0] = hist[0];
  for (i = 1; i < BINS; i++) cdf[i] = cdf[i - 1] + hist[i];
  long peak = 0;
  for (i = 0; i < BINS; i++)
    if (hist[i] > peak) peak = hist[i];
  printf("total %ld peak %ld median-bin-count %ld\n", cdf[BINS - 1], peak, cdf[BINS / 2]);
  free(data);
  return 0;
}
