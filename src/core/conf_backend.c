/* A backend in the configuration: a URL, or a mapping of url and how to reach it (auth, secret files, headers, TLS, proxy, timeout); the secret files read; copies and frees. */
#include "config.h"
#include "core/conf_int.h"
#include "core/xalloc.h"
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *const backend_keys[] = {
	"url", "basic-auth", "bearer-token-file", "credential-command", "headers", "tls",
	"proxy-url", "timeout", NULL,
};
static const char *const basic_keys[] = { "username", "password-file", NULL };
static const char *const tls_keys[] = {
	"ca-file", "cert-file", "key-file", "server-name", "insecure-skip-verify", NULL,
};

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

/* A backend: a URL, or a mapping of url and how to reach it. */
int conf_get_backend(yd_ctx_t *cx, const yd_node_t *n, const char *what, char **url,
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
		    conf_get_bool(cx, yd_get(v, "insecure-skip-verify"), "insecure-skip-verify",
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
	if (conf_get_duration(cx, yd_get(n, "timeout"), k, &b->timeout_ms))
		goto out;
	rc = 0;
out:
	free(k);
	free(where);
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


void conf_backend_copy(conf_backend_t *dst, const conf_backend_t *src)
{
	memset(dst, 0, sizeof *dst);
	dst->username = conf_dup0(src->username);
	dst->password_file = conf_dup0(src->password_file);
	dst->password = conf_dup0(src->password);
	dst->bearer_token_file = conf_dup0(src->bearer_token_file);
	dst->bearer_token = conf_dup0(src->bearer_token);
	dst->credential_command = conf_dup0(src->credential_command);
	if (src->n_headers) {
		dst->headers = xcalloc(src->n_headers + 1, sizeof *dst->headers);
		for (size_t i = 0; i < src->n_headers; i++)
			dst->headers[i] = xstrdup(src->headers[i]);
		dst->n_headers = src->n_headers;
	}
	dst->ca_file = conf_dup0(src->ca_file);
	dst->cert_file = conf_dup0(src->cert_file);
	dst->key_file = conf_dup0(src->key_file);
	dst->server_name = conf_dup0(src->server_name);
	dst->insecure_skip_verify = src->insecure_skip_verify;
	dst->proxy_url = conf_dup0(src->proxy_url);
	dst->timeout_ms = src->timeout_ms;
}


/* A URL from the environment or a flag. When it names another server than
 * the file did, the file's options for that backend (its credentials above
 * all) stay behind: they were meant for the other one. */
int conf_set_url(char **slot, conf_backend_t *opts, const char *v, const char *what, char *err,
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
int conf_load_secrets(conf_context_t *ctx, char *err, size_t errlen)
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


char *conf_dup0(const char *s)
{
	return s ? xstrdup(s) : NULL;
}
