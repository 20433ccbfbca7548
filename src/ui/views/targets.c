/* The Targets view: Prometheus' scrape targets, down first, columns sized to their content; / filter, Enter details. */
#include "config.h"
#include "app/targets.h"
#include "core/units.h"
#include "model/targetlist.h"
#include "ui/table.h"
#include "ui/ui.h"
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct {
	list_t list;
	size_t *rows;      /* indices into the targets list of those the filter keeps */
	size_t n_rows;
	unsigned seen_gen; /* the targets list the rows were built from */
	int built;         /* 0: build the rows again (a new filter) */
	char *filter;      /* `/` filter, NULL: none */
	char *old_filter;  /* the filter before `/` was pressed, restored on Esc */
} targets_view_t;

static const keybind_t targets_keys[] = {
	LIST_KEYBINDS,
	{ '\r', "Enter", REQ_ENTER, "details: labels, scrape URL, times, the whole error" },
	{ '\n', NULL, REQ_ENTER, NULL },
	{ KEY_ENTER, NULL, REQ_ENTER, NULL },
	{ '/', "/", REQ_FILTER, "filter: words in labels (name=value), health, URL, error" },
};

static targets_t *tg_of(view_t *v)
{
	return &v->ui->tg;
}

/* A target's identity across refreshes: its pool and what it scrapes. */
static char *target_key(const prom_target_t *t)
{
	return xasprintf("%s\x1f%s\x1f%s", t->scrape_pool ? t->scrape_pool : "",
			 t->scrape_url ? t->scrape_url : "", t->instance ? t->instance : "");
}

static char *key_of_row(void *ctx, size_t i)
{
	view_t *v = ctx;
	targets_view_t *tv = v->priv;
	targets_t *tg = tg_of(v);
	if (i >= tv->n_rows || tv->rows[i] >= tg->t.n)
		return NULL;
	return target_key(&tg->t.v[tv->rows[i]]);
}

/* The rows the filter keeps, built again only for a new list or a new filter;
 * the selected target stays selected. */
static void rebuild(view_t *v)
{
	targets_view_t *tv = v->priv;
	targets_t *tg = tg_of(v);
	if (tv->built && tv->seen_gen == tg->gen)
		return;
	tv->built = 1;
	tv->seen_gen = tg->gen;
	free(tv->rows);
	tv->rows = xcalloc(tg->t.n ? tg->t.n : 1, sizeof *tv->rows);
	tv->n_rows = 0;
	for (size_t i = 0; i < tg->t.n; i++)
		if (targetlist_match(&tg->t.v[i], tv->filter))
			tv->rows[tv->n_rows++] = i;
	list_keep(&tv->list, tv->n_rows, key_of_row, v);
	tv->list.n = tv->n_rows;
}

static void remember(view_t *v)
{
	targets_view_t *tv = v->priv;
	tv->list.n = tv->n_rows;
	list_remember(&tv->list, key_of_row, v);
}

static const prom_target_t *sel_target(view_t *v)
{
	targets_view_t *tv = v->priv;
	targets_t *tg = tg_of(v);
	if (tv->list.sel >= tv->n_rows || tv->rows[tv->list.sel] >= tg->t.n)
		return NULL;
	return &tg->t.v[tv->rows[tv->list.sel]];
}

static theme_el_t health_el(const char *h)
{
	if (h && strcmp(h, "up") == 0)
		return EL_VALUE_OK;
	if (h && strcmp(h, "down") == 0)
		return EL_VALUE_CRIT;
	return EL_VALUE_STALE;
}

enum { C_HEALTH, C_JOB, C_INST, C_AGO, C_DUR, C_ERR, C_N };

static void targets_view_draw(view_t *v, rect_t area)
{
	targets_view_t *tv = v->priv;
	targets_t *tg = tg_of(v);
	int y = area.y;
	if (tg->error)
		ui_printf_cut(y++, 1, COLS - 2, ui_attr(EL_ERROR), "! %s%s", tg->error,
			  tg->have ? " (showing the last good list)" : "");
	if (!tg->have) {
		if (!tg->error)
			ui_put(y, 1, COLS - 2, "loading targets...", ui_attr(EL_DIM));
		return;
	}
	rebuild(v);
	const prom_targets_t *t = &tg->t;
	/* every column as wide as its widest cell over the rows the filter keeps
	 * (not only those on screen: scrolling does not move the columns); the
	 * error is cut first, then the longer of job and instance */
	static const char *const head[C_N] = { "HEALTH", "JOB", "INSTANCE", "SCRAPED", "DURATION", "ERROR" };
	table_col_t col[C_N] = {
		[C_HEALTH] = { 0, 0, 0 }, [C_JOB] = { 0, 8, 2 }, [C_INST] = { 0, 10, 2 },
		[C_AGO] = { 0, 8, 0 },    [C_DUR] = { 0, 8, 0 }, [C_ERR] = { 0, 12, 1 },
	};
	for (int c = 0; c < C_N; c++)
		table_want(&col[c], head[c]);
	unit_t sec = { UNIT_SECONDS, "" };
	for (size_t r = 0; r < tv->n_rows; r++) {
		const prom_target_t *e = &t->v[tv->rows[r]];
		char b[32];
		table_want(&col[C_HEALTH], e->health);
		table_want(&col[C_JOB], e->job);
		table_want(&col[C_INST], e->instance);
		ui_fmt_ago(e->last_scrape, b, sizeof b);
		table_want(&col[C_AGO], b);
		unit_format(&sec, e->last_scrape_duration, b, sizeof b);
		table_want(&col[C_DUR], b);
		table_want(&col[C_ERR], e->last_error);
	}
	int gap = COLS >= 100 ? 2 : 1, w[C_N];
	table_fit(col, C_N, COLS - 2, gap, w);

	attr_t th = ui_attr(EL_TABLE_HEADER) | A_BOLD;
	ui_fill((rect_t){ 0, y, COLS, 1 }, ui_attr(EL_TABLE_HEADER));
	int x = 1;
	for (int c = 0; c < C_N && x < COLS; c++) {
		if (c == C_DUR)
			ui_printf(y, x, COLS - x, th, "%*s", w[c], head[c]);
		else
			ui_put(y, x, COLS - x, head[c], th);
		x += w[c] + gap;
	}
	y++;
	int rows = area.y + area.h - y - 1;
	if (rows < 1)
		return;
	list_fit(&tv->list, tv->n_rows, rows);
	if (!tv->n_rows)
		ui_put(y + 1, 3, COLS - 6,
		       tv->filter ? "no target matches the filter (/ to change it; / ^U Enter clears it)"
				  : "no active targets",
		       ui_attr(EL_DIM));
	for (size_t i = tv->list.top; i < tv->n_rows && y < area.y + area.h - 1; i++, y++) {
		const prom_target_t *e = &t->v[tv->rows[i]];
		int sel = i == tv->list.sel;
		attr_t base = ui_attr(sel ? EL_SELECTED : EL_DEFAULT);
		if (sel)
			ui_fill((rect_t){ 0, y, COLS, 1 }, base);
		char ago[32], dur[32];
		ui_fmt_ago(e->last_scrape, ago, sizeof ago);
		unit_format(&sec, e->last_scrape_duration, dur, sizeof dur);
		/* ui_cell(w + 1): the text in w columns, a cut ending in an ellipsis */
		x = 1;
		ui_cell(y, x, w[C_HEALTH] + 1, e->health && *e->health ? e->health : "?",
			(sel ? base : ui_attr(health_el(e->health))) | A_BOLD);
		x += w[C_HEALTH] + gap;
		ui_cell(y, x, w[C_JOB] + 1, e->job, base);
		x += w[C_JOB] + gap;
		ui_cell(y, x, w[C_INST] + 1, e->instance, base);
		x += w[C_INST] + gap;
		ui_cell(y, x, w[C_AGO] + 1, ago, base);
		x += w[C_AGO] + gap;
		ui_printf(y, x, COLS - x, base, "%*s", w[C_DUR], dur);
		x += w[C_DUR] + gap;
		if (x < COLS - 1)
			ui_cell(y, x, COLS - 1 - x, e->last_error, sel ? base : ui_attr(EL_ERROR));
	}
	remember(v);
	char ago[24];
	ui_fmt_ago(tg->last_ok, ago, sizeof ago);
	size_t down = targetlist_down(t);
	char *shown = tv->filter ? xasprintf("; showing %zu of %zu (filter: %s)", tv->n_rows, t->n, tv->filter)
				 : xstrdup("");
	ui_printf_cut(area.y + area.h - 1, 1, COLS - 2, ui_attr(down ? EL_VALUE_CRIT : EL_DIM),
		  "%zu target%s, %zu down%s; %zu dropped; updated %s", t->n, t->n == 1 ? "" : "s",
		  down, shown, t->n_dropped, ago);
	free(shown);
}

/* ---- details ---- */

typedef struct {
	ui_t *ui;
	char *key;
} details_t;

static void details_free(void *p)
{
	details_t *d = p;
	free(d->key);
	free(d);
}

static const prom_target_t *find_target(const targets_t *tg, const char *key)
{
	for (size_t i = 0; i < tg->t.n; i++) {
		char *k = target_key(&tg->t.v[i]);
		int same = strcmp(k, key) == 0;
		free(k);
		if (same)
			return &tg->t.v[i];
	}
	return NULL;
}

/* "2026-11-29 21:19:05.123 (3s ago)", local time to the millisecond. */
static char *scrape_time(double t)
{
	if (t <= 0)
		return xstrdup("never");
	char b[32], ago[24];
	long long ms = (long long)(t * 1000.0 + 0.5);
	time_t s = (time_t)(ms / 1000);
	struct tm tm;
	localtime_r(&s, &tm);
	strftime(b, sizeof b, "%Y-%m-%d %H:%M:%S", &tm);
	ui_fmt_ago(t, ago, sizeof ago);
	return xasprintf("%s.%03lld (%s)", b, ms % 1000, ago);
}

static void details_fill(textbox_t *tb, void *ctx)
{
	details_t *d = ctx;
	const prom_target_t *t = find_target(&d->ui->tg, d->key);
	if (!t) {
		textbox_text(tb, EL_DIM, "this target is no longer in Prometheus' list");
		return;
	}
	char b[32];
	unit_t sec = { UNIT_SECONDS, "" };
	textbox_kv(tb, "health", t->health);
	textbox_kv(tb, "job", t->job);
	textbox_kv(tb, "instance", t->instance);
	textbox_kv(tb, "scrape URL", t->scrape_url);
	if (t->global_url && *t->global_url && strcmp(t->global_url, t->scrape_url ? t->scrape_url : ""))
		textbox_kv(tb, "global URL", t->global_url);
	char *when = scrape_time(t->last_scrape);
	textbox_kv(tb, "last scrape", when);
	free(when);
	unit_format(&sec, t->last_scrape_duration, b, sizeof b);
	textbox_kv(tb, "took", b);
	char *every = xasprintf("%s%s%s", t->scrape_interval && *t->scrape_interval ? t->scrape_interval : "?",
				t->scrape_timeout && *t->scrape_timeout ? ", timeout " : "",
				t->scrape_timeout ? t->scrape_timeout : "");
	textbox_kv(tb, "every", every);
	free(every);
	textbox_kv(tb, "scrape pool", t->scrape_pool);
	textbox_blank(tb);
	textbox_heading(tb, "last error");
	if (t->last_error && *t->last_error)
		textbox_text(tb, EL_ERROR, t->last_error);
	else
		textbox_text(tb, EL_DIM, "none");
	textbox_blank(tb);
	textbox_heading(tb, "labels");
	for (size_t i = 0; i < t->labels.n; i++)
		textbox_kv(tb, t->labels.v[i].name, t->labels.v[i].value);
	if (t->discovered.n) {
		textbox_blank(tb);
		textbox_heading(tb, "discovered labels (before relabelling)");
		for (size_t i = 0; i < t->discovered.n; i++)
			textbox_kv(tb, t->discovered.v[i].name, t->discovered.v[i].value);
	}
}

/* ---- filter ---- */

static void set_filter(view_t *v, const char *text)
{
	targets_view_t *tv = v->priv;
	free(tv->filter);
	tv->filter = text && *text ? xstrdup(text) : NULL;
	tv->built = 0;
	ui_dirty(v->ui);
}

static void filter_enter(ui_t *ui, const char *text, void *ud)
{
	(void)ui;
	view_t *v = ud;
	targets_view_t *tv = v->priv;
	set_filter(v, text);
	free(tv->old_filter);
	tv->old_filter = NULL;
}

static void filter_change(ui_t *ui, const char *text, void *ud)
{
	(void)ui;
	set_filter(ud, text);
}

static void filter_cancel(ui_t *ui, void *ud)
{
	(void)ui;
	view_t *v = ud;
	targets_view_t *tv = v->priv;
	set_filter(v, tv->old_filter);
	free(tv->old_filter);
	tv->old_filter = NULL;
}

/* ---- requests ---- */

static req_t targets_view_request(view_t *v, req_t r)
{
	targets_view_t *tv = v->priv;
	/* act on the target the user sees selected, even if a new list came */
	rebuild(v);
	list_fit(&tv->list, tv->n_rows, tv->list.rows);
	if (list_request(&tv->list, r)) {
		remember(v);
		return REQ_NONE;
	}
	switch (r) {
	case REQ_ENTER: {
		const prom_target_t *t = sel_target(v);
		if (!t) {
			ui_say(v->ui, 0, "no target selected");
			return REQ_NONE;
		}
		details_t *d = xcalloc(1, sizeof *d);
		d->ui = v->ui;
		d->key = target_key(t);
		char *title = xasprintf("Target %s %s", t->job ? t->job : "", t->instance ? t->instance : "");
		textbox_open(v->ui, title, details_fill, d, details_free);
		free(title);
		return REQ_NONE;
	}
	case REQ_FILTER:
		free(tv->old_filter);
		tv->old_filter = tv->filter ? xstrdup(tv->filter) : NULL;
		prompt_open(v->ui, "/", tv->filter, filter_enter, filter_change, filter_cancel, v, NULL);
		return REQ_NONE;
	default:
		return r;
	}
}

static void targets_view_refresh(view_t *v)
{
	targets_refresh(tg_of(v), v->ui->dash.timeout_ms);
}

/* the view shows ages ("3s ago") that move every second */
static int targets_view_tick(view_t *v, double now)
{
	(void)v;
	(void)now;
	return 1;
}

static void targets_view_close(view_t *v)
{
	targets_view_t *tv = v->priv;
	list_free(&tv->list);
	free(tv->rows);
	free(tv->filter);
	free(tv->old_filter);
}

static int cmd_filter(ui_t *ui, const char *arg)
{
	view_t *v = ui_cur_view(ui);
	set_filter(v, arg);
	ui_say(ui, 0, *arg ? "filter: %s" : "filter cleared%s", arg);
	return 0;
}

static const command_t targets_cmds[] = {
	{ "filter", NULL, "[TEXT]", "filter the targets as / does (no TEXT: clear it)", cmd_filter },
};

const view_ops_t targets_view_ops = {
	.name = "Targets",
	.hint = "j/k move  Enter details  / filter  Tab views  : command  ? help",
	.private_size = sizeof(targets_view_t),
	.keys = targets_keys,
	.n_keys = sizeof targets_keys / sizeof targets_keys[0],
	.cmds = targets_cmds,
	.n_cmds = sizeof targets_cmds / sizeof targets_cmds[0],
	.close = targets_view_close,
	.reload = targets_view_refresh,
	.draw = targets_view_draw,
	.request = targets_view_request,
	.tick = targets_view_tick,
};
