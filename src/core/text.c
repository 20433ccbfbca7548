/* text_sanitize: strip everything from server text that a terminal would obey. */
#include "config.h"
#include "core/text.h"
#include "core/xalloc.h"
#include <string.h>

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not valid. */
static size_t utf8_seq(const unsigned char *s)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
		return s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80 ? 4
														  : 0;
	}
	return 0;
}

int text_is_format_control(unsigned cp)
{
	/* bidi embeddings, overrides and isolates reorder what follows them on
	 * terminals that apply bidi; zero-width and invisible characters hide text;
	 * the line and paragraph separators break lines where none is shown */
	return cp == 0x061c || cp == 0x180e || (cp >= 0x200b && cp <= 0x200f) || cp == 0x2028 || cp == 0x2029 ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) ||
	       (cp >= 0x2066 && cp <= 0x206f) || cp == 0xfeff || (cp >= 0xfff9 && cp <= 0xfffb);
}

static unsigned decode(const unsigned char *p, size_t n)
{
	if (n == 2)
		return ((unsigned)(p[0] & 0x1f) << 6) | (p[1] & 0x3f);
	if (n == 3)
		return ((unsigned)(p[0] & 0x0f) << 12) | ((unsigned)(p[1] & 0x3f) << 6) | (p[2] & 0x3f);
	return ((unsigned)(p[0] & 0x07) << 18) | ((unsigned)(p[1] & 0x3f) << 12) |
	       ((unsigned)(p[2] & 0x3f) << 6) | (p[3] & 0x3f);
}

char *text_sanitize(const char *s)
{
	if (!s)
		return xstrdup("");
	size_t len = strlen(s);
	char *r = xmalloc(len + 1), *o = r;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		size_t n = utf8_seq(p);
		if (n == 1) {
			unsigned char c = *p;
			*o++ = (c == '\t' || c == '\n' || c == '\r') ? ' '
			       : (c < 0x20 || c == 0x7f)             ? '?'
								     : (char)c;
		} else if (n == 2 && p[0] == 0xc2 && p[1] < 0xa0) {
			*o++ = '?'; /* U+0080..U+009F: C1 controls (CSI is U+009B) */
		} else if (n && text_is_format_control(decode(p, n))) {
			*o++ = '?';
		} else if (n) {
			memcpy(o, p, n);
			o += n;
		} else {
			*o++ = '?';
			n = 1;
		}
		p += n;
	}
	*o = '\0';
	return r;
}

char *text_excerpt(const char *s, size_t max)
{
	s = s ? s : "";
	size_t n = strlen(s);
	if (n <= max)
		return xstrdup(s);
	while (max && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return xasprintf("%.*s...", (int)max, s);
}

char *text_osc52(const void *data, size_t n)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	const unsigned char *p = data;
	/* ESC ] 5 2 ; c ; <base64> BEL: base64 holds no byte a terminal obeys */
	char *r = xmalloc(7 + (n + 2) / 3 * 4 + 2), *o = r;
	memcpy(o, "\033]52;c;", 7);
	o += 7;
	for (size_t i = 0; i < n; i += 3) {
		unsigned v = (unsigned)p[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		*o++ = b64[(v >> 18) & 63];
		*o++ = b64[(v >> 12) & 63];
		*o++ = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		*o++ = i + 2 < n ? b64[v & 63] : '=';
	}
	*o++ = '\a';
	*o = '\0';
	return r;
}
