/* Backend health in one place: ok, slow or down, with the reason, for every server the console asks. */
#include "config.h"
#include "app/backends.h"
#include "core/log.h"
#include "core/xalloc.h"
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

double now_unix(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int64_t now_unix_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

const char *bk_health_name(bk_health_t h)
{
	switch (h) {
	case BK_OK: return "ok";
	case BK_SLOW: return "slow";
	case BK_DOWN: return "down";
	default: return "unknown";
	}
}

static void backend_set(backend_t *b, size_t index, const char *kind, const char *url)
{
	free(b->url);
	free(b->error);
	memset(b, 0, sizeof *b);
	b->index = index;
	b->kind = kind;
	b->url = url ? xstrdup(url) : NULL;
}

void backends_set_context(backends_t *b, const conf_context_t *ctx)
{
	backend_set(&b->prom, 0, "prometheus", ctx ? ctx->prometheus : NULL);
	b->n_am = ctx ? ctx->n_alertmanager : 0;
	for (size_t i = 0; i < CONF_MAX_AM; i++)
		backend_set(&b->am[i], i, "alertmanager", i < b->n_am ? ctx->alertmanager[i] : NULL);
	backend_set(&b->loki, 0, "loki", ctx ? ctx->loki : NULL);
	backend_set(&b->jaeger, 0, "jaeger", ctx ? ctx->jaeger : NULL);
	if (b->on_change)
		b->on_change(b, b->ud);
}

void backends_init(backends_t *b, const conf_context_t *ctx)
{
	memset(b, 0, sizeof *b);
	b->slow_ms = 1000;
	backends_set_context(b, ctx);
}

void backends_free(backends_t *b)
{
	b->on_change = NULL;
	backends_set_context(b, NULL);
}

/* Every health change goes to the debug log once, with the reason for a bad one. */
static void set_health(backends_t *bs, backend_t *b, bk_health_t h, const char *error)
{
	int changed = h != b->health;
	if (changed)
		log_msg("%s %s: %s -> %s%s%s", b->kind, b->url ? b->url : "(no URL)",
			bk_health_name(b->health), bk_health_name(h), error ? ": " : "",
			error ? error : "");
	b->health = h;
	if (error || b->error) {
		changed |= !error || !b->error || strcmp(error, b->error) != 0;
		free(b->error);
		b->error = error ? xstrdup(error) : NULL;
	}
	if (changed && bs && bs->on_change)
		bs->on_change(bs, bs->ud);
}

void backend_good(backends_t *bs, backend_t *b, double elapsed_ms)
{
	b->latency_ms = elapsed_ms;
	b->last_ok = now_unix();
	set_health(bs, b, bs && elapsed_ms > bs->slow_ms ? BK_SLOW : BK_OK, NULL);
}

void backend_down(backends_t *bs, backend_t *b, double elapsed_ms, const char *why)
{
	b->latency_ms = elapsed_ms;
	set_health(bs, b, BK_DOWN, why ? why : "no answer");
}

char *backend_server_failure(const http_response_t *r)
{
	if (!r->ok)
		return xstrdup(r->error ? r->error : "no answer");
	int json = r->content_type && strstr(r->content_type, "json");
	if (r->status >= 500 && !json)
		return xasprintf("HTTP %ld", r->status);
	return NULL;
}

void backend_note(backends_t *bs, backend_t *b, const http_response_t *r)
{
	char *fail = backend_server_failure(r);
	if (fail)
		backend_down(bs, b, r->elapsed_ms, fail);
	else
		backend_good(bs, b, r->elapsed_ms);
	free(fail);
}

int backend_up(const backend_t *b)
{
	return b->health == BK_OK || b->health == BK_SLOW;
}

void worker_yield_cpu(void)
{
	static __thread int lowered;
	if (lowered)
		return;
	lowered = 1;
	errno = 0;
	if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10) != 0)
		log_msg("work queue: could not lower a worker's priority: %s", strerror(errno));
}
