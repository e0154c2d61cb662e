/* fuzz_rdata_text.c - RDATA presentation parsers of every type (rdata.h,
 * rdata_special.h) and the lexer they read from (text.h).
 *
 * Input: bytes 0-1 select the type (fuzz_pick_type); the rest is the
 * RDATA's presentation text, tokenized as one entry (parentheses, quotes,
 * comments and escapes as in a zone file). Relative names are completed
 * with "example.".
 *
 * Oracles, when dns_rdata_from_text succeeds:
 *  - the stored form is valid wire RDATA of the type: dns_rdata_unpack of
 *    it accepts it and gives the same bytes;
 *  - text -> wire -> text -> wire is stable: from_text(to_text(stored))
 *    gives the stored form byte-exact, and printing that again gives the
 *    same text;
 *  - the generic "\# len hex" form of the stored form parses to it.
 * When it fails: the error carries a code, and its line is at most the
 * number of lines of the text.
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

#define STORED_CAP 65535u
#define TEXT_CAP   (1u << 19)

static uint8_t stored[STORED_CAP], again[STORED_CAP];
static char text[TEXT_CAP], text2[TEXT_CAP];

static const dns_name_t *origin(void)
{
	static const uint8_t wire[] = {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0};
	static dns_name_t o;
	if (o.len == 0) {
		o.len = sizeof(wire);
		memcpy(o.wire, wire, sizeof(wire));
	}
	return &o;
}

static dns_rc_t parse(uint16_t type, const char *s, size_t len, uint8_t *out,
		      size_t *outlen, dns_error_t *err, bool must_tokenize)
{
	dns_tokens_t toks;
	dns_tokens_init(&toks);
	dns_rc_t rc = dns_tokenize(s, len, &toks, err);
	FUZZ_CHECK(rc == DNS_OK || !must_tokenize, "tokenize \"%.300s\": %s", s,
		   dns_rc_name(rc));
	if (rc == DNS_OK)
		rc = dns_rdata_from_text(type, toks.v, toks.n, origin(), out,
					 STORED_CAP, outlen, err);
	dns_tokens_free(&toks);
	return rc;
}

static size_t print(uint16_t type, const uint8_t *rd, size_t len, char *buf)
{
	dns_strbuf_t sb = dns_strbuf_init(buf, TEXT_CAP);
	dns_rdata_to_text(type, rd, len, &sb);
	FUZZ_CHECK(!sb.over, "text of %zu bytes", sb.len);
	return sb.len;
}

static void check_stored_valid(uint16_t type, const uint8_t *rd, size_t len)
{
	dns_wire_t r = dns_wire_reader(rd, len);
	dns_wire_t sub = dns_wire_sub(&r, len, DNS_E_RDATA_OVERRUN);
	size_t n = 0;
	dns_rc_t rc = dns_rdata_unpack(type, &sub, again, sizeof(again), &n);
	if (rc != DNS_OK)
		fuzz_dump("stored", rd, len);
	FUZZ_CHECK(rc == DNS_OK,
		   "type %u: parsed RDATA rejected by unpack: "
		   "%s at %zu",
		   type, dns_rc_name(rc), sub.err_off);
	FUZZ_CHECK_BYTES("unpack(from_text)", rd, len, again, n);
}

static void check_round_trip(uint16_t type, const uint8_t *rd, size_t len)
{
	dns_error_t err = {0};
	size_t n = 0;
	size_t tl = print(type, rd, len, text);
	dns_rc_t rc = parse(type, text, tl, again, &n, &err, true);
	FUZZ_CHECK(rc == DNS_OK, "type %u: reparse \"%.300s\": %s %u:%u %s",
		   type, text, dns_rc_name(rc), err.line, err.col, err.detail);
	if (n != len || memcmp(rd, again, n) != 0)
		fprintf(stderr, "type %u text: %.300s\n", type, text);
	FUZZ_CHECK_BYTES("from_text(to_text(from_text(input)))", rd, len, again,
			 n);
	size_t tl2 = print(type, again, n, text2);
	FUZZ_CHECK(tl == tl2 && memcmp(text, text2, tl) == 0,
		   "text not stable: \"%.200s\" then \"%.200s\"", text, text2);

	dns_strbuf_t sb = dns_strbuf_init(text, sizeof(text));
	dns_rdata_to_generic(rd, len, &sb);
	FUZZ_CHECK(!sb.over, "generic text");
	err = (dns_error_t){0};
	rc = parse(type, text, sb.len, again, &n, &err, true);
	FUZZ_CHECK(rc == DNS_OK, "type %u: generic \"%.300s\": %s %s", type,
		   text, dns_rc_name(rc), err.detail);
	FUZZ_CHECK_BYTES("from_text(generic)", rd, len, again, n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_in_t in = {data, size};
	uint16_t type = fuzz_pick_type(fuzz_u16(&in));
	dns_error_t err = {0};
	size_t len = 0;
	dns_rc_t rc =
	    parse(type, (const char *)in.p, in.n, stored, &len, &err, false);
	FUZZ_CHECK(rc != DNS_E_INTERNAL && rc != DNS_E_NOMEM, "from_text: %s",
		   dns_rc_name(rc));
	if (rc != DNS_OK) {
		unsigned lines = 1;
		for (size_t i = 0; i < in.n; i++)
			lines += in.p[i] == '\n';
		FUZZ_CHECK(err.code != DNS_OK, "failure %s without an error",
			   dns_rc_name(rc));
		FUZZ_CHECK(err.line <= lines, "error line %u of %u", err.line,
			   lines);
		return 0;
	}
	FUZZ_CHECK(len <= 65535, "stored form of %zu bytes", len);
	check_stored_valid(type, stored, len);
	check_round_trip(type, stored, len);
	return 0;
}
