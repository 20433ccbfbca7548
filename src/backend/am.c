/* Alertmanager v2 API: URLs, alert/silence parsers into plain models, matchers, silence bodies, error texts. */
#include "config.h"
#include "backend/am.h"
#include "backend/prom.h"
#include "core/text.h"
#include "core/xalloc.h"
#include <jansson.h>
#include <math.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Longest server text quoted in an error, in characters (code points). */
#define ERR_TEXT_MAX 200

/* ---- URLs ------------------------------------------------------------------- */

/* Length of base without its trailing slashes (a route prefix is kept). */
static int base_len(const char *base)
{
	size_t l = strlen(base);
	while (l && base[l - 1] == '/')
		l--;
	return l > 1 << 30 ? 1 << 30 : (int)l;
}

char *am_url_firing(const char *base)
{
	return xasprintf("%.*s/api/v2/alerts?active=true&silenced=false&inhibited=false"
			 "&unprocessed=false",
			 base_len(base), base);
}

char *am_url_alerts(const char *base)
{
	return xasprintf("%.*s/api/v2/alerts", base_len(base), base);
}

char *am_url_silences(const char *base)
{
	return xasprintf("%.*s/api/v2/silences", base_len(base), base);
}

char *am_url_status(const char *base)
{
	return xasprintf("%.*s/api/v2/status", base_len(base), base);
}

/* RFC 3986 percent-encoding of everything but the unreserved characters (local:
 * libicnam does not link the HTTP library). */
static char *pct_escape(const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	strbuf_t b;
	sb_init(&b);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '.' || *p == '_' || *p == '~') {
			sb_add(&b, (const char *)p, 1);
		} else {
			char e[3] = { '%', hex[*p >> 4], hex[*p & 15] };
			sb_add(&b, e, 3);
		}
	}
	return sb_steal(&b);
}

char *am_url_silence(const char *base, const char *id)
{
	char *e = pct_escape(id ? id : "");
	char *u = xasprintf("%.*s/api/v2/silence/%s", base_len(base), base, e);
	free(e);
	return u;
}

/* ---- error texts ------------------------------------------------------------- */

static int status_is_failure(long http_status)
{
	return http_status != 0 && (http_status < 200 || http_status > 299);
}

static int is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v';
}

/*
 * Server text made fit for a one-line message: control characters out (as
 * text_sanitize), blanks collapsed, trimmed, at most ERR_TEXT_MAX characters.
 * `s` may hold NULs (taken as '?'); its first `len` bytes are used.
 */
static char *err_clean(const char *s, size_t len)
{
	/* 4 bytes per character is enough for ERR_TEXT_MAX characters after trimming;
	 * the extra slack lets a long run of blanks still collapse. */
	size_t cap = len < ERR_TEXT_MAX * 4 + 64 ? len : ERR_TEXT_MAX * 4 + 64;
	char *raw = xmalloc(cap + 1);
	for (size_t i = 0; i < cap; i++)
		raw[i] = s[i] ? s[i] : '?';
	raw[cap] = '\0';
	if (cap < len) { /* don't leave half a UTF-8 sequence for sanitize to flag */
		size_t k = cap;
		while (k > 0 && cap - k < 4 && ((unsigned char)raw[k - 1] & 0xC0) == 0x80)
			k--;
		if (k > 0 && (unsigned char)raw[k - 1] >= 0xC0)
			raw[k - 1] = '\0';
	}
	char *clean = text_sanitize(raw);
	free(raw);

	strbuf_t b;
	size_t chars = 0;
	int space = 0;
	sb_init(&b);
	for (const unsigned char *p = (const unsigned char *)clean; *p && chars < ERR_TEXT_MAX;) {
		if (*p == ' ') {
			space = 1;
			p++;
			continue;
		}
		if (space && b.len) {
			sb_add(&b, " ", 1);
			if (++chars == ERR_TEXT_MAX)
				break;
		}
		space = 0;
		size_t n = 1;
		while ((p[n] & 0xC0) == 0x80) /* sanitized: valid UTF-8 */
			n++;
		sb_add(&b, (const char *)p, n);
		chars++;
		p += n;
	}
	while (b.len && b.s[b.len - 1] == ' ')
		b.s[--b.len] = '\0';
	free(clean);
	return sb_steal(&b);
}

/* ASCII case-insensitive search in a length-bounded buffer. */
static const char *mem_icase(const char *h, size_t hl, const char *n)
{
	size_t nl = strlen(n);
	for (size_t i = 0; i + nl <= hl; i++) {
		size_t j = 0;
		while (j < nl) {
			char a = h[i + j], c = n[j];
			if (a >= 'A' && a <= 'Z')
				a = (char)(a - 'A' + 'a');
			if (a != c)
				break;
			j++;
		}
		if (j == nl)
			return h + i;
	}
	return NULL;
}

/* An HTML page's <title>, with the common entities decoded; NULL when none. */
static char *html_title(const char *body, size_t len)
{
	size_t i = 0;
	while (i < len && is_blank((unsigned char)body[i]))
		i++;
	if (i == len || body[i] != '<')
		return NULL;
	const char *t = mem_icase(body, len, "<title");
	if (!t)
		return NULL;
	const char *end = body + len;
	const char *gt = memchr(t, '>', (size_t)(end - t));
	if (!gt)
		return NULL;
	gt++;
	const char *close = mem_icase(gt, (size_t)(end - gt), "</title");
	size_t tl = close ? (size_t)(close - gt) : (size_t)(end - gt);
	static const struct {
		const char *ent, *ch;
	} ents[] = { { "&amp;", "&" }, { "&lt;", "<" },  { "&gt;", ">" },
		     { "&quot;", "\"" }, { "&#39;", "'" }, { "&nbsp;", " " } };
	strbuf_t b;
	sb_init(&b);
	for (size_t k = 0; k < tl && b.len < ERR_TEXT_MAX * 4; k++) {
		size_t e, nents = sizeof ents / sizeof ents[0], el = 0;
		for (e = 0; gt[k] == '&' && e < nents; e++) {
			el = strlen(ents[e].ent);
			if (tl - k >= el && memcmp(gt + k, ents[e].ent, el) == 0)
				break;
		}
		if (gt[k] == '&' && e < nents) {
			sb_puts(&b, ents[e].ch);
			k += el - 1;
		} else {
			sb_add(&b, gt + k, 1);
		}
	}
	char *r = err_clean(b.s ? b.s : "", b.len);
	sb_free(&b);
	if (!*r) {
		free(r);
		return NULL;
	}
	return r;
}

/* The first non-blank line of a body. */
static char *first_line(const char *body, size_t len)
{
	size_t i = 0, j;
	while (i < len && is_blank((unsigned char)body[i]))
		i++;
	for (j = i; j < len && body[j] != '\n' && body[j] != '\r'; j++)
		;
	return err_clean(body + i, j - i);
}

/* What a JSON error body says: a bare string, swagger's {"code","message"},
 * {"error"} (with a Prometheus "errorType"). NULL when it says none of those. */
static char *json_error_msg(const json_t *root)
{
	if (json_is_string(root))
		return err_clean(json_string_value(root), json_string_length(root));
	if (!json_is_object(root))
		return NULL;
	const json_t *msg = json_object_get(root, "message");
	const json_t *code = json_object_get(root, "code");
	const json_t *e = json_object_get(root, "error");
	const json_t *et = json_object_get(root, "errorType");
	if (json_is_string(msg)) {
		char *m = err_clean(json_string_value(msg), json_string_length(msg));
		if (json_is_integer(code)) {
			char *r = xasprintf("%s%s(code %lld)", m, *m ? " " : "",
					    (long long)json_integer_value(code));
			free(m);
			return r;
		}
		return m;
	}
	if (json_is_string(e)) {
		if (!json_is_string(et) || !json_string_length(et))
			return err_clean(json_string_value(e), json_string_length(e));
		/* one bound for the two together */
		strbuf_t b;
		sb_init(&b);
		sb_add(&b, json_string_value(et), json_string_length(et));
		sb_puts(&b, ": ");
		sb_add(&b, json_string_value(e), json_string_length(e));
		char *r = err_clean(b.s, b.len);
		sb_free(&b);
		return r;
	}
	return NULL;
}

char *am_error_text(const char *body, size_t len, long http_status)
{
	char *head = http_status ? xasprintf("HTTP %ld", http_status) : xstrdup("error");
	char *m = NULL;
	size_t i = 0;
	if (!body)
		len = 0;
	while (i < len && is_blank((unsigned char)body[i]))
		i++;
	if (i < len) {
		json_t *root = json_loadb(body, len, JSON_DECODE_ANY, NULL);
		if (root) {
			m = json_error_msg(root);
			json_decref(root);
		}
		if (!m)
			m = html_title(body, len);
		if (!m)
			m = first_line(body, len);
	}
	char *r = m && *m ? xasprintf("%s: %s", head, m) : xstrdup(head);
	free(m);
	free(head);
	return r;
}

/* ---- JSON loading shared by the parsers -------------------------------------- */

/* Set by am_load when it had to replace lone surrogates in the body being parsed
 * (per thread: answers are parsed on the work queue too). */
static _Thread_local int body_was_fixed;

static int hex4(const char *p, const char *end, unsigned *out)
{
	unsigned v = 0;
	if (end - p < 4)
		return 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return 0;
	}
	*out = v;
	return 1;
}

/* A copy of the body with every lone UTF-16 surrogate escape (\ud800 without
 * its pair) made \ufffd, or NULL when there is none. Go's encoder never writes
 * one, but a proxy or a hostile peer may, and jansson refuses the whole
 * document for it: one bad label would hide every alert. */
static char *fix_lone_surrogates(const char *body, size_t len)
{
	char *copy = NULL;
	const char *end = body + len;
	for (size_t i = 0; i + 1 < len; i++) {
		if (body[i] != '\\')
			continue;
		unsigned cp, lo;
		if (body[i + 1] != 'u' || !hex4(body + i + 2, end, &cp)) {
			i++; /* an escape of one character ("\\" included) */
			continue;
		}
		int lone = 0;
		if (cp >= 0xd800 && cp <= 0xdbff) {
			if (i + 11 < len && body[i + 6] == '\\' && body[i + 7] == 'u' &&
			    hex4(body + i + 8, end, &lo) && lo >= 0xdc00 && lo <= 0xdfff) {
				i += 11; /* a proper pair */
				continue;
			}
			lone = 1;
		} else if (cp >= 0xdc00 && cp <= 0xdfff) {
			lone = 1;
		}
		if (lone) {
			if (!copy) {
				copy = xmalloc(len + 1);
				memcpy(copy, body, len);
				copy[len] = '\0';
			}
			memcpy(copy + i + 2, "fffd", 4);
		}
		i += 5;
	}
	return copy;
}

/* The body as JSON when the answer is a success; NULL and *err otherwise.
 * A NUL (\u0000) in a string is allowed (a C string ends there). */
static json_t *am_load(const char *body, size_t len, long http_status, const char *from,
		       char **err)
{
	json_error_t je;
	if (status_is_failure(http_status)) {
		*err = am_error_text(body, len, http_status);
		return NULL;
	}
	char *fixed = body ? fix_lone_surrogates(body, len) : NULL;
	body_was_fixed = fixed != NULL;
	json_t *root = json_loadb(fixed ? fixed : body ? body : "", body ? len : 0,
				  JSON_DECODE_ANY | JSON_ALLOW_NUL, &je);
	free(fixed);
	if (!root) {
		char *why = text_sanitize(je.text); /* jansson quotes the offending bytes */
		*err = xasprintf("invalid JSON from %s: %s", from, why);
		free(why);
	}
	return root;
}

static void strv_push(char ***v, size_t *n, size_t *cap, const char *s)
{
	*v = xgrow(*v, cap, *n + 1, sizeof **v);
	(*v)[(*n)++] = xstrdup(s);
}

/* ---- firing fingerprints ------------------------------------------------------- */

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
	json_t *root = am_load(body, len, http_status, "Alertmanager", err);
	if (!root)
		return -1;
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
		strv_push(&v, n, &cap, json_is_string(fp) ? json_string_value(fp) : "");
	}
	json_decref(root);
	*fps = v;
	return 0;
}

/* ---- alerts ------------------------------------------------------------------ */

const char *am_state_name(am_state_t s)
{
	switch (s) {
	case AM_STATE_FIRING:
		return "firing";
	case AM_STATE_PENDING:
		return "pending";
	case AM_STATE_SILENCED:
		return "silenced";
	case AM_STATE_INHIBITED:
		return "inhibited";
	case AM_STATE_UNPROCESSED:
		return "unprocessed";
	}
	return "unknown";
}

/* A JSON RFC 3339 time as unix seconds; 0 when absent, malformed or not after
 * 1970 (Go's zero time "0001-01-01T00:00:00Z" means unset). */
static double json_time(const json_t *j)
{
	double t;
	if (!json_is_string(j) || rfc3339_parse(json_string_value(j), &t) != 0 || !(t > 0))
		return 0;
	return t;
}

/* String values of a JSON object into a label set (other values are skipped).
 * Returns 1 when a value could not be kept exactly: a NUL inside it (a C string
 * ends there) or a lone surrogate made U+FFFD. */
static int json_labels(const json_t *o, labels_t *l)
{
	const char *k;
	json_t *v;
	int inexact = 0;
	json_object_foreach((json_t *)o, k, v) {
		if (!json_is_string(v))
			continue;
		const char *s = json_string_value(v);
		if (strlen(s) != json_string_length(v) || (body_was_fixed && strstr(s, "\xef\xbf\xbd")))
			inexact = 1;
		labels_add(l, k, s);
	}
	return inexact;
}

/* The strings of a JSON array (other elements skipped); nothing when not an array. */
static void json_strv(const json_t *a, char ***v, size_t *n)
{
	size_t cap = 0, i;
	json_t *e;
	*v = NULL;
	*n = 0;
	json_array_foreach((json_t *)a, i, e) {
		if (json_is_string(e))
			strv_push(v, n, &cap, json_string_value(e));
	}
}

/* One gettableAlert; -1 (nothing allocated) when it has no labels or status. */
static int parse_alert(const json_t *j, am_alert_t *a)
{
	const json_t *labels = json_object_get(j, "labels");
	const json_t *status = json_object_get(j, "status");
	memset(a, 0, sizeof *a);
	if (!json_is_object(labels) || !json_is_object(status))
		return -1;
	a->inexact = json_labels(labels, &a->labels);
	if (json_is_object(json_object_get(j, "annotations")))
		json_labels(json_object_get(j, "annotations"), &a->annotations);
	const json_t *fp = json_object_get(j, "fingerprint");
	a->fingerprint = xstrdup(json_is_string(fp) ? json_string_value(fp) : "");
	a->starts_at = json_time(json_object_get(j, "startsAt"));
	a->ends_at = json_time(json_object_get(j, "endsAt"));
	a->updated_at = json_time(json_object_get(j, "updatedAt"));
	const json_t *gen = json_object_get(j, "generatorURL");
	if (json_is_string(gen) && json_string_length(gen))
		a->generator_url = xstrdup(json_string_value(gen));

	size_t cap = 0, i;
	json_t *r;
	json_array_foreach(json_object_get(j, "receivers"), i, r) {
		const json_t *name = json_is_object(r) ? json_object_get(r, "name") : r;
		if (json_is_string(name))
			strv_push(&a->receivers, &a->n_receivers, &cap, json_string_value(name));
	}
	json_strv(json_object_get(status, "silencedBy"), &a->silenced_by, &a->n_silenced_by);
	json_strv(json_object_get(status, "inhibitedBy"), &a->inhibited_by, &a->n_inhibited_by);
	json_strv(json_object_get(status, "mutedBy"), &a->muted_by, &a->n_muted_by);

	/* A state this version does not know (or none) is shown, not counted as
	 * firing: the nearest is "received, not yet processed". Suppression by a
	 * silence means someone acknowledged it; anything else that suppresses
	 * (inhibition, a mute time interval) is not an acknowledgement. */
	const json_t *st = json_object_get(status, "state");
	const char *s = json_is_string(st) ? json_string_value(st) : "";
	if (strcmp(s, "active") == 0)
		a->state = AM_STATE_FIRING;
	else if (strcmp(s, "suppressed") == 0)
		a->state = a->n_silenced_by ? AM_STATE_SILENCED : AM_STATE_INHIBITED;
	else
		a->state = AM_STATE_UNPROCESSED;
	return 0;
}

void am_alert_free(am_alert_t *a)
{
	if (!a)
		return;
	labels_free(&a->labels);
	labels_free(&a->annotations);
	free(a->fingerprint);
	free(a->generator_url);
	am_strv_free(a->receivers, a->n_receivers);
	am_strv_free(a->silenced_by, a->n_silenced_by);
	am_strv_free(a->inhibited_by, a->n_inhibited_by);
	am_strv_free(a->muted_by, a->n_muted_by);
	memset(a, 0, sizeof *a);
}

void am_alerts_free(am_alerts_t *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->n; i++)
		am_alert_free(&a->v[i]);
	free(a->v);
	a->v = NULL;
	a->n = 0;
}

/* Append the gettableAlerts of a JSON array to out (cap: its capacity). */
static void parse_alert_array(const json_t *arr, am_alerts_t *out, size_t *cap)
{
	size_t i;
	json_t *j;
	json_array_foreach((json_t *)arr, i, j) {
		am_alert_t a;
		if (parse_alert(j, &a) != 0)
			continue;
		out->v = xgrow(out->v, cap, out->n + 1, sizeof *out->v);
		out->v[out->n++] = a;
	}
}

int am_parse_alerts(const char *body, size_t len, long http_status, am_alerts_t *out, char **err)
{
	memset(out, 0, sizeof *out);
	*err = NULL;
	json_t *root = am_load(body, len, http_status, "Alertmanager", err);
	if (!root)
		return -1;
	if (!json_is_array(root)) {
		json_decref(root);
		*err = xstrdup("expected a JSON array of alerts from Alertmanager");
		return -1;
	}
	size_t cap = 0;
	parse_alert_array(root, out, &cap);
	json_decref(root);
	return 0;
}

/* A fingerprint and where it was: sorting these needs no global context. */
typedef struct {
	const char *fp;
	size_t i;
} fp_at_t;

/* By fingerprint, then by position: the first of equal fingerprints sorts first. */
static int cmp_fp_at(const void *x, const void *y)
{
	const fp_at_t *a = x, *b = y;
	int c = strcmp(a->fp, b->fp);
	return c ? c : (a->i > b->i) - (a->i < b->i);
}

/* Keep the first alert of each fingerprint, in their order (no fingerprint:
 * every one kept). */
static void dedupe_by_fingerprint(am_alerts_t *a)
{
	if (a->n < 2)
		return;
	fp_at_t *idx = xmalloc(a->n * sizeof *idx);
	unsigned char *drop = xcalloc(a->n, 1);
	for (size_t i = 0; i < a->n; i++)
		idx[i] = (fp_at_t){ a->v[i].fingerprint, i };
	qsort(idx, a->n, sizeof *idx, cmp_fp_at);
	for (size_t k = 1; k < a->n; k++)
		if (*idx[k].fp && strcmp(idx[k].fp, idx[k - 1].fp) == 0)
			drop[idx[k].i] = 1;
	size_t o = 0;
	for (size_t i = 0; i < a->n; i++) {
		if (drop[i])
			am_alert_free(&a->v[i]);
		else
			a->v[o++] = a->v[i];
	}
	a->n = o;
	free(drop);
	free(idx);
}

int am_parse_alert_groups(const char *body, size_t len, long http_status, am_alerts_t *out,
			  char **err)
{
	memset(out, 0, sizeof *out);
	*err = NULL;
	json_t *root = am_load(body, len, http_status, "Alertmanager", err);
	if (!root)
		return -1;
	if (!json_is_array(root)) {
		json_decref(root);
		*err = xstrdup("expected a JSON array of alert groups from Alertmanager");
		return -1;
	}
	size_t cap = 0, i;
	json_t *g;
	json_array_foreach(root, i, g) {
		const json_t *alerts = json_object_get(g, "alerts");
		if (json_is_array(alerts))
			parse_alert_array(alerts, out, &cap);
	}
	json_decref(root);
	dedupe_by_fingerprint(out);
	return 0;
}

int am_parse_prom_alerts(const char *body, size_t len, long http_status, am_alerts_t *out,
			 char **err)
{
	memset(out, 0, sizeof *out);
	*err = NULL;
	json_t *root = json_loadb(body ? body : "", body ? len : 0, JSON_DECODE_ANY, NULL);
	const json_t *st = json_object_get(root, "status");
	/* Prometheus answers errors with its envelope whatever the HTTP status. */
	if (json_is_string(st) && strcmp(json_string_value(st), "error") == 0) {
		char *m = json_error_msg(root);
		*err = m && *m ? m : xstrdup("Prometheus: error without a message");
		if (m && !*m)
			free(m);
		json_decref(root);
		return -1;
	}
	json_decref(root);
	root = am_load(body, len, http_status, "Prometheus", err);
	if (!root)
		return -1;
	st = json_object_get(root, "status");
	const json_t *alerts = json_object_get(json_object_get(root, "data"), "alerts");
	if (!json_is_string(st)) {
		*err = xstrdup("unexpected response: not a Prometheus API envelope (no \"status\")");
	} else if (strcmp(json_string_value(st), "success") != 0) {
		char *s = err_clean(json_string_value(st), json_string_length(st));
		*err = xasprintf("unexpected status \"%s\" from Prometheus", s);
		free(s);
	} else if (alerts && !json_is_null(alerts) && !json_is_array(alerts)) {
		*err = xstrdup("expected a JSON array in data.alerts from Prometheus");
	}
	if (*err) {
		json_decref(root);
		return -1;
	}
	size_t cap = 0, i;
	json_t *j;
	json_array_foreach((json_t *)alerts, i, j) {
		const json_t *labels = json_object_get(j, "labels");
		const json_t *state = json_object_get(j, "state");
		if (!json_is_object(labels) || !json_is_string(state) ||
		    strcmp(json_string_value(state), "pending") != 0)
			continue;
		out->v = xgrow(out->v, &cap, out->n + 1, sizeof *out->v);
		am_alert_t *a = &out->v[out->n++];
		memset(a, 0, sizeof *a);
		a->inexact = json_labels(labels, &a->labels);
		if (json_is_object(json_object_get(j, "annotations")))
			json_labels(json_object_get(j, "annotations"), &a->annotations);
		a->fingerprint = xstrdup("");
		a->state = AM_STATE_PENDING;
		a->starts_at = json_time(json_object_get(j, "activeAt"));
	}
	json_decref(root);
	return 0;
}

/* ---- silences ------------------------------------------------------------------ */

const char *am_sil_state_name(am_sil_state_t s)
{
	switch (s) {
	case AM_SIL_ACTIVE:
		return "active";
	case AM_SIL_PENDING:
		return "pending";
	case AM_SIL_EXPIRED:
		return "expired";
	case AM_SIL_UNKNOWN:
		break;
	}
	return "unknown";
}

void am_matchers_add(am_matchers_t *m, const char *name, const char *value, int is_regex,
		     int is_equal)
{
	/* am_matchers_t has no capacity: grow by one; matcher lists are short. */
	m->v = xrealloc(m->v, (m->n + 1) * sizeof *m->v);
	m->v[m->n].name = xstrdup(name ? name : "");
	m->v[m->n].value = xstrdup(value ? value : "");
	m->v[m->n].is_regex = !!is_regex;
	m->v[m->n].is_equal = !!is_equal;
	m->n++;
}

void am_matchers_free(am_matchers_t *m)
{
	if (!m)
		return;
	for (size_t i = 0; i < m->n; i++) {
		free(m->v[i].name);
		free(m->v[i].value);
	}
	free(m->v);
	m->v = NULL;
	m->n = 0;
}

void am_silence_free(am_silence_t *s)
{
	if (!s)
		return;
	free(s->id);
	am_matchers_free(&s->matchers);
	free(s->created_by);
	free(s->comment);
	memset(s, 0, sizeof *s);
}

void am_silences_free(am_silences_t *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		am_silence_free(&s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static const char *json_str_or(const json_t *j, const char *dflt)
{
	return json_is_string(j) ? json_string_value(j) : dflt;
}

int am_parse_silences(const char *body, size_t len, long http_status, am_silences_t *out,
		      char **err)
{
	memset(out, 0, sizeof *out);
	*err = NULL;
	json_t *root = am_load(body, len, http_status, "Alertmanager", err);
	if (!root)
		return -1;
	if (!json_is_array(root)) {
		json_decref(root);
		*err = xstrdup("expected a JSON array of silences from Alertmanager");
		return -1;
	}
	size_t cap = 0, i, k;
	json_t *j, *mj;
	json_array_foreach(root, i, j) {
		const json_t *id = json_object_get(j, "id");
		if (!json_is_string(id)) /* a silence without an id cannot be acted on */
			continue;
		out->v = xgrow(out->v, &cap, out->n + 1, sizeof *out->v);
		am_silence_t *s = &out->v[out->n++];
		memset(s, 0, sizeof *s);
		s->id = xstrdup(json_string_value(id));
		const char *st = json_str_or(json_object_get(json_object_get(j, "status"), "state"), "");
		s->state = !strcmp(st, "active")    ? AM_SIL_ACTIVE
			   : !strcmp(st, "pending") ? AM_SIL_PENDING
			   : !strcmp(st, "expired") ? AM_SIL_EXPIRED
						    : AM_SIL_UNKNOWN;
		json_array_foreach(json_object_get(j, "matchers"), k, mj) {
			const json_t *name = json_object_get(mj, "name");
			const json_t *value = json_object_get(mj, "value");
			const json_t *re = json_object_get(mj, "isRegex");
			const json_t *eq = json_object_get(mj, "isEqual");
			if (!json_is_string(name) || !json_is_string(value))
				continue;
			am_matchers_add(&s->matchers, json_string_value(name),
					json_string_value(value), json_is_true(re),
					!json_is_false(eq));
		}
		s->starts_at = json_time(json_object_get(j, "startsAt"));
		s->ends_at = json_time(json_object_get(j, "endsAt"));
		s->updated_at = json_time(json_object_get(j, "updatedAt"));
		s->created_by = xstrdup(json_str_or(json_object_get(j, "createdBy"), ""));
		s->comment = xstrdup(json_str_or(json_object_get(j, "comment"), ""));
	}
	json_decref(root);
	return 0;
}

int am_parse_silence_created(const char *body, size_t len, long http_status, char **id,
			     char **err)
{
	*id = NULL;
	*err = NULL;
	json_t *root = am_load(body, len, http_status, "Alertmanager", err);
	if (!root)
		return -1;
	const json_t *sid = json_object_get(root, "silenceID");
	if (json_is_string(sid) && json_string_length(sid))
		*id = xstrdup(json_string_value(sid));
	else
		*err = xstrdup("unexpected answer from Alertmanager: no \"silenceID\"");
	json_decref(root);
	return *id ? 0 : -1;
}

/* ---- matchers ------------------------------------------------------------------ */

void am_matchers_from_labels(am_matchers_t *m, const labels_t *labels)
{
	/* labels_t is sorted by name already */
	for (size_t i = 0; labels && i < labels->n; i++)
		am_matchers_add(m, labels->v[i].name, labels->v[i].value, 0, 1);
}

static int name_start(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}

static int name_char(char c)
{
	return name_start(c) || (c >= '0' && c <= '9');
}

/*
 * What POSIX ERE would accept but Alertmanager's RE2 would not, or what would
 * make glibc's regcomp/regexec blow up on a regex from the server: NULL when
 * fine, else why. An unmatched ')' is literal in ERE, so "a)|(b" would
 * escape the anchors; back-references match in exponential time; nested
 * counted repeats expand multiplicatively (RE2 caps a count at 1000).
 */
static const char *regex_refuse(const char *re)
{
	int depth = 0;
	double product = 1;
	for (const char *p = re; *p; p++) {
		if (*p == '\\') {
			if (!*++p)
				break;
			if (*p >= '1' && *p <= '9')
				return "back-references are not supported";
		} else if (*p == '[') {
			/* bracket expression: ']' first is literal; [:class:] [.x.] [=x=] */
			p++;
			if (*p == '^')
				p++;
			if (*p == ']')
				p++;
			while (*p && *p != ']') {
				if (*p == '[' && (p[1] == ':' || p[1] == '.' || p[1] == '=')) {
					char d = p[1];
					const char *q = p + 2;
					while (*q && !(q[0] == d && q[1] == ']'))
						q++;
					p = *q ? q + 2 : q;
				} else {
					p++;
				}
			}
			if (!*p)
				break;
		} else if (*p == '(') {
			depth++;
		} else if (*p == ')') {
			if (--depth < 0)
				return "unmatched )";
		} else if (*p == '{') {
			/* {m}, {m,}, {m,n}: the larger bound counts */
			long m = 0, v = 0;
			const char *q = p + 1;
			for (; *q == ',' || (*q >= '0' && *q <= '9'); q++) {
				if (*q == ',') {
					v = 0;
					continue;
				}
				v = v > 100000 ? v : v * 10 + (*q - '0');
				if (v > m)
					m = v;
			}
			if (*q != '}')
				continue;
			if (m > 1000)
				return "repeat count over 1000";
			product *= m > 1 ? (double)m : 1;
			if (product > 100000)
				return "too many counted repeats";
		}
	}
	return NULL;
}

/* Compile re anchored, as Alertmanager does: 0, or -1 with the reason in why. */
static int anchored_compile(regex_t *rx, const char *re, char *why, size_t n)
{
	const char *no = regex_refuse(re);
	if (no) {
		snprintf(why, n, "%s", no);
		return -1;
	}
	char *a = xasprintf("^(%s)$", re);
	int rc = regcomp(rx, a, REG_EXTENDED | REG_NOSUB);
	free(a);
	if (rc != 0) {
		regerror(rc, rx, why, n);
		return -1;
	}
	return 0;
}

int am_matchers_match(const am_matchers_t *m, const labels_t *labels)
{
	for (size_t i = 0; i < m->n; i++) {
		const am_matcher_t *x = &m->v[i];
		const char *v = labels ? labels_get(labels, x->name) : NULL;
		int hit;
		if (!v)
			v = ""; /* Alertmanager: a missing label has the empty value */
		if (x->is_regex) {
			regex_t rx;
			char why[128];
			if (anchored_compile(&rx, x->value, why, sizeof why) != 0)
				return 0;
			hit = regexec(&rx, v, 0, NULL, 0) == 0;
			regfree(&rx);
		} else {
			hit = strcmp(v, x->value) == 0;
		}
		if (hit != !!x->is_equal)
			return 0;
	}
	return 1;
}

/* A malloc'd error "matcher 'S': WHY" with S made printable. */
static char *matcher_err(const char *s, const char *why)
{
	char *q = err_clean(s, strlen(s));
	char *e = xasprintf("matcher '%s': %s", q, why);
	free(q);
	return e;
}

int am_matcher_parse(const char *s, am_matchers_t *m, char **err)
{
	const char *p = s, *name, *op;
	size_t nlen;
	int is_regex, is_equal;
	*err = NULL;
	while (is_blank((unsigned char)*p))
		p++;
	name = p;
	while (*p && !is_blank((unsigned char)*p) && *p != '=' && *p != '!' && *p != '~')
		p++;
	nlen = (size_t)(p - name);
	while (is_blank((unsigned char)*p))
		p++;
	op = p;
	if (op[0] == '=' && op[1] == '~') {
		is_regex = 1, is_equal = 1, p += 2;
	} else if (op[0] == '!' && op[1] == '~') {
		is_regex = 1, is_equal = 0, p += 2;
	} else if (op[0] == '!' && op[1] == '=') {
		is_regex = 0, is_equal = 0, p += 2;
	} else if (op[0] == '=') {
		is_regex = 0, is_equal = 1, p += 1;
	} else {
		*err = matcher_err(s, "expected name=value");
		return -1;
	}
	if (nlen == 0) {
		*err = matcher_err(s, "missing label name before the operator");
		return -1;
	}
	int ok = name_start(name[0]);
	for (size_t i = 1; ok && i < nlen; i++)
		ok = name_char(name[i]);
	if (!ok) {
		*err = matcher_err(s, "label name must match [a-zA-Z_][a-zA-Z0-9_]*");
		return -1;
	}
	while (is_blank((unsigned char)*p))
		p++;

	strbuf_t v;
	sb_init(&v);
	if (*p == '"') {
		/* "..." with \" and \\ (and \n); any other backslash stays, for regexes */
		for (p++; *p && *p != '"'; p++) {
			if (*p == '\\' && (p[1] == '"' || p[1] == '\\')) {
				sb_add(&v, ++p, 1);
			} else if (*p == '\\' && p[1] == 'n') {
				sb_add(&v, "\n", 1);
				p++;
			} else {
				sb_add(&v, p, 1);
			}
		}
		if (*p != '"') {
			sb_free(&v);
			*err = matcher_err(s, "unterminated quoted value");
			return -1;
		}
		p++;
		while (is_blank((unsigned char)*p))
			p++;
		if (*p) {
			sb_free(&v);
			*err = matcher_err(s, "unexpected text after the closing quote");
			return -1;
		}
	} else {
		const char *e = p + strlen(p);
		while (e > p && is_blank((unsigned char)e[-1]))
			e--;
		sb_add(&v, p, (size_t)(e - p));
	}
	char *value = sb_steal(&v);
	if (is_regex) {
		regex_t rx;
		char why[256];
		if (anchored_compile(&rx, value, why, sizeof why) != 0) {
			char *msg = xasprintf("invalid regex: %s", why);
			*err = matcher_err(s, msg);
			free(msg);
			free(value);
			return -1;
		}
		regfree(&rx);
	}
	char *n = xstrndup(name, nlen);
	am_matchers_add(m, n, value, is_regex, is_equal);
	free(n);
	free(value);
	return 0;
}

char *am_matchers_format(const am_matchers_t *m)
{
	strbuf_t b;
	sb_init(&b);
	for (size_t i = 0; i < m->n; i++) {
		const am_matcher_t *x = &m->v[i];
		sb_printf(&b, "%s%s%s\"", i ? ", " : "", x->name,
			  x->is_regex ? (x->is_equal ? "=~" : "!~") : (x->is_equal ? "=" : "!="));
		for (const char *p = x->value; *p; p++) {
			if (*p == '"' || *p == '\\')
				sb_add(&b, "\\", 1);
			if (*p == '\n')
				sb_puts(&b, "\\n");
			else
				sb_add(&b, p, 1);
		}
		sb_add(&b, "\"", 1);
	}
	char *raw = sb_steal(&b);
	char *r = text_sanitize(raw); /* it is shown on the terminal */
	free(raw);
	return r;
}

/* ---- silence requests ------------------------------------------------------------ */

/* A JSON string of s; jansson refuses invalid UTF-8, which becomes '?'. */
static json_t *jstr(const char *s)
{
	json_t *j = json_string(s ? s : "");
	if (!j) {
		char *c = text_sanitize(s);
		j = json_string(c);
		free(c);
	}
	return j;
}

char *am_time_format(double t, char *buf, size_t n)
{
	if (!buf || !n)
		return buf;
	/* year 1..9999, the range RFC 3339 can write */
	if (!isfinite(t))
		t = 0;
	if (t < -62135596800.0)
		t = -62135596800.0;
	if (t > 253402300799.999)
		t = 253402300799.999;
	long long ms = llround(t * 1000.0);
	long long sec = ms / 1000, rem = ms % 1000;
	if (rem < 0) {
		rem += 1000;
		sec--;
	}
	time_t tt = (time_t)sec;
	struct tm tm;
	if (!gmtime_r(&tt, &tm)) {
		snprintf(buf, n, "1970-01-01T00:00:00.000Z");
		return buf;
	}
	snprintf(buf, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)rem);
	return buf;
}

char *am_silence_body(const am_matchers_t *m, double starts_at, double ends_at,
		      const char *created_by, const char *comment, const char *id)
{
	char ts[40];
	json_t *root = json_object(), *ms = json_array();
	for (size_t i = 0; m && i < m->n; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "name", jstr(m->v[i].name));
		json_object_set_new(o, "value", jstr(m->v[i].value));
		json_object_set_new(o, "isRegex", json_boolean(m->v[i].is_regex));
		json_object_set_new(o, "isEqual", json_boolean(m->v[i].is_equal));
		json_array_append_new(ms, o);
	}
	if (id)
		json_object_set_new(root, "id", jstr(id));
	json_object_set_new(root, "matchers", ms);
	json_object_set_new(root, "startsAt", json_string(am_time_format(starts_at, ts, sizeof ts)));
	json_object_set_new(root, "endsAt", json_string(am_time_format(ends_at, ts, sizeof ts)));
	json_object_set_new(root, "createdBy", jstr(created_by));
	json_object_set_new(root, "comment", jstr(comment));
	/* into our own buffer, so an allocation failure is xmalloc's to handle */
	size_t flags = JSON_COMPACT | JSON_PRESERVE_ORDER;
	size_t need = json_dumpb(root, NULL, 0, flags);
	char *s = xmalloc(need + 1);
	size_t got = json_dumpb(root, s, need, flags);
	s[got <= need ? got : 0] = '\0';
	json_decref(root);
	return s;
}
