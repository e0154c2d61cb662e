/* fuzz_zone.c - the master-file reader (zone.h) on zone text from a
 * string, with the lexer (text.h) and every RDATA parser below it.
 *
 * Input: zone text, loaded with dns_zone_load_string, origin "example.",
 * class IN, $INCLUDE refused (no include_dir: no file is ever opened), at
 * most 4096 records.
 *
 * Oracles:
 *  - a failed load has an error code and a position: line at most the
 *    number of lines, and dns_zone_error_text names the string;
 *  - a good load: every record is data (no meta type), its RDATA is valid
 *    wire RDATA of its type (dns_rdata_unpack accepts it unchanged) and
 *    its TTL is at most DNS_TTL_MAX;
 *  - printing every record with dns_rr_to_text ("owner ttl class type
 *    rdata", all explicit) and loading that text gives the same records:
 *    owner byte-exact, type, class, TTL, RDATA bytes.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dns/print.h"
#include "dns/rdata.h"
#include "dns/strbuf.h"
#include "dns/zone.h"
#include "fuzz_util.h"

#define MAX_RECORDS 4096u
#define TEXT_CAP    (1u << 24)

static uint8_t rdbuf[65535];

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

static void check_record(const dns_rr_t *rr, size_t i)
{
	const dns_type_info_t *ti = dns_type_info(rr->type);
	FUZZ_CHECK(ti == NULL || !ti->meta, "record %zu has meta type %u", i,
		   rr->type);
	FUZZ_CHECK(rr->ttl <= DNS_TTL_MAX, "record %zu TTL %u", i, rr->ttl);
	FUZZ_CHECK(dns_name_wire_len(rr->owner.wire, rr->owner.len) ==
		       rr->owner.len,
		   "record %zu owner", i);
	dns_wire_t r = dns_wire_reader(rr->rdata, rr->rdlen);
	dns_wire_t sub = dns_wire_sub(&r, rr->rdlen, DNS_E_RDATA_OVERRUN);
	size_t n = 0;
	dns_rc_t rc =
	    dns_rdata_unpack(rr->type, &sub, rdbuf, sizeof(rdbuf), &n);
	FUZZ_CHECK(rc == DNS_OK, "record %zu (type %u): RDATA rejected: %s", i,
		   rr->type, dns_rc_name(rc));
	FUZZ_CHECK_BYTES("unpack(zone RDATA)", rr->rdata, rr->rdlen, rdbuf, n);
}

static void check_same(const dns_zone_t *a, const dns_zone_t *b,
		       const char *text)
{
	FUZZ_CHECK(a->n == b->n, "%zu records, reloaded %zu", a->n, b->n);
	for (size_t i = 0; i < a->n; i++) {
		const dns_rr_t *x = &a->rrs[i], *y = &b->rrs[i];
		bool same =
		    x->owner.len == y->owner.len &&
		    memcmp(x->owner.wire, y->owner.wire, x->owner.len) == 0 &&
		    x->type == y->type && x->rclass == y->rclass &&
		    x->ttl == y->ttl && x->rdlen == y->rdlen &&
		    memcmp(x->rdata, y->rdata, x->rdlen) == 0;
		if (!same)
			fprintf(stderr, "printed zone:\n%.2000s\n", text);
		FUZZ_CHECK(same, "record %zu differs after print and reload",
			   i);
	}
}

static void reload(const dns_zone_t *z, const dns_zone_opts_t *opts)
{
	static char text[TEXT_CAP];
	dns_strbuf_t sb = dns_strbuf_init(text, sizeof(text));
	for (size_t i = 0; i < z->n; i++) {
		dns_rr_to_text(&z->rrs[i], &sb);
		dns_sb_putc(&sb, '\n');
	}
	FUZZ_CHECK(!sb.over, "printed zone of %zu bytes", sb.len);
	dns_zone_t z2;
	dns_zone_init(&z2);
	dns_rc_t rc =
	    dns_zone_load_string(&z2, text, sb.len, "<printed>", opts);
	if (rc != DNS_OK) {
		char msg[512];
		dns_zone_error_text(&z2, msg, sizeof(msg));
		fprintf(stderr, "printed zone:\n%.2000s\n", text);
		fuzz_fail(__FILE__, __LINE__, "reload", "%s", msg);
	}
	check_same(z, &z2, text);
	dns_zone_free(&z2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	dns_zone_opts_t opts = {origin(), DNS_C_IN, MAX_RECORDS, NULL};
	dns_zone_t z;
	dns_zone_init(&z);
	dns_rc_t rc =
	    dns_zone_load_string(&z, (const char *)data, size, "<fuzz>", &opts);
	FUZZ_CHECK(rc != DNS_E_INTERNAL && rc != DNS_E_NOMEM, "load: %s",
		   dns_rc_name(rc));
	FUZZ_CHECK(rc == z.err.code, "returned %s, z->err %s", dns_rc_name(rc),
		   dns_rc_name(z.err.code));
	if (rc != DNS_OK) {
		unsigned lines = 1;
		char msg[512];
		for (size_t i = 0; i < size; i++)
			lines += data[i] == '\n';
		FUZZ_CHECK(z.err.line <= lines, "error line %u of %u",
			   z.err.line, lines);
		dns_zone_error_text(&z, msg, sizeof(msg));
		FUZZ_CHECK(strncmp(msg, "<fuzz>", 6) == 0, "error text: %s",
			   msg);
		dns_zone_free(&z);
		return 0;
	}
	FUZZ_CHECK(z.n <= MAX_RECORDS, "%zu records", z.n);
	for (size_t i = 0; i < z.n; i++)
		check_record(&z.rrs[i], i);
	reload(&z, &opts);
	dns_zone_free(&z);
	return 0;
}
