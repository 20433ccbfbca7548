/* The text box overlay: help, details, failure boxes; wraps, scrolls and says so. */
#include "config.h"
#include "ui/overlay.h"
#include "ui/canvas.h"
#include "ui/ui.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

/* ---- text box ---- */

typedef enum { TL_HEADING, TL_KV, TL_TEXT, TL_BLANK } tl_kind_t;

typedef struct {
	tl_kind_t kind;
	theme_el_t el;
	char *key, *text;
} tline_t;

#define TB_MAX_KEYS 4

struct textbox {
	char *title;
	textbox_fill_fn fill;
	void *ctx;
	void (*ctx_free)(void *);
	tline_t *l;
	size_t n, cap;
	int scroll;
	int rows; /* of the last draw, for paging */
	int more_below; /* the last draw left lines below */
	struct {
		int key;
		const char *hint;
		int (*fn)(void *ctx);
	} keys[TB_MAX_KEYS];
	int n_keys;
	char *hint;
};

static void tb_clear(textbox_t *tb)
{
	for (size_t i = 0; i < tb->n; i++) {
		free(tb->l[i].key);
		free(tb->l[i].text);
	}
	tb->n = 0;
}

static tline_t *tb_add(textbox_t *tb, tl_kind_t k)
{
	tb->l = xgrow(tb->l, &tb->cap, tb->n + 1, sizeof *tb->l);
	tline_t *l = &tb->l[tb->n++];
	memset(l, 0, sizeof *l);
	l->kind = k;
	l->el = EL_DEFAULT;
	return l;
}

void textbox_heading(textbox_t *tb, const char *s)
{
	tb_add(tb, TL_HEADING)->text = xstrdup(s ? s : "");
}

void textbox_kv(textbox_t *tb, const char *key, const char *value)
{
	tline_t *l = tb_add(tb, TL_KV);
	l->key = xstrdup(key ? key : "");
	l->text = xstrdup(value ? value : "");
}

void textbox_text(textbox_t *tb, theme_el_t el, const char *s)
{
	tline_t *l = tb_add(tb, TL_TEXT);
	l->el = el;
	l->text = xstrdup(s ? s : "");
}

void textbox_blank(textbox_t *tb)
{
	tb_add(tb, TL_BLANK);
}

void textbox_set_title(textbox_t *tb, const char *title)
{
	free(tb->title);
	tb->title = xstrdup(title ? title : "");
}

void textbox_on_key(textbox_t *tb, int key, const char *hint, int (*fn)(void *ctx))
{
	if (tb->n_keys >= TB_MAX_KEYS)
		return;
	tb->keys[tb->n_keys].key = key;
	tb->keys[tb->n_keys].hint = hint;
	tb->keys[tb->n_keys].fn = fn;
	tb->n_keys++;
}

/* Break s into pieces of at most w columns, at blanks where it can. Returns
 * the byte length of the first piece (at least one character). Linear in the
 * piece: a 100 KB annotation is wrapped in one pass. */
size_t ui_wrap_piece(const char *s, int w)
{
	size_t i = 0, last_blank = 0;
	int col = 0;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	/* never look further than w columns can hold */
	size_t len = strnlen(s, (size_t)(w > 0 ? w : 1) * 8 + 16);
	while (i < len) {
		wchar_t wc;
		size_t n = mbrtowc(&wc, s + i, len - i, &st);
		int cw;
		if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
			memset(&st, 0, sizeof st);
			n = 1;
			cw = 1; /* drawn as '?' */
		} else {
			cw = wcwidth(wc);
			if (cw < 0)
				cw = 1;
		}
		if (col + cw > w)
			break;
		col += cw;
		if (s[i] == ' ')
			last_blank = i;
		i += n;
	}
	if (i >= len)
		return s[len] ? i : len;
	if (i == 0)
		return 1 + strspn(s + 1, "\x80\x81\x82\x83\x84\x85\x86\x87\x88\x89\x8a\x8b\x8c\x8d\x8e\x8f"
					 "\x90\x91\x92\x93\x94\x95\x96\x97\x98\x99\x9a\x9b\x9c\x9d\x9e\x9f"
					 "\xa0\xa1\xa2\xa3\xa4\xa5\xa6\xa7\xa8\xa9\xaa\xab\xac\xad\xae\xaf"
					 "\xb0\xb1\xb2\xb3\xb4\xb5\xb6\xb7\xb8\xb9\xba\xbb\xbc\xbd\xbe\xbf");
	if (last_blank > 0)
		return last_blank + 1;
	return i;
}

/* The box as rows of (attr, indent, text) on a width: headings, wrapped values. */
typedef struct {
	attr_t a;
	int x;
	char *s;
	int is_key;
} trow_t;

static size_t tb_layout(textbox_t *tb, int w, trow_t **out)
{
	size_t n = 0, cap = 0;
	trow_t *r = NULL;
	int keyw = 0;
	for (size_t i = 0; i < tb->n; i++)
		if (tb->l[i].kind == TL_KV) {
			int kw = utf8_width(tb->l[i].key);
			if (kw > keyw)
				keyw = kw;
		}
	if (keyw > w / 3)
		keyw = w / 3;
	for (size_t i = 0; i < tb->n; i++) {
		tline_t *l = &tb->l[i];
		int x = 0, tw = w;
		attr_t a = ui_attr(l->el);
		if (l->kind == TL_BLANK || (l->text && !*l->text && l->kind != TL_KV)) {
			r = xgrow(r, &cap, n + 1, sizeof *r);
			r[n++] = (trow_t){ a, 0, xstrdup(""), 0 };
			continue;
		}
		if (l->kind == TL_HEADING)
			a = ui_attr(EL_TABLE_HEADER) | A_BOLD;
		int same_line = 0;
		if (l->kind == TL_KV) {
			r = xgrow(r, &cap, n + 1, sizeof *r);
			r[n++] = (trow_t){ ui_attr(EL_HELP_KEY) | A_BOLD, 0, xstrdup(l->key), 1 };
			x = keyw + 2;
			tw = w - x;
			if (tw < 8) {
				x = 2;
				tw = w - 2;
			} else {
				/* a key wider than its column has the line to itself: the
				 * value below it, never written over its end */
				same_line = utf8_width(l->key) <= keyw;
			}
		}
		const char *s = l->text ? l->text : "";
		do {
			/* a line break in the text (a query written over several lines)
			 * starts a new row; the rest wraps at blanks */
			size_t k = ui_wrap_piece(s, tw);
			const char *nl = memchr(s, '\n', k);
			if (nl)
				k = (size_t)(nl - s);
			size_t piece = k;
			while (piece && (s[piece - 1] == ' ' || s[piece - 1] == '\r'))
				piece--;
			r = xgrow(r, &cap, n + 1, sizeof *r);
			r[n++] = (trow_t){ a, x, xstrndup(s, piece), same_line ? -1 : 0 };
			same_line = 0;
			s += k;
			if (nl)
				s++;
			else
				while (*s == ' ')
					s++;
		} while (*s);
	}
	*out = r;
	return n;
}

static void tb_draw(overlay_t *o, rect_t area)
{
	textbox_t *tb = o->data;
	if (tb->fill) {
		tb_clear(tb);
		tb->fill(tb, tb->ctx);
	}
	int w = COLS > 84 ? 80 : COLS - 4, h = area.h - 2;
	if (w < 20 || h < 5)
		return;
	rect_t r = { (COLS - w) / 2, area.y + 1, w, h };
	ui_fill(r, ui_attr(EL_DEFAULT));
	ui_box(r, tb->title, ui_attr(EL_PANEL_BORDER_FOCUS), ui_attr(EL_PANEL_TITLE) | A_BOLD);
	trow_t *rows;
	size_t n = tb_layout(tb, w - 4, &rows);
	/* visual rows: a row marked is_key == -1 shares the previous line */
	size_t nvis = 0;
	for (size_t i = 0; i < n; i++)
		nvis += rows[i].is_key != -1;
	int vis = h - 2;
	tb->rows = vis;
	if (tb->scroll > (int)nvis - vis)
		tb->scroll = (int)nvis - vis > 0 ? (int)nvis - vis : 0;
	if (tb->scroll < 0)
		tb->scroll = 0;
	int line = -1;
	for (size_t i = 0; i < n; i++) {
		if (rows[i].is_key != -1)
			line++;
		int y = line - tb->scroll;
		if (y >= 0 && y < vis)
			ui_put_cut(r.y + 1 + y, r.x + 2 + rows[i].x, w - 4 - rows[i].x, rows[i].s, rows[i].a);
		free(rows[i].s);
	}
	free(rows);
	tb->more_below = tb->scroll + vis < (int)nvis;
	if ((int)nvis > vis) {
		/* that it scrolls, and where: in the borders, so no line is hidden */
		attr_t m = ui_attr(EL_HELP_KEY) | A_BOLD;
		int last = tb->scroll + vis < (int)nvis ? tb->scroll + vis : (int)nvis;
		char *pos = xasprintf(" lines %d-%d of %zu ", tb->scroll + 1, last, nvis);
		int pw = utf8_width(pos);
		ui_put(r.y + r.h - 1, r.x + r.w - 2 - pw, pw, pos, ui_attr(EL_DIM));
		free(pos);
		const char *where = !tb->more_below ? " end; more above (k/PgUp) "
				    : tb->scroll > 0 ? " more above and below (k/j PgUp/PgDn) "
						     : " more below (j/PgDn) ";
		ui_put_cut(r.y + r.h - 1, r.x + 2, r.w - 5 - pw, where, m);
	}
}

static int tb_key(overlay_t *o, int ch)
{
	textbox_t *tb = o->data;
	for (int i = 0; i < tb->n_keys; i++)
		if (tb->keys[i].key == ch)
			return tb->keys[i].fn(tb->ctx);
	int page = tb->rows > 2 ? tb->rows - 1 : 1;
	switch (ch) {
	case 27: case 'q': case '?': return OV_CLOSE;
	case 'j': case KEY_DOWN: tb->scroll++; return OV_KEEP;
	case 'k': case KEY_UP: tb->scroll--; return OV_KEEP;
	case ' ': case KEY_NPAGE: tb->scroll += page; return OV_KEEP;
	case KEY_PPAGE: tb->scroll -= page; return OV_KEEP;
	case 'g': case KEY_HOME: tb->scroll = 0; return OV_KEEP;
	case 'G': case KEY_END: tb->scroll = 1 << 20; return OV_KEEP;
	case KEY_RESIZE: case CTRL('l'): return OV_PASS;
	/* Q quits from anywhere; Enter closes a details box (it opened it) */
	case 'Q': return OV_PASS;
	case '\r': case '\n': case KEY_ENTER: return OV_CLOSE;
	default: return OV_KEEP;
	}
}

static void tb_free(overlay_t *o)
{
	textbox_t *tb = o->data;
	tb_clear(tb);
	free(tb->l);
	free(tb->title);
	free(tb->hint);
	if (tb->ctx_free)
		tb->ctx_free(tb->ctx);
	free(tb);
}

static const char *tb_hint(overlay_t *o)
{
	textbox_t *tb = o->data;
	if (!tb->hint) {
		strbuf_t b;
		sb_init(&b);
		for (int i = 0; i < tb->n_keys; i++)
			sb_printf(&b, "%s  ", tb->keys[i].hint);
		sb_puts(&b, "j/k scroll  Esc close");
		tb->hint = sb_steal(&b);
	}
	return tb->hint;
}

static int tb_tick(overlay_t *o, double now)
{
	(void)now;
	textbox_t *tb = o->data;
	return tb->fill != NULL; /* live contents show ages */
}

static const overlay_ops_t textbox_ops = {
	.name = "textbox", .draw = tb_draw, .key = tb_key, .free = tb_free, .hint = tb_hint,
	.tick = tb_tick,
};

static textbox_t *tb_open(ui_t *ui, const char *title, textbox_fill_fn fill, void *ctx,
			  void (*ctx_free)(void *ctx), int quiet)
{
	textbox_t *tb = xcalloc(1, sizeof *tb);
	tb->title = xstrdup(title ? title : "");
	tb->fill = fill;
	tb->ctx = ctx;
	tb->ctx_free = ctx_free;
	if (!(quiet ? ui_push_under_input : ui_push)(ui, &textbox_ops, tb))
		return NULL;
	return tb;
}

textbox_t *textbox_open(ui_t *ui, const char *title, textbox_fill_fn fill, void *ctx,
			void (*ctx_free)(void *ctx))
{
	return tb_open(ui, title, fill, ctx, ctx_free, 0);
}

textbox_t *textbox_open_quiet(ui_t *ui, const char *title, textbox_fill_fn fill, void *ctx,
			      void (*ctx_free)(void *ctx))
{
	return tb_open(ui, title, fill, ctx, ctx_free, 1);
}
