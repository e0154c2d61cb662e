/* resolver.h - the resolver role: play the steps of role: resolver suites
 * against a resolver started from a recipe, with the suite's scripted
 * servers as the rest of the Internet. Internal to play/ (play_run calls
 * it); the behaviour is described in play.h.
 */
#ifndef DNSH_PLAY_RESOLVER_H
#define DNSH_PLAY_RESOLVER_H

#include <stddef.h>

#include "play/play.h"
#include "scenario/scenario.h"

/* Play every resolver suite of suites[0..n) that has results in out (as
 * collected by play_run: suites in order, cases in order) and give those
 * results their verdicts. Other suites' results are left alone. t0 is
 * the run's start (net_now_ms), for the results' start times. */
void play_resolver_suites(const sc_suite_t *suites, size_t n,
			  const play_opts_t *o, play_result_t *out, double t0);

#endif
