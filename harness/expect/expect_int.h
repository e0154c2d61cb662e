/* expect_int.h - the compiled form of an expectation, shared by the
 * compiler (expect.c) and the judge (eval.c). Private to harness/expect.
 *
 * Everything here lives in the arena given to sc_expect_compile.
 */
#ifndef DNSH_EXPECT_INT_H
#define DNSH_EXPECT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/name.h"
#include "dns/rr.h"
#include "dns/strbuf.h"
#include "expect/expect.h"

/* An inclusive range; a bound that is not set does not limit. */
typedef struct xp_range {
	bool has_min, has_max;
	unsigned long min, max;
} xp_range_t;

/* An RR pattern: "owner ttl class type rdata", any field may be '*'. */
typedef struct xp_pat {
	const char *text; /* as written, for messages */
	bool any_owner, any_ttl, any_class, any_type, any_rdata;
	bool sig_covers; /* "RRSIG <type> *": any RRSIG covering rr_covered */
	uint16_t covered;
	dns_rr_t rr; /* the fields given; RDATA in canonical stored form */
} xp_pat_t;

typedef struct xp_pats {
	xp_pat_t *v;
	size_t n;
} xp_pats_t;

/* answer:, authority:, additional: */
typedef struct xp_section {
	bool set;
	xp_range_t count; /* count: N is min = max = N */
	xp_pats_t contains, exact, absent;
	dns_rr_t *exact_rrs; /* exact.v[i].rr, for dns_canon_diff */
	bool exact_ttl;	     /* every exact record gave its TTL */
} xp_section_t;

typedef enum xp_cookie {
	XP_COOKIE_NONE,
	XP_COOKIE_ECHO,	   /* the query's client cookie comes back */
	XP_COOKIE_PRESENT, /* a COOKIE option is there */
	XP_COOKIE_ABSENT,  /* no COOKIE option */
	XP_COOKIE_SERVER,  /* client cookie echoed and a server cookie
			      (8 to 32 bytes) added, RFC 7873 5.2.3 */
} xp_cookie_t;

/* opt: */
typedef struct xp_opt {
	bool set;
	bool absent, present;
	bool has_version, has_do, has_ext_rcode, has_mbz;
	uint8_t version, ext_rcode;
	bool do_bit;
	uint16_t mbz;
	xp_range_t udp;
	uint16_t fl_has, fl_lacks; /* OPT flag bits (TTL 15..0) */
	uint16_t *opt_has, *opt_lacks;
	size_t nopt_has, nopt_lacks;
	xp_cookie_t cookie;
} xp_opt_t;

typedef enum xp_qmode {
	XP_Q_NONE,
	XP_Q_ECHO,	 /* question: {echo: true} */
	XP_Q_ECHO_EXACT, /* question: {echo: exact}: the name's case too */
	XP_Q_NO_ECHO,	 /* question: {echo: false} */
	XP_Q_EXPLICIT,	 /* question: {name, type, class} */
} xp_qmode_t;

/* A tri-state for no_response:, closed:, alive:. */
typedef enum xp_tri { XP_UNSET, XP_TRUE, XP_FALSE } xp_tri_t;

/* tsig: (RFC 8945), judged on every message of the response */
typedef struct xp_tsig {
	bool set;
	xp_tri_t present;  /* a TSIG record (first and last message) */
	xp_tri_t signed_;  /* a TSIG with a MAC (first and last message, at
			      most 99 unsigned ones in a row) */
	xp_tri_t valid;	   /* signed, and every MAC verifies with the
			      query's key, in time */
	xp_tri_t verified; /* signed, and every MAC verifies with the
			      query's key, whatever the time */
	bool has_error;
	uint16_t error; /* TSIG error field of every TSIG */
	xp_range_t mac_size, other_size;
} xp_tsig_t;

/* stream: the order of a multi-message response (AXFR) */
typedef struct xp_stream {
	bool set;
	xp_tri_t soa_first; /* the first answer record is an SOA */
	xp_tri_t soa_last;  /* the last one is an SOA, the same as the first */
	xp_pat_t *first_record, *last_record;  /* of the answers, in order */
	struct sc_expect *first, *each, *last; /* one message at a time */
} xp_stream_t;

/* hold: (tcp: {hold:}), judged on what the server did with the
 * connection after the response (hold.c) */
typedef struct xp_hold {
	bool set;
	xp_tri_t closed; /* closed (FIN or RST) during the hold; open: true
			    is closed: false */
	bool has_within, has_after;
	unsigned long within_ms, after_ms; /* closed: {within:, after:} */
	xp_tri_t keepalive;   /* not closed before the TCP-KEEPALIVE
				 timeout the response advertised */
	xp_tri_t unsolicited; /* bytes came during the hold */
	xp_tri_t reuse;	      /* the query sent again was answered */
} xp_hold_t;

/* Compile a hold: mapping into h. false with located errors in d. */
bool xp_hold_compile(const node_t *v, xp_hold_t *h, diag_t *d);

#define XP_HOLD_FAILS	   4
#define XP_KEEPALIVE_NONE  (-1L) /* no TCP-KEEPALIVE in the response */
#define XP_KEEPALIVE_EMPTY (-2L) /* one without a timeout */

typedef struct xp_hold_fail {
	const char *check; /* "hold.closed" ... */
	char expected[160];
	char got[240];
} xp_hold_fail_t;

/* Judge h against o; ka_ms is the TCP-KEEPALIVE timeout of the response
 * in ms, or XP_KEEPALIVE_NONE / _EMPTY. Returns how many checks failed,
 * written to out. */
size_t xp_hold_judge(const xp_hold_t *h, const sc_hold_obs_t *o, long ka_ms,
		     xp_hold_fail_t out[XP_HOLD_FAILS]);

typedef struct xp_implicit {
	bool id, qr, opcode, question, strict;
	bool unsolicited;     /* a held connection (tcp: {hold:}) gets no bytes
				 after the response */
	bool strict_explicit; /* violations: judges the decode instead of
				 strict; a message without a header is
				 then left to it too */
} xp_implicit_t;

#define XP_FLAG_MASK 0x87f0u /* QR AA TC RD RA Z AD CD */

struct sc_expect {
	const char *text; /* the mapping in YAML flow form, cut short */
	bool top;	  /* the expect: itself, not inside any/all/not */
	/* response checks */
	uint16_t *rcodes;
	size_t nrcodes;
	bool has_opcode;
	uint8_t opcode;
	uint16_t f_has, f_lacks; /* header flag bits */
	bool has_f_exact;
	uint16_t f_exact;
	xp_qmode_t qmode;
	bool q_has_name, q_has_type, q_has_class;
	dns_name_t qname;
	uint16_t qtype, qclass;
	bool has_qdcount;
	unsigned long qdcount;
	xp_section_t sec[4]; /* [DNS_SEC_ANSWER..DNS_SEC_ADDITIONAL] */
	xp_opt_t opt;
	xp_range_t size;
	xp_tsig_t tsig;
	xp_stream_t stream;
	xp_hold_t hold;
	xp_tri_t viol;	 /* violations: true / a list (XP_TRUE), false */
	dns_rc_t *viols; /* the list: each is among those found */
	size_t nviols;
	bool needs_response; /* any check above, or no_response: false */
	/* outcome checks */
	xp_tri_t no_response, closed, alive;
	xp_range_t messages;
	xp_range_t ignored; /* responses received but not accepted */
	/* combinators */
	sc_expect_t **any, **all, *not_;
	size_t nany, nall;
	/* top only */
	xp_implicit_t implicit;
};

/* "qr", "aa", ... for a header flag bit; NULL for other bits. */
const char *xp_flag_name(uint16_t bit);

/* Write the header flag bits of mask in mask as names ("qr aa rd"). */
void xp_flags_text(uint16_t flags, uint16_t mask, dns_strbuf_t *sb);

/* n in YAML flow form ({a: 1, b: [x, y]}) into sb, "..." once sb holds
 * more than max bytes or the nesting passes 8 (depth: n's own). */
void xp_flow(const node_t *n, dns_strbuf_t *sb, size_t max, unsigned depth);

#endif
