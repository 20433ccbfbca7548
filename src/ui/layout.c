/* Dashboard grid: panel rectangles from a panel count, weights and a screen area. */
#include "config.h"
#include "ui/layout.h"
#include "core/xalloc.h"
#include <stdlib.h>

/* Left edge (relative) of unit k when `w` columns are shared by `units`,
 * the remainder going one column each to the first units. */
static int unit_x(int w, int units, int k)
{
	int rem = w % units;
	return k * (w / units) + (k < rem ? k : rem);
}

void layout_grid(const int *weights, size_t n, rect_t area, rect_t *out, grid_info_t *info)
{
	int cols = LAYOUT_MAX_COLS;
	int aw = area.w > 0 ? area.w : 0, ah = area.h > 0 ? area.h : 0;
	int *row_of, *unit0, *span, *units;
	int rows = 0, used = 0, base, rem, content_h;

	if ((size_t)cols > n)
		cols = (int)n;
	if (aw / LAYOUT_MIN_W < cols)
		cols = aw / LAYOUT_MIN_W;
	if (cols < 1)
		cols = 1;
	if (n == 0) {
		if (info) {
			info->cols = cols;
			info->rows = 0;
			info->content_h = 0;
		}
		return;
	}

	row_of = xcalloc(n, sizeof *row_of);
	unit0 = xcalloc(n, sizeof *unit0);
	span = xcalloc(n, sizeof *span);
	units = xcalloc(n, sizeof *units);

	/* Fill rows left to right; a panel that does not fit in what is left of
	 * a row starts the next one (the short row is stretched below). */
	for (size_t i = 0; i < n; i++) {
		int w = weights ? weights[i] : 1;
		if (w < 1)
			w = 1;
		if (w > cols)
			w = cols;
		if (rows == 0 || used + w > cols) {
			rows++;
			used = 0;
		}
		row_of[i] = rows - 1;
		unit0[i] = used;
		span[i] = w;
		used += w;
		units[rows - 1] = used;
	}

	base = ah / rows;
	rem = ah % rows;
	if (base < LAYOUT_MIN_H) {
		base = LAYOUT_MIN_H;
		rem = 0;
	}
	content_h = base * rows + rem;

	for (size_t i = 0; i < n; i++) {
		int r = row_of[i], u = units[r];
		int y0 = r * base + (r < rem ? r : rem);
		int y1 = (r + 1) * base + (r + 1 < rem ? r + 1 : rem);
		int x0 = unit_x(aw, u, unit0[i]);
		int x1 = unit_x(aw, u, unit0[i] + span[i]);
		out[i].x = area.x + x0;
		out[i].y = area.y + y0;
		out[i].w = x1 - x0;
		out[i].h = y1 - y0;
	}
	if (info) {
		info->cols = cols;
		info->rows = rows;
		info->content_h = content_h;
	}
	free(row_of);
	free(unit0);
	free(span);
	free(units);
}

/* Length of the overlap of [a0,a1) and [b0,b1), 0 when apart. */
static int overlap(int a0, int a1, int b0, int b1)
{
	int lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
	return hi > lo ? hi - lo : 0;
}

/*
 * Candidates lie wholly on the `dx,dy` side of the current panel. The best one
 * shares rows (for left/right) or columns (for up/down) with it, then is the
 * nearest, then has its centre closest across the direction of travel, then
 * comes first: so "down" from a short row lands under the panel, not in a corner.
 */
size_t layout_neighbour(const rect_t *r, size_t n, size_t cur, int dx, int dy)
{
	size_t best = cur;
	long best_key[3] = { 0, 0, 0 };
	const rect_t *c;

	if (!r || cur >= n || (dx == 0 && dy == 0))
		return cur;
	c = &r[cur];
	for (size_t i = 0; i < n; i++) {
		const rect_t *o = &r[i];
		long gap = 0, across = 0;
		int shared = 0;
		if (i == cur)
			continue;
		if (dx > 0) {
			if (o->x < c->x + c->w)
				continue;
			gap += o->x - (c->x + c->w);
		} else if (dx < 0) {
			if (o->x + o->w > c->x)
				continue;
			gap += c->x - (o->x + o->w);
		}
		if (dy > 0) {
			if (o->y < c->y + c->h)
				continue;
			gap += o->y - (c->y + c->h);
		} else if (dy < 0) {
			if (o->y + o->h > c->y)
				continue;
			gap += c->y - (o->y + o->h);
		}
		/* Centres doubled to stay in integers. */
		if (dx == 0) {
			shared = overlap(c->x, c->x + c->w, o->x, o->x + o->w) > 0;
			across = labs((long)(2 * o->x + o->w) - (2 * c->x + c->w));
		} else if (dy == 0) {
			shared = overlap(c->y, c->y + c->h, o->y, o->y + o->h) > 0;
			across = labs((long)(2 * o->y + o->h) - (2 * c->y + c->h));
		} else {
			shared = 1;
		}
		long key[3] = { shared ? 0 : 1, gap, across };
		int better = best == cur;
		for (int k = 0; !better && k < 3; k++) {
			if (key[k] != best_key[k]) {
				better = key[k] < best_key[k];
				break;
			}
		}
		if (better) {
			best = i;
			best_key[0] = key[0];
			best_key[1] = key[1];
			best_key[2] = key[2];
		}
	}
	return best;
}
