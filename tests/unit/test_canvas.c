/* Unit tests of the chart rasteriser: exact glyphs, widths, clamping, valid UTF-8. */
#include "config.h"
#include <float.h>
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* cmocka 1.1.5 has no double comparison; timestamps need more than float. */
#define assert_near(a, b, eps)                                                       \
	do {                                                                          \
		double a_ = (a), b_ = (b);                                            \
		if (!(a_ == b_) && !(fabs(a_ - b_) <= (eps)))                         \
			fail_msg("%s = %.17g, want %.17g", #a, a_, b_);               \
	} while (0)
#include "ui/canvas.h"

/* Strict UTF-8 check (no overlongs, no surrogates, <= U+10FFFF). */
static int utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned c = *p, cp, n;
		if (c < 0x80) {
			p++;
			continue;
		} else if ((c & 0xE0) == 0xC0) {
			n = 1;
			cp = c & 0x1F;
		} else if ((c & 0xF0) == 0xE0) {
			n = 2;
			cp = c & 0x0F;
		} else if ((c & 0xF8) == 0xF0) {
			n = 3;
			cp = c & 0x07;
		} else {
			return 0;
		}
		for (unsigned i = 1; i <= n; i++) {
			if ((p[i] & 0xC0) != 0x80)
				return 0;
			cp = cp << 6 | (p[i] & 0x3F);
		}
		if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
		    cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return 0;
		p += n + 1;
	}
	return 1;
}

static void expect_spark(const double *v, size_t n, int width, double lo, double hi, glyphs_t g,
			 const char *want)
{
	char *s = spark_render(v, n, width, lo, hi, g);
	if (strcmp(s, want) != 0)
		fail_msg("spark: got \"%s\", want \"%s\"", s, want);
	assert_true(utf8_valid(s));
	assert_int_equal(utf8_width(s), width > 0 ? width : 0);
	free(s);
}

static void test_spark(void **state)
{
	(void)state;
	const double ramp[] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	expect_spark(ramp, 8, 8, 1, 0, GLYPHS_BRAILLE, "▁▂▃▄▅▆▇█");
	expect_spark(ramp, 8, 8, 1, 0, GLYPHS_BLOCK, "▁▂▃▄▅▆▇█");
	expect_spark(ramp, 8, 8, 1, 0, GLYPHS_ASCII, " _.-=+*#");
	/* wider than the data: right-aligned, padded on the left */
	const double gap[] = { 0, NAN, 1 };
	expect_spark(gap, 3, 10, 1, 0, GLYPHS_BLOCK, "       ▁ █");
	/* more data than cells: the last ones, scaled on what is shown */
	const double tail[] = { 90, 90, 90, 0, 1 };
	expect_spark(tail, 5, 2, 1, 0, GLYPHS_BLOCK, "▁█");
	/* a flat series sits in the middle */
	const double flat[] = { 5, 5, 5 };
	expect_spark(flat, 3, 3, 1, 0, GLYPHS_BLOCK, "▄▄▄");
	expect_spark(flat, 3, 3, 1, 0, GLYPHS_ASCII, "---");
	expect_spark(flat, 3, 3, 5, 5, GLYPHS_BLOCK, "▄▄▄");
	/* a fixed scale clamps */
	const double fixed[] = { 50, 150, -10, 100, 0 };
	expect_spark(fixed, 5, 5, 0, 100, GLYPHS_BLOCK, "▅█▁█▁");
	/* infinities clamp to the ends of the finite range */
	const double inf[] = { 0, INFINITY, -INFINITY, 1 };
	expect_spark(inf, 4, 4, 1, 0, GLYPHS_BLOCK, "▁█▁█");
	const double nan[] = { NAN, NAN };
	expect_spark(nan, 2, 3, 1, 0, GLYPHS_BLOCK, "   ");
	expect_spark(NULL, 0, 4, 1, 0, GLYPHS_BLOCK, "    ");
	expect_spark(ramp, 8, 0, 1, 0, GLYPHS_BLOCK, "");
	expect_spark(ramp, 8, -3, 1, 0, GLYPHS_BLOCK, "");
	/* every width and length: exact width, valid UTF-8 */
	double v[64];
	for (int i = 0; i < 64; i++)
		v[i] = i % 7 == 3 ? NAN : sin(i / 5.0) * 1e6;
	for (int g = 0; g < 3; g++)
		for (size_t n = 0; n <= 64; n += 7)
			for (int w = 0; w < 80; w += 3) {
				char *s = spark_render(v, n, w, 1, 0, (glyphs_t)g);
				assert_true(utf8_valid(s));
				assert_int_equal(utf8_width(s), w);
				free(s);
			}
}

static void expect_bar(double f, int width, glyphs_t g, const char *want)
{
	char *s = bar_render(f, width, g);
	if (strcmp(s, want) != 0)
		fail_msg("bar %g/%d: got \"%s\", want \"%s\"", f, width, s, want);
	assert_true(utf8_valid(s));
	assert_int_equal(utf8_width(s), width > 0 ? width : 0);
	free(s);
}

static void test_bar(void **state)
{
	(void)state;
	static const char *const one[9] = { " ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█" };
	for (int k = 0; k <= 8; k++)
		expect_bar(k / 8.0, 1, GLYPHS_BLOCK, one[k]);
	expect_bar(0.5, 10, GLYPHS_BLOCK, "█████     ");
	expect_bar(0.5, 10, GLYPHS_BRAILLE, "█████     ");
	expect_bar(0.3, 3, GLYPHS_BLOCK, "▉  ");
	expect_bar(0.99, 2, GLYPHS_BLOCK, "██");
	expect_bar(0.55, 4, GLYPHS_BLOCK, "██▎ ");
	expect_bar(1.7, 4, GLYPHS_BLOCK, "████");
	expect_bar(-1, 4, GLYPHS_BLOCK, "    ");
	expect_bar(NAN, 4, GLYPHS_BLOCK, "    ");
	expect_bar(INFINITY, 2, GLYPHS_BLOCK, "██");
	expect_bar(0.5, 10, GLYPHS_ASCII, "#####     ");
	expect_bar(0.04, 10, GLYPHS_ASCII, "          ");
	expect_bar(2, 3, GLYPHS_ASCII, "###");
	expect_bar(0.5, 0, GLYPHS_BLOCK, "");
	for (int w = 1; w < 40; w++)
		for (double f = -0.1; f < 1.2; f += 0.013) {
			char *s = bar_render(f, w, GLYPHS_BLOCK);
			assert_true(utf8_valid(s));
			assert_int_equal(utf8_width(s), w);
			free(s);
		}
}

/* The plot's rows as one string each, joined by '|'. */
static char *plot_text(const plot_t *p)
{
	size_t cap = (size_t)(p->w * 8 + 1) * (size_t)p->h + 1, len = 0;
	char *s = malloc(cap);
	assert_non_null(s);
	for (int y = 0; y < p->h; y++) {
		for (int x = 0; x < p->w; x++) {
			const cell_t *c = plot_cell(p, x, y);
			size_t n = strlen(c->ch);
			memcpy(s + len, c->ch, n);
			len += n;
		}
		if (y + 1 < p->h)
			s[len++] = '|';
	}
	s[len] = '\0';
	return s;
}

static void expect_plot(const plot_t *p, const char *want)
{
	char *s = plot_text(p);
	if (strcmp(s, want) != 0)
		fail_msg("plot: got \"%s\", want \"%s\"", s, want);
	free(s);
	for (int y = 0; y < p->h; y++)
		for (int x = 0; x < p->w; x++) {
			const cell_t *c = plot_cell(p, x, y);
			assert_true(utf8_valid(c->ch));
			assert_int_equal(utf8_width(c->ch), 1);
		}
}

static void test_braille(void **state)
{
	(void)state;
	plot_t p;
	const sample_t rise[] = { { 0, 0 }, { 1, 1 }, { 2, 2 }, { 3, 3 } };
	plot_init(&p, 2, 1, GLYPHS_BRAILLE);
	expect_plot(&p, "  ");
	plot_series(&p, rise, 4, 0, 3, 0, 3, 0);
	/* pixels (0,3) (1,2) | (2,1) (3,0): dots 7+6 = 0x60, dots 2+4 = 0x0A */
	expect_plot(&p, "⡠⠊");
	assert_int_equal(plot_cell(&p, 0, 0)->series, 0);
	assert_int_equal(plot_cell(&p, 1, 0)->series, 0);

	/* the two endpoints alone: joined by the line between them */
	const sample_t ends[] = { { 0, 0 }, { 3, 3 } };
	plot_clear(&p);
	expect_plot(&p, "  ");
	assert_int_equal(plot_cell(&p, 0, 0)->series, -1);
	plot_series(&p, ends, 2, 0, 3, 0, 3, 1);
	expect_plot(&p, "⡠⠊");
	assert_int_equal(plot_cell(&p, 1, 0)->series, 1);
	plot_free(&p);

	/* each dot of a cell: left column 0x01 0x02 0x04 0x40, right 0x08 0x10 0x20 0x80 */
	static const char *const left[4] = { "⠁", "⠂", "⠄", "⡀" };
	static const char *const right[4] = { "⠈", "⠐", "⠠", "⢀" };
	for (int row = 0; row < 4; row++) {
		for (int col = 0; col < 2; col++) {
			sample_t one = { col, 3 - row };
			plot_init(&p, 1, 1, GLYPHS_BRAILLE);
			plot_series(&p, &one, 1, 0, 1, 0, 3, 0);
			expect_plot(&p, col ? right[row] : left[row]);
			plot_free(&p);
		}
	}
	/* a vertical line fills a column */
	const sample_t vert[] = { { 0, 3 }, { 0, 0 }, { 1, 0 }, { 1, 3 } };
	plot_init(&p, 1, 1, GLYPHS_BRAILLE);
	plot_series(&p, vert, 2, 0, 1, 0, 3, 0);
	expect_plot(&p, "⡇");
	plot_series(&p, vert + 2, 2, 0, 1, 0, 3, 0);
	expect_plot(&p, "⣿");
	plot_free(&p);
}

static void test_block_ascii(void **state)
{
	(void)state;
	plot_t p;
	const sample_t rise[] = { { 0, 0 }, { 1, 1 } };
	plot_init(&p, 2, 1, GLYPHS_BLOCK);
	plot_series(&p, rise, 2, 0, 1, 0, 1, 0);
	expect_plot(&p, "▄▀");
	const sample_t flat_top[] = { { 0, 1 }, { 1, 1 } };
	plot_series(&p, flat_top, 2, 0, 1, 0, 1, 0);
	expect_plot(&p, "█▀");
	plot_free(&p);

	plot_init(&p, 5, 5, GLYPHS_ASCII);
	const sample_t diag[] = { { 0, 0 }, { 4, 4 } };
	plot_series(&p, diag, 2, 0, 4, 0, 4, 0);
	expect_plot(&p, "    *|   * |  *  | *   |*    ");
	plot_free(&p);
}

static void test_breaks_and_clamps(void **state)
{
	(void)state;
	plot_t p;
	plot_init(&p, 5, 5, GLYPHS_ASCII);
	/* NaN and Inf break the line: nothing joins across them */
	const sample_t s[] = { { 0, 0 }, { 1, 0 }, { 2, NAN }, { 3, 4 }, { 4, 4 } };
	plot_series(&p, s, 5, 0, 4, 0, 4, 0);
	expect_plot(&p, "   **|     |     |     |**   ");
	plot_clear(&p);
	const sample_t inf[] = { { 0, 4 }, { 2, INFINITY }, { 4, 0 } };
	plot_series(&p, inf, 3, 0, 4, 0, 4, 0);
	expect_plot(&p, "*    |     |     |     |    *");
	plot_clear(&p);
	/* isolated points are drawn */
	const sample_t iso[] = { { 2, 2 } };
	plot_series(&p, iso, 1, 0, 4, 0, 4, 0);
	expect_plot(&p, "     |     |  *  |     |     ");
	plot_clear(&p);
	/* out-of-range values are pinned to the edges */
	const sample_t high[] = { { 0, 100 }, { 2, 100 }, { 4, -100 } };
	plot_series(&p, high, 3, 0, 4, 0, 4, 0);
	expect_plot(&p, "***  |   * |   * |    *|    *");
	plot_clear(&p);
	/* samples before t0 and after t1 are clipped, keeping the slope */
	const sample_t wide[] = { { -4, -4 }, { 8, 8 } };
	plot_series(&p, wide, 2, 0, 4, 0, 4, 0);
	expect_plot(&p, "    *|   * |  *  | *   |*    ");
	plot_clear(&p);
	const sample_t away[] = { { -10, 1 }, { -5, 1 }, { 9, 1 }, { 20, 1 } };
	plot_series(&p, away, 2, 0, 4, 0, 4, 0);
	expect_plot(&p, "     |     |     |     |     ");
	plot_series(&p, away + 2, 2, 0, 4, 0, 4, 0);
	expect_plot(&p, "     |     |     |     |     ");
	/* a flat scale (lo == hi) draws mid-height; a zero time span at the right */
	const sample_t one[] = { { 7, 7 } };
	plot_series(&p, one, 1, 7, 7, 7, 7, 0);
	expect_plot(&p, "     |     |    *|     |     ");
	plot_free(&p);

	/* empty and degenerate plots are harmless */
	plot_init(&p, 0, 0, GLYPHS_BRAILLE);
	plot_series(&p, s, 5, 0, 4, 0, 4, 0);
	plot_hline(&p, 1, 0, 4, 0);
	assert_string_equal(plot_cell(&p, 0, 0)->ch, " ");
	assert_int_equal(plot_cell(&p, 0, 0)->series, -1);
	plot_free(&p);
}

static void test_hline_and_overlap(void **state)
{
	(void)state;
	plot_t p;
	plot_init(&p, 6, 3, GLYPHS_ASCII);
	plot_hline(&p, 2, 0, 4, 9);
	expect_plot(&p, "      |. . . |      ");
	assert_int_equal(plot_cell(&p, 0, 1)->series, 9);
	assert_int_equal(plot_cell(&p, 1, 1)->series, -1);
	/* a series overwrites the threshold */
	const sample_t mid[] = { { 0, 2 }, { 2, 2 } };
	plot_series(&p, mid, 2, 0, 5, 0, 4, 0);
	expect_plot(&p, "      |*** . |      ");
	assert_int_equal(plot_cell(&p, 0, 1)->series, 0);
	assert_int_equal(plot_cell(&p, 4, 1)->series, 9);
	/* a threshold never covers data; off-scale thresholds are not drawn */
	plot_hline(&p, 2, 0, 4, 8);
	plot_hline(&p, 5, 0, 4, 8);
	plot_hline(&p, NAN, 0, 4, 8);
	expect_plot(&p, "      |*** . |      ");
	/* two series through one cell */
	const sample_t cross[] = { { 0, 4 }, { 5, 0 } };
	plot_series(&p, cross, 2, 0, 5, 0, 4, 1);
	expect_plot(&p, "**    |**#*. |    **");
	assert_int_equal(plot_cell(&p, 2, 1)->series, 1);
	plot_free(&p);

	plot_init(&p, 3, 1, GLYPHS_BRAILLE);
	plot_hline(&p, 3, 0, 3, 0);
	expect_plot(&p, "⠉ ⠉");
	plot_clear(&p);
	plot_hline(&p, 0, 0, 3, 0);
	expect_plot(&p, "⣀ ⣀");
	plot_free(&p);
	plot_init(&p, 3, 1, GLYPHS_BLOCK);
	plot_hline(&p, 0, 0, 1, 0);
	expect_plot(&p, "▄ ▄");
	plot_free(&p);

	/* off the plot */
	plot_init(&p, 2, 2, GLYPHS_BLOCK);
	assert_string_equal(plot_cell(&p, 2, 0)->ch, " ");
	assert_string_equal(plot_cell(&p, -1, 0)->ch, " ");
	assert_string_equal(plot_cell(&p, 0, 2)->ch, " ");
	assert_int_equal(plot_cell(&p, 0, 5)->series, -1);
	plot_free(&p);
}

/* Every cell of many random plots is one valid glyph of width 1. */
static void test_plot_fuzz(void **state)
{
	(void)state;
	sample_t s[200];
	unsigned seed = 12345;
	for (int round = 0; round < 60; round++) {
		for (int i = 0; i < 200; i++) {
			seed = seed * 1103515245u + 12345u;
			double v = (double)(seed >> 8 & 0xFFFF) / 655.36 - 20;
			s[i].t = i;
			s[i].v = seed % 17 == 0 ? NAN : seed % 23 == 0 ? INFINITY : v;
		}
		plot_t p;
		int w = 1 + round % 13, h = 1 + round % 7;
		plot_init(&p, w, h, (glyphs_t)(round % 3));
		plot_hline(&p, 50, 0, 100, 3);
		plot_series(&p, s, 200, 10, 150, 0, 100, round % 4);
		plot_series(&p, s + 50, 150, -50, 300, -10, 10, 5);
		for (int y = 0; y < h; y++)
			for (int x = 0; x < w; x++) {
				const cell_t *c = plot_cell(&p, x, y);
				assert_true(utf8_valid(c->ch));
				assert_int_equal(utf8_width(c->ch), 1);
				assert_true(c->series >= -1 && c->series <= 5);
			}
		plot_free(&p);
	}
}

static void expect_ticks(double lo, double hi, int max, double want_lo, double want_hi,
			 const double *want, size_t n)
{
	double out[16];
	size_t got = axis_ticks(&lo, &hi, max, out, 16);
	if (got != n)
		fail_msg("ticks: %zu, want %zu", got, n);
	assert_near(lo, want_lo, 1e-9 * fabs(want_hi - want_lo));
	assert_near(hi, want_hi, 1e-9 * fabs(want_hi - want_lo));
	for (size_t i = 0; i < n; i++)
		assert_near(out[i], want[i], 1e-9 * fabs(want_hi - want_lo));
}

static void test_axis_ticks(void **state)
{
	(void)state;
	expect_ticks(0, 97, 6, 0, 100, (const double[]){ 0, 20, 40, 60, 80, 100 }, 6);
	expect_ticks(0.3, 0.92, 5, 0.2, 1.0, (const double[]){ 0.2, 0.4, 0.6, 0.8, 1.0 }, 5);
	expect_ticks(0, 0, 3, 0, 1, (const double[]){ 0, 0.5, 1 }, 3);
	expect_ticks(5, 5, 5, 4.5, 5.5, (const double[]){ 4.5, 5, 5.5 }, 3);
	expect_ticks(-3, 7, 5, -5, 10, (const double[]){ -5, 0, 5, 10 }, 4);
	expect_ticks(7, -3, 5, -5, 10, (const double[]){ -5, 0, 5, 10 }, 4);
	expect_ticks(0, 11.5e9, 5, 0, 15e9, (const double[]){ 0, 5e9, 10e9, 15e9 }, 4);
	expect_ticks(1, 2, 2, 1, 2, (const double[]){ 1, 2 }, 2);
	expect_ticks(0, 1, 1, 0, 1, (const double[]){ 0, 1 }, 2);
	expect_ticks(-1.7, 1.3, 2, -5, 5, (const double[]){ -5, 5 }, 2);
	expect_ticks(-1.7, 1.3, 3, -2, 2, (const double[]){ -2, 0, 2 }, 3);
	expect_ticks(NAN, NAN, 3, 0, 1, (const double[]){ 0, 0.5, 1 }, 3);

	/* the cap bounds what is written */
	double lo = 0, hi = 100, out[2] = { -1, -1 };
	assert_int_equal(axis_ticks(&lo, &hi, 6, out, 2), 2);
	assert_near(out[0], 0, 0);
	assert_near(out[1], 20, 0);

	/* properties over many ranges: ascending, covering, bounded, 1-2-5 steps */
	unsigned seed = 7;
	for (int i = 0; i < 20000; i++) {
		seed = seed * 1103515245u + 12345u;
		double a = ((double)(seed >> 4 & 0xFFFFF) - 500000) * pow(10, (int)(seed % 13) - 6);
		seed = seed * 1103515245u + 12345u;
		double b = a + (double)(seed >> 4 & 0xFFFF) * pow(10, (int)(seed % 11) - 6);
		int max = 2 + (int)(seed % 9);
		double olo = a, ohi = b, t[16];
		size_t n = axis_ticks(&a, &b, max, t, 16);
		if (n < 2 || n > (size_t)max)
			fail_msg("[%g,%g] max %d: %zu ticks", olo, ohi, max, n);
		assert_true(a <= olo + 1e-9 * (b - a) && b >= ohi - 1e-9 * (b - a));
		assert_near(t[0], a, 1e-9 * (b - a));
		assert_near(t[n - 1], b, 1e-9 * (b - a));
		double step = t[1] - t[0];
		double mag = pow(10, floor(log10(step)));
		double m = step / mag;
		/* t[1] - t[0] is only as exact as the ticks' magnitude allows */
		double tol = 1e-6 + 8 * DBL_EPSILON * fmax(fabs(a), fabs(b)) / mag;
		/* two ticks may be the ends of three: 2 x 2 x 10^k apart */
		if (fabs(m - 1) > tol && fabs(m - 2) > tol && fabs(m - 5) > tol &&
		    fabs(m - 10) > tol && (n != 2 || fabs(m - 4) > tol))
			fail_msg("[%g,%g]: step %g is not 1/2/5 x 10^k", olo, ohi, step);
		for (size_t k = 1; k < n; k++)
			assert_true(t[k] > t[k - 1]);
	}
}

/* A count's axis has whole steps: slashing events at 0 and 1 read 0, 1, not 0.500. */
static void test_axis_ticks_count(void **state)
{
	(void)state;
	double t[16];
	double lo = 0, hi = 1;
	size_t n = axis_ticks_min(&lo, &hi, 5, 1, t, 16);
	assert_int_equal(n, 2);
	assert_near(t[0], 0, 0);
	assert_near(t[1], 1, 0);
	lo = hi = 0; /* flat at zero */
	n = axis_ticks_min(&lo, &hi, 3, 1, t, 16);
	for (size_t i = 0; i < n; i++)
		assert_near(t[i], round(t[i]), 0);
	lo = hi = 3; /* flat at three */
	n = axis_ticks_min(&lo, &hi, 2, 1, t, 16);
	assert_true(n >= 2 && lo <= 3 && hi >= 3);
	for (size_t i = 0; i < n; i++)
		assert_near(t[i], round(t[i]), 0);
	for (int top = 1; top < 400; top += 7) {
		lo = 0, hi = top;
		n = axis_ticks_min(&lo, &hi, 5, 1, t, 16);
		assert_true(n >= 2 && n <= 5 && hi >= top);
		for (size_t i = 0; i < n; i++)
			if (t[i] != round(t[i]))
				fail_msg("[0,%d]: tick %g is not whole", top, t[i]);
	}
	/* no smallest step: as before */
	lo = 0, hi = 1;
	n = axis_ticks_min(&lo, &hi, 3, 0, t, 16);
	assert_int_equal(n, 3);
	assert_near(t[1], 0.5, 0);
}

/* The crit line's label goes on the row plot_hline draws it on, whatever the glyphs. */
static void test_plot_row_of(void **state)
{
	(void)state;
	const glyphs_t gs[] = { GLYPHS_BRAILLE, GLYPHS_BLOCK, GLYPHS_ASCII };
	for (size_t g = 0; g < 3; g++)
		for (int h = 1; h <= 12; h++)
			for (double y = 0; y <= 10; y += 0.37) {
				plot_t p;
				plot_init(&p, 4, h, gs[g]);
				plot_hline(&p, y, 0, 10, 99);
				int row = plot_row_of(&p, y, 0, 10), found = -1;
				for (int r = 0; r < h; r++)
					if (plot_cell(&p, 0, r)->series == 99)
						found = r;
				if (row != found)
					fail_msg("glyphs %zu, %d rows, y %g: row %d, the line is on %d", g, h, y, row, found);
				plot_free(&p);
			}
	plot_t p;
	plot_init(&p, 4, 5, GLYPHS_BRAILLE);
	assert_int_equal(plot_row_of(&p, 11, 0, 10), -1); /* off the scale */
	assert_int_equal(plot_row_of(&p, NAN, 0, 10), -1);
	plot_free(&p);
}

/* Time labels never run into each other, at any width and label length. */
static void test_axis_label_slots(void **state)
{
	(void)state;
	int pos[8];
	assert_int_equal(axis_label_slots(4, 5, 3, pos), 0);   /* not even one fits */
	assert_int_equal(axis_label_slots(5, 5, 3, pos), 1);
	assert_int_equal(pos[0], 0);
	assert_int_equal(axis_label_slots(11, 5, 3, pos), 1);  /* two need 12 */
	assert_int_equal(pos[0], 6);                           /* the newest, at the right */
	assert_int_equal(axis_label_slots(12, 5, 3, pos), 2);
	assert_int_equal(pos[0], 0);
	assert_int_equal(pos[1], 7);
	assert_int_equal(axis_label_slots(60, 5, 3, pos), 3);
	assert_int_equal(pos[0], 0);
	assert_int_equal(pos[2], 55);
	assert_int_equal(axis_label_slots(60, 5, 0, pos), 0);
	for (int lw = 1; lw <= 14; lw++)
		for (int w = 0; w <= 240; w++)
			for (size_t max = 1; max <= 8; max++) {
				size_t n = axis_label_slots(w, lw, max, pos);
				assert_true(n <= max);
				if (lw <= w)
					assert_true(n >= 1);
				for (size_t i = 0; i < n; i++) {
					assert_true(pos[i] >= 0 && pos[i] + lw <= w);
					if (i && pos[i] < pos[i - 1] + lw + 2)
						fail_msg("width %d, labels of %d: label %zu at %d runs into the one at %d",
							 w, lw, i, pos[i], pos[i - 1]);
				}
				if (n >= 2) {
					assert_int_equal(pos[0], 0);
					assert_int_equal(pos[n - 1], w - lw);
				}
			}
}

static void test_utf8_width(void **state)
{
	(void)state;
	assert_int_equal(utf8_width("abc"), 3);
	assert_int_equal(utf8_width(""), 0);
	assert_int_equal(utf8_width(NULL), 0);
	assert_int_equal(utf8_width("▁▂█"), 3);
	assert_int_equal(utf8_width("⡠⠊"), 2);
	assert_int_equal(utf8_width("日本"), 4);
	assert_int_equal(utf8_width("e\xcc\x81"), 1);         /* combining accent */
	assert_int_equal(utf8_width("\xff\xfe"), 2);          /* invalid bytes */
	assert_int_equal(utf8_width("a\xe2\x96"), 3);         /* cut-short sequence */
	assert_int_equal(utf8_width("\xc3\xa9t\xc3\xa9"), 3); /* été */
	assert_int_equal(utf8_width("\xF0\x9F\x98\x80"), 2);  /* emoji, wide */
}

int main(void)
{
	/* Widths come from the locale: the console runs under a UTF-8 one. */
	if (!setlocale(LC_ALL, "C.UTF-8"))
		fprintf(stderr, "# C.UTF-8 locale missing\n");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spark),
		cmocka_unit_test(test_bar),
		cmocka_unit_test(test_braille),
		cmocka_unit_test(test_block_ascii),
		cmocka_unit_test(test_breaks_and_clamps),
		cmocka_unit_test(test_hline_and_overlap),
		cmocka_unit_test(test_plot_fuzz),
		cmocka_unit_test(test_axis_ticks),
		cmocka_unit_test(test_axis_ticks_count),
		cmocka_unit_test(test_axis_label_slots),
		cmocka_unit_test(test_plot_row_of),
		cmocka_unit_test(test_utf8_width),
	};
	return cmocka_run_group_tests_name("canvas", tests, NULL, NULL);
}
