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

/* The message of an error envelope, from its errorType and error (both taken,
 * either may be NULL): "bad_data: 1:5: parse error: ...". */
static char *error_msg(char *type, char *text, long http_status)
{
	char *m;
	if (type && text)
		m = xasprintf("%s: %s", type, text);
	else if (type || text)
		m = xstrdup(text ? text : type);
	else if (http_status)
		m = xasprintf("HTTP %ld: error without a message", http_status);
	else
		m = xstrdup("error without a message");
	free(type);
	free(text);
	return m;
}

/*
 * Parse the JSON envelope shared by every /api/v1 endpoint. On success
 * returns the root object (caller decrefs). On failure returns NULL and a
 * message in *msg: the server's "errorType: error", the HTTP status with the
 * start of a non-JSON body, or what was malformed.
 */
static json_t *envelope_load(const char *body, size_t len, long http_status, char **msg,
			     int *not_api)
{
	json_error_t je;
	json_t *root;
	const char *st;

	*not_api = 1;
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
	*not_api = 0;
	st = json_string_value(json_object_get(root, "status"));
	if (strcmp(st, "success") == 0)
		return root;
	if (strcmp(st, "error") == 0) {
		json_t *et = json_object_get(root, "errorType");
		json_t *e = json_object_get(root, "error");
		*msg = error_msg(json_is_string(et) ? clean_text(json_string_value(et)) : NULL,
				 json_is_string(e) ? clean_text(json_string_value(e)) : NULL, http_status);
	} else {
		char *s = body_excerpt(st, strlen(st));
		*not_api = 1;
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

/* ---- keeping the worst series of a big answer ---- */

typedef struct {
	const prom_parse_opts_t *o;
	size_t total;         /* series seen */
	double sum;           /* of their finite last values */
	double sum_num, min, max; /* of their last values but NaN (Inf included) */
	size_t n_num;
} keep_t;

static double rank_of(const keep_t *k, const series_t *s)
{
	double v = series_last(s);
	if (isnan(v))
		return -INFINITY;
	return k->o && k->o->rank ? k->o->rank(v, k->o->rank_ud) : v;
}

static int cmp_worst(const void *x, const void *y, void *ud)
{
	const series_t *a = x, *b = y;
	double ra = rank_of(ud, a), rb = rank_of(ud, b);
	if (ra != rb)
		return ra > rb ? -1 : 1;
	return labels_cmp(&a->labels, &b->labels);
}

/* Keep the `max` worst series (worst first), free the others. */
static void prune(keep_t *k, series_set_t *set, size_t max)
{
	if (set->n <= max)
		return;
	qsort_r(set->v, set->n, sizeof *set->v, cmp_worst, k);
	for (size_t i = max; i < set->n; i++) {
		labels_free(&set->v[i].labels);
		free(set->v[i].samples);
	}
	set->n = max;
}

/* A series was added: count it, and when twice the cap are held, drop down
 * to the cap (so memory is bounded by the cap, not by the answer). */
static void keep_note(keep_t *k, series_set_t *set)
{
	double v = series_last(&set->v[set->n - 1]);
	k->total++;
	if (isfinite(v))
		k->sum += v;
	if (!isnan(v)) {
		k->sum_num += v;
		k->min = k->n_num && k->min <= v ? k->min : v;
		k->max = k->n_num && k->max >= v ? k->max : v;
		k->n_num++;
	}
	size_t max = k->o ? k->o->max_series : 0;
	if (max && set->n >= 2 * max)
		prune(k, set, max);
}

static void keep_end(keep_t *k, series_set_t *set, prom_result_t *out)
{
	size_t max = k->o ? k->o->max_series : 0;
	if (max)
		prune(k, set, max);
	out->n_series_total = k->total;
	out->sum_all = k->sum;
	out->n_num = k->n_num;
	out->sum_num = k->n_num ? k->sum_num : NAN;
	out->min_all = k->n_num ? k->min : NAN;
	out->max_all = k->n_num ? k->max : NAN;
}

static char *vector_elem(const json_t *e, size_t i, locale_t loc, series_set_t *set)
{
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

static char *matrix_elem(const json_t *e, size_t i, locale_t loc, series_set_t *set)
{
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
	return NULL;
}

static char *parse_series(const json_t *res, int vec, locale_t loc, keep_t *k, series_set_t *set)
{
	size_t i;
	json_t *e;
	json_array_foreach(res, i, e) {
		char *m = vec ? vector_elem(e, i, loc, set) : matrix_elem(e, i, loc, set);
		if (m)
			return m;
		keep_note(k, set);
	}
	return NULL;
}

static char *parse_data(const json_t *data, locale_t loc, keep_t *k, prom_result_t *out)
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
		return parse_series(res, vec, loc, k, &out->set);
	}
	if (strcmp(type, "scalar") == 0) {
		double t = 0, v = 0;
		const char *why = parse_pair(res, 0, loc, &t, &v);
		out->type = PROM_SCALAR;
		if (why)
			return xasprintf("data.result: %s", why);
		series_push(series_set_add(&out->set), t, v);
		keep_note(k, &out->set);
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

static char *parse_warning_list(const json_t *w, const char *key, prom_result_t *out)
{
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

static char *parse_warnings(const json_t *root, const char *key, prom_result_t *out)
{
	return parse_warning_list(json_object_get(root, key), key, out);
}

/* ---- big answers: one result element at a time ----
 *
 * jansson builds a tree of the whole body, some 20 times its size: a 16 MB
 * answer would cost 300 MB. A big body is skimmed instead: the envelope is
 * walked without building it, each element of data.result is decoded on its
 * own and dropped once its series is taken (or pruned by the series cap). */

/* Bodies up to this are decoded whole: exact messages, and cheap. */
#define WHOLE_MAX (1u << 20)
/* One element of data.result: 11,000 points of a series are about 300 KB. */
#define ELEMENT_MAX (4u << 20)

typedef struct {
	const char *p, *e;
} span_t;

static const char *skip_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

/* p at '"': past the closing quote, or NULL. */
static const char *skip_string(const char *p, const char *e)
{
	for (p++; p < e; p++) {
		if (*p == '\\') {
			p++;
			continue;
		}
		if (*p == '"')
			return p + 1;
	}
	return NULL;
}

/* Past one JSON value (not validated inside: its parts are decoded later by
 * jansson or skipped), or NULL when the body ends first. */
static const char *skip_value(const char *p, const char *e)
{
	if (p >= e)
		return NULL;
	if (*p == '"')
		return skip_string(p, e);
	if (*p == '{' || *p == '[') {
		size_t depth = 0;
		while (p < e) {
			if (*p == '"') {
				if (!(p = skip_string(p, e)))
					return NULL;
				continue;
			}
			if (*p == '{' || *p == '[')
				depth++;
			else if ((*p == '}' || *p == ']') && --depth == 0)
				return p + 1;
			p++;
		}
		return NULL;
	}
	const char *q = p;
	while (q < e && *q != ',' && *q != '}' && *q != ']' && *q != ' ' && *q != '\t' &&
	       *q != '\r' && *q != '\n')
		q++;
	return q > p ? q : NULL;
}

static json_t *span_load(span_t v)
{
	return json_loadb(v.p, (size_t)(v.e - v.p), JSON_DECODE_ANY | JSON_DECODE_INT_AS_REAL, NULL);
}

/* Is the key at span k (with its quotes) the plain word w? */
static int key_is(span_t k, const char *w)
{
	size_t n = strlen(w);
	return (size_t)(k.e - k.p) == n + 2 && memcmp(k.p + 1, w, n) == 0;
}

typedef void (*member_fn)(span_t key, span_t val, void *ud);

/* Walk the members of the object at *p; NULL when it is not a well-formed object. */
static const char *walk_object(const char *p, const char *e, member_fn fn, void *ud)
{
	p = skip_ws(p, e);
	if (p >= e || *p != '{')
		return NULL;
	p = skip_ws(p + 1, e);
	if (p < e && *p == '}')
		return p + 1;
	for (;;) {
		span_t k, v;
		if (p >= e || *p != '"')
			return NULL;
		k.p = p;
		if (!(k.e = p = skip_string(p, e)))
			return NULL;
		p = skip_ws(p, e);
		if (p >= e || *p != ':')
			return NULL;
		v.p = p = skip_ws(p + 1, e);
		if (!(v.e = p = skip_value(p, e)))
			return NULL;
		fn(k, v, ud);
		p = skip_ws(p, e);
		if (p < e && *p == ',') {
			p = skip_ws(p + 1, e);
			continue;
		}
		if (p < e && *p == '}')
			return p + 1;
		return NULL;
	}
}

typedef struct {
	span_t status, data, warnings, infos, type, result;
} skim_t;

static void on_data_member(span_t k, span_t v, void *ud)
{
	skim_t *sk = ud;
	if (key_is(k, "resultType"))
		sk->type = v;
	else if (key_is(k, "result"))
		sk->result = v;
}

static void on_top_member(span_t k, span_t v, void *ud)
{
	skim_t *sk = ud;
	if (key_is(k, "status"))
		sk->status = v;
	else if (key_is(k, "data"))
		sk->data = v;
	else if (key_is(k, "warnings"))
		sk->warnings = v;
	else if (key_is(k, "infos"))
		sk->infos = v;
}

static void on_error_member(span_t k, span_t v, void *ud)
{
	span_t *es = ud; /* [0] errorType, [1] error */
	if (key_is(k, "errorType"))
		es[0] = v;
	else if (key_is(k, "error"))
		es[1] = v;
}

/* Decode each element of the array at `arr` on its own. */
static char *skim_series(span_t arr, int vec, locale_t loc, keep_t *k, series_set_t *set)
{
	const char *p = skip_ws(arr.p, arr.e), *e = arr.e;
	size_t i = 0;
	if (p >= e || *p != '[')
		return xstrdup("data.result is not an array");
	p = skip_ws(p + 1, e);
	if (p < e && *p == ']')
		return NULL;
	for (;; i++) {
		span_t v = { p, skip_value(p, e) };
		if (!v.e)
			return xasprintf("invalid JSON in data.result[%zu]", i);
		if ((size_t)(v.e - v.p) > ELEMENT_MAX)
			return xasprintf("data.result[%zu]: one series of %.0f MB, more than the %u MB "
					 "one series may hold here", i, (double)(v.e - v.p) / 1048576.0,
					 ELEMENT_MAX >> 20);
		json_t *el = span_load(v);
		if (!el)
			return xasprintf("invalid JSON in data.result[%zu]", i);
		char *m = vec ? vector_elem(el, i, loc, set) : matrix_elem(el, i, loc, set);
		json_decref(el);
		if (m)
			return m;
		keep_note(k, set);
		p = skip_ws(v.e, e);
		if (p < e && *p == ',') {
			p = skip_ws(p + 1, e);
			continue;
		}
		if (p < e && *p == ']')
			return NULL;
		return xasprintf("invalid JSON after data.result[%zu]", i);
	}
}

static char *skim_list(span_t v, const char *key, prom_result_t *out)
{
	if (!v.p)
		return NULL;
	json_t *w = span_load(v);
	if (!w)
		return xasprintf("invalid JSON in \"%s\"", key);
	char *m = parse_warning_list(w, key, out);
	json_decref(w);
	return m;
}

/* A member's string value (NULL when absent or not a string), sanitized. */
static char *span_string(span_t v)
{
	if (!v.p)
		return NULL;
	json_t *j = span_load(v);
	char *s = json_is_string(j) ? clean_text(json_string_value(j)) : NULL;
	json_decref(j);
	return s;
}

/* A big body, skimmed: never one jansson tree of the whole, whatever it holds.
 * Sets the result or *msg (and *not_api when it is not Prometheus's envelope). */
static void skim(const char *body, size_t len, long http_status, locale_t loc, keep_t *k,
		 prom_result_t *out, char **msg, int *not_api)
{
	skim_t sk = { 0 };
	const char *e = body + len;
	const char *p = walk_object(body, e, on_top_member, &sk);
	*not_api = 1;
	if (!p || skip_ws(p, e) != e) {
		if (status_is_failure(http_status)) {
			*msg = http_excerpt_msg(http_status, body, len);
		} else {
			char *ex = body_excerpt(body, len);
			*msg = xasprintf("invalid JSON (body: %s)", ex);
			free(ex);
		}
		return;
	}
	char *st = span_string(sk.status);
	if (!st) {
		*msg = status_is_failure(http_status)
			       ? http_excerpt_msg(http_status, body, len)
			       : xstrdup("unexpected response: not a Prometheus API envelope "
					 "(no \"status\")");
		return;
	}
	if (strcmp(st, "success") != 0) {
		if (strcmp(st, "error") == 0) {
			*not_api = 0;
			span_t es[2] = { { 0 }, { 0 } }; /* errorType, error */
			walk_object(body, e, on_error_member, es);
			*msg = error_msg(span_string(es[0]), span_string(es[1]), http_status);
		} else {
			char *s = body_excerpt(st, strlen(st));
			*msg = xasprintf("unexpected status \"%s\"", s);
			free(s);
		}
		free(st);
		return;
	}
	free(st);
	*not_api = 0;
	if (!sk.data.p || !walk_object(sk.data.p, sk.data.e, on_data_member, &sk)) {
		*msg = xstrdup("\"data\" is missing or not an object");
		return;
	}
	char *type = span_string(sk.type);
	if (type && (strcmp(type, "vector") == 0 || strcmp(type, "matrix") == 0)) {
		out->type = type[0] == 'v' ? PROM_VECTOR : PROM_MATRIX;
		int null = !sk.result.p || (sk.result.e - sk.result.p == 4 && !memcmp(sk.result.p, "null", 4));
		*msg = null ? NULL : skim_series(sk.result, out->type == PROM_VECTOR, loc, k, &out->set);
	} else if ((size_t)(sk.data.e - sk.data.p) > ELEMENT_MAX) {
		*msg = xasprintf("a %s result of %.0f MB: too large to read", type ? type : "data",
				 (double)(sk.data.e - sk.data.p) / 1048576.0);
	} else {
		/* scalar, string, or wrong: the data member alone is small */
		json_t *data = span_load(sk.data);
		*msg = data ? parse_data(data, loc, k, out) : xstrdup("invalid JSON in \"data\"");
		json_decref(data);
	}
	free(type);
	if (!*msg)
		*msg = skim_list(sk.warnings, "warnings", out);
	if (!*msg)
		*msg = skim_list(sk.infos, "infos", out);
}

static void set_err(char **err, char *msg)
{
	if (err)
		*err = msg;
	else
		free(msg);
}

int prom_parse_query_opts(const char *body, size_t len, long http_status,
			  const prom_parse_opts_t *o, prom_result_t *out, char **err)
{
	char *msg = NULL;
	json_t *root;
	locale_t loc;
	keep_t k;
	memset(&k, 0, sizeof k);
	k.o = o;

	memset(out, 0, sizeof *out);
	if (err)
		*err = NULL;
	loc = newlocale(LC_ALL_MASK, "C", (locale_t)0);
	int not_api = 0;
	if (body && (len > WHOLE_MAX || (o && o->skim))) {
		skim(body, len, http_status, loc, &k, out, &msg, &not_api);
		if (loc)
			freelocale(loc);
		if (msg) {
			prom_result_free(out);
			out->not_api = not_api;
			set_err(err, msg);
			return -1;
		}
		keep_end(&k, &out->set, out);
		return 0;
	}
	root = envelope_load(body, len, http_status, &msg, &not_api);
	if (!root) {
		if (loc)
			freelocale(loc);
		out->not_api = not_api;
		set_err(err, msg);
		return -1;
	}
	msg = parse_data(json_object_get(root, "data"), loc, &k, out);
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
	keep_end(&k, &out->set, out);
	return 0;
}

int prom_parse_query(const char *body, size_t len, long http_status, prom_result_t *out,
		     char **err)
{
	return prom_parse_query_opts(body, len, http_status, NULL, out, err);
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

	int not_api;
	memset(out, 0, sizeof *out);
	if (err)
		*err = NULL;
	root = envelope_load(body, len, http_status, &msg, &not_api);
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
