/* The interactive console: the loop's handles, the header, view bar and status line, painting, keys to requests. (`:` commands: commands.c.) */
#include "config.h"
#include "ui/tui.h"
#include "app/creds.h"
#include "core/log.h"
#include "core/units.h"
#include "core/text.h"
#include "ui/ui.h"
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#ifndef CTRL
#define CTRL(c) ((c) & 0x1f)
#endif

static const keybind_t global_keys[] = {
	{ '?', "?", REQ_HELP, "show or hide this help" },
	{ ':', ":", REQ_CMDLINE, "command line (see commands below)" },
	{ 'q', "q", REQ_BACK_OR_QUIT, "back from help, a box or zoom; else quit" },
	{ 'Q', "Q", REQ_QUIT, "quit at once" },
	{ 27, "Esc", REQ_BACK, "back: close help, a box, a form or the zoom" },
	{ '\t', "Tab", REQ_NEXT_VIEW, "next view" },
	{ KEY_BTAB, "S-Tab", REQ_PREV_VIEW, "previous view" },
	{ '1', "1-6", REQ_VIEW1, "show view N (see the view bar)" },
	{ '2', NULL, REQ_VIEW2, NULL },
	{ '3', NULL, REQ_VIEW3, NULL },
	{ '4', NULL, REQ_VIEW4, NULL },
	{ '5', NULL, REQ_VIEW5, NULL },
	{ '6', NULL, REQ_VIEW6, NULL },
	{ 'r', "r", REQ_REFRESH, "refresh now" },
	{ CTRL('l'), "^L", REQ_REDRAW, "redraw the screen" },
};

const keybind_t *ui_global_keys(size_t *n)
{
	*n = sizeof global_keys / sizeof global_keys[0];
	return global_keys;
}

/* ---- glyphs ---- */

static const struct {
	const char *utf8, *ascii;
} glyphs[GL__COUNT] = {
	[GL_HEALTH_OK] = { "\xe2\x97\x8f", "+" },      /* ● */
	[GL_HEALTH_SLOW] = { "\xe2\x97\x90", "~" },    /* ◐ */
	[GL_HEALTH_DOWN] = { "\xe2\x9c\x97", "x" },    /* ✗ */
	[GL_HEALTH_UNKNOWN] = { "\xe2\x97\x8b", "?" }, /* ○ */
	[GL_EXPANDED] = { "\xe2\x96\xbe", "v" },       /* ▾ */
	[GL_COLLAPSED] = { "\xe2\x96\xb8", ">" },      /* ▸ */
	[GL_BAR] = { "\xe2\x94\x82", "|" },            /* │ */
	[GL_DOT] = { "\xc2\xb7", "-" },                 /* · */
	[GL_DASH] = { "\xe2\x80\x94", "--" },          /* — */
};

const char *ui_glyph(glyph_t g)
{
	return g_scr && g_scr->ascii ? glyphs[g].ascii : glyphs[g].utf8;
}

void ui_fmt_ago(double t, char *buf, size_t n)
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

char *ui_fmt_time(double t, char *buf, size_t n)
{
	time_t tt = (time_t)t, now = time(NULL);
	struct tm tm, tn;
	localtime_r(&tt, &tm);
	localtime_r(&now, &tn);
	if (tm.tm_year == tn.tm_year && tm.tm_yday == tn.tm_yday)
		strftime(buf, n, "%H:%M", &tm);
	else if (t > (double)now - 6 * 86400 && t < (double)now + 6 * 86400)
		strftime(buf, n, "%a %H:%M", &tm);
	else
		strftime(buf, n, "%Y-%m-%d %H:%M", &tm);
	return buf;
}

char *ui_fmt_left(double t, char *buf, size_t n)
{
	double now = now_unix();
	if (t <= now) {
		snprintf(buf, n, "expired");
		return buf;
	}
	/* alertlist_age counts from a time to now; the time left is the same span */
	return alertlist_age(now, t, buf, n);
}

/* ---- painting ---- */

static void request_paint(ui_t *ui, int header_only);

void ui_dirty(ui_t *ui)
{
	request_paint(ui, 0);
}

void ui_say(ui_t *ui, int err, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *raw = xvasprintf(fmt, ap);
	va_end(ap);
	/* whatever a server put in it (an id, a name) never steers the terminal */
	char *m = text_sanitize(raw);
	free(raw);
	free(ui->msg);
	ui->msg = m;
	ui->msg_err = err;
	ui->msg_until = now_unix() + (err ? 8 : 4);
	log_msg("%s: %s", err ? "error" : "note", ui->msg);
	ui_dirty(ui);
}

rect_t ui_content_area(void)
{
	return (rect_t){ 0, 2, COLS, LINES - 3 > 0 ? LINES - 3 : 0 };
}

view_t *ui_cur_view(ui_t *ui)
{
	return &ui->views[ui->cur];
}

static const char *health_glyph(bk_health_t h)
{
	switch (h) {
	case BK_OK: return ui_glyph(GL_HEALTH_OK);
	case BK_SLOW: return ui_glyph(GL_HEALTH_SLOW);
	case BK_DOWN: return ui_glyph(GL_HEALTH_DOWN);
	default: return ui_glyph(GL_HEALTH_UNKNOWN);
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

static void draw_header(ui_t *ui)
{
	attr_t h = ui_attr(EL_HEADER);
	ui_fill((rect_t){ 0, 0, COLS, 1 }, h);
	int x = ui_put(0, 0, COLS, " ICN ", h | A_BOLD);
	x += ui_printf(0, x, COLS - x, g_scr->ctx_attr, " %s ", ui->ctx.name ? ui->ctx.name : "default");
	if (ui->ctx.read_only)
		x += ui_put(0, x, COLS - x, " read-only", h | A_BOLD);
	/* standing, for as long as a backend's certificates go unchecked */
	char *insecure = creds_insecure_note(&ui->ctx);
	if (insecure)
		x += ui_put(0, x, COLS - x, " TLS NOT VERIFIED", ui_attr(EL_ALERT_COUNT) | A_BOLD);
	free(insecure);
	if (ui->bk.prom.url)
		x = draw_backend(x, COLS < 100 ? "prom" : "prometheus", &ui->bk.prom);
	for (size_t i = 0; i < ui->bk.n_am; i++) {
		char nm[24];
		snprintf(nm, sizeof nm, "%s%s", COLS < 100 ? "am" : "alertmanager",
			 ui->bk.n_am > 1 ? (char[]){ (char)('1' + i), 0 } : "");
		x = draw_backend(x, nm, &ui->bk.am[i]);
	}
	if (ui->bk.loki.url)
		x = draw_backend(x, "loki", &ui->bk.loki);
	if (ui->bk.jaeger.url)
		x = draw_backend(x, "jaeger", &ui->bk.jaeger);
	x += ui_put(0, x, COLS - x, "  ", h);
	int firing = ui->al.firing;
	if (firing < 0) {
		if (ui->bk.n_am)
			x += ui_put(0, x, COLS - x, "alerts ?", h);
	} else {
		x += ui_printf(0, x, COLS - x, firing ? ui_attr(EL_ALERT_COUNT) | A_BOLD : h,
			       " %d firing", firing);
		/* Alertmanager stopped answering: the last count stays, with its age */
		if (ui->al.error && ui->al.last_ok > 0) {
			char age[16];
			age_format(now_unix() - ui->al.last_ok, age, sizeof age);
			x += ui_printf(0, x, COLS - x, h, " %s %s old", ui_glyph(GL_DOT), age);
		}
		x += ui_put(0, x, COLS - x, " ", h);
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

static void draw_viewbar(ui_t *ui)
{
	ui_fill((rect_t){ 0, 1, COLS, 1 }, ui_attr(EL_VIEWBAR));
	int x = 0;
	for (size_t v = 0; v < ui->n_views; v++) {
		attr_t at = ui_attr(v == ui->cur ? EL_VIEWBAR_ACTIVE : EL_VIEWBAR);
		x += ui_printf(1, x, COLS - x, at, " %zu %s ", v + 1, ui->views[v].ops->name);
		x += ui_put(1, x, COLS - x, " ", ui_attr(EL_VIEWBAR));
	}
	view_t *v = ui_cur_view(ui);
	if (v->ops->status) {
		char *s = v->ops->status(v);
		if (s) {
			int w = utf8_width(s);
			if (x + w < COLS)
				ui_put(1, COLS - w, w, s, ui_attr(EL_VIEWBAR));
			free(s);
		}
	}
}

/* The frame: a context with a colour (its own, or red for a "prod" one) has
 * the status line's edges in it, as the header has its name at the top, and
 * its name at the right where the line's text leaves room (used: the columns
 * the text took); without colours, in bold and the other video than the line. */
static void draw_frame(ui_t *ui, int y, int used)
{
	if (!g_scr->ctx_framed)
		return;
	attr_t fa = g_scr->ctx_attr;
	if (!(fa & A_COLOR)) /* no colours: the other video than the line's */
		fa = A_BOLD | ((ui_attr(EL_STATUSBAR) & A_REVERSE) ? 0 : A_REVERSE);
	const char *name = ui->ctx.name ? ui->ctx.name : "default";
	int w = utf8_width(name) + 2;
	ui_put(y, 0, 1, " ", fa);
	if (used + 1 + w <= COLS && w <= COLS / 3)
		ui_printf(y, COLS - w, w, fa, " %s ", name);
	else
		ui_put(y, COLS - 1, 1, " ", fa);
}

/* The status line's text from column 1 (a message, a write under way, or the
 * hints); returns the columns it took. */
static int draw_status_text(ui_t *ui, int y)
{
	if (ui->msg && now_unix() < ui->msg_until)
		return ui_put_cut(y, 1, COLS - 2, ui->msg,
				  ui->msg_err ? ui_attr(EL_ERROR) | A_BOLD : ui_attr(EL_STATUSBAR));
	overlay_t *o = ui_top(ui);
	size_t nw = alerts_writes_pending(&ui->al);
	if (nw && !(o && o->ops->input)) {
		/* a write under way stays in sight until Alertmanager answers */
		return ui_printf_cut(y, 1, COLS - 2, ui_attr(EL_VALUE_WARN) | A_BOLD,
				     "%zu write%s to Alertmanager under way: waiting for its answer...", nw,
				     nw == 1 ? "" : "s");
	}
	const char *hint = NULL;
	if (o && o->ops->hint)
		hint = o->ops->hint(o);
	view_t *v = ui_cur_view(ui);
	if (!hint)
		hint = v->ops->hint_fn ? v->ops->hint_fn(v) : v->ops->hint;
	return ui_put_cut(y, 1, COLS - 2, hint ? hint : "", ui_attr(EL_STATUSBAR));
}

static void draw_statusbar(ui_t *ui)
{
	int y = LINES - 1;
	ui_fill((rect_t){ 0, y, COLS, 1 }, ui_attr(EL_STATUSBAR));
	draw_frame(ui, y, 1 + draw_status_text(ui, y));
}

static void paint(ui_t *ui)
{
	erase();
	/* below this no panel fits (header, view bar, status line, one panel row) */
	if (COLS < 24 || LINES < 3 + LAYOUT_MIN_H) {
		ui_printf_cut(0, 0, COLS, ui_attr(EL_ERROR), "terminal too small: %dx%d, need 24x%d", COLS,
			      LINES, 3 + LAYOUT_MIN_H);
		ui_put(1, 0, COLS, "q quits", ui_attr(EL_DIM));
		refresh();
		return;
	}
	draw_header(ui);
	draw_viewbar(ui);
	view_t *v = ui_cur_view(ui);
	v->ops->draw(v, ui_content_area());
	draw_statusbar(ui);
	/* overlays last, bottom up: a prompt draws over the status line */
	for (int i = 0; i < ui->n_ov; i++)
		ui->ov[i].ops->draw(&ui->ov[i], ui_content_area());
	refresh();
}

static void on_paint(uv_timer_t *t)
{
	ui_t *ui = t->data;
	ui->paint_pending = 0;
	if (ui->header_only && COLS >= 24 && LINES >= 3 + LAYOUT_MIN_H) {
		draw_header(ui);
		refresh();
	} else {
		paint(ui);
	}
	ui->header_only = 0;
}

/* Network callbacks never draw: they mark the screen dirty and one timer paints.
 * Any change asks for a whole paint; the clock alone asks for the header only
 * (an idle dashboard then costs one line a second, not seven charts). */
static void paint_in(ui_t *ui, int header_only, uint64_t ms)
{
	if (ui->quit)
		return;
	uint64_t due = uv_now(ui->loop) + ms;
	if (ui->paint_pending) {
		ui->header_only &= header_only;
		if (due >= ui->paint_due)
			return; /* the paint already asked for comes sooner */
	} else {
		ui->paint_pending = 1;
		ui->header_only = header_only;
	}
	ui->paint_due = due;
	uv_timer_start(&ui->t_paint, on_paint, ms, 0);
}

static void request_paint(ui_t *ui, int header_only)
{
	paint_in(ui, header_only, 10);
}

/* What the network brought: the answers of one refresh arrive over tens of
 * ms, and one paint for all of them is enough (a key paints at once). */
static void request_paint_net(ui_t *ui, int header_only)
{
	paint_in(ui, header_only, 60);
}

void ui_dirty_net(ui_t *ui)
{
	request_paint_net(ui, 0);
}

/* ---- refresh and time ---- */

void ui_refresh_now(ui_t *ui)
{
	dash_refresh(&ui->dash, now_unix(), 1);
	hprobe_tick(&ui->probe, &ui->ctx, ui->o->timeout_ms, now_unix());
	/* the header's firing count, whatever the view */
	alerts_refresh(&ui->al, 0);
	view_t *v = ui_cur_view(ui);
	if (v->ops->reload)
		v->ops->reload(v);
}

static void on_refresh(uv_timer_t *t)
{
	ui_refresh_now(t->data);
}

void ui_set_refresh(ui_t *ui, long long ms)
{
	ui->dash.refresh_ms = ms;
	uv_timer_start(&ui->t_refresh, on_refresh, 0, (uint64_t)ms);
}

static void on_tick(uv_timer_t *t)
{
	ui_t *ui = t->data;
	double now = now_unix();
	int changed = dash_tick(&ui->dash, now);
	if (ui->msg && now >= ui->msg_until) {
		free(ui->msg);
		ui->msg = NULL;
		changed = 1;
	}
	view_t *v = ui_cur_view(ui);
	if (v->ops->tick)
		changed |= v->ops->tick(v, now);
	for (int i = 0; i < ui->n_ov; i++)
		if (ui->ov[i].ops->tick)
			changed |= ui->ov[i].ops->tick(&ui->ov[i], now);
	request_paint(ui, !changed);
}

/* ---- views ---- */

static void set_view(ui_t *ui, size_t i)
{
	if (i >= ui->n_views)
		return;
	if (i == ui->cur) {
		ui_pop_all(ui);
		return;
	}
	ui_pop_all(ui);
	view_t *old = ui_cur_view(ui);
	if (old->ops->focus)
		old->ops->focus(old, 0);
	ui->cur = i;
	view_t *v = ui_cur_view(ui);
	if (v->ops->focus)
		v->ops->focus(v, 1);
	if (v->ops->reload)
		v->ops->reload(v);
	ui_dirty(ui);
}

view_t *ui_show_view(ui_t *ui, const char *name)
{
	for (size_t i = 0; i < ui->n_views; i++)
		if (strcasecmp(ui->views[i].ops->name, name) == 0) {
			set_view(ui, i);
			return &ui->views[i];
		}
	return NULL;
}

view_t *ui_jump(ui_t *ui, const char *name, const jump_t *j)
{
	for (size_t i = 0; i < ui->n_views; i++) {
		view_t *v = &ui->views[i];
		if (strcasecmp(v->ops->name, name) != 0)
			continue;
		if (!v->ops->jump || v->ops->jump(v, j) != 0)
			return NULL;
		set_view(ui, i);
		return v;
	}
	return NULL;
}

static void add_view(ui_t *ui, const view_ops_t *ops)
{
	if (ui->n_views >= UI_MAX_VIEWS)
		return;
	view_t *v = &ui->views[ui->n_views++];
	v->ops = ops;
	v->ui = ui;
	v->priv = ops->private_size ? xcalloc(1, ops->private_size) : NULL;
	if (ops->open)
		ops->open(v);
}

/* ---- help ---- */

static void help_keys(textbox_t *tb, const keybind_t *k, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (k[i].label)
			textbox_kv(tb, k[i].label, k[i].help);
}

static void help_fill(textbox_t *tb, void *ctx)
{
	ui_t *ui = ctx;
	size_t n;
	const keybind_t *g = ui_global_keys(&n);
	textbox_heading(tb, "global");
	help_keys(tb, g, n);
	/* the shown view first, then the others */
	for (size_t j = 0; j < ui->n_views; j++) {
		size_t i = (ui->cur + j) % ui->n_views;
		const view_ops_t *ops = ui->views[i].ops;
		if (!ops->n_keys)
			continue;
		char *h = xasprintf("%s (%zu)%s", ops->name, i + 1, j == 0 ? ": this view" : "");
		textbox_blank(tb);
		textbox_heading(tb, h);
		free(h);
		help_keys(tb, ops->keys, ops->n_keys);
		for (size_t c = 0; ops->cmds && c < ops->n_cmds; c++) {
			char *nm = xasprintf(":%s %s", ops->cmds[c].name, ops->cmds[c].args);
			textbox_kv(tb, nm, ops->cmds[c].help);
			free(nm);
		}
	}
	textbox_blank(tb);
	textbox_heading(tb, "commands (after :)");
	const command_t *c = ui_commands(&n);
	for (size_t i = 0; i < n; i++) {
		char *nm = xasprintf(":%s %s", c[i].name, c[i].args);
		textbox_kv(tb, nm, c[i].help);
		free(nm);
	}
}

void ui_open_help(ui_t *ui)
{
	textbox_open(ui, "Help: keys and commands (Esc or ? to close, j/k scroll)", help_fill, ui, NULL);
}

/* ---- keys ---- */

static void quit_yes(ui_t *ui, void *ud)
{
	(void)ud;
	ui->quit = 1;
	uv_stop(ui->loop);
}

/* Quit, unless a write to Alertmanager is still under way: then ask, so an
 * acknowledgement is never left unconfirmed without the user knowing. */
void ui_quit(ui_t *ui)
{
	size_t n = alerts_writes_pending(&ui->al);
	if (n) {
		char *q = xasprintf("%zu write%s to Alertmanager still under way (not yet confirmed): quit anyway? [y/N]",
				    n, n == 1 ? " is" : "s are");
		confirm_open(ui, q, quit_yes, NULL, NULL);
		free(q);
		return;
	}
	quit_yes(ui, NULL);
}

/* What the console itself does with a request no view took. */
static void global_request(ui_t *ui, req_t r)
{
	switch (r) {
	case REQ_HELP: ui_open_help(ui); break;
	case REQ_CMDLINE: {
		prompt_t *p = prompt_open(ui, ":", NULL, ui_run_command, NULL, NULL, NULL, NULL);
		prompt_history(p, &ui->cmd_hist);
		prompt_completion(p, ui_complete_command);
		break;
	}
	case REQ_QUIT:
	case REQ_BACK_OR_QUIT: ui_quit(ui); break;
	case REQ_NEXT_VIEW: set_view(ui, (ui->cur + 1) % ui->n_views); break;
	case REQ_PREV_VIEW: set_view(ui, (ui->cur + ui->n_views - 1) % ui->n_views); break;
	case REQ_VIEW1: case REQ_VIEW2: case REQ_VIEW3: case REQ_VIEW4: case REQ_VIEW5:
	case REQ_VIEW6:
		set_view(ui, (size_t)(r - REQ_VIEW1));
		break;
	case REQ_REFRESH:
		ui->al.force = 1; /* asked for: now, however big the last list was */
		ui_refresh_now(ui);
		ui_say(ui, 0, "refreshing");
		break;
	case REQ_REDRAW: clearok(curscr, TRUE); break;
	default: break;
	}
}

static req_t key_to_req(const keybind_t *k, size_t n, int ch)
{
	for (size_t i = 0; i < n; i++)
		if (k[i].key == ch)
			return k[i].req;
	return REQ_NONE;
}

static void handle_key(ui_t *ui, int ch)
{
	if (ch == KEY_RESIZE) {
		ui_dirty(ui);
		return;
	}
	/* the top overlay takes raw keys first */
	overlay_t *o = ui_top(ui);
	if (o) {
		void *data = o->data;
		int r = o->ops->key(o, ch);
		if (r == OV_CLOSE) {
			/* the key handler may itself have pushed or popped: pop only the
			 * overlay that asked (the same data, not merely the same slot) */
			overlay_t *t = ui_top(ui);
			if (t && t->data == data)
				ui_pop(ui);
			return;
		}
		if (r == OV_KEEP)
			return;
	}
	view_t *v = ui_cur_view(ui);
	req_t r = key_to_req(v->ops->keys, v->ops->n_keys, ch);
	if (r == REQ_NONE) {
		size_t n;
		const keybind_t *g = ui_global_keys(&n);
		r = key_to_req(g, n, ch);
	}
	if (r == REQ_NONE)
		return;
	r = v->ops->request(v, r);
	if (r != REQ_NONE)
		global_request(ui, r);
}

static void on_stdin(uv_poll_t *h, int status, int events)
{
	(void)events;
	ui_t *ui = h->data;
	int ch, got = 0;
	if (status < 0) {
		log_msg("terminal input failed: %s", uv_strerror(status));
		ui->quit = 1;
	}
	while (!ui->quit && (ch = getch()) != ERR) {
		got = 1;
		handle_key(ui, ch);
	}
	/* readable but nothing to read, again and again: the terminal is gone (ssh dropped) */
	ui->empty_reads = got ? 0 : ui->empty_reads + 1;
	if (ui->empty_reads > 50) {
		log_msg("terminal hung up");
		ui->quit = 1;
	}
	if (ui->quit)
		uv_stop(ui->loop);
	else if (got)
		/* every key read is handled: paint at once (the batch read is the
		 * coalescing; what a key started over the network paints later) */
		paint_in(ui, 0, 0);
	else
		ui_dirty(ui);
}

static void on_signal(uv_signal_t *s, int signum)
{
	ui_t *ui = s->data;
	if (signum == SIGWINCH) {
		screen_resize();
		clearok(curscr, TRUE);
		ui_dirty(ui);
		return;
	}
	/* Ctrl-C (SIGINT), SIGTERM, SIGHUP: the terminal is restored as for q, and
	 * the exit status says what stopped us, as a shell would (130 for Ctrl-C) */
	ui->exit_code = 128 + signum;
	ui->quit = 1;
	uv_stop(ui->loop);
}

static void on_dash_change(dash_t *d, void *ud)
{
	(void)d;
	request_paint_net(ud, 0);
}

static void on_backends_change(backends_t *b, void *ud)
{
	(void)b;
	request_paint_net(ud, 1); /* health shows in the header */
}

/* A new alert list repaints the views that show it; elsewhere only the header
 * (its firing count) changes, and the idle dashboard stays one line a refresh. */
static void on_alerts_change(alerts_t *al, void *ud)
{
	(void)al;
	ui_t *ui = ud;
	request_paint_net(ui, !(ui_cur_view(ui)->ops->flags & VIEW_F_ALERTS) && !ui->n_ov);
}

/* A terminal notification: the bell, and OSC 777 (urxvt, foot, ...) and OSC 9
 * (iTerm2, Windows Terminal, ...). The text comes from outside: only printable
 * ASCII without ';' reaches the escape sequence. */
static void notify_critical(ui_t *ui, const am_alert_t *a)
{
	double now = now_unix();
	if (!ui->o->bell || now - ui->last_bell < 30)
		return; /* at most one ring in 30 s, however many alerts fire at once */
	ui->last_bell = now;
	const char *name = labels_get(&a->labels, "alertname");
	const char *sum = labels_get(&a->annotations, "summary");
	char *raw = xasprintf("%s%s%s", name ? name : "alert", sum ? ": " : "", sum ? sum : "");
	char safe[160];
	size_t k = 0;
	for (const char *p = raw; *p && k + 1 < sizeof safe; p++)
		safe[k++] = (*p >= 0x20 && *p < 0x7f && *p != ';') ? *p : ' ';
	safe[k] = '\0';
	free(raw);
	beep();
	fprintf(stdout, "\033]777;notify;ICN critical;%s\a\033]9;ICN critical: %s\a", safe, safe);
	fflush(stdout);
	log_msg("notified: critical alert %s", safe);
}

void ui_copy(ui_t *ui, const char *what, const char *text)
{
	if (!ui->o->clipboard) {
		ui_say(ui, 1, "the clipboard is off (--no-clipboard or clipboard: false): nothing copied");
		return;
	}
	size_t n = strlen(text ? text : "");
	/* outside curses' buffer, as the bell's notification: curses has sent its
	 * last screen, and the sequence moves no cursor */
	char *seq = text_osc52(text ? text : "", n);
	fputs(seq, stdout);
	fflush(stdout);
	free(seq);
	log_msg("copied %s (%zu bytes) with OSC 52", what, n);
	ui_say(ui, 0, "%s copied (%zu bytes)", what, n);
}

static void on_new_critical(alerts_t *al, const am_alert_t *a, void *ud)
{
	(void)al;
	notify_critical(ud, a);
}

/* A new list (sorted by the targets module, down first). */
static void on_targets_change(targets_t *t, void *ud)
{
	(void)t;
	request_paint_net(ud, 0);
}

static void close_cb(uv_handle_t *h)
{
	(void)h;
}

int tui_run(const tui_opts_t *o)
{
	ui_t ui;
	memset(&ui, 0, sizeof ui);
	sb_init(&ui.exit_notes);
	ui.o = o;
	ui.started = o->started > 0 ? o->started : now_unix();
	ui.loop = uv_default_loop();
	conf_context_copy(&ui.ctx, o->ctx);
	int sr = screen_open(&ui.scr, o->no_color, o->ascii);
	if (sr != 0) {
		conf_context_free(&ui.ctx);
		return sr == -3 ? 4 : sr == -2 ? 3 : 2;
	}
	/* ASCII mode cannot draw braille or blocks, whatever was asked */
	if (o->charts >= 0 && !ui.scr.ascii)
		ui.scr.glyphs = (glyphs_t)o->charts;
	if (o->theme && !o->no_color)
		screen_set_theme(&ui.scr, o->theme, ui.ctx.color);
	else
		screen_set_theme(&ui.scr, &ui.scr.theme, ui.ctx.color);
	ui.http = http_client_new(ui.loop);
	creds_apply(ui.http, &ui.ctx);
	backends_init(&ui.bk, &ui.ctx);
	ui.bk.on_change = on_backends_change;
	ui.bk.ud = &ui;
	dash_init(&ui.dash, ui.loop, ui.http, &ui.bk, &ui.ctx, o->board);
	ui.dash.refresh_ms = o->refresh_ms;
	ui.dash.range_ms = o->range_ms;
	ui.dash.timeout_ms = o->timeout_ms;
	ui.dash.max_answer = (size_t)o->conf->max_answer;
	ui.dash.max_series = (size_t)o->conf->max_series;
	ui.dash.on_change = on_dash_change;
	ui.dash.ud = &ui;
	targets_init(&ui.tg, ui.http, ui.ctx.prometheus);
	ui.tg.on_change = on_targets_change;
	ui.tg.ud = &ui;

	alerts_init(&ui.al, ui.loop, ui.http, &ui.bk, &ui.ctx, o->timeout_ms);
	hprobe_init(&ui.probe, ui.loop, ui.http, &ui.bk);
	ui.al.on_change = on_alerts_change;
	ui.al.on_new_critical = on_new_critical;
	ui.al.ud = &ui;

	add_view(&ui, &dashboard_view_ops);
	add_view(&ui, &targets_view_ops);
	add_view(&ui, &alerts_view_ops);
	add_view(&ui, &silences_view_ops);
	add_view(&ui, &logs_view_ops);
	add_view(&ui, &traces_view_ops);

	uv_poll_init(ui.loop, &ui.in, 0);
	ui.in.data = &ui;
	uv_poll_start(&ui.in, UV_READABLE, on_stdin);
	const int sigs[4] = { SIGWINCH, SIGTERM, SIGHUP, SIGINT };
	for (int i = 0; i < 4; i++) {
		uv_signal_init(ui.loop, &ui.sig[i]);
		ui.sig[i].data = &ui;
		uv_signal_start(&ui.sig[i], on_signal, sigs[i]);
	}
	uv_timer_init(ui.loop, &ui.t_refresh);
	uv_timer_init(ui.loop, &ui.t_tick);
	uv_timer_init(ui.loop, &ui.t_paint);
	ui.t_refresh.data = ui.t_tick.data = ui.t_paint.data = &ui;
	uv_timer_start(&ui.t_refresh, on_refresh, 0, (uint64_t)o->refresh_ms);
	uv_timer_start(&ui.t_tick, on_tick, 1000, 1000);
	ui_history_load(&ui);
	if (o->note)
		ui_say(&ui, 1, "%s", o->note);
	else if (o->conf && o->conf->warning)
		ui_say(&ui, 1, "warning: %s", o->conf->warning);
	else if (ui.ctx.warnings)
		ui_say(&ui, 1, "warning: %s", ui.ctx.warnings);
	paint(&ui);

	while (!ui.quit)
		uv_run(ui.loop, UV_RUN_DEFAULT);

	/* the terminal first, so nothing below can leave it raw; then the overlays
	 * and views, the network, then the handles */
	screen_close(&ui.scr);
	/* writes still under way are reported (to the log) before the overlays go */
	ui.al.on_change = NULL;
	ui.al.on_new_critical = NULL;
	alerts_free(&ui.al);
	ui_pop_all(&ui);
	/* a view's close may run the loop (the Logs view's websocket client):
	 * nothing of ours fires then */
	uv_timer_stop(&ui.t_refresh);
	uv_timer_stop(&ui.t_tick);
	uv_timer_stop(&ui.t_paint);
	for (size_t i = 0; i < ui.n_views; i++) {
		if (ui.views[i].ops->close)
			ui.views[i].ops->close(&ui.views[i]);
		free(ui.views[i].priv);
	}
	targets_free(&ui.tg);
	dash_free(&ui.dash);
	hprobe_free(&ui.probe);
	ui.bk.on_change = NULL;
	backends_free(&ui.bk);
	http_client_free(ui.http);
	uv_close((uv_handle_t *)&ui.in, close_cb);
	for (int i = 0; i < 4; i++)
		uv_close((uv_handle_t *)&ui.sig[i], close_cb);
	uv_close((uv_handle_t *)&ui.t_refresh, close_cb);
	uv_close((uv_handle_t *)&ui.t_tick, close_cb);
	uv_close((uv_handle_t *)&ui.t_paint, close_cb);
	uv_run(ui.loop, UV_RUN_DEFAULT);
	if (uv_loop_close(ui.loop) != 0)
		log_msg("the loop still had handles at exit");
	free(ui.msg);
	ui_history_save(&ui);
	history_free(&ui.cmd_hist);
	conf_context_free(&ui.ctx);
	/* writes that did not finish well while the screen was going: said here,
	 * on the terminal the user gets back, and in the exit status */
	int rc = 0;
	if (ui.exit_notes.len) {
		fputs(ui.exit_notes.s, stderr);
		log_msg("%s", ui.exit_notes.s);
		rc = 1;
	}
	if (ui.exit_code)
		rc = ui.exit_code;
	sb_free(&ui.exit_notes);
	return rc;
}
