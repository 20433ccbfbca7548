/* The overlay stack: help, details, the `:` line, prompts, forms and confirmations over the view. */
#ifndef ICN_OVERLAY_H
#define ICN_OVERLAY_H
#include <stddef.h>
#include "core/theme.h"
#include "core/xalloc.h"
#include "ui/layout.h"
#include "ui/view.h"
#include "ui/widgets.h"

typedef struct overlay overlay_t;

/* What an overlay did with a key. */
enum { OV_KEEP, OV_CLOSE, OV_PASS };

typedef struct {
	const char *name;
	/* draw over the content area (the status line is row LINES-1) */
	void (*draw)(overlay_t *o, rect_t area);
	/* a raw key: OV_KEEP (handled), OV_CLOSE (handled, pop me), OV_PASS (not mine) */
	int (*key)(overlay_t *o, int ch);
	void (*free)(overlay_t *o);
	const char *(*hint)(overlay_t *o); /* status line while on top, may be NULL */
	int (*tick)(overlay_t *o, double now); /* 1: repaint (live contents) */
	int input;  /* takes typing (prompt, form, confirmation): nothing that arrives
	               on its own (a write's result) is put over it */
} overlay_ops_t;

struct overlay {
	const overlay_ops_t *ops;
	ui_t *ui;
	void *data;
};

/* Push an overlay (owned by the stack from now on; freed at once when the
 * stack is full: returns 0 then, else 1); pop the top one (freed). */
int ui_push(ui_t *ui, const overlay_ops_t *ops, void *data);
/* Push below the input overlays on top (prompt, form, confirmation). */
int ui_push_under_input(ui_t *ui, const overlay_ops_t *ops, void *data);
void ui_pop(ui_t *ui);
/* The top overlay, or NULL. */
overlay_t *ui_top(ui_t *ui);
/* Pop every overlay (a context switch, a view change). */
void ui_pop_all(ui_t *ui);

/* ---- a text box: help, details (scrolls; Esc or q closes) ---- */

typedef struct textbox textbox_t;
/* Lines are rebuilt at every draw by `fill` (live contents), or set once. */
typedef void (*textbox_fill_fn)(textbox_t *tb, void *ctx);
textbox_t *textbox_open(ui_t *ui, const char *title, textbox_fill_fn fill, void *ctx,
			void (*ctx_free)(void *ctx));
/* The same for a box that arrives on its own (a write's result): it goes under
 * any prompt, form or confirmation being typed in, and shows when they close. */
textbox_t *textbox_open_quiet(ui_t *ui, const char *title, textbox_fill_fn fill, void *ctx,
			      void (*ctx_free)(void *ctx));
/* Builders for fill: a heading, a key/value pair (value wraps), text (wraps). */
void textbox_heading(textbox_t *tb, const char *s);
void textbox_kv(textbox_t *tb, const char *key, const char *value);
void textbox_text(textbox_t *tb, theme_el_t el, const char *s);
void textbox_blank(textbox_t *tb);
/* An extra key the box handles (e.g. 'r' retry); fn returns OV_KEEP/OV_CLOSE. */
void textbox_on_key(textbox_t *tb, int key, const char *hint, int (*fn)(void *ctx));
/* Title while open (e.g. "Help: keys and commands (Esc or ? to close, j/k scroll)"). */
void textbox_set_title(textbox_t *tb, const char *title);

/* ---- a prompt on the status line: `:` and `/` ---- */

typedef struct prompt prompt_t;
/* on_enter(ui, text, ud) runs on Enter (then the prompt closes); on_change (may
 * be NULL) after every edit; on_cancel (may be NULL) on Esc. `initial` may be
 * NULL. Returns the prompt, or NULL when the stack was full. */
prompt_t *prompt_open(ui_t *ui, const char *prompt, const char *initial,
		 void (*on_enter)(ui_t *ui, const char *text, void *ud),
		 void (*on_change)(ui_t *ui, const char *text, void *ud),
		 void (*on_cancel)(ui_t *ui, void *ud), void *ud, void (*ud_free)(void *));

/* Up/^P and Down/^N walk h (older, newer); a line entered is added to it. */
void prompt_history(prompt_t *p, history_t *h);
/* Tab: complete(ui, text, &cands) returns the new text (malloc'd) or NULL, and
 * may set cands (malloc'd), shown on the row above the prompt until the next key. */
void prompt_completion(prompt_t *p, char *(*complete)(ui_t *ui, const char *text, char **cands));

/* ---- a yes/no question: y confirms, anything else says no ---- */
void confirm_open(ui_t *ui, const char *question, void (*on_yes)(ui_t *ui, void *ud), void *ud,
		  void (*ud_free)(void *));

/* ---- a form of text fields with information lines above them ---- */

typedef struct form form_t;
#define FORM_MAX_FIELDS 8
/* on_submit validates and acts; it returns NULL to close the form, or a
 * malloc'd message to show in the form (the form stays). */
typedef char *(*form_submit_fn)(form_t *f, void *ud);
form_t *form_open(ui_t *ui, const char *title, form_submit_fn on_submit, void *ud,
		  void (*ud_free)(void *));
void form_info(form_t *f, theme_el_t el, const char *line);
void form_field(form_t *f, const char *label, const char *initial, int required);
/* Shown dim in field i while it is empty ("15m to 2d, or START..END"). */
void form_placeholder(form_t *f, size_t i, const char *text);
/* Tab in field i completes with complete(ud, text, &cands): the new text
 * (malloc'd) or NULL, and cands (malloc'd, shown under the fields until the
 * next key) when several fit. When nothing changes and none is shown, Tab
 * moves to the next field as in any other field. */
typedef char *(*form_complete_fn)(void *ud, const char *text, char **cands);
void form_completion(form_t *f, size_t i, form_complete_fn complete);
/* One row per field (no blank row between): a search form of 7 fields fits 80x24. */
void form_compact(form_t *f);
/* Enter submits from any field (a search), not only from the last one. */
void form_enter_submits(form_t *f);
/* Put the cursor in field i. */
void form_focus(form_t *f, size_t i);
/* The text of field i (trimmed copy, malloc'd). */
char *form_value(const form_t *f, size_t i);
const char *form_label(const form_t *f, size_t i);

/* Break s into pieces of at most w columns, at blanks where it can: the byte
 * length of the first piece (at least one character). Text boxes and
 * confirmations wrap with it. */
size_t ui_wrap_piece(const char *s, int w);

#endif
