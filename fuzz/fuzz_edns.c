/* fuzz_edns.c - EDNS(0) (edns.h): the OPT RR fields, the option iterator,
 * the option checks and typed views, the builders, and the dig and JSON
 * printers.
 *
 * Input: bytes 0-1 the OPT CLASS, 2-5 its TTL, bytes 6.. the RDATA (up to
 * 65535 bytes).
 *
 * Oracles:
 *  - dns_edns_from_rr fills the fields from CLASS and TTL as RFC 6891
 *    6.1.3 lays them out, and dns_edns_to_rr gives CLASS and TTL back;
 *  - the iterator yields TLVs that tile the RDATA from offset 0 without a
 *    gap; it stops either at the end (rc DNS_OK) or at a cut TLV (rc
 *    DNS_E_EDNS_OPTION, err_off the TLV's offset, where fewer than 4 bytes
 *    or fewer than OPTION-LENGTH bytes remain); from_rr returns the same;
 *  - dns_edns_find returns the first TLV of a code;
 *  - an option check's error lies inside its TLV (or just past it, where
 *    a missing byte should have been); dns_edns_check's result
 *    and error offset are those of the first failure in RDATA order of
 *    the framing and dns_edns_opt_check (the query rule when asked);
 *  - a valid option rebuilt with its builder is the same TLV byte for byte
 *    (generic, NSID, ECS, COOKIE, EDE, EXPIRE, TCP-KEEPALIVE, PADDING of
 *    zeros); the typed views succeed exactly when the check passes;
 *  - option, rcode and opcode mnemonics read back to the same number;
 *  - the dig text and the JSON do not crash; the JSON has one "options"
 *    entry per TLV yielded and an "error" exactly when the framing is cut.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "dns/edns.h"
#include "dns/strbuf.h"
#include "fuzz_util.h"

static uint8_t tlv[4u + 65535u];
static char text[1u << 20];

/* Rebuild opt with put into a fresh writer; it must equal the TLV. */
static void check_rebuilt(const dns_edns_opt_t *o, dns_wire_t *w,
			  const char *what)
{
	uint8_t want[4];
	dns_put_u16(want, o->code);
	dns_put_u16(want + 2, o->len);
	FUZZ_CHECK(dns_wire_ok(w), "%s builder failed: %s", what,
		   dns_rc_name(w->err));
	FUZZ_CHECK(w->pos == 4u + o->len && memcmp(tlv, want, 4) == 0 &&
		       memcmp(tlv + 4, o->data, o->len) == 0,
		   "%s rebuilt differs (code %u len %u, got %zu bytes)", what,
		   o->code, o->len, w->pos);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != 0)
			return false;
	return true;
}

static void check_builders(const dns_edns_opt_t *o)
{
	dns_wire_t w = dns_wire_writer(tlv, sizeof(tlv));
	dns_edns_put_opt(&w, o->code, o->data, o->len);
	check_rebuilt(o, &w, "generic");
	w = dns_wire_writer(tlv, sizeof(tlv));
	switch (o->code) {
	case DNS_OPT_NSID:
		dns_edns_put_nsid(&w, o->data, o->len);
		check_rebuilt(o, &w, "NSID");
		break;
	case DNS_OPT_ECS: {
		dns_edns_ecs_t ecs;
		uint8_t addr[16] = {0};
		FUZZ_CHECK(dns_edns_ecs_parse(o, &ecs, NULL) == DNS_OK, "ECS");
		FUZZ_CHECK(ecs.addrlen == (ecs.source + 7u) / 8u,
			   "ECS addrlen");
		memcpy(addr, ecs.addr, sizeof(addr));
		dns_edns_put_ecs(&w, ecs.family, ecs.source, ecs.scope, addr);
		check_rebuilt(o, &w, "ECS");
		break;
	}
	case DNS_OPT_COOKIE: {
		dns_edns_cookie_t ck;
		FUZZ_CHECK(dns_edns_cookie_parse(o, &ck, NULL) == DNS_OK,
			   "COOKIE");
		dns_edns_put_cookie(&w, ck.client, ck.server, ck.server_len);
		check_rebuilt(o, &w, "COOKIE");
		break;
	}
	case DNS_OPT_EDE: {
		dns_edns_ede_t ede;
		FUZZ_CHECK(dns_edns_ede_parse(o, &ede, NULL) == DNS_OK, "EDE");
		FUZZ_CHECK(dns_utf8_valid(ede.text, ede.text_len), "EDE text");
		dns_edns_put_ede(&w, ede.info, (const char *)ede.text,
				 ede.text_len);
		check_rebuilt(o, &w, "EDE");
		break;
	}
	case DNS_OPT_EXPIRE:
		dns_edns_put_expire(&w, o->len == 4,
				    o->len == 4 ? dns_get_u32(o->data) : 0);
		check_rebuilt(o, &w, "EXPIRE");
		break;
	case DNS_OPT_KEEPALIVE:
		dns_edns_put_keepalive(&w, o->len == 2,
				       o->len == 2 ? dns_get_u16(o->data) : 0);
		check_rebuilt(o, &w, "TCP-KEEPALIVE");
		break;
	case DNS_OPT_PADDING:
		if (all_zero(o->data, o->len)) {
			dns_edns_put_padding(&w, o->len);
			check_rebuilt(o, &w, "PADDING");
		}
		break;
	default:
		break;
	}
}

/* Typed views refuse exactly what the check refuses. */
static void check_views(const dns_edns_opt_t *o, dns_rc_t check)
{
	dns_edns_ecs_t ecs;
	dns_edns_cookie_t ck;
	dns_edns_ede_t ede;
	if (o->code == DNS_OPT_ECS)
		FUZZ_CHECK(dns_edns_ecs_parse(o, &ecs, NULL) == check, "ECS");
	if (o->code == DNS_OPT_COOKIE)
		FUZZ_CHECK(dns_edns_cookie_parse(o, &ck, NULL) == check,
			   "COOKIE");
	if (o->code == DNS_OPT_EDE)
		FUZZ_CHECK(dns_edns_ede_parse(o, &ede, NULL) == check, "EDE");
}

static void check_mnemonics(const dns_edns_t *e, uint16_t code)
{
	char buf[16];
	uint16_t v = 0;
	const char *s = dns_edns_opt_to_text(code, buf);
	FUZZ_CHECK(dns_edns_opt_from_text(s, strlen(s), &v) == DNS_OK &&
		       v == code,
		   "option %u printed as %s", code, s);
	uint16_t rcode = dns_rcode_full(e->flags & 0xfu, e->ext_rcode);
	uint8_t hdr, ext;
	dns_rcode_split(rcode, &hdr, &ext);
	FUZZ_CHECK(hdr == (e->flags & 0xfu) && ext == e->ext_rcode,
		   "rcode split");
	s = dns_rcode_to_text(rcode, buf);
	FUZZ_CHECK(dns_rcode_from_text(s, strlen(s), &v) == DNS_OK &&
		       v == rcode,
		   "rcode %u printed as %s", rcode, s);
	uint8_t op = (uint8_t)(e->version & 0xfu), op2 = 0xff;
	s = dns_opcode_to_text(op, buf);
	FUZZ_CHECK(dns_opcode_from_text(s, strlen(s), &op2) == DNS_OK &&
		       op2 == op,
		   "opcode %u printed as %s", op, s);
}

static void check_printers(const dns_edns_t *e, size_t nopts, bool cut)
{
	dns_strbuf_t sb = dns_strbuf_init(text, sizeof(text));
	dns_edns_to_dig(e, &sb);
	FUZZ_CHECK(!sb.over, "dig text of %zu bytes", sb.len);
	json_t *j = dns_edns_to_json(e);
	FUZZ_CHECK(j != NULL, "dns_edns_to_json");
	json_t *opts = json_object_get(j, "options");
	FUZZ_CHECK(json_is_array(opts) && json_array_size(opts) == nopts,
		   "JSON has %zu options, iterator %zu",
		   json_is_array(opts) ? json_array_size(opts) : 0, nopts);
	FUZZ_CHECK((json_object_get(j, "error") != NULL) == cut,
		   "JSON error present: %d, framing cut: %d",
		   json_object_get(j, "error") != NULL, cut);
	char *dump = json_dumps(j, JSON_COMPACT);
	FUZZ_CHECK(dump != NULL, "json_dumps");
	free(dump);
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_in_t in = {data, size};
	uint16_t rclass = fuzz_u16(&in);
	uint32_t ttl = (uint32_t)fuzz_u16(&in) << 16;
	ttl |= fuzz_u16(&in);
	size_t rdlen = in.n > 65535 ? 65535 : in.n;
	const uint8_t *rdata = rdlen > 0 ? in.p : NULL;
	bool query = (ttl & 1u) != 0; /* any bit: the rule is direction only */

	dns_edns_t e;
	dns_error_t ferr = {0};
	dns_rc_t frc =
	    dns_edns_from_rr(rclass, ttl, rdata, (uint16_t)rdlen, &e, &ferr);
	FUZZ_CHECK(e.udp_size == rclass && e.ext_rcode == ttl >> 24 &&
		       e.version == ((ttl >> 16) & 0xffu) &&
		       e.flags == (ttl & 0xffffu),
		   "fields");
	uint16_t c2;
	uint32_t t2;
	dns_edns_to_rr(&e, &c2, &t2);
	FUZZ_CHECK(c2 == rclass && t2 == ttl, "to_rr(from_rr)");

	dns_edns_iter_t it;
	dns_edns_opt_t o;
	dns_error_t ierr = {0}, first = {0};
	dns_rc_t want = DNS_OK;
	size_t nopts = 0, expect_off = 0, want_off = 0;
	dns_edns_iter_init(&it, rdata, rdlen);
	while (dns_edns_next(&it, &o, &ierr)) {
		FUZZ_CHECK(o.offset == expect_off, "TLV at %zu, expected %zu",
			   o.offset, expect_off);
		FUZZ_CHECK(o.data == rdata + o.offset + 4 &&
			       o.offset + 4u + o.len <= rdlen,
			   "TLV outside the RDATA");
		expect_off = o.offset + 4u + o.len;
		nopts++;
		dns_edns_opt_t f;
		FUZZ_CHECK(dns_edns_find(&e, o.code, &f) &&
			       f.offset <= o.offset,
			   "find %u", o.code);
		dns_error_t oerr = {0};
		dns_rc_t rc = query ? dns_edns_opt_check_query(&o, &oerr)
				    : dns_edns_opt_check(&o, &oerr);
		FUZZ_CHECK(rc == DNS_OK || rc == DNS_E_EDNS_OPTION, "check %s",
			   dns_rc_name(rc));
		FUZZ_CHECK(rc == oerr.code, "check returned %s, error %s",
			   dns_rc_name(rc), dns_rc_name(oerr.code));
		if (rc != DNS_OK) {
			/* a missing byte is reported where it should be:
			 * possibly just past the TLV */
			FUZZ_CHECK(oerr.offset >= o.offset &&
				       oerr.offset <= o.offset + 4u + o.len,
				   "option error at %zu, TLV %zu..%zu",
				   oerr.offset, o.offset,
				   o.offset + 4u + o.len);
			if (want == DNS_OK) {
				want = rc;
				want_off = oerr.offset;
			}
		}
		dns_rc_t plain = dns_edns_opt_check(&o, NULL);
		check_views(&o, plain);
		if (plain == DNS_OK)
			check_builders(&o);
		(void)dns_edns_opt_check_soft(&o, NULL);
		if (nopts <= 16)
			check_mnemonics(&e, o.code);
	}
	bool cut = it.rc != DNS_OK;
	FUZZ_CHECK(it.rc == frc, "iterator %s, from_rr %s", dns_rc_name(it.rc),
		   dns_rc_name(frc));
	if (cut) {
		size_t left = rdlen - it.err_off;
		FUZZ_CHECK(it.err_off == expect_off, "cut at %zu, expected %zu",
			   it.err_off, expect_off);
		FUZZ_CHECK(left < 4 ||
			       left - 4 < dns_get_u16(rdata + it.err_off + 2),
			   "cut TLV fits");
		FUZZ_CHECK(ierr.code == DNS_E_EDNS_OPTION, "iterator error");
		if (want == DNS_OK) {
			want = it.rc;
			want_off = it.err_off;
		}
	} else {
		FUZZ_CHECK(expect_off == rdlen, "TLVs end at %zu of %zu",
			   expect_off, rdlen);
	}
	dns_rc_t crc = dns_edns_check(&e, query, &first);
	FUZZ_CHECK(crc == want, "dns_edns_check %s, expected %s",
		   dns_rc_name(crc), dns_rc_name(want));
	FUZZ_CHECK(crc == DNS_OK || first.offset == want_off,
		   "dns_edns_check error at %zu, expected %zu", first.offset,
		   want_off);
	check_printers(&e, nopts, cut);
	return 0;
}
