/* Fuzz target: Prometheus API responses (query, query_range, targets) and RFC 3339 times. */
#include "config.h"
#include "fuzz.h"
#include "backend/prom.h"
#include "model/targetlist.h"
#include "ui/table.h"
#include <math.h>

/* Messages go to a terminal status line: a server's bytes must not reach it raw. */
static void check_message(const char *m)
{
	FUZZ_CHECK(m != NULL);
	for (const unsigned char *p = (const unsigned char *)m; *p; p++) {
		FUZZ_CHECK(*p >= 0x20 && *p != 0x7f);
		FUZZ_CHECK(!(p[0] == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0)); /* C1 as UTF-8 */
	}
}

/* What the dashboard does with a parsed answer: labels, last values, ranges. */
static void use_result(const prom_result_t *r)
{
	double lo, hi;
	for (size_t i = 0; i < r->set.n; i++) {
		const series_t *s = &r->set.v[i];
		char *l = labels_format(&s->labels);
		free(l);
		(void)labels_get(&s->labels, "__name__");
		(void)series_last(s);
		for (size_t j = 1; j < s->labels.n; j++)
			FUZZ_CHECK(strcmp(s->labels.v[j - 1].name, s->labels.v[j].name) < 0);
		for (size_t j = 0; j < s->n; j++)
			FUZZ_CHECK(isfinite(s->samples[j].t));
	}
	if (series_set_range(&r->set, &lo, &hi))
		FUZZ_CHECK(isfinite(lo) && isfinite(hi) && lo <= hi);
	for (size_t i = 0; i < r->n_warnings; i++)
		check_message(r->warnings[i]);
}

static void query(const uint8_t *data, size_t size, long status)
{
	prom_result_t r;
	char *err = (char *)1;
	if (prom_parse_query((const char *)data, size, status, &r, &err) == 0) {
		FUZZ_CHECK(err == NULL);
		use_result(&r);
	} else {
		check_message(err);
		FUZZ_CHECK(r.set.n == 0 && r.string == NULL && r.n_warnings == 0);
	}
	free(err);
	prom_result_free(&r);
	/* err may be NULL: the message is then dropped, not leaked. */
	(void)prom_parse_query((const char *)data, size, status, &r, NULL);
	prom_result_free(&r);
}

static void targets(const uint8_t *data, size_t size, long status)
{
	prom_targets_t t;
	char *err = (char *)1;
	if (prom_parse_targets((const char *)data, size, status, &t, &err) == 0) {
		FUZZ_CHECK(err == NULL);
		for (size_t i = 0; i < t.n; i++) {
			const prom_target_t *e = &t.v[i];
			FUZZ_CHECK(e->job && e->instance && e->scrape_pool && e->scrape_url &&
				   e->health && e->last_error && e->scrape_interval &&
				   e->scrape_timeout && e->global_url && e->last_scrape_text);
		}
		/* what the Targets view and the command do with a list */
		prom_targets_sort(&t);
		for (size_t i = 1; i < t.n; i++)
			FUZZ_CHECK(prom_target_cmp(&t.v[i - 1], &t.v[i]) <= 0);
		FUZZ_CHECK(targetlist_down(&t) <= t.n);
		table_col_t col[2] = { { 0, 4, 1 }, { 0, 6, 1 } };
		for (size_t i = 0; i < t.n; i++) {
			const prom_target_t *e = &t.v[i];
			FUZZ_CHECK(targetlist_match(e, NULL) && targetlist_match(e, e->health));
			(void)targetlist_match(e, e->job);
			(void)targetlist_match(e, e->last_error);
			table_want(&col[0], e->job);
			table_want(&col[1], e->last_error);
			char *c = table_cut(e->instance, (int)(size % 40), "~");
			FUZZ_CHECK(strlen(c) <= strlen(e->instance) + 1);
			free(c);
		}
		int w[2];
		(void)table_fit(col, 2, (int)(size % 200), 1, w);
		FUZZ_CHECK(w[0] >= 4 && w[1] >= 6);
	} else {
		check_message(err);
		FUZZ_CHECK(t.n == 0 && t.v == NULL);
	}
	free(err);
	prom_targets_free(&t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* The same bytes as a 200, an unknown status and a proxy's 502. */
	query(data, size, 200);
	query(data, size, 0);
	query(data, size, 502);
	targets(data, size, 200);
	targets(data, size, 503);

	/* Each line as an RFC 3339 time (lastScrape and friends). */
	char *s = fuzz_cstr(data, size), *save = NULL;
	for (char *line = strtok_r(s, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		double t = NAN;
		if (rfc3339_parse(line, &t) == 0)
			FUZZ_CHECK(isfinite(t));
	}
	free(s);

	/* Short inputs also as a panel's PromQL in the URLs, with times near the limits. */
	if (size <= 256) {
		static const double times[] = { 0, -1, 1.7e9 + 0.0015, 9e15, -9e15, 9.1e15, NAN };
		s = fuzz_cstr(data, size);
		for (size_t i = 0; i < sizeof times / sizeof times[0]; i++) {
			char *u = prom_url_query("http://h:9090/prom/", s, times[i]);
			for (const char *p = u; *p; p++)
				FUZZ_CHECK(*p > 0x20 && *p < 0x7f);
			free(u);
			u = prom_url_query_range(s, s, times[i], -times[i],
						 prom_step_for(times[i], 1e9, 100));
			free(u);
		}
		free(prom_url_targets(s));
		free(s);
	}
	return 0;
}
