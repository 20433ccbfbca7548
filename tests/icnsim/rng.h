/* A small seeded PRNG (splitmix64) so icnsim's data is the same for the same --seed. */
#ifndef ICNSIM_RNG_H
#define ICNSIM_RNG_H
#include <stdint.h>

typedef struct {
	uint64_t state;
} rng_t;

/* Streams from one seed stay independent when given different `stream` values,
 * so adding draws to one subsystem (logs, traces) never shifts another's. */
void rng_seed(rng_t *r, uint64_t seed, uint64_t stream);
uint64_t rng_next(rng_t *r);
/* Uniform in [0, 1). */
double rng_uniform(rng_t *r);
/* Uniform in [lo, hi). */
double rng_range(rng_t *r, double lo, double hi);
/* Standard normal (mean 0, sd 1). */
double rng_normal(rng_t *r);
/* Uniform integer in [0, n); n > 0. */
uint64_t rng_below(rng_t *r, uint64_t n);

#endif
