/* Console configuration: the YAML file of contexts, and its layering under environment and flags. */
#include "config.h"
#include "core/conf_int.h"
#include "core/theme.h"
#include "core/units.h"
#include "core/xalloc.h"
#include "core/yamldoc.h"
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const top_keys[] = {
	"current-context", "theme", "dashboard", "refresh", "timeout", "bell", "clipboard", "ack",
	"limits", "logs", "contexts", NULL,
};
static const char *const logs_keys[] = { "scrollback", "scrollback-size", "labels", NULL };
static const char *const ack_keys[] = { "duration", "author", NULL };
static const char *const limits_keys[] = { "answer-size", "series", NULL };
static const char *const ctx_keys[] = {
	"color", "prometheus", "alertmanager", "loki", "loki-org-id", "loki-bearer-token",
	"jaeger", "read-only", NULL,
};

int conf_get_bool(yd_ctx_t *cx, const yd_node_t *n, const char *key, int *out)
{
	if (yd_is_null(n))
		return 0;
	if (n->kind == YD_SCALAR) {
		static const char *const yes[] = { "true", "yes", "on", NULL };
		static const char *const no[] = { "false", "no", "off", NULL };
		for (int i = 0; yes[i]; i++)
			if (!strcasecmp(n->str, yes[i])) {
				*out = 1;
				return 0;
			}
		for (int i = 0; no[i]; i++)
			if (!strcasecmp(n->str, no[i])) {
				*out = 0;
				return 0;
			}
	}
	return yd_fail(cx, n, "expected true or false for %s", key);
}

static int get_alertmanagers(yd_ctx_t *cx, const yd_node_t *n, conf_context_t *ctx)
{
	if (yd_is_null(n))
		return 0;
	if (n->kind == YD_SCALAR || n->kind == YD_MAP) {
		if (conf_get_backend(cx, n, "alertmanager", &ctx->alertmanager[0],
				&ctx->alertmanager_opts[0]))
			return -1;
		ctx->n_alertmanager = 1;
		return 0;
	}
	if (n->kind != YD_SEQ)
		return yd_fail(cx, n, "expected a URL or a list of URLs for alertmanager");
	for (size_t i = 0; i < n->n; i++) {
		const yd_node_t *it = n->kids[i];
		if (ctx->n_alertmanager >= CONF_MAX_AM)
			return yd_fail(cx, it, "too many alertmanager URLs (at most %d)",
				       CONF_MAX_AM);
		if (yd_is_null(it))
			return yd_fail(cx, it, "expected a URL for alertmanager");
		char *what = xasprintf("alertmanager %zu", ctx->n_alertmanager + 1);
		int r = conf_get_backend(cx, it, what, &ctx->alertmanager[ctx->n_alertmanager],
				    &ctx->alertmanager_opts[ctx->n_alertmanager]);
		free(what);
		if (r)
			return -1;
		ctx->n_alertmanager++;
	}
	return 0;
}

static int get_str(yd_ctx_t *cx, const yd_node_t *n, char **out)
{
	free(*out);
	return yd_string(cx, n, out);
}

static int parse_context(yd_ctx_t *cx, const yd_node_t *key, const yd_node_t *n,
			 conf_context_t *ctx)
{
	char *where = xasprintf(" in context '%s'", key->str);
	const yd_node_t *v;
	int rc = -1;

	ctx->name = xstrdup(key->str);
	if (yd_check_map(cx, n, ctx_keys, where))
		goto out;
	if ((v = yd_get(n, "color"))) {
		if (get_str(cx, v, &ctx->color))
			goto out;
		if (ctx->color && theme_color_parse(ctx->color) == -2) {
			yd_fail(cx, v,
				"unknown colour '%s' for color (expected a colour name, 0..255 or #rrggbb)",
				ctx->color);
			goto out;
		}
	}
	if (conf_get_backend(cx, yd_get(n, "prometheus"), "prometheus", &ctx->prometheus,
			&ctx->prometheus_opts) ||
	    get_alertmanagers(cx, yd_get(n, "alertmanager"), ctx) ||
	    conf_get_backend(cx, yd_get(n, "loki"), "loki", &ctx->loki, &ctx->loki_opts) ||
	    get_str(cx, yd_get(n, "loki-org-id"), &ctx->loki_org_id) ||
	    get_str(cx, yd_get(n, "loki-bearer-token"), &ctx->loki_bearer_token) ||
	    conf_get_backend(cx, yd_get(n, "jaeger"), "jaeger", &ctx->jaeger, &ctx->jaeger_opts) ||
	    conf_get_bool(cx, yd_get(n, "read-only"), "read-only", &ctx->read_only))
		goto out;
	rc = 0;
out:
	free(where);
	return rc;
}

int conf_get_duration(yd_ctx_t *cx, const yd_node_t *n, const char *key, long long *ms)
{
	if (yd_is_null(n))
		return 0;
	if (n->kind != YD_SCALAR)
		return yd_fail(cx, n, "expected a duration for %s", key);
	if (duration_parse_ms(n->str, ms))
		return yd_fail(cx, n, "invalid duration '%s' for %s (expected e.g. 500ms, 5s, 1m30s)",
			       n->str, key);
	if (*ms <= 0)
		return yd_fail(cx, n, "%s must be longer than 0", key);
	return 0;
}

/* "16MB", "512KB", "1GB", "20000000": K, M, G are binary (1024) multiples. */
int conf_size_parse(const char *s, long long *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno || !(v >= 0))
		return -1;
	while (*end == ' ')
		end++;
	double m = 1;
	switch (*end) {
	case 'k': case 'K': m = 1024.0; end++; break;
	case 'm': case 'M': m = 1048576.0; end++; break;
	case 'g': case 'G': m = 1073741824.0; end++; break;
	default: break;
	}
	if (m > 1 && (*end == 'i' || *end == 'I'))
		end++;
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end || v * m > 1e15)
		return -1;
	*out = (long long)(v * m);
	return 0;
}

static int get_size(yd_ctx_t *cx, const yd_node_t *n, const char *key, long long min,
		    long long *out)
{
	if (yd_is_null(n))
		return 0;
	if (n->kind != YD_SCALAR || conf_size_parse(n->str, out))
		return yd_fail(cx, n, "invalid size '%s' for %s (expected e.g. 16MB, 512KB)",
			       n->kind == YD_SCALAR ? n->str : "", key);
	if (*out < min)
		return yd_fail(cx, n, "%s must be at least %lld bytes", key, min);
	return 0;
}

/* A Prometheus or Loki label name: [a-zA-Z_][a-zA-Z0-9_]* */
static int label_name_ok(const char *s)
{
	if (!*s || (*s >= '0' && *s <= '9'))
		return 0;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '_'))
			return 0;
	return 1;
}

static int get_count(yd_ctx_t *cx, const yd_node_t *n, const char *key, long long max,
		     long long *out)
{
	double v;
	if (yd_is_null(n))
		return 0;
	if (yd_number(cx, n, &v))
		return -1;
	if (v != floor(v) || v < 1 || v > (double)max)
		return yd_fail(cx, n, "%s must be a whole number from 1 to %lld", key, max);
	*out = (long long)v;
	return 0;
}

int conf_load_string(const char *name, const char *yaml, size_t len, conf_t *out, char *err,
		     size_t errlen)
{
	yd_ctx_t cx = { name, err, errlen };
	yd_node_t *root;
	const yd_node_t *ctxs;

	memset(out, 0, sizeof *out);
	out->bell = -1;
	out->clipboard = -1;
	if (yd_parse(&cx, yaml, len, &root))
		return -1;
	if (yd_check_map(&cx, root, top_keys, NULL) ||
	    yd_string(&cx, yd_get(root, "current-context"), &out->current_context) ||
	    yd_string(&cx, yd_get(root, "theme"), &out->theme) ||
	    yd_string(&cx, yd_get(root, "dashboard"), &out->dashboard) ||
	    conf_get_duration(&cx, yd_get(root, "refresh"), "refresh", &out->refresh_ms) ||
	    conf_get_duration(&cx, yd_get(root, "timeout"), "timeout", &out->timeout_ms) ||
	    conf_get_bool(&cx, yd_get(root, "bell"), "bell", &out->bell) ||
	    conf_get_bool(&cx, yd_get(root, "clipboard"), "clipboard", &out->clipboard))
		goto fail;
	const yd_node_t *ack = yd_get(root, "ack");
	if (yd_check_map(&cx, ack, ack_keys, " in ack") ||
	    conf_get_duration(&cx, yd_get(ack, "duration"), "ack duration", &out->ack_duration_ms) ||
	    yd_string(&cx, yd_get(ack, "author"), &out->ack_author))
		goto fail;
	const yd_node_t *lim = yd_get(root, "limits");
	if (yd_check_map(&cx, lim, limits_keys, " in limits") ||
	    get_size(&cx, yd_get(lim, "answer-size"), "limits answer-size", 4096,
		     &out->max_answer) ||
	    get_count(&cx, yd_get(lim, "series"), "limits series", 100000, &out->max_series))
		goto fail;
	const yd_node_t *logs = yd_get(root, "logs");
	if (yd_check_map(&cx, logs, logs_keys, " in logs") ||
	    get_count(&cx, yd_get(logs, "scrollback"), "logs scrollback", 10000000, &out->log_lines) ||
	    get_size(&cx, yd_get(logs, "scrollback-size"), "logs scrollback-size", 1048576,
		     &out->log_bytes))
		goto fail;
	const yd_node_t *ll = yd_get(logs, "labels");
	if (yd_check_map(&cx, ll, NULL, " in logs labels"))
		goto fail;
	out->n_log_labels = yd_map_size(ll);
	if (out->n_log_labels)
		out->log_labels = xcalloc(out->n_log_labels, sizeof *out->log_labels);
	for (size_t i = 0; i < out->n_log_labels; i++) {
		const yd_node_t *k = yd_map_key(ll, i), *val = yd_map_val(ll, i);
		if (!k->len || !val || val->kind != YD_SCALAR || !val->len) {
			yd_fail(&cx, val ? val : k, "logs labels: each is 'alert-label: stream-label'");
			goto fail;
		}
		if (!label_name_ok(k->str) || !label_name_ok(val->str)) {
			const yd_node_t *bad = label_name_ok(k->str) ? val : k;
			yd_fail(&cx, bad, "logs labels: '%s' is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)",
				bad->str);
			goto fail;
		}
		out->log_labels[i].name = xstrdup(k->str);
		out->log_labels[i].value = xstrdup(val->str);
	}
	ctxs = yd_get(root, "contexts");
	if (yd_check_map(&cx, ctxs, NULL, NULL))
		goto fail;
	out->n_contexts = yd_map_size(ctxs);
	if (out->n_contexts)
		out->contexts = xcalloc(out->n_contexts, sizeof *out->contexts);
	for (size_t i = 0; i < out->n_contexts; i++) {
		const yd_node_t *k = yd_map_key(ctxs, i);
		if (!k->len) {
			yd_fail(&cx, k, "empty context name");
			goto fail;
		}
		if (parse_context(&cx, k, yd_map_val(ctxs, i), &out->contexts[i]))
			goto fail;
	}
	out->path = xstrdup(name);
	yd_free(root);
	return 0;
fail:
	yd_free(root);
	conf_free(out);
	return -1;
}

int conf_load_file(const char *path, conf_t *out, char *err, size_t errlen)
{
	char *buf;
	size_t len;
	int rc;

	memset(out, 0, sizeof *out);
	if (yd_read_file(path, &buf, &len, err, errlen))
		return -1;
	rc = conf_load_string(path, buf, len, out, err, errlen);
	free(buf);
	if (rc == 0)
		out->warning = conf_perm_warning(path, "config file");
	return rc;
}

void conf_context_free(conf_context_t *ctx)
{
	if (!ctx)
		return;
	conf_backend_free(&ctx->prometheus_opts);
	for (size_t i = 0; i < CONF_MAX_AM; i++)
		conf_backend_free(&ctx->alertmanager_opts[i]);
	conf_backend_free(&ctx->loki_opts);
	conf_backend_free(&ctx->jaeger_opts);
	free(ctx->warnings);
	free(ctx->name);
	free(ctx->color);
	free(ctx->prometheus);
	/* every slot: a URL read before its entry failed is not counted yet */
	for (size_t i = 0; i < CONF_MAX_AM; i++)
		free(ctx->alertmanager[i]);
	free(ctx->loki);
	free(ctx->loki_org_id);
	secret_free(ctx->loki_bearer_token);
	free(ctx->loki_username);
	secret_free(ctx->loki_password);
	free(ctx->jaeger);
	memset(ctx, 0, sizeof *ctx);
}

void conf_free(conf_t *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_contexts; i++)
		conf_context_free(&c->contexts[i]);
	free(c->contexts);
	free(c->path);
	free(c->current_context);
	free(c->theme);
	free(c->dashboard);
	free(c->ack_author);
	for (size_t i = 0; i < c->n_log_labels; i++) {
		free(c->log_labels[i].name);
		free(c->log_labels[i].value);
	}
	free(c->log_labels);
	free(c->warning);
	memset(c, 0, sizeof *c);
	c->bell = -1;
	c->clipboard = -1;
}

void conf_context_copy(conf_context_t *dst, const conf_context_t *src)
{
	memset(dst, 0, sizeof *dst);
	conf_backend_copy(&dst->prometheus_opts, &src->prometheus_opts);
	for (size_t i = 0; i < CONF_MAX_AM; i++)
		conf_backend_copy(&dst->alertmanager_opts[i], &src->alertmanager_opts[i]);
	conf_backend_copy(&dst->loki_opts, &src->loki_opts);
	conf_backend_copy(&dst->jaeger_opts, &src->jaeger_opts);
	dst->warnings = conf_dup0(src->warnings);
	dst->name = conf_dup0(src->name);
	dst->color = conf_dup0(src->color);
	dst->prometheus = conf_dup0(src->prometheus);
	for (size_t i = 0; i < src->n_alertmanager && i < CONF_MAX_AM; i++)
		dst->alertmanager[dst->n_alertmanager++] = conf_dup0(src->alertmanager[i]);
	dst->loki = conf_dup0(src->loki);
	dst->loki_org_id = conf_dup0(src->loki_org_id);
	dst->loki_bearer_token = conf_dup0(src->loki_bearer_token);
	dst->loki_username = conf_dup0(src->loki_username);
	dst->loki_password = conf_dup0(src->loki_password);
	dst->jaeger = conf_dup0(src->jaeger);
	dst->read_only = src->read_only;
}

static int file_exists(const char *p)
{
	return access(p, R_OK) == 0;
}

char *conf_default_path(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME");
	const char *home = getenv("HOME");
	char *p = NULL;

	/* The XDG spec says a relative XDG_CONFIG_HOME is to be ignored. */
	if (xdg && xdg[0] == '/')
		p = xasprintf("%s/icn-console/config.yaml", xdg);
	else if (home && *home)
		p = xasprintf("%s/.config/icn-console/config.yaml", home);
	if (p && file_exists(p))
		return p;
	free(p);
	p = xasprintf("%s/icn-console/config.yaml", SYSCONFDIR);
	if (file_exists(p))
		return p;
	free(p);
	return NULL;
}

static const char *env_get(const char *(*getenv_fn)(const char *), const char *name)
{
	const char *v = getenv_fn ? getenv_fn(name) : getenv(name);
	return v && *v ? v : NULL;
}

static void clear_alertmanagers(conf_context_t *ctx)
{
	for (size_t i = 0; i < ctx->n_alertmanager; i++) {
		free(ctx->alertmanager[i]);
		ctx->alertmanager[i] = NULL;
		conf_backend_free(&ctx->alertmanager_opts[i]);
	}
	ctx->n_alertmanager = 0;
}

/* ALERTMANAGER_URL="http://am1:9093, http://am2:9093": one URL per member of
 * an HA cluster; blanks around commas and empty items are skipped. */
static int env_alertmanagers(conf_context_t *ctx, const char *v, char *err, size_t errlen)
{
	char *copy = xstrdup(v), *save = NULL;
	int rc = 0;

	clear_alertmanagers(ctx);
	for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *end = tok + strlen(tok);
		while (isspace((unsigned char)*tok))
			tok++;
		while (end > tok && isspace((unsigned char)end[-1]))
			*--end = '\0';
		if (!*tok)
			continue;
		if (ctx->n_alertmanager >= CONF_MAX_AM) {
			snprintf(err, errlen, "ALERTMANAGER_URL: too many URLs (at most %d)",
				 CONF_MAX_AM);
			rc = -1;
			break;
		}
		if (conf_set_url(&ctx->alertmanager[ctx->n_alertmanager],
			    &ctx->alertmanager_opts[ctx->n_alertmanager], tok, "ALERTMANAGER_URL", err,
			    errlen)) {
			rc = -1;
			break;
		}
		ctx->n_alertmanager++;
	}
	free(copy);
	return rc;
}

static void set_str(char **slot, const char *v)
{
	free(*slot);
	*slot = xstrdup(v);
}

static int no_context(const conf_t *c, const char *name, char *err, size_t errlen)
{
	strbuf_t b;
	sb_init(&b);
	for (size_t i = 0; c && i < c->n_contexts; i++)
		sb_printf(&b, "%s%s", i ? ", " : "", c->contexts[i].name);
	if (c && c->path)
		snprintf(err, errlen, "no context '%s' in %s (have: %s)", name, c->path,
			 b.len ? b.s : "none");
	else
		snprintf(err, errlen, "no context '%s' (no config file)", name);
	sb_free(&b);
	return -1;
}

/* Several contexts, none chosen, and nothing from the environment or the
 * flags to run on: say which there are rather than "no URL for 'default'". */
static int ambiguous(const conf_t *c, const conf_context_t *pick, conf_context_t *out, char *err,
		     size_t errlen)
{
	if (pick || !c || c->n_contexts < 2 || out->prometheus || out->n_alertmanager)
		return 0;
	strbuf_t b;
	sb_init(&b);
	for (size_t i = 0; i < c->n_contexts; i++)
		sb_printf(&b, "%s%s", i ? ", " : "", c->contexts[i].name);
	snprintf(err, errlen,
		 "%s: several contexts (%s) and no current-context: choose one with --context NAME "
		 "or set current-context",
		 c->path ? c->path : "config", b.s);
	sb_free(&b);
	conf_context_free(out);
	return -1;
}

int conf_resolve(const conf_t *c, const conf_overrides_t *ov,
		 const char *(*getenv_fn)(const char *name), conf_context_t *out, char *err,
		 size_t errlen)
{
	const char *want = NULL;
	const conf_context_t *pick = NULL;
	const char *v;

	memset(out, 0, sizeof *out);
	if (ov && ov->context && *ov->context)
		want = ov->context;
	else if (c && c->current_context && *c->current_context)
		want = c->current_context;
	if (want) {
		for (size_t i = 0; c && i < c->n_contexts && !pick; i++)
			if (!strcmp(c->contexts[i].name, want))
				pick = &c->contexts[i];
		if (!pick)
			return no_context(c, want, err, errlen);
	} else if (c && c->n_contexts == 1) {
		pick = &c->contexts[0];
	}
	if (pick)
		conf_context_copy(out, pick);
	else
		out->name = xstrdup("default");
	/* a production cluster stands out unless its colour is chosen */
	if (!out->color && strstr(out->name, "prod"))
		out->color = xstrdup("red");

	if ((v = env_get(getenv_fn, "PROMETHEUS_URL")) &&
	    conf_set_url(&out->prometheus, &out->prometheus_opts, v, "PROMETHEUS_URL", err, errlen))
		goto fail;
	if ((v = env_get(getenv_fn, "ALERTMANAGER_URL")) && env_alertmanagers(out, v, err, errlen))
		goto fail;
	if ((v = env_get(getenv_fn, "LOKI_ADDR")) &&
	    conf_set_url(&out->loki, &out->loki_opts, v, "LOKI_ADDR", err, errlen))
		goto fail;
	if ((v = env_get(getenv_fn, "LOKI_ORG_ID")))
		set_str(&out->loki_org_id, v);
	if ((v = env_get(getenv_fn, "LOKI_BEARER_TOKEN")))
		set_str(&out->loki_bearer_token, v);
	if ((v = env_get(getenv_fn, "LOKI_USERNAME")))
		set_str(&out->loki_username, v);
	if ((v = env_get(getenv_fn, "LOKI_PASSWORD")))
		set_str(&out->loki_password, v);
	if ((v = env_get(getenv_fn, "JAEGER_URL")) &&
	    conf_set_url(&out->jaeger, &out->jaeger_opts, v, "JAEGER_URL", err, errlen))
		goto fail;

	if (!ov) {
		if (ambiguous(c, pick, out, err, errlen))
			return -1;
		if (conf_load_secrets(out, err, errlen))
			goto fail;
		return 0;
	}
	if (ov->prometheus && *ov->prometheus &&
	    conf_set_url(&out->prometheus, &out->prometheus_opts, ov->prometheus, "--prometheus", err,
		    errlen))
		goto fail;
	if (ov->n_alertmanager) {
		if (ov->n_alertmanager > CONF_MAX_AM) {
			snprintf(err, errlen, "--alertmanager: too many URLs (at most %d)", CONF_MAX_AM);
			goto fail;
		}
		clear_alertmanagers(out);
		for (size_t i = 0; i < ov->n_alertmanager; i++) {
			if (!ov->alertmanager[i] || !*ov->alertmanager[i])
				continue;
			if (conf_set_url(&out->alertmanager[out->n_alertmanager],
				    &out->alertmanager_opts[out->n_alertmanager], ov->alertmanager[i],
				    "--alertmanager", err, errlen))
				goto fail;
			out->n_alertmanager++;
		}
	}
	if (ov->loki && *ov->loki &&
	    conf_set_url(&out->loki, &out->loki_opts, ov->loki, "--loki", err, errlen))
		goto fail;
	if (ov->jaeger && *ov->jaeger &&
	    conf_set_url(&out->jaeger, &out->jaeger_opts, ov->jaeger, "--jaeger", err, errlen))
		goto fail;
	if (ov->read_only)
		out->read_only = 1;
	if (ambiguous(c, pick, out, err, errlen))
		return -1;
	if (conf_load_secrets(out, err, errlen))
		goto fail;
	return 0;
fail:
	conf_context_free(out);
	return -1;
}
