/* icnsim's optional credential checks, read from their files at every request. */
#include "config.h"
#include "auth.h"
#include "core/text.h"
#include "core/xalloc.h"
#include <stdlib.h>
#include <string.h>

struct simauth {
	char *bearer_file, *basic_file, *org_id;
};

simauth_t *simauth_new(const char *bearer_file, const char *basic_file, const char *org_id)
{
	if (!bearer_file && !basic_file && !org_id)
		return NULL;
	simauth_t *a = xcalloc(1, sizeof *a);
	a->bearer_file = bearer_file ? xstrdup(bearer_file) : NULL;
	a->basic_file = basic_file ? xstrdup(basic_file) : NULL;
	a->org_id = org_id ? xstrdup(org_id) : NULL;
	return a;
}

void simauth_free(simauth_t *a)
{
	if (!a)
		return;
	free(a->bearer_file);
	free(a->basic_file);
	free(a->org_id);
	free(a);
}

/* Whether the Authorization value is "SCHEME " and the encoding of file's first line. */
static int matches(const char *got, const char *file, int basic)
{
	char *line = NULL, *want;
	if (!file || secret_read_file(file, &line))
		return 0;
	if (basic) {
		char *b = text_base64(line, strlen(line));
		want = xasprintf("Basic %s", b);
		secret_free(b);
	} else {
		want = xasprintf("Bearer %s", line);
	}
	int ok = !strcmp(got, want);
	secret_free(want);
	secret_free(line);
	return ok;
}

const char *simauth_refusal(const simauth_t *a, const srv_request_t *req)
{
	const char *why = NULL;
	if (!a)
		return NULL;
	if (a->org_id) {
		char *org = srv_request_header(req, "x-scope-orgid");
		if (!org || !*org)
			why = "no org id";
		else if (strcmp(org, a->org_id) != 0)
			why = "unknown org id";
		free(org);
		if (why)
			return why;
	}
	if (a->bearer_file || a->basic_file) {
		char *got = srv_request_header(req, "authorization");
		int pass = got && (matches(got, a->bearer_file, 0) || matches(got, a->basic_file, 1));
		free(got);
		if (!pass)
			return "unauthorized";
	}
	return NULL;
}
