/* The stand-in HTTP server the unit tests share: routes by path prefix, delays, hangs and hang-ups, on the test's loop. */
#include "config.h"
#include "standin.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "core/xalloc.h"

typedef struct {
	char *method, *target;
} logent_t;

typedef struct conn {
	uv_tcp_t tcp;
	uv_timer_t delay;     /* a late answer; initialised only when needed */
	int handles;          /* handles still open: the conn is freed when none is */
	standin_t *s;
	strbuf_t in;
	int done, closing, continued;
	/* the answer, fixed when the request came (a later change of the route
	 * does not alter an answer already under way) */
	int status;
	char *ctype, *body;
	struct conn *prev, *next;
} conn_t;

struct standin {
	uv_tcp_t listener;
	int port;
	conn_t *conns;
	standin_route_t **routes;
	size_t n_routes, cap_routes;
	standin_route_t unrouted;
	logent_t *log;
	size_t n_log, cap_log;
};

typedef struct {
	uv_write_t req;
	char *buf;
	int last;             /* the answer: the connection ends after it */
} wreq_t;

/* ---- routes -------------------------------------------------------------- */

static void set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = s ? xstrdup(s) : NULL;
}

void standin_answer(standin_route_t *r, int status, const char *ctype, const char *body)
{
	r->mode = STANDIN_ANSWER;
	r->status = status;
	set_str(&r->ctype, ctype);
	set_str(&r->body, body ? body : "");
}

void standin_hang(standin_route_t *r)
{
	r->mode = STANDIN_HANG;
}

void standin_close(standin_route_t *r)
{
	r->mode = STANDIN_CLOSE;
}

standin_route_t *standin_route(standin_t *s, const char *spec, int status, const char *ctype,
			       const char *body)
{
	standin_route_t *r = xcalloc(1, sizeof *r);
	const char *sp = strchr(spec, ' ');
	if (sp && spec[0] != '/') {
		r->method = xstrndup(spec, (size_t)(sp - spec));
		spec = sp + 1;
	}
	r->prefix = xstrdup(spec);
	standin_answer(r, status, ctype, body);
	s->routes = xgrow(s->routes, &s->cap_routes, s->n_routes + 1, sizeof *s->routes);
	s->routes[s->n_routes++] = r;
	return r;
}

standin_route_t *standin_unrouted(standin_t *s)
{
	return &s->unrouted;
}

static void route_free(standin_route_t *r)
{
	free(r->method);
	free(r->prefix);
	free(r->ctype);
	free(r->body);
	free(r->last_method);
	free(r->last_target);
	free(r->last_body);
	free(r->last_ctype);
	memset(r, 0, sizeof *r);
}

static int prefix_matches(const char *prefix, const char *target)
{
	size_t n = strlen(prefix);
	if (strncmp(prefix, target, n) != 0)
		return 0;
	if (!n || strchr("/?=&", prefix[n - 1]))
		return 1;
	return target[n] == '\0' || target[n] == '/' || target[n] == '?' || target[n] == '&';
}

static standin_route_t *route_for(standin_t *s, const char *method, const char *target)
{
	standin_route_t *best = NULL;
	size_t best_score = 0;
	for (size_t i = 0; i < s->n_routes; i++) {
		standin_route_t *r = s->routes[i];
		if (r->method && strcmp(r->method, method) != 0)
			continue;
		if (!prefix_matches(r->prefix, target))
			continue;
		size_t score = 2 * strlen(r->prefix) + 1 + (r->method != NULL);
		if (score > best_score) {
			best = r;
			best_score = score;
		}
	}
	return best ? best : &s->unrouted;
}

int standin_requests(const standin_t *s)
{
	return (int)s->n_log;
}

int standin_count(const standin_t *s, const char *method, const char *prefix)
{
	int n = 0;
	for (size_t i = 0; i < s->n_log; i++)
		if ((!method || strcmp(method, s->log[i].method) == 0) &&
		    (!prefix || strncmp(s->log[i].target, prefix, strlen(prefix)) == 0))
			n++;
	return n;
}

/* ---- connections ------------------------------------------------------------ */

static void on_conn_handle_closed(uv_handle_t *h)
{
	conn_t *k = h->data;
	if (--k->handles > 0)
		return;
	sb_free(&k->in);
	free(k->ctype);
	free(k->body);
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
		k->s->conns = k->next;
	if (k->next)
		k->next->prev = k->prev;
	/* handles counts the tcp handle and, once started, the delay timer */
	uv_close((uv_handle_t *)&k->tcp, on_conn_handle_closed);
	if (k->handles > 1)
		uv_close((uv_handle_t *)&k->delay, on_conn_handle_closed);
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
	int last = w->last;
	free(w->buf);
	free(w);
	if (k->closing || !last)
		return;
	if (status < 0) {
		conn_close(k);
		return;
	}
	/* Connection: close, so one request per connection */
	uv_shutdown_t *sd = xcalloc(1, sizeof *sd);
	if (uv_shutdown(sd, (uv_stream_t *)&k->tcp, on_shutdown) != 0) {
		free(sd);
		conn_close(k);
	}
}

static void send_bytes(conn_t *k, strbuf_t *b, int last)
{
	wreq_t *w = xcalloc(1, sizeof *w);
	uv_buf_t buf = uv_buf_init(b->s, (unsigned)b->len);
	w->last = last;
	w->buf = sb_steal(b);
	if (uv_write(&w->req, (uv_stream_t *)&k->tcp, &buf, 1, on_written) != 0) {
		free(w->buf);
		free(w);
		conn_close(k);
	}
}

static void respond(conn_t *k)
{
	strbuf_t b;
	size_t len = strlen(k->body);
	sb_init(&b);
	sb_printf(&b, "HTTP/1.1 %d X\r\nContent-Length: %zu\r\nConnection: close\r\n", k->status, len);
	if (k->ctype)
		sb_printf(&b, "Content-Type: %s\r\n", k->ctype);
	sb_puts(&b, "\r\n");
	sb_add(&b, k->body, len);
	send_bytes(k, &b, 1);
}

static void on_delay(uv_timer_t *t)
{
	conn_t *k = t->data;
	if (!k->closing)
		respond(k);
}

/* The value of header `name` (without the colon) in the header block, malloc'd, or NULL. */
static char *header(const char *hdrs, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = strstr(hdrs, "\r\n"); p && p[2]; p = strstr(p + 2, "\r\n")) {
		const char *line = p + 2;
		if (strncasecmp(line, name, n) != 0 || line[n] != ':')
			continue;
		const char *v = line + n + 1;
		while (*v == ' ' || *v == '\t')
			v++;
		return xstrndup(v, strcspn(v, "\r\n"));
	}
	return NULL;
}

static void record(standin_t *s, standin_route_t *r, const char *method, const char *target,
		   const char *body, size_t len, const char *hdrs)
{
	r->asked++;
	set_str(&r->last_method, method);
	set_str(&r->last_target, target);
	free(r->last_body);
	r->last_body = xstrndup(body, len);
	r->last_body_len = len;
	free(r->last_ctype);
	r->last_ctype = header(hdrs, "Content-Type");
	s->log = xgrow(s->log, &s->cap_log, s->n_log + 1, sizeof *s->log);
	s->log[s->n_log].method = xstrdup(method);
	s->log[s->n_log].target = xstrdup(target);
	s->n_log++;
}

static void try_handle(conn_t *k)
{
	if (k->done || !k->in.s)
		return;
	const char *end = strstr(k->in.s, "\r\n\r\n");
	if (!end)
		return;
	size_t hlen = (size_t)(end - k->in.s) + 4, clen = 0;
	char *hdrs = xstrndup(k->in.s, hlen);
	char *cl = header(hdrs, "Content-Length");
	if (cl)
		clen = strtoul(cl, NULL, 10);
	free(cl);
	if (k->in.len < hlen + clen) {
		char *ex = header(hdrs, "Expect");
		if (ex && !strcasecmp(ex, "100-continue") && !k->continued) {
			strbuf_t b;
			sb_init(&b);
			sb_puts(&b, "HTTP/1.1 100 Continue\r\n\r\n");
			k->continued = 1;
			send_bytes(k, &b, 0);
		}
		free(ex);
		free(hdrs);
		return;
	}
	k->done = 1;
	const char *sp1 = strchr(hdrs, ' ');
	const char *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
	if (!sp2) {
		free(hdrs);
		conn_close(k);
		return;
	}
	char *method = xstrndup(hdrs, (size_t)(sp1 - hdrs));
	char *target = xstrndup(sp1 + 1, (size_t)(sp2 - sp1 - 1));
	standin_route_t *r = route_for(k->s, method, target);
	record(k->s, r, method, target, k->in.s + hlen, clen, hdrs);
	free(method);
	free(target);
	free(hdrs);
	switch (r->mode) {
	case STANDIN_HANG:
		break;
	case STANDIN_CLOSE:
		conn_close(k);
		break;
	case STANDIN_ANSWER:
		k->status = r->status;
		k->ctype = r->ctype ? xstrdup(r->ctype) : NULL;
		k->body = xstrdup(r->body ? r->body : "");
		if (r->delay_ms > 0) {
			uv_timer_init(k->tcp.loop, &k->delay);
			k->delay.data = k;
			k->handles++;
			uv_timer_start(&k->delay, on_delay, (uint64_t)r->delay_ms, 0);
		} else {
			respond(k);
		}
		break;
	}
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	(void)h;
	buf->base = xmalloc(suggested);
	buf->len = suggested;
}

static void on_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf)
{
	conn_t *k = st->data;
	if (nread < 0) {
		conn_close(k);
	} else if (nread > 0) {
		sb_add(&k->in, buf->base, (size_t)nread);
		try_handle(k);
	}
	free(buf->base);
}

static void on_connection(uv_stream_t *l, int status)
{
	standin_t *s = l->data;
	if (status < 0)
		return;
	conn_t *k = xcalloc(1, sizeof *k);
	k->s = s;
	k->handles = 1;
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

/* ---- the server ------------------------------------------------------------ */

static void on_listener_closed(uv_handle_t *h)
{
	free(h->data);
}

standin_t *standin_start(uv_loop_t *loop)
{
	standin_t *s = xcalloc(1, sizeof *s);
	struct sockaddr_in a;
	struct sockaddr_storage ss;
	int len = sizeof ss;
	standin_answer(&s->unrouted, 404, "text/plain", "not found");
	uv_ip4_addr("127.0.0.1", 0, &a);
	uv_tcp_init(loop, &s->listener);
	s->listener.data = s;
	if (uv_tcp_bind(&s->listener, (const struct sockaddr *)&a, 0) != 0 ||
	    uv_listen((uv_stream_t *)&s->listener, 64, on_connection) != 0 ||
	    uv_tcp_getsockname(&s->listener, (struct sockaddr *)&ss, &len) != 0) {
		standin_stop(s);
		return NULL;
	}
	s->port = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	return s;
}

int standin_port(const standin_t *s)
{
	return s->port;
}

char *standin_url(const standin_t *s, const char *path)
{
	return xasprintf("http://127.0.0.1:%d%s", s->port, path ? path : "");
}

void standin_stop(standin_t *s)
{
	if (!s)
		return;
	while (s->conns)
		conn_close(s->conns);
	for (size_t i = 0; i < s->n_routes; i++) {
		route_free(s->routes[i]);
		free(s->routes[i]);
	}
	free(s->routes);
	route_free(&s->unrouted);
	for (size_t i = 0; i < s->n_log; i++) {
		free(s->log[i].method);
		free(s->log[i].target);
	}
	free(s->log);
	s->routes = NULL;
	s->log = NULL;
	s->n_routes = s->n_log = 0;
	uv_close((uv_handle_t *)&s->listener, on_listener_closed);
}

int standin_dead_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = 0 };
	socklen_t len = sizeof a;
	int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (fd >= 0 && bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
	    getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		port = ntohs(a.sin_port);
	if (fd >= 0)
		close(fd);
	return port;
}
