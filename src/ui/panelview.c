/* Panel widgets: each panel type draws its model into a rectangle; no network here. */
#include "config.h"
#include "ui/panelview.h"
#include "app/backends.h"
#include "core/xalloc.h"
#include "model/legend.h"
#include "ui/screen.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static theme_el_t state_el(pstate_t s)
{
	switch (s) {
	case PSTATE_OK: return EL_VALUE_OK;
	case PSTATE_WARN: return EL_VALUE_WARN;
	case PSTATE_CRIT: return EL_VALUE_CRIT;
	case PSTATE_STALE: return EL_VALUE_STALE;
	default: return EL_VALUE_ERROR;
	}
}

/* The value in its state's colour: bold while fresh, plain once stale, so
 * stale red still reads red but not as loud as news. */
static attr_t value_attr(const panel_rt_t *p)
{
	return ui_attr(state_el(p->state)) | (p->stale ? 0 : A_BOLD);
}

/* The state in words (panel_state_text) within maxw columns; NULL while
 * waiting for the first answer, or for a fresh OK. */
static char *state_words(const panel_rt_t *p, int maxw)
{
	if (!p->have_data && !p->error)
		return NULL;
	return panel_state_text(p->state, p->stale, now_unix() - p->last_ok, g_scr->ascii, maxw);
}

static attr_t state_words_attr(const panel_rt_t *p)
{
	return ui_attr(state_el(p->state)) | (p->stale ? 0 : A_REVERSE);
}

/* A name in w columns, shortened by what it shares with the others (`all`),
 * never cut from the left: "dire…5". */
static int put_name(int y, int x, int w, const char *nm, char *const *all, size_t n, attr_t a)
{
	char *t = legend_shorten(nm, (const char *const *)all, n, w, g_scr->ascii);
	int used = ui_put(y, x, w, t, a);
	free(t);
	return used;
}

/* A panel's series as rows: names by the labels that differ, the value each is
 * judged by (its share of the total for bars), and the worst-first order. */
typedef struct {
	size_t n;
	char **names;
	double *raw;     /* the series' latest value */
	double *judged;  /* what the thresholds see: raw, or the share for bars */
	size_t *order;   /* order[k]: the series of row k */
	int namew;       /* widest name */
	size_t cut;      /* series of the answer the series cap left out (not in n) */
} rows_t;

static void rows_build(const panel_rt_t *p, const series_set_t *set, rows_t *r)
{
	const panel_def_t *def = p->def;
	memset(r, 0, sizeof *r);
	r->n = set->n;
	size_t total = set == &p->now ? p->n_total : p->range_n_total;
	r->cut = total > set->n ? total - set->n : 0;
	r->names = legend_names(set, def->legend, def->title);
	r->raw = xcalloc(r->n ? r->n : 1, sizeof *r->raw);
	r->judged = xcalloc(r->n ? r->n : 1, sizeof *r->judged);
	r->order = xcalloc(r->n ? r->n : 1, sizeof *r->order);
	for (size_t i = 0; i < r->n; i++) {
		r->raw[i] = series_last(&set->v[i]);
		r->judged[i] = def->type == PANEL_BARS ? (p->total > 0 ? r->raw[i] / p->total : NAN)
						       : r->raw[i];
		int w = utf8_width(r->names[i]);
		r->namew = w > r->namew ? w : r->namew;
	}
	panel_sort_worst(def, r->judged, (const char *const *)r->names, r->n, r->order);
}

static void rows_free(rows_t *r)
{
	legend_names_free(r->names, r->n);
	free(r->raw);
	free(r->judged);
	free(r->order);
	memset(r, 0, sizeof *r);
}

/* The series the headline's value came from, or -1 (panel_headline_index). */
static long headline_series(const panel_rt_t *p, const rows_t *r)
{
	const double *v = p->def->type == PANEL_BARS ? r->judged : r->raw;
	return panel_headline_index(p->def, p->value, v, r->order, r->n, p->n_total > p->now.n);
}

const labels_t *panelview_culprit(const panel_rt_t *p)
{
	if (p->now.n == 1)
		return &p->now.v[0].labels;
	rows_t r;
	rows_build(p, &p->now, &r);
	long i = headline_series(p, &r);
	rows_free(&r);
	return i >= 0 ? &p->now.v[i].labels : NULL;
}

/* How many rows of n show in `room` lines: all when they fit, else one line
 * fewer, for "+N more". */
static size_t rows_shown(size_t n, int room)
{
	if (room <= 0)
		return 0;
	if (n <= (size_t)room)
		return n;
	return (size_t)room - 1;
}

/* The same for a panel's rows, counting the series the cap left out: with
 * any left out, a line stays free to say so. */
static size_t rows_fit(const rows_t *r, int room)
{
	size_t s = rows_shown(r->n + r->cut, room);
	return s < r->n ? s : r->n;
}

static void put_more(int y, int x, int w, size_t hidden)
{
	if (hidden)
		ui_printf(y, x, w, ui_attr(EL_DIM), "+%zu more", hidden);
}

char *panelview_value_text(const panel_rt_t *p)
{
	char buf[64];
	if (!p->have_data)
		return xstrdup(p->error ? "error" : "waiting");
	if (p->no_data)
		return xstrdup("no data");
	if (p->def->type == PANEL_BARS)
		return xasprintf("%zu %s", p->now.n, p->def->legend ? p->def->legend : "series");
	unit_format(&p->def->unit, p->value, buf, sizeof buf);
	return xstrdup(buf);
}

/* The panel's value over time: its one series, or the reduction of all series
 * at each step (range queries give every series the same steps). */
static size_t history(const panel_rt_t *p, double **out);

/* The panel's value over time as one series (times of the longest series). */
static void history_series(const panel_rt_t *p, series_set_t *out)
{
	memset(out, 0, sizeof *out);
	double *h;
	size_t n = history(p, &h);
	if (n && p->range_step > 0) {
		series_t *s = series_set_add(out);
		for (size_t k = 0; k < n; k++)
			series_push(s, p->range_start + (double)k * p->range_step, h[k]);
	}
	free(h);
}

static size_t history(const panel_rt_t *p, double **out)
{
	const series_set_t *r = &p->range;
	*out = NULL;
	if (!r->n)
		return 0;
	/* One slot per step of the range query: Prometheus leaves out the steps where
	 * a series has no value, so samples are placed by their time, not position. */
	double step = p->range_step > 0 ? p->range_step : 0;
	size_t n = 0;
	if (step > 0) {
		n = (size_t)llround((p->range_end - p->range_start) / step) + 1;
	} else {
		for (size_t i = 0; i < r->n; i++)
			n = r->v[i].n > n ? r->v[i].n : n;
	}
	if (!n || n > 100000)
		return 0;
	double *h = xcalloc(n, sizeof *h);
	double *col = xcalloc(n * r->n, sizeof *col);
	for (size_t k = 0; k < n * r->n; k++)
		col[k] = NAN;
	for (size_t i = 0; i < r->n; i++) {
		const series_t *s = &r->v[i];
		for (size_t j = 0; j < s->n; j++) {
			long k = step > 0 ? lround((s->samples[j].t - p->range_start) / step)
					  : (long)(j + n - s->n);
			if (k >= 0 && (size_t)k < n)
				col[(size_t)k * r->n + i] = s->samples[j].v;
		}
	}
	reduce_t red = p->def->type == PANEL_BARS ? REDUCE_MAX : p->def->reduce;
	for (size_t k = 0; k < n; k++)
		h[k] = reduce_values(red, &col[k * r->n], r->n);
	free(col);
	*out = h;
	return n;
}

static void fmt_time(double t, int with_date, char *buf, size_t n)
{
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(buf, n, with_date ? "%m-%d %H:%M" : "%H:%M", &tm);
}

/* A line chart of every series in `area`, with a y-axis gutter, and with the
 * time axis on the bottom row when `axes`. With axes, the critical line
 * carries its value in the gutter ("crit 15.0 s" when there is room). */
static void draw_plot(const panel_rt_t *p, const series_set_t *r, rect_t area, int axes)
{
	const panel_def_t *def = p->def;
	if (area.w < 8 || area.h < 1)
		return;
	double lo, hi;
	if (!series_set_range(r, &lo, &hi)) {
		ui_put(area.y + area.h / 2, area.x + 1, area.w - 2,
		       p->req_range ? "loading..." : "no history", ui_attr(EL_DIM));
		return;
	}
	int crit = axes && def->crit.set && isfinite(def->crit.value) && def->type != PANEL_BARS;
	if (crit) {
		double c = def->crit.value;
		if (c > hi && c < hi + 2 * (hi - lo + fabs(hi) * 0.1 + 1e-9))
			hi = c;
		if (c < lo && c > lo - 2 * (hi - lo + fabs(lo) * 0.1 + 1e-9))
			lo = c;
	}
	double ticks[8];
	int max_ticks = area.h >= 10 ? 5 : 2;
	/* a count moves in whole steps: its axis never reads 0.500 */
	size_t nt = axis_ticks_min(&lo, &hi, max_ticks, def->unit.kind == UNIT_COUNT ? 1 : 0, ticks, 8);
	int gutter = 0;
	for (size_t i = 0; i < nt; i++) {
		char b[64];
		unit_format(&def->unit, ticks[i], b, sizeof b);
		if (utf8_width(b) > gutter)
			gutter = utf8_width(b);
	}
	char cl[80] = "";
	int on_scale = crit && def->crit.value >= lo && def->crit.value <= hi;
	if (on_scale) {
		char cv[64];
		unit_format(&def->unit, def->crit.value, cv, sizeof cv);
		snprintf(cl, sizeof cl, "crit %s", cv);
		if (utf8_width(cl) > area.w / 4)
			snprintf(cl, sizeof cl, "%s", cv); /* the value alone, in the line's colour */
		if (utf8_width(cl) > gutter)
			gutter = utf8_width(cl);
	}
	gutter += 1;
	int labels = gutter <= area.w / 3; /* no room: a chart without labels, not cut ones */
	if (!labels)
		gutter = 0;
	int pw = area.w - gutter, ph = area.h - (axes ? 1 : 0);
	if (pw < 4 || ph < 1)
		return;
	plot_t pl;
	plot_init(&pl, pw, ph, g_scr->glyphs);
	if (crit)
		plot_hline(&pl, def->crit.value, lo, hi, 99);
	int crit_row = on_scale ? plot_row_of(&pl, def->crit.value, lo, hi) : -1;
	for (size_t i = 0; i < r->n; i++)
		plot_series(&pl, r->v[i].samples, r->v[i].n, p->range_start, p->range_end, lo, hi,
			    (int)(i % 6));
	for (int y = 0; y < ph; y++)
		for (int x = 0; x < pw; x++) {
			const cell_t *c = plot_cell(&pl, x, y);
			if (!c || c->series < 0)
				continue;
			theme_el_t el = c->series == 99 ? EL_THRESHOLD : (theme_el_t)(EL_SERIES1 + c->series);
			ui_put(area.y + y, area.x + gutter + x, 1, c->ch, ui_attr(el));
		}
	plot_free(&pl);
	/* y labels: every tick on its row (top = hi); a label that formats the same
	 * as the one before it (ticks finer than the unit's precision) is left out,
	 * and so is one on the critical line's row, which says its own value */
	char prev[64] = "";
	for (size_t i = 0; i < nt && labels; i++) {
		if (hi <= lo)
			break;
		int row = (int)lround((hi - ticks[i]) / (hi - lo) * (ph - 1));
		char b[64];
		unit_format(&def->unit, ticks[i], b, sizeof b);
		if (strcmp(b, prev) == 0 || row == crit_row)
			continue;
		snprintf(prev, sizeof prev, "%s", b);
		int w = utf8_width(b);
		ui_put(area.y + row, area.x + (gutter - 1 - w > 0 ? gutter - 1 - w : 0), gutter - 1, b,
		       ui_attr(EL_AXIS));
	}
	if (labels && crit_row >= 0) {
		int w = utf8_width(cl);
		ui_put(area.y + crit_row, area.x + (gutter - 1 - w > 0 ? gutter - 1 - w : 0), gutter - 1,
		       cl, ui_attr(EL_THRESHOLD) | A_BOLD);
	}
	if (axes) {
		/* as many times as fit with room between them, never run together */
		char b[32];
		int with_date = (p->range_end - p->range_start) > 86400 / 2;
		fmt_time(p->range_end, with_date, b, sizeof b);
		int bw = utf8_width(b), pos[5];
		size_t n = axis_label_slots(pw, bw, area.w >= 60 ? 5 : 3, pos);
		int y = area.y + area.h - 1;
		for (size_t i = 0; i < n; i++) {
			double f = n > 1 && pw > bw ? (double)pos[i] / (double)(pw - bw) : 1;
			fmt_time(p->range_start + f * (p->range_end - p->range_start), with_date, b, sizeof b);
			ui_put(y, area.x + gutter + pos[i], bw, b, ui_attr(EL_AXIS));
		}
	}
}

static void draw_status_line(const panel_rt_t *p, int y, int x, int w)
{
	if (p->error) {
		ui_printf_cut(y, x, w, ui_attr(EL_ERROR), "! %s", p->error);
	} else if (p->no_data) {
		ui_put(y, x, w, "query returned no series", ui_attr(EL_DIM));
	} else if (p->n_warnings) {
		ui_printf_cut(y, x, w, ui_attr(EL_VALUE_WARN), "warning: %s", p->warnings[0]);
	}
}

static void draw_stat(const panel_rt_t *p, rect_t in)
{
	char *v = panelview_value_text(p);
	attr_t a = value_attr(p);
	int y = in.y + (in.h >= 4 ? (in.h - 2) / 2 - (in.h >= 6) : 0);
	int w = utf8_width(v);
	/* the series the value came from is named at every width, shortened by
	 * what it shares with the others when it must */
	rows_t rows;
	rows_build(p, &p->now, &rows);
	long hs = headline_series(p, &rows);
	int room = in.w - w - 3;
	if (hs >= 0 && room >= 2) {
		char *nm = legend_shorten(rows.names[hs], (const char *const *)rows.names, rows.n, room,
					  g_scr->ascii);
		int nw = utf8_width(nm);
		int x = in.x + (in.w - w - 3 - nw) / 2;
		x += ui_put(y, x, w, v, a);
		ui_printf(y, x, in.x + in.w - x, ui_attr(EL_DIM), " (%s)", nm);
		free(nm);
	} else {
		ui_put(y, in.x + (w < in.w ? (in.w - w) / 2 : 0), in.w, v, a);
	}
	rows_free(&rows);
	free(v);
	if (in.h >= 2) {
		double *h;
		size_t n = history(p, &h);
		if (n) {
			/* one cell per slice of the whole range (mean of its samples), so the
			 * sparkline spans the range, not just its last `width` steps */
			double *cells = xcalloc((size_t)in.w, sizeof *cells);
			for (int c = 0; c < in.w; c++) {
				size_t a0 = (size_t)c * n / (size_t)in.w, a1 = (size_t)(c + 1) * n / (size_t)in.w;
				double sum = 0;
				size_t cnt = 0;
				for (size_t k = a0; k < a1 && k < n; k++)
					if (isfinite(h[k]))
						sum += h[k], cnt++;
				cells[c] = cnt ? sum / (double)cnt : NAN;
			}
			char *sp = spark_render(cells, (size_t)in.w, in.w, 1, 0, g_scr->glyphs);
			free(cells);
			int sy = y + 1 + (in.h >= 5);
			int sh = in.y + in.h - sy - (in.h >= 4);
			if (sh < 1)
				sh = 1;
			/* a tall stat gets a small chart, a short one a one-line sparkline */
			if (sh >= 3 && p->range.n) {
				rect_t pr = { in.x, sy, in.w, sh };
				series_set_t one;
				history_series(p, &one);
				draw_plot(p, one.n ? &one : &p->range, pr, 0);
				series_set_free(&one);
			} else {
				ui_put(sy, in.x, in.w, sp, ui_attr(EL_SERIES1));
			}
			free(sp);
		}
		free(h);
	}
	if (in.h >= 4)
		draw_status_line(p, in.y + in.h - 1, in.x, in.w);
}

static void draw_marker(int y, int x, attr_t a)
{
	ui_put(y, x, 1, g_scr->ascii ? "|" : "\xe2\x94\x82", a);
}

static void draw_gauge(const panel_rt_t *p, rect_t in)
{
	const panel_def_t *def = p->def;
	char *v = panelview_value_text(p);
	char mx[64] = "";
	int y = in.y;
	rows_t rows;
	rows_build(p, &p->now, &rows);
	if (def->max > 0)
		unit_format(&def->unit, def->max, mx, sizeof mx);
	int x = in.x;
	x += ui_put(y, x, in.w, v, value_attr(p));
	free(v);
	/* The headline names the series it reduced to at every width: the name
	 * first, then the share of full scale as the rest of the room allows. */
	long hs = headline_series(p, &rows);
	int namew = hs >= 0 ? utf8_width(rows.names[hs]) + 3 : 0;
	int left = in.x + in.w - x;
	if (def->max > 0 && isfinite(p->value)) {
		/* the bar below shows the share; the name is what only words can say */
		char *full = xasprintf(" of %s, %.0f %%", mx, 100.0 * p->value / def->max);
		char *pct = xasprintf(" %.0f %%", 100.0 * p->value / def->max);
		const char *s = utf8_width(full) + namew <= left  ? full
				: utf8_width(pct) + namew <= left ? pct
								  : "";
		x += ui_put(y, x, in.x + in.w - x, s, ui_attr(EL_DIM));
		free(full);
		free(pct);
	}
	if (hs >= 0 && in.x + in.w - x >= 5) {
		x += ui_put(y, x, 2, " (", ui_attr(EL_DIM));
		x += put_name(y, x, in.x + in.w - x - 1, rows.names[hs], rows.names, rows.n, ui_attr(EL_DIM));
		ui_put(y, x, 1, ")", ui_attr(EL_DIM));
	}
	if (in.h < 2 || def->max <= 0) {
		rows_free(&rows);
		return;
	}
	/* the main bar, with the critical line marked */
	char *bar = bar_render(isfinite(p->value) ? p->value / def->max : 0, in.w, g_scr->glyphs);
	ui_put(y + 1, in.x, in.w, bar, ui_attr(state_el(p->state)));
	free(bar);
	if (p->have_data && def->crit.set && def->crit.value > 0 && def->crit.value < def->max)
		draw_marker(y + 1, in.x + (int)(def->crit.value / def->max * in.w), ui_attr(EL_THRESHOLD));
	/* one row per series, worst first, as room allows; "+N more" when cut */
	int row = y + 2 + (in.h >= 6);
	int nw = rows.namew;
	if (nw > in.w * 2 / 5)
		nw = in.w * 2 / 5;
	size_t shown = rows_fit(&rows, in.y + in.h - (in.h >= 6) - row);
	for (size_t k = 0; k < shown; k++, row++) {
		size_t i = rows.order[k];
		double sv = rows.raw[i];
		char vb[64];
		unit_format(&def->unit, sv, vb, sizeof vb);
		pstate_t st = panel_eval(def, sv);
		put_name(row, in.x, nw, rows.names[i], rows.names, rows.n, ui_attr(EL_DEFAULT));
		int vw = utf8_width(vb);
		int bw = in.w - nw - 2 - vw;
		if (bw >= 3) {
			char *b = bar_render(isfinite(sv) ? sv / def->max : 0, bw, g_scr->glyphs);
			ui_put(row, in.x + nw + 1, bw, b, ui_attr(state_el(st)));
			free(b);
		}
		ui_put(row, in.x + in.w - vw, vw, vb, ui_attr(state_el(st)));
	}
	if (shown < rows.n + rows.cut && row < in.y + in.h - (in.h >= 6))
		put_more(row, in.x, in.w, rows.n + rows.cut - shown);
	rows_free(&rows);
	if (in.h >= 6)
		draw_status_line(p, in.y + in.h - 1, in.x, in.w);
	else if (!p->now.n && in.h >= 3)
		draw_status_line(p, y + 2, in.x, in.w); /* no rows: say why instead */
}

static void draw_bars(const panel_rt_t *p, rect_t in)
{
	const panel_def_t *def = p->def;
	size_t n = p->now.n;
	if (!n) {
		char *v = panelview_value_text(p);
		ui_put(in.h >= 3 ? in.y + in.h / 2 : in.y, in.x + 1, in.w - 1, v, ui_attr(state_el(p->state)));
		free(v);
		if (in.h >= 2)
			draw_status_line(p, in.y + in.h - 1, in.x, in.w);
		return;
	}
	/* bars worst-first by their share of the total, as the thresholds judge them */
	rows_t rows;
	rows_build(p, &p->now, &rows);
	double maxshare = 0, line = def->crit.set ? def->crit.value : 0;
	for (size_t i = 0; i < n; i++) {
		double sh = rows.judged[i];
		maxshare = isfinite(sh) && sh > maxshare ? sh : maxshare;
	}
	double scale = (maxshare > line ? maxshare : line) * 1.15;
	if (scale <= 0)
		scale = 1;
	int namew = rows.namew;
	if (namew > in.w * 2 / 5)
		namew = in.w * 2 / 5;
	int total_line = in.h >= (int)n + 2;
	size_t shown = rows_fit(&rows, in.h - (total_line ? 1 : 0));
	for (size_t k = 0; k < shown; k++) {
		size_t i = rows.order[k];
		double sh = rows.judged[i];
		pstate_t st = panel_eval(def, sh);
		char pb[32];
		unit_t pct = { UNIT_PERCENT, "" };
		unit_format(&pct, sh, pb, sizeof pb);
		int y = in.y + (int)k;
		put_name(y, in.x, namew, rows.names[i], rows.names, rows.n, ui_attr(EL_DEFAULT));
		int bw = in.w - namew - 2 - utf8_width(pb);
		if (bw >= 3) {
			char *b = bar_render(isfinite(sh) ? sh / scale : 0, bw, g_scr->glyphs);
			ui_put(y, in.x + namew + 1, bw, b, ui_attr(state_el(st)));
			free(b);
			if (line > 0)
				draw_marker(y, in.x + namew + 1 + (int)(line / scale * bw), ui_attr(EL_THRESHOLD));
		}
		ui_put(y, in.x + in.w - utf8_width(pb), utf8_width(pb), pb,
		       ui_attr(state_el(st)) | (st >= PSTATE_WARN ? A_BOLD : 0));
	}
	if (shown < n + rows.cut)
		put_more(in.y + (int)shown, in.x, in.w, n + rows.cut - shown);
	rows_free(&rows);
	if (total_line) {
		char tb[64], lb[32] = "";
		unit_format(&def->unit, p->total, tb, sizeof tb);
		if (line > 0) {
			unit_t pct = { UNIT_PERCENT, "" };
			unit_format(&pct, line, lb, sizeof lb);
		}
		if (p->error)
			draw_status_line(p, in.y + in.h - 1, in.x, in.w);
		else
			ui_printf(in.y + in.h - 1, in.x, in.w, ui_attr(EL_DIM), "total %s%s%s", tb,
				  line > 0 ? "  line at " : "", lb);
	}
}

/* The index in the range data of the series with these labels (its colour in
 * the chart), or -1. */
static long range_index(const panel_rt_t *p, const labels_t *l)
{
	char *want = labels_format(l);
	long found = -1;
	for (size_t i = 0; i < p->range.n && found < 0; i++) {
		char *have = labels_format(&p->range.v[i].labels);
		if (!strcmp(want, have))
			found = (long)i;
		free(have);
	}
	free(want);
	return found;
}

static const char *bullet(void)
{
	return g_scr->ascii ? "*" : "\xe2\x97\x8f";
}

static void draw_graph(const dash_t *d, const panel_rt_t *p, rect_t in)
{
	(void)d;
	char *v = panelview_value_text(p);
	int x = in.x;
	x += ui_put(in.y, x, in.w, v, value_attr(p));
	free(v);
	/* legend when several series: worst first, named by what differs, "+N"
	 * for those that do not fit */
	if (p->range.n > 1) {
		rows_t rows;
		rows_build(p, &p->range, &rows);
		for (size_t k = 0; k < rows.n; k++) {
			size_t i = rows.order[k];
			int left = in.x + in.w - x;
			char more[32] = "";
			if (k + 1 < rows.n + rows.cut)
				snprintf(more, sizeof more, " +%zu", rows.n + rows.cut - k - 1);
			int mw = (int)strlen(more);
			int nw = utf8_width(rows.names[i]);
			if (nw > 12)
				nw = 12; /* one long name must not hide the others */
			if (3 + nw + mw > left)
				nw = left - 3 - mw; /* shortened, by what the names share */
			if (nw < 4) {
				if (k && left >= mw + 1)
					ui_printf(in.y, x, left, ui_attr(EL_DIM), " +%zu", rows.n + rows.cut - k);
				break;
			}
			x += ui_put(in.y, x, 2, "  ", ui_attr(EL_DEFAULT));
			x += ui_put(in.y, x, 1, bullet(), ui_attr((theme_el_t)(EL_SERIES1 + i % 6)));
			x += put_name(in.y, x, nw, rows.names[i], rows.names, rows.n, ui_attr(EL_DIM));
		}
		rows_free(&rows);
	}
	int status = (p->error || p->no_data || p->n_warnings) && in.h >= 4;
	rect_t pr = { in.x, in.y + 1, in.w, in.h - 1 - status };
	draw_plot(p, &p->range, pr, in.h >= 8);
	if (status)
		draw_status_line(p, in.y + in.h - 1, in.x, in.w);
}

void panelview_draw(const dash_t *d, const panel_rt_t *p, rect_t r, int focused)
{
	attr_t border = ui_attr(focused ? EL_PANEL_BORDER_FOCUS : EL_PANEL_BORDER);
	ui_fill(r, ui_attr(EL_DEFAULT));
	/* The state in words always shows (colour alone fails on monochrome
	 * terminals and colour-blind eyes), and always in the same place: on the
	 * bottom border, on the right, whatever the title's length; the top border
	 * keeps the whole title. Stale data keeps its state and colour, with its age. */
	ui_box(r, p->def->title, border, ui_attr(EL_PANEL_TITLE) | (focused ? A_BOLD : 0));
	char *tag = state_words(p, r.w - 6);
	if (tag) {
		int tw = utf8_width(tag) + 2;
		if (r.w > tw + 4)
			ui_printf(r.y + r.h - 1, r.x + r.w - tw - 2, tw, state_words_attr(p), " %s ", tag);
		free(tag);
	}
	rect_t in = { r.x + 1, r.y + 1, r.w - 2, r.h - 2 };
	if (in.w < 4 || in.h < 1)
		return;
	switch (p->def->type) {
	case PANEL_STAT: draw_stat(p, in); break;
	case PANEL_GAUGE: draw_gauge(p, in); break;
	case PANEL_BARS: draw_bars(p, in); break;
	default: draw_graph(d, p, in); break;
	}
}

void panelview_draw_zoom(const dash_t *d, const panel_rt_t *p, rect_t r)
{
	char rb[16];
	duration_format(d->range_ms, rb, sizeof rb);
	ui_fill(r, ui_attr(EL_DEFAULT));
	char *title = xasprintf("%s  [range %s]", p->def->title, rb);
	ui_box(r, title, ui_attr(EL_PANEL_BORDER_FOCUS), ui_attr(EL_PANEL_TITLE) | A_BOLD);
	free(title);
	rect_t in = { r.x + 2, r.y + 1, r.w - 4, r.h - 2 };
	if (in.w < 10 || in.h < 4)
		return;
	rows_t rows;
	rows_build(p, &p->now, &rows);
	int y = in.y;
	char *v = panelview_value_text(p);
	int x = in.x + ui_put(y, in.x, in.w, v, value_attr(p));
	free(v);
	char *tag = state_words(p, in.x + in.w - x - 3);
	if (tag) {
		x += ui_put(y, x, 2, "  ", ui_attr(EL_DEFAULT));
		x += ui_printf(y, x, in.x + in.w - x, state_words_attr(p), " %s ", tag);
		free(tag);
	}
	long hs = headline_series(p, &rows);
	if (hs >= 0 && in.x + in.w - x >= 7) {
		x += ui_put(y, x, 3, "  (", ui_attr(EL_DIM));
		x += put_name(y, x, in.x + in.w - x - 1, rows.names[hs], rows.names, rows.n, ui_attr(EL_DIM));
		ui_put(y, x, 1, ")", ui_attr(EL_DIM));
	}
	y++;
	int last = in.y + in.h - 1; /* text lines stay inside the box on short terminals */
	if (p->def->description && y <= last)
		ui_put_cut(y++, in.x, in.w, p->def->description, ui_attr(EL_DIM));
	if (y <= last)
		ui_printf_cut(y++, in.x, in.w, ui_attr(EL_DIM), "query: %s", p->def->query);
	if (p->error && y <= last)
		ui_printf_cut(y++, in.x, in.w, ui_attr(EL_ERROR), "error: %s", p->error);
	if (p->range_error && y <= last)
		ui_printf_cut(y++, in.x, in.w, ui_attr(EL_ERROR), "history: %s", p->range_error);
	for (size_t i = 0; i < p->n_warnings && i < 2 && y <= last; i++)
		ui_printf_cut(y++, in.x, in.w, ui_attr(EL_VALUE_WARN), "warning: %s", p->warnings[i]);
	if (y > last) {
		rows_free(&rows);
		return;
	}
	/* the series table takes up to a third of the height, worst first */
	size_t n = rows.n;
	int table_h = (int)n;
	if (table_h > (in.y + in.h - y) / 3)
		table_h = (in.y + in.h - y) / 3;
	rect_t pr = { in.x, y, in.w, in.y + in.h - y - table_h - (table_h ? 1 : 0) };
	if (pr.h >= 3)
		draw_plot(p, &p->range, pr, 1);
	y = pr.y + (pr.h >= 3 ? pr.h : 0) + (table_h ? 1 : 0);
	int vw = 0;
	for (size_t i = 0; i < n; i++) {
		char vb[64];
		unit_format(&p->def->unit, rows.raw[i], vb, sizeof vb);
		vw = utf8_width(vb) > vw ? utf8_width(vb) : vw;
	}
	size_t shown = rows_fit(&rows, table_h);
	for (size_t k = 0; k < shown; k++, y++) {
		size_t i = rows.order[k];
		char vb[64];
		unit_format(&p->def->unit, rows.raw[i], vb, sizeof vb);
		pstate_t st = panel_eval(p->def, rows.judged[i]);
		long ci = range_index(p, &p->now.v[i].labels);
		int cx = in.x;
		cx += ui_put(y, cx, 1, bullet(),
			     ci >= 0 ? ui_attr((theme_el_t)(EL_SERIES1 + ci % 6)) : ui_attr(EL_DIM));
		cx += ui_printf(y, cx, vw + 3, ui_attr(state_el(st)), " %*s  ", vw, vb);
		if (p->def->type == PANEL_BARS && p->total > 0) {
			char pb[16];
			unit_t pct = { UNIT_PERCENT, "" };
			unit_format(&pct, rows.judged[i], pb, sizeof pb);
			cx += ui_printf(y, cx, 10, ui_attr(state_el(st)), "%8s  ", pb);
		}
		put_name(y, cx, in.x + in.w - cx, rows.names[i], rows.names, rows.n, ui_attr(EL_DEFAULT));
	}
	if (shown < n + rows.cut && table_h > 0)
		put_more(y, in.x, in.w, n + rows.cut - shown);
	rows_free(&rows);
}
