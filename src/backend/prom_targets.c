/* Prometheus HTTP API: the /api/v1/targets answer, its order, and RFC 3339 times. */
#include "config.h"
#include "backend/prom.h"
#include "backend/prom_int.h"
#include "core/text.h"
#include "core/xalloc.h"
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* ---- targets ---- */

/* A string member: copied, "" (or dflt) when absent or null, an error otherwise. */
static const char *get_str(const json_t *o, const char *key, const char *dflt, char **dst)
{
	const json_t *v = json_object_get(o, key);
	if (!v || json_is_null(v)) {
		*dst = xstrdup(dflt);
		return NULL;
	}
	if (!json_is_string(v)) {
		*dst = xstrdup(dflt);
		return "is not a string";
	}
	*dst = xstrdup(json_string_value(v));
	return NULL;
}

static char *parse_target(const json_t *e, size_t i, prom_target_t *t)
{
	static const struct {
		const char *key, *dflt;
		size_t off;
	} strs[] = {
		{ "scrapePool", "", offsetof(prom_target_t, scrape_pool) },
		{ "scrapeUrl", "", offsetof(prom_target_t, scrape_url) },
		{ "health", "unknown", offsetof(prom_target_t, health) },
		{ "lastError", "", offsetof(prom_target_t, last_error) },
		{ "scrapeInterval", "", offsetof(prom_target_t, scrape_interval) },
		{ "scrapeTimeout", "", offsetof(prom_target_t, scrape_timeout) },
		{ "globalUrl", "", offsetof(prom_target_t, global_url) },
	};
	const json_t *labels, *ls, *d;
	const char *why;
	char *bad = NULL;

	memset(t, 0, sizeof *t);
	labels = json_object_get(e, "labels");
	if (labels && !json_is_null(labels) && !json_is_object(labels)) {
		labels = NULL;
		bad = xasprintf("activeTargets[%zu].labels: not an object", i);
	}
	why = labels ? prom_parse_metric(labels, &t->labels) : NULL;
	if (why && !bad)
		bad = xasprintf("activeTargets[%zu].labels: %s", i, why);
	const json_t *disc = json_object_get(e, "discoveredLabels");
	why = json_is_object(disc) ? prom_parse_metric(disc, &t->discovered) : NULL;
	if (why && !bad)
		bad = xasprintf("activeTargets[%zu].discoveredLabels: %s", i, why);
	why = get_str(labels, "job", "", &t->job);
	if (why && !bad)
		bad = xasprintf("activeTargets[%zu].labels.job %s", i, why);
	why = get_str(labels, "instance", "", &t->instance);
	if (why && !bad)
		bad = xasprintf("activeTargets[%zu].labels.instance %s", i, why);
	/* Fill every field even after an error, so the free path is uniform. */
	for (size_t k = 0; k < sizeof strs / sizeof strs[0]; k++) {
		why = get_str(e, strs[k].key, strs[k].dflt, (char **)((char *)t + strs[k].off));
		if (why && !bad)
			bad = xasprintf("activeTargets[%zu].%s %s", i, strs[k].key, why);
	}
	ls = json_object_get(e, "lastScrape");
	t->last_scrape_text = xstrdup(json_is_string(ls) ? json_string_value(ls) : "");
	if (json_is_string(ls)) {
		double v;
		/* Never scraped is Go's zero time, 0001-01-01T00:00:00Z. */
		if (rfc3339_parse(json_string_value(ls), &v) == 0 && v > 0)
			t->last_scrape = v;
	} else if (ls && !json_is_null(ls) && !bad) {
		bad = xasprintf("activeTargets[%zu].lastScrape is not a string", i);
	}
	d = json_object_get(e, "lastScrapeDuration");
	if (json_is_number(d))
		t->last_scrape_duration = json_number_value(d);
	else if (d && !json_is_null(d) && !bad)
		bad = xasprintf("activeTargets[%zu].lastScrapeDuration is not a number", i);
	return bad;
}

static void target_free(prom_target_t *t)
{
	free(t->job);
	free(t->instance);
	labels_free(&t->labels);
	labels_free(&t->discovered);
	free(t->scrape_pool);
	free(t->scrape_url);
	free(t->global_url);
	free(t->health);
	free(t->last_error);
	free(t->last_scrape_text);
	free(t->scrape_interval);
	free(t->scrape_timeout);
}

static int health_rank(const char *h)
{
	if (h && strcmp(h, "down") == 0)
		return 0;
	if (h && strcmp(h, "up") == 0)
		return 2;
	return 1;
}

int prom_target_cmp(const prom_target_t *a, const prom_target_t *b)
{
	int c = health_rank(a->health) - health_rank(b->health);
	if (!c)
		c = strcmp(a->job ? a->job : "", b->job ? b->job : "");
	if (!c)
		c = strcmp(a->instance ? a->instance : "", b->instance ? b->instance : "");
	return c;
}

static int cmp_target_q(const void *x, const void *y)
{
	return prom_target_cmp(x, y);
}

void prom_targets_sort(prom_targets_t *t)
{
	if (t && t->n > 1)
		qsort(t->v, t->n, sizeof *t->v, cmp_target_q);
}

static char *parse_targets_data(const json_t *data, prom_targets_t *out)
{
	const json_t *act, *drop, *counts;
	size_t i;
	json_t *e;
	if (!json_is_object(data))
		return xstrdup("\"data\" is missing or not an object");
	act = json_object_get(data, "activeTargets");
	drop = json_object_get(data, "droppedTargets");
	counts = json_object_get(data, "droppedTargetCounts");
	if (act && !json_is_null(act) && !json_is_array(act))
		return xstrdup("data.activeTargets is not an array");
	if (drop && !json_is_null(drop) && !json_is_array(drop))
		return xstrdup("data.droppedTargets is not an array");
	if (json_is_array(act) && json_array_size(act)) {
		out->v = xcalloc(json_array_size(act), sizeof *out->v);
		json_array_foreach(act, i, e) {
			char *m;
			if (!json_is_object(e))
				return xasprintf("activeTargets[%zu]: not an object", i);
			m = parse_target(e, i, &out->v[out->n]);
			out->n++;
			if (m)
				return m;
		}
	}
	out->n_dropped = json_is_array(drop) ? json_array_size(drop) : 0;
	/* With state=active the list is empty; newer servers still count per pool. */
	if (json_is_object(counts)) {
		const char *k;
		json_t *c;
		size_t sum = 0;
		json_object_foreach((json_t *)counts, k, c) {
			/* bounded so the conversion to size_t is defined */
			if (json_is_number(c) && json_number_value(c) > 0 &&
			    json_number_value(c) < 1e15)
				sum += (size_t)json_number_value(c);
		}
		if (sum > out->n_dropped)
			out->n_dropped = sum;
	}
	return NULL;
}

int prom_parse_targets(const char *body, size_t len, long http_status, prom_targets_t *out,
		       char **err)
{
	char *msg = NULL;
	json_t *root;

	int not_api;
	memset(out, 0, sizeof *out);
	if (err)
		*err = NULL;
	root = prom_envelope_load(body, len, http_status, &msg, &not_api);
	if (!root) {
		prom_set_err(err, msg);
		return -1;
	}
	msg = parse_targets_data(json_object_get(root, "data"), out);
	json_decref(root);
	if (msg) {
		prom_targets_free(out);
		prom_set_err(err, msg);
		return -1;
	}
	return 0;
}

void prom_targets_free(prom_targets_t *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++)
		target_free(&t->v[i]);
	free(t->v);
	memset(t, 0, sizeof *t);
}

/* ---- time ---- */

/* n decimal digits at *p into *out; advances *p. */
static int take_digits(const char **p, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		char c = (*p)[i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*p += n;
	*out = v;
	return 0;
}

static int take_char(const char **p, const char *set)
{
	if (!**p || !strchr(set, **p))
		return -1;
	(*p)++;
	return 0;
}

static int is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian, y >= 1). */
static long long days_since_epoch(int y, int m, int d)
{
	static const int before[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
	long long py = y - 1; /* whole years before y, counted from year 1 */
	long long days = py * 365 + py / 4 - py / 100 + py / 400;
	days += before[m - 1] + (m > 2 && is_leap(y)) + (d - 1);
	return days - 719162; /* days from 0001-01-01 to 1970-01-01 */
}

int rfc3339_parse(const char *s, double *out)
{
	static const int mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int y, mo, d, h, mi, sec, oh = 0, om = 0, sign = 0;
	double frac = 0;
	const char *p = s;

	if (!s)
		return -1;
	if (take_digits(&p, 4, &y) || take_char(&p, "-") || take_digits(&p, 2, &mo) ||
	    take_char(&p, "-") || take_digits(&p, 2, &d) || take_char(&p, "Tt ") ||
	    take_digits(&p, 2, &h) || take_char(&p, ":") || take_digits(&p, 2, &mi) ||
	    take_char(&p, ":") || take_digits(&p, 2, &sec))
		return -1;
	if (*p == '.') {
		double scale = 0.1;
		p++;
		if (*p < '0' || *p > '9')
			return -1;
		for (; *p >= '0' && *p <= '9'; p++, scale /= 10)
			frac += (*p - '0') * scale;
	}
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		sign = *p == '+' ? 1 : -1;
		p++;
		if (take_digits(&p, 2, &oh) || take_char(&p, ":") || take_digits(&p, 2, &om))
			return -1;
	} else {
		return -1;
	}
	if (*p || y < 1 || mo < 1 || mo > 12 || d < 1 ||
	    d > mdays[mo - 1] + (mo == 2 && is_leap(y)) || h > 23 || mi > 59 || sec > 60 ||
	    oh > 23 || om > 59)
		return -1;
	long long t = days_since_epoch(y, mo, d) * 86400LL + h * 3600LL + mi * 60LL + sec -
		      sign * (oh * 3600LL + om * 60LL);
	*out = (double)t + frac;
	return 0;
}
