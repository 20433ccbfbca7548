/* What loki.c and loki_walk.c share: an entry's line cap, and the one-walk decoder. */
#ifndef ICN_LOKI_INT_H
#define ICN_LOKI_INT_H
#include <stddef.h>
#include "backend/loki.h"

/* e with its line (malloc'd, owned from here), cut at max_line on a
 * character boundary, appended to out. */
void loki_add_entry(loki_entry_t *e, char *line, size_t n, size_t max_line, loki_result_t *out);

/* A cursor through a JSON text. */
typedef struct {
	const char *p, *e;
} loki_cur_t;

/* One ["<ns>", "<line>"] into a new entry of stream si; 0 when it is not
 * that simple (then nothing was added: the caller decodes it with jansson). */
int loki_walk_entry(loki_cur_t *c, size_t si, size_t max_line, loki_result_t *out);
/* {"streams":[{"stream":{...},"values":[[..],..]},..]} and nothing else into
 * out: 1, or 0 (out partly filled: the caller frees it and goes the general way). */
int loki_walk_tail(const char *body, size_t len, size_t max_line, loki_result_t *out);

#endif
