/* Dropping the entries a resumed tail sends again: Loki's start is inclusive. */
#ifndef ICN_LOGDEDUP_H
#define ICN_LOGDEDUP_H
#include <stddef.h>
#include <stdint.h>
#include "model/series.h"

/*
 * A tail resumed with start = the newest timestamp received sends the entries
 * at that timestamp again. This keeps the newest timestamp seen and the
 * (stream, line) hashes of the entries at it; an entry at that timestamp with
 * a hash already there is a repeat. Loki itself refuses an entry equal to
 * another in stream, timestamp and line, so a repeat is never a real line.
 * Entries older than the boundary are kept (the resumed tail never sends
 * them: they are another stream's late lines); a newer one moves the boundary
 * and forgets the old set. At most LOGDEDUP_MAX hashes are kept (512 KB): more
 * than a history page holds (LOGFOLLOW_PAGE, 5000), so a page boundary falling
 * inside a run of lines at one nanosecond never shows one twice; a flood at
 * one nanosecond past that is not remembered (a repeat of it shows twice).
 * 64-bit hashes: a false match needs ~2^32 entries at one nanosecond.
 */
#define LOGDEDUP_MAX 65536

typedef struct {
	int64_t ts;       /* the boundary: newest timestamp seen (INT64_MIN at first),
	                     the oldest when backward (INT64_MAX at first) */
	int backward;
	uint64_t *h;      /* hashes of the entries at ts */
	size_t n, cap;
} logdedup_t;

void logdedup_init(logdedup_t *d);
/* For pages fetched backward (query_range direction=backward, the next page
 * asked with end = the oldest timestamp + 1 ns, end being exclusive): the
 * boundary is the oldest timestamp seen, older entries move it, newer ones
 * are kept. Same rules otherwise. */
void logdedup_init_backward(logdedup_t *d);
void logdedup_free(logdedup_t *d);
/* Forget everything (a new query, not a resume). */
void logdedup_reset(logdedup_t *d);
/* 1: a repeat, drop it; 0: new (and remembered when at the boundary). */
int logdedup_check(logdedup_t *d, const labels_t *stream, int64_t ts_ns, const char *line,
		   size_t len);
/* The hash it uses, for callers that keep it. */
uint64_t logdedup_hash(const labels_t *stream, const char *line, size_t len);

#endif
