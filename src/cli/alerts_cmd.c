/* The alert commands for scripts: alerts, silences, ack, unack, on the alerts module (HA reads and fail-over writes). */
#include "config.h"
#include "cli/alerts_cmd.h"
#include "cli/cliout.h"
#include "app/alerts.h"
#include "app/backends.h"
#include "backend/am.h"
#include "core/text.h"
#include "core/units.h"
#include "core/xalloc.h"
#include "model/alertlist.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { RC_OK = 0, RC_BACKEND = 1, RC_USAGE = 2 };

/* ---- messages ---------------------------------------------------------- */

/* Server text for a terminal, padded to `width` bytes. */
static void put_safe(const char *pre, const char *text, int width, const char *post)
{
	char *t = text_sanitize(text);
	printf("%s%-*s%s", pre, width, t, post);
	free(t);
}

static const char *ctx_name(const cli_cmd_t *c)
{
	return c->ctx->name ? c->ctx->name : "default";
}

/* Local time, "2026-11-29 21:19". */
static char *local_time(double t, char *buf, size_t n)
{
	if (!(t > 0)) {
		snprintf(buf, n, "-");
		return buf;
	}
	time_t tt = (time_t)t;
	struct tm tm;
	localtime_r(&tt, &tm);
	strftime(buf, n, "%Y-%m-%d %H:%M", &tm);
	return buf;
}

/* ---- JSON -------------------------------------------------------------- */

static json_t *jtime(double t)
{
	char b[40];
	return t > 0 ? json_string(am_time_format(t, b, sizeof b)) : json_null();
}

static json_t *jlabels(const labels_t *l)
{
	json_t *o = json_object();
	for (size_t i = 0; i < l->n; i++)
		json_object_set_new(o, l->v[i].name, cli_jstr(l->v[i].value));
	return o;
}

static json_t *jstrv(char **v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, cli_jstr(v[i]));
	return a;
}

static json_t *jsilence(const am_silence_t *s)
{
	json_t *o = json_object();
	json_object_set_new(o, "id", cli_jstr(s->id));
	json_object_set_new(o, "state", json_string(am_sil_state_name(s->state)));
	json_object_set_new(o, "matchers", am_matchers_json(&s->matchers));
	json_object_set_new(o, "startsAt", jtime(s->starts_at));
	json_object_set_new(o, "endsAt", jtime(s->ends_at));
	json_object_set_new(o, "updatedAt", jtime(s->updated_at));
	json_object_set_new(o, "createdBy", cli_jstr(s->created_by));
	json_object_set_new(o, "comment", cli_jstr(s->comment));
	return o;
}

/* ---- one session with the alerts module ---------------------------------- */

typedef struct {
	const cli_cmd_t *c;
	backends_t bk;
	alerts_t al;
} sess_t;

static void sess_open(sess_t *s, const cli_cmd_t *c)
{
	memset(s, 0, sizeof *s);
	s->c = c;
	backends_init(&s->bk, c->ctx);
	alerts_init(&s->al, c->loop, c->http, &s->bk, c->ctx, c->timeout_ms);
}

static void sess_close(sess_t *s)
{
	alerts_free(&s->al);
	backends_free(&s->bk);
}

/* Runs the loop until *done (done NULL: until nothing is under way). */
static void sess_wait(sess_t *s, const int *done)
{
	while (done ? !*done : alerts_pending(&s->al) > 0)
		if (uv_run(s->c->loop, UV_RUN_ONCE) == 0 && (done ? !*done : alerts_pending(&s->al) > 0))
			break; /* nothing left on the loop that could finish it */
}

/* Alerts (and silences) from the first healthy peer. The silences are asked
 * of the peer the round starts with; when it failed and another answered the
 * alerts, they are asked again of that one. Returns whether a list came. */
static int sess_read(sess_t *s, int with_sil)
{
	alerts_refresh(&s->al, with_sil);
	sess_wait(s, NULL);
	if (with_sil && s->al.have && !s->al.have_sil) {
		alerts_refresh(&s->al, 1);
		sess_wait(s, NULL);
	}
	return s->al.have;
}

static const char *reader_url(const sess_t *s)
{
	return s->bk.am[s->al.reader < s->bk.n_am ? s->al.reader : 0].url;
}

/* "what" without the module's "am1: " or "alertmanager: " prefix. */
static const char *unprefixed(const char *what)
{
	const char *p = what ? strstr(what, ": ") : NULL;
	return p ? p + 2 : what ? what : "no answer";
}

/* Every peer that failed, by URL; when another one answered (`answered`),
 * which one the reads went to instead. Returns how many failed. */
static size_t report_down(const sess_t *s, int answered)
{
	size_t n = 0, r = s->al.reader;
	for (size_t i = 0; i < s->bk.n_am; i++) {
		const backend_t *b = &s->bk.am[i];
		if (b->health != BK_DOWN)
			continue;
		n++;
		const char *why = b->error ? b->error : "down";
		if (answered && i < r)
			cli_say("alertmanager at %s: %s; failed over to %s", b->url, why, s->bk.am[r].url);
		else if (answered)
			cli_say("alertmanager at %s: %s (a peer; %s answered)", b->url, why, s->bk.am[r].url);
		else
			cli_say("alertmanager at %s: %s", b->url, why);
	}
	if (!answered && !n)
		cli_say("alertmanager at %s: %s", reader_url(s), unprefixed(s->al.error));
	return n;
}

/* "am1 = URL, am2 = URL" for notes that name peers am1, am2 (several peers only). */
static char *peer_names(const sess_t *s)
{
	strbuf_t b;
	sb_init(&b);
	for (size_t i = 0; s->bk.n_am > 1 && i < s->bk.n_am; i++)
		sb_printf(&b, "%sam%zu = %s", i ? ", " : "", i + 1, s->bk.am[i].url);
	return sb_steal(&b);
}

static char *all_urls(const sess_t *s)
{
	strbuf_t b;
	sb_init(&b);
	for (size_t i = 0; i < s->bk.n_am; i++)
		sb_printf(&b, "%s%s", i ? ", " : "", s->bk.am[i].url);
	return sb_steal(&b);
}

/* Prometheus' pending alerts could not be had: named as --once names it. */
static void report_pending(const sess_t *s)
{
	cli_say("prometheus at %s: %s (pending alerts unknown)", s->c->ctx->prometheus ? s->c->ctx->prometheus : "?",
	    unprefixed(s->al.pending_error));
}

/* ---- alerts ------------------------------------------------------------ */

static const char *state_word(am_state_t st)
{
	switch (st) {
	case AM_STATE_FIRING: return "firing";
	case AM_STATE_PENDING: return "pending";
	case AM_STATE_SILENCED: return "acked";
	case AM_STATE_INHIBITED: return "inhibited";
	default: return "new";
	}
}

static json_t *alert_json(const alerts_t *al, const am_alert_t *a)
{
	json_t *o = json_object();
	json_object_set_new(o, "labels", jlabels(&a->labels));
	json_object_set_new(o, "annotations", jlabels(&a->annotations));
	json_object_set_new(o, "severity", json_string(severity_name(alertlist_severity(&a->labels))));
	json_object_set_new(o, "state", json_string(am_state_name(a->state)));
	json_object_set_new(o, "startsAt", jtime(a->starts_at));
	json_object_set_new(o, "updatedAt", jtime(a->updated_at));
	json_object_set_new(o, "endsAt", jtime(a->ends_at));
	json_object_set_new(o, "fingerprint", cli_jstr(a->fingerprint ? a->fingerprint : ""));
	json_object_set_new(o, "generatorURL", cli_jstr(a->generator_url));
	json_object_set_new(o, "receivers", jstrv(a->receivers, a->n_receivers));
	json_object_set_new(o, "silencedBy", jstrv(a->silenced_by, a->n_silenced_by));
	json_object_set_new(o, "inhibitedBy", jstrv(a->inhibited_by, a->n_inhibited_by));
	if (a->n_muted_by)
		json_object_set_new(o, "mutedBy", jstrv(a->muted_by, a->n_muted_by));
	if (a->n_silenced_by) {
		/* who acknowledged it, why, until when: from the silences list */
		json_t *arr = json_array();
		for (size_t i = 0; i < a->n_silenced_by; i++) {
			const am_silence_t *s = alerts_find_silence(al, a->silenced_by[i]);
			json_t *so = json_object();
			json_object_set_new(so, "id", cli_jstr(a->silenced_by[i]));
			json_object_set_new(so, "createdBy", cli_jstr(s ? s->created_by : NULL));
			json_object_set_new(so, "comment", cli_jstr(s ? s->comment : NULL));
			json_object_set_new(so, "startsAt", s ? jtime(s->starts_at) : json_null());
			json_object_set_new(so, "endsAt", s ? jtime(s->ends_at) : json_null());
			json_array_append_new(arr, so);
		}
		json_object_set_new(o, "silences", arr);
	}
	return o;
}

static void alerts_text(const sess_t *s)
{
	const alerts_t *al = &s->al;
	const alertlist_t *l = &al->list;
	double now = now_unix();
	printf("%-9s %-24s %-40s %-7s %s\n", "STATE", "ALERT", "LABELS", "FOR", "SUMMARY");
	for (size_t i = 0; i < l->n_rows; i++) {
		const alertlist_row_t *r = &l->rows[i];
		if (r->is_group) {
			printf("[%s] ", severity_name(r->sev));
			put_safe("", r->alertname ? r->alertname : "", 0, "");
			printf(": %zu alert%s, %zu firing\n", r->count, r->count == 1 ? "" : "s", r->n_firing);
			continue;
		}
		const am_alert_t *a = &l->all.v[r->alert];
		const char *name = labels_get(&a->labels, "alertname");
		const char *summary = labels_get(&a->annotations, "summary");
		if (!summary)
			summary = labels_get(&a->annotations, "description");
		char *tell = alertlist_telling_labels(a, 3);
		char age[32] = "for ";
		alertlist_age(a->starts_at, now, age + 4, sizeof age - 4);
		printf("%-9s ", state_word(a->state));
		put_safe("", name ? name : "", 24, " ");
		put_safe("", tell, 40, " ");
		printf("%-7s ", age);
		put_safe("", summary ? summary : "", 0, "\n");
		free(tell);
		for (size_t k = 0; k < a->n_silenced_by; k++) {
			const am_silence_t *sl = alerts_find_silence(al, a->silenced_by[k]);
			char t[32], left[32];
			if (!sl) {
				put_safe("          acked by silence ", a->silenced_by[k], 0, "\n");
				continue;
			}
			alertlist_age(now, sl->ends_at, left, sizeof left); /* ends - now */
			put_safe("          acked by ", sl->created_by ? sl->created_by : "?", 0, "");
			printf(" until %s (%s left): ", local_time(sl->ends_at, t, sizeof t), left);
			put_safe("", sl->comment ? sl->comment : "", 0, "");
			put_safe(" [silence ", sl->id, 0, "]\n");
		}
		for (size_t k = 0; k < a->n_inhibited_by; k++)
			put_safe("          inhibited by alert ", a->inhibited_by[k], 0, "\n");
	}
	printf("%zu alert%s, %zu firing (context ", l->n_order, l->n_order == 1 ? "" : "s", l->n_firing);
	put_safe("", ctx_name(s->c), 0, ", alertmanager ");
	put_safe("", reader_url(s), 0, ")\n");
}

int cli_alerts(const cli_cmd_t *c)
{
	sess_t s;
	sess_open(&s, c);
	int rc = RC_OK;
	int answered = sess_read(&s, 1);
	report_down(&s, answered);
	if (!answered) {
		sess_close(&s);
		return RC_BACKEND;
	}
	json_t *errors = json_array();
	if (s.al.pending_error) {
		report_pending(&s);
		char *e = xasprintf("prometheus at %s: %s", c->ctx->prometheus ? c->ctx->prometheus : "?",
				    unprefixed(s.al.pending_error));
		json_array_append_new(errors, cli_jstr(e));
		free(e);
		rc = RC_BACKEND;
	}
	if (!s.al.have_sil) {
		/* who acknowledged what is unknown: the list is incomplete */
		cli_say("alertmanager at %s: silences: %s", reader_url(&s), unprefixed(s.al.sil_error));
		char *e = xasprintf("alertmanager at %s: silences: %s", reader_url(&s),
				    unprefixed(s.al.sil_error));
		json_array_append_new(errors, cli_jstr(e));
		free(e);
		rc = RC_BACKEND;
	}
	if (c->json) {
		const alertlist_t *l = &s.al.list;
		json_t *root = json_object(), *arr = json_array();
		json_object_set_new(root, "context", cli_jstr(ctx_name(c)));
		json_object_set_new(root, "alertmanager", cli_jstr(reader_url(&s)));
		json_object_set_new(root, "firing", json_integer((json_int_t)l->n_firing));
		json_object_set_new(root, "total", json_integer((json_int_t)l->n_order));
		for (size_t i = 0; i < l->n_order; i++)
			json_array_append_new(arr, alert_json(&s.al, &l->all.v[l->order[i]]));
		json_object_set_new(root, "alerts", arr);
		json_object_set_new(root, "errors", errors);
		cli_jdump(root);
	} else {
		json_decref(errors);
		alerts_text(&s);
	}
	sess_close(&s);
	return rc;
}

/* ---- silences ---------------------------------------------------------- */

static int sil_rank(am_sil_state_t st)
{
	return st == AM_SIL_ACTIVE ? 0 : st == AM_SIL_PENDING ? 1 : st == AM_SIL_EXPIRED ? 2 : 3;
}

static int cmp_sil(const void *x, const void *y)
{
	const am_silence_t *a = *(const am_silence_t *const *)x, *b = *(const am_silence_t *const *)y;
	int ra = sil_rank(a->state), rb = sil_rank(b->state);
	if (ra != rb)
		return ra - rb;
	/* expired: the latest first; the others: the soonest to end first */
	if (a->ends_at != b->ends_at)
		return (a->ends_at < b->ends_at) == (ra != 2) ? -1 : 1;
	return strcmp(a->id ? a->id : "", b->id ? b->id : "");
}

int cli_silences(const cli_cmd_t *c)
{
	sess_t s;
	sess_open(&s, c);
	sess_read(&s, 1);
	if (!s.al.have_sil) {
		report_down(&s, s.al.have);
		if (s.al.have) /* the alerts came, the silences did not */
			cli_say("alertmanager at %s: silences: %s", reader_url(&s), unprefixed(s.al.sil_error));
		sess_close(&s);
		return RC_BACKEND;
	}
	report_down(&s, 1);
	const am_silences_t *sl = &s.al.sil;
	const am_silence_t **v = xcalloc(sl->n ? sl->n : 1, sizeof *v);
	size_t n = 0, n_active = 0, n_pending = 0, n_expired = 0;
	for (size_t i = 0; i < sl->n; i++) {
		if (sl->v[i].state == AM_SIL_EXPIRED && !c->all)
			continue;
		n_active += sl->v[i].state == AM_SIL_ACTIVE;
		n_pending += sl->v[i].state == AM_SIL_PENDING;
		n_expired += sl->v[i].state == AM_SIL_EXPIRED;
		v[n++] = &sl->v[i];
	}
	qsort(v, n, sizeof *v, cmp_sil);
	if (c->json) {
		json_t *root = json_object(), *arr = json_array();
		json_object_set_new(root, "context", cli_jstr(ctx_name(c)));
		json_object_set_new(root, "alertmanager", cli_jstr(reader_url(&s)));
		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, jsilence(v[i]));
		json_object_set_new(root, "silences", arr);
		cli_jdump(root);
	} else {
		double now = now_unix();
		printf("%-36s %-8s %-16s %-7s %-24s %s\n", "ID", "STATE", "ENDS", "LEFT", "CREATED BY",
		       "MATCHERS");
		for (size_t i = 0; i < n; i++) {
			const am_silence_t *x = v[i];
			char t[32], left[32] = "-";
			if (x->state != AM_SIL_EXPIRED)
				alertlist_age(now, x->ends_at, left, sizeof left);
			char *m = am_matchers_format(&x->matchers);
			put_safe("", x->id ? x->id : "", 36, " ");
			printf("%-8s %-16s %-7s ", am_sil_state_name(x->state), local_time(x->ends_at, t, sizeof t), left);
			put_safe("", x->created_by ? x->created_by : "", 24, " ");
			put_safe("", m, 0, "\n");
			put_safe("    comment: ", x->comment ? x->comment : "", 0, "\n");
			free(m);
		}
		printf("%zu silence%s: %zu active, %zu pending", n, n == 1 ? "" : "s", n_active, n_pending);
		if (c->all)
			printf(", %zu expired", n_expired);
		put_safe(" (context ", ctx_name(c), 0, ", alertmanager ");
		put_safe("", reader_url(&s), 0, ")\n");
	}
	free(v);
	sess_close(&s);
	return RC_OK;
}

/* ---- writes ------------------------------------------------------------ */

/* What a write's callback said, kept past the callback. */
typedef struct {
	int done, ok;
	char *id, *error, *peer, *note;
} written_t;

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void on_written(alerts_t *al, const alerts_write_t *w, void *ud)
{
	(void)al;
	written_t *r = ud;
	r->done = 1;
	r->ok = w->ok;
	r->id = dup_or_null(w->id);
	r->error = dup_or_null(w->error);
	r->peer = dup_or_null(w->peer);
	r->note = dup_or_null(w->note);
}

static void written_free(written_t *r)
{
	free(r->id);
	free(r->error);
	free(r->peer);
	free(r->note);
}

/* After a write: the fail-over note, and the error named by its Alertmanager.
 * Returns the exit status. */
static int report_write(sess_t *s, written_t *r)
{
	if (!r->done) {
		cli_say("alertmanager at %s: no answer came (the write may or may not have been taken)", reader_url(s));
		return RC_BACKEND;
	}
	if (r->note) {
		char *names = peer_names(s);
		cli_say("alertmanager fail-over: %s%s%s%s", r->note, *names ? " (" : "", names, *names ? ")" : "");
		free(names);
	}
	if (r->ok)
		return RC_OK;
	char *urls = r->peer ? xstrdup(r->peer) : all_urls(s);
	char *names = r->peer ? xstrdup("") : peer_names(s);
	cli_say("alertmanager at %s: %s%s%s%s", urls, r->error ? r->error : "failed", *names ? " (" : "", names,
	    *names ? ")" : "");
	free(names);
	free(urls);
	return RC_BACKEND;
}

static int refuse_read_only(const cli_cmd_t *c)
{
	if (!c->ctx->read_only)
		return 0;
	cli_say("read-only: context '%s' does not allow writes (--read-only or read-only: true); nothing was sent",
	    ctx_name(c));
	return 1;
}

int cli_ack(const cli_cmd_t *c)
{
	am_matchers_t m;
	memset(&m, 0, sizeof m);
	for (size_t i = 0; i < c->n_args; i++) {
		char *err = NULL;
		if (am_matcher_parse(c->args[i], &m, &err) != 0) {
			cli_say("%s", err ? err : "bad matcher");
			free(err);
			am_matchers_free(&m);
			return RC_USAGE;
		}
	}
	if (refuse_read_only(c)) {
		am_matchers_free(&m);
		return RC_BACKEND;
	}
	char *what = am_matchers_format(&m);
	sess_t s;
	sess_open(&s, c);
	int answered = sess_read(&s, 0);
	report_down(&s, answered);
	size_t firing = 0, other = 0;
	for (size_t i = 0; answered && i < s.al.list.all.n; i++) {
		const am_alert_t *a = &s.al.list.all.v[i];
		if (!am_matchers_match(&m, &a->labels))
			continue;
		if (a->state == AM_STATE_FIRING)
			firing++;
		else
			other++;
	}
	int rc = RC_OK;
	if (!answered && !c->force) {
		cli_say("cannot tell which firing alerts %s matches, so nothing was sent (--force sends it unchecked)",
		    what);
		rc = RC_BACKEND;
		goto out;
	}
	if (answered && firing == 0) {
		char extra[96] = "";
		if (other)
			snprintf(extra, sizeof extra, " (it matches %zu alert%s already silenced, inhibited or pending)",
				 other, other == 1 ? "" : "s");
		if (!c->force) {
			cli_say("no firing alert in context '%s' matches %s%s; nothing was sent (check the matchers, "
			    "or --force to create the silence anyway)",
			    ctx_name(c), what, extra);
			rc = RC_BACKEND;
			goto out;
		}
		cli_say("no firing alert matches %s%s; creating the silence anyway (--force)", what, extra);
	}
	double starts = now_unix(), ends = starts + (double)c->duration_ms / 1000.0;
	written_t r;
	memset(&r, 0, sizeof r);
	alerts_silence_create(&s.al, &m, starts, ends, c->author, c->comment, on_written, &r);
	sess_wait(&s, &r.done);
	rc = report_write(&s, &r);
	if (rc == RC_OK) {
		char t[32], d[32];
		if (c->json) {
			json_t *root = json_object();
			json_object_set_new(root, "context", cli_jstr(ctx_name(c)));
			json_object_set_new(root, "silenceID", cli_jstr(r.id));
			json_object_set_new(root, "alertmanager", cli_jstr(r.peer));
			json_object_set_new(root, "matchers", am_matchers_json(&m));
			json_object_set_new(root, "startsAt", jtime(starts));
			json_object_set_new(root, "endsAt", jtime(ends));
			json_object_set_new(root, "createdBy", cli_jstr(c->author));
			json_object_set_new(root, "comment", cli_jstr(c->comment));
			json_object_set_new(root, "firing", answered ? json_integer((json_int_t)firing) : json_null());
			cli_jdump(root);
		} else {
			put_safe("", r.id ? r.id : "", 0, "\n");
		}
		fflush(stdout);
		if (answered)
			cli_say("acknowledged %zu firing alert%s in context '%s' (%s) until %s (%s) by %s: silence %s on "
			    "alertmanager at %s",
			    firing, firing == 1 ? "" : "s", ctx_name(c), what, local_time(ends, t, sizeof t),
			    duration_format(c->duration_ms, d, sizeof d), c->author, r.id ? r.id : "?",
			    r.peer ? r.peer : "?");
		else
			cli_say("silence %s created (%s, unchecked) until %s by %s on alertmanager at %s", r.id ? r.id : "?",
			    what, local_time(ends, t, sizeof t), c->author, r.peer ? r.peer : "?");
	}
	written_free(&r);
out:
	sess_close(&s);
	free(what);
	am_matchers_free(&m);
	return rc;
}

int cli_unack(const cli_cmd_t *c)
{
	const char *id = c->args[0];
	if (refuse_read_only(c))
		return RC_BACKEND;
	sess_t s;
	sess_open(&s, c);
	/* the silence first: an expired one is said plainly, and the expiry names what it silenced */
	sess_read(&s, 1);
	report_down(&s, s.al.have || s.al.have_sil);
	const am_silence_t *sl = s.al.have_sil ? alerts_find_silence(&s.al, id) : NULL;
	char *what = sl ? am_matchers_format(&sl->matchers) : NULL;
	/* copied now: a good write refreshes the silences list under sl */
	json_t *mjson = sl ? am_matchers_json(&sl->matchers) : json_null();
	int rc;
	if (sl && sl->state == AM_SIL_EXPIRED) {
		char t[32];
		cli_say("silence %s (%s) already expired at %s; nothing was sent", id, what, local_time(sl->ends_at, t, sizeof t));
		rc = RC_BACKEND;
		goto out;
	}
	written_t r;
	memset(&r, 0, sizeof r);
	alerts_silence_expire(&s.al, id, on_written, &r);
	sess_wait(&s, &r.done);
	rc = report_write(&s, &r);
	if (rc == RC_OK) {
		if (c->json) {
			json_t *root = json_object();
			json_object_set_new(root, "context", cli_jstr(ctx_name(c)));
			json_object_set_new(root, "expired", cli_jstr(id));
			json_object_set_new(root, "alertmanager", cli_jstr(r.peer));
			json_object_set_new(root, "matchers", json_incref(mjson));
			cli_jdump(root);
		}
		cli_say("expired silence %s%s%s%s on alertmanager at %s", id, what ? " (" : "", what ? what : "",
		    what ? ")" : "", r.peer ? r.peer : "?");
	}
	written_free(&r);
out:
	json_decref(mjson);
	free(what);
	sess_close(&s);
	return rc;
}
