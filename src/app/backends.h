/* Backend health in one place: what the console knows of each server it talks to. No curses. */
#ifndef ICN_BACKENDS_H
#define ICN_BACKENDS_H
#include <stdint.h>
#include <stddef.h>
#include "core/conf.h"
#include "core/http.h"

typedef enum { BK_UNKNOWN, BK_OK, BK_SLOW, BK_DOWN } bk_health_t;

/* One server. */
typedef struct {
	size_t index;         /* position among backends of its kind */
	const char *kind;     /* "prometheus", "alertmanager" */
	char *url;
	bk_health_t health;
	char *error;          /* last transport/HTTP failure, NULL when fine */
	double latency_ms;    /* of the last answer */
	double last_ok;       /* unix time of the last good answer, 0 never */
} backend_t;

typedef struct backends {
	backend_t prom;
	backend_t am[CONF_MAX_AM];
	size_t n_am;
	backend_t loki;       /* told by the Logs view and app/probe (every 30 s) */
	backend_t jaeger;     /* told by the Traces view and app/probe (every 30 s) */
	double slow_ms;       /* an answer slower than this marks the backend slow */
	/* called after any health change (not on every good answer) */
	void (*on_change)(struct backends *b, void *ud);
	void *ud;
} backends_t;

void backends_init(backends_t *b, const conf_context_t *ctx);
/* New URLs (a context switch): every health back to unknown. */
void backends_set_context(backends_t *b, const conf_context_t *ctx);
void backends_free(backends_t *b);

/* A server answered in time with something it meant: ok, or slow. */
void backend_good(backends_t *bs, backend_t *b, double elapsed_ms);
/* A server failed: down, with the reason (logged once per change). */
void backend_down(backends_t *bs, backend_t *b, double elapsed_ms, const char *why);
/* Whether a response is the server failing (transport failure, or a non-JSON
 * 5xx from a proxy) rather than answering; a query error (bad PromQL) is not
 * the server's fault. Returns a malloc'd reason, or NULL. */
char *backend_server_failure(const http_response_t *r);
/* Learn a server's health from one answer (backend_server_failure decides). */
void backend_note(backends_t *bs, backend_t *b, const http_response_t *r);
/* Up: ok or slow. */
int backend_up(const backend_t *b);

const char *bk_health_name(bk_health_t h);
/* On a work-queue thread, before a parse: lower the thread's priority below the
 * loop's (nice 10), once per thread, so a parse never takes the core keys and
 * the clock need. Never restored: an unprivileged process may not raise it
 * back, and libuv's pool threads run only such work. Never on the loop. */
void worker_yield_cpu(void);
/* Wall-clock unix seconds. */
double now_unix(void);
/* The same in nanoseconds (Loki's timestamps). */
int64_t now_unix_ns(void);

#endif
