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
