/* The Logs view's local filters: an include and an exclude regex (POSIX ERE) over the ring, and stepping to the next line that passes. No curses. */
#ifndef ICN_LOGFILTER_H
#define ICN_LOGFILTER_H
#include <regex.h>
#include <stdint.h>
#include "model/logfields.h"
#include "model/logring.h"

typedef struct {
	regex_t re;
	int set;         /* 0: no regex (matches everything as a filter, nothing as a search) */
	char *text;      /* the pattern as typed (malloc'd), NULL when not set */
} logfilter_re_t;

typedef struct {
	logfilter_re_t inc;  /* `/`: a line must match it */
	logfilter_re_t exc;  /* `\`: a line must not match it */
	/* what each entry gave, so a repaint does not match the same lines again:
	 * slot seq % memo_n holds seq + 1 (0: nothing) and the answer */
	uint64_t *memo_seq;
	unsigned char *memo_val;
	size_t memo_n;
} logfilter_t;

/* Set a regex (POSIX extended, case-sensitive unless it says otherwise);
 * NULL or "" clears it. Returns 0, or -1 with *err (malloc'd, may be NULL)
 * saying "bad regex \"(x\": parentheses not balanced"; the old one stays then. */
int logfilter_re_set(logfilter_re_t *r, const char *pattern, char **err);
void logfilter_re_free(logfilter_re_t *r);
/* 1 when r is set and matches the line (NUL-terminated; a NUL inside ends it). */
int logfilter_re_match(const logfilter_re_t *r, const char *line);
void logfilter_free(logfilter_t *f);
/* Remember the answers for up to n entries (the ring's size in lines);
 * logfilter_changed must then follow every change of inc or exc. */
void logfilter_memo(logfilter_t *f, size_t n);
void logfilter_changed(logfilter_t *f);

/* 1 when entry e is shown under f: gaps always; a line when it matches inc
 * (or inc is not set) and does not match exc. */
int logfilter_pass(const logfilter_t *f, const logring_line_t *e);

/*
 * From entry `from` (exclusive) step by dir (+1 newer, -1 older) to the
 * nearest entry that passes f and, when `want` is set, matches it, and when
 * min_level is not LOGLEVEL_UNKNOWN has at least that level (gaps never match
 * want or a level). Entries evicted are skipped: from below the ring's first
 * starts at the first. Returns 0 and *out, or -1 when there is none.
 */
int logfilter_step(const logring_t *r, const logfilter_t *f, uint64_t from, int dir,
		   const logfilter_re_t *want, loglevel_t min_level, uint64_t *out);

/* The newest entry that passes f: 0 and *out, or -1 (none). */
int logfilter_last(const logring_t *r, const logfilter_t *f, uint64_t *out);

#endif
