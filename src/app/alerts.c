/* Alerts and silences, read: from the first healthy Alertmanager peer, pending alerts from Prometheus, big answers off the loop. (Writes: alerts_write.c.) */
#include "config.h"
#include "app/alerts.h"
#include "app/alerts_int.h"
#include "backend/prom.h"
#include "core/log.h"
#include "core/xalloc.h"
#include <jansson.h>
#include <limits.h>
#include <malloc.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <stdlib.h>
#include <string.h>


/* Below this an answer is parsed at once, on the loop: a few ms at most. */
#define ALERTS_PARSE_INLINE_BYTES (256 * 1024)
/* Below this many alerts a list is built and freed at once, on the loop. */
#define ALERTS_BUILD_INLINE 2000

/* ---- small helpers ---- */

double alerts_now_mono(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = s ? xstrdup(s) : NULL;
}

void alerts_changed(alerts_t *al)
{
	if (al->on_change)
		al->on_change(al, al->ud);
}

char *alerts_peer_name(size_t n, size_t i)
{
	return n > 1 ? xasprintf("am%zu", i + 1) : xstrdup("alertmanager");
}

static char *peer_name(const alerts_t *al, size_t i)
{
	return alerts_peer_name(al->bk->n_am, i);
}

/* The peer reads go to: the first that is not known down, in the context's
 * order; when all are down, the one after the last reader (so a recovery is
 * seen without hammering one dead peer). */
static size_t pick_reader(const alerts_t *al)
{
	size_t n = al->bk->n_am;
	for (size_t i = 0; i < n; i++)
		if (al->bk->am[i].health != BK_DOWN)
			return i;
	return n ? (al->reader + 1) % n : 0;
}

/* ---- reading ---- */

typedef struct alerts_round round_t;

static round_t *round_of(alerts_t *al)
{
	return &al->round;
}

/* ---- building the list off the loop ----
 * Grouping and sorting 20,000 alerts, and freeing the list before, take a few
 * hundred ms: the work queue does it, the loop only swaps the result in. */

typedef struct build_job {
	uv_work_t work;
	alerts_t *al;          /* NULL once the alerts module let go of it */
	unsigned gen;
	am_alerts_t am, pending;
	char *filter;
	alertlist_t list;      /* built */
	size_t *crit;          /* indices into list.all of the firing critical alerts, by fingerprint */
	size_t n_crit;
} build_job_t;

typedef struct {
	uv_work_t work;
	alertlist_t list;
	size_t *crit;
} free_job_t;

static const char *fp_of(const alertlist_t *l, size_t i)
{
	const char *fp = l->all.v[i].fingerprint;
	return fp ? fp : "";
}

/* qsort has no context argument: the list being sorted is handed over here
 * (each build runs alone on its worker thread, so thread-local is enough). */
static _Thread_local const alertlist_t *sort_list;

static int cmp_crit(const void *a, const void *b)
{
	return strcmp(fp_of(sort_list, *(const size_t *)a), fp_of(sort_list, *(const size_t *)b));
}

static void build_work(uv_work_t *w)
{
	build_job_t *j = w->data;
	alertlist_build(&j->list, &j->am, &j->pending, j->filter);
	size_t cap = 0;
	for (size_t i = 0; i < j->list.all.n; i++) {
		const am_alert_t *a = &j->list.all.v[i];
		if (a->state != AM_STATE_FIRING || alertlist_severity(&a->labels) != SEV_CRITICAL)
			continue;
		j->crit = xgrow(j->crit, &cap, j->n_crit + 1, sizeof *j->crit);
		j->crit[j->n_crit++] = i;
	}
	sort_list = &j->list;
	if (j->n_crit)
		qsort(j->crit, j->n_crit, sizeof *j->crit, cmp_crit);
}

static void build_work_queued(uv_work_t *w)
{
	worker_yield_cpu();
	build_work(w);
}

static void free_work(uv_work_t *w)
{
	free_job_t *f = w->data;
	alertlist_free(&f->list);
	free(f->crit);
	malloc_trim(0);
}

static void free_done(uv_work_t *w, int status)
{
	(void)status;
	free(w->data);
}

/* Free a list (and its critical index) on the work queue. */
static void free_later(uv_loop_t *loop, alertlist_t *l, size_t *crit)
{
	if (l->all.n < ALERTS_BUILD_INLINE) {
		alertlist_free(l);
		free(crit);
		return;
	}
	free_job_t *f = xcalloc(1, sizeof *f);
	f->list = *l;
	f->crit = crit;
	memset(l, 0, sizeof *l);
	f->work.data = f;
	if (uv_queue_work(loop, &f->work, free_work, free_done) != 0) {
		free_work(&f->work);
		free(f);
	}
}

static void build_job_free(build_job_t *j)
{
	am_alerts_free(&j->am);
	am_alerts_free(&j->pending);
	alertlist_free(&j->list);
	free(j->crit);
	free(j->filter);
	free(j);
}

static void build_done(uv_work_t *w, int status)
{
	build_job_t *j = w->data;
	alerts_t *al = j->al;
	if (al)
		al->job_build = NULL;
	if (!al || status == UV_ECANCELED || j->gen != al->gen) {
		build_job_free(j);
		return;
	}
	if ((al->filter || j->filter) && (!al->filter || !j->filter || strcmp(al->filter, j->filter)))
		alertlist_refilter(&j->list, al->filter); /* the filter changed meanwhile */
	int first = !al->have;
	alertlist_t old = al->list;
	size_t *old_crit = al->crit;
	size_t n_old = al->n_crit;
	al->list = j->list;
	al->list_gen++;
	al->crit = j->crit;
	al->n_crit = j->n_crit;
	memset(&j->list, 0, sizeof j->list);
	j->crit = NULL;
	al->have = 1;
	al->last_ok = now_unix();
	al->firing = al->list.n_firing > INT_MAX ? INT_MAX : (int)al->list.n_firing;
	if (!first && al->on_new_critical) {
		/* both sorted by fingerprint: one walk finds the ones not there before */
		size_t k = 0;
		for (size_t i = 0; i < al->n_crit; i++) {
			const char *fp = fp_of(&al->list, al->crit[i]);
			int c = 1;
			while (k < n_old && (c = strcmp(fp_of(&old, old_crit[k]), fp)) < 0)
				k++;
			if (k >= n_old || c != 0)
				al->on_new_critical(al, &al->list.all.v[al->crit[i]], al->ud);
		}
	}
	free_later(al->loop, &old, old_crit);
	build_job_free(j);
	alerts_changed(al);
}

static void build(alerts_t *al)
{
	round_t *r = round_of(al);
	if (!r->am_done || !r->pending_done)
		return;
	if (r->am_ok) {
		build_job_t *j = xcalloc(1, sizeof *j);
		j->al = al;
		j->gen = al->gen;
		j->am = r->am;
		j->pending = r->pending;
		memset(&r->am, 0, sizeof r->am);
		memset(&r->pending, 0, sizeof r->pending);
		j->filter = al->filter ? xstrdup(al->filter) : NULL;
		j->work.data = j;
		al->job_build = j;
		if (j->am.n + j->pending.n < ALERTS_BUILD_INLINE ||
		    uv_queue_work(al->loop, &j->work, build_work_queued, build_done) != 0) {
			build_work(&j->work);
			build_done(&j->work, 0);
		}
	}
	am_alerts_free(&r->am);
	am_alerts_free(&r->pending);
	memset(r, 0, sizeof *r);
	alerts_changed(al);
}

static void round_forget(alerts_t *al)
{
	am_alerts_free(&al->round.am);
	am_alerts_free(&al->round.pending);
	memset(&al->round, 0, sizeof al->round);
}

static void ask_alerts(alerts_t *al);

/* ---- parsing off the loop ----
 * An Alertmanager with tens of thousands of alerts answers tens of MB; jansson
 * takes most of a second on that. The parse runs on libuv's work queue and the
 * result comes back to the loop, so keys and the clock never wait on it. */

typedef enum { JOB_ALERTS, JOB_PENDING } job_kind_t;

typedef struct parse_job {
	uv_work_t work;
	alerts_t *al;         /* NULL once the alerts module let go of it */
	job_kind_t kind;
	unsigned gen;         /* the context it was asked in */
	char *body, *url;
	size_t len;
	long status;
	double elapsed_ms;
	am_alerts_t got;
	char *err;
	int rc;
	double parse_ms;      /* how long the parse took (on its thread) */
} parse_job_t;

static void job_free(parse_job_t *j)
{
	free(j->body);
	free(j->url);
	am_alerts_free(&j->got);
	free(j->err);
	free(j);
}

static void job_work(uv_work_t *w)
{
	parse_job_t *j = w->data;
	double t0 = 1000.0 * alerts_now_mono();
	j->rc = j->kind == JOB_ALERTS
			? am_parse_alerts(j->body, j->len, j->status, &j->got, &j->err)
			: am_parse_prom_alerts(j->body, j->len, j->status, &j->got, &j->err);
	if (j->rc != 0 && !j->err)
		j->err = xstrdup("invalid answer");
	/* the body is not needed any more: give its memory back before the loop runs */
	free(j->body);
	j->body = NULL;
	j->parse_ms = 1000.0 * alerts_now_mono() - t0;
	/* jansson's document for a big answer is freed by now: hand the pages back
	 * rather than keep the peak for the life of the process */
	if (j->len >= ALERTS_PARSE_INLINE_BYTES)
		malloc_trim(0);
}

/* On the work queue: the parse yields the CPU to the loop's thread (keys, the
 * clock); on a two-core bastion a big parse must not starve the screen. */
static void job_work_queued(uv_work_t *w)
{
	worker_yield_cpu();
	job_work(w);
}

static void alerts_result(alerts_t *al, am_alerts_t *got, char *err, double elapsed_ms,
			  const char *url);
static void pending_result(alerts_t *al, am_alerts_t *got, char *err, const char *url);

static void job_done(uv_work_t *w, int status)
{
	parse_job_t *j = w->data;
	alerts_t *al = j->al;
	if (al) {
		if (j->kind == JOB_ALERTS)
			al->job_alerts = NULL;
		else
			al->job_pending = NULL;
	}
	if (!al || status == UV_ECANCELED || j->gen != al->gen) {
		job_free(j); /* asked for a context that is gone, or the module is */
		return;
	}
	char *err = j->err;
	j->err = NULL;
	if (j->kind == JOB_ALERTS) {
		/* a list that takes long to parse is not asked for again as often:
		 * ten times the parse's time between two (at most a minute), so a
		 * huge answer costs a tenth of a core, not all of it */
		double gap = j->parse_ms >= 100 ? j->parse_ms * 10.0 / 1000.0 : 0;
		al->next_due = alerts_now_mono() + (gap > 60 ? 60 : gap);
		if (j->parse_ms > 200)
			log_msg("alertmanager alerts: %zu bytes parsed in %.0f ms; next in %.0f s at the soonest",
				j->len, j->parse_ms, gap > 60 ? 60 : gap);
		alerts_result(al, &j->got, err, j->elapsed_ms, j->url);
	} else {
		pending_result(al, &j->got, err, j->url);
	}
	job_free(j);
}

/* Hand an answer to the work queue; returns the job, or NULL when it could not
 * be queued (then it was parsed here). */
static void parse_later(alerts_t *al, job_kind_t kind, const http_response_t *resp)
{
	parse_job_t *j = xcalloc(1, sizeof *j);
	j->al = al;
	j->kind = kind;
	j->gen = al->gen;
	j->body = http_take_body(resp); /* not copied: a big answer is not held twice */
	j->len = resp->len;
	j->status = resp->status;
	j->elapsed_ms = resp->elapsed_ms;
	j->url = xstrdup(resp->url ? resp->url : "");
	j->work.data = j;
	if (kind == JOB_ALERTS)
		al->job_alerts = j;
	else
		al->job_pending = j;
	if (resp->len < ALERTS_PARSE_INLINE_BYTES ||
	    uv_queue_work(al->loop, &j->work, job_work_queued, job_done) != 0) {
		job_work(&j->work);
		job_done(&j->work, 0);
	}
}

static void on_alerts(const http_response_t *resp, void *ud)
{
	alerts_t *al = ud;
	al->req_alerts = NULL;
	if (resp->ok) {
		parse_later(al, JOB_ALERTS, resp);
		return;
	}
	am_alerts_t none;
	memset(&none, 0, sizeof none);
	alerts_result(al, &none, xstrdup(resp->error ? resp->error : "no answer"), resp->elapsed_ms,
		      resp->url);
}

/* The reader's answer, parsed: a list, or `err` (taken). */
static void alerts_result(alerts_t *al, am_alerts_t *got, char *err, double elapsed_ms,
			  const char *url)
{
	size_t i = al->reader;
	backend_t *b = &al->bk->am[i];
	round_t *r = round_of(al);
	if (err) {
		/* anything but a list of alerts (a 5xx, a proxy page, garbage) is the peer failing */
		log_msg("alertmanager alerts failed: %s: %s", url, err);
		backend_down(al->bk, b, elapsed_ms, err);
		char *nm = peer_name(al, i);
		free(al->error);
		al->error = xasprintf("%s: %s", nm, err);
		free(nm);
		free(err);
		am_alerts_free(got);
		/* another peer may answer in this same round */
		size_t next = pick_reader(al);
		if (next != i && al->bk->am[next].health != BK_DOWN) {
			al->reader = next;
			ask_alerts(al);
			return;
		}
		r->am_done = 1;
		r->am_ok = 0;
		build(al);
		alerts_changed(al);
		return;
	}
	backend_good(al->bk, b, elapsed_ms);
	set_str(&al->error, NULL);
	am_alerts_free(&r->am);
	r->am = *got;
	memset(got, 0, sizeof *got);
	r->am_done = 1;
	r->am_ok = 1;
	build(al);
}

static void ask_alerts(alerts_t *al)
{
	char *url = am_url_alerts(al->bk->am[al->reader].url);
	al->req_alerts = http_get(al->http, url, al->timeout_ms, on_alerts, al);
	if (!al->req_alerts) {
		log_msg("alertmanager alerts failed: %s: could not start the request", url);
		set_str(&al->error, "could not start the request");
		round_of(al)->am_done = 1;
		build(al);
	}
	free(url);
}

static void on_pending(const http_response_t *resp, void *ud)
{
	alerts_t *al = ud;
	al->req_pending = NULL;
	if (resp->ok) {
		parse_later(al, JOB_PENDING, resp);
		return;
	}
	am_alerts_t none;
	memset(&none, 0, sizeof none);
	pending_result(al, &none, xstrdup(resp->error ? resp->error : "no answer"), resp->url);
}

static void pending_result(alerts_t *al, am_alerts_t *got, char *err, const char *url)
{
	round_t *r = round_of(al);
	if (err) {
		/* Prometheus' health is the dashboard's to judge; here only the pending
		 * alerts are unknown, and the view says so */
		log_msg("prometheus alerts failed: %s: %s", url, err);
		free(al->pending_error);
		al->pending_error = xasprintf("prometheus: %s", err);
		free(err);
		am_alerts_free(got);
	} else {
		set_str(&al->pending_error, NULL);
		am_alerts_free(&r->pending);
		r->pending = *got;
		memset(got, 0, sizeof *got);
	}
	r->pending_done = 1;
	build(al);
}

static void on_silences(const http_response_t *resp, void *ud)
{
	alerts_t *al = ud;
	al->req_sil = NULL;
	char *err = NULL;
	am_silences_t got;
	memset(&got, 0, sizeof got);
	if (!resp->ok)
		err = xstrdup(resp->error ? resp->error : "no answer");
	else if (am_parse_silences(resp->body, resp->len, resp->status, &got, &err) != 0 && !err)
		err = xstrdup("invalid answer");
	if (err) {
		log_msg("alertmanager silences failed: %s: %s", resp->url, err);
		char *nm = peer_name(al, al->sil_peer); /* the peer asked, not today's reader */
		free(al->sil_error);
		al->sil_error = xasprintf("%s: %s", nm, err);
		free(nm);
		free(err);
		am_silences_free(&got);
	} else {
		am_silences_free(&al->sil);
		al->sil = got;
		al->sil_gen++;
		al->have_sil = 1;
		al->sil_last_ok = now_unix();
		set_str(&al->sil_error, NULL);
	}
	alerts_changed(al);
}

static void on_probe(const http_response_t *resp, void *ud)
{
	struct alerts_probe *p = ud;
	alerts_t *al = p->al;
	size_t i = p->i;
	al->req_probe[i] = NULL;
	char *fail = backend_server_failure(resp);
	if (!fail && (resp->status < 200 || resp->status > 299))
		fail = am_error_text(resp->body, resp->len, resp->status);
	if (fail)
		backend_down(al->bk, &al->bk->am[i], resp->elapsed_ms, fail);
	else
		backend_good(al->bk, &al->bk->am[i], resp->elapsed_ms);
	free(fail);
	alerts_changed(al);
}

void alerts_refresh(alerts_t *al, int with_silences)
{
	size_t n = al->bk->n_am;
	if (!n) {
		set_str(&al->error, "no Alertmanager URL: set 'alertmanager:' in the context, "
				    "ALERTMANAGER_URL or --alertmanager");
		alerts_changed(al);
		return;
	}
	round_t *r = round_of(al);
	int due = al->force || alerts_now_mono() >= al->next_due;
	if (due && !al->req_alerts && !al->req_pending && !al->job_alerts && !al->job_pending &&
	    !al->job_build && !r->am_done && !r->pending_done) {
		al->force = 0;
		al->reader = pick_reader(al);
		ask_alerts(al);
		if (al->bk->prom.url) {
			char *url = xasprintf("%s/api/v1/alerts", al->bk->prom.url);
			al->req_pending = http_get(al->http, url, al->timeout_ms, on_pending, al);
			free(url);
		}
		if (!al->req_pending) {
			r->pending_done = 1;
			build(al);
		}
	}
	if (with_silences && !al->req_sil) {
		al->sil_peer = al->reader;
		char *url = am_url_silences(al->bk->am[al->reader].url);
		al->req_sil = http_get(al->http, url, al->timeout_ms, on_silences, al);
		free(url);
	}
	/* the other peers: a cheap status probe keeps their health known */
	for (size_t i = 0; i < n; i++) {
		if (i == al->reader || al->req_probe[i])
			continue;
		al->probe_ud[i].al = al;
		al->probe_ud[i].i = i;
		char *url = am_url_status(al->bk->am[i].url);
		al->req_probe[i] = http_get(al->http, url, al->timeout_ms, on_probe, &al->probe_ud[i]);
		free(url);
	}
}

void alerts_set_filter(alerts_t *al, const char *filter)
{
	set_str(&al->filter, filter && *filter ? filter : NULL);
	alertlist_refilter(&al->list, al->filter);
	al->list_gen++;
	alerts_changed(al);
}

/* ---- life cycle ---- */

void alerts_init(alerts_t *al, uv_loop_t *loop, http_client_t *http, backends_t *bk,
		 const conf_context_t *ctx, long timeout_ms)
{
	memset(al, 0, sizeof *al);
	al->loop = loop;
	al->http = http;
	al->bk = bk;
	al->timeout_ms = timeout_ms > 0 ? timeout_ms : 3000;
	al->firing = -1;
	conf_context_copy(&al->ctx, ctx);
	/* jansson's hash seed, set here on the loop's thread before any parse
	 * runs on the work queue (jansson sets it lazily otherwise, racily) */
	json_object_seed(0);
}

static void cancel_reads(alerts_t *al)
{
	/* a parse under way finishes on its own and is dropped (its generation is old) */
	al->gen++;
	parse_job_t *jobs[2] = { al->job_alerts, al->job_pending };
	for (int k = 0; k < 2; k++)
		if (jobs[k]) {
			jobs[k]->al = NULL;
			uv_cancel((uv_req_t *)&jobs[k]->work);
		}
	al->job_alerts = al->job_pending = NULL;
	if (al->job_build) {
		al->job_build->al = NULL;
		uv_cancel((uv_req_t *)&al->job_build->work);
		al->job_build = NULL;
	}
	if (al->req_alerts)
		http_cancel(al->req_alerts);
	if (al->req_pending)
		http_cancel(al->req_pending);
	if (al->req_sil)
		http_cancel(al->req_sil);
	al->req_alerts = al->req_pending = al->req_sil = NULL;
	for (size_t i = 0; i < CONF_MAX_AM; i++) {
		if (al->req_probe[i])
			http_cancel(al->req_probe[i]);
		al->req_probe[i] = NULL;
	}
	round_forget(al);
}

void alerts_set_context(alerts_t *al, const conf_context_t *ctx)
{
	conf_context_t copy;
	cancel_reads(al);
	conf_context_copy(&copy, ctx);
	conf_context_free(&al->ctx);
	al->ctx = copy;
	alertlist_free(&al->list);
	free(al->crit);
	al->crit = NULL;
	al->n_crit = 0;
	am_silences_free(&al->sil);
	al->list_gen++;
	al->sil_gen++;
	al->have = al->have_sil = 0;
	al->firing = -1;
	al->reader = 0;
	al->last_ok = al->sil_last_ok = 0;
	set_str(&al->error, NULL);
	set_str(&al->sil_error, NULL);
	set_str(&al->pending_error, NULL);
	alerts_changed(al);
}

size_t alerts_pending(const alerts_t *al)
{
	size_t n = (al->req_alerts != NULL) + (al->req_pending != NULL) + (al->req_sil != NULL) +
		   (al->job_alerts != NULL) + (al->job_pending != NULL) + (al->job_build != NULL);
	for (size_t i = 0; i < CONF_MAX_AM; i++)
		n += al->req_probe[i] != NULL;
	return n + alerts_writes_pending(al);
}

void alerts_free(alerts_t *al)
{
	cancel_reads(al);
	al->closing = 1;
	alerts_writes_abandon(al);
	alertlist_free(&al->list);
	free(al->crit);
	al->crit = NULL;
	al->n_crit = 0;
	am_silences_free(&al->sil);
	free(al->filter);
	free(al->error);
	free(al->sil_error);
	free(al->pending_error);
	conf_context_free(&al->ctx);
	memset(al, 0, sizeof *al);
	al->firing = -1;
}

size_t alerts_count_matching(const alerts_t *al, const am_matchers_t *m)
{
	size_t n = 0;
	for (size_t i = 0; i < al->list.all.n; i++) {
		const am_alert_t *a = &al->list.all.v[i];
		if (a->state == AM_STATE_FIRING && am_matchers_match(m, &a->labels))
			n++;
	}
	return n;
}

const am_silence_t *alerts_find_silence(const alerts_t *al, const char *id)
{
	for (size_t i = 0; id && i < al->sil.n; i++)
		if (al->sil.v[i].id && strcmp(al->sil.v[i].id, id) == 0)
			return &al->sil.v[i];
	return NULL;
}

int alerts_read_only(const alerts_t *al)
{
	return al->ctx.read_only;
}
