/* icnsim: the ICN cluster simulator (metrics for Prometheus, fault control); options, loop, shutdown. */
#include "config.h"
#include "jaeger.h"
#include "logs.h"
#include "loki.h"
#include "routes.h"
#include "sim.h"
#include "srv.h"
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Ticks cannot run faster than this, whatever --block-interval says. */
#define MIN_BLOCK_INTERVAL 0.05
#define MAX_BLOCK_INTERVAL 86400.0
/* After a stop of the process (SIGSTOP, a laptop lid), do not replay hours. */
#define MAX_CATCH_UP 1000
/* Logs kept in memory, and the past generated at start. */
#define LOGS_CAPACITY 200000
#define LOGS_HISTORY 600.0

typedef struct {
	char *host;
	int port;
	uint64_t seed;
	double block_interval;
	double tail_max_duration;
	double log_rate;
	/* --loki-bearer-token-file, --loki-basic-auth-file, --loki-org-id, and
	 * the same of --jaeger-*: [0] Loki's, [1] Jaeger's */
	char *bearer[2], *basic[2], *org_id[2];
	char *tls_cert, *tls_key, *tls_client_ca; /* --tls-cert, --tls-key, --tls-client-ca */
	unsigned jaeger_api;
} opts_t;

typedef struct {
	uv_loop_t loop;
	uv_timer_t timer;
	uv_signal_t sigterm, sigint;
	sim_t *sim;
	logs_t *logs;
	uint64_t start_ns; /* uv_hrtime() when tick 0 began */
} app_t;

static void usage(FILE *f)
{
	fputs("Usage: icnsim [--listen 127.0.0.1:PORT] [--seed N] [--block-interval SECONDS]\n"
	      "              [--log-rate N] [--tail-max-duration D] [--loki-bearer-token-file F]\n"
	      "              [--loki-basic-auth-file F] [--loki-org-id TENANT]\n"
	      "              [--jaeger-bearer-token-file F] [--jaeger-basic-auth-file F]\n"
	      "              [--jaeger-org-id TENANT]\n"
	      "              [--tls-cert F --tls-key F [--tls-client-ca F]] [--jaeger-api v1|v3|both]\n"
	      "              [--help] [--version]\n"
	      "\n"
	      "Simulates an ICN cluster (directors, super-nodes, a substrate node) for tests\n"
	      "and demos of icn-console: Prometheus scrapes GET /metrics, Loki clients read\n"
	      "its logs (the last 10 minutes are there at start, less at a rate so high\n"
	      "that the store could not hold them), Jaeger clients its traces (one per slot,\n"
	      "for the last 16384 slots; ids as in the slot's log lines).\n"
	      "\n"
	      "  --listen HOST:PORT       address to serve on (default 127.0.0.1:0, port 0 picks\n"
	      "                           a free port); prints 'icnsim: listening on URL' when ready\n"
	      "  --seed N                 seed of the simulation (default 1); same seed, same data\n"
	      "  --block-interval SECONDS wall time between blocks (default 6, fractions allowed)\n"
	      "  --log-rate N             background log lines per second (default 2), besides\n"
	      "                           each slot's lines\n"
	      "  --tail-max-duration D    close Loki tails with 1011 after D (e.g. 2s, 500ms, 1h;\n"
	      "                           default 1h)\n"
	      "  --loki-bearer-token-file F  Loki's API (the tail's upgrade too) wants\n"
	      "                           \"Authorization: Bearer\" with the token on F's first line\n"
	      "                           (read again at every request: a token rotated in F\n"
	      "                           is the one wanted from then on)\n"
	      "  --loki-basic-auth-file F    ... or Basic auth with the user:password on F's first\n"
	      "                           line (with both, either passes); else 401 unauthorized\n"
	      "  --loki-org-id TENANT     Loki's API wants X-Scope-OrgID: TENANT (else 401 no org id)\n"
	      "  --jaeger-bearer-token-file F, --jaeger-basic-auth-file F, --jaeger-org-id TENANT\n"
	      "                           the same checks on Jaeger's API (v1 and v3)\n"
	      "  --tls-cert F, --tls-key F  serve HTTPS and wss with this certificate and key (PEM)\n"
	      "  --tls-client-ca F        ... and only to clients with a certificate F signed (mTLS)\n"
	      "  --jaeger-api v1|v3|both  which of Jaeger's query APIs to serve (default both);\n"
	      "                           the other answers 404, as a Jaeger without it\n"
	      "  --help, --version\n"
	      "\n"
	      "Endpoints:\n"
	      "  GET    /metrics                      ICN metrics, Prometheus text format\n"
	      "  GET    /-/healthy                    liveness\n"
	      "  POST   /control/fault/NAME[?node=X]  inject a fault: vram, stall, bft, stake, peers,\n"
	      "                                       bigtrace\n"
	      "  DELETE /control/fault/NAME           clear one fault\n"
	      "  POST   /control/reset                clear all faults\n"
	      "  GET    /control/faults               list active faults\n"
	      "  GET    /loki/api/v1/query_range      logs: query (a stream selector and line\n"
	      "                                       filters |= != |~ !~), limit (max 5000),\n"
	      "                                       start, end, since (range max 30d1h),\n"
	      "                                       direction; categorize-labels honoured\n"
	      "  GET    /loki/api/v1/labels, /loki/api/v1/label/NAME/values\n"
	      "  GET    /loki/api/v1/tail             websocket: query, delay_for, limit, start;\n"
	      "                                       10 per X-Scope-OrgID tenant\n"
	      "  POST   /control/logs/rate?per_second=N   background log rate\n"
	      "  POST   /control/logs/burst?n=N       N log lines at once\n"
	      "  POST   /control/logs/line?app=X[&level=L]  the body as one log line\n"
	      "  POST   /control/loki/tail/close      close every tail with 1011\n"
	      "  POST   /control/loki/tail/drop       drop every tail's TCP connection (1006)\n"
	      "  POST   /control/loki/tail/slow?drop=N  tails drop their next N entries and\n"
	      "                                       report them in dropped_entries\n"
	      "Jaeger v1 (JSON; errors as text/plain envelopes):\n"
	      "  GET    /api/services, /api/services/SVC/operations\n"
	      "  GET    /api/operations?service=&spanKind=\n"
	      "  GET    /api/traces                   search: service (required unless traceID=),\n"
	      "                                       operation, tags={json} or tag=k:v, start, end\n"
	      "                                       (us; start defaults to 2 days ago), minDuration,\n"
	      "                                       maxDuration (Go durations), limit (default\n"
	      "                                       100, max 1000), traceID= (repeatable)\n"
	      "  GET    /api/traces/ID                one trace; 404 envelope when unknown\n"
	      "Jaeger api_v3 (OTLP JSON):\n"
	      "  GET    /api/v3/services, /api/v3/operations?service=&spanKind=\n"
	      "  GET    /api/v3/traces                search: query.startTimeMin, query.startTimeMax\n"
	      "                                       (RFC3339Nano, required), query.serviceName,\n"
	      "                                       query.operationName, query.durationMin/Max,\n"
	      "                                       query.searchDepth (default 20, max 1000),\n"
	      "                                       query.attributes={json}; 404 when none\n"
	      "  GET    /api/v3/traces/ID             one trace as {\"result\":{\"resourceSpans\"}}\n"
	      "                                       (snake_case names such as query.service_name too)\n"
	      "A trace ends when its slot's lines are written; a search answers at most\n"
	      "50,000 spans (whole traces, the newest first).\n"
	      "A bft fault makes its director log \"BFT consensus failed\" each slot, and its\n"
	      "slots' bft.round and bft.coordinate spans errors; a vram fault makes vortex and\n"
	      "director log out-of-memory errors, and vortex.generate an error span; a\n"
	      "bigtrace fault makes its director's BFT rounds retry: each slot's trace has\n"
	      "10,000 spans. LogQL regexps are POSIX extended ones (RE2's extras, such as\n"
	      "(?i), are not understood).\n",
	      f);
}

/* A secret file's first line, without its end; NULL when unreadable or empty. */
static char *first_line(const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[4096];
	if (!f)
		return NULL;
	char *line = fgets(buf, sizeof buf, f) ? buf : NULL;
	fclose(f);
	if (!line)
		return NULL;
	line[strcspn(line, "\r\n")] = '\0';
	char *r = *line ? xstrdup(line) : NULL;
	memset(buf, 0, sizeof buf);
	return r;
}

static int bad_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int bad_usage(const char *fmt, ...)
{
	va_list ap;

	fputs("icnsim: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputs("\nTry 'icnsim --help'.\n", stderr);
	return 2;
}

static int parse_listen(const char *arg, opts_t *o)
{
	const char *colon = strrchr(arg, ':');
	struct in_addr addr;
	char *end;
	long port;

	if (!colon || colon == arg)
		return -1;
	free(o->host);
	o->host = xstrndup(arg, (size_t)(colon - arg));
	if (inet_pton(AF_INET, o->host, &addr) != 1)
		return -1;
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (errno || end == colon + 1 || *end || port < 0 || port > 65535)
		return -1;
	o->port = (int)port;
	return 0;
}

/* A Go-style duration: a number with ms, s, m or h (plain seconds too). */
static int parse_duration(const char *arg, double *out)
{
	char *end;
	double v, unit = 1;

	errno = 0;
	v = strtod(arg, &end);
	if (errno || end == arg || !isfinite(v) || v <= 0)
		return -1;
	if (!strcmp(end, "ms"))
		unit = 0.001;
	else if (!strcmp(end, "m"))
		unit = 60;
	else if (!strcmp(end, "h"))
		unit = 3600;
	else if (*end && strcmp(end, "s"))
		return -1;
	*out = v * unit;
	return 0;
}

static void opts_free(opts_t *o)
{
	free(o->host);
	for (int j = 0; j < 2; j++) {
		free(o->bearer[j]);
		free(o->basic[j]);
		free(o->org_id[j]);
	}
	free(o->tls_cert);
	free(o->tls_key);
	free(o->tls_client_ca);
}

/* Returns -1 to go on, or the exit status. */
static int parse_args(int argc, char **argv, opts_t *o)
{
	static const struct option longopts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "seed", required_argument, NULL, 's' },
		{ "block-interval", required_argument, NULL, 'b' },
		{ "log-rate", required_argument, NULL, 'r' },
		{ "tail-max-duration", required_argument, NULL, 'd' },
		{ "loki-bearer-token-file", required_argument, NULL, 'B' },
		{ "loki-basic-auth-file", required_argument, NULL, 'A' },
		{ "loki-org-id", required_argument, NULL, 'O' },
		{ "jaeger-bearer-token-file", required_argument, NULL, 'b' | 0x100 },
		{ "jaeger-basic-auth-file", required_argument, NULL, 'a' | 0x100 },
		{ "jaeger-org-id", required_argument, NULL, 'o' | 0x100 },
		{ "tls-cert", required_argument, NULL, 'C' },
		{ "tls-key", required_argument, NULL, 'K' },
		{ "tls-client-ca", required_argument, NULL, 'T' },
		{ "jaeger-api", required_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	char *end;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (parse_listen(optarg, o) < 0)
				return bad_usage("--listen wants IPV4ADDRESS:PORT (port 0..65535), not '%s'", optarg);
			break;
		case 's':
			errno = 0;
			o->seed = strtoull(optarg, &end, 0);
			if (errno || end == optarg || *end || optarg[0] == '-')
				return bad_usage("--seed wants a non-negative integer, not '%s'", optarg);
			break;
		case 'b':
			errno = 0;
			o->block_interval = strtod(optarg, &end);
			if (errno || end == optarg || *end || !isfinite(o->block_interval) ||
			    o->block_interval < MIN_BLOCK_INTERVAL || o->block_interval > MAX_BLOCK_INTERVAL)
				return bad_usage("--block-interval wants seconds between 0.05 and 86400, not '%s'",
						 optarg);
			break;
		case 'r':
			errno = 0;
			o->log_rate = strtod(optarg, &end);
			if (errno || end == optarg || *end || !isfinite(o->log_rate) || o->log_rate < 0 ||
			    o->log_rate > 10000)
				return bad_usage("--log-rate wants lines per second between 0 and 10000, not '%s'",
						 optarg);
			break;
		case 'd':
			if (parse_duration(optarg, &o->tail_max_duration) < 0)
				return bad_usage("--tail-max-duration wants a duration like 2s, 500ms or 1h, not '%s'",
						 optarg);
			break;
		case 'B':
		case 'A':
		case 'b' | 0x100:
		case 'a' | 0x100: {
			/* the file is read at every request; here only checked once */
			int j = c > 0xff;
			int bearer = c == 'B' || c == ('b' | 0x100);
			char **slot = bearer ? &o->bearer[j] : &o->basic[j];
			char *line = first_line(optarg);
			if (!line)
				return bad_usage("--%s-%s: cannot read a first line from '%s'", j ? "jaeger" : "loki",
						 bearer ? "bearer-token-file" : "basic-auth-file", optarg);
			memset(line, 0, strlen(line));
			free(line);
			free(*slot);
			*slot = xstrdup(optarg);
			break;
		}
		case 'O':
		case 'o' | 0x100: {
			int j = c > 0xff;
			if (!*optarg)
				return bad_usage("--%s-org-id wants a tenant name", j ? "jaeger" : "loki");
			free(o->org_id[j]);
			o->org_id[j] = xstrdup(optarg);
			break;
		}
		case 'C':
		case 'K':
		case 'T': {
			char **slot = c == 'C' ? &o->tls_cert : c == 'K' ? &o->tls_key : &o->tls_client_ca;
			free(*slot);
			*slot = xstrdup(optarg);
			break;
		}
		case 'j':
			if (!strcmp(optarg, "v1"))
				o->jaeger_api = JAEGER_API_V1;
			else if (!strcmp(optarg, "v3"))
				o->jaeger_api = JAEGER_API_V3;
			else if (!strcmp(optarg, "both"))
				o->jaeger_api = JAEGER_API_BOTH;
			else
				return bad_usage("--jaeger-api wants v1, v3 or both, not '%s'", optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("icnsim (%s) %s\n", PACKAGE_NAME, PACKAGE_VERSION);
			return 0;
		default:
			return bad_usage("unknown or incomplete option '%s'", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return bad_usage("unexpected argument '%s'", argv[optind]);
	if (!o->tls_cert != !o->tls_key || (o->tls_client_ca && !o->tls_cert))
		return bad_usage("--tls-cert and --tls-key go together (and --tls-client-ca needs them)");
	return -1;
}

static void on_timer(uv_timer_t *t);

static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Ticks are counted from the start on the monotonic clock, so the block
 * rate holds over hours even when a timer callback comes late; the timer is
 * re-armed for the next tick's due time rather than repeating. */
static void timer_arm(app_t *app)
{
	double next = (double)(app->sim->ticks + 1) * app->sim->tick_period;
	double now = (double)(uv_hrtime() - app->start_ns) / 1e9;
	double ms = ceil((next - now) * 1000.0);

	uv_timer_start(&app->timer, on_timer, ms < 1 ? 1 : (uint64_t)ms, 0);
}

static void on_timer(uv_timer_t *t)
{
	app_t *app = t->data;
	double elapsed = (double)(uv_hrtime() - app->start_ns) / 1e9;
	uint64_t due = (uint64_t)(elapsed / app->sim->tick_period);
	unsigned n = 0;

	if (due > app->sim->ticks + MAX_CATCH_UP)
		app->sim->ticks = due - MAX_CATCH_UP;
	while (app->sim->ticks < due && n++ < MAX_CATCH_UP) {
		double now = wall_now();
		sim_tick(app->sim, now);
		logs_tick(app->logs, app->sim, now, app->sim->tick_period);
	}
	timer_arm(app);
}

static void on_signal(uv_signal_t *h, int signum)
{
	uv_stop(h->loop);
}

static void close_handle(uv_handle_t *h)
{
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

int main(int argc, char **argv)
{
	opts_t o = { .host = xstrdup("127.0.0.1"), .port = 0, .seed = 1, .block_interval = 6,
		     .tail_max_duration = 3600, .log_rate = 2, .jaeger_api = JAEGER_API_BOTH };
	jaeger_t *jaeger;
	loki_t *loki;
	simauth_t *auth[2] = { NULL, NULL };
	app_t app;
	srv_t *srv;
	char *err = NULL;
	int status = parse_args(argc, argv, &o);

	if (status >= 0) {
		opts_free(&o);
		return status;
	}
	signal(SIGPIPE, SIG_IGN);
	memset(&app, 0, sizeof app);
	uv_loop_init(&app.loop);
	app.sim = sim_new(o.seed, o.block_interval, wall_now());
	app.logs = logs_new(o.seed, LOGS_CAPACITY, o.log_rate, app.sim, wall_now(), LOGS_HISTORY);
	loki = loki_new(app.logs, app.sim, &app.loop, o.tail_max_duration);
	jaeger = jaeger_new(app.logs, app.sim, o.jaeger_api);
	app.start_ns = uv_hrtime();

	srv = srv_new();
	if (o.tls_cert)
		srv_set_tls(srv, o.tls_cert, o.tls_key, o.tls_client_ca);
	routes_register(srv, app.sim);
	loki_register(loki, srv);
	for (int j = 0; j < 2; j++)
		auth[j] = simauth_new(o.bearer[j], o.basic[j], o.org_id[j]);
	loki_set_auth(loki, auth[0]);
	jaeger_set_auth(jaeger, auth[1]);
	jaeger_register(jaeger, srv);
	status = 0;
	if (srv_listen(srv, &app.loop, o.host, o.port, &err) < 0) {
		fprintf(stderr, "icnsim: %s\n", err);
		free(err);
		status = 1;
	} else {
		uv_timer_init(&app.loop, &app.timer);
		app.timer.data = &app;
		timer_arm(&app);
		uv_signal_init(&app.loop, &app.sigterm);
		uv_signal_start(&app.sigterm, on_signal, SIGTERM);
		uv_signal_init(&app.loop, &app.sigint);
		uv_signal_start(&app.sigint, on_signal, SIGINT);

		printf("icnsim: listening on %s://%s:%d\n", o.tls_cert ? "https" : "http", o.host,
		       srv_port(srv));
		fflush(stdout);
		uv_run(&app.loop, UV_RUN_DEFAULT);
	}

	/* Orderly stop: our handles first, then lws's, which need the loop. */
	if (status == 0) {
		close_handle((uv_handle_t *)&app.timer);
		close_handle((uv_handle_t *)&app.sigterm);
		close_handle((uv_handle_t *)&app.sigint);
	}
	loki_close(loki);
	for (int i = 0; i < 10 && srv_close(srv); i++)
		uv_run(&app.loop, UV_RUN_DEFAULT);
	uv_run(&app.loop, UV_RUN_DEFAULT);
	if (uv_loop_close(&app.loop) != 0)
		fprintf(stderr, "icnsim: warning: event loop still had open handles at exit\n");
	srv_free(srv);
	loki_free(loki);
	jaeger_free(jaeger);
	logs_free(app.logs);
	sim_free(app.sim);
	simauth_free(auth[0]);
	simauth_free(auth[1]);
	opts_free(&o);
	return status;
}
