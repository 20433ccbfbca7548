/* Following a LogQL query live over Loki's websocket tail: reconnects, resumes, dedupes. No curses. */
#ifndef ICN_LOGTAIL_H
#define ICN_LOGTAIL_H
#include <stddef.h>
#include <stdint.h>
#include <uv.h>
#include "core/ws.h"
#include "core/conf.h"
#include "core/http.h"
#include "model/series.h"

typedef struct logtail logtail_t;

typedef enum {
	LOGTAIL_CONNECTING,   /* asking for the websocket */
	LOGTAIL_LIVE,         /* open: entries come as Loki sends them */
	LOGTAIL_WAITING,      /* cut; the next try is in a few seconds (the message says when) */
	LOGTAIL_FAILED,       /* Loki refused the tail for good (bad query, tail limit): no retry */
} logtail_state_t;

typedef struct {
	/* one entry, exactly once across reconnects, in the order Loki sent it */
	void (*on_entry)(logtail_t *t, const labels_t *stream, int64_t ts_ns, const char *line,
			 size_t len, void *ud);
	/* Loki dropped n entries (a slow client), or (n 0) the lines of an outage
	 * from first_ts_ns could not be read back: never hidden, never invented */
	void (*on_dropped)(logtail_t *t, size_t n, int64_t first_ts_ns, void *ud);
	/* the connection's state changed; msg says why in words (may be "") */
	void (*on_state)(logtail_t *t, logtail_state_t st, const char *msg, void *ud);
	/* n entries Loki dropped (from first_ts_ns) were read back by query_range
	 * and told by on_entry, late (may be NULL); those not found go to on_dropped */
	void (*on_recovered)(logtail_t *t, size_t n, int64_t first_ts_ns, void *ud);
} logtail_cbs_t;

typedef struct {
	const char *base;          /* Loki's base URL (http, https, ws, wss) */
	const char *query;         /* LogQL */
	int64_t start_ns;          /* the first tail starts here (inclusive); 0 = now */
	int limit;                 /* backfill of the first tail (Loki's limit); 0 = Loki's 100 */
	const char *const *headers; /* NULL-terminated "Name: value" (X-Scope-OrgID, Authorization) */
	/* backoff between tries: min_ms doubling up to max_ms (0: 1 s and 30 s) */
	long backoff_min_ms, backoff_max_ms;
	/* With a client, a resumed tail starts at the moment of reconnecting and
	 * the lines of the outage are read by query_range (paged, so any number),
	 * the tail's lines held back meanwhile: nothing lost however long the cut.
	 * Without, the tail's own backfill (at most 5,000 lines) covers it.
	 * When base's backend there takes its token from a credential-command
	 * (and headers carry no Authorization), every connection first asks the
	 * client for that token (http_client_token: kept, shared with the HTTP
	 * requests); a 401 on the upgrade drops it and the command runs again,
	 * once: a second 401 is final. */
	http_client_t *http;
	long timeout_ms;
	/* nothing from Loki for this long while live (it is pinged every few
	 * seconds): the tail is dead, asked again (0: 10 s) */
	long stall_ms;
} logtail_opts_t;

/* A tail, not yet connected. The entries the caller already has (a history
 * read by query_range) are told with logtail_seen, then logtail_start
 * connects: from the newest of them (inclusive, the repeats dropped), so the
 * join neither repeats nor loses a line; with none, from start_ns. */
logtail_t *logtail_new(uv_loop_t *loop, ws_client_t *ws, const logtail_opts_t *o,
		       const logtail_cbs_t *cbs, void *ud);
void logtail_seen(logtail_t *t, const labels_t *stream, int64_t ts_ns, const char *line, size_t len);
void logtail_start(logtail_t *t);
/* Stop: no callback runs afterwards. */
void logtail_free(logtail_t *t);
logtail_state_t logtail_state(const logtail_t *t);
/* The headers Loki wants from a context, NULL-terminated "Name: value" (for
 * http_opts_t.headers and logtail_opts_t.headers): X-Scope-OrgID from
 * loki-org-id / LOKI_ORG_ID; Authorization: Bearer from loki-bearer-token /
 * LOKI_BEARER_TOKEN, else the loki backend's bearer-token-file, else Basic
 * from LOKI_USERNAME and LOKI_PASSWORD, else the backend's basic-auth (or its
 * URL's user:password); then the backend's headers of other names. They
 * hold secrets: never log or print them. */
char **logtail_headers_new(const conf_context_t *ctx);
void logtail_headers_free(char **h);
/* Reconnections so far, and entries dropped as repeats at the joins. */
size_t logtail_reconnects(const logtail_t *t);
size_t logtail_repeats(const logtail_t *t);

#endif
