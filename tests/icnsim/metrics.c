/* Prometheus text format for icnsim: one family after another, HELP and TYPE first. */
#include "config.h"
#include "metrics.h"
#include <math.h>
#include <stdlib.h>

static void put_value(strbuf_t *b, double v)
{
	if (isnan(v))
		sb_puts(b, "NaN");
	else if (isinf(v))
		sb_puts(b, v > 0 ? "+Inf" : "-Inf");
	else if (v == floor(v) && fabs(v) < 1e15)
		sb_printf(b, "%.0f", v);
	else
		/* 15 digits print millisecond sums without binary noise. */
		sb_printf(b, "%.15g", v);
}

static void put_label_value(strbuf_t *b, const char *v)
{
	for (; *v; v++) {
		if (*v == '\\')
			sb_puts(b, "\\\\");
		else if (*v == '"')
			sb_puts(b, "\\\"");
		else if (*v == '\n')
			sb_puts(b, "\\n");
		else
			sb_add(b, v, 1);
	}
}

static void put_family(strbuf_t *b, const char *name, const char *type, const char *help)
{
	sb_printf(b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* One sample. `le` adds the bucket label; `role` is for per-node gauges. */
static void put_sample(strbuf_t *b, const char *name, const sim_node_t *n, bool role,
		       const char *le, double v)
{
	sb_puts(b, name);
	if (n || le) {
		const char *sep = "";
		sb_puts(b, "{");
		if (n) {
			sb_puts(b, "node=\"");
			put_label_value(b, n->name);
			sb_puts(b, "\",region=\"");
			put_label_value(b, n->region);
			sb_puts(b, "\"");
			if (role) {
				sb_puts(b, ",role=\"");
				put_label_value(b, sim_role_name(n->role));
				sb_puts(b, "\"");
			}
			sep = ",";
		}
		if (le)
			sb_printf(b, "%sle=\"%s\"", sep, le);
		sb_puts(b, "}");
	}
	sb_puts(b, " ");
	put_value(b, v);
	sb_puts(b, "\n");
}

static void put_histogram(strbuf_t *b, const char *name, const sim_node_t *n, const sim_hist_t *h)
{
	char *bucket = xasprintf("%s_bucket", name);
	char *sum = xasprintf("%s_sum", name);
	char *count = xasprintf("%s_count", name);
	uint64_t cum = 0;

	for (size_t i = 0; i <= h->nbounds; i++) {
		cum += h->counts[i];
		if (i < h->nbounds) {
			char *le = xasprintf("%g", h->bounds[i]);
			put_sample(b, bucket, n, false, le, (double)cum);
			free(le);
		} else {
			put_sample(b, bucket, n, false, "+Inf", (double)cum);
		}
	}
	put_sample(b, sum, n, false, NULL, h->sum);
	put_sample(b, count, n, false, NULL, (double)h->count);
	free(bucket);
	free(sum);
	free(count);
}

void metrics_render(const sim_t *s, strbuf_t *out)
{
	const sim_node_t *chain = NULL;
	size_t i;

	for (i = 0; i < s->nnodes; i++)
		if (s->nodes[i].role == SIM_ROLE_SUBSTRATE)
			chain = &s->nodes[i];

	put_family(out, "substrate_block_height", "gauge", "Height of the best block this node has imported.");
	put_sample(out, "substrate_block_height", chain, true, NULL, (double)s->block_height);
	put_family(out, "substrate_block_timestamp", "gauge", "Unix time in seconds of the newest block.");
	put_sample(out, "substrate_block_timestamp", chain, true, NULL, s->block_timestamp);

	put_family(out, "icn_p2p_connected_peers", "gauge", "Peers this node is connected to on the P2P mesh.");
	for (i = 0; i < s->nnodes; i++)
		put_sample(out, "icn_p2p_connected_peers", &s->nodes[i], true, NULL, round(s->nodes[i].peers));

	put_family(out, "icn_vortex_vram_usage_bytes", "gauge", "GPU memory in use by Vortex, in bytes.");
	for (i = 0; i < s->nnodes; i++)
		if (s->nodes[i].role == SIM_ROLE_DIRECTOR)
			put_sample(out, "icn_vortex_vram_usage_bytes", &s->nodes[i], false, NULL,
				   round(s->nodes[i].vram));

	put_family(out, "icn_vortex_generation_time_seconds", "histogram", "Vortex generation time per slot, in seconds.");
	for (i = 0; i < s->nnodes; i++)
		if (s->nodes[i].role == SIM_ROLE_DIRECTOR)
			put_histogram(out, "icn_vortex_generation_time_seconds", &s->nodes[i], &s->nodes[i].gen);

	put_family(out, "icn_bft_round_duration_seconds", "histogram", "Duration of BFT consensus rounds, in seconds.");
	for (i = 0; i < s->nnodes; i++)
		if (s->nodes[i].role == SIM_ROLE_DIRECTOR)
			put_histogram(out, "icn_bft_round_duration_seconds", &s->nodes[i], &s->nodes[i].bft);

	put_family(out, "icn_bft_failures_total", "counter", "BFT rounds that failed: the director missed its slot.");
	for (i = 0; i < s->nnodes; i++)
		if (s->nodes[i].role == SIM_ROLE_DIRECTOR)
			put_sample(out, "icn_bft_failures_total", &s->nodes[i], false, NULL,
				   (double)s->nodes[i].bft_failures);

	put_family(out, "icn_staked_amount", "gauge", "Tokens staked by the operator of this node.");
	for (i = 0; i < s->nnodes; i++)
		if (s->nodes[i].role != SIM_ROLE_SUBSTRATE)
			put_sample(out, "icn_staked_amount", &s->nodes[i], false, NULL, s->nodes[i].stake);

	put_family(out, "icn_total_staked_tokens", "gauge", "Tokens staked in the whole network.");
	put_sample(out, "icn_total_staked_tokens", NULL, false, NULL, sim_total_stake(s));

	put_family(out, "icn_slashing_events_total", "counter", "Slashing events since the node started.");
	put_sample(out, "icn_slashing_events_total", NULL, false, NULL, (double)s->slashing_events);
}
