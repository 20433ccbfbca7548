/* Unit tests of the waterfall's layout: the geometry, the time axis's ticks,
 * a span's label (indentation, folds, the depth past the cap), and span
 * lengths as the waterfall writes them. */
#include "config.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/units.h"
#include "ui/waterfall.h"

static void test_geometry(void **state)
{
	(void)state;
	wf_geom_t g;
	wf_geometry(80, &g);
	assert_int_equal(g.label_w, 36);
	assert_int_equal(g.bar_x, 37);
	assert_int_equal(g.bar_w, 42);
	wf_geometry(160, &g);
	assert_int_equal(g.label_w, 60); /* capped */
	assert_int_equal(g.bar_w, 160 - 61 - 1);
	wf_geometry(40, &g);
	assert_int_equal(g.label_w, 24);
	assert_int_equal(g.bar_w, 40 - 25 - 1);
	wf_geometry(20, &g); /* narrower than the labels' minimum: the axis keeps 1 column at least */
	assert_true(g.bar_w >= 1);
	assert_true(g.label_w + 1 + g.bar_w <= 20);
}

static void test_tick_step(void **state)
{
	(void)state;
	assert_int_equal(wf_tick_step(1000, 5), 500); /* 1000/200 = 5: not < 5 */
	assert_int_equal(wf_tick_step(1000, 11), 100);
	assert_int_equal(wf_tick_step(4210000, 5), 1000000);
	assert_int_equal(wf_tick_step(4210000, 10), 500000);
	assert_int_equal(wf_tick_step(7, 10), 1);
	assert_int_equal(wf_tick_step(0, 3), 1);
	/* huge spans do not overflow */
	assert_true(wf_tick_step(INT64_MAX / 2, 4) > 0);
}

static void test_axis(void **state)
{
	(void)state;
	char b[128];
	/* 0..4.21 s over 46 columns, 4 ticks at most: 0, 2s, 4s, each at its column */
	wf_axis(0, 4210000, 46, b, sizeof b);
	assert_int_equal(strlen(b), 46);
	int c2 = (int)(2000000.0 / 4210000 * 45 + 0.5);
	char want[64];
	memset(want, ' ', 46);
	want[46] = 0;
	want[0] = '0';
	memcpy(want + c2, "2s", 2);
	int c4 = (int)(4000000.0 / 4210000 * 45 + 0.5);
	assert_int_equal(c4, 43);
	memcpy(want + c4, "4s", 2);
	assert_string_equal(b, want);
	/* a zoomed window starts past 0: the first tick is the first round moment in it */
	wf_axis(1500, 2500, 40, b, sizeof b);
	assert_memory_equal(b, "1.5ms", 5);
	assert_memory_equal(b + 20, "2ms", 3);
	assert_memory_equal(b + 35, "2.5ms", 5); /* the last ends at the edge */
	/* the last label that would run off the edge ends at it */
	wf_axis(0, 1000, 20, b, sizeof b);
	assert_int_equal(strlen(b), 20);
	assert_memory_equal(b + 17, "1ms", 3);
	/* empty and degenerate windows: blanks */
	wf_axis(5, 5, 10, b, sizeof b);
	assert_string_equal(b, "          ");
	wf_axis(0, 100, 2, b, sizeof b);
	assert_string_equal(b, "  ");
	/* the buffer bounds the width */
	char small[8];
	wf_axis(0, 1000000, 80, small, sizeof small);
	assert_int_equal(strlen(small), 7);
}

static void test_span_format(void **state)
{
	(void)state;
	char b[24];
	assert_string_equal(span_format_us(0, b, sizeof b), "0us");
	assert_string_equal(span_format_us(850, b, sizeof b), "850us");
	assert_string_equal(span_format_us(1234, b, sizeof b), "1.23ms");
	assert_string_equal(span_format_us(12345, b, sizeof b), "12.3ms");
	assert_string_equal(span_format_us(123456, b, sizeof b), "123ms");
	assert_string_equal(span_format_us(4210000, b, sizeof b), "4.21s");
	assert_string_equal(span_format_us(42100000, b, sizeof b), "42.1s");
	assert_string_equal(span_format_us(125000000, b, sizeof b), "2m05s");
	assert_string_equal(span_format_us(3LL * 3600 * 1000000 + 600000000, b, sizeof b), "3h10m");
	assert_string_equal(span_format_us(-1500, b, sizeof b), "-1.50ms");
}

/* root -> a -> a1, root -> b; a chain of 300 under b */
static trace_t *build(void)
{
	trace_t *t = trace_new("00000000000000000000000000000abc");
	uint32_t p = trace_add_proc(t, "svc", NULL, 0);
	static char ids[304][17];
	static trace_ref_t refs[304];
	for (int i = 0; i < 304; i++)
		snprintf(ids[i], 17, "%016x", i + 1);
	for (int i = 0; i < 304; i++) {
		trace_span_t *s = trace_add_span(t);
		s->span_id = ids[i];
		s->operation = "op";
		s->proc = p;
		s->start_us = 1000 + i;
		s->duration_us = 1000 - i;
		int parent = i == 0 ? -1 : i == 1 ? 0 : i == 2 ? 1 : i == 3 ? 0 : i - 1;
		if (parent >= 0) {
			refs[i] = (trace_ref_t){ TRACE_CHILD_OF, "00000000000000000000000000000abc", ids[parent] };
			s->refs = &refs[i];
			s->n_refs = 1;
		}
	}
	trace_build(t);
	return t;
}

static void test_label(void **state)
{
	(void)state;
	trace_t *t = build();
	assert_int_equal(t->n_spans, 304);
	uint8_t *fold = calloc(t->n_spans, 1);
	wf_label_t l;
	/* the root: no indent, open */
	wf_label(t, 0, fold, 30, &l);
	assert_int_equal(l.indent_w, 0);
	assert_int_equal(l.twisty, 1);
	assert_int_equal(l.hidden, 0);
	assert_int_equal(l.dot_at, -1);
	/* a: depth 1, two columns; folded it hides its one child */
	int32_t a = trace_find_span(t, "0000000000000002");
	assert_int_equal(t->spans[a].depth, 1);
	fold[a] = 1;
	wf_label(t, (uint32_t)a, fold, 30, &l);
	assert_int_equal(l.indent_w, 2);
	assert_string_equal(l.indent, "  ");
	assert_int_equal(l.twisty, -1);
	assert_int_equal(l.hidden, 1);
	/* a leaf */
	int32_t a1 = trace_find_span(t, "0000000000000003");
	wf_label(t, (uint32_t)a1, fold, 30, &l);
	assert_int_equal(l.twisty, 0);
	/* deep in the chain: the indent stops at a third of the width and says the depth */
	int32_t deep = trace_find_span(t, "0000000000000130"); /* span 304 */
	assert_true(t->spans[deep].depth > 100);
	wf_label(t, (uint32_t)deep, fold, 30, &l);
	assert_true(l.indent_w <= 10);
	assert_true(l.dot_at >= 0);
	char want[16];
	snprintf(want, sizeof want, "%u ", t->spans[deep].depth);
	assert_non_null(strstr(l.indent, want));
	free(fold);
	trace_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_geometry),
		cmocka_unit_test(test_tick_step),
		cmocka_unit_test(test_axis),
		cmocka_unit_test(test_span_format),
		cmocka_unit_test(test_label),
	};
	return cmocka_run_group_tests_name("waterfall", tests, NULL, NULL);
}
