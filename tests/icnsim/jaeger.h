/* icnsim's Jaeger query API (v1 JSON and api_v3 OTLP JSON) over traces rebuilt per slot from the logs' slot records. */
#ifndef ICNSIM_JAEGER_H
#define ICNSIM_JAEGER_H
#include "logs.h"
#include "sim.h"
#include "srv.h"
#include "auth.h"

enum jaeger_api {
	JAEGER_API_V1 = 1u << 0,
	JAEGER_API_V3 = 1u << 1,
	JAEGER_API_BOTH = JAEGER_API_V1 | JAEGER_API_V3,
};

/* Spans of a slot's trace under the bigtrace fault. */
#define JAEGER_BIG_SPANS LOGS_BIGTRACE_SPANS

typedef struct jaeger jaeger_t;

/* `apis`: the JAEGER_API_* bits served; the other generation's routes are absent (404). */
jaeger_t *jaeger_new(logs_t *logs, const sim_t *sim, unsigned apis);
void jaeger_register(jaeger_t *j, srv_t *srv);
/* Ask every request of both APIs for the credentials of `auth` (simauth_new;
 * NULL: none; borrowed, it outlives j), as a gateway in front of Jaeger does:
 * a refusal is HTTP 401 text/plain ("no org id", "unknown org id",
 * "unauthorized"). Before jaeger_register or after, alike. */
void jaeger_set_auth(jaeger_t *j, const simauth_t *auth);
void jaeger_free(jaeger_t *j);

#endif
