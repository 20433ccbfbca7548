/* The Traces view: the connection to Jaeger, the traces found, and one
 * trace's waterfall (the span tree, bars on a time axis, folds, zoom and pan,
 * the critical path, span search), its keys and the jumps in; the search form
 * is in traces_form.c, a span's details and logs in traces_span.c. */
#include "config.h"
#include "app/traces.h"
#include "core/log.h"
#include "core/text.h"
#include "core/units.h"
#include "ui/canvas.h"
#include "ui/ui.h"
#include "ui/views/traces_int.h"
#include "ui/waterfall.h"
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *const sort_names[SORT__N] = { "time", "duration", "spans" };

static const keybind_t traces_keys[] = {
	LIST_KEYBINDS,
	{ '\r', "Enter", REQ_ENTER, "open the trace; on a span, its details" },
	{ '\n', NULL, REQ_ENTER, NULL },
	{ KEY_ENTER, NULL, REQ_ENTER, NULL },
	{ 's', "s", REQ_QUERY, "search: service, operation, tags, window, durations, limit" },
	{ 'o', "o", REQ_SORT, "sort the traces by time, duration or spans" },
	{ ' ', "Space c", REQ_COLLAPSE, "collapse or expand the span" },
	{ 'c', NULL, REQ_COLLAPSE, NULL },
	{ 'C', "C", REQ_COLLAPSE_ALL, "collapse every span below the roots, or expand all" },
	{ '*', "*", REQ_CRITICAL, "highlight the critical path (toggle)" },
	{ '+', "+ -", REQ_ZOOM_IN, "zoom the time axis in or out (around the span)" },
	{ '=', NULL, REQ_ZOOM_IN, NULL },
	{ '-', NULL, REQ_ZOOM_OUT, NULL },
	{ 'z', "z", REQ_ZOOM_SPAN, "zoom to the span" },
	{ '0', "0", REQ_ZOOM_RESET, "the whole trace again" },
	{ KEY_LEFT, "Left h", REQ_LEFT, "pan the time axis (zoomed)" },
	{ 'h', NULL, REQ_LEFT, NULL },
	{ KEY_RIGHT, "Right l", REQ_RIGHT, "pan the time axis (zoomed)" },
	{ 'l', NULL, REQ_RIGHT, NULL },
	{ '/', "/", REQ_FILTER, "find spans by operation, service or tag" },
	{ 'n', "n", REQ_NEXT_MATCH, "next span matching the last /" },
	{ 'N', "N", REQ_PREV_MATCH, "previous span matching the last /" },
	{ 'e', "e", REQ_NEXT_ERROR, "next error span" },
	{ 'E', "E", REQ_PREV_ERROR, "previous error span" },
	{ 'L', "L", REQ_LOGS, "the span's pod's logs carrying the trace id, from a minute before the span" },
	{ 'y', "y", REQ_COPY, "copy the trace id (OSC 52)" },
	{ 'r', "r", REQ_REFRESH, "search again (or fetch the trace again)" },
	{ 27, "Esc q", REQ_BACK, "from a trace: back to the traces found (else as everywhere)" },
	{ 'q', NULL, REQ_BACK_OR_QUIT, NULL },
};

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static char **strv_dup(char *const *v, size_t n)
{
	char **o = xcalloc(n ? n : 1, sizeof *o);
	for (size_t i = 0; i < n; i++)
		o[i] = xstrdup(v[i]);
	return o;
}

/* ---- the connection ---- */

static void results_clear(traces_view_t *tv)
{
	for (size_t i = 0; i < tv->n_res; i++)
		trace_summary_free(&tv->res[i]);
	free(tv->res);
	free(tv->order);
	tv->res = NULL;
	tv->order = NULL;
	tv->n_res = 0;
}

static void trace_clear(traces_view_t *tv)
{
	trace_free(tv->t);
	tv->t = NULL;
	free(tv->collapsed);
	free(tv->rows);
	tv->collapsed = NULL;
	tv->rows = NULL;
	tv->n_rows = 0;
	list_free(&tv->wl);
	memset(&tv->wl, 0, sizeof tv->wl);
}

/* Stop talking to the last context's Jaeger: what it said is forgotten too. */
static void tv_disconnect(traces_view_t *tv)
{
	traces_free(tv->tr);
	tv->tr = NULL;
	strv_free(tv->svcs, tv->n_svcs);
	tv->svcs = NULL;
	tv->n_svcs = 0;
	tv->have_svcs = tv->asking_svcs = 0;
	free(tv->svcs_err);
	tv->svcs_err = NULL;
	strv_free(tv->ops, tv->n_ops);
	tv->ops = NULL;
	tv->n_ops = 0;
	free(tv->ops_of);
	tv->ops_of = NULL;
	tv->searching = 0;
	free(tv->loading);
	tv->loading = NULL;
}

/* The context's Jaeger, connected on first use; NULL (and said) when it has none. */
traces_t *tv_conn(view_t *v, int say)
{
	traces_view_t *tv = tv_of(v);
	ui_t *ui = v->ui;
	if (tv->tr && tv->gen == ui->ctx_gen)
		return tv->tr;
	tv_disconnect(tv);
	if (!ui->ctx.jaeger || !*ui->ctx.jaeger) {
		if (say)
			ui_say(ui, 1, "no Jaeger in this context: set 'jaeger:' in the config, JAEGER_URL or --jaeger");
		return NULL;
	}
	traces_opts_t o = { .loop = ui->loop, .http = ui->http, .base = ui->ctx.jaeger,
			    .timeout_ms = ui->o->jaeger_timeout_ms };
	tv->tr = traces_new(&o);
	tv->gen = ui->ctx_gen;
	return tv->tr;
}

static void tv_open_trace(view_t *v, const char *id, const char *span);

/* The service a jump's words name best: one equal to a word (or icn-WORD),
 * else one whose distinctive part ("vortex" of icn-vortex) a word holds. */
static const char *resolve_hint(const traces_view_t *tv)
{
	for (size_t h = 0; h < tv->n_hints; h++)
		for (size_t i = 0; i < tv->n_svcs; i++) {
			const char *s = tv->svcs[i];
			if (strcasecmp(s, tv->hints[h]) == 0 ||
			    (strncasecmp(s, "icn-", 4) == 0 && strcasecmp(s + 4, tv->hints[h]) == 0))
				return s;
		}
	for (size_t h = 0; h < tv->n_hints; h++)
		for (size_t i = 0; i < tv->n_svcs; i++) {
			/* the service's last word: icn-super-node -> node is too common; take
			 * the part after a known prefix, else the whole name */
			const char *s = tv->svcs[i];
			const char *part = strncasecmp(s, "icn-", 4) == 0 ? s + 4 : s;
			char *p = xstrdup(part), *save = NULL;
			int hit = 0;
			for (char *w = strtok_r(p, "-_.", &save); w && !hit; w = strtok_r(NULL, "-_.", &save))
				if (strlen(w) >= 4 && strcasestr(tv->hints[h], w))
					hit = 1;
			free(p);
			if (hit)
				return s;
		}
	return NULL;
}


static void on_services(traces_t *t, char *const *names, size_t n, const char *err, void *ud)
{
	(void)t;
	view_t *v = ud;
	traces_view_t *tv = tv_of(v);
	tv->asking_svcs = 0;
	free(tv->svcs_err);
	tv->svcs_err = err ? text_sanitize(err) : NULL;
	/* the header's dot: the services are the API's first answer */
	if (err)
		backend_down(&v->ui->bk, &v->ui->bk.jaeger, 0, err);
	else
		backend_good(&v->ui->bk, &v->ui->bk.jaeger, 0);
	if (!err) {
		strv_free(tv->svcs, tv->n_svcs);
		tv->svcs = strv_dup(names, n);
		tv->n_svcs = n;
		tv->have_svcs = 1;
		if (!tv->searched)
			list_fit(&tv->rl, n, tv->rl.rows > 0 ? tv->rl.rows : 1);
	}
	if (tv->n_hints) {
		/* T on an alert waited for the names */
		const char *s = err ? NULL : resolve_hint(tv);
		if (s) {
			free(tv->service);
			tv->service = xstrdup(s);
			tv_search(v);
		} else {
			ui_say(v->ui, err != NULL, "%s", err ? tv->svcs_err :
			       "no Jaeger service is named by the alert: choose one (Tab completes)");
			/* what was found for another question must not pass for this one */
			results_clear(tv);
			tv->searched = 0;
			free(tv->service);
			tv->service = NULL;
			if (!err) {
				if (ui_cur_view(v->ui) == v)
					tv_form_open(v);
				else
					tv->want_form = 1; /* shown next (the jump shows it) */
			}
		}
		strv_free(tv->hints, tv->n_hints);
		tv->hints = NULL;
		tv->n_hints = 0;
	}
	ui_dirty(v->ui);
}

void tv_ask_services(view_t *v)
{
	traces_view_t *tv = tv_of(v);
	traces_t *t = tv_conn(v, 0);
	if (!t || tv->asking_svcs)
		return;
	tv->asking_svcs = 1;
	traces_services(t, on_services, v);
}

static void on_operations(traces_t *t, char *const *names, size_t n, const char *err, void *ud)
{
	(void)t;
	view_t *v = ud;
	traces_view_t *tv = tv_of(v);
	strv_free(tv->ops, tv->n_ops);
	tv->ops = err ? NULL : strv_dup(names, n);
	tv->n_ops = err ? 0 : n;
	if (err)
		ui_say(v->ui, 1, "operations: %s", err);
	ui_dirty(v->ui);
}

void tv_ask_operations(view_t *v, const char *service)
{
	traces_view_t *tv = tv_of(v);
	traces_t *t = tv_conn(v, 0);
	if (!t || !service || !*service || (tv->ops_of && strcmp(tv->ops_of, service) == 0))
		return;
	free(tv->ops_of);
	tv->ops_of = xstrdup(service);
	strv_free(tv->ops, tv->n_ops);
	tv->ops = NULL;
	tv->n_ops = 0;
	traces_operations(t, service, on_operations, v);
}

/* ---- results ---- */

static const trace_summary_t *res_at(const traces_view_t *tv, size_t row)
{
	return row < tv->n_res ? &tv->res[tv->order[row]] : NULL;
}

static char *res_key(void *ctx, size_t row)
{
	const trace_summary_t *s = res_at(ctx, row);
	return s ? xstrdup(s->trace_id) : NULL;
}

static int sort_key;
static const trace_summary_t *sort_base;
static int cmp_order(const void *a, const void *b)
{
	const trace_summary_t *x = &sort_base[*(const size_t *)a], *y = &sort_base[*(const size_t *)b];
	int64_t kx, ky;
	switch (sort_key) {
	case SORT_DURATION: kx = x->duration_us; ky = y->duration_us; break;
	case SORT_SPANS: kx = (int64_t)x->n_spans; ky = (int64_t)y->n_spans; break;
	default: kx = x->start_us; ky = y->start_us; break;
	}
	if (kx != ky)
		return kx > ky ? -1 : 1; /* newest, longest, biggest first */
	return strcmp(x->trace_id, y->trace_id);
}

static void resort(traces_view_t *tv)
{
	list_remember(&tv->rl, res_key, tv);
	for (size_t i = 0; i < tv->n_res; i++)
		tv->order[i] = i;
	sort_key = tv->sort;
	sort_base = tv->res;
	qsort(tv->order, tv->n_res, sizeof *tv->order, cmp_order);
	list_keep(&tv->rl, tv->n_res, res_key, tv);
}

static void on_search(traces_t *t, const trace_summary_t *rows, size_t n, const char *err, void *ud)
{
	(void)t;
	view_t *v = ud;
	traces_view_t *tv = tv_of(v);
	tv->searching = 0;
	free(tv->search_err);
	tv->search_err = NULL;
	if (err) {
		/* what was found before stays: the failure is said over it */
		tv->search_err = text_sanitize(err);
		ui_say(v->ui, 1, "search: %s", tv->search_err);
		ui_dirty(v->ui);
		return;
	}
	backend_good(&v->ui->bk, &v->ui->bk.jaeger, 0);
	list_remember(&tv->rl, res_key, tv);
	results_clear(tv);
	tv->res = xcalloc(n ? n : 1, sizeof *tv->res);
	tv->order = xcalloc(n ? n : 1, sizeof *tv->order);
	for (size_t i = 0; i < n; i++) {
		trace_summary_t *d = &tv->res[i];
		*d = rows[i];
		d->root_service = xstrdup(rows[i].root_service ? rows[i].root_service : "");
		d->root_operation = xstrdup(rows[i].root_operation ? rows[i].root_operation : "");
		d->services = xstrdup(rows[i].services ? rows[i].services : "");
	}
	tv->n_res = n;
	tv->searched = 1;
	tv->searched_at = now_unix();
	if (tv->service && *tv->service && (!tv->saved || strcmp(tv->saved, tv->service) != 0)) {
		/* the next session searches it again */
		history_t h = { .max = 1 };
		history_add(&h, tv->service);
		ui_state_write("traces-service", &h);
		history_free(&h);
		free(tv->saved);
		tv->saved = xstrdup(tv->service);
	}
	resort(tv);
	int64_t far_us = 0;
	if (tv->focus_us && n) {
		/* a jump: the trace that started nearest its moment */
		size_t best = 0;
		int64_t bd = INT64_MAX;
		for (size_t i = 0; i < n; i++) {
			int64_t d = res_at(tv, i)->start_us - tv->focus_us;
			if (d < 0)
				d = -d;
			if (d < bd) {
				bd = d;
				best = i;
			}
		}
		list_fit(&tv->rl, n, tv->rl.rows > 0 ? tv->rl.rows : 1);
		list_select(&tv->rl, best);
		if (bd > 60 * 1000000LL)
			far_us = res_at(tv, best)->start_us - tv->focus_us;
		tv->focus_us = 0;
	}
	if (tv->why && far_us) {
		/* Jaeger's answer holds nothing near the moment: say how far the nearest is */
		char d[24];
		span_format_us(far_us < 0 ? -far_us : far_us, d, sizeof d);
		ui_say(v->ui, 1, "%s: %zu trace%s, none near its start: the nearest starts %s %s", tv->why, n,
		       n == 1 ? "" : "s", d, far_us < 0 ? "before" : "after");
		free(tv->why);
		tv->why = NULL;
	} else if (tv->why) {
		ui_say(v->ui, 0, "%s: %zu trace%s", tv->why, n, n == 1 ? "" : "s");
		free(tv->why);
		tv->why = NULL;
	} else {
		ui_say(v->ui, 0, "%zu trace%s found", n, n == 1 ? "" : "s");
	}
	ui_dirty(v->ui);
}

/* The window asked: a fixed one, or the last lookback_ms. */
static void search_window(const traces_view_t *tv, int64_t *start, int64_t *end)
{
	if (tv->start_us) {
		*start = tv->start_us;
		*end = tv->end_us;
		return;
	}
	*end = now_unix_ns() / 1000;
	*start = *end - tv->lookback_ms * 1000;
}

void tv_search(view_t *v)
{
	traces_view_t *tv = tv_of(v);
	traces_t *t = tv_conn(v, 1);
	if (!t)
		return;
	if (!tv->service || !*tv->service) {
		tv_form_open(v);
		return;
	}
	jaeger_tag_t *tags = NULL;
	size_t n_tags = 0;
	char *err = NULL;
	if (tv->tags && *tv->tags && jaeger_parse_tags(tv->tags, &tags, &n_tags, &err) != 0) {
		ui_say(v->ui, 1, "tags: %s", err);
		free(err);
		return;
	}
	jaeger_query_t q = {
		.service = tv->service,
		.operation = tv->operation,
		.tags = tags,
		.n_tags = n_tags,
		.min_duration_us = tv->min_us,
		.max_duration_us = tv->max_us,
		.limit = tv->limit > 0 ? tv->limit : TV_LIMIT_DEFAULT,
	};
	search_window(tv, &q.start_us, &q.end_us);
	tv->searching = 1;
	tv->in_trace = 0;
	traces_search(t, &q, on_search, v);
	free(tags);
	ui_dirty(v->ui);
}

/* ---- the trace ---- */

static void rows_rebuild(traces_view_t *tv)
{
	if (!tv->t)
		return;
	uint32_t sel = tv->n_rows ? tv->rows[tv->wl.sel < tv->n_rows ? tv->wl.sel : 0] : 0;
	tv->n_rows = trace_rows(tv->t, tv->collapsed, tv->rows);
	/* the selected span stays selected, or its nearest shown ancestor */
	size_t best = 0;
	for (size_t i = 0; i < tv->n_rows; i++) {
		if (tv->rows[i] > sel)
			break;
		best = i;
	}
	list_fit(&tv->wl, tv->n_rows, tv->wl.rows > 0 ? tv->wl.rows : 1);
	list_select(&tv->wl, best);
}

static size_t row_of_span(traces_view_t *tv, uint32_t span)
{
	/* open every ancestor so the span is shown */
	for (int32_t p = tv->t->spans[span].parent; p != TRACE_NONE; p = tv->t->spans[p].parent)
		tv->collapsed[p] = 0;
	tv->n_rows = trace_rows(tv->t, tv->collapsed, tv->rows);
	for (size_t i = 0; i < tv->n_rows; i++)
		if (tv->rows[i] == span)
			return i;
	return 0;
}

static void select_span(traces_view_t *tv, uint32_t span)
{
	size_t r = row_of_span(tv, span);
	list_fit(&tv->wl, tv->n_rows, tv->wl.rows > 0 ? tv->wl.rows : 1);
	list_select(&tv->wl, r);
}

static void zoom_reset(traces_view_t *tv)
{
	tv->v0 = 0;
	tv->v1 = tv->t && tv->t->end_us > tv->t->start_us ? tv->t->end_us - tv->t->start_us : 1;
}

static void on_trace(traces_t *t, trace_t *trace, const char *err, void *ud)
{
	(void)t;
	view_t *v = ud;
	traces_view_t *tv = tv_of(v);
	free(tv->trace_err);
	tv->trace_err = NULL;
	if (!trace) {
		char *e0 = text_sanitize(err ? err : "no trace");
		/* say which trace, when the cause does not (Jaeger down, not Jaeger) */
		char *e = tv->loading && !strstr(e0, tv->loading) ? xasprintf("trace %s: %s", tv->loading, e0) : xstrdup(e0);
		free(e0);
		/* a log line's trace is often not in Jaeger yet: say it may come */
		tv->trace_err = strstr(e, "not found")
					? xasprintf("%s (Jaeger may not have it yet, or no longer: r asks again)", e)
					: xasprintf("%s (r asks again)", e);
		free(e);
		ui_say(v->ui, 1, "%s", tv->trace_err);
		/* the waterfall shown stays only when it is of the id asked (r failed) */
		if (tv->t && tv->loading && strcmp(tv->t->trace_id, tv->loading) != 0)
			trace_clear(tv);
		free(tv->loading);
		tv->loading = NULL;
		ui_dirty(v->ui);
		return;
	}
	trace_clear(tv);
	tv->t = trace;
	tv->arrived_ns = uv_hrtime();
	tv->collapsed = xcalloc(trace->n_spans ? trace->n_spans : 1, 1);
	tv->rows = xcalloc(trace->n_spans ? trace->n_spans : 1, sizeof *tv->rows);
	tv->n_rows = trace_rows(trace, tv->collapsed, tv->rows);
	zoom_reset(tv);
	tv->in_trace = 1;
	int32_t at = TRACE_NONE;
	if (tv->focus_span && *tv->focus_span)
		at = trace_find_span(trace, tv->focus_span);
	if (at != TRACE_NONE) {
		select_span(tv, (uint32_t)at);
		const trace_span_t *s = &trace->spans[at];
		char *op = text_sanitize(s->operation);
		ui_say(v->ui, 0, "trace %.16s: the span of the line, %s%s", trace->trace_id, op,
		       s->error ? " (error)" : "");
		free(op);
	} else {
		if (tv->focus_span && *tv->focus_span)
			ui_say(v->ui, 0, "span %s is not in the trace: showing its root", tv->focus_span);
		else if (trace->n_dropped)
			ui_say(v->ui, 1, "trace of %zu spans: the first %d are shown", trace->n_spans + trace->n_dropped,
			       TRACE_MAX_SPANS);
		list_select(&tv->wl, 0);
	}
	free(tv->loading);
	tv->loading = NULL;
	free(tv->focus_span);
	tv->focus_span = NULL;
	ui_dirty(v->ui);
}

static void tv_open_trace(view_t *v, const char *id, const char *span)
{
	traces_view_t *tv = tv_of(v);
	traces_t *t = tv_conn(v, 1);
	if (!t)
		return;
	/* another trace: the last one's waterfall must not pass for it while it comes */
	if (tv->t && strcmp(tv->t->trace_id, id) != 0)
		trace_clear(tv);
	free(tv->loading);
	tv->loading = xstrdup(id);
	if (tv->want != id) {
		free(tv->want);
		tv->want = xstrdup(id);
	}
	if (tv->want_span != span) {
		free(tv->want_span);
		tv->want_span = span ? xstrdup(span) : NULL;
	}
	free(tv->focus_span);
	tv->focus_span = span ? xstrdup(span) : NULL;
	free(tv->trace_err);
	tv->trace_err = NULL;
	tv->in_trace = 1;
	traces_get(t, id, on_trace, v);
	ui_dirty(v->ui);
}

/* ---- drawing ---- */

static theme_el_t svc_el(uint16_t svc)
{
	static const theme_el_t pal[] = { EL_SERIES1, EL_SERIES2, EL_SERIES3, EL_SERIES4, EL_SERIES5, EL_SERIES6 };
	return pal[svc % 6];
}

/* Wrapped text from row y of a; returns the row after it. */
static int draw_message(rect_t a, int y, const char *s, theme_el_t el)
{
	char *t = text_sanitize(s);
	int row = a.y + y;
	const char *p = t;
	while (*p && row < a.y + a.h) {
		size_t k = ui_wrap_piece(p, a.w - 2);
		char *piece = xstrndup(p, k);
		ui_put(row++, a.x + 1, a.w - 2, piece, ui_attr(el));
		free(piece);
		p += k;
		while (*p == ' ')
			p++;
	}
	free(t);
	return row - a.y;
}

static void fmt_start(int64_t us, char *buf, size_t n)
{
	time_t s = (time_t)(us / 1000000);
	struct tm tm;
	localtime_r(&s, &tm);
	time_t now = time(NULL);
	if (now - s < 20 * 3600 && now >= s - 60)
		strftime(buf, n, "%H:%M:%S", &tm);
	else
		strftime(buf, n, "%m-%d %H:%M", &tm);
}

static const char *api_word(const traces_view_t *tv)
{
	jaeger_api_t api = tv->tr ? traces_api(tv->tr) : JAEGER_API_UNKNOWN;
	return api == JAEGER_API_UNKNOWN ? "" : traces_api_name(api);
}

/* The view's first row: what is shown (the search, or the API and services). */
static void draw_info(view_t *v, rect_t a)
{
	traces_view_t *tv = tv_of(v);
	char *s;
	if (!tv->searched) {
		s = xasprintf("Jaeger %s%s%s", api_word(tv), tv->have_svcs ? "  " : "",
			      tv->have_svcs ? (tv->n_svcs == 1 ? "1 service" : "services") : "");
	} else {
		char lb[16], win[64], at[16];
		if (tv->start_us) {
			char w0[16], w1[16];
			time_t ta = (time_t)(tv->start_us / 1000000), tb = (time_t)(tv->end_us / 1000000);
			struct tm tm;
			strftime(w0, sizeof w0, "%H:%M:%S", localtime_r(&ta, &tm));
			strftime(w1, sizeof w1, "%H:%M:%S", localtime_r(&tb, &tm));
			snprintf(win, sizeof win, "%s..%s", w0, w1);
		} else {
			snprintf(win, sizeof win, "last %s", duration_format(tv->lookback_ms, lb, sizeof lb));
		}
		time_t st = (time_t)tv->searched_at;
		struct tm tm;
		strftime(at, sizeof at, "%H:%M:%S", localtime_r(&st, &tm));
		char *svc = text_sanitize(tv->service ? tv->service : "");
		char *op = tv->operation && *tv->operation ? text_sanitize(tv->operation) : NULL;
		char *tags = tv->tags && *tv->tags ? text_sanitize(tv->tags) : NULL;
		s = xasprintf("%s%s%s%s%s  %s  %zu found at %s  by %s  Jaeger %s%s", svc, op ? " " : "", op ? op : "",
			      tags ? " " : "", tags ? tags : "", win, tv->n_res, at, sort_names[tv->sort], api_word(tv),
			      tv->searching ? "  searching..." : "");
		free(svc);
		free(op);
		free(tags);
	}
	ui_put_cut(a.y, a.x + 1, a.w - 2, s, ui_attr(EL_DIM) | A_BOLD);
	free(s);
}

static void draw_results(view_t *v, rect_t a)
{
	traces_view_t *tv = tv_of(v);
	ui_t *ui = v->ui;
	if (!ui->ctx.jaeger || !*ui->ctx.jaeger) {
		draw_message(a, 1, "No Jaeger in this context: set 'jaeger:' in the config (or JAEGER_URL, --jaeger).", EL_DIM);
		return;
	}
	if (!tv->searched && tv->searching) {
		char *svc = text_sanitize(tv->service ? tv->service : "");
		char *m = xasprintf("searching the traces of %s...", svc);
		draw_message(a, 1, m, EL_DIM);
		free(m);
		free(svc);
		return;
	}
	if (!tv->searched) {
		/* before any search: the services, Enter searches one */
		if (tv->svcs_err) {
			int y = draw_message(a, 1, tv->svcs_err, EL_ERROR);
			draw_message(a, y + 1, "r asks again; s opens the search form.", EL_DIM);
			return;
		}
		if (!tv->have_svcs) {
			draw_message(a, 1, tv->searching ? "searching..." : "asking Jaeger for its services...", EL_DIM);
			return;
		}
		if (!tv->n_svcs) {
			draw_message(a, 1, "Jaeger knows no service yet (nothing was traced in its retention).", EL_DIM);
			return;
		}
		draw_info(v, a);
		ui_fill((rect_t){ a.x, a.y + 1, a.w, 1 }, ui_attr(EL_TABLE_HEADER));
		ui_put(a.y + 1, a.x, a.w, " SERVICE   (Enter: its traces of the last hour; s: the search form)",
		       ui_attr(EL_TABLE_HEADER) | A_BOLD);
		int rows = a.h - 2;
		list_fit(&tv->rl, tv->n_svcs, rows);
		for (int i = 0; i < rows && tv->rl.top + (size_t)i < tv->n_svcs; i++) {
			size_t k = tv->rl.top + (size_t)i;
			int sel = k == tv->rl.sel;
			char *s = text_sanitize(tv->svcs[k]);
			ui_fill((rect_t){ a.x, a.y + 2 + i, a.w, 1 }, ui_attr(sel ? EL_SELECTED : EL_DEFAULT));
			ui_put(a.y + 2 + i, a.x + 1, a.w - 2, s, ui_attr(sel ? EL_SELECTED : EL_DEFAULT));
			free(s);
		}
		return;
	}
	draw_info(v, a);
	a.y++;
	a.h--;
	int wide = a.w >= 110;
	/* HH:MM:SS, or MM-DD HH:MM when a trace is older than today's */
	int wstart = 8;
	for (size_t i = 0; i < tv->n_res; i++) {
		char b[32];
		fmt_start(tv->res[i].start_us, b, sizeof b);
		if (tv->res[i].n_spans && strlen(b) > 8)
			wstart = 11;
	}
	int wdur = 7, wbar = a.w >= 100 ? 16 : 8, wsp = 6, werr = 4;
	int wsvc = wide ? (a.w - 60) / 2 : 0;
	int wroot = a.w - (1 + wstart + 1 + wdur + 1 + wbar + 1 + wsp + 1 + werr + 1) - (wsvc ? wsvc + 1 : 0);
	if (wroot < 10)
		wroot = 10;
	char hdr[512];
	snprintf(hdr, sizeof hdr, " %-*s %*s %-*s %*s %*s %-*s%s%s", wstart, "START", wdur, "LENGTH", wbar, "",
		 wsp, "SPANS", werr, "ERR", wroot, "ROOT", wsvc ? " " : "", wsvc ? "SERVICES" : "");
	ui_fill((rect_t){ a.x, a.y, a.w, 1 }, ui_attr(EL_TABLE_HEADER));
	ui_put(a.y, a.x, a.w, hdr, ui_attr(EL_TABLE_HEADER) | A_BOLD);
	int rows = a.h - 1 - (tv->search_err ? 1 : 0);
	if (tv->n_res == 0) {
		char *m = xasprintf("No trace of %s in the window%s%s. s changes the search.", tv->service ? tv->service : "?",
				    tv->operation && *tv->operation ? " for " : "", tv->operation ? tv->operation : "");
		draw_message(a, 2, tv->searching ? "searching..." : m, EL_DIM);
		free(m);
	}
	list_fit(&tv->rl, tv->n_res, rows > 0 ? rows : 1);
	int64_t longest = 1;
	for (size_t i = 0; i < tv->n_res; i++)
		if (tv->res[i].duration_us > longest)
			longest = tv->res[i].duration_us;
	for (int i = 0; i < rows && tv->rl.top + (size_t)i < tv->n_res; i++) {
		size_t k = tv->rl.top + (size_t)i;
		const trace_summary_t *s = res_at(tv, k);
		int y = a.y + 1 + i, sel = k == tv->rl.sel;
		attr_t base = ui_attr(sel ? EL_SELECTED : EL_DEFAULT);
		ui_fill((rect_t){ a.x, y, a.w, 1 }, base);
		char st[32], du[24], sp[16], er[16];
		if (s->n_spans)
			fmt_start(s->start_us, st, sizeof st);
		else
			snprintf(st, sizeof st, "-");
		span_format_us(s->duration_us, du, sizeof du);
		snprintf(sp, sizeof sp, "%zu", s->n_spans);
		snprintf(er, sizeof er, "%zu", s->n_errors);
		int x = a.x + 1;
		ui_put(y, x, wstart, st, base);
		x += wstart + 1;
		ui_printf(y, x, wdur, base, "%*s", wdur, du);
		x += wdur + 1;
		char *bar = bar_render((double)s->duration_us / (double)longest, wbar, ui->scr.glyphs);
		ui_put(y, x, wbar, bar, sel ? base : ui_attr(s->n_errors ? EL_VALUE_CRIT : EL_SERIES1));
		free(bar);
		x += wbar + 1;
		ui_printf(y, x, wsp, base, "%*s", wsp, sp);
		x += wsp + 1;
		ui_printf(y, x, werr, s->n_errors && !sel ? ui_attr(EL_VALUE_CRIT) | A_BOLD : base, "%*s", werr,
			  s->n_errors ? er : "-");
		x += werr + 1;
		char *root = s->n_spans ? xasprintf("%s: %s", s->root_service, s->root_operation) : xstrdup("(no spans)");
		char *rs = text_sanitize(root);
		ui_put_cut(y, x, wroot, rs, base);
		free(rs);
		free(root);
		if (wsvc) {
			char *ss = text_sanitize(s->services);
			ui_put_cut(y, x + wroot + 1, wsvc, ss, sel ? base : ui_attr(EL_DIM));
			free(ss);
		}
	}
	if (tv->search_err)
		ui_put_cut(a.y + a.h - 1, a.x + 1, a.w - 2, tv->search_err, ui_attr(EL_ERROR) | A_BOLD);
}

static void draw_trace(view_t *v, rect_t a)
{
	traces_view_t *tv = tv_of(v);
	ui_t *ui = v->ui;
	trace_t *t = tv->t;
	if (!t) {
		if (tv->trace_err) {
			int y = draw_message(a, 1, tv->trace_err, EL_ERROR);
			draw_message(a, y + 1, "r asks again; Esc goes back to the traces found.", EL_DIM);
		} else {
			char *m = xasprintf("fetching trace %s...", tv->loading ? tv->loading : "");
			draw_message(a, 1, m, EL_DIM);
			free(m);
		}
		return;
	}
	/* row 0: the trace; row 1: the axis; then the spans */
	const trace_span_t *root = t->n_spans ? &t->spans[0] : NULL;
	char du[24];
	span_format_us(t->end_us - t->start_us, du, sizeof du);
	/* the numbers on the right, always whole; the root's name takes what is left */
	char *nums = xasprintf("%s  %zu span%s  %zu error%s ", du, t->n_spans, t->n_spans == 1 ? "" : "s", t->n_errors,
			       t->n_errors == 1 ? "" : "s");
	if (a.w >= 120) {
		char *x = xasprintf("%s %zu service%s ", nums, t->n_services, t->n_services == 1 ? "" : "s");
		free(nums);
		nums = x;
	}
	if (t->n_warnings) {
		char *x = xasprintf("%s %s", nums, a.w >= 120 ? "warnings: Enter on the root " : "warnings ");
		free(nums);
		nums = x;
	}
	char *head = root ? xasprintf(" trace %.16s  %s: %s", t->trace_id, trace_span_service(t, root), root->operation)
			  : xasprintf(" trace %.16s  (no spans)", t->trace_id);
	char *hs = text_sanitize(head);
	int nw = utf8_width(nums);
	ui_fill((rect_t){ a.x, a.y, a.w, 1 }, ui_attr(EL_TABLE_HEADER));
	ui_put_cut(a.y, a.x, a.w - nw - 1, hs, ui_attr(EL_TABLE_HEADER) | A_BOLD);
	ui_put(a.y, a.x + a.w - nw, nw, nums, ui_attr(t->n_errors ? EL_VALUE_CRIT : EL_TABLE_HEADER) | A_BOLD);
	free(hs);
	free(head);
	free(nums);
	if (tv->loading)
		ui_put(a.y + 1, a.x + a.w - 12, 12, " fetching...", ui_attr(EL_DIM));

	wf_geom_t g;
	wf_geometry(a.w, &g);
	/* the axis: ticks relative to the trace's start */
	char axis[1024];
	wf_axis(tv->v0, tv->v1, g.bar_w, axis, sizeof axis);
	ui_fill((rect_t){ a.x, a.y + 1, a.w, 1 }, ui_attr(EL_AXIS));
	int zoomed = tv->v1 - tv->v0 < t->end_us - t->start_us;
	ui_printf_cut(a.y + 1, a.x + 1, g.label_w - 1, ui_attr(EL_AXIS) | A_BOLD, "SPAN%s%s",
		      zoomed ? "  zoomed: 0 resets" : "", tv->critical ? "  * critical path" : "");
	ui_put(a.y + 1, a.x + g.bar_x, g.bar_w, axis, ui_attr(EL_AXIS));

	int rows = a.h - 2;
	tv->page = rows;
	list_fit(&tv->wl, tv->n_rows, rows > 0 ? rows : 1);
	for (int i = 0; i < rows && tv->wl.top + (size_t)i < tv->n_rows; i++) {
		size_t k = tv->wl.top + (size_t)i;
		uint32_t si = tv->rows[k];
		const trace_span_t *s = &t->spans[si];
		int y = a.y + 2 + i, sel = k == tv->wl.sel;
		attr_t base = ui_attr(sel ? EL_SELECTED : EL_DEFAULT);
		wf_label_t lab;
		wf_label(t, si, tv->collapsed, g.label_w - 1, &lab);
		ui_fill((rect_t){ a.x, y, g.label_w, 1 }, base);
		int x = a.x + 1;
		ui_put(y, x, lab.indent_w, lab.indent, sel ? base : ui_attr(EL_DIM));
		if (lab.dot_at >= 0)
			ui_put(y, x + lab.dot_at, 1, ui_glyph(GL_DOT), sel ? base : ui_attr(EL_DIM));
		x += lab.indent_w;
		ui_put(y, x, 2, lab.twisty ? ui_glyph(lab.twisty > 0 ? GL_EXPANDED : GL_COLLAPSED) : " ", base);
		x += 2;
		if (s->error)
			ui_put(y, x, 1, "!", sel ? base | A_BOLD : ui_attr(EL_VALUE_CRIT) | A_BOLD);
		if (tv->critical) {
			/* a column of its own while the path is shown: a failed span on it is both */
			if (s->critical)
				ui_put(y, x + 1, 1, "*", base | A_BOLD);
			x += 1;
		}
		x += 1;
		int room = a.x + g.label_w - x;
		char *svc = text_sanitize(trace_span_service(t, s));
		char *op = text_sanitize(s->operation);
		int used = ui_put_cut(y, x, room, svc, sel ? base : ui_attr(svc_el(s->svc)));
		if (used + 1 < room)
			ui_put_cut(y, x + used + 1, room - used - 1, op, base | (s->error ? A_BOLD : 0));
		free(svc);
		free(op);
		if (lab.hidden) {
			char more[24];
			snprintf(more, sizeof more, " +%u", lab.hidden);
			int mw = (int)strlen(more);
			if (mw < room)
				ui_put(y, a.x + g.label_w - mw, mw, more, sel ? base : ui_attr(EL_DIM));
		}
		/* the bar */
		ui_put(y, a.x + g.label_w, 1, ui_glyph(GL_BAR), ui_attr(EL_AXIS));
		int c0, c1;
		int64_t st = s->start_us - t->start_us;
		attr_t ba = ui_attr(s->error ? EL_VALUE_CRIT : svc_el(s->svc)) | A_REVERSE;
		if (tv->critical)
			ba = s->critical ? ba | A_BOLD : ui_attr(EL_DIM);
		char txt[64], sf[24];
		span_format_us(s->duration_us, du, sizeof du);
		if (g.bar_w >= 50 && s->self_us != s->duration_us)
			snprintf(txt, sizeof txt, "%s (self %s)", du, span_format_us(s->self_us, sf, sizeof sf));
		else
			snprintf(txt, sizeof txt, "%s", du);
		if (trace_bar_cols(st, s->duration_us, tv->v0, tv->v1, g.bar_w, &c0, &c1) == 0) {
			int bx = a.x + g.bar_x;
			for (int c = c0; c < c1; c++)
				ui_put(y, bx + c, 1, tv->critical || !ui->scr.ascii ? " " : "#", ba);
			int tw = (int)strlen(txt);
			if (c1 + 1 + tw <= g.bar_w)
				ui_put(y, bx + c1 + 1, tw, txt, sel ? base : ui_attr(EL_DEFAULT));
			else if (c0 - 1 - tw >= 0)
				ui_put(y, bx + c0 - 1 - tw, tw, txt, sel ? base : ui_attr(EL_DEFAULT));
			else
				ui_put(y, bx + c0, c1 - c0, txt, ba);
		} else {
			/* outside the zoomed window: say which way it is */
			ui_put(y, a.x + g.bar_x + (c0 ? g.bar_w - 1 : 0), 1, c0 ? ">" : "<", ui_attr(EL_DIM));
		}
		if (sel)
			ui_put(y, a.x, 1, ">", base | A_BOLD);
	}
	if (tv->arrived_ns && log_enabled()) {
		log_msg("traces: waterfall of %zu spans drawn %.1f ms after the trace arrived", t->n_spans,
			(double)(uv_hrtime() - tv->arrived_ns) / 1e6);
	}
	tv->arrived_ns = 0;
}

static void traces_view_draw(view_t *v, rect_t a)
{
	traces_view_t *tv = tv_of(v);
	if (tv->in_trace)
		draw_trace(v, a);
	else
		draw_results(v, a);
}

/* ---- keys ---- */

static int find_next(traces_view_t *tv, int dir, int errors)
{
	if (!tv->t || !tv->t->n_spans)
		return 0;
	/* search every span (collapsed ones too); open what hides the hit */
	size_t n = tv->t->n_spans;
	uint32_t cur = tv->n_rows ? tv->rows[tv->wl.sel] : 0;
	for (size_t k = 1; k <= n; k++) {
		uint32_t i = (uint32_t)((cur + (dir > 0 ? k : n - k)) % n);
		const trace_span_t *s = &tv->t->spans[i];
		if (errors ? s->error : trace_span_matches(tv->t, s, tv->find)) {
			select_span(tv, i);
			return 1;
		}
	}
	return 0;
}

static void find_enter(ui_t *ui, const char *text, void *ud)
{
	view_t *v = ud;
	traces_view_t *tv = tv_of(v);
	free(tv->find);
	tv->find = text && *text ? xstrdup(text) : NULL;
	if (!tv->find)
		return;
	size_t hits = 0;
	for (size_t i = 0; i < tv->t->n_spans; i++)
		hits += trace_span_matches(tv->t, &tv->t->spans[i], tv->find) != 0;
	char *f = text_sanitize(tv->find);
	if (!hits)
		ui_say(ui, 0, "no span matches %s", f);
	else if (find_next(tv, 1, 0))
		ui_say(ui, 0, "%zu span%s %s (n/N)", hits, hits == 1 ? " matches" : "s match", f);
	free(f);
}

static void collapse_all(traces_view_t *tv)
{
	int any_open = 0;
	for (size_t i = 0; i < tv->t->n_spans; i++)
		if (tv->t->spans[i].depth >= 1 && tv->t->spans[i].n_children && !tv->collapsed[i])
			any_open = 1;
	for (size_t i = 0; i < tv->t->n_spans; i++)
		tv->collapsed[i] = any_open && tv->t->spans[i].depth >= 1 && tv->t->spans[i].n_children;
	rows_rebuild(tv);
}

static void zoom(traces_view_t *tv, double f)
{
	int64_t full = tv->t->end_us - tv->t->start_us;
	if (full <= 0)
		full = 1;
	int64_t c;
	if (tv->n_rows) {
		const trace_span_t *s = &tv->t->spans[tv->rows[tv->wl.sel]];
		c = s->start_us - tv->t->start_us + s->duration_us / 2;
	} else {
		c = (tv->v0 + tv->v1) / 2;
	}
	int64_t w = (int64_t)((double)(tv->v1 - tv->v0) * f);
	if (w < 10)
		w = 10;
	if (w >= full) {
		zoom_reset(tv);
		return;
	}
	tv->v0 = c - w / 2;
	if (tv->v0 < 0)
		tv->v0 = 0;
	if (tv->v0 + w > full)
		tv->v0 = full - w;
	tv->v1 = tv->v0 + w;
}

static req_t trace_request(view_t *v, req_t r)
{
	traces_view_t *tv = tv_of(v);
	ui_t *ui = v->ui;
	if (!tv->t) {
		if (r == REQ_BACK || r == REQ_BACK_OR_QUIT) {
			tv->in_trace = 0;
			return REQ_NONE;
		}
		if (r == REQ_REFRESH && tv->want && !tv->loading) {
			tv_open_trace(v, tv->want, tv->want_span);
			return REQ_NONE;
		}
		return r == REQ_QUERY ? (tv_form_open(v), REQ_NONE) : r;
	}
	if (!tv->t->n_spans) {
		/* nothing to fold, find or follow: what a trace without spans allows */
		switch (r) {
		case REQ_BACK:
		case REQ_BACK_OR_QUIT:
			tv->in_trace = 0;
			return REQ_NONE;
		case REQ_REFRESH:
			tv_open_trace(v, tv->t->trace_id, NULL);
			return REQ_NONE;
		case REQ_QUERY:
			tv_form_open(v);
			return REQ_NONE;
		case REQ_COPY:
			ui_copy(ui, "trace id", tv->t->trace_id);
			return REQ_NONE;
		case REQ_UP: case REQ_DOWN: case REQ_PGUP: case REQ_PGDN: case REQ_TOP: case REQ_BOTTOM:
		case REQ_ENTER: case REQ_DETAILS: case REQ_COLLAPSE: case REQ_COLLAPSE_ALL: case REQ_CRITICAL:
		case REQ_ZOOM_IN: case REQ_ZOOM_OUT: case REQ_ZOOM_SPAN: case REQ_ZOOM_RESET: case REQ_LEFT:
		case REQ_RIGHT: case REQ_FILTER: case REQ_NEXT_MATCH: case REQ_PREV_MATCH: case REQ_NEXT_ERROR:
		case REQ_PREV_ERROR: case REQ_LOGS:
			ui_say(ui, 0, "this trace has no spans");
			return REQ_NONE;
		default:
			return r;
		}
	}
	if (list_request(&tv->wl, r))
		return REQ_NONE;
	uint32_t span = tv->n_rows ? tv->rows[tv->wl.sel] : 0;
	const trace_span_t *s = &tv->t->spans[span];
	switch (r) {
	case REQ_BACK:
	case REQ_BACK_OR_QUIT:
		tv->in_trace = 0;
		return REQ_NONE;
	case REQ_ENTER:
	case REQ_DETAILS:
		tv_span_details(v);
		return REQ_NONE;
	case REQ_COLLAPSE:
		if (!s->n_children) {
			/* a leaf: collapse its parent, like a tree's Left */
			if (s->parent != TRACE_NONE) {
				tv->collapsed[s->parent] = 1;
				rows_rebuild(tv);
			}
			return REQ_NONE;
		}
		tv->collapsed[span] = !tv->collapsed[span];
		rows_rebuild(tv);
		return REQ_NONE;
	case REQ_COLLAPSE_ALL:
		collapse_all(tv);
		return REQ_NONE;
	case REQ_CRITICAL:
		tv->critical = !tv->critical;
		ui_say(ui, 0, "critical path %s", tv->critical ? "highlighted (*): the spans the trace's length waited on" : "off");
		return REQ_NONE;
	case REQ_ZOOM_IN:
		zoom(tv, 0.5);
		return REQ_NONE;
	case REQ_ZOOM_OUT:
		zoom(tv, 2.0);
		return REQ_NONE;
	case REQ_ZOOM_SPAN: {
		int64_t st = s->start_us - tv->t->start_us, d = s->duration_us > 10 ? s->duration_us : 10;
		tv->v0 = st - d / 20 > 0 ? st - d / 20 : 0;
		tv->v1 = st + d + d / 20;
		return REQ_NONE;
	}
	case REQ_ZOOM_RESET:
		zoom_reset(tv);
		return REQ_NONE;
	case REQ_LEFT:
	case REQ_RIGHT: {
		int64_t full = tv->t->end_us - tv->t->start_us, w = tv->v1 - tv->v0;
		if (w >= full) {
			ui_say(ui, 0, "the whole trace is shown: + or z zooms in first");
			return REQ_NONE;
		}
		int64_t step = w / 4 ? w / 4 : 1;
		tv->v0 += r == REQ_LEFT ? -step : step;
		if (tv->v0 < 0)
			tv->v0 = 0;
		if (tv->v0 + w > full)
			tv->v0 = full - w;
		tv->v1 = tv->v0 + w;
		return REQ_NONE;
	}
	case REQ_FILTER:
		prompt_open(ui, "find span: ", NULL, find_enter, NULL, NULL, v, NULL);
		return REQ_NONE;
	case REQ_NEXT_MATCH:
	case REQ_PREV_MATCH:
		if (!tv->find)
			ui_say(ui, 0, "no search yet: / sets one");
		else if (!find_next(tv, r == REQ_NEXT_MATCH ? 1 : -1, 0))
			ui_say(ui, 0, "no span matches");
		return REQ_NONE;
	case REQ_NEXT_ERROR:
	case REQ_PREV_ERROR:
		if (!find_next(tv, r == REQ_NEXT_ERROR ? 1 : -1, 1))
			ui_say(ui, 0, "no error span in this trace");
		return REQ_NONE;
	case REQ_LOGS:
		tv_span_logs(v, span);
		return REQ_NONE;
	case REQ_COPY:
		ui_copy(ui, "trace id", tv->t->trace_id);
		return REQ_NONE;
	case REQ_REFRESH: {
		char *id = xstrdup(tv->t->trace_id), *sp = xstrdup(s->span_id);
		tv_open_trace(v, id, sp);
		free(id);
		free(sp);
		return REQ_NONE;
	}
	case REQ_QUERY:
		tv_form_open(v);
		return REQ_NONE;
	default:
		return r;
	}
}

static req_t results_request(view_t *v, req_t r)
{
	traces_view_t *tv = tv_of(v);
	ui_t *ui = v->ui;
	size_t n = tv->searched ? tv->n_res : tv->n_svcs;
	tv->rl.n = n;
	if (list_request(&tv->rl, r))
		return REQ_NONE;
	switch (r) {
	case REQ_ENTER:
		if (!tv->searched) {
			if (!n) {
				tv_form_open(v);
				return REQ_NONE;
			}
			free(tv->service);
			tv->service = xstrdup(tv->svcs[tv->rl.sel]);
			/* "its traces of the last hour": nothing of an earlier jump or search */
			tv->start_us = tv->end_us = 0;
			tv->lookback_ms = TV_LOOKBACK_DEFAULT_MS;
			tv->focus_us = 0;
			tv->limit = TV_LIMIT_DEFAULT;
			tv->min_us = tv->max_us = 0;
			free(tv->operation);
			free(tv->tags);
			free(tv->window);
			tv->operation = tv->tags = tv->window = NULL;
			free(tv->why);
			tv->why = NULL;
			tv_search(v);
			return REQ_NONE;
		}
		if (n) {
			const trace_summary_t *s = res_at(tv, tv->rl.sel);
			tv_open_trace(v, s->trace_id, NULL);
		}
		return REQ_NONE;
	case REQ_QUERY:
		tv_form_open(v);
		return REQ_NONE;
	case REQ_SORT:
		tv->sort = (tv->sort + 1) % SORT__N;
		resort(tv);
		ui_say(ui, 0, "sorted by %s", sort_names[tv->sort]);
		return REQ_NONE;
	case REQ_REFRESH:
		if (tv->searched)
			tv_search(v);
		else {
			tv_conn(v, 1);
			tv->have_svcs = 0;
			free(tv->svcs_err);
			tv->svcs_err = NULL;
			tv_ask_services(v);
		}
		return REQ_NONE;
	case REQ_COPY:
		if (tv->searched && n)
			ui_copy(ui, "trace id", res_at(tv, tv->rl.sel)->trace_id);
		return REQ_NONE;
	case REQ_COLLAPSE: case REQ_COLLAPSE_ALL: case REQ_CRITICAL: case REQ_ZOOM_IN: case REQ_ZOOM_OUT:
	case REQ_ZOOM_SPAN: case REQ_ZOOM_RESET: case REQ_LEFT: case REQ_RIGHT: case REQ_FILTER:
	case REQ_NEXT_MATCH: case REQ_PREV_MATCH: case REQ_NEXT_ERROR: case REQ_PREV_ERROR: case REQ_LOGS:
		ui_say(ui, 0, "in a trace: open one first (Enter)");
		return REQ_NONE;
	default:
		return r;
	}
}

static req_t traces_view_request(view_t *v, req_t r)
{
	traces_view_t *tv = tv_of(v);
	return tv->in_trace ? trace_request(v, r) : results_request(v, r);
}

/* ---- the rest of the ops ---- */

static void traces_view_open(view_t *v)
{
	traces_view_t *tv = tv_of(v);
	tv->lookback_ms = TV_LOOKBACK_DEFAULT_MS;
	tv->limit = TV_LIMIT_DEFAULT;
	history_t h = { .max = 1 };
	ui_state_read("traces-service", &h);
	if (h.n) {
		tv->service = xstrdup(h.v[h.n - 1]);
		tv->saved = xstrdup(h.v[h.n - 1]);
	}
	history_free(&h);
}

static void traces_view_close(view_t *v)
{
	traces_view_t *tv = tv_of(v);
	tv_disconnect(tv);
	results_clear(tv);
	trace_clear(tv);
	list_free(&tv->rl);
	strv_free(tv->hints, tv->n_hints);
	free(tv->service);
	free(tv->operation);
	free(tv->tags);
	free(tv->window);
	free(tv->search_err);
	free(tv->trace_err);
	free(tv->focus_span);
	free(tv->find);
	free(tv->why);
	free(tv->want);
	free(tv->want_span);
	free(tv->saved);
}

/* Shown (or another context): the services, and the last service's traces. */
static void traces_view_reload(view_t *v)
{
	traces_view_t *tv = tv_of(v);
	if (tv->tr && tv->gen != v->ui->ctx_gen) {
		/* another context: nothing of the last one is shown */
		results_clear(tv);
		trace_clear(tv);
		tv->searched = 0;
		tv->in_trace = 0;
	}
	if (!tv_conn(v, 0))
		return;
	if (tv->want_form) {
		tv->want_form = 0;
		tv_form_open(v);
	}
	if (!tv->have_svcs && !tv->svcs_err)
		tv_ask_services(v);
	if (!tv->searched && !tv->searching && !tv->in_trace && !tv->n_hints && tv->service && *tv->service)
		tv_search(v);
}

static int traces_view_jump(view_t *v, const jump_t *j)
{
	traces_view_t *tv = tv_of(v);
	ui_t *ui = v->ui;
	if (!tv_conn(v, 1))
		return -1;
	if (j->trace_id) {
		char id[33];
		if (jaeger_trace_id_norm(j->trace_id, id) != 0) {
			char *s = text_sanitize(j->trace_id);
			ui_say(ui, 1, "'%s' is not a trace id (1 to 32 hex digits)", s);
			free(s);
			return -1;
		}
		tv_open_trace(v, id, j->span_id);
		return 0;
	}
	/* a window around a moment, of a service named or guessed */
	int64_t at = j->focus_ns ? j->focus_ns / 1000 : j->start_ns / 1000;
	tv->start_us = j->start_ns ? j->start_ns / 1000 : at - TV_JUMP_BEFORE_US;
	tv->end_us = j->end_ns ? j->end_ns / 1000 : at + TV_JUMP_AFTER_US;
	int64_t now = now_unix_ns() / 1000;
	if (tv->end_us > now)
		tv->end_us = now;
	if (tv->end_us <= tv->start_us)
		tv->end_us = tv->start_us + 1000000;
	free(tv->window);
	char a[32], b[32];
	time_t ta = (time_t)(tv->start_us / 1000000), tb = (time_t)(tv->end_us / 1000000);
	struct tm tm;
	strftime(a, sizeof a, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&ta, &tm));
	strftime(b, sizeof b, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&tb, &tm));
	tv->window = xasprintf("%s..%s", a, b);
	free(tv->operation);
	tv->operation = NULL;
	free(tv->tags);
	tv->tags = NULL;
	tv->min_us = tv->max_us = 0;
	tv->limit = TV_JUMP_LIMIT;
	tv->focus_us = at;
	free(tv->why);
	tv->why = j->why ? text_sanitize(j->why) : NULL;
	tv->in_trace = 0;
	strv_free(tv->hints, tv->n_hints);
	tv->hints = NULL;
	tv->n_hints = 0;
	if (j->service) {
		free(tv->service);
		tv->service = xstrdup(j->service);
		tv_search(v);
		return 0;
	}
	size_t nh = 0;
	while (j->hints && j->hints[nh])
		nh++;
	tv->hints = nh ? strv_dup((char *const *)j->hints, nh) : NULL;
	tv->n_hints = nh;
	if (tv->have_svcs) {
		/* resolve now */
		tv->asking_svcs = 1;
		char **names = strv_dup(tv->svcs, tv->n_svcs);
		size_t nn = tv->n_svcs;
		on_services(tv->tr, names, nn, NULL, v);
		strv_free(names, nn);
	} else {
		tv_ask_services(v);
	}
	if (tv->why)
		ui_say(ui, 0, "%s", tv->why);
	return 0;
}

void traces_jump_labels(ui_t *ui, const labels_t *l, int64_t moment_ns, const char *what)
{
	/* the words that may name a service, the likeliest first */
	static const char *const first[] = { "service", "service_name", "app", "job", "alertname", "container" };
	const char **hints = xcalloc(l->n + 8, sizeof *hints);
	size_t n = 0;
	for (size_t i = 0; i < sizeof first / sizeof first[0]; i++) {
		const char *v = labels_get(l, first[i]);
		if (v && *v)
			hints[n++] = v;
	}
	for (size_t i = 0; i < l->n; i++) {
		int seen = 0;
		for (size_t k = 0; k < sizeof first / sizeof first[0]; k++)
			seen |= strcmp(l->v[i].name, first[k]) == 0;
		if (!seen && *l->v[i].value)
			hints[n++] = l->v[i].value;
	}
	hints[n] = NULL;
	char *why = xasprintf("traces around %s", what);
	jump_t j = { .focus_ns = moment_ns ? moment_ns : now_unix_ns(), .hints = hints, .why = why };
	ui_jump(ui, "Traces", &j);
	free(why);
	free(hints);
}

static const char *traces_view_hint(view_t *v)
{
	traces_view_t *tv = tv_of(v);
	if (tv->in_trace)
		return "Enter span  Space fold  * path  +-z0 zoom  / find  e error  L logs  Esc back";
	if (!tv->searched)
		return "Enter search the service  s search form  r ask again  ? help";
	return "Enter open  s search  o sort  r again  y copy id  ? help";
}

static int cmd_lookback(ui_t *ui, const char *arg)
{
	view_t *v = ui_cur_view(ui);
	if (v->ops != &traces_view_ops)
		return -1;
	traces_view_t *tv = tv_of(v);
	char *err = tv_parse_window(tv, arg ? arg : "");
	if (err) {
		ui_say(ui, 1, "%s", err);
		free(err);
		return 0;
	}
	free(tv->window);
	tv->window = xstrdup(arg ? arg : "");
	tv_search(v);
	return 0;
}

static const command_t traces_cmds[] = {
	{ "lookback", NULL, "DURATION|START..END", "search the same again over another window (1m to 2d)", cmd_lookback },
};

const view_ops_t traces_view_ops = {
	.name = "Traces",
	.hint = "s search  Enter open  ? help",
	.private_size = sizeof(traces_view_t),
	.keys = traces_keys,
	.n_keys = sizeof traces_keys / sizeof traces_keys[0],
	.cmds = traces_cmds,
	.n_cmds = sizeof traces_cmds / sizeof traces_cmds[0],
	.open = traces_view_open,
	.close = traces_view_close,
	.draw = traces_view_draw,
	.request = traces_view_request,
	.reload = traces_view_reload,
	.hint_fn = traces_view_hint,
	.jump = traces_view_jump,
};
