/* Which stream labels differ between the streams a scrollback holds: the Logs view's labels column. */
#ifndef ICN_LOGVARY_H
#define ICN_LOGVARY_H
#include <stddef.h>
#include <stdint.h>
#include "model/series.h"

typedef struct {
	struct logvary_label {
		char *name, *first; /* a label name and the value the first stream had */
		int varies;         /* another stream had another value, or none */
	} *v;
	size_t n;
	int n_varies;
	const void **noted;         /* per stream id, the label set it was looked at with */
	size_t n_noted;
	int any;
} logvary_t;

/* Stream `id` (logring's interned id) with labels l, held by the ring as
 * `held`: looked at when new (or when the id now holds another set, ids
 * being reused). The level labels (level, detected_level) never count. */
void logvary_note(logvary_t *lv, uint32_t id, const void *held, const labels_t *l);
/* Does label `name` differ between the streams noted? */
int logvary_varies(const logvary_t *lv, const char *name);
/* l's values of the labels that differ, the one naming a process first
 * (pod, container, instance, node, host, hostname, job), then by name,
 * joined by ","; raw (the caller renders it); "" when none. */
char *logvary_values(const logvary_t *lv, const labels_t *l);
void logvary_reset(logvary_t *lv);

#endif
