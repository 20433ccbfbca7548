/* The Traces view's parts, shared by its files: the state, and what one part
 * asks of another. traces.c holds the connection, the results, the waterfall
 * and the ops; traces_form.c the search form; traces_span.c a span's details
 * and its logs. Not for other modules. */
#ifndef ICN_TRACES_INT_H
#define ICN_TRACES_INT_H
#include "app/traces.h"
#include "ui/ui.h"

#define TV_LOOKBACK_DEFAULT_MS (60LL * 60 * 1000)
#define TV_LOOKBACK_MIN_MS (60LL * 1000)
#define TV_LOOKBACK_MAX_MS (2LL * 24 * 3600 * 1000)
#define TV_LIMIT_DEFAULT 20
#define TV_JUMP_BEFORE_US (5LL * 60 * 1000000) /* an alert's traces: from 5 min before its start */
#define TV_JUMP_AFTER_US (5LL * 60 * 1000000)  /* ... to 5 min after */
#define TV_JUMP_LIMIT 200

enum { SORT_TIME, SORT_DURATION, SORT_SPANS, SORT__N };

typedef struct {
	traces_t *tr;
	unsigned gen;               /* the context (ui->ctx_gen) tr reads */
	/* Jaeger's services, and the operations of one (completion) */
	char **svcs;
	size_t n_svcs;
	int have_svcs, asking_svcs;
	char *svcs_err;
	char **ops;
	size_t n_ops;
	char *ops_of;               /* the service ops are of (or being asked about) */
	/* the search */
	char *service, *operation, *tags, *window;
	long long lookback_ms;      /* the window: the last lookback_ms ... */
	int64_t start_us, end_us;   /* ... or this one, when start_us is set */
	int64_t min_us, max_us;
	int limit;
	int searched, searching;
	char *search_err;
	trace_summary_t *res;
	size_t n_res;
	size_t *order;              /* res by the sort */
	int sort;
	list_t rl;                  /* the results' selection; before any search, the services' */
	/* the trace */
	int in_trace;               /* the waterfall is shown (else the results) */
	trace_t *t;
	char *loading;              /* the id being fetched */
	char *want, *want_span;     /* the id (and span) asked last: r asks again after a failure */
	int want_form;              /* a jump named no service: the form opens when shown */
	int64_t focus_us;           /* a jump's moment: the trace nearest it is selected */
	double searched_at;         /* when the traces shown were found (unix s) */
	char *saved;                /* the service in the state file (traces-service) */
	char *focus_span;           /* ... and the span to put the cursor on */
	char *trace_err;
	uint8_t *collapsed;
	uint32_t *rows;
	size_t n_rows;
	list_t wl;                  /* the waterfall's selection (row index) */
	int critical;
	uint64_t arrived_ns;        /* when the trace arrived (for the log's first-paint line) */
	int64_t v0, v1;             /* the time axis shown, µs since the trace's start */
	char *find;                 /* the last /, for n and N */
	/* a jump waiting for the services (T on an alert) */
	char **hints;
	size_t n_hints;
	char *why;
	int page;
} traces_view_t;


static inline traces_view_t *tv_of(view_t *v)
{
	return v->priv;
}

/* traces.c */
traces_t *tv_conn(view_t *v, int say);
void tv_search(view_t *v);
void tv_ask_services(view_t *v);
void tv_ask_operations(view_t *v, const char *service);
/* traces_form.c: the search form (over the view); a window typed as there */
void tv_form_open(view_t *v);
char *tv_parse_window(traces_view_t *tv, const char *w);
/* traces_span.c: the selected span's details; L on a span */
void tv_span_details(view_t *v);
void tv_span_logs(view_t *v, uint32_t span);

#endif
