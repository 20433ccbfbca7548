/* Unit tests of dashboards: the shipped ICN Overview, panel YAML errors, thresholds and reductions. */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/panels.h"
#include "core/xalloc.h"

static char *overview_path(void)
{
	const char *top = getenv("ICN_CONSOLE_DATADIR");
	if (!top || !*top)
		top = getenv("top_srcdir");
	return xasprintf("%s/panels/icn-overview.yaml", top && *top ? top : ".");
}

static void assert_threshold(const threshold_t *t, int set, cmp_op_t op, double v)
{
	assert_int_equal(t->set, set);
	if (set) {
		assert_int_equal(t->op, op);
		assert_true(t->value == v);
	}
}

/* The ICN Overview of ICN.md, with the corrected PromQL, in its order. */
static void test_icn_overview(void **state)
{
	static const struct {
		const char *title, *query;
		panel_type_t type;
		unit_kind_t unit;
		const char *suffix;
		reduce_t reduce;
		const char *legend;
	} want[] = {
		{ "Time since last block", "time() - substrate_block_timestamp", PANEL_STAT,
		  UNIT_SECONDS, "", REDUCE_MAX, NULL },
		{ "Block production rate", "rate(substrate_block_height[5m])", PANEL_STAT, UNIT_RATE,
		  "blocks/s", REDUCE_LAST, NULL },
		{ "BFT failures (5m)", "increase(icn_bft_failures_total[5m])", PANEL_STAT, UNIT_COUNT,
		  "", REDUCE_MAX, "node" },
		{ "P2P connected peers", "icn_p2p_connected_peers", PANEL_STAT, UNIT_NONE, "peers",
		  REDUCE_MIN, "node" },
		{ "Vortex VRAM", "icn_vortex_vram_usage_bytes", PANEL_GAUGE, UNIT_BYTES, "", REDUCE_MAX,
		  "node" },
		{ "Vortex generation P99",
		  "histogram_quantile(0.99, sum by (le) "
		  "(rate(icn_vortex_generation_time_seconds_bucket[5m])))",
		  PANEL_GRAPH, UNIT_SECONDS, "", REDUCE_LAST, NULL },
		{ "BFT round P99",
		  "histogram_quantile(0.99, sum by (le) (rate(icn_bft_round_duration_seconds_bucket[5m])))",
		  PANEL_GRAPH, UNIT_SECONDS, "", REDUCE_LAST, NULL },
		{ "Stake by region", "sum by (region) (icn_staked_amount)", PANEL_BARS, UNIT_COUNT, "",
		  REDUCE_LAST, "region" },
		{ "Slashing events (24h)", "increase(icn_slashing_events_total[24h])", PANEL_STAT,
		  UNIT_COUNT, "", REDUCE_SUM, NULL },
	};
	char *path = overview_path();
	char err[512] = "";
	dashboard_t d;
	(void)state;

	if (dashboard_load_file(path, &d, err, sizeof err))
		fail_msg("%s", err);
	assert_string_equal(d.title, "ICN Overview");
	assert_string_equal(d.path, path);
	assert_int_equal(d.n_panels, 9);
	for (size_t i = 0; i < 9; i++) {
		const panel_def_t *p = &d.panels[i];
		assert_string_equal(p->title, want[i].title);
		assert_string_equal(p->query, want[i].query);
		assert_int_equal(p->type, want[i].type);
		assert_int_equal(p->unit.kind, want[i].unit);
		assert_string_equal(p->unit.suffix, want[i].suffix);
		assert_int_equal(p->reduce, want[i].reduce);
		if (want[i].legend)
			assert_string_equal(p->legend, want[i].legend);
		else
			assert_null(p->legend);
		assert_non_null(p->description);
		assert_true(strlen(p->description) > 20);
		assert_null(strchr(p->description, '\n'));
		assert_int_equal(p->width, 1);
		/* L's fallback: a stream selector (the stake bars name regions, no stream) */
		if (strcmp(p->title, "Stake by region") != 0) {
			assert_non_null(p->logs);
			assert_true(p->logs[0] == '{' && strstr(p->logs, "app"));
		}
		/* Every query stays clear of the uncorrected Grafana form. */
		if (strstr(p->query, "histogram_quantile"))
			assert_non_null(strstr(p->query, "rate("));
	}
	assert_threshold(&d.panels[1].crit, 1, CMP_LE, 0);
	assert_threshold(&d.panels[1].warn, 1, CMP_LT, 0.1);
	assert_threshold(&d.panels[3].warn, 1, CMP_LE, 10);
	assert_threshold(&d.panels[3].crit, 1, CMP_LT, 5);
	assert_threshold(&d.panels[4].warn, 1, CMP_GT, 11e9);
	assert_threshold(&d.panels[4].crit, 1, CMP_GT, 11.5e9);
	assert_true(d.panels[4].max == 12e9);
	assert_threshold(&d.panels[5].warn, 1, CMP_GT, 12);
	assert_threshold(&d.panels[5].crit, 1, CMP_GE, 15);
	assert_threshold(&d.panels[6].warn, 1, CMP_GT, 7);
	assert_threshold(&d.panels[6].crit, 1, CMP_GE, 10);
	assert_threshold(&d.panels[7].warn, 1, CMP_GT, 0.22);
	assert_threshold(&d.panels[7].crit, 1, CMP_GT, 0.25);
	assert_threshold(&d.panels[8].warn, 0, CMP_GT, 0);
	assert_threshold(&d.panels[8].crit, 1, CMP_GT, 0);

	/* the two signals with an alert and, before, no panel (ICN.md) */
	assert_threshold(&d.panels[0].crit, 1, CMP_GT, 60);
	assert_threshold(&d.panels[0].warn, 0, CMP_GT, 0);
	assert_threshold(&d.panels[2].crit, 1, CMP_GT, 0);

	/* What the thresholds say about real readings. */
	assert_int_equal(panel_eval(&d.panels[0], 6), PSTATE_OK);
	assert_int_equal(panel_eval(&d.panels[0], 61), PSTATE_CRIT);
	assert_int_equal(panel_eval(&d.panels[2], 0), PSTATE_OK);
	assert_int_equal(panel_eval(&d.panels[2], 1), PSTATE_CRIT);
	assert_int_equal(panel_eval(&d.panels[1], 1.0 / 6), PSTATE_OK);
	assert_int_equal(panel_eval(&d.panels[1], 0.05), PSTATE_WARN);
	assert_int_equal(panel_eval(&d.panels[1], 0), PSTATE_CRIT);
	assert_int_equal(panel_eval(&d.panels[3], 25), PSTATE_OK);
	assert_int_equal(panel_eval(&d.panels[3], 10), PSTATE_WARN);
	assert_int_equal(panel_eval(&d.panels[3], 4), PSTATE_CRIT);
	assert_int_equal(panel_eval(&d.panels[4], 8e9), PSTATE_OK);
	assert_int_equal(panel_eval(&d.panels[4], 11.2e9), PSTATE_WARN);
	assert_int_equal(panel_eval(&d.panels[4], 11.6e9), PSTATE_CRIT);
	assert_int_equal(panel_eval(&d.panels[5], 15), PSTATE_CRIT);
	assert_int_equal(panel_eval(&d.panels[6], 9.9), PSTATE_WARN);
	assert_int_equal(panel_eval(&d.panels[7], 0.30), PSTATE_CRIT);
	assert_int_equal(panel_eval(&d.panels[8], 0), PSTATE_OK);
	assert_int_equal(panel_eval(&d.panels[8], 1), PSTATE_CRIT);
	assert_int_equal(panel_eval(&d.panels[8], NAN), PSTATE_OK);
	dashboard_free(&d);
	assert_null(d.panels);
	free(path);
}

static void test_threshold_parse(void **state)
{
	static const struct {
		const char *in;
		cmp_op_t op;
		double v;
	} ok[] = {
		{ "> 11.5e9", CMP_GT, 11.5e9 }, { ">=15", CMP_GE, 15 },  { "< 0.1", CMP_LT, 0.1 },
		{ "<= 0", CMP_LE, 0 },          { "== 1", CMP_EQ, 1 },   { "!= -2.5", CMP_NE, -2.5 },
		{ "  >  3  ", CMP_GT, 3 },      { "<-1", CMP_LT, -1 },   { "> .5", CMP_GT, 0.5 },
		{ ">\t1e-3", CMP_GT, 1e-3 },
	};
	static const char *const bad[] = {
		"", "11", "> ", ">", "=> 1", "= 1", "> 1 2", "> abc", "> nan", "> inf",
		"> 0x10", "> 1e999", ">> 1", "! 1", "> 1,5", "<>1",
	};
	threshold_t t;
	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		memset(&t, 0, sizeof t);
		if (threshold_parse(ok[i].in, &t))
			fail_msg("'%s' refused", ok[i].in);
		assert_int_equal(t.set, 1);
		assert_int_equal(t.op, ok[i].op);
		assert_true(t.value == ok[i].v);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (threshold_parse(bad[i], &t) != -1)
			fail_msg("'%s' accepted", bad[i]);
	assert_int_equal(threshold_parse(NULL, &t), -1);
}

static void test_threshold_match(void **state)
{
	threshold_t t;
	(void)state;
	assert_int_equal(threshold_parse("> 10", &t), 0);
	assert_int_equal(threshold_match(&t, 10.5), 1);
	assert_int_equal(threshold_match(&t, 10), 0);
	assert_int_equal(threshold_match(&t, NAN), 0);
	assert_int_equal(threshold_match(&t, INFINITY), 1);
	assert_int_equal(threshold_parse(">= 10", &t), 0);
	assert_int_equal(threshold_match(&t, 10), 1);
	assert_int_equal(threshold_parse("< 10", &t), 0);
	assert_int_equal(threshold_match(&t, -INFINITY), 1);
	assert_int_equal(threshold_match(&t, 10), 0);
	assert_int_equal(threshold_parse("<= 10", &t), 0);
	assert_int_equal(threshold_match(&t, 10), 1);
	assert_int_equal(threshold_parse("== 0", &t), 0);
	assert_int_equal(threshold_match(&t, 0), 1);
	assert_int_equal(threshold_match(&t, 1), 0);
	assert_int_equal(threshold_parse("!= 0", &t), 0);
	assert_int_equal(threshold_match(&t, 1), 1);
	assert_int_equal(threshold_match(&t, NAN), 0);
	t.set = 0;
	assert_int_equal(threshold_match(&t, 1), 0);
	assert_int_equal(threshold_match(NULL, 1), 0);

	/* Both breached: crit wins. */
	panel_def_t p = { 0 };
	assert_int_equal(threshold_parse("> 1", &p.warn), 0);
	assert_int_equal(threshold_parse("> 2", &p.crit), 0);
	assert_int_equal(panel_eval(&p, 3), PSTATE_CRIT);
	assert_int_equal(panel_eval(&p, 1.5), PSTATE_WARN);
	assert_int_equal(panel_eval(&p, 0), PSTATE_OK);
}

static void test_reduce(void **state)
{
	const double v[] = { 3, NAN, -1, 7, 2 };
	const double one[] = { 5 }, nan1[] = { NAN }, nans[] = { NAN, NAN };
	(void)state;
	assert_true(reduce_values(REDUCE_MIN, v, 5) == -1);
	assert_true(reduce_values(REDUCE_MAX, v, 5) == 7);
	assert_true(reduce_values(REDUCE_SUM, v, 5) == 11);
	assert_true(reduce_values(REDUCE_AVG, v, 5) == 11.0 / 4);
	/* last: the one series' value; with several, the max */
	assert_true(reduce_values(REDUCE_LAST, one, 1) == 5);
	assert_true(reduce_values(REDUCE_LAST, v, 5) == 7);
	assert_true(isnan(reduce_values(REDUCE_LAST, nan1, 1)));
	for (reduce_t r = REDUCE_LAST; r <= REDUCE_AVG; r++) {
		assert_true(isnan(reduce_values(r, nans, 2)));
		assert_true(isnan(reduce_values(r, NULL, 0)));
	}
	assert_true(reduce_values(REDUCE_SUM, (const double[]){ INFINITY, 1 }, 2) == INFINITY);
}

static void test_names(void **state)
{
	(void)state;
	for (int t = 0; t < PANEL__COUNT; t++)
		assert_int_equal(panel_type_parse(panel_type_name(t)), t);
	assert_string_equal(panel_type_name(PANEL_GAUGE), "gauge");
	assert_int_equal(panel_type_parse("pie"), -1);
	assert_int_equal(panel_type_parse(NULL), -1);
	assert_string_equal(pstate_name(PSTATE_OK), "ok");
	assert_string_equal(pstate_name(PSTATE_WARN), "warn");
	assert_string_equal(pstate_name(PSTATE_CRIT), "crit");
	assert_string_equal(pstate_name(PSTATE_STALE), "stale");
	assert_string_equal(pstate_name(PSTATE_ERROR), "error");
}

static void test_good_dashboard(void **state)
{
	static const char yaml[] =
		"panels:\n"
		"  - title: Up\n"
		"    type: graph\n"
		"    query: up\n"
		"    width: 2\n"
		"    thresholds: { warn: \"< 1\" }\n"
		"  - { title: Load, type: bars, query: 'sum by (x) (y)', unit: percent, reduce: avg,"
		" legend: x, max: 1 }\n";
	char err[256] = "";
	dashboard_t d;
	(void)state;
	assert_int_equal(dashboard_load_string("panels/mine.yaml", yaml, sizeof yaml - 1, &d, err,
					       sizeof err), 0);
	assert_string_equal(d.title, "mine"); /* from the name when the file has none */
	assert_int_equal(d.n_panels, 2);
	assert_int_equal(d.panels[0].width, 2);
	assert_int_equal(d.panels[0].unit.kind, UNIT_NONE);
	assert_int_equal(d.panels[0].reduce, REDUCE_LAST);
	assert_threshold(&d.panels[0].warn, 1, CMP_LT, 1);
	assert_threshold(&d.panels[0].crit, 0, CMP_GT, 0);
	assert_null(d.panels[0].description);
	assert_string_equal(d.panels[1].query, "sum by (x) (y)");
	assert_int_equal(d.panels[1].unit.kind, UNIT_PERCENT);
	assert_int_equal(d.panels[1].reduce, REDUCE_AVG);
	assert_true(d.panels[1].max == 1);
	dashboard_free(&d);

	assert_int_equal(dashboard_load_string("empty.yaml", "# nothing\n", 10, &d, err, sizeof err), 0);
	assert_int_equal(d.n_panels, 0);
	assert_string_equal(d.title, "empty");
	dashboard_free(&d);
}

static void test_bad_dashboards(void **state)
{
	static const struct {
		const char *yaml;
		const char *want;
	} cases[] = {
		{ "panels:\n  - title: A\n    type: pie\n    query: up\n",
		  "p.yaml:3:11: unknown panel type 'pie' (expected one of: stat, graph, gauge, bars)" },
		{ "panels:\n  - title: A\n    query: up\n", "p.yaml:2:5: missing type in panel 'A'" },
		{ "panels:\n  - type: stat\n    query: up\n", "p.yaml:2:5: missing title in panel" },
		{ "panels:\n  - title: A\n    type: stat\n", "p.yaml:2:5: missing query in panel" },
		{ "panels:\n  - title: A\n    type: stat\n    query: \"\"\n",
		  "p.yaml:4:12: missing query in panel" },
		{ "panels:\n  - title: A\n    type: stat\n    query: up\n    colour: red\n",
		  "p.yaml:5:5: unknown key 'colour' in panel (expected one of: title, type, query, unit, "
		  "reduce, max, thresholds, legend, description, logs, width)" },
		{ "panels:\n  - title: A\n    type: stat\n    query: up\n    thresholds: { warn: \"11\" }\n",
		  "p.yaml:5:25: invalid warn threshold '11' (expected OP NUMBER, e.g. \"> 11.5e9\", OP one "
		  "of > >= < <= == !=)" },
		{ "panels:\n  - title: A\n    type: stat\n    query: up\n    thresholds: { bad: \"> 1\" }\n",
		  "p.yaml:5:19: unknown key 'bad' in thresholds (expected one of: warn, crit)" },
		{ "panels:\n  - title: A\n    type: stat\n    query: up\n    thresholds: \"> 1\"\n",
		  "p.yaml:5:17: expected a mapping" },
		{ "panels:\n  - title: A\n    type: stat\n    query: up\n    thresholds: { crit: [1] }\n",
		  "p.yaml:5:25: expected a string for crit" },
		{ "panels:\n  - title: A\n    type: gauge\n    query: up\n    max: lots\n",
		  "p.yaml:5:10: expected a number, got 'lots'" },
		{ "panels:\n  - title: A\n    type: gauge\n    query: up\n    max: .nan\n",
		  "p.yaml:5:10: expected a number, got '.nan'" },
		{ "panels:\n  - title: A\n    type: gauge\n    query: up\n    max: -5\n",
		  "p.yaml:5:10: max must be greater than 0" },
		{ "panels:\n  - title: A\n    type: gauge\n    query: up\n    width: 3\n",
		  "p.yaml:5:12: width must be 1 or 2" },
		{ "panels:\n  - title: A\n    type: gauge\n    query: up\n    reduce: median\n",
		  "p.yaml:5:13: unknown reduce 'median' (expected one of: last, min, max, sum, avg)" },
		{ "panels:\n  - title: A\n    type: gauge\n    query: up\n    unit: \"\"\n",
		  "p.yaml:5:11: invalid unit '' (expected bytes, seconds, percent, rate, count, none, "
		  "rate:<label> or a label of at most 23 characters)" },
		{ "panels:\n  - title: A\n    type: gauge\n    query: up\n    unit: [bytes]\n",
		  "p.yaml:5:11: expected a string for unit" },
		{ "panels:\n  - title: A\n    type: [stat]\n    query: up\n",
		  "p.yaml:3:11: expected a string for panel type" },
		{ "panels:\n  - title: [A]\n    type: stat\n    query: up\n", "p.yaml:2:12: expected a string" },
		{ "panels:\n  - title: A\n    type: stat\n    query: up\n    legend: {a: b}\n",
		  "p.yaml:5:13: expected a string" },
		{ "panels:\n  - just a string\n", "p.yaml:2:5: expected a mapping (a panel)" },
		{ "panels:\n  -\n", "p.yaml:2:4: expected a mapping (a panel)" },
		{ "panels: {a: b}\n", "p.yaml:1:9: expected a list of panels" },
		{ "title: X\npanel: []\n", "p.yaml:2:1: unknown key 'panel' (expected one of: title, panels)" },
		{ "title: X\ntitle: Y\n", "p.yaml:2:1: duplicate key 'title' (first at line 1)" },
		{ "panels:\n- title: A\n  type: stat\n   query: up\n",
		  "p.yaml:4:9: mapping values are not allowed in this context" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char err[512] = "";
		dashboard_t d;
		if (dashboard_load_string("p.yaml", cases[i].yaml, strlen(cases[i].yaml), &d, err,
					  sizeof err) != -1)
			fail_msg("case %zu accepted", i);
		if (strcmp(err, cases[i].want))
			fail_msg("case %zu:\n got: %s\nwant: %s", i, err, cases[i].want);
		assert_null(d.panels);
		assert_int_equal(d.n_panels, 0);
	}
	{
		char err[256] = "";
		dashboard_t d;
		assert_int_equal(dashboard_load_file("/nonexistent/p.yaml", &d, err, sizeof err), -1);
		assert_string_equal(err, "/nonexistent/p.yaml: No such file or directory");
	}
}

/* Worst first against the panel's thresholds, ties by name: rows never trade places. */
static void test_sort_worst(void **state)
{
	(void)state;
	panel_def_t vram = { 0 };
	threshold_parse("> 11e9", &vram.warn);
	threshold_parse("> 11.5e9", &vram.crit);
	/* director-5 over the line comes first, then the rest by how full */
	const double v[] = { 8e9, 9e9, 7e9, 11.2e9, 11.8e9, NAN, 9e9 };
	const char *const nm[] = { "director-1", "director-3", "director-2", "director-4",
				   "director-5", "director-6", "director-0" };
	size_t order[7];
	panel_sort_worst(&vram, v, nm, 7, order);
	const size_t want[] = { 4, 3, 6, 1, 0, 2, 5 }; /* crit, warn, 9e9 by name, ..., NaN last */
	for (size_t i = 0; i < 7; i++)
		if (order[i] != want[i])
			fail_msg("row %zu: %s, want %s", i, nm[order[i]], nm[want[i]]);

	/* "less is worse": the fewest peers first */
	panel_def_t peers = { 0 };
	threshold_parse("<= 10", &peers.warn);
	threshold_parse("< 5", &peers.crit);
	const double pv[] = { 30, 4, 12, 8 };
	const char *const pn[] = { "a", "b", "c", "d" };
	panel_sort_worst(&peers, pv, pn, 4, order);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 3);
	assert_int_equal(order[2], 2);
	assert_int_equal(order[3], 0);

	/* equal values: by name whatever order they come in (a refresh reorders the vector) */
	const double eq[] = { 1, 1, 1 };
	const char *const n1[] = { "z", "a", "m" };
	panel_sort_worst(&peers, eq, n1, 3, order);
	assert_int_equal(order[0], 1);
	assert_int_equal(order[1], 2);
	assert_int_equal(order[2], 0);
	assert_true(panel_cmp_worst(&vram, 1, "a", 1, "b") < 0);
	assert_true(panel_cmp_worst(&vram, 12e9, "b", 1, "a") < 0);
	assert_true(panel_cmp_worst(&vram, NAN, "a", 0, "b") > 0);
	panel_sort_worst(&vram, NULL, NULL, 0, order); /* nothing to sort */
}

/* The headline names the series its value came from, and nobody when all agree. */
static void test_headline_index(void **state)
{
	(void)state;
	panel_def_t vram = { .type = PANEL_GAUGE, .reduce = REDUCE_MAX };
	threshold_parse("> 11.5e9", &vram.crit);
	const double v[] = { 8e9, 9e9, 11.8e9, 7e9 };
	const char *const nm[] = { "director-1", "director-2", "director-5", "director-3" };
	size_t order[4];
	panel_sort_worst(&vram, v, nm, 4, order);
	assert_int_equal(panel_headline_index(&vram, 11.8e9, v, order, 4, 0), 2);
	assert_int_equal(panel_headline_index(&vram, 11.8e9, v, order, 1, 0), -1); /* one series */
	assert_int_equal(panel_headline_index(&vram, NAN, v, order, 4, 0), -1);

	/* no failures anywhere: 0 everywhere names nobody */
	panel_def_t bft = { .type = PANEL_STAT, .reduce = REDUCE_MAX };
	threshold_parse("> 0", &bft.crit);
	const double zero[] = { 0, 0, 0 };
	const char *const dn[] = { "d1", "d2", "d3" };
	panel_sort_worst(&bft, zero, dn, 3, order);
	assert_int_equal(panel_headline_index(&bft, 0, zero, order, 3, 0), -1);
	/* two tied for worst: the first by name */
	const double two[] = { 0, 3, 3 };
	const char *const tn[] = { "d1", "d3", "d2" };
	panel_sort_worst(&bft, two, tn, 3, order);
	assert_int_equal(panel_headline_index(&bft, 3, two, order, 3, 0), 2);
	/* a sum came from every series */
	bft.reduce = REDUCE_SUM;
	assert_int_equal(panel_headline_index(&bft, 3, two, order, 3, 0), -1);

	/* bars: the largest share */
	panel_def_t stake = { .type = PANEL_BARS, .reduce = REDUCE_LAST };
	threshold_parse("> 0.25", &stake.crit);
	const double sh[] = { 0.15, 0.40, 0.15, 0.30 };
	const char *const rn[] = { "eu-west", "apac", "na-east", "na-west" };
	panel_sort_worst(&stake, sh, rn, 4, order);
	assert_int_equal(order[0], 1);
	assert_int_equal(panel_headline_index(&stake, 0.40, sh, order, 4, 0), 1);
}

static void expect_state_text(pstate_t s, int stale, double age, int ascii, int maxw, const char *want)
{
	char *t = panel_state_text(s, stale, age, ascii, maxw);
	if (!want) {
		if (t)
			fail_msg("got '%s', want nothing", t);
		return;
	}
	if (!t || strcmp(t, want))
		fail_msg("got '%s', want '%s'", t ? t : "(null)", want);
	free(t);
}

/* Red stays red: the last state, marked stale with its age; no data is not "stale". */
static void test_state_text(void **state)
{
	(void)state;
	expect_state_text(PSTATE_CRIT, 1, 40.2, 0, 40, "CRIT \xc2\xb7 stale 40s");
	expect_state_text(PSTATE_CRIT, 1, 40.2, 1, 40, "CRIT - stale 40s");
	expect_state_text(PSTATE_CRIT, 1, 40.2, 0, 16, "CRIT \xc2\xb7 stale 40s"); /* 16 columns */
	expect_state_text(PSTATE_CRIT, 1, 40.2, 0, 15, "CRIT stale");
	expect_state_text(PSTATE_CRIT, 1, 40.2, 0, 4, "CRIT");
	expect_state_text(PSTATE_WARN, 1, 125, 0, 40, "WARN \xc2\xb7 stale 2m");
	expect_state_text(PSTATE_OK, 1, 7, 1, 40, "OK - stale 7s");
	expect_state_text(PSTATE_CRIT, 0, 0, 0, 40, "CRIT");
	expect_state_text(PSTATE_OK, 0, 0, 0, 40, NULL);
	expect_state_text(PSTATE_STALE, 0, 0, 0, 40, "NO DATA");
	expect_state_text(PSTATE_ERROR, 0, 0, 0, 40, "ERROR");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_icn_overview),
		cmocka_unit_test(test_threshold_parse),
		cmocka_unit_test(test_threshold_match),
		cmocka_unit_test(test_reduce),
		cmocka_unit_test(test_sort_worst),
		cmocka_unit_test(test_state_text),
		cmocka_unit_test(test_headline_index),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_good_dashboard),
		cmocka_unit_test(test_bad_dashboards),
	};
	return cmocka_run_group_tests_name("panels", tests, NULL, NULL);
}
