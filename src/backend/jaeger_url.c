/* Jaeger's URLs (v1 JSON API and /api/v3), trace ids, Go durations and logfmt search tags (no I/O). */
#include "config.h"
#include "backend/jaeger.h"
#include "core/text.h"
#include "core/xalloc.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---- URLs ---- */

static void url_start(strbuf_t *b, const char *base, const char *path)
{
	size_t n = base ? strlen(base) : 0;
	while (n && base[n - 1] == '/')
		n--;
	sb_add(b, base ? base : "", n);
	sb_puts(b, path);
}

static void param(strbuf_t *b, int *first, const char *name)
{
	sb_puts(b, *first ? "?" : "&");
	*first = 0;
	sb_puts(b, name);
	sb_puts(b, "=");
}

static void param_str(strbuf_t *b, int *first, const char *name, const char *v)
{
	if (!v || !*v)
		return;
	param(b, first, name);
	sb_url_encode(b, v);
}

/* A JSON string's text (quotes included) for the tags map. */
static void json_quote(strbuf_t *b, const char *s)
{
	sb_puts(b, "\"");
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			sb_printf(b, "\\%c", *p);
		else if (*p < 0x20)
			sb_printf(b, "\\u%04x", *p);
		else
			sb_add(b, (const char *)p, 1);
	}
	sb_puts(b, "\"");
}

/* {"k":"v",...}, or NULL when there are no tags (malloc'd). */
static char *tags_json(const jaeger_query_t *q)
{
	if (!q->n_tags || !q->tags)
		return NULL;
	strbuf_t b;
	sb_init(&b);
	sb_puts(&b, "{");
	for (size_t i = 0; i < q->n_tags; i++) {
		if (i)
			sb_puts(&b, ",");
		json_quote(&b, q->tags[i].key ? q->tags[i].key : "");
		sb_puts(&b, ":");
		json_quote(&b, q->tags[i].value ? q->tags[i].value : "");
	}
	sb_puts(&b, "}");
	return sb_steal(&b);
}

/* RFC 3339 in UTC with nanoseconds, percent-encoded: 2026-11-30T03:04:05.123456000Z */
static void rfc3339(strbuf_t *b, int64_t us)
{
	char t[80] = "1970-01-01T00:00:00.000000000Z";
	int64_t sec = us / 1000000, frac = us % 1000000;
	if (frac < 0)
		frac += 1000000, sec--;
	time_t tt = (time_t)sec;
	struct tm tm;
	if (gmtime_r(&tt, &tm) && tm.tm_year + 1900 >= 0 && tm.tm_year + 1900 <= 9999)
		snprintf(t, sizeof t, "%04d-%02d-%02dT%02d:%02d:%02d.%06" PRId64 "000Z",
			 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			 frac);
	sb_url_encode(b, t);
}

char *jaeger_url_services(const char *base, jaeger_api_t api)
{
	strbuf_t b;
	sb_init(&b);
	url_start(&b, base, api == JAEGER_API_V3 ? "/api/v3/services" : "/api/services");
	return sb_steal(&b);
}

char *jaeger_url_operations(const char *base, jaeger_api_t api, const char *service)
{
	strbuf_t b;
	sb_init(&b);
	if (api == JAEGER_API_V3) {
		int first = 1;
		url_start(&b, base, "/api/v3/operations");
		param(&b, &first, "service");
		sb_url_encode(&b, service ? service : "");
	} else {
		url_start(&b, base, "/api/services/");
		sb_url_encode(&b, service ? service : "");
		sb_puts(&b, "/operations");
	}
	return sb_steal(&b);
}

static int limit_of(const jaeger_query_t *q)
{
	if (q->limit <= 0)
		return 20;
	return q->limit > JAEGER_LIMIT_MAX ? JAEGER_LIMIT_MAX : q->limit;
}

char *jaeger_url_search(const char *base, jaeger_api_t api, const jaeger_query_t *q)
{
	strbuf_t b;
	int first = 1;
	char d[32];
	char *tags = tags_json(q);
	sb_init(&b);
	if (api == JAEGER_API_V3) {
		url_start(&b, base, "/api/v3/traces");
		param(&b, &first, "query.serviceName");
		sb_url_encode(&b, q->service ? q->service : "");
		param_str(&b, &first, "query.operationName", q->operation);
		param(&b, &first, "query.startTimeMin");
		rfc3339(&b, q->start_us);
		param(&b, &first, "query.startTimeMax");
		rfc3339(&b, q->end_us);
		if (q->min_duration_us > 0)
			param_str(&b, &first, "query.durationMin",
				  jaeger_format_duration(q->min_duration_us, d));
		if (q->max_duration_us > 0)
			param_str(&b, &first, "query.durationMax",
				  jaeger_format_duration(q->max_duration_us, d));
		param(&b, &first, "query.searchDepth");
		sb_printf(&b, "%d", limit_of(q));
		param_str(&b, &first, "query.attributes", tags);
	} else {
		url_start(&b, base, "/api/traces");
		param(&b, &first, "service");
		sb_url_encode(&b, q->service ? q->service : "");
		param_str(&b, &first, "operation", q->operation);
		param_str(&b, &first, "tags", tags);
		param(&b, &first, "start");
		sb_printf(&b, "%" PRId64, q->start_us);
		param(&b, &first, "end");
		sb_printf(&b, "%" PRId64, q->end_us);
		if (q->min_duration_us > 0)
			param_str(&b, &first, "minDuration",
				  jaeger_format_duration(q->min_duration_us, d));
		if (q->max_duration_us > 0)
			param_str(&b, &first, "maxDuration",
				  jaeger_format_duration(q->max_duration_us, d));
		param(&b, &first, "limit");
		sb_printf(&b, "%d", limit_of(q));
	}
	free(tags);
	return sb_steal(&b);
}

char *jaeger_url_trace(const char *base, jaeger_api_t api, const char *trace_id)
{
	strbuf_t b;
	sb_init(&b);
	url_start(&b, base, api == JAEGER_API_V3 ? "/api/v3/traces/" : "/api/traces/");
	sb_url_encode(&b, trace_id ? trace_id : "");
	return sb_steal(&b);
}

/* ---- trace ids ---- */

int jaeger_trace_id_norm(const char *s, char out[33])
{
	if (!s)
		return -1;
	while (*s == ' ' || *s == '\t')
		s++;
	size_t n = 0;
	while (s[n] && s[n] != ' ' && s[n] != '\t' && s[n] != '\n' && s[n] != '\r')
		n++;
	for (size_t i = n; s[i]; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return -1;
	if (!n || n > 32)
		return -1;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
			return -1;
	}
	size_t w = n <= 16 ? 16 : 32;
	memset(out, '0', w - n);
	for (size_t i = 0; i < n; i++)
		out[w - n + i] = (char)ascii_lower((unsigned char)s[i]);
	out[w] = '\0';
	return 0;
}

/* ---- Go durations ---- */

static const struct {
	const char *unit;
	int64_t ns;
} units[] = {
	{ "ns", 1 },
	{ "us", 1000 },
	{ "\xc2\xb5s", 1000 }, /* µs, U+00B5 */
	{ "\xce\xbcs", 1000 }, /* μs, U+03BC */
	{ "ms", 1000000 },
	{ "s", 1000000000 },
	{ "m", 60LL * 1000000000 },
	{ "h", 3600LL * 1000000000 },
};

/* As Go's time.ParseDuration: [-+]?([0-9]*(\.[0-9]*)?[a-z]+)+, "0" alone;
 * the sum in ns must fit, and is given in µs (rounded toward zero). Integer
 * arithmetic throughout, so "1.234567s" is 1234567 µs exactly. */
int jaeger_parse_duration(const char *s, int64_t *us)
{
	if (!s || !*s)
		return -1;
	int neg = 0;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (!strcmp(s, "0")) {
		*us = 0;
		return 0;
	}
	if (!*s)
		return -1;
	__int128 total = 0;
	while (*s) {
		const char *p = s;
		__int128 ip = 0;
		uint64_t frac = 0, scale = 1;
		int digits = 0;
		while (*p >= '0' && *p <= '9') {
			ip = ip * 10 + (*p++ - '0'), digits++;
			if (ip > INT64_MAX)
				return -1;
		}
		if (*p == '.') {
			p++;
			while (*p >= '0' && *p <= '9') {
				if (scale < 1000000000000000000ULL)
					frac = frac * 10 + (uint64_t)(*p - '0'), scale *= 10;
				p++, digits++;
			}
		}
		if (!digits)
			return -1;
		size_t best = 0, best_len = 0;
		for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
			size_t l = strlen(units[i].unit);
			if (!strncmp(p, units[i].unit, l) && l > best_len)
				best = i, best_len = l;
		}
		if (!best_len)
			return -1;
		total += ip * units[best].ns + (__int128)frac * units[best].ns / scale;
		if (total > INT64_MAX)
			return -1;
		s = p + best_len;
	}
	int64_t ns = (int64_t)total;
	*us = (neg ? -ns : ns) / 1000;
	return 0;
}

/* The candidates, whole units first (h, m, s, ms, us), then seconds and
 * milliseconds with decimals (one at least); the shortest wins, the first on a tie. */
const char *jaeger_format_duration(int64_t us, char buf[32])
{
	static const struct {
		uint64_t us;
		const char *unit;
	} f[] = { { 3600000000ULL, "h" }, { 60000000ULL, "m" }, { 1000000, "s" }, { 1000, "ms" },
		  { 1, "us" } };
	const char *sign = us < 0 ? "-" : "";
	uint64_t u = us < 0 ? 0 - (uint64_t)us : (uint64_t)us;
	char best[64] = "", cand[64];
	if (!u) {
		snprintf(buf, 32, "0s");
		return buf;
	}
	for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
		if (u % f[i].us == 0) {
			snprintf(cand, sizeof cand, "%s%" PRIu64 "%s", sign, u / f[i].us, f[i].unit);
			if (!*best || strlen(cand) < strlen(best))
				snprintf(best, sizeof best, "%s", cand);
		}
	for (int i = 2; i <= 3; i++) {
		uint64_t q = f[i].us;
		if (u % q == 0 || u < q) /* "200ms", not "0.2s" */
			continue;
		char frac[24];
		snprintf(frac, sizeof frac, "%0*" PRIu64, i == 2 ? 6 : 3, u % q);
		size_t l = strlen(frac);
		while (l && frac[l - 1] == '0')
			frac[--l] = '\0';
		snprintf(cand, sizeof cand, "%s%" PRIu64 ".%s%s", sign, u / q, frac, f[i].unit);
		/* on a tie "1.234567s" reads better than "1234567us" */
		if (strlen(cand) < strlen(best) || (i == 2 && strlen(cand) == strlen(best)))
			snprintf(best, sizeof best, "%s", cand);
	}
	size_t l = strlen(best); /* 21 at most: "-" and 19 digits and a unit */
	if (l > 31)
		l = 31;
	memcpy(buf, best, l);
	buf[l] = '\0';
	return buf;
}

/* ---- logfmt tags ---- */

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int jaeger_parse_tags(const char *logfmt, jaeger_tag_t **tags, size_t *n, char **err)
{
	*tags = NULL;
	*n = 0;
	if (err)
		*err = NULL;
	const char *s = logfmt ? logfmt : "";
	size_t len = strlen(s);
	/* one block: the pairs, then the text (never longer than the input) */
	size_t max_pairs = len / 2 + 1;
	size_t head = max_pairs * sizeof(jaeger_tag_t);
	jaeger_tag_t *v = xmalloc(head + len + max_pairs * 2 + 1);
	char *o = (char *)v + head;
	size_t k = 0;
	const char *p = s;
	for (;;) {
		while (blank(*p))
			p++;
		if (!*p)
			break;
		const char *ks = p;
		while (*p && !blank(*p) && *p != '=' && *p != '"')
			p++;
		size_t kl = (size_t)(p - ks);
		char *m = NULL;
		if (*p == '"')
			m = kl ? xasprintf("tag %zu: a key holds no '\"': write key=\"value\"", k + 1)
			       : xasprintf("tag %zu: a key cannot be quoted: write key=\"value\"", k + 1);
		else if (*p != '=') {
			char *shown = text_one_line(ks, kl, 40);
			m = xasprintf("tag %zu: `%s` has no value: write key=value", k + 1, shown);
			free(shown);
		}
		else if (!kl)
			m = xasprintf("tag %zu: a value without a key: write key=value", k + 1);
		if (m) {
			free(v);
			if (err)
				*err = m;
			else
				free(m);
			return -1;
		}
		p++; /* '=' */
		v[k].key = o;
		memcpy(o, ks, kl);
		o += kl;
		*o++ = '\0';
		v[k].value = o;
		if (*p == '"') {
			p++;
			while (*p && *p != '"') {
				if (*p == '\\' && (p[1] == '"' || p[1] == '\\'))
					p++;
				*o++ = *p++;
			}
			if (*p != '"') {
				free(v);
				char *shown = text_one_line(ks, kl, 40);
				if (err)
					*err = xasprintf("tag %zu: the quote after %s= is not closed", k + 1, shown);
				free(shown);
				return -1;
			}
			p++;
			if (*p && !blank(*p)) {
				free(v);
				if (err)
					*err = xasprintf("tag %zu: a blank must follow the closing quote",
							 k + 1);
				return -1;
			}
		} else {
			while (*p && !blank(*p)) {
				if (*p == '"') {
					free(v);
					if (err)
						*err = xasprintf("tag %zu: a value with '\"' must be quoted: "
								 "key=\"a \\\"b\\\"\"",
								 k + 1);
					return -1;
				}
				*o++ = *p++;
			}
		}
		*o++ = '\0';
		k++;
	}
	if (!k) {
		free(v);
		return 0;
	}
	*tags = v;
	*n = k;
	return 0;
}
