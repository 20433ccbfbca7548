/* A trace's spans, their tree, self time, critical path, waterfall rows and summary (no I/O). */
#include "config.h"
#include "model/trace.h"
#include "core/xalloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- the arena ---- */

/* Blocks start small (a search answer holds many small traces) and double up
 * to ARENA_BLOCK; what is bigger than a quarter of a block gets its own. */
#define ARENA_BLOCK 65536
#define ARENA_FIRST 2048
#define WARN_MAX 100

typedef struct block {
	struct block *next;
	size_t used, cap;
	_Alignas(16) unsigned char data[];
} block_t;

typedef struct {
	const char *id;
	uint32_t idx;
} id_ent_t;

struct trace_arena {
	block_t *head;
	size_t next_cap;
	/* after trace_build: the spans that are no duplicate, by id */
	id_ent_t *index;
	size_t n_index;
	uint32_t *proc_slot; /* the processes by content: index + 1, 0 empty */
	size_t n_proc_slot;
	size_t warn_more;  /* warnings past WARN_MAX */
	char *more_text;   /* warnings[WARN_MAX]: "and N more warnings" */
};

static void *arena_get(trace_arena_t *a, size_t n)
{
	n = (n + 15) & ~(size_t)15;
	if (!n)
		n = 16;
	block_t *b = a->head;
	if (!b || b->cap - b->used < n) {
		int own = n > ARENA_BLOCK / 4;
		size_t cap = a->next_cap ? a->next_cap : ARENA_FIRST;
		if (!own && cap < ARENA_BLOCK)
			a->next_cap = cap * 2;
		while (cap < n)
			cap *= 2;
		if (own)
			cap = n;
		b = xmalloc(sizeof *b + cap);
		b->used = 0;
		b->cap = cap;
		if (a->head && own) {
			/* a big one goes behind the current block, which keeps its room */
			b->next = a->head->next;
			a->head->next = b;
		} else {
			b->next = a->head;
			a->head = b;
		}
	}
	void *p = b->data + b->used;
	b->used += n;
	return p;
}

trace_t *trace_new(const char *trace_id)
{
	trace_t *t = xcalloc(1, sizeof *t);
	t->arena = xcalloc(1, sizeof *t->arena);
	if (trace_id)
		snprintf(t->trace_id, sizeof t->trace_id, "%s", trace_id);
	return t;
}

void trace_free(trace_t *t)
{
	if (!t)
		return;
	block_t *b = t->arena->head;
	while (b) {
		block_t *n = b->next;
		free(b);
		b = n;
	}
	free(t->arena->index);
	free(t->arena->proc_slot);
	free(t->arena);
	free(t->spans);
	free(t->procs);
	free(t->warnings);
	free(t->services);
	free(t);
}

char *trace_str(trace_t *t, const char *s, size_t len)
{
	if (!s)
		s = "", len = 0;
	if (len == (size_t)-1)
		len = strlen(s);
	char *p = arena_get(t->arena, len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void *trace_alloc(trace_t *t, size_t n)
{
	void *p = arena_get(t->arena, n);
	memset(p, 0, n);
	return p;
}

trace_span_t *trace_add_span(trace_t *t)
{
	if (t->n_spans >= TRACE_MAX_SPANS) {
		t->n_dropped++;
		return NULL;
	}
	t->spans = xgrow(t->spans, &t->cap_spans, t->n_spans + 1, sizeof *t->spans);
	trace_span_t *s = &t->spans[t->n_spans++];
	memset(s, 0, sizeof *s);
	s->parent = TRACE_NONE;
	s->operation = "";
	s->span_id = "";
	return s;
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

static int kv_equal(const trace_kv_t *a, const trace_kv_t *b, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (a[i].type != b[i].type || strcmp(or_empty(a[i].key), or_empty(b[i].key)) ||
		    strcmp(or_empty(a[i].value), or_empty(b[i].value)))
			return 0;
	return 1;
}

static uint64_t fnv(uint64_t h, const char *s)
{
	for (s = or_empty(s); *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return (h ^ 0xff) * 1099511628211ULL; /* "ab","c" is not "a","bc" */
}

static uint64_t proc_hash(const char *service, const trace_kv_t *tags, uint32_t n_tags)
{
	uint64_t h = fnv(1469598103934665603ULL, service);
	for (uint32_t i = 0; i < n_tags; i++)
		h = fnv(fnv(h ^ tags[i].type, tags[i].key), tags[i].value);
	return h;
}

static void proc_slot_put(trace_arena_t *a, uint64_t h, uint32_t idx)
{
	size_t m = a->n_proc_slot - 1;
	for (h &= m; a->proc_slot[h]; h = (h + 1) & m)
		;
	a->proc_slot[h] = idx + 1;
}

/* Equal processes are found by a hash of their content, so a trace of many
 * processes (one per OTLP resource, or a lying server's) stays O(n). */
uint32_t trace_add_proc(trace_t *t, const char *service, const trace_kv_t *tags, uint32_t n_tags)
{
	trace_arena_t *a = t->arena;
	if (!service)
		service = "";
	if (!tags)
		n_tags = 0;
	uint64_t h = proc_hash(service, tags, n_tags);
	if (a->n_proc_slot) {
		size_t m = a->n_proc_slot - 1;
		for (size_t k = h & m; a->proc_slot[k]; k = (k + 1) & m) {
			const trace_proc_t *p = &t->procs[a->proc_slot[k] - 1];
			if (p->n_tags == n_tags && !strcmp(p->service, service) &&
			    kv_equal(p->tags, tags, n_tags))
				return a->proc_slot[k] - 1;
		}
	}
	if ((t->n_procs + 1) * 2 > a->n_proc_slot) {
		free(a->proc_slot);
		a->n_proc_slot = a->n_proc_slot ? a->n_proc_slot * 2 : 16;
		a->proc_slot = xcalloc(a->n_proc_slot, sizeof *a->proc_slot);
		for (size_t i = 0; i < t->n_procs; i++)
			proc_slot_put(a, proc_hash(t->procs[i].service, t->procs[i].tags, t->procs[i].n_tags),
				      (uint32_t)i);
	}
	t->procs = xgrow(t->procs, &t->cap_procs, t->n_procs + 1, sizeof *t->procs);
	trace_proc_t *p = &t->procs[t->n_procs];
	p->service = service;
	p->tags = tags;
	p->n_tags = n_tags;
	proc_slot_put(a, h, (uint32_t)t->n_procs);
	return (uint32_t)t->n_procs++;
}

void trace_warn(trace_t *t, const char *fmt, ...)
{
	trace_arena_t *a = t->arena;
	if (t->n_warnings >= WARN_MAX) {
		a->warn_more++;
		if (!a->more_text) {
			a->more_text = arena_get(a, 48);
			t->warnings = xrealloc(t->warnings, (WARN_MAX + 1) * sizeof *t->warnings);
			t->warnings[WARN_MAX] = a->more_text;
			t->n_warnings = WARN_MAX + 1;
		}
		snprintf(a->more_text, 48, "and %zu more warnings", a->warn_more);
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	t->warnings = xrealloc(t->warnings, (t->n_warnings + 1) * sizeof *t->warnings);
	t->warnings[t->n_warnings++] = trace_str(t, m, (size_t)-1);
	free(m);
}

/* ---- building the tree ---- */

static int64_t span_end(const trace_span_t *s)
{
	/* saturating: a hostile start near INT64_MAX must not wrap */
	if (s->duration_us > 0 && s->start_us > INT64_MAX - s->duration_us)
		return INT64_MAX;
	return s->start_us + s->duration_us;
}

static int cmp_id_ent(const void *a, const void *b)
{
	const id_ent_t *x = a, *y = b;
	int c = strcmp(x->id, y->id);
	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* The first entry with this id in a sorted index, or NULL. */
static const id_ent_t *index_find(const id_ent_t *ix, size_t n, const char *id)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(ix[mid].id, id) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && !strcmp(ix[lo].id, id) ? &ix[lo] : NULL;
}

/* Trace ids compared as numbers in hex: "00000000000000ff" is "ff". An empty one
 * (a reference that does not say) matches any. */
static int same_trace(const char *a, const char *b)
{
	if (!a || !b || !*a || !*b)
		return 1;
	while (*a == '0')
		a++;
	while (*b == '0')
		b++;
	for (; *a && *b; a++, b++)
		if (ascii_lower((unsigned char)*a) != ascii_lower((unsigned char)*b))
			return 0;
	return !*a && !*b;
}

typedef struct {
	int32_t parent;
	int64_t start;
	const char *id;
	uint32_t idx;
} sib_t;

/* Siblings: by parent (roots first), then start, span id and input order. */
static int cmp_sib(const void *a, const void *b)
{
	const sib_t *x = a, *y = b;
	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	int c = strcmp(x->id, y->id);
	if (c)
		return c;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int tag_is(const trace_span_t *s, const char *key, const char *value)
{
	for (uint32_t i = 0; i < s->n_tags; i++)
		if (s->tags[i].key && !strcmp(s->tags[i].key, key) && s->tags[i].value &&
		    !strcasecmp(s->tags[i].value, value))
			return 1;
	return 0;
}

/* Parents from the references, through the id index of the input order. */
static size_t resolve_parents(trace_t *t, const id_ent_t *ix, size_t n_ix, int32_t *par)
{
	size_t n_orphans = 0;
	for (size_t i = 0; i < t->n_spans; i++) {
		trace_span_t *s = &t->spans[i];
		int32_t child_of = TRACE_NONE, follows = TRACE_NONE;
		int missing = 0;
		for (uint32_t r = 0; r < s->n_refs && child_of == TRACE_NONE; r++) {
			const trace_ref_t *ref = &s->refs[r];
			const id_ent_t *e = ref->span_id && same_trace(ref->trace_id, t->trace_id)
						    ? index_find(ix, n_ix, ref->span_id)
						    : NULL;
			if (!e) {
				missing = 1;
				continue;
			}
			if (ref->kind == TRACE_CHILD_OF)
				child_of = (int32_t)e->idx;
			else if (follows == TRACE_NONE)
				follows = (int32_t)e->idx;
		}
		s->orphan = 0;
		if (child_of != TRACE_NONE) {
			par[i] = child_of;
			s->parent_kind = TRACE_CHILD_OF;
		} else if (follows != TRACE_NONE) {
			par[i] = follows;
			s->parent_kind = TRACE_FOLLOWS_FROM;
		} else {
			par[i] = TRACE_NONE;
			s->parent_kind = TRACE_CHILD_OF;
			if (missing) {
				s->orphan = 1;
				n_orphans++;
			}
		}
	}
	return n_orphans;
}

/* Break every cycle of parent links: following the parents from each span in
 * input order, the span whose parent is already on the way becomes a root. */
static size_t break_cycles(trace_t *t, int32_t *par)
{
	size_t n = t->n_spans, broken = 0;
	uint8_t *state = xcalloc(n ? n : 1, 1); /* 0 new, 1 on the way, 2 done */
	uint32_t *path = xmalloc((n ? n : 1) * sizeof *path);
	for (size_t i = 0; i < n; i++) {
		if (state[i])
			continue;
		size_t len = 0;
		int32_t j = (int32_t)i;
		while (j != TRACE_NONE && state[j] == 0) {
			state[j] = 1;
			path[len++] = (uint32_t)j;
			j = par[j];
		}
		if (j != TRACE_NONE && state[j] == 1) {
			uint32_t closer = path[len - 1];
			par[closer] = TRACE_NONE;
			t->spans[closer].parent_kind = TRACE_CHILD_OF;
			if (broken++ < 3)
				trace_warn(t, "span %s closes a cycle of parent references: shown as a root",
					   t->spans[closer].span_id);
		}
		for (size_t k = 0; k < len; k++)
			state[path[k]] = 2;
	}
	if (broken > 3)
		trace_warn(t, "%zu spans close a cycle of parent references", broken);
	free(path);
	free(state);
	return broken;
}

static void build_services(trace_t *t)
{
	free(t->services);
	t->services = NULL;
	t->n_services = 0;
	if (!t->n_procs)
		return;
	const char **v = xmalloc(t->n_procs * sizeof *v);
	for (size_t i = 0; i < t->n_procs; i++)
		v[i] = t->procs[i].service ? t->procs[i].service : "";
	qsort(v, t->n_procs, sizeof *v, cmp_str);
	size_t n = 0;
	for (size_t i = 0; i < t->n_procs; i++)
		if (!n || strcmp(v[n - 1], v[i]))
			v[n++] = v[i];
	t->services = v;
	t->n_services = n;
}

static uint16_t service_index(const trace_t *t, const char *svc)
{
	size_t lo = 0, hi = t->n_services;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(t->services[mid], svc);
		if (!c)
			return mid > UINT16_MAX ? UINT16_MAX : (uint16_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* Self time: the span's duration less the union of its children's intervals
 * clipped to it. The children come by start time, so one sweep. */
static void self_times(trace_t *t)
{
	for (size_t i = 0; i < t->n_spans; i++) {
		trace_span_t *s = &t->spans[i];
		/* in 128 bits: hostile times near the ends of int64 must not wrap */
		__int128 ps = s->start_us, pe = span_end(s), covered = 0, run_s = 0, run_e = 0;
		int in_run = 0;
		for (size_t c = i + 1; c <= i + s->n_desc; c += t->spans[c].n_desc + 1) {
			__int128 cs = t->spans[c].start_us, ce = span_end(&t->spans[c]);
			if (cs < ps)
				cs = ps;
			if (ce > pe)
				ce = pe;
			if (ce <= cs)
				continue;
			if (in_run && cs <= run_e) {
				if (ce > run_e)
					run_e = ce;
				continue;
			}
			if (in_run)
				covered += run_e - run_s;
			run_s = cs, run_e = ce, in_run = 1;
		}
		if (in_run)
			covered += run_e - run_s;
		__int128 self = pe - ps - covered;
		s->self_us = self < 0 ? 0 : self > s->duration_us ? s->duration_us : (int64_t)self;
	}
}

void trace_build(trace_t *t)
{
	size_t n = t->n_spans;
	trace_arena_t *a = t->arena;

	/* a process every span can name */
	uint32_t none = UINT32_MAX;
	for (size_t i = 0; i < n; i++) {
		trace_span_t *s = &t->spans[i];
		if (s->proc >= t->n_procs) {
			if (none == UINT32_MAX)
				none = trace_add_proc(t, "", NULL, 0);
			s->proc = none;
		}
		if (s->duration_us < 0)
			s->duration_us = 0;
		if (!s->span_id)
			s->span_id = "";
		if (!s->operation)
			s->operation = "";
	}

	/* the ids in input order: duplicates resolve to the first */
	id_ent_t *ix = xmalloc((n ? n : 1) * sizeof *ix);
	for (size_t i = 0; i < n; i++) {
		ix[i].id = t->spans[i].span_id;
		ix[i].idx = (uint32_t)i;
		t->spans[i].dup = 0;
	}
	qsort(ix, n, sizeof *ix, cmp_id_ent);
	size_t n_dup = 0;
	for (size_t i = 1; i < n; i++)
		if (!strcmp(ix[i].id, ix[i - 1].id)) {
			t->spans[ix[i].idx].dup = 1;
			if (n_dup++ < 3)
				trace_warn(t, "span %s appears twice: its children hang from the first",
					   ix[i].id);
		}
	if (n_dup > 3)
		trace_warn(t, "%zu spans reuse the id of an earlier span", n_dup);

	int32_t *par = xmalloc((n ? n : 1) * sizeof *par);
	size_t n_orphans = resolve_parents(t, ix, n, par);
	if (n_orphans == 1)
		trace_warn(t, "1 span references a parent not in the trace");
	else if (n_orphans)
		trace_warn(t, "%zu spans reference a parent not in the trace", n_orphans);
	break_cycles(t, par);

	/* children by start time: one sort by (parent, start, id, input order) */
	sib_t *sib = xmalloc((n ? n : 1) * sizeof *sib);
	for (size_t i = 0; i < n; i++) {
		sib[i].parent = par[i];
		sib[i].start = t->spans[i].start_us;
		sib[i].id = t->spans[i].span_id;
		sib[i].idx = (uint32_t)i;
	}
	qsort(sib, n, sizeof *sib, cmp_sib);
	/* first[p]: where p's children begin in sib (roots: at 0) */
	uint32_t *first = xmalloc((n + 1) * sizeof *first);
	uint32_t *nkids = xcalloc(n + 1, sizeof *nkids);
	size_t n_roots = 0;
	for (size_t k = 0; k < n; k++) {
		if (sib[k].parent == TRACE_NONE) {
			n_roots++;
			continue;
		}
		uint32_t p = (uint32_t)sib[k].parent;
		if (!nkids[p])
			first[p] = (uint32_t)k;
		nkids[p]++;
	}

	/* depth first with an explicit stack: tree order */
	uint32_t *order = xmalloc((n ? n : 1) * sizeof *order);
	uint32_t *depth = xmalloc((n ? n : 1) * sizeof *depth);
	uint32_t *stack = xmalloc((n ? n : 1) * sizeof *stack);
	size_t n_order = 0, sp = 0;
	for (size_t k = n_roots; k-- > 0;) {
		stack[sp++] = sib[k].idx;
		depth[sib[k].idx] = 0;
	}
	while (sp) {
		uint32_t i = stack[--sp];
		order[n_order++] = i;
		for (uint32_t c = nkids[i]; c-- > 0;) {
			uint32_t k = sib[first[i] + c].idx;
			depth[k] = depth[i] + 1;
			stack[sp++] = k;
		}
	}
	/* every span is reached: cycles are broken, so each chain ends at a root */

	/* reorder, remapping parents */
	uint32_t *newpos = xmalloc((n ? n : 1) * sizeof *newpos);
	for (size_t k = 0; k < n_order; k++)
		newpos[order[k]] = (uint32_t)k;
	trace_span_t *ns = xmalloc((n ? n : 1) * sizeof *ns);
	for (size_t k = 0; k < n_order; k++) {
		uint32_t i = order[k];
		ns[k] = t->spans[i];
		ns[k].parent = par[i] == TRACE_NONE ? TRACE_NONE : (int32_t)newpos[par[i]];
		ns[k].depth = depth[i];
		ns[k].n_children = nkids[i];
		ns[k].n_desc = 0;
	}
	free(t->spans);
	t->spans = ns;
	t->cap_spans = n ? n : 1;
	t->n_spans = n_order;
	for (size_t k = n_order; k-- > 0;) {
		int32_t p = t->spans[k].parent;
		if (p != TRACE_NONE)
			t->spans[p].n_desc += t->spans[k].n_desc + 1;
	}

	/* the id index, in tree positions, without the duplicates */
	free(a->index);
	a->index = xmalloc((n ? n : 1) * sizeof *a->index);
	a->n_index = 0;
	for (size_t i = 0; i < n; i++)
		if (!t->spans[newpos[ix[i].idx]].dup)
			a->index[a->n_index++] = (id_ent_t){ ix[i].id, newpos[ix[i].idx] };

	free(newpos);
	free(stack);
	free(depth);
	free(order);
	free(nkids);
	free(first);
	free(sib);
	free(par);
	free(ix);

	/* services, errors, skew, bounds */
	build_services(t);
	t->n_errors = 0;
	t->n_roots = n_roots;
	t->start_us = t->end_us = 0;
	size_t n_skewed = 0;
	for (size_t i = 0; i < t->n_spans; i++) {
		trace_span_t *s = &t->spans[i];
		s->svc = service_index(t, trace_span_service(t, s));
		s->error = s->status_error || tag_is(s, "error", "true") ||
			   tag_is(s, "otel.status_code", "ERROR");
		if (s->error)
			t->n_errors++;
		int64_t e = span_end(s);
		s->skewed = 0;
		if (s->parent != TRACE_NONE) {
			const trace_span_t *p = &t->spans[s->parent];
			if (s->start_us < p->start_us ||
			    (s->parent_kind == TRACE_CHILD_OF && e > span_end(p)))
				s->skewed = 1;
		}
		n_skewed += s->skewed;
		if (!i || s->start_us < t->start_us)
			t->start_us = s->start_us;
		if (!i || e > t->end_us)
			t->end_us = e;
	}
	if (n_skewed)
		trace_warn(t, "%zu span%s before the parent or end%s after it (clock skew?)", n_skewed,
			   n_skewed == 1 ? " starts" : "s start", n_skewed == 1 ? "s" : "");
	self_times(t);
	trace_critical_path(t);
}

/* ---- the critical path ---- */

typedef struct {
	int32_t parent;
	int64_t end, start;
	uint32_t idx;
} crit_t;

/* By parent, then latest (clipped) end first; ties: earliest start, tree order. */
static int cmp_crit(const void *a, const void *b)
{
	const crit_t *x = a, *y = b;
	if (x->parent != y->parent)
		return x->parent < y->parent ? -1 : 1;
	if (x->end != y->end)
		return x->end > y->end ? -1 : 1;
	if (x->start != y->start)
		return x->start < y->start ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

void trace_critical_path(trace_t *t)
{
	size_t n = t->n_spans;
	for (size_t i = 0; i < n; i++)
		t->spans[i].critical = 0;
	if (!n)
		return;
	/* Jaeger UI's sanitising: only CHILD_OF children count; a child wholly
	 * outside its parent drops out with its subtree; the rest is clipped. */
	int64_t *cs = xmalloc(n * sizeof *cs), *ce = xmalloc(n * sizeof *ce);
	uint8_t *ok = xmalloc(n);
	crit_t *c = xmalloc(n * sizeof *c);
	size_t nc = 0;
	for (size_t i = 0; i < n; i++) {
		const trace_span_t *s = &t->spans[i];
		cs[i] = s->start_us;
		ce[i] = span_end(s);
		ok[i] = 1;
		if (s->parent == TRACE_NONE)
			continue;
		int32_t p = s->parent; /* before i in tree order: already clipped */
		if (!ok[p] || s->parent_kind != TRACE_CHILD_OF || cs[i] >= ce[p] || ce[i] <= cs[p]) {
			/* a zero-length parent keeps the zero-length children inside it */
			if (!(ok[p] && s->parent_kind == TRACE_CHILD_OF && cs[i] >= cs[p] &&
			      ce[i] <= ce[p])) {
				ok[i] = 0;
				continue;
			}
		}
		if (cs[i] < cs[p])
			cs[i] = cs[p];
		if (ce[i] > ce[p])
			ce[i] = ce[p];
		c[nc++] = (crit_t){ p, ce[i], cs[i], (uint32_t)i };
	}
	qsort(c, nc, sizeof *c, cmp_crit);
	/* each span's candidates: c[first[i] .. first[i] + count[i]), a cursor that only moves on */
	uint32_t *first = xcalloc(n, sizeof *first), *count = xcalloc(n, sizeof *count);
	for (size_t k = 0; k < nc; k++) {
		uint32_t p = (uint32_t)c[k].parent;
		if (!count[p])
			first[p] = (uint32_t)k;
		count[p]++;
	}
	uint32_t *cur = xcalloc(n, sizeof *cur);
	for (size_t r = 0; r < n; r += t->spans[r].n_desc + 1) {
		/* r is a root: walk back from its end */
		uint32_t i = (uint32_t)r;
		int64_t point = ce[r];
		int inclusive = 1;
		t->spans[r].critical = 1;
		for (;;) {
			while (cur[i] < count[i]) {
				const crit_t *k = &c[first[i] + cur[i]];
				if (k->end < point || (inclusive && k->end == point))
					break;
				cur[i]++;
			}
			if (cur[i] < count[i]) {
				uint32_t k = c[first[i] + cur[i]++].idx;
				t->spans[k].critical = 1;
				i = k;
				point = ce[k];
				inclusive = 1;
				continue;
			}
			if (i == r)
				break;
			point = cs[i];
			inclusive = 0;
			i = (uint32_t)t->spans[i].parent;
		}
	}
	free(cur);
	free(count);
	free(first);
	free(c);
	free(ok);
	free(ce);
	free(cs);
}

/* ---- reading ---- */

const char *trace_tag(const trace_span_t *s, const char *key)
{
	for (uint32_t i = 0; i < s->n_tags; i++)
		if (s->tags[i].key && !strcmp(s->tags[i].key, key))
			return s->tags[i].value;
	return NULL;
}

int32_t trace_find_span(const trace_t *t, const char *span_id)
{
	if (!span_id)
		return TRACE_NONE;
	const trace_arena_t *a = t->arena;
	if (a->index) {
		const id_ent_t *e = index_find(a->index, a->n_index, span_id);
		return e ? (int32_t)e->idx : TRACE_NONE;
	}
	for (size_t i = 0; i < t->n_spans; i++) /* not built yet */
		if (!strcmp(t->spans[i].span_id, span_id))
			return (int32_t)i;
	return TRACE_NONE;
}

static int has_lower(const char *h, const char *lower)
{
	return h && str_has_icase(h, lower);
}

/* Does "key=value" hold the needle, without writing it out? */
static int kv_has(const trace_kv_t *kv, const char *lower, size_t nl)
{
	if (has_lower(kv->key, lower) || has_lower(kv->value, lower))
		return 1;
	const char *eq = memchr(lower, '=', nl);
	if (!eq || !kv->key || !kv->value)
		return 0;
	/* the needle spans the '=': its left part ends the key, its right part starts the value */
	size_t l = (size_t)(eq - lower), kl = strlen(kv->key);
	if (l > kl || strlen(kv->value) < nl - l - 1)
		return 0;
	for (size_t i = 0; i < l; i++)
		if (ascii_lower((unsigned char)kv->key[kl - l + i]) != lower[i])
			return 0;
	for (size_t i = 0; i < nl - l - 1; i++)
		if (ascii_lower((unsigned char)kv->value[i]) != eq[1 + i])
			return 0;
	return 1;
}

int trace_span_matches(const trace_t *t, const trace_span_t *s, const char *needle)
{
	if (!needle || !*needle)
		return 1;
	size_t nl = strlen(needle);
	char *lower = xmalloc(nl + 1);
	for (size_t i = 0; i <= nl; i++)
		lower[i] = (char)ascii_lower((unsigned char)needle[i]);
	int m = has_lower(s->operation, lower) || has_lower(trace_span_service(t, s), lower);
	for (uint32_t i = 0; !m && i < s->n_tags; i++)
		m = kv_has(&s->tags[i], lower, nl);
	for (uint32_t e = 0; !m && e < s->n_events; e++)
		for (uint32_t f = 0; !m && f < s->events[e].n_fields; f++)
			m = has_lower(s->events[e].fields[f].value, lower);
	free(lower);
	return m;
}

size_t trace_rows(const trace_t *t, const uint8_t *collapsed, uint32_t *rows)
{
	size_t k = 0;
	for (size_t i = 0; i < t->n_spans;) {
		rows[k++] = (uint32_t)i;
		if (collapsed && collapsed[i])
			i += (size_t)t->spans[i].n_desc + 1;
		else
			i++;
	}
	return k;
}

int trace_bar_cols(int64_t start_us, int64_t dur_us, int64_t v0, int64_t v1, int width, int *c0,
		   int *c1)
{
	if (width <= 0) {
		*c0 = *c1 = 0;
		return -1;
	}
	if (dur_us < 0)
		dur_us = 0;
	__int128 s = start_us, e = (__int128)start_us + dur_us, w0 = v0, w1 = v1;
	if (w1 <= w0)
		w1 = w0 + 1;
	if (e < w0) {
		*c0 = *c1 = 0;
		return -1;
	}
	if (s > w1) {
		*c0 = *c1 = width;
		return -1;
	}
	if (s < w0)
		s = w0;
	if (e > w1)
		e = w1;
	__int128 span = w1 - w0;
	__int128 a = (s - w0) * width / span;
	__int128 b = ((e - w0) * width + span - 1) / span;
	if (a >= width)
		a = width - 1;
	if (b <= a)
		b = a + 1;
	if (b > width)
		b = width;
	*c0 = (int)a;
	*c1 = (int)b;
	return 0;
}

void trace_summarize(const trace_t *t, trace_summary_t *out)
{
	memset(out, 0, sizeof *out);
	snprintf(out->trace_id, sizeof out->trace_id, "%s", t->trace_id);
	out->n_spans = t->n_spans;
	out->n_errors = t->n_errors;
	out->start_us = t->start_us;
	if (__builtin_sub_overflow(t->end_us, t->start_us, &out->duration_us))
		out->duration_us = INT64_MAX;
	if (t->n_spans) {
		/* roots come by start time: the first span is the earliest root */
		out->root_service = xstrdup(trace_span_service(t, &t->spans[0]));
		out->root_operation = xstrdup(t->spans[0].operation);
	} else {
		out->root_service = xstrdup("");
		out->root_operation = xstrdup("");
	}
	strbuf_t b;
	sb_init(&b);
	for (size_t i = 0; i < t->n_services; i++) {
		if (i)
			sb_puts(&b, ", ");
		sb_puts(&b, t->services[i]);
	}
	out->services = sb_steal(&b);
	out->n_services = t->n_services;
}

void trace_summary_free(trace_summary_t *s)
{
	if (!s)
		return;
	free(s->root_service);
	free(s->root_operation);
	free(s->services);
	s->root_service = s->root_operation = s->services = NULL;
}
