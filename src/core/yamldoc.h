/* A small YAML node tree (libyaml parser) that keeps positions, for loaders that report "PATH:LINE:COL: message". */
#ifndef ICN_YAMLDOC_H
#define ICN_YAMLDOC_H
#include <stddef.h>

typedef enum { YD_SCALAR, YD_SEQ, YD_MAP } yd_kind_t;

typedef struct yd_node yd_node_t;
struct yd_node {
	yd_kind_t kind;
	int line, col;    /* 1-based */
	int plain;        /* scalar was unquoted: "", "~" and "null" then mean null */
	char *str;        /* scalar text, NUL-terminated (never contains a NUL) */
	size_t len;
	yd_node_t **kids; /* seq: items; map: key, value, key, value, ... */
	size_t n;         /* entries in kids (a map has n / 2 pairs) */
	size_t cap;
};

/* Where messages go: `name` is the file name printed in front of them. */
typedef struct {
	const char *name;
	char *err;
	size_t errlen;
} yd_ctx_t;

/* Deeper documents are refused: no loader needs them and they only cost stack. */
#define YD_MAX_DEPTH 64
/* Files larger than this are refused before parsing. */
#define YD_MAX_FILE (4u << 20)

/* Parse one YAML document. *root is NULL for an empty stream or an empty
 * document (a file of only comments). Aliases and multiple documents are
 * refused. Returns 0, or -1 with the message in cx->err. */
int yd_parse(yd_ctx_t *cx, const char *buf, size_t len, yd_node_t **root);
/* Read a whole file (bounded by YD_MAX_FILE); -1 with "PATH: strerror" in err. */
int yd_read_file(const char *path, char **buf, size_t *len, char *err, size_t errlen);
void yd_free(yd_node_t *n);

/* Format "NAME:LINE:COL: message" (or "NAME: message" when at is NULL) into
 * cx->err. Always returns -1, so loaders can `return yd_fail(...)`. */
int yd_fail(yd_ctx_t *cx, const yd_node_t *at, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A plain empty, "~" or "null" scalar. NULL counts as null too. */
int yd_is_null(const yd_node_t *n);

/* Check that n is a mapping whose keys are distinct strings, each one of
 * `allowed` (NULL-terminated; NULL allows any key). `where` is put after
 * the key in messages (" in context 'demo'"), may be NULL. A null node passes
 * as an empty mapping. */
int yd_check_map(yd_ctx_t *cx, const yd_node_t *n, const char *const *allowed,
		 const char *where);
/* Number of pairs and the i-th key/value of a mapping (0 for a null node). */
size_t yd_map_size(const yd_node_t *n);
const yd_node_t *yd_map_key(const yd_node_t *n, size_t i);
const yd_node_t *yd_map_val(const yd_node_t *n, size_t i);
/* The value of `key` in a mapping, NULL when absent. */
const yd_node_t *yd_get(const yd_node_t *map, const char *key);

/* A scalar as a string: *out is NULL for null, else a copy. Non-scalars are
 * "expected a string" errors. */
int yd_string(yd_ctx_t *cx, const yd_node_t *n, char **out);
/* A finite number (decimal, or exponent as 12e9): "expected a number". */
int yd_number(yd_ctx_t *cx, const yd_node_t *n, double *out);

/* "themes/dark.yaml" -> "dark": the name a file gives when its content does not
 * say (".yaml" or ".yml" dropped). Malloc'd. */
char *yd_name_from_path(const char *path);

#endif
