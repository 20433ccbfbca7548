/* YAML node tree with 1-based positions, built from libyaml's event parser, and checked accessors. */
#include "config.h"
#include "core/yamldoc.h"
#include "core/xalloc.h"
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

static void yd_vfail(yd_ctx_t *cx, int line, int col, const char *fmt, va_list ap)
{
	strbuf_t b;
	char *msg;

	if (!cx->err || !cx->errlen)
		return;
	sb_init(&b);
	sb_vprintf(&b, fmt, ap);
	msg = sb_steal(&b);
	if (line > 0)
		snprintf(cx->err, cx->errlen, "%s:%d:%d: %s", cx->name, line, col, msg);
	else
		snprintf(cx->err, cx->errlen, "%s: %s", cx->name, msg);
	free(msg);
}

int yd_fail(yd_ctx_t *cx, const yd_node_t *at, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	yd_vfail(cx, at ? at->line : 0, at ? at->col : 0, fmt, ap);
	va_end(ap);
	return -1;
}

static int yd_fail_at(yd_ctx_t *cx, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int yd_fail_at(yd_ctx_t *cx, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	yd_vfail(cx, line, col, fmt, ap);
	va_end(ap);
	return -1;
}

/* Clamp libyaml's size_t marks into the int positions we print. */
static int mark_pos(size_t v)
{
	return v >= 1000000000u ? 1000000000 : (int)v + 1;
}

void yd_free(yd_node_t *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		yd_free(n->kids[i]);
	free(n->kids);
	free(n->str);
	free(n);
}

static yd_node_t *node_new(yd_kind_t kind, const yaml_mark_t *m)
{
	yd_node_t *n = xcalloc(1, sizeof *n);
	n->kind = kind;
	n->line = mark_pos(m->line);
	n->col = mark_pos(m->column);
	return n;
}

static void node_add(yd_node_t *parent, yd_node_t *kid)
{
	parent->kids = xgrow(parent->kids, &parent->cap, parent->n + 1, sizeof *parent->kids);
	parent->kids[parent->n++] = kid;
}

/* Reader errors (bad UTF-8, control characters) carry a byte offset, not a
 * mark; turn it into a line and a column counted in characters, as libyaml
 * counts its marks. */
static void offset_pos(const char *buf, size_t len, size_t off, int *line, int *col)
{
	size_t l = 1, c = 1;
	if (off > len)
		off = len;
	for (size_t i = 0; i < off; i++) {
		unsigned char ch = (unsigned char)buf[i];
		if (ch == '\n') {
			l++;
			c = 1;
		} else if ((ch & 0xC0) != 0x80) {
			c++;
		}
	}
	*line = mark_pos(l - 1);
	*col = mark_pos(c - 1);
}

static int parser_fail(yd_ctx_t *cx, const yaml_parser_t *p, const char *buf, size_t len)
{
	const char *problem = p->problem ? p->problem : "invalid YAML";
	int line, col;

	if (p->error == YAML_READER_ERROR) {
		offset_pos(buf, len, p->problem_offset, &line, &col);
		if (p->problem_value >= 0)
			return yd_fail_at(cx, line, col, "%s (#x%02X)", problem,
					  (unsigned)p->problem_value);
		return yd_fail_at(cx, line, col, "%s", problem);
	}
	if (p->error == YAML_MEMORY_ERROR)
		return yd_fail_at(cx, 0, 0, "out of memory while parsing");
	return yd_fail_at(cx, mark_pos(p->problem_mark.line), mark_pos(p->problem_mark.column),
			  "%s", problem);
}

static int scalar_is_null(const char *s, size_t len)
{
	return len == 0 || (len == 1 && s[0] == '~') ||
	       (len == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) ||
			     !memcmp(s, "NULL", 4)));
}

int yd_parse(yd_ctx_t *cx, const char *buf, size_t len, yd_node_t **root)
{
	yaml_parser_t p;
	yaml_event_t ev;
	yd_node_t *stack[YD_MAX_DEPTH + 1];
	size_t depth = 0;
	yd_node_t *top = NULL;
	int docs = 0, rc = -1, done = 0;

	*root = NULL;
	if (!yaml_parser_initialize(&p))
		return yd_fail_at(cx, 0, 0, "out of memory while parsing");
	yaml_parser_set_input_string(&p, (const unsigned char *)buf, len);
	yaml_parser_set_encoding(&p, YAML_UTF8_ENCODING);

	while (!done) {
		yd_node_t *n = NULL;

		if (!yaml_parser_parse(&p, &ev)) {
			parser_fail(cx, &p, buf, len);
			goto out;
		}
		switch (ev.type) {
		case YAML_STREAM_END_EVENT:
			done = 1;
			break;
		case YAML_DOCUMENT_START_EVENT:
			if (++docs > 1) {
				yd_fail_at(cx, mark_pos(ev.start_mark.line),
					   mark_pos(ev.start_mark.column),
					   "expected a single document");
				yaml_event_delete(&ev);
				goto out;
			}
			break;
		case YAML_ALIAS_EVENT:
			yd_fail_at(cx, mark_pos(ev.start_mark.line), mark_pos(ev.start_mark.column),
				   "aliases are not supported");
			yaml_event_delete(&ev);
			goto out;
		case YAML_SCALAR_EVENT:
			if (memchr(ev.data.scalar.value, '\0', ev.data.scalar.length)) {
				yd_fail_at(cx, mark_pos(ev.start_mark.line),
					   mark_pos(ev.start_mark.column),
					   "a NUL character is not allowed in a string");
				yaml_event_delete(&ev);
				goto out;
			}
			n = node_new(YD_SCALAR, &ev.start_mark);
			n->plain = ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
			n->str = xstrndup((const char *)ev.data.scalar.value, ev.data.scalar.length);
			n->len = ev.data.scalar.length;
			break;
		case YAML_SEQUENCE_START_EVENT:
		case YAML_MAPPING_START_EVENT:
			if (depth >= YD_MAX_DEPTH) {
				yd_fail_at(cx, mark_pos(ev.start_mark.line),
					   mark_pos(ev.start_mark.column),
					   "nesting deeper than %d levels", YD_MAX_DEPTH);
				yaml_event_delete(&ev);
				goto out;
			}
			n = node_new(ev.type == YAML_MAPPING_START_EVENT ? YD_MAP : YD_SEQ,
				     &ev.start_mark);
			break;
		case YAML_SEQUENCE_END_EVENT:
		case YAML_MAPPING_END_EVENT:
			if (depth > 0)
				depth--;
			break;
		default:
			break;
		}
		yaml_event_delete(&ev);
		if (!n)
			continue;
		if (depth > 0)
			node_add(stack[depth - 1], n);
		else
			top = n;
		if (n->kind != YD_SCALAR)
			stack[depth++] = n;
	}
	rc = 0;
out:
	yaml_parser_delete(&p);
	if (rc < 0) {
		/* A partial tree: the document's first node owns it all. */
		yd_free(top);
		return -1;
	}
	if (top && top->kind == YD_SCALAR && top->plain && scalar_is_null(top->str, top->len)) {
		yd_free(top);
		top = NULL;
	}
	*root = top;
	return 0;
}

int yd_read_file(const char *path, char **buf, size_t *len, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	strbuf_t b;
	char chunk[8192];
	size_t got;

	*buf = NULL;
	*len = 0;
	if (!f) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	sb_init(&b);
	while ((got = fread(chunk, 1, sizeof chunk, f)) > 0) {
		if (b.len + got > YD_MAX_FILE) {
			snprintf(err, errlen, "%s: file larger than %u bytes", path,
				 (unsigned)YD_MAX_FILE);
			sb_free(&b);
			fclose(f);
			return -1;
		}
		sb_add(&b, chunk, got);
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno ? errno : EIO));
		sb_free(&b);
		fclose(f);
		return -1;
	}
	fclose(f);
	*len = b.len;
	*buf = sb_steal(&b);
	return 0;
}

int yd_is_null(const yd_node_t *n)
{
	return !n || (n->kind == YD_SCALAR && n->plain && scalar_is_null(n->str, n->len));
}

size_t yd_map_size(const yd_node_t *n)
{
	return n && n->kind == YD_MAP ? n->n / 2 : 0;
}

const yd_node_t *yd_map_key(const yd_node_t *n, size_t i)
{
	return n->kids[2 * i];
}

const yd_node_t *yd_map_val(const yd_node_t *n, size_t i)
{
	/* A key whose value never arrived cannot happen: libyaml always closes
	 * a pair, with an empty scalar if need be. */
	return 2 * i + 1 < n->n ? n->kids[2 * i + 1] : NULL;
}

const yd_node_t *yd_get(const yd_node_t *map, const char *key)
{
	size_t np = yd_map_size(map);
	for (size_t i = 0; i < np; i++) {
		const yd_node_t *k = yd_map_key(map, i);
		if (k->kind == YD_SCALAR && !strcmp(k->str, key))
			return yd_map_val(map, i);
	}
	return NULL;
}

static void list_words(strbuf_t *b, const char *const *words)
{
	for (size_t i = 0; words[i]; i++)
		sb_printf(b, "%s%s", i ? ", " : "", words[i]);
}

int yd_check_map(yd_ctx_t *cx, const yd_node_t *n, const char *const *allowed,
		 const char *where)
{
	size_t np;

	if (yd_is_null(n))
		return 0;
	if (n->kind != YD_MAP)
		return yd_fail(cx, n, "expected a mapping");
	np = yd_map_size(n);
	for (size_t i = 0; i < np; i++) {
		const yd_node_t *k = yd_map_key(n, i);
		int known = !allowed;

		if (k->kind != YD_SCALAR)
			return yd_fail(cx, k, "expected a string as key");
		for (size_t j = 0; allowed && allowed[j]; j++)
			if (!strcmp(allowed[j], k->str))
				known = 1;
		if (!known) {
			strbuf_t b;
			int rc;
			sb_init(&b);
			list_words(&b, allowed);
			rc = yd_fail(cx, k, "unknown key '%s'%s (expected one of: %s)", k->str,
				     where ? where : "", b.s ? b.s : "");
			sb_free(&b);
			return rc;
		}
		for (size_t j = 0; j < i; j++) {
			const yd_node_t *prev = yd_map_key(n, j);
			if (prev->kind == YD_SCALAR && !strcmp(prev->str, k->str))
				return yd_fail(cx, k, "duplicate key '%s'%s (first at line %d)",
					       k->str, where ? where : "", prev->line);
		}
	}
	return 0;
}

int yd_string(yd_ctx_t *cx, const yd_node_t *n, char **out)
{
	*out = NULL;
	if (yd_is_null(n))
		return 0;
	if (n->kind != YD_SCALAR)
		return yd_fail(cx, n, "expected a string");
	*out = xstrdup(n->str);
	return 0;
}

int yd_number(yd_ctx_t *cx, const yd_node_t *n, double *out)
{
	char *end;
	double v;

	if (!n || n->kind != YD_SCALAR || n->len == 0)
		return yd_fail(cx, n, "expected a number");
	errno = 0;
	v = strtod(n->str, &end);
	/* strtod would take "nan", "inf" and hex floats; none is a sane setting. */
	if (end == n->str || *end || errno == ERANGE || !isfinite(v) ||
	    strpbrk(n->str, "xXnN") || n->str[0] == ' ')
		return yd_fail(cx, n, "expected a number, got '%s'", n->str);
	*out = v;
	return 0;
}

char *yd_name_from_path(const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	size_t len = strlen(b);
	if (len > 5 && !strcmp(b + len - 5, ".yaml"))
		len -= 5;
	else if (len > 4 && !strcmp(b + len - 4, ".yml"))
		len -= 4;
	return xstrndup(b, len);
}
