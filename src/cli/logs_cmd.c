/* icn-console logs: a query's history, then (--tail) its live lines, through app/logfollow. */
#include "config.h"
#include "app/backends.h"
#include "app/creds.h"
#include "cli/logs_cmd.h"
#include "app/logfollow.h"
#include "backend/loki.h"
#include "core/log.h"
#include "core/text.h"
#include "core/ws.h"
#include "core/xalloc.h"
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The history is held until its last page (printed oldest first): at most
 * this many MB of lines. */
#define LOGS_CMD_MAX_MB 256
/* Lines up to this are printed whole in text; a longer one ends in [+N bytes]. */
#define TEXT_LINE_MAX (256u * 1024 + 64)

typedef struct {
	const cli_logs_t *c;
	int done;
	int rc;
	int history_done;
	logfollow_t *lf;
	uv_timer_t stop_timer;
	uv_signal_t sigint;
	size_t printed, dropped;
} run_t;

static void print_entry(run_t *r, const labels_t *st, int64_t ts, const char *line, size_t len)
{
	if (r->c->jsonl) {
		json_t *o = json_object();
		char tsb[24];
		snprintf(tsb, sizeof tsb, "%" PRId64, ts);
		json_object_set_new(o, "ts", json_string(tsb));
		json_t *l = json_object();
		for (size_t i = 0; i < st->n; i++)
			json_object_set_new(l, st->v[i].name, json_string(st->v[i].value));
		json_object_set_new(o, "labels", l);
		json_t *s = json_stringn(line, len);
		if (!s) { /* not UTF-8 (a line cut mid-character): shown escaped */
			char *safe = text_render_line(line, len, 0, NULL);
			s = json_string(safe);
			free(safe);
		}
		json_object_set_new(o, "line", s);
		char *out = json_dumps(o, JSON_COMPACT | JSON_ENSURE_ASCII | JSON_PRESERVE_ORDER);
		if (out)
			puts(out);
		free(out);
		json_decref(o);
	} else {
		time_t sec = (time_t)(ts / 1000000000);
		struct tm tm;
		gmtime_r(&sec, &tm);
		char tb[32];
		strftime(tb, sizeof tb, "%Y-%m-%dT%H:%M:%S", &tm);
		char *lf = labels_format(st);
		char *safe_l = text_sanitize(lf);
		char *safe = text_render_line(line, len, TEXT_LINE_MAX, NULL);
		printf("%s.%09" PRId64 "Z %s %s\n", tb, ts % 1000000000, safe_l, safe);
		free(lf);
		free(safe_l);
		free(safe);
	}
	r->printed++;
}

static void stop(run_t *r, int rc)
{
	if (r->done)
		return;
	r->done = 1;
	r->rc = rc;
	fflush(stdout);
	if (r->lf) {
		logfollow_free(r->lf);
		r->lf = NULL;
	}
	if (r->c->tail) {
		uv_timer_stop(&r->stop_timer);
		uv_signal_stop(&r->sigint);
	}
}

static void on_entry(logfollow_t *t, const labels_t *st, int64_t ts, const char *line, size_t len,
		     void *ud)
{
	(void)t;
	print_entry(ud, st, ts, line, len);
}

static void on_dropped(logfollow_t *t, size_t n, int64_t ts, void *ud)
{
	(void)t;
	run_t *r = ud;
	r->dropped += n;
	fflush(stdout);
	if (!n) {
		fprintf(stderr, "icn-console: the lines Loki sent while the tail was cut, from %" PRId64
				", could not be read back: some may be missing from this output\n", ts);
		return;
	}
	fprintf(stderr, "icn-console: Loki dropped %zu entr%s at %" PRId64 " (the reader was too slow); "
			"they are not in this output\n", n, n == 1 ? "y" : "ies", ts);
}

static void on_recovered(logfollow_t *t, size_t n, int64_t ts, void *ud)
{
	(void)t;
	(void)ud;
	fflush(stdout);
	fprintf(stderr, "icn-console: Loki dropped %zu entr%s at %" PRId64 " (the reader was too slow); "
			"read back by query_range, printed in their place\n", n, n == 1 ? "y" : "ies", ts);
}

static void on_state(logfollow_t *t, logtail_state_t st, const char *msg, void *ud)
{
	(void)t;
	run_t *r = ud;
	if (st == LOGTAIL_WAITING) {
		fflush(stdout);
		fprintf(stderr, "icn-console: %s\n", msg);
	} else if (st == LOGTAIL_FAILED) {
		fflush(stdout);
		fprintf(stderr, "icn-console: loki at %s: %s\n", r->c->ctx->loki, msg);
		stop(r, 1);
	}
}

static void on_stop_timer(uv_timer_t *t)
{
	stop(t->data, 0);
}

static void on_sigint(uv_signal_t *s, int sig)
{
	(void)sig;
	stop(s->data, 130);
}

static void on_history(logfollow_t *f, const logfollow_history_t *h, void *ud)
{
	(void)f;
	run_t *r = ud;
	r->history_done = 1;
	fflush(stdout);
	if (h->error) {
		if (h->lines)
			fprintf(stderr, "icn-console: loki at %s: %s (the history stops there: the %zu lines above "
					"are the newest of the window, older ones were not read)\n",
				r->c->ctx->loki, h->error, h->lines);
		else
			fprintf(stderr, "icn-console: loki at %s: %s\n", r->c->ctx->loki, h->error);
		stop(r, 1);
		return;
	}
	for (size_t i = 0; h->warnings && h->warnings[i]; i++)
		fprintf(stderr, "icn-console: loki warns: %s\n", h->warnings[i]);
	if (h->cut)
		fprintf(stderr, "icn-console: the newest %zu lines of the window (--limit, or %d MB of lines); "
				"older ones, if any, not shown\n", h->lines, LOGS_CMD_MAX_MB);
	if (!r->c->tail)
		stop(r, 0);
}

int cli_logs(const cli_logs_t *c)
{
	run_t r;
	memset(&r, 0, sizeof r);
	r.c = c;
	char **hdrs = logtail_headers_new(c->ctx);
	int64_t now = now_unix_ns();
	ws_client_t *ws = NULL;
	if (c->tail) {
		char *werr = NULL;
		ws = ws_client_new(c->loop, &werr);
		if (!ws) {
			fprintf(stderr, "icn-console: %s\n", werr ? werr : "no websocket client");
			free(werr);
			logtail_headers_free(hdrs);
			return 1;
		}
		creds_apply_ws(ws, c->ctx); /* the loki backend's tls */
		uv_timer_init(c->loop, &r.stop_timer);
		r.stop_timer.data = &r;
		if (c->duration_ms > 0)
			uv_timer_start(&r.stop_timer, on_stop_timer, (uint64_t)c->duration_ms, 0);
		uv_signal_init(c->loop, &r.sigint);
		r.sigint.data = &r;
		uv_signal_start(&r.sigint, on_sigint, SIGINT);
	}
	/* the newest `limit` lines of the window, then (--tail) live from the
	 * newest of them: the join neither repeats nor loses a line */
	logfollow_opts_t o = { 0 };
	o.base = c->ctx->loki;
	o.query = c->query;
	o.start_ns = now - (int64_t)c->since_ms * 1000000;
	o.end_ns = now;
	o.limit = c->limit > 0 ? (size_t)c->limit : LOGFOLLOW_PAGE;
	o.max_bytes = (size_t)LOGS_CMD_MAX_MB << 20;
	o.headers = (const char *const *)hdrs;
	o.http = c->http;
	o.timeout_ms = c->timeout_ms;
	o.ws = ws;
	static const logfollow_cbs_t cbs = { on_entry, on_dropped, on_history, on_state, on_recovered };
	r.lf = logfollow_new(c->loop, &o, &cbs, &r);
	while (!r.done)
		uv_run(c->loop, UV_RUN_ONCE);
	if (c->tail) {
		uv_close((uv_handle_t *)&r.stop_timer, NULL);
		uv_close((uv_handle_t *)&r.sigint, NULL);
		ws_client_close(ws);
	}
	for (int i = 0; i < 100 && uv_run(c->loop, UV_RUN_NOWAIT); i++)
		; /* lws' handles and ours close */
	if (ws)
		ws_client_free(ws);
	logtail_headers_free(hdrs);
	fflush(stdout);
	return r.rc;
}
