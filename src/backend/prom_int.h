/* What prom.c shares with prom_targets.c: the /api/v1 envelope and label objects. Not an API. */
#ifndef ICN_PROM_INT_H
#define ICN_PROM_INT_H
#include <jansson.h>
#include <stddef.h>
#include "model/series.h"

/* The envelope every /api/v1 endpoint shares: the root object on "success"
 * (caller decrefs), else NULL and a message in *msg (the server's
 * "errorType: error", the HTTP status with the start of a non-JSON body, or
 * what was malformed); *not_api 1 when the body is not that envelope at all. */
json_t *prom_envelope_load(const char *body, size_t len, long http_status, char **msg,
			   int *not_api);
/* A "metric"/"labels" object into l (null: none); NULL or what is wrong. */
const char *prom_parse_metric(const json_t *m, labels_t *l);
/* Hand msg to *err, or free it when err is NULL. */
void prom_set_err(char **err, char *msg);

#endif
