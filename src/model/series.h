/* Time series as plain data: labels and (t, v) samples. */
#ifndef ICN_SERIES_H
#define ICN_SERIES_H
#include <stddef.h>

typedef struct {
	char *name;
	char *value;
} label_t;

typedef struct {
	label_t *v;  /* sorted by name */
	size_t n;
} labels_t;

typedef struct {
	double t;    /* unix seconds */
	double v;    /* may be NaN or +-Inf */
} sample_t;

typedef struct {
	labels_t labels;
	sample_t *samples;
	size_t n, cap;
} series_t;

typedef struct {
	series_t *v;
	size_t n, cap;
} series_set_t;

void labels_add(labels_t *l, const char *name, const char *value); /* keeps sorted */
const char *labels_get(const labels_t *l, const char *name);     /* NULL if absent */
/* "{job=\"x\", node=\"d1\"}" style, without __name__; "{}" when empty. */
char *labels_format(const labels_t *l);
void labels_free(labels_t *l);
/* Order of two label sets (by name, then value, pair by pair); strcmp-like. */
int labels_cmp(const labels_t *a, const labels_t *b);

series_t *series_set_add(series_set_t *s);   /* a new empty series, owned by the set */
void series_push(series_t *s, double t, double v);
void series_set_free(series_set_t *s);
/* Latest sample value of a series (NaN when none). */
double series_last(const series_t *s);
/* Min/max over all finite samples of all series; returns 0 when none finite. */
int series_set_range(const series_set_t *s, double *lo, double *hi);

#endif
