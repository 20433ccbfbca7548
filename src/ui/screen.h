/* The terminal: curses set-up, theme elements as attributes, clipped UTF-8 drawing. */
#ifndef ICN_SCREEN_H
#define ICN_SCREEN_H
#include <curses.h>
#include "core/theme.h"
#include "ui/canvas.h"
#include "ui/layout.h"

typedef struct {
	SCREEN *term;
	int colors;       /* colours in use: 0 (monochrome), 8, 16 or 256 */
	int no_color;     /* NO_COLOR / --no-color */
	int ascii;        /* draw with ASCII only (--ascii, or a non-UTF-8 locale) */
	int alt_screen;   /* the terminal has an alternate screen (terminfo smcup) */
	glyphs_t glyphs;  /* chart glyphs for this terminal */
	attr_t attr[EL__COUNT];
	attr_t ctx_attr;  /* the context's own colour for the header */
	int ctx_framed;   /* the context has a colour: the status line's edges show it too */
	theme_t theme;
} screen_t;

/* The one screen (STYLE.md: no globals beyond the loop and the screen). */
extern screen_t *g_scr;

/* Start curses on the terminal; returns 0, -1 (not a terminal), -2 (TERM
 * unknown) or -3 (a terminal that cannot address the cursor, as TERM=dumb).
 * Closing clears the screen when the terminal has no alternate screen. */
int screen_open(screen_t *s, int no_color, int ascii);
void screen_close(screen_t *s);
/* Apply a theme (copied); ctx_color is the context's colour name or NULL. */
void screen_set_theme(screen_t *s, const theme_t *t, const char *ctx_color);
/* Re-read the terminal size after SIGWINCH. */
void screen_resize(void);

static inline attr_t ui_attr(theme_el_t e)
{
	return g_scr->attr[e];
}
/* Draw UTF-8 text at (y,x), at most maxw columns; returns columns used. In
 * ASCII mode non-ASCII characters become '?'. Control characters are shown as '?'. */
int ui_put(int y, int x, int maxw, const char *s, attr_t a);
/* The same, but a text cut to fit says so: maxw-1 columns of it, then an
 * ellipsis (ui_ellipsis). For errors, queries, messages: "timed out after 30"
 * must never be read as the whole of "timed out after 3000 ms". */
int ui_put_cut(int y, int x, int maxw, const char *s, attr_t a);
int ui_printf_cut(int y, int x, int maxw, attr_t a, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* The one-column mark of a cut: "…", or "~" in ASCII mode. */
const char *ui_ellipsis(void);
/* A table cell: s in w-1 columns (a cut ends in an ellipsis), then blank up to
 * w columns, all in attribute a. Returns w. */
int ui_cell(int y, int x, int w, const char *s, attr_t a);
/* printf into ui_put. */
int ui_printf(int y, int x, int maxw, attr_t a, const char *fmt, ...)
	__attribute__((format(printf, 5, 6)));
/* Fill a rectangle with spaces in attribute a. */
void ui_fill(rect_t r, attr_t a);
/* A box with a title in its top border. */
void ui_box(rect_t r, const char *title, attr_t border, attr_t title_attr);
/* Horizontal line of width w. */
void ui_hline(int y, int x, int w, attr_t a);

#endif
