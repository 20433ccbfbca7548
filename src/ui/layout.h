/* Dashboard grid layout: pure arithmetic, testable without a terminal. */
#ifndef ICN_LAYOUT_H
#define ICN_LAYOUT_H
#include <stddef.h>

#define LAYOUT_MIN_W 24   /* narrowest useful panel, columns */
#define LAYOUT_MIN_H 6    /* lowest useful panel, rows */
#define LAYOUT_MAX_COLS 4

typedef struct {
	int x, y, w, h;
} rect_t;

typedef struct {
	int cols, rows;    /* grid shape chosen */
	int content_h;     /* total height of all rows; > area.h means the view must scroll */
} grid_info_t;

/*
 * Lay out n panels (weights[i] is 1 or 2 grid columns; NULL = all 1) in `area`.
 * cols = min(LAYOUT_MAX_COLS, n, area.w / LAYOUT_MIN_W), at least 1; panels fill
 * rows left to right; the row height is area.h / rows but never below
 * LAYOUT_MIN_H (then content_h > area.h and the caller scrolls). Widths and
 * heights add up exactly to the area (remainders to the first columns/rows); a
 * row with fewer panels than columns stretches them to the full width. Rects
 * are absolute (area.x/area.y added); no two overlap.
 */
void layout_grid(const int *weights, size_t n, rect_t area, rect_t *out, grid_info_t *info);

/* Which panel is next from `cur` in a direction (dx,dy in -1..1) by geometry;
 * returns cur when there is none. */
size_t layout_neighbour(const rect_t *r, size_t n, size_t cur, int dx, int dy);

#endif
