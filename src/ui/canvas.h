/* Text rasterisation for charts: sparklines, braille/block/ASCII plots, bars, axis ticks.
 * Pure: produces UTF-8 cells, no curses. */
#ifndef ICN_CANVAS_H
#define ICN_CANVAS_H
#include <stddef.h>
#include "model/series.h"

typedef enum {
	GLYPHS_BRAILLE, /* U+2800 dots: 2x4 pixels per cell */
	GLYPHS_BLOCK,   /* half blocks ▀▄█: 1x2 pixels per cell (for fonts without braille) */
	GLYPHS_ASCII,   /* plain '*', '.', '#': 1x1 pixel per cell (--ascii) */
} glyphs_t;

/* A sparkline of exactly `width` cells from the last samples of v (n values;
 * NaN draws a gap ' '). UTF-8 ▁▂▃▄▅▆▇█ for BRAILLE/BLOCK, " _.-=+*#" for ASCII.
 * lo/hi fix the scale; pass lo > hi to scale to the data. Returns malloc'd. */
char *spark_render(const double *v, size_t n, int width, double lo, double hi, glyphs_t g);

/* A horizontal bar: frac (0..1, clamped) of `width` cells, padded with spaces.
 * BRAILLE/BLOCK use eighth blocks (█▉▊▋▌▍▎▏), ASCII '#'. Returns malloc'd. */
char *bar_render(double frac, int width, glyphs_t g);

typedef struct {
	char ch[8];   /* UTF-8 glyph, NUL-terminated; " " when empty */
	int series;   /* index of the series drawn last into this cell, -1 if none */
} cell_t;

typedef struct {
	int w, h;
	glyphs_t g;
	cell_t *cells;        /* w*h, row-major, row 0 at the top */
	unsigned char *bits;  /* internal pixel masks (braille/block) */
} plot_t;

void plot_init(plot_t *p, int w, int h, glyphs_t g);
void plot_clear(plot_t *p);
/* Draw one series as a line (consecutive points joined) mapped from
 * [t0,t1]x[lo,hi] into the plot; NaN/Inf samples break the line. */
void plot_series(plot_t *p, const sample_t *s, size_t n, double t0, double t1, double lo,
		 double hi, int series);
/* A horizontal dashed line at value y (thresholds), drawn only in empty cells. */
void plot_hline(plot_t *p, double y, double lo, double hi, int series);
const cell_t *plot_cell(const plot_t *p, int x, int y);
/* The cell row plot_hline draws value y on, -1 when off the scale (so a label
 * can sit beside the line). */
int plot_row_of(const plot_t *p, double y, double lo, double hi);
void plot_free(plot_t *p);

/* "Nice" axis: extend [lo,hi] to round numbers and choose up to max_ticks ticks.
 * Writes the ticks into out (ascending), returns their count. lo==hi is widened. */
size_t axis_ticks(double *lo, double *hi, int max_ticks, double *out, size_t cap);
/* The same with a smallest step: 1 for a count, whose axis has no 0.500. */
size_t axis_ticks_min(double *lo, double *hi, int max_ticks, double min_step, double *out,
		      size_t cap);

/* Where labels of label_w columns go on an axis `width` columns wide, at most
 * `max` of them, with two columns at least between any two: the first at 0,
 * the last ending at the right edge, the rest evenly between; one label alone
 * sits at the right edge; none when even one does not fit. Writes the left
 * columns into pos (ascending) and returns their count. */
size_t axis_label_slots(int width, int label_w, size_t max, int *pos);

/* Number of terminal columns of a UTF-8 string (wcwidth, invalid bytes = 1). */
int utf8_width(const char *s);

#endif
