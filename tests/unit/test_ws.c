/* Unit tests of core/ws: the websocket client against a libwebsockets server on
 * the same libuv loop (127.0.0.1, a free port), which plays scripted endings:
 * messages (one of 200 KB in fragments), a close 1011 with a reason, a TCP
 * drop, a message over the client's limit, and a handshake header check. */
#include "config.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <libwebsockets.h>
#include "core/ws.h"
#include "core/xalloc.h"

#define GUARD_MS 20000
#define BIG (200u * 1024)

/* ---- the server ---- */

typedef enum { SCRIPT_MESSAGES, SCRIPT_CLOSE_1011, SCRIPT_DROP, SCRIPT_HUGE } script_t;

typedef struct {
	struct lws_context *ctx;
	int port;
	script_t script;
	char org[64];        /* the X-Scope-OrgID the last handshake carried */
	int step;
} srv_t;

static srv_t g_srv;

static int srv_cb(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		  size_t len)
{
	(void)user;
	(void)in;
	(void)len;
	switch (reason) {
	case LWS_CALLBACK_ESTABLISHED:
		g_srv.step = 0;
		g_srv.org[0] = '\0';
		lws_hdr_custom_copy(wsi, g_srv.org, sizeof g_srv.org, "x-scope-orgid:", 14);
		lws_callback_on_writable(wsi);
		break;
	case LWS_CALLBACK_SERVER_WRITEABLE: {
		int step = g_srv.step++;
		if (g_srv.script == SCRIPT_DROP && step == 1) {
			/* the TCP connection goes, no close frame: 1006 for the client */
			shutdown(lws_get_socket_fd(wsi), SHUT_RDWR);
			return -1;
		}
		if (g_srv.script == SCRIPT_CLOSE_1011 && step == 1) {
			/* A close frame with a reason, as Loki sends it, written as a
			 * frame of its own (opcode 4, LWS_WRITE_CLOSE inside lws), then
			 * the echo awaited. Not lws_close_reason and -1: Debian's lws
			 * 4.1.6 is built with _DEBUG, and its "uv repeat test" then kills
			 * the socket (RST) right after queueing the frame, so the peer
			 * never reads it. */
			static const char why[] = "reached tail max duration limit";
			unsigned char b[LWS_PRE + 2 + sizeof why];
			b[LWS_PRE] = 1011 >> 8;
			b[LWS_PRE + 1] = 1011 & 0xff;
			memcpy(b + LWS_PRE + 2, why, sizeof why - 1);
			lws_write(wsi, b + LWS_PRE, 2 + sizeof why - 1, (enum lws_write_protocol)4);
			return 0;
		}
		size_t n = step == 0 ? 5 : (g_srv.script == SCRIPT_HUGE ? 2 * BIG : BIG);
		if (step >= 2)
			return 0;
		unsigned char *buf = xmalloc(LWS_PRE + n);
		if (step == 0)
			memcpy(buf + LWS_PRE, "hello", 5);
		else
			for (size_t i = 0; i < n; i++)
				buf[LWS_PRE + i] = (unsigned char)('a' + i % 26);
		/* the big one goes in fragments of 16 KB */
		size_t off = 0;
		while (off < n) {
			size_t k = n - off > 16384 ? 16384 : n - off;
			int flags = lws_write_ws_flags(LWS_WRITE_TEXT, off == 0, off + k == n);
			memmove(buf + LWS_PRE, buf + LWS_PRE + off, k);
			if (lws_write(wsi, buf + LWS_PRE, k, (enum lws_write_protocol)flags) < (int)k) {
				free(buf);
				return -1;
			}
			off += k;
			/* regenerate what memmove overwrote for the next fragment */
			for (size_t i = 0; step && i < n - off && i < 16384; i++)
				buf[LWS_PRE + off + i] = (unsigned char)('a' + (off + i) % 26);
		}
		free(buf);
		lws_callback_on_writable(wsi);
		break;
	}
	default:
		return lws_callback_http_dummy(wsi, reason, user, in, len);
	}
	return 0;
}

/* first: an upgrade naming no subprotocol (as Loki's tail) goes to protocol 0 */
static const struct lws_protocols srv_protocols[] = {
	{ "tail", srv_cb, 0, 65536, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 },
};

/* ---- the client's side ---- */

typedef struct {
	int opened, closed, messages;
	int code;
	char reason[128];
	size_t last_len;
	int big_ok;
	ws_conn_t *w;
} seen_t;

static void on_open(ws_conn_t *w, void *ud)
{
	(void)w;
	((seen_t *)ud)->opened++;
}

static void on_message(ws_conn_t *w, const char *data, size_t len, void *ud)
{
	(void)w;
	seen_t *s = ud;
	s->messages++;
	s->last_len = len;
	if (len == BIG) {
		s->big_ok = 1;
		for (size_t i = 0; i < len; i++)
			if (data[i] != (char)('a' + i % 26)) {
				s->big_ok = 0;
				break;
			}
	}
}

static void on_close(ws_conn_t *w, int code, const char *reason, void *ud)
{
	(void)w;
	seen_t *s = ud;
	s->closed++;
	s->code = code;
	snprintf(s->reason, sizeof s->reason, "%s", reason);
}

static const ws_cbs_t cbs = { on_open, on_message, on_close };

typedef struct {
	uv_loop_t loop;
	uv_timer_t guard;
	int hung;
	ws_client_t *c;
} env_t;

static void on_guard(uv_timer_t *t)
{
	env_t *e = t->data;
	e->hung = 1;
	uv_stop(&e->loop);
}

static void run_until(env_t *e, const int *flag)
{
	e->hung = 0;
	uv_timer_start(&e->guard, on_guard, GUARD_MS, 0);
	while (!e->hung && !*flag)
		uv_run(&e->loop, UV_RUN_ONCE);
	uv_timer_stop(&e->guard);
	assert_false(e->hung);
}

static int setup(void **state)
{
	env_t *e = xcalloc(1, sizeof *e);
	uv_loop_init(&e->loop);
	uv_timer_init(&e->loop, &e->guard);
	e->guard.data = e;
	struct lws_context_creation_info info;
	void *loops[1] = { &e->loop };
	memset(&info, 0, sizeof info);
	info.options = LWS_SERVER_OPTION_LIBUV | LWS_SERVER_OPTION_UV_NO_SIGSEGV_SIGFPE_SPIN |
		       LWS_SERVER_OPTION_DISABLE_IPV6;
	info.foreign_loops = loops;
	info.port = 0;
	info.iface = "127.0.0.1";
	info.protocols = srv_protocols;
	info.pcontext = &g_srv.ctx;
	lws_set_log_level(LLL_ERR, NULL);
	g_srv.ctx = lws_create_context(&info);
	if (!g_srv.ctx)
		return -1;
	g_srv.port = lws_get_vhost_listen_port(lws_get_vhost_by_name(g_srv.ctx, "default"));
	char *err = NULL;
	e->c = ws_client_new(&e->loop, &err);
	if (!e->c) {
		fprintf(stderr, "%s\n", err);
		return -1;
	}
	*state = e;
	return 0;
}

static int teardown(void **state)
{
	env_t *e = *state;
	ws_client_close(e->c);
	lws_context_destroy(g_srv.ctx);
	uv_close((uv_handle_t *)&e->guard, NULL);
	uv_run(&e->loop, UV_RUN_DEFAULT); /* lws' handles close */
	ws_client_free(e->c);
	if (g_srv.ctx)
		lws_context_destroy(g_srv.ctx);
	uv_run(&e->loop, UV_RUN_DEFAULT);
	int rc = uv_loop_close(&e->loop);
	free(e);
	return rc == 0 ? 0 : -1;
}

static ws_conn_t *connect_to(env_t *e, const char *path, const char *const *hdrs, size_t max,
			     seen_t *s)
{
	char *url = xasprintf("ws://127.0.0.1:%d%s", g_srv.port, path);
	char *err = NULL;
	memset(s, 0, sizeof *s);
	s->w = ws_connect(e->c, url, hdrs, max, &cbs, s, &err);
	free(url);
	assert_non_null(s->w);
	return s->w;
}

/* Messages come whole, a 200 KB one from its fragments; the handshake carries
 * our headers; a close 1011 comes with its reason. */
static void test_messages_and_1011(void **state)
{
	env_t *e = *state;
	seen_t s;
	g_srv.script = SCRIPT_CLOSE_1011;
	static const char *const hdrs[] = { "X-Scope-OrgID: tenant-a", NULL };
	connect_to(e, "/loki/api/v1/tail?query=%7Bapp%3D%22x%22%7D", hdrs, 0, &s);
	run_until(e, &s.closed);
	assert_int_equal(s.opened, 1);
	assert_int_equal(s.messages, 1); /* "hello", then the close */
	assert_int_equal(s.last_len, 5);
	assert_int_equal(s.code, 1011);
	assert_string_equal(s.reason, "reached tail max duration limit");
	assert_string_equal(g_srv.org, "tenant-a");
	assert_int_equal(ws_client_conns(e->c), 0);

	g_srv.script = SCRIPT_MESSAGES;
	connect_to(e, "/", NULL, 0, &s);
	int two = 0;
	while (s.messages < 2 && !s.closed) {
		run_until(e, &s.messages);
		two = s.messages;
		if (two < 2)
			s.messages = two, uv_run(&e->loop, UV_RUN_ONCE);
	}
	assert_int_equal(s.messages, 2);
	assert_int_equal(s.last_len, BIG);
	assert_true(s.big_ok);
	ws_close(s.w); /* ours: no callback afterwards */
	for (int i = 0; i < 50; i++)
		uv_run(&e->loop, UV_RUN_NOWAIT);
	assert_int_equal(s.closed, 0);
}

/* A TCP drop without a close frame is 1006. */
static void test_drop_is_1006(void **state)
{
	env_t *e = *state;
	seen_t s;
	g_srv.script = SCRIPT_DROP;
	connect_to(e, "/", NULL, 0, &s);
	run_until(e, &s.closed);
	assert_int_equal(s.code, WS_CLOSE_ABNORMAL);
}

/* A message over the client's limit closes with 1009, never grows past it. */
static void test_too_big(void **state)
{
	env_t *e = *state;
	seen_t s;
	g_srv.script = SCRIPT_HUGE;
	connect_to(e, "/", NULL, BIG, &s);
	run_until(e, &s.closed);
	assert_int_equal(s.code, WS_CLOSE_TOO_BIG);
	assert_int_equal(s.messages, 1);
}

/* Nobody listening: on_close with WS_CLOSE_NO_CONNECT and a reason; a bad URL
 * is refused at once. */
static void test_refused_and_bad_url(void **state)
{
	env_t *e = *state;
	seen_t s;
	memset(&s, 0, sizeof s);
	char *err = NULL;
	s.w = ws_connect(e->c, "ws://127.0.0.1:1/x", NULL, 0, &cbs, &s, &err);
	if (s.w)
		run_until(e, &s.closed);
	else
		free(err);
	assert_true(!s.w || (s.code == WS_CLOSE_NO_CONNECT && s.reason[0]));
	assert_null(ws_connect(e->c, "ftp://x/", NULL, 0, &cbs, &s, &err));
	assert_non_null(strstr(err, "not a websocket URL"));
	free(err);
}

/* A proxy-url routes the connections under its base URL only: a proxy that
 * refuses is named in the reason; one libwebsockets cannot use (https://,
 * socks5://) fails ws_connect, saying so; others go direct. */
static void test_proxy_named_and_unusable(void **state)
{
	env_t *e = *state;
	seen_t s;
	char *err = NULL;
	char *base = xasprintf("http://127.0.0.1:%d/loki", g_srv.port);
	ws_route_t r = { .proxy_url = "http://user:secret@127.0.0.1:1" };
	ws_client_set_route(e->c, base, &r);
	memset(&s, 0, sizeof s);
	char *url = xasprintf("ws://127.0.0.1:%d/loki/api/v1/tail", g_srv.port);
	s.w = ws_connect(e->c, url, NULL, 0, &cbs, &s, &err);
	assert_non_null(s.w);
	run_until(e, &s.closed);
	assert_int_equal(s.code, WS_CLOSE_NO_CONNECT);
	assert_non_null(strstr(s.reason, "proxy 127.0.0.1:1: could not connect"));
	assert_null(strstr(s.reason, "secret"));
	/* not under the base: direct, and it opens */
	g_srv.script = SCRIPT_DROP;
	connect_to(e, "/elsewhere", NULL, 0, &s);
	run_until(e, &s.closed);
	assert_int_equal(s.opened, 1);
	assert_int_equal(s.code, WS_CLOSE_ABNORMAL);

	static const char *const bad[] = { "https://127.0.0.1:3128", "socks5://127.0.0.1:1080" };
	for (size_t i = 0; i < 2; i++) {
		r.proxy_url = bad[i];
		ws_client_set_route(e->c, base, &r);
		memset(&s, 0, sizeof s);
		err = NULL;
		assert_null(ws_connect(e->c, url, NULL, 0, &cbs, &s, &err));
		assert_non_null(err);
		assert_non_null(strstr(err, "reaches http:// proxies only"));
		free(err);
	}
	ws_client_set_route(e->c, base, NULL);
	free(url);
	free(base);
}

/* Closed by us while still connecting (a new query while the tail was being
 * asked for): no assertion in lws, no callback, the connection goes; then one
 * closed right after the upgrade was sent, before the answer. */
static void test_close_while_connecting(void **state)
{
	env_t *e = *state;
	seen_t s;
	g_srv.script = SCRIPT_MESSAGES;
	connect_to(e, "/", NULL, 0, &s);
	ws_close(s.w); /* at once: not even connected */
	for (int i = 0; i < 100 && ws_client_conns(e->c); i++)
		uv_run(&e->loop, UV_RUN_NOWAIT);
	assert_int_equal(s.opened, 0);
	assert_int_equal(s.closed, 0);
	for (int k = 1; k < 6; k++) { /* a few loop turns in: connecting, upgrading */
		connect_to(e, "/", NULL, 0, &s);
		for (int i = 0; i < k && !s.opened; i++)
			uv_run(&e->loop, UV_RUN_ONCE);
		ws_close(s.w);
		for (int i = 0; i < 100 && ws_client_conns(e->c); i++)
			uv_run(&e->loop, UV_RUN_NOWAIT);
		assert_int_equal(s.closed, 0);
	}
	/* the client still works */
	g_srv.script = SCRIPT_DROP;
	connect_to(e, "/", NULL, 0, &s);
	run_until(e, &s.closed);
	assert_int_equal(s.code, WS_CLOSE_ABNORMAL);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_messages_and_1011),
		T(test_drop_is_1006),
		T(test_too_big),
		T(test_refused_and_bad_url),
		T(test_close_while_connecting),
		T(test_proxy_named_and_unusable),
	};
	return cmocka_run_group_tests_name("ws", tests, NULL, NULL);
}
