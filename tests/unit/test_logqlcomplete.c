/* Unit tests of Tab in the Logs view's query prompt: where the cursor is in a LogQL selector, and completing names and values. */
#include "config.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "fixture.h"
#include "model/logqlcomplete.h"

static void test_where(void **st)
{
	(void)st;
	size_t s;
	char *name;
	assert_int_equal(lqc_where("", &s, &name), LQC_NONE);
	assert_int_equal(lqc_where("{", &s, &name), LQC_NAME);
	assert_int_equal(s, 1);
	assert_int_equal(lqc_where("{ap", &s, &name), LQC_NAME);
	assert_int_equal(s, 1);
	assert_int_equal(lqc_where("{app=\"x\", le", &s, &name), LQC_NAME);
	assert_int_equal(s, 10);
	assert_int_equal(lqc_where("{app=\"icn-d", &s, &name), LQC_VALUE);
	assert_int_equal(s, 6);
	assert_string_equal(name, "app");
	free(name);
	assert_int_equal(lqc_where("{app=\"x\", level =~ \"err", &s, &name), LQC_VALUE);
	assert_string_equal(name, "level");
	free(name);
	assert_int_equal(lqc_where("{app=\"a\\\"b\", pod!=\"", &s, &name), LQC_VALUE);
	assert_string_equal(name, "pod");
	free(name);
	assert_int_equal(lqc_where("{app=\"x\"} |= \"err", &s, &name), LQC_NONE);
	assert_int_equal(lqc_where("{app=\"x\"", &s, &name), LQC_NONE);
}

static void test_complete(void **st)
{
	(void)st;
	char *const names[] = { "app", "level", "namespace", "pod", "region" };
	char *const vals[] = { "icn-director", "icn-super-node", "icn-vortex", "substrate", "a\"b" };
	char *list;
	char *r = lqc_complete("{ap", 1, LQC_NAME, names, 5, &list);
	assert_string_equal(r, "{app=\"");
	assert_null(list);
	free(r);
	r = lqc_complete("{app=\"icn-", 6, LQC_VALUE, vals, 5, &list);
	assert_null(r); /* several, no longer common prefix */
	assert_string_equal(list, "icn-director  icn-super-node  icn-vortex");
	free(list);
	r = lqc_complete("{app=\"i", 6, LQC_VALUE, vals, 5, &list);
	assert_string_equal(r, "{app=\"icn-");
	free(r);
	free(list);
	r = lqc_complete("{app=\"icn-v", 6, LQC_VALUE, vals, 5, &list);
	assert_string_equal(r, "{app=\"icn-vortex\"");
	free(r);
	r = lqc_complete("{app=\"a", 6, LQC_VALUE, vals, 5, &list);
	assert_string_equal(r, "{app=\"a\\\"b\"");
	free(r);
	r = lqc_complete("{zz", 1, LQC_NAME, names, 5, &list);
	assert_null(r);
	assert_null(list);
}

/* A value holding control characters goes in as LogQL escapes, never raw
 * (Loki's parser, Go's strconv.Unquote, reads them back to the same bytes). */
static void test_complete_controls(void **state)
{
	(void)state;
	char *vals[] = { "x\x1b[31mred", "tab\there", "nl\nz", "del\x7f" };
	char *list = NULL;
	char *r = lqc_complete("{pod=\"x", 6, LQC_VALUE, vals, 4, &list);
	assert_string_equal(r, "{pod=\"x\\x1b[31mred\"");
	free(r);
	r = lqc_complete("{pod=\"t", 6, LQC_VALUE, vals, 4, &list);
	assert_string_equal(r, "{pod=\"tab\\there\"");
	free(r);
	r = lqc_complete("{pod=\"n", 6, LQC_VALUE, vals, 4, &list);
	assert_string_equal(r, "{pod=\"nl\\nz\"");
	free(r);
	r = lqc_complete("{pod=\"d", 6, LQC_VALUE, vals, 4, &list);
	assert_string_equal(r, "{pod=\"del\\x7f\"");
	free(r);
	for (const char *p = r = lqc_complete("{pod=\"x", 6, LQC_VALUE, vals, 4, &list); *p; p++)
		assert_true((unsigned char)*p >= 0x20 && *p != 0x7f);
	free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_where),
		cmocka_unit_test(test_complete),
		cmocka_unit_test(test_complete_controls),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
