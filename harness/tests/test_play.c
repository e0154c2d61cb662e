/* test_play.c - the client-role runner (harness/play) against responders
 * in threads (tests/responder.h): results in case order whatever the
 * completion order, the in-flight bound, the alive probe, cases that
 * cannot be played, an unreachable target, SIGINT, and the pass policy. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <signal.h>

#include "dns/arena.h"
#include "expect/expect.h"
#include "play/play.h"
#include "report/report.h"
#include "scenario/node.h"
#include "scenario/scenario.h"

#include "tests/responder.h"

static char tmpdir[] = "/tmp/test_play.XXXXXX";

/* Write text to a file in tmpdir and load it as a suite (lazily: every
 * case compiled again when played, sc_load_file_lazy). */
static void load_as(const char *name, const char *text, sc_suite_t *s,
		    bool lazy)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	diag_t d = {0};
	bool ok = lazy ? sc_load_file_lazy(path, NULL, 1, s, &d)
		       : sc_load_file(path, NULL, s, &d);
	if (!ok)
		diag_print(&d, stderr);
	assert_true(ok);
}

static void load(const char *name, const char *text, sc_suite_t *s)
{
	load_as(name, text, s, false);
}

static const char eight_cases[] = "suite: eight\n"
				  "defaults:\n"
				  "  query: {name: example., type: SOA}\n"
				  "  timeout: 2s\n"
				  "cases:\n"
				  "  - name: c\n"
				  "    matrix: {n: [1, 2, 3, 4, 5, 6, 7, 8]}\n"
				  "    expect: {rcode: NOERROR}\n";

typedef struct seen {
	size_t calls, last_done, last_total;
	bool monotonic;
	size_t raise_at; /* raise SIGINT when done reaches it (0: never) */
} seen_t;

static void on_progress(size_t done, size_t total, size_t failed, void *ctx)
{
	seen_t *s = ctx;
	(void)failed;
	if (done <= s->last_done)
		s->monotonic = false;
	s->calls++;
	s->last_done = done;
	s->last_total = total;
	if (s->raise_at != 0 && done == s->raise_at)
		raise(SIGINT);
}

static struct sockaddr_in target(uint16_t port)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

/* Run suite s against port with jobs in flight; progress into *seen. */
static void play(sc_suite_t *s, uint16_t port, unsigned jobs, seen_t *seen,
		 play_result_t *out)
{
	struct sockaddr_in a = target(port);
	play_opts_t o = {
	    .target = (struct sockaddr *)&a,
	    .target_text = "test",
	    .run_id = "test-run",
	    .jobs = jobs,
	    .progress = on_progress,
	    .progress_ctx = seen,
	    .handle_sigint = true,
	};
	seen->monotonic = true;
	char err[128];
	assert_true(play_run(s, 1, &o, out, err, sizeof(err)));
}

static void assert_case_order(const play_result_t *r, const sc_suite_t *s)
{
	assert_int_equal(r->run.nresults, s->ncases);
	for (size_t i = 0; i < s->ncases; i++) {
		assert_ptr_equal(r->run.results[i].c, &s->cases[i]);
		assert_ptr_equal(r->run.results[i].suite, s);
	}
}

static void test_order_whatever_completion(void **state)
{
	(void)state;
	responder_t *resp = responder_start(U_REVERSE, false);
	sc_suite_t s;
	load("eight.yaml", eight_cases, &s);
	seen_t seen = {0};
	play_result_t r;
	play(&s, resp->port, 8, &seen, &r);
	responder_stop(resp);
	assert_case_order(&r, &s);
	for (size_t i = 0; i < r.run.nresults; i++) {
		const sc_result_t *res = &r.run.results[i];
		assert_int_equal(res->verdict.kind, SC_PASS);
		assert_int_equal(res->obs.status, SC_NET_ANSWERED);
		assert_int_equal(res->obs.nmsgs, 1);
		assert_false(res->obs.alive_probed);
	}
	assert_int_equal(seen.calls, 8);
	assert_int_equal(seen.last_done, 8);
	assert_int_equal(seen.last_total, 8);
	assert_true(seen.monotonic);
	assert_int_equal(r.sent, 8);
	assert_false(play_unreachable(&r));
	assert_true(play_passed(&r.run));
	assert_false(r.run.interrupted);
	play_result_free(&r);
	sc_suite_free(&s);
}

/* A suite loaded lazily plays as the same suite loaded whole: each case
 * compiled when it starts (its alive probe and its verdict included), and
 * what the verdict says kept once the compiled case is gone. */
static void test_lazy_suite(void **state)
{
	(void)state;
	static const char text[] = "suite: lazy\n"
				   "defaults:\n"
				   "  query: {name: example., type: SOA}\n"
				   "  timeout: 2s\n"
				   "cases:\n"
				   "  - name: c\n"
				   "    matrix: {n: [1, 2, 3, 4, 5, 6]}\n"
				   "    expect: {rcode: NOERROR}\n"
				   "  - name: alive\n"
				   "    expect: {rcode: NOERROR, alive: true}\n"
				   "  - name: wrong\n"
				   "    expect: {rcode: NXDOMAIN}\n";
	sc_suite_t s;
	load_as("lazy.yaml", text, &s, true);
	assert_int_equal(s.ncases, 8);
	assert_null(s.cases[0].query);
	responder_t *resp = responder_start(U_OK, false);
	seen_t seen = {0};
	play_result_t r;
	play(&s, resp->port, 3, &seen, &r);
	int queries = atomic_load(&resp->queries);
	responder_stop(resp);
	assert_case_order(&r, &s);
	for (size_t i = 0; i < 7; i++)
		assert_int_equal(r.run.results[i].verdict.kind, SC_PASS);
	assert_true(r.run.results[6].obs.alive_probed);
	assert_true(r.run.results[6].obs.alive);
	assert_int_equal(queries, 9); /* 8 cases, 1 probe */
	const sc_result_t *w = &r.run.results[7];
	assert_int_equal(w->verdict.kind, SC_FAIL);
	assert_string_equal(w->verdict.reasons[0].check, "rcode");
	assert_string_equal(w->verdict.reasons[0].expected, "NXDOMAIN");
	assert_string_equal(w->verdict.reasons[0].got, "NOERROR");
	play_result_free(&r);
	sc_suite_free(&s);
}

static void test_jobs_bound(void **state)
{
	(void)state;
	responder_t *resp = responder_start(U_REVERSE, false);
	sc_suite_t s;
	load("eight.yaml", eight_cases, &s);
	seen_t seen = {0};
	play_result_t r;
	play(&s, resp->port, 3, &seen, &r);
	int most = resp->max_held;
	responder_stop(resp);
	assert_true(most >= 1 && most <= 3);
	assert_case_order(&r, &s);
	for (size_t i = 0; i < r.run.nresults; i++)
		assert_int_equal(r.run.results[i].verdict.kind, SC_PASS);
	play_result_free(&r);
	sc_suite_free(&s);
}

static void test_tcp_forced(void **state)
{
	(void)state;
	responder_t *resp = responder_start(T_OK, true);
	sc_suite_t s;
	load("eight.yaml", eight_cases, &s);
	struct sockaddr_in a = target(resp->port);
	play_opts_t o = {.target = (struct sockaddr *)&a,
			 .target_text = "test",
			 .transport_forced = true,
			 .transport = SC_TCP};
	play_result_t r;
	char err[128];
	assert_true(play_run(&s, 1, &o, &r, err, sizeof(err)));
	int accepted = atomic_load(&resp->accepted);
	responder_stop(resp);
	assert_case_order(&r, &s);
	for (size_t i = 0; i < r.run.nresults; i++) {
		assert_int_equal(r.run.results[i].verdict.kind, SC_PASS);
		assert_int_equal(r.run.results[i].obs.transport, SC_TCP);
	}
	assert_true(accepted >= 1 && accepted < 8); /* connections reused */
	play_result_free(&r);
	sc_suite_free(&s);
}

static const char primed_cases[] =
    "suite: primed\n"
    "defaults:\n"
    "  query: {name: example., type: SOA}\n"
    "  timeout: 1s\n"
    "cases:\n"
    "  - name: primed\n"
    "    query:\n"
    "      edns: {options: [{cookie: {client: 2122232425262728, server: "
    "primed}}]}\n"
    "    expect: {opt: {cookie: server}}\n";

/* cookie: {server: primed}: the case's query carries the server cookie
 * the prime's answer gave (U_COOKIE), or only its client cookie when the
 * answer had none (U_OK). */
static void test_cookie_primed(void **state)
{
	(void)state;
	static const uint8_t server[8] = {0xa0, 0xa1, 0xa2, 0xa3,
					  0xa4, 0xa5, 0xa6, 0xa7};
	for (int cookies = 1; cookies >= 0; cookies--) {
		responder_t *resp =
		    responder_start(cookies ? U_COOKIE : U_OK, false);
		sc_suite_t s;
		load("primed.yaml", primed_cases, &s);
		seen_t seen = {0};
		play_result_t r;
		play(&s, resp->port, 4, &seen, &r);
		responder_stop(resp);
		const sc_observed_t *obs = &r.run.results[0].obs;
		const sc_query_t *q = s.cases[0].query;
		assert_int_equal(obs->qlen, q->len + (cookies ? 8 : 0));
		assert_memory_equal(obs->query + q->len - 8, q->cookie, 8);
		if (cookies)
			assert_memory_equal(obs->query + q->len, server, 8);
		assert_int_equal(r.run.results[0].verdict.kind,
				 cookies ? SC_PASS : SC_FAIL);
		play_result_free(&r);
		sc_suite_free(&s);
	}
}

static const char idle_cases[] =
    "suite: idle\n"
    "defaults:\n"
    "  query: {name: example., type: SOA}\n"
    "  transport: tcp\n"
    "  timeout: 400ms\n"
    "cases:\n"
    "  - name: idle\n"
    "    query: {tcp: {idle: 300ms}}\n"
    "    expect: {rcode: NOERROR}\n"
    "  - name: partial\n"
    "    query: {tcp: {partial: 5}}\n"
    "    expect: {implicit: false, no_response: true}\n";

/* tcp: {idle:} sends after the wait, on a connection of its own;
 * tcp: {partial:} sends part of the message, which is never answered. */
static void test_tcp_idle_partial(void **state)
{
	(void)state;
	responder_t *resp = responder_start(T_OK, true);
	sc_suite_t s;
	load("idle.yaml", idle_cases, &s);
	seen_t seen = {0};
	play_result_t r;
	play(&s, resp->port, 4, &seen, &r);
	int accepted = atomic_load(&resp->accepted);
	int queries = atomic_load(&resp->queries);
	responder_stop(resp);
	assert_int_equal(r.run.results[0].verdict.kind, SC_PASS);
	/* libuv times the wait from its cached loop time, which may run a
	 * little behind the case's start */
	assert_true(r.run.results[0].elapsed_ms >= 250.0);
	assert_int_equal(r.run.results[1].verdict.kind, SC_PASS);
	assert_int_equal(r.run.results[1].obs.status, SC_NET_TIMEOUT);
	assert_int_equal(accepted, 2); /* each alone */
	assert_int_equal(queries, 1);  /* the partial one never complete */
	play_result_free(&r);
	sc_suite_free(&s);
}

static const char hold_cases[] =
    "suite: hold\n"
    "defaults:\n"
    "  query: {name: example., type: SOA}\n"
    "  transport: tcp\n"
    "  timeout: 1s\n"
    "cases:\n"
    "  - name: closed-soon\n"
    "    query: {tcp: {hold: 3s}}\n"
    "    expect: {rcode: NOERROR, hold: {closed: {after: 200ms, within: "
    "2s}}}\n"
    "  - name: open\n"
    "    query: {tcp: {hold: 3s}}\n"
    "    expect: {hold: {open: true}}\n"
    "  - name: reused\n"
    "    query: {tcp: {hold: 50ms, reuse: true}}\n"
    "    expect: {hold: {open: true, reuse: true}}\n";

/* tcp: {hold:} against a server that closes LATER_MS after answering: the
 * close is seen then (the case ends long before its 3 s hold), open: true
 * fails on it, and no query is sent again on a closed connection. */
static void test_tcp_hold_closed(void **state)
{
	(void)state;
	responder_t *resp = responder_start(T_CLOSE_LATER, true);
	sc_suite_t s;
	load("hold.yaml", hold_cases, &s);
	seen_t seen = {0};
	play_result_t r;
	play(&s, resp->port, 4, &seen, &r);
	int accepted = atomic_load(&resp->accepted);
	responder_stop(resp);
	const sc_result_t *res = r.run.results;
	assert_int_equal(res[0].verdict.kind, SC_PASS);
	assert_int_equal(res[0].obs.hold->state, SC_HOLD_CLOSED);
	assert_true(res[0].elapsed_ms < 2500.0);
	assert_int_equal(res[1].verdict.kind, SC_FAIL);
	assert_string_equal(res[1].verdict.reasons[0].check, "hold.open");
	assert_int_equal(res[2].obs.hold->state, SC_HOLD_OPEN); /* 50 ms */
	assert_int_equal(res[2].verdict.kind, SC_PASS);
	assert_int_equal(accepted, 3); /* each on its own connection */
	play_result_free(&r);
	sc_suite_free(&s);
}

/* A server that keeps the connection and sends stray bytes on it: the
 * hold sees them, and every case fails on them (implicit.unsolicited). */
static void test_tcp_hold_unsolicited(void **state)
{
	(void)state;
	responder_t *resp = responder_start(T_GARBAGE_LATER, true);
	sc_suite_t s;
	load("hold.yaml", hold_cases, &s);
	seen_t seen = {0};
	play_result_t r;
	play(&s, resp->port, 4, &seen, &r);
	responder_stop(resp);
	const sc_result_t *res = r.run.results;
	assert_int_equal(res[1].obs.hold->state, SC_HOLD_OPEN);
	assert_int_equal(res[1].obs.hold->bytes, 5);
	assert_int_equal(res[1].verdict.kind, SC_FAIL);
	assert_int_equal(res[1].verdict.nreasons, 1);
	assert_string_equal(res[1].verdict.reasons[0].check,
			    "implicit.unsolicited");
	assert_int_equal(res[0].verdict.kind, SC_FAIL); /* not closed */
	assert_int_equal(res[2].verdict.kind, SC_PASS); /* before the bytes */
	assert_int_equal(res[2].obs.hold->reuse, SC_NET_ANSWERED);
	play_result_free(&r);
	sc_suite_free(&s);
}

static const char alive_cases[] =
    "suite: alive\n"
    "defaults:\n"
    "  query: {name: example., type: SOA}\n"
    "  timeout: 300ms\n"
    "  retries: 0\n"
    "cases:\n"
    "  - name: answered-alive\n"
    "    expect: {rcode: NOERROR, alive: true}\n"
    "  - name: silent-dead\n"
    "    expect: {no_response: true, alive: true}\n";

static void test_alive_probe(void **state)
{
	(void)state;
	sc_suite_t s;
	load("alive.yaml", alive_cases, &s);
	for (int silent = 0; silent < 2; silent++) {
		responder_t *resp =
		    responder_start(silent ? U_SILENT : U_OK, false);
		seen_t seen = {0};
		play_result_t r;
		play(&s, resp->port, 2, &seen, &r);
		int queries = atomic_load(&resp->queries);
		responder_stop(resp);
		const sc_result_t *a = &r.run.results[silent];
		assert_true(a->obs.alive_probed);
		assert_int_equal(a->obs.alive, !silent);
		assert_int_equal(a->verdict.kind, silent ? SC_FAIL : SC_PASS);
		if (!silent)
			assert_int_equal(queries, 4); /* 2 cases, 2 probes */
		play_result_free(&r);
	}
	sc_suite_free(&s);
}

static const char *reason_got(const sc_result_t *r)
{
	return r->verdict.nreasons > 0 ? r->verdict.reasons[0].got : "";
}

static void test_unplayable(void **state)
{
	(void)state;
	responder_t *resp = responder_start(U_OK, false);
	sc_suite_t s;
	load("eight.yaml", eight_cases, &s);
	s.cases[1].skip = "not today";
	s.cases[2].transport = SC_DOT;
	seen_t seen = {0};
	play_result_t r;
	play(&s, resp->port, 4, &seen, &r);
	assert_int_equal(r.run.results[0].verdict.kind, SC_PASS);
	assert_int_equal(r.run.results[1].verdict.kind, SC_SKIP);
	assert_string_equal(reason_got(&r.run.results[1]), "not today");
	assert_int_equal(r.run.results[2].verdict.kind, SC_ERROR);
	/* no TLS configuration given (play_opts_t.tls) */
	assert_string_equal(reason_got(&r.run.results[2]),
			    "none given (play_opts_t.tls)");
	assert_int_equal(r.sent, 6);
	assert_false(play_passed(&r.run)); /* an error fails the run */
	play_result_free(&r);

	s.role = SC_ROLE_RESOLVER;
	play(&s, resp->port, 4, &seen, &r);
	for (size_t i = 0; i < r.run.nresults; i++)
		assert_int_equal(r.run.results[i].verdict.kind, SC_SKIP);
	assert_int_equal(r.sent, 0);
	play_result_free(&r);
	responder_stop(resp);
	sc_suite_free(&s);
}

static void test_unreachable(void **state)
{
	(void)state;
	uint16_t port;
	close(bind_local(SOCK_DGRAM, &port));
	sc_suite_t s;
	load("eight.yaml", eight_cases, &s);
	seen_t seen = {0};
	play_result_t r;
	play(&s, port, 100, &seen, &r);
	assert_true(play_unreachable(&r));
	for (size_t i = 0; i < r.run.nresults; i++) {
		assert_int_equal(r.run.results[i].verdict.kind, SC_ERROR);
		assert_int_equal(r.run.results[i].obs.status, SC_NET_ERROR);
		assert_non_null(r.run.results[i].obs.net_detail);
	}
	play_result_free(&r);
	sc_suite_free(&s);
}

static void test_sigint(void **state)
{
	(void)state;
	responder_t *resp = responder_start(U_OK, false);
	sc_suite_t s;
	load("eight.yaml", eight_cases, &s);
	seen_t seen = {.raise_at = 1};
	play_result_t r;
	play(&s, resp->port, 1, &seen, &r);
	responder_stop(resp);
	assert_true(r.run.interrupted);
	assert_false(play_passed(&r.run));
	assert_int_equal(r.run.results[0].verdict.kind, SC_PASS);
	assert_int_equal(r.run.results[7].verdict.kind, SC_SKIP);
	assert_string_equal(reason_got(&r.run.results[7]),
			    "interrupted before it ran");
	assert_true(r.sent < 8);
	play_result_free(&r);
	sc_suite_free(&s);
}

static bool even_only(const sc_suite_t *s, const sc_case_t *c, void *ctx)
{
	(void)ctx;
	return (size_t)(c - s->cases) % 2 == 0;
}

static void test_select(void **state)
{
	(void)state;
	responder_t *resp = responder_start(U_OK, false);
	sc_suite_t s;
	load("eight.yaml", eight_cases, &s);
	struct sockaddr_in a = target(resp->port);
	play_opts_t o = {.target = (struct sockaddr *)&a, .select = even_only};
	play_result_t r;
	char err[128];
	assert_true(play_run(&s, 1, &o, &r, err, sizeof(err)));
	responder_stop(resp);
	assert_int_equal(r.run.nresults, 4);
	for (size_t i = 0; i < 4; i++)
		assert_ptr_equal(r.run.results[i].c, &s.cases[2 * i]);
	play_result_free(&r);
	sc_suite_free(&s);
}

typedef struct policy_case {
	sc_level_t level;
	sc_verdict_kind_t kind;
	bool passes;
} policy_case_t;

static void test_pass_policy(void **state)
{
	(void)state;
	static const policy_case_t t[] = {
	    {SC_MUST, SC_PASS, true},	{SC_MUST, SC_FAIL, false},
	    {SC_SHOULD, SC_FAIL, true}, {SC_MAY, SC_FAIL, true},
	    {SC_MUST, SC_ERROR, false}, {SC_SHOULD, SC_ERROR, false},
	    {SC_MUST, SC_SKIP, true},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		sc_case_t c = {.name = "x", .level = t[i].level};
		sc_result_t res = {.c = &c, .verdict = {.kind = t[i].kind}};
		sc_run_t run = {.results = &res, .nresults = 1};
		if (play_passed(&run) != t[i].passes)
			fail_msg("row %zu", i);
		run.interrupted = true;
		assert_false(play_passed(&run));
	}
}

/* suite_targets: each suite's cases (and its TCP pool) go to its own
 * address; NULL entries use the run's target. */
static void test_suite_targets(void **state)
{
	(void)state;
	static const char tcp_cases[] =
	    "suite: eight-tcp\n"
	    "defaults:\n"
	    "  query: {name: example., type: SOA}\n"
	    "  transport: tcp\n"
	    "  timeout: 2s\n"
	    "cases:\n"
	    "  - name: c\n"
	    "    matrix: {n: [1, 2, 3, 4, 5, 6, 7, 8]}\n"
	    "    expect: {rcode: NOERROR}\n";
	responder_t *udp = responder_start(U_OK, false);
	responder_t *tcp = responder_start(T_OK, true);
	sc_suite_t s[2];
	load("eight.yaml", eight_cases, &s[0]);
	load("eight-tcp.yaml", tcp_cases, &s[1]);
	struct sockaddr_in a = target(udp->port), b = target(tcp->port);
	const struct sockaddr *per_suite[2] = {NULL, (struct sockaddr *)&b};
	play_opts_t o = {.target = (struct sockaddr *)&a,
			 .suite_targets = per_suite,
			 .target_text = "test",
			 .run_id = "test-run",
			 .jobs = 16};
	play_result_t r;
	char err[128];
	assert_true(play_run(s, 2, &o, &r, err, sizeof(err)));
	int nudp = atomic_load(&udp->queries),
	    ntcp = atomic_load(&tcp->queries);
	responder_stop(udp);
	responder_stop(tcp);
	assert_int_equal(r.run.nresults, 16);
	for (size_t i = 0; i < r.run.nresults; i++)
		assert_int_equal(r.run.results[i].verdict.kind, SC_PASS);
	assert_int_equal(nudp, 8);
	assert_int_equal(ntcp, 8);
	play_result_free(&r);
	sc_suite_free(&s[0]);
	sc_suite_free(&s[1]);
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	alarm(120); /* a hang is a failure, not a stuck test run */
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_order_whatever_completion),
	    cmocka_unit_test(test_lazy_suite),
	    cmocka_unit_test(test_jobs_bound),
	    cmocka_unit_test(test_tcp_forced),
	    cmocka_unit_test(test_cookie_primed),
	    cmocka_unit_test(test_tcp_idle_partial),
	    cmocka_unit_test(test_tcp_hold_closed),
	    cmocka_unit_test(test_tcp_hold_unsolicited),
	    cmocka_unit_test(test_alive_probe),
	    cmocka_unit_test(test_unplayable),
	    cmocka_unit_test(test_unreachable),
	    cmocka_unit_test(test_sigint),
	    cmocka_unit_test(test_select),
	    cmocka_unit_test(test_pass_policy),
	    cmocka_unit_test(test_suite_targets),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
