/* What the commands for scripts share in their output: messages on stderr and JSON on stdout. */
#include "config.h"
#include "cli/cliout.h"
#include "core/text.h"
#include "core/xalloc.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void cli_say(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *m = xvasprintf(fmt, ap);
	va_end(ap);
	char *t = text_sanitize(m);
	fflush(stdout);
	fprintf(stderr, "icn-console: %s\n", t);
	free(t);
	free(m);
}

json_t *cli_jstr(const char *s)
{
	if (!s)
		return json_null();
	json_t *j = json_string(s);
	if (!j) {
		char *t = text_sanitize(s);
		j = json_string(t);
		free(t);
	}
	return j ? j : json_null();
}

void cli_jdump(json_t *root)
{
	char *out = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	json_decref(root);
	if (!out)
		abort(); /* only out of memory, handled as the rest of the console does */
	for (const char *p = out; *p; p++) {
		size_t n = strcspn(p, "\x7f");
		fwrite(p, 1, n, stdout);
		p += n;
		if (!*p)
			break;
		fputs("\\u007f", stdout);
	}
	fputc('\n', stdout);
	free(out);
}
