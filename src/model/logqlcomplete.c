/* Tab in the Logs view's query prompt: label names and values of a LogQL stream selector. */
#include "config.h"
#include "model/logqlcomplete.h"
#include "core/text.h"
#include "core/xalloc.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

lqc_kind_t lqc_where(const char *text, size_t *start, char **name)
{
	*name = NULL;
	*start = 0;
	size_t len = strlen(text);
	int in_sel = 0, in_str = 0;
	size_t word = 0, name_s = 0, name_e = 0;
	/* states inside a selector: 0 name, 1 operator, 2 before the quote, 3 after a value */
	int st = 0;
	for (size_t i = 0; i < len; i++) {
		char c = text[i];
		if (in_str) {
			if (c == '\\' && i + 1 < len)
				i++;
			else if (c == '"') {
				in_str = 0;
				st = 3;
			}
			continue;
		}
		if (!in_sel) {
			if (c == '{') {
				in_sel = 1;
				st = 0;
				word = i + 1;
			}
			continue;
		}
		if (c == '}') {
			in_sel = 0;
			continue;
		}
		if (c == ',') {
			st = 0;
			word = i + 1;
			continue;
		}
		if (st == 0) {
			if (isspace((unsigned char)c) && word == i) {
				word = i + 1;
			} else if (c == '=' || c == '!') {
				name_s = word;
				name_e = i;
				while (name_e > name_s && isspace((unsigned char)text[name_e - 1]))
					name_e--;
				st = 1;
			}
		} else if (st == 1 || st == 2) {
			if (c == '"') {
				in_str = 1;
				word = i + 1;
			} else if (!isspace((unsigned char)c) && c != '=' && c != '~' && c != '!') {
				st = 3;
			}
		}
	}
	if (!in_sel)
		return LQC_NONE;
	if (in_str) {
		*start = word;
		*name = xstrndup(text + name_s, name_e - name_s);
		return LQC_VALUE;
	}
	if (st == 0) {
		*start = word;
		return LQC_NAME;
	}
	return LQC_NONE;
}

/* A value inside a LogQL double-quoted string (Go's strconv.Unquote reads
 * it): quote and backslash escaped, control bytes as \n \t \r or \xNN, so
 * a value holding them is matched exactly rather than typed raw. */
static char *escaped(const char *s)
{
	strbuf_t b;
	sb_init(&b);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\')
			sb_printf(&b, "\\%c", c);
		else if (c == '\n')
			sb_puts(&b, "\\n");
		else if (c == '\t')
			sb_puts(&b, "\\t");
		else if (c == '\r')
			sb_puts(&b, "\\r");
		else if (c < 0x20 || c == 0x7f)
			sb_printf(&b, "\\x%02x", c);
		else
			sb_add(&b, (const char *)&c, 1);
	}
	return sb_steal(&b);
}

char *lqc_complete(const char *text, size_t start, lqc_kind_t k, char *const *cands, size_t n,
		   char **list)
{
	*list = NULL;
	if (k == LQC_NONE)
		return NULL;
	const char *part = text + start;
	size_t pl = strlen(part), common;
	const char *first;
	size_t nm = text_prefix_matches(part, cands, n, 20, &first, &common, list);
	char *out = NULL;
	if (nm == 1) {
		char *v = k == LQC_VALUE ? escaped(first) : xstrdup(first);
		out = xasprintf("%.*s%s%s", (int)start, text, v, k == LQC_VALUE ? "\"" : "=\"");
		free(v);
	} else if (nm > 1) {
		if (common > pl) {
			char *pre = xstrndup(first, common);
			char *v = k == LQC_VALUE ? escaped(pre) : xstrdup(pre);
			out = xasprintf("%.*s%s", (int)start, text, v);
			free(v);
			free(pre);
		}
	}
	return out;
}
