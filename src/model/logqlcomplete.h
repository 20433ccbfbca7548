/* Tab in the Logs view's query prompt: which label name or value is being typed in a LogQL stream selector, and its completion. Pure. */
#ifndef ICN_LOGQLCOMPLETE_H
#define ICN_LOGQLCOMPLETE_H
#include <stddef.h>

typedef enum {
	LQC_NONE,  /* outside a selector, or after its closing brace */
	LQC_NAME,  /* a label name: after '{' or ',' */
	LQC_VALUE, /* a value: after name= != =~ !~ and the opening quote */
} lqc_kind_t;

/* What the end of `text` is in: *start is the byte offset where the partial
 * word begins; for a value *name is the label's name (malloc'd), else NULL. */
lqc_kind_t lqc_where(const char *text, size_t *start, char **name);

/* Complete the end of text (a partial word from `start`, of kind k) from
 * cands: one match is put whole (a name followed by `="`, a value by its
 * closing `"`, with `"` and `\` escaped); several complete as far as they
 * agree. Returns the new text (malloc'd) or NULL when it does not change;
 * *list (malloc'd, may be NULL) names the matches, two blanks apart, when
 * there are several (at most 20, then "..."). */
char *lqc_complete(const char *text, size_t start, lqc_kind_t k, char *const *cands, size_t n,
		   char **list);

#endif
