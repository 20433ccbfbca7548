/* Unit tests of core/http against a small HTTP server running on the same libuv loop. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core/http.h"
#include "core/xalloc.h"

#define BIG_LEN ((size_t)2 << 20)
/* Only guards against a hang; no test asserts how long anything took. */
#define GUARD_MS 60000
static const char GZIP_TEXT[] = "decoded by curl: gzip works\n";

/* ---- the test server ------------------------------------------------- */

typedef struct srv srv_t;

typedef struct conn {
	uv_tcp_t tcp;
	srv_t *srv;
	strbuf_t in;
	int responded;
	int keep;
	int closing;
	struct conn *prev, *next;
} conn_t;

struct srv {
	uv_tcp_t listener;
	int port;
	conn_t *conns;
	int n_requests; /* complete requests seen, /slow included */
	char *big;
};

typedef struct {
	uv_write_t req;
	char *buf;
	int keep; /* keep-alive: the connection stays open for the next request */
} wreq_t;

static void on_conn_closed(uv_handle_t *h)
{
	conn_t *k = h->data;
	sb_free(&k->in);
	free(k);
}

static void conn_close(conn_t *k)
{
	if (k->closing)
		return;
	k->closing = 1;
	if (k->prev)
		k->prev->next = k->next;
	else
		k->srv->conns = k->next;
	if (k->next)
		k->next->prev = k->prev;
	uv_close((uv_handle_t *)&k->tcp, on_conn_closed);
}

static void on_shutdown(uv_shutdown_t *req, int status)
{
	conn_t *k = req->handle->data;
	free(req);
	if (status != UV_ECANCELED)
		conn_close(k);
}

static void on_written(uv_write_t *req, int status)
{
	wreq_t *w = (wreq_t *)req;
	conn_t *k = req->handle->data;
	int keep = w->keep;
	free(w->buf);
	free(w);
	if (status < 0 || k->closing || keep)
		return;
	uv_shutdown_t *sd = xcalloc(1, sizeof(*sd));
	if (uv_shutdown(sd, (uv_stream_t *)&k->tcp, on_shutdown) != 0) {
		free(sd);
		conn_close(k);
	}
}

static void respond(conn_t *k, int status, const char *ctype, const char *extra,
		    const char *body, size_t len)
{
	strbuf_t b;
	wreq_t *w = xcalloc(1, sizeof(*w));
	uv_buf_t buf;

	w->keep = k->keep;
	sb_init(&b);
	sb_printf(&b, "HTTP/1.1 %d %s\r\nContent-Length: %zu\r\n%s", status,
		  status == 200 ? "OK" : "Other", len, k->keep ? "" : "Connection: close\r\n");
	if (ctype)
		sb_printf(&b, "Content-Type: %s\r\n", ctype);
	if (extra)
		sb_puts(&b, extra);
	sb_puts(&b, "\r\n");
	sb_add(&b, body, len);
	buf = uv_buf_init(b.s, (unsigned)b.len);
	w->buf = sb_steal(&b);
	if (uv_write(&w->req, (uv_stream_t *)&k->tcp, &buf, 1, on_written) != 0) {
		free(w->buf);
		free(w);
		conn_close(k);
	}
}

static uint32_t crc32_of(const unsigned char *p, size_t n)
{
	uint32_t crc = 0xFFFFFFFFu;
	for (size_t i = 0; i < n; i++) {
		crc ^= p[i];
		for (int j = 0; j < 8; j++)
			crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
	}
	return ~crc;
}

static void put_le(strbuf_t *b, uint32_t v, int bytes)
{
	for (int i = 0; i < bytes; i++) {
		char ch = (char)((v >> (8 * i)) & 0xFF);
		sb_add(b, &ch, 1);
	}
}

/* A gzip member (RFC 1952) holding one stored deflate block (RFC 1951
 * 3.2.4): valid gzip that curl must decode, without needing zlib here. */
static void gzip_stored(strbuf_t *b, const char *s, size_t n)
{
	static const unsigned char hdr[] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff };
	sb_add(b, (const char *)hdr, sizeof(hdr));
	put_le(b, 1, 1); /* BFINAL=1, BTYPE=00 (stored) */
	put_le(b, (uint32_t)n, 2);
	put_le(b, (uint32_t)~n & 0xFFFFu, 2);
	sb_add(b, s, n);
	put_le(b, crc32_of((const unsigned char *)s, n), 4);
	put_le(b, (uint32_t)n, 4);
}

/* Bytes as they are, no HTTP around them (a peer that speaks something else). */
static void raw(conn_t *k, const char *bytes)
{
	wreq_t *w = xcalloc(1, sizeof(*w));
	w->buf = xstrdup(bytes);
	uv_buf_t buf = uv_buf_init(w->buf, (unsigned)strlen(bytes));
	if (uv_write(&w->req, (uv_stream_t *)&k->tcp, &buf, 1, on_written) != 0) {
		free(w->buf);
		free(w);
		conn_close(k);
	}
}

static void route(conn_t *k, const char *method, const char *path, const char *hdrs,
		  const char *body, size_t body_len)
{
	srv_t *s = k->srv;

	s->n_requests++;
	if (!strcmp(path, "/keepalive")) {
		k->keep = 1;
		respond(k, 200, "text/plain", NULL, "still here", 10);
	} else if (!strcmp(path, "/ok")) {
		respond(k, 200, "text/plain", NULL, "hello", 5);
	} else if (!strcmp(path, "/json")) {
		static const char j[] = "{\"status\":\"success\",\"data\":[]}";
		respond(k, 200, "application/json", NULL, j, sizeof(j) - 1);
	} else if (!strcmp(path, "/slow")) {
		/* never answers */
	} else if (!strcmp(path, "/ssh")) {
		raw(k, "SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n");
	} else if (!strcmp(path, "/big")) {
		respond(k, 200, "application/octet-stream", NULL, s->big, BIG_LEN);
	} else if (!strcmp(path, "/status/503")) {
		respond(k, 503, "text/plain", NULL, "backend unavailable", 19);
	} else if (!strcmp(path, "/status/401")) {
		respond(k, 401, "text/plain", NULL, "Unauthorized", 12);
	} else if (!strncmp(path, "/bearer/", 8)) {
		/* 200 for "Authorization: Bearer" and the rest of the path, else 401 */
		char *want = xasprintf("\r\nAuthorization: Bearer %s\r\n", path + 8);
		if (strstr(hdrs, want))
			respond(k, 200, "text/plain", NULL, "in", 2);
		else
			respond(k, 401, "text/plain", NULL, "Unauthorized", 12);
		free(want);
	} else if (!strcmp(path, "/gzip")) {
		const char *ae = strcasestr(hdrs, "\r\nAccept-Encoding:");
		const char *eol = ae ? strstr(ae + 2, "\r\n") : NULL;
		char *line = ae && eol ? xstrndup(ae, (size_t)(eol - ae)) : NULL;
		if (line && strstr(line, "gzip")) {
			strbuf_t gz;
			sb_init(&gz);
			gzip_stored(&gz, GZIP_TEXT, sizeof(GZIP_TEXT) - 1);
			respond(k, 200, "text/plain", "Content-Encoding: gzip\r\n", gz.s, gz.len);
			sb_free(&gz);
		} else {
			respond(k, 406, "text/plain", NULL, "no gzip", 7);
		}
		free(line);
	} else if (!strcmp(path, "/echo")) {
		strbuf_t out;
		sb_init(&out);
		sb_printf(&out, "%s\n", method);
		sb_add(&out, body, body_len);
		respond(k, 200, "text/plain", NULL, out.s, out.len);
		sb_free(&out);
	} else if (!strcmp(path, "/headers")) {
		respond(k, 200, "text/plain", NULL, hdrs, strlen(hdrs));
	} else {
		respond(k, 404, "text/plain", NULL, "not found", 9);
	}
}

static void try_handle(conn_t *k)
{
	const char *end = memmem(k->in.s, k->in.len, "\r\n\r\n", 4);
	size_t hlen, clen = 0;
	char *hdrs, *method, *path;
	const char *cl, *sp1, *sp2;

	if (k->responded || !end)
		return;
	hlen = (size_t)(end - k->in.s) + 4;
	hdrs = xstrndup(k->in.s, hlen);
	cl = strcasestr(hdrs, "\r\nContent-Length:");
	if (cl)
		clen = strtoul(cl + 17, NULL, 10);
	if (k->in.len < hlen + clen) {
		free(hdrs);
		return;
	}
	k->responded = 1;
	sp1 = strchr(hdrs, ' ');
	sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp2) {
		free(hdrs);
		conn_close(k);
		return;
	}
	method = xstrndup(hdrs, (size_t)(sp1 - hdrs));
	path = xstrndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
	route(k, method, path, hdrs, k->in.s + hlen, clen);
	free(method);
	free(path);
	free(hdrs);
	if (k->keep && !k->closing) {
		/* drop this request, then serve whatever follows it */
		size_t used = hlen + clen;
		memmove(k->in.s, k->in.s + used, k->in.len - used);
		k->in.len -= used;
		k->in.s[k->in.len] = '\0';
		k->responded = 0;
		try_handle(k);
	}
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	buf->base = xmalloc(suggested);
	buf->len = suggested;
}

static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf)
{
	conn_t *k = st->data;
	if (nread < 0)
		conn_close(k);
	else if (nread > 0) {
		sb_add(&k->in, buf->base, (size_t)nread);
		try_handle(k);
	}
	free(buf->base);
}

static void on_connection(uv_stream_t *l, int status)
{
	srv_t *s = l->data;
	conn_t *k;

	if (status < 0)
		return;
	k = xcalloc(1, sizeof(*k));
	k->srv = s;
	sb_init(&k->in);
	uv_tcp_init(l->loop, &k->tcp);
	k->tcp.data = k;
	k->next = s->conns;
	if (s->conns)
		s->conns->prev = k;
	s->conns = k;
	if (uv_accept(l, (uv_stream_t *)&k->tcp) != 0 ||
	    uv_read_start((uv_stream_t *)&k->tcp, on_alloc, on_read) != 0)
		conn_close(k);
}

static int bound_port(uv_tcp_t *t)
{
	struct sockaddr_storage ss;
	int len = sizeof(ss);
	if (uv_tcp_getsockname(t, (struct sockaddr *)&ss, &len) != 0)
		return -1;
	return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

static int srv_start(srv_t *s, uv_loop_t *loop)
{
	struct sockaddr_in a;

	memset(s, 0, sizeof(*s));
	s->big = xmalloc(BIG_LEN);
	for (size_t i = 0; i < BIG_LEN; i++)
		s->big[i] = (char)('a' + i % 26);
	uv_ip4_addr("127.0.0.1", 0, &a);
	uv_tcp_init(loop, &s->listener);
	s->listener.data = s;
	if (uv_tcp_bind(&s->listener, (const struct sockaddr *)&a, 0) != 0 ||
	    uv_listen((uv_stream_t *)&s->listener, 64, on_connection) != 0)
		return -1;
	s->port = bound_port(&s->listener);
	return s->port > 0 ? 0 : -1;
}

static void srv_stop(srv_t *s)
{
	uv_close((uv_handle_t *)&s->listener, NULL);
	while (s->conns)
		conn_close(s->conns);
	free(s->big);
	s->big = NULL;
}

/* ---- harness --------------------------------------------------------- */

typedef struct env env_t;

typedef struct {
	env_t *e;
	int called;
	int order;
	int ok;
	long status;
	char *body;
	size_t len;
	char *ctype;
	char *error;
	int timed_out;
	int too_large;
	long long declared_len;
	int take;       /* take the body with http_take_body instead of copying it */
	double elapsed_ms;
	char *url;
	/* for callbacks that act on other requests */
	http_req_t *self, *other;
	const char *next_path;
} result_t;

struct env {
	uv_loop_t loop;
	srv_t srv;
	http_client_t *c;
	uv_timer_t guard;
	uv_prepare_t prep;
	const int *count; /* run_until's condition: *count >= want */
	int want;
	int hung;
	int loop_closed; /* the test closed the loop itself */
	int seq;     /* completions so far */
	char **strs; /* URLs to free at teardown */
	size_t n_strs, cap_strs;
	result_t extra; /* started from inside a callback */
};

static const char *url(env_t *e, const char *path)
{
	e->strs = xgrow(e->strs, &e->cap_strs, e->n_strs + 1, sizeof(*e->strs));
	e->strs[e->n_strs] = xasprintf("http://127.0.0.1:%d%s", e->srv.port, path);
	return e->strs[e->n_strs++];
}

static void on_guard(uv_timer_t *t)
{
	env_t *e = t->data;
	e->hung = 1;
	uv_stop(&e->loop);
}

/* Checked before the loop would block: a completion delivered from a timer
 * callback must not leave the loop waiting in poll for the next event. */
static void on_prepare(uv_prepare_t *p)
{
	env_t *e = p->data;
	if (*e->count >= e->want)
		uv_stop(&e->loop);
}

/* Turn the loop until *count reaches want (or the guard fires). */
static void run_until(env_t *e, const int *count, int want)
{
	e->hung = 0;
	e->count = count;
	e->want = want;
	uv_timer_start(&e->guard, on_guard, GUARD_MS, 0);
	uv_prepare_start(&e->prep, on_prepare);
	while (*count < want && !e->hung)
		uv_run(&e->loop, UV_RUN_DEFAULT);
	uv_prepare_stop(&e->prep);
	uv_timer_stop(&e->guard);
	assert_false(e->hung);
}

static void record(const http_response_t *r, result_t *res)
{
	res->called++;
	res->order = ++res->e->seq;
	res->ok = r->ok;
	res->status = r->status;
	assert_non_null(r->body);
	assert_int_equal(r->body[r->len], '\0');
	free(res->body);
	if (res->take) {
		res->body = http_take_body(r);
		assert_int_equal(res->body[r->len], '\0');
	} else {
		res->body = xmalloc(r->len + 1);
		memcpy(res->body, r->body, r->len + 1);
	}
	res->len = r->len;
	res->too_large = r->too_large;
	res->declared_len = r->declared_len;
	free(res->ctype);
	res->ctype = r->content_type ? xstrdup(r->content_type) : NULL;
	free(res->error);
	res->error = r->error ? xstrdup(r->error) : NULL;
	res->timed_out = r->timed_out;
	res->elapsed_ms = r->elapsed_ms;
	free(res->url);
	res->url = xstrdup(r->url);
}

static void on_done(const http_response_t *r, void *ud)
{
	record(r, ud);
}

static void result_free(result_t *r)
{
	free(r->body);
	free(r->ctype);
	free(r->error);
	free(r->url);
	memset(r, 0, sizeof(*r));
}

static result_t *res_new(env_t *e, result_t *r)
{
	memset(r, 0, sizeof(*r));
	r->e = e;
	return r;
}

static void env_init_handles(env_t *e)
{
	uv_timer_init(&e->loop, &e->guard);
	e->guard.data = e;
	uv_prepare_init(&e->loop, &e->prep);
	e->prep.data = e;
}

static void env_close_handles(env_t *e)
{
	uv_close((uv_handle_t *)&e->guard, NULL);
	uv_close((uv_handle_t *)&e->prep, NULL);
}

static int setup(void **state)
{
	env_t *e = xcalloc(1, sizeof(*e));
	if (uv_loop_init(&e->loop) != 0 || srv_start(&e->srv, &e->loop) != 0)
		return -1;
	env_init_handles(e);
	e->c = http_client_new(&e->loop);
	if (!e->c)
		return -1;
	res_new(e, &e->extra);
	*state = e;
	return 0;
}

static void count_handle(uv_handle_t *h, void *arg)
{
	(void)h;
	(*(int *)arg)++;
}

/* Every test ends here: the client and the server are freed, the loop runs
 * dry, and uv_loop_close proves no handle was left behind. */
static int teardown(void **state)
{
	env_t *e = *state;
	int left = 0, rc, turns = 0;

	if (e->loop_closed)
		goto out;
	http_client_free(e->c);
	srv_stop(&e->srv);
	env_close_handles(e);
	while (uv_run(&e->loop, UV_RUN_NOWAIT) && turns < 10000)
		turns++;
	rc = uv_loop_close(&e->loop);
	if (rc != 0) {
		uv_walk(&e->loop, count_handle, &left);
		fprintf(stderr, "# uv_loop_close: %s, %d handle(s) left\n", uv_strerror(rc), left);
		return -1;
	}
out:
	result_free(&e->extra);
	for (size_t i = 0; i < e->n_strs; i++)
		free(e->strs[i]);
	free(e->strs);
	free(e);
	return 0;
}

/* ---- cases ----------------------------------------------------------- */

static void test_ok(void **state)
{
	env_t *e = *state;
	result_t r;
	const char *u = url(e, "/ok");

	assert_non_null(http_get(e->c, u, 5000, on_done, res_new(e, &r)));
	assert_int_equal(http_client_pending(e->c), 1);
	run_until(e, &r.called, 1);
	assert_int_equal(r.called, 1);
	assert_int_equal(r.ok, 1);
	assert_int_equal(r.status, 200);
	assert_int_equal(r.len, 5);
	assert_string_equal(r.body, "hello");
	assert_string_equal(r.ctype, "text/plain");
	assert_null(r.error);
	assert_int_equal(r.timed_out, 0);
	assert_string_equal(r.url, u);
	assert_true(r.elapsed_ms >= 0.0);
	assert_int_equal(http_client_pending(e->c), 0);
	result_free(&r);
}

static void test_json_content_type(void **state)
{
	env_t *e = *state;
	result_t r;

	http_get(e->c, url(e, "/json"), 5000, on_done, res_new(e, &r));
	run_until(e, &r.called, 1);
	assert_int_equal(r.ok, 1);
	assert_int_equal(r.status, 200);
	assert_string_equal(r.ctype, "application/json");
	assert_string_equal(r.body, "{\"status\":\"success\",\"data\":[]}");
	result_free(&r);
}

static void test_status_503_is_a_response(void **state)
{
	env_t *e = *state;
	result_t r;

	http_get(e->c, url(e, "/status/503"), 5000, on_done, res_new(e, &r));
	run_until(e, &r.called, 1);
	assert_int_equal(r.ok, 1);
	assert_int_equal(r.status, 503);
	assert_string_equal(r.body, "backend unavailable");
	assert_null(r.error);
	result_free(&r);
}

static void test_timeout(void **state)
{
	env_t *e = *state;
	result_t r;

	http_get(e->c, url(e, "/slow"), 300, on_done, res_new(e, &r));
	run_until(e, &r.called, 1);
	assert_int_equal(r.ok, 0);
	assert_int_equal(r.timed_out, 1);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.len, 0);
	assert_string_equal(r.body, "");
	assert_non_null(r.error);
	assert_string_equal(r.error, "timed out after 300 ms");
	assert_int_equal(e->srv.n_requests, 1); /* it did reach the server */
	result_free(&r);
}

static void test_default_timeout(void **state)
{
	env_t *e = *state;
	result_t r;

	http_client_set_default_timeout(e->c, 200);
	http_get(e->c, url(e, "/slow"), 0, on_done, res_new(e, &r));
	run_until(e, &r.called, 1);
	assert_int_equal(r.timed_out, 1);
	assert_string_equal(r.error, "timed out after 200 ms");
	result_free(&r);
}

/* A request that hangs does not hold up the others: all five finish first. */
static void test_slow_does_not_block(void **state)
{
	env_t *e = *state;
	result_t slow, ok[5];

	http_get(e->c, url(e, "/slow"), 3000, on_done, res_new(e, &slow));
	for (int i = 0; i < 5; i++)
		http_get(e->c, url(e, "/ok"), 30000, on_done, res_new(e, &ok[i]));
	assert_int_equal(http_client_pending(e->c), 6);
	run_until(e, &e->seq, 6);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(ok[i].ok, 1);
		assert_string_equal(ok[i].body, "hello");
		assert_in_range(ok[i].order, 1, 5);
		result_free(&ok[i]);
	}
	assert_int_equal(slow.order, 6);
	assert_int_equal(slow.timed_out, 1);
	result_free(&slow);
}

static void test_connection_refused(void **state)
{
	env_t *e = *state;
	result_t r;
	uv_tcp_t t;
	struct sockaddr_in a;
	int port;
	char *u;

	/* a port that was ours a moment ago and now has nobody behind it */
	uv_ip4_addr("127.0.0.1", 0, &a);
	uv_tcp_init(&e->loop, &t);
	assert_int_equal(uv_tcp_bind(&t, (const struct sockaddr *)&a, 0), 0);
	port = bound_port(&t);
	assert_true(port > 0);
	uv_close((uv_handle_t *)&t, NULL);
	uv_run(&e->loop, UV_RUN_NOWAIT);

	u = xasprintf("http://127.0.0.1:%d/ok", port);
	http_get(e->c, u, 5000, on_done, res_new(e, &r));
	run_until(e, &r.called, 1);
	assert_int_equal(r.ok, 0);
	assert_int_equal(r.status, 0);
	assert_int_equal(r.timed_out, 0);
	assert_non_null(r.error);
	assert_non_null(strstr(r.error, "refused"));
	assert_string_equal(r.url, u);
	free(u);
	result_free(&r);
}

/* A peer that is not an HTTP server (an SSH daemon on the port) is named as
 * such, not as an unsupported URL scheme. */
static void test_not_http(void **state)
{
	env_t *e = *state;
	result_t r;
	http_get(e->c, url(e, "/ssh"), 5000, on_done, res_new(e, &r));
	run_until(e, &r.called, 1);
	assert_int_equal(r.ok, 0);
	assert_string_equal(r.error, "not an HTTP answer: the peer at this address does not speak HTTP");
	result_free(&r);
}

static void test_max_body(void **state)
{
	env_t *e = *state;
	result_t small, exact, dflt;
	http_opts_t o = {0};

	o.timeout_ms = 30000;
	o.max_body = (size_t)1 << 20;
	http_request(e->c, url(e, "/big"), &o, on_done, res_new(e, &small));
	o.max_body = BIG_LEN; /* exactly the size: allowed */
	http_request(e->c, url(e, "/big"), &o, on_done, res_new(e, &exact));
	http_get(e->c, url(e, "/big"), 30000, on_done, res_new(e, &dflt));
	dflt.take = 1;
	run_until(e, &e->seq, 3);

	assert_int_equal(small.ok, 0);
	assert_string_equal(small.error, "answer larger than 1048576 bytes");
	assert_int_equal(small.len, 0);
	assert_int_equal(small.timed_out, 0);
	assert_int_equal(small.too_large, 1);
	assert_true(small.declared_len == BIG_LEN); /* its Content-Length, not coded */

	assert_int_equal(exact.ok, 1);
	assert_int_equal(exact.len, BIG_LEN);
	assert_int_equal(exact.too_large, 0);

	assert_int_equal(dflt.ok, 1);
	assert_int_equal(dflt.status, 200);
	assert_int_equal(dflt.len, BIG_LEN);
	for (size_t i = 0; i < BIG_LEN; i += 4099)
		assert_int_equal(dflt.body[i], 'a' + i % 26);
	assert_int_equal(dflt.body[BIG_LEN - 1], 'a' + (BIG_LEN - 1) % 26);
	result_free(&small);
	result_free(&exact);
	result_free(&dflt);
}

static void test_gzip(void **state)
{
	env_t *e = *state;
	result_t r;

	http_get(e->c, url(e, "/gzip"), 5000, on_done, res_new(e, &r));
	run_until(e, &r.called, 1);
	assert_int_equal(r.ok, 1);
	assert_int_equal(r.status, 200); /* 406 if Accept-Encoding lacked gzip */
	assert_int_equal(r.len, sizeof(GZIP_TEXT) - 1);
	assert_string_equal(r.body, GZIP_TEXT);
	result_free(&r);
}

static void test_methods_and_bodies(void **state)
{
	env_t *e = *state;
	result_t post, put, del, get;
	static const char bin[] = { 'a', '\0', 'b', '=', 'c' };
	http_opts_t o = {0};

	o.method = "POST";
	o.body = bin;
	o.body_len = sizeof(bin);
	o.content_type = "application/octet-stream";
	http_request(e->c, url(e, "/echo"), &o, on_done, res_new(e, &post));
	o.method = "PUT";
	o.body = "{\"x\":1}";
	o.body_len = 7;
	o.content_type = "application/json";
	http_request(e->c, url(e, "/echo"), &o, on_done, res_new(e, &put));
	memset(&o, 0, sizeof(o));
	o.method = "DELETE";
	http_request(e->c, url(e, "/echo"), &o, on_done, res_new(e, &del));
	http_request(e->c, url(e, "/echo"), NULL, on_done, res_new(e, &get));
	run_until(e, &e->seq, 4);

	assert_int_equal(post.ok, 1);
	assert_int_equal(post.len, 5 + sizeof(bin));
	assert_memory_equal(post.body, "POST\na\0b=c", 10);
	assert_string_equal(put.body, "PUT\n{\"x\":1}");
	assert_string_equal(del.body, "DELETE\n");
	assert_string_equal(get.body, "GET\n");
	result_free(&post);
	result_free(&put);
	result_free(&del);
	result_free(&get);
}

static void test_request_headers(void **state)
{
	env_t *e = *state;
	result_t r;
	static const char *const hdrs[] = { "X-Scope-OrgID: tenant-1",
					    "Authorization: Bearer t0k3n", NULL };
	http_opts_t o = {0};

	o.headers = hdrs;
	o.method = "POST";
	o.body = "q=1";
	o.body_len = 3;
	o.content_type = "application/x-www-form-urlencoded";
	http_request(e->c, url(e, "/headers"), &o, on_done, res_new(e, &r));
	run_until(e, &r.called, 1);
	assert_int_equal(r.ok, 1);
	assert_non_null(strstr(r.body, "\r\nUser-Agent: icn-console/" PACKAGE_VERSION "\r\n"));
	assert_non_null(strstr(r.body, "\r\nX-Scope-OrgID: tenant-1\r\n"));
	assert_non_null(strstr(r.body, "\r\nAuthorization: Bearer t0k3n\r\n"));
	assert_non_null(strstr(r.body, "\r\nContent-Type: application/x-www-form-urlencoded\r\n"));
	assert_non_null(strstr(r.body, "\r\nContent-Length: 3\r\n"));
	assert_null(strstr(r.body, "Expect:"));
	result_free(&r);
}

/* A backend's options reach every request under its base URL: basic auth or
 * a bearer token, its headers (the request's own of a name win), its timeout;
 * a URL that only shares a prefix of the base gets none. */
static void test_backend_options(void **state)
{
	env_t *e = *state;
	result_t a, b, other, slow;
	static char *bh[] = { "X-Scope-OrgID: from-backend", "X-Extra: 1", NULL };
	static const char *const own[] = { "X-Scope-OrgID: mine", NULL };
	http_backend_t be[3];
	conf_backend_t bo[3];
	memset(be, 0, sizeof be);
	memset(bo, 0, sizeof bo);
	for (size_t bi = 0; bi < 3; bi++)
		be[bi].opts = &bo[bi];
	be[0].name = "prometheus";
	be[0].base_url = url(e, "");
	bo[0].username = "oncall";
	bo[0].password = "pa:ss";
	bo[0].headers = bh;
	bo[0].n_headers = 2;
	be[1].name = "loki";
	be[1].base_url = url(e, "/loki");
	bo[1].bearer_token = "t0k3n";
	be[2].name = "slowpoke";
	be[2].base_url = url(e, "/slow");
	bo[2].timeout_ms = 300;
	http_client_set_backends(e->c, be, 3);
	assert_string_equal(http_client_backend_name(e->c, url(e, "/headers")), "prometheus");
	assert_string_equal(http_client_backend_name(e->c, url(e, "/loki/api")), "loki");
	assert_string_equal(http_client_backend_name(e->c, url(e, "/loki?x")), "loki");
	assert_string_equal(http_client_backend_name(e->c, url(e, "/lokis")), "prometheus");
	assert_null(http_client_backend_name(e->c, "http://127.0.0.2:1/headers"));

	http_opts_t o = {0};
	o.headers = own;
	http_request(e->c, url(e, "/headers"), &o, on_done, res_new(e, &a));
	run_until(e, &a.called, 1);
	assert_int_equal(a.ok, 1);
	/* base64("oncall:pa:ss") */
	assert_non_null(strstr(a.body, "\r\nAuthorization: Basic b25jYWxsOnBhOnNz\r\n"));
	assert_non_null(strstr(a.body, "\r\nX-Scope-OrgID: mine\r\n"));
	assert_null(strstr(a.body, "from-backend"));
	assert_non_null(strstr(a.body, "\r\nX-Extra: 1\r\n"));

	/* the loki base: its own (longer) prefix wins; no basic auth there */
	http_get(e->c, url(e, "/loki/../headers"), 5000, on_done, res_new(e, &b));
	run_until(e, &b.called, 1);
	assert_int_equal(b.ok, 1);
	assert_non_null(strstr(b.body, "\r\nAuthorization: Bearer t0k3n\r\n"));
	assert_null(strstr(b.body, "Basic"));
	assert_null(strstr(b.body, "X-Extra"));

	/* none: the options went with the last set */
	http_client_set_backends(e->c, be + 1, 2);
	http_get(e->c, url(e, "/headers"), 5000, on_done, res_new(e, &other));
	run_until(e, &other.called, 1);
	assert_null(strstr(other.body, "Authorization"));

	/* the backend's timeout replaces the request's */
	http_get(e->c, url(e, "/slow"), 30000, on_done, res_new(e, &slow));
	run_until(e, &slow.called, 1);
	assert_int_equal(slow.timed_out, 1);
	assert_string_equal(slow.error, "timed out after 300 ms");
	result_free(&a);
	result_free(&b);
	result_free(&other);
	result_free(&slow);
}

/* How many times a credential-command ran: one line per run in a file. */
static int runs(const char *file)
{
	FILE *f = fopen(file, "r");
	int n = 0, ch;
	if (!f)
		return 0;
	while ((ch = fgetc(f)) != EOF)
		n += ch == '\n';
	fclose(f);
	return n;
}

/* A credential-command runs when a token is needed, once for the requests
 * waiting together, and its token is kept until its expiry or a 401. */
static void test_credential_command(void **state)
{
	env_t *e = *state;
	result_t a, b, c, d, f, g;
	char dir[] = "/tmp/test_http_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *count = xasprintf("%s/runs", dir);
	char *cmd_plain = xasprintf("echo run >>%s; printf 'tok-plain\\n'", count);
	char *cmd_json = xasprintf("echo run >>%s; echo '{\"token\": \"tok-json\", "
				   "\"expiry\": \"2020-01-01T00:00:00Z\"}'", count);
	char *cmd_fail = xasprintf("echo run >>%s; echo tok-secret; echo 'no session: run login' >&2; exit 3",
				   count);
	http_backend_t be[3];
	conf_backend_t bo[3];
	memset(be, 0, sizeof be);
	memset(bo, 0, sizeof bo);
	for (size_t bi = 0; bi < 3; bi++)
		be[bi].opts = &bo[bi];
	be[0].name = "plain";
	be[0].base_url = url(e, "/headers");
	bo[0].credential_command = cmd_plain;
	be[1].name = "json";
	be[1].base_url = url(e, "/status");
	bo[1].credential_command = cmd_json;
	be[2].name = "fail";
	be[2].base_url = url(e, "/ok");
	bo[2].credential_command = cmd_fail;
	http_client_set_backends(e->c, be, 3);

	/* two at once: one run, both carry the token */
	http_get(e->c, url(e, "/headers"), 5000, on_done, res_new(e, &a));
	http_get(e->c, url(e, "/headers"), 5000, on_done, res_new(e, &b));
	run_until(e, &b.called, 1);
	run_until(e, &a.called, 1);
	assert_non_null(strstr(a.body, "\r\nAuthorization: Bearer tok-plain\r\n"));
	assert_non_null(strstr(b.body, "\r\nAuthorization: Bearer tok-plain\r\n"));
	assert_int_equal(runs(count), 1);
	/* kept: no run for the next */
	http_get(e->c, url(e, "/headers"), 5000, on_done, res_new(e, &c));
	run_until(e, &c.called, 1);
	assert_int_equal(runs(count), 1);

	/* a token already expired is asked for again each time; a 401 drops it */
	http_get(e->c, url(e, "/status/503"), 5000, on_done, res_new(e, &d));
	run_until(e, &d.called, 1);
	assert_int_equal(d.status, 503);
	assert_int_equal(runs(count), 2);
	http_get(e->c, url(e, "/status/401"), 5000, on_done, res_new(e, &f));
	run_until(e, &f.called, 1);
	assert_int_equal(f.status, 401);
	assert_int_equal(runs(count), 3);

	/* a failing command fails its requests with its own words, not its output */
	http_get(e->c, url(e, "/ok"), 5000, on_done, res_new(e, &g));
	run_until(e, &g.called, 1);
	assert_int_equal(g.ok, 0);
	assert_string_equal(g.error, "credential-command failed (exit 3): no session: run login");
	assert_int_equal(runs(count), 4);

	result_t *all[] = { &a, &b, &c, &d, &f, &g };
	for (size_t i = 0; i < 6; i++)
		result_free(all[i]);
	unlink(count);
	rmdir(dir);
	free(count);
	free(cmd_plain);
	free(cmd_json);
	free(cmd_fail);
}

/* A 401 drops a command's token: the next request runs it again. */
static void test_credential_command_401(void **state)
{
	env_t *e = *state;
	result_t a, b;
	char dir[] = "/tmp/test_http_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *count = xasprintf("%s/runs", dir);
	char *cmd = xasprintf("echo run >>%s; echo tok", count);
	conf_backend_t bo = { .credential_command = cmd };
	http_backend_t be = { "p", url(e, ""), &bo };
	http_client_set_backends(e->c, &be, 1);
	http_get(e->c, url(e, "/status/401"), 5000, on_done, res_new(e, &a));
	run_until(e, &a.called, 1);
	assert_int_equal(runs(count), 1);
	http_get(e->c, url(e, "/ok"), 5000, on_done, res_new(e, &b));
	run_until(e, &b.called, 1);
	assert_int_equal(b.ok, 1);
	assert_int_equal(runs(count), 2);
	result_free(&a);
	result_free(&b);
	unlink(count);
	rmdir(dir);
	free(count);
	free(cmd);
}

/* A command printing a token no header can carry (a CR LF that would start a
 * header of its own, control bytes, non-ASCII) fails the request saying so,
 * and nothing of it is sent. */
static void test_credential_command_bad_token(void **state)
{
	env_t *e = *state;
	static char *const cmds[] = {
		"printf '{\"token\": \"a\\\\r\\\\nX-Evil: 1\"}'", /* JSON's \r\n escapes */
		"printf 'tok\\001en\\n'",
		"printf 'tok en\\n'",
		"printf 't\\303\\251ok\\n'",
	};
	for (size_t i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
		result_t a;
		conf_backend_t bo = { .credential_command = cmds[i] };
		http_backend_t be = { "p", url(e, ""), &bo };
		http_client_set_backends(e->c, &be, 1);
		http_get(e->c, url(e, "/headers"), 5000, on_done, res_new(e, &a));
		run_until(e, &a.called, 1);
		assert_int_equal(a.ok, 0);
		if (!a.error || !strstr(a.error, "a header cannot carry"))
			fail_msg("command %zu: error \"%s\"", i, a.error ? a.error : "(none)");
		result_free(&a);
	}
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A token rotated in its bearer-token-file: a 401 reads the file again and the
 * request goes once more with the new token; a request carrying the backend's
 * old token (as Loki's own headers do) gets the new one; a token not the
 * backend's is left alone; a second 401 is final; http_client_fresh_auth
 * gives the websocket the same. */
static void test_token_file_reread(void **state)
{
	env_t *e = *state;
	result_t a, b, c, d;
	char dir[] = "/tmp/test_http_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *file = xasprintf("%s/tok", dir);
	write_file(file, "new\n");
	conf_backend_t bo = { .bearer_token = "old", .bearer_token_file = file };
	http_backend_t be = { "loki", url(e, ""), &bo };
	http_client_set_backends(e->c, &be, 1);

	int n0 = e->srv.n_requests;
	http_get(e->c, url(e, "/bearer/new"), 5000, on_done, res_new(e, &a));
	run_until(e, &a.called, 1);
	assert_int_equal(a.status, 200);
	assert_int_equal(e->srv.n_requests - n0, 2); /* the 401, then the retry */

	static const char *const stale[] = { "Authorization: Bearer old", NULL };
	http_opts_t o = {0};
	o.headers = stale;
	n0 = e->srv.n_requests;
	http_request(e->c, url(e, "/bearer/new"), &o, on_done, res_new(e, &b));
	run_until(e, &b.called, 1);
	assert_int_equal(b.status, 200);
	assert_int_equal(e->srv.n_requests - n0, 1); /* replaced before it went */

	static const char *const mine[] = { "Authorization: Bearer mine", NULL };
	o.headers = mine;
	http_request(e->c, url(e, "/bearer/mine"), &o, on_done, res_new(e, &c));
	run_until(e, &c.called, 1);
	assert_int_equal(c.status, 200);

	/* the file holds the token already refused: one request, its 401 final */
	n0 = e->srv.n_requests;
	http_get(e->c, url(e, "/bearer/other"), 5000, on_done, res_new(e, &d));
	run_until(e, &d.called, 1);
	assert_int_equal(d.status, 401);
	assert_int_equal(e->srv.n_requests - n0, 1);

	char *f = http_client_fresh_auth(e->c, url(e, "/loki/api/v1/tail"), "Authorization: Bearer old");
	assert_string_equal(f, "Authorization: Bearer new");
	free(f);
	assert_null(http_client_fresh_auth(e->c, url(e, "/x"), "Authorization: Bearer new"));
	write_file(file, "newest\n");
	f = http_client_fresh_auth(e->c, url(e, "/x"), "Authorization: Bearer new");
	assert_string_equal(f, "Authorization: Bearer newest");
	free(f);
	assert_null(http_client_fresh_auth(e->c, url(e, "/x"), "Authorization: Bearer mine"));
	assert_null(http_client_fresh_auth(e->c, url(e, "/x"), "X-Scope-OrgID: old"));

	result_free(&a);
	result_free(&b);
	result_free(&c);
	result_free(&d);
	unlink(file);
	rmdir(dir);
	free(file);
}

/* A request waiting for the command can be cancelled, and the client freed
 * while it runs. */
static void test_credential_command_cancel(void **state)
{
	env_t *e = *state;
	result_t a, b;
	conf_backend_t bo = { .credential_command = "sleep 1; echo tok" };
	http_backend_t be = { "slow", url(e, ""), &bo };
	http_client_set_backends(e->c, &be, 1);
	http_req_t *r = http_get(e->c, url(e, "/ok"), 5000, on_done, res_new(e, &a));
	http_get(e->c, url(e, "/ok"), 5000, on_done, res_new(e, &b));
	http_cancel(r);
	run_until(e, &b.called, 1);
	assert_int_equal(b.ok, 1);
	assert_int_equal(a.called, 0);
	http_get(e->c, url(e, "/ok"), 5000, on_done, res_new(e, &a));
	bo.credential_command = "sleep 5; echo tok2";
	http_client_set_backends(e->c, &be, 1);
	http_get(e->c, url(e, "/ok"), 5000, on_done, res_new(e, &a));
	/* the teardown frees the client with the command running: no leak, no hang */
	result_free(&b);
}

/* What http_client_token gave. */
typedef struct {
	int called;
	int asking; /* inside http_client_token: a callback now is one too early */
	int early;
	char *auth, *error;
} tok_res_t;

static void on_token(const char *auth, const char *error, void *ud)
{
	tok_res_t *t = ud;
	t->called++;
	t->early |= t->asking;
	free(t->auth);
	free(t->error);
	t->auth = auth ? xstrdup(auth) : NULL;
	t->error = error ? xstrdup(error) : NULL;
}

static http_req_t *ask_token(env_t *e, const char *u, const char *refused, tok_res_t *t)
{
	t->called = 0;
	t->asking = 1;
	http_req_t *r = http_client_token(e->c, u, refused, on_token, t);
	t->asking = 0;
	return r;
}

/* Ask for url's token (refused: as http_client_token's) and wait: it is want,
 * and the command in file count has run runs times in all. */
static void token_is(env_t *e, tok_res_t *t, const char *refused, const char *want, const char *count,
		     int n_runs)
{
	assert_non_null(ask_token(e, url(e, "/headers"), refused, t));
	assert_int_equal(t->called, 0);
	run_until(e, &t->called, 1);
	assert_int_equal(t->early, 0);
	assert_string_equal(t->auth, want);
	assert_int_equal(runs(count), n_runs);
}

/* Ask for the token and GET /headers at once: both wait for the same run of
 * the command and carry Bearer tok; it has run runs times in all. */
static void token_with_request(env_t *e, tok_res_t *t, const char *refused, const char *tok,
			       const char *count, int n_runs)
{
	result_t a;
	char *line = xasprintf("Authorization: Bearer %s", tok);
	char *wire = xasprintf("\r\n%s\r\n", line);
	assert_non_null(ask_token(e, url(e, "/headers"), refused, t));
	http_get(e->c, url(e, "/headers"), 5000, on_done, res_new(e, &a));
	run_until(e, &t->called, 1);
	run_until(e, &a.called, 1);
	assert_int_equal(t->early, 0);
	assert_string_equal(t->auth, line);
	assert_non_null(strstr(a.body, wire));
	assert_int_equal(runs(count), n_runs);
	result_free(&a);
	free(line);
	free(wire);
}

/* http_client_token, for the websocket of Loki's tail: the token the HTTP
 * requests carry, from the same runs of the command (one for all waiting,
 * kept); a refused one is dropped and the command run again, a stale refusal
 * (the kept token is newer) runs nothing; never answered from inside the
 * call; a cancelled ask is not answered; a failure is said. */
static void test_credential_token(void **state)
{
	env_t *e = *state;
	tok_res_t t = { 0 }, u = { 0 };
	result_t a;
	char dir[] = "/tmp/test_http_XXXXXX";
	assert_non_null(mkdtemp(dir));
	char *count = xasprintf("%s/runs", dir);
	char *file = xasprintf("%s/tok", dir);
	write_file(file, "one\n");
	char *cmd = xasprintf("echo run >>%s; cat %s", count, file);
	conf_backend_t bo[3] = { { .credential_command = cmd },
				 { .credential_command = "echo 'no session' >&2; exit 3" },
				 { 0 } };
	http_backend_t be[3] = { { "loki", url(e, "/headers"), &bo[0] },
				 { "broken", url(e, "/status"), &bo[1] },
				 { "plain", url(e, "/ok"), &bo[2] } };
	http_client_set_backends(e->c, be, 3);

	/* no credential-command: nothing to add */
	assert_null(ask_token(e, url(e, "/ok"), NULL, &t));
	assert_null(ask_token(e, "http://127.0.0.1:1/elsewhere", NULL, &t));

	/* asked with a request: one run for both */
	token_with_request(e, &t, NULL, "one", count, 1);

	/* kept: given on the next turn, not from inside the call, no run */
	token_is(e, &t, NULL, "Authorization: Bearer one", count, 1);

	/* rotated: the refused token is dropped, the command runs again */
	write_file(file, "two\n");
	token_is(e, &t, "Authorization: Bearer one", "Authorization: Bearer two", count, 2);
	/* a refusal of the old one once more: the kept one is newer, no run */
	token_is(e, &t, "Authorization: Bearer one", "Authorization: Bearer two", count, 2);
	/* ... and the HTTP requests carry the new one */
	http_get(e->c, url(e, "/headers"), 5000, on_done, res_new(e, &a));
	run_until(e, &a.called, 1);
	assert_non_null(strstr(a.body, "\r\nAuthorization: Bearer two\r\n"));
	assert_int_equal(runs(count), 2);

	/* cancelled while the command runs: not answered; the run serves the others */
	write_file(file, "three\n");
	http_req_t *r = ask_token(e, url(e, "/headers"), "Authorization: Bearer two", &t);
	assert_non_null(r);
	http_cancel(r);
	token_with_request(e, &u, NULL, "three", count, 3);
	assert_int_equal(t.called, 0);

	/* a failing command: said, no token */
	assert_non_null(ask_token(e, url(e, "/status/200"), NULL, &t));
	run_until(e, &t.called, 1);
	assert_null(t.auth);
	assert_string_equal(t.error, "credential-command failed (exit 3): no session");

	/* one still asked for when the client goes (teardown): no callback, no leak */
	bo[0].credential_command = "sleep 5; echo tok";
	http_client_set_backends(e->c, be, 3);
	assert_non_null(ask_token(e, url(e, "/headers"), NULL, &u));

	result_free(&a);
	free(t.auth);
	free(t.error);
	free(u.auth);
	free(u.error);
	unlink(count);
	unlink(file);
	rmdir(dir);
	free(count);
	free(file);
	free(cmd);
}

static void test_only_http(void **state)
{
	env_t *e = *state;
	result_t ftp, file, bad;

	http_get(e->c, "ftp://127.0.0.1:1/x", 5000, on_done, res_new(e, &ftp));
	http_get(e->c, "file:///etc/hostname", 5000, on_done, res_new(e, &file));
	http_get(e->c, "http://", 5000, on_done, res_new(e, &bad));
	run_until(e, &e->seq, 3);
	assert_int_equal(ftp.ok, 0);
	assert_non_null(strstr(ftp.error, "unsupported protocol"));
	assert_int_equal(file.ok, 0);
	assert_non_null(strstr(file.error, "unsupported protocol"));
	assert_int_equal(file.len, 0);
	assert_int_equal(bad.ok, 0);
	assert_non_null(bad.error);
	assert_true(strlen(bad.error) > 0);
	result_free(&ftp);
	result_free(&file);
	result_free(&bad);
}

static void test_cancel_pending(void **state)
{
	env_t *e = *state;
	result_t a, b, ok;
	http_req_t *ra, *rb;

	/* before the loop ever ran */
	ra = http_get(e->c, url(e, "/slow"), 30000, on_done, res_new(e, &a));
	assert_non_null(ra);
	http_cancel(ra);
	assert_int_equal(http_client_pending(e->c), 0);

	/* after the server has the request */
	rb = http_get(e->c, url(e, "/slow"), 30000, on_done, res_new(e, &b));
	run_until(e, &e->srv.n_requests, 1);
	assert_int_equal(http_client_pending(e->c), 1);
	http_cancel(rb);
	http_cancel(NULL);
	assert_int_equal(http_client_pending(e->c), 0);

	/* the client still works, and nothing else completes */
	http_get(e->c, url(e, "/ok"), 5000, on_done, res_new(e, &ok));
	run_until(e, &ok.called, 1);
	assert_int_equal(ok.ok, 1);
	assert_int_equal(e->seq, 1);
	assert_int_equal(a.called, 0);
	assert_int_equal(b.called, 0);
	result_free(&ok);
}

/* Cancels another request, cancels itself, and starts a new one. */
static void on_done_meddle(const http_response_t *resp, void *ud)
{
	result_t *r = ud;
	env_t *e = r->e;

	record(resp, r);
	http_cancel(r->other);
	http_cancel(r->self);
	if (r->next_path)
		assert_non_null(http_get(e->c, url(e, r->next_path), 5000, on_done, &e->extra));
	assert_int_equal(http_client_pending(e->c), r->next_path ? 1 : 0);
}

static void test_cancel_in_callback(void **state)
{
	env_t *e = *state;
	result_t a, b;

	res_new(e, &a);
	a.other = http_get(e->c, url(e, "/slow"), 30000, on_done, res_new(e, &b));
	a.self = http_get(e->c, url(e, "/ok"), 5000, on_done_meddle, &a);
	a.next_path = "/json";
	assert_non_null(a.other);
	assert_non_null(a.self);
	run_until(e, &e->extra.called, 1);

	assert_int_equal(a.called, 1);
	assert_int_equal(a.ok, 1);
	assert_int_equal(b.called, 0);
	assert_int_equal(e->extra.ok, 1);
	assert_string_equal(e->extra.ctype, "application/json");
	assert_int_equal(http_client_pending(e->c), 0);
	result_free(&a);
}

static void on_done_free_client(const http_response_t *resp, void *ud)
{
	result_t *r = ud;
	record(resp, r);
	http_client_free(r->e->c);
	r->e->c = NULL;
}

static void test_free_in_callback(void **state)
{
	env_t *e = *state;
	result_t a, slow1, slow2;

	http_get(e->c, url(e, "/slow"), 30000, on_done, res_new(e, &slow1));
	http_get(e->c, url(e, "/ok"), 5000, on_done_free_client, res_new(e, &a));
	http_get(e->c, url(e, "/slow"), 30000, on_done, res_new(e, &slow2));
	run_until(e, &a.called, 1);
	assert_null(e->c);
	assert_int_equal(a.ok, 1);
	/* teardown runs the loop dry: no callback may follow the free */
	for (int i = 0; i < 20; i++)
		uv_run(&e->loop, UV_RUN_NOWAIT);
	assert_int_equal(slow1.called, 0);
	assert_int_equal(slow2.called, 0);
	assert_int_equal(e->seq, 1);
	result_free(&a);
}

static void test_keepalive_reuse(void **state)
{
	env_t *e = *state;
	result_t a, b;

	http_get(e->c, url(e, "/keepalive"), 5000, on_done, res_new(e, &a));
	run_until(e, &a.called, 1);
	/* started once the first is done: curl reuses the cached connection */
	http_get(e->c, url(e, "/keepalive"), 5000, on_done, res_new(e, &b));
	run_until(e, &b.called, 1);
	assert_int_equal(a.ok, 1);
	assert_int_equal(b.ok, 1);
	assert_string_equal(b.body, "still here");
	assert_int_equal(e->srv.n_requests, 2);
	assert_non_null(e->srv.conns);
	assert_null(e->srv.conns->next); /* one connection served both */
	result_free(&a);
	result_free(&b);
}

static void test_free_with_requests_in_flight(void **state)
{
	env_t *e = *state;
	result_t idle, r[4];
	int left = 0;

	/* a finished keep-alive request leaves a connection in curl's cache */
	http_get(e->c, url(e, "/keepalive"), 5000, on_done, res_new(e, &idle));
	run_until(e, &idle.called, 1);
	assert_int_equal(idle.ok, 1);
	for (int i = 0; i < 3; i++)
		http_get(e->c, url(e, "/slow"), 30000, on_done, res_new(e, &r[i]));
	/* all three sent: curl has live sockets on the loop */
	run_until(e, &e->srv.n_requests, 4);
	/* and one that never got to run */
	http_get(e->c, url(e, "/ok"), 30000, on_done, res_new(e, &r[3]));
	assert_int_equal(http_client_pending(e->c), 4);
	http_client_free(e->c);
	e->c = NULL;

	e->loop_closed = 1;
	srv_stop(&e->srv);
	env_close_handles(e);
	uv_run(&e->loop, UV_RUN_DEFAULT);
	uv_walk(&e->loop, count_handle, &left);
	assert_int_equal(left, 0);
	assert_int_equal(uv_loop_close(&e->loop), 0);
	for (int i = 0; i < 4; i++)
		assert_int_equal(r[i].called, 0);
	assert_int_equal(e->seq, 1);
	result_free(&idle);
}

static void test_escape(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "", "" },
		{ "AZaz09-._~", "AZaz09-._~" },
		{ "a b&c=d/e?f#g", "a%20b%26c%3Dd%2Fe%3Ff%23g" },
		{ "up{job=\"icn\"}", "up%7Bjob%3D%22icn%22%7D" },
		{ "rate(x[5m])", "rate%28x%5B5m%5D%29" },
		{ "+%*'", "%2B%25%2A%27" },
		{ "\xc3\xa9\x7f\x01", "%C3%A9%7F%01" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = http_escape(cases[i].in);
		assert_string_equal(s, cases[i].out);
		free(s);
	}
	assert_null(http_escape(NULL));
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_ok),
		T(test_json_content_type),
		T(test_status_503_is_a_response),
		T(test_timeout),
		T(test_default_timeout),
		T(test_slow_does_not_block),
		T(test_connection_refused),
		T(test_max_body),
		T(test_not_http),
		T(test_gzip),
		T(test_methods_and_bodies),
		T(test_request_headers),
		T(test_backend_options),
		T(test_credential_command),
		T(test_credential_command_401),
		T(test_credential_command_bad_token),
		T(test_token_file_reread),
		T(test_credential_command_cancel),
		T(test_credential_token),
		T(test_only_http),
		T(test_cancel_pending),
		T(test_cancel_in_callback),
		T(test_free_in_callback),
		T(test_keepalive_reuse),
		T(test_free_with_requests_in_flight),
		cmocka_unit_test(test_escape),
	};
	return cmocka_run_group_tests_name("http", tests, NULL, NULL);
}
