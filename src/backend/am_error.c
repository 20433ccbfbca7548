/* Alertmanager's errors as it said them: JSON strings, {code,message}, text and HTML pages, made printable. */
#include "config.h"
#include "backend/am.h"
#include "backend/am_int.h"
#include "core/http.h"
#include "core/text.h"
#include "core/xalloc.h"
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Longest server text quoted in an error, in characters (code points). */
#define ERR_TEXT_MAX 200


int am_status_is_failure(long http_status)
{
	return http_status != 0 && (http_status < 200 || http_status > 299);
}

int am_is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/*
 * Server text made fit for a one-line message: control characters out (as
 * text_sanitize), blanks collapsed, trimmed, at most ERR_TEXT_MAX characters.
 * `s` may hold NULs (taken as '?'); its first `len` bytes are used.
 */
char *am_err_clean(const char *s, size_t len)
{
	/* 4 bytes per character is enough for ERR_TEXT_MAX characters after trimming;
	 * the extra slack lets a long run of blanks still collapse. */
	size_t cap = len < ERR_TEXT_MAX * 4 + 64 ? len : ERR_TEXT_MAX * 4 + 64;
	char *raw = xmalloc(cap + 1);
	for (size_t i = 0; i < cap; i++)
		raw[i] = s[i] ? s[i] : '?';
	raw[cap] = '\0';
	if (cap < len) { /* don't leave half a UTF-8 sequence for sanitize to flag */
		size_t k = cap;
		while (k > 0 && cap - k < 4 && ((unsigned char)raw[k - 1] & 0xC0) == 0x80)
			k--;
		if (k > 0 && (unsigned char)raw[k - 1] >= 0xC0)
			raw[k - 1] = '\0';
	}
	char *clean = text_sanitize(raw);
	free(raw);

	strbuf_t b;
	size_t chars = 0;
	int space = 0;
	sb_init(&b);
	for (const unsigned char *p = (const unsigned char *)clean; *p && chars < ERR_TEXT_MAX;) {
		if (*p == ' ') {
			space = 1;
			p++;
			continue;
		}
		if (space && b.len) {
			sb_add(&b, " ", 1);
			if (++chars == ERR_TEXT_MAX)
				break;
		}
		space = 0;
		size_t n = 1;
		while ((p[n] & 0xC0) == 0x80) /* sanitized: valid UTF-8 */
			n++;
		sb_add(&b, (const char *)p, n);
		chars++;
		p += n;
	}
	while (b.len && b.s[b.len - 1] == ' ')
		b.s[--b.len] = '\0';
	free(clean);
	return sb_steal(&b);
}

/* ASCII case-insensitive search in a length-bounded buffer. */
static const char *mem_icase(const char *h, size_t hl, const char *n)
{
	size_t nl = strlen(n);
	for (size_t i = 0; i + nl <= hl; i++) {
		size_t j = 0;
		while (j < nl) {
			char a = h[i + j], c = n[j];
			if (a >= 'A' && a <= 'Z')
				a = (char)(a - 'A' + 'a');
			if (a != c)
				break;
			j++;
		}
		if (j == nl)
			return h + i;
	}
	return NULL;
}

/* An HTML page's <title>, with the common entities decoded; NULL when none. */
static char *html_title(const char *body, size_t len)
{
	size_t i = 0;
	while (i < len && am_is_blank((unsigned char)body[i]))
		i++;
	if (i == len || body[i] != '<')
		return NULL;
	const char *t = mem_icase(body, len, "<title");
	if (!t)
		return NULL;
	const char *end = body + len;
	const char *gt = memchr(t, '>', (size_t)(end - t));
	if (!gt)
		return NULL;
	gt++;
	const char *close = mem_icase(gt, (size_t)(end - gt), "</title");
	size_t tl = close ? (size_t)(close - gt) : (size_t)(end - gt);
	static const struct {
		const char *ent, *ch;
	} ents[] = { { "&amp;", "&" }, { "&lt;", "<" },  { "&gt;", ">" },
		     { "&quot;", "\"" }, { "&#39;", "'" }, { "&nbsp;", " " } };
	strbuf_t b;
	sb_init(&b);
	for (size_t k = 0; k < tl && b.len < ERR_TEXT_MAX * 4; k++) {
		size_t e, nents = sizeof ents / sizeof ents[0], el = 0;
		for (e = 0; gt[k] == '&' && e < nents; e++) {
			el = strlen(ents[e].ent);
			if (tl - k >= el && memcmp(gt + k, ents[e].ent, el) == 0)
				break;
		}
		if (gt[k] == '&' && e < nents) {
			sb_puts(&b, ents[e].ch);
			k += el - 1;
		} else {
			sb_add(&b, gt + k, 1);
		}
	}
	char *r = am_err_clean(b.s ? b.s : "", b.len);
	sb_free(&b);
	if (!*r) {
		free(r);
		return NULL;
	}
	return r;
}

/* The first non-blank line of a body. */
static char *first_line(const char *body, size_t len)
{
	size_t i = 0, j;
	while (i < len && am_is_blank((unsigned char)body[i]))
		i++;
	for (j = i; j < len && body[j] != '\n' && body[j] != '\r'; j++)
		;
	return am_err_clean(body + i, j - i);
}

/* What a JSON error body says: a bare string, swagger's {"code","message"},
 * {"error"} (with a Prometheus "errorType"). NULL when it says none of those. */
char *am_json_error_msg(const json_t *root)
{
	if (json_is_string(root))
		return am_err_clean(json_string_value(root), json_string_length(root));
	if (!json_is_object(root))
		return NULL;
	const json_t *msg = json_object_get(root, "message");
	const json_t *code = json_object_get(root, "code");
	const json_t *e = json_object_get(root, "error");
	const json_t *et = json_object_get(root, "errorType");
	if (json_is_string(msg)) {
		char *m = am_err_clean(json_string_value(msg), json_string_length(msg));
		if (json_is_integer(code)) {
			char *r = xasprintf("%s%s(code %lld)", m, *m ? " " : "",
					    (long long)json_integer_value(code));
			free(m);
			return r;
		}
		return m;
	}
	if (json_is_string(e)) {
		if (!json_is_string(et) || !json_string_length(et))
			return am_err_clean(json_string_value(e), json_string_length(e));
		/* one bound for the two together */
		strbuf_t b;
		sb_init(&b);
		sb_add(&b, json_string_value(et), json_string_length(et));
		sb_puts(&b, ": ");
		sb_add(&b, json_string_value(e), json_string_length(e));
		char *r = am_err_clean(b.s, b.len);
		sb_free(&b);
		return r;
	}
	return NULL;
}

char *am_error_text(const char *body, size_t len, long http_status)
{
	char *head = http_status ? xasprintf("HTTP %ld", http_status) : xstrdup("error");
	char *m = NULL;
	size_t i = 0;
	if (!body)
		len = 0;
	while (i < len && am_is_blank((unsigned char)body[i]))
		i++;
	if (i < len) {
		json_t *root = json_loadb(body, len, JSON_DECODE_ANY, NULL);
		if (root) {
			m = am_json_error_msg(root);
			json_decref(root);
		}
		if (!m)
			m = html_title(body, len);
		if (!m)
			m = first_line(body, len);
	}
	char *r = m && *m ? xasprintf("%s: %s%s", head, m, http_status_hint(http_status))
			  : xasprintf("%s%s", head, http_status_hint(http_status));
	free(m);
	free(head);
	return r;
}
