/* The Targets view's model: the `/` filter over scrape targets, and the count of those down. */
#include "config.h"
#include "model/targetlist.h"
#include "core/xalloc.h"
#include <stdlib.h>
#include <string.h>

static int lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* needle is lower-cased already */
static int icase_has(const char *h, const char *needle)
{
	size_t nl = strlen(needle);
	if (!nl)
		return 1;
	for (; h && *h; h++) {
		size_t j = 0;
		while (j < nl && h[j] && lower((unsigned char)h[j]) == (unsigned char)needle[j])
			j++;
		if (j == nl)
			return 1;
	}
	return 0;
}

static int word_match(const prom_target_t *t, const char *w)
{
	for (size_t i = 0; i < t->labels.n; i++) {
		char *kv = xasprintf("%s=%s", t->labels.v[i].name, t->labels.v[i].value);
		int hit = icase_has(kv, w);
		free(kv);
		if (hit)
			return 1;
	}
	/* job and instance are labels, but a list built by hand may hold only them */
	return icase_has(t->job, w) || icase_has(t->instance, w) || icase_has(t->health, w) ||
	       icase_has(t->scrape_url, w) || icase_has(t->last_error, w);
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
			char c = (char)lower((unsigned char)*s);
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
