/* Tail frames of the usual shape decoded in one walk over the text, without jansson's tree. */
#include "config.h"
#include "backend/loki.h"
#include "backend/loki_int.h"
#include "core/jscan.h"
#include "core/xalloc.h"
#include <string.h>

static int cur_at(loki_cur_t *c, char ch)
{
	c->p = jscan_ws(c->p, c->e);
	return c->p < c->e && *c->p == ch;
}

static int cur_take(loki_cur_t *c, char ch)
{
	if (!cur_at(c, ch))
		return 0;
	c->p++;
	return 1;
}

static int cur_string(loki_cur_t *c, jspan_t *s)
{
	if (!cur_at(c, '"') || !(s->e = jscan_string_end(c->p, c->e)))
		return 0;
	s->p = c->p;
	c->p = s->e;
	return 1;
}

/* The end of a list: "," goes on (1), the closer ends it (0), else -1. */
static int cur_next(loki_cur_t *c, char closer)
{
	if (cur_take(c, ','))
		return 1;
	return cur_take(c, closer) ? 0 : -1;
}

/* ---- tail frames of the usual shape, in one walk ----
 *
 * {"streams":[{"stream":{"k":"v",...},"values":[["<ns>","<line>"],...]},...]}
 * and nothing else: each string is found once and decoded once (jscan), the
 * labels into stack buffers. Anything else (dropped_entries, encodingFlags, a
 * third element, null, a repeated member, an escape or byte jansson must
 * judge): 0, and the frame goes the general way. */

static int walk_labels(loki_cur_t *c, labels_t *l)
{
	char kb[256], vb[2048];
	size_t kn, vn;
	if (!cur_take(c, '{'))
		return 0;
	if (cur_take(c, '}'))
		return 1;
	for (;;) {
		jspan_t k, v;
		if (!cur_string(c, &k) || !cur_take(c, ':') || !cur_string(c, &v) ||
		    jscan_string_into(k, 0, kb, sizeof kb, &kn) != 0 ||
		    jscan_string_into(v, 0, vb, sizeof vb, &vn) != 0)
			return 0;
		labels_add(l, kb, vb); /* a repeated name: the later wins, as in jansson's tree */
		int r = cur_next(c, '}');
		if (r <= 0)
			return r == 0;
	}
}

/* One ["<ns>", "<line>"] into a new entry; 0 when it is not that simple. */
int loki_walk_entry(loki_cur_t *c, size_t si, size_t max_line, loki_result_t *out)
{
	jspan_t ts, ln;
	char digits[24];
	size_t nd, n;
	int64_t t;
	if (!cur_take(c, '[') || !cur_string(c, &ts) || !cur_take(c, ',') || !cur_string(c, &ln) ||
	    !cur_take(c, ']') || jscan_string_into(ts, 0, digits, sizeof digits, &nd) != 0 ||
	    loki_parse_ns(digits, &t) != 0)
		return 0; /* jansson's way says what is wrong */
	char *line = jscan_string(ln, 1, &n);
	if (!line)
		return 0;
	loki_entry_t en;
	memset(&en, 0, sizeof en);
	en.ts_ns = t;
	en.stream = si;
	loki_add_entry(&en, line, n, max_line, out);
	return 1;
}

static int walk_values(loki_cur_t *c, size_t si, size_t max_line, loki_result_t *out)
{
	if (!cur_take(c, '['))
		return 0;
	if (cur_take(c, ']'))
		return 1;
	for (;;) {
		if (!loki_walk_entry(c, si, max_line, out))
			return 0;
		int r = cur_next(c, ']');
		if (r <= 0)
			return r == 0;
	}
}

static int walk_stream(loki_cur_t *c, size_t max_line, loki_result_t *out, size_t *cap)
{
	if (!cur_take(c, '{'))
		return 0;
	out->streams = xgrow(out->streams, cap, out->n_streams + 1, sizeof *out->streams);
	size_t si = out->n_streams++;
	memset(&out->streams[si], 0, sizeof out->streams[si]);
	if (cur_take(c, '}'))
		return 1;
	int got_labels = 0, got_values = 0;
	for (;;) {
		jspan_t k;
		if (!cur_string(c, &k) || !cur_take(c, ':'))
			return 0;
		if (jscan_key_is(k, "stream")) {
			if (got_labels++ || !walk_labels(c, &out->streams[si]))
				return 0;
		} else if (jscan_key_is(k, "values")) {
			if (got_values++ || !walk_values(c, si, max_line, out))
				return 0;
		} else {
			return 0;
		}
		int r = cur_next(c, '}');
		if (r <= 0)
			return r == 0;
	}
}

int loki_walk_tail(const char *body, size_t len, size_t max_line, loki_result_t *out)
{
	loki_cur_t c = { body, body + len };
	size_t cap = 0;
	int got = 0;
	if (!cur_take(&c, '{'))
		return 0;
	if (!cur_take(&c, '}')) {
		for (;;) {
			jspan_t k;
			if (!cur_string(&c, &k) || !cur_take(&c, ':') || !jscan_key_is(k, "streams") || got++ ||
			    !cur_take(&c, '['))
				return 0;
			if (!cur_take(&c, ']')) {
				int r;
				do {
					if (!walk_stream(&c, max_line, out, &cap))
						return 0;
				} while ((r = cur_next(&c, ']')) > 0);
				if (r < 0)
					return 0;
			}
			int r = cur_next(&c, '}');
			if (r < 0)
				return 0;
			if (r == 0)
				break;
		}
	}
	return jscan_ws(c.p, c.e) == c.e;
}

