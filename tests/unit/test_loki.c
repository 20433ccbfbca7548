/* Unit tests of the Loki module: parsers on the real payloads, errors, close codes, URLs. */
#include "config.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "backend/loki.h"
#include "core/xalloc.h"
#include "fixture.h"

static char *slurp(const char *name, size_t *len)
{
	char *rel = xasprintf("loki/%s", name);
	char *body = fixture_read(rel, len);
	free(rel);
	return body;
}

static void query_ok(const char *body, size_t len, loki_result_t *r)
{
	char *err = NULL;
	if (loki_parse_query(body, len, 200, NULL, r, &err) != 0)
		fail_msg("parse failed: %s", err ? err : "(no message)");
	assert_null(err);
}

/* Parse expecting failure; the message must contain `want`. */
static void query_fail(const char *body, long status, const char *want)
{
	loki_result_t r;
	char *err = NULL;
	assert_int_equal(loki_parse_query(body, body ? strlen(body) : 0, status, NULL, &r, &err), -1);
	assert_non_null(err);
	if (!strstr(err, want))
		fail_msg("message \"%s\" lacks \"%s\"", err, want);
	assert_int_equal(r.n_entries, 0);
	assert_null(r.entries);
	assert_null(r.streams);
	free(err);
	/* and without a place for the message */
	assert_int_equal(loki_parse_query(body, body ? strlen(body) : 0, status, NULL, &r, NULL), -1);
}

static void tail_fail(const char *body, const char *want)
{
	loki_result_t r;
	char *err = NULL;
	assert_int_equal(loki_parse_tail_frame(body, strlen(body), NULL, &r, &err), -1);
	assert_non_null(err);
	if (!strstr(err, want))
		fail_msg("message \"%s\" lacks \"%s\"", err, want);
	assert_int_equal(r.n_entries, 0);
	free(err);
}

static void test_fixture_streams(void **state)
{
	(void)state;
	size_t len;
	char *body = slurp("query_range_streams_docs.json", &len);
	loki_result_t r;
	query_ok(body, len, &r);
	assert_int_equal(r.n_streams, 1);
	assert_int_equal(r.streams[0].n, 3);
	/* sorted by name */
	assert_string_equal(r.streams[0].v[0].name, "filename");
	assert_string_equal(r.streams[0].v[1].name, "job");
	assert_string_equal(r.streams[0].v[2].name, "level");
	assert_string_equal(labels_get(&r.streams[0], "filename"), "/var/log/myproject.log");
	assert_int_equal(r.n_entries, 2);
	assert_true(r.entries[0].ts_ns == INT64_C(1569266497240578000));
	assert_string_equal(r.entries[0].line, "foo");
	assert_int_equal(r.entries[0].len, 3);
	assert_int_equal(r.entries[0].stream, 0);
	assert_true(r.entries[1].ts_ns == INT64_C(1569266492548155000));
	assert_string_equal(r.entries[1].line, "bar");
	assert_false(r.categorized);
	assert_int_equal(r.entries[0].meta.n, 0);
	/* backward answer: sorting puts the older first */
	loki_result_sort(&r);
	assert_string_equal(r.entries[0].line, "bar");
	assert_string_equal(r.entries[1].line, "foo");
	loki_result_free(&r);
	assert_null(r.entries);
	loki_result_free(&r); /* twice is harmless */
	free(body);
}

static void test_fixture_matrix_refused(void **state)
{
	(void)state;
	size_t len;
	char *body = slurp("query_range_matrix_docs.json", &len);
	loki_result_t r;
	char *err = NULL;
	assert_int_equal(loki_parse_query(body, len, 200, NULL, &r, &err), -1);
	assert_string_equal(err, "a metric query (matrix): use the dashboard");
	free(err);
	free(body);
	query_fail("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}", 200,
		   "a metric query (vector): use the dashboard");
	query_fail("{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"2\"]}}",
		   200, "a metric query (scalar)");
}

static void test_tail_frames(void **state)
{
	(void)state;
	size_t len;
	char *body = slurp("tail_message_1.json", &len);
	loki_result_t r;
	char *err = NULL;
	assert_int_equal(loki_parse_tail_frame(body, len, NULL, &r, &err), 0);
	assert_null(err);
	assert_int_equal(r.n_streams, 1);
	assert_string_equal(labels_get(&r.streams[0], "test"), "test");
	assert_int_equal(r.n_entries, 2);
	assert_true(r.entries[0].ts_ns == INT64_C(123456789012345));
	assert_string_equal(r.entries[1].line, "super line with labels");
	assert_int_equal(r.n_dropped, 1);
	assert_true(r.dropped[0].ts_ns == INT64_C(123456789022345));
	assert_string_equal(labels_get(&r.dropped[0].labels, "test"), "test");
	assert_false(r.categorized);
	loki_result_free(&r);
	free(body);

	body = slurp("tail_message_2_categorize_labels.json", &len);
	assert_int_equal(loki_parse_tail_frame(body, len, NULL, &r, &err), 0);
	assert_true(r.categorized);
	assert_int_equal(r.n_entries, 3);
	assert_int_equal(r.entries[0].meta.n, 0);
	assert_int_equal(r.entries[1].meta.n, 2);
	assert_string_equal(r.entries[1].meta.v[0].name, "bar"); /* sorted */
	assert_string_equal(labels_get(&r.entries[1].meta, "foo"), "a");
	assert_int_equal(r.entries[1].parsed.n, 0);
	assert_string_equal(labels_get(&r.entries[2].parsed, "msg"), "text");
	assert_string_equal(r.entries[2].line, "super line with labels msg=text");
	assert_int_equal(r.n_dropped, 1);
	loki_result_free(&r);
	free(body);

	/* absent members are empty, not errors */
	assert_int_equal(loki_parse_tail_frame("{}", 2, NULL, &r, &err), 0);
	assert_int_equal(r.n_entries + r.n_streams + r.n_dropped, 0);
	loki_result_free(&r);
	const char *nulls = "{\"streams\":null,\"dropped_entries\":null}";
	assert_int_equal(loki_parse_tail_frame(nulls, strlen(nulls), NULL, &r, &err), 0);
	loki_result_free(&r);
}

static void test_timestamps(void **state)
{
	(void)state;
	int64_t v;
	assert_int_equal(loki_parse_ns("0", &v), 0);
	assert_true(v == 0);
	assert_int_equal(loki_parse_ns("9223372036854775807", &v), 0);
	assert_true(v == INT64_MAX);
	assert_int_equal(loki_parse_ns("9223372036854775808", &v), -1);
	assert_int_equal(loki_parse_ns("99999999999999999999", &v), -1);
	assert_int_equal(loki_parse_ns("", &v), -1);
	assert_int_equal(loki_parse_ns(NULL, &v), -1);
	assert_int_equal(loki_parse_ns("-1", &v), -1);
	assert_int_equal(loki_parse_ns("+1", &v), -1);
	assert_int_equal(loki_parse_ns("1.5", &v), -1);
	assert_int_equal(loki_parse_ns("1e9", &v), -1);
	assert_int_equal(loki_parse_ns(" 1", &v), -1);
	assert_int_equal(loki_parse_ns("12x", &v), -1);
	query_fail("{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":"
		   "[{\"stream\":{},\"values\":[[\"1\",\"a\"],[\"12x\",\"b\"]]}]}}",
		   200, "entry 2 of stream 1: timestamp \"12x\" is not a decimal count");
	query_fail("{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":"
		   "[{\"stream\":{},\"values\":[[1569266497240578000,\"a\"]]}]}}",
		   200, "timestamp is not a string");
	tail_fail("{\"dropped_entries\":[{\"timestamp\":\"-5\",\"labels\":{}}]}",
		  "dropped entry 1 has no timestamp");
}

static void test_lines_nul_escapes_and_cap(void **state)
{
	(void)state;
	loki_result_t r;
	/* Loki escapes < > & and may send \u0000 and surrogate pairs */
	const char *b = "{\"streams\":[{\"stream\":{\"app\":\"x\"},\"values\":[[\"5\","
			"\"a\\u0000b \\u003cx\\u003e \\u0026 \\ud83d\\udd25\"]]}]}";
	assert_int_equal(loki_parse_tail_frame(b, strlen(b), NULL, &r, NULL), 0);
	assert_int_equal(r.entries[0].len, 14);
	assert_memory_equal(r.entries[0].line, "a\0b <x> & \xf0\x9f\x94\xa5", 15);
	loki_result_free(&r);

	/* a 256 KB line (Loki's default maximum) comes through whole */
	size_t n = 256 * 1024;
	strbuf_t sb;
	sb_init(&sb);
	sb_puts(&sb, "{\"streams\":[{\"stream\":{},\"values\":[[\"1\",\"");
	for (size_t i = 0; i < n; i++)
		sb_add(&sb, "abcdefghijklmnopqrstuvwxyz" + i % 26, 1);
	sb_puts(&sb, "\"]]}]}");
	assert_int_equal(loki_parse_tail_frame(sb.s, sb.len, NULL, &r, NULL), 0);
	assert_int_equal(r.entries[0].len, n);
	assert_int_equal(r.entries[0].cut, 0);
	assert_int_equal(r.entries[0].line[n], '\0');
	loki_result_free(&r);
	/* a cap cuts and says by how much */
	loki_parse_opts_t o = { .max_line = 1000 };
	assert_int_equal(loki_parse_tail_frame(sb.s, sb.len, &o, &r, NULL), 0);
	assert_int_equal(r.entries[0].len, 1000);
	assert_int_equal(r.entries[0].cut, n - 1000);
	loki_result_free(&r);
	sb_free(&sb);
	/* never inside a UTF-8 character */
	const char *u = "{\"streams\":[{\"stream\":{},\"values\":[[\"1\",\"\xc3\xa9\xc3\xa9\"]]}]}";
	o.max_line = 3;
	assert_int_equal(loki_parse_tail_frame(u, strlen(u), &o, &r, NULL), 0);
	assert_int_equal(r.entries[0].len, 2);
	assert_int_equal(r.entries[0].cut, 2);
	loki_result_free(&r);
}

static void test_malformed(void **state)
{
	(void)state;
	query_fail(NULL, 200, "empty response body");
	query_fail("", 200, "empty response body");
	query_fail("not json", 200, "invalid JSON");
	query_fail("[1,2]", 200, "not a JSON object");
	query_fail("{}", 200, "no \"status\"");
	query_fail("{\"status\":\"error\",\"error\":\"boom\"}", 200, "boom");
	query_fail("{\"status\":\"weird\"}", 200, "unexpected status \"weird\"");
	query_fail("{\"status\":\"success\"}", 200, "\"data\" is not an object");
	query_fail("{\"status\":\"success\",\"data\":{}}", 200, "no \"resultType\"");
	query_fail("{\"status\":\"success\",\"data\":{\"resultType\":\"x\\u001b[2J\"}}", 200,
		   "unexpected resultType \"x?[2J\"");
	query_fail("{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":{}}}", 200,
		   "\"result\" is not an array");
	query_fail("{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":[1]}}",
		   200, "stream 1 is not an object");
	query_fail("{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":"
		   "[{\"stream\":{\"a\":1}}]}}",
		   200, "stream 1: stream label \"a\" is not a string");
	query_fail("{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":"
		   "[{\"stream\":[]}]}}",
		   200, "\"stream\" is not an object");
	query_fail("{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":"
		   "[{\"stream\":{},\"values\":{}}]}}",
		   200, "\"values\" is not an array");
	query_fail("{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":"
		   "[{\"stream\":{},\"values\":[[\"1\"]]}]}}",
		   200, "expected [\"<ns>\", \"<line>\"]");
	query_fail("{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":"
		   "[{\"stream\":{},\"values\":[[\"1\",2]]}]}}",
		   200, "line is not a string");
	query_fail("{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":"
		   "[{\"stream\":{},\"values\":[[\"1\",\"a\",[]]]}]}}",
		   200, "third element is not an object");
	query_fail("{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":"
		   "[{\"stream\":{},\"values\":[[\"1\",\"a\",{\"parsed\":{\"k\":null}}]]}]}}",
		   200, "parsed label \"k\" is not a string");
	tail_fail("{\"streams\":5}", "\"streams\" is not an array");
	tail_fail("{\"dropped_entries\":{}}", "\"dropped_entries\" is not an array");
	tail_fail("{\"dropped_entries\":[{\"timestamp\":\"1\",\"labels\":5}]}",
		  "dropped entry 1: \"labels\" is not an object");

	/* an empty streams answer, warnings kept */
	loki_result_t r;
	const char *b = "{\"status\":\"success\",\"warnings\":[\"w1\\u001b\"],\"data\":{\"resultType\":"
			"\"streams\",\"result\":[]}}";
	query_ok(b, strlen(b), &r);
	assert_int_equal(r.n_entries, 0);
	assert_int_equal(r.n_warnings, 1);
	assert_string_equal(r.warnings[0], "w1?");
	loki_result_free(&r);

	/* every prefix of a real payload fails cleanly or parses */
	size_t len;
	char *body = slurp("tail_message_2_categorize_labels.json", &len);
	for (size_t i = 0; i < len; i++) {
		char *err = NULL;
		if (loki_parse_tail_frame(body, i, NULL, &r, &err) == 0)
			loki_result_free(&r);
		free(err);
	}
	free(body);
}

static void test_http_errors(void **state)
{
	(void)state;
	query_fail("parse error at line 1, col 5: syntax error: unexpected IDENTIFIER\n", 400,
		   "HTTP 400: parse error at line 1, col 5: syntax error: unexpected IDENTIFIER");
	query_fail("max entries limit per query exceeded, limit > max_entries_limit_per_query "
		   "(10000 > 5000)",
		   400, "(10000 > 5000)");
	query_fail("", 429, "HTTP 429: too many requests (throttled)");
	query_fail("", 499, "HTTP 499: client closed the request");
	query_fail("\n \t", 502, "HTTP 502: bad gateway");

	char *m = loki_error_message(400, "a\n  b\r\n\tc \x1b[2J\a", 15);
	assert_string_equal(m, "HTTP 400: a b c ?[2J?");
	free(m);
	m = loki_error_message(400, "x\0y", 3);
	assert_string_equal(m, "HTTP 400: x y");
	free(m);
	m = loki_error_message(0, NULL, 5);
	assert_string_equal(m, "empty response body");
	free(m);
	m = loki_error_message(418, "", 0);
	assert_string_equal(m, "HTTP 418: empty body");
	free(m);
	/* a gateway's JSON error */
	const char *j = "{\"code\":403,\"message\":\"no org id\"}";
	m = loki_error_message(403, j, strlen(j));
	assert_string_equal(m, "HTTP 403: no org id (set X-Scope-OrgID in the loki backend's headers, "
			       "loki-org-id or LOKI_ORG_ID)");
	free(m);
	/* long bodies are cut, with the marker, never inside a character */
	strbuf_t sb;
	sb_init(&sb);
	for (int i = 0; i < 500; i++)
		sb_puts(&sb, "\xc3\xa9");
	m = loki_error_message(500, sb.s, sb.len);
	assert_true(strlen(m) <= strlen("HTTP 500: ") + LOKI_ERROR_MAX + 3);
	assert_string_equal(m + strlen(m) - 5, "\xc3\xa9...");
	free(m);
	sb_free(&sb);
	/* names answers share the text */
	char **names;
	size_t n;
	char *err = NULL;
	assert_int_equal(loki_parse_names("no org id", 9, 400, &names, &n, &err), -1);
	assert_string_equal(err, "HTTP 400: no org id");
	assert_null(names);
	free(err);
}

static void test_tail_close(void **state)
{
	(void)state;
	char *m;
	const char *r = "reached tail max duration limit";
	assert_int_equal(loki_tail_close(1011, r, strlen(r), &m), LOKI_TAIL_RECONNECT);
	assert_string_equal(m, "tail closed by Loki (1011): reached tail max duration limit");
	free(m);
	r = "max concurrent tail requests limit exceeded, count > limit (11 > 10)";
	assert_int_equal(loki_tail_close(1011, r, strlen(r), &m), LOKI_TAIL_FATAL);
	free(m);
	r = "all ingesters closed the connection";
	assert_int_equal(loki_tail_close(1011, r, strlen(r), NULL), LOKI_TAIL_RECONNECT);
	assert_int_equal(loki_tail_close(1006, NULL, 0, &m), LOKI_TAIL_RECONNECT);
	assert_string_equal(m, "tail connection lost (1006: no close frame)");
	free(m);
	assert_int_equal(loki_tail_close(1000, "", 0, &m), LOKI_TAIL_DONE);
	assert_string_equal(m, "tail closed by Loki (1000)");
	free(m);
	assert_int_equal(loki_tail_close(1008, "bad\x1b]0;x\a", 9, &m), LOKI_TAIL_FATAL);
	assert_string_equal(m, "tail closed by Loki (1008): bad?]0;x?");
	free(m);
}

static void test_names(void **state)
{
	(void)state;
	size_t len, n;
	char **names;
	char *err = NULL;
	char *body = slurp("labels_docs.json", &len);
	assert_int_equal(loki_parse_names(body, len, 200, &names, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(names[0], "foo");
	assert_string_equal(names[2], "baz");
	loki_names_free(names, n);
	free(body);
	body = slurp("label_values_docs.json", &len);
	assert_int_equal(loki_parse_names(body, len, 200, &names, &n, &err), 0);
	assert_int_equal(n, 3);
	assert_string_equal(names[2], "axolotl");
	loki_names_free(names, n);
	free(body);

	const char *empty[] = { "{\"status\":\"success\"}", "{\"status\":\"success\",\"data\":null}",
				"{\"status\":\"success\",\"data\":[]}" };
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(loki_parse_names(empty[i], strlen(empty[i]), 200, &names, &n, &err), 0);
		assert_int_equal(n, 0);
		loki_names_free(names, n);
	}
	const char *bad[][2] = {
		{ "{\"status\":\"success\",\"data\":{}}", "\"data\" is not an array" },
		{ "{\"status\":\"success\",\"data\":[\"a\",1]}", "name 2 is not a string" },
		{ "{\"data\":[]}", "no \"status\"" },
		{ "{\"status\":\"error\"}", "unexpected status" },
		{ "[", "invalid JSON" },
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(loki_parse_names(bad[i][0], strlen(bad[i][0]), 200, &names, &n, &err),
				 -1);
		if (!strstr(err, bad[i][1]))
			fail_msg("\"%s\" lacks \"%s\"", err, bad[i][1]);
		assert_null(names);
		assert_int_equal(n, 0);
		free(err);
	}
	/* names are made printable */
	const char *h = "{\"status\":\"success\",\"data\":[\"a\\u001b[31m\"]}";
	assert_int_equal(loki_parse_names(h, strlen(h), 200, &names, &n, &err), 0);
	assert_string_equal(names[0], "a?[31m");
	loki_names_free(names, n);
}

static void test_urls(void **state)
{
	(void)state;
	char *u = loki_url_query_range("http://loki:3100", "{app=\"icn-director\"} |= \"BFT consensus failed\"",
				       INT64_C(1700000000000000000), INT64_C(1700000360000000000), 500,
				       LOKI_BACKWARD);
	assert_string_equal(u, "http://loki:3100/loki/api/v1/query_range?query=%7Bapp%3D%22icn-director%22%7D%20%7C%3D%20%22BFT%20consensus%20failed%22"
			       "&start=1700000000000000000&end=1700000360000000000&limit=500&direction=backward");
	free(u);
	u = loki_url_query_range("https://gw.example/loki-eu/", "{a=~\"x.+\"}", 0, 0, 0, LOKI_FORWARD);
	assert_string_equal(u, "https://gw.example/loki-eu/loki/api/v1/query_range?query=%7Ba%3D~%22x.%2B%22%7D&direction=forward");
	free(u);
	u = loki_url_labels("http://h:3100/", 1, 2);
	assert_string_equal(u, "http://h:3100/loki/api/v1/labels?start=1&end=2");
	free(u);
	u = loki_url_labels("http://h:3100", 0, 0);
	assert_string_equal(u, "http://h:3100/loki/api/v1/labels");
	free(u);
	u = loki_url_label_values("http://h/p", "app name/x", 10, 0, "{region=\"eu\"}");
	assert_string_equal(u, "http://h/p/loki/api/v1/label/app%20name%2Fx/values?start=10&query=%7Bregion%3D%22eu%22%7D");
	free(u);
	u = loki_url_label_values("http://h", "app", 0, 0, NULL);
	assert_string_equal(u, "http://h/loki/api/v1/label/app/values");
	free(u);

	u = loki_url_tail("http://loki:3100", "{app=\"x\"}", INT64_C(1700000000000000000), 100, 2);
	assert_string_equal(u, "ws://loki:3100/loki/api/v1/tail?query=%7Bapp%3D%22x%22%7D&start=1700000000000000000&limit=100&delay_for=2");
	free(u);
	u = loki_url_tail("HTTPS://gw.example/tenant-a/", "{a=\"b\"}", 0, 0, 99);
	assert_string_equal(u, "wss://gw.example/tenant-a/loki/api/v1/tail?query=%7Ba%3D%22b%22%7D&delay_for=5");
	free(u);
	u = loki_url_tail("wss://h", "{}", 0, 0, 0);
	assert_string_equal(u, "wss://h/loki/api/v1/tail?query=%7B%7D");
	free(u);
	u = loki_url_tail("ws://h:1", "{}", 0, 0, -3);
	assert_string_equal(u, "ws://h:1/loki/api/v1/tail?query=%7B%7D");
	free(u);
	assert_null(loki_url_tail("loki:3100", "{}", 0, 0, 0));
	assert_null(loki_url_tail("ftp://h", "{}", 0, 0, 0));
	assert_null(loki_url_tail(NULL, "{}", 0, 0, 0));
	/* UTF-8 and controls are encoded byte by byte */
	u = loki_url_tail("http://h", "|= \"\xc3\xa9\n\"", 0, 0, 0);
	assert_string_equal(u, "ws://h/loki/api/v1/tail?query=%7C%3D%20%22%C3%A9%0A%22");
	free(u);
}

static void test_sort_stable(void **state)
{
	(void)state;
	loki_result_t r;
	const char *b = "{\"streams\":[{\"stream\":{\"s\":\"1\"},\"values\":[[\"30\",\"c\"],[\"10\",\"a1\"]]},"
			"{\"stream\":{\"s\":\"2\"},\"values\":[[\"10\",\"a2\"],[\"20\",\"b\"]]}]}";
	assert_int_equal(loki_parse_tail_frame(b, strlen(b), NULL, &r, NULL), 0);
	loki_result_sort(&r);
	const char *want[] = { "a1", "a2", "b", "c" };
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(r.entries[i].line, want[i]);
	assert_int_equal(r.entries[0].stream, 0);
	assert_int_equal(r.entries[1].stream, 1);
	loki_result_free(&r);
}

static void same_labels(const labels_t *a, const labels_t *b)
{
	assert_int_equal(a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		assert_string_equal(a->v[i].name, b->v[i].name);
		assert_string_equal(a->v[i].value, b->v[i].value);
	}
}

static void same_result(const loki_result_t *a, const loki_result_t *b)
{
	assert_int_equal(a->n_streams, b->n_streams);
	for (size_t i = 0; i < a->n_streams; i++)
		same_labels(&a->streams[i], &b->streams[i]);
	assert_int_equal(a->n_entries, b->n_entries);
	for (size_t i = 0; i < a->n_entries; i++) {
		const loki_entry_t *x = &a->entries[i], *y = &b->entries[i];
		assert_true(x->ts_ns == y->ts_ns);
		assert_int_equal(x->stream, y->stream);
		assert_int_equal(x->len, y->len);
		assert_int_equal(x->cut, y->cut);
		assert_memory_equal(x->line, y->line, x->len + 1);
		same_labels(&x->meta, &y->meta);
		same_labels(&x->parsed, &y->parsed);
	}
	assert_int_equal(a->n_dropped, b->n_dropped);
	for (size_t i = 0; i < a->n_dropped; i++) {
		assert_true(a->dropped[i].ts_ns == b->dropped[i].ts_ns);
		same_labels(&a->dropped[i].labels, &b->dropped[i].labels);
	}
	assert_int_equal(a->n_warnings, b->n_warnings);
	for (size_t i = 0; i < a->n_warnings; i++)
		assert_string_equal(a->warnings[i], b->warnings[i]);
	assert_int_equal(a->categorized, b->categorized);
}

/* Parse body whole and skimmed (as a big body is): the same result, or both
 * fail; with same_msg, with the same message. */
static void both_ways(const char *body, size_t len, int tail, int same_msg)
{
	loki_parse_opts_t whole = { .max_line = 64, .whole = 1 }, skim = { .max_line = 64, .skim = 1 };
	loki_result_t a, b;
	char *ea = NULL, *eb = NULL;
	int ra = tail ? loki_parse_tail_frame(body, len, &whole, &a, &ea)
		      : loki_parse_query(body, len, 200, &whole, &a, &ea);
	int rb = tail ? loki_parse_tail_frame(body, len, &skim, &b, &eb)
		      : loki_parse_query(body, len, 200, &skim, &b, &eb);
	if (ra != rb)
		fail_msg("whole %d (%s), skimmed %d (%s) on %.80s", ra, ea ? ea : "-", rb,
			 eb ? eb : "-", body);
	if (ra == 0) {
		same_result(&a, &b);
		loki_result_free(&a);
		loki_result_free(&b);
	} else {
		assert_int_equal(b.n_entries, 0);
		assert_null(b.streams);
		if (same_msg && strcmp(ea, eb) != 0)
			fail_msg("whole \"%s\", skimmed \"%s\" on %.120s", ea, eb, body);
	}
	free(ea);
	free(eb);
}

static void test_skim_matches_whole(void **state)
{
	(void)state;
	static const char *const fixtures[][2] = {
		{ "query_range_streams_docs.json", "q" },
		{ "query_range_matrix_docs.json", "q" },
		{ "tail_message_1.json", "t" },
		{ "tail_message_2_categorize_labels.json", "t" },
		{ "labels_docs.json", "q" },
	};
	for (size_t i = 0; i < sizeof fixtures / sizeof fixtures[0]; i++) {
		size_t len;
		char *body = slurp(fixtures[i][0], &len);
		both_ways(body, len, fixtures[i][1][0] == 't', 1);
		free(body);
	}
#define S "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":"
	static const char *const same[] = {
		S "[]}}",
		S "null}}",
		S "[{\"stream\":{\"b\":\"2\",\"a\":\"1\"},\"values\":[[\"5\",\"x\\u0000y\"],[\"6\",\"\\u00e9\"]]},"
		  "{\"stream\":{},\"values\":null},{\"values\":[[\"7\",\"z\",{\"parsed\":{\"k\":\"v\"}}]]}]},"
		  "\"warnings\":[\"w\"]}",
		S "[{\"stream\":{},\"values\":[[\"1\",\"" "0123456789012345678901234567890123456789"
		  "0123456789012345678901234567890123456789\"]]}]}}",
		S "[{\"stream\":{},\"values\":[[\"1\",\"a\"],[\"12x\",\"b\"]]}]}}",
		S "[{\"stream\":{\"a\":1}}]}}",
		S "[{\"stream\":[]}]}}",
		S "[{\"stream\":{},\"values\":{}}]}}",
		S "[{\"stream\":{},\"values\":[[\"1\"]]}]}}",
		S "[{\"stream\":{},\"values\":[[\"1\",2]]}]}}",
		S "[1]}}",
		S "{}}}",
		"{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[]}}",
		"{\"status\":\"error\",\"error\":\"boom\"}",
		"{\"status\":\"weird\"}",
		"{}",
		"{\"status\":\"success\"}",
		"{\"status\":\"success\",\"data\":{}}",
		"[1]",
	};
	for (size_t i = 0; i < sizeof same / sizeof same[0]; i++)
		both_ways(same[i], strlen(same[i]), 0, 1);
	/* broken JSON: both refuse, in their own words */
	static const char *const broken[] = {
		"not json", "{", S "[{\"stream\":{},\"values\":[[\"1\",\"a\"]", S "[{\"stream\":{},\"values\":[[\"1\",\"a\\x\"]]}]}}",
		S "[]}} trailing", "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":[{]}}",
	};
	for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++)
		both_ways(broken[i], strlen(broken[i]), 0, 0);
#undef S
	static const char *const tails[] = {
		"{}",
		"{\"streams\":null,\"dropped_entries\":null}",
		"{\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[[\"1\",\"l\"]]},{\"stream\":{\"a\":\"b\"},"
		"\"values\":[[\"2\",\"m\"]]}],\"dropped_entries\":[{\"timestamp\":\"3\",\"labels\":{\"a\":\"b\"}}],"
		"\"encodingFlags\":[\"categorize-labels\"]}",
		"{\"streams\":5}",
		"{\"dropped_entries\":{}}",
		"{\"dropped_entries\":[{\"timestamp\":\"-5\",\"labels\":{}}]}",
	};
	for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++)
		both_ways(tails[i], strlen(tails[i]), 1, 1);
	/* every prefix of a real payload: the same verdict */
	size_t len;
	char *body = slurp("tail_message_2_categorize_labels.json", &len);
	for (size_t i = 0; i < len; i++)
		both_ways(body, i, 1, 0);
	free(body);
}

/* Tail frames take the fast way (no jansson tree; strings decoded by
 * jscan_string): the same entries as jansson's tree on every string jansson
 * takes, and on anything else jansson's own verdict and words. */
static void fast_vs_whole(const char *body, size_t len)
{
	loki_parse_opts_t whole = { .whole = 1 };
	loki_result_t a, b;
	char *ea = NULL, *eb = NULL;
	int ra = loki_parse_tail_frame(body, len, &whole, &a, &ea);
	int rb = loki_parse_tail_frame(body, len, NULL, &b, &eb);
	if (ra != rb)
		fail_msg("whole %d (%s), fast %d (%s) on %.3000s", ra, ea ? ea : "-", rb, eb ? eb : "-", body);
	if (ra == 0) {
		same_result(&a, &b);
		loki_result_free(&a);
		loki_result_free(&b);
	} else if (strcmp(ea, eb) != 0) {
		fail_msg("whole \"%s\", fast \"%s\" on %.200s", ea, eb, body);
	}
	free(ea);
	free(eb);
}

static void test_tail_fast_path(void **state)
{
	(void)state;
#define F(stream, line) "{\"streams\":[{\"stream\":" stream ",\"values\":[[\"17\"," line "]]}]}"
	static const char *const frames[] = {
		F("{\"app\":\"a\"}", "\"plain\""),
		F("{\"app\":\"a\"}", "\"q\\\" b\\\\ s\\/ \\b\\f\\n\\r\\t\""),
		F("{\"app\":\"a\"}", "\"\\u00e9 \\u20ac \\ud83d\\ude00 caf\xc3\xa9 \xf0\x9f\x98\x80\""),
		F("{\"app\":\"a\"}", "\"nul \\u0000 kept\""),
		F("{\"app\":\"a\"}", "\"lone \\ud800 high\""),
		F("{\"app\":\"a\"}", "\"lone \\udc00 low\""),
		F("{\"app\":\"a\"}", "\"bad \\x escape\""),
		F("{\"app\":\"a\"}", "\"short \\u12\""),
		F("{\"app\":\"a\"}", "\"raw \x01 control\""),
		F("{\"app\":\"a\"}", "\"bad utf8 \xc3\x28\""),
		F("{\"app\":\"a\"}", "\"overlong \xc0\xaf\""),
		F("{\"app\":\"a\"}", "\"surrogate \xed\xa0\x80\""),
		F("{\"app\":\"a\"}", "\"cut \xe2\x82\""),
		F("{\"app\":\"a\"}", "\"past \xf4\x90\x80\x80\""),
		F("{\"app\":\"a\\u0000b\"}", "\"nul in a label\""),
		F("{\"a\\u0070p\":\"escaped name\",\"app\":\"dup\"}", "\"x\""),
		F("{\"app\":\"a\",\"app\":\"b\"}", "\"duplicate label: the later wins\""),
		F("{\"app\":1}", "\"number label\""),
		F("{\"app\":\"a\"}", "2"),
		F("{}", "\"no labels\""),
		"{\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[[ \"5\" , \"spaced\" ],[\"6\",\"x\",{}]]}]}",
		"{\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[[\"\\u0035\",\"escaped ts\"]]}]}",
		"{\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[[\"-5\",\"neg\"]]}]}",
		"{\"streams\":[{\"stream\":{\"a\":\"b\"},\"values\":[[\"99999999999999999999\",\"big\"]]}]}",
		"{\"streams\":[{\"stream\":{\"a\":\"b\"},\"extra\":\"\\q\",\"values\":[[\"1\",\"x\"]]}]}",
		"{\"streams\":[],\"junk\":\"\\q\"}",
		"{\"str\\u0065ams\":[{\"stream\":{},\"values\":[[\"1\",\"escaped key\"]]}]}",
	};
#undef F
	for (size_t i = 0; i < sizeof frames / sizeof frames[0]; i++)
		fast_vs_whole(frames[i], strlen(frames[i]));
	/* a real frame, mutated 20,000 times (a byte changed, dropped or doubled) */
	size_t len;
	char *body = slurp("tail_message_1.json", &len);
	char *m = xmalloc(len + 2);
	uint32_t x = 12345;
	for (int k = 0; k < 20000; k++) {
		x = x * 1103515245u + 12345u;
		size_t at = (x >> 8) % len, n = len;
		memcpy(m, body, len);
		static const char bytes[] = "\"\\{}[],:u0\x01\xc3\xff a";
		switch ((x >> 4) % 3) {
		case 0: m[at] = bytes[(x >> 20) % (sizeof bytes - 1)]; break;
		case 1: memmove(m + at, m + at + 1, len - at - 1), n--; break;
		default: memmove(m + at + 1, m + at, len - at), n++; break;
		}
		fast_vs_whole(m, n);
	}
	free(m);
	free(body);
}

/* An answer over LOKI_WHOLE_MAX goes the skimmed way by itself: 256 KB lines
 * and many small ones come through. */
static void test_big_answer(void **state)
{
	(void)state;
	strbuf_t sb;
	sb_init(&sb);
	sb_puts(&sb, "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":[");
	size_t big = 256 * 1024;
	char *line = xmalloc(big + 1);
	memset(line, 'q', big);
	line[big] = '\0';
	for (int s = 0; s < 3; s++) {
		sb_printf(&sb, "%s{\"stream\":{\"pod\":\"p%d\"},\"values\":[", s ? "," : "", s);
		for (int i = 0; i < 2000; i++)
			sb_printf(&sb, "%s[\"%d\",\"%s\"]", i ? "," : "", 1000 + i,
				  i % 400 == 0 ? line : "level=info msg=small");
		sb_puts(&sb, "]}");
	}
	sb_puts(&sb, "]}}");
	assert_true(sb.len > LOKI_WHOLE_MAX);
	loki_result_t r;
	char *err = NULL;
	if (loki_parse_query(sb.s, sb.len, 200, NULL, &r, &err) != 0)
		fail_msg("big answer: %s", err ? err : "(no message)");
	assert_int_equal(r.n_streams, 3);
	assert_int_equal(r.n_entries, 6000);
	assert_int_equal(r.entries[0].len, big);
	assert_int_equal(r.entries[0].cut, 0);
	assert_string_equal(r.entries[1].line, "level=info msg=small");
	assert_string_equal(labels_get(&r.streams[2], "pod"), "p2");
	assert_int_equal(r.entries[5999].stream, 2);
	loki_result_free(&r);
	/* the same body broken at the end: refused, not half taken */
	sb.s[sb.len - 2] = ',';
	assert_int_equal(loki_parse_query(sb.s, sb.len, 200, NULL, &r, &err), -1);
	assert_non_null(err);
	assert_int_equal(r.n_entries, 0);
	free(err);
	free(line);
	sb_free(&sb);
}

static void test_paging(void **state)
{
	(void)state;
	int64_t start = 1000, end = 2000;
	/* forward: from the last timestamp, inclusive */
	assert_int_equal(loki_page_next(LOKI_FORWARD, 1500, &start, &end), 0);
	assert_true(start == 1500 && end == 2000);
	/* a whole page at 1500: no progress, stop */
	assert_int_equal(loki_page_next(LOKI_FORWARD, 1500, &start, &end), -1);
	assert_int_equal(loki_page_next(LOKI_FORWARD, 1400, &start, &end), -1);
	assert_int_equal(loki_page_next(LOKI_FORWARD, 2000, &start, &end), -1);
	assert_true(start == 1500 && end == 2000);
	/* backward: up to the oldest, end exclusive */
	start = 1000, end = 2000;
	assert_int_equal(loki_page_next(LOKI_BACKWARD, 1700, &start, &end), 0);
	assert_true(start == 1000 && end == 1701);
	assert_int_equal(loki_page_next(LOKI_BACKWARD, 1700, &start, &end), -1);
	assert_int_equal(loki_page_next(LOKI_BACKWARD, 999, &start, &end), -1);
	assert_int_equal(loki_page_next(LOKI_BACKWARD, 1000, &start, &end), 0);
	assert_true(end == 1001);
	end = INT64_MAX;
	assert_int_equal(loki_page_next(LOKI_BACKWARD, INT64_MAX, &start, &end), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_streams),
		cmocka_unit_test(test_fixture_matrix_refused),
		cmocka_unit_test(test_tail_frames),
		cmocka_unit_test(test_timestamps),
		cmocka_unit_test(test_lines_nul_escapes_and_cap),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_http_errors),
		cmocka_unit_test(test_tail_close),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_sort_stable),
		cmocka_unit_test(test_skim_matches_whole),
		cmocka_unit_test(test_tail_fast_path),
		cmocka_unit_test(test_big_answer),
		cmocka_unit_test(test_paging),
	};
	return cmocka_run_group_tests_name("loki", tests, NULL, NULL);
}
