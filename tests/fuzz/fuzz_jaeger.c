/* Fuzz target: Jaeger answers (traces of both APIs, names, error texts), search tags and
 * durations, and the Traces model over what the parsers give. */
#include "config.h"
#include "fuzz.h"
#include "backend/jaeger.h"


/* The promises of trace_build, and what the view does with a trace. */
static void use_trace(const trace_t *t)
{
	FUZZ_CHECK(t->n_spans <= TRACE_MAX_SPANS);
	FUZZ_CHECK(t->n_warnings <= 101);
	size_t roots = 0, errors = 0;
	for (size_t i = 0; i < t->n_spans; i++) {
		const trace_span_t *s = &t->spans[i];
		FUZZ_CHECK(s->span_id && s->operation);
		FUZZ_CHECK(s->proc < t->n_procs && t->procs[s->proc].service);
		FUZZ_CHECK(s->svc < t->n_services);
		FUZZ_CHECK(i + s->n_desc < t->n_spans);
		FUZZ_CHECK(s->duration_us >= 0 && s->self_us >= 0 && s->self_us <= s->duration_us);
		if (s->parent == TRACE_NONE) {
			roots++;
			FUZZ_CHECK(s->depth == 0 && s->critical);
		} else {
			FUZZ_CHECK((size_t)s->parent < i);
			FUZZ_CHECK(i <= (size_t)s->parent + t->spans[s->parent].n_desc);
			FUZZ_CHECK(s->depth == t->spans[s->parent].depth + 1);
		}
		errors += s->error;
		for (uint32_t e = 1; e < s->n_events; e++)
			FUZZ_CHECK(s->events[e - 1].ts_us <= s->events[e].ts_us);
		if (!s->dup)
			FUZZ_CHECK(trace_find_span(t, s->span_id) == (int32_t)i);
		int c0, c1;
		if (trace_bar_cols(s->start_us, s->duration_us, t->start_us, t->end_us, 100, &c0, &c1) == 0)
			FUZZ_CHECK(c0 >= 0 && c0 < c1 && c1 <= 100);
		(void)trace_span_matches(t, s, "error=t");
	}
	FUZZ_CHECK(roots == t->n_roots && errors == t->n_errors);
	for (size_t i = 1; i < t->n_services; i++)
		FUZZ_CHECK(strcmp(t->services[i - 1], t->services[i]) < 0);
	uint32_t *rows = malloc((t->n_spans + 1) * sizeof *rows);
	uint8_t *col = calloc(t->n_spans + 1, 1);
	FUZZ_CHECK(rows && col);
	for (size_t i = 0; i < t->n_spans; i += 2)
		col[i] = 1;
	FUZZ_CHECK(trace_rows(t, NULL, rows) == t->n_spans);
	FUZZ_CHECK(trace_rows(t, col, rows) <= t->n_spans);
	free(col);
	free(rows);
	trace_summary_t sum;
	trace_summarize(t, &sum);
	FUZZ_CHECK(sum.n_spans == t->n_spans && sum.services && sum.root_service);
	trace_summary_free(&sum);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	static const long statuses[] = { 200, 0, 404, 502 };
	for (size_t k = 0; k < sizeof statuses / sizeof statuses[0]; k++) {
		trace_t **v;
		size_t n;
		char *err = NULL;
		if (jaeger_parse_traces(body, size, statuses[k], &v, &n, &err) == 0) {
			FUZZ_CHECK(err == NULL && (n == 0) == (v == NULL));
			for (size_t i = 0; i < n; i++)
				use_trace(v[i]);
			jaeger_traces_free(v, n);
		} else {
			fuzz_check_message(err, 1000);
			FUZZ_CHECK(v == NULL && n == 0);
			free(err);
		}
		char **names;
		if (jaeger_parse_names(body, size, statuses[k], &names, &n, &err) == 0) {
			for (size_t i = 1; i < n; i++)
				FUZZ_CHECK(strcmp(names[i - 1], names[i]) < 0);
			jaeger_names_free(names, n);
		} else {
			fuzz_check_message(err, 1000);
			free(err);
		}
	}
	char *m = jaeger_error_message(size % 2 ? 500 : 0, body, size);
	fuzz_check_message(m, JAEGER_ERROR_MAX + 200);
	free(m);

	/* the first line as a user's input: tags, a duration, a trace id */
	size_t l = 0;
	while (l < size && l < 4096 && body[l] != '\n' && body[l] != '\0')
		l++;
	char *line = malloc(l + 1);
	FUZZ_CHECK(line != NULL);
	memcpy(line, body, l);
	line[l] = '\0';
	jaeger_tag_t *tags;
	size_t n;
	char *err = NULL;
	if (jaeger_parse_tags(line, &tags, &n, &err) == 0) {
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK(*tags[i].key && !strpbrk(tags[i].key, " \t=\""));
		jaeger_query_t q = { .service = line, .tags = tags, .n_tags = n, .limit = (int)l };
		char *u = jaeger_url_search("http://j", l % 2 ? JAEGER_API_V3 : JAEGER_API_V1, &q);
		for (const char *p = u; *p; p++)
			FUZZ_CHECK(*p > 0x20 && *p < 0x7f && *p != '"' && *p != ' ');
		free(u);
		free(tags);
	} else {
		fuzz_check_message(err, 200);
		free(err);
	}
	int64_t us;
	if (jaeger_parse_duration(line, &us) == 0) {
		char buf[32], again[32];
		int64_t back;
		jaeger_format_duration(us, buf);
		FUZZ_CHECK(jaeger_parse_duration(buf, &back) == 0 && back == us);
		FUZZ_CHECK(!strcmp(jaeger_format_duration(back, again), buf));
	}
	char id[33];
	if (jaeger_trace_id_norm(line, id) == 0)
		FUZZ_CHECK(strlen(id) == 16 || strlen(id) == 32);
	free(line);
	return 0;
}
