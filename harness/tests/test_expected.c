/* test_expected.c - per-target expectations files (report/expected.h): the
 * parser and its located errors, lookup, the comparison with a run, stale
 * entries, and the rewrite of --update-expected. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/expected.h"

/* ---- parsing ------------------------------------------------------------ */

static void test_parse_valid(void **state)
{
	(void)state;
	static const char text[] =
	    "# nsd deviations\n"
	    "\n"
	    "   # an indented comment\n"
	    "edns/two-opt\tfail\tanswers NOERROR; proof: dig ... PORT\n"
	    "edns/version[v=1]\tERROR\tno answer \t \r\n"
	    "genreport/type[t=TYPE65]\tfail\t  reason # with a hash\n"
	    "tcp/pipelining\terror\treason\tcontaining a tab";
	exp_list_t l;
	diag_t d = {0};
	bool ok = exp_parse("nsd.expected", text, sizeof(text) - 1, &l, &d);
	if (!ok)
		diag_print(&d, stderr);
	assert_true(ok);
	assert_int_equal(l.n, 4);
	assert_int_equal(l.nlines, 7);
	assert_string_equal(l.e[0].key, "edns/two-opt");
	assert_int_equal(l.e[0].verdict, SC_FAIL);
	assert_string_equal(l.e[0].reason,
			    "answers NOERROR; proof: dig ... PORT");
	assert_int_equal(l.e[0].line, 4);
	assert_string_equal(l.e[1].key, "edns/version[v=1]");
	assert_int_equal(l.e[1].verdict, SC_ERROR);
	assert_string_equal(l.e[1].reason, "no answer");
	assert_string_equal(l.e[2].reason, "reason # with a hash");
	assert_string_equal(l.e[3].reason, "reason\tcontaining a tab");
	assert_int_equal(l.line_entry[0], -1);
	assert_int_equal(l.line_entry[3], 0);
	assert_int_equal(l.line_entry[6], 3);
	exp_free(&l);
}

static void test_parse_empty(void **state)
{
	(void)state;
	exp_list_t l;
	diag_t d = {0};
	assert_true(exp_parse("x", "", 0, &l, &d));
	assert_int_equal(l.n, 0);
	assert_null(exp_find(&l, "a", "b"));
	exp_free(&l);
	assert_true(exp_parse("x", "# only\n\n", 8, &l, &d));
	assert_int_equal(l.n, 0);
	assert_int_equal(d.n, 0);
	exp_free(&l);
}

typedef struct bad_case {
	const char *text;
	unsigned line, col;
	const char *msg; /* a substring of the first error */
} bad_case_t;

static const bad_case_t bad_cases[] = {
    {"edns/x fail reason\n", 1, 1, "fields are separated by TABs"},
    {"# ok\nnoslash\tfail\tr\n", 2, 1, "expected SUITE/CASE"},
    {"/case\tfail\tr\n", 1, 1, "expected SUITE/CASE"},
    {"suite/\tfail\tr\n", 1, 6, "expected SUITE/CASE"},
    {"a b/c\tfail\tr\n", 1, 2, "expected SUITE/CASE"},
    {"s/c\tpass\tr\n", 1, 5, "verdict fail or error, got 'pass'"},
    {"s/c\tFAILED\tr\n", 1, 5, "got 'FAILED'"},
    {"s/c\t\tr\n", 1, 5, "verdict fail or error"},
    {"s/c\tfail\n", 1, 9, "expected a reason"},
    {"s/c\tfail\t   \n", 1, 9, "expected a reason"},
    {"s/c\tfail\tr\ns/d\tfail\tr\ns/c\terror\tr2\n", 3, 1,
     "s/c is listed twice (first on line 1)"},
};

static void test_parse_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const bad_case_t *b = &bad_cases[i];
		exp_list_t l;
		diag_t d = {0};
		bool ok =
		    exp_parse("t.expected", b->text, strlen(b->text), &l, &d);
		if (ok || d.n == 0 || d.e[0].line != b->line ||
		    d.e[0].col != b->col || strstr(d.e[0].msg, b->msg) == NULL)
			fprintf(stderr, "case %zu: %s -> %u:%u %s\n", i,
				b->text, d.n ? d.e[0].line : 0,
				d.n ? d.e[0].col : 0,
				d.n ? d.e[0].msg : "(no error)");
		assert_false(ok);
		assert_true(d.n >= 1);
		assert_string_equal(d.e[0].file, "t.expected");
		assert_int_equal(d.e[0].line, b->line);
		assert_int_equal(d.e[0].col, b->col);
		assert_non_null(strstr(d.e[0].msg, b->msg));
		exp_free(&l);
	}
}

static void test_parse_nul(void **state)
{
	(void)state;
	static const char text[] = "s/c\tfail\tr\0x\n";
	exp_list_t l;
	diag_t d = {0};
	assert_false(exp_parse("n", text, sizeof(text) - 1, &l, &d));
	assert_non_null(strstr(d.e[d.n - 1].msg, "NUL"));
	exp_free(&l);
}

static void test_load_missing(void **state)
{
	(void)state;
	exp_list_t l;
	diag_t d = {0};
	bool found = true;
	assert_true(exp_load("/nonexistent/x.expected", &l, &found, &d));
	assert_false(found);
	assert_int_equal(l.n, 0);
	exp_free(&l);
	/* a directory cannot be read: an error, located at the path */
	assert_false(exp_load("/tmp", &l, &found, &d));
	assert_int_equal(d.n, 1);
	assert_string_equal(d.e[0].file, "/tmp");
	assert_non_null(strstr(d.e[0].msg, "cannot read: "));
	exp_free(&l);
}

static void test_find(void **state)
{
	(void)state;
	static const char text[] = "ab/c\tfail\tr1\n"
				   "a/bc\tfail\tr2\n"
				   "a/b\terror\tr3\n"
				   "a-b/c\tfail\tr4\n";
	exp_list_t l;
	diag_t d = {0};
	assert_true(exp_parse("f", text, sizeof(text) - 1, &l, &d));
	assert_string_equal(exp_find(&l, "ab", "c")->reason, "r1");
	assert_string_equal(exp_find(&l, "a", "bc")->reason, "r2");
	assert_string_equal(exp_find(&l, "a", "b")->reason, "r3");
	assert_string_equal(exp_find(&l, "a-b", "c")->reason, "r4");
	assert_null(exp_find(&l, "a", "c"));
	assert_null(exp_find(&l, "ab", "cd"));
	assert_null(exp_find(&l, "a", "b/c"));
	assert_null(exp_find(&l, "", "ab/c"));
	exp_free(&l);
}

/* ---- comparison --------------------------------------------------------- */

#define NCASES 7

typedef struct fixture {
	sc_suite_t suite, other;
	sc_case_t cases[NCASES];
	sc_result_t results[NCASES];
	sc_reason_t reason;
	sc_run_t run;
	exp_list_t l;
	char dir[64];
} fixture_t;

/* Cases and the verdicts the run gave them. */
static const struct {
	const char *name;
	sc_verdict_kind_t v;
} run_cases[NCASES] = {
    {"dev-fail", SC_FAIL},   /* listed fail: expected deviation */
    {"dev-error", SC_ERROR}, /* listed error: expected deviation */
    {"new-fail", SC_FAIL},   /* not listed: new failure */
    {"changed", SC_ERROR},   /* listed fail: new failure */
    {"fixed", SC_PASS},	     /* listed fail: new pass */
    {"skipped", SC_SKIP},    /* listed fail: ignored */
    {"fine", SC_PASS},	     /* not listed */
};

static const char list_text[] = "# header comment\n"
				"s/dev-fail\tfail\tknown 1\n"
				"s/dev-error\terror\tknown 2\n"
				"\n"
				"s/changed\tfail\tknown 3\n"
				"s/fixed\tfail\tknown 4\n"
				"s/skipped\tfail\tknown 5\n"
				"s/filtered-out\tfail\tknown 6\n"
				"s/typo-case\tfail\tknown 7\n"
				"other-suite/x\tfail\tknown 8\n";

static int setup(void **state)
{
	fixture_t *f = calloc(1, sizeof(*f));
	f->suite.name = "s";
	f->suite.cases = f->cases;
	f->suite.ncases = NCASES;
	f->reason = (sc_reason_t){"rcode", "NOERROR", "SERVFAIL"};
	for (size_t i = 0; i < NCASES; i++) {
		f->cases[i].name = run_cases[i].name;
		f->results[i].suite = &f->suite;
		f->results[i].c = &f->cases[i];
		f->results[i].verdict.kind = run_cases[i].v;
		if (run_cases[i].v == SC_FAIL || run_cases[i].v == SC_ERROR) {
			f->results[i].verdict.reasons = &f->reason;
			f->results[i].verdict.nreasons = 1;
		}
	}
	f->run.results = f->results;
	f->run.nresults = NCASES;
	diag_t d = {0};
	if (!exp_parse("s.expected", list_text, sizeof(list_text) - 1, &f->l,
		       &d))
		return -1;
	strcpy(f->dir, "/tmp/test_expected.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture_t *f = *state;
	char path[128];
	snprintf(path, sizeof(path), "%s/s.expected", f->dir);
	unlink(path);
	rmdir(f->dir);
	exp_free(&f->l);
	free(f);
	return 0;
}

static void test_compare(void **state)
{
	fixture_t *f = *state;
	size_t counts[4];
	exp_compare(&f->l, &f->run, counts);
	static const sc_exp_status_t want[NCASES] = {
	    SC_EXP_DEVIATION, SC_EXP_DEVIATION, SC_EXP_NEW_FAIL,
	    SC_EXP_NEW_FAIL,  SC_EXP_NEW_PASS,	SC_EXP_NONE,
	    SC_EXP_NONE};
	for (size_t i = 0; i < NCASES; i++)
		assert_int_equal(f->results[i].exp, want[i]);
	assert_string_equal(f->results[0].exp_reason, "known 1");
	assert_int_equal(f->results[1].exp_verdict, SC_ERROR);
	assert_null(f->results[2].exp_reason);
	assert_string_equal(f->results[3].exp_reason, "known 3");
	assert_int_equal(f->results[3].exp_verdict, SC_FAIL);
	assert_string_equal(f->results[4].exp_reason, "known 4");
	assert_null(f->results[5].exp_reason); /* did not run */
	assert_null(f->results[6].exp_reason);
	assert_int_equal(counts[SC_EXP_DEVIATION], 2);
	assert_int_equal(counts[SC_EXP_NEW_FAIL], 2);
	assert_int_equal(counts[SC_EXP_NEW_PASS], 1);
	assert_int_equal(counts[SC_EXP_NONE], 2);
	assert_string_equal(f->run.expected_file, "s.expected");
	size_t again[4];
	report_exp_counts(&f->run, again);
	assert_memory_equal(again, counts, sizeof(again));
	assert_string_equal(sc_exp_status_name(SC_EXP_NEW_PASS), "new-pass");
}

typedef struct stale_seen {
	const char *keys[8];
	size_t n;
} stale_seen_t;

static void on_stale(const exp_entry_t *e, void *ctx)
{
	stale_seen_t *s = ctx;
	if (s->n < 8)
		s->keys[s->n++] = e->key;
}

static void test_stale(void **state)
{
	fixture_t *f = *state;
	stale_seen_t seen = {0};
	/* "filtered-out" and "typo-case" name no case of the loaded suite
	 * s; other-suite is not loaded, so its entry says nothing. */
	assert_int_equal(exp_stale(&f->l, &f->suite, 1, on_stale, &seen), 2);
	assert_int_equal(seen.n, 2);
	assert_string_equal(seen.keys[0], "s/filtered-out");
	assert_string_equal(seen.keys[1], "s/typo-case");
	assert_int_equal(exp_stale(&f->l, &f->suite, 0, NULL, NULL), 0);
}

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	static char buf[8192];
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = 0;
	fclose(fp);
	return buf;
}

static void test_update(void **state)
{
	fixture_t *f = *state;
	exp_compare(&f->l, &f->run, NULL);
	char path[128], err[256];
	snprintf(path, sizeof(path), "%s/s.expected", f->dir);
	assert_true(exp_update(&f->l, &f->run, path, err, sizeof(err)));
	const char *got = slurp(path);
	static const char want[] =
	    "# header comment\n"
	    "s/dev-fail\tfail\tknown 1\n"
	    "s/dev-error\terror\tknown 2\n"
	    "\n"
	    "s/changed\terror\tunreviewed (was fail: known 3)\n"
	    "s/skipped\tfail\tknown 5\n"
	    "s/filtered-out\tfail\tknown 6\n"
	    "s/typo-case\tfail\tknown 7\n"
	    "other-suite/x\tfail\tknown 8\n"
	    "# added by dnsharness run --update-expected: check each by hand, "
	    "then replace 'unreviewed'\n"
	    "s/new-fail\tfail\tunreviewed: rcode: expected NOERROR, got "
	    "SERVFAIL\n";
	assert_string_equal(got, want);
	/* the rewritten file parses, and the same run now matches it */
	exp_list_t l2;
	diag_t d = {0};
	bool found;
	assert_true(exp_load(path, &l2, &found, &d));
	assert_true(found);
	size_t counts[4];
	exp_compare(&l2, &f->run, counts);
	assert_int_equal(counts[SC_EXP_NEW_FAIL], 0);
	assert_int_equal(counts[SC_EXP_NEW_PASS], 0);
	assert_int_equal(counts[SC_EXP_DEVIATION], 4);
	exp_free(&l2);
	/* a path in a missing directory fails with a sentence */
	assert_false(exp_update(&f->l, &f->run, "/nonexistent/d/x.expected",
				err, sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/d/x.expected"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_parse_valid),
	    cmocka_unit_test(test_parse_empty),
	    cmocka_unit_test(test_parse_errors),
	    cmocka_unit_test(test_parse_nul),
	    cmocka_unit_test(test_load_missing),
	    cmocka_unit_test(test_find),
	    cmocka_unit_test_setup_teardown(test_compare, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_stale, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_update, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
