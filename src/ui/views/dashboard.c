/* The Dashboard view: the panel grid, focus, zoom, range steps, and a panel's details. */
#include "config.h"
#include "core/log.h"
#include "core/units.h"
#include "ui/panelview.h"
#include "ui/ui.h"
#include <curses.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	size_t focus;
	int zoomed;
	int scroll;
} dashboard_view_t;

static const long long ranges_ms[] = { 5LL * 60000, 60LL * 60000, 6LL * 3600000, 24LL * 3600000,
				       7LL * 86400000 };
#define N_RANGES (sizeof ranges_ms / sizeof ranges_ms[0])

static const keybind_t dashboard_keys[] = {
	{ KEY_UP, "Up k", REQ_UP, "focus the panel above" },
	{ 'k', NULL, REQ_UP, NULL },
	{ KEY_DOWN, "Down j", REQ_DOWN, "focus the panel below" },
	{ 'j', NULL, REQ_DOWN, NULL },
	{ KEY_LEFT, "Left h", REQ_LEFT, "focus the panel to the left" },
	{ 'h', NULL, REQ_LEFT, NULL },
	{ KEY_RIGHT, "Right l", REQ_RIGHT, "focus the panel to the right" },
	{ 'l', NULL, REQ_RIGHT, NULL },
	{ '\r', "Enter", REQ_ENTER, "zoom the focused panel / back from zoom" },
	{ '\n', NULL, REQ_ENTER, NULL },
	{ KEY_ENTER, NULL, REQ_ENTER, NULL },
	{ '[', "[ -", REQ_RANGE_SHORTER, "shorter time range (5m 1h 6h 24h 7d)" },
	{ '-', NULL, REQ_RANGE_SHORTER, NULL },
	{ ']', "] +", REQ_RANGE_LONGER, "longer time range" },
	{ '+', NULL, REQ_RANGE_LONGER, NULL },
	{ 'e', "e", REQ_DETAILS, "details of the focused panel: error, query" },
	{ 'y', "y", REQ_COPY, "copy the focused panel's query to the clipboard (OSC 52)" },
	{ 'L', "L", REQ_LOGS, "the logs of the focused panel's node (the one its value names), or its panel's logs:" },
};

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

static void draw_grid(view_t *v, rect_t area)
{
	dashboard_view_t *dv = v->priv;
	dash_t *d = &v->ui->dash;
	if (!d->n) {
		ui_put(area.y + 1, 2, COLS - 4, "this dashboard has no panels", ui_attr(EL_DIM));
		return;
	}
	if (dv->focus >= d->n)
		dv->focus = 0;
	if (dv->zoomed) {
		panelview_draw_zoom(d, &d->p[dv->focus], area);
		return;
	}
	grid_info_t gi;
	rect_t *r = dash_layout(d, area, &gi);
	rect_t full = area;
	if (gi.content_h > area.h && area.h > 1) {
		/* it scrolls: the last line says what is out of sight, on its own
		 * line, never over a panel's border (which holds its state) */
		free(r);
		area.h--;
		r = dash_layout(d, area, &gi);
	}
	/* keep the focused panel in sight, whole rows at the top */
	rect_t f = r[dv->focus];
	if (f.y - dv->scroll < area.y)
		dv->scroll = f.y - area.y;
	if (f.y + f.h - dv->scroll > area.y + area.h) {
		/* the first row start at or past what is needed: no row cut at the top */
		int need = f.y + f.h - area.y - area.h, snap = -1;
		for (size_t i = 0; i < d->n; i++) {
			int top = r[i].y - area.y;
			if (top >= need && top <= f.y - area.y && (snap < 0 || top < snap))
				snap = top;
		}
		dv->scroll = snap >= 0 ? snap : need;
	}
	if (dv->scroll < 0 || gi.content_h <= area.h)
		dv->scroll = 0;
	int above = 0, below = 0;
	for (size_t i = 0; i < d->n; i++) {
		rect_t ri = r[i];
		ri.y -= dv->scroll;
		if (ri.y < area.y || ri.y + ri.h > area.y + area.h) {
			*(ri.y < area.y ? &above : &below) += 1;
			continue;
		}
		panelview_draw(d, &d->p[i], ri, i == dv->focus);
	}
	if (above || below) {
		char hint[64];
		if (above && below)
			snprintf(hint, sizeof hint, " %d panels above, %d below: k/j ", above, below);
		else
			snprintf(hint, sizeof hint, " %d panel%s %s: %s ", above + below,
				 above + below == 1 ? "" : "s", above ? "above" : "below", above ? "k" : "j");
		ui_put_cut(full.y + full.h - 1, full.x + 1, full.w - 2, hint, ui_attr(EL_DIM) | A_REVERSE);
	}
	free(r);
}

static void dashboard_view_draw(view_t *v, rect_t area)
{
	ui_t *ui = v->ui;
	draw_grid(v, area);
	if (!ui->first_complete) {
		size_t done = 0;
		for (size_t i = 0; i < ui->dash.n; i++)
			done += ui->dash.p[i].have_data || ui->dash.p[i].error;
		if (done == ui->dash.n) {
			ui->first_complete = 1;
			log_msg("first complete paint: %zu panels, %.1f ms after start", done,
				(now_unix() - ui->started) * 1000.0);
		}
	}
}

static void move_focus(view_t *v, int dx, int dy)
{
	dashboard_view_t *dv = v->priv;
	dash_t *d = &v->ui->dash;
	if (!d->n)
		return;
	grid_info_t gi;
	rect_t *r = dash_layout(d, ui_content_area(), &gi);
	/* at an edge the focus stays (no wrap to the far side: a key held down
	 * must not spin through the grid) */
	dv->focus = layout_neighbour(r, d->n, dv->focus, dx, dy);
	free(r);
}

static void step_range(view_t *v, int dir)
{
	/* the next step of 5m 1h 6h 24h 7d beyond the current range in that
	 * direction; a range set by :range between steps moves to its neighbour */
	dash_t *d = &v->ui->dash;
	long long cur = d->range_ms, next = cur;
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
		ui_say(v->ui, 0, "range %s is the %s", duration_format(cur, b, sizeof b),
		       dir > 0 ? "longest step" : "shortest step");
		return;
	}
	dash_set_range(d, next);
	ui_say(v->ui, 0, "range %s", duration_format(next, b, sizeof b));
}

/* The details box of a panel: rebuilt at each paint, so it follows the data. */
typedef struct {
	ui_t *ui;
	size_t panel;
} details_ctx_t;

static void details_fill(textbox_t *tb, void *vctx)
{
	details_ctx_t *c = vctx;
	dash_t *d = &c->ui->dash;
	if (c->panel >= d->n)
		return;
	const panel_rt_t *p = &d->p[c->panel];
	char ago[24];
	ui_fmt_ago(p->last_ok, ago, sizeof ago);
	/* the words of the panel's border, whole: "CRIT · stale 40s", "NO DATA" */
	char *st = panel_state_text(p->state, p->stale, now_unix() - p->last_ok, g_scr->ascii, 80);
	textbox_kv(tb, "state", st ? st : "OK");
	free(st);
	textbox_kv(tb, "last good answer", ago);
	if (p->have_data && p->n_total > p->now.n) {
		char *n = xasprintf("showing the %zu worst of %zu (limits: series)", p->now.n, p->n_total);
		textbox_kv(tb, "series", n);
		free(n);
	}
	textbox_kv(tb, "query", p->def->query);
	if (p->error)
		textbox_text(tb, EL_ERROR, p->error);
	else
		textbox_text(tb, EL_DIM, p->no_data ? "the query returned no series" : "no error");
	for (size_t i = 0; i < p->n_warnings; i++) {
		char *w = xasprintf("warning: %s", p->warnings[i]);
		textbox_text(tb, EL_VALUE_WARN, w);
		free(w);
	}
	if (p->range_error) {
		char *w = xasprintf("history: %s", p->range_error);
		textbox_text(tb, EL_ERROR, w);
		free(w);
	}
	if (p->def->description) {
		textbox_blank(tb);
		textbox_text(tb, EL_DEFAULT, p->def->description);
	}
}

static req_t dashboard_view_request(view_t *v, req_t r)
{
	dashboard_view_t *dv = v->priv;
	dash_t *d = &v->ui->dash;
	switch (r) {
	case REQ_LEFT: if (!dv->zoomed) move_focus(v, -1, 0); return REQ_NONE;
	case REQ_RIGHT: if (!dv->zoomed) move_focus(v, 1, 0); return REQ_NONE;
	case REQ_UP: if (!dv->zoomed) move_focus(v, 0, -1); return REQ_NONE;
	case REQ_DOWN: if (!dv->zoomed) move_focus(v, 0, 1); return REQ_NONE;
	case REQ_ENTER:
		if (d->n)
			dv->zoomed = !dv->zoomed;
		return REQ_NONE;
	case REQ_RANGE_SHORTER: step_range(v, -1); return REQ_NONE;
	case REQ_RANGE_LONGER: step_range(v, 1); return REQ_NONE;
	case REQ_DETAILS:
		if (dv->focus < d->n) {
			details_ctx_t *c = xcalloc(1, sizeof *c);
			c->ui = v->ui;
			c->panel = dv->focus;
			textbox_open(v->ui, d->p[dv->focus].def->title, details_fill, c, free);
		}
		return REQ_NONE;
	case REQ_LOGS:
		if (dv->focus < d->n) {
			const panel_rt_t *p = &d->p[dv->focus];
			logs_jump_labels(v->ui, panelview_culprit(p), p->def->logs, 0, p->def->title);
		}
		return REQ_NONE;
	case REQ_COPY:
		if (dv->focus < d->n)
			ui_copy(v->ui, "query", d->p[dv->focus].def->query);
		return REQ_NONE;
	case REQ_BACK:
	case REQ_BACK_OR_QUIT:
		/* q and Esc leave the zoom first */
		if (dv->zoomed) {
			dv->zoomed = 0;
			return REQ_NONE;
		}
		return r;
	default:
		return r;
	}
}

static char *dashboard_view_status(view_t *v)
{
	ui_t *ui = v->ui;
	if (!ui->o->board->title)
		return NULL;
	char rb[16];
	duration_format(ui->dash.range_ms, rb, sizeof rb);
	return xasprintf("%s  range %s  every %llds ", ui->o->board->title, rb,
			 ui->dash.refresh_ms / 1000);
}

static const char *dashboard_hint(view_t *v)
{
	dashboard_view_t *dv = v->priv;
	return dv->zoomed ? "[ ] range  e details  L logs  y copy  Enter/Esc back  ? help"
			  : "arrows move  Enter zoom  e details  L logs  y copy  Tab views  ? help  q quit";
}

const view_ops_t dashboard_view_ops = {
	.name = "Dashboard",
	.hint = "arrows move  Enter zoom  e details  L logs  y copy  Tab views  ? help  q quit",
	.private_size = sizeof(dashboard_view_t),
	.keys = dashboard_keys,
	.n_keys = sizeof dashboard_keys / sizeof dashboard_keys[0],
	.draw = dashboard_view_draw,
	.request = dashboard_view_request,
	.status = dashboard_view_status,
	.hint_fn = dashboard_hint,
};
