/* Themes: semantic UI element -> colour and attributes, loaded from YAML. No curses here. */
#ifndef ICN_THEME_H
#define ICN_THEME_H
#include <stddef.h>

/* X-macro: enum name, YAML key. Views name elements, never colours. */
#define THEME_ELEMENTS(X)                                  \
	X(EL_DEFAULT, "default")                           \
	X(EL_HEADER, "header")                             \
	X(EL_HEADER_CONTEXT, "header-context")             \
	X(EL_BACKEND_OK, "backend-ok")                     \
	X(EL_BACKEND_SLOW, "backend-slow")                 \
	X(EL_BACKEND_DOWN, "backend-down")                 \
	X(EL_ALERT_COUNT, "alert-count")                   \
	X(EL_VIEWBAR, "viewbar")                           \
	X(EL_VIEWBAR_ACTIVE, "viewbar-active")             \
	X(EL_PANEL_BORDER, "panel-border")                 \
	X(EL_PANEL_BORDER_FOCUS, "panel-border-focus")     \
	X(EL_PANEL_TITLE, "panel-title")                   \
	X(EL_VALUE_OK, "value-ok")                         \
	X(EL_VALUE_WARN, "value-warn")                     \
	X(EL_VALUE_CRIT, "value-crit")                     \
	X(EL_VALUE_STALE, "value-stale")                   \
	X(EL_VALUE_ERROR, "value-error")                   \
	X(EL_DIM, "dim")                                   \
	X(EL_AXIS, "axis")                                 \
	X(EL_SERIES1, "series-1")                          \
	X(EL_SERIES2, "series-2")                          \
	X(EL_SERIES3, "series-3")                          \
	X(EL_SERIES4, "series-4")                          \
	X(EL_SERIES5, "series-5")                          \
	X(EL_SERIES6, "series-6")                          \
	X(EL_THRESHOLD, "threshold")                       \
	X(EL_TABLE_HEADER, "table-header")                 \
	X(EL_SELECTED, "selected")                         \
	X(EL_STATUSBAR, "statusbar")                       \
	X(EL_CMDLINE, "cmdline")                           \
	X(EL_ERROR, "error")                               \
	X(EL_HELP_KEY, "help-key")

#define THEME_ENUM_(e, k) e,
typedef enum { THEME_ELEMENTS(THEME_ENUM_) EL__COUNT } theme_el_t;
#undef THEME_ENUM_

#define THEME_COLOR_DEFAULT (-1)

enum {
	THEME_A_BOLD = 1 << 0,
	THEME_A_DIM = 1 << 1,
	THEME_A_REVERSE = 1 << 2,
	THEME_A_UNDERLINE = 1 << 3,
	THEME_A_ITALIC = 1 << 4,
};

typedef struct {
	int fg, bg;   /* -1 = terminal default; 0..255 xterm colour numbers */
	int fg8, bg8; /* the nearest of the 8 basic colours (0..7) or -1, for 8-colour terminals */
	unsigned attrs; /* THEME_A_* */
} theme_style_t;

typedef struct {
	char *name;
	theme_style_t el[EL__COUNT];
} theme_t;

/*
 * Theme YAML:
 *   name: dark
 *   elements:
 *     header: { fg: white, bg: blue, attrs: [bold] }
 *     value-crit: { fg: 196, attrs: [bold, reverse] }
 * Colours: default, black, red, green, yellow, blue, magenta, cyan, white,
 * bright-black .. bright-white (8..15), a number 0..255, or "#rrggbb" (mapped to
 * the nearest of the 256). An element not listed inherits "default". Unknown
 * element names and bad colours are errors "PATH:LINE:COL: message".
 */
int theme_load_file(const char *path, theme_t *out, char *err, size_t errlen);
int theme_load_string(const char *name, const char *yaml, size_t len, theme_t *out,
		      char *err, size_t errlen);
/* A usable theme with no file (the built-in dark default). */
void theme_builtin(theme_t *out);
/* Monochrome: no colours, attributes only (for NO_COLOR / --no-color). */
void theme_monochrome(theme_t *out);
void theme_free(theme_t *t);
/* Element lookup by YAML key; -1 if unknown. */
int theme_element_by_name(const char *key);
const char *theme_element_name(theme_el_t e);
/* Colour name/number -> 0..255 or -1 (default); -2 if not a colour. */
int theme_color_parse(const char *s);

#endif
