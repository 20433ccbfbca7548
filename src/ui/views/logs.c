/* The Logs view: a LogQL query's history (query_range) then its live tail, in a bounded scrollback; follow, pause, local filters, search, pretty-print. */
#include "config.h"
#include "app/creds.h"
#include "app/logfollow.h"
#include "backend/loki.h"
#include "core/log.h"
#include "core/text.h"
#include "core/units.h"
#include "core/ws.h"
#include "model/logfields.h"
#include "model/logfilter.h"
#include "model/logqlcomplete.h"
#include "model/logring.h"
#include "model/logsel.h"
#include "model/logvary.h"
#include "ui/canvas.h"
#include "ui/ui.h"
#include <curses.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#define LOGS_DEFAULT_QUERY "{app=~\".+\"}"
#define LOGS_DEFAULT_SINCE_MS (15LL * 60 * 1000)
#define LOGS_HISTORY_LIMIT 5000    /* the newest lines of the window the history asks for */
#define LOGS_JUMP_LIMIT 50000      /* ... when a jump asks for a moment (an alert's start) */
#define LOGS_JUMP_BEFORE_NS (5LL * 60 * 1000000000) /* a jump's window starts this before its moment */
#define LOGS_RENDER_MAX 4096       /* bytes of a line drawn unwrapped */
#define LOGS_RENDER_WRAP_MAX (64 * 1024)
#define LOGS_WRAP_ROWS_MAX 100000  /* rows counted of one wrapped entry */

typedef struct {
	logring_t *ring;
	logfilter_t filt;
	logfilter_re_t search;      /* the last `/`, for n and N */
	char *old_inc, *old_exc;    /* a filter before its prompt opened, for Esc */
	char *query;
	long long since_ms;
	char **hdrs;
	logfollow_t *lf;            /* the history, then the tail */
	ws_client_t *ws;
	logtail_state_t st;
	char *st_msg;
	char *error;                /* the history failed: why */
	char *note;                 /* about the history (cut by the limit) */
	int started, loading;
	int follow;
	uint64_t sel, top;          /* selected and first shown entry, when paused */
	int top_skip;               /* wrapped rows of the top entry above the screen */
	uint64_t paused_next;       /* logring_next when the pause began */
	uint64_t new_below;         /* lines come since, that pass the filters */
	int scrolled_out;           /* paused, and the lines read were pushed out of the scrollback */
	/* the stream labels column shows the labels whose values differ between
	 * the streams held ({pod="director-3"} needs no column at all) */
	logvary_t vary;
	size_t ring_lines, ring_bytes; /* the scrollback's bounds */
	int64_t jump_start;         /* a jump's window start and moment (0 none) */
	int64_t focus_ns;
	char *why;                  /* what the jump was for */
	int utc, labels, wrap;
	int page;                   /* rows of lines at the last draw */
	unsigned gen;               /* the context (ui->ctx_gen) the query reads */
	double retry_at;            /* waiting: when the tail tries again (unix s), 0 unknown */
	/* Tab in the query prompt: label names, and the values of the names asked for */
	char **lnames;
	size_t n_lnames;
	int have_lnames;
	http_req_t *names_req;
	struct logs_values {
		char *name;
		char **v;
		size_t n;
	} *vals;
	size_t n_vals;
	http_req_t *vals_req;
	char *vals_name;            /* the name vals_req asks about */
	history_t qhist;            /* the queries entered, this session and before */
	size_t qhist_saved;
	history_t good;             /* the last query Loki answered: the next session's */
	http_req_t *probe_req;      /* a new query asked first ... */
	void *probe;                /* ... (its probe_t) */
} logs_view_t;

static void completion_reset(logs_view_t *lv);

static const keybind_t logs_keys[] = {
	{ KEY_UP, "Up k", REQ_UP, "pause; the line above" },
	{ 'k', NULL, REQ_UP, NULL },
	{ KEY_DOWN, "Down j", REQ_DOWN, "the line below (paused)" },
	{ 'j', NULL, REQ_DOWN, NULL },
	{ KEY_PPAGE, "PgUp", REQ_PGUP, "pause; page up" },
	{ KEY_NPAGE, "PgDn", REQ_PGDN, "page down (paused)" },
	{ 'g', "g Home", REQ_TOP, "pause; the oldest line kept" },
	{ KEY_HOME, NULL, REQ_TOP, NULL },
	{ 'G', "G End", REQ_BOTTOM, "follow: the newest line" },
	{ KEY_END, NULL, REQ_BOTTOM, NULL },
	{ 'F', "F", REQ_FOLLOW, "follow: scroll with new lines again" },
	{ 's', "s", REQ_QUERY, "set the LogQL query (history, then live)" },
	{ '/', "/", REQ_FILTER, "show only lines matching a regex (POSIX ERE; empty clears)" },
	{ '\\', "\\", REQ_EXCLUDE, "hide lines matching a regex (empty clears)" },
	{ 'n', "n", REQ_NEXT_MATCH, "next line matching the last /" },
	{ 'N', "N", REQ_PREV_MATCH, "previous line matching the last /" },
	{ 'e', "e", REQ_NEXT_ERROR, "next error line" },
	{ 'E', "E", REQ_PREV_ERROR, "previous error line" },
	{ 'p', "p Enter", REQ_DETAILS, "the selected line, its JSON pretty-printed" },
	{ '\r', NULL, REQ_DETAILS, NULL },
	{ '\n', NULL, REQ_DETAILS, NULL },
	{ KEY_ENTER, NULL, REQ_DETAILS, NULL },
	{ 'w', "w", REQ_WRAP, "wrap long lines (toggle)" },
	{ 'c', "c", REQ_LABELS, "the stream labels column (toggle)" },
	{ 'T', "T", REQ_TRACES, "the trace of the selected line (its trace_id), at its span" },
};

static int is_shown(view_t *v)
{
	return ui_cur_view(v->ui) == v;
}

/* ---- the connection ---- */

static void count_new(logs_view_t *lv, uint64_t seq)
{
	logring_line_t e;
	if (!lv->follow && logring_get(lv->ring, seq, &e) == 0 && logfilter_pass(&lv->filt, &e))
		lv->new_below++;
}

static void on_entry(logfollow_t *t, const labels_t *stream, int64_t ts, const char *line, size_t len,
		     void *ud)
{
	(void)t;
	view_t *v = ud;
	logs_view_t *lv = v->priv;
	uint64_t seq = logring_append(lv->ring, ts, stream, line, len);
	logring_line_t e;
	if (logring_get(lv->ring, seq, &e) == 0 && e.stream != LOGRING_NO_STREAM)
		/* logring gives a freed stream's id to the next new one: the labels
		 * it holds tell the two apart */
		logvary_note(&lv->vary, e.stream, logring_stream_labels(lv->ring, e.stream), stream);
	count_new(lv, seq);
	if (is_shown(v))
		ui_dirty_net(v->ui);
}

static void on_dropped(logfollow_t *t, size_t n, int64_t ts, void *ud)
{
	(void)t;
	view_t *v = ud;
	logs_view_t *lv = v->priv;
	uint64_t next = logring_next(lv->ring), seq = logring_append_gap(lv->ring, ts, n);
	if (seq >= next) /* a new marker, not counts added to the last one */
		count_new(lv, seq);
	if (is_shown(v))
		ui_dirty_net(v->ui);
}

static void fmt_ts(int64_t ts, int utc, char *buf, size_t n);

static void on_recovered(logfollow_t *t, size_t n, int64_t ts, void *ud)
{
	(void)t;
	view_t *v = ud;
	logs_view_t *lv = v->priv;
	/* the lines are in, in their place */
	char at[24];
	fmt_ts(ts, lv->utc, at, sizeof at);
	ui_say(v->ui, 0, "Loki dropped %zu line%s from %s (this reader was too slow): read back, in their place",
	       n, n == 1 ? "" : "s", at);
}

static void on_state(logfollow_t *t, logtail_state_t st, const char *msg, void *ud)
{
	(void)t;
	view_t *v = ud;
	logs_view_t *lv = v->priv;
	lv->st = st;
	free(lv->st_msg);
	lv->st_msg = text_sanitize(msg ? msg : "");
	/* logtail says "WHY; again in N s": the countdown is drawn from it */
	lv->retry_at = 0;
	char *again = st == LOGTAIL_WAITING ? strstr(lv->st_msg, "; again in ") : NULL;
	if (again) {
		lv->retry_at = now_unix() + strtod(again + 11, NULL);
		*again = '\0';
	}
	if (st == LOGTAIL_FAILED || st == LOGTAIL_WAITING) {
		log_msg("logs: %s", lv->st_msg);
		backend_down(&v->ui->bk, &v->ui->bk.loki, 0, lv->st_msg); /* the header's dot */
	} else if (st == LOGTAIL_LIVE) {
		backend_good(&v->ui->bk, &v->ui->bk.loki, 0);
	}
	ui_dirty(v->ui);
}

static void set_error(logs_view_t *lv, char *msg)
{
	free(lv->error);
	lv->error = msg;
}

/* Stop what runs: the history request, the tail. */
static void logs_stop(logs_view_t *lv)
{
	logfollow_free(lv->lf);
	lv->lf = NULL;
	lv->loading = 0;
}

/* The first line at or after the jump's moment, paused there. */
static void focus_moment(logs_view_t *lv)
{
	uint64_t next = logring_next(lv->ring);
	for (uint64_t seq = logring_first(lv->ring); seq < next; seq++) {
		logring_line_t e;
		if (logring_get(lv->ring, seq, &e) == 0 && e.ts_ns >= lv->focus_ns &&
		    logfilter_pass(&lv->filt, &e)) {
			lv->follow = 0;
			lv->sel = lv->top = seq;
			lv->paused_next = next;
			lv->new_below = 0;
			lv->scrolled_out = 0;
			return;
		}
	}
	/* nothing since that moment yet: follow */
}

static void on_history(logfollow_t *f, const logfollow_history_t *h, void *ud)
{
	(void)f;
	view_t *v = ud;
	logs_view_t *lv = v->priv;
	ui_t *ui = v->ui;
	lv->loading = 0;
	ui_dirty(ui);
	if (h->error)
		backend_down(&ui->bk, &ui->bk.loki, 0, h->error);
	else
		backend_good(&ui->bk, &ui->bk.loki, 0);
	if (h->error) {
		set_error(lv, xasprintf("loki at %s: %s", ui->ctx.loki, h->error));
		logfollow_free(lv->lf); /* nothing follows a failed history */
		lv->lf = NULL;
		return;
	}
	/* a query Loki took: the default next time */
	history_add(&lv->good, lv->query);
	strbuf_t b;
	sb_init(&b);
	/* the oldest line kept: the scrollback may hold fewer than were read */
	logring_line_t first;
	int64_t oldest = logring_get(lv->ring, logring_first(lv->ring), &first) == 0 ? first.ts_ns : 0;
	int short_of = h->cut || h->lines > logring_count(lv->ring);
	if (short_of && lv->focus_ns && oldest > lv->focus_ns) {
		char at[24];
		fmt_ts(lv->focus_ns, lv->utc, at, sizeof at);
		sb_printf(&b, "history: the %zu lines kept start after %s: narrow the query", logring_count(lv->ring), at);
	} else if (h->cut) {
		sb_printf(&b, "history: the newest %zu lines of the window", h->lines);
	}
	for (size_t i = 0; h->warnings && h->warnings[i]; i++)
		sb_printf(&b, "%sloki warns: %s", b.len ? "; " : "", h->warnings[i]);
	free(lv->note);
	lv->note = b.len ? xstrdup(b.s) : NULL;
	sb_free(&b);
	if (lv->focus_ns)
		focus_moment(lv);
	lv->st = LOGTAIL_CONNECTING;
	free(lv->st_msg);
	lv->st_msg = NULL;
}

/* The query from the start: the history of the window, then the tail. */
static void logs_start(view_t *v)
{
	logs_view_t *lv = v->priv;
	ui_t *ui = v->ui;
	logs_stop(lv);
	logring_clear(lv->ring);
	logvary_reset(&lv->vary);
	set_error(lv, NULL);
	free(lv->note);
	lv->note = NULL;
	lv->follow = 1;
	lv->new_below = 0;
	lv->scrolled_out = 0;
	lv->started = 1;
	if (lv->gen != ui->ctx_gen)
		completion_reset(lv); /* another Loki */
	lv->gen = ui->ctx_gen;
	if (!ui->ctx.loki || !*ui->ctx.loki)
		return; /* draw says how to set one */
	logtail_headers_free(lv->hdrs);
	lv->hdrs = logtail_headers_new(&ui->ctx);
	if (!lv->ws) {
		char *werr = NULL;
		lv->ws = ws_client_new(ui->loop, &werr);
		if (!lv->ws) {
			set_error(lv, xasprintf("no websocket client: %s", werr ? werr : "?"));
			free(werr);
			return;
		}
	}
	creds_apply_ws(lv->ws, &ui->ctx); /* the loki backend's tls, for this context */
	int64_t now = now_unix_ns();
	logfollow_opts_t o = { 0 };
	o.base = ui->ctx.loki;
	o.query = lv->query;
	o.start_ns = lv->jump_start ? lv->jump_start : now - (int64_t)lv->since_ms * 1000000;
	o.end_ns = now;
	o.limit = lv->focus_ns ? LOGS_JUMP_LIMIT : LOGS_HISTORY_LIMIT;
	if (o.limit > lv->ring_lines)
		o.limit = lv->ring_lines; /* no more than the scrollback keeps */
	o.max_bytes = lv->ring_bytes / 2;
	o.headers = (const char *const *)lv->hdrs;
	o.http = ui->http;
	o.timeout_ms = ui->o->timeout_ms;
	o.ws = lv->ws;
	static const logfollow_cbs_t cbs = { on_entry, on_dropped, on_history, on_state, on_recovered };
	lv->loading = 1;
	lv->lf = logfollow_new(ui->loop, &o, &cbs, v);
	ui_dirty(ui);
}

/* ---- lines ---- */

static theme_el_t level_el(loglevel_t l)
{
	switch (l) {
	case LOGLEVEL_ERROR:
	case LOGLEVEL_CRITICAL: return EL_VALUE_CRIT;
	case LOGLEVEL_WARN: return EL_VALUE_WARN;
	case LOGLEVEL_DEBUG: return EL_DIM;
	default: return EL_DEFAULT;
	}
}

static const char *level_word(loglevel_t l)
{
	switch (l) {
	case LOGLEVEL_DEBUG: return "DEBUG";
	case LOGLEVEL_INFO: return "INFO";
	case LOGLEVEL_WARN: return "WARN";
	case LOGLEVEL_ERROR: return "ERROR";
	case LOGLEVEL_CRITICAL: return "CRIT";
	default: return "-";
	}
}

static void fmt_ts(int64_t ts, int utc, char *buf, size_t n)
{
	time_t sec = (time_t)(ts / 1000000000);
	struct tm tm;
	if (utc)
		gmtime_r(&sec, &tm);
	else
		localtime_r(&sec, &tm);
	char hms[16];
	strftime(hms, sizeof hms, "%H:%M:%S", &tm);
	snprintf(buf, n, "%s.%03d%s", hms, (int)((ts % 1000000000) / 1000000), utc ? "Z" : "");
}

/* A stream's labels, short: the values of those that differ between the
 * streams held, the most telling first; control characters shown escaped. */
static char *short_labels(const logs_view_t *lv, const labels_t *l)
{
	char *raw = logvary_values(&lv->vary, l);
	char *s = text_render_line(raw, strlen(raw), 512, NULL);
	free(raw);
	return s;
}

/* The labels column is drawn: asked for (c), and some label differs. */
static int labels_shown(const logs_view_t *lv)
{
	return lv->labels && lv->vary.n_varies > 0;
}

/* What a line shows, every part made safe for the terminal. */
typedef struct {
	char ts[24];
	char *labels;   /* NULL when labels are hidden */
	char *msg;      /* the message (a JSON line's msg, else the line) */
	char *fields;   /* "slot=3  error=...  trace_id=..." of a JSON line, or NULL */
} row_t;

static void row_build(logs_view_t *lv, const logring_line_t *e, row_t *r)
{
	memset(r, 0, sizeof *r);
	fmt_ts(e->ts_ns, lv->utc, r->ts, sizeof r->ts);
	size_t cap = lv->wrap ? LOGS_RENDER_WRAP_MAX : LOGS_RENDER_MAX;
	if (e->kind == LOGRING_GAP) {
		r->msg = xasprintf("%s %" PRIu64 " entr%s dropped by Loki %s", ui_glyph(GL_DASH), e->dropped,
				   e->dropped == 1 ? "y" : "ies", ui_glyph(GL_DASH));
		return;
	}
	if (labels_shown(lv))
		r->labels = short_labels(lv, logring_stream_labels(lv->ring, e->stream));
	logfields_t f;
	logfields_parse(e->line, e->len, &f);
	if (f.json) {
		r->msg = text_render_line(f.msg ? f.msg : "", f.msg ? f.msg_len : 0, cap, NULL);
		strbuf_t b;
		sb_init(&b);
		const char *names[] = { "slot", "error", "trace_id" };
		const char *vals[] = { f.slot, f.error, f.trace_id };
		for (int i = 0; i < 3; i++) {
			if (!vals[i])
				continue;
			char *s = text_render_line(vals[i], strlen(vals[i]), 512, NULL);
			sb_printf(&b, "%s%s=%s", b.len ? "  " : "", names[i], s);
			free(s);
		}
		r->fields = b.len ? xstrdup(b.s) : NULL;
		sb_free(&b);
	} else {
		r->msg = text_render_line(e->line, e->len, cap, NULL);
	}
	logfields_free(&f);
}

static void row_free(row_t *r)
{
	free(r->labels);
	free(r->msg);
	free(r->fields);
}

/* The time column: HH:MM:SS.mmm and a blank, a Z more in UTC. */
static int ts_w(const logs_view_t *lv)
{
	return lv->utc ? 14 : 13;
}

/* The labels column's width: a sixth of the screen, 14 to 32 columns. */
static int labels_w(const logs_view_t *lv)
{
	(void)lv;
	int w = COLS / 6;
	return w < 14 ? 14 : w > 32 ? 32 : w;
}

static int prefix_w(const logs_view_t *lv)
{
	return ts_w(lv) + 6 + (labels_shown(lv) ? labels_w(lv) + 1 : 0);
}

/* Bytes of s that fit in w columns (at least one character). */
static size_t fit_cols(const char *s, int w)
{
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t len = strlen(s), off = 0;
	int used = 0;
	while (off < len) {
		wchar_t wc;
		size_t r = mbrtowc(&wc, s + off, len - off, &st);
		if (r == (size_t)-1 || r == (size_t)-2 || r == 0) {
			memset(&st, 0, sizeof st);
			r = 1;
			wc = '?';
		}
		int cw = wcwidth(wc);
		if (cw < 0)
			cw = 1;
		if (used + cw > w && off > 0)
			break;
		used += cw;
		off += r;
	}
	return off;
}

static char *wrap_body(const row_t *r)
{
	return r->fields ? xasprintf("%s  %s", r->msg, r->fields) : xstrdup(r->msg);
}

/* Screen rows entry seq takes. */
static int entry_height(logs_view_t *lv, uint64_t seq, int max)
{
	if (!lv->wrap)
		return 1;
	logring_line_t e;
	if (logring_get(lv->ring, seq, &e) != 0)
		return 1;
	row_t r;
	row_build(lv, &e, &r);
	char *body = wrap_body(&r);
	int w = COLS - prefix_w(lv);
	if (w < 10)
		w = 10;
	int h = 0;
	for (const char *p = body; *p && h < max; h++)
		p += fit_cols(p, w);
	free(body);
	row_free(&r);
	return h < 1 ? 1 : h;
}

/* Draw entry seq from row y, its first `skip` wrapped rows left out (the
 * top entry, taller than the room above the selection); returns the rows
 * used (at most maxh). */
static int draw_entry(logs_view_t *lv, uint64_t seq, int y, int maxh, int sel, int skip)
{
	logring_line_t e;
	if (logring_get(lv->ring, seq, &e) != 0)
		return 1;
	row_t r;
	row_build(lv, &e, &r);
	attr_t base = ui_attr(sel ? EL_SELECTED : EL_DEFAULT);
	if (sel)
		ui_fill((rect_t){ 0, y, COLS, 1 }, base);
	int x = 0;
	x += ui_cell(y, x, ts_w(lv), r.ts, sel ? base : ui_attr(EL_DIM));
	if (e.kind == LOGRING_GAP) {
		ui_put_cut(y, x, COLS - x, r.msg, (sel ? base : ui_attr(EL_VALUE_WARN)) | A_BOLD);
		row_free(&r);
		return 1;
	}
	x += ui_cell(y, x, 6, level_word(e.level), sel ? base | A_BOLD : ui_attr(level_el(e.level)) | A_BOLD);
	if (r.labels)
		x += ui_cell(y, x, labels_w(lv) + 1, r.labels, sel ? base : ui_attr(EL_DIM));
	int rows = 1;
	if (lv->wrap) {
		char *body = wrap_body(&r);
		int w = COLS - x;
		const char *p = body;
		for (int k = 0; k < skip && *p; k++)
			p += fit_cols(p, w < 10 ? 10 : w);
		if (!*p && skip) /* (cannot happen: skip < its height) */
			p = body;
		for (rows = 0; *p && rows < maxh; rows++) {
			size_t n = fit_cols(p, w < 10 ? 10 : w);
			char *part = xstrndup(p, n);
			if (sel && rows)
				ui_fill((rect_t){ 0, y + rows, COLS, 1 }, base);
			ui_put(y + rows, x, COLS - x, part, base);
			free(part);
			p += n;
		}
		if (rows < 1)
			rows = 1;
		free(body);
	} else {
		int used = ui_put_cut(y, x, COLS - x, r.msg, base);
		if (r.fields && x + used + 2 < COLS)
			ui_put_cut(y, x + used + 2, COLS - x - used - 2, r.fields, sel ? base : ui_attr(EL_DIM));
	}
	row_free(&r);
	return rows;
}

/* ---- where the view stands ---- */

static int passes(logs_view_t *lv, uint64_t seq)
{
	logring_line_t e;
	return logring_get(lv->ring, seq, &e) == 0 && logfilter_pass(&lv->filt, &e);
}

/* Keep the selection on an entry that is there and shown. */
static int settle(logs_view_t *lv)
{
	uint64_t last;
	if (logfilter_last(lv->ring, &lv->filt, &last) != 0)
		return -1;
	if (lv->follow) {
		lv->sel = last;
		return 0;
	}
	if (lv->sel > last)
		lv->sel = last;
	if (lv->sel < logring_first(lv->ring))
		lv->scrolled_out = 1; /* the line read went: the scrollback is full */
	if (!passes(lv, lv->sel)) {
		uint64_t s;
		if (logfilter_step(lv->ring, &lv->filt, lv->sel, 1, NULL, LOGLEVEL_UNKNOWN, &s) == 0 ||
		    logfilter_step(lv->ring, &lv->filt, lv->sel, -1, NULL, LOGLEVEL_UNKNOWN, &s) == 0)
			lv->sel = s;
	}
	return 0;
}

/* The first entry shown when sel sits at the bottom of h rows. */
static uint64_t top_for_bottom(logs_view_t *lv, uint64_t sel, int h)
{
	int used = entry_height(lv, sel, h);
	uint64_t top = sel, s;
	lv->top_skip = 0;
	while (used < h && logfilter_step(lv->ring, &lv->filt, top, -1, NULL, LOGLEVEL_UNKNOWN, &s) == 0) {
		int eh = entry_height(lv, s, LOGS_WRAP_ROWS_MAX);
		if (used + eh > h) {
			/* taller than the room left: its last rows fill the top */
			lv->top_skip = used + eh - h;
			top = s;
			break;
		}
		used += eh;
		top = s;
	}
	return top;
}

/* Place top so sel is in sight (h rows). */
static void place(logs_view_t *lv, int h)
{
	if (lv->top_skip && (lv->top_skip >= entry_height(lv, lv->top, LOGS_WRAP_ROWS_MAX) || lv->top == lv->sel))
		lv->top_skip = 0;
	if (lv->follow || lv->top > lv->sel || !passes(lv, lv->top)) {
		lv->top = lv->follow ? top_for_bottom(lv, lv->sel, h) : (lv->top > lv->sel ? lv->sel : top_for_bottom(lv, lv->sel, h));
		return;
	}
	int used = 0;
	uint64_t s = lv->top;
	for (;;) {
		used += entry_height(lv, s, h);
		if (s == lv->sel)
			break;
		if (used >= h || logfilter_step(lv->ring, &lv->filt, s, 1, NULL, LOGLEVEL_UNKNOWN, &s) != 0)
			break;
	}
	if (s != lv->sel || used > h)
		lv->top = top_for_bottom(lv, lv->sel, h);
}

static void logs_view_draw(view_t *v, rect_t area)
{
	logs_view_t *lv = v->priv;
	ui_t *ui = v->ui;
	int y = area.y;
	if (!ui->ctx.loki || !*ui->ctx.loki) {
		ui_put_cut(y + 1, 2, COLS - 4,
			   "no Loki in this context: set 'loki:' in the config, LOKI_URL or --loki",
			   ui_attr(EL_DIM));
		return;
	}
	/* the query and the local filters */
	char since[24], window[40];
	duration_format(lv->since_ms, since, sizeof since);
	if (lv->jump_start) {
		char at[24];
		fmt_ts(lv->jump_start, lv->utc, at, sizeof at);
		snprintf(window, sizeof window, "from %s", at);
	} else {
		snprintf(window, sizeof window, "since %s", since);
	}
	ui_fill((rect_t){ 0, y, COLS, 1 }, ui_attr(EL_TABLE_HEADER));
	char *q = text_sanitize(lv->query);
	ui_printf_cut(y, 1, COLS - 2, ui_attr(EL_TABLE_HEADER) | A_BOLD, "%s  %s%s%s%s%s%s%s", q,
		      window, lv->filt.inc.set ? "  / " : "", lv->filt.inc.set ? lv->filt.inc.text : "",
		      lv->filt.exc.set ? "  \\ " : "", lv->filt.exc.set ? lv->filt.exc.text : "",
		      lv->wrap ? "  wrap" : "", lv->utc ? "  UTC" : "");
	free(q);
	y++;
	int bottom = area.y + area.h - 1; /* the view's status row */
	int h = bottom - y;
	lv->page = h;
	if (h >= 1) {
		if (settle(lv) != 0) {
			const char *failed = lv->error ? lv->error
					     : lv->lf && logfollow_tail(lv->lf) && lv->st == LOGTAIL_FAILED ? lv->st_msg
					     : NULL;
			const char *what = lv->loading ? "loading the history..."
					   : logring_count(lv->ring) ? "no line passes the filters (/ or \\ with nothing clears them)"
					   : failed ? "" : "no lines yet";
			ui_put_cut(y + 1, 2, COLS - 4, what, ui_attr(EL_DIM));
			/* nothing to show: the whole reason, wrapped, where the lines would be */
			if (failed && *failed) {
				int row = y + 1;
				for (const char *p = failed; *p && row < y + h; row++) {
					size_t n = fit_cols(p, COLS - 4 < 10 ? 10 : COLS - 4);
					char *part = xstrndup(p, n);
					ui_put(row, 2, COLS - 4, part, ui_attr(EL_ERROR));
					free(part);
					p += n;
				}
			}
		} else {
			place(lv, h);
			uint64_t s = lv->top;
			int row = y;
			for (int skip = lv->top_skip;; skip = 0) {
				row += draw_entry(lv, s, row, y + h - row, !lv->follow && s == lv->sel, skip);
				if (row >= y + h || logfilter_step(lv->ring, &lv->filt, s, 1, NULL, LOGLEVEL_UNKNOWN, &s) != 0)
					break;
			}
		}
	}
	/* the connection's state in a word, the count, the pause, then why
	 * (cut with an ellipsis: the words before it always show) */
	int x = 1;
	const char *why = NULL;
	attr_t why_attr = ui_attr(EL_VALUE_WARN);
	if (lv->error) {
		x += ui_put(bottom, x, COLS - 2, "failed", ui_attr(EL_ERROR) | A_BOLD);
		why = lv->error;
		why_attr = ui_attr(EL_ERROR);
	} else if (lv->loading) {
		x += ui_printf(bottom, x, COLS - 2, ui_attr(EL_DIM), "loading the history (%s)...", window);
	} else if (lv->lf && logfollow_tail(lv->lf)) {
		switch (lv->st) {
		case LOGTAIL_LIVE:
			x += ui_printf(bottom, x, COLS - x, ui_attr(EL_VALUE_OK) | A_BOLD, "%s live", ui_glyph(GL_HEALTH_OK));
			break;
		case LOGTAIL_CONNECTING:
			x += ui_put(bottom, x, COLS - x, "connecting...", ui_attr(EL_VALUE_WARN));
			break;
		case LOGTAIL_WAITING: {
			double left = lv->retry_at - now_unix();
			if (lv->retry_at > 0 && left > 0)
				x += ui_printf(bottom, x, COLS - x, ui_attr(EL_VALUE_WARN) | A_BOLD,
					       "reconnecting in %.0f s", left + 0.49);
			else
				x += ui_put(bottom, x, COLS - x, "reconnecting", ui_attr(EL_VALUE_WARN) | A_BOLD);
			why = lv->st_msg;
			break;
		}
		case LOGTAIL_FAILED:
			x += ui_put(bottom, x, COLS - x, "failed", ui_attr(EL_ERROR) | A_BOLD);
			why = lv->st_msg;
			why_attr = ui_attr(EL_ERROR);
			break;
		}
	}
	size_t count = logring_count(lv->ring);
	if (x < COLS - 2)
		x += ui_printf(bottom, x, COLS - x, ui_attr(EL_DIM), "  %zu line%s", count, count == 1 ? "" : "s");
	if (!lv->follow && x < COLS - 2) {
		/* at most what the scrollback holds below the selection */
		uint64_t n = lv->new_below, held = logring_next(lv->ring) - (lv->sel + 1);
		if (lv->sel < logring_next(lv->ring) && n > held)
			n = held;
		if (lv->scrolled_out)
			x += ui_printf_cut(bottom, x, COLS - x, ui_attr(EL_VALUE_WARN) | A_BOLD,
					   "  paused; scrollback full: the oldest lines go");
		else
			x += ui_printf_cut(bottom, x, COLS - x, ui_attr(EL_VALUE_WARN) | A_BOLD,
					   "  paused: %" PRIu64 " new line%s below", n, n == 1 ? "" : "s");
	}
	if (why && *why && x < COLS - 2)
		x += ui_printf_cut(bottom, x, COLS - x - 1, why_attr, "  %s", why);
	if (lv->note && !why && x < COLS - 2) /* about the history: not while something is wrong */
		ui_printf_cut(bottom, x, COLS - x - 1, ui_attr(EL_DIM), "  %s", lv->note);
}

/* ---- the prompts ---- */

/* A new query or window is asked of Loki first (one line of it): one Loki
 * refuses (a parse error, a window over its limit) is said in a box, and
 * the query running and its lines stay. One that gets no answer at all is
 * started anyway: it retries like any other. */
typedef struct {
	view_t *v;
	char *query;
	long long since_ms;
} probe_t;

static void probe_free(probe_t *pr)
{
	free(pr->query);
	free(pr);
}

static void refused_fill(textbox_t *tb, void *ctx)
{
	char **m = ctx;
	textbox_text(tb, EL_DEFAULT, m[0]);
	textbox_blank(tb);
	textbox_text(tb, EL_ERROR, m[1]);
	textbox_blank(tb);
	textbox_text(tb, EL_DIM, "The query shown before goes on. Esc closes this; s edits the query, Up recalls the one refused.");
}

static void refused_free(void *ctx)
{
	char **m = ctx;
	free(m[0]);
	free(m[1]);
	free(m);
}

static void adopt(view_t *v, const char *query, long long since_ms)
{
	logs_view_t *lv = v->priv;
	if (query != lv->query) {
		free(lv->query);
		lv->query = xstrdup(query);
	}
	lv->since_ms = since_ms;
	lv->jump_start = lv->focus_ns = 0;
	free(lv->why);
	lv->why = NULL;
	logs_start(v);
}

static void on_probe(const http_response_t *resp, void *ud)
{
	probe_t *pr = ud;
	view_t *v = pr->v;
	logs_view_t *lv = v->priv;
	lv->probe_req = NULL;
	lv->probe = NULL;
	loki_result_t r;
	char *err = NULL;
	if (resp->ok && loki_parse_query(resp->body, resp->len, resp->status, NULL, &r, &err) == 0) {
		loki_result_free(&r);
		adopt(v, pr->query, pr->since_ms);
	} else if (resp->ok && resp->status >= 400 && resp->status < 500 && resp->status != 429) {
		char **m = xcalloc(2, sizeof *m);
		char *q = text_sanitize(pr->query);
		char since[24];
		duration_format(pr->since_ms, since, sizeof since);
		m[0] = xasprintf("%s  (since %s)", q, since);
		m[1] = text_sanitize(err ? err : "refused");
		free(q);
		textbox_open(v->ui, "Loki refused the query", refused_fill, m, refused_free);
		ui_say(v->ui, 1, "Loki refused the query: %s", m[1]);
	} else {
		adopt(v, pr->query, pr->since_ms); /* no answer: it will retry as it goes */
	}
	free(err);
	probe_free(pr);
}

static void ask_first(view_t *v, const char *query, long long since_ms)
{
	logs_view_t *lv = v->priv;
	ui_t *ui = v->ui;
	if (lv->probe_req) {
		http_cancel(lv->probe_req);
		lv->probe_req = NULL;
		probe_free(lv->probe);
	}
	lv->probe = NULL;
	if (!ui->ctx.loki || !*ui->ctx.loki) {
		adopt(v, query, since_ms);
		return;
	}
	if (!lv->hdrs)
		lv->hdrs = logtail_headers_new(&ui->ctx);
	int64_t now = now_unix_ns();
	char *url = loki_url_query_range(ui->ctx.loki, query, now - (int64_t)since_ms * 1000000, now, 1,
					 LOKI_BACKWARD);
	http_opts_t o = { 0 };
	o.timeout_ms = ui->o->timeout_ms;
	o.headers = (const char *const *)lv->hdrs;
	probe_t *pr = xcalloc(1, sizeof *pr);
	pr->v = v;
	pr->query = xstrdup(query);
	pr->since_ms = since_ms;
	lv->probe_req = http_request(ui->http, url, &o, on_probe, pr);
	free(url);
	if (!lv->probe_req) {
		probe_free(pr);
		adopt(v, query, since_ms);
		return;
	}
	lv->probe = pr;
	ui_say(ui, 0, "asking Loki...");
}

static void query_enter(ui_t *ui, const char *text, void *ud)
{
	view_t *v = ud;
	logs_view_t *lv = v->priv;
	if (!text || !*text) {
		ui_say(ui, 0, "query unchanged (a query cannot be empty)");
		return;
	}
	ask_first(v, text, lv->since_ms);
}

/* which: 0 include (/), 1 exclude (\) */
static void filter_apply(view_t *v, int which, const char *text, int report)
{
	logs_view_t *lv = v->priv;
	char *err = NULL;
	logfilter_re_t *re = which ? &lv->filt.exc : &lv->filt.inc;
	if (logfilter_re_set(re, text, &err) != 0) {
		if (report)
			ui_say(v->ui, 1, "%s", err ? err : "bad regex");
		free(err);
		return;
	}
	logfilter_changed(&lv->filt);
	if (!lv->follow) { /* the count of new lines below is of those shown */
		lv->new_below = 0;
		uint64_t from = lv->paused_next > logring_first(lv->ring) ? lv->paused_next : logring_first(lv->ring);
		for (uint64_t seq = from; seq < logring_next(lv->ring); seq++)
			count_new(lv, seq);
	}
	if (!which && text && *text)
		logfilter_re_set(&lv->search, text, NULL);
	ui_dirty(v->ui);
}

static void inc_enter(ui_t *ui, const char *text, void *ud)
{
	(void)ui;
	filter_apply(ud, 0, text, 1);
}

static void exc_enter(ui_t *ui, const char *text, void *ud)
{
	(void)ui;
	filter_apply(ud, 1, text, 1);
}

static void inc_change(ui_t *ui, const char *text, void *ud)
{
	(void)ui;
	filter_apply(ud, 0, text, 0);
}

static void exc_change(ui_t *ui, const char *text, void *ud)
{
	(void)ui;
	filter_apply(ud, 1, text, 0);
}

static void inc_cancel(ui_t *ui, void *ud)
{
	(void)ui;
	view_t *v = ud;
	logs_view_t *lv = v->priv;
	filter_apply(v, 0, lv->old_inc, 0);
}

static void exc_cancel(ui_t *ui, void *ud)
{
	(void)ui;
	view_t *v = ud;
	logs_view_t *lv = v->priv;
	filter_apply(v, 1, lv->old_exc, 0);
}

/* ---- the selected line, pretty ---- */

typedef struct {
	char *ts, *labels, *line;
	size_t len;
	loglevel_t level;
	ui_t *ui;
} pretty_t;

/* T: the trace a line names (its trace_id), with the cursor on its span_id. */
static int line_trace(ui_t *ui, const char *line, size_t len)
{
	char *trace_id = NULL, *span_id = NULL;
	int rc = -1;
	logfields_trace_ids(line, len, &trace_id, &span_id);
	if (!trace_id) {
		ui_say(ui, 0, "this line names no trace (no trace_id field, JSON or key=value)");
	} else {
		char *why = xasprintf("the trace of the line (span %s)", span_id ? span_id : "?");
		jump_t j = { .trace_id = trace_id, .span_id = span_id, .why = why };
		rc = ui_jump(ui, "Traces", &j) ? 0 : -1;
		free(why);
	}
	free(trace_id);
	free(span_id);
	return rc;
}

static int pretty_trace(void *ctx)
{
	pretty_t *pr = ctx;
	return line_trace(pr->ui, pr->line, pr->len) == 0 ? OV_CLOSE : OV_KEEP;
}

static void pretty_free(void *p)
{
	pretty_t *pr = p;
	free(pr->ts);
	free(pr->labels);
	free(pr->line);
	free(pr);
}

static void pretty_fill(textbox_t *tb, void *ctx)
{
	pretty_t *pr = ctx;
	textbox_kv(tb, "time", pr->ts);
	textbox_kv(tb, "level", loglevel_name(pr->level));
	textbox_kv(tb, "stream", pr->labels);
	textbox_blank(tb);
	json_error_t je;
	json_t *j = json_loadb(pr->line, pr->len, JSON_ALLOW_NUL, &je);
	char *out = j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER) : NULL;
	json_decref(j);
	const char *s = out ? out : pr->line;
	size_t n = out ? strlen(out) : pr->len;
	/* line by line, each made visible: nothing of the log line reaches the terminal raw */
	size_t off = 0;
	while (off <= n) {
		size_t l = 0;
		while (off + l < n && s[off + l] != '\n')
			l++;
		char *r = text_render_line(s + off, l, LOGS_RENDER_WRAP_MAX, NULL);
		textbox_text(tb, EL_DEFAULT, r);
		free(r);
		off += l + 1;
	}
	free(out);
}

static void open_pretty(view_t *v)
{
	logs_view_t *lv = v->priv;
	logring_line_t e;
	if (settle(lv) != 0 || logring_get(lv->ring, lv->sel, &e) != 0 || e.kind != LOGRING_LINE) {
		ui_say(v->ui, 0, "no line selected");
		return;
	}
	pretty_t *pr = xcalloc(1, sizeof *pr);
	char ts[24];
	fmt_ts(e.ts_ns, lv->utc, ts, sizeof ts);
	pr->ts = xasprintf("%s (%" PRId64 " ns)", ts, e.ts_ns);
	const labels_t *l = logring_stream_labels(lv->ring, e.stream);
	char *lf = l ? labels_format(l) : xstrdup("{}");
	pr->labels = text_sanitize(lf);
	free(lf);
	pr->line = xmalloc(e.len + 1);
	memcpy(pr->line, e.line, e.len);
	pr->line[e.len] = '\0';
	pr->len = e.len;
	pr->level = e.level;
	pr->ui = v->ui;
	textbox_t *tb = textbox_open(v->ui, "Log line", pretty_fill, pr, pretty_free);
	if (tb)
		textbox_on_key(tb, 'T', "T its trace", pretty_trace);
}

/* ---- Tab in the query prompt: label names and values from Loki ---- */

static void completion_reset(logs_view_t *lv)
{
	if (lv->names_req)
		http_cancel(lv->names_req);
	if (lv->vals_req)
		http_cancel(lv->vals_req);
	lv->names_req = lv->vals_req = NULL;
	loki_names_free(lv->lnames, lv->n_lnames);
	lv->lnames = NULL;
	lv->n_lnames = 0;
	lv->have_lnames = 0;
	for (size_t i = 0; i < lv->n_vals; i++) {
		free(lv->vals[i].name);
		loki_names_free(lv->vals[i].v, lv->vals[i].n);
	}
	free(lv->vals);
	lv->vals = NULL;
	lv->n_vals = 0;
	free(lv->vals_name);
	lv->vals_name = NULL;
}

static void on_names(const http_response_t *resp, void *ud)
{
	view_t *v = ud;
	logs_view_t *lv = v->priv;
	lv->names_req = NULL;
	char *err = NULL;
	char **names = NULL;
	size_t n = 0;
	if (!resp->ok || loki_parse_names(resp->body, resp->len, resp->status, &names, &n, &err) != 0) {
		char *e = text_sanitize(resp->ok ? err : resp->error);
		ui_say(v->ui, 1, "label names: %s", e);
		free(e);
		free(err);
		return;
	}
	loki_names_free(lv->lnames, lv->n_lnames);
	lv->lnames = names;
	lv->n_lnames = n;
	lv->have_lnames = 1;
}

static void on_values(const http_response_t *resp, void *ud)
{
	view_t *v = ud;
	logs_view_t *lv = v->priv;
	lv->vals_req = NULL;
	char *err = NULL;
	char **names = NULL;
	size_t n = 0;
	char *name = lv->vals_name;
	lv->vals_name = NULL;
	if (!resp->ok || loki_parse_names(resp->body, resp->len, resp->status, &names, &n, &err) != 0) {
		char *e = text_sanitize(resp->ok ? err : resp->error);
		ui_say(v->ui, 1, "values of %s: %s", name, e);
		free(e);
		free(err);
		free(name);
		return;
	}
	lv->vals = xrealloc(lv->vals, (lv->n_vals + 1) * sizeof *lv->vals);
	lv->vals[lv->n_vals].name = name;
	lv->vals[lv->n_vals].v = names;
	lv->vals[lv->n_vals].n = n;
	lv->n_vals++;
}

/* Ask Loki (the window of the history) for label names, or a label's values. */
static void ask_labels(view_t *v, const char *value_of)
{
	logs_view_t *lv = v->priv;
	ui_t *ui = v->ui;
	if (!ui->ctx.loki || !*ui->ctx.loki || (value_of ? lv->vals_req != NULL : lv->names_req != NULL))
		return;
	if (!lv->hdrs)
		lv->hdrs = logtail_headers_new(&ui->ctx);
	int64_t now = now_unix_ns(), start = now - (int64_t)lv->since_ms * 1000000;
	char *url = value_of ? loki_url_label_values(ui->ctx.loki, value_of, start, now, NULL)
			     : loki_url_labels(ui->ctx.loki, start, now);
	http_opts_t o = { 0 };
	o.timeout_ms = ui->o->timeout_ms;
	o.headers = (const char *const *)lv->hdrs;
	if (value_of) {
		lv->vals_name = xstrdup(value_of);
		lv->vals_req = http_request(ui->http, url, &o, on_values, v);
	} else {
		lv->names_req = http_request(ui->http, url, &o, on_names, v);
	}
	free(url);
}

static logs_view_t *cur_logs(ui_t *ui);

static char *logs_complete(ui_t *ui, const char *text, char **cands)
{
	logs_view_t *lv = cur_logs(ui);
	view_t *v = ui_cur_view(ui);
	*cands = NULL;
	if (!lv)
		return NULL;
	size_t start;
	char *name;
	lqc_kind_t k = lqc_where(text, &start, &name);
	char *out = NULL;
	if (k == LQC_NAME) {
		if (!lv->have_lnames) {
			ask_labels(v, NULL);
			*cands = xstrdup("asking Loki for the label names... (Tab again)");
		} else {
			out = lqc_complete(text, start, k, lv->lnames, lv->n_lnames, cands);
		}
	} else if (k == LQC_VALUE) {
		struct logs_values *vs = NULL;
		for (size_t i = 0; i < lv->n_vals && !vs; i++)
			if (!strcmp(lv->vals[i].name, name))
				vs = &lv->vals[i];
		if (!vs) {
			ask_labels(v, name);
			char *sn = text_sanitize(name);
			*cands = xasprintf("asking Loki for the values of %s... (Tab again)", sn);
			free(sn);
		} else {
			out = lqc_complete(text, start, k, vs->v, vs->n, cands);
		}
	}
	free(name);
	/* the candidates come from outside: shown sanitised */
	if (*cands) {
		char *c = text_sanitize(*cands);
		free(*cands);
		*cands = c;
	}
	return out;
}

/* ---- requests ---- */

static void pause_here(logs_view_t *lv)
{
	if (!lv->follow)
		return;
	settle(lv);
	lv->follow = 0;
	lv->paused_next = logring_next(lv->ring);
	lv->new_below = 0;
	lv->scrolled_out = 0;
}

static int logs_move(logs_view_t *lv, int dir, int n, const logfilter_re_t *want, loglevel_t lvl)
{
	int moved = 0;
	for (int i = 0; i < n; i++) {
		uint64_t s;
		if (logfilter_step(lv->ring, &lv->filt, lv->sel, dir, want, lvl, &s) != 0)
			break;
		lv->sel = s;
		moved++;
	}
	return moved;
}

static req_t logs_view_request(view_t *v, req_t r)
{
	logs_view_t *lv = v->priv;
	int page = lv->page > 1 ? lv->page - 1 : 1;
	switch (r) {
	case REQ_UP:
	case REQ_PGUP:
		if (settle(lv) != 0)
			return REQ_NONE;
		pause_here(lv);
		logs_move(lv, -1, r == REQ_UP ? 1 : page, NULL, LOGLEVEL_UNKNOWN);
		return REQ_NONE;
	case REQ_DOWN:
	case REQ_PGDN:
		if (settle(lv) != 0 || lv->follow)
			return REQ_NONE;
		logs_move(lv, 1, r == REQ_DOWN ? 1 : page, NULL, LOGLEVEL_UNKNOWN);
		return REQ_NONE;
	case REQ_TOP: {
		if (settle(lv) != 0)
			return REQ_NONE;
		pause_here(lv);
		uint64_t first = logring_first(lv->ring), s;
		if (passes(lv, first))
			lv->sel = first;
		else if (logfilter_step(lv->ring, &lv->filt, first, 1, NULL, LOGLEVEL_UNKNOWN, &s) == 0)
			lv->sel = s;
		return REQ_NONE;
	}
	case REQ_BOTTOM:
	case REQ_FOLLOW:
		lv->follow = 1;
		return REQ_NONE;
	case REQ_NEXT_MATCH:
	case REQ_PREV_MATCH:
	case REQ_NEXT_ERROR:
	case REQ_PREV_ERROR: {
		int err = r == REQ_NEXT_ERROR || r == REQ_PREV_ERROR;
		int dir = r == REQ_NEXT_MATCH || r == REQ_NEXT_ERROR ? 1 : -1;
		if (!err && !lv->search.set) {
			ui_say(v->ui, 0, "no search yet: / sets one");
			return REQ_NONE;
		}
		if (settle(lv) != 0)
			return REQ_NONE;
		int was_follow = lv->follow;
		pause_here(lv);
		if (!logs_move(lv, dir, 1, err ? NULL : &lv->search, err ? LOGLEVEL_ERROR : LOGLEVEL_UNKNOWN)) {
			if (was_follow && dir > 0)
				lv->follow = 1;
			if (err)
				ui_say(v->ui, 0, "no %s error line", dir > 0 ? "later" : "earlier");
			else
				ui_say(v->ui, 0, "no %s line matches /%s", dir > 0 ? "later" : "earlier", lv->search.text);
		}
		return REQ_NONE;
	}
	case REQ_QUERY: {
		prompt_t *p = prompt_open(v->ui, "query: ", lv->query, query_enter, NULL, NULL, v, NULL);
		if (p) {
			prompt_completion(p, logs_complete);
			prompt_history(p, &lv->qhist);
		}
		return REQ_NONE;
	}
	case REQ_FILTER:
		free(lv->old_inc);
		lv->old_inc = lv->filt.inc.text ? xstrdup(lv->filt.inc.text) : NULL;
		prompt_open(v->ui, "/", lv->filt.inc.text, inc_enter, inc_change, inc_cancel, v, NULL);
		return REQ_NONE;
	case REQ_EXCLUDE:
		free(lv->old_exc);
		lv->old_exc = lv->filt.exc.text ? xstrdup(lv->filt.exc.text) : NULL;
		prompt_open(v->ui, "\\", lv->filt.exc.text, exc_enter, exc_change, exc_cancel, v, NULL);
		return REQ_NONE;
	case REQ_DETAILS:
		open_pretty(v);
		return REQ_NONE;
	case REQ_TRACES: {
		logring_line_t e;
		if (settle(lv) != 0 || logring_get(lv->ring, lv->sel, &e) != 0 || e.kind != LOGRING_LINE) {
			ui_say(v->ui, 0, "no line selected: pause (Up) and choose one");
			return REQ_NONE;
		}
		line_trace(v->ui, e.line, e.len);
		return REQ_NONE;
	}
	case REQ_WRAP:
		lv->wrap = !lv->wrap;
		ui_say(v->ui, 0, "wrap %s", lv->wrap ? "on" : "off");
		return REQ_NONE;
	case REQ_LABELS:
		lv->labels = !lv->labels;
		return REQ_NONE;
	default:
		return r;
	}
}

/* ---- the rest of the ops ---- */

static void logs_view_open(view_t *v)
{
	logs_view_t *lv = v->priv;
	const conf_t *c = v->ui->o->conf;
	size_t lines = c && c->log_lines > 0 ? (size_t)c->log_lines : LOGRING_DEFAULT_LINES;
	size_t bytes = c && c->log_bytes > 0 ? (size_t)c->log_bytes : LOGRING_DEFAULT_BYTES;
	lv->ring = logring_new(lines, bytes);
	lv->ring_lines = lines;
	lv->ring_bytes = bytes;
	logfilter_memo(&lv->filt, lines);
	ui_state_read("logs-queries", &lv->qhist);
	lv->qhist_saved = lv->qhist.added;
	lv->good.max = 1;
	ui_state_read("logs-query", &lv->good);
	lv->good.added = 0;
	lv->query = xstrdup(lv->good.n ? lv->good.v[lv->good.n - 1] : LOGS_DEFAULT_QUERY);
	lv->since_ms = LOGS_DEFAULT_SINCE_MS;
	lv->follow = 1;
	lv->labels = 1;
}

/* First shown, or another context (:ctx): start. Failed before the tail
 * began: try again at the refresh. */
static void logs_view_reload(view_t *v)
{
	logs_view_t *lv = v->priv;
	if (!lv->started || lv->gen != v->ui->ctx_gen || (lv->error && !lv->lf))
		logs_start(v);
}

static void logs_view_close(view_t *v)
{
	logs_view_t *lv = v->priv;
	if (lv->probe_req) {
		http_cancel(lv->probe_req);
		probe_free(lv->probe);
	}
	logs_stop(lv);
	completion_reset(lv);
	if (lv->ws) {
		/* lws on a foreign loop: close, let the loop close its handles, free */
		ws_client_close(lv->ws);
		for (int i = 0; i < 100 && uv_run(v->ui->loop, UV_RUN_NOWAIT); i++)
			;
		ws_client_free(lv->ws);
	}
	if (lv->qhist.added != lv->qhist_saved)
		ui_state_write("logs-queries", &lv->qhist);
	if (lv->good.added)
		ui_state_write("logs-query", &lv->good);
	history_free(&lv->qhist);
	history_free(&lv->good);
	logtail_headers_free(lv->hdrs);
	logring_free(lv->ring);
	logfilter_free(&lv->filt);
	logfilter_re_free(&lv->search);
	free(lv->old_inc);
	free(lv->old_exc);
	free(lv->query);
	free(lv->st_msg);
	free(lv->error);
	free(lv->note);
	free(lv->why);
	logvary_reset(&lv->vary);
}

static int logs_view_tick(view_t *v, double now)
{
	(void)now;
	logs_view_t *lv = v->priv;
	return lv->lf && logfollow_tail(lv->lf) && lv->st == LOGTAIL_WAITING; /* the countdown moves */
}

/* Another view asks for logs: an alert's or a panel's, around a moment. */
static int logs_view_jump(view_t *v, const jump_t *j)
{
	logs_view_t *lv = v->priv;
	ui_t *ui = v->ui;
	if (!ui->ctx.loki || !*ui->ctx.loki) {
		ui_say(ui, 1, "no Loki in this context: set 'loki:' in the config, LOKI_URL or --loki");
		return -1;
	}
	if (lv->probe_req) { /* a query typed before and still asked about: the jump wins */
		http_cancel(lv->probe_req);
		probe_free(lv->probe);
		lv->probe_req = NULL;
		lv->probe = NULL;
	}
	free(lv->query);
	lv->query = xstrdup(j->query);
	/* another question: the local filters of the last one would hide its answer */
	if (lv->filt.inc.set || lv->filt.exc.set) {
		filter_apply(v, 0, NULL, 0);
		filter_apply(v, 1, NULL, 0);
	}
	lv->focus_ns = j->focus_ns;
	lv->jump_start = j->start_ns ? j->start_ns : j->focus_ns ? j->focus_ns - LOGS_JUMP_BEFORE_NS : 0;
	free(lv->why);
	lv->why = j->why ? text_sanitize(j->why) : NULL;
	logs_start(v);
	if (lv->why)
		ui_say(ui, 0, "%s", lv->why);
	return 0;
}

void logs_jump_labels(ui_t *ui, const labels_t *l, const char *fallback, int64_t moment_ns,
		      const char *what)
{
	const conf_t *c = ui->o->conf;
	char *sel = logsel_from_labels(l, c && c->n_log_labels ? c->log_labels : NULL,
				       c ? c->n_log_labels : 0);
	jump_t j = { 0 };
	char *why;
	if (sel) {
		char *ss = text_sanitize(sel);
		why = xasprintf("logs of %s: %s", what, ss);
		free(ss);
	} else if (fallback && *fallback) {
		why = xasprintf("logs of %s (its panel's logs:)", what);
	} else {
		why = xasprintf("no label of %s names a log stream (config: logs: labels:): every stream", what);
	}
	j.query = sel ? sel : fallback && *fallback ? fallback : LOGS_DEFAULT_QUERY;
	j.focus_ns = moment_ns;
	j.why = why;
	ui_jump(ui, "Logs", &j);
	free(why);
	free(sel);
}

static logs_view_t *cur_logs(ui_t *ui)
{
	view_t *v = ui_cur_view(ui);
	return v->ops == &logs_view_ops ? v->priv : NULL;
}

static int cmd_query(ui_t *ui, const char *arg)
{
	logs_view_t *lv = cur_logs(ui);
	if (!lv)
		return -1;
	if (!arg || !*arg) {
		char *q = text_sanitize(lv->query);
		ui_say(ui, 0, "query: %s", q);
		free(q);
		return 0;
	}
	query_enter(ui, arg, ui_cur_view(ui));
	return 0;
}

static int cmd_since(ui_t *ui, const char *arg)
{
	logs_view_t *lv = cur_logs(ui);
	long long ms;
	if (!lv)
		return -1;
	if (!arg || duration_parse_ms(arg, &ms) != 0 || ms <= 0) {
		ui_say(ui, 1, "since: a duration such as 15m, 1h or 2d");
		return -1;
	}
	ask_first(ui_cur_view(ui), lv->query, ms);
	return 0;
}

static int cmd_utc(ui_t *ui, const char *arg)
{
	(void)arg;
	logs_view_t *lv = cur_logs(ui);
	if (!lv)
		return -1;
	lv->utc = !lv->utc;
	ui_say(ui, 0, "times in %s", lv->utc ? "UTC" : "local time");
	return 0;
}

static const command_t logs_cmds[] = {
	{ "query", NULL, "[LOGQL]", "follow a LogQL query: its history, then live (s does it too)", cmd_query },
	{ "since", NULL, "DURATION", "how much history the query reads first (default 15m)", cmd_since },
	{ "utc", NULL, "", "times in UTC or local time (toggle)", cmd_utc },
};

const view_ops_t logs_view_ops = {
	.name = "Logs",
	.hint = "s query  / filter  \\ exclude  n/N match  e/E error  F follow  p line  T trace  w wrap  c labels  ? help",
	.private_size = sizeof(logs_view_t),
	.keys = logs_keys,
	.n_keys = sizeof logs_keys / sizeof logs_keys[0],
	.cmds = logs_cmds,
	.n_cmds = sizeof logs_cmds / sizeof logs_cmds[0],
	.open = logs_view_open,
	.close = logs_view_close,
	.draw = logs_view_draw,
	.request = logs_view_request,
	.reload = logs_view_reload,
	.tick = logs_view_tick,
	.jump = logs_view_jump,
};
