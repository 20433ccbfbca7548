/* The overlay stack and the overlays every view shares: prompt, confirmation, form (the text box is in textbox.c). */
#include "config.h"
#include "ui/overlay.h"
#include "ui/canvas.h"
#include "ui/ui.h"
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#ifndef CTRL
#define CTRL(c) ((c) & 0x1f)
#endif

/* ---- the stack ---- */

static int push_at(ui_t *ui, int at, const overlay_ops_t *ops, void *data)
{
	if (ui->n_ov >= UI_MAX_OVERLAYS) {
		/* deeper than anyone navigates: drop the new one rather than an old one */
		overlay_t tmp = { ops, ui, data };
		if (ops->free)
			ops->free(&tmp);
		return 0;
	}
	if (ops->input && ui->msg && !ui->msg_err) {
		/* a note about something else ("cancelled", "refreshing") must not
		 * stand where the new prompt's keys are explained */
		free(ui->msg);
		ui->msg = NULL;
	}
	memmove(&ui->ov[at + 1], &ui->ov[at], (size_t)(ui->n_ov - at) * sizeof ui->ov[0]);
	ui->ov[at] = (overlay_t){ ops, ui, data };
	ui->n_ov++;
	ui_dirty(ui);
	return 1;
}

int ui_push(ui_t *ui, const overlay_ops_t *ops, void *data)
{
	return push_at(ui, ui->n_ov, ops, data);
}

int ui_push_under_input(ui_t *ui, const overlay_ops_t *ops, void *data)
{
	int at = ui->n_ov;
	while (at > 0 && ui->ov[at - 1].ops->input)
		at--;
	return push_at(ui, at, ops, data);
}

void ui_pop(ui_t *ui)
{
	if (!ui->n_ov)
		return;
	overlay_t o = ui->ov[--ui->n_ov];
	if (o.ops->free)
		o.ops->free(&o);
	ui_dirty(ui);
}

overlay_t *ui_top(ui_t *ui)
{
	return ui->n_ov ? &ui->ov[ui->n_ov - 1] : NULL;
}

void ui_pop_all(ui_t *ui)
{
	while (ui->n_ov)
		ui_pop(ui);
}

/* The status line, where prompts and questions live. */
static int status_row(void)
{
	return LINES - 1;
}

/* ---- prompt ---- */

struct prompt {
	char *prompt;
	lineedit_t ed;
	void (*on_enter)(ui_t *, const char *, void *);
	void (*on_change)(ui_t *, const char *, void *);
	void (*on_cancel)(ui_t *, void *);
	void *ud;
	void (*ud_free)(void *);
	history_t *hist;  /* may be NULL */
	size_t hpos;      /* where Up/Down are in hist (hist->n: the line typed) */
	char *draft;      /* the line typed, kept while walking the history */
	char *(*complete)(ui_t *, const char *, char **);
	char *cands;      /* what Tab found, shown above the prompt */
};

static void line_draw(const char *prompt, lineedit_t *ed, int y)
{
	attr_t a = ui_attr(EL_STATUSBAR);
	ui_fill((rect_t){ 0, y, COLS, 1 }, a);
	int x = ui_put(y, 0, COLS, prompt, a | A_BOLD);
	size_t st;
	int cc;
	lineedit_view(ed, COLS - x - 1, &st, &cc);
	ui_put(y, x, COLS - x - 1, lineedit_text(ed) + st, a);
	/* the cursor as a reversed cell: curs_set stays 0 for the whole console */
	const char *at = lineedit_text(ed) + ed->cur;
	char cell[8] = " ";
	if (*at) {
		size_t k = 1;
		while (at[k] && ((unsigned char)at[k] & 0xc0) == 0x80 && k < 6)
			k++;
		memcpy(cell, at, k);
		cell[k] = '\0';
	}
	if (x + cc < COLS)
		ui_put(y, x + cc, 2, cell, a | A_REVERSE);
}

static void pr_draw(overlay_t *o, rect_t area)
{
	(void)area;
	prompt_t *p = o->data;
	line_draw(p->prompt, &p->ed, status_row());
	if (p->cands) {
		int y = status_row() - 1;
		ui_fill((rect_t){ 0, y, COLS, 1 }, ui_attr(EL_STATUSBAR) | A_REVERSE);
		ui_put_cut(y, 1, COLS - 2, p->cands, ui_attr(EL_STATUSBAR) | A_REVERSE);
	}
}

void prompt_history(prompt_t *p, history_t *h)
{
	if (!p)
		return;
	p->hist = h;
	p->hpos = h ? h->n : 0;
}

void prompt_completion(prompt_t *p, char *(*complete)(ui_t *ui, const char *text, char **cands))
{
	if (p)
		p->complete = complete;
}

/* Up/Down through the history, Tab completion: 1 when the key was one of them. */
static int pr_extras(prompt_t *p, ui_t *ui, int ch)
{
	if (p->hist && (ch == KEY_UP || ch == CTRL('p') || ch == KEY_DOWN || ch == CTRL('n'))) {
		int dir = ch == KEY_UP || ch == CTRL('p') ? -1 : 1;
		const char *t = history_move(p->hist, &p->hpos, dir, lineedit_text(&p->ed), &p->draft);
		if (t) {
			char *copy = xstrdup(t); /* t may be the draft, which set does not own */
			lineedit_set(&p->ed, copy);
			free(copy);
		}
		return 1;
	}
	if (p->complete && ch == '\t') {
		char *cands = NULL;
		char *t = p->complete(ui, lineedit_text(&p->ed), &cands);
		if (t) {
			lineedit_set(&p->ed, t);
			free(t);
			if (p->on_change)
				p->on_change(ui, lineedit_text(&p->ed), p->ud);
		}
		p->cands = cands;
		return 1;
	}
	return 0;
}

static int pr_key(overlay_t *o, int ch)
{
	prompt_t *p = o->data;
	ui_t *ui = o->ui;
	if (ch == 27) {
		if (p->on_cancel)
			p->on_cancel(ui, p->ud);
		return OV_CLOSE;
	}
	free(p->cands); /* what the last Tab found is for the text as it was */
	p->cands = NULL;
	if (ch == '\r' || ch == '\n' || ch == KEY_ENTER) {
		char *text = xstrdup(lineedit_text(&p->ed));
		if (p->hist)
			history_add(p->hist, text);
		void (*fn)(ui_t *, const char *, void *) = p->on_enter;
		void *ud = p->ud;
		void (*ud_free)(void *) = p->ud_free;
		/* close first: on_enter may open another overlay (a `:help`) */
		p->ud_free = NULL;
		ui_pop(ui);
		fn(ui, text, ud);
		if (ud_free)
			ud_free(ud);
		free(text);
		return OV_KEEP; /* already popped */
	}
	if (ch == KEY_RESIZE)
		return OV_PASS;
	if (pr_extras(p, ui, ch))
		return OV_KEEP;
	if ((ch == KEY_BACKSPACE || ch == 127 || ch == CTRL('h')) && !p->ed.b.len) {
		if (p->on_cancel)
			p->on_cancel(ui, p->ud);
		return OV_CLOSE;
	}
	if (lineedit_key(&p->ed, ch) == LE_CHANGED && p->on_change)
		p->on_change(ui, lineedit_text(&p->ed), p->ud);
	return OV_KEEP;
}

static void pr_free(overlay_t *o)
{
	prompt_t *p = o->data;
	lineedit_free(&p->ed);
	free(p->prompt);
	free(p->draft);
	free(p->cands);
	if (p->ud_free)
		p->ud_free(p->ud);
	free(p);
}

static const overlay_ops_t prompt_ops = {
	.name = "prompt", .draw = pr_draw, .key = pr_key, .free = pr_free, .input = 1,
};

prompt_t *prompt_open(ui_t *ui, const char *prompt, const char *initial,
		 void (*on_enter)(ui_t *ui, const char *text, void *ud),
		 void (*on_change)(ui_t *ui, const char *text, void *ud),
		 void (*on_cancel)(ui_t *ui, void *ud), void *ud, void (*ud_free)(void *))
{
	prompt_t *p = xcalloc(1, sizeof *p);
	p->prompt = xstrdup(prompt);
	lineedit_init(&p->ed, initial);
	p->ed.max = 1024;
	p->on_enter = on_enter;
	p->on_change = on_change;
	p->on_cancel = on_cancel;
	p->ud = ud;
	p->ud_free = ud_free;
	return ui_push(ui, &prompt_ops, p) ? p : NULL;
}

/* ---- confirmation ---- */

typedef struct {
	char *q;
	void (*on_yes)(ui_t *, void *);
	void *ud;
	void (*ud_free)(void *);
} confirm_t;

static void cf_draw(overlay_t *o, rect_t area)
{
	confirm_t *c = o->data;
	/* a box in the middle, so it cannot be missed; the whole question in words,
	 * wrapped on narrow terminals (the "[y/N]" at its end must show) */
	int w = utf8_width(c->q) + 6;
	if (w > COLS - 2)
		w = COLS - 2;
	if (w < 12)
		w = COLS;
	int tw = w - 6 > 1 ? w - 6 : 1;
	char *lines[16];
	int nl = 0;
	for (const char *q = c->q; *q && nl < 16;) {
		size_t k = ui_wrap_piece(q, tw);
		lines[nl++] = xstrndup(q, k);
		q += k;
		while (*q == ' ')
			q++;
	}
	rect_t r = { (COLS - w) / 2, area.y + area.h / 2 - 2, w, nl + 4 };
	if (r.y + r.h > area.y + area.h)
		r.y = area.y + area.h - r.h;
	if (r.y < area.y)
		r.y = area.y;
	ui_fill(r, ui_attr(EL_DEFAULT));
	ui_box(r, "Confirm", ui_attr(EL_ERROR) | A_BOLD, ui_attr(EL_ERROR) | A_BOLD);
	for (int i = 0; i < nl; i++) {
		ui_put(r.y + 2 + i, r.x + 3, r.w - 6, lines[i], ui_attr(EL_DEFAULT) | A_BOLD);
		free(lines[i]);
	}
}

static int cf_key(overlay_t *o, int ch)
{
	confirm_t *c = o->data;
	ui_t *ui = o->ui;
	if (ch == KEY_RESIZE)
		return OV_PASS;
	if (ch == 'y' || ch == 'Y') {
		void (*fn)(ui_t *, void *) = c->on_yes;
		void *ud = c->ud;
		void (*ud_free)(void *) = c->ud_free;
		c->ud_free = NULL;
		ui_pop(ui);
		fn(ui, ud);
		if (ud_free)
			ud_free(ud);
		return OV_KEEP;
	}
	ui_say(ui, 0, "cancelled: nothing was sent");
	return OV_CLOSE;
}

static void cf_free(overlay_t *o)
{
	confirm_t *c = o->data;
	if (c->ud_free)
		c->ud_free(c->ud);
	free(c->q);
	free(c);
}

static const char *cf_hint(overlay_t *o)
{
	(void)o;
	return "y confirm  any other key cancels";
}

static const overlay_ops_t confirm_ops = {
	.name = "confirm", .draw = cf_draw, .key = cf_key, .free = cf_free, .hint = cf_hint,
	.input = 1,
};

void confirm_open(ui_t *ui, const char *question, void (*on_yes)(ui_t *ui, void *ud), void *ud,
		  void (*ud_free)(void *))
{
	/* keys typed (or pasted) before the question was shown never answer it */
	flushinp();
	confirm_t *c = xcalloc(1, sizeof *c);
	c->q = xstrdup(question);
	c->on_yes = on_yes;
	c->ud = ud;
	c->ud_free = ud_free;
	ui_push(ui, &confirm_ops, c);
}

/* ---- form ---- */

typedef struct {
	char *label;
	lineedit_t ed;
	int required;
	char *placeholder;
	form_complete_fn complete;
} field_t;

struct form {
	char *title;
	struct {
		theme_el_t el;
		char *s;
	} *info;
	size_t n_info, cap_info;
	field_t f[FORM_MAX_FIELDS];
	size_t n;
	size_t cur;
	char *error;
	char *cands;       /* Tab's candidates, until the next key */
	int compact, enter_submits;
	form_submit_fn on_submit;
	void *ud;
	void (*ud_free)(void *);
	ui_t *ui;
};

void form_info(form_t *f, theme_el_t el, const char *line)
{
	f->info = xgrow(f->info, &f->cap_info, f->n_info + 1, sizeof *f->info);
	f->info[f->n_info].el = el;
	f->info[f->n_info].s = xstrdup(line ? line : "");
	f->n_info++;
	ui_dirty(f->ui);
}

void form_field(form_t *f, const char *label, const char *initial, int required)
{
	if (f->n >= FORM_MAX_FIELDS)
		return;
	field_t *fl = &f->f[f->n++];
	fl->label = xstrdup(label);
	lineedit_init(&fl->ed, initial);
	fl->ed.max = 1024;
	fl->required = required;
}

void form_placeholder(form_t *f, size_t i, const char *text)
{
	if (i < f->n) {
		free(f->f[i].placeholder);
		f->f[i].placeholder = text ? xstrdup(text) : NULL;
	}
}

void form_completion(form_t *f, size_t i, form_complete_fn complete)
{
	if (i < f->n)
		f->f[i].complete = complete;
}

void form_compact(form_t *f)
{
	f->compact = 1;
}

void form_enter_submits(form_t *f)
{
	f->enter_submits = 1;
}

void form_focus(form_t *f, size_t i)
{
	if (i < f->n)
		f->cur = i;
}

char *form_value(const form_t *f, size_t i)
{
	if (i >= f->n)
		return xstrdup("");
	const char *s = lineedit_text(&f->f[i].ed);
	while (*s == ' ')
		s++;
	size_t l = strlen(s);
	while (l && s[l - 1] == ' ')
		l--;
	return xstrndup(s, l);
}

const char *form_label(const form_t *f, size_t i)
{
	return i < f->n ? f->f[i].label : "";
}

/* Rows an information line takes wrapped to w columns (its continuation
 * rows indented under it, as fm_draw draws them). */
static int fm_wrapped_rows(const char *s, int w)
{
	int indent = (int)strspn(s, " "), rows = 0, first = 1;
	do {
		int iw = first ? w : w - indent - 2;
		size_t k = ui_wrap_piece(s, iw > 4 ? iw : 4);
		s += k;
		while (*s == ' ')
			s++;
		rows++;
		first = 0;
	} while (*s);
	return rows;
}

static void fm_draw(overlay_t *o, rect_t area)
{
	form_t *f = o->data;
	int w = COLS > 90 ? 84 : COLS - 4;
	int step = f->compact ? 1 : 2;
	/* information lines wrap (at blanks) rather than lose their ends */
	int info_rows = 0;
	for (size_t i = 0; i < f->n_info; i++)
		info_rows += fm_wrapped_rows(f->info[i].s, w - 4);
	int h = info_rows + (int)f->n * step + 6 + (f->compact ? 1 : 0);
	if (h > area.h)
		h = area.h;
	if (w < 20 || h < 6)
		return;
	rect_t r = { (COLS - w) / 2, area.y + (area.h - h) / 2, w, h };
	ui_fill(r, ui_attr(EL_DEFAULT));
	ui_box(r, f->title, ui_attr(EL_PANEL_BORDER_FOCUS), ui_attr(EL_PANEL_TITLE) | A_BOLD);
	int y = r.y + 1, x = r.x + 2, cw = w - 4;
	for (size_t i = 0; i < f->n_info && y < r.y + r.h - 1; i++) {
		const char *p = f->info[i].s;
		int indent = (int)strspn(p, " ");
		int first = 1;
		do {
			int iw = first ? cw : cw - indent - 2;
			size_t k = ui_wrap_piece(p, iw > 4 ? iw : 4);
			char *piece = xstrndup(p, k);
			ui_put(y++, first ? x : x + indent + 2, iw, piece, ui_attr(f->info[i].el));
			free(piece);
			p += k;
			while (*p == ' ')
				p++;
			first = 0;
		} while (*p && y < r.y + r.h - 1);
	}
	y++;
	int lw = 0;
	for (size_t i = 0; i < f->n; i++) {
		int l = utf8_width(f->f[i].label) + (f->f[i].required ? 1 : 0);
		if (l > lw)
			lw = l;
	}
	for (size_t i = 0; i < f->n && y < r.y + r.h - 1; i++, y += step) {
		field_t *fl = &f->f[i];
		int focus = i == f->cur;
		attr_t la = ui_attr(focus ? EL_HELP_KEY : EL_DEFAULT) | (focus ? A_BOLD : 0);
		char *lab = xasprintf("%s%s", fl->label, fl->required ? "*" : "");
		ui_put(y, x, lw + 1, lab, la);
		free(lab);
		int fx = x + lw + 2, fw = cw - lw - 2;
		if (fw < 4)
			continue;
		attr_t fa = ui_attr(focus ? EL_SELECTED : EL_TABLE_HEADER);
		ui_fill((rect_t){ fx, y, fw, 1 }, fa);
		size_t st;
		int cc;
		lineedit_view(&fl->ed, fw, &st, &cc);
		ui_put(y, fx, fw, lineedit_text(&fl->ed) + st, fa);
		if (!fl->ed.b.len && fl->placeholder)
			ui_put(y, fx + (focus ? 2 : 0), fw - (focus ? 2 : 0), fl->placeholder, ui_attr(EL_DIM) | (fa & ~A_COLOR));
		if (focus && fx + cc < fx + fw)
			ui_put(y, fx + cc, 1, " ", fa | A_REVERSE);
		if (focus && fl->ed.cur < fl->ed.b.len) {
			/* the character under the cursor, reversed */
			const char *at = lineedit_text(&fl->ed) + fl->ed.cur;
			size_t k = 1;
			while (at[k] && ((unsigned char)at[k] & 0xc0) == 0x80)
				k++;
			char *cell = xstrndup(at, k);
			ui_put(y, fx + cc, 2, cell, fa | A_REVERSE);
			free(cell);
		}
	}
	if (f->error)
		ui_put(r.y + r.h - 2, x, cw, f->error, ui_attr(EL_ERROR) | A_BOLD);
	else if (f->cands)
		ui_put_cut(r.y + r.h - 2, x, cw, f->cands, ui_attr(EL_DIM));
}

/* Tab in a field that completes: 1 when it did something (the text grew or
 * candidates are shown), 0 to move on. */
static int fm_complete(form_t *f)
{
	field_t *fl = &f->f[f->cur];
	if (!fl->complete)
		return 0;
	char *cands = NULL;
	char *nt = fl->complete(f->ud, lineedit_text(&fl->ed), &cands);
	int did = 0;
	if (nt && strcmp(nt, lineedit_text(&fl->ed)) != 0) {
		lineedit_set(&fl->ed, nt);
		did = 1;
	}
	free(nt);
	if (cands && *cands) {
		f->cands = cands;
		did = 1;
	} else {
		free(cands);
	}
	return did;
}

static int fm_key(overlay_t *o, int ch)
{
	form_t *f = o->data;
	int had_cands = f->cands != NULL;
	free(f->cands);
	f->cands = NULL;
	switch (ch) {
	case 27:
		ui_say(o->ui, 0, "cancelled: nothing was sent");
		return OV_CLOSE;
	case KEY_RESIZE:
		return OV_PASS;
	case '\t':
		if (!had_cands && f->n && fm_complete(f))
			return OV_KEEP;
		/* fall through */
	case KEY_DOWN:
		f->cur = (f->cur + 1) % (f->n ? f->n : 1);
		return OV_KEEP;
	case KEY_BTAB:
	case KEY_UP:
		f->cur = (f->cur + (f->n ? f->n : 1) - 1) % (f->n ? f->n : 1);
		return OV_KEEP;
	case '\r':
	case '\n':
	case KEY_ENTER: {
		/* Enter moves on through the fields; on the last one it submits */
		if (f->cur + 1 < f->n && !f->enter_submits) {
			f->cur++;
			return OV_KEEP;
		}
		for (size_t i = 0; i < f->n; i++) {
			char *v = form_value(f, i);
			int empty = !*v;
			free(v);
			if (f->f[i].required && empty) {
				free(f->error);
				f->error = xasprintf("%s is required", f->f[i].label);
				f->cur = i;
				return OV_KEEP;
			}
		}
		free(f->error);
		f->error = f->on_submit(f, f->ud);
		if (!f->error) {
			/* the submit may have pushed a confirmation over us: pop just the form */
			ui_t *ui = o->ui;
			for (int i = ui->n_ov - 1; i >= 0; i--)
				if (ui->ov[i].data == f) {
					overlay_t me = ui->ov[i];
					memmove(&ui->ov[i], &ui->ov[i + 1],
						(size_t)(ui->n_ov - i - 1) * sizeof ui->ov[0]);
					ui->n_ov--;
					me.ops->free(&me);
					break;
				}
			ui_dirty(ui);
		}
		return OV_KEEP;
	}
	default:
		if (f->n && lineedit_key(&f->f[f->cur].ed, ch) == LE_CHANGED) {
			free(f->error); /* what it said was about the text before */
			f->error = NULL;
		}
		return OV_KEEP;
	}
}

static void fm_free(overlay_t *o)
{
	form_t *f = o->data;
	for (size_t i = 0; i < f->n_info; i++)
		free(f->info[i].s);
	free(f->info);
	for (size_t i = 0; i < f->n; i++) {
		free(f->f[i].label);
		free(f->f[i].placeholder);
		lineedit_free(&f->f[i].ed);
	}
	free(f->error);
	free(f->cands);
	free(f->title);
	if (f->ud_free)
		f->ud_free(f->ud);
	free(f);
}

static const char *fm_hint(overlay_t *o)
{
	const form_t *f = o->data;
	if (f->enter_submits)
		return "Tab complete/next field  Down/Up fields  Enter submit  Esc cancel";
	return "Tab/Down next field  Enter next/submit  Esc cancel (nothing is sent)";
}

static const overlay_ops_t form_ops = {
	.name = "form", .draw = fm_draw, .key = fm_key, .free = fm_free, .hint = fm_hint,
	.input = 1,
};

form_t *form_open(ui_t *ui, const char *title, form_submit_fn on_submit, void *ud,
		  void (*ud_free)(void *))
{
	form_t *f = xcalloc(1, sizeof *f);
	f->title = xstrdup(title);
	f->on_submit = on_submit;
	f->ud = ud;
	f->ud_free = ud_free;
	f->ui = ui;
	ui_push(ui, &form_ops, f);
	return f;
}
