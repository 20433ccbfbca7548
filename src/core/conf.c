/* Console configuration: the YAML file of contexts, and its layering under environment and flags. */
#include "config.h"
#include "core/conf.h"
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
static const char *const backend_keys[] = {
	"url", "basic-auth", "bearer-token-file", "credential-command", "headers", "tls",
	"proxy-url", "timeout", NULL,
};
static const char *const basic_keys[] = { "username", "password-file", NULL };
static const char *const tls_keys[] = {
	"ca-file", "cert-file", "key-file", "server-name", "insecure-skip-verify", NULL,
};
static const char *const ctx_keys[] = {
	"color", "prometheus", "alertmanager", "loki", "loki-org-id", "loki-bearer-token",
	"jaeger", "read-only", NULL,
};

static int get_bool(yd_ctx_t *cx, const yd_node_t *n, const char *key, int *out)
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

/* Why a URL is unusable, or NULL. Backends append API paths to it, so it must
 * name a scheme and a host, and carry no blanks a shell paste can bring. */
static const char *url_problem(const char *s)
{
	const char *host;
	if (!strncmp(s, "http://", 7))
		host = s + 7;
	else if (!strncmp(s, "https://", 8))
		host = s + 8;
	else
		return "must start with http:// or https://";
	if (!*host || *host == '/')
		return "has no host";
	for (const char *p = s; *p; p++)
		if (isspace((unsigned char)*p) || iscntrl((unsigned char)*p))
			return "contains a blank or control character";
	return NULL;
}

/* Where the authority of a URL ends ("https://u:p@host:1/x" -> "/x"). */
static const char *authority_end(const char *host)
{
	return host + strcspn(host, "/?#");
}

static const char *after_scheme(const char *s)
{
	const char *p = strstr(s, "://");
	return p ? p + 3 : NULL;
}

char *conf_url_redact(const char *url)
{
	const char *host = url ? after_scheme(url) : NULL;
	if (!host)
		return xstrdup(url ? url : "");
	const char *end = authority_end(host), *at = NULL;
	for (const char *p = host; p < end; p++)
		if (*p == '@')
			at = p;
	if (!at)
		return xstrdup(url);
	const char *colon = memchr(host, ':', (size_t)(at - host));
	if (!colon) /* a user alone may be a token (https://TOKEN@host) */
		return xasprintf("%.*s***%s", (int)(host - url), url, at);
	return xasprintf("%.*s:***%s", (int)(colon - url), url, at);
}

static int hexval(int c)
{
	return isdigit(c) ? c - '0' : isxdigit(c) ? tolower(c) - 'a' + 10 : -1;
}

static char *pct_decode(const char *s, size_t n)
{
	char *o = xmalloc(n + 1), *q = o;
	for (size_t i = 0; i < n; i++) {
		int h, l;
		if (s[i] == '%' && i + 2 < n && (h = hexval((unsigned char)s[i + 1])) >= 0 &&
		    (l = hexval((unsigned char)s[i + 2])) >= 0) {
			*q++ = (char)(h * 16 + l);
			i += 2;
		} else {
			*q++ = s[i];
		}
	}
	*q = '\0';
	return o;
}

/* A trailing slash would double up with the API paths backends append; a
 * user:password goes into the backend's basic auth (opts may be NULL: then
 * it is dropped), so the URL kept is fit to print. */
static char *url_dup(const char *s, conf_backend_t *opts)
{
	size_t len = strlen(s);
	while (len > 0 && s[len - 1] == '/')
		len--;
	const char *host = after_scheme(s);
	const char *end = host ? authority_end(host) : NULL, *at = NULL;
	for (const char *p = host; p && p < end; p++)
		if (*p == '@')
			at = p;
	if (!at)
		return xstrndup(s, len);
	if (opts) {
		const char *colon = memchr(host, ':', (size_t)(at - host));
		secret_free(opts->password);
		free(opts->username);
		opts->username = pct_decode(host, (size_t)((colon ? colon : at) - host));
		opts->password = colon ? pct_decode(colon + 1, (size_t)(at - colon - 1)) : NULL;
	}
	char *out = xasprintf("%.*s%.*s", (int)(host - s), s, (int)(s + len - (at + 1)), at + 1);
	return out;
}

static int get_url(yd_ctx_t *cx, const yd_node_t *n, const char *key, char **out,
		   conf_backend_t *opts)
{
	const char *why;
	if (yd_is_null(n))
		return 0;
	if (n->kind != YD_SCALAR)
		return yd_fail(cx, n, "expected a string (a URL) for %s", key);
	if ((why = url_problem(n->str))) {
		char *r = conf_url_redact(n->str);
		yd_fail(cx, n, "invalid URL '%s' for %s (%s)", r, key, why);
		free(r);
		return -1;
	}
	free(*out);
	*out = url_dup(n->str, opts);
	return 0;
}

/* "~/x" -> "$HOME/x"; other paths as they are. */
static char *path_expand(const char *p)
{
	const char *home = getenv("HOME");
	if (p[0] == '~' && (p[1] == '/' || !p[1]) && home && *home)
		return xasprintf("%s%s", home, p + 1);
	return xstrdup(p);
}

static int get_path(yd_ctx_t *cx, const yd_node_t *n, const char *what, char **out)
{
	char *s = NULL;
	if (yd_is_null(n))
		return 0;
	if (n->kind != YD_SCALAR || !n->len)
		return yd_fail(cx, n, "expected a file name for %s", what);
	if (yd_string(cx, n, &s))
		return -1;
	free(*out);
	*out = path_expand(s);
	free(s);
	return 0;
}

static int header_name_ok(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && !strchr("!#$%&'*+-.^_`|~", *s))
			return 0;
	return 1;
}

static int get_headers(yd_ctx_t *cx, const yd_node_t *n, const char *what, conf_backend_t *b)
{
	if (yd_is_null(n))
		return 0;
	if (n->kind != YD_MAP)
		return yd_fail(cx, n, "expected a mapping of header names to values for %s headers",
			       what);
	if (yd_check_map(cx, n, NULL, NULL))
		return -1;
	size_t m = yd_map_size(n);
	b->headers = xcalloc(m + 1, sizeof *b->headers);
	for (size_t i = 0; i < m; i++) {
		const yd_node_t *k = yd_map_key(n, i), *v = yd_map_val(n, i);
		if (!header_name_ok(k->str))
			return yd_fail(cx, k, "invalid header name '%s' in %s headers", k->str, what);
		if (v->kind != YD_SCALAR)
			return yd_fail(cx, v, "expected a string for header %s in %s headers", k->str,
				       what);
		for (const char *p = v->str; *p; p++)
			if (*p == '\r' || *p == '\n')
				return yd_fail(cx, v, "header %s in %s headers contains a line break",
					       k->str, what);
		b->headers[b->n_headers++] = xasprintf("%s: %s", k->str, v->str);
	}
	return 0;
}

static int get_duration(yd_ctx_t *cx, const yd_node_t *n, const char *key, long long *ms);
static int get_bool(yd_ctx_t *cx, const yd_node_t *n, const char *key, int *out);

/* A backend: a URL, or a mapping of url and how to reach it. */
static int get_backend(yd_ctx_t *cx, const yd_node_t *n, const char *what, char **url,
		       conf_backend_t *b)
{
	char *where = NULL, *k = NULL;
	const yd_node_t *v;
	int rc = -1;
	if (yd_is_null(n) || n->kind == YD_SCALAR)
		return get_url(cx, n, what, url, b);
	if (n->kind != YD_MAP)
		return yd_fail(cx, n, "expected a URL or a mapping with url for %s", what);
	where = xasprintf(" in %s", what);
	if (yd_check_map(cx, n, backend_keys, where))
		goto out;
	if (!(v = yd_get(n, "url")) || yd_is_null(v)) {
		yd_fail(cx, n, "%s: url is missing", what);
		goto out;
	}
	if (get_url(cx, v, what, url, b))
		goto out;
	if ((v = yd_get(n, "basic-auth")) && !yd_is_null(v)) {
		free(where);
		where = xasprintf(" in %s basic-auth", what);
		if (v->kind != YD_MAP) {
			yd_fail(cx, v,
				"expected a mapping with username and password-file for %s basic-auth",
				what);
			goto out;
		}
		if (yd_check_map(cx, v, basic_keys, where))
			goto out;
		const yd_node_t *u = yd_get(v, "username"), *pf = yd_get(v, "password-file");
		if (yd_is_null(u) || yd_is_null(pf)) {
			yd_fail(cx, v, "%s basic-auth needs username and password-file", what);
			goto out;
		}
		if (b->password) {
			yd_fail(cx, v, "%s: a user:password in the url and basic-auth: choose one",
				what);
			goto out;
		}
		free(b->username);
		b->username = NULL;
		k = xasprintf("%s basic-auth password-file", what);
		if (yd_string(cx, u, &b->username) || get_path(cx, pf, k, &b->password_file))
			goto out;
	}
	free(k);
	k = xasprintf("%s bearer-token-file", what);
	if (get_path(cx, yd_get(n, "bearer-token-file"), k, &b->bearer_token_file))
		goto out;
	if ((v = yd_get(n, "credential-command")) && !yd_is_null(v)) {
		if (v->kind != YD_SCALAR || !v->len) {
			yd_fail(cx, v, "expected a command line for %s credential-command", what);
			goto out;
		}
		if (yd_string(cx, v, &b->credential_command))
			goto out;
	}
	if ((b->bearer_token_file != NULL) + (b->credential_command != NULL) +
		    (b->username != NULL) > 1) {
		yd_fail(cx, n, "%s: choose one of basic-auth, bearer-token-file and credential-command",
			what);
		goto out;
	}
	if (get_headers(cx, yd_get(n, "headers"), what, b))
		goto out;
	if ((v = yd_get(n, "tls")) && !yd_is_null(v)) {
		free(where);
		where = xasprintf(" in %s tls", what);
		if (v->kind != YD_MAP) {
			yd_fail(cx, v, "expected a mapping for %s tls", what);
			goto out;
		}
		if (yd_check_map(cx, v, tls_keys, where))
			goto out;
		free(k);
		k = xasprintf("%s tls", what);
		if (get_path(cx, yd_get(v, "ca-file"), k, &b->ca_file) ||
		    get_path(cx, yd_get(v, "cert-file"), k, &b->cert_file) ||
		    get_path(cx, yd_get(v, "key-file"), k, &b->key_file) ||
		    get_bool(cx, yd_get(v, "insecure-skip-verify"), "insecure-skip-verify",
			     &b->insecure_skip_verify))
			goto out;
		const yd_node_t *sn = yd_get(v, "server-name");
		if (!yd_is_null(sn) &&
		    (sn->kind != YD_SCALAR || !sn->len || strpbrk(sn->str, " /:@\t\r\n"))) {
			yd_fail(cx, sn, "expected a host name for %s tls server-name", what);
			goto out;
		}
		if (yd_string(cx, sn, &b->server_name))
			goto out;
		if ((b->cert_file != NULL) != (b->key_file != NULL)) {
			yd_fail(cx, v, "%s tls: cert-file and key-file go together", what);
			goto out;
		}
	}
	if ((v = yd_get(n, "proxy-url")) && !yd_is_null(v)) {
		static const char *const schemes[] = {
			"http://", "https://", "socks5://", "socks5h://", NULL,
		};
		int okp = 0;
		if (v->kind == YD_SCALAR)
			for (int i = 0; schemes[i]; i++)
				okp |= !strncmp(v->str, schemes[i], strlen(schemes[i]));
		if (!okp) {
			char *r = conf_url_redact(v->kind == YD_SCALAR ? v->str : "");
			yd_fail(cx, v,
				"invalid proxy-url '%s' for %s (expected http://, https:// or socks5://)",
				r, what);
			free(r);
			goto out;
		}
		if (yd_string(cx, v, &b->proxy_url))
			goto out;
	}
	free(k);
	k = xasprintf("%s timeout", what);
	if (get_duration(cx, yd_get(n, "timeout"), k, &b->timeout_ms))
		goto out;
	rc = 0;
out:
	free(k);
	free(where);
	return rc;
}

static int get_alertmanagers(yd_ctx_t *cx, const yd_node_t *n, conf_context_t *ctx)
{
	if (yd_is_null(n))
		return 0;
	if (n->kind == YD_SCALAR || n->kind == YD_MAP) {
		if (get_backend(cx, n, "alertmanager", &ctx->alertmanager[0],
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
		int r = get_backend(cx, it, what, &ctx->alertmanager[ctx->n_alertmanager],
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
	if (get_backend(cx, yd_get(n, "prometheus"), "prometheus", &ctx->prometheus,
			&ctx->prometheus_opts) ||
	    get_alertmanagers(cx, yd_get(n, "alertmanager"), ctx) ||
	    get_backend(cx, yd_get(n, "loki"), "loki", &ctx->loki, &ctx->loki_opts) ||
	    get_str(cx, yd_get(n, "loki-org-id"), &ctx->loki_org_id) ||
	    get_str(cx, yd_get(n, "loki-bearer-token"), &ctx->loki_bearer_token) ||
	    get_backend(cx, yd_get(n, "jaeger"), "jaeger", &ctx->jaeger, &ctx->jaeger_opts) ||
	    get_bool(cx, yd_get(n, "read-only"), "read-only", &ctx->read_only))
		goto out;
	rc = 0;
out:
	free(where);
	return rc;
}

static int get_duration(yd_ctx_t *cx, const yd_node_t *n, const char *key, long long *ms)
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
	    get_duration(&cx, yd_get(root, "refresh"), "refresh", &out->refresh_ms) ||
	    get_duration(&cx, yd_get(root, "timeout"), "timeout", &out->timeout_ms) ||
	    get_bool(&cx, yd_get(root, "bell"), "bell", &out->bell) ||
	    get_bool(&cx, yd_get(root, "clipboard"), "clipboard", &out->clipboard))
		goto fail;
	const yd_node_t *ack = yd_get(root, "ack");
	if (yd_check_map(&cx, ack, ack_keys, " in ack") ||
	    get_duration(&cx, yd_get(ack, "duration"), "ack duration", &out->ack_duration_ms) ||
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

void conf_backend_free(conf_backend_t *b)
{
	if (!b)
		return;
	free(b->username);
	free(b->password_file);
	secret_free(b->password);
	free(b->bearer_token_file);
	secret_free(b->bearer_token);
	free(b->credential_command);
	for (size_t i = 0; i < b->n_headers; i++)
		secret_free(b->headers[i]); /* an Authorization or API key may hide here */
	free(b->headers);
	free(b->ca_file);
	free(b->cert_file);
	free(b->key_file);
	free(b->server_name);
	free(b->proxy_url);
	memset(b, 0, sizeof *b);
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

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void conf_backend_copy(conf_backend_t *dst, const conf_backend_t *src)
{
	memset(dst, 0, sizeof *dst);
	dst->username = dup_or_null(src->username);
	dst->password_file = dup_or_null(src->password_file);
	dst->password = dup_or_null(src->password);
	dst->bearer_token_file = dup_or_null(src->bearer_token_file);
	dst->bearer_token = dup_or_null(src->bearer_token);
	dst->credential_command = dup_or_null(src->credential_command);
	if (src->n_headers) {
		dst->headers = xcalloc(src->n_headers + 1, sizeof *dst->headers);
		for (size_t i = 0; i < src->n_headers; i++)
			dst->headers[i] = xstrdup(src->headers[i]);
		dst->n_headers = src->n_headers;
	}
	dst->ca_file = dup_or_null(src->ca_file);
	dst->cert_file = dup_or_null(src->cert_file);
	dst->key_file = dup_or_null(src->key_file);
	dst->server_name = dup_or_null(src->server_name);
	dst->insecure_skip_verify = src->insecure_skip_verify;
	dst->proxy_url = dup_or_null(src->proxy_url);
	dst->timeout_ms = src->timeout_ms;
}

void conf_context_copy(conf_context_t *dst, const conf_context_t *src)
{
	memset(dst, 0, sizeof *dst);
	conf_backend_copy(&dst->prometheus_opts, &src->prometheus_opts);
	for (size_t i = 0; i < CONF_MAX_AM; i++)
		conf_backend_copy(&dst->alertmanager_opts[i], &src->alertmanager_opts[i]);
	conf_backend_copy(&dst->loki_opts, &src->loki_opts);
	conf_backend_copy(&dst->jaeger_opts, &src->jaeger_opts);
	dst->warnings = dup_or_null(src->warnings);
	dst->name = dup_or_null(src->name);
	dst->color = dup_or_null(src->color);
	dst->prometheus = dup_or_null(src->prometheus);
	for (size_t i = 0; i < src->n_alertmanager && i < CONF_MAX_AM; i++)
		dst->alertmanager[dst->n_alertmanager++] = dup_or_null(src->alertmanager[i]);
	dst->loki = dup_or_null(src->loki);
	dst->loki_org_id = dup_or_null(src->loki_org_id);
	dst->loki_bearer_token = dup_or_null(src->loki_bearer_token);
	dst->loki_username = dup_or_null(src->loki_username);
	dst->loki_password = dup_or_null(src->loki_password);
	dst->jaeger = dup_or_null(src->jaeger);
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

/* A URL from the environment or a flag. When it names another server than
 * the file did, the file's options for that backend (its credentials above
 * all) stay behind: they were meant for the other one. */
static int set_url(char **slot, conf_backend_t *opts, const char *v, const char *what, char *err,
		   size_t errlen)
{
	const char *why = url_problem(v);
	if (why) {
		char *r = conf_url_redact(v);
		snprintf(err, errlen, "%s: invalid URL '%s' (%s)", what, r, why);
		free(r);
		return -1;
	}
	conf_backend_t fresh;
	memset(&fresh, 0, sizeof fresh);
	char *u = url_dup(v, &fresh);
	if (!*slot || strcmp(*slot, u) != 0) {
		conf_backend_free(opts);
		*opts = fresh;
	} else if (fresh.username) {
		/* the URL's user:password replaces the file's basic auth */
		secret_free(opts->password);
		free(opts->username);
		free(opts->password_file);
		opts->password_file = NULL;
		opts->username = fresh.username;
		opts->password = fresh.password;
	}
	free(*slot);
	*slot = u;
	return 0;
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
		if (set_url(&ctx->alertmanager[ctx->n_alertmanager],
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

char *conf_perm_warning(const char *path, const char *what)
{
	struct stat st;
	if (!path || stat(path, &st) != 0 || !(st.st_mode & 077))
		return NULL;
	return xasprintf("%s %s is open to group or others (mode %04o): chmod 600 %s", what, path,
			 (unsigned)(st.st_mode & 07777), path);
}

/* A secret file: its first line, without the line end. An empty one is an
 * error (a token of "" would be sent as such). */
static int read_secret(const char *ctx_name, const char *what, const char *path, char **out,
		       strbuf_t *warn, char *err, size_t errlen)
{
	char *tok = NULL;
	int e = secret_read_file(path, &tok);
	if (e == ENODATA) {
		snprintf(err, errlen, "context '%s': %s '%s' is empty", ctx_name, what, path);
		return -1;
	}
	if (e == EISDIR) {
		snprintf(err, errlen, "context '%s': %s '%s' is a directory, not a file", ctx_name,
			 what, path);
		return -1;
	}
	if (e) {
		snprintf(err, errlen, "context '%s': %s: cannot read '%s': %s", ctx_name, what, path,
			 strerror(e));
		return -1;
	}
	secret_free(*out);
	*out = tok;
	char *w = conf_perm_warning(path, what);
	if (w) {
		sb_printf(warn, "%s%s", warn->len ? "\n" : "", w);
		free(w);
	}
	return 0;
}

static int backend_secrets(const char *ctx_name, const char *kind, conf_backend_t *b,
			   strbuf_t *warn, char *err, size_t errlen)
{
	char what[64];
	if (b->password_file) {
		snprintf(what, sizeof what, "%s password-file", kind);
		if (read_secret(ctx_name, what, b->password_file, &b->password, warn, err, errlen))
			return -1;
	}
	if (b->bearer_token_file) {
		snprintf(what, sizeof what, "%s bearer-token-file", kind);
		if (read_secret(ctx_name, what, b->bearer_token_file, &b->bearer_token, warn, err,
				errlen))
			return -1;
	}
	/* the TLS files too: a missing one is said now, not at the first request */
	const char *const files[] = { b->ca_file, b->cert_file, b->key_file };
	static const char *const names[] = { "ca-file", "cert-file", "key-file" };
	for (size_t i = 0; i < 3; i++) {
		struct stat st;
		if (!files[i])
			continue;
		snprintf(what, sizeof what, "%s tls %s", kind, names[i]);
		FILE *f = fopen(files[i], "r");
		int e = f ? 0 : errno;
		if (f && fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode))
			e = EISDIR;
		if (f)
			fclose(f);
		if (e == EISDIR) {
			snprintf(err, errlen, "context '%s': %s '%s' is a directory, not a file", ctx_name,
				 what, files[i]);
			return -1;
		}
		if (e) {
			snprintf(err, errlen, "context '%s': %s: cannot read '%s': %s", ctx_name, what,
				 files[i], strerror(e));
			return -1;
		}
	}
	if (b->key_file) {
		snprintf(what, sizeof what, "%s tls key-file", kind);
		char *w = conf_perm_warning(b->key_file, what);
		if (w) {
			sb_printf(warn, "%s%s", warn->len ? "\n" : "", w);
			free(w);
		}
	}
	return 0;
}

/* Read what the password and token files hold, now: a missing file is said
 * at start (or at a context switch), naming the backend, not at the first
 * request as a vague 401. */
static int load_secrets(conf_context_t *ctx, char *err, size_t errlen)
{
	strbuf_t warn;
	const char *n = ctx->name ? ctx->name : "default";
	int rc = -1;
	sb_init(&warn);
	if (backend_secrets(n, "prometheus", &ctx->prometheus_opts, &warn, err, errlen) ||
	    backend_secrets(n, "loki", &ctx->loki_opts, &warn, err, errlen) ||
	    backend_secrets(n, "jaeger", &ctx->jaeger_opts, &warn, err, errlen))
		goto out;
	for (size_t i = 0; i < ctx->n_alertmanager; i++) {
		char kind[48];
		if (ctx->n_alertmanager > 1)
			snprintf(kind, sizeof kind, "alertmanager %zu", i + 1);
		else
			snprintf(kind, sizeof kind, "alertmanager");
		if (backend_secrets(n, kind, &ctx->alertmanager_opts[i], &warn, err, errlen))
			goto out;
	}
	free(ctx->warnings);
	ctx->warnings = warn.len ? sb_steal(&warn) : NULL;
	rc = 0;
out:
	sb_free(&warn);
	return rc;
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
	    set_url(&out->prometheus, &out->prometheus_opts, v, "PROMETHEUS_URL", err, errlen))
		goto fail;
	if ((v = env_get(getenv_fn, "ALERTMANAGER_URL")) && env_alertmanagers(out, v, err, errlen))
		goto fail;
	if ((v = env_get(getenv_fn, "LOKI_ADDR")) &&
	    set_url(&out->loki, &out->loki_opts, v, "LOKI_ADDR", err, errlen))
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
	    set_url(&out->jaeger, &out->jaeger_opts, v, "JAEGER_URL", err, errlen))
		goto fail;

	if (!ov) {
		if (ambiguous(c, pick, out, err, errlen))
			return -1;
		if (load_secrets(out, err, errlen))
			goto fail;
		return 0;
	}
	if (ov->prometheus && *ov->prometheus &&
	    set_url(&out->prometheus, &out->prometheus_opts, ov->prometheus, "--prometheus", err,
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
			if (set_url(&out->alertmanager[out->n_alertmanager],
				    &out->alertmanager_opts[out->n_alertmanager], ov->alertmanager[i],
				    "--alertmanager", err, errlen))
				goto fail;
			out->n_alertmanager++;
		}
	}
	if (ov->loki && *ov->loki &&
	    set_url(&out->loki, &out->loki_opts, ov->loki, "--loki", err, errlen))
		goto fail;
	if (ov->jaeger && *ov->jaeger &&
	    set_url(&out->jaeger, &out->jaeger_opts, ov->jaeger, "--jaeger", err, errlen))
		goto fail;
	if (ov->read_only)
		out->read_only = 1;
	if (ambiguous(c, pick, out, err, errlen))
		return -1;
	if (load_secrets(out, err, errlen))
		goto fail;
	return 0;
fail:
	conf_context_free(out);
	return -1;
}
