/* Fuzz target: the small string parsers (durations, units, thresholds, colours), value
 * formatting, and text_sanitize. */
#include "config.h"
#include "fuzz.h"
#include "fuzz_values.h"
#include "core/panels.h"
#include "core/text.h"
#include "core/theme.h"
#include "core/units.h"
#include <limits.h>

/* text_sanitize's promise: no byte a terminal obeys, valid UTF-8, never longer. */
static void sanitize(const char *s)
{
	char *r = text_sanitize(s);
	const unsigned char *p = (const unsigned char *)r;
	FUZZ_CHECK(strlen(r) <= strlen(s));
	while (*p) {
		FUZZ_CHECK(*p >= 0x20 && *p != 0x7f);
		if (*p < 0x80) {
			p++;
			continue;
		}
		size_t n = *p >= 0xf0 ? 4 : *p >= 0xe0 ? 3 : 2;
		FUZZ_CHECK(*p >= 0xc2 && *p <= 0xf4);
		FUZZ_CHECK(!(p[0] == 0xc2 && p[1] < 0xa0)); /* U+0080..U+009F */
		for (size_t i = 1; i < n; i++)
			FUZZ_CHECK((p[i] & 0xc0) == 0x80);
		p += n;
	}
	char *again = text_sanitize(r);
	FUZZ_CHECK(!strcmp(again, r));
	free(again);
	free(r);
}

static void duration(const char *s)
{
	long long ms = -1, back = -1;
	char buf[64];
	if (duration_parse_ms(s, &ms) != 0)
		return;
	FUZZ_CHECK(ms >= 0);
	/* What duration_format writes, duration_parse_ms reads back. */
	duration_format(ms, buf, sizeof buf);
	if (ms > 0) {
		FUZZ_CHECK(duration_parse_ms(buf, &back) == 0);
		FUZZ_CHECK(back == ms);
	}
}

static void words(const char *s)
{
	threshold_t t;
	unit_t u;
	int c;

	duration(s);
	if (threshold_parse(s, &t) == 0) {
		FUZZ_CHECK(t.set && isfinite(t.value));
		(void)threshold_match(&t, t.value);
	}
	if (unit_parse(s, &u) == 0) {
		FUZZ_CHECK(memchr(u.suffix, '\0', sizeof u.suffix) != NULL);
		(void)unit_name(&u);
	}
	c = theme_color_parse(s);
	FUZZ_CHECK(c >= -2 && c <= 255);
	(void)panel_type_parse(s);
	(void)theme_element_by_name(s);
	sanitize(s);
}

/* Every unit kind (and the one parsed from the input) on one value, into a
 * roomy buffer and into cut ones. */
static void format(const unit_t *parsed, double v)
{
	static const char *const kinds[] = { "none", "bytes", "seconds", "percent", "rate",
					     "count", "rate:blocks", "peers" };
	char buf[64];
	unit_t u;
	for (size_t k = 0; k <= sizeof kinds / sizeof kinds[0]; k++) {
		if (k < sizeof kinds / sizeof kinds[0])
			FUZZ_CHECK(unit_parse(kinds[k], &u) == 0);
		else if (parsed)
			u = *parsed;
		else
			break;
		unit_format(&u, v, buf, sizeof buf);
		/* a number of at most 10 columns, then the unit's label (at most
		 * 23 bytes, with its space): panels size their value cells by it */
		if (strlen(buf) > 10 + 1 + strlen(u.suffix) && strlen(buf) > 12) {
			fprintf(stderr, "unit_format(%s, %.17g) = \"%s\" (%zu chars)\n",
				unit_name(&u), v, buf, strlen(buf));
			FUZZ_CHECK(strlen(buf) <= 10 + 1 + strlen(u.suffix));
		}
		if (k == 0 || k == 1) { /* cut short: still terminated, never past n */
			char small[4];
			for (size_t n = 1; n <= sizeof small; n += 3) {
				unit_format(&u, v, small, n);
				FUZZ_CHECK(strlen(small) < n);
			}
		}
	}
	(void)unit_format(NULL, v, buf, sizeof buf);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size), *save = NULL;
	unit_t parsed;
	int have_unit;

	words(s);
	have_unit = unit_parse(s, &parsed) == 0;
	/* A seed is often a list of words: try each line as well. */
	char *copy = strdup(s);
	if (!copy)
		abort();
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (l != copy || strlen(l) != strlen(s))
			words(l);
	free(copy);

	/* The same bytes as numbers: unit_format, and duration_format of raw ms. */
	fuzz_in_t in = { data, size };
	for (int i = 0; i < 32 && fuzz_more(&in); i++) {
		double v = fuzz_double(&in);
		format(have_unit ? &parsed : NULL, v);
		if (isfinite(v) && v > 0 && v <= 9e15) {
			char buf[64];
			long long ms = (long long)v, back;
			duration_format(ms, buf, sizeof buf);
			if (ms > 0)
				FUZZ_CHECK(duration_parse_ms(buf, &back) == 0 && back == ms);
			duration_format(-ms, buf, sizeof buf);
		}
	}
	char buf[64];
	duration_format(LLONG_MIN, buf, sizeof buf);
	free(s);
	return 0;
}
