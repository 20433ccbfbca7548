/* Targets: one request at a time to /api/v1/targets, the last good answer kept. */
#include "config.h"
#include "app/targets.h"
#include "app/dash.h"
#include "core/xalloc.h"
#include <stdlib.h>
#include <string.h>

void targets_init(targets_t *tg, http_client_t *http, const char *base)
{
	memset(tg, 0, sizeof *tg);
	tg->http = http;
	tg->base = base ? xstrdup(base) : NULL;
}

void targets_set_base(targets_t *tg, const char *base)
{
	http_client_t *h = tg->http;
	void (*cb)(struct targets *, void *) = tg->on_change;
	void *ud = tg->ud;
	unsigned gen = tg->gen;
	targets_free(tg);
	targets_init(tg, h, base);
	tg->gen = gen + 1; /* the old list is gone: never mistaken for the new one */
	tg->on_change = cb;
	tg->ud = ud;
}

static void on_targets(const http_response_t *r, void *ud)
{
	targets_t *tg = ud;
	tg->req = NULL;
	free(tg->error);
	tg->error = NULL;
	if (!r->ok) {
		tg->error = xasprintf("prometheus: %s", r->error ? r->error : "no answer");
	} else {
		prom_targets_t t;
		char *err = NULL;
		if (prom_parse_targets(r->body, r->len, r->status, &t, &err) == 0) {
			prom_targets_free(&tg->t);
			/* sorted once here (down first) for the view and the command alike */
			prom_targets_sort(&t);
			tg->t = t;
			tg->have = 1;
			tg->gen++;
			tg->last_ok = now_unix();
		} else {
			tg->error = xasprintf("prometheus: %s", err);
			free(err);
		}
	}
	if (tg->on_change)
		tg->on_change(tg, tg->ud);
}

void targets_refresh(targets_t *tg, long timeout_ms)
{
	if (tg->req)
		return;
	if (!tg->base) {
		free(tg->error);
		tg->error = xstrdup("no Prometheus URL: set 'prometheus:' in the context, "
				    "PROMETHEUS_URL or --prometheus");
		return;
	}
	char *url = prom_url_targets(tg->base);
	tg->req = http_get(tg->http, url, timeout_ms, on_targets, tg);
	free(url);
}

void targets_free(targets_t *tg)
{
	if (tg->req)
		http_cancel(tg->req);
	prom_targets_free(&tg->t);
	free(tg->error);
	free(tg->base);
	memset(tg, 0, sizeof *tg);
}
