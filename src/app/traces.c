/* Jaeger from the console: the API detection, services and operations (cached), searches and
 * traces on the loop; answers over 64 KB parsed on libuv's work queue. */
#include "config.h"
#include "app/traces.h"
#include "app/backends.h"
#include "core/log.h"
#include "core/xalloc.h"
#include <jansson.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>

/* Answers up to this are parsed on the loop: a few ms at most. */
#define TRACES_PARSE_INLINE_BYTES ((size_t)64 << 10)
/* The services whose operations are kept; past it the oldest are dropped. */
#define TRACES_OPS_CACHE 64

/* The kinds of request; one of each at a time. K_DETECT is the API
 * detection, which the others wait on. */
typedef enum { K_SERVICES, K_OPERATIONS, K_SEARCH, K_GET, K_N, K_DETECT = K_N } kind_t;

typedef struct job job_t;

/* An answer as the callbacks take it: an error, or names, rows or a trace. */
typedef struct {
	char *err;
	char **names;
	size_t n_names;
	trace_summary_t *rows;
	size_t n_rows;
	trace_t *trace;
} answer_t;

static void answer_free(answer_t *a)
{
	free(a->err);
	jaeger_names_free(a->names, a->n_names);
	for (size_t i = 0; i < a->n_rows; i++)
		trace_summary_free(&a->rows[i]);
	free(a->rows);
	trace_free(a->trace);
	memset(a, 0, sizeof *a);
}

/* One call of traces_services, _operations, _search or _get. */
typedef struct op {
	traces_t *t;
	kind_t kind;
	traces_names_cb names_cb;
	traces_search_cb search_cb;
	traces_trace_cb trace_cb;
	void *ud;
	char *service;          /* operations */
	jaeger_query_t q;       /* search: its strings are the op's */
	jaeger_tag_t *tags;
	char trace_id[33];      /* get, normalised */
	int waiting;            /* for the API detection */
	http_req_t *req;
	job_t *job;
	/* the answer, once known: handed over by on_kick */
	int ready;
	answer_t a;
} op_t;

/* One answer parsed, on the work queue when big. Everything the worker reads
 * is the job's own: the op and the traces_t may be gone when it ends. */
struct job {
	uv_work_t work;
	kind_t kind;
	op_t *op;               /* NULL once nobody waits (also for K_DETECT) */
	traces_t *t;            /* K_DETECT: NULL once nobody waits */
	char *body;
	size_t len;
	long status;
	char trace_id[33];
	/* out */
	int rc;
	answer_t a;
	double parse_ms;
};

typedef struct {
	char *service;
	char **names;
	size_t n;
} ops_entry_t;

struct traces {
	uv_loop_t *loop;
	http_client_t *http;
	char *base;
	long timeout_ms;
	size_t max_body;
	jaeger_api_t api;
	op_t *cur[K_N];
	/* the detection: /api/services, then /api/v3/services */
	http_req_t *detect;
	job_t *detect_job;
	int detect_v3;
	int detect_v1_empty;    /* /api/services said v1, with no services: v1 unless v3 answers */
	char *detect_v1_why;    /* what /api/services said, for the message */
	/* caches */
	char **services;
	size_t n_services;
	int have_services;
	ops_entry_t ops[TRACES_OPS_CACHE];
	size_t n_ops;
	/* hands over answers (on the loop, never inside the call that asked) */
	uv_timer_t kick;
	int dying;
};

static const char *const kind_what[] = { "the services list", "the operations list", "the search",
					 "the trace", "the services list" };

/* ---- names ---- */

static char **names_copy(char *const *names, size_t n)
{
	char **c = xcalloc(n ? n : 1, sizeof *c);
	for (size_t i = 0; i < n; i++)
		c[i] = xstrdup(names[i]);
	return c;
}

static const ops_entry_t *ops_cached(const traces_t *t, const char *service)
{
	for (size_t i = 0; i < t->n_ops; i++)
		if (strcmp(t->ops[i].service, service) == 0)
			return &t->ops[i];
	return NULL;
}

static void ops_entry_free(ops_entry_t *e)
{
	free(e->service);
	jaeger_names_free(e->names, e->n);
	memset(e, 0, sizeof *e);
}

static void ops_cache(traces_t *t, const char *service, char *const *names, size_t n)
{
	if (ops_cached(t, service))
		return;
	if (t->n_ops == TRACES_OPS_CACHE) {
		ops_entry_free(&t->ops[0]);
		memmove(&t->ops[0], &t->ops[1], (TRACES_OPS_CACHE - 1) * sizeof t->ops[0]);
		t->n_ops--;
	}
	ops_entry_t *e = &t->ops[t->n_ops++];
	e->service = xstrdup(service);
	e->names = names_copy(names, n);
	e->n = n;
}

static void services_cache(traces_t *t, char **names, size_t n)
{
	jaeger_names_free(t->services, t->n_services);
	t->services = names;
	t->n_services = n;
	t->have_services = 1;
}

/* ---- ops ---- */

static void job_detach(job_t *j)
{
	if (j) {
		j->op = NULL;
		j->t = NULL; /* it frees itself when the worker is done */
	}
}

static void op_free(op_t *op)
{
	if (!op)
		return;
	if (op->req)
		http_cancel(op->req);
	job_detach(op->job);
	free(op->service);
	free((char *)op->q.service);
	free((char *)op->q.operation);
	for (size_t i = 0; i < op->q.n_tags; i++) {
		free((char *)op->tags[i].key);
		free((char *)op->tags[i].value);
	}
	free(op->tags);
	answer_free(&op->a);
	free(op);
}

static void on_kick(uv_timer_t *h);

/* The answer is known: handed over on the loop's next turn. */
static void op_ready(op_t *op)
{
	op->ready = 1;
	uv_timer_start(&op->t->kick, on_kick, 0, 0);
}

static void op_fail(op_t *op, char *err)
{
	free(op->a.err);
	op->a.err = err;
	op_ready(op);
}

/* Call the op's callback, then free it. The callback may free the traces_t,
 * or start another request of the same kind. */
static void deliver(op_t *op)
{
	traces_t *t = op->t;
	t->cur[op->kind] = NULL;
	answer_t *a = &op->a;
	const char *err = a->err;
	switch (op->kind) {
	case K_SERVICES:
	case K_OPERATIONS:
		op->names_cb(t, err ? NULL : a->names, err ? 0 : a->n_names, err, op->ud);
		break;
	case K_SEARCH:
		op->search_cb(t, err ? NULL : a->rows, err ? 0 : a->n_rows, err, op->ud);
		break;
	default: {
		trace_t *tr = err ? NULL : a->trace;
		if (tr)
			a->trace = NULL; /* the callback's now */
		op->trace_cb(t, tr, err, op->ud);
		break;
	}
	}
	op_free(op);
}

static void on_kick(uv_timer_t *h)
{
	traces_t *t = h->data;
	for (int k = 0; k < K_N && !t->dying; k++)
		if (t->cur[k] && t->cur[k]->ready)
			deliver(t->cur[k]);
}

/* ---- answers ---- */

/* The transport part of an answer; NULL when there is a body to read. */
static char *transport_failure(const http_response_t *r, kind_t kind, const op_t *op)
{
	if (r->ok)
		return NULL;
	if (!r->too_large)
		return xasprintf("jaeger: %s", r->error ? r->error : "no answer");
	double cap = (double)r->max_body / 1048576.0;
	if (r->status >= 400) /* a huge error page: the server failing */
		return xasprintf("jaeger: HTTP %ld (an answer over the %.0f MB cap)", r->status, cap);
	char size[64];
	if (r->declared_len > 0)
		snprintf(size, sizeof size, "%.0f MB > %.0f MB cap", (double)r->declared_len / 1048576.0, cap);
	else
		snprintf(size, sizeof size, "over the %.0f MB cap", cap);
	if (kind == K_SEARCH)
		return xasprintf("jaeger: answer too large (%s) for the search: narrow it (a shorter "
				 "lookback, an operation or tags, a lower limit)", size);
	if (kind == K_GET && op)
		return xasprintf("jaeger: answer too large (%s) for trace %s", size, op->trace_id);
	return xasprintf("jaeger: answer too large (%s) for %s", size, kind_what[kind]);
}

/* "jaeger: HTTP 401: ... (the credentials ...)" from a parser's message */
static char *answer_error(const char *err, long status)
{
	return xasprintf("jaeger: %s%s", err ? err : "invalid answer", http_status_hint(status));
}

/* Leading zeros aside, the same id: Jaeger pads a 64-bit id to 16 or 32 digits. */
static int same_trace_id(const char *a, const char *b)
{
	while (*a == '0')
		a++;
	while (*b == '0')
		b++;
	return strcmp(a, b) == 0;
}

static void job_work(uv_work_t *w)
{
	job_t *j = w->data;
	uint64_t t0 = uv_hrtime();
	if (j->kind == K_SEARCH || j->kind == K_GET) {
		trace_t **tr = NULL;
		size_t n = 0;
		j->rc = jaeger_parse_traces(j->body, j->len, j->status, &tr, &n, &j->a.err);
		if (j->rc == 0 && j->kind == K_SEARCH) {
			j->a.rows = xcalloc(n ? n : 1, sizeof *j->a.rows);
			for (size_t i = 0; i < n; i++)
				trace_summarize(tr[i], &j->a.rows[i]);
			j->a.n_rows = n;
		} else if (j->rc == 0 && n) {
			size_t pick = 0;
			for (size_t i = 0; i < n; i++)
				if (same_trace_id(tr[i]->trace_id, j->trace_id)) {
					pick = i;
					break;
				}
			j->a.trace = tr[pick];
			tr[pick] = NULL;
		}
		if (j->rc == 0)
			jaeger_traces_free(tr, n);
	} else {
		j->rc = jaeger_parse_names(j->body, j->len, j->status, &j->a.names, &j->a.n_names, &j->a.err);
	}
	free(j->body);
	j->body = NULL;
	j->parse_ms = (double)(uv_hrtime() - t0) / 1e6;
	/* a big body and its pieces are freed: give the pages back */
	if (j->len >= TRACES_PARSE_INLINE_BYTES)
		malloc_trim(0);
}

/* On the work queue: a parse never takes the core keys and paint need. */
static void job_work_queued(uv_work_t *w)
{
	worker_yield_cpu();
	job_work(w);
}

static void job_free(job_t *j)
{
	free(j->body);
	answer_free(&j->a);
	free(j);
}

static void detect_answer(traces_t *t, job_t *j);

/* The parsed answer goes to its op (or the detection), on the loop. */
static void job_done(uv_work_t *w, int status)
{
	job_t *j = w->data;
	/* every big answer: the benchmark reads these (tests/bench/trace_keys.sh) */
	log_msg("jaeger: %zu bytes parsed in %.1f ms (%s)", j->len, j->parse_ms, kind_what[j->kind]);
	if (status == UV_ECANCELED && !j->a.err) {
		j->rc = -1;
		j->a.err = xstrdup("the parse was cancelled");
	}
	if (j->kind == K_DETECT) {
		traces_t *t = j->t;
		if (t) {
			t->detect_job = NULL;
			detect_answer(t, j);
		}
		job_free(j);
		return;
	}
	op_t *op = j->op;
	if (!op) {
		job_free(j);
		return;
	}
	op->job = NULL;
	if (j->rc != 0) {
		op_fail(op, answer_error(j->a.err, j->status));
	} else if (j->kind == K_GET && !j->a.trace) {
		op_fail(op, xasprintf("jaeger: trace %s not found", op->trace_id));
	} else {
		if (j->kind == K_SERVICES)
			services_cache(op->t, names_copy(j->a.names, j->a.n_names), j->a.n_names);
		else if (j->kind == K_OPERATIONS)
			ops_cache(op->t, op->service, j->a.names, j->a.n_names);
		answer_free(&op->a);
		op->a = j->a; /* the answer moves to the op */
		memset(&j->a, 0, sizeof j->a);
		op_ready(op);
	}
	job_free(j);
}

/* Parse an answer: here when small, else on the work queue. Returns the job
 * when it was queued (the caller keeps it to cancel), else NULL. */
static job_t *parse_answer(traces_t *t, kind_t kind, op_t *op, const http_response_t *r)
{
	job_t *j = xcalloc(1, sizeof *j);
	j->kind = kind;
	j->op = op;
	j->t = kind == K_DETECT ? t : NULL;
	j->len = r->len;
	j->status = r->status;
	if (op)
		memcpy(j->trace_id, op->trace_id, sizeof j->trace_id);
	j->work.data = j;
	if (r->len < TRACES_PARSE_INLINE_BYTES) {
		j->body = xmalloc(r->len + 1);
		memcpy(j->body, r->body, r->len + 1);
	} else {
		j->body = http_take_body(r);
		if (uv_queue_work(t->loop, &j->work, job_work_queued, job_done) == 0)
			return j;
	}
	job_work(&j->work);
	job_done(&j->work, 0);
	return NULL;
}

static void on_answer(const http_response_t *r, void *ud)
{
	op_t *op = ud;
	op->req = NULL; /* the handle dies when this callback returns */
	char *fail = transport_failure(r, op->kind, op);
	if (fail) {
		log_msg("%s: %s", r->url ? r->url : "jaeger", fail);
		op_fail(op, fail);
		return;
	}
	op->job = parse_answer(op->t, op->kind, op, r);
}

static void request(traces_t *t, op_t *op, char *url)
{
	if (!url) {
		op_fail(op, xstrdup(op->kind == K_SEARCH ? "jaeger: a search needs a service"
							 : "jaeger: no URL to ask"));
		return;
	}
	http_opts_t o = { 0 };
	o.timeout_ms = t->timeout_ms;
	o.max_body = t->max_body;
	op->req = http_request(t->http, url, &o, on_answer, op);
	if (!op->req)
		op_fail(op, xasprintf("jaeger: could not start the request to %s", url));
	free(url);
}

/* The API is known: ask, or answer from the cache. */
static void start(traces_t *t, op_t *op)
{
	switch (op->kind) {
	case K_SERVICES:
		if (t->have_services) {
			op->a.names = names_copy(t->services, t->n_services);
			op->a.n_names = t->n_services;
			op_ready(op);
			return;
		}
		request(t, op, jaeger_url_services(t->base, t->api));
		return;
	case K_OPERATIONS: {
		const ops_entry_t *e = ops_cached(t, op->service);
		if (e) {
			op->a.names = names_copy(e->names, e->n);
			op->a.n_names = e->n;
			op_ready(op);
			return;
		}
		request(t, op, jaeger_url_operations(t->base, t->api, op->service));
		return;
	}
	case K_SEARCH:
		request(t, op, op->q.service && *op->q.service ? jaeger_url_search(t->base, t->api, &op->q) : NULL);
		return;
	default:
		request(t, op, jaeger_url_trace(t->base, t->api, op->trace_id));
		return;
	}
}

/* ---- the API detection ---- */

static void detect_ask(traces_t *t);

/* The detection ended: the waiting ops go on, or fail with `err`. */
static void detect_end(traces_t *t, const char *err)
{
	free(t->detect_v1_why);
	t->detect_v1_why = NULL;
	for (int k = 0; k < K_N; k++) {
		op_t *op = t->cur[k];
		if (!op || !op->waiting)
			continue;
		op->waiting = 0;
		if (err)
			op_fail(op, xstrdup(err));
		else
			start(t, op);
	}
}

/* "HTTP 404: 404 page not found", or for a 200 that is not the list, the parser's words */
static char *detect_why(const job_t *j)
{
	if (j->status >= 200 && j->status < 300)
		return xasprintf("HTTP %ld, %s", j->status, j->a.err ? j->a.err : "not a services list");
	return xstrdup(j->a.err ? j->a.err : "no answer");
}

/* The API is found: its services are the first answer cached. */
static void detect_found(traces_t *t, jaeger_api_t api, char **names, size_t n)
{
	t->api = api;
	log_msg("jaeger at %s: the %s API", t->base, traces_api_name(api));
	services_cache(t, names, n);
	detect_end(t, NULL);
}

static void detect_answer(traces_t *t, job_t *j)
{
	if (j->rc == 0 && !t->detect_v3 && j->a.n_names == 0) {
		/* a v1 answer without services: an empty Jaeger, or one whose v1
		 * is gone (after v2.20); /api/v3 tells which */
		t->detect_v1_empty = 1;
		t->detect_v3 = 1;
		detect_ask(t);
		return;
	}
	if (j->rc != 0 && t->detect_v3 && t->detect_v1_empty) {
		detect_found(t, JAEGER_API_V1, xcalloc(1, sizeof(char *)), 0);
		return;
	}
	if (j->rc == 0) {
		detect_found(t, t->detect_v3 ? JAEGER_API_V3 : JAEGER_API_V1, j->a.names, j->a.n_names);
		j->a.names = NULL;
		j->a.n_names = 0;
		return;
	}
	long st = j->status;
	if (!t->detect_v3 && (st == 404 || st == 405 || (st >= 200 && st < 300))) {
		/* no v1 (Jaeger after v2.20, or a v3-only gateway): try /api/v3 */
		free(t->detect_v1_why);
		t->detect_v1_why = detect_why(j);
		t->detect_v3 = 1;
		detect_ask(t);
		return;
	}
	char *err;
	if (t->detect_v3) {
		char *why3 = detect_why(j);
		err = xasprintf("jaeger at %s answers neither the v1 API (/api/services: %s) nor /api/v3 "
				"(/api/v3/services: %s)%s", t->base, t->detect_v1_why ? t->detect_v1_why : "?",
				why3, http_status_hint(st));
		free(why3);
	} else {
		err = answer_error(j->a.err, st);
	}
	log_msg("%s", err);
	detect_end(t, err);
	free(err);
}

static void on_detect(const http_response_t *r, void *ud)
{
	traces_t *t = ud;
	t->detect = NULL;
	char *fail = transport_failure(r, K_DETECT, NULL);
	if (fail && t->detect_v1_empty) { /* v1 answered, empty: it is v1 */
		free(fail);
		detect_found(t, JAEGER_API_V1, xcalloc(1, sizeof(char *)), 0);
		return;
	}
	if (fail) {
		log_msg("%s: %s", r->url ? r->url : "jaeger", fail);
		detect_end(t, fail);
		free(fail);
		return;
	}
	t->detect_job = parse_answer(t, K_DETECT, NULL, r);
}

static void detect_ask(traces_t *t)
{
	char *url = jaeger_url_services(t->base, t->detect_v3 ? JAEGER_API_V3 : JAEGER_API_V1);
	http_opts_t o = { 0 };
	o.timeout_ms = t->timeout_ms;
	o.max_body = t->max_body;
	t->detect = url ? http_request(t->http, url, &o, on_detect, t) : NULL;
	if (!t->detect) {
		char *err = xasprintf("jaeger: could not start the request to %s", url ? url : t->base);
		detect_end(t, err);
		free(err);
	}
	free(url);
}

/* ---- the calls ---- */

static op_t *op_new(traces_t *t, kind_t kind, void *ud)
{
	op_free(t->cur[kind]); /* a new one replaces the last */
	op_t *op = xcalloc(1, sizeof *op);
	op->t = t;
	op->kind = kind;
	op->ud = ud;
	t->cur[kind] = op;
	return op;
}

static void go(traces_t *t, op_t *op)
{
	if (t->api != JAEGER_API_UNKNOWN) {
		start(t, op);
		return;
	}
	op->waiting = 1;
	if (!t->detect && !t->detect_job) {
		t->detect_v3 = 0;
		t->detect_v1_empty = 0;
		detect_ask(t);
	}
}

traces_t *traces_new(const traces_opts_t *o)
{
	traces_t *t = xcalloc(1, sizeof *t);
	t->loop = o->loop;
	t->http = o->http;
	t->base = xstrdup(o->base ? o->base : "");
	t->timeout_ms = o->timeout_ms;
	t->max_body = o->max_body ? o->max_body : TRACES_MAX_BODY;
	t->api = o->api;
	uv_timer_init(t->loop, &t->kick);
	t->kick.data = t;
	/* jansson's hash seed, set on the loop's thread before a parse runs on
	 * the work queue (jansson would set it lazily, racily) */
	json_object_seed(0);
	return t;
}

void traces_cancel(traces_t *t)
{
	for (int k = 0; k < K_N; k++) {
		op_free(t->cur[k]);
		t->cur[k] = NULL;
	}
	if (t->detect)
		http_cancel(t->detect);
	t->detect = NULL;
	job_detach(t->detect_job);
	t->detect_job = NULL;
	free(t->detect_v1_why);
	t->detect_v1_why = NULL;
	uv_timer_stop(&t->kick);
}

static void on_closed(uv_handle_t *h)
{
	free(h->data);
}

void traces_free(traces_t *t)
{
	if (!t || t->dying)
		return;
	traces_cancel(t);
	t->dying = 1;
	jaeger_names_free(t->services, t->n_services);
	t->services = NULL;
	for (size_t i = 0; i < t->n_ops; i++)
		ops_entry_free(&t->ops[i]);
	t->n_ops = 0;
	free(t->base);
	t->base = NULL;
	/* the memory goes once the timer is closed: after any callback running now */
	uv_close((uv_handle_t *)&t->kick, on_closed);
}

jaeger_api_t traces_api(const traces_t *t)
{
	return t->api;
}

const char *traces_api_name(jaeger_api_t api)
{
	return api == JAEGER_API_V1 ? "v1" : api == JAEGER_API_V3 ? "v3" : "unknown";
}

void traces_services(traces_t *t, traces_names_cb cb, void *ud)
{
	op_t *op = op_new(t, K_SERVICES, ud);
	op->names_cb = cb;
	go(t, op);
}

void traces_operations(traces_t *t, const char *service, traces_names_cb cb, void *ud)
{
	op_t *op = op_new(t, K_OPERATIONS, ud);
	op->names_cb = cb;
	op->service = xstrdup(service ? service : "");
	if (!*op->service) {
		op_fail(op, xstrdup("jaeger: the operations of which service? (none given)"));
		return;
	}
	go(t, op);
}

void traces_search(traces_t *t, const jaeger_query_t *q, traces_search_cb cb, void *ud)
{
	op_t *op = op_new(t, K_SEARCH, ud);
	op->search_cb = cb;
	op->q = *q;
	op->q.service = q->service ? xstrdup(q->service) : NULL;
	op->q.operation = q->operation ? xstrdup(q->operation) : NULL;
	op->tags = xcalloc(q->n_tags ? q->n_tags : 1, sizeof *op->tags);
	for (size_t i = 0; i < q->n_tags; i++) {
		op->tags[i].key = xstrdup(q->tags[i].key ? q->tags[i].key : "");
		op->tags[i].value = xstrdup(q->tags[i].value ? q->tags[i].value : "");
	}
	op->q.tags = op->tags;
	go(t, op);
}

void traces_get(traces_t *t, const char *trace_id, traces_trace_cb cb, void *ud)
{
	op_t *op = op_new(t, K_GET, ud);
	op->trace_cb = cb;
	if (!trace_id || jaeger_trace_id_norm(trace_id, op->trace_id) != 0) {
		op_fail(op, xstrdup("jaeger: not a trace id (1 to 32 hex digits)"));
		return;
	}
	go(t, op);
}
