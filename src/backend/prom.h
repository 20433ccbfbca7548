/* Prometheus HTTP API: URLs to ask, and responses parsed into series. No curses. */
#ifndef ICN_PROM_H
#define ICN_PROM_H
#include <stddef.h>
#include "model/series.h"

typedef enum { PROM_VECTOR, PROM_MATRIX, PROM_SCALAR, PROM_STRING } prom_type_t;

typedef struct {
	prom_type_t type;
	series_set_t set;      /* vector: one sample per series; scalar: one series, no labels;
	                          string: empty set, text in `string` */
	char *string;
	char **warnings;       /* the envelope's "warnings" and "infos" */
	size_t n_warnings;
	size_t n_series_total; /* series in the answer; set.n is fewer when a cap cut it */
	double sum_all;        /* sum of the finite last values of all those series */
	/* over the last values of all those series but NaN (Inf counts), so a
	 * reduction of a capped answer is the one of the whole: */
	size_t n_num;
	double sum_num, min_all, max_all; /* NaN when n_num is 0 */
	int not_api;           /* on failure: the body is not a Prometheus API answer at all
	                          (not JSON, no "status"), as opposed to an error it sent */
} prom_result_t;

/* How to parse a big answer. */
typedef struct {
	size_t max_series;     /* keep at most this many series, the worst; 0 = all */
	/* How bad a series' last value is (larger is worse); NULL = the value itself.
	 * NaN always ranks last. Ties go by labels, so the choice is stable. */
	double (*rank)(double v, void *ud);
	void *rank_ud;
	int skim;              /* tests: decode element by element even when small */
} prom_parse_opts_t;

/*
 * Parse a /api/v1/query or /api/v1/query_range response. `http_status` is the
 * HTTP status (0 if unknown). Returns 0 on status "success"; otherwise -1 and a
 * malloc'd human message in *err that says what went wrong, e.g.
 * "bad_data: 1:5: parse error: unexpected ..." for an error envelope (errorType:
 * error), "HTTP 502: <first line of a non-JSON body, made printable, cut to 200
 * chars>" for a proxy page, "invalid JSON: ..." for garbage. Values: "NaN",
 * "+Inf", "-Inf", exponent forms; native histograms ("histogram"/"histograms")
 * are taken as their count. Never crashes on any input.
 */
int prom_parse_query(const char *body, size_t len, long http_status, prom_result_t *out,
		     char **err);
/* The same with a series cap. Bodies over 1 MB are never decoded as one
 * jansson tree: the envelope is walked and data.result decoded one element at
 * a time (an element over 4 MB is refused), so memory is bounded by the body
 * and the cap, whatever the body holds. With a cap, the kept series are
 * ordered worst first. */
int prom_parse_query_opts(const char *body, size_t len, long http_status,
			  const prom_parse_opts_t *o, prom_result_t *out, char **err);
void prom_result_free(prom_result_t *r);

/* URLs (base may end in '/'; a path prefix such as http://h/prom is kept):
 *   base/api/v1/query?query=Q&time=T
 *   base/api/v1/query_range?query=Q&start=S&end=E&step=STEP
 * Times are unix seconds printed with up to 3 decimals. */
char *prom_url_query(const char *base, const char *promql, double time);
char *prom_url_query_range(const char *base, const char *promql, double start, double end,
			   double step);
char *prom_url_targets(const char *base); /* base/api/v1/targets?state=active */

typedef struct {
	char *job, *instance;  /* from labels */
	labels_t labels;       /* every label after relabelling, sorted by name */
	labels_t discovered;   /* discoveredLabels: before relabelling */
	char *scrape_pool, *scrape_url, *global_url;
	char *health;          /* "up", "down", "unknown" */
	char *last_error;      /* "" when none */
	double last_scrape;    /* unix seconds (from RFC3339Nano); 0 when never */
	char *last_scrape_text; /* lastScrape as Prometheus wrote it ("" when absent) */
	double last_scrape_duration; /* seconds */
	char *scrape_interval, *scrape_timeout;
} prom_target_t;

typedef struct {
	prom_target_t *v;
	size_t n;
	size_t n_dropped;
} prom_targets_t;

int prom_parse_targets(const char *body, size_t len, long http_status, prom_targets_t *out,
		       char **err);
void prom_targets_free(prom_targets_t *t);

/* Order for reading: down first, then unknown, then up; then by job, instance. */
int prom_target_cmp(const prom_target_t *a, const prom_target_t *b);
void prom_targets_sort(prom_targets_t *t);

/* The time a query URL carries for t (prom_url_query rounds to the millisecond). */
double prom_time_sent(double t);

/* RFC3339 / RFC3339Nano with Z or +hh:mm -> unix seconds; -1 on error. */
int rfc3339_parse(const char *s, double *out);

/* Step for a range: about `points` points over [start,end], rounded to a whole
 * second, at least 1 s. */
double prom_step_for(double start, double end, int points);

#endif
