/* The ICN log generator and its store. Content depends only on --seed, the
 * ticks and the faults injected; timestamps come from the wall clock. */
#include "config.h"
#include "logs.h"
#include "core/xalloc.h"
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *const logs_label_names[LOGS_NLABELS] = { "app", "level", "namespace", "pod", "region" };
#define NAMESPACE "icn"

enum { L_APP, L_LEVEL, L_NAMESPACE, L_POD, L_REGION };

static size_t stream_get(logs_t *l, const char *app, const char *level, const char *pod, const char *region)
{
	const char *v[LOGS_NLABELS] = { app, level, NAMESPACE, pod, region };

	for (size_t i = 0; i < l->nstreams; i++) {
		size_t k = 0;
		while (k < LOGS_NLABELS && !strcmp(l->streams[i].values[k], v[k]))
			k++;
		if (k == LOGS_NLABELS)
			return i;
	}
	l->streams = xgrow(l->streams, &l->scap, l->nstreams + 1, sizeof *l->streams);
	for (size_t k = 0; k < LOGS_NLABELS; k++)
		l->streams[l->nstreams].values[k] = xstrdup(v[k]);
	return l->nstreams++;
}

const char *logs_label(const logs_t *l, size_t stream, const char *name)
{
	for (size_t k = 0; k < LOGS_NLABELS; k++)
		if (!strcmp(logs_label_names[k], name))
			return l->streams[stream].values[k];
	return NULL;
}

static void append(logs_t *l, int64_t ns, size_t stream, char *line)
{
	logs_entry_t *e;

	if (ns <= l->last_ns)
		ns = l->last_ns + 1; /* strictly increasing, so per stream as well */
	l->last_ns = ns;
	if (l->next_seq - l->first_seq == l->cap) {
		free(l->ring[l->first_seq % l->cap].line);
		l->first_seq++;
	}
	e = &l->ring[l->next_seq % l->cap];
	e->seq = l->next_seq++;
	e->ns = ns;
	e->stream = stream;
	e->line = line;
}

const logs_entry_t *logs_get(const logs_t *l, uint64_t seq)
{
	if (seq < l->first_seq || seq >= l->next_seq)
		return NULL;
	return &l->ring[seq % l->cap];
}

uint64_t logs_seek(const logs_t *l, int64_t ns)
{
	uint64_t lo = l->first_seq, hi = l->next_seq;

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		if (logs_get(l, mid)->ns < ns)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* See logs.h: the ids traces are built with (jaeger.c) must be these. */
void logs_slot_ids(uint64_t seed, uint64_t slot, int step, char trace[33], char span[17])
{
	rng_t r;
	uint64_t a, b, s = 0;

	rng_seed(&r, seed, 0x7ace0000ULL + slot);
	a = rng_next(&r);
	b = rng_next(&r);
	for (int k = 0; k <= step; k++)
		s = rng_next(&r);
	if (trace)
		snprintf(trace, 33, "%016" PRIx64 "%016" PRIx64, a, b);
	if (span)
		snprintf(span, 17, "%016" PRIx64, s);
}

const logs_slot_t *logs_slot_nth_newest(const logs_t *l, uint64_t i)
{
	uint64_t kept = l->nslots < LOGS_SLOTS ? l->nslots : LOGS_SLOTS;

	if (i >= kept)
		return NULL;
	return &l->slots[(l->nslots - 1 - i) % LOGS_SLOTS];
}

const logs_slot_t *logs_slot_find(const logs_t *l, uint64_t slot)
{
	uint64_t kept = l->nslots < LOGS_SLOTS ? l->nslots : LOGS_SLOTS;
	uint64_t lo = l->nslots - kept, hi = l->nslots; /* slot numbers increase along the ring */

	while (lo < hi) {
		uint64_t mid = lo + (hi - lo) / 2;
		const logs_slot_t *r = &l->slots[mid % LOGS_SLOTS];
		if (r->slot == slot)
			return r;
		if (r->slot < slot)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void rfc3339(int64_t ns, char out[64])
{
	time_t t = (time_t)(ns / 1000000000);
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(out, 64, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ns / 1000000 % 1000));
}

static json_t *directors_json(const sim_t *sim)
{
	json_t *a = json_array();
	for (size_t i = 0; i < sim->nnodes; i++)
		if (sim->nodes[i].role == SIM_ROLE_DIRECTOR)
			json_array_append_new(a, json_string(sim->nodes[i].name));
	return a;
}

/* One JSON line: ts, level, msg, slot, directors, error (errors only), trace_id, span_id. */
static void emit(logs_t *l, const sim_t *sim, int64_t ns, const char *app, const char *pod, const char *region,
		 const char *level, const char *msg, uint64_t slot, int step, const char *error)
{
	char ts[64], trace[33], span[17];
	json_t *o;
	char *line;

	rfc3339(ns, ts);
	logs_slot_ids(l->seed, slot, step, trace, span);
	o = json_pack("{s:s, s:s, s:s, s:I, s:o}", "ts", ts, "level", level, "msg", msg, "slot", (json_int_t)slot,
		      "directors", directors_json(sim));
	if (error)
		json_object_set_new(o, "error", json_string(error));
	json_object_set_new(o, "trace_id", json_string(trace));
	json_object_set_new(o, "span_id", json_string(span));
	line = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	append(l, ns, stream_get(l, app, level, pod, region), line);
}

static const char *app_of(const sim_node_t *n)
{
	switch (n->role) {
	case SIM_ROLE_DIRECTOR:
		return "icn-director";
	case SIM_ROLE_SUPER_NODE:
		return "icn-super-node";
	case SIM_ROLE_SUBSTRATE:
		return "substrate";
	}
	return "unknown";
}

/* vortex-N runs next to director-N. */
static void vortex_pod(const sim_node_t *n, char out[32])
{
	snprintf(out, 32, "vortex-%s", n->name + strlen("director-"));
}

static bool fault_on(const sim_t *s, enum sim_fault f, const char *node, bool faults)
{
	return faults && s->faults[f].active && !strcmp(s->faults[f].target, node);
}

/* Attempts of a bigtrace slot's BFT rounds: one round per director each, and
 * four more spans make the trace's LOGS_BIGTRACE_SPANS (jaeger.c builds it). */
static unsigned bigtrace_attempts(const sim_t *sim)
{
	unsigned nd = 0;
	for (size_t i = 0; i < sim->nnodes; i++)
		nd += sim->nodes[i].role == SIM_ROLE_DIRECTOR;
	return nd ? (LOGS_BIGTRACE_SPANS - 4 + nd - 1) / nd : 0;
}

/* A slot's lines, all at `ns` (made strictly increasing by append). */
static logs_slot_t *slot_record(logs_t *l, uint64_t slot, int64_t ns)
{
	logs_slot_t *rec = &l->slots[l->nslots++ % LOGS_SLOTS];

	memset(rec, 0, sizeof *rec);
	rec->slot = slot;
	rec->ns = ns;
	rec->vram = rec->bft = rec->bigtrace = -1;
	return rec;
}

static void slot_lines(logs_t *l, const sim_t *sim, int64_t ns, uint64_t slot, bool faults)
{
	char buf[128], pod[32];
	logs_slot_t *rec = slot_record(l, slot, ns);
	for (size_t i = 0; i < sim->nnodes; i++) {
		const sim_node_t *n = &sim->nodes[i];
		double gen = 6.0 + 5.0 * rng_uniform(&l->rng);

		if (i < LOGS_SLOT_NODES) {
			rec->gen[i] = (float)(round(gen * 1000.0) / 1000.0);
			if (fault_on(sim, SIM_FAULT_VRAM, n->name, faults))
				rec->vram = (int8_t)i;
			if (fault_on(sim, SIM_FAULT_BFT, n->name, faults))
				rec->bft = (int8_t)i;
			if (fault_on(sim, SIM_FAULT_BIGTRACE, n->name, faults))
				rec->bigtrace = (int8_t)i;
		}

		switch (n->role) {
		case SIM_ROLE_DIRECTOR:
			vortex_pod(n, pod);
			emit(l, sim, ns, "icn-director", n->name, n->region, "info", "recipe received", slot, 0, NULL);
			if (fault_on(sim, SIM_FAULT_VRAM, n->name, faults)) {
				emit(l, sim, ns, "icn-vortex", pod, n->region, "error", "vortex.generate failed", slot, 1,
				     "CUDA out of memory: tried to allocate 512.00 MiB");
				emit(l, sim, ns, "icn-director", n->name, n->region, "error", "generation failed", slot,
				     0, "vortex: out of memory");
			} else {
				snprintf(buf, sizeof buf, "generation complete in %.3fs", gen);
				emit(l, sim, ns, "icn-vortex", pod, n->region, "info", buf, slot, 1, NULL);
			}
			if (fault_on(sim, SIM_FAULT_BIGTRACE, n->name, faults)) {
				snprintf(buf, sizeof buf, "BFT round retry storm: %u attempts", bigtrace_attempts(sim));
				emit(l, sim, ns, "icn-director", n->name, n->region, "warn", buf, slot, 2,
				     "timeout waiting for 2/3 precommits");
			}
			if (fault_on(sim, SIM_FAULT_BFT, n->name, faults))
				emit(l, sim, ns, "icn-director", n->name, n->region, "error", "BFT consensus failed", slot,
				     2, "timeout waiting for 2/3 precommits");
			else
				emit(l, sim, ns, "icn-director", n->name, n->region, "info", "BFT round committed", slot,
				     2, NULL);
			break;
		case SIM_ROLE_SUPER_NODE:
			emit(l, sim, ns, app_of(n), n->name, n->region, "info", "p2p.publish done", slot, 3, NULL);
			break;
		case SIM_ROLE_SUBSTRATE:
			snprintf(buf, sizeof buf, "imported block #%" PRIu64, slot);
			emit(l, sim, ns, app_of(n), n->name, n->region, "info", buf, slot, 0, NULL);
			break;
		}
	}
}

static const struct {
	const char *level, *msg;
} chatter[] = {
	{ "debug", "gossip round" },
	{ "debug", "peer heartbeat" },
	{ "info", "peer connected" },
	{ "info", "metrics flushed" },
	{ "debug", "queue depth <16 & backlog >0" },
	{ "warn", "slow peer" },
};
#define NCHATTER (sizeof chatter / sizeof chatter[0])

static void chatter_line(logs_t *l, const sim_t *sim, int64_t ns, uint64_t slot)
{
	const sim_node_t *n = &sim->nodes[rng_below(&l->rng, sim->nnodes)];
	size_t k = rng_below(&l->rng, NCHATTER);

	emit(l, sim, ns, app_of(n), n->name, n->region, chatter[k].level, chatter[k].msg, slot, 0, NULL);
}

static int64_t to_ns(double t)
{
	return (int64_t)llround(t * 1e9);
}

/* `n` background lines spread over (from, to]. */
static void chatter_span(logs_t *l, const sim_t *sim, double from, double to, unsigned n, uint64_t slot)
{
	for (unsigned i = 0; i < n; i++)
		chatter_line(l, sim, to_ns(from + (to - from) * (i + 1) / n), slot);
}

logs_t *logs_new(uint64_t seed, size_t capacity, double per_second, const sim_t *sim, double now, double history)
{
	logs_t *l = xcalloc(1, sizeof *l);
	/* no more past than the store holds: at a high rate, generating ten
	 * minutes only to drop most of it made the start slow (35 s under ASan
	 * at 4,000 lines a second) */
	if (per_second > 0 && history > 0.9 * (double)capacity / per_second)
		history = 0.9 * (double)capacity / per_second;
	uint64_t slots = (uint64_t)(history / sim->block_interval);

	rng_seed(&l->rng, seed, 2);
	l->seed = seed;
	l->cap = capacity;
	l->ring = xcalloc(capacity, sizeof *l->ring);
	l->slots = xcalloc(LOGS_SLOTS, sizeof *l->slots);
	l->per_second = per_second;
	l->last_height = sim->block_height;
	/* The past `history` seconds, fault-free: one slot per block interval. */
	for (uint64_t k = slots; k > 0; k--) {
		double t = now - (double)k * sim->block_interval;
		double owed = l->carry + per_second * sim->block_interval;
		unsigned n = (unsigned)owed;
		l->carry = owed - n;
		slot_lines(l, sim, to_ns(t), sim->block_height - k, false);
		chatter_span(l, sim, t, t + sim->block_interval, n, sim->block_height - k);
	}
	/* The slot in progress has no lines of its own, but the background
	 * lines until the next block carry its ids: its trace ends now. */
	slot_record(l, sim->block_height, to_ns(now));
	return l;
}

void logs_free(logs_t *l)
{
	if (!l)
		return;
	for (uint64_t s = l->first_seq; s < l->next_seq; s++)
		free(l->ring[s % l->cap].line);
	for (size_t i = 0; i < l->nstreams; i++)
		for (size_t k = 0; k < LOGS_NLABELS; k++)
			free(l->streams[i].values[k]);
	free(l->streams);
	free(l->ring);
	free(l->slots);
	free(l);
}

void logs_tick(logs_t *l, const sim_t *sim, double now, double dt)
{
	double owed = l->carry + l->per_second * dt;
	unsigned n = (unsigned)owed;
	uint64_t before = l->next_seq;

	l->carry = owed - n;
	chatter_span(l, sim, now - dt, now, n, sim->block_height);
	if (sim->block_height != l->last_height) {
		l->last_height = sim->block_height;
		slot_lines(l, sim, to_ns(now), sim->block_height, true);
	}
	if (l->next_seq != before && l->notify)
		l->notify(l->notify_user);
}

void logs_burst(logs_t *l, const sim_t *sim, double now, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		chatter_line(l, sim, to_ns(now), sim->block_height);
	if (n && l->notify)
		l->notify(l->notify_user);
}

void logs_inject(logs_t *l, double now, const char *app, const char *level, const char *line)
{
	append(l, to_ns(now), stream_get(l, app, level, "injected", "na-west"), xstrdup(line));
	if (l->notify)
		l->notify(l->notify_user);
}
