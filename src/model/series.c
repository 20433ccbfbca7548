/* Time series model: sorted label sets, growable sample arrays, sets of series. */
#include "config.h"
#include "model/series.h"
#include "core/xalloc.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Binary search: index of `name`, or where it would be inserted (*found = 0). */
static size_t labels_find(const labels_t *l, const char *name, int *found)
{
	size_t lo = 0, hi = l->n;
	*found = 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(l->v[mid].name, name);
		if (c == 0) {
			*found = 1;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void labels_add(labels_t *l, const char *name, const char *value)
{
	int found;
	size_t i = labels_find(l, name, &found);
	if (found) {
		/* A label name occurs once in a series: the later value wins. */
		free(l->v[i].value);
		l->v[i].value = xstrdup(value);
		return;
	}
	/* labels_t has no capacity field: grow by one; label sets are small. */
	l->v = xrealloc(l->v, (l->n + 1) * sizeof *l->v);
	memmove(&l->v[i + 1], &l->v[i], (l->n - i) * sizeof *l->v);
	l->v[i].name = xstrdup(name);
	l->v[i].value = xstrdup(value);
	l->n++;
}

const char *labels_get(const labels_t *l, const char *name)
{
	int found;
	if (!l || !l->n)
		return NULL;
	size_t i = labels_find(l, name, &found);
	return found ? l->v[i].value : NULL;
}

/* PromQL string-literal escaping, so the text can be pasted back into a query. */
static void put_escaped(strbuf_t *b, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '"':
			sb_puts(b, "\\\"");
			break;
		case '\\':
			sb_puts(b, "\\\\");
			break;
		case '\n':
			sb_puts(b, "\\n");
			break;
		default:
			sb_add(b, s, 1);
		}
	}
}

char *labels_format(const labels_t *l)
{
	strbuf_t b;
	int first = 1;
	sb_init(&b);
	sb_puts(&b, "{");
	for (size_t i = 0; l && i < l->n; i++) {
		if (strcmp(l->v[i].name, "__name__") == 0)
			continue;
		if (!first)
			sb_puts(&b, ", ");
		first = 0;
		sb_puts(&b, l->v[i].name);
		sb_puts(&b, "=\"");
		put_escaped(&b, l->v[i].value);
		sb_puts(&b, "\"");
	}
	sb_puts(&b, "}");
	return sb_steal(&b);
}

int labels_cmp(const labels_t *a, const labels_t *b)
{
	for (size_t i = 0; i < a->n && i < b->n; i++) {
		int c = strcmp(a->v[i].name, b->v[i].name);
		if (!c)
			c = strcmp(a->v[i].value, b->v[i].value);
		if (c)
			return c;
	}
	return (a->n > b->n) - (a->n < b->n);
}

void labels_free(labels_t *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].name);
		free(l->v[i].value);
	}
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

series_t *series_set_add(series_set_t *s)
{
	s->v = xgrow(s->v, &s->cap, s->n + 1, sizeof *s->v);
	series_t *r = &s->v[s->n++];
	memset(r, 0, sizeof *r);
	return r;
}

void series_push(series_t *s, double t, double v)
{
	s->samples = xgrow(s->samples, &s->cap, s->n + 1, sizeof *s->samples);
	s->samples[s->n].t = t;
	s->samples[s->n].v = v;
	s->n++;
}

void series_set_free(series_set_t *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++) {
		labels_free(&s->v[i].labels);
		free(s->v[i].samples);
	}
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

double series_last(const series_t *s)
{
	if (!s || !s->n)
		return NAN;
	return s->samples[s->n - 1].v;
}

/* Returns 1 when some sample is finite; otherwise 0 and *lo = *hi = 0, so a
 * caller that ignores the result still gets defined numbers. */
int series_set_range(const series_set_t *s, double *lo, double *hi)
{
	int any = 0;
	double a = 0, b = 0;
	for (size_t i = 0; s && i < s->n; i++) {
		const series_t *se = &s->v[i];
		for (size_t j = 0; j < se->n; j++) {
			double v = se->samples[j].v;
			if (!isfinite(v))
				continue;
			if (!any || v < a)
				a = v;
			if (!any || v > b)
				b = v;
			any = 1;
		}
	}
	*lo = a;
	*hi = b;
	return any;
}
