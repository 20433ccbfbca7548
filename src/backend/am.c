/* Alertmanager v2: firing alerts, by fingerprint (so HA replicas count once). */
#include "config.h"
#include "backend/am.h"
#include "core/text.h"
#include "core/xalloc.h"
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

char *am_url_firing(const char *base)
{
	size_t l = strlen(base);
	while (l && base[l - 1] == '/')
		l--;
	return xasprintf("%.*s/api/v2/alerts?active=true&silenced=false&inhibited=false"
			 "&unprocessed=false",
			 (int)l, base);
}

static char *first_line(const char *body, size_t len)
{
	strbuf_t b;
	sb_init(&b);
	for (size_t i = 0; i < len && b.len < 200; i++) {
		unsigned char c = (unsigned char)body[i];
		if (c == '\n' || c == '\r') {
			if (b.len)
				break;
			continue;
		}
		char ch = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
		sb_add(&b, &ch, 1);
	}
	return sb_steal(&b);
}

void am_strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

int am_parse_firing(const char *body, size_t len, long http_status, char ***fps, size_t *n,
		    char **err)
{
	*fps = NULL;
	*n = 0;
	*err = NULL;
	if (http_status && (http_status < 200 || http_status > 299)) {
		char *l = first_line(body, len);
		*err = xasprintf("HTTP %ld%s%s", http_status, *l ? ": " : "", l);
		free(l);
		return -1;
	}
	json_error_t je;
	json_t *root = json_loadb(body, len, JSON_DECODE_ANY, &je);
	if (!root) {
		char *why = text_sanitize(je.text); /* jansson quotes the offending bytes */
		*err = xasprintf("invalid JSON from Alertmanager: %s", why);
		free(why);
		return -1;
	}
	if (!json_is_array(root)) {
		json_decref(root);
		*err = xstrdup("expected a JSON array of alerts from Alertmanager");
		return -1;
	}
	size_t cap = 0, i;
	json_t *a;
	char **v = NULL;
	json_array_foreach(root, i, a) {
		json_t *st = json_object_get(json_object_get(a, "status"), "state");
		json_t *fp = json_object_get(a, "fingerprint");
		if (!json_is_string(st) || strcmp(json_string_value(st), "active") != 0)
			continue;
		v = xgrow(v, &cap, *n + 1, sizeof *v);
		v[(*n)++] = xstrdup(json_is_string(fp) ? json_string_value(fp) : "");
	}
	json_decref(root);
	*fps = v;
	return 0;
}
