/* Loki HTTP and tail API without I/O: URL builders, answer and frame parsers, error texts. */
#ifndef ICN_LOKI_H
#define ICN_LOKI_H
#include <stddef.h>
#include <stdint.h>
#include "model/series.h"

/* The longest line kept whole unless the caller says otherwise: four times
 * Loki's default ingest limit (max_line_size 256 KB), which servers raise. */
#define LOKI_LINE_MAX (1024 * 1024)
/* The longest error text kept in a message, in bytes, before the "..." marker. */
#define LOKI_ERROR_MAX 300

typedef enum { LOKI_BACKWARD, LOKI_FORWARD } loki_direction_t;

typedef struct {
	int64_t ts_ns;         /* from the decimal string Loki sends */
	size_t stream;         /* index into loki_result_t.streams */
	char *line;            /* the line, NUL-terminated; it may hold NULs itself */
	size_t len;            /* its length in bytes */
	size_t cut;            /* bytes dropped past the line cap (0: whole) */
	labels_t meta;         /* categorize-labels: structuredMetadata (sorted) */
	labels_t parsed;       /* categorize-labels: parsed (sorted) */
} loki_entry_t;

typedef struct {
	int64_t ts_ns;
	labels_t labels;
} loki_dropped_t;

typedef struct {
	labels_t *streams;     /* each stream object's labels, sorted by name */
	size_t n_streams;
	loki_entry_t *entries; /* in the answer's order, stream by stream */
	size_t n_entries, cap_entries;
	loki_dropped_t *dropped; /* tail frames: entries the server dropped */
	size_t n_dropped;
	char **warnings;       /* the envelope's "warnings" (query_range) */
	size_t n_warnings;
	int categorized;       /* encodingFlags held "categorize-labels" */
} loki_result_t;

/* Bodies up to this are decoded as one jansson tree; bigger ones are walked
 * and decoded entry by entry, so memory stays near the body and what is kept. */
#define LOKI_WHOLE_MAX (1u << 20)

typedef struct {
	size_t max_line;       /* cut lines longer than this (bytes); 0 = LOKI_LINE_MAX */
	int skim;              /* tests: decode entry by entry even when small */
	int whole;             /* tests: tail frames through jansson's tree (the reference) */
} loki_parse_opts_t;

/*
 * A /loki/api/v1/query_range (or /query) answer of resultType "streams".
 * Returns 0, or -1 and a malloc'd one-line message in *err (err may be NULL):
 * a non-2xx status gives loki_error_message()'s text (Loki's errors are
 * text/plain); "a metric query (matrix): use the dashboard" for a matrix,
 * vector or scalar answer; "invalid JSON: ..." for garbage; "entry 3 of
 * stream 1: timestamp \"12x\" is not a decimal count of nanoseconds" for a
 * malformed element. Never crashes on any input; *out is empty on failure.
 */
int loki_parse_query(const char *body, size_t len, long http_status, const loki_parse_opts_t *o,
		     loki_result_t *out, char **err);

/* One text frame of the tail websocket: {"streams":[...], "dropped_entries":[...]}
 * (either may be absent). Same rules and messages as loki_parse_query. */
int loki_parse_tail_frame(const char *body, size_t len, const loki_parse_opts_t *o,
			  loki_result_t *out, char **err);

void loki_result_free(loki_result_t *r);

/* Sort the entries oldest first (stable: equal timestamps keep the answer's
 * order, so a backward answer's tie order is kept reversed, as Loki meant). */
void loki_result_sort(loki_result_t *r);

/* /labels and /label/NAME/values: {"status":"success","data":["a",...]}. A
 * missing or null data is an empty list. The names are malloc'd, as the array. */
int loki_parse_names(const char *body, size_t len, long http_status, char ***names, size_t *n,
		     char **err);
void loki_names_free(char **names, size_t n);

/* A decimal count of nanoseconds ("1569266497240578000"): digits only, no sign,
 * at most INT64_MAX. 0 or -1. */
int loki_parse_ns(const char *s, int64_t *out);

/*
 * One line for the status bar from a failed request: "HTTP 400: parse error
 * at line 1, col 5: syntax error: unexpected IDENTIFIER" from Loki's text/plain
 * body (or the "error"/"message" of a JSON one), made printable (text_sanitize),
 * runs of blanks folded, cut at LOKI_ERROR_MAX bytes with "...". An empty
 * body gives a word on the status: "HTTP 429: too many requests (throttled)".
 * status 0: no "HTTP" prefix.
 */
char *loki_error_message(long status, const char *body, size_t len);

/* How a tail ended, from the websocket close (code, reason): */
typedef enum {
	LOKI_TAIL_DONE,      /* 1000: we or the server ended it cleanly */
	LOKI_TAIL_RECONNECT, /* 1006 (no close frame), or a 1011 that a new tail may cure
	                        (tail max duration reached, ingesters went away, too slow) */
	LOKI_TAIL_FATAL,     /* anything else, e.g. the concurrent tail limit */
} loki_tail_end_t;
/* The kind, and a message (malloc'd, never NULL when msg is not NULL):
 * "tail closed by Loki (1011): reached tail max duration limit". */
loki_tail_end_t loki_tail_close(int code, const char *reason, size_t len, char **msg);

/*
 * The window of the next query_range page, as logcli pages (Loki has no
 * cursor): after a page whose last entry (in the order read) is at last_ts,
 * forward asks again from start = last_ts (start is inclusive), backward up
 * to end = last_ts + 1 (end is exclusive); the entries at last_ts come again
 * and logdedup drops them. Returns 0 with the window updated, or -1 when
 * there is nothing more to ask: the window is empty, or it would not move (a
 * whole page at one nanosecond: only a larger limit gets past it).
 */
int loki_page_next(loki_direction_t dir, int64_t last_ts, int64_t *start_ns, int64_t *end_ns);

/*
 * URLs. base may end in '/' and may carry a path prefix (http://gw/loki-eu is
 * kept); the LogQL is percent-encoded per RFC 3986 (space is %20). Times are
 * ns epoch; a time, limit or query of 0/NULL leaves its parameter out.
 *   base/loki/api/v1/query_range?query=Q&start=S&end=E&limit=L&direction=backward
 *   base/loki/api/v1/labels?start=S&end=E
 *   base/loki/api/v1/label/NAME/values?start=S&end=E&query=Q
 * The tail URL turns http:// into ws:// and https:// into wss:// (ws:// and
 * wss:// are kept); any other base gives NULL. delay_for is clamped to 0..5
 * (Loki refuses more) and left out when 0:
 *   ws://host/loki/api/v1/tail?query=Q&start=S&limit=L&delay_for=D
 */
char *loki_url_query_range(const char *base, const char *query, int64_t start_ns, int64_t end_ns,
			   int limit, loki_direction_t dir);
char *loki_url_labels(const char *base, int64_t start_ns, int64_t end_ns);
char *loki_url_label_values(const char *base, const char *name, int64_t start_ns, int64_t end_ns,
			    const char *query);
char *loki_url_tail(const char *base, const char *query, int64_t start_ns, int limit,
		    int delay_for);

#endif
