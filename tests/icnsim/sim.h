/* The simulated ICN cluster: its nodes, their metric state, a deterministic tick and injectable faults. */
#ifndef ICNSIM_SIM_H
#define ICNSIM_SIM_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "rng.h"

enum sim_role { SIM_ROLE_DIRECTOR, SIM_ROLE_SUPER_NODE, SIM_ROLE_SUBSTRATE };

/* Upper bounds are shared by every series of one family; +Inf is implied. */
#define SIM_HIST_MAX_BOUNDS 16
typedef struct {
	const double *bounds;
	size_t nbounds;
	uint64_t counts[SIM_HIST_MAX_BOUNDS + 1]; /* per bucket, not cumulative; last is +Inf */
	uint64_t count;
	double sum;
} sim_hist_t;

typedef struct {
	const char *name;
	const char *region;
	enum sim_role role;
	double peers, peers_mean;
	double vram, vram_mean;       /* directors only */
	double stake_base, stake_dev; /* directors and super-nodes: healthy level, relative drift */
	double stake;                 /* what is exported: base, drift and a stake fault applied */
	sim_hist_t gen, bft;          /* directors only */
	uint64_t bft_failures;
} sim_node_t;

enum sim_fault {
	SIM_FAULT_VRAM,
	SIM_FAULT_STALL,
	SIM_FAULT_BFT,
	SIM_FAULT_STAKE,
	SIM_FAULT_PEERS,
	SIM_FAULT_BIGTRACE, /* a director's BFT rounds retry: its slots' traces have 10,000 spans */
	SIM_FAULT_COUNT
};

typedef struct {
	bool active;
	char *target;  /* a node name, or a region name for the stake fault */
	bool slashed;  /* bft: this activation has had its one slashing */
} sim_fault_state_t;

typedef struct {
	rng_t rng;
	sim_node_t *nodes;
	size_t nnodes;
	double block_interval; /* seconds of wall time per block */
	double tick_period;    /* seconds per sim_tick(); divides block_interval */
	unsigned ticks_per_block;
	uint64_t ticks;
	uint64_t block_height;
	double block_timestamp; /* unix seconds of the newest block */
	uint64_t slashing_events;
	sim_fault_state_t faults[SIM_FAULT_COUNT];
} sim_t;

extern const double sim_gen_bounds[];
extern const size_t sim_gen_nbounds;
extern const double sim_bft_bounds[];
extern const size_t sim_bft_nbounds;

/* `now` is the wall clock (unix seconds): it dates the newest block. */
sim_t *sim_new(uint64_t seed, double block_interval, double now);
void sim_free(sim_t *s);
/* Advance by one tick_period. State after N ticks depends only on the seed,
 * N and the faults injected on the way; `now` only stamps new blocks. */
void sim_tick(sim_t *s, double now);

const char *sim_role_name(enum sim_role role);
const sim_node_t *sim_node_find(const sim_t *s, const char *name);
size_t sim_region_count(void);
const char *sim_region_name(size_t i);
double sim_total_stake(const sim_t *s);

/* Fault names as the control API spells them; -1 when unknown. */
int sim_fault_lookup(const char *name);
const char *sim_fault_name(enum sim_fault f);
/* "vram, stall, bft, stake, peers, bigtrace", for error messages. */
const char *sim_fault_list(void);
/* Activate (or move) a fault. `target` NULL picks the default node (region for
 * stake). Returns 0, or -1 with *err (caller frees) when the target is wrong. */
int sim_fault_set(sim_t *s, enum sim_fault f, const char *target, char **err);
/* Returns whether it was active. */
bool sim_fault_clear(sim_t *s, enum sim_fault f);
void sim_fault_reset(sim_t *s);

#endif
