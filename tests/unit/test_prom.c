/* Unit tests of the Prometheus parsers and URL builders, on the real API payloads. */
#include "config.h"
#include <locale.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
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
#include "backend/prom.h"
#include "core/xalloc.h"
#include "fixture.h"

/* A Prometheus payload from the fixtures. */
static char *slurp(const char *name, size_t *len)
{
	char *rel = xasprintf("prometheus/%s", name);
	char *body = fixture_read(rel, len);
	free(rel);
	return body;
}

/* Parse `body` expecting failure; returns the message (caller frees). */
static char *parse_fail(const char *body, size_t len, long status)
{
	prom_result_t r;
	char *err = NULL;
	assert_int_equal(prom_parse_query(body, len, status, &r, &err), -1);
	assert_non_null(err);
	assert_true(strlen(err) > 0);
	/* the result is left empty, so nothing leaks whether or not it is freed */
	assert_int_equal(r.set.n, 0);
	assert_null(r.set.v);
	assert_null(r.warnings);
	assert_null(r.string);
	return err;
}

static void parse_ok(const char *body, prom_result_t *r)
{
	char *err = NULL;
	int rc = prom_parse_query(body, strlen(body), 200, r, &err);
	if (rc != 0)
		fail_msg("parse failed: %s", err ? err : "(no message)");
	assert_null(err);
}

static void test_fixture_vector(void **state)
{
	(void)state;
	size_t len;
	char *body = slurp("query_vector_docs.json", &len);
	prom_result_t r;
	char *err = NULL;
	assert_int_equal(prom_parse_query(body, len, 200, &r, &err), 0);
	assert_null(err);
	assert_int_equal(r.type, PROM_VECTOR);
	assert_int_equal(r.set.n, 2);
	assert_int_equal(r.n_warnings, 0);
	const series_t *s = &r.set.v[0];
	assert_int_equal(s->labels.n, 3);
	assert_string_equal(s->labels.v[0].name, "__name__"); /* sorted */
	assert_string_equal(s->labels.v[1].name, "instance");
	assert_string_equal(s->labels.v[2].name, "job");
	assert_string_equal(labels_get(&s->labels, "job"), "prometheus");
	assert_string_equal(labels_get(&s->labels, "instance"), "localhost:9090");
	assert_int_equal(s->n, 1);
	assert_near(s->samples[0].t, 1435781451.781, 1e-6);
	assert_near(s->samples[0].v, 1, 0);
	s = &r.set.v[1];
	assert_string_equal(labels_get(&s->labels, "job"), "node");
	assert_near(series_last(s), 0, 0);
	char *f = labels_format(&s->labels);
	assert_string_equal(f, "{instance=\"localhost:9100\", job=\"node\"}");
	free(f);
	prom_result_free(&r);
	free(body);
}

static void test_fixture_matrix(void **state)
{
	(void)state;
	size_t len;
	char *body = slurp("query_range_matrix_docs.json", &len);
	prom_result_t r;
	char *err = NULL;
	assert_int_equal(prom_parse_query(body, len, 200, &r, &err), 0);
	assert_int_equal(r.type, PROM_MATRIX);
	assert_int_equal(r.set.n, 2);
	assert_int_equal(r.set.v[0].n, 3);
	assert_int_equal(r.set.v[1].n, 3);
	assert_near(r.set.v[0].samples[0].t, 1435781430.781, 1e-6);
	assert_near(r.set.v[0].samples[2].t, 1435781460.781, 1e-6);
	assert_near(r.set.v[1].samples[0].v, 0, 0);
	assert_near(r.set.v[1].samples[1].v, 0, 0);
	assert_near(r.set.v[1].samples[2].v, 1, 0);
	assert_string_equal(labels_get(&r.set.v[1].labels, "instance"), "localhost:9091");
	double lo, hi;
	assert_int_equal(series_set_range(&r.set, &lo, &hi), 1);
	assert_near(lo, 0, 0);
	assert_near(hi, 1, 0);
	prom_result_free(&r);
	free(body);
}

static void test_fixture_scalar(void **state)
{
	(void)state;
	size_t len;
	char *body = slurp("query_openapi_200_scalarResult.json", &len);
	prom_result_t r;
	char *err = NULL;
	assert_int_equal(prom_parse_query(body, len, 200, &r, &err), 0);
	assert_int_equal(r.type, PROM_SCALAR);
	assert_int_equal(r.set.n, 1);
	assert_int_equal(r.set.v[0].labels.n, 0);
	assert_int_equal(r.set.v[0].n, 1);
	assert_near(r.set.v[0].samples[0].t, 1767436620, 0);
	assert_near(r.set.v[0].samples[0].v, 42, 0);
	prom_result_free(&r);
	free(body);
}

static void test_fixture_histogram(void **state)
{
	(void)state;
	size_t len;
	char *body = slurp("query_openapi_200_histogramResult.json", &len);
	prom_result_t r;
	char *err = NULL;
	assert_int_equal(prom_parse_query(body, len, 200, &r, &err), 0);
	assert_int_equal(r.type, PROM_VECTOR);
	assert_int_equal(r.set.n, 1);
	assert_string_equal(labels_get(&r.set.v[0].labels, "__name__"),
			    "http_request_duration_seconds");
	assert_near(r.set.v[0].samples[0].t, 1767436620, 0);
	assert_near(series_last(&r.set.v[0]), 12.5, 0);
	prom_result_free(&r);
	free(body);
}

static void test_fixture_error(void **state)
{
	(void)state;
	size_t len;
	char *body = slurp("error_openapi_tsdbNotReady.json", &len);
	char *err = parse_fail(body, len, 500);
	assert_string_equal(err, "internal: TSDB not ready");
	free(err);
	/* the same without the HTTP status */
	err = parse_fail(body, len, 0);
	assert_string_equal(err, "internal: TSDB not ready");
	free(err);
	free(body);
}

/* The other Prometheus payloads are valid JSON envelopes but not query
 * results: each must be refused with a message, not misread. */
static void test_fixture_not_query(void **state)
{
	(void)state;
	static const char *const names[] = { "alerts_docs.json", "rules_docs.json",
					     "targets_docs.json", "query_exemplars_docs.json" };
	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		size_t len;
		char *body = slurp(names[i], &len);
		char *err = parse_fail(body, len, 200);
		assert_non_null(strstr(err, "data"));
		free(err);
		free(body);
	}
}

static void test_special_values(void **state)
{
	(void)state;
	prom_result_t r;
	parse_ok("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
		 "{\"metric\":{\"__name__\":\"x\"},\"values\":["
		 "[1,\"NaN\"],[2,\"+Inf\"],[3,\"-Inf\"],[4,\"1e-07\"],"
		 "[5,\"1.2345678e-67\"],[6,\"-0\"],[7,\"1e+21\"],[8,\"12345.678\"],"
		 "[9.5,\"-3\"],[0.010,\"0.5\"],[1767436620,\"Inf\"]]}]}}",
		 &r);
	const sample_t *s = r.set.v[0].samples;
	assert_int_equal(r.set.v[0].n, 11);
	assert_true(isnan(s[0].v));
	assert_true(isinf(s[1].v) && s[1].v > 0);
	assert_true(isinf(s[2].v) && s[2].v < 0);
	assert_near(s[3].v, 1e-07, 1e-20);
	assert_true(s[4].v == 1.2345678e-67);
	assert_true(s[5].v == 0 && signbit(s[5].v));
	assert_true(s[6].v == 1e21);
	assert_true(s[7].v == 12345.678);
	assert_near(s[8].t, 9.5, 0);
	assert_near(s[8].v, -3, 0);
	assert_near(s[9].t, 0.010, 1e-12);
	assert_true(isinf(s[10].v));
	assert_true(isinf(series_last(&r.set.v[0])));
	double lo, hi;
	assert_int_equal(series_set_range(&r.set, &lo, &hi), 1);
	assert_true(lo == -3);
	assert_true(hi == 1e21);
	prom_result_free(&r);
	assert_int_equal(r.set.n, 0);
}

static void test_bad_values(void **state)
{
	(void)state;
	static const char *const bad[] = { "", " 1", "1 ", "1.5x", "abc", "0x", "--1", "1e",
					   "Infinityy", "1,5" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char *body = xasprintf("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\","
				       "\"result\":[{\"metric\":{},\"value\":[1,\"%s\"]}]}}",
				       bad[i]);
		char *err = parse_fail(body, strlen(body), 200);
		assert_string_equal(err, "data.result[0]: value is not a number");
		free(err);
		free(body);
	}
}

static void test_warnings_infos(void **state)
{
	(void)state;
	prom_result_t r;
	parse_ok("{\"status\":\"success\",\"warnings\":[\"results truncated due to limit\","
		 "\"w2\"],\"infos\":[\"PromQL info: metric might not be a counter\"],"
		 "\"data\":{\"resultType\":\"vector\",\"result\":[]}}",
		 &r);
	assert_int_equal(r.set.n, 0);
	assert_int_equal(r.n_warnings, 3);
	assert_string_equal(r.warnings[0], "results truncated due to limit");
	assert_string_equal(r.warnings[1], "w2");
	assert_string_equal(r.warnings[2], "PromQL info: metric might not be a counter");
	prom_result_free(&r);
	assert_null(r.warnings);
	assert_int_equal(r.n_warnings, 0);

	/* null lists and a null result are empty, not errors */
	parse_ok("{\"status\":\"success\",\"warnings\":null,"
		 "\"data\":{\"resultType\":\"matrix\",\"result\":null}}",
		 &r);
	assert_int_equal(r.type, PROM_MATRIX);
	assert_int_equal(r.set.n, 0);
	assert_int_equal(r.n_warnings, 0);
	prom_result_free(&r);

	/* a control sequence from the server never reaches the terminal: ESC shows as
	 * ?, a newline as a space (text_sanitize) */
	parse_ok("{\"status\":\"success\",\"warnings\":[\"a\\u001b[2Jb\\nc\"],"
		 "\"data\":{\"resultType\":\"vector\",\"result\":[]}}",
		 &r);
	assert_string_equal(r.warnings[0], "a?[2Jb c");
	prom_result_free(&r);
}

static void test_error_envelopes(void **state)
{
	(void)state;
	const char *b = "{\"status\":\"error\",\"errorType\":\"bad_data\","
			"\"error\":\"1:5: parse error: unexpected \\u003cby\\u003e\","
			"\"data\":{\"resultType\":\"vector\",\"result\":[]},"
			"\"warnings\":[\"w\"]}";
	char *err = parse_fail(b, strlen(b), 400);
	assert_string_equal(err, "bad_data: 1:5: parse error: unexpected <by>");
	free(err);

	b = "{\"status\":\"error\",\"error\":\"only text\"}";
	err = parse_fail(b, strlen(b), 422);
	assert_string_equal(err, "only text");
	free(err);

	b = "{\"status\":\"error\",\"errorType\":\"timeout\"}";
	err = parse_fail(b, strlen(b), 503);
	assert_string_equal(err, "timeout");
	free(err);

	b = "{\"status\":\"error\",\"errorType\":7,\"error\":[]}";
	err = parse_fail(b, strlen(b), 503);
	assert_string_equal(err, "HTTP 503: error without a message");
	free(err);

	b = "{\"status\":\"pending\"}";
	err = parse_fail(b, strlen(b), 200);
	assert_string_equal(err, "unexpected status \"pending\"");
	free(err);
}

static void test_non_json(void **state)
{
	(void)state;
	const char *html = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n"
			   "<body><center><h1>502 Bad Gateway</h1></center></body></html>\r\n";
	char *err = parse_fail(html, strlen(html), 502);
	assert_string_equal(err, "HTTP 502: <html>");
	free(err);

	/* blank lines skipped, tabs, control bytes and UTF-8 made printable */
	const char *auth = "\n\n\tAuthentication required \x1b[31m\xc3\xa9t\xc3\xa9\x7f\nmore";
	err = parse_fail(auth, strlen(auth), 401);
	assert_string_equal(err, "HTTP 401: Authentication required ?[31m?t?? "
			    "(the credentials were refused or are missing: check the backend's "
			    "basic-auth, bearer-token-file or credential-command)");
	free(err);

	/* a long first line is cut to 200 characters */
	strbuf_t b;
	sb_init(&b);
	for (int i = 0; i < 500; i++)
		sb_puts(&b, "x");
	err = parse_fail(b.s, b.len, 503);
	assert_int_equal(strlen(err), strlen("HTTP 503: ") + 200);
	free(err);
	sb_free(&b);

	/* JSON that is not an envelope, from a gateway: the status and the body */
	const char *gw = "{\"message\":\"Unauthorized\"}";
	err = parse_fail(gw, strlen(gw), 401);
	assert_string_equal(err, "HTTP 401: {\"message\":\"Unauthorized\"} "
			    "(the credentials were refused or are missing: check the backend's "
			    "basic-auth, bearer-token-file or credential-command)");
	free(err);
	err = parse_fail(gw, strlen(gw), 200);
	assert_non_null(strstr(err, "unexpected response"));
	free(err);

	/* garbage with a success status */
	err = parse_fail("hello world", 11, 200);
	assert_true(strncmp(err, "invalid JSON: ", 14) == 0);
	assert_non_null(strstr(err, "hello world"));
	free(err);

	err = parse_fail("", 0, 200);
	assert_string_equal(err, "empty response body");
	free(err);
	err = parse_fail(NULL, 0, 0);
	assert_string_equal(err, "empty response body");
	free(err);
	err = parse_fail("", 0, 502);
	assert_string_equal(err, "HTTP 502: empty body");
	free(err);
	err = parse_fail("[1,2]", 5, 200);
	assert_non_null(strstr(err, "unexpected response"));
	free(err);
	/* NUL bytes inside the body */
	err = parse_fail("{\"status\0\":1}", 13, 200);
	assert_true(strncmp(err, "invalid JSON: ", 14) == 0);
	free(err);

	/* err may be NULL */
	prom_result_t r;
	assert_int_equal(prom_parse_query("x", 1, 200, &r, NULL), -1);
}

/* Every proper prefix of a real payload is malformed: all must fail cleanly. */
static void test_truncated(void **state)
{
	(void)state;
	static const char *const names[] = { "query_vector_docs.json",
					     "query_openapi_200_histogramResult.json" };
	for (size_t k = 0; k < 2; k++) {
		size_t len;
		char *body = slurp(names[k], &len);
		while (len && (body[len - 1] == '\n' || body[len - 1] == ' '))
			len--;
		for (size_t i = 0; i < len; i++) {
			/* a fresh copy of exactly i bytes, so ASan sees any over-read */
			char *cut = xmalloc(i ? i : 1);
			memcpy(cut, body, i);
			char *err = parse_fail(cut, i, 200);
			free(err);
			free(cut);
		}
		free(body);
	}
}

static void test_wrong_types(void **state)
{
	(void)state;
	static const struct {
		const char *data; /* the value of "data" */
		const char *want; /* expected message (substring) */
	} cases[] = {
		{ "\"x\"", "\"data\" is missing or not an object" },
		{ "{\"result\":[]}", "resultType" },
		{ "{\"resultType\":5,\"result\":[]}", "resultType" },
		{ "{\"resultType\":\"streams\",\"result\":[]}", "unsupported resultType \"streams\"" },
		{ "{\"resultType\":\"vector\",\"result\":{}}", "data.result is not an array" },
		{ "{\"resultType\":\"vector\",\"result\":[1]}", "data.result[0]: not an object" },
		{ "{\"resultType\":\"vector\",\"result\":[{\"metric\":[],\"value\":[1,\"1\"]}]}",
		  "\"metric\" is not an object" },
		{ "{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"a\":1},\"value\":[1,\"1\"]}]}",
		  "label value is not a string" },
		{ "{\"resultType\":\"vector\",\"result\":[{\"metric\":{}}]}",
		  "neither \"value\" nor \"histogram\"" },
		{ "{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":\"1\"}]}",
		  "expected a [time, value] pair" },
		{ "{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1]}]}",
		  "expected a [time, value] pair" },
		{ "{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1,\"1\",2]}]}",
		  "expected a [time, value] pair" },
		{ "{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[\"1\",\"1\"]}]}",
		  "timestamp is not a number" },
		{ "{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1,1]}]}",
		  "value is not a string" },
		{ "{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1,null]}]}",
		  "value is not a string" },
		{ "{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"histogram\":[1,\"1\"]}]}",
		  "histogram is not an object" },
		{ "{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"histogram\":[1,{\"sum\":\"1\"}]}]}",
		  "histogram has no \"count\" string" },
		{ "{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"histogram\":[1,{\"count\":3}]}]}",
		  "histogram has no \"count\" string" },
		{ "{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"histogram\":[1,{\"count\":\"x\"}]}]}",
		  "histogram count is not a number" },
		{ "{\"resultType\":\"matrix\",\"result\":[{\"metric\":{}}]}",
		  "data.result[0]: neither \"values\" nor \"histograms\"" },
		{ "{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":{}}]}",
		  "data.result[0].values: not an array" },
		{ "{\"resultType\":\"matrix\",\"result\":[{\"values\":[]},{\"metric\":{},"
		  "\"values\":[[1,\"1\"],[2,true]]}]}",
		  "data.result[1].values[1]: value is not a string" },
		{ "{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"histograms\":[[1,{}]]}]}",
		  "data.result[0].histograms[0]: histogram has no \"count\" string" },
		{ "{\"resultType\":\"scalar\",\"result\":[]}", "data.result: expected a [time, value] pair" },
		{ "{\"resultType\":\"scalar\",\"result\":[1,2]}", "data.result: value is not a string" },
		{ "{\"resultType\":\"string\",\"result\":[1,2]}", "data.result: expected a [time, \"string\"]" },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *body = xasprintf("{\"status\":\"success\",\"data\":%s}", cases[i].data);
		char *err = parse_fail(body, strlen(body), 200);
		if (!strstr(err, cases[i].want))
			fail_msg("case %zu: got \"%s\", want \"%s\"", i, err, cases[i].want);
		free(err);
		free(body);
	}
	static const char *const env[] = {
		"{\"status\":1}",
		"{\"status\":\"success\"}",
		"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]},\"warnings\":\"w\"}",
		"{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]},\"infos\":[1]}",
	};
	for (size_t i = 0; i < sizeof env / sizeof env[0]; i++) {
		char *err = parse_fail(env[i], strlen(env[i]), 200);
		free(err);
	}
}

static void test_deep_nesting(void **state)
{
	(void)state;
	strbuf_t b;
	sb_init(&b);
	for (int i = 0; i < 200000; i++)
		sb_puts(&b, "[");
	char *err = parse_fail(b.s, b.len, 200);
	free(err);
	sb_free(&b);

	/* deep but well-formed inside an otherwise valid envelope */
	sb_init(&b);
	sb_puts(&b, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":");
	for (int i = 0; i < 5000; i++)
		sb_puts(&b, "[");
	for (int i = 0; i < 5000; i++)
		sb_puts(&b, "]");
	sb_puts(&b, "}}");
	err = parse_fail(b.s, b.len, 200);
	free(err);
	sb_free(&b);
}

static void test_huge_matrix(void **state)
{
	(void)state;
	strbuf_t b;
	prom_result_t r;
	char *err = NULL;
	sb_init(&b);
	sb_puts(&b, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[");
	for (int k = 0; k < 3; k++) {
		sb_printf(&b, "%s{\"metric\":{\"node\":\"d%d\"},\"values\":[", k ? "," : "", k);
		for (int i = 0; i < 11000; i++)
			sb_printf(&b, "%s[%d.%03d,\"%d.25\"]", i ? "," : "", 1700000000 + i * 15,
				  i % 1000, i * (k + 1));
		sb_puts(&b, "]}");
	}
	sb_puts(&b, "]}}");
	assert_int_equal(prom_parse_query(b.s, b.len, 200, &r, &err), 0);
	assert_int_equal(r.set.n, 3);
	for (int k = 0; k < 3; k++) {
		const series_t *s = &r.set.v[k];
		assert_int_equal(s->n, 11000);
		assert_near(s->samples[0].t, 1700000000, 1e-6);
		assert_near(s->samples[10999].t, 1700000000 + 10999 * 15 + 0.999, 1e-6);
		assert_near(s->samples[10999].v, 10999.0 * (k + 1) + 0.25, 0);
		char name[8];
		snprintf(name, sizeof name, "d%d", k);
		assert_string_equal(labels_get(&s->labels, "node"), name);
	}
	prom_result_free(&r);
	sb_free(&b);
}

static void test_escaped_labels(void **state)
{
	(void)state;
	prom_result_t r;
	parse_ok("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
		 "{\"metric\":{\"msg\":\"\\u003cb\\u003e \\u0026 \\\"q\\\"\","
		 "\"emoji\":\"\\ud83d\\ude00\",\"utf\":\"r\xc3\xa9gion\",\"\\u00e9\":\"k\"},"
		 "\"value\":[1,\"1\"]}]}}",
		 &r);
	const labels_t *l = &r.set.v[0].labels;
	assert_string_equal(labels_get(l, "msg"), "<b> & \"q\"");
	assert_string_equal(labels_get(l, "emoji"), "\xF0\x9F\x98\x80");
	assert_string_equal(labels_get(l, "utf"), "r\xc3\xa9gion");
	assert_string_equal(labels_get(l, "\xc3\xa9"), "k");
	prom_result_free(&r);

	/* a lone surrogate is invalid JSON text */
	const char *bad = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
			  "{\"metric\":{\"a\":\"\\ud83d\"},\"value\":[1,\"1\"]}]}}";
	char *err = parse_fail(bad, strlen(bad), 200);
	assert_true(strncmp(err, "invalid JSON: ", 14) == 0);
	free(err);
}

static void test_string_and_mixed(void **state)
{
	(void)state;
	prom_result_t r;
	parse_ok("{\"status\":\"success\",\"data\":{\"resultType\":\"string\","
		 "\"result\":[1435781451.781,\"hello \\u003cworld\\u003e\"]}}",
		 &r);
	assert_int_equal(r.type, PROM_STRING);
	assert_int_equal(r.set.n, 0);
	assert_string_equal(r.string, "hello <world>");
	prom_result_free(&r);
	assert_null(r.string);

	/* float and histogram samples of one series are merged in time order */
	parse_ok("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
		 "{\"metric\":{\"a\":\"b\"},\"values\":[[1,\"1\"],[3,\"3\"]],"
		 "\"histograms\":[[2,{\"count\":\"20\",\"sum\":\"1\",\"buckets\":[]}],"
		 "[4,{\"count\":\"40\"}]]}]}}",
		 &r);
	const series_t *s = &r.set.v[0];
	assert_int_equal(s->n, 4);
	for (int i = 0; i < 4; i++)
		assert_near(s->samples[i].t, i + 1, 0);
	assert_near(s->samples[1].v, 20, 0);
	assert_near(s->samples[3].v, 40, 0);
	prom_result_free(&r);
}

static void test_urls(void **state)
{
	(void)state;
	const char *q = "sum by (le) (rate(x_bucket[5m]))";
	const char *enc = "sum%20by%20%28le%29%20%28rate%28x_bucket%5B5m%5D%29%29";
	char *want, *u;

	u = prom_url_query("http://127.0.0.1:9090", q, 1700000000.5);
	want = xasprintf("http://127.0.0.1:9090/api/v1/query?query=%s&time=1700000000.5", enc);
	assert_string_equal(u, want);
	free(u);
	free(want);

	/* a trailing slash and a path prefix */
	static const char *const bases[] = { "http://h/prom", "http://h/prom/", "http://h/prom//" };
	for (size_t i = 0; i < 3; i++) {
		u = prom_url_query_range(bases[i], q, 1700000000, 1700003600.125, 15);
		want = xasprintf("http://h/prom/api/v1/query_range?query=%s"
				 "&start=1700000000&end=1700003600.125&step=15",
				 enc);
		assert_string_equal(u, want);
		free(u);
		free(want);
	}
	u = prom_url_query("http://h:9090/", q, 1700000000.0004);
	want = xasprintf("http://h:9090/api/v1/query?query=%s&time=1700000000", enc);
	assert_string_equal(u, want);
	free(u);
	free(want);

	/* time 0 means "now": left to the server */
	u = prom_url_query("http://h", "up", 0);
	assert_string_equal(u, "http://h/api/v1/query?query=up");
	free(u);

	/* everything outside the unreserved set is encoded, UTF-8 byte by byte */
	u = prom_url_query("http://h", "{job=\"a&b\",x=~\"\xc3\xa9+ /?#\"} ~_.-", 1.25);
	assert_string_equal(u, "http://h/api/v1/query?query="
			       "%7Bjob%3D%22a%26b%22%2Cx%3D~%22%C3%A9%2B%20%2F%3F%23%22%7D%20~_.-"
			       "&time=1.25");
	free(u);

	u = prom_url_query_range("http://h", "up", 1.5, 2.05, 0.5);
	assert_string_equal(u, "http://h/api/v1/query_range?query=up&start=1.5&end=2.05&step=0.5");
	free(u);

	u = prom_url_targets("http://h:9090/prom/");
	assert_string_equal(u, "http://h:9090/prom/api/v1/targets?state=active");
	free(u);
}

static void test_step_for(void **state)
{
	(void)state;
	assert_near(prom_step_for(0, 3600, 240), 15, 0);
	assert_near(prom_step_for(0, 3600, 120), 30, 0);
	assert_near(prom_step_for(0, 1000, 300), 3, 0);
	assert_near(prom_step_for(0, 1000, 240), 4, 0);
	assert_near(prom_step_for(0, 10, 100), 1, 0);
	assert_near(prom_step_for(100, 100, 100), 1, 0);
	assert_near(prom_step_for(200, 100, 100), 1, 0);
	assert_near(prom_step_for(0, 3600, 0), 1, 0);
	assert_near(prom_step_for(0, NAN, 10), 1, 0);
	assert_near(prom_step_for(0, 86400 * 30, 240), 10800, 0);
}

static void test_rfc3339(void **state)
{
	(void)state;
	double t;
	assert_int_equal(rfc3339_parse("2017-01-17T15:07:44.723715405+01:00", &t), 0);
	assert_near(t, 1484662064.723715405, 1e-6);
	assert_int_equal(rfc3339_parse("1970-01-01T00:00:00Z", &t), 0);
	assert_near(t, 0, 0);
	assert_int_equal(rfc3339_parse("2018-07-04T20:27:12.60602144+02:00", &t), 0);
	assert_near(t, 1530728832.60602144, 1e-6);
	assert_int_equal(rfc3339_parse("2024-02-29T23:59:59.999Z", &t), 0);
	assert_near(t, 1709251199.999, 1e-6);
	assert_int_equal(rfc3339_parse("2000-03-01t05:30:00-05:30", &t), 0);
	assert_near(t, 951908400, 0);
	assert_int_equal(rfc3339_parse("2100-12-31 23:59:60z", &t), 0);
	assert_near(t, 4133980800.0, 0);
	assert_int_equal(rfc3339_parse("0001-01-01T00:00:00Z", &t), 0);
	assert_near(t, -62135596800.0, 0);

	static const char *const bad[] = {
		"", "2017", "2017-01-17", "2017-01-17T15:07:44", "2017-13-01T00:00:00Z",
		"2017-00-01T00:00:00Z", "2017-02-29T00:00:00Z", "1900-02-29T00:00:00Z",
		"2017-01-32T00:00:00Z", "2017-01-17T24:00:00Z", "2017-01-17T15:60:00Z",
		"2017-01-17T15:07:61Z", "2017-01-17T15:07:44.Z", "2017-01-17T15:07:44Zx",
		"2017-01-17T15:07:44+0100", "2017-01-17T15:07:44+1:00", "2017-1-17T15:07:44Z",
		"0000-01-01T00:00:00Z", " 2017-01-17T15:07:44Z", "2017-01-17X15:07:44Z",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (rfc3339_parse(bad[i], &t) != -1)
			fail_msg("accepted \"%s\"", bad[i]);
	}
	assert_int_equal(rfc3339_parse(NULL, &t), -1);
}

static void test_targets_fixture(void **state)
{
	(void)state;
	size_t len;
	char *body = slurp("targets_docs.json", &len);
	prom_targets_t t;
	char *err = NULL;
	assert_int_equal(prom_parse_targets(body, len, 200, &t, &err), 0);
	assert_null(err);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.n_dropped, 1);
	const prom_target_t *x = &t.v[0];
	assert_string_equal(x->job, "prometheus");
	assert_string_equal(x->instance, "127.0.0.1:9090");
	assert_string_equal(x->scrape_pool, "prometheus");
	assert_string_equal(x->scrape_url, "http://127.0.0.1:9090/metrics");
	assert_string_equal(x->health, "up");
	assert_string_equal(x->last_error, "");
	assert_string_equal(x->scrape_interval, "1m");
	assert_near(x->last_scrape, 1484662064.723715405, 1e-6);
	assert_near(x->last_scrape_duration, 0.050688943, 1e-12);
	/* every label and discovered label, for the details box */
	assert_int_equal(x->labels.n, 2);
	assert_string_equal(labels_get(&x->labels, "instance"), "127.0.0.1:9090");
	assert_string_equal(labels_get(&x->labels, "job"), "prometheus");
	assert_int_equal(x->discovered.n, 4);
	assert_string_equal(labels_get(&x->discovered, "__metrics_path__"), "/metrics");
	assert_string_equal(labels_get(&x->discovered, "__address__"), "127.0.0.1:9090");
	assert_string_equal(x->global_url, "http://example-prometheus:9090/metrics");
	assert_string_equal(x->scrape_timeout, "10s");
	assert_string_equal(x->last_scrape_text, "2017-01-17T15:07:44.723715405+01:00");
	prom_targets_free(&t);
	assert_int_equal(t.n, 0);
	assert_null(t.v);
	free(body);
}

/* What a query URL carries for a time, as a number: the JSON prints it. */
static void test_time_sent(void **state)
{
	(void)state;
	assert_true(prom_time_sent(1764452345.1234567) == 1764452345.123);
	assert_true(prom_time_sent(1764452345.9996) == 1764452346.0);
	assert_true(prom_time_sent(1764452345) == 1764452345.0);
	assert_true(prom_time_sent(NAN) == 0);
	char *u = prom_url_query("http://h", "up", 1764452345.1234567);
	assert_string_equal(u, "http://h/api/v1/query?query=up&time=1764452345.123");
	assert_true(strtod(strstr(u, "time=") + 5, NULL) == prom_time_sent(1764452345.1234567));
	free(u);
}

static void test_targets_constructed(void **state)
{
	(void)state;
	prom_targets_t t;
	char *err = NULL;
	const char *b =
		"{\"status\":\"success\",\"data\":{\"activeTargets\":["
		"{\"labels\":{\"job\":\"icnsim\",\"instance\":\"127.0.0.1:1\"},\"health\":\"down\","
		"\"lastError\":\"Get \\\"http://127.0.0.1:1/metrics\\\": connection refused\","
		"\"lastScrape\":\"0001-01-01T00:00:00Z\",\"lastScrapeDuration\":0},"
		"{\"scrapePool\":\"p\",\"lastScrapeDuration\":2,"
		"\"lastScrape\":\"2024-01-01T00:00:00Z\"}],"
		"\"droppedTargets\":[],\"droppedTargetCounts\":{\"a\":3,\"b\":4}}}";
	assert_int_equal(prom_parse_targets(b, strlen(b), 200, &t, &err), 0);
	assert_int_equal(t.n, 2);
	assert_int_equal(t.n_dropped, 7);
	assert_string_equal(t.v[0].health, "down");
	assert_string_equal(t.v[0].last_error,
			    "Get \"http://127.0.0.1:1/metrics\": connection refused");
	assert_near(t.v[0].last_scrape, 0, 0); /* never */
	/* absent fields are empty strings, never NULL */
	assert_string_equal(t.v[1].job, "");
	assert_string_equal(t.v[1].instance, "");
	assert_string_equal(t.v[1].health, "unknown");
	assert_string_equal(t.v[1].scrape_url, "");
	assert_string_equal(t.v[1].scrape_pool, "p");
	assert_near(t.v[1].last_scrape, 1704067200, 0);
	assert_near(t.v[1].last_scrape_duration, 2, 0);
	prom_targets_free(&t);

	static const char *const bad[] = {
		"{\"status\":\"success\",\"data\":{\"activeTargets\":[{\"labels\":{\"a\":1}}]}}",
		"{\"status\":\"success\",\"data\":{\"activeTargets\":[{\"discoveredLabels\":{\"a\":[]}}]}}",
		"{\"status\":\"success\",\"data\":{\"activeTargets\":{}}}",
		"{\"status\":\"success\",\"data\":{\"activeTargets\":[1]}}",
		"{\"status\":\"success\",\"data\":{\"activeTargets\":[{\"health\":1}]}}",
		"{\"status\":\"success\",\"data\":{\"activeTargets\":[{\"labels\":[]}]}}",
		"{\"status\":\"success\",\"data\":{\"activeTargets\":[{\"labels\":{\"job\":2}}]}}",
		"{\"status\":\"success\",\"data\":{\"activeTargets\":[{\"health\":\"up\"},"
		"{\"lastScrapeDuration\":\"x\"}]}}",
		"{\"status\":\"success\",\"data\":{\"activeTargets\":[{\"lastScrape\":5}]}}",
		"{\"status\":\"success\",\"data\":{\"droppedTargets\":3}}",
		"{\"status\":\"success\",\"data\":[]}",
		"{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"x\"}",
		"<html>",
		"",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		err = NULL;
		assert_int_equal(prom_parse_targets(bad[i], strlen(bad[i]), 200, &t, &err), -1);
		assert_non_null(err);
		assert_int_equal(t.n, 0);
		assert_null(t.v);
		free(err);
	}
	assert_int_equal(prom_parse_targets("<html>", 6, 502, &t, &err), -1);
	assert_string_equal(err, "HTTP 502: <html>");
	free(err);
}

/* Random byte damage to real payloads: any outcome but a crash, a leak or a
 * success without a result is fine (ASan/UBSan watch the rest). */
static void test_mutations(void **state)
{
	(void)state;
	static const char *const names[] = { "query_range_matrix_docs.json",
					     "query_openapi_200_histogramResult.json",
					     "targets_docs.json" };
	static const char junk[] = "\"{}[],:0-.eE\\u\x00\xff \n";
	unsigned seed = 1;
	for (size_t k = 0; k < 3; k++) {
		size_t len;
		char *body = slurp(names[k], &len);
		char *copy = xmalloc(len);
		for (int round = 0; round < 3000; round++) {
			memcpy(copy, body, len);
			for (int m = 0; m < 1 + round % 3; m++) {
				seed = seed * 1103515245u + 12345u;
				size_t at = (seed >> 8) % len;
				seed = seed * 1103515245u + 12345u;
				copy[at] = junk[(seed >> 8) % (sizeof junk - 1)];
			}
			char *err = NULL;
			if (k < 2) {
				prom_result_t r;
				int rc = prom_parse_query(copy, len, 200, &r, &err);
				assert_true(rc == 0 ? err == NULL : err != NULL);
				prom_result_free(&r);
			} else {
				prom_targets_t t;
				int rc = prom_parse_targets(copy, len, 200, &t, &err);
				assert_true(rc == 0 ? err == NULL : err != NULL);
				prom_targets_free(&t);
			}
			free(err);
		}
		free(copy);
		free(body);
	}
}

/* Two results hold the same series, in the same order. */
static void assert_same_result(const prom_result_t *a, const prom_result_t *b)
{
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->set.n, b->set.n);
	assert_int_equal(a->n_series_total, b->n_series_total);
	assert_int_equal(a->n_warnings, b->n_warnings);
	for (size_t i = 0; i < a->set.n; i++) {
		const series_t *x = &a->set.v[i], *y = &b->set.v[i];
		char *lx = labels_format(&x->labels), *ly = labels_format(&y->labels);
		assert_string_equal(lx, ly);
		free(lx);
		free(ly);
		assert_int_equal(x->n, y->n);
		for (size_t j = 0; j < x->n; j++) {
			assert_memory_equal(&x->samples[j].t, &y->samples[j].t, sizeof(double));
			assert_memory_equal(&x->samples[j].v, &y->samples[j].v, sizeof(double));
		}
	}
	for (size_t i = 0; i < a->n_warnings; i++)
		assert_string_equal(a->warnings[i], b->warnings[i]);
}

/* Big answers are decoded element by element (skimmed). On every fixture and
 * on thousands of mutations of them, the skim agrees with the whole decode:
 * never stricter, and the same series whenever both succeed. */
static void test_skim_agrees(void **state)
{
	(void)state;
	static const char *const names[] = { "query_vector_docs.json", "query_range_matrix_docs.json",
					     "query_openapi_200_histogramResult.json",
					     "query_openapi_200_scalarResult.json",
					     "error_openapi_tsdbNotReady.json" };
	static const char junk[] = "\"{}[],:0 a\\";
	prom_parse_opts_t sk = { 0 };
	sk.skim = 1;
	unsigned seed = 7;
	for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
		size_t len;
		char *body = slurp(names[k], &len);
		char *copy = xmalloc(len);
		for (int round = 0; round < 2000; round++) {
			memcpy(copy, body, len);
			for (int m = 0; round && m < 1 + round % 3; m++) {
				seed = seed * 1103515245u + 12345u;
				size_t at = (seed >> 8) % len;
				seed = seed * 1103515245u + 12345u;
				copy[at] = junk[(seed >> 8) % (sizeof junk - 1)];
			}
			prom_result_t w, s;
			char *ew = NULL, *es = NULL;
			int rw = prom_parse_query(copy, len, 200, &w, &ew);
			int rs = prom_parse_query_opts(copy, len, 200, &sk, &s, &es);
			if (round == 0 && k < 4)
				assert_int_equal(rw, 0);
			if (rw == 0) {
				if (rs != 0)
					fail_msg("%s round %d: skim failed (%s) where the whole decode did not",
						 names[k], round, es);
				assert_same_result(&w, &s);
			}
			assert_true(rs == 0 ? es == NULL : es != NULL);
			prom_result_free(&w);
			prom_result_free(&s);
			free(ew);
			free(es);
		}
		free(copy);
		free(body);
	}
}

static double rank_neg(double v, void *ud)
{
	(void)ud;
	return -v; /* "< X" thresholds: the lowest is the worst */
}

/* A 150,000-series answer with a cap of 200: the 200 worst are kept, worst
 * first, ties by labels; the count and the sum cover every series. */
static void test_series_cap(void **state)
{
	(void)state;
	strbuf_t b;
	sb_init(&b);
	sb_puts(&b, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[");
	double sum = 0;
	for (int i = 0; i < 150000; i++) {
		int v = i % 100000; /* 0 to 49999 twice, the rest once */
		sum += v;
		sb_printf(&b, "%s{\"metric\":{\"__name__\":\"m\",\"pod\":\"p%06d\"},"
			      "\"value\":[1700000000,\"%d\"]}", i ? "," : "", i, v);
	}
	sb_puts(&b, ",{\"metric\":{\"pod\":\"nan\"},\"value\":[1700000000,\"NaN\"]}");
	sb_puts(&b, "]},\"warnings\":[\"w\"]}");
	assert_true(b.len > (1u << 20)); /* skimmed without being asked */

	prom_parse_opts_t o = { 0 };
	o.max_series = 200;
	prom_result_t r;
	char *err = NULL;
	assert_int_equal(prom_parse_query_opts(b.s, b.len, 200, &o, &r, &err), 0);
	assert_int_equal(r.set.n, 200);
	assert_int_equal(r.n_series_total, 150001);
	assert_near(r.sum_all, sum, 0);
	assert_int_equal(r.n_warnings, 1);
	for (size_t i = 0; i < 200; i++)
		assert_near(series_last(&r.set.v[i]), 99999 - (double)i, 0);
	prom_result_free(&r);

	/* the other way round: the lowest are the worst; NaN is never the worst */
	o.rank = rank_neg;
	o.max_series = 3;
	assert_int_equal(prom_parse_query_opts(b.s, b.len, 200, &o, &r, &err), 0);
	assert_int_equal(r.set.n, 3);
	assert_near(series_last(&r.set.v[0]), 0, 0);
	assert_near(series_last(&r.set.v[1]), 0, 0);
	assert_near(series_last(&r.set.v[2]), 1, 0);
	/* the tie goes by labels: the smaller pod name first */
	assert_string_equal(labels_get(&r.set.v[0].labels, "pod"), "p000000");
	assert_string_equal(labels_get(&r.set.v[1].labels, "pod"), "p100000");
	prom_result_free(&r);

	/* a cap larger than the answer keeps the answer's order */
	o.max_series = 0;
	o.rank = NULL;
	assert_int_equal(prom_parse_query_opts(b.s, b.len, 200, &o, &r, &err), 0);
	assert_int_equal(r.set.n, 150001);
	assert_string_equal(labels_get(&r.set.v[0].labels, "pod"), "p000000");
	prom_result_free(&r);

	/* a big answer cut short is an error, not a partial result */
	assert_int_equal(prom_parse_query_opts(b.s, b.len / 2, 200, &o, &r, &err), -1);
	assert_non_null(err);
	assert_int_equal(r.set.n, 0);
	free(err);
	sb_free(&b);
}

/* Big bodies are never decoded as one jansson tree, whatever they hold: an
 * error envelope, a proxy's page, one enormous series. */
static void test_big_not_success(void **state)
{
	(void)state;
	strbuf_t b;
	prom_result_t r;
	char *err = NULL;
	sb_init(&b);
	sb_puts(&b, "{\"status\":\"error\",\"errorType\":\"execution\",\"error\":\"too many samples\",\"data\":[");
	for (int i = 0; i < 200000; i++)
		sb_printf(&b, "%s%d", i ? "," : "", i);
	sb_puts(&b, "]}");
	assert_true(b.len > (1u << 20));
	assert_int_equal(prom_parse_query_opts(b.s, b.len, 422, NULL, &r, &err), -1);
	assert_string_equal(err, "execution: too many samples");
	assert_int_equal(r.not_api, 0);
	free(err);

	sb_free(&b);
	sb_puts(&b, "<html><head><title>502 Bad Gateway</title></head><body>");
	for (int i = 0; i < 100000; i++)
		sb_puts(&b, "<p>padding</p>");
	sb_puts(&b, "</body></html>");
	assert_int_equal(prom_parse_query_opts(b.s, b.len, 502, NULL, &r, &err), -1);
	assert_true(strncmp(err, "HTTP 502: <html><head><title>502 Bad Gateway</title>", 52) == 0);
	assert_true(strlen(err) <= 10 + 200); /* the page's start, not the page */
	assert_int_equal(r.not_api, 1);
	free(err);

	/* one series of 5 MB: refused, not decoded */
	sb_free(&b);
	sb_puts(&b, "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":["
		    "{\"metric\":{},\"values\":[");
	for (int i = 0; i < 300000; i++)
		sb_printf(&b, "%s[%d,\"1\"]", i ? "," : "", 1700000000 + i);
	sb_puts(&b, "]}]}}");
	assert_true(b.len > (4u << 20));
	assert_int_equal(prom_parse_query_opts(b.s, b.len, 200, NULL, &r, &err), -1);
	assert_non_null(strstr(err, "data.result[0]: one series of 5 MB"));
	free(err);

	/* a big scalar answer (warnings padding it) still reads */
	sb_free(&b);
	sb_puts(&b, "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"2.5\"]},\"warnings\":[\"");
	for (int i = 0; i < 200000; i++)
		sb_puts(&b, "warn ");
	sb_puts(&b, "\"]}");
	assert_int_equal(prom_parse_query_opts(b.s, b.len, 200, NULL, &r, &err), 0);
	assert_int_equal(r.type, PROM_SCALAR);
	assert_near(series_last(&r.set.v[0]), 2.5, 0);
	assert_int_equal(r.n_warnings, 1);
	prom_result_free(&r);
	sb_free(&b);
}

/* A capped answer still knows the sum, min, max and count of all its series,
 * NaN left out and Inf counted as a reduction does. */
static void test_cap_keeps_aggregates(void **state)
{
	(void)state;
	prom_parse_opts_t o = { 0 };
	o.max_series = 2;
	prom_result_t r;
	char *err = NULL;
	const char *body = "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
			   "{\"metric\":{\"a\":\"1\"},\"value\":[1,\"1\"]},"
			   "{\"metric\":{\"a\":\"2\"},\"value\":[1,\"NaN\"]},"
			   "{\"metric\":{\"a\":\"3\"},\"value\":[1,\"-4\"]},"
			   "{\"metric\":{\"a\":\"4\"},\"value\":[1,\"9\"]},"
			   "{\"metric\":{\"a\":\"5\"},\"value\":[1,\"2\"]}]}}";
	assert_int_equal(prom_parse_query_opts(body, strlen(body), 200, &o, &r, &err), 0);
	assert_int_equal(r.set.n, 2);
	assert_int_equal(r.n_series_total, 5);
	assert_int_equal(r.n_num, 4);
	assert_near(r.sum_num, 8, 0);
	assert_near(r.sum_all, 8, 0);
	assert_near(r.min_all, -4, 0);
	assert_near(r.max_all, 9, 0);
	prom_result_free(&r);
}

/* Under a locale with a decimal comma, numbers still read and print with '.'. */
static void test_locale_independent(void **state)
{
	(void)state;
	static const char *const comma[] = { "de_DE.UTF-8", "de_DE.utf8", "fr_FR.UTF-8",
					     "nl_NL.UTF-8" };
	const char *got = NULL;
	for (size_t i = 0; i < 4 && !got; i++)
		got = setlocale(LC_NUMERIC, comma[i]);
	/* cmocka 1.1.5 reports skip() as "not ok # SKIP", which TAP counts as a
	 * failure: without such a locale the checks run under "C" and say so. */
	if (!got)
		print_message("# no decimal-comma locale installed: checked under C\n");
	prom_result_t r;
	parse_ok("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":["
		 "{\"metric\":{},\"value\":[1435781451.781,\"0.5\"]}]}}",
		 &r);
	assert_near(r.set.v[0].samples[0].v, 0.5, 0);
	assert_near(r.set.v[0].samples[0].t, 1435781451.781, 1e-6);
	prom_result_free(&r);
	char *u = prom_url_query_range("http://h", "up", 1.5, 2.25, 0.5);
	assert_string_equal(u, "http://h/api/v1/query_range?query=up&start=1.5&end=2.25&step=0.5");
	free(u);
	setlocale(LC_NUMERIC, "C");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixture_vector),
		cmocka_unit_test(test_fixture_matrix),
		cmocka_unit_test(test_fixture_scalar),
		cmocka_unit_test(test_fixture_histogram),
		cmocka_unit_test(test_fixture_error),
		cmocka_unit_test(test_fixture_not_query),
		cmocka_unit_test(test_special_values),
		cmocka_unit_test(test_bad_values),
		cmocka_unit_test(test_warnings_infos),
		cmocka_unit_test(test_error_envelopes),
		cmocka_unit_test(test_non_json),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_wrong_types),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_huge_matrix),
		cmocka_unit_test(test_escaped_labels),
		cmocka_unit_test(test_string_and_mixed),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_step_for),
		cmocka_unit_test(test_rfc3339),
		cmocka_unit_test(test_targets_fixture),
		cmocka_unit_test(test_targets_constructed),
		cmocka_unit_test(test_time_sent),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_locale_independent),
		cmocka_unit_test(test_skim_agrees),
		cmocka_unit_test(test_series_cap),
		cmocka_unit_test(test_big_not_success),
		cmocka_unit_test(test_cap_keeps_aggregates),
	};
	return cmocka_run_group_tests_name("prom", tests, NULL, NULL);
}
