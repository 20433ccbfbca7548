/* The Silences view: active and pending silences (acknowledgements) with matchers, author, comment, time left; expire, extend. */
#include "config.h"
#include "ui/ui.h"
#include "ui/writes.h"
#include <curses.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	list_t list;
	int show_expired;
	size_t *rows;      /* indices into al->sil of the silences shown */
	size_t n_rows;
	unsigned seen_gen; /* the silences list the rows were built from */
	int seen_expired;  /* ... and whether they showed the expired ones */
} silences_view_t;

static const keybind_t silences_keys[] = {
	LIST_KEYBINDS,
	{ '\r', "Enter", REQ_ENTER, "details of the silence" },
	{ '\n', NULL, REQ_ENTER, NULL },
	{ KEY_ENTER, NULL, REQ_ENTER, NULL },
	{ 'u', "u", REQ_UNACK, "expire the silence (asks first)" },
	{ 'e', "e", REQ_EXTEND, "extend the silence by a duration (asks first)" },
	{ 'x', "x", REQ_SHOW_EXPIRED, "show or hide expired silences" },
};

static alerts_t *al_of(view_t *v)
{
	return &v->ui->al;
}

static char *key_of_row(void *ctx, size_t i)
{
	view_t *v = ctx;
	silences_view_t *sv = v->priv;
	alerts_t *al = &v->ui->al;
	if (i >= sv->n_rows || sv->rows[i] >= al->sil.n)
		return NULL;
	/* what it silences and who made it, not its id: extending a silence makes
	 * Alertmanager replace it under a new id, and the row must stay selected */
	const am_silence_t *sl = &al->sil.v[sv->rows[i]];
	char *m = am_matchers_format(&sl->matchers);
	char *k = xasprintf("%s\x1f%s\x1f%s", m, sl->created_by ? sl->created_by : "",
			    am_sil_state_name(sl->state));
	free(m);
	return k;
}

static void build_rows(view_t *v)
{
	silences_view_t *sv = v->priv;
	alerts_t *al = al_of(v);
	/* rebuilt when the list or the choice changed, not at every paint */
	if (sv->rows && sv->seen_gen == al->sil_gen && sv->seen_expired == sv->show_expired)
		return;
	sv->seen_gen = al->sil_gen;
	sv->seen_expired = sv->show_expired;
	free(sv->rows);
	sv->rows = xcalloc(al->sil.n ? al->sil.n : 1, sizeof *sv->rows);
	sv->n_rows = 0;
	/* Alertmanager's order: active (ending first), pending, expired */
	for (size_t i = 0; i < al->sil.n; i++)
		if (sv->show_expired || al->sil.v[i].state != AM_SIL_EXPIRED)
			sv->rows[sv->n_rows++] = i;
	list_keep(&sv->list, sv->n_rows, key_of_row, v);
}

static const am_silence_t *selected(view_t *v)
{
	silences_view_t *sv = v->priv;
	alerts_t *al = al_of(v);
	if (sv->list.sel >= sv->n_rows || sv->rows[sv->list.sel] >= al->sil.n)
		return NULL;
	return &al->sil.v[sv->rows[sv->list.sel]];
}

static void remember(view_t *v)
{
	silences_view_t *sv = v->priv;
	sv->list.n = sv->n_rows;
	list_remember(&sv->list, key_of_row, v);
}

static void silences_view_draw(view_t *v, rect_t area)
{
	silences_view_t *sv = v->priv;
	alerts_t *al = al_of(v);
	int y = area.y;
	if (!al->bk->n_am) {
		ui_put(y + 1, 2, COLS - 4, "no Alertmanager in this context", ui_attr(EL_DIM));
		return;
	}
	if (al->sil_error)
		ui_printf_cut(y++, 1, COLS - 2, ui_attr(EL_ERROR) | A_BOLD, "! %s%s", al->sil_error,
			  al->have_sil ? " (showing the last good list)" : "");
	if (!al->have_sil) {
		if (!al->sil_error)
			ui_put(y, 1, COLS - 2, "loading silences...", ui_attr(EL_DIM));
		return;
	}
	build_rows(v);
	int cs = 8, cl = 9, cb = COLS >= 120 ? 22 : 16, cm = COLS >= 140 ? 50 : COLS >= 100 ? 34 : 24;
	attr_t th = ui_attr(EL_TABLE_HEADER) | A_BOLD;
	ui_fill((rect_t){ 0, y, COLS, 1 }, ui_attr(EL_TABLE_HEADER));
	int x = 1;
	x += ui_printf(y, x, COLS - x, th, "%-*s ", cs, "STATE");
	x += ui_printf(y, x, COLS - x, th, "%-*s ", cl, "LEFT");
	x += ui_printf(y, x, COLS - x, th, "%-*s ", cb, "BY");
	x += ui_printf(y, x, COLS - x, th, "%-*s ", cm, "MATCHERS");
	ui_put(y, x, COLS - x, "COMMENT", th);
	y++;
	int rows = area.y + area.h - y - 1;
	if (rows < 1)
		return;
	list_fit(&sv->list, sv->n_rows, rows);
	if (!sv->n_rows)
		ui_put(y + 1, 3, COLS - 6,
		       sv->show_expired ? "no silences" : "no active or pending silences (x shows expired ones)",
		       ui_attr(EL_DIM));
	for (size_t i = sv->list.top; i < sv->n_rows && y < area.y + area.h - 1; i++, y++) {
		const am_silence_t *s = &al->sil.v[sv->rows[i]];
		int sel = i == sv->list.sel;
		attr_t base = ui_attr(sel ? EL_SELECTED : EL_DEFAULT);
		if (sel)
			ui_fill((rect_t){ 0, y, COLS, 1 }, base);
		theme_el_t se = s->state == AM_SIL_ACTIVE ? EL_VALUE_OK : s->state == AM_SIL_PENDING ? EL_VALUE_WARN : EL_DIM;
		char left[24];
		if (s->state == AM_SIL_PENDING)
			snprintf(left, sizeof left, "starts");
		else
			ui_fmt_left(s->ends_at, left, sizeof left);
		x = 1;
		x += ui_cell(y, x, cs + 1, am_sil_state_name(s->state), (sel ? base : ui_attr(se)) | A_BOLD);
		x += ui_cell(y, x, cl + 1, left, base);
		x += ui_cell(y, x, cb + 1, s->created_by ? s->created_by : "", base);
		char *m = am_matchers_format(&s->matchers);
		x += ui_cell(y, x, cm + 1, m, sel ? base : ui_attr(EL_DIM));
		free(m);
		ui_put(y, x, COLS - x - 1, s->comment ? s->comment : "", base);
	}
	remember(v);
	char ago[24];
	ui_fmt_ago(al->sil_last_ok, ago, sizeof ago);
	ui_printf(area.y + area.h - 1, 1, COLS - 2, ui_attr(EL_DIM), "%zu shown of %zu%s; updated %s",
		  sv->n_rows, al->sil.n, sv->show_expired ? " (expired included)" : "", ago);
}

typedef struct {
	ui_t *ui;
	char *id;
} sdetails_t;

static void sdetails_free(void *p)
{
	sdetails_t *d = p;
	free(d->id);
	free(d);
}

static void sdetails_fill(textbox_t *tb, void *ctx)
{
	sdetails_t *d = ctx;
	alerts_t *al = &d->ui->al;
	const am_silence_t *s = alerts_find_silence(al, d->id);
	if (!s) {
		textbox_text(tb, EL_DIM, "this silence is no longer listed");
		return;
	}
	char t[32], left[24];
	textbox_kv(tb, "id", s->id);
	textbox_kv(tb, "state", am_sil_state_name(s->state));
	textbox_kv(tb, "created by", s->created_by);
	textbox_kv(tb, "comment", s->comment);
	textbox_kv(tb, "starts", ui_fmt_time(s->starts_at, t, sizeof t));
	char *u = xasprintf("%s (%s left)", ui_fmt_time(s->ends_at, t, sizeof t),
			    ui_fmt_left(s->ends_at, left, sizeof left));
	textbox_kv(tb, "ends", u);
	free(u);
	textbox_blank(tb);
	textbox_heading(tb, "matchers");
	for (size_t i = 0; i < s->matchers.n; i++) {
		const am_matcher_t *m = &s->matchers.v[i];
		char *mv = xasprintf("%s\"%s\"", m->is_regex ? (m->is_equal ? "=~" : "!~") : (m->is_equal ? "=" : "!="),
				     m->value);
		textbox_kv(tb, m->name, mv);
		free(mv);
	}
	size_t n = 0, held = 0;
	for (size_t i = 0; i < al->list.all.n; i++) {
		const am_alert_t *a = &al->list.all.v[i];
		for (size_t k = 0; k < a->n_silenced_by; k++)
			if (a->silenced_by[k] && !strcmp(a->silenced_by[k], s->id)) {
				held++;
				break;
			}
		n += a->state != AM_STATE_PENDING && am_matchers_match(&s->matchers, &a->labels);
	}
	char *c = xasprintf("it silences %zu alert%s now; its matchers match %zu alert%s "
			    "(firing or silenced)",
			    held, held == 1 ? "" : "s", n, n == 1 ? "" : "s");
	textbox_blank(tb);
	textbox_text(tb, EL_DIM, c);
	free(c);
}

static req_t silences_view_request(view_t *v, req_t r)
{
	silences_view_t *sv = v->priv;
	build_rows(v); /* act on the silence the user sees selected */
	list_fit(&sv->list, sv->n_rows, sv->list.rows);
	if (list_request(&sv->list, r)) {
		remember(v);
		return REQ_NONE;
	}
	const am_silence_t *s = selected(v);
	switch (r) {
	case REQ_ENTER:
		if (s) {
			sdetails_t *d = xcalloc(1, sizeof *d);
			d->ui = v->ui;
			d->id = xstrdup(s->id);
			textbox_open(v->ui, "Silence", sdetails_fill, d, sdetails_free);
		}
		return REQ_NONE;
	case REQ_UNACK:
		if (s)
			writes_expire_open(v->ui, s);
		return REQ_NONE;
	case REQ_EXTEND:
		if (s)
			writes_extend_open(v->ui, s);
		return REQ_NONE;
	case REQ_SHOW_EXPIRED:
		sv->show_expired = !sv->show_expired;
		ui_say(v->ui, 0, "%s expired silences", sv->show_expired ? "showing" : "hiding");
		return REQ_NONE;
	default:
		return r;
	}
}

static void silences_view_reload(view_t *v)
{
	alerts_refresh(al_of(v), 1);
}

static int silences_view_tick(view_t *v, double now)
{
	(void)v;
	(void)now;
	return 1; /* time left moves */
}

static void silences_view_close(view_t *v)
{
	silences_view_t *sv = v->priv;
	free(sv->rows);
	list_free(&sv->list);
}

const view_ops_t silences_view_ops = {
	.name = "Silences",
	.flags = VIEW_F_ALERTS,
	.hint = "j/k move  Enter details  u expire  e extend  x expired  Tab views  ? help",
	.private_size = sizeof(silences_view_t),
	.keys = silences_keys,
	.n_keys = sizeof silences_keys / sizeof silences_keys[0],
	.close = silences_view_close,
	.draw = silences_view_draw,
	.request = silences_view_request,
	.reload = silences_view_reload,
	.tick = silences_view_tick,
};
