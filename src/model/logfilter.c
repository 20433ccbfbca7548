/* The Logs view's local filters: include and exclude regexes over the ring, and stepping through it. */
#include "config.h"
#include "model/logfilter.h"
#include "core/xalloc.h"
#include <stdlib.h>
#include <string.h>

int logfilter_re_set(logfilter_re_t *r, const char *pattern, char **err)
{
	if (err)
		*err = NULL;
	if (!pattern || !*pattern) {
		logfilter_re_free(r);
		return 0;
	}
	regex_t re;
	int rc = regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB);
	if (rc != 0) {
		char why[160];
		regerror(rc, &re, why, sizeof why);
		if (err)
			*err = xasprintf("bad regex \"%s\": %s", pattern, why);
		return -1;
	}
	logfilter_re_free(r);
	r->re = re;
	r->set = 1;
	r->text = xstrdup(pattern);
	return 0;
}

void logfilter_re_free(logfilter_re_t *r)
{
	if (r->set)
		regfree(&r->re);
	free(r->text);
	memset(r, 0, sizeof *r);
}

int logfilter_re_match(const logfilter_re_t *r, const char *line)
{
	return r->set && line && regexec(&r->re, line, 0, NULL, 0) == 0;
}

void logfilter_free(logfilter_t *f)
{
	logfilter_re_free(&f->inc);
	logfilter_re_free(&f->exc);
	free(f->memo_seq);
	free(f->memo_val);
	f->memo_seq = NULL;
	f->memo_val = NULL;
	f->memo_n = 0;
}

void logfilter_memo(logfilter_t *f, size_t n)
{
	free(f->memo_seq);
	free(f->memo_val);
	f->memo_seq = n ? xcalloc(n, sizeof *f->memo_seq) : NULL;
	f->memo_val = n ? xcalloc(n, 1) : NULL;
	f->memo_n = n;
}

void logfilter_changed(logfilter_t *f)
{
	if (f->memo_n)
		memset(f->memo_seq, 0, f->memo_n * sizeof *f->memo_seq);
}

static int pass_seq(const logfilter_t *f, uint64_t seq, const logring_line_t *e)
{
	if (e->kind == LOGRING_GAP || (!f->inc.set && !f->exc.set))
		return 1;
	if (!f->memo_n)
		return logfilter_pass(f, e);
	size_t i = (size_t)(seq % f->memo_n);
	if (f->memo_seq[i] == seq + 1)
		return f->memo_val[i];
	int p = logfilter_pass(f, e);
	f->memo_seq[i] = seq + 1;
	f->memo_val[i] = (unsigned char)p;
	return p;
}

int logfilter_pass(const logfilter_t *f, const logring_line_t *e)
{
	if (e->kind == LOGRING_GAP)
		return 1;
	if (f->inc.set && !logfilter_re_match(&f->inc, e->line))
		return 0;
	return !logfilter_re_match(&f->exc, e->line);
}

static int wanted(const logfilter_t *f, uint64_t seq, const logring_line_t *e,
		  const logfilter_re_t *want, loglevel_t min_level)
{
	if (!pass_seq(f, seq, e))
		return 0;
	if (e->kind == LOGRING_GAP)
		return !(want && want->set) && min_level == LOGLEVEL_UNKNOWN;
	if (want && want->set && !logfilter_re_match(want, e->line))
		return 0;
	return min_level == LOGLEVEL_UNKNOWN || e->level >= min_level;
}

int logfilter_step(const logring_t *r, const logfilter_t *f, uint64_t from, int dir,
		   const logfilter_re_t *want, loglevel_t min_level, uint64_t *out)
{
	uint64_t first = logring_first(r), next = logring_next(r);
	if (first == next)
		return -1;
	uint64_t s;
	if (dir > 0) {
		s = from < first ? first : from + 1;
		for (; s < next; s++) {
			logring_line_t e;
			if (logring_get(r, s, &e) == 0 && wanted(f, s, &e, want, min_level)) {
				*out = s;
				return 0;
			}
		}
		return -1;
	}
	if (from <= first)
		return -1;
	s = from > next ? next : from;
	while (s-- > first) {
		logring_line_t e;
		if (logring_get(r, s, &e) == 0 && wanted(f, s, &e, want, min_level)) {
			*out = s;
			return 0;
		}
	}
	return -1;
}

int logfilter_last(const logring_t *r, const logfilter_t *f, uint64_t *out)
{
	return logfilter_step(r, f, logring_next(r), -1, NULL, LOGLEVEL_UNKNOWN, out);
}
