/* A context's per-backend options (auth, TLS, headers, proxy, timeout) onto the clients. No curses. */
#ifndef ICN_CREDS_H
#define ICN_CREDS_H
#include "core/conf.h"
#include "core/http.h"
#include "core/ws.h"

/* Give the client every backend of ctx with its options (replacing the last
 * context's), so each request to a backend's URL carries them. */
void creds_apply(http_client_t *h, const conf_context_t *ctx);
/* The same for the websocket client (Loki's tail): the loki backend's tls and proxy-url. */
void creds_apply_ws(ws_client_t *ws, const conf_context_t *ctx);
/* "tls insecure-skip-verify: prometheus, loki" when any backend of ctx skips
 * certificate checks (the header shows it for as long as it holds), else NULL. */
char *creds_insecure_note(const conf_context_t *ctx);

#endif
