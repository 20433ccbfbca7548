/* A JSON walker that finds members and elements by their bytes, so a big answer is decoded piece by piece. */
#include "config.h"
#include "core/jscan.h"
#include <string.h>

const char *jscan_ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n'))
		p++;
	return p;
}

/* p at '"': past the closing quote, or NULL. */
static const char *string_end(const char *p, const char *e)
{
	for (p++; p < e; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"')
			return p + 1;
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
