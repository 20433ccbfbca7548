/* Unit tests of the config loader (messages with positions) and of flag > env > file resolution. */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "core/conf.h"
#include "core/xalloc.h"

static char *data_path(const char *name)
{
	const char *top = getenv("top_srcdir");
	return xasprintf("%s/tests/unit/data/%s", top && *top ? top : ".", name);
}

static int load(const char *yaml, conf_t *c, char *err, size_t errlen)
{
	return conf_load_string("config.yaml", yaml, strlen(yaml), c, err, errlen);
}

static void test_good_file(void **state)
{
	char *path = data_path("conf-good.yaml");
	char err[512] = "";
	conf_t c;
	(void)state;

	if (conf_load_file(path, &c, err, sizeof err))
		fail_msg("%s", err);
	assert_string_equal(c.path, path);
	assert_string_equal(c.current_context, "demo");
	assert_string_equal(c.theme, "light");
	assert_string_equal(c.dashboard, "icn-overview");
	assert_int_equal(c.refresh_ms, 5000);
	assert_int_equal(c.timeout_ms, 90000);
	assert_int_equal(c.n_contexts, 3);
	assert_int_equal(c.clipboard, -1); /* not set: on */

	const conf_context_t *d = &c.contexts[0];
	assert_string_equal(d->name, "demo");
	assert_string_equal(d->color, "green");
	assert_string_equal(d->prometheus, "http://127.0.0.1:9090");
	assert_int_equal(d->n_alertmanager, 1);
	assert_string_equal(d->alertmanager[0], "http://127.0.0.1:9093");
	assert_string_equal(d->loki, "http://127.0.0.1:3100");
	assert_string_equal(d->loki_org_id, "tenant1");
	assert_string_equal(d->loki_bearer_token, "s3cr3t");
	assert_string_equal(d->jaeger, "http://127.0.0.1:16686");

	const conf_context_t *p = &c.contexts[1];
	assert_string_equal(p->name, "prod-eu");
	assert_string_equal(p->color, "#ff8700");
	/* The trailing slash goes: backends append "/api/v1/...". */
	assert_string_equal(p->prometheus, "https://mimir.example.org/prometheus");
	assert_int_equal(p->n_alertmanager, 3);
	assert_string_equal(p->alertmanager[2], "https://am-2.example.org:9093");
	assert_string_equal(p->loki_org_id, "42");
	assert_null(p->jaeger);
	assert_null(p->loki_bearer_token);

	const conf_context_t *e = &c.contexts[2];
	assert_string_equal(e->name, "empty");
	assert_null(e->prometheus);
	assert_int_equal(e->n_alertmanager, 0);

	conf_free(&c);
	assert_null(c.contexts);
	free(path);
}

static void test_bad_file(void **state)
{
	char *path = data_path("conf-bad.yaml");
	char err[512] = "";
	char *want = xasprintf("%s:5:13: invalid URL '127.0.0.1:16686' for jaeger "
			       "(must start with http:// or https://)", path);
	conf_t c;
	(void)state;
	assert_int_equal(conf_load_file(path, &c, err, sizeof err), -1);
	assert_string_equal(err, want);
	assert_int_equal(c.n_contexts, 0);
	assert_null(c.contexts);
	free(want);
	free(path);

	assert_int_equal(conf_load_file("/nonexistent/icn/config.yaml", &c, err, sizeof err), -1);
	assert_string_equal(err, "/nonexistent/icn/config.yaml: No such file or directory");
}

static void test_empty_is_valid(void **state)
{
	static const char *const empties[] = { "", "# only a comment\n", "---\n", "\n\n", "~\n",
					       "{}\n", "contexts:\n", "contexts: {}\n" };
	char err[256];
	conf_t c;
	(void)state;
	for (size_t i = 0; i < sizeof empties / sizeof empties[0]; i++) {
		err[0] = 0;
		if (load(empties[i], &c, err, sizeof err))
			fail_msg("'%s' refused: %s", empties[i], err);
		assert_int_equal(c.n_contexts, 0);
		assert_null(c.current_context);
		assert_int_equal(c.refresh_ms, 0);
		conf_free(&c);
	}
}

static void test_limits(void **state)
{
	(void)state;
	char err[512];
	conf_t c;
	assert_int_equal(load("limits:\n  answer-size: 16MB\n  series: 300\n", &c, err, sizeof err), 0);
	assert_true(c.max_answer == 16LL << 20);
	assert_true(c.max_series == 300);
	conf_free(&c);
	assert_int_equal(load("theme: dark\n", &c, err, sizeof err), 0);
	assert_true(c.max_answer == 0 && c.max_series == 0);
	conf_free(&c);
	long long v;
	assert_int_equal(conf_size_parse("512KiB", &v), 0);
	assert_true(v == 512 * 1024);
	assert_int_equal(conf_size_parse("1.5 GB", &v), 0);
	assert_true(v == 3LL << 29);
	assert_int_equal(conf_size_parse("4096", &v), 0);
	assert_true(v == 4096);
	assert_int_equal(load("logs:\n  scrollback: 5000\n  scrollback-size: 8MB\n  labels:\n    instance: host\n"
			      "    node: pod\n", &c, err, sizeof err), 0);
	assert_true(c.log_lines == 5000 && c.log_bytes == 8LL << 20);
	assert_int_equal(c.n_log_labels, 2);
	assert_string_equal(c.log_labels[0].name, "instance");
	assert_string_equal(c.log_labels[0].value, "host");
	assert_string_equal(c.log_labels[1].name, "node");
	conf_free(&c);
	assert_int_equal(conf_size_parse("16MX", &v), -1);
	assert_int_equal(conf_size_parse("-1", &v), -1);
	assert_int_equal(conf_size_parse("", &v), -1);
}

static void test_bad_configs(void **state)
{
	static const struct {
		const char *yaml;
		const char *want;
	} cases[] = {
		{ "contexts:\n  demo:\n    promethues: http://x\n",
		  "config.yaml:3:5: unknown key 'promethues' in context 'demo' (expected one of: "
		  "color, prometheus, alertmanager, loki, loki-org-id, loki-bearer-token, jaeger, "
		  "read-only)" },
		{ "themes: dark\n",
		  "config.yaml:1:1: unknown key 'themes' (expected one of: current-context, theme, "
		  "dashboard, refresh, timeout, bell, clipboard, ack, limits, logs, contexts)" },
		{ "logs:\n  scrollback: 0\n",
		  "config.yaml:2:15: logs scrollback must be a whole number from 1 to 10000000" },
		{ "logs:\n  scrollback-size: 1KB\n",
		  "config.yaml:2:20: logs scrollback-size must be at least 1048576 bytes" },
		{ "logs:\n  lines: 5\n",
		  "config.yaml:2:3: unknown key 'lines' in logs (expected one of: scrollback, scrollback-size, labels)" },
		{ "logs:\n  labels:\n    node: my-pod\n",
		  "config.yaml:3:11: logs labels: 'my-pod' is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)" },
		{ "logs:\n  labels:\n    node: [pod]\n",
		  "config.yaml:3:11: logs labels: each is 'alert-label: stream-label'" },
		{ "clipboard: sometimes\n", "config.yaml:1:12: expected true or false for clipboard" },
		{ "limits:\n  answer-size: lots\n",
		  "config.yaml:2:16: invalid size 'lots' for limits answer-size (expected e.g. 16MB, 512KB)" },
		{ "limits:\n  answer-size: 10\n",
		  "config.yaml:2:16: limits answer-size must be at least 4096 bytes" },
		{ "limits:\n  series: 0\n",
		  "config.yaml:2:11: limits series must be a whole number from 1 to 100000" },
		{ "limits:\n  series: 2.5\n",
		  "config.yaml:2:11: limits series must be a whole number from 1 to 100000" },
		{ "limits:\n  rows: 5\n",
		  "config.yaml:2:3: unknown key 'rows' in limits (expected one of: answer-size, series)" },
		{ "bell: maybe\n", "config.yaml:1:7: expected true or false for bell" },
		{ "ack:\n  duration: forever\n",
		  "config.yaml:2:13: invalid duration 'forever' for ack duration (expected e.g. 500ms, 5s, 1m30s)" },
		{ "ack:\n  who: me\n",
		  "config.yaml:2:3: unknown key 'who' in ack (expected one of: duration, author)" },
		{ "contexts:\n  p:\n    read-only: 2\n",
		  "config.yaml:3:16: expected true or false for read-only" },
		{ "theme: dark\nrefresh: 5s\ntheme: light\n",
		  "config.yaml:3:1: duplicate key 'theme' (first at line 1)" },
		{ "contexts:\n  a: {}\n  b: {}\n  a: {}\n",
		  "config.yaml:4:3: duplicate key 'a' (first at line 2)" },
		{ "contexts:\n  a:\n    loki: http://l\n    loki: http://m\n",
		  "config.yaml:4:5: duplicate key 'loki' in context 'a' (first at line 3)" },
		/* libyaml's own messages, with its position made 1-based */
		{ "theme: a: b\n", "config.yaml:1:9: mapping values are not allowed in this context" },
		{ "contexts:\n\tdemo: {}\n",
		  "config.yaml:2:1: found character that cannot start any token" },
		{ "theme: \"dark\n", "config.yaml:2:1: found unexpected end of stream" },
		{ "contexts: [a, b\n", "config.yaml:2:1: did not find expected ',' or ']'" },
		{ "theme: dark\n  refresh: 5s\n",
		  "config.yaml:2:10: mapping values are not allowed in this context" },
		{ "- a\n- b\n", "config.yaml:1:1: expected a mapping" },
		{ "theme: [dark]\n", "config.yaml:1:8: expected a string" },
		{ "contexts: [demo]\n", "config.yaml:1:11: expected a mapping" },
		{ "contexts:\n  demo: http://x\n", "config.yaml:2:9: expected a mapping" },
		{ "contexts:\n  ? [a]\n  : {}\n", "config.yaml:2:5: expected a string as key" },
		{ "contexts:\n  \"\": {}\n", "config.yaml:2:3: empty context name" },
		{ "refresh: 5\n",
		  "config.yaml:1:10: invalid duration '5' for refresh (expected e.g. 500ms, 5s, 1m30s)" },
		{ "timeout: -1s\n",
		  "config.yaml:1:10: invalid duration '-1s' for timeout (expected e.g. 500ms, 5s, 1m30s)" },
		{ "refresh: 0s\n", "config.yaml:1:10: refresh must be longer than 0" },
		{ "refresh: {a: 1}\n", "config.yaml:1:10: expected a duration for refresh" },
		{ "contexts:\n  demo:\n    prometheus: localhost:9090\n",
		  "config.yaml:3:17: invalid URL 'localhost:9090' for prometheus (must start with "
		  "http:// or https://)" },
		{ "contexts:\n  demo:\n    loki: ftp://x\n",
		  "config.yaml:3:11: invalid URL 'ftp://x' for loki (must start with http:// or https://)" },
		{ "contexts:\n  demo:\n    jaeger: http://\n",
		  "config.yaml:3:13: invalid URL 'http://' for jaeger (has no host)" },
		{ "contexts:\n  demo:\n    jaeger: \"http://a b\"\n",
		  "config.yaml:3:13: invalid URL 'http://a b' for jaeger (contains a blank or control "
		  "character)" },
		{ "contexts:\n  demo:\n    prometheus: [http://x]\n",
		  "config.yaml:3:17: expected a URL or a mapping with url for prometheus" },
		{ "contexts:\n  demo:\n    alertmanager: {a: http://x}\n",
		  "config.yaml:3:20: unknown key 'a' in alertmanager (expected one of: url, basic-auth, "
		  "bearer-token-file, credential-command, headers, tls, proxy-url, timeout)" },
		/* a backend as a mapping */
		{ "contexts:\n  demo:\n    prometheus: {tls: {}}\n",
		  "config.yaml:3:17: prometheus: url is missing" },
		{ "contexts:\n  demo:\n    prometheus:\n      url: http://p\n      basic-auth: {username: a}\n",
		  "config.yaml:5:19: prometheus basic-auth needs username and password-file" },
		{ "contexts:\n  demo:\n    prometheus:\n      url: http://p\n      basic-auth: {username: a, password: x}\n",
		  "config.yaml:5:33: unknown key 'password' in prometheus basic-auth (expected one of: "
		  "username, password-file)" },
		{ "contexts:\n  demo:\n    prometheus:\n      url: http://p\n      basic-auth: {username: a, password-file: f}\n      bearer-token-file: t\n",
		  "config.yaml:4:7: prometheus: choose one of basic-auth, bearer-token-file and "
		  "credential-command" },
		{ "contexts:\n  demo:\n    prometheus:\n      url: \"https://u:pw@p\"\n      basic-auth: {username: a, password-file: f}\n",
		  "config.yaml:5:19: prometheus: a user:password in the url and basic-auth: choose one" },
		{ "contexts:\n  demo:\n    loki:\n      url: http://l\n      headers: {\"X Bad\": 1}\n",
		  "config.yaml:5:17: invalid header name 'X Bad' in loki headers" },
		{ "contexts:\n  demo:\n    loki:\n      url: http://l\n      headers: [X-Scope-OrgID]\n",
		  "config.yaml:5:16: expected a mapping of header names to values for loki headers" },
		{ "contexts:\n  demo:\n    loki:\n      url: http://l\n      tls: {ca: x}\n",
		  "config.yaml:5:13: unknown key 'ca' in loki tls (expected one of: ca-file, cert-file, "
		  "key-file, server-name, insecure-skip-verify)" },
		{ "contexts:\n  demo:\n    loki:\n      url: http://l\n      tls: {cert-file: c.pem}\n",
		  "config.yaml:5:12: loki tls: cert-file and key-file go together" },
		{ "contexts:\n  demo:\n    loki:\n      url: http://l\n      tls: {insecure-skip-verify: please}\n",
		  "config.yaml:5:35: expected true or false for insecure-skip-verify" },
		{ "contexts:\n  demo:\n    loki:\n      url: http://l\n      tls: {server-name: \"a:1\"}\n",
		  "config.yaml:5:26: expected a host name for loki tls server-name" },
		{ "contexts:\n  demo:\n    jaeger:\n      url: http://j\n      proxy-url: \"ftp://u:secret@px\"\n",
		  "config.yaml:5:18: invalid proxy-url 'ftp://u:***@px' for jaeger (expected http://, "
		  "https:// or socks5://)" },
		{ "contexts:\n  demo:\n    jaeger:\n      url: http://j\n      timeout: soon\n",
		  "config.yaml:5:16: invalid duration 'soon' for jaeger timeout (expected e.g. 500ms, 5s, "
		  "1m30s)" },
		{ "contexts:\n  demo:\n    alertmanager:\n      - http://a\n      - {url: http://b, tls: 1}\n",
		  "config.yaml:5:30: expected a mapping for alertmanager 2 tls" },
		/* a password in a bad URL is not repeated */
		{ "contexts:\n  demo:\n    prometheus: \"htp://admin:hunter2@p\"\n",
		  "config.yaml:3:17: invalid URL 'htp://admin:***@p' for prometheus (must start with "
		  "http:// or https://)" },
		{ "contexts:\n  demo:\n    alertmanager: [http://a, nope]\n",
		  "config.yaml:3:30: invalid URL 'nope' for alertmanager 2 (must start with http:// or "
		  "https://)" },
		{ "contexts:\n  demo:\n    alertmanager:\n      - http://a\n      -\n",
		  "config.yaml:5:8: expected a URL for alertmanager" },
		{ "contexts:\n  demo:\n    alertmanager: [http://a1, http://a2, http://a3, http://a4,"
		  " http://a5, http://a6, http://a7, http://a8, http://a9]\n",
		  "config.yaml:3:108: too many alertmanager URLs (at most 8)" },
		{ "contexts:\n  demo:\n    color: chartreuse\n",
		  "config.yaml:3:12: unknown colour 'chartreuse' for color (expected a colour name, "
		  "0..255 or #rrggbb)" },
		{ "contexts:\n  demo:\n    loki-org-id: [a]\n", "config.yaml:3:18: expected a string" },
		{ "base: &b {prometheus: http://x}\ncontexts:\n  demo: *b\n",
		  "config.yaml:3:9: aliases are not supported" },
		{ "theme: dark\n---\ntheme: light\n", "config.yaml:2:1: expected a single document" },
		{ "theme: \"a\\0b\"\n", "config.yaml:1:8: a NUL character is not allowed in a string" },
		{ "theme: \xff\n", "config.yaml:1:8: invalid leading UTF-8 octet (#xFF)" },
		{ "theme: a\x01\n", "config.yaml:1:9: control characters are not allowed (#x01)" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char err[512] = "";
		conf_t c;
		if (load(cases[i].yaml, &c, err, sizeof err) != -1)
			fail_msg("case %zu accepted:\n%s", i, cases[i].yaml);
		if (strcmp(err, cases[i].want))
			fail_msg("case %zu:\n got: %s\nwant: %s", i, err, cases[i].want);
		assert_int_equal(c.n_contexts, 0);
		assert_null(c.path);
	}
}

/* A tiny error buffer truncates the message but stays terminated. */
static void test_short_err_buffer(void **state)
{
	char err[12];
	conf_t c;
	(void)state;
	memset(err, 'x', sizeof err);
	assert_int_equal(load("themes: x\n", &c, err, sizeof err), -1);
	assert_string_equal(err, "config.yaml");
	assert_int_equal(load("themes: x\n", &c, NULL, 0), -1);
}

/* Whatever the bytes, the loader answers (0 or -1 with a positioned
 * message) without crashing; ASan and LeakSanitizer watch the rest. */
static void check_survives(const char *what, const char *buf, size_t len)
{
	char err[512] = "";
	conf_t c;
	int rc = conf_load_string("hostile.yaml", buf, len, &c, err, sizeof err);
	if (rc == 0) {
		conf_free(&c);
		return;
	}
	if (rc != -1 || strncmp(err, "hostile.yaml:", 13))
		fail_msg("%s: rc %d, err '%s'", what, rc, err);
}

static void test_hostile_inputs(void **state)
{
	strbuf_t b;
	(void)state;

	/* Binary junk from a fixed-seed generator, many lengths. */
	unsigned x = 12345;
	for (int round = 0; round < 200; round++) {
		size_t len = (size_t)(round * 37 % 4096);
		char *junk = xmalloc(len + 1);
		for (size_t i = 0; i < len; i++) {
			x = x * 1103515245u + 12345u;
			junk[i] = (char)(x >> 16);
		}
		check_survives("junk", junk, len);
		free(junk);
	}

	/* Deep nesting is refused with a position, not by blowing the stack. */
	sb_init(&b);
	for (int i = 0; i < 100000; i++)
		sb_puts(&b, "[");
	{
		char err[256] = "";
		conf_t c;
		assert_int_equal(conf_load_string("deep.yaml", b.s, b.len, &c, err, sizeof err), -1);
		assert_string_equal(err, "deep.yaml:1:65: nesting deeper than 64 levels");
	}
	sb_free(&b);
	sb_init(&b);
	for (int i = 0; i < 2000; i++)
		sb_printf(&b, "%*sk%d:\n", i * 2, "", i);
	check_survives("deep block mapping", b.s, b.len);
	sb_free(&b);

	/* A huge scalar: loaded when it is a fine string, refused when a URL. */
	sb_init(&b);
	sb_puts(&b, "contexts:\n  demo:\n    loki-org-id: ");
	for (int i = 0; i < 1 << 20; i++)
		sb_add(&b, "a", 1);
	sb_puts(&b, "\n    prometheus: http://");
	for (int i = 0; i < 1 << 16; i++)
		sb_add(&b, " ", 1);
	sb_puts(&b, "x\n");
	{
		char err[256] = "";
		conf_t c;
		assert_int_equal(conf_load_string("big.yaml", b.s, b.len, &c, err, sizeof err), -1);
		assert_int_equal(strncmp(err, "big.yaml:4:17: invalid URL 'http://", 35), 0);
		assert_true(strlen(err) == sizeof err - 1); /* truncated, terminated */
	}
	sb_free(&b);

	/* Billion laughs: refused at the first alias. */
	static const char laughs[] =
		"a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a]\n"
		"c: &c [*b, *b, *b, *b, *b, *b, *b]\n";
	check_survives("laughs", laughs, sizeof laughs - 1);
	/* Tabs, CRLF, BOM, NULs, an unterminated flow, a lone key. */
	static const char *const odd[] = {
		"\ttheme: dark\n", "theme:\tdark\r\n", "\xef\xbb\xbftheme: dark\n", "[{\n",
		"? \n", "!!binary theme: x\n", "theme: !!int dark\n", "&a theme: dark\n",
		"contexts: {demo: {prometheus: http://x}, demo2: }\n", "'\n", "%YAML 1.1\n---\n",
		"%YAML 9.9\n---\na: 1\n", "%TAG ! tag:x,2000:\n---\n!a b: c\n",
	};
	for (size_t i = 0; i < sizeof odd / sizeof odd[0]; i++)
		check_survives(odd[i], odd[i], strlen(odd[i]));
	check_survives("nul", "theme: d\0ark\n", 13);
}

static const char *env_vals[16][2];

static const char *fake_getenv(const char *name)
{
	for (size_t i = 0; i < 16 && env_vals[i][0]; i++)
		if (!strcmp(env_vals[i][0], name))
			return env_vals[i][1];
	return NULL;
}

static void env_set(size_t i, const char *name, const char *val)
{
	env_vals[i][0] = name;
	env_vals[i][1] = val;
	if (i + 1 < 16)
		env_vals[i + 1][0] = NULL;
}

static const char two_contexts[] =
	"current-context: demo\n"
	"contexts:\n"
	"  demo:\n"
	"    color: green\n"
	"    prometheus: http://file-prom:9090\n"
	"    alertmanager: [http://file-am1:9093, http://file-am2:9093]\n"
	"    loki: http://file-loki:3100\n"
	"    loki-org-id: file-tenant\n"
	"    jaeger: http://file-jaeger:16686\n"
	"  staging:\n"
	"    prometheus: http://staging-prom:9090\n";

static void test_resolve_precedence(void **state)
{
	char err[256] = "";
	conf_t c;
	conf_context_t r;
	conf_overrides_t ov = { 0 };
	(void)state;

	assert_int_equal(load(two_contexts, &c, err, sizeof err), 0);

	/* File only. */
	env_set(0, NULL, NULL);
	assert_int_equal(conf_resolve(&c, NULL, fake_getenv, &r, err, sizeof err), 0);
	assert_string_equal(r.name, "demo");
	assert_string_equal(r.color, "green");
	assert_string_equal(r.prometheus, "http://file-prom:9090");
	assert_int_equal(r.n_alertmanager, 2);
	assert_string_equal(r.loki_org_id, "file-tenant");
	assert_null(r.loki_bearer_token);
	conf_context_free(&r);

	/* Environment over file; empty variables count as unset. */
	env_set(0, "PROMETHEUS_URL", "http://env-prom:9090/");
	env_set(1, "ALERTMANAGER_URL", " http://env-am1:9093 ,, http://env-am2:9093,http://env-am3 ");
	env_set(2, "LOKI_ADDR", "");
	env_set(3, "LOKI_ORG_ID", "env-tenant");
	env_set(4, "LOKI_BEARER_TOKEN", "env-token");
	env_set(5, "LOKI_USERNAME", "oncall");
	env_set(6, "LOKI_PASSWORD", "s3cret");
	env_set(7, "JAEGER_URL", "https://env-jaeger");
	assert_int_equal(conf_resolve(&c, &ov, fake_getenv, &r, err, sizeof err), 0);
	assert_string_equal(r.loki_username, "oncall");
	assert_string_equal(r.loki_password, "s3cret");
	assert_string_equal(r.prometheus, "http://env-prom:9090");
	assert_int_equal(r.n_alertmanager, 3);
	assert_string_equal(r.alertmanager[0], "http://env-am1:9093");
	assert_string_equal(r.alertmanager[1], "http://env-am2:9093");
	assert_string_equal(r.alertmanager[2], "http://env-am3");
	assert_string_equal(r.loki, "http://file-loki:3100");
	assert_string_equal(r.loki_org_id, "env-tenant");
	assert_string_equal(r.loki_bearer_token, "env-token");
	assert_string_equal(r.jaeger, "https://env-jaeger");
	conf_context_free(&r);

	/* Flags over environment. */
	ov.prometheus = "http://flag-prom:9090";
	ov.alertmanager[0] = "http://flag-am:9093";
	ov.n_alertmanager = 1;
	ov.loki = "http://flag-loki";
	ov.jaeger = "";
	assert_int_equal(conf_resolve(&c, &ov, fake_getenv, &r, err, sizeof err), 0);
	assert_string_equal(r.prometheus, "http://flag-prom:9090");
	assert_int_equal(r.n_alertmanager, 1);
	assert_string_equal(r.alertmanager[0], "http://flag-am:9093");
	assert_null(r.alertmanager[1]);
	assert_string_equal(r.loki, "http://flag-loki");
	assert_string_equal(r.jaeger, "https://env-jaeger"); /* empty flag = unset */
	conf_context_free(&r);

	/* --context beats current-context; env still layers over it. */
	ov = (conf_overrides_t){ .context = "staging" };
	env_set(0, "LOKI_ADDR", "http://env-loki");
	assert_int_equal(conf_resolve(&c, &ov, fake_getenv, &r, err, sizeof err), 0);
	assert_string_equal(r.name, "staging");
	assert_string_equal(r.prometheus, "http://staging-prom:9090");
	assert_int_equal(r.n_alertmanager, 0);
	assert_string_equal(r.loki, "http://env-loki");
	assert_null(r.color);
	conf_context_free(&r);

	/* Errors. */
	ov.context = "prod";
	assert_int_equal(conf_resolve(&c, &ov, fake_getenv, &r, err, sizeof err), -1);
	assert_string_equal(err, "no context 'prod' in config.yaml (have: demo, staging)");
	assert_null(r.name);
	ov.context = NULL;
	env_set(0, "PROMETHEUS_URL", "prom:9090");
	assert_int_equal(conf_resolve(&c, &ov, fake_getenv, &r, err, sizeof err), -1);
	assert_string_equal(err, "PROMETHEUS_URL: invalid URL 'prom:9090' (must start with http:// "
				 "or https://)");
	assert_null(r.name);
	env_set(0, "ALERTMANAGER_URL", "http://1,http://2,http://3,http://4,http://5,http://6,"
				       "http://7,http://8,http://9");
	assert_int_equal(conf_resolve(&c, &ov, fake_getenv, &r, err, sizeof err), -1);
	assert_string_equal(err, "ALERTMANAGER_URL: too many URLs (at most 8)");
	env_set(0, NULL, NULL);
	ov.loki = "loki";
	assert_int_equal(conf_resolve(&c, &ov, fake_getenv, &r, err, sizeof err), -1);
	assert_string_equal(err, "--loki: invalid URL 'loki' (must start with http:// or https://)");
	conf_free(&c);
}

static void test_resolve_context_choice(void **state)
{
	char err[256] = "";
	conf_t c;
	conf_context_t r;
	conf_overrides_t ov = { 0 };
	(void)state;
	env_set(0, NULL, NULL);

	/* The only context is picked without current-context. */
	assert_int_equal(load("contexts:\n  solo:\n    prometheus: http://solo\n", &c, err,
			      sizeof err), 0);
	assert_int_equal(conf_resolve(&c, NULL, fake_getenv, &r, err, sizeof err), 0);
	assert_string_equal(r.name, "solo");
	assert_string_equal(r.prometheus, "http://solo");
	conf_context_free(&r);
	conf_free(&c);

	/* Several and none chosen: an empty "default" that env and flags fill. */
	assert_int_equal(load("contexts:\n  a: {}\n  b: {}\n", &c, err, sizeof err), 0);
	env_set(0, "PROMETHEUS_URL", "http://127.0.0.1:9090");
	assert_int_equal(conf_resolve(&c, NULL, fake_getenv, &r, err, sizeof err), 0);
	assert_string_equal(r.name, "default");
	assert_string_equal(r.prometheus, "http://127.0.0.1:9090");
	assert_null(r.loki);
	conf_context_free(&r);

	/* Several, none chosen, and nothing to run on: say so and name them (not
	 * "no Prometheus URL for context 'default'"). */
	env_set(0, NULL, NULL);
	assert_int_equal(conf_resolve(&c, NULL, fake_getenv, &r, err, sizeof err), -1);
	assert_string_equal(err, "config.yaml: several contexts (a, b) and no current-context: "
				 "choose one with --context NAME or set current-context");
	assert_null(r.name);
	ov.alertmanager[0] = "http://am:9093";
	ov.n_alertmanager = 1;
	assert_int_equal(conf_resolve(&c, &ov, fake_getenv, &r, err, sizeof err), 0);
	assert_string_equal(r.name, "default");
	conf_context_free(&r);
	ov = (conf_overrides_t){ 0 };
	env_set(0, "PROMETHEUS_URL", "http://127.0.0.1:9090");

	/* A current-context that names nothing is an error too. */
	conf_free(&c);
	assert_int_equal(load("current-context: gone\ncontexts:\n  a: {}\n", &c, err, sizeof err), 0);
	assert_int_equal(conf_resolve(&c, NULL, fake_getenv, &r, err, sizeof err), -1);
	assert_string_equal(err, "no context 'gone' in config.yaml (have: a)");
	conf_free(&c);

	/* No file at all. */
	assert_int_equal(conf_resolve(NULL, NULL, fake_getenv, &r, err, sizeof err), 0);
	assert_string_equal(r.name, "default");
	assert_string_equal(r.prometheus, "http://127.0.0.1:9090");
	conf_context_free(&r);
	ov.context = "prod";
	assert_int_equal(conf_resolve(NULL, &ov, fake_getenv, &r, err, sizeof err), -1);
	assert_string_equal(err, "no context 'prod' (no config file)");
	env_set(0, NULL, NULL);
}

static void test_context_copy(void **state)
{
	char err[256] = "";
	conf_t c;
	conf_context_t a, b;
	(void)state;
	assert_int_equal(load(two_contexts, &c, err, sizeof err), 0);
	conf_context_copy(&a, &c.contexts[0]);
	conf_free(&c); /* the copy owns its strings */
	assert_string_equal(a.name, "demo");
	assert_string_equal(a.alertmanager[1], "http://file-am2:9093");
	conf_context_copy(&b, &a);
	conf_context_free(&a);
	assert_string_equal(b.jaeger, "http://file-jaeger:16686");
	assert_int_equal(b.n_alertmanager, 2);
	conf_context_free(&b);
	assert_null(b.name);
}

static void test_default_path(void **state)
{
	char dir[] = "/tmp/icn-conf-test-XXXXXX";
	char *sub, *file, *p;
	FILE *f;
	(void)state;

	assert_non_null(mkdtemp(dir));
	sub = xasprintf("%s/icn-console", dir);
	file = xasprintf("%s/config.yaml", sub);
	assert_int_equal(mkdir(sub, 0700), 0);
	f = fopen(file, "w");
	assert_non_null(f);
	fputs("theme: dark\n", f);
	fclose(f);

	setenv("XDG_CONFIG_HOME", dir, 1);
	p = conf_default_path();
	assert_non_null(p);
	assert_string_equal(p, file);
	free(p);

	/* Without XDG_CONFIG_HOME: ~/.config. */
	unsetenv("XDG_CONFIG_HOME");
	char *home = xasprintf("%s/home", dir);
	char *cfg = xasprintf("%s/.config", home);
	char *cfgsub = xasprintf("%s/icn-console", cfg);
	char *cfgfile = xasprintf("%s/config.yaml", cfgsub);
	assert_int_equal(mkdir(home, 0700), 0);
	assert_int_equal(mkdir(cfg, 0700), 0);
	assert_int_equal(mkdir(cfgsub, 0700), 0);
	assert_int_equal(rename(file, cfgfile), 0);
	setenv("HOME", home, 1);
	p = conf_default_path();
	assert_non_null(p);
	assert_string_equal(p, cfgfile);
	free(p);

	/* Nothing there: the system file, which a test machine does not have. */
	unlink(cfgfile);
	p = conf_default_path();
	char *sys = xasprintf("%s/icn-console/config.yaml", SYSCONFDIR);
	if (access(sys, R_OK) == 0)
		assert_string_equal(p, sys);
	else
		assert_null(p);
	free(p);
	free(sys);

	rmdir(cfgsub);
	rmdir(cfg);
	rmdir(home);
	rmdir(sub);
	rmdir(dir);
	free(home);
	free(cfg);
	free(cfgsub);
	free(cfgfile);
	free(sub);
	free(file);
}

/* A scratch directory with files of given modes, for the secret files. */
static char *scratch_dir(void)
{
	char tmpl[] = "/tmp/test_conf_XXXXXX";
	assert_non_null(mkdtemp(tmpl));
	return xstrdup(tmpl);
}

static char *put_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char *p = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(p, mode), 0);
	return p;
}

static void test_url_redact(void **state)
{
	static const char *const cases[][2] = {
		{ "https://user:pass@host:9090/x", "https://user:***@host:9090/x" },
		{ "http://tok@host/", "http://***@host/" },
		{ "http://host:9090/a@b", "http://host:9090/a@b" }, /* an @ in the path is not userinfo */
		{ "http://host?q=a:b@c", "http://host?q=a:b@c" },
		{ "http://a:b@c@host", "http://a:***@host" },
		{ "not a url", "not a url" },
		{ "", "" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *r = conf_url_redact(cases[i][0]);
		assert_string_equal(r, cases[i][1]);
		free(r);
	}
}

/* A user:password in a URL leaves the URL for the backend's basic auth, from
 * the file, the environment and the flags alike, percent-decoded. */
static void test_url_userinfo(void **state)
{
	char err[256] = "";
	conf_t c;
	conf_context_t r;
	(void)state;
	assert_int_equal(load("contexts:\n  d:\n    prometheus: \"https://admin:s%40cret@p.example:9090/\"\n"
			      "    alertmanager: [\"http://am:pw@a1\", http://a2]\n", &c, err, sizeof err), 0);
	const conf_context_t *d = &c.contexts[0];
	assert_string_equal(d->prometheus, "https://p.example:9090");
	assert_string_equal(d->prometheus_opts.username, "admin");
	assert_string_equal(d->prometheus_opts.password, "s@cret");
	assert_string_equal(d->alertmanager[0], "http://a1");
	assert_string_equal(d->alertmanager_opts[0].password, "pw");
	assert_null(d->alertmanager_opts[1].username);

	env_set(0, "PROMETHEUS_URL", "http://envuser:envpass@other:1");
	env_set(1, "LOKI_ADDR", "http://lu:lp@loki:3100");
	conf_overrides_t ov = { 0 };
	ov.jaeger = "http://ju:jp@jaeger:16686";
	assert_int_equal(conf_resolve(&c, &ov, fake_getenv, &r, err, sizeof err), 0);
	assert_string_equal(r.prometheus, "http://other:1");
	assert_string_equal(r.prometheus_opts.username, "envuser");
	assert_string_equal(r.prometheus_opts.password, "envpass");
	assert_string_equal(r.loki, "http://loki:3100");
	assert_string_equal(r.loki_opts.password, "lp");
	assert_string_equal(r.jaeger, "http://jaeger:16686");
	assert_string_equal(r.jaeger_opts.username, "ju");
	conf_context_free(&r);

	/* an invalid URL's password is not in the message */
	env_set(0, "PROMETHEUS_URL", "htp://envuser:envpass@other:1");
	assert_int_equal(conf_resolve(&c, NULL, fake_getenv, &r, err, sizeof err), -1);
	assert_string_equal(err, "PROMETHEUS_URL: invalid URL 'htp://envuser:***@other:1' (must start "
				 "with http:// or https://)");
	env_set(0, NULL, NULL);
	conf_free(&c);
}

static void test_backend_mapping(void **state)
{
	char err[512] = "";
	conf_t c;
	const char *home = getenv("HOME");
	(void)state;
	setenv("HOME", "/home/oncall", 1);
	static const char yaml[] =
		"contexts:\n"
		"  prod:\n"
		"    prometheus:\n"
		"      url: https://prometheus.prod.example:9090/\n"
		"      basic-auth: { username: oncall, password-file: ~/.config/icn-console/prod.pw }\n"
		"      tls: { ca-file: /etc/icn/ca.pem }\n"
		"    alertmanager:\n"
		"      - url: https://am1:9093\n"
		"        tls: { ca-file: ca.pem, cert-file: c.pem, key-file: k.pem, server-name: am.internal }\n"
		"        proxy-url: http://proxy:3128\n"
		"        timeout: 2s\n"
		"      - http://am2:9093\n"
		"    loki:\n"
		"      url: https://loki\n"
		"      bearer-token-file: /run/secrets/loki\n"
		"      headers: { X-Scope-OrgID: tenant1, X-Other: \"a b\" }\n"
		"      tls: { insecure-skip-verify: true }\n"
		"    jaeger:\n"
		"      url: http://jaeger\n"
		"      credential-command: get-token --jaeger\n";
	int rc = load(yaml, &c, err, sizeof err);
	if (home)
		setenv("HOME", home, 1);
	if (rc)
		fail_msg("%s", err);
	const conf_context_t *p = &c.contexts[0];
	assert_string_equal(p->prometheus, "https://prometheus.prod.example:9090");
	assert_string_equal(p->prometheus_opts.username, "oncall");
	assert_string_equal(p->prometheus_opts.password_file,
			    "/home/oncall/.config/icn-console/prod.pw");
	assert_null(p->prometheus_opts.password); /* read by conf_resolve, not by the load */
	assert_string_equal(p->prometheus_opts.ca_file, "/etc/icn/ca.pem");
	assert_int_equal(p->prometheus_opts.insecure_skip_verify, 0);
	assert_int_equal(p->n_alertmanager, 2);
	assert_string_equal(p->alertmanager[0], "https://am1:9093");
	assert_string_equal(p->alertmanager_opts[0].cert_file, "c.pem");
	assert_string_equal(p->alertmanager_opts[0].key_file, "k.pem");
	assert_string_equal(p->alertmanager_opts[0].server_name, "am.internal");
	assert_string_equal(p->alertmanager_opts[0].proxy_url, "http://proxy:3128");
	assert_int_equal(p->alertmanager_opts[0].timeout_ms, 2000);
	assert_string_equal(p->alertmanager[1], "http://am2:9093");
	assert_null(p->alertmanager_opts[1].ca_file);
	assert_string_equal(p->loki_opts.bearer_token_file, "/run/secrets/loki");
	assert_int_equal(p->loki_opts.n_headers, 2);
	assert_string_equal(p->loki_opts.headers[0], "X-Scope-OrgID: tenant1");
	assert_string_equal(p->loki_opts.headers[1], "X-Other: a b");
	assert_int_equal(p->loki_opts.insecure_skip_verify, 1);
	assert_string_equal(p->jaeger_opts.credential_command, "get-token --jaeger");

	/* a deep copy */
	conf_context_t cp;
	conf_context_copy(&cp, p);
	assert_string_equal(cp.alertmanager_opts[0].server_name, "am.internal");
	assert_string_equal(cp.loki_opts.headers[1], "X-Other: a b");
	assert_ptr_not_equal(cp.loki_opts.headers[1], p->loki_opts.headers[1]);
	conf_context_free(&cp);
	conf_free(&c);
}

/* conf_resolve reads the password and token files (the first line), says
 * which backend's file is missing or empty, and warns of files others can read. */
static void test_resolve_secrets(void **state)
{
	char err[512] = "";
	conf_t c;
	conf_context_t r;
	(void)state;
	char *dir = scratch_dir();
	char *pw = put_file(dir, "prod.pw", "hunter2\n", 0600);
	char *tok = put_file(dir, "tok", "tok-123\r\nsecond line\n", 0644);
	char *empty = put_file(dir, "empty", "\n", 0600);
	char *yaml = xasprintf("contexts:\n"
			       "  prod:\n"
			       "    prometheus:\n"
			       "      url: http://p\n"
			       "      basic-auth: { username: oncall, password-file: %s }\n"
			       "    alertmanager:\n"
			       "      - http://a1\n"
			       "      - { url: http://a2, bearer-token-file: %s }\n"
			       "  broken:\n"
			       "    loki: { url: http://l, bearer-token-file: %s/missing }\n"
			       "  hollow:\n"
			       "    jaeger: { url: http://j, basic-auth: { username: u, password-file: %s } }\n"
			       "  folder:\n"
			       "    jaeger: { url: http://j, basic-auth: { username: u, password-file: %s } }\n"
			       "  no-ca:\n"
			       "    prometheus: { url: https://p, tls: { ca-file: %s/ca.pem } }\n",
			       pw, tok, dir, empty, dir, dir);
	assert_int_equal(load(yaml, &c, err, sizeof err), 0);
	conf_overrides_t ov = { 0 };
	ov.context = "prod";
	env_set(0, NULL, NULL);
	assert_int_equal(conf_resolve(&c, &ov, fake_getenv, &r, err, sizeof err), 0);
	assert_string_equal(r.prometheus_opts.password, "hunter2");
	assert_string_equal(r.alertmanager_opts[1].bearer_token, "tok-123");
	assert_string_equal(r.color, "red"); /* "prod" in the name, no colour set */
	char *want = xasprintf("alertmanager 2 bearer-token-file %s is open to group or others "
			       "(mode 0644): chmod 600 %s", tok, tok);
	assert_non_null(r.warnings);
	assert_string_equal(r.warnings, want);
	free(want);
	conf_context_free(&r);

	/* A URL from the environment for another server leaves the file's
	 * credentials behind; the same URL keeps them. */
	env_set(0, "PROMETHEUS_URL", "http://elsewhere");
	assert_int_equal(conf_resolve(&c, &ov, fake_getenv, &r, err, sizeof err), 0);
	assert_null(r.prometheus_opts.username);
	assert_null(r.prometheus_opts.password);
	conf_context_free(&r);
	env_set(0, "PROMETHEUS_URL", "http://p/");
	assert_int_equal(conf_resolve(&c, &ov, fake_getenv, &r, err, sizeof err), 0);
	assert_string_equal(r.prometheus_opts.password, "hunter2");
	conf_context_free(&r);
	env_set(0, NULL, NULL);

	ov.context = "broken";
	assert_int_equal(conf_resolve(&c, &ov, fake_getenv, &r, err, sizeof err), -1);
	want = xasprintf("context 'broken': loki bearer-token-file: cannot read '%s/missing': No such "
			 "file or directory", dir);
	assert_string_equal(err, want);
	free(want);
	ov.context = "hollow";
	assert_int_equal(conf_resolve(&c, &ov, fake_getenv, &r, err, sizeof err), -1);
	want = xasprintf("context 'hollow': jaeger password-file '%s' is empty", empty);
	assert_string_equal(err, want);
	free(want);
	ov.context = "folder";
	assert_int_equal(conf_resolve(&c, &ov, fake_getenv, &r, err, sizeof err), -1);
	want = xasprintf("context 'folder': jaeger password-file '%s' is a directory, not a file", dir);
	assert_string_equal(err, want);
	free(want);
	/* a missing ca-file is said at the load, not at the first request */
	ov.context = "no-ca";
	assert_int_equal(conf_resolve(&c, &ov, fake_getenv, &r, err, sizeof err), -1);
	want = xasprintf("context 'no-ca': prometheus tls ca-file: cannot read '%s/ca.pem': No such "
			 "file or directory", dir);
	assert_string_equal(err, want);
	free(want);
	conf_free(&c);

	/* the config file itself */
	char *cfg = put_file(dir, "config.yaml", "theme: dark\n", 0640);
	assert_int_equal(conf_load_file(cfg, &c, err, sizeof err), 0);
	want = xasprintf("config file %s is open to group or others (mode 0640): chmod 600 %s", cfg, cfg);
	assert_string_equal(c.warning, want);
	free(want);
	conf_free(&c);
	assert_int_equal(chmod(cfg, 0600), 0);
	assert_int_equal(conf_load_file(cfg, &c, err, sizeof err), 0);
	assert_null(c.warning);
	conf_free(&c);

	char *files[] = { pw, tok, empty, cfg };
	for (size_t i = 0; i < 4; i++) {
		unlink(files[i]);
		free(files[i]);
	}
	rmdir(dir);
	free(dir);
	free(yaml);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good_file),
		cmocka_unit_test(test_bad_file),
		cmocka_unit_test(test_empty_is_valid),
		cmocka_unit_test(test_bad_configs),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_short_err_buffer),
		cmocka_unit_test(test_hostile_inputs),
		cmocka_unit_test(test_resolve_precedence),
		cmocka_unit_test(test_resolve_context_choice),
		cmocka_unit_test(test_context_copy),
		cmocka_unit_test(test_default_path),
		cmocka_unit_test(test_url_redact),
		cmocka_unit_test(test_url_userinfo),
		cmocka_unit_test(test_backend_mapping),
		cmocka_unit_test(test_resolve_secrets),
	};
	return cmocka_run_group_tests_name("conf", tests, NULL, NULL);
}
