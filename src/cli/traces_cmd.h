/* icn-console traces / trace: a search of Jaeger and one trace as a waterfall, for scripts. No curses. */
#ifndef ICN_CLI_TRACES_CMD_H
#define ICN_CLI_TRACES_CMD_H
#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include "backend/jaeger.h"
#include "core/conf.h"
#include "core/http.h"

/* What the commands run with: the options are already checked (usage errors
 * are main.c's); ctx->jaeger is set. */
typedef struct {
	uv_loop_t *loop;
	http_client_t *http;
	const conf_context_t *ctx;
	long timeout_ms;
	int json;                  /* --output json */
	/* traces */
	const char *service, *operation;
	const jaeger_tag_t *tags;  /* --tag k=v, all must match */
	size_t n_tags;
	int64_t lookback_us;       /* the window: now - lookback .. now */
	int64_t min_duration_us, max_duration_us; /* 0: no bound */
	int limit;
	/* trace */
	const char *trace_id;      /* as typed (jaeger_trace_id_norm takes it) */
	int width;                 /* the waterfall's columns; 0: the terminal's when stdout is
	                              one, else 120 */
} cli_traces_t;

/*
 * traces: one row per trace found, in Jaeger's order. text: "START DURATION
 * SPANS ERRORS ROOT SERVICES TRACE_ID" (START local, ROOT "service: operation",
 * the trace id last so `awk '{print $NF}'` takes it), server text made safe
 * for a terminal; json: an array of {"traceID", "startTime" (µs), "duration"
 * (µs), "rootService", "rootOperation", "spans", "errors", "services": [..]}.
 * Returns 0 when traces were found; 1 when Jaeger failed or found none (the
 * message on stderr names it).
 */
int cli_traces(const cli_traces_t *c);

/*
 * trace: one trace. text: a heading, then the waterfall, a row per span in
 * tree order: marks ('*' on the critical path, '!' an error), the operation
 * indented by depth, its service, offset from the trace's start, duration,
 * self time, and a bar on a time axis from the trace's start to its end.
 * json: {"traceID", "spans": [{"spanID", "parentSpanID" (null for a root),
 * "service", "operation", "startTime" (µs), "duration" (µs), "error",
 * "critical", "tags": {key: value}}]} in tree order. The trace's warnings go
 * to stderr. Returns 0; 1 when Jaeger failed or has no such trace ("jaeger:
 * trace ... not found").
 */
int cli_trace(const cli_traces_t *c);

#endif
