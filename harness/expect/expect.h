/* expect.h - expectations, compiled from a case's expect: node, and the
 * verdict they give on what the engine observed.
 */
#ifndef DNSH_EXPECT_H
#define DNSH_EXPECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/arena.h"
#include "dns/strbuf.h"
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

/* TCP, tcp: {hold:}: what the server did with the connection after the
 * response (net/exchange.h, net_hold_result_t). */
typedef enum sc_hold {
	SC_HOLD_NONE,	/* no hold: not asked, not TCP, or no response */
	SC_HOLD_OPEN,	/* still open when the hold ended */
	SC_HOLD_CLOSED, /* the server closed it (FIN) */
	SC_HOLD_RESET,	/* the server reset it (RST) */
} sc_hold_t;

/* "none", "open", "closed", "reset". */
const char *sc_hold_name(sc_hold_t h);

typedef struct sc_hold_obs {
	sc_hold_t state;
	unsigned long asked_ms; /* the hold the query asked for (0: none) */
	double after_ms;	/* response to close; the whole hold if OPEN */
	size_t bytes;		/* bytes the server sent during the hold */
	double first_byte_ms;	/* response to the first of them */
	bool reuse_asked;	/* tcp: {reuse: true} */
	bool reuse_tried;	/* the query was sent again after the hold */
	sc_net_status_t reuse;	/* what came of it, when tried */
	double reuse_rtt_ms;	/* ANSWERED: send to response */
} sc_hold_obs_t;

/* What o saw, as a sentence ("closed by the server 1203 ms after the
 * response; ..."), appended to sb. */
void sc_hold_text(const sc_hold_obs_t *o, dns_strbuf_t *sb);

/* What the engine observed for one case. */
typedef struct sc_observed {
	/* (laid out without padding: a large run keeps one per case) */
	sc_net_status_t status;
	sc_transport_t transport;
	uint32_t qlen;	  /* bytes of query */
	uint32_t nmsgs;	  /* responses */
	uint32_t ignored; /* datagrams dropped as not matching (wrong ID ...) */
	bool alive_probed, alive;
	const uint8_t *query;	    /* bytes sent in the last attempt */
	const uint8_t *const *msgs; /* responses, in arrival order (several on
				       a TCP stream, e.g. AXFR) */
	const size_t *lens;
	double rtt_ms;
	const char *net_detail; /* e.g. strerror text, or NULL */
	/* tcp: {hold:} over TCP or DoT, else NULL (most cases: kept out
	 * of each of a large run's results) */
	const sc_hold_obs_t *hold;
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
