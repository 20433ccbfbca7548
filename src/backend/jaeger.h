/* Jaeger's query APIs without I/O: URL builders for the v1 JSON API and
 * /api/v3 (OTLP JSON), the parsers of their answers into traces (model/trace.h),
 * the tags of a search as logfmt, and error texts. See docs PROTOCOLS.md. */
#ifndef ICN_JAEGER_H
#define ICN_JAEGER_H
#include <stddef.h>
#include <stdint.h>
#include "model/trace.h"

typedef enum { JAEGER_API_UNKNOWN, JAEGER_API_V1, JAEGER_API_V3 } jaeger_api_t;

/* The longest error text kept in a message, in bytes, before the "..." marker. */
#define JAEGER_ERROR_MAX 300
/* Traces a search may ask for, at most. */
#define JAEGER_LIMIT_MAX 1500

typedef struct {
	const char *key, *value;
} jaeger_tag_t;

typedef struct {
	const char *service;          /* required for a search */
	const char *operation;        /* NULL or "": any */
	const jaeger_tag_t *tags;     /* all must match */
	size_t n_tags;
	int64_t start_us, end_us;     /* the window, µs since the epoch (both set) */
	int64_t min_duration_us, max_duration_us; /* 0: no bound */
	int limit;                    /* 0: 20 */
} jaeger_query_t;

/*
 * URLs (malloc'd). base may end in '/' and carry a path prefix; every value is
 * percent-encoded (RFC 3986). v1: /api/services, /api/services/{svc}/operations,
 * /api/traces?service=&operation=&tags={json}&start=&end=(µs)&minDuration=&maxDuration=
 * (Go durations)&limit=, /api/traces/{id}. v3: /api/v3/services,
 * /api/v3/operations?service=, /api/v3/traces?query.serviceName=&query.operationName=
 * &query.startTimeMin=&query.startTimeMax= (RFC 3339 with ns)&query.durationMin=
 * &query.durationMax=&query.searchDepth=&query.attributes={json}, /api/v3/traces/{id}.
 */
char *jaeger_url_services(const char *base, jaeger_api_t api);
char *jaeger_url_operations(const char *base, jaeger_api_t api, const char *service);
char *jaeger_url_search(const char *base, jaeger_api_t api, const jaeger_query_t *q);
char *jaeger_url_trace(const char *base, jaeger_api_t api, const char *trace_id);

/* A trace id as a user types it: 1 to 32 hex digits (any case). Writes it
 * lowercase, zero-padded to 16 or 32 digits as Jaeger does, into out[33].
 * 0, or -1 when it is not one. */
int jaeger_trace_id_norm(const char *s, char out[33]);

/* A Go duration as Jaeger's minDuration takes it ("1.5s", "200ms", "3m",
 * "150us"/"150µs", "2h", "1h2m3.5s"): 0 with µs in *us (exact, rounded
 * toward zero), or -1. */
int jaeger_parse_duration(const char *s, int64_t *us);
/* The other way, shortest exact form ("1.5s", "200ms", "150us"; "1.234567s"
 * over "1234567us" on a tie, "200ms" over "0.2s"): buf of 32. */
const char *jaeger_format_duration(int64_t us, char buf[32]);

/*
 * Search tags as logfmt: `k=v k2="v 2" error=true`. Keys are non-empty and
 * hold no blank, '=' or '"'; quoted values take \" and \\. Returns the pairs
 * (malloc'd, one block: free(*tags) frees all) or -1 and a message ("tag 2:
 * `x` has no value: write key=value").
 */
int jaeger_parse_tags(const char *logfmt, jaeger_tag_t **tags, size_t *n, char **err);

/*
 * The services or the operations of a service: v1 {"data":["a",...]} (data
 * null when empty, as Jaeger before 2026) or {"data":[{"name":..,"spanKind":..}]};
 * v3 {"services":[...]} or {"operations":[{"name":..}]}. Names are malloc'd,
 * sorted and unique. 0, or -1 with a malloc'd message in *err.
 */
int jaeger_parse_names(const char *body, size_t len, long http_status, char ***names, size_t *n,
		       char **err);
void jaeger_names_free(char **names, size_t n);

/*
 * A search answer or a trace: v1 {"data":[Trace,...],"errors":...}; v3
 * {"result":{"resourceSpans":[...]}} (spans grouped into traces by traceId,
 * in the answer's order). Each trace is built (trace_build). Returns 0 with
 * the traces (malloc'd array; jaeger_traces_free), *n 0 when the server said
 * there are none (v1 404 "trace not found", v3 404 "No traces found", or an
 * empty data); or -1 with a malloc'd one-line message in *err:
 * jaeger_error_message()'s for a non-2xx answer, "invalid JSON: ..." for
 * garbage, "not a Jaeger answer: ..." for JSON of another shape, "not a
 * Jaeger API (an HTML page)" for a page answered 200. The api is told from
 * the answer itself; a v1 Trace alone (as the UI saves it) and bare OTLP
 * {"resourceSpans":[...]} are read too. At most JAEGER_LIMIT_MAX traces are
 * kept (a warning on the first says what was left out). Big answers are read
 * from the text, span by span, without jansson's whole tree (10,000 spans in
 * about 50 ms: tests/bench/README.md). Never crashes on any input.
 */
int jaeger_parse_traces(const char *body, size_t len, long http_status, trace_t ***traces, size_t *n,
			char **err);
void jaeger_traces_free(trace_t **traces, size_t n);

/*
 * One line from a failed request: "HTTP 400: parameter 'service' is required"
 * from v1's errors[].msg, v3's error.message, or a text body (made printable,
 * blanks folded, cut at JAEGER_ERROR_MAX with "..."). An HTML page is "not a
 * Jaeger API (an HTML page)". status 0: no "HTTP" prefix.
 */
char *jaeger_error_message(long status, const char *body, size_t len);

#endif
