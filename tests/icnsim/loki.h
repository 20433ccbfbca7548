/* icnsim's Loki API: query_range, labels, label values, the websocket tail, and the log/tail controls. */
#ifndef ICNSIM_LOKI_H
#define ICNSIM_LOKI_H
#include <uv.h>
#include "logs.h"
#include "sim.h"
#include "srv.h"
#include "auth.h"

typedef struct loki loki_t;

/* `tail_max_duration` seconds (Loki's default is 1h). */
loki_t *loki_new(logs_t *logs, sim_t *sim, uv_loop_t *loop, double tail_max_duration);
void loki_register(loki_t *lk, srv_t *srv);
/* Ask every Loki request (the tail's upgrade included) for the credentials
 * of `auth` (simauth_new; NULL: none; borrowed, it outlives lk), as a gateway
 * in front of a multi-tenant Loki does. A refusal is HTTP 401 text/plain
 * ("no org id", "unknown org id", "unauthorized"). */
void loki_set_auth(loki_t *lk, const simauth_t *auth);
/* Closes loki's uv handles (before srv_close). */
void loki_close(loki_t *lk);
void loki_free(loki_t *lk);

#endif
