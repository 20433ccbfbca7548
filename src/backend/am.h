/* Alertmanager v2 API: URLs, parsers into plain models, silence requests. No curses, no network. */
#ifndef ICN_AM_H
#define ICN_AM_H
#include <stddef.h>
#include "model/series.h"

/* ---- URLs (base may end in '/'; a route prefix such as http://h/am is kept) ---- */

/* base/api/v2/alerts?active=true&silenced=false&inhibited=false&unprocessed=false */
char *am_url_firing(const char *base);
/* base/api/v2/alerts (every alert: active, silenced, inhibited, unprocessed) */
char *am_url_alerts(const char *base);
/* base/api/v2/silences */
char *am_url_silences(const char *base);
/* base/api/v2/silence/ID (ID percent-escaped) */
char *am_url_silence(const char *base, const char *id);
/* base/api/v2/status */
char *am_url_status(const char *base);

/*
 * Parse GET /api/v2/alerts: the fingerprints of alerts whose status.state is
 * "active" into *fps (malloc'd array of malloc'd strings). Returns 0, or -1 with
 * a malloc'd message in *err: "HTTP 503: <body's first line>", "invalid JSON: ...",
 * "expected a JSON array of alerts".
 */
int am_parse_firing(const char *body, size_t len, long http_status, char ***fps, size_t *n,
		    char **err);
void am_strv_free(char **v, size_t n);

/* ---- alerts ---------------------------------------------------------------- */

typedef enum {
	AM_STATE_FIRING,       /* Alertmanager: active */
	AM_STATE_PENDING,      /* Prometheus: pending (not yet in Alertmanager) */
	AM_STATE_SILENCED,     /* Alertmanager: suppressed by a silence (acknowledged) */
	AM_STATE_INHIBITED,    /* Alertmanager: suppressed by an inhibition only */
	AM_STATE_UNPROCESSED,  /* Alertmanager: received, not yet processed */
} am_state_t;

typedef struct {
	labels_t labels;       /* sorted by name */
	labels_t annotations;  /* sorted by name */
	char *fingerprint;     /* "" for a Prometheus pending alert */
	am_state_t state;
	double starts_at;      /* unix seconds; 0 unknown (Prometheus: activeAt) */
	double ends_at;
	double updated_at;
	char *generator_url;   /* may be NULL */
	char **receivers;      /* names */
	size_t n_receivers;
	char **silenced_by;    /* silence ids */
	size_t n_silenced_by;
	char **inhibited_by;   /* fingerprints */
	size_t n_inhibited_by;
	char **muted_by;       /* time-interval names (Alertmanager >= 0.28; absent before) */
	size_t n_muted_by;
	int inexact;           /* a label value could not be kept exactly (a NUL inside it, a
	                          broken UTF-16 escape): matchers built from the labels would
	                          not match this alert, so it is not acknowledged from them */
} am_alert_t;

typedef struct {
	am_alert_t *v;
	size_t n;
} am_alerts_t;

/*
 * Parse GET /api/v2/alerts (an array of gettableAlert) into *out. Unknown fields
 * are ignored; fields added after 0.25 (mutedBy, ...) are optional. An alert
 * without labels or status is skipped, not fatal. Returns 0, or -1 with a malloc'd
 * *err as am_parse_firing. Never crashes on any input.
 */
int am_parse_alerts(const char *body, size_t len, long http_status, am_alerts_t *out, char **err);
/* GET /api/v2/alerts/groups: the alerts of every group, flattened, each once by
 * fingerprint (an alert routed to two receivers is in two groups). */
int am_parse_alert_groups(const char *body, size_t len, long http_status, am_alerts_t *out,
			  char **err);
/* Prometheus GET /api/v1/alerts: only the alerts in state "pending" are kept
 * (firing ones come from Alertmanager), as AM_STATE_PENDING with starts_at =
 * activeAt. Error envelopes give "errorType: error". */
int am_parse_prom_alerts(const char *body, size_t len, long http_status, am_alerts_t *out,
			 char **err);
void am_alerts_free(am_alerts_t *a);
void am_alert_free(am_alert_t *a);
const char *am_state_name(am_state_t s); /* "firing", "pending", "silenced", "inhibited", "unprocessed" */

/* ---- silences -------------------------------------------------------------- */

typedef struct {
	char *name;
	char *value;
	int is_regex;
	int is_equal;          /* default 1 when absent */
} am_matcher_t;

typedef struct {
	am_matcher_t *v;
	size_t n;
} am_matchers_t;

typedef enum { AM_SIL_ACTIVE, AM_SIL_PENDING, AM_SIL_EXPIRED, AM_SIL_UNKNOWN } am_sil_state_t;

typedef struct {
	char *id;
	am_sil_state_t state;
	am_matchers_t matchers;
	double starts_at, ends_at, updated_at;
	char *created_by;
	char *comment;
} am_silence_t;

typedef struct {
	am_silence_t *v;
	size_t n;
} am_silences_t;

/* GET /api/v2/silences. Returns 0 or -1 with *err. */
int am_parse_silences(const char *body, size_t len, long http_status, am_silences_t *out,
		      char **err);
void am_silences_free(am_silences_t *s);
void am_silence_free(am_silence_t *s);
const char *am_sil_state_name(am_sil_state_t s); /* "active", "pending", "expired", "unknown" */

void am_matchers_add(am_matchers_t *m, const char *name, const char *value, int is_regex,
		     int is_equal);
void am_matchers_free(am_matchers_t *m);
/* Exact-equality matchers from every label of an alert (no regex), sorted by name. */
void am_matchers_from_labels(am_matchers_t *m, const labels_t *labels);
/* Parse one command-line matcher: name=value, name!=value, name=~re, name!~re
 * (value may be quoted "..."). Returns 0, or -1 with a malloc'd *err
 * ("matcher 'x': expected name=value"). */
int am_matcher_parse(const char *s, am_matchers_t *m, char **err);
/* Whether the alert's labels satisfy every matcher (regexes anchored, as
 * Alertmanager does). An invalid regex matches nothing. */
int am_matchers_match(const am_matchers_t *m, const labels_t *labels);
/* "alertname=\"VortexOOM\", node=\"director-5\"" (malloc'd), for confirmations. */
char *am_matchers_format(const am_matchers_t *m);

/* The matchers as Alertmanager writes them: [{"name","value","isRegex","isEqual"}]
 * (a new jansson array; text that is not valid UTF-8 becomes '?'). */
struct json_t;
struct json_t *am_matchers_json(const am_matchers_t *m);
/* The postableSilence JSON body (malloc'd): matchers, startsAt, endsAt
 * (RFC 3339 with milliseconds, UTC), createdBy, comment; with "id" when id is
 * not NULL (an update, e.g. extending). */
char *am_silence_body(const am_matchers_t *m, double starts_at, double ends_at,
		      const char *created_by, const char *comment, const char *id);
/* POST /api/v2/silences answer: 200 {"silenceID":"..."} -> 0 and a malloc'd *id. */
int am_parse_silence_created(const char *body, size_t len, long http_status, char **id,
			     char **err);

/*
 * Alertmanager's error, as it said it, from any answer that is not a 2xx:
 *   400 with a JSON string body  -> "HTTP 400: Failed to create silence: ..."
 *   {"code":602,"message":"..."} -> "HTTP 422: ... (code 602)"
 *   text/plain or HTML           -> "HTTP 503: <first line, printable, <= 200 chars>"
 *   empty body                   -> "HTTP 404"
 * Always a malloc'd printable string (no control characters).
 */
char *am_error_text(const char *body, size_t len, long http_status);

/* RFC 3339 with milliseconds, UTC ("2026-11-29T19:19:15.123Z"), into buf. */
char *am_time_format(double t, char *buf, size_t n);

#endif
