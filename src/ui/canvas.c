/* Chart rasterisation into UTF-8 cells: sparklines, bars, line plots, axis ticks. */
#include "config.h"
#include "ui/canvas.h"
#include "core/xalloc.h"
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

static const char *const spark_blocks[8] = { "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█" };
static const char spark_ascii[8] = { ' ', '_', '.', '-', '=', '+', '*', '#' };
/* Index k = k eighths of a cell filled from the left. */
static const char *const eighths[8] = { "", "▏", "▎", "▍", "▌", "▋", "▊", "▉" };

char *spark_render(const double *v, size_t n, int width, double lo, double hi, glyphs_t g)
{
	strbuf_t b;
	size_t w, take, pad;
	const double *s;

	sb_init(&b);
	if (width <= 0)
		return sb_steal(&b);
	w = (size_t)width;
	take = v ? (n < w ? n : w) : 0;
	pad = w - take;
	s = v ? v + (n - take) : NULL;

	if (lo > hi) {
		int any = 0;
		for (size_t i = 0; i < take; i++) {
			if (!isfinite(s[i]))
				continue;
			if (!any || s[i] < lo)
				lo = s[i];
			if (!any || s[i] > hi)
				hi = s[i];
			any = 1;
		}
		if (!any)
			lo = hi = 0;
	}
	for (size_t i = 0; i < pad; i++)
		sb_puts(&b, " ");
	for (size_t i = 0; i < take; i++) {
		double x = s[i];
		int level;
		if (isnan(x)) {
			sb_puts(&b, " ");
			continue;
		}
		if (hi > lo) {
			double f = (x - lo) / (hi - lo);
			if (isnan(f)) { /* infinite bounds */
				sb_puts(&b, " ");
				continue;
			}
			f = f < 0 ? 0 : f > 1 ? 1 : f;
			level = (int)floor(f * 8);
			if (level > 7)
				level = 7;
		} else {
			/* A flat line sits mid-height: neither "nothing" nor "full". */
			level = x > hi ? 7 : x < lo ? 0 : 3;
		}
		if (g == GLYPHS_ASCII)
			sb_add(&b, &spark_ascii[level], 1);
		else
			sb_puts(&b, spark_blocks[level]);
	}
	return sb_steal(&b);
}

char *bar_render(double frac, int width, glyphs_t g)
{
	strbuf_t b;
	int cells = 0;
	sb_init(&b);
	if (width <= 0)
		return sb_steal(&b);
	if (isnan(frac) || frac < 0)
		frac = 0;
	if (frac > 1)
		frac = 1;
	if (g == GLYPHS_ASCII) {
		cells = (int)lround(frac * width);
		for (int i = 0; i < cells; i++)
			sb_puts(&b, "#");
	} else {
		long total = lround(frac * width * 8.0);
		cells = (int)(total / 8);
		for (int i = 0; i < cells; i++)
			sb_puts(&b, "█");
		if (total % 8) {
			sb_puts(&b, eighths[total % 8]);
			cells++;
		}
	}
	for (; cells < width; cells++)
		sb_puts(&b, " ");
	return sb_steal(&b);
}

/* ---- plots ---- */

static void glyph_dims(glyphs_t g, int *sx, int *sy)
{
	*sx = g == GLYPHS_BRAILLE ? 2 : 1;
	*sy = g == GLYPHS_BRAILLE ? 4 : g == GLYPHS_BLOCK ? 2 : 1;
}

/* The mask byte of a cell and, after all masks, a flag byte: 1 when the cell
 * holds only a threshold line, which a series may overwrite. */
static unsigned char *mask_of(plot_t *p, int idx)
{
	return &p->bits[idx];
}

static unsigned char *flag_of(plot_t *p, int idx)
{
	return &p->bits[(size_t)p->w * (size_t)p->h + (size_t)idx];
}

static void put_braille(cell_t *c, unsigned char m)
{
	unsigned cp = 0x2800u + m;
	c->ch[0] = (char)(0xE0 | (cp >> 12));
	c->ch[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
	c->ch[2] = (char)(0x80 | (cp & 0x3F));
	c->ch[3] = '\0';
}

static void put_glyph(cell_t *c, const char *s)
{
	size_t n = strlen(s);
	memcpy(c->ch, s, n + 1);
}

void plot_init(plot_t *p, int w, int h, glyphs_t g)
{
	size_t n;
	p->w = w > 0 ? w : 0;
	p->h = h > 0 ? h : 0;
	p->g = g;
	n = (size_t)p->w * (size_t)p->h;
	p->cells = xcalloc(n, sizeof *p->cells);
	p->bits = xcalloc(n * 2, 1);
	plot_clear(p);
}

void plot_clear(plot_t *p)
{
	size_t n = (size_t)p->w * (size_t)p->h;
	for (size_t i = 0; i < n; i++) {
		put_glyph(&p->cells[i], " ");
		p->cells[i].series = -1;
	}
	if (n)
		memset(p->bits, 0, n * 2);
}

static void set_pixel(plot_t *p, int px, int py, int series)
{
	static const unsigned char braille_bit[2][4] = {
		{ 0x01, 0x02, 0x04, 0x40 },
		{ 0x08, 0x10, 0x20, 0x80 },
	};
	int sx, sy, idx;
	unsigned char *m, *f;
	cell_t *c;

	glyph_dims(p->g, &sx, &sy);
	if (px < 0 || py < 0 || px >= p->w * sx || py >= p->h * sy)
		return;
	idx = (py / sy) * p->w + px / sx;
	m = mask_of(p, idx);
	f = flag_of(p, idx);
	c = &p->cells[idx];
	if (*f) {
		*m = 0;
		*f = 0;
		c->series = -1;
	}
	switch (p->g) {
	case GLYPHS_BRAILLE:
		*m |= braille_bit[px % 2][py % 4];
		put_braille(c, *m);
		break;
	case GLYPHS_BLOCK:
		*m |= py % 2 == 0 ? 1 : 2;
		put_glyph(c, *m == 1 ? "▀" : *m == 2 ? "▄" : "█");
		break;
	case GLYPHS_ASCII:
		/* '#' marks where two series cross: one glyph cannot show both. */
		put_glyph(c, *m && c->series != series ? "#" : "*");
		*m = 1;
		break;
	}
	c->series = series;
}

static void draw_line(plot_t *p, int x0, int y0, int x1, int y1, int series)
{
	int dx = abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
	int dy = -abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
	int e = dx + dy;
	for (;;) {
		set_pixel(p, x0, y0, series);
		if (x0 == x1 && y0 == y1)
			break;
		int e2 = 2 * e;
		if (e2 >= dy) {
			e += dy;
			x0 += sx;
		}
		if (e2 <= dx) {
			e += dx;
			y0 += sy;
		}
	}
}

/* A segment in pixel space, clipped to [0, pw-1] horizontally before values
 * off the scale are pinned to the top or bottom row: samples outside [t0,t1]
 * keep their slope, spikes show as touching the edge. */
static void draw_segment(plot_t *p, double x0, double y0, double x1, double y1, int pw,
			 int ph, int series)
{
	double xmax = pw - 1, ymax = ph - 1;
	if (x0 > x1) {
		double t = x0;
		x0 = x1;
		x1 = t;
		t = y0;
		y0 = y1;
		y1 = t;
	}
	if (x1 < -0.5 || x0 > xmax + 0.5)
		return;
	/* Clip to the plot keeping the slope. A single point (x0 == x1) just past an
	 * edge has no slope: it moves onto the edge as it is (no 0/0, no NaN row). */
	if (x0 < 0) {
		if (x1 > x0)
			y0 += (y1 - y0) * (0 - x0) / (x1 - x0);
		x0 = 0;
	}
	if (x1 > xmax) {
		if (x1 > x0)
			y1 = y0 + (y1 - y0) * (xmax - x0) / (x1 - x0);
		x1 = xmax;
	}
	if (x1 < x0)
		x1 = x0;
	y0 = y0 < 0 ? 0 : y0 > ymax ? ymax : y0;
	y1 = y1 < 0 ? 0 : y1 > ymax ? ymax : y1;
	draw_line(p, (int)lround(x0), (int)lround(y0), (int)lround(x1), (int)lround(y1), series);
}

/* Keeps pixel coordinates of absurd samples finite and convertible. */
static double bound(double v)
{
	return v < -1e9 ? -1e9 : v > 1e9 ? 1e9 : v;
}

void plot_series(plot_t *p, const sample_t *s, size_t n, double t0, double t1, double lo,
		 double hi, int series)
{
	int sx, sy, pw, ph, have_prev = 0;
	double px = 0, py = 0;
	double span_t = t1 - t0, span_v = hi - lo;

	glyph_dims(p->g, &sx, &sy);
	pw = p->w * sx;
	ph = p->h * sy;
	if (pw <= 0 || ph <= 0 || !s)
		return;
	for (size_t i = 0; i < n; i++) {
		double t = s[i].t, v = s[i].v, x, y;
		if (!isfinite(t) || !isfinite(v)) {
			have_prev = 0;
			continue;
		}
		/* A zero-width time range puts everything at "now", the right edge. */
		x = isfinite(span_t) && span_t > 0 ? (t - t0) / span_t * (pw - 1) : pw - 1;
		if (isfinite(span_v) && span_v > 0)
			y = (hi - v) / span_v * (ph - 1);
		else
			y = (ph - 1) / 2.0;
		if (isnan(x) || isnan(y)) {
			have_prev = 0;
			continue;
		}
		x = bound(x);
		y = bound(y);
		if (have_prev)
			draw_segment(p, px, py, x, y, pw, ph, series);
		else
			draw_segment(p, x, y, x, y, pw, ph, series);
		px = x;
		py = y;
		have_prev = 1;
	}
}

/* The pixel row of value y, or -1 when off the scale. */
static int pixel_row(const plot_t *p, double y, double lo, double hi)
{
	int sx, sy, ph;
	glyph_dims(p->g, &sx, &sy);
	ph = p->h * sy;
	if (ph <= 0 || p->w <= 0 || !isfinite(y))
		return -1;
	if (isfinite(hi - lo) && hi > lo) {
		if (y < lo || y > hi)
			return -1; /* off the scale: pinning it to an edge would mislead */
		return (int)lround((hi - y) / (hi - lo) * (ph - 1));
	}
	return (ph - 1) / 2;
}

int plot_row_of(const plot_t *p, double y, double lo, double hi)
{
	int sx, sy, pyi = pixel_row(p, y, lo, hi);
	glyph_dims(p->g, &sx, &sy);
	return pyi < 0 ? -1 : pyi / sy;
}

void plot_hline(plot_t *p, double y, double lo, double hi, int series)
{
	int sx, sy, pyi, row;
	glyph_dims(p->g, &sx, &sy);
	if ((pyi = pixel_row(p, y, lo, hi)) < 0)
		return;
	row = pyi / sy;
	/* Every other cell, for a dashed look that reads apart from data lines. */
	for (int x = 0; x < p->w; x += 2) {
		int idx = row * p->w + x;
		cell_t *c = &p->cells[idx];
		unsigned char *m = mask_of(p, idx);
		if (*m || c->series != -1)
			continue;
		switch (p->g) {
		case GLYPHS_BRAILLE:
			*m = pyi % 4 == 3 ? 0xC0 : (unsigned char)(0x09 << (pyi % 4));
			put_braille(c, *m);
			break;
		case GLYPHS_BLOCK:
			*m = pyi % 2 == 0 ? 1 : 2;
			put_glyph(c, *m == 1 ? "▀" : "▄");
			break;
		case GLYPHS_ASCII:
			*m = 1;
			put_glyph(c, ".");
			break;
		}
		*flag_of(p, idx) = 1;
		c->series = series;
	}
}

const cell_t *plot_cell(const plot_t *p, int x, int y)
{
	static const cell_t blank = { " ", -1 };
	if (!p || x < 0 || y < 0 || x >= p->w || y >= p->h)
		return &blank;
	return &p->cells[y * p->w + x];
}

void plot_free(plot_t *p)
{
	if (!p)
		return;
	free(p->cells);
	free(p->bits);
	p->cells = NULL;
	p->bits = NULL;
	p->w = p->h = 0;
}

/* ---- axis ---- */

/* The smallest of 1, 2, 5 x 10^k that is >= x (x > 0). */
static double nice_step(double x)
{
	double mag = pow(10, floor(log10(x)));
	double f = x / mag;
	if (f <= 1.0 + 1e-9)
		return mag;
	if (f <= 2.0 + 1e-9)
		return 2 * mag;
	if (f <= 5.0 + 1e-9)
		return 5 * mag;
	return 10 * mag;
}

size_t axis_ticks(double *lo, double *hi, int max_ticks, double *out, size_t cap)
{
	return axis_ticks_min(lo, hi, max_ticks, 0, out, cap);
}

size_t axis_ticks_min(double *lo, double *hi, int max_ticks, double min_step, double *out,
		      size_t cap)
{
	double a = *lo, b = *hi, step, nlo = 0, nhi = 0;
	size_t count = 0;

	if (!isfinite(a) || !isfinite(b)) {
		a = isfinite(a) ? a : isfinite(b) ? b : 0;
		b = a;
	}
	if (a > b) {
		double t = a;
		a = b;
		b = t;
	}
	/* A span lost in the precision of the values is a flat line too. */
	/* fabs(a) + fabs(b) could overflow and call any span flat; spans near the
	 * subnormals are flat too: their step would underflow to 0. */
	if (b - a <= fabs(a) * 1e-12 + fabs(b) * 1e-12 || b - a < 1e-290) {
		double m = fmax(fabs(a), fabs(b));
		if (m < 1e-290) {
			a = 0;
			b = 1;
		} else {
			double d = fabs(a) * 0.1;
			b = a + d <= DBL_MAX ? a + d : DBL_MAX;
			a = a - d >= -DBL_MAX ? a - d : -DBL_MAX;
		}
	}
	if (max_ticks < 2)
		max_ticks = 2;
	if (!isfinite(b - a)) {
ends:
		/* Beyond double range: no rounding possible, keep the ends. */
		*lo = a;
		*hi = b;
		if (cap > 0)
			out[count++] = a;
		if (cap > 1)
			out[count++] = b;
		return count;
	}
	step = nice_step((b - a) / (max_ticks - 1));
	if (min_step > 0 && isfinite(min_step) && step < min_step)
		step = nice_step(min_step); /* a count's axis: 0, 1, 2, never 0.500 */
	/* Ticks are whole multiples of the step, computed as k * step: the first
	 * and last tick equal the new ends exactly and zero is exactly 0. */
	double k0 = 0, k1 = 0;
	for (int tries = 0; tries < 64; tries++) {
		k0 = floor(a / step + 1e-9);
		k1 = ceil(b / step - 1e-9);
		if (k1 - k0 + 1 <= max_ticks)
			break;
		/* Asked for two ticks, a span across a multiple of a step at least
		 * as wide as itself still needs three (-s, 0, s); a wider step would
		 * only flatten the data, so it keeps the two ends instead. */
		if (step >= b - a && k1 - k0 + 1 <= 3)
			break;
		step = nice_step(step * 1.5);
	}
	nlo = k0 * step;
	nhi = k1 * step;
	if (!isfinite(nlo) || !isfinite(nhi))
		goto ends; /* rounding out would leave the double range */
	*lo = nlo;
	*hi = nhi;
	count = (size_t)(k1 - k0 + 1);
	int ends_only = count > (size_t)max_ticks;
	if (ends_only)
		count = 2;
	if (count > cap)
		count = cap;
	for (size_t i = 0; i < count; i++) {
		double k = ends_only ? (i ? k1 : k0) : k0 + (double)i;
		out[i] = k * step + 0.0; /* + 0.0: never "-0" */
	}
	return count;
}

size_t axis_label_slots(int width, int label_w, size_t max, int *pos)
{
	const int gap = 2;
	size_t n = 0;
	if (width <= 0 || label_w <= 0 || label_w > width)
		return 0;
	/* as many as fit with a gap between each two; the arithmetic on long long:
	 * a huge width must not overflow into a fit */
	while (n < max && (long long)(n + 1) * label_w + (long long)n * gap <= width)
		n++;
	if (n == 1) {
		pos[0] = width - label_w; /* the newest time is the one to keep */
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		pos[i] = (int)((long long)i * (width - label_w) / (long long)(n - 1));
	return n;
}

int utf8_width(const char *s)
{
	mbstate_t st;
	size_t len;
	int w = 0;
	if (!s)
		return 0;
	memset(&st, 0, sizeof st);
	len = strlen(s);
	while (len) {
		wchar_t wc;
		size_t r = mbrtowc(&wc, s, len, &st);
		if (r == (size_t)-1 || r == (size_t)-2) {
			/* Invalid or cut short: one column per byte, as a terminal shows '?'. */
			memset(&st, 0, sizeof st);
			w++;
			s++;
			len--;
			continue;
		}
		if (r == 0)
			break;
		int cw = wcwidth(wc);
		w += cw < 0 ? 1 : cw;
		s += r;
		len -= r;
	}
	return w;
}
