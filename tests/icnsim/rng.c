/* splitmix64 and the distributions icnsim draws from it. */
#include "config.h"
#include "rng.h"
#include <math.h>

void rng_seed(rng_t *r, uint64_t seed, uint64_t stream)
{
	r->state = seed ^ (stream * 0xd1342543de82ef95ULL);
	/* Mix once so that nearby seeds do not start on nearby states. */
	(void)rng_next(r);
}

uint64_t rng_next(rng_t *r)
{
	uint64_t z = (r->state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

double rng_uniform(rng_t *r)
{
	/* 53 random bits fill a double's mantissa exactly. */
	return (double)(rng_next(r) >> 11) * 0x1.0p-53;
}

double rng_range(rng_t *r, double lo, double hi)
{
	return lo + (hi - lo) * rng_uniform(r);
}

double rng_normal(rng_t *r)
{
	/* Box-Muller; one value per call keeps the draw count per call fixed,
	 * which keeps sequences easy to reason about. */
	double u1 = 1.0 - rng_uniform(r); /* (0, 1]: log() stays finite */
	double u2 = rng_uniform(r);
	return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

uint64_t rng_below(rng_t *r, uint64_t n)
{
	/* Rejection sampling avoids the modulo bias. */
	uint64_t limit = UINT64_MAX - UINT64_MAX % n;
	uint64_t x;
	do
		x = rng_next(r);
	while (x >= limit);
	return x % n;
}
