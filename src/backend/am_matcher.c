/* Alertmanager matchers: built from labels, parsed from the command line, matched (anchored regexes), printed. */
#include "config.h"
#include "backend/am.h"
#include "backend/am_int.h"
#include "core/text.h"
#include "core/xalloc.h"
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void am_matchers_add(am_matchers_t *m, const char *name, const char *value, int is_regex,
		     int is_equal)
{
	/* am_matchers_t has no capacity: grow by one; matcher lists are short. */
	m->v = xrealloc(m->v, (m->n + 1) * sizeof *m->v);
	m->v[m->n].name = xstrdup(name ? name : "");
	m->v[m->n].value = xstrdup(value ? value : "");
	m->v[m->n].is_regex = !!is_regex;
	m->v[m->n].is_equal = !!is_equal;
	m->n++;
}

void am_matchers_free(am_matchers_t *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].name);
		free(m->v[i].value);
	}
	free(m->v);
	m->v = NULL;
	m->n = 0;
}


void am_matchers_from_labels(am_matchers_t *m, const labels_t *labels)
{
	/* labels_t is sorted by name already */
	for (size_t i = 0; labels && i < labels->n; i++)
		am_matchers_add(m, labels->v[i].name, labels->v[i].value, 0, 1);
}

static int name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

/*
 * What POSIX ERE would accept but Alertmanager's RE2 would not, or what would
 * make glibc's regcomp/regexec blow up on a regex from the server: NULL when
 * fine, else why. An unmatched ')' is literal in ERE, so "a)|(b" would
 * escape the anchors; back-references match in exponential time; nested
 * counted repeats expand multiplicatively (RE2 caps a count at 1000).
 */
static const char *regex_refuse(const char *re)
{
	int depth = 0;
	double product = 1;
	for (const char *p = re; *p; p++) {
		if (*p == '\\') {
			if (!*++p)
				break;
			if (*p >= '1' && *p <= '9')
				return "back-references are not supported";
		} else if (*p == '[') {
			/* bracket expression: ']' first is literal; [:class:] [.x.] [=x=] */
			p++;
			if (*p == '^')
				p++;
			if (*p == ']')
				p++;
			while (*p && *p != ']') {
				if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
					char d = p[1];
					const char *q = p + 2;
					while (*q && !(q[0] == d && q[1] == ']'))
						q++;
					p = *q ? q + 2 : q;
				} else {
					p++;
				}
			}
			if (!*p)
				break;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			if (--depth < 0)
				return "unmatched )";
		} else if (*p == '{') {
			/* {m}, {m,}, {m,n}: the larger bound counts */
			long m = 0, v = 0;
			const char *q = p + 1;
			for (; *q == ',' || (*q >= '0' && *q <= '9'); q++) {
				if (*q == ',') {
					v = 0;
					continue;
				}
				v = v > 100000 ? v : v * 10 + (*q - '0');
				if (v > m)
					m = v;
			}
			if (*q != '}')
				continue;
			if (m > 1000)
				return "repeat count over 1000";
			product *= m > 1 ? (double)m : 1;
			if (product > 100000)
				return "too many counted repeats";
		}
	}
	return NULL;
}

/* Compile re anchored, as Alertmanager does: 0, or -1 with the reason in why. */
static int anchored_compile(regex_t *rx, const char *re, char *why, size_t n)
{
	const char *no = regex_refuse(re);
	if (no) {
		snprintf(why, n, "%s", no);
		return -1;
	}
	char *a = xasprintf("^(%s)$", re);
	int rc = regcomp(rx, a, REG_EXTENDED | REG_NOSUB);
	free(a);
	if (rc != 0) {
		regerror(rc, rx, why, n);
		return -1;
	}
	return 0;
}

int am_matchers_match(const am_matchers_t *m, const labels_t *labels)
{
	for (size_t i = 0; i < m->n; i++) {
		const am_matcher_t *x = &m->v[i];
		const char *v = labels ? labels_get(labels, x->name) : NULL;
		int hit;
		if (!v)
			v = ""; /* Alertmanager: a missing label has the empty value */
		if (x->is_regex) {
			regex_t rx;
			char why[128];
			if (anchored_compile(&rx, x->value, why, sizeof why) != 0)
				return 0;
			hit = regexec(&rx, v, 0, NULL, 0) == 0;
			regfree(&rx);
		} else {
			hit = strcmp(v, x->value) == 0;
		}
		if (hit != !!x->is_equal)
			return 0;
	}
	return 1;
}

/* A malloc'd error "matcher 'S': WHY" with S made printable. */
static char *matcher_err(const char *s, const char *why)
{
	char *q = am_err_clean(s, strlen(s));
	char *e = xasprintf("matcher '%s': %s", q, why);
	free(q);
	return e;
}

int am_matcher_parse(const char *s, am_matchers_t *m, char **err)
{
	const char *p = s, *name, *op;
	size_t nlen;
	int is_regex, is_equal;
	*err = NULL;
	while (am_is_blank((unsigned char)*p))
		p++;
	name = p;
	while (*p && !am_is_blank((unsigned char)*p) && *p != '=' && *p != '!' && *p != '~')
		p++;
	nlen = (size_t)(p - name);
	while (am_is_blank((unsigned char)*p))
		p++;
	op = p;
	if (op[0] == '=' && op[1] == '~') {
		is_regex = 1, is_equal = 1, p += 2;
	} else if (op[0] == '!' && op[1] == '~') {
		is_regex = 1, is_equal = 0, p += 2;
	} else if (op[0] == '!' && op[1] == '=') {
		is_regex = 0, is_equal = 0, p += 2;
	} else if (op[0] == '=') {
		is_regex = 0, is_equal = 1, p += 1;
	} else {
		*err = matcher_err(s, "expected name=value");
		return -1;
	}
	if (nlen == 0) {
		*err = matcher_err(s, "missing label name before the operator");
		return -1;
	}
	int ok = name_start(name[0]);
	for (size_t i = 1; ok && i < nlen; i++)
		ok = name_char(name[i]);
	if (!ok) {
		*err = matcher_err(s, "label name must match [a-zA-Z_][a-zA-Z0-9_]*");
		return -1;
	}
	while (am_is_blank((unsigned char)*p))
		p++;

	strbuf_t v;
	sb_init(&v);
	if (*p == '"') {
		/* "..." with \" and \\ (and \n); any other backslash stays, for regexes */
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && (p[1] == '"' || p[1] == '\\')) {
				sb_add(&v, ++p, 1);
			} else if (*p == '\\' && p[1] == 'n') {
				sb_add(&v, "\n", 1);
				p++;
			} else {
				sb_add(&v, p, 1);
			}
		}
		if (*p != '"') {
			sb_free(&v);
			*err = matcher_err(s, "unterminated quoted value");
			return -1;
		}
		p++;
		while (am_is_blank((unsigned char)*p))
			p++;
		if (*p) {
			sb_free(&v);
			*err = matcher_err(s, "unexpected text after the closing quote");
			return -1;
		}
	} else {
		const char *e = p + strlen(p);
		while (e > p && am_is_blank((unsigned char)e[-1]))
			e--;
		sb_add(&v, p, (size_t)(e - p));
	}
	char *value = sb_steal(&v);
	if (is_regex) {
		regex_t rx;
		char why[256];
		if (anchored_compile(&rx, value, why, sizeof why) != 0) {
			char *msg = xasprintf("invalid regex: %s", why);
			*err = matcher_err(s, msg);
			free(msg);
			free(value);
			return -1;
		}
		regfree(&rx);
	}
	char *n = xstrndup(name, nlen);
	am_matchers_add(m, n, value, is_regex, is_equal);
	free(n);
	free(value);
	return 0;
}

char *am_matchers_format(const am_matchers_t *m)
{
	strbuf_t b;
	sb_init(&b);
	for (size_t i = 0; i < m->n; i++) {
		const am_matcher_t *x = &m->v[i];
		sb_printf(&b, "%s%s%s\"", i ? ", " : "", x->name,
			  x->is_regex ? (x->is_equal ? "=~" : "!~") : (x->is_equal ? "=" : "!="));
		for (const char *p = x->value; *p; p++) {
			if (*p == '"' || *p == '\\')
				sb_add(&b, "\\", 1);
			if (*p == '\n')
				sb_puts(&b, "\\n");
			else
				sb_add(&b, p, 1);
		}
		sb_add(&b, "\"", 1);
	}
	char *raw = sb_steal(&b);
	char *r = text_sanitize(raw); /* it is shown on the terminal */
	free(raw);
	return r;
}
