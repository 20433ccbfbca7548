/* Compact value formatting by unit (a number of at most 10 columns, then the unit's label) and durations. */
#include "config.h"
#include "core/units.h"
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {
	[UNIT_NONE] = "none",       [UNIT_BYTES] = "bytes", [UNIT_SECONDS] = "seconds",
	[UNIT_PERCENT] = "percent", [UNIT_RATE] = "rate",   [UNIT_COUNT] = "count",
};

int unit_parse(const char *s, unit_t *out)
{
	size_t len;

	memset(out, 0, sizeof *out);
	if (!s || !*s)
		return -1;
	for (size_t k = 0; k < sizeof kind_names / sizeof kind_names[0]; k++) {
		if (!strcmp(s, kind_names[k])) {
			out->kind = (unit_kind_t)k;
			return 0;
		}
	}
	len = strlen(s);
	if (!strncmp(s, "rate:", 5)) {
		if (len == 5 || len - 5 + 2 >= sizeof out->suffix)
			return -1;
		out->kind = UNIT_RATE;
		snprintf(out->suffix, sizeof out->suffix, "%s/s", s + 5);
		return 0;
	}
	if (len >= sizeof out->suffix)
		return -1;
	/* "blocks/s" reads as a rate; any other word ("peers") labels a plain number. */
	out->kind = len > 2 && !strcmp(s + len - 2, "/s") ? UNIT_RATE : UNIT_NONE;
	memcpy(out->suffix, s, len + 1);
	return 0;
}

const char *unit_name(const unit_t *u)
{
	if (!u || (unsigned)u->kind >= sizeof kind_names / sizeof kind_names[0])
		return "none";
	return kind_names[u->kind];
}

/* Decimal exponent of x > 0 once rounded to 3 significant digits, so that
 * 9.996 counts as 10 (exponent 1) and picks one decimal fewer. */
static int exp3(double x)
{
	char b[32];
	snprintf(b, sizeof b, "%.2e", x);
	const char *e = strchr(b, 'e');
	return e ? atoi(e + 1) : 0;
}

/* x (>= 0, finite, < 1000 after rounding) with 3 significant digits. */
static void fmt3(char *b, size_t n, double x)
{
	int e = x > 0 ? exp3(x) : 0;
	int dec = 2 - e;
	if (dec < 0)
		dec = 0;
	snprintf(b, n, "%.*f", dec, x);
}

/* Plain numbers with SI prefixes: 42, 0.167, 1.23k, 4.50M. `whole` prints
 * integers below 1000 without decimals; `count` rounds every value below 1000
 * to a whole number: increase() extrapolates one slashing event to 1.01, and
 * a count has no fractions. A count that rounds to 0 but is not 0 reads "<1". */
static void fmt_si(char *b, size_t n, double x, int whole, int count)
{
	static const char prefix[] = "kMGTPE";
	int e;

	if (x == 0) {
		snprintf(b, n, "0");
		return;
	}
	if (count && x < 0.5) {
		snprintf(b, n, "<1");
		return;
	}
	if ((whole && x < 999.5 && x == floor(x)) || (count && x < 999.5)) {
		snprintf(b, n, "%.0f", round(x)); /* round: half away from zero, not to even */
		return;
	}
	e = exp3(x);
	if (e < -3 || e >= 3 * (int)(sizeof prefix)) {
		snprintf(b, n, "%.1e", x);
		return;
	}
	if (e < 3) {
		fmt3(b, n, x);
		return;
	}
	int k = e / 3;
	double s = x / pow(10, 3 * k);
	snprintf(b, n, "%.*f%c", 2 - (e - 3 * k), s, prefix[k - 1]);
}

static void fmt_bytes(char *b, size_t n, double x)
{
	static const char *const iec[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB" };
	const size_t top = sizeof iec / sizeof iec[0] - 1;
	const double bytes = x;
	size_t k = 0;
	char num[32];

	while (x >= 1023.5 && k < top) {
		x /= 1024;
		k++;
	}
	if (x >= 1023.5 || (x > 0 && exp3(x) < -2)) {
		snprintf(b, n, "%.1e B", bytes);
		return;
	}
	if (k == 0 && x == floor(x))
		snprintf(num, sizeof num, "%.0f", x);
	else
		fmt3(num, sizeof num, x);
	snprintf(b, n, "%s %s", num, iec[k]);
}

static void fmt_seconds(char *b, size_t n, double x)
{
	static const struct { double mult; const char *name; } small[] = {
		{ 1e9, "ns" }, { 1e6, "us" }, { 1e3, "ms" },
	};
	char num[32];

	if (x == 0) {
		snprintf(b, n, "0 s");
		return;
	}
	if (x < 0.9995e-9) {
		snprintf(b, n, "%.1e s", x);
		return;
	}
	for (size_t i = 0; i < sizeof small / sizeof small[0]; i++) {
		double s = x * small[i].mult;
		if (exp3(s) < 3) {
			fmt3(num, sizeof num, s);
			snprintf(b, n, "%s %s", num, small[i].name);
			return;
		}
	}
	if (x < 59.95) {
		fmt3(num, sizeof num, x);
		snprintf(b, n, "%s s", num);
		return;
	}
	/* Past a minute, clock-like pairs read faster than decimals. */
	if (x < 3599.5) {
		long long s = llround(x);
		snprintf(b, n, "%lldm%02llds", s / 60, s % 60);
		return;
	}
	if (x < (24 * 60 - 0.5) * 60) {
		long long m = llround(x / 60);
		snprintf(b, n, "%lldh%02lldm", m / 60, m % 60);
		return;
	}
	if (x < 99999.0 * 86400) {
		long long h = llround(x / 3600);
		snprintf(b, n, "%lldd%02lldh", h / 24, h % 24);
		return;
	}
	snprintf(b, n, "%.1e s", x);
}

static void fmt_percent(char *b, size_t n, double x)
{
	double p = x * 100;
	if (p < 999.95)
		snprintf(b, n, "%.1f %%", p);
	else if (p < 999999.5)
		snprintf(b, n, "%.0f %%", p);
	else
		snprintf(b, n, "%.1e %%", p);
}

char *unit_format(const unit_t *u, double v, char *buf, size_t n)
{
	unit_kind_t kind = u ? u->kind : UNIT_NONE;
	const char *suffix = u ? u->suffix : "";
	char num[48], out[96];
	const char *sign = "";
	double x;

	if (!buf || n == 0)
		return buf;
	if (isnan(v)) {
		/* histogram_quantile over no observations, 0/0: nothing to read */
		snprintf(buf, n, "no data");
		return buf;
	}
	if (isinf(v)) {
		snprintf(buf, n, v > 0 ? "+Inf" : "-Inf");
		return buf;
	}
	x = fabs(v);
	if (v < 0)
		sign = "-";
	switch (kind) {
	case UNIT_BYTES:
		fmt_bytes(num, sizeof num, x);
		break;
	case UNIT_SECONDS:
		fmt_seconds(num, sizeof num, x);
		break;
	case UNIT_PERCENT:
		fmt_percent(num, sizeof num, x);
		break;
	case UNIT_RATE:
		fmt_si(num, sizeof num, x, 0, 0);
		break;
	case UNIT_COUNT:
		fmt_si(num, sizeof num, x, 1, 1);
		break;
	case UNIT_NONE:
	default:
		fmt_si(num, sizeof num, x, 1, 0);
		break;
	}
	/* A value that rounds to zero ("0.0 %") shows no sign. */
	if (!strpbrk(num, "123456789"))
		sign = "";
	snprintf(out, sizeof out, "%s%s", sign, num);
	/* The label with every value, or none: "0.146 blocks/s" beside "0 blocks/s",
	 * never "0.146/s" beside it. A rate without a label still says "/s". */
	if (kind == UNIT_RATE || ((kind == UNIT_NONE || kind == UNIT_COUNT) && suffix[0])) {
		size_t len = strlen(out);
		if (suffix[0])
			snprintf(out + len, sizeof out - len, " %s", suffix);
		else
			snprintf(out + len, sizeof out - len, "/s");
	}
	snprintf(buf, n, "%s", out);
	return buf;
}

static const struct {
	const char *name;
	long long ms;
} dur_units[] = {
	/* Largest first: a duration must list its units in this order. */
	{ "y", 365LL * 86400000 }, { "w", 7LL * 86400000 }, { "d", 86400000 },
	{ "h", 3600000 },          { "m", 60000 },          { "s", 1000 },
	{ "ms", 1 },
};
#define N_DUR_UNITS (sizeof dur_units / sizeof dur_units[0])

int duration_parse_ms(const char *s, long long *ms)
{
	size_t last = 0; /* index of the next unit allowed */
	double total = 0;
	const char *p = s;

	if (!s || !*s)
		return -1;
	while (*p) {
		double v = 0, scale = 1;
		int digits = 0;
		size_t u, best = N_DUR_UNITS, best_len = 0;

		while (*p >= '0' && *p <= '9') {
			v = v * 10 + (*p++ - '0');
			digits++;
		}
		if (*p == '.') {
			p++;
			while (*p >= '0' && *p <= '9') {
				scale /= 10;
				v += (*p++ - '0') * scale;
				digits++;
			}
		}
		if (!digits || digits > 18)
			return -1;
		for (u = 0; u < N_DUR_UNITS; u++) {
			size_t l = strlen(dur_units[u].name);
			if (!strncmp(p, dur_units[u].name, l) && l > best_len) {
				best = u;
				best_len = l;
			}
		}
		if (best == N_DUR_UNITS || best < last)
			return -1;
		last = best + 1;
		p += best_len;
		total += v * (double)dur_units[best].ms;
		if (total > 9e15) /* ~285000 years: anything past it is a typo */
			return -1;
	}
	*ms = llround(total);
	return 0;
}

char *age_format(double secs, char *buf, size_t n)
{
	if (!buf || n == 0)
		return buf;
	if (!isfinite(secs) || secs < 0)
		secs = 0;
	/* whole units, truncated: an age never reads younger than it is by rounding up */
	if (secs < 60)
		snprintf(buf, n, "%.0fs", floor(secs));
	else if (secs < 3600)
		snprintf(buf, n, "%.0fm", floor(secs / 60));
	else if (secs < 86400)
		snprintf(buf, n, "%.0fh", floor(secs / 3600));
	else if (secs < 1e7 * 86400)
		snprintf(buf, n, "%.0fd", floor(secs / 86400));
	else
		snprintf(buf, n, "long");
	return buf;
}

char *duration_format(long long ms, char *buf, size_t n)
{
	const char *sign = "";
	unsigned long long a;

	if (!buf || n == 0)
		return buf;
	if (ms < 0) {
		sign = "-";
		a = (unsigned long long)(-(ms + 1)) + 1;
	} else {
		a = (unsigned long long)ms;
	}
	if (a == 0) {
		snprintf(buf, n, "0s");
		return buf;
	}
	/* Weeks and years stay out: "14d" reads better than "2w". */
	for (size_t u = 2; u < N_DUR_UNITS; u++) {
		unsigned long long m = (unsigned long long)dur_units[u].ms;
		if (a % m == 0) {
			snprintf(buf, n, "%s%llu%s", sign, a / m, dur_units[u].name);
			return buf;
		}
	}
	return buf;
}

char *span_format_us(long long us, char *buf, size_t n)
{
	if (!buf || n == 0)
		return buf;
	const char *sign = "";
	double a = (double)us;
	if (us < 0) {
		sign = "-";
		a = -a;
	}
	/* three significant digits, the unit that keeps the number under 1000 */
	if (a < 1000)
		snprintf(buf, n, "%s%.0fus", sign, a);
	else if (a < 1e6)
		snprintf(buf, n, "%s%.*fms", sign, a < 1e4 ? 2 : a < 1e5 ? 1 : 0, a / 1e3);
	else if (a < 60e6)
		snprintf(buf, n, "%s%.*fs", sign, a < 1e7 ? 2 : 1, a / 1e6);
	else if (a < 3600e6)
		snprintf(buf, n, "%s%lldm%02llds", sign, (long long)(a / 60e6), (long long)(a / 1e6) % 60);
	else
		snprintf(buf, n, "%s%lldh%02lldm", sign, (long long)(a / 3600e6), (long long)(a / 60e6) % 60);
	return buf;
}
