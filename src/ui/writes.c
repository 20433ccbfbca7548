/* Writes to Alertmanager from the TUI: acknowledge form, expire and extend, each confirmed, each reported, each retryable. */
#include "config.h"
#include "ui/writes.h"
#include "core/text.h"
#include "core/units.h"
#include <stdlib.h>
#include <string.h>

typedef enum { WR_ACK, WR_EXPIRE, WR_EXTEND } wr_kind_t;

/* One write the user asked for: what to send, and how to say what happened. */
typedef struct {
	ui_t *ui;
	int refs;
	wr_kind_t kind;
	char *ctx_name;       /* the context it was confirmed for */
	unsigned gen;         /* ... and that context's generation (a :ctx makes a new one) */
	int retry;            /* a retry: create only after checking it was not done */
	char *unknown_peer;   /* the peer an unanswered attempt reached (it may hold it) */
	am_matchers_t m;      /* ack */
	long long dur_ms;     /* ack, extend */
	char *author, *comment;
	size_t n_match;
	char *id;             /* expire, extend */
	char *what;           /* for messages: "1 alert (VortexOOM)", "silence 1234..." */
} wr_t;

static void wr_unref(void *p)
{
	wr_t *w = p;
	if (!w || --w->refs > 0)
		return;
	am_matchers_free(&w->m);
	free(w->ctx_name);
	free(w->unknown_peer);
	free(w->author);
	free(w->comment);
	free(w->id);
	free(w->what);
	free(w);
}

static wr_t *wr_new(ui_t *ui, wr_kind_t kind)
{
	wr_t *w = xcalloc(1, sizeof *w);
	w->ui = ui;
	w->refs = 1;
	w->kind = kind;
	w->ctx_name = xstrdup(ui->ctx.name ? ui->ctx.name : "default");
	w->gen = ui->ctx_gen;
	return w;
}

static const char *ctx_name(ui_t *ui)
{
	return ui->ctx.name ? ui->ctx.name : "default";
}

/* Writes are refused at once in a read-only context, before any form. */
static int refuse_read_only(ui_t *ui)
{
	if (!alerts_read_only(&ui->al))
		return 0;
	ui_say(ui, 1, "read-only: context '%s' does not allow writes (--read-only or read-only: true)",
	       ctx_name(ui));
	return 1;
}

static void wr_send(wr_t *w);

/* The error box of a write that did not go through: says so plainly, r retries. */
typedef struct {
	wr_t *w;
	char *error, *note;
	int unknown;          /* it may have been done */
} fail_t;

static void fail_free(void *p)
{
	fail_t *f = p;
	wr_unref(f->w);
	free(f->error);
	free(f->note);
	free(f);
}

static void fail_fill(textbox_t *tb, void *ctx)
{
	fail_t *f = ctx;
	const char *head =
		f->unknown ? (f->w->kind == WR_ACK ? "The acknowledgement MAY OR MAY NOT have been created: "
						    "Alertmanager got the request and did not answer."
			      : f->w->kind == WR_EXPIRE ? "The silence MAY OR MAY NOT have been expired."
							: "The silence MAY OR MAY NOT have been extended.")
		: f->w->kind == WR_ACK ? "The acknowledgement was NOT created: nothing is silenced."
		: f->w->kind == WR_EXPIRE ? "The silence was NOT expired: it still silences its alerts."
					  : "The silence was NOT extended: it ends as before.";
	textbox_text(tb, EL_ERROR, head);
	textbox_blank(tb);
	textbox_kv(tb, "context", f->w->ctx_name);
	textbox_kv(tb, "what", f->w->what);
	textbox_kv(tb, "error", f->error);
	if (f->note)
		textbox_kv(tb, "peers", f->note);
	textbox_blank(tb);
	textbox_text(tb, EL_DIM, f->w->kind == WR_ACK
				 ? "r sends it again, after asking, and only if Alertmanager does not hold "
				   "it already; Esc closes (nothing more is sent)."
				 : "r sends it again, after asking; Esc closes (nothing more is sent).");
}

static void on_yes(ui_t *ui, void *ud);

static int fail_retry(void *ctx)
{
	fail_t *f = ctx;
	wr_t *w = f->w;
	ui_t *ui = w->ui;
	if (w->gen != ui->ctx_gen) {
		ui_say(ui, 1, "not sent again: the context is now %s, not %s", ui->ctx.name, w->ctx_name);
		return OV_CLOSE;
	}
	w->refs++; /* the box goes, the write stays with the question */
	w->retry = 1;
	char *q = xasprintf("Send it again to %s%s? [y/N]", w->ctx_name,
			    w->kind == WR_ACK ? " (only if Alertmanager does not hold it already)" : "");
	ui_pop(ui);
	confirm_open(ui, q, on_yes, w, wr_unref);
	free(q);
	return OV_KEEP;
}

static const char *doing(const wr_t *w)
{
	return w->kind == WR_ACK ? "acknowledging" : w->kind == WR_EXPIRE ? "expiring" : "extending";
}

static void say_done(ui_t *ui, const wr_t *w, const alerts_write_t *res)
{
	char until[32];
	const char *sep = res->note ? "; " : "", *note = res->note ? res->note : "";
	switch (w->kind) {
	case WR_ACK:
		ui_say(ui, 0, "acknowledged %s in %s: silence %s until %s%s%s", w->what, w->ctx_name,
		       res->id ? res->id : "?",
		       ui_fmt_time(now_unix() + (double)w->dur_ms / 1000.0, until, sizeof until), sep, note);
		break;
	case WR_EXPIRE:
		ui_say(ui, 0, "expired %s in %s%s%s", w->what, w->ctx_name, sep, note);
		break;
	case WR_EXTEND: {
		int new_id = res->id && w->id && strcmp(res->id, w->id);
		ui_say(ui, 0, "extended %s in %s%s%s%s%s", w->what, w->ctx_name, new_id ? ": new id " : "",
		       new_id ? res->id : "", sep, note);
		break;
	}
	}
}

static void on_done(alerts_t *al, const alerts_write_t *res, void *ud)
{
	(void)al;
	wr_t *w = ud;
	ui_t *ui = w->ui;
	const char *error = res->error ? res->error : "unknown error";
	if (res->ok) {
		say_done(ui, w, res);
	} else if (ui->quit) {
		/* the screen is gone: say it on stderr when the console has stopped */
		sb_printf(&ui->exit_notes, "icn-console: %s %s in %s: %s\n", doing(w), w->what,
			  w->ctx_name, error);
	} else if (w->gen != ui->ctx_gen) {
		/* a box here would offer to retry in the wrong cluster */
		ui_say(ui, 1, "%s %s in %s %s: %s (the context has changed since: look in that "
			      "context's Silences view before acknowledging again)",
		       doing(w), w->what, w->ctx_name, res->unknown ? "is UNSURE" : "FAILED", error);
	} else {
		if (res->unknown && res->peer) {
			/* remembered for a retry: that peer is the one to ask first */
			free(w->unknown_peer);
			w->unknown_peer = xstrdup(res->peer);
		}
		fail_t *f = xcalloc(1, sizeof *f);
		f->w = w;
		w->refs++;
		f->error = xstrdup(error);
		f->note = res->note ? xstrdup(res->note) : NULL;
		f->unknown = res->unknown;
		ui_say(ui, 1, "%s %s in %s %s: %s", doing(w), w->what, w->ctx_name,
		       res->unknown ? "is UNSURE" : "FAILED", f->error);
		textbox_t *tb = textbox_open_quiet(ui, res->unknown ? "Alertmanager write: no answer"
								    : "Alertmanager write failed",
						   fail_fill, f, fail_free);
		if (tb)
			textbox_on_key(tb, 'r', "r retry", fail_retry);
	}
	wr_unref(w);
}

static void wr_send(wr_t *w)
{
	ui_t *ui = w->ui;
	w->refs++; /* held by the write until on_done */
	switch (w->kind) {
	case WR_ACK: {
		double now = now_unix();
		ui_say(ui, 0, "acknowledging %s in %s...", w->what, w->ctx_name);
		if (w->retry)
			alerts_silence_create_checked(&ui->al, &w->m, now, now + (double)w->dur_ms / 1000.0,
						      w->author, w->comment, w->unknown_peer, on_done, w);
		else
			alerts_silence_create(&ui->al, &w->m, now, now + (double)w->dur_ms / 1000.0,
					      w->author, w->comment, on_done, w);
		break;
	}
	case WR_EXPIRE:
		ui_say(ui, 0, "expiring %s in %s...", w->what, w->ctx_name);
		alerts_silence_expire(&ui->al, w->id, on_done, w);
		break;
	case WR_EXTEND: {
		const am_silence_t *s = alerts_find_silence(&ui->al, w->id);
		if (!s) {
			alerts_write_t res = { .ok = 0, .error = "this silence is no longer listed (expired or deleted)" };
			on_done(&ui->al, &res, w);
			break;
		}
		double base = s->ends_at > now_unix() ? s->ends_at : now_unix();
		ui_say(ui, 0, "extending %s in %s...", w->what, w->ctx_name);
		/* who extended it stays on record: the comment says so (the author
		 * stays the one who acknowledged) */
		am_silence_t ext = *s;
		char *tag = xasprintf("[extended by %s]", w->author ? w->author : "?");
		char *comment = strstr(s->comment ? s->comment : "", tag)
				? xstrdup(s->comment)
				: xasprintf("%s%s%s", s->comment ? s->comment : "", s->comment && *s->comment ? " " : "", tag);
		ext.comment = comment;
		alerts_silence_update(&ui->al, &ext, base + (double)w->dur_ms / 1000.0, on_done, w);
		free(comment);
		free(tag);
		break;
	}
	}
}

static void on_yes(ui_t *ui, void *ud)
{
	wr_t *w = ud;
	/* the context may have changed under the question: never write to another cluster */
	if (w->gen != ui->ctx_gen) {
		ui_say(ui, 1, "not sent: the context changed from %s to %s", w->ctx_name, ctx_name(ui));
		return;
	}
	wr_send(w);
}

/* ---- acknowledge ---- */

static char *ack_submit(form_t *f, void *ud)
{
	wr_t *tmpl = ud;
	ui_t *ui = tmpl->ui;
	char *dur = form_value(f, 0), *comment = form_value(f, 1), *author = form_value(f, 2);
	long long ms;
	char *err = NULL;
	if (duration_parse_ms(dur, &ms) != 0 || ms < 60000 || ms > 365LL * 86400000)
		err = xasprintf("duration: '%s' is not a duration from 1m to 365d (e.g. 30m, 2h, 1d)", dur);
	else if (!*author)
		err = xstrdup("author is required");
	if (err) {
		free(dur);
		free(comment);
		free(author);
		return err;
	}
	wr_t *w = wr_new(ui, WR_ACK);
	for (size_t i = 0; i < tmpl->m.n; i++)
		am_matchers_add(&w->m, tmpl->m.v[i].name, tmpl->m.v[i].value, tmpl->m.v[i].is_regex,
				tmpl->m.v[i].is_equal);
	w->dur_ms = ms;
	w->author = author;
	w->comment = comment;
	w->n_match = alerts_count_matching(&ui->al, &w->m);
	w->what = xstrdup(tmpl->what);
	char b[16];
	char *q = xasprintf("Acknowledge %zu alert%s in %s for %s? [y/N]", w->n_match,
			    w->n_match == 1 ? "" : "s", w->ctx_name, duration_format(ms, b, sizeof b));
	confirm_open(ui, q, on_yes, w, wr_unref);
	free(q);
	free(dur);
	return NULL;
}

void writes_ack_open(ui_t *ui, const labels_t *labels, size_t n_hint, int group)
{
	if (refuse_read_only(ui))
		return;
	if (!labels->n) {
		ui_say(ui, 1, "these alerts share no label: acknowledge them one by one");
		return;
	}
	wr_t *t = wr_new(ui, WR_ACK);
	am_matchers_from_labels(&t->m, labels);
	size_t n = alerts_count_matching(&ui->al, &t->m);
	const char *name = labels_get(labels, "alertname");
	t->what = xasprintf("%zu alert%s (%s)", n_hint, n_hint == 1 ? "" : "s", name ? name : "?");
	char *title = xasprintf("Acknowledge in %s", ctx_name(ui));
	form_t *f = form_open(ui, title, ack_submit, t, wr_unref);
	free(title);
	char *line = xasprintf("context: %s", ctx_name(ui));
	form_info(f, EL_DEFAULT, line);
	free(line);
	form_info(f, EL_DEFAULT, group ? "matchers (exact; the labels every alert of the group shares, "
					 "so later alerts like them are silenced too):"
				       : "matchers (exact, every label of the alert):");
	size_t shown = 0;
	for (size_t i = 0; i < t->m.n; i++) {
		if (shown == 8 && t->m.n > 9) {
			line = xasprintf("  ... and %zu more", t->m.n - shown);
			form_info(f, EL_DIM, line);
			free(line);
			break;
		}
		line = xasprintf("  %s=\"%s\"", t->m.v[i].name, t->m.v[i].value);
		form_info(f, EL_DIM, line);
		free(line);
		shown++;
	}
	line = xasprintf("they match %zu firing alert%s now", n, n == 1 ? "" : "s");
	form_info(f, n ? EL_DEFAULT : EL_VALUE_WARN, line);
	free(line);
	char db[16];
	form_field(f, "Duration", duration_format(ui->o->ack_ms > 0 ? ui->o->ack_ms : 2 * 3600000LL, db, sizeof db), 1);
	form_field(f, "Comment", "", 1);
	form_field(f, "Author", ui->o->ack_author ? ui->o->ack_author : "", 1);
	/* the comment is what is missing: start there */
	form_focus(f, 1);
}

/* ---- expire ---- */

static void expire_ask(ui_t *ui, const char *id, const char *by, const char *comment, const char *about)
{
	wr_t *w = wr_new(ui, WR_EXPIRE);
	w->id = xstrdup(id);
	w->what = xasprintf("silence %s%s%s", id, about ? " of " : "", about ? about : "");
	/* cut: a question must keep its "[y/N]" in sight whatever the comment */
	char *by_s = text_excerpt(by ? by : "?", 40), *com = text_excerpt(comment, 60);
	char *q = xasprintf("Expire silence %.8s (by %s: %s) in %s? [y/N]", id, by_s, com, w->ctx_name);
	free(by_s);
	free(com);
	confirm_open(ui, q, on_yes, w, wr_unref);
	free(q);
}

void writes_unack_open(ui_t *ui, const am_alert_t *a)
{
	if (refuse_read_only(ui))
		return;
	if (!a->n_silenced_by) {
		ui_say(ui, 0, "this alert is not acknowledged (no silence holds it)");
		return;
	}
	/* one silence at a time: each is named in its own question */
	const char *id = a->silenced_by[0];
	const am_silence_t *s = alerts_find_silence(&ui->al, id);
	const char *name = labels_get(&a->labels, "alertname");
	expire_ask(ui, id, s ? s->created_by : NULL, s ? s->comment : NULL, name);
	if (a->n_silenced_by > 1)
		ui_say(ui, 0, "%zu silences hold this alert: u again for the next", a->n_silenced_by);
}

void writes_expire_open(ui_t *ui, const am_silence_t *s)
{
	if (refuse_read_only(ui))
		return;
	if (s->state == AM_SIL_EXPIRED) {
		ui_say(ui, 0, "silence %s has expired already", s->id);
		return;
	}
	expire_ask(ui, s->id, s->created_by, s->comment, NULL);
}

/* ---- extend ---- */

static void extend_enter(ui_t *ui, const char *text, void *ud)
{
	char *id = ud;
	long long ms;
	const am_silence_t *s = alerts_find_silence(&ui->al, id);
	if (!s) {
		ui_say(ui, 1, "silence %s is no longer listed", id);
		return;
	}
	if (duration_parse_ms(text, &ms) != 0 || ms < 60000 || ms > 365LL * 86400000) {
		ui_say(ui, 1, "extend: '%s' is not a duration from 1m to 365d (e.g. 2h)", text);
		return;
	}
	wr_t *w = wr_new(ui, WR_EXTEND);
	w->id = xstrdup(id);
	w->dur_ms = ms;
	w->author = xstrdup(ui->o->ack_author ? ui->o->ack_author : "?");
	w->what = xasprintf("silence %s", id);
	double base = s->ends_at > now_unix() ? s->ends_at : now_unix();
	char b[16], until[32];
	char *q = xasprintf("Extend silence %.8s in %s by %s, until %s? [y/N]", id, w->ctx_name,
			    duration_format(ms, b, sizeof b),
			    ui_fmt_time(base + (double)ms / 1000.0, until, sizeof until));
	confirm_open(ui, q, on_yes, w, wr_unref);
	free(q);
}

void writes_extend_open(ui_t *ui, const am_silence_t *s)
{
	if (refuse_read_only(ui))
		return;
	if (s->state == AM_SIL_EXPIRED) {
		ui_say(ui, 0, "silence %s has expired: acknowledge its alerts anew (a in Alerts)", s->id);
		return;
	}
	char db[16];
	duration_format(ui->o->ack_ms > 0 ? ui->o->ack_ms : 2 * 3600000LL, db, sizeof db);
	prompt_open(ui, "extend by: ", db, extend_enter, NULL, NULL, xstrdup(s->id), free);
}
