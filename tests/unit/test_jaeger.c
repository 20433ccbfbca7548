/* Unit tests of the Jaeger module: the real payloads of both APIs, hand-made
 * OTLP answers, error texts, URLs, durations, logfmt tags, and mutated bodies. */
#include "config.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "backend/jaeger.h"
#include "core/xalloc.h"
#include "fixture.h"

static char *slurp(const char *name, size_t *len)
{
	char *rel = xasprintf("jaeger/%s", name);
	char *body = fixture_read(rel, len);
	free(rel);
	return body;
}

static trace_t **traces_ok(const char *body, size_t len, long status, size_t *n)
{
	trace_t **v = NULL;
	char *err = NULL;
	if (jaeger_parse_traces(body, len, status, &v, n, &err) != 0)
		fail_msg("parse failed: %s", err ? err : "(no message)");
	assert_null(err);
	return v;
}

static void traces_fail(const char *body, long status, const char *want)
{
	trace_t **v = (trace_t **)1;
	size_t n = 7;
	char *err = NULL;
	assert_int_equal(jaeger_parse_traces(body, strlen(body), status, &v, &n, &err), -1);
	assert_null(v);
	assert_int_equal(n, 0);
	assert_non_null(err);
	if (!strstr(err, want))
		fail_msg("message \"%s\" lacks \"%s\"", err, want);
	free(err);
	assert_int_equal(jaeger_parse_traces(body, strlen(body), status, &v, &n, NULL), -1);
}

static const trace_span_t *span_at(const trace_t *t, size_t i)
{
	assert_true(i < t->n_spans);
	return &t->spans[i];
}

static int has_warning(const trace_t *t, const char *part)
{
	for (size_t i = 0; i < t->n_warnings; i++)
		if (strstr(t->warnings[i], part))
			return 1;
	return 0;
}

static const trace_kv_t *tag(const trace_span_t *s, const char *key)
{
	for (uint32_t i = 0; i < s->n_tags; i++)
		if (!strcmp(s->tags[i].key, key))
			return &s->tags[i];
	fail_msg("no tag %s", key);
	return NULL;
}

static void expect_tag(const trace_span_t *s, const char *key, trace_kv_type_t type, const char *value)
{
	const trace_kv_t *kv = tag(s, key);
	if (kv->type != type || strcmp(kv->value, value))
		fail_msg("tag %s: type %d value \"%s\", want %d \"%s\"", key, kv->type, kv->value, type, value);
}

static void check_ui01(trace_t *t)
{
	assert_string_equal(t->trace_id, "0000000000000001");
	assert_int_equal(t->n_spans, 5);
	assert_int_equal(t->n_roots, 2);
	/* two spans share id ...2: the first is the parent of ...3 and ...4 */
	const char *ops[] = { "test-general-conversion", "some-operation", "reference-test",
			      "preserveParentID-test", "some-operation" };
	const char *ids[] = { "0000000000000002", "0000000000000003", "0000000000000004",
			      "0000000000000005", "0000000000000002" };
	const uint32_t depth[] = { 0, 1, 1, 2, 0 };
	for (size_t i = 0; i < 5; i++) {
		assert_string_equal(span_at(t, i)->operation, ops[i]);
		assert_string_equal(span_at(t, i)->span_id, ids[i]);
		assert_int_equal(span_at(t, i)->depth, depth[i]);
	}
	assert_true(span_at(t, 4)->dup);
	assert_int_equal(trace_find_span(t, "0000000000000002"), 0);
	/* ...4 names a span of another trace first, then CHILD_OF and FOLLOWS_FROM ...2 */
	assert_int_equal(span_at(t, 2)->parent, 0);
	assert_int_equal(span_at(t, 2)->parent_kind, TRACE_CHILD_OF);
	assert_false(span_at(t, 2)->orphan);
	assert_int_equal(span_at(t, 2)->n_refs, 3);
	assert_int_equal(span_at(t, 3)->parent, 2);
	assert_int_equal(span_at(t, 0)->start_us, 1485467191639875);
	assert_int_equal(span_at(t, 3)->duration_us, 4);
	/* processes */
	assert_string_equal(trace_span_service(t, span_at(t, 0)), "service-x");
	assert_string_equal(trace_span_service(t, span_at(t, 1)), "service-y");
	assert_int_equal(t->n_services, 2);
	/* typed tags */
	const trace_span_t *s = span_at(t, 4);
	assert_int_equal(s->n_tags, 6);
	assert_string_equal(tag(s, "peer.service")->value, "service-y");
	expect_tag(s, "peer.ipv4", TRACE_KV_INT, "23456");
	expect_tag(s, "error", TRACE_KV_BOOL, "true");
	expect_tag(s, "temperature", TRACE_KV_FLOAT, "72.5");
	expect_tag(s, "javascript_limit", TRACE_KV_INT, "9223372036854775222");
	expect_tag(s, "blob", TRACE_KV_BINARY, "AAAwOQ==");
	assert_true(s->error);
	assert_int_equal(t->n_errors, 1);
	/* logs */
	s = span_at(t, 0);
	assert_int_equal(s->n_events, 2);
	assert_int_equal(s->events[0].ts_us, 1485467191639875);
	assert_string_equal(s->events[0].fields[0].key, "event");
	assert_string_equal(s->events[0].fields[0].value, "some-event");
	assert_string_equal(s->events[1].fields[0].value, "y");
	/* warnings: the trace's, the spans', the builder's */
	assert_true(has_warning(t, "some trace warning"));
	assert_true(has_warning(t, "span 0000000000000005: some span warning"));
	assert_true(has_warning(t, "span 0000000000000002 appears twice"));
	/* critical: the first root and the child that ends last (...3 and ...4
	 * tie: the first by id); the second root */
	assert_true(span_at(t, 0)->critical);
	assert_true(span_at(t, 1)->critical);
	assert_false(span_at(t, 2)->critical);
	assert_true(span_at(t, 4)->critical);
}

static void test_v1_fixture(void **state)
{
	(void)state;
	size_t len, n;
	char *tr = slurp("trace_ui_model_fixture_ui_01.json", &len);
	/* one Trace alone, as the UI saves it */
	trace_t **v = traces_ok(tr, len, 0, &n);
	assert_int_equal(n, 1);
	check_ui01(v[0]);
	jaeger_traces_free(v, n);
	/* in the envelope, twice */
	char *body = xasprintf("{\"data\":[%s,%s],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}", tr,
			       tr);
	v = traces_ok(body, strlen(body), 200, &n);
	assert_int_equal(n, 2);
	check_ui01(v[0]);
	check_ui01(v[1]);
	trace_summary_t sum;
	trace_summarize(v[1], &sum);
	assert_string_equal(sum.root_operation, "test-general-conversion");
	assert_string_equal(sum.services, "service-x, service-y");
	assert_int_equal(sum.duration_us, 5);
	trace_summary_free(&sum);
	jaeger_traces_free(v, n);
	free(body);
	/* errors beside the data: not walked, decoded whole; the same trace, and
	 * what the errors say as a warning */
	body = xasprintf("{\"data\":[%s],\"errors\":[{\"code\":500,\"msg\":\"one trace is missing\"}]}", tr);
	v = traces_ok(body, strlen(body), 200, &n);
	assert_int_equal(n, 1);
	check_ui01(v[0]);
	assert_true(has_warning(v[0], "the answer also says: one trace is missing"));
	jaeger_traces_free(v, n);
	free(body);
	free(tr);
}

static void check_v3_fixture(const char *name)
{
	size_t len, n;
	char *body = slurp(name, &len);
	trace_t **v = traces_ok(body, len, 200, &n);
	assert_int_equal(n, 1);
	trace_t *t = v[0];
	assert_string_equal(t->trace_id, "00000000000000000000000000000001");
	assert_int_equal(t->n_spans, 1);
	const trace_span_t *s = span_at(t, 0);
	assert_string_equal(s->span_id, "0000000000000002");
	assert_string_equal(s->operation, "foobar");
	assert_string_equal(tag(s, "span.kind")->value, "server");
	assert_string_equal(tag(s, "otel.status_code")->value, "ERROR");
	assert_true(s->status_error);
	assert_true(s->error);
	assert_int_equal(t->n_errors, 1);
	assert_string_equal(trace_span_service(t, s), "");
	jaeger_traces_free(v, n);
	free(body);
}

static void test_v3_fixtures(void **state)
{
	(void)state;
	check_v3_fixture("apiv3_snapshot_GetTrace.json");
	check_v3_fixture("apiv3_snapshot_FindTraces.json");
}

static void test_not_found(void **state)
{
	(void)state;
	size_t len, n = 9;
	char *body = slurp("error_trace_not_found_DERIVED.json", &len);
	trace_t **v = traces_ok(body, len, 404, &n);
	assert_int_equal(n, 0);
	assert_null(v);
	v = traces_ok(body, len, 200, &n);
	assert_int_equal(n, 0);
	free(body);
	const char *v3 = "{\"error\":{\"httpCode\":404,\"message\":\"No traces found\"}}";
	v = traces_ok(v3, strlen(v3), 404, &n);
	assert_int_equal(n, 0);
	const char *empty[] = { "{\"data\":[]}", "{\"data\":null,\"errors\":null}", "{\"result\":{}}",
				"{\"result\":{\"resourceSpans\":[]}}" };
	for (size_t i = 0; i < sizeof empty / sizeof empty[0]; i++) {
		v = traces_ok(empty[i], strlen(empty[i]), 200, &n);
		assert_int_equal(n, 0);
		assert_null(v);
	}
}

static void test_trace_errors(void **state)
{
	(void)state;
	traces_fail("{\"data\":null,\"total\":0,\"limit\":0,\"offset\":0,\"errors\":[{\"code\":400,\"msg\":"
		    "\"parameter 'service' is required\"}]}\n",
		    400, "HTTP 400: parameter 'service' is required");
	traces_fail("{\"error\":{\"httpCode\":400,\"message\":\"malformed parameter query.startTimeMin\"}}",
		    400, "HTTP 400: malformed parameter query.startTimeMin");
	traces_fail("<!DOCTYPE html><html><body>Grafana</body></html>", 200,
		    "not a Jaeger API (an HTML page)");
	traces_fail("<html><head><title>502</title></head></html>", 502,
		    "HTTP 502: not a Jaeger API (an HTML page)");
	traces_fail("{\"data\":[", 200, "invalid JSON: ");
	traces_fail("", 200, "empty response body");
	traces_fail("[1,2]", 200, "not a Jaeger answer: not a JSON object");
	traces_fail("{\"status\":\"success\"}", 200, "not a Jaeger answer: no data, result");
	traces_fail("{\"data\":5}", 200, "not a Jaeger answer: data or result of another shape");
	traces_fail("{\"data\":null,\"errors\":[{\"code\":500,\"msg\":\"storage down\"}]}", 200,
		    "storage down");
	traces_fail("upstream connect error", 503, "HTTP 503: upstream connect error");
	traces_fail("", 504, "HTTP 504: gateway timeout");
	traces_fail("{\"result\":{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"xyz!\"}]}]}]}}",
		    200, "none has a valid trace id");
}

static void test_error_message(void **state)
{
	(void)state;
	char *m = jaeger_error_message(0, "plain\ttext \x1b[31m red\n", 22);
	assert_string_equal(m, "plain text ?[31m red");
	free(m);
	m = jaeger_error_message(0, NULL, 0);
	assert_string_equal(m, "empty response body");
	free(m);
	m = jaeger_error_message(401, "", 0);
	assert_true(strstr(m, "HTTP 401: unauthorized (the credentials") == m);
	free(m);
	m = jaeger_error_message(404, "  \n<!doctype HTML>\n<title>x</title>", 35);
	assert_string_equal(m, "HTTP 404: not a Jaeger API (an HTML page)");
	free(m);
	/* two errors: the first and a count */
	const char *two = "{\"errors\":[{\"code\":500,\"msg\":\"a\"},{\"code\":500,\"msg\":\"b\"}]}";
	m = jaeger_error_message(500, two, strlen(two));
	assert_string_equal(m, "HTTP 500: a (and 1 more error)");
	free(m);
	/* long: cut with "...", every byte printable */
	char big[2000];
	memset(big, 'x', sizeof big);
	big[100] = '\x01';
	m = jaeger_error_message(500, big, sizeof big);
	assert_int_equal(strlen(m), strlen("HTTP 500: ") + JAEGER_ERROR_MAX + 3);
	assert_string_equal(m + strlen(m) - 3, "...");
	assert_null(strchr(m, '\x01'));
	free(m);
	/* a NUL inside */
	m = jaeger_error_message(0, "a\0b", 3);
	assert_string_equal(m, "a b");
	free(m);
}

static void names(const char *body, long status, const char *want_joined)
{
	char **v = NULL, *err = NULL;
	size_t n = 0;
	if (jaeger_parse_names(body, strlen(body), status, &v, &n, &err) != 0)
		fail_msg("names failed: %s", err);
	strbuf_t b;
	sb_init(&b);
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_puts(&b, ",");
		sb_puts(&b, v[i]);
	}
	if (strcmp(b.s ? b.s : "", want_joined))
		fail_msg("names \"%s\", want \"%s\"", b.s ? b.s : "", want_joined);
	sb_free(&b);
	jaeger_names_free(v, n);
}

static void names_fail(const char *body, long status, const char *want)
{
	char **v = NULL, *err = NULL;
	size_t n = 3;
	assert_int_equal(jaeger_parse_names(body, strlen(body), status, &v, &n, &err), -1);
	assert_null(v);
	assert_int_equal(n, 0);
	if (!err || !strstr(err, want))
		fail_msg("message \"%s\" lacks \"%s\"", err ? err : "(none)", want);
	free(err);
}

static void test_names(void **state)
{
	(void)state;
	size_t len;
	char *body = slurp("services_captured.json", &len);
	names(body, 200, "backend-service,frontend-service,jaeger-all-in-one");
	free(body);
	body = slurp("services_empty_captured_pre_2026.json", &len);
	names(body, 200, "");
	free(body);
	names("{\"data\":[]}", 200, "");
	names("{\"data\":[\"b\",\"a\",\"b\"]}", 200, "a,b");
	names("{\"data\":[{\"name\":\"GET /x\",\"spanKind\":\"server\"},{\"name\":\"db\",\"spanKind\":"
	      "\"client\"},{\"name\":\"GET /x\",\"spanKind\":\"client\"}]}",
	      200, "GET /x,db");
	names("{\"services\":[\"icn-vortex\",\"icn-director\"]}", 200, "icn-director,icn-vortex");
	names("{\"operations\":[{\"name\":\"bft.round\",\"spanKind\":\"internal\"},{\"name\":"
	      "\"vortex.generate\",\"spanKind\":\"\"}]}",
	      200, "bft.round,vortex.generate");
	names("{\"services\":null}", 200, "");
	names_fail("{\"data\":null,\"errors\":[{\"code\":500,\"msg\":\"no storage\"}]}", 200, "no storage");
	names_fail("{\"error\":{\"httpCode\":400,\"message\":\"bad\"}}", 400, "HTTP 400: bad");
	names_fail("{\"data\":{}}", 200, "not a Jaeger answer: the list of names is not an array");
	names_fail("{}", 200, "not a Jaeger answer: no data, services or operations");
	/* a list of something else is an error, never an empty Jaeger */
	names_fail("{\"data\":[1,{\"x\":2},null]}", 200, "not a Jaeger answer: element 1 of the list is not a name");
	names_fail("{\"services\":[\"a\",{\"name\":7}]}", 200, "element 2 of the list is not a name");
	names_fail("nope", 200, "invalid JSON");
	names_fail("", 200, "empty response body");
	names_fail("<html></html>", 502, "HTTP 502: not a Jaeger API (an HTML page)");
}

/* An OTLP answer: two resources, two traces interleaved, every value kind,
 * base64 ids as protojson writes them, times as strings and as numbers. */
static const char otlp[] =
	"{\"result\":{\"resourceSpans\":["
	"{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"icn-director\"}},"
	"{\"key\":\"host.name\",\"value\":{\"stringValue\":\"sn-1\"}}]},"
	"\"scopeSpans\":[{\"scope\":{\"name\":\"icn.bft\"},\"spans\":["
	"{\"traceId\":\"0AF7651916CD43DD8448EB211C80319C\",\"spanId\":\"b7ad6b7169203331\","
	"\"name\":\"recipe received\",\"kind\":2,\"startTimeUnixNano\":\"1700000000000000000\","
	"\"endTimeUnixNano\":\"1700000000900000000\",\"status\":{}},"
	"{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"00f067aa0ba902b7\","
	"\"parentSpanId\":\"b7ad6b7169203331\",\"name\":\"bft.coordinate\",\"kind\":1,"
	"\"startTimeUnixNano\":1700000000500000000,\"endTimeUnixNano\":1700000000800000000,"
	"\"attributes\":[{\"key\":\"s\",\"value\":{\"stringValue\":\"x\"}},"
	"{\"key\":\"i\",\"value\":{\"intValue\":\"9007199254740993\"}},"
	"{\"key\":\"b\",\"value\":{\"boolValue\":true}},"
	"{\"key\":\"d\",\"value\":{\"doubleValue\":0.25}},"
	"{\"key\":\"y\",\"value\":{\"bytesValue\":\"AAE=\"}},"
	"{\"key\":\"a\",\"value\":{\"arrayValue\":{\"values\":[{\"stringValue\":\"p\"},{\"intValue\":\"2\"}]}}},"
	"{\"key\":\"k\",\"value\":{\"kvlistValue\":{\"values\":[{\"key\":\"q\",\"value\":{\"boolValue\":false}}]}}}],"
	"\"events\":[{\"timeUnixNano\":\"1700000000700000000\",\"name\":\"late\"},"
	"{\"timeUnixNano\":\"1700000000600000000\",\"name\":\"round failed\",\"attributes\":"
	"[{\"key\":\"reason\",\"value\":{\"stringValue\":\"timeout\"}}]}],"
	"\"status\":{\"code\":2,\"message\":\"quorum lost\"}}]}]},"
	"{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":\"icn-vortex\"}}]},"
	"\"scopeSpans\":[{\"spans\":["
	/* trace 2, ids in base64: 16 bytes 0..15, 8 bytes 0xff.. */
	"{\"traceId\":\"AAECAwQFBgcICQoLDA0ODw==\",\"spanId\":\"//////////8=\",\"name\":\"other\","
	"\"startTimeUnixNano\":\"1700000001000000000\",\"endTimeUnixNano\":\"1700000001000001000\"},"
	"{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"1111111111111111\","
	"\"parentSpanId\":\"b7ad6b7169203331\",\"name\":\"vortex.generate\",\"kind\":3,"
	"\"startTimeUnixNano\":\"1700000000100000000\",\"endTimeUnixNano\":\"1700000000400000000\","
	"\"links\":[{\"traceId\":\"0af7651916cd43dd8448eb211c80319c\",\"spanId\":\"00f067aa0ba902b7\"}]}"
	"]}]}]}}";

static void check_otlp(const char *body)
{
	size_t n;
	trace_t **v = traces_ok(body, strlen(body), 200, &n);
	assert_int_equal(n, 2);
	trace_t *t = v[0];
	assert_string_equal(t->trace_id, "0af7651916cd43dd8448eb211c80319c");
	assert_int_equal(t->n_spans, 3);
	assert_int_equal(t->n_roots, 1);
	const trace_span_t *root = span_at(t, 0);
	assert_string_equal(root->operation, "recipe received");
	assert_string_equal(trace_span_service(t, root), "icn-director");
	assert_int_equal(root->start_us, 1700000000000000);
	assert_int_equal(root->duration_us, 900000);
	/* children by start: vortex.generate (100 ms), bft.coordinate (500 ms) */
	const trace_span_t *vg = span_at(t, 1), *bc = span_at(t, 2);
	assert_string_equal(vg->operation, "vortex.generate");
	assert_string_equal(trace_span_service(t, vg), "icn-vortex");
	assert_string_equal(tag(vg, "span.kind")->value, "client");
	assert_int_equal(vg->parent, 0);
	assert_int_equal(vg->n_refs, 2);
	assert_int_equal(vg->refs[1].kind, TRACE_FOLLOWS_FROM);
	assert_string_equal(vg->refs[1].span_id, "00f067aa0ba902b7");
	assert_string_equal(bc->operation, "bft.coordinate");
	assert_int_equal(bc->duration_us, 300000);
	assert_string_equal(tag(bc, "span.kind")->value, "internal");
	assert_string_equal(tag(bc, "s")->value, "x");
	expect_tag(bc, "i", TRACE_KV_INT, "9007199254740993");
	expect_tag(bc, "b", TRACE_KV_BOOL, "true");
	expect_tag(bc, "d", TRACE_KV_FLOAT, "0.25");
	expect_tag(bc, "y", TRACE_KV_BINARY, "AAE=");
	assert_string_equal(tag(bc, "a")->value, "[\"p\",2]");
	assert_string_equal(tag(bc, "k")->value, "{\"q\":false}");
	assert_string_equal(tag(bc, "otel.status_code")->value, "ERROR");
	assert_string_equal(tag(bc, "otel.status_description")->value, "quorum lost");
	assert_string_equal(tag(bc, "otel.scope.name")->value, "icn.bft");
	assert_true(bc->error);
	/* events by time; the name is the field "event" */
	assert_int_equal(bc->n_events, 2);
	assert_int_equal(bc->events[0].ts_us, 1700000000600000);
	assert_string_equal(bc->events[0].fields[0].key, "event");
	assert_string_equal(bc->events[0].fields[0].value, "round failed");
	assert_string_equal(bc->events[0].fields[1].key, "reason");
	assert_string_equal(bc->events[0].fields[1].value, "timeout");
	assert_string_equal(bc->events[1].fields[0].value, "late");
	/* the resource's other attributes are the process's tags */
	const trace_proc_t *p = &t->procs[root->proc];
	assert_int_equal(p->n_tags, 1);
	assert_string_equal(p->tags[0].key, "host.name");
	/* from 900 ms: bft.coordinate (800), then from its 500: vortex.generate (400) */
	assert_true(root->critical && bc->critical && vg->critical);

	t = v[1];
	assert_string_equal(t->trace_id, "000102030405060708090a0b0c0d0e0f");
	assert_string_equal(span_at(t, 0)->span_id, "ffffffffffffffff");
	assert_int_equal(span_at(t, 0)->duration_us, 1);
	jaeger_traces_free(v, n);
}

static void test_v3_otlp(void **state)
{
	(void)state;
	/* walked from the text */
	check_otlp(otlp);
	/* decoded whole (an "error" member stops the walk): the same */
	char *whole = xasprintf("{\"error\":null,%s", otlp + 1);
	check_otlp(whole);
	free(whole);
}

static void test_urls(void **state)
{
	(void)state;
	char *u;
#define URL(expr, want)                            \
	do {                                       \
		u = (expr);                        \
		assert_string_equal(u, want);      \
		free(u);                           \
	} while (0)
	URL(jaeger_url_services("http://j:16686/", JAEGER_API_V1), "http://j:16686/api/services");
	URL(jaeger_url_services("http://j:16686/jaeger//", JAEGER_API_V3),
	    "http://j:16686/jaeger/api/v3/services");
	URL(jaeger_url_operations("http://j", JAEGER_API_V1, "icn director/x"),
	    "http://j/api/services/icn%20director%2Fx/operations");
	URL(jaeger_url_operations("http://j", JAEGER_API_V3, "a&b"), "http://j/api/v3/operations?service=a%26b");
	URL(jaeger_url_trace("http://j", JAEGER_API_V1, "0af7651916cd43dd"), "http://j/api/traces/0af7651916cd43dd");
	URL(jaeger_url_trace("http://j/", JAEGER_API_V3, "0af7"), "http://j/api/v3/traces/0af7");

	jaeger_tag_t tags[] = { { "error", "true" }, { "http.url", "/a?b=\"c\"" } };
	jaeger_query_t q = { .service = "icn-director", .operation = "bft.round", .tags = tags,
			     .n_tags = 2, .start_us = 1700000000123456, .end_us = 1700003600000000,
			     .min_duration_us = 1500000, .max_duration_us = 2000, .limit = 50 };
	URL(jaeger_url_search("http://j", JAEGER_API_V1, &q),
	    "http://j/api/traces?service=icn-director&operation=bft.round"
	    "&tags=%7B%22error%22%3A%22true%22%2C%22http.url%22%3A%22%2Fa%3Fb%3D%5C%22c%5C%22%22%7D"
	    "&start=1700000000123456&end=1700003600000000&minDuration=1.5s&maxDuration=2ms&limit=50");
	URL(jaeger_url_search("http://j", JAEGER_API_V3, &q),
	    "http://j/api/v3/traces?query.serviceName=icn-director&query.operationName=bft.round"
	    "&query.startTimeMin=2023-11-14T22%3A13%3A20.123456000Z"
	    "&query.startTimeMax=2023-11-14T23%3A13%3A20.000000000Z"
	    "&query.durationMin=1.5s&query.durationMax=2ms&query.searchDepth=50"
	    "&query.attributes=%7B%22error%22%3A%22true%22%2C%22http.url%22%3A%22%2Fa%3Fb%3D%5C%22c%5C%22%22%7D");
	/* the least: no operation, tags or durations; the limit defaults and is capped */
	jaeger_query_t m = { .service = "s", .start_us = 0, .end_us = 1000000 };
	URL(jaeger_url_search("http://j", JAEGER_API_V1, &m),
	    "http://j/api/traces?service=s&start=0&end=1000000&limit=20");
	m.limit = 100000;
	m.operation = "";
	URL(jaeger_url_search("http://j", JAEGER_API_V3, &m),
	    "http://j/api/v3/traces?query.serviceName=s&query.startTimeMin=1970-01-01T00%3A00%3A00.000000000Z"
	    "&query.startTimeMax=1970-01-01T00%3A00%3A01.000000000Z&query.searchDepth=1500");
#undef URL
}

static void test_trace_id_norm(void **state)
{
	(void)state;
	char out[33];
	assert_int_equal(jaeger_trace_id_norm("ABC", out), 0);
	assert_string_equal(out, "0000000000000abc");
	assert_int_equal(jaeger_trace_id_norm(" 0af7651916cd43dd8448eb211c80319C\n", out), 0);
	assert_string_equal(out, "0af7651916cd43dd8448eb211c80319c");
	assert_int_equal(jaeger_trace_id_norm("1234567890abcdef1", out), 0);
	assert_string_equal(out, "0000000000000001234567890abcdef1");
	assert_int_equal(jaeger_trace_id_norm("", out), -1);
	assert_int_equal(jaeger_trace_id_norm("xyz", out), -1);
	assert_int_equal(jaeger_trace_id_norm("12 34", out), -1);
	assert_int_equal(jaeger_trace_id_norm("0af7651916cd43dd8448eb211c80319c0", out), -1);
	assert_int_equal(jaeger_trace_id_norm(NULL, out), -1);
}

static void dur_ok(const char *s, int64_t want)
{
	int64_t us = -12345;
	if (jaeger_parse_duration(s, &us) != 0)
		fail_msg("duration \"%s\" refused", s);
	if (us != want)
		fail_msg("duration \"%s\": %lld, want %lld", s, (long long)us, (long long)want);
}

static void fmt(int64_t us, const char *want)
{
	char buf[32];
	assert_string_equal(jaeger_format_duration(us, buf), want);
	/* and back */
	dur_ok(want, us);
}

static void test_durations(void **state)
{
	(void)state;
	dur_ok("1.5s", 1500000);
	dur_ok("200ms", 200000);
	dur_ok("3m", 180000000);
	dur_ok("150us", 150);
	dur_ok("150\xc2\xb5s", 150);
	dur_ok("2h", 7200000000);
	dur_ok("1h2m3.5s", 3723500000);
	/* exact: no binary fraction on the way */
	dur_ok("1.234567s", 1234567);
	dur_ok("0.000001s", 1);
	dur_ok("2.675ms", 2675);
	dur_ok("1.0000019999999999999999s", 1000001);
	dur_ok("0", 0);
	dur_ok(".5ms", 500);
	dur_ok("1500ns", 1);
	dur_ok("-2s", -2000000);
	int64_t us;
	const char *bad[] = { "", "5", "s", "1.s5", "1x", "ms", "1 s", "1e3s", "--1s", "99999999999h" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (jaeger_parse_duration(bad[i], &us) == 0)
			fail_msg("duration \"%s\" taken", bad[i]);
	assert_int_equal(jaeger_parse_duration(NULL, &us), -1);
	fmt(0, "0s");
	fmt(1500000, "1.5s");
	fmt(200000, "200ms");
	fmt(150, "150us");
	fmt(7200000000, "2h");
	fmt(180000000, "3m");
	fmt(90000000, "90s");
	fmt(1234567, "1.234567s");
	fmt(1001, "1001us");
	fmt(1500, "1.5ms");
	fmt(-2000000, "-2s");
	char buf[32];
	jaeger_format_duration(INT64_MIN, buf);
	assert_true(strlen(buf) < 32);
}

static void tags_ok(const char *s, const char *joined)
{
	jaeger_tag_t *v;
	size_t n;
	char *err = NULL;
	if (jaeger_parse_tags(s, &v, &n, &err) != 0)
		fail_msg("tags \"%s\": %s", s, err);
	strbuf_t b;
	sb_init(&b);
	for (size_t i = 0; i < n; i++)
		sb_printf(&b, "%s[%s|%s]", i ? " " : "", v[i].key, v[i].value);
	if (strcmp(b.s ? b.s : "", joined))
		fail_msg("tags \"%s\": %s, want %s", s, b.s ? b.s : "", joined);
	sb_free(&b);
	free(v);
}

static void tags_fail(const char *s, const char *want)
{
	jaeger_tag_t *v = (jaeger_tag_t *)1;
	size_t n = 5;
	char *err = NULL;
	assert_int_equal(jaeger_parse_tags(s, &v, &n, &err), -1);
	assert_null(v);
	assert_int_equal(n, 0);
	if (!err || !strstr(err, want))
		fail_msg("tags \"%s\": message \"%s\" lacks \"%s\"", s, err ? err : "", want);
	free(err);
}

static void test_tags(void **state)
{
	(void)state;
	tags_ok("", "");
	tags_ok("   ", "");
	tags_ok("error=true", "[error|true]");
	tags_ok("  k=v  k2=\"v 2\" error=true ", "[k|v] [k2|v 2] [error|true]");
	tags_ok("q=\"a \\\"b\\\" c\\\\d\"", "[q|a \"b\" c\\d]");
	tags_ok("e= x=1", "[e|] [x|1]");
	tags_ok("url=http://a/b?c=d", "[url|http://a/b?c=d]");
	tags_ok("k=\"\"", "[k|]");
	tags_ok("x=\\n", "[x|\\n]");
	tags_fail("error=true x", "tag 2: `x` has no value: write key=value");
	tags_fail("=v", "tag 1: a value without a key");
	/* what the user typed is shown made harmless */
	tags_fail("a\x1b[31m", "tag 1: `a?[31m` has no value");
	tags_fail("k\x07=\"x", "tag 1: the quote after k?= is not closed");
	tags_fail("k=\"open", "tag 1: the quote after k= is not closed");
	tags_fail("k=\"a\"b", "tag 1: a blank must follow the closing quote");
	tags_fail("k=a\"b", "must be quoted");
	tags_fail("\"k\"=v", "a key cannot be quoted");
	tags_fail("k\"x=v", "a key holds no '\"'");
	jaeger_tag_t *v;
	size_t n;
	assert_int_equal(jaeger_parse_tags("a", &v, &n, NULL), -1);
	assert_int_equal(jaeger_parse_tags(NULL, &v, &n, NULL), 0);
	assert_int_equal(n, 0);
}

static void use(trace_t **v, size_t n);

/* 10,000 spans as one chain, each the child of the one before, given last
 * first, in both APIs' JSON: read, built and laid out without recursion. */
static void test_deep_chain_bodies(void **state)
{
	(void)state;
	enum { N = 10000 };
	strbuf_t v1, v3;
	sb_init(&v1);
	sb_init(&v3);
	sb_puts(&v1, "{\"data\":[{\"traceID\":\"00000000000000000000000000000abc\",\"spans\":[");
	sb_puts(&v3, "{\"result\":{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":"
		     "\"service.name\",\"value\":{\"stringValue\":\"icn-director\"}}]},"
		     "\"scopeSpans\":[{\"spans\":[");
	for (int k = N - 1; k >= 0; k--) {
		const char *sep = k == N - 1 ? "" : ",";
		sb_printf(&v1, "%s{\"spanID\":\"%016x\",\"operationName\":\"bft.round\",\"startTime\":%d,"
			       "\"duration\":%d,\"processID\":\"p1\",\"references\":[",
			  sep, k + 1, 1000 + k, 2 * (N - k));
		if (k)
			sb_printf(&v1, "{\"refType\":\"CHILD_OF\",\"spanID\":\"%016x\"}", k);
		sb_puts(&v1, "]}");
		sb_printf(&v3, "%s{\"traceId\":\"00000000000000000000000000000abc\",\"spanId\":\"%016x\","
			       "\"name\":\"bft.round\",\"startTimeUnixNano\":\"%d000\",\"endTimeUnixNano\":\"%d000\"",
			  sep, k + 1, 1000 + k, 1000 + k + 2 * (N - k));
		if (k)
			sb_printf(&v3, ",\"parentSpanId\":\"%016x\"", k);
		sb_puts(&v3, "}");
	}
	sb_puts(&v1, "],\"processes\":{\"p1\":{\"serviceName\":\"icn-director\"}}}]}");
	sb_puts(&v3, "]}]}]}}");
	const strbuf_t *bodies[] = { &v1, &v3 };
	for (int b = 0; b < 2; b++) {
		size_t n;
		trace_t **v = traces_ok(bodies[b]->s, bodies[b]->len, 200, &n);
		assert_int_equal(n, 1);
		trace_t *t = v[0];
		assert_int_equal(t->n_spans, N);
		assert_int_equal(t->n_roots, 1);
		assert_int_equal(t->n_warnings, 0);
		for (int k = 0; k < N; k++) {
			assert_int_equal(t->spans[k].depth, k);
			assert_int_equal(t->spans[k].n_desc, N - 1 - k);
			assert_true(t->spans[k].critical);
		}
		assert_string_equal(trace_span_service(t, &t->spans[N - 1]), "icn-director");
		assert_int_equal(trace_find_span(t, "0000000000002710"), N - 1);
		use(v, n);
		jaeger_traces_free(v, n);
	}
	sb_free(&v1);
	sb_free(&v3);
}

/* xorshift: the same mutations every run */
static uint64_t rng = 0x9e3779b97f4a7c15ULL;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Whatever comes back must hold together. */
static void use(trace_t **v, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		trace_t *t = v[k];
		uint32_t *rows = xmalloc((t->n_spans + 1) * sizeof *rows);
		uint8_t *col = xcalloc(t->n_spans + 1, 1);
		for (size_t i = 0; i < t->n_spans; i += 3)
			col[i] = 1;
		assert_int_equal(trace_rows(t, NULL, rows), t->n_spans);
		size_t shown = trace_rows(t, col, rows);
		assert_true(shown <= t->n_spans);
		for (size_t i = 0; i < t->n_spans; i++) {
			const trace_span_t *s = &t->spans[i];
			assert_true(s->proc < t->n_procs);
			assert_true(s->svc < t->n_services);
			assert_true(i + s->n_desc < t->n_spans);
			assert_true(s->self_us >= 0);
			assert_true(s->parent == TRACE_NONE || (size_t)s->parent < i);
			int c0, c1;
			if (trace_bar_cols(s->start_us, s->duration_us, t->start_us, t->end_us, 80, &c0, &c1) == 0)
				assert_true(c0 >= 0 && c0 < c1 && c1 <= 80);
			trace_span_matches(t, s, "err");
		}
		trace_summary_t sum;
		trace_summarize(t, &sum);
		trace_summary_free(&sum);
		free(col);
		free(rows);
	}
}

static void mutate_and_parse(const char *orig, size_t len, int rounds)
{
	char *buf = xmalloc(len + 64);
	for (int r = 0; r < rounds; r++) {
		memcpy(buf, orig, len);
		size_t l = len;
		int edits = 1 + (int)(next() % 8);
		for (int e = 0; e < edits; e++) {
			size_t at = next() % l;
			static const char pick[] = "{}[]\",:0123456789-.eE tfnul\\\x01\xff";
			switch (next() % 4) {
			case 0: buf[at] = pick[next() % (sizeof pick - 1)]; break;
			case 1: buf[at] = (char)next(); break;
			case 2: l = at + 1; break; /* truncate */
			default:                   /* delete a run */
				if (at + 8 < l) {
					memmove(buf + at, buf + at + 8, l - at - 8);
					l -= 8;
				}
			}
		}
		trace_t **v = NULL;
		size_t n = 0;
		char *err = NULL;
		long st = (next() % 10) ? 200 : 404;
		if (jaeger_parse_traces(buf, l, st, &v, &n, &err) == 0) {
			assert_null(err);
			use(v, n);
			jaeger_traces_free(v, n);
		} else {
			assert_non_null(err);
			for (const unsigned char *p = (const unsigned char *)err; *p; p++)
				assert_true(*p >= 0x20 && *p != 0x7f);
			free(err);
		}
		char **names = NULL;
		if (jaeger_parse_names(buf, l, 200, &names, &n, &err) == 0)
			jaeger_names_free(names, n);
		else
			free(err);
	}
	free(buf);
}

static void test_hostile(void **state)
{
	(void)state;
	size_t len;
	char *tr = slurp("trace_ui_model_fixture_ui_01.json", &len);
	mutate_and_parse(tr, len, 3000);
	free(tr);
	mutate_and_parse(otlp, strlen(otlp), 3000);
	/* shapes a lying server might send */
	const char *odd[] = {
		"{\"data\":[{\"spans\":5}]}",
		"{\"data\":[{\"spans\":[1,\"x\",null,{}],\"processes\":[]}]}",
		"{\"data\":[{\"traceID\":7,\"spans\":[{\"spanID\":{},\"startTime\":\"x\",\"duration\":-5,"
		"\"references\":[{\"refType\":\"CHILD_OF\",\"spanID\":5},{\"spanID\":\"\"}],"
		"\"tags\":[{\"key\":1},{\"key\":\"k\",\"type\":\"bool\",\"value\":{}}],\"logs\":[5,{}],"
		"\"processID\":\"p9\"}],\"processes\":{\"p1\":5}}]}",
		"{\"data\":[{\"traceID\":\"1\",\"spans\":[{\"spanID\":\"1\",\"startTime\":9223372036854775807,"
		"\"duration\":9223372036854775807}]}]}",
		"{\"result\":{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"01\","
		"\"startTimeUnixNano\":\"-9223372036854775808\",\"endTimeUnixNano\":\"9223372036854775807\","
		"\"attributes\":[{\"key\":\"a\",\"value\":{\"arrayValue\":{\"values\":[{\"arrayValue\":{}}]}}}],"
		"\"events\":[{},5],\"links\":[{},{\"spanId\":\"zz\"}],\"status\":{\"code\":\"STATUS_CODE_ERROR\"}}]}]}]}}",
		"{\"resourceSpans\":[{\"scopeSpans\":5},{\"scopeSpans\":[{\"spans\":{}}]}]}",
	};
	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++) {
		trace_t **v = NULL;
		size_t n = 0;
		char *err = NULL;
		if (jaeger_parse_traces(odd[i], strlen(odd[i]), 200, &v, &n, &err) == 0) {
			use(v, n);
			jaeger_traces_free(v, n);
		} else {
			free(err);
		}
	}
	/* a span with no process and a bad trace id is still shown */
	trace_t **v;
	size_t n;
	v = traces_ok(odd[2], strlen(odd[2]), 200, &n);
	assert_int_equal(n, 1);
	assert_int_equal(v[0]->n_spans, 1);
	assert_int_equal(v[0]->spans[0].duration_us, 0);
	assert_true(has_warning(v[0], "name a process the trace does not hold"));
	jaeger_traces_free(v, n);
	v = traces_ok(odd[4], strlen(odd[4]), 200, &n);
	assert_int_equal(n, 1);
	assert_true(v[0]->spans[0].error);
	jaeger_traces_free(v, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_v1_fixture),
		cmocka_unit_test(test_v3_fixtures),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_trace_errors),
		cmocka_unit_test(test_error_message),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_v3_otlp),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_trace_id_norm),
		cmocka_unit_test(test_durations),
		cmocka_unit_test(test_tags),
		cmocka_unit_test(test_deep_chain_bodies),
		cmocka_unit_test(test_hostile),
	};
	return cmocka_run_group_tests_name("jaeger", tests, NULL, NULL);
}
