/* Alertmanager v2 API: the part the dashboard header needs (firing alerts). */
#ifndef ICN_AM_H
#define ICN_AM_H
#include <stddef.h>

/* base/api/v2/alerts?active=true&silenced=false&inhibited=false&unprocessed=false */
char *am_url_firing(const char *base);
/*
 * Parse GET /api/v2/alerts: the fingerprints of alerts whose status.state is
 * "active" into *fps (malloc'd array of malloc'd strings). Returns 0, or -1 with
 * a malloc'd message in *err: "HTTP 503: <body's first line>", "invalid JSON: ...",
 * "expected a JSON array of alerts".
 */
int am_parse_firing(const char *body, size_t len, long http_status, char ***fps, size_t *n,
		    char **err);
void am_strv_free(char **v, size_t n);

#endif
