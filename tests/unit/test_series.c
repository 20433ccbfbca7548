/* Unit tests of the series model: sorted labels, formatting, samples, ranges. */
#include "config.h"
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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
#include "model/series.h"

static void test_labels_sorted(void **state)
{
	(void)state;
	labels_t l = { 0 };
	labels_add(&l, "node", "d1");
	labels_add(&l, "__name__", "up");
	labels_add(&l, "job", "icn");
	labels_add(&l, "region", "eu-west");
	labels_add(&l, "instance", "10.0.0.1:9100");
	assert_int_equal(l.n, 5);
	for (size_t i = 1; i < l.n; i++)
		assert_true(strcmp(l.v[i - 1].name, l.v[i].name) < 0);
	assert_string_equal(l.v[0].name, "__name__");
	assert_string_equal(l.v[4].name, "region");
	assert_string_equal(labels_get(&l, "job"), "icn");
	assert_string_equal(labels_get(&l, "region"), "eu-west");
	assert_string_equal(labels_get(&l, "__name__"), "up");
	assert_null(labels_get(&l, "missing"));
	assert_null(labels_get(&l, "jo"));
	/* the same name again replaces the value, never duplicates */
	labels_add(&l, "job", "other");
	assert_int_equal(l.n, 5);
	assert_string_equal(labels_get(&l, "job"), "other");
	labels_free(&l);
	assert_int_equal(l.n, 0);
	assert_null(l.v);
	assert_null(labels_get(&l, "job"));
}

static void test_labels_format(void **state)
{
	(void)state;
	labels_t l = { 0 };
	char *s = labels_format(&l);
	assert_string_equal(s, "{}");
	free(s);
	labels_add(&l, "__name__", "up");
	s = labels_format(&l);
	assert_string_equal(s, "{}");
	free(s);
	labels_add(&l, "node", "d1");
	labels_add(&l, "job", "x");
	s = labels_format(&l);
	assert_string_equal(s, "{job=\"x\", node=\"d1\"}");
	free(s);
	labels_add(&l, "msg", "a \"q\" \\ b\nc");
	s = labels_format(&l);
	assert_string_equal(s, "{job=\"x\", msg=\"a \\\"q\\\" \\\\ b\\nc\", node=\"d1\"}");
	free(s);
	labels_free(&l);
}

static void test_series_push_last(void **state)
{
	(void)state;
	series_set_t set = { 0 };
	series_t *s = series_set_add(&set);
	assert_int_equal(set.n, 1);
	assert_int_equal(s->n, 0);
	assert_true(isnan(series_last(s)));
	for (int i = 0; i < 10000; i++)
		series_push(s, 1000.0 + i, i * 0.5);
	assert_int_equal(s->n, 10000);
	assert_true(s->cap >= s->n);
	assert_near(s->samples[0].t, 1000.0, 0);
	assert_near(s->samples[9999].t, 10999.0, 0);
	assert_near(series_last(s), 4999.5, 0);
	series_push(s, 11000, NAN);
	assert_true(isnan(series_last(s)));
	/* growing the set keeps earlier series intact */
	for (int i = 0; i < 50; i++) {
		series_t *t = series_set_add(&set);
		labels_add(&t->labels, "i", "v");
		series_push(t, i, i);
	}
	assert_int_equal(set.n, 51);
	assert_int_equal(set.v[0].n, 10001);
	assert_near(series_last(&set.v[50]), 49, 0);
	series_set_free(&set);
	assert_int_equal(set.n, 0);
	assert_null(set.v);
	series_set_free(&set); /* twice is harmless */
}

static void test_series_range(void **state)
{
	(void)state;
	series_set_t set = { 0 };
	double lo = 42, hi = 42;
	assert_int_equal(series_set_range(&set, &lo, &hi), 0);
	series_t *a = series_set_add(&set);
	series_push(a, 1, NAN);
	series_push(a, 2, INFINITY);
	assert_int_equal(series_set_range(&set, &lo, &hi), 0);
	assert_near(lo, 0, 0);
	assert_near(hi, 0, 0);
	series_push(a, 3, 5);
	series_push(a, 4, -INFINITY);
	series_t *b = series_set_add(&set);
	series_push(b, 1, -2.5);
	series_push(b, 2, 1e9);
	series_push(b, 3, NAN);
	assert_int_equal(series_set_range(&set, &lo, &hi), 1);
	assert_near(lo, -2.5, 0);
	assert_near(hi, 1e9, 0);
	series_set_free(&set);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labels_sorted),
		cmocka_unit_test(test_labels_format),
		cmocka_unit_test(test_series_push_last),
		cmocka_unit_test(test_series_range),
	};
	return cmocka_run_group_tests_name("series", tests, NULL, NULL);
}
