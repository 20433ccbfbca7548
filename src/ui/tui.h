/* The interactive console: one libuv loop for keys, resize, timers and the network. */
#ifndef ICN_TUI_H
#define ICN_TUI_H
#include "core/conf.h"
#include "core/panels.h"
#include "core/theme.h"

typedef struct {
	const conf_t *conf;          /* for :ctx (may have no contexts) */
	const conf_overrides_t *ov;  /* flags, re-applied on :ctx */
	const conf_context_t *ctx;   /* the resolved starting context */
	const dashboard_t *board;
	const theme_t *theme;
	long long refresh_ms;
	long long range_ms;
	long timeout_ms;
	long jaeger_timeout_ms;      /* Jaeger's requests (searches, traces of megabytes) */
	int no_color;
	int ascii;
	int charts;                  /* glyphs_t for charts, -1 = by the terminal */
	double started;              /* unix time the process started, for the log */
	int bell;                    /* ring and notify on a new critical alert */
	long long ack_ms;            /* default duration of an acknowledgement */
	const char *ack_author;      /* default author of an acknowledgement */
	int clipboard;               /* y copies to the terminal's clipboard (OSC 52) */
	const char *note;            /* said on the status line at start (a warning), may be NULL */
} tui_opts_t;

/* Runs until the user quits. Returns 0; 1 when a write to Alertmanager was left
 * unconfirmed or failed as the console stopped (said on stderr); 2 when stdin/stdout is not a terminal;
 * 3 when the terminal type ($TERM) is unknown; 4 when the terminal cannot
 * address the cursor (TERM=dumb); 128+N after signal N (130: Ctrl-C), the
 * terminal restored first. */
int tui_run(const tui_opts_t *o);

#endif
