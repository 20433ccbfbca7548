/* Legend names: the labels that differ between series, and shortening by the common part. */
#include "config.h"
#include "model/legend.h"
#include "core/xalloc.h"
#include "ui/canvas.h"
#include <stdlib.h>
#include <string.h>

static int differs(const series_set_t *s, const char *name)
{
	const char *first = labels_get(&s->v[0].labels, name);
	for (size_t i = 1; i < s->n; i++) {
		const char *v = labels_get(&s->v[i].labels, name);
		if (!first != !v || (v && strcmp(v, first)))
			return 1;
	}
	return 0;
}

/* Every label name of the set, sorted, once each. */
static size_t all_label_names(const series_set_t *s, const char ***out)
{
	const char **v = NULL;
	size_t n = 0;
	for (size_t i = 0; i < s->n; i++)
		for (size_t k = 0; k < s->v[i].labels.n; k++) {
			const char *nm = s->v[i].labels.v[k].name;
			size_t j = 0;
			while (j < n && strcmp(v[j], nm) < 0)
				j++;
			if (j < n && !strcmp(v[j], nm))
				continue;
			v = xrealloc(v, (n + 1) * sizeof *v);
			memmove(&v[j + 1], &v[j], (n - j) * sizeof *v);
			v[j] = nm;
			n++;
		}
	*out = v;
	return n;
}

/* "value" for one label, "name=value, name=value" for several; NULL when the
 * series has none of them. */
static char *name_by(const labels_t *l, const char *const *names, size_t n)
{
	strbuf_t b;
	size_t used = 0;
	sb_init(&b);
	for (size_t k = 0; k < n; k++) {
		const char *v = labels_get(l, names[k]);
		if (!v)
			continue;
		if (n == 1)
			sb_puts(&b, v);
		else
			sb_printf(&b, "%s%s=%s", used ? ", " : "", names[k], v);
		used++;
	}
	if (!used) {
		sb_free(&b);
		return NULL;
	}
	return sb_steal(&b);
}

char **legend_names(const series_set_t *s, const char *label, const char *fallback)
{
	char **out = xcalloc(s->n ? s->n : 1, sizeof *out);
	const char **names = NULL, **diff = NULL;
	size_t n_names = 0, n_diff = 0;
	if (!s->n)
		return out;
	n_names = all_label_names(s, &names);
	diff = xcalloc(n_names ? n_names : 1, sizeof *diff);
	for (size_t k = 0; k < n_names; k++) {
		/* a series alone: every label but the metric's name tells what it is */
		if (s->n == 1 ? strcmp(names[k], "__name__") != 0 : differs(s, names[k]))
			diff[n_diff++] = names[k];
	}
	for (size_t i = 0; i < s->n; i++) {
		const char *v = label ? labels_get(&s->v[i].labels, label) : NULL;
		if (v)
			out[i] = xstrdup(v);
		else if (!(out[i] = name_by(&s->v[i].labels, diff, n_diff)))
			out[i] = xstrdup(fallback && *fallback ? fallback : "all");
	}
	free(names);
	free(diff);
	return out;
}

void legend_names_free(char **names, size_t n)
{
	if (!names)
		return;
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

static int is_sep(char c)
{
	return c && strchr("-_.:/=, ", c) != NULL;
}

/* Bytes of the longest start of s[0..len) at most `cols` columns wide, cut
 * between UTF-8 characters. */
static size_t take_cols(const char *s, size_t len, int cols)
{
	size_t i = 0;
	int w = 0;
	while (i < len) {
		size_t j = i + 1;
		while (j < len && ((unsigned char)s[j] & 0xc0) == 0x80)
			j++;
		char ch[8] = "";
		if (j - i < sizeof ch)
			memcpy(ch, s + i, j - i);
		int cw = utf8_width(ch);
		if (w + cw > cols)
			break;
		w += cw;
		i = j;
	}
	return i;
}

static int width_of(const char *s, size_t len)
{
	char *t = xstrndup(s, len);
	int w = utf8_width(t);
	free(t);
	return w;
}

char *legend_shorten(const char *name, const char *const *all, size_t n, int width, int ascii)
{
	const char *ell = ascii ? "~" : "\xe2\x80\xa6";
	size_t len, minlen, pre, suf;
	if (!name)
		name = "";
	if (width < 1)
		return xstrdup("");
	if (utf8_width(name) <= width)
		return xstrdup(name);
	len = minlen = strlen(name);
	pre = suf = len;
	size_t others = 0;
	for (size_t i = 0; i < n; i++) {
		const char *o = all[i] ? all[i] : "";
		size_t ol = strlen(o), k = 0;
		if (!strcmp(o, name))
			continue;
		others++;
		while (k < pre && k < ol && o[k] == name[k])
			k++;
		pre = k;
		k = 0;
		while (k < suf && k < ol && o[ol - 1 - k] == name[len - 1 - k])
			k++;
		suf = k;
		minlen = ol < minlen ? ol : minlen;
	}
	/* shared parts end (prefix) or start (suffix) at a separator, so "director-1"
	 * and "director-12" share "director-", and never overlap in any name */
	if (!others) /* a name alone shares nothing */
		pre = suf = 0;
	if (pre >= minlen)
		pre = minlen;
	while (pre > 0 && !is_sep(name[pre - 1]))
		pre--;
	if (suf > minlen - pre)
		suf = minlen - pre;
	while (suf > 0 && !is_sep(name[len - suf]))
		suf--;
	strbuf_t b;
	sb_init(&b);
	/* a. without the shared end: "icn-a…" */
	if (suf > 0 && width_of(name, len - suf) + 1 <= width) {
		sb_add(&b, name, len - suf);
		sb_puts(&b, ell);
		return sb_steal(&b);
	}
	const char *d = name + pre;
	size_t dl = len - pre - suf;
	int tw = width_of(d, dl) + (suf > 0);
	/* b. what differs whole, after as much of the shared start as fits: "dire…5" */
	if (tw + (pre > 0) <= width) {
		if (pre > 0) {
			sb_add(&b, name, take_cols(name, pre, width - tw - 1));
			sb_puts(&b, ell);
		}
		sb_add(&b, d, dl);
		if (suf > 0)
			sb_puts(&b, ell);
		return sb_steal(&b);
	}
	/* c. what differs is itself too long: its start, and an ellipsis where the
	 * shared start was left out ("…249:9100…", never "249:9100" as if whole) */
	int lead = pre > 0 && width >= 3;
	if (lead)
		sb_puts(&b, ell);
	sb_add(&b, d, take_cols(d, dl, width - 1 - lead));
	sb_puts(&b, ell);
	return sb_steal(&b);
}
