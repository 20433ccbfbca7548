/* Prometheus scrape targets, fetched for the Targets view and the `targets` command. */
#ifndef ICN_TARGETS_H
#define ICN_TARGETS_H
#include "backend/prom.h"
#include "core/http.h"

typedef struct targets {
	http_client_t *http;
	char *base;           /* Prometheus URL, NULL when none */
	prom_targets_t t;
	int have;             /* a list was ever received */
	unsigned gen;         /* a new number at each new list (views re-key their rows then) */
	char *error;          /* last failure, NULL when the last fetch worked */
	double last_ok;
	http_req_t *req;
	void (*on_change)(struct targets *tg, void *ud);
	void *ud;
} targets_t;

void targets_init(targets_t *tg, http_client_t *http, const char *base);
void targets_set_base(targets_t *tg, const char *base);
/* Ask again unless a request is under way. */
void targets_refresh(targets_t *tg, long timeout_ms);
void targets_free(targets_t *tg);

#endif
