/* The console's configuration: YAML contexts, environment and flag overrides. */
#ifndef ICN_CONF_H
#define ICN_CONF_H
#include <stddef.h>

#define CONF_MAX_AM 8

/* How to reach one backend besides its URL (a mapping in the file: url plus
 * these). Every string may be NULL (not set). The secrets (password,
 * bearer_token) are read from their files by conf_resolve, or come from the
 * URL's user:password (which never stays in the URL); they are zeroed when
 * freed and must never be printed or logged. */
typedef struct {
	char *username;           /* basic-auth username (or the URL's user) */
	char *password_file;      /* basic-auth password-file (~ expanded) */
	char *password;           /* secret: read from password_file, or the URL's */
	char *bearer_token_file;  /* bearer-token-file (~ expanded) */
	char *bearer_token;       /* secret: read from bearer_token_file */
	char *credential_command; /* prints a token (or JSON with token and expiry); run by
	                             the HTTP client (http_backend_t), not here */
	char **headers;           /* "Name: value" lines, n_headers of them */
	size_t n_headers;
	char *ca_file, *cert_file, *key_file; /* tls: CA bundle, client certificate and key */
	char *server_name;        /* tls: the name the certificate must carry (and SNI) */
	int insecure_skip_verify; /* tls: no verification at all (warned about) */
	char *proxy_url;
	long long timeout_ms;     /* per-request timeout of this backend, 0 = not set */
} conf_backend_t;

/* One cluster: where its backends are. Every string may be NULL (not set). */
typedef struct {
	char *name;
	char *color;          /* header colour of this context: a theme colour name, may be NULL
	                         (conf_resolve makes it red for a name containing "prod") */
	char *prometheus;
	char *alertmanager[CONF_MAX_AM];
	size_t n_alertmanager;
	char *loki;
	char *loki_org_id;    /* X-Scope-OrgID */
	char *loki_bearer_token;
	char *loki_username, *loki_password; /* LOKI_USERNAME/LOKI_PASSWORD (logcli's): basic auth */
	char *jaeger;
	int read_only;        /* refuse every write (silences) in this context */
	/* each backend's options, beside its URL above (the URLs never hold a
	 * user:password: it moves into these) */
	conf_backend_t prometheus_opts;
	conf_backend_t alertmanager_opts[CONF_MAX_AM];
	conf_backend_t loki_opts;
	conf_backend_t jaeger_opts;
	/* warnings of conf_resolve, one per line, NULL when none: secret files
	 * readable by group or others */
	char *warnings;
} conf_context_t;

typedef struct {
	char *path;            /* file loaded, NULL when none */
	char *current_context; /* from the file's current-context, may be NULL */
	char *theme;           /* theme name, may be NULL */
	char *dashboard;       /* panel file name or path, may be NULL */
	long long refresh_ms;  /* 0 = not set */
	long long timeout_ms;  /* per-request timeout, 0 = not set */
	int bell;              /* ring/notify on a new critical alert: -1 not set, 0 off, 1 on */
	int clipboard;         /* y copies with OSC 52: -1 not set, 0 off, 1 on */
	long long ack_duration_ms; /* default silence duration of an ack, 0 = not set (2h) */
	char *ack_author;      /* default author of an ack, NULL = $USER@hostname */
	long long max_answer;  /* limits answer-size: bytes per answer, 0 = not set (16 MiB) */
	long long max_series;  /* limits series: series kept per panel, 0 = not set (200) */
	long long log_lines;   /* logs scrollback: lines the Logs view keeps, 0 = not set (100,000) */
	long long log_bytes;   /* logs scrollback-size: their bytes, 0 = not set (64 MiB) */
	struct conf_pair { char *name, *value; } *log_labels; /* logs labels: alert label -> stream label */
	size_t n_log_labels;   /* 0: not set (node: pod, pod, app, namespace, container) */
	conf_context_t *contexts;
	size_t n_contexts;
	char *warning;         /* the file is readable by group or others, NULL when not */
} conf_t;

/*
 * File format (all keys optional; unknown keys are errors, so typos show):
 *
 *   current-context: demo
 *   theme: dark
 *   dashboard: icn-overview
 *   refresh: 5s
 *   timeout: 3s
 *   bell: true                      # bell + OSC 777/9 on a new critical alert
 *   clipboard: true                 # y copies a panel's query with OSC 52
 *   ack:
 *     duration: 2h                  # default duration of an acknowledgement
 *     author: alice@example.org     # default author (else $USER@hostname)
 *   limits:
 *     answer-size: 16MB             # a bigger Prometheus answer is stopped and named
 *     series: 200                   # series kept per panel (the worst by its thresholds)
 *   logs:
 *     scrollback: 100000            # lines the Logs view keeps (the oldest go first)
 *     scrollback-size: 64MB         # and their memory
 *     labels:                       # L on an alert or panel: its labels -> stream labels
 *       node: pod                   # (these replace the defaults: pod: pod, node: pod,
 *                                   #  app: app, namespace: namespace, container: container)
 *   contexts:
 *     demo:
 *       color: green
 *       prometheus: http://127.0.0.1:9090
 *       alertmanager: http://127.0.0.1:9093      # or a list of URLs (HA cluster)
 *       loki: http://127.0.0.1:3100
 *       loki-org-id: tenant1
 *       loki-bearer-token: ...
 *       jaeger: http://127.0.0.1:16686
 *       read-only: true                        # refuse every write in this context
 *     prod:
 *       prometheus:                            # a backend as a mapping: url and options
 *         url: https://prometheus.prod.example:9090
 *         basic-auth: { username: oncall, password-file: ~/.config/icn-console/prod.pw }
 *         bearer-token-file: /run/secrets/token  # or basic-auth, not both
 *         credential-command: get-token --prod   # prints a token; cached until it expires or a 401
 *         headers: { X-Scope-OrgID: tenant1 }
 *         tls: { ca-file: /etc/icn/ca.pem, cert-file: c.pem, key-file: k.pem,
 *                server-name: prometheus.internal, insecure-skip-verify: false }
 *         proxy-url: http://proxy.example:3128
 *         timeout: 5s
 *
 * A user:password in a URL is taken out of it into basic auth, so no URL the
 * console prints or logs holds a password.
 *
 * Returns 0, or -1 with err set to "PATH:LINE:COLUMN: message" (1-based line and
 * column of the offending node, e.g. "config.yaml:7:5: unknown key 'promethues'
 * in context 'demo' (expected one of: color, prometheus, alertmanager, loki,
 * loki-org-id, loki-bearer-token, jaeger)"). A missing file is an error too
 * ("PATH: No such file or directory").
 */
int conf_load_file(const char *path, conf_t *out, char *err, size_t errlen);
/* Same, from a string; `name` is used in messages in place of PATH. */
int conf_load_string(const char *name, const char *yaml, size_t len, conf_t *out,
		     char *err, size_t errlen);
void conf_free(conf_t *c);
/* "16MB", "512KB", "1GB", "4096": K, M, G are 1024 multiples; 0 or -1. */
int conf_size_parse(const char *s, long long *out);

/* Where the default config file is: $XDG_CONFIG_HOME/icn-console/config.yaml,
 * else ~/.config/icn-console/config.yaml; if that does not exist,
 * SYSCONFDIR/icn-console/config.yaml. Returns a path that exists, or NULL. */
char *conf_default_path(void);

/* What the command line says, layered over the environment and the file. */
typedef struct {
	const char *context;     /* --context */
	const char *prometheus;  /* --prometheus */
	const char *alertmanager[CONF_MAX_AM]; /* --alertmanager (repeatable) */
	size_t n_alertmanager;
	const char *loki;        /* --loki */
	const char *jaeger;      /* --jaeger */
	int read_only;           /* --read-only: no writes, whatever the context says */
} conf_overrides_t;

/* Resolve the effective context: pick --context, else current-context, else the
 * only context, else none (an empty context named "default"; with several
 * contexts in the file and no Prometheus or Alertmanager URL from the
 * environment or the flags that is an error: "PATH: several contexts (demo,
 * prod) and no current-context: choose one with --context NAME or set
 * current-context"); then apply the
 * environment (PROMETHEUS_URL, ALERTMANAGER_URL (comma-separated list), LOKI_ADDR,
 * LOKI_ORG_ID, LOKI_BEARER_TOKEN, JAEGER_URL) and then the flags. `getenv_fn`
 * may be NULL for getenv (tests pass their own). Returns 0, or -1 with err
 * (e.g. "no context 'prod' in config.yaml (have: demo, staging)"). The result
 * is a deep copy owned by the caller (conf_context_free). */
int conf_resolve(const conf_t *c, const conf_overrides_t *ov,
		 const char *(*getenv_fn)(const char *name), conf_context_t *out,
		 char *err, size_t errlen);
void conf_context_free(conf_context_t *ctx);
/* Deep copy. */
void conf_context_copy(conf_context_t *dst, const conf_context_t *src);
void conf_backend_free(conf_backend_t *b);
void conf_backend_copy(conf_backend_t *dst, const conf_backend_t *src);

/* A URL fit to print: "https://user:pass@host/x" -> "https://user:***@host/x"
 * (the password, or a user alone, masked); other URLs as they are. Malloc'd. */
char *conf_url_redact(const char *url);
/* A warning when the file at path is readable or writable by group or others
 * ("PATH is readable by group or others (mode 0644): chmod 600 PATH"), else
 * NULL. What names the file ("config", "prometheus password-file"). */
char *conf_perm_warning(const char *path, const char *what);

#endif
