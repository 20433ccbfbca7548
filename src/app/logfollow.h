/* A LogQL query from its history to live: query_range over a window (paged),
 * then Loki's tail from the newest line read (app/logtail), every line once.
 * The one path the Logs view and `icn-console logs` share. No curses. */
#ifndef ICN_LOGFOLLOW_H
#define ICN_LOGFOLLOW_H
#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include "app/logtail.h"
#include "core/http.h"
#include "core/ws.h"

typedef struct logfollow logfollow_t;

/* Lines per query_range request: Loki's default max_entries_limit_per_query. */
#define LOGFOLLOW_PAGE 5000

typedef struct {
	size_t lines;       /* history lines delivered */
	int cut;            /* the limit (lines or bytes) was reached before the window's
	                       start: older lines of the window, if any, were not read */
	int64_t oldest_ns;  /* the oldest line read (0 none) */
	const char *error;  /* NULL, or why the history failed (the pages read before are
	                       told all the same, `lines` of them; nothing follows) */
	const char *const *warnings; /* Loki's envelope warnings, NULL-terminated (may be NULL) */
} logfollow_history_t;

typedef struct {
	/* a line, exactly once: the history oldest first, then live ones */
	void (*on_entry)(logfollow_t *f, const labels_t *stream, int64_t ts_ns, const char *line,
			 size_t len, void *ud);
	/* as logtail's: n dropped by Loki, or (n 0) an outage not read back */
	void (*on_dropped)(logfollow_t *f, size_t n, int64_t ts_ns, void *ud);
	/* the history is in (or failed): before any live line */
	void (*on_history)(logfollow_t *f, const logfollow_history_t *h, void *ud);
	/* the tail's state (not called without follow) */
	void (*on_state)(logfollow_t *f, logtail_state_t st, const char *msg, void *ud);
	/* as logtail's: n entries Loki dropped were read back (told by on_entry); may be NULL */
	void (*on_recovered)(logfollow_t *f, size_t n, int64_t ts_ns, void *ud);
} logfollow_cbs_t;

typedef struct {
	const char *base;           /* Loki's base URL */
	const char *query;          /* LogQL */
	int64_t start_ns, end_ns;   /* the history's window; end 0 = now */
	size_t limit;               /* history lines at most, the newest of the window
	                               (read in pages of LOGFOLLOW_PAGE); 0 = one page */
	size_t max_bytes;           /* history bytes at most (0: no bound but the limit) */
	const char *const *headers; /* "Name: value", NULL-terminated (logtail_headers_new) */
	http_client_t *http;
	long timeout_ms;
	ws_client_t *ws;            /* NULL: the history only; else follow live after it */
	long backoff_min_ms, backoff_max_ms; /* the tail's (0: 1 s and 30 s) */
} logfollow_opts_t;

/* Starts at once: the history's first request goes out now. The strings are copied. */
logfollow_t *logfollow_new(uv_loop_t *loop, const logfollow_opts_t *o, const logfollow_cbs_t *cbs,
			   void *ud);
/* Stop: no callback runs afterwards (safe from inside one). */
void logfollow_free(logfollow_t *f);
/* The tail, once the history is in and follow was asked (else NULL). */
logtail_t *logfollow_tail(const logfollow_t *f);
/* Still reading the history. */
int logfollow_loading(const logfollow_t *f);

#endif
