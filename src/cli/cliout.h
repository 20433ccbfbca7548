/* What the commands for scripts share in their output: messages on stderr and JSON on stdout. */
#ifndef ICN_CLI_CLIOUT_H
#define ICN_CLI_CLIOUT_H
#include <jansson.h>

/* "icn-console: ..." on stderr, after what stdout holds; the whole line
 * sanitised (it carries server text). */
void cli_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A JSON string, or null for NULL; text that is not UTF-8 is sanitised. */
json_t *cli_jstr(const char *s);

/* root (its reference taken) on stdout, indented, in ASCII only: a C1 control
 * (U+009B is CSI) never reaches a terminal raw, nor DEL, which JSON allows
 * raw (it can only be inside a string: written \u007f). */
void cli_jdump(json_t *root);

#endif
