/* lokiblast: a loopback stand-in for Loki that sends tail frames as fast as the reader takes them.
 *
 * For tests/bench/logs_ingest.sh. One process, one thread, poll(2) over plain
 * sockets on 127.0.0.1 (never another address): an HTTP/1.1 server for the
 * few Loki routes the Logs view asks (query_range, labels: empty answers) and
 * a hand-made RFC 6455 server end for GET /loki/api/v1/tail. On the tail it
 * writes pre-built text frames of 100 entries in Loki's shape (one stream
 * object per entry, as Loki sends them) only while the socket is writable:
 * the kernel's buffers are small and bounded, so the rate it keeps up is the
 * rate the reader consumes. Every entry gets a new, strictly increasing
 * timestamp (written into the frame just before it is sent), the ICN-style
 * JSON line's "ts" with it. How much to send is controlled over HTTP:
 *
 *   GET /control/send?lines=N    allow N more lines (a multiple of 100), or "inf"
 *   GET /control/pause           send nothing more (what is allowed is forgotten)
 *   GET /control/rate?lps=N      at most N lines a second (0: as fast as it goes)
 *   GET /stats                   "name value" lines: sent_lines, sent_frames,
 *                                sent_bytes, clients, now_ns, first_ns, last_ns
 *                                (CLOCK_REALTIME ns), line_bytes_mean
 *
 * `lokiblast --lines N --out FILE` writes the same generator's first N lines
 * (the log lines alone, one a line) to FILE instead, for a file viewer.
 *
 * Usage: lokiblast --port-file FILE [--port N]
 *        lokiblast --lines N --out FILE
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* accept4 */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define PER_FRAME 100
#define TEMPLATES 64
#define MAX_CONNS 32
#define REQ_MAX 16384
#define SNDBUF (256 * 1024)

/* ---- SHA-1 (FIPS 180-4), for Sec-WebSocket-Accept only ---- */

static uint32_t rol32(uint32_t x, int n)
{
	return (x << n) | (x >> (32 - n));
}

static void sha1_block(uint32_t h[5], const unsigned char *p)
{
	uint32_t w[80];
	for (int t = 0; t < 16; t++)
		w[t] = (uint32_t)p[4 * t] << 24 | (uint32_t)p[4 * t + 1] << 16 | (uint32_t)p[4 * t + 2] << 8 |
		       (uint32_t)p[4 * t + 3];
	for (int t = 16; t < 80; t++)
		w[t] = rol32(w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16], 1);
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
	for (int t = 0; t < 80; t++) {
		uint32_t f, k;
		if (t < 20) {
			f = (b & c) | (~b & d);
			k = 0x5a827999;
		} else if (t < 40) {
			f = b ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (t < 60) {
			f = (b & c) | (b & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = b ^ c ^ d;
			k = 0xca62c1d6;
		}
		uint32_t tmp = rol32(a, 5) + f + e + k + w[t];
		e = d;
		d = c;
		c = rol32(b, 30);
		b = a;
		a = tmp;
	}
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

static void sha1(const unsigned char *msg, size_t len, unsigned char out[20])
{
	uint32_t h[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
	unsigned char blk[64];
	size_t off = 0;
	for (; len - off >= 64; off += 64)
		sha1_block(h, msg + off);
	size_t rest = len - off;
	memset(blk, 0, sizeof blk);
	memcpy(blk, msg + off, rest);
	blk[rest] = 0x80;
	if (rest >= 56) {
		sha1_block(h, blk);
		memset(blk, 0, sizeof blk);
	}
	uint64_t bits = (uint64_t)len * 8;
	for (int i = 0; i < 8; i++)
		blk[63 - i] = (unsigned char)(bits >> (8 * i));
	sha1_block(h, blk);
	for (int i = 0; i < 5; i++) {
		out[4 * i] = (unsigned char)(h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(h[i] >> 8);
		out[4 * i + 3] = (unsigned char)h[i];
	}
}

static void base64(const unsigned char *in, size_t n, char *out)
{
	static const char al[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t o = 0;
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)in[i] << 16 | (i + 1 < n ? (uint32_t)in[i + 1] << 8 : 0) |
			     (i + 2 < n ? in[i + 2] : 0);
		out[o++] = al[v >> 18 & 63];
		out[o++] = al[v >> 12 & 63];
		out[o++] = i + 1 < n ? al[v >> 6 & 63] : '=';
		out[o++] = i + 2 < n ? al[v & 63] : '=';
	}
	out[o] = '\0';
}

/* ---- a growable buffer ---- */

typedef struct {
	char *s;
	size_t len, cap;
} buf_t;

static void die(const char *what)
{
	perror(what);
	exit(1);
}

static void buf_add(buf_t *b, const void *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t nc = b->cap ? b->cap : 256;
		while (nc < b->len + n + 1)
			nc *= 2;
		b->s = realloc(b->s, nc);
		if (!b->s)
			die("realloc");
		b->cap = nc;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
}

static void buf_str(buf_t *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

/* ---- the lines: ICN-style JSON, as the cluster's services log them ---- */

static uint64_t rng_state = 0x1c0ffee5eed;

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static const char *const regions[] = { "eu-west", "us-east", "ap-south" };

typedef struct {
	const char *app, *level, *msg, *error;
	int fmt; /* 0 msg as is, 1 "%.3fs" generation time, 2 block number */
} kind_t;

static const kind_t kinds[] = {
	{ "icn-director", "info", "recipe received", NULL, 0 },
	{ "icn-vortex", "info", "generation complete in ", NULL, 1 },
	{ "icn-director", "info", "BFT round committed", NULL, 0 },
	{ "icn-super-node", "info", "p2p.publish done", NULL, 0 },
	{ "substrate", "info", "imported block #", NULL, 2 },
	{ "icn-super-node", "debug", "gossip round", NULL, 0 },
	{ "icn-director", "debug", "peer heartbeat", NULL, 0 },
	{ "icn-super-node", "info", "peer connected", NULL, 0 },
	{ "substrate", "info", "metrics flushed", NULL, 0 },
	{ "icn-super-node", "warn", "slow peer", NULL, 0 },
	{ "icn-vortex", "error", "vortex.generate failed", "CUDA out of memory: tried to allocate 512.00 MiB", 0 },
	{ "icn-director", "error", "BFT consensus failed", "timeout waiting for 2/3 precommits", 0 },
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

/* Where a timestamp goes in a built frame. */
typedef struct {
	size_t ns_off;  /* 19 digits of the entry's ns */
	size_t ts_off;  /* "YYYY-MM-DDTHH:MM:SS.mmmZ" in the line */
} slot_t;

typedef struct {
	char *data;     /* the websocket frame: header and JSON */
	size_t len;
	slot_t slot[PER_FRAME];
	double line_bytes; /* the lines' bytes, unescaped */
} frame_t;

static const char TS_PLACE[] = "2026-01-01T00:00:00.000Z";
static const char NS_PLACE[] = "1700000000000000000";

/* One line (unescaped) of kind k, into b; its "ts" value is TS_PLACE. */
static void make_line(buf_t *b, uint64_t seq, const kind_t **kind, int *node)
{
	/* mostly info, a little debug, few warnings and errors */
	uint64_t r = rnd() % 1000;
	size_t k = r < 930 ? (size_t)(rnd() % 5) : r < 975 ? 5 + (size_t)(rnd() % 4) : r < 992 ? 9 : 10 + (size_t)(rnd() % 2);
	const kind_t *kd = &kinds[k];
	int n = (int)(rnd() % 12);
	char tmp[512], msg[96];
	if (kd->fmt == 1)
		snprintf(msg, sizeof msg, "%s%.3fs", kd->msg, 6.0 + (double)(rnd() % 5000) / 1000.0);
	else if (kd->fmt == 2)
		snprintf(msg, sizeof msg, "%s%" PRIu64, kd->msg, 4000000 + seq / 40);
	else
		snprintf(msg, sizeof msg, "%s", kd->msg);
	snprintf(tmp, sizeof tmp,
		 "{\"ts\":\"%s\",\"level\":\"%s\",\"msg\":\"%s\",\"slot\":%" PRIu64
		 ",\"directors\":[\"director-%d\",\"director-%d\"]%s%s%s,\"trace_id\":\"%016" PRIx64 "%016" PRIx64
		 "\",\"span_id\":\"%016" PRIx64 "\"}",
		 TS_PLACE, kd->level, msg, 4000000 + seq / 40, (n + 1) % 12, (n + 5) % 12,
		 kd->error ? ",\"error\":\"" : "", kd->error ? kd->error : "", kd->error ? "\"" : "", rnd(), rnd(),
		 rnd());
	buf_str(b, tmp);
	*kind = kd;
	*node = n;
}

/* The labels of the stream a line of kind kd from node n goes to. */
static void stream_json(buf_t *b, const kind_t *kd, int n)
{
	char tmp[256];
	const char *pod = !strcmp(kd->app, "icn-vortex") ? "vortex" : !strcmp(kd->app, "substrate") ? "substrate"
							   : !strcmp(kd->app, "icn-super-node") ? "super-node"
											       : "director";
	snprintf(tmp, sizeof tmp,
		 "{\"stream\":{\"app\":\"%s\",\"level\":\"%s\",\"namespace\":\"icn\",\"pod\":\"%s-%d\",\"region\":\"%s\"},",
		 kd->app, kd->level, pod, n, regions[n % 3]);
	buf_str(b, tmp);
}

/* JSON string escaping of a line built above (quotes only: it holds no
 * backslash, control or non-ASCII byte). */
static void add_escaped(buf_t *b, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			buf_add(b, "\\", 1);
		buf_add(b, &s[i], 1);
	}
}

static void frame_build(frame_t *f, uint64_t *seq)
{
	buf_t j = { 0 }, line = { 0 };
	size_t ns_at[PER_FRAME], ts_at[PER_FRAME];
	f->line_bytes = 0;
	buf_str(&j, "{\"streams\":[");
	for (int i = 0; i < PER_FRAME; i++) {
		const kind_t *kd;
		int node;
		line.len = 0;
		make_line(&line, (*seq)++, &kd, &node);
		f->line_bytes += (double)line.len;
		if (i)
			buf_add(&j, ",", 1);
		stream_json(&j, kd, node);
		buf_str(&j, "\"values\":[[\"");
		ns_at[i] = j.len;
		buf_str(&j, NS_PLACE);
		buf_str(&j, "\",\"");
		/* the line's "ts" value starts after {\"ts\":\" (escaped) */
		ts_at[i] = j.len + strlen("{\\\"ts\\\":\\\"");
		add_escaped(&j, line.s, line.len);
		buf_str(&j, "\"]]}");
	}
	buf_str(&j, "]}");
	/* the frame header: FIN + text, server frames unmasked */
	unsigned char h[10];
	size_t hl;
	h[0] = 0x81;
	if (j.len < 126) {
		h[1] = (unsigned char)j.len;
		hl = 2;
	} else if (j.len < 65536) {
		h[1] = 126;
		h[2] = (unsigned char)(j.len >> 8);
		h[3] = (unsigned char)j.len;
		hl = 4;
	} else {
		h[1] = 127;
		for (int i = 0; i < 8; i++)
			h[2 + i] = (unsigned char)((uint64_t)j.len >> (56 - 8 * i));
		hl = 10;
	}
	f->len = hl + j.len;
	f->data = malloc(f->len);
	if (!f->data)
		die("malloc");
	memcpy(f->data, h, hl);
	memcpy(f->data + hl, j.s, j.len);
	for (int i = 0; i < PER_FRAME; i++) {
		f->slot[i].ns_off = hl + ns_at[i];
		f->slot[i].ts_off = hl + ts_at[i];
	}
	free(j.s);
	free(line.s);
}

static int64_t now_real_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t last_stamp;  /* the newest timestamp given */
static time_t rfc_sec = -1; /* the second rfc_buf holds */
static char rfc_buf[32];

/* Stamp the frame's entries with strictly increasing times from now. */
static void frame_stamp(frame_t *f)
{
	int64_t t = now_real_ns();
	for (int i = 0; i < PER_FRAME; i++) {
		if (t <= last_stamp)
			t = last_stamp + 1;
		last_stamp = t;
		char d[20];
		int64_t v = t;
		for (int k = 18; k >= 0; k--) {
			d[k] = (char)('0' + v % 10);
			v /= 10;
		}
		memcpy(f->data + f->slot[i].ns_off, d, 19);
		time_t sec = (time_t)(t / 1000000000);
		if (sec != rfc_sec) {
			struct tm tm;
			gmtime_r(&sec, &tm);
			strftime(rfc_buf, sizeof rfc_buf, "%Y-%m-%dT%H:%M:%S", &tm);
			rfc_sec = sec;
		}
		char *p = f->data + f->slot[i].ts_off;
		int ms = (int)(t / 1000000 % 1000);
		memcpy(p, rfc_buf, 19);
		p[19] = '.';
		p[20] = (char)('0' + ms / 100);
		p[21] = (char)('0' + ms / 10 % 10);
		p[22] = (char)('0' + ms % 10);
		p[23] = 'Z';
	}
}

/* ---- connections ---- */

enum { C_FREE, C_REQ, C_HTTP, C_WS };

typedef struct {
	int fd, state;
	buf_t in, out;     /* request; answer (HTTP, or the 101 before the frames) */
	size_t out_off;
	int frame;         /* the template being sent, -1 none */
	size_t frame_off;
} conn_t;

static conn_t conns[MAX_CONNS];
static frame_t tmpl[TEMPLATES];
static int next_tmpl;
static double mean_line;

static uint64_t sent_lines, sent_frames, sent_bytes;
static int64_t first_ns, last_ns;
static int64_t allowed = 0;   /* lines that may still go; -1 without a limit */
static uint64_t rate;         /* lines a second, 0 none */
static int64_t rate_t0;
static uint64_t rate_sent0;

static void conn_close(conn_t *c)
{
	close(c->fd);
	free(c->in.s);
	free(c->out.s);
	memset(c, 0, sizeof *c);
	c->state = C_FREE;
}

static int ws_clients(void)
{
	int n = 0;
	for (int i = 0; i < MAX_CONNS; i++)
		n += conns[i].state == C_WS;
	return n;
}

static void answer(conn_t *c, int code, const char *ctype, const char *body)
{
	char h[256];
	snprintf(h, sizeof h,
		 "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n", code,
		 code == 200 ? "OK" : code == 400 ? "Bad Request" : "Not Found", ctype, strlen(body));
	c->out.len = 0;
	buf_str(&c->out, h);
	buf_str(&c->out, body);
	c->out_off = 0;
	c->state = C_HTTP;
}

/* The value of header `name` in the request (NULL if absent); cut at CR. */
static char *header(char *req, const char *name, char *out, size_t n)
{
	size_t nl = strlen(name);
	for (char *p = strstr(req, "\r\n"); p; p = strstr(p, "\r\n")) {
		p += 2;
		if (!strncasecmp(p, name, nl) && p[nl] == ':') {
			char *v = p + nl + 1;
			while (*v == ' ')
				v++;
			size_t k = strcspn(v, "\r\n");
			if (k >= n)
				return NULL;
			memcpy(out, v, k);
			out[k] = '\0';
			return out;
		}
	}
	return NULL;
}

static void stats(conn_t *c)
{
	char b[512];
	snprintf(b, sizeof b,
		 "sent_lines %" PRIu64 "\nsent_frames %" PRIu64 "\nsent_bytes %" PRIu64
		 "\nclients %d\nnow_ns %" PRId64 "\nfirst_ns %" PRId64 "\nlast_ns %" PRId64
		 "\nline_bytes_mean %.1f\nallowed %" PRId64 "\nrate %" PRIu64 "\n",
		 sent_lines, sent_frames, sent_bytes, ws_clients(), now_real_ns(), first_ns, last_ns, mean_line,
		 allowed, rate);
	answer(c, 200, "text/plain", b);
}

static void route(conn_t *c)
{
	char *req = c->in.s, path[2048], key[128];
	if (sscanf(req, "GET %2047s HTTP/1.1", path) != 1) {
		answer(c, 400, "text/plain", "only GET\n");
		return;
	}
	char *q = strchr(path, '?');
	const char *args = q ? q + 1 : "";
	if (q)
		*q = '\0';
	if (!strcmp(path, "/loki/api/v1/tail")) {
		if (!header(req, "Sec-WebSocket-Key", key, sizeof key)) {
			answer(c, 400, "text/plain", "a websocket upgrade is needed\n");
			return;
		}
		char cat[256];
		unsigned char dg[20];
		char acc[40];
		snprintf(cat, sizeof cat, "%s258EAFA5-E914-47DA-95CA-C5AB0DC85B11", key);
		sha1((unsigned char *)cat, strlen(cat), dg);
		base64(dg, 20, acc);
		c->out.len = 0;
		buf_str(&c->out, "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
				 "Sec-WebSocket-Accept: ");
		buf_str(&c->out, acc);
		buf_str(&c->out, "\r\n\r\n");
		c->out_off = 0;
		c->frame = -1;
		c->state = C_WS;
		return;
	}
	if (!strcmp(path, "/loki/api/v1/query_range") || !strcmp(path, "/loki/api/v1/query")) {
		answer(c, 200, "application/json",
		       "{\"status\":\"success\",\"data\":{\"resultType\":\"streams\",\"result\":[],\"stats\":{}}}");
		return;
	}
	if (!strncmp(path, "/loki/api/v1/label", 18)) {
		answer(c, 200, "application/json", "{\"status\":\"success\",\"data\":[]}");
		return;
	}
	if (!strcmp(path, "/ready")) {
		answer(c, 200, "text/plain", "ready\n");
		return;
	}
	if (!strcmp(path, "/stats")) {
		stats(c);
		return;
	}
	if (!strcmp(path, "/control/send")) {
		const char *v = strstr(args, "lines=");
		if (v && !strncmp(v + 6, "inf", 3)) {
			allowed = -1;
		} else if (v) {
			long long n = strtoll(v + 6, NULL, 10);
			if (n <= 0 || n % PER_FRAME) {
				answer(c, 400, "text/plain", "lines: a positive multiple of 100, or inf\n");
				return;
			}
			allowed = (allowed < 0 ? 0 : allowed) + n;
		}
		stats(c);
		return;
	}
	if (!strcmp(path, "/control/pause")) {
		allowed = 0;
		stats(c);
		return;
	}
	if (!strcmp(path, "/control/rate")) {
		const char *v = strstr(args, "lps=");
		rate = v ? strtoull(v + 4, NULL, 10) : 0;
		rate_t0 = now_real_ns();
		rate_sent0 = sent_lines;
		stats(c);
		return;
	}
	answer(c, 404, "text/plain", "not here\n");
}

/* May a new frame go now? Else, with a rate, how many ms until it may (via *wait_ms). */
static int may_send(int *wait_ms)
{
	if (allowed == 0)
		return 0;
	if (allowed > 0 && allowed < PER_FRAME)
		return 0;
	if (rate) {
		double el = (double)(now_real_ns() - rate_t0) / 1e9;
		double due = (double)(sent_lines - rate_sent0 + PER_FRAME) / (double)rate;
		if (due > el) {
			int ms = (int)((due - el) * 1000) + 1;
			if (*wait_ms < 0 || ms < *wait_ms)
				*wait_ms = ms;
			return 0;
		}
	}
	return 1;
}

/* Write what can be written without blocking; -1 when the connection is gone. */
static int ws_write(conn_t *c, int *wait_ms)
{
	while (c->out_off < c->out.len) {
		ssize_t w = send(c->fd, c->out.s + c->out_off, c->out.len - c->out_off, MSG_NOSIGNAL);
		if (w < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		c->out_off += (size_t)w;
	}
	for (;;) {
		if (c->frame < 0) {
			if (!may_send(wait_ms))
				return 0;
			c->frame = next_tmpl;
			next_tmpl = (next_tmpl + 1) % TEMPLATES;
			frame_stamp(&tmpl[c->frame]);
			c->frame_off = 0;
		}
		frame_t *f = &tmpl[c->frame];
		ssize_t w = send(c->fd, f->data + c->frame_off, f->len - c->frame_off, MSG_NOSIGNAL);
		if (w < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -1;
		c->frame_off += (size_t)w;
		sent_bytes += (uint64_t)w;
		if (c->frame_off < f->len)
			continue;
		c->frame = -1;
		sent_frames++;
		sent_lines += PER_FRAME;
		if (allowed > 0)
			allowed -= PER_FRAME;
		last_ns = now_real_ns();
		if (!first_ns)
			first_ns = last_ns;
	}
}

/* The lines the tail would send, in its order (the templates in turn, stamped
 * as they go), one a line: the frames' JSON strings unescaped. */
static int write_lines(long long n, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		die(path);
	for (long long i = 0; i < n; i += PER_FRAME) {
		frame_t *fr = &tmpl[next_tmpl];
		next_tmpl = (next_tmpl + 1) % TEMPLATES;
		frame_stamp(fr);
		for (int k = 0; k < PER_FRAME && i + k < n; k++) {
			const char *p = fr->data + fr->slot[k].ns_off + 19 + 3; /* past `","` */
			for (; !(p[0] == '"' && p[1] == ']'); p++) {
				if (*p == '\\')
					p++;
				fputc(*p, f);
			}
			fputc('\n', f);
		}
	}
	if (fclose(f) != 0)
		die(path);
	printf("%lld lines written (the tail's lines: mean %.1f bytes a line)\n", n, mean_line);
	return 0;
}

static volatile sig_atomic_t stop;

static void on_term(int s)
{
	(void)s;
	stop = 1;
}

int main(int argc, char **argv)
{
	const char *port_file = NULL, *out = NULL;
	long long lines = 0;
	int port = 0;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--port-file") && i + 1 < argc)
			port_file = argv[++i];
		else if (!strcmp(argv[i], "--port") && i + 1 < argc)
			port = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--lines") && i + 1 < argc)
			lines = atoll(argv[++i]);
		else if (!strcmp(argv[i], "--out") && i + 1 < argc)
			out = argv[++i];
		else {
			fprintf(stderr, "usage: lokiblast --port-file FILE [--port N] | --lines N --out FILE\n");
			return 2;
		}
	}
	uint64_t seq = 0;
	double total = 0;
	for (int i = 0; i < TEMPLATES; i++) {
		frame_build(&tmpl[i], &seq);
		total += tmpl[i].line_bytes;
	}
	mean_line = total / (TEMPLATES * PER_FRAME);
	if (out)
		return write_lines(lines, out);
	if (!port_file) {
		fprintf(stderr, "lokiblast: --port-file is needed\n");
		return 2;
	}

	int ls = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	if (ls < 0)
		die("socket");
	int one = 1;
	setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	struct sockaddr_in a;
	memset(&a, 0, sizeof a);
	a.sin_family = AF_INET;
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK); /* loopback only */
	a.sin_port = htons((uint16_t)port);
	if (bind(ls, (struct sockaddr *)&a, sizeof a) < 0 || listen(ls, 16) < 0)
		die("bind");
	socklen_t al = sizeof a;
	getsockname(ls, (struct sockaddr *)&a, &al);
	char tmpf[4096];
	snprintf(tmpf, sizeof tmpf, "%s.tmp", port_file);
	FILE *pf = fopen(tmpf, "w");
	if (!pf || fprintf(pf, "%d\n", ntohs(a.sin_port)) < 0 || fclose(pf) != 0 || rename(tmpf, port_file) != 0)
		die(port_file);

	signal(SIGTERM, on_term);
	signal(SIGINT, on_term);
	signal(SIGPIPE, SIG_IGN);
	for (int i = 0; i < MAX_CONNS; i++)
		conns[i].state = C_FREE;

	while (!stop) {
		struct pollfd pfd[MAX_CONNS + 1];
		int who[MAX_CONNS + 1], n = 0, wait_ms = -1;
		pfd[n].fd = ls;
		pfd[n].events = POLLIN;
		who[n++] = -1;
		for (int i = 0; i < MAX_CONNS; i++) {
			conn_t *c = &conns[i];
			if (c->state == C_FREE)
				continue;
			short ev = POLLIN;
			if (c->state == C_HTTP)
				ev = POLLOUT;
			if (c->state == C_WS) {
				int w = -1;
				if (c->out_off < c->out.len || c->frame >= 0 || may_send(&w))
					ev |= POLLOUT;
				else if (w >= 0 && (wait_ms < 0 || w < wait_ms))
					wait_ms = w;
			}
			pfd[n].fd = c->fd;
			pfd[n].events = ev;
			who[n++] = i;
		}
		/* control asked over HTTP is seen at the next poll: at most 100 ms late */
		if (wait_ms < 0 || wait_ms > 100)
			wait_ms = 100;
		if (poll(pfd, (nfds_t)n, wait_ms) < 0) {
			if (errno == EINTR)
				continue;
			die("poll");
		}
		for (int k = 0; k < n; k++) {
			if (who[k] < 0) {
				if (!(pfd[k].revents & POLLIN))
					continue;
				int fd;
				while ((fd = accept4(ls, NULL, NULL, SOCK_NONBLOCK)) >= 0) {
					int i = 0;
					while (i < MAX_CONNS && conns[i].state != C_FREE)
						i++;
					if (i == MAX_CONNS) {
						close(fd);
						continue;
					}
					memset(&conns[i], 0, sizeof conns[i]);
					conns[i].fd = fd;
					conns[i].state = C_REQ;
					conns[i].frame = -1;
					int sb = SNDBUF;
					setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sb, sizeof sb);
					setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
				}
				continue;
			}
			conn_t *c = &conns[who[k]];
			short re = pfd[k].revents;
			if (!re)
				continue;
			if (c->state == C_REQ || c->state == C_WS) {
				if (re & (POLLIN | POLLHUP | POLLERR)) {
					char b[4096];
					ssize_t r = recv(c->fd, b, sizeof b, 0);
					if (r == 0 || (r < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
						conn_close(c);
						continue;
					}
					/* the reader's frames on the tail (a close, a pong) are not needed */
					if (r > 0 && c->state == C_REQ) {
						buf_add(&c->in, b, (size_t)r);
						if (strstr(c->in.s, "\r\n\r\n"))
							route(c);
						else if (c->in.len > REQ_MAX)
							conn_close(c);
						continue;
					}
				}
			}
			if (c->state == C_WS && (re & POLLOUT)) {
				int w = -1;
				if (ws_write(c, &w) < 0)
					conn_close(c);
			} else if (c->state == C_HTTP && (re & POLLOUT)) {
				ssize_t w = send(c->fd, c->out.s + c->out_off, c->out.len - c->out_off, MSG_NOSIGNAL);
				if (w < 0 && errno != EAGAIN) {
					conn_close(c);
					continue;
				}
				if (w > 0)
					c->out_off += (size_t)w;
				if (c->out_off == c->out.len)
					conn_close(c);
			}
		}
	}
	for (int i = 0; i < MAX_CONNS; i++)
		if (conns[i].state != C_FREE)
			conn_close(&conns[i]);
	close(ls);
	return 0;
}
