/* The console's `:` commands (a view's own come first, from its view_ops_t): context, range, refresh, theme, help, quit. */
#include "config.h"
#include "app/creds.h"
#include "app/datadir.h"
#include "core/log.h"
#include "core/units.h"
#include "ui/ui.h"
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *no_env(const char *name)
{
	(void)name;
	return NULL;
}

static int cmd_ctx(ui_t *ui, const char *arg)
{
	const conf_t *c = ui->o->conf;
	if (!*arg) {
		strbuf_t b;
		sb_init(&b);
		for (size_t i = 0; i < c->n_contexts; i++)
			sb_printf(&b, "%s%s", i ? ", " : "", c->contexts[i].name);
		ui_say(ui, 0, "context %s; contexts: %s", ui->ctx.name ? ui->ctx.name : "default",
		       b.s ? b.s : "(none configured)");
		sb_free(&b);
		return 0;
	}
	/* A switch takes the named context as the file has it: the environment and the
	 * URL flags were for the starting context, and applying them here would show
	 * one cluster's panels under another's name. --read-only stays. */
	conf_overrides_t ov;
	memset(&ov, 0, sizeof ov);
	ov.context = arg;
	ov.read_only = ui->o->ov ? ui->o->ov->read_only : 0;
	conf_context_t nc;
	char err[512];
	if (conf_resolve(c, &ov, no_env, &nc, err, sizeof err) != 0) {
		ui_say(ui, 1, "%s", err);
		return -1;
	}
	ui_pop_all(ui);
	ui->ctx_gen++;
	conf_context_free(&ui->ctx);
	ui->ctx = nc;
	backends_set_context(&ui->bk, &ui->ctx);
	hprobe_reset(&ui->probe); /* the last context's answers must not colour this one's dots */
	dash_set_context(&ui->dash, &ui->ctx);
	alerts_set_context(&ui->al, &ui->ctx);
	creds_apply(ui->http, &ui->ctx);
	targets_set_base(&ui->tg, ui->ctx.prometheus);
	screen_set_theme(&ui->scr, &ui->scr.theme, ui->ctx.color);
	ui->first_complete = 1;
	ui_refresh_now(ui);
	if (ui->ctx.warnings)
		ui_say(ui, 1, "context %s; warning: %s", ui->ctx.name, ui->ctx.warnings);
	else
		ui_say(ui, 0, "context %s", ui->ctx.name);
	return 0;
}

static int cmd_range(ui_t *ui, const char *arg)
{
	long long ms;
	if (duration_parse_ms(arg, &ms) != 0 || ms < 60000 || ms > 30LL * 86400000) {
		ui_say(ui, 1, "range: expected a duration from 1m to 30d, e.g. :range 6h");
		return -1;
	}
	dash_set_range(&ui->dash, ms);
	char b[16];
	ui_say(ui, 0, "range %s", duration_format(ms, b, sizeof b));
	return 0;
}

static int cmd_refresh(ui_t *ui, const char *arg)
{
	long long ms;
	if (duration_parse_ms(arg, &ms) != 0 || ms < 1000 || ms > 3600000) {
		ui_say(ui, 1, "refresh: expected a duration from 1s to 1h, e.g. :refresh 10s");
		return -1;
	}
	ui_set_refresh(ui, ms);
	char b[16];
	ui_say(ui, 0, "refresh every %s", duration_format(ms, b, sizeof b));
	return 0;
}

static int cmd_theme(ui_t *ui, const char *arg)
{
	if (!*arg) {
		char *l = datadir_list("themes");
		ui_say(ui, 0, "theme %s; themes: %s", ui->scr.theme.name, l);
		free(l);
		return 0;
	}
	char *searched = NULL, err[512];
	char *path = datadir_find("themes", arg, &searched);
	if (!path) {
		ui_say(ui, 1, "no theme '%s' (looked in %s)", arg, searched ? searched : "");
		free(searched);
		return -1;
	}
	theme_t t;
	int rc = theme_load_file(path, &t, err, sizeof err);
	free(path);
	if (rc != 0) {
		ui_say(ui, 1, "%s", err);
		return -1;
	}
	if (ui->scr.no_color) {
		theme_free(&t);
		ui_say(ui, 1, "colours are off (NO_COLOR or --no-color)");
		return -1;
	}
	screen_set_theme(&ui->scr, &t, ui->ctx.color);
	theme_free(&t);
	ui_say(ui, 0, "theme %s", arg);
	return 0;
}

static int cmd_quit(ui_t *ui, const char *arg)
{
	(void)arg;
	ui_quit(ui);
	return 0;
}

static int cmd_help(ui_t *ui, const char *arg)
{
	(void)arg;
	ui_open_help(ui);
	return 0;
}

/* :trace ID from any view: the Traces view opens it. */
static int cmd_trace(ui_t *ui, const char *arg)
{
	if (!arg || !*arg) {
		ui_say(ui, 1, "trace: give a trace id (hex, as a log line's trace_id)");
		return 0;
	}
	jump_t j = { .trace_id = arg };
	ui_jump(ui, "Traces", &j);
	return 0;
}

static const command_t cmd_table[] = {
	{ "ctx", "context", "[NAME]", "switch to context NAME (no NAME: list them)", cmd_ctx },
	{ "range", NULL, "DUR", "time range of graphs: 5m, 1h, 6h, 24h, 7d, ...", cmd_range },
	{ "refresh", NULL, "DUR", "refresh interval, e.g. 5s", cmd_refresh },
	{ "theme", NULL, "[NAME]", "switch theme (no NAME: list them)", cmd_theme },
	{ "trace", NULL, "TRACE_ID", "open a trace by its id (the Traces view)", cmd_trace },
	{ "help", NULL, "", "show the help", cmd_help },
	{ "q", "quit", "", "quit", cmd_quit },
};

const command_t *ui_commands(size_t *n)
{
	*n = sizeof cmd_table / sizeof cmd_table[0];
	return cmd_table;
}

/* Words separated by ", " (datadir_list's) as an array pointing into s. */
static size_t split_list(char *s, const char **v, size_t max)
{
	size_t n = 0;
	for (char *save = NULL, *t = strtok_r(s, ", ", &save); t && n < max; t = strtok_r(NULL, ", ", &save))
		v[n++] = t;
	return n;
}

char *ui_complete_command(ui_t *ui, const char *text, char **cands)
{
	static const char *const ranges[] = { "5m", "1h", "6h", "24h", "7d" };
	const conf_t *c = ui->o->conf;
	const char *ctxs[64];
	size_t n_ctx = 0;
	for (size_t i = 0; c && i < c->n_contexts && n_ctx < 64; i++)
		ctxs[n_ctx++] = c->contexts[i].name;
	char *tl = datadir_list("themes");
	const char *themes[64];
	size_t n_th = split_list(tl, themes, 64);
	/* the shown view's commands first, then the console's, as they run */
	const view_ops_t *vo = ui_cur_view(ui)->ops;
	size_t n;
	const command_t *g = ui_commands(&n);
	size_t nv = vo->cmds ? vo->n_cmds : 0;
	complete_cmd_t *cc = xcalloc(nv + n, sizeof *cc);
	for (size_t i = 0; i < nv + n; i++) {
		const command_t *k = i < nv ? &vo->cmds[i] : &g[i - nv];
		cc[i] = (complete_cmd_t){ k->name, k->alias, NULL, 0 };
		if (k->fn == cmd_ctx)
			cc[i].args = ctxs, cc[i].n_args = n_ctx;
		else if (k->fn == cmd_range)
			cc[i].args = ranges, cc[i].n_args = sizeof ranges / sizeof ranges[0];
		else if (k->fn == cmd_theme)
			cc[i].args = themes, cc[i].n_args = n_th;
	}
	char *out = NULL;
	complete_line(text, cc, nv + n, &out, cands);
	free(cc);
	free(tl);
	return out;
}

void ui_run_command(ui_t *ui, const char *line, void *ud)
{
	(void)ud;
	while (isspace((unsigned char)*line))
		line++;
	if (!*line)
		return;
	size_t l = strcspn(line, " \t");
	const char *arg = line + l;
	while (isspace((unsigned char)*arg))
		arg++;
	char *name = xstrndup(line, l);
	char *argc = xstrdup(arg);
	for (char *e = argc + strlen(argc); e > argc && isspace((unsigned char)e[-1]);)
		*--e = '\0';
	/* the shown view's commands first, then the console's */
	const view_ops_t *vo = ui_cur_view(ui)->ops;
	size_t n;
	const command_t *t = ui_commands(&n);
	const command_t *tables[2] = { vo->cmds, t };
	size_t counts[2] = { vo->cmds ? vo->n_cmds : 0, n };
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < counts[k]; i++) {
			const command_t *c = &tables[k][i];
			if (strcmp(name, c->name) == 0 || (c->alias && strcmp(name, c->alias) == 0)) {
				c->fn(ui, argc);
				free(name);
				free(argc);
				return;
			}
		}
	strbuf_t names;
	sb_init(&names);
	for (int k = 0; k < 2; k++)
		for (size_t i = 0; i < counts[k]; i++)
			sb_printf(&names, "%s%s", names.len ? ", " : "", tables[k][i].name);
	ui_say(ui, 1, "unknown command ':%s' (commands: %s)", name, names.s);
	sb_free(&names);
	free(name);
	free(argc);
}

/* ---- the `:` history across sessions ---- */

/* $XDG_STATE_HOME/icn-console/NAME (a relative XDG_STATE_HOME is ignored,
 * as the XDG spec says), else ~/.local/state/icn-console/NAME. */
static char *state_path(const char *name)
{
	const char *x = getenv("XDG_STATE_HOME"), *home = getenv("HOME");
	if (x && x[0] == '/')
		return xasprintf("%s/icn-console/%s", x, name);
	if (home && *home)
		return xasprintf("%s/.local/state/icn-console/%s", home, name);
	return NULL;
}

void ui_state_read(const char *name, history_t *h)
{
	char *path = state_path(name);
	FILE *f = path ? fopen(path, "r") : NULL;
	free(path);
	if (!f)
		return;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) > 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		/* what the line editor could have taken (and gives back on Up) */
		if (n > 0 && n <= 1024)
			history_add(h, line);
	}
	free(line);
	fclose(f);
}

void ui_history_load(ui_t *ui)
{
	ui_state_read("history", &ui->cmd_hist);
	ui->hist_saved = ui->cmd_hist.added;
}

/* mkdir -p of the directories above path (0700: a history is the user's). */
static int make_parents(const char *path)
{
	char *d = xstrdup(path);
	int rc = 0;
	for (char *p = d + 1; *p && !rc; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(d, 0700) != 0 && errno != EEXIST)
				rc = -1;
			*p = '/';
		}
	free(d);
	return rc;
}

void ui_state_write(const char *name, const history_t *h)
{
	char *path = state_path(name);
	if (!path)
		return;
	char *tmp = xasprintf("%s.%ld", path, (long)getpid());
	/* 0600: what was typed (contexts, filters) is the user's alone */
	int fd = make_parents(path) == 0 ? open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600) : -1;
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (fd >= 0 && !f)
		close(fd);
	int ok = f != NULL;
	for (size_t i = 0; f && i < h->n; i++)
		ok &= fprintf(f, "%s\n", h->v[i]) >= 0;
	if (f)
		ok &= fclose(f) == 0;
	/* whole or not at all: another console's history is never half overwritten */
	if (!ok || rename(tmp, path) != 0) {
		log_msg("%s was not saved: %s", path, strerror(errno));
		remove(tmp);
	}
	free(tmp);
	free(path);
}

void ui_history_save(ui_t *ui)
{
	if (ui->cmd_hist.added == ui->hist_saved)
		return; /* nothing entered: the file stays as it is */
	ui_state_write("history", &ui->cmd_hist);
}
