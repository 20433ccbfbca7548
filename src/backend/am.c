/* Alertmanager v2 API: URLs, alert and silence parsers into plain models, silence request bodies. */
#include "config.h"
#include "backend/am.h"
#include "core/jscan.h"
#include "backend/am_int.h"
#include "backend/prom.h"
#include "core/text.h"
#include "core/xalloc.h"
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>


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

/* ---- JSON loading shared by the parsers -------------------------------------- */

/* Set by am_load when it had to replace lone surrogates in the body being parsed
 * (per thread: answers are parsed on the work queue too). */
static _Thread_local int body_was_fixed;

static int hex4(const char *p, const char *end, unsigned *out)
{
	return end - p >= 4 && jscan_hex4(p, out) == 0;
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
	if (am_status_is_failure(http_status)) {
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
		char *m = am_json_error_msg(root);
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
		char *s = am_err_clean(json_string_value(st), json_string_length(st));
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

json_t *am_matchers_json(const am_matchers_t *m)
{
	json_t *a = json_array();
	for (size_t i = 0; m && i < m->n; i++) {
		json_t *o = json_object();
		json_object_set_new(o, "name", jstr(m->v[i].name));
		json_object_set_new(o, "value", jstr(m->v[i].value));
		json_object_set_new(o, "isRegex", json_boolean(m->v[i].is_regex));
		json_object_set_new(o, "isEqual", json_boolean(m->v[i].is_equal));
		json_array_append_new(a, o);
	}
	return a;
}

char *am_silence_body(const am_matchers_t *m, double starts_at, double ends_at,
		      const char *created_by, const char *comment, const char *id)
{
	char ts[40];
	json_t *root = json_object(), *ms = am_matchers_json(m);
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
