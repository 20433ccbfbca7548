/* Unit tests of ui/widgets: the list's selection and scrolling, and the UTF-8 line editor and its view. */
#include "config.h"

#include <locale.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <curses.h>

#include "ui/canvas.h"
#include "ui/widgets.h"

#ifndef CTRL
#define CTRL(c) ((c) & 0x1f)
#endif

/* ---- list ---------------------------------------------------------------- */

#define assert_list(l, want_sel, want_top)                                           \
	do {                                                                         \
		if ((l)->sel != (size_t)(want_sel) || (l)->top != (size_t)(want_top)) \
			fail_msg("sel %zu top %zu, want sel %zu top %zu", (l)->sel,   \
				 (l)->top, (size_t)(want_sel), (size_t)(want_top));   \
	} while (0)

/* What every list must hold after any call. */
static void assert_list_sane(const list_t *l)
{
	if (!l->n) {
		assert_int_equal(l->sel, 0);
		assert_int_equal(l->top, 0);
		return;
	}
	assert_true(l->rows >= 1);
	size_t rows = (size_t)l->rows;
	assert_true(l->sel < l->n);
	assert_true(l->top <= l->sel);
	assert_true(l->sel < l->top + rows); /* the selection is in sight */
	if (l->n > rows)
		assert_true(l->top + rows <= l->n); /* no empty space below the last row */
	else
		assert_int_equal(l->top, 0);
}

static void test_list_empty(void **state)
{
	(void)state;
	static const req_t moves[] = { REQ_UP, REQ_DOWN, REQ_PGUP, REQ_PGDN, REQ_TOP, REQ_BOTTOM };
	list_t l;
	memset(&l, 0, sizeof l);
	list_fit(&l, 0, 10);
	assert_int_equal(l.n, 0);
	assert_int_equal(l.rows, 10);
	assert_list(&l, 0, 0);
	for (size_t i = 0; i < sizeof moves / sizeof *moves; i++) {
		assert_int_equal(list_request(&l, moves[i]), 1);
		assert_list(&l, 0, 0);
	}
	list_select(&l, 7);
	assert_list(&l, 0, 0);

	/* a list that empties: selection and top back to 0 */
	list_fit(&l, 30, 10);
	list_request(&l, REQ_BOTTOM);
	assert_list(&l, 29, 20);
	list_fit(&l, 0, 10);
	assert_list(&l, 0, 0);

	/* no room at all still keeps one row */
	list_fit(&l, 5, 0);
	assert_int_equal(l.rows, 1);
	list_fit(&l, 5, -3);
	assert_int_equal(l.rows, 1);
	assert_list_sane(&l);
}

static void test_list_other_requests(void **state)
{
	(void)state;
	list_t l;
	memset(&l, 0, sizeof l);
	list_fit(&l, 10, 5);
	list_select(&l, 3);
	assert_int_equal(list_request(&l, REQ_ENTER), 0);
	assert_int_equal(list_request(&l, REQ_LEFT), 0);
	assert_int_equal(list_request(&l, REQ_NONE), 0);
	assert_int_equal(list_request(&l, REQ_FILTER), 0);
	assert_list(&l, 3, 0);
}

static void test_list_paging(void **state)
{
	(void)state;
	list_t l;
	memset(&l, 0, sizeof l);
	list_fit(&l, 100, 10);
	assert_list(&l, 0, 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(list_request(&l, REQ_DOWN), 1);
	assert_list(&l, 3, 0);
	/* a page is the rows less one, so one row stays in sight across a page */
	list_request(&l, REQ_PGDN);
	assert_list(&l, 12, 3);
	list_request(&l, REQ_PGDN);
	assert_list(&l, 21, 12);
	list_request(&l, REQ_PGUP);
	assert_list(&l, 12, 12);
	list_request(&l, REQ_PGUP);
	assert_list(&l, 3, 3);
	list_request(&l, REQ_PGUP);
	assert_list(&l, 0, 0);
	list_request(&l, REQ_UP);
	assert_list(&l, 0, 0);
	list_request(&l, REQ_BOTTOM);
	assert_list(&l, 99, 90);
	list_request(&l, REQ_DOWN);
	assert_list(&l, 99, 90);
	list_request(&l, REQ_PGDN);
	assert_list(&l, 99, 90);
	list_request(&l, REQ_TOP);
	assert_list(&l, 0, 0);
	/* a page that would pass the end stops on the last row */
	list_select(&l, 95);
	list_request(&l, REQ_PGDN);
	assert_list(&l, 99, 90);
	/* moving down one row past the bottom scrolls by one */
	list_request(&l, REQ_TOP);
	list_select(&l, 9);
	assert_list(&l, 9, 0);
	list_request(&l, REQ_DOWN);
	assert_list(&l, 10, 1);
	list_request(&l, REQ_UP);
	assert_list(&l, 9, 1);

	/* one row: a page is one row */
	list_fit(&l, 5, 1);
	list_request(&l, REQ_TOP);
	list_request(&l, REQ_PGDN);
	assert_list(&l, 1, 1);
	list_request(&l, REQ_PGUP);
	assert_list(&l, 0, 0);
}

static void test_list_select(void **state)
{
	(void)state;
	list_t l;
	memset(&l, 0, sizeof l);
	list_fit(&l, 100, 10);
	list_select(&l, 70);
	assert_list(&l, 70, 61);
	list_select(&l, 65); /* already in sight: nothing scrolls */
	assert_list(&l, 65, 61);
	list_select(&l, 5);
	assert_list(&l, 5, 5);
	list_select(&l, 1000); /* clamped */
	assert_list(&l, 99, 90);
	list_select(&l, (size_t)-1);
	assert_list(&l, 99, 90);
}

static void test_list_resize(void **state)
{
	(void)state;
	list_t l;
	memset(&l, 0, sizeof l);
	list_fit(&l, 50, 10);
	list_request(&l, REQ_BOTTOM);
	assert_list(&l, 49, 40);
	/* rows go away at the end: the selection follows, no empty space below */
	list_fit(&l, 45, 10);
	assert_list(&l, 44, 35);
	/* a taller window shows more above rather than blank rows below */
	list_fit(&l, 45, 20);
	assert_list(&l, 44, 25);
	/* everything fits: from the top */
	list_fit(&l, 45, 60);
	assert_list(&l, 44, 0);
	list_fit(&l, 5, 20);
	assert_list(&l, 4, 0);

	/* a shorter window keeps the selection in sight */
	list_fit(&l, 100, 10);
	list_select(&l, 50);
	l.top = 45;
	list_fit(&l, 100, 3);
	assert_list(&l, 50, 48);

	/* the list shrinks under a selection in its middle while rows above are hidden */
	list_fit(&l, 100, 10);
	list_select(&l, 60);
	l.top = 55;
	list_fit(&l, 62, 10);
	assert_list(&l, 60, 52);
	list_fit(&l, 12, 10);
	assert_list(&l, 11, 2);
}

/* Random requests, selections and resizes against the invariants. */
static void test_list_invariants(void **state)
{
	(void)state;
	static const req_t moves[] = { REQ_UP, REQ_DOWN, REQ_PGUP, REQ_PGDN, REQ_TOP, REQ_BOTTOM };
	uint32_t x = 12345;
	list_t l;
	memset(&l, 0, sizeof l);
	list_fit(&l, 0, 1);
	for (int i = 0; i < 20000; i++) {
		x = x * 1103515245u + 12345u;
		uint32_t r = (x >> 8) % 100;
		if (r < 10) {
			list_fit(&l, (x >> 12) % 60, (int)((x >> 20) % 25) - 2);
		} else if (r < 20) {
			list_select(&l, (x >> 12) % 70);
		} else {
			assert_int_equal(list_request(&l, moves[(x >> 12) % 6]), 1);
		}
		assert_list_sane(&l);
	}
}

/* ---- line editor ------------------------------------------------------------ */

/* Type the bytes of s one by one: each character is taken whole on its last
 * byte (LE_CHANGED); the bytes before it are held (LE_IGNORED) and change nothing. */
static void type(lineedit_t *e, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		size_t len = e->b.len;
		int last = p[1] == '\0' || (p[1] & 0xc0) != 0x80;
		int r = lineedit_key(e, *p);
		if (last && r != LE_CHANGED)
			fail_msg("byte 0x%02x of \"%s\" did not complete a character", *p, s);
		if (!last && (r != LE_IGNORED || e->b.len != len))
			fail_msg("byte 0x%02x of \"%s\" entered half a character", *p, s);
	}
}

static void test_lineedit_ascii(void **state)
{
	(void)state;
	lineedit_t e;
	lineedit_init(&e, NULL);
	assert_string_equal(lineedit_text(&e), "");
	assert_int_equal(e.cur, 0);
	type(&e, "hello");
	assert_string_equal(lineedit_text(&e), "hello");
	assert_int_equal(e.cur, 5);
	assert_int_equal(lineedit_key(&e, KEY_LEFT), LE_MOVED);
	assert_int_equal(lineedit_key(&e, CTRL('b')), LE_MOVED);
	assert_int_equal(e.cur, 3);
	type(&e, "X");
	assert_string_equal(lineedit_text(&e), "helXlo");
	assert_int_equal(e.cur, 4);
	assert_int_equal(lineedit_key(&e, KEY_HOME), LE_MOVED);
	assert_int_equal(e.cur, 0);
	assert_int_equal(lineedit_key(&e, KEY_END), LE_MOVED);
	assert_int_equal(e.cur, 6);
	assert_int_equal(lineedit_key(&e, CTRL('a')), LE_MOVED);
	assert_int_equal(e.cur, 0);
	type(&e, ">");
	assert_string_equal(lineedit_text(&e), ">helXlo");
	assert_int_equal(lineedit_key(&e, CTRL('e')), LE_MOVED);
	assert_int_equal(e.cur, 7);
	assert_int_equal(lineedit_key(&e, KEY_RIGHT), LE_MOVED);
	assert_int_equal(lineedit_key(&e, CTRL('f')), LE_MOVED);
	assert_int_equal(e.cur, 7);
	/* backspace in its three spellings, delete in two */
	assert_int_equal(lineedit_key(&e, KEY_BACKSPACE), LE_CHANGED);
	assert_int_equal(lineedit_key(&e, 127), LE_CHANGED);
	assert_int_equal(lineedit_key(&e, CTRL('h')), LE_CHANGED);
	assert_string_equal(lineedit_text(&e), ">hel");
	assert_int_equal(e.cur, 4);
	lineedit_key(&e, KEY_HOME);
	assert_int_equal(lineedit_key(&e, KEY_BACKSPACE), LE_IGNORED);
	assert_int_equal(lineedit_key(&e, KEY_DC), LE_CHANGED);
	assert_int_equal(lineedit_key(&e, CTRL('d')), LE_CHANGED);
	assert_string_equal(lineedit_text(&e), "el");
	assert_int_equal(e.cur, 0);
	lineedit_key(&e, KEY_END);
	assert_int_equal(lineedit_key(&e, KEY_DC), LE_IGNORED);
	assert_string_equal(lineedit_text(&e), "el");

	/* init and set put the cursor at the end */
	lineedit_set(&e, "silence me");
	assert_string_equal(lineedit_text(&e), "silence me");
	assert_int_equal(e.cur, 10);
	lineedit_free(&e);
	assert_string_equal(lineedit_text(&e), "");
	lineedit_init(&e, "abc");
	assert_int_equal(e.cur, 3);
	type(&e, "d");
	assert_string_equal(lineedit_text(&e), "abcd");
	lineedit_free(&e);
}

#define E_ACUTE "\xc3\xa9"            /* é: 2 bytes, 1 column */
#define U_UML "\xc3\xbc"              /* ü */
#define NICHI "\xe6\x97\xa5"          /* 日: 3 bytes, 2 columns */
#define GRIN "\xf0\x9f\x98\x80"       /* 😀: 4 bytes, 2 columns */

static void test_lineedit_utf8(void **state)
{
	(void)state;
	lineedit_t e;
	lineedit_init(&e, "");
	type(&e, E_ACUTE NICHI GRIN);
	assert_string_equal(lineedit_text(&e), E_ACUTE NICHI GRIN);
	assert_int_equal(e.cur, 9);
	/* left and right step over whole characters */
	lineedit_key(&e, KEY_LEFT);
	assert_int_equal(e.cur, 5);
	lineedit_key(&e, KEY_LEFT);
	assert_int_equal(e.cur, 2);
	lineedit_key(&e, KEY_LEFT);
	assert_int_equal(e.cur, 0);
	lineedit_key(&e, KEY_LEFT);
	assert_int_equal(e.cur, 0);
	lineedit_key(&e, KEY_RIGHT);
	assert_int_equal(e.cur, 2);
	lineedit_key(&e, KEY_RIGHT);
	assert_int_equal(e.cur, 5);
	lineedit_key(&e, KEY_RIGHT);
	assert_int_equal(e.cur, 9);
	lineedit_key(&e, KEY_RIGHT);
	assert_int_equal(e.cur, 9);
	/* backspace removes the 4-byte emoji whole */
	assert_int_equal(lineedit_key(&e, KEY_BACKSPACE), LE_CHANGED);
	assert_string_equal(lineedit_text(&e), E_ACUTE NICHI);
	assert_int_equal(e.cur, 5);
	/* insert in the middle */
	lineedit_key(&e, KEY_LEFT);
	type(&e, U_UML "x");
	assert_string_equal(lineedit_text(&e), E_ACUTE U_UML "x" NICHI);
	assert_int_equal(e.cur, 5);
	/* delete removes the character after the cursor whole */
	assert_int_equal(lineedit_key(&e, KEY_DC), LE_CHANGED);
	assert_string_equal(lineedit_text(&e), E_ACUTE U_UML "x");
	lineedit_key(&e, KEY_HOME);
	assert_int_equal(lineedit_key(&e, CTRL('d')), LE_CHANGED);
	assert_string_equal(lineedit_text(&e), U_UML "x");
	assert_int_equal(e.cur, 0);
	lineedit_key(&e, KEY_RIGHT);
	assert_int_equal(lineedit_key(&e, CTRL('h')), LE_CHANGED);
	assert_string_equal(lineedit_text(&e), "x");
	assert_int_equal(e.cur, 0);
	lineedit_free(&e);
}

static void test_lineedit_kill(void **state)
{
	(void)state;
	lineedit_t e;
	lineedit_init(&e, "hello world");
	/* ^U: to the start */
	e.cur = 6;
	assert_int_equal(lineedit_key(&e, CTRL('u')), LE_CHANGED);
	assert_string_equal(lineedit_text(&e), "world");
	assert_int_equal(e.cur, 0);
	/* ^K: to the end */
	e.cur = 2;
	assert_int_equal(lineedit_key(&e, CTRL('k')), LE_CHANGED);
	assert_string_equal(lineedit_text(&e), "wo");
	assert_int_equal(e.cur, 2);
	lineedit_key(&e, CTRL('k'));
	assert_string_equal(lineedit_text(&e), "wo");
	lineedit_key(&e, CTRL('u'));
	assert_string_equal(lineedit_text(&e), "");

	/* ^W: the blanks before the cursor, then the word */
	lineedit_set(&e, "foo bar  baz");
	assert_int_equal(lineedit_key(&e, CTRL('w')), LE_CHANGED);
	assert_string_equal(lineedit_text(&e), "foo bar  ");
	assert_int_equal(lineedit_key(&e, CTRL('w')), LE_CHANGED);
	assert_string_equal(lineedit_text(&e), "foo ");
	assert_int_equal(e.cur, 4);
	assert_int_equal(lineedit_key(&e, CTRL('w')), LE_CHANGED);
	assert_string_equal(lineedit_text(&e), "");
	assert_int_equal(lineedit_key(&e, CTRL('w')), LE_IGNORED);

	/* multibyte words, and the text after the cursor kept */
	lineedit_set(&e, "h" E_ACUTE "llo w" NICHI "rld end");
	lineedit_key(&e, KEY_END);
	for (int i = 0; i < 4; i++)
		lineedit_key(&e, KEY_LEFT);
	assert_int_equal(lineedit_key(&e, CTRL('w')), LE_CHANGED);
	assert_string_equal(lineedit_text(&e), "h" E_ACUTE "llo  end");
	assert_int_equal(e.cur, 7);
	assert_int_equal(lineedit_key(&e, CTRL('u')), LE_CHANGED);
	assert_string_equal(lineedit_text(&e), " end");
	assert_int_equal(e.cur, 0);
	lineedit_free(&e);

	/* the keys work on an editor never given any text */
	lineedit_init(&e, NULL);
	assert_int_equal(lineedit_key(&e, CTRL('k')), LE_CHANGED);
	assert_int_equal(lineedit_key(&e, CTRL('u')), LE_CHANGED);
	assert_int_equal(lineedit_key(&e, CTRL('w')), LE_IGNORED);
	assert_string_equal(lineedit_text(&e), "");
	lineedit_free(&e);
}

static void test_lineedit_controls(void **state)
{
	(void)state;
	lineedit_t e;
	lineedit_init(&e, "ab");
	/* every control byte not bound to an edit is ignored and enters nothing */
	for (int c = 0; c < 0x20; c++) {
		if (c == CTRL('a') || c == CTRL('b') || c == CTRL('d') || c == CTRL('e') ||
		    c == CTRL('f') || c == CTRL('h') || c == CTRL('k') || c == CTRL('u') ||
		    c == CTRL('w'))
			continue;
		assert_int_equal(lineedit_key(&e, c), LE_IGNORED);
	}
	static const int keys[] = { -1, 0x100, KEY_F(1), KEY_RESIZE, KEY_UP, KEY_DOWN, KEY_NPAGE };
	for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
		assert_int_equal(lineedit_key(&e, keys[i]), LE_IGNORED);
	assert_string_equal(lineedit_text(&e), "ab");
	assert_int_equal(e.cur, 2);

	/* set keeps only what typing could have entered */
	lineedit_set(&e, "a\tb\x1b[31mc\r\n\x7f" "d");
	assert_string_equal(lineedit_text(&e), "ab[31mcd");
	lineedit_free(&e);
}

static void test_lineedit_lone_continuation(void **state)
{
	(void)state;
	lineedit_t e;
	lineedit_init(&e, "");
	/* a continuation byte with nothing, or ASCII, before it */
	assert_int_equal(lineedit_key(&e, 0xa9), LE_IGNORED);
	assert_int_equal(lineedit_key(&e, 0x80), LE_IGNORED);
	type(&e, "a");
	assert_int_equal(lineedit_key(&e, 0xa9), LE_IGNORED);
	assert_int_equal(lineedit_key(&e, 0xbf), LE_IGNORED);
	assert_string_equal(lineedit_text(&e), "a");
	/* the same at the start of a text, cursor before a character */
	lineedit_set(&e, NICHI);
	lineedit_key(&e, KEY_HOME);
	assert_int_equal(lineedit_key(&e, 0x97), LE_IGNORED);
	assert_string_equal(lineedit_text(&e), NICHI);
	lineedit_free(&e);
}

static void test_lineedit_max(void **state)
{
	(void)state;
	lineedit_t e;
	lineedit_init(&e, "");
	e.max = 5;
	type(&e, "abcde");
	lineedit_key(&e, 'f');
	assert_string_equal(lineedit_text(&e), "abcde");
	lineedit_key(&e, KEY_HOME);
	lineedit_key(&e, 'z');
	assert_string_equal(lineedit_text(&e), "abcde");
	assert_int_equal(e.cur, 0);
	/* room again after a deletion */
	lineedit_key(&e, KEY_DC);
	type(&e, "Z");
	assert_string_equal(lineedit_text(&e), "Zbcde");
	/* a multibyte character that fits exactly */
	lineedit_set(&e, "abc");
	type(&e, E_ACUTE);
	assert_string_equal(lineedit_text(&e), "abc" E_ACUTE);
	lineedit_free(&e);

	/* 0 means 4096 bytes */
	lineedit_init(&e, "");
	for (int i = 0; i < 5000; i++)
		lineedit_key(&e, 'x');
	assert_int_equal(strlen(lineedit_text(&e)), 4096);
	assert_int_equal(e.cur, 4096);
	lineedit_free(&e);
}

/* Was a bug: src/ui/widgets.c (lineedit_key) accepted a continuation byte after any byte >= 0x80,
 * so one after a complete character ("é" then 0xA9) enters: "é\xA9", invalid UTF-8. */
static void test_lineedit_continuation_after_complete(void **state)
{
	(void)state;
	lineedit_t e;
	lineedit_init(&e, "");
	type(&e, E_ACUTE);
	assert_int_equal(lineedit_key(&e, 0xa9), LE_IGNORED);
	assert_string_equal(lineedit_text(&e), E_ACUTE);
	lineedit_free(&e);
}

/* Was a bug: src/ui/widgets.c (insert_byte) checked max per byte, so a multibyte
 * character that does not fit is cut: "abcd" with max 5, then "é" leaves
 * "abcd\xC3", a truncated sequence. */
static void test_lineedit_max_multibyte(void **state)
{
	(void)state;
	lineedit_t e;
	lineedit_init(&e, "abcd");
	e.max = 5;
	lineedit_key(&e, 0xc3);
	lineedit_key(&e, 0xa9);
	assert_string_equal(lineedit_text(&e), "abcd");
	lineedit_free(&e);
}

/* ---- lineedit_view -------------------------------------------------------- */

static void view(const char *text, size_t cur, int w, size_t want_start, int want_col)
{
	lineedit_t e;
	size_t start = 99;
	int col = -99;
	lineedit_init(&e, text);
	e.cur = cur;
	lineedit_view(&e, w, &start, &col);
	if (start != want_start || col != want_col)
		fail_msg("\"%s\" cur %zu w %d: start %zu col %d, want start %zu col %d", text, cur,
			 w, start, col, want_start, want_col);
	lineedit_free(&e);
}

static void test_lineedit_view(void **state)
{
	(void)state;
	view("", 0, 10, 0, 0);
	view("hello", 5, 10, 0, 5);
	view("hello", 0, 3, 0, 0);
	/* one cell after the cursor stays in sight */
	view("abcdefgh", 8, 4, 5, 3);
	view("abcdefgh", 3, 4, 0, 3);
	view("abcdefgh", 4, 4, 1, 3);
	/* wide characters: the start moves by whole characters */
	view(NICHI NICHI NICHI NICHI NICHI, 15, 5, 9, 4);
	view(NICHI NICHI NICHI NICHI NICHI, 15, 3, 12, 2);
	view(NICHI NICHI NICHI NICHI NICHI, 15, 4, 12, 2);
	view(NICHI NICHI NICHI NICHI NICHI, 6, 3, 3, 2);
	view(NICHI NICHI NICHI NICHI NICHI, 0, 3, 0, 0);
	/* narrower than a wide character: the cursor still shows, at column 0 */
	view(NICHI NICHI, 6, 2, 6, 0);
	view(NICHI NICHI, 6, 1, 6, 0);
	view(NICHI NICHI, 6, 0, 6, 0);
	view(NICHI NICHI, 6, -5, 6, 0);
	view("a" NICHI "b" GRIN, 9, 4, 4, 3);
	view("a" NICHI "b" GRIN, 4, 4, 0, 3);
}

/* For every text, cursor and width: the start is a character start, as far
 * left as keeps the cursor and one cell after it in sight, and the cursor's
 * column is the width of what lies between. */
static void test_lineedit_view_all(void **state)
{
	(void)state;
	static const char *const texts[] = {
		"plain ascii text", "h" E_ACUTE "llo w" NICHI "rld",
		NICHI GRIN "x" E_ACUTE NICHI NICHI "yz" GRIN, GRIN GRIN GRIN,
	};
	for (size_t t = 0; t < sizeof texts / sizeof *texts; t++) {
		const char *s = texts[t];
		size_t len = strlen(s);
		for (size_t cur = 0; cur <= len; cur++) {
			if (cur < len && (s[cur] & 0xc0) == 0x80)
				continue;
			for (int w = 2; w <= 20; w++) {
				lineedit_t e;
				size_t start;
				int col;
				lineedit_init(&e, s);
				e.cur = cur;
				lineedit_view(&e, w, &start, &col);
				assert_true(start <= cur);
				assert_true(start == len || (s[start] & 0xc0) != 0x80);
				char *between = xstrndup(s + start, cur - start);
				assert_int_equal(col, utf8_width(between));
				free(between);
				assert_true(col <= w - 1);
				if (start > 0) {
					/* one character further left would not fit */
					size_t p = start - 1;
					while (p && (s[p] & 0xc0) == 0x80)
						p--;
					char *more = xstrndup(s + p, cur - p);
					assert_true(utf8_width(more) > w - 1);
					free(more);
				}
				lineedit_free(&e);
			}
		}
	}
}

static char *key_of_name(void *ctx, size_t i)
{
	const char *const *names = ctx;
	return names[i] ? strdup(names[i]) : NULL;
}

/* A refresh re-sorts the rows: the selection follows its row, not its index;
 * when the row is gone it stays where it was. */
static void test_list_keep(void **state)
{
	(void)state;
	const char *before[] = { "a", "b", "c", "d" };
	const char *after[] = { "x", "c", "a", NULL, "b" };
	const char *gone[] = { "p", "q" };
	list_t l;
	memset(&l, 0, sizeof l);
	list_fit(&l, 4, 10);
	list_select(&l, 1);
	list_remember(&l, key_of_name, (void *)before);
	assert_string_equal(l.sel_key, "b");
	list_keep(&l, 5, key_of_name, (void *)after);
	assert_int_equal(l.sel, 4);
	list_fit(&l, 2, 10);
	list_keep(&l, 2, key_of_name, (void *)gone);
	assert_int_equal(l.sel, 1); /* clamped by list_fit, not moved by list_keep */
	list_free(&l);
	assert_null(l.sel_key);
}

/* ---- history -------------------------------------------------------------- */

static void test_history(void **state)
{
	(void)state;
	history_t h = { .max = 3 };
	char *draft = NULL;
	size_t pos;
	history_add(&h, "range 1h");
	history_add(&h, "  ");         /* blank: not kept */
	history_add(&h, "ctx demo");
	history_add(&h, "ctx demo");   /* a repeat of the newest: not kept */
	assert_int_equal(h.n, 2);
	assert_int_equal(h.added, 2);  /* what a save compares with */
	pos = h.n;
	/* Up from what is being typed: the newest, then older; the typed line comes back */
	assert_string_equal(history_move(&h, &pos, -1, "ra", &draft), "ctx demo");
	assert_string_equal(history_move(&h, &pos, -1, "ctx demo", &draft), "range 1h");
	assert_null(history_move(&h, &pos, -1, "range 1h", &draft)); /* the oldest: stays */
	assert_int_equal(pos, 0);
	assert_string_equal(history_move(&h, &pos, 1, "range 1h", &draft), "ctx demo");
	assert_string_equal(history_move(&h, &pos, 1, "ctx demo", &draft), "ra");
	assert_null(history_move(&h, &pos, 1, "ra", &draft)); /* already the typed line */
	/* at most max lines, the oldest dropped */
	history_add(&h, "theme light");
	history_add(&h, "q");
	assert_int_equal(h.n, 3);
	assert_string_equal(h.v[0], "ctx demo");
	assert_string_equal(h.v[2], "q");
	/* an empty history: Up does nothing */
	history_t e = { 0 };
	pos = 0;
	assert_null(history_move(&e, &pos, -1, "x", &draft));
	free(draft);
	history_free(&h);
	history_free(&e);
}

/* ---- completion ------------------------------------------------------------ */

static const char *const ctxs[] = { "demo", "prod-eu", "prod-us" };
static const char *const ranges[] = { "5m", "1h", "6h", "24h", "7d" };
static const char *const themes[] = { "dark", "high-contrast", "light", "monochrome" };
static const complete_cmd_t cmds[] = {
	{ "filter", NULL, NULL, 0 }, /* a view's own, first */
	{ "ctx", "context", ctxs, 3 },
	{ "range", NULL, ranges, 5 },
	{ "refresh", NULL, NULL, 0 },
	{ "theme", NULL, themes, 4 },
	{ "help", NULL, NULL, 0 },
	{ "q", "quit", NULL, 0 },
};
#define N_CMDS (sizeof cmds / sizeof cmds[0])

static void expect_complete(const char *line, size_t want_n, const char *want_out, const char *want_cands)
{
	char *out, *cands;
	size_t n = complete_line(line, cmds, N_CMDS, &out, &cands);
	if (n != want_n)
		fail_msg("'%s': %zu candidates, want %zu", line, n, want_n);
	if (want_out ? !out || strcmp(out, want_out) : out != NULL)
		fail_msg("'%s': completed to '%s', want '%s'", line, out ? out : "(nothing)",
			 want_out ? want_out : "(nothing)");
	if (want_cands ? !cands || strcmp(cands, want_cands) : cands != NULL)
		fail_msg("'%s': candidates '%s', want '%s'", line, cands ? cands : "(none)",
			 want_cands ? want_cands : "(none)");
	free(out);
	free(cands);
}

static void test_complete(void **state)
{
	(void)state;
	/* a unique command completes, with a blank for its argument */
	expect_complete("th", 1, "theme ", NULL);
	expect_complete("fi", 1, "filter ", NULL);   /* the view's commands too */
	expect_complete("con", 1, "context ", NULL); /* aliases */
	/* several: as far as they agree, and the candidates listed */
	expect_complete("r", 2, NULL, "range  refresh");
	expect_complete("re", 1, "refresh ", NULL);
	expect_complete("ra", 1, "range ", NULL);
	expect_complete("q", 2, NULL, "q  quit");
	expect_complete("c", 2, NULL, "ctx  context");
	expect_complete("", N_CMDS + 2, NULL,
			"filter  ctx  context  range  refresh  theme  help  q  quit");
	expect_complete("zz", 0, NULL, NULL);
	/* arguments: contexts, ranges, themes */
	expect_complete("ctx ", 3, NULL, "demo  prod-eu  prod-us");
	expect_complete("ctx p", 2, "ctx prod-", "prod-eu  prod-us");
	expect_complete("ctx prod-e", 1, "ctx prod-eu", NULL);
	expect_complete("context d", 1, "context demo", NULL);
	expect_complete("range 2", 1, "range 24h", NULL);
	expect_complete("range ", 5, NULL, "5m  1h  6h  24h  7d");
	expect_complete("theme h", 1, "theme high-contrast", NULL);
	expect_complete("  theme l", 1, "  theme light", NULL);
	expect_complete("theme light", 1, NULL, NULL); /* already whole */
	/* nothing to complete */
	expect_complete("refresh 5", 0, NULL, NULL);
	expect_complete("nosuch a", 0, NULL, NULL);
	expect_complete("ctx demo x", 0, NULL, NULL);
}

int main(void)
{
	/* Widths come from the locale: the console runs under a UTF-8 one. */
	if (!setlocale(LC_ALL, "C.UTF-8"))
		fprintf(stderr, "# C.UTF-8 locale missing\n");
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list_empty),
		cmocka_unit_test(test_list_other_requests),
		cmocka_unit_test(test_list_paging),
		cmocka_unit_test(test_list_select),
		cmocka_unit_test(test_list_resize),
		cmocka_unit_test(test_list_invariants),
		cmocka_unit_test(test_list_keep),
		cmocka_unit_test(test_lineedit_ascii),
		cmocka_unit_test(test_lineedit_utf8),
		cmocka_unit_test(test_lineedit_kill),
		cmocka_unit_test(test_lineedit_controls),
		cmocka_unit_test(test_lineedit_lone_continuation),
		cmocka_unit_test(test_lineedit_max),
		cmocka_unit_test(test_lineedit_continuation_after_complete),
		cmocka_unit_test(test_lineedit_max_multibyte),
		cmocka_unit_test(test_lineedit_view),
		cmocka_unit_test(test_lineedit_view_all),
		cmocka_unit_test(test_history),
		cmocka_unit_test(test_complete),
	};
	return cmocka_run_group_tests_name("widgets", tests, NULL, NULL);
}
