/* play.h - the client role: run the cases of loaded suites against one
 * target and judge what came back.
 *
 * At most `jobs` cases are in flight at once; each case is one exchange
 * (net/exchange.h) over its transport with its timeout and retries, then,
 * when its expectation asks for it, an "alive" probe (a plain SOA query
 * over UDP for the case's QNAME, or the root; over DoT, to the same
 * server, for a DoT case), then its verdict from
 * sc_expect_eval. Results are stored by case order (suites as given,
 * cases as in each suite), whatever the order of completion. Every packet
 * goes to the pcap log when one is given.
 *
 * Suites with role: resolver are played first, one after the other, each
 * on a loop of its own (play/resolver.c): the suite's scripted servers
 * start on port 53 of their addresses (waiting up to 10 s while another
 * run holds it), then the resolver from `resolver` (or the suite's
 * target:) with its vars upstream and upstream_port set to the upstream
 * server (the suite's target: vars win), and, when the suite has
 * time_passes: steps, under libfaketime (FAKETIME_TIMESTAMP_FILE with a
 * relative offset, monotonic clock left alone). The steps run in order,
 * all of them (those not selected too, as later steps depend on them;
 * only the selected ones are reported): a query step sends its query to
 * the resolver, judges the response with sc_expect_eval and the queries
 * the servers logged since the step began with its upstream: assertions;
 * an upstream step judges what was logged since the last query step
 * began; time_passes advances the servers' clock and the resolver's.
 * Each result keeps the step's upstream queries (upstream_log). When
 * something cannot start, every step is ERROR with the reason; when the
 * resolver dies, its step and the rest are ERROR ("target died").
 *
 * Suites with role: client are played after them, one after the other
 * (play/client.h): the suite's servers start, and each step runs its
 * program against them and is judged by its exit status, its output and
 * the queries the servers received.
 *
 * Cases the engine cannot play are not sent: a case with skip: is SKIP,
 * and so is one whose requires: the recipe (resolver) does not provide,
 * with the recipe's reason; a case over DoT without a TLS
 * configuration (tls) is ERROR. On SIGINT (when handle_sigint) no new
 * case starts and those in flight finish; a second SIGINT aborts them.
 * Cases stopped or never started are SKIP with the reason "interrupted",
 * and the run is marked interrupted.
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
#include "net/loop.h"
#include "report/report.h"
#include "scenario/scenario.h"
#include "target/target.h"

typedef struct play_opts {
	const struct sockaddr *target; /* where every case is sent ... */
	/* ... unless its suite has an address here: one entry per suite
	 * (NULL entries: target), or NULL for none; e.g. the scripted
	 * servers of the suite's own file. Alive probes go there too. */
	const struct sockaddr *const *suite_targets;
	/* DoT (net/dot.h): cases over dot go to dot_target (NULL: target)
	 * through TLS sessions of tls; with tls NULL they are ERROR. */
	const struct sockaddr *dot_target;
	struct net_tls *tls;
	const char *target_text; /* as the user wrote it */
	const char *run_id;	 /* for the report */
	unsigned jobs;		 /* cases in flight (0: 100) */
	bool transport_forced;	 /* --transport overrides the cases' */
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
	/* Called once results[idx] of run is final, as soon as it is
	 * (NULL: none): a case of a server suite when it ends, the steps of
	 * resolver and client suites once those suites have played. Cases
	 * the run never started (interrupted, target died) are not
	 * announced: they are final when play_run returns. */
	void (*ended)(const sc_run_t *run, size_t idx, void *ctx);
	void *ended_ctx;
	bool handle_sigint; /* SIGINT stops the run as described above */
	/* The target's health (NULL: not watched): true while it runs;
	 * false once it has ended, with how ("killed by signal 11
	 * (SIGSEGV)") in why (cap bytes). */
	bool (*watch)(void *ctx, char *why, size_t cap);
	void *watch_ctx;
	unsigned long watch_ms; /* between checks while cases run (0: 50) */
	/* role: resolver suites: the resolver started for each suite (a
	 * recipe with role: resolver), or NULL: the suite's target: recipe,
	 * loaded from scenarios_dir/targets/ (NULL: "scenarios"). Server
	 * suites: the recipe of the target (any role), whose provides:
	 * decides which cases with requires: are played (NULL: all). */
	const target_recipe_t *resolver;
	const char *scenarios_dir;
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

/* A packet tap that logs every packet of a loop into pcap (report.h). */
net_tap_t play_pcap_tap(pcap_log_t *pcap);

/* Did the target look unreachable: every case sent ended with "connection
 * refused", "port unreachable" or no route (and at least one was sent)? */
bool play_unreachable(const play_result_t *r);

/* Did the run pass: not interrupted, no case in error, and no MUST case
 * failed? (SHOULD and MAY failures are reported but do not fail a run.) */
bool play_passed(const sc_run_t *run);

void play_result_free(play_result_t *r);

#endif
