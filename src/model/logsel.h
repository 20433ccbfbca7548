/* From an alert's or a series' labels to the LogQL stream selector of their logs (L). */
#ifndef ICN_LOGSEL_H
#define ICN_LOGSEL_H
#include <stddef.h>
#include "core/conf.h"
#include "model/series.h"

/* The mapping used when the config has no `logs: labels:`: ICN's metrics name
 * a node where its logs name a pod; the usual Kubernetes labels are the same
 * on both sides. */
extern const struct conf_pair logsel_default_map[];
extern const size_t logsel_default_n;

/*
 * The selector: for each pair (from -> to) of map, in order, a label `from`
 * present in l gives the matcher to="value" (the first pair that gives a
 * stream label wins; values are escaped as LogQL strings), sorted by stream
 * label: {pod="director-3"}. NULL when no label maps (the caller picks a
 * fallback). map NULL: the default map.
 */
char *logsel_from_labels(const labels_t *l, const struct conf_pair *map, size_t n);

#endif
