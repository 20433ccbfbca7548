/* The waterfall's layout, without curses (see waterfall.h). */
#include "config.h"
#include "ui/waterfall.h"
#include "core/units.h"
#include <stdio.h>
#include <string.h>

void wf_geometry(int width, wf_geom_t *g)
{
	int lw = width * 9 / 20;
	if (lw < 24)
		lw = 24;
	if (lw > 60)
		lw = 60;
	if (lw > width - 12)
		lw = width - 12 > 8 ? width - 12 : width / 2;
	g->label_w = lw;
	g->bar_x = lw + 1;
	g->bar_w = width - g->bar_x - 1;
	if (g->bar_w < 1)
		g->bar_w = 1;
}

int64_t wf_tick_step(int64_t span, int max_ticks)
{
	if (span < 1)
		span = 1;
	if (max_ticks < 1)
		max_ticks = 1;
	for (int64_t p = 1;; p *= 10) {
		static const int m[] = { 1, 2, 5 };
		for (int i = 0; i < 3; i++)
			if (span / (p * m[i]) < max_ticks)
				return p * m[i];
		if (p > INT64_MAX / 100)
			return p;
	}
}

/* "2s" rather than "2.00s", "1.5ms" rather than "1.50ms": ticks are round. */
static void tick_label(int64_t us, char *b, size_t n)
{
	if (us == 0) {
		snprintf(b, n, "0");
		return;
	}
	span_format_us(us, b, n);
	char *dot = strchr(b, '.');
	if (!dot)
		return;
	char *unit = dot + 1;
	while (*unit >= '0' && *unit <= '9')
		unit++;
	char *end = unit;
	while (end > dot + 1 && end[-1] == '0')
		end--;
	if (end == dot + 1)
		end = dot;
	memmove(end, unit, strlen(unit) + 1);
}

void wf_axis(int64_t v0, int64_t v1, int w, char *buf, size_t n)
{
	if (!n)
		return;
	if (w < 1 || (size_t)w >= n)
		w = (int)n - 1;
	if (w < 0)
		w = 0;
	memset(buf, ' ', (size_t)w);
	buf[w] = 0;
	if (v1 <= v0 || w < 4)
		return;
	/* a label is at most ~7 columns; leave room for a blank after each */
	int max_ticks = w / 10 > 1 ? w / 10 : 1;
	int64_t step = wf_tick_step(v1 - v0, max_ticks);
	int64_t first = (v0 + step - 1) / step * step;
	int free_at = 0;
	for (int64_t t = first; t <= v1; t += step) {
		char lab[24];
		tick_label(t, lab, sizeof lab);
		int lw = (int)strlen(lab);
		int col = (int)((double)(t - v0) / (double)(v1 - v0) * (w - 1) + 0.5);
		int at = col;
		if (at + lw > w)
			at = w - lw;  /* the last one ends at the edge */
		if (at < free_at)
			continue;
		memcpy(buf + at, lab, (size_t)lw);
		free_at = at + lw + 1;
	}
}

void wf_label(const trace_t *t, uint32_t si, const uint8_t *collapsed, int width, wf_label_t *out)
{
	const trace_span_t *s = &t->spans[si];
	int cap = width / 3;
	if (cap > WF_INDENT_MAX)
		cap = WF_INDENT_MAX;
	int want = (int)(s->depth > 1000000 ? 1000000 : s->depth) * 2;
	if (want <= cap) {
		memset(out->indent, ' ', (size_t)want);
		out->indent[want] = 0;
		out->indent_w = want;
		out->dot_at = -1;
	} else {
		/* past the cap: blanks to it, less room for the depth written out
		 * after a dot (the caller draws the glyph at dot_at) */
		char d[16];
		int dl = snprintf(d, sizeof d, "%u ", s->depth);
		int blanks = cap - dl - 1 > 0 ? cap - dl - 1 : 0;
		memset(out->indent, ' ', (size_t)blanks + 1);
		memcpy(out->indent + blanks + 1, d, (size_t)dl + 1);
		out->indent_w = blanks + 1 + dl;
		out->dot_at = blanks;
	}
	out->twisty = s->n_children ? (collapsed && collapsed[si] ? -1 : 1) : 0;
	out->hidden = out->twisty < 0 ? s->n_desc : 0;
}
