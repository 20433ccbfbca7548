/* The health of Loki and Jaeger, asked on their own (see probe.h). */
#include "config.h"
#include "app/probe.h"
#include "app/logtail.h"
#include "backend/loki.h"
#include "core/xalloc.h"
#include <stdlib.h>
#include <string.h>

void hprobe_init(hprobe_t *p, uv_loop_t *loop, http_client_t *http, backends_t *bk)
{
	memset(p, 0, sizeof *p);
	p->loop = loop;
	p->http = http;
	p->bk = bk;
}

static void on_loki(const http_response_t *r, void *ud)
{
	hprobe_t *p = ud;
	backends_t *bk = p->bk;
	char **names = NULL, *err = NULL;
	size_t n = 0;
	p->loki_req = NULL;
	logtail_headers_free(p->loki_hdrs);
	p->loki_hdrs = NULL;
	if (r->ok && loki_parse_names(r->body, r->len, r->status, &names, &n, &err) == 0)
		backend_good(bk, &bk->loki, r->elapsed_ms);
	else
		backend_down(bk, &bk->loki, r->elapsed_ms, r->ok ? (err ? err : "invalid answer")
							      : (r->error ? r->error : "no answer"));
	loki_names_free(names, n);
	free(err);
}

static void on_jaeger(traces_t *t, char *const *names, size_t n, const char *err, void *ud)
{
	(void)t;
	(void)names;
	(void)n;
	hprobe_t *p = ud;
	backends_t *bk = p->bk;
	p->jaeger_busy = 0;
	double ms = (now_unix() - p->jaeger_t0) * 1000;
	if (!err) {
		backend_good(bk, &bk->jaeger, ms);
		return;
	}
	/* what names the backend and its URL is said by whoever shows it */
	const char *e = err;
	size_t ul = p->tr_base ? strlen(p->tr_base) : 0;
	if (strncmp(e, "jaeger: ", 8) == 0)
		e += 8;
	else if (strncmp(e, "jaeger at ", 10) == 0 && ul && strncmp(e + 10, p->tr_base, ul) == 0 && e[10 + ul] == ' ')
		e += 10 + ul + 1;
	backend_down(bk, &bk->jaeger, ms, e);
}

void hprobe_start(hprobe_t *p, const conf_context_t *ctx, long timeout_ms)
{
	if (p->bk->loki.url && ctx->loki && !p->loki_req) {
		int64_t now = now_unix_ns();
		char *url = loki_url_labels(ctx->loki, now - 300LL * 1000000000, now);
		p->loki_hdrs = logtail_headers_new(ctx);
		http_opts_t o = { 0 };
		o.timeout_ms = timeout_ms;
		o.headers = (const char *const *)p->loki_hdrs;
		p->loki_req = http_request(p->http, url, &o, on_loki, p);
		if (!p->loki_req) {
			logtail_headers_free(p->loki_hdrs);
			p->loki_hdrs = NULL;
			backend_down(p->bk, &p->bk->loki, 0, "could not start the request");
		}
		free(url);
	}
	if (p->bk->jaeger.url && ctx->jaeger && !p->jaeger_busy) {
		if (!p->tr || !p->tr_base || strcmp(p->tr_base, ctx->jaeger) != 0) {
			traces_free(p->tr);
			free(p->tr_base);
			traces_opts_t to = { .loop = p->loop, .http = p->http, .base = ctx->jaeger, .timeout_ms = timeout_ms };
			p->tr = traces_new(&to);
			p->tr_base = xstrdup(ctx->jaeger);
		}
		p->jaeger_busy = 1;
		p->jaeger_t0 = now_unix();
		traces_services(p->tr, on_jaeger, p);
	}
}

void hprobe_tick(hprobe_t *p, const conf_context_t *ctx, long timeout_ms, double now)
{
	if (now < p->next)
		return;
	p->next = now + HPROBE_EVERY_S;
	hprobe_start(p, ctx, timeout_ms);
}

int hprobe_pending(const hprobe_t *p)
{
	return p->loki_req != NULL || p->jaeger_busy;
}

void hprobe_reset(hprobe_t *p)
{
	if (p->loki_req)
		http_cancel(p->loki_req);
	p->loki_req = NULL;
	logtail_headers_free(p->loki_hdrs);
	p->loki_hdrs = NULL;
	traces_free(p->tr); /* cancels its request: no callback */
	p->tr = NULL;
	free(p->tr_base);
	p->tr_base = NULL;
	p->jaeger_busy = 0;
	p->next = 0;
}

void hprobe_free(hprobe_t *p)
{
	hprobe_reset(p);
}
