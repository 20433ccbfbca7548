/* The stand-in HTTP server the unit tests share: routes by path prefix on the test's own libuv loop. */
#ifndef ICN_TEST_STANDIN_H
#define ICN_TEST_STANDIN_H
#include <stddef.h>
#include <uv.h>

/*
 * One request per connection (every answer says Connection: close). A request
 * goes to the route whose prefix is the longest that matches its target (path
 * and query); a prefix matches only up to a boundary: it ends in '/', '?', '=' or
 * '&', or the target goes on with '/', '?', '&' or ends, so "/api/v1/query?query=q"
 * does not take "...query=q_ok". A route may name a method ("POST /am0/api/v2/silences"),
 * and then wins over one that does not. Anything unrouted answers 404.
 */

typedef enum {
	STANDIN_ANSWER, /* status, content type, body, after delay_ms */
	STANDIN_HANG,   /* read the request, never answer (the client times out or cancels) */
	STANDIN_CLOSE,  /* read the request, close the connection without a byte */
} standin_mode_t;

typedef struct standin_route {
	char *method;         /* NULL: any */
	char *prefix;
	standin_mode_t mode;
	int status;
	char *ctype;          /* Content-Type of the answer; NULL: none sent */
	char *body;
	int delay_ms;         /* answer this late (a slow backend) */
	/* what came: requests seen, and the last one's method, target, body and type */
	int asked;
	char *last_method;
	char *last_target;
	char *last_body;      /* NUL-terminated; "" for none */
	size_t last_body_len;
	char *last_ctype;     /* the request's Content-Type, NULL when none */
} standin_route_t;

typedef struct standin standin_t;

/* Listen on a free loopback port; NULL on failure. */
standin_t *standin_start(uv_loop_t *loop);
int standin_port(const standin_t *s);
/* "http://127.0.0.1:PORT" + path, malloc'd. */
char *standin_url(const standin_t *s, const char *path);

/* Add a route: spec is "PREFIX" or "METHOD PREFIX". The route stays valid until
 * standin_stop; a test may change its fields (delay_ms) between requests. */
standin_route_t *standin_route(standin_t *s, const char *spec, int status, const char *ctype,
			       const char *body);
/* New answer for a route (and back to STANDIN_ANSWER). */
void standin_answer(standin_route_t *r, int status, const char *ctype, const char *body);
void standin_hang(standin_route_t *r);
void standin_close(standin_route_t *r);
/* The 404 route everything unrouted goes to (its counters too). */
standin_route_t *standin_unrouted(standin_t *s);

/* Requests seen in all, and those whose method (NULL any) and target prefix
 * ("" any) match. */
int standin_requests(const standin_t *s);
int standin_count(const standin_t *s, const char *method, const char *prefix);

/* Close every handle and free the routes; the rest is freed as the handles
 * close, so run the loop after (uv_loop_close then proves nothing was left). */
void standin_stop(standin_t *s);

/* A loopback port nothing listens on (bound by the kernel, then released):
 * connecting to it is refused. */
int standin_dead_port(void);

#endif
