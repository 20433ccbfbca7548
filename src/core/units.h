/* Value formatting by unit: bytes (IEC), seconds, rates, percent, plain numbers. */
#ifndef ICN_UNITS_H
#define ICN_UNITS_H
#include <stddef.h>

typedef enum {
	UNIT_NONE,     /* plain number with SI suffix for large values: 1.23k, 4.5M */
	UNIT_BYTES,    /* IEC: 512 B, 1.5 KiB, 10.9 GiB */
	UNIT_SECONDS,  /* 850 us, 12 ms, 4.20 s, 3m20s, 2h05m */
	UNIT_PERCENT,  /* value is a ratio 0..1 shown as 33.3 % */
	UNIT_RATE,     /* per second: 0.167/s, 12.5k/s */
	UNIT_COUNT,    /* integers with SI suffix: 42, 1.2k */
} unit_kind_t;

typedef struct {
	unit_kind_t kind;
	char suffix[24]; /* optional text after the number for UNIT_RATE / NONE, e.g. "blocks/s" */
} unit_t;

/* Parse a unit name from a panel file: "bytes", "seconds", "percent", "rate",
 * "count", "none", or "rate:<label>" / any other text (kept as suffix of
 * UNIT_NONE, e.g. "peers"). Returns 0, or -1 for an empty string. */
int unit_parse(const char *s, unit_t *out);
/* The canonical name of a unit (for JSON output): "bytes", "seconds", ... */
const char *unit_name(const unit_t *u);

/* Format v compactly into buf: a number of at most 10 columns, then the unit's
 * label when it has one, with every value alike ("0 blocks/s", "0.146 blocks/s";
 * a rate without a label ends in "/s"). Counts are whole numbers ("1", not the
 * 1.01 increase() extrapolates; "<1" for a count above 0 that rounds to 0).
 * NaN -> "no data", +Inf -> "+Inf", -Inf -> "-Inf". Returns buf. */
char *unit_format(const unit_t *u, double v, char *buf, size_t n);

/* Durations in config and commands: "500ms", "5s", "1m", "1h30m", "7d", "2w".
 * Returns 0 and milliseconds in *ms, or -1. */
int duration_parse_ms(const char *s, long long *ms);
/* How old data is, in one whole unit, truncated: "40s", "3m", "2h", "5d". */
char *age_format(double secs, char *buf, size_t n);
/* A span's length from microseconds, three significant digits: "850us",
 * "12.3ms", "4.21s", "2m05s", "3h10m" (ASCII "us": the width is known). */
char *span_format_us(long long us, char *buf, size_t n);
/* "5m", "1h", "7d" from ms (largest exact unit). */
char *duration_format(long long ms, char *buf, size_t n);

#endif
