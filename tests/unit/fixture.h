/* Reading the real backend payloads under $FIXTURES (tests/fixtures) in unit tests. */
#ifndef ICN_TEST_FIXTURE_H
#define ICN_TEST_FIXTURE_H
#include <stddef.h>

/* The whole file $FIXTURES/REL (e.g. "prometheus/query_vector_docs.json"),
 * NUL-terminated, malloc'd; its length in *len when len is not NULL. Fails the
 * running cmocka test when the file cannot be read. */
char *fixture_read(const char *rel, size_t *len);

#endif
