/* Dashboard data: panel definitions + live Prometheus results + backend health. No curses. */
#ifndef ICN_DASH_H
#define ICN_DASH_H
#include <stddef.h>
#include <uv.h>
#include "app/backends.h"
#include "core/conf.h"
#include "core/http.h"
#include "core/panels.h"
#include "model/series.h"

#define DASH_MAX_ANSWER_DEFAULT ((size_t)16 << 20)
#define DASH_MAX_SERIES_DEFAULT 200
#define DASH_MAX_PARALLEL_DEFAULT 4

struct dash;

typedef struct {
	struct dash *owner;   /* so request callbacks need no allocation of their own */
	const panel_def_t *def;
	series_set_t now;     /* instant vector at eval_time (one sample per series) */
	double value;         /* the reduced value (stat, gauge); NaN when none */
	char *value_from;     /* legend of the series that gave a min/max, may be NULL */
	double total;         /* bars: sum of all bars */
	series_set_t range;   /* range data for sparkline/graph */
	double range_start, range_end;
	double range_step;    /* step of the range query, seconds */
	char *range_error;    /* why the last range query failed; NULL when it did not */
	pstate_t state;       /* judged from the last good data, kept while it is stale:
	                         red stays red when Prometheus stops answering */
	int stale;            /* the data is old: the last query failed or none came for
	                         longer than stale_after; its age is now - last_ok */
	char *error;          /* why the last query failed; NULL when it did not */
	char **warnings;
	size_t n_warnings;
	double eval_time;     /* evaluation time of `now` */
	double last_ok;       /* unix time of the last good answer, 0 never */
	int have_data;        /* an instant answer was ever received */
	int no_data;          /* the last answer held no series */
	size_t n_total;       /* series in the last instant answer (now.n is fewer when the
	                         series cap cut it: "showing now.n of n_total series") */
	size_t range_n_total; /* the same for the range answer */
	int want_now, want_range; /* asked for, waiting for a free slot */
	double hold_now_until, hold_range_until; /* not asked again before this (unix
	                         time): an answer too large, or slow to parse, is not
	                         fetched at every refresh */
	http_req_t *req_now, *req_range;
	struct dash_job *job_now, *job_range; /* an answer being parsed off the loop */
} panel_rt_t;

typedef struct dash {
	uv_loop_t *loop;
	http_client_t *http;
	conf_context_t ctx;
	const dashboard_t *board;
	panel_rt_t *p;
	size_t n;
	backends_t *bk;       /* shared health; this module updates bk->prom */
	long long range_ms;   /* graph/sparkline window */
	long timeout_ms;
	long long refresh_ms;
	size_t max_answer;    /* bytes: a bigger answer is stopped and named (0 = 16 MiB) */
	size_t max_series;    /* series kept per panel, the worst (0 = 200) */
	double ask_time;      /* the time of the last dash_refresh: queries waiting for a
	                         slot are asked for it */
	size_t jobs_queued;   /* answers parsed on the work queue so far */
	char *round_error;    /* a query of the refresh at ask_time got no answer at all
	                         (timed out, refused): the ones still waiting are not
	                         asked, so a hung server costs one timeout, not one a wave */
	double round_error_at; /* the ask_time it is for */
	size_t max_parallel;  /* queries in flight or parsing at once (0 = 4): with the
	                         caps this bounds memory, whatever the server sends */
	void (*on_change)(struct dash *d, void *ud);
	void *ud;
} dash_t;

void dash_init(dash_t *d, uv_loop_t *loop, http_client_t *http, backends_t *bk,
	       const conf_context_t *ctx, const dashboard_t *board);
/* Change the context (new URLs): cancels requests, clears data. The caller
 * points the shared backends at the context first (backends_set_context). */
void dash_set_context(dash_t *d, const conf_context_t *ctx);
/* Ask every panel's query at time `now` (and, with ranges, its range data);
 * a panel whose previous request is still under way is not asked again. */
void dash_refresh(dash_t *d, double now, int with_ranges);
/* Re-evaluate states that depend on time (stale). Returns 1 if any changed. */
int dash_tick(dash_t *d, double now);
/* Queries still asked for, under way or being parsed. */
size_t dash_pending(const dash_t *d);
void dash_free(dash_t *d);
/* Set the graph window (cancels range queries of the old window, asks anew). */
void dash_set_range(dash_t *d, long long range_ms);

#endif
