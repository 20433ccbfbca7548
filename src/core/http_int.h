/* Inside the HTTP client: what http.c (requests) and http_cred.c (the
 * credential-command runner) share. Not for other modules. */
#ifndef ICN_HTTP_INT_H
#define ICN_HTTP_INT_H
#include "core/http.h"
#include "core/xalloc.h"
#include <curl/curl.h>
#include <stdint.h>
#include <uv.h>

typedef struct sock_ctx sock_ctx_t;

struct http_req {
	http_client_t *c;
	CURL *easy;
	struct curl_slist *hdrs;
	char *url;
	char *backend;    /* name of the backend whose options applied */
	char *connect_to; /* "name:port:host:port" for a tls server-name */
	char *proxy;      /* "host:port" of its proxy (no user:password), for messages */
	struct curl_slist *connect_to_list;
	http_cb cb;
	void *ud;
	strbuf_t body;
	size_t max_body;
	long timeout_ms;
	uint64_t start_ns;
	int too_big;
	long long declared_len;
	int encoded;      /* the response has a Content-Encoding */
	int has_cert;     /* a client certificate goes with it (mTLS) */
	struct cred *parked; /* waits for this credential-command (not yet in curl) */
	struct cred *cred;   /* carries this command's token, of generation cred_gen */
	unsigned cred_gen;
	int got_bytes;    /* a header line of an answer came */
	int reread;       /* its bearer is its backend's bearer-token-file's: a 401 reads the file again */
	int retried;      /* sent again once with a token read anew: the next 401 is final */
	uint64_t tok_hash; /* of the bearer token it carries (reread) */
	int probing;      /* its http:// server hung up: a TLS handshake is tried on its port */
	int probe_sent;   /* ... and what the failure said: told unless TLS answers */
	char *probe_error;
	char *server_name; /* its backend's tls server-name, for messages */
	int in_cb;        /* its callback is running: freeing waits until it returns */
	http_token_cb tok_cb; /* not a transfer: it asks for parked's token (http_client_token) */
	int tok_ready;    /* ... which is kept: given on the next turn */
	struct http_req *prev, *next;
	char errbuf[CURL_ERROR_SIZE];
};

typedef struct cred_job cred_job_t;

/* A credential-command and the token it last printed, shared by the backends
 * that name the same command. Lives as long as the client. */
typedef struct cred {
	http_client_t *c;
	char *cmd;
	char *token;       /* secret: NULL when none or dropped */
	double expiry;     /* unix seconds; 0: until a 401 */
	unsigned gen;      /* bumped with every new token */
	cred_job_t *job;   /* the run under way, NULL none */
	struct cred *next;
} cred_t;

/* One run of the command: its handles close on their own time, so the run
 * outlives a finished (or freed) cred. */
struct cred_job {
	cred_t *cr;        /* NULL once orphaned (the client is gone) */
	uv_process_t proc;
	uv_pipe_t out, err;
	uv_timer_t timer;
	int open;          /* handles not closed yet */
	int exited, out_eof, err_eof, timed_out, done, spawn_failed;
	int64_t status;
	int signal;
	strbuf_t obuf, ebuf;
};

#define OLD_TOKENS 4

/* A backend: its name and base URL, and its options, owned (conf_backend_copy;
 * conf_backend_free zeroes the secrets). */
typedef struct {
	char *name, *base_url;
	conf_backend_t o;
	uint64_t old_tok[OLD_TOKENS]; /* hashes of the tokens its bearer-token-file held */
	unsigned n_old;               /* before: a request carrying one gets the current */
	cred_t *cred;                 /* its credential-command, NULL none */
} backend_opts_t;

struct http_client {
	uv_loop_t *loop;
	backend_opts_t *backends;
	size_t n_backends;
	cred_t *creds;
	CURLM *multi;
	/* Embedded: its close callback frees the client, so the client outlives
	 * every handle that could still call back into it. */
	uv_timer_t timer;
	long default_timeout_ms;
	http_req_t *reqs;     /* in flight */
	size_t n_reqs;
	sock_ctx_t *socks;    /* polls not yet closing */
	size_t n_tok_ready;   /* token requests to answer on the next turn */
	int dispatching;      /* inside drain(): user callbacks may run */
	int dying;            /* http_client_free was called */
};


/* ---- http.c, for http_cred.c ---- */

/* A transfer's end, its callback run (fail: a failure before it started, in words). */
void http_finish(http_client_t *c, http_req_t *r, CURLcode rc, const char *fail);
/* The rest of http_client_free, once no callback runs. */
void http_client_destroy(http_client_t *c);
/* Let curl act on handles added outside its own callbacks. */
void http_kick(http_client_t *c);
/* A token request's answer: parked's token, or why not; its callback run. */
void http_token_give(http_client_t *c, http_req_t *r, const char *why);
/* Zero a string in place (a secret), NULL fine. */
void http_zero_str(char *s);

/* ---- http_cred.c ---- */

/* The client's entry for a command line, made the first time (kept, with its
 * token, across http_client_set_backends: a context switch and back does not
 * run it again). */
cred_t *cred_get(http_client_t *c, const char *cmd);
/* Forget the command's token (zeroed): the next request runs it again. */
void cred_drop(cred_t *cr);
/* It holds a token not about to expire. */
int cred_valid(const cred_t *cr);
/* Run the command (once at a time) for the requests parked on it: when it
 * ends they get its token and go to curl, or fail with why. */
void cred_start(cred_t *cr);
/* Every command's entry; a run under way is killed. */
void creds_free(http_client_t *c);
/* The token of a credential-command on a request (its copy zeroed), and
 * which generation of it: a 401 drops that one only. */
void req_bearer(http_req_t *r, cred_t *cr);

#endif
