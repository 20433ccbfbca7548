/* A JSON walker that finds members and elements by their bytes, so a big answer is decoded piece by piece. */
#include "config.h"
#include "core/jscan.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char *jscan_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

/* p at '"': past the closing quote, or NULL. */
/* Past the string at p: the next quote not escaped. Eight bytes at a time
 * while none of them is a quote or a backslash (tail frames are mostly long
 * strings, scanned several times on the way down). */
static const char *string_end(const char *p, const char *e)
{
	const uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
	const char *q = p + 1;
	while (q < e) {
		while (e - q >= 8) {
			uint64_t x, a, b;
			memcpy(&x, q, 8);
			a = x ^ 0x2222222222222222ULL; /* '"' */
			b = x ^ 0x5c5c5c5c5c5c5c5cULL; /* '\\' */
			if (((a - ones) & ~a & highs) | ((b - ones) & ~b & highs))
				break;
			q += 8;
		}
		if (q >= e)
			break;
		if (*q == '\\')
			q += 2;
		else if (*q == '"')
			return q + 1;
		else
			q++;
	}
	return NULL;
}

const char *jscan_value(const char *p, const char *e)
{
	if (!p || p >= e)
		return NULL;
	if (*p == '"')
		return string_end(p, e);
	if (*p == '{' || *p == '[') {
		size_t depth = 0;
		while (p < e) {
			char c = *p;
			if (c == '"') {
				if (!(p = string_end(p, e)))
					return NULL;
				continue;
			}
			if (c == '{' || c == '[')
				depth++;
			else if ((c == '}' || c == ']') && --depth == 0)
				return p + 1;
			p++;
		}
		return NULL;
	}
	const char *q = p;
	while (q < e && *q != ',' && *q != '}' && *q != ']' && *q != ':' && *q != ' ' &&
	       *q != '\t' && *q != '\r' && *q != '\n' && *q != '{' && *q != '[' && *q != '"')
		q++;
	return q > p ? q : NULL;
}

int jscan_key_is(jspan_t k, const char *w)
{
	size_t n = strlen(w);
	return k.p && (size_t)(k.e - k.p) == n + 2 && memcmp(k.p + 1, w, n) == 0;
}

const char *jscan_object(const char *p, const char *e, jscan_member_fn fn, void *ud)
{
	p = jscan_ws(p, e);
	if (p >= e || *p != '{')
		return NULL;
	p = jscan_ws(p + 1, e);
	if (p < e && *p == '}')
		return p + 1;
	for (;;) {
		jspan_t k, v;
		if (p >= e || *p != '"')
			return NULL;
		k.p = p;
		if (!(k.e = p = string_end(p, e)))
			return NULL;
		p = jscan_ws(p, e);
		if (p >= e || *p != ':')
			return NULL;
		v.p = p = jscan_ws(p + 1, e);
		if (!(v.e = p = jscan_value(p, e)))
			return NULL;
		if (fn)
			fn(k, v, ud);
		p = jscan_ws(p, e);
		if (p < e && *p == ',') {
			p = jscan_ws(p + 1, e);
			continue;
		}
		return p < e && *p == '}' ? p + 1 : NULL;
	}
}

int jscan_array(jspan_t arr, jscan_elem_fn fn, void *ud, size_t *bad)
{
	const char *e = arr.e, *p = jscan_ws(arr.p, e);
	size_t i = 0;
	if (bad)
		*bad = 0;
	if (!p || p >= e || *p != '[')
		return -1;
	p = jscan_ws(p + 1, e);
	if (p < e && *p == ']')
		return 0;
	for (;; i++) {
		jspan_t v = { p, jscan_value(p, e) };
		if (!v.e)
			break;
		int r = fn(v, i, ud);
		if (r)
			return r;
		p = jscan_ws(v.e, e);
		if (p < e && *p == ',') {
			p = jscan_ws(p + 1, e);
			continue;
		}
		if (p < e && *p == ']')
			return 0;
		break;
	}
	if (bad)
		*bad = i;
	return -1;
}

json_t *jscan_load(jspan_t v, size_t flags)
{
	if (!v.p)
		return NULL;
	return json_loadb(v.p, (size_t)(v.e - v.p), JSON_DECODE_ANY | flags, NULL);
}

int jscan_is_null(jspan_t v)
{
	return !v.p || (v.e - v.p == 4 && memcmp(v.p, "null", 4) == 0);
}

/* Bytes of the valid UTF-8 sequence at p (1-4), or 0 when it is not one
 * (overlong, a surrogate, past U+10FFFF, cut short): what jansson refuses. */
static size_t utf8_seq(const unsigned char *p, const unsigned char *e)
{
	unsigned c = p[0];
	if (c < 0x80)
		return 1;
	size_t n;
	unsigned min, cp;
	if (c >= 0xc2 && c <= 0xdf) {
		n = 2, min = 0x80, cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		n = 3, min = 0x800, cp = c & 0x0f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4, min = 0x10000, cp = c & 0x07;
	} else {
		return 0;
	}
	if ((size_t)(e - p) < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

int jscan_hex4(const char *p, unsigned *out)
{
	unsigned v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static size_t put_utf8(char *o, unsigned cp)
{
	if (cp < 0x80) {
		o[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (cp >> 18));
	o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	o[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Decode the inside of a string [p, e) into o (room for e - p bytes); its
 * length, or -1 when it needs jansson's judgement. */
static long decode_string(const char *p, const char *e, int allow_nul, char *out)
{
	char *o = out;
	while (p < e) {
		unsigned char c = (unsigned char)*p;
		if (c == '\\') {
			if (e - p < 2)
				return -1;
			char x = p[1];
			p += 2;
			switch (x) {
			case '"': *o++ = '"'; break;
			case '\\': *o++ = '\\'; break;
			case '/': *o++ = '/'; break;
			case 'b': *o++ = '\b'; break;
			case 'f': *o++ = '\f'; break;
			case 'n': *o++ = '\n'; break;
			case 'r': *o++ = '\r'; break;
			case 't': *o++ = '\t'; break;
			case 'u': {
				unsigned cp, lo;
				if (e - p < 4 || jscan_hex4(p, &cp))
					return -1;
				p += 4;
				if (cp >= 0xdc00 && cp <= 0xdfff)
					return -1; /* a lone low surrogate */
				if (cp >= 0xd800 && cp <= 0xdbff) {
					if (e - p < 6 || p[0] != '\\' || p[1] != 'u' || jscan_hex4(p + 2, &lo) ||
					    lo < 0xdc00 || lo > 0xdfff)
						return -1;
					p += 6;
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
				}
				if (!cp && !allow_nul)
					return -1;
				o += put_utf8(o, cp);
				break;
			}
			default:
				return -1;
			}
		} else if (c < 0x20) {
			return -1; /* a raw control character: not JSON */
		} else if (c < 0x80) {
			*o++ = (char)c;
			p++;
		} else {
			size_t n = utf8_seq((const unsigned char *)p, (const unsigned char *)e);
			if (!n)
				return -1;
			memcpy(o, p, n);
			o += n;
			p += n;
		}
	}
	return (long)(o - out);
}

char *jscan_string(jspan_t v, int allow_nul, size_t *len)
{
	if (!v.p || v.e - v.p < 2 || *v.p != '"' || v.e[-1] != '"')
		return NULL;
	char *out = malloc((size_t)(v.e - v.p) - 1);
	if (!out)
		return NULL;
	long n = decode_string(v.p + 1, v.e - 1, allow_nul, out);
	if (n < 0) {
		free(out);
		return NULL;
	}
	out[n] = '\0';
	*len = (size_t)n;
	return out;
}

int jscan_string_into(jspan_t v, int allow_nul, char *buf, size_t cap, size_t *len)
{
	if (!v.p || v.e - v.p < 2 || *v.p != '"' || v.e[-1] != '"')
		return -1;
	if ((size_t)(v.e - v.p) - 1 > cap)
		return 1;
	long n = decode_string(v.p + 1, v.e - 1, allow_nul, buf);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	*len = (size_t)n;
	return 0;
}

const char *jscan_string_end(const char *p, const char *e)
{
	return p < e && *p == '"' ? string_end(p, e) : NULL;
}
