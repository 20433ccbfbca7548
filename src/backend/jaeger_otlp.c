/* /api/v3's answers (OTLP JSON) into traces: resources and their service,
 * scopes, spans with their ids (hex, or base64 as protojson writes them),
 * attributes, events, links and status, grouped by trace id. */
#include "config.h"
#include "backend/jaeger_int.h"
#include "core/text.h"
#include "core/xalloc.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
		return jg_get_i64(v, &x) ? json_incref(v) : json_integer(x);
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

/* ---- OTLP, from the text ---- */

/* An AnyValue's text and type: a string decoded, a number as sent (an
 * intValue may be a string of digits), a bool, bytes as their base64, an
 * array or kvlist as compact plain JSON. */
static int o_value(dec_t *c, jspan_t av, trace_kv_t *o)
{
	static const char *const names[] = { "stringValue", "intValue",   "boolValue", "doubleValue",
					     "bytesValue",  "arrayValue", "kvlistValue" };
	static const trace_kv_type_t types[] = { TRACE_KV_STRING, TRACE_KV_INT,    TRACE_KV_BOOL,
						 TRACE_KV_FLOAT,  TRACE_KV_BINARY, TRACE_KV_STRING,
						 TRACE_KV_STRING };
	jspan_t m[7];
	o->type = TRACE_KV_STRING;
	o->value = "";
	if (!jg_is_kind(av, '{'))
		return 0;
	if (!jg_pick(av, names, m, 7))
		return -1;
	for (size_t i = 0; i < 7; i++) {
		if (!m[i].p)
			continue;
		trace_kv_type_t jt;
		o->type = types[i];
		if (i >= 5) {
			json_t *j = jscan_load(av, JSON_ALLOW_NUL), *p = j ? any_plain(j) : NULL;
			o->value = p ? jg_value_text(c->t, p) : NULL;
			json_decref(p);
			json_decref(j);
		} else {
			o->value = jg_t_value(c->t, m[i], &jt);
		}
		if (!o->value)
			return -1;
		if (o->type == TRACE_KV_BOOL)
			o->value = !strcasecmp(o->value, "true") ? "true" : "false";
		return 0;
	}
	return 0;
}

/* {key, value}; an element with no key, or the key c->skip, is left out. */
static int o_kv(jspan_t v, size_t i, void *ud)
{
	dec_t *c = ud;
	static const char *const names[] = { "key", "value" };
	jspan_t m[2];
	int r = jg_elem_pick(c, v, names, m, 2);
	if (r <= 0)
		return r < 0;
	if (!m[0].p || *m[0].p != '"' || (c->skip && jscan_key_is(m[0], c->skip)))
		return 0;
	trace_kv_t kv;
	kv.key = jg_t_str(c->t, m[0]);
	if (!kv.key || o_value(c, m[1], &kv) < 0) {
		c->bad = 1;
		return 1;
	}
	c->kv = xgrow(c->kv, &c->cap_kv, c->n_kv + 1, sizeof *c->kv);
	c->kv[c->n_kv++] = kv;
	return 0;
}

/* Attributes into c->kv, after the `keep` already there. */
static void o_attrs(dec_t *c, jspan_t arr, size_t keep)
{
	size_t bad_at;
	c->n_kv = keep;
	if (!jscan_is_null(arr) && jscan_array(arr, o_kv, c, &bad_at) != 0)
		c->bad = 1;
}

/* An id string of the text as hex (otlp_id); -1 when absent or not one. */
static int o_id(jspan_t v, char out[33])
{
	char raw[64];
	size_t len;
	out[0] = '\0';
	if (!v.p || jscan_string_into(v, 0, raw, sizeof raw, &len) != 0)
		return -1;
	return otlp_id(raw, out);
}

static int64_t o_ns_us(jspan_t v)
{
	int64_t ns = 0;
	jg_t_i64(v, &ns);
	return ns >= 0 ? ns / 1000 : -((-(ns + 1)) / 1000) - 1; /* floor, before 1970 too */
}

static const char *kind_name(jspan_t k)
{
	static const char *const names[] = { NULL, "internal", "server", "client", "producer", "consumer" };
	static const char *const enums[] = { NULL, "SPAN_KIND_INTERNAL", "SPAN_KIND_SERVER", "SPAN_KIND_CLIENT",
					     "SPAN_KIND_PRODUCER", "SPAN_KIND_CONSUMER" };
	int64_t v;
	if (k.p && *k.p != '"')
		return jg_t_i64(k, &v) == 0 && v >= 1 && v <= 5 ? names[v] : NULL;
	for (int i = 1; k.p && i <= 5; i++)
		if (jscan_key_is(k, enums[i]))
			return names[i];
	return NULL;
}


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

/* A resourceSpans' resource and the scope at hand, while its spans are read. */
typedef struct {
	tset_t *ts;
	dec_t c;               /* c.t: the trace of the span at hand */
	char *service;         /* the resource's service.name (malloc'd) */
	jspan_t attrs;         /* its attributes, the process's tags */
	trace_t *last;         /* the process in the last trace asked */
	uint32_t proc;
	char *scope_name;      /* the scope's name (malloc'd), NULL: none */
} o_walk_t;

static uint32_t res_proc(o_walk_t *w)
{
	if (w->last != w->c.t) {
		uint32_t n;
		w->c.skip = "service.name";
		o_attrs(&w->c, w->attrs, 0);
		w->c.skip = NULL;
		const trace_kv_t *kv = jg_kv_done(&w->c, &n);
		w->proc = trace_add_proc(w->c.t, trace_str(w->c.t, w->service, (size_t)-1), kv, n);
		w->last = w->c.t;
	}
	return w->proc;
}

static int o_link(jspan_t v, size_t i, void *ud)
{
	dec_t *c = ud;
	static const char *const names[] = { "traceId", "spanId" };
	jspan_t m[2];
	char lt[33], ls[33];
	int r = jg_elem_pick(c, v, names, m, 2);
	if (r <= 0)
		return r < 0;
	if (o_id(m[1], ls) < 0)
		return 0;
	o_id(m[0], lt);
	c->ref = xgrow(c->ref, &c->cap_ref, c->n_ref + 1, sizeof *c->ref);
	c->ref[c->n_ref++] = (trace_ref_t){ TRACE_FOLLOWS_FROM, trace_str(c->t, lt, (size_t)-1),
					    trace_str(c->t, ls, (size_t)-1) };
	return 0;
}

/* An event: its name as the field "event", then its attributes. */
static int o_event(jspan_t v, size_t i, void *ud)
{
	dec_t *c = ud;
	static const char *const names[] = { "timeUnixNano", "name", "attributes" };
	jspan_t m[3];
	int r = jg_elem_pick(c, v, names, m, 3);
	if (r <= 0)
		return r < 0;
	trace_event_t ev = { o_ns_us(m[0]), NULL, 0 };
	size_t keep = 0;
	if (m[1].p && *m[1].p == '"') {
		const char *name = jg_t_str(c->t, m[1]);
		if (!name) {
			c->bad = 1;
			return 1;
		}
		c->kv = xgrow(c->kv, &c->cap_kv, 1, sizeof *c->kv);
		c->kv[0] = (trace_kv_t){ "event", name, TRACE_KV_STRING };
		keep = 1;
	}
	o_attrs(c, m[2], keep);
	ev.fields = jg_kv_done(c, &ev.n_fields);
	c->ev = xgrow(c->ev, &c->cap_ev, c->n_ev + 1, sizeof *c->ev);
	c->ev[c->n_ev++] = ev;
	return c->bad;
}

static void o_span(o_walk_t *w, jspan_t v)
{
	static const char *const names[] = { "traceId", "spanId", "parentSpanId", "name", "kind",
					     "startTimeUnixNano", "endTimeUnixNano", "attributes",
					     "events", "links", "status" };
	jspan_t m[11];
	char tid[33], sid[33], pid[33];
	size_t bad_at;
	dec_t *c = &w->c;
	if (!jg_pick(v, names, m, 11)) {
		c->bad = 1;
		return;
	}
	if (o_id(m[0], tid) < 0) {
		w->ts->bad_ids++;
		return;
	}
	trace_t *t = tset_get(w->ts, tid);
	if (!t) {
		w->ts->spans_left_out++;
		return;
	}
	c->t = t;
	trace_span_t *s = trace_add_span(t);
	if (!s)
		return;
	s->proc = res_proc(w);
	o_id(m[1], sid);
	s->span_id = trace_str(t, sid, (size_t)-1);
	s->operation = m[3].p && *m[3].p == '"' ? jg_t_str(t, m[3]) : "";
	if (!s->operation) {
		c->bad = 1;
		return;
	}
	int64_t st = o_ns_us(m[5]), en = o_ns_us(m[6]);
	s->start_us = st;
	s->duration_us = en > st && !__builtin_sub_overflow(en, st, &en) ? en : 0;

	/* references: the parent, then the links */
	c->n_ref = 0;
	if (o_id(m[2], pid) == 0) {
		c->ref = xgrow(c->ref, &c->cap_ref, 1, sizeof *c->ref);
		c->ref[c->n_ref++] = (trace_ref_t){ TRACE_CHILD_OF, t->trace_id, trace_str(t, pid, (size_t)-1) };
	}
	if (!jscan_is_null(m[9]) && jscan_array(m[9], o_link, c, &bad_at) != 0)
		c->bad = 1;

	/* tags: the attributes, then what Jaeger derives (kind, status, scope) */
	static const char *const snames[] = { "code", "message" };
	jspan_t st_m[2] = { { NULL, NULL }, { NULL, NULL } };
	if (jg_is_kind(m[10], '{') && !jg_pick(m[10], snames, st_m, 2))
		c->bad = 1;
	int64_t code = 0;
	if (st_m[0].p && *st_m[0].p != '"')
		jg_t_i64(st_m[0], &code);
	int err = code == 2 || jscan_key_is(st_m[0], "STATUS_CODE_ERROR");
	int ok = code == 1 || jscan_key_is(st_m[0], "STATUS_CODE_OK");
	const char *msg = st_m[1].p && *st_m[1].p == '"' ? jg_t_str(t, st_m[1]) : NULL;
	const char *kind = kind_name(m[4]);
	o_attrs(c, m[7], 0);
	c->kv = xgrow(c->kv, &c->cap_kv, c->n_kv + 4, sizeof *c->kv);
	if (kind)
		c->kv[c->n_kv++] = (trace_kv_t){ "span.kind", kind, TRACE_KV_STRING };
	if (err || ok)
		c->kv[c->n_kv++] = (trace_kv_t){ "otel.status_code", err ? "ERROR" : "OK", TRACE_KV_STRING };
	if (msg && *msg)
		c->kv[c->n_kv++] = (trace_kv_t){ "otel.status_description", msg, TRACE_KV_STRING };
	if (w->scope_name && *w->scope_name)
		c->kv[c->n_kv++] = (trace_kv_t){ "otel.scope.name", trace_str(t, w->scope_name, (size_t)-1),
						  TRACE_KV_STRING };
	s->tags = jg_kv_done(c, &s->n_tags);
	s->status_error = err;

	c->n_ev = 0;
	if (!jscan_is_null(m[8]) && jscan_array(m[8], o_event, c, &bad_at) != 0)
		c->bad = 1;
	jg_refs_events_done(c, s);
}

static int o_span_elem(jspan_t v, size_t i, void *ud)
{
	o_walk_t *w = ud;
	if (jg_is_kind(v, '{'))
		o_span(w, v);
	return w->c.bad;
}

/* A malloc'd string member, NULL when absent or not a string. */
static char *member_str(jspan_t obj, const char *name)
{
	const char *const names[] = { name };
	jspan_t m;
	size_t len;
	if (!jg_pick(obj, names, &m, 1) || !m.p || *m.p != '"')
		return NULL;
	char *s = jscan_string(m, 0, &len);
	if (!s) {
		json_t *j = jscan_load(m, 0);
		s = json_is_string(j) ? xstrdup(json_string_value(j)) : NULL;
		json_decref(j);
	}
	return s;
}

static int o_scope(jspan_t v, size_t i, void *ud)
{
	o_walk_t *w = ud;
	static const char *const names[] = { "scope", "instrumentationLibrary", "spans" };
	jspan_t m[3];
	size_t bad_at;
	if (!jg_is_kind(v, '{'))
		return 0;
	if (!jg_pick(v, names, m, 3))
		return w->c.bad = 1;
	w->scope_name = member_str(m[0].p ? m[0] : m[1], "name");
	if (!jscan_is_null(m[2]) && jscan_array(m[2], o_span_elem, w, &bad_at) != 0)
		w->c.bad = 1;
	free(w->scope_name);
	w->scope_name = NULL;
	return w->c.bad;
}

/* {key, value} of service.name: the resource's service. */
static int o_service(jspan_t v, size_t i, void *ud)
{
	o_walk_t *w = ud;
	static const char *const names[] = { "key", "value" };
	jspan_t m[2];
	if (!w->service && jg_pick(v, names, m, 2) && jscan_key_is(m[0], "service.name"))
		w->service = member_str(m[1], "stringValue");
	return 0;
}

static int o_resource_spans(jspan_t v, size_t i, void *ud)
{
	o_walk_t *w = ud;
	static const char *const names[] = { "resource", "scopeSpans", "instrumentationLibrarySpans" };
	static const char *const rnames[] = { "attributes" };
	jspan_t m[3];
	size_t bad_at;
	if (!jg_is_kind(v, '{'))
		return 0;
	if (!jg_pick(v, names, m, 3))
		return w->c.bad = 1;
	w->attrs = (jspan_t){ NULL, NULL };
	if (jg_is_kind(m[0], '{') && !jg_pick(m[0], rnames, &w->attrs, 1))
		return w->c.bad = 1;
	w->service = NULL;
	if (jg_is_array(w->attrs))
		jscan_array(w->attrs, o_service, w, &bad_at);
	if (!w->service)
		w->service = xstrdup("");
	w->last = NULL;
	jspan_t scopes = m[1].p ? m[1] : m[2];
	if (!jscan_is_null(scopes) && jscan_array(scopes, o_scope, w, &bad_at) != 0)
		w->c.bad = 1;
	free(w->service);
	w->service = NULL;
	return w->c.bad;
}

/* The traces of resourceSpans[] (the text of the array); 0, or -1 when the
 * text does not decode (nothing kept). */
int jg_otlp_traces(jspan_t rss, tset_t *ts)
{
	o_walk_t w = { .ts = ts };
	size_t bad_at;
	if (jscan_array(rss, o_resource_spans, &w, &bad_at) != 0)
		w.c.bad = 1;
	free(w.c.kv);
	free(w.c.ev);
	free(w.c.ref);
	if (!w.c.bad) {
		for (size_t i = 0; i < ts->n; i++) {
			trace_t *t = ts->v[i];
			if (!i && ts->bad_ids)
				trace_warn(t, "%zu spans without a valid trace id were left out", ts->bad_ids);
			if (!i && ts->spans_left_out)
				trace_warn(t, "%zu spans of traces past the first %d were left out",
					   ts->spans_left_out, JAEGER_LIMIT_MAX);
			jg_warn_dropped(t);
			trace_build(t);
		}
	}
	free(ts->slot);
	ts->slot = NULL;
	if (w.c.bad) {
		jaeger_traces_free(ts->v, ts->n);
		memset(ts, 0, sizeof *ts);
		return -1;
	}
	return 0;
}

