/* Dashboard data: asks Prometheus for every panel, keeps the answers and each backend's health. */
#include "config.h"
#include "app/dash.h"
#include "backend/prom.h"
#include "core/log.h"
#include "core/text.h"
#include <jansson.h>
#include "core/xalloc.h"
#include <limits.h>
#include <malloc.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Answers up to this are parsed on the loop: a few ms at most. */
#define DASH_PARSE_INLINE_BYTES ((size_t)64 << 10)

/* One answer parsed on libuv's work queue. Everything the worker reads is
 * the job's own: the panel and the dash may be gone when it ends. */
typedef struct dash_job {
	uv_work_t work;
	panel_rt_t *p;        /* NULL once nobody waits for it */
	int range;
	char *body;
	size_t len;
	long status;
	char *url;
	panel_def_t thr;      /* the panel's thresholds only, to rank series */
	size_t max_series;
	prom_result_t res;
	char *err;
	int rc;
	double parse_ms;
	double elapsed_ms;    /* of the request */
} dash_job_t;

static void set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = s ? xstrdup(s) : NULL;
}

static void free_warnings(panel_rt_t *p)
{
	for (size_t i = 0; i < p->n_warnings; i++)
		free(p->warnings[i]);
	free(p->warnings);
	p->warnings = NULL;
	p->n_warnings = 0;
}

static void panel_clear(panel_rt_t *p)
{
	series_set_free(&p->now);
	series_set_free(&p->range);
	free(p->value_from);
	free(p->error);
	free(p->range_error);
	free_warnings(p);
	const panel_def_t *def = p->def;
	dash_t *owner = p->owner;
	memset(p, 0, sizeof *p);
	p->def = def;
	p->owner = owner;
	p->value = NAN;
	p->state = PSTATE_STALE;
}

static void cancel_range(panel_rt_t *p)
{
	if (p->req_range)
		http_cancel(p->req_range);
	if (p->job_range)
		p->job_range->p = NULL; /* it frees itself when the worker is done */
	p->req_range = NULL;
	p->job_range = NULL;
	p->want_range = 0;
}

static void cancel_all(dash_t *d)
{
	for (size_t i = 0; i < d->n; i++) {
		panel_rt_t *p = &d->p[i];
		if (p->req_now)
			http_cancel(p->req_now);
		if (p->job_now)
			p->job_now->p = NULL;
		p->req_now = NULL;
		p->job_now = NULL;
		p->want_now = 0;
		cancel_range(p);
	}
}

void dash_init(dash_t *d, uv_loop_t *loop, http_client_t *http, backends_t *bk,
	       const conf_context_t *ctx, const dashboard_t *board)
{
	memset(d, 0, sizeof *d);
	d->loop = loop;
	d->http = http;
	d->bk = bk;
	d->board = board;
	conf_context_copy(&d->ctx, ctx);
	d->n = board->n_panels;
	d->p = xcalloc(d->n ? d->n : 1, sizeof *d->p);
	for (size_t i = 0; i < d->n; i++) {
		d->p[i].def = &board->panels[i];
		d->p[i].owner = d;
		panel_clear(&d->p[i]);
	}
	d->range_ms = 60LL * 60 * 1000;
	d->timeout_ms = 3000;
	d->refresh_ms = 5000;
	/* jansson's hash seed, set on the loop's thread before a parse runs on
	 * the work queue (jansson would set it lazily, racily) */
	json_object_seed(0);
}

/* A query whose answer was too large is asked again after this long, and one
 * that took long to parse after ten times its parse time (at most a minute):
 * a runaway query costs a little, not a core and 16 MB every refresh. */
#define DASH_HOLD_TOO_LARGE_S 30.0

void dash_set_context(dash_t *d, const conf_context_t *ctx)
{
	conf_context_t copy;
	cancel_all(d);
	conf_context_copy(&copy, ctx); /* before freeing: ctx may be &d->ctx */
	conf_context_free(&d->ctx);
	d->ctx = copy;
	for (size_t i = 0; i < d->n; i++)
		panel_clear(&d->p[i]);
}

static void changed(dash_t *d)
{
	if (d->on_change)
		d->on_change(d, d->ud);
}

static double stale_after(const dash_t *d)
{
	return (3.0 * (double)d->refresh_ms + (double)d->timeout_ms) / 1000.0;
}

/* The state a panel shows, from its data, and whether that data is stale. A
 * failed query or silence does not change the state: the last judgement keeps
 * its colour, marked stale with its age, so on-call keeps every red signal. */
static void panel_state(dash_t *d, panel_rt_t *p, double now)
{
	if (!p->have_data) {
		p->state = p->error ? PSTATE_ERROR : PSTATE_STALE;
		p->stale = 0;
		return;
	}
	p->stale = p->error != NULL || now - p->last_ok > stale_after(d);
	if (p->no_data) {
		p->state = PSTATE_STALE; /* "no data": the answer held no series */
		return;
	}
	if (p->def->type == PANEL_BARS) {
		/* no shares to judge: all bars zero (or summing past a double) */
		if (!isfinite(p->total) || p->total <= 0) {
			p->state = PSTATE_STALE;
			return;
		}
		pstate_t worst = PSTATE_OK;
		for (size_t i = 0; i < p->now.n; i++) {
			pstate_t s = panel_eval(p->def, series_last(&p->now.v[i]) / p->total);
			if (s > worst)
				worst = s;
		}
		p->state = worst;
		return;
	}
	/* NaN (histogram_quantile over a window without observations, 0/0) says
	 * nothing about health; +-Inf is a value thresholds can judge. */
	if (isnan(p->value)) {
		p->state = PSTATE_STALE;
		return;
	}
	p->state = panel_eval(p->def, p->value);
}

static const char *legend_of(const panel_def_t *def, const series_t *s)
{
	if (def->legend) {
		const char *v = labels_get(&s->labels, def->legend);
		if (v)
			return v;
	}
	return NULL;
}

/* The panel's numbers from its series. `cut` is the answer when a cap kept only
 * its worst series (NULL otherwise): a total, a share, a sum, a mean, a min or a
 * max must still be the one of all of them. */
static void panel_compute(panel_rt_t *p, const prom_result_t *cut)
{
	size_t n = p->now.n;
	double *v = xcalloc(n ? n : 1, sizeof *v);
	p->total = 0;
	for (size_t i = 0; i < n; i++) {
		v[i] = series_last(&p->now.v[i]);
		if (isfinite(v[i]))
			p->total += v[i];
	}
	if (cut)
		p->total = cut->sum_all;
	free(p->value_from);
	p->value_from = NULL;
	if (p->def->type == PANEL_BARS) {
		double m = NAN;
		for (size_t i = 0; i < n; i++)
			if (p->total > 0 && (isnan(m) || v[i] / p->total > m))
				m = v[i] / p->total;
		p->value = m;
	} else {
		p->value = reduce_values(p->def->reduce, v, n);
		if (cut) {
			switch (p->def->reduce) {
			case REDUCE_SUM: p->value = cut->sum_num; break;
			case REDUCE_AVG: p->value = cut->n_num ? cut->sum_num / (double)cut->n_num : NAN; break;
			case REDUCE_MIN: p->value = cut->min_all; break;
			case REDUCE_MAX: case REDUCE_LAST: p->value = cut->max_all; break;
			}
		}
		if ((p->def->reduce == REDUCE_MIN || p->def->reduce == REDUCE_MAX) && n > 1) {
			/* the series the dashboard's headline names: among equals the
			 * first as its rows order them, none when all hold the value */
			const char **names = xcalloc(n, sizeof *names);
			size_t *order = xcalloc(n, sizeof *order);
			for (size_t i = 0; i < n; i++)
				names[i] = legend_of(p->def, &p->now.v[i]);
			panel_sort_worst(p->def, v, names, n, order);
			long k = panel_headline_index(p->def, p->value, v, order, n, p->n_total > n);
			if (k >= 0 && names[k])
				p->value_from = xstrdup(names[k]);
			free(names);
			free(order);
		}
	}
	free(v);
}

static size_t max_answer(const dash_t *d)
{
	return d->max_answer ? d->max_answer : DASH_MAX_ANSWER_DEFAULT;
}

static void dispatch(dash_t *d);

/* "answer too large (45 MB > 16 MB cap) for 'QUERY': narrow the query" */
static char *too_large_msg(const http_response_t *r, const char *query)
{
	double cap = (double)r->max_body / 1048576.0;
	char *q = text_sanitize(query);
	char *m;
	if (r->declared_len > 0)
		m = xasprintf("answer too large (%.0f MB > %.0f MB cap) for '%s': narrow the query",
			      (double)r->declared_len / 1048576.0, cap, q);
	else
		m = xasprintf("answer too large (over the %.0f MB cap) for '%s': narrow the query", cap, q);
	free(q);
	return m;
}

/* Looks like JSON: a Prometheus answer, or at least something to parse. */
static int json_like(const http_response_t *r)
{
	if (r->content_type && strstr(r->content_type, "json"))
		return 1;
	for (size_t i = 0; i < r->len; i++) {
		char c = r->body[i];
		if (c != ' ' && c != '\t' && c != '\r' && c != '\n')
			return c == '{';
	}
	return 0;
}

/* "not a Prometheus API: HTTP 404 text/html"; a 401 or 403 names the credentials */
static char *not_api_msg(const http_response_t *r)
{
	char ct[64] = "no content type";
	if (r->content_type && *r->content_type) {
		size_t k = 0;
		for (const char *c = r->content_type; *c && *c != ';' && k + 1 < sizeof ct; c++)
			ct[k++] = (*c > ' ' && *c < 0x7f) ? *c : '?';
		ct[k] = '\0';
	}
	/* a proxy or the server refusing the credentials: say that, not "no API" */
	if (r->status == 401 || r->status == 403)
		return xasprintf("HTTP %ld: %s%s", r->status, r->status == 401 ? "Unauthorized" : "Forbidden",
				 http_status_hint(r->status));
	return xasprintf("not a Prometheus API: HTTP %ld %s", r->status, ct);
}

/* Which series a cap keeps: the worst by the panel's thresholds; without
 * thresholds, those its reduction looks at (the lowest for a min). */
static double rank_for_panel(double v, void *ud)
{
	const panel_def_t *thr = ud;
	if (!thr->warn.set && !thr->crit.set && thr->reduce == REDUCE_MIN)
		return -v;
	return panel_badness(thr, v);
}

static void job_work(uv_work_t *w)
{
	dash_job_t *j = w->data;
	uint64_t t0 = uv_hrtime();
	prom_parse_opts_t o = { 0 };
	o.max_series = j->max_series;
	o.rank = rank_for_panel;
	o.rank_ud = &j->thr;
	j->rc = prom_parse_query_opts(j->body, j->len, j->status, &o, &j->res, &j->err);
	free(j->body);
	j->body = NULL;
	j->parse_ms = (double)(uv_hrtime() - t0) / 1e6;
	/* a big body and its pieces are freed: give the pages back */
	if (j->len >= DASH_PARSE_INLINE_BYTES)
		malloc_trim(0);
}

/* On the work queue: a parse never takes the core keys and paint need. */
static void job_work_queued(uv_work_t *w)
{
	worker_yield_cpu();
	job_work(w);
}

static void job_free(dash_job_t *j)
{
	free(j->body);
	free(j->url);
	free(j->err);
	prom_result_free(&j->res);
	free(j);
}

/* An instant answer, parsed. */
static void apply_now(dash_t *d, panel_rt_t *p, int rc, prom_result_t *res, char *err,
		      const char *url)
{
	if (rc != 0) {
		if (!err)
			err = xstrdup("prometheus: invalid answer");
	} else {
		series_set_free(&p->now);
		p->now = res->set;
		memset(&res->set, 0, sizeof res->set);
		free_warnings(p);
		p->warnings = res->warnings;
		p->n_warnings = res->n_warnings;
		res->warnings = NULL;
		res->n_warnings = 0;
		p->n_total = res->n_series_total;
		p->have_data = 1;
		p->no_data = p->now.n == 0;
		p->last_ok = now_unix();
		panel_compute(p, p->n_total > p->now.n ? res : NULL);
	}
	prom_result_free(res);
	if (err)
		log_msg("prometheus query failed: %s: %s", url, err);
	free(p->error);
	p->error = err;
	panel_state(d, p, now_unix());
}

/* A range answer feeds the curve only. It never decides Prometheus' health: a
 * range is heavier and slower by nature, and the instant queries already say
 * whether the server is there. A good one is still proof of life. */
static void apply_range(dash_t *d, panel_rt_t *p, int rc, prom_result_t *res, char *err,
			const char *url)
{
	if (rc == 0) {
		series_set_free(&p->range);
		p->range = res->set;
		memset(&res->set, 0, sizeof res->set);
		p->range_n_total = res->n_series_total;
		d->bk->prom.last_ok = now_unix();
	} else if (!err) {
		err = xstrdup("prometheus: invalid answer");
	}
	prom_result_free(res);
	if (err)
		log_msg("prometheus range query failed: %s: %s", url, err);
	free(p->range_error);
	p->range_error = err; /* the old curve stays */
}

static void job_done(uv_work_t *w, int status)
{
	dash_job_t *j = w->data;
	panel_rt_t *p = j->p;
	if (p && j->range)
		p->job_range = NULL;
	else if (p)
		p->job_now = NULL;
	if (!p || status == UV_ECANCELED) {
		job_free(j);
		return;
	}
	dash_t *d = p->owner;
	if (j->parse_ms > 200)
		log_msg("prometheus: %zu bytes parsed in %.0f ms (%zu series, %zu kept): %s", j->len,
			j->parse_ms, j->res.n_series_total, j->res.set.n, j->url);
	if (j->parse_ms >= 100) {
		/* ten times the parse's time before the next, so a huge answer costs a
		 * tenth of a core; an instant query at most two refreshes, so its data
		 * never turns stale by this wait alone */
		double gap = j->parse_ms * 10.0 / 1000.0;
		double most = j->range ? 60 : 2.0 * (double)d->refresh_ms / 1000.0;
		*(j->range ? &p->hold_range_until : &p->hold_now_until) = now_unix() + (gap > most ? most : gap);
	}
	if (!j->range) {
		/* the instant answer tells the server's health, once it is read (a 5xx
		 * page was already counted as the server failing) */
		if (j->rc != 0 && j->res.not_api) {
			if (j->status < 500) {
				/* a 401 or 403 page is the credentials refused, and says so */
				char *why = j->status == 401 || j->status == 403
						    ? xstrdup(j->err ? j->err : "refused")
						    : xasprintf("not a Prometheus API: %s", j->err ? j->err : "");
				backend_down(d->bk, &d->bk->prom, j->elapsed_ms, why);
				free(why);
			}
		} else if (j->rc != 0 && j->status >= 500) {
			/* Prometheus's own error envelope with a 5xx ("TSDB not ready"):
			 * it speaks, and says it cannot answer: not a healthy dot */
			char *why = xasprintf("HTTP %ld: %s", j->status, j->err ? j->err : "error");
			backend_down(d->bk, &d->bk->prom, j->elapsed_ms, why);
			free(why);
		} else {
			backend_good(d->bk, &d->bk->prom, j->elapsed_ms);
		}
		apply_now(d, p, j->rc, &j->res, j->err, j->url);
	} else {
		apply_range(d, p, j->rc, &j->res, j->err, j->url);
	}
	j->err = NULL;
	job_free(j);
	dispatch(d);
	changed(d);
}

/* Parse an answer: here when small, else on the work queue. */
static void parse_answer(dash_t *d, panel_rt_t *p, int range, const http_response_t *r)
{
	dash_job_t *j = xcalloc(1, sizeof *j);
	j->p = p;
	j->range = range;
	j->len = r->len;
	j->status = r->status;
	j->elapsed_ms = r->elapsed_ms;
	j->url = xstrdup(r->url ? r->url : "");
	j->thr.warn = p->def->warn;
	j->thr.crit = p->def->crit;
	j->thr.reduce = p->def->reduce;
	j->max_series = d->max_series ? d->max_series : DASH_MAX_SERIES_DEFAULT;
	j->work.data = j;
	if (r->len < DASH_PARSE_INLINE_BYTES) {
		j->body = xmalloc(r->len + 1);
		memcpy(j->body, r->body, r->len + 1);
	} else {
		j->body = http_take_body(r);
		if (range)
			p->job_range = j;
		else
			p->job_now = j;
		if (uv_queue_work(d->loop, &j->work, job_work_queued, job_done) == 0) {
			d->jobs_queued++;
			return;
		}
	}
	job_work(&j->work);
	job_done(&j->work, 0);
}

/* The transport or HTTP part of an answer; NULL when it is to be parsed. Only
 * an instant answer tells the server's health (a range is heavier and slower
 * by nature); a failure is noted here, a success once the answer is read. */
static char *answer_failure(dash_t *d, panel_rt_t *p, const http_response_t *r, int range)
{
	if (!r->ok && r->too_large && (r->status == 0 || r->status < 400)) {
		/* the server answered, and said too much: the query is at fault */
		if (!range)
			backend_good(d->bk, &d->bk->prom, r->elapsed_ms);
		*(range ? &p->hold_range_until : &p->hold_now_until) = now_unix() + DASH_HOLD_TOO_LARGE_S;
		return too_large_msg(r, p->def->query);
	}
	char *fail;
	if (!r->ok && r->too_large) /* a huge error page: the server failing */
		fail = xasprintf("HTTP %ld (an answer over the %.0f MB cap)", r->status,
				 (double)r->max_body / 1048576.0);
	else
		fail = backend_server_failure(r);
	if (!fail && !json_like(r))
		fail = not_api_msg(r);
	if (!fail)
		return NULL;
	if (!range)
		backend_down(d->bk, &d->bk->prom, r->elapsed_ms, fail);
	if (r->too_large)
		return fail;
	if (!r->ok) {
		free(fail);
		return xasprintf("prometheus: %s", r->error ? r->error : "no answer");
	}
	if (r->status >= 400 && strncmp(fail, "not a", 5) != 0) {
		/* "HTTP 502: <the first line of the page>" says more than "HTTP 502" */
		free(fail);
		return NULL;
	}
	return fail;
}

/* No answer at all: the queries of this refresh still waiting are not sent. */
static void note_no_answer(dash_t *d, const http_response_t *r)
{
	if (r->ok || r->too_large)
		return;
	set_str(&d->round_error, r->error ? r->error : "no answer");
	d->round_error_at = d->ask_time;
}

static void on_now(const http_response_t *r, void *ud)
{
	panel_rt_t *p = ud;
	dash_t *d = p->owner;
	p->req_now = NULL; /* the handle dies when this callback returns */
	note_no_answer(d, r);
	char *fail = answer_failure(d, p, r, 0);
	if (!fail) {
		parse_answer(d, p, 0, r); /* its end dispatches and repaints */
		return;
	}
	prom_result_t none;
	memset(&none, 0, sizeof none);
	apply_now(d, p, -1, &none, fail, r->url);
	dispatch(d);
	changed(d);
}

static void on_range(const http_response_t *r, void *ud)
{
	panel_rt_t *p = ud;
	dash_t *d = p->owner;
	p->req_range = NULL; /* the handle dies when this callback returns */
	note_no_answer(d, r);
	char *fail = answer_failure(d, p, r, 1);
	if (!fail) {
		parse_answer(d, p, 1, r);
		return;
	}
	prom_result_t none;
	memset(&none, 0, sizeof none);
	apply_range(d, p, -1, &none, fail, r->url);
	dispatch(d);
	changed(d);
}

/* The range data was asked for another window than the one now wanted. */
static int range_window_changed(const dash_t *d, const panel_rt_t *p)
{
	double want = (double)d->range_ms / 1000.0;
	return fabs((p->range_end - p->range_start) - want) > p->range_step;
}

/* A curve moves by one point per step, so asking sooner only fetches the same
 * points again (an hour at 240 points is 240 samples per series each time). */
static int range_due(const dash_t *d, const panel_rt_t *p, double now)
{
	if (p->range_step <= 0 || p->range.n == 0 || p->range_error || range_window_changed(d, p))
		return 1;
	return fabs(now - p->range_end) >= p->range_step; /* fabs: the clock may go back */
}

static void ask_now(dash_t *d, panel_rt_t *p, double now)
{
	char *url = prom_url_query(d->bk->prom.url, p->def->query, now);
	http_opts_t o = { 0 };
	o.timeout_ms = d->timeout_ms;
	o.max_body = max_answer(d);
	p->eval_time = now;
	p->want_now = 0;
	p->req_now = http_request(d->http, url, &o, on_now, p);
	if (!p->req_now) {
		log_msg("prometheus query failed: %s: could not start the request", url);
		set_str(&p->error, "prometheus: could not start the request");
		panel_state(d, p, now);
	}
	free(url);
}

static void ask_range(dash_t *d, panel_rt_t *p, double now)
{
	double start = now - (double)d->range_ms / 1000.0;
	double step = prom_step_for(start, now, 240);
	char *url = prom_url_query_range(d->bk->prom.url, p->def->query, start, now, step);
	/* a range is heavier than an instant query: give it longer */
	long timeout = d->timeout_ms > LONG_MAX / 2 ? LONG_MAX : 2 * d->timeout_ms;
	http_opts_t o = { 0 };
	o.timeout_ms = timeout;
	o.max_body = max_answer(d);
	p->range_start = start;
	p->range_end = now;
	p->range_step = step;
	p->want_range = 0;
	p->req_range = http_request(d->http, url, &o, on_range, p);
	if (!p->req_range) {
		log_msg("prometheus range query failed: %s: could not start the request", url);
		set_str(&p->range_error, "prometheus: could not start the request");
	}
	free(url);
}

static size_t busy(const dash_t *d)
{
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++) {
		const panel_rt_t *p = &d->p[i];
		n += (p->req_now || p->job_now) + (p->req_range || p->job_range);
	}
	return n;
}

/* Start what is asked for while slots are free: instant queries first (they
 * carry the state), then ranges. A panel never has two of a kind at once. */
static void dispatch(dash_t *d)
{
	size_t max = d->max_parallel ? d->max_parallel : DASH_MAX_PARALLEL_DEFAULT;
	size_t n = busy(d);
	double now = d->ask_time;
	if (d->round_error && d->round_error_at == now) {
		/* Prometheus did not answer a query of this refresh: the others are
		 * not sent to wait for the same timeout in turn */
		char *why = xasprintf("prometheus: %s (not asked: a query before it got no answer)",
				      d->round_error);
		for (size_t i = 0; i < d->n; i++) {
			panel_rt_t *p = &d->p[i];
			if (p->want_now) {
				p->want_now = 0;
				set_str(&p->error, why);
				panel_state(d, p, now_unix());
			}
			if (p->want_range) {
				p->want_range = 0;
				set_str(&p->range_error, why);
			}
		}
		free(why);
		return;
	}
	for (size_t i = 0; i < d->n && n < max; i++) {
		panel_rt_t *p = &d->p[i];
		if (p->want_now && !p->req_now && !p->job_now) {
			ask_now(d, p, now);
			n += p->req_now != NULL;
		}
	}
	for (size_t i = 0; i < d->n && n < max; i++) {
		panel_rt_t *p = &d->p[i];
		if (p->want_range && !p->req_range && !p->job_range) {
			ask_range(d, p, now);
			n += p->req_range != NULL;
		}
	}
}

/* A wait still running; never longer than a minute, even when the clock
 * stepped back. */
static int held(double until, double now)
{
	return now < until && until - now <= 60;
}

void dash_refresh(dash_t *d, double now, int with_ranges)
{
	d->ask_time = now;
	for (size_t i = 0; i < d->n; i++) {
		panel_rt_t *p = &d->p[i];
		if (!d->bk->prom.url) {
			set_str(&p->error, "no Prometheus URL: set 'prometheus:' in the context, "
					   "PROMETHEUS_URL or --prometheus");
			panel_state(d, p, now);
			continue;
		}
		/* one at a time: not again while the last is under way or parsing */
		if (!p->req_now && !p->job_now && !held(p->hold_now_until, now))
			p->want_now = 1;
		/* every panel keeps its history: sparklines, graphs, and the zoomed view */
		if (!with_ranges)
			continue;
		if ((p->req_range || p->job_range) && range_window_changed(d, p))
			cancel_range(p); /* asked for a window nobody wants any more */
		if (!p->req_range && !p->job_range && range_due(d, p, now) &&
		    !held(p->hold_range_until, now))
			p->want_range = 1;
	}
	dispatch(d);
	changed(d);
}

int dash_tick(dash_t *d, double now)
{
	int any = 0;
	for (size_t i = 0; i < d->n; i++) {
		pstate_t old = d->p[i].state;
		int was_stale = d->p[i].stale;
		panel_state(d, &d->p[i], now);
		any |= old != d->p[i].state || was_stale != d->p[i].stale;
	}
	return any;
}

size_t dash_pending(const dash_t *d)
{
	size_t n = busy(d);
	for (size_t i = 0; i < d->n; i++)
		n += d->p[i].want_now + d->p[i].want_range;
	return n;
}

void dash_set_range(dash_t *d, long long range_ms)
{
	d->range_ms = range_ms;
	for (size_t i = 0; i < d->n; i++) {
		cancel_range(&d->p[i]);
		series_set_free(&d->p[i].range);
	}
	dash_refresh(d, now_unix(), 1);
}

void dash_free(dash_t *d)
{
	cancel_all(d);
	for (size_t i = 0; i < d->n; i++)
		panel_clear(&d->p[i]);
	free(d->p);
	conf_context_free(&d->ctx);
	free(d->round_error);
	memset(d, 0, sizeof *d);
}
