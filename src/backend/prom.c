/* Prometheus HTTP API client side without I/O: URL builders and response parsers. */
#include "config.h"
#include "backend/prom.h"
#include "core/text.h"
#include "core/xalloc.h"
#include <jansson.h>
#include <locale.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Longest excerpt of a non-JSON body quoted in an error message. */
#define EXCERPT_MAX 200

static int status_is_failure(long http_status)
{
	return http_status != 0 && (http_status < 200 || http_status > 299);
}

/*
 * The first non-blank line of a body as printable ASCII, at most EXCERPT_MAX
 * characters: it goes into a one-line status message on a terminal, so bytes
 * a terminal could interpret must not pass through.
 */
static char *body_excerpt(const char *body, size_t len)
{
	strbuf_t b;
	size_t i = 0;
	sb_init(&b);
	while (i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' ||
			   body[i] == '\n'))
		i++;
	for (; i < len && b.len < EXCERPT_MAX; i++) {
		unsigned char c = (unsigned char)body[i];
		if (c == '\r' || c == '\n')
			break;
		if (c == '\t')
			c = ' ';
		else if ((c & 0xC0) == 0x80)
			continue; /* one '?' per UTF-8 sequence, not per byte */
		else if (c < 0x20 || c > 0x7E)
			c = '?';
		char ch = (char)c;
		sb_add(&b, &ch, 1);
	}
	while (b.len && b.s[b.len - 1] == ' ')
		b.s[--b.len] = '\0';
	if (!b.len)
		sb_puts(&b, "(empty body)");
	return sb_steal(&b);
}

/* Server-supplied text for the status line: nothing a terminal would obey. */
static char *clean_text(const char *s)
{
	return text_sanitize(s);
}

static char *http_excerpt_msg(long http_status, const char *body, size_t len)
{
	char *ex = body_excerpt(body, len);
	char *m = xasprintf("HTTP %ld: %s", http_status, ex);
	free(ex);
	return m;
}

/*
 * Parse the JSON envelope shared by every /api/v1 endpoint. On success
 * returns the root object (caller decrefs). On failure returns NULL and a
 * message in *msg: the server's "errorType: error", the HTTP status with the
 * start of a non-JSON body, or what was malformed.
 */
static json_t *envelope_load(const char *body, size_t len, long http_status, char **msg)
{
	json_error_t je;
	json_t *root;
	const char *st;

	if (!body || !len) {
		*msg = status_is_failure(http_status) ? xasprintf("HTTP %ld: empty body", http_status)
						      : xstrdup("empty response body");
		return NULL;
	}
	/* Integers as reals: a huge integer timestamp must not fail the whole parse. */
	root = json_loadb(body, len, JSON_DECODE_INT_AS_REAL, &je);
	if (!root) {
		if (status_is_failure(http_status)) {
			*msg = http_excerpt_msg(http_status, body, len);
		} else {
			char *ex = body_excerpt(body, len);
			char *why = clean_text(je.text);
			*msg = xasprintf("invalid JSON: %s at line %d column %d (body: %s)", why,
					 je.line, je.column, ex);
			free(why);
			free(ex);
		}
		return NULL;
	}
	if (!json_is_object(root) || !json_is_string(json_object_get(root, "status"))) {
		*msg = status_is_failure(http_status)
			       ? http_excerpt_msg(http_status, body, len)
			       : xstrdup("unexpected response: not a Prometheus API envelope "
					 "(no \"status\")");
		json_decref(root);
		return NULL;
	}
	st = json_string_value(json_object_get(root, "status"));
	if (strcmp(st, "success") == 0)
		return root;
	if (strcmp(st, "error") == 0) {
		json_t *et = json_object_get(root, "errorType");
		json_t *e = json_object_get(root, "error");
		char *type = json_is_string(et) ? clean_text(json_string_value(et)) : NULL;
		char *text = json_is_string(e) ? clean_text(json_string_value(e)) : NULL;
		if (type && text)
			*msg = xasprintf("%s: %s", type, text);
		else if (text || type)
			*msg = xstrdup(text ? text : type);
		else if (http_status)
			*msg = xasprintf("HTTP %ld: error without a message", http_status);
		else
			*msg = xstrdup("error without a message");
		free(type);
		free(text);
	} else {
		char *s = body_excerpt(st, strlen(st));
		*msg = xasprintf("unexpected status \"%s\"", s);
		free(s);
	}
	json_decref(root);
	return NULL;
}

/* A float as Prometheus prints it ("1", "1e-07", "NaN", "+Inf"). The C locale
 * is explicit: the console runs under the user's locale for wide characters,
 * and a decimal comma there must not change how "0.5" reads. */
static int parse_float(const char *s, locale_t loc, double *out)
{
	char *end;
	if (!*s || *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\f' ||
	    *s == '\v')
		return -1;
	double v = loc ? strtod_l(s, &end, loc) : strtod(s, &end);
	if (end == s || *end)
		return -1;
	*out = v;
	return 0;
}

/* One [time, "value"] (or [time, {histogram}]) pair; NULL or what is wrong. */
static const char *parse_pair(const json_t *a, int hist, locale_t loc, double *t, double *v)
{
	const json_t *jt, *jv;
	if (!json_is_array(a) || json_array_size(a) != 2)
		return "expected a [time, value] pair";
	jt = json_array_get(a, 0);
	jv = json_array_get(a, 1);
	if (!json_is_number(jt))
		return "timestamp is not a number";
	*t = json_number_value(jt);
	if (!isfinite(*t))
		return "timestamp is not finite";
	if (hist) {
		const json_t *c;
		if (!json_is_object(jv))
			return "histogram is not an object";
		c = json_object_get(jv, "count");
		if (!json_is_string(c))
			return "histogram has no \"count\" string";
		if (parse_float(json_string_value(c), loc, v) != 0)
			return "histogram count is not a number";
		return NULL;
	}
	if (!json_is_string(jv))
		return "value is not a string";
	if (parse_float(json_string_value(jv), loc, v) != 0)
		return "value is not a number";
	return NULL;
}

static const char *parse_metric(const json_t *m, labels_t *l)
{
	const char *k;
	json_t *v;
	if (!m || json_is_null(m))
		return NULL;
	if (!json_is_object(m))
		return "\"metric\" is not an object";
	json_object_foreach((json_t *)m, k, v) {
		if (!json_is_string(v))
			return "label value is not a string";
		labels_add(l, k, json_string_value(v));
	}
	return NULL;
}

static int cmp_sample_t(const void *a, const void *b)
{
	double x = ((const sample_t *)a)->t, y = ((const sample_t *)b)->t;
	return (x > y) - (x < y);
}

static char *parse_vector(const json_t *res, locale_t loc, series_set_t *set)
{
	size_t i;
	json_t *e;
	json_array_foreach(res, i, e) {
		const char *why;
		const json_t *val, *hist;
		double t = 0, v = 0;
		series_t *s;
		if (!json_is_object(e))
			return xasprintf("data.result[%zu]: not an object", i);
		val = json_object_get(e, "value");
		hist = json_object_get(e, "histogram");
		s = series_set_add(set);
		why = parse_metric(json_object_get(e, "metric"), &s->labels);
		if (!why) {
			if (val)
				why = parse_pair(val, 0, loc, &t, &v);
			else if (hist)
				why = parse_pair(hist, 1, loc, &t, &v);
			else
				why = "neither \"value\" nor \"histogram\"";
		}
		if (why)
			return xasprintf("data.result[%zu]: %s", i, why);
		series_push(s, t, v);
	}
	return NULL;
}

static char *parse_samples(const json_t *arr, int hist, locale_t loc, series_t *s, size_t i,
			   const char *key)
{
	size_t j;
	json_t *p;
	if (!arr || json_is_null(arr))
		return NULL;
	if (!json_is_array(arr))
		return xasprintf("data.result[%zu].%s: not an array", i, key);
	json_array_foreach(arr, j, p) {
		double t = 0, v = 0;
		const char *why = parse_pair(p, hist, loc, &t, &v);
		if (why)
			return xasprintf("data.result[%zu].%s[%zu]: %s", i, key, j, why);
		series_push(s, t, v);
	}
	return NULL;
}

static char *parse_matrix(const json_t *res, locale_t loc, series_set_t *set)
{
	size_t i;
	json_t *e;
	json_array_foreach(res, i, e) {
		const json_t *vals, *hists;
		const char *why;
		char *m;
		series_t *s;
		if (!json_is_object(e))
			return xasprintf("data.result[%zu]: not an object", i);
		vals = json_object_get(e, "values");
		hists = json_object_get(e, "histograms");
		if (!vals && !hists)
			return xasprintf("data.result[%zu]: neither \"values\" nor \"histograms\"", i);
		s = series_set_add(set);
		why = parse_metric(json_object_get(e, "metric"), &s->labels);
		if (why)
			return xasprintf("data.result[%zu]: %s", i, why);
		if ((m = parse_samples(vals, 0, loc, s, i, "values")))
			return m;
		if ((m = parse_samples(hists, 1, loc, s, i, "histograms")))
			return m;
		/* Float and histogram samples of one series come in two arrays. */
		if (json_is_array(vals) && json_array_size(vals) && json_is_array(hists) &&
		    json_array_size(hists))
			qsort(s->samples, s->n, sizeof *s->samples, cmp_sample_t);
	}
	return NULL;
}

static char *parse_data(const json_t *data, locale_t loc, prom_result_t *out)
{
	const json_t *rt, *res;
	const char *type;
	if (!json_is_object(data))
		return xstrdup("\"data\" is missing or not an object");
	rt = json_object_get(data, "resultType");
	res = json_object_get(data, "result");
	if (!json_is_string(rt))
		return xstrdup("data.resultType is missing or not a string");
	type = json_string_value(rt);
	if (strcmp(type, "vector") == 0 || strcmp(type, "matrix") == 0) {
		int vec = type[0] == 'v';
		out->type = vec ? PROM_VECTOR : PROM_MATRIX;
		if (!res || json_is_null(res))
			return NULL; /* an empty result may be written as null */
		if (!json_is_array(res))
			return xstrdup("data.result is not an array");
		return vec ? parse_vector(res, loc, &out->set) : parse_matrix(res, loc, &out->set);
	}
	if (strcmp(type, "scalar") == 0) {
		double t = 0, v = 0;
		const char *why = parse_pair(res, 0, loc, &t, &v);
		out->type = PROM_SCALAR;
		if (why)
			return xasprintf("data.result: %s", why);
		series_push(series_set_add(&out->set), t, v);
		return NULL;
	}
	if (strcmp(type, "string") == 0) {
		out->type = PROM_STRING;
		if (!json_is_array(res) || json_array_size(res) != 2 ||
		    !json_is_number(json_array_get(res, 0)) ||
		    !json_is_string(json_array_get(res, 1)))
			return xstrdup("data.result: expected a [time, \"string\"] pair");
		out->string = xstrdup(json_string_value(json_array_get(res, 1)));
		return NULL;
	}
	char *s = body_excerpt(type, strlen(type));
	char *m = xasprintf("unsupported resultType \"%s\"", s);
	free(s);
	return m;
}

static char *parse_warnings(const json_t *root, const char *key, prom_result_t *out)
{
	const json_t *w = json_object_get(root, key);
	size_t i;
	json_t *e;
	if (!w || json_is_null(w))
		return NULL;
	if (!json_is_array(w))
		return xasprintf("\"%s\" is not an array", key);
	json_array_foreach(w, i, e) {
		if (!json_is_string(e))
			return xasprintf("%s[%zu] is not a string", key, i);
		out->warnings = xrealloc(out->warnings, (out->n_warnings + 1) * sizeof(char *));
		out->warnings[out->n_warnings++] = clean_text(json_string_value(e));
	}
	return NULL;
}

static void set_err(char **err, char *msg)
{
	if (err)
		*err = msg;
	else
		free(msg);
}

int prom_parse_query(const char *body, size_t len, long http_status, prom_result_t *out,
		     char **err)
{
	char *msg = NULL;
	json_t *root;
	locale_t loc;

	memset(out, 0, sizeof *out);
	if (err)
		*err = NULL;
	root = envelope_load(body, len, http_status, &msg);
	if (!root) {
		set_err(err, msg);
		return -1;
	}
	loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	msg = parse_data(json_object_get(root, "data"), loc, out);
	if (!msg)
		msg = parse_warnings(root, "warnings", out);
	if (!msg)
		msg = parse_warnings(root, "infos", out);
	if (loc)
		freelocale(loc);
	json_decref(root);
	if (msg) {
		prom_result_free(out);
		set_err(err, msg);
		return -1;
	}
	return 0;
}

void prom_result_free(prom_result_t *r)
{
	if (!r)
		return;
	series_set_free(&r->set);
	free(r->string);
	for (size_t i = 0; i < r->n_warnings; i++)
		free(r->warnings[i]);
	free(r->warnings);
	memset(r, 0, sizeof *r);
}

/* ---- URLs ---- */

/* RFC 3986: everything but the unreserved set is percent-encoded, so PromQL
 * survives any query-string parser (a space is %20, never '+'). */
static void url_encode(strbuf_t *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			sb_add(b, s, 1);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			sb_add(b, e, 3);
		}
	}
}

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
	url_encode(&b, promql);
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
	url_encode(&b, promql);
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
	why = labels ? parse_metric(labels, &t->labels) : NULL;
	if (why && !bad)
		bad = xasprintf("activeTargets[%zu].labels: %s", i, why);
	const json_t *disc = json_object_get(e, "discoveredLabels");
	why = json_is_object(disc) ? parse_metric(disc, &t->discovered) : NULL;
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

	memset(out, 0, sizeof *out);
	if (err)
		*err = NULL;
	root = envelope_load(body, len, http_status, &msg);
	if (!root) {
		set_err(err, msg);
		return -1;
	}
	msg = parse_targets_data(json_object_get(root, "data"), out);
	json_decref(root);
	if (msg) {
		prom_targets_free(out);
		set_err(err, msg);
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
