/* The alert commands for scripts (alerts, silences, ack, unack): one shot of the alerts module on a libuv loop. No curses. */
#ifndef ICN_CLI_ALERTS_CMD_H
#define ICN_CLI_ALERTS_CMD_H
#include <stddef.h>
#include <uv.h>
#include "core/conf.h"
#include "core/http.h"

/* What a command runs with: the options are already checked (usage errors are
 * main.c's); the context has at least one Alertmanager URL. */
typedef struct {
	uv_loop_t *loop;
	http_client_t *http;
	const conf_context_t *ctx;
	long timeout_ms;
	int json;                /* --output json */
	char **args;             /* the words after the command: matchers (ack), the id (unack) */
	size_t n_args;
	/* ack */
	const char *comment;
	long long duration_ms;   /* --duration, else the config's ack.duration, else 2h */
	const char *author;      /* --author, else the config's ack.author, else $USER@hostname */
	int force;               /* ack even when no firing alert matches */
	/* silences */
	int all;                 /* expired silences too */
} cli_cmd_t;

/*
 * Each returns the exit status: 0 done; 1 a backend failed or a write was
 * refused (read-only, no firing alert matched, Alertmanager said no), with a
 * message on stderr naming the Alertmanager; 2 a usage error found late (a
 * matcher that does not parse).
 */
int cli_alerts(const cli_cmd_t *c);
int cli_silences(const cli_cmd_t *c);
int cli_ack(const cli_cmd_t *c);
int cli_unack(const cli_cmd_t *c);

#endif
