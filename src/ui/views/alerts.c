/* The Alerts view: what fires, grouped by severity then alertname; details, filter, acknowledge (a) and take back (u). */
#include "config.h"
#include "app/datadir.h"
#include "core/units.h"
#include "ui/ui.h"
#include "ui/writes.h"
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	list_t list;
	unsigned seen_gen;  /* the alert list the selection was last placed in */
	char *old_filter;  /* the filter before `/` was pressed, restored on Esc */
} alerts_view_t;

static const keybind_t alerts_keys[] = {
	LIST_KEYBINDS,
	{ '\r', "Enter", REQ_ENTER, "details: labels, annotations, silence, runbook" },
	{ '\n', NULL, REQ_ENTER, NULL },
	{ KEY_ENTER, NULL, REQ_ENTER, NULL },
	{ 'a', "a", REQ_ACK, "acknowledge the alert or group (a silence; asks first)" },
	{ 'u', "u", REQ_UNACK, "take the acknowledgement back (expire its silence)" },
	{ '/', "/", REQ_FILTER, "filter: words, label=value, label!=value, label=~regex" },
	{ 'L', "L", REQ_LOGS, "the logs of the alert's node or pod, from before it started" },
	{ 'T', "T", REQ_TRACES, "the traces of the alert's service around its start (Traces view)" },
};

static alerts_t *al_of(view_t *v)
{
	return &v->ui->al;
}

/* A key that names a row across rebuilds. */
static char *row_key(const alerts_t *al, size_t i)
{
	const alertlist_row_t *r = &al->list.rows[i];
	if (r->is_group)
		return xasprintf("g:%d:%s", (int)r->sev, r->alertname ? r->alertname : "");
	const am_alert_t *a = &al->list.all.v[r->alert];
	if (a->fingerprint && *a->fingerprint)
		return xasprintf("a:%s", a->fingerprint);
	char *l = labels_format(&a->labels);
	char *k = xasprintf("p:%s", l);
	free(l);
	return k;
}

static char *key_of_row(void *ctx, size_t i)
{
	const alerts_t *al = ctx;
	return i < al->list.n_rows ? row_key(al, i) : NULL;
}

/* After a rebuild, select the row that was selected (rows move as alerts come and go). */
static void reselect(view_t *v)
{
	alerts_view_t *av = v->priv;
	alerts_t *al = al_of(v);
	/* only a new list moves rows: keying every row at each paint is waste */
	if (av->seen_gen == al->list_gen)
		return;
	av->seen_gen = al->list_gen;
	list_keep(&av->list, al->list.n_rows, key_of_row, al);
}

static void remember(view_t *v)
{
	alerts_view_t *av = v->priv;
	av->list.n = al_of(v)->list.n_rows;
	list_remember(&av->list, key_of_row, al_of(v));
}

static theme_el_t state_el(am_state_t s)
{
	switch (s) {
	case AM_STATE_FIRING: return EL_VALUE_CRIT;
	case AM_STATE_PENDING: return EL_VALUE_WARN;
	case AM_STATE_SILENCED: return EL_VALUE_OK;
	default: return EL_DIM;
	}
}

static const char *state_word(am_state_t s)
{
	switch (s) {
	case AM_STATE_FIRING: return "firing";
	case AM_STATE_PENDING: return "pending";
	case AM_STATE_SILENCED: return "acked";
	case AM_STATE_INHIBITED: return "inhibited";
	default: return "new";
	}
}

static theme_el_t sev_el(severity_t s)
{
	return s == SEV_CRITICAL ? EL_VALUE_CRIT : s == SEV_WARNING ? EL_VALUE_WARN : EL_DIM;
}

/* "by alice@h until 21:40 (1h58m left): comment", from the first known silence. */
static char *ack_text(const alerts_t *al, const am_alert_t *a)
{
	for (size_t i = 0; i < a->n_silenced_by; i++) {
		const am_silence_t *s = alerts_find_silence(al, a->silenced_by[i]);
		if (!s)
			continue;
		char t[32], left[32];
		/* the STATE column says acked already: who first, then until when */
		return xasprintf("by %s until %s (%s left): %s", s->created_by ? s->created_by : "?",
				 ui_fmt_time(s->ends_at, t, sizeof t), ui_fmt_left(s->ends_at, left, sizeof left),
				 s->comment ? s->comment : "");
	}
	return NULL;
}

static void draw_row(view_t *v, size_t i, int y, int sel, int cs, int cn, int cl, int ca)
{
	alerts_t *al = al_of(v);
	const alertlist_row_t *r = &al->list.rows[i];
	attr_t base = ui_attr(sel ? EL_SELECTED : EL_DEFAULT);
	if (sel)
		ui_fill((rect_t){ 0, y, COLS, 1 }, base);
	if (r->is_group) {
		attr_t ga = sel ? base | A_BOLD : ui_attr(sev_el(r->sev)) | A_BOLD;
		int x = ui_printf(y, 0, COLS, ga, " %s %-8s ", ui_glyph(GL_EXPANDED), severity_name(r->sev));
		x += ui_printf(y, x, COLS - x, (sel ? base : ui_attr(EL_DEFAULT)) | A_BOLD, "%s",
			       r->alertname ? r->alertname : "");
		ui_printf(y, x, COLS - x, sel ? base : ui_attr(EL_DIM), "  %zu alert%s, %zu firing",
			  r->count, r->count == 1 ? "" : "s", r->n_firing);
		return;
	}
	const am_alert_t *a = &al->list.all.v[r->alert];
	int x = 3;
	x += ui_cell(y, x, cs + 1, state_word(a->state), (sel ? base : ui_attr(state_el(a->state))) | A_BOLD);
	const char *name = labels_get(&a->labels, "alertname");
	x += ui_cell(y, x, cn + 1, name ? name : "?", base);
	char *tl = alertlist_telling_labels(a, 3);
	x += ui_cell(y, x, cl + 1, tl, sel ? base : ui_attr(EL_DIM));
	free(tl);
	char age[24];
	alertlist_age(a->starts_at, now_unix(), age, sizeof age);
	x += ui_cell(y, x, ca + 1, age, base);
	char *ack = a->state == AM_STATE_SILENCED ? ack_text(al, a) : NULL;
	const char *sum = labels_get(&a->annotations, "summary");
	ui_cell(y, x, COLS - x, ack ? ack : sum ? sum : "", sel ? base : ui_attr(ack ? EL_VALUE_OK : EL_DEFAULT));
	free(ack);
}

static void alerts_view_draw(view_t *v, rect_t area)
{
	alerts_view_t *av = v->priv;
	alerts_t *al = al_of(v);
	int y = area.y;
	if (!al->bk->n_am) {
		ui_put_cut(y + 1, 2, COLS - 4,
		       "no Alertmanager in this context: set 'alertmanager:' in the config, "
		       "ALERTMANAGER_URL or --alertmanager",
		       ui_attr(EL_DIM));
		return;
	}
	if (al->error) {
		char ago[24];
		ui_fmt_ago(al->last_ok, ago, sizeof ago);
		ui_printf_cut(y++, 1, COLS - 2, ui_attr(EL_ERROR) | A_BOLD, "! %s%s%s%s", al->error,
			  al->have ? " (showing the list of " : "", al->have ? ago : "", al->have ? ")" : "");
	}
	if (al->pending_error)
		ui_printf_cut(y++, 1, COLS - 2, ui_attr(EL_VALUE_WARN), "! pending alerts unknown: %s",
			  al->pending_error);
	if (!al->have) {
		if (!al->error)
			ui_put(y, 1, COLS - 2, "loading alerts...", ui_attr(EL_DIM));
		return;
	}
	/* columns: narrower on 80 columns, the summary takes what is left */
	int cs = 9, cn = COLS >= 120 ? 24 : 18, cl = COLS >= 140 ? 40 : COLS >= 100 ? 30 : 22,
	    ca = 7;
	attr_t th = ui_attr(EL_TABLE_HEADER) | A_BOLD;
	ui_fill((rect_t){ 0, y, COLS, 1 }, ui_attr(EL_TABLE_HEADER));
	int x = 3;
	x += ui_printf(y, x, COLS - x, th, "%-*s ", cs, "STATE");
	x += ui_printf(y, x, COLS - x, th, "%-*s ", cn, "ALERT");
	x += ui_printf(y, x, COLS - x, th, "%-*s ", cl, "LABELS");
	x += ui_printf(y, x, COLS - x, th, "%-*s ", ca, "FOR");
	ui_put(y, x, COLS - x, "SUMMARY", th);
	y++;
	int rows = area.y + area.h - y - 1;
	if (rows < 1)
		return;
	reselect(v);
	list_fit(&av->list, al->list.n_rows, rows);
	if (!al->list.n_rows)
		ui_put(y + 1, 3, COLS - 6,
		       al->filter ? "no alert matches the filter (/ to change it; / ^U Enter clears it)"
				  : "no alerts: nothing fires or waits to fire",
		       ui_attr(EL_DIM));
	for (size_t i = av->list.top; i < al->list.n_rows && y < area.y + area.h - 1; i++, y++)
		draw_row(v, i, y, i == av->list.sel, cs, cn, cl, ca);
	remember(v);
	char ago[24];
	ui_fmt_ago(al->last_ok, ago, sizeof ago);
	size_t n_alerts = al->list.n_order;
	ui_printf(area.y + area.h - 1, 1, COLS - 2, ui_attr(EL_DIM),
		  "%zu firing, %zu shown%s%s%s; updated %s", al->list.n_firing, n_alerts,
		  al->filter ? " (filter: " : "", al->filter ? al->filter : "", al->filter ? ")" : "",
		  ago);
}

/* ---- details ---- */

typedef struct {
	ui_t *ui;
	char *key; /* row key of the alert */
	char *runbook; /* text, read once */
} details_t;

static void details_free(void *p)
{
	details_t *d = p;
	free(d->key);
	free(d->runbook);
	free(d);
}

static const am_alert_t *find_alert(const alerts_t *al, const char *key)
{
	for (size_t i = 0; i < al->list.n_rows; i++) {
		if (al->list.rows[i].is_group)
			continue;
		char *k = row_key(al, i);
		int same = strcmp(k, key) == 0;
		free(k);
		if (same)
			return &al->list.all.v[al->list.rows[i].alert];
	}
	return NULL;
}

static char *read_small_file(const char *path, size_t max)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return NULL;
	char *buf = xmalloc(max + 1);
	size_t n = fread(buf, 1, max, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static int starts_item(const char *l)
{
	if ((l[0] == '-' || l[0] == '*') && l[1] == ' ')
		return 1;
	size_t d = strspn(l, "0123456789");
	return d > 0 && l[d] == '.' && l[d + 1] == ' ';
}

/* A runbook's Markdown as the box's text: headings, and paragraphs and list
 * items joined from their hard-wrapped lines, so the box wraps them anew. */
static void runbook_text(textbox_t *tb, const char *md)
{
	strbuf_t para;
	sb_init(&para);
	int code = 0;
	const char *p = md;
	while (*p) {
		size_t l = strcspn(p, "\n");
		char *line = xstrndup(p, l);
		p += l;
		if (*p == '\n')
			p++;
		const char *t = line + strspn(line, " \t");
		int fence = strncmp(t, "```", 3) == 0;
		if (fence || code || !*t || line[0] == '#' || starts_item(t) || (line[0] != ' ' && starts_item(para.s ? para.s : ""))) {
			if (para.len)
				textbox_text(tb, EL_DEFAULT, para.s);
			sb_free(&para);
		}
		if (fence) {
			code = !code;
		} else if (code) {
			textbox_text(tb, EL_DIM, line);
		} else if (line[0] == '#') {
			textbox_heading(tb, line + strspn(line, "# "));
		} else if (!*t) {
			textbox_blank(tb);
		} else {
			sb_printf(&para, "%s%s", para.len ? " " : "", t);
		}
		free(line);
	}
	if (para.len)
		textbox_text(tb, EL_DEFAULT, para.s);
	sb_free(&para);
}

static void alert_logs(ui_t *ui, const am_alert_t *a);

/* L in the details: the alert's logs (the box closes). */
static int details_logs(void *ctx)
{
	details_t *d = ctx;
	const am_alert_t *a = find_alert(&d->ui->al, d->key);
	if (!a) {
		ui_say(d->ui, 0, "this alert is no longer in the list");
		return OV_KEEP;
	}
	alert_logs(d->ui, a);
	return OV_CLOSE;
}

static void alert_traces(ui_t *ui, const am_alert_t *a)
{
	const char *name = labels_get(&a->labels, "alertname");
	traces_jump_labels(ui, &a->labels, a->starts_at > 0 ? (int64_t)(a->starts_at * 1e9) : 0,
			   name ? name : "the alert");
}

/* T in the details: the traces of the alert's service around its start. */
static int details_traces(void *ctx)
{
	details_t *d = ctx;
	const am_alert_t *a = find_alert(&d->ui->al, d->key);
	if (!a) {
		ui_say(d->ui, 0, "this alert is no longer in the list");
		return OV_KEEP;
	}
	alert_traces(d->ui, a);
	return OV_CLOSE;
}

static void details_fill(textbox_t *tb, void *ctx)
{
	details_t *d = ctx;
	alerts_t *al = &d->ui->al;
	const am_alert_t *a = find_alert(al, d->key);
	if (!a) {
		textbox_text(tb, EL_DIM, "this alert is no longer in the list (resolved, or filtered out)");
		return;
	}
	char t1[32], t2[32], age[24];
	textbox_kv(tb, "state", am_state_name(a->state));
	if (a->starts_at > 0) {
		char *s = xasprintf("%s (for %s)", ui_fmt_time(a->starts_at, t1, sizeof t1),
				    alertlist_age(a->starts_at, now_unix(), age, sizeof age));
		textbox_kv(tb, "since", s);
		free(s);
	}
	if (a->fingerprint && *a->fingerprint)
		textbox_kv(tb, "fingerprint", a->fingerprint);
	textbox_blank(tb);
	textbox_heading(tb, "labels");
	for (size_t i = 0; i < a->labels.n; i++)
		textbox_kv(tb, a->labels.v[i].name, a->labels.v[i].value);
	if (a->annotations.n) {
		textbox_blank(tb);
		textbox_heading(tb, "annotations");
		for (size_t i = 0; i < a->annotations.n; i++)
			textbox_kv(tb, a->annotations.v[i].name, a->annotations.v[i].value);
	}
	textbox_blank(tb);
	if (a->generator_url)
		textbox_kv(tb, "generatorURL", a->generator_url);
	if (a->n_receivers) {
		strbuf_t b;
		sb_init(&b);
		for (size_t i = 0; i < a->n_receivers; i++)
			sb_printf(&b, "%s%s", i ? ", " : "", a->receivers[i]);
		textbox_kv(tb, "receivers", b.s);
		sb_free(&b);
	}
	for (size_t i = 0; i < a->n_silenced_by; i++) {
		const am_silence_t *s = alerts_find_silence(al, a->silenced_by[i]);
		textbox_blank(tb);
		textbox_heading(tb, "acknowledged (silenced)");
		textbox_kv(tb, "silence", a->silenced_by[i]);
		if (!s) {
			textbox_text(tb, EL_DIM, "(details not loaded yet)");
			continue;
		}
		char left[24];
		textbox_kv(tb, "by", s->created_by);
		textbox_kv(tb, "why", s->comment);
		textbox_kv(tb, "since", ui_fmt_time(s->starts_at, t1, sizeof t1));
		char *u = xasprintf("%s (%s left)", ui_fmt_time(s->ends_at, t2, sizeof t2),
				    ui_fmt_left(s->ends_at, left, sizeof left));
		textbox_kv(tb, "until", u);
		free(u);
	}
	for (size_t i = 0; i < a->n_inhibited_by; i++)
		textbox_kv(tb, "inhibited by", a->inhibited_by[i]);
	for (size_t i = 0; i < a->n_muted_by; i++)
		textbox_kv(tb, "muted by", a->muted_by[i]);
	textbox_blank(tb);
	textbox_heading(tb, "runbook");
	if (!d->runbook) {
		const char *name = labels_get(&a->labels, "alertname");
		char *path = datadir_runbook(name);
		d->runbook = path ? read_small_file(path, 64 * 1024) : NULL;
		if (!d->runbook) {
			const char *url = labels_get(&a->annotations, "runbook_url");
			d->runbook = xasprintf("%s%s", url ? "" : "no runbook for this alert",
					       url ? "see runbook_url above" : "");
		}
		free(path);
	}
	runbook_text(tb, d->runbook);
}

/* ---- filter ---- */

/* A filter word that is a matcher with a bad regex matches nothing: say why. */
static void filter_check(ui_t *ui, const char *text)
{
	char *copy = xstrdup(text ? text : "");
	char *save = NULL;
	for (char *w = strtok_r(copy, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		if (!strstr(w, "=~") && !strstr(w, "!~"))
			continue;
		am_matchers_t m;
		char *err = NULL;
		memset(&m, 0, sizeof m);
		if (am_matcher_parse(w, &m, &err) != 0) {
			ui_say(ui, 1, "filter: %s", err ? err : "invalid matcher");
			free(err);
			am_matchers_free(&m);
			break;
		}
		am_matchers_free(&m);
	}
	free(copy);
}

static void filter_enter(ui_t *ui, const char *text, void *ud)
{
	filter_check(ui, text);
	view_t *v = ud;
	alerts_view_t *av = v->priv;
	alerts_set_filter(&ui->al, text);
	free(av->old_filter);
	av->old_filter = NULL;
}

static void filter_change(ui_t *ui, const char *text, void *ud)
{
	(void)ud;
	alerts_set_filter(&ui->al, text);
	filter_check(ui, text);
}

static void filter_cancel(ui_t *ui, void *ud)
{
	view_t *v = ud;
	alerts_view_t *av = v->priv;
	alerts_set_filter(&ui->al, av->old_filter);
	free(av->old_filter);
	av->old_filter = NULL;
}

/* ---- requests ---- */

/* The labels every alert of a group row shares, and its earliest start. */
static void group_labels(const alerts_t *al, const alertlist_row_t *row, labels_t *common, double *start)
{
	memset(common, 0, sizeof *common);
	const am_alert_t *first = &al->list.all.v[al->list.order[row->first]];
	for (size_t k = 0; k < first->labels.n; k++) {
		const label_t *lb = &first->labels.v[k];
		int all = 1;
		for (size_t j = row->first; j < row->first + row->count && all; j++) {
			const char *val = labels_get(&al->list.all.v[al->list.order[j]].labels, lb->name);
			all = val && strcmp(val, lb->value) == 0;
		}
		if (all)
			labels_add(common, lb->name, lb->value);
	}
	if (start) {
		*start = 0;
		for (size_t j = row->first; j < row->first + row->count; j++) {
			double s = al->list.all.v[al->list.order[j]].starts_at;
			if (s > 0 && (*start == 0 || s < *start))
				*start = s;
		}
	}
}

/* L: the alert's logs, from a little before it started, the cursor at its start. */
static void open_logs(view_t *v, const alertlist_row_t *row)
{
	alerts_t *al = al_of(v);
	if (row->is_group) {
		const char *name = row->alertname ? row->alertname : "the alert";
		labels_t common;
		double start;
		group_labels(al, row, &common, &start);
		char *what = xasprintf("%s (%zu alert%s)", name, row->count, row->count == 1 ? "" : "s");
		logs_jump_labels(v->ui, &common, NULL, start > 0 ? (int64_t)(start * 1e9) : 0, what);
		free(what);
		labels_free(&common);
		return;
	}
	alert_logs(v->ui, &al->list.all.v[row->alert]);
}

static void alert_logs(ui_t *ui, const am_alert_t *a)
{
	const char *name = labels_get(&a->labels, "alertname");
	const char *node = labels_get(&a->labels, "node");
	char *what = node ? xasprintf("%s on %s", name ? name : "the alert", node)
			  : xstrdup(name ? name : "the alert");
	logs_jump_labels(ui, &a->labels, NULL, a->starts_at > 0 ? (int64_t)(a->starts_at * 1e9) : 0, what);
	free(what);
}

static const alertlist_row_t *sel_row(view_t *v)
{
	alerts_view_t *av = v->priv;
	alerts_t *al = al_of(v);
	return av->list.sel < al->list.n_rows ? &al->list.rows[av->list.sel] : NULL;
}

static req_t alerts_view_request(view_t *v, req_t r)
{
	alerts_view_t *av = v->priv;
	alerts_t *al = al_of(v);
	/* the list may have changed since the last paint: act on the row the
	 * user sees selected, not on whatever took its index */
	reselect(v);
	list_fit(&av->list, al->list.n_rows, av->list.rows);
	if (list_request(&av->list, r)) {
		remember(v);
		return REQ_NONE;
	}
	const alertlist_row_t *row = sel_row(v);
	switch (r) {
	case REQ_ENTER:
		if (row && !row->is_group) {
			details_t *d = xcalloc(1, sizeof *d);
			d->ui = v->ui;
			d->key = row_key(al, av->list.sel);
			const char *nm = labels_get(&al->list.all.v[row->alert].labels, "alertname");
			char *title = xasprintf("Alert %s", nm ? nm : "");
			textbox_t *tb = textbox_open(v->ui, title, details_fill, d, details_free);
			if (tb) { /* where a paged engineer reads the alert: its logs and traces from there */
				textbox_on_key(tb, 'L', "L logs", details_logs);
				textbox_on_key(tb, 'T', "T traces", details_traces);
			}
			free(title);
		} else if (row) {
			ui_say(v->ui, 0, "a group: select one of its alerts for details, or a to acknowledge all");
		}
		return REQ_NONE;
	case REQ_ACK:
		if (!row) {
			ui_say(v->ui, 0, "nothing to acknowledge");
			return REQ_NONE;
		}
		for (size_t j = row->is_group ? row->first : 0; j < (row->is_group ? row->first + row->count : 1); j++) {
			const am_alert_t *a = &al->list.all.v[row->is_group ? al->list.order[j] : row->alert];
			if (a->inexact) {
				ui_say(v->ui, 1, "not acknowledged: a label of %s holds characters Alertmanager sent "
						 "that cannot be sent back exactly (a NUL or broken UTF-16), so a silence "
						 "built from its labels would not match it; use amtool with a regex",
				       row->is_group ? "an alert of this group" : "this alert");
				return REQ_NONE;
			}
		}
		if (row->is_group) {
			labels_t common;
			group_labels(al, row, &common, NULL);
			writes_ack_open(v->ui, &common, row->count, 1);
			labels_free(&common);
		} else {
			writes_ack_open(v->ui, &al->list.all.v[row->alert].labels, 1, 0);
		}
		return REQ_NONE;
	case REQ_LOGS:
		if (!row)
			ui_say(v->ui, 0, "no alert selected");
		else
			open_logs(v, row);
		return REQ_NONE;
	case REQ_TRACES:
		if (!row) {
			ui_say(v->ui, 0, "no alert selected");
		} else if (row->is_group) {
			labels_t common;
			double start;
			group_labels(al, row, &common, &start);
			traces_jump_labels(v->ui, &common, start > 0 ? (int64_t)(start * 1e9) : 0,
					   row->alertname ? row->alertname : "the alerts");
			labels_free(&common);
		} else {
			alert_traces(v->ui, &al->list.all.v[row->alert]);
		}
		return REQ_NONE;
	case REQ_UNACK:
		if (!row || row->is_group) {
			ui_say(v->ui, 0, "select an acknowledged alert to take its acknowledgement back");
			return REQ_NONE;
		}
		writes_unack_open(v->ui, &al->list.all.v[row->alert]);
		return REQ_NONE;
	case REQ_FILTER:
		free(av->old_filter);
		av->old_filter = al->filter ? xstrdup(al->filter) : NULL;
		prompt_open(v->ui, "/", al->filter, filter_enter, filter_change, filter_cancel, v, NULL);
		return REQ_NONE;
	default:
		return r;
	}
}

static void alerts_view_reload(view_t *v)
{
	/* the silences too: rows say who acknowledged and until when */
	alerts_refresh(al_of(v), 1);
}

static int alerts_view_tick(view_t *v, double now)
{
	(void)v;
	(void)now;
	return 1; /* ages move */
}

static void alerts_view_close(view_t *v)
{
	alerts_view_t *av = v->priv;
	list_free(&av->list);
	free(av->old_filter);
}

static const char *alerts_view_hint(view_t *v)
{
	return alerts_read_only(al_of(v))
		       ? "j/k move  Enter details  L logs  / filter  (read-only: no a/u)  Tab views  ? help"
		       : "j/k move  Enter details  a ack  u unack  L logs  / filter  Tab views  ? help";
}

static int cmd_filter(ui_t *ui, const char *arg)
{
	alerts_set_filter(&ui->al, arg);
	filter_check(ui, arg);
	ui_say(ui, 0, *arg ? "filter: %s" : "filter cleared%s", arg);
	return 0;
}

static const command_t alerts_cmds[] = {
	{ "filter", NULL, "[TEXT]", "filter the alerts as / does (no TEXT: clear it)", cmd_filter },
};

static char *alerts_view_status(view_t *v)
{
	alerts_t *al = al_of(v);
	if (al->bk->n_am > 1 && al->have) {
		return xasprintf("reading from am%zu ", al->reader + 1);
	}
	return NULL;
}

const view_ops_t alerts_view_ops = {
	.name = "Alerts",
	.flags = VIEW_F_ALERTS,
	.hint = "j/k move  Enter details  a ack  u unack  L logs  / filter  Tab views  ? help",
	.private_size = sizeof(alerts_view_t),
	.keys = alerts_keys,
	.n_keys = sizeof alerts_keys / sizeof alerts_keys[0],
	.cmds = alerts_cmds,
	.n_cmds = sizeof alerts_cmds / sizeof alerts_cmds[0],
	.close = alerts_view_close,
	.draw = alerts_view_draw,
	.request = alerts_view_request,
	.reload = alerts_view_reload,
	.tick = alerts_view_tick,
	.status = alerts_view_status,
	.hint_fn = alerts_view_hint,
};
