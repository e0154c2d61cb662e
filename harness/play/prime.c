/* prime.c - the priming exchange of cookie: {server: primed} (prime.h). */
#include "play/prime.h"

#include <string.h>

#include "dns/edns.h"
#include "dns/msg.h"
#include "dns/wire.h"

uint8_t *play_prime_query(const sc_query_t *q, dns_arena_t *arena, size_t *len)
{
	uint8_t *w = dns_arena_dup(arena, q->wire, q->len ? q->len : 1);
	if (w == NULL || q->prime_at < 8 || q->prime_at > q->len)
		return NULL;
	memcpy(w + q->prime_at - 8, q->prime_client, 8);
	*len = q->len;
	return w;
}

/* The COOKIE of message msg (len bytes), decoded in scratch. */
static bool cookie_of(const uint8_t *msg, size_t len, dns_arena_t *scratch,
		      dns_edns_opt_t *ck)
{
	dns_msg_t m;
	dns_edns_t e;
	if (dns_msg_decode(&m, msg, len, DNS_DECODE_SURVEY, scratch) !=
		DNS_OK ||
	    m.opt == NULL)
		return false;
	if (dns_edns_from_rr(m.opt->rclass, m.opt->ttl, m.opt->rdata,
			     m.opt->rdlen, &e, NULL) != DNS_OK)
		return false;
	return dns_edns_find(&e, DNS_OPT_COOKIE, ck) && ck->len >= 16 &&
	       ck->len <= 40;
}

bool play_prime_cookie(const net_result_t *res, uint8_t server[32],
		       size_t *slen)
{
	dns_arena_t scratch;
	dns_edns_opt_t ck;
	bool found = false;
	dns_arena_init(&scratch, 0);
	for (size_t i = 0; !found && i < res->nmsgs; i++) {
		found = cookie_of(res->msgs[i], res->lens[i], &scratch, &ck);
		if (found) {
			*slen = ck.len - 8u;
			memcpy(server, ck.data + 8, *slen);
		}
		dns_arena_reset(&scratch);
	}
	dns_arena_free(&scratch);
	return found;
}

static void add_u16(uint8_t *at, size_t n)
{
	dns_put_u16(at, (uint16_t)(dns_get_u16(at) + n));
}

sc_query_t *play_prime_apply(const sc_query_t *q, const uint8_t *server,
			     size_t slen, dns_arena_t *arena)
{
	sc_query_t *out = dns_arena_alloc(arena, sizeof(*out));
	if (out == NULL)
		return NULL;
	*out = *q;
	out->cookie_primed = false;
	if (slen == 0 || q->len + slen > DNS_MSG_MAXLEN)
		return out;
	uint8_t *w = dns_arena_alloc(arena, q->len + slen);
	if (w == NULL)
		return NULL;
	memcpy(w, q->wire, q->prime_at);
	memcpy(w + q->prime_at, server, slen);
	memcpy(w + q->prime_at + slen, q->wire + q->prime_at,
	       q->len - q->prime_at);
	add_u16(w + q->prime_optlen_at, slen);
	add_u16(w + q->prime_rdlen_at, slen);
	out->wire = w;
	out->len = q->len + slen;
	return out;
}
