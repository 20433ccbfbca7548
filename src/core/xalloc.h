/* Allocation that never returns NULL (one place handles exhaustion), and a growable string. */
#ifndef ICN_XALLOC_H
#define ICN_XALLOC_H
#include <stddef.h>
#include <stdarg.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow an array of `size`-byte elements to hold at least `need`, doubling. */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* A growable NUL-terminated byte buffer. */
typedef struct {
	char *s;
	size_t len, cap;
} strbuf_t;

void sb_init(strbuf_t *b);
void sb_add(strbuf_t *b, const char *s, size_t n);
void sb_puts(strbuf_t *b, const char *s);
void sb_printf(strbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_vprintf(strbuf_t *b, const char *fmt, va_list ap);
/* ASCII case folding; whether `needle` (already lower-case ASCII) occurs in
 * `h` (NULL: no), ASCII case folded; an empty needle is everywhere. */
int ascii_lower(int c);
int str_has_icase(const char *h, const char *needle);
/* Append s percent-encoded for a URL query component (RFC 3986: everything but
 * the unreserved set A-Z a-z 0-9 - . _ ~; a space is %20, never '+'), so PromQL
 * and LogQL survive any query-string parser. s may be NULL. */
void sb_url_encode(strbuf_t *b, const char *s);
/* Hand the string over to the caller (never NULL); the buffer is left empty. */
char *sb_steal(strbuf_t *b);
void sb_free(strbuf_t *b);

/* Secrets: zero s (a password, a token) and free it; NULL is fine. */
void secret_free(char *s);
/* The first line of a secret file (a password-file, a bearer-token-file),
 * without its line end, into *out (malloc'd; the caller frees it with
 * secret_free). 0, or an errno value: the open's or read's, EISDIR for a
 * directory, ENODATA for an empty first line; *out is NULL then. */
int secret_read_file(const char *path, char **out);

#endif
