/* Unit tests of app/alerts: the real HTTP client on a real libuv loop against two
 * Alertmanager peers (/am0, /am1) and a Prometheus (/prom) on the shared stand-in. */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "app/alerts.h"
#include "core/xalloc.h"
#include "fixture.h"
#include "standin.h"

/* Only guards against a hang; no test asserts how long anything took. */
#define GUARD_MS 60000
/* Longer than any test: a request the stand-in holds stays under way. */
#define TIMEOUT_MS 30000

#define RECEIVES_A_LIST() ((void)0)

#define JSON "application/json"
#define PROM_EMPTY "{\"status\":\"success\",\"data\":{\"alerts\":[]}}"
#define SIL_ID0 "{\"silenceID\":\"sil-am0\"}"
#define SIL_ID1 "{\"silenceID\":\"sil-am1\"}"

/* The routes of one Alertmanager peer. */
typedef struct {
	standin_route_t *alerts, *sil, *post, *status, *del;
} peer_t;

/* What a write's callback heard. */
typedef struct {
	int called, ok, unknown;
	char *id, *error, *peer, *note;
	bk_health_t health[2]; /* the peers' health as the callback ran */
} wres_t;

typedef struct env {
	uv_loop_t loop;
	standin_t *srv;
	uv_timer_t guard, tick;
	uv_prepare_t prep;
	int hung, ticked;
	/* what run() waits for */
	size_t pending;
	const int *count;
	int want, wait_tick;
	http_client_t *http;
	backends_t bk;
	alerts_t al;
	int have_al;
	peer_t am[2], other[2]; /* other: /new0 and /new1, for a second context */
	standin_route_t *prom;
	char *url[2];           /* the peers' URLs as the context gives them */
	int changes;
	int n_crit;
	char *crit[16];
} env_t;

/* ---- payloads -------------------------------------------------------------- */

typedef struct {
	const char *fp, *name, *sev, *node;
	const char *state;     /* "active", "silenced", "inhibited" */
} alert_t;

/* GET /api/v2/alerts: gettableAlerts as Alertmanager 0.2x writes them; the
 * i-th starts i minutes after the first, so the oldest comes first. */
static char *am_json(const alert_t *v, size_t n)
{
	strbuf_t b;
	sb_init(&b);
	sb_puts(&b, "[");
	for (size_t i = 0; i < n; i++) {
		const alert_t *a = &v[i];
		int sil = !strcmp(a->state, "silenced"), inh = !strcmp(a->state, "inhibited");
		sb_printf(&b,
			  "%s{\"annotations\":{\"summary\":\"%s on %s\"},"
			  "\"endsAt\":\"2030-01-01T00:00:00.000Z\",\"fingerprint\":\"%s\","
			  "\"receivers\":[{\"name\":\"ops\"}],"
			  "\"startsAt\":\"2026-01-01T00:%02zu:00.000Z\","
			  "\"updatedAt\":\"2026-01-01T01:00:00.000Z\","
			  "\"generatorURL\":\"http://prometheus/graph\","
			  "\"labels\":{\"alertname\":\"%s\",\"node\":\"%s\",\"severity\":\"%s\"},"
			  "\"status\":{\"state\":\"%s\",\"silencedBy\":[%s],\"inhibitedBy\":[%s]}}",
			  i ? "," : "", a->name, a->node, a->fp, i % 60, a->name, a->node, a->sev,
			  sil || inh ? "suppressed" : "active", sil ? "\"s1\"" : "",
			  inh ? "\"f0\"" : "");
	}
	sb_puts(&b, "]");
	return sb_steal(&b);
}

#define ALERTS(...) \
	am_json((const alert_t[]){ __VA_ARGS__ }, sizeof((const alert_t[]){ __VA_ARGS__ }) / sizeof(alert_t))

/* Prometheus GET /api/v1/alerts; state "pending" or "firing". */
static char *prom_json(const alert_t *v, size_t n)
{
	strbuf_t b;
	sb_init(&b);
	sb_puts(&b, "{\"status\":\"success\",\"data\":{\"alerts\":[");
	for (size_t i = 0; i < n; i++)
		sb_printf(&b,
			  "%s{\"labels\":{\"alertname\":\"%s\",\"node\":\"%s\",\"severity\":\"%s\"},"
			  "\"annotations\":{},\"state\":\"%s\","
			  "\"activeAt\":\"2026-01-01T00:30:00.000Z\",\"value\":\"1e+00\"}",
			  i ? "," : "", v[i].name, v[i].node, v[i].sev, v[i].state);
	sb_puts(&b, "]}}");
	return sb_steal(&b);
}

#define PENDING(...) \
	prom_json((const alert_t[]){ __VA_ARGS__ }, sizeof((const alert_t[]){ __VA_ARGS__ }) / sizeof(alert_t))

/* Serve a payload (and free it). */
static void serve(standin_route_t *r, char *json)
{
	standin_answer(r, 200, JSON, json);
	free(json);
}

/* ---- harness --------------------------------------------------------------- */

static void peer_routes(env_t *e, peer_t *p, const char *name, const char *post_answer)
{
	char *s;
	s = xasprintf("GET /%s/api/v2/alerts", name);
	p->alerts = standin_route(e->srv, s, 200, JSON, "[]");
	free(s);
	s = xasprintf("GET /%s/api/v2/silences", name);
	p->sil = standin_route(e->srv, s, 200, JSON, "[]");
	free(s);
	s = xasprintf("POST /%s/api/v2/silences", name);
	p->post = standin_route(e->srv, s, 200, JSON, post_answer);
	free(s);
	s = xasprintf("GET /%s/api/v2/status", name);
	p->status = standin_route(e->srv, s, 200, JSON, "{\"cluster\":{\"status\":\"ready\"}}");
	free(s);
	s = xasprintf("DELETE /%s/api/v2/silence/", name);
	p->del = standin_route(e->srv, s, 200, NULL, "");
	free(s);
}

/* Every route of a peer answers this way. */
static void peer_fail(peer_t *p, int status, const char *ctype, const char *body)
{
	standin_answer(p->alerts, status, ctype, body);
	standin_answer(p->sil, status, ctype, body);
	standin_answer(p->post, status, ctype, body);
	standin_answer(p->status, status, ctype, body);
	standin_answer(p->del, status, ctype, body);
}

static void on_change(alerts_t *al, void *ud)
{
	(void)al;
	((env_t *)ud)->changes++;
}

static void on_new_critical(alerts_t *al, const am_alert_t *a, void *ud)
{
	env_t *e = ud;
	(void)al;
	assert_int_equal(a->state, AM_STATE_FIRING);
	assert_int_equal(alertlist_severity(&a->labels), SEV_CRITICAL);
	assert_true(e->n_crit < 16);
	e->crit[e->n_crit++] = xstrdup(a->fingerprint);
}

static void on_write(alerts_t *al, const alerts_write_t *w, void *ud)
{
	wres_t *r = ud;
	r->called++;
	r->ok = w->ok;
	r->unknown = w->unknown;
	free(r->id);
	free(r->error);
	free(r->peer);
	free(r->note);
	r->id = w->id ? xstrdup(w->id) : NULL;
	r->error = w->error ? xstrdup(w->error) : NULL;
	r->peer = w->peer ? xstrdup(w->peer) : NULL;
	r->note = w->note ? xstrdup(w->note) : NULL;
	r->health[0] = al->bk->am[0].health;
	r->health[1] = al->bk->am[1].health;
}

static void wres_free(wres_t *r)
{
	free(r->id);
	free(r->error);
	free(r->peer);
	free(r->note);
	memset(r, 0, sizeof *r);
}

/* A context: Prometheus under /prom (NULL: none), the peers' URLs as given. */
static void ctx_make(conf_context_t *c, const char *prom, const char *am0, const char *am1)
{
	memset(c, 0, sizeof *c);
	c->name = xstrdup("test");
	c->prometheus = prom ? xstrdup(prom) : NULL;
	if (am0)
		c->alertmanager[c->n_alertmanager++] = xstrdup(am0);
	if (am1)
		c->alertmanager[c->n_alertmanager++] = xstrdup(am1);
}

enum { DEAD0 = 1, DEAD1 = 2, READ_ONLY = 4, NO_PROM = 8, ONE_PEER = 16 };

static char *peer_url(env_t *e, int i, int dead)
{
	int port = dead ? standin_dead_port() : standin_port(e->srv);
	assert_true(port > 0);
	return xasprintf("http://127.0.0.1:%d/am%d", port, i);
}

static alerts_t *start(env_t *e, int flags)
{
	conf_context_t c;
	char *prom = standin_url(e->srv, "/prom");
	e->url[0] = peer_url(e, 0, flags & DEAD0);
	e->url[1] = flags & ONE_PEER ? NULL : peer_url(e, 1, flags & DEAD1);
	ctx_make(&c, flags & NO_PROM ? NULL : prom, e->url[0], e->url[1]);
	c.read_only = !!(flags & READ_ONLY);
	free(prom);
	backends_init(&e->bk, &c);
	alerts_init(&e->al, &e->loop, e->http, &e->bk, &c, TIMEOUT_MS);
	conf_context_free(&c);
	e->have_al = 1;
	e->al.on_change = on_change;
	e->al.on_new_critical = on_new_critical;
	e->al.ud = e;
	return &e->al;
}

/* For the tests of writes: the alert lists a good write's refresh asks for
 * never come (see RECEIVES_A_LIST); everything else answers. */
static alerts_t *start_writes(env_t *e, int flags)
{
	standin_hang(e->am[0].alerts);
	standin_hang(e->am[1].alerts);
	standin_hang(e->other[0].alerts);
	standin_hang(e->other[1].alerts);
	return start(e, flags);
}

/* Another context for both the backends and the alerts module. */
static void switch_context(env_t *e, const char *prom, const char *am0, const char *am1)
{
	conf_context_t c;
	ctx_make(&c, prom, am0, am1);
	backends_set_context(&e->bk, &c);
	alerts_set_context(&e->al, &c);
	conf_context_free(&c);
}

static void on_guard(uv_timer_t *t)
{
	env_t *e = t->data;
	e->hung = 1;
	uv_stop(&e->loop);
}

/* Whether run() may stop: at most `pending` requests under way, *count at
 * `want` (when count is set), the tick seen (when waiting for it). */
static int done(const env_t *e)
{
	if (e->count)
		return *e->count >= e->want;
	if (e->wait_tick)
		return e->ticked;
	return alerts_pending(&e->al) <= e->pending;
}

/* Checked before the loop would block: what a timer callback completed at the
 * start of a turn must not leave the loop waiting in poll for the next event. */
static void on_prepare(uv_prepare_t *p)
{
	env_t *e = p->data;
	if (done(e))
		uv_stop(&e->loop);
}

static void run(env_t *e)
{
	e->hung = 0;
	uv_timer_start(&e->guard, on_guard, GUARD_MS, 0);
	uv_prepare_start(&e->prep, on_prepare);
	while (!e->hung && !done(e))
		uv_run(&e->loop, UV_RUN_ONCE);
	uv_prepare_stop(&e->prep);
	uv_timer_stop(&e->guard);
	e->count = NULL;
	e->wait_tick = 0;
	assert_false(e->hung);
}

/* Turn the loop until at most `want` requests are under way. */
static void run_idle(env_t *e, size_t want)
{
	e->pending = want;
	run(e);
}

/* Turn the loop until *count reaches want. */
static void run_count(env_t *e, const int *count, int want)
{
	e->count = count;
	e->want = want;
	run(e);
}

static void on_tick(uv_timer_t *t)
{
	((env_t *)t->data)->ticked = 1;
}

/* Turn the loop for ms: whatever would happen without the test doing anything. */
static void spin(env_t *e, int ms)
{
	e->ticked = 0;
	e->wait_tick = 1;
	uv_timer_start(&e->tick, on_tick, (uint64_t)ms, 0);
	run(e);
}

/* After a write: everything done but the hanging alert list of the refresh
 * that follows a good one. */
static void settle(env_t *e)
{
	run_idle(e, 1);
}

static void refresh(env_t *e, int with_silences)
{
	alerts_refresh(&e->al, with_silences);
	run_idle(e, 0);
}

static int setup(void **state)
{
	env_t *e = xcalloc(1, sizeof *e);
	if (uv_loop_init(&e->loop) != 0 || !(e->srv = standin_start(&e->loop)))
		return -1;
	uv_timer_init(&e->loop, &e->guard);
	e->guard.data = e;
	uv_timer_init(&e->loop, &e->tick);
	e->tick.data = e;
	uv_prepare_init(&e->loop, &e->prep);
	e->prep.data = e;
	e->http = http_client_new(&e->loop);
	if (!e->http)
		return -1;
	peer_routes(e, &e->am[0], "am0", SIL_ID0);
	peer_routes(e, &e->am[1], "am1", SIL_ID1);
	peer_routes(e, &e->other[0], "new0", "{\"silenceID\":\"sil-new0\"}");
	peer_routes(e, &e->other[1], "new1", "{\"silenceID\":\"sil-new1\"}");
	e->prom = standin_route(e->srv, "GET /prom/api/v1/alerts", 200, JSON, PROM_EMPTY);
	*state = e;
	return 0;
}

static void count_handle(uv_handle_t *h, void *arg)
{
	(void)h;
	(*(int *)arg)++;
}

/* Every test ends here; uv_loop_close proves no handle was left behind. */
static int teardown(void **state)
{
	env_t *e = *state;
	int turns = 0, rc, left = 0;
	if (e->have_al) {
		alerts_free(&e->al);
		backends_free(&e->bk);
	}
	http_client_free(e->http);
	standin_stop(e->srv);
	uv_close((uv_handle_t *)&e->guard, NULL);
	uv_close((uv_handle_t *)&e->tick, NULL);
	uv_close((uv_handle_t *)&e->prep, NULL);
	/* work on the thread pool (a big list being freed) ends on its own: give
	 * it up to five seconds, a millisecond at a time */
	while (uv_run(&e->loop, UV_RUN_NOWAIT) && turns < 5000) {
		turns++;
		usleep(1000);
	}
	rc = uv_loop_close(&e->loop);
	if (rc != 0) {
		uv_walk(&e->loop, count_handle, &left);
		fprintf(stderr, "# uv_loop_close: %s, %d handle(s) left\n", uv_strerror(rc), left);
	}
	for (int i = 0; i < 2; i++)
		free(e->url[i]);
	for (int i = 0; i < e->n_crit; i++)
		free(e->crit[i]);
	free(e);
	return rc == 0 ? 0 : -1;
}

static void assert_prefix(const char *s, const char *prefix)
{
	if (!s || strncmp(s, prefix, strlen(prefix)) != 0)
		fail_msg("\"%s\" does not start with \"%s\"", s ? s : "(null)", prefix);
}

static int count(env_t *e, const char *method, const char *prefix)
{
	return standin_count(e->srv, method, prefix);
}

/* The fingerprint of the alert a row shows. */
static const char *row_fp(const alerts_t *al, size_t row)
{
	assert_true(row < al->list.n_rows);
	assert_false(al->list.rows[row].is_group);
	return al->list.all.v[al->list.rows[row].alert].fingerprint;
}

static void assert_group(const alerts_t *al, size_t row, severity_t sev, const char *name,
			 size_t n, size_t n_firing)
{
	assert_true(row < al->list.n_rows);
	const alertlist_row_t *r = &al->list.rows[row];
	assert_true(r->is_group);
	assert_int_equal(r->sev, sev);
	assert_string_equal(r->alertname, name);
	assert_int_equal(r->count, n);
	assert_int_equal(r->n_firing, n_firing);
}

/* ---- reading --------------------------------------------------------------- */

static void test_first_list(void **state)
{
	env_t *e = *state;
	RECEIVES_A_LIST();
	alerts_t *al = start(e, 0);
	serve(e->am[0].alerts, ALERTS({ "a1", "NodeDown", "critical", "n1", "active" },
				      { "a2", "NodeDown", "critical", "n2", "active" },
				      { "a1", "NodeDown", "critical", "n1", "active" },
				      { "b1", "DiskFull", "warning", "n1", "active" },
				      { "c1", "CpuHigh", "warning", "n3", "silenced" },
				      { "d1", "Info", "info", "n1", "active" }));
	/* a pending alert, one that has fired since (same labels as b1), and a
	 * firing one (Alertmanager's to report) */
	serve(e->prom, PENDING({ "", "Latency", "warning", "n4", "pending" },
			       { "", "DiskFull", "warning", "n1", "pending" },
			       { "", "NodeDown", "critical", "n1", "firing" }));
	assert_int_equal(al->firing, -1);
	assert_false(al->have);

	refresh(e, 0);
	assert_true(al->have);
	assert_null(al->error);
	assert_null(al->pending_error);
	assert_true(al->last_ok > 0);
	assert_true(e->changes > 0);
	assert_int_equal(al->reader, 0);
	/* a1 a2 b1 d1: each fingerprint once, the silenced one not firing */
	assert_int_equal(al->firing, 4);
	assert_int_equal(al->list.n_firing, 4);
	assert_int_equal(al->list.n_order, 6);

	size_t row = 0;
	assert_group(al, row++, SEV_CRITICAL, "NodeDown", 2, 2);
	assert_string_equal(row_fp(al, row++), "a1");
	assert_string_equal(row_fp(al, row++), "a2");
	assert_group(al, row++, SEV_WARNING, "CpuHigh", 1, 0);
	assert_string_equal(row_fp(al, row++), "c1");
	assert_group(al, row++, SEV_WARNING, "DiskFull", 1, 1);
	assert_string_equal(row_fp(al, row++), "b1");
	assert_group(al, row++, SEV_WARNING, "Latency", 1, 0);
	const am_alert_t *p = &al->list.all.v[al->list.rows[row++].alert];
	assert_int_equal(p->state, AM_STATE_PENDING);
	assert_string_equal(p->fingerprint, "");
	assert_group(al, row++, SEV_INFO, "Info", 1, 1);
	assert_string_equal(row_fp(al, row++), "d1");
	assert_int_equal(al->list.n_rows, row);
	assert_int_equal(al->list.all.v[al->list.rows[4].alert].state, AM_STATE_SILENCED);

	/* reads from the first peer; the other is only probed; Prometheus asked once */
	assert_int_equal(count(e, "GET", "/am0/api/v2/alerts"), 1);
	assert_int_equal(count(e, NULL, "/am1/api/v2/alerts"), 0);
	assert_int_equal(count(e, "GET", "/am1/api/v2/status"), 1);
	assert_int_equal(count(e, NULL, "/am0/api/v2/status"), 0);
	assert_int_equal(count(e, "GET", "/prom/api/v1/alerts"), 1);
	assert_int_equal(count(e, NULL, "/am0/api/v2/silences"), 0);
	assert_int_equal(standin_unrouted(e->srv)->asked, 0);
	assert_int_equal(e->bk.am[0].health, BK_OK);
	assert_int_equal(e->bk.am[1].health, BK_OK);
	/* Prometheus' health is the dashboard's to judge */
	assert_int_equal(e->bk.prom.health, BK_UNKNOWN);
	assert_int_equal(e->n_crit, 0); /* not for the first list */
	assert_int_equal(alerts_pending(al), 0);
}

static void test_pending_error(void **state)
{
	env_t *e = *state;
	RECEIVES_A_LIST();
	alerts_t *al = start(e, 0);
	serve(e->am[0].alerts, ALERTS({ "a1", "NodeDown", "critical", "n1", "active" }));
	standin_answer(e->prom, 503, "text/plain", "prometheus is restarting");
	refresh(e, 0);
	assert_string_equal(al->pending_error, "prometheus: HTTP 503: prometheus is restarting");
	assert_true(al->have);
	assert_null(al->error);
	assert_int_equal(al->firing, 1);
	assert_int_equal(al->list.n_rows, 2);
	assert_int_equal(e->bk.prom.health, BK_UNKNOWN);

	/* Prometheus back: the pending alerts are known again */
	serve(e->prom, PENDING({ "", "Latency", "warning", "n4", "pending" }));
	refresh(e, 0);
	assert_null(al->pending_error);
	assert_int_equal(al->list.n_order, 2);

	/* Prometheus refusing the connection */
	char *dead = xasprintf("http://127.0.0.1:%d/prom", standin_dead_port());
	switch_context(e, dead, e->url[0], e->url[1]);
	free(dead);
	refresh(e, 0);
	assert_string_equal(al->pending_error, "prometheus: connection refused");
	assert_true(al->have);
	assert_int_equal(al->firing, 1);

	/* no Prometheus at all: nothing asked, nothing missing */
	int before = count(e, NULL, "/prom");
	switch_context(e, NULL, e->url[0], e->url[1]);
	refresh(e, 0);
	assert_null(al->pending_error);
	assert_true(al->have);
	assert_int_equal(al->firing, 1);
	assert_int_equal(count(e, NULL, "/prom"), before);
}

static void test_no_alertmanager(void **state)
{
	env_t *e = *state;
	wres_t w;
	memset(&w, 0, sizeof w);
	alerts_t *al = start(e, ONE_PEER);
	switch_context(e, NULL, NULL, NULL);
	alerts_refresh(al, 1);
	assert_prefix(al->error, "no Alertmanager URL");
	assert_int_equal(alerts_pending(al), 0);
	assert_int_equal(alerts_silence_expire(al, "x", on_write, &w), -1);
	assert_int_equal(w.called, 1);
	assert_false(w.ok);
	assert_string_equal(w.error, "not sent: no Alertmanager URL in this context");
	spin(e, 20);
	assert_int_equal(standin_requests(e->srv), 0);
	wres_free(&w);
}

/* Peer 0 answering 503: the reader moves to peer 1 in the same refresh; a
 * probe of peer 0 later sees it back, and reads return to it. */
static void test_read_failover_503(void **state)
{
	env_t *e = *state;
	RECEIVES_A_LIST();
	alerts_t *al = start(e, 0);
	standin_answer(e->am[0].alerts, 503, "text/plain", "unavailable");
	serve(e->am[1].alerts, ALERTS({ "x1", "NodeDown", "critical", "n1", "active" }));
	refresh(e, 0);
	assert_int_equal(e->bk.am[0].health, BK_DOWN);
	assert_string_equal(e->bk.am[0].error, "HTTP 503: unavailable");
	assert_int_equal(e->bk.am[1].health, BK_OK);
	assert_int_equal(al->reader, 1);
	assert_true(al->have);
	assert_null(al->error);
	assert_int_equal(al->firing, 1);
	assert_string_equal(row_fp(al, 1), "x1");
	assert_int_equal(count(e, "GET", "/am0/api/v2/alerts"), 1);
	assert_int_equal(count(e, "GET", "/am1/api/v2/alerts"), 1);
	assert_int_equal(count(e, "GET", "/am1/api/v2/status"), 1);

	/* reads stay on peer 1; peer 0 is probed, not read */
	refresh(e, 0);
	assert_int_equal(al->reader, 1);
	assert_int_equal(count(e, "GET", "/am0/api/v2/alerts"), 1);
	assert_int_equal(count(e, "GET", "/am1/api/v2/alerts"), 2);
	assert_int_equal(count(e, "GET", "/am0/api/v2/status"), 1);
	assert_int_equal(e->bk.am[0].health, BK_OK);
	assert_null(e->bk.am[0].error);

	/* peer 0 up again: the first healthy peer in order is read */
	serve(e->am[0].alerts, ALERTS({ "y1", "DiskFull", "warning", "n2", "active" }));
	refresh(e, 0);
	assert_int_equal(al->reader, 0);
	assert_string_equal(row_fp(al, 1), "y1");
	assert_int_equal(count(e, "GET", "/am1/api/v2/alerts"), 2);
}

static void test_read_failover_refused(void **state)
{
	env_t *e = *state;
	RECEIVES_A_LIST();
	alerts_t *al = start(e, DEAD0);
	serve(e->am[1].alerts, ALERTS({ "x1", "NodeDown", "critical", "n1", "active" }));
	refresh(e, 0);
	assert_int_equal(e->bk.am[0].health, BK_DOWN);
	assert_string_equal(e->bk.am[0].error, "connection refused");
	assert_int_equal(al->reader, 1);
	assert_null(al->error);
	assert_int_equal(al->firing, 1);
	assert_string_equal(row_fp(al, 1), "x1");
}

/* A peer that hangs up without a word is failing too. */
static void test_read_failover_hangup(void **state)
{
	env_t *e = *state;
	RECEIVES_A_LIST();
	alerts_t *al = start(e, 0);
	standin_close(e->am[0].alerts);
	serve(e->am[1].alerts, ALERTS({ "x1", "NodeDown", "critical", "n1", "active" }));
	refresh(e, 0);
	assert_int_equal(e->bk.am[0].health, BK_DOWN);
	assert_non_null(e->bk.am[0].error);
	assert_int_equal(al->reader, 1);
	assert_int_equal(al->firing, 1);
}

/* A login page where the alerts should be: the peer is failing. */
static void test_read_failover_garbage(void **state)
{
	env_t *e = *state;
	RECEIVES_A_LIST();
	alerts_t *al = start(e, 0);
	standin_answer(e->am[0].alerts, 200, "text/html", "<html>login</html>");
	serve(e->am[1].alerts, ALERTS({ "x1", "NodeDown", "critical", "n1", "active" }));
	refresh(e, 0);
	assert_int_equal(e->bk.am[0].health, BK_DOWN);
	assert_prefix(e->bk.am[0].error, "invalid JSON from Alertmanager");
	assert_int_equal(al->reader, 1);
	assert_null(al->error);
	assert_int_equal(al->firing, 1);
}

/* What test_dash checked when the dashboard read Alertmanager: fingerprints
 * counted once, a peer answering 503 or garbage marked down. */
static void test_overlap_and_failing_peers(void **state)
{
	env_t *e = *state;
	RECEIVES_A_LIST();
	alerts_t *al = start(e, 0);
	serve(e->am[0].alerts, ALERTS({ "a", "A", "critical", "n1", "active" },
				      { "b", "B", "critical", "n1", "active" },
				      { "c", "C", "critical", "n1", "active" },
				      { "c", "C", "critical", "n1", "active" },
				      { "x", "X", "critical", "n1", "silenced" }));
	serve(e->am[1].alerts, ALERTS({ "b", "B", "critical", "n1", "active" },
				      { "c", "C", "critical", "n1", "active" },
				      { "d", "D", "critical", "n1", "active" }));
	refresh(e, 0);
	assert_int_equal(al->firing, 3); /* a b c */
	assert_int_equal(e->bk.am[0].health, BK_OK);
	assert_int_equal(e->bk.am[1].health, BK_OK);

	peer_fail(&e->am[0], 503, "text/plain", "unavailable");
	refresh(e, 0);
	assert_int_equal(e->bk.am[0].health, BK_DOWN);
	assert_string_equal(e->bk.am[0].error, "HTTP 503: unavailable");
	assert_int_equal(al->firing, 3); /* b c d */
	assert_int_equal(al->reader, 1);

	/* garbage from peer 1 too: both down, the last good list kept, the error said */
	standin_answer(e->am[1].alerts, 200, JSON, "{\"not\":\"a list\"}");
	refresh(e, 0);
	assert_int_equal(e->bk.am[0].health, BK_DOWN);
	assert_int_equal(e->bk.am[1].health, BK_DOWN);
	assert_string_equal(e->bk.am[1].error, "expected a JSON array of alerts from Alertmanager");
	assert_string_equal(al->error, "am2: expected a JSON array of alerts from Alertmanager");
	assert_true(al->have);
	assert_int_equal(al->firing, 3);

	/* another context: everything learnt about the old one goes */
	switch_context(e, NULL, e->url[0], NULL);
	assert_int_equal(al->firing, -1);
	assert_false(al->have);
	assert_null(al->error);
	assert_int_equal(al->list.n_rows, 0);
	assert_int_equal(e->bk.n_am, 1);
	assert_int_equal(e->bk.am[0].health, BK_UNKNOWN);
	serve(e->am[0].alerts, ALERTS({ "b", "B", "critical", "n1", "active" }));
	refresh(e, 0);
	assert_int_equal(al->firing, 1);
	assert_null(al->error);
	assert_int_equal(e->bk.am[0].health, BK_OK);
}

/* A refresh never overlaps itself: what is still under way is not asked again. */
static void test_no_overlap(void **state)
{
	env_t *e = *state;
	alerts_t *al = start(e, 0);
	standin_hang(e->am[0].alerts);
	standin_hang(e->am[0].sil);
	standin_hang(e->am[1].status);
	alerts_refresh(al, 1);
	run_idle(e, 3); /* Prometheus answers; the rest hangs */
	run_count(e, &e->am[1].status->asked, 1);
	run_count(e, &e->am[0].sil->asked, 1);
	run_count(e, &e->am[0].alerts->asked, 1);
	assert_int_equal(alerts_pending(al), 3);
	for (int i = 0; i < 3; i++) {
		alerts_refresh(al, 1);
		spin(e, 30);
	}
	assert_int_equal(count(e, NULL, "/am0/api/v2/alerts"), 1);
	assert_int_equal(count(e, NULL, "/am0/api/v2/silences"), 1);
	assert_int_equal(count(e, NULL, "/am1/api/v2/status"), 1);
	assert_int_equal(count(e, NULL, "/prom/api/v1/alerts"), 1);
	assert_int_equal(alerts_pending(al), 3);
	assert_false(al->have);
	/* teardown frees the module with all three under way */
}

static void test_silences(void **state)
{
	env_t *e = *state;
	RECEIVES_A_LIST();
	alerts_t *al = start(e, 0);
	char *sil = fixture_read("alertmanager/silences_v0.31.0_karma_mock.json", NULL);
	standin_answer(e->am[0].sil, 200, JSON, sil);
	free(sil);

	refresh(e, 0);
	assert_int_equal(count(e, NULL, "/am0/api/v2/silences"), 0);
	assert_false(al->have_sil);
	refresh(e, 1);
	assert_int_equal(count(e, "GET", "/am0/api/v2/silences"), 1);
	assert_true(al->have_sil);
	assert_null(al->sil_error);
	assert_true(al->sil_last_ok > 0);
	assert_int_equal(al->sil.n, 3);
	const am_silence_t *s = alerts_find_silence(al, "810ccf7f-c957-474a-b383-7e76d66a4d3b");
	assert_non_null(s);
	assert_int_equal(s->state, AM_SIL_ACTIVE);
	assert_string_equal(s->comment, "Silenced instance");
	assert_string_equal(s->created_by, "john@example.com");
	assert_int_equal(s->matchers.n, 1);
	assert_string_equal(s->matchers.v[0].name, "instance");
	assert_string_equal(s->matchers.v[0].value, "web1");
	assert_true(s->matchers.v[0].is_equal);
	assert_false(s->matchers.v[0].is_regex);
	assert_non_null(alerts_find_silence(al, "dcb3b5d0-9f10-4baa-977a-70073a1899bd"));
	assert_null(alerts_find_silence(al, "nope"));
	assert_null(alerts_find_silence(al, NULL));

	/* a failure keeps the last good list and says so */
	standin_answer(e->am[0].sil, 503, "text/plain", "unavailable");
	refresh(e, 1);
	assert_string_equal(al->sil_error, "am1: HTTP 503: unavailable");
	assert_true(al->have_sil);
	assert_int_equal(al->sil.n, 3);
	standin_answer(e->am[0].sil, 200, JSON, "[]");
	refresh(e, 1);
	assert_null(al->sil_error);
	assert_int_equal(al->sil.n, 0);
}

/* Was a bug: src/app/alerts.c:250 (on_silences) names the peer of a failed silences request with
 * al->reader as it is when the answer comes; the alerts answer may have moved
 * the reader meanwhile, so am1's failure is reported as am2's. */
static void test_silences_error_names_the_peer_asked(void **state)
{
	env_t *e = *state;
	RECEIVES_A_LIST();
	alerts_t *al = start(e, 0);
	peer_fail(&e->am[0], 503, "text/plain", "unavailable");
	e->am[0].sil->delay_ms = 300; /* after the alerts answer moved the reader */
	refresh(e, 1);
	assert_int_equal(al->reader, 1);
	assert_string_equal(al->sil_error, "am1: HTTP 503: unavailable");
}

/* ---- new critical alerts ------------------------------------------------------ */

/* The first list never rings, whatever fires in it. */
static void test_new_critical_not_first(void **state)
{
	env_t *e = *state;
	RECEIVES_A_LIST();
	start(e, 0);
	serve(e->am[0].alerts, ALERTS({ "c1", "NodeDown", "critical", "n1", "active" },
				      { "w1", "DiskFull", "warning", "n1", "active" }));
	refresh(e, 0);
	assert_int_equal(e->al.firing, 2);
	assert_int_equal(e->n_crit, 0);
}

/* A critical alert that appears in a later list rings once; pending, silenced
 * or warning ones do not. */
static void test_new_critical_later(void **state)
{
	env_t *e = *state;
	RECEIVES_A_LIST();
	start(e, 0);
	serve(e->am[0].alerts, ALERTS({ "w1", "DiskFull", "warning", "n1", "active" }));
	refresh(e, 0);
	assert_int_equal(e->n_crit, 0);

	serve(e->am[0].alerts, ALERTS({ "w1", "DiskFull", "warning", "n1", "active" },
				      { "w2", "DiskFull", "warning", "n2", "active" },
				      { "s1", "NodeDown", "critical", "n3", "silenced" },
				      { "i1", "NodeDown", "critical", "n4", "inhibited" },
				      { "c1", "NodeDown", "critical", "n1", "active" }));
	serve(e->prom, PENDING({ "", "NodeDown", "critical", "n9", "pending" }));
	refresh(e, 0);
	assert_int_equal(e->n_crit, 1);
	assert_string_equal(e->crit[0], "c1");
}

/* Was a bug: src/app/alerts.c build(), lines 113-128: `before` holds pointers to the
 * fingerprints of the old list, alertlist_free(&al->list) (line 118) frees them,
 * and fpset_has (line 128) then compares against freed memory: a heap-use-after-free at
 * every refresh after one with a firing critical alert, when on_new_critical
 * is set. ASan stops the test at the third refresh. */
static void test_new_critical_once(void **state)
{
	env_t *e = *state;
	RECEIVES_A_LIST();
	start(e, 0);
	serve(e->am[0].alerts, ALERTS({ "w1", "DiskFull", "warning", "n1", "active" }));
	refresh(e, 0);
	serve(e->am[0].alerts, ALERTS({ "c1", "NodeDown", "critical", "n1", "active" }));
	refresh(e, 0);
	assert_int_equal(e->n_crit, 1);
	/* the same fingerprint again: no second ring */
	refresh(e, 0);
	assert_int_equal(e->n_crit, 1);
	serve(e->am[0].alerts, ALERTS({ "c1", "NodeDown", "critical", "n1", "active" },
				      { "c2", "NodeDown", "critical", "n2", "active" }));
	refresh(e, 0);
	assert_int_equal(e->n_crit, 2);
	assert_string_equal(e->crit[1], "c2");
}

/* ---- filter -------------------------------------------------------------------- */

static void test_filter(void **state)
{
	env_t *e = *state;
	RECEIVES_A_LIST();
	alerts_t *al = start(e, 0);
	serve(e->am[0].alerts, ALERTS({ "a1", "NodeDown", "critical", "n1", "active" },
				      { "a2", "NodeDown", "critical", "n2", "active" },
				      { "b1", "DiskFull", "warning", "n1", "active" },
				      { "b2", "DiskFull", "warning", "n2", "active" }));
	refresh(e, 0);
	assert_int_equal(al->list.n_rows, 6);

	int changes = e->changes;
	alerts_set_filter(al, "node=n1");
	assert_true(e->changes > changes);
	assert_string_equal(al->filter, "node=n1");
	assert_int_equal(al->list.n_rows, 4);
	assert_string_equal(row_fp(al, 1), "a1");
	assert_string_equal(row_fp(al, 3), "b1");
	assert_int_equal(al->list.n_firing, 4); /* whatever the filter hides */
	assert_int_equal(al->firing, 4);

	/* the filter holds for the next list */
	serve(e->am[0].alerts, ALERTS({ "a2", "NodeDown", "critical", "n2", "active" },
				      { "b1", "DiskFull", "warning", "n1", "active" }));
	refresh(e, 0);
	assert_int_equal(al->list.n_rows, 2);
	assert_string_equal(row_fp(al, 1), "b1");

	/* free text, case-insensitive */
	alerts_set_filter(al, "nodedown");
	assert_int_equal(al->list.n_rows, 2);
	assert_string_equal(row_fp(al, 1), "a2");

	alerts_set_filter(al, "");
	assert_null(al->filter);
	assert_int_equal(al->list.n_rows, 4);
	alerts_set_filter(al, "nothing-matches-this");
	assert_int_equal(al->list.n_rows, 0);
	alerts_set_filter(al, NULL);
	assert_null(al->filter);
	assert_int_equal(al->list.n_rows, 4);
}

static void test_count_matching(void **state)
{
	env_t *e = *state;
	RECEIVES_A_LIST();
	alerts_t *al = start(e, 0);
	serve(e->am[0].alerts, ALERTS({ "a1", "NodeDown", "critical", "n1", "active" },
				      { "a2", "NodeDown", "critical", "n2", "active" },
				      { "a3", "NodeDown", "critical", "n3", "silenced" },
				      { "b1", "DiskFull", "warning", "n1", "active" }));
	refresh(e, 0);
	am_matchers_t m;
	memset(&m, 0, sizeof m);
	am_matchers_add(&m, "alertname", "NodeDown", 0, 1);
	assert_int_equal(alerts_count_matching(al, &m), 2); /* the silenced one is not firing */
	am_matchers_add(&m, "node", "n[2-9]", 1, 1);
	assert_int_equal(alerts_count_matching(al, &m), 1);
	am_matchers_free(&m);
}

/* ---- writes -------------------------------------------------------------------- */

static am_matchers_t *matchers(am_matchers_t *m)
{
	memset(m, 0, sizeof *m);
	am_matchers_add(m, "alertname", "NodeDown", 0, 1);
	am_matchers_add(m, "node", "director-.*", 1, 1);
	am_matchers_add(m, "env", "dev", 0, 0);
	return m;
}

static void assert_matcher(json_t *ms, size_t i, const char *name, const char *value,
			   int is_regex, int is_equal)
{
	json_t *o = json_array_get(ms, i);
	assert_true(json_is_object(o));
	assert_string_equal(json_string_value(json_object_get(o, "name")), name);
	assert_string_equal(json_string_value(json_object_get(o, "value")), value);
	assert_true(json_is_boolean(json_object_get(o, "isRegex")));
	assert_true(json_is_boolean(json_object_get(o, "isEqual")));
	assert_int_equal(json_is_true(json_object_get(o, "isRegex")), is_regex);
	assert_int_equal(json_is_true(json_object_get(o, "isEqual")), is_equal);
}

static const char *jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	if (!s)
		fail_msg("no string \"%s\" in the body", key);
	return s;
}

static void test_create(void **state)
{
	env_t *e = *state;
	alerts_t *al = start_writes(e, 0);
	wres_t w;
	am_matchers_t m;
	memset(&w, 0, sizeof w);
	assert_int_equal(alerts_silence_create(al, matchers(&m), 1700000000.5, 1700007200.5, "alice",
					       "looking: \"d\xc3\xa9j\xc3\xa0 vu\"", on_write, &w),
			 0);
	am_matchers_free(&m);
	assert_int_equal(w.called, 0); /* never from inside the call */
	run_count(e, &w.called, 1);
	assert_true(w.ok);
	assert_string_equal(w.id, "sil-am0");
	assert_null(w.error);
	assert_string_equal(w.peer, e->url[0]);
	assert_null(w.note);

	standin_route_t *r = e->am[0].post;
	assert_int_equal(r->asked, 1);
	assert_string_equal(r->last_method, "POST");
	assert_string_equal(r->last_target, "/am0/api/v2/silences");
	assert_non_null(r->last_ctype);
	assert_string_equal(r->last_ctype, "application/json");
	json_error_t je;
	json_t *body = json_loads(r->last_body, 0, &je);
	if (!body)
		fail_msg("body is not JSON: %s: %s", je.text, r->last_body);
	json_t *ms = json_object_get(body, "matchers");
	assert_true(json_is_array(ms));
	assert_int_equal(json_array_size(ms), 3);
	assert_matcher(ms, 0, "alertname", "NodeDown", 0, 1);
	assert_matcher(ms, 1, "node", "director-.*", 1, 1);
	assert_matcher(ms, 2, "env", "dev", 0, 0);
	assert_string_equal(jstr(body, "createdBy"), "alice");
	assert_string_equal(jstr(body, "comment"), "looking: \"d\xc3\xa9j\xc3\xa0 vu\"");
	assert_string_equal(jstr(body, "startsAt"), "2023-11-14T22:13:20.500Z");
	assert_string_equal(jstr(body, "endsAt"), "2023-11-15T00:13:20.500Z");
	assert_null(json_object_get(body, "id"));
	assert_int_equal(json_object_size(body), 5);
	json_decref(body);

	/* only one peer took it; a good write refreshes alerts and silences */
	settle(e);
	run_count(e, &e->am[0].alerts->asked, 1);
	assert_int_equal(w.called, 1);
	assert_int_equal(count(e, "POST", ""), 1);
	assert_int_equal(count(e, "GET", "/am0/api/v2/alerts"), 1);
	assert_int_equal(count(e, "GET", "/am0/api/v2/silences"), 1);
	assert_int_equal(e->bk.am[0].health, BK_OK);
	wres_free(&w);
}

/* The write follows the reads: after a fail-over it goes to the reader first. */
static void test_write_goes_to_reader(void **state)
{
	env_t *e = *state;
	alerts_t *al = start_writes(e, 0);
	wres_t w;
	memset(&w, 0, sizeof w);
	standin_answer(e->am[0].alerts, 503, "text/plain", "unavailable");
	alerts_refresh(al, 0);
	run_count(e, &e->am[1].alerts->asked, 1); /* the reader moved on */
	assert_int_equal(al->reader, 1);
	alerts_silence_expire(al, "abc", on_write, &w);
	run_count(e, &w.called, 1);
	assert_true(w.ok);
	assert_string_equal(w.peer, e->url[1]);
	assert_null(w.note);
	assert_int_equal(count(e, "DELETE", "/am1/"), 1);
	assert_int_equal(count(e, "DELETE", "/am0/"), 0);
	settle(e);
	wres_free(&w);
}

static void create(env_t *e, wres_t *w)
{
	am_matchers_t m;
	memset(w, 0, sizeof *w);
	assert_int_equal(alerts_silence_create(&e->al, matchers(&m), 1700000000, 1700003600, "alice",
					       "c", on_write, w),
			 0);
	am_matchers_free(&m);
	run_count(e, &w->called, 1);
}

static void test_create_failover_refused(void **state)
{
	env_t *e = *state;
	wres_t w;
	start_writes(e, DEAD0);
	create(e, &w);
	assert_true(w.ok);
	assert_string_equal(w.id, "sil-am1");
	assert_null(w.error);
	assert_string_equal(w.peer, e->url[1]);
	assert_string_equal(w.note, "am1 down (connection refused): sent to am2");
	assert_int_equal(w.health[0], BK_DOWN);
	assert_int_equal(e->bk.am[0].health, BK_DOWN);
	assert_string_equal(e->bk.am[0].error, "connection refused");
	assert_int_equal(e->am[1].post->asked, 1);
	settle(e);
	assert_int_equal(w.called, 1);
	wres_free(&w);
}

static void test_create_failover_503(void **state)
{
	env_t *e = *state;
	wres_t w;
	start_writes(e, 0);
	standin_answer(e->am[0].post, 503, "text/plain", "unavailable");
	create(e, &w);
	assert_true(w.ok);
	assert_string_equal(w.id, "sil-am1");
	assert_string_equal(w.peer, e->url[1]);
	assert_string_equal(w.note, "am1 failed (HTTP 503: unavailable): sent to am2");
	assert_int_equal(e->bk.am[0].health, BK_DOWN);
	assert_string_equal(e->bk.am[0].error, "HTTP 503: unavailable");
	assert_int_equal(e->am[0].post->asked, 1);
	assert_int_equal(e->am[1].post->asked, 1);
	/* the body sent to the second peer is the same */
	assert_string_equal(e->am[0].post->last_body, e->am[1].post->last_body);
	settle(e);
	wres_free(&w);

	/* a 5xx in JSON is the peer failing too */
	switch_context(e, NULL, e->url[0], e->url[1]);
	standin_answer(e->am[0].post, 500, JSON, "{\"code\":500,\"message\":\"internal\"}");
	create(e, &w);
	assert_true(w.ok);
	assert_string_equal(w.note, "am1 failed (HTTP 500: internal (code 500)): sent to am2");
	settle(e);
	wres_free(&w);
}

/* A peer that got the request and never answered may have done it: the write
 * is not sent to another peer (that could make two silences), and the outcome
 * is reported as unknown. */
static void test_create_timeout_is_unknown(void **state)
{
	env_t *e = *state;
	wres_t w;
	start_writes(e, 0);
	e->al.timeout_ms = 150; /* a write gets twice that */
	standin_hang(e->am[0].post);
	create(e, &w);
	assert_false(w.ok);
	assert_true(w.unknown);
	assert_string_equal(w.peer, e->url[0]);
	assert_prefix(w.error, "no answer from am1 after the request reached it (timed out after 300 ms");
	assert_int_equal(e->am[1].post->asked, 0);
	assert_int_equal(e->bk.am[0].health, BK_DOWN);
	settle(e);
	wres_free(&w);
}

static void create_checked_at(env_t *e, wres_t *w, const char *author, const char *comment,
			      const char *peer)
{
	am_matchers_t m;
	memset(w, 0, sizeof *w);
	assert_int_equal(alerts_silence_create_checked(&e->al, matchers(&m), 1700000000, 1700003600,
						       author, comment, peer, on_write, w),
			 0);
	am_matchers_free(&m);
	run_count(e, &w->called, 1);
}

static void create_checked(env_t *e, wres_t *w, const char *author, const char *comment)
{
	am_matchers_t m;
	memset(w, 0, sizeof *w);
	assert_int_equal(alerts_silence_create_checked(&e->al, matchers(&m), 1700000000, 1700003600,
						       author, comment, NULL, on_write, w),
			 0);
	am_matchers_free(&m);
	run_count(e, &w->called, 1);
}

/* A retry first looks for the silence the first attempt may have made: found,
 * nothing is sent again; not found (another author or comment, or expired), it is. */
static void test_create_checked(void **state)
{
	env_t *e = *state;
	wres_t w;
	start_writes(e, 0);
	am_matchers_t m;
	matchers(&m);
	strbuf_t b;
	sb_init(&b);
	sb_puts(&b, "[{\"id\":\"sil-first\",\"status\":{\"state\":\"active\"},\"matchers\":[");
	for (size_t i = 0; i < m.n; i++)
		sb_printf(&b, "%s{\"name\":\"%s\",\"value\":\"%s\",\"isRegex\":%s,\"isEqual\":%s}",
			  i ? "," : "", m.v[i].name, m.v[i].value, m.v[i].is_regex ? "true" : "false",
			  m.v[i].is_equal ? "true" : "false");
	sb_puts(&b, "],\"startsAt\":\"2026-01-01T00:00:00Z\",\"endsAt\":\"2063-01-01T00:00:00Z\","
		    "\"updatedAt\":\"2026-01-01T00:00:00Z\",\"createdBy\":\"alice\",\"comment\":\"c\"}]");
	am_matchers_free(&m);
	standin_answer(e->am[0].sil, 200, JSON, b.s);
	sb_free(&b);

	create_checked(e, &w, "alice", "c");
	assert_true(w.ok);
	assert_string_equal(w.id, "sil-first");
	assert_int_equal(e->am[0].post->asked, 0);
	assert_non_null(w.note);
	assert_non_null(strstr(w.note, "nothing sent again"));
	settle(e);
	wres_free(&w);

	create_checked(e, &w, "alice", "another comment");
	assert_true(w.ok);
	assert_string_equal(w.id, "sil-am0");
	assert_int_equal(e->am[0].post->asked, 1);
	settle(e);
	wres_free(&w);
}

/* Alertmanager refusing (4xx) is said as it said it, and not tried elsewhere. */
static void test_create_400(void **state)
{
	env_t *e = *state;
	wres_t w;
	start_writes(e, 0);
	standin_answer(e->am[0].post, 400, JSON,
		       "\"Failed to create silence: end time must not be before start time\"");
	create(e, &w);
	assert_false(w.ok);
	assert_null(w.id);
	assert_string_equal(w.error,
			    "HTTP 400: Failed to create silence: end time must not be before start time");
	assert_string_equal(w.peer, e->url[0]);
	assert_null(w.note);
	assert_int_equal(e->am[1].post->asked, 0);
	assert_int_equal(e->bk.am[0].health, BK_OK);
	spin(e, 20);
	assert_int_equal(w.called, 1);
	assert_int_equal(alerts_pending(&e->al), 0); /* no refresh after a refusal */
	assert_int_equal(count(e, "GET", "/am0/api/v2/alerts"), 0);
	wres_free(&w);
}

static void test_create_602(void **state)
{
	env_t *e = *state;
	wres_t w;
	start_writes(e, 0);
	standin_answer(e->am[0].post, 422, JSON,
		       "{\"code\":602,\"message\":\"end time can't be in the past\"}");
	create(e, &w);
	assert_false(w.ok);
	assert_string_equal(w.error, "HTTP 422: end time can't be in the past (code 602)");
	assert_string_equal(w.peer, e->url[0]);
	assert_null(w.note);
	assert_int_equal(e->am[1].post->asked, 0);
	assert_int_equal(e->bk.am[0].health, BK_OK);
	wres_free(&w);
}

/* A 200 without a silence id is not a success. */
static void test_create_no_id(void **state)
{
	env_t *e = *state;
	wres_t w;
	start_writes(e, 0);
	standin_answer(e->am[0].post, 200, JSON, "{}");
	create(e, &w);
	assert_false(w.ok);
	assert_true(w.unknown); /* a 2xx: most likely done, but it cannot be shown */
	assert_prefix(w.error, "Alertmanager answered HTTP 200 without a silence id (");
	assert_string_equal(w.peer, e->url[0]);
	assert_int_equal(e->am[1].post->asked, 0);
	wres_free(&w);
}

static void test_create_all_down(void **state)
{
	env_t *e = *state;
	wres_t w;
	start_writes(e, DEAD0 | DEAD1);
	create(e, &w);
	assert_false(w.ok);
	assert_null(w.id);
	assert_null(w.peer);
	assert_null(w.note);
	assert_string_equal(w.error, "not sent: every Alertmanager is unreachable (am1 down "
				     "(connection refused); am2 down (connection refused))");
	assert_int_equal(e->bk.am[0].health, BK_DOWN);
	assert_int_equal(e->bk.am[1].health, BK_DOWN);
	spin(e, 20);
	assert_int_equal(w.called, 1);
	assert_int_equal(alerts_pending(&e->al), 0);
	assert_int_equal(standin_requests(e->srv), 0);
	wres_free(&w);
}

/* One peer unreachable, the other answering 5xx: it was sent, and not taken. */
static void test_create_none_took_it(void **state)
{
	env_t *e = *state;
	wres_t w;
	start_writes(e, DEAD0);
	peer_fail(&e->am[1], 503, "text/plain", "unavailable");
	create(e, &w);
	assert_false(w.ok);
	assert_null(w.peer);
	assert_null(w.note);
	assert_string_equal(w.error, "not taken: every Alertmanager failed it (am1 down "
				     "(connection refused); am2 failed (HTTP 503: unavailable))");
	assert_int_equal(e->bk.am[0].health, BK_DOWN);
	assert_int_equal(e->bk.am[1].health, BK_DOWN);
	assert_int_equal(e->am[1].post->asked, 1);
	spin(e, 20);
	assert_int_equal(w.called, 1);
	assert_int_equal(alerts_pending(&e->al), 0);
	wres_free(&w);
}

static void test_expire(void **state)
{
	env_t *e = *state;
	alerts_t *al = start_writes(e, 0);
	wres_t w;
	memset(&w, 0, sizeof w);
	assert_int_equal(alerts_silence_expire(al, "abc-123", on_write, &w), 0);
	run_count(e, &w.called, 1);
	assert_true(w.ok);
	assert_null(w.id);
	assert_null(w.error);
	assert_string_equal(w.peer, e->url[0]);
	standin_route_t *r = e->am[0].del;
	assert_int_equal(r->asked, 1);
	assert_string_equal(r->last_method, "DELETE");
	assert_string_equal(r->last_target, "/am0/api/v2/silence/abc-123");
	assert_int_equal(r->last_body_len, 0);
	settle(e);
	assert_int_equal(count(e, "GET", "/am0/api/v2/silences"), 1);
	wres_free(&w);

	/* the id is escaped into the path */
	assert_int_equal(alerts_silence_expire(al, "a b/c", on_write, &w), 0);
	run_count(e, &w.called, 1);
	assert_true(w.ok);
	assert_string_equal(r->last_target, "/am0/api/v2/silence/a%20b%2Fc");
	settle(e);
	wres_free(&w);

	/* an unknown silence: Alertmanager's 404, as it said it */
	standin_answer(r, 404, JSON, "\"silence not found\"");
	alerts_silence_expire(al, "gone", on_write, &w);
	run_count(e, &w.called, 1);
	assert_false(w.ok);
	assert_string_equal(w.error, "HTTP 404: silence not found");
	assert_int_equal(count(e, "DELETE", "/am1/"), 0);
	wres_free(&w);
}

static void test_update(void **state)
{
	env_t *e = *state;
	alerts_t *al = start_writes(e, 0);
	wres_t w;
	am_silence_t s;
	memset(&w, 0, sizeof w);
	memset(&s, 0, sizeof s);
	s.id = xstrdup("old-1");
	am_matchers_add(&s.matchers, "alertname", "NodeDown", 0, 1);
	s.starts_at = 1700000000;
	s.ends_at = 1700003600;
	s.created_by = xstrdup("bob");
	s.comment = xstrdup("extend me");
	standin_answer(e->am[0].post, 200, JSON, "{\"silenceID\":\"new-2\"}");
	assert_int_equal(alerts_silence_update(al, &s, 1700007200, on_write, &w), 0);
	am_silence_free(&s);
	run_count(e, &w.called, 1);
	assert_true(w.ok);
	assert_string_equal(w.id, "new-2");
	assert_string_equal(w.peer, e->url[0]);

	standin_route_t *r = e->am[0].post;
	assert_string_equal(r->last_method, "POST");
	assert_string_equal(r->last_target, "/am0/api/v2/silences");
	json_t *body = json_loads(r->last_body, 0, NULL);
	assert_non_null(body);
	assert_string_equal(jstr(body, "id"), "old-1");
	assert_string_equal(jstr(body, "startsAt"), "2023-11-14T22:13:20.000Z");
	assert_string_equal(jstr(body, "endsAt"), "2023-11-15T00:13:20.000Z");
	assert_string_equal(jstr(body, "createdBy"), "bob");
	assert_string_equal(jstr(body, "comment"), "extend me");
	json_t *ms = json_object_get(body, "matchers");
	assert_int_equal(json_array_size(ms), 1);
	assert_matcher(ms, 0, "alertname", "NodeDown", 0, 1);
	json_decref(body);
	settle(e);
	wres_free(&w);
}

static void test_read_only(void **state)
{
	env_t *e = *state;
	alerts_t *al = start_writes(e, READ_ONLY);
	wres_t w;
	am_matchers_t m;
	am_silence_t s;
	memset(&w, 0, sizeof w);
	memset(&s, 0, sizeof s);
	assert_true(alerts_read_only(al));

	assert_int_equal(alerts_silence_create(al, matchers(&m), 1700000000, 1700003600, "alice",
					       "c", on_write, &w),
			 -1);
	am_matchers_free(&m);
	assert_int_equal(w.called, 1); /* at once */
	assert_false(w.ok);
	assert_prefix(w.error, "read-only: context 'test' does not allow writes");
	assert_null(w.peer);
	assert_null(w.note);
	assert_null(w.id);

	s.id = xstrdup("old-1");
	s.created_by = xstrdup("bob");
	s.comment = xstrdup("c");
	assert_int_equal(alerts_silence_update(al, &s, 1700007200, on_write, &w), -1);
	am_silence_free(&s);
	assert_int_equal(w.called, 2);
	assert_prefix(w.error, "read-only: ");
	assert_int_equal(alerts_silence_expire(al, "old-1", on_write, &w), -1);
	assert_int_equal(w.called, 3);
	assert_prefix(w.error, "read-only: ");

	assert_int_equal(alerts_pending(al), 0);
	spin(e, 30);
	assert_int_equal(standin_requests(e->srv), 0);
	assert_int_equal(w.called, 3);
	/* reads are still asked */
	alerts_refresh(al, 1);
	run_count(e, &e->am[0].alerts->asked, 1);
	settle(e);
	assert_int_equal(count(e, "GET", "/am0/api/v2/silences"), 1);
	assert_int_equal(count(e, "POST", ""), 0);
	assert_int_equal(count(e, "DELETE", ""), 0);
	wres_free(&w);
}

/* A context switch while a write is under way: the rest of it goes to the
 * peers of the context it started in, never to the new context's. */
static void test_context_switch_during_write(void **state)
{
	env_t *e = *state;
	wres_t w;
	am_matchers_t m;
	memset(&w, 0, sizeof w);
	start_writes(e, 0);
	standin_answer(e->am[0].post, 503, "text/plain", "unavailable");
	e->am[0].post->delay_ms = 200;
	assert_int_equal(alerts_silence_create(&e->al, matchers(&m), 1700000000, 1700003600,
					       "alice", "c", on_write, &w),
			 0);
	am_matchers_free(&m);
	run_count(e, &e->am[0].post->asked, 1);
	/* the new context keeps am0's URL and has another second peer */
	char *new1 = standin_url(e->srv, "/new1");
	switch_context(e, NULL, e->url[0], new1);
	free(new1);
	run_count(e, &w.called, 1);
	assert_true(w.ok);
	assert_string_equal(w.id, "sil-am1");
	assert_string_equal(w.peer, e->url[1]);
	assert_string_equal(w.note, "am1 failed (HTTP 503: unavailable): sent to am2");
	assert_int_equal(e->am[1].post->asked, 1);
	assert_int_equal(count(e, "POST", "/new1"), 0);
	assert_int_equal(w.health[0], BK_DOWN); /* the same URL: its health is known */
	settle(e);
	assert_int_equal(count(e, "POST", "/new"), 0);
	assert_int_equal(count(e, "POST", ""), 2);
	wres_free(&w);
}

/* A write answered after a switch to another cluster: the new cluster's
 * health is not touched by what the old one said. */
static void test_context_switch_health(void **state)
{
	env_t *e = *state;
	wres_t w;
	am_matchers_t m;
	memset(&w, 0, sizeof w);
	start_writes(e, 0);
	e->am[0].post->delay_ms = 200;
	alerts_silence_create(&e->al, matchers(&m), 1700000000, 1700003600, "alice", "c", on_write,
			      &w);
	am_matchers_free(&m);
	run_count(e, &e->am[0].post->asked, 1);
	char *new0 = standin_url(e->srv, "/new0"), *new1 = standin_url(e->srv, "/new1");
	switch_context(e, NULL, new0, new1);
	free(new0);
	free(new1);
	run_count(e, &w.called, 1);
	assert_true(w.ok);
	assert_string_equal(w.id, "sil-am0");
	assert_string_equal(w.peer, e->url[0]);
	assert_int_equal(w.health[0], BK_UNKNOWN);
	assert_int_equal(w.health[1], BK_UNKNOWN);
	settle(e);
	assert_int_equal(count(e, "POST", "/new"), 0);
	wres_free(&w);
}

/* Was a bug: src/app/alerts.c on_write, lines 508-519: after a context switch the
 * failing peer's health goes into the local `scratch` backend (backend_down
 * strdup's the reason into scratch.error); when another peer is left to try,
 * on_write returns at line 519 without freeing scratch.error: a leak
 * LeakSanitizer reports for every such fail-over. */
static void test_context_switch_failover(void **state)
{
	env_t *e = *state;
	wres_t w;
	am_matchers_t m;
	memset(&w, 0, sizeof w);
	start_writes(e, 0);
	standin_answer(e->am[0].post, 503, "text/plain", "unavailable");
	e->am[0].post->delay_ms = 200;
	alerts_silence_create(&e->al, matchers(&m), 1700000000, 1700003600, "alice", "c", on_write,
			      &w);
	am_matchers_free(&m);
	run_count(e, &e->am[0].post->asked, 1);
	char *new0 = standin_url(e->srv, "/new0"), *new1 = standin_url(e->srv, "/new1");
	switch_context(e, NULL, new0, new1);
	free(new0);
	free(new1);
	run_count(e, &w.called, 1);
	assert_true(w.ok);
	assert_string_equal(w.peer, e->url[1]);
	assert_int_equal(w.health[0], BK_UNKNOWN);
	settle(e);
	assert_int_equal(count(e, "POST", "/new"), 0);
	wres_free(&w);
}

/* alerts_free with a write in flight: its callback hears, once, that no answer came. */
static void test_free_with_write(void **state)
{
	env_t *e = *state;
	wres_t w;
	am_matchers_t m;
	memset(&w, 0, sizeof w);
	start_writes(e, 0);
	standin_hang(e->am[0].post);
	alerts_silence_create(&e->al, matchers(&m), 1700000000, 1700003600, "alice", "c", on_write,
			      &w);
	am_matchers_free(&m);
	run_count(e, &e->am[0].post->asked, 1);
	assert_int_equal(alerts_pending(&e->al), 1);
	alerts_free(&e->al);
	assert_int_equal(w.called, 1);
	assert_false(w.ok);
	assert_prefix(w.error, "not confirmed");
	assert_null(w.peer);
	assert_null(w.id);
	spin(e, 30);
	assert_int_equal(w.called, 1);
	assert_int_equal(e->am[1].post->asked, 0);
	/* freeing again is harmless; teardown does */
	wres_free(&w);
}

/* n alerts "Bulk" (critical, firing), fingerprints f00000.., plus `extra` if given. */
static char *bulk(int n, const char *extra)
{
	strbuf_t b;
	sb_init(&b);
	sb_puts(&b, "[");
	for (int i = 0; i < n; i++)
		sb_printf(&b, "%s{\"labels\":{\"alertname\":\"Bulk\",\"severity\":\"critical\","
			      "\"node\":\"node-%05d\"},\"annotations\":{\"summary\":\"bulk alert %d with a "
			      "summary long enough to make the answer big\"},\"fingerprint\":\"f%05d\","
			      "\"startsAt\":\"2026-01-01T00:00:00Z\",\"status\":{\"state\":\"active\"}}",
			  i ? "," : "", i, i, i);
	if (extra)
		sb_printf(&b, ",%s", extra);
	sb_puts(&b, "]");
	return sb_steal(&b);
}

/* A retry after an unanswered attempt asks the peer that attempt reached; while
 * that peer still cannot tell, nothing is sent anywhere (am2 would make a second
 * silence once am1 wakes up); once it answers and holds nothing, it gets the POST. */
static void test_retry_asks_the_peer_that_got_it(void **state)
{
	env_t *e = *state;
	wres_t w;
	start_writes(e, 0);
	e->al.timeout_ms = 150;
	standin_hang(e->am[1].sil);
	create_checked_at(e, &w, "alice", "c", e->url[1]);
	assert_false(w.ok);
	assert_true(w.unknown);
	assert_prefix(w.error, "not sent again: am2, which got the first attempt, still does not answer");
	assert_int_equal(e->am[0].post->asked, 0);
	assert_int_equal(e->am[1].post->asked, 0);
	settle(e);
	wres_free(&w);

	standin_answer(e->am[1].sil, 200, JSON, "[]");
	create_checked_at(e, &w, "alice", "c", e->url[1]);
	assert_true(w.ok);
	assert_string_equal(w.id, "sil-am1");
	assert_int_equal(e->am[0].post->asked, 0);
	settle(e);
	wres_free(&w);
}

/* Answers over 256 KB and lists of 2,000 alerts or more take the work queue:
 * the same list, the same count, one notification for the one new critical. */
static void test_big_list_off_the_loop(void **state)
{
	env_t *e = *state;
	RECEIVES_A_LIST();
	alerts_t *al = start(e, ONE_PEER);
	char *body = bulk(3000, NULL);
	assert_true(strlen(body) > 256 * 1024);
	serve(e->am[0].alerts, body);
	refresh(e, 0);
	assert_true(al->have);
	assert_int_equal(al->firing, 3000);
	assert_int_equal(al->list.n_order, 3000);
	assert_int_equal(e->n_crit, 0); /* the first list notifies nothing */

	serve(e->am[0].alerts,
	      bulk(3000, "{\"labels\":{\"alertname\":\"New\",\"severity\":\"critical\"},"
			 "\"fingerprint\":\"znew\",\"status\":{\"state\":\"active\"}}"));
	al->force = 1;
	refresh(e, 0);
	assert_int_equal(al->firing, 3001);
	assert_int_equal(e->n_crit, 1);
	assert_string_equal(e->crit[0], "znew");

	/* the filter set while the list was being built is applied to it */
	alerts_set_filter(al, "node=node-00042");
	assert_int_equal(al->list.n_order, 1);
	al->force = 1;
	refresh(e, 0);
	assert_int_equal(al->list.n_order, 1);
	assert_int_equal(al->firing, 3001);
	assert_int_equal(e->n_crit, 1);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_first_list),
		T(test_pending_error),
		T(test_no_alertmanager),
		T(test_read_failover_503),
		T(test_read_failover_refused),
		T(test_read_failover_hangup),
		T(test_read_failover_garbage),
		T(test_overlap_and_failing_peers),
		T(test_no_overlap),
		T(test_silences),
		T(test_silences_error_names_the_peer_asked),
		T(test_new_critical_not_first),
		T(test_new_critical_later),
		T(test_new_critical_once),
		T(test_filter),
		T(test_count_matching),
		T(test_create),
		T(test_write_goes_to_reader),
		T(test_create_failover_refused),
		T(test_create_failover_503),
		T(test_create_timeout_is_unknown),
		T(test_create_checked),
		T(test_big_list_off_the_loop),
		T(test_retry_asks_the_peer_that_got_it),
		T(test_create_400),
		T(test_create_602),
		T(test_create_no_id),
		T(test_create_all_down),
		T(test_create_none_took_it),
		T(test_expire),
		T(test_update),
		T(test_read_only),
		T(test_context_switch_during_write),
		T(test_context_switch_health),
		T(test_context_switch_failover),
		T(test_free_with_write),
	};
	return cmocka_run_group_tests_name("alerts", tests, NULL, NULL);
}
