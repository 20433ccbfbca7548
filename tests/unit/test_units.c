/* Unit tests of value formatting by unit, unit names and durations. */
#include "config.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "core/units.h"

typedef struct {
	const char *unit;
	double v;
	const char *want;
} fmt_case_t;

static const fmt_case_t fmt_cases[] = {
	/* bytes: IEC, 3 significant digits */
	{ "bytes", 0, "0 B" },
	{ "bytes", 1, "1 B" },
	{ "bytes", 512, "512 B" },
	{ "bytes", 1023, "1023 B" },
	{ "bytes", 1024, "1.00 KiB" },
	{ "bytes", 1536, "1.50 KiB" },
	{ "bytes", 10 * 1024 + 512, "10.5 KiB" },
	{ "bytes", 1048575, "1.00 MiB" },
	{ "bytes", 11.7e9, "10.9 GiB" },
	{ "bytes", 12e9, "11.2 GiB" },
	{ "bytes", 11.5e9, "10.7 GiB" },
	{ "bytes", 1099511627776.0, "1.00 TiB" },
	{ "bytes", 999.0 * 1024, "999 KiB" },
	{ "bytes", 1000.0 * 1024, "1000 KiB" },
	{ "bytes", 1023.6 * 1024, "1.00 MiB" },
	{ "bytes", -2048, "-2.00 KiB" },
	{ "bytes", 0.5, "0.500 B" },
	{ "bytes", 1e30, "1.0e+30 B" },
	{ "bytes", 1e-5, "1.0e-05 B" },
	/* seconds */
	{ "seconds", 0, "0 s" },
	{ "seconds", 500e-9, "500 ns" },
	{ "seconds", 850e-6, "850 us" },
	{ "seconds", 12.5e-6, "12.5 us" },
	{ "seconds", 0.012, "12.0 ms" },
	{ "seconds", 0.9996, "1.00 s" },
	{ "seconds", 0.250, "250 ms" },
	{ "seconds", 4.2, "4.20 s" },
	{ "seconds", 12.34, "12.3 s" },
	{ "seconds", 59.9, "59.9 s" },
	{ "seconds", 59.96, "1m00s" },
	{ "seconds", 200, "3m20s" },
	{ "seconds", 3599.4, "59m59s" },
	{ "seconds", 3599.6, "1h00m" },
	{ "seconds", 7500, "2h05m" },
	{ "seconds", 86399, "1d00h" },
	{ "seconds", 3 * 86400 + 4 * 3600, "3d04h" },
	{ "seconds", -4.2, "-4.20 s" },
	{ "seconds", 1e-12, "1.0e-12 s" },
	/* percent from a ratio */
	{ "percent", 0.333333, "33.3 %" },
	{ "percent", 0, "0.0 %" },
	{ "percent", 1, "100.0 %" },
	{ "percent", 0.05, "5.0 %" },
	{ "percent", -0.25, "-25.0 %" },
	{ "percent", -0.0000001, "0.0 %" },
	{ "percent", 12.5, "1250 %" },
	/* rates */
	{ "rate", 1.0 / 6, "0.167/s" },
	{ "rate", 0, "0/s" },
	{ "rate", 12, "12.0/s" },
	{ "rate", 12500, "12.5k/s" },
	{ "rate", 0.0167, "0.0167/s" },
	{ "rate", 0.00012, "1.2e-04/s" },
	{ "rate", -3, "-3.00/s" },
	{ "blocks/s", 1.0 / 6, "0.167 blocks/s" },
	/* the label with every value, however long the number */
	{ "blocks/s", 0.146, "0.146 blocks/s" },
	{ "blocks/s", 0, "0 blocks/s" },
	{ "blocks/s", 0.0123, "0.0123 blocks/s" },
	{ "rate:ops", 2, "2.00 ops/s" },
	{ "rate:ops", 0.167, "0.167 ops/s" },
	/* counts and plain numbers */
	{ "count", 42, "42" },
	{ "count", 0, "0" },
	{ "count", 999, "999" },
	{ "count", 1000, "1.00k" },
	{ "count", 1234, "1.23k" },
	{ "count", 999499, "999k" },
	{ "count", 999600, "1.00M" },
	{ "count", 4.5e6, "4.50M" },
	{ "count", 1.2e9, "1.20G" },
	{ "count", 1e18, "1.00E" },
	{ "count", 1e21, "1.0e+21" },
	/* counts are whole: increase() says 1.01 for one event */
	{ "count", 1.04, "1" },
	{ "count", 1.01, "1" },
	{ "count", 2.97, "3" },
	{ "count", 0.5, "1" },
	{ "count", 0.3, "<1" },
	{ "count", 999.4, "999" },
	{ "none", 1.04, "1.04" },
	{ "count", -42, "-42" },
	{ "count", -1234, "-1.23k" },
	{ "none", 3.14159, "3.14" },
	{ "none", 99.96, "100" },
	{ "peers", 12, "12 peers" },
	{ "peers", 1234, "1.23k peers" },
	{ "peers", 999, "999 peers" },
	{ "peers", -1234567, "-1.23M peers" },
	/* not numbers */
	{ "bytes", NAN, "no data" },
	{ "seconds", INFINITY, "+Inf" },
	{ "count", -INFINITY, "-Inf" },
	{ "rate", NAN, "no data" },
	{ "blocks/s", NAN, "no data" },
};

static void test_format_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof fmt_cases / sizeof fmt_cases[0]; i++) {
		const fmt_case_t *c = &fmt_cases[i];
		unit_t u;
		char buf[64];
		assert_int_equal(unit_parse(c->unit, &u), 0);
		unit_format(&u, c->v, buf, sizeof buf);
		if (strcmp(buf, c->want))
			fail_msg("case %zu: unit %s value %.17g: got '%s', want '%s'", i, c->unit,
				 c->v, buf, c->want);
	}
}

/* Whatever the value, the number fits a 10-column cell; the label follows. */
static void test_format_width(void **state)
{
	static const char *const units[] = { "bytes", "seconds", "percent", "rate", "count",
					     "none", "peers", "blocks/s", "rate:tx" };
	(void)state;
	for (size_t k = 0; k < sizeof units / sizeof units[0]; k++) {
		unit_t u;
		assert_int_equal(unit_parse(units[k], &u), 0);
		for (int e = -15; e <= 30; e++) {
			static const double mant[] = { 1, 1.5, 9.9949, 9.9951, 99.95, 999.5, 1023.6 };
			for (size_t m = 0; m < sizeof mant / sizeof mant[0]; m++) {
				for (int sgn = -1; sgn <= 1; sgn += 2) {
					double v = sgn * mant[m] * pow(10, e);
					char buf[64];
					unit_format(&u, v, buf, sizeof buf);
					size_t lab = u.suffix[0] ? 1 + strlen(u.suffix) : 0;
					if (strlen(buf) > 10 + lab || !buf[0])
						fail_msg("unit %s value %.17g: '%s' is %zu columns",
							 units[k], v, buf, strlen(buf));
				}
			}
		}
	}
}

static void test_format_small_buffer(void **state)
{
	unit_t u;
	char buf[4];
	(void)state;
	assert_int_equal(unit_parse("bytes", &u), 0);
	assert_string_equal(unit_format(&u, 11.7e9, buf, sizeof buf), "10.");
	buf[0] = 'x';
	unit_format(&u, 1, buf, 0); /* must not write */
	assert_int_equal(buf[0], 'x');
	assert_string_equal(unit_format(NULL, 42, (char[8]){ 0 }, 8), "42");
}

static void test_unit_parse(void **state)
{
	static const struct {
		const char *in;
		unit_kind_t kind;
		const char *suffix;
		const char *name;
	} ok[] = {
		{ "bytes", UNIT_BYTES, "", "bytes" },
		{ "seconds", UNIT_SECONDS, "", "seconds" },
		{ "percent", UNIT_PERCENT, "", "percent" },
		{ "rate", UNIT_RATE, "", "rate" },
		{ "count", UNIT_COUNT, "", "count" },
		{ "none", UNIT_NONE, "", "none" },
		{ "blocks/s", UNIT_RATE, "blocks/s", "rate" },
		{ "rate:blocks", UNIT_RATE, "blocks/s", "rate" },
		{ "peers", UNIT_NONE, "peers", "none" },
		{ "tokens", UNIT_NONE, "tokens", "none" },
	};
	unit_t u;
	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		assert_int_equal(unit_parse(ok[i].in, &u), 0);
		assert_int_equal(u.kind, ok[i].kind);
		assert_string_equal(u.suffix, ok[i].suffix);
		assert_string_equal(unit_name(&u), ok[i].name);
	}
	assert_int_equal(unit_parse("", &u), -1);
	assert_int_equal(unit_parse(NULL, &u), -1);
	assert_int_equal(unit_parse("rate:", &u), -1);
	assert_int_equal(unit_parse("a-label-that-is-far-too-long-for-a-cell", &u), -1);
	assert_int_equal(unit_parse("12345678901234567890123", &u), 0); /* 23 fits */
	assert_int_equal(unit_parse("123456789012345678901234", &u), -1);
}

static void test_duration_parse(void **state)
{
	static const struct {
		const char *in;
		long long ms;
	} ok[] = {
		{ "500ms", 500 },
		{ "5s", 5000 },
		{ "1m", 60000 },
		{ "1m30s", 90000 },
		{ "1h30m", 5400000 },
		{ "7d", 7LL * 86400000 },
		{ "2w", 14LL * 86400000 },
		{ "1y", 365LL * 86400000 },
		{ "1h0m5s250ms", 3605250 },
		{ "0s", 0 },
		{ "1.5s", 1500 },
		{ "30d", 30LL * 86400000 },
	};
	static const char *const bad[] = {
		"", "5", "-1s", "1x", "s", "5 s", " 5s", "5s ", "1s1m", "1m1m", "ms",
		"1.s1", "5sec", "1e3s", "99999999999999999999y", "1000000y", "1..5s", "+5s",
	};
	long long ms;
	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		ms = -1;
		if (duration_parse_ms(ok[i].in, &ms) != 0 || ms != ok[i].ms)
			fail_msg("'%s': got %lld, want %lld", ok[i].in, ms, ok[i].ms);
	}
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (duration_parse_ms(bad[i], &ms) != -1)
			fail_msg("'%s' was accepted (%lld ms)", bad[i], ms);
	assert_int_equal(duration_parse_ms(NULL, &ms), -1);
}

/* The age of stale data beside its state: "CRIT · stale 40s". */
static void test_age_format(void **state)
{
	char b[16];
	(void)state;
	assert_string_equal(age_format(0, b, sizeof b), "0s");
	assert_string_equal(age_format(40.9, b, sizeof b), "40s");
	assert_string_equal(age_format(59.99, b, sizeof b), "59s");
	assert_string_equal(age_format(60, b, sizeof b), "1m");
	assert_string_equal(age_format(3599, b, sizeof b), "59m");
	assert_string_equal(age_format(7200, b, sizeof b), "2h");
	assert_string_equal(age_format(3 * 86400 + 5, b, sizeof b), "3d");
	assert_string_equal(age_format(-5, b, sizeof b), "0s"); /* a clock gone back */
	assert_string_equal(age_format(NAN, b, sizeof b), "0s");
	assert_string_equal(age_format(1e300, b, sizeof b), "long");
}

static void test_duration_format(void **state)
{
	static const struct {
		long long ms;
		const char *want;
	} cases[] = {
		{ 0, "0s" },        { 500, "500ms" },      { 5000, "5s" },
		{ 300000, "5m" },   { 3600000, "1h" },     { 5400000, "90m" },
		{ 604800000, "7d" }, { 1500, "1500ms" },   { -60000, "-1m" },
		{ 86400000LL * 365, "365d" },
	};
	char buf[32];
	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		assert_string_equal(duration_format(cases[i].ms, buf, sizeof buf), cases[i].want);
	/* What it prints reads back as the same duration. */
	for (long long ms = 1; ms < 10LL * 86400000; ms = ms * 7 + 3) {
		long long back;
		duration_format(ms, buf, sizeof buf);
		assert_int_equal(duration_parse_ms(buf, &back), 0);
		assert_int_equal(back, ms);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_format_table),
		cmocka_unit_test(test_format_width),
		cmocka_unit_test(test_format_small_buffer),
		cmocka_unit_test(test_unit_parse),
		cmocka_unit_test(test_duration_parse),
		cmocka_unit_test(test_duration_format),
		cmocka_unit_test(test_age_format),
	};
	return cmocka_run_group_tests_name("units", tests, NULL, NULL);
}
