/* expect.h - expectations, compiled from a case's expect: node, and the
 * verdict they give on what the engine observed.
 */
#ifndef DNSH_EXPECT_H
#define DNSH_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/arena.h"
#include "scenario/node.h"
#include "scenario/query.h"
#include "scenario/scenario.h"

typedef struct sc_expect sc_expect_t; /* opaque */

/* Compile an expect: node (merged with defaults, substituted). false with
 * located errors in d. */
bool sc_expect_compile(const node_t *e, dns_arena_t *arena, sc_expect_t **out,
		       diag_t *d);

/* Does the expectation ask for an "alive" probe after the case? */
bool sc_expect_wants_alive(const sc_expect_t *e);

typedef enum sc_net_status {
	SC_NET_ANSWERED, /* at least one response was received */
	SC_NET_TIMEOUT,	 /* nothing came back in time (all attempts) */
	SC_NET_CLOSED,	 /* TCP: the server closed the connection first */
	SC_NET_RESET,	 /* TCP: connection reset */
	SC_NET_ERROR,	 /* could not send (unreachable, refused ...) */
} sc_net_status_t;

/* What the engine observed for one case. */
typedef struct sc_observed {
	sc_net_status_t status;
	sc_transport_t transport;
	const uint8_t *query; /* bytes sent in the last attempt */
	size_t qlen;
	const uint8_t *const *msgs; /* responses, in arrival order (several on
				       a TCP stream, e.g. AXFR) */
	const size_t *lens;
	size_t nmsgs;
	size_t ignored; /* datagrams dropped as not matching (wrong ID ...) */
	bool alive_probed, alive;
	double rtt_ms;
	const char *net_detail; /* e.g. strerror text, or NULL */
} sc_observed_t;

typedef enum sc_verdict_kind {
	SC_PASS,
	SC_FAIL,
	SC_ERROR, /* could not run */
	SC_SKIP,
} sc_verdict_kind_t;

const char *sc_verdict_name(sc_verdict_kind_t v); /* "pass" ... */

/* One failed check: what was expected, what was seen. */
typedef struct sc_reason {
	const char *check;    /* e.g. "rcode", "answer.count", "implicit.id" */
	const char *expected; /* human text */
	const char *got;
} sc_reason_t;

typedef struct sc_verdict {
	sc_verdict_kind_t kind;
	sc_reason_t *reasons; /* arena */
	size_t nreasons;
} sc_verdict_t;

/* Judge what was observed for a case whose compiled query is q. Implicit
 * checks (ID, QR, opcode and question echoed, strict decode) apply unless
 * the expectation turns them off. Reasons are allocated from arena. */
void sc_expect_eval(const sc_expect_t *e, const sc_query_t *q,
		    const sc_observed_t *obs, dns_arena_t *arena,
		    sc_verdict_t *out);

#endif
