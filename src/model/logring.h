/* The Logs view's scrollback: a ring of log lines bounded in lines and bytes, streams interned. */
#ifndef ICN_LOGRING_H
#define ICN_LOGRING_H
#include <stddef.h>
#include <stdint.h>
#include "model/logfields.h"
#include "model/series.h"

#define LOGRING_DEFAULT_LINES 100000
#define LOGRING_DEFAULT_BYTES ((size_t)64 * 1024 * 1024)
#define LOGRING_NO_STREAM UINT32_MAX

typedef enum {
	LOGRING_LINE, /* a log line */
	LOGRING_GAP,  /* "N entries dropped by the server" (tail dropped_entries) */
} logring_kind_t;

/* One entry as the view reads it; pointers stay valid until the entry is
 * evicted or the ring freed. */
typedef struct {
	uint64_t seq;          /* absolute: never reused, so a view keeps its place */
	int64_t ts_ns;
	logring_kind_t kind;
	loglevel_t level;
	uint32_t stream;       /* LOGRING_NO_STREAM for a gap */
	const char *line;      /* NUL-terminated, may hold NULs; NULL for a gap */
	size_t len;
	uint64_t dropped;      /* a gap: how many entries */
} logring_line_t;

typedef struct logring logring_t;

/* A ring that keeps at most max_lines entries and about max_bytes of memory
 * (lines, their bookkeeping and the label sets they use); 0 takes the
 * defaults. The oldest entries go first; the newest one always stays. */
logring_t *logring_new(size_t max_lines, size_t max_bytes);
void logring_free(logring_t *r);

/* Append a line of `stream` (its labels are copied once per distinct set and
 * freed when no entry uses them). The level comes from the line, else the
 * stream (loglevel_of). Returns the new entry's seq. O(1) amortised. */
uint64_t logring_append(logring_t *r, int64_t ts_ns, const labels_t *stream, const char *line,
			size_t len);
/* The same with the level given (e.g. already known). */
uint64_t logring_append_level(logring_t *r, int64_t ts_ns, const labels_t *stream,
			      const char *line, size_t len, loglevel_t level);
/* A gap marker for `count` entries the server dropped (ts: the newest of
 * them). Follows a gap directly: the counts add up, no new entry. */
uint64_t logring_append_gap(logring_t *r, int64_t ts_ns, uint64_t count);

/* Entry `seq`: 0, or -1 when it was evicted or is not there yet. */
int logring_get(const logring_t *r, uint64_t seq, logring_line_t *out);

/* Seq of the oldest entry kept, and the seq the next append gets; the
 * newest is next - 1 when count > 0. Both 0 on a new ring. */
uint64_t logring_first(const logring_t *r);
uint64_t logring_next(const logring_t *r);
size_t logring_count(const logring_t *r);
/* Bytes held now (what the budget counts, plus the index array). */
size_t logring_bytes(const logring_t *r);
/* Label sets held now (one per distinct set that some entry uses). */
size_t logring_streams(const logring_t *r);
/* The labels of a stream id from an entry (NULL for LOGRING_NO_STREAM or a
 * stream no entry uses any more). */
const labels_t *logring_stream_labels(const logring_t *r, uint32_t id);

/* Drop every entry (seqs keep counting). */
void logring_clear(logring_t *r);

#endif
