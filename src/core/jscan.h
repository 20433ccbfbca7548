/* Walking a JSON text without building it: spans of members and elements, each decoded alone. */
#ifndef ICN_JSCAN_H
#define ICN_JSCAN_H
#include <stddef.h>
#include <jansson.h>

/* A JSON value as bytes [p, e) of the text; p NULL when absent. */
typedef struct {
	const char *p, *e;
} jspan_t;

/* Past blanks. */
const char *jscan_ws(const char *p, const char *e);
/* Past one JSON value starting at p, or NULL when the text ends first or p
 * holds no value. Strings and nesting are followed; the inside is not checked
 * (jscan_load does that when the value is decoded). */
const char *jscan_value(const char *p, const char *e);
/* Is the member name at k (with its quotes) exactly w? (No escapes in w.) */
int jscan_key_is(jspan_t k, const char *w);

/* Calls fn on each member of the object at p; returns past the object, or
 * NULL when it is not a well-formed object. */
typedef void (*jscan_member_fn)(jspan_t key, jspan_t val, void *ud);
const char *jscan_object(const char *p, const char *e, jscan_member_fn fn, void *ud);

/* Calls fn on each element of the array in `arr`, stopping when fn returns
 * non-zero. Returns 0 when done, fn's value when it stopped, -1 when `arr` is
 * not a well-formed array (*bad: the index of the element that broke it). */
typedef int (*jscan_elem_fn)(jspan_t val, size_t i, void *ud);
int jscan_array(jspan_t arr, jscan_elem_fn fn, void *ud, size_t *bad);

/* Decode one span with jansson (JSON_DECODE_ANY | flags); NULL when invalid. */
json_t *jscan_load(jspan_t v, size_t flags);
/* A JSON string span decoded without jansson (the hot path of tail frames):
 * malloc'd, NUL-terminated, its length in *len; NULL when it is not a string
 * or holds what needs jansson's judgement (invalid UTF-8 or escapes, a raw
 * control character, a lone surrogate, \u0000 unless allow_nul): the caller
 * then decodes it with jscan_load, which says what is wrong. */
char *jscan_string(jspan_t v, int allow_nul, size_t *len);
/* The same into buf (cap bytes): 0 done, -1 as above, 1 it does not fit. */
int jscan_string_into(jspan_t v, int allow_nul, char *buf, size_t cap, size_t *len);
/* Past the string that starts at p (its closing quote), NULL when p holds
 * no string or the text ends first. */
const char *jscan_string_end(const char *p, const char *e);
/* The four hex digits at p (a \\u escape's): 0 and the value, or -1. */
int jscan_hex4(const char *p, unsigned *out);
/* Is the span the literal null (or absent)? */
int jscan_is_null(jspan_t v);

#endif
