/* icn-console traces / trace: a Jaeger search as rows, one trace as a waterfall, through app/traces. */
#include "config.h"
#include "cli/traces_cmd.h"
#include "cli/cliout.h"
#include "app/backends.h"
#include "app/traces.h"
#include "core/text.h"
#include "core/units.h"
#include "core/xalloc.h"
#include "model/trace.h"
#include "ui/canvas.h"
#include "ui/table.h"
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <langinfo.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

enum { RC_OK = 0, RC_BACKEND = 1 };

/* The waterfall's width when stdout is not a terminal. */
#define PIPE_WIDTH 120
/* Its fixed columns: offset, duration and self time. */
#define NUM_W 8
/* The service column at most. */
#define SERVICE_MAX_W 24

typedef struct {
	const cli_traces_t *c;
	int done, rc;
} run_t;

/* ---- formatting ---- */

/* A duration in at most 8 columns, no blank ("850us", "12.3ms", "4.21s"): the waterfall's. */
static const char *dur_fmt(int64_t us, char buf[24])
{
	return span_format_us(us < 0 ? 0 : us, buf, 24);
}

/* Local time with milliseconds: "2026-11-30 03:02:01.123". */
static const char *time_fmt(int64_t us, char buf[40])
{
	time_t sec = (time_t)(us / 1000000);
	struct tm tm;
	localtime_r(&sec, &tm);
	char b[32];
	strftime(b, sizeof b, "%Y-%m-%d %H:%M:%S", &tm);
	snprintf(buf, 40, "%s.%03d", b, (int)(us % 1000000 / 1000));
	return buf;
}

/* s padded with blanks to w display columns (s already fits). */
static void put_padded(const char *s, int w, int right)
{
	int pad = w - utf8_width(s);
	if (right)
		printf("%*s%s", pad > 0 ? pad : 0, "", s);
	else
		printf("%s%*s", s, pad > 0 ? pad : 0, "");
}

/* ---- JSON ---- */

/* A tag's value as its type says: numbers JSON can hold exactly, booleans, else the text. */
static json_t *jtag(const trace_kv_t *kv)
{
	const char *v = kv->value ? kv->value : "";
	char *end;
	switch (kv->type) {
	case TRACE_KV_BOOL:
		if (!strcmp(v, "true") || !strcmp(v, "false"))
			return json_boolean(v[0] == 't');
		break;
	case TRACE_KV_INT: {
		errno = 0;
		long long n = strtoll(v, &end, 10);
		/* past 2^53 a JSON reader may round it: the text stays exact */
		if (!errno && end != v && !*end && n <= 9007199254740991LL && n >= -9007199254740991LL)
			return json_integer(n);
		break;
	}
	case TRACE_KV_FLOAT: {
		double d = strtod(v, &end);
		if (end != v && !*end && isfinite(d))
			return json_real(d);
		break;
	}
	default:
		break;
	}
	return cli_jstr(v);
}

/* ---- the run ---- */

static int run(const cli_traces_t *c, void (*ask)(traces_t *t, run_t *r))
{
	run_t r = { .c = c };
	traces_opts_t o = { 0 };
	o.loop = c->loop;
	o.http = c->http;
	o.base = c->ctx->jaeger;
	o.timeout_ms = c->timeout_ms;
	traces_t *t = traces_new(&o);
	ask(t, &r);
	while (!r.done)
		if (uv_run(c->loop, UV_RUN_ONCE) == 0 && !r.done)
			break;
	if (!r.done) {
		cli_say("jaeger at %s: no answer", c->ctx->jaeger);
		r.rc = RC_BACKEND;
	}
	traces_free(t);
	uv_run(c->loop, UV_RUN_NOWAIT); /* its timer closes */
	fflush(stdout);
	return r.rc;
}

/* ---- traces ---- */

enum { C_START, C_DUR, C_SPANS, C_ERR, C_ROOT, C_SVC, C_ID, C_N };

static void print_rows(const trace_summary_t *rows, size_t n)
{
	static const char *const head[C_N] = { "START", "DURATION", "SPANS", "ERRORS", "ROOT", "SERVICES",
					       "TRACE_ID" };
	char *(*cell)[C_N] = xcalloc(n ? n : 1, sizeof *cell);
	table_col_t col[C_N] = { { 0 } };
	for (int k = 0; k < C_N; k++)
		table_want(&col[k], head[k]);
	for (size_t i = 0; i < n; i++) {
		const trace_summary_t *s = &rows[i];
		char b[40];
		cell[i][C_START] = xstrdup(time_fmt(s->start_us, b));
		cell[i][C_DUR] = xstrdup(dur_fmt(s->duration_us, b));
		cell[i][C_SPANS] = xasprintf("%zu", s->n_spans);
		cell[i][C_ERR] = xasprintf("%zu", s->n_errors);
		char *root = xasprintf("%s: %s", s->root_service ? s->root_service : "?",
				       s->root_operation ? s->root_operation : "?");
		cell[i][C_ROOT] = text_sanitize(root);
		free(root);
		cell[i][C_SVC] = text_sanitize(s->services);
		cell[i][C_ID] = text_sanitize(s->trace_id);
		for (int k = 0; k < C_N; k++)
			table_want(&col[k], cell[i][k]);
	}
	for (size_t i = 0; i <= n; i++) {
		for (int k = 0; k < C_N; k++) {
			const char *s = i ? cell[i - 1][k] : head[k];
			int right = k == C_DUR || k == C_SPANS || k == C_ERR;
			if (k == C_N - 1)
				fputs(s, stdout);
			else
				put_padded(s, col[k].want, right);
			if (k < C_N - 1)
				fputs("  ", stdout);
		}
		fputc('\n', stdout);
	}
	for (size_t i = 0; i < n; i++)
		for (int k = 0; k < C_N; k++)
			free(cell[i][k]);
	free(cell);
}

static json_t *jrows(const trace_summary_t *rows, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++) {
		const trace_summary_t *s = &rows[i];
		json_t *o = json_object();
		json_object_set_new(o, "traceID", cli_jstr(s->trace_id));
		json_object_set_new(o, "startTime", json_integer(s->start_us));
		json_object_set_new(o, "duration", json_integer(s->duration_us));
		json_object_set_new(o, "rootService", cli_jstr(s->root_service));
		json_object_set_new(o, "rootOperation", cli_jstr(s->root_operation));
		json_object_set_new(o, "spans", json_integer((json_int_t)s->n_spans));
		json_object_set_new(o, "errors", json_integer((json_int_t)s->n_errors));
		/* the summary joins them with ", " */
		json_t *sv = json_array();
		const char *p = s->services ? s->services : "";
		while (*p) {
			const char *e = strstr(p, ", ");
			size_t len = e ? (size_t)(e - p) : strlen(p);
			char *name = xstrndup(p, len);
			json_array_append_new(sv, cli_jstr(name));
			free(name);
			p += len + (e ? 2 : 0);
		}
		json_object_set_new(o, "services", sv);
		json_array_append_new(a, o);
	}
	return a;
}

/* Newest first, as the view shows them (Jaeger's order is its store's). */
static int by_start_desc(const void *a, const void *b)
{
	const trace_summary_t *x = a, *y = b;
	if (x->start_us != y->start_us)
		return x->start_us > y->start_us ? -1 : 1;
	return strcmp(x->trace_id, y->trace_id);
}

static void on_search(traces_t *t, const trace_summary_t *rows_in, size_t n, const char *err, void *ud)
{
	(void)t;
	run_t *r = ud;
	const cli_traces_t *c = r->c;
	r->done = 1;
	uv_stop(c->loop); /* this turn of the loop ends without waiting in poll */
	if (err) {
		cli_say("%s", err);
		r->rc = RC_BACKEND;
		return;
	}
	trace_summary_t *rows = xmalloc((n ? n : 1) * sizeof *rows);
	if (n)
		memcpy(rows, rows_in, n * sizeof *rows);
	qsort(rows, n, sizeof *rows, by_start_desc);
	if (c->json)
		cli_jdump(jrows(rows, n));
	else if (n)
		print_rows(rows, n);
	free(rows); /* a shallow copy: the strings are the callee's */
	if (!n) {
		char lb[32];
		duration_format(c->lookback_us / 1000, lb, sizeof lb);
		cli_say("jaeger: no traces found (service '%s'%s%s%s, the last %s)", c->service,
		    c->operation ? ", operation '" : "", c->operation ? c->operation : "", c->operation ? "'" : "",
		    lb);
		r->rc = RC_BACKEND;
	}
}

static void ask_search(traces_t *t, run_t *r)
{
	const cli_traces_t *c = r->c;
	jaeger_query_t q = { 0 };
	q.service = c->service;
	q.operation = c->operation;
	q.tags = c->tags;
	q.n_tags = c->n_tags;
	q.end_us = (int64_t)(now_unix() * 1e6);
	q.start_us = q.end_us - c->lookback_us;
	q.min_duration_us = c->min_duration_us;
	q.max_duration_us = c->max_duration_us;
	q.limit = c->limit;
	traces_search(t, &q, on_search, r);
}

int cli_traces(const cli_traces_t *c)
{
	return run(c, ask_search);
}

/* ---- trace ---- */

static json_t *jtrace(const trace_t *t)
{
	json_t *o = json_object();
	json_object_set_new(o, "traceID", cli_jstr(t->trace_id));
	json_t *a = json_array();
	for (size_t i = 0; i < t->n_spans; i++) {
		const trace_span_t *s = &t->spans[i];
		json_t *js = json_object();
		json_object_set_new(js, "spanID", cli_jstr(s->span_id));
		json_object_set_new(js, "parentSpanID",
				    s->parent == TRACE_NONE ? json_null() : cli_jstr(t->spans[s->parent].span_id));
		json_object_set_new(js, "service", cli_jstr(trace_span_service(t, s)));
		json_object_set_new(js, "operation", cli_jstr(s->operation));
		json_object_set_new(js, "startTime", json_integer(s->start_us));
		json_object_set_new(js, "duration", json_integer(s->duration_us));
		json_object_set_new(js, "error", json_boolean(s->error));
		json_object_set_new(js, "critical", json_boolean(s->critical));
		json_t *tags = json_object();
		for (uint32_t k = 0; k < s->n_tags; k++) {
			const trace_kv_t *kv = &s->tags[k];
			json_t *key = cli_jstr(kv->key);
			const char *ks = json_string_value(key);
			if (ks && !json_object_get(tags, ks)) /* the first of a key, as trace_tag reads it */
				json_object_set_new(tags, ks, jtag(kv));
			json_decref(key);
		}
		json_object_set_new(js, "tags", tags);
		/* its logs (events): where a failure says why ("CUDA out of memory") */
		if (s->n_events) {
			json_t *logs = json_array();
			for (uint32_t e = 0; e < s->n_events; e++) {
				json_t *le = json_object(), *fields = json_object();
				json_object_set_new(le, "timestamp", json_integer(s->events[e].ts_us));
				for (uint32_t k = 0; k < s->events[e].n_fields; k++) {
					json_t *key = cli_jstr(s->events[e].fields[k].key);
					const char *ks = json_string_value(key);
					if (ks && !json_object_get(fields, ks))
						json_object_set_new(fields, ks, jtag(&s->events[e].fields[k]));
					json_decref(key);
				}
				json_object_set_new(le, "fields", fields);
				json_array_append_new(logs, le);
			}
			json_object_set_new(js, "logs", logs);
		}
		json_array_append_new(a, js);
	}
	json_object_set_new(o, "spans", a);
	return o;
}

static int out_width(const cli_traces_t *c, int *tty)
{
	*tty = isatty(STDOUT_FILENO);
	if (c->width > 0)
		return c->width;
	if (!*tty)
		return PIPE_WIDTH;
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	const char *cols = getenv("COLUMNS");
	int n = cols ? atoi(cols) : 0;
	return n > 0 ? n : 80;
}

/* The time axis above the bars: "0" at its left, the trace's length at its right, the middle between. */
static char *axis_line(int64_t total_us, int w)
{
	char *line = xmalloc((size_t)w + 1);
	memset(line, ' ', (size_t)w);
	line[w] = '\0';
	char end[24], mid[24];
	dur_fmt(total_us, end);
	dur_fmt(total_us / 2, mid);
	int le = (int)strlen(end), lm = (int)strlen(mid);
	line[0] = '0';
	if (le + 2 <= w)
		memcpy(line + w - le, end, (size_t)le);
	int m = w / 2 - lm / 2;
	if (m > 2 && m + lm + 2 <= w - le)
		memcpy(line + m, mid, (size_t)lm);
	return line;
}

static void print_waterfall(const cli_traces_t *c, const trace_t *t)
{
	int tty;
	int width = out_width(c, &tty);
	const char *cs = nl_langinfo(CODESET);
	int utf8 = tty && cs && (!strcmp(cs, "UTF-8") || !strcmp(cs, "utf8"));
	const char *fill = utf8 ? "\xe2\x96\x88" : "#"; /* █ */
	const char *ellipsis = utf8 ? "\xe2\x80\xa6" : "~"; /* … */
	int64_t v0 = t->start_us, v1 = t->end_us > t->start_us ? t->end_us : t->start_us + 1;
	char b1[40], b2[24];

	/* the heading, each line within the width */
	char *id = text_sanitize(t->trace_id);
	printf("trace %s\n", id);
	free(id);
	printf("%s, %zu span%s, %zu service%s, %zu error%s, started %s\n", dur_fmt(t->end_us - t->start_us, b2),
	       t->n_spans, t->n_spans == 1 ? "" : "s", t->n_services, t->n_services == 1 ? "" : "s", t->n_errors,
	       t->n_errors == 1 ? "" : "s", time_fmt(t->start_us, b1));
	strbuf_t sv;
	sb_init(&sv);
	sb_puts(&sv, "services: ");
	for (size_t i = 0; i < t->n_services; i++)
		sb_printf(&sv, "%s%s", i ? ", " : "", t->services[i]);
	char *svs = text_sanitize(sv.s);
	char *svline = table_cut(svs, width, ellipsis);
	printf("%s\nmarks: * on the critical path, ! an error\n\n", svline);
	free(svline);
	free(svs);
	sb_free(&sv);

	/* the columns: marks, the tree, the service, offset, duration, self, the bar */
	int sw = (int)strlen("SERVICE");
	for (size_t i = 0; i < t->n_services; i++) {
		char *s = text_sanitize(t->services[i]);
		int w = utf8_width(s);
		free(s);
		if (w > sw)
			sw = w;
	}
	if (sw > SERVICE_MAX_W)
		sw = SERVICE_MAX_W;
	int rest = width - (2 + 1 + 1 + sw + 3 * (1 + NUM_W) + 1 + 2);
	int bw = rest * 2 / 5, nw;
	if (bw < 10)
		bw = 10;
	nw = rest - bw;
	if (nw < 16) {
		nw = 16;
		bw = rest - nw < 10 ? 10 : rest - nw;
	}

	fputs("   ", stdout);
	put_padded("SPAN", nw, 0);
	fputc(' ', stdout);
	put_padded("SERVICE", sw, 0);
	printf(" %*s %*s %*s ", NUM_W, "OFFSET", NUM_W, "DURATION", NUM_W, "SELF");
	char *axis = axis_line(v1 - v0, bw);
	printf("|%s|\n", axis);
	free(axis);

	for (size_t i = 0; i < t->n_spans; i++) {
		const trace_span_t *s = &t->spans[i];
		printf("%c%c ", s->critical ? '*' : ' ', s->error ? '!' : ' ');
		/* the tree: two columns a level, at most half the column */
		int indent = (int)(s->depth > (uint32_t)nw ? (uint32_t)nw : s->depth) * 2;
		if (indent > nw / 2)
			indent = nw / 2;
		char *op = text_sanitize(s->operation);
		char *opc = table_cut(op, nw - indent, ellipsis);
		printf("%*s", indent, "");
		put_padded(opc, nw - indent, 0);
		free(op);
		free(opc);
		fputc(' ', stdout);
		char *svc = text_sanitize(trace_span_service(t, s));
		char *svcc = table_cut(svc, sw, ellipsis);
		put_padded(svcc, sw, 0);
		free(svc);
		free(svcc);
		char d1[24], d2[24], d3[24];
		printf(" %*s %*s %*s |", NUM_W, dur_fmt(s->start_us - t->start_us, d1), NUM_W,
		       dur_fmt(s->duration_us, d2), NUM_W, dur_fmt(s->self_us, d3));
		int c0 = 0, c1 = 0;
		if (trace_bar_cols(s->start_us, s->duration_us, v0, v1, bw, &c0, &c1) != 0)
			c0 = c1 = 0;
		for (int x = 0; x < bw; x++)
			fputs(x >= c0 && x < c1 ? fill : " ", stdout);
		fputs("|\n", stdout);
	}
}

static void on_trace(traces_t *tt, trace_t *t, const char *err, void *ud)
{
	(void)tt;
	run_t *r = ud;
	r->done = 1;
	uv_stop(r->c->loop); /* this turn of the loop ends without waiting in poll */
	if (err) {
		cli_say("%s", err);
		r->rc = RC_BACKEND;
		return;
	}
	if (r->c->json)
		cli_jdump(jtrace(t));
	else
		print_waterfall(r->c, t);
	for (size_t i = 0; i < t->n_warnings; i++)
		cli_say("jaeger: trace %s: %s", t->trace_id, t->warnings[i]);
	trace_free(t);
}

static void ask_trace(traces_t *t, run_t *r)
{
	traces_get(t, r->c->trace_id, on_trace, r);
}

int cli_trace(const cli_traces_t *c)
{
	return run(c, ask_trace);
}
