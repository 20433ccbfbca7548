/* Unit tests of model/trace: the tree from references, tree order, self time,
 * the critical path on hand-made traces, rows, bars, search and summaries. */
#include "config.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "model/trace.h"
#include "core/xalloc.h"

/* The tables of hand-made spans leave the trailing fields out (zero). */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"

/* A hand-made span: its id, its parent's (NULL: none), start, duration. */
typedef struct {
	const char *id;
	const char *parent;
	int64_t start, dur;
	int follows;         /* the reference is FOLLOWS_FROM */
	const char *svc;     /* NULL: "svc-a" */
	const char *tag_key, *tag_value;
} sp_t;

static trace_t *mk(const sp_t *v, size_t n)
{
	trace_t *t = trace_new("00000000000000000000000000000abc");
	for (size_t i = 0; i < n; i++) {
		trace_span_t *s = trace_add_span(t);
		assert_non_null(s);
		s->span_id = trace_str(t, v[i].id, (size_t)-1);
		s->operation = trace_str(t, v[i].id, (size_t)-1);
		s->start_us = v[i].start;
		s->duration_us = v[i].dur;
		s->proc = trace_add_proc(t, trace_str(t, v[i].svc ? v[i].svc : "svc-a", (size_t)-1),
					 NULL, 0);
		if (v[i].parent) {
			trace_ref_t *r = trace_alloc(t, sizeof *r);
			r->kind = v[i].follows ? TRACE_FOLLOWS_FROM : TRACE_CHILD_OF;
			r->trace_id = t->trace_id;
			r->span_id = trace_str(t, v[i].parent, (size_t)-1);
			s->refs = r;
			s->n_refs = 1;
		}
		if (v[i].tag_key) {
			trace_kv_t *kv = trace_alloc(t, sizeof *kv);
			kv->key = v[i].tag_key;
			kv->value = v[i].tag_value;
			kv->type = TRACE_KV_STRING;
			s->tags = kv;
			s->n_tags = 1;
		}
	}
	trace_build(t);
	return t;
}

static const trace_span_t *span(const trace_t *t, const char *id)
{
	int32_t i = trace_find_span(t, id);
	if (i == TRACE_NONE)
		fail_msg("no span %s", id);
	return &t->spans[i];
}

static int has_warning(const trace_t *t, const char *part)
{
	for (size_t i = 0; i < t->n_warnings; i++)
		if (strstr(t->warnings[i], part))
			return 1;
	return 0;
}

/* The tree order's promise: a parent comes before its subtree, which is the
 * n_desc spans after it; depth is the parent's plus one. */
static void check_tree(const trace_t *t)
{
	size_t roots = 0;
	for (size_t i = 0; i < t->n_spans; i++) {
		const trace_span_t *s = &t->spans[i];
		assert_true(i + s->n_desc < t->n_spans);
		if (s->parent == TRACE_NONE) {
			roots++;
			assert_int_equal(s->depth, 0);
			continue;
		}
		const trace_span_t *p = &t->spans[s->parent];
		assert_true((size_t)s->parent < i);
		assert_true(i <= (size_t)s->parent + p->n_desc);
		assert_int_equal(s->depth, p->depth + 1);
	}
	assert_int_equal(roots, t->n_roots);
	/* n_children counts the direct children */
	for (size_t i = 0; i < t->n_spans; i++) {
		uint32_t kids = 0;
		for (size_t c = i + 1; c <= i + t->spans[i].n_desc; c += t->spans[c].n_desc + 1)
			kids++;
		assert_int_equal(kids, t->spans[i].n_children);
	}
}

static void ids_in_order(const trace_t *t, const char *const *want, size_t n)
{
	assert_int_equal(t->n_spans, n);
	for (size_t i = 0; i < n; i++)
		if (strcmp(t->spans[i].span_id, want[i]))
			fail_msg("position %zu: %s, want %s", i, t->spans[i].span_id, want[i]);
}

static void test_tree_order(void **state)
{
	(void)state;
	/* given out of order; children by start, ties by id, then input order */
	const sp_t v[] = {
		{ "c2", "b", 30, 5 }, { "b", "a", 20, 50 }, { "a", NULL, 0, 100 },
		{ "c1", "b", 25, 5 }, { "d", "a", 20, 10 }, { "e", "a", 10, 5 },
		{ "x", "a", 40, 1 }, { "x2", "a", 40, 1 },
	};
	trace_t *t = mk(v, sizeof v / sizeof v[0]);
	const char *const want[] = { "a", "e", "b", "c1", "c2", "d", "x", "x2" };
	ids_in_order(t, want, 8);
	check_tree(t);
	assert_int_equal(t->n_roots, 1);
	assert_int_equal(span(t, "a")->n_desc, 7);
	assert_int_equal(span(t, "a")->n_children, 5);
	assert_int_equal(span(t, "b")->n_desc, 2);
	assert_int_equal(span(t, "c2")->depth, 2);
	assert_int_equal(span(t, "c2")->parent, trace_find_span(t, "b"));
	assert_int_equal(t->start_us, 0);
	assert_int_equal(t->end_us, 100);
	assert_int_equal(t->n_warnings, 0);
	trace_free(t);
}

static void test_missing_parent_and_follows_from(void **state)
{
	(void)state;
	const sp_t v[] = {
		{ "a", NULL, 0, 100 },
		{ "lost", "zz", 10, 10 },      /* a parent not in the trace */
		{ "lost2", "yy", 5, 10 },
		{ "f", "a", 120, 10, 1 },      /* FOLLOWS_FROM */
	};
	trace_t *t = mk(v, 4);
	check_tree(t);
	assert_int_equal(t->n_roots, 3);
	assert_true(span(t, "lost")->orphan);
	assert_int_equal(span(t, "lost")->parent, TRACE_NONE);
	assert_false(span(t, "a")->orphan);
	assert_true(has_warning(t, "2 spans reference a parent not in the trace"));
	const trace_span_t *f = span(t, "f");
	assert_int_equal(f->parent, trace_find_span(t, "a"));
	assert_int_equal(f->parent_kind, TRACE_FOLLOWS_FROM);
	/* a FOLLOWS_FROM child after its parent's end is no clock skew */
	assert_false(f->skewed);
	/* roots by start: a (0), lost2 (5), lost (10) */
	const char *const want[] = { "a", "f", "lost2", "lost" };
	ids_in_order(t, want, 4);
	trace_free(t);
}

/* CHILD_OF wins over an earlier FOLLOWS_FROM; a CHILD_OF to a missing span is skipped. */
static void test_reference_choice(void **state)
{
	(void)state;
	trace_t *t = trace_new("1");
	const char *ids[] = { "p", "q", "c" };
	for (int i = 0; i < 3; i++) {
		trace_span_t *s = trace_add_span(t);
		s->span_id = ids[i];
		s->start_us = i;
		s->duration_us = 10;
		s->proc = trace_add_proc(t, "svc", NULL, 0);
	}
	trace_ref_t *r = trace_alloc(t, 3 * sizeof *r);
	r[0] = (trace_ref_t){ TRACE_FOLLOWS_FROM, "1", "p" };
	r[1] = (trace_ref_t){ TRACE_CHILD_OF, "1", "missing" };
	r[2] = (trace_ref_t){ TRACE_CHILD_OF, "1", "q" };
	t->spans[2].refs = r;
	t->spans[2].n_refs = 3;
	/* a reference into another trace does not count */
	trace_ref_t *o = trace_alloc(t, sizeof *o);
	*o = (trace_ref_t){ TRACE_CHILD_OF, "ff", "p" };
	t->spans[1].refs = o;
	t->spans[1].n_refs = 1;
	assert_int_equal(t->n_procs, 1);
	trace_build(t);
	check_tree(t);
	const trace_span_t *c = span(t, "c");
	assert_string_equal(t->spans[c->parent].span_id, "q");
	assert_int_equal(c->parent_kind, TRACE_CHILD_OF);
	assert_false(c->orphan);
	assert_true(span(t, "q")->orphan);
	trace_free(t);
}

static void test_duplicate_ids(void **state)
{
	(void)state;
	const sp_t v[] = {
		{ "a", NULL, 0, 100 }, { "b", "a", 10, 20 }, { "b", "a", 50, 20 }, { "c", "b", 12, 5 },
	};
	trace_t *t = mk(v, 4);
	check_tree(t);
	int32_t b = trace_find_span(t, "b");
	assert_int_equal(t->spans[b].start_us, 10);
	assert_false(t->spans[b].dup);
	assert_int_equal(t->spans[b].n_children, 1);
	assert_int_equal(span(t, "c")->parent, b);
	/* the second b is still shown, marked */
	size_t dups = 0;
	for (size_t i = 0; i < t->n_spans; i++)
		if (t->spans[i].dup) {
			dups++;
			assert_int_equal(t->spans[i].start_us, 50);
		}
	assert_int_equal(dups, 1);
	assert_true(has_warning(t, "span b appears twice"));
	trace_free(t);
}

static void test_cycles(void **state)
{
	(void)state;
	const sp_t v[] = {
		{ "a", "b", 0, 10 }, { "b", "a", 1, 10 },             /* a two-cycle */
		{ "s", "s", 2, 10 },                                    /* its own parent */
		{ "x", "z", 3, 10 }, { "y", "x", 4, 10 }, { "z", "y", 5, 10 }, /* three */
		{ "k", "y", 6, 1 },                                     /* hangs from one */
	};
	trace_t *t = mk(v, 7);
	check_tree(t);
	assert_int_equal(t->n_spans, 7);
	assert_int_equal(t->n_roots, 3);
	assert_true(has_warning(t, "closes a cycle"));
	/* every span is kept once, and found where it sits */
	for (size_t i = 0; i < 7; i++)
		assert_int_equal(trace_find_span(t, t->spans[i].span_id), (int32_t)i);
	/* from a, a -> b -> a: b closes it and becomes the root */
	assert_int_equal(span(t, "b")->parent, TRACE_NONE);
	assert_int_equal(span(t, "a")->parent, trace_find_span(t, "b"));
	assert_int_equal(span(t, "s")->parent, TRACE_NONE);
	/* from x: x -> z -> y -> x: y closes it */
	assert_int_equal(span(t, "y")->parent, TRACE_NONE);
	assert_int_equal(span(t, "k")->depth, 1);
	assert_int_equal(span(t, "z")->depth, 1);
	assert_int_equal(span(t, "x")->depth, 2);
	trace_free(t);
}

/* 10,000 spans each the child of the one before, given last first: no recursion. */
static void test_deep_chain(void **state)
{
	(void)state;
	enum { N = 10000 };
	trace_t *t = trace_new("deep");
	char id[32];
	uint32_t p = trace_add_proc(t, "svc", NULL, 0);
	for (int k = N - 1; k >= 0; k--) {
		trace_span_t *s = trace_add_span(t);
		snprintf(id, sizeof id, "%016x", k);
		s->span_id = trace_str(t, id, (size_t)-1);
		s->start_us = k;
		s->duration_us = 2 * (N - k);
		s->proc = p;
		if (k) {
			snprintf(id, sizeof id, "%016x", k - 1);
			trace_ref_t *r = trace_alloc(t, sizeof *r);
			r->kind = TRACE_CHILD_OF;
			r->span_id = trace_str(t, id, (size_t)-1);
			s->refs = r;
			s->n_refs = 1;
		}
	}
	trace_build(t);
	check_tree(t);
	assert_int_equal(t->n_roots, 1);
	for (int k = 0; k < N; k++) {
		assert_int_equal(t->spans[k].depth, k);
		assert_int_equal(t->spans[k].n_desc, N - 1 - k);
		assert_true(t->spans[k].critical);
	}
	/* each span but the last has a child covering all but its first µs */
	assert_int_equal(t->spans[0].self_us, 1 + 1);
	assert_int_equal(t->spans[N - 1].self_us, 2);
	/* collapsing the root hides all */
	uint8_t *col = xcalloc(N, 1);
	uint32_t *rows = xmalloc(N * sizeof *rows);
	col[0] = 1;
	assert_int_equal(trace_rows(t, col, rows), 1);
	assert_int_equal(trace_rows(t, NULL, rows), N);
	free(rows);
	free(col);
	trace_free(t);
}

static void test_clock_skew(void **state)
{
	(void)state;
	const sp_t v[] = {
		{ "a", NULL, 100, 100 },
		{ "early", "a", 90, 20 },   /* starts before its parent */
		{ "late", "a", 150, 100 },  /* ends after it */
		{ "fine", "a", 110, 10 },
	};
	trace_t *t = mk(v, 4);
	assert_true(span(t, "early")->skewed);
	assert_true(span(t, "late")->skewed);
	assert_false(span(t, "fine")->skewed);
	assert_false(span(t, "a")->skewed);
	assert_true(has_warning(t, "2 spans start before the parent or end after it"));
	assert_int_equal(t->start_us, 90);
	assert_int_equal(t->end_us, 250);
	trace_free(t);
}

static void test_self_time(void **state)
{
	(void)state;
	const sp_t v[] = {
		{ "a", NULL, 0, 100 },
		{ "b", "a", 10, 30 },   /* 10..40 */
		{ "c", "a", 30, 30 },   /* 30..60, overlaps b: union 10..60 */
		{ "d", "a", 90, 30 },   /* 90..120, clipped to 90..100 */
		{ "e", "a", -20, 10 },  /* wholly before a: nothing */
		{ "b1", "b", 15, 5 },
	};
	trace_t *t = mk(v, 6);
	assert_int_equal(span(t, "a")->self_us, 100 - 50 - 10);
	assert_int_equal(span(t, "b")->self_us, 25);
	assert_int_equal(span(t, "c")->self_us, 30);
	assert_int_equal(span(t, "b1")->self_us, 5);
	/* times at the ends of int64 do not wrap */
	const sp_t x[] = { { "p", NULL, -5, INT64_MAX }, { "q", "p", INT64_MIN, INT64_MAX }, { "r", "p", 0, 10 } };
	trace_t *big = mk(x, 3);
	assert_int_equal(span(big, "p")->self_us, INT64_MAX - 4 - 10); /* q covers -5..-1, r 0..10 */
	trace_summary_t sum;
	trace_summarize(big, &sum);
	assert_int_equal(sum.duration_us, INT64_MAX);
	trace_summary_free(&sum);
	trace_free(big);
	/* a negative duration is read as 0 */
	const sp_t w[] = { { "n", NULL, 5, -7 } };
	trace_t *u = mk(w, 1);
	assert_int_equal(u->spans[0].duration_us, 0);
	assert_int_equal(u->spans[0].self_us, 0);
	trace_free(u);
	trace_free(t);
}

/* The critical set as a string of ids in tree order: "a b c". */
static char *critical(const trace_t *t)
{
	strbuf_t b;
	sb_init(&b);
	for (size_t i = 0; i < t->n_spans; i++)
		if (t->spans[i].critical) {
			if (b.len)
				sb_puts(&b, " ");
			sb_puts(&b, t->spans[i].span_id);
		}
	return sb_steal(&b);
}

static void expect_critical(const sp_t *v, size_t n, const char *want)
{
	trace_t *t = mk(v, n);
	char *got = critical(t);
	if (strcmp(got, want))
		fail_msg("critical path \"%s\", want \"%s\"", got, want);
	free(got);
	/* recomputing gives the same */
	trace_critical_path(t);
	got = critical(t);
	assert_string_equal(got, want);
	free(got);
	trace_free(t);
}

static void test_critical_sequential(void **state)
{
	(void)state;
	/* a 0..100: b 10..40, d 20..30 (inside b's time), c 50..90.
	 * From 100: c ends last (90); from c's start 50: b (40) ends last before
	 * it; from b's start 10: nothing ends before. d is hidden behind b. */
	const sp_t v[] = {
		{ "a", NULL, 0, 100 }, { "b", "a", 10, 30 }, { "c", "a", 50, 40 }, { "d", "a", 20, 10 },
	};
	expect_critical(v, 4, "a b c");
}

static void test_critical_overlapping(void **state)
{
	(void)state;
	/* a 0..100: b 5..80, c 10..90. From 100: c (90); from c's start 10 no
	 * child ends before 10: b is not on the path though it is long. */
	const sp_t v[] = { { "a", NULL, 0, 100 }, { "b", "a", 5, 75 }, { "c", "a", 10, 80 } };
	expect_critical(v, 3, "a c");
}

static void test_critical_nested(void **state)
{
	(void)state;
	/* a 0..100: b 0..60 (b1 0..20, b2 30..55), c 40..90 (c1 45..85).
	 * From 100: c (90) -> inside c from 90: c1 (85) -> c1 has none; back in
	 * c from 45: none; back in a from 40: b ends at 60, not before 40. */
	const sp_t v[] = {
		{ "a", NULL, 0, 100 }, { "b", "a", 0, 60 },   { "b1", "b", 0, 20 },
		{ "b2", "b", 30, 25 }, { "c", "a", 40, 50 }, { "c1", "c", 45, 40 },
	};
	expect_critical(v, 6, "a c c1");
	/* c later and shorter (70..80, c1 72..78): from 100, c (80) and c1 (78);
	 * back in a from 70: b ends at 60, before it: b, then in b from 60: b2
	 * (55), from b2's start 30: b1 (20). */
	const sp_t w[] = {
		{ "a", NULL, 0, 100 }, { "b", "a", 0, 60 },   { "b1", "b", 0, 20 },
		{ "b2", "b", 30, 25 }, { "c", "a", 70, 10 }, { "c1", "c", 72, 6 },
	};
	expect_critical(w, 6, "a b b1 b2 c c1");
}

static void test_critical_child_past_parent(void **state)
{
	(void)state;
	/* a 0..100: b 10..50, c 60..150 clipped to 60..100 (c1 70..95 inside it,
	 * c2 120..140 wholly past a: dropped). From 100: c (100, clipped), in c:
	 * c1 (95); back in a from 60: b (50). */
	const sp_t v[] = {
		{ "a", NULL, 0, 100 }, { "b", "a", 10, 40 }, { "c", "a", 60, 90 },
		{ "c1", "c", 70, 25 }, { "c2", "c", 120, 20 },
	};
	expect_critical(v, 5, "a b c c1");
}

static void test_critical_follows_from(void **state)
{
	(void)state;
	/* a 0..100: b 10..30; f 120..200 FOLLOWS_FROM a, after a ended; g 40..90
	 * FOLLOWS_FROM a inside it. Only CHILD_OF children make the path: a, b. */
	const sp_t v[] = {
		{ "a", NULL, 0, 100 }, { "b", "a", 10, 20 }, { "f", "a", 120, 80, 1 },
		{ "f1", "f", 130, 10 }, { "g", "a", 40, 50, 1 },
	};
	expect_critical(v, 5, "a b");
}

static void test_critical_roots_and_ties(void **state)
{
	(void)state;
	/* two roots: each is critical. Under r1 (0..50) x and y both end at 40:
	 * the earlier start (x, 10) wins; y then starts at 20, not before x's 10.
	 * Under r2 (60..100): z ends at 100 = r2's end: on the path. */
	const sp_t v[] = {
		{ "r1", NULL, 0, 50 },  { "x", "r1", 10, 30 },  { "y", "r1", 20, 20 },
		{ "r2", NULL, 60, 40 }, { "z", "r2", 70, 30 }, { "z0", "r2", 60, 0 },
	};
	expect_critical(v, 6, "r1 x r2 z0 z");
}

static void test_errors_and_services(void **state)
{
	(void)state;
	const sp_t v[] = {
		{ "a", NULL, 0, 100, 0, "icn-director" },
		{ "b", "a", 1, 10, 0, "icn-vortex", "error", "true" },
		{ "c", "a", 2, 10, 0, "icn-vortex", "otel.status_code", "ERROR" },
		{ "d", "a", 3, 10, 0, "icn-bft", "error", "false" },
		{ "e", "a", 4, 10, 0, "icn-director" },
	};
	trace_t *t = mk(v, 5);
	assert_true(span(t, "b")->error);
	assert_true(span(t, "c")->error);
	assert_false(span(t, "d")->error);
	assert_false(span(t, "a")->error);
	assert_int_equal(t->n_errors, 2);
	assert_int_equal(t->n_services, 3);
	assert_string_equal(t->services[0], "icn-bft");
	assert_string_equal(t->services[1], "icn-director");
	assert_string_equal(t->services[2], "icn-vortex");
	assert_int_equal(span(t, "a")->svc, 1);
	assert_int_equal(span(t, "b")->svc, 2);
	assert_int_equal(span(t, "d")->svc, 0);
	assert_string_equal(trace_tag(span(t, "b"), "error"), "true");
	assert_null(trace_tag(span(t, "a"), "error"));

	trace_summary_t sum;
	trace_summarize(t, &sum);
	assert_string_equal(sum.trace_id, "00000000000000000000000000000abc");
	assert_string_equal(sum.root_service, "icn-director");
	assert_string_equal(sum.root_operation, "a");
	assert_string_equal(sum.services, "icn-bft, icn-director, icn-vortex");
	assert_int_equal(sum.n_services, 3);
	assert_int_equal(sum.n_spans, 5);
	assert_int_equal(sum.n_errors, 2);
	assert_int_equal(sum.duration_us, 100);
	trace_summary_free(&sum);
	trace_free(t);

	/* status_error as the OTLP parser sets it */
	t = trace_new("x");
	trace_span_t *s = trace_add_span(t);
	s->status_error = 1;
	trace_build(t); /* no process: one is made */
	assert_true(t->spans[0].error);
	assert_int_equal(t->n_procs, 1);
	assert_string_equal(trace_span_service(t, &t->spans[0]), "");
	trace_summarize(t, &sum);
	assert_string_equal(sum.root_operation, "");
	trace_summary_free(&sum);
	trace_free(t);
}

static void test_rows(void **state)
{
	(void)state;
	const sp_t v[] = {
		{ "a", NULL, 0, 100 }, { "b", "a", 10, 30 }, { "b1", "b", 11, 5 }, { "b2", "b", 20, 5 },
		{ "c", "a", 50, 40 },  { "c1", "c", 55, 5 }, { "r", NULL, 200, 5 },
	};
	trace_t *t = mk(v, 7);
	uint32_t rows[7];
	uint8_t col[7] = { 0 };
	assert_int_equal(trace_rows(t, NULL, rows), 7);
	for (uint32_t i = 0; i < 7; i++)
		assert_int_equal(rows[i], i);
	col[trace_find_span(t, "b")] = 1;
	assert_int_equal(trace_rows(t, col, rows), 5);
	assert_string_equal(t->spans[rows[1]].span_id, "b");
	assert_string_equal(t->spans[rows[2]].span_id, "c");
	/* collapsed inside a collapsed subtree: the outer wins */
	col[trace_find_span(t, "a")] = 1;
	assert_int_equal(trace_rows(t, col, rows), 2);
	assert_string_equal(t->spans[rows[1]].span_id, "r");
	/* a collapsed leaf hides nothing */
	memset(col, 0, sizeof col);
	col[trace_find_span(t, "c1")] = 1;
	assert_int_equal(trace_rows(t, col, rows), 7);
	trace_free(t);
	/* no spans */
	t = trace_new("");
	trace_build(t);
	assert_int_equal(trace_rows(t, NULL, rows), 0);
	assert_int_equal(t->n_roots, 0);
	assert_int_equal(trace_find_span(t, "a"), TRACE_NONE);
	trace_free(t);
}

static void bar(int64_t s, int64_t d, int64_t v0, int64_t v1, int w, int rc, int c0, int c1)
{
	int a = -5, b = -5;
	assert_int_equal(trace_bar_cols(s, d, v0, v1, w, &a, &b), rc);
	if (a != c0 || b != c1)
		fail_msg("bar %lld+%lld in %lld..%lld/%d: [%d,%d), want [%d,%d)", (long long)s,
			 (long long)d, (long long)v0, (long long)v1, w, a, b, c0, c1);
}

static void test_bar_cols(void **state)
{
	(void)state;
	bar(0, 100, 0, 100, 10, 0, 0, 10);     /* the whole window */
	bar(0, 50, 0, 100, 10, 0, 0, 5);
	bar(50, 50, 0, 100, 10, 0, 5, 10);
	bar(12, 1, 0, 100, 10, 0, 1, 2);       /* thin: one column */
	bar(15, 10, 0, 100, 10, 0, 1, 3);      /* 15..25 touches columns 1 and 2 */
	bar(30, 0, 0, 100, 10, 0, 3, 4);       /* 0 µs: one column */
	bar(100, 0, 0, 100, 10, 0, 9, 10);     /* at the right edge: the last column */
	bar(-50, 100, 0, 100, 10, 0, 0, 5);    /* starts before: clipped */
	bar(50, 500, 0, 100, 10, 0, 5, 10);    /* ends after: clipped */
	bar(-50, 10, 0, 100, 10, -1, 0, 0);    /* wholly left */
	bar(150, 10, 0, 100, 10, -1, 10, 10);  /* wholly right */
	bar(-10, 10, 0, 100, 10, 0, 0, 1);     /* ends at the window's start */
	bar(0, 100, 0, 100, 0, -1, 0, 0);      /* no width */
	bar(5, 1, 5, 5, 4, 0, 0, 4);           /* an empty window is read as 1 µs */
	/* far-apart times do not overflow */
	bar(2000000000000000000, 1000000000000000000, 0, 4000000000000000000, 200, 0, 100, 150);
	bar(INT64_MIN + 1, 10, INT64_MIN, INT64_MAX, 100, 0, 0, 1);
}

static void test_matches(void **state)
{
	(void)state;
	const sp_t v[] = { { "a", NULL, 0, 100, 0, "icn-Director", "http.status_code", "503" } };
	trace_t *t = mk(v, 1);
	trace_span_t *s = &t->spans[0];
	trace_event_t *ev = trace_alloc(t, sizeof *ev);
	trace_kv_t *f = trace_alloc(t, sizeof *f);
	*f = (trace_kv_t){ "message", "BFT consensus failed", TRACE_KV_STRING };
	ev->fields = f;
	ev->n_fields = 1;
	s->events = ev;
	s->n_events = 1;
	assert_true(trace_span_matches(t, s, "A"));          /* the operation */
	assert_true(trace_span_matches(t, s, "director"));   /* the service, any case */
	assert_true(trace_span_matches(t, s, "status_code=503"));
	assert_true(trace_span_matches(t, s, "code=5"));
	assert_true(trace_span_matches(t, s, "HTTP.STATUS"));
	assert_true(trace_span_matches(t, s, "consensus FAILED"));
	assert_true(trace_span_matches(t, s, ""));
	assert_false(trace_span_matches(t, s, "status_code=504"));
	assert_false(trace_span_matches(t, s, "code==503"));
	assert_false(trace_span_matches(t, s, "vortex"));
	assert_false(trace_span_matches(t, s, "message=")); /* event keys are not searched */
	trace_free(t);
}

static void test_limits_and_warnings(void **state)
{
	(void)state;
	trace_t *t = trace_new("0123456789abcdef0123456789abcdef-and-more");
	assert_int_equal(strlen(t->trace_id), 32);
	for (int i = 0; i < 150; i++)
		trace_warn(t, "warning %d", i);
	assert_int_equal(t->n_warnings, 101);
	assert_string_equal(t->warnings[0], "warning 0");
	assert_string_equal(t->warnings[99], "warning 99");
	assert_string_equal(t->warnings[100], "and 50 more warnings");
	/* the process table keeps one of equal processes */
	trace_kv_t kv[2] = { { "host", "a", TRACE_KV_STRING }, { "ip", "1", TRACE_KV_INT } };
	trace_kv_t kv2[2] = { { "host", "a", TRACE_KV_STRING }, { "ip", "2", TRACE_KV_INT } };
	uint32_t p1 = trace_add_proc(t, "svc", kv, 2);
	assert_int_equal(trace_add_proc(t, "svc", kv, 2), p1);
	assert_int_not_equal(trace_add_proc(t, "svc", kv2, 2), p1);
	assert_int_not_equal(trace_add_proc(t, "svc", kv, 1), p1);
	assert_int_not_equal(trace_add_proc(t, "other", kv, 2), p1);
	/* a key or value NULL reads as "" */
	trace_kv_t kvn[1] = { { "host", NULL, TRACE_KV_STRING } }, kve[1] = { { "host", "", TRACE_KV_STRING } };
	uint32_t pn = trace_add_proc(t, NULL, kvn, 1);
	assert_int_equal(trace_add_proc(t, "", kve, 1), pn);
	/* many processes: each new one is told from the others at once */
	size_t before = t->n_procs;
	for (int i = 0; i < 50000; i++) {
		char name[32];
		snprintf(name, sizeof name, "svc-%d", i);
		trace_add_proc(t, trace_str(t, name, (size_t)-1), kv, 2);
	}
	assert_int_equal(t->n_procs, before + 50000);
	assert_int_equal(trace_add_proc(t, "svc-777", kv, 2), before + 777);
	assert_int_equal(trace_add_proc(t, "svc", kv, 2), p1);
	/* strings and big blocks from the arena */
	char *s = trace_str(t, "abcdef", 3);
	assert_string_equal(s, "abc");
	unsigned char *big = trace_alloc(t, 1 << 20);
	for (size_t i = 0; i < 1 << 20; i++)
		assert_int_equal(big[i], 0);
	assert_string_equal(trace_str(t, NULL, 5), "");
	/* past TRACE_MAX_SPANS spans are counted, not kept */
	for (size_t i = 0; i < TRACE_MAX_SPANS; i++)
		assert_non_null(trace_add_span(t));
	assert_null(trace_add_span(t));
	assert_null(trace_add_span(t));
	assert_int_equal(t->n_dropped, 2);
	assert_int_equal(t->n_spans, TRACE_MAX_SPANS);
	trace_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree_order),
		cmocka_unit_test(test_missing_parent_and_follows_from),
		cmocka_unit_test(test_reference_choice),
		cmocka_unit_test(test_duplicate_ids),
		cmocka_unit_test(test_cycles),
		cmocka_unit_test(test_deep_chain),
		cmocka_unit_test(test_clock_skew),
		cmocka_unit_test(test_self_time),
		cmocka_unit_test(test_critical_sequential),
		cmocka_unit_test(test_critical_overlapping),
		cmocka_unit_test(test_critical_nested),
		cmocka_unit_test(test_critical_child_past_parent),
		cmocka_unit_test(test_critical_follows_from),
		cmocka_unit_test(test_critical_roots_and_ties),
		cmocka_unit_test(test_errors_and_services),
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_bar_cols),
		cmocka_unit_test(test_matches),
		cmocka_unit_test(test_limits_and_warnings),
	};
	return cmocka_run_group_tests_name("trace", tests, NULL, NULL);
}
