/* Unit tests of the Logs model: the scrollback ring, resume dedupe, levels and JSON line fields. */
#include "config.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "backend/loki.h"
#include "core/xalloc.h"
#include "fixture.h"
#include "model/logdedup.h"
#include "model/logfields.h"
#include "model/logring.h"

static labels_t mk(const char *app, const char *level)
{
	labels_t l = { 0 };
	labels_add(&l, "app", app);
	if (level)
		labels_add(&l, "level", level);
	return l;
}

static void append_s(logring_t *r, int64_t ts, const labels_t *l, const char *s)
{
	logring_append(r, ts, l, s, strlen(s));
}

static void test_ring_basics(void **state)
{
	(void)state;
	logring_t *r = logring_new(0, 0);
	logring_line_t e;
	assert_int_equal(logring_count(r), 0);
	assert_int_equal(logring_first(r), 0);
	assert_int_equal(logring_next(r), 0);
	assert_int_equal(logring_get(r, 0, &e), -1);
	labels_t a = mk("icn-director", "info");
	assert_int_equal(logring_append(r, 10, &a, "one", 3), 0);
	assert_int_equal(logring_append(r, 11, &a, "t\0o", 3), 1);
	assert_int_equal(logring_count(r), 2);
	assert_int_equal(logring_get(r, 1, &e), 0);
	assert_int_equal(e.seq, 1);
	assert_true(e.ts_ns == 11);
	assert_int_equal(e.len, 3);
	assert_memory_equal(e.line, "t\0o", 4);
	assert_int_equal(e.kind, LOGRING_LINE);
	assert_int_equal(e.level, LOGLEVEL_INFO); /* from the stream */
	assert_string_equal(labels_get(logring_stream_labels(r, e.stream), "app"), "icn-director");
	assert_int_equal(logring_get(r, 2, &e), -1);
	assert_int_equal(logring_streams(r), 1);
	assert_true(logring_bytes(r) > 0);
	/* no stream, NULL line */
	uint64_t s = logring_append(r, 12, NULL, NULL, 5);
	assert_int_equal(logring_get(r, s, &e), 0);
	assert_int_equal(e.stream, LOGRING_NO_STREAM);
	assert_null(logring_stream_labels(r, e.stream));
	assert_int_equal(e.len, 0);
	assert_string_equal(e.line, "");
	labels_free(&a);
	logring_free(r);
	logring_free(NULL);
}

static void test_ring_evicts_by_lines(void **state)
{
	(void)state;
	logring_t *r = logring_new(5000, (size_t)1 << 30);
	labels_t a = mk("a", NULL);
	char buf[32];
	for (int i = 0; i < 12345; i++) {
		int n = snprintf(buf, sizeof buf, "line %d", i);
		assert_int_equal(logring_append(r, i, &a, buf, (size_t)n), (uint64_t)i);
		assert_true(logring_count(r) <= 5000);
	}
	assert_int_equal(logring_count(r), 5000);
	assert_int_equal(logring_first(r), 12345 - 5000);
	assert_int_equal(logring_next(r), 12345);
	logring_line_t e;
	/* a view holding seq 7345 still finds the same line */
	assert_int_equal(logring_get(r, 7345, &e), 0);
	assert_string_equal(e.line, "line 7345");
	assert_int_equal(logring_get(r, 7344, &e), -1);
	assert_int_equal(logring_get(r, 12344, &e), 0);
	assert_string_equal(e.line, "line 12344");
	/* every kept line in order */
	for (uint64_t q = logring_first(r); q < logring_next(r); q++) {
		assert_int_equal(logring_get(r, q, &e), 0);
		snprintf(buf, sizeof buf, "line %llu", (unsigned long long)q);
		assert_string_equal(e.line, buf);
	}
	logring_clear(r);
	assert_int_equal(logring_count(r), 0);
	assert_int_equal(logring_streams(r), 0);
	assert_int_equal(logring_first(r), 12345); /* seqs keep counting */
	assert_int_equal(logring_append(r, 1, &a, "x", 1), 12345);
	labels_free(&a);
	logring_free(r);
}

static void test_ring_evicts_by_bytes(void **state)
{
	(void)state;
	size_t budget = 2u * 1024 * 1024;
	logring_t *r = logring_new(100000, budget);
	labels_t a = mk("a", NULL);
	size_t n = 256 * 1024; /* Loki's largest line by default */
	char *big = xmalloc(n);
	memset(big, 'x', n);
	for (int i = 0; i < 40; i++) {
		logring_append(r, i, &a, big, n);
		assert_true(logring_bytes(r) <= budget);
	}
	assert_true(logring_count(r) >= 5 && logring_count(r) <= 8);
	logring_line_t e;
	assert_int_equal(logring_get(r, logring_next(r) - 1, &e), 0);
	assert_int_equal(e.len, n);
	/* small lines then fill what the big ones leave */
	for (int i = 0; i < 1000; i++)
		append_s(r, 100 + i, &a, "small");
	assert_true(logring_bytes(r) <= budget);
	free(big);
	/* the newest entry stays, whatever the budget */
	logring_t *t = logring_new(10, 1);
	append_s(t, 1, &a, "first");
	append_s(t, 2, &a, "second");
	assert_int_equal(logring_count(t), 1);
	assert_int_equal(logring_get(t, 1, &e), 0);
	assert_string_equal(e.line, "second");
	logring_free(t);
	labels_free(&a);
	logring_free(r);
}

static void test_ring_interns_streams(void **state)
{
	(void)state;
	logring_t *r = logring_new(4, 0);
	labels_t a = mk("a", "warn"), a2 = mk("a", "warn"), b = mk("b", NULL);
	labels_t ab = { 0 }, a_b = { 0 };
	labels_add(&ab, "ab", "c");
	labels_add(&a_b, "a", "bc");
	logring_line_t e1, e2;
	append_s(r, 1, &a, "x");
	append_s(r, 2, &a2, "y"); /* equal labels, another copy: the same stream */
	assert_int_equal(logring_streams(r), 1);
	logring_get(r, 0, &e1);
	logring_get(r, 1, &e2);
	assert_int_equal(e1.stream, e2.stream);
	assert_int_equal(e2.level, LOGLEVEL_WARN);
	append_s(r, 3, &ab, "z");
	append_s(r, 4, &a_b, "w"); /* {ab="c"} and {a="bc"} are two */
	assert_int_equal(logring_streams(r), 3);
	/* evicting the last user of a set frees it */
	append_s(r, 5, &b, "v");
	assert_int_equal(logring_streams(r), 4); /* a still used by seq 1 */
	append_s(r, 6, &b, "u");
	assert_int_equal(logring_streams(r), 3); /* a gone */
	assert_null(logring_stream_labels(r, e1.stream));
	append_s(r, 7, &b, "t");
	append_s(r, 8, &b, "s");
	assert_int_equal(logring_streams(r), 1);
	/* a freed slot is reused, and lookups still find the right set */
	append_s(r, 9, &a, "r");
	logring_get(r, 8, &e1);
	assert_string_equal(labels_get(logring_stream_labels(r, e1.stream), "app"), "a");
	assert_int_equal(logring_streams(r), 2);
	/* many distinct sets (bucket growth), then all evicted */
	logring_t *m = logring_new(100000, 0);
	char v[16];
	for (int i = 0; i < 3000; i++) {
		labels_t l = { 0 };
		snprintf(v, sizeof v, "pod-%d", i);
		labels_add(&l, "pod", v);
		append_s(m, i, &l, "line");
		labels_free(&l);
	}
	assert_int_equal(logring_streams(m), 3000);
	for (int i = 0; i < 3000; i++) {
		labels_t l = { 0 };
		snprintf(v, sizeof v, "pod-%d", i);
		labels_add(&l, "pod", v);
		append_s(m, i, &l, "again");
		labels_free(&l);
	}
	assert_int_equal(logring_streams(m), 3000);
	logring_line_t e;
	logring_get(m, 5999, &e);
	assert_string_equal(labels_get(logring_stream_labels(m, e.stream), "pod"), "pod-2999");
	logring_free(m);
	labels_free(&a);
	labels_free(&a2);
	labels_free(&b);
	labels_free(&ab);
	labels_free(&a_b);
	logring_free(r);
}

static void test_ring_gaps(void **state)
{
	(void)state;
	logring_t *r = logring_new(3, 0);
	labels_t a = mk("a", NULL);
	logring_line_t e;
	append_s(r, 1, &a, "x");
	uint64_t g = logring_append_gap(r, 5, 2);
	assert_int_equal(logring_append_gap(r, 4, 3), g); /* merged */
	assert_int_equal(logring_count(r), 2);
	assert_int_equal(logring_get(r, g, &e), 0);
	assert_int_equal(e.kind, LOGRING_GAP);
	assert_int_equal(e.dropped, 5);
	assert_true(e.ts_ns == 5);
	assert_null(e.line);
	assert_int_equal(e.stream, LOGRING_NO_STREAM);
	append_s(r, 6, &a, "y");
	assert_int_equal(logring_append_gap(r, 7, 1), g + 2); /* after a line: new */
	/* gaps are evicted like lines */
	append_s(r, 8, &a, "z");
	assert_int_equal(logring_get(r, g, &e), -1);
	labels_free(&a);
	logring_free(r);
}

/* A tail frame from the fixtures into the ring, as the Logs view will do. */
static void test_ring_from_tail_frame(void **state)
{
	(void)state;
	size_t len;
	char *body = fixture_read("loki/tail_message_1.json", &len);
	loki_result_t res;
	assert_int_equal(loki_parse_tail_frame(body, len, NULL, &res, NULL), 0);
	logring_t *r = logring_new(0, 0);
	for (size_t i = 0; i < res.n_entries; i++) {
		loki_entry_t *x = &res.entries[i];
		logring_append(r, x->ts_ns, &res.streams[x->stream], x->line, x->len);
	}
	if (res.n_dropped)
		logring_append_gap(r, res.dropped[res.n_dropped - 1].ts_ns, res.n_dropped);
	assert_int_equal(logring_count(r), 3);
	logring_line_t e;
	logring_get(r, 2, &e);
	assert_int_equal(e.kind, LOGRING_GAP);
	assert_int_equal(e.dropped, 1);
	loki_result_free(&res);
	free(body);
	logring_free(r);
}

static void test_dedup_boundary(void **state)
{
	(void)state;
	logdedup_t d;
	logdedup_init(&d);
	labels_t a = mk("a", NULL), b = mk("b", NULL);
	/* first connection */
	assert_int_equal(logdedup_check(&d, &a, 100, "x", 1), 0);
	assert_int_equal(logdedup_check(&d, &a, 200, "p", 1), 0);
	assert_int_equal(logdedup_check(&d, &a, 200, "q", 1), 0); /* same ts, another line */
	assert_int_equal(logdedup_check(&d, &b, 200, "p", 1), 0); /* same ts and line, another stream */
	/* resumed with start=200: all three come again, then new ones */
	assert_int_equal(logdedup_check(&d, &a, 200, "p", 1), 1);
	assert_int_equal(logdedup_check(&d, &b, 200, "p", 1), 1);
	assert_int_equal(logdedup_check(&d, &a, 200, "q", 1), 1);
	assert_int_equal(logdedup_check(&d, &a, 200, "r", 1), 0); /* new at the boundary */
	assert_int_equal(logdedup_check(&d, &a, 200, "r", 1), 1);
	/* an older line of another stream, arriving late: kept */
	assert_int_equal(logdedup_check(&d, &b, 150, "late", 4), 0);
	assert_int_equal(logdedup_check(&d, &b, 150, "late", 4), 0);
	/* the boundary moves: the old set is forgotten */
	assert_int_equal(logdedup_check(&d, &a, 300, "p", 1), 0);
	assert_true(d.ts == 300);
	assert_int_equal(d.n, 1);
	assert_int_equal(logdedup_check(&d, &a, 300, "p", 1), 1);
	assert_int_equal(logdedup_check(&d, &a, 200, "p", 1), 0); /* behind: not a repeat */
	/* lengths count: "p" and "p\0" differ, NULs in lines are fine */
	assert_int_equal(logdedup_check(&d, &a, 300, "p\0", 2), 0);
	assert_int_equal(logdedup_check(&d, &a, 300, "p\0", 2), 1);
	/* label boundaries count */
	labels_t x = { 0 }, y = { 0 };
	labels_add(&x, "a", "bc");
	labels_add(&y, "ab", "c");
	assert_true(logdedup_hash(&x, "l", 1) != logdedup_hash(&y, "l", 1));
	assert_true(logdedup_hash(NULL, "l", 1) == logdedup_hash(NULL, "l", 1));
	/* a stream with no labels and a NULL stream are the same empty set */
	labels_t none = { 0 };
	assert_true(logdedup_hash(&none, "l", 1) == logdedup_hash(NULL, "l", 1));
	/* reset: a new query starts afresh */
	logdedup_reset(&d);
	assert_int_equal(logdedup_check(&d, &a, 300, "p", 1), 0);
	/* many at one nanosecond: bounded */
	char buf[16];
	for (int i = 0; i < LOGDEDUP_MAX + 100; i++) {
		int n = snprintf(buf, sizeof buf, "%d", i);
		assert_int_equal(logdedup_check(&d, &a, 400, buf, (size_t)n), 0);
	}
	assert_int_equal(d.n, LOGDEDUP_MAX);
	assert_int_equal(logdedup_check(&d, &a, 400, "7", 1), 1);
	/* a whole history page (5000) at one nanosecond, sent again at the next
	 * page's boundary: every line of it is a repeat */
	logdedup_reset(&d);
	for (int i = 0; i < 5000; i++) {
		int n = snprintf(buf, sizeof buf, "p%d", i);
		assert_int_equal(logdedup_check(&d, &a, 500, buf, (size_t)n), 0);
	}
	for (int i = 0; i < 5000; i++) {
		int n = snprintf(buf, sizeof buf, "p%d", i);
		assert_int_equal(logdedup_check(&d, &a, 500, buf, (size_t)n), 1);
	}
	labels_free(&x);
	labels_free(&y);
	labels_free(&a);
	labels_free(&b);
	logdedup_free(&d);
	logdedup_free(&d);
}

/* The resume as it happens: backfill of a second connection overlaps the first. */
static void test_dedup_resume_frames(void **state)
{
	(void)state;
	const char *f1 = "{\"streams\":[{\"stream\":{\"app\":\"d\"},\"values\":[[\"10\",\"a\"]]},"
			 "{\"stream\":{\"app\":\"s\"},\"values\":[[\"20\",\"b\"]]},"
			 "{\"stream\":{\"app\":\"d\"},\"values\":[[\"20\",\"c\"]]}]}";
	const char *f2 = "{\"streams\":[{\"stream\":{\"app\":\"s\"},\"values\":[[\"20\",\"b\"]]},"
			 "{\"stream\":{\"app\":\"d\"},\"values\":[[\"20\",\"c\"]]},"
			 "{\"stream\":{\"app\":\"d\"},\"values\":[[\"20\",\"c2\"]]},"
			 "{\"stream\":{\"app\":\"d\"},\"values\":[[\"21\",\"e\"]]}]}";
	const char *frames[] = { f1, f2 };
	logdedup_t d;
	logdedup_init(&d);
	logring_t *r = logring_new(0, 0);
	for (int k = 0; k < 2; k++) {
		loki_result_t res;
		assert_int_equal(loki_parse_tail_frame(frames[k], strlen(frames[k]), NULL, &res, NULL), 0);
		for (size_t i = 0; i < res.n_entries; i++) {
			loki_entry_t *x = &res.entries[i];
			if (!logdedup_check(&d, &res.streams[x->stream], x->ts_ns, x->line, x->len))
				logring_append(r, x->ts_ns, &res.streams[x->stream], x->line, x->len);
		}
		loki_result_free(&res);
	}
	const char *want[] = { "a", "b", "c", "c2", "e" };
	assert_int_equal(logring_count(r), 5);
	for (uint64_t q = 0; q < 5; q++) {
		logring_line_t e;
		logring_get(r, q, &e);
		assert_string_equal(e.line, want[q]);
	}
	logring_free(r);
	logdedup_free(&d);
}

/* Backward pages (end = oldest + 1 ns): the boundary is the oldest timestamp. */
static void test_dedup_backward_pages(void **state)
{
	(void)state;
	logdedup_t d;
	logdedup_init_backward(&d);
	labels_t a = mk("a", NULL), b = mk("b", NULL);
	/* page 1, newest first */
	assert_int_equal(logdedup_check(&d, &a, 300, "z", 1), 0);
	assert_int_equal(logdedup_check(&d, &a, 200, "y", 1), 0);
	assert_int_equal(logdedup_check(&d, &b, 200, "y", 1), 0);
	/* page 2 from end=201: the entries at 200 again, then older ones */
	assert_int_equal(logdedup_check(&d, &b, 200, "y", 1), 1);
	assert_int_equal(logdedup_check(&d, &a, 200, "y", 1), 1);
	assert_int_equal(logdedup_check(&d, &a, 200, "x", 1), 0); /* cut off by the limit before */
	assert_int_equal(logdedup_check(&d, &a, 100, "w", 1), 0);
	assert_true(d.ts == 100);
	assert_int_equal(logdedup_check(&d, &a, 100, "w", 1), 1);
	assert_int_equal(logdedup_check(&d, &a, 250, "late", 4), 0); /* newer: kept */
	logdedup_reset(&d);
	assert_true(d.ts == INT64_MAX);
	assert_int_equal(logdedup_check(&d, &a, 100, "w", 1), 0);
	labels_free(&a);
	labels_free(&b);
	logdedup_free(&d);
	assert_true(d.backward);
	logdedup_free(&d);
}

static void test_levels(void **state)
{
	(void)state;
	const struct {
		const char *line;
		loglevel_t want;
	} cases[] = {
		{ "{\"ts\":\"x\",\"level\":\"error\",\"msg\":\"BFT consensus failed\"}", LOGLEVEL_ERROR },
		{ "{\"level\" : \"WARN\"}", LOGLEVEL_WARN },
		{ "  {\"lvl\":\"dbg\"}", LOGLEVEL_DEBUG },
		{ "{\"severity\":\"CRITICAL\"}", LOGLEVEL_CRITICAL },
		{ "{\"msg\":\"\\\"level\\\" is x\",\"level\":\"info\"}", LOGLEVEL_INFO },
		{ "{\"level\":5}", LOGLEVEL_UNKNOWN },
		{ "{\"level\":\"verbose\"}", LOGLEVEL_UNKNOWN },
		{ "ts=1 level=warning msg=x", LOGLEVEL_WARN },
		{ "level=\"fatal\" msg=x", LOGLEVEL_CRITICAL },
		{ "loglevel=error", LOGLEVEL_UNKNOWN },
		{ "plain text", LOGLEVEL_UNKNOWN },
		{ "{\"level\":\"err", LOGLEVEL_UNKNOWN },
		{ "", LOGLEVEL_UNKNOWN },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		loglevel_t l = loglevel_of(cases[i].line, strlen(cases[i].line), NULL);
		if (l != cases[i].want)
			fail_msg("%s: %s, want %s", cases[i].line, loglevel_name(l),
				 loglevel_name(cases[i].want));
	}
	labels_t s = mk("a", "error");
	assert_int_equal(loglevel_of("plain", 5, &s), LOGLEVEL_ERROR);
	assert_int_equal(loglevel_of("{\"level\":\"info\"}", 16, &s), LOGLEVEL_INFO); /* the line wins */
	assert_int_equal(loglevel_of(NULL, 0, &s), LOGLEVEL_ERROR);
	labels_free(&s);
	labels_t dl = { 0 };
	labels_add(&dl, "detected_level", "warn");
	assert_int_equal(loglevel_of("x", 1, &dl), LOGLEVEL_WARN);
	labels_free(&dl);
	assert_string_equal(loglevel_name(LOGLEVEL_CRITICAL), "critical");
	assert_string_equal(loglevel_name((loglevel_t)99), "unknown");
	assert_int_equal(loglevel_parse("Notice", 6), LOGLEVEL_INFO);
	assert_int_equal(loglevel_parse(NULL, 3), LOGLEVEL_UNKNOWN);
}

static void test_fields(void **state)
{
	(void)state;
	logfields_t f;
	const char *l = "{\"ts\":\"2026-11-29T03:00:00.123Z\",\"level\":\"error\",\"msg\":\"BFT consensus failed\","
			"\"slot\":48213,\"directors\":[\"d-1\",\"d-7\",\"d-9\"],\"error\":\"timeout after 10s\","
			"\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"span_id\":\"00f067aa0ba902b7\"}";
	logfields_parse(l, strlen(l), &f);
	assert_true(f.json);
	assert_string_equal(f.ts, "2026-11-29T03:00:00.123Z");
	assert_string_equal(f.level, "error");
	assert_string_equal(f.msg, "BFT consensus failed");
	assert_int_equal(f.msg_len, 20);
	assert_string_equal(f.slot, "48213");
	assert_string_equal(f.directors, "d-1,d-7,d-9");
	assert_string_equal(f.error, "timeout after 10s");
	assert_string_equal(f.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
	assert_string_equal(f.span_id, "00f067aa0ba902b7");
	logfields_free(&f);
	logfields_free(&f);

	const char *m = "{\"message\":\"hi\",\"slot\":1.5,\"directors\":[],\"error\":null,\"ok\":true,"
			"\"trace_id\":{\"x\":1},\"lvl\":\"info\"}";
	logfields_parse(m, strlen(m), &f);
	assert_string_equal(f.msg, "hi");
	assert_string_equal(f.slot, "1.5");
	assert_string_equal(f.directors, "");
	assert_null(f.error);
	assert_null(f.ts);
	assert_null(f.span_id);
	assert_string_equal(f.trace_id, "{\"x\":1}");
	assert_string_equal(f.level, "info");
	logfields_free(&f);

	/* a \u0000 in msg: the message whole, its length says so (shown escaped) */
	const char *z = "{\"msg\":\"A\\u0000B end\",\"slot\":1}";
	logfields_parse(z, strlen(z), &f);
	assert_int_equal(f.msg_len, 7);
	assert_memory_equal(f.msg, "A\0B end", 8);
	logfields_free(&f);

	/* directors not an array; numbers in the array */
	const char *d = "{\"directors\":\"d-1\",\"msg\":\"x\"}";
	logfields_parse(d, strlen(d), &f);
	assert_string_equal(f.directors, "d-1");
	logfields_free(&f);
	d = "{\"directors\":[1,\"b\",null]}";
	logfields_parse(d, strlen(d), &f);
	assert_string_equal(f.directors, "1,b,null");
	assert_null(f.msg);
	logfields_free(&f);

	/* not JSON (or not an object): the raw line is the message */
	const char *raw[] = { "plain text line", "{broken json", "[1,2]", "", "  {\"a\":1} trailing" };
	for (size_t i = 0; i < sizeof raw / sizeof raw[0]; i++) {
		logfields_parse(raw[i], strlen(raw[i]), &f);
		assert_false(f.json);
		assert_string_equal(f.msg, raw[i]);
		assert_int_equal(f.msg_len, strlen(raw[i]));
		assert_null(f.level);
		logfields_free(&f);
	}
	logfields_parse("a\0b", 3, &f);
	assert_int_equal(f.msg_len, 3);
	assert_memory_equal(f.msg, "a\0b", 4);
	logfields_free(&f);
	logfields_parse(NULL, 9, &f);
	assert_string_equal(f.msg, "");
	logfields_free(&f);
}

/* T's ids: JSON fields, else logfmt's trace_id= and span_id= (quoted or not). */
static void test_trace_ids(void **state)
{
	(void)state;
	char *t, *sp;
	const char *j = "{\"msg\":\"x\",\"trace_id\":\"abc\",\"span_id\":\"def\"}";
	assert_int_equal(logfields_trace_ids(j, strlen(j), &t, &sp), 0);
	assert_string_equal(t, "abc");
	assert_string_equal(sp, "def");
	free(t);
	free(sp);
	const char *l = "level=error msg=\"a b\" trace_id=\"0af7\" span_id=b7ad x=1";
	assert_int_equal(logfields_trace_ids(l, strlen(l), &t, &sp), 0);
	assert_string_equal(t, "0af7");
	assert_string_equal(sp, "b7ad");
	free(t);
	free(sp);
	const char *n = "msg=no-ids xtrace_id=1";
	assert_int_equal(logfields_trace_ids(n, strlen(n), &t, &sp), -1);
	assert_null(t);
	assert_null(sp);
	const char *q = "{\"msg\":\"json without\"} trace_id=1";
	assert_int_equal(logfields_trace_ids(q, strlen(q), &t, &sp), 0); /* not JSON as a whole: logfmt */
	assert_string_equal(t, "1");
	assert_null(sp);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace_ids),
		cmocka_unit_test(test_ring_basics),
		cmocka_unit_test(test_ring_evicts_by_lines),
		cmocka_unit_test(test_ring_evicts_by_bytes),
		cmocka_unit_test(test_ring_interns_streams),
		cmocka_unit_test(test_ring_gaps),
		cmocka_unit_test(test_ring_from_tail_frame),
		cmocka_unit_test(test_dedup_boundary),
		cmocka_unit_test(test_dedup_resume_frames),
		cmocka_unit_test(test_dedup_backward_pages),
		cmocka_unit_test(test_levels),
		cmocka_unit_test(test_fields),
	};
	return cmocka_run_group_tests_name("logring", tests, NULL, NULL);
}
