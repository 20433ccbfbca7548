/* Non-blocking HTTP client: libcurl multi driven by uv_poll/uv_timer on the one libuv loop. */
#include "config.h"
#include "core/http_int.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#define HTTP_DEFAULT_TIMEOUT_MS 10000L
#define HTTP_DEFAULT_MAX_BODY ((size_t)64 << 20)
/* One uv_poll per socket curl wants watched. It lives on its own (not in the
 * client) because uv_close finishes later, possibly after the client is gone. */
struct sock_ctx {
	uv_poll_t poll;
	curl_socket_t fd;
	http_client_t *c;
	struct sock_ctx *prev, *next;
};

static void drain(http_client_t *c);

/* ---- request list ---------------------------------------------------- */

static void req_link(http_client_t *c, http_req_t *r)
{
	r->prev = NULL;
	r->next = c->reqs;
	if (c->reqs)
		c->reqs->prev = r;
	c->reqs = r;
	c->n_reqs++;
}

static void req_unlink(http_client_t *c, http_req_t *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else if (c->reqs == r)
		c->reqs = r->next;
	else
		return; /* not linked */
	if (r->next)
		r->next->prev = r->prev;
	r->prev = r->next = NULL;
	c->n_reqs--;
	if (r->tok_ready) {
		r->tok_ready = 0;
		c->n_tok_ready--;
	}
}

void http_zero_str(char *s)
{
	if (s) {
		volatile char *v = s;
		while (*v)
			*v++ = '\0';
	}
}

/* Detach from curl and free; the request must already be unlinked. */
static void req_destroy(http_req_t *r)
{
	for (struct curl_slist *h = r->hdrs; h; h = h->next)
		http_zero_str(h->data); /* an Authorization header among them */
	if (r->easy) {
		curl_multi_remove_handle(r->c->multi, r->easy);
		curl_easy_cleanup(r->easy);
	}
	curl_slist_free_all(r->hdrs);
	curl_slist_free_all(r->connect_to_list);
	sb_free(&r->body);
	free(r->url);
	free(r->backend);
	free(r->connect_to);
	free(r->proxy);
	free(r->probe_error);
	free(r->server_name);
	free(r);
}

/* ---- sockets and timer: the curl <-> libuv glue ---------------------- */

static void on_sock_closed(uv_handle_t *h)
{
	free(h->data);
}

static void sock_close(http_client_t *c, sock_ctx_t *sc)
{
	if (sc->prev)
		sc->prev->next = sc->next;
	else
		c->socks = sc->next;
	if (sc->next)
		sc->next->prev = sc->prev;
	sc->prev = sc->next = NULL;
	uv_close((uv_handle_t *)&sc->poll, on_sock_closed);
}

static void on_poll(uv_poll_t *h, int status, int events)
{
	sock_ctx_t *sc = h->data;
	http_client_t *c = sc->c;
	int flags = 0;
	int running;

	if (status < 0)
		flags = CURL_CSELECT_ERR;
	else {
		if (events & UV_READABLE)
			flags |= CURL_CSELECT_IN;
		if (events & UV_WRITABLE)
			flags |= CURL_CSELECT_OUT;
	}
	curl_multi_socket_action(c->multi, sc->fd, flags, &running);
	drain(c); /* may free c: nothing after this */
}

static int on_curl_socket(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp)
{
	http_client_t *c = userp;
	sock_ctx_t *sc = socketp;
	int events = 0;

	if (what == CURL_POLL_REMOVE) {
		if (sc) {
			curl_multi_assign(c->multi, s, NULL);
			sock_close(c, sc);
		}
		return 0;
	}
	if (!sc) {
		sc = xcalloc(1, sizeof(*sc));
		if (uv_poll_init_socket(c->loop, &sc->poll, s) != 0) {
			free(sc);
			return -1;
		}
		sc->poll.data = sc;
		sc->fd = s;
		sc->c = c;
		sc->next = c->socks;
		if (c->socks)
			c->socks->prev = sc;
		c->socks = sc;
		curl_multi_assign(c->multi, s, sc);
	}
	if (what & CURL_POLL_IN)
		events |= UV_READABLE;
	if (what & CURL_POLL_OUT)
		events |= UV_WRITABLE;
	return uv_poll_start(&sc->poll, events, on_poll) == 0 ? 0 : -1;
}

static void on_timer(uv_timer_t *t)
{
	http_client_t *c = t->data;
	int running;

	curl_multi_socket_action(c->multi, CURL_SOCKET_TIMEOUT, 0, &running);
	drain(c); /* may free c: nothing after this */
}

static int on_curl_timer(CURLM *multi, long timeout_ms, void *userp)
{
	http_client_t *c = userp;

	if (c->dying)
		return 0;
	if (timeout_ms < 0 && c->n_tok_ready)
		uv_timer_start(&c->timer, on_timer, 0, 0); /* a kept token still to give */
	else if (timeout_ms < 0)
		uv_timer_stop(&c->timer);
	else
		/* 0 means "as soon as possible" but never from inside this
		 * callback: a zero uv timer runs on the next loop turn. */
		uv_timer_start(&c->timer, on_timer, (uint64_t)timeout_ms, 0);
	return 0;
}

/* ---- completion ------------------------------------------------------ */

/* A TLS failure in words an operator acts on, with curl's own text after it;
 * NULL when rc is not one. */
static char *describe_tls(const http_req_t *r, CURLcode rc, const char *text)
{
	const char *what = NULL;
	/* TLS 1.3 finishes the client's handshake before the server has seen a
	 * certificate, so a server that wants one drops the connection at the
	 * first send or read, in words that do not say why */
	int dropped = rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR || strstr(text, "getpeername") ||
		      strstr(text, "certificate required") || strstr(text, "bad certificate");
	if (dropped && !r->has_cert && !r->got_bytes && !strncasecmp(r->url, "https://", 8)) {
		size_t n = strlen(text);
		while (n && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' '))
			n--;
		return xasprintf("TLS: the server closed the connection before answering: it may want a "
				 "client certificate (tls cert-file and key-file) (%.*s)", (int)n, text);
	}
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
		if (strstr(text, "expired"))
			what = "TLS: the server's certificate has expired";
		else if (strstr(text, "not yet valid"))
			what = "TLS: the server's certificate is not valid yet";
		else if (strstr(text, "issuer") || strstr(text, "self-signed") ||
			 strstr(text, "self signed"))
			what = "TLS: the server's certificate is signed by an unknown CA (set tls ca-file)";
		else if ((strstr(text, "does not match") || strstr(text, "subject name") ||
			  strstr(text, "alternative")) && r->server_name)
			return xasprintf("TLS: the server's certificate is not for the tls server-name '%s' "
					 "(%.*s)", r->server_name, (int)strcspn(text, "\r\n"), text);
		else if (strstr(text, "does not match") || strstr(text, "subject name") ||
			 strstr(text, "alternative"))
			what = "TLS: the server's certificate is not for this host name (set tls server-name)";
		else
			what = "TLS: the server's certificate was not accepted";
		break;
	case CURLE_SSL_CACERT_BADFILE:
		what = "TLS: cannot read the tls ca-file";
		break;
	case CURLE_SSL_CERTPROBLEM:
		what = "TLS: cannot use the client certificate (tls cert-file)";
		break;
	case CURLE_SSL_CIPHER:
		what = "TLS: no cipher in common with the server";
		break;
	case CURLE_SSL_CONNECT_ERROR:
		if (strstr(text, "certificate required") || strstr(text, "handshake failure") ||
		    strstr(text, "bad certificate") || strstr(text, "unknown ca"))
			what = "TLS: the server refused the handshake: it may want a client certificate "
			       "(tls cert-file and key-file) it trusts";
		else
			what = "TLS: the handshake failed";
		break;
	default:
		return NULL;
	}
	size_t n = strlen(text);
	while (n && (text[n - 1] == '\n' || text[n - 1] == '\r' || text[n - 1] == ' '))
		n--;
	return xasprintf("%s (%.*s)", what, (int)n, text);
}

/* Short, lower-case words for a transport failure. */
static char *describe_error(http_req_t *r, CURLcode rc)
{
	long os_errno = 0;

	if (r->too_big)
		return xasprintf("answer larger than %zu bytes", r->max_body);
	if (rc == CURLE_OPERATION_TIMEDOUT)
		return xasprintf("timed out after %ld ms", r->timeout_ms);
	curl_easy_getinfo(r->easy, CURLINFO_OS_ERRNO, &os_errno);
	/* with a proxy, every connection is to the proxy: name it */
	if (rc == CURLE_COULDNT_CONNECT && r->proxy)
		return xasprintf("proxy %s: %s", r->proxy,
				 os_errno == ECONNREFUSED ? "connection refused" : "could not connect");
	if (rc == CURLE_COULDNT_RESOLVE_PROXY && r->proxy)
		return xasprintf("proxy %s: could not resolve its host", r->proxy);
	if (rc == CURLE_COULDNT_CONNECT && os_errno == ECONNREFUSED)
		return xstrdup("connection refused");
	if (rc == CURLE_COULDNT_RESOLVE_HOST) {
		char *host = NULL;
		CURLU *u = curl_url();
		char *msg;
		if (u && curl_url_set(u, CURLUPART_URL, r->url, 0) == CURLUE_OK)
			curl_url_get(u, CURLUPART_HOST, &host, 0);
		msg = xasprintf("could not resolve host '%s'", host ? host : r->url);
		curl_free(host);
		curl_url_cleanup(u);
		return msg;
	}
	/* curl says "unsupported protocol" also when a peer on an http:// URL
	 * answers with something that is not HTTP (an HTTP/0.9-looking reply) */
	int web = !strncasecmp(r->url, "http://", 7) || !strncasecmp(r->url, "https://", 8);
	if (rc == CURLE_UNSUPPORTED_PROTOCOL && !web)
		return xasprintf("unsupported protocol in '%s' (only http and https)", r->url);
	if (rc == CURLE_UNSUPPORTED_PROTOCOL || rc == CURLE_WEIRD_SERVER_REPLY)
		return xstrdup("not an HTTP answer: the peer at this address does not speak HTTP");

	const char *text = r->errbuf[0] ? r->errbuf : curl_easy_strerror(rc);
	char *tls = describe_tls(r, rc, text);
	if (tls)
		return tls;
	char *msg = xstrdup(text);
	size_t n = strlen(msg);
	while (n && (msg[n - 1] == '\n' || msg[n - 1] == '\r' || msg[n - 1] == ' '))
		msg[--n] = '\0';
	/* "Failed to connect" -> "failed to connect", but keep "SSL ..." */
	if (n >= 2 && isupper((unsigned char)msg[0]) && islower((unsigned char)msg[1]))
		msg[0] = (char)tolower((unsigned char)msg[0]);
	return msg;
}

static int reauth_retry(http_client_t *c, http_req_t *r);

#define SPEAKS_TLS "the server speaks TLS: use https:// in its URL"

/* An http:// URL whose server hung up without a byte of answer (select/poll
 * returned error, connection reset) may be a TLS port: ask it for a TLS
 * handshake (2 s at most) before telling, so the message can say so. */
static int tls_probe(http_client_t *c, http_req_t *r, CURLcode rc)
{
	if (r->probing || r->got_bytes || r->too_big || r->proxy || strncasecmp(r->url, "http://", 7) ||
	    !(rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING || rc == CURLE_SEND_ERROR ||
	      rc == CURLE_WEIRD_SERVER_REPLY || rc == CURLE_UNSUPPORTED_PROTOCOL))
		return 0;
	long sent = 0;
	curl_easy_getinfo(r->easy, CURLINFO_REQUEST_SIZE, &sent);
	r->probe_sent = sent > 0;
	r->probe_error = describe_error(r, rc);
	char *u = xasprintf("https://%s", r->url + 7);
	CURL *e = r->easy;
	curl_multi_remove_handle(c->multi, e);
	curl_easy_reset(e);
	curl_easy_setopt(e, CURLOPT_URL, u);
	free(u);
	curl_easy_setopt(e, CURLOPT_CONNECT_ONLY, 1L);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L); /* any certificate: TLS is the question */
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, 2000L);
	curl_easy_setopt(e, CURLOPT_FORBID_REUSE, 1L);
	r->probing = 1;
	if (curl_multi_add_handle(c->multi, e) != CURLM_OK)
		return 0;
	http_kick(c);
	return 1;
}

void http_finish(http_client_t *c, http_req_t *r, CURLcode rc, const char *fail)
{
	http_response_t resp;
	char *error = NULL;
	char *ctype = NULL;
	long status = 0;
	char *probed = NULL;

	curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
	/* a token rotated in its file: sent again, once, with the new one */
	if (status == 401 && !fail && r->reread && !r->retried && reauth_retry(c, r))
		return;
	if (!fail && rc != CURLE_OK && tls_probe(c, r, rc))
		return;
	long sent = 0;
	if (r->probing) {
		/* the handshake's outcome: the server's own words otherwise */
		probed = rc == CURLE_OK ? xasprintf(SPEAKS_TLS " (%s)", r->probe_error)
					: xstrdup(r->probe_error);
		fail = probed;
		status = 0;
		sent = r->probe_sent;
		r->body.len = 0;
	}
	req_unlink(c, r);
	if (!r->probing)
		curl_easy_getinfo(r->easy, CURLINFO_REQUEST_SIZE, &sent);
	/* the command's token was refused: the next request asks it again */
	if (status == 401 && r->cred && r->cred->gen == r->cred_gen)
		cred_drop(r->cred);
	if (fail) {
		error = xstrdup(fail);
		status = 0;
		if (!r->probing)
			sent = 0;
	} else if (rc == CURLE_OK && status == 400 && !strncasecmp(r->url, "http://", 7) && r->body.s &&
		   (strstr(r->body.s, "HTTP request to an HTTPS server") ||
		    strstr(r->body.s, "plain HTTP request was sent to HTTPS port"))) {
		/* Go's and nginx's answer on a TLS port: no API answered */
		size_t n = strcspn(r->body.s, "\r\n");
		error = strstr(r->body.s, "HTTPS server")
				? xasprintf(SPEAKS_TLS " (HTTP 400: %.*s)", (int)(n > 120 ? 120 : n), r->body.s)
				: xstrdup(SPEAKS_TLS " (HTTP 400)");
		status = 0;
		r->body.len = 0;
	} else if (rc == CURLE_OK && !r->too_big) {
		const char *ct = NULL;
		curl_easy_getinfo(r->easy, CURLINFO_CONTENT_TYPE, &ct);
		if (ct)
			ctype = xstrdup(ct);
	} else {
		error = describe_error(r, rc);
		r->body.len = 0; /* a partial body is not a response */
	}
	/* The connection goes back to curl's cache now, so a callback that
	 * starts a new request can reuse it. */
	curl_multi_remove_handle(c->multi, r->easy);
	curl_easy_cleanup(r->easy);
	r->easy = NULL;
	if (r->encoded)
		r->declared_len = -1;

	memset(&resp, 0, sizeof(resp));
	resp.ok = error == NULL;
	resp.status = status;
	sb_add(&r->body, "", 0); /* makes body non-NULL and NUL-terminated */
	r->body.s[r->body.len] = '\0';
	resp.body = r->body.s;
	resp.len = r->body.len;
	resp.content_type = ctype;
	resp.error = error;
	resp.timed_out = rc == CURLE_OPERATION_TIMEDOUT && !r->too_big;
	resp.sent = sent > 0 || status > 0;
	resp.elapsed_ms = (double)(uv_hrtime() - r->start_ns) / 1e6;
	resp.url = r->url;
	resp.backend = r->backend;
	resp.too_large = r->too_big;
	resp.max_body = r->max_body;
	resp.declared_len = r->declared_len;
	resp.req = r;

	r->in_cb = 1;
	r->cb(&resp, r->ud);
	r->in_cb = 0;

	free(error);
	free(ctype);
	free(probed);
	req_destroy(r);
}

/* Hand finished transfers to their callbacks. A callback may start or cancel
 * requests or free the client; curl_multi_remove_handle drops a cancelled
 * request's queued message, so reading the queue afresh each turn is safe. */
static void drain(http_client_t *c)
{
	CURLMsg *msg;
	int left;

	c->dispatching++;
	while (!c->dying && (msg = curl_multi_info_read(c->multi, &left))) {
		char *priv = NULL;
		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &priv);
		if (priv)
			http_finish(c, (http_req_t *)(void *)priv, msg->data.result, NULL);
	}
	/* token requests whose token was kept: given now, outside http_client_token */
	while (!c->dying && c->n_tok_ready) {
		http_req_t *r = c->reqs;
		while (r && !r->tok_ready)
			r = r->next;
		if (!r)
			break;
		r->tok_ready = 0;
		c->n_tok_ready--;
		if (cred_valid(r->parked))
			http_token_give(c, r, NULL);
		else
			cred_start(r->parked); /* expired meanwhile: it waits for the run */
	}
	c->dispatching--;
	if (c->dying && !c->dispatching)
		http_client_destroy(c);
}

/* ---- client ---------------------------------------------------------- */

http_client_t *http_client_new(uv_loop_t *loop)
{
	http_client_t *c;

	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return NULL;
	c = xcalloc(1, sizeof(*c));
	c->loop = loop;
	c->default_timeout_ms = HTTP_DEFAULT_TIMEOUT_MS;
	c->multi = curl_multi_init();
	if (!c->multi) {
		free(c);
		curl_global_cleanup();
		return NULL;
	}
	uv_timer_init(loop, &c->timer);
	c->timer.data = c;
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETFUNCTION, on_curl_socket);
	curl_multi_setopt(c->multi, CURLMOPT_SOCKETDATA, c);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERFUNCTION, on_curl_timer);
	curl_multi_setopt(c->multi, CURLMOPT_TIMERDATA, c);
	return c;
}

static void backend_opts_free(backend_opts_t *b)
{
	free(b->name);
	free(b->base_url);
	conf_backend_free(&b->o); /* the secrets zeroed */
	memset(b, 0, sizeof *b);
}

static char *dup0(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void http_client_set_backends(http_client_t *c, const http_backend_t *b, size_t n)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_backends; i++)
		backend_opts_free(&c->backends[i]);
	free(c->backends);
	c->backends = n ? xcalloc(n, sizeof *c->backends) : NULL;
	c->n_backends = 0;
	for (size_t i = 0; i < n; i++) {
		if (!b[i].base_url)
			continue;
		backend_opts_t *o = &c->backends[c->n_backends++];
		o->name = dup0(b[i].name ? b[i].name : b[i].base_url);
		o->base_url = xstrdup(b[i].base_url);
		if (b[i].opts)
			conf_backend_copy(&o->o, b[i].opts);
		o->cred = o->o.credential_command ? cred_get(c, o->o.credential_command) : NULL;
	}
}

/* The options whose base URL is the longest prefix of url (at a boundary). */
static const backend_opts_t *backend_for(const http_client_t *c, const char *url)
{
	const backend_opts_t *best = NULL;
	size_t best_len = 0;
	for (size_t i = 0; c && url && i < c->n_backends; i++) {
		const backend_opts_t *b = &c->backends[i];
		size_t n = strlen(b->base_url);
		if (n >= best_len && !strncmp(url, b->base_url, n) &&
		    (!url[n] || url[n] == '/' || url[n] == '?')) {
			best = b;
			best_len = n;
		}
	}
	return best;
}

const char *http_client_backend_name(const http_client_t *c, const char *url)
{
	const backend_opts_t *b = backend_for(c, url);
	return b ? b->name : NULL;
}

static void on_timer_closed(uv_handle_t *h)
{
	free(h->data);
}

static void cancel_all(http_client_t *c)
{
	while (c->reqs) {
		http_req_t *r = c->reqs;
		req_unlink(c, r);
		req_destroy(r);
	}
}

void http_client_destroy(http_client_t *c)
{
	cancel_all(c);
	/* Closing cached connections reports CURL_POLL_REMOVE for their sockets. */
	curl_multi_cleanup(c->multi);
	c->multi = NULL;
	while (c->socks)
		sock_close(c, c->socks);
	uv_timer_stop(&c->timer);
	uv_close((uv_handle_t *)&c->timer, on_timer_closed);
	http_client_set_backends(c, NULL, 0);
	creds_free(c);
	curl_global_cleanup();
}

void http_client_free(http_client_t *c)
{
	if (!c || c->dying)
		return;
	c->dying = 1;
	/* Requests go now, so no other callback runs; the rest waits until the
	 * running callback returns to drain(). */
	cancel_all(c);
	if (!c->dispatching)
		http_client_destroy(c);
}

void http_client_set_default_timeout(http_client_t *c, long timeout_ms)
{
	if (c)
		c->default_timeout_ms = timeout_ms;
}

size_t http_client_pending(const http_client_t *c)
{
	return c ? c->n_reqs : 0;
}


/* Let curl act on handles added outside its own callbacks. */
void http_kick(http_client_t *c)
{
	if (!c->dying)
		uv_timer_start(&c->timer, on_timer, 0, 0);
}

/* ---- requests -------------------------------------------------------- */

/* Only notes whether the answer is content-coded (its Content-Length is then
 * not its size). A new status line (a redirect, 100 Continue) starts over. */
static size_t on_header(char *data, size_t size, size_t nmemb, void *userp)
{
	http_req_t *r = userp;
	size_t n = size * nmemb;
	r->got_bytes = 1;
	if (n >= 5 && !strncmp(data, "HTTP/", 5))
		r->encoded = 0;
	else if (n > 17 && !strncasecmp(data, "content-encoding:", 17)) {
		const char *v = data + 17;
		const char *e = data + n;
		while (v < e && (*v == ' ' || *v == '\t'))
			v++;
		r->encoded = !(e - v >= 8 && !strncasecmp(v, "identity", 8));
	}
	return n;
}

char *http_take_body(const http_response_t *resp)
{
	http_req_t *r = resp->req;
	char *b = r->body.s;
	if (!b)
		return xstrdup("");
	sb_init(&r->body);
	return b;
}

static size_t on_write(char *data, size_t size, size_t nmemb, void *userp)
{
	http_req_t *r = userp;
	size_t n = size * nmemb;

	if (!r->body.s && !r->encoded) {
		/* The first bytes: a declared size says at once whether the answer
		 * fits, and lets the buffer be taken once, not grown by doubling
		 * (which holds the old and the new copy at once). */
		curl_off_t cl = -1;
		if (curl_easy_getinfo(r->easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &cl) == CURLE_OK &&
		    cl > 0) {
			r->declared_len = cl;
			if ((unsigned long long)cl > r->max_body) {
				r->too_big = 1;
				return 0;
			}
			r->body.s = xmalloc((size_t)cl + 1);
			r->body.cap = (size_t)cl + 1;
		}
	}
	if (n > r->max_body - r->body.len) {
		r->too_big = 1;
		sb_free(&r->body); /* not wanted any more: give the memory back now */
		return 0; /* anything but n aborts the transfer */
	}
	sb_add(&r->body, data, n);
	return n;
}

/* Whether headers hold one of the name of line ("Name: value" or "Name:"). */
static int has_header(const char *const *headers, const char *line)
{
	size_t n = strcspn(line, ":");
	for (const char *const *h = headers; h && *h; h++)
		if (!strncasecmp(*h, line, n) && (*h)[n] == ':')
			return 1;
	return 0;
}

/* FNV-1a: which token a request carries, without keeping a copy of it. */
static uint64_t tok_hash(const char *s)
{
	uint64_t h = 14695981039346656037ULL;
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* The token of an "Authorization: Bearer TOKEN" line, else NULL. */
static const char *bearer_of(const char *line)
{
	if (strncasecmp(line, "Authorization:", 14))
		return NULL;
	line += 14;
	while (*line == ' ')
		line++;
	if (strncasecmp(line, "Bearer ", 7))
		return NULL;
	return line + 7;
}

static int tok_stale(const backend_opts_t *b, uint64_t h)
{
	for (unsigned i = 0; i < b->n_old && i < OLD_TOKENS; i++)
		if (b->old_tok[i] == h)
			return 1;
	return 0;
}

/* The request's Authorization header becomes "Bearer tok" (the others kept). */
static void req_set_bearer(http_req_t *r, const char *tok)
{
	struct curl_slist *n = NULL;
	for (struct curl_slist *h = r->hdrs; h; h = h->next)
		if (strncasecmp(h->data, "Authorization:", 14))
			n = curl_slist_append(n, h->data);
	for (struct curl_slist *h = r->hdrs; h; h = h->next)
		http_zero_str(h->data);
	curl_slist_free_all(r->hdrs);
	char *line = xasprintf("Authorization: Bearer %s", tok);
	r->hdrs = curl_slist_append(n, line);
	http_zero_str(line);
	free(line);
	r->tok_hash = tok_hash(tok);
}

/* Read the backend's bearer-token-file again; 1 when it holds a new token
 * (taken; the old one's hash kept, so requests still carrying it get the new). */
static int backend_reread(backend_opts_t *b)
{
	char *tok = NULL;
	if (!b->o.bearer_token_file || secret_read_file(b->o.bearer_token_file, &tok))
		return 0;
	if (b->o.bearer_token && !strcmp(tok, b->o.bearer_token)) {
		secret_free(tok);
		return 0;
	}
	b->old_tok[b->n_old++ % OLD_TOKENS] = tok_hash(b->o.bearer_token);
	secret_free(b->o.bearer_token);
	b->o.bearer_token = tok;
	return 1;
}

/* After a 401: when the backend's token file now holds another token than the
 * request carried, send it again with that one (in place: its callback waits). */
static int reauth_retry(http_client_t *c, http_req_t *r)
{
	backend_opts_t *b = (backend_opts_t *)backend_for(c, r->url);
	if (!b || !b->o.bearer_token_file)
		return 0;
	backend_reread(b);
	if (!b->o.bearer_token || tok_hash(b->o.bearer_token) == r->tok_hash)
		return 0;
	r->retried = 1;
	req_set_bearer(r, b->o.bearer_token);
	curl_multi_remove_handle(c->multi, r->easy);
	curl_easy_setopt(r->easy, CURLOPT_HTTPHEADER, r->hdrs);
	r->body.len = 0;
	r->too_big = 0;
	r->encoded = 0;
	r->got_bytes = 0;
	r->declared_len = -1;
	r->errbuf[0] = '\0';
	if (curl_multi_add_handle(c->multi, r->easy) != CURLM_OK)
		return 0;
	http_kick(c);
	return 1;
}

char *http_client_fresh_auth(http_client_t *c, const char *url, const char *sent)
{
	backend_opts_t *b = (backend_opts_t *)backend_for(c, url);
	const char *tok = sent ? bearer_of(sent) : NULL;
	if (!b || !b->o.bearer_token_file || !tok)
		return NULL;
	uint64_t th = tok_hash(tok);
	if (th != tok_hash(b->o.bearer_token) && !tok_stale(b, th))
		return NULL; /* not the backend's token (LOKI_BEARER_TOKEN, a header): leave it */
	backend_reread(b);
	if (!b->o.bearer_token || tok_hash(b->o.bearer_token) == th)
		return NULL;
	return xasprintf("Authorization: Bearer %s", b->o.bearer_token);
}

http_req_t *http_client_token(http_client_t *c, const char *url, const char *refused,
			      http_token_cb cb, void *ud)
{
	const backend_opts_t *bo = c && !c->dying ? backend_for(c, url) : NULL;
	if (!bo || !bo->cred || bo->o.bearer_token || !cb)
		return NULL;
	cred_t *cr = bo->cred;
	const char *tok = refused ? bearer_of(refused) : NULL;
	if (tok && cr->token && !strcmp(tok, cr->token))
		cred_drop(cr); /* refused: the next is the command's */
	http_req_t *r = xcalloc(1, sizeof *r);
	r->c = c;
	r->url = xstrdup(url);
	r->backend = xstrdup(bo->name);
	r->tok_cb = cb;
	r->ud = ud;
	sb_init(&r->body);
	r->start_ns = uv_hrtime();
	r->parked = cr;
	req_link(c, r);
	if (cred_valid(cr)) {
		r->tok_ready = 1;
		c->n_tok_ready++;
		http_kick(c);
	} else {
		cred_start(cr);
	}
	return r;
}

void http_token_give(http_client_t *c, http_req_t *r, const char *why)
{
	char *line = why ? NULL : xasprintf("Authorization: Bearer %s", r->parked->token);
	req_unlink(c, r);
	r->parked = NULL;
	r->in_cb = 1;
	r->tok_cb(line, line ? NULL : why, r->ud);
	r->in_cb = 0;
	http_zero_str(line);
	free(line);
	req_destroy(r);
}

/* "http://user:pw@host:3128/" -> "host:3128": the proxy named, its secret not. */
static char *proxy_name(const char *url)
{
	const char *p = strstr(url, "://");
	p = p ? p + 3 : url;
	size_t n = strcspn(p, "/?#");
	const char *at = NULL;
	for (const char *q = p; q < p + n; q++)
		if (*q == '@')
			at = q;
	if (at) {
		n -= (size_t)(at + 1 - p);
		p = at + 1;
	}
	return xstrndup(p, n);
}

/* TLS, basic auth, proxy and server name of a backend onto a request (its
 * bearer token and headers go with the request's own headers). */
static void apply_backend(http_req_t *r, const backend_opts_t *b)
{
	CURL *e = r->easy;
	if (b->o.username) {
		curl_easy_setopt(e, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
		curl_easy_setopt(e, CURLOPT_USERNAME, b->o.username);
		curl_easy_setopt(e, CURLOPT_PASSWORD, b->o.password ? b->o.password : "");
	}
	if (b->o.ca_file)
		curl_easy_setopt(e, CURLOPT_CAINFO, b->o.ca_file);
	if (b->o.cert_file) {
		curl_easy_setopt(e, CURLOPT_SSLCERT, b->o.cert_file);
		r->has_cert = 1;
	}
	if (b->o.key_file)
		curl_easy_setopt(e, CURLOPT_SSLKEY, b->o.key_file);
	if (b->o.insecure_skip_verify) {
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
		curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
	}
	if (b->o.proxy_url) {
		curl_easy_setopt(e, CURLOPT_PROXY, b->o.proxy_url);
		r->proxy = proxy_name(b->o.proxy_url);
	}
	if (b->o.server_name) {
		r->server_name = xstrdup(b->o.server_name);
		/* Ask for https://SERVER-NAME/... (SNI and the certificate check use
		 * it) but connect where the URL says. */
		CURLU *u = curl_url();
		char *host = NULL, *port = NULL, *nurl = NULL;
		if (u && curl_url_set(u, CURLUPART_URL, r->url, 0) == CURLUE_OK &&
		    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
		    curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
		    curl_url_set(u, CURLUPART_HOST, b->o.server_name, 0) == CURLUE_OK &&
		    curl_url_get(u, CURLUPART_URL, &nurl, 0) == CURLUE_OK) {
			r->connect_to = xasprintf("%s:%s:%s:%s", b->o.server_name, port, host, port);
			r->connect_to_list = curl_slist_append(NULL, r->connect_to);
			curl_easy_setopt(e, CURLOPT_CONNECT_TO, r->connect_to_list);
			curl_easy_setopt(e, CURLOPT_URL, nurl);
		}
		curl_free(host);
		curl_free(port);
		curl_free(nurl);
		curl_url_cleanup(u);
	}
}

http_req_t *http_request(http_client_t *c, const char *url, const http_opts_t *opts,
			 http_cb cb, void *ud)
{
	static const http_opts_t no_opts;
	http_req_t *r;
	CURL *e;
	const char *method;

	if (!c || c->dying || !url || !cb)
		return NULL;
	if (!opts)
		opts = &no_opts;
	e = curl_easy_init();
	if (!e)
		return NULL;

	const backend_opts_t *bo = backend_for(c, url);
	r = xcalloc(1, sizeof(*r));
	r->c = c;
	r->easy = e;
	r->url = xstrdup(url);
	r->backend = bo ? xstrdup(bo->name) : NULL;
	r->cb = cb;
	r->ud = ud;
	sb_init(&r->body);
	r->max_body = opts->max_body ? opts->max_body : HTTP_DEFAULT_MAX_BODY;
	r->timeout_ms = opts->timeout_ms > 0 ? opts->timeout_ms : c->default_timeout_ms;
	if (bo && bo->o.timeout_ms > 0)
		r->timeout_ms = (long)bo->o.timeout_ms;

	curl_easy_setopt(e, CURLOPT_URL, r->url);
	if (bo)
		apply_backend(r, bo);
	curl_easy_setopt(e, CURLOPT_PRIVATE, r);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_write);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, r);
	r->declared_len = -1;
	curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, "");
	curl_easy_setopt(e, CURLOPT_USERAGENT, PACKAGE_NAME "/" PACKAGE_VERSION);
#if LIBCURL_VERSION_NUM >= 0x075500 /* 7.85.0 */
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(e, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	if (r->timeout_ms > 0) {
		curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, r->timeout_ms);
		curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, r->timeout_ms);
	}

	method = opts->method;
	if (!method && opts->body)
		method = "POST";
	if (method && !strcmp(method, "HEAD")) {
		curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	} else if (method && strcmp(method, "GET") != 0) {
		/* Size first: COPYPOSTFIELDS then copies that many bytes, NULs included. */
		curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
				 (curl_off_t)(opts->body ? opts->body_len : 0));
		curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, opts->body ? opts->body : "");
		if (strcmp(method, "POST") != 0)
			curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
	}

	if (opts->content_type) {
		char *h = xasprintf("Content-Type: %s", opts->content_type);
		r->hdrs = curl_slist_append(r->hdrs, h);
		free(h);
	}
	/* A server that ignores 100-continue would stall a large POST for a second. */
	r->hdrs = curl_slist_append(r->hdrs, "Expect:");
	for (const char *const *h = opts->headers; h && *h; h++) {
		/* the backend's token given by the caller (Loki's headers), or one it
		 * had before its file was read again: the current one goes */
		const char *tok = bearer_of(*h);
		if (tok && bo && bo->o.bearer_token_file) {
			uint64_t th = tok_hash(tok);
			if (th == tok_hash(bo->o.bearer_token) || tok_stale(bo, th)) {
				r->reread = 1;
				req_set_bearer(r, bo->o.bearer_token);
				continue;
			}
		}
		r->hdrs = curl_slist_append(r->hdrs, *h);
	}
	for (size_t i = 0; bo && i < bo->o.n_headers; i++)
		if (!has_header(opts->headers, bo->o.headers[i]))
			r->hdrs = curl_slist_append(r->hdrs, bo->o.headers[i]);
	if (bo && bo->o.bearer_token && !has_header(opts->headers, "Authorization:")) {
		req_set_bearer(r, bo->o.bearer_token);
		r->reread = bo->o.bearer_token_file != NULL;
	}
	curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->hdrs);

	r->start_ns = uv_hrtime();
	if (bo && bo->cred && !bo->o.bearer_token && !has_header(opts->headers, "Authorization:")) {
		cred_t *cr = bo->cred;
		if (!cred_valid(cr)) {
			/* waits, outside curl, for the command */
			r->parked = cr;
			req_link(c, r);
			cred_start(cr);
			return r;
		}
		req_bearer(r, cr);
	}
	if (curl_multi_add_handle(c->multi, e) != CURLM_OK) {
		curl_easy_cleanup(e);
		r->easy = NULL;
		req_destroy(r);
		return NULL;
	}
	req_link(c, r);
	return r;
}

void http_cancel(http_req_t *r)
{
	if (!r || r->in_cb)
		return; /* inside its own callback it is already finished */
	req_unlink(r->c, r);
	req_destroy(r);
}

/* ---- helpers --------------------------------------------------------- */

char *http_escape(const char *s)
{
	strbuf_t b;
	if (!s)
		return NULL;
	sb_init(&b);
	sb_url_encode(&b, s);
	return sb_steal(&b);
}
