/* Legend names: what tells the series of a set apart, shortened by what they share. */
#ifndef ICN_LEGEND_H
#define ICN_LEGEND_H
#include <stddef.h>
#include "model/series.h"

/*
 * One name per series of s (malloc'd array of s->n malloc'd strings; free with
 * legend_names_free). A series with the label `label` (may be NULL) is named by
 * its value. Otherwise by the labels whose values differ between the series
 * (a label absent from some series differs too): the value alone when one
 * label differs ("director-5"), "name=value, name=value" when several do. A
 * series alone is named by its labels ("job=icn, node=d1"), never "{...}". A
 * series with none of those labels (an aggregate such as sum(...)) is named
 * `fallback` (e.g. the panel's title).
 */
char **legend_names(const series_set_t *s, const char *label, const char *fallback);
void legend_names_free(char **names, size_t n);

/*
 * `name` in at most `width` columns, shortened by the parts every one of the n
 * names in `all` shares (a prefix and a suffix ending and starting at a
 * separator: - _ . : / = , space), never by cutting off what tells it apart:
 *   "director-5" among director-1..6, 6 columns -> "dire…5";
 *   "icn-a.prod.example:9100" among "icn-b.prod.example:9100", 8 columns -> "icn-a…".
 * When what differs is itself too long, its start is kept and "…" ends it.
 * `ascii` uses "~" for "…". Returns malloc'd; "" for width < 1.
 */
char *legend_shorten(const char *name, const char *const *all, size_t n, int width, int ascii);

#endif
