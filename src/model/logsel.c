/* From an alert's or a series' labels to the LogQL stream selector of their logs. */
#include "config.h"
#include "model/logsel.h"
#include "core/xalloc.h"
#include <stdlib.h>
#include <string.h>

const struct conf_pair logsel_default_map[] = {
	{ (char *)"pod", (char *)"pod" }, /* a Kubernetes alert's pod is the pod; its node is not */
	{ (char *)"node", (char *)"pod" },
	{ (char *)"app", (char *)"app" },
	{ (char *)"namespace", (char *)"namespace" },
	{ (char *)"container", (char *)"container" },
};
const size_t logsel_default_n = sizeof logsel_default_map / sizeof logsel_default_map[0];

/* A LogQL double-quoted string (Go's escapes): backslash, quote and newline escaped. */
static void put_string(strbuf_t *b, const char *v)
{
	sb_puts(b, "\"");
	for (const char *p = v; *p; p++) {
		if (*p == '"' || *p == '\\')
			sb_add(b, "\\", 1);
		if (*p == '\n')
			sb_puts(b, "\\n");
		else
			sb_add(b, p, 1);
	}
	sb_puts(b, "\"");
}

char *logsel_from_labels(const labels_t *l, const struct conf_pair *map, size_t n)
{
	if (!map) {
		map = logsel_default_map;
		n = logsel_default_n;
	}
	labels_t sel;
	memset(&sel, 0, sizeof sel);
	for (size_t i = 0; l && i < n; i++) {
		const char *v = labels_get(l, map[i].name);
		if (!v || !*v || labels_get(&sel, map[i].value))
			continue;
		labels_add(&sel, map[i].value, v); /* kept sorted by name */
	}
	if (!sel.n) {
		labels_free(&sel);
		return NULL;
	}
	strbuf_t b;
	sb_init(&b);
	sb_puts(&b, "{");
	for (size_t i = 0; i < sel.n; i++) {
		sb_printf(&b, "%s%s=", i ? ", " : "", sel.v[i].name);
		put_string(&b, sel.v[i].value);
	}
	sb_puts(&b, "}");
	labels_free(&sel);
	char *out = xstrdup(b.s);
	sb_free(&b);
	return out;
}
