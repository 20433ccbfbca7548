/* Dashboards: panel definitions loaded from YAML (panels/NAME.yaml). No curses, no HTTP. */
#ifndef ICN_PANELS_H
#define ICN_PANELS_H
#include <stddef.h>
#include "core/units.h"

typedef enum { PANEL_STAT, PANEL_GRAPH, PANEL_GAUGE, PANEL_BARS, PANEL__COUNT } panel_type_t;

/* How several series become the one number a stat/gauge shows. */
typedef enum { REDUCE_LAST, REDUCE_MIN, REDUCE_MAX, REDUCE_SUM, REDUCE_AVG } reduce_t;

typedef enum { PSTATE_OK, PSTATE_WARN, PSTATE_CRIT, PSTATE_STALE, PSTATE_ERROR } pstate_t;

typedef enum { CMP_GT, CMP_GE, CMP_LT, CMP_LE, CMP_EQ, CMP_NE } cmp_op_t;

typedef struct {
	int set;       /* 0: no such threshold */
	cmp_op_t op;
	double value;
} threshold_t;

typedef struct {
	char *title;
	panel_type_t type;
	char *query;          /* PromQL */
	unit_t unit;
	reduce_t reduce;      /* stat, gauge: default last for 1 series, else max */
	threshold_t warn, crit; /* compared with the reduced value; for bars, with each bar's share */
	double max;           /* gauge: full scale (e.g. 12e9); 0 = none */
	char *legend;         /* graph/bars: label whose value names a series/bar ("node", "region"); NULL = all labels */
	char *description;    /* shown in the zoomed view and help, may be NULL */
	char *logs;           /* LogQL of its logs for L when no series names them, may be NULL */
	int width;            /* grid weight in columns, 1 (default) or 2 */
} panel_def_t;

typedef struct {
	char *path;
	char *title;
	panel_def_t *panels;
	size_t n_panels;
} dashboard_t;

/*
 * Panel YAML:
 *   title: ICN Overview
 *   panels:
 *     - title: Vortex VRAM
 *       type: gauge                 # stat | graph | gauge | bars
 *       query: icn_vortex_vram_usage_bytes
 *       unit: bytes                 # see unit_parse()
 *       reduce: max                 # last | min | max | sum | avg
 *       max: 12e9
 *       thresholds: { warn: "> 11e9", crit: "> 11.5e9" }   # OP NUMBER, OP in > >= < <= == !=
 *       legend: node
 *       description: GPU memory in use per director (12 GB card).
 *       width: 1
 * Missing title/type/query, unknown keys or types, bad thresholds or numbers are
 * errors "PATH:LINE:COL: message". Returns 0 or -1.
 */
int dashboard_load_file(const char *path, dashboard_t *out, char *err, size_t errlen);
int dashboard_load_string(const char *name, const char *yaml, size_t len, dashboard_t *out,
			  char *err, size_t errlen);
void dashboard_free(dashboard_t *d);

/* "stat", "graph", ... and back; -1 when unknown. */
const char *panel_type_name(panel_type_t t);
int panel_type_parse(const char *s);
const char *pstate_name(pstate_t s); /* "ok", "warn", "crit", "stale", "error" */
int threshold_parse(const char *s, threshold_t *out); /* "> 11.5e9" -> 0, else -1 */
int threshold_match(const threshold_t *t, double v);  /* 1 when v breaches it (NaN never does) */
/* ok/warn/crit of a value against the panel's thresholds (crit wins). */
pstate_t panel_eval(const panel_def_t *p, double v);
/* How bad a value is, against the panel's thresholds: larger is worse. For
 * "> X" thresholds that is the value, for "< X" its negation; NaN is the least
 * bad (-inf). Used to sort series worst-first and to keep the worst ones. */
double panel_badness(const panel_def_t *p, double v);
/* Order two named values worst-first: state (crit, warn, ok), then badness,
 * then name (so equal rows never trade places between refreshes). strcmp-like. */
int panel_cmp_worst(const panel_def_t *p, double va, const char *na, double vb, const char *nb);
/* A panel's state in words, for its border and its zoom (monochrome terminals
 * and colour-blind eyes need the words): "CRIT", "WARN", "NO DATA" (PSTATE_STALE:
 * never had data, an empty answer, NaN), "ERROR"; stale data adds its age,
 * "CRIT · stale 40s" (ASCII "CRIT - stale 40s"), then "CRIT stale" and "CRIT"
 * as maxw columns allow. NULL for a fresh OK. Malloc'd. */
char *panel_state_text(pstate_t s, int stale, double age, int ascii, int maxw);
/* The order of n named values worst-first (panel_cmp_worst; equal ones keep
 * their index order): order[k] is the index of the k-th row. Every list of
 * series (gauge rows, bars, legends, --once rows) is ordered by it. */
void panel_sort_worst(const panel_def_t *p, const double *v, const char *const *names, size_t n,
		      size_t *order);
/* Which of n series a panel's headline value came from, so the headline can
 * name it: for a min or max (or "last" of several) the first, in `order`
 * (panel_sort_worst), whose value v[i] is exactly `value`; for bars, v holds
 * the shares and value is the largest. -1 for one series, a sum or an
 * average, no value, or when every series holds it (naming one would accuse it). */
/* `cut`: these n are the worst of more (a series cap): alike, they are not all. */
long panel_headline_index(const panel_def_t *p, double value, const double *v,
			  const size_t *order, size_t n, int cut);
/* Apply the panel's reduction to n values (NaN ignored; all NaN -> NaN). */
double reduce_values(reduce_t r, const double *v, size_t n);

#endif
