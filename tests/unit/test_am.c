/* Unit tests of the Alertmanager v2 parsing the header's firing count relies on. */
#include "config.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include "backend/am.h"

/* The real Alertmanager 0.31 payload of /api/v2/alerts/groups, its alerts
 * flattened into the /api/v2/alerts shape (an array of gettableAlert). */
static char *flat_alerts(size_t *len)
{
	const char *dir = getenv("FIXTURES");
	char path[4096];
	snprintf(path, sizeof path, "%s/alertmanager/alerts_groups_v0.31.0_karma_mock.json",
		 dir ? dir : "tests/fixtures");
	json_error_t je;
	json_t *groups = json_load_file(path, 0, &je);
	assert_non_null(groups);
	json_t *out = json_array(), *g, *a;
	size_t i, j;
	json_array_foreach(groups, i, g) {
		json_array_foreach(json_object_get(g, "alerts"), j, a)
			json_array_append(out, a);
	}
	char *s = json_dumps(out, JSON_COMPACT);
	*len = strlen(s);
	json_decref(out);
	json_decref(groups);
	return s;
}

static void test_real_payload_counts_active(void **state)
{
	(void)state;
	size_t len, n;
	char *body = flat_alerts(&len), **fps, *err;
	assert_int_equal(am_parse_firing(body, len, 200, &fps, &n, &err), 0);
	assert_null(err);
	/* 24 alert entries: 16 active (8 distinct, repeated per receiver group), 8 suppressed */
	assert_int_equal(n, 16);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(strlen(fps[i]), 16);
	am_strv_free(fps, n);
	free(body);
}

static void test_suppressed_and_unprocessed_are_not_firing(void **state)
{
	(void)state;
	const char *body = "[{\"fingerprint\":\"a\",\"status\":{\"state\":\"active\"}},"
			   "{\"fingerprint\":\"b\",\"status\":{\"state\":\"suppressed\"}},"
			   "{\"fingerprint\":\"c\",\"status\":{\"state\":\"unprocessed\"}},"
			   "{\"fingerprint\":\"d\"},{\"status\":7},\"junk\",null]";
	size_t n;
	char **fps, *err;
	assert_int_equal(am_parse_firing(body, strlen(body), 200, &fps, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(fps[0], "a");
	am_strv_free(fps, n);
}

static void test_empty_array(void **state)
{
	(void)state;
	size_t n = 99;
	char **fps, *err;
	assert_int_equal(am_parse_firing("[]", 2, 200, &fps, &n, &err), 0);
	assert_int_equal(n, 0);
	am_strv_free(fps, n);
}

static void test_errors_are_named(void **state)
{
	(void)state;
	size_t n;
	char **fps, *err;
	const char *html = "<html>\r\n<body>502 Bad Gateway\x1b[2J</body>";
	assert_int_equal(am_parse_firing(html, strlen(html), 502, &fps, &n, &err), -1);
	assert_string_equal(err, "HTTP 502: <html>");
	free(err);
	assert_int_equal(am_parse_firing("{\"x\":1}", 7, 200, &fps, &n, &err), -1);
	assert_non_null(strstr(err, "expected a JSON array"));
	free(err);
	assert_int_equal(am_parse_firing("[{\"fing", 7, 200, &fps, &n, &err), -1);
	assert_non_null(strstr(err, "invalid JSON"));
	free(err);
	/* jansson's message quotes the bad token: it must not carry the ESC along */
	assert_int_equal(am_parse_firing("[\x1b[31m]", 8, 200, &fps, &n, &err), -1);
	assert_null(strchr(err, '\x1b'));
	free(err);
	/* a hostile first line: control characters never reach the terminal */
	const char *esc = "\x1b]0;pwned\x07 oops";
	assert_int_equal(am_parse_firing(esc, strlen(esc), 500, &fps, &n, &err), -1);
	assert_null(strchr(err, '\x1b'));
	assert_null(strchr(err, '\x07'));
	free(err);
}

static void test_url(void **state)
{
	(void)state;
	char *u = am_url_firing("http://am:9093/prefix//");
	assert_string_equal(u, "http://am:9093/prefix/api/v2/alerts?active=true&silenced=false"
			       "&inhibited=false&unprocessed=false");
	free(u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_payload_counts_active),
		cmocka_unit_test(test_suppressed_and_unprocessed_are_not_firing),
		cmocka_unit_test(test_empty_array),
		cmocka_unit_test(test_errors_are_named),
		cmocka_unit_test(test_url),
	};
	return cmocka_run_group_tests_name("am", tests, NULL, NULL);
}
