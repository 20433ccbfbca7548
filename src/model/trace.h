/* A trace as the console reads it: spans, their tree from the references, self
 * time, the critical path, the rows of a waterfall with some spans collapsed,
 * and a one-row summary for search results. No I/O, no JSON (backend/jaeger.c
 * fills a trace from either of Jaeger's APIs, then calls trace_build).
 * Strings are kept as the server sent them: whoever draws them makes them
 * safe for the terminal (core/text.h). */
#ifndef ICN_TRACE_H
#define ICN_TRACE_H
#include <stddef.h>
#include <stdint.h>

/* The most spans a trace keeps: past it the rest are dropped and a warning
 * says how many (a lying or runaway backend must not take the memory). */
#define TRACE_MAX_SPANS 200000

typedef enum { TRACE_KV_STRING, TRACE_KV_BOOL, TRACE_KV_INT, TRACE_KV_FLOAT, TRACE_KV_BINARY } trace_kv_type_t;

/* A tag, a process tag or an event field. The value is text: a string as
 * sent, a bool "true"/"false", a number in decimal as sent (an int64 beyond
 * 2^53 arrives as a string and stays exact), binary as its base64. */
typedef struct {
	const char *key;
	const char *value;
	trace_kv_type_t type;
} trace_kv_t;

/* A span's log (v1) or event (OTLP): its time and fields (an OTLP event's
 * name is the field "event"). */
typedef struct {
	int64_t ts_us;
	const trace_kv_t *fields;
	uint32_t n_fields;
} trace_event_t;

typedef enum { TRACE_CHILD_OF, TRACE_FOLLOWS_FROM } trace_ref_kind_t;

typedef struct {
	trace_ref_kind_t kind;
	const char *trace_id;   /* lowercase hex */
	const char *span_id;
} trace_ref_t;

#define TRACE_NONE (-1)

typedef struct {
	/* filled by the parser */
	const char *span_id;    /* lowercase hex as sent */
	const char *operation;
	uint32_t proc;          /* index into trace_t.procs */
	int64_t start_us, duration_us;  /* a negative duration is read as 0 */
	const trace_kv_t *tags;
	uint32_t n_tags;
	const trace_event_t *events;    /* by time */
	uint32_t n_events;
	const trace_ref_t *refs;
	uint32_t n_refs;
	unsigned status_error : 1;      /* OTLP status.code 2 (the parser sets it) */

	/* derived by trace_build */
	int32_t parent;         /* index of the parent span, TRACE_NONE for a root */
	trace_ref_kind_t parent_kind; /* how it hangs from its parent */
	uint32_t depth;         /* 0 for a root */
	uint32_t n_desc;        /* spans below it: spans[i+1 .. i+n_desc] */
	uint32_t n_children;
	uint16_t svc;           /* index into trace_t.services (the colour) */
	int64_t self_us;        /* its duration less the union of its children's
	                           intervals clipped to it */
	unsigned error : 1;     /* tag error=true ("true" or true), otel.status_code
	                           ERROR, or status_error */
	unsigned critical : 1;  /* on the critical path */
	unsigned orphan : 1;    /* it references a parent the trace does not hold */
	unsigned skewed : 1;    /* it starts before its parent or ends after it */
	unsigned dup : 1;       /* its span id was used by an earlier span */
} trace_span_t;

typedef struct {
	const char *service;
	const trace_kv_t *tags;
	uint32_t n_tags;
} trace_proc_t;

typedef struct trace_arena trace_arena_t;

typedef struct {
	char trace_id[33];      /* lowercase hex, 16 or 32 digits */
	trace_span_t *spans;    /* after trace_build: in tree order (roots and, under
	                           each span, its children by start time, depth first),
	                           so a span's subtree is the n_desc spans after it */
	size_t n_spans, cap_spans;
	trace_proc_t *procs;
	size_t n_procs, cap_procs;
	const char **services;  /* after trace_build: the distinct service names, sorted */
	size_t n_services;
	int64_t start_us, end_us; /* after trace_build: the earliest start, the latest end */
	size_t n_errors;        /* after trace_build: spans with error set */
	size_t n_roots;
	size_t n_dropped;       /* spans past TRACE_MAX_SPANS, not kept */
	char **warnings;        /* the trace's and its spans' warnings, and the
	                           builder's ("3 spans reference a parent not in the
	                           trace", "span ... appears twice") */
	size_t n_warnings;
	trace_arena_t *arena;   /* every string, and the spans' tags, events and
	                           refs and the processes' tags, are in it; the
	                           arrays spans, procs, services and warnings are
	                           the trace's own (trace_free frees all) */
} trace_t;

/* ---- building (the parsers) ---- */
trace_t *trace_new(const char *trace_id);
void trace_free(trace_t *t);
/* Copies into the trace's arena (NUL-terminated); never NULL (aborts on OOM as
 * the rest of the console). len (size_t)-1: strlen. */
char *trace_str(trace_t *t, const char *s, size_t len);
/* Zeroed memory from the arena. */
void *trace_alloc(trace_t *t, size_t n);
/* A new span (zeroed, parent TRACE_NONE, span_id and operation ""), or NULL
 * past TRACE_MAX_SPANS (then n_dropped counts it). The pointer holds until
 * the next trace_add_span (the array grows): fill one span at a time. */
trace_span_t *trace_add_span(trace_t *t);
/* The index of the process (service, tags), new or an equal one already held
 * (OTLP repeats a resource per batch). service and tags are kept as given:
 * in the arena, or living as long as the trace. */
uint32_t trace_add_proc(trace_t *t, const char *service, const trace_kv_t *tags, uint32_t n_tags);
/* A warning (copied); at most 100 are kept, then one "and N more". */
void trace_warn(trace_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * Derive everything marked "derived" above from what the parser filled:
 * parents from the references (the first CHILD_OF to a span in the trace,
 * else the first FOLLOWS_FROM; a reference to a missing span makes an orphan
 * root; a span id used twice resolves to the first; cycles are broken at the
 * span closing them), tree order, depth, self time, errors, services, the
 * trace's bounds and the critical path. Never fails on any input; O(n log n),
 * no recursion (a chain of 10,000 spans is fine). A span naming no process
 * held gets one with the service "". Roots and siblings come by start time,
 * then span id, then input order. A reference counts when its trace id is
 * empty or the trace's (compared as numbers: leading zeros do not matter).
 */
void trace_build(trace_t *t);

/*
 * The critical path, as Jaeger UI draws it: from each root, walking back from
 * the span's end, the child that finished last (before the point reached) is
 * on the path, then the walk goes on from that child's start; recursively.
 * Children that end after their parent are clipped to it; only CHILD_OF
 * children count (a FOLLOWS_FROM child, and a child wholly outside its
 * parent, is off the path with its subtree). On a tie of ends the earlier
 * start wins. Every root is critical. trace_build sets `critical`; exposed
 * for tests. O(n log n).
 */
void trace_critical_path(trace_t *t);

/* ---- reading ---- */
static inline const char *trace_span_service(const trace_t *t, const trace_span_t *s)
{
	return t->procs[s->proc].service;
}
/* The value of a span's tag `key` (first match), or NULL. */
const char *trace_tag(const trace_span_t *s, const char *key);
/* The index of the span with this id (the first when used twice), or TRACE_NONE. */
int32_t trace_find_span(const trace_t *t, const char *span_id);
/* Does the span match `needle` (case-insensitive substring): its operation,
 * service, a tag's "key=value", or an event field's value. */
int trace_span_matches(const trace_t *t, const trace_span_t *s, const char *needle);

/*
 * The waterfall's rows: the indexes of the spans shown, in tree order, when
 * the spans with collapsed[i] set hide what is below them (collapsed may be
 * NULL: all open). rows has room for n_spans. Returns the count. O(rows shown).
 */
size_t trace_rows(const trace_t *t, const uint8_t *collapsed, uint32_t *rows);

/*
 * A span's bar on a time axis from v0 to v1 (µs, v1 > v0) drawn `width`
 * columns wide: the columns [*c0, *c1) it covers, at least one when any of
 * it lies in the window (a 0 µs span too). Returns 0, or -1 when it lies
 * wholly outside (then *c0 and *c1 say on which side: both 0 or both width).
 */
int trace_bar_cols(int64_t start_us, int64_t dur_us, int64_t v0, int64_t v1, int width, int *c0,
		   int *c1);

/* One search result's row. Strings are malloc'd; trace_summary_free. */
typedef struct {
	char trace_id[33];
	int64_t start_us, duration_us;
	char *root_service, *root_operation; /* the earliest root's */
	size_t n_spans, n_errors;
	char *services;         /* "icn-director, icn-vortex": sorted, ", " joined */
	size_t n_services;
} trace_summary_t;
void trace_summarize(const trace_t *t, trace_summary_t *out);
void trace_summary_free(trace_summary_t *s);

#endif
