/* The Targets view's model: which targets a `/` filter keeps, how many are down. Pure. */
#ifndef ICN_TARGETLIST_H
#define ICN_TARGETLIST_H
#include <stddef.h>
#include "backend/prom.h"

/*
 * Whether a target passes a filter: words separated by blanks (double quotes
 * make a phrase of several), all must match. A word matches when it is found,
 * ignoring case, in one of the target's labels written name=value (so
 * "job=icn" and "icn" both work), its health, its scrape URL or its last
 * error. NULL or "" keeps every target.
 */
int targetlist_match(const prom_target_t *t, const char *filter);

/* Targets whose health is "down". */
size_t targetlist_down(const prom_targets_t *t);

#endif
