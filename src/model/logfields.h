/* What a log line says about itself: its level, and the display columns of a JSON line. */
#ifndef ICN_LOGFIELDS_H
#define ICN_LOGFIELDS_H
#include <stddef.h>
#include "model/series.h"

typedef enum {
	LOGLEVEL_UNKNOWN,
	LOGLEVEL_DEBUG,
	LOGLEVEL_INFO,
	LOGLEVEL_WARN,
	LOGLEVEL_ERROR,
	LOGLEVEL_CRITICAL,
} loglevel_t;

/* "debug", "info", ... "unknown". */
const char *loglevel_name(loglevel_t l);

/* A level word, any case: trace/debug/dbg, info/information/notice,
 * warn/warning, error/err/eror, critical/crit/fatal/panic/emerg/alert;
 * anything else is unknown. */
loglevel_t loglevel_parse(const char *s, size_t n);

/*
 * The level of a line without decoding it: the first "level" (or "lvl",
 * "severity") key of a JSON object line ("level":"warn"), else a logfmt
 * level=warn; else the stream's "level" (or "detected_level") label; else
 * unknown. Cheap: one pass over the line, no allocation. stream may be NULL.
 */
loglevel_t loglevel_of(const char *line, size_t len, const labels_t *stream);

/* The columns of a JSON line (malloc'd, NULL when absent). Strings are taken
 * as they are (render them with text_render_line); numbers and booleans as
 * JSON prints them; "directors" (an array) joined with ","; another array or
 * an object as its compact JSON. msg falls back to "message", level to "lvl"
 * and "severity". A line that is not a JSON object: json is 0, msg is the raw
 * line (NULs and all, msg_len says how long) and the rest NULL. */
typedef struct {
	char *ts, *level, *msg, *slot, *directors, *error, *trace_id, *span_id;
	size_t msg_len;
	int json;
} logfields_t;

void logfields_parse(const char *line, size_t len, logfields_t *out);
void logfields_free(logfields_t *f);

/* The trace a line names (T in the Logs view): a JSON line's trace_id and
 * span_id (or traceID, traceId), else a logfmt line's trace_id= and span_id=
 * (quoted or not). 0 with *trace_id (and *span_id, NULL when absent)
 * malloc'd, or -1 (both NULL). */
int logfields_trace_ids(const char *line, size_t len, char **trace_id, char **span_id);

#endif
