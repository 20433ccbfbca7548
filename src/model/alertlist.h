/* The Alerts view's model: alerts merged, grouped by severity then alertname, sorted, filtered. Pure. */
#ifndef ICN_ALERTLIST_H
#define ICN_ALERTLIST_H
#include <stddef.h>
#include "backend/am.h"

typedef enum { SEV_CRITICAL, SEV_WARNING, SEV_INFO, SEV_OTHER, SEV__COUNT } severity_t;

/* From the alert's "severity" label, case-insensitive: critical, warning, info;
 * anything else, or none, is other. */
severity_t alertlist_severity(const labels_t *labels);
const char *severity_name(severity_t s); /* "critical", "warning", "info", "other" */

/* One row of the list: a group header or an alert. */
typedef struct {
	int is_group;          /* 1: header of a group */
	severity_t sev;
	const char *alertname; /* borrowed from the alert list */
	size_t alert;          /* index into the alerts (rows of alerts only) */
	size_t first, count;   /* group rows: range of alert rows in `order`, and how many */
	size_t n_firing;       /* group rows: how many of its alerts are firing */
} alertlist_row_t;

typedef struct {
	am_alerts_t all;       /* owned: Alertmanager's alerts, then Prometheus' pending ones */
	size_t *order;         /* indices into all.v of the alerts that pass the filter, sorted */
	size_t n_order;
	alertlist_row_t *rows; /* group headers and alerts, in display order */
	size_t n_rows;
	size_t n_firing;       /* firing alerts (state firing), each fingerprint once */
} alertlist_t;

/*
 * Build the list from Alertmanager's alerts and Prometheus' pending alerts. Takes
 * ownership of both (their arrays are moved, the structs left empty). A pending
 * alert whose labels equal an Alertmanager alert's is dropped (it has since fired).
 * Order: severity (critical, warning, info, other), then alertname, then within a
 * group firing before pending before silenced/inhibited, then oldest first
 * (starts_at ascending), then fingerprint, so the order is stable between refreshes.
 * `filter` may be NULL or "" (everything); see alertlist_filter_match.
 */
void alertlist_build(alertlist_t *l, am_alerts_t *am, am_alerts_t *pending, const char *filter);
/* Re-filter the alerts already held (a new `/` filter), keeping `all`. */
void alertlist_refilter(alertlist_t *l, const char *filter);
void alertlist_free(alertlist_t *l);

/*
 * Whether an alert passes a filter: words separated by blanks, all must match.
 * A word "name=value" matches that label exactly, "name!=value" its absence
 * or another value, "name=~re" a regex; any other word is free text matched
 * case-insensitively against every label value, the summary and the state name.
 */
int alertlist_filter_match(const am_alert_t *a, const char *filter);

/* "12m", "3h5m", "2d4h": how long since t (now - t), for "for 12m". */
char *alertlist_age(double t, double now, char *buf, size_t n);

/* The labels worth showing in a row: node, region, instance, then pod, job
 * (at most `max` of those present), "name=value" joined by spaces; malloc'd. */
char *alertlist_telling_labels(const am_alert_t *a, int max);

#endif
