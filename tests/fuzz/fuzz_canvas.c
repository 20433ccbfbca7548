/* Fuzz target: chart rasterisation (sparklines, bars, plots, axis ticks) fed with the
 * numbers Prometheus can send: NaN, infinities, huge, tiny and subnormal values. */
#include "config.h"
#include "fuzz.h"
#include "fuzz_values.h"
#include "ui/canvas.h"
#include <locale.h>

#define MAX_SAMPLES 512

/* utf8_width needs a UTF-8 locale to count a block glyph as one column. */
static int utf8_ok(void)
{
	static int state = -1;
	if (state < 0)
		state = setlocale(LC_CTYPE, "C.UTF-8") != NULL;
	return state;
}

static void check_width(const char *s, int width)
{
	FUZZ_CHECK(s != NULL);
	if (utf8_ok())
		FUZZ_CHECK(utf8_width(s) == (width > 0 ? width : 0));
}

static void check_plot(const plot_t *p)
{
	for (int y = -1; y <= p->h; y++)
		for (int x = -1; x <= p->w; x++) {
			const cell_t *c = plot_cell(p, x, y);
			FUZZ_CHECK(c != NULL && memchr(c->ch, '\0', sizeof c->ch) != NULL);
			FUZZ_CHECK(c->series == -1 || c->series == 99 ||
				   (c->series >= 0 && c->series < 6));
			if (utf8_ok())
				FUZZ_CHECK(utf8_width(c->ch) == 1);
		}
}

/* Known (reported) axis_ticks bug: ends near the double range's limits or spans
 * near the subnormals give NaN/Inf or a scale that misses the data. */
static int axis_extreme(double a, double b)
{
	if (!isfinite(a) || !isfinite(b)) /* as axis_ticks: the finite end twice */
		a = b = isfinite(a) ? a : isfinite(b) ? b : 0;
	double m = fmax(fabs(a), fabs(b));
	return (m > 1e300 || (m < 1e-290 && m > 0) ||
					      (a != b && fabs(b - a) < 1e-290));
}

/* "extend [lo,hi] to round numbers and choose up to max_ticks ticks (ascending)" */
static size_t ticks(double *lo, double *hi, int max_ticks, double *out, size_t cap)
{
	double a = *lo, b = *hi;
	if (fuzz_known("axis-extreme") && axis_extreme(a, b))
		return 0;
	size_t n = axis_ticks(lo, hi, max_ticks, out, cap);
	FUZZ_CHECK(n <= cap);
	if (isfinite(a) && isfinite(b)) {
		FUZZ_CHECK(isfinite(*lo) && isfinite(*hi) && *lo < *hi);
		/* the data stays on the scale (a rounding's worth of slack) */
		double slack = (*hi - *lo) * 1e-9;
		FUZZ_CHECK(*lo <= fmin(a, b) + slack && *hi >= fmax(a, b) - slack);
		for (size_t i = 0; i < n; i++) {
			FUZZ_CHECK(isfinite(out[i]) && out[i] >= *lo && out[i] <= *hi);
			FUZZ_CHECK(i == 0 || out[i - 1] < out[i]);
		}
	}
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_in_t in = { data, size };
	glyphs_t g = (glyphs_t)(fuzz_byte(&in) % 3);
	int w = fuzz_byte(&in) % 130 - 2, h = fuzz_byte(&in) % 40 - 2;
	int max_ticks = fuzz_byte(&in) % 12 - 1;
	double lo = fuzz_double(&in), hi = fuzz_double(&in);
	double t0 = fuzz_double(&in), t1 = fuzz_double(&in);
	double crit = fuzz_double(&in), frac = fuzz_double(&in);
	static sample_t s[MAX_SAMPLES];
	static double v[MAX_SAMPLES];
	size_t n = 0;
	while (fuzz_more(&in) && n < MAX_SAMPLES) {
		s[n].t = fuzz_double(&in);
		s[n].v = fuzz_double(&in);
		v[n] = s[n].v;
		n++;
	}

	/* Sparklines: a fixed scale, and scaled to the data as a stat panel asks. */
	char *sp = spark_render(v, n, w, lo, hi, g);
	check_width(sp, w);
	free(sp);
	sp = spark_render(v, n, w, 1, 0, g);
	check_width(sp, w);
	free(sp);
	sp = spark_render(NULL, 0, w, lo, hi, g);
	check_width(sp, w);
	free(sp);

	char *bar = bar_render(frac, w, g);
	check_width(bar, w);
	free(bar);

	/* A graph panel: the data's range, widened to reach a nearby crit line, then
	 * rounded by the axis; the series and the line drawn on that scale. */
	series_set_t set = { 0 };
	series_t *se = series_set_add(&set);
	for (size_t i = 0; i < n; i++)
		series_push(se, s[i].t, s[i].v);
	double a, b, tk[8];
	if (series_set_range(&set, &a, &b)) {
		if (isfinite(crit) && crit > b && crit < b + 2 * (b - a + fabs(b) * 0.1 + 1e-9))
			b = crit;
		if (isfinite(crit) && crit < a && crit > a - 2 * (b - a + fabs(a) * 0.1 + 1e-9))
			a = crit;
		ticks(&a, &b, h >= 10 ? 5 : 2, tk, 8);
	} else {
		a = lo;
		b = hi;
	}
	plot_t p;
	plot_init(&p, w, h, g);
	plot_hline(&p, crit, a, b, 99);
	plot_series(&p, se->samples, se->n, t0, t1, a, b, (int)(n % 6));
	check_plot(&p);
	/* The fuzzer's own scale, over the same plot. */
	plot_series(&p, s, n, t0, t1, lo, hi, 5);
	plot_hline(&p, crit, lo, hi, 99);
	check_plot(&p);
	plot_clear(&p);
	check_plot(&p);
	plot_free(&p);
	series_set_free(&set);

	/* One isolated sample is one pixel: at most one cell. */
	if (n && !fuzz_known("plot-edge-point")) {
		int used = 0;
		plot_init(&p, w, h, g);
		plot_series(&p, s, 1, t0, t1, lo, hi, 0);
		for (int y = 0; y < p.h; y++)
			for (int x = 0; x < p.w; x++)
				used += plot_cell(&p, x, y)->series == 0;
		FUZZ_CHECK(used <= 1);
		plot_free(&p);
	}

	/* The axis on arbitrary ends and tick counts. */
	double out[16];
	double l2 = lo, h2 = hi;
	ticks(&l2, &h2, max_ticks, out, (size_t)(w > 0 ? w % 17 : 0));
	return 0;
}
