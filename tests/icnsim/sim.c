/* The ICN cluster model: static topology, mean-reverting wander, per-block observations, faults. */
#include "config.h"
#include "sim.h"
#include "core/xalloc.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

const double sim_gen_bounds[] = { 1, 2, 5, 8, 10, 12, 15, 20, 30, 60 };
const size_t sim_gen_nbounds = sizeof sim_gen_bounds / sizeof sim_gen_bounds[0];
const double sim_bft_bounds[] = { 0.5, 1, 2, 3, 5, 7, 10, 15, 30 };
const size_t sim_bft_nbounds = sizeof sim_bft_bounds / sizeof sim_bft_bounds[0];

/* Five regions so that healthy stake sits near 20 % each, under the 25 % of
 * the StakeConcentration alert. */
static const char *const regions[] = { "na-west", "na-east", "eu-west", "eu-central", "apac" };
#define NREGIONS (sizeof regions / sizeof regions[0])
#define REGION_STAKE 2.4e6 /* tokens per region when healthy */

static const struct {
	const char *name, *region;
	enum sim_role role;
} topology[] = {
	{ "director-1", "na-west", SIM_ROLE_DIRECTOR },
	{ "director-2", "na-east", SIM_ROLE_DIRECTOR },
	{ "director-3", "eu-west", SIM_ROLE_DIRECTOR },
	{ "director-4", "eu-central", SIM_ROLE_DIRECTOR },
	{ "director-5", "apac", SIM_ROLE_DIRECTOR },
	{ "director-6", "na-west", SIM_ROLE_DIRECTOR },
	{ "super-node-1", "na-east", SIM_ROLE_SUPER_NODE },
	{ "super-node-2", "eu-west", SIM_ROLE_SUPER_NODE },
	{ "super-node-3", "apac", SIM_ROLE_SUPER_NODE },
	{ "substrate-1", "eu-central", SIM_ROLE_SUBSTRATE },
};
#define NNODES (sizeof topology / sizeof topology[0])

static const char *const fault_names[SIM_FAULT_COUNT] = {
	[SIM_FAULT_VRAM] = "vram",
	[SIM_FAULT_STALL] = "stall",
	[SIM_FAULT_BFT] = "bft",
	[SIM_FAULT_STAKE] = "stake",
	[SIM_FAULT_PEERS] = "peers",
	[SIM_FAULT_BIGTRACE] = "bigtrace",
};
static const char *const fault_defaults[SIM_FAULT_COUNT] = {
	[SIM_FAULT_VRAM] = "director-3",
	[SIM_FAULT_STALL] = "substrate-1",
	[SIM_FAULT_BFT] = "director-2",
	[SIM_FAULT_STAKE] = "apac",
	[SIM_FAULT_PEERS] = "super-node-2",
	[SIM_FAULT_BIGTRACE] = "director-5",
};

/* Healthy and faulted ranges (ICN.md: 12 GB cards, danger above 11.5e9). */
#define PEERS_LO 12.0
#define PEERS_HI 40.0
#define PEERS_FAULT_LO 3.0
#define PEERS_FAULT_HI 6.0
#define VRAM_LO 6.0e9
#define VRAM_HI 10.5e9
#define VRAM_FAULT 11.8e9
#define VRAM_FAULT_LO 11.65e9
#define VRAM_FAULT_HI 11.95e9
#define STAKE_DRIFT 0.03 /* each operator moves at most 3 % off its base */
#define STAKE_FAULT_SHARE 0.40

static double clamp(double x, double lo, double hi)
{
	return x < lo ? lo : x > hi ? hi : x;
}

static bool has_stake(const sim_node_t *n)
{
	return n->role != SIM_ROLE_SUBSTRATE;
}

static sim_node_t *node_find(sim_t *s, const char *name)
{
	for (size_t i = 0; i < s->nnodes; i++)
		if (!strcmp(s->nodes[i].name, name))
			return &s->nodes[i];
	return NULL;
}

const sim_node_t *sim_node_find(const sim_t *s, const char *name)
{
	return node_find((sim_t *)s, name);
}

static bool fault_on(const sim_t *s, enum sim_fault f, const char *target)
{
	return s->faults[f].active && !strcmp(s->faults[f].target, target);
}

const char *sim_role_name(enum sim_role role)
{
	switch (role) {
	case SIM_ROLE_DIRECTOR:
		return "director";
	case SIM_ROLE_SUPER_NODE:
		return "super-node";
	case SIM_ROLE_SUBSTRATE:
		return "substrate";
	}
	return "unknown";
}

size_t sim_region_count(void)
{
	return NREGIONS;
}

const char *sim_region_name(size_t i)
{
	return i < NREGIONS ? regions[i] : NULL;
}

static void hist_init(sim_hist_t *h, const double *bounds, size_t nbounds)
{
	memset(h, 0, sizeof *h);
	h->bounds = bounds;
	h->nbounds = nbounds;
}

static void hist_observe(sim_hist_t *h, double v)
{
	size_t i = 0;
	while (i < h->nbounds && v > h->bounds[i])
		i++;
	h->counts[i]++;
	h->count++;
	h->sum += v;
}

/* Exporters report durations measured to the millisecond. */
static double round_ms(double v)
{
	return round(v * 1000.0) / 1000.0;
}

/* Stake is recomputed from base and drift after every change, so a stake
 * fault can be applied or lifted at once without drawing random numbers. */
static void stake_update(sim_t *s)
{
	const char *region = s->faults[SIM_FAULT_STAKE].active ? s->faults[SIM_FAULT_STAKE].target : NULL;
	double inside = 0, outside = 0, factor = 1;

	for (size_t i = 0; i < s->nnodes; i++) {
		sim_node_t *n = &s->nodes[i];
		if (!has_stake(n))
			continue;
		n->stake = n->stake_base * (1.0 + n->stake_dev);
		if (region && !strcmp(n->region, region))
			inside += n->stake;
		else
			outside += n->stake;
	}
	/* share = in / (in + out)  =>  in = out * share / (1 - share) */
	if (region && inside > 0)
		factor = outside * STAKE_FAULT_SHARE / (1.0 - STAKE_FAULT_SHARE) / inside;
	for (size_t i = 0; i < s->nnodes; i++) {
		sim_node_t *n = &s->nodes[i];
		if (has_stake(n))
			n->stake = round(n->stake * (region && !strcmp(n->region, region) ? factor : 1.0));
	}
}

/* Pull every faulted or freshly healed value into its range at once, so a
 * scrape right after a control request already shows the change. */
static void faults_apply(sim_t *s)
{
	for (size_t i = 0; i < s->nnodes; i++) {
		sim_node_t *n = &s->nodes[i];
		if (fault_on(s, SIM_FAULT_PEERS, n->name))
			n->peers = clamp(n->peers, PEERS_FAULT_LO, PEERS_FAULT_HI);
		else
			n->peers = clamp(n->peers, PEERS_LO, PEERS_HI);
		if (n->role != SIM_ROLE_DIRECTOR)
			continue;
		if (fault_on(s, SIM_FAULT_VRAM, n->name)) {
			if (n->vram < VRAM_FAULT_LO)
				n->vram = VRAM_FAULT;
		} else if (n->vram > VRAM_HI) {
			/* The runaway process was restarted: memory is back to normal. */
			n->vram = n->vram_mean;
		}
	}
	stake_update(s);
}

sim_t *sim_new(uint64_t seed, double block_interval, double now)
{
	sim_t *s = xcalloc(1, sizeof *s);

	rng_seed(&s->rng, seed, 1);
	s->block_interval = block_interval;
	s->ticks_per_block = (unsigned)ceil(block_interval - 1e-9);
	if (s->ticks_per_block < 1)
		s->ticks_per_block = 1;
	s->tick_period = block_interval / s->ticks_per_block;
	s->block_height = 1200000 + rng_below(&s->rng, 800000);
	s->block_timestamp = floor(now * 1000.0) / 1000.0;

	s->nnodes = NNODES;
	s->nodes = xcalloc(NNODES, sizeof *s->nodes);
	for (size_t i = 0; i < NNODES; i++) {
		sim_node_t *n = &s->nodes[i];
		n->name = topology[i].name;
		n->region = topology[i].region;
		n->role = topology[i].role;
		/* Super-nodes relay for a region, so they see the most peers. */
		n->peers_mean = n->role == SIM_ROLE_SUPER_NODE ? rng_range(&s->rng, 30, 36)
			      : n->role == SIM_ROLE_DIRECTOR ? rng_range(&s->rng, 20, 28)
							      : rng_range(&s->rng, 16, 22);
		n->peers = n->peers_mean + rng_range(&s->rng, -3, 3);
		if (n->role == SIM_ROLE_DIRECTOR) {
			n->vram_mean = rng_range(&s->rng, 7.5e9, 9.0e9);
			n->vram = n->vram_mean + rng_range(&s->rng, -0.5e9, 0.5e9);
			hist_init(&n->gen, sim_gen_bounds, sim_gen_nbounds);
			hist_init(&n->bft, sim_bft_bounds, sim_bft_nbounds);
		}
	}
	/* Split each region's stake between its operators. */
	for (size_t r = 0; r < NREGIONS; r++) {
		double w[NNODES], total = 0;
		for (size_t i = 0; i < NNODES; i++) {
			sim_node_t *n = &s->nodes[i];
			w[i] = 0;
			if (has_stake(n) && !strcmp(n->region, regions[r])) {
				w[i] = rng_range(&s->rng, 0.8, 1.2);
				total += w[i];
			}
		}
		for (size_t i = 0; i < NNODES; i++)
			if (w[i] > 0)
				s->nodes[i].stake_base = round(REGION_STAKE * w[i] / total);
	}
	faults_apply(s);
	return s;
}

void sim_free(sim_t *s)
{
	if (!s)
		return;
	for (int f = 0; f < SIM_FAULT_COUNT; f++)
		free(s->faults[f].target);
	free(s->nodes);
	free(s);
}

/* Ornstein-Uhlenbeck step (z a standard normal draw): wanders, but always
 * drifts back to the mean, like a busy but healthy system. */
static double wander(double x, double mean, double theta, double sigma, double dt, double z)
{
	return x + theta * (mean - x) * dt + sigma * sqrt(dt) * z;
}

static void block_produce(sim_t *s, double now)
{
	s->block_height++;
	s->block_timestamp = floor(now * 1000.0) / 1000.0;
	for (size_t i = 0; i < s->nnodes; i++) {
		sim_node_t *n = &s->nodes[i];
		if (n->role != SIM_ROLE_DIRECTOR)
			continue;
		/* Draw the same numbers whatever the faults, so a fault on one
		 * director never reshuffles what the others do. */
		double g1 = rng_uniform(&s->rng), g2 = rng_uniform(&s->rng), g3 = rng_uniform(&s->rng);
		double b1 = rng_uniform(&s->rng), b2 = rng_uniform(&s->rng);
		hist_observe(&n->gen, round_ms(6.0 + 5.0 * (g1 + g2 + g3) / 3.0));
		if (fault_on(s, SIM_FAULT_BFT, n->name)) {
			/* Rounds run into the timeout and the slot is missed. */
			hist_observe(&n->bft, round_ms(11.0 + 3.0 * b1));
			n->bft_failures++;
			if (!s->faults[SIM_FAULT_BFT].slashed) {
				s->slashing_events++;
				s->faults[SIM_FAULT_BFT].slashed = true;
			}
		} else {
			hist_observe(&n->bft, round_ms(1.0 + 3.0 * (b1 + b2) / 2.0));
		}
	}
}

void sim_tick(sim_t *s, double now)
{
	double dt = s->tick_period;

	s->ticks++;
	for (size_t i = 0; i < s->nnodes; i++) {
		sim_node_t *n = &s->nodes[i];
		double np = rng_normal(&s->rng);
		if (fault_on(s, SIM_FAULT_PEERS, n->name))
			n->peers = clamp(n->peers + 0.5 * (4.5 - n->peers) + 0.7 * np,
					 PEERS_FAULT_LO, PEERS_FAULT_HI);
		else
			n->peers = clamp(wander(n->peers, n->peers_mean, 0.02, 0.5, dt, np), PEERS_LO, PEERS_HI);
		if (n->role == SIM_ROLE_DIRECTOR) {
			double nv = rng_normal(&s->rng);
			if (fault_on(s, SIM_FAULT_VRAM, n->name))
				n->vram = clamp(VRAM_FAULT + 0.05e9 * nv, VRAM_FAULT_LO, VRAM_FAULT_HI);
			else
				n->vram = clamp(wander(n->vram, n->vram_mean, 0.05, 0.12e9, dt, nv), VRAM_LO, VRAM_HI);
		}
		if (has_stake(n)) {
			double ns = rng_normal(&s->rng);
			n->stake_dev = clamp(wander(n->stake_dev, 0, 0.01, 0.001, dt, ns), -STAKE_DRIFT, STAKE_DRIFT);
		}
	}
	stake_update(s);
	if (s->ticks % s->ticks_per_block == 0 && !s->faults[SIM_FAULT_STALL].active)
		block_produce(s, now);
}

double sim_total_stake(const sim_t *s)
{
	double t = 0;
	for (size_t i = 0; i < s->nnodes; i++)
		if (has_stake(&s->nodes[i]))
			t += s->nodes[i].stake;
	return t;
}

int sim_fault_lookup(const char *name)
{
	for (int f = 0; f < SIM_FAULT_COUNT; f++)
		if (!strcmp(fault_names[f], name))
			return f;
	return -1;
}

const char *sim_fault_name(enum sim_fault f)
{
	return fault_names[f];
}

const char *sim_fault_list(void)
{
	return "vram, stall, bft, stake, peers, bigtrace";
}

static char *list_nodes(const sim_t *s, bool (*want)(const sim_node_t *))
{
	strbuf_t b;
	sb_init(&b);
	for (size_t i = 0; i < s->nnodes; i++)
		if (!want || want(&s->nodes[i]))
			sb_printf(&b, "%s%s", b.len ? ", " : "", s->nodes[i].name);
	return sb_steal(&b);
}

static bool is_director(const sim_node_t *n)
{
	return n->role == SIM_ROLE_DIRECTOR;
}

static bool is_substrate(const sim_node_t *n)
{
	return n->role == SIM_ROLE_SUBSTRATE;
}

/* Resolve and check a fault's target; returns the canonical name (static). */
static const char *target_check(const sim_t *s, enum sim_fault f, const char *target, char **err)
{
	const sim_node_t *n;
	bool (*want)(const sim_node_t *) = NULL;
	const char *need = NULL;

	if (f == SIM_FAULT_STAKE) {
		for (size_t r = 0; r < NREGIONS; r++)
			if (!strcmp(regions[r], target))
				return regions[r];
		/* A node names the region it stakes in. */
		n = sim_node_find(s, target);
		if (n && has_stake(n))
			return n->region;
		*err = xasprintf("unknown region '%s' for fault 'stake' (expected one of: "
				 "na-west, na-east, eu-west, eu-central, apac)", target);
		return NULL;
	}
	if (f == SIM_FAULT_VRAM || f == SIM_FAULT_BFT || f == SIM_FAULT_BIGTRACE) {
		want = is_director;
		need = "a director";
	} else if (f == SIM_FAULT_STALL) {
		want = is_substrate;
		need = "a substrate node";
	}
	n = sim_node_find(s, target);
	if (n && (!want || want(n)))
		return n->name;
	char *names = list_nodes(s, want);
	if (n)
		*err = xasprintf("fault '%s' needs %s, and '%s' is a %s (expected one of: %s)",
				 fault_names[f], need, n->name, sim_role_name(n->role), names);
	else
		*err = xasprintf("unknown node '%s' for fault '%s' (expected one of: %s)",
				 target, fault_names[f], names);
	free(names);
	return NULL;
}

int sim_fault_set(sim_t *s, enum sim_fault f, const char *target, char **err)
{
	const char *name = target_check(s, f, target ? target : fault_defaults[f], err);
	sim_fault_state_t *st = &s->faults[f];

	if (!name)
		return -1;
	if (st->active && !strcmp(st->target, name))
		return 0; /* already on: a repeat must not slash again */
	free(st->target);
	st->target = xstrdup(name);
	st->active = true;
	st->slashed = false;
	faults_apply(s);
	return 0;
}

bool sim_fault_clear(sim_t *s, enum sim_fault f)
{
	sim_fault_state_t *st = &s->faults[f];
	bool was = st->active;

	st->active = false;
	st->slashed = false;
	free(st->target);
	st->target = NULL;
	faults_apply(s);
	return was;
}

void sim_fault_reset(sim_t *s)
{
	for (int f = 0; f < SIM_FAULT_COUNT; f++)
		sim_fault_clear(s, f);
}
