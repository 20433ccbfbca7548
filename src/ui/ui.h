/* The console's shared state, as views and overlays see it: the models, the views, the overlay stack. */
#ifndef ICN_UI_H
#define ICN_UI_H
#include <uv.h>
#include "app/alerts.h"
#include "app/backends.h"
#include "app/dash.h"
#include "app/probe.h"
#include "app/targets.h"
#include "core/conf.h"
#include "core/http.h"
#include "core/xalloc.h"
#include "ui/overlay.h"
#include "ui/screen.h"
#include "ui/tui.h"
#include "ui/view.h"

#define UI_MAX_VIEWS 8
#define UI_MAX_OVERLAYS 8

struct ui {
	const tui_opts_t *o;
	uv_loop_t *loop;
	http_client_t *http;
	screen_t scr;
	conf_context_t ctx;
	/* models, owned by their app modules; views read them and call those modules */
	backends_t bk;
	dash_t dash;
	targets_t tg;
	alerts_t al;
	hprobe_t probe;              /* the header's loki and jaeger dots, asked every 30 s */

	view_t views[UI_MAX_VIEWS];
	size_t n_views, cur;
	overlay_t ov[UI_MAX_OVERLAYS];
	int n_ov;

	uv_poll_t in;
	uv_signal_t sig[4];
	uv_timer_t t_refresh, t_tick, t_paint;
	int paint_pending;
	uint64_t paint_due;         /* loop time the pending paint is for */
	int header_only;            /* the pending paint is the clock's alone */
	char *msg;
	int msg_err;
	double msg_until;
	int quit;
	int exit_code;              /* 128+N when signal N stopped the console */
	int empty_reads;
	double started;
	int first_complete;
	double last_bell;
	history_t cmd_hist;         /* the `:` lines entered (and those of earlier sessions) */
	size_t hist_saved;          /* cmd_hist.added when it was read or written */
	unsigned ctx_gen;           /* a new number at every :ctx (writes check it) */
	strbuf_t exit_notes;        /* writes that failed after the screen closed */
};

/* Glyphs in one table, UTF-8 and ASCII side by side. */
typedef enum { GL_HEALTH_OK, GL_HEALTH_SLOW, GL_HEALTH_DOWN, GL_HEALTH_UNKNOWN, GL_EXPANDED,
	       GL_COLLAPSED, GL_BAR, GL_DOT, GL_DASH, GL__COUNT } glyph_t;
const char *ui_glyph(glyph_t g);

/* "12s ago", "3m ago", "never". */
void ui_fmt_ago(double t, char *buf, size_t n);

/* The views, each exported by its file under src/ui/views/. */
extern const view_ops_t dashboard_view_ops;
extern const view_ops_t targets_view_ops;
extern const view_ops_t alerts_view_ops;
extern const view_ops_t silences_view_ops;
extern const view_ops_t logs_view_ops;
extern const view_ops_t traces_view_ops;

/* L on an alert or a panel: the Logs view on the streams its labels name
 * (model/logsel with the config's `logs: labels:`), else on `fallback` (a
 * panel's `logs:`), else on every stream; around `moment_ns` (an alert's
 * start: the cursor there, paused) or, 0, live. `what` names it for the
 * status line ("VortexOOM"). */
void logs_jump_labels(ui_t *ui, const labels_t *l, const char *fallback, int64_t moment_ns,
		      const char *what);

/* T on an alert: the Traces view searches, around `moment_ns` (from 5 minutes
 * before to 10 after), the traces of the Jaeger service its labels name best
 * (service, app or job, else the one its alertname holds: VortexOOM ->
 * icn-vortex); when none does, the search form opens with the window set. */
void traces_jump_labels(ui_t *ui, const labels_t *l, int64_t moment_ns, const char *what);

/* "21:40" today, "Mon 21:40" within a week, else "2026-12-01 21:40" (local time). */
char *ui_fmt_time(double t, char *buf, size_t n);
/* "1h58m" until t (from now); "expired" when past. */
char *ui_fmt_left(double t, char *buf, size_t n);

/* The console's `:` commands (src/ui/commands.c) and global keys (for help). */
const command_t *ui_commands(size_t *n);
/* Run a `:` line: the shown view's commands first, then the console's. */
void ui_run_command(ui_t *ui, const char *line, void *ud);
/* Tab on the `:` line: commands (the view's and the console's), then contexts
 * after :ctx, ranges after :range, themes after :theme (see complete_line). */
char *ui_complete_command(ui_t *ui, const char *text, char **cands);
/* The `:` history across sessions, in $XDG_STATE_HOME/icn-console/history
 * (~/.local/state/icn-console/history): read at start, written at exit when
 * lines were entered. */
void ui_history_load(ui_t *ui);
void ui_history_save(ui_t *ui);
/* The same for other lines kept across sessions (the Logs view's queries, in
 * "logs-queries"): read them into h; write h whole (0600, atomically). */
void ui_state_read(const char *name, history_t *h);
void ui_state_write(const char *name, const history_t *h);
/* The view on screen. */
view_t *ui_cur_view(ui_t *ui);
/* Open the help box (every key and command, from the tables). */
void ui_open_help(ui_t *ui);
const keybind_t *ui_global_keys(size_t *n);
/* Quit; asks first while a write to Alertmanager is under way. */
void ui_quit(ui_t *ui);
/* Refresh what the shown view needs now. */
void ui_refresh_now(ui_t *ui);
/* Apply a new refresh interval. */
void ui_set_refresh(ui_t *ui, long long ms);

#endif
