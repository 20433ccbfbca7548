/* fixture_read: one reader of test payloads for every unit test that needs one. */
#include "config.h"
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include "core/xalloc.h"
#include "fixture.h"

char *fixture_read(const char *rel, size_t *len)
{
	const char *dir = getenv("FIXTURES");
	char *path = xasprintf("%s/%s", dir ? dir : "tests/fixtures", rel);
	FILE *f = fopen(path, "rb");
	strbuf_t b;
	char buf[4096];
	size_t n;
	if (!f)
		fail_msg("cannot open %s (is FIXTURES set?)", path);
	sb_init(&b);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_add(&b, buf, n);
	fclose(f);
	free(path);
	if (len)
		*len = b.len;
	return sb_steal(&b);
}
