/* A context's backends onto the HTTP and websocket clients: URL, auth, TLS, headers, proxy, timeout. */
#include "config.h"
#include "app/creds.h"
#include "core/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void fill(http_backend_t *hb, const char *name, const char *url, const conf_backend_t *b)
{
	hb->name = name;
	hb->base_url = url;
	hb->opts = b;
}

void creds_apply(http_client_t *h, const conf_context_t *ctx)
{
	http_backend_t hb[3 + CONF_MAX_AM];
	char names[CONF_MAX_AM][32];
	size_t n = 0;
	if (!h)
		return;
	if (!ctx) {
		http_client_set_backends(h, NULL, 0);
		return;
	}
	if (ctx->prometheus)
		fill(&hb[n++], "prometheus", ctx->prometheus, &ctx->prometheus_opts);
	for (size_t i = 0; i < ctx->n_alertmanager && i < CONF_MAX_AM; i++) {
		if (ctx->n_alertmanager > 1)
			snprintf(names[i], sizeof names[i], "alertmanager %zu", i + 1);
		else
			snprintf(names[i], sizeof names[i], "alertmanager");
		if (ctx->alertmanager[i])
			fill(&hb[n++], names[i], ctx->alertmanager[i], &ctx->alertmanager_opts[i]);
	}
	if (ctx->loki)
		fill(&hb[n++], "loki", ctx->loki, &ctx->loki_opts);
	if (ctx->jaeger)
		fill(&hb[n++], "jaeger", ctx->jaeger, &ctx->jaeger_opts);
	http_client_set_backends(h, hb, n);
}

void creds_apply_ws(ws_client_t *ws, const conf_context_t *ctx)
{
	if (!ws)
		return;
	ws_client_set_route(ws, NULL, NULL);
	if (!ctx || !ctx->loki)
		return;
	const conf_backend_t *b = &ctx->loki_opts;
	ws_route_t t = {
		.ca_file = b->ca_file, .cert_file = b->cert_file, .key_file = b->key_file,
		.server_name = b->server_name, .insecure_skip_verify = b->insecure_skip_verify,
		.proxy_url = b->proxy_url,
	};
	ws_client_set_route(ws, ctx->loki, &t);
}

char *creds_insecure_note(const conf_context_t *ctx)
{
	strbuf_t b;
	sb_init(&b);
	if (!ctx)
		return NULL;
#define NOTE(cond, ...)                                              \
	do {                                                         \
		if (cond) {                                          \
			sb_puts(&b, b.len ? ", " : "tls insecure-skip-verify: "); \
			sb_printf(&b, __VA_ARGS__);                  \
		}                                                    \
	} while (0)
	NOTE(ctx->prometheus && ctx->prometheus_opts.insecure_skip_verify, "prometheus");
	for (size_t i = 0; i < ctx->n_alertmanager; i++)
		NOTE(ctx->alertmanager_opts[i].insecure_skip_verify, "alertmanager%s%.0zu",
		     ctx->n_alertmanager > 1 ? " " : "", ctx->n_alertmanager > 1 ? i + 1 : 0);
	NOTE(ctx->loki && ctx->loki_opts.insecure_skip_verify, "loki");
	NOTE(ctx->jaeger && ctx->jaeger_opts.insecure_skip_verify, "jaeger");
#undef NOTE
	return b.len ? sb_steal(&b) : NULL;
}
