/* icnsim's Loki API: query_range, labels, label values, the websocket tail, and the log/tail controls. */
#ifndef ICNSIM_LOKI_H
#define ICNSIM_LOKI_H
#include <uv.h>
#include "logs.h"
#include "sim.h"
#include "srv.h"

typedef struct loki loki_t;

/* `tail_max_duration` seconds (Loki's default is 1h). */
loki_t *loki_new(logs_t *logs, sim_t *sim, uv_loop_t *loop, double tail_max_duration);
void loki_register(loki_t *lk, srv_t *srv);
/* Ask every Loki request (the tail's upgrade included) for credentials, as a
 * gateway in front of a multi-tenant Loki does; each may be NULL (not asked):
 * `bearer` the token of "Authorization: Bearer", `basic` the "user:password"
 * of Basic auth (either one passes when both are set), `org_id` the tenant
 * X-Scope-OrgID must name. A refusal is HTTP 401 text/plain ("no org id",
 * "unknown org id", "unauthorized"). Copied. */
void loki_set_auth(loki_t *lk, const char *bearer, const char *basic, const char *org_id);
/* Closes loki's uv handles (before srv_close). */
void loki_close(loki_t *lk);
void loki_free(loki_t *lk);

#endif
