/* Unit tests of the Logs view's local filters: include/exclude regexes, bad ones reported, stepping through the ring. */
#include "config.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "core/xalloc.h"
#include "fixture.h"
#include "model/logfilter.h"

static void add(logring_t *r, labels_t *l, const char *s)
{
	logring_append(r, (int64_t)logring_next(r) + 1, l, s, strlen(s));
}

/* 0 gap-free: a b(error) c; gap; d(error) e */
static logring_t *ring(labels_t *l)
{
	logring_t *r = logring_new(0, 0);
	add(r, l, "level=info alpha one");
	add(r, l, "level=error beta two");
	add(r, l, "level=info gamma three");
	logring_append_gap(r, 9, 5);
	add(r, l, "level=error delta four <16 & x");
	add(r, l, "level=debug epsilon five");
	return r;
}

static void test_set_and_bad(void **st)
{
	(void)st;
	logfilter_re_t re = { 0 };
	char *err = NULL;
	assert_int_equal(logfilter_re_set(&re, "al(pha|x)", &err), 0);
	assert_null(err);
	assert_true(logfilter_re_match(&re, "an alpha"));
	assert_false(logfilter_re_match(&re, "beta"));
	/* a bad one is reported and the old one stays */
	assert_int_equal(logfilter_re_set(&re, "(x", &err), -1);
	assert_non_null(err);
	assert_non_null(strstr(err, "bad regex \"(x\""));
	free(err);
	assert_string_equal(re.text, "al(pha|x)");
	/* "" clears: a cleared regex matches nothing as a search */
	assert_int_equal(logfilter_re_set(&re, "", &err), 0);
	assert_false(re.set);
	assert_false(logfilter_re_match(&re, "alpha"));
	logfilter_re_free(&re);
}

static void test_pass(void **st)
{
	(void)st;
	labels_t l = { 0 };
	labels_add(&l, "app", "a");
	logring_t *r = ring(&l);
	logfilter_t f = { 0 };
	uint64_t s;
	/* no filter: the newest */
	assert_int_equal(logfilter_last(r, &f, &s), 0);
	assert_int_equal(s, 5);
	/* include */
	assert_int_equal(logfilter_re_set(&f.inc, "error", NULL), 0);
	assert_int_equal(logfilter_last(r, &f, &s), 0);
	assert_int_equal(s, 4);
	assert_int_equal(logfilter_step(r, &f, 4, -1, NULL, LOGLEVEL_UNKNOWN, &s), 0);
	assert_int_equal(s, 3); /* the gap always shows */
	assert_int_equal(logfilter_step(r, &f, 3, -1, NULL, LOGLEVEL_UNKNOWN, &s), 0);
	assert_int_equal(s, 1);
	assert_int_equal(logfilter_step(r, &f, 1, -1, NULL, LOGLEVEL_UNKNOWN, &s), -1);
	/* exclude on top */
	assert_int_equal(logfilter_re_set(&f.exc, "[<]16 &", NULL), 0);
	assert_int_equal(logfilter_last(r, &f, &s), 0);
	assert_int_equal(s, 3);
	logfilter_free(&f);
	logring_free(r);
	labels_free(&l);
}

static void test_search_and_errors(void **st)
{
	(void)st;
	labels_t l = { 0 };
	labels_add(&l, "app", "a");
	logring_t *r = ring(&l);
	logfilter_t f = { 0 };
	logfilter_re_t want = { 0 };
	uint64_t s;
	assert_int_equal(logfilter_re_set(&want, "three|five", NULL), 0);
	assert_int_equal(logfilter_step(r, &f, 0, 1, &want, LOGLEVEL_UNKNOWN, &s), 0);
	assert_int_equal(s, 2);
	assert_int_equal(logfilter_step(r, &f, 2, 1, &want, LOGLEVEL_UNKNOWN, &s), 0);
	assert_int_equal(s, 5);
	assert_int_equal(logfilter_step(r, &f, 5, 1, &want, LOGLEVEL_UNKNOWN, &s), -1);
	assert_int_equal(logfilter_step(r, &f, 5, -1, &want, LOGLEVEL_UNKNOWN, &s), 0);
	assert_int_equal(s, 2);
	/* errors, both ways; gaps are not errors */
	assert_int_equal(logfilter_step(r, &f, 1, 1, NULL, LOGLEVEL_ERROR, &s), 0);
	assert_int_equal(s, 4);
	assert_int_equal(logfilter_step(r, &f, 4, -1, NULL, LOGLEVEL_ERROR, &s), 0);
	assert_int_equal(s, 1);
	/* from past either end */
	assert_int_equal(logfilter_step(r, &f, 1000, -1, NULL, LOGLEVEL_UNKNOWN, &s), 0);
	assert_int_equal(s, 5);
	logring_t *e = logring_new(0, 0);
	assert_int_equal(logfilter_last(e, &f, &s), -1);
	logring_free(e);
	logfilter_re_free(&want);
	logring_free(r);
	labels_free(&l);
}

/* with the memo: the same answers, and a changed filter is not answered from it */
static void test_memo(void **st)
{
	(void)st;
	labels_t l = { 0 };
	labels_add(&l, "app", "a");
	logring_t *r = ring(&l);
	logfilter_t f = { 0 };
	logfilter_memo(&f, 4); /* fewer slots than entries: slots are shared */
	uint64_t s;
	assert_int_equal(logfilter_re_set(&f.inc, "error", NULL), 0);
	logfilter_changed(&f);
	for (int k = 0; k < 2; k++) {
		assert_int_equal(logfilter_last(r, &f, &s), 0);
		assert_int_equal(s, 4);
		assert_int_equal(logfilter_step(r, &f, 3, -1, NULL, LOGLEVEL_UNKNOWN, &s), 0);
		assert_int_equal(s, 1);
	}
	assert_int_equal(logfilter_re_set(&f.inc, "gamma|epsilon", NULL), 0);
	logfilter_changed(&f);
	assert_int_equal(logfilter_last(r, &f, &s), 0);
	assert_int_equal(s, 5);
	assert_int_equal(logfilter_step(r, &f, 5, -1, NULL, LOGLEVEL_UNKNOWN, &s), 0);
	assert_int_equal(s, 3);
	assert_int_equal(logfilter_step(r, &f, 3, -1, NULL, LOGLEVEL_UNKNOWN, &s), 0);
	assert_int_equal(s, 2);
	logfilter_free(&f);
	logring_free(r);
	labels_free(&l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_set_and_bad),
		cmocka_unit_test(test_pass),
		cmocka_unit_test(test_search_and_errors),
		cmocka_unit_test(test_memo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
