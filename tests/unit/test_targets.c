/* Unit tests of the Targets view's pure parts: order, filter, down count, column widths, cuts. */
#include "config.h"
#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "backend/prom.h"
#include "model/targetlist.h"
#include "ui/canvas.h"
#include "ui/table.h"

static const char body[] =
	"{\"status\":\"success\",\"data\":{\"activeTargets\":["
	"{\"labels\":{\"job\":\"icn\",\"instance\":\"b:1\",\"region\":\"eu-west\"},\"health\":\"up\","
	"\"scrapeUrl\":\"http://b:1/metrics\",\"lastError\":\"\"},"
	"{\"labels\":{\"job\":\"node\",\"instance\":\"a:9100\"},\"health\":\"down\","
	"\"scrapeUrl\":\"http://a:9100/metrics\",\"lastError\":\"context deadline exceeded\"},"
	"{\"labels\":{\"job\":\"icn\",\"instance\":\"a:1\"},\"health\":\"up\","
	"\"scrapeUrl\":\"http://a:1/metrics\",\"lastError\":\"\"},"
	"{\"labels\":{\"job\":\"blackbox\",\"instance\":\"z\"},\"health\":\"unknown\"},"
	"{\"labels\":{\"job\":\"alpha\",\"instance\":\"q:1\"},\"health\":\"down\","
	"\"lastError\":\"Get \\\"http://q:1/metrics\\\": dial tcp: connection refused\"}"
	"]}}";

static void load(prom_targets_t *t)
{
	char *err = NULL;
	assert_int_equal(prom_parse_targets(body, strlen(body), 200, t, &err), 0);
	assert_null(err);
}

/* Down first (by job, instance), then unknown, then up (by job, instance). */
static void test_sort(void **state)
{
	(void)state;
	prom_targets_t t;
	load(&t);
	prom_targets_sort(&t);
	const char *want[][2] = { { "alpha", "q:1" }, { "node", "a:9100" }, { "blackbox", "z" },
				  { "icn", "a:1" }, { "icn", "b:1" } };
	assert_int_equal(t.n, 5);
	for (size_t i = 0; i < t.n; i++) {
		assert_string_equal(t.v[i].job, want[i][0]);
		assert_string_equal(t.v[i].instance, want[i][1]);
	}
	assert_int_equal(targetlist_down(&t), 2);
	prom_targets_free(&t);
	assert_int_equal(targetlist_down(&t), 0);
}

static size_t count(const prom_targets_t *t, const char *filter)
{
	size_t n = 0;
	for (size_t i = 0; i < t->n; i++)
		n += targetlist_match(&t->v[i], filter);
	return n;
}

static void test_filter(void **state)
{
	(void)state;
	prom_targets_t t;
	load(&t);
	assert_int_equal(count(&t, NULL), 5);
	assert_int_equal(count(&t, ""), 5);
	assert_int_equal(count(&t, "   "), 5);
	assert_int_equal(count(&t, "icn"), 2);            /* a job */
	assert_int_equal(count(&t, "ICN"), 2);            /* any case */
	assert_int_equal(count(&t, "job=icn"), 2);        /* label=value */
	assert_int_equal(count(&t, "region=eu"), 1);      /* any label */
	assert_int_equal(count(&t, "a:9100"), 1);         /* an instance */
	assert_int_equal(count(&t, "down"), 2);           /* the health */
	assert_int_equal(count(&t, "deadline"), 1);       /* the last error */
	assert_int_equal(count(&t, "\"connection refused\""), 1); /* a phrase */
	assert_int_equal(count(&t, "connection refused"), 1);     /* two words, both */
	assert_int_equal(count(&t, "b:1/metrics"), 1);    /* the scrape URL */
	assert_int_equal(count(&t, "icn down"), 0);       /* every word must match */
	assert_int_equal(count(&t, "nothing-like-it"), 0);
	prom_targets_free(&t);
}

static void test_fit_all(void **state)
{
	(void)state;
	table_col_t c[3] = { { 0, 4, 0 }, { 0, 6, 1 }, { 0, 6, 2 } };
	table_want(&c[0], "down");
	table_want(&c[1], "a-rather-long-job-name");   /* 22 */
	table_want(&c[1], "icn");
	table_want(&c[2], "127.0.0.1:9100");           /* 14 */
	int w[3];
	/* everything fits: each column as wide as its widest cell */
	assert_int_equal(table_fit(c, 3, 80, 1, w), 4 + 22 + 14 + 2);
	assert_int_equal(w[0], 4);
	assert_int_equal(w[1], 22);
	assert_int_equal(w[2], 14);
	/* exactly */
	assert_int_equal(table_fit(c, 3, 42, 1, w), 42);
	assert_int_equal(w[1], 22);
}

static void test_fit_cut(void **state)
{
	(void)state;
	/* health fixed, job and instance cut second, error cut first */
	table_col_t c[4] = { { 7, 7, 0 }, { 30, 8, 2 }, { 20, 8, 2 }, { 200, 10, 1 } };
	int w[4];
	/* the error goes down to its minimum before job or instance lose anything */
	assert_int_equal(table_fit(c, 4, 7 + 30 + 20 + 40 + 3, 1, w), 100);
	assert_int_equal(w[0], 7);
	assert_int_equal(w[1], 30);
	assert_int_equal(w[2], 20);
	assert_int_equal(w[3], 40);
	/* then the widest of job and instance first: job 30 -> 20 before instance moves */
	assert_int_equal(table_fit(c, 4, 7 + 22 + 20 + 10 + 3, 1, w), 62);
	assert_int_equal(w[1], 22);
	assert_int_equal(w[2], 20);
	assert_int_equal(w[3], 10);
	/* ...then both, equal (within one) */
	assert_int_equal(table_fit(c, 4, 7 + 31 + 10 + 3, 1, w), 51);
	assert_int_equal(w[0], 7);
	assert_true(w[1] + w[2] == 31 && abs(w[1] - w[2]) <= 1);
	/* never under the minimums: the screen clips what does not fit */
	assert_int_equal(table_fit(c, 4, 20, 1, w), 7 + 8 + 8 + 10 + 3);
	assert_int_equal(w[1], 8);
	assert_int_equal(w[2], 8);
	/* a minimum above the content: the heading's width */
	table_col_t h = { 2, 6, 1 };
	assert_int_equal(table_fit(&h, 1, 80, 1, w), 6);
	assert_int_equal(table_fit(NULL, 0, 80, 1, w), 0);
}

static void test_cut(void **state)
{
	(void)state;
	char *s;
	s = table_cut("short", 10, "\xe2\x80\xa6");
	assert_string_equal(s, "short");
	free(s);
	s = table_cut("exactly10!", 10, "\xe2\x80\xa6");
	assert_string_equal(s, "exactly10!");
	free(s);
	s = table_cut("a-rather-long-job-name", 10, "\xe2\x80\xa6");
	assert_string_equal(s, "a-rather-\xe2\x80\xa6"); /* 9 + the ellipsis */
	assert_int_equal(utf8_width(s), 10);
	free(s);
	s = table_cut("a-rather-long-job-name", 10, "~");
	assert_string_equal(s, "a-rather-~");
	free(s);
	/* wide characters are never split, and the result never overflows */
	s = table_cut("\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e-job", 4, "~"); /* 日本語-job */
	assert_string_equal(s, "\xe6\x97\xa5~");
	assert_true(utf8_width(s) <= 4);
	free(s);
	s = table_cut("abc", 0, "~");
	assert_string_equal(s, "");
	free(s);
	s = table_cut(NULL, 3, "~");
	assert_string_equal(s, "");
	free(s);
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sort),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_fit_all),
		cmocka_unit_test(test_fit_cut),
		cmocka_unit_test(test_cut),
	};
	return cmocka_run_group_tests_name("targets", tests, NULL, NULL);
}
