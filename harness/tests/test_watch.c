/* test_watch.c - the runner's watch on the target (play_opts_t.watch):
 * a target found dead after a case, one that dies while cases are in
 * flight (the periodic check and the abort), one dead before the first
 * case, and one that stays up. Against responders in threads
 * (tests/responder.h); "dead" is what the watch callback says. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "play/play.h"
#include "report/report.h"
#include "scenario/scenario.h"

#include "tests/responder.h"

static char tmpdir[] = "/tmp/test_watch.XXXXXX";

static const char six_cases[] = "suite: six\n"
				"defaults:\n"
				"  query: {name: example., type: SOA}\n"
				"  timeout: 2s\n"
				"  retries: 0\n"
				"cases:\n"
				"  - name: c\n"
				"    matrix: {n: [1, 2, 3, 4, 5, 6]}\n"
				"    expect: {rcode: NOERROR}\n";

static void load(sc_suite_t *s)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/six.yaml", tmpdir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(six_cases, f);
	fclose(f);
	diag_t d = {0};
	bool ok = sc_load_file(path, NULL, s, &d);
	if (!ok)
		diag_print(&d, stderr);
	assert_true(ok);
}

/* The watch's view of the target. */
typedef struct health {
	responder_t *resp;
	int dead_after_queries; /* dead once the responder saw this many */
	double dead_at_ms;	/* dead from this time on (0: never) */
	bool always_dead;
	unsigned calls;
} health_t;

static bool watch(void *ctx, char *why, size_t cap)
{
	health_t *h = ctx;
	h->calls++;
	bool dead = h->always_dead ||
		    (h->dead_after_queries > 0 &&
		     atomic_load(&h->resp->queries) >= h->dead_after_queries) ||
		    (h->dead_at_ms > 0 && mono_ms() >= h->dead_at_ms);
	if (dead)
		snprintf(why, cap, "killed by signal 9 (SIGKILL)");
	return !dead;
}

static void play(sc_suite_t *s, health_t *h, unsigned jobs, play_result_t *out)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	a.sin_port = htons(h->resp->port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	play_opts_t o = {
	    .target = (struct sockaddr *)&a,
	    .target_text = "test",
	    .run_id = "test-watch",
	    .jobs = jobs,
	    .watch = watch,
	    .watch_ctx = h,
	    .watch_ms = 10,
	};
	char err[128];
	assert_true(play_run(s, 1, &o, out, err, sizeof(err)));
}

static const char *got(const sc_result_t *r)
{
	assert_int_equal(r->verdict.nreasons, 1);
	assert_string_equal(r->verdict.reasons[0].check, "target");
	return r->verdict.reasons[0].got;
}

/* Dead once the second query was answered: the second case is named,
 * the four after it are errors and never sent. */
static void test_dies_after_case(void **state)
{
	(void)state;
	sc_suite_t s;
	load(&s);
	health_t h = {.resp = responder_start(U_OK, false),
		      .dead_after_queries = 2};
	play_result_t r;
	play(&s, &h, 1, &r);
	int queries = atomic_load(&h.resp->queries);
	responder_stop(h.resp);
	assert_int_equal(queries, 2); /* nothing sent after the death */
	assert_non_null(r.run.target_died);
	assert_string_equal(r.run.target_died, "killed by signal 9 (SIGKILL)");
	assert_ptr_equal(r.run.died_during, &r.run.results[1]);
	assert_int_equal(r.run.results[0].verdict.kind, SC_PASS);
	/* case 2 ended (pass) or was aborted when the periodic check came
	 * first (error "during this case"); either way it is named */
	if (r.run.results[1].verdict.kind != SC_PASS)
		assert_string_equal(got(&r.run.results[1]),
				    "target died during this case: killed by "
				    "signal 9 (SIGKILL)");
	for (size_t i = 2; i < 6; i++) {
		assert_int_equal(r.run.results[i].verdict.kind, SC_ERROR);
		assert_string_equal(got(&r.run.results[i]),
				    "target died: killed by signal 9 "
				    "(SIGKILL)");
	}
	assert_false(r.run.interrupted);
	assert_false(play_passed(&r.run));
	play_result_free(&r);
	sc_suite_free(&s);
}

/* A silent target dies 150 ms in, three cases in flight: the periodic
 * check finds it, the cases are aborted at once (not after their 2 s
 * timeout), the earliest is named. */
static void test_dies_in_flight(void **state)
{
	(void)state;
	sc_suite_t s;
	load(&s);
	health_t h = {.resp = responder_start(U_SILENT, false),
		      .dead_at_ms = mono_ms() + 150};
	play_result_t r;
	double t0 = mono_ms();
	play(&s, &h, 3, &r);
	double took = mono_ms() - t0;
	responder_stop(h.resp);
	assert_true(took < 1000.0);
	assert_true(h.calls > 2); /* the periodic check ran */
	assert_ptr_equal(r.run.died_during, &r.run.results[0]);
	assert_string_equal(got(&r.run.results[0]),
			    "target died during this case: killed by signal 9 "
			    "(SIGKILL)");
	for (size_t i = 1; i < 6; i++) {
		assert_int_equal(r.run.results[i].verdict.kind, SC_ERROR);
		assert_string_equal(got(&r.run.results[i]),
				    "target died: killed by signal 9 "
				    "(SIGKILL)");
	}
	assert_int_equal(r.sent, 0); /* aborted exchanges are not counted */
	play_result_free(&r);
	sc_suite_free(&s);
}

static void test_dead_at_start(void **state)
{
	(void)state;
	sc_suite_t s;
	load(&s);
	health_t h = {.resp = responder_start(U_OK, false),
		      .always_dead = true};
	play_result_t r;
	play(&s, &h, 4, &r);
	int queries = atomic_load(&h.resp->queries);
	responder_stop(h.resp);
	assert_int_equal(queries, 0);
	assert_non_null(r.run.target_died);
	assert_null(r.run.died_during);
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(r.run.results[i].verdict.kind, SC_ERROR);
	play_result_free(&r);
	sc_suite_free(&s);
}

static void test_stays_up(void **state)
{
	(void)state;
	sc_suite_t s;
	load(&s);
	health_t h = {.resp = responder_start(U_OK, false)};
	play_result_t r;
	play(&s, &h, 2, &r);
	responder_stop(h.resp);
	assert_null(r.run.target_died);
	assert_null(r.run.died_during);
	assert_true(h.calls >= 7); /* at the start, then after each case */
	for (size_t i = 0; i < 6; i++)
		assert_int_equal(r.run.results[i].verdict.kind, SC_PASS);
	assert_true(play_passed(&r.run));
	play_result_free(&r);
	sc_suite_free(&s);
}

static int group_setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int group_teardown(void **state)
{
	(void)state;
	char path[256];
	snprintf(path, sizeof(path), "%s/six.yaml", tmpdir);
	unlink(path);
	return rmdir(tmpdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_dies_after_case),
	    cmocka_unit_test(test_dies_in_flight),
	    cmocka_unit_test(test_dead_at_start),
	    cmocka_unit_test(test_stays_up),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
