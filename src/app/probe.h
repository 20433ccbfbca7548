/* The health of the backends only a view reads (Loki, Jaeger), asked on its
 * own: Loki's label names over the last 5 minutes (with the tenant and the
 * credentials the Logs view uses), Jaeger's services (its API found first).
 * --once asks once; the console every 30 s, so the header's dots say "down"
 * before the view is opened. No curses. */
#ifndef ICN_PROBE_H
#define ICN_PROBE_H
#include <uv.h>
#include "app/backends.h"
#include "app/traces.h"
#include "core/conf.h"
#include "core/http.h"

#define HPROBE_EVERY_S 30.0

typedef struct {
	uv_loop_t *loop;
	http_client_t *http;
	backends_t *bk;
	traces_t *tr;          /* Jaeger's, for the context it was made for */
	char *tr_base;
	http_req_t *loki_req;
	char **loki_hdrs;
	int jaeger_busy;
	double jaeger_t0;
	double next;           /* when to ask again (unix s) */
} hprobe_t;

void hprobe_init(hprobe_t *p, uv_loop_t *loop, http_client_t *http, backends_t *bk);
/* Ask both now (those configured and not already asked). */
void hprobe_start(hprobe_t *p, const conf_context_t *ctx, long timeout_ms);
/* Ask again when HPROBE_EVERY_S have passed (call it at every refresh). */
void hprobe_tick(hprobe_t *p, const conf_context_t *ctx, long timeout_ms, double now);
/* Questions still unanswered. */
int hprobe_pending(const hprobe_t *p);
/* Another context: what is under way is dropped (no callback), asked anew. */
void hprobe_reset(hprobe_t *p);
void hprobe_free(hprobe_t *p);

#endif
