/* The waterfall's layout, without curses: where the labels and the bars go,
 * the time axis's ticks, a span's label (indentation, fold state, what a
 * fold hides). Unit-tested (tests/unit/test_waterfall.c). */
#ifndef ICN_WATERFALL_H
#define ICN_WATERFALL_H
#include <stddef.h>
#include <stdint.h>
#include "model/trace.h"

typedef struct {
	int label_w;  /* columns of the span labels (the tree), from the left */
	int bar_x;    /* where the time axis starts (after a separator column) */
	int bar_w;    /* its width */
} wf_geom_t;

/* For a content `width` columns wide: the labels take nine twentieths, from 24 to
 * 60 columns (less when the screen is narrower), the rest is the axis. */
void wf_geometry(int width, wf_geom_t *g);

/* The axis row, `w` columns, for v0..v1 µs after the trace's start: labels
 * ("0", "250ms", "1.5s") at round steps, each at the column of its moment
 * (the last one ending at the right edge when it would not fit), never
 * overlapping. buf gets w columns of ASCII. */
void wf_axis(int64_t v0, int64_t v1, int w, char *buf, size_t n);

/* The round step between ticks: the smallest 1, 2 or 5 times a power of ten
 * µs that puts at most max_ticks ticks on span µs. */
int64_t wf_tick_step(int64_t span, int max_ticks);

#define WF_INDENT_MAX 64
typedef struct {
	char indent[WF_INDENT_MAX + 16]; /* blanks, or blanks and "37 " past the cap */
	int indent_w;       /* its columns */
	int dot_at;         /* past the cap, the column of the dot before the
	                       depth (ui_glyph(GL_DOT)); else -1 */
	int twisty;         /* 0 a leaf, 1 open, -1 folded */
	unsigned hidden;    /* spans a fold hides (0 when open) */
} wf_label_t;

/* The label of span si in a label column `width` wide: two columns a level of
 * depth up to a third of the width, then the depth written out ("·37 ") so a
 * deep chain never pushes the names off the screen. */
void wf_label(const trace_t *t, uint32_t si, const uint8_t *collapsed, int width, wf_label_t *out);

#endif
