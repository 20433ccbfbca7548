/* Alerts and silences: polls Alertmanager (HA-aware) and Prometheus' pending alerts, writes silences. No curses. */
#ifndef ICN_ALERTS_H
#define ICN_ALERTS_H
#include <stddef.h>
#include <uv.h>
#include "app/backends.h"
#include "backend/am.h"
#include "core/conf.h"
#include "core/http.h"
#include "model/alertlist.h"

struct alerts;

/* The outcome of a write (create/update/expire a silence). */
typedef struct {
	int ok;
	int unknown;           /* not ok, and maybe done: the request reached a peer and no
	                          answer came (timeout, reset), or a 2xx came without an id */
	const char *id;        /* created silence id (create/update), NULL otherwise */
	const char *error;     /* what Alertmanager or the transport said, NULL when ok;
	                          for a write that never reached any peer it says so:
	                          "not sent: every Alertmanager is unreachable (am1 down (connection
	                          refused); ...)", or, when a peer answered with a 5xx, "not taken:
	                          every Alertmanager failed it (am1 failed (HTTP 500: ...))" */
	const char *peer;      /* URL of the peer that took (or refused) the write, NULL if none */
	const char *note;      /* e.g. "am1 down (connection refused): sent to am2", NULL if none */
} alerts_write_t;
typedef void (*alerts_write_cb)(struct alerts *al, const alerts_write_t *w, void *ud);

typedef struct alerts {
	uv_loop_t *loop;
	http_client_t *http;
	backends_t *bk;        /* shared health: this module updates bk->am[] */
	conf_context_t ctx;
	long timeout_ms;

	/* reads go to the first healthy peer, in the context's order; the other
	 * peers are probed cheaply (/api/v2/status) so their health stays known */
	size_t reader;         /* index of the peer the last alert list came from */

	alertlist_t list;      /* the last good list (grouped, sorted, filtered) */
	unsigned list_gen;     /* a new number whenever `list` changes (views re-key their rows then) */
	char *filter;          /* `/` filter, NULL none */
	int have;              /* a list was ever received */
	char *error;           /* why the last refresh failed, NULL when it did not */
	double last_ok;        /* unix time of the last good list */
	int firing;            /* firing alerts (each fingerprint once), -1 never known */
	char *pending_error;   /* Prometheus /api/v1/alerts failed (pending alerts unknown) */

	am_silences_t sil;     /* the last good silences list */
	unsigned sil_gen;      /* a new number whenever `sil` changes */
	int have_sil;
	char *sil_error;
	double sil_last_ok;
	size_t sil_peer;       /* the peer the silences were asked of */
	int closing;           /* alerts_free is under way: no new requests */

	/* in flight (one of each at a time: a refresh never overlaps itself) */
	http_req_t *req_alerts, *req_pending, *req_sil;
	http_req_t *req_probe[CONF_MAX_AM];
	struct alerts_write_op *writes; /* writes under way */
	/* the answers of one refresh, held until both have come, then merged */
	struct alerts_round {
		am_alerts_t am, pending;
		int am_done, am_ok, pending_done;
	} round;
	struct alerts_probe { struct alerts *al; size_t i; } probe_ud[CONF_MAX_AM];
	/* answers being parsed on the work queue, and the generation of the
	 * context they belong to (a :ctx makes a new one) */
	struct parse_job *job_alerts, *job_pending;
	struct build_job *job_build;   /* the list being built on the work queue */
	size_t *crit;          /* indices into list.all of the firing critical alerts, by fingerprint */
	size_t n_crit;
	unsigned gen;
	double next_due;       /* monotonic seconds before which the alerts are not asked again */
	int force;             /* ask at the next refresh whatever next_due says (after a write) */

	void (*on_change)(struct alerts *al, void *ud);
	/* a critical alert fired that was not firing at the previous refresh (not
	 * called for the first list received) */
	void (*on_new_critical)(struct alerts *al, const am_alert_t *a, void *ud);
	void *ud;
} alerts_t;

void alerts_init(alerts_t *al, uv_loop_t *loop, http_client_t *http, backends_t *bk,
		 const conf_context_t *ctx, long timeout_ms);
/* New context: cancels reads and forgets the lists (writes under way finish). */
void alerts_set_context(alerts_t *al, const conf_context_t *ctx);
/* Ask for alerts (Alertmanager + Prometheus pending) and, when with_silences,
 * the silences; a request still under way is not asked again. */
void alerts_refresh(alerts_t *al, int with_silences);
/* Set the `/` filter (NULL or "" clears) and rebuild the rows at once. */
void alerts_set_filter(alerts_t *al, const char *filter);
/* Requests under way (reads and writes). */
size_t alerts_pending(const alerts_t *al);
void alerts_free(alerts_t *al);

/* Writes under way (sent, not yet answered). */
size_t alerts_writes_pending(const alerts_t *al);
/* Firing alerts in the last list that every matcher matches. */
size_t alerts_count_matching(const alerts_t *al, const am_matchers_t *m);
/* The silence with this id in the last silences list, or NULL. */
const am_silence_t *alerts_find_silence(const alerts_t *al, const char *id);

/*
 * Writes. Each goes to one healthy peer: the reader first, then the others;
 * a peer the request never reached (refused, unresolvable) or that answered
 * with a 5xx is marked down and the next is tried; a request that reached a
 * peer and got no answer (timeout, reset) is not sent elsewhere (it may have
 * been done: w->unknown); a 4xx is Alertmanager refusing and is reported as it is. The callback
 * runs exactly once (also when nothing could be sent), unless alerts_free runs
 * first. Returns 0, or -1 when refused at once (read-only context: w->error
 * "read-only: context 'prod' does not allow writes"; the callback also runs).
 * A good write triggers alerts_refresh(al, 1).
 */
int alerts_silence_create(alerts_t *al, const am_matchers_t *m, double starts_at,
			  double ends_at, const char *author, const char *comment,
			  alerts_write_cb cb, void *ud);
/* The same, for a retry: first looks (GET /api/v2/silences) for an active or
 * pending silence with the same matchers, author and comment, and when the
 * first attempt was done after all, reports its id and sends nothing. With
 * `peer_url` (the peer the first attempt reached, w->peer of an unknown
 * outcome) it asks that peer, and when that peer still cannot tell it sends
 * nothing (w->unknown): another peer could make a second silence. */
int alerts_silence_create_checked(alerts_t *al, const am_matchers_t *m, double starts_at,
				  double ends_at, const char *author, const char *comment,
				  const char *peer_url, alerts_write_cb cb, void *ud);
/* Extend (or otherwise change) silence `id`: POST with its id (Alertmanager may
 * answer with a new id). */
int alerts_silence_update(alerts_t *al, const am_silence_t *s, double ends_at,
			  alerts_write_cb cb, void *ud);
/* DELETE /api/v2/silence/{id}. */
int alerts_silence_expire(alerts_t *al, const char *id, alerts_write_cb cb, void *ud);

/* Whether writes are refused (--read-only or read-only: true on the context). */
int alerts_read_only(const alerts_t *al);

#endif
