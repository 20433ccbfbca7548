/* Prometheus HTTP API client side without I/O: URL builders and response parsers. */
#include "config.h"
#include "backend/prom.h"
#include "core/http.h"
#include "core/text.h"
#include "backend/prom_int.h"
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
	char *m = xasprintf("HTTP %ld: %s%s", http_status, ex, http_status_hint(http_status));
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
json_t *prom_envelope_load(const char *body, size_t len, long http_status, char **msg,
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

const char *prom_parse_metric(const json_t *m, labels_t *l)
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
	why = prom_parse_metric(json_object_get(e, "metric"), &s->labels);
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
	why = prom_parse_metric(json_object_get(e, "metric"), &s->labels);
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

void prom_set_err(char **err, char *msg)
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
			prom_set_err(err, msg);
			return -1;
		}
		keep_end(&k, &out->set, out);
		return 0;
	}
	root = prom_envelope_load(body, len, http_status, &msg, &not_api);
	if (!root) {
		if (loc)
			freelocale(loc);
		out->not_api = not_api;
		prom_set_err(err, msg);
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
		prom_set_err(err, msg);
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
