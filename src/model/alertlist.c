/* The Alerts view's model: alerts grouped by severity then alertname, sorted, filtered. */
#include "config.h"
#include "model/alertlist.h"
#include "core/xalloc.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


static int icase_eq(const char *a, const char *b)
{
	while (*a && ascii_lower((unsigned char)*a) == ascii_lower((unsigned char)*b))
		a++, b++;
	return ascii_lower((unsigned char)*a) == ascii_lower((unsigned char)*b);
}


severity_t alertlist_severity(const labels_t *labels)
{
	const char *s = labels_get(labels, "severity");
	if (!s)
		return SEV_OTHER;
	if (icase_eq(s, "critical"))
		return SEV_CRITICAL;
	if (icase_eq(s, "warning"))
		return SEV_WARNING;
	if (icase_eq(s, "info"))
		return SEV_INFO;
	return SEV_OTHER;
}

const char *severity_name(severity_t s)
{
	switch (s) {
	case SEV_CRITICAL:
		return "critical";
	case SEV_WARNING:
		return "warning";
	case SEV_INFO:
		return "info";
	case SEV_OTHER:
	case SEV__COUNT:
		break;
	}
	return "other";
}

static const char *alertname(const am_alert_t *a)
{
	const char *n = labels_get(&a->labels, "alertname");
	return n ? n : "";
}

/* ---- filter --------------------------------------------------------------------- */

typedef enum { TERM_TEXT, TERM_MATCHER, TERM_NEVER } term_kind_t;

typedef struct {
	term_kind_t kind;
	char *text;          /* TERM_TEXT: lower-cased */
	am_matchers_t m;     /* TERM_MATCHER: one matcher */
} term_t;

typedef struct {
	term_t *v;
	size_t n;
} filter_t;

static int blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* A word that reads as name=..., name!=..., name=~..., name!~... */
static int looks_like_matcher(const char *w)
{
	const char *p = w;
	if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || *p == '_'))
		return 0;
	while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
	       *p == '_')
		p++;
	return *p == '=' || (p[0] == '!' && (p[1] == '=' || p[1] == '~'));
}

/* Free text: the word without its quotes (so "disk full" is one phrase), lower-cased. */
static char *unquote_lower(const char *w)
{
	strbuf_t b;
	int q = 0;
	sb_init(&b);
	for (const char *p = w; *p; p++) {
		if (*p == '"') {
			q = !q;
			continue;
		}
		if (q && *p == '\\' && (p[1] == '"' || p[1] == '\\'))
			p++;
		char c = (char)ascii_lower((unsigned char)*p);
		sb_add(&b, &c, 1);
	}
	return sb_steal(&b);
}

/* Words split at blanks outside double quotes ("a b" is one word). */
static void filter_compile(filter_t *f, const char *s)
{
	memset(f, 0, sizeof *f);
	while (s && *s) {
		while (blank(*s))
			s++;
		if (!*s)
			break;
		const char *w = s;
		int q = 0;
		for (; *s && (q || !blank(*s)); s++) {
			if (*s == '\\' && q && s[1])
				s++;
			else if (*s == '"')
				q = !q;
		}
		char *word = xstrndup(w, (size_t)(s - w));
		term_t t = { 0 };
		char *err = NULL;
		if (am_matcher_parse(word, &t.m, &err) == 0) {
			t.kind = TERM_MATCHER;
		} else if (looks_like_matcher(word)) {
			t.kind = TERM_NEVER; /* e.g. an invalid regex: show nothing, not everything */
		} else {
			t.kind = TERM_TEXT;
			t.text = unquote_lower(word);
		}
		free(err);
		free(word);
		f->v = xrealloc(f->v, (f->n + 1) * sizeof *f->v);
		f->v[f->n++] = t;
	}
}

static void filter_free(filter_t *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].text);
		am_matchers_free(&f->v[i].m);
	}
	free(f->v);
	memset(f, 0, sizeof *f);
}

static int text_match(const am_alert_t *a, const char *needle)
{
	for (size_t i = 0; i < a->labels.n; i++)
		if (str_has_icase(a->labels.v[i].value, needle))
			return 1;
	const char *summary = labels_get(&a->annotations, "summary");
	if (summary && str_has_icase(summary, needle))
		return 1;
	return str_has_icase(am_state_name(a->state), needle);
}

static int filter_apply(const filter_t *f, const am_alert_t *a)
{
	for (size_t i = 0; i < f->n; i++) {
		const term_t *t = &f->v[i];
		int ok = t->kind == TERM_TEXT	   ? text_match(a, t->text)
			 : t->kind == TERM_MATCHER ? am_matchers_match(&t->m, &a->labels)
						   : 0;
		if (!ok)
			return 0;
	}
	return 1;
}

int alertlist_filter_match(const am_alert_t *a, const char *filter)
{
	filter_t f;
	filter_compile(&f, filter);
	int r = filter_apply(&f, a);
	filter_free(&f);
	return r;
}

/* ---- order and rows -------------------------------------------------------------- */

/* Within a group: firing, pending, then received-but-unprocessed (about to be
 * one or the other), then the acknowledged or suppressed ones. */
static int state_rank(am_state_t s)
{
	switch (s) {
	case AM_STATE_FIRING:
		return 0;
	case AM_STATE_PENDING:
		return 1;
	case AM_STATE_UNPROCESSED:
		return 2;
	case AM_STATE_SILENCED:
	case AM_STATE_INHIBITED:
		return 3;
	}
	return 4;
}

/* What sorting needs of one alert, so the comparison needs no global context. */
typedef struct {
	const am_alert_t *a;
	size_t i;
	severity_t sev;
	const char *name;
} sort_ent_t;

static int cmp_double(double x, double y)
{
	return (x > y) - (x < y);
}

/* A total order: equal content falls back to the position in `all`. */
static int cmp_ent(const void *px, const void *py)
{
	const sort_ent_t *x = px, *y = py;
	const am_alert_t *a = x->a, *b = y->a;
	int c;
	if (x->sev != y->sev)
		return x->sev < y->sev ? -1 : 1;
	if ((c = strcmp(x->name, y->name)))
		return c;
	if ((c = state_rank(a->state) - state_rank(b->state)))
		return c;
	/* oldest first; an unknown start (0) after every known one */
	double sa = a->starts_at > 0 ? a->starts_at : INFINITY;
	double sb = b->starts_at > 0 ? b->starts_at : INFINITY;
	if ((c = cmp_double(sa, sb)))
		return c;
	if ((c = strcmp(a->fingerprint ? a->fingerprint : "", b->fingerprint ? b->fingerprint : "")))
		return c;
	if ((c = labels_cmp(&a->labels, &b->labels)))
		return c;
	if (a->state != b->state)
		return a->state < b->state ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i);
}

/* Copies of one alert (HA replicas answering alike): the latest updated
 * copy is shown, then the one sorting first, so neither the order of the
 * answers nor a lagging replica decides. */
static int cmp_copy(const void *px, const void *py)
{
	const sort_ent_t *x = px, *y = py;
	int c = strcmp(x->a->fingerprint, y->a->fingerprint);
	if (c)
		return c;
	if ((c = cmp_double(y->a->updated_at, x->a->updated_at)))
		return c;
	return cmp_ent(px, py);
}

/* dup[i] = 1 when all.v[i] is a copy of an alert shown from another index. */
static unsigned char *find_duplicates(const am_alerts_t *all)
{
	unsigned char *dup = xcalloc(all->n ? all->n : 1, 1);
	sort_ent_t *e = xmalloc((all->n ? all->n : 1) * sizeof *e);
	size_t n = 0;
	for (size_t i = 0; i < all->n; i++) {
		const am_alert_t *a = &all->v[i];
		if (a->fingerprint && *a->fingerprint)
			e[n++] = (sort_ent_t){ a, i, alertlist_severity(&a->labels), alertname(a) };
	}
	qsort(e, n, sizeof *e, cmp_copy);
	for (size_t k = 1; k < n; k++)
		if (strcmp(e[k].a->fingerprint, e[k - 1].a->fingerprint) == 0)
			dup[e[k].i] = 1;
	free(e);
	return dup;
}

void alertlist_refilter(alertlist_t *l, const char *filter)
{
	free(l->order);
	free(l->rows);
	l->order = NULL;
	l->rows = NULL;
	l->n_order = l->n_rows = 0;

	const am_alerts_t *all = &l->all;
	unsigned char *dup = find_duplicates(all);
	sort_ent_t *e = xmalloc((all->n ? all->n : 1) * sizeof *e);
	size_t n = 0;
	filter_t f;
	filter_compile(&f, filter);
	for (size_t i = 0; i < all->n; i++) {
		const am_alert_t *a = &all->v[i];
		if (dup[i] || !filter_apply(&f, a))
			continue;
		e[n++] = (sort_ent_t){ a, i, alertlist_severity(&a->labels), alertname(a) };
	}
	filter_free(&f);
	qsort(e, n, sizeof *e, cmp_ent);

	/* Firing alerts, each fingerprint once, whatever the filter hides. */
	l->n_firing = 0;
	for (size_t i = 0; i < all->n; i++)
		if (!dup[i] && all->v[i].state == AM_STATE_FIRING)
			l->n_firing++;

	l->order = xmalloc((n ? n : 1) * sizeof *l->order);
	l->rows = xcalloc(n ? 2 * n : 1, sizeof *l->rows);
	l->n_order = n;
	alertlist_row_t *group = NULL;
	for (size_t k = 0; k < n; k++) {
		l->order[k] = e[k].i;
		if (!group || group->sev != e[k].sev || strcmp(group->alertname, e[k].name) != 0) {
			group = &l->rows[l->n_rows++];
			group->is_group = 1;
			group->sev = e[k].sev;
			group->alertname = e[k].name;
			group->first = k;
		}
		group->count++;
		if (e[k].a->state == AM_STATE_FIRING)
			group->n_firing++;
		alertlist_row_t *r = &l->rows[l->n_rows++];
		r->sev = e[k].sev;
		r->alertname = e[k].name;
		r->alert = e[k].i;
	}
	free(e);
	free(dup);
}

static int labels_equal(const labels_t *a, const labels_t *b)
{
	return a->n == b->n && labels_cmp(a, b) == 0;
}

void alertlist_build(alertlist_t *l, am_alerts_t *am, am_alerts_t *pending, const char *filter)
{
	memset(l, 0, sizeof *l);
	size_t n_am = am ? am->n : 0, n_pend = pending ? pending->n : 0;
	l->all.v = xmalloc((n_am + n_pend ? n_am + n_pend : 1) * sizeof *l->all.v);
	if (n_am)
		memcpy(l->all.v, am->v, n_am * sizeof *am->v);
	l->all.n = n_am;
	for (size_t p = 0; p < n_pend; p++) {
		am_alert_t *a = &pending->v[p];
		size_t i;
		/* already in Alertmanager: it has fired since Prometheus was asked */
		for (i = 0; i < n_am; i++)
			if (labels_equal(&a->labels, &l->all.v[i].labels))
				break;
		if (i < n_am)
			am_alert_free(a);
		else
			l->all.v[l->all.n++] = *a;
	}
	if (am) {
		free(am->v);
		am->v = NULL;
		am->n = 0;
	}
	if (pending) {
		free(pending->v);
		pending->v = NULL;
		pending->n = 0;
	}
	alertlist_refilter(l, filter);
}

void alertlist_free(alertlist_t *l)
{
	if (!l)
		return;
	am_alerts_free(&l->all);
	free(l->order);
	free(l->rows);
	memset(l, 0, sizeof *l);
}

/* ---- row text -------------------------------------------------------------------- */

char *alertlist_age(double t, double now, char *buf, size_t n)
{
	if (!buf || !n)
		return buf;
	if (!(t > 0) || !isfinite(t) || !isfinite(now)) {
		snprintf(buf, n, "?");
		return buf;
	}
	double d = now - t;
	if (d < 0)
		d = 0; /* a clock a little behind the server's */
	if (d > 1e12)
		d = 1e12;
	long long s = (long long)d;
	if (s < 60)
		snprintf(buf, n, "%llds", s);
	else if (s < 3600)
		snprintf(buf, n, "%lldm", s / 60);
	else if (s < 86400 && s % 3600 / 60)
		snprintf(buf, n, "%lldh%lldm", s / 3600, s % 3600 / 60);
	else if (s < 86400)
		snprintf(buf, n, "%lldh", s / 3600);
	else if (s % 86400 / 3600)
		snprintf(buf, n, "%lldd%lldh", s / 86400, s % 86400 / 3600);
	else
		snprintf(buf, n, "%lldd", s / 86400);
	return buf;
}

char *alertlist_telling_labels(const am_alert_t *a, int max)
{
	static const char *const names[] = { "node", "region", "instance", "pod", "job" };
	strbuf_t b;
	int k = 0;
	sb_init(&b);
	for (size_t i = 0; i < sizeof names / sizeof names[0] && k < max; i++) {
		const char *v = labels_get(&a->labels, names[i]);
		if (!v || !*v)
			continue;
		sb_printf(&b, "%s%s=%s", k ? " " : "", names[i], v);
		k++;
	}
	return sb_steal(&b);
}
