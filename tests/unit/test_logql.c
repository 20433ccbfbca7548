/* Unit tests of icnsim's LogQL subset (parse errors, matchers, line filters) and its log store. */
#include "config.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>
#include "logql.h"
#include "logs.h"
#include "sim.h"

#define NOW 1700000000.0

static void expect_error(const char *q, const char *want)
{
	char *err = NULL;
	logql_t *lq = logql_parse(q, &err);

	if (lq)
		fail_msg("'%s' parsed, want the error '%s'", q, want);
	if (!err || strncmp(err, want, strlen(want)))
		fail_msg("'%s': error '%s', want '%s'", q, err ? err : "(none)", want);
	free(err);
}

static void test_parse_errors(void **state)
{
	expect_error("{}", "parse error at line 1, col 2: syntax error: unexpected }");
	expect_error("{app}", "parse error at line 1, col 5: syntax error: unexpected }");
	expect_error("{app=\"x\"", "parse error at line 1, col 9: syntax error: unexpected $end");
	expect_error("{app=\"x}", "parse error at line 1, col 9: literal not terminated");
	expect_error("{app=x}", "parse error at line 1, col 6: syntax error: unexpected IDENTIFIER");
	expect_error("app", "not supported by icnsim: metric queries");
	expect_error("sum(rate({app=\"x\"}[1m]))", "not supported by icnsim: metric queries");
	expect_error("{app=\"x\"} | json", "not supported by icnsim: pipeline stage at col 13");
	expect_error("{app=\"x\"} |= 3", "parse error at line 1, col 14: syntax error: unexpected NUMBER");
	expect_error("{app=~\"(\"}", "parse error : invalid regular expression \"(\"");
	expect_error("", "parse error at line 1, col 1: syntax error: unexpected $end");
}

/* A store with every stream: one minute of history. */
static logs_t *store(sim_t **sim, uint64_t seed)
{
	*sim = sim_new(seed, 6, NOW);
	return logs_new(seed, 100000, 2, *sim, NOW, 60);
}

static size_t count_streams(const char *q)
{
	sim_t *sim;
	logs_t *l = store(&sim, 1);
	char *err = NULL;
	logql_t *lq = logql_parse(q, &err);
	size_t n = 0;

	if (!lq)
		fail_msg("'%s': %s", q, err);
	for (size_t i = 0; i < l->nstreams; i++)
		n += logql_stream_matches(lq, l, i);
	logql_free(lq);
	logs_free(l);
	sim_free(sim);
	return n;
}

static void test_matchers(void **state)
{
	size_t all = count_streams("{namespace=\"icn\"}");

	assert_true(all > 10);
	assert_int_equal(count_streams("{app=~\"icn\"}"), 0); /* anchored */
	assert_int_equal(count_streams("{app=~\"icn-.*\"}") + count_streams("{app!~\"icn-.*\"}"), all);
	assert_int_equal(count_streams("{app=\"substrate\"}"), count_streams("{app!~\"icn-.*\"}"));
	assert_int_equal(count_streams("{app=\"substrate\", level!=\"info\"}") + count_streams("{app=\"substrate\", level=\"info\"}"),
			 count_streams("{app=\"substrate\"}"));
	assert_int_equal(count_streams("{pod=~\"director-[0-9]|vortex-1\", app=\"icn-vortex\"}"),
			 count_streams("{pod=\"vortex-1\"}"));
	/* a label no stream has is the empty value */
	assert_int_equal(count_streams("{nope=\"\"}"), all);
	assert_int_equal(count_streams("{nope!=\"\"}"), 0);
	assert_int_equal(count_streams(" { app = `substrate` } "), count_streams("{app=\"substrate\"}"));
}

static bool line_ok(const char *q, const char *line)
{
	char *err = NULL;
	logql_t *lq = logql_parse(q, &err);
	bool ok;

	if (!lq)
		fail_msg("'%s': %s", q, err);
	ok = logql_line_matches(lq, line);
	logql_free(lq);
	return ok;
}

static void test_line_filters(void **state)
{
	const char *line = "{\"level\":\"error\",\"msg\":\"BFT consensus failed\"}";

	assert_true(line_ok("{a=\"b\"}", line));
	assert_true(line_ok("{a=\"b\"} |= \"BFT consensus failed\"", line));
	assert_false(line_ok("{a=\"b\"} |= \"bft\"", line)); /* case matters */
	assert_false(line_ok("{a=\"b\"} != \"BFT\"", line));
	assert_true(line_ok("{a=\"b\"} != \"committed\"", line));
	assert_true(line_ok("{a=\"b\"} |~ \"consensus (failed|ok)\"", line)); /* not anchored */
	assert_false(line_ok("{a=\"b\"} !~ \"fail\"", line));
	assert_true(line_ok("{a=\"b\"} |= \"BFT\" != \"round\" |~ \"error\"", line));
	assert_false(line_ok("{a=\"b\"} |= \"BFT\" |= \"round\"", line));
	assert_true(line_ok("{a=\"b\"} |= \"\\\"msg\\\"\"", line)); /* escaped quotes */
}

static void test_store_order_and_seek(void **state)
{
	sim_t *sim;
	logs_t *l = store(&sim, 3);
	int64_t prev = 0;

	assert_true(l->next_seq > 100);
	for (uint64_t s = l->first_seq; s < l->next_seq; s++) {
		const logs_entry_t *e = logs_get(l, s);
		assert_true(e->ns > prev); /* strictly increasing, so per stream too */
		json_t *o = json_loads(e->line, 0, NULL);
		assert_non_null(o);
		json_decref(o);
		prev = e->ns;
	}
	const logs_entry_t *mid = logs_get(l, l->first_seq + 50);
	assert_int_equal(logs_seek(l, mid->ns), mid->seq);
	assert_int_equal(logs_seek(l, mid->ns + 1), mid->seq + 1);
	assert_int_equal(logs_seek(l, 0), l->first_seq);
	assert_int_equal(logs_seek(l, INT64_MAX), l->next_seq);
	assert_null(logs_get(l, l->next_seq));
	logs_free(l);
	sim_free(sim);
}

static void test_store_bounded(void **state)
{
	sim_t *sim = sim_new(1, 6, NOW);
	logs_t *l = logs_new(1, 50, 2, sim, NOW, 60);

	assert_int_equal(l->next_seq - l->first_seq, 50);
	assert_true(l->first_seq > 0);
	assert_null(logs_get(l, l->first_seq - 1));
	logs_burst(l, sim, NOW + 1, 10);
	assert_int_equal(l->next_seq - l->first_seq, 50);
	logs_free(l);
	sim_free(sim);
}

static const char *field(const char *line, const char *name, char *buf, size_t len)
{
	json_t *o = json_loads(line, 0, NULL);
	snprintf(buf, len, "%s", json_string_value(json_object_get(o, name)) ? json_string_value(json_object_get(o, name)) : "");
	json_decref(o);
	return buf;
}

static void test_deterministic_ids(void **state)
{
	sim_t *s1, *s2, *s3;
	logs_t *a = store(&s1, 5), *b = store(&s2, 5), *c = store(&s3, 6);
	char t1[64], t2[64];

	assert_int_equal(a->next_seq, b->next_seq);
	for (uint64_t s = a->first_seq; s < a->next_seq; s++)
		assert_string_equal(logs_get(a, s)->line, logs_get(b, s)->line);
	/* one trace_id per slot */
	for (uint64_t s = a->first_seq + 1; s < a->next_seq; s++) {
		json_t *x = json_loads(logs_get(a, s - 1)->line, 0, NULL), *y = json_loads(logs_get(a, s)->line, 0, NULL);
		if (json_integer_value(json_object_get(x, "slot")) == json_integer_value(json_object_get(y, "slot")))
			assert_string_equal(json_string_value(json_object_get(x, "trace_id")),
					    json_string_value(json_object_get(y, "trace_id")));
		json_decref(x);
		json_decref(y);
	}
	/* another seed, other ids */
	assert_string_not_equal(field(logs_get(a, a->first_seq)->line, "trace_id", t1, sizeof t1),
				field(logs_get(c, c->first_seq)->line, "trace_id", t2, sizeof t2));
	logs_free(a);
	logs_free(b);
	logs_free(c);
	sim_free(s1);
	sim_free(s2);
	sim_free(s3);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_errors),	     cmocka_unit_test(test_matchers),
		cmocka_unit_test(test_line_filters),	     cmocka_unit_test(test_store_order_and_seek),
		cmocka_unit_test(test_store_bounded),	     cmocka_unit_test(test_deterministic_ids),
	};
	cmocka_set_message_output(CM_OUTPUT_TAP);
	return cmocka_run_group_tests_name("logql", tests, NULL, NULL);
}
