/* Views as modules: requests, key tables, the view_ops_t every view exports, and what views may ask of the console. */
#ifndef ICN_VIEW_H
#define ICN_VIEW_H
#include <stddef.h>
#include <stdint.h>
#include "ui/layout.h"

/* Requests: what a key asks for. One list gives the enum and the names; the
 * key tables bind keys to them and are what the help screen prints. */
#define REQUESTS(X)                                                                      \
	X(REQ_NONE) X(REQ_HELP) X(REQ_CMDLINE) X(REQ_QUIT) X(REQ_BACK_OR_QUIT) X(REQ_BACK) \
	X(REQ_NEXT_VIEW) X(REQ_PREV_VIEW) X(REQ_VIEW1) X(REQ_VIEW2) X(REQ_VIEW3)            \
	X(REQ_VIEW4) X(REQ_VIEW5) X(REQ_VIEW6) X(REQ_REFRESH) X(REQ_REDRAW)                              \
	X(REQ_LEFT) X(REQ_RIGHT) X(REQ_UP) X(REQ_DOWN) X(REQ_PGUP) X(REQ_PGDN) X(REQ_TOP)   \
	X(REQ_BOTTOM) X(REQ_ENTER) X(REQ_RANGE_SHORTER) X(REQ_RANGE_LONGER)                 \
	X(REQ_DETAILS) X(REQ_FILTER) X(REQ_ACK) X(REQ_UNACK) X(REQ_EXTEND)                  \
	X(REQ_COLLAPSE) X(REQ_SHOW_EXPIRED) X(REQ_COPY)                                      \
	X(REQ_FOLLOW) X(REQ_QUERY) X(REQ_EXCLUDE) X(REQ_NEXT_MATCH) X(REQ_PREV_MATCH)      \
	X(REQ_NEXT_ERROR) X(REQ_PREV_ERROR) X(REQ_WRAP) X(REQ_LABELS) X(REQ_LOGS)          \
	X(REQ_TRACES) X(REQ_SORT) X(REQ_COLLAPSE_ALL) X(REQ_CRITICAL) X(REQ_ZOOM_IN)         \
	X(REQ_ZOOM_OUT) X(REQ_ZOOM_SPAN) X(REQ_ZOOM_RESET)
#define REQ_ENUM_(r) r,
typedef enum { REQUESTS(REQ_ENUM_) REQ__COUNT } req_t;
#undef REQ_ENUM_

typedef struct {
	int key;
	const char *label; /* NULL: an alias of the row above, not listed in help */
	req_t req;
	const char *help;
} keybind_t;

typedef struct ui ui_t;
typedef struct view view_t;

/* A `:` command. */
typedef struct {
	const char *name;
	const char *alias;
	const char *args;
	const char *help;
	int (*fn)(ui_t *ui, const char *arg);
} command_t;

enum {
	VIEW_F_NONE = 0,
	VIEW_F_ALERTS = 1 << 0, /* draws the alerts model: repaint it when alerts change
	                           (other views only show the header's count) */
};

/* A jump from one view to another (L on an alert or a panel opens its logs,
 * T on a log line its trace): what to show there. Strings are the caller's;
 * the view copies them. */
typedef struct {
	const char *query;        /* Logs: the LogQL stream selector and filters */
	int64_t start_ns;         /* the window's start (0: the view's own) */
	int64_t end_ns;           /* Traces: the window's end (0: start plus 10 minutes) */
	int64_t focus_ns;         /* put the cursor on the first line at or after
	                             this, paused (0: follow the newest) */
	const char *why;          /* for the status line: "logs of VortexOOM (director-3)" */
	const char *trace_id;     /* Traces: open this trace ... */
	const char *span_id;      /* ... with the cursor on this span (may be NULL) */
	const char *service;      /* Traces: search this service's traces in the window */
	const char *const *hints; /* ... or, NULL, the service these words name best
	                             (an alert's label values), NULL-terminated */
} jump_t;

typedef struct view_ops {
	const char *name;          /* "Dashboard": the view bar and help */
	const char *hint;          /* status line when nothing else is said */
	unsigned flags;
	size_t private_size;       /* bytes of state allocated (zeroed) for the view */
	const keybind_t *keys;     /* the view's own keys, looked up before the global ones */
	size_t n_keys;
	const command_t *cmds;     /* the view's own `:` commands, looked up before the global ones */
	size_t n_cmds;
	/* all optional but draw and request */
	void (*open)(view_t *v);
	void (*close)(view_t *v);
	void (*focus)(view_t *v, int shown);   /* became the shown view (1) or left it (0) */
	void (*draw)(view_t *v, rect_t area);
	/* handle a request; return REQ_NONE when handled, else the request for the
	 * console to handle (quit, help, views, refresh) */
	req_t (*request)(view_t *v, req_t req);
	/* the refresh timer fired (or r): ask for what this view shows while shown */
	void (*reload)(view_t *v);
	/* once a second; return 1 when the view shows something that moved (ages) */
	int (*tick)(view_t *v, double now);
	/* status line hint that depends on the view's state (else `hint`) */
	const char *(*hint_fn)(view_t *v);
	/* the right end of the view bar ("ICN Overview  range 1h  every 5s"), malloc'd or NULL */
	char *(*status)(view_t *v);
	/* show what another view asks for (a jump_t); 0, or -1 when it cannot */
	int (*jump)(view_t *v, const jump_t *j);
} view_ops_t;

struct view {
	const view_ops_t *ops;
	ui_t *ui;
	void *priv;                /* private_size bytes, owned by the console */
};

/* What views may ask of the console (src/ui/tui.c). */
/* A message on the status line (errors stay longer and go to the log). */
void ui_say(ui_t *ui, int err, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Something changed: paint soon (coalesced). */
void ui_dirty(ui_t *ui);
/* Something arrived from the network (a log line): paint within 60 ms, one
 * paint for all that arrives meanwhile. */
void ui_dirty_net(ui_t *ui);
/* The area views draw in (below the header and view bar, above the status line). */
rect_t ui_content_area(void);
/* Copy text to the local clipboard with OSC 52 (works over ssh, and in tmux
 * with set-clipboard on) and say "WHAT copied (N bytes)"; when the clipboard
 * is off (--no-clipboard, clipboard: false) say so instead. */
void ui_copy(ui_t *ui, const char *what, const char *text);
/* Switch to the view named (e.g. "Alerts"); returns its view or NULL. */
view_t *ui_show_view(ui_t *ui, const char *name);
/* Hand a jump to the view named, then show it; NULL when it has no such view
 * or the view could not take it (it said why). */
view_t *ui_jump(ui_t *ui, const char *name, const jump_t *j);

#endif
