/* Unit tests of legend names: labels that differ, readable aggregates, shortening by the shared part. */
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
#include "model/legend.h"
#include "ui/canvas.h"

/* A series from "name=value" pairs, NULL-terminated. */
static void add(series_set_t *s, ...)
{
	series_t *x = series_set_add(s);
	va_list ap;
	va_start(ap, s);
	for (const char *kv; (kv = va_arg(ap, const char *));) {
		const char *eq = strchr(kv, '=');
		char name[64];
		snprintf(name, sizeof name, "%.*s", (int)(eq - kv), kv);
		labels_add(&x->labels, name, eq + 1);
	}
	va_end(ap);
	series_push(x, 0, 1);
}

static void expect_names(const series_set_t *s, const char *label, const char *fallback, ...)
{
	char **nm = legend_names(s, label, fallback);
	va_list ap;
	va_start(ap, fallback);
	for (size_t i = 0; i < s->n; i++) {
		const char *want = va_arg(ap, const char *);
		if (strcmp(nm[i], want))
			fail_msg("series %zu: '%s', want '%s'", i, nm[i], want);
	}
	va_end(ap);
	legend_names_free(nm, s->n);
}

/* Only what differs: not the whole label set cut mid-word. */
static void test_names_differing_labels(void **state)
{
	(void)state;
	series_set_t s = { 0 };
	add(&s, "__name__=icn_vortex_vram_usage_bytes", "job=icn", "instance=10.0.0.1:9100",
	    "node=director-1", "role=director", NULL);
	add(&s, "__name__=icn_vortex_vram_usage_bytes", "job=icn", "instance=10.0.0.2:9100",
	    "node=director-2", "role=director", NULL);
	/* two labels differ: both, by name */
	expect_names(&s, NULL, "t", "instance=10.0.0.1:9100, node=director-1",
		     "instance=10.0.0.2:9100, node=director-2");
	/* the panel's legend label wins when the series have it */
	expect_names(&s, "node", "t", "director-1", "director-2");
	/* a legend label the series lack: back to what differs */
	expect_names(&s, "region", "t", "instance=10.0.0.1:9100, node=director-1",
		     "instance=10.0.0.2:9100, node=director-2");
	series_set_free(&s);

	/* one label differs: its value alone */
	add(&s, "job=icn", "region=apac", NULL);
	add(&s, "job=icn", "region=eu-west", NULL);
	expect_names(&s, NULL, "t", "apac", "eu-west");
	series_set_free(&s);
}

/* An aggregate (no labels) gets a readable name, never "{}". */
static void test_names_aggregate(void **state)
{
	(void)state;
	series_set_t s = { 0 };
	add(&s, NULL);
	expect_names(&s, NULL, "Vortex generation P99", "Vortex generation P99");
	expect_names(&s, NULL, NULL, "all");
	series_set_free(&s);
	/* beside labelled series */
	add(&s, "region=apac", NULL);
	add(&s, NULL);
	expect_names(&s, "region", "total", "apac", "total");
	series_set_free(&s);
	/* a series alone with labels: them, readably */
	add(&s, "__name__=up", "job=icn", "node=d1", NULL);
	expect_names(&s, NULL, "t", "job=icn, node=d1");
	series_set_free(&s);
	/* identical label sets (no label differs): the fallback, not one of them */
	add(&s, "job=icn", NULL);
	add(&s, "job=icn", NULL);
	expect_names(&s, NULL, "same", "same", "same");
	series_set_free(&s);
	char **none = legend_names(&s, NULL, NULL); /* an empty set */
	legend_names_free(none, 0);
}

static void expect_short(const char *name, const char *const *all, size_t n, int w, const char *want)
{
	char *got = legend_shorten(name, all, n, w, 0);
	if (strcmp(got, want))
		fail_msg("'%s' in %d: '%s', want '%s'", name, w, got, want);
	if (utf8_width(got) > w)
		fail_msg("'%s' in %d: '%s' is %d columns", name, w, got, utf8_width(got));
	free(got);
}

/* Shortened by the common part, never cut from the left. */
static void test_shorten(void **state)
{
	(void)state;
	static const char *const dirs[] = { "director-1", "director-2", "director-5", "director-12" };
	expect_short("director-5", dirs, 4, 10, "director-5"); /* fits */
	expect_short("director-5", dirs, 4, 6, "dire…5");
	expect_short("director-12", dirs, 4, 6, "dir…12");
	expect_short("director-5", dirs, 4, 2, "…5");
	expect_short("director-12", dirs, 4, 2, "1…"); /* what differs does not fit either */
	static const char *const hosts[] = { "icn-a.prod.example:9100", "icn-b.prod.example:9100" };
	expect_short(hosts[1], hosts, 2, 8, "icn-b…");
	expect_short(hosts[1], hosts, 2, 4, "i…b…");
	expect_short(hosts[1], hosts, 2, 3, "…b…");
	/* what differs is too long too: the shared start left out says so */
	static const char *const inst[] = { "10.0.159.249:9100, node=director-000159",
					    "10.0.0.199:9100, node=director-000001" };
	expect_short(inst[0], inst, 2, 12, "…159.249:91…");
	/* nothing shared: the start, ended by "…" */
	static const char *const odd[] = { "alpha-long-name", "beta" };
	expect_short(odd[0], odd, 2, 8, "alpha-l…");
	/* a name alone */
	expect_short("super-node-eu-west-1", NULL, 0, 9, "super-no…");
	char *a = legend_shorten("director-5", dirs, 4, 6, 1);
	assert_string_equal(a, "dire~5");
	free(a);
	a = legend_shorten("x", NULL, 0, 0, 0);
	assert_string_equal(a, "");
	free(a);
	/* every width: within it, and never the same text for two names */
	for (int w = 1; w <= 12; w++) {
		for (size_t i = 0; i < 4; i++) {
			char *x = legend_shorten(dirs[i], dirs, 4, w, 0);
			assert_true(utf8_width(x) <= w);
			for (size_t j = 0; j < i && w >= 4; j++) {
				char *y = legend_shorten(dirs[j], dirs, 4, w, 0);
				if (!strcmp(x, y))
					fail_msg("width %d: '%s' and '%s' both read '%s'", w, dirs[i], dirs[j], x);
				free(y);
			}
			free(x);
		}
	}
}

int main(void)
{
	setlocale(LC_ALL, "C.UTF-8");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names_differing_labels),
		cmocka_unit_test(test_names_aggregate),
		cmocka_unit_test(test_shorten),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("legend", tests, NULL, NULL);
}
