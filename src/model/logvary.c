/* Which stream labels differ between the streams a scrollback holds. */
#include "config.h"
#include "model/logvary.h"
#include "core/xalloc.h"
#include <stdlib.h>
#include <string.h>

static int is_level(const char *name)
{
	return !strcmp(name, "level") || !strcmp(name, "detected_level");
}

static void mark(logvary_t *lv, struct logvary_label *x)
{
	if (!x->varies) {
		x->varies = 1;
		lv->n_varies++;
	}
}

void logvary_note(logvary_t *lv, uint32_t id, const void *held, const labels_t *l)
{
	if (id < lv->n_noted && lv->noted[id] == held)
		return;
	if (id >= lv->n_noted) {
		size_t n = (size_t)id + 64;
		lv->noted = xrealloc(lv->noted, n * sizeof *lv->noted);
		memset(lv->noted + lv->n_noted, 0, (n - lv->n_noted) * sizeof *lv->noted);
		lv->n_noted = n;
	}
	int first = !lv->any;
	lv->noted[id] = held;
	lv->any = 1;
	for (size_t i = 0; i < l->n; i++) {
		if (is_level(l->v[i].name))
			continue;
		struct logvary_label *x = NULL;
		for (size_t k = 0; k < lv->n && !x; k++)
			if (!strcmp(lv->v[k].name, l->v[i].name))
				x = &lv->v[k];
		if (!x) {
			lv->v = xrealloc(lv->v, (lv->n + 1) * sizeof *lv->v);
			x = &lv->v[lv->n++];
			x->name = xstrdup(l->v[i].name);
			x->first = xstrdup(l->v[i].value);
			x->varies = 0;
			if (!first)
				mark(lv, x); /* the streams before had no such label */
		} else if (strcmp(x->first, l->v[i].value) != 0) {
			mark(lv, x);
		}
	}
	for (size_t k = 0; k < lv->n; k++) /* and the ones this stream lacks */
		if (!labels_get(l, lv->v[k].name))
			mark(lv, &lv->v[k]);
}

int logvary_varies(const logvary_t *lv, const char *name)
{
	for (size_t k = 0; k < lv->n; k++)
		if (!strcmp(lv->v[k].name, name))
			return lv->v[k].varies;
	return 0;
}

/* The order in the column: the one that names a single process first (a pod
 * says more than its app), then by name. */
static int rank_of(const char *name)
{
	static const char *const first[] = { "pod", "container", "instance", "node", "host", "hostname", "job" };
	for (size_t i = 0; i < sizeof first / sizeof first[0]; i++)
		if (!strcmp(name, first[i]))
			return (int)i;
	return (int)(sizeof first / sizeof first[0]);
}

char *logvary_values(const logvary_t *lv, const labels_t *l)
{
	strbuf_t b;
	sb_init(&b);
	sb_add(&b, "", 0);
	for (int rank = 0; rank <= rank_of(""); rank++)
		for (size_t i = 0; l && i < l->n; i++) {
			if (is_level(l->v[i].name) || rank_of(l->v[i].name) != rank ||
			    !logvary_varies(lv, l->v[i].name))
				continue;
			sb_printf(&b, "%s%s", b.len ? "," : "", l->v[i].value);
		}
	return sb_steal(&b);
}

void logvary_reset(logvary_t *lv)
{
	for (size_t k = 0; k < lv->n; k++) {
		free(lv->v[k].name);
		free(lv->v[k].first);
	}
	free(lv->v);
	free(lv->noted);
	memset(lv, 0, sizeof *lv);
}
