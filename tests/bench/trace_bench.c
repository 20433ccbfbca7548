/* Benchmark of the Traces path: parse a 10,000-span answer (v1 JSON and
 * /api/v3 OTLP JSON), build the tree, lay out the rows. Prints, never asserts.
 *
 *   trace_bench [RUNS] [FILE...]
 *
 * With no FILE it times two generated answers shaped as ICN's retry storms;
 * each FILE (a saved answer, e.g. icnsim's bigtrace) is timed as it is. */
#include "config.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "backend/jaeger.h"
#include "core/xalloc.h"

#define SPANS 10000

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* One slot's trace with a retry storm: recipe received -> vortex.generate,
 * bft.coordinate -> bft.round per peer and retry (a third of them failing
 * with a log), p2p.publish. Span k's parent is its round's coordinator. */
typedef struct {
	const char *op, *svc;
	int parent; /* span index, -1: root */
	int64_t start, dur;
	int error;
} gen_t;

static gen_t *gen_spans(void)
{
	gen_t *g = xcalloc(SPANS, sizeof *g);
	int64_t t0 = 1764460800000000;
	g[0] = (gen_t){ "recipe received", "icn-director", -1, t0, 9000000, 0 };
	g[1] = (gen_t){ "vortex.generate", "icn-vortex", 0, t0 + 1000, 4000000, 0 };
	g[2] = (gen_t){ "p2p.publish", "icn-super-node", 0, t0 + 8800000, 150000, 0 };
	int k = 3, coord = -1;
	int64_t at = t0 + 4002000;
	while (k < SPANS) {
		if (coord < 0 || (k % 40) == 0) {
			g[k] = (gen_t){ "bft.coordinate", "icn-director", 0, at, 120000, 0 };
			coord = k++;
			continue;
		}
		g[k] = (gen_t){ "bft.round", k % 5 ? "icn-director" : "icn-vortex", coord,
				g[coord].start + (k % 40) * 2000, 1500 + k % 700, k % 3 == 0 };
		at += 110;
		k++;
	}
	return g;
}

static char *gen_v1(const gen_t *g)
{
	strbuf_t b;
	sb_init(&b);
	sb_puts(&b, "{\"data\":[{\"traceID\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"spans\":[");
	for (int k = 0; k < SPANS; k++) {
		sb_printf(&b,
			  "%s{\"traceID\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"spanID\":\"%016x\","
			  "\"flags\":1,\"operationName\":\"%s\",\"references\":[",
			  k ? "," : "", 0x1000 + k, g[k].op);
		if (g[k].parent >= 0)
			sb_printf(&b,
				  "{\"refType\":\"CHILD_OF\",\"traceID\":\"4bf92f3577b34da6a3ce929d0e0e4736\","
				  "\"spanID\":\"%016x\"}",
				  0x1000 + g[k].parent);
		sb_printf(&b,
			  "],\"startTime\":%" PRId64 ",\"duration\":%" PRId64 ",\"tags\":["
			  "{\"key\":\"slot\",\"type\":\"int64\",\"value\":%d},"
			  "{\"key\":\"peer\",\"type\":\"string\",\"value\":\"sn-%d.icn.internal\"},"
			  "{\"key\":\"span.kind\",\"type\":\"string\",\"value\":\"internal\"},"
			  "{\"key\":\"otel.scope.name\",\"type\":\"string\",\"value\":\"icn.bft\"}%s],"
			  "\"logs\":[",
			  g[k].start, g[k].dur, 4242, k % 16,
			  g[k].error ? ",{\"key\":\"error\",\"type\":\"bool\",\"value\":true}" : "");
		if (g[k].error)
			sb_printf(&b,
				  "{\"timestamp\":%" PRId64 ",\"fields\":[{\"key\":\"event\",\"type\":\"string\","
				  "\"value\":\"error\"},{\"key\":\"message\",\"type\":\"string\",\"value\":"
				  "\"BFT consensus failed: quorum not reached (2 of 3)\"}]}",
				  g[k].start + g[k].dur);
		sb_printf(&b, "],\"processID\":\"%s\",\"warnings\":null}",
			  !strcmp(g[k].svc, "icn-director") ? "p1"
			  : !strcmp(g[k].svc, "icn-vortex") ? "p2"
							     : "p3");
	}
	sb_puts(&b, "],\"processes\":{");
	const char *svc[] = { "icn-director", "icn-vortex", "icn-super-node" };
	for (int p = 0; p < 3; p++)
		sb_printf(&b,
			  "%s\"p%d\":{\"serviceName\":\"%s\",\"tags\":[{\"key\":\"hostname\",\"type\":"
			  "\"string\",\"value\":\"%s-0\"},{\"key\":\"jaeger.version\",\"type\":\"string\","
			  "\"value\":\"Go-2.11.0\"}]}",
			  p ? "," : "", p + 1, svc[p], svc[p]);
	sb_puts(&b, "},\"warnings\":null}],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}");
	return sb_steal(&b);
}

static char *gen_v3(const gen_t *g)
{
	strbuf_t b;
	sb_init(&b);
	const char *svc[] = { "icn-director", "icn-vortex", "icn-super-node" };
	sb_puts(&b, "{\"result\":{\"resourceSpans\":[");
	for (int p = 0; p < 3; p++) {
		sb_printf(&b,
			  "%s{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":"
			  "{\"stringValue\":\"%s\"}},{\"key\":\"host.name\",\"value\":{\"stringValue\":"
			  "\"%s-0\"}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"icn.bft\"},\"spans\":[",
			  p ? "," : "", svc[p], svc[p]);
		int first = 1;
		for (int k = 0; k < SPANS; k++) {
			if (strcmp(g[k].svc, svc[p]))
				continue;
			sb_printf(&b,
				  "%s{\"traceId\":\"4bf92f3577b34da6a3ce929d0e0e4736\",\"spanId\":\"%016x\","
				  "\"name\":\"%s\",\"kind\":1,\"startTimeUnixNano\":\"%" PRId64 "000\","
				  "\"endTimeUnixNano\":\"%" PRId64 "000\"",
				  first ? "" : ",", 0x1000 + k, g[k].op, g[k].start, g[k].start + g[k].dur);
			first = 0;
			if (g[k].parent >= 0)
				sb_printf(&b, ",\"parentSpanId\":\"%016x\"", 0x1000 + g[k].parent);
			sb_printf(&b,
				  ",\"attributes\":[{\"key\":\"slot\",\"value\":{\"intValue\":\"4242\"}},"
				  "{\"key\":\"peer\",\"value\":{\"stringValue\":\"sn-%d.icn.internal\"}}]",
				  k % 16);
			if (g[k].error)
				sb_printf(&b,
					  ",\"events\":[{\"timeUnixNano\":\"%" PRId64 "000\",\"name\":\"error\","
					  "\"attributes\":[{\"key\":\"message\",\"value\":{\"stringValue\":"
					  "\"BFT consensus failed: quorum not reached (2 of 3)\"}}]}],"
					  "\"status\":{\"code\":2}",
					  g[k].start + g[k].dur);
			else
				sb_puts(&b, ",\"status\":{}");
			sb_puts(&b, "}");
		}
		sb_puts(&b, "]}]}");
	}
	sb_puts(&b, "]}}");
	return sb_steal(&b);
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	strbuf_t b;
	char buf[65536];
	size_t n;
	sb_init(&b);
	while ((n = fread(buf, 1, sizeof buf, f)) > 0)
		sb_add(&b, buf, n);
	fclose(f);
	*len = b.len;
	return sb_steal(&b);
}

/* Median of RUNS: the parse (with trace_build inside), the rows, and the whole. */
static void bench(const char *name, const char *body, size_t len, int runs)
{
	double *parse = xmalloc(runs * sizeof *parse), *rows = xmalloc(runs * sizeof *rows);
	double *all = xmalloc(runs * sizeof *all);
	size_t spans = 0, shown = 0;
	for (int r = 0; r < runs; r++) {
		trace_t **v;
		size_t n;
		char *err = NULL;
		double t0 = now();
		if (jaeger_parse_traces(body, len, 200, &v, &n, &err) != 0 || !n) {
			printf("%s: %s\n", name, err ? err : "no trace");
			free(err);
			goto out;
		}
		double t1 = now();
		trace_t *t = v[0];
		uint32_t *rw = xmalloc((t->n_spans + 1) * sizeof *rw);
		uint8_t *col = xcalloc(t->n_spans + 1, 1);
		/* the view's two layouts: all open, then the bft.coordinate spans collapsed */
		trace_rows(t, NULL, rw);
		for (size_t i = 0; i < t->n_spans; i++)
			col[i] = t->spans[i].depth == 1 && t->spans[i].n_desc > 0;
		shown = trace_rows(t, col, rw);
		int c0, c1;
		for (size_t i = 0; i < t->n_spans; i++)
			trace_bar_cols(t->spans[i].start_us, t->spans[i].duration_us, t->start_us, t->end_us,
				       120, &c0, &c1);
		double t2 = now();
		spans = t->n_spans;
		free(col);
		free(rw);
		jaeger_traces_free(v, n);
		parse[r] = (t1 - t0) * 1e3;
		rows[r] = (t2 - t1) * 1e3;
		all[r] = (t2 - t0) * 1e3;
	}
	qsort(parse, runs, sizeof *parse, cmp_double);
	qsort(rows, runs, sizeof *rows, cmp_double);
	qsort(all, runs, sizeof *all, cmp_double);
	printf("%-10s %8.2f MB %6zu spans  parse+tree %7.2f ms  rows %5.2f ms (%zu collapsed)  "
	       "total %7.2f ms median of %d (min %.2f, max %.2f)\n",
	       name, len / 1e6, spans, parse[runs / 2], rows[runs / 2], shown, all[runs / 2], runs,
	       all[0], all[runs - 1]);
out:
	free(parse);
	free(rows);
	free(all);
}

int main(int argc, char **argv)
{
	int runs = argc > 1 ? atoi(argv[1]) : 15;
	if (runs < 1)
		runs = 1;
	if (argc > 2) {
		for (int i = 2; i < argc; i++) {
			size_t len;
			char *body = read_file(argv[i], &len);
			if (!body) {
				fprintf(stderr, "trace_bench: cannot read %s\n", argv[i]);
				return 1;
			}
			const char *base = strrchr(argv[i], '/');
			bench(base ? base + 1 : argv[i], body, len, runs);
			free(body);
		}
		return 0;
	}
	gen_t *g = gen_spans();
	char *v1 = gen_v1(g), *v3 = gen_v3(g);
	bench("v1 (gen)", v1, strlen(v1), runs);
	bench("v3 (gen)", v3, strlen(v3), runs);
	free(v1);
	free(v3);
	free(g);
	return 0;
}
