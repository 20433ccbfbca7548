/* Fuzz target: Alertmanager v2 /api/v2/alerts responses (firing fingerprints). */
#include "config.h"
#include "fuzz.h"
#include "backend/am.h"

static void firing(const uint8_t *data, size_t size, long status)
{
	char **fps = (char **)1, *err = (char *)1;
	size_t n = 99;
	if (am_parse_firing((const char *)data, size, status, &fps, &n, &err) == 0) {
		FUZZ_CHECK(err == NULL);
		FUZZ_CHECK(n == 0 || fps != NULL);
		for (size_t i = 0; i < n; i++)
			FUZZ_CHECK(fps[i] != NULL);
	} else {
		FUZZ_CHECK(err != NULL && fps == NULL && n == 0);
		/* A proxy's error page is quoted as printable ASCII only. */
		if (status == 503)
			for (const char *p = err; *p; p++)
				FUZZ_CHECK(*p >= 0x20 && *p < 0x7f);
	}
	free(err);
	am_strv_free(fps, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	firing(data, size, 200);
	firing(data, size, 0);
	firing(data, size, 503);
	char *base = fuzz_cstr(data, size);
	free(am_url_firing(base));
	free(base);
	return 0;
}
