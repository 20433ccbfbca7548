/* Table columns sized to their content: pure arithmetic and text cutting, no curses. */
#ifndef ICN_TABLE_H
#define ICN_TABLE_H
#include <stddef.h>

typedef struct {
	int want;   /* columns its widest cell (or heading) needs: table_want */
	int min;    /* never narrower than this when cut */
	int cut;    /* 0: never cut (a state word, an age); else cut order: 1 first, 2 next, ... */
} table_col_t;

/* Widen c->want to fit s (display columns, UTF-8 aware). */
void table_want(table_col_t *c, const char *s);

/*
 * Widths for n columns laid out in `width` screen columns with `gap` blank
 * columns between neighbours. Each column gets what it wants when all fit.
 * Otherwise columns are cut, the lowest `cut` rank first: within a rank the
 * widest is narrowed first (they end up equal), never under `min`; a rank is
 * taken down to its minimums before the next is touched. When even the
 * minimums do not fit, the widths are the minimums (the screen clips the
 * rest). Returns the width used (sum of widths and gaps).
 */
int table_fit(const table_col_t *c, size_t n, int width, int gap, int *out);

/* s in at most w display columns (malloc'd): unchanged when it fits, else cut on
 * a character boundary and ended with `ellipsis` (one column: "…" or "~"). */
char *table_cut(const char *s, int w, const char *ellipsis);

#endif
