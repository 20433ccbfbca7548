/* Jaeger's query API as PROTOCOLS.md describes it, over icnsim's slots.
 *
 * One trace per slot (ICN.md "Traces"), never stored: it is rebuilt on
 * demand from the slot's record in the logs (logs_slot_t: the time of its
 * lines, the generation times they gave, the faults they reflected) and an
 * rng seeded with (--seed, slot). Its trace id and the ids of its four steps
 * are logs_slot_ids()'s, the ones the slot's log lines carry:
 *
 *   recipe received  (icn-director, the slot's leader; root; it ends when
 *                     the slot's lines are written: they report what happened)
 *     vortex.generate (icn-vortex; as long as the log line says; an error
 *                      under the vram fault)
 *     bft.coordinate  (icn-director, the leader; an error under the bft fault)
 *       bft.round x directors (icn-director, each peer; the bft-faulted
 *                      director's round times out: error=true, a log event)
 *     p2p.publish     (icn-super-node; CHILD_OF recipe, FOLLOWS_FROM bft.coordinate)
 *
 * Under the bigtrace fault the rounds retry until the trace holds
 * JAEGER_BIG_SPANS spans.
 *
 * v1 answers: the envelope {"data","total","limit","offset","errors"}, and
 * errors as Go's http.Error writes them (text/plain, the envelope and "\n").
 * api_v3 answers OTLP JSON as the gateway's jsonpb writes it: enums as ints,
 * 64-bit integers and times as strings, ids in hex, empty lists left out;
 * errors {"error":{"httpCode","message"}} through http.Error, and "No traces
 * found" (404) for any call that finds none. Parameters by their camelCase
 * names, snake_case accepted (the gateway's deprecated aliases).
 *
 * Documents are written straight into the response buffer (a 10,000-span
 * trace is a few MB; jansson's tree of it would cost more than the writing). */
#include "config.h"
#include "jaeger.h"
#include "core/xalloc.h"
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define V1_DEFAULT_LIMIT 100
#define V3_DEFAULT_DEPTH 20
#define MAX_LIMIT 1000            /* traces per search, whatever limit asks */
#define MAX_SEARCH_SPANS 50000 /* spans per search answer (the first trace always): five big traces at most */
#define LOOKBACK_US (2LL * 86400 * 1000000)
#define TRACE_SPAN_US (120LL * 1000000) /* no trace lasts longer */
#define TRACE_STREAM (1ULL << 40) /* rng streams of the traces: TRACE_STREAM + slot */
#define MAX_PROCS 16
/* The gateway writes its jsonpb answers without a Content-Type: Go sniffs this one. */
#define V3_CONTENT_TYPE "text/plain; charset=utf-8"

static const char BFT_REASON[] = "BFT consensus failed: timeout waiting for 2/3 precommits";
static const char RETRY_REASON[] = "BFT round timed out: retrying";
static const char VRAM_REASON[] = "CUDA out of memory: tried to allocate 512.00 MiB";

/* A route's handler behind the credential check. */
typedef struct {
	jaeger_t *j;
	srv_handler_fn fn;
} jroute_t;

struct jaeger {
	logs_t *logs;
	const sim_t *sim;
	unsigned apis;
	const simauth_t *auth; /* NULL: no credentials asked */
	jroute_t routes[9];
	int dirs[LOGS_SLOT_NODES], supers[LOGS_SLOT_NODES];
	int ndirs, nsupers;
};

enum svc { SVC_DIRECTOR, SVC_SUPER_NODE, SVC_VORTEX, NSVC };
static const char *const svc_names[NSVC] = { "icn-director", "icn-super-node", "icn-vortex" }; /* sorted */

enum op { OP_RECIPE, OP_GENERATE, OP_COORD, OP_ROUND, OP_PUBLISH, NOPS };
static const struct {
	const char *name;
	enum svc svc;
	const char *kind; /* v1's spanKind */
	int otlp_kind;    /* SPAN_KIND_*: 1 internal, 2 server, 3 client, 4 producer */
} ops[NOPS] = {
	[OP_RECIPE] = { "recipe received", SVC_DIRECTOR, "server", 2 },
	[OP_GENERATE] = { "vortex.generate", SVC_VORTEX, "server", 2 },
	[OP_COORD] = { "bft.coordinate", SVC_DIRECTOR, "internal", 1 },
	[OP_ROUND] = { "bft.round", SVC_DIRECTOR, "client", 3 },
	[OP_PUBLISH] = { "p2p.publish", SVC_SUPER_NODE, "producer", 4 },
};
/* Operations by name, as Jaeger lists them. */
static const enum op ops_sorted[NOPS] = { OP_COORD, OP_ROUND, OP_PUBLISH, OP_RECIPE, OP_GENERATE };

typedef struct {
	enum svc svc;
	int node; /* sim node index; a vortex is its director's */
} jproc_t;

typedef struct {
	uint64_t id, parent, follows;
	int64_t start, dur; /* µs */
	uint8_t op, proc;
	bool error;
	int32_t attempt; /* bft.round: from 1 */
	int32_t retries; /* bft.coordinate */
	float gen;       /* vortex.generate: seconds, 0 when it failed */
	const char *reason;
} jspan_t;

typedef struct {
	uint64_t slot, hi, lo;
	jproc_t procs[MAX_PROCS];
	int nprocs;
	jspan_t *spans;
	size_t n;
} jtrace_t;

typedef struct {
	const char *key;
	char type; /* s string, i int64, b bool, f float64 */
	const char *s;
	int64_t i;
	double f;
} jtag_t;

/* ---- building ---- */

static int proc_get(jtrace_t *t, enum svc svc, int node)
{
	for (int i = 0; i < t->nprocs; i++)
		if (t->procs[i].svc == svc && t->procs[i].node == node)
			return i;
	t->procs[t->nprocs] = (jproc_t){ svc, node };
	return t->nprocs++;
}

static uint64_t fresh_id(rng_t *r)
{
	uint64_t v;
	do
		v = rng_next(r);
	while (!v);
	return v;
}

static void trace_build(const jaeger_t *j, const logs_slot_t *rec, jtrace_t *t)
{
	char tid[33], sid[4][17];
	rng_t r;
	const int nd = j->ndirs;
	const bool big = rec->bigtrace >= 0;
	const size_t nrounds = big ? JAEGER_BIG_SPANS - 4 : (size_t)nd;
	const size_t attempts = (nrounds + (size_t)nd - 1) / (size_t)nd;
	const int leader = j->dirs[rec->slot % (uint64_t)nd];
	const int gnode = rec->vram >= 0 ? rec->vram : leader;
	const int64_t t0 = rec->ns / 1000;

	for (int k = 0; k < 4; k++)
		logs_slot_ids(j->logs->seed, rec->slot, k, k ? NULL : tid, sid[k]);
	memset(t, 0, sizeof *t);
	t->slot = rec->slot;
	char hi[17];
	memcpy(hi, tid, 16);
	hi[16] = 0;
	t->hi = strtoull(hi, NULL, 16);
	t->lo = strtoull(tid + 16, NULL, 16);
	rng_seed(&r, j->logs->seed, TRACE_STREAM + rec->slot);
	t->spans = xcalloc(4 + nrounds, sizeof *t->spans);

	jspan_t *recipe = &t->spans[t->n++];
	recipe->id = strtoull(sid[0], NULL, 16);
	recipe->op = OP_RECIPE;
	recipe->proc = (uint8_t)proc_get(t, SVC_DIRECTOR, leader);
	recipe->start = t0;

	jspan_t *gen = &t->spans[t->n++];
	gen->id = strtoull(sid[1], NULL, 16);
	gen->parent = recipe->id;
	gen->op = OP_GENERATE;
	gen->proc = (uint8_t)proc_get(t, SVC_VORTEX, gnode);
	gen->start = t0 + 800 + (int64_t)rng_below(&r, 1500);
	if (rec->vram >= 0) {
		gen->dur = 400000 + (int64_t)rng_below(&r, 800000);
		gen->error = true;
		gen->reason = VRAM_REASON;
	} else {
		double g = rec->gen[gnode] > 0 ? rec->gen[gnode] : 6.0 + 5.0 * rng_uniform(&r);
		gen->gen = (float)g;
		gen->dur = llround(g * 1000.0) * 1000;
	}

	jspan_t *coord = &t->spans[t->n++];
	coord->id = strtoull(sid[2], NULL, 16);
	coord->parent = recipe->id;
	coord->op = OP_COORD;
	coord->proc = recipe->proc;
	coord->start = gen->start + gen->dur + 300 + (int64_t)rng_below(&r, 900);
	coord->retries = (int32_t)(attempts - 1);

	int64_t end = coord->start;
	for (size_t i = 0; i < nrounds; i++) {
		size_t a = i / (size_t)nd;
		int peer = j->dirs[i % (size_t)nd];
		jspan_t *s = &t->spans[t->n++];
		s->id = fresh_id(&r);
		s->parent = coord->id;
		s->op = OP_ROUND;
		s->proc = (uint8_t)proc_get(t, SVC_DIRECTOR, peer);
		s->attempt = (int32_t)a + 1;
		s->start = coord->start + 100 + (int64_t)a * 6000 + (int64_t)rng_below(&r, 300);
		if (a + 1 < attempts) {
			/* a retried attempt: the storm's director times out after 5 ms */
			if (peer == rec->bigtrace) {
				s->dur = 5000;
				s->error = true;
				s->reason = RETRY_REASON;
			} else {
				s->dur = 500 + (int64_t)rng_below(&r, 3000);
			}
		} else if (peer == rec->bft) {
			s->dur = 11000000 + (int64_t)rng_below(&r, 3000000);
			s->error = true;
			s->reason = BFT_REASON;
			coord->error = true;
			coord->reason = BFT_REASON;
		} else {
			s->dur = 1000000 + (int64_t)rng_below(&r, 3000000);
		}
		if (s->start + s->dur > end)
			end = s->start + s->dur;
	}
	coord->dur = end - coord->start + 200 + (int64_t)rng_below(&r, 500);

	jspan_t *pub = &t->spans[t->n++];
	pub->id = strtoull(sid[3], NULL, 16);
	pub->parent = recipe->id;
	pub->follows = coord->id;
	pub->op = OP_PUBLISH;
	pub->proc = (uint8_t)proc_get(t, SVC_SUPER_NODE, j->supers[rec->slot % (uint64_t)j->nsupers]);
	pub->start = coord->start + coord->dur + 300 + (int64_t)rng_below(&r, 900);
	pub->dur = 50000 + (int64_t)rng_below(&r, 200000);
	recipe->dur = pub->start + pub->dur - t0 + 100 + (int64_t)rng_below(&r, 400);
	/* The slot's lines report what happened: the trace ends when they are written. */
	int64_t shift = t0 - (recipe->start + recipe->dur);
	for (size_t i = 0; i < t->n; i++)
		t->spans[i].start += shift;
}

static void trace_free(jtrace_t *t)
{
	free(t->spans);
	t->spans = NULL;
}

static const char *proc_host(const jaeger_t *j, const jproc_t *p, char buf[32])
{
	const sim_node_t *n = &j->sim->nodes[p->node];

	if (p->svc == SVC_VORTEX) {
		snprintf(buf, 32, "vortex-%s", n->name + strlen("director-"));
		return buf;
	}
	return n->name;
}

/* Process tags (v1) = resource attributes (v3) after service.name. */
static size_t proc_tags(const jaeger_t *j, const jproc_t *p, jtag_t out[4], char buf[32])
{
	const char *host = proc_host(j, p, buf);

	out[0] = (jtag_t){ .key = "hostname", .type = 's', .s = host };
	out[1] = (jtag_t){ .key = "namespace", .type = 's', .s = "icn" };
	out[2] = (jtag_t){ .key = "pod", .type = 's', .s = host };
	out[3] = (jtag_t){ .key = "region", .type = 's', .s = j->sim->nodes[p->node].region };
	return 4;
}

/* A span's tags; `v1` adds span.kind and error, which v3 carries as kind and status. */
static size_t span_tags(const jaeger_t *j, const jtrace_t *t, const jspan_t *s, bool v1, jtag_t out[8], char buf[32])
{
	size_t n = 0;

	out[n++] = (jtag_t){ .key = "slot", .type = 'i', .i = (int64_t)t->slot };
	out[n++] = (jtag_t){ .key = "node", .type = 's', .s = proc_host(j, &t->procs[s->proc], buf) };
	if (v1)
		out[n++] = (jtag_t){ .key = "span.kind", .type = 's', .s = ops[s->op].kind };
	if (s->op == OP_GENERATE && !s->error)
		out[n++] = (jtag_t){ .key = "generation.seconds", .type = 'f', .f = round((double)s->gen * 1000) / 1000 };
	if (s->op == OP_ROUND)
		out[n++] = (jtag_t){ .key = "attempt", .type = 'i', .i = s->attempt };
	if (s->op == OP_COORD) {
		out[n++] = (jtag_t){ .key = "directors", .type = 'i', .i = j->ndirs };
		out[n++] = (jtag_t){ .key = "retries", .type = 'i', .i = s->retries };
	}
	if (v1 && s->error)
		out[n++] = (jtag_t){ .key = "error", .type = 'b', .i = 1 };
	return n;
}

/* ---- writing ---- */

/* A JSON string as Go's encoder writes it (<, >, & escaped too). */
static void w_str(strbuf_t *b, const char *s)
{
	const char *run = s;

	sb_add(b, "\"", 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c >= 0x20 && c != '"' && c != '\\' && c != '<' && c != '>' && c != '&')
			continue;
		sb_add(b, run, (size_t)(s - run));
		run = s + 1;
		if (c == '"')
			sb_add(b, "\\\"", 2);
		else if (c == '\\')
			sb_add(b, "\\\\", 2);
		else if (c == '\n')
			sb_add(b, "\\n", 2);
		else if (c == '\t')
			sb_add(b, "\\t", 2);
		else if (c == '\r')
			sb_add(b, "\\r", 2);
		else
			sb_printf(b, "\\u%04x", c);
	}
	sb_add(b, run, (size_t)(s - run));
	sb_add(b, "\"", 1);
}

static void w_lit(strbuf_t *b, const char *s)
{
	sb_add(b, s, strlen(s));
}

static void w_i64(strbuf_t *b, int64_t v)
{
	char buf[24];
	int n = snprintf(buf, sizeof buf, "%" PRId64, v);
	sb_add(b, buf, (size_t)n);
}

static void w_hex16(strbuf_t *b, uint64_t v)
{
	char buf[17];
	snprintf(buf, sizeof buf, "%016" PRIx64, v);
	sb_add(b, buf, 16);
}

static void w_float(strbuf_t *b, double f)
{
	char buf[32];
	/* shortest form that reads back, as Go's strconv 'g' -1 */
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, sizeof buf, "%.*g", prec, f);
		if (strtod(buf, NULL) == f)
			break;
	}
	w_lit(b, buf);
}

static void tag_value_string(const jtag_t *t, char buf[40], const char **out)
{
	switch (t->type) {
	case 's':
		*out = t->s;
		return;
	case 'b':
		*out = t->i ? "true" : "false";
		return;
	case 'i':
		snprintf(buf, 40, "%" PRId64, t->i);
		break;
	default:
		snprintf(buf, 40, "%.17g", t->f);
		for (int prec = 1; prec <= 17; prec++) {
			snprintf(buf, 40, "%.*g", prec, t->f);
			if (strtod(buf, NULL) == t->f)
				break;
		}
		break;
	}
	*out = buf;
}

static void w_tag_v1(strbuf_t *b, const jtag_t *t)
{
	w_lit(b, "{\"key\":");
	w_str(b, t->key);
	switch (t->type) {
	case 's':
		w_lit(b, ",\"type\":\"string\",\"value\":");
		w_str(b, t->s);
		break;
	case 'b':
		w_lit(b, t->i ? ",\"type\":\"bool\",\"value\":true" : ",\"type\":\"bool\",\"value\":false");
		break;
	case 'i':
		w_lit(b, ",\"type\":\"int64\",\"value\":");
		if (t->i > 9007199254740991LL || t->i < -9007199254740991LL) {
			sb_add(b, "\"", 1);
			w_i64(b, t->i);
			sb_add(b, "\"", 1);
		} else {
			w_i64(b, t->i);
		}
		break;
	default:
		w_lit(b, ",\"type\":\"float64\",\"value\":");
		w_float(b, t->f);
		break;
	}
	sb_add(b, "}", 1);
}

static void w_tags_v1(strbuf_t *b, const jtag_t *t, size_t n)
{
	sb_add(b, "[", 1);
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_add(b, ",", 1);
		w_tag_v1(b, &t[i]);
	}
	sb_add(b, "]", 1);
}

static void w_trace_id(strbuf_t *b, const jtrace_t *t)
{
	sb_add(b, "\"", 1);
	w_hex16(b, t->hi);
	w_hex16(b, t->lo);
	sb_add(b, "\"", 1);
}

static void w_ref_v1(strbuf_t *b, const jtrace_t *t, const char *type, uint64_t span)
{
	w_lit(b, "{\"refType\":\"");
	w_lit(b, type);
	w_lit(b, "\",\"traceID\":");
	w_trace_id(b, t);
	w_lit(b, ",\"spanID\":\"");
	w_hex16(b, span);
	w_lit(b, "\"}");
}

/* One Trace of the v1 API (Jaeger UI's model). */
static void w_trace_v1(strbuf_t *b, const jaeger_t *j, const jtrace_t *t)
{
	jtag_t tags[8];
	char buf[32];

	w_lit(b, "{\"traceID\":");
	w_trace_id(b, t);
	w_lit(b, ",\"spans\":[");
	for (size_t i = 0; i < t->n; i++) {
		const jspan_t *s = &t->spans[i];
		if (i)
			sb_add(b, ",", 1);
		w_lit(b, "{\"traceID\":");
		w_trace_id(b, t);
		w_lit(b, ",\"spanID\":\"");
		w_hex16(b, s->id);
		w_lit(b, "\",\"flags\":1,\"operationName\":");
		w_str(b, ops[s->op].name);
		w_lit(b, ",\"references\":[");
		if (s->parent)
			w_ref_v1(b, t, "CHILD_OF", s->parent);
		if (s->follows) {
			if (s->parent)
				sb_add(b, ",", 1);
			w_ref_v1(b, t, "FOLLOWS_FROM", s->follows);
		}
		w_lit(b, "],\"startTime\":");
		w_i64(b, s->start);
		w_lit(b, ",\"duration\":");
		w_i64(b, s->dur);
		w_lit(b, ",\"tags\":");
		w_tags_v1(b, tags, span_tags(j, t, s, true, tags, buf));
		w_lit(b, ",\"logs\":[");
		if (s->reason) {
			w_lit(b, "{\"timestamp\":");
			w_i64(b, s->start + s->dur);
			w_lit(b, ",\"fields\":[{\"key\":\"event\",\"type\":\"string\",\"value\":");
			w_str(b, s->reason);
			w_lit(b, "},{\"key\":\"level\",\"type\":\"string\",\"value\":\"error\"}]}");
		}
		w_lit(b, "],\"processID\":\"p");
		w_i64(b, s->proc + 1);
		w_lit(b, "\",\"warnings\":null}");
	}
	w_lit(b, "],\"processes\":{");
	for (int p = 0; p < t->nprocs; p++) {
		if (p)
			sb_add(b, ",", 1);
		w_lit(b, "\"p");
		w_i64(b, p + 1);
		w_lit(b, "\":{\"serviceName\":");
		w_str(b, svc_names[t->procs[p].svc]);
		w_lit(b, ",\"tags\":");
		w_tags_v1(b, tags, proc_tags(j, &t->procs[p], tags, buf));
		sb_add(b, "}", 1);
	}
	w_lit(b, "},\"warnings\":null}");
}

static void w_attr_v3(strbuf_t *b, const jtag_t *t)
{
	w_lit(b, "{\"key\":");
	w_str(b, t->key);
	switch (t->type) {
	case 's':
		w_lit(b, ",\"value\":{\"stringValue\":");
		w_str(b, t->s);
		break;
	case 'b':
		w_lit(b, t->i ? ",\"value\":{\"boolValue\":true" : ",\"value\":{\"boolValue\":false");
		break;
	case 'i':
		w_lit(b, ",\"value\":{\"intValue\":\"");
		w_i64(b, t->i);
		sb_add(b, "\"", 1);
		break;
	default:
		w_lit(b, ",\"value\":{\"doubleValue\":");
		w_float(b, t->f);
		break;
	}
	w_lit(b, "}}");
}

static void w_attrs_v3(strbuf_t *b, const jtag_t *t, size_t n)
{
	w_lit(b, "\"attributes\":[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_add(b, ",", 1);
		w_attr_v3(b, &t[i]);
	}
	sb_add(b, "]", 1);
}

static void w_ns(strbuf_t *b, int64_t us)
{
	sb_add(b, "\"", 1);
	w_i64(b, us * 1000);
	sb_add(b, "\"", 1);
}

/* A trace's resourceSpans (one per process), comma-separated after `first` is false. */
static void w_trace_v3(strbuf_t *b, const jaeger_t *j, const jtrace_t *t, bool *first)
{
	jtag_t tags[8], stags[8];
	char buf[32], sbuf[32];

	for (int p = 0; p < t->nprocs; p++) {
		size_t nt = proc_tags(j, &t->procs[p], tags + 1, buf) + 1;
		bool firstspan = true;

		tags[0] = (jtag_t){ .key = "service.name", .type = 's', .s = svc_names[t->procs[p].svc] };
		if (!*first)
			sb_add(b, ",", 1);
		*first = false;
		w_lit(b, "{\"resource\":{");
		w_attrs_v3(b, tags, nt);
		w_lit(b, "},\"scopeSpans\":[{\"scope\":{},\"spans\":[");
		for (size_t i = 0; i < t->n; i++) {
			const jspan_t *s = &t->spans[i];
			if (s->proc != p)
				continue;
			if (!firstspan)
				sb_add(b, ",", 1);
			firstspan = false;
			w_lit(b, "{\"traceId\":");
			w_trace_id(b, t);
			w_lit(b, ",\"spanId\":\"");
			w_hex16(b, s->id);
			sb_add(b, "\"", 1);
			if (s->parent) {
				w_lit(b, ",\"parentSpanId\":\"");
				w_hex16(b, s->parent);
				sb_add(b, "\"", 1);
			}
			w_lit(b, ",\"name\":");
			w_str(b, ops[s->op].name);
			w_lit(b, ",\"kind\":");
			w_i64(b, ops[s->op].otlp_kind);
			w_lit(b, ",\"startTimeUnixNano\":");
			w_ns(b, s->start);
			w_lit(b, ",\"endTimeUnixNano\":");
			w_ns(b, s->start + s->dur);
			sb_add(b, ",", 1);
			w_attrs_v3(b, stags, span_tags(j, t, s, false, stags, sbuf));
			if (s->reason) {
				w_lit(b, ",\"events\":[{\"timeUnixNano\":");
				w_ns(b, s->start + s->dur);
				w_lit(b, ",\"name\":");
				w_str(b, s->reason);
				w_lit(b, ",\"attributes\":[{\"key\":\"level\",\"value\":{\"stringValue\":\"error\"}}]}]");
			}
			if (s->follows) {
				w_lit(b, ",\"links\":[{\"traceId\":");
				w_trace_id(b, t);
				w_lit(b, ",\"spanId\":\"");
				w_hex16(b, s->follows);
				w_lit(b, "\",\"attributes\":[{\"key\":\"opentracing.ref_type\",\"value\":{\"stringValue\":"
					 "\"follows_from\"}}]}]");
			}
			w_lit(b, s->error ? ",\"status\":{\"code\":2}}" : ",\"status\":{}}");
		}
		w_lit(b, "]}]}");
	}
}

/* ---- responses ---- */

static strbuf_t *body_begin(srv_response_t *resp, int status, const char *ct)
{
	resp->status = status;
	resp->content_type = ct;
	resp->body.len = 0;
	return &resp->body;
}

/* v1's errors: http.Error(w, json, code), so text/plain and a final newline. */
static void v1_error(srv_response_t *resp, int code, const char *msg, const char *trace_id)
{
	strbuf_t *b = body_begin(resp, code, "text/plain; charset=utf-8");

	w_lit(b, "{\"data\":null,\"total\":0,\"limit\":0,\"offset\":0,\"errors\":[{\"code\":");
	w_i64(b, code);
	w_lit(b, ",\"msg\":");
	w_str(b, msg);
	if (trace_id) {
		w_lit(b, ",\"traceID\":");
		w_str(b, trace_id);
	}
	w_lit(b, "}]}\n");
}

/* api_v3's errors: encoding/json of {"error":{"httpCode","message"}} through http.Error. */
static void v3_error(srv_response_t *resp, int code, const char *msg)
{
	strbuf_t *b = body_begin(resp, code, "text/plain; charset=utf-8");

	w_lit(b, "{\"error\":{\"httpCode\":");
	w_i64(b, code);
	w_lit(b, ",\"message\":");
	w_str(b, msg);
	w_lit(b, "}}\n");
}

/* ---- parameters ---- */

/* Go's strconv.ParseInt(s, 10, 64) and its errors. */
static char *parse_int(const char *v, int64_t *out)
{
	char *end;

	errno = 0;
	long long n = v[0] && !isspace((unsigned char)v[0]) ? strtoll(v, &end, 10) : 0;
	if (!v[0] || isspace((unsigned char)v[0]) || *end || end == v)
		return xasprintf("strconv.ParseInt: parsing \"%s\": invalid syntax", v);
	if (errno == ERANGE)
		return xasprintf("strconv.ParseInt: parsing \"%s\": value out of range", v);
	*out = n;
	return NULL;
}

/* Go's time.ParseDuration: returns NULL and *ns, or the error (caller frees). */
static char *parse_go_duration(const char *orig, int64_t *ns)
{
	static const struct {
		const char *unit;
		double ns;
	} units[] = { { "ns", 1 }, { "us", 1e3 }, { "\xc2\xb5s", 1e3 }, { "\xce\xbcs", 1e3 }, { "ms", 1e6 },
		      { "s", 1e9 }, { "m", 60e9 }, { "h", 3600e9 } };
	const char *s = orig;
	double total = 0;
	bool neg = false;

	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (!strcmp(s, "0")) {
		*ns = 0;
		return NULL;
	}
	if (!*s)
		return xasprintf("time: invalid duration \"%s\"", orig);
	while (*s) {
		const char *p = s;
		double v = 0, scale = 1;
		bool digits = false;
		while (isdigit((unsigned char)*p)) {
			v = v * 10 + (*p++ - '0');
			digits = true;
		}
		if (*p == '.') {
			p++;
			while (isdigit((unsigned char)*p)) {
				scale /= 10;
				v += (*p++ - '0') * scale;
				digits = true;
			}
		}
		if (!digits)
			return xasprintf("time: invalid duration \"%s\"", orig);
		const char *u = p;
		while (*p && *p != '.' && !isdigit((unsigned char)*p))
			p++;
		if (p == u)
			return xasprintf("time: missing unit in duration \"%s\"", orig);
		size_t k, ulen = (size_t)(p - u);
		for (k = 0; k < sizeof units / sizeof units[0]; k++)
			if (strlen(units[k].unit) == ulen && !strncmp(units[k].unit, u, ulen))
				break;
		if (k == sizeof units / sizeof units[0])
			return xasprintf("time: unknown unit \"%.*s\" in duration \"%s\"", (int)ulen, u, orig);
		total += v * units[k].ns;
		if (total > 9.2e18)
			return xasprintf("time: invalid duration \"%s\"", orig);
		s = p;
	}
	*ns = (int64_t)llround(neg ? -total : total);
	return NULL;
}

/* model.TraceIDFromString: 1 to 32 hex digits. */
static char *parse_trace_id(const char *s, uint64_t *hi, uint64_t *lo)
{
	size_t len = strlen(s);
	char part[33];

	*hi = *lo = 0;
	if (len > 32)
		return xasprintf("TraceID cannot be longer than 32 hex characters: %s", s);
	for (int k = 0; k < 2; k++) {
		size_t from = k == 0 ? 0 : (len > 16 ? len - 16 : 0), to = k == 0 ? (len > 16 ? len - 16 : 0) : len;
		char *end;
		if (k == 0 && len <= 16)
			continue;
		memcpy(part, s + from, to - from);
		part[to - from] = 0;
		errno = 0;
		uint64_t v = strtoull(part, &end, 16);
		bool hex = part[0] != 0;
		for (const char *p = part; *p; p++)
			hex = hex && isxdigit((unsigned char)*p);
		if (!hex)
			return xasprintf("strconv.ParseUint: parsing \"%s\": invalid syntax", part);
		*(k == 0 ? hi : lo) = v;
	}
	return NULL;
}

/* Go's time.Parse(time.RFC3339Nano, v), in µs. */
static char *parse_rfc3339(const char *v, int64_t *us)
{
	struct tm tm;
	const char *p;
	int64_t frac = 0, scale = 100000000, off = 0;

	memset(&tm, 0, sizeof tm);
	p = strlen(v) >= 19 && v[4] == '-' && v[7] == '-' && v[10] == 'T' ? strptime(v, "%Y-%m-%dT%H:%M:%S", &tm)
									 : NULL;
	if (!p)
		goto bad;
	if (*p == '.') {
		if (!isdigit((unsigned char)p[1]))
			goto bad;
		for (p++; isdigit((unsigned char)*p); p++, scale /= 10)
			frac += (*p - '0') * scale;
	}
	if (*p == 'Z')
		p++;
	else if ((*p == '+' || *p == '-') && strlen(p) == 6 && p[3] == ':') {
		int hh, mm;
		if (sscanf(p + 1, "%2d:%2d", &hh, &mm) != 2)
			goto bad;
		off = (hh * 3600 + mm * 60) * (*p == '-' ? -1 : 1);
		p += 6;
	} else
		goto bad;
	if (*p)
		goto bad;
	*us = ((int64_t)timegm(&tm) - off) * 1000000 + frac / 1000;
	return NULL;
bad:
	return xasprintf("parsing time \"%s\" as \"2006-01-02T15:04:05.999999999Z07:00\": cannot parse \"%s\" as "
			 "\"2006\"",
			 v, v);
}

typedef struct {
	const char *service, *operation;
	char **keys, **vals;
	size_t ntags;
	int64_t start, end;    /* µs, inclusive */
	int64_t min, max;      /* µs, -1 for none */
	size_t limit;
	uint64_t *ids_hi, *ids_lo; /* v1 traceID= */
	size_t nids;
} jquery_t;

static void query_free(jquery_t *q)
{
	for (size_t i = 0; i < q->ntags; i++) {
		free(q->keys[i]);
		free(q->vals[i]);
	}
	free(q->keys);
	free(q->vals);
	free(q->ids_hi);
	free(q->ids_lo);
}

static void query_tag(jquery_t *q, const char *k, size_t klen, const char *v)
{
	q->keys = xrealloc(q->keys, (q->ntags + 1) * sizeof *q->keys);
	q->vals = xrealloc(q->vals, (q->ntags + 1) * sizeof *q->vals);
	q->keys[q->ntags] = xstrndup(k, klen);
	q->vals[q->ntags] = xstrdup(v);
	q->ntags++;
}

/* A JSON map of string values (tags=, query.attributes=); returns the error or NULL. */
static char *query_tags_json(jquery_t *q, const char *v, const char *what)
{
	json_error_t jerr;
	json_t *o = json_loads(v, JSON_REJECT_DUPLICATES, &jerr);
	const char *k;
	json_t *val;

	if (!o)
		return xasprintf("malformed '%s' parameter, cannot unmarshal JSON: %s", what, jerr.text);
	if (!json_is_object(o)) {
		json_decref(o);
		return xasprintf("malformed '%s' parameter, cannot unmarshal JSON: json: cannot unmarshal %s into Go "
				 "value of type map[string]string",
				 what, json_is_array(o) ? "array" : json_is_string(o) ? "string" : "number");
	}
	json_object_foreach(o, k, val)
	{
		if (!json_is_string(val)) {
			const char *type = json_is_boolean(val) ? "bool" : json_is_number(val) ? "number"
					 : json_is_array(val)	? "array"
					 : json_is_null(val)	? "null"
								: "object";
			char *msg = xasprintf("malformed '%s' parameter, cannot unmarshal JSON: json: cannot unmarshal %s "
					      "into Go value of type string",
					      what, type);
			json_decref(o);
			return msg;
		}
		query_tag(q, k, strlen(k), json_string_value(val));
	}
	json_decref(o);
	return NULL;
}

/* ---- search ---- */

static bool tags_have(const jtag_t *t, size_t n, const char *key, const char *val)
{
	char buf[40];
	const char *s;

	for (size_t i = 0; i < n; i++) {
		if (strcmp(t[i].key, key))
			continue;
		tag_value_string(&t[i], buf, &s);
		if (!strcmp(s, val))
			return true;
	}
	return false;
}

/* Jaeger's memory store: a trace matches when one of its spans matches everything. */
static bool span_matches(const jaeger_t *j, const jtrace_t *t, const jspan_t *s, const jquery_t *q)
{
	if (q->service && strcmp(svc_names[t->procs[s->proc].svc], q->service))
		return false;
	if (q->operation && strcmp(ops[s->op].name, q->operation))
		return false;
	if (s->start < q->start || s->start > q->end)
		return false;
	if ((q->min >= 0 && s->dur < q->min) || (q->max >= 0 && s->dur > q->max))
		return false;
	if (q->ntags) {
		jtag_t st[8], pt[4];
		char b1[32], b2[32];
		size_t ns = span_tags(j, t, s, true, st, b1), np = proc_tags(j, &t->procs[s->proc], pt, b2);
		for (size_t i = 0; i < q->ntags; i++) {
			bool in_log = s->reason && ((!strcmp(q->keys[i], "event") && !strcmp(q->vals[i], s->reason)) ||
						    (!strcmp(q->keys[i], "level") && !strcmp(q->vals[i], "error")));
			if (!tags_have(st, ns, q->keys[i], q->vals[i]) && !tags_have(pt, np, q->keys[i], q->vals[i]) &&
			    !in_log)
				return false;
		}
	}
	return true;
}

/* The newest traces matching `q`, at most q->limit (and MAX_SEARCH_SPANS spans); caller frees each. */
static jtrace_t *search(const jaeger_t *j, const jquery_t *q, size_t *n)
{
	jtrace_t *out = xcalloc(q->limit ? q->limit : 1, sizeof *out);
	size_t spans = 0;
	const logs_slot_t *rec;

	*n = 0;
	for (uint64_t i = 0; *n < q->limit && (rec = logs_slot_nth_newest(j->logs, i)); i++) {
		int64_t t1 = rec->ns / 1000; /* the trace's end; it starts less than TRACE_SPAN_US before */
		if (t1 - TRACE_SPAN_US > q->end)
			continue;
		if (t1 < q->start)
			break;
		jtrace_t t;
		trace_build(j, rec, &t);
		bool match = false;
		for (size_t k = 0; k < t.n && !match; k++)
			match = span_matches(j, &t, &t.spans[k], q);
		if (!match || (spans && spans + t.n > MAX_SEARCH_SPANS)) {
			trace_free(&t);
			continue;
		}
		spans += t.n;
		out[(*n)++] = t;
	}
	return out;
}

static void traces_free(jtrace_t *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		trace_free(&t[i]);
	free(t);
}

/* The slot whose trace id is (hi, lo), among those kept. */
static const logs_slot_t *find_trace(const jaeger_t *j, uint64_t hi, uint64_t lo)
{
	const logs_slot_t *rec;
	char tid[33], want[33];

	snprintf(want, sizeof want, "%016" PRIx64 "%016" PRIx64, hi, lo);
	for (uint64_t i = 0; (rec = logs_slot_nth_newest(j->logs, i)); i++) {
		logs_slot_ids(j->logs->seed, rec->slot, 0, tid, NULL);
		if (!strcmp(tid, want))
			return rec;
	}
	return NULL;
}

static int64_t now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- v1 ---- */

static void v1_begin(strbuf_t *b)
{
	w_lit(b, "{\"data\":");
}

static void v1_end(strbuf_t *b, size_t total)
{
	w_lit(b, ",\"total\":");
	w_i64(b, (int64_t)total);
	w_lit(b, ",\"limit\":0,\"offset\":0,\"errors\":null}");
}

static void v1_services(const srv_request_t *req, srv_response_t *resp, void *user)
{
	strbuf_t *b = body_begin(resp, 200, "application/json");

	v1_begin(b);
	for (int i = 0; i < NSVC; i++) {
		sb_add(b, i ? "," : "[", 1);
		w_str(b, svc_names[i]);
	}
	sb_add(b, "]", 1);
	v1_end(b, NSVC);
}

static int svc_lookup(const char *name)
{
	for (int i = 0; i < NSVC; i++)
		if (!strcmp(svc_names[i], name))
			return i;
	return -1;
}

/* /api/services/{svc}/operations */
static void v1_service_ops(const srv_request_t *req, srv_response_t *resp, void *user)
{
	const char *slash = strchr(req->rest, '/');
	size_t n = 0;

	if (!slash || slash == req->rest || strcmp(slash, "/operations")) {
		srv_respond_text(resp, 404, "404 page not found\n");
		return;
	}
	char *name = xstrndup(req->rest, (size_t)(slash - req->rest));
	int svc = svc_lookup(name);
	strbuf_t *b = body_begin(resp, 200, "application/json");

	free(name);
	v1_begin(b);
	sb_add(b, "[", 1);
	for (int i = 0; i < NOPS; i++)
		if ((int)ops[ops_sorted[i]].svc == svc) {
			if (n++)
				sb_add(b, ",", 1);
			w_str(b, ops[ops_sorted[i]].name);
		}
	sb_add(b, "]", 1);
	v1_end(b, n);
}

/* The operations of `svc` (with kind `kind` unless NULL or empty), as [{"name","spanKind"}...]. */
static size_t w_operations(strbuf_t *b, int svc, const char *kind)
{
	size_t n = 0;

	for (int i = 0; i < NOPS; i++) {
		enum op o = ops_sorted[i];
		if ((int)ops[o].svc != svc || (kind && *kind && strcmp(kind, ops[o].kind)))
			continue;
		sb_add(b, n++ ? "," : "[", 1);
		w_lit(b, "{\"name\":");
		w_str(b, ops[o].name);
		w_lit(b, ",\"spanKind\":");
		w_str(b, ops[o].kind);
		sb_add(b, "}", 1);
	}
	return n;
}

static void v1_operations(const srv_request_t *req, srv_response_t *resp, void *user)
{
	const char *svc = srv_request_arg(req, "service");

	if (!svc || !*svc) {
		v1_error(resp, 400, "parameter 'service' is required", NULL);
		return;
	}
	strbuf_t *b = body_begin(resp, 200, "application/json");
	v1_begin(b);
	size_t n = w_operations(b, svc_lookup(svc), srv_request_arg(req, "spanKind"));
	if (!n)
		sb_add(b, "[", 1);
	sb_add(b, "]", 1);
	v1_end(b, n);
}

static char *param_error(const char *name, char *err)
{
	char *msg = xasprintf("unable to parse param '%s': %s", name, err);
	free(err);
	return msg;
}

/* A search's duration bounds (Go durations; NULL: none) into q->min and q->max
 * in µs. NULL, or the first that does not parse, its message worded by `wrap`
 * with the parameter's name (v1 and api_v3 word them differently). */
static char *query_durations(jquery_t *q, const char *min, const char *min_name, const char *max,
			     const char *max_name, char *(*wrap)(const char *name, char *err))
{
	int64_t ns;
	char *err;

	if (min) {
		if ((err = parse_go_duration(min, &ns)))
			return wrap(min_name, err);
		q->min = ns / 1000;
	}
	if (max) {
		if ((err = parse_go_duration(max, &ns)))
			return wrap(max_name, err);
		q->max = ns / 1000;
	}
	return NULL;
}

/* A non-empty argument, else NULL. */
static const char *arg_set(const srv_request_t *req, const char *name)
{
	const char *v = srv_request_arg(req, name);
	return v && *v ? v : NULL;
}

/* The {id} of /api/traces/{id} and /api/v3/traces/{id}: 1 with it in *hi, *lo;
 * 0 when the path holds no id (then answered as Go's mux does: 404 page not
 * found); -1 with the parser's message in *err. */
static int path_trace_id(const srv_request_t *req, srv_response_t *resp, uint64_t *hi, uint64_t *lo, char **err)
{
	*err = NULL;
	if (!*req->rest || strchr(req->rest, '/')) {
		srv_respond_text(resp, 404, "404 page not found\n");
		return 0;
	}
	*err = parse_trace_id(req->rest, hi, lo);
	return *err ? -1 : 1;
}

/* /api/traces's parameters; returns NULL, or the 400's message. */
static char *v1_query(const srv_request_t *req, jquery_t *q)
{
	const char *v;
	char *err;

	memset(q, 0, sizeof *q);
	q->min = q->max = -1;
	q->limit = V1_DEFAULT_LIMIT;
	for (size_t i = 0; i < req->nargs; i++) {
		const srv_arg_t *a = &req->args[i];
		if (!strcmp(a->name, "traceID")) {
			uint64_t hi, lo;
			if ((err = parse_trace_id(a->value, &hi, &lo)))
				return param_error("traceID", err);
			q->ids_hi = xrealloc(q->ids_hi, (q->nids + 1) * sizeof *q->ids_hi);
			q->ids_lo = xrealloc(q->ids_lo, (q->nids + 1) * sizeof *q->ids_lo);
			q->ids_hi[q->nids] = hi;
			q->ids_lo[q->nids++] = lo;
		} else if (!strcmp(a->name, "tag")) {
			const char *colon = strchr(a->value, ':');
			if (!colon)
				return xasprintf("malformed 'tag' parameter, expecting key:value, received: %s", a->value);
			query_tag(q, a->value, (size_t)(colon - a->value), colon + 1);
		}
	}
	if ((v = srv_request_arg(req, "tags")) && *v && (err = query_tags_json(q, v, "tags")))
		return err;
	q->service = srv_request_arg(req, "service");
	if (q->service && !*q->service)
		q->service = NULL;
	q->operation = srv_request_arg(req, "operation");
	if (q->operation && !*q->operation)
		q->operation = NULL;
	if (!q->service && !q->nids)
		return xstrdup("parameter 'service' is required");
	q->end = now_us();
	if ((v = srv_request_arg(req, "end")) && *v && (err = parse_int(v, &q->end)))
		return param_error("end", err);
	q->start = now_us() - LOOKBACK_US;
	if ((v = srv_request_arg(req, "start")) && *v && (err = parse_int(v, &q->start)))
		return param_error("start", err);
	if ((err = query_durations(q, arg_set(req, "minDuration"), "minDuration", arg_set(req, "maxDuration"),
				   "maxDuration", param_error)))
		return err;
	if (q->min >= 0 && q->max >= 0 && q->max < q->min)
		return xstrdup("'maxDuration' should be greater than 'minDuration'");
	if ((v = srv_request_arg(req, "limit")) && *v) {
		int64_t l;
		if ((err = parse_int(v, &l)))
			return param_error("limit", err);
		q->limit = l <= 0 ? V1_DEFAULT_LIMIT : l > MAX_LIMIT ? MAX_LIMIT : (size_t)l;
	}
	return NULL;
}

static void v1_traces_by_id(const jaeger_t *j, const jquery_t *q, srv_response_t *resp)
{
	strbuf_t *b = body_begin(resp, 200, "application/json");
	strbuf_t missing;
	size_t found = 0;

	sb_init(&missing);
	v1_begin(b);
	sb_add(b, "[", 1);
	for (size_t i = 0; i < q->nids; i++) {
		const logs_slot_t *rec = find_trace(j, q->ids_hi[i], q->ids_lo[i]);
		if (!rec) {
			w_lit(&missing, missing.len ? ",{\"code\":404,\"msg\":\"trace not found\",\"traceID\":\""
						    : "[{\"code\":404,\"msg\":\"trace not found\",\"traceID\":\"");
			if (q->ids_hi[i])
				w_hex16(&missing, q->ids_hi[i]);
			w_hex16(&missing, q->ids_lo[i]);
			w_lit(&missing, "\"}");
			continue;
		}
		jtrace_t t;
		trace_build(j, rec, &t);
		if (found++)
			sb_add(b, ",", 1);
		w_trace_v1(b, j, &t);
		trace_free(&t);
	}
	w_lit(b, "],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":");
	if (missing.len) {
		sb_add(b, missing.s, missing.len);
		sb_add(b, "]", 1);
	} else {
		w_lit(b, "null");
	}
	sb_add(b, "}", 1);
	sb_free(&missing);
}

static void v1_traces(const srv_request_t *req, srv_response_t *resp, void *user)
{
	const jaeger_t *j = user;
	jquery_t q;
	char *err = v1_query(req, &q);
	size_t n;

	if (err) {
		v1_error(resp, 400, err, NULL);
		free(err);
		query_free(&q);
		return;
	}
	if (q.nids) {
		v1_traces_by_id(j, &q, resp);
		query_free(&q);
		return;
	}
	jtrace_t *ts = search(j, &q, &n);
	strbuf_t *b = body_begin(resp, 200, "application/json");
	v1_begin(b);
	sb_add(b, "[", 1);
	for (size_t i = 0; i < n; i++) {
		if (i)
			sb_add(b, ",", 1);
		w_trace_v1(b, j, &ts[i]);
	}
	sb_add(b, "]", 1);
	v1_end(b, 0); /* total/limit/offset: always 0 for traces */
	traces_free(ts, n);
	query_free(&q);
}

/* /api/traces/{id} */
static void v1_trace(const srv_request_t *req, srv_response_t *resp, void *user)
{
	const jaeger_t *j = user;
	uint64_t hi, lo;
	char *err;
	int got = path_trace_id(req, resp, &hi, &lo, &err);

	if (got <= 0) {
		if (got < 0)
			v1_error(resp, 400, err, NULL);
		free(err);
		return;
	}
	const logs_slot_t *rec = find_trace(j, hi, lo);
	if (!rec) {
		v1_error(resp, 404, "trace not found", NULL);
		return;
	}
	jtrace_t t;
	trace_build(j, rec, &t);
	strbuf_t *b = body_begin(resp, 200, "application/json");
	v1_begin(b);
	sb_add(b, "[", 1);
	w_trace_v1(b, j, &t);
	sb_add(b, "]", 1);
	v1_end(b, 0);
	trace_free(&t);
}

/* ---- v3 ---- */

static const char *v3_arg(const srv_request_t *req, const char *camel, const char *snake, const char **name);

static void v3_services(const srv_request_t *req, srv_response_t *resp, void *user)
{
	strbuf_t *b = body_begin(resp, 200, V3_CONTENT_TYPE);

	w_lit(b, "{\"services\":");
	for (int i = 0; i < NSVC; i++) {
		sb_add(b, i ? "," : "[", 1);
		w_str(b, svc_names[i]);
	}
	w_lit(b, "]}");
}

static void v3_operations(const srv_request_t *req, srv_response_t *resp, void *user)
{
	const char *svc = srv_request_arg(req, "service");
	strbuf_t *b = body_begin(resp, 200, V3_CONTENT_TYPE);

	w_lit(b, "{\"operations\":");
	if (w_operations(b, svc ? svc_lookup(svc) : -1, v3_arg(req, "spanKind", "span_kind", NULL)))
		w_lit(b, "]}");
	else
		srv_respond(resp, 200, V3_CONTENT_TYPE, "{}", 2); /* jsonpb leaves an empty list out */
}

/* A parameter by its canonical camelCase name or its deprecated snake_case
 * alias (the gateway's paramResolver); *name (may be NULL) is the one present. */
static const char *v3_arg(const srv_request_t *req, const char *camel, const char *snake, const char **name)
{
	const char *v = srv_request_arg(req, camel), *n = camel;
	if (!v || !*v) {
		v = srv_request_arg(req, snake);
		n = snake;
	}
	if (name)
		*name = n;
	return v && *v ? v : NULL;
}

/* strconv.ParseBool */
static bool go_bool_ok(const char *v)
{
	static const char *const ok[] = { "1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE", "false", "False" };
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (!strcmp(v, ok[i]))
			return true;
	return false;
}

static char *malformed(const char *name, char *err)
{
	char *msg = xasprintf("malformed parameter %s: %s", name, err);
	free(err);
	return msg;
}

/* A boolean parameter (rawTraces): NULL, or the 400's message when it is not one Go reads. */
static char *v3_bool_arg(const srv_request_t *req, const char *camel, const char *snake)
{
	const char *name, *v = v3_arg(req, camel, snake, &name);
	if (!v || go_bool_ok(v))
		return NULL;
	return malformed(name, xasprintf("strconv.ParseBool: parsing \"%s\": invalid syntax", v));
}

static char *v3_query(const srv_request_t *req, jquery_t *q)
{
	const char *v, *tmin, *tmax, *name, *dmin_name, *dmax_name;
	char *err;

	memset(q, 0, sizeof *q);
	q->min = q->max = -1;
	q->limit = V3_DEFAULT_DEPTH;
	q->service = v3_arg(req, "query.serviceName", "query.service_name", NULL);
	q->operation = v3_arg(req, "query.operationName", "query.operation_name", NULL);
	tmin = v3_arg(req, "query.startTimeMin", "query.start_time_min", NULL);
	tmax = v3_arg(req, "query.startTimeMax", "query.start_time_max", NULL);
	if (!tmin || !tmax)
		return xstrdup("query.startTimeMin and query.startTimeMax are required");
	tmin = v3_arg(req, "query.startTimeMin", "query.start_time_min", &name);
	if ((err = parse_rfc3339(tmin, &q->start)))
		return malformed(name, err);
	tmax = v3_arg(req, "query.startTimeMax", "query.start_time_max", &name);
	if ((err = parse_rfc3339(tmax, &q->end)))
		return malformed(name, err);
	if ((v = v3_arg(req, "query.searchDepth", "query.search_depth", &name)) ||
	    (v = v3_arg(req, "query.numTraces", "query.num_traces", &name))) {
		int64_t d;
		if ((err = parse_int(v, &d)) || d != (int)d) {
			const char *why = err && !strstr(err, "out of range") ? "invalid syntax" : "value out of range";
			char *msg = xasprintf("strconv.Atoi: parsing \"%s\": %s", v, why);
			free(err);
			return malformed(name, msg);
		}
		q->limit = d <= 0 ? V3_DEFAULT_DEPTH : d > MAX_LIMIT ? MAX_LIMIT : (size_t)d;
	}
	const char *dmin = v3_arg(req, "query.durationMin", "query.duration_min", &dmin_name);
	const char *dmax = v3_arg(req, "query.durationMax", "query.duration_max", &dmax_name);
	if ((err = query_durations(q, dmin, dmin_name, dmax, dmax_name, malformed)) ||
	    (err = v3_bool_arg(req, "query.rawTraces", "query.raw_traces")))
		return err;
	if ((v = v3_arg(req, "query.attributes", "query.attributes", NULL)) &&
	    (err = query_tags_json(q, v, "query.attributes"))) {
		char *msg = xasprintf("malformed parameter query.attributes: %s", err);
		free(err);
		return msg;
	}
	return NULL;
}

static void v3_result(strbuf_t *b, const jaeger_t *j, const jtrace_t *ts, size_t n)
{
	bool first = true;

	w_lit(b, "{\"result\":{\"resourceSpans\":[");
	for (size_t i = 0; i < n; i++)
		w_trace_v3(b, j, &ts[i], &first);
	w_lit(b, "]}}");
}

static void v3_traces(const srv_request_t *req, srv_response_t *resp, void *user)
{
	const jaeger_t *j = user;
	jquery_t q;
	char *err = v3_query(req, &q);
	size_t n;

	if (err) {
		v3_error(resp, 400, err);
		free(err);
		query_free(&q);
		return;
	}
	jtrace_t *ts = search(j, &q, &n);
	if (!n)
		v3_error(resp, 404, "No traces found");
	else
		v3_result(body_begin(resp, 200, V3_CONTENT_TYPE), j, ts, n);
	traces_free(ts, n);
	query_free(&q);
}

/* /api/v3/traces/{trace_id} */
static void v3_trace(const srv_request_t *req, srv_response_t *resp, void *user)
{
	const jaeger_t *j = user;
	uint64_t hi, lo;
	char *err;
	int got = path_trace_id(req, resp, &hi, &lo, &err);

	if (got <= 0) {
		if (got < 0)
			v3_error(resp, 400, (err = malformed("trace_id", err)));
		free(err);
		return;
	}
	/* startTime, endTime, rawTraces are checked, not used: the trace is whole */
	const char *v, *name;
	int64_t us;
	if (((v = v3_arg(req, "startTime", "start_time", &name)) && (err = parse_rfc3339(v, &us))) ||
	    ((v = v3_arg(req, "endTime", "end_time", &name)) && (err = parse_rfc3339(v, &us)))) {
		v3_error(resp, 400, (err = malformed(name, err)));
		free(err);
		return;
	}
	if ((err = v3_bool_arg(req, "rawTraces", "raw_traces"))) {
		v3_error(resp, 400, err);
		free(err);
		return;
	}
	const logs_slot_t *rec = find_trace(j, hi, lo);
	if (!rec) {
		v3_error(resp, 404, "No traces found"); /* returnTraces: no traces, whatever the call */
		return;
	}
	jtrace_t t;
	trace_build(j, rec, &t);
	v3_result(body_begin(resp, 200, V3_CONTENT_TYPE), j, &t, 1);
	trace_free(&t);
}

/* ---- setup ---- */

jaeger_t *jaeger_new(logs_t *logs, const sim_t *sim, unsigned apis)
{
	jaeger_t *j = xcalloc(1, sizeof *j);

	j->logs = logs;
	j->sim = sim;
	j->apis = apis;
	for (size_t i = 0; i < sim->nnodes && i < LOGS_SLOT_NODES; i++) {
		if (sim->nodes[i].role == SIM_ROLE_DIRECTOR)
			j->dirs[j->ndirs++] = (int)i;
		else if (sim->nodes[i].role == SIM_ROLE_SUPER_NODE)
			j->supers[j->nsupers++] = (int)i;
	}
	return j;
}

void jaeger_set_auth(jaeger_t *j, const simauth_t *auth)
{
	j->auth = auth;
}

/* Every route's entry: the credentials asked for first, refused with a 401 in
 * plain text as the gateway in front of a Jaeger gives it. */
static void gated(const srv_request_t *req, srv_response_t *resp, void *user)
{
	const jroute_t *r = user;
	const char *why = simauth_refusal(r->j->auth, req);
	if (why) {
		srv_respond_text(resp, 401, "%s\n", why);
		return;
	}
	r->fn(req, resp, r->j);
}

void jaeger_register(jaeger_t *j, srv_t *srv)
{
	static const struct {
		unsigned api;
		const char *path;
		srv_handler_fn fn;
	} table[] = {
		{ JAEGER_API_V1, "/api/services", v1_services },
		{ JAEGER_API_V1, "/api/services/", v1_service_ops },
		{ JAEGER_API_V1, "/api/operations", v1_operations },
		{ JAEGER_API_V1, "/api/traces", v1_traces },
		{ JAEGER_API_V1, "/api/traces/", v1_trace },
		{ JAEGER_API_V3, "/api/v3/services", v3_services },
		{ JAEGER_API_V3, "/api/v3/operations", v3_operations },
		{ JAEGER_API_V3, "/api/v3/traces", v3_traces },
		{ JAEGER_API_V3, "/api/v3/traces/", v3_trace },
	};
	_Static_assert(sizeof table / sizeof table[0] == sizeof j->routes / sizeof j->routes[0],
		       "a jroute_t per route");
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
		if (!(j->apis & table[i].api))
			continue;
		j->routes[i] = (jroute_t){ j, table[i].fn };
		srv_route(srv, SRV_GET, table[i].path, gated, &j->routes[i]);
	}
}

void jaeger_free(jaeger_t *j)
{
	free(j);
}
