/* A LogQL query from its history to live.
 *
 * The history is the newest `limit` lines of [start, end]: query_range
 * direction=backward, in pages of at most LOGFOLLOW_PAGE (Loki refuses a
 * bigger limit by default), each next page ending where the last one's
 * oldest line was (end = that + 1 ns, exclusive), as logcli pages. The pages
 * are held until the last, then told oldest first; the lines at a page
 * boundary come twice and logdedup drops the second. Then, when asked, the
 * tail starts from the newest line told (logtail_seen), so the join neither
 * loses nor repeats a line; logtail reads any outage back with query_range. */
#include "config.h"
#include "app/backends.h"
#include "app/logfollow.h"
#include "backend/loki.h"
#include "core/log.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "model/logdedup.h"
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* every line of a page at one nanosecond is remembered across its boundary */
_Static_assert(LOGDEDUP_MAX > LOGFOLLOW_PAGE, "the dedupe holds a whole history page");

struct logfollow {
	uv_loop_t *loop;
	char *base, *query;
	char **headers;
	size_t limit, max_bytes;
	http_client_t *http;
	long timeout_ms;
	ws_client_t *ws;
	long bo_min, bo_max;
	logfollow_cbs_t cbs;
	void *ud;
	int64_t start_ns, end_ns;     /* the window */
	int64_t page_start, page_end; /* the page asked for now */
	http_req_t *req;
	loki_result_t *pages;         /* newest page first */
	size_t n_pages, cap_pages;
	size_t got, bytes;            /* distinct lines and their bytes so far */
	logdedup_t bdd;               /* the repeats at page boundaries, as pages come */
	size_t boundary;              /* lines of the last page at its oldest instant */
	int loading;
	logtail_t *tail;
	char **warn;                  /* the first page's warnings, sanitised */
	uv_timer_t start;             /* the first request goes out from the loop */
	int busy, dead;
};

static void free_warn(logfollow_t *f)
{
	for (size_t i = 0; f->warn && f->warn[i]; i++)
		free(f->warn[i]);
	free(f->warn);
	f->warn = NULL;
}

static void on_closed(uv_handle_t *h)
{
	free(h->data);
}

static void destroy(logfollow_t *f)
{
	free_warn(f);
	logdedup_free(&f->bdd);
	for (size_t i = 0; i < f->n_pages; i++)
		loki_result_free(&f->pages[i]);
	free(f->pages);
	for (size_t i = 0; f->headers && f->headers[i]; i++) {
		memset(f->headers[i], 0, strlen(f->headers[i]));
		free(f->headers[i]);
	}
	free(f->headers);
	free(f->base);
	free(f->query);
	uv_close((uv_handle_t *)&f->start, on_closed);
}

/* callbacks of logtail, passed on */
static void t_entry(logtail_t *t, const labels_t *st, int64_t ts, const char *line, size_t len, void *ud)
{
	(void)t;
	logfollow_t *f = ud;
	if (!f->dead && f->cbs.on_entry)
		f->cbs.on_entry(f, st, ts, line, len, f->ud);
}

static void t_dropped(logtail_t *t, size_t n, int64_t ts, void *ud)
{
	(void)t;
	logfollow_t *f = ud;
	if (!f->dead && f->cbs.on_dropped)
		f->cbs.on_dropped(f, n, ts, f->ud);
}

static void t_recovered(logtail_t *t, size_t n, int64_t ts, void *ud)
{
	(void)t;
	logfollow_t *f = ud;
	if (!f->dead && f->cbs.on_recovered)
		f->cbs.on_recovered(f, n, ts, f->ud);
}

static void t_state(logtail_t *t, logtail_state_t st, const char *msg, void *ud)
{
	(void)t;
	logfollow_t *f = ud;
	if (!f->dead && f->cbs.on_state)
		f->cbs.on_state(f, st, msg, f->ud);
}

/* The history is in: tell it oldest first, then follow. */
static void finish(logfollow_t *f, int cut, const char *error)
{
	f->loading = 0;
	logfollow_history_t h = { 0 };
	h.cut = cut;
	h.error = error;
	h.warnings = (const char *const *)f->warn;
	logdedup_t dd;
	logdedup_init(&dd);
	int64_t newest = INT64_MIN;
	size_t skip = f->got > f->limit ? f->got - f->limit : 0; /* the oldest past the limit */
	f->busy++;
	/* what was read is told even when a later page failed: never hidden */
	for (size_t p = f->n_pages; p-- > 0 && !f->dead;) {
		loki_result_t *r = &f->pages[p];
		for (size_t i = 0; i < r->n_entries && !f->dead; i++) {
			const loki_entry_t *e = &r->entries[i];
			const labels_t *st = &r->streams[e->stream];
			if (logdedup_check(&dd, st, e->ts_ns, e->line, e->len))
				continue;
			if (skip) {
				skip--;
				continue;
			}
			if (!h.lines)
				h.oldest_ns = e->ts_ns;
			h.lines++;
			newest = e->ts_ns > newest ? e->ts_ns : newest;
			if (f->cbs.on_entry)
				f->cbs.on_entry(f, st, e->ts_ns, e->line, e->len, f->ud);
		}
	}
	logdedup_free(&dd);
	if (!f->dead && f->cbs.on_history)
		f->cbs.on_history(f, &h, f->ud);
	if (!f->dead && !error && f->ws) {
		logtail_opts_t to = { 0 };
		to.base = f->base;
		to.query = f->query;
		to.start_ns = f->end_ns;
		to.headers = (const char *const *)f->headers;
		to.http = f->http;
		to.timeout_ms = f->timeout_ms;
		to.backoff_min_ms = f->bo_min;
		to.backoff_max_ms = f->bo_max;
		static const logtail_cbs_t tcbs = { t_entry, t_dropped, t_state, t_recovered };
		f->tail = logtail_new(f->loop, f->ws, &to, &tcbs, f);
		/* the lines at the newest instant of the history: the tail starts
		 * there (inclusive) and sends them again */
		for (size_t p = 0; p < f->n_pages && newest != INT64_MIN; p++) {
			loki_result_t *r = &f->pages[p];
			for (size_t i = 0; i < r->n_entries; i++)
				if (r->entries[i].ts_ns == newest)
					logtail_seen(f->tail, &r->streams[r->entries[i].stream], newest,
						     r->entries[i].line, r->entries[i].len);
		}
	}
	for (size_t i = 0; i < f->n_pages; i++)
		loki_result_free(&f->pages[i]);
	f->n_pages = 0;
	if (f->tail && !f->dead)
		logtail_start(f->tail);
	f->busy--;
	if (f->dead && !f->busy)
		destroy(f);
}

static void ask_page(logfollow_t *f);

/* The lines to ask for: what the limit leaves, and the last page's lines at
 * the boundary again (they come back: end is exclusive of the next instant). */
static size_t page_size(const logfollow_t *f)
{
	size_t n = f->limit - f->got + f->boundary;
	return n < LOGFOLLOW_PAGE ? n : LOGFOLLOW_PAGE;
}

static void on_page(const http_response_t *resp, void *ud)
{
	logfollow_t *f = ud;
	f->req = NULL;
	loki_result_t r;
	char *err = NULL;
	if (!resp->ok || loki_parse_query(resp->body, resp->len, resp->status, NULL, &r, &err) != 0) {
		char *why = text_sanitize(resp->ok ? (err ? err : "invalid answer")
						   : (resp->error ? resp->error : "no answer"));
		free(err);
		finish(f, 0, why);
		free(why);
		return;
	}
	loki_result_sort(&r);
	size_t asked = page_size(f);
	size_t n = r.n_entries;
	int64_t oldest = n ? r.entries[0].ts_ns : 0;
	/* newest first, so the boundary's repeats are known as such */
	for (size_t i = n; i-- > 0;) {
		const loki_entry_t *e = &r.entries[i];
		if (logdedup_check(&f->bdd, &r.streams[e->stream], e->ts_ns, e->line, e->len))
			continue;
		f->got++;
		f->bytes += e->len;
	}
	f->boundary = 0;
	for (size_t i = 0; i < n && r.entries[i].ts_ns == oldest; i++)
		f->boundary++;
	if (!f->n_pages && r.n_warnings && !f->warn) {
		f->warn = xcalloc(r.n_warnings + 1, sizeof *f->warn);
		for (size_t i = 0; i < r.n_warnings; i++)
			f->warn[i] = text_sanitize(r.warnings[i]);
	}
	if (n) {
		f->pages = xgrow(f->pages, &f->cap_pages, f->n_pages + 1, sizeof *f->pages);
		f->pages[f->n_pages++] = r;
	} else {
		loki_result_free(&r);
	}
	/* a full page: there may be more, older */
	int more = n > 0 && n >= asked, cut = 0;
	if (more && (f->got >= f->limit || (f->max_bytes && f->bytes >= f->max_bytes))) {
		more = 0;
		cut = 1;
	}
	if (more && loki_page_next(LOKI_BACKWARD, oldest, &f->page_start, &f->page_end) != 0) {
		more = 0;
		cut = oldest > f->start_ns; /* a whole page at one instant: what is older not read */
	}
	if (more)
		ask_page(f);
	else
		finish(f, cut, NULL);
}

static void ask_page(logfollow_t *f)
{
	size_t n = page_size(f);
	char *url = loki_url_query_range(f->base, f->query, f->page_start, f->page_end, (int)n,
					 LOKI_BACKWARD);
	http_opts_t o = { 0 };
	o.timeout_ms = f->timeout_ms;
	o.headers = (const char *const *)f->headers;
	f->req = http_request(f->http, url, &o, on_page, f);
	free(url);
	if (!f->req)
		finish(f, 0, "could not start the request to Loki");
}

static void on_start(uv_timer_t *t)
{
	logfollow_t *f = t->data;
	if (!f->dead)
		ask_page(f);
}

logfollow_t *logfollow_new(uv_loop_t *loop, const logfollow_opts_t *o, const logfollow_cbs_t *cbs,
			   void *ud)
{
	logfollow_t *f = xcalloc(1, sizeof *f);
	f->loop = loop;
	f->base = xstrdup(o->base);
	f->query = xstrdup(o->query);
	size_t n = 0;
	while (o->headers && o->headers[n])
		n++;
	f->headers = xcalloc(n + 1, sizeof *f->headers);
	for (size_t i = 0; i < n; i++)
		f->headers[i] = xstrdup(o->headers[i]);
	f->limit = o->limit ? o->limit : LOGFOLLOW_PAGE;
	f->max_bytes = o->max_bytes;
	f->http = o->http;
	f->timeout_ms = o->timeout_ms;
	f->ws = o->ws;
	f->bo_min = o->backoff_min_ms;
	f->bo_max = o->backoff_max_ms;
	f->cbs = *cbs;
	f->ud = ud;
	f->end_ns = o->end_ns ? o->end_ns : now_unix_ns();
	f->start_ns = o->start_ns < f->end_ns ? o->start_ns : f->end_ns - 1;
	f->page_start = f->start_ns;
	f->page_end = f->end_ns;
	f->loading = 1;
	logdedup_init_backward(&f->bdd);
	uv_timer_init(loop, &f->start);
	f->start.data = f;
	uv_timer_start(&f->start, on_start, 0, 0);
	return f;
}

void logfollow_free(logfollow_t *f)
{
	if (!f || f->dead)
		return;
	f->dead = 1;
	uv_timer_stop(&f->start);
	if (f->req)
		http_cancel(f->req);
	f->req = NULL;
	if (f->tail)
		logtail_free(f->tail);
	f->tail = NULL;
	if (!f->busy)
		destroy(f);
}

logtail_t *logfollow_tail(const logfollow_t *f)
{
	return f->tail;
}

int logfollow_loading(const logfollow_t *f)
{
	return f->loading;
}
