/* Loki's HTTP API as PROTOCOLS.md describes it, over icnsim's generated logs.
 *
 * Errors are Loki's: plain text (text/plain; charset=utf-8), status 400.
 * Lines are JSON-escaped as Loki's Go encoder does: <, > and & become
 * \u003c, \u003e and \u0026 (they only occur inside JSON strings, so the
 * serialised document is rewritten as a whole).
 *
 * The tail: one stream object per entry, at most 100 entries per frame, a
 * ping every second, close 1011 after the max duration; the controls close
 * every tail with 1011, drop their TCP connections (1006 as clients see it),
 * or drop the next N entries and report them in dropped_entries, as Loki
 * does for a slow client. */
#include "config.h"
#include "loki.h"
#include "logql.h"
#include "core/text.h"
#include "core/xalloc.h"
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define MAX_ENTRIES 5000     /* max_entries_limit_per_query */
#define TAIL_PER_FRAME 100   /* maxEntriesPerTailResponse */
#define TAIL_MAX_DROPPED 1000
#define MAX_DELAY_FOR 5
#define MAX_QUERY_LENGTH ((30LL * 24 + 1) * 3600 * 1000000000) /* max_query_length 30d1h */
#define MAX_TAILS 10 /* max_concurrent_tail_requests, per tenant (X-Scope-OrgID) */

typedef struct tail tail_t;

struct loki {
	logs_t *logs;
	sim_t *sim;
	uv_timer_t timer; /* pings and the max duration, every second */
	double max_duration;
	tail_t *tails;
	const simauth_t *auth; /* the credentials wanted, NULL: none */
};

typedef struct {
	int64_t ns;
	size_t stream;
} dropped_t;

struct tail {
	tail_t *next, **pprev;
	loki_t *lk;
	srv_ws_t *ws;
	logql_t *q;
	bool categorize;
	int delay_for;
	double opened;      /* wall seconds */
	uint64_t *backfill; /* sequence numbers, oldest first */
	size_t nbackfill, bpos;
	uint64_t cursor; /* next live sequence number */
	dropped_t *dropped;
	size_t ndropped;
	unsigned drop_left; /* /control/loki/tail/slow */
	bool ping_due, dropping, close_sent;
	int close_code;
	char *close_reason;
	char *tenant; /* X-Scope-OrgID, "fake" without one (Loki's single tenant) */
};

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Loki's parseTimestamp: a float with '.' is seconds; an integer of at most
 * 10 digits is seconds, longer ones are ns; otherwise RFC3339(Nano). */
static int parse_time(const char *v, int64_t def, int64_t *out)
{
	char *end;

	if (!v || !*v) {
		*out = def;
		return 0;
	}
	if (strchr(v, '.') && !strchr(v, 'T')) {
		errno = 0;
		double d = strtod(v, &end);
		if (!errno && !*end && isfinite(d)) {
			*out = (int64_t)floor(d) * 1000000000 + (int64_t)llround((d - floor(d)) * 1e9);
			return 0;
		}
	}
	errno = 0;
	long long n = strtoll(v, &end, 10);
	if (!errno && end != v && !*end) {
		*out = strlen(v) <= 10 ? (int64_t)n * 1000000000 : (int64_t)n;
		return 0;
	}
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *p = strptime(v, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return -1;
	int64_t frac = 0, scale = 100000000;
	if (*p == '.') {
		for (p++; isdigit((unsigned char)*p); p++, scale /= 10)
			frac += (*p - '0') * scale;
	}
	int64_t off = 0;
	if (*p == 'Z' || *p == 'z')
		p++;
	else if ((*p == '+' || *p == '-') && isdigit((unsigned char)p[1])) {
		int hh, mm;
		if (sscanf(p + 1, "%2d:%2d", &hh, &mm) != 2)
			return -1;
		off = (hh * 3600 + mm * 60) * (*p == '-' ? -1 : 1);
		p += 6;
	} else
		return -1;
	if (*p)
		return -1;
	*out = ((int64_t)timegm(&tm) - off) * 1000000000 + frac;
	return 0;
}

/* A duration as Prometheus writes it (1h, 90s, 500ms, 2d; units ms s m h d w y);
 * returns ns, or -1. */
static int64_t parse_prom_duration(const char *v)
{
	static const struct {
		const char *unit;
		int64_t ns;
	} units[] = { { "ms", 1000000LL },	       { "s", 1000000000LL },	       { "m", 60000000000LL },
		      { "h", 3600000000000LL },	       { "d", 86400000000000LL },      { "w", 604800000000000LL },
		      { "y", 31536000000000000LL } };
	int64_t total = 0;

	if (!v || !*v)
		return -1;
	while (*v) {
		char *end;
		size_t k;
		long long n = strtoll(v, &end, 10);

		if (end == v || n < 0)
			return -1;
		v = end;
		for (k = 0; k < sizeof units / sizeof units[0]; k++)
			if (!strncmp(v, units[k].unit, strlen(units[k].unit)) &&
			    !(units[k].unit[0] == 'm' && units[k].unit[1] == 0 && v[1] == 's'))
				break;
		if (k == sizeof units / sizeof units[0])
			return -1;
		total += (int64_t)n * units[k].ns;
		v += strlen(units[k].unit);
	}
	return total;
}

/* Go's time.Duration.String() for a positive duration of at least a second: 744h0m0.5s. */
static char *go_duration(int64_t ns)
{
	int64_t h = ns / 3600000000000LL, m = ns / 60000000000LL % 60, sec = ns / 1000000000 % 60;
	int64_t frac = ns % 1000000000;
	char f[16] = "";

	if (frac) {
		snprintf(f, sizeof f, ".%09" PRId64, frac);
		for (size_t n = strlen(f); f[n - 1] == '0'; n--)
			f[n - 1] = 0;
	}
	if (h)
		return xasprintf("%" PRId64 "h%" PRId64 "m%" PRId64 "%ss", h, m, sec, f);
	if (m)
		return xasprintf("%" PRId64 "m%" PRId64 "%ss", m, sec, f);
	return xasprintf("%" PRId64 "%ss", sec, f);
}

static void text_error(srv_response_t *resp, int status, const char *msg)
{
	srv_respond_text(resp, status, "%s\n", msg);
}

/* Serialise with Loki's HTML escaping. */
static char *dump_loki(json_t *doc)
{
	char *s = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
	strbuf_t b;

	json_decref(doc);
	sb_init(&b);
	for (const char *p = s; *p; p++) {
		if (*p == '<')
			sb_puts(&b, "\\u003c");
		else if (*p == '>')
			sb_puts(&b, "\\u003e");
		else if (*p == '&')
			sb_puts(&b, "\\u0026");
		else
			sb_add(&b, p, 1);
	}
	free(s);
	return sb_steal(&b);
}

static void respond_loki(srv_response_t *resp, json_t *doc)
{
	char *s = dump_loki(doc);

	srv_respond(resp, 200, "application/json; charset=UTF-8", s, strlen(s));
	sb_puts(&resp->body, "\n");
	free(s);
}

static json_t *labels_json(const logs_t *l, size_t stream)
{
	json_t *o = json_object();
	for (size_t k = 0; k < LOGS_NLABELS; k++)
		json_object_set_new(o, logs_label_names[k], json_string(l->streams[stream].values[k]));
	return o;
}

static bool wants_categorize(const srv_request_t *req)
{
	char *v = srv_request_header(req, "x-loki-response-encoding-flags");
	bool yes = v && strstr(v, "categorize-labels");

	free(v);
	return yes;
}

static json_t *value_json(const logs_entry_t *e, bool categorize)
{
	char ns[24];

	snprintf(ns, sizeof ns, "%" PRId64, e->ns);
	if (categorize)
		return json_pack("[s, s, {}]", ns, e->line);
	return json_pack("[s, s]", ns, e->line);
}

/* start/end (end exclusive), defaulting to the last hour, as Loki does. */
static int parse_range(const srv_request_t *req, srv_response_t *resp, int64_t *start, int64_t *end)
{
	int64_t now = now_ns();

	if (parse_time(srv_request_arg(req, "end"), now, end) < 0) {
		text_error(resp, 400, "invalid end parameter: cannot parse it as a timestamp");
		return -1;
	}
	const char *since = srv_request_arg(req, "since");
	int64_t back = 3600LL * 1000000000;
	if (since && *since && (back = parse_prom_duration(since)) < 0) {
		text_error(resp, 400, "invalid since parameter: not a duration");
		return -1;
	}
	if (parse_time(srv_request_arg(req, "start"), *end - back, start) < 0) {
		text_error(resp, 400, "invalid start parameter: cannot parse it as a timestamp");
		return -1;
	}
	if (*end < *start) {
		text_error(resp, 400, "end timestamp must not be before or equal to start time");
		return -1;
	}
	return 0;
}

static logql_t *parse_query(const char *q, srv_response_t *resp)
{
	char *err = NULL;
	logql_t *lq;

	if (!q || !*q) {
		text_error(resp, 400, "parse error : syntax error: unexpected $end");
		return NULL;
	}
	lq = logql_parse(q, &err);
	if (!lq) {
		text_error(resp, 400, err);
		free(err);
	}
	return lq;
}

static int parse_limit(const char *v, long def, long *out, srv_response_t *resp)
{
	char *end;

	if (!v || !*v) {
		*out = def;
		return 0;
	}
	errno = 0;
	*out = strtol(v, &end, 10);
	if (errno || end == v || *end) {
		text_error(resp, 400, "invalid limit parameter");
		return -1;
	}
	if (*out <= 0) {
		text_error(resp, 400, "limit must be a positive value");
		return -1;
	}
	if (*out > MAX_ENTRIES) {
		char *msg = xasprintf("max entries limit per query exceeded, limit > max_entries_limit_per_query "
				      "(%ld > %d)", *out, MAX_ENTRIES);
		text_error(resp, 400, msg);
		free(msg);
		return -1;
	}
	return 0;
}

void loki_set_auth(loki_t *lk, const simauth_t *auth)
{
	lk->auth = auth;
}

/* Answers 401 and returns true when the request lacks the credentials asked for. */
static bool refused(const loki_t *lk, const srv_request_t *req, srv_response_t *resp)
{
	const char *why = simauth_refusal(lk->auth, req);
	if (why)
		text_error(resp, 401, why);
	return why != NULL;
}

static void query_range_get(const srv_request_t *req, srv_response_t *resp, void *user)
{
	loki_t *lk = user;
	if (refused(lk, req, resp))
		return;
	logs_t *l = lk->logs;
	const char *dir = srv_request_arg(req, "direction");
	bool forward = false, categorize = wants_categorize(req);
	int64_t start, end;
	long limit;
	logql_t *q;

	if (dir && !strcasecmp(dir, "forward"))
		forward = true;
	else if (dir && *dir && strcasecmp(dir, "backward")) {
		text_error(resp, 400, "invalid direction parameter: must be forward or backward");
		return;
	}
	if (parse_limit(srv_request_arg(req, "limit"), 100, &limit, resp) < 0 ||
	    parse_range(req, resp, &start, &end) < 0)
		return;
	if (end - start > MAX_QUERY_LENGTH) {
		char *len = go_duration(end - start);
		char *msg = xasprintf("the query time range exceeds the limit (query length: %s, limit: 30d1h)", len);
		text_error(resp, 400, msg);
		free(msg);
		free(len);
		return;
	}
	if (!(q = parse_query(srv_request_arg(req, "query"), resp)))
		return;

	/* Pick the entries: the oldest `limit` (forward) or the newest (backward). */
	uint64_t lo = logs_seek(l, start), hi = logs_seek(l, end);
	uint64_t *picked = xcalloc((size_t)limit, sizeof *picked);
	size_t n = 0;
	for (uint64_t i = 0; i < hi - lo && n < (size_t)limit; i++) {
		uint64_t seq = forward ? lo + i : hi - 1 - i;
		const logs_entry_t *e = logs_get(l, seq);
		if (logql_stream_matches(q, l, e->stream) && logql_line_matches(q, e->line))
			picked[n++] = seq;
	}
	/* Group by stream, in order of first appearance. */
	json_t *result = json_array();
	size_t *slot = xcalloc(l->nstreams, sizeof *slot); /* index + 1 into result, 0: none yet */
	for (size_t i = 0; i < n; i++) {
		const logs_entry_t *e = logs_get(l, picked[i]);
		json_t *values;
		if (!slot[e->stream]) {
			json_array_append_new(result, json_pack("{s:o, s:[]}", "stream", labels_json(l, e->stream),
								 "values"));
			slot[e->stream] = json_array_size(result);
		}
		values = json_object_get(json_array_get(result, slot[e->stream] - 1), "values");
		json_array_append_new(values, value_json(e, categorize));
	}
	free(slot);
	free(picked);
	logql_free(q);

	json_t *data = json_pack("{s:s}", "resultType", "streams");
	if (categorize)
		json_object_set_new(data, "encodingFlags", json_pack("[s]", "categorize-labels"));
	json_object_set_new(data, "result", result);
	json_object_set_new(data, "stats", json_object());
	respond_loki(resp, json_pack("{s:s, s:o}", "status", "success", "data", data));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The streams with entries in [start, end) that match `query` (all when absent). */
static bool *streams_in_range(const srv_request_t *req, srv_response_t *resp, loki_t *lk)
{
	logs_t *l = lk->logs;
	const char *qs = srv_request_arg(req, "query");
	logql_t *q = NULL;
	int64_t start, end;
	bool *in;

	if (parse_range(req, resp, &start, &end) < 0)
		return NULL;
	if (qs && *qs && !(q = parse_query(qs, resp)))
		return NULL;
	in = xcalloc(l->nstreams + 1, sizeof *in);
	for (uint64_t s = logs_seek(l, start), hi = logs_seek(l, end); s < hi; s++) {
		const logs_entry_t *e = logs_get(l, s);
		if (!in[e->stream] && (!q || logql_stream_matches(q, l, e->stream)))
			in[e->stream] = true;
	}
	logql_free(q);
	return in;
}

static void labels_get(const srv_request_t *req, srv_response_t *resp, void *user)
{
	loki_t *lk = user;
	if (refused(lk, req, resp))
		return;
	bool *in = streams_in_range(req, resp, lk), any = false;
	json_t *data = json_array();

	if (!in) {
		json_decref(data);
		return;
	}
	for (size_t i = 0; i < lk->logs->nstreams; i++)
		any |= in[i];
	if (any) /* every stream carries every label; logs_label_names is sorted */
		for (size_t k = 0; k < LOGS_NLABELS; k++)
			json_array_append_new(data, json_string(logs_label_names[k]));
	free(in);
	respond_loki(resp, json_pack("{s:s, s:o}", "status", "success", "data", data));
}

static void label_values_get(const srv_request_t *req, srv_response_t *resp, void *user)
{
	loki_t *lk = user;
	if (refused(lk, req, resp))
		return;
	logs_t *l = lk->logs;
	size_t len = strlen(req->rest);
	char *name;
	bool *in;

	if (len < strlen("/values") || strcmp(req->rest + len - strlen("/values"), "/values") ||
	    len == strlen("/values")) {
		srv_respond_text(resp, 404, "404 page not found\n");
		return;
	}
	if (!(in = streams_in_range(req, resp, lk)))
		return;
	name = xstrndup(req->rest, len - strlen("/values"));
	const char **vals = xcalloc(l->nstreams + 1, sizeof *vals);
	size_t n = 0;
	for (size_t i = 0; i < l->nstreams; i++) {
		const char *v = in[i] ? logs_label(l, i, name) : NULL;
		bool seen = false;
		if (!v)
			continue;
		for (size_t j = 0; j < n && !seen; j++)
			seen = !strcmp(vals[j], v);
		if (!seen)
			vals[n++] = v;
	}
	qsort(vals, n, sizeof *vals, cmp_str);
	json_t *data = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(data, json_string(vals[i]));
	free(vals);
	free(in);
	free(name);
	respond_loki(resp, json_pack("{s:s, s:o}", "status", "success", "data", data));
}

/* ---- log controls ---- */

static int uint_arg(const srv_request_t *req, srv_response_t *resp, const char *name, unsigned long max,
		    unsigned long *out)
{
	const char *v = srv_request_arg(req, name);
	char *end;

	errno = 0;
	*out = v ? strtoul(v, &end, 10) : 0;
	if (!v || !*v || errno || *end || v[0] == '-' || *out > max) {
		char *msg = xasprintf("'%s' wants an integer 0..%lu", name, max);
		srv_respond_json(resp, 400, json_pack("{s:s}", "error", msg));
		free(msg);
		return -1;
	}
	return 0;
}

static void rate_post(const srv_request_t *req, srv_response_t *resp, void *user)
{
	loki_t *lk = user;
	unsigned long n;

	if (uint_arg(req, resp, "per_second", 10000, &n) < 0)
		return;
	lk->logs->per_second = (double)n;
	srv_respond_json(resp, 200, json_pack("{s:I}", "per_second", (json_int_t)n));
}

static void burst_post(const srv_request_t *req, srv_response_t *resp, void *user)
{
	loki_t *lk = user;
	unsigned long n;

	if (uint_arg(req, resp, "n", 100000, &n) < 0)
		return;
	logs_burst(lk->logs, lk->sim, wall_now(), (unsigned)n);
	srv_respond_json(resp, 200, json_pack("{s:I}", "burst", (json_int_t)n));
}

/* A line as the body has it: escape sequences, bidi controls and all. Loki's
 * JSON carries only UTF-8 text, and the store keeps C strings: invalid UTF-8
 * and NULs are refused. */
static void line_post(const srv_request_t *req, srv_response_t *resp, void *user)
{
	loki_t *lk = user;
	const char *app = srv_request_arg(req, "app"), *level = srv_request_arg(req, "level");
	json_t *s = req->body ? json_stringn(req->body, req->body_len) : NULL;

	if (!s || memchr(req->body, '\0', req->body_len)) {
		json_decref(s);
		srv_respond_json(resp, 400, json_pack("{s:s}", "error", "the body must be UTF-8 text without NULs"));
		return;
	}
	json_decref(s);
	logs_inject(lk->logs, wall_now(), app && *app ? app : "icn-test", level && *level ? level : "info",
		    req->body);
	srv_respond_json(resp, 200, json_pack("{s:I}", "bytes", (json_int_t)req->body_len));
}

/* ---- the tail ---- */

static void tail_close(tail_t *t, int code, const char *reason)
{
	if (t->close_code)
		return;
	t->close_code = code;
	t->close_reason = xstrdup(reason);
	srv_ws_want_write(t->ws);
}

static int count_tails(loki_t *lk)
{
	int n = 0;
	for (tail_t *t = lk->tails; t; t = t->next)
		n++;
	return n;
}

static void tail_close_post(const srv_request_t *req, srv_response_t *resp, void *user)
{
	loki_t *lk = user;
	int n = count_tails(lk);

	for (tail_t *t = lk->tails; t; t = t->next)
		tail_close(t, 1011, "all ingesters closed the connection");
	srv_respond_json(resp, 200, json_pack("{s:i}", "closed", n));
}

static void tail_drop_post(const srv_request_t *req, srv_response_t *resp, void *user)
{
	loki_t *lk = user;
	int n = count_tails(lk);

	for (tail_t *t = lk->tails; t; t = t->next)
		if (!t->dropping) {
			t->dropping = true;
			srv_ws_drop(t->ws);
		}
	srv_respond_json(resp, 200, json_pack("{s:i}", "dropped", n));
}

static void tail_slow_post(const srv_request_t *req, srv_response_t *resp, void *user)
{
	loki_t *lk = user;
	unsigned long n;

	if (uint_arg(req, resp, "drop", TAIL_MAX_DROPPED, &n) < 0)
		return;
	for (tail_t *t = lk->tails; t; t = t->next)
		t->drop_left = (unsigned)n;
	srv_respond_json(resp, 200, json_pack("{s:I, s:i}", "drop", (json_int_t)n, "tails", count_tails(lk)));
}

static bool tail_wants(const tail_t *t, const logs_entry_t *e)
{
	return logql_stream_matches(t->q, t->lk->logs, e->stream) && logql_line_matches(t->q, e->line);
}

static char *tail_check(const srv_request_t *req, void *user, int *status)
{
	const char *why = simauth_refusal(((const loki_t *)user)->auth, req);
	if (why) {
		*status = 401;
		return xstrdup(why);
	}
	const char *d = srv_request_arg(req, "delay_for"), *qs = srv_request_arg(req, "query");
	srv_response_t resp;
	char *err = NULL, *end;
	long limit;
	logql_t *q;

	if (d && *d) {
		long v = strtol(d, &end, 10);
		if (*end || v < 0)
			return xstrdup("invalid delay_for parameter");
		if (v > MAX_DELAY_FOR)
			return xasprintf("delay_for can't be greater than %d", MAX_DELAY_FOR);
	}
	memset(&resp, 0, sizeof resp);
	sb_init(&resp.body);
	if (parse_limit(srv_request_arg(req, "limit"), 100, &limit, &resp) < 0 || !(q = parse_query(qs, &resp))) {
		err = xstrndup(resp.body.s, resp.body.len ? resp.body.len - 1 : 0);
		sb_free(&resp.body);
		return err;
	}
	logql_free(q);
	sb_free(&resp.body);
	return NULL;
}

static void *tail_open(srv_ws_t *ws, const srv_request_t *req, void *user)
{
	loki_t *lk = user;
	logs_t *l = lk->logs;
	tail_t *t = xcalloc(1, sizeof *t);
	const char *d = srv_request_arg(req, "delay_for");
	int64_t start;
	long limit = 100;
	char *err = NULL;

	t->lk = lk;
	t->ws = ws;
	t->opened = wall_now();
	t->categorize = wants_categorize(req);
	t->delay_for = d && *d ? atoi(d) : 0;
	t->next = lk->tails;
	if (lk->tails)
		lk->tails->pprev = &t->next;
	t->pprev = &lk->tails;
	lk->tails = t;
	t->cursor = l->next_seq;
	t->tenant = srv_request_header(req, "x-scope-orgid");
	if (!t->tenant)
		t->tenant = xstrdup("fake");
	int same = 0;
	for (tail_t *o = lk->tails; o; o = o->next)
		same += !strcmp(o->tenant, t->tenant);
	if (same > MAX_TAILS) {
		char *msg = xasprintf("max concurrent tail requests limit exceeded, count > limit (%d > %d)", same,
				      MAX_TAILS);
		tail_close(t, 1011, msg);
		free(msg);
		return t;
	}
	/* check() has vetted the query; a failure here still closes cleanly. */
	t->q = logql_parse(srv_request_arg(req, "query") ? srv_request_arg(req, "query") : "", &err);
	if (!t->q) {
		tail_close(t, 1011, err ? err : "bad query");
		free(err);
		return t;
	}
	if (srv_request_arg(req, "limit"))
		limit = strtol(srv_request_arg(req, "limit"), NULL, 10);
	if (limit <= 0 || limit > MAX_ENTRIES)
		limit = 100;
	if (parse_time(srv_request_arg(req, "start"), now_ns() - 3600LL * 1000000000, &start) < 0)
		start = now_ns() - 3600LL * 1000000000;
	/* Backfill: the last `limit` matching entries since start, oldest first. */
	t->backfill = xcalloc((size_t)limit, sizeof *t->backfill);
	uint64_t lo = logs_seek(l, start);
	for (uint64_t s = l->next_seq; s > lo && t->nbackfill < (size_t)limit; s--)
		if (tail_wants(t, logs_get(l, s - 1)))
			t->backfill[t->nbackfill++] = s - 1;
	for (size_t i = 0; i < t->nbackfill / 2; i++) {
		uint64_t x = t->backfill[i];
		t->backfill[i] = t->backfill[t->nbackfill - 1 - i];
		t->backfill[t->nbackfill - 1 - i] = x;
	}
	srv_ws_want_write(ws);
	return t;
}

static int tail_send(tail_t *t, const uint64_t *seqs, size_t n)
{
	logs_t *l = t->lk->logs;
	json_t *streams = json_array(), *doc;
	char ns[24];
	char *s;
	int rc;

	for (size_t i = 0; i < n; i++) {
		const logs_entry_t *e = logs_get(l, seqs[i]);
		if (e)
			json_array_append_new(streams, json_pack("{s:o, s:[o]}", "stream", labels_json(l, e->stream),
								  "values", value_json(e, t->categorize)));
	}
	doc = json_pack("{s:o}", "streams", streams);
	if (t->ndropped) {
		json_t *d = json_array();
		for (size_t i = 0; i < t->ndropped; i++) {
			snprintf(ns, sizeof ns, "%" PRId64, t->dropped[i].ns);
			json_array_append_new(d, json_pack("{s:s, s:o}", "timestamp", ns, "labels",
							    labels_json(l, t->dropped[i].stream)));
		}
		json_object_set_new(doc, "dropped_entries", d);
		t->ndropped = 0;
	}
	if (t->categorize)
		json_object_set_new(doc, "encodingFlags", json_pack("[s]", "categorize-labels"));
	s = dump_loki(doc);
	rc = srv_ws_send_text(t->ws, s, strlen(s));
	free(s);
	return rc;
}

static int tail_writable(srv_ws_t *ws, void *session, void *user)
{
	tail_t *t = session;
	logs_t *l = t->lk->logs;
	uint64_t frame[TAIL_PER_FRAME];
	size_t n = 0;

	if (t->dropping)
		return -1;
	if (t->close_sent)
		return -1;
	if (t->close_code) {
		t->close_sent = true;
		if (srv_ws_send_close(ws, t->close_code, t->close_reason) < 0)
			return -1;
		srv_ws_want_write(ws);
		return 0;
	}
	if (t->ping_due) {
		t->ping_due = false;
		if (srv_ws_ping(ws) < 0)
			return -1;
		srv_ws_want_write(ws);
		return 0;
	}
	if (t->bpos < t->nbackfill) {
		while (t->bpos < t->nbackfill && n < TAIL_PER_FRAME)
			frame[n++] = t->backfill[t->bpos++];
	} else {
		int64_t ripe = now_ns() - (int64_t)t->delay_for * 1000000000;
		if (t->cursor < l->first_seq)
			t->cursor = l->first_seq;
		while (t->cursor < l->next_seq && n < TAIL_PER_FRAME) {
			const logs_entry_t *e = logs_get(l, t->cursor);
			if (e->ns > ripe)
				break;
			t->cursor++;
			if (!tail_wants(t, e))
				continue;
			if (t->drop_left) {
				t->drop_left--;
				if (t->ndropped < TAIL_MAX_DROPPED) {
					t->dropped = xrealloc(t->dropped, (t->ndropped + 1) * sizeof *t->dropped);
					t->dropped[t->ndropped++] = (dropped_t){ e->ns, e->stream };
				}
				continue;
			}
			frame[n++] = t->cursor - 1;
		}
	}
	if (!n)
		return 0;
	if (tail_send(t, frame, n) < 0)
		return -1;
	srv_ws_want_write(ws); /* more may be waiting */
	return 0;
}

static void tail_closed(void *session, void *user)
{
	tail_t *t = session;

	if (!t)
		return;
	*t->pprev = t->next;
	if (t->next)
		t->next->pprev = t->pprev;
	logql_free(t->q);
	free(t->backfill);
	free(t->dropped);
	free(t->close_reason);
	free(t->tenant);
	free(t);
}

/* A plain GET of the tail's path: gorilla/websocket's answer in Loki. */
static void tail_http_get(const srv_request_t *req, srv_response_t *resp, void *user)
{
	text_error(resp, 400, "websocket: the client is not using the websocket protocol: 'upgrade' token not "
			      "found in 'Connection' header");
}

static const srv_ws_handler_t tail_handler = { tail_check, tail_open, tail_writable, tail_closed };

static void on_logs(void *user)
{
	loki_t *lk = user;
	for (tail_t *t = lk->tails; t; t = t->next)
		srv_ws_want_write(t->ws);
}

static void on_second(uv_timer_t *timer)
{
	loki_t *lk = timer->data;
	double now = wall_now();

	for (tail_t *t = lk->tails; t; t = t->next) {
		if (now - t->opened >= lk->max_duration)
			tail_close(t, 1011, "reached tail max duration limit");
		t->ping_due = true;
		srv_ws_want_write(t->ws);
	}
}

loki_t *loki_new(logs_t *logs, sim_t *sim, uv_loop_t *loop, double tail_max_duration)
{
	loki_t *lk = xcalloc(1, sizeof *lk);

	lk->logs = logs;
	lk->sim = sim;
	lk->max_duration = tail_max_duration;
	logs->notify = on_logs;
	logs->notify_user = lk;
	uv_timer_init(loop, &lk->timer);
	lk->timer.data = lk;
	uv_timer_start(&lk->timer, on_second, 1000, 1000);
	return lk;
}

void loki_register(loki_t *lk, srv_t *srv)
{
	srv_route(srv, SRV_GET, "/loki/api/v1/query_range", query_range_get, lk);
	srv_route(srv, SRV_GET, "/loki/api/v1/labels", labels_get, lk);
	srv_route(srv, SRV_GET, "/loki/api/v1/label/", label_values_get, lk);
	srv_route(srv, SRV_POST, "/control/logs/rate", rate_post, lk);
	srv_route(srv, SRV_POST, "/control/logs/burst", burst_post, lk);
	srv_route(srv, SRV_POST, "/control/logs/line", line_post, lk);
	srv_route(srv, SRV_POST, "/control/loki/tail/close", tail_close_post, lk);
	srv_route(srv, SRV_POST, "/control/loki/tail/drop", tail_drop_post, lk);
	srv_route(srv, SRV_POST, "/control/loki/tail/slow", tail_slow_post, lk);
	srv_ws_route(srv, "/loki/api/v1/tail", &tail_handler, lk);
	srv_route(srv, SRV_GET, "/loki/api/v1/tail", tail_http_get, lk);
}

void loki_close(loki_t *lk)
{
	if (!uv_is_closing((uv_handle_t *)&lk->timer))
		uv_close((uv_handle_t *)&lk->timer, NULL);
}

void loki_free(loki_t *lk)
{
	free(lk);
}
