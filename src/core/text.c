/* text_sanitize: strip everything from server text that a terminal would obey. */
#include "config.h"
#include "core/text.h"
#include "core/xalloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s (1..4), or 0 when it is not valid;
 * `avail` bytes may be read (NUL-terminated callers pass SIZE_MAX: a NUL is
 * never a continuation byte, so the check stops there). */
static size_t utf8_seq_n(const unsigned char *s, size_t avail)
{
	unsigned char c = s[0];
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		return avail >= 2 && (s[1] & 0xc0) == 0x80 ? 2 : 0;
	if (c >= 0xe0 && c <= 0xef) {
		unsigned char lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
		return avail >= 3 && s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 ? 3 : 0;
	}
	if (c >= 0xf0 && c <= 0xf4) {
		unsigned char lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
		return avail >= 4 && s[1] >= lo && s[1] <= hi && (s[2] & 0xc0) == 0x80 &&
				       (s[3] & 0xc0) == 0x80
			       ? 4
			       : 0;
	}
	return 0;
}

static size_t utf8_seq(const unsigned char *s)
{
	return utf8_seq_n(s, (size_t)-1);
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

char *text_one_line(const char *s, size_t n, size_t max)
{
	char *raw = xmalloc(n + 1);
	for (size_t i = 0; i < n; i++)
		raw[i] = s[i] ? s[i] : ' ';
	raw[n] = '\0';
	char *clean = text_sanitize(raw);
	free(raw);
	char *o = clean;
	int blank = 1; /* drops leading blanks too */
	for (const char *p = clean; *p; p++) {
		if (*p == ' ') {
			if (!blank)
				*o++ = ' ';
			blank = 1;
		} else {
			*o++ = *p;
			blank = 0;
		}
	}
	while (o > clean && o[-1] == ' ')
		o--;
	*o = '\0';
	char *r = text_excerpt(clean, max);
	free(clean);
	return r;
}

/* base64 of n bytes into o (room for (n + 2) / 3 * 4 bytes); returns the end */
static char *b64_into(char *o, const unsigned char *p, size_t n)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
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
	return o;
}

char *text_base64(const void *data, size_t n)
{
	char *r = xmalloc((n + 2) / 3 * 4 + 1);
	*b64_into(r, data, n) = '\0';
	return r;
}

char *text_osc52(const void *data, size_t n)
{
	/* ESC ] 5 2 ; c ; <base64> BEL: base64 holds no byte a terminal obeys */
	char *r = xmalloc(7 + (n + 2) / 3 * 4 + 2), *o = r;
	memcpy(o, "\033]52;c;", 7);
	o = b64_into(o + 7, data, n);
	*o++ = '\a';
	*o = '\0';
	return r;
}

char *text_render_line(const char *s, size_t n, size_t max, size_t *out_len)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)(s ? s : "");
	strbuf_t b;
	size_t i = 0, col = 0;
	/* the output length after the last piece that leaves room for the marker,
	 * and the input offset it stands for */
	size_t keep = 0, keep_in = 0;
	int cut = 0;

	if (!s)
		n = 0;
	if (max && max < 64)
		max = 64;
	sb_init(&b);
	sb_add(&b, "", 0);
	while (i < n) {
		if (p[i] >= 0x20 && p[i] < 0x7f) {
			/* most of a line is printable ASCII: copy it by runs */
			size_t j = i + 1, start = b.len;
			while (j < n && p[j] >= 0x20 && p[j] < 0x7f)
				j++;
			size_t run = j - i;
			if (max && b.len + run > max) {
				run = max - b.len;
				cut = 1;
			}
			sb_add(&b, (const char *)p + i, run);
			col += run;
			i += run;
			if (!max || b.len + TEXT_RENDER_MARKER_MAX <= max) {
				keep = b.len;
				keep_in = i;
			} else if (max - TEXT_RENDER_MARKER_MAX > start) {
				/* one byte a character: the marker can start inside the run */
				keep = max - TEXT_RENDER_MARKER_MAX;
				keep_in = i - (b.len - keep);
			}
			if (cut)
				break;
			continue;
		}
		size_t k = utf8_seq_n(p + i, n - i);
		char tmp[16];
		const char *piece = tmp;
		size_t plen;
		if (k == 1 && p[i] == '\t') {
			size_t sp = 8 - col % 8;
			memset(tmp, ' ', sp);
			plen = sp;
		} else if (k == 1 && (p[i] < 0x20 || p[i] == 0x7f)) {
			tmp[0] = '^';
			tmp[1] = p[i] == 0x7f ? '?' : (char)(p[i] + 0x40);
			plen = 2;
		} else if (k == 1) {
			piece = (const char *)p + i;
			plen = 1;
		} else if (k == 0) {
			tmp[0] = '\\';
			tmp[1] = 'x';
			tmp[2] = hex[p[i] >> 4];
			tmp[3] = hex[p[i] & 15];
			plen = 4;
			k = 1;
		} else {
			unsigned cp = decode(p + i, k);
			if (cp < 0xa0 || text_is_format_control(cp)) {
				int w = snprintf(tmp, sizeof tmp, "<U+%04X>", cp);
				plen = (size_t)w;
			} else {
				piece = (const char *)p + i;
				plen = k;
			}
		}
		if (max && b.len + plen > max) {
			cut = 1;
			break;
		}
		sb_add(&b, piece, plen);
		col += piece == tmp ? plen : 1; /* escapes are ASCII; a character is one */
		i += k;
		if (!max || b.len + TEXT_RENDER_MARKER_MAX <= max) {
			keep = b.len;
			keep_in = i;
		}
	}
	if (cut) {
		b.len = keep;
		b.s[b.len] = '\0';
		sb_printf(&b, " [+%zu bytes]", n - keep_in);
	}
	if (out_len)
		*out_len = b.len;
	return sb_steal(&b);
}
