/* Panel widgets: each panel type draws its model into a rectangle; no network here. */
#include "config.h"
#include "ui/panelview.h"
#include "core/xalloc.h"
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

/* Words beside colour, so monochrome terminals and colour-blind readers see the state. */
static const char *state_tag(pstate_t s)
{
	switch (s) {
	case PSTATE_WARN: return "WARN";
	case PSTATE_CRIT: return "CRIT";
	case PSTATE_STALE: return "STALE";
	case PSTATE_ERROR: return "ERROR";
	default: return NULL;
	}
}

/* Draw a name in w columns; a longer one keeps its end ("…ector-1"), which is
 * what tells director-1 from director-2. */
static void put_name(int y, int x, int w, const char *nm, attr_t a)
{
	int nw = utf8_width(nm);
	if (nw <= w || w < 4) {
		ui_put(y, x, w, nm, a);
		return;
	}
	const char *p = nm;
	while (*p && utf8_width(p) > w - 1)
		do
			p++;
		while (((unsigned char)*p & 0xc0) == 0x80);
	x += ui_put(y, x, 1, g_scr->ascii ? "~" : "\xe2\x80\xa6", a);
	ui_put(y, x, w - 1, p, a);
}

static char *series_name(const panel_def_t *def, const series_t *s)
{
	if (def->legend) {
		const char *v = labels_get(&s->labels, def->legend);
		if (v)
			return xstrdup(v);
	}
	return labels_format(&s->labels);
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
 * time axis on the bottom row when `axes`. */
static void draw_plot(const panel_rt_t *p, const series_set_t *r, rect_t area, int axes)
{
	if (area.w < 8 || area.h < 1)
		return;
	double lo, hi;
	if (!series_set_range(r, &lo, &hi)) {
		ui_put(area.y + area.h / 2, area.x + 1, area.w - 2,
		       p->req_range ? "loading..." : "no history", ui_attr(EL_DIM));
		return;
	}
	if (axes && p->def->crit.set && isfinite(p->def->crit.value) &&
	    p->def->type != PANEL_BARS) {
		double c = p->def->crit.value;
		if (c > hi && c < hi + 2 * (hi - lo + fabs(hi) * 0.1 + 1e-9))
			hi = c;
		if (c < lo && c > lo - 2 * (hi - lo + fabs(lo) * 0.1 + 1e-9))
			lo = c;
	}
	double ticks[8];
	int max_ticks = area.h >= 10 ? 5 : 2;
	size_t nt = axis_ticks(&lo, &hi, max_ticks, ticks, 8);
	char lab_lo[32], lab_hi[32];
	unit_format(&p->def->unit, lo, lab_lo, sizeof lab_lo);
	unit_format(&p->def->unit, hi, lab_hi, sizeof lab_hi);
	int gutter = utf8_width(lab_lo) > utf8_width(lab_hi) ? utf8_width(lab_lo) : utf8_width(lab_hi);
	for (size_t i = 0; i < nt; i++) {
		char b[32];
		unit_format(&p->def->unit, ticks[i], b, sizeof b);
		if (utf8_width(b) > gutter)
			gutter = utf8_width(b);
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
	if (axes && p->def->crit.set && p->def->type != PANEL_BARS)
		plot_hline(&pl, p->def->crit.value, lo, hi, 99);
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
	 * as the one before it (ticks finer than the unit's precision) is left out */
	char prev[32] = "";
	for (size_t i = 0; i < nt && labels; i++) {
		if (hi <= lo)
			break;
		int row = (int)lround((hi - ticks[i]) / (hi - lo) * (ph - 1));
		char b[32];
		unit_format(&p->def->unit, ticks[i], b, sizeof b);
		if (strcmp(b, prev) == 0)
			continue;
		snprintf(prev, sizeof prev, "%s", b);
		int w = utf8_width(b);
		ui_put(area.y + row, area.x + (gutter - 1 - w > 0 ? gutter - 1 - w : 0), gutter - 1, b,
		       ui_attr(EL_AXIS));
	}
	if (axes) {
		char a[32], b[32];
		int with_date = (p->range_end - p->range_start) > 86400 / 2;
		fmt_time(p->range_start, with_date, a, sizeof a);
		fmt_time(p->range_end, with_date, b, sizeof b);
		int y = area.y + area.h - 1;
		ui_put(y, area.x + gutter, pw, a, ui_attr(EL_AXIS));
		int bw = utf8_width(b);
		ui_put(y, area.x + area.w - bw, bw, b, ui_attr(EL_AXIS));
		if (pw > 3 * (bw + 2)) {
			fmt_time((p->range_start + p->range_end) / 2, with_date, b, sizeof b);
			ui_put(y, area.x + gutter + pw / 2 - bw / 2, bw, b, ui_attr(EL_AXIS));
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
	attr_t a = ui_attr(state_el(p->state)) | A_BOLD;
	int y = in.y + (in.h >= 4 ? (in.h - 2) / 2 - (in.h >= 6) : 0);
	int w = utf8_width(v);
	if (p->value_from && w + 3 + utf8_width(p->value_from) <= in.w) {
		int x = in.x + (in.w - w - 3 - utf8_width(p->value_from)) / 2;
		x += ui_put(y, x, w, v, a);
		ui_printf(y, x, in.x + in.w - x, ui_attr(EL_DIM), " (%s)", p->value_from);
	} else {
		ui_put(y, in.x + (w < in.w ? (in.w - w) / 2 : 0), in.w, v, a);
	}
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
	char mx[32] = "";
	attr_t a = ui_attr(state_el(p->state)) | A_BOLD;
	int y = in.y;
	if (def->max > 0)
		unit_format(&def->unit, def->max, mx, sizeof mx);
	int x = in.x;
	x += ui_put(y, x, in.w, v, a);
	if (def->max > 0 && isfinite(p->value)) {
		char *full = xasprintf(" of %s, %.0f %%", mx, 100.0 * p->value / def->max);
		char *pct = xasprintf(" %.0f %%", 100.0 * p->value / def->max);
		const char *s = utf8_width(full) <= in.x + in.w - x ? full : pct;
		x += ui_put(y, x, in.x + in.w - x, s, ui_attr(EL_DIM));
		free(full);
		free(pct);
	}
	if (p->value_from && (int)strlen(p->value_from) + 3 <= in.x + in.w - x)
		ui_printf(y, x, in.x + in.w - x, ui_attr(EL_DIM), " (%s)", p->value_from);
	free(v);
	if (in.h < 2 || def->max <= 0)
		return;
	/* the main bar, with the critical line marked */
	char *bar = bar_render(isfinite(p->value) ? p->value / def->max : 0, in.w, g_scr->glyphs);
	ui_put(y + 1, in.x, in.w, bar, ui_attr(state_el(p->state)));
	free(bar);
	if (p->have_data && def->crit.set && def->crit.value > 0 && def->crit.value < def->max)
		draw_marker(y + 1, in.x + (int)(def->crit.value / def->max * in.w), ui_attr(EL_THRESHOLD));
	/* one row per series as room allows */
	int row = y + 2 + (in.h >= 6);
	int namew = 0;
	for (size_t i = 0; i < p->now.n; i++) {
		char *nm = series_name(def, &p->now.v[i]);
		int w = utf8_width(nm);
		namew = w > namew ? w : namew;
		free(nm);
	}
	if (namew > in.w * 2 / 5)
		namew = in.w * 2 / 5;
	for (size_t i = 0; i < p->now.n && row < in.y + in.h - (in.h >= 6); i++, row++) {
		double sv = series_last(&p->now.v[i]);
		char *nm = series_name(def, &p->now.v[i]);
		char vb[32];
		unit_format(&def->unit, sv, vb, sizeof vb);
		pstate_t st = panel_eval(def, sv);
		put_name(row, in.x, namew, nm, ui_attr(EL_DEFAULT));
		int vw = utf8_width(vb);
		int bw = in.w - namew - 2 - vw;
		if (bw >= 3) {
			char *b = bar_render(isfinite(sv) ? sv / def->max : 0, bw, g_scr->glyphs);
			ui_put(row, in.x + namew + 1, bw, b, ui_attr(state_el(st)));
			free(b);
		}
		ui_put(row, in.x + in.w - vw, vw, vb, ui_attr(state_el(st)));
		free(nm);
	}
	if (in.h >= 6)
		draw_status_line(p, in.y + in.h - 1, in.x, in.w);
}

/* Largest first, NaN last: a consistent order whatever the values (qsort needs one). */
static int cmp_desc(const void *a, const void *b)
{
	double x = series_last(*(const series_t *const *)a), y = series_last(*(const series_t *const *)b);
	int nx = isnan(x), ny = isnan(y);
	if (nx || ny)
		return nx - ny;
	return (x < y) - (x > y);
}

static void draw_bars(const panel_rt_t *p, rect_t in)
{
	const panel_def_t *def = p->def;
	size_t n = p->now.n;
	if (!n) {
		char *v = panelview_value_text(p);
		ui_put(in.y + in.h / 2, in.x + 1, in.w - 1, v, ui_attr(state_el(p->state)));
		free(v);
		if (in.h >= 3)
			draw_status_line(p, in.y + in.h - 1, in.x, in.w);
		return;
	}
	const series_t **s = xcalloc(n, sizeof *s);
	for (size_t i = 0; i < n; i++)
		s[i] = &p->now.v[i];
	qsort(s, n, sizeof *s, cmp_desc);
	double maxshare = 0, line = def->crit.set ? def->crit.value : 0;
	for (size_t i = 0; i < n; i++) {
		double sh = p->total > 0 ? series_last(s[i]) / p->total : 0;
		maxshare = sh > maxshare ? sh : maxshare;
	}
	double scale = (maxshare > line ? maxshare : line) * 1.15;
	if (scale <= 0)
		scale = 1;
	int namew = 0;
	for (size_t i = 0; i < n; i++) {
		char *nm = series_name(def, s[i]);
		int w = utf8_width(nm);
		namew = w > namew ? w : namew;
		free(nm);
	}
	if (namew > in.w * 2 / 5)
		namew = in.w * 2 / 5;
	int rows = in.h - (in.h >= (int)n + 2 ? 1 : 0);
	for (size_t i = 0; i < n && (int)i < rows; i++) {
		double v = series_last(s[i]);
		double sh = p->total > 0 ? v / p->total : NAN;
		pstate_t st = panel_eval(def, sh);
		char *nm = series_name(def, s[i]);
		char pb[32];
		unit_t pct = { UNIT_PERCENT, "" };
		unit_format(&pct, sh, pb, sizeof pb);
		int y = in.y + (int)i;
		put_name(y, in.x, namew, nm, ui_attr(EL_DEFAULT));
		int bw = in.w - namew - 2 - utf8_width(pb);
		if (bw >= 3) {
			char *b = bar_render(isfinite(sh) ? sh / scale : 0, bw, g_scr->glyphs);
			ui_put(y, in.x + namew + 1, bw, b, ui_attr(state_el(st)));
			free(b);
			if (line > 0)
				draw_marker(y, in.x + namew + 1 + (int)(line / scale * bw), ui_attr(EL_THRESHOLD));
		}
		ui_put(y, in.x + in.w - utf8_width(pb), utf8_width(pb), pb, ui_attr(state_el(st)) | (st >= PSTATE_WARN ? A_BOLD : 0));
		free(nm);
	}
	free(s);
	if (in.h >= (int)n + 2) {
		char tb[32], lb[32] = "";
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

static void draw_graph(const dash_t *d, const panel_rt_t *p, rect_t in)
{
	char *v = panelview_value_text(p);
	int x = in.x;
	x += ui_put(in.y, x, in.w, v, ui_attr(state_el(p->state)) | A_BOLD);
	free(v);
	/* legend when several series */
	if (p->range.n > 1) {
		for (size_t i = 0; i < p->range.n && x < in.x + in.w - 4; i++) {
			char *nm = series_name(p->def, &p->range.v[i]);
			x += ui_put(in.y, x, 2, "  ", ui_attr(EL_DEFAULT));
			x += ui_put(in.y, x, in.x + in.w - x, g_scr->ascii ? "*" : "\xe2\x97\x8f",
				    ui_attr((theme_el_t)(EL_SERIES1 + i % 6)));
			x += ui_put(in.y, x, in.x + in.w - x, nm, ui_attr(EL_DIM));
			free(nm);
		}
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
	 * terminals and colour-blind eyes), and so does the whole title: the tag sits
	 * beside the title when both fit, else on the bottom border. */
	const char *tag = p->have_data || p->error ? state_tag(p->state) : NULL;
	int tw = tag ? (int)strlen(tag) + 2 : 0;
	ui_box(r, p->def->title, border, ui_attr(EL_PANEL_TITLE) | (focused ? A_BOLD : 0));
	if (tag && r.w > tw + 4) {
		int top = utf8_width(p->def->title) + 4 + tw + 1 <= r.w;
		ui_printf(top ? r.y : r.y + r.h - 1, r.x + r.w - tw - 1, tw,
			  ui_attr(state_el(p->state)) | A_REVERSE, " %s ", tag);
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
	int y = in.y;
	char *v = panelview_value_text(p);
	int x = in.x + ui_put(y, in.x, in.w, v, ui_attr(state_el(p->state)) | A_BOLD);
	const char *tag = state_tag(p->state);
	if (tag)
		x += ui_printf(y, x, in.x + in.w - x, ui_attr(state_el(p->state)) | A_REVERSE, "  %s ", tag);
	if (p->value_from)
		ui_printf(y, x, in.x + in.w - x, ui_attr(EL_DIM), "  (%s)", p->value_from);
	free(v);
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
	if (y > last)
		return;
	/* the series table takes up to a third of the height */
	size_t n = p->now.n;
	int table_h = (int)n;
	if (table_h > (in.y + in.h - y) / 3)
		table_h = (in.y + in.h - y) / 3;
	rect_t pr = { in.x, y, in.w, in.y + in.h - y - table_h - (table_h ? 1 : 0) };
	if (pr.h >= 3)
		draw_plot(p, &p->range, pr, 1);
	y = pr.y + (pr.h >= 3 ? pr.h : 0) + (table_h ? 1 : 0);
	for (size_t i = 0; i < n && (int)i < table_h; i++, y++) {
		double sv = series_last(&p->now.v[i]);
		char vb[32];
		unit_format(&p->def->unit, sv, vb, sizeof vb);
		char *lab = labels_format(&p->now.v[i].labels);
		pstate_t st = p->def->type == PANEL_BARS && p->total > 0 ? panel_eval(p->def, sv / p->total)
									 : panel_eval(p->def, sv);
		int cx = in.x;
		cx += ui_put(y, cx, 2, g_scr->ascii ? "* " : "\xe2\x97\x8f ",
			     ui_attr((theme_el_t)(EL_SERIES1 + i % 6)));
		cx += ui_printf(y, cx, 12, ui_attr(state_el(st)), "%10s  ", vb);
		if (p->def->type == PANEL_BARS && p->total > 0) {
			char pb[16];
			unit_t pct = { UNIT_PERCENT, "" };
			unit_format(&pct, sv / p->total, pb, sizeof pb);
			cx += ui_printf(y, cx, 10, ui_attr(state_el(st)), "%8s  ", pb);
		}
		ui_put(y, cx, in.x + in.w - cx, lab, ui_attr(EL_DEFAULT));
		free(lab);
	}
}
