/* Unit tests of themes: the four shipped files, the built-ins, colour parsing and the 8-colour mapping. */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "core/theme.h"
#include "core/xalloc.h"
#include "core/yamldoc.h"

static const char *const shipped[] = { "dark", "light", "high-contrast", "monochrome" };

static char *theme_path(const char *name)
{
	const char *top = getenv("ICN_CONSOLE_DATADIR");
	if (!top || !*top)
		top = getenv("top_srcdir");
	return xasprintf("%s/themes/%s.yaml", top && *top ? top : ".", name);
}

static void load_shipped(const char *name, theme_t *t)
{
	char *path = theme_path(name);
	char err[512] = "";
	if (theme_load_file(path, t, err, sizeof err))
		fail_msg("%s", err);
	free(path);
}

static void assert_same_theme(const theme_t *a, const theme_t *b)
{
	assert_string_equal(a->name, b->name);
	for (int e = 0; e < EL__COUNT; e++) {
		const theme_style_t *x = &a->el[e], *y = &b->el[e];
		if (x->fg != y->fg || x->bg != y->bg || x->fg8 != y->fg8 || x->bg8 != y->bg8 ||
		    x->attrs != y->attrs)
			fail_msg("%s: element %s differs: fg %d/%d bg %d/%d attrs %u/%u", a->name,
				 theme_element_name(e), x->fg, y->fg, x->bg, y->bg, x->attrs, y->attrs);
	}
}

/* Each shipped file names every element itself, so no theme relies on
 * inheritance by accident when elements are added. */
static void test_shipped_complete(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
		char *path = theme_path(shipped[i]), *buf;
		char err[512] = "";
		size_t len;
		yd_node_t *root;
		yd_ctx_t cx = { path, err, sizeof err };
		theme_t t;

		load_shipped(shipped[i], &t);
		assert_string_equal(t.name, shipped[i]);
		theme_free(&t);

		assert_int_equal(yd_read_file(path, &buf, &len, err, sizeof err), 0);
		assert_int_equal(yd_parse(&cx, buf, len, &root), 0);
		const yd_node_t *els = yd_get(root, "elements");
		assert_int_equal(yd_map_size(els), EL__COUNT);
		for (int e = 0; e < EL__COUNT; e++)
			if (!yd_get(els, theme_element_name(e)))
				fail_msg("%s does not set %s", path, theme_element_name(e));
		yd_free(root);
		free(buf);
		free(path);
	}
}

static void test_builtins_match_files(void **state)
{
	theme_t file, mem;
	(void)state;

	load_shipped("dark", &file);
	theme_builtin(&mem);
	assert_same_theme(&file, &mem);
	theme_free(&file);
	theme_free(&mem);

	load_shipped("monochrome", &file);
	theme_monochrome(&mem);
	assert_same_theme(&file, &mem);
	for (int e = 0; e < EL__COUNT; e++) {
		assert_int_equal(mem.el[e].fg, -1);
		assert_int_equal(mem.el[e].bg, -1);
		assert_int_equal(mem.el[e].fg8, -1);
		assert_int_equal(mem.el[e].bg8, -1);
	}
	/* Without colour, states must still differ from one another. */
	assert_int_not_equal(mem.el[EL_VALUE_OK].attrs, mem.el[EL_VALUE_WARN].attrs);
	assert_int_not_equal(mem.el[EL_VALUE_WARN].attrs, mem.el[EL_VALUE_CRIT].attrs);
	assert_int_not_equal(mem.el[EL_VALUE_OK].attrs, mem.el[EL_VALUE_STALE].attrs);
	assert_int_not_equal(mem.el[EL_SELECTED].attrs, 0);
	theme_free(&file);
	theme_free(&mem);
}

/* Text stays visible: foreground differs from background in 256 and in 8
 * colours, and on the terminal's own background it is not that background
 * (black on dark terminals, white on light ones). */
static void test_readable(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
		theme_t t;
		int invisible = !strcmp(shipped[i], "light") ? 7 : 0;
		load_shipped(shipped[i], &t);
		for (int e = 0; e < EL__COUNT; e++) {
			const theme_style_t *s = &t.el[e];
			if (s->fg >= 0 && s->fg == s->bg)
				fail_msg("%s %s: fg == bg", t.name, theme_element_name(e));
			if (s->fg8 >= 0 && s->fg8 == s->bg8)
				fail_msg("%s %s: fg8 == bg8 == %d", t.name, theme_element_name(e),
					 s->fg8);
			if (s->bg < 0 && s->fg8 == invisible)
				fail_msg("%s %s: fg8 %d on the terminal background", t.name,
					 theme_element_name(e), s->fg8);
		}
		/* ok, warn and crit never share a colour. */
		if (strcmp(shipped[i], "monochrome")) {
			assert_int_not_equal(t.el[EL_VALUE_OK].fg, t.el[EL_VALUE_WARN].fg);
			assert_int_not_equal(t.el[EL_VALUE_WARN].fg, t.el[EL_VALUE_CRIT].fg);
			assert_int_not_equal(t.el[EL_VALUE_OK].fg8, t.el[EL_VALUE_WARN].fg8);
			assert_int_not_equal(t.el[EL_VALUE_OK].fg8, t.el[EL_VALUE_CRIT].fg8);
		}
		theme_free(&t);
	}
}

static void test_color_parse(void **state)
{
	static const struct {
		const char *in;
		int want;
	} cases[] = {
		{ "default", -1 },   { "black", 0 },         { "red", 1 },
		{ "white", 7 },      { "bright-black", 8 },  { "bright-white", 15 },
		{ "Blue", 4 },       { "0", 0 },             { "196", 196 },
		{ "255", 255 },      { "#ff0000", 196 },     { "#000000", 16 },
		{ "#FFFFFF", 231 },  { "#808080", 244 },     { "#87af00", 106 },
		{ "#5f87d7", 68 },   { "#080808", 232 },     { "#eeeeee", 255 },
		{ "256", -2 },       { "-1", -2 },           { "1000", -2 },
		{ "0x10", -2 },      { "#12345", -2 },       { "#gg0000", -2 },
		{ "", -2 },          { "bright-", -2 },      { "purple", -2 },
		{ "#ff00001", -2 },  { "12a", -2 },          { NULL, -2 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		if (theme_color_parse(cases[i].in) != cases[i].want)
			fail_msg("'%s': got %d, want %d", cases[i].in ? cases[i].in : "(null)",
				 theme_color_parse(cases[i].in), cases[i].want);
}

static void test_fg8(void **state)
{
	static const struct {
		int c, want8;
	} cases[] = {
		{ 0, 0 },    { 1, 1 },    { 7, 7 },    { 8, 0 },    { 9, 1 },    { 15, 7 },
		{ 16, 0 },   { 196, 1 },  { 46, 2 },   { 226, 3 },  { 21, 4 },   { 201, 5 },
		{ 51, 6 },   { 231, 7 },  { 232, 0 },  { 255, 7 },  { 214, 3 },  { 244, 7 },
		{ 240, 0 },  { 18, 4 },   { 28, 2 },   { 242, 0 },  { 243, 7 },  { 59, 0 },   { 102, 7 },
		{ 145, 7 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char yaml[128], err[256] = "";
		theme_t t;
		snprintf(yaml, sizeof yaml, "elements:\n  header: { fg: %d, bg: %d }\n",
			 cases[i].c, cases[i].c);
		assert_int_equal(theme_load_string("t.yaml", yaml, strlen(yaml), &t, err, sizeof err), 0);
		if (t.el[EL_HEADER].fg8 != cases[i].want8 || t.el[EL_HEADER].bg8 != cases[i].want8)
			fail_msg("colour %d: fg8 %d, want %d", cases[i].c, t.el[EL_HEADER].fg8,
				 cases[i].want8);
		theme_free(&t);
	}
}

static void test_inherit(void **state)
{
	static const char yaml[] =
		"elements:\n"
		"  header: { fg: white }\n"
		"  default: { fg: 250, bg: 235, attrs: bold }\n"
		"  value-crit: { bg: red, attrs: [reverse, underline] }\n"
		"  dim: { attrs: [] }\n"
		"  axis:\n";
	char err[256] = "";
	theme_t t;
	(void)state;
	assert_int_equal(theme_load_string("themes/mine.yml", yaml, sizeof yaml - 1, &t, err,
					   sizeof err), 0);
	assert_string_equal(t.name, "mine"); /* from the file name */
	assert_int_equal(t.el[EL_DEFAULT].fg, 250);
	assert_int_equal(t.el[EL_DEFAULT].bg, 235);
	assert_int_equal(t.el[EL_DEFAULT].attrs, THEME_A_BOLD);
	/* default listed after header still applies to it */
	assert_int_equal(t.el[EL_HEADER].fg, 7);
	assert_int_equal(t.el[EL_HEADER].bg, 235);
	assert_int_equal(t.el[EL_HEADER].attrs, THEME_A_BOLD);
	assert_int_equal(t.el[EL_VALUE_CRIT].fg, 250);
	assert_int_equal(t.el[EL_VALUE_CRIT].bg, 1);
	assert_int_equal(t.el[EL_VALUE_CRIT].attrs, THEME_A_REVERSE | THEME_A_UNDERLINE);
	assert_int_equal(t.el[EL_DIM].attrs, 0);
	assert_int_equal(t.el[EL_AXIS].fg, 250);
	assert_int_equal(t.el[EL_HELP_KEY].fg, 250); /* not listed */
	assert_int_equal(t.el[EL_HELP_KEY].bg8, 0);
	theme_free(&t);
	assert_null(t.name);

	/* An empty theme is all terminal defaults. */
	assert_int_equal(theme_load_string("empty.yaml", "", 0, &t, err, sizeof err), 0);
	assert_string_equal(t.name, "empty");
	for (int e = 0; e < EL__COUNT; e++) {
		assert_int_equal(t.el[e].fg, -1);
		assert_int_equal(t.el[e].attrs, 0);
	}
	theme_free(&t);
}

static void test_bad_themes(void **state)
{
	static const struct {
		const char *yaml;
		const char *want;
	} cases[] = {
		{ "elements:\n  headr: { fg: red }\n",
		  "t.yaml:2:3: unknown key 'headr' (expected one of: default, header, header-context, "
		  "backend-ok, backend-slow, backend-down, alert-count, viewbar, viewbar-active, "
		  "panel-border, panel-border-focus, panel-title, value-ok, value-warn, value-crit, "
		  "value-stale, value-error, dim, axis, series-1, series-2, series-3, series-4, "
		  "series-5, series-6, threshold, table-header, selected, statusbar, cmdline, error, "
		  "help-key)" },
		{ "elements:\n  header: { fg: purple }\n",
		  "t.yaml:2:17: unknown colour 'purple' (expected default, black, red, green, yellow, "
		  "blue, magenta, cyan, white, bright-<colour>, 0..255 or #rrggbb)" },
		{ "elements:\n  header: { fg: 300 }\n",
		  "t.yaml:2:17: unknown colour '300' (expected default, black, red, green, yellow, "
		  "blue, magenta, cyan, white, bright-<colour>, 0..255 or #rrggbb)" },
		{ "elements:\n  header: { bg: [1] }\n", "t.yaml:2:17: expected a colour" },
		{ "elements:\n  header: { fg: red, attrs: [bold, blink] }\n",
		  "t.yaml:2:36: unknown attribute 'blink' (expected one of: bold, dim, reverse, "
		  "underline, italic)" },
		{ "elements:\n  header: { attrs: [[bold]] }\n", "t.yaml:2:21: expected a string" },
		{ "elements:\n  header: { colour: red }\n",
		  "t.yaml:2:13: unknown key 'colour' in element 'header' (expected one of: fg, bg, attrs)" },
		{ "elements:\n  header: red\n", "t.yaml:2:11: expected a mapping" },
		{ "elements:\n  header: {fg: red}\n  header: {fg: blue}\n",
		  "t.yaml:3:3: duplicate key 'header' (first at line 2)" },
		{ "elements: [header]\n", "t.yaml:1:11: expected a mapping" },
		{ "name: [dark]\n", "t.yaml:1:7: expected a string" },
		{ "nam: dark\n",
		  "t.yaml:1:1: unknown key 'nam' (expected one of: name, description, elements)" },
		{ "elements:\n  header: { fg: red\n", "t.yaml:3:1: did not find expected ',' or '}'" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char err[1024] = "";
		theme_t t;
		if (theme_load_string("t.yaml", cases[i].yaml, strlen(cases[i].yaml), &t, err,
				      sizeof err) != -1)
			fail_msg("case %zu accepted", i);
		if (strcmp(err, cases[i].want))
			fail_msg("case %zu:\n got: %s\nwant: %s", i, err, cases[i].want);
		assert_null(t.name);
	}
	{
		char err[256] = "";
		theme_t t;
		assert_int_equal(theme_load_file("/nonexistent/x.yaml", &t, err, sizeof err), -1);
		assert_string_equal(err, "/nonexistent/x.yaml: No such file or directory");
	}
}

static void test_element_names(void **state)
{
	(void)state;
	for (int e = 0; e < EL__COUNT; e++)
		assert_int_equal(theme_element_by_name(theme_element_name(e)), e);
	assert_string_equal(theme_element_name(EL_VALUE_CRIT), "value-crit");
	assert_int_equal(theme_element_by_name("series-6"), EL_SERIES6);
	assert_int_equal(theme_element_by_name("nope"), -1);
	assert_int_equal(theme_element_by_name(NULL), -1);
	assert_string_equal(theme_element_name(EL__COUNT), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shipped_complete),
		cmocka_unit_test(test_builtins_match_files),
		cmocka_unit_test(test_readable),
		cmocka_unit_test(test_color_parse),
		cmocka_unit_test(test_fg8),
		cmocka_unit_test(test_inherit),
		cmocka_unit_test(test_bad_themes),
		cmocka_unit_test(test_element_names),
	};
	return cmocka_run_group_tests_name("theme", tests, NULL, NULL);
}
