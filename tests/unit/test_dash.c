/* Unit tests of app/dash: the real HTTP client on a real libuv loop, against the
 * shared Prometheus stand-in (standin.c) served from the same loop. */
#include "config.h"

#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "app/dash.h"
#include "core/log.h"
#include "core/xalloc.h"
#include "fixture.h"
#include "standin.h"

/* Only guards against a hang; no test asserts how long anything took. */
#define GUARD_MS 60000
#define MAX_ROUTES 16

#define MATRIX                                                                       \
	"{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[" \
	"{\"metric\":{\"node\":\"a\"},\"values\":[[1700000000,\"1\"],[1700000015,\"2\"]]}]}}"

typedef struct {
	char query[32];    /* PromQL made of URL-safe characters only */
	standin_route_t *now, *range;
} route_t;

typedef struct env {
	uv_loop_t loop;
	standin_t *srv;
	route_t routes[MAX_ROUTES];
	size_t n_routes;
	uv_timer_t guard;
	uv_prepare_t prep;
	int hung;
	const int *count; /* what run_until waits for */
	int want;
	http_client_t *http;
	dashboard_t board;
	dash_t dash;
	int have_dash;
	backends_t bk;
	int changes;
} env_t;

/* ---- harness --------------------------------------------------------- */

static route_t *add_route(env_t *e, const char *query, int status, const char *body)
{
	assert_true(e->n_routes < MAX_ROUTES);
	route_t *r = &e->routes[e->n_routes++];
	snprintf(r->query, sizeof r->query, "%s", query);
	char *now = xasprintf("GET /api/v1/query?query=%s", query);
	char *range = xasprintf("GET /api/v1/query_range?query=%s", query);
	r->now = standin_route(e->srv, now, status, "application/json", body);
	r->range = standin_route(e->srv, range, 200, "application/json", MATRIX);
	free(now);
	free(range);
	return r;
}

/* A vector of one series per value, labelled node="n0", "n1", ... */
static char *vector(int n, const char *const *values)
{
	strbuf_t b;
	sb_init(&b);
	sb_puts(&b, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[");
	for (int i = 0; i < n; i++)
		sb_printf(&b, "%s{\"metric\":{\"node\":\"n%d\"},\"value\":[1700000000,\"%s\"]}",
			  i ? "," : "", i, values[i]);
	sb_puts(&b, "]}}");
	return sb_steal(&b);
}

static route_t *add_vec(env_t *e, const char *query, const char *value)
{
	char *body = vector(1, &value);
	route_t *r = add_route(e, query, 200, body);
	free(body);
	return r;
}

/* A Prometheus payload from the fixtures. */
static char *fixture(const char *name)
{
	char *rel = xasprintf("prometheus/%s", name);
	char *body = fixture_read(rel, NULL);
	free(rel);
	return body;
}

static void on_change(dash_t *d, void *ud)
{
	(void)d;
	((env_t *)ud)->changes++;
}

static void ctx_make(conf_context_t *c, int prom_port, size_t n_am, int am_port)
{
	memset(c, 0, sizeof *c);
	c->name = xstrdup("test");
	c->prometheus = xasprintf("http://127.0.0.1:%d", prom_port);
	for (size_t i = 0; i < n_am; i++)
		c->alertmanager[c->n_alertmanager++] =
			xasprintf("http://127.0.0.1:%d/am%zu/", am_port, i);
}

/* Load a dashboard and point a dash at it: Prometheus and n_am Alertmanagers
 * on the stand-in, or on a dead port. */
static dash_t *start(env_t *e, const char *yaml, size_t n_am, int dead)
{
	char err[256];
	conf_context_t c;
	int port = dead ? standin_dead_port() : standin_port(e->srv);
	assert_true(port > 0);
	if (dashboard_load_string("test", yaml, strlen(yaml), &e->board, err, sizeof err) != 0)
		fail_msg("dashboard: %s", err);
	ctx_make(&c, port, n_am, port);
	backends_init(&e->bk, &c);
	dash_init(&e->dash, &e->loop, e->http, &e->bk, &c, &e->board);
	conf_context_free(&c);
	e->have_dash = 1;
	e->dash.on_change = on_change;
	e->dash.ud = e;
	return &e->dash;
}

static void on_guard(uv_timer_t *t)
{
	env_t *e = t->data;
	e->hung = 1;
	uv_stop(&e->loop);
}

static int done(const env_t *e)
{
	return e->count ? *e->count >= e->want : dash_pending(&e->dash) <= (size_t)e->want;
}

/* Checked before the loop would block: what a timer callback completed at the
 * start of a turn must not leave the loop waiting in poll for the next event. */
static void on_prepare(uv_prepare_t *p)
{
	env_t *e = p->data;
	if (done(e))
		uv_stop(&e->loop);
}

/* Turn the loop until *count reaches want, or (count NULL) at most want
 * requests are pending. */
static void run_until(env_t *e, const int *count, int want)
{
	e->hung = 0;
	e->count = count;
	e->want = want;
	uv_timer_start(&e->guard, on_guard, GUARD_MS, 0);
	uv_prepare_start(&e->prep, on_prepare);
	while (!e->hung && !done(e))
		uv_run(&e->loop, UV_RUN_ONCE);
	uv_prepare_stop(&e->prep);
	uv_timer_stop(&e->guard);
	assert_false(e->hung);
}

static void refresh(env_t *e, double now, int with_ranges)
{
	dash_refresh(&e->dash, now, with_ranges);
	run_until(e, NULL, 0);
}

static int setup(void **state)
{
	env_t *e = xcalloc(1, sizeof *e);
	if (uv_loop_init(&e->loop) != 0 || !(e->srv = standin_start(&e->loop)))
		return -1;
	uv_timer_init(&e->loop, &e->guard);
	e->guard.data = e;
	uv_prepare_init(&e->loop, &e->prep);
	e->prep.data = e;
	e->http = http_client_new(&e->loop);
	if (!e->http)
		return -1;
	*state = e;
	return 0;
}

/* Every test ends here; uv_loop_close proves no handle was left behind. */
static int teardown(void **state)
{
	env_t *e = *state;
	int turns = 0, rc;
	if (e->have_dash) {
		dash_free(&e->dash);
		backends_free(&e->bk);
		dashboard_free(&e->board);
	}
	http_client_free(e->http);
	standin_stop(e->srv);
	uv_close((uv_handle_t *)&e->guard, NULL);
	uv_close((uv_handle_t *)&e->prep, NULL);
	while (uv_run(&e->loop, UV_RUN_NOWAIT) && turns < 10000)
		turns++;
	rc = uv_loop_close(&e->loop);
	free(e);
	if (rc != 0)
		fprintf(stderr, "# uv_loop_close: %s\n", uv_strerror(rc));
	return rc == 0 ? 0 : -1;
}

static const panel_rt_t *panel(env_t *e, size_t i)
{
	assert_true(i < e->dash.n);
	return &e->dash.p[i];
}

#define assert_state(e, i, want)                                                     \
	do {                                                                          \
		pstate_t s_ = panel(e, i)->state;                                     \
		if (s_ != (want))                                                     \
			fail_msg("panel %zu (%s): state %s, want %s", (size_t)(i),    \
				 panel(e, i)->def->title, pstate_name(s_), pstate_name(want)); \
	} while (0)

static void assert_prefix(const char *s, const char *prefix)
{
	if (!s || strncmp(s, prefix, strlen(prefix)) != 0)
		fail_msg("\"%s\" does not start with \"%s\"", s ? s : "(null)", prefix);
}

/* ---- cases ----------------------------------------------------------- */

static void test_states(void **state)
{
	env_t *e = *state;
	static const char yaml[] =
		"title: T\n"
		"panels:\n"
		"  - {title: ok, type: stat, query: q_ok, thresholds: {warn: '> 10', crit: '> 20'}}\n"
		"  - {title: warn, type: stat, query: q_warn, thresholds: {warn: '> 10', crit: '> 20'}}\n"
		"  - {title: crit, type: stat, query: q_crit, thresholds: {warn: '> 10', crit: '> 20'}}\n"
		"  - {title: inf, type: stat, query: q_inf, thresholds: {crit: '> 20'}}\n"
		"  - {title: up, type: stat, query: up, reduce: min, legend: job, thresholds: {crit: '< 1'}}\n"
		"  - {title: nan, type: stat, query: q_nan, thresholds: {crit: '> 20'}}\n"
		"  - {title: empty, type: stat, query: q_empty}\n"
		"  - {title: bars, type: bars, query: q_bars, thresholds: {warn: '> 0.5', crit: '> 0.7'}}\n"
		"  - {title: even, type: bars, query: q_even, thresholds: {warn: '> 0.5', crit: '> 0.7'}}\n"
		"  - {title: zero, type: bars, query: q_zero, thresholds: {crit: '> 0.7'}}\n"
		"  - {title: none, type: stat, query: q_none, reduce: max, legend: node, thresholds: {crit: '> 0'}}\n"
		"  - {title: one, type: stat, query: q_one, reduce: max, legend: node, thresholds: {crit: '> 0'}}\n";
	static const char *const bars[] = { "1", "3" }, *const even[] = { "2", "2" },
				 *const zero[] = { "0", "0" }, *const none[] = { "0", "0", "0" },
				 *const one[] = { "0", "2", "2" };
	char *body, *up = fixture("query_vector_docs.json");
	add_vec(e, "q_ok", "5");
	add_vec(e, "q_warn", "15");
	add_vec(e, "q_crit", "2.5e1");
	add_vec(e, "q_inf", "+Inf");
	add_route(e, "up", 200, up);
	add_vec(e, "q_nan", "NaN");
	add_route(e, "q_empty", 200, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[]}}");
	add_route(e, "q_bars", 200, body = vector(2, bars));
	free(body);
	add_route(e, "q_even", 200, body = vector(2, even));
	free(body);
	add_route(e, "q_zero", 200, body = vector(2, zero));
	free(body);
	add_route(e, "q_none", 200, body = vector(3, none));
	free(body);
	add_route(e, "q_one", 200, body = vector(3, one));
	free(body);
	free(up);

	dash_t *d = start(e, yaml, 0, 0);
	refresh(e, now_unix(), 0);

	assert_int_equal(d->bk->prom.health, BK_OK);
	assert_null(d->bk->prom.error);
	assert_true(d->bk->prom.last_ok > 0);
	assert_true(e->changes > 0);
	for (size_t i = 0; i < e->n_routes; i++) {
		assert_int_equal(e->routes[i].now->asked, 1);
		assert_int_equal(e->routes[i].range->asked, 0); /* no ranges asked: --once */
		assert_null(panel(e, i)->error);
		assert_true(panel(e, i)->have_data);
	}
	assert_true(panel(e, 0)->value == 5);
	assert_state(e, 0, PSTATE_OK);
	assert_true(panel(e, 1)->value == 15);
	assert_state(e, 1, PSTATE_WARN);
	assert_true(panel(e, 2)->value == 25);
	assert_state(e, 2, PSTATE_CRIT);
	assert_true(isinf(panel(e, 3)->value) && panel(e, 3)->value > 0);
	assert_state(e, 3, PSTATE_CRIT); /* +Inf is a value, and breaches */
	assert_true(panel(e, 4)->value == 0);
	assert_string_equal(panel(e, 4)->value_from, "node");
	assert_state(e, 4, PSTATE_CRIT);
	assert_true(isnan(panel(e, 5)->value));
	assert_state(e, 5, PSTATE_STALE); /* NaN is no data, never green */
	assert_true(panel(e, 6)->no_data);
	assert_state(e, 6, PSTATE_STALE);
	/* no BFT failure anywhere: no director is named for the 0 */
	assert_true(panel(e, 10)->value == 0);
	assert_null(panel(e, 10)->value_from);
	/* two tied for the worst: the first by name, as the rows show them */
	assert_true(panel(e, 11)->value == 2);
	assert_string_equal(panel(e, 11)->value_from, "n1");
	assert_true(panel(e, 7)->total == 4);
	assert_true(panel(e, 7)->value == 0.75);
	assert_state(e, 7, PSTATE_CRIT); /* one bar holds 75 % */
	assert_state(e, 8, PSTATE_OK);
	assert_state(e, 9, PSTATE_STALE); /* no total, no shares */

	/* a later NaN turns a green panel stale too */
	standin_answer(e->routes[0].now, 200, "application/json",
		   body = vector(1, (const char *const[]){ "NaN" }));
	free(body);
	refresh(e, now_unix(), 0);
	assert_state(e, 0, PSTATE_STALE);
	assert_null(panel(e, 0)->error);
}

static void test_error_then_stale(void **state)
{
	env_t *e = *state;
	char *tsdb = fixture("error_openapi_tsdbNotReady.json");
	route_t *r = add_route(e, "q", 500, tsdb);
	free(tsdb);
	dash_t *d = start(e, "title: T\npanels:\n  - {title: p, type: stat, query: q}\n", 0, 0);

	/* an error envelope with a 5xx: Prometheus says it cannot answer; the
	 * panel shows what it said, the header's dot is down with the reason */
	refresh(e, now_unix(), 0);
	assert_state(e, 0, PSTATE_ERROR);
	assert_non_null(strstr(panel(e, 0)->error, "TSDB not ready"));
	assert_int_equal(d->bk->prom.health, BK_DOWN);
	assert_non_null(strstr(d->bk->prom.error, "HTTP 500: "));

	standin_answer(r->now, 200, "application/json",
		   "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"3\"]}}");
	refresh(e, now_unix(), 0);
	assert_state(e, 0, PSTATE_OK);
	assert_null(panel(e, 0)->error);
	assert_true(panel(e, 0)->value == 3);

	assert_false(panel(e, 0)->stale);

	/* old data and a new failure: the old state and value kept, marked stale */
	standin_answer(r->now, 400, "application/json",
		   "{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"1:1: parse error\"}");
	refresh(e, now_unix(), 0);
	assert_state(e, 0, PSTATE_OK);
	assert_true(panel(e, 0)->stale);
	assert_prefix(panel(e, 0)->error, "bad_data");
	assert_true(panel(e, 0)->value == 3);
	assert_int_equal(d->bk->prom.health, BK_OK);

	/* a proxy's error page is the server failing */
	standin_answer(r->now, 502, "text/html", "<html>Bad Gateway</html>");
	refresh(e, now_unix(), 0);
	assert_state(e, 0, PSTATE_OK);
	assert_true(panel(e, 0)->stale);
	assert_prefix(panel(e, 0)->error, "HTTP 502");
	assert_int_equal(d->bk->prom.health, BK_DOWN);
	assert_string_equal(d->bk->prom.error, "HTTP 502");
	assert_int_equal(dash_tick(d, now_unix() + 3600), 0);
	assert_state(e, 0, PSTATE_OK);
	assert_true(panel(e, 0)->stale);
}

/* Red stays red: a CRIT panel whose Prometheus stops answering keeps CRIT,
 * marked stale, and so does one whose answers merely stop coming. */
static void test_crit_stays_crit(void **state)
{
	env_t *e = *state;
	route_t *r = add_route(e, "q", 200,
			       "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"9\"]}}");
	dash_t *d = start(e, "title: T\npanels:\n  - {title: p, type: stat, query: q, "
			     "thresholds: {crit: \"> 5\"}}\n", 0, 0);
	refresh(e, now_unix(), 0);
	assert_state(e, 0, PSTATE_CRIT);
	assert_false(panel(e, 0)->stale);
	/* no answer for longer than the stale age: still CRIT, now stale */
	assert_int_equal(dash_tick(d, now_unix() + 3600), 1);
	assert_state(e, 0, PSTATE_CRIT);
	assert_true(panel(e, 0)->stale);
	/* the server fails: still CRIT, stale, the error kept beside it */
	standin_answer(r->now, 503, "text/plain", "down for maintenance");
	refresh(e, now_unix(), 0);
	assert_state(e, 0, PSTATE_CRIT);
	assert_true(panel(e, 0)->stale);
	assert_non_null(panel(e, 0)->error);
	assert_true(panel(e, 0)->value == 9);
}

static int count_lines(const char *path, const char *needle)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	int n = 0;
	assert_non_null(f);
	while (fgets(line, sizeof line, f))
		n += strstr(line, needle) != NULL;
	fclose(f);
	return n;
}

static void test_dead_port(void **state)
{
	env_t *e = *state;
	char log_path[] = "/tmp/test_dash_log.XXXXXX";
	int fd = mkstemp(log_path);
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(log_open(log_path), 0);

	dash_t *d = start(e, "title: T\npanels:\n  - {title: p, type: graph, query: q}\n", 1, 1);
	refresh(e, now_unix(), 1);
	refresh(e, now_unix() + 5, 1);
	log_close();

	assert_int_equal(d->bk->prom.health, BK_DOWN);
	assert_string_equal(d->bk->prom.error, "connection refused");
	assert_state(e, 0, PSTATE_ERROR);
	assert_string_equal(panel(e, 0)->error, "prometheus: connection refused");
	assert_string_equal(panel(e, 0)->range_error, "prometheus: connection refused");

	/* every failure logged with its URL; each health change once */
	assert_int_equal(count_lines(log_path, "prometheus query failed: http://127.0.0.1:"), 2);
	assert_int_equal(count_lines(log_path, "prometheus range query failed: http://127.0.0.1:"), 2);
	assert_int_equal(count_lines(log_path, "unknown -> down: connection refused"), 1);
	assert_int_equal(count_lines(log_path, "-> "), 1);
	unlink(log_path);
	/* teardown frees the dash with range_error set */
}

/* An answer slower than slow_ms (1 s) marks Prometheus slow, not down; the
 * panel keeps its value; a prompt answer makes it ok again. */
static void test_slow(void **state)
{
	env_t *e = *state;
	route_t *r = add_vec(e, "q_slow", "5");
	r->now->delay_ms = 1300;
	dash_t *d = start(e, "title: T\npanels:\n  - {title: p, type: stat, query: q_slow}\n", 0, 0);
	assert_true(d->timeout_ms > 1300);
	refresh(e, now_unix(), 0);
	assert_int_equal(d->bk->prom.health, BK_SLOW);
	assert_true(d->bk->prom.latency_ms >= 1300);
	assert_null(d->bk->prom.error);
	assert_state(e, 0, PSTATE_OK);
	assert_true(panel(e, 0)->value == 5.0);
	r->now->delay_ms = 0;
	refresh(e, now_unix() + 5, 0);
	assert_int_equal(d->bk->prom.health, BK_OK);
}

static void test_range_failure(void **state)
{
	env_t *e = *state;
	route_t *hang = add_vec(e, "q_hang", "1");
	route_t *proxy = add_vec(e, "q_proxy", "1");
	standin_hang(hang->range);
	standin_answer(proxy->range, 502, "text/html", "<html>Bad Gateway</html>");
	dash_t *d = start(e, "title: T\npanels:\n  - {title: a, type: graph, query: q_hang}\n"
			     "  - {title: b, type: stat, query: q_proxy}\n", 0, 0);
	d->timeout_ms = 1000;
	d->bk->slow_ms = 1e9;
	refresh(e, now_unix(), 1);

	/* a range gets twice the time, and failing it is not Prometheus failing */
	assert_string_equal(panel(e, 0)->range_error, "prometheus: timed out after 2000 ms");
	assert_prefix(panel(e, 1)->range_error, "HTTP 502");
	assert_int_equal(d->bk->prom.health, BK_OK);
	assert_null(d->bk->prom.error);
	assert_state(e, 0, PSTATE_OK);
	assert_state(e, 1, PSTATE_OK);
	assert_null(panel(e, 0)->error);

	/* a failed range is asked again at the next refresh; success clears the error */
	standin_answer(hang->range, 200, "application/json", MATRIX);
	standin_answer(proxy->range, 200, "application/json", MATRIX);
	refresh(e, now_unix() + 1, 1);
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(e->routes[i].range->asked, 2);
		assert_null(panel(e, i)->range_error);
		assert_int_equal(panel(e, i)->range.n, 1);
		assert_int_equal(panel(e, i)->range.v[0].n, 2);
	}
	assert_int_equal(d->bk->prom.health, BK_OK);
}

static void test_range_step(void **state)
{
	env_t *e = *state;
	route_t *r = add_vec(e, "q", "1");
	dash_t *d = start(e, "title: T\npanels:\n  - {title: p, type: graph, query: q}\n", 0, 0);
	const double t0 = 1700000000;

	refresh(e, t0, 1);
	assert_int_equal(r->range->asked, 1);
	assert_true(panel(e, 0)->range_step == 15); /* one hour at 240 points */
	assert_true(panel(e, 0)->range_end == t0);
	assert_true(panel(e, 0)->range_end - panel(e, 0)->range_start == 3600);

	/* the instant query every refresh, the range once per step */
	refresh(e, t0 + 5, 1);
	refresh(e, t0 + 14.5, 1);
	assert_int_equal(r->now->asked, 3);
	assert_int_equal(r->range->asked, 1);
	refresh(e, t0 + 15, 1);
	assert_int_equal(r->range->asked, 2);
	assert_true(panel(e, 0)->range_end == t0 + 15);

	/* a new window is asked at once */
	d->range_ms = 6LL * 3600 * 1000;
	refresh(e, t0 + 16, 1);
	assert_int_equal(r->range->asked, 3);
	assert_true(panel(e, 0)->range_end - panel(e, 0)->range_start == 6 * 3600);
	assert_true(panel(e, 0)->range_step == 90);
	refresh(e, t0 + 100, 0);
	assert_int_equal(r->range->asked, 3);

	/* a range under way for a window no longer wanted is dropped and asked anew */
	standin_hang(r->range);
	dash_refresh(d, t0 + 200, 1);
	run_until(e, &r->range->asked, 4);
	run_until(e, NULL, 1); /* the instant answer */
	assert_int_equal(r->now->asked, 7);
	assert_int_equal(dash_pending(d), 1);
	standin_answer(r->range, 200, "application/json", MATRIX);
	d->range_ms = 3600 * 1000;
	refresh(e, t0 + 201, 1);
	assert_int_equal(r->range->asked, 5);
	assert_true(panel(e, 0)->range_end - panel(e, 0)->range_start == 3600);
	assert_null(panel(e, 0)->range_error);
}

/* A vector of n series pod="pNNNNNN" with value i % 1000. */
static char *many(int n)
{
	strbuf_t b;
	sb_init(&b);
	sb_puts(&b, "{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[");
	for (int i = 0; i < n; i++)
		sb_printf(&b, "%s{\"metric\":{\"__name__\":\"icn_vortex_vram_usage_bytes\",\"pod\":\"p%06d\"},"
			      "\"value\":[1700000000,\"%d\"]}", i ? "," : "", i, i % 1000);
	sb_puts(&b, "]}}");
	return sb_steal(&b);
}

/* A high-cardinality answer: over the size cap it is stopped and named; under
 * it, it is parsed off the loop and only the worst series are kept. */
static void test_huge_answer(void **state)
{
	env_t *e = *state;
	char *body = many(150000);
	size_t len = strlen(body);
	route_t *r = add_route(e, "q", 200, body);
	free(body);
	dash_t *d = start(e, "title: T\npanels:\n  - {title: p, type: gauge, query: q, max: 1000, "
			     "reduce: max, legend: pod, thresholds: {crit: \"> 990\"}}\n", 0, 0);
	d->max_answer = 4u << 20;
	refresh(e, now_unix(), 0);
	assert_int_equal(r->now->asked, 1);
	assert_state(e, 0, PSTATE_ERROR);
	char *want = xasprintf("answer too large (%.0f MB > 4 MB cap) for 'q': narrow the query",
			       (double)len / 1048576.0);
	assert_string_equal(panel(e, 0)->error, want);
	free(want);
	/* the server answered: it is up, the query is at fault */
	assert_int_equal(d->bk->prom.health, BK_OK);
	assert_int_equal(d->jobs_queued, 0);

	/* a query that said too much is not asked again at every refresh */
	refresh(e, now_unix() + 5, 0);
	assert_int_equal(r->now->asked, 1);
	d->max_answer = 0; /* the default, 16 MB */
	d->max_series = 50;
	refresh(e, now_unix() + 31, 0);
	assert_int_equal(r->now->asked, 2);
	assert_null(panel(e, 0)->error);
	assert_int_equal(d->jobs_queued, 1); /* parsed off the loop */
	assert_int_equal(panel(e, 0)->now.n, 50);
	assert_int_equal(panel(e, 0)->n_total, 150000);
	assert_true(panel(e, 0)->value == 999);
	assert_state(e, 0, PSTATE_CRIT);
	/* the worst kept, worst first, ties by name */
	assert_true(series_last(&panel(e, 0)->now.v[0]) == 999);
	assert_string_equal(labels_get(&panel(e, 0)->now.v[0].labels, "pod"), "p000999");
	assert_true(series_last(&panel(e, 0)->now.v[49]) == 999 - 49 / 150);
	assert_string_equal(panel(e, 0)->value_from, "p000999");
}

/* Bars keep their shares right when the cap cuts them: the total is of all. */
static void test_capped_bars_total(void **state)
{
	env_t *e = *state;
	char *body = many(2000);
	add_route(e, "q", 200, body);
	free(body);
	dash_t *d = start(e, "title: T\npanels:\n  - {title: p, type: bars, query: q, legend: pod, "
			     "thresholds: {crit: \"> 0.25\"}}\n", 0, 0);
	d->max_series = 10;
	refresh(e, now_unix(), 0);
	assert_int_equal(panel(e, 0)->now.n, 10);
	assert_int_equal(panel(e, 0)->n_total, 2000);
	assert_true(panel(e, 0)->total == 2 * 999.0 * 1000 / 2); /* 2 x (0 + ... + 999) */
	assert_state(e, 0, PSTATE_OK);
}

/* Answers that are not Prometheus's mark it down with the reason; an error
 * envelope with a 5xx is Prometheus speaking, shown as it said. */
static void test_not_prometheus(void **state)
{
	env_t *e = *state;
	route_t *r = add_route(e, "q", 200, "");
	standin_answer(r->now, 200, "text/html", "<html><body>Grafana login</body></html>");
	dash_t *d = start(e, "title: T\npanels:\n  - {title: p, type: stat, query: q}\n", 0, 0);
	refresh(e, now_unix(), 0);
	assert_int_equal(d->bk->prom.health, BK_DOWN);
	assert_string_equal(d->bk->prom.error, "not a Prometheus API: HTTP 200 text/html");
	assert_string_equal(panel(e, 0)->error, "not a Prometheus API: HTTP 200 text/html");

	standin_answer(r->now, 404, "text/html; charset=utf-8", "<h1>404 page not found</h1>");
	refresh(e, now_unix(), 0);
	assert_int_equal(d->bk->prom.health, BK_DOWN);
	assert_string_equal(d->bk->prom.error, "not a Prometheus API: HTTP 404 text/html");

	/* JSON, but not Prometheus's envelope */
	standin_answer(r->now, 200, "application/json", "{\"message\":\"Unauthorized\"}");
	refresh(e, now_unix(), 0);
	assert_int_equal(d->bk->prom.health, BK_DOWN);
	assert_prefix(d->bk->prom.error, "not a Prometheus API: unexpected response");

	standin_answer(r->now, 503, "application/json",
		       "{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"TSDB not ready\"}");
	refresh(e, now_unix(), 0);
	assert_int_equal(d->bk->prom.health, BK_DOWN);
	assert_string_equal(d->bk->prom.error, "HTTP 503: unavailable: TSDB not ready");
	assert_string_equal(panel(e, 0)->error, "unavailable: TSDB not ready");

	standin_answer(r->now, 200, "application/json",
		       "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"3\"]}}");
	refresh(e, now_unix(), 0);
	assert_int_equal(d->bk->prom.health, BK_OK);
	assert_null(d->bk->prom.error);
	assert_state(e, 0, PSTATE_OK);
}

/* At most max_parallel queries are under way; the rest wait their turn. */
static void test_parallel_limit(void **state)
{
	env_t *e = *state;
	strbuf_t y;
	sb_init(&y);
	sb_puts(&y, "title: T\npanels:\n");
	for (int i = 0; i < 9; i++) {
		char q[8];
		snprintf(q, sizeof q, "q%d", i);
		standin_hang(add_vec(e, q, "1")->now);
		sb_printf(&y, "  - {title: p%d, type: stat, query: q%d}\n", i, i);
	}
	dash_t *d = start(e, y.s, 0, 0);
	sb_free(&y);
	d->max_parallel = 3;
	d->timeout_ms = 500;
	dash_refresh(d, now_unix(), 0);
	assert_int_equal(dash_pending(d), 9);
	size_t started = 0;
	for (size_t i = 0; i < 9; i++)
		started += panel(e, i)->req_now != NULL;
	assert_int_equal(started, 3);
	/* a refresh while they hang asks nothing twice */
	dash_refresh(d, now_unix(), 0);
	assert_int_equal(dash_pending(d), 9);
	/* the three under way time out; the six waiting are not sent to wait for
	 * the same timeout in turn, and say why */
	run_until(e, NULL, 0);
	size_t asked = 0;
	for (size_t i = 0; i < 9; i++) {
		asked += (size_t)e->routes[i].now->asked;
		assert_int_equal(panel(e, i)->state, PSTATE_ERROR);
		if (!e->routes[i].now->asked)
			assert_non_null(strstr(panel(e, i)->error, "timed out after 500 ms (not asked: a query before it got no answer)"));
	}
	assert_int_equal(asked, 3);
	for (size_t i = 0; i < 9; i++)
		standin_answer(e->routes[i].now, 200, "application/json",
			       "{\"status\":\"success\",\"data\":{\"resultType\":\"scalar\",\"result\":[1,\"3\"]}}");
	/* the next refresh asks them all again, three at a time, and they answer */
	refresh(e, now_unix() + 1, 0);
	for (size_t i = 0; i < 9; i++)
		assert_state(e, i, PSTATE_OK);
}

/* A min panel without thresholds keeps the lowest series under a cap, and its
 * value is the minimum of all of them; a mean is over all the numbers. */
static void test_capped_reductions(void **state)
{
	env_t *e = *state;
	char *body = many(2000);
	add_route(e, "qmin", 200, body);
	add_route(e, "qavg", 200, body);
	free(body);
	dash_t *d = start(e, "title: T\npanels:\n"
			     "  - {title: lo, type: stat, query: qmin, reduce: min, legend: pod}\n"
			     "  - {title: mean, type: stat, query: qavg, reduce: avg}\n", 0, 0);
	d->max_series = 10;
	refresh(e, now_unix(), 0);
	assert_true(panel(e, 0)->value == 0);
	assert_true(series_last(&panel(e, 0)->now.v[0]) == 0); /* the lowest kept */
	assert_string_equal(panel(e, 0)->value_from, "p000000");
	assert_true(panel(e, 1)->value == 499.5);
}

/* A range answer too large waits; the instant query of the same panel does not. */
static void test_range_hold_apart(void **state)
{
	env_t *e = *state;
	route_t *r = add_vec(e, "q", "1");
	char *big = many(20000);
	standin_answer(r->range, 200, "application/json", big);
	free(big);
	dash_t *d = start(e, "title: T\npanels:\n  - {title: p, type: graph, query: q}\n", 0, 0);
	d->max_answer = 64 << 10;
	double t = now_unix();
	refresh(e, t, 1);
	assert_non_null(panel(e, 0)->range_error);
	assert_null(panel(e, 0)->error);
	refresh(e, t + 5, 1);
	assert_int_equal(r->now->asked, 2);  /* the instant query goes on */
	assert_int_equal(r->range->asked, 1); /* the range waits */
	assert_false(panel(e, 0)->stale);
	refresh(e, t + 31, 1);
	assert_int_equal(r->range->asked, 2);
	/* a clock stepped back does not hold a panel for longer than a minute */
	refresh(e, t - 3600, 1);
	assert_int_equal(r->now->asked, 4);
}

/* Parsing an answer on the loop's thread leaves that thread's priority alone
 * (only work-queue threads lower theirs). */
static void test_loop_priority_kept(void **state)
{
	env_t *e = *state;
	add_vec(e, "q", "1");
	start(e, "title: T\npanels:\n  - {title: p, type: stat, query: q}\n", 0, 0);
	id_t tid = (id_t)syscall(SYS_gettid);
	errno = 0;
	int before = getpriority(PRIO_PROCESS, tid);
	/* as root, a start above 0 shows a "restore to 0" too */
	if (before == 0 && setpriority(PRIO_PROCESS, tid, 3) == 0)
		before = 3;
	refresh(e, now_unix(), 0);
	assert_int_equal(panel(e, 0)->state, PSTATE_OK);
	assert_int_equal(getpriority(PRIO_PROCESS, tid), before);
	setpriority(PRIO_PROCESS, tid, 0);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_states),
		T(test_error_then_stale),
		T(test_crit_stays_crit),
		T(test_huge_answer),
		T(test_capped_bars_total),
		T(test_not_prometheus),
		T(test_parallel_limit),
		T(test_capped_reductions),
		T(test_range_hold_apart),
		T(test_loop_priority_kept),
		T(test_dead_port),
		T(test_slow),
		T(test_range_failure),
		T(test_range_step),
	};
	return cmocka_run_group_tests_name("dash", tests, NULL, NULL);
}
