/* upstream.h - assertions on what a resolver asked the scripted servers:
 * the upstream: key of a resolver step (scenarios/README.md, Resolver
 * steps), compiled from YAML and judged against a window of the servers'
 * query log (serve/serve.h).
 *
 * An assertion names which queries it is about - a server (or any), and
 * the criteria of a rule's match: (qname, qname_sub, qtype, flags, do,
 * transport, ...) - and how many of them the window must hold: count: N,
 * count: {min, max}, never: true (none), or at least one by default. An
 * order: assertion lists such criteria and passes when queries matching
 * them appear in the window in that order (others may come between).
 */
#ifndef DNSH_EXPECT_UPSTREAM_H
#define DNSH_EXPECT_UPSTREAM_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/arena.h"
#include "expect/expect.h"
#include "scenario/node.h"
#include "serve/config.h"
#include "serve/serve.h"

typedef struct sc_upstream sc_upstream_t; /* opaque */

/* Compile the value of an upstream: key - one assertion (a mapping) or a
 * sequence of them - into *out, from arena. Server names are looked up
 * in servers (NULL: there are none, and naming one is an error). false
 * with located errors in d. */
bool sc_upstream_compile(const node_t *n, const serve_config_t *servers,
			 dns_arena_t *arena, sc_upstream_t **out, diag_t *d);

/* Judge the n log entries at entries[0..n) (in arrival order) against
 * every assertion of u; every failing one is a reason named
 * "upstream[i]" (i from 0), saying what was expected and what the window
 * held. Reasons and decoded queries are allocated from arena. The
 * verdict is PASS or FAIL. */
void sc_upstream_eval(const sc_upstream_t *u, const serve_log_entry_t *entries,
		      size_t n, dns_arena_t *arena, sc_verdict_t *out);

/* One line per entry of the window, for reports: "SERVER udp|tcp QNAME
 * QTYPE [flags rd cd] [do]", joined by '\n', from arena; "" for no
 * entries; NULL when out of memory. At most max lines, then
 * "... N more". */
const char *sc_upstream_window_text(const serve_log_entry_t *entries, size_t n,
				    size_t max, dns_arena_t *arena);

#endif
