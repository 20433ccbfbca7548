/* Unit tests of the Alerts view's model: grouping, a stable total order, filters, ages, row labels. */
#include "config.h"
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model/alertlist.h"
#include "core/xalloc.h"
#include "fixture.h"

/* Add an alert: labels as "name=value name=value". */
static am_alert_t *add(am_alerts_t *as, const char *fp, am_state_t st, double start,
		       const char *labels, const char *summary)
{
	as->v = xrealloc(as->v, (as->n + 1) * sizeof *as->v);
	am_alert_t *a = &as->v[as->n++];
	memset(a, 0, sizeof *a);
	a->fingerprint = xstrdup(fp);
	a->state = st;
	a->starts_at = start;
	char *copy = xstrdup(labels), *save = NULL;
	for (char *w = strtok_r(copy, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
		char *eq = strchr(w, '=');
		assert_non_null(eq);
		*eq = '\0';
		labels_add(&a->labels, w, eq + 1);
	}
	free(copy);
	if (summary)
		labels_add(&a->annotations, "summary", summary);
	return a;
}

/* One line per displayed alert, for comparing two lists. */
static char *describe_order(const alertlist_t *l)
{
	strbuf_t b;
	sb_init(&b);
	for (size_t k = 0; k < l->n_order; k++) {
		const am_alert_t *a = &l->all.v[l->order[k]];
		char *ls = labels_format(&a->labels);
		sb_printf(&b, "%s %s %s %.3f\n", a->fingerprint, am_state_name(a->state), ls,
			  a->starts_at);
		free(ls);
	}
	for (size_t r = 0; r < l->n_rows; r++) {
		const alertlist_row_t *row = &l->rows[r];
		if (row->is_group)
			sb_printf(&b, "group %s/%s %zu+%zu %zu\n", severity_name(row->sev),
				  row->alertname, row->first, row->count, row->n_firing);
		else
			sb_printf(&b, "row %s\n", l->all.v[row->alert].fingerprint);
	}
	return sb_steal(&b);
}

static void test_severity(void **state)
{
	(void)state;
	static const struct {
		const char *v;
		severity_t want;
	} cases[] = { { "critical", SEV_CRITICAL }, { "CRITICAL", SEV_CRITICAL },
		      { "Warning", SEV_WARNING },   { "info", SEV_INFO },
		      { "page", SEV_OTHER },        { "", SEV_OTHER },
		      { "critical ", SEV_OTHER },   { "crit", SEV_OTHER } };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		labels_t l = { 0 };
		labels_add(&l, "severity", cases[i].v);
		if (alertlist_severity(&l) != cases[i].want)
			fail_msg("severity \"%s\"", cases[i].v);
		labels_free(&l);
	}
	labels_t none = { 0 };
	assert_int_equal(alertlist_severity(&none), SEV_OTHER);
	assert_string_equal(severity_name(SEV_CRITICAL), "critical");
	assert_string_equal(severity_name(SEV_WARNING), "warning");
	assert_string_equal(severity_name(SEV_INFO), "info");
	assert_string_equal(severity_name(SEV_OTHER), "other");
}

static void test_order_and_rows(void **state)
{
	(void)state;
	am_alerts_t am = { 0 }, pend = { 0 };
	add(&am, "f1", AM_STATE_FIRING, 300, "alertname=DiskFull severity=warning", NULL);
	add(&am, "f2", AM_STATE_SILENCED, 100, "alertname=VortexOOM severity=critical node=a", NULL);
	add(&am, "f3", AM_STATE_FIRING, 200, "alertname=VortexOOM severity=critical node=b", NULL);
	add(&am, "f4", AM_STATE_FIRING, 150, "alertname=VortexOOM severity=critical node=c", NULL);
	add(&am, "f5", AM_STATE_FIRING, 500, "alertname=AAA severity=critical", NULL);
	add(&am, "f6", AM_STATE_FIRING, 1, "alertname=Info severity=info", NULL);
	add(&am, "f7", AM_STATE_FIRING, 1, "alertname=Other severity=page", NULL);
	add(&am, "f8", AM_STATE_INHIBITED, 1, "alertname=Zed", NULL);
	add(&am, "f9", AM_STATE_INHIBITED, 50, "alertname=VortexOOM severity=Critical node=d", NULL);
	add(&am, "fa", AM_STATE_UNPROCESSED, 10, "alertname=VortexOOM severity=critical node=e", NULL);
	add(&pend, "", AM_STATE_PENDING, 120, "alertname=VortexOOM severity=critical node=x", NULL);
	/* the same labels as f1 and f2: they have fired since, Alertmanager's copy wins */
	add(&pend, "", AM_STATE_PENDING, 5, "alertname=DiskFull severity=warning", NULL);
	add(&pend, "", AM_STATE_PENDING, 5, "alertname=VortexOOM severity=critical node=a", NULL);

	alertlist_t l;
	alertlist_build(&l, &am, &pend, NULL);
	assert_null(am.v);
	assert_int_equal(am.n, 0);
	assert_null(pend.v);
	assert_int_equal(pend.n, 0);
	assert_int_equal(l.all.n, 11);
	assert_int_equal(l.n_order, 11);
	assert_int_equal(l.n_firing, 6);

	static const char *const want[] = { "f5", "f4", "f3", "", "fa", "f9",
					    "f2", "f1", "f6", "f7", "f8" };
	for (size_t k = 0; k < 11; k++)
		assert_string_equal(l.all.v[l.order[k]].fingerprint, want[k]);
	assert_string_equal(labels_get(&l.all.v[l.order[3]].labels, "node"), "x");

	/* rows: a header before each group's alerts */
	assert_int_equal(l.n_rows, 6 + 11);
	static const struct {
		const char *name;
		severity_t sev;
		size_t first, count, firing;
	} groups[] = { { "AAA", SEV_CRITICAL, 0, 1, 1 },  { "VortexOOM", SEV_CRITICAL, 1, 6, 2 },
		       { "DiskFull", SEV_WARNING, 7, 1, 1 }, { "Info", SEV_INFO, 8, 1, 1 },
		       { "Other", SEV_OTHER, 9, 1, 1 },     { "Zed", SEV_OTHER, 10, 1, 0 } };
	size_t r = 0;
	for (size_t g = 0; g < 6; g++) {
		const alertlist_row_t *h = &l.rows[r++];
		assert_true(h->is_group);
		assert_string_equal(h->alertname, groups[g].name);
		assert_int_equal(h->sev, groups[g].sev);
		assert_int_equal(h->first, groups[g].first);
		assert_int_equal(h->count, groups[g].count);
		assert_int_equal(h->n_firing, groups[g].firing);
		for (size_t k = 0; k < h->count; k++) {
			const alertlist_row_t *a = &l.rows[r++];
			assert_false(a->is_group);
			assert_int_equal(a->alert, l.order[h->first + k]);
			assert_int_equal(a->sev, h->sev);
			assert_string_equal(a->alertname, h->alertname);
		}
	}
	assert_int_equal(r, l.n_rows);
	alertlist_free(&l);
	assert_null(l.all.v);
	assert_null(l.rows);
}

/* Equal on everything the eye sees: fingerprint, then labels, decide. */
static void test_ties(void **state)
{
	(void)state;
	am_alerts_t am = { 0 }, pend = { 0 };
	add(&am, "fb", AM_STATE_FIRING, 100, "alertname=A severity=critical node=1", NULL);
	add(&am, "fa", AM_STATE_FIRING, 100, "alertname=A severity=critical node=2", NULL);
	add(&am, "f0", AM_STATE_FIRING, 0, "alertname=A severity=critical node=0", NULL);
	add(&pend, "", AM_STATE_PENDING, 100, "alertname=A severity=critical node=b", NULL);
	add(&pend, "", AM_STATE_PENDING, 100, "alertname=A severity=critical node=a", NULL);
	add(&pend, "", AM_STATE_PENDING, 100, "alertname=A severity=critical", NULL);
	alertlist_t l;
	alertlist_build(&l, &am, &pend, "");
	assert_int_equal(l.n_order, 6);
	/* an unknown start (0) goes after the known ones */
	static const char *const fps[] = { "fa", "fb", "f0" };
	for (size_t k = 0; k < 3; k++)
		assert_string_equal(l.all.v[l.order[k]].fingerprint, fps[k]);
	/* labels compared as sorted (name, value) lists */
	assert_string_equal(labels_get(&l.all.v[l.order[3]].labels, "node"), "a");
	assert_string_equal(labels_get(&l.all.v[l.order[4]].labels, "node"), "b");
	assert_null(labels_get(&l.all.v[l.order[5]].labels, "node")); /* "node" < "severity" */
	alertlist_free(&l);
}

/* A small deterministic generator, so a failure reproduces. */
static uint32_t rnd(uint32_t *s)
{
	*s = *s * 1664525u + 1013904223u;
	return *s >> 8;
}

static void make_many(am_alerts_t *am, am_alerts_t *pend)
{
	static const am_state_t states[] = { AM_STATE_FIRING, AM_STATE_SILENCED,
					     AM_STATE_INHIBITED, AM_STATE_UNPROCESSED };
	static const char *const sev[] = { "critical", "warning", "info", "none" };
	uint32_t s = 7;
	for (int i = 0; i < 80; i++) {
		char fp[32], labels[128];
		snprintf(fp, sizeof fp, "%016x", (unsigned)(rnd(&s) % 1000) * 7919u);
		snprintf(labels, sizeof labels, "alertname=%c severity=%s instance=i%u", 'A' + i % 3,
			 sev[rnd(&s) % 4], rnd(&s) % 5);
		/* many equal starts: ties everywhere */
		am_alert_t *a = add(am, fp, states[rnd(&s) % 4], (rnd(&s) % 3) * 100.0, labels, NULL);
		a->updated_at = (rnd(&s) % 2) * 50.0; /* replicas' copies, some updated alike */
	}
	for (int i = 0; i < 20; i++) {
		char labels[128];
		snprintf(labels, sizeof labels, "alertname=%c severity=%s instance=p%u", 'A' + i % 3,
			 sev[rnd(&s) % 4], rnd(&s) % 4);
		add(pend, "", AM_STATE_PENDING, (rnd(&s) % 2) * 100.0, labels, NULL);
	}
}

static void shuffle(am_alerts_t *a, uint32_t seed)
{
	for (size_t i = a->n; i > 1; i--) {
		size_t j = rnd(&seed) % i;
		am_alert_t t = a->v[i - 1];
		a->v[i - 1] = a->v[j];
		a->v[j] = t;
	}
}

static void test_stable_between_refreshes(void **state)
{
	(void)state;
	am_alerts_t am = { 0 }, pend = { 0 };
	make_many(&am, &pend);
	alertlist_t ref;
	alertlist_build(&ref, &am, &pend, NULL);
	char *want = describe_order(&ref);
	assert_true(ref.n_order > 50);
	for (uint32_t seed = 1; seed <= 8; seed++) {
		am_alerts_t am2 = { 0 }, pend2 = { 0 };
		make_many(&am2, &pend2);
		shuffle(&am2, seed);
		shuffle(&pend2, seed * 31);
		alertlist_t l;
		alertlist_build(&l, &am2, &pend2, NULL);
		char *got = describe_order(&l);
		if (strcmp(got, want) != 0)
			fail_msg("order differs after shuffle %u:\n%s\nvs\n%s", seed, got, want);
		assert_int_equal(l.n_firing, ref.n_firing);
		free(got);
		alertlist_free(&l);
	}
	free(want);
	alertlist_free(&ref);
}

/* Two Alertmanager replicas' answers, concatenated: each alert once. */
static void test_replicas_and_firing_count(void **state)
{
	(void)state;
	am_alerts_t am = { 0 };
	add(&am, "x", AM_STATE_FIRING, 10, "alertname=X", NULL);
	add(&am, "y", AM_STATE_FIRING, 10, "alertname=Y", NULL);
	add(&am, "z", AM_STATE_SILENCED, 10, "alertname=Z", NULL)->updated_at = 20;
	add(&am, "v", AM_STATE_SILENCED, 10, "alertname=V", NULL)->updated_at = 10;
	add(&am, "x", AM_STATE_FIRING, 10, "alertname=X", NULL);
	/* a replica that has not heard of the silence yet: older news */
	add(&am, "z", AM_STATE_FIRING, 10, "alertname=Z", NULL)->updated_at = 15;
	/* a silence expired since the other replica answered */
	add(&am, "v", AM_STATE_FIRING, 10, "alertname=V", NULL)->updated_at = 30;
	add(&am, "", AM_STATE_FIRING, 10, "alertname=W", NULL);
	alertlist_t l;
	alertlist_build(&l, &am, NULL, "alertname=Nothing");
	assert_int_equal(l.all.n, 8);
	assert_int_equal(l.n_order, 0);
	assert_int_equal(l.n_rows, 0);
	/* v, x, y and the one without a fingerprint; z is silenced */
	assert_int_equal(l.n_firing, 4);
	alertlist_refilter(&l, NULL);
	assert_int_equal(l.n_firing, 4);
	assert_int_equal(l.n_order, 5); /* V, W, X, Y, Z: one copy of each */
	static const char *const fps[] = { "v", "", "x", "y", "z" };
	static const am_state_t st[] = { AM_STATE_FIRING, AM_STATE_FIRING, AM_STATE_FIRING,
					 AM_STATE_FIRING, AM_STATE_SILENCED };
	for (size_t k = 0; k < 5; k++) {
		assert_string_equal(l.all.v[l.order[k]].fingerprint, fps[k]);
		assert_int_equal(l.all.v[l.order[k]].state, st[k]);
	}
	alertlist_free(&l);

	alertlist_build(&l, NULL, NULL, NULL);
	assert_int_equal(l.n_order, 0);
	assert_int_equal(l.n_rows, 0);
	assert_int_equal(l.n_firing, 0);
	alertlist_free(&l);
}

static void test_filter(void **state)
{
	(void)state;
	am_alerts_t as = { 0 };
	am_alert_t *a = add(&as, "f", AM_STATE_SILENCED, 1,
			    "alertname=VortexOOM node=director-5 severity=critical",
			    "Disk Full on /var");
	labels_add(&a->annotations, "description", "secret words");
	static const struct {
		const char *f;
		int want;
	} cases[] = {
		{ "", 1 },
		{ "   ", 1 },
		{ "vortex", 1 },             /* a label value, any case */
		{ "VORTEXoom", 1 },
		{ "DISK", 1 },               /* the summary */
		{ "/var", 1 },
		{ "secret", 0 },             /* other annotations are not searched */
		{ "alertname", 0 },          /* nor label names */
		{ "silenced", 1 },           /* the state */
		{ "SILENCED", 1 },
		{ "firing", 0 },
		{ "node=director-5", 1 },
		{ "node=director", 0 },
		{ "node=\"director-5\"", 1 },
		{ "node!=director-5", 0 },
		{ "node!=x", 1 },
		{ "region!=eu", 1 },         /* absent: another value */
		{ "region=eu", 0 },
		{ "node=~dir.*", 1 },
		{ "node=~dir", 0 },          /* anchored */
		{ "node=~DIR.*", 0 },
		{ "node!~dir.*", 0 },
		{ "node!~x.*", 1 },
		{ "node=~(", 0 },            /* an invalid regex shows nothing */
		{ "vortex node=~(", 0 },
		{ "vortex director", 1 },    /* every word must match */
		{ "vortex nothing", 0 },
		{ "\tvortex  \t critical ", 1 },
		{ "\"disk full\"", 1 },      /* a quoted phrase */
		{ "\"full disk\"", 0 },
		{ "disk full", 1 },
		{ "http://x?a=b", 0 },       /* not a label name: free text */
		{ "=vortex", 0 },
		{ "=", 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (alertlist_filter_match(a, cases[i].f) != cases[i].want)
			fail_msg("filter \"%s\": want %d", cases[i].f, cases[i].want);
	assert_true(alertlist_filter_match(a, NULL));
	am_alerts_free(&as);
}

static void test_refilter_keeps_all(void **state)
{
	(void)state;
	am_alerts_t am = { 0 }, pend = { 0 };
	add(&am, "a", AM_STATE_FIRING, 10, "alertname=VortexOOM node=director-5", "memory");
	add(&am, "b", AM_STATE_FIRING, 20, "alertname=VortexOOM node=director-6", "memory");
	add(&am, "c", AM_STATE_SILENCED, 5, "alertname=DiskFull node=director-5", "disk");
	add(&pend, "", AM_STATE_PENDING, 1, "alertname=DiskFull node=director-7", "disk");
	alertlist_t l;
	alertlist_build(&l, &am, &pend, "director-5");
	assert_int_equal(l.all.n, 4);
	assert_int_equal(l.n_order, 2);
	assert_int_equal(l.n_rows, 4);
	assert_int_equal(l.n_firing, 2);
	alertlist_refilter(&l, "pending");
	assert_int_equal(l.n_order, 1);
	assert_int_equal(l.all.v[l.order[0]].state, AM_STATE_PENDING);
	alertlist_refilter(&l, "alertname=DiskFull");
	assert_int_equal(l.n_order, 2);
	assert_int_equal(l.n_rows, 3);
	assert_int_equal(l.all.v[l.order[0]].state, AM_STATE_PENDING); /* before silenced */
	alertlist_refilter(&l, "");
	assert_int_equal(l.n_order, 4);
	assert_int_equal(l.all.n, 4);
	assert_int_equal(l.n_firing, 2);
	alertlist_free(&l);
}

/* The real Alertmanager 0.31 groups with Prometheus' pending alerts beside them. */
static void test_real_payloads(void **state)
{
	(void)state;
	size_t len;
	char *body = fixture_read("alertmanager/alerts_groups_v0.31.0_karma_mock.json", &len);
	char *err;
	am_alerts_t am, pend;
	assert_int_equal(am_parse_alert_groups(body, len, 200, &am, &err), 0);
	free(body);
	body = fixture_read("prometheus/alerts_docs.json", &len);
	json_t *root = json_loads(body, 0, NULL);
	free(body);
	json_t *alerts = json_object_get(json_object_get(root, "data"), "alerts");
	json_object_set_new(json_array_get(alerts, 0), "state", json_string("pending"));
	body = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	assert_int_equal(am_parse_prom_alerts(body, strlen(body), 200, &pend, &err), 0);
	free(body);
	assert_int_equal(pend.n, 1);

	alertlist_t l;
	alertlist_build(&l, &am, &pend, NULL);
	assert_int_equal(l.all.n, 13);
	assert_int_equal(l.n_order, 13);
	assert_int_equal(l.n_firing, 8);
	/* no severity labels: every group is "other", by alertname */
	static const struct {
		const char *name;
		size_t count, firing;
	} groups[] = { { "Free_Disk_Space_Too_Low", 1, 1 }, { "HTTP_Probe_Failed", 2, 1 },
		       { "Host_Down", 8, 5 },               { "Memory_Usage_Too_High", 1, 1 },
		       { "my-alert", 1, 0 } };
	assert_int_equal(l.n_rows, 5 + 13);
	size_t r = 0;
	for (size_t g = 0; g < 5; g++) {
		assert_true(l.rows[r].is_group);
		assert_int_equal(l.rows[r].sev, SEV_OTHER);
		assert_string_equal(l.rows[r].alertname, groups[g].name);
		assert_int_equal(l.rows[r].count, groups[g].count);
		assert_int_equal(l.rows[r].n_firing, groups[g].firing);
		r += 1 + groups[g].count;
	}
	/* Host_Down: firing then silenced, equal starts, so by fingerprint */
	static const char *const host_down[] = { "7013294faf5f854d", "7f3a53482c303b65",
						 "7f5c6e647877b3df", "b5dcc9c573def911",
						 "fa959d3911d1978b", "588a14f7b4613621",
						 "cc58f2ac8260fb97", "ffbb5f178eb27f11" };
	const alertlist_row_t *h = &l.rows[1 + 1 + 1 + 2];
	assert_string_equal(h->alertname, "Host_Down");
	for (size_t k = 0; k < 8; k++) {
		const am_alert_t *a = &l.all.v[h[1 + k].alert];
		assert_string_equal(a->fingerprint, host_down[k]);
		assert_int_equal(a->state, k < 5 ? AM_STATE_FIRING : AM_STATE_SILENCED);
	}
	alertlist_refilter(&l, "cluster=dev silenced");
	assert_int_equal(l.n_order, 4); /* 54c2 (HTTP_Probe_Failed) and three Host_Down */
	assert_int_equal(l.n_rows, 6);
	alertlist_refilter(&l, "instance=~server[0-9] job!=node_exporter");
	assert_int_equal(l.n_order, 8);
	alertlist_free(&l);
}

static void test_age(void **state)
{
	(void)state;
	char buf[32];
	const double t = 1773233318.413;
	static const struct {
		double d;
		const char *want;
	} cases[] = { { 0, "0s" },          { 45, "45s" },      { 59.9, "59s" },
		      { 60, "1m" },         { 12 * 60 + 59, "12m" }, { 3599, "59m" },
		      { 3600, "1h" },       { 3 * 3600 + 5 * 60 + 59, "3h5m" },
		      { 3 * 3600 + 30, "3h" }, { 86399, "23h59m" }, { 86400, "1d" },
		      { 2 * 86400 + 4 * 3600 + 1800, "2d4h" }, { 2 * 86400 + 3599, "2d" },
		      { 400 * 86400, "400d" }, { -30, "0s" } /* server clock ahead */ };
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		alertlist_age(t, t + cases[i].d, buf, sizeof buf);
		if (strcmp(buf, cases[i].want) != 0)
			fail_msg("age %g: \"%s\", want \"%s\"", cases[i].d, buf, cases[i].want);
	}
	assert_string_equal(alertlist_age(0, t, buf, sizeof buf), "?");
	assert_string_equal(alertlist_age(-5, t, buf, sizeof buf), "?");
	assert_string_equal(alertlist_age(NAN, t, buf, sizeof buf), "?");
	assert_string_equal(alertlist_age(t, INFINITY, buf, sizeof buf), "?");
	assert_string_equal(alertlist_age(1, 1e308, buf, sizeof buf), "11574074d1h");
	char small[3];
	assert_string_equal(alertlist_age(t, t + 2 * 86400 + 4 * 3600, small, sizeof small), "2d");
}

static void test_telling_labels(void **state)
{
	(void)state;
	am_alerts_t as = { 0 };
	am_alert_t *a = add(&as, "f", AM_STATE_FIRING, 1,
			    "job=j pod=p instance=i region=r node=n alertname=X zone=z", NULL);
	char *s = alertlist_telling_labels(a, 5);
	assert_string_equal(s, "node=n region=r instance=i pod=p job=j");
	free(s);
	s = alertlist_telling_labels(a, 2);
	assert_string_equal(s, "node=n region=r");
	free(s);
	s = alertlist_telling_labels(a, 0);
	assert_string_equal(s, "");
	free(s);
	a = add(&as, "g", AM_STATE_FIRING, 1, "job=j pod=p node= alertname=X", NULL);
	s = alertlist_telling_labels(a, 3);
	assert_string_equal(s, "pod=p job=j"); /* an empty value is no label */
	free(s);
	a = add(&as, "h", AM_STATE_FIRING, 1, "alertname=X", NULL);
	s = alertlist_telling_labels(a, 3);
	assert_string_equal(s, "");
	free(s);
	am_alerts_free(&as);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_severity),
		cmocka_unit_test(test_order_and_rows),
		cmocka_unit_test(test_ties),
		cmocka_unit_test(test_stable_between_refreshes),
		cmocka_unit_test(test_replicas_and_firing_count),
		cmocka_unit_test(test_filter),
		cmocka_unit_test(test_refilter_keeps_all),
		cmocka_unit_test(test_real_payloads),
		cmocka_unit_test(test_age),
		cmocka_unit_test(test_telling_labels),
	};
	return cmocka_run_group_tests_name("alertlist", tests, NULL, NULL);
}
