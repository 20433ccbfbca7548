/* The LogQL subset icnsim serves: a stream selector and line filters. */
#ifndef ICNSIM_LOGQL_H
#define ICNSIM_LOGQL_H
#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include "logs.h"

enum logql_op { LQ_EQ, LQ_NE, LQ_RE, LQ_NRE };

typedef struct {
	char *name, *value;
	enum logql_op op;
	regex_t re; /* LQ_RE, LQ_NRE */
} logql_matcher_t;

typedef struct {
	char *text;
	enum logql_op op; /* |= (LQ_EQ), != (LQ_NE), |~ (LQ_RE), !~ (LQ_NRE) */
	regex_t re;
} logql_filter_t;

typedef struct {
	logql_matcher_t *m;
	size_t nm;
	logql_filter_t *f;
	size_t nf;
} logql_t;

/* Returns the query, or NULL with *err (caller frees): Loki's parse error text
 * or "not supported by icnsim: ...". */
logql_t *logql_parse(const char *q, char **err);
void logql_free(logql_t *q);
bool logql_stream_matches(const logql_t *q, const logs_t *l, size_t stream);
bool logql_line_matches(const logql_t *q, const char *line);

#endif
