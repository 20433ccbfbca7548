/* What the Alertmanager files share among themselves (not for other modules). */
#ifndef ICN_AM_INT_H
#define ICN_AM_INT_H
#include <jansson.h>
#include <stddef.h>

/* Outside an HTTP 2xx (0, "unknown", counts as a success). */
int am_status_is_failure(long http_status);
/* Blank, for matcher and error text parsing. */
int am_is_blank(unsigned char c);
/* s[0..len) made printable, blanks collapsed, cut to the error length (malloc'd). */
char *am_err_clean(const char *s, size_t len);
/* The message of a JSON error body ({"code","message"}, {"error"}, {"errorType","error"}, "string"), or NULL. */
char *am_json_error_msg(const json_t *root);

#endif
