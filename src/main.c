/* icn-console: options, subcommands, and the start-up and shutdown order. */
#include "config.h"
#include "app/alerts.h"
#include "app/creds.h"
#include "app/dash.h"
#include "app/datadir.h"
#include "app/targets.h"
#include "backend/am.h"
#include "backend/jaeger.h"
#include "cli/alerts_cmd.h"
#include "cli/logs_cmd.h"
#include "cli/once_cmd.h"
#include "cli/traces_cmd.h"
#include "core/conf.h"
#include "core/http.h"
#include "core/log.h"
#include "core/panels.h"
#include "core/text.h"
#include "core/theme.h"
#include "core/units.h"
#include "core/xalloc.h"
#include "model/legend.h"
#include "model/targetlist.h"
#include "ui/canvas.h"
#include "ui/table.h"
#include "ui/tui.h"
#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <pwd.h>
#include <unistd.h>

enum { EXIT_OK = 0, EXIT_BACKEND = 1, EXIT_USAGE = 2 };

static const char usage_text[] =
	"Usage: icn-console [OPTIONS]                      the live dashboard\n"
	"       icn-console --once [--output text|json]    print every panel once and exit\n"
	"       icn-console [OPTIONS] COMMAND [ARGS] [OPTIONS]\n"
	"\n"
	"Commands (for scripts; options may come before or after the command):\n"
	"  targets [--output text|json]        Prometheus scrape targets\n"
	"  alerts [--output text|json]         every alert: firing, pending, acknowledged, inhibited\n"
	"  silences [--all] [--output text|json]\n"
	"                                      active and pending silences (--all: expired too)\n"
	"  ack MATCHER... --comment TEXT [--duration DUR] [--author NAME] [--force]\n"
	"                                      acknowledge: create a silence, print its id;\n"
	"                                      MATCHER is name=value (or !=, =~, !~); refused\n"
	"                                      when no firing alert matches, unless --force\n"
	"  unack SILENCE_ID                    take an acknowledgement back (expire the silence)\n"
	"  logs QUERY [--since D] [--limit N] [--tail [--duration D]] [--output text|jsonl]\n"
	"                                      a LogQL query's lines from Loki (the newest N of\n"
	"                                      the last D, default 15m and 1000); --tail follows\n"
	"                                      live, reconnecting, every line exactly once\n"
	"  traces --service S [--operation O] [--tag K=V]... [--lookback D] [--min-duration D]\n"
	"         [--max-duration D] [--limit N] [--output text|json]\n"
	"                                      search Jaeger: a row per trace (default the last\n"
	"                                      1h, 20 traces); exit 1 when none is found\n"
	"  trace TRACE_ID [--output text|json] one trace from Jaeger as a waterfall: the span\n"
	"                                      tree, times, bars, * critical path, ! errors\n"
	"\n"
	"Options:\n"
	"  -c, --config FILE        config file (default $XDG_CONFIG_HOME/icn-console/config.yaml,\n"
	"                           then " SYSCONFDIR "/icn-console/config.yaml)\n"
	"  -x, --context NAME       context to use (default: the file's current-context)\n"
	"      --prometheus URL     Prometheus URL (overrides PROMETHEUS_URL and the file)\n"
	"      --alertmanager URL   Alertmanager URL; repeat for an HA cluster\n"
	"                           (overrides ALERTMANAGER_URL, a comma-separated list)\n"
	"      --loki URL           Loki URL (overrides LOKI_ADDR)\n"
	"      --jaeger URL         Jaeger URL (overrides JAEGER_URL)\n"
	"  -d, --dashboard NAME     panel file: a name under panels/ or a path (default icn-overview)\n"
	"  -t, --theme NAME         dark (default), light, high-contrast, monochrome, or a path\n"
	"      --no-color           no colours (also when NO_COLOR is set)\n"
	"      --ascii              draw with ASCII characters only\n"
	"      --charts MODE        chart glyphs: braille (default), block (for fonts\n"
	"                           without braille), ascii\n"
	"      --no-bell            no bell or desktop notification on a new critical alert\n"
	"      --no-clipboard       y does not copy a query to the terminal's clipboard (OSC 52)\n"
	"      --read-only          refuse every write (acknowledge, expire, extend)\n"
	"  -r, --refresh DUR        refresh interval (default 5s)\n"
	"      --range DUR          time range of graphs (default 1h)\n"
	"      --timeout DUR        per-request timeout (default 3s; Jaeger's 15s)\n"
	"      --once               query every panel once, print, and exit\n"
	"  -o, --output FORMAT      text (default) or json, for --once and the commands\n"
	"      --log FILE           write a debug log to FILE\n"
	"  -h, --help               this help\n"
	"  -V, --version            the version\n"
	"\n"
	"Options of ack (after the command):\n"
	"      --comment TEXT       why (required)\n"
	"      --duration DUR       how long (default: the config's ack.duration, else 2h)\n"
	"      --author NAME        who (default: the config's ack.author, else $USER@hostname)\n"
	"      --force              create the silence even when no firing alert matches\n"
	"\n"
	"Options of traces (after the command):\n"
	"      --service NAME       the service whose traces to find (required)\n"
	"      --operation NAME     only traces with a span of this operation\n"
	"      --tag KEY=VALUE      only traces with a span carrying this tag; repeat: all must match\n"
	"      --lookback DUR       how far back (default 1h; at most 30d)\n"
	"      --min-duration DUR   only traces with a span at least this long (1.5s, 200ms, 150us)\n"
	"      --max-duration DUR   ... and at most this long\n"
	"      --limit N            at most N traces (default 20, at most 1500)\n"
	"\n"
	"Environment: PROMETHEUS_URL, ALERTMANAGER_URL, LOKI_ADDR, LOKI_ORG_ID,\n"
	"LOKI_BEARER_TOKEN, LOKI_USERNAME, LOKI_PASSWORD, JAEGER_URL, NO_COLOR, XDG_CONFIG_HOME,\n"
	"XDG_STATE_HOME (the : history), ICN_CONSOLE_DATADIR.\n"
	"Flags override the environment, which overrides the config file.\n"
	"\n"
	"Exit status: 0 all went well; 1 a backend failed or a query failed (the message\n"
	"names it), or a write was refused (read-only, no firing alert matched, or\n"
	"Alertmanager said no); 2 usage or configuration error, or a terminal that\n"
	"cannot run the dashboard (TERM=dumb); 130 interrupted (Ctrl-C).\n"
	"In the dashboard press ? for the keys. See icn-console(1).\n";

/* Options only a command takes (after it). */
enum { CO_OUTPUT = 1, CO_COMMENT = 2, CO_DURATION = 4, CO_AUTHOR = 8, CO_FORCE = 16, CO_ALL = 32,
       CO_SINCE = 64, CO_LIMIT = 128, CO_TAIL = 256, CO_SERVICE = 512, CO_OPERATION = 1024,
       CO_TAG = 2048, CO_LOOKBACK = 4096, CO_MINDUR = 8192, CO_MAXDUR = 16384 };

typedef enum { CMD_TARGETS, CMD_ALERTS, CMD_SILENCES, CMD_ACK, CMD_UNACK, CMD_LOGS, CMD_TRACES,
	       CMD_TRACE } command_t;

static const struct command {
	const char *name;
	command_t id;
	unsigned opts;          /* CO_* it accepts */
	size_t min_args, max_args;
	const char *synopsis;
} commands[] = {
	{ "targets", CMD_TARGETS, CO_OUTPUT, 0, 0, "targets [--output text|json]" },
	{ "alerts", CMD_ALERTS, CO_OUTPUT, 0, 0, "alerts [--output text|json]" },
	{ "silences", CMD_SILENCES, CO_OUTPUT | CO_ALL, 0, 0, "silences [--all] [--output text|json]" },
	{ "ack", CMD_ACK, CO_OUTPUT | CO_COMMENT | CO_DURATION | CO_AUTHOR | CO_FORCE, 1, (size_t)-1,
	  "ack MATCHER... --comment TEXT [--duration DUR] [--author NAME] [--force]" },
	{ "unack", CMD_UNACK, CO_OUTPUT, 1, 1, "unack SILENCE_ID" },
	{ "logs", CMD_LOGS, CO_OUTPUT | CO_SINCE | CO_LIMIT | CO_TAIL | CO_DURATION, 1, 1,
	  "logs QUERY [--since D] [--limit N] [--tail [--duration D]] [--output text|jsonl]" },
	{ "traces", CMD_TRACES,
	  CO_OUTPUT | CO_SERVICE | CO_OPERATION | CO_TAG | CO_LOOKBACK | CO_MINDUR | CO_MAXDUR | CO_LIMIT, 0, 0,
	  "traces --service S [--operation O] [--tag K=V]... [--lookback D] [--min-duration D] "
	  "[--max-duration D] [--limit N] [--output text|json]" },
	{ "trace", CMD_TRACE, CO_OUTPUT, 1, 1, "trace TRACE_ID [--output text|json]" },
};

typedef struct {
	const char *config;
	conf_overrides_t ov;
	const char *dashboard;
	const char *theme;
	const char *output;
	const char *log;
	const char *refresh, *range, *timeout;
	const char *charts;
	int no_color, ascii, once, no_bell, no_clipboard;
	const struct command *command;
	char **sub;             /* argv after the command (owned), for getopt */
	char **argv_words;      /* owned array behind args */
	char **args;            /* the command's words (matchers, an id), in order */
	size_t n_args;
	/* command options */
	unsigned given;         /* CO_* seen */
	const char *comment, *duration, *author;
	int force, all;
	const char *since, *limit;
	int tail;
	const char *service, *operation, *lookback, *min_duration, *max_duration;
	char **tag_words;       /* --tag values, in order (owned array) */
	size_t n_tag_words;
	jaeger_tag_t *tags;     /* the same, split at the first '=' (owned, one block each) */
} opts_t;

static void die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die_usage(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "icn-console: ");
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'icn-console --help'.\n");
	exit(EXIT_USAGE);
}

enum { O_PROM = 256, O_AM, O_LOKI, O_JAEGER, O_NOCOLOR, O_ASCII, O_RANGE, O_TIMEOUT,
       O_ONCE, O_LOG, O_CHARTS, O_NOBELL, O_NOCLIP, O_READONLY,
       O_COMMENT, O_DURATION, O_AUTHOR, O_FORCE, O_ALL, O_SINCE, O_LIMIT, O_TAIL,
       O_SERVICE, O_OPERATION, O_TAG, O_LOOKBACK, O_MINDUR, O_MAXDUR };

static const struct option long_opts[] = {
	{ "config", required_argument, NULL, 'c' },
	{ "context", required_argument, NULL, 'x' },
	{ "prometheus", required_argument, NULL, O_PROM },
	{ "alertmanager", required_argument, NULL, O_AM },
	{ "loki", required_argument, NULL, O_LOKI },
	{ "jaeger", required_argument, NULL, O_JAEGER },
	{ "dashboard", required_argument, NULL, 'd' },
	{ "theme", required_argument, NULL, 't' },
	{ "no-color", no_argument, NULL, O_NOCOLOR },
	{ "no-colour", no_argument, NULL, O_NOCOLOR },
	{ "ascii", no_argument, NULL, O_ASCII },
	{ "charts", required_argument, NULL, O_CHARTS },
	{ "no-bell", no_argument, NULL, O_NOBELL },
	{ "no-clipboard", no_argument, NULL, O_NOCLIP },
	{ "read-only", no_argument, NULL, O_READONLY },
	{ "refresh", required_argument, NULL, 'r' },
	{ "range", required_argument, NULL, O_RANGE },
	{ "timeout", required_argument, NULL, O_TIMEOUT },
	{ "once", no_argument, NULL, O_ONCE },
	{ "output", required_argument, NULL, 'o' },
	{ "log", required_argument, NULL, O_LOG },
	{ "since", required_argument, NULL, O_SINCE },
	{ "limit", required_argument, NULL, O_LIMIT },
	{ "tail", no_argument, NULL, O_TAIL },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	/* the commands' own */
	{ "comment", required_argument, NULL, O_COMMENT },
	{ "duration", required_argument, NULL, O_DURATION },
	{ "author", required_argument, NULL, O_AUTHOR },
	{ "force", no_argument, NULL, O_FORCE },
	{ "all", no_argument, NULL, O_ALL },
	{ "service", required_argument, NULL, O_SERVICE },
	{ "operation", required_argument, NULL, O_OPERATION },
	{ "tag", required_argument, NULL, O_TAG },
	{ "lookback", required_argument, NULL, O_LOOKBACK },
	{ "min-duration", required_argument, NULL, O_MINDUR },
	{ "max-duration", required_argument, NULL, O_MAXDUR },
	{ 0, 0, 0, 0 },
};

static const char *command_names(void)
{
	return "targets, alerts, silences, ack, unack, logs, traces, trace";
}

/* One getopt pass over argv. Before the command (`cmd` NULL) getopt stops at
 * the first word, the command's name; after it, options and words mix (the
 * words are left at argv[optind..]). */
static void parse_pass(int argc, char **argv, opts_t *o, const struct command *cmd)
{
	int c;
	opterr = 0;
	optind = 0; /* glibc: start afresh (a new argv) */
	/* "+": stop at the command's name; "-": the command's words come back in
	 * order as code 1, whatever POSIXLY_CORRECT says */
	const char *shortopts = cmd ? "-:c:x:d:t:r:o:hV" : "+:c:x:d:t:r:o:hV";
	int li = -1;
	while ((c = getopt_long(argc, argv, shortopts, long_opts, &li)) != -1) {
		unsigned co = 0;
		switch (c) {
		case 'c': o->config = optarg; break;
		case 'x': o->ov.context = optarg; break;
		case O_PROM: o->ov.prometheus = optarg; break;
		case O_AM:
			if (o->ov.n_alertmanager >= CONF_MAX_AM)
				die_usage("at most %s --alertmanager URLs", "8");
			o->ov.alertmanager[o->ov.n_alertmanager++] = optarg;
			break;
		case O_LOKI: o->ov.loki = optarg; break;
		case O_JAEGER: o->ov.jaeger = optarg; break;
		case 'd': o->dashboard = optarg; break;
		case 't': o->theme = optarg; break;
		case O_NOCOLOR: o->no_color = 1; break;
		case O_ASCII: o->ascii = 1; break;
		case O_CHARTS: o->charts = optarg; break;
		case O_NOBELL: o->no_bell = 1; break;
		case O_NOCLIP: o->no_clipboard = 1; break;
		case O_READONLY: o->ov.read_only = 1; break;
		case 'r': o->refresh = optarg; break;
		case O_RANGE: o->range = optarg; break;
		case O_TIMEOUT: o->timeout = optarg; break;
		case O_ONCE: o->once = 1; break;
		case 'o': o->output = optarg; break;
		case O_LOG: o->log = optarg; break;
		case O_COMMENT: co = CO_COMMENT; o->comment = optarg; break;
		case O_DURATION: co = CO_DURATION; o->duration = optarg; break;
		case O_AUTHOR: co = CO_AUTHOR; o->author = optarg; break;
		case O_FORCE: co = CO_FORCE; o->force = 1; break;
		case O_ALL: co = CO_ALL; o->all = 1; break;
		case O_SINCE: co = CO_SINCE; o->since = optarg; break;
		case O_LIMIT: co = CO_LIMIT; o->limit = optarg; break;
		case O_TAIL: co = CO_TAIL; o->tail = 1; break;
		case O_SERVICE: co = CO_SERVICE; o->service = optarg; break;
		case O_OPERATION: co = CO_OPERATION; o->operation = optarg; break;
		case O_TAG:
			co = CO_TAG;
			if (o->tag_words) /* only after the command: before it, the check below says so */
				o->tag_words[o->n_tag_words++] = optarg;
			break;
		case O_LOOKBACK: co = CO_LOOKBACK; o->lookback = optarg; break;
		case O_MINDUR: co = CO_MINDUR; o->min_duration = optarg; break;
		case O_MAXDUR: co = CO_MAXDUR; o->max_duration = optarg; break;
		case 1: o->args[o->n_args++] = optarg; break;
		case 'h': fputs(usage_text, stdout); exit(EXIT_OK);
		case 'V':
			printf("icn-console %s\n%s\n", PACKAGE_VERSION, curl_version());
			exit(EXIT_OK);
		case ':':
			if (optopt)
				die_usage("option '-%c' needs a value", optopt);
			die_usage("option '%s' needs a value", argv[optind - 1]);
		default:
			/* a short option inside a group (-zq) is optopt; a long one is the word */
			if (optopt)
				die_usage("unknown option '-%c'", optopt);
			die_usage("unknown option '%s'", argv[optind - 1]);
		}
		if (co) {
			/* only long forms: li names it */
			const char *word = li >= 0 ? long_opts[li].name : "?";
			if (!cmd)
				die_usage("option '--%s' goes after a command (e.g. icn-console ack NAME=VALUE "
					  "--comment TEXT)", word);
			if (!(cmd->opts & co))
				die_usage("'%s' takes no option '--%s' (usage: icn-console %s)", cmd->name, word,
					  cmd->synopsis);
			o->given |= co;
		}
		li = -1;
	}
}

/* A text that goes into a URL's JSON must be UTF-8. */
static int utf8_ok(const char *s)
{
	json_t *j = json_string(s);
	int ok = j != NULL;
	json_decref(j);
	return ok;
}

/* A Go duration flag of traces: its µs (0 when not given), else exit 2. */
static int64_t go_duration_arg(const char *flag, const char *s)
{
	int64_t us = 0;
	if (s && (jaeger_parse_duration(s, &us) != 0 || us < 0)) {
		char *t = text_sanitize(s);
		die_usage("%s: '%s' is not a valid duration: use a number and a unit, such as 1.5s, 200ms, "
			  "150us or 2m", flag, t);
	}
	return us;
}

/* traces' options: a service, tags as key=value, durations that make a window. */
static void check_traces_args(opts_t *o)
{
	const char *syn = o->command->synopsis;
	if (!o->service || !*o->service)
		die_usage("traces needs --service NAME: the service whose traces to find (usage: icn-console %s)",
			  syn);
	if (!utf8_ok(o->service) || (o->operation && !utf8_ok(o->operation)))
		die_usage("%s", "--service and --operation must be UTF-8 text");
	o->tags = xcalloc(o->n_tag_words + 1, sizeof *o->tags);
	for (size_t i = 0; i < o->n_tag_words; i++) {
		const char *w = o->tag_words[i];
		const char *eq = strchr(w, '=');
		char *t = text_sanitize(w);
		if (!eq || eq == w)
			die_usage("--tag '%s': write KEY=VALUE, such as --tag error=true or --tag node=director-3", t);
		if (strcspn(w, " \t\r\n\"") < (size_t)(eq - w))
			die_usage("--tag '%s': the key holds a blank or a quote", t);
		if (!utf8_ok(w))
			die_usage("--tag '%s': must be UTF-8 text", t);
		free(t);
		o->tags[i].key = xstrndup(w, (size_t)(eq - w));
		o->tags[i].value = eq + 1;
	}
	int64_t min = go_duration_arg("--min-duration", o->min_duration);
	int64_t max = go_duration_arg("--max-duration", o->max_duration);
	if (min && max && max < min)
		die_usage("--max-duration (%s) is shorter than --min-duration (%s)", o->max_duration, o->min_duration);
}

static void parse_args(int argc, char **argv, opts_t *o)
{
	/* the global options, up to the command */
	parse_pass(argc, argv, o, NULL);
	if (optind < argc) {
		const char *name = argv[optind];
		for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
			if (strcmp(name, commands[i].name) == 0)
				o->command = &commands[i];
		if (!o->command)
			die_usage("unknown command '%s' (commands: %s)", name, command_names());
		/* after it: its options and the global ones, in any order with its words
		 * (a copy of argv, which getopt permutes; "--" ends the options) */
		int sub_argc = argc - optind;
		char **sub = o->sub = xcalloc((size_t)sub_argc + 1, sizeof *sub);
		sub[0] = argv[0];
		for (int i = 1; i < sub_argc; i++)
			sub[i] = argv[optind + i];
		o->args = o->argv_words = xcalloc((size_t)sub_argc + 1, sizeof *o->args);
		o->tag_words = xcalloc((size_t)sub_argc + 1, sizeof *o->tag_words);
		parse_pass(sub_argc, sub, o, o->command);
		while (optind < sub_argc) /* after "--" */
			o->args[o->n_args++] = sub[optind++];
	}
	if (o->charts && strcmp(o->charts, "braille") != 0 && strcmp(o->charts, "block") != 0 &&
	    strcmp(o->charts, "ascii") != 0)
		die_usage("--charts must be braille, block or ascii, not '%s'", o->charts);
	int logs = o->command && o->command->id == CMD_LOGS;
	if (logs && o->output && strcmp(o->output, "text") != 0 && strcmp(o->output, "jsonl") != 0)
		die_usage("logs --output must be text or jsonl, not '%s'", o->output);
	if (!logs && o->output && strcmp(o->output, "text") != 0 && strcmp(o->output, "json") != 0)
		die_usage("--output must be text or json, not '%s'", o->output);
	if (logs && o->duration && !o->tail)
		die_usage("%s", "logs --duration goes with --tail (how long to follow)");
	if (o->output && !o->once && !o->command)
		die_usage("%s", "--output goes with --once or a command such as 'targets'");
	if (o->once && o->command)
		die_usage("--once is for the dashboard; '%s' prints once anyway", o->command->name);
	const struct command *cmd = o->command;
	if (!cmd)
		return;
	if (o->n_args < cmd->min_args) {
		if (cmd->id == CMD_ACK)
			die_usage("ack needs at least one matcher, e.g. alertname=VortexOOM (usage: icn-console %s)",
				  cmd->synopsis);
		die_usage("%s needs %s (usage: icn-console %s)", cmd->name,
			  cmd->id == CMD_UNACK ? "a silence id"
			  : cmd->id == CMD_LOGS ? "a LogQL query such as '{app=\"icn-director\"}'"
			  : cmd->id == CMD_TRACE ? "a trace id, such as a log line's trace_id"
						: "an argument",
			  cmd->synopsis);
	}
	if (o->n_args > cmd->max_args)
		die_usage("unexpected argument '%s' (usage: icn-console %s)", o->args[cmd->max_args],
			  cmd->synopsis);
	if (cmd->id == CMD_ACK) {
		am_matchers_t m;
		memset(&m, 0, sizeof m);
		for (size_t i = 0; i < o->n_args; i++) {
			char *err = NULL;
			if (am_matcher_parse(o->args[i], &m, &err) != 0) {
				char *e = text_sanitize(err ? err : o->args[i]);
				free(err);
				am_matchers_free(&m);
				die_usage("%s (a matcher is name=value, name!=value, name=~regex or name!~regex)", e);
			}
		}
		am_matchers_free(&m);
		if (!o->comment || !o->comment[strspn(o->comment, " \t\r\n")])
			die_usage("ack needs --comment TEXT: why the alerts are acknowledged (usage: icn-console %s)",
				  cmd->synopsis);
		if (o->author && !o->author[strspn(o->author, " \t\r\n")])
			die_usage("%s", "--author must not be empty");
		/* they go into JSON: UTF-8 only */
		json_t *j1 = json_string(o->comment), *j2 = o->author ? json_string(o->author) : json_null();
		int bad = !j1 || !j2;
		json_decref(j1);
		json_decref(j2);
		if (bad)
			die_usage("%s", "--comment and --author must be UTF-8 text");
	}
	if (cmd->id == CMD_UNACK && !o->args[0][strspn(o->args[0], " \t\r\n")])
		die_usage("%s", "unack needs a silence id, not an empty word");
	if (cmd->id == CMD_TRACES)
		check_traces_args(o);
	if (cmd->id == CMD_TRACE) {
		char id[33];
		if (jaeger_trace_id_norm(o->args[0], id) != 0) {
			char *t = text_sanitize(o->args[0]);
			die_usage("'%s' is not a trace id: write 1 to 32 hex digits, such as a log line's trace_id", t);
		}
	}
}

/* A duration flag: its value, or dflt when not given. A bad one exits 2 with a
 * message that names the flag and says what would do ("--range: '0' is not a
 * valid range: use a duration such as 5m, 1h, 6h, 24h, 7d"). max 0: no bound. */
static long long duration_arg(const char *flag, const char *s, long long dflt, long long min,
			      long long max, const char *what, const char *use)
{
	long long ms;
	if (!s)
		return dflt;
	if (duration_parse_ms(s, &ms) != 0 || ms < min || (max && ms > max)) {
		fprintf(stderr, "icn-console: %s: '%s' is not a valid %s: use %s\n", flag, s, what, use);
		exit(EXIT_USAGE);
	}
	return ms;
}

/* Who acknowledges: the config's ack author, else $USER@hostname. */
static char *default_author(const conf_t *c)
{
	if (c->ack_author && *c->ack_author)
		return xstrdup(c->ack_author);
	const char *user = getenv("USER");
	if (!user || !*user)
		user = getenv("LOGNAME");
	if (!user || !*user) {
		/* cron, systemd units, su without -l: the account itself */
		const struct passwd *pw = getpwuid(getuid());
		user = pw ? pw->pw_name : NULL;
	}
	char host[256] = "";
	if (gethostname(host, sizeof host - 1) != 0)
		host[0] = '\0';
	host[sizeof host - 1] = '\0';
	return xasprintf("%s@%s", user && *user ? user : "unknown", *host ? host : "localhost");
}

static const char *env_get(const char *name)
{
	return getenv(name);
}

static int run(const opts_t *op, double started)
{
	opts_t o = *op;
	if (o.log && log_open(o.log) != 0) {
		fprintf(stderr, "icn-console: cannot open log file '%s'\n", o.log);
		return EXIT_USAGE;
	}
	log_msg("icn-console %s starting", PACKAGE_VERSION);
	/* bad durations are usage errors: find them before anything is allocated */
	long long refresh_flag = duration_arg("--refresh", o.refresh, 0, 1000, 3600000, "refresh interval",
					      "a duration from 1s to 1h, such as 5s or 30s");
	long long range = duration_arg("--range", o.range, 3600000, 60000, 30LL * 86400000, "range",
				       "a duration such as 5m, 1h, 6h, 24h, 7d (from 1m to 30d)");
	long long timeout_flag = duration_arg("--timeout", o.timeout, 0, 100, 600000, "timeout",
					      "a duration from 100ms to 10m, such as 3s");
	/* an acknowledgement shorter than a minute is a typo (1s for 1h?) */
	int logs_cmd = o.command && o.command->id == CMD_LOGS;
	long long ack_flag = logs_cmd ? 0
				      : duration_arg("--duration", o.duration, 0, 60000, 0, "duration",
						     "a duration of at least 1m, such as 30m, 2h or 1d");
	long long tail_for = logs_cmd ? duration_arg("--duration", o.duration, 0, 1000, 0, "duration",
						     "a duration such as 30s, 5m or 1h")
				      : 0;
	long long since = duration_arg("--since", o.since, 15LL * 60000, 1000, 30LL * 86400000, "window",
				       "a duration such as 15m, 1h or 24h (at most 30d)");
	int jaeger_cmd = o.command && (o.command->id == CMD_TRACES || o.command->id == CMD_TRACE);
	long long lookback = duration_arg("--lookback", o.lookback, 3600000, 1000, 30LL * 86400000, "lookback",
					  "a duration such as 15m, 1h or 2d (at most 30d)");
	long limit = jaeger_cmd ? 20 : 1000;
	long limit_max = jaeger_cmd ? JAEGER_LIMIT_MAX : 1000000;
	if (o.limit) {
		char *end;
		errno = 0;
		limit = strtol(o.limit, &end, 10);
		if (errno || end == o.limit || *end || limit < 1 || limit > limit_max) {
			fprintf(stderr, "icn-console: --limit: '%s' is not a valid %s count: use 1 to %ld\n", o.limit,
				jaeger_cmd ? "trace" : "line", limit_max);
			return EXIT_USAGE;
		}
	}

	/* configuration: an explicit --config must load; the default file is optional */
	conf_t conf;
	memset(&conf, 0, sizeof conf);
	conf.bell = conf.clipboard = -1; /* no file: neither was turned off */
	char err[1024];
	char *cpath = o.config ? xstrdup(o.config) : conf_default_path();
	if (cpath && conf_load_file(cpath, &conf, err, sizeof err) != 0) {
		fprintf(stderr, "icn-console: %s\n", err);
		free(cpath);
		conf_free(&conf);
		log_close();
		return EXIT_USAGE;
	}
	free(cpath);
	conf_context_t ctx;
	if (conf_resolve(&conf, &o.ov, env_get, &ctx, err, sizeof err) != 0) {
		fprintf(stderr, "icn-console: %s\n", err);
		conf_free(&conf);
		log_close();
		return EXIT_USAGE;
	}
	/* a config or secret file others can read is said every time, and logged */
	if (conf.warning) {
		fprintf(stderr, "icn-console: warning: %s\n", conf.warning);
		log_msg("warning: %s", conf.warning);
	}
	if (ctx.warnings) {
		fprintf(stderr, "icn-console: warning: %s\n", ctx.warnings);
		log_msg("warning: %s", ctx.warnings);
	}
	char *insecure = creds_insecure_note(&ctx);
	if (insecure) {
		fprintf(stderr, "icn-console: warning: %s: certificates are not checked\n", insecure);
		log_msg("warning: %s", insecure);
		free(insecure);
	}
	long long refresh = refresh_flag ? refresh_flag : conf.refresh_ms ? conf.refresh_ms : 5000;
	long long timeout = timeout_flag ? timeout_flag : conf.timeout_ms ? conf.timeout_ms : 3000;
	/* the file's values obey the flags' bounds: a 1 ms refresh would hammer
	 * Prometheus (the flags were checked above: what is left came from the file) */
	if (refresh < 1000 || timeout < 100 || refresh > 3600000 || timeout > 600000) {
		fprintf(stderr, "icn-console: %s: %s must be %s\n", conf.path ? conf.path : "the config file",
			refresh < 1000 || refresh > 3600000 ? "refresh" : "timeout",
			refresh < 1000 || refresh > 3600000 ? "from 1s to 1h" : "from 100ms to 10m");
		conf_context_free(&ctx);
		conf_free(&conf);
		log_close();
		return EXIT_USAGE;
	}

	/* the backend each command needs: a usage error naming how to set it */
	int am_command = o.command && o.command->id != CMD_TARGETS && !logs_cmd && !jaeger_cmd;
	const struct {
		int missing;
		const char *name, *key, *env;
	} needed[] = {
		{ logs_cmd && !ctx.loki, "Loki", "loki", "LOKI_ADDR" },
		{ jaeger_cmd && !ctx.jaeger, "Jaeger", "jaeger", "JAEGER_URL" },
		/* the alert commands need an Alertmanager; Prometheus only adds pending alerts */
		{ am_command && !ctx.n_alertmanager, "Alertmanager", "alertmanager", "ALERTMANAGER_URL" },
		{ !ctx.prometheus && !am_command && !logs_cmd && !jaeger_cmd, "Prometheus", "prometheus",
		  "PROMETHEUS_URL" },
	};
	for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++) {
		if (!needed[i].missing)
			continue;
		fprintf(stderr, "icn-console: no %s URL for context '%s': set '%s:' in %s, %s, or --%s\n",
			needed[i].name, ctx.name ? ctx.name : "default", needed[i].key,
			conf.path ? conf.path : "a config file", needed[i].env, needed[i].key);
		conf_context_free(&ctx);
		conf_free(&conf);
		log_close();
		return EXIT_USAGE;
	}
	curl_global_init(CURL_GLOBAL_DEFAULT);
	uv_loop_t *loop = uv_default_loop();
	http_client_t *http = http_client_new(loop);
	creds_apply(http, &ctx);
	int rc = EXIT_OK;

	if (o.command && o.command->id == CMD_TARGETS) {
		rc = run_targets(http, loop, &ctx, (long)timeout, o.output);
		goto out;
	}
	if (logs_cmd) {
		cli_logs_t lc = {
			.loop = loop, .http = http, .ctx = &ctx, .timeout_ms = (long)timeout,
			.query = o.args[0], .since_ms = since, .limit = (int)limit, .tail = o.tail,
			.duration_ms = tail_for, .jsonl = o.output && strcmp(o.output, "jsonl") == 0,
		};
		rc = cli_logs(&lc);
		goto out;
	}
	/* a trace search on a big store, or a trace of megabytes, takes longer than
	 * a dashboard query: 15 s unless --timeout or the config says otherwise */
	long long jt = timeout_flag ? timeout_flag : conf.timeout_ms ? conf.timeout_ms : 15000;
	if (jaeger_cmd) {
		cli_traces_t tc = {
			.loop = loop, .http = http, .ctx = &ctx, .timeout_ms = (long)jt,
			.json = o.output && strcmp(o.output, "json") == 0,
			.service = o.service, .operation = o.operation && *o.operation ? o.operation : NULL,
			.tags = o.tags, .n_tags = o.n_tag_words,
			.lookback_us = lookback * 1000, .limit = (int)limit,
			.min_duration_us = go_duration_arg("--min-duration", o.min_duration),
			.max_duration_us = go_duration_arg("--max-duration", o.max_duration),
			.trace_id = o.n_args ? o.args[0] : NULL,
		};
		rc = o.command->id == CMD_TRACES ? cli_traces(&tc) : cli_trace(&tc);
		goto out;
	}
	if (o.command) {
		char *author = o.author ? xstrdup(o.author) : default_author(&conf);
		cli_cmd_t cc = {
			.loop = loop, .http = http, .ctx = &ctx, .timeout_ms = (long)timeout,
			.json = o.output && strcmp(o.output, "json") == 0,
			.args = o.args, .n_args = o.n_args,
			.comment = o.comment,
			.duration_ms = ack_flag ? ack_flag : conf.ack_duration_ms ? conf.ack_duration_ms : 2 * 3600000LL,
			.author = author, .force = o.force, .all = o.all,
		};
		switch (o.command->id) {
		case CMD_ALERTS: rc = cli_alerts(&cc); break;
		case CMD_SILENCES: rc = cli_silences(&cc); break;
		case CMD_ACK: rc = cli_ack(&cc); break;
		case CMD_UNACK: rc = cli_unack(&cc); break;
		default: rc = EXIT_USAGE; break;
		}
		free(author);
		goto out;
	}

	const char *dname = o.dashboard ? o.dashboard : conf.dashboard ? conf.dashboard : "icn-overview";
	char *searched = NULL;
	char *dpath = datadir_find("panels", dname, &searched);
	if (!dpath) {
		fprintf(stderr, "icn-console: no dashboard '%s' (looked in %s)\n", dname, searched ? searched : "");
		free(searched);
		rc = EXIT_USAGE;
		goto out;
	}
	dashboard_t board;
	if (dashboard_load_file(dpath, &board, err, sizeof err) != 0) {
		fprintf(stderr, "icn-console: %s\n", err);
		free(dpath);
		rc = EXIT_USAGE;
		goto out;
	}
	free(dpath);

	if (o.once) {
		dash_t d;
		backends_t bk;
		backends_init(&bk, &ctx);
		dash_init(&d, loop, http, &bk, &ctx, &board);
		d.timeout_ms = (long)timeout;
		d.refresh_ms = refresh;
		d.max_answer = (size_t)conf.max_answer;
		d.max_series = (size_t)conf.max_series;
		alerts_t al;
		alerts_init(&al, loop, http, &bk, &ctx, (long)timeout);
		rc = run_once(&d, &al, &board, o.output);
		alerts_free(&al);
		dash_free(&d);
		backends_free(&bk);
		dashboard_free(&board);
		goto out;
	}

	/* the theme: NO_COLOR wins; a theme that is not there or does not load is
	 * warned about (here and on the status line) and dark is used instead */
	const char *nc = getenv("NO_COLOR");
	int no_color = o.no_color || (nc && *nc);
	const char *tname = o.theme ? o.theme : conf.theme ? conf.theme : "dark";
	theme_t theme;
	int have_theme = 0;
	char *theme_note = NULL;
	if (!no_color) {
		char *tpath = datadir_find("themes", tname, &searched);
		free(searched);
		searched = NULL;
		if (tpath && theme_load_file(tpath, &theme, err, sizeof err) == 0) {
			have_theme = 1;
		} else if (tpath) {
			theme_note = xasprintf("%s: using dark", err);
		} else if (o.theme || conf.theme) {
			char *l = datadir_list("themes");
			char *t = text_sanitize(tname);
			theme_note = xasprintf("unknown theme '%s' (%s): using dark", t, l && *l ? l : "none found");
			free(t);
			free(l);
		}
		free(tpath);
		if (theme_note) {
			fprintf(stderr, "icn-console: warning: %s\n", theme_note);
			char *dark_path = strcmp(tname, "dark") ? datadir_find("themes", "dark", NULL) : NULL;
			if (dark_path && theme_load_file(dark_path, &theme, err, sizeof err) == 0)
				have_theme = 1; /* else the built-in dark */
			free(dark_path);
		}
	}
	/* the TUI owns its own loop and client */
	http_client_free(http);
	http = NULL;
	uv_run(loop, UV_RUN_NOWAIT);
	char *author = default_author(&conf);
	tui_opts_t to = {
		.conf = &conf, .ov = &o.ov, .ctx = &ctx, .board = &board,
		.theme = have_theme ? &theme : NULL, .refresh_ms = refresh, .range_ms = range,
		.timeout_ms = (long)timeout, .jaeger_timeout_ms = (long)jt, .no_color = no_color, .ascii = o.ascii,
		.started = started,
		.bell = !o.no_bell && conf.bell != 0,
		.clipboard = !o.no_clipboard && conf.clipboard != 0,
		.ack_ms = conf.ack_duration_ms ? conf.ack_duration_ms : 2 * 3600000LL,
		.ack_author = author,
		.note = theme_note,
		.charts = !o.charts ? -1
			  : strcmp(o.charts, "block") == 0 ? GLYPHS_BLOCK
			  : strcmp(o.charts, "ascii") == 0 ? GLYPHS_ASCII : GLYPHS_BRAILLE,
	};
	rc = tui_run(&to);
	free(author);
	free(theme_note);
	if (rc == 2)
		fprintf(stderr, "icn-console: the dashboard needs a terminal on stdin and stdout "
				"(use --once for a one-shot print)\n");
	if (rc == 3 || rc == 4) {
		const char *term = getenv("TERM");
		char *t = text_sanitize(term && *term ? term : "(unset)");
		fprintf(stderr, "icn-console: this terminal (TERM=%s%s) cannot run the interactive console; "
				"use --once or a command such as 'targets'%s\n",
			t, rc == 3 ? ", unknown to terminfo" : "",
			rc == 3 ? " (or set TERM, e.g. TERM=xterm-256color)" : "");
		free(t);
		rc = EXIT_USAGE;
	}
	if (have_theme)
		theme_free(&theme);
	dashboard_free(&board);
out:
	if (http) {
		http_client_free(http);
		uv_run(loop, UV_RUN_DEFAULT);
		uv_loop_close(loop);
	}
	conf_context_free(&ctx);
	conf_free(&conf);
	curl_global_cleanup();
	log_close();
	return rc;
}

int main(int argc, char **argv)
{
	double started = now_unix();
	setlocale(LC_ALL, "");
	opts_t o;
	memset(&o, 0, sizeof o);
	parse_args(argc, argv, &o);
	int rc = run(&o, started);
	free(o.sub);
	free(o.argv_words);
	for (size_t i = 0; o.tags && i < o.n_tag_words; i++)
		free((char *)o.tags[i].key);
	free(o.tags);
	free(o.tag_words);
	return rc;
}
