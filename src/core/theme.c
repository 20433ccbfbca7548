/* Themes: element -> colour/attribute tables, their YAML loader, and the 256 -> 8 colour mapping. */
#include "config.h"
#include "core/theme.h"
#include "core/xalloc.h"
#include "core/yamldoc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define THEME_KEY_(e, k) k,
static const char *const element_keys[EL__COUNT + 1] = { THEME_ELEMENTS(THEME_KEY_) NULL };
#undef THEME_KEY_

static const char *const basic_names[8] = {
	"black", "red", "green", "yellow", "blue", "magenta", "cyan", "white",
};

/* xterm's default RGB for the 16 system colours; terminals differ, which is
 * why "#rrggbb" is only matched against the fixed cube and greys. */
static const unsigned char sys_rgb[16][3] = {
	{ 0, 0, 0 },       { 205, 0, 0 },     { 0, 205, 0 },     { 205, 205, 0 },
	{ 0, 0, 238 },     { 205, 0, 205 },   { 0, 205, 205 },   { 229, 229, 229 },
	{ 127, 127, 127 }, { 255, 0, 0 },     { 0, 255, 0 },     { 255, 255, 0 },
	{ 92, 92, 255 },   { 255, 0, 255 },   { 0, 255, 255 },   { 255, 255, 255 },
};

static const int cube_level[6] = { 0, 95, 135, 175, 215, 255 };

static void color_rgb(int c, int rgb[3])
{
	if (c < 16) {
		for (int i = 0; i < 3; i++)
			rgb[i] = sys_rgb[c][i];
	} else if (c < 232) {
		c -= 16;
		rgb[0] = cube_level[c / 36];
		rgb[1] = cube_level[(c / 6) % 6];
		rgb[2] = cube_level[c % 6];
	} else {
		rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
	}
}

static long dist2(const int a[3], const int b[3])
{
	long d = 0;
	for (int i = 0; i < 3; i++)
		d += (long)(a[i] - b[i]) * (a[i] - b[i]);
	return d;
}

/* The palette entry in [lo, hi) closest to rgb; the first wins a tie. */
static int nearest(const int rgb[3], int lo, int hi)
{
	int best = lo;
	long bd = -1;
	for (int c = lo; c < hi; c++) {
		int p[3];
		color_rgb(c, p);
		long d = dist2(rgb, p);
		if (bd < 0 || d < bd) {
			bd = d;
			best = c;
		}
	}
	return best;
}

static int color_to8(int c)
{
	int rgb[3];
	if (c < 0)
		return -1;
	if (c < 16)
		return c % 8;
	color_rgb(c, rgb);
	/* A grey is nearer to yellow than to white by plain distance; keep greys
	 * grey: black or white, whichever is nearer. */
	if (rgb[0] == rgb[1] && rgb[1] == rgb[2]) {
		int black[3], white[3];
		color_rgb(0, black);
		color_rgb(7, white);
		return dist2(rgb, black) <= dist2(rgb, white) ? 0 : 7;
	}
	return nearest(rgb, 0, 8);
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

int theme_color_parse(const char *s)
{
	if (!s || !*s)
		return -2;
	if (!strcasecmp(s, "default"))
		return THEME_COLOR_DEFAULT;
	for (int i = 0; i < 8; i++) {
		if (!strcasecmp(s, basic_names[i]))
			return i;
		if (!strncasecmp(s, "bright-", 7) && !strcasecmp(s + 7, basic_names[i]))
			return 8 + i;
	}
	if (s[0] >= '0' && s[0] <= '9') {
		int v = 0;
		for (const char *p = s; *p; p++) {
			if (*p < '0' || *p > '9' || p - s >= 3)
				return -2;
			v = v * 10 + (*p - '0');
		}
		return v <= 255 ? v : -2;
	}
	if (s[0] == '#' && strlen(s) == 7) {
		int rgb[3];
		for (int i = 0; i < 3; i++) {
			int hi = hexval(s[1 + 2 * i]), lo = hexval(s[2 + 2 * i]);
			if (hi < 0 || lo < 0)
				return -2;
			rgb[i] = hi * 16 + lo;
		}
		return nearest(rgb, 16, 256);
	}
	return -2;
}

int theme_element_by_name(const char *key)
{
	for (int i = 0; key && i < EL__COUNT; i++)
		if (!strcmp(element_keys[i], key))
			return i;
	return -1;
}

const char *theme_element_name(theme_el_t e)
{
	return (unsigned)e < EL__COUNT ? element_keys[e] : "?";
}

static void style_set(theme_style_t *st, int fg, int bg, unsigned attrs)
{
	st->fg = fg;
	st->bg = bg;
	st->fg8 = color_to8(fg);
	st->bg8 = color_to8(bg);
	st->attrs = attrs;
}

typedef struct {
	short fg, bg;
	unsigned char attrs;
} theme_row_t;

/* Generated from the same spec as themes/dark.yaml; test_theme checks they agree. */
static const theme_row_t dark_rows[EL__COUNT] = {
	[EL_DEFAULT] = { -1, -1, 0 },
	[EL_HEADER] = { 255, 237, THEME_A_BOLD },
	[EL_HEADER_CONTEXT] = { 16, 214, THEME_A_BOLD },
	[EL_BACKEND_OK] = { 40, 237, 0 },
	[EL_BACKEND_SLOW] = { 220, 237, THEME_A_BOLD },
	[EL_BACKEND_DOWN] = { 196, 237, THEME_A_BOLD },
	[EL_ALERT_COUNT] = { 231, 160, THEME_A_BOLD },
	[EL_VIEWBAR] = { 250, 236, 0 },
	[EL_VIEWBAR_ACTIVE] = { 16, 39, THEME_A_BOLD },
	[EL_PANEL_BORDER] = { 244, -1, 0 },
	[EL_PANEL_BORDER_FOCUS] = { 39, -1, THEME_A_BOLD },
	[EL_PANEL_TITLE] = { 252, -1, THEME_A_BOLD },
	[EL_VALUE_OK] = { 40, -1, THEME_A_BOLD },
	[EL_VALUE_WARN] = { 220, -1, THEME_A_BOLD },
	[EL_VALUE_CRIT] = { 196, -1, THEME_A_BOLD | THEME_A_REVERSE },
	[EL_VALUE_STALE] = { 246, -1, 0 },
	[EL_VALUE_ERROR] = { 201, -1, THEME_A_BOLD },
	[EL_DIM] = { 246, -1, 0 },
	[EL_AXIS] = { 244, -1, 0 },
	[EL_SERIES1] = { 39, -1, 0 },
	[EL_SERIES2] = { 214, -1, 0 },
	[EL_SERIES3] = { 170, -1, 0 },
	[EL_SERIES4] = { 76, -1, 0 },
	[EL_SERIES5] = { 203, -1, 0 },
	[EL_SERIES6] = { 229, -1, 0 },
	[EL_THRESHOLD] = { 208, -1, 0 },
	[EL_TABLE_HEADER] = { 252, 238, THEME_A_BOLD },
	[EL_SELECTED] = { 16, 74, THEME_A_BOLD },
	[EL_STATUSBAR] = { 250, 236, 0 },
	[EL_CMDLINE] = { 255, -1, 0 },
	[EL_ERROR] = { 196, -1, THEME_A_BOLD },
	[EL_HELP_KEY] = { 214, -1, THEME_A_BOLD },
};

/* Likewise themes/monochrome.yaml. */
static const theme_row_t mono_rows[EL__COUNT] = {
	[EL_DEFAULT] = { -1, -1, 0 },
	[EL_HEADER] = { -1, -1, THEME_A_REVERSE },
	[EL_HEADER_CONTEXT] = { -1, -1, THEME_A_BOLD | THEME_A_REVERSE },
	[EL_BACKEND_OK] = { -1, -1, THEME_A_REVERSE },
	[EL_BACKEND_SLOW] = { -1, -1, THEME_A_REVERSE | THEME_A_UNDERLINE },
	[EL_BACKEND_DOWN] = { -1, -1, THEME_A_BOLD | THEME_A_REVERSE | THEME_A_UNDERLINE },
	[EL_ALERT_COUNT] = { -1, -1, THEME_A_BOLD | THEME_A_REVERSE },
	[EL_VIEWBAR] = { -1, -1, 0 },
	[EL_VIEWBAR_ACTIVE] = { -1, -1, THEME_A_BOLD | THEME_A_REVERSE },
	[EL_PANEL_BORDER] = { -1, -1, THEME_A_DIM },
	[EL_PANEL_BORDER_FOCUS] = { -1, -1, THEME_A_BOLD },
	[EL_PANEL_TITLE] = { -1, -1, THEME_A_BOLD },
	[EL_VALUE_OK] = { -1, -1, 0 },
	[EL_VALUE_WARN] = { -1, -1, THEME_A_BOLD | THEME_A_UNDERLINE },
	[EL_VALUE_CRIT] = { -1, -1, THEME_A_BOLD | THEME_A_REVERSE },
	[EL_VALUE_STALE] = { -1, -1, THEME_A_DIM },
	[EL_VALUE_ERROR] = { -1, -1, THEME_A_BOLD | THEME_A_UNDERLINE },
	[EL_DIM] = { -1, -1, THEME_A_DIM },
	[EL_AXIS] = { -1, -1, THEME_A_DIM },
	[EL_SERIES1] = { -1, -1, 0 },
	[EL_SERIES2] = { -1, -1, THEME_A_BOLD },
	[EL_SERIES3] = { -1, -1, THEME_A_UNDERLINE },
	[EL_SERIES4] = { -1, -1, THEME_A_DIM },
	[EL_SERIES5] = { -1, -1, THEME_A_BOLD | THEME_A_UNDERLINE },
	[EL_SERIES6] = { -1, -1, THEME_A_REVERSE },
	[EL_THRESHOLD] = { -1, -1, THEME_A_BOLD },
	[EL_TABLE_HEADER] = { -1, -1, THEME_A_BOLD | THEME_A_UNDERLINE },
	[EL_SELECTED] = { -1, -1, THEME_A_REVERSE },
	[EL_STATUSBAR] = { -1, -1, THEME_A_REVERSE },
	[EL_CMDLINE] = { -1, -1, 0 },
	[EL_ERROR] = { -1, -1, THEME_A_BOLD },
	[EL_HELP_KEY] = { -1, -1, THEME_A_BOLD },
};

static void theme_from_rows(theme_t *out, const char *name, const theme_row_t *rows)
{
	out->name = xstrdup(name);
	for (int i = 0; i < EL__COUNT; i++)
		style_set(&out->el[i], rows[i].fg, rows[i].bg, rows[i].attrs);
}

void theme_builtin(theme_t *out)
{
	theme_from_rows(out, "dark", dark_rows);
}

void theme_monochrome(theme_t *out)
{
	theme_from_rows(out, "monochrome", mono_rows);
}

void theme_free(theme_t *t)
{
	if (!t)
		return;
	free(t->name);
	t->name = NULL;
}

static const char *const attr_names[] = { "bold", "dim", "reverse", "underline", "italic", NULL };
static const unsigned attr_bits[] = { THEME_A_BOLD, THEME_A_DIM, THEME_A_REVERSE, THEME_A_UNDERLINE,
				      THEME_A_ITALIC };

static int parse_attr(yd_ctx_t *cx, const yd_node_t *n, unsigned *attrs)
{
	if (n->kind != YD_SCALAR)
		return yd_fail(cx, n, "expected a string");
	for (size_t i = 0; attr_names[i]; i++) {
		if (!strcmp(n->str, attr_names[i])) {
			*attrs |= attr_bits[i];
			return 0;
		}
	}
	return yd_fail(cx, n,
		       "unknown attribute '%s' (expected one of: bold, dim, reverse, underline, italic)",
		       n->str);
}

static int parse_color(yd_ctx_t *cx, const yd_node_t *n, int *out)
{
	int c;
	if (!n || n->kind != YD_SCALAR)
		return yd_fail(cx, n, "expected a colour");
	c = theme_color_parse(n->str);
	if (c == -2)
		return yd_fail(cx, n,
			       "unknown colour '%s' (expected default, black, red, green, yellow, "
			       "blue, magenta, cyan, white, bright-<colour>, 0..255 or #rrggbb)",
			       n->str);
	*out = c;
	return 0;
}

/* One element's style; what it leaves out comes from `base` ("default"). */
static int parse_style(yd_ctx_t *cx, const yd_node_t *n, const char *el,
		       const theme_style_t *base, theme_style_t *st)
{
	static const char *const keys[] = { "fg", "bg", "attrs", NULL };
	const yd_node_t *v;
	char where[96];
	int fg = base->fg, bg = base->bg;
	unsigned attrs = base->attrs;

	snprintf(where, sizeof where, " in element '%s'", el);
	if (yd_check_map(cx, n, keys, where))
		return -1;
	if ((v = yd_get(n, "fg")) && parse_color(cx, v, &fg))
		return -1;
	if ((v = yd_get(n, "bg")) && parse_color(cx, v, &bg))
		return -1;
	if ((v = yd_get(n, "attrs"))) {
		attrs = 0;
		if (v->kind == YD_SEQ) {
			for (size_t i = 0; i < v->n; i++)
				if (parse_attr(cx, v->kids[i], &attrs))
					return -1;
		} else if (!yd_is_null(v) && parse_attr(cx, v, &attrs)) {
			return -1;
		}
	}
	style_set(st, fg, bg, attrs);
	return 0;
}

int theme_load_string(const char *name, const char *yaml, size_t len, theme_t *out,
		      char *err, size_t errlen)
{
	static const char *const keys[] = { "name", "description", "elements", NULL };
	yd_ctx_t cx = { name, err, errlen };
	yd_node_t *root;
	const yd_node_t *els, *v;
	theme_style_t def;
	int set[EL__COUNT] = { 0 };
	char *tname = NULL;

	memset(out, 0, sizeof *out);
	if (yd_parse(&cx, yaml, len, &root))
		return -1;
	if (yd_check_map(&cx, root, keys, NULL))
		goto fail;
	if ((v = yd_get(root, "name")) && yd_string(&cx, v, &tname))
		goto fail;
	if ((v = yd_get(root, "description")) && !yd_is_null(v) && v->kind != YD_SCALAR) {
		yd_fail(&cx, v, "expected a string");
		goto fail;
	}
	els = yd_get(root, "elements");
	if (yd_check_map(&cx, els, element_keys, NULL))
		goto fail;

	style_set(&def, THEME_COLOR_DEFAULT, THEME_COLOR_DEFAULT, 0);
	if ((v = yd_get(els, "default"))) {
		theme_style_t base = def;
		if (parse_style(&cx, v, "default", &base, &def))
			goto fail;
	}
	for (size_t i = 0; i < yd_map_size(els); i++) {
		const yd_node_t *k = yd_map_key(els, i);
		int e = theme_element_by_name(k->str);
		if (parse_style(&cx, yd_map_val(els, i), k->str, &def, &out->el[e]))
			goto fail;
		set[e] = 1;
	}
	for (int e = 0; e < EL__COUNT; e++)
		if (!set[e])
			out->el[e] = def;
	out->name = tname ? tname : yd_name_from_path(name);
	yd_free(root);
	return 0;
fail:
	free(tname);
	yd_free(root);
	memset(out, 0, sizeof *out);
	return -1;
}

int theme_load_file(const char *path, theme_t *out, char *err, size_t errlen)
{
	char *buf;
	size_t len;
	int rc;

	memset(out, 0, sizeof *out);
	if (yd_read_file(path, &buf, &len, err, errlen))
		return -1;
	rc = theme_load_string(path, buf, len, out, err, errlen);
	free(buf);
	return rc;
}
