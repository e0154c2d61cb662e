/* scenario.h - the scenario model: suites of cases, loaded from YAML.
 *
 * Loading (load.c) reads a file or a directory tree, resolves include:,
 * substitutes ${vars}, merges defaults: into each case, expands matrix:
 * into individually named cases, and compiles each case's query
 * (scenario/query.h) and expectation (expect/expect.h), so that a suite
 * that loads is one that can run. Every problem is a located diagnostic
 * (node.h). A suite owns all its memory in its arena.
 */
#ifndef DNSH_SCENARIO_H
#define DNSH_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/arena.h"
#include "scenario/node.h"

typedef enum sc_level { SC_MUST, SC_SHOULD, SC_MAY } sc_level_t;
typedef enum sc_transport { SC_UDP, SC_TCP, SC_DOT } sc_transport_t;
typedef enum sc_role { SC_ROLE_SERVER, SC_ROLE_RESOLVER, SC_ROLE_CLIENT } sc_role_t;

const char *sc_level_name(sc_level_t l);         /* "must" ... */
const char *sc_transport_name(sc_transport_t t); /* "udp" ... */

struct sc_query;  /* scenario/query.h */
struct sc_expect; /* expect/expect.h */

typedef struct sc_case {
	const char *name;        /* expanded and unique in the suite */
	const char *rfc;         /* e.g. "RFC 6891 6.1.3", or NULL */
	sc_level_t level;        /* default must */
	const char **tags;
	size_t ntags;
	sc_transport_t transport;
	unsigned long timeout_ms; /* per attempt */
	unsigned retries;         /* extra attempts after a timeout (UDP) */
	const node_t *node;       /* the case mapping, for locations */
	const node_t *query_node; /* merged, substituted */
	const node_t *expect_node;
	struct sc_query *query;   /* compiled */
	struct sc_expect *expect; /* compiled */
} sc_case_t;

typedef struct sc_suite {
	const char *file;  /* the file it came from */
	const char *name;  /* suite: */
	const char *about; /* about:, or NULL */
	sc_role_t role;
	sc_case_t *cases;
	size_t ncases;
	dns_arena_t arena; /* owns everything above */
} sc_suite_t;

/* A variable given on the command line (--var k=v); overrides vars:. */
typedef struct sc_var {
	const char *name;
	const char *value;
} sc_var_t;

typedef struct sc_load_opts {
	const sc_var_t *vars; /* command-line overrides */
	size_t nvars;
	const char *root; /* include: may not leave this directory tree
			     (default: the directory of the file loaded) */
} sc_load_opts_t;

/* Load one scenario file into *out (which the caller frees with
 * sc_suite_free, also on failure). false with diagnostics in d. */
bool sc_load_file(const char *path, const sc_load_opts_t *opts,
		  sc_suite_t *out, diag_t *d);

void sc_suite_free(sc_suite_t *s);

#endif
