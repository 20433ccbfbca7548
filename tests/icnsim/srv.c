/* icnsim's HTTP server: libwebsockets 4.1 on a foreign libuv loop, with a small router.
 *
 * Why libwebsockets and not a hand-written HTTP/1.1 parser on uv_tcp: later
 * issues add Loki's websocket tail to this same program and port, and lws
 * upgrades a request on the same vhost to a websocket for us (a ws route is
 * then one more protocol callback reason, LWS_CALLBACK_ESTABLISHED and
 * friends, in srv_callback below). Plain dynamic HTTP in lws is workable:
 * LWS_CALLBACK_HTTP gives the path, HTTP_BODY/HTTP_BODY_COMPLETION the body,
 * and the response goes out in HTTP_WRITEABLE in bounded chunks. How lws 4.1
 * frames request bodies does not match HTTP/1.1 everywhere, so this file
 * decides for itself when a request is complete and answers it exactly once
 * (see request_start below). lws runs on the caller's libuv loop
 * (LWS_SERVER_OPTION_LIBUV + foreign_loops, plugin libwebsockets-evlib-uv),
 * so timers and signals stay plain libuv, the same design as the console
 * itself. Port 0 works: lws binds it and lws_get_vhost_listen_port() tells
 * the port the kernel chose.
 *
 * Responses are built whole by the handler, then sent: the metrics page is
 * a few tens of KB, and a buffered response can always carry an exact
 * Content-Length. */
#include "config.h"
#include "srv.h"
#include <libwebsockets.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#define BODY_MAX (1u << 20) /* request bodies: the control API needs none */
#define CHUNK 16384

typedef struct {
	unsigned methods;
	char *path;
	srv_handler_fn handler;
	void *user;
} route_t;

typedef struct {
	char *path;
	const srv_ws_handler_t *h;
	void *user;
} ws_route_t;

struct srv {
	route_t *routes;
	size_t nroutes, cap;
	ws_route_t *ws;
	size_t nws, wscap;
	struct lws_context *ctx;
	struct lws_vhost *vh;
	int port;
	char *tls_cert, *tls_key, *tls_client_ca; /* srv_set_tls; NULL: plain HTTP */
};

/* Where the connection is in its current request. Each request is answered
 * once: body events lws raises outside PH_BODY are not ours to act on. */
enum phase {
	PH_IDLE = 0,  /* between requests */
	PH_BODY,      /* waiting for the rest of the request body */
	PH_ANSWERED,  /* response under way */
	PH_CLOSING,   /* response handed to lws; hang up once it is flushed */
};

/* Decoder state of a Transfer-Encoding: chunked request body. */
enum chunk_state {
	CK_SIZE = 0, /* hex chunk size */
	CK_EXT,      /* chunk extension, ignored */
	CK_SIZE_LF,
	CK_DATA,
	CK_DATA_CR,
	CK_DATA_LF,
	CK_TRAILER,      /* start of a trailer line, or of the final CRLF */
	CK_TRAILER_LINE, /* trailer field, ignored */
	CK_TRAILER_LF,
	CK_FINAL_LF,
};

/* One HTTP connection; reused by each request of a keep-alive connection. */
typedef struct {
	enum phase phase;
	unsigned method;
	char *path;
	srv_arg_t *args;
	size_t nargs;
	strbuf_t body;
	bool body_too_big;
	bool rejected;    /* resp already holds an error for a malformed request */
	bool close_after; /* the connection cannot carry another request */
	bool chunked;
	enum chunk_state ck;
	size_t ck_left;  /* payload bytes left in this chunk, or the size so far */
	bool ck_digits; /* CK_SIZE has seen a hex digit */
	srv_response_t resp;
	size_t sent;
	const ws_route_t *ws; /* a websocket connection's route */
	void *session;
} conn_t;

static const struct {
	int lws;
	unsigned bit;
	const char *name;
} methods[] = {
	{ LWSHUMETH_GET, SRV_GET, "GET" },
	{ LWSHUMETH_HEAD, SRV_HEAD, "HEAD" },
	{ LWSHUMETH_POST, SRV_POST, "POST" },
	{ LWSHUMETH_PUT, SRV_PUT, "PUT" },
	{ LWSHUMETH_PATCH, SRV_PATCH, "PATCH" },
	{ LWSHUMETH_DELETE, SRV_DELETE, "DELETE" },
	{ LWSHUMETH_OPTIONS, SRV_OPTIONS, "OPTIONS" },
};
#define NMETHODS (sizeof methods / sizeof methods[0])

const char *srv_request_arg(const srv_request_t *req, const char *name)
{
	for (size_t i = 0; i < req->nargs; i++)
		if (!strcmp(req->args[i].name, name))
			return req->args[i].value;
	return NULL;
}

char *srv_request_header(const srv_request_t *req, const char *name)
{
	struct lws *wsi = req->impl;
	char *colon, *v = NULL;
	int n;

	/* lws keeps the headers it knows apart: the custom lookup misses them */
	if (!strcmp(name, "authorization")) {
		n = lws_hdr_total_length(wsi, WSI_TOKEN_HTTP_AUTHORIZATION);
		if (n <= 0)
			return NULL;
		v = xmalloc((size_t)n + 1);
		if (lws_hdr_copy(wsi, v, n + 1, WSI_TOKEN_HTTP_AUTHORIZATION) < 0) {
			free(v);
			v = NULL;
		}
		return v;
	}
	colon = xasprintf("%s:", name);
	n = lws_hdr_custom_length(wsi, colon, (int)strlen(colon));

	if (n >= 0) {
		v = xmalloc((size_t)n + 1);
		if (lws_hdr_custom_copy(wsi, v, n + 1, colon, (int)strlen(colon)) < 0) {
			free(v);
			v = NULL;
		}
	}
	free(colon);
	return v;
}

void srv_respond(srv_response_t *resp, int status, const char *content_type, const char *body, size_t len)
{
	resp->status = status;
	resp->content_type = content_type;
	resp->body.len = 0;
	sb_add(&resp->body, body, len);
}

void srv_respond_text(srv_response_t *resp, int status, const char *fmt, ...)
{
	va_list ap;

	resp->status = status;
	resp->content_type = "text/plain; charset=utf-8";
	resp->body.len = 0;
	va_start(ap, fmt);
	sb_vprintf(&resp->body, fmt, ap);
	va_end(ap);
}

void srv_respond_json(srv_response_t *resp, int status, json_t *doc)
{
	char *s = json_dumps(doc, JSON_COMPACT);

	if (!s) {
		/* jansson only fails here when out of memory. */
		fprintf(stderr, "icnsim: cannot serialise JSON\n");
		abort();
	}
	resp->status = status;
	resp->content_type = "application/json";
	resp->body.len = 0;
	sb_puts(&resp->body, s);
	sb_puts(&resp->body, "\n");
	free(s);
	json_decref(doc);
}

srv_t *srv_new(void)
{
	return xcalloc(1, sizeof(srv_t));
}

void srv_route(srv_t *s, unsigned methods_mask, const char *path, srv_handler_fn handler, void *user)
{
	s->routes = xgrow(s->routes, &s->cap, s->nroutes + 1, sizeof *s->routes);
	s->routes[s->nroutes++] = (route_t){ methods_mask, xstrdup(path), handler, user };
}

static bool route_matches(const route_t *r, const char *path, const char **rest)
{
	size_t n = strlen(r->path);

	if (n && r->path[n - 1] == '/') {
		if (strncmp(path, r->path, n))
			return false;
		*rest = path + n;
		return true;
	}
	if (strcmp(path, r->path))
		return false;
	*rest = "";
	return true;
}

static char *methods_list(unsigned mask)
{
	strbuf_t b;

	sb_init(&b);
	for (size_t i = 0; i < NMETHODS; i++)
		if (mask & methods[i].bit)
			sb_printf(&b, "%s%s", b.len ? ", " : "", methods[i].name);
	return sb_steal(&b);
}

static void dispatch(srv_t *s, srv_request_t *req, srv_response_t *resp)
{
	unsigned allowed = 0;

	for (size_t i = 0; i < s->nroutes; i++) {
		const route_t *r = &s->routes[i];
		const char *rest;
		unsigned m = r->methods;

		if (!route_matches(r, req->path, &rest))
			continue;
		if (m & SRV_GET)
			m |= SRV_HEAD;
		if (m & req->method) {
			req->rest = rest;
			r->handler(req, resp, r->user);
			return;
		}
		allowed |= m;
	}
	if (allowed) {
		srv_respond_text(resp, 405, "method not allowed\n");
		free(resp->allow);
		resp->allow = methods_list(allowed);
	} else {
		srv_respond_text(resp, 404, "404 page not found\n");
	}
}

static void conn_reset(conn_t *c)
{
	free(c->path);
	for (size_t i = 0; i < c->nargs; i++) {
		free(c->args[i].name);
		free(c->args[i].value);
	}
	free(c->args);
	sb_free(&c->body);
	sb_free(&c->resp.body);
	free(c->resp.allow);
	memset(c, 0, sizeof *c);
}

static void conn_begin(conn_t *c, struct lws *wsi, const char *path, size_t len)
{
	char *uri;
	int ulen, m = lws_http_get_uri_and_method(wsi, &uri, &ulen);

	conn_reset(c);
	for (size_t i = 0; i < NMETHODS; i++)
		if (methods[i].lws == m)
			c->method = methods[i].bit;
	c->path = xstrndup(path, len);
	sb_init(&c->body);
	sb_init(&c->resp.body);
	for (int i = 0;; i++) {
		int n = lws_hdr_fragment_length(wsi, WSI_TOKEN_HTTP_URI_ARGS, i);
		char *frag, *eq;

		if (n <= 0)
			break;
		frag = xmalloc((size_t)n + 1);
		if (lws_hdr_copy_fragment(wsi, frag, n + 1, WSI_TOKEN_HTTP_URI_ARGS, i) < 0) {
			free(frag);
			break;
		}
		c->args = xrealloc(c->args, (c->nargs + 1) * sizeof *c->args);
		eq = strchr(frag, '=');
		c->args[c->nargs].name = eq ? xstrndup(frag, (size_t)(eq - frag)) : xstrdup(frag);
		c->args[c->nargs].value = xstrdup(eq ? eq + 1 : "");
		c->nargs++;
		free(frag);
	}
}

/* A request header's value (NULL when absent), copied out of lws's header table. */
static char *hdr_dup(struct lws *wsi, enum lws_token_indexes tok)
{
	int n = lws_hdr_total_length(wsi, tok);
	char *v;

	if (n <= 0)
		return NULL;
	v = xmalloc((size_t)n + 1);
	if (lws_hdr_copy(wsi, v, n + 1, tok) < 0) {
		free(v);
		return NULL;
	}
	return v;
}

/* A Content-Length value: digits only (optional whitespace around), no overflow. */
static bool parse_length(const char *v, unsigned long long *out)
{
	unsigned long long n = 0;
	bool digits = false;

	while (*v == ' ' || *v == '\t')
		v++;
	for (; *v >= '0' && *v <= '9'; v++) {
		if (n > (~0ull - 9) / 10)
			return false;
		n = n * 10 + (unsigned)(*v - '0');
		digits = true;
	}
	while (*v == ' ' || *v == '\t')
		v++;
	*out = n;
	return digits && !*v;
}

static void body_add(conn_t *c, const char *data, size_t len)
{
	if (c->body_too_big || c->body.len + len > BODY_MAX) {
		c->body_too_big = true;
		return;
	}
	sb_add(&c->body, data, len);
}

static int conn_respond(srv_t *s, conn_t *c, struct lws *wsi);

/* Answers a malformed request with `status`; its connection is then closed,
 * as what follows on it cannot be framed. */
static int conn_reject(srv_t *s, conn_t *c, struct lws *wsi, int status, const char *msg)
{
	srv_respond_text(&c->resp, status, "%s\n", msg);
	c->rejected = true;
	c->close_after = true;
	return conn_respond(s, c, wsi);
}

/*
 * Decides, at LWS_CALLBACK_HTTP, how the request's body is framed (RFC 9112
 * section 6.3) and so when the request is complete: now, at
 * HTTP_BODY_COMPLETION, or at the end of a chunked body decoded here.
 *
 * What lws 4.1 does, and why each case is handled as it is:
 *  - Content-Length: N > 0: HTTP_BODY for the N bytes, then BODY_COMPLETION.
 *  - Content-Length: 0 on a POST: lws calls HTTP_BODY (NULL, 0) and
 *    BODY_COMPLETION itself, right after LWS_CALLBACK_HTTP returns. Any
 *    other method with Content-Length: 0 gets neither. The request is
 *    answered here either way; those late events find the connection past
 *    PH_BODY and are ignored (answering from them as well sent the headers
 *    twice).
 *  - POST, PUT or PATCH without Content-Length: HTTP says there is no body,
 *    but lws assumes one of up to 100 MB, never ends it, and after the
 *    response swallows the next request on the connection as that body. So
 *    the answer goes out now with Connection: close, and the connection ends.
 *  - Transfer-Encoding: chunked: lws 4.1 does not decode it. On POST, PUT and
 *    PATCH it hands the raw framing to HTTP_BODY (under the same 100 MB
 *    assumption, so this connection ends too); on other methods it would
 *    parse the body as the next request, so those are refused with 411.
 */
static int request_start(srv_t *s, conn_t *c, struct lws *wsi)
{
	const unsigned lws_assumes_body = SRV_POST | SRV_PUT | SRV_PATCH;
	char *tev = hdr_dup(wsi, WSI_TOKEN_HTTP_TRANSFER_ENCODING);
	char *clv = hdr_dup(wsi, WSI_TOKEN_HTTP_CONTENT_LENGTH);
	unsigned long long len = 0;
	bool te = tev != NULL, te_chunked = te && !strcasecmp(tev, "chunked");
	bool cl = clv != NULL, cl_ok = cl && parse_length(clv, &len);

	free(tev);
	free(clv);
	if (te && !te_chunked)
		return conn_reject(s, c, wsi, 501, "only the chunked transfer coding is implemented");
	if (te && cl)
		return conn_reject(s, c, wsi, 400, "both Transfer-Encoding and Content-Length");
	if (cl && !cl_ok)
		return conn_reject(s, c, wsi, 400, "malformed Content-Length");
	if (te) {
		if (!(c->method & lws_assumes_body))
			return conn_reject(s, c, wsi, 411, "a chunked body is accepted on POST, PUT and PATCH only");
		c->chunked = true;
		c->close_after = true;
		c->phase = PH_BODY;
		return 0;
	}
	if (len) {
		c->phase = PH_BODY; /* answered at LWS_CALLBACK_HTTP_BODY_COMPLETION */
		return 0;
	}
	if (!cl && (c->method & lws_assumes_body))
		c->close_after = true;
	return conn_respond(s, c, wsi);
}

static int hexval(unsigned char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Feeds raw Transfer-Encoding: chunked bytes; answers once the last chunk
 * and the trailer section are in. Anything after that on the connection is
 * dropped with it (close_after). */
static int conn_dechunk(srv_t *s, conn_t *c, struct lws *wsi, const unsigned char *in, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = in[i];
		int h;

		switch (c->ck) {
		case CK_SIZE:
			if ((h = hexval(ch)) >= 0) {
				if (c->ck_left > (SIZE_MAX >> 4))
					goto bad;
				c->ck_left = c->ck_left << 4 | (size_t)h;
				c->ck_digits = true;
				break;
			}
			if (!c->ck_digits)
				goto bad;
			if (ch == ';' || ch == ' ' || ch == '\t')
				c->ck = CK_EXT;
			else if (ch == '\r')
				c->ck = CK_SIZE_LF;
			else
				goto bad;
			break;
		case CK_EXT:
			if (ch == '\r')
				c->ck = CK_SIZE_LF;
			break;
		case CK_SIZE_LF:
			if (ch != '\n')
				goto bad;
			c->ck = c->ck_left ? CK_DATA : CK_TRAILER;
			break;
		case CK_DATA: {
			size_t n = len - i < c->ck_left ? len - i : c->ck_left;

			body_add(c, (const char *)in + i, n);
			c->ck_left -= n;
			i += n - 1;
			if (!c->ck_left)
				c->ck = CK_DATA_CR;
			break;
		}
		case CK_DATA_CR:
			if (ch != '\r')
				goto bad;
			c->ck = CK_DATA_LF;
			break;
		case CK_DATA_LF:
			if (ch != '\n')
				goto bad;
			c->ck = CK_SIZE;
			c->ck_digits = false;
			break;
		case CK_TRAILER:
			c->ck = ch == '\r' ? CK_FINAL_LF : CK_TRAILER_LINE;
			break;
		case CK_TRAILER_LINE:
			if (ch == '\r')
				c->ck = CK_TRAILER_LF;
			break;
		case CK_TRAILER_LF:
			if (ch != '\n')
				goto bad;
			c->ck = CK_TRAILER;
			break;
		case CK_FINAL_LF:
			if (ch != '\n')
				goto bad;
			return conn_respond(s, c, wsi);
		}
	}
	return 0;
bad:
	return conn_reject(s, c, wsi, 400, "malformed chunked body");
}

static int conn_respond(srv_t *s, conn_t *c, struct lws *wsi)
{
	/* Our own headers only: a fixed buffer is bounded by what we add. */
	unsigned char buf[LWS_PRE + 1024], *start = buf + LWS_PRE, *p = start, *end = buf + sizeof buf - 1;
	srv_request_t req = {
		.method = c->method,
		.path = c->path,
		.rest = "",
		.args = c->args,
		.nargs = c->nargs,
		.body = c->body.s ? c->body.s : "",
		.body_len = c->body.len,
		.impl = wsi,
	};

	c->phase = PH_ANSWERED;
	if (c->rejected)
		; /* the response is already there */
	else if (c->body_too_big)
		srv_respond_text(&c->resp, 413, "request body larger than %u bytes\n", BODY_MAX);
	else if (!c->method)
		srv_respond_text(&c->resp, 501, "method not implemented\n");
	else
		dispatch(s, &req, &c->resp);
	if (lws_add_http_common_headers(wsi, (unsigned)c->resp.status, c->resp.content_type,
					(lws_filepos_t)c->resp.body.len, &p, end))
		return 1;
	if (c->resp.allow &&
	    lws_add_http_header_by_name(wsi, (const unsigned char *)"allow:", (const unsigned char *)c->resp.allow,
					(int)strlen(c->resp.allow), &p, end))
		return 1;
	if (c->close_after &&
	    lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION, (const unsigned char *)"close", 5, &p, end))
		return 1;
	if (lws_finalize_write_http_header(wsi, start, &p, end))
		return 1;
	lws_callback_on_writable(wsi);
	return 0;
}

static int conn_write(conn_t *c, struct lws *wsi)
{
	unsigned char buf[LWS_PRE + CHUNK];
	size_t left;

	if (c->phase == PH_CLOSING)
		return -1; /* lws only calls back once what we wrote is flushed */
	if (c->phase != PH_ANSWERED)
		return 0;
	left = c->resp.body.len - c->sent;
	if (c->method == SRV_HEAD)
		left = 0;
	if (left) {
		size_t n = left < CHUNK ? left : CHUNK;
		memcpy(buf + LWS_PRE, c->resp.body.s + c->sent, n);
		if (lws_write(wsi, buf + LWS_PRE, n, n == left ? LWS_WRITE_HTTP_FINAL : LWS_WRITE_HTTP) < (int)n)
			return -1;
		c->sent += n;
		if (n < left) {
			lws_callback_on_writable(wsi);
			return 0;
		}
	}
	if (c->close_after) {
		conn_reset(c);
		c->phase = PH_CLOSING;
		lws_callback_on_writable(wsi);
		return 0;
	}
	conn_reset(c);
	return lws_http_transaction_completed(wsi) ? -1 : 0;
}

void srv_ws_route(srv_t *s, const char *path, const srv_ws_handler_t *h, void *user)
{
	s->ws = xgrow(s->ws, &s->wscap, s->nws + 1, sizeof *s->ws);
	s->ws[s->nws++] = (ws_route_t){ xstrdup(path), h, user };
}

static const ws_route_t *ws_find(srv_t *s, struct lws *wsi, char **path)
{
	char *p = hdr_dup(wsi, WSI_TOKEN_GET_URI);

	*path = p;
	if (p)
		for (size_t i = 0; i < s->nws; i++)
			if (!strcmp(s->ws[i].path, p))
				return &s->ws[i];
	return NULL;
}

static srv_request_t ws_request(conn_t *c, struct lws *wsi)
{
	return (srv_request_t){
		.method = SRV_GET, .path = c->path, .rest = "", .args = c->args, .nargs = c->nargs,
		.body = "", .body_len = 0, .impl = wsi,
	};
}

/* A plain-text answer before (instead of) the upgrade; the connection then ends. */
static void ws_refuse(struct lws *wsi, int status, const char *msg)
{
	unsigned char buf[LWS_PRE + 1024], *start = buf + LWS_PRE, *p = start, *end = buf + sizeof buf - 1;
	size_t n = strlen(msg);

	if (lws_add_http_common_headers(wsi, (unsigned)status, "text/plain; charset=utf-8", n, &p, end) ||
	    lws_add_http_header_by_token(wsi, WSI_TOKEN_CONNECTION, (const unsigned char *)"close", 5, &p, end) ||
	    lws_finalize_write_http_header(wsi, start, &p, end) || n >= sizeof buf - LWS_PRE)
		return;
	memcpy(start, msg, n);
	lws_write(wsi, start, n, LWS_WRITE_HTTP_FINAL);
}

/* Before the upgrade: unknown paths get a 404, and the route may answer 400. */
static int ws_filter(srv_t *s, struct lws *wsi)
{
	char *path, *msg;
	const ws_route_t *r = ws_find(s, wsi, &path);
	conn_t tmp;
	srv_request_t req;

	if (!r) {
		free(path);
		ws_refuse(wsi, 404, "404 page not found\n");
		return 1;
	}
	memset(&tmp, 0, sizeof tmp);
	conn_begin(&tmp, wsi, path, strlen(path));
	free(path);
	req = ws_request(&tmp, wsi);
	int status = 400;
	msg = r->h->check ? r->h->check(&req, r->user, &status) : NULL;
	conn_reset(&tmp);
	if (msg) {
		ws_refuse(wsi, status, msg);
		free(msg);
		return 1;
	}
	return 0;
}

static int ws_established(srv_t *s, conn_t *c, struct lws *wsi)
{
	char *path;
	const ws_route_t *r = ws_find(s, wsi, &path);
	srv_request_t req;

	if (!r) {
		free(path);
		return -1;
	}
	conn_begin(c, wsi, path, strlen(path));
	free(path);
	req = ws_request(c, wsi);
	c->ws = r;
	c->session = r->h->open((srv_ws_t *)wsi, &req, r->user);
	return 0;
}

int srv_ws_send_text(srv_ws_t *ws, const char *text, size_t len)
{
	unsigned char *buf = xmalloc(LWS_PRE + len + 1);
	int n;

	memcpy(buf + LWS_PRE, text, len);
	n = lws_write((struct lws *)ws, buf + LWS_PRE, len, LWS_WRITE_TEXT);
	free(buf);
	return n < (int)len ? -1 : 0;
}

int srv_ws_ping(srv_ws_t *ws)
{
	unsigned char buf[LWS_PRE + 1];

	return lws_write((struct lws *)ws, buf + LWS_PRE, 0, LWS_WRITE_PING) < 0 ? -1 : 0;
}

void srv_ws_want_write(srv_ws_t *ws)
{
	lws_callback_on_writable((struct lws *)ws);
}

int srv_ws_send_close(srv_ws_t *ws, int code, const char *reason)
{
	/* Written here rather than left to lws_close_reason(): with lws 4.1 on
	 * libuv that close frame did not reach the client before the hang-up. */
	unsigned char buf[LWS_PRE + 2 + 123];
	size_t n = strlen(reason);

	if (n > 123)
		n = 123; /* a control frame's payload is at most 125 bytes */
	buf[LWS_PRE] = (unsigned char)(code >> 8);
	buf[LWS_PRE + 1] = (unsigned char)code;
	memcpy(buf + LWS_PRE + 2, reason, n);
	/* lws-write.h leaves opcode 4 out ("handled by lws_close_reason()");
	 * lws's own close path writes it with this value. */
	return lws_write((struct lws *)ws, buf + LWS_PRE, n + 2, (enum lws_write_protocol)4) < 0 ? -1 : 0;
}

void srv_ws_drop(srv_ws_t *ws)
{
	int fd = lws_get_socket_fd((struct lws *)ws);

	if (fd >= 0)
		shutdown(fd, SHUT_RDWR);
	lws_callback_on_writable((struct lws *)ws);
}

static int srv_callback(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in, size_t len)
{
	conn_t *c = user;
	srv_t *s = lws_vhost_user(lws_get_vhost(wsi));

	switch (reason) {
	case LWS_CALLBACK_HTTP:
		conn_begin(c, wsi, in, len);
		return request_start(s, c, wsi);
	case LWS_CALLBACK_HTTP_BODY:
		if (c->phase != PH_BODY || !len)
			return 0;
		if (c->chunked)
			return conn_dechunk(s, c, wsi, in, len);
		body_add(c, in, len);
		return 0;
	case LWS_CALLBACK_HTTP_BODY_COMPLETION:
		if (c->phase != PH_BODY || c->chunked)
			return 0; /* see request_start */
		return conn_respond(s, c, wsi);
	case LWS_CALLBACK_HTTP_WRITEABLE:
		return conn_write(c, wsi);
	case LWS_CALLBACK_CLOSED_HTTP:
	case LWS_CALLBACK_HTTP_DROP_PROTOCOL:
		if (c && !c->ws)
			conn_reset(c);
		return 0;
	case LWS_CALLBACK_FILTER_PROTOCOL_CONNECTION:
		return ws_filter(s, wsi);
	case LWS_CALLBACK_ESTABLISHED:
		return ws_established(s, c, wsi);
	case LWS_CALLBACK_SERVER_WRITEABLE:
		if (!c || !c->ws)
			return 0;
		return c->ws->h->writable((srv_ws_t *)wsi, c->session, c->ws->user) < 0 ? -1 : 0;
	case LWS_CALLBACK_RECEIVE:
		return 0; /* what clients send is read and dropped, as Loki does */
	case LWS_CALLBACK_CLOSED:
		if (c && c->ws) {
			c->ws->h->closed(c->session, c->ws->user);
			c->ws = NULL;
			conn_reset(c);
		}
		return 0;
	default:
		break;
	}
	return lws_callback_http_dummy(wsi, reason, user, in, len);
}

static const struct lws_protocols protocols[] = {
	{ "http", srv_callback, sizeof(conn_t), 0, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 },
};

void srv_set_tls(srv_t *s, const char *cert, const char *key, const char *client_ca)
{
	free(s->tls_cert);
	free(s->tls_key);
	free(s->tls_client_ca);
	s->tls_cert = cert ? xstrdup(cert) : NULL;
	s->tls_key = key ? xstrdup(key) : NULL;
	s->tls_client_ca = client_ca ? xstrdup(client_ca) : NULL;
}

int srv_listen(srv_t *s, uv_loop_t *loop, const char *host, int port, char **err)
{
	struct lws_context_creation_info info;
	void *loops[1] = { loop };

	/* lws logs to stderr; keep only its errors so icnsim's own output stays readable. */
	lws_set_log_level(LLL_ERR, NULL);
	memset(&info, 0, sizeof info);
	info.options = LWS_SERVER_OPTION_LIBUV | LWS_SERVER_OPTION_EXPLICIT_VHOSTS |
		       LWS_SERVER_OPTION_DISABLE_IPV6 | LWS_SERVER_OPTION_UV_NO_SIGSEGV_SIGFPE_SPIN;
	if (s->tls_cert)
		info.options |= LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	info.foreign_loops = loops;
	info.server_string = "icnsim";
	info.pcontext = &s->ctx; /* lws writes NULL here once fully destroyed */
	s->ctx = lws_create_context(&info);
	if (!s->ctx) {
		*err = xstrdup("cannot create the libwebsockets context (is libwebsockets-evlib-uv installed?)");
		return -1;
	}
	info.vhost_name = "icnsim";
	info.iface = host;
	info.port = port;
	info.protocols = protocols;
	info.user = s;
	if (s->tls_cert) {
		info.ssl_cert_filepath = s->tls_cert;
		info.ssl_private_key_filepath = s->tls_key;
		/* lws' custom header lookup (X-Scope-OrgID) knows HTTP/1 only: no h2 */
		info.alpn = "http/1.1";
		if (s->tls_client_ca) {
			info.ssl_ca_filepath = s->tls_client_ca;
			info.options |= LWS_SERVER_OPTION_REQUIRE_VALID_OPENSSL_CLIENT_CERT;
		}
	}
	s->vh = lws_create_vhost(s->ctx, &info);
	if (!s->vh) {
		*err = xasprintf("cannot listen on %s:%d", host, port);
		return -1;
	}
	s->port = lws_get_vhost_listen_port(s->vh);
	return 0;
}

int srv_port(const srv_t *s)
{
	return s->port;
}

bool srv_close(srv_t *s)
{
	if (!s || !s->ctx)
		return false;
	s->vh = NULL;
	/* On a foreign loop lws destroys in stages: the first call closes its
	 * uv handles, which needs the loop to run; a later call frees the rest. */
	lws_context_destroy(s->ctx);
	return s->ctx != NULL;
}

void srv_free(srv_t *s)
{
	if (!s)
		return;
	if (s->ctx)
		lws_context_destroy(s->ctx);
	for (size_t i = 0; i < s->nroutes; i++)
		free(s->routes[i].path);
	free(s->routes);
	for (size_t i = 0; i < s->nws; i++)
		free(s->ws[i].path);
	free(s->ws);
	srv_set_tls(s, NULL, NULL, NULL);
	free(s);
}
