/* Alerts and silences: reads from the first healthy Alertmanager peer, pending alerts from Prometheus, writes with fail-over. */
#include "config.h"
#include "app/alerts.h"
#include "backend/prom.h"
#include "core/log.h"
#include "core/xalloc.h"
#include <limits.h>
#include <stdlib.h>
#include <string.h>

typedef enum { W_CREATE, W_UPDATE, W_EXPIRE } wkind_t;

/* A write under way: the peers it tried, what each said, the one it is on. */
typedef struct alerts_write_op {
	alerts_t *al;
	wkind_t kind;
	char *body;           /* POST body, NULL for DELETE */
	char *id;             /* silence id (update/expire) */
	size_t order[CONF_MAX_AM];
	size_t n_order, at;   /* peers to try, in order, and the one being tried */
	/* the peers' URLs when the write started: a context switch while it is
	 * under way must not send the rest of it to another cluster */
	char *urls[CONF_MAX_AM];
	size_t n_urls;
	int verify;           /* before creating, look for the same silence (a retry) */
	am_matchers_t m;      /* create: what to look for when verifying */
	char *author, *comment;
	strbuf_t failed;      /* "am1 down (connection refused); ..." */
	int answered;         /* some peer answered (with a 5xx): it was sent, and failed there */
	http_req_t *req;
	alerts_write_cb cb;
	void *ud;
	struct alerts_write_op *next;
} write_op_t;

enum { OUT_FAILED = 0, OUT_DONE = 1, OUT_UNKNOWN = 2 };
static void write_finish(write_op_t *w, int outcome, const char *id, const char *error, size_t peer);

/* ---- small helpers ---- */

static void set_str(char **dst, const char *s)
{
	free(*dst);
	*dst = s ? xstrdup(s) : NULL;
}

static void changed(alerts_t *al)
{
	if (al->on_change)
		al->on_change(al, al->ud);
}

/* "am1", "am2" when there are several peers (as the header shows them), else "alertmanager". */
static char *peer_name(const alerts_t *al, size_t i)
{
	return al->bk->n_am > 1 ? xasprintf("am%zu", i + 1) : xstrdup("alertmanager");
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

/* Fingerprints of the firing critical alerts, sorted, to tell which are new. */
typedef struct {
	char **v;
	size_t n;
} fpset_t;

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static fpset_t critical_set(const alertlist_t *l)
{
	fpset_t s = { NULL, 0 };
	size_t cap = 0;
	for (size_t i = 0; i < l->all.n; i++) {
		const am_alert_t *a = &l->all.v[i];
		if (a->state != AM_STATE_FIRING || alertlist_severity(&a->labels) != SEV_CRITICAL)
			continue;
		s.v = xgrow(s.v, &cap, s.n + 1, sizeof *s.v);
		s.v[s.n++] = a->fingerprint ? a->fingerprint : "";
	}
	if (s.n)
		qsort(s.v, s.n, sizeof *s.v, cmp_str);
	return s;
}

static int fpset_has(const fpset_t *s, const char *fp)
{
	return s->n && bsearch(&fp, s->v, s->n, sizeof *s->v, cmp_str) != NULL;
}

/* ---- reading ---- */

typedef struct alerts_round round_t;

static round_t *round_of(alerts_t *al)
{
	return &al->round;
}

static void build(alerts_t *al)
{
	round_t *r = round_of(al);
	if (!r->am_done || !r->pending_done)
		return;
	if (r->am_ok) {
		/* `before` borrows the old list's strings: that list lives until the end */
		fpset_t before = critical_set(&al->list);
		int first = !al->have;
		alertlist_t old = al->list;
		memset(&al->list, 0, sizeof al->list);
		alertlist_build(&al->list, &r->am, &r->pending, al->filter);
		al->have = 1;
		al->last_ok = now_unix();
		al->firing = al->list.n_firing > INT_MAX ? INT_MAX : (int)al->list.n_firing;
		if (!first && al->on_new_critical) {
			for (size_t i = 0; i < al->list.all.n; i++) {
				const am_alert_t *a = &al->list.all.v[i];
				if (a->state == AM_STATE_FIRING &&
				    alertlist_severity(&a->labels) == SEV_CRITICAL &&
				    !fpset_has(&before, a->fingerprint ? a->fingerprint : ""))
					al->on_new_critical(al, a, al->ud);
			}
		}
		free(before.v);
		alertlist_free(&old);
	}
	am_alerts_free(&r->am);
	am_alerts_free(&r->pending);
	memset(r, 0, sizeof *r);
	changed(al);
}

static void round_forget(alerts_t *al)
{
	am_alerts_free(&al->round.am);
	am_alerts_free(&al->round.pending);
	memset(&al->round, 0, sizeof al->round);
}

static void ask_alerts(alerts_t *al);

static void on_alerts(const http_response_t *resp, void *ud)
{
	alerts_t *al = ud;
	al->req_alerts = NULL;
	size_t i = al->reader;
	backend_t *b = &al->bk->am[i];
	round_t *r = round_of(al);
	char *err = NULL;
	am_alerts_t got;
	memset(&got, 0, sizeof got);
	if (!resp->ok)
		err = xstrdup(resp->error ? resp->error : "no answer");
	else if (am_parse_alerts(resp->body, resp->len, resp->status, &got, &err) != 0 && !err)
		err = xstrdup("invalid answer");
	if (err) {
		/* anything but a list of alerts (a 5xx, a proxy page, garbage) is the peer failing */
		log_msg("alertmanager alerts failed: %s: %s", resp->url, err);
		backend_down(al->bk, b, resp->elapsed_ms, err);
		char *nm = peer_name(al, i);
		free(al->error);
		al->error = xasprintf("%s: %s", nm, err);
		free(nm);
		free(err);
		am_alerts_free(&got);
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
		changed(al);
		return;
	}
	backend_good(al->bk, b, resp->elapsed_ms);
	set_str(&al->error, NULL);
	am_alerts_free(&r->am);
	r->am = got;
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
	round_t *r = round_of(al);
	char *err = NULL;
	am_alerts_t got;
	memset(&got, 0, sizeof got);
	if (!resp->ok)
		err = xstrdup(resp->error ? resp->error : "no answer");
	else if (am_parse_prom_alerts(resp->body, resp->len, resp->status, &got, &err) != 0 && !err)
		err = xstrdup("invalid answer");
	if (err) {
		/* Prometheus' health is the dashboard's to judge; here only the pending
		 * alerts are unknown, and the view says so */
		log_msg("prometheus alerts failed: %s: %s", resp->url, err);
		free(al->pending_error);
		al->pending_error = xasprintf("prometheus: %s", err);
		free(err);
		am_alerts_free(&got);
	} else {
		set_str(&al->pending_error, NULL);
		am_alerts_free(&r->pending);
		r->pending = got;
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
		al->have_sil = 1;
		al->sil_last_ok = now_unix();
		set_str(&al->sil_error, NULL);
	}
	changed(al);
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
	changed(al);
}

void alerts_refresh(alerts_t *al, int with_silences)
{
	size_t n = al->bk->n_am;
	if (!n) {
		set_str(&al->error, "no Alertmanager URL: set 'alertmanager:' in the context, "
				    "ALERTMANAGER_URL or --alertmanager");
		changed(al);
		return;
	}
	round_t *r = round_of(al);
	if (!al->req_alerts && !al->req_pending && !r->am_done && !r->pending_done) {
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
	changed(al);
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
}

static void cancel_reads(alerts_t *al)
{
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
	am_silences_free(&al->sil);
	al->have = al->have_sil = 0;
	al->firing = -1;
	al->reader = 0;
	al->last_ok = al->sil_last_ok = 0;
	set_str(&al->error, NULL);
	set_str(&al->sil_error, NULL);
	set_str(&al->pending_error, NULL);
	changed(al);
}

size_t alerts_pending(const alerts_t *al)
{
	size_t n = (al->req_alerts != NULL) + (al->req_pending != NULL) + (al->req_sil != NULL);
	for (size_t i = 0; i < CONF_MAX_AM; i++)
		n += al->req_probe[i] != NULL;
	for (const write_op_t *w = al->writes; w; w = w->next)
		n++;
	return n;
}

static void write_free(write_op_t *w)
{
	for (size_t i = 0; i < w->n_urls; i++)
		free(w->urls[i]);
	am_matchers_free(&w->m);
	free(w->author);
	free(w->comment);
	free(w->body);
	free(w->id);
	sb_free(&w->failed);
	free(w);
}

void alerts_free(alerts_t *al)
{
	cancel_reads(al);
	al->closing = 1;
	/* a write still under way is reported, not dropped: its callback hears
	 * that no answer came (the write may or may not have been taken) */
	while (al->writes) {
		write_op_t *w = al->writes;
		if (w->req)
			http_cancel(w->req);
		w->req = NULL;
		write_finish(w, OUT_UNKNOWN, NULL,
			     "not confirmed: the console stopped before Alertmanager answered "
			     "(it may or may not have been done)",
			     (size_t)-1);
	}
	alertlist_free(&al->list);
	am_silences_free(&al->sil);
	free(al->filter);
	free(al->error);
	free(al->sil_error);
	free(al->pending_error);
	conf_context_free(&al->ctx);
	memset(al, 0, sizeof *al);
	al->firing = -1;
}

size_t alerts_writes_pending(const alerts_t *al)
{
	size_t n = 0;
	for (const write_op_t *w = al->writes; w; w = w->next)
		n++;
	return n;
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

/* ---- writing ---- */

static void write_unlink(alerts_t *al, write_op_t *w)
{
	for (write_op_t **p = &al->writes; *p; p = &(*p)->next)
		if (*p == w) {
			*p = w->next;
			return;
		}
}

static void write_finish(write_op_t *w, int outcome, const char *id, const char *error, size_t peer)
{
	int ok = outcome == OUT_DONE;
	alerts_t *al = w->al;
	char *note = NULL, *nm = NULL;
	if (peer < w->n_urls)
		nm = peer_name(al, peer);
	if (w->failed.len && nm)
		note = xasprintf("%s%s%s", w->failed.s, strstr(w->failed.s, "nothing sent again") ? "" : ": sent to ",
				 strstr(w->failed.s, "nothing sent again") ? "" : nm);
	alerts_write_t res = {
		.ok = ok,
		.unknown = outcome == OUT_UNKNOWN,
		.id = id,
		.error = error,
		.peer = peer < w->n_urls ? w->urls[peer] : NULL,
		.note = note,
	};
	write_unlink(al, w);
	log_msg("alertmanager write %s: %s%s%s", ok ? "done" : outcome == OUT_UNKNOWN ? "unknown" : "failed",
		ok ? (id ? id : "ok") : error,
		note ? "; " : "", note ? note : "");
	if (w->cb)
		w->cb(al, &res, w->ud);
	free(note);
	free(nm);
	write_free(w);
	if (outcome != OUT_FAILED && !al->closing)
		alerts_refresh(al, 1);
	changed(al);
}

static void write_try(write_op_t *w);

static void on_write(const http_response_t *resp, void *ud)
{
	write_op_t *w = ud;
	alerts_t *al = w->al;
	w->req = NULL;
	size_t peer = w->order[w->at];
	backend_t scratch, *b = &al->bk->am[peer];
	if (peer >= al->bk->n_am || !b->url || strcmp(b->url, w->urls[peer]) != 0) {
		memset(&scratch, 0, sizeof scratch); /* the context changed: health is not ours to set */
		b = &scratch;
	}
	/* a transport failure, or a 5xx with what Alertmanager said in it */
	char *fail = !resp->ok ? xstrdup(resp->error ? resp->error : "no answer")
		     : resp->status >= 500 ? am_error_text(resp->body, resp->len, resp->status)
					   : NULL;
	if (fail) {
		backend_down(b == &scratch ? NULL : al->bk, b, resp->elapsed_ms, fail);
		if (b == &scratch) {
			free(scratch.error);
			scratch.error = NULL;
		}
		char *nm = peer_name(al, peer);
		if (!resp->ok && resp->sent) {
			/* The request left, no answer came (a timeout, a reset): the peer
			 * may have done it. Sending it elsewhere could make it twice, so
			 * say what is known and let the user check and retry. */
			char *e = xasprintf("no answer from %s after the request reached it (%s): "
					    "it may or may not have been done",
					    nm, fail);
			free(nm);
			free(fail);
			write_finish(w, OUT_UNKNOWN, NULL, e, peer);
			free(e);
			return;
		}
		/* it never reached the peer (refused, unresolvable), or the peer
		 * answered that it failed (5xx): the next peer may take it */
		w->answered |= resp->ok;
		sb_printf(&w->failed, "%s%s %s (%s)", w->failed.len ? "; " : "", nm,
			  resp->ok ? "failed" : "down", fail);
		free(nm);
		free(fail);
		w->at++;
		if (w->at < w->n_order) {
			write_try(w);
			return;
		}
		char *e = w->answered
				  ? xasprintf("not taken: every Alertmanager failed it (%s)", w->failed.s)
				  : xasprintf("not sent: every Alertmanager is unreachable (%s)", w->failed.s);
		sb_free(&w->failed); /* said in the error already */
		write_finish(w, OUT_FAILED, NULL, e, (size_t)-1);
		free(e);
		return;
	}
	backend_good(b == &scratch ? NULL : al->bk, b, resp->elapsed_ms);
	if (b == &scratch)
		free(scratch.error);
	if (resp->status < 200 || resp->status > 299) {
		/* Alertmanager refused: say it as it said it */
		char *e = am_error_text(resp->body, resp->len, resp->status);
		write_finish(w, OUT_FAILED, NULL, e, peer);
		free(e);
		return;
	}
	if (w->kind == W_EXPIRE) {
		write_finish(w, OUT_DONE, NULL, NULL, peer);
		return;
	}
	char *id = NULL, *err = NULL;
	if (am_parse_silence_created(resp->body, resp->len, resp->status, &id, &err) != 0) {
		/* a 2xx: it was most likely done, but without the id it cannot be shown */
		char *e = xasprintf("Alertmanager answered HTTP %ld without a silence id (%s): "
				    "it may or may not have been done",
				    resp->status, err ? err : "invalid answer");
		write_finish(w, OUT_UNKNOWN, NULL, e, peer);
		free(e);
	} else {
		write_finish(w, OUT_DONE, id, NULL, peer);
	}
	free(id);
	free(err);
}

static int same_matchers(const am_matchers_t *a, const am_matchers_t *b)
{
	if (a->n != b->n)
		return 0;
	for (size_t i = 0; i < a->n; i++) {
		int found = 0;
		for (size_t j = 0; j < b->n && !found; j++)
			found = !strcmp(a->v[i].name, b->v[j].name) && !strcmp(a->v[i].value, b->v[j].value) &&
				a->v[i].is_regex == b->v[j].is_regex && a->v[i].is_equal == b->v[j].is_equal;
		if (!found)
			return 0;
	}
	return 1;
}

/* A retry first asks whether the first attempt was done after all: the same
 * matchers, author and comment in a silence that is active or pending. */
static void on_verify(const http_response_t *resp, void *ud)
{
	write_op_t *w = ud;
	w->req = NULL;
	w->verify = 0;
	am_silences_t got;
	char *err = NULL;
	memset(&got, 0, sizeof got);
	if (resp->ok && am_parse_silences(resp->body, resp->len, resp->status, &got, &err) == 0) {
		for (size_t i = 0; i < got.n; i++) {
			const am_silence_t *s = &got.v[i];
			if (s->state == AM_SIL_EXPIRED || !s->id || !s->created_by || !s->comment ||
			    strcmp(s->created_by, w->author) || strcmp(s->comment, w->comment) ||
			    !same_matchers(&s->matchers, &w->m))
				continue;
			char *id = xstrdup(s->id);
			am_silences_free(&got);
			free(err);
			sb_printf(&w->failed, "%sthe first attempt had been done: nothing sent again",
				  w->failed.len ? "; " : "");
			write_finish(w, OUT_DONE, id, NULL, w->order[w->at]);
			free(id);
			return;
		}
	}
	am_silences_free(&got);
	free(err);
	write_try(w); /* not there (or not known): send it */
}

static void write_try(write_op_t *w)
{
	alerts_t *al = w->al;
	size_t peer = w->order[w->at];
	const char *base = w->urls[peer];
	http_opts_t o;
	memset(&o, 0, sizeof o);
	if (w->verify) {
		char *url = am_url_silences(base);
		w->req = http_get(al->http, url, al->timeout_ms, on_verify, w);
		free(url);
		if (w->req)
			return;
		w->verify = 0;
	}
	/* a write waits longer than a read: losing an ack to a slow peer is worse */
	o.timeout_ms = al->timeout_ms > LONG_MAX / 2 ? LONG_MAX : 2 * al->timeout_ms;
	char *url;
	if (w->kind == W_EXPIRE) {
		o.method = "DELETE";
		url = am_url_silence(base, w->id);
	} else {
		o.method = "POST";
		o.body = w->body;
		o.body_len = strlen(w->body);
		o.content_type = "application/json";
		url = am_url_silences(base);
	}
	w->req = http_request(al->http, url, &o, on_write, w);
	free(url);
	if (!w->req) {
		w->at++;
		if (w->at < w->n_order) {
			write_try(w);
			return;
		}
		write_finish(w, OUT_FAILED, NULL, "not sent: could not start the request", (size_t)-1);
	}
}

/* Start a write: the reader first, then the peers that are up, then the rest. */
static int write_start_ex(alerts_t *al, wkind_t kind, char *body, const char *id,
			  const am_matchers_t *verify_m, const char *author, const char *comment,
			  alerts_write_cb cb, void *ud)
{
	write_op_t *w = xcalloc(1, sizeof *w);
	if (verify_m) {
		w->verify = 1;
		for (size_t i = 0; i < verify_m->n; i++)
			am_matchers_add(&w->m, verify_m->v[i].name, verify_m->v[i].value,
					verify_m->v[i].is_regex, verify_m->v[i].is_equal);
		w->author = xstrdup(author ? author : "");
		w->comment = xstrdup(comment ? comment : "");
	}
	w->al = al;
	w->kind = kind;
	w->body = body;
	w->id = id ? xstrdup(id) : NULL;
	w->cb = cb;
	w->ud = ud;
	sb_init(&w->failed);
	w->next = al->writes;
	al->writes = w;
	if (alerts_read_only(al)) {
		char *e = xasprintf("read-only: context '%s' does not allow writes (--read-only or "
				    "read-only: true); nothing was sent",
				    al->ctx.name ? al->ctx.name : "default");
		write_finish(w, OUT_FAILED, NULL, e, (size_t)-1);
		free(e);
		return -1;
	}
	size_t n = al->bk->n_am;
	if (!n) {
		write_finish(w, OUT_FAILED, NULL, "not sent: no Alertmanager URL in this context", (size_t)-1);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		w->urls[w->n_urls++] = xstrdup(al->bk->am[i].url);
	size_t r = al->reader < n ? al->reader : 0;
	w->order[w->n_order++] = r;
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n; i++)
			if (i != r && (pass == 0) == backend_up(&al->bk->am[i]))
				w->order[w->n_order++] = i;
	write_try(w);
	return 0;
}

static int write_start(alerts_t *al, wkind_t kind, char *body, const char *id,
		       alerts_write_cb cb, void *ud)
{
	return write_start_ex(al, kind, body, id, NULL, NULL, NULL, cb, ud);
}

int alerts_silence_create(alerts_t *al, const am_matchers_t *m, double starts_at,
			  double ends_at, const char *author, const char *comment,
			  alerts_write_cb cb, void *ud)
{
	char *body = am_silence_body(m, starts_at, ends_at, author, comment, NULL);
	return write_start(al, W_CREATE, body, NULL, cb, ud);
}

int alerts_silence_create_checked(alerts_t *al, const am_matchers_t *m, double starts_at,
				  double ends_at, const char *author, const char *comment,
				  alerts_write_cb cb, void *ud)
{
	char *body = am_silence_body(m, starts_at, ends_at, author, comment, NULL);
	return write_start_ex(al, W_CREATE, body, NULL, m, author, comment, cb, ud);
}

int alerts_silence_update(alerts_t *al, const am_silence_t *s, double ends_at,
			  alerts_write_cb cb, void *ud)
{
	char *body = am_silence_body(&s->matchers, s->starts_at, ends_at, s->created_by,
				     s->comment, s->id);
	return write_start(al, W_UPDATE, body, s->id, cb, ud);
}

int alerts_silence_expire(alerts_t *al, const char *id, alerts_write_cb cb, void *ud)
{
	return write_start(al, W_EXPIRE, NULL, id, cb, ud);
}
