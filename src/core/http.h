/* Non-blocking HTTP on the libuv loop: curl multi in socket-action style. */
#ifndef ICN_HTTP_H
#define ICN_HTTP_H
#include <stddef.h>
#include <uv.h>
#include "core/conf.h"

typedef struct http_client http_client_t;
typedef struct http_req http_req_t;

typedef struct {
	int ok;               /* 1: a response arrived (any HTTP status); 0: transport failure */
	long status;          /* HTTP status, 0 when no response */
	const char *body;     /* NUL-terminated (body[len] == 0), never NULL */
	size_t len;
	const char *content_type; /* may be NULL */
	const char *error;    /* transport failure in words ("timed out after 2000 ms",
	                         "connection refused", ...), NULL when ok */
	int timed_out;        /* 1 when the per-request timeout fired */
	int sent;             /* 1 when the request (or part of it) left for the server: a
	                         write that failed after this may have been done there */
	double elapsed_ms;    /* request start to completion */
	const char *backend;  /* the name of the backend options that applied, NULL none */
	const char *url;      /* the URL requested */
	int too_large;        /* the body passed max_body: the transfer was stopped (ok is 0) */
	size_t max_body;      /* the cap that applied */
	long long declared_len; /* the body's Content-Length when it was sent without a
	                           content coding (so it is the size), else -1 */
	http_req_t *req;      /* for http_take_body */
} http_response_t;

/* Take the body out of a response, inside its callback: the caller owns the
 * returned NUL-terminated buffer of resp->len bytes (free it), and resp->body
 * must not be read afterwards. Saves copying a big answer handed to a worker. */
char *http_take_body(const http_response_t *resp);

/* Called exactly once per request, on the loop thread, unless the request was
 * cancelled. The response and its strings are valid only during the call. */
typedef void (*http_cb)(const http_response_t *resp, void *ud);

typedef struct {
	long timeout_ms;          /* whole-request timeout; 0 = the client default */
	const char *method;       /* NULL = GET; "POST", "DELETE", ... */
	const char *body;         /* request body for POST/PUT (copied), may be NULL */
	size_t body_len;
	const char *content_type; /* for the body, e.g. "application/json" */
	const char *const *headers; /* NULL-terminated extra header lines, "Name: value" */
	size_t max_body;          /* refuse responses larger than this; 0 = 64 MiB */
} http_opts_t;

/* How to reach one backend: every request whose URL starts with base_url
 * (followed by '/', '?' or its end; the longest such wins) gets its options
 * (conf_backend_t, copied; NULL: none):
 * - basic auth (username, password), or Authorization: Bearer bearer_token;
 *   bearer_token_file is where that came from: a 401 reads it again, and a
 *   new token there is taken and the request sent once more with it (so is a
 *   request whose own Authorization header carries this backend's token, as
 *   Loki's do);
 * - credential_command: `sh -c` it for a bearer token when one is needed: it
 *   prints the token on its first line, or JSON with "token" (or kubeconfig's
 *   ExecCredential "status": {"token"}) and an optional RFC 3339 "expiry"
 *   ("expirationTimestamp"); the token is kept until then or until a 401 comes
 *   back. Requests wait for it; a failure fails them ("credential-command
 *   failed: ...");
 * - headers ("Name: value"; a request's own header of the same name wins);
 * - ca_file, cert_file and key_file (mTLS); server_name, the name the
 *   certificate must carry, sent as SNI (the URL's host is then only where to
 *   connect); insecure_skip_verify: no certificate check at all;
 * - proxy_url; timeout_ms, which replaces the request's timeout when set.
 * The secrets are zeroed when replaced, and never printed: error texts name
 * the backend (`name`) and the cause instead. */
typedef struct {
	const char *name;          /* "prometheus", "alertmanager 2", "loki": for messages */
	const char *base_url;
	const conf_backend_t *opts;
} http_backend_t;

http_client_t *http_client_new(uv_loop_t *loop);
/* Replace every backend's options with these n (copied). */
void http_client_set_backends(http_client_t *c, const http_backend_t *b, size_t n);
/* For a 401 outside this client (the websocket of Loki's tail): when `sent`
 * (the "Authorization: Bearer ..." line it carried) holds the token of url's
 * backend, now or before, and the backend's bearer-token-file, read again now,
 * holds another one, the line to send instead (malloc'd; zero it when done);
 * else NULL. */
char *http_client_fresh_auth(http_client_t *c, const char *url, const char *sent);
/* The token of url's backend's credential-command, for a connection outside
 * this client (the websocket of Loki's tail): cb gets the line to send,
 * "Authorization: Bearer TOKEN" (valid during the call only; a secret), or
 * why there is none ("credential-command failed: ..."), on the loop and never
 * from inside this call. The token is the one HTTP requests share: kept until
 * its expiry or a 401, the command run when there is none, once for all that
 * wait. refused: the Authorization line a 401 just refused, or NULL: when it
 * still carries the kept token, that token is dropped first (so the command
 * runs again; a newer one kept meanwhile is given as it is). Returns a handle
 * for http_cancel (cb then does not run), or NULL when url's backend has no
 * credential-command: nothing to add. */
typedef void (*http_token_cb)(const char *auth, const char *error, void *ud);
http_req_t *http_client_token(http_client_t *c, const char *url, const char *refused,
			      http_token_cb cb, void *ud);
/* The name of the backend a URL belongs to, NULL when none matches. */
const char *http_client_backend_name(const http_client_t *c, const char *url);
/* Cancels every request still under way (their callbacks do not run). */
void http_client_free(http_client_t *c);
void http_client_set_default_timeout(http_client_t *c, long timeout_ms);
/* Requests in flight. */
size_t http_client_pending(const http_client_t *c);

/* Start a request; returns at once. opts may be NULL. Accept-Encoding is set
 * to every encoding curl supports (gzip, deflate). */
http_req_t *http_request(http_client_t *c, const char *url, const http_opts_t *opts,
			 http_cb cb, void *ud);
static inline http_req_t *http_get(http_client_t *c, const char *url, long timeout_ms,
				   http_cb cb, void *ud)
{
	http_opts_t o = {0};
	o.timeout_ms = timeout_ms;
	return http_request(c, url, &o, cb, ud);
}
/* Abort a request under way; its callback will not run. */
void http_cancel(http_req_t *r);

/* A few words for an HTTP status whose answer said nothing ("bad request",
 * "gateway timeout", ...); "empty body" for the others. */
static inline const char *http_status_word(long status)
{
	switch (status) {
	case 400: return "bad request";
	case 401: return "unauthorized";
	case 403: return "forbidden";
	case 404: return "not found";
	case 413: return "request too large";
	case 429: return "too many requests (throttled)";
	case 499: return "client closed the request";
	case 500: return "internal server error";
	case 502: return "bad gateway";
	case 503: return "service unavailable";
	case 504: return "gateway timeout";
	default: return "empty body";
	}
}

/* What an HTTP status says of the credentials, to follow "HTTP 401: ..." in a
 * message; "" for other statuses. */
static inline const char *http_status_hint(long status)
{
	if (status == 401)
		return " (the credentials were refused or are missing: check the backend's basic-auth, "
		       "bearer-token-file or credential-command)";
	if (status == 403)
		return " (the credentials are not allowed this: check the backend's user or token)";
	return "";
}

/* Percent-encode s for a URL query component (RFC 3986 unreserved kept). */
char *http_escape(const char *s);

#endif
