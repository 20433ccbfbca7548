/* Micro-benchmark of the Logs model: 1,000,000 synthetic 200-byte lines into the ring. Prints, never asserts. */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "core/text.h"
#include "model/logdedup.h"
#include "model/logring.h"

#define LINES 1000000
#define LINE_LEN 200
#define STREAMS 64

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Resident set size in bytes, from /proc (0 elsewhere). */
static size_t rss(void)
{
	long pages = 0, res = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	if (f) {
		if (fscanf(f, "%ld %ld", &pages, &res) != 2)
			res = 0;
		fclose(f);
	}
	return (size_t)res * 4096;
}

/* An ICN-like JSON line of exactly LINE_LEN bytes. */
static void make_line(char *buf, long i)
{
	static const char *const levels[] = { "info", "info", "info", "debug", "warn", "error" };
	int n = snprintf(buf, LINE_LEN + 1,
			 "{\"ts\":\"2026-11-29T03:%02ld:%02ld.%03ldZ\",\"level\":\"%s\",\"slot\":%ld,"
			 "\"msg\":\"recipe received\",\"directors\":[\"d-%ld\",\"d-%ld\"],"
			 "\"trace_id\":\"%032lx\",\"x\":\"",
			 i / 60000 % 60, i / 1000 % 60, i % 1000, levels[i % 6], i / 7, i % 13, i % 17,
			 (unsigned long)i * 2654435761u);
	if (n > LINE_LEN - 2)
		n = LINE_LEN - 2;
	memset(buf + n, 'p', (size_t)(LINE_LEN - 2 - n));
	memcpy(buf + LINE_LEN - 2, "\"}", 2);
	buf[LINE_LEN] = '\0';
}

int main(void)
{
	labels_t streams[STREAMS];
	char pod[32];
	for (int s = 0; s < STREAMS; s++) {
		memset(&streams[s], 0, sizeof streams[s]);
		snprintf(pod, sizeof pod, "icn-director-%d", s);
		labels_add(&streams[s], "app", "icn-director");
		labels_add(&streams[s], "namespace", "icn");
		labels_add(&streams[s], "pod", pod);
		labels_add(&streams[s], "region", s % 2 ? "eu-west" : "na-west");
	}
	/* the lines are made before timing: the bench measures the model */
	char *lines = malloc((size_t)LINES * (LINE_LEN + 1));
	if (!lines)
		return 1;
	for (long i = 0; i < LINES; i++)
		make_line(lines + (size_t)i * (LINE_LEN + 1), i);

	size_t rss0 = rss();
	logring_t *r = logring_new(0, 0);
	size_t bytes_100k = 0, rss_100k = 0;
	double t0 = now();
	for (long i = 0; i < LINES; i++) {
		logring_append(r, 1700000000000000000LL + i, &streams[i % STREAMS],
			       lines + (size_t)i * (LINE_LEN + 1), LINE_LEN);
		if (i == 100000 - 1) {
			bytes_100k = logring_bytes(r);
			rss_100k = rss();
		}
	}
	double t1 = now();
	printf("logring_append (level scan, interning, eviction past 100,000 lines):\n");
	printf("  %d lines of %d bytes in %.3f s: %.0f lines/s\n", LINES, LINE_LEN, t1 - t0,
	       LINES / (t1 - t0));
	printf("  memory per 100,000 lines: %.1f MB counted by the ring, %.1f MB resident growth\n",
	       bytes_100k / 1048576.0, (rss_100k > rss0 ? rss_100k - rss0 : 0) / 1048576.0);
	printf("  kept %zu lines, %zu streams, %.1f MB\n", logring_count(r), logring_streams(r),
	       logring_bytes(r) / 1048576.0);
	logring_free(r);

	/* the pipeline after parsing: dedupe, then the ring */
	logdedup_t d;
	logdedup_init(&d);
	r = logring_new(0, 0);
	t0 = now();
	long kept = 0;
	for (long i = 0; i < LINES; i++) {
		const char *l = lines + (size_t)i * (LINE_LEN + 1);
		int64_t ts = 1700000000000000000LL + i / 4; /* four lines per nanosecond */
		if (!logdedup_check(&d, &streams[i % STREAMS], ts, l, LINE_LEN)) {
			logring_append(r, ts, &streams[i % STREAMS], l, LINE_LEN);
			kept++;
		}
	}
	t1 = now();
	printf("logdedup_check + logring_append: %.0f lines/s (%ld kept)\n", LINES / (t1 - t0), kept);
	logring_free(r);
	logdedup_free(&d);

	/* what drawing a screenful costs, line by line */
	t0 = now();
	size_t out = 0;
	for (long i = 0; i < LINES; i++) {
		size_t len;
		char *s = text_render_line(lines + (size_t)i * (LINE_LEN + 1), LINE_LEN, 4096, &len);
		out += len;
		free(s);
	}
	t1 = now();
	printf("text_render_line: %.0f lines/s (%zu bytes out)\n", LINES / (t1 - t0), out);

	for (int s = 0; s < STREAMS; s++)
		labels_free(&streams[s]);
	free(lines);
	return 0;
}
