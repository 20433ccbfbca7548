/* Dashboards: panel definitions from YAML, thresholds, and reducing series to one value. */
#include "config.h"
#include "core/panels.h"
#include "core/xalloc.h"
#include "core/yamldoc.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_names[PANEL__COUNT] = {
	[PANEL_STAT] = "stat", [PANEL_GRAPH] = "graph", [PANEL_GAUGE] = "gauge", [PANEL_BARS] = "bars",
};
static const char *const reduce_names[] = {
	[REDUCE_LAST] = "last", [REDUCE_MIN] = "min", [REDUCE_MAX] = "max",
	[REDUCE_SUM] = "sum",   [REDUCE_AVG] = "avg",
};
static const char *const pstate_names[] = {
	[PSTATE_OK] = "ok",       [PSTATE_WARN] = "warn",   [PSTATE_CRIT] = "crit",
	[PSTATE_STALE] = "stale", [PSTATE_ERROR] = "error",
};

const char *panel_type_name(panel_type_t t)
{
	return (unsigned)t < PANEL__COUNT ? type_names[t] : "?";
}

int panel_type_parse(const char *s)
{
	for (int i = 0; s && i < PANEL__COUNT; i++)
		if (!strcmp(s, type_names[i]))
			return i;
	return -1;
}

const char *pstate_name(pstate_t s)
{
	return (unsigned)s < sizeof pstate_names / sizeof pstate_names[0] ? pstate_names[s] : "?";
}

int threshold_parse(const char *s, threshold_t *out)
{
	/* Two-character operators first, so ">=" is not read as ">" then "=". */
	static const struct {
		const char *tok;
		cmp_op_t op;
	} ops[] = {
		{ ">=", CMP_GE }, { "<=", CMP_LE }, { "==", CMP_EQ }, { "!=", CMP_NE },
		{ ">", CMP_GT },  { "<", CMP_LT },
	};
	const char *p = s;
	char *end;
	size_t i;
	double v;

	if (!s)
		return -1;
	while (*p == ' ' || *p == '\t')
		p++;
	for (i = 0; i < sizeof ops / sizeof ops[0]; i++)
		if (!strncmp(p, ops[i].tok, strlen(ops[i].tok)))
			break;
	if (i == sizeof ops / sizeof ops[0])
		return -1;
	p += strlen(ops[i].tok);
	while (*p == ' ' || *p == '\t')
		p++;
	/* strtod also reads "nan", "inf" and hex; a threshold is a plain decimal. */
	if (!((*p >= '0' && *p <= '9') || *p == '-' || *p == '+' || *p == '.') ||
	    strpbrk(p, "xXnNiI"))
		return -1;
	errno = 0;
	v = strtod(p, &end);
	if (end == p || errno == ERANGE || !isfinite(v))
		return -1;
	while (*end == ' ' || *end == '\t')
		end++;
	if (*end)
		return -1;
	out->set = 1;
	out->op = ops[i].op;
	out->value = v;
	return 0;
}

int threshold_match(const threshold_t *t, double v)
{
	if (!t || !t->set || isnan(v))
		return 0;
	switch (t->op) {
	case CMP_GT: return v > t->value;
	case CMP_GE: return v >= t->value;
	case CMP_LT: return v < t->value;
	case CMP_LE: return v <= t->value;
	case CMP_EQ: return v == t->value;
	case CMP_NE: return v != t->value;
	}
	return 0;
}

pstate_t panel_eval(const panel_def_t *p, double v)
{
	if (threshold_match(&p->crit, v))
		return PSTATE_CRIT;
	if (threshold_match(&p->warn, v))
		return PSTATE_WARN;
	return PSTATE_OK;
}

double panel_badness(const panel_def_t *p, double v)
{
	if (isnan(v))
		return -INFINITY;
	const threshold_t *t = p->crit.set ? &p->crit : p->warn.set ? &p->warn : NULL;
	if (t && (t->op == CMP_LT || t->op == CMP_LE))
		return -v;
	if (t && (t->op == CMP_EQ || t->op == CMP_NE))
		return threshold_match(t, v) ? 1 : 0;
	return v;
}

int panel_cmp_worst(const panel_def_t *p, double va, const char *na, double vb, const char *nb)
{
	/* NaN is "no data": after every judged value */
	int ra = isnan(va) ? -1 : (int)panel_eval(p, va);
	int rb = isnan(vb) ? -1 : (int)panel_eval(p, vb);
	if (ra != rb)
		return ra > rb ? -1 : 1;
	double ba = panel_badness(p, va), bb = panel_badness(p, vb);
	if (ba != bb)
		return ba > bb ? -1 : 1;
	return strcmp(na ? na : "", nb ? nb : "");
}

char *panel_state_text(pstate_t s, int stale, double age, int ascii, int maxw)
{
	static const char *const words[] = {
		[PSTATE_OK] = "OK",           [PSTATE_WARN] = "WARN",   [PSTATE_CRIT] = "CRIT",
		[PSTATE_STALE] = "NO DATA",   [PSTATE_ERROR] = "ERROR",
	};
	const char *w = (unsigned)s < sizeof words / sizeof words[0] ? words[s] : "?";
	if (s == PSTATE_OK && !stale)
		return NULL; /* green says it */
	if (!stale || s == PSTATE_ERROR)
		return xstrdup(w);
	char ab[16];
	age_format(age, ab, sizeof ab);
	/* widest first; the middle dot is one column */
	char *full = xasprintf("%s %s stale %s", w, ascii ? "-" : "\xc2\xb7", ab);
	if ((int)strlen(full) - (ascii ? 0 : 1) <= maxw)
		return full;
	free(full);
	char *mid = xasprintf("%s stale", w);
	if ((int)strlen(mid) <= maxw)
		return mid;
	free(mid);
	return xstrdup(w);
}

typedef struct {
	const panel_def_t *def;
	double v;
	const char *name;
	size_t i;
} sort_item_t;

static int cmp_item(const void *a, const void *b)
{
	const sort_item_t *x = a, *y = b;
	int c = panel_cmp_worst(x->def, x->v, x->name, y->v, y->name);
	/* equal values and names: the set's own order, so qsort is stable */
	return c ? c : (x->i > y->i) - (x->i < y->i);
}

void panel_sort_worst(const panel_def_t *p, const double *v, const char *const *names, size_t n,
		      size_t *order)
{
	sort_item_t *it = xcalloc(n ? n : 1, sizeof *it);
	for (size_t i = 0; i < n; i++)
		it[i] = (sort_item_t){ p, v[i], names ? names[i] : NULL, i };
	qsort(it, n, sizeof *it, cmp_item);
	for (size_t i = 0; i < n; i++)
		order[i] = it[i].i;
	free(it);
}

long panel_headline_index(const panel_def_t *p, double value, const double *v,
			  const size_t *order, size_t n, int cut)
{
	int bars = p->type == PANEL_BARS; /* its value is the largest share */
	if (n < 2 || (!bars && (p->reduce == REDUCE_SUM || p->reduce == REDUCE_AVG)) ||
	    !isfinite(value))
		return -1;
	long first = -1;
	size_t same = 0;
	for (size_t k = 0; k < n; k++)
		if (v[order[k]] == value && !same++)
			first = (long)order[k];
	/* every series alike (no failures anywhere): naming one would accuse it */
	return same == n && !cut ? -1 : first;
}

double reduce_values(reduce_t r, const double *v, size_t n)
{
	double acc = NAN;
	size_t used = 0;

	/* "last" is the latest value of the one series; with several series there
	 * is no "last" one, and the worst case (the max) is what a stat shows. */
	if (r == REDUCE_LAST && n == 1)
		return v[0];
	if (r == REDUCE_LAST)
		r = REDUCE_MAX;
	for (size_t i = 0; i < n; i++) {
		if (isnan(v[i]))
			continue;
		if (!used++) {
			acc = v[i];
			continue;
		}
		switch (r) {
		case REDUCE_MIN:
			acc = fmin(acc, v[i]);
			break;
		case REDUCE_MAX:
		case REDUCE_LAST:
			acc = fmax(acc, v[i]);
			break;
		case REDUCE_SUM:
		case REDUCE_AVG:
			acc += v[i];
			break;
		}
	}
	if (r == REDUCE_AVG && used)
		acc /= (double)used;
	return acc;
}

static void panel_free(panel_def_t *p)
{
	free(p->title);
	free(p->query);
	free(p->legend);
	free(p->description);
	free(p->logs);
}

void dashboard_free(dashboard_t *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n_panels; i++)
		panel_free(&d->panels[i]);
	free(d->panels);
	free(d->path);
	free(d->title);
	memset(d, 0, sizeof *d);
}

/* A required, non-empty string. */
static int need_str(yd_ctx_t *cx, const yd_node_t *panel, const yd_node_t *v, const char *key,
		    char **out)
{
	if (yd_string(cx, v, out))
		return -1;
	if (!*out || !**out) {
		free(*out);
		*out = NULL;
		return yd_fail(cx, v && !yd_is_null(v) ? v : panel, "missing %s in panel", key);
	}
	return 0;
}

static int pick_word(yd_ctx_t *cx, const yd_node_t *v, const char *what,
		     const char *const *names, size_t n_names, int *out)
{
	strbuf_t b;
	int rc;

	if (!v || v->kind != YD_SCALAR || yd_is_null(v))
		return yd_fail(cx, v, "expected a string for %s", what);
	for (size_t i = 0; i < n_names; i++) {
		if (!strcmp(v->str, names[i])) {
			*out = (int)i;
			return 0;
		}
	}
	sb_init(&b);
	for (size_t i = 0; i < n_names; i++)
		sb_printf(&b, "%s%s", i ? ", " : "", names[i]);
	rc = yd_fail(cx, v, "unknown %s '%s' (expected one of: %s)", what, v->str, b.s);
	sb_free(&b);
	return rc;
}

static int parse_thresholds(yd_ctx_t *cx, const yd_node_t *n, panel_def_t *p)
{
	static const char *const keys[] = { "warn", "crit", NULL };
	if (yd_check_map(cx, n, keys, " in thresholds"))
		return -1;
	for (int i = 0; i < 2; i++) {
		const yd_node_t *v = yd_get(n, keys[i]);
		threshold_t *t = i ? &p->crit : &p->warn;
		if (yd_is_null(v))
			continue;
		if (v->kind != YD_SCALAR)
			return yd_fail(cx, v, "expected a string for %s", keys[i]);
		if (threshold_parse(v->str, t))
			return yd_fail(cx, v,
				       "invalid %s threshold '%s' (expected OP NUMBER, e.g. \"> 11.5e9\", "
				       "OP one of > >= < <= == !=)",
				       keys[i], v->str);
	}
	return 0;
}

static int parse_panel(yd_ctx_t *cx, const yd_node_t *n, panel_def_t *p)
{
	static const char *const keys[] = {
		"title", "type", "query", "unit", "reduce", "max", "thresholds",
		"legend", "description", "logs", "width", NULL,
	};
	const yd_node_t *v;
	int k;

	p->width = 1;
	p->reduce = REDUCE_LAST;
	if (yd_is_null(n) || n->kind != YD_MAP)
		return yd_fail(cx, n, "expected a mapping (a panel)");
	if (yd_check_map(cx, n, keys, " in panel"))
		return -1;
	if (need_str(cx, n, yd_get(n, "title"), "title", &p->title))
		return -1;
	if (!(v = yd_get(n, "type")) || yd_is_null(v))
		return yd_fail(cx, v ? v : n, "missing type in panel '%s'", p->title);
	if (pick_word(cx, v, "panel type", type_names, PANEL__COUNT, &k))
		return -1;
	p->type = (panel_type_t)k;
	if (need_str(cx, n, yd_get(n, "query"), "query", &p->query))
		return -1;
	if ((v = yd_get(n, "unit")) && !yd_is_null(v)) {
		if (v->kind != YD_SCALAR)
			return yd_fail(cx, v, "expected a string for unit");
		if (unit_parse(v->str, &p->unit))
			return yd_fail(cx, v,
				       "invalid unit '%s' (expected bytes, seconds, percent, rate, count, "
				       "none, rate:<label> or a label of at most %zu characters)",
				       v->str, sizeof p->unit.suffix - 1);
	}
	if ((v = yd_get(n, "reduce")) && !yd_is_null(v)) {
		if (pick_word(cx, v, "reduce", reduce_names,
			      sizeof reduce_names / sizeof reduce_names[0], &k))
			return -1;
		p->reduce = (reduce_t)k;
	}
	if ((v = yd_get(n, "max")) && !yd_is_null(v)) {
		if (yd_number(cx, v, &p->max))
			return -1;
		if (p->max <= 0)
			return yd_fail(cx, v, "max must be greater than 0");
	}
	if ((v = yd_get(n, "thresholds")) && parse_thresholds(cx, v, p))
		return -1;
	if (yd_string(cx, yd_get(n, "legend"), &p->legend) ||
	    yd_string(cx, yd_get(n, "description"), &p->description) ||
	    yd_string(cx, yd_get(n, "logs"), &p->logs))
		return -1;
	if ((v = yd_get(n, "width")) && !yd_is_null(v)) {
		double w;
		if (yd_number(cx, v, &w))
			return -1;
		if (w != 1 && w != 2)
			return yd_fail(cx, v, "width must be 1 or 2");
		p->width = (int)w;
	}
	return 0;
}

int dashboard_load_string(const char *name, const char *yaml, size_t len, dashboard_t *out,
			  char *err, size_t errlen)
{
	static const char *const keys[] = { "title", "panels", NULL };
	yd_ctx_t cx = { name, err, errlen };
	yd_node_t *root;
	const yd_node_t *ps;

	memset(out, 0, sizeof *out);
	if (yd_parse(&cx, yaml, len, &root))
		return -1;
	if (yd_check_map(&cx, root, keys, NULL) ||
	    yd_string(&cx, yd_get(root, "title"), &out->title))
		goto fail;
	ps = yd_get(root, "panels");
	if (!yd_is_null(ps)) {
		if (ps->kind != YD_SEQ) {
			yd_fail(&cx, ps, "expected a list of panels");
			goto fail;
		}
		out->panels = xcalloc(ps->n ? ps->n : 1, sizeof *out->panels);
		for (size_t i = 0; i < ps->n; i++) {
			out->n_panels++;
			if (parse_panel(&cx, ps->kids[i], &out->panels[i]))
				goto fail;
		}
	}
	if (!out->title)
		out->title = yd_name_from_path(name);
	out->path = xstrdup(name);
	yd_free(root);
	return 0;
fail:
	yd_free(root);
	dashboard_free(out);
	return -1;
}

int dashboard_load_file(const char *path, dashboard_t *out, char *err, size_t errlen)
{
	char *buf;
	size_t len;
	int rc;

	memset(out, 0, sizeof *out);
	if (yd_read_file(path, &buf, &len, err, errlen))
		return -1;
	rc = dashboard_load_string(path, buf, len, out, err, errlen);
	free(buf);
	return rc;
}
