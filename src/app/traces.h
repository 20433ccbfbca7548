/* Jaeger from the console: which API the server speaks (v1, else v3), its
 * services and operations (cached), searches and traces, asked on the loop
 * and parsed off it when big. The one path the Traces view and the `traces`
 * and `trace` commands share. No curses. */
#ifndef ICN_TRACES_H
#define ICN_TRACES_H
#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include "backend/jaeger.h"
#include "core/http.h"
#include "model/trace.h"

typedef struct traces traces_t;

/* The most a trace or search answer may weigh: a 10,000-span trace is about
 * 6 MB of v1 JSON; past this the answer is stopped and the error says so. */
#define TRACES_MAX_BODY ((size_t)64 * 1024 * 1024)

typedef struct {
	uv_loop_t *loop;
	http_client_t *http;      /* the context's (its backend options apply by URL) */
	const char *base;         /* Jaeger's query URL; copied */
	long timeout_ms;          /* 0: the client's default */
	size_t max_body;          /* 0: TRACES_MAX_BODY */
	jaeger_api_t api;         /* JAEGER_API_UNKNOWN: detect on the first request */
} traces_opts_t;

traces_t *traces_new(const traces_opts_t *o);
/* Cancels what is in flight: no callback runs afterwards (safe from inside one). */
void traces_free(traces_t *t);

/* The API found (JAEGER_API_UNKNOWN until a request has detected it). */
jaeger_api_t traces_api(const traces_t *t);
/* "v1" / "v3" / "unknown". */
const char *traces_api_name(jaeger_api_t api);

/*
 * Each call cancels an earlier one of the same kind still running (a new
 * search replaces the last) and calls back exactly once otherwise, on the
 * loop. err is NULL on success, else one line naming the cause ("jaeger:
 * connection refused", "jaeger at URL answers neither the v1 API
 * (/api/services: HTTP 404) nor /api/v3 (/api/v3/services: HTTP 404)",
 * "jaeger: trace 4bf9... not found": every one begins with "jaeger"). The
 * callbacks come from a timer of the module's, never inside the call that
 * asked (a cached answer too). What the callback gets is the callee's, valid during the call,
 * except where it says "yours".
 *
 * Detection: GET /api/services; a 200 that parses means v1; a 404 (or 405,
 * or a v1 answer without services, as Jaeger after v2.20) means try
 * /api/v3/services; a 200 there means v3; anything else is the error above.
 */
typedef void (*traces_names_cb)(traces_t *t, char *const *names, size_t n, const char *err, void *ud);
typedef void (*traces_search_cb)(traces_t *t, const trace_summary_t *rows, size_t n, const char *err,
				 void *ud);
/* trace: yours (trace_free), NULL with err on failure */
typedef void (*traces_trace_cb)(traces_t *t, trace_t *trace, const char *err, void *ud);

void traces_services(traces_t *t, traces_names_cb cb, void *ud);
void traces_operations(traces_t *t, const char *service, traces_names_cb cb, void *ud);
/* The query's strings are copied. Rows in the answer's order. */
void traces_search(traces_t *t, const jaeger_query_t *q, traces_search_cb cb, void *ud);
/* trace_id as jaeger_trace_id_norm takes it. */
void traces_get(traces_t *t, const char *trace_id, traces_trace_cb cb, void *ud);
/* Stop every request running (no callbacks). */
void traces_cancel(traces_t *t);

#endif
