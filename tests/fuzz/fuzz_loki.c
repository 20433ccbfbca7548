/* Fuzz target: Loki answers and tail frames, error and close texts, and the Logs model over what they give. */
#include "config.h"
#include "fuzz.h"
#include "backend/loki.h"
#include "core/text.h"
#include "model/logdedup.h"
#include "model/logfields.h"
#include "model/logring.h"


/* text_render_line's promise: valid UTF-8, nothing a terminal obeys, within the cap. */
static void check_rendered(const char *r, size_t len, size_t max)
{
	FUZZ_CHECK(strlen(r) == len);
	if (max)
		FUZZ_CHECK(len <= (max < 64 ? 64 : max));
	char *s = text_sanitize(r);
	/* text_sanitize keeps exactly the printable, valid UTF-8 text */
	FUZZ_CHECK(strcmp(s, r) == 0);
	free(s);
	for (size_t i = 0; i < len; i++)
		FUZZ_CHECK((unsigned char)r[i] >= 0x20 && r[i] != 0x7f);
}

static void check_labels(const labels_t *l)
{
	for (size_t i = 1; i < l->n; i++)
		FUZZ_CHECK(strcmp(l->v[i - 1].name, l->v[i].name) < 0);
}

/* What the Logs view will do with a result: dedupe, ring, fields, render. */
static void use_result(loki_result_t *r, logring_t *ring, logdedup_t *d, size_t max_line)
{
	for (size_t i = 0; i < r->n_streams; i++)
		check_labels(&r->streams[i]);
	loki_result_sort(r);
	for (size_t i = 0; i < r->n_entries; i++) {
		const loki_entry_t *e = &r->entries[i];
		FUZZ_CHECK(e->stream < r->n_streams);
		FUZZ_CHECK(e->ts_ns >= 0);
		FUZZ_CHECK(e->len <= max_line);
		FUZZ_CHECK(e->line[e->len] == '\0');
		if (i)
			FUZZ_CHECK(r->entries[i - 1].ts_ns <= e->ts_ns);
		check_labels(&e->meta);
		check_labels(&e->parsed);
		if (!logdedup_check(d, &r->streams[e->stream], e->ts_ns, e->line, e->len))
			logring_append(ring, e->ts_ns, &r->streams[e->stream], e->line, e->len);
		logfields_t f;
		logfields_parse(e->line, e->len, &f);
		FUZZ_CHECK(f.msg || f.json);
		logfields_free(&f);
		size_t len;
		char *s = text_render_line(e->line, e->len, 512, &len);
		check_rendered(s, len, 512);
		free(s);
	}
	for (size_t i = 0; i < r->n_dropped; i++)
		check_labels(&r->dropped[i].labels);
	if (r->n_dropped)
		logring_append_gap(ring, r->dropped[0].ts_ns, r->n_dropped);
	for (size_t i = 0; i < r->n_warnings; i++)
		fuzz_check_message(r->warnings[i], LOKI_ERROR_MAX + 3);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	logring_t *ring = logring_new(50, 64 * 1024);
	logdedup_t d;
	logdedup_init(&d);
	loki_parse_opts_t small = { .max_line = 40 }, skim = { .max_line = 40, .skim = 1 };
	static const long statuses[] = { 200, 0, 400, 502 };
	for (size_t k = 0; k < sizeof statuses / sizeof statuses[0]; k++) {
		loki_result_t r;
		char *err = NULL;
		if (loki_parse_query(body, size, statuses[k], k ? NULL : &small, &r, &err) == 0) {
			FUZZ_CHECK(err == NULL);
			use_result(&r, ring, &d, k ? LOKI_LINE_MAX : 40);
			loki_result_free(&r);
		} else {
			fuzz_check_message(err, 1000);
			FUZZ_CHECK(r.n_entries == 0 && r.entries == NULL);
			free(err);
		}
	}
	/* whole and skimmed (as a body over 1 MB is): what the whole parse takes,
	 * the skim takes the same (it may take more: members it skips are not
	 * checked inside) */
	int verdict[3];
	for (int k = 0; k < 3; k++) {
		loki_result_t r;
		char *err = NULL;
		const loki_parse_opts_t *o = k == 0 ? NULL : k == 1 ? &small : &skim;
		verdict[k] = loki_parse_tail_frame(body, size, o, &r, &err);
		if (verdict[k] == 0) {
			use_result(&r, ring, &d, k ? 40 : LOKI_LINE_MAX);
			loki_result_free(&r);
		} else {
			fuzz_check_message(err, 1000);
			free(err);
		}
	}
	FUZZ_CHECK(verdict[1] != 0 || verdict[2] == 0);
	{
		loki_result_t a, b;
		int ra = loki_parse_query(body, size, 200, &small, &a, NULL);
		int rb = loki_parse_query(body, size, 200, &skim, &b, NULL);
		FUZZ_CHECK(ra != 0 || rb == 0);
		if (ra == 0) {
			FUZZ_CHECK(a.n_entries == b.n_entries && a.n_streams == b.n_streams);
			for (size_t i = 0; i < a.n_entries; i++)
				FUZZ_CHECK(a.entries[i].len == b.entries[i].len &&
					   a.entries[i].ts_ns == b.entries[i].ts_ns &&
					   memcmp(a.entries[i].line, b.entries[i].line, a.entries[i].len) == 0);
			loki_result_free(&a);
		}
		if (rb == 0)
			loki_result_free(&b);
	}
	char **names;
	size_t n;
	char *err = NULL;
	if (loki_parse_names(body, size, 200, &names, &n, &err) == 0) {
		for (size_t i = 0; i < n; i++)
			fuzz_check_message(names[i], size);
		loki_names_free(names, n);
	} else {
		fuzz_check_message(err, 1000);
		free(err);
	}
	char *m = loki_error_message(size % 2 ? 400 : 0, body, size);
	fuzz_check_message(m, LOKI_ERROR_MAX + 40);
	free(m);
	int code = size >= 2 ? 1000 + (data[0] << 8 | data[1]) % 20 : 1006;
	loki_tail_end_t k = loki_tail_close(code, body, size, &m);
	FUZZ_CHECK(k == LOKI_TAIL_DONE || k == LOKI_TAIL_RECONNECT || k == LOKI_TAIL_FATAL);
	fuzz_check_message(m, LOKI_ERROR_MAX + 40);
	free(m);

	/* the raw bytes as a line */
	size_t len;
	char *s = text_render_line(body, size, 0, &len);
	check_rendered(s, len, 0);
	free(s);
	s = text_render_line(body, size, size / 2, &len);
	check_rendered(s, len, size / 2);
	free(s);
	(void)loglevel_of(body, size, NULL);
	logring_append(ring, (int64_t)size, NULL, body, size);
	for (uint64_t q = logring_first(ring); q < logring_next(ring); q++) {
		logring_line_t e;
		FUZZ_CHECK(logring_get(ring, q, &e) == 0);
		FUZZ_CHECK(e.kind == LOGRING_GAP ? e.line == NULL : e.line != NULL);
	}
	FUZZ_CHECK(logring_count(ring) <= 50);
	logring_free(ring);
	logdedup_free(&d);
	return 0;
}
