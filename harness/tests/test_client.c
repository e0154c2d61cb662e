/* test_client.c - client steps (play/client.h): run:, env:, stdin: and
 * expect: compiled with located errors, and the verdicts on what a
 * program did. The runner itself (spawning, timeouts, output capture) is
 * tested end to end by run_client.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dns/arena.h"
#include "play/client.h"
#include "scenario/node.h"

/* Compile the step in yaml; NULL with d holding the errors. */
static sc_client_t *compile(const char *yaml, dns_arena_t *a, diag_t *d)
{
	sc_client_t *c = NULL;
	memset(d, 0, sizeof(*d));
	const node_t *m = node_parse(yaml, strlen(yaml), "s.yaml", a, d);
	assert_non_null(m);
	return sc_client_compile(m, a, &c, d) ? c : NULL;
}

static void test_compile(void **state)
{
	(void)state;
	dns_arena_t a;
	diag_t d;
	dns_arena_init(&a, 0);
	sc_client_t *c =
	    compile("run: [dig, \"@${server}\", www.example.]\n"
		    "env: {LANG: C, X_1: \"a b\"}\n"
		    "stdin: \"hello\\n\"\n"
		    "expect:\n"
		    "  exit: [0, 9]\n"
		    "  stdout: {contains: a, lacks: [b, c], matches: '^x+$', "
		    "lines: {min: 2}}\n"
		    "  stderr: {lines: 0}\n",
		    &a, &d);
	assert_non_null(c);
	assert_int_equal(c->argc, 3);
	assert_string_equal(c->argv[1], "@${server}");
	assert_null(c->argv[3]);
	assert_int_equal(c->nenv, 2);
	assert_string_equal(c->env[1], "X_1=a b");
	assert_int_equal(c->input_len, 6);
	assert_int_equal(c->exit, SC_EXIT_CODES);
	assert_int_equal(c->ncodes, 2);
	assert_int_equal(c->codes[1], 9);
	assert_int_equal(c->out.ncontains, 1);
	assert_int_equal(c->out.nlacks, 2);
	assert_int_equal(c->out.nmatches, 1);
	assert_true(c->out.lines.set);
	assert_int_equal(c->out.lines.min, 2);
	assert_true(c->err.lines.set);
	assert_int_equal(c->err.lines.max, 0);

	c = compile("run: [x]\nexpect: {exit: nonzero}\n", &a, &d);
	assert_non_null(c);
	assert_int_equal(c->exit, SC_EXIT_NONZERO);
	c = compile("run: [x]\nexpect: {exit: timeout}\n", &a, &d);
	assert_int_equal(c->exit, SC_EXIT_TIMEOUT);
	c = compile("run: [x]\n", &a, &d);
	assert_int_equal(c->exit, SC_EXIT_ANY);
	assert_null(c->input);
	dns_arena_free(&a);
}

static const struct {
	const char *yaml, *at, *msg;
} bad[] = {
    {"name: x\n", "1:1", "a client step needs run:"},
    {"run: dig example.\n", "1:6", "run: is a sequence of arguments"},
    {"run: []\n", "1:6", "run: holds 1 to 256 arguments, not 0"},
    {"run: [\"\"]\n", "1:7", "run: the program is empty"},
    {"run: [[a]]\n", "1:7", "a run: argument must be a scalar"},
    {"run: [x]\nenv: [a]\n", "2:6", "env must be a mapping"},
    {"run: [x]\nenv: {1A: x}\n", "2:7", "env: '1A' is not a variable name"},
    {"run: [x]\nstdin: [a]\n", "2:8", "stdin must be a scalar"},
    {"run: [x]\nexpect: {exit: 256}\n", "2:16", "255"},
    {"run: [x]\nexpect: {exit: often}\n", "2:16",
     "exit: expected a status 0..255, a sequence of them, nonzero or "
     "timeout, got 'often'"},
    {"run: [x]\nexpect: {exit: []}\n", "2:16", "exit: expected a status"},
    {"run: [x]\nexpect: {rcode: NOERROR}\n", "2:10", "unknown key 'rcode'"},
    {"run: [x]\nexpect: {stdout: {has: a}}\n", "2:19", "unknown key 'has'"},
    {"run: [x]\nexpect: {stdout: {contains: \"\"}}\n", "2:29",
     "contains: an empty text"},
    {"run: [x]\nexpect: {stdout: {contains: {a: b}}}\n", "2:29",
     "contains: expected a text or a sequence"},
    {"run: [x]\nexpect: {stderr: {matches: \"a[\"}}\n", "2:28",
     "matches: 'a[' is not a POSIX extended regular expression"},
    {"run: [x]\nexpect: {stdout: {lines: {min: 3, max: 1}}}\n", "2:26",
     "lines: min 3 is more than max 1"},
    {"run: [x]\nexpect: {stdout: {lines: {most: 3}}}\n", "2:27",
     "unknown key 'most'"},
};

static void test_compile_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		dns_arena_t a;
		diag_t d;
		char at[32];
		dns_arena_init(&a, 0);
		assert_null(compile(bad[i].yaml, &a, &d));
		bool found = false;
		for (unsigned k = 0; k < d.n && !found; k++) {
			snprintf(at, sizeof(at), "%u:%u", d.e[k].line,
				 d.e[k].col);
			found = strcmp(at, bad[i].at) == 0 &&
				strstr(d.e[k].msg, bad[i].msg) != NULL;
		}
		if (!found) {
			print_error("bad %zu: want %s '%s', got:\n", i,
				    bad[i].at, bad[i].msg);
			diag_print(&d, stderr);
		}
		assert_true(found);
		dns_arena_free(&a);
	}
}

/* The verdict of yaml's expectation on obs: its reasons joined as
 * "check: expected E, got G\n". */
static const char *judge(const char *yaml, const sc_client_obs_t *obs,
			 dns_arena_t *a, sc_verdict_kind_t *kind)
{
	diag_t d;
	static char buf[4096];
	sc_client_t *c = compile(yaml, a, &d);
	assert_non_null(c);
	sc_verdict_t v;
	sc_client_eval(c, obs, 2000, a, &v);
	*kind = v.kind;
	size_t k = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < v.nreasons; i++)
		k += (size_t)snprintf(buf + k, sizeof(buf) - k,
				      "%s: expected %s, got %s\n",
				      v.reasons[i].check, v.reasons[i].expected,
				      v.reasons[i].got);
	return buf;
}

static sc_client_obs_t exited(int code, const char *out, const char *err)
{
	return (sc_client_obs_t){.command = "x",
				 .status = "exit N",
				 .started = true,
				 .exit_code = code,
				 .out = out,
				 .err = err};
}

static void test_eval(void **state)
{
	(void)state;
	dns_arena_t a;
	sc_verdict_kind_t k;
	dns_arena_init(&a, 0);
	sc_client_obs_t o =
	    exited(0, "status: NOERROR\nwww 300 A 1.2.3.4\n", "warn\n");
	const char *r =
	    judge("run: [x]\nexpect: {exit: 0, stdout: {contains: NOERROR, "
		  "lacks: NXDOMAIN, matches: '^www [0-9]+ A', lines: 2}, "
		  "stderr: {lines: {max: 1}}}\n",
		  &o, &a, &k);
	assert_int_equal(k, SC_PASS);
	assert_string_equal(r, "");

	r = judge("run: [x]\nexpect: {exit: [1, 9], stdout: {contains: "
		  "SERVFAIL, lacks: \"300 A\", matches: '^300', lines: 1}}\n",
		  &o, &a, &k);
	assert_int_equal(k, SC_FAIL);
	assert_string_equal(
	    r, "exit: expected exit 1 or 9, got exit N\n"
	       "stdout.contains: expected 'SERVFAIL', got absent from 2 "
	       "lines: status: NOERROR | www 300 A 1.2.3.4\n"
	       "stdout.lacks: expected no '300 A', got line 2: www 300 A "
	       "1.2.3.4\n"
	       "stdout.matches: expected /^300/, got no match in 2 lines: "
	       "status: NOERROR | www 300 A 1.2.3.4\n"
	       "stdout.lines: expected 1 line, got 2 lines: status: NOERROR | "
	       "www 300 A 1.2.3.4\n");

	o = exited(3, "", "");
	judge("run: [x]\nexpect: {exit: nonzero}\n", &o, &a, &k);
	assert_int_equal(k, SC_PASS);
	judge("run: [x]\n", &o, &a, &k); /* any exit */
	assert_int_equal(k, SC_PASS);

	o = (sc_client_obs_t){.status = "killed by signal 11 (SIGSEGV)",
			      .started = true,
			      .exit_code = -1,
			      .signal = 11,
			      .out = "",
			      .err = ""};
	r = judge("run: [x]\n", &o, &a, &k);
	assert_int_equal(k, SC_FAIL);
	assert_string_equal(r, "exit: expected a normal exit (no crash), got "
			       "killed by signal 11 (SIGSEGV)\n");
	judge("run: [x]\nexpect: {exit: nonzero}\n", &o, &a, &k);
	assert_int_equal(k, SC_FAIL);

	o.timed_out = true;
	o.signal = 9;
	o.status = "killed at the timeout (2s), with its process group";
	judge("run: [x]\nexpect: {exit: timeout}\n", &o, &a, &k);
	assert_int_equal(k, SC_PASS);
	r = judge("run: [x]\nexpect: {exit: 0}\n", &o, &a, &k);
	assert_int_equal(k, SC_FAIL);
	assert_string_equal(r, "timeout: expected the program to end within "
			       "2s, got killed at the timeout (2s), with its "
			       "process group\n");
	o = exited(0, "", "");
	r = judge("run: [x]\nexpect: {exit: timeout}\n", &o, &a, &k);
	assert_string_equal(r, "exit: expected still running at the timeout "
			       "(2s), got exit N\n");

	o = (sc_client_obs_t){.status = "no such file or directory"};
	r = judge("run: [nothere]\n", &o, &a, &k);
	assert_int_equal(k, SC_ERROR);
	assert_string_equal(r, "run: expected the program nothere started, "
			       "got no such file or directory\n");
	dns_arena_free(&a);
}

/* Lines: a last line without a newline counts; an empty output has 0. */
static void test_lines(void **state)
{
	(void)state;
	dns_arena_t a;
	sc_verdict_kind_t k;
	dns_arena_init(&a, 0);
	static const struct {
		const char *out;
		const char *lines;
	} t[] = {
	    {"", "0"}, {"a", "1"}, {"a\n", "1"}, {"a\nb", "2"}, {"\n\n", "2"}};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char yaml[128];
		sc_client_obs_t o = exited(0, t[i].out, "");
		snprintf(yaml, sizeof(yaml),
			 "run: [x]\nexpect: {stdout: {lines: %s}}\n",
			 t[i].lines);
		judge(yaml, &o, &a, &k);
		assert_int_equal(k, SC_PASS);
	}
	dns_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_compile),
	    cmocka_unit_test(test_compile_errors),
	    cmocka_unit_test(test_eval),
	    cmocka_unit_test(test_lines),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
