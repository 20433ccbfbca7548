/* A hand-written parser for {a="x", b!="y", c=~"re", d!~"re"} |= "s" != "s" |~ "re" !~ "re".
 * Errors are worded as Loki's ("parse error at line 1, col N: ..."). Regexps
 * are POSIX ERE: label matchers are anchored (a full match, as in Loki), line
 * filters are not. */
#include "config.h"
#include "logql.h"
#include "core/xalloc.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	const char *s, *p;
	char *err;
} lexer_t;

static void skip_ws(lexer_t *lx)
{
	while (*lx->p && isspace((unsigned char)*lx->p))
		lx->p++;
}

static int col(const lexer_t *lx)
{
	return (int)(lx->p - lx->s) + 1;
}

/* Loki names what it found as the grammar's token. */
static const char *token_name(const char *p)
{
	if (!*p)
		return "$end";
	if (isalpha((unsigned char)*p) || *p == '_')
		return "IDENTIFIER";
	if (*p == '"' || *p == '`')
		return "STRING";
	if (isdigit((unsigned char)*p))
		return "NUMBER";
	if (*p == '|')
		return "|";
	if (*p == ',')
		return ",";
	if (*p == '}')
		return "}";
	if (*p == '{')
		return "{";
	if (*p == '(')
		return "(";
	return "UNKNOWN";
}

static void unexpected(lexer_t *lx)
{
	if (!lx->err)
		lx->err = xasprintf("parse error at line 1, col %d: syntax error: unexpected %s", col(lx),
				    token_name(lx->p));
}

static char *string_lit(lexer_t *lx)
{
	strbuf_t b;
	char q = *lx->p;

	if (q != '"' && q != '`') {
		unexpected(lx);
		return NULL;
	}
	sb_init(&b);
	sb_add(&b, "", 0);
	for (lx->p++; *lx->p && *lx->p != q; lx->p++) {
		char c = *lx->p;
		if (q == '"' && c == '\\' && lx->p[1]) {
			c = *++lx->p;
			c = c == 'n' ? '\n' : c == 't' ? '\t' : c;
		}
		sb_add(&b, &c, 1);
	}
	if (*lx->p != q) {
		lx->err = xasprintf("parse error at line 1, col %d: literal not terminated", col(lx));
		sb_free(&b);
		return NULL;
	}
	lx->p++;
	return sb_steal(&b);
}

static bool re_compile(lexer_t *lx, regex_t *re, const char *src, bool anchored)
{
	char *pat = anchored ? xasprintf("^(%s)$", src) : xstrdup(src);
	int rc = regcomp(re, pat, REG_EXTENDED | REG_NOSUB);

	free(pat);
	if (rc) {
		char msg[128];
		regerror(rc, re, msg, sizeof msg);
		lx->err = xasprintf("parse error : invalid regular expression \"%s\": %s", src, msg);
		return false;
	}
	return true;
}

logql_t *logql_parse(const char *s, char **err)
{
	lexer_t lx = { s, s, NULL };
	logql_t *q = xcalloc(1, sizeof *q);

	skip_ws(&lx);
	if (*lx.p != '{') {
		if (isalpha((unsigned char)*lx.p))
			lx.err = xasprintf("not supported by icnsim: metric queries (only a stream selector and "
					   "line filters are)");
		else
			unexpected(&lx);
		goto fail;
	}
	lx.p++;
	for (;;) {
		logql_matcher_t m = { 0 };
		const char *start;

		skip_ws(&lx);
		if (*lx.p == '}' && q->nm) {
			lx.p++;
			break;
		}
		start = lx.p;
		if (!(isalpha((unsigned char)*lx.p) || *lx.p == '_')) {
			unexpected(&lx);
			goto fail;
		}
		while (isalnum((unsigned char)*lx.p) || *lx.p == '_')
			lx.p++;
		skip_ws(&lx);
		if (lx.p[0] == '=' && lx.p[1] == '~')
			m.op = LQ_RE, lx.p += 2;
		else if (lx.p[0] == '!' && lx.p[1] == '~')
			m.op = LQ_NRE, lx.p += 2;
		else if (lx.p[0] == '!' && lx.p[1] == '=')
			m.op = LQ_NE, lx.p += 2;
		else if (lx.p[0] == '=')
			m.op = LQ_EQ, lx.p += 1;
		else {
			unexpected(&lx);
			goto fail;
		}
		skip_ws(&lx);
		m.value = string_lit(&lx);
		if (!m.value)
			goto fail;
		m.name = xstrndup(start, strcspn(start, " \t\n=!~"));
		if ((m.op == LQ_RE || m.op == LQ_NRE) && !re_compile(&lx, &m.re, m.value, true)) {
			free(m.name);
			free(m.value);
			goto fail;
		}
		q->m = xrealloc(q->m, (q->nm + 1) * sizeof *q->m);
		q->m[q->nm++] = m;
		skip_ws(&lx);
		if (*lx.p == ',') {
			lx.p++;
			continue;
		}
		if (*lx.p == '}') {
			lx.p++;
			break;
		}
		unexpected(&lx);
		goto fail;
	}
	for (;;) {
		logql_filter_t f = { 0 };

		skip_ws(&lx);
		if (!*lx.p)
			break;
		if (lx.p[0] == '|' && lx.p[1] == '=')
			f.op = LQ_EQ;
		else if (lx.p[0] == '!' && lx.p[1] == '=')
			f.op = LQ_NE;
		else if (lx.p[0] == '|' && lx.p[1] == '~')
			f.op = LQ_RE;
		else if (lx.p[0] == '!' && lx.p[1] == '~')
			f.op = LQ_NRE;
		else if (lx.p[0] == '|') {
			lx.p++;
			skip_ws(&lx);
			lx.err = xasprintf("not supported by icnsim: pipeline stage at col %d (only the line filters "
					   "|=, !=, |~ and !~ are)", col(&lx));
			goto fail;
		} else {
			unexpected(&lx);
			goto fail;
		}
		lx.p += 2;
		skip_ws(&lx);
		f.text = string_lit(&lx);
		if (!f.text)
			goto fail;
		if ((f.op == LQ_RE || f.op == LQ_NRE) && !re_compile(&lx, &f.re, f.text, false)) {
			free(f.text);
			goto fail;
		}
		q->f = xrealloc(q->f, (q->nf + 1) * sizeof *q->f);
		q->f[q->nf++] = f;
	}
	return q;
fail:
	*err = lx.err;
	logql_free(q);
	return NULL;
}

void logql_free(logql_t *q)
{
	if (!q)
		return;
	for (size_t i = 0; i < q->nm; i++) {
		if (q->m[i].op == LQ_RE || q->m[i].op == LQ_NRE)
			regfree(&q->m[i].re);
		free(q->m[i].name);
		free(q->m[i].value);
	}
	for (size_t i = 0; i < q->nf; i++) {
		if (q->f[i].op == LQ_RE || q->f[i].op == LQ_NRE)
			regfree(&q->f[i].re);
		free(q->f[i].text);
	}
	free(q->m);
	free(q->f);
	free(q);
}

bool logql_stream_matches(const logql_t *q, const logs_t *l, size_t stream)
{
	for (size_t i = 0; i < q->nm; i++) {
		const logql_matcher_t *m = &q->m[i];
		const char *v = logs_label(l, stream, m->name);
		bool hit;

		if (!v)
			v = ""; /* a missing label is the empty value, as in Prometheus */
		if (m->op == LQ_EQ || m->op == LQ_NE)
			hit = !strcmp(v, m->value);
		else
			hit = regexec(&m->re, v, 0, NULL, 0) == 0;
		if (hit != (m->op == LQ_EQ || m->op == LQ_RE))
			return false;
	}
	return true;
}

bool logql_line_matches(const logql_t *q, const char *line)
{
	for (size_t i = 0; i < q->nf; i++) {
		const logql_filter_t *f = &q->f[i];
		bool hit = f->op == LQ_EQ || f->op == LQ_NE ? strstr(line, f->text) != NULL
							      : regexec(&f->re, line, 0, NULL, 0) == 0;
		if (hit != (f->op == LQ_EQ || f->op == LQ_RE))
			return false;
	}
	return true;
}
