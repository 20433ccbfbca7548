/* A websocket client on the console's libuv loop.
 *
 * libwebsockets 4.1 runs on the caller's loop (LWS_SERVER_OPTION_LIBUV with
 * foreign_loops), as icnsim's server does, so the tail of Loki lives on the
 * same loop as curl, the keys and the paint. Its log goes to the console's
 * debug log, never to stderr (the screen). Each connection is ours (ws_conn_t)
 * and its wsi is lws'; the one place a connection is freed is
 * LWS_CALLBACK_WSI_DESTROY, and the user hears of its end exactly once, at
 * the first of CLIENT_CLOSED, CLIENT_CONNECTION_ERROR and WSI_DESTROY. */
#include "config.h"
#include "core/ws.h"
#include "core/log.h"
#include "core/xalloc.h"
#include <libwebsockets.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define WS_MAX_MESSAGE_DEFAULT ((size_t)16 << 20)

struct ws_conn {
	ws_client_t *c;
	struct lws *wsi;
	ws_cbs_t cbs;
	void *ud;
	char **headers;       /* "Name:" and value, in pairs, NULL-terminated */
	strbuf_t msg;         /* the message being received */
	size_t max_message;
	int peer_code;        /* the peer's close code, 0 none yet */
	char *peer_reason;
	int ended;            /* on_close was called (or must never be: closed by us) */
	int established;      /* the upgrade was answered: a websocket now (a close frame can be sent) */
	int want_ping;        /* a PING to send when writable */
	uint64_t last_rx;     /* uv_now of the last frame (a message's part, a pong) */
	unsigned pongs;       /* PONGs received: the peer answers pings */
	int too_big;
	char *proxy_name;     /* "host:port" of the proxy it goes through, NULL none */
	struct ws_conn *prev, *next;
};

/* How the connections under one base URL go: TLS options and a proxy. */
typedef struct route {
	char *base;   /* after "://" */
	char *ca_file, *cert_file, *key_file, *server_name;
	int insecure;
	char *proxy;      /* lws' form: "[user:pass@]host" (secret: zeroed), NULL none */
	unsigned proxy_port;
	char *proxy_name; /* "host:port", for messages */
	char *proxy_bad;  /* why the proxy-url cannot be used, NULL when it can */
	struct route *next;
} route_t;

/* One lws vhost per set of CA and client certificate files and proxy: lws
 * keeps a client's SSL_CTX (and so its trust and certificate) and its proxy
 * per vhost. Freed with the context. */
typedef struct tls_vhost {
	char *ca_file, *cert_file, *key_file, *proxy;
	unsigned proxy_port;
	struct lws_vhost *vh;
	struct tls_vhost *next;
} tls_vhost_t;

struct ws_client {
	uv_loop_t *loop;
	struct lws_context *ctx;
	route_t *routes;
	tls_vhost_t *vhosts;
	unsigned n_vhosts;
	ws_conn_t *conns;
	size_t n;
	int dying;
};

static void conn_unlink(ws_conn_t *w)
{
	ws_client_t *c = w->c;
	if (w->prev)
		w->prev->next = w->next;
	else if (c->conns == w)
		c->conns = w->next;
	if (w->next)
		w->next->prev = w->prev;
	w->prev = w->next = NULL;
	c->n--;
}

static void conn_free(ws_conn_t *w)
{
	for (size_t i = 0; w->headers && w->headers[i]; i++)
		free(w->headers[i]);
	free(w->headers);
	sb_free(&w->msg);
	free(w->peer_reason);
	free(w->proxy_name);
	free(w);
}

/* Tell the user of the end, once. */
static void end(ws_conn_t *w, int code, const char *reason)
{
	if (w->ended || w->c->dying)
		return;
	w->ended = 1;
	if (w->cbs.on_close)
		w->cbs.on_close(w, code, reason ? reason : "", w->ud);
}

static int on_lws(struct lws *wsi, enum lws_callback_reasons reason, void *user, void *in,
		  size_t len)
{
	(void)user;
	ws_conn_t *w = lws_get_opaque_user_data(wsi);
	switch (reason) {
	case LWS_CALLBACK_CLIENT_APPEND_HANDSHAKE_HEADER: {
		if (!w)
			break;
		unsigned char **p = (unsigned char **)in, *e = *p + len;
		for (size_t i = 0; w->headers && w->headers[i]; i += 2) {
			const char *v = w->headers[i + 1];
			if (lws_add_http_header_by_name(wsi, (const unsigned char *)w->headers[i],
							(const unsigned char *)v, (int)strlen(v), p, e))
				return -1;
		}
		break;
	}
	case LWS_CALLBACK_CLIENT_ESTABLISHED:
		if (w) {
			w->established = 1;
			w->last_rx = uv_now(w->c->loop);
		}
		if (w && !w->ended && !w->c->dying && w->cbs.on_open)
			w->cbs.on_open(w, w->ud);
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE_PONG:
		if (w) {
			w->last_rx = uv_now(w->c->loop);
			w->pongs++;
		}
		break;
	case LWS_CALLBACK_CLIENT_WRITEABLE:
		if (w && w->want_ping && !w->ended) {
			unsigned char buf[LWS_PRE + 4];
			w->want_ping = 0;
			if (lws_write(wsi, buf + LWS_PRE, 0, LWS_WRITE_PING) < 0)
				return -1;
		}
		break;
	case LWS_CALLBACK_CLIENT_RECEIVE:
		if (!w || w->ended)
			return -1;
		w->last_rx = uv_now(w->c->loop);
		if (len > w->max_message - w->msg.len) {
			w->too_big = 1;
			lws_close_reason(wsi, LWS_CLOSE_STATUS_MESSAGE_TOO_LARGE,
					 (unsigned char *)"message too big", 15);
			return -1;
		}
		sb_add(&w->msg, in, len);
		if (lws_is_final_fragment(wsi) && !lws_remaining_packet_payload(wsi)) {
			if (w->cbs.on_message && !w->c->dying)
				w->cbs.on_message(w, w->msg.s ? w->msg.s : "", w->msg.len, w->ud);
			w->msg.len = 0;
			if (w->msg.s)
				w->msg.s[0] = '\0';
			if (w->ended) /* closed by its own callback */
				return -1;
		}
		break;
	case LWS_CALLBACK_WS_PEER_INITIATED_CLOSE:
		if (w && len >= 2) {
			const unsigned char *b = in;
			w->peer_code = (b[0] << 8) | b[1];
			free(w->peer_reason);
			w->peer_reason = xstrndup((const char *)b + 2, len - 2);
		} else if (w) {
			w->peer_code = 1005; /* a close frame without a code */
		}
		return 0; /* lws echoes the close */
	case LWS_CALLBACK_CLIENT_CONNECTION_ERROR: {
		if (!w)
			break;
		unsigned int status = lws_http_client_http_response(wsi);
		char *why;
		if (status && status != 101)
			why = xasprintf("the server refused the websocket: HTTP %u", status);
		else
			why = xasprintf("%.*s", in ? (int)len : 0, in ? (const char *)in : "");
		if (!*why) {
			free(why);
			why = xstrdup("could not connect");
		}
		if (w->proxy_name && !status && !w->established) {
			/* lws says "proxy not h1" when the proxy answers the CONNECT
			 * with an error, "closed before established" when it cannot
			 * connect to the proxy (or the proxy hung up) */
			char *p = xasprintf("proxy %s: %s", w->proxy_name,
					    strstr(why, "proxy not h1") ? "it refused the CONNECT"
					    : strstr(why, "before established")
						    ? "could not connect (or it closed the connection)"
						    : why);
			free(why);
			why = p;
		}
		end(w, WS_CLOSE_NO_CONNECT, why);
		free(why);
		break;
	}
	case LWS_CALLBACK_CLIENT_CLOSED:
		if (w) {
			if (w->too_big)
				end(w, WS_CLOSE_TOO_BIG, "a message over the size limit");
			else if (w->peer_code)
				end(w, w->peer_code, w->peer_reason);
			else
				end(w, WS_CLOSE_ABNORMAL, "the connection dropped");
		}
		break;
	case LWS_CALLBACK_WSI_DESTROY:
		if (w) {
			end(w, WS_CLOSE_ABNORMAL, "the connection dropped");
			lws_set_opaque_user_data(wsi, NULL);
			conn_unlink(w);
			conn_free(w);
		}
		break;
	default:
		break;
	}
	return 0;
}

static const struct lws_protocols protocols[] = {
	{ "icn-ws", on_lws, 0, 65536, 0, NULL, 0 },
	{ NULL, NULL, 0, 0, 0, NULL, 0 },
};

/* libwebsockets' own log goes to the debug log: stderr is the screen */
static void lws_to_log(int level, const char *line)
{
	(void)level;
	size_t n = strlen(line);
	while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
		n--;
	log_msg("libwebsockets: %.*s", (int)n, line);
}

ws_client_t *ws_client_new(uv_loop_t *loop, char **err)
{
	struct lws_context_creation_info info;
	void *loops[1] = { loop };
	ws_client_t *c = xcalloc(1, sizeof *c);
	c->loop = loop;
	/* ICN_WS_DEBUG=1: all of lws' chatter into the debug log (--log FILE) */
	lws_set_log_level(getenv("ICN_WS_DEBUG") ? 0x3f : (LLL_ERR | LLL_WARN), lws_to_log);
	memset(&info, 0, sizeof info);
	info.options = LWS_SERVER_OPTION_LIBUV | LWS_SERVER_OPTION_UV_NO_SIGSEGV_SIGFPE_SPIN |
		       LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	info.foreign_loops = loops;
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.pcontext = &c->ctx; /* lws writes NULL here once fully destroyed */
	c->ctx = lws_create_context(&info);
	if (!c->ctx) {
		if (err)
			*err = xstrdup("cannot create the libwebsockets context "
				       "(is libwebsockets-evlib-uv installed?)");
		free(c);
		return NULL;
	}
	return c;
}

void ws_client_close(ws_client_t *c)
{
	if (!c || c->dying)
		return;
	c->dying = 1; /* no callback of any connection runs from here on */
	if (c->ctx)
		lws_context_destroy(c->ctx); /* closes the wsis: WSI_DESTROY frees ours */
}

static void route_free(route_t *t)
{
	free(t->base);
	free(t->ca_file);
	free(t->cert_file);
	free(t->key_file);
	free(t->server_name);
	secret_free(t->proxy);
	free(t->proxy_name);
	free(t->proxy_bad);
	free(t);
}

static const char *past_scheme(const char *url)
{
	const char *p = strstr(url, "://");
	return p ? p + 3 : url;
}

static char *dup0(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

/* "http://[user:pass@]host[:port][/]" into lws' address ("[user:pass@]host")
 * and port; else why not. */
static void route_proxy(route_t *t, const char *url)
{
	const char *p = strstr(url, "://");
	if (!p || (size_t)(p - url) != 4 || strncasecmp(url, "http", 4)) {
		t->proxy_bad = xasprintf("the live tail cannot go through a %.*s proxy (libwebsockets "
					 "reaches http:// proxies only): give the loki backend an "
					 "http:// proxy-url", p ? (int)(p - url + 3) : 0, url);
		return;
	}
	p += 3;
	const char *end = p + strcspn(p, "/?#");
	const char *at = NULL;
	for (const char *q = p; q < end; q++)
		if (*q == '@')
			at = q;
	const char *host = at ? at + 1 : p, *he, *port = NULL;
	if (*host == '[') {
		he = memchr(host, ']', (size_t)(end - host));
		he = he ? he + 1 : end;
	} else {
		he = memchr(host, ':', (size_t)(end - host));
		he = he ? he : end;
	}
	if (he < end && *he == ':')
		port = he + 1;
	long v = 1080;
	if (port) {
		char *e;
		v = strtol(port, &e, 10);
		if (e != end || v <= 0 || v > 65535)
			v = -1;
	}
	if (he == host || v < 0) {
		t->proxy_bad = xstrdup("the loki backend's proxy-url has no usable host and port");
		return;
	}
	t->proxy = xasprintf("%.*s", (int)(he - p), p);
	t->proxy_port = (unsigned)v;
	t->proxy_name = xasprintf("%.*s:%ld", (int)(he - host), host, v);
}

void ws_client_set_route(ws_client_t *c, const char *base_url, const ws_route_t *r)
{
	if (!c)
		return;
	route_t **pp = &c->routes;
	while (*pp) {
		route_t *t = *pp;
		if (!base_url || !strcmp(t->base, past_scheme(base_url))) {
			*pp = t->next;
			route_free(t);
		} else {
			pp = &t->next;
		}
	}
	if (!base_url || !r)
		return;
	route_t *t = xcalloc(1, sizeof *t);
	t->base = xstrdup(past_scheme(base_url));
	t->ca_file = dup0(r->ca_file);
	t->cert_file = dup0(r->cert_file);
	t->key_file = dup0(r->key_file);
	t->server_name = dup0(r->server_name);
	t->insecure = r->insecure_skip_verify;
	if (r->proxy_url && *r->proxy_url)
		route_proxy(t, r->proxy_url);
	t->next = c->routes;
	c->routes = t;
}

static const route_t *route_for(const ws_client_t *c, const char *url)
{
	const char *u = past_scheme(url);
	const route_t *best = NULL;
	size_t best_len = 0;
	for (const route_t *t = c->routes; t; t = t->next) {
		size_t n = strlen(t->base);
		if (n >= best_len && !strncmp(u, t->base, n) && (!u[n] || u[n] == '/' || u[n] == '?')) {
			best = t;
			best_len = n;
		}
	}
	return best;
}

static int same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* The vhost whose client SSL_CTX trusts the CA and presents the certificate
 * of t (when tls), and that goes through t's proxy (made the first time);
 * NULL and *err when lws cannot load them. */
static struct lws_vhost *route_vhost(ws_client_t *c, const route_t *t, int tls, char **err)
{
	const char *ca = tls ? t->ca_file : NULL, *cert = tls ? t->cert_file : NULL,
		   *key = tls ? t->key_file : NULL;
	for (tls_vhost_t *v = c->vhosts; v; v = v->next)
		if (same(v->ca_file, ca) && same(v->cert_file, cert) && same(v->key_file, key) &&
		    same(v->proxy, t->proxy) && v->proxy_port == t->proxy_port)
			return v->vh;
	struct lws_context_creation_info info;
	char name[32];
	memset(&info, 0, sizeof info);
	snprintf(name, sizeof name, "icn-tls-%u", ++c->n_vhosts);
	info.vhost_name = name;
	info.port = CONTEXT_PORT_NO_LISTEN;
	info.protocols = protocols;
	info.options = LWS_SERVER_OPTION_DO_SSL_GLOBAL_INIT;
	info.client_ssl_ca_filepath = ca;
	info.client_ssl_cert_filepath = cert;
	info.client_ssl_private_key_filepath = key;
	/* lws would take the environment's http_proxy for a vhost without one */
	info.http_proxy_address = t->proxy;
	info.http_proxy_port = t->proxy_port;
	struct lws_vhost *vh = lws_create_vhost(c->ctx, &info);
	if (!vh) {
		*err = ca || cert ? xasprintf("TLS: cannot load%s%s%s%s (see the debug log)",
					      ca ? " the tls ca-file " : "", ca ? ca : "",
					      cert ? " the tls cert-file " : "", cert ? cert : "")
				  : xstrdup("cannot set up the proxy (see the debug log)");
		return NULL;
	}
	tls_vhost_t *v = xcalloc(1, sizeof *v);
	v->ca_file = dup0(ca);
	v->cert_file = dup0(cert);
	v->key_file = dup0(key);
	v->proxy = dup0(t->proxy);
	v->proxy_port = t->proxy_port;
	v->vh = vh;
	v->next = c->vhosts;
	c->vhosts = v;
	return vh;
}

void ws_client_free(ws_client_t *c)
{
	if (!c)
		return;
	ws_client_set_route(c, NULL, NULL);
	while (c->vhosts) {
		tls_vhost_t *v = c->vhosts;
		c->vhosts = v->next;
		free(v->ca_file);
		free(v->cert_file);
		free(v->key_file);
		secret_free(v->proxy);
		free(v);
	}
	ws_client_close(c);
	if (c->ctx)
		lws_context_destroy(c->ctx); /* the second stage: lws sets c->ctx NULL */
	while (c->conns) {
		ws_conn_t *w = c->conns;
		conn_unlink(w);
		conn_free(w);
	}
	free(c);
}

size_t ws_client_conns(const ws_client_t *c)
{
	return c ? c->n : 0;
}

/* "ws://host:port/path?q" (or http, wss, https) into its parts; -1 if not one. */
static int url_split(const char *url, int *tls, char **host, int *port, char **path)
{
	const char *p;
	if (!strncasecmp(url, "ws://", 5) || !strncasecmp(url, "http://", 7)) {
		*tls = 0;
		*port = 80;
	} else if (!strncasecmp(url, "wss://", 6) || !strncasecmp(url, "https://", 8)) {
		*tls = 1;
		*port = 443;
	} else {
		return -1;
	}
	p = strstr(url, "://") + 3;
	const char *hs = p, *he;
	if (*p == '[') { /* [v6]:port */
		he = strchr(p, ']');
		if (!he)
			return -1;
		hs = p + 1;
		p = he + 1;
	} else {
		while (*p && *p != ':' && *p != '/' && *p != '?')
			p++;
		he = p;
	}
	if (he == hs)
		return -1;
	if (*p == ':') {
		char *e;
		long v = strtol(p + 1, &e, 10);
		if (e == p + 1 || v <= 0 || v > 65535)
			return -1;
		*port = (int)v;
		p = e;
	}
	if (*p && *p != '/' && *p != '?')
		return -1;
	*host = xstrndup(hs, (size_t)(he - hs));
	*path = *p == '/' ? xstrdup(p) : xasprintf("/%s", p);
	return 0;
}

ws_conn_t *ws_connect(ws_client_t *c, const char *url, const char *const *headers,
		      size_t max_message, const ws_cbs_t *cbs, void *ud, char **err)
{
	int tls, port;
	char *host, *path;
	if (!c || !c->ctx || c->dying || !url || url_split(url, &tls, &host, &port, &path)) {
		if (err)
			*err = xasprintf("not a websocket URL: '%s'", url ? url : "");
		return NULL;
	}
	const route_t *rt = route_for(c, url);
	const route_t *topt = tls ? rt : NULL;
	struct lws_vhost *vh = NULL;
	if (rt && rt->proxy_bad) {
		if (err)
			*err = xstrdup(rt->proxy_bad);
		free(host);
		free(path);
		return NULL;
	}
	if (rt && ((topt && (topt->ca_file || topt->cert_file)) || rt->proxy)) {
		char *verr = NULL;
		if (!(vh = route_vhost(c, rt, tls, &verr))) {
			if (err)
				*err = verr;
			else
				free(verr);
			free(host);
			free(path);
			return NULL;
		}
	}
	ws_conn_t *w = xcalloc(1, sizeof *w);
	w->c = c;
	w->cbs = *cbs;
	w->ud = ud;
	w->max_message = max_message ? max_message : WS_MAX_MESSAGE_DEFAULT;
	w->proxy_name = rt ? dup0(rt->proxy_name) : NULL;
	sb_init(&w->msg);
	size_t n = 0;
	while (headers && headers[n])
		n++;
	w->headers = xcalloc(2 * n + 1, sizeof *w->headers);
	for (size_t i = 0, k = 0; i < n; i++) {
		const char *colon = strchr(headers[i], ':');
		if (!colon)
			continue;
		const char *v = colon + 1;
		while (*v == ' ')
			v++;
		w->headers[k++] = xstrndup(headers[i], (size_t)(colon - headers[i]) + 1); /* "Name:" */
		w->headers[k++] = xstrdup(v);
	}
	w->next = c->conns;
	if (c->conns)
		c->conns->prev = w;
	c->conns = w;
	c->n++;

	struct lws_client_connect_info ci;
	memset(&ci, 0, sizeof ci);
	ci.context = c->ctx;
	ci.address = host;
	ci.port = port;
	ci.ssl_connection = tls ? LCCSCF_USE_SSL : 0;
	ci.path = path;
	ci.host = host;
	ci.vhost = vh;
	if (topt) {
		if (topt->insecure)
			ci.ssl_connection |= LCCSCF_ALLOW_SELFSIGNED | LCCSCF_SKIP_SERVER_CERT_HOSTNAME_CHECK |
					     LCCSCF_ALLOW_EXPIRED | LCCSCF_ALLOW_INSECURE;
		if (topt->server_name)
			ci.host = topt->server_name; /* the Host header, SNI and the name checked */
	}
	ci.origin = host;
	ci.protocol = NULL; /* Loki's tail names no subprotocol */
	ci.local_protocol_name = protocols[0].name;
	ci.ietf_version_or_minus_one = -1;
	ci.opaque_user_data = w;
	ci.pwsi = &w->wsi;
	struct lws *wsi = lws_client_connect_via_info(&ci);
	free(host);
	free(path);
	if (!wsi) {
		/* lws may have reported CONNECTION_ERROR and destroyed it already;
		 * when it did not, the connection is still ours to end */
		for (ws_conn_t *x = c->conns; x; x = x->next)
			if (x == w) {
				end(w, WS_CLOSE_NO_CONNECT, "could not start the connection");
				conn_unlink(w);
				conn_free(w);
				break;
			}
		if (err)
			*err = xstrdup("could not start the connection");
		return NULL;
	}
	return w;
}

void ws_ping(ws_conn_t *w)
{
	if (!w || w->ended || !w->established || !w->wsi)
		return;
	w->want_ping = 1;
	lws_callback_on_writable(w->wsi);
}

uint64_t ws_last_rx(const ws_conn_t *w)
{
	return w ? w->last_rx : 0;
}

unsigned ws_pongs(const ws_conn_t *w)
{
	return w ? w->pongs : 0;
}

void ws_close(ws_conn_t *w)
{
	if (!w || w->ended)
		return;
	w->ended = 1; /* no callback from here on */
	if (w->wsi) {
		/* a close reason only on a websocket: lws asserts on one still
		 * connecting or upgrading (closed while connecting, as a new query does) */
		if (w->established)
			lws_close_reason(w->wsi, LWS_CLOSE_STATUS_NORMAL, NULL, 0);
		lws_set_timeout(w->wsi, PENDING_TIMEOUT_USER_REASON_BASE, LWS_TO_KILL_ASYNC);
	}
}
