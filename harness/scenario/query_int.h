/* query_int.h - private to the query builder (query.c, query_edns.c):
 * helpers for located scalars and the EDNS block. Not for other modules.
 */
#ifndef DNSH_QUERY_INT_H
#define DNSH_QUERY_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/arena.h"
#include "dns/msg.h"
#include "dns/rr.h"
#include "scenario/node.h"

/* Column in the YAML file of byte off of scalar n's text: exact for
 * one-line plain and quoted scalars without escapes; the scalar's own
 * column for multi-line ones. */
unsigned sq_col(const node_t *n, size_t off);

/* True for a scalar with no value: `key:`, "", ~ or null. */
bool sq_is_empty(const node_t *n);

/* A domain name in presentation form; a name without a final dot is taken
 * relative to the root. false with a located error. */
bool sq_name(const node_t *n, const char *what, dns_name_t *out, diag_t *d);

/* A number from 0 to max, also accepting a node that is absent (then
 * *out = dflt). */
bool sq_u32_or(const node_t *n, unsigned long max, unsigned long dflt,
	       unsigned long *out, diag_t *d);

/* The OPT record(s) an edns: block asks for. */
typedef struct sq_opt {
	bool present;
	dns_rr_t rr;	       /* the OPT (rdata in the scratch arena) */
	unsigned count;	       /* copies to place (two OPTs: 2) */
	dns_section_t section; /* where they go (additional by default) */
	/* cookie: {server: primed} - the COOKIE carries only its client
	 * cookie here; the runner first sends the query with prime_client
	 * as the client cookie and inserts the server cookie it gets. */
	bool cookie_primed;
	uint8_t prime_client[8];
} sq_opt_t;

/* Compile the edns: value e (NULL: no OPT) into out. scratch holds the
 * RDATA; buf (DNS_MSG_MAXLEN bytes) is working space, free again on
 * return. false with located errors in d. */
bool sq_edns_build(const node_t *e, dns_arena_t *scratch, uint8_t *buf,
		   sq_opt_t *out, diag_t *d);

/* The tsig: block of a query, read (query_tsig.c). */
struct tsig_in;
struct dns_tsig_key;
typedef struct sq_tsig {
	const node_t *node; /* tsig:, or NULL */
	struct tsig_in *in; /* key and options (scratch), NULL: no tsig: */
} sq_tsig_t;

/* Read tsig: node t (NULL: none) into out; memory from scratch. false
 * with located errors in d. */
bool sq_tsig_read(const node_t *t, dns_arena_t *scratch, sq_tsig_t *out,
		  diag_t *d);

/* Sign the message in buf (*len bytes, DNS_MSG_MAXLEN capacity) as t
 * says; a random ID (*random_id) becomes a fixed random one first. The
 * key is copied into arena for the judge (*key_out; NULL without
 * tsig:). false with a located error in d. */
bool sq_tsig_sign(const sq_tsig_t *t, uint8_t *buf, size_t *len,
		  bool *random_id, dns_arena_t *arena,
		  const struct dns_tsig_key **key_out, diag_t *d);

#endif
