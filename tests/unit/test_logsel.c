/* Unit tests of L's selector: an alert's or a series' labels to the LogQL stream selector of their logs. */
#include "config.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "model/logsel.h"
#include "model/logvary.h"

static labels_t mk(const char *const *kv)
{
	labels_t l;
	memset(&l, 0, sizeof l);
	for (size_t i = 0; kv[i]; i += 2)
		labels_add(&l, kv[i], kv[i + 1]);
	return l;
}

static void expect(const char *const *kv, const struct conf_pair *map, size_t n, const char *want)
{
	labels_t l = mk(kv);
	char *got = logsel_from_labels(&l, map, n);
	if (want)
		assert_string_equal(got, want);
	else
		assert_null(got);
	free(got);
	labels_free(&l);
}

/* VortexOOM as Prometheus sends it: the node names the director's pod */
static void test_vortex_oom(void **st)
{
	(void)st;
	const char *kv[] = { "alertname", "VortexOOM", "severity", "critical", "job", "icn",
			     "instance", "director-3:9100", "node", "director-3", "role", "director", NULL };
	expect(kv, NULL, 0, "{pod=\"director-3\"}");
}

/* A Kubernetes alert: its pod label is the pod (node is the machine), and
 * namespace and container narrow it; sorted by name */
static void test_kubernetes(void **st)
{
	(void)st;
	const char *kv[] = { "node", "ip-10-0-0-7", "pod", "loki-0", "namespace", "obs", "container",
			     "loki", "alertname", "KubePodCrashLooping", NULL };
	expect(kv, NULL, 0, "{container=\"loki\", namespace=\"obs\", pod=\"loki-0\"}");
}

/* Nothing that names a stream: NULL, the caller falls back */
static void test_none(void **st)
{
	(void)st;
	const char *kv[] = { "alertname", "ChainDisconnected", "severity", "critical", "job", "icn", NULL };
	expect(kv, NULL, 0, NULL);
	const char *empty[] = { "node", "", NULL };
	expect(empty, NULL, 0, NULL);
	expect((const char *[]){ NULL }, NULL, 0, NULL);
	assert_null(logsel_from_labels(NULL, NULL, 0));
}

/* Values are LogQL strings: quotes, backslashes and newlines escaped */
static void test_escapes(void **st)
{
	(void)st;
	const char *kv[] = { "app", "a\"b\\c\nd", NULL };
	expect(kv, NULL, 0, "{app=\"a\\\"b\\\\c\\nd\"}");
}

/* The config's map replaces the default */
static void test_config_map(void **st)
{
	(void)st;
	const struct conf_pair map[] = { { (char *)"instance", (char *)"host" },
					 { (char *)"region", (char *)"region" } };
	const char *kv[] = { "node", "director-3", "region", "na-west", "instance", "h1:9100", NULL };
	expect(kv, map, 2, "{host=\"h1:9100\", region=\"na-west\"}");
	const char *no[] = { "node", "director-3", NULL };
	expect(no, map, 2, NULL);
}

/* The labels column: only what differs between the streams, pod first, never the level */
static void test_logvary(void **st)
{
	(void)st;
	logvary_t v;
	memset(&v, 0, sizeof v);
	const char *a[] = { "app", "icn-director", "level", "info", "pod", "director-1", "region", "eu", NULL };
	const char *b[] = { "app", "icn-director", "level", "error", "pod", "director-2", "region", "eu", NULL };
	const char *c[] = { "app", "icn-vortex", "pod", "vortex-2", "region", "eu", "container", "gpu", NULL };
	labels_t la = mk(a), lb = mk(b), lc = mk(c);
	int ha, hb, hc;
	logvary_note(&v, 0, &ha, &la);
	assert_int_equal(v.n_varies, 0);
	char *s = logvary_values(&v, &la);
	assert_string_equal(s, "");
	free(s);
	logvary_note(&v, 1, &hb, &lb);
	logvary_note(&v, 1, &hb, &lb); /* seen: nothing new */
	assert_true(logvary_varies(&v, "pod") && !logvary_varies(&v, "app") && !logvary_varies(&v, "level"));
	s = logvary_values(&v, &lb);
	assert_string_equal(s, "director-2");
	free(s);
	/* id 0 reused for another label set: looked at again */
	logvary_note(&v, 0, &hc, &lc);
	assert_true(logvary_varies(&v, "app") && logvary_varies(&v, "container") && !logvary_varies(&v, "region"));
	s = logvary_values(&v, &lc);
	assert_string_equal(s, "vortex-2,gpu,icn-vortex");
	free(s);
	logvary_reset(&v);
	assert_int_equal(v.n_varies, 0);
	labels_free(&la);
	labels_free(&lb);
	labels_free(&lc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vortex_oom),
		cmocka_unit_test(test_kubernetes),
		cmocka_unit_test(test_none),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_config_map),
		cmocka_unit_test(test_logvary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
