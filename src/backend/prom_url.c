/* Prometheus HTTP API: URL builders (no I/O). */
#include "config.h"
#include "backend/prom.h"
#include "core/xalloc.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- URLs ---- */

static void url_start(strbuf_t *b, const char *base, const char *path)
{
	size_t n = base ? strlen(base) : 0;
	while (n && base[n - 1] == '/')
		n--;
	sb_init(b);
	if (n)
		sb_add(b, base, n);
	sb_puts(b, path);
}

/* Seconds with up to 3 decimals, built from integers: printf("%f") would
 * follow LC_NUMERIC and could write a decimal comma. */
static void put_seconds(strbuf_t *b, double t)
{
	long long ms;
	if (!isfinite(t) || fabs(t) > 9e15)
		t = 0;
	ms = llround(t * 1000.0);
	if (ms < 0) {
		sb_puts(b, "-");
		ms = -ms;
	}
	sb_printf(b, "%lld", ms / 1000);
	int frac = (int)(ms % 1000);
	if (frac) {
		char d[5];
		int n = 3;
		d[0] = '.';
		d[1] = (char)('0' + frac / 100);
		d[2] = (char)('0' + frac / 10 % 10);
		d[3] = (char)('0' + frac % 10);
		while (d[n] == '0')
			n--;
		sb_add(b, d, (size_t)n + 1);
	}
}

double prom_time_sent(double t)
{
	if (!isfinite(t) || fabs(t) > 9e15)
		return 0;
	return (double)llround(t * 1000.0) / 1000.0;
}

/* time <= 0 (or not finite) leaves `time` out: the server then uses "now". */
char *prom_url_query(const char *base, const char *promql, double time)
{
	strbuf_t b;
	url_start(&b, base, "/api/v1/query?query=");
	sb_url_encode(&b, promql);
	if (isfinite(time) && time > 0) {
		sb_puts(&b, "&time=");
		put_seconds(&b, time);
	}
	return sb_steal(&b);
}

char *prom_url_query_range(const char *base, const char *promql, double start, double end,
			   double step)
{
	strbuf_t b;
	url_start(&b, base, "/api/v1/query_range?query=");
	sb_url_encode(&b, promql);
	sb_puts(&b, "&start=");
	put_seconds(&b, start);
	sb_puts(&b, "&end=");
	put_seconds(&b, end);
	sb_puts(&b, "&step=");
	put_seconds(&b, step);
	return sb_steal(&b);
}

char *prom_url_targets(const char *base)
{
	strbuf_t b;
	url_start(&b, base, "/api/v1/targets?state=active");
	return sb_steal(&b);
}

double prom_step_for(double start, double end, int points)
{
	double d = end - start;
	if (!isfinite(d) || d <= 0 || points <= 0)
		return 1;
	double s = round(d / points);
	return s < 1 ? 1 : s;
}
