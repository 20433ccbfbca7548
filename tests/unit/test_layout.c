/* Unit tests of the dashboard grid: known screens, weights, and properties over all sizes. */
#include "config.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "ui/layout.h"

static void expect_rect(const rect_t *r, int x, int y, int w, int h)
{
	if (r->x != x || r->y != y || r->w != w || r->h != h)
		fail_msg("rect %d,%d %dx%d, want %d,%d %dx%d", r->x, r->y, r->w, r->h, x, y, w, h);
}

static void test_80x21_seven(void **state)
{
	(void)state;
	rect_t out[7];
	grid_info_t gi;
	layout_grid(NULL, 7, (rect_t){ 0, 1, 80, 21 }, out, &gi);
	assert_int_equal(gi.cols, 3);
	assert_int_equal(gi.rows, 3);
	assert_int_equal(gi.content_h, 21);
	expect_rect(&out[0], 0, 1, 27, 7);
	expect_rect(&out[1], 27, 1, 27, 7);
	expect_rect(&out[2], 54, 1, 26, 7);
	expect_rect(&out[3], 0, 8, 27, 7);
	expect_rect(&out[5], 54, 8, 26, 7);
	expect_rect(&out[6], 0, 15, 80, 7); /* a short row stretches */

	/* 80x24 proper: heights 8 */
	layout_grid(NULL, 7, (rect_t){ 0, 0, 80, 24 }, out, &gi);
	assert_int_equal(gi.rows, 3);
	assert_int_equal(gi.content_h, 24);
	expect_rect(&out[4], 27, 8, 27, 8);
	expect_rect(&out[6], 0, 16, 80, 8);
}

/* The ICN Overview's nine panels at 80x24 (21 rows under the header and bars):
 * a full 3x3 grid, nothing to scroll, every panel wide and tall enough. */
static void test_80x21_nine(void **state)
{
	(void)state;
	rect_t out[9];
	grid_info_t gi;
	layout_grid(NULL, 9, (rect_t){ 0, 2, 80, 21 }, out, &gi);
	assert_int_equal(gi.cols, 3);
	assert_int_equal(gi.rows, 3);
	assert_int_equal(gi.content_h, 21);
	for (int i = 0; i < 9; i++) {
		assert_true(out[i].w >= LAYOUT_MIN_W && out[i].h >= LAYOUT_MIN_H);
		assert_int_equal(out[i].h, 7);
	}
	expect_rect(&out[8], 54, 16, 26, 7);
}

static void test_large_screens(void **state)
{
	(void)state;
	rect_t out[9];
	grid_info_t gi;
	layout_grid(NULL, 7, (rect_t){ 0, 0, 160, 45 }, out, &gi);
	assert_int_equal(gi.cols, 4);
	assert_int_equal(gi.rows, 2);
	assert_int_equal(gi.content_h, 45);
	expect_rect(&out[0], 0, 0, 40, 23);
	expect_rect(&out[3], 120, 0, 40, 23);
	expect_rect(&out[4], 0, 23, 54, 22);
	expect_rect(&out[5], 54, 23, 53, 22);
	expect_rect(&out[6], 107, 23, 53, 22);

	layout_grid(NULL, 9, (rect_t){ 0, 0, 250, 67 }, out, &gi);
	assert_int_equal(gi.cols, 4);
	assert_int_equal(gi.rows, 3);
	assert_int_equal(gi.content_h, 67);
	expect_rect(&out[0], 0, 0, 63, 23);
	expect_rect(&out[1], 63, 0, 63, 23);
	expect_rect(&out[2], 126, 0, 62, 23);
	expect_rect(&out[3], 188, 0, 62, 23);
	expect_rect(&out[4], 0, 23, 63, 22);
	expect_rect(&out[8], 0, 45, 250, 22);
}

static void test_small_screens_scroll(void **state)
{
	(void)state;
	rect_t out[7];
	grid_info_t gi;
	layout_grid(NULL, 7, (rect_t){ 0, 0, 60, 17 }, out, &gi);
	assert_int_equal(gi.cols, 2);
	assert_int_equal(gi.rows, 4);
	assert_int_equal(gi.content_h, 24);
	assert_true(gi.content_h > 17);
	expect_rect(&out[0], 0, 0, 30, 6);
	expect_rect(&out[1], 30, 0, 30, 6);
	expect_rect(&out[5], 30, 12, 30, 6);
	expect_rect(&out[6], 0, 18, 60, 6);

	layout_grid(NULL, 3, (rect_t){ 2, 1, 24, 10 }, out, &gi);
	assert_int_equal(gi.cols, 1);
	assert_int_equal(gi.rows, 3);
	assert_int_equal(gi.content_h, 18);
	expect_rect(&out[0], 2, 1, 24, 6);
	expect_rect(&out[1], 2, 7, 24, 6);
	expect_rect(&out[2], 2, 13, 24, 6);

	/* narrower than one panel: still one column, never zero width */
	layout_grid(NULL, 2, (rect_t){ 0, 0, 10, 30 }, out, &gi);
	assert_int_equal(gi.cols, 1);
	expect_rect(&out[0], 0, 0, 10, 15);
	expect_rect(&out[1], 0, 15, 10, 15);
}

static void test_weights(void **state)
{
	(void)state;
	rect_t out[5];
	grid_info_t gi;
	const int w1[] = { 2, 1, 1, 2, 1 };
	layout_grid(w1, 5, (rect_t){ 0, 0, 160, 45 }, out, &gi);
	assert_int_equal(gi.cols, 4);
	assert_int_equal(gi.rows, 2);
	expect_rect(&out[0], 0, 0, 80, 23);
	expect_rect(&out[1], 80, 0, 40, 23);
	expect_rect(&out[2], 120, 0, 40, 23);
	expect_rect(&out[3], 0, 23, 107, 22); /* 3 units over 160: 54+53 */
	expect_rect(&out[4], 107, 23, 53, 22);

	/* a double panel that does not fit what is left starts a new row */
	const int w2[] = { 1, 1, 1, 2 };
	layout_grid(w2, 4, (rect_t){ 0, 0, 80, 24 }, out, &gi);
	assert_int_equal(gi.cols, 3);
	assert_int_equal(gi.rows, 2);
	expect_rect(&out[2], 54, 0, 26, 12);
	expect_rect(&out[3], 0, 12, 80, 12);

	/* one column: a weight of 2 is one column */
	const int w3[] = { 2, 2 };
	layout_grid(w3, 2, (rect_t){ 0, 0, 30, 20 }, out, &gi);
	assert_int_equal(gi.cols, 1);
	assert_int_equal(gi.rows, 2);
	expect_rect(&out[0], 0, 0, 30, 10);
	expect_rect(&out[1], 0, 10, 30, 10);

	/* odd weights are clamped into 1..cols */
	const int w4[] = { 0, -3, 9 };
	layout_grid(w4, 3, (rect_t){ 0, 0, 100, 20 }, out, &gi);
	assert_int_equal(gi.cols, 3);
	assert_int_equal(gi.rows, 2);
	expect_rect(&out[0], 0, 0, 50, 10);
	expect_rect(&out[1], 50, 0, 50, 10);
	expect_rect(&out[2], 0, 10, 100, 10);
}

static void test_zero_and_one(void **state)
{
	(void)state;
	rect_t out[1] = { { -7, -7, -7, -7 } };
	grid_info_t gi = { -1, -1, -1 };
	layout_grid(NULL, 0, (rect_t){ 0, 0, 80, 24 }, NULL, &gi);
	assert_int_equal(gi.rows, 0);
	assert_int_equal(gi.content_h, 0);
	assert_int_equal(gi.cols, 1);
	layout_grid(NULL, 0, (rect_t){ 0, 0, 80, 24 }, out, NULL);
	expect_rect(&out[0], -7, -7, -7, -7);

	layout_grid(NULL, 1, (rect_t){ 5, 3, 200, 50 }, out, &gi);
	assert_int_equal(gi.cols, 1);
	assert_int_equal(gi.rows, 1);
	assert_int_equal(gi.content_h, 50);
	expect_rect(&out[0], 5, 3, 200, 50);
	layout_grid(NULL, 1, (rect_t){ 0, 0, 30, 4 }, out, &gi);
	expect_rect(&out[0], 0, 0, 30, 6);
	assert_int_equal(gi.content_h, 6);
}

static int overlaps(const rect_t *a, const rect_t *b)
{
	return a->x < b->x + b->w && b->x < a->x + a->w && a->y < b->y + b->h &&
	       b->y < a->y + a->h;
}

static void check_layout(const int *weights, size_t n, rect_t area)
{
	rect_t out[9];
	grid_info_t gi;
	int want_cols = LAYOUT_MAX_COLS;
	if ((size_t)want_cols > n)
		want_cols = (int)n;
	if (area.w / LAYOUT_MIN_W < want_cols)
		want_cols = area.w / LAYOUT_MIN_W;
	if (want_cols < 1)
		want_cols = 1;
	layout_grid(weights, n, area, out, &gi);
	if (gi.cols != want_cols)
		fail_msg("%dx%d n=%zu: cols %d, want %d", area.w, area.h, n, gi.cols, want_cols);
	int bottom = area.y, rows = 0, last_y = -1;
	for (size_t i = 0; i < n; i++) {
		const rect_t *r = &out[i];
		if (r->w <= 0 || r->h <= 0 || r->x < area.x || r->x + r->w > area.x + area.w ||
		    r->y < area.y)
			fail_msg("%dx%d n=%zu: panel %zu at %d,%d %dx%d", area.w, area.h, n, i, r->x,
				 r->y, r->w, r->h);
		if (r->h < LAYOUT_MIN_H && area.h >= LAYOUT_MIN_H)
			fail_msg("%dx%d n=%zu: panel %zu only %d rows", area.w, area.h, n, i, r->h);
		for (size_t j = 0; j < i; j++)
			if (overlaps(r, &out[j]))
				fail_msg("%dx%d n=%zu: panels %zu and %zu overlap", area.w, area.h, n,
					 j, i);
		if (r->y + r->h > bottom)
			bottom = r->y + r->h;
		if (r->y != last_y) {
			/* a new row: starts at the left edge, below the previous one */
			if (r->x != area.x || r->y < last_y)
				fail_msg("%dx%d n=%zu: panel %zu starts a row at %d,%d", area.w,
					 area.h, n, i, r->x, r->y);
			rows++;
			last_y = r->y;
		}
		/* the row's widths add up to the area: the last panel of a row ends at the edge */
		int row_end = i + 1 == n || out[i + 1].y != r->y;
		if (row_end && r->x + r->w != area.x + area.w)
			fail_msg("%dx%d n=%zu: row of panel %zu ends at %d", area.w, area.h, n, i,
				 r->x + r->w);
		if (!row_end && out[i + 1].x != r->x + r->w)
			fail_msg("%dx%d n=%zu: gap after panel %zu", area.w, area.h, n, i);
	}
	if (gi.rows != rows)
		fail_msg("%dx%d n=%zu: rows %d, counted %d", area.w, area.h, n, gi.rows, rows);
	if (gi.content_h != bottom - area.y)
		fail_msg("%dx%d n=%zu: content_h %d, panels end at %d", area.w, area.h, n,
			 gi.content_h, bottom - area.y);
	if (gi.content_h < area.h || (gi.content_h > area.h && gi.content_h != rows * LAYOUT_MIN_H))
		fail_msg("%dx%d n=%zu: content_h %d", area.w, area.h, n, gi.content_h);
}

static void test_properties(void **state)
{
	(void)state;
	static const int mixed[9] = { 1, 2, 1, 1, 2, 2, 1, 2, 1 };
	for (int w = 20; w <= 260; w++)
		for (int h = 5; h <= 80; h++)
			for (size_t n = 1; n <= 9; n++) {
				rect_t area = { w % 3, h % 2, w, h };
				check_layout(NULL, n, area);
				check_layout(mixed, n, area);
			}
}

static void test_neighbour(void **state)
{
	(void)state;
	rect_t r[7];
	layout_grid(NULL, 7, (rect_t){ 0, 1, 80, 21 }, r, NULL);
	/* 0 1 2 / 3 4 5 / 6 */
	assert_int_equal(layout_neighbour(r, 7, 0, 1, 0), 1);
	assert_int_equal(layout_neighbour(r, 7, 1, 1, 0), 2);
	assert_int_equal(layout_neighbour(r, 7, 2, 1, 0), 2); /* no wrap */
	assert_int_equal(layout_neighbour(r, 7, 0, -1, 0), 0);
	assert_int_equal(layout_neighbour(r, 7, 5, -1, 0), 4);
	assert_int_equal(layout_neighbour(r, 7, 1, 0, 1), 4);
	assert_int_equal(layout_neighbour(r, 7, 2, 0, 1), 5);
	assert_int_equal(layout_neighbour(r, 7, 4, 0, 1), 6);
	assert_int_equal(layout_neighbour(r, 7, 5, 0, 1), 6);
	assert_int_equal(layout_neighbour(r, 7, 6, 0, 1), 6);
	assert_int_equal(layout_neighbour(r, 7, 6, 0, -1), 4); /* the one above its middle */
	assert_int_equal(layout_neighbour(r, 7, 3, 0, -1), 0);
	assert_int_equal(layout_neighbour(r, 7, 0, 0, -1), 0);
	assert_int_equal(layout_neighbour(r, 7, 6, 1, 0), 6);
	assert_int_equal(layout_neighbour(r, 7, 3, 0, 0), 3);
	assert_int_equal(layout_neighbour(r, 7, 9, 1, 0), 9);
	assert_int_equal(layout_neighbour(r, 7, 0, 1, 1), 4);

	const int w[] = { 2, 1, 1, 2, 1 };
	layout_grid(w, 5, (rect_t){ 0, 0, 160, 45 }, r, NULL);
	/* [0 0 1 2] / [3 3 4] */
	assert_int_equal(layout_neighbour(r, 5, 2, 0, 1), 4);
	assert_int_equal(layout_neighbour(r, 5, 3, 0, -1), 0);
	assert_int_equal(layout_neighbour(r, 5, 4, 0, -1), 2);
	assert_int_equal(layout_neighbour(r, 5, 3, 1, 0), 4);
	assert_int_equal(layout_neighbour(r, 5, 4, -1, 0), 3);
	assert_int_equal(layout_neighbour(r, 5, 0, 0, 1), 3);

	/* a scrolling one-column layout */
	layout_grid(NULL, 4, (rect_t){ 0, 0, 30, 10 }, r, NULL);
	assert_int_equal(layout_neighbour(r, 4, 0, 0, 1), 1);
	assert_int_equal(layout_neighbour(r, 4, 2, 0, 1), 3);
	assert_int_equal(layout_neighbour(r, 4, 3, 0, -1), 2);
	assert_int_equal(layout_neighbour(r, 4, 1, 1, 0), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_80x21_seven),
		cmocka_unit_test(test_80x21_nine),
		cmocka_unit_test(test_large_screens),
		cmocka_unit_test(test_small_screens_scroll),
		cmocka_unit_test(test_weights),
		cmocka_unit_test(test_zero_and_one),
		cmocka_unit_test(test_properties),
		cmocka_unit_test(test_neighbour),
	};
	return cmocka_run_group_tests_name("layout", tests, NULL, NULL);
}
