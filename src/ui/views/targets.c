/* The Targets view: Prometheus' scrape targets, down first, in a list. */
#include "config.h"
#include "app/targets.h"
#include "core/units.h"
#include "ui/ui.h"
#include <curses.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	list_t list;
} targets_view_t;

static const keybind_t targets_keys[] = {
	LIST_KEYBINDS,
};

static void targets_view_draw(view_t *v, rect_t area)
{
	targets_view_t *tv = v->priv;
	targets_t *tg = &v->ui->tg;
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
	list_fit(&tv->list, t->n, rows);
	for (size_t i = tv->list.top; i < t->n && y < area.y + area.h - 1; i++, y++) {
		prom_target_t *e = &t->v[i];
		int sel = i == tv->list.sel;
		attr_t base = ui_attr(sel ? EL_SELECTED : EL_DEFAULT);
		if (sel)
			ui_fill((rect_t){ 0, y, COLS, 1 }, base);
		int up = e->health && strcmp(e->health, "up") == 0;
		theme_el_t hel = up ? EL_VALUE_OK
			       : (e->health && strcmp(e->health, "down") == 0) ? EL_VALUE_CRIT
										: EL_VALUE_STALE;
		char ago[24], dur[24];
		unit_t sec = { UNIT_SECONDS, "" };
		ui_fmt_ago(e->last_scrape, ago, sizeof ago);
		unit_format(&sec, e->last_scrape_duration, dur, sizeof dur);
		x = 1;
		x += ui_printf(y, x, COLS - x, (sel ? base : ui_attr(hel)) | A_BOLD, "%-7s ",
			       e->health ? e->health : "?");
		x += ui_printf(y, x, cj + 1, base, "%-*s ", cj, e->job ? e->job : "");
		x += ui_printf(y, x, ci + 1, base, "%-*s ", ci, e->instance ? e->instance : "");
		x += ui_printf(y, x, cl + 1, base, "%-*s ", cl, ago);
		x += ui_printf(y, x, cd + 2, base, "%*s  ", cd, dur);
		ui_put(y, x, COLS - x, e->last_error ? e->last_error : "",
		       sel ? base : ui_attr(EL_ERROR));
	}
	char ago[24];
	ui_fmt_ago(tg->last_ok, ago, sizeof ago);
	ui_printf(area.y + area.h - 1, 1, COLS - 2, ui_attr(EL_DIM),
		  "%zu active target%s, %zu dropped; updated %s", t->n, t->n == 1 ? "" : "s",
		  t->n_dropped, ago);
}

static req_t targets_view_request(view_t *v, req_t r)
{
	targets_view_t *tv = v->priv;
	if (list_request(&tv->list, r))
		return REQ_NONE;
	return r;
}

static void targets_view_refresh(view_t *v)
{
	targets_refresh(&v->ui->tg, v->ui->dash.timeout_ms);
}

/* the view shows ages ("3s ago") that move every second */
static int targets_view_tick(view_t *v, double now)
{
	(void)v;
	(void)now;
	return 1;
}

const view_ops_t targets_view_ops = {
	.name = "Targets",
	.hint = "j/k move  Tab views  : command  ? help  q quit",
	.private_size = sizeof(targets_view_t),
	.keys = targets_keys,
	.n_keys = sizeof targets_keys / sizeof targets_keys[0],
	.reload = targets_view_refresh,
	.draw = targets_view_draw,
	.request = targets_view_request,
	.tick = targets_view_tick,
};
