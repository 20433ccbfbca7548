/* Log levels read cheaply from a line or its stream, and the display columns of a JSON line. */
#include "config.h"
#include "model/logfields.h"
#include "core/xalloc.h"
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

const char *loglevel_name(loglevel_t l)
{
	static const char *const names[] = { "unknown", "debug", "info", "warn", "error", "critical" };
	return (unsigned)l < sizeof names / sizeof names[0] ? names[l] : "unknown";
}

static int word_is(const char *s, size_t n, const char *w)
{
	size_t k = strlen(w);
	if (n != k)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (ascii_lower((unsigned char)s[i]) != w[i])
			return 0;
	return 1;
}

loglevel_t loglevel_parse(const char *s, size_t n)
{
	static const struct {
		const char *w;
		loglevel_t l;
	} words[] = {
		{ "debug", LOGLEVEL_DEBUG },	{ "dbg", LOGLEVEL_DEBUG },	{ "trace", LOGLEVEL_DEBUG },
		{ "info", LOGLEVEL_INFO },	{ "information", LOGLEVEL_INFO }, { "notice", LOGLEVEL_INFO },
		{ "warn", LOGLEVEL_WARN },	{ "warning", LOGLEVEL_WARN },	{ "error", LOGLEVEL_ERROR },
		{ "err", LOGLEVEL_ERROR },	{ "eror", LOGLEVEL_ERROR },	{ "critical", LOGLEVEL_CRITICAL },
		{ "crit", LOGLEVEL_CRITICAL }, { "fatal", LOGLEVEL_CRITICAL }, { "panic", LOGLEVEL_CRITICAL },
		{ "emerg", LOGLEVEL_CRITICAL }, { "alert", LOGLEVEL_CRITICAL },
	};
	if (!s || !n || n > 11)
		return LOGLEVEL_UNKNOWN;
	for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
		if (word_is(s, n, words[i].w))
			return words[i].l;
	return LOGLEVEL_UNKNOWN;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* After a JSON key's closing quote at p: `\s*:\s*"word"` -> the word. */
static loglevel_t json_value_level(const char *p, const char *e)
{
	while (p < e && is_blank(*p))
		p++;
	if (p >= e || *p++ != ':')
		return LOGLEVEL_UNKNOWN;
	while (p < e && is_blank(*p))
		p++;
	if (p >= e || *p++ != '"')
		return LOGLEVEL_UNKNOWN;
	const char *q = p;
	while (q < e && *q != '"' && *q != '\\' && q - p <= 12)
		q++;
	return q < e && *q == '"' ? loglevel_parse(p, (size_t)(q - p)) : LOGLEVEL_UNKNOWN;
}

static loglevel_t json_level(const char *s, size_t n)
{
	static const char *const keys[] = { "\"level\"", "\"lvl\"", "\"severity\"" };
	const char *e = s + n;
	for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
		size_t kl = strlen(keys[k]);
		const char *p = s;
		/* the key may also occur inside a value ("msg":"\"level\"..."): try each */
		while ((p = memmem(p, (size_t)(e - p), keys[k], kl))) {
			loglevel_t l = json_value_level(p + kl, e);
			if (l != LOGLEVEL_UNKNOWN)
				return l;
			p += kl;
		}
	}
	return LOGLEVEL_UNKNOWN;
}

/* logfmt: level=warn or level="warn", at the start or after a blank. */
static loglevel_t logfmt_level(const char *s, size_t n)
{
	const char *e = s + n, *p = s;
	while ((p = memmem(p, (size_t)(e - p), "level=", 6))) {
		if (p == s || is_blank(p[-1])) {
			const char *v = p + 6, *q;
			if (v < e && *v == '"')
				v++;
			q = v;
			while (q < e && !is_blank(*q) && *q != '"' && q - v <= 12)
				q++;
			loglevel_t l = loglevel_parse(v, (size_t)(q - v));
			if (l != LOGLEVEL_UNKNOWN)
				return l;
		}
		p += 6;
	}
	return LOGLEVEL_UNKNOWN;
}

loglevel_t loglevel_of(const char *line, size_t len, const labels_t *stream)
{
	loglevel_t l = LOGLEVEL_UNKNOWN;
	if (line && len) {
		size_t i = 0;
		while (i < len && is_blank(line[i]))
			i++;
		l = i < len && line[i] == '{' ? json_level(line + i, len - i) : logfmt_level(line, len);
	}
	if (l == LOGLEVEL_UNKNOWN && stream) {
		const char *v = labels_get(stream, "level");
		if (!v)
			v = labels_get(stream, "detected_level");
		if (v)
			l = loglevel_parse(v, strlen(v));
	}
	return l;
}

/* ---- JSON columns ---- */

static char *field_text(const json_t *v, int join)
{
	if (!v || json_is_null(v))
		return NULL;
	if (json_is_string(v)) {
		/* a \u0000 inside a field ends it: these are short display columns */
		return xstrdup(json_string_value(v));
	}
	if (join && json_is_array(v)) {
		strbuf_t b;
		size_t i;
		const json_t *x;
		sb_init(&b);
		sb_add(&b, "", 0);
		json_array_foreach(v, i, x)
		{
			char *t = field_text(x, 0);
			if (i)
				sb_puts(&b, ",");
			sb_puts(&b, t ? t : "null");
			free(t);
		}
		return sb_steal(&b);
	}
	/* numbers, booleans, objects: as JSON writes them (the C locale's '.') */
	char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	char *r = xstrdup(s ? s : "");
	free(s);
	return r;
}

static char *field(const json_t *o, const char *k1, const char *k2, const char *k3, int join)
{
	const json_t *v = json_object_get(o, k1);
	if ((!v || json_is_null(v)) && k2)
		v = json_object_get(o, k2);
	if ((!v || json_is_null(v)) && k3)
		v = json_object_get(o, k3);
	return field_text(v, join);
}

void logfields_parse(const char *line, size_t len, logfields_t *out)
{
	memset(out, 0, sizeof *out);
	if (!line)
		len = 0;
	size_t i = 0;
	while (i < len && is_blank(line[i]))
		i++;
	/* only what looks like an object is decoded: most other lines cost nothing */
	json_t *o = i < len && line[i] == '{' ? json_loadb(line + i, len - i, JSON_ALLOW_NUL, NULL)
					     : NULL;
	if (json_is_object(o)) {
		out->json = 1;
		out->ts = field(o, "ts", "time", "timestamp", 0);
		out->level = field(o, "level", "lvl", "severity", 0);
		/* the message whole, a \u0000 in it kept (shown escaped), not cut there */
		const json_t *m = json_object_get(o, "msg");
		if (!m || json_is_null(m))
			m = json_object_get(o, "message");
		if (json_is_string(m)) {
			out->msg_len = json_string_length(m);
			out->msg = xmalloc(out->msg_len + 1);
			memcpy(out->msg, json_string_value(m), out->msg_len + 1);
		} else {
			out->msg = field_text(m, 0);
			out->msg_len = out->msg ? strlen(out->msg) : 0;
		}
		out->slot = field(o, "slot", NULL, NULL, 0);
		out->directors = field(o, "directors", NULL, NULL, 1);
		out->error = field(o, "error", "err", NULL, 0);
		out->trace_id = field(o, "trace_id", "traceID", "traceId", 0);
		out->span_id = field(o, "span_id", "spanID", "spanId", 0);
	} else {
		out->msg = xmalloc(len + 1);
		if (len)
			memcpy(out->msg, line, len);
		out->msg[len] = '\0';
		out->msg_len = len;
	}
	json_decref(o);
}

void logfields_free(logfields_t *f)
{
	if (!f)
		return;
	free(f->ts);
	free(f->level);
	free(f->msg);
	free(f->slot);
	free(f->directors);
	free(f->error);
	free(f->trace_id);
	free(f->span_id);
	memset(f, 0, sizeof *f);
}

/* A logfmt line's `key=value` (or key="value"): the value of the first of
 * keys found at a word's start, at most outsz-1 bytes, into out; 0 or -1. */
static int logfmt_get(const char *line, size_t len, const char *const *keys, char *out, size_t outsz)
{
	for (const char *const *k = keys; *k; k++) {
		size_t kl = strlen(*k);
		for (size_t i = 0; i + kl + 1 < len; i++) {
			if ((i && line[i - 1] != ' ' && line[i - 1] != '\t') || memcmp(line + i, *k, kl) != 0 ||
			    line[i + kl] != '=')
				continue;
			size_t j = i + kl + 1, o = 0;
			int q = j < len && line[j] == '"';
			j += (size_t)q;
			while (j < len && o + 1 < outsz && line[j] != (q ? '"' : ' ') && line[j] != '\t' && line[j])
				out[o++] = line[j++];
			out[o] = 0;
			if (o)
				return 0;
		}
	}
	return -1;
}

int logfields_trace_ids(const char *line, size_t len, char **trace_id, char **span_id)
{
	logfields_t f;
	logfields_parse(line, len, &f);
	*trace_id = f.trace_id && *f.trace_id ? f.trace_id : NULL;
	*span_id = *trace_id && f.span_id && *f.span_id ? f.span_id : NULL;
	if (*trace_id)
		f.trace_id = NULL;
	if (*span_id)
		f.span_id = NULL;
	if (!*trace_id && !f.json) {
		/* a logfmt line: trace_id=... span_id=... */
		static const char *const tk[] = { "trace_id", "traceID", "traceId", "trace-id", NULL };
		static const char *const sk[] = { "span_id", "spanID", "spanId", "span-id", NULL };
		char tid[80], sid[40];
		if (logfmt_get(line, len, tk, tid, sizeof tid) == 0) {
			*trace_id = xstrdup(tid);
			if (logfmt_get(line, len, sk, sid, sizeof sid) == 0)
				*span_id = xstrdup(sid);
		}
	}
	logfields_free(&f);
	return *trace_id ? 0 : -1;
}
