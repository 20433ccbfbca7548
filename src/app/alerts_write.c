/* Alerts and silences, written: silences created, extended and expired on one Alertmanager peer, with fail-over only where nothing can be done twice. */
#include "config.h"
#include "app/alerts.h"
#include "app/alerts_int.h"
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
	int verify_strict;    /* ... on the peer that may hold it: if it cannot tell, send nothing */
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

size_t alerts_writes_pending(const alerts_t *al)
{
	size_t n = 0;
	for (const write_op_t *w = al->writes; w; w = w->next)
		n++;
	return n;
}

/* Writes still under way when the module goes are reported, not dropped: each
 * callback hears that no answer came (it may or may not have been done). */
void alerts_writes_abandon(alerts_t *al)
{
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
}


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
		nm = alerts_peer_name(w->n_urls, peer); /* the write's context, not today's */
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
	if (outcome != OUT_FAILED && !al->closing) {
		al->force = 1; /* the user wants to see what the write did, now */
		alerts_refresh(al, 1);
	}
	alerts_changed(al);
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
		/* the context changed: health is not ours to set, but the log still
		 * names the server */
		memset(&scratch, 0, sizeof scratch);
		scratch.kind = "alertmanager";
		scratch.url = w->urls[peer]; /* borrowed */
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
		char *nm = alerts_peer_name(w->n_urls, peer);
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
	if (w->verify_strict && (!resp->ok || err)) {
		/* the peer that got the first attempt still cannot say whether it
		 * took it: another peer would make a second silence */
		char *nm = alerts_peer_name(w->n_urls, w->order[w->at]);
		char *e = xasprintf("not sent again: %s, which got the first attempt, still does not "
				    "answer (%s), so whether it holds the silence is unknown; retry when it "
				    "answers, or look in the Silences view",
				    nm, err ? err : resp->error ? resp->error : "no answer");
		free(nm);
		free(err);
		write_finish(w, OUT_UNKNOWN, NULL, e, w->order[w->at]);
		free(e);
		return;
	}
	free(err);
	write_try(w); /* not there: send it */
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
			  const char *first_url, alerts_write_cb cb, void *ud)
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
	/* a retry starts where the first attempt went: only that peer can say
	 * whether it was done */
	for (size_t i = 0; first_url && i < n; i++)
		if (!strcmp(w->urls[i], first_url)) {
			r = i;
			w->verify_strict = w->verify;
		}
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
	return write_start_ex(al, kind, body, id, NULL, NULL, NULL, NULL, cb, ud);
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
				  const char *peer_url, alerts_write_cb cb, void *ud)
{
	char *body = am_silence_body(m, starts_at, ends_at, author, comment, NULL);
	return write_start_ex(al, W_CREATE, body, NULL, m, author, comment, peer_url, cb, ud);
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
