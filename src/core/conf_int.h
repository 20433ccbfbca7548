/* Inside the configuration: what conf.c (the file's top level, contexts,
 * layering) and conf_backend.c (a backend's URL or mapping, and its secret
 * files) share. Not for other modules. */
#ifndef ICN_CONF_INT_H
#define ICN_CONF_INT_H
#include "core/conf.h"
#include "core/yamldoc.h"

/* ---- conf.c ---- */
int conf_get_bool(yd_ctx_t *cx, const yd_node_t *n, const char *key, int *out);
int conf_get_duration(yd_ctx_t *cx, const yd_node_t *n, const char *key, long long *ms);

/* ---- conf_backend.c ---- */
/* s copied, NULL as NULL. */
char *conf_dup0(const char *s);
/* A backend: a URL, or a mapping of url and how to reach it (what names it
 * in messages: "prometheus", "alertmanager 2"). The URL's user:password goes
 * into b. 0, or -1 with the error in cx. */
int conf_get_backend(yd_ctx_t *cx, const yd_node_t *n, const char *what, char **url,
		     conf_backend_t *b);
/* A URL from the environment or a flag (what names it: "PROMETHEUS_URL",
 * "--loki"). When it names another server than the file did, the file's
 * options for that backend (its credentials above all) stay behind. 0, or -1
 * and err. */
int conf_set_url(char **slot, conf_backend_t *opts, const char *v, const char *what, char *err,
		 size_t errlen);
/* Read what the password and token files hold, and check the TLS files, now:
 * a missing file is said at start (or at a context switch), naming the
 * backend, not at the first request as a vague 401. Warnings (files open to
 * others) into ctx->warnings. 0, or -1 and err. */
int conf_load_secrets(conf_context_t *ctx, char *err, size_t errlen);

#endif
