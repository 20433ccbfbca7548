/* Jaeger's answers without I/O: names, traces (v1 JSON here, /api/v3's OTLP
 * JSON in jaeger_otlp.c), and error texts. */
#include "config.h"
#include "backend/jaeger.h"
#include "backend/jaeger_int.h"
#include "core/http.h"
#include "core/jscan.h"
#include "core/text.h"
#include "core/xalloc.h"
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void set_err(char **err, char *msg)
{
	if (err)
		*err = msg;
	else
		free(msg);
}

static int status_is_failure(long http_status)
{
	return http_status != 0 && (http_status < 200 || http_status > 299);
}

/* ---- error texts ---- */

static int looks_html(const char *body, size_t len)
{
	size_t i = 0;
	while (i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n'))
		i++;
	if (i == len || body[i] != '<')
		return 0;
	static const char *const tags[] = { "<!doctype html", "<html", "<head", "<body", "<title" };
	size_t look = len - i < 1024 ? len - i : 1024;
	for (size_t t = 0; t < sizeof tags / sizeof tags[0]; t++) {
		size_t tl = strlen(tags[t]);
		for (size_t k = i; k + tl <= i + look; k++)
			if (!strncasecmp(body + k, tags[t], tl))
				return 1;
	}
	return 0;
}

static char *json_text(json_t *v)
{
	return text_one_line(json_string_value(v), json_string_length(v), JAEGER_ERROR_MAX);
}

/* The message a JSON error body carries: v1 errors[].msg (the first, and how
 * many more), v3 error.message, or a message/msg/error string. NULL: none. */
static char *json_error_text(json_t *root)
{
	if (!json_is_object(root))
		return NULL;
	json_t *errs = json_object_get(root, "errors");
	if (json_is_array(errs) && json_array_size(errs)) {
		json_t *m = json_object_get(json_array_get(errs, 0), "msg");
		if (json_is_string(m)) {
			char *t = json_text(m);
			size_t more = json_array_size(errs) - 1;
			if (!more)
				return t;
			char *r = xasprintf("%s (and %zu more error%s)", t, more, more == 1 ? "" : "s");
			free(t);
			return r;
		}
	}
	json_t *e = json_object_get(root, "error");
	if (json_is_object(e)) {
		json_t *m = json_object_get(e, "message");
		if (json_is_string(m))
			return json_text(m);
	}
	static const char *const keys[] = { "error", "message", "msg" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		json_t *v = json_object_get(root, keys[i]);
		if (json_is_string(v))
			return json_text(v);
	}
	return NULL;
}

char *jaeger_error_message(long status, const char *body, size_t len)
{
	char *text = NULL;
	if (!body)
		len = 0;
	if (len && looks_html(body, len))
		text = xstrdup("not a Jaeger API (an HTML page)");
	if (!text && len) {
		size_t i = 0;
		while (i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\r' || body[i] == '\n'))
			i++;
		if (i < len && body[i] == '{') {
			json_t *root = json_loadb(body, len, JSON_ALLOW_NUL, NULL);
			text = json_error_text(root);
			json_decref(root);
		}
	}
	if (!text)
		text = text_one_line(body ? body : "", len, JAEGER_ERROR_MAX);
	char *m;
	if (!*text)
		m = status ? xasprintf("HTTP %ld: %s%s", status, http_status_word(status),
				       http_status_hint(status))
			   : xstrdup("empty response body");
	else
		m = status ? xasprintf("HTTP %ld: %s%s", status, text, http_status_hint(status))
			   : xstrdup(text);
	free(text);
	return m;
}

/* ---- loading ---- */

static json_t *load(const char *body, size_t len, char **err)
{
	json_error_t je;
	if (!body || !len) {
		set_err(err, xstrdup("empty response body"));
		return NULL;
	}
	if (looks_html(body, len)) { /* a login page or a UI answering 200 */
		set_err(err, xstrdup("not a Jaeger API (an HTML page)"));
		return NULL;
	}
	json_t *root = json_loadb(body, len, JSON_ALLOW_NUL, &je);
	if (!root) {
		char *why = text_sanitize(je.text);
		char *ex = text_one_line(body, len < 80 ? len : 80, 80);
		set_err(err, xasprintf("invalid JSON: %s at line %d column %d (body: %s)", why, je.line,
				       je.column, ex));
		free(ex);
		free(why);
	}
	return root;
}

/* Does the answer say "nothing found" (v1 errors[].code 404, v3 error.httpCode 404)? */
static int says_not_found(json_t *root)
{
	json_t *errs = json_object_get(root, "errors");
	if (json_is_array(errs) && json_array_size(errs)) {
		json_t *c = json_object_get(json_array_get(errs, 0), "code");
		return json_is_integer(c) && json_integer_value(c) == 404;
	}
	json_t *e = json_object_get(root, "error");
	if (json_is_object(e)) {
		json_t *c = json_object_get(e, "httpCode");
		return json_is_integer(c) && json_integer_value(c) == 404;
	}
	return 0;
}

static int has_errors(json_t *root)
{
	json_t *errs = json_object_get(root, "errors");
	return (json_is_array(errs) && json_array_size(errs)) ||
	       json_is_object(json_object_get(root, "error"));
}

/* An error answer with a 2xx status (or none): its message, without "HTTP". */
static char *answer_error(json_t *root)
{
	char *t = json_error_text(root);
	return t ? t : xstrdup("the answer holds an error without a message");
}

/* The answer as a JSON object, or NULL with why in *err. */
static json_t *load_object(const char *body, size_t len, char **err)
{
	json_t *root = load(body, len, err);
	if (root && !json_is_object(root)) {
		json_decref(root);
		set_err(err, xstrdup("not a Jaeger answer: not a JSON object"));
		return NULL;
	}
	return root;
}

/* ---- names ---- */

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void jaeger_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int jaeger_parse_names(const char *body, size_t len, long http_status, char ***names, size_t *n,
		       char **err)
{
	*names = NULL;
	*n = 0;
	if (err)
		*err = NULL;
	if (status_is_failure(http_status)) {
		set_err(err, jaeger_error_message(http_status, body, len));
		return -1;
	}
	json_t *root = load_object(body, len, err);
	if (!root)
		return -1;
	json_t *list = NULL;
	int found = 0;
	static const char *const keys[] = { "data", "services", "operations" };
	for (size_t i = 0; i < sizeof keys / sizeof keys[0] && !found; i++)
		if (json_object_get(root, keys[i])) {
			found = 1;
			list = json_object_get(root, keys[i]);
		}
	if (has_errors(root) && !json_is_array(list)) {
		set_err(err, answer_error(root));
		json_decref(root);
		return -1;
	}
	if (!found || (!json_is_array(list) && !json_is_null(list))) {
		json_decref(root);
		set_err(err, xstrdup(found ? "not a Jaeger answer: the list of names is not an array"
					   : "not a Jaeger answer: no data, services or operations"));
		return -1;
	}
	size_t cap = json_array_size(list), k = 0;
	char **v = cap ? xmalloc(cap * sizeof *v) : NULL;
	json_t *e;
	size_t i;
	json_array_foreach (list, i, e) {
		json_t *s = json_is_object(e) ? json_object_get(e, "name") : e;
		if (!json_is_string(s)) {
			/* a list of something else is not Jaeger's: never "no service" */
			jaeger_names_free(v, k);
			json_decref(root);
			set_err(err, xasprintf("not a Jaeger answer: element %zu of the list is not a name", i + 1));
			return -1;
		}
		v[k++] = xstrndup(json_string_value(s), json_string_length(s));
	}
	json_decref(root);
	if (k)
		qsort(v, k, sizeof *v, cmp_name);
	size_t u = 0;
	for (i = 0; i < k; i++) {
		if (u && !strcmp(v[u - 1], v[i]))
			free(v[i]);
		else
			v[u++] = v[i];
	}
	if (!u) {
		free(v);
		v = NULL;
	}
	*names = v;
	*n = u;
	return 0;
}

/* ---- values ---- */

/* An int64 from a JSON number or a string of digits. */
int jg_get_i64(json_t *v, int64_t *out)
{
	if (json_is_integer(v)) {
		*out = (int64_t)json_integer_value(v);
		return 0;
	}
	if (json_is_real(v)) {
		double d = json_real_value(v);
		if (!(d > -9.2e18 && d < 9.2e18))
			return -1;
		*out = (int64_t)d;
		return 0;
	}
	if (json_is_string(v)) {
		const char *s = json_string_value(v);
		char *end;
		if (!*s)
			return -1;
		errno = 0;
		long long x = strtoll(s, &end, 10);
		if (*end || errno)
			return -1;
		*out = x;
		return 0;
	}
	return -1;
}

/* A double in its shortest form that reads back the same. */
static void fmt_double(double d, char buf[40])
{
	if (!isfinite(d)) {
		snprintf(buf, 40, "%s", isnan(d) ? "NaN" : d > 0 ? "+Inf" : "-Inf");
		return;
	}
	for (int p = 15; p <= 17; p++) {
		snprintf(buf, 40, "%.*g", p, d);
		if (strtod(buf, NULL) == d)
			return;
	}
}

/* Any JSON value as text: a string as it is, others as compact JSON. */
const char *jg_value_text(trace_t *t, json_t *v)
{
	char buf[40];
	if (!v)
		return "";
	switch (json_typeof(v)) {
	case JSON_STRING:
		return trace_str(t, json_string_value(v), json_string_length(v));
	case JSON_INTEGER:
		snprintf(buf, sizeof buf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return trace_str(t, buf, (size_t)-1);
	case JSON_REAL:
		fmt_double(json_real_value(v), buf);
		return trace_str(t, buf, (size_t)-1);
	case JSON_TRUE:
		return "true";
	case JSON_FALSE:
		return "false";
	case JSON_NULL:
		return "";
	default: {
		char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
		const char *r = trace_str(t, s ? s : "", (size_t)-1);
		free(s);
		return r;
	}
	}
}

typedef struct {
	trace_event_t e;
	uint32_t i;
} ev_sort_t;

static int cmp_ev(const void *a, const void *b)
{
	const ev_sort_t *x = a, *y = b;
	if (x->e.ts_us != y->e.ts_us)
		return x->e.ts_us < y->e.ts_us ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* Events by time, the order as sent on a tie. */
static void sort_events(trace_event_t *ev, uint32_t n)
{
	uint32_t i = 1;
	while (i < n && ev[i - 1].ts_us <= ev[i].ts_us)
		i++;
	if (i >= n)
		return;
	ev_sort_t *tmp = xmalloc(n * sizeof *tmp);
	for (i = 0; i < n; i++)
		tmp[i] = (ev_sort_t){ ev[i], i };
	qsort(tmp, n, sizeof *tmp, cmp_ev);
	for (i = 0; i < n; i++)
		ev[i] = tmp[i].e;
	free(tmp);
}

static void lower_hex(char *s)
{
	for (; *s; s++)
		*s = (char)ascii_lower((unsigned char)*s);
}

/* ---- walking the text ---- */

/* The members `names` of the object in `obj` (absent: p NULL); past the
 * object, or NULL when it is not one. */
typedef struct {
	const char *const *names;
	jspan_t *vals;
	size_t n;
} pick_t;

static void pick_member(jspan_t k, jspan_t v, void *ud)
{
	pick_t *pk = ud;
	for (size_t i = 0; i < pk->n; i++)
		if (!pk->vals[i].p && jscan_key_is(k, pk->names[i]))
			pk->vals[i] = v;
}

const char *jg_pick(jspan_t obj, const char *const *names, jspan_t *vals, size_t n)
{
	pick_t pk = { names, vals, n };
	memset(vals, 0, n * sizeof *vals);
	const char *p = obj.p ? jscan_ws(obj.p, obj.e) : NULL;
	if (!p || p >= obj.e || *p != '{')
		return NULL;
	return jscan_object(p, obj.e, pick_member, &pk);
}

int jg_is_kind(jspan_t v, char open)
{
	const char *p = v.p ? jscan_ws(v.p, v.e) : NULL;
	return p && p < v.e && *p == open;
}

int jg_is_array(jspan_t v)
{
	return jg_is_kind(v, '[');
}

/* An optional member decoded: NULL when absent; *bad when it does not decode. */
static json_t *load_member(jspan_t v, int *bad)
{
	if (!v.p)
		return NULL;
	json_t *j = jscan_load(v, JSON_ALLOW_NUL);
	if (!j)
		*bad = 1;
	return j;
}

/* ---- v1, from the text ----
 * A v1 Trace is decoded straight from the text (core/jscan), every string
 * into the trace's arena: no JSON tree of 10,000 spans is built or freed. */


static int cmp_pmap(const void *a, const void *b)
{
	return strcmp(((const pmap_t *)a)->key, ((const pmap_t *)b)->key);
}


/* A string into the arena ("" for null or absent); NULL when it is no string. */
const char *jg_t_str(trace_t *t, jspan_t v)
{
	if (jscan_is_null(v))
		return "";
	if (*v.p != '"')
		return NULL;
	size_t cap = (size_t)(v.e - v.p), len;
	char *buf = trace_alloc(t, cap);
	if (jscan_string_into(v, 1, buf, cap, &len) == 0)
		return buf;
	/* what needs jansson's judgement (escapes it must check) */
	json_t *j = jscan_load(v, JSON_ALLOW_NUL);
	const char *r = json_is_string(j) ? trace_str(t, json_string_value(j), json_string_length(j)) : NULL;
	json_decref(j);
	return r;
}

/* An integer: a JSON number (a fraction cut) or a string holding one. */
int jg_t_i64(jspan_t v, int64_t *out)
{
	char buf[48];
	size_t n = v.p ? (size_t)(v.e - v.p) : 0;
	if (n >= 2 && *v.p == '"')
		v.p++, n -= 2;
	if (!n || n >= sizeof buf)
		return -1;
	memcpy(buf, v.p, n);
	buf[n] = '\0';
	char *end;
	errno = 0;
	long long x = strtoll(buf, &end, 10);
	if (*end == '.' || *end == 'e' || *end == 'E') {
		double d = strtod(buf, &end);
		if (*end || !(d > -9.2e18 && d < 9.2e18))
			return -1;
		*out = (int64_t)d;
		return 0;
	}
	if (*end || errno || end == buf)
		return -1;
	*out = x;
	return 0;
}

/* A value as text, and the type its JSON says: a string decoded, a number as
 * sent, true/false, null "", an object or array as compact JSON. NULL when it
 * does not decode. */
const char *jg_t_value(trace_t *t, jspan_t v, trace_kv_type_t *type)
{
	*type = TRACE_KV_STRING;
	if (!v.p)
		return "";
	size_t n = (size_t)(v.e - v.p);
	switch (*v.p) {
	case '"':
		return jg_t_str(t, v);
	case 't':
	case 'f':
		*type = TRACE_KV_BOOL;
		if (n == 4 && !memcmp(v.p, "true", 4))
			return "true";
		return n == 5 && !memcmp(v.p, "false", 5) ? "false" : NULL;
	case 'n':
		return jscan_is_null(v) ? "" : NULL;
	case '{':
	case '[': {
		json_t *j = jscan_load(v, JSON_ALLOW_NUL);
		const char *r = j ? jg_value_text(t, j) : NULL;
		json_decref(j);
		return r;
	}
	default: {
		int digit = 0;
		*type = TRACE_KV_INT;
		for (size_t i = 0; i < n; i++) {
			char c = v.p[i];
			if (c >= '0' && c <= '9')
				digit = 1;
			else if (c == '.' || c == 'e' || c == 'E')
				*type = TRACE_KV_FLOAT;
			else if (c != '-' && c != '+')
				return NULL;
		}
		return digit ? trace_str(t, v.p, n) : NULL;
	}
	}
}

/* An array element's members: 1 when it is an object (m filled), 0 when it is
 * something else (left out), -1 when it does not decode (c->bad set). */
int jg_elem_pick(dec_t *c, jspan_t v, const char *const *names, jspan_t *m, size_t n)
{
	if (!jg_is_kind(v, '{'))
		return 0;
	if (!jg_pick(v, names, m, n)) {
		c->bad = 1;
		return -1;
	}
	return 1;
}

/* The scratch arrays into the arena: c->kv as a tag list, c->ref and c->ev as
 * the span's references and events (by time). */
const trace_kv_t *jg_kv_done(dec_t *c, uint32_t *n)
{
	*n = (uint32_t)c->n_kv;
	if (!c->n_kv)
		return NULL;
	trace_kv_t *o = trace_alloc(c->t, c->n_kv * sizeof *o);
	memcpy(o, c->kv, c->n_kv * sizeof *o);
	return o;
}

void jg_refs_events_done(dec_t *c, trace_span_t *s)
{
	if (c->n_ref) {
		trace_ref_t *r = trace_alloc(c->t, c->n_ref * sizeof *r);
		memcpy(r, c->ref, c->n_ref * sizeof *r);
		s->refs = r;
		s->n_refs = (uint32_t)c->n_ref;
	}
	if (c->n_ev) {
		trace_event_t *ev = trace_alloc(c->t, c->n_ev * sizeof *ev);
		memcpy(ev, c->ev, c->n_ev * sizeof *ev);
		sort_events(ev, (uint32_t)c->n_ev);
		s->events = ev;
		s->n_events = (uint32_t)c->n_ev;
	}
}

/* {key, type, value}; an element with no key is left out. */
static int t_kv(jspan_t v, size_t i, void *ud)
{
	dec_t *c = ud;
	static const char *const names[] = { "key", "type", "value" };
	jspan_t m[3];
	int r = jg_elem_pick(c, v, names, m, 3);
	if (r <= 0)
		return r < 0;
	if (!m[0].p || *m[0].p != '"')
		return 0;
	trace_kv_t kv;
	kv.key = jg_t_str(c->t, m[0]);
	kv.value = jg_t_value(c->t, m[2], &kv.type);
	if (!kv.key || !kv.value) {
		c->bad = 1;
		return 1;
	}
	if (m[1].p && !jscan_is_null(m[1])) {
		if (jscan_key_is(m[1], "bool"))
			kv.type = TRACE_KV_BOOL;
		else if (jscan_key_is(m[1], "int64"))
			kv.type = TRACE_KV_INT;
		else if (jscan_key_is(m[1], "float64"))
			kv.type = TRACE_KV_FLOAT;
		else if (jscan_key_is(m[1], "binary"))
			kv.type = TRACE_KV_BINARY;
		else
			kv.type = TRACE_KV_STRING;
	}
	if (kv.type == TRACE_KV_BOOL && strcmp(kv.value, "true") && strcmp(kv.value, "false"))
		kv.value = !strcasecmp(kv.value, "true") ? "true" : "false";
	c->kv = xgrow(c->kv, &c->cap_kv, c->n_kv + 1, sizeof *c->kv);
	c->kv[c->n_kv++] = kv;
	return 0;
}

/* [{key, type, value}] into the arena. */
static const trace_kv_t *t_kvs(dec_t *c, jspan_t arr, uint32_t *n)
{
	size_t bad_at;
	*n = 0;
	if (jscan_is_null(arr))
		return NULL;
	c->n_kv = 0;
	if (jscan_array(arr, t_kv, c, &bad_at) != 0)
		c->bad = 1;
	return c->bad ? NULL : jg_kv_done(c, n);
}

static int t_ref(jspan_t v, size_t i, void *ud)
{
	dec_t *c = ud;
	static const char *const names[] = { "refType", "traceID", "spanID" };
	jspan_t m[3];
	int r = jg_elem_pick(c, v, names, m, 3);
	if (r <= 0)
		return r < 0;
	if (!m[2].p || *m[2].p != '"')
		return 0;
	char *tid = (char *)jg_t_str(c->t, m[1]), *sid = (char *)jg_t_str(c->t, m[2]);
	if (!tid || !sid) {
		c->bad = 1;
		return 1;
	}
	lower_hex(tid);
	lower_hex(sid);
	c->ref = xgrow(c->ref, &c->cap_ref, c->n_ref + 1, sizeof *c->ref);
	c->ref[c->n_ref++] = (trace_ref_t){ jscan_key_is(m[0], "FOLLOWS_FROM") ? TRACE_FOLLOWS_FROM
										 : TRACE_CHILD_OF,
					    tid, sid };
	return 0;
}

static int t_log(jspan_t v, size_t i, void *ud)
{
	dec_t *c = ud;
	static const char *const names[] = { "timestamp", "fields" };
	jspan_t m[2];
	int r = jg_elem_pick(c, v, names, m, 2);
	if (r <= 0)
		return r < 0;
	trace_event_t ev = { 0 };
	jg_t_i64(m[0], &ev.ts_us);
	ev.fields = t_kvs(c, m[1], &ev.n_fields);
	c->ev = xgrow(c->ev, &c->cap_ev, c->n_ev + 1, sizeof *c->ev);
	c->ev[c->n_ev++] = ev;
	return c->bad;
}

static void t_proc(dec_t *c, jspan_t key, jspan_t v)
{
	static const char *const names[] = { "serviceName", "tags" };
	jspan_t m[2];
	if (!jg_is_kind(v, '{'))
		return;
	if (!jg_pick(v, names, m, 2)) {
		c->bad = 1;
		return;
	}
	const char *svc = m[0].p && *m[0].p == '"' ? jg_t_str(c->t, m[0]) : "";
	const char *k = key.p ? jg_t_str(c->t, key) : "";
	uint32_t n;
	const trace_kv_t *kv = t_kvs(c, m[1], &n);
	if (!svc || !k) {
		c->bad = 1;
		return;
	}
	uint32_t proc = trace_add_proc(c->t, svc, kv, n);
	if (key.p) {
		c->pm = xgrow(c->pm, &c->cap_pm, c->n_pm + 1, sizeof *c->pm);
		c->pm[c->n_pm++] = (pmap_t){ k, proc };
	} else {
		c->s->proc = proc;
	}
}

static void t_proc_member(jspan_t k, jspan_t v, void *ud)
{
	dec_t *c = ud;
	if (!c->bad)
		t_proc(c, k, v);
}

static int t_span(jspan_t v, size_t i, void *ud)
{
	dec_t *c = ud;
	static const char *const names[] = { "spanID", "operationName", "startTime", "duration", "tags",
					     "references", "logs", "processID", "process", "warnings" };
	jspan_t m[10];
	size_t bad_at;
	if (!jg_is_kind(v, '{')) {
		c->not_obj++;
		return 0;
	}
	if (!jg_pick(v, names, m, 10)) {
		c->bad = 1;
		return 1;
	}
	trace_span_t *s = trace_add_span(c->t);
	if (!s)
		return 0;
	trace_t *t = c->t;
	c->s = s;
	char *id = m[0].p && *m[0].p == '"' ? (char *)jg_t_str(t, m[0]) : (char *)"";
	const char *op = m[1].p && *m[1].p == '"' ? jg_t_str(t, m[1]) : "";
	if (!id || !op) {
		c->bad = 1;
		return 1;
	}
	lower_hex(id);
	s->span_id = id;
	s->operation = op;
	jg_t_i64(m[2], &s->start_us);
	jg_t_i64(m[3], &s->duration_us);
	if (s->duration_us < 0)
		s->duration_us = 0;
	s->tags = t_kvs(c, m[4], &s->n_tags);

	c->n_ref = c->n_ev = 0;
	if (!jscan_is_null(m[5]) && jscan_array(m[5], t_ref, c, &bad_at) != 0)
		c->bad = 1;
	if (!jscan_is_null(m[6]) && jscan_array(m[6], t_log, c, &bad_at) != 0)
		c->bad = 1;
	jg_refs_events_done(c, s);

	s->proc = UINT32_MAX;
	if (m[7].p && *m[7].p == '"' && c->n_pm) {
		pmap_t key = { jg_t_str(t, m[7]), 0 };
		const pmap_t *f = key.key ? bsearch(&key, c->pm, c->n_pm, sizeof *c->pm, cmp_pmap) : NULL;
		if (f)
			s->proc = f->proc;
	}
	if (s->proc == UINT32_MAX && m[8].p)
		t_proc(c, (jspan_t){ NULL, NULL }, m[8]);
	if (s->proc == UINT32_MAX)
		c->no_proc++;

	if (jg_is_array(m[9]))
		for (const char *p = jscan_ws(m[9].p + 1, m[9].e); p && p < m[9].e && *p == '"';) {
			jspan_t w = { p, jscan_string_end(p, m[9].e) };
			const char *txt = w.e ? jg_t_str(t, w) : NULL;
			if (!txt)
				break;
			trace_warn(t, "span %s: %s", s->span_id, txt);
			p = jscan_ws(w.e, m[9].e);
			if (p < m[9].e && *p == ',')
				p = jscan_ws(p + 1, m[9].e);
		}
	c->s = NULL;
	return c->bad;
}

void jg_warn_dropped(trace_t *t)
{
	if (t->n_dropped)
		trace_warn(t, "%zu spans past the first %d were dropped", t->n_dropped, TRACE_MAX_SPANS);
}

/* A v1 Trace {traceID, spans, processes, warnings} from its text; NULL (and
 * *bad) when the text does not decode. */
static trace_t *v1_trace(jspan_t tr, int *bad)
{
	static const char *const names[] = { "traceID", "processes", "warnings", "spans" };
	jspan_t m[4];
	size_t bad_at;
	if (!jg_pick(tr, names, m, 4)) {
		*bad = 1;
		return NULL;
	}
	char id[33] = "", raw[80];
	size_t len;
	int has_id = m[0].p && !jscan_is_null(m[0]);
	if (has_id && (jscan_string_into(m[0], 0, raw, sizeof raw, &len) != 0 ||
		       jaeger_trace_id_norm(raw, id) < 0))
		id[0] = '\0';
	dec_t c = { .t = trace_new(id) };
	trace_t *t = c.t;
	if (has_id && !id[0])
		trace_warn(t, "the trace id is not hex");

	/* processes: their keys sorted, for the spans to find */
	if (jg_is_kind(m[1], '{') && !jscan_object(jscan_ws(m[1].p, m[1].e), m[1].e, t_proc_member, &c))
		c.bad = 1;
	if (c.n_pm)
		qsort(c.pm, c.n_pm, sizeof *c.pm, cmp_pmap);
	if (!c.bad && !jscan_is_null(m[3]) && jscan_array(m[3], t_span, &c, &bad_at) != 0)
		c.bad = 1;
	json_t *w = c.bad ? NULL : load_member(m[2], &c.bad);
	free(c.pm);
	free(c.kv);
	free(c.ev);
	free(c.ref);
	if (c.bad) {
		json_decref(w);
		trace_free(t);
		*bad = 1;
		return NULL;
	}
	if (c.not_obj)
		trace_warn(t, "%zu spans are not JSON objects: left out", c.not_obj);
	if (c.no_proc)
		trace_warn(t, "%zu spans name a process the trace does not hold", c.no_proc);
	jg_warn_dropped(t);
	size_t i;
	json_t *e;
	json_array_foreach (w, i, e)
		if (json_is_string(e))
			trace_warn(t, "%s", json_string_value(e));
	json_decref(w);
	trace_build(t);
	return t;
}

/* A v1 Trace from jansson's tree (answers the walk leaves to the whole
 * decode): through its text, so one decoder reads both. */
static trace_t *v1_trace_json(json_t *jt)
{
	char *txt = json_dumps(jt, JSON_COMPACT | JSON_ENCODE_ANY);
	int bad = 0;
	trace_t *t = txt ? v1_trace((jspan_t){ txt, txt + strlen(txt) }, &bad) : NULL;
	free(txt);
	return t;
}

/* ---- the walk: big answers without the whole tree ----
 * jansson's tree of a 10,000-span answer costs more to build and free than
 * the rest of the work together. The walk goes through the text: v1 traces
 * are read from it directly, OTLP spans decoded one at a time (small trees).
 * Any surprise (an error envelope, a shape not walked, text that does not
 * decode) leaves the answer to the whole decode, which says what is wrong. */

typedef struct {
	trace_t **v;
	size_t n, cap;
	int bad;
} walk_v1_t;

static int walk_v1_elem(jspan_t v, size_t i, void *ud)
{
	walk_v1_t *w = ud;
	trace_t *t = i < JAEGER_LIMIT_MAX ? v1_trace(v, &w->bad) : NULL;
	if (!t) {
		w->bad = 1;
		return 1;
	}
	w->v = xgrow(w->v, &w->cap, w->n + 1, sizeof *w->v);
	w->v[w->n++] = t;
	return 0;
}

/* 1 with the traces, or 0: the whole decode is to do. */
static int walk(const char *body, size_t len, trace_t ***out, size_t *n)
{
	static const char *const names[] = { "data", "result", "errors", "error", "spans" };
	jspan_t root = { body, body + len }, m[5];
	const char *end = body ? jg_pick(root, names, m, 5) : NULL;
	if (!end || jscan_ws(end, root.e) != root.e || (m[2].p && !jscan_is_null(m[2])) || m[3].p)
		return 0;
	if (jg_is_array(m[0]) || (!m[0].p && jg_is_array(m[4]))) {
		walk_v1_t w = { 0 };
		size_t bad_at;
		if (jg_is_array(m[0])) {
			if (jscan_array(m[0], walk_v1_elem, &w, &bad_at) < 0)
				w.bad = 1;
		} else {
			walk_v1_elem(root, 0, &w);
		}
		if (w.bad || !w.n) {
			jaeger_traces_free(w.v, w.n);
			return 0;
		}
		*out = w.v;
		*n = w.n;
		return 1;
	}
	jspan_t rss;
	static const char *const rnames[] = { "resourceSpans" };
	if (!m[1].p || !jg_pick(m[1], rnames, &rss, 1) || !jg_is_array(rss))
		return 0;
	tset_t ts = { 0 };
	if (jg_otlp_traces(rss, &ts) < 0 || !ts.n) {
		jaeger_traces_free(ts.v, ts.n);
		return 0;
	}
	*out = ts.v;
	*n = ts.n;
	return 1;
}

/* ---- traces ---- */

void jaeger_traces_free(trace_t **traces, size_t n)
{
	for (size_t i = 0; i < n; i++)
		trace_free(traces[i]);
	free(traces);
}

int jaeger_parse_traces(const char *body, size_t len, long http_status, trace_t ***traces, size_t *n,
			char **err)
{
	*traces = NULL;
	*n = 0;
	if (err)
		*err = NULL;
	if (status_is_failure(http_status)) {
		int none = 0;
		if (http_status == 404 && body && len) {
			json_t *root = json_loadb(body, len, JSON_ALLOW_NUL, NULL);
			none = json_is_object(root) && says_not_found(root);
			json_decref(root);
		}
		if (none)
			return 0;
		set_err(err, jaeger_error_message(http_status, body, len));
		return -1;
	}
	if (walk(body, len, traces, n))
		return 0;
	json_t *root = load_object(body, len, err);
	if (!root)
		return -1;
	json_t *data = json_object_get(root, "data");
	json_t *result = json_object_get(root, "result");
	json_t *rss = json_object_get(json_is_object(result) ? result : root, "resourceSpans");
	int rc = 0;
	if (json_is_array(data) || json_is_array(json_object_get(root, "spans"))) {
		/* v1: the envelope's data, or one Trace alone (as the UI saves it) */
		size_t cap = json_is_array(data) ? json_array_size(data) : 1, k = 0, skipped = 0;
		trace_t **v = xcalloc(cap ? cap : 1, sizeof *v);
		if (json_is_array(data)) {
			size_t i;
			json_t *e;
			json_array_foreach (data, i, e) {
				trace_t *t = json_is_object(e) && k < JAEGER_LIMIT_MAX ? v1_trace_json(e) : NULL;
				if (t)
					v[k++] = t;
				else
					skipped++;
			}
		} else if ((v[k] = v1_trace_json(root))) {
			k++;
		}
		if (k && skipped)
			trace_warn(v[0], "%zu more traces in the answer were left out", skipped);
		if (k && has_errors(root)) {
			char *m = answer_error(root);
			trace_warn(v[0], "the answer also says: %s", m);
			free(m);
		}
		if (!k && has_errors(root) && !says_not_found(root)) {
			free(v);
			set_err(err, answer_error(root));
			rc = -1;
		} else if (!k) {
			free(v);
		} else {
			*traces = v;
			*n = k;
		}
	} else if (json_is_array(rss)) {
		/* through its text, as the walk reads it (so one decoder reads both) */
		tset_t ts = { 0 };
		char *txt = json_dumps(rss, JSON_COMPACT);
		int bad = !txt || jg_otlp_traces((jspan_t){ txt, txt + strlen(txt) }, &ts) < 0;
		free(txt);
		if (bad) {
			set_err(err, xstrdup("not a Jaeger answer: resourceSpans of another shape"));
			rc = -1;
		} else if (!ts.n && ts.bad_ids) {
			free(ts.v);
			set_err(err, xasprintf("not a Jaeger answer: %zu spans and none has a valid trace id",
					       ts.bad_ids));
			rc = -1;
		} else if (!ts.n) {
			free(ts.v);
		} else {
			*traces = ts.v;
			*n = ts.n;
		}
	} else if (json_is_null(data) || (json_is_object(result) && !rss)) {
		/* v1 data null; v3 an empty result */
		if (has_errors(root) && !says_not_found(root)) {
			set_err(err, answer_error(root));
			rc = -1;
		}
	} else if (has_errors(root)) {
		if (!says_not_found(root)) {
			set_err(err, answer_error(root));
			rc = -1;
		}
	} else {
		set_err(err, xstrdup(data || result ? "not a Jaeger answer: data or result of another shape"
						    : "not a Jaeger answer: no data, result or resourceSpans"));
		rc = -1;
	}
	json_decref(root);
	return rc;
}
