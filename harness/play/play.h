/* play.h - the client role: run the cases of loaded suites against one
 * target and judge what came back.
 *
 * At most `jobs` cases are in flight at once; each case is one exchange
 * (net/exchange.h) over its transport with its timeout and retries, then,
 * when its expectation asks for it, an "alive" probe (a plain SOA query
 * over UDP for the case's QNAME, or the root), then its verdict from
 * sc_expect_eval. Results are stored by case order (suites as given,
 * cases as in each suite), whatever the order of completion. Every packet
 * goes to the pcap log when one is given.
 *
 * Cases the engine cannot play are not sent: a case with skip: is SKIP;
 * a case of a suite whose role is not server is SKIP (the scripted-server
 * role is not implemented yet); a case over DoT is ERROR ("dot not
 * supported yet"). On SIGINT (when handle_sigint) no new case starts and
 * those in flight finish; a second SIGINT aborts them. Cases stopped or
 * never started are SKIP with the reason "interrupted", and the run is
 * marked interrupted.
 *
 * When a watch is given, the target's health is checked before the first
 * case, after each case ends and every watch_ms meanwhile. Once the target
 * is found dead, no new case starts and those in flight are aborted; the
 * run records how it ended (run.target_died) and the case it died during
 * (run.died_during): the earliest case in flight when it was found dead,
 * including one that had just ended, else the last case to end (exact
 * with jobs = 1; with more in flight, the first of them). Aborted and
 * unstarted cases are ERROR with the reason "target died: HOW"; a case
 * that had ended keeps its own verdict.
 */
#ifndef DNSH_PLAY_H
#define DNSH_PLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "dns/arena.h"
#include "report/report.h"
#include "scenario/scenario.h"

typedef struct play_opts {
	const struct sockaddr *target; /* where every case is sent */
	const char *target_text;       /* as the user wrote it */
	const char *run_id;	       /* for the report */
	unsigned jobs;		       /* cases in flight (0: 100) */
	bool transport_forced;	       /* --transport overrides the cases' */
	sc_transport_t transport;
	unsigned long timeout_ms; /* per attempt; 0: each case's own */
	unsigned tcp_depth;	  /* queries pipelined per TCP
				     connection (0: 16) */
	pcap_log_t *pcap;	  /* every packet, or NULL */
	/* Which cases run (NULL: all). Cases not selected are left out. */
	bool (*select)(const sc_suite_t *s, const sc_case_t *c, void *ctx);
	void *select_ctx;
	/* Called after each case ends (NULL: none). */
	void (*progress)(size_t done, size_t total, size_t failed, void *ctx);
	void *progress_ctx;
	bool handle_sigint; /* SIGINT stops the run as described above */
	/* The target's health (NULL: not watched): true while it runs;
	 * false once it has ended, with how ("killed by signal 11
	 * (SIGSEGV)") in why (cap bytes). */
	bool (*watch)(void *ctx, char *why, size_t cap);
	void *watch_ctx;
	unsigned long watch_ms; /* between checks while cases run (0: 50) */
} play_opts_t;

typedef struct play_result {
	sc_run_t run; /* results by case order; its strings and bytes
			 live in arena */
	dns_arena_t arena;
	size_t sent;	    /* cases that went on the network */
	size_t unreachable; /* ... and found nothing listening or no route */
} play_result_t;

/* Run the selected cases of suites[0..nsuites) as o says, into *out
 * (which the caller releases with play_result_free, also on failure).
 * false with a sentence in err (errlen bytes) when the run could not
 * start at all (no event loop, no memory). */
bool play_run(const sc_suite_t *suites, size_t nsuites, const play_opts_t *o,
	      play_result_t *out, char *err, size_t errlen);

/* Did the target look unreachable: every case sent ended with "connection
 * refused", "port unreachable" or no route (and at least one was sent)? */
bool play_unreachable(const play_result_t *r);

/* Did the run pass: not interrupted, no case in error, and no MUST case
 * failed? (SHOULD and MAY failures are reported but do not fail a run.) */
bool play_passed(const sc_run_t *run);

void play_result_free(play_result_t *r);

#endif
