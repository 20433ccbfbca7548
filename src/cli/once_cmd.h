/* The one-shot outputs: --once and the targets command. No curses. */
#ifndef ICN_CLI_ONCE_CMD_H
#define ICN_CLI_ONCE_CMD_H
#include <uv.h>
#include "app/alerts.h"
#include "app/dash.h"
#include "core/conf.h"
#include "core/http.h"
#include "core/panels.h"

/* Ask every panel once (and the firing count), print them as `output` says
 * ("json", else text); the exit status: 0 every backend and panel answered
 * (whatever their states), 1 a backend is down or a panel's query failed
 * (the first named on stderr). */
int run_once(dash_t *d, alerts_t *al, const dashboard_t *board, const char *output);
/* The targets command: down first; text or JSON; 0, or 1 when Prometheus failed. */
int run_targets(http_client_t *http, uv_loop_t *loop, const conf_context_t *ctx, long timeout_ms,
		const char *output);

#endif
