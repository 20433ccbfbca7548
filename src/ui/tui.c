/* The interactive console: views, keys, command line, header; all on one libuv loop. */
#include "config.h"
#include "ui/tui.h"
#include "app/dash.h"
#include "app/datadir.h"
#include "app/targets.h"
#include "core/http.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "ui/panelview.h"
#include "ui/screen.h"
#include <ctype.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <uv.h>

/* Requests: what a key asks for. One list gives the enum; the key table below
 * binds keys to them and is also what the help screen prints. */
#define REQUESTS(X)                                                                  \
	X(REQ_NONE) X(REQ_HELP) X(REQ_CMDLINE) X(REQ_QUIT) X(REQ_BACK_OR_QUIT)       \
	X(REQ_BACK) X(REQ_NEXT_VIEW) X(REQ_PREV_VIEW) X(REQ_VIEW1) X(REQ_VIEW2)       \
	X(REQ_LEFT) X(REQ_RIGHT) X(REQ_UP) X(REQ_DOWN) X(REQ_PGUP) X(REQ_PGDN)        \
	X(REQ_TOP) X(REQ_BOTTOM) X(REQ_ZOOM) X(REQ_RANGE_SHORTER) X(REQ_RANGE_LONGER) \
	X(REQ_SHOW_ERROR) X(REQ_REFRESH) X(REQ_REDRAW)
#define REQ_ENUM_(r) r,
typedef enum { REQUESTS(REQ_ENUM_) REQ__COUNT } req_t;
#undef REQ_ENUM_

typedef struct {
	int key;
	const char *label; /* NULL: an alias, not listed separately in help */
	req_t req;
	const char *where;
	const char *help;
} keybind_t;

#ifndef CTRL
#define CTRL(c) ((c) & 0x1f)
#endif
static const keybind_t keys[] = {
	{ '?', "?", REQ_HELP, "global", "show or hide this help" },
	{ ':', ":", REQ_CMDLINE, "global", "command line (see commands below)" },
	{ 'q', "q", REQ_BACK_OR_QUIT, "global", "back from help, a popup or zoom; else quit" },
	{ 'Q', "Q", REQ_QUIT, "global", "quit at once" },
	{ 27, "Esc", REQ_BACK, "global", "back: close help, a popup or the zoom" },
	{ '\t', "Tab", REQ_NEXT_VIEW, "global", "next view" },
	{ KEY_BTAB, "S-Tab", REQ_PREV_VIEW, "global", "previous view" },
	{ '1', "1", REQ_VIEW1, "global", "Dashboard view" },
	{ '2', "2", REQ_VIEW2, "global", "Targets view" },
	{ 'r', "r", REQ_REFRESH, "global", "refresh now" },
	{ CTRL('l'), "^L", REQ_REDRAW, "global", "redraw the screen" },
	{ KEY_UP, "Up k", REQ_UP, "dashboard and targets", "panel above / row above" },
	{ 'k', NULL, REQ_UP, "dashboard and targets", NULL },
	{ KEY_DOWN, "Down j", REQ_DOWN, "dashboard and targets", "panel below / row below" },
	{ 'j', NULL, REQ_DOWN, "dashboard and targets", NULL },
	{ KEY_LEFT, "Left h", REQ_LEFT, "dashboard", "focus the panel to the left" },
	{ 'h', NULL, REQ_LEFT, "dashboard", NULL },
	{ KEY_RIGHT, "Right l", REQ_RIGHT, "dashboard", "focus the panel to the right" },
	{ 'l', NULL, REQ_RIGHT, "dashboard", NULL },
	{ '\r', "Enter", REQ_ZOOM, "dashboard", "zoom the focused panel / back from zoom" },
	{ '\n', NULL, REQ_ZOOM, "dashboard", NULL },
	{ KEY_ENTER, NULL, REQ_ZOOM, "dashboard", NULL },
	{ '[', "[ -", REQ_RANGE_SHORTER, "dashboard", "shorter time range (5m 1h 6h 24h 7d)" },
	{ '-', NULL, REQ_RANGE_SHORTER, "dashboard", NULL },
	{ ']', "] +", REQ_RANGE_LONGER, "dashboard", "longer time range" },
	{ '+', NULL, REQ_RANGE_LONGER, "dashboard", NULL },
	{ 'e', "e", REQ_SHOW_ERROR, "dashboard", "details of the focused panel: error, query" },
	{ KEY_PPAGE, "PgUp", REQ_PGUP, "targets", "page up" },
	{ KEY_NPAGE, "PgDn", REQ_PGDN, "targets", "page down" },
	{ 'g', "g Home", REQ_TOP, "targets", "first row" },
	{ KEY_HOME, NULL, REQ_TOP, "targets", NULL },
	{ 'G', "G End", REQ_BOTTOM, "targets", "last row" },
	{ KEY_END, NULL, REQ_BOTTOM, "targets", NULL },
};

typedef struct app app_t;
typedef int (*cmd_fn)(app_t *a, const char *arg);

typedef struct {
	const char *name;
	const char *alias;
	const char *args;
	const char *help;
	cmd_fn fn;
} command_t;

enum { VIEW_DASH, VIEW_TARGETS, VIEW__COUNT };
static const char *const view_names[VIEW__COUNT] = { "Dashboard", "Targets" };

static const long long ranges_ms[] = { 5LL * 60000, 60LL * 60000, 6LL * 3600000, 24LL * 3600000,
				       7LL * 86400000 };
#define N_RANGES (sizeof ranges_ms / sizeof ranges_ms[0])

struct app {
	const tui_opts_t *o;
	uv_loop_t *loop;
	http_client_t *http;
	dash_t dash;
	targets_t tg;
	screen_t scr;
	conf_context_t ctx;
	uv_poll_t in;
	uv_signal_t sig[4];
	uv_timer_t t_refresh, t_tick, t_paint;
	int paint_pending;
	int header_only;      /* the pending paint is the clock's alone */
	int view;
	size_t focus;
	int zoomed;
	int scroll;
	int help, help_scroll;
	int popup;
	int cmd_active;
	strbuf_t cmd;
	char *msg;
	int msg_err;
	double msg_until;
	int quit;
	int tsel;
	int empty_reads;
	double started;
	int first_complete;
};

static void schedule_paint(app_t *a);
static void request_paint(app_t *a, int header_only);

static void say(app_t *a, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(app_t *a, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	free(a->msg);
	a->msg = m;
	a->msg_err = err;
	a->msg_until = now_unix() + (err ? 8 : 4);
	log_msg("%s: %s", err ? "error" : "note", a->msg);
	schedule_paint(a);
}

/* ---- drawing ---------------------------------------------------------- */

static const char *health_glyph(bk_health_t h)
{
	int asc = g_scr->ascii;
	switch (h) {
	case BK_OK: return asc ? "+" : "\xe2\x97\x8f";
	case BK_SLOW: return asc ? "~" : "\xe2\x97\x90";
	case BK_DOWN: return asc ? "x" : "\xe2\x9c\x97";
	default: return asc ? "?" : "\xe2\x97\x8b";
	}
}

static theme_el_t health_el(bk_health_t h)
{
	return h == BK_OK ? EL_BACKEND_OK : h == BK_SLOW ? EL_BACKEND_SLOW : h == BK_DOWN ? EL_BACKEND_DOWN : EL_DIM;
}

static int draw_backend(int x, const char *name, const backend_t *b)
{
	attr_t h = ui_attr(EL_HEADER);
	x += ui_put(0, x, COLS - x, " ", h);
	x += ui_put(0, x, COLS - x, name, h);
	x += ui_put(0, x, COLS - x, " ", h);
	x += ui_put(0, x, COLS - x, health_glyph(b->health), ui_attr(health_el(b->health)) | A_BOLD);
	if (b->health == BK_DOWN || b->health == BK_SLOW)
		x += ui_put(0, x, COLS - x, b->health == BK_DOWN ? " down" : " slow",
			    ui_attr(health_el(b->health)) | A_BOLD);
	return x;
}

static void draw_header(app_t *a)
{
	attr_t h = ui_attr(EL_HEADER);
	ui_fill((rect_t){ 0, 0, COLS, 1 }, h);
	int x = ui_put(0, 0, COLS, " ICN ", h | A_BOLD);
	x += ui_printf(0, x, COLS - x, g_scr->ctx_attr, " %s ", a->ctx.name ? a->ctx.name : "default");
	if (a->dash.prom.url)
		x = draw_backend(x, COLS < 100 ? "prom" : "prometheus", &a->dash.prom);
	for (size_t i = 0; i < a->dash.n_am; i++) {
		char nm[24];
		snprintf(nm, sizeof nm, "%s%s", COLS < 100 ? "am" : "alertmanager",
			 a->dash.n_am > 1 ? (char[]){ (char)('1' + i), 0 } : "");
		x = draw_backend(x, nm, &a->dash.am[i]);
	}
	x += ui_put(0, x, COLS - x, "  ", h);
	if (a->dash.firing < 0) {
		if (a->dash.n_am)
			x += ui_put(0, x, COLS - x, "alerts ?", h);
	} else {
		x += ui_printf(0, x, COLS - x, a->dash.firing ? ui_attr(EL_ALERT_COUNT) | A_BOLD : h,
			       " %d firing ", a->dash.firing);
	}
	/* the clock only where it does not cover the rest */
	if (x + 10 <= COLS) {
		char clk[16];
		time_t t = time(NULL);
		struct tm tm;
		localtime_r(&t, &tm);
		strftime(clk, sizeof clk, "%H:%M:%S", &tm);
		ui_put(0, COLS - 9, 9, clk, h);
	}
}

static void draw_viewbar(app_t *a)
{
	ui_fill((rect_t){ 0, 1, COLS, 1 }, ui_attr(EL_VIEWBAR));
	int x = 0;
	for (int v = 0; v < VIEW__COUNT; v++) {
		attr_t at = ui_attr(v == a->view ? EL_VIEWBAR_ACTIVE : EL_VIEWBAR);
		x += ui_printf(1, x, COLS - x, at, " %d %s ", v + 1, view_names[v]);
		x += ui_put(1, x, COLS - x, " ", ui_attr(EL_VIEWBAR));
	}
	if (a->view == VIEW_DASH && a->o->board->title) {
		char rb[16];
		duration_format(a->dash.range_ms, rb, sizeof rb);
		char *s = xasprintf("%s  range %s  every %llds ", a->o->board->title, rb,
				    a->dash.refresh_ms / 1000);
		int w = utf8_width(s);
		if (x + w < COLS)
			ui_put(1, COLS - w, w, s, ui_attr(EL_VIEWBAR));
		free(s);
	}
}

static rect_t content_area(void)
{
	return (rect_t){ 0, 2, COLS, LINES - 3 > 0 ? LINES - 3 : 0 };
}

/* Where each panel goes in `area` (malloc'd, one rect a panel). */
static rect_t *dash_layout(const dash_t *d, rect_t area, grid_info_t *gi)
{
	int *w = xcalloc(d->n ? d->n : 1, sizeof *w);
	rect_t *r = xcalloc(d->n ? d->n : 1, sizeof *r);
	for (size_t i = 0; i < d->n; i++)
		w[i] = d->p[i].def->width;
	layout_grid(w, d->n, area, r, gi);
	free(w);
	return r;
}

static void draw_dashboard(app_t *a)
{
	rect_t area = content_area();
	dash_t *d = &a->dash;
	if (!d->n) {
		ui_put(area.y + 1, 2, COLS - 4, "this dashboard has no panels", ui_attr(EL_DIM));
		return;
	}
	if (a->zoomed) {
		panelview_draw_zoom(d, &d->p[a->focus], area);
		return;
	}
	grid_info_t gi;
	rect_t *r = dash_layout(d, area, &gi);
	/* keep the focused panel in sight */
	rect_t f = r[a->focus];
	if (f.y - a->scroll < area.y)
		a->scroll = f.y - area.y;
	if (f.y + f.h - a->scroll > area.y + area.h)
		a->scroll = f.y + f.h - area.y - area.h;
	if (a->scroll < 0 || gi.content_h <= area.h)
		a->scroll = 0;
	int hidden = 0;
	for (size_t i = 0; i < d->n; i++) {
		rect_t ri = r[i];
		ri.y -= a->scroll;
		if (ri.y < area.y || ri.y + ri.h > area.y + area.h) {
			hidden++;
			continue;
		}
		panelview_draw(d, &d->p[i], ri, i == a->focus);
	}
	if (hidden)
		ui_printf(area.y + area.h - 1, COLS - 24, 23, ui_attr(EL_DIM) | A_REVERSE,
			  " %d more: arrows scroll ", hidden);
	free(r);
}

static int cmp_target(const void *x, const void *y)
{
	const prom_target_t *a = x, *b = y;
	int ua = strcmp(a->health ? a->health : "", "up") == 0;
	int ub = strcmp(b->health ? b->health : "", "up") == 0;
	if (ua != ub)
		return ua - ub; /* down first */
	int c = strcmp(a->job ? a->job : "", b->job ? b->job : "");
	return c ? c : strcmp(a->instance ? a->instance : "", b->instance ? b->instance : "");
}

static void fmt_ago(double t, char *buf, size_t n)
{
	if (t <= 0) {
		snprintf(buf, n, "never");
		return;
	}
	double ago = now_unix() - t;
	if (ago < 0)
		ago = 0;
	if (ago < 120)
		snprintf(buf, n, "%.0fs ago", ago);
	else if (ago < 7200)
		snprintf(buf, n, "%.0fm ago", ago / 60);
	else
		snprintf(buf, n, "%.0fh ago", ago / 3600);
}

static void draw_targets(app_t *a)
{
	rect_t area = content_area();
	targets_t *tg = &a->tg;
	int y = area.y;
	if (tg->error)
		ui_printf(y++, 1, COLS - 2, ui_attr(EL_ERROR), "! %s%s", tg->error,
			  tg->have ? " (showing the last good list)" : "");
	if (!tg->have) {
		if (!tg->error)
			ui_put(y, 1, COLS - 2, "loading targets...", ui_attr(EL_DIM));
		return;
	}
	prom_targets_t *t = &tg->t;
	int cj = 14, ci = 24, cl = 10, cd = 10;
	int x = 1;
	attr_t th = ui_attr(EL_TABLE_HEADER) | A_BOLD;
	ui_fill((rect_t){ 0, y, COLS, 1 }, ui_attr(EL_TABLE_HEADER));
	x += ui_printf(y, x, COLS - x, th, "%-7s ", "HEALTH");
	x += ui_printf(y, x, COLS - x, th, "%-*s ", cj, "JOB");
	x += ui_printf(y, x, COLS - x, th, "%-*s ", ci, "INSTANCE");
	x += ui_printf(y, x, COLS - x, th, "%-*s ", cl, "SCRAPED");
	x += ui_printf(y, x, COLS - x, th, "%*s  ", cd, "DURATION");
	ui_put(y, x, COLS - x, "ERROR", th);
	y++;
	int rows = area.y + area.h - y - 1;
	if (rows < 1)
		return;
	if (a->tsel >= (int)t->n)
		a->tsel = t->n ? (int)t->n - 1 : 0;
	if (a->tsel < 0)
		a->tsel = 0;
	int top = a->tsel >= rows ? a->tsel - rows + 1 : 0;
	for (int i = top; i < (int)t->n && y < area.y + area.h - 1; i++, y++) {
		prom_target_t *e = &t->v[i];
		int sel = i == a->tsel;
		attr_t base = ui_attr(sel ? EL_SELECTED : EL_DEFAULT);
		if (sel)
			ui_fill((rect_t){ 0, y, COLS, 1 }, base);
		int up = e->health && strcmp(e->health, "up") == 0;
		theme_el_t hel = up ? EL_VALUE_OK : (e->health && strcmp(e->health, "down") == 0) ? EL_VALUE_CRIT : EL_VALUE_STALE;
		char ago[24], dur[24];
		unit_t sec = { UNIT_SECONDS, "" };
		fmt_ago(e->last_scrape, ago, sizeof ago);
		unit_format(&sec, e->last_scrape_duration, dur, sizeof dur);
		x = 1;
		x += ui_printf(y, x, COLS - x, (sel ? base : ui_attr(hel)) | A_BOLD, "%-7s ", e->health ? e->health : "?");
		x += ui_printf(y, x, cj + 1, base, "%-*s ", cj, e->job ? e->job : "");
		x += ui_printf(y, x, ci + 1, base, "%-*s ", ci, e->instance ? e->instance : "");
		x += ui_printf(y, x, cl + 1, base, "%-*s ", cl, ago);
		x += ui_printf(y, x, cd + 2, base, "%*s  ", cd, dur);
		ui_put(y, x, COLS - x, e->last_error ? e->last_error : "", sel ? base : ui_attr(EL_ERROR));
	}
	char ago[24];
	fmt_ago(tg->last_ok, ago, sizeof ago);
	ui_printf(area.y + area.h - 1, 1, COLS - 2, ui_attr(EL_DIM),
		  "%zu active target%s, %zu dropped; updated %s", t->n, t->n == 1 ? "" : "s",
		  t->n_dropped, ago);
}

static const command_t *commands(size_t *n);

static void draw_help(app_t *a)
{
	rect_t area = content_area();
	int w = COLS > 76 ? 72 : COLS - 4, h = area.h - 2;
	if (w < 20 || h < 5)
		return;
	rect_t r = { (COLS - w) / 2, area.y + 1, w, h };
	ui_fill(r, ui_attr(EL_DEFAULT));
	ui_box(r, "Help: keys and commands (Esc or ? to close, j/k scroll)", ui_attr(EL_PANEL_BORDER_FOCUS),
	       ui_attr(EL_PANEL_TITLE) | A_BOLD);
	/* the lines of help, then the visible slice of them */
	strbuf_t lines[128];
	int nl = 0;
	const char *where = NULL;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0] && nl < 120; i++) {
		if (!keys[i].label)
			continue;
		if (!where || strcmp(where, keys[i].where) != 0) {
			where = keys[i].where;
			sb_init(&lines[nl]);
			sb_printf(&lines[nl++], "#%s", where);
		}
		sb_init(&lines[nl]);
		sb_printf(&lines[nl++], " %-10s %s", keys[i].label, keys[i].help);
	}
	size_t nc;
	const command_t *c = commands(&nc);
	sb_init(&lines[nl]);
	sb_puts(&lines[nl++], "#commands (after :)");
	for (size_t i = 0; i < nc && nl < 126; i++) {
		sb_init(&lines[nl]);
		char *nm = xasprintf("%s %s", c[i].name, c[i].args);
		sb_printf(&lines[nl++], " %-14s %s", nm, c[i].help);
		free(nm);
	}
	int rows = h - 2;
	if (a->help_scroll > nl - rows)
		a->help_scroll = nl - rows > 0 ? nl - rows : 0;
	for (int i = 0; i < rows && i + a->help_scroll < nl; i++) {
		const char *s = lines[i + a->help_scroll].s;
		if (s[0] == '#')
			ui_put(r.y + 1 + i, r.x + 2, w - 4, s + 1, ui_attr(EL_TABLE_HEADER) | A_BOLD);
		else {
			ui_put(r.y + 1 + i, r.x + 2, 12, s, ui_attr(EL_HELP_KEY) | A_BOLD);
			if (strlen(s) > 12)
				ui_put(r.y + 1 + i, r.x + 14, w - 16, s + 12, ui_attr(EL_DEFAULT));
		}
	}
	for (int i = 0; i < nl; i++)
		sb_free(&lines[i]);
}

static void draw_popup(app_t *a)
{
	if (a->view != VIEW_DASH || a->focus >= a->dash.n)
		return;
	const panel_rt_t *p = &a->dash.p[a->focus];
	rect_t area = content_area();
	int w = COLS - 8, h = 12;
	if (w < 20 || area.h < h + 2)
		h = area.h - 2;
	if (w < 20 || h < 5)
		return;
	rect_t r = { 4, area.y + (area.h - h) / 2, w, h };
	ui_fill(r, ui_attr(EL_DEFAULT));
	ui_box(r, p->def->title, ui_attr(EL_PANEL_BORDER_FOCUS), ui_attr(EL_PANEL_TITLE) | A_BOLD);
	int y = r.y + 1, x = r.x + 2, cw = w - 4;
	char ago[24];
	fmt_ago(p->last_ok, ago, sizeof ago);
	ui_printf(y++, x, cw, ui_attr(EL_DEFAULT), "state: %s   last good answer: %s", pstate_name(p->state), ago);
	ui_printf(y++, x, cw, ui_attr(EL_DIM), "query: %s", p->def->query);
	/* the error, wrapped on the popup's width */
	const char *e = p->error ? p->error : p->no_data ? "the query returned no series" : "no error";
	ui_put(y++, x, cw, p->error ? "error:" : "", ui_attr(EL_ERROR));
	size_t len = strlen(e);
	for (size_t off = 0; off < len && y < r.y + h - 3; y++) {
		/* cut at cw characters, never inside a UTF-8 sequence */
		size_t take = 0;
		for (int chars = 0; off + take < len && chars < cw; chars++) {
			take++;
			while (off + take < len && ((unsigned char)e[off + take] & 0xc0) == 0x80)
				take++;
		}
		char *line = xstrndup(e + off, take);
		ui_put(y, x, cw, line, ui_attr(p->error ? EL_ERROR : EL_DIM));
		free(line);
		off += take;
	}
	for (size_t i = 0; i < p->n_warnings && y < r.y + h - 2; i++)
		ui_printf(y++, x, cw, ui_attr(EL_VALUE_WARN), "warning: %s", p->warnings[i]);
	if (p->range_error && y < r.y + h - 2)
		ui_printf(y++, x, cw, ui_attr(EL_ERROR), "history: %s", p->range_error);
	ui_put(r.y + h - 2, x, cw, "Esc closes", ui_attr(EL_DIM));
}

static void draw_statusbar(app_t *a)
{
	int y = LINES - 1;
	ui_fill((rect_t){ 0, y, COLS, 1 }, ui_attr(EL_STATUSBAR));
	if (a->cmd_active) {
		ui_put(y, 0, COLS, ":", ui_attr(EL_CMDLINE));
		int x = 1 + ui_put(y, 1, COLS - 2, a->cmd.s ? a->cmd.s : "", ui_attr(EL_CMDLINE));
		ui_put(y, x, 1, " ", ui_attr(EL_CMDLINE) | A_REVERSE);
		return;
	}
	if (a->msg && now_unix() < a->msg_until) {
		ui_put(y, 1, COLS - 2, a->msg, a->msg_err ? ui_attr(EL_ERROR) | A_BOLD : ui_attr(EL_STATUSBAR));
		return;
	}
	const char *hint;
	if (a->help)
		hint = "Esc close help";
	else if (a->view == VIEW_DASH && a->zoomed)
		hint = "[ ] range  e details  Enter/Esc back  ? help";
	else if (a->view == VIEW_DASH)
		hint = "arrows move  Enter zoom  e details  Tab views  : command  ? help  q quit";
	else
		hint = "j/k move  Tab views  : command  ? help  q quit";
	ui_put(y, 1, COLS - 2, hint, ui_attr(EL_STATUSBAR));
}

static void paint(app_t *a)
{
	erase();
	/* below this no panel fits (header, view bar, status line, one panel row) */
	if (COLS < 24 || LINES < 3 + LAYOUT_MIN_H) {
		ui_printf(0, 0, COLS, ui_attr(EL_ERROR), "terminal too small: %dx%d, need 24x%d", COLS,
			  LINES, 3 + LAYOUT_MIN_H);
		ui_put(1, 0, COLS, "q quits", ui_attr(EL_DIM));
		refresh();
		return;
	}
	draw_header(a);
	draw_viewbar(a);
	if (a->view == VIEW_DASH)
		draw_dashboard(a);
	else
		draw_targets(a);
	if (a->help)
		draw_help(a);
	else if (a->popup)
		draw_popup(a);
	draw_statusbar(a);
	refresh();
	if (!a->first_complete && a->view == VIEW_DASH) {
		size_t done = 0;
		for (size_t i = 0; i < a->dash.n; i++)
			done += a->dash.p[i].have_data || a->dash.p[i].error;
		if (done == a->dash.n) {
			a->first_complete = 1;
			log_msg("first complete paint: %zu panels, %.1f ms after start", done,
				(now_unix() - a->started) * 1000.0);
		}
	}
}

static void on_paint(uv_timer_t *t)
{
	app_t *a = t->data;
	a->paint_pending = 0;
	if (a->header_only && COLS >= 24 && LINES >= 3 + LAYOUT_MIN_H) {
		draw_header(a);
		refresh();
	} else {
		paint(a);
	}
	a->header_only = 0;
}

/* Network callbacks never draw: they mark the screen dirty and one timer paints.
 * Any change asks for a whole paint; the clock alone asks for the header only
 * (an idle dashboard then costs one line a second, not seven charts). */
static void request_paint(app_t *a, int header_only)
{
	if (a->quit)
		return;
	if (a->paint_pending) {
		a->header_only &= header_only;
		return;
	}
	a->paint_pending = 1;
	a->header_only = header_only;
	uv_timer_start(&a->t_paint, on_paint, 10, 0);
}

static void schedule_paint(app_t *a)
{
	request_paint(a, 0);
}

/* ---- actions ----------------------------------------------------------- */

static void refresh_now(app_t *a)
{
	double now = now_unix();
	dash_refresh(&a->dash, now, 1);
	if (a->view == VIEW_TARGETS)
		targets_refresh(&a->tg, a->dash.timeout_ms);
}

static void on_refresh(uv_timer_t *t)
{
	refresh_now(t->data);
}

static void on_tick(uv_timer_t *t)
{
	app_t *a = t->data;
	double now = now_unix();
	int changed = dash_tick(&a->dash, now);
	if (a->msg && now >= a->msg_until) {
		free(a->msg);
		a->msg = NULL;
		changed = 1;
	}
	/* the Targets view shows ages ("3s ago") that move every second */
	request_paint(a, !changed && a->view == VIEW_DASH);
}

static void set_range(app_t *a, long long ms)
{
	a->dash.range_ms = ms;
	for (size_t i = 0; i < a->dash.n; i++) {
		if (a->dash.p[i].req_range)
			http_cancel(a->dash.p[i].req_range);
		a->dash.p[i].req_range = NULL;
		series_set_free(&a->dash.p[i].range);
	}
	dash_refresh(&a->dash, now_unix(), 1);
}

static void step_range(app_t *a, int dir)
{
	/* the next step of 5m 1h 6h 24h 7d beyond the current range in that
	 * direction; a range set by :range between steps moves to its neighbour */
	long long cur = a->dash.range_ms, next = cur;
	if (dir > 0) {
		for (size_t i = 0; i < N_RANGES; i++)
			if (ranges_ms[i] > cur) {
				next = ranges_ms[i];
				break;
			}
	} else {
		for (size_t i = N_RANGES; i-- > 0;)
			if (ranges_ms[i] < cur) {
				next = ranges_ms[i];
				break;
			}
	}
	char b[16];
	if (next == cur) {
		say(a, 0, "range %s is the %s", duration_format(cur, b, sizeof b),
		    dir > 0 ? "longest step" : "shortest step");
		return;
	}
	size_t i = 0;
	while (i + 1 < N_RANGES && ranges_ms[i] != next)
		i++;
	set_range(a, ranges_ms[i]);
	say(a, 0, "range %s", duration_format(ranges_ms[i], b, sizeof b));
}

static const char *no_env(const char *name)
{
	(void)name;
	return NULL;
}

static int cmd_ctx(app_t *a, const char *arg)
{
	const conf_t *c = a->o->conf;
	if (!*arg) {
		strbuf_t b;
		sb_init(&b);
		for (size_t i = 0; i < c->n_contexts; i++)
			sb_printf(&b, "%s%s", i ? ", " : "", c->contexts[i].name);
		say(a, 0, "context %s; contexts: %s", a->ctx.name ? a->ctx.name : "default",
		    b.s ? b.s : "(none configured)");
		sb_free(&b);
		return 0;
	}
	/* A switch takes the named context as the file has it: the environment and the
	 * URL flags were for the starting context, and applying them here would show
	 * one cluster's panels under another's name. */
	conf_overrides_t ov;
	memset(&ov, 0, sizeof ov);
	ov.context = arg;
	conf_context_t nc;
	char err[512];
	if (conf_resolve(c, &ov, no_env, &nc, err, sizeof err) != 0) {
		say(a, 1, "%s", err);
		return -1;
	}
	conf_context_free(&a->ctx);
	a->ctx = nc;
	dash_set_context(&a->dash, &a->ctx);
	targets_set_base(&a->tg, a->ctx.prometheus);
	screen_set_theme(&a->scr, &a->scr.theme, a->ctx.color);
	a->first_complete = 1;
	refresh_now(a);
	say(a, 0, "context %s", a->ctx.name);
	return 0;
}

static int cmd_range(app_t *a, const char *arg)
{
	long long ms;
	if (duration_parse_ms(arg, &ms) != 0 || ms < 60000 || ms > 30LL * 86400000) {
		say(a, 1, "range: expected a duration from 1m to 30d, e.g. :range 6h");
		return -1;
	}
	set_range(a, ms);
	char b[16];
	say(a, 0, "range %s", duration_format(ms, b, sizeof b));
	return 0;
}

static int cmd_refresh(app_t *a, const char *arg)
{
	long long ms;
	if (duration_parse_ms(arg, &ms) != 0 || ms < 1000 || ms > 3600000) {
		say(a, 1, "refresh: expected a duration from 1s to 1h, e.g. :refresh 10s");
		return -1;
	}
	a->dash.refresh_ms = ms;
	uv_timer_start(&a->t_refresh, on_refresh, 0, (uint64_t)ms);
	char b[16];
	say(a, 0, "refresh every %s", duration_format(ms, b, sizeof b));
	return 0;
}

static int cmd_theme(app_t *a, const char *arg)
{
	if (!*arg) {
		char *l = datadir_list("themes");
		say(a, 0, "theme %s; themes: %s", a->scr.theme.name, l);
		free(l);
		return 0;
	}
	char *searched = NULL, err[512];
	char *path = datadir_find("themes", arg, &searched);
	if (!path) {
		say(a, 1, "no theme '%s' (looked in %s)", arg, searched ? searched : "");
		free(searched);
		return -1;
	}
	theme_t t;
	int rc = theme_load_file(path, &t, err, sizeof err);
	free(path);
	if (rc != 0) {
		say(a, 1, "%s", err);
		return -1;
	}
	if (a->scr.no_color) {
		theme_free(&t);
		say(a, 1, "colours are off (NO_COLOR or --no-color)");
		return -1;
	}
	screen_set_theme(&a->scr, &t, a->ctx.color);
	theme_free(&t);
	say(a, 0, "theme %s", arg);
	return 0;
}

static int cmd_quit(app_t *a, const char *arg)
{
	a->quit = 1;
	return 0;
}

static int cmd_help(app_t *a, const char *arg)
{
	a->help = 1;
	return 0;
}

static const command_t cmd_table[] = {
	{ "ctx", "context", "[NAME]", "switch to context NAME (no NAME: list them)", cmd_ctx },
	{ "range", NULL, "DUR", "time range of graphs: 5m, 1h, 6h, 24h, 7d, ...", cmd_range },
	{ "refresh", NULL, "DUR", "refresh interval, e.g. 5s", cmd_refresh },
	{ "theme", NULL, "[NAME]", "switch theme (no NAME: list them)", cmd_theme },
	{ "help", NULL, "", "show the help", cmd_help },
	{ "q", "quit", "", "quit", cmd_quit },
};

static const command_t *commands(size_t *n)
{
	*n = sizeof cmd_table / sizeof cmd_table[0];
	return cmd_table;
}

static void run_command(app_t *a, const char *line)
{
	while (isspace((unsigned char)*line))
		line++;
	if (!*line)
		return;
	size_t l = strcspn(line, " \t");
	const char *arg = line + l;
	while (isspace((unsigned char)*arg))
		arg++;
	char *name = xstrndup(line, l);
	char *argc = xstrdup(arg);
	for (char *e = argc + strlen(argc); e > argc && isspace((unsigned char)e[-1]);)
		*--e = '\0';
	for (size_t i = 0; i < sizeof cmd_table / sizeof cmd_table[0]; i++) {
		const command_t *c = &cmd_table[i];
		if (strcmp(name, c->name) == 0 || (c->alias && strcmp(name, c->alias) == 0)) {
			c->fn(a, argc);
			free(name);
			free(argc);
			return;
		}
	}
	say(a, 1, "unknown command ':%s' (commands: ctx, range, refresh, theme, help, q)", name);
	free(name);
	free(argc);
}

static void set_view(app_t *a, int v)
{
	a->view = (v + VIEW__COUNT) % VIEW__COUNT;
	a->popup = 0;
	if (a->view == VIEW_TARGETS)
		targets_refresh(&a->tg, a->dash.timeout_ms);
}

static void move_focus(app_t *a, int dx, int dy)
{
	dash_t *d = &a->dash;
	if (!d->n)
		return;
	grid_info_t gi;
	rect_t *r = dash_layout(d, content_area(), &gi);
	size_t nf = layout_neighbour(r, d->n, a->focus, dx, dy);
	/* left/right past the row's end wrap to the next panel in reading order */
	if (nf == a->focus && dx)
		nf = (a->focus + d->n + (size_t)(dx > 0 ? 1 : d->n - 1)) % d->n;
	a->focus = nf;
	free(r);
}

static void do_request(app_t *a, req_t r)
{
	switch (r) {
	case REQ_HELP: a->help = !a->help; a->help_scroll = 0; break;
	case REQ_CMDLINE: a->cmd_active = 1; sb_free(&a->cmd); break;
	case REQ_QUIT: a->quit = 1; break;
	case REQ_BACK_OR_QUIT:
		if (a->help || a->popup || a->zoomed)
			do_request(a, REQ_BACK);
		else
			a->quit = 1;
		break;
	case REQ_BACK:
		if (a->help) a->help = 0;
		else if (a->popup) a->popup = 0;
		else if (a->zoomed) a->zoomed = 0;
		break;
	case REQ_NEXT_VIEW: set_view(a, a->view + 1); break;
	case REQ_PREV_VIEW: set_view(a, a->view - 1); break;
	case REQ_VIEW1: set_view(a, VIEW_DASH); break;
	case REQ_VIEW2: set_view(a, VIEW_TARGETS); break;
	case REQ_REFRESH: refresh_now(a); say(a, 0, "refreshing"); break;
	case REQ_REDRAW: clearok(curscr, TRUE); break;
	default: break;
	}
	if (a->help) {
		if (r == REQ_DOWN) a->help_scroll++;
		if (r == REQ_UP && a->help_scroll > 0) a->help_scroll--;
		return;
	}
	if (a->view == VIEW_DASH) {
		switch (r) {
		case REQ_LEFT: if (!a->zoomed) move_focus(a, -1, 0); break;
		case REQ_RIGHT: if (!a->zoomed) move_focus(a, 1, 0); break;
		case REQ_UP: if (!a->zoomed) move_focus(a, 0, -1); break;
		case REQ_DOWN: if (!a->zoomed) move_focus(a, 0, 1); break;
		case REQ_ZOOM: if (a->dash.n) a->zoomed = !a->zoomed; a->popup = 0; break;
		case REQ_RANGE_SHORTER: step_range(a, -1); break;
		case REQ_RANGE_LONGER: step_range(a, 1); break;
		case REQ_SHOW_ERROR: a->popup = !a->popup; break;
		default: break;
		}
	} else {
		int page = LINES - 6 > 1 ? LINES - 6 : 1;
		switch (r) {
		case REQ_UP: a->tsel--; break;
		case REQ_DOWN: a->tsel++; break;
		case REQ_PGUP: a->tsel -= page; break;
		case REQ_PGDN: a->tsel += page; break;
		case REQ_TOP: a->tsel = 0; break;
		case REQ_BOTTOM: a->tsel = (int)a->tg.t.n - 1; break;
		default: break;
		}
		if (a->tsel < 0)
			a->tsel = 0;
	}
}

static void cmdline_key(app_t *a, int ch)
{
	if (ch == 27) {
		a->cmd_active = 0;
	} else if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
		char *line = sb_steal(&a->cmd);
		a->cmd_active = 0;
		run_command(a, line);
		free(line);
	} else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		if (a->cmd.len) {
			/* drop a whole UTF-8 character */
			do
				a->cmd.len--;
			while (a->cmd.len && ((unsigned char)a->cmd.s[a->cmd.len] & 0xc0) == 0x80);
			a->cmd.s[a->cmd.len] = '\0';
		} else {
			a->cmd_active = 0;
		}
	} else if (ch == CTRL('u')) {
		sb_free(&a->cmd);
	} else if (ch >= 0x20 && ch < 0x100 && ch != 0x7f && a->cmd.len < 256) {
		char c = (char)ch;
		sb_add(&a->cmd, &c, 1);
	}
}

static void handle_key(app_t *a, int ch)
{
	if (ch == KEY_RESIZE) {
		schedule_paint(a);
		return;
	}
	if (a->cmd_active) {
		cmdline_key(a, ch);
		return;
	}
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
		if (keys[i].key == ch) {
			do_request(a, keys[i].req);
			return;
		}
}

static void on_stdin(uv_poll_t *h, int status, int events)
{
	app_t *a = h->data;
	int ch, got = 0;
	if (status < 0) {
		log_msg("terminal input failed: %s", uv_strerror(status));
		a->quit = 1;
	}
	while (!a->quit && (ch = getch()) != ERR) {
		got = 1;
		handle_key(a, ch);
	}
	/* readable but nothing to read, again and again: the terminal is gone (ssh dropped) */
	a->empty_reads = got ? 0 : a->empty_reads + 1;
	if (a->empty_reads > 50) {
		log_msg("terminal hung up");
		a->quit = 1;
	}
	if (a->quit)
		uv_stop(a->loop);
	else
		schedule_paint(a);
}

static void on_signal(uv_signal_t *s, int signum)
{
	app_t *a = s->data;
	if (signum == SIGWINCH) {
		screen_resize();
		clearok(curscr, TRUE);
		schedule_paint(a);
		return;
	}
	a->quit = 1;
	uv_stop(a->loop);
}

static void on_dash_change(dash_t *d, void *ud)
{
	schedule_paint(ud);
}

/* A new list is sorted once here (down first), not on every paint. */
static void on_targets_change(targets_t *t, void *ud)
{
	qsort(t->t.v, t->t.n, sizeof *t->t.v, cmp_target);
	schedule_paint(ud);
}

static void close_cb(uv_handle_t *h)
{
	(void)h;
}

int tui_run(const tui_opts_t *o)
{
	app_t a;
	memset(&a, 0, sizeof a);
	a.o = o;
	a.started = o->started > 0 ? o->started : now_unix();
	a.loop = uv_default_loop();
	conf_context_copy(&a.ctx, o->ctx);
	int sr = screen_open(&a.scr, o->no_color, o->ascii);
	if (sr != 0) {
		conf_context_free(&a.ctx);
		return sr == -2 ? 3 : 2;
	}
	/* ASCII mode cannot draw braille or blocks, whatever was asked */
	if (o->charts >= 0 && !a.scr.ascii)
		a.scr.glyphs = (glyphs_t)o->charts;
	if (o->theme && !o->no_color)
		screen_set_theme(&a.scr, o->theme, a.ctx.color);
	else
		screen_set_theme(&a.scr, &a.scr.theme, a.ctx.color);
	a.http = http_client_new(a.loop);
	dash_init(&a.dash, a.loop, a.http, &a.ctx, o->board);
	a.dash.refresh_ms = o->refresh_ms;
	a.dash.range_ms = o->range_ms;
	a.dash.timeout_ms = o->timeout_ms;
	a.dash.on_change = on_dash_change;
	a.dash.ud = &a;
	targets_init(&a.tg, a.http, a.ctx.prometheus);
	a.tg.on_change = on_targets_change;
	a.tg.ud = &a;

	uv_poll_init(a.loop, &a.in, 0);
	a.in.data = &a;
	uv_poll_start(&a.in, UV_READABLE, on_stdin);
	const int sigs[4] = { SIGWINCH, SIGTERM, SIGHUP, SIGINT };
	for (int i = 0; i < 4; i++) {
		uv_signal_init(a.loop, &a.sig[i]);
		a.sig[i].data = &a;
		uv_signal_start(&a.sig[i], on_signal, sigs[i]);
	}
	uv_timer_init(a.loop, &a.t_refresh);
	uv_timer_init(a.loop, &a.t_tick);
	uv_timer_init(a.loop, &a.t_paint);
	a.t_refresh.data = a.t_tick.data = a.t_paint.data = &a;
	uv_timer_start(&a.t_refresh, on_refresh, 0, (uint64_t)o->refresh_ms);
	uv_timer_start(&a.t_tick, on_tick, 1000, 1000);
	paint(&a);

	while (!a.quit)
		uv_run(a.loop, UV_RUN_DEFAULT);

	/* the terminal first, so nothing below can leave it raw; then the network,
	 * then the handles */
	screen_close(&a.scr);
	targets_free(&a.tg);
	dash_free(&a.dash);
	http_client_free(a.http);
	uv_close((uv_handle_t *)&a.in, close_cb);
	for (int i = 0; i < 4; i++)
		uv_close((uv_handle_t *)&a.sig[i], close_cb);
	uv_close((uv_handle_t *)&a.t_refresh, close_cb);
	uv_close((uv_handle_t *)&a.t_tick, close_cb);
	uv_close((uv_handle_t *)&a.t_paint, close_cb);
	uv_run(a.loop, UV_RUN_DEFAULT);
	if (uv_loop_close(a.loop) != 0)
		log_msg("the loop still had handles at exit");
	sb_free(&a.cmd);
	free(a.msg);
	conf_context_free(&a.ctx);
	return 0;
}
