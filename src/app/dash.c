/* Dashboard data: asks Prometheus for every panel, keeps the answers and each backend's health. */
#include "config.h"
#include "app/dash.h"
#include "backend/prom.h"
#include "core/log.h"
#include "core/xalloc.h"
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

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

static void cancel_all(dash_t *d)
{
	for (size_t i = 0; i < d->n; i++) {
		if (d->p[i].req_now)
			http_cancel(d->p[i].req_now);
		if (d->p[i].req_range)
			http_cancel(d->p[i].req_range);
		d->p[i].req_now = d->p[i].req_range = NULL;
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
}

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

static void panel_compute(panel_rt_t *p)
{
	size_t n = p->now.n;
	double *v = xcalloc(n ? n : 1, sizeof *v);
	p->total = 0;
	for (size_t i = 0; i < n; i++) {
		v[i] = series_last(&p->now.v[i]);
		if (isfinite(v[i]))
			p->total += v[i];
	}
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
		if ((p->def->reduce == REDUCE_MIN || p->def->reduce == REDUCE_MAX) && n > 1) {
			/* the series the dashboard's headline names: among equals the
			 * first as its rows order them, none when all hold the value */
			const char **names = xcalloc(n, sizeof *names);
			size_t *order = xcalloc(n, sizeof *order);
			for (size_t i = 0; i < n; i++)
				names[i] = legend_of(p->def, &p->now.v[i]);
			panel_sort_worst(p->def, v, names, n, order);
			long k = panel_headline_index(p->def, p->value, v, order, n);
			if (k >= 0 && names[k])
				p->value_from = xstrdup(names[k]);
			free(names);
			free(order);
		}
	}
	free(v);
}

static void on_now(const http_response_t *r, void *ud)
{
	panel_rt_t *p = ud;
	dash_t *d = p->owner;
	char *err = NULL;
	p->req_now = NULL; /* the handle dies when this callback returns */
	backend_note(d->bk, &d->bk->prom, r);
	if (!r->ok) {
		err = xasprintf("prometheus: %s", r->error ? r->error : "no answer");
	} else {
		prom_result_t res;
		if (prom_parse_query(r->body, r->len, r->status, &res, &err) != 0) {
			if (!err)
				err = xstrdup("prometheus: invalid answer");
		} else {
			series_set_free(&p->now);
			p->now = res.set;
			memset(&res.set, 0, sizeof res.set);
			free_warnings(p);
			p->warnings = res.warnings;
			p->n_warnings = res.n_warnings;
			res.warnings = NULL;
			res.n_warnings = 0;
			prom_result_free(&res);
			p->have_data = 1;
			p->no_data = p->now.n == 0;
			p->last_ok = now_unix();
			panel_compute(p);
		}
	}
	if (err)
		log_msg("prometheus query failed: %s: %s", r->url, err);
	free(p->error);
	p->error = err;
	panel_state(d, p, now_unix());
	changed(d);
}

/* A range answer feeds the curve only. It never decides Prometheus' health: a
 * range is heavier and slower by nature, and the instant queries already say
 * whether the server is there. A good one is still proof of life. */
static void on_range(const http_response_t *r, void *ud)
{
	panel_rt_t *p = ud;
	dash_t *d = p->owner;
	char *err = NULL;
	p->req_range = NULL; /* the handle dies when this callback returns */
	if (!r->ok) {
		err = xasprintf("prometheus: %s", r->error ? r->error : "no answer");
	} else {
		prom_result_t res;
		if (prom_parse_query(r->body, r->len, r->status, &res, &err) == 0) {
			series_set_free(&p->range);
			p->range = res.set;
			memset(&res.set, 0, sizeof res.set);
			prom_result_free(&res);
			d->bk->prom.last_ok = now_unix();
		} else if (!err) {
			err = xstrdup("prometheus: invalid answer");
		}
	}
	if (err)
		log_msg("prometheus range query failed: %s: %s", r->url, err);
	free(p->range_error);
	p->range_error = err; /* the old curve stays */
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
	p->eval_time = now;
	p->req_now = http_get(d->http, url, d->timeout_ms, on_now, p);
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
	p->range_start = start;
	p->range_end = now;
	p->range_step = step;
	p->req_range = http_get(d->http, url, timeout, on_range, p);
	if (!p->req_range) {
		log_msg("prometheus range query failed: %s: could not start the request", url);
		set_str(&p->range_error, "prometheus: could not start the request");
	}
	free(url);
}

void dash_refresh(dash_t *d, double now, int with_ranges)
{
	for (size_t i = 0; i < d->n; i++) {
		panel_rt_t *p = &d->p[i];
		if (!d->bk->prom.url) {
			set_str(&p->error, "no Prometheus URL: set 'prometheus:' in the context, "
					   "PROMETHEUS_URL or --prometheus");
			panel_state(d, p, now);
			continue;
		}
		if (!p->req_now)
			ask_now(d, p, now);
		/* every panel keeps its history: sparklines, graphs, and the zoomed view */
		if (!with_ranges)
			continue;
		if (p->req_range && range_window_changed(d, p)) {
			/* asked for a window nobody wants any more */
			http_cancel(p->req_range);
			p->req_range = NULL;
		}
		if (!p->req_range && range_due(d, p, now))
			ask_range(d, p, now);
	}
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
	size_t n = 0;
	for (size_t i = 0; i < d->n; i++)
		n += (d->p[i].req_now != NULL) + (d->p[i].req_range != NULL);
	return n;
}

void dash_set_range(dash_t *d, long long range_ms)
{
	d->range_ms = range_ms;
	for (size_t i = 0; i < d->n; i++) {
		if (d->p[i].req_range)
			http_cancel(d->p[i].req_range);
		d->p[i].req_range = NULL;
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
	memset(d, 0, sizeof *d);
}
