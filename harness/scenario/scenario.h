/* scenario.h - the scenario model: suites of cases, loaded from YAML.
 *
 * Loading (load.c) reads a file or a directory tree, resolves include:,
 * substitutes ${vars}, merges defaults: into each case, expands matrix:
 * into individually named cases, and compiles each case's query
 * (scenario/query.h) and expectation (expect/expect.h), so that a suite
 * that loads is one that can run (sc_load_file_lazy compiles the cases of
 * large files only to check them, and again when they are played). Every
 * problem is a located diagnostic (node.h). A suite owns all its memory
 * in its arena.
 *
 * A resolver suite (role: resolver) has servers:, target: and steps:
 * instead of cases: (scenarios/README.md, Resolver suites). Each step that
 * judges something - a query, upstream: assertions - is also a case of
 * the suite (named by its name:, else step-N), so reports, filters and
 * .expected files treat steps as cases; play/play.h plays the steps in
 * order against one resolver.
 *
 * A client suite (role: client) has servers: and steps: that each run a
 * program (play/client.h): every step is a case whose client field holds
 * what it runs and expects.
 */
#ifndef DNSH_SCENARIO_H
#define DNSH_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/arena.h"
#include "scenario/node.h"

typedef enum sc_level { SC_MUST, SC_SHOULD, SC_MAY } sc_level_t;
typedef enum sc_transport { SC_UDP, SC_TCP, SC_DOT } sc_transport_t;
typedef enum sc_role {
	SC_ROLE_SERVER,
	SC_ROLE_RESOLVER,
	SC_ROLE_CLIENT
} sc_role_t;

const char *sc_level_name(sc_level_t l);	 /* "must" ... */
const char *sc_transport_name(sc_transport_t t); /* "udp" ... */

struct sc_query;     /* scenario/query.h */
struct sc_expect;    /* expect/expect.h */
struct sc_upstream;  /* expect/upstream.h */
struct sc_client;    /* play/client.h */
struct serve_config; /* serve/config.h */

/* role: resolver - one more query of a step with queries:, sent at the
 * same time as its case's own query and judged by its own expectation. */
typedef struct sc_more {
	struct sc_query *query;	  /* compiled */
	struct sc_expect *expect; /* compiled */
	const node_t *query_node; /* merged, substituted */
} sc_more_t;

#define SC_QUERIES_MAX 64u /* queries: of one step, at most */

/* A variable given on the command line (--var k=v); overrides vars:. */
typedef struct sc_var {
	const char *name;
	const char *value;
} sc_var_t;

typedef struct sc_case {
	const char *name; /* expanded and unique in the suite */
	const char *rfc;  /* e.g. "RFC 6891 6.1.3", or NULL */
	sc_level_t level; /* default must */
	const char **tags;
	size_t ntags;
	sc_transport_t transport;
	unsigned long timeout_ms; /* per attempt */
	unsigned long settle_ms;  /* role: resolver - after the answers, let
				     the servers take this long more of the
				     resolver's queries before upstream: is
				     judged (its after-the-answer lookups) */
	unsigned retries;	  /* extra attempts after a timeout (UDP) */
	const node_t *node;	  /* the case mapping, for locations (NULL:
				     see sc_load_file_lazy) */
	const node_t *query_node; /* merged, substituted */
	const node_t *expect_node;
	struct sc_query *query;	  /* compiled */
	struct sc_expect *expect; /* compiled */
	const char *skip;	  /* skip: reason (reported as skip), or NULL */
	unsigned requires;	  /* requires: (TARGET_CAP_* bits) of a case of
				     a server suite: skipped against a target
				     that does not provide them */
	/* role: resolver - assertions on what the resolver asked upstream
	 * (compiled); NULL when the step has none. A step with upstream:
	 * and no query: has query == NULL and expect == NULL. */
	struct sc_upstream *upstream;
	const node_t *upstream_node;
	/* role: resolver - a step with queries: has the first as its query
	 * and expect, the others here (in order); NULL, 0 otherwise. */
	const sc_more_t *more;
	size_t nmore;
	/* role: client - the program a step runs and what is expected of
	 * it (play/client.h); NULL otherwise (query and expect are NULL). */
	struct sc_client *client;
	/* Loaded with sc_load_opts_t.lazy: query and expect are NULL and
	 * sc_case_compile makes them when the case is played; else NULL. */
	const struct sc_lazy *lazy;
} sc_case_t;

/* role: resolver - the steps of a suite, played in order against one
 * resolver and one set of scripted servers. */
typedef enum sc_step_kind {
	SC_STEP_QUERY,	  /* query: (+ expect:, upstream:) - a case */
	SC_STEP_UPSTREAM, /* upstream: alone - a case */
	SC_STEP_TIME,	  /* time_passes: - not a case */
} sc_step_kind_t;

typedef struct sc_step {
	sc_step_kind_t kind;
	const node_t *node;
	size_t case_index; /* QUERY, UPSTREAM: into the suite's cases */
	uint64_t ms;	   /* TIME: how much time passes */
	unsigned requires; /* requires: of the step (TARGET_CAP_* bits) */
} sc_step_t;

/* target: of a resolver suite. */
typedef struct sc_target_spec {
	const node_t *node;   /* target:, or NULL when absent */
	const char *recipe;   /* recipe name (scenarios/targets/), or NULL */
	const char *upstream; /* upstream: as written, or NULL */
	size_t server;	      /* the server the resolver is pointed at
				 (upstream:, else the one serving the root
				 zone); valid when the suite has steps */
	sc_var_t *vars;	      /* recipe vars set by the suite */
	size_t nvars;
	unsigned requires; /* target: {requires:}, TARGET_CAP_* bits that
			      every step needs (target/caps.h) */
} sc_target_spec_t;

typedef struct sc_suite {
	const char *file;  /* the file it came from */
	const char *name;  /* suite: */
	const char *about; /* about:, or NULL */
	sc_role_t role;
	sc_case_t *cases;
	size_t ncases;
	/* role: resolver (NULL / empty otherwise) */
	struct serve_config *servers; /* servers:, loaded (heap) */
	sc_target_spec_t target;
	sc_step_t *steps; /* in the file's order */
	size_t nsteps;
	/* sc_load_file_lazy: the files its cases are read from again when
	 * they are played, open (closed by sc_suite_free) */
	struct lazy_file *lazy_files;
	dns_arena_t arena; /* owns everything above */
} sc_suite_t;

typedef struct sc_load_opts {
	const sc_var_t *vars; /* command-line overrides */
	size_t nvars;
	const char *root; /* include: may not leave this directory tree
			     (default: the directory of the file loaded) */
} sc_load_opts_t;

/* Load one scenario file into *out (which the caller frees with
 * sc_suite_free, also on failure). false with diagnostics in d; their
 * file names point into out's arena, so print them before freeing it.
 * The cases array is on the heap and also freed by sc_suite_free. */
bool sc_load_file(const char *path, const sc_load_opts_t *opts, sc_suite_t *out,
		  diag_t *d);

/* The same, but in each file (the top one, each include) with at least
 * min_cases cases the cases are compiled only to check them: each keeps
 * what describes it (name, level, rfc, tags, transport, timing, skip) and
 * sc_case_compile compiles it again when it is played; and when cases:
 * is a block sequence, the file is parsed without it and its items a
 * slice at a time, each keeping only where it is in the file (node is
 * then NULL), which stays open to read it again (a file changed since is
 * an error then). So memory holds neither every compiled case nor the
 * tree or the text of every case. opts->vars must outlive the suite. */
#define SC_LAZY_MIN 20000u /* min_cases of dnsharness run */
bool sc_load_file_lazy(const char *path, const sc_load_opts_t *opts,
		       size_t min_cases, sc_suite_t *out, diag_t *d);

/* sc_load_file_lazy (min_cases SIZE_MAX: sc_load_file) on at most
 * `threads` threads: the cases of a file with many are loaded on two
 * when threads is 2, or 0 and there is more than one CPU (as the two
 * above do); on one when it is 1. The suite and the diagnostics are the
 * same either way. */
bool sc_load_file_threads(const char *path, const sc_load_opts_t *opts,
			  size_t min_cases, unsigned threads, sc_suite_t *out,
			  diag_t *d);

void sc_suite_free(sc_suite_t *s);

/* The compiled query and expectation of case c of suite s: c's own, or,
 * for a case loaded lazily, compiled again into arena (which the caller
 * resets once the case is judged). false with located errors in d (a
 * lazy case compiled once already while loading, so only on memory
 * failure). */
bool sc_case_compile(const sc_suite_t *s, const sc_case_t *c,
		     dns_arena_t *arena, struct sc_query **q,
		     struct sc_expect **e, diag_t *d);

/* Scenario files named by command-line PATH arguments. */
typedef struct sc_paths {
	char **path; /* heap strings, in argument order */
	size_t n;
} sc_paths_t;

/* Expand PATH arguments into files: a file is taken as given; a directory
 * is searched recursively for *.yaml and *.yml, skipping names that start
 * with '.' or '_' (include-only fragments), and the files found under it
 * are sorted by path. The caller frees *out with sc_paths_free, also on
 * failure. false with an error per argument that cannot be read or is a
 * directory holding no scenario file (located at "ARG:0:0"; the
 * diagnostics point at the args strings, which must outlive d). */
bool sc_collect_paths(const char *const *args, size_t nargs, sc_paths_t *out,
		      diag_t *d);

void sc_paths_free(sc_paths_t *p);

#endif
