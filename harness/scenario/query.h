/* query.h - build the (possibly malformed) message a case sends.
 *
 * A query node is either structured - header fields, question, sections as
 * presentation-format RRs, an edns: block - or raw (hex:). After encoding,
 * wire: edits damage it. See scenarios/README.md for every key.
 */
#ifndef DNSH_QUERY_H
#define DNSH_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/arena.h"
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
	bool has_opt;       /* the query carries an OPT record */
	uint8_t cookie[8];  /* client cookie sent, when has_cookie */
	bool has_cookie;
	/* TCP: write the 2-byte length prefix and the message separately */
	bool tcp_split_prefix;
} sc_query_t;

/* Compile query node q (already merged with defaults and substituted)
 * into out, allocating from arena. false with located errors in d. */
bool sc_query_build(const node_t *q, dns_arena_t *arena, sc_query_t *out,
		    diag_t *d);

#endif
