/* fuzz_rdata_wire.c - RDATA wire decode of every type (rdata.h), and the
 * printers and parsers its output must survive.
 *
 * Input: bytes 0-1 select the type (fuzz_pick_type: a row of the type
 * table, or a raw number); byte 2 is a prefix length p; the remaining n
 * bytes are a message whose first p mod (n + 1) bytes come before the
 * RDATA (compression pointers may reach them), the rest being the RDATA,
 * read through a sub-cursor limited to it (RDLENGTH).
 *
 * Oracles, when dns_rdata_unpack succeeds:
 *  - the cursor consumed exactly RDLENGTH; the stored form is at most
 *    65535 bytes and is itself valid RDATA of the type: unpacking it again
 *    (no pointers in it) gives the same bytes;
 *  - dns_rdata_pack with DNS_PACK_PLAIN writes the stored form unchanged;
 *    with DNS_PACK_STANDARD and a compression table, unpacking the result
 *    gives the stored form back (names compared ignoring ASCII case only,
 *    since compression matches suffixes case-insensitively);
 *  - to_text -> tokenize -> from_text gives the stored form byte-exact;
 *  - the generic "\# len hex" form decodes to the same bytes;
 *  - canonical form keeps the length, is still valid and is idempotent.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dns/arena.h"
#include "dns/rdata.h"
#include "dns/strbuf.h"
#include "dns/text.h"
#include "fuzz_util.h"

#define STORED_CAP (65535u + 4u * 255u)
#define TEXT_CAP   (1u << 19) /* 65535 bytes as \DDD is under 4 x 65535 */

static uint8_t stored[STORED_CAP], again[STORED_CAP], packed[STORED_CAP];
static char text[TEXT_CAP];

/* Parse presentation text of type into out; the return code. */
static dns_rc_t parse_text(uint16_t type, const char *s, size_t len,
			   uint8_t *out, size_t *outlen, dns_error_t *err)
{
	dns_tokens_t toks;
	dns_tokens_init(&toks);
	dns_rc_t rc = dns_tokenize(s, len, &toks, err);
	FUZZ_CHECK(rc == DNS_OK, "tokenize \"%.200s\": %s (%s)", s,
		   dns_rc_name(rc), err->detail);
	rc = dns_rdata_from_text(type, toks.v, toks.n, NULL, out, STORED_CAP,
				 outlen, err);
	dns_tokens_free(&toks);
	return rc;
}

static void check_text(uint16_t type, const uint8_t *rd, size_t len)
{
	dns_strbuf_t sb = dns_strbuf_init(text, sizeof(text));
	dns_error_t err = {0};
	size_t n = 0;
	dns_rdata_to_text(type, rd, len, &sb);
	FUZZ_CHECK(!sb.over, "text of %zu bytes", sb.len);
	dns_rc_t rc = parse_text(type, text, sb.len, again, &n, &err);
	FUZZ_CHECK(rc == DNS_OK, "type %u: from_text(\"%.300s\"): %s %u:%u %s",
		   type, text, dns_rc_name(rc), err.line, err.col, err.detail);
	if (n != len || memcmp(rd, again, n) != 0)
		fprintf(stderr, "type %u text: %.300s\n", type, text);
	FUZZ_CHECK_BYTES("from_text(to_text(rdata))", rd, len, again, n);

	sb = dns_strbuf_init(text, sizeof(text));
	dns_rdata_to_generic(rd, len, &sb);
	FUZZ_CHECK(!sb.over, "generic text of %zu bytes", sb.len);
	err = (dns_error_t){0};
	rc = parse_text(type, text, sb.len, again, &n, &err);
	FUZZ_CHECK(rc == DNS_OK, "type %u: generic \"%.300s\": %s %s", type,
		   text, dns_rc_name(rc), err.detail);
	FUZZ_CHECK_BYTES("from_text(generic(rdata))", rd, len, again, n);
}

static bool case_equal(const uint8_t *a, const uint8_t *b, size_t n)
{
	return fuzz_case_equal((const char *)a, (const char *)b, n);
}

static void check_pack(uint16_t type, const uint8_t *rd, size_t len)
{
	dns_wire_t w = dns_wire_writer(packed, sizeof(packed));
	FUZZ_CHECK(dns_rdata_pack(type, rd, len, &w, NULL, DNS_PACK_PLAIN) ==
		       DNS_OK,
		   "plain pack");
	FUZZ_CHECK_BYTES("plain pack", rd, len, packed, w.pos);

	/* A name before the RDATA gives compression something to find. */
	static const uint8_t pre[] = {3,   'f', 'o', 'o', 7,   'e', 'x',
				      'a', 'm', 'p', 'l', 'e', 0};
	dns_compress_t c;
	dns_name_t pre_name;
	dns_compress_init(&c);
	FUZZ_CHECK(dns_name_from_wire(pre, sizeof(pre), &pre_name) == DNS_OK,
		   "prefix name");
	w = dns_wire_writer(packed, sizeof(packed));
	dns_name_pack(&w, &pre_name, &c);
	size_t start = w.pos;
	dns_rc_t rc = dns_rdata_pack(type, rd, len, &w, &c, DNS_PACK_STANDARD);
	FUZZ_CHECK(rc == DNS_OK, "standard pack: %s", dns_rc_name(rc));
	FUZZ_CHECK(w.pos - start <= len, "compressed %zu > stored %zu",
		   w.pos - start, len);
	dns_wire_t r = dns_wire_reader(packed, w.pos);
	r.pos = start;
	dns_wire_t sub = dns_wire_sub(&r, w.pos - start, DNS_E_RDATA_OVERRUN);
	size_t n = 0;
	rc = dns_rdata_unpack(type, &sub, again, sizeof(again), &n);
	FUZZ_CHECK(rc == DNS_OK, "type %u: unpack(standard pack): %s at %zu",
		   type, dns_rc_name(rc), sub.err_off);
	FUZZ_CHECK(n == len && case_equal(rd, again, n),
		   "type %u: unpack(standard pack) differs", type);
}

static void check_canon(uint16_t type, const uint8_t *rd, size_t len)
{
	memcpy(packed, rd, len);
	dns_rdata_canonicalize(type, packed, len);
	FUZZ_CHECK(case_equal(rd, packed, len), "canonical form changed "
						"more than case");
	dns_wire_t r = dns_wire_reader(packed, len);
	dns_wire_t sub = dns_wire_sub(&r, len, DNS_E_RDATA_OVERRUN);
	size_t n = 0;
	FUZZ_CHECK(dns_rdata_unpack(type, &sub, again, sizeof(again), &n) ==
		       DNS_OK,
		   "canonical form invalid");
	FUZZ_CHECK_BYTES("canonical form valid as is", packed, len, again, n);
	dns_rdata_canonicalize(type, again, n);
	FUZZ_CHECK_BYTES("canonicalize idempotent", packed, len, again, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_in_t in = {data, size};
	uint16_t type = fuzz_pick_type(fuzz_u16(&in));
	size_t prefix = fuzz_u8(&in);
	const uint8_t *msg = in.p;
	size_t n = in.n;
	prefix %= n + 1;

	dns_wire_t w = dns_wire_reader(msg, n);
	w.pos = prefix;
	dns_wire_t rd = dns_wire_sub(&w, n - prefix, DNS_E_RDATA_OVERRUN);
	size_t len = 0;
	dns_rc_t rc = dns_rdata_unpack(type, &rd, stored, sizeof(stored), &len);
	FUZZ_CHECK(rc != DNS_E_INTERNAL && rc != DNS_E_NOMEM, "unpack: %s",
		   dns_rc_name(rc));
	FUZZ_CHECK(rc == rd.err, "returned %s, cursor %s", dns_rc_name(rc),
		   dns_rc_name(rd.err));
	if (rc != DNS_OK) {
		FUZZ_CHECK(rd.err_off <= n, "error offset %zu of %zu",
			   rd.err_off, n);
		return 0;
	}
	FUZZ_CHECK(rd.pos == n, "consumed %zu of %zu", rd.pos - prefix,
		   n - prefix);
	FUZZ_CHECK(len <= 65535, "stored form of %zu bytes", len);

	/* stored form is valid wire form of the type, and a fixpoint */
	dns_wire_t r = dns_wire_reader(stored, len);
	dns_wire_t sub = dns_wire_sub(&r, len, DNS_E_RDATA_OVERRUN);
	size_t n2 = 0;
	rc = dns_rdata_unpack(type, &sub, again, sizeof(again), &n2);
	FUZZ_CHECK(rc == DNS_OK, "type %u: stored form rejected: %s at %zu",
		   type, dns_rc_name(rc), sub.err_off);
	FUZZ_CHECK_BYTES("unpack(stored)", stored, len, again, n2);

	check_pack(type, stored, len);
	check_text(type, stored, len);
	check_canon(type, stored, len);
	return 0;
}
