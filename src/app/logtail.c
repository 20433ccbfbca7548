/* Following a LogQL query over Loki's websocket tail, and keeping every line exactly once.
 *
 * A cut tail (1006, a 1011 such as "reached tail max duration limit", any
 * network error, or nothing at all from Loki for 10 s though it is pinged
 * every 3 s) is asked again after a backoff (1 s doubling to 30 s, back to
 * 1 s once a connection lived 10 s). Loki's own backfill gives only the last
 * `limit` entries of [start, now], so a long outage would lose lines: with an
 * HTTP client, once the resumed tail is open, the outage [newest received,
 * that moment) is read back by query_range, paged and retried, the tail's
 * frames held meanwhile; the tail's backfill repeats the read-back's last
 * lines and those are dropped by their hashes. Loki's start is inclusive, so
 * the entries at the newest timestamp come again: logdedup drops exactly
 * those (same stream, timestamp and line) and keeps a different line at the
 * same nanosecond. Entries Loki drops for a slow reader are read back too and
 * told in their place. A refusal that no retry cures (HTTP 400 on the
 * upgrade: a bad query; the concurrent tail limit) ends it. The handshake
 * carries the backend's credentials: a bearer-token-file's token read again
 * at a 401, or a credential-command's, asked of the HTTP client before each
 * connection and asked anew (the command run again) at a 401. */
#include "config.h"
#include "app/backends.h"
#include "app/logtail.h"
#include "backend/loki.h"
#include "core/log.h"
#include "core/text.h"
#include "core/xalloc.h"
#include "model/logdedup.h"
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define RESUME_LIMIT 5000
#define FILL_PAGE 5000
#define HELD_MAX 100000 /* tail frames held while an outage is read back */
#define LIVED_MS 10000 /* a connection that lived this long resets the backoff */
#define LOGFILL_DROP_MAX 5000 /* dropped entries of one report read back at most (one page) */
#define FILL_TRIES 6   /* read-backs of an outage tried (1 s doubling) before saying lines are missing */
#define PING_MS 3000   /* a PING this often while live ... */
#define STALL_MS 10000 /* ... and nothing at all from Loki this long: the connection is dead */

struct logtail {
	uv_loop_t *loop;
	ws_client_t *ws;
	ws_conn_t *conn;
	uv_timer_t timer;
	uv_timer_t watch;          /* pings, and the stall check */
	uv_timer_t fill_timer;     /* the next try at reading an outage back */
	int fill_tries;
	long fill_wait;
	int open_handles;          /* timers not closed yet (freed at 0) */
	long stall_ms;
	char *base, *query;
	char **headers;
	int64_t start_ns;
	int limit;
	long bo_min, bo_max, bo;
	uint64_t opened_at;        /* uv_now of the last open, 0 none */
	int64_t last_ts;           /* newest timestamp received, INT64_MIN none */
	logdedup_t dd;
	logtail_state_t state;
	logtail_cbs_t cbs;
	void *ud;
	size_t reconnects, repeats;
	int tries;                 /* connections asked for */
	http_client_t *http;
	long timeout_ms;
	http_req_t *fill_req;      /* reading an outage back */
	int filling;
	int64_t fill_from, fill_to; /* [from, to): to is where the resumed tail starts */
	int64_t fill_req_to;       /* the end the request under way asked for */
	int64_t tail_start;        /* a resumed tail's start (its backfill is from here) */
	int64_t tail_open;         /* ... and when it opened: the read-back ends there (0 none) */
	int resuming;              /* the connection asked for resumes after lines received */
	int reauthed;              /* a 401 brought a token read anew: the next 401 is final */
	/* the loki backend's credential-command gives the handshake its token
	 * (through the HTTP client, which keeps it and runs the command) */
	http_req_t *tok_req;       /* asking for it */
	char *auth;                /* the Authorization line it gave, sent on the handshake only */
	int auth_refused;          /* ... refused by a 401: the next connection asks anew */
	/* a frame that reported dropped entries waits for them (read back by
	 * query_range), the frames after it held: told in time order */
	int drop_wait;
	loki_result_t dw_frame;
	uint64_t *dw_keys;         /* labels-and-timestamp keys of the entries dropped */
	size_t dw_n;
	int64_t dw_first;
	http_req_t *dw_req;
	/* hashes (logdedup_hash) of the read-back's lines at or after tail_start:
	 * the tail's backfill sends them too, and they are dropped there */
	uint64_t *ov;
	size_t ov_cap, ov_n;
	char **held;               /* tail frames that came meanwhile */
	size_t *held_len, n_held, cap_held;
	int dead;
};

static void set_state(logtail_t *t, logtail_state_t st, const char *msg)
{
	t->state = st;
	if (!t->dead && t->cbs.on_state)
		t->cbs.on_state(t, st, msg ? msg : "", t->ud);
}

static void connect_now(logtail_t *t);
static int has_name(char **h, size_t n, const char *line);

static void on_timer(uv_timer_t *tm)
{
	logtail_t *t = tm->data;
	if (!t->dead)
		connect_now(t);
}

static void retry_later(logtail_t *t, const char *why)
{
	if (t->opened_at && uv_now(t->loop) - t->opened_at >= LIVED_MS)
		t->bo = t->bo_min; /* it had been working: try again soon */
	long wait = t->bo;
	t->bo = t->bo * 2 > t->bo_max ? t->bo_max : t->bo * 2;
	t->opened_at = 0;
	char *msg = xasprintf("%s; again in %ld s", why, (wait + 999) / 1000);
	log_msg("loki tail: %s", msg);
	set_state(t, LOGTAIL_WAITING, msg);
	free(msg);
	if (!t->dead)
		uv_timer_start(&t->timer, on_timer, (uint64_t)wait, 0);
}

#define OV_MAX ((size_t)1 << 21) /* overlap hashes kept at most (16 MB) */

static void ov_clear(logtail_t *t)
{
	free(t->ov);
	t->ov = NULL;
	t->ov_cap = t->ov_n = 0;
}

/* Open addressing; 0 stands for empty, so a hash of 0 is kept as 1. */
static int ov_has(const logtail_t *t, uint64_t h)
{
	if (!t->ov_n)
		return 0;
	h = h ? h : 1;
	for (size_t i = h & (t->ov_cap - 1);; i = (i + 1) & (t->ov_cap - 1)) {
		if (t->ov[i] == h)
			return 1;
		if (!t->ov[i])
			return 0;
	}
}

static void ov_add(logtail_t *t, uint64_t h)
{
	h = h ? h : 1;
	if ((t->ov_n + 1) * 2 > t->ov_cap) {
		if (t->ov_cap >= OV_MAX)
			return; /* a flood: the rest may show twice, never lost */
		size_t cap = t->ov_cap ? t->ov_cap * 2 : 1024;
		uint64_t *old = t->ov;
		size_t oldcap = t->ov_cap;
		t->ov = xcalloc(cap, sizeof *t->ov);
		t->ov_cap = cap;
		t->ov_n = 0;
		for (size_t i = 0; i < oldcap; i++)
			if (old[i])
				ov_add(t, old[i]);
		free(old);
	}
	size_t i = h & (t->ov_cap - 1);
	while (t->ov[i] && t->ov[i] != h)
		i = (i + 1) & (t->ov_cap - 1);
	if (!t->ov[i]) {
		t->ov[i] = h;
		t->ov_n++;
	}
}

static void fill_next(logtail_t *t);

static void on_open(ws_conn_t *w, void *ud)
{
	(void)w;
	logtail_t *t = ud;
	t->reauthed = 0;
	t->opened_at = uv_now(t->loop);
	if (!t->opened_at)
		t->opened_at = 1;
	if (t->resuming && t->http) {
		/* The outage is [newest received, now): read back by query_range
		 * (paged, any number); the tail's backfill (at most RESUME_LIMIT
		 * lines from its start) repeats the read-back's last lines: those
		 * are dropped by their hashes, a late line is kept. Taken at the open,
		 * not at the asking: a server that took long to answer (stopped,
		 * overloaded) logged all that while too. A read-back under way
		 * reads on to here. */
		t->fill_to = t->tail_open = now_unix_ns();
		if (!t->filling) {
			t->fill_from = t->last_ts;
			t->filling = 1;
			fill_next(t);
			if (t->dead)
				return;
		}
	}
	ws_ping(t->conn); /* at once: a PONG shows this server answers them (see on_watch) */
	set_state(t, LOGTAIL_LIVE, "");
}

static void deliver(logtail_t *t, const char *data, size_t len);
static void fill_next(logtail_t *t);
static void on_fill_timer(uv_timer_t *tm);

static void hold(logtail_t *t, const char *data, size_t len)
{
	if (t->n_held >= HELD_MAX) {
		if (t->cbs.on_dropped && !t->dead)
			t->cbs.on_dropped(t, 0, t->fill_to, t->ud);
		return;
	}
	t->held = xgrow(t->held, &t->cap_held, t->n_held + 1, sizeof *t->held);
	t->held_len = xrealloc(t->held_len, t->cap_held * sizeof *t->held_len);
	t->held[t->n_held] = xmalloc(len + 1);
	memcpy(t->held[t->n_held], data, len);
	t->held[t->n_held][len] = '\0';
	t->held_len[t->n_held++] = len;
}

static void release_held(logtail_t *t)
{
	size_t i = 0;
	/* a frame delivered may wait for its dropped entries: the rest wait too */
	for (; i < t->n_held && !t->dead && !t->filling && !t->drop_wait; i++) {
		deliver(t, t->held[i], t->held_len[i]);
		free(t->held[i]);
	}
	if (t->dead) {
		for (; i < t->n_held; i++)
			free(t->held[i]);
		t->n_held = 0;
		return;
	}
	if (i && i < t->n_held) {
		memmove(t->held, t->held + i, (t->n_held - i) * sizeof *t->held);
		memmove(t->held_len, t->held_len + i, (t->n_held - i) * sizeof *t->held_len);
	}
	t->n_held -= i;
}

static void on_fill(const http_response_t *resp, void *ud)
{
	logtail_t *t = ud;
	t->fill_req = NULL;
	loki_result_t r;
	char *err = NULL;
	if (!resp->ok || loki_parse_query(resp->body, resp->len, resp->status, NULL, &r, &err) != 0) {
		char *why = resp->ok ? err : xstrdup(resp->error ? resp->error : "no answer");
		if (resp->ok)
			err = NULL;
		/* Loki down or slow (it is why the tail was cut): ask again, the
		 * tail's frames still held; a refusal (4xx but 429) or FILL_TRIES
		 * failures: the lines are said to be missing, never hidden */
		int refused = resp->status >= 400 && resp->status < 500 && resp->status != 429;
		if (!refused && ++t->fill_tries < FILL_TRIES && !t->dead) {
			log_msg("loki tail: reading the outage back failed (%s); again in %ld ms", why ? why : "",
				t->fill_wait);
			uv_timer_start(&t->fill_timer, on_fill_timer, (uint64_t)t->fill_wait, 0);
			t->fill_wait = t->fill_wait * 2 > t->bo_max ? t->bo_max : t->fill_wait * 2;
			free(why);
			free(err);
			return;
		}
		log_msg("loki tail: the lines of the outage could not be read back: %s", why ? why : "");
		free(why);
		free(err);
		if (t->cbs.on_dropped && !t->dead)
			t->cbs.on_dropped(t, 0, t->fill_from, t->ud); /* said, never hidden */
		t->filling = 0;
		release_held(t);
		return;
	}
	t->fill_tries = 0;
	t->fill_wait = t->bo_min;
	loki_result_sort(&r);
	int64_t newest = INT64_MIN;
	for (size_t i = 0; i < r.n_entries && !t->dead; i++) {
		const loki_entry_t *e = &r.entries[i];
		const labels_t *st = &r.streams[e->stream];
		if (e->ts_ns > newest)
			newest = e->ts_ns;
		if (e->ts_ns >= t->tail_start)
			ov_add(t, logdedup_hash(st, e->line, e->len));
		if (logdedup_check(&t->dd, st, e->ts_ns, e->line, e->len)) {
			t->repeats++;
			continue;
		}
		if (e->ts_ns > t->last_ts)
			t->last_ts = e->ts_ns;
		if (t->cbs.on_entry)
			t->cbs.on_entry(t, st, e->ts_ns, e->line, e->len, t->ud);
	}
	size_t n = r.n_entries;
	loki_result_free(&r);
	if (t->dead)
		return;
	log_msg("loki tail: read back %zu lines after the newest received", n);
	int64_t to = t->fill_req_to;
	if (n >= FILL_PAGE && loki_page_next(LOKI_FORWARD, newest, &t->fill_from, &to) == 0) {
		fill_next(t); /* a full page: there may be more */
		return;
	}
	if (t->fill_req_to < t->fill_to) {
		/* the tail was cut again meanwhile and starts later now: read on */
		t->fill_from = t->fill_req_to;
		fill_next(t);
		return;
	}
	t->filling = 0;
	release_held(t);
}

static void on_fill_timer(uv_timer_t *tm)
{
	logtail_t *t = tm->data;
	if (!t->dead && t->filling && !t->fill_req)
		fill_next(t);
}

static void fill_next(logtail_t *t)
{
	char *url = loki_url_query_range(t->base, t->query, t->fill_from, t->fill_to, FILL_PAGE,
					 LOKI_FORWARD);
	http_opts_t o = { 0 };
	o.timeout_ms = t->timeout_ms;
	o.headers = (const char *const *)t->headers;
	t->fill_req_to = t->fill_to;
	t->fill_req = http_request(t->http, url, &o, on_fill, t);
	free(url);
	if (!t->fill_req) {
		if (t->cbs.on_dropped && !t->dead)
			t->cbs.on_dropped(t, 0, t->fill_from, t->ud);
		t->filling = 0;
		release_held(t);
	}
}

static void on_message(ws_conn_t *w, const char *data, size_t len, void *ud)
{
	(void)w;
	logtail_t *t = ud;
	if (t->filling || t->drop_wait) {
		hold(t, data, len); /* after the outage's lines, or a frame's dropped ones */
		return;
	}
	deliver(t, data, len);
}

/* One entry of the tail, unless it is a repeat (of the read-back, or at the resume boundary). */
static void deliver_one(logtail_t *t, const labels_t *st, int64_t ts, const char *line, size_t len)
{
	if (ts < t->tail_open && ov_has(t, logdedup_hash(st, line, len))) {
		t->repeats++; /* the read-back had it */
		return;
	}
	if (logdedup_check(&t->dd, st, ts, line, len)) {
		t->repeats++;
		return;
	}
	if (ts > t->last_ts)
		t->last_ts = ts;
	if (t->cbs.on_entry)
		t->cbs.on_entry(t, st, ts, line, len, t->ud);
}

/* ---- entries Loki dropped for a slow reader, read back ----
 *
 * A tail frame's dropped_entries name each entry Loki did not send (its
 * stream's labels and timestamp). With an HTTP client the frame waits, the
 * frames after it held, while query_range reads the dropped entries' window;
 * exactly those (labels and timestamp) join the frame's own, and all are told
 * in time order. The ones not found are reported, as without a client: never
 * invented, never hidden. */

#define DROP_READ_MAX 5000 /* dropped entries of one report read back at most (one page) */

static uint64_t drop_key(const labels_t *l, int64_t ts)
{
	return logdedup_hash(l, NULL, 0) ^ ((uint64_t)ts * 0x9e3779b97f4a7c15ULL);
}

typedef struct {
	int64_t ts;
	const labels_t *st;
	const char *line;
	size_t len;
	size_t order;
} pend_t;

static int cmp_pend(const void *x, const void *y)
{
	const pend_t *a = x, *b = y;
	if (a->ts != b->ts)
		return a->ts < b->ts ? -1 : 1;
	return a->order < b->order ? -1 : a->order > b->order;
}

static void on_drop_read(const http_response_t *resp, void *ud)
{
	logtail_t *t = ud;
	t->dw_req = NULL;
	loki_result_t r;
	memset(&r, 0, sizeof r);
	int ok = resp->ok && loki_parse_query(resp->body, resp->len, resp->status, NULL, &r, NULL) == 0;
	size_t n = t->dw_frame.n_entries + (ok ? r.n_entries : 0), k = 0, found = 0;
	pend_t *p = xcalloc(n ? n : 1, sizeof *p);
	for (size_t i = 0; i < t->dw_frame.n_entries; i++) {
		const loki_entry_t *e = &t->dw_frame.entries[i];
		p[k] = (pend_t){ e->ts_ns, &t->dw_frame.streams[e->stream], e->line, e->len, k };
		k++;
	}
	for (size_t i = 0; ok && i < r.n_entries; i++) {
		const loki_entry_t *e = &r.entries[i];
		uint64_t key = drop_key(&r.streams[e->stream], e->ts_ns);
		size_t j = 0;
		while (j < t->dw_n && t->dw_keys[j] != key)
			j++;
		if (j == t->dw_n)
			continue; /* sent already: not one of these */
		t->dw_keys[j] = t->dw_keys[--t->dw_n]; /* each once */
		found++;
		p[k] = (pend_t){ e->ts_ns, &r.streams[e->stream], e->line, e->len, k };
		k++;
	}
	qsort(p, k, sizeof *p, cmp_pend);
	for (size_t i = 0; i < k && !t->dead; i++)
		deliver_one(t, p[i].st, p[i].ts, p[i].line, p[i].len);
	free(p);
	if (!t->dead && found && t->cbs.on_recovered)
		t->cbs.on_recovered(t, found, t->dw_first, t->ud);
	if (!t->dead && t->dw_n && t->cbs.on_dropped)
		t->cbs.on_dropped(t, t->dw_n, t->dw_first, t->ud);
	loki_result_free(&r);
	if (t->dead)
		return;
	loki_result_free(&t->dw_frame);
	free(t->dw_keys);
	t->dw_keys = NULL;
	t->drop_wait = 0;
	release_held(t);
}

/* The frame r reported dropped entries: it waits for them (r is taken). 0,
 * or -1 when they cannot be asked for (then the caller reports them). */
static int wait_for_dropped(logtail_t *t, loki_result_t *r)
{
	if (!t->http || r->n_dropped > DROP_READ_MAX)
		return -1;
	int64_t lo = INT64_MAX, hi = INT64_MIN;
	for (size_t i = 0; i < r->n_dropped; i++) {
		lo = r->dropped[i].ts_ns < lo ? r->dropped[i].ts_ns : lo;
		hi = r->dropped[i].ts_ns > hi ? r->dropped[i].ts_ns : hi;
	}
	char *url = loki_url_query_range(t->base, t->query, lo, hi + 1, DROP_READ_MAX, LOKI_FORWARD);
	http_opts_t o = { 0 };
	o.timeout_ms = t->timeout_ms;
	o.headers = (const char *const *)t->headers;
	t->dw_req = http_request(t->http, url, &o, on_drop_read, t);
	free(url);
	if (!t->dw_req)
		return -1;
	t->dw_n = r->n_dropped;
	t->dw_first = lo;
	t->dw_keys = xcalloc(t->dw_n, sizeof *t->dw_keys);
	for (size_t i = 0; i < t->dw_n; i++)
		t->dw_keys[i] = drop_key(&r->dropped[i].labels, r->dropped[i].ts_ns);
	t->dw_frame = *r;
	memset(r, 0, sizeof *r);
	t->drop_wait = 1;
	return 0;
}

static void deliver(logtail_t *t, const char *data, size_t len)
{
	loki_result_t r;
	char *err = NULL;
	if (loki_parse_tail_frame(data, len, NULL, &r, &err) != 0) {
		/* a frame we cannot read is reported, never silently skipped */
		log_msg("loki tail: a frame could not be read: %s", err ? err : "");
		if (t->cbs.on_dropped && !t->dead)
			t->cbs.on_dropped(t, 1, t->last_ts == INT64_MIN ? 0 : t->last_ts, t->ud);
		free(err);
		return;
	}
	loki_result_sort(&r); /* one stream object per entry: in time order */
	if (r.n_dropped && wait_for_dropped(t, &r) == 0)
		return; /* told with its dropped entries, once they are read back */
	for (size_t i = 0; i < r.n_entries && !t->dead; i++) {
		const loki_entry_t *e = &r.entries[i];
		deliver_one(t, &r.streams[e->stream], e->ts_ns, e->line, e->len);
	}
	if (r.n_dropped && t->cbs.on_dropped && !t->dead)
		t->cbs.on_dropped(t, r.n_dropped, r.dropped[0].ts_ns, t->ud);
	loki_result_free(&r);
}

/* The connection is gone: what it brought while an outage was read back
 * comes again, the read-back goes on to where the next tail starts. */
static void drop_held(logtail_t *t)
{
	if (t->drop_wait) {
		/* the waiting frame and those after it come again by the resume's
		 * read-back (from the newest line told); the dropped entries older
		 * than that are reported */
		if (t->dw_req)
			http_cancel(t->dw_req);
		t->dw_req = NULL;
		size_t lost = 0;
		for (size_t i = 0; i < t->dw_frame.n_dropped; i++)
			lost += t->dw_frame.dropped[i].ts_ns < t->last_ts;
		if (lost && t->cbs.on_dropped && !t->dead)
			t->cbs.on_dropped(t, lost, t->dw_first, t->ud);
		loki_result_free(&t->dw_frame);
		free(t->dw_keys);
		t->dw_keys = NULL;
		t->drop_wait = 0;
	} else if (!t->filling) {
		return;
	}
	for (size_t i = 0; i < t->n_held; i++)
		free(t->held[i]);
	t->n_held = 0;
}

/* Pings while live; a connection Loki sent nothing on for stall_ms (not a
 * frame, not a pong: the server stopped, a path died without a FIN) is
 * closed and asked again, so "live" is never shown for a dead tail. */
static void on_watch(uv_timer_t *tm)
{
	logtail_t *t = tm->data;
	if (t->dead || !t->conn || t->state != LOGTAIL_LIVE)
		return;
	uint64_t rx = ws_last_rx(t->conn), now = uv_now(t->loop);
	/* judged only once this server has answered a ping: one that never
	 * does (it does not read its side) is quiet, not dead */
	if (rx && ws_pongs(t->conn) && now > rx && now - rx >= (uint64_t)t->stall_ms) {
		ws_close(t->conn); /* ours: no on_close */
		t->conn = NULL;
		drop_held(t);
		char *why = xasprintf("Loki sent nothing for %ld s, not even a pong", t->stall_ms / 1000);
		retry_later(t, why);
		free(why);
		return;
	}
	ws_ping(t->conn);
}

/* A 401 on the upgrade: when the loki backend's bearer-token-file holds
 * another token now (rotated), one more try at once with it. */
static int reauth(logtail_t *t)
{
	if (!t->http || t->reauthed)
		return 0;
	if (t->auth) {
		/* the credential-command's token: dropped, the command run again */
		t->reauthed = t->auth_refused = 1;
		log_msg("loki tail: HTTP 401 on the upgrade; running the credential-command again for a new token");
		uv_timer_start(&t->timer, on_timer, 0, 0);
		return 1;
	}
	for (size_t i = 0; t->headers[i]; i++) {
		char *fresh = http_client_fresh_auth(t->http, t->base, t->headers[i]);
		if (fresh) {
			secret_free(t->headers[i]);
			t->headers[i] = fresh;
			t->reauthed = 1;
			log_msg("loki tail: HTTP 401 on the upgrade; the bearer-token-file holds a new "
				"token: trying again with it");
			uv_timer_start(&t->timer, on_timer, 0, 0);
			return 1;
		}
	}
	return 0;
}

static void on_close(ws_conn_t *w, int code, const char *reason, void *ud)
{
	(void)w;
	logtail_t *t = ud;
	t->conn = NULL;
	if (t->dead)
		return;
	drop_held(t);
	if (code == WS_CLOSE_NO_CONNECT) {
		/* the upgrade was answered with an error: Loki refused the query */
		if (strstr(reason, "HTTP 4")) {
			int e401 = strstr(reason, "HTTP 401") != NULL;
			if (e401 && reauth(t))
				return;
			char *msg = xasprintf("Loki refused the tail: %s%s", reason,
					      e401 && t->auth ? " (the loki backend's credential-command's token "
								"was refused, and so was the one it printed when "
								"run again)" : "");
			set_state(t, LOGTAIL_FAILED, msg);
			free(msg);
			return;
		}
		char *why = xasprintf("could not reach Loki: %s", reason);
		retry_later(t, why);
		free(why);
		return;
	}
	char *msg = NULL;
	loki_tail_end_t kind = loki_tail_close(code, reason, strlen(reason), &msg);
	if (kind == LOKI_TAIL_FATAL) {
		set_state(t, LOGTAIL_FAILED, msg);
	} else {
		/* a clean close (1000) is not what a tail does by itself: follow on */
		retry_later(t, msg);
	}
	free(msg);
}

static void open_ws(logtail_t *t)
{
	int resume = t->last_ts != INT64_MIN;
	int64_t start = resume ? t->last_ts : t->start_ns;
	int limit = resume ? RESUME_LIMIT : t->limit;
	t->resuming = resume;
	t->tail_open = 0;
	if (resume && t->http) {
		/* from about now: what came before is read back once open (on_open) */
		start = t->tail_start = now_unix_ns();
		if (!t->filling)
			ov_clear(t);
	}
	char *url = loki_url_tail(t->base, t->query, start, limit, 0);
	if (!url) {
		set_state(t, LOGTAIL_FAILED, "not a Loki URL (http, https, ws or wss)");
		return;
	}
	static const ws_cbs_t cbs = { on_open, on_message, on_close };
	char *err = NULL;
	size_t n = 0;
	while (t->headers[n])
		n++;
	const char **h = xcalloc(n + 2, sizeof *h);
	memcpy(h, t->headers, n * sizeof *h);
	h[n] = t->auth; /* NULL none */
	t->conn = ws_connect(t->ws, url, h, 0, &cbs, t, &err);
	free(h);
	free(url);
	if (!t->conn) {
		retry_later(t, err ? err : "could not start the connection");
		free(err);
	}
}

/* The credential-command's token, asked for before each connection. */
static void on_token(const char *auth, const char *error, void *ud)
{
	logtail_t *t = ud;
	t->tok_req = NULL;
	if (t->dead)
		return;
	if (!auth) {
		retry_later(t, error ? error : "credential-command gave no token");
		return;
	}
	secret_free(t->auth);
	t->auth = xstrdup(auth);
	open_ws(t);
}

static void connect_now(logtail_t *t)
{
	if (t->tries++)
		t->reconnects++;
	set_state(t, LOGTAIL_CONNECTING, "");
	if (t->dead) /* freed from the callback */
		return;
	size_t n = 0;
	while (t->headers[n])
		n++;
	/* credentials of its own (LOKI_BEARER_TOKEN, basic auth) go as they are */
	if (t->http && !has_name(t->headers, n, "Authorization:")) {
		const char *refused = t->auth_refused ? t->auth : NULL;
		t->auth_refused = 0;
		t->tok_req = http_client_token(t->http, t->base, refused, on_token, t);
		if (t->tok_req)
			return; /* on_token connects */
	}
	open_ws(t);
}

logtail_t *logtail_new(uv_loop_t *loop, ws_client_t *ws, const logtail_opts_t *o,
		       const logtail_cbs_t *cbs, void *ud)
{
	logtail_t *t = xcalloc(1, sizeof *t);
	t->loop = loop;
	t->ws = ws;
	t->base = xstrdup(o->base);
	t->query = xstrdup(o->query);
	size_t n = 0;
	while (o->headers && o->headers[n])
		n++;
	t->headers = xcalloc(n + 1, sizeof *t->headers);
	for (size_t i = 0; i < n; i++)
		t->headers[i] = xstrdup(o->headers[i]);
	t->start_ns = o->start_ns;
	t->limit = o->limit;
	t->bo_min = o->backoff_min_ms > 0 ? o->backoff_min_ms : 1000;
	t->bo_max = o->backoff_max_ms > 0 ? o->backoff_max_ms : 30000;
	t->bo = t->bo_min;
	t->http = o->http;
	t->timeout_ms = o->timeout_ms > 0 ? o->timeout_ms : 10000;
	t->last_ts = INT64_MIN;
	logdedup_init(&t->dd);
	t->cbs = *cbs;
	t->ud = ud;
	uv_timer_init(loop, &t->timer);
	t->timer.data = t;
	t->stall_ms = o->stall_ms > 0 ? o->stall_ms : STALL_MS;
	uv_timer_init(loop, &t->watch);
	t->watch.data = t;
	long every = t->stall_ms / 3 < PING_MS ? t->stall_ms / 3 : PING_MS;
	uv_timer_start(&t->watch, on_watch, (uint64_t)every, (uint64_t)every);
	uv_timer_init(loop, &t->fill_timer);
	t->fill_timer.data = t;
	t->fill_wait = t->bo_min;
	t->open_handles = 3;
	return t;
}

void logtail_start(logtail_t *t)
{
	if (!t->tries && !t->dead)
		connect_now(t);
}

void logtail_seen(logtail_t *t, const labels_t *stream, int64_t ts_ns, const char *line, size_t len)
{
	(void)logdedup_check(&t->dd, stream, ts_ns, line, len);
	if (ts_ns > t->last_ts)
		t->last_ts = ts_ns;
}

static void on_timer_closed(uv_handle_t *h)
{
	logtail_t *t = h->data;
	if (--t->open_handles > 0)
		return;
	logdedup_free(&t->dd);
	ov_clear(t);
	secret_free(t->auth);
	for (size_t i = 0; t->headers[i]; i++)
		secret_free(t->headers[i]);
	free(t->headers);
	free(t->base);
	free(t->query);
	free(t);
}

void logtail_free(logtail_t *t)
{
	if (!t)
		return;
	t->dead = 1;
	if (t->tok_req)
		http_cancel(t->tok_req);
	t->tok_req = NULL;
	if (t->fill_req)
		http_cancel(t->fill_req);
	t->fill_req = NULL;
	if (t->dw_req)
		http_cancel(t->dw_req);
	t->dw_req = NULL;
	if (t->drop_wait)
		loki_result_free(&t->dw_frame);
	free(t->dw_keys);
	t->dw_keys = NULL;
	t->drop_wait = 0;
	for (size_t i = 0; i < t->n_held; i++)
		free(t->held[i]);
	free(t->held);
	free(t->held_len);
	t->held = NULL;
	t->n_held = 0;
	if (t->conn)
		ws_close(t->conn);
	t->conn = NULL;
	uv_timer_stop(&t->timer);
	uv_timer_stop(&t->watch);
	uv_timer_stop(&t->fill_timer);
	uv_close((uv_handle_t *)&t->timer, on_timer_closed);
	uv_close((uv_handle_t *)&t->watch, on_timer_closed);
	uv_close((uv_handle_t *)&t->fill_timer, on_timer_closed);
}

/* Whether one of h[0..n) is a header of this name ("Name: value" lines). */
static int has_name(char **h, size_t n, const char *line)
{
	size_t k = strcspn(line, ":");
	for (size_t i = 0; i < n; i++)
		if (!strncasecmp(h[i], line, k) && h[i][k] == ':')
			return 1;
	return 0;
}

char **logtail_headers_new(const conf_context_t *ctx)
{
	/* loki-org-id and the LOKI_* variables first, then the loki backend's
	 * own: bearer-token-file, basic-auth (or the URL's user:password), headers */
	const conf_backend_t *o = &ctx->loki_opts;
	char **h = xcalloc(3 + o->n_headers, sizeof *h);
	size_t n = 0;
	const char *bearer = ctx->loki_bearer_token && *ctx->loki_bearer_token ? ctx->loki_bearer_token
			     : o->bearer_token && *o->bearer_token ? o->bearer_token : NULL;
	const char *user = ctx->loki_username && *ctx->loki_username ? ctx->loki_username : NULL;
	const char *pass = user ? ctx->loki_password : NULL;
	if (!user && o->username && *o->username) {
		user = o->username;
		pass = o->password;
	}
	if (ctx->loki_org_id && *ctx->loki_org_id)
		h[n++] = xasprintf("X-Scope-OrgID: %s", ctx->loki_org_id);
	if (bearer) {
		h[n++] = xasprintf("Authorization: Bearer %s", bearer);
	} else if (user) {
		char *up = xasprintf("%s:%s", user, pass ? pass : "");
		char *b = text_base64(up, strlen(up));
		h[n++] = xasprintf("Authorization: Basic %s", b);
		memset(up, 0, strlen(up));
		memset(b, 0, strlen(b));
		free(up);
		free(b);
	}
	for (size_t i = 0; i < o->n_headers; i++)
		if (!has_name(h, n, o->headers[i]))
			h[n++] = xstrdup(o->headers[i]);
	return h;
}

void logtail_headers_free(char **h)
{
	for (size_t i = 0; h && h[i]; i++) {
		memset(h[i], 0, strlen(h[i]));
		free(h[i]);
	}
	free(h);
}

logtail_state_t logtail_state(const logtail_t *t)
{
	return t->state;
}

size_t logtail_reconnects(const logtail_t *t)
{
	return t->reconnects;
}

size_t logtail_repeats(const logtail_t *t)
{
	return t->repeats;
}
