/* What jaeger.c (errors, names, v1, the entry points) and jaeger_otlp.c (the
 * OTLP JSON of /api/v3) share: the text decoder's state and its helpers. Not
 * for other modules. */
#ifndef ICN_JAEGER_INT_H
#define ICN_JAEGER_INT_H
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include "backend/jaeger.h"
#include "core/jscan.h"
#include "model/trace.h"

/* A v1 process key to its index in the trace. */
typedef struct {
	const char *key;
	uint32_t proc;
} pmap_t;

typedef struct {
	trace_t *t;
	trace_span_t *s;          /* the span being read */
	pmap_t *pm;               /* processes by key */
	size_t n_pm, cap_pm;
	size_t no_proc, not_obj;
	int bad;                  /* the text does not decode: give up */
	/* scratch arrays, copied into the arena when complete */
	trace_kv_t *kv;
	size_t n_kv, cap_kv;
	trace_event_t *ev;
	size_t n_ev, cap_ev;
	trace_ref_t *ref;
	size_t n_ref, cap_ref;
	const char *skip;         /* a key o_kv leaves out */
} dec_t;

/* The traces of a v3 answer, by trace id in the order they first come. */
typedef struct {
	trace_t **v;
	size_t n, cap;
	uint32_t *slot; /* open addressing: index + 1, 0 empty */
	size_t n_slot;
	size_t spans_left_out; /* of traces past JAEGER_LIMIT_MAX */
	size_t bad_ids;        /* spans without a trace id */
} tset_t;

/* jaeger.c: reading values and members from the text */
int jg_get_i64(json_t *v, int64_t *out);
const char *jg_value_text(trace_t *t, json_t *v);
const char *jg_pick(jspan_t obj, const char *const *names, jspan_t *vals, size_t n);
int jg_is_kind(jspan_t v, char open);
int jg_is_array(jspan_t v);
const char *jg_t_str(trace_t *t, jspan_t v);
int jg_t_i64(jspan_t v, int64_t *out);
const char *jg_t_value(trace_t *t, jspan_t v, trace_kv_type_t *type);
int jg_elem_pick(dec_t *c, jspan_t v, const char *const *names, jspan_t *m, size_t n);
const trace_kv_t *jg_kv_done(dec_t *c, uint32_t *n);
void jg_refs_events_done(dec_t *c, trace_span_t *s);
void jg_warn_dropped(trace_t *t);

/* jaeger_otlp.c: the resourceSpans of an answer into ts's traces; 0, or -1
 * when the text does not decode as expected (the caller decodes it whole). */
int jg_otlp_traces(jspan_t rss, tset_t *ts);

#endif
