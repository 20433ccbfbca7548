/* Shared widgets: the list's selection and scrolling, the UTF-8 line editor, the `:` line's history and completion. No drawing here. */
#include "config.h"
#include "ui/widgets.h"
#include "ui/canvas.h"
#include <curses.h>
#include <stdlib.h>
#include <string.h>

#ifndef CTRL
#define CTRL(c) ((c) & 0x1f)
#endif

/* ---- list ---- */

void list_fit(list_t *l, size_t n, int rows)
{
	l->n = n;
	l->rows = rows > 0 ? rows : 1;
	if (l->sel >= n)
		l->sel = n ? n - 1 : 0;
	if (l->top > l->sel)
		l->top = l->sel;
	if (l->sel >= l->top + (size_t)l->rows)
		l->top = l->sel - (size_t)l->rows + 1;
	/* no empty space below the last row while rows above are hidden */
	if (n > (size_t)l->rows && l->top + (size_t)l->rows > n)
		l->top = n - (size_t)l->rows;
	if (n <= (size_t)l->rows)
		l->top = 0;
}

void list_select(list_t *l, size_t i)
{
	l->sel = i;
	list_fit(l, l->n, l->rows);
}

int list_request(list_t *l, req_t r)
{
	size_t page = l->rows > 1 ? (size_t)l->rows - 1 : 1;
	switch (r) {
	case REQ_UP: if (l->sel) l->sel--; break;
	case REQ_DOWN: if (l->sel + 1 < l->n) l->sel++; break;
	case REQ_PGUP: l->sel = l->sel > page ? l->sel - page : 0; break;
	case REQ_PGDN: l->sel = l->sel + page < l->n ? l->sel + page : (l->n ? l->n - 1 : 0); break;
	case REQ_TOP: l->sel = 0; break;
	case REQ_BOTTOM: l->sel = l->n ? l->n - 1 : 0; break;
	default: return 0;
	}
	list_fit(l, l->n, l->rows);
	return 1;
}

void list_keep(list_t *l, size_t n, list_key_fn key_of, void *ctx)
{
	if (!l->sel_key)
		return;
	for (size_t i = 0; i < n; i++) {
		char *k = key_of(ctx, i);
		int same = k && strcmp(k, l->sel_key) == 0;
		free(k);
		if (same) {
			l->sel = i;
			return;
		}
	}
}

void list_remember(list_t *l, list_key_fn key_of, void *ctx)
{
	free(l->sel_key);
	l->sel_key = l->sel < l->n ? key_of(ctx, l->sel) : NULL;
}

void list_free(list_t *l)
{
	free(l->sel_key);
	l->sel_key = NULL;
}

/* ---- line editor ---- */

void lineedit_init(lineedit_t *e, const char *text)
{
	memset(e, 0, sizeof *e);
	sb_init(&e->b);
	lineedit_set(e, text);
}

void lineedit_set(lineedit_t *e, const char *text)
{
	e->b.len = 0;
	if (e->b.s)
		e->b.s[0] = '\0';
	/* only what typing could have entered: no control bytes */
	for (const char *p = text ? text : ""; *p; p++)
		if ((unsigned char)*p >= 0x20 && *p != 0x7f)
			sb_add(&e->b, p, 1);
	e->cur = e->b.len;
}

void lineedit_free(lineedit_t *e)
{
	sb_free(&e->b);
	e->cur = 0;
}

const char *lineedit_text(const lineedit_t *e)
{
	return e->b.s ? e->b.s : "";
}

static int is_cont(unsigned char c)
{
	return (c & 0xc0) == 0x80;
}

static size_t prev_char(const lineedit_t *e, size_t at)
{
	if (!at)
		return 0;
	do
		at--;
	while (at && is_cont((unsigned char)e->b.s[at]));
	return at;
}

static size_t next_char(const lineedit_t *e, size_t at)
{
	if (at >= e->b.len)
		return e->b.len;
	do
		at++;
	while (at < e->b.len && is_cont((unsigned char)e->b.s[at]));
	return at;
}

static void cut(lineedit_t *e, size_t from, size_t to)
{
	if (to <= from)
		return;
	memmove(e->b.s + from, e->b.s + to, e->b.len - to + 1);
	e->b.len -= to - from;
	e->cur = from;
}

/* Insert one whole character (n bytes) at the cursor, or nothing when it would
 * not fit: a character is never cut in half by the limit. */
static int insert_char(lineedit_t *e, const char *c, size_t n)
{
	size_t max = e->max ? e->max : 4096;
	if (e->b.len + n > max)
		return LE_IGNORED;
	sb_add(&e->b, c, n); /* grow by n, then move the tail */
	memmove(e->b.s + e->cur + n, e->b.s + e->cur, e->b.len - n - e->cur);
	memcpy(e->b.s + e->cur, c, n);
	e->cur += n;
	return LE_CHANGED;
}

int lineedit_key(lineedit_t *e, int ch)
{
	if (!e->b.s)
		sb_add(&e->b, "", 0);
	switch (ch) {
	case KEY_BACKSPACE:
	case 127:
	case CTRL('h'):
		if (!e->cur)
			return LE_IGNORED;
		cut(e, prev_char(e, e->cur), e->cur);
		return LE_CHANGED;
	case KEY_DC:
	case CTRL('d'):
		if (e->cur >= e->b.len)
			return LE_IGNORED;
		cut(e, e->cur, next_char(e, e->cur));
		return LE_CHANGED;
	case KEY_LEFT:
	case CTRL('b'):
		e->cur = prev_char(e, e->cur);
		return LE_MOVED;
	case KEY_RIGHT:
	case CTRL('f'):
		e->cur = next_char(e, e->cur);
		return LE_MOVED;
	case KEY_HOME:
	case CTRL('a'):
		e->cur = 0;
		return LE_MOVED;
	case KEY_END:
	case CTRL('e'):
		e->cur = e->b.len;
		return LE_MOVED;
	case CTRL('u'):
		cut(e, 0, e->cur);
		return LE_CHANGED;
	case CTRL('k'):
		e->b.len = e->cur;
		e->b.s[e->cur] = '\0';
		return LE_CHANGED;
	case CTRL('w'): {
		size_t at = e->cur;
		while (at && e->b.s[at - 1] == ' ')
			at--;
		while (at && e->b.s[at - 1] != ' ')
			at--;
		if (at == e->cur)
			return LE_IGNORED;
		cut(e, at, e->cur);
		return LE_CHANGED;
	}
	default:
		break;
	}
	if (ch < 0x20 || ch >= 0x100 || ch == 0x7f) {
		e->npend = 0;
		return LE_IGNORED;
	}
	unsigned char u = (unsigned char)ch;
	if (u < 0x80) {
		e->npend = 0;
		char c = (char)u;
		return insert_char(e, &c, 1);
	}
	/* UTF-8 arrives a byte at a time: a character enters the text whole or not
	 * at all, so a comment sent to Alertmanager is always valid UTF-8 */
	if (is_cont(u)) {
		if (!e->npend)
			return LE_IGNORED; /* a stray continuation byte */
		e->pend[e->npend++] = (char)u;
		if (e->npend < e->need)
			return LE_IGNORED;
		int n = e->npend;
		e->npend = 0;
		return insert_char(e, e->pend, (size_t)n);
	}
	e->npend = 0;
	if (u >= 0xc2 && u <= 0xdf)
		e->need = 2;
	else if (u >= 0xe0 && u <= 0xef)
		e->need = 3;
	else if (u >= 0xf0 && u <= 0xf4)
		e->need = 4;
	else
		return LE_IGNORED; /* never a lead byte in UTF-8 */
	e->pend[e->npend++] = (char)u;
	return LE_IGNORED;
}

static int width_of(const char *s, size_t n)
{
	char *t = xstrndup(s, n);
	int w = utf8_width(t);
	free(t);
	return w;
}

void lineedit_view(const lineedit_t *e, int w, size_t *start, int *cursor_col)
{
	const char *s = lineedit_text(e);
	size_t st = 0;
	if (w < 2)
		w = 2;
	/* start as far left as keeps the cursor (and one cell after it) in sight */
	while (width_of(s + st, e->cur - st) > w - 1) {
		size_t nx = st;
		do
			nx++;
		while (nx < e->cur && is_cont((unsigned char)s[nx]));
		st = nx;
	}
	*start = st;
	*cursor_col = width_of(s + st, e->cur - st);
}

/* ---- history ---- */

void history_add(history_t *h, const char *line)
{
	if (!line || !line[strspn(line, " \t")])
		return;
	if (h->n && strcmp(h->v[h->n - 1], line) == 0)
		return;
	size_t max = h->max ? h->max : 100;
	if (h->n >= max) {
		free(h->v[0]);
		memmove(h->v, h->v + 1, (h->n - 1) * sizeof *h->v);
		h->n--;
	}
	h->v = xgrow(h->v, &h->cap, h->n + 1, sizeof *h->v);
	h->v[h->n++] = xstrdup(line);
	h->added++;
}

void history_free(history_t *h)
{
	for (size_t i = 0; i < h->n; i++)
		free(h->v[i]);
	free(h->v);
	memset(h, 0, sizeof *h);
}

const char *history_move(const history_t *h, size_t *pos, int dir, const char *typed, char **draft)
{
	if (*pos > h->n)
		*pos = h->n;
	if (dir < 0) {
		if (!*pos)
			return NULL;
		if (*pos == h->n) {
			free(*draft);
			*draft = xstrdup(typed ? typed : "");
		}
		return h->v[--*pos];
	}
	if (*pos >= h->n)
		return NULL;
	if (++*pos == h->n)
		return *draft ? *draft : "";
	return h->v[*pos];
}

/* ---- completion ---- */

typedef struct {
	const char *v[64];
	size_t n;
} cands_t;

static void cand_add(cands_t *c, const char *word, const char *prefix, size_t plen)
{
	if (!word || strncmp(word, prefix, plen) != 0 || c->n >= sizeof c->v / sizeof c->v[0])
		return;
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i], word) == 0)
			return;
	c->v[c->n++] = word;
}

size_t complete_line(const char *line, const complete_cmd_t *cmds, size_t n, char **out, char **cands)
{
	*out = NULL;
	*cands = NULL;
	const char *p = line + strspn(line, " ");
	size_t wl = strcspn(p, " ");
	cands_t c = { .n = 0 };
	const char *word;  /* the word completed, and where it starts in line */
	size_t wlen;
	int is_cmd = !p[wl];
	if (is_cmd) {
		word = p;
		wlen = wl;
		for (size_t i = 0; i < n; i++) {
			cand_add(&c, cmds[i].name, word, wlen);
			cand_add(&c, cmds[i].alias, word, wlen);
		}
	} else {
		const complete_cmd_t *cmd = NULL;
		for (size_t i = 0; i < n && !cmd; i++)
			if ((strlen(cmds[i].name) == wl && !strncmp(cmds[i].name, p, wl)) ||
			    (cmds[i].alias && strlen(cmds[i].alias) == wl && !strncmp(cmds[i].alias, p, wl)))
				cmd = &cmds[i];
		word = p + wl + strspn(p + wl, " ");
		wlen = strlen(word);
		if (!cmd || !cmd->args || strchr(word, ' '))
			return 0;
		for (size_t i = 0; i < cmd->n_args; i++)
			cand_add(&c, cmd->args[i], word, wlen);
	}
	if (!c.n)
		return 0;
	/* as far as every candidate agrees */
	size_t common = strlen(c.v[0]);
	for (size_t i = 1; i < c.n; i++) {
		size_t k = 0;
		while (k < common && c.v[i][k] == c.v[0][k])
			k++;
		common = k;
	}
	/* never stop inside a UTF-8 character */
	while (common > wlen && ((unsigned char)c.v[0][common] & 0xc0) == 0x80)
		common--;
	size_t head = (size_t)(word - line);
	if (c.n == 1 || common > wlen) {
		strbuf_t b;
		sb_init(&b);
		sb_add(&b, line, head);
		sb_add(&b, c.v[0], common);
		if (c.n == 1 && is_cmd)
			sb_add(&b, " ", 1);
		if (strcmp(b.s ? b.s : "", line) != 0)
			*out = sb_steal(&b);
		else
			sb_free(&b);
	}
	if (c.n > 1) {
		strbuf_t b;
		sb_init(&b);
		for (size_t i = 0; i < c.n; i++)
			sb_printf(&b, "%s%s", i ? "  " : "", c.v[i]);
		*cands = sb_steal(&b);
	}
	return c.n;
}
