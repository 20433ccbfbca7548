/* Scrollback ring of log lines: bounded in entries and bytes, oldest out first, label sets interned. */
#include "config.h"
#include "model/logring.h"
#include "core/xalloc.h"
#include <stdlib.h>
#include <string.h>

/* What malloc keeps beside each block, roughly: the budget is about memory. */
#define MALLOC_OVERHEAD 16
#define FIRST_CAP 1024

typedef struct {
	int64_t ts;
	char *line;     /* NULL for a gap */
	uint64_t aux;   /* a line: its length; a gap: the count */
	uint32_t stream;
	uint8_t kind, level;
} entry_t;

typedef struct {
	labels_t labels;
	uint64_t hash;
	size_t refs;    /* 0: the slot is free */
	size_t bytes;
	uint32_t next;  /* in use: next id + 1 in the bucket; free: next free id + 1 */
} lstream_t;

struct logring {
	size_t max_lines, max_bytes;
	entry_t *e;
	size_t cap, head, n;  /* oldest at e[head] */
	uint64_t first_seq;
	size_t line_bytes;    /* lines and their malloc overhead */
	lstream_t *st;
	size_t n_st, cap_st, live_st;
	size_t st_bytes;
	uint32_t free_st;     /* id + 1 of the first free slot, 0: none */
	uint32_t *bucket;     /* id + 1 of the chain's first stream, 0: empty */
	size_t n_bucket;      /* a power of two */
};

/* 64-bit hash of a label set: names and values with separators, so
 * {a="bc"} and {ab="c"} differ. */
static uint64_t labels_hash(const labels_t *l)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ l->n;
	for (size_t i = 0; i < l->n; i++) {
		for (int k = 0; k < 2; k++) {
			const unsigned char *p =
				(const unsigned char *)(k ? l->v[i].value : l->v[i].name);
			for (; *p; p++)
				h = (h ^ *p) * 0x100000001b3ULL;
			h = (h ^ 0xff) * 0x100000001b3ULL;
		}
	}
	return h ^ (h >> 29);
}

logring_t *logring_new(size_t max_lines, size_t max_bytes)
{
	logring_t *r = xcalloc(1, sizeof *r);
	r->max_lines = max_lines ? max_lines : LOGRING_DEFAULT_LINES;
	r->max_bytes = max_bytes ? max_bytes : LOGRING_DEFAULT_BYTES;
	r->n_bucket = 64;
	r->bucket = xcalloc(r->n_bucket, sizeof *r->bucket);
	return r;
}

static void rehash(logring_t *r)
{
	size_t nb = r->n_bucket * 2;
	uint32_t *b = xcalloc(nb, sizeof *b);
	for (size_t id = 0; id < r->n_st; id++) {
		lstream_t *s = &r->st[id];
		if (!s->refs)
			continue;
		size_t k = s->hash & (nb - 1);
		s->next = b[k];
		b[k] = (uint32_t)id + 1;
	}
	free(r->bucket);
	r->bucket = b;
	r->n_bucket = nb;
}

/* The id of this label set, a new one if no entry holds it; one more reference. */
static uint32_t stream_ref(logring_t *r, const labels_t *l)
{
	uint64_t h = labels_hash(l);
	for (uint32_t x = r->bucket[h & (r->n_bucket - 1)]; x; x = r->st[x - 1].next) {
		lstream_t *s = &r->st[x - 1];
		if (s->hash == h && labels_cmp(&s->labels, l) == 0) {
			s->refs++;
			return x - 1;
		}
	}
	uint32_t id;
	if (r->free_st) {
		id = r->free_st - 1;
		r->free_st = r->st[id].next;
	} else {
		r->st = xgrow(r->st, &r->cap_st, r->n_st + 1, sizeof *r->st);
		id = (uint32_t)r->n_st++;
	}
	lstream_t *s = &r->st[id];
	memset(s, 0, sizeof *s);
	s->hash = h;
	s->refs = 1;
	s->bytes = sizeof *s + l->n * sizeof(label_t) + MALLOC_OVERHEAD;
	s->labels.v = xmalloc((l->n ? l->n : 1) * sizeof(label_t));
	s->labels.n = l->n;
	for (size_t i = 0; i < l->n; i++) {
		/* already sorted: copy as it is */
		s->labels.v[i].name = xstrdup(l->v[i].name);
		s->labels.v[i].value = xstrdup(l->v[i].value);
		s->bytes += strlen(l->v[i].name) + strlen(l->v[i].value) + 2 + 2 * MALLOC_OVERHEAD;
	}
	r->st_bytes += s->bytes;
	size_t k = h & (r->n_bucket - 1);
	s->next = r->bucket[k];
	r->bucket[k] = id + 1;
	if (++r->live_st > r->n_bucket)
		rehash(r);
	return id;
}

static void stream_unref(logring_t *r, uint32_t id)
{
	if (id == LOGRING_NO_STREAM)
		return;
	lstream_t *s = &r->st[id];
	if (--s->refs)
		return;
	uint32_t *pp = &r->bucket[s->hash & (r->n_bucket - 1)];
	while (*pp != id + 1)
		pp = &r->st[*pp - 1].next;
	*pp = s->next;
	labels_free(&s->labels);
	r->st_bytes -= s->bytes;
	r->live_st--;
	s->next = r->free_st;
	r->free_st = id + 1;
}

static size_t line_cost(size_t len)
{
	return len + 1 + MALLOC_OVERHEAD;
}

static void evict_oldest(logring_t *r)
{
	entry_t *e = &r->e[r->head];
	if (e->line) {
		r->line_bytes -= line_cost((size_t)e->aux);
		free(e->line);
	}
	stream_unref(r, e->stream);
	r->head = (r->head + 1) % r->cap;
	r->n--;
	r->first_seq++;
}

size_t logring_bytes(const logring_t *r)
{
	return r->line_bytes + r->st_bytes + r->cap * sizeof(entry_t) +
	       r->cap_st * sizeof(lstream_t) + r->n_bucket * sizeof(uint32_t) + sizeof *r;
}

/* A free slot at the end: grow the array up to max_lines, else evict. */
static entry_t *slot(logring_t *r)
{
	if (r->n == r->cap && r->cap < r->max_lines) {
		size_t nc = r->cap ? r->cap * 2 : FIRST_CAP;
		if (nc > r->max_lines)
			nc = r->max_lines;
		entry_t *ne = xmalloc(nc * sizeof *ne);
		for (size_t i = 0; i < r->n; i++)
			ne[i] = r->e[(r->head + i) % r->cap];
		free(r->e);
		r->e = ne;
		r->cap = nc;
		r->head = 0;
	}
	if (r->n == r->cap)
		evict_oldest(r);
	return &r->e[(r->head + r->n++) % r->cap];
}

static void trim(logring_t *r)
{
	while (r->n > 1 && logring_bytes(r) > r->max_bytes)
		evict_oldest(r);
}

uint64_t logring_append_level(logring_t *r, int64_t ts_ns, const labels_t *stream,
			      const char *line, size_t len, loglevel_t level)
{
	entry_t *e = slot(r);
	e->ts = ts_ns;
	e->kind = LOGRING_LINE;
	e->level = (uint8_t)level;
	e->stream = stream ? stream_ref(r, stream) : LOGRING_NO_STREAM;
	if (!line)
		len = 0;
	e->line = xmalloc(len + 1);
	if (len)
		memcpy(e->line, line, len);
	e->line[len] = '\0';
	e->aux = len;
	r->line_bytes += line_cost(len);
	trim(r);
	return r->first_seq + r->n - 1;
}

uint64_t logring_append(logring_t *r, int64_t ts_ns, const labels_t *stream, const char *line,
			size_t len)
{
	return logring_append_level(r, ts_ns, stream, line, len,
				    loglevel_of(line, line ? len : 0, stream));
}

uint64_t logring_append_gap(logring_t *r, int64_t ts_ns, uint64_t count)
{
	if (r->n) {
		entry_t *last = &r->e[(r->head + r->n - 1) % r->cap];
		if (last->kind == LOGRING_GAP) {
			last->aux += count;
			if (ts_ns > last->ts)
				last->ts = ts_ns;
			return r->first_seq + r->n - 1;
		}
	}
	entry_t *e = slot(r);
	e->ts = ts_ns;
	e->kind = LOGRING_GAP;
	e->level = LOGLEVEL_UNKNOWN;
	e->stream = LOGRING_NO_STREAM;
	e->line = NULL;
	e->aux = count;
	trim(r);
	return r->first_seq + r->n - 1;
}

int logring_get(const logring_t *r, uint64_t seq, logring_line_t *out)
{
	if (seq < r->first_seq || seq >= r->first_seq + r->n)
		return -1;
	const entry_t *e = &r->e[(r->head + (size_t)(seq - r->first_seq)) % r->cap];
	out->seq = seq;
	out->ts_ns = e->ts;
	out->kind = (logring_kind_t)e->kind;
	out->level = (loglevel_t)e->level;
	out->stream = e->stream;
	out->line = e->line;
	out->len = e->line ? (size_t)e->aux : 0;
	out->dropped = e->line ? 0 : e->aux;
	return 0;
}

uint64_t logring_first(const logring_t *r)
{
	return r->first_seq;
}

uint64_t logring_next(const logring_t *r)
{
	return r->first_seq + r->n;
}

size_t logring_count(const logring_t *r)
{
	return r->n;
}

size_t logring_streams(const logring_t *r)
{
	return r->live_st;
}

const labels_t *logring_stream_labels(const logring_t *r, uint32_t id)
{
	if (id == LOGRING_NO_STREAM || id >= r->n_st || !r->st[id].refs)
		return NULL;
	return &r->st[id].labels;
}

void logring_clear(logring_t *r)
{
	while (r->n)
		evict_oldest(r);
}

void logring_free(logring_t *r)
{
	if (!r)
		return;
	logring_clear(r);
	free(r->e);
	free(r->st);
	free(r->bucket);
	free(r);
}
