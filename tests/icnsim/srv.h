/* icnsim's HTTP server: one listening vhost on the caller's libuv loop, dispatched by a route table. */
#ifndef ICNSIM_SRV_H
#define ICNSIM_SRV_H
#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include <uv.h>
#include "core/xalloc.h"

enum srv_method {
	SRV_GET = 1u << 0,
	SRV_HEAD = 1u << 1,
	SRV_POST = 1u << 2,
	SRV_PUT = 1u << 3,
	SRV_PATCH = 1u << 4,
	SRV_DELETE = 1u << 5,
	SRV_OPTIONS = 1u << 6,
};

typedef struct {
	char *name, *value; /* decoded; value "" when the argument had no '=' */
} srv_arg_t;

typedef struct {
	unsigned method;  /* one SRV_* bit; HEAD reaches GET handlers */
	const char *path; /* decoded, without the query string */
	const char *rest; /* what follows a prefix route's path ("" for exact routes) */
	const srv_arg_t *args;
	size_t nargs;
	const char *body; /* NUL-terminated for convenience; may contain NULs */
	size_t body_len;
	void *impl; /* the server's connection, for srv_request_header */
} srv_request_t;

typedef struct {
	int status;
	const char *content_type; /* a string literal */
	char *allow;              /* Allow header, set by the router on 405 */
	strbuf_t body;
} srv_response_t;

/* Handlers fill the response before returning; the server then sends it. */
typedef void (*srv_handler_fn)(const srv_request_t *req, srv_response_t *resp, void *user);

typedef struct srv srv_t;

/* The value of the first query argument `name`, or NULL. */
const char *srv_request_arg(const srv_request_t *req, const char *name);

/* A request header's value (caller frees), or NULL. `name` is lower case; of the headers
 * libwebsockets parses itself only authorization is looked up. */
char *srv_request_header(const srv_request_t *req, const char *name);

void srv_respond(srv_response_t *resp, int status, const char *content_type, const char *body, size_t len);
void srv_respond_text(srv_response_t *resp, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Serialises `doc` compactly with a final newline and drops the reference. */
void srv_respond_json(srv_response_t *resp, int status, json_t *doc);

srv_t *srv_new(void);
/* `path` is exact, or a prefix when it ends in '/'. Several routes may share a
 * path with different methods; the union of their methods is the 405's Allow. */
void srv_route(srv_t *s, unsigned methods, const char *path, srv_handler_fn handler, void *user);
/* Websocket routes: a GET with Upgrade: websocket on an exact path. */
typedef struct srv_ws srv_ws_t; /* one websocket connection */
typedef struct {
	/* Before the upgrade: NULL to accept, or a message (caller frees) that
	 * is answered as text/plain instead, with HTTP *status (400 unless the
	 * check sets another). May be NULL. */
	char *(*check)(const srv_request_t *req, void *user, int *status);
	/* The upgrade is done; returns the session (not NULL). */
	void *(*open)(srv_ws_t *ws, const srv_request_t *req, void *user);
	/* The connection takes one write (srv_ws_send_text or srv_ws_ping).
	 * Returns 0, or -1 to hang up. */
	int (*writable)(srv_ws_t *ws, void *session, void *user);
	/* The connection is gone; free the session. */
	void (*closed)(void *session, void *user);
} srv_ws_handler_t;

void srv_ws_route(srv_t *s, const char *path, const srv_ws_handler_t *h, void *user);
/* One text frame; only from `writable`. Returns 0 or -1. */
int srv_ws_send_text(srv_ws_t *ws, const char *text, size_t len);
int srv_ws_ping(srv_ws_t *ws);
/* Ask for a `writable` call. */
void srv_ws_want_write(srv_ws_t *ws);
/* A close frame (only from `writable`); return -1 from a later `writable`
 * to hang up once it is flushed. */
int srv_ws_send_close(srv_ws_t *ws, int code, const char *reason);
/* Shut the TCP connection down without a close frame (a client sees 1006). */
void srv_ws_drop(srv_ws_t *ws);

/* Listen on host:port (port 0: the kernel picks) on `loop`. Returns 0, or -1 with *err. */
/* Serve HTTPS (and wss) with this certificate and key (PEM files), before
 * srv_listen; with client_ca, only clients with a certificate it signed (mTLS). */
void srv_set_tls(srv_t *s, const char *cert, const char *key, const char *client_ca);
int srv_listen(srv_t *s, uv_loop_t *loop, const char *host, int port, char **err);
int srv_port(const srv_t *s);
/* Stops serving. Returns true while lws still needs the loop to run (close
 * the caller's own handles first, then: while (srv_close(s)) uv_run(...)). */
bool srv_close(srv_t *s);
void srv_free(srv_t *s);

#endif
