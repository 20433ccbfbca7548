/* The libFuzzer entry point every fuzz_*.c defines, and small helpers they share. */
#ifndef ICN_FUZZ_H
#define ICN_FUZZ_H
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken promise of the code under test (not a rejected input): print why and
 * abort, so libFuzzer records a crash and the replay driver fails. */
#define FUZZ_CHECK(cond)                                                              \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, \
				__LINE__, #cond);                                     \
			abort();                                                      \
		}                                                                     \
	} while (0)

/* Bugs already reported can hide new ones (libFuzzer stops at the first crash).
 * A long campaign names them in ICN_FUZZ_KNOWN="tag,tag" and the target steers
 * around them; `make check` leaves it unset, so their regression inputs fail
 * until the bug is fixed. */
static inline int fuzz_known(const char *tag)
{
	const char *k = getenv("ICN_FUZZ_KNOWN");
	size_t n = strlen(tag);
	while (k && *k) {
		if (!strncmp(k, tag, n) && (k[n] == ',' || k[n] == '\0'))
			return 1;
		k = strchr(k, ',');
		if (k)
			k++;
	}
	return 0;
}

/* The input as a NUL-terminated string (cut at its first NUL, as C callers see it). */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A message for a status line: no control byte (C0, DEL or a C1 as UTF-8),
 * at most `max` bytes. */
static inline void fuzz_check_message(const char *m, size_t max)
{
	FUZZ_CHECK(m != NULL);
	FUZZ_CHECK(strlen(m) <= max);
	for (const unsigned char *p = (const unsigned char *)m; *p; p++) {
		FUZZ_CHECK(*p >= 0x20 && *p != 0x7f);
		FUZZ_CHECK(!(p[0] == 0xc2 && p[1] >= 0x80 && p[1] < 0xa0));
	}
}

#endif
