/* Resume dedupe: the (stream, line) hashes of the entries at the newest timestamp seen. */
#include "config.h"
#include "model/logdedup.h"
#include "core/xalloc.h"
#include <stdlib.h>
#include <string.h>

void logdedup_init(logdedup_t *d)
{
	memset(d, 0, sizeof *d);
	d->ts = INT64_MIN;
}

void logdedup_init_backward(logdedup_t *d)
{
	memset(d, 0, sizeof *d);
	d->backward = 1;
	d->ts = INT64_MAX;
}

void logdedup_free(logdedup_t *d)
{
	int b = d->backward;
	free(d->h);
	if (b)
		logdedup_init_backward(d);
	else
		logdedup_init(d);
}

void logdedup_reset(logdedup_t *d)
{
	d->n = 0;
	d->ts = d->backward ? INT64_MAX : INT64_MIN;
}

static uint64_t mix(uint64_t h, uint64_t v)
{
	h ^= v;
	h *= 0xbf58476d1ce4e5b9ULL;
	return h ^ (h >> 31);
}

/* Eight bytes a step: lines reach 256 KB, and every entry is hashed. */
static uint64_t hash_bytes(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t v;
		memcpy(&v, s + i, 8);
		h = mix(h, v);
	}
	uint64_t t = 0;
	for (size_t k = 0; i < n; i++, k++)
		t |= (uint64_t)s[i] << (8 * k);
	return mix(mix(h, t), n);
}

uint64_t logdedup_hash(const labels_t *stream, const char *line, size_t len)
{
	uint64_t h = 0x243f6a8885a308d3ULL;
	for (size_t i = 0; stream && i < stream->n; i++) {
		/* the NULs keep {a="bc"} apart from {ab="c"} */
		h = hash_bytes(h, stream->v[i].name, strlen(stream->v[i].name) + 1);
		h = hash_bytes(h, stream->v[i].value, strlen(stream->v[i].value) + 1);
	}
	h = mix(h, stream ? stream->n : 0);
	return hash_bytes(h, line ? line : "", line ? len : 0);
}

int logdedup_check(logdedup_t *d, const labels_t *stream, int64_t ts_ns, const char *line,
		   size_t len)
{
	/* behind the boundary: a line the resumed query never sends again */
	if (d->backward ? ts_ns > d->ts : ts_ns < d->ts)
		return 0;
	uint64_t h = logdedup_hash(stream, line, len);
	if (ts_ns != d->ts) {
		d->ts = ts_ns;
		d->n = 0;
	} else {
		for (size_t i = 0; i < d->n; i++)
			if (d->h[i] == h)
				return 1;
	}
	if (d->n < LOGDEDUP_MAX) {
		d->h = xgrow(d->h, &d->cap, d->n + 1, sizeof *d->h);
		d->h[d->n++] = h;
	}
	return 0;
}
