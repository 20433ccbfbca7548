/* Unit tests of app/traces: the real HTTP client and Jaeger's parsers on a real libuv
 * loop, against the shared stand-in server (standin.c) answering Jaeger's payloads. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "app/traces.h"
#include "core/xalloc.h"
#include "fixture.h"
#include "standin.h"

/* Only guards against a hang; no test asserts how long anything took. */
#define GUARD_MS 60000

#define V1_TRACE_ID "00000000000000000000000000000001"
#define NOT_FOUND_404 "text/plain; charset=utf-8"

typedef struct env {
	uv_loop_t loop;
	standin_t *srv;
	http_client_t *http;
	traces_t *t;
	uv_timer_t guard;
	int hung;
	/* what the callbacks saw */
	int calls;              /* callbacks of any kind */
	int names_calls, search_calls, trace_calls;
	char *err;
	char **names;
	size_t n_names;
	size_t n_rows;
	trace_summary_t row0;
	trace_t *trace;
	int free_in_cb;         /* the callback frees the traces_t */
} env_t;

/* ---- harness --------------------------------------------------------- */

static void on_guard(uv_timer_t *h)
{
	env_t *e = h->data;
	e->hung = 1;
	uv_stop(&e->loop);
}

/* Turn the loop until `calls` callbacks came. */
static void run_until(env_t *e, int calls)
{
	e->hung = 0;
	uv_timer_start(&e->guard, on_guard, GUARD_MS, 0);
	while (!e->hung && e->calls < calls)
		uv_run(&e->loop, UV_RUN_ONCE);
	uv_timer_stop(&e->guard);
	assert_false(e->hung);
}

/* Turn the loop while anything but the guard is under way (nothing more is to come). */
static void run_out(env_t *e)
{
	for (int i = 0; i < 200; i++)
		uv_run(&e->loop, UV_RUN_NOWAIT);
}

static void seen_err(env_t *e, const char *err)
{
	free(e->err);
	e->err = err ? xstrdup(err) : NULL;
}

static void after_cb(env_t *e, traces_t *t)
{
	e->calls++;
	uv_stop(&e->loop); /* run_until looks again: this turn does not wait in poll */
	if (e->free_in_cb) {
		traces_free(t);
		e->t = NULL;
	}
}

static void on_names(traces_t *t, char *const *names, size_t n, const char *err, void *ud)
{
	env_t *e = ud;
	e->names_calls++;
	seen_err(e, err);
	for (size_t i = 0; i < e->n_names; i++)
		free(e->names[i]);
	free(e->names);
	e->names = xcalloc(n + 1, sizeof *e->names);
	for (size_t i = 0; i < n; i++)
		e->names[i] = xstrdup(names[i]);
	e->n_names = n;
	after_cb(e, t);
}

static void on_search(traces_t *t, const trace_summary_t *rows, size_t n, const char *err, void *ud)
{
	env_t *e = ud;
	e->search_calls++;
	seen_err(e, err);
	e->n_rows = n;
	if (n) {
		trace_summary_free(&e->row0);
		e->row0 = rows[0];
		e->row0.root_service = xstrdup(rows[0].root_service ? rows[0].root_service : "");
		e->row0.root_operation = xstrdup(rows[0].root_operation ? rows[0].root_operation : "");
		e->row0.services = xstrdup(rows[0].services ? rows[0].services : "");
	}
	after_cb(e, t);
}

static void on_trace(traces_t *t, trace_t *tr, const char *err, void *ud)
{
	env_t *e = ud;
	e->trace_calls++;
	seen_err(e, err);
	trace_free(e->trace);
	e->trace = tr;
	after_cb(e, t);
}

static traces_t *open_traces(env_t *e, jaeger_api_t api, size_t max_body)
{
	char *base = standin_url(e->srv, "/jaeger");
	traces_opts_t o = { 0 };
	o.loop = &e->loop;
	o.http = e->http;
	o.base = base;
	o.timeout_ms = 10000;
	o.api = api;
	o.max_body = max_body;
	e->t = traces_new(&o);
	free(base);
	return e->t;
}

static int setup(void **state)
{
	env_t *e = xcalloc(1, sizeof *e);
	if (uv_loop_init(&e->loop) != 0 || !(e->srv = standin_start(&e->loop)))
		return -1;
	uv_timer_init(&e->loop, &e->guard);
	e->guard.data = e;
	e->http = http_client_new(&e->loop);
	*state = e;
	return e->http ? 0 : -1;
}

/* Every test ends here; uv_loop_close proves no handle was left behind. */
static int teardown(void **state)
{
	env_t *e = *state;
	int turns = 0, rc;
	traces_free(e->t);
	http_client_free(e->http);
	standin_stop(e->srv);
	uv_close((uv_handle_t *)&e->guard, NULL);
	while (uv_run(&e->loop, UV_RUN_NOWAIT) && turns < 10000)
		turns++;
	/* a parse still on the work queue (its traces_t gone) ends, and frees itself */
	if (uv_loop_alive(&e->loop))
		uv_run(&e->loop, UV_RUN_DEFAULT);
	rc = uv_loop_close(&e->loop);
	free(e->err);
	for (size_t i = 0; i < e->n_names; i++)
		free(e->names[i]);
	free(e->names);
	trace_summary_free(&e->row0);
	trace_free(e->trace);
	free(e);
	return rc == 0 ? 0 : -1;
}

/* A v1 envelope around the ui_01 fixture's trace, its id as `id`. */
static char *v1_trace_answer(void)
{
	char *tr = fixture_read("jaeger/trace_ui_model_fixture_ui_01.json", NULL);
	char *body = xasprintf("{\"data\":[%s],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}", tr);
	free(tr);
	return body;
}

/* A v1 trace of n spans: a root and n-1 children, over 64 KB when n is large. */
static char *v1_big_trace(const char *id, size_t n)
{
	strbuf_t b;
	sb_init(&b);
	sb_printf(&b, "{\"data\":[{\"traceID\":\"%s\",\"spans\":[", id);
	for (size_t i = 0; i < n; i++) {
		sb_printf(&b, "%s{\"traceID\":\"%s\",\"spanID\":\"%016zx\",\"operationName\":\"op-%zu\",\"references\":",
			  i ? "," : "", id, i + 1, i);
		if (i)
			sb_printf(&b, "[{\"refType\":\"CHILD_OF\",\"traceID\":\"%s\",\"spanID\":\"%016x\"}]", id, 1);
		else
			sb_puts(&b, "[]");
		sb_printf(&b, ",\"startTime\":%zu,\"duration\":%zu,\"tags\":[],\"logs\":[],\"processID\":\"p1\"}",
			  (size_t)1700000000000000 + i, i ? (size_t)10 : n + 10);
	}
	sb_puts(&b, "],\"processes\":{\"p1\":{\"serviceName\":\"big\",\"tags\":[]}},\"warnings\":null}],"
		    "\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}");
	return sb_steal(&b);
}

/* ---- tests ----------------------------------------------------------- */

/* /api/services answers: the v1 API, its services sorted, then from the cache. */
static void test_detect_v1_and_cache(void **state)
{
	env_t *e = *state;
	char *body = fixture_read("jaeger/services_captured.json", NULL);
	standin_route_t *v1 = standin_route(e->srv, "/jaeger/api/services", 200, "application/json", body);
	free(body);
	traces_t *t = open_traces(e, JAEGER_API_UNKNOWN, 0);
	assert_int_equal(traces_api(t), JAEGER_API_UNKNOWN);
	traces_services(t, on_names, e);
	assert_int_equal(e->calls, 0); /* never inside the call */
	run_until(e, 1);
	assert_null(e->err);
	assert_int_equal(traces_api(t), JAEGER_API_V1);
	assert_string_equal(traces_api_name(traces_api(t)), "v1");
	assert_int_equal(e->n_names, 3);
	assert_string_equal(e->names[0], "backend-service");
	assert_string_equal(e->names[2], "jaeger-all-in-one");
	traces_services(t, on_names, e);
	assert_int_equal(e->calls, 1); /* a cached answer comes on the loop too */
	run_until(e, 2);
	assert_int_equal(e->n_names, 3);
	assert_int_equal(v1->asked, 1);
	assert_int_equal(standin_count(e->srv, NULL, "/jaeger/api/v3"), 0);
}

/* A v1 answer without services (an empty Jaeger before 2026: data null):
 * /api/v3 is asked too; when it is not there, the server is v1. */
static void test_detect_v1_empty(void **state)
{
	env_t *e = *state;
	char *body = fixture_read("jaeger/services_empty_captured_pre_2026.json", NULL);
	standin_route(e->srv, "/jaeger/api/services", 200, "application/json", body);
	free(body);
	standin_route(e->srv, "/jaeger/api/v3/services", 404, "text/plain; charset=utf-8", "404 page not found\n");
	traces_t *t = open_traces(e, JAEGER_API_UNKNOWN, 0);
	traces_services(t, on_names, e);
	run_until(e, 1);
	assert_null(e->err);
	assert_int_equal(e->n_names, 0);
	assert_int_equal(traces_api(t), JAEGER_API_V1);
	assert_int_equal(standin_count(e->srv, NULL, "/jaeger/api/v3/services"), 1);
}

/* No v1 (Jaeger after v2.20): /api/v3 is asked, its operations cached per service. */
static void test_detect_v3_operations(void **state)
{
	env_t *e = *state;
	standin_route(e->srv, "/jaeger/api/services", 404, "text/plain; charset=utf-8", "404 page not found\n");
	standin_route(e->srv, "/jaeger/api/v3/services", 200, "application/json",
		      "{\"services\":[\"icn-vortex\",\"icn-director\"]}");
	standin_route_t *ops = standin_route(e->srv, "/jaeger/api/v3/operations", 200, "application/json",
					     "{\"operations\":[{\"name\":\"vortex.generate\",\"spanKind\":\"server\"}]}");
	traces_t *t = open_traces(e, JAEGER_API_UNKNOWN, 0);
	traces_operations(t, "icn-vortex", on_names, e);
	run_until(e, 1);
	assert_null(e->err);
	assert_int_equal(traces_api(t), JAEGER_API_V3);
	assert_int_equal(e->n_names, 1);
	assert_string_equal(e->names[0], "vortex.generate");
	assert_non_null(strstr(ops->last_target, "service=icn-vortex"));
	traces_operations(t, "icn-vortex", on_names, e);
	run_until(e, 2);
	assert_int_equal(e->n_names, 1);
	assert_int_equal(ops->asked, 1);
	/* the services came with the detection */
	traces_services(t, on_names, e);
	run_until(e, 3);
	assert_int_equal(e->n_names, 2);
	assert_string_equal(e->names[0], "icn-director");
	assert_int_equal(standin_count(e->srv, NULL, "/jaeger/api/v3/services"), 1);
}

/* Neither API: the error names the URL and what each path said. */
static void test_detect_neither(void **state)
{
	env_t *e = *state;
	standin_route(e->srv, "/jaeger/api/services", 200, "text/html", "<!DOCTYPE html><html><body>login</body></html>");
	standin_route(e->srv, "/jaeger/api/v3/services", 404, "text/html", "<html><h1>Not Found</h1></html>");
	traces_t *t = open_traces(e, JAEGER_API_UNKNOWN, 0);
	traces_search(t, &(jaeger_query_t){ .service = "s", .start_us = 1, .end_us = 2 }, on_search, e);
	traces_get(t, "abc", on_trace, e);
	run_until(e, 2); /* both waited on one detection, both fail */
	assert_int_equal(e->search_calls, 1);
	assert_int_equal(e->trace_calls, 1);
	assert_null(e->trace);
	assert_non_null(e->err);
	assert_non_null(strstr(e->err, "answers neither the v1 API (/api/services: HTTP 200"));
	assert_non_null(strstr(e->err, "nor /api/v3 (/api/v3/services: HTTP 404"));
	assert_non_null(strstr(e->err, "/jaeger"));
	assert_int_equal(traces_api(t), JAEGER_API_UNKNOWN);
	assert_int_equal(standin_count(e->srv, NULL, "/jaeger/api/services"), 1);
}

static void test_connection_refused(void **state)
{
	env_t *e = *state;
	char *base = xasprintf("http://127.0.0.1:%d", standin_dead_port());
	traces_opts_t o = { .loop = &e->loop, .http = e->http, .base = base };
	e->t = traces_new(&o);
	free(base);
	traces_get(e->t, "4bf92f3577b34da6a3ce929d0e0e4736", on_trace, e);
	run_until(e, 1);
	assert_string_equal(e->err, "jaeger: connection refused");
}

/* A trace (v1), a missing one (Jaeger's 404), a bad id, a v1 400 error. */
static void test_get(void **state)
{
	env_t *e = *state;
	char *body = v1_trace_answer();
	standin_route(e->srv, "/jaeger/api/traces/0000000000000001", 200, "application/json", body);
	free(body);
	body = fixture_read("jaeger/error_trace_not_found_DERIVED.json", NULL);
	standin_route(e->srv, "/jaeger/api/traces/00000000000000000000000000000bad", 404, NOT_FOUND_404, body);
	free(body);
	standin_route(e->srv, "/jaeger/api/traces?", 400, NOT_FOUND_404,
		      "{\"data\":null,\"total\":0,\"limit\":0,\"offset\":0,\"errors\":[{\"code\":400,"
		      "\"msg\":\"parameter 'service' is required\"}]}\n");
	traces_t *t = open_traces(e, JAEGER_API_V1, 0);
	traces_get(t, V1_TRACE_ID, on_trace, e); /* not routed: the stand-in's own 404 */
	run_until(e, 1);
	assert_non_null(e->err);
	assert_null(e->trace);
	traces_get(t, "1", on_trace, e); /* padded as Jaeger does: 16 digits */
	run_until(e, 2);
	assert_null(e->err);
	assert_non_null(e->trace);
	assert_int_equal(e->trace->n_spans, 5);
	assert_string_equal(e->trace->trace_id, "0000000000000001");
	traces_get(t, "00000000000000000000000000000BAD", on_trace, e);
	run_until(e, 3);
	assert_null(e->trace);
	assert_string_equal(e->err, "jaeger: trace 00000000000000000000000000000bad not found");
	traces_get(t, "not-hex", on_trace, e);
	run_until(e, 4);
	assert_non_null(strstr(e->err, "not a trace id"));
	traces_search(t, &(jaeger_query_t){ .service = "s", .start_us = 1, .end_us = 2 }, on_search, e);
	run_until(e, 5);
	assert_string_equal(e->err, "jaeger: HTTP 400: parameter 'service' is required");
}

/* An answer over the cap is stopped and said; one over 64 KB is parsed off the loop. */
static void test_too_large_and_big(void **state)
{
	env_t *e = *state;
	char *body = v1_big_trace(V1_TRACE_ID, 3000);
	assert_true(strlen(body) > 300000);
	standin_route(e->srv, "/jaeger/api/traces/" V1_TRACE_ID, 200, "application/json", body);
	standin_route(e->srv, "/jaeger/api/traces?", 200, "application/json", body);
	free(body);
	traces_t *t = open_traces(e, JAEGER_API_V1, 100000);
	traces_search(t, &(jaeger_query_t){ .service = "big", .start_us = 1, .end_us = 2 }, on_search, e);
	run_until(e, 1);
	assert_non_null(e->err);
	assert_non_null(strstr(e->err, "jaeger: answer too large ("));
	assert_non_null(strstr(e->err, "for the search: narrow it"));
	traces_free(t);
	t = open_traces(e, JAEGER_API_V1, 0);
	traces_get(t, V1_TRACE_ID, on_trace, e);
	run_until(e, 2);
	assert_null(e->err);
	assert_int_equal(e->trace->n_spans, 3000);
	assert_int_equal(e->trace->n_roots, 1);
	traces_search(t, &(jaeger_query_t){ .service = "big", .start_us = 1, .end_us = 2 }, on_search, e);
	run_until(e, 3);
	assert_null(e->err);
	assert_int_equal(e->n_rows, 1);
	assert_int_equal(e->row0.n_spans, 3000);
	assert_string_equal(e->row0.root_operation, "op-0");
	assert_string_equal(e->row0.services, "big");
}

/* A new call of a kind replaces the last: only the new one is answered. */
static void test_replace(void **state)
{
	env_t *e = *state;
	char *body = v1_trace_answer();
	standin_route_t *slow = standin_route(e->srv, "/jaeger/api/traces/0000000000000000000000000000000a", 200,
					      "application/json", body);
	slow->delay_ms = 300;
	standin_route(e->srv, "/jaeger/api/traces/" V1_TRACE_ID, 200, "application/json", body);
	free(body);
	traces_t *t = open_traces(e, JAEGER_API_V1, 0);
	traces_get(t, "0000000000000000000000000000000a", on_trace, e);
	traces_get(t, V1_TRACE_ID, on_trace, e);
	run_until(e, 1);
	assert_null(e->err);
	run_out(e);
	assert_int_equal(e->trace_calls, 1);
	assert_non_null(e->trace);
	traces_cancel(t);
}

/* traces_free from inside a callback: nothing else is called back, whatever
 * was under way (a request, a big parse on the work queue); ASan and
 * uv_loop_close check the rest. */
static void test_free_in_callback(void **state)
{
	env_t *e = *state;
	char *body = v1_big_trace(V1_TRACE_ID, 2000);
	standin_route(e->srv, "/jaeger/api/traces/" V1_TRACE_ID, 200, "application/json", body);
	free(body);
	standin_route_t *hang = standin_route(e->srv, "/jaeger/api/traces?", 200, "application/json", "{}");
	standin_hang(hang);
	char *svc = fixture_read("jaeger/services_captured.json", NULL);
	standin_route(e->srv, "/jaeger/api/services", 200, "application/json", svc);
	free(svc);
	traces_t *t = open_traces(e, JAEGER_API_UNKNOWN, 0);
	e->free_in_cb = 1;
	traces_get(t, V1_TRACE_ID, on_trace, e);
	traces_services(t, on_names, e);
	traces_search(t, &(jaeger_query_t){ .service = "s", .start_us = 1, .end_us = 2 }, on_search, e);
	run_until(e, 1);
	run_out(e);
	assert_int_equal(e->calls, 1);
	assert_null(e->t);
}

/* traces_free while a big answer is parsed on the work queue. */
static void test_free_while_parsing(void **state)
{
	env_t *e = *state;
	char *body = v1_big_trace(V1_TRACE_ID, 20000);
	standin_route_t *r = standin_route(e->srv, "/jaeger/api/traces/" V1_TRACE_ID, 200, "application/json", body);
	free(body);
	traces_t *t = open_traces(e, JAEGER_API_V1, 0);
	traces_get(t, V1_TRACE_ID, on_trace, e);
	e->hung = 0;
	uv_timer_start(&e->guard, on_guard, GUARD_MS, 0);
	while (!e->hung && !r->asked && e->calls == 0)
		uv_run(&e->loop, UV_RUN_ONCE);
	/* the answer is coming or being parsed: gone before it lands */
	while (!e->hung && http_client_pending(e->http) > 0)
		uv_run(&e->loop, UV_RUN_ONCE);
	uv_timer_stop(&e->guard);
	traces_free(t);
	e->t = NULL;
	run_out(e);
	assert_int_equal(e->calls, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_detect_v1_and_cache, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detect_v1_empty, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detect_v3_operations, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detect_neither, setup, teardown),
		cmocka_unit_test_setup_teardown(test_connection_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_get, setup, teardown),
		cmocka_unit_test_setup_teardown(test_too_large_and_big, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replace, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_in_callback, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_while_parsing, setup, teardown),
	};
	return cmocka_run_group_tests_name("traces", tests, NULL, NULL);
}
