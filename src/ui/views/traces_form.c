/* The Traces view's search form: service and operation completed from Jaeger,
 * logfmt tags, a lookback or START..END, durations and a limit, checked before
 * anything is asked. */
#include "config.h"
#include "ui/views/traces_int.h"
#include "backend/prom.h"
#include "core/text.h"
#include "core/units.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum { F_SERVICE, F_OPERATION, F_TAGS, F_WINDOW, F_MIN, F_MAX, F_LIMIT };

/* "START..END": RFC 3339, or HH:MM[:SS] today (local). */
static int parse_when(const char *s, size_t n, int64_t *us)
{
	char *x = xstrndup(s, n);
	double t;
	int rc = -1;
	if (rfc3339_parse(x, &t) == 0) {
		*us = (int64_t)(t * 1e6);
		rc = 0;
	} else {
		int h, m, sec = 0;
		char tail;
		if ((sscanf(x, "%d:%d:%d%c", &h, &m, &sec, &tail) == 3 || sscanf(x, "%d:%d%c", &h, &m, &tail) == 2) &&
		    h >= 0 && h < 24 && m >= 0 && m < 60 && sec >= 0 && sec < 60) {
			time_t now = time(NULL);
			struct tm tm;
			localtime_r(&now, &tm);
			tm.tm_hour = h;
			tm.tm_min = m;
			tm.tm_sec = sec;
			tm.tm_isdst = -1;
			*us = (int64_t)mktime(&tm) * 1000000;
			rc = 0;
		}
	}
	free(x);
	return rc;
}

char *tv_parse_window(traces_view_t *tv, const char *w)
{
	const char *dots = strstr(w, "..");
	if (!*w) {
		tv->lookback_ms = TV_LOOKBACK_DEFAULT_MS;
		tv->start_us = tv->end_us = 0;
		return NULL;
	}
	if (dots) {
		int64_t a, b;
		if (parse_when(w, (size_t)(dots - w), &a) != 0 || parse_when(dots + 2, strlen(dots + 2), &b) != 0)
			return xstrdup("window: START..END as RFC 3339 (2026-11-30T04:00:00Z) or HH:MM today");
		if (b <= a)
			return xstrdup("window: END must come after START");
		tv->start_us = a;
		tv->end_us = b;
		return NULL;
	}
	long long ms;
	if (duration_parse_ms(w, &ms) != 0 || ms < TV_LOOKBACK_MIN_MS || ms > TV_LOOKBACK_MAX_MS)
		return xstrdup("lookback: a duration from 1m to 2d (15m, 1h, 2d), or START..END");
	tv->lookback_ms = ms;
	tv->start_us = tv->end_us = 0;
	return NULL;
}

static int parse_limit(const char *s, long *out)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (end == s || *end)
		return -1;
	*out = v;
	return 0;
}

static char *form_submit(form_t *f, void *ud)
{
	view_t *v = ud;
	traces_view_t *tv = tv_of(v);
	char *val[F_LIMIT + 1];
	for (int i = 0; i <= F_LIMIT; i++)
		val[i] = form_value(f, (size_t)i);
	char *err = NULL;
	int64_t mn = 0, mx = 0;
	long limit = TV_LIMIT_DEFAULT;
	jaeger_tag_t *tags = NULL;
	size_t n_tags;
	if (*val[F_MIN] && jaeger_parse_duration(val[F_MIN], &mn) != 0)
		err = xstrdup("min duration: a duration such as 100ms, 1.5s or 2m");
	else if (*val[F_MAX] && jaeger_parse_duration(val[F_MAX], &mx) != 0)
		err = xstrdup("max duration: a duration such as 100ms, 1.5s or 2m");
	else if (mn && mx && mx < mn)
		err = xstrdup("max duration is below min duration");
	else if (*val[F_LIMIT] && (parse_limit(val[F_LIMIT], &limit) != 0 || limit < 1 || limit > JAEGER_LIMIT_MAX))
		err = xasprintf("limit: a number from 1 to %d", JAEGER_LIMIT_MAX);
	else if (*val[F_TAGS] && jaeger_parse_tags(val[F_TAGS], &tags, &n_tags, &err) != 0)
		; /* err says which */
	else {
		long long lb = tv->lookback_ms;
		int64_t s = tv->start_us, e = tv->end_us;
		err = tv_parse_window(tv, val[F_WINDOW]);
		if (err) {
			tv->lookback_ms = lb;
			tv->start_us = s;
			tv->end_us = e;
		}
	}
	free(tags);
	if (!err && tv->have_svcs && tv->n_svcs) {
		int known = 0;
		for (size_t i = 0; i < tv->n_svcs; i++)
			known |= strcmp(tv->svcs[i], val[F_SERVICE]) == 0;
		if (!known) {
			char *s = text_sanitize(val[F_SERVICE]);
			err = xasprintf("service '%s' is not one Jaeger knows (Tab completes)", s);
			free(s);
		}
	}
	if (!err) {
		free(tv->service);
		free(tv->operation);
		free(tv->tags);
		free(tv->window);
		tv->service = val[F_SERVICE];
		tv->operation = val[F_OPERATION];
		tv->tags = val[F_TAGS];
		tv->window = val[F_WINDOW];
		val[F_SERVICE] = val[F_OPERATION] = val[F_TAGS] = val[F_WINDOW] = NULL;
		tv->min_us = mn;
		tv->max_us = mx;
		tv->limit = (int)limit;
		tv_search(v);
	}
	for (int i = 0; i <= F_LIMIT; i++)
		free(val[i]);
	return err;
}

/* Tab in a name field: complete from names (those starting with what is typed). */
static char *complete_from(char *const *names, size_t n, const char *text, char **cands)
{
	const char *first;
	size_t common;
	char *list = NULL;
	size_t hits = text_prefix_matches(text, names, n, 40, &first, &common, &list);
	if (list) { /* the names come from outside: shown sanitised */
		*cands = text_sanitize(list);
		free(list);
	}
	if (!hits)
		*cands = xasprintf("no %s starts with that", n ? "name" : "name is known");
	return first ? xstrndup(first, hits == 1 ? strlen(first) : common) : NULL;
}

static char *complete_service(void *ud, const char *text, char **cands)
{
	view_t *v = ud;
	traces_view_t *tv = tv_of(v);
	if (!tv->have_svcs) {
		tv_ask_services(v);
		*cands = xstrdup(tv->svcs_err ? tv->svcs_err : "asking Jaeger for its services...");
		return NULL;
	}
	return complete_from(tv->svcs, tv->n_svcs, text, cands);
}

static char *complete_operation(void *ud, const char *text, char **cands)
{
	view_t *v = ud;
	traces_view_t *tv = tv_of(v);
	/* the operations of the service typed in the form */
	overlay_t *o = ui_top(v->ui);
	char *svc = o && o->data ? form_value(o->data, F_SERVICE) : xstrdup("");
	if (!*svc) {
		free(svc);
		*cands = xstrdup("type the service first");
		return NULL;
	}
	if (!tv->ops_of || strcmp(tv->ops_of, svc) != 0 || !tv->ops) {
		tv_ask_operations(v, svc);
		free(svc);
		*cands = xstrdup("asking Jaeger for the operations... (Tab again)");
		return NULL;
	}
	free(svc);
	return complete_from(tv->ops, tv->n_ops, text, cands);
}

void tv_form_open(view_t *v)
{
	traces_view_t *tv = tv_of(v);
	if (!tv_conn(v, 1))
		return;
	tv_ask_services(v);
	form_t *f = form_open(v->ui, "Search traces", form_submit, v, NULL);
	form_compact(f);
	form_enter_submits(f);
	char lim[16], mn[32], mx[32], lb[16];
	snprintf(lim, sizeof lim, "%d", tv->limit > 0 ? tv->limit : TV_LIMIT_DEFAULT);
	form_field(f, "Service", tv->service ? tv->service : "", 1);
	form_field(f, "Operation", tv->operation ? tv->operation : "", 0);
	form_field(f, "Tags", tv->tags ? tv->tags : "", 0);
	form_field(f, "Lookback", tv->window ? tv->window : duration_format(tv->lookback_ms, lb, sizeof lb), 0);
	form_field(f, "Min duration", tv->min_us ? jaeger_format_duration(tv->min_us, mn) : "", 0);
	form_field(f, "Max duration", tv->max_us ? jaeger_format_duration(tv->max_us, mx) : "", 0);
	form_field(f, "Limit", lim, 0);
	form_placeholder(f, F_SERVICE, "Tab completes");
	form_placeholder(f, F_OPERATION, "any (Tab completes)");
	form_placeholder(f, F_TAGS, "error=true slot=12345 (logfmt: all must match)");
	form_placeholder(f, F_WINDOW, "15m to 2d, or START..END");
	form_placeholder(f, F_MIN, "100ms, 1.5s");
	form_placeholder(f, F_MAX, "none");
	form_completion(f, F_SERVICE, complete_service);
	form_completion(f, F_OPERATION, complete_operation);
	if (tv->service && *tv->service)
		tv_ask_operations(v, tv->service);
	form_focus(f, tv->service && *tv->service ? F_OPERATION : F_SERVICE);
}

