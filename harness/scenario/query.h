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

typedef struct sc_query {
	uint8_t *wire; /* the bytes to send (arena) */
	size_t len;
	bool random_id; /* the sender puts a fresh ID in bytes 0-1 each send */
	/* What the query asked, for the implicit echo checks; valid when
	 * has_question (a damaged or raw query may have none). */
	bool has_question;
	dns_name_t qname;
	uint16_t qtype, qclass;
	uint16_t opcode;
	bool has_opt;	   /* the query carries an OPT record */
	uint8_t cookie[8]; /* client cookie sent, when has_cookie */
	bool has_cookie;
	/* TCP: write the 2-byte length prefix and the message separately */
	bool tcp_split_prefix;
	/* TCP: on a connection of its own, connected, wait tcp_idle_ms
	 * before sending (tcp: {idle:}); send the length prefix and only
	 * the first tcp_partial_len bytes (tcp: {partial:}) */
	unsigned long tcp_idle_ms;
	bool tcp_partial;
	size_t tcp_partial_len;
	/* TCP: on a connection of its own, after the response keep the
	 * connection open tcp_hold_ms and watch what the server does with
	 * it (tcp: {hold:}); then, when tcp_reuse and it is still open,
	 * send the query again on it (tcp: {reuse: true}) */
	unsigned long tcp_hold_ms;
	bool tcp_reuse;
	/* tsig: the key the query was signed with (arena), for verifying
	 * the response; NULL for an unsigned query. */
	const struct dns_tsig_key *tsig_key;
	/* cookie: {server: primed} (scenarios/README.md): before sending,
	 * the runner primes - sends this query with prime_client as the
	 * client cookie - and inserts the server cookie of the answer at
	 * wire[prime_at] (after the client cookie of the first COOKIE),
	 * adding its length to the u16s at prime_optlen_at (OPTION-LENGTH)
	 * and prime_rdlen_at (the OPT's RDLENGTH). play/prime.h. */
	bool cookie_primed;
	uint8_t prime_client[8];
	size_t prime_at, prime_optlen_at, prime_rdlen_at;
} sc_query_t;

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
