/* fuzz_tsig.c - TSIG (tsig.h): finding the record, verifying, signing.
 *
 * Input: byte 0 the algorithm (mod 6), byte 1 the secret length (mod 65)
 * and that many secret bytes, one byte choosing the MAC length (0: the
 * full HMAC, else a permitted truncation), two bytes choosing a bit to
 * flip, then a DNS message.
 *
 * Oracles:
 *  - verifying the message as it is, with the key, as a request and as a
 *    response, never crashes; a TSIG found has a MAC and other data inside
 *    the message and an offset before its end; VALID only when found;
 *  - the message signed (when it has a header and room) then verified is
 *    VALID whenever the TSIG is found where it was appended, and it is
 *    found there whenever the message decodes strictly without a TSIG;
 *  - one bit flipped in the signed part (bytes 2 .. the TSIG, the ID being
 *    replaced by the original ID) or in the MAC is never VALID;
 *  - the clock one second past the fudge gives BADTIME, not VALID.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dns/arena.h"
#include "dns/msg.h"
#include "dns/tsig.h"
#include "dns/wire.h"
#include "fuzz_util.h"

#define SIGN_TIME 1700000000ULL
#define FUDGE	  300u

static uint8_t buf[DNS_MSG_MAXLEN];
static dns_arena_t arena;

static void check_found(const uint8_t *msg, size_t len,
			const dns_tsig_result_t *r)
{
	if (!r->present) {
		FUZZ_CHECK(r->status != DNS_TSIG_VALID, "VALID without TSIG");
		return;
	}
	const dns_tsig_rr_t *t = &r->rr;
	FUZZ_CHECK(t->offset >= DNS_HEADER_LEN && t->offset < len,
		   "TSIG offset %zu of %zu", t->offset, len);
	FUZZ_CHECK(t->mac_len == 0 ||
		       (t->mac >= msg && t->mac + t->mac_len <= msg + len),
		   "MAC outside the message");
	FUZZ_CHECK(t->other_len == 0 || (t->other >= msg &&
					 t->other + t->other_len <= msg + len),
		   "other data outside the message");
}

/* The message as it came, with the key: never a crash. */
static void verify_as_is(const dns_tsig_key_t *k, const uint8_t *msg,
			 size_t len)
{
	dns_tsig_result_t r;
	static const uint8_t req[32];
	(void)dns_tsig_verify(msg, len, k, NULL, 0, SIGN_TIME, &r);
	check_found(msg, len, &r);
	(void)dns_tsig_verify(msg, len, k, req, sizeof(req), SIGN_TIME, &r);
	check_found(msg, len, &r);
}

static dns_tsig_status_t verify_at(const dns_tsig_key_t *k, size_t len,
				   uint64_t now, dns_tsig_result_t *r)
{
	if (dns_tsig_verify(buf, len, k, NULL, 0, now, r) != DNS_OK)
		return DNS_TSIG_FORMERR;
	return r->status;
}

/* Does the unsigned message decode strictly, without a TSIG? */
static bool strict_no_tsig(const uint8_t *msg, size_t len)
{
	dns_msg_t m;
	dns_arena_reset(&arena);
	return dns_msg_decode(&m, msg, len, DNS_DECODE_STRICT, &arena) ==
		   DNS_OK &&
	       m.tsig == NULL;
}

static void flip_checks(const dns_tsig_key_t *k, size_t orig, size_t len,
			const dns_tsig_rr_t *t, uint16_t sel)
{
	dns_tsig_result_t r;
	if (orig > 2) {
		size_t bit = sel % ((orig - 2) * 8);
		size_t at = 2 + bit / 8;
		buf[at] ^= (uint8_t)(1u << (bit % 8));
		FUZZ_CHECK(verify_at(k, len, SIGN_TIME, &r) != DNS_TSIG_VALID,
			   "bit %zu of byte %zu flipped, still VALID", bit % 8,
			   at);
		buf[at] ^= (uint8_t)(1u << (bit % 8));
	}
	if (t->mac_len > 0) {
		size_t at = (size_t)(t->mac - buf) + sel % t->mac_len;
		buf[at] ^= 1;
		FUZZ_CHECK(verify_at(k, len, SIGN_TIME, &r) != DNS_TSIG_VALID,
			   "MAC byte %zu flipped, still VALID", at);
		buf[at] ^= 1;
	}
	FUZZ_CHECK(
	    verify_at(k, len, SIGN_TIME + FUDGE + 1, &r) == DNS_TSIG_BADTIME,
	    "one second past the fudge: %s", dns_tsig_status_name(r.status));
}

static void sign_verify(const dns_tsig_key_t *k, size_t mac_len,
			const uint8_t *msg, size_t len, uint16_t sel)
{
	if (len < DNS_HEADER_LEN || len > sizeof(buf))
		return;
	memcpy(buf, msg, len);
	size_t n = len;
	dns_tsig_sign_opts_t o = {
	    .time = SIGN_TIME, .fudge = FUDGE, .mac_len = mac_len};
	dns_rc_t rc = dns_tsig_sign(buf, &n, sizeof(buf), k, &o, NULL, NULL);
	if (rc != DNS_OK) {
		FUZZ_CHECK(rc == DNS_E_SPACE || rc == DNS_E_COUNT, "sign: %s",
			   dns_rc_name(rc));
		return;
	}
	dns_tsig_result_t r;
	dns_tsig_status_t st = verify_at(k, n, SIGN_TIME, &r);
	bool at_end = r.present && r.rr.offset == len;
	if (strict_no_tsig(msg, len))
		FUZZ_CHECK(at_end, "a strict message signed: TSIG not found "
				   "where it was appended");
	if (!at_end)
		return;
	FUZZ_CHECK(st == DNS_TSIG_VALID, "signed then verified: %s",
		   dns_tsig_status_name(st));
	flip_checks(k, len, n, &r.rr, sel);
}

/* A permitted MAC length for the selector (0: the full HMAC). */
static size_t mac_len_of(dns_tsig_alg_t a, uint8_t sel)
{
	size_t full = dns_tsig_alg_size(a);
	size_t min = (full + 1) / 2 > 10 ? (full + 1) / 2 : 10;
	return sel == 0 ? 0 : min + sel % (full - min + 1);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	dns_arena_init(&arena, 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_in_t in = {data, size};
	dns_tsig_key_t k;
	size_t got = 0;
	memset(&k, 0, sizeof(k));
	k.alg = (dns_tsig_alg_t)(fuzz_u8(&in) % DNS_TSIG_ALG_COUNT);
	const uint8_t *secret = fuzz_take(&in, fuzz_u8(&in) % 65u, &got);
	memcpy(k.secret, secret, got);
	k.secret_len = got;
	size_t mac_len = mac_len_of(k.alg, fuzz_u8(&in));
	uint16_t sel = fuzz_u16(&in);
	dns_name_root(&k.name);
	verify_as_is(&k, in.p, in.n);
	sign_verify(&k, mac_len, in.p, in.n, sel);
	return 0;
}
