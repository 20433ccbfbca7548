/* Shared widgets: a list (selection, scrolling, paging), a UTF-8 line editor, a line history and completion. Pure: no curses calls. */
#ifndef ICN_WIDGETS_H
#define ICN_WIDGETS_H
#include <stddef.h>
#include "core/xalloc.h"
#include "ui/view.h"

/* ---- list: which row is selected and which is on top ---- */

typedef struct {
	size_t n;      /* rows */
	size_t sel;    /* selected row (0 when empty) */
	size_t top;    /* first row shown */
	int rows;      /* rows that fit, set by list_fit at each draw */
	char *sel_key; /* what the selected row shows (list_remember), kept across rebuilds */
} list_t;

/* A row's identity (a fingerprint, an id), malloc'd; NULL when it has none. */
typedef char *(*list_key_fn)(void *ctx, size_t row);
/* After the rows changed (a refresh re-sorts them), select again the row that
 * was selected, found by its key; the selection stays where it is if it is gone. */
void list_keep(list_t *l, size_t n, list_key_fn key_of, void *ctx);
/* Note the selected row's key, for list_keep. */
void list_remember(list_t *l, list_key_fn key_of, void *ctx);
void list_free(list_t *l);

/* The keys of every list, for a view's key table (list_request handles them). */
#define LIST_KEYBINDS                                           \
	{ KEY_UP, "Up k", REQ_UP, "row above" },                \
	{ 'k', NULL, REQ_UP, NULL },                            \
	{ KEY_DOWN, "Down j", REQ_DOWN, "row below" },          \
	{ 'j', NULL, REQ_DOWN, NULL },                          \
	{ KEY_PPAGE, "PgUp", REQ_PGUP, "page up" },             \
	{ KEY_NPAGE, "PgDn", REQ_PGDN, "page down" },           \
	{ 'g', "g Home", REQ_TOP, "first row" },                \
	{ KEY_HOME, NULL, REQ_TOP, NULL },                      \
	{ 'G', "G End", REQ_BOTTOM, "last row" },               \
	{ KEY_END, NULL, REQ_BOTTOM, NULL }

/* Keep sel in [0, n) and in sight for `rows` visible rows. */
void list_fit(list_t *l, size_t n, int rows);
/* Movement requests (UP DOWN PGUP PGDN TOP BOTTOM): returns 1 when handled. */
int list_request(list_t *l, req_t r);
/* Select row i (clamped) and bring it in sight. */
void list_select(list_t *l, size_t i);

/* ---- line editor: UTF-8 text with a cursor (byte offset at a character start) ---- */

typedef struct {
	strbuf_t b;
	size_t cur;
	size_t max;    /* bytes at most (0: 4096) */
	char pend[4];  /* a UTF-8 character arriving byte by byte */
	int npend, need;
} lineedit_t;

enum { LE_IGNORED = 0, LE_MOVED = 1, LE_CHANGED = 2 };

void lineedit_init(lineedit_t *e, const char *text);
void lineedit_set(lineedit_t *e, const char *text);
void lineedit_free(lineedit_t *e);
const char *lineedit_text(const lineedit_t *e); /* never NULL */
/*
 * A key: printable bytes (UTF-8 sequences arrive byte by byte and are kept whole),
 * Backspace/^H and Delete/^D delete a character, Left/Right/^B/^F move one
 * character, Home/^A and End/^E jump, ^U deletes to the start, ^K to the end,
 * ^W the word before the cursor. Control bytes never enter the text.
 */
int lineedit_key(lineedit_t *e, int ch);
/* Which part of the text to show in `w` columns so the cursor is visible:
 * the byte offset to start from and the cursor's column relative to it. */
void lineedit_view(const lineedit_t *e, int w, size_t *start, int *cursor_col);

/* ---- history of entered lines (the `:` line's), oldest first ---- */

typedef struct {
	char **v;
	size_t n, cap;
	size_t max;    /* lines kept (0: 100); the oldest go first */
	size_t added;  /* lines ever added (what to save is what changed) */
} history_t;

/* Add a line entered; blank lines and a repeat of the newest are not kept. */
void history_add(history_t *h, const char *line);
void history_free(history_t *h);
/* Walk the history from *pos (h->n: the line being typed, saved in *draft,
 * malloc'd, on the first step back): dir < 0 older (Up, ^P), dir > 0 newer
 * (Down, ^N). Returns the text to show, or NULL at the end (nothing changes). */
const char *history_move(const history_t *h, size_t *pos, int dir, const char *typed, char **draft);

/* ---- completion of a `:` line ---- */

typedef struct {
	const char *name;
	const char *alias;        /* may be NULL */
	const char *const *args;  /* what its argument can be; NULL: not completed */
	size_t n_args;
} complete_cmd_t;

/*
 * Tab on a `:` line (without the colon; the cursor at its end): the first word
 * is completed from the commands' names and aliases, the second from that
 * command's args. One candidate completes (a command with a space after it);
 * several complete as far as they agree. Returns the number of candidates;
 * *out is the new line (malloc'd) when it changed, else NULL; *cands the
 * candidates separated by two blanks (malloc'd) when there are several, else
 * NULL.
 */
size_t complete_line(const char *line, const complete_cmd_t *cmds, size_t n, char **out, char **cands);

#endif
