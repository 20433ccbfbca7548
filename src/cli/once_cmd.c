/* The one-shot outputs: --once (every panel, text or JSON) and the targets command. */
#include "config.h"
#include "cli/once_cmd.h"
#include "app/logtail.h"
#include "app/targets.h"
#include "app/probe.h"
#include "backend/loki.h"
#include "backend/prom.h"
#include "core/log.h"
#include "core/panels.h"
#include "core/text.h"
#include "core/units.h"
#include "core/xalloc.h"
#include "model/legend.h"
#include "model/targetlist.h"
#include "ui/canvas.h"
#include "ui/table.h"
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { EXIT_OK = 0, EXIT_BACKEND = 1, EXIT_USAGE = 2 };

/* ---- one-shot output --------------------------------------------------- */

static json_t *labels_json(const labels_t *l)
{
	json_t *o = json_object();
	for (size_t i = 0; i < l->n; i++)
		json_object_set_new(o, l->v[i].name, json_string(l->v[i].value));
	return o;
}

static json_t *number_json(double v)
{
	/* JSON has no NaN or infinity: those are null */
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *backend_json(const backend_t *b)
{
	json_t *o = json_object();
	json_object_set_new(o, "name", json_string(b->kind));
	json_object_set_new(o, "url", json_string(b->url));
	json_object_set_new(o, "health", json_string(bk_health_name(b->health)));
	json_object_set_new(o, "error", b->error ? json_string(b->error) : json_null());
	return o;
}

static void once_json(const dash_t *d, const alerts_t *al, const dashboard_t *board)
{
	json_t *root = json_object();
	json_object_set_new(root, "context", json_string(d->ctx.name ? d->ctx.name : "default"));
	json_object_set_new(root, "dashboard", json_string(board->title ? board->title : ""));
	json_t *panels = json_array();
	for (size_t i = 0; i < d->n; i++) {
		const panel_rt_t *p = &d->p[i];
		json_t *o = json_object();
		json_object_set_new(o, "title", json_string(p->def->title));
		json_object_set_new(o, "type", json_string(panel_type_name(p->def->type)));
		/* the unit as the panel file says it ("blocks/s", "peers"), else its kind */
		json_object_set_new(o, "unit", json_string(p->def->unit.suffix[0] ? p->def->unit.suffix
										   : unit_name(&p->def->unit)));
		json_object_set_new(o, "state", json_string(pstate_name(p->state)));
		/* the state is kept from the last good data when queries fail: say so,
		 * and how old that data is (seconds; null when there never was any) */
		json_object_set_new(o, "stale", json_boolean(p->stale));
		json_object_set_new(o, "age", p->last_ok > 0 ? json_real(now_unix() - p->last_ok) : json_null());
		json_object_set_new(o, "query", json_string(p->def->query));
		/* the time the query carried (ms), so asking Prometheus again with it
		 * gives the same answer; printed at full precision (see JSON_REAL_PRECISION) */
		json_object_set_new(o, "time", number_json(prom_time_sent(p->eval_time)));
		json_object_set_new(o, "value", number_json(p->value));
		if (p->def->type == PANEL_BARS)
			json_object_set_new(o, "total", number_json(p->total));
		json_t *vals = json_array();
		for (size_t j = 0; j < p->now.n; j++) {
			json_t *v = json_object();
			json_object_set_new(v, "labels", labels_json(&p->now.v[j].labels));
			json_object_set_new(v, "value", number_json(series_last(&p->now.v[j])));
			json_array_append_new(vals, v);
		}
		json_object_set_new(o, "values", vals);
		/* the answer's series; "values" holds the worst of them when the cap cut it */
		json_object_set_new(o, "series_total", json_integer((json_int_t)(p->have_data ? p->n_total : 0)));
		json_object_set_new(o, "error", p->error ? json_string(p->error) : json_null());
		if (p->n_warnings) {
			json_t *w = json_array();
			for (size_t j = 0; j < p->n_warnings; j++)
				json_array_append_new(w, json_string(p->warnings[j]));
			json_object_set_new(o, "warnings", w);
		}
		json_array_append_new(panels, o);
	}
	json_object_set_new(root, "panels", panels);
	json_t *bk = json_array();
	if (d->bk->prom.url)
		json_array_append_new(bk, backend_json(&d->bk->prom));
	for (size_t i = 0; i < d->bk->n_am; i++)
		json_array_append_new(bk, backend_json(&d->bk->am[i]));
	if (d->bk->loki.url)
		json_array_append_new(bk, backend_json(&d->bk->loki));
	if (d->bk->jaeger.url)
		json_array_append_new(bk, backend_json(&d->bk->jaeger));
	json_object_set_new(root, "backends", bk);
	json_object_set_new(root, "firing", al->firing >= 0 ? json_integer(al->firing) : json_null());
	/* ASCII only: a C1 control in a label (U+009B is CSI) never reaches a terminal */
	json_dumpf(root, stdout,
		   JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17) | JSON_ENSURE_ASCII);
	fputc('\n', stdout);
	json_decref(root);
}

/* Server text (labels, errors) printed for a terminal: sanitised, padded to
 * `width` columns, between `pre` and `post`. */
static void put_safe(const char *pre, const char *text, int width, const char *post)
{
	char *t = text_sanitize(text);
	printf("%s%-*s%s", pre, width, t, post);
	free(t);
}

static void once_text(const dash_t *d, const alerts_t *al, const dashboard_t *board)
{
	char tb[32];
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	strftime(tb, sizeof tb, "%Y-%m-%d %H:%M:%S", &tm);
	put_safe("", board->title ? board->title : "dashboard", 0, "");
	put_safe(" - context ", d->ctx.name ? d->ctx.name : "default", 0, "");
	printf(" - %s\n", tb);
	for (size_t i = 0; i < d->n; i++) {
		const panel_rt_t *p = &d->p[i];
		char vb[64];
		if (p->error)
			snprintf(vb, sizeof vb, "-");
		else if (p->no_data)
			snprintf(vb, sizeof vb, "no data");
		else if (p->def->type == PANEL_BARS)
			snprintf(vb, sizeof vb, "%zu bars", p->now.n);
		else
			unit_format(&p->def->unit, p->value, vb, sizeof vb);
		put_safe("  ", p->def->title, 26, "");
		/* "stale" in the JSON is the state of no data; the text says it plainly */
		printf(" %-14s %-5s", vb, p->state == PSTATE_STALE ? "no-data" : pstate_name(p->state));
		if (p->stale) {
			char ab[16];
			printf(" (stale %s)", age_format(now_unix() - p->last_ok, ab, sizeof ab));
		}
		if (p->value_from)
			put_safe("  (", p->value_from, 0, ")");
		if (p->error)
			put_safe("  ", p->error, 0, "");
		putchar('\n');
		if (p->n_total > p->now.n)
			printf("      showing %zu of %zu series, the worst\n", p->now.n, p->n_total);
		int bars = p->def->type == PANEL_BARS && p->total > 0;
		if (bars || (p->def->type == PANEL_GAUGE && p->now.n > 1)) {
			/* a row per series, worst first as the dashboard shows them (by
			 * share for bars), ties by name */
			size_t n = p->now.n;
			char **names = legend_names(&p->now, p->def->legend, p->def->title);
			double *judged = xcalloc(n ? n : 1, sizeof *judged);
			size_t *order = xcalloc(n ? n : 1, sizeof *order);
			for (size_t j = 0; j < n; j++)
				judged[j] = series_last(&p->now.v[j]) / (bars ? p->total : 1);
			panel_sort_worst(p->def, judged, (const char *const *)names, n, order);
			for (size_t k = 0; k < n; k++) {
				size_t j = order[k];
				unit_t pct = { UNIT_PERCENT, "" };
				char pb[32] = "", ab[64];
				if (bars)
					unit_format(&pct, judged[j], pb, sizeof pb);
				unit_format(&p->def->unit, series_last(&p->now.v[j]), ab, sizeof ab);
				put_safe("      ", names[j], 22, "");
				printf(" %10s %8s  %s\n", ab, pb, pstate_name(panel_eval(p->def, judged[j])));
			}
			legend_names_free(names, n);
			free(judged);
			free(order);
		}
	}
	/* the backends and the alerts, as the header shows them */
	printf("  backends:");
	const backend_t *bk[3 + CONF_MAX_AM];
	size_t nb = 0;
	if (d->bk->prom.url)
		bk[nb++] = &d->bk->prom;
	for (size_t i = 0; i < d->bk->n_am; i++)
		bk[nb++] = &d->bk->am[i];
	if (d->bk->loki.url)
		bk[nb++] = &d->bk->loki;
	if (d->bk->jaeger.url)
		bk[nb++] = &d->bk->jaeger;
	for (size_t i = 0; i < nb; i++) {
		printf(" %s %s", bk[i]->kind, bk[i]->health == BK_UNKNOWN ? "?" : bk[i]->health == BK_DOWN ? "DOWN" : bk[i]->health == BK_SLOW ? "slow" : "ok");
		if (bk[i]->error)
			put_safe(" (", bk[i]->error, 0, ")");
		printf("%s", i + 1 < nb ? "," : "");
	}
	if (al->firing >= 0)
		printf("; %d alert%s firing", al->firing, al->firing == 1 ? "" : "s");
	else if (d->bk->n_am)
		printf("; alerts unknown (no Alertmanager answered)");
	putchar('\n');
}

int run_once(dash_t *d, alerts_t *al, const dashboard_t *board, const char *output)
{
	uv_loop_t *loop = d->loop;
	dash_refresh(d, now_unix(), 0);
	if (d->bk->n_am)
		alerts_refresh(al, 0);
	/* Loki and Jaeger, when the context has them: a question each, as the
	 * console's header asks them */
	hprobe_t pr;
	hprobe_init(&pr, loop, d->http, d->bk);
	hprobe_start(&pr, &d->ctx, d->timeout_ms);
	while (dash_pending(d) || alerts_pending(al) || hprobe_pending(&pr))
		uv_run(loop, UV_RUN_ONCE);
	hprobe_free(&pr);
	dash_tick(d, now_unix());
	int rc = EXIT_OK;
	if (d->bk->prom.health == BK_DOWN || !d->bk->prom.url) {
		char *e = text_sanitize(d->bk->prom.error ? d->bk->prom.error : "no URL configured");
		fprintf(stderr, "icn-console: prometheus%s%s: %s\n", d->bk->prom.url ? " at " : "",
			d->bk->prom.url ? d->bk->prom.url : "", e);
		free(e);
		rc = EXIT_BACKEND;
	}
	for (size_t i = 0; i < d->bk->n_am; i++)
		if (d->bk->am[i].health == BK_DOWN) {
			char *e = text_sanitize(d->bk->am[i].error);
			fprintf(stderr, "icn-console: alertmanager at %s: %s\n", d->bk->am[i].url, e);
			free(e);
			rc = EXIT_BACKEND;
		}
	const backend_t *opt[] = { &d->bk->loki, &d->bk->jaeger };
	for (size_t i = 0; i < sizeof opt / sizeof opt[0]; i++)
		if (opt[i]->url && opt[i]->health == BK_DOWN) {
			char *e = text_sanitize(opt[i]->error);
			fprintf(stderr, "icn-console: %s at %s: %s\n", opt[i]->kind, opt[i]->url, e);
			free(e);
			rc = EXIT_BACKEND;
		}
	for (size_t i = 0; i < d->n; i++)
		if (d->p[i].error) {
			if (rc == EXIT_OK) {
				char *e = text_sanitize(d->p[i].error);
				fprintf(stderr, "icn-console: panel '%s': %s\n", d->p[i].def->title, e);
				free(e);
			}
			rc = EXIT_BACKEND;
		}
	if (output && strcmp(output, "json") == 0)
		once_json(d, al, board);
	else
		once_text(d, al, board);
	return rc;
}

static json_t *string_json(const char *s)
{
	return json_string(s ? s : "");
}

/* `targets --output json`: times in unix seconds at full precision (17
 * digits: 9 would round a 2026 time to 10 s); 0 when never scraped. */
static void targets_json(const conf_context_t *ctx, const prom_targets_t *tt)
{
	json_t *root = json_object(), *arr = json_array();
	json_object_set_new(root, "context", json_string(ctx->name ? ctx->name : "default"));
	for (size_t i = 0; i < tt->n; i++) {
		const prom_target_t *t = &tt->v[i];
		json_t *o = json_object();
		json_object_set_new(o, "job", string_json(t->job));
		json_object_set_new(o, "instance", string_json(t->instance));
		json_object_set_new(o, "health", string_json(t->health));
		json_object_set_new(o, "last_scrape", number_json(t->last_scrape));
		json_object_set_new(o, "last_scrape_duration", number_json(t->last_scrape_duration));
		json_object_set_new(o, "last_error", string_json(t->last_error));
		json_object_set_new(o, "scrape_url", string_json(t->scrape_url));
		json_object_set_new(o, "scrape_pool", string_json(t->scrape_pool));
		json_object_set_new(o, "scrape_interval", string_json(t->scrape_interval));
		json_object_set_new(o, "scrape_timeout", string_json(t->scrape_timeout));
		json_object_set_new(o, "labels", labels_json(&t->labels));
		json_array_append_new(arr, o);
	}
	json_object_set_new(root, "targets", arr);
	json_object_set_new(root, "dropped", json_integer((json_int_t)tt->n_dropped));
	json_dumpf(root, stdout,
		   JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(17) | JSON_ENSURE_ASCII);
	fputc('\n', stdout);
	json_decref(root);
}

/* `targets` as text: down first (the targets module sorts), columns as wide
 * as their widest cell; only an absurdly long job or instance is cut. */
static void targets_text(const prom_targets_t *tt)
{
	enum { C_HEALTH, C_JOB, C_INST, C_WHEN, C_DUR, C_N };
	static const char *const head[C_N] = { "HEALTH", "JOB", "INSTANCE", "LAST SCRAPE", "DURATION" };
	size_t n = tt->n;
	char *(*cell)[C_N] = xcalloc(n ? n : 1, sizeof *cell);
	table_col_t col[C_N] = { { 0 } };
	for (int c = 0; c < C_N; c++)
		table_want(&col[c], head[c]);
	for (size_t i = 0; i < n; i++) {
		const prom_target_t *t = &tt->v[i];
		char when[32] = "never", dur[32];
		unit_t sec = { UNIT_SECONDS, "" };
		if (t->last_scrape > 0) {
			time_t ts = (time_t)t->last_scrape;
			struct tm tm;
			localtime_r(&ts, &tm);
			strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", &tm);
		}
		unit_format(&sec, t->last_scrape_duration, dur, sizeof dur);
		char *job = text_sanitize(t->job), *inst = text_sanitize(t->instance);
		cell[i][C_HEALTH] = text_sanitize(t->health && *t->health ? t->health : "?");
		cell[i][C_JOB] = table_cut(job, 64, "~");
		cell[i][C_INST] = table_cut(inst, 64, "~");
		cell[i][C_WHEN] = xstrdup(when);
		cell[i][C_DUR] = xstrdup(dur);
		free(job);
		free(inst);
		for (int c = 0; c < C_N; c++)
			table_want(&col[c], cell[i][c]);
	}
	int w[C_N];
	table_fit(col, C_N, 1 << 20, 2, w);
	/* padding by display width: a name in UTF-8 is wider in bytes than on screen */
	for (size_t i = 0; i <= n; i++) {
		const char *err = i ? tt->v[i - 1].last_error : "ERROR";
		for (int c = 0; c < C_N; c++) {
			const char *s = i ? cell[i - 1][c] : head[c];
			int pad = w[c] - utf8_width(s);
			if (c == C_DUR) /* numbers to the right */
				printf("%*s%s", pad, "", s);
			else
				printf("%s%*s  ", s, pad, "");
		}
		put_safe(err && *err ? "  " : "", err, 0, "\n");
	}
	for (size_t i = 0; i < n; i++)
		for (int c = 0; c < C_N; c++)
			free(cell[i][c]);
	free(cell);
	size_t down = targetlist_down(tt);
	printf("%zu active target%s, %zu down, %zu dropped\n", n, n == 1 ? "" : "s", down,
	       tt->n_dropped);
}

int run_targets(http_client_t *http, uv_loop_t *loop, const conf_context_t *ctx,
		       long timeout_ms, const char *output)
{
	targets_t tg;
	targets_init(&tg, http, ctx->prometheus);
	targets_refresh(&tg, timeout_ms);
	while (tg.req)
		uv_run(loop, UV_RUN_ONCE);
	int rc = EXIT_OK;
	if (tg.error) {
		/* "prometheus: why" -> "prometheus at URL: why", as --once says it */
		const char *why = strncmp(tg.error, "prometheus: ", 12) == 0 ? tg.error + 12 : tg.error;
		char *e = text_sanitize(why);
		fprintf(stderr, "icn-console: prometheus at %s: %s\n", ctx->prometheus, e);
		free(e);
		rc = EXIT_BACKEND;
	}
	if (tg.have && output && strcmp(output, "json") == 0)
		targets_json(ctx, &tg.t);
	else if (tg.have)
		targets_text(&tg.t);
	targets_free(&tg);
	return rc;
}

/* Everything after the options; `o` is main's (it frees what parsing allocated,
 * whichever way this returns). */
