/* icnsim's generated ICN logs: a bounded in-memory store of entries (ns timestamps) in streams by label set. */
#ifndef ICNSIM_LOGS_H
#define ICNSIM_LOGS_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "rng.h"
#include "sim.h"

#define LOGS_NLABELS 5 /* app, level, namespace, pod, region: sorted by name, as Loki lists them */
extern const char *const logs_label_names[LOGS_NLABELS];

typedef struct {
	char *values[LOGS_NLABELS]; /* in the order of logs_label_names */
} logs_stream_t;

typedef struct {
	uint64_t seq; /* position in the store since it began; never reused */
	int64_t ns;   /* unix ns; strictly increasing over the whole store */
	size_t stream;
	char *line;
} logs_entry_t;

/* What a slot's lines said, kept per slot so that its trace can be rebuilt on
 * demand (jaeger.c): when they were written, the generation times the vortex
 * lines gave, and the faults they reflected. A ring of LOGS_SLOTS. */
#define LOGS_SLOTS 16384
#define LOGS_BIGTRACE_SPANS 10000 /* spans of a slot's trace under the bigtrace fault */
#define LOGS_SLOT_NODES 16
typedef struct {
	uint64_t slot;
	int64_t ns;                   /* the slot's lines' time (unix ns) */
	float gen[LOGS_SLOT_NODES];   /* by node index: vortex generation seconds as logged (ms precision) */
	int8_t vram, bft, bigtrace;   /* node index of the director under that fault, -1 for none */
} logs_slot_t;

typedef struct logs logs_t;
/* Called after entries were appended (ticks, bursts). */
typedef void (*logs_notify_fn)(void *user);

struct logs {
	rng_t rng;
	uint64_t seed;
	logs_stream_t *streams;
	size_t nstreams, scap;
	logs_entry_t *ring;
	size_t cap;
	uint64_t first_seq, next_seq;
	int64_t last_ns;
	double per_second; /* background lines per second */
	double carry;      /* fraction of a background line owed */
	uint64_t last_height;
	logs_notify_fn notify;
	void *notify_user;
	logs_slot_t *slots; /* ring of LOGS_SLOTS, oldest at nslots - kept */
	uint64_t nslots;    /* slots recorded since the start */
};

/* `now` unix seconds; `history` seconds of past logs are generated at once. */
logs_t *logs_new(uint64_t seed, size_t capacity, double per_second, const sim_t *sim, double now, double history);
void logs_free(logs_t *l);
/* After each sim_tick: background lines for `dt` seconds, slot lines on a new block. */
void logs_tick(logs_t *l, const sim_t *sim, double now, double dt);
/* n lines at once (POST /control/logs/burst). */
void logs_burst(logs_t *l, const sim_t *sim, double now, unsigned n);
/* One line as it is (POST /control/logs/line), in the stream {app, level,
 * namespace="icn", pod="injected", region="na-west"}. */
void logs_inject(logs_t *l, double now, const char *app, const char *level, const char *line);
/* The entry with sequence number `seq`, or NULL when it is gone or not yet there. */
const logs_entry_t *logs_get(const logs_t *l, uint64_t seq);
/* The first sequence number whose entry has ns >= `ns`. */
uint64_t logs_seek(const logs_t *l, int64_t ns);
const char *logs_label(const logs_t *l, size_t stream, const char *name);
/* The record of `slot`, or NULL when it is not (or no longer) kept. */
const logs_slot_t *logs_slot_find(const logs_t *l, uint64_t slot);
/* The i-th newest slot record (0 the newest), or NULL past the oldest kept. */
const logs_slot_t *logs_slot_nth_newest(const logs_t *l, uint64_t i);
/*
 * trace_id and span_id of a slot, as its lines carry them: an rng seeded
 * with (seed, stream 0x7ace0000 + slot); trace_id is its first two draws as
 * 32 hex digits, and the span of step k of the slot (0 recipe received on
 * the director, 1 vortex.generate, 2 bft.coordinate, 3 p2p.publish) is draw
 * 3 + k as 16 hex digits. Either output may be NULL.
 */
void logs_slot_ids(uint64_t seed, uint64_t slot, int step, char trace[33], char span[17]);

#endif
