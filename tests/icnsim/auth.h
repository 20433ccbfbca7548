/* icnsim's optional credential checks (bearer token, Basic auth, X-Scope-OrgID), one set per API (Loki's, Jaeger's). */
#ifndef ICNSIM_AUTH_H
#define ICNSIM_AUTH_H
#include "srv.h"

typedef struct simauth simauth_t;

/* Checks wanting `Authorization: Bearer` with the first line of bearer_file,
 * or Basic auth with the "user:password" on basic_file's first line (either
 * passes when both are set), and X-Scope-OrgID: org_id; each may be NULL (not
 * asked). The files are read again at every request, so a token rotated in
 * its file is the one wanted from then on; a file that cannot be read lets
 * nothing pass. NULL when all three are NULL. */
simauth_t *simauth_new(const char *bearer_file, const char *basic_file, const char *org_id);
void simauth_free(simauth_t *a);
/* NULL when req may pass (a NULL `a` passes everything), else why not, for a
 * 401: "no org id", "unknown org id", "unauthorized" (static text). */
const char *simauth_refusal(const simauth_t *a, const srv_request_t *req);

#endif
