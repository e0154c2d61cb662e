/* query.h - build the (possibly malformed) message a case sends.
 *
 * A query node is either structured - header fields, question, sections as
 * presentation-format RRs, an edns: block - or raw (hex:). After encoding,
 * tsig: signs it (the TSIG goes last) and then wire: edits damage it. See
 * scenarios/README.md for every key.
 */
#ifndef DNSH_QUERY_H
#define DNSH_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/arena.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "scenario/node.h"

/* One compiled query. Every case holds one, so it is kept small (80
 * bytes; query.c asserts <= 128): offsets and times in the widths their
 * limits need, the question's name by reference. */
typedef struct sc_query {
	/* the bytes to send (arena); never changed once built (qname may
	 * point into them): a sender edits a copy */
	uint8_t *wire;
	size_t len;
	/* What the query asked, for the implicit echo checks; valid when
	 * has_question (a damaged or raw query may have none). qname is
	 * the question's name in uncompressed wire form, qname_len bytes:
	 * wire + 12 when the question is written there uncompressed (nearly
	 * always), else a copy in the arena; read-only (sc_query_qname). */
	const uint8_t *qname;
	/* tsig: the key the query was signed with (arena), for verifying
	 * the response; NULL for an unsigned query. */
	const struct dns_tsig_key *tsig_key;
	uint16_t qtype, qclass;
	uint8_t qname_len;
	uint8_t opcode;
	bool has_question;
	bool random_id; /* the sender puts a fresh ID in bytes 0-1 each send */
	bool has_opt;	/* the query carries an OPT record */
	bool has_cookie;
	uint8_t cookie[8]; /* client cookie sent, when has_cookie */
	/* TCP: write the 2-byte length prefix and the message separately */
	bool tcp_split_prefix;
	/* TCP: on a connection of its own, connected, wait tcp_idle_ms
	 * (<= 60000) before sending (tcp: {idle:}); send the length prefix
	 * and only the first tcp_partial_len bytes (tcp: {partial:}) */
	bool tcp_partial;
	uint32_t tcp_idle_ms;
	uint32_t tcp_partial_len;
	/* TCP: on a connection of its own, after the response keep the
	 * connection open tcp_hold_ms (<= 60000) and watch what the server
	 * does with it (tcp: {hold:}); then, when tcp_reuse and it is still
	 * open, send the query again on it (tcp: {reuse: true}) */
	uint32_t tcp_hold_ms;
	bool tcp_reuse;
	/* cookie: {server: primed} (scenarios/README.md): before sending,
	 * the runner primes - sends this query with prime_client as the
	 * client cookie - and inserts the server cookie of the answer at
	 * wire[prime_at] (after the client cookie of the first COOKIE),
	 * adding its length to the u16s at prime_optlen_at (OPTION-LENGTH)
	 * and prime_rdlen_at (the OPT's RDLENGTH). play/prime.h. Offsets
	 * into wire, which is at most DNS_MSG_MAXLEN (65535) bytes. */
	bool cookie_primed;
	uint8_t prime_client[8];
	uint16_t prime_at, prime_optlen_at, prime_rdlen_at;
} sc_query_t;

/* The question's name of q as a dns_name_t, in *out (the root when q has
 * no question). */
void sc_query_qname(const sc_query_t *q, dns_name_t *out);

/* Hex bytes of scalar n (white space ignored; what names it in errors)
 * into arena, at most max bytes. NULL with a located error in d. */
uint8_t *sc_hex_bytes(const node_t *n, const char *what, size_t max,
		      dns_arena_t *arena, size_t *len, diag_t *d);

/* One wire edit node ({at: N, set: HEX}, {truncate: N}, {append: HEX},
 * {at: N, insert: HEX}, {at: N, delete: N}) into *out, its bytes in
 * arena. false with a located error in d. */
bool sc_edit_parse(const node_t *e, dns_arena_t *arena, dns_edit_t *out,
		   diag_t *d);

/* Compile query node q (already merged with defaults and substituted)
 * into out, allocating from arena. false with located errors in d. */
bool sc_query_build(const node_t *q, dns_arena_t *arena, sc_query_t *out,
		    diag_t *d);

#endif
