/* Loki client side without I/O: URL builders, query/tail/label parsers, error and close texts. */
#include "config.h"
#include "backend/loki.h"
#include "backend/loki_int.h"
#include "core/jscan.h"
#include "core/text.h"
#include "core/http.h"
#include "core/xalloc.h"
#include <inttypes.h>
#include <stddef.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static int status_is_failure(long http_status)
{
	return http_status != 0 && (http_status < 200 || http_status > 299);
}

static void set_err(char **err, char *msg)
{
	if (err)
		*err = msg;
	else
		free(msg);
}

int loki_parse_ns(const char *s, int64_t *out)
{
	int64_t v = 0;
	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		int d = *s - '0';
		if (v > (INT64_MAX - d) / 10)
			return -1;
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

/* ---- error texts ---- */

/* n bytes of outside text as one printable line, cut at LOKI_ERROR_MAX. */
static char *one_line(const char *s, size_t n)
{
	return text_one_line(s, n, LOKI_ERROR_MAX);
}

char *loki_error_message(long status, const char *body, size_t len)
{
	char *text = NULL;
	if (!body)
		len = 0;
	/* a gateway in front of Loki may answer in JSON: take its message */
	if (len && (body[0] == '{' || body[0] == ' ' || body[0] == '\n')) {
		json_t *root = json_loadb(body, len, JSON_ALLOW_NUL, NULL);
		if (json_is_object(root)) {
			static const char *const keys[] = { "error", "message", "msg" };
			for (size_t i = 0; i < sizeof keys / sizeof keys[0] && !text; i++) {
				json_t *v = json_object_get(root, keys[i]);
				if (json_is_string(v))
					text = one_line(json_string_value(v), json_string_length(v));
			}
		}
		json_decref(root);
	}
	if (!text)
		text = one_line(body ? body : "", len);
	char *m;
	/* a tenant missing is not a password refused */
	int org = (status == 401 || status == 403) && strstr(text, "org id");
	const char *hint = org ? " (set X-Scope-OrgID in the loki backend's headers, loki-org-id or "
				 "LOKI_ORG_ID)"
			       : http_status_hint(status);
	if (!*text)
		m = status ? xasprintf("HTTP %ld: %s%s", status, http_status_word(status), hint)
			   : xstrdup("empty response body");
	else
		m = status ? xasprintf("HTTP %ld: %s%s", status, text, hint) : xstrdup(text);
	free(text);
	return m;
}

loki_tail_end_t loki_tail_close(int code, const char *reason, size_t len, char **msg)
{
	char *why = one_line(reason ? reason : "", reason ? len : 0);
	loki_tail_end_t k;
	if (code == 1000)
		k = LOKI_TAIL_DONE;
	else if (code == 1006)
		k = LOKI_TAIL_RECONNECT;
	else if (code == 1011)
		/* the per-tenant limit stays reached however often we come back */
		k = strstr(why, "max concurrent tail requests") ? LOKI_TAIL_FATAL : LOKI_TAIL_RECONNECT;
	else
		k = LOKI_TAIL_FATAL;
	if (msg) {
		if (code == 1006)
			*msg = xstrdup("tail connection lost (1006: no close frame)");
		else if (*why)
			*msg = xasprintf("tail closed by Loki (%d): %s", code, why);
		else
			*msg = xasprintf("tail closed by Loki (%d)", code);
	}
	free(why);
	return k;
}

/* ---- parsers ---- */

static json_t *load(const char *body, size_t len, char **msg)
{
	json_error_t je;
	if (!body || !len) {
		*msg = xstrdup("empty response body");
		return NULL;
	}
	/* a line may hold \u0000: keep it, with its length */
	json_t *root = json_loadb(body, len, JSON_ALLOW_NUL, &je);
	if (!root) {
		char *why = text_sanitize(je.text);
		char *ex = one_line(body, len < 120 ? len : 120);
		*msg = xasprintf("invalid JSON: %s at line %d column %d (body: %s)", why, je.line,
				 je.column, ex);
		free(ex);
		free(why);
		return NULL;
	}
	if (!json_is_object(root)) {
		*msg = xstrdup("unexpected response: not a JSON object");
		json_decref(root);
		return NULL;
	}
	return root;
}

/* {"name":"value",...} into l; NULL or what is wrong (malloc'd). */
static char *parse_labels(const json_t *o, const char *what, labels_t *l)
{
	const char *k;
	json_t *v;
	if (!o || json_is_null(o))
		return NULL;
	if (!json_is_object(o))
		return xasprintf("\"%s\" is not an object", what);
	json_object_foreach((json_t *)o, k, v)
	{
		if (!json_is_string(v)) {
			char *kk = text_excerpt(k, 60);
			char *ks = text_sanitize(kk);
			char *m = xasprintf("%s label \"%s\" is not a string", what, ks);
			free(ks);
			free(kk);
			return m;
		}
		labels_add(l, k, json_string_value(v));
	}
	return NULL;
}

static void entry_free(loki_entry_t *e)
{
	free(e->line);
	labels_free(&e->meta);
	labels_free(&e->parsed);
}

/* e with its line (malloc'd, owned from here), cut at max_line on a
 * character boundary, appended to out. */
void loki_add_entry(loki_entry_t *e, char *line, size_t n, size_t max_line, loki_result_t *out)
{
	if (n > max_line) {
		size_t keep = max_line;
		while (keep && ((unsigned char)line[keep] & 0xc0) == 0x80)
			keep--;
		e->cut = n - keep;
		n = keep;
		line[n] = '\0';
	}
	e->line = line;
	e->len = n;
	out->entries = xgrow(out->entries, &out->cap_entries, out->n_entries + 1, sizeof *out->entries);
	out->entries[out->n_entries++] = *e;
}

/* One ["ns", "line"(, {structuredMetadata, parsed})] into a new entry. */
static char *parse_entry(const json_t *a, size_t stream, size_t max_line, loki_result_t *out)
{
	const json_t *jt, *jl, *jc;
	if (!json_is_array(a) || json_array_size(a) < 2 || json_array_size(a) > 3)
		return xstrdup("expected [\"<ns>\", \"<line>\"] or with a third, categorized labels");
	jt = json_array_get(a, 0);
	jl = json_array_get(a, 1);
	jc = json_array_get(a, 2);
	if (!json_is_string(jt))
		return xstrdup("timestamp is not a string");
	int64_t ts;
	if (loki_parse_ns(json_string_value(jt), &ts) != 0) {
		char *ex = one_line(json_string_value(jt), json_string_length(jt));
		char *m = xasprintf("timestamp \"%s\" is not a decimal count of nanoseconds", ex);
		free(ex);
		return m;
	}
	if (!json_is_string(jl))
		return xstrdup("line is not a string");
	loki_entry_t e;
	memset(&e, 0, sizeof e);
	e.ts_ns = ts;
	e.stream = stream;
	if (jc && !json_is_null(jc)) {
		char *m;
		if (!json_is_object(jc))
			return xstrdup("the third element is not an object");
		if ((m = parse_labels(json_object_get(jc, "structuredMetadata"), "structuredMetadata",
				      &e.meta)) ||
		    (m = parse_labels(json_object_get(jc, "parsed"), "parsed", &e.parsed))) {
			entry_free(&e);
			return m;
		}
	}
	const char *line = json_string_value(jl);
	size_t n = json_string_length(jl);
	char *copy = xmalloc(n + 1);
	memcpy(copy, line, n);
	copy[n] = '\0';
	loki_add_entry(&e, copy, n, max_line, out);
	return NULL;
}

static char *parse_streams(const json_t *res, const char *what, size_t max_line,
			   loki_result_t *out)
{
	size_t i, j;
	const json_t *s, *v;
	if (!res || json_is_null(res))
		return NULL;
	if (!json_is_array(res))
		return xasprintf("\"%s\" is not an array", what);
	out->streams = xcalloc(json_array_size(res) ? json_array_size(res) : 1, sizeof *out->streams);
	json_array_foreach(res, i, s)
	{
		char *m;
		if (!json_is_object(s))
			return xasprintf("stream %zu is not an object", i + 1);
		size_t si = out->n_streams++;
		if ((m = parse_labels(json_object_get(s, "stream"), "stream", &out->streams[si]))) {
			char *mm = xasprintf("stream %zu: %s", i + 1, m);
			free(m);
			return mm;
		}
		const json_t *vals = json_object_get(s, "values");
		if (!vals || json_is_null(vals))
			continue;
		if (!json_is_array(vals))
			return xasprintf("stream %zu: \"values\" is not an array", i + 1);
		json_array_foreach(vals, j, v)
		{
			if ((m = parse_entry(v, si, max_line, out))) {
				char *mm = xasprintf("entry %zu of stream %zu: %s", j + 1, i + 1, m);
				free(m);
				return mm;
			}
		}
	}
	return NULL;
}

static void note_flags(const json_t *flags, loki_result_t *out)
{
	size_t i;
	const json_t *f;
	if (!json_is_array(flags))
		return;
	json_array_foreach(flags, i, f)
	{
		if (json_is_string(f) && strcmp(json_string_value(f), "categorize-labels") == 0)
			out->categorized = 1;
	}
}

static size_t line_cap(const loki_parse_opts_t *o)
{
	return o && o->max_line ? o->max_line : LOKI_LINE_MAX;
}

static char *skim_streams(jspan_t arr, const char *what, size_t max_line, loki_result_t *out,
			  int *other);
static char *parse_dropped(const json_t *d, loki_result_t *out);

/* The answer's envelope; data.result comes from the tree, or from `result`
 * when the body is skimmed (then the tree holds the rest only). */
static char *parse_query_root(const json_t *root, const jspan_t *result, size_t max_line,
			      loki_result_t *out)
{
	const json_t *st = json_object_get(root, "status");
	if (!json_is_string(st))
		return xstrdup("unexpected response: not a Loki API answer (no \"status\")");
	if (strcmp(json_string_value(st), "success") != 0) {
		const json_t *e = json_object_get(root, "error");
		if (json_is_string(e))
			return one_line(json_string_value(e), json_string_length(e));
		char *s = one_line(json_string_value(st), json_string_length(st));
		char *m = xasprintf("unexpected status \"%s\"", s);
		free(s);
		return m;
	}
	const json_t *data = json_object_get(root, "data");
	if (!json_is_object(data))
		return xstrdup("\"data\" is not an object");
	const json_t *rt = json_object_get(data, "resultType");
	if (!json_is_string(rt))
		return xstrdup("\"data\" has no \"resultType\"");
	const char *type = json_string_value(rt);
	if (strcmp(type, "matrix") == 0 || strcmp(type, "vector") == 0 || strcmp(type, "scalar") == 0)
		return xasprintf("a metric query (%s): use the dashboard", type);
	if (strcmp(type, "streams") != 0) {
		char *s = one_line(type, json_string_length(rt));
		char *m = xasprintf("unexpected resultType \"%s\"", s);
		free(s);
		return m;
	}
	note_flags(json_object_get(data, "encodingFlags"), out);
	char *m = result ? skim_streams(*result, "result", max_line, out, NULL)
			 : parse_streams(json_object_get(data, "result"), "result", max_line, out);
	if (m)
		return m;
	const json_t *w = json_object_get(root, "warnings");
	if (json_is_array(w) && json_array_size(w)) {
		size_t i;
		const json_t *x;
		out->warnings = xcalloc(json_array_size(w), sizeof *out->warnings);
		json_array_foreach(w, i, x)
		{
			if (json_is_string(x))
				out->warnings[out->n_warnings++] =
					one_line(json_string_value(x), json_string_length(x));
		}
	}
	return NULL;
}

/* ---- big bodies, skimmed ----
 *
 * jansson's tree of a body is many times its size. A body over LOKI_WHOLE_MAX
 * is walked without building it (core/jscan): the envelope's small members
 * are decoded alone, and each [ts, line] element of each stream on its own,
 * so memory is the body, the entries kept and one element's tree. */

/* One element: a line cut at max_line may arrive JSON-escaped (\u0000 is
 * six bytes a byte). */
static size_t element_max(size_t max_line)
{
	return max_line * 6 + 65536;
}

typedef struct {
	loki_result_t *out;
	size_t max_line, cap_streams, si, i;
	jspan_t labels, values;
	int other;             /* a member neither "stream" nor "values": left unread */
	char *msg;
} skim_t;

static void on_stream_member(jspan_t k, jspan_t v, void *ud)
{
	skim_t *sk = ud;
	if (jscan_key_is(k, "stream"))
		sk->labels = v;
	else if (jscan_key_is(k, "values"))
		sk->values = v;
	else
		sk->other = 1;
}

/* ["<digits>", "<line>"] decoded without jansson: 1 done, 0 not that
 * simple (a third element, escapes jansson must judge): decode it whole. */
static int fast_entry(jspan_t v, skim_t *sk)
{
	loki_cur_t c = { v.p, v.e }; /* the element's span: it ends at its ']' */
	return loki_walk_entry(&c, sk->si, sk->max_line, sk->out);
}

typedef struct {
	labels_t *l;
	int ok;
} fast_labels_t;

static void on_label(jspan_t k, jspan_t v, void *ud)
{
	fast_labels_t *fl = ud;
	if (!fl->ok)
		return;
	size_t nk, nv;
	char *name = jscan_string(k, 0, &nk), *val = *v.p == '"' ? jscan_string(v, 0, &nv) : NULL;
	if (name && val)
		labels_add(fl->l, name, val);
	else
		fl->ok = 0;
	free(name);
	free(val);
}

/* {"name": "value", ...} decoded without jansson: 1 done, 0 not (then the
 * labels are left empty for jansson's way). */
static int fast_labels(jspan_t v, labels_t *l)
{
	fast_labels_t fl = { l, 1 };
	if (*v.p != '{' || jscan_object(v.p, v.e, on_label, &fl) != v.e || !fl.ok) {
		labels_free(l);
		return 0;
	}
	return 1;
}

static int on_entry(jspan_t v, size_t j, void *ud)
{
	skim_t *sk = ud;
	char *m = NULL;
	if (fast_entry(v, sk))
		return 0;
	if ((size_t)(v.e - v.p) > element_max(sk->max_line)) {
		m = xasprintf("%.1f MB in one entry: too large to read", (double)(v.e - v.p) / 1048576.0);
	} else {
		json_t *el = jscan_load(v, JSON_ALLOW_NUL);
		m = el ? parse_entry(el, sk->si, sk->max_line, sk->out) : xstrdup("invalid JSON");
		json_decref(el);
	}
	if (m) {
		sk->msg = xasprintf("entry %zu of stream %zu: %s", j + 1, sk->i + 1, m);
		free(m);
		return 1;
	}
	return 0;
}

static int on_stream(jspan_t v, size_t i, void *ud)
{
	skim_t *sk = ud;
	loki_result_t *out = sk->out;
	sk->i = i;
	sk->labels.p = sk->values.p = NULL;
	if (*v.p != '{') {
		sk->msg = xasprintf("stream %zu is not an object", i + 1);
		return 1;
	}
	if (!jscan_object(v.p, v.e, on_stream_member, sk)) {
		sk->msg = xasprintf("invalid JSON in stream %zu", i + 1);
		return 1;
	}
	out->streams = xgrow(out->streams, &sk->cap_streams, out->n_streams + 1,
			     sizeof *out->streams);
	sk->si = out->n_streams++;
	memset(&out->streams[sk->si], 0, sizeof out->streams[sk->si]);
	if (!jscan_is_null(sk->labels) && !fast_labels(sk->labels, &out->streams[sk->si])) {
		json_t *l = jscan_load(sk->labels, 0);
		char *m = l ? parse_labels(l, "stream", &out->streams[sk->si])
			    : xstrdup("invalid JSON in \"stream\"");
		json_decref(l);
		if (m) {
			sk->msg = xasprintf("stream %zu: %s", i + 1, m);
			free(m);
			return 1;
		}
	}
	if (jscan_is_null(sk->values))
		return 0;
	size_t bad;
	int r = jscan_array(sk->values, on_entry, sk, &bad);
	if (r == -1)
		sk->msg = *sk->values.p != '['
				  ? xasprintf("stream %zu: \"values\" is not an array", i + 1)
				  : xasprintf("stream %zu: invalid JSON in entry %zu", i + 1, bad + 1);
	return r ? 1 : 0;
}

static char *skim_streams(jspan_t arr, const char *what, size_t max_line, loki_result_t *out,
			  int *other)
{
	skim_t sk = { .out = out, .max_line = max_line };
	if (other)
		*other = 0;
	size_t bad;
	if (jscan_is_null(arr))
		return NULL;
	if (*arr.p != '[')
		return xasprintf("\"%s\" is not an array", what);
	if (jscan_array(arr, on_stream, &sk, &bad) == 0) {
		if (other)
			*other = sk.other;
		return NULL;
	}
	return sk.msg ? sk.msg : xasprintf("invalid JSON in \"%s\" at stream %zu", what, bad + 1);
}

typedef struct {
	jspan_t status, error, data, warnings, type, flags, result, streams, dropped;
	int other;             /* a member not named here: left unread */
} members_t;

static void on_member(jspan_t k, jspan_t v, void *ud)
{
	members_t *m = ud;
	static const struct {
		const char *name;
		size_t off;
	} keys[] = {
		{ "status", offsetof(members_t, status) },
		{ "error", offsetof(members_t, error) },
		{ "data", offsetof(members_t, data) },
		{ "warnings", offsetof(members_t, warnings) },
		{ "resultType", offsetof(members_t, type) },
		{ "encodingFlags", offsetof(members_t, flags) },
		{ "result", offsetof(members_t, result) },
		{ "streams", offsetof(members_t, streams) },
		{ "dropped_entries", offsetof(members_t, dropped) },
	};
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (jscan_key_is(k, keys[i].name)) {
			*(jspan_t *)((char *)m + keys[i].off) = v;
			return;
		}
	m->other = 1;
}

/* The object of a body, walked; NULL or why not (as load() says it). */
static char *skim_top(const char *body, size_t len, members_t *m)
{
	const char *e = body + len, *p = jscan_ws(body, e);
	memset(m, 0, sizeof *m);
	if (p < e && *p != '{')
		return xstrdup("unexpected response: not a JSON object");
	p = jscan_object(p, e, on_member, m);
	if (!p || jscan_ws(p, e) != e) {
		char *ex = one_line(body, len < 120 ? len : 120);
		char *msg = xasprintf("invalid JSON (body: %s)", ex);
		free(ex);
		return msg;
	}
	return NULL;
}

/* A small member into `o` under `name`, decoded alone (a big one is left out:
 * none of these is big in a real answer). */
static int set_small(json_t *o, const char *name, jspan_t v)
{
	if (!v.p)
		return 0;
	if ((size_t)(v.e - v.p) > LOKI_WHOLE_MAX)
		return -1;
	json_t *j = jscan_load(v, JSON_ALLOW_NUL);
	if (!j)
		return -1; /* not JSON: left out (the whole way can say why) */
	json_object_set_new(o, name, j);
	return 0;
}

static char *skim_query(const char *body, size_t len, size_t max_line, loki_result_t *out)
{
	members_t m;
	char *msg = skim_top(body, len, &m);
	if (msg)
		return msg;
	json_t *root = json_object();
	set_small(root, "status", m.status);
	set_small(root, "error", m.error);
	set_small(root, "warnings", m.warnings);
	jspan_t result = { NULL, NULL };
	if (m.data.p && *m.data.p == '{') {
		members_t d;
		memset(&d, 0, sizeof d);
		if (jscan_object(m.data.p, m.data.e, on_member, &d)) {
			json_t *data = json_object();
			set_small(data, "resultType", d.type);
			set_small(data, "encodingFlags", d.flags);
			json_object_set_new(root, "data", data);
			result = d.result;
		} else {
			msg = xstrdup("invalid JSON in \"data\"");
		}
	} else {
		set_small(root, "data", m.data); /* not an object: said so below */
	}
	if (!msg)
		msg = parse_query_root(root, &result, max_line, out);
	json_decref(root);
	return msg;
}

/* *unread: some member was not read (a name the frame should not have):
 * its validity is unknown, jansson's way can tell. */
static char *skim_tail(const char *body, size_t len, size_t max_line, loki_result_t *out,
		       int *unread)
{
	members_t m;
	char *msg = skim_top(body, len, &m);
	*unread = 0;
	if (msg)
		return msg;
	json_t *root = json_object();
	int bad = set_small(root, "encodingFlags", m.flags) | set_small(root, "dropped_entries", m.dropped);
	note_flags(json_object_get(root, "encodingFlags"), out);
	int other = 0;
	msg = skim_streams(m.streams, "streams", max_line, out, &other);
	if (!msg)
		msg = parse_dropped(json_object_get(root, "dropped_entries"), out);
	json_decref(root);
	*unread = m.other || other || bad;
	return msg;
}

int loki_parse_query(const char *body, size_t len, long http_status, const loki_parse_opts_t *o,
		     loki_result_t *out, char **err)
{
	char *msg = NULL;
	memset(out, 0, sizeof *out);
	if (err)
		*err = NULL;
	if (status_is_failure(http_status)) {
		set_err(err, loki_error_message(http_status, body, len));
		return -1;
	}
	if (body && (len > LOKI_WHOLE_MAX || (o && o->skim))) {
		msg = skim_query(body, len, line_cap(o), out);
	} else {
		json_t *root = load(body, len, &msg);
		if (root)
			msg = parse_query_root(root, NULL, line_cap(o), out);
		json_decref(root);
	}
	if (msg) {
		loki_result_free(out);
		set_err(err, msg);
		return -1;
	}
	return 0;
}

static char *parse_dropped(const json_t *d, loki_result_t *out)
{
	size_t i;
	const json_t *x;
	if (!d || json_is_null(d))
		return NULL;
	if (!json_is_array(d))
		return xstrdup("\"dropped_entries\" is not an array");
	out->dropped = xcalloc(json_array_size(d) ? json_array_size(d) : 1, sizeof *out->dropped);
	json_array_foreach(d, i, x)
	{
		const json_t *t = json_object_get(x, "timestamp");
		loki_dropped_t *dr = &out->dropped[out->n_dropped];
		if (!json_is_object(x) || !json_is_string(t) ||
		    loki_parse_ns(json_string_value(t), &dr->ts_ns) != 0)
			return xasprintf("dropped entry %zu has no timestamp in nanoseconds", i + 1);
		out->n_dropped++;
		char *m = parse_labels(json_object_get(x, "labels"), "labels", &dr->labels);
		if (m) {
			char *mm = xasprintf("dropped entry %zu: %s", i + 1, m);
			free(m);
			return mm;
		}
	}
	return NULL;
}

/* A frame through jansson's tree: the reference, and the words of a refusal. */
static char *whole_tail(const char *body, size_t len, size_t max_line, loki_result_t *out)
{
	char *msg = NULL;
	json_t *root = load(body, len, &msg);
	if (root) {
		note_flags(json_object_get(root, "encodingFlags"), out);
		msg = parse_streams(json_object_get(root, "streams"), "streams", max_line, out);
		if (!msg)
			msg = parse_dropped(json_object_get(root, "dropped_entries"), out);
	}
	json_decref(root);
	return msg;
}

int loki_parse_tail_frame(const char *body, size_t len, const loki_parse_opts_t *o,
			  loki_result_t *out, char **err)
{
	char *msg = NULL;
	memset(out, 0, sizeof *out);
	if (err)
		*err = NULL;
	/* Tail frames come by the hundred a second: walked and decoded without
	 * jansson's tree. A frame the walk refuses, or with a member it did not
	 * read, is read again the whole way when small: jansson's verdict and
	 * words, as before. */
	int unread = 0;
	if (!body || !len || (o && o->whole)) {
		msg = whole_tail(body, len, line_cap(o), out);
	} else if (!(o && o->skim) && loki_walk_tail(body, len, line_cap(o), out)) {
		msg = NULL; /* the usual frame */
	} else {
		loki_result_free(out);
		memset(out, 0, sizeof *out);
		msg = skim_tail(body, len, line_cap(o), out, &unread);
		if ((msg || unread) && len <= LOKI_WHOLE_MAX && !(o && o->skim)) {
			free(msg);
			loki_result_free(out);
			memset(out, 0, sizeof *out);
			msg = whole_tail(body, len, line_cap(o), out);
		}
	}
	if (msg) {
		loki_result_free(out);
		set_err(err, msg);
		return -1;
	}
	return 0;
}

void loki_result_free(loki_result_t *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n_streams; i++)
		labels_free(&r->streams[i]);
	free(r->streams);
	for (size_t i = 0; i < r->n_entries; i++)
		entry_free(&r->entries[i]);
	free(r->entries);
	for (size_t i = 0; i < r->n_dropped; i++)
		labels_free(&r->dropped[i].labels);
	free(r->dropped);
	for (size_t i = 0; i < r->n_warnings; i++)
		free(r->warnings[i]);
	free(r->warnings);
	memset(r, 0, sizeof *r);
}

/* Entries are compared through pointers into the one array, so the address
 * is the answer's order: a stable sort from qsort. */
static int cmp_entry_ptr(const void *x, const void *y)
{
	const loki_entry_t *a = *(const loki_entry_t *const *)x, *b = *(const loki_entry_t *const *)y;
	if (a->ts_ns != b->ts_ns)
		return a->ts_ns < b->ts_ns ? -1 : 1;
	return a < b ? -1 : a > b;
}

void loki_result_sort(loki_result_t *r)
{
	if (!r || r->n_entries < 2)
		return;
	size_t k = 1;
	while (k < r->n_entries && r->entries[k - 1].ts_ns <= r->entries[k].ts_ns)
		k++;
	if (k == r->n_entries)
		return; /* in order already (a tail frame, a forward page): stable as it is */
	loki_entry_t **p = xmalloc(r->n_entries * sizeof *p);
	for (size_t i = 0; i < r->n_entries; i++)
		p[i] = &r->entries[i];
	qsort(p, r->n_entries, sizeof *p, cmp_entry_ptr);
	loki_entry_t *v = xmalloc(r->n_entries * sizeof *v);
	for (size_t i = 0; i < r->n_entries; i++)
		v[i] = *p[i];
	free(p);
	free(r->entries);
	r->entries = v;
	r->cap_entries = r->n_entries;
}

int loki_parse_names(const char *body, size_t len, long http_status, char ***names, size_t *n,
		     char **err)
{
	char *msg = NULL;
	*names = NULL;
	*n = 0;
	if (err)
		*err = NULL;
	if (status_is_failure(http_status)) {
		set_err(err, loki_error_message(http_status, body, len));
		return -1;
	}
	json_t *root = load(body, len, &msg);
	if (root) {
		const json_t *st = json_object_get(root, "status");
		const json_t *data = json_object_get(root, "data");
		if (!json_is_string(st))
			msg = xstrdup("unexpected response: not a Loki API answer (no \"status\")");
		else if (strcmp(json_string_value(st), "success") != 0) {
			char *t = one_line(json_string_value(st), json_string_length(st));
			msg = xasprintf("unexpected status \"%s\"", t);
			free(t);
		}
		else if (data && !json_is_null(data) && !json_is_array(data))
			msg = xstrdup("\"data\" is not an array");
		else if (json_array_size(data)) {
			size_t i;
			const json_t *x;
			*names = xcalloc(json_array_size(data), sizeof **names);
			json_array_foreach(data, i, x)
			{
				if (!json_is_string(x)) {
					msg = xasprintf("name %zu is not a string", i + 1);
					break;
				}
				/* names end up on the screen: nothing a terminal obeys */
				(*names)[(*n)++] = text_sanitize(json_string_value(x));
			}
		}
	}
	json_decref(root);
	if (msg) {
		loki_names_free(*names, *n);
		*names = NULL;
		*n = 0;
		set_err(err, msg);
		return -1;
	}
	return 0;
}

void loki_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int loki_page_next(loki_direction_t dir, int64_t last_ts, int64_t *start_ns, int64_t *end_ns)
{
	if (dir == LOKI_FORWARD) {
		if (last_ts <= *start_ns || last_ts >= *end_ns)
			return -1;
		*start_ns = last_ts;
		return 0;
	}
	if (last_ts == INT64_MAX || last_ts + 1 >= *end_ns || last_ts < *start_ns)
		return -1;
	*end_ns = last_ts + 1;
	return 0;
}
