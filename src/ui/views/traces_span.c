/* The Traces view's span: its details (the error first, ids, parent, times,
 * tags, process, logs, references) and L, the logs carrying its trace id. */
#include "config.h"
#include "ui/views/traces_int.h"
#include "core/text.h"
#include "core/units.h"
#include "model/logsel.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	view_t *v;
	uint32_t span;
	trace_t *t;   /* the trace it was opened on: details of a replaced trace close */
} details_t;

static void kv_lines(textbox_t *tb, const trace_kv_t *kv, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++) {
		char *k = text_sanitize(kv[i].key), *val = text_sanitize(kv[i].value);
		textbox_kv(tb, k, val);
		free(k);
		free(val);
	}
}

/* Why a span failed, in its own words: a status description or error
 * message tag, else the first event field that says it. NULL when none. */
static const char *error_reason(const trace_span_t *s)
{
	static const char *const tags[] = { "otel.status_description", "error.message", "exception.message" };
	for (size_t i = 0; i < sizeof tags / sizeof tags[0]; i++) {
		const char *v = trace_tag(s, tags[i]);
		if (v && *v)
			return v;
	}
	static const char *const fields[] = { "message", "error.message", "exception.message", "error", "event" };
	for (uint32_t e = 0; e < s->n_events; e++)
		for (size_t k = 0; k < sizeof fields / sizeof fields[0]; k++)
			for (uint32_t f = 0; f < s->events[e].n_fields; f++)
				if (strcmp(s->events[e].fields[f].key, fields[k]) == 0 && *s->events[e].fields[f].value)
					return s->events[e].fields[f].value;
	return NULL;
}

static void details_fill(textbox_t *tb, void *ctx)
{
	details_t *d = ctx;
	traces_view_t *tv = tv_of(d->v);
	if (tv->t != d->t || d->span >= tv->t->n_spans) {
		textbox_text(tb, EL_DIM, "the trace was replaced: Esc");
		return;
	}
	const trace_t *t = tv->t;
	const trace_span_t *s = &t->spans[d->span];
	char b1[24], b2[24], b3[24], *x;
	char *op = text_sanitize(s->operation), *svc = text_sanitize(trace_span_service(t, s));
	textbox_heading(tb, "Span");
	textbox_kv(tb, "operation", op);
	textbox_kv(tb, "service", svc);
	free(op);
	free(svc);
	char *sid = text_sanitize(s->span_id), *tid = text_sanitize(t->trace_id);
	textbox_kv(tb, "span id", sid);
	textbox_kv(tb, "trace id", tid);
	free(sid);
	free(tid);
	if (s->parent != TRACE_NONE) {
		const trace_span_t *p = &t->spans[s->parent];
		x = xasprintf("%s (%s, %s)", p->span_id, p->operation,
			      s->parent_kind == TRACE_FOLLOWS_FROM ? "follows from" : "child of");
		char *xs = text_sanitize(x);
		textbox_kv(tb, "parent", xs);
		free(xs);
		free(x);
	} else {
		textbox_kv(tb, "parent", s->orphan ? "missing from the trace (shown as a root)"
				     : s->n_refs ? "its references go round in a cycle (or to itself): shown as a root"
						 : "none: a root");
	}
	x = xasprintf("+%s from the trace's start, %s long, self %s", span_format_us(s->start_us - t->start_us, b1, sizeof b1),
		      span_format_us(s->duration_us, b2, sizeof b2), span_format_us(s->self_us, b3, sizeof b3));
	textbox_kv(tb, "time", x);
	free(x);
	if (s->error) {
		const char *why = error_reason(s);
		char *w = text_sanitize(why ? why : "yes (no message)");
		textbox_kv(tb, "error", w);
		free(w);
	}
	if (s->critical)
		textbox_kv(tb, "critical path", "yes");
	if (s->skewed)
		textbox_kv(tb, "clock skew", "it starts before its parent or ends after it");
	if (s->dup)
		textbox_kv(tb, "duplicate", "another span has the same id");
	if (s->n_tags) {
		textbox_blank(tb);
		textbox_heading(tb, "Tags");
		kv_lines(tb, s->tags, s->n_tags);
	}
	const trace_proc_t *p = &t->procs[s->proc];
	if (p->n_tags) {
		textbox_blank(tb);
		textbox_heading(tb, "Process");
		kv_lines(tb, p->tags, p->n_tags);
	}
	if (s->n_events) {
		textbox_blank(tb);
		textbox_heading(tb, "Logs (times from the trace's start)");
		for (uint32_t i = 0; i < s->n_events; i++) {
			const trace_event_t *e = &s->events[i];
			strbuf_t b = { 0 };
			for (uint32_t k = 0; k < e->n_fields; k++)
				sb_printf(&b, "%s%s=%s", k ? " " : "", e->fields[k].key, e->fields[k].value);
			char *line = sb_steal(&b), *ls = text_sanitize(line ? line : "");
			char when[32];
			snprintf(when, sizeof when, "+%s", span_format_us(e->ts_us - t->start_us, b1, sizeof b1));
			textbox_kv(tb, when, ls);
			free(ls);
			free(line);
		}
	}
	if (s->n_refs) {
		textbox_blank(tb);
		textbox_heading(tb, "References");
		for (uint32_t i = 0; i < s->n_refs; i++) {
			const trace_ref_t *r = &s->refs[i];
			int32_t at = strcmp(r->trace_id, t->trace_id) == 0 ? trace_find_span(t, r->span_id) : TRACE_NONE;
			x = xasprintf("%s %s%s", r->span_id, at == TRACE_NONE ? "(not in the trace" : "(", at == TRACE_NONE ? ")" : t->spans[at].operation);
			if (at != TRACE_NONE) {
				char *y = xasprintf("%s)", x);
				free(x);
				x = y;
			}
			char *xs = text_sanitize(x);
			textbox_kv(tb, r->kind == TRACE_FOLLOWS_FROM ? "follows from" : "child of", xs);
			free(xs);
			free(x);
		}
	}
	if (d->span == 0 && t->n_warnings) {
		textbox_blank(tb);
		textbox_heading(tb, "Warnings of the trace");
		for (size_t i = 0; i < t->n_warnings; i++) {
			char *w = text_sanitize(t->warnings[i]);
			textbox_text(tb, EL_VALUE_WARN, w);
			free(w);
		}
	}
}

static int details_logs(void *ctx)
{
	details_t *d = ctx;
	traces_view_t *tv = tv_of(d->v);
	if (tv->t == d->t)
		tv_span_logs(d->v, d->span);
	return OV_CLOSE;
}

void tv_span_details(view_t *v)
{
	traces_view_t *tv = tv_of(v);
	if (!tv->t || !tv->n_rows)
		return;
	details_t *d = xcalloc(1, sizeof *d);
	d->v = v;
	d->span = tv->rows[tv->wl.sel];
	d->t = tv->t;
	char *sid = text_sanitize(tv->t->spans[d->span].span_id);
	char *title = xasprintf("Span %s", sid);
	free(sid);
	textbox_t *tb = textbox_open(v->ui, title, details_fill, d, free);
	free(title);
	if (tb)
		textbox_on_key(tb, 'L', "L its logs", details_logs);
}

/* ---- jumps out ---- */

/* L on a span: the logs carrying the trace id, of the span's pod or service,
 * from just before the span started. */
void tv_span_logs(view_t *v, uint32_t span)
{
	traces_view_t *tv = tv_of(v);
	const trace_t *t = tv->t;
	const trace_span_t *s = &t->spans[span];
	const trace_proc_t *p = &t->procs[s->proc];
	labels_t l = { 0 };
	for (uint32_t i = 0; i < p->n_tags; i++)
		if (strcmp(p->tags[i].key, "pod") == 0 || strcmp(p->tags[i].key, "namespace") == 0)
			labels_add(&l, p->tags[i].key, p->tags[i].value);
	if (!labels_get(&l, "pod"))
		labels_add(&l, "app", p->service);
	char id[33];
	if (jaeger_trace_id_norm(t->trace_id, id) != 0) {
		labels_free(&l);
		ui_say(v->ui, 1, "this trace's id is not hex: its logs cannot be searched for it");
		return;
	}
	const conf_t *c = v->ui->o->conf;
	char *sel = logsel_from_labels(&l, c && c->n_log_labels ? c->log_labels : NULL, c ? c->n_log_labels : 0);
	labels_free(&l);
	/* the id as the log lines write it: Jaeger's form, 16 or 32 digits */
	char *q = xasprintf("%s |= \"%s\"", sel ? sel : "{app=~\".+\"}", id);
	char *op = text_sanitize(s->operation);
	char *why = xasprintf("logs of trace %.16s... from span %s", t->trace_id, op);
	jump_t j = { .query = q, .focus_ns = s->start_us * 1000, .start_ns = (s->start_us - 60 * 1000000LL) * 1000, .why = why };
	ui_jump(v->ui, "Logs", &j);
	free(op);
	free(why);
	free(q);
	free(sel);
}

