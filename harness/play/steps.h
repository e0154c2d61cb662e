/* steps.h - what the runners share: the step runners (resolver.c: role
 * resolver, client.c: role client) keeping text in the run's arena,
 * one-reason verdicts, starting the scripted servers on port 53 and
 * judging a step's upstream: assertions on the query log; with run.c,
 * turning an exchange into an observation.
 *
 * Internal to harness/play/.
 */
#ifndef DNSH_PLAY_STEPS_H
#define DNSH_PLAY_STEPS_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/arena.h"
#include "net/exchange.h"
#include "net/loop.h"
#include "play/play.h"
#include "report/report.h"
#include "scenario/scenario.h"
#include "serve/config.h"
#include "serve/serve.h"

#define PLAY_BIND_RETRY_MS 250ul /* port 53 in use: retry every ... */
#define PLAY_WINDOW_SHOWN  64u	 /* upstream queries kept per step */

/* A copy of s in a ("" when s is NULL or memory runs out): verdicts
 * outlive the step's scratch. */
const char *play_keep(dns_arena_t *a, const char *s);

/* res's verdict: kind k with one reason, its text copied into a. */
void play_verdict_one(dns_arena_t *a, sc_result_t *res, sc_verdict_kind_t k,
		      const char *check, const char *expected, const char *got);

/* Start the scripted servers of cfg on port 53, retrying while another
 * run holds it, for wait_ms; then either give up (fall_back false: a
 * resolver follows referrals to port 53 only) or take one free port.
 * 0, or a libuv error code with the reason in err. */
int play_servers_start(serve_t **srv, net_loop_t *loop,
		       const serve_config_t *cfg, const net_tap_t *tap,
		       unsigned long wait_ms, bool fall_back, char *err,
		       size_t cap);

/* The queries the servers logged from entry `mark` on: res gets the
 * window's text (into a) and count; *v the verdict of res's upstream:
 * assertions (PASS when it has none; ERROR when memory runs out), its
 * reasons in scratch. */
void play_judge_upstream(serve_t *srv, size_t mark, dns_arena_t *scratch,
			 dns_arena_t *a, sc_result_t *res, sc_verdict_t *v);

void play_sleep_ms(unsigned long ms);

/* What exchange x saw (over transport t) into obs, its text kept in
 * out's arena; out counts the exchange as sent (unless aborted) and
 * unreachable. */
void play_observe(play_result_t *out, sc_transport_t t, const net_exchange_t *x,
		  sc_observed_t *obs);

/* A new event loop (NULL when none can be made) whose traffic goes to
 * pcap when it is not NULL. Freed with play_loop_free. */
net_loop_t *play_loop_new(pcap_log_t *pcap);
void play_loop_free(net_loop_t *loop);

/* Catch SIGINT on loop with cb (sig->data = data): true when started;
 * the caller closes sig with the loop's other handles. */
bool play_sigint_start(net_loop_t *loop, uv_signal_t *sig, uv_signal_cb cb,
		       void *data);

#endif
