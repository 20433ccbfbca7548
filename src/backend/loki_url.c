/* Loki's URLs: query_range, labels, label values and the tail websocket (no I/O). */
#include "config.h"
#include "backend/loki.h"
#include "core/xalloc.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- URLs ---- */

static void url_start(strbuf_t *b, const char *base, size_t skip, const char *path)
{
	size_t n = base ? strlen(base) : 0;
	while (n > skip && base[n - 1] == '/')
		n--;
	if (n > skip)
		sb_add(b, base + skip, n - skip);
	sb_puts(b, path);
}

/* "?" before the first parameter, "&" before the others. */
static void param(strbuf_t *b, int *first, const char *name)
{
	sb_puts(b, *first ? "?" : "&");
	*first = 0;
	sb_puts(b, name);
	sb_puts(b, "=");
}

static void param_ns(strbuf_t *b, int *first, const char *name, int64_t v)
{
	if (v <= 0)
		return;
	param(b, first, name);
	sb_printf(b, "%" PRId64, v);
}

static void param_str(strbuf_t *b, int *first, const char *name, const char *v)
{
	if (!v)
		return;
	param(b, first, name);
	sb_url_encode(b, v);
}

char *loki_url_query_range(const char *base, const char *query, int64_t start_ns, int64_t end_ns,
			   int limit, loki_direction_t dir)
{
	strbuf_t b;
	int first = 1;
	sb_init(&b);
	url_start(&b, base, 0, "/loki/api/v1/query_range");
	param_str(&b, &first, "query", query ? query : "");
	param_ns(&b, &first, "start", start_ns);
	param_ns(&b, &first, "end", end_ns);
	param_ns(&b, &first, "limit", limit);
	param(&b, &first, "direction");
	sb_puts(&b, dir == LOKI_FORWARD ? "forward" : "backward");
	return sb_steal(&b);
}

char *loki_url_labels(const char *base, int64_t start_ns, int64_t end_ns)
{
	strbuf_t b;
	int first = 1;
	sb_init(&b);
	url_start(&b, base, 0, "/loki/api/v1/labels");
	param_ns(&b, &first, "start", start_ns);
	param_ns(&b, &first, "end", end_ns);
	return sb_steal(&b);
}

char *loki_url_label_values(const char *base, const char *name, int64_t start_ns, int64_t end_ns,
			    const char *query)
{
	strbuf_t b;
	int first = 1;
	sb_init(&b);
	url_start(&b, base, 0, "/loki/api/v1/label/");
	sb_url_encode(&b, name ? name : "");
	sb_puts(&b, "/values");
	param_ns(&b, &first, "start", start_ns);
	param_ns(&b, &first, "end", end_ns);
	if (query && *query)
		param_str(&b, &first, "query", query);
	return sb_steal(&b);
}

static int has_prefix(const char *s, const char *p)
{
	size_t n = strlen(p);
	for (size_t i = 0; i < n; i++)
		if (!s[i] || ascii_lower((unsigned char)s[i]) != p[i])
			return 0;
	return 1;
}

char *loki_url_tail(const char *base, const char *query, int64_t start_ns, int limit,
		    int delay_for)
{
	strbuf_t b;
	int first = 1;
	size_t skip;
	const char *scheme;
	if (!base)
		return NULL;
	if (has_prefix(base, "https://"))
		scheme = "wss://", skip = 8;
	else if (has_prefix(base, "http://"))
		scheme = "ws://", skip = 7;
	else if (has_prefix(base, "wss://"))
		scheme = "wss://", skip = 6;
	else if (has_prefix(base, "ws://"))
		scheme = "ws://", skip = 5;
	else
		return NULL;
	sb_init(&b);
	sb_puts(&b, scheme);
	url_start(&b, base, skip, "/loki/api/v1/tail");
	param_str(&b, &first, "query", query ? query : "");
	param_ns(&b, &first, "start", start_ns);
	param_ns(&b, &first, "limit", limit);
	if (delay_for > 5)
		delay_for = 5; /* Loki answers 400 "delay_for can't be greater than 5" */
	param_ns(&b, &first, "delay_for", delay_for);
	return sb_steal(&b);
}
