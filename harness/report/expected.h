/* expected.h - per-target expectations: the verdicts other than pass that
 * a target is known to give (scenarios/targets/<name>.expected), and the
 * comparison of a run with them.
 *
 * The file has one line per deviation:
 *
 *     SUITE/CASE<TAB>VERDICT<TAB>reason
 *
 * SUITE is the suite's `suite:` name, CASE the expanded case name, VERDICT
 * `fail` or `error`, and the reason one line of text (required). Blank
 * lines and lines whose first non-blank character is '#' are comments.
 * A key may appear once. Trailing spaces and CR are ignored.
 *
 * Comparing a run: a case that failed (or erred) as listed is an expected
 * deviation; one that failed unlisted, or with another verdict than
 * listed, is a new failure; a listed case that passed is a new pass (the
 * file is out of date). Listed cases that did not run (filtered out, or
 * skipped) are ignored.
 */
#ifndef DNSH_EXPECTED_H
#define DNSH_EXPECTED_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/arena.h"
#include "expect/expect.h"
#include "report/report.h"
#include "scenario/node.h"
#include "scenario/scenario.h"

typedef struct exp_entry {
	const char *key;	   /* "SUITE/CASE" */
	sc_verdict_kind_t verdict; /* SC_FAIL or SC_ERROR */
	const char *reason;
	unsigned line; /* 1-based, in the file */
} exp_entry_t;

/* A parsed file. Everything is owned by `arena`. */
typedef struct exp_list {
	const char *path;
	exp_entry_t *e; /* in file order */
	size_t n;
	const exp_entry_t **sorted; /* the entries, sorted by key */
	const char **lines;	    /* the file's lines (without the newline) */
	int *line_entry;	    /* per line: its entry's index, or -1 */
	size_t nlines;
	dns_arena_t arena;
} exp_list_t;

/* Parse text (len bytes; path names it in diagnostics). On success *out
 * holds the entries; otherwise d has located errors ("path:line:col:
 * error: ..."). Either way release out with exp_free. */
bool exp_parse(const char *path, const char *text, size_t len, exp_list_t *out,
	       diag_t *d);

/* Read and parse the file at path. A file that does not exist is an empty
 * list (*found false): nothing is expected to deviate. Release out with
 * exp_free, also on failure. */
bool exp_load(const char *path, exp_list_t *out, bool *found, diag_t *d);

void exp_free(exp_list_t *l);

/* The entry for case `name` of suite `suite`, or NULL. */
const exp_entry_t *exp_find(const exp_list_t *l, const char *suite,
			    const char *name);

/* Compare every result of run with l: set each result's exp, exp_verdict
 * and exp_reason (pointing into l, which must outlive the run's reports),
 * and run->expected_file to l->path. counts (may be NULL) get the results
 * by sc_exp_status_t. */
void exp_compare(const exp_list_t *l, sc_run_t *run, size_t counts[4]);
/* The same for results[idx] alone (run->expected_file set too): for a
 * result as soon as it is final. */
void exp_compare_one(const exp_list_t *l, sc_run_t *run, size_t idx);

/* Entries that name a loaded suite but no case of it (a typo, or a case
 * renamed since): each is passed to fn; returns how many. */
size_t exp_stale(const exp_list_t *l, const sc_suite_t *suites, size_t n,
		 void (*fn)(const exp_entry_t *e, void *ctx), void *ctx);

/* Rewrite the file at path from l and the compared run: comment lines and
 * entries of cases that did not run are kept as they are; expected
 * deviations keep their line; a new pass drops its line; a listed case
 * that failed with another verdict gets the new verdict and the reason
 * "unreviewed (was VERDICT: OLD REASON)"; new unlisted failures are
 * appended, after a comment, with the reason "unreviewed: CHECK: expected
 * X, got Y". Atomic (temporary file, then rename). false with a sentence
 * in err on failure. */
bool exp_update(const exp_list_t *l, const sc_run_t *run, const char *path,
		char *err, size_t errlen);

#endif
