/* Jaeger's answers without I/O: names, traces (v1 JSON and /api/v3 OTLP JSON) and error texts. */
#include "config.h"
#include "backend/jaeger.h"
#include "core/http.h"
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
	json_t *root = load(body, len, err);
	if (!root)
		return -1;
	if (!json_is_object(root)) {
		json_decref(root);
		set_err(err, xstrdup("not a Jaeger answer: not a JSON object"));
		return -1;
	}
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
		if (json_is_string(s))
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
static int get_i64(json_t *v, int64_t *out)
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

static const char *str_of(trace_t *t, json_t *v)
{
	if (!json_is_string(v))
		return "";
	return trace_str(t, json_string_value(v), json_string_length(v));
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
static const char *value_text(trace_t *t, json_t *v)
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

static trace_kv_type_t type_of_json(json_t *v)
{
	if (!v)
		return TRACE_KV_STRING;
	switch (json_typeof(v)) {
	case JSON_INTEGER: return TRACE_KV_INT;
	case JSON_REAL: return TRACE_KV_FLOAT;
	case JSON_TRUE:
	case JSON_FALSE: return TRACE_KV_BOOL;
	default: return TRACE_KV_STRING;
	}
}

/* v1 key-values: [{key, type, value}]. */
static const trace_kv_t *v1_kvs(trace_t *t, json_t *arr, uint32_t *n)
{
	*n = 0;
	size_t cap = json_array_size(arr);
	if (!cap)
		return NULL;
	trace_kv_t *kv = trace_alloc(t, cap * sizeof *kv);
	size_t i;
	json_t *e;
	json_array_foreach (arr, i, e) {
		json_t *k = json_object_get(e, "key");
		if (!json_is_string(k))
			continue;
		json_t *v = json_object_get(e, "value");
		const char *ty = json_string_value(json_object_get(e, "type"));
		trace_kv_t *o = &kv[(*n)++];
		o->key = str_of(t, k);
		o->value = value_text(t, v);
		if (!ty)
			o->type = type_of_json(v);
		else if (!strcasecmp(ty, "bool"))
			o->type = TRACE_KV_BOOL;
		else if (!strcasecmp(ty, "int64"))
			o->type = TRACE_KV_INT;
		else if (!strcasecmp(ty, "float64"))
			o->type = TRACE_KV_FLOAT;
		else if (!strcasecmp(ty, "binary"))
			o->type = TRACE_KV_BINARY;
		else
			o->type = TRACE_KV_STRING;
		if (o->type == TRACE_KV_BOOL && json_is_string(v))
			o->value = !strcasecmp(json_string_value(v), "true") ? "true" : "false";
	}
	return kv;
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

/* ---- v1 ---- */

typedef struct {
	const char *key;
	uint32_t proc;
} pmap_t;

static int cmp_pmap(const void *a, const void *b)
{
	return strcmp(((const pmap_t *)a)->key, ((const pmap_t *)b)->key);
}

static uint32_t v1_proc(trace_t *t, json_t *p)
{
	uint32_t n;
	const trace_kv_t *kv = v1_kvs(t, json_object_get(p, "tags"), &n);
	return trace_add_proc(t, str_of(t, json_object_get(p, "serviceName")), kv, n);
}

static void v1_span(trace_t *t, trace_span_t *s, json_t *js, const pmap_t *pm, size_t n_pm,
		    size_t *no_proc)
{
	json_t *v;
	char *id = (char *)str_of(t, json_object_get(js, "spanID"));
	lower_hex(id);
	s->span_id = id;
	s->operation = str_of(t, json_object_get(js, "operationName"));
	get_i64(json_object_get(js, "startTime"), &s->start_us);
	get_i64(json_object_get(js, "duration"), &s->duration_us);
	if (s->duration_us < 0)
		s->duration_us = 0;
	s->tags = v1_kvs(t, json_object_get(js, "tags"), &s->n_tags);

	v = json_object_get(js, "references");
	if (json_array_size(v)) {
		trace_ref_t *r = trace_alloc(t, json_array_size(v) * sizeof *r);
		size_t i;
		json_t *e;
		json_array_foreach (v, i, e) {
			json_t *sid = json_object_get(e, "spanID");
			if (!json_is_string(sid))
				continue;
			const char *rt = json_string_value(json_object_get(e, "refType"));
			trace_ref_t *o = &r[s->n_refs++];
			o->kind = rt && !strcasecmp(rt, "FOLLOWS_FROM") ? TRACE_FOLLOWS_FROM : TRACE_CHILD_OF;
			char *tid = (char *)str_of(t, json_object_get(e, "traceID"));
			char *rid = (char *)str_of(t, sid);
			lower_hex(tid);
			lower_hex(rid);
			o->trace_id = tid;
			o->span_id = rid;
		}
		s->refs = r;
	}

	v = json_object_get(js, "logs");
	if (json_array_size(v)) {
		trace_event_t *ev = trace_alloc(t, json_array_size(v) * sizeof *ev);
		size_t i;
		json_t *e;
		json_array_foreach (v, i, e) {
			if (!json_is_object(e))
				continue;
			trace_event_t *o = &ev[s->n_events++];
			get_i64(json_object_get(e, "timestamp"), &o->ts_us);
			o->fields = v1_kvs(t, json_object_get(e, "fields"), &o->n_fields);
		}
		sort_events(ev, s->n_events);
		s->events = ev;
	}

	s->proc = UINT32_MAX;
	const char *pid = json_string_value(json_object_get(js, "processID"));
	if (pid && n_pm) {
		pmap_t key = { pid, 0 };
		const pmap_t *f = bsearch(&key, pm, n_pm, sizeof *pm, cmp_pmap);
		if (f)
			s->proc = f->proc;
	}
	if (s->proc == UINT32_MAX && json_is_object(json_object_get(js, "process")))
		s->proc = v1_proc(t, json_object_get(js, "process"));
	if (s->proc == UINT32_MAX)
		(*no_proc)++;

	v = json_object_get(js, "warnings");
	size_t i;
	json_t *e;
	json_array_foreach (v, i, e)
		if (json_is_string(e))
			trace_warn(t, "span %s: %s", s->span_id, json_string_value(e));
}

static void warn_dropped(trace_t *t)
{
	if (t->n_dropped)
		trace_warn(t, "%zu spans past the first %d were dropped", t->n_dropped, TRACE_MAX_SPANS);
}

static trace_t *v1_trace(json_t *jt)
{
	char id[33] = "";
	const char *tid = json_string_value(json_object_get(jt, "traceID"));
	if (tid && jaeger_trace_id_norm(tid, id) < 0)
		id[0] = '\0';
	trace_t *t = trace_new(id);
	if (tid && !id[0])
		trace_warn(t, "the trace id is not hex");

	/* processes: their keys sorted, for the spans to find */
	json_t *procs = json_object_get(jt, "processes");
	size_t n_pm = 0;
	pmap_t *pm = NULL;
	if (json_is_object(procs) && json_object_size(procs)) {
		pm = xmalloc(json_object_size(procs) * sizeof *pm);
		const char *k;
		json_t *p;
		json_object_foreach (procs, k, p) {
			if (!json_is_object(p))
				continue;
			pm[n_pm].key = k;
			pm[n_pm++].proc = v1_proc(t, p);
		}
		qsort(pm, n_pm, sizeof *pm, cmp_pmap);
	}

	json_t *spans = json_object_get(jt, "spans");
	size_t i, no_proc = 0, not_obj = 0;
	json_t *e;
	json_array_foreach (spans, i, e) {
		if (!json_is_object(e)) {
			not_obj++;
			continue;
		}
		trace_span_t *s = trace_add_span(t);
		if (s)
			v1_span(t, s, e, pm, n_pm, &no_proc);
	}
	free(pm);
	if (not_obj)
		trace_warn(t, "%zu spans are not JSON objects: left out", not_obj);
	if (no_proc)
		trace_warn(t, "%zu spans name a process the trace does not hold", no_proc);
	warn_dropped(t);
	json_t *w = json_object_get(jt, "warnings");
	json_array_foreach (w, i, e)
		if (json_is_string(e))
			trace_warn(t, "%s", json_string_value(e));
	trace_build(t);
	return t;
}

/* ---- v3 (OTLP JSON) ---- */

static int b64_val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+' || c == '-')
		return 62;
	if (c == '/' || c == '_')
		return 63;
	return -1;
}

/* An OTLP id as lowercase hex: hex as Jaeger's gateway sends it, or the
 * base64 of 8 or 16 bytes as protojson does. 0, or -1 (out[0] = 0). */
static int otlp_id(const char *s, char out[33])
{
	static const char hx[] = "0123456789abcdef";
	size_t n = s ? strlen(s) : 0;
	out[0] = '\0';
	if (!n)
		return -1;
	int hex = n <= 32;
	for (size_t i = 0; hex && i < n; i++)
		hex = (s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f') ||
		      (s[i] >= 'A' && s[i] <= 'F');
	if (hex) {
		for (size_t i = 0; i < n; i++)
			out[i] = (char)ascii_lower((unsigned char)s[i]);
		out[n] = '\0';
		return 0;
	}
	while (n && s[n - 1] == '=')
		n--;
	/* 8 bytes: 11 digits; 16 bytes: 22 */
	if (n != 11 && n != 22)
		return -1;
	unsigned char bytes[18];
	size_t nb = 0;
	unsigned acc = 0;
	int bits = 0;
	for (size_t i = 0; i < n; i++) {
		int v = b64_val((unsigned char)s[i]);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (unsigned)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			bytes[nb++] = (unsigned char)(acc >> bits);
			acc &= (1u << bits) - 1;
		}
	}
	for (size_t i = 0; i < nb; i++) {
		out[2 * i] = hx[bytes[i] >> 4];
		out[2 * i + 1] = hx[bytes[i] & 15];
	}
	out[2 * nb] = '\0';
	return 0;
}

/* An OTLP AnyValue as plain JSON (new reference). Nesting is bounded by the
 * parser's depth limit. */
static json_t *any_plain(json_t *av)
{
	json_t *v;
	if ((v = json_object_get(av, "stringValue")))
		return json_incref(v);
	if ((v = json_object_get(av, "boolValue")))
		return json_incref(v);
	if ((v = json_object_get(av, "intValue"))) {
		int64_t x;
		return get_i64(v, &x) ? json_incref(v) : json_integer(x);
	}
	if ((v = json_object_get(av, "doubleValue")))
		return json_incref(v);
	if ((v = json_object_get(av, "bytesValue")))
		return json_incref(v);
	if ((v = json_object_get(av, "arrayValue"))) {
		json_t *a = json_array(), *e;
		size_t i;
		json_array_foreach (json_object_get(v, "values"), i, e)
			json_array_append_new(a, any_plain(e));
		return a;
	}
	if ((v = json_object_get(av, "kvlistValue"))) {
		json_t *o = json_object(), *e;
		size_t i;
		json_array_foreach (json_object_get(v, "values"), i, e) {
			const char *k = json_string_value(json_object_get(e, "key"));
			if (k)
				json_object_set_new(o, k, any_plain(json_object_get(e, "value")));
		}
		return o;
	}
	return json_null();
}

static void otlp_value(trace_t *t, json_t *av, trace_kv_t *o)
{
	json_t *v;
	if ((v = json_object_get(av, "stringValue"))) {
		o->type = TRACE_KV_STRING;
		o->value = value_text(t, v);
	} else if ((v = json_object_get(av, "intValue"))) {
		o->type = TRACE_KV_INT;
		o->value = value_text(t, v);
	} else if ((v = json_object_get(av, "boolValue"))) {
		o->type = TRACE_KV_BOOL;
		o->value = json_is_true(v) || (json_is_string(v) && !strcasecmp(json_string_value(v), "true"))
				   ? "true"
				   : "false";
	} else if ((v = json_object_get(av, "doubleValue"))) {
		o->type = TRACE_KV_FLOAT;
		o->value = value_text(t, v);
	} else if ((v = json_object_get(av, "bytesValue"))) {
		o->type = TRACE_KV_BINARY;
		o->value = value_text(t, v);
	} else if (json_object_get(av, "arrayValue") || json_object_get(av, "kvlistValue")) {
		json_t *p = any_plain(av);
		o->type = TRACE_KV_STRING;
		o->value = value_text(t, p);
		json_decref(p);
	} else {
		o->type = TRACE_KV_STRING;
		o->value = "";
	}
}

/* OTLP attributes [{key, value: AnyValue}], with `extra` slots left at the end. */
static trace_kv_t *otlp_kvs(trace_t *t, json_t *arr, uint32_t extra, uint32_t *n, const char *skip)
{
	*n = 0;
	size_t cap = json_array_size(arr) + extra;
	if (!cap)
		return NULL;
	trace_kv_t *kv = trace_alloc(t, cap * sizeof *kv);
	size_t i;
	json_t *e;
	json_array_foreach (arr, i, e) {
		json_t *k = json_object_get(e, "key");
		if (!json_is_string(k) || (skip && !strcmp(json_string_value(k), skip)))
			continue;
		trace_kv_t *o = &kv[(*n)++];
		o->key = str_of(t, k);
		otlp_value(t, json_object_get(e, "value"), o);
	}
	return kv;
}

static int64_t ns_of(json_t *v)
{
	int64_t x = 0;
	get_i64(v, &x);
	return x;
}

/* Floor to µs, for negative times too. */
static int64_t ns_to_us(int64_t ns)
{
	return ns >= 0 ? ns / 1000 : -((-(ns + 1)) / 1000) - 1;
}

static const char *kind_name(json_t *k)
{
	static const char *const names[] = { NULL, "internal", "server", "client", "producer", "consumer" };
	if (json_is_integer(k)) {
		json_int_t v = json_integer_value(k);
		return v >= 1 && v <= 5 ? names[v] : NULL;
	}
	const char *s = json_string_value(k);
	static const char *const enums[] = { NULL, "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT",
					     "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER" };
	for (int i = 1; s && i <= 5; i++)
		if (!strcmp(s, enums[i]))
			return names[i];
	return NULL;
}

/* The traces of a v3 answer, by trace id in the order they first come. */
typedef struct {
	trace_t **v;
	size_t n, cap;
	uint32_t *slot; /* open addressing: index + 1, 0 empty */
	size_t n_slot;
	size_t spans_left_out; /* of traces past JAEGER_LIMIT_MAX */
} tset_t;

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static trace_t *tset_get(tset_t *ts, const char *id)
{
	if (ts->n_slot) {
		size_t m = ts->n_slot - 1;
		for (size_t h = hash_str(id) & m;; h = (h + 1) & m) {
			uint32_t k = ts->slot[h];
			if (!k)
				break;
			if (!strcmp(ts->v[k - 1]->trace_id, id))
				return ts->v[k - 1];
		}
	}
	if (ts->n >= JAEGER_LIMIT_MAX)
		return NULL;
	if ((ts->n + 1) * 2 >= ts->n_slot) {
		size_t ns = ts->n_slot ? ts->n_slot * 2 : 64;
		free(ts->slot);
		ts->slot = xcalloc(ns, sizeof *ts->slot);
		ts->n_slot = ns;
		for (size_t i = 0; i < ts->n; i++) {
			size_t h = hash_str(ts->v[i]->trace_id) & (ns - 1);
			while (ts->slot[h])
				h = (h + 1) & (ns - 1);
			ts->slot[h] = (uint32_t)i + 1;
		}
	}
	ts->v = xgrow(ts->v, &ts->cap, ts->n + 1, sizeof *ts->v);
	trace_t *t = trace_new(id);
	ts->v[ts->n++] = t;
	size_t h = hash_str(id) & (ts->n_slot - 1);
	while (ts->slot[h])
		h = (h + 1) & (ts->n_slot - 1);
	ts->slot[h] = (uint32_t)ts->n;
	return t;
}

/* Where one resource's spans put their process, per trace: the last one
 * asked, as its spans come together. */
typedef struct {
	json_t *attrs;
	const char *service;
	trace_t *last;
	uint32_t proc;
} res_t;

static uint32_t res_proc(res_t *r, trace_t *t)
{
	if (r->last != t) {
		uint32_t n;
		const trace_kv_t *kv = otlp_kvs(t, r->attrs, 0, &n, "service.name");
		r->proc = trace_add_proc(t, trace_str(t, r->service, (size_t)-1), kv, n);
		r->last = t;
	}
	return r->proc;
}

static void otlp_span(tset_t *ts, res_t *res, json_t *scope, json_t *js, size_t *bad_ids)
{
	char tid[33], sid[33], pid[33];
	if (otlp_id(json_string_value(json_object_get(js, "traceId")), tid) < 0) {
		(*bad_ids)++;
		return;
	}
	trace_t *t = tset_get(ts, tid);
	if (!t) {
		ts->spans_left_out++;
		return;
	}
	trace_span_t *s = trace_add_span(t);
	if (!s)
		return;
	s->proc = res_proc(res, t);
	if (otlp_id(json_string_value(json_object_get(js, "spanId")), sid) < 0)
		sid[0] = '\0';
	s->span_id = trace_str(t, sid, (size_t)-1);
	s->operation = str_of(t, json_object_get(js, "name"));
	int64_t st = ns_to_us(ns_of(json_object_get(js, "startTimeUnixNano")));
	int64_t en = ns_to_us(ns_of(json_object_get(js, "endTimeUnixNano")));
	s->start_us = st;
	s->duration_us = en > st && !__builtin_sub_overflow(en, st, &en) ? en : 0;

	/* references: the parent, then the links */
	json_t *links = json_object_get(js, "links");
	size_t n_links = json_array_size(links);
	int has_parent = otlp_id(json_string_value(json_object_get(js, "parentSpanId")), pid) == 0;
	if (has_parent || n_links) {
		trace_ref_t *r = trace_alloc(t, (n_links + 1) * sizeof *r);
		if (has_parent) {
			r[0].kind = TRACE_CHILD_OF;
			r[0].trace_id = t->trace_id;
			r[0].span_id = trace_str(t, pid, (size_t)-1);
			s->n_refs = 1;
		}
		size_t i;
		json_t *e;
		json_array_foreach (links, i, e) {
			char lt[33], ls[33];
			if (otlp_id(json_string_value(json_object_get(e, "spanId")), ls) < 0)
				continue;
			if (otlp_id(json_string_value(json_object_get(e, "traceId")), lt) < 0)
				lt[0] = '\0';
			trace_ref_t *o = &r[s->n_refs++];
			o->kind = TRACE_FOLLOWS_FROM;
			o->trace_id = trace_str(t, lt, (size_t)-1);
			o->span_id = trace_str(t, ls, (size_t)-1);
		}
		s->refs = r;
	}

	/* tags: the attributes, then what Jaeger derives (kind, status, scope) */
	json_t *status = json_object_get(js, "status");
	json_t *code = json_object_get(status, "code");
	const char *kind = kind_name(json_object_get(js, "kind"));
	const char *msg = json_string_value(json_object_get(status, "message"));
	const char *scope_name = json_string_value(json_object_get(json_object_get(scope, "scope"), "name"));
	int err = (json_is_integer(code) && json_integer_value(code) == 2) ||
		  (json_is_string(code) && !strcmp(json_string_value(code), "STATUS_CODE_ERROR"));
	int ok = (json_is_integer(code) && json_integer_value(code) == 1) ||
		 (json_is_string(code) && !strcmp(json_string_value(code), "STATUS_CODE_OK"));
	trace_kv_t *kv = otlp_kvs(t, json_object_get(js, "attributes"), 4, &s->n_tags, NULL);
	if (kind)
		kv[s->n_tags++] = (trace_kv_t){ "span.kind", kind, TRACE_KV_STRING };
	if (err || ok)
		kv[s->n_tags++] = (trace_kv_t){ "otel.status_code", err ? "ERROR" : "OK", TRACE_KV_STRING };
	if (msg && *msg)
		kv[s->n_tags++] = (trace_kv_t){ "otel.status_description", trace_str(t, msg, (size_t)-1),
						TRACE_KV_STRING };
	if (scope_name && *scope_name)
		kv[s->n_tags++] = (trace_kv_t){ "otel.scope.name", trace_str(t, scope_name, (size_t)-1),
						TRACE_KV_STRING };
	s->tags = s->n_tags ? kv : NULL;
	s->status_error = err;

	json_t *evs = json_object_get(js, "events");
	if (json_array_size(evs)) {
		trace_event_t *ev = trace_alloc(t, json_array_size(evs) * sizeof *ev);
		size_t i;
		json_t *e;
		json_array_foreach (evs, i, e) {
			if (!json_is_object(e))
				continue;
			trace_event_t *o = &ev[s->n_events++];
			o->ts_us = ns_to_us(ns_of(json_object_get(e, "timeUnixNano")));
			json_t *attrs = json_object_get(e, "attributes");
			json_t *name = json_object_get(e, "name");
			/* the name first, as the field "event" */
			size_t na = json_array_size(attrs) + 1;
			trace_kv_t *f = trace_alloc(t, na * sizeof *f);
			uint32_t nf = 0;
			if (json_is_string(name))
				f[nf++] = (trace_kv_t){ "event", str_of(t, name), TRACE_KV_STRING };
			uint32_t k;
			trace_kv_t *rest = otlp_kvs(t, attrs, 0, &k, NULL);
			if (k)
				memcpy(f + nf, rest, k * sizeof *f);
			o->fields = f;
			o->n_fields = nf + k;
		}
		sort_events(ev, s->n_events);
		s->events = ev;
	}
}

static void otlp_resource_spans(tset_t *ts, json_t *rss, size_t *bad_ids)
{
	size_t i;
	json_t *rs;
	json_array_foreach (rss, i, rs) {
		json_t *attrs = json_object_get(json_object_get(rs, "resource"), "attributes");
		res_t res = { attrs, "", NULL, 0 };
		size_t k;
		json_t *a;
		json_array_foreach (attrs, k, a) {
			json_t *key = json_object_get(a, "key");
			json_t *sv = json_object_get(json_object_get(a, "value"), "stringValue");
			if (json_is_string(key) && !strcmp(json_string_value(key), "service.name") &&
			    json_is_string(sv))
				res.service = json_string_value(sv);
		}
		json_t *scopes = json_object_get(rs, "scopeSpans");
		if (!scopes)
			scopes = json_object_get(rs, "instrumentationLibrarySpans");
		json_t *sc;
		json_array_foreach (scopes, k, sc) {
			size_t j;
			json_t *sp;
			json_array_foreach (json_object_get(sc, "spans"), j, sp)
				if (json_is_object(sp))
					otlp_span(ts, &res, sc, sp, bad_ids);
		}
	}
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
	json_t *root = load(body, len, err);
	if (!root)
		return -1;
	if (!json_is_object(root)) {
		json_decref(root);
		set_err(err, xstrdup("not a Jaeger answer: not a JSON object"));
		return -1;
	}
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
				if (!json_is_object(e) || k >= JAEGER_LIMIT_MAX)
					skipped++;
				else
					v[k++] = v1_trace(e);
			}
		} else {
			v[k++] = v1_trace(root);
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
		tset_t ts = { 0 };
		size_t bad_ids = 0;
		otlp_resource_spans(&ts, rss, &bad_ids);
		for (size_t i = 0; i < ts.n; i++) {
			trace_t *t = ts.v[i];
			if (!i && bad_ids)
				trace_warn(t, "%zu spans without a valid trace id were left out", bad_ids);
			if (!i && ts.spans_left_out)
				trace_warn(t, "%zu spans of traces past the first %d were left out",
					   ts.spans_left_out, JAEGER_LIMIT_MAX);
			warn_dropped(t);
			trace_build(t);
		}
		free(ts.slot);
		if (!ts.n && bad_ids) {
			free(ts.v);
			set_err(err, xasprintf("not a Jaeger answer: %zu spans and none has a valid trace id",
					       bad_ids));
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
