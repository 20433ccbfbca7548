/* A websocket client on the console's libuv loop (libwebsockets 4.1 on a foreign loop). */
#ifndef ICN_WS_H
#define ICN_WS_H
#include <stdint.h>
#include <stddef.h>
#include <uv.h>

typedef struct ws_client ws_client_t;
typedef struct ws_conn ws_conn_t;

/* Close codes the callbacks report besides the peer's own (1000, 1011, ...). */
#define WS_CLOSE_ABNORMAL 1006 /* the connection dropped without a close frame */
#define WS_CLOSE_TOO_BIG 1009  /* a message passed max_message: we closed it */
#define WS_CLOSE_NO_CONNECT 0  /* never connected: the reason says why */

typedef struct {
	/* the handshake succeeded */
	void (*on_open)(ws_conn_t *w, void *ud);
	/* one whole text or binary message (fragments joined), NUL-terminated;
	 * valid during the call only */
	void (*on_message)(ws_conn_t *w, const char *data, size_t len, void *ud);
	/* the end, exactly once (unless ws_close was called first): the peer's
	 * close code and reason, WS_CLOSE_ABNORMAL, WS_CLOSE_TOO_BIG, or
	 * WS_CLOSE_NO_CONNECT with what failed ("connection refused", "HTTP 400 on
	 * the upgrade", ...). The connection is gone when it returns. */
	void (*on_close)(ws_conn_t *w, int code, const char *reason, void *ud);
} ws_cbs_t;

/* A client (one libwebsockets context) on `loop`; NULL and *err on failure. */
ws_client_t *ws_client_new(uv_loop_t *loop, char **err);
/* Closing is in two stages, as libwebsockets on a foreign loop needs: close
 * ends every connection (their callbacks do not run) and starts closing lws'
 * handles; then the loop must run (uv_run until it has nothing left of them);
 * then free releases the rest. free alone does both but leaks what the loop
 * did not get to close. */
void ws_client_close(ws_client_t *c);
void ws_client_free(ws_client_t *c);

/* How to reach a server: files of a CA bundle, a client certificate and its
 * key (mTLS); the name its certificate must carry (also the SNI and the Host
 * header); no check at all; an http:// proxy ("http://[user:pass@]host[:port]",
 * the port 1080 by default as curl's) asked to CONNECT to the server. All may
 * be NULL/0; the TLS ones apply to wss:// and https:// only. */
typedef struct {
	const char *ca_file, *cert_file, *key_file;
	const char *server_name;
	int insecure_skip_verify;
	const char *proxy_url;
} ws_route_t;

/* The options for every connection whose URL starts with base_url, the scheme
 * aside (http and ws, https and wss alike; at a '/', '?' or the end; the
 * longest wins). Copied; replaces base_url's earlier options, NULL removes
 * them; base_url NULL removes every one. A proxy-url libwebsockets cannot use
 * (https://, socks5://) makes every connection under base_url fail at
 * ws_connect, saying so. */
void ws_client_set_route(ws_client_t *c, const char *base_url, const ws_route_t *route);

/* Connect to url (ws://, wss://, http:// or https://: the same, a path and query
 * kept). headers: NULL-terminated "Name: value" lines for the handshake
 * (X-Scope-OrgID, Authorization). A message over max_message bytes closes the
 * connection with WS_CLOSE_TOO_BIG (0 = 16 MiB). Returns NULL and *err when it
 * cannot even start (a bad URL); a later failure comes as on_close. */
ws_conn_t *ws_connect(ws_client_t *c, const char *url, const char *const *headers,
		      size_t max_message, const ws_cbs_t *cbs, void *ud, char **err);
/* Close a connection now; no callback of it runs afterwards. */
void ws_close(ws_conn_t *w);
/* Connections open or opening. */
size_t ws_client_conns(const ws_client_t *c);
/* Send a PING (once open); the PONG, as every frame, moves ws_last_rx: a peer
 * that answers nothing for long has stopped (SIGSTOP, a dead NAT path). */
void ws_ping(ws_conn_t *w);
/* uv_now of the last frame received (0: not open yet). */
uint64_t ws_last_rx(const ws_conn_t *w);
/* PONGs received so far: 0 means the peer may not answer pings at all (one
 * that never reads), so silence proves nothing. */
unsigned ws_pongs(const ws_conn_t *w);

#endif
