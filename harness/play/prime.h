/* prime.h - cookie: {server: primed}: the priming exchange of a case.
 *
 * A query whose COOKIE says server: primed (scenario/query.h) is sent
 * twice on the case's transport: first as the prime (its client cookie
 * replaced by prime_client, a fresh ID), whose response is only decoded;
 * then as the case, with the server cookie of the prime's response
 * inserted after its client cookie. A server that sent no server cookie
 * (no COOKIE, no answer, a malformed one) gets the case's query as it is,
 * with only its client cookie: a server without cookies is judged as it
 * is by every other cookie case.
 */
#ifndef DNSH_PLAY_PRIME_H
#define DNSH_PLAY_PRIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/arena.h"
#include "net/exchange.h"
#include "scenario/query.h"

/* The prime of q (which has cookie_primed): its bytes in arena, *len of
 * them. NULL on memory failure. */
uint8_t *play_prime_query(const sc_query_t *q, dns_arena_t *arena, size_t *len);

/* The server cookie in the first response of res that decodes and carries
 * a COOKIE of 16 to 40 bytes: into server (32 bytes), its length into
 * *slen. false when there is none. */
bool play_prime_cookie(const net_result_t *res, uint8_t server[32],
		       size_t *slen);

/* The query to send after the prime: a copy of q in arena whose wire has
 * server cookie server (slen bytes, 8 to 32; slen 0: q's wire as it is)
 * and cookie_primed false. NULL on memory failure. */
sc_query_t *play_prime_apply(const sc_query_t *q, const uint8_t *server,
			     size_t slen, dns_arena_t *arena);

#endif
