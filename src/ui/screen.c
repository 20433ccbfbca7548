/* Curses set-up and the drawing primitives every view uses. */
#include "config.h"
#include "ui/screen.h"
#include "core/text.h"
#include "core/xalloc.h"
#include <langinfo.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <wchar.h>

screen_t *g_scr;

int screen_open(screen_t *s, int no_color, int ascii)
{
	memset(s, 0, sizeof *s);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return -1;
	const char *cs = nl_langinfo(CODESET);
	s->ascii = ascii || !cs || strcmp(cs, "UTF-8") != 0;
	s->glyphs = s->ascii ? GLYPHS_ASCII : GLYPHS_BRAILLE;
	s->no_color = no_color;
	set_escdelay(25);
	/* newterm, not initscr: an unknown TERM is an error we report, not exit(1) */
	s->term = newterm(NULL, stdout, stdin);
	if (!s->term)
		return -2;
	/* a terminal that cannot move the cursor (TERM=dumb, an emacs shell
	 * buffer) would get the dashboard as a stream of lines: refuse it */
	const char *cup = tigetstr("cup");
	if (!cup || cup == (char *)-1 || !*cup) {
		endwin();
		delscreen(s->term);
		s->term = NULL;
		return -3;
	}
	const char *smcup = tigetstr("smcup");
	s->alt_screen = smcup && smcup != (char *)-1 && *smcup;
	cbreak();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	/* Home and End as terminals send them whatever TERM says: tmux and screen
	 * (\e[1~ \e[4~) under TERM=xterm-*, rxvt (\e[7~ \e[8~), xterm's two modes
	 * (\eOH \e[H). Without these a Home under tmux arrives as Esc [ 1 ~, and
	 * its '1' switches views. define_key does nothing for a sequence the
	 * terminal description binds already. */
	static const struct {
		const char *seq;
		int key;
	} extra[] = {
		{ "\033[1~", KEY_HOME }, { "\033[7~", KEY_HOME }, { "\033OH", KEY_HOME }, { "\033[H", KEY_HOME },
		{ "\033[4~", KEY_END },  { "\033[8~", KEY_END },  { "\033OF", KEY_END },  { "\033[F", KEY_END },
	};
	for (size_t i = 0; i < sizeof extra / sizeof extra[0]; i++)
		if (key_defined(extra[i].seq) == 0)
			define_key(extra[i].seq, extra[i].key);
	nodelay(stdscr, TRUE);
	curs_set(0);
	if (!no_color && has_colors()) {
		start_color();
		use_default_colors();
		s->colors = COLORS >= 256 ? 256 : COLORS >= 16 ? 16 : 8;
	}
	g_scr = s;
	theme_t t;
	if (no_color)
		theme_monochrome(&t);
	else
		theme_builtin(&t);
	screen_set_theme(s, &t, NULL);
	theme_free(&t);
	return 0;
}

void screen_close(screen_t *s)
{
	if (!g_scr)
		return;
	endwin();
	if (!s->alt_screen) {
		/* no alternate screen to leave: clear, so no dashboard is left half
		 * in the scrollback under the shell's prompt */
		const char *cl = tigetstr("clear");
		if (cl && cl != (char *)-1)
			putp(cl);
		fflush(stdout);
	}
	delscreen(s->term);
	s->term = NULL;
	theme_free(&s->theme);
	g_scr = NULL;
}

static attr_t attrs_of(unsigned a)
{
	attr_t r = A_NORMAL;
	if (a & THEME_A_BOLD)
		r |= A_BOLD;
	if (a & THEME_A_DIM)
		r |= A_DIM;
	if (a & THEME_A_REVERSE)
		r |= A_REVERSE;
	if (a & THEME_A_UNDERLINE)
		r |= A_UNDERLINE;
	if (a & THEME_A_ITALIC)
		r |= A_ITALIC;
	return r;
}

/* The colour a terminal with s->colors colours can show for a theme colour. */
static int fit_color(const screen_t *s, int c, int c8)
{
	if (c < 0)
		return -1;
	if (s->colors >= 256)
		return c;
	if (s->colors >= 16 && c < 16)
		return c;
	return c8;
}

static short next_pair;

static attr_t make_attr(screen_t *s, int fg, int bg, int fg8, int bg8, unsigned a)
{
	attr_t r = attrs_of(a);
	if (!s->colors || s->no_color)
		return r;
	int f = fit_color(s, fg, fg8), b = fit_color(s, bg, bg8);
	if (f < 0 && b < 0)
		return r;
	if (next_pair >= COLOR_PAIRS - 1)
		return r;
	short p = ++next_pair;
	init_pair(p, (short)f, (short)b);
	return r | COLOR_PAIR(p);
}

void screen_set_theme(screen_t *s, const theme_t *t, const char *ctx_color)
{
	/* t may be s->theme itself (a context switch re-applies it): copy first */
	theme_t nt = *t;
	nt.name = xstrdup(t->name ? t->name : "builtin");
	if (s->theme.name)
		theme_free(&s->theme);
	s->theme = nt;
	t = &s->theme;
	next_pair = 0;
	for (int e = 0; e < EL__COUNT; e++) {
		const theme_style_t *st = &t->el[e];
		s->attr[e] = make_attr(s, st->fg, st->bg, st->fg8, st->bg8, st->attrs);
	}
	s->ctx_attr = s->attr[EL_HEADER_CONTEXT];
	int c = ctx_color ? theme_color_parse(ctx_color) : -2;
	s->ctx_framed = c >= 0;
	if (c >= 0) {
		const theme_style_t *h = &t->el[EL_HEADER_CONTEXT];
		/* the 8-colour fallback of a 0..15 colour is itself mod 8 */
		s->ctx_attr = make_attr(s, h->fg, c, h->fg8, c < 16 ? c % 8 : h->bg8,
					h->attrs | THEME_A_BOLD);
	}
	bkgdset(' ' | s->attr[EL_DEFAULT]);
}

void screen_resize(void)
{
	struct winsize ws;
	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
}

/* One character of s (len bytes left): its bytes, and in *w its columns: -1
 * for what is drawn as '?' (one column), 0 for a combining mark. Nothing from
 * outside steers the terminal or the cursor: controls (C0, DEL, C1), invalid
 * bytes, format controls and unprintables are '?'. */
static size_t next_cell(const char *s, size_t len, mbstate_t *st, int *w)
{
	wchar_t wc = 0;
	size_t n = mbrtowc(&wc, s, len, st);
	int bad = n == (size_t)-1 || n == (size_t)-2 || n == 0;
	if (bad) {
		memset(st, 0, sizeof *st);
		n = 1;
	}
	*w = bad ? -1 : wcwidth(wc);
	if (bad || wc < 0x20 || (wc >= 0x7f && wc < 0xa0) || *w < 0 ||
	    text_is_format_control((unsigned)wc) || (g_scr->ascii && wc > 0x7e))
		*w = -1;
	return n;
}

int ui_put(int y, int x, int maxw, const char *s, attr_t a)
{
	if (y < 0 || y >= LINES || maxw <= 0 || !s)
		return 0;
	if (x + maxw > COLS)
		maxw = COLS - x;
	if (x < 0 || maxw <= 0)
		return 0;
	attrset(a);
	move(y, x);
	int used = 0;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t len = strlen(s);
	while (len && used < maxw) {
		int w;
		size_t n = next_cell(s, len, &st, &w);
		if (w < 0) {
			addch('?');
			used++;
		} else if (w == 0) {
			if (used > 0) /* a combining mark joins the character before it */
				addnstr(s, (int)n);
		} else {
			if (used + w > maxw)
				break;
			addnstr(s, (int)n);
			used += w;
		}
		s += n;
		len -= n;
	}
	attrset(A_NORMAL);
	return used;
}

/* The columns ui_put would use for s, counted up to `limit` (it stops there). */
static int put_width(const char *s, int limit)
{
	int used = 0;
	mbstate_t st;
	memset(&st, 0, sizeof st);
	size_t len = strlen(s);
	while (len && used <= limit) {
		int w;
		size_t n = next_cell(s, len, &st, &w);
		if (w < 0)
			used++;
		else if (w > 0)
			used += w;
		s += n;
		len -= n;
	}
	return used;
}

const char *ui_ellipsis(void)
{
	return g_scr && g_scr->ascii ? "~" : "\xe2\x80\xa6"; /* … */
}

int ui_put_cut(int y, int x, int maxw, const char *s, attr_t a)
{
	if (!s || maxw <= 0)
		return 0;
	if (x >= 0 && x + maxw > COLS)
		maxw = COLS - x;
	if (maxw <= 0 || put_width(s, maxw) <= maxw)
		return ui_put(y, x, maxw, s, a);
	/* cut: the text in maxw-1 columns, then the ellipsis in the column left */
	int used = ui_put(y, x, maxw - 1, s, a);
	return used + ui_put(y, x + used, 1, ui_ellipsis(), a);
}

int ui_printf_cut(int y, int x, int maxw, attr_t a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	int n = ui_put_cut(y, x, maxw, s, a);
	free(s);
	return n;
}

int ui_cell(int y, int x, int w, const char *s, attr_t a)
{
	if (w <= 0)
		return 0;
	ui_fill((rect_t){ x, y, x + w > COLS ? COLS - x : w, 1 }, a);
	if (w == 1)
		return 1;
	/* the text in w-1 columns, a cut shown as such, then the gap to the next column */
	ui_put_cut(y, x, w - 1, s, a);
	return w;
}

int ui_printf(int y, int x, int maxw, attr_t a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *s = xvasprintf(fmt, ap);
	va_end(ap);
	int n = ui_put(y, x, maxw, s, a);
	free(s);
	return n;
}

void ui_fill(rect_t r, attr_t a)
{
	attrset(a);
	for (int y = r.y; y < r.y + r.h && y < LINES; y++) {
		if (y < 0)
			continue;
		move(y, r.x);
		for (int x = r.x; x < r.x + r.w && x < COLS; x++)
			addch(' ');
	}
	attrset(A_NORMAL);
}

/* Box drawing: Unicode in UTF-8 mode (terminfo's ACS is often wrong over ssh,
 * in PuTTY or inside tmux with the wrong TERM), '+', '-', '|' in ASCII mode. */
enum { BX_H, BX_V, BX_UL, BX_UR, BX_LL, BX_LR };
static const char *const box_utf8[] = { "\xe2\x94\x80", "\xe2\x94\x82", "\xe2\x94\x8c",
					"\xe2\x94\x90", "\xe2\x94\x94", "\xe2\x94\x98" };
static const char *const box_ascii[] = { "-", "|", "+", "+", "+", "+" };

static void box_put(int y, int x, int what, attr_t a)
{
	if (y < 0 || y >= LINES || x < 0 || x >= COLS)
		return;
	const char *g = g_scr->ascii ? box_ascii[what] : box_utf8[what];
	attrset(a);
	mvaddstr(y, x, g);
}

void ui_hline(int y, int x, int w, attr_t a)
{
	for (int i = 0; i < w; i++)
		box_put(y, x + i, BX_H, a);
	attrset(A_NORMAL);
}

void ui_box(rect_t r, const char *title, attr_t border, attr_t title_attr)
{
	if (r.w < 2 || r.h < 2)
		return;
	int bottom = r.y + r.h - 1, right = r.x + r.w - 1;
	for (int x = r.x + 1; x < right; x++) {
		box_put(r.y, x, BX_H, border);
		box_put(bottom, x, BX_H, border);
	}
	for (int y = r.y + 1; y < bottom; y++) {
		box_put(y, r.x, BX_V, border);
		box_put(y, right, BX_V, border);
	}
	box_put(r.y, r.x, BX_UL, border);
	box_put(r.y, right, BX_UR, border);
	box_put(bottom, r.x, BX_LL, border);
	box_put(bottom, right, BX_LR, border);
	attrset(A_NORMAL);
	if (title && *title && r.w > 4) {
		ui_put(r.y, r.x + 1, 1, " ", border);
		int n = ui_put_cut(r.y, r.x + 2, r.w - 4, title, title_attr);
		ui_put(r.y, r.x + 2 + n, 1, " ", border);
	}
}
