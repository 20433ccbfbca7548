/* The Targets view's model: the `/` filter over scrape targets, and the count of those down. */
#include "config.h"
#include "model/targetlist.h"
#include "core/xalloc.h"
#include <stdlib.h>
#include <string.h>


static int word_match(const prom_target_t *t, const char *w)
{
	for (size_t i = 0; i < t->labels.n; i++) {
		char *kv = xasprintf("%s=%s", t->labels.v[i].name, t->labels.v[i].value);
		int hit = str_has_icase(kv, w);
		free(kv);
		if (hit)
			return 1;
	}
	/* job and instance are labels, but a list built by hand may hold only them */
	return str_has_icase(t->job, w) || str_has_icase(t->instance, w) || str_has_icase(t->health, w) ||
	       str_has_icase(t->scrape_url, w) || str_has_icase(t->last_error, w);
}

int targetlist_match(const prom_target_t *t, const char *filter)
{
	const char *s = filter;
	while (s && *s) {
		while (*s == ' ' || *s == '\t')
			s++;
		if (!*s)
			break;
		strbuf_t b;
		sb_init(&b);
		int q = 0;
		for (; *s && (q || (*s != ' ' && *s != '\t')); s++) {
			if (*s == '"') {
				q = !q;
				continue;
			}
			char c = (char)ascii_lower((unsigned char)*s);
			sb_add(&b, &c, 1);
		}
		char *w = sb_steal(&b);
		int ok = word_match(t, w ? w : "");
		free(w);
		if (!ok)
			return 0;
	}
	return 1;
}

size_t targetlist_down(const prom_targets_t *t)
{
	size_t n = 0;
	for (size_t i = 0; t && i < t->n; i++)
		n += t->v[i].health && strcmp(t->v[i].health, "down") == 0;
	return n;
}
