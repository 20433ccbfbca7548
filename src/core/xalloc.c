/* xmalloc family and strbuf: allocation failure is fatal, handled here once. */
#include "config.h"
#include "core/xalloc.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void oom(size_t n)
{
	fprintf(stderr, "icn-console: out of memory (%zu bytes)\n", n);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		oom(n);
	return p;
}

void *xcalloc(size_t nmemb, size_t size)
{
	void *p = calloc(nmemb ? nmemb : 1, size ? size : 1);
	if (!p)
		oom(nmemb * size);
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		oom(n);
	return q;
}

void *xgrow(void *p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return p;
	size_t c = *cap ? *cap : 8;
	while (c < need) {
		if (c > ((size_t)-1) / 2 / size)
			oom(need * size);
		c *= 2;
	}
	*cap = c;
	return xrealloc(p, c * size);
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	size_t l = strnlen(s, n);
	char *p = xmalloc(l + 1);
	memcpy(p, s, l);
	p[l] = '\0';
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	strbuf_t b;
	sb_init(&b);
	sb_vprintf(&b, fmt, ap);
	return sb_steal(&b);
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	return s;
}

void sb_init(strbuf_t *b)
{
	b->s = NULL;
	b->len = b->cap = 0;
}

void sb_add(strbuf_t *b, const char *s, size_t n)
{
	b->s = xgrow(b->s, &b->cap, b->len + n + 1, 1);
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void sb_puts(strbuf_t *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

void sb_vprintf(strbuf_t *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return;
	b->s = xgrow(b->s, &b->cap, b->len + (size_t)n + 1, 1);
	vsnprintf(b->s + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void sb_printf(strbuf_t *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	sb_vprintf(b, fmt, ap);
	va_end(ap);
}

char *sb_steal(strbuf_t *b)
{
	char *s = b->s ? b->s : xstrdup("");
	sb_init(b);
	return s;
}

void sb_free(strbuf_t *b)
{
	free(b->s);
	sb_init(b);
}

int ascii_lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int str_has_icase(const char *h, const char *needle)
{
	size_t nl = strlen(needle);
	if (!nl)
		return 1;
	for (; h && *h; h++) {
		size_t j = 0;
		while (j < nl && h[j] && ascii_lower((unsigned char)h[j]) == (unsigned char)needle[j])
			j++;
		if (j == nl)
			return 1;
	}
	return 0;
}

void sb_url_encode(strbuf_t *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		/* explicit ranges: isalnum() follows the locale, RFC 3986 does not */
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~') {
			sb_add(b, s, 1);
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			sb_add(b, e, 3);
		}
	}
}

void secret_free(char *s)
{
	if (s) {
		volatile char *v = s;
		while (*v)
			*v++ = '\0';
		free(s);
	}
}

int secret_read_file(const char *path, char **out)
{
	*out = NULL;
	FILE *f = fopen(path, "r");
	if (!f)
		return errno;
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && S_ISDIR(st.st_mode)) {
		fclose(f);
		return EISDIR;
	}
	strbuf_t b;
	sb_init(&b);
	char chunk[512];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.len < 65536)
		sb_add(&b, chunk, n);
	int rerr = ferror(f) ? errno : 0;
	memset(chunk, 0, sizeof chunk);
	fclose(f);
	size_t len = b.s ? strcspn(b.s, "\r\n") : 0;
	if (rerr || !len) {
		secret_free(b.s);
		return rerr ? rerr : ENODATA;
	}
	*out = xstrndup(b.s, len);
	secret_free(b.s);
	return 0;
}
