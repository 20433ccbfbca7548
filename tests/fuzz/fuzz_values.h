/* Decoding fuzz bytes into doubles that reach the edges quickly (NaN, Inf, huge, tiny). */
#ifndef ICN_FUZZ_VALUES_H
#define ICN_FUZZ_VALUES_H
#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

typedef struct {
	const uint8_t *p;
	size_t n;
} fuzz_in_t;

static inline int fuzz_more(const fuzz_in_t *in)
{
	return in->n > 0;
}

static inline uint8_t fuzz_byte(fuzz_in_t *in)
{
	if (!in->n)
		return 0;
	in->n--;
	return *in->p++;
}

/* One tag byte: 0x80.. is followed by 8 raw bytes (any double, NaN payloads and
 * subnormals included); 0x40..0x7f is a small integer -32..31; below that, a
 * table of values Prometheus really sends or that sit on a boundary. */
static inline double fuzz_double(fuzz_in_t *in)
{
	static const double special[] = {
		0.0, -0.0, 1.0, -1.0, 0.5, 0.1, 2.0, 10.0, 100.0, 1000.0, 1024.0, 999.5,
		1e-9, 1e-3, 1e6, 1e9, 12e9, 1.7e9, 1.7e9 + 15, 1.7e9 + 86400, 9e15, 1e15,
		1e300, -1e300, 1e-300, -1e-300, 1e308, -1e308, DBL_MAX, -DBL_MAX, DBL_MIN,
		-DBL_MIN, 4.9406564584124654e-324, -4.9406564584124654e-324, NAN, -NAN,
		INFINITY, -INFINITY, 1e18, 1e21, 59.95, 3599.5, 86399.5, 0.9995e-9,
		9007199254740993.0, 2147483648.0, -2147483649.0, 1.0 / 3,
	};
	uint8_t t = fuzz_byte(in);
	if (t & 0x80) {
		uint8_t raw[8] = { 0 };
		double d;
		for (int i = 0; i < 8; i++)
			raw[i] = fuzz_byte(in);
		memcpy(&d, raw, sizeof d);
		return d;
	}
	if (t & 0x40)
		return (double)((int)(t & 0x3f) - 32);
	return special[t % (sizeof special / sizeof special[0])];
}

#endif
