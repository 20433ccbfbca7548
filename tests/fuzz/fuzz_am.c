/* Fuzz target: every Alertmanager v2 parser (alerts, groups, silences, errors, matchers), Prometheus' alerts, and the Alerts model over what they return. */
#include "config.h"
#include "fuzz.h"
#include "backend/am.h"
#include "core/text.h"
#include "model/alertlist.h"
#include <jansson.h>
#include <math.h>

/* A message for the terminal: no control bytes, valid UTF-8 (text_sanitize leaves
 * it as it is), one line, bounded. */
static void check_printable(const char *s, size_t max_chars)
{
	size_t chars = 0;
	FUZZ_CHECK(s != NULL);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		FUZZ_CHECK(*p >= 0x20 && *p != 0x7f);
		chars += (*p & 0xC0) != 0x80;
	}
	char *c = text_sanitize(s);
	FUZZ_CHECK(strcmp(c, s) == 0);
	free(c);
	FUZZ_CHECK(chars <= max_chars);
}

static void check_labels(const labels_t *l)
{
	for (size_t i = 0; i < l->n; i++) {
		FUZZ_CHECK(l->v[i].name && l->v[i].value);
		if (i)
			FUZZ_CHECK(strcmp(l->v[i - 1].name, l->v[i].name) < 0);
	}
}

static void check_strv(char **v, size_t n)
{
	FUZZ_CHECK(n == 0 || v != NULL);
	for (size_t i = 0; i < n; i++)
		FUZZ_CHECK(v[i] != NULL);
}

static void check_alerts(const am_alerts_t *as)
{
	FUZZ_CHECK(as->n == 0 || as->v != NULL);
	for (size_t i = 0; i < as->n; i++) {
		const am_alert_t *a = &as->v[i];
		check_labels(&a->labels);
		check_labels(&a->annotations);
		FUZZ_CHECK(a->fingerprint != NULL);
		FUZZ_CHECK(a->state >= AM_STATE_FIRING && a->state <= AM_STATE_UNPROCESSED);
		FUZZ_CHECK(isfinite(a->starts_at) && a->starts_at >= 0);
		FUZZ_CHECK(isfinite(a->ends_at) && a->ends_at >= 0);
		FUZZ_CHECK(isfinite(a->updated_at) && a->updated_at >= 0);
		check_strv(a->receivers, a->n_receivers);
		check_strv(a->silenced_by, a->n_silenced_by);
		check_strv(a->inhibited_by, a->n_inhibited_by);
		check_strv(a->muted_by, a->n_muted_by);
		if (a->state == AM_STATE_SILENCED)
			FUZZ_CHECK(a->n_silenced_by > 0);
	}
}

static void firing(const uint8_t *data, size_t size, long status)
{
	char **fps = (char **)1, *err = (char *)1;
	size_t n = 99;
	if (am_parse_firing((const char *)data, size, status, &fps, &n, &err) == 0) {
		FUZZ_CHECK(err == NULL);
		check_strv(fps, n);
	} else {
		FUZZ_CHECK(err != NULL && fps == NULL && n == 0);
		/* A proxy's error page is quoted printable, on one line. */
		if (status == 503)
			check_printable(err, 300);
	}
	free(err);
	am_strv_free(fps, n);
}

typedef int (*alerts_parser_t)(const char *, size_t, long, am_alerts_t *, char **);

/* Parse with one of the alert parsers; the result is kept in *out (empty on error). */
static void alerts(alerts_parser_t parse, const uint8_t *data, size_t size, long status,
		   am_alerts_t *out)
{
	char *err = (char *)1;
	if (parse((const char *)data, size, status, out, &err) == 0) {
		FUZZ_CHECK(err == NULL);
		check_alerts(out);
	} else {
		FUZZ_CHECK(err != NULL && out->n == 0 && out->v == NULL);
		if (status != 200 && status != 0)
			check_printable(err, 300);
	}
	free(err);
}

static void silences(const uint8_t *data, size_t size, long status, const char *comment)
{
	am_silences_t ss;
	char *err = (char *)1;
	if (am_parse_silences((const char *)data, size, status, &ss, &err) != 0) {
		FUZZ_CHECK(err != NULL && ss.n == 0 && ss.v == NULL);
		free(err);
		return;
	}
	FUZZ_CHECK(err == NULL);
	for (size_t i = 0; i < ss.n; i++) {
		const am_silence_t *s = &ss.v[i];
		FUZZ_CHECK(s->id && s->created_by && s->comment);
		FUZZ_CHECK(s->state >= AM_SIL_ACTIVE && s->state <= AM_SIL_UNKNOWN);
		FUZZ_CHECK(s->matchers.n == 0 || s->matchers.v != NULL);
		for (size_t k = 0; k < s->matchers.n; k++)
			FUZZ_CHECK(s->matchers.v[k].name && s->matchers.v[k].value);
		/* what the console does with one: show it, extend it, expire it */
		char *f = am_matchers_format(&s->matchers);
		check_printable(f, (size_t)-1);
		free(f);
		char *body = am_silence_body(&s->matchers, s->starts_at, s->ends_at + 3600,
					     s->created_by, comment, s->id);
		json_t *j = json_loads(body, 0, NULL);
		FUZZ_CHECK(json_is_object(j)); /* always valid JSON */
		FUZZ_CHECK(json_array_size(json_object_get(j, "matchers")) == s->matchers.n);
		json_decref(j);
		free(body);
		char *u = am_url_silence("http://am:9093/", s->id);
		for (const char *p = u; *p; p++)
			FUZZ_CHECK(*p > 0x20 && *p < 0x7f);
		free(u);
	}
	am_silences_free(&ss);
}

static void created(const uint8_t *data, size_t size, long status)
{
	char *id = (char *)1, *err = (char *)1;
	if (am_parse_silence_created((const char *)data, size, status, &id, &err) == 0) {
		FUZZ_CHECK(err == NULL && id != NULL && *id);
		free(id);
	} else {
		FUZZ_CHECK(id == NULL && err != NULL);
		free(err);
	}
}

/* The first line as a command-line matcher, and as an Alerts-view filter. */
static void matcher(const char *line, const am_alerts_t *as)
{
	am_matchers_t m = { 0 };
	char *err = (char *)1;
	if (am_matcher_parse(line, &m, &err) == 0) {
		FUZZ_CHECK(err == NULL && m.n == 1);
		const char *n = m.v[0].name;
		FUZZ_CHECK((*n >= 'a' && *n <= 'z') || (*n >= 'A' && *n <= 'Z') || *n == '_');
		/* printed, it reads back the same (when nothing had to be made printable) */
		char *f = am_matchers_format(&m);
		am_matchers_t back = { 0 };
		char *err2 = NULL;
		char *clean = text_sanitize(m.v[0].value);
		int printable = strcmp(clean, m.v[0].value) == 0 && !strchr(m.v[0].value, '\t') &&
				!strchr(m.v[0].value, '\r');
		free(clean);
		if (printable) {
			FUZZ_CHECK(am_matcher_parse(f, &back, &err2) == 0);
			FUZZ_CHECK(strcmp(back.v[0].name, m.v[0].name) == 0);
			FUZZ_CHECK(strcmp(back.v[0].value, m.v[0].value) == 0);
			FUZZ_CHECK(back.v[0].is_regex == m.v[0].is_regex);
			FUZZ_CHECK(back.v[0].is_equal == m.v[0].is_equal);
		}
		free(err2);
		am_matchers_free(&back);
		free(f);
		for (size_t i = 0; i < as->n; i++)
			(void)am_matchers_match(&m, &as->v[i].labels);
	} else {
		FUZZ_CHECK(err != NULL && m.n == 0);
		FUZZ_CHECK(strncmp(err, "matcher '", 9) == 0);
		check_printable(err, 1000);
	}
	free(err);
	am_matchers_free(&m);
}

/* The Alerts view's model over what was parsed; it takes both lists. */
static void model(am_alerts_t *am, am_alerts_t *pend, const char *filter)
{
	alertlist_t l;
	alertlist_build(&l, am, pend, filter);
	FUZZ_CHECK(am->v == NULL && pend->v == NULL);
	FUZZ_CHECK(l.n_order <= l.all.n && l.n_firing <= l.all.n);
	size_t groups = 0, alerts_seen = 0;
	for (size_t r = 0; r < l.n_rows; r++) {
		const alertlist_row_t *row = &l.rows[r];
		FUZZ_CHECK(row->alertname != NULL && row->sev < SEV__COUNT);
		if (row->is_group) {
			groups++;
			FUZZ_CHECK(row->count > 0 && row->first + row->count <= l.n_order);
			FUZZ_CHECK(row->n_firing <= row->count);
			FUZZ_CHECK(row->first == alerts_seen);
		} else {
			FUZZ_CHECK(row->alert == l.order[alerts_seen]);
			alerts_seen++;
		}
	}
	FUZZ_CHECK(alerts_seen == l.n_order && l.n_rows == groups + l.n_order);
	char buf[32];
	for (size_t k = 0; k < l.n_order; k++) {
		const am_alert_t *a = &l.all.v[l.order[k]];
		FUZZ_CHECK(alertlist_filter_match(a, filter));
		alertlist_age(a->starts_at, 1.8e9, buf, sizeof buf);
		FUZZ_CHECK(strlen(buf) < sizeof buf - 1);
		free(alertlist_telling_labels(a, 3));
		am_time_format(a->ends_at, buf, sizeof buf);
		FUZZ_CHECK(strlen(buf) == 24);
	}
	alertlist_refilter(&l, NULL);
	alertlist_free(&l);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	firing(data, size, 200);
	firing(data, size, 0);
	firing(data, size, 503);

	static const long statuses[] = { 400, 404, 422, 500, 502, 503 };
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++) {
		char *e = am_error_text((const char *)data, size, statuses[i]);
		check_printable(e, 300);
		free(e);
	}

	char *text = fuzz_cstr(data, size);
	/* the first line, at most 256 bytes: what one types on a command line */
	size_t ll = strcspn(text, "\r\n");
	char *line = strndup(text, ll < 256 ? ll : 256);
	if (!line)
		abort();

	am_alerts_t am, groups, pend, junk;
	alerts(am_parse_alerts, data, size, 200, &am);
	alerts(am_parse_alerts, data, size, 502, &junk);
	am_alerts_free(&junk);
	alerts(am_parse_alert_groups, data, size, 0, &groups);
	for (size_t i = 0; i < groups.n; i++) /* each fingerprint once */
		for (size_t j = i + 1; j < groups.n && j < i + 64; j++)
			FUZZ_CHECK(!*groups.v[i].fingerprint ||
				   strcmp(groups.v[i].fingerprint, groups.v[j].fingerprint) != 0);
	alerts(am_parse_prom_alerts, data, size, 200, &pend);
	for (size_t i = 0; i < pend.n; i++)
		FUZZ_CHECK(pend.v[i].state == AM_STATE_PENDING && !*pend.v[i].fingerprint);
	alerts(am_parse_prom_alerts, data, size, 503, &junk);
	am_alerts_free(&junk);

	silences(data, size, 200, line);
	created(data, size, 200);
	created(data, size, 400);
	matcher(line, &am);

	model(&am, &pend, line);
	am_alerts_free(&am);
	am_alerts_free(&pend);
	am_alerts_t none = { 0 };
	model(&groups, &none, "");
	am_alerts_free(&groups);

	free(am_url_firing(text));
	free(am_url_alerts(text));
	free(am_url_silences(text));
	free(am_url_status(text));
	free(am_url_silence(text, line));
	free(line);
	free(text);
	return 0;
}
