/* client.h - the client role: run external client programs (dig, kdig,
 * drill, dnsharness-gai, a Twisted Names script, ...) against the
 * scripted servers of a role: client suite, and judge each run by its
 * exit status, its output, and the queries the servers received.
 *
 * A client step (scenarios/README.md, Client suites) is compiled by the
 * loader (sc_client_compile) into an sc_client_t hung on its case; the
 * runner (play_client_suites, called by play_run) starts the suite's
 * servers on a loop of its own (port 53 of their addresses when the
 * process may bind it, else one free port), then plays the steps in
 * order: each program is spawned with an argument vector (never a
 * shell), in a process group of its own, with ${server}, ${port},
 * ${addr}, ${bindir} and ${dir} replaced, its standard output and error
 * captured (at most CLIENT_OUTPUT_MAX bytes each; the rest is counted,
 * not kept) while the servers answer it on the same loop; at its timeout
 * the whole group is killed.
 */
#ifndef DNSH_PLAY_CLIENT_H
#define DNSH_PLAY_CLIENT_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/arena.h"
#include "expect/expect.h"
#include "play/play.h"
#include "report/report.h"
#include "scenario/node.h"
#include "scenario/scenario.h"

#define CLIENT_OUTPUT_MAX (1u << 20)	   /* bytes kept per stream */
#define CLIENT_ARGS_MAX	  256u		   /* run: arguments */
#define CLIENT_ENV_MAX	  64u		   /* env: variables */
#define CLIENT_INPUT_MAX  (1u << 20)	   /* stdin: bytes */
#define CLIENT_PATTERNS	  64u		   /* contains/lacks/matches each */
#define CLIENT_CODES_MAX  16u		   /* exit: [codes] */
#define CLIENT_DEFAULTS	  "timeout: 10s\n" /* under a client file's */

/* The variables replaced when a step runs (not when it loads):
 * server, port, addr, bindir, dir. NULL-terminated. */
extern const char *const sc_client_vars[];

typedef enum sc_client_exit {
	SC_EXIT_ANY,	 /* exit: absent: any exit, but no crash, no timeout */
	SC_EXIT_CODES,	 /* one of codes[] */
	SC_EXIT_NONZERO, /* an exit status other than 0 */
	SC_EXIT_TIMEOUT, /* killed by the harness at the timeout */
} sc_client_exit_t;

/* A count of lines: exactly min (min == max) or a range. */
typedef struct sc_client_range {
	bool set;
	unsigned long min, max;
} sc_client_range_t;

/* stdout: or stderr: of expect:. */
typedef struct sc_client_text {
	const char **contains, **lacks, **matches; /* matches: POSIX EREs */
	size_t ncontains, nlacks, nmatches;
	sc_client_range_t lines;
} sc_client_text_t;

typedef struct sc_client {
	const char **argv; /* argv[argc] == NULL; ${vars} of the run left */
	size_t argc;
	const char **env; /* "NAME=value", added to the harness's own */
	size_t nenv;
	const char *input; /* stdin: text, or NULL: /dev/null */
	size_t input_len;
	sc_client_exit_t exit;
	int codes[CLIENT_CODES_MAX];
	size_t ncodes;
	sc_client_text_t out, err;
} sc_client_t;

/* Compile the client keys of merged step m (run:, env:, stdin:, expect:)
 * into *out, from arena. false with located errors in d (every regular
 * expression of matches: is compiled to check it). */
bool sc_client_compile(const node_t *m, dns_arena_t *arena, sc_client_t **out,
		       diag_t *d);

/* Judge what the program did (obs) against c; timeout_ms is the step's.
 * Reasons are allocated from arena; the verdict is PASS or FAIL (ERROR
 * when the program did not start). */
void sc_client_eval(const sc_client_t *c, const sc_client_obs_t *obs,
		    unsigned long timeout_ms, dns_arena_t *arena,
		    sc_verdict_t *out);

/* Play every role: client suite of suites[0..n) that has results in out
 * (as collected by play_run) and give those results their verdicts; other
 * suites' results are left alone. t0 is the run's start (net_now_ms). */
void play_client_suites(const sc_suite_t *suites, size_t n,
			const play_opts_t *o, play_result_t *out, double t0);

#endif
