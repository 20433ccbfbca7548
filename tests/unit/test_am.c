/* Unit tests of the Alertmanager v2 module: parsers on real payloads, errors, matchers, silence bodies. */
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
#include "backend/am.h"
#include "backend/prom.h"
#include "core/xalloc.h"
#include "fixture.h"

/* cmocka 1.1.5 has no double comparison; timestamps need more than float. */
#define assert_near(a, b, eps)                                                       \
	do {                                                                          \
		double a_ = (a), b_ = (b);                                            \
		if (!(a_ == b_) && !(fabs(a_ - b_) <= (eps)))                         \
			fail_msg("%s = %.17g, want %.17g", #a, a_, b_);               \
	} while (0)

#define GROUPS_FIXTURE "alertmanager/alerts_groups_v0.31.0_karma_mock.json"
#define T_START 1773233318.413 /* 2026-03-11T12:48:38.413Z */

/* The real Alertmanager 0.31 payload of /api/v2/alerts/groups, its alerts
 * flattened into the /api/v2/alerts shape (an array of gettableAlert). */
static char *flat_alerts(size_t *len)
{
	char *raw = fixture_read(GROUPS_FIXTURE, NULL);
	json_error_t je;
	json_t *groups = json_loads(raw, 0, &je);
	free(raw);
	assert_non_null(groups);
	json_t *out = json_array(), *g, *a;
	size_t i, j;
	json_array_foreach(groups, i, g) {
		json_array_foreach(json_object_get(g, "alerts"), j, a)
			json_array_append(out, a);
	}
	char *s = json_dumps(out, JSON_COMPACT);
	*len = strlen(s);
	json_decref(out);
	json_decref(groups);
	return s;
}

static const am_alert_t *find_fp(const am_alerts_t *as, const char *fp)
{
	for (size_t i = 0; i < as->n; i++)
		if (strcmp(as->v[i].fingerprint, fp) == 0)
			return &as->v[i];
	fail_msg("fingerprint %s not found", fp);
	return NULL;
}

static size_t count_state(const am_alerts_t *as, am_state_t st)
{
	size_t n = 0;
	for (size_t i = 0; i < as->n; i++)
		n += as->v[i].state == st;
	return n;
}

/* ---- firing fingerprints (the header's count) ---- */

static void test_real_payload_counts_active(void **state)
{
	(void)state;
	size_t len, n;
	char *body = flat_alerts(&len), **fps, *err;
	assert_int_equal(am_parse_firing(body, len, 200, &fps, &n, &err), 0);
	assert_null(err);
	/* 24 alert entries: 16 active (8 distinct, repeated per receiver group), 8 suppressed */
	assert_int_equal(n, 16);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(strlen(fps[i]), 16);
	am_strv_free(fps, n);
	free(body);
}

static void test_suppressed_and_unprocessed_are_not_firing(void **state)
{
	(void)state;
	const char *body = "[{\"fingerprint\":\"a\",\"status\":{\"state\":\"active\"}},"
			   "{\"fingerprint\":\"b\",\"status\":{\"state\":\"suppressed\"}},"
			   "{\"fingerprint\":\"c\",\"status\":{\"state\":\"unprocessed\"}},"
			   "{\"fingerprint\":\"d\"},{\"status\":7},\"junk\",null]";
	size_t n;
	char **fps, *err;
	assert_int_equal(am_parse_firing(body, strlen(body), 200, &fps, &n, &err), 0);
	assert_int_equal(n, 1);
	assert_string_equal(fps[0], "a");
	am_strv_free(fps, n);
}

static void test_empty_array(void **state)
{
	(void)state;
	size_t n = 99;
	char **fps, *err;
	assert_int_equal(am_parse_firing("[]", 2, 200, &fps, &n, &err), 0);
	assert_int_equal(n, 0);
	am_strv_free(fps, n);
}

static void test_errors_are_named(void **state)
{
	(void)state;
	size_t n;
	char **fps, *err;
	const char *html = "<html>\r\n<body>502 Bad Gateway\x1b[2J</body>";
	assert_int_equal(am_parse_firing(html, strlen(html), 502, &fps, &n, &err), -1);
	assert_string_equal(err, "HTTP 502: <html>");
	free(err);
	assert_int_equal(am_parse_firing("{\"x\":1}", 7, 200, &fps, &n, &err), -1);
	assert_non_null(strstr(err, "expected a JSON array"));
	free(err);
	assert_int_equal(am_parse_firing("[{\"fing", 7, 200, &fps, &n, &err), -1);
	assert_non_null(strstr(err, "invalid JSON"));
	free(err);
	/* jansson's message quotes the bad token: it must not carry the ESC along */
	assert_int_equal(am_parse_firing("[\x1b[31m]", 8, 200, &fps, &n, &err), -1);
	assert_null(strchr(err, '\x1b'));
	free(err);
	/* a hostile first line: control characters never reach the terminal */
	const char *esc = "\x1b]0;pwned\x07 oops";
	assert_int_equal(am_parse_firing(esc, strlen(esc), 500, &fps, &n, &err), -1);
	assert_null(strchr(err, '\x1b'));
	assert_null(strchr(err, '\x07'));
	free(err);
}

/* ---- URLs ---- */

static void test_url(void **state)
{
	(void)state;
	char *u = am_url_firing("http://am:9093/prefix//");
	assert_string_equal(u, "http://am:9093/prefix/api/v2/alerts?active=true&silenced=false"
			       "&inhibited=false&unprocessed=false");
	free(u);
}

static void test_urls(void **state)
{
	(void)state;
	char *u;
	u = am_url_alerts("http://am:9093/");
	assert_string_equal(u, "http://am:9093/api/v2/alerts");
	free(u);
	u = am_url_silences("http://h/am");
	assert_string_equal(u, "http://h/am/api/v2/silences");
	free(u);
	u = am_url_status("http://h/am///");
	assert_string_equal(u, "http://h/am/api/v2/status");
	free(u);
	u = am_url_silence("http://h/am/", "810ccf7f-c957-474a-b383-7e76d66a4d3b");
	assert_string_equal(u, "http://h/am/api/v2/silence/810ccf7f-c957-474a-b383-7e76d66a4d3b");
	free(u);
	/* an id is one path segment, whatever it holds */
	u = am_url_silence("http://h", "a b/../c?d=1&e#f%~_.\xc3\xa9");
	assert_string_equal(u, "http://h/api/v2/silence/a%20b%2F..%2Fc%3Fd%3D1%26e%23f%25~_.%C3%A9");
	free(u);
}

/* ---- alerts ---- */

static void test_parse_alerts_real(void **state)
{
	(void)state;
	size_t len;
	char *body = flat_alerts(&len), *err = (char *)1;
	am_alerts_t as;
	assert_int_equal(am_parse_alerts(body, len, 200, &as, &err), 0);
	assert_null(err);
	free(body);
	assert_int_equal(as.n, 24);
	assert_int_equal(count_state(&as, AM_STATE_FIRING), 16);
	assert_int_equal(count_state(&as, AM_STATE_SILENCED), 8);
	assert_int_equal(count_state(&as, AM_STATE_INHIBITED), 0);

	const am_alert_t *a = &as.v[0];
	assert_string_equal(a->fingerprint, "aae7a1432b5d2f1b");
	assert_int_equal(a->state, AM_STATE_FIRING);
	assert_int_equal(a->labels.n, 5);
	assert_string_equal(a->labels.v[0].name, "alertname"); /* sorted by name */
	assert_string_equal(a->labels.v[0].value, "Free_Disk_Space_Too_Low");
	assert_string_equal(a->labels.v[4].name, "job");
	assert_string_equal(labels_get(&a->labels, "instance"), "server5");
	assert_int_equal(a->annotations.n, 2);
	assert_string_equal(labels_get(&a->annotations, "alert"), "Less than 10% disk space is free");
	assert_near(a->starts_at, T_START, 1e-4);
	assert_near(a->ends_at, 1773233658.427, 1e-4);   /* 12:54:18.427Z */
	assert_near(a->updated_at, 1773233358.427, 1e-4); /* 12:49:18.427Z */
	assert_string_equal(a->generator_url, "http://localhost/prometheus");
	assert_int_equal(a->n_receivers, 2);
	assert_string_equal(a->receivers[0], "by-cluster-service");
	assert_string_equal(a->receivers[1], "by-name");
	assert_int_equal(a->n_silenced_by, 0);
	assert_int_equal(a->n_inhibited_by, 0);
	assert_int_equal(a->n_muted_by, 0);

	a = find_fp(&as, "cc58f2ac8260fb97");
	assert_int_equal(a->state, AM_STATE_SILENCED);
	assert_int_equal(a->n_silenced_by, 2);
	assert_string_equal(a->silenced_by[0], "9bd58938-25fd-41c5-aba3-9bc373074484");
	assert_string_equal(a->silenced_by[1], "dcb3b5d0-9f10-4baa-977a-70073a1899bd");
	assert_string_equal(labels_get(&a->annotations, "summary"), "Example summary");
	a = find_fp(&as, "54c2f185e49cfccb");
	assert_int_equal(a->state, AM_STATE_SILENCED);
	assert_int_equal(a->n_silenced_by, 1);
	assert_string_equal(a->silenced_by[0], "810ccf7f-c957-474a-b383-7e76d66a4d3b");
	am_alerts_free(&as);
	assert_null(as.v);
	assert_int_equal(as.n, 0);
}

static void test_parse_alert_groups_real(void **state)
{
	(void)state;
	size_t len;
	char *body = fixture_read(GROUPS_FIXTURE, &len), *err = (char *)1;
	am_alerts_t as;
	assert_int_equal(am_parse_alert_groups(body, len, 200, &as, &err), 0);
	assert_null(err);
	free(body);
	/* 24 entries in 10 groups, 12 alerts: each is routed to two receivers */
	assert_int_equal(as.n, 12);
	for (size_t i = 0; i < as.n; i++)
		for (size_t j = i + 1; j < as.n; j++)
			assert_string_not_equal(as.v[i].fingerprint, as.v[j].fingerprint);
	/* first appearance order is kept */
	static const char *const want[] = { "aae7a1432b5d2f1b", "54c2f185e49cfccb",
					    "5cb0dd95e7f3d9c0", "7013294faf5f854d" };
	for (size_t i = 0; i < 4; i++)
		assert_string_equal(as.v[i].fingerprint, want[i]);
	assert_int_equal(count_state(&as, AM_STATE_FIRING), 8);
	assert_int_equal(count_state(&as, AM_STATE_SILENCED), 4);
	const am_alert_t *a = find_fp(&as, "ffbb5f178eb27f11");
	assert_string_equal(labels_get(&a->labels, "instance"), "server8");
	assert_int_equal(a->n_receivers, 2);
	assert_string_equal(a->silenced_by[0], "dcb3b5d0-9f10-4baa-977a-70073a1899bd");
	am_alerts_free(&as);

	assert_int_equal(am_parse_alert_groups("{\"alerts\":[]}", 13, 200, &as, &err), -1);
	assert_string_equal(err, "expected a JSON array of alert groups from Alertmanager");
	free(err);
	/* odd groups are skipped, not fatal */
	const char *odd = "[{\"alerts\":7},null,{\"labels\":{}},{\"alerts\":[{\"labels\":{\"a\":\"b\"},"
			  "\"status\":{\"state\":\"active\"}}]}]";
	assert_int_equal(am_parse_alert_groups(odd, strlen(odd), 200, &as, &err), 0);
	assert_int_equal(as.n, 1);
	assert_string_equal(as.v[0].fingerprint, "");
	am_alerts_free(&as);
}

/* Alertmanager 0.25 (Debian's): no mutedBy, no generatorURL here; and the other shapes. */
static void test_parse_alerts_shapes(void **state)
{
	(void)state;
	const char *body =
		"[{\"labels\":{\"alertname\":\"VortexOOM\",\"node\":\"director-5\"},"
		"\"annotations\":{\"summary\":\"a \\u0026 b \\u003cc\\u003e \\ud83d\\udd25\"},"
		"\"fingerprint\":\"0123456789abcdef\",\"receivers\":[{\"name\":\"ops\"}],"
		"\"startsAt\":\"2026-03-11T12:48:38.413+01:00\",\"endsAt\":\"0001-01-01T00:00:00Z\","
		"\"updatedAt\":\"garbage\","
		"\"status\":{\"state\":\"suppressed\",\"silencedBy\":[],\"inhibitedBy\":[\"fedcba9876543210\"]}},"
		/* mutedBy only (a mute time interval): suppressed, not acknowledged */
		"{\"labels\":{\"a\":\"1\"},\"fingerprint\":\"m\",\"status\":{\"state\":\"suppressed\","
		"\"silencedBy\":[],\"inhibitedBy\":[],\"mutedBy\":[\"weekends\",7]}},"
		"{\"labels\":{\"a\":\"2\"},\"fingerprint\":\"u\",\"status\":{\"state\":\"unprocessed\"}},"
		"{\"labels\":{\"a\":\"3\"},\"fingerprint\":\"x\",\"status\":{\"state\":\"sleeping\"}},"
		/* skipped: no labels, no status, wrong types */
		"{\"fingerprint\":\"nolabels\",\"status\":{\"state\":\"active\"}},"
		"{\"labels\":{\"a\":\"4\"},\"fingerprint\":\"nostatus\"},"
		"{\"labels\":[],\"status\":{}},7,null,\"s\","
		/* odd members are ignored */
		"{\"labels\":{\"a\":\"5\",\"n\":7},\"fingerprint\":9,\"receivers\":[\"plain\",{},3],"
		"\"generatorURL\":\"\",\"status\":{\"state\":\"active\",\"silencedBy\":\"s\"}}]";
	am_alerts_t as;
	char *err;
	assert_int_equal(am_parse_alerts(body, strlen(body), 200, &as, &err), 0);
	assert_int_equal(as.n, 5);

	const am_alert_t *a = &as.v[0];
	assert_int_equal(a->state, AM_STATE_INHIBITED);
	assert_int_equal(a->n_muted_by, 0);
	assert_null(a->muted_by);
	assert_null(a->generator_url);
	assert_int_equal(a->n_inhibited_by, 1);
	assert_string_equal(a->inhibited_by[0], "fedcba9876543210");
	assert_string_equal(labels_get(&a->annotations, "summary"),
			    "a & b <c> \xf0\x9f\x94\xa5");
	assert_near(a->starts_at, T_START - 3600, 1e-4);
	assert_near(a->ends_at, 0, 0);   /* Go's zero time: unknown */
	assert_near(a->updated_at, 0, 0);
	assert_int_equal(a->n_receivers, 1);
	assert_string_equal(a->receivers[0], "ops");

	a = &as.v[1];
	assert_int_equal(a->state, AM_STATE_INHIBITED);
	assert_int_equal(a->n_muted_by, 1);
	assert_string_equal(a->muted_by[0], "weekends");
	assert_int_equal(as.v[2].state, AM_STATE_UNPROCESSED);
	assert_int_equal(as.v[3].state, AM_STATE_UNPROCESSED); /* unknown state: shown, not firing */

	a = &as.v[4];
	assert_int_equal(a->state, AM_STATE_FIRING);
	assert_string_equal(a->fingerprint, "");
	assert_int_equal(a->labels.n, 1);
	assert_int_equal(a->n_receivers, 1);
	assert_string_equal(a->receivers[0], "plain");
	assert_int_equal(a->n_silenced_by, 0);
	assert_null(a->generator_url);
	assert_near(a->starts_at, 0, 0);
	am_alerts_free(&as);
}

static void test_parse_alerts_errors(void **state)
{
	(void)state;
	am_alerts_t as;
	char *err;
	assert_int_equal(am_parse_alerts("{}", 2, 200, &as, &err), -1);
	assert_string_equal(err, "expected a JSON array of alerts from Alertmanager");
	assert_null(as.v);
	free(err);
	assert_int_equal(am_parse_alerts("", 0, 200, &as, &err), -1);
	assert_non_null(strstr(err, "invalid JSON from Alertmanager: "));
	free(err);
	const char *nginx = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n</html>";
	assert_int_equal(am_parse_alerts(nginx, strlen(nginx), 502, &as, &err), -1);
	assert_string_equal(err, "HTTP 502: 502 Bad Gateway");
	assert_int_equal(as.n, 0);
	free(err);
	assert_int_equal(am_parse_alerts("[]", 2, 0, &as, &err), 0);
	assert_int_equal(as.n, 0);
	am_alerts_free(&as);
	assert_int_equal(am_parse_alerts(NULL, 0, 404, &as, &err), -1);
	assert_string_equal(err, "HTTP 404");
	free(err);
}

/* ---- Prometheus pending alerts ---- */

static void test_prom_alerts(void **state)
{
	(void)state;
	size_t len;
	char *body = fixture_read("prometheus/alerts_docs.json", &len), *err;
	am_alerts_t as;
	/* the documented example holds one firing alert: Alertmanager's business */
	assert_int_equal(am_parse_prom_alerts(body, len, 200, &as, &err), 0);
	assert_int_equal(as.n, 0);
	am_alerts_free(&as);

	/* a variant with a pending alert beside it */
	json_t *root = json_loads(body, 0, NULL);
	free(body);
	assert_non_null(root);
	json_t *alerts = json_object_get(json_object_get(root, "data"), "alerts");
	json_t *p = json_deep_copy(json_array_get(alerts, 0));
	json_object_set_new(p, "state", json_string("pending"));
	json_object_set_new(json_object_get(p, "labels"), "severity", json_string("critical"));
	json_object_set_new(p, "annotations", json_pack("{s:s}", "summary", "soon"));
	json_array_append_new(alerts, p);
	json_array_append_new(alerts, json_pack("{s:s}", "state", "pending")); /* no labels */
	json_array_append_new(alerts, json_pack("{s:{s:s},s:s}", "labels", "a", "b", "state",
						"inactive"));
	body = json_dumps(root, JSON_COMPACT);
	json_decref(root);
	assert_int_equal(am_parse_prom_alerts(body, strlen(body), 200, &as, &err), 0);
	free(body);
	assert_null(err);
	assert_int_equal(as.n, 1);
	assert_int_equal(as.v[0].state, AM_STATE_PENDING);
	assert_string_equal(as.v[0].fingerprint, "");
	assert_string_equal(labels_get(&as.v[0].labels, "alertname"), "my-alert");
	assert_string_equal(labels_get(&as.v[0].labels, "severity"), "critical");
	assert_string_equal(labels_get(&as.v[0].annotations, "summary"), "soon");
	/* activeAt 2018-07-04T20:27:12.60602144+02:00 */
	assert_near(as.v[0].starts_at, 1530728832.60602144, 1e-5);
	assert_int_equal(as.v[0].n_receivers, 0);
	am_alerts_free(&as);

	const char *none = "{\"status\":\"success\",\"data\":{\"alerts\":null}}";
	assert_int_equal(am_parse_prom_alerts(none, strlen(none), 200, &as, &err), 0);
	assert_int_equal(as.n, 0);
}

static void test_prom_alerts_errors(void **state)
{
	(void)state;
	size_t len;
	char *body = fixture_read("prometheus/error_openapi_tsdbNotReady.json", &len), *err;
	am_alerts_t as;
	assert_int_equal(am_parse_prom_alerts(body, len, 503, &as, &err), -1);
	assert_string_equal(err, "internal: TSDB not ready");
	free(err);
	assert_int_equal(am_parse_prom_alerts(body, len, 200, &as, &err), -1);
	assert_string_equal(err, "internal: TSDB not ready");
	free(err);
	free(body);
	assert_int_equal(am_parse_prom_alerts("Bad Gateway\n", 12, 502, &as, &err), -1);
	assert_string_equal(err, "HTTP 502: Bad Gateway");
	free(err);
	assert_int_equal(am_parse_prom_alerts("[]", 2, 200, &as, &err), -1);
	assert_string_equal(err,
			    "unexpected response: not a Prometheus API envelope (no \"status\")");
	free(err);
	const char *bad = "{\"status\":\"success\",\"data\":{\"alerts\":{}}}";
	assert_int_equal(am_parse_prom_alerts(bad, strlen(bad), 200, &as, &err), -1);
	assert_string_equal(err, "expected a JSON array in data.alerts from Prometheus");
	free(err);
	assert_int_equal(am_parse_prom_alerts("{\"status\":", 10, 200, &as, &err), -1);
	assert_non_null(strstr(err, "invalid JSON from Prometheus: "));
	free(err);
	const char *odd = "{\"status\":\"maybe\x1b\"}";
	assert_int_equal(am_parse_prom_alerts(odd, strlen(odd), 200, &as, &err), -1);
	assert_non_null(strstr(err, "invalid JSON")); /* a raw ESC is not JSON */
	free(err);
	odd = "{\"status\":\"maybe\\u001b\"}";
	assert_int_equal(am_parse_prom_alerts(odd, strlen(odd), 200, &as, &err), -1);
	assert_string_equal(err, "unexpected status \"maybe?\" from Prometheus");
	free(err);
}

/* ---- silences ---- */

static void test_silences_real(void **state)
{
	(void)state;
	size_t len;
	char *body = fixture_read("alertmanager/silences_v0.31.0_karma_mock.json", &len), *err;
	am_silences_t ss;
	assert_int_equal(am_parse_silences(body, len, 200, &ss, &err), 0);
	assert_null(err);
	free(body);
	assert_int_equal(ss.n, 3);
	assert_string_equal(ss.v[0].id, "810ccf7f-c957-474a-b383-7e76d66a4d3b");
	assert_string_equal(ss.v[1].id, "dcb3b5d0-9f10-4baa-977a-70073a1899bd");
	assert_string_equal(ss.v[2].id, "9bd58938-25fd-41c5-aba3-9bc373074484");
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(ss.v[i].state, AM_SIL_ACTIVE);
		assert_string_equal(ss.v[i].created_by, "john@example.com");
		assert_near(ss.v[i].ends_at, 2934835200.0, 1e-4); /* 2063-01-01T00:00:00.000Z */
	}
	assert_string_equal(ss.v[0].comment, "Silenced instance");
	assert_string_equal(ss.v[1].comment, "Silenced Host_Down alerts in the dev cluster");
	assert_near(ss.v[0].starts_at, 1773233318.409, 1e-4);
	assert_near(ss.v[0].updated_at, 1773233318.409, 1e-4);
	assert_near(ss.v[2].starts_at, 1773233318.412, 1e-4);
	assert_int_equal(ss.v[0].matchers.n, 1);
	assert_string_equal(ss.v[0].matchers.v[0].name, "instance");
	assert_string_equal(ss.v[0].matchers.v[0].value, "web1");
	assert_int_equal(ss.v[0].matchers.v[0].is_regex, 0);
	assert_int_equal(ss.v[0].matchers.v[0].is_equal, 1);
	assert_int_equal(ss.v[1].matchers.n, 2);
	assert_string_equal(ss.v[1].matchers.v[0].name, "alertname");
	assert_string_equal(ss.v[1].matchers.v[0].value, "Host_Down");
	assert_string_equal(ss.v[1].matchers.v[1].name, "cluster");
	assert_string_equal(ss.v[1].matchers.v[1].value, "dev");
	assert_string_equal(am_sil_state_name(ss.v[0].state), "active");
	am_silences_free(&ss);
	assert_null(ss.v);
}

static void test_silences_shapes(void **state)
{
	(void)state;
	const char *body =
		"[{\"id\":\"a\",\"status\":{\"state\":\"pending\"},\"matchers\":["
		"{\"name\":\"job\",\"value\":\"x.*\",\"isRegex\":true},"          /* isEqual absent */
		"{\"name\":\"n\",\"value\":\"v\",\"isRegex\":false,\"isEqual\":false},"
		"{\"name\":\"nov\"},7,{\"value\":\"x\"}]},"
		"{\"id\":\"b\",\"status\":{\"state\":\"expired\"},\"comment\":7},"
		"{\"id\":\"c\",\"status\":{\"state\":\"zombie\"}},"
		"{\"id\":\"d\"},"
		"{\"status\":{\"state\":\"active\"}},{\"id\":5},null]";
	am_silences_t ss;
	char *err;
	assert_int_equal(am_parse_silences(body, strlen(body), 200, &ss, &err), 0);
	assert_int_equal(ss.n, 4);
	assert_int_equal(ss.v[0].state, AM_SIL_PENDING);
	assert_int_equal(ss.v[0].matchers.n, 2);
	assert_int_equal(ss.v[0].matchers.v[0].is_regex, 1);
	assert_int_equal(ss.v[0].matchers.v[0].is_equal, 1);
	assert_int_equal(ss.v[0].matchers.v[1].is_regex, 0);
	assert_int_equal(ss.v[0].matchers.v[1].is_equal, 0);
	assert_int_equal(ss.v[1].state, AM_SIL_EXPIRED);
	assert_string_equal(ss.v[1].comment, "");
	assert_string_equal(ss.v[1].created_by, "");
	assert_int_equal(ss.v[2].state, AM_SIL_UNKNOWN);
	assert_int_equal(ss.v[3].state, AM_SIL_UNKNOWN);
	assert_near(ss.v[3].starts_at, 0, 0);
	assert_string_equal(am_sil_state_name(AM_SIL_PENDING), "pending");
	assert_string_equal(am_sil_state_name(AM_SIL_EXPIRED), "expired");
	assert_string_equal(am_sil_state_name(AM_SIL_UNKNOWN), "unknown");
	am_silences_free(&ss);

	assert_int_equal(am_parse_silences("{}", 2, 200, &ss, &err), -1);
	assert_string_equal(err, "expected a JSON array of silences from Alertmanager");
	free(err);
	assert_int_equal(am_parse_silences("", 0, 500, &ss, &err), -1);
	assert_string_equal(err, "HTTP 500");
	free(err);
}

/* am_silence_body against the body Alertmanager's own test posts. */
static void test_silence_body_like_upstream(void **state)
{
	(void)state;
	char *raw = fixture_read("alertmanager/silence_post_request_test.json", NULL);
	json_t *want = json_loads(raw, 0, NULL);
	free(raw);
	assert_non_null(want);

	/* rebuild the same silence from its fields */
	am_matchers_t m = { 0 };
	json_t *wm = json_array_get(json_object_get(want, "matchers"), 0);
	am_matchers_add(&m, json_string_value(json_object_get(wm, "name")),
			json_string_value(json_object_get(wm, "value")),
			json_is_true(json_object_get(wm, "isRegex")), 1);
	double s, e;
	assert_int_equal(rfc3339_parse(json_string_value(json_object_get(want, "startsAt")), &s), 0);
	assert_int_equal(rfc3339_parse(json_string_value(json_object_get(want, "endsAt")), &e), 0);
	char *body = am_silence_body(&m, s, e, "author", "foo", NULL);
	json_t *got = json_loads(body, 0, NULL);
	assert_non_null(got);

	assert_null(json_object_get(got, "id"));
	const char *keys[] = { "comment", "createdBy" };
	for (size_t i = 0; i < 2; i++)
		assert_string_equal(json_string_value(json_object_get(got, keys[i])),
				    json_string_value(json_object_get(want, keys[i])));
	const char *tkeys[] = { "startsAt", "endsAt" };
	for (size_t i = 0; i < 2; i++) {
		double tw, tg;
		assert_int_equal(rfc3339_parse(json_string_value(json_object_get(want, tkeys[i])), &tw), 0);
		assert_int_equal(rfc3339_parse(json_string_value(json_object_get(got, tkeys[i])), &tg), 0);
		assert_near(tg, tw, 1e-6);
	}
	assert_string_equal(json_string_value(json_object_get(got, "startsAt")),
			    "2023-03-06T00:22:15.000Z");
	json_t *gms = json_object_get(got, "matchers"), *wms = json_object_get(want, "matchers");
	assert_int_equal(json_array_size(gms), json_array_size(wms));
	json_t *gm = json_array_get(gms, 0);
	assert_string_equal(json_string_value(json_object_get(gm, "name")), "instance");
	assert_string_equal(json_string_value(json_object_get(gm, "value")), "\"bar\"");
	assert_true(json_is_true(json_object_get(gm, "isRegex")));
	/* isEqual is absent upstream: true by default */
	assert_true(json_is_true(json_object_get(gm, "isEqual")));
	assert_null(json_object_get(wm, "isEqual"));
	json_decref(got);
	free(body);
	json_decref(want);

	/* an update carries the id; odd text stays valid JSON */
	body = am_silence_body(&m, 0.5, 86400 * 365.25, "me", "bad \xff utf8 \"quoted\"\n", "id-1");
	got = json_loads(body, 0, NULL);
	assert_non_null(got);
	assert_string_equal(json_string_value(json_object_get(got, "id")), "id-1");
	assert_string_equal(json_string_value(json_object_get(got, "startsAt")),
			    "1970-01-01T00:00:00.500Z");
	assert_string_equal(json_string_value(json_object_get(got, "endsAt")),
			    "1971-01-01T06:00:00.000Z");
	assert_string_equal(json_string_value(json_object_get(got, "comment")),
			    "bad ? utf8 \"quoted\" ");
	json_decref(got);
	free(body);
	am_matchers_free(&m);

	/* no matchers, no author: still the full shape */
	body = am_silence_body(&m, 0, 0, NULL, NULL, NULL);
	assert_string_equal(body, "{\"matchers\":[],\"startsAt\":\"1970-01-01T00:00:00.000Z\","
				  "\"endsAt\":\"1970-01-01T00:00:00.000Z\",\"createdBy\":\"\","
				  "\"comment\":\"\"}");
	free(body);
}

static void test_silence_created(void **state)
{
	(void)state;
	char *id, *err;
	const char *ok = "{\"silenceID\":\"5fc5ee0a-1c1a-4f2e-9b0e-0d2b6f7d3a11\"}";
	assert_int_equal(am_parse_silence_created(ok, strlen(ok), 200, &id, &err), 0);
	assert_null(err);
	assert_string_equal(id, "5fc5ee0a-1c1a-4f2e-9b0e-0d2b6f7d3a11");
	free(id);
	const char *past = "\"Failed to create silence: end time can't be in the past\"\n";
	assert_int_equal(am_parse_silence_created(past, strlen(past), 400, &id, &err), -1);
	assert_null(id);
	assert_string_equal(err, "HTTP 400: Failed to create silence: end time can't be in the past");
	free(err);
	assert_int_equal(am_parse_silence_created("{}", 2, 200, &id, &err), -1);
	assert_null(id);
	assert_string_equal(err, "unexpected answer from Alertmanager: no \"silenceID\"");
	free(err);
	assert_int_equal(am_parse_silence_created("{\"silenceID\":\"\"}", 16, 200, &id, &err), -1);
	free(err);
	assert_int_equal(am_parse_silence_created("nope", 4, 200, &id, &err), -1);
	assert_non_null(strstr(err, "invalid JSON from Alertmanager"));
	free(err);
}

/* ---- error texts ---- */

static void expect_error(const char *body, size_t len, long status, const char *want)
{
	char *got = am_error_text(body, len, status);
	if (strcmp(got, want) != 0)
		fail_msg("am_error_text = \"%s\", want \"%s\"", got, want);
	free(got);
}
#define EXPECT_ERROR(lit, status, want) expect_error(lit, sizeof lit - 1, status, want)

static void test_error_text_shapes(void **state)
{
	(void)state;
	EXPECT_ERROR("\"Failed to create silence: end time can't be in the past\"\n", 400,
		     "HTTP 400: Failed to create silence: end time can't be in the past");
	/* Go's encoder escapes & < >; a message on several lines is one line here */
	EXPECT_ERROR("\"bad matcher \\u003cfoo\\u003e \\u0026\\nsecond line\"", 400,
		     "HTTP 400: bad matcher <foo> & second line");
	EXPECT_ERROR("{\"code\":602,\"message\":\"matchers in body is required\"}", 422,
		     "HTTP 422: matchers in body is required (code 602)");
	EXPECT_ERROR("{\"code\":605,\"message\":\"\"}", 422, "HTTP 422: (code 605)");
	EXPECT_ERROR("{\"message\":\"no code\"}", 400, "HTTP 400: no code");
	EXPECT_ERROR("{\"error\":\"silence not found\"}", 404, "HTTP 404: silence not found");
	EXPECT_ERROR("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"x\"}", 400,
		     "HTTP 400: bad_data: x");
	EXPECT_ERROR("Service Unavailable\nretry later\n", 503, "HTTP 503: Service Unavailable");
	EXPECT_ERROR("\r\n\n  upstream connect error  \r\nreset", 503,
		     "HTTP 503: upstream connect error");
	EXPECT_ERROR("<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>"
		     "<center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center>\r\n"
		     "</body></html>",
		     502, "HTTP 502: 502 Bad Gateway");
	EXPECT_ERROR("<!DOCTYPE html>\n<HTML><HEAD><TITLE lang=en>\n  Q &amp; A &lt;503&gt;\n"
		     "</TITLE>",
		     503, "HTTP 503: Q & A <503>");
	EXPECT_ERROR("<html><body>no title</body></html>\nmore", 500,
		     "HTTP 500: <html><body>no title</body></html>");
	EXPECT_ERROR("<html><title></title>\n", 500, "HTTP 500: <html><title></title>");
	EXPECT_ERROR("", 404, "HTTP 404");
	EXPECT_ERROR(" \r\n\t", 404, "HTTP 404");
	EXPECT_ERROR("\"\"", 400, "HTTP 400");
	EXPECT_ERROR("[1,2]", 500, "HTTP 500: [1,2]");
	expect_error(NULL, 0, 404, "HTTP 404");
	EXPECT_ERROR("oops", 0, "error: oops");
	/* nothing a terminal would obey; NULs and invalid UTF-8 as '?' */
	EXPECT_ERROR("\x1b[31mred\x07 \xc2\x9b" "2J", 500, "HTTP 500: ?[31mred? ?2J");
	EXPECT_ERROR("a\0b \xff caf\xc3\xa9", 500, "HTTP 500: a?b ? caf\xc3\xa9");
	EXPECT_ERROR("\"esc \\u001b]0;x\\u0007 \\u009b\"", 400, "HTTP 400: esc ?]0;x? ?");
}

static void test_error_text_is_bounded(void **state)
{
	(void)state;
	char big[5000];
	memset(big, 'x', sizeof big);
	char *e = am_error_text(big, sizeof big, 500);
	assert_int_equal(strlen(e), strlen("HTTP 500: ") + 200);
	free(e);
	/* 300 two-byte characters: 200 kept, none cut in half */
	strbuf_t b;
	sb_init(&b);
	sb_puts(&b, "\"");
	for (int i = 0; i < 300; i++)
		sb_puts(&b, "\xc3\xa9");
	sb_puts(&b, "\"");
	e = am_error_text(b.s, b.len, 400);
	assert_int_equal(strlen(e), strlen("HTTP 400: ") + 400);
	assert_int_equal((unsigned char)e[strlen(e) - 2], 0xc3);
	free(e);
	sb_free(&b);
	/* the same as a raw body */
	sb_init(&b);
	for (int i = 0; i < 1000; i++)
		sb_puts(&b, "\xe2\x82\xac ");
	e = am_error_text(b.s, b.len, 502);
	size_t chars = 0;
	for (const unsigned char *p = (const unsigned char *)e; *p; p++)
		chars += (*p & 0xC0) != 0x80;
	assert_true(chars <= 300);
	assert_true(chars > 200);
	free(e);
	sb_free(&b);
	/* a long code stays whole */
	const char *code = "{\"code\":-9223372036854775807,\"message\":\"m\"}";
	e = am_error_text(code, strlen(code), 422);
	assert_string_equal(e, "HTTP 422: m (code -9223372036854775807)");
	free(e);
}

/* ---- matchers ---- */

static void expect_matcher(const char *s, const char *name, const char *value, int re, int eq)
{
	am_matchers_t m = { 0 };
	char *err = NULL;
	if (am_matcher_parse(s, &m, &err) != 0)
		fail_msg("matcher %s: %s", s, err);
	assert_null(err);
	assert_int_equal(m.n, 1);
	assert_string_equal(m.v[0].name, name);
	assert_string_equal(m.v[0].value, value);
	assert_int_equal(m.v[0].is_regex, re);
	assert_int_equal(m.v[0].is_equal, eq);
	am_matchers_free(&m);
}

static void expect_matcher_error(const char *s, const char *want)
{
	am_matchers_t m = { 0 };
	char *err = NULL;
	am_matchers_add(&m, "kept", "x", 0, 1);
	assert_int_equal(am_matcher_parse(s, &m, &err), -1);
	assert_non_null(err);
	if (strncmp(err, want, strlen(want)) != 0)
		fail_msg("matcher error \"%s\", want \"%s...\"", err, want);
	assert_int_equal(m.n, 1); /* nothing added */
	free(err);
	am_matchers_free(&m);
}

static void test_matcher_parse(void **state)
{
	(void)state;
	expect_matcher("alertname=VortexOOM", "alertname", "VortexOOM", 0, 1);
	expect_matcher("node!=director-5", "node", "director-5", 0, 0);
	expect_matcher("node=~director-.*", "node", "director-.*", 1, 1);
	expect_matcher("node!~director-[0-9]+", "node", "director-[0-9]+", 1, 0);
	expect_matcher("_a1=", "_a1", "", 0, 1);
	expect_matcher("a=\"\"", "a", "", 0, 1);
	expect_matcher("a=~", "a", "", 1, 1);
	expect_matcher("a===", "a", "==", 0, 1);
	expect_matcher("a=~~", "a", "~", 1, 1);
	expect_matcher("summary=\"disk full, again\"", "summary", "disk full, again", 0, 1);
	expect_matcher("a=\"say \\\"hi\\\" \\\\o/\"", "a", "say \"hi\" \\o/", 0, 1);
	expect_matcher("a=~\"x\\.y\\d\"", "a", "x\\.y\\d", 1, 1); /* other escapes kept */
	expect_matcher("a=\"two\\nlines\"", "a", "two\nlines", 0, 1);
	expect_matcher("  job = \"node\"  ", "job", "node", 0, 1);
	expect_matcher("job= spaced value ", "job", "spaced value", 0, 1);
	expect_matcher("a=b\"c", "a", "b\"c", 0, 1);
	expect_matcher("a=caf\xc3\xa9", "a", "caf\xc3\xa9", 0, 1);

	expect_matcher_error("", "matcher '': expected name=value");
	expect_matcher_error("VortexOOM", "matcher 'VortexOOM': expected name=value");
	expect_matcher_error("a b=c", "matcher 'a b=c': expected name=value");
	expect_matcher_error("a~b", "matcher 'a~b': expected name=value");
	expect_matcher_error("=x", "matcher '=x': missing label name before the operator");
	expect_matcher_error("9a=1",
			     "matcher '9a=1': label name must match [a-zA-Z_][a-zA-Z0-9_]*");
	expect_matcher_error("a-b=1",
			     "matcher 'a-b=1': label name must match [a-zA-Z_][a-zA-Z0-9_]*");
	expect_matcher_error("a=\"open", "matcher 'a=\"open': unterminated quoted value");
	expect_matcher_error("a=\"x\\\"", "matcher 'a=\"x\\\"': unterminated quoted value");
	expect_matcher_error("a=\"x\"y",
			     "matcher 'a=\"x\"y': unexpected text after the closing quote");
	expect_matcher_error("a=~(", "matcher 'a=~(': invalid regex: ");
	expect_matcher_error("a!~[z-a]", "matcher 'a!~[z-a]': invalid regex: ");
	expect_matcher_error("a=~x)|(y", "matcher 'a=~x)|(y': invalid regex: unmatched )");
	expect_matcher_error("a=~[(](x))", "matcher 'a=~[(](x))': invalid regex: unmatched )");
	expect_matcher_error("a=~(.*)\\1", "matcher 'a=~(.*)\\1': invalid regex: "
					    "back-references are not supported");
	expect_matcher_error("a=~x{1001}", "matcher 'a=~x{1001}': invalid regex: "
					   "repeat count over 1000");
	expect_matcher_error("a=~((x{100}){100}){11}", "matcher 'a=~((x{100}){100}){11}': "
						       "invalid regex: too many counted repeats");
	expect_matcher("a=~[)(]x{2,1000}\\)", "a", "[)(]x{2,1000}\\)", 1, 1);
	expect_matcher_error("\x1b[2J=1", "matcher '?[2J=1': label name must match");
}

static void test_matchers_match(void **state)
{
	(void)state;
	labels_t l = { 0 };
	labels_add(&l, "alertname", "VortexOOM");
	labels_add(&l, "node", "director-5");
	static const struct {
		const char *m;
		int want;
	} cases[] = {
		{ "alertname=VortexOOM", 1 },
		{ "alertname=vortexoom", 0 },
		{ "node!=director-5", 0 },
		{ "node!=director-6", 1 },
		{ "node=~director", 0 },      /* anchored: no substring match */
		{ "node=~irector-5", 0 },
		{ "node=~director-.*", 1 },
		{ "node=~director-[0-9]", 1 },
		{ "node=~a|director-5", 1 },  /* alternation stays inside the anchors */
		{ "node=~director-5|b", 1 },
		{ "node=~x|director", 0 },
		{ "node!~director-.*", 0 },
		{ "node!~director", 1 },
		{ "region=", 1 },             /* a missing label is "" */
		{ "region!=", 0 },
		{ "region=~.*", 1 },
		{ "region=~.+", 0 },
		{ "region!~.+", 1 },
		{ "region!=eu", 1 },
		{ "region=eu", 0 },
	};
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		am_matchers_t m = { 0 };
		char *err;
		assert_int_equal(am_matcher_parse(cases[i].m, &m, &err), 0);
		if (am_matchers_match(&m, &l) != cases[i].want)
			fail_msg("%s: want %d", cases[i].m, cases[i].want);
		am_matchers_free(&m);
	}
	/* all must hold */
	am_matchers_t m = { 0 };
	am_matchers_add(&m, "alertname", "VortexOOM", 0, 1);
	am_matchers_add(&m, "node", "director-.*", 1, 1);
	assert_true(am_matchers_match(&m, &l));
	am_matchers_add(&m, "node", "director-5", 0, 0);
	assert_false(am_matchers_match(&m, &l));
	am_matchers_free(&m);
	assert_true(am_matchers_match(&m, &l)); /* none: everything */
	/* an invalid regex matches nothing, negated or not; so does an anchor escape */
	const char *bad[] = { "(", "[z-a]", "x)|(director-5", "(d)\\1", "(x{1000}){1000}" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		for (int eq = 0; eq <= 1; eq++) {
			am_matchers_add(&m, "node", bad[i], 1, eq);
			if (am_matchers_match(&m, &l))
				fail_msg("invalid regex %s (equal %d) matched", bad[i], eq);
			am_matchers_free(&m);
		}
	}
	labels_free(&l);
}

static void test_matchers_from_labels_and_format(void **state)
{
	(void)state;
	labels_t l = { 0 };
	labels_add(&l, "node", "director-5");
	labels_add(&l, "alertname", "VortexOOM");
	am_matchers_t m = { 0 };
	am_matchers_from_labels(&m, &l);
	assert_int_equal(m.n, 2);
	assert_string_equal(m.v[0].name, "alertname");
	assert_string_equal(m.v[1].name, "node");
	for (size_t i = 0; i < 2; i++) {
		assert_int_equal(m.v[i].is_regex, 0);
		assert_int_equal(m.v[i].is_equal, 1);
	}
	assert_true(am_matchers_match(&m, &l));
	char *s = am_matchers_format(&m);
	assert_string_equal(s, "alertname=\"VortexOOM\", node=\"director-5\"");
	free(s);
	am_matchers_free(&m);
	labels_free(&l);

	am_matchers_add(&m, "a", "q\"b\\c", 0, 0);
	am_matchers_add(&m, "b", "x.*", 1, 1);
	am_matchers_add(&m, "c", "two\nlines\x1b", 1, 0);
	s = am_matchers_format(&m);
	assert_string_equal(s, "a!=\"q\\\"b\\\\c\", b=~\"x.*\", c!~\"two\\nlines?\"");
	free(s);
	/* what is printed reads back as the same matcher */
	for (size_t i = 0; i < 2; i++) {
		am_matchers_t one = { 0 }, back = { 0 };
		char *err;
		am_matchers_add(&one, m.v[i].name, m.v[i].value, m.v[i].is_regex, m.v[i].is_equal);
		s = am_matchers_format(&one);
		assert_int_equal(am_matcher_parse(s, &back, &err), 0);
		assert_string_equal(back.v[0].name, one.v[0].name);
		assert_string_equal(back.v[0].value, one.v[0].value);
		assert_int_equal(back.v[0].is_regex, one.v[0].is_regex);
		assert_int_equal(back.v[0].is_equal, one.v[0].is_equal);
		free(s);
		am_matchers_free(&one);
		am_matchers_free(&back);
	}
	am_matchers_free(&m);
	s = am_matchers_format(&m);
	assert_string_equal(s, "");
	free(s);
}

/* ---- small things ---- */

static void test_time_format(void **state)
{
	(void)state;
	char buf[40];
	assert_string_equal(am_time_format(0, buf, sizeof buf), "1970-01-01T00:00:00.000Z");
	assert_string_equal(am_time_format(T_START, buf, sizeof buf), "2026-03-11T12:48:38.413Z");
	assert_string_equal(am_time_format(1.9996, buf, sizeof buf), "1970-01-01T00:00:02.000Z");
	assert_string_equal(am_time_format(-0.5, buf, sizeof buf), "1969-12-31T23:59:59.500Z");
	assert_string_equal(am_time_format(2934835200.0, buf, sizeof buf), "2063-01-01T00:00:00.000Z");
	assert_string_equal(am_time_format(NAN, buf, sizeof buf), "1970-01-01T00:00:00.000Z");
	assert_string_equal(am_time_format(1e300, buf, sizeof buf), "9999-12-31T23:59:59.999Z");
	assert_string_equal(am_time_format(-1e300, buf, sizeof buf), "0001-01-01T00:00:00.000Z");
	char small[8];
	assert_string_equal(am_time_format(0, small, sizeof small), "1970-01");
	double t;
	am_time_format(1709684535.25, buf, sizeof buf);
	assert_int_equal(rfc3339_parse(buf, &t), 0);
	assert_near(t, 1709684535.25, 1e-6);
}

static void test_state_names(void **state)
{
	(void)state;
	assert_string_equal(am_state_name(AM_STATE_FIRING), "firing");
	assert_string_equal(am_state_name(AM_STATE_PENDING), "pending");
	assert_string_equal(am_state_name(AM_STATE_SILENCED), "silenced");
	assert_string_equal(am_state_name(AM_STATE_INHIBITED), "inhibited");
	assert_string_equal(am_state_name(AM_STATE_UNPROCESSED), "unprocessed");
	assert_string_equal(am_state_name((am_state_t)42), "unknown");
}

/* One hostile label must not hide every alert: a NUL or a lone surrogate in one
 * string leaves the rest of the list readable. */
static void test_hostile_escapes_keep_the_list(void **state)
{
	(void)state;
	const char *body =
		"[{\"labels\":{\"alertname\":\"A\",\"node\":\"x\\u0000y\"},\"fingerprint\":\"a\","
		"\"status\":{\"state\":\"active\"}},"
		"{\"labels\":{\"alertname\":\"B\",\"node\":\"p\\ud800q\\udc00r\\ud83d\\ude00\"},"
		"\"fingerprint\":\"b\",\"status\":{\"state\":\"active\"}},"
		"{\"labels\":{\"alertname\":\"C\",\"path\":\"c:\\\\ud800\"},\"fingerprint\":\"c\","
		"\"status\":{\"state\":\"active\"}}]";
	am_alerts_t a;
	char *err = NULL;
	assert_int_equal(am_parse_alerts(body, strlen(body), 200, &a, &err), 0);
	assert_null(err);
	assert_int_equal(a.n, 3);
	assert_string_equal(labels_get(&a.v[0].labels, "node"), "x"); /* a C string ends at NUL */
	/* lone surrogates become U+FFFD; the proper pair (an emoji) stays */
	assert_string_equal(labels_get(&a.v[1].labels, "node"),
			    "p\xef\xbf\xbdq\xef\xbf\xbdr\xf0\x9f\x98\x80");
	/* an escaped backslash followed by "ud800" is text, not an escape */
	assert_string_equal(labels_get(&a.v[2].labels, "path"), "c:\\ud800");
	/* the first two cannot be matched back exactly: no ack from their labels */
	assert_true(a.v[0].inexact);
	assert_true(a.v[1].inexact);
	assert_false(a.v[2].inexact);
	am_alerts_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_payload_counts_active),
		cmocka_unit_test(test_suppressed_and_unprocessed_are_not_firing),
		cmocka_unit_test(test_empty_array),
		cmocka_unit_test(test_errors_are_named),
		cmocka_unit_test(test_url),
		cmocka_unit_test(test_urls),
		cmocka_unit_test(test_parse_alerts_real),
		cmocka_unit_test(test_parse_alert_groups_real),
		cmocka_unit_test(test_parse_alerts_shapes),
		cmocka_unit_test(test_parse_alerts_errors),
		cmocka_unit_test(test_prom_alerts),
		cmocka_unit_test(test_prom_alerts_errors),
		cmocka_unit_test(test_silences_real),
		cmocka_unit_test(test_silences_shapes),
		cmocka_unit_test(test_silence_body_like_upstream),
		cmocka_unit_test(test_silence_created),
		cmocka_unit_test(test_error_text_shapes),
		cmocka_unit_test(test_error_text_is_bounded),
		cmocka_unit_test(test_matcher_parse),
		cmocka_unit_test(test_matchers_match),
		cmocka_unit_test(test_matchers_from_labels_and_format),
		cmocka_unit_test(test_time_format),
		cmocka_unit_test(test_state_names),
		cmocka_unit_test(test_hostile_escapes_keep_the_list),
	};
	return cmocka_run_group_tests_name("am", tests, NULL, NULL);
}
