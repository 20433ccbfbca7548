/* Replays fuzz corpora without libFuzzer: every file of the given directories (or
 * files) goes through LLVMFuzzerTestOneInput once; TAP on stdout, so `make check`
 * runs the seeds and past crashes as a regression test under gcc and ASan. */
#include "config.h"
#include "fuzz.h"
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#ifndef FUZZ_TARGET
#define FUZZ_TARGET "fuzz"
#endif

/* The whole file in a buffer of exactly its size, so ASan sees any overread. */
static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf = NULL;
	size_t len = 0, cap = 0;

	if (!f) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	for (;;) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4096;
			uint8_t *nb = realloc(buf, cap);
			if (!nb) {
				fclose(f);
				free(buf);
				return -1;
			}
			buf = nb;
		}
		size_t got = fread(buf + len, 1, cap - len, f);
		if (!got)
			break;
		len += got;
	}
	int bad = ferror(f);
	fclose(f);
	if (bad) {
		free(buf);
		fprintf(stderr, "%s: read error\n", path);
		return -1;
	}
	uint8_t *exact = malloc(len ? len : 1);
	if (!exact) {
		free(buf);
		return -1;
	}
	if (len)
		memcpy(exact, buf, len);
	free(buf);
	/* Name the input first: a crash report then says which file it was. */
	fprintf(stderr, "# %s\n", path);
	LLVMFuzzerTestOneInput(exact, len);
	free(exact);
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Files of a directory in name order (so runs are repeatable); a file argument
 * is run as itself. Returns the count run, or -1. */
static long run_path(const char *path)
{
	struct stat st;
	if (stat(path, &st) != 0) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path) == 0 ? 1 : -1;

	DIR *d = opendir(path);
	if (!d) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		return -1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue; /* ., .., and editor or VCS leftovers */
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **nn = realloc(names, cap * sizeof *names);
			if (!nn)
				abort();
			names = nn;
		}
		size_t l = strlen(path) + strlen(e->d_name) + 2;
		names[n] = malloc(l);
		if (!names[n])
			abort();
		snprintf(names[n], l, "%s/%s", path, e->d_name);
		n++;
	}
	closedir(d);
	qsort(names, n, sizeof *names, cmp_str);
	long count = 0;
	for (size_t i = 0; i < n; i++) {
		if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
			if (run_file(names[i]) != 0)
				count = -1;
			else if (count >= 0)
				count++;
		}
		free(names[i]);
	}
	free(names);
	return count;
}

int main(int argc, char **argv)
{
	long total = 0;
	int failed = 0;
	char *dflt = NULL;

	/* No arguments: the target's seed corpus in the source tree. */
	if (argc < 2) {
		const char *top = getenv("top_srcdir");
		size_t l = strlen(top ? top : ".") + sizeof "/tests/fuzz/corpus/" + strlen(FUZZ_TARGET);
		dflt = malloc(l);
		if (!dflt)
			abort();
		snprintf(dflt, l, "%s/tests/fuzz/corpus/%s", top ? top : ".", FUZZ_TARGET);
	}
	printf("1..1\n");
	fflush(stdout);
	for (int i = 1; i < argc || (dflt && i == 1); i++) {
		long c = run_path(dflt ? dflt : argv[i]);
		if (c < 0)
			failed = 1;
		else
			total += c;
	}
	free(dflt);
	if (failed || total == 0)
		printf("not ok 1 - %s: %ld inputs%s\n", FUZZ_TARGET, total,
		       failed ? " (unreadable corpus)" : " (empty corpus)");
	else
		printf("ok 1 - %s: %ld inputs\n", FUZZ_TARGET, total);
	return failed || total == 0;
}
