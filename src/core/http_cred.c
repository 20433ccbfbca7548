/* The credential-command runner of the HTTP client: a command line run by
 * /bin/sh in its own process group when a request needs a token, once for
 * every request waiting on it, killed whole after a timeout; what it prints
 * (a token, or JSON with its expiry) kept until expiry or a 401. */
#include "config.h"
#include "core/http_int.h"

#include <ctype.h>
#include <jansson.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CRED_TIMEOUT_MS 30000       /* a credential-command that hangs is killed */
#define CRED_MAX_OUTPUT (64u << 10) /* what is read of its stdout and stderr */
#define CRED_MARGIN_S 10            /* a token this close to its expiry is renewed */


static double wall_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

void cred_drop(cred_t *cr)
{
	if (cr->token) {
		http_zero_str(cr->token);
		free(cr->token);
		cr->token = NULL;
	}
	cr->expiry = 0;
}

int cred_valid(const cred_t *cr)
{
	return cr->token && (!cr->expiry || wall_now() < cr->expiry - CRED_MARGIN_S);
}

/* "2026-11-30T01:02:03Z", "...03.5+01:00" -> unix seconds; -1 when not one. */
static double rfc3339(const char *s)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *p = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!p)
		return -1;
	double t = (double)timegm(&tm);
	if (*p == '.') {
		char *e;
		t += strtod(p, &e);
		p = e;
	}
	if (*p == 'Z' || *p == 'z')
		return p[1] ? -1 : t;
	int hh, mm;
	char sign;
	if (sscanf(p, "%c%2d:%2d", &sign, &hh, &mm) == 3 && (sign == '+' || sign == '-') && !p[6])
		return t - (sign == '+' ? 1 : -1) * (hh * 3600.0 + mm * 60.0);
	return -1;
}

/* A token goes into "Authorization: Bearer ...": visible ASCII only (RFC 6750's
 * b64token is narrower), so no byte of it can end the header or start another. */
#define TOKEN_BAD "printed a token with bytes a header cannot carry (blanks, control characters or non-ASCII)"
static int token_ok(const char *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)t[i] < 0x21 || (unsigned char)t[i] > 0x7e)
			return 0;
	return 1;
}

/* What the command printed: a token and its expiry, or why not (malloc'd). */
static char *cred_parse(const char *out, size_t len, char **token, double *expiry)
{
	size_t i = 0;
	*token = NULL;
	*expiry = 0;
	while (i < len && isspace((unsigned char)out[i]))
		i++;
	if (i < len && out[i] == '{') {
		json_t *root = json_loadb(out + i, len - i, 0, NULL);
		if (!root)
			return xstrdup("printed JSON that does not parse");
		json_t *st = json_object_get(root, "status"); /* kubeconfig's ExecCredential */
		json_t *tok = json_object_get(json_is_object(st) ? st : root, "token");
		json_t *exp = json_is_object(st) ? json_object_get(st, "expirationTimestamp")
						 : json_object_get(root, "expiry");
		char *why = NULL;
		if (!json_is_string(tok) || !json_string_length(tok))
			why = xstrdup("printed JSON without a \"token\"");
		else if (exp && !json_is_null(exp) &&
			 !(json_is_number(exp) || (json_is_string(exp) && rfc3339(json_string_value(exp)) >= 0)))
			why = xstrdup("printed an expiry that is not an RFC 3339 time");
		if (!why && !token_ok(json_string_value(tok), json_string_length(tok)))
			why = xstrdup(TOKEN_BAD);
		if (!why) {
			*token = xstrdup(json_string_value(tok));
			if (json_is_number(exp))
				*expiry = json_number_value(exp);
			else if (json_is_string(exp))
				*expiry = rfc3339(json_string_value(exp));
		}
		json_decref(root);
		return why;
	}
	size_t n = 0;
	while (i + n < len && out[i + n] != '\n' && out[i + n] != '\r')
		n++;
	while (n && isspace((unsigned char)out[i + n - 1]))
		n--;
	if (!n)
		return xstrdup("printed no token");
	if (!token_ok(out + i, n))
		return xstrdup(TOKEN_BAD);
	*token = xstrndup(out + i, n);
	return NULL;
}

static void on_job_closed(uv_handle_t *h)
{
	cred_job_t *j = h->data;
	if (--j->open == 0) {
		http_zero_str(j->obuf.s);
		sb_free(&j->obuf);
		sb_free(&j->ebuf);
		free(j);
	}
}

/* The command and everything it started (its process group: a child that
 * outlived the shell and holds its stdout goes too). */
static void job_kill(cred_job_t *j)
{
	if (j->proc.pid > 0)
		uv_kill(-j->proc.pid, SIGKILL);
	if (!j->exited)
		uv_process_kill(&j->proc, SIGKILL);
}

static void job_close(cred_job_t *j)
{
	uv_handle_t *hs[] = { (uv_handle_t *)&j->proc, (uv_handle_t *)&j->out, (uv_handle_t *)&j->err,
			      (uv_handle_t *)&j->timer };
	for (size_t i = 0; i < 4; i++)
		if (hs[i]->data && !uv_is_closing(hs[i]))
			uv_close(hs[i], on_job_closed);
}


/* The run is over: hand the token to the requests that waited, or fail them. */
static void job_done(cred_job_t *j)
{
	cred_t *cr = j->cr;
	if (j->done)
		return;
	j->done = 1;
	uv_timer_stop(&j->timer);
	if (!j->exited)
		job_kill(j);
	job_close(j);
	if (!cr)
		return;
	cr->job = NULL;
	j->cr = NULL;
	http_client_t *c = cr->c;
	char *why = NULL, *token = NULL;
	double expiry = 0;
	if (j->timed_out) {
		why = xasprintf("credential-command timed out after %d s", CRED_TIMEOUT_MS / 1000);
	} else if (j->signal || j->status) {
		/* its own words, one line, harmless: never its stdout (the token) */
		size_t n = j->ebuf.s ? strcspn(j->ebuf.s, "\r\n") : 0;
		char *line = xstrndup(j->ebuf.s ? j->ebuf.s : "", n);
		for (char *p = line; *p; p++)
			if (iscntrl((unsigned char)*p))
				*p = '?';
		why = j->signal ? xasprintf("credential-command failed (killed by signal %d)%s%s", j->signal,
					    *line ? ": " : "", line)
				: xasprintf("credential-command failed (exit %lld)%s%s", (long long)j->status,
					    *line ? ": " : "", line);
		free(line);
	} else {
		char *w = cred_parse(j->obuf.s ? j->obuf.s : "", j->obuf.len, &token, &expiry);
		if (w) {
			why = xasprintf("credential-command %s", w);
			free(w);
		}
	}
	if (!why) {
		cred_drop(cr);
		cr->token = token;
		cr->expiry = expiry;
		cr->gen++;
	}
	c->dispatching++;
again:
	for (http_req_t *r = c->reqs; r && !c->dying; r = r->next) {
		if (r->parked != cr)
			continue;
		if (r->tok_cb) {
			http_token_give(c, r, why ? why : cr->token ? NULL : "credential-command gave no token");
			goto again;
		}
		r->parked = NULL;
		if (why || !cr->token) {
			http_finish(c, r, CURLE_OK, why ? why : "credential-command gave no token");
			goto again; /* a callback may have cancelled or started others */
		}
		req_bearer(r, cr);
		if (curl_multi_add_handle(c->multi, r->easy) != CURLM_OK) {
			http_finish(c, r, CURLE_OK, "could not start the request");
			goto again;
		}
	}
	c->dispatching--;
	free(why);
	if (c->dying && !c->dispatching)
		http_client_destroy(c);
	else
		http_kick(c);
}

static void job_maybe_done(cred_job_t *j)
{
	if (j->exited && j->out_eof && j->err_eof)
		job_done(j);
}

static void on_job_exit(uv_process_t *p, int64_t status, int sig)
{
	cred_job_t *j = p->data;
	j->exited = 1;
	j->status = status;
	j->signal = sig;
	job_maybe_done(j);
}

static void on_job_alloc(uv_handle_t *h, size_t want, uv_buf_t *buf)
{
	(void)h;
	(void)want;
	static char chunk[4096]; /* the loop thread only; copied out at once */
	*buf = uv_buf_init(chunk, sizeof chunk);
}

static void on_job_read(uv_stream_t *s, ssize_t n, const uv_buf_t *buf)
{
	cred_job_t *j = s->data;
	int is_out = s == (uv_stream_t *)&j->out;
	strbuf_t *b = is_out ? &j->obuf : &j->ebuf;
	if (n > 0 && b->len + (size_t)n <= CRED_MAX_OUTPUT)
		sb_add(b, buf->base, (size_t)n);
	if (n > 0)
		memset(buf->base, 0, (size_t)n);
	if (n < 0) {
		uv_read_stop(s);
		if (is_out)
			j->out_eof = 1;
		else
			j->err_eof = 1;
		job_maybe_done(j);
	}
}

static void on_job_timeout(uv_timer_t *t)
{
	cred_job_t *j = t->data;
	if (j->spawn_failed) {
		job_done(j);
		return;
	}
	j->timed_out = 1;
	job_kill(j);
	job_done(j);
}

/* Run the command (once at a time) for the requests parked on it. */
void cred_start(cred_t *cr)
{
	if (cr->job)
		return;
	http_client_t *c = cr->c;
	cred_job_t *j = xcalloc(1, sizeof *j);
	sb_init(&j->obuf);
	sb_init(&j->ebuf);
	j->cr = cr;
	cr->job = j;
	uv_pipe_init(c->loop, &j->out, 0);
	uv_pipe_init(c->loop, &j->err, 0);
	uv_timer_init(c->loop, &j->timer);
	j->out.data = j->err.data = j->timer.data = j->proc.data = j;
	j->open = 4; /* the process handle is closed even when the spawn fails */
	uv_stdio_container_t io[3];
	io[0].flags = UV_IGNORE;
	io[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	io[1].data.stream = (uv_stream_t *)&j->out;
	io[2].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	io[2].data.stream = (uv_stream_t *)&j->err;
	char *args[] = { "/bin/sh", "-c", cr->cmd, NULL };
	uv_process_options_t po;
	memset(&po, 0, sizeof po);
	po.file = args[0];
	po.args = args;
	po.exit_cb = on_job_exit;
	po.stdio = io;
	po.stdio_count = 3;
	/* its own process group: a timeout kills the command and all it started
	 * (the shell's children would outlive the shell) */
	po.flags = UV_PROCESS_DETACHED;
	int rc = uv_spawn(c->loop, &j->proc, &po);
	if (rc != 0) {
		/* no process: a failed run, told on the next turn (never from
		 * inside http_request) */
		sb_printf(&j->ebuf, "cannot run /bin/sh: %s", uv_strerror(rc));
		j->exited = j->out_eof = j->err_eof = j->spawn_failed = 1;
		j->status = 127;
		uv_timer_start(&j->timer, on_job_timeout, 0, 0);
		return;
	}
	uv_read_start((uv_stream_t *)&j->out, on_job_alloc, on_job_read);
	uv_read_start((uv_stream_t *)&j->err, on_job_alloc, on_job_read);
	uv_timer_start(&j->timer, on_job_timeout, CRED_TIMEOUT_MS, 0);
}

void creds_free(http_client_t *c)
{
	while (c->creds) {
		cred_t *cr = c->creds;
		c->creds = cr->next;
		if (cr->job) {
			cred_job_t *j = cr->job;
			j->cr = NULL; /* orphaned: its handles close and free it */
			job_kill(j);
			j->done = 1;
			uv_timer_stop(&j->timer);
			job_close(j);
		}
		cred_drop(cr);
		free(cr->cmd);
		free(cr);
	}
}

/* The client's entry for a command line, made the first time (kept, with its
 * token, across http_client_set_backends: a context switch and back does not
 * run it again). */
cred_t *cred_get(http_client_t *c, const char *cmd)
{
	for (cred_t *cr = c->creds; cr; cr = cr->next)
		if (!strcmp(cr->cmd, cmd))
			return cr;
	cred_t *cr = xcalloc(1, sizeof *cr);
	cr->c = c;
	cr->cmd = xstrdup(cmd);
	cr->next = c->creds;
	c->creds = cr;
	return cr;
}

void req_bearer(http_req_t *r, cred_t *cr)
{
	char *h = xasprintf("Authorization: Bearer %s", cr->token);
	r->hdrs = curl_slist_append(r->hdrs, h);
	http_zero_str(h);
	free(h);
	r->cred = cr;
	r->cred_gen = cr->gen;
}
