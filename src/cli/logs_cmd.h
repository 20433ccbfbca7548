/* icn-console logs: a LogQL query's history from Loki, and with --tail its lines live. No curses. */
#ifndef ICN_CLI_LOGS_CMD_H
#define ICN_CLI_LOGS_CMD_H
#include <uv.h>
#include "core/conf.h"
#include "core/http.h"

typedef struct {
	uv_loop_t *loop;
	http_client_t *http;
	const conf_context_t *ctx; /* ctx->loki set */
	long timeout_ms;
	const char *query;         /* LogQL */
	long long since_ms;        /* history window: now - since .. now */
	int limit;                 /* history lines at most (the newest) */
	int tail;                  /* follow live afterwards */
	long long duration_ms;     /* with tail: stop after this long; 0 = until interrupted */
	int jsonl;                 /* one JSON object a line, else text */
} cli_logs_t;

/*
 * Prints the window's lines (the newest `limit`, oldest first), then with
 * tail every line as it comes, each exactly once across reconnections, in
 * time order per stream. text: "TIME {labels} line", the line shown safe
 * for a terminal (controls escaped); jsonl: {"ts": "<ns>", "labels": {...},
 * "line": "..."} per line, the line exact. Entries Loki dropped and the
 * reconnections are said on stderr. Returns 0 (also when interrupted), 1 when
 * Loki failed or refused the query (named on stderr).
 */
int cli_logs(const cli_logs_t *c);

#endif
