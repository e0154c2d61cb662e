/* test_rdata_special.c - LOC, WKS, APL, IPSECKEY, HIP, A6, SVCB/HTTPS.
 *
 * Expected wire forms and presentation were checked against BIND 9.18's
 * named-rrchecker, except where rdata_special.c documents a deliberate
 * difference (marked "not BIND" here). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "dns/base.h"
#include "dns/rdata.h"
#include "dns/rdata_special.h"
#include "dns/text.h"

enum {
	T_WKS = 11,
	T_LOC = 29,
	T_A6 = 38,
	T_APL = 42,
	T_IPSECKEY = 45,
	T_HIP = 55,
	T_SVCB = 64,
	T_HTTPS = 65,
};

#define MSG_PREFIX 12 /* RDATA sits after a header, so offsets are real */
#define RD_MAX	   70000

static uint8_t scratch_msg[MSG_PREFIX + RD_MAX];

static const dns_special_ops_t *ops_for(uint16_t type)
{
	const dns_special_ops_t *ops = dns_special_ops(type);
	if (ops == NULL)
		fail_msg("dns_special_ops(%u) is NULL: rdata_special.o was not "
			 "linked (a weak fallback took its place?)",
			 type);
	return ops;
}

static size_t from_hex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0, bad = 0;
	if (dns_base16_decode(hex, strlen(hex), out, cap, &n, &bad) != DNS_OK)
		fail_msg("bad test hex \"%s\" at %zu", hex, bad);
	return n;
}

static char hex_buf[2 * RD_MAX + 1];

static const char *to_hex(const uint8_t *p, size_t n)
{
	dns_base16_encode(p, n, hex_buf, sizeof(hex_buf));
	return hex_buf;
}

/* Parse text with the type's ops into out; *len gets the bytes written. */
static dns_rc_t parse_text(uint16_t type, const char *text, uint8_t *out,
			   size_t cap, size_t *len, dns_error_t *err)
{
	const dns_special_ops_t *ops = ops_for(type);
	dns_tokens_t t;
	dns_name_t origin;
	dns_tokens_init(&t);
	assert_int_equal(dns_name_from_str("example.", NULL, &origin), DNS_OK);
	dns_rc_t rc = dns_tokenize(text, strlen(text), &t, err);
	assert_int_equal(rc, DNS_OK);
	dns_wire_t w = dns_wire_writer(out, cap);
	rc = ops->parse(t.v, t.n, &origin, &w, err);
	if (rc == DNS_OK && !dns_wire_ok(&w))
		rc = w.err;
	*len = w.pos;
	dns_tokens_free(&t);
	return rc;
}

/* Unpack RDATA placed at offset MSG_PREFIX of a message; *off gets the
 * error offset relative to the RDATA. */
static dns_rc_t unpack_wire(uint16_t type, const uint8_t *rd, size_t len,
			    uint8_t *out, size_t cap, size_t *outlen,
			    size_t *off)
{
	const dns_special_ops_t *ops = ops_for(type);
	assert_true(len <= RD_MAX);
	memset(scratch_msg, 0, MSG_PREFIX);
	memcpy(scratch_msg + MSG_PREFIX, rd, len);
	dns_wire_t m = dns_wire_reader(scratch_msg, MSG_PREFIX + len);
	m.pos = MSG_PREFIX;
	dns_wire_t in = dns_wire_sub(&m, len, DNS_E_RDATA_OVERRUN);
	dns_wire_t o = dns_wire_writer(out, cap);
	ops->unpack(&in, &o);
	*outlen = o.pos;
	*off = in.err_off >= MSG_PREFIX ? in.err_off - MSG_PREFIX : 0;
	if (!dns_wire_ok(&in))
		return in.err;
	return o.err;
}

static dns_rc_t print_rd(uint16_t type, const uint8_t *rd, size_t len,
			 char *buf, size_t cap)
{
	dns_strbuf_t sb = dns_strbuf_init(buf, cap);
	dns_rc_t rc = ops_for(type)->print(rd, len, &sb);
	assert_false(sb.over);
	return rc;
}

/* ---- round trips -------------------------------------------------------- */

/* text parses to hex; hex prints as out (NULL: the same as text); out
 * parses back to hex; hex unpacks to itself. */
static const struct {
	uint16_t type;
	const char *text, *hex, *out;
} round_trips[] = {
    /* LOC: RFC 1876 example, defaults, truncating size encoding */
    {T_LOC, "52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m",
     "000016138B3CF018810CBCE0009895B8", NULL},
    {T_LOC, "52 N 4 E 0", "001216138B28720080DBBA0000989680",
     "52 0 0.000 N 4 0 0.000 E 0.00m 1m 10000m 10m"},
    {T_LOC, "42 21 54 N 71 06 18 W -24m 30m",
     "0033161389172DD070BE15F000988D20",
     "42 21 54.000 N 71 6 18.000 W -24.00m 30m 10000m 10m"},
    {T_LOC, "90 S 180 W -100000.00m 90000000m 90000000m 90000000m",
     "009999996CB0270059604E0000000000",
     "90 0 0.000 S 180 0 0.000 W -100000.00m 90000000m 90000000m 90000000m"},
    {T_LOC, "52 22 23.5 N 4 53 32.25 E 42849672.95m",
     "001216138B3CF20C810CBDDAFFFFFFFF",
     "52 22 23.500 N 4 53 32.250 E 42849672.95m 1m 10000m 10m"},
    {T_LOC, "0 0 0.001 S 0 0 0.001 W 0", "001216137FFFFFFF7FFFFFFF00989680",
     "0 0 0.001 S 0 0 0.001 W 0.00m 1m 10000m 10m"},
    {T_LOC, "52 22 N 4 53 E 1.5m 0.5m 1.01m 12345m",
     "005112168B3C9640810C3FE000989716",
     "52 22 0.000 N 4 53 0.000 E 1.50m 0.50m 1m 10000m"},
    {T_LOC, "52 N 4 E 10.m 0 .5", "000051138B28720080DBBA0000989A68",
     "52 0 0.000 N 4 0 0.000 E 10.00m 0.00m 0.50m 10m"},
    /* APL: RFC 3123 example, empty, host bits kept, N bit */
    {T_APL, "1:192.168.32.0/21 !2:2001:db8::/32",
     "00011503C0A8200002208420010DB8", NULL},
    {T_APL, "", "", NULL},
    {T_APL, "1:192.168.32.1/21", "00011504C0A82001", NULL},
    {T_APL, "1:0.0.0.0/0 2:::/0", "0001000000020000", NULL},
    {T_APL, "!1:10.0.0.0/8 1:10.1.0.0/16", "000108810A000110020A01", NULL},
    {T_APL, "01:10.0.0.0/08", "000108010A", "1:10.0.0.0/8"},
    /* WKS: dig prints protocol and ports as numbers */
    {T_WKS, "10.0.0.1 6 25 80", "0A000001060000004000000000000080", NULL},
    {T_WKS, "10.0.0.1 tcp 25 80 smtp", "0A000001060000004000000000000080",
     "10.0.0.1 6 25 80"},
    {T_WKS, "10.0.0.1 UDP domain", "0A0000011100000000000004",
     "10.0.0.1 17 53"},
    {T_WKS, "10.0.0.1 99", "0A00000163", NULL},
    {T_WKS, "192.0.2.1 17 0 7 8 15", "C0000201118181", NULL},
    /* IPSECKEY: RFC 4025 examples, all gateway types, split key */
    {T_IPSECKEY,
     "10 1 2 192.0.2.38 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==",
     "0A0102C0000226010351537986ED35533B6064478EEEB27B5BD74DAE149B6E81BA3A"
     "0521AF82AB7801",
     NULL},
    {T_IPSECKEY, "10 0 2 . AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvgqt4AQ==",
     "0A0002010351537986ED35533B6064478EEEB27B5BD74DAE149B6E81BA3A0521AF82"
     "AB7801",
     NULL},
    {T_IPSECKEY, "10 3 2 Gw.Example. AQNRU3mG",
     "0A0302024777074578616D706C6500010351537986", NULL},
    {T_IPSECKEY, "10 3 2 gw AQNRU3mG",
     "0A0302026777076578616D706C6500010351537986",
     "10 3 2 gw.example. AQNRU3mG"},
    {T_IPSECKEY, "10 2 2 2001:db8::1 AQNRU3mG",
     "0A020220010DB8000000000000000000000001010351537986", NULL},
    {T_IPSECKEY, "10 0 2 . AQN RU3mG", "0A0002010351537986",
     "10 0 2 . AQNRU3mG"},
    /* not BIND (which wants a key): RFC 4025 2.6 allows none */
    {T_IPSECKEY, "10 0 0 .", "0A0000", NULL},
    /* HIP: RFC 8005 example shape, lowercase HIT in, names kept */
    {T_HIP, "2 200100107b1a74df365639cc39f1d578 AwEAAQ==",
     "10020004200100107B1A74DF365639CC39F1D57803010001",
     "2 200100107B1A74DF365639CC39F1D578 AwEAAQ=="},
    {T_HIP, "2 2001 AwEAAQ== Rvs.Example. rvs2.example.",
     "0202000420010301000103527673074578616D706C6500047276733207657861"
     "6D706C6500",
     NULL},
    /* A6: RFC 2874 shapes; prefix bits in text are cleared */
    {T_A6, "0 2001:db8::1", "0020010DB8000000000000000000000001", NULL},
    {T_A6, "64 ::1:2:3:4 pref.example.",
     "4000010002000300040470726566076578616D706C6500", NULL},
    /* not BIND (which prints two spaces after 128) */
    {T_A6, "128 pref.example.", "800470726566076578616D706C6500", NULL},
    {T_A6, "65 ffff::1:2:3:4 pref.example.",
     "4100010002000300040470726566076578616D706C6500",
     "65 ::1:2:3:4 pref.example."},
    {T_A6, "127 ::1 .", "7F0100", NULL},
    /* SVCB / HTTPS: RFC 9460 appendix D shapes, dig 9.18 output */
    {T_SVCB, "1 . alpn=\"h2,h3\" port=8443 ipv4hint=192.0.2.1",
     "000100000100060268320268330003000220FB00040004C0000201", NULL},
    {T_HTTPS, "0 foo.example.", "000003666F6F076578616D706C6500", NULL},
    {T_HTTPS, "1 . alpn=h2 no-default-alpn", "0001000001000302683200020000",
     "1 . alpn=\"h2\" no-default-alpn"},
    {T_SVCB, "16 foo.example.org. alpn=\"f\\\\\\\\oo\\\\,bar,h2\"",
     "001003666F6F076578616D706C65036F7267000001000C08665C6F6F2C62617202"
     "6832",
     NULL},
    {T_SVCB, "1 . alpn=f\\\\\\092oo\\092,bar,h2",
     "0001000001000C08665C6F6F2C626172026832",
     "1 . alpn=\"f\\\\\\\\oo\\\\,bar,h2\""},
    {T_SVCB, "1 foo.example. port=53 mandatory=port,alpn alpn=h2",
     "000103666F6F076578616D706C6500000000040001000300010003026832000300"
     "020035",
     "1 foo.example. mandatory=alpn,port alpn=\"h2\" port=53"},
    {T_SVCB,
     "1 . ipv6hint=2001:db8::1,2001:db8::53:1 "
     "ipv4hint=\"192.0.2.1,192.0.2.2\"",
     "00010000040008C0000201C00002020006002020010DB8000000000000000000000"
     "00120010DB8000000000000000000530001",
     "1 . ipv4hint=192.0.2.1,192.0.2.2 ipv6hint=2001:db8::1,2001:db8::53:1"},
    {T_SVCB, "1 . ech=\"AEX+DQBBpQAgACBMahHX\"",
     "0001000005000F0045FE0D0041A5002000204C6A11D7",
     "1 . ech=AEX+DQBBpQAgACBMahHX"},
    {T_SVCB, "1 . ech=", "00010000050000", "1 . ech"},
    {T_SVCB, "1 . key65000=\"hello\\210qoo\" key65001 key65002=\"\"",
     "000100FDE8000968656C6C6FD2716F6FFDE90000FDEA0000",
     "1 . key65000=\"hello\\210qoo\" key65001 key65002"},
    {T_SVCB, "1 . key3=\\000\\053", "000100000300020035", "1 . port=53"},
    {T_SVCB, "1 . alpn=\"a b\"", "0001000001000403612062",
     "1 . alpn=\"a\\032b\""},
    {T_SVCB, "1 . key65000=\"a\\\"b\\\\c\"", "000100FDE800056122625C63", NULL},
    /* not BIND 9.18 (which prints key7 and does not know ohttp) */
    {T_SVCB, "1 . dohpath=/dns-query{?dns}",
     "000100000700102F646E732D71756572797B3F646E737D",
     "1 . dohpath=\"/dns-query{?dns}\""},
    {T_SVCB, "1 . ohttp alpn=h3", "0001000001000302683300080000",
     "1 . alpn=\"h3\" ohttp"},
    /* AliasMode keeps params (recipients ignore them) */
    {T_SVCB, "0 foo.example. alpn=h2",
     "000003666F6F076578616D706C650000010003026832",
     "0 foo.example. alpn=\"h2\""},
    {T_SVCB, "65535 a\\.b.example. mandatory=key65000 key65000",
     "FFFF03612E62076578616D706C650000000002FDE8FDE80000", NULL},
};

static void check_round_trip(size_t i)
{
	uint16_t type = round_trips[i].type;
	const char *text = round_trips[i].text;
	const char *out = round_trips[i].out ? round_trips[i].out : text;
	static uint8_t want[RD_MAX], got[RD_MAX];
	char buf[4096];
	size_t wlen = from_hex(round_trips[i].hex, want, sizeof(want));
	size_t len = 0, off = 0;
	dns_error_t err = {0};

	dns_rc_t rc = parse_text(type, text, got, sizeof(got), &len, &err);
	if (rc != DNS_OK)
		fail_msg("%zu \"%s\": %s col %u %s", i, text, dns_rc_name(rc),
			 err.col, err.detail);
	assert_string_equal(to_hex(got, len), round_trips[i].hex);

	assert_int_equal(print_rd(type, want, wlen, buf, sizeof(buf)), DNS_OK);
	assert_string_equal(buf, out);

	memset(&err, 0, sizeof(err));
	assert_int_equal(parse_text(type, out, got, sizeof(got), &len, &err),
			 DNS_OK);
	assert_int_equal(len, wlen);
	assert_memory_equal(got, want, wlen);

	assert_int_equal(
	    unpack_wire(type, want, wlen, got, sizeof(got), &len, &off),
	    DNS_OK);
	assert_int_equal(len, wlen);
	assert_memory_equal(got, want, wlen);
}

static void test_round_trips(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(round_trips) / sizeof(round_trips[0]);
	     i++)
		check_round_trip(i);
}

/* ---- malformed wire ----------------------------------------------------- */

static const struct {
	uint16_t type;
	const char *hex;
	dns_rc_t rc;
	size_t off; /* from the start of the RDATA */
} bad_wire[] = {
    /* LOC: size/precision digits above 9, latitude and longitude out of
     * range, 15 and 17 bytes, nothing at all */
    {T_LOC, "00A016138B3CF018810CBCE0009895B8", DNS_E_RDATA_FIELD, 1},
    {T_LOC, "000A16138B3CF018810CBCE0009895B8", DNS_E_RDATA_FIELD, 1},
    {T_LOC, "0000169A8B3CF018810CBCE0009895B8", DNS_E_RDATA_FIELD, 3},
    {T_LOC, "00001613FFFFFFFF810CBCE0009895B8", DNS_E_RDATA_FIELD, 4},
    {T_LOC, "00001613EDBA0000810CBCE0009895B8", DNS_E_RDATA_FIELD, 4},
    {T_LOC, "000016138B3CF018FFFFFFFF009895B8", DNS_E_RDATA_FIELD, 8},
    {T_LOC, "000016138B3CF018810CBCE0009895", DNS_E_RDATA_SHORT, 1},
    {T_LOC, "000016138B3CF018810CBCE0009895B800", DNS_E_RDATA_TRAILING, 16},
    {T_LOC, "", DNS_E_RDATA_SHORT, 0},
    /* APL: family 2 afdlength 17, family 1 prefix 33 and afdlength 5,
     * trailing zero octet, item header and AFDPART cut short */
    {T_APL, "0002801100000000000000000000000000000101", DNS_E_RDATA_FIELD, 3},
    {T_APL, "00012100", DNS_E_RDATA_FIELD, 2},
    {T_APL, "000108050A00000001", DNS_E_RDATA_FIELD, 3},
    {T_APL, "000118040A000000", DNS_E_RDATA_FIELD, 7},
    {T_APL, "000108010A000108020A00", DNS_E_RDATA_FIELD, 10},
    {T_APL, "000108", DNS_E_RDATA_SHORT, 0},
    {T_APL, "000108020A", DNS_E_RDATA_SHORT, 4},
    /* WKS: no protocol, half an address */
    {T_WKS, "0A000001", DNS_E_RDATA_SHORT, 4},
    {T_WKS, "0A00", DNS_E_RDATA_SHORT, 0},
    /* IPSECKEY: gateway type 4, IPv4 gateway cut short, compressed or
     * truncated gateway name, nothing */
    {T_IPSECKEY, "0A0400AA", DNS_E_RDATA_FIELD, 1},
    {T_IPSECKEY, "0A0100010203", DNS_E_RDATA_SHORT, 3},
    {T_IPSECKEY, "0A0200", DNS_E_RDATA_SHORT, 3},
    {T_IPSECKEY, "0A0300C00C", DNS_E_PTR_FORBIDDEN, 3},
    {T_IPSECKEY, "0A03000267770AAA", DNS_E_RDATA_SHORT, 6},
    {T_IPSECKEY, "0A00", DNS_E_RDATA_SHORT, 0},
    /* HIP: HIT length past RDLENGTH, zero HIT or key length, key past
     * RDLENGTH, bad rendezvous server */
    {T_HIP, "10020001AABBCC", DNS_E_RDATA_SHORT, 4},
    {T_HIP, "00020000", DNS_E_RDATA_FIELD, 0},
    {T_HIP, "01020000AA", DNS_E_RDATA_FIELD, 2},
    {T_HIP, "01020005AABB", DNS_E_RDATA_SHORT, 5},
    {T_HIP, "01020001AABB03", DNS_E_RDATA_SHORT, 6},
    {T_HIP, "01020001AABBC000", DNS_E_PTR_FORBIDDEN, 6},
    {T_HIP, "010200", DNS_E_RDATA_SHORT, 0},
    /* A6: prefix 129, pad bits set, suffix cut short, name missing,
     * name compressed, bytes after the suffix when the length is 0 */
    {T_A6, "8100", DNS_E_RDATA_FIELD, 0},
    {T_A6, "41FF0000000000000100", DNS_E_RDATA_FIELD, 1},
    {T_A6, "7F0200", DNS_E_RDATA_FIELD, 1},
    {T_A6, "41FF00", DNS_E_RDATA_SHORT, 1},
    {T_A6, "80", DNS_E_RDATA_SHORT, 1},
    {T_A6, "7F01C000", DNS_E_PTR_FORBIDDEN, 2},
    {T_A6, "00000000000000000000000000000000010000", DNS_E_RDATA_TRAILING, 17},
    /* SVCB: keys out of order, duplicated; mandatory listing itself,
     * unsorted, empty, naming an absent key; port of 3 bytes; alpn with
     * an empty id or an id past the value; no-default-alpn without
     * alpn; bad hint lengths; dohpath not UTF-8 / without {?dns}; ohttp
     * with a value */
    {T_SVCB, "00010000030002003500010003026832", DNS_E_SVCB_PARAM, 9},
    {T_SVCB, "000100000300020035000300020035", DNS_E_SVCB_PARAM, 9},
    {T_SVCB, "000100000000040000000300030002 0035", DNS_E_SVCB_PARAM, 7},
    {T_SVCB, "000100000000040003000100010003026832000300020035",
     DNS_E_SVCB_PARAM, 9},
    {T_SVCB, "00010000000000", DNS_E_SVCB_PARAM, 7},
    {T_SVCB, "000100000000020003", DNS_E_SVCB_PARAM, 7},
    {T_SVCB, "00010000000002000300010003026832", DNS_E_SVCB_PARAM, 7},
    {T_SVCB, "0001000003000300350000", DNS_E_SVCB_PARAM, 7},
    {T_SVCB, "0001000003000100", DNS_E_SVCB_PARAM, 7},
    {T_SVCB, "00010000010003000168", DNS_E_SVCB_PARAM, 7},
    {T_SVCB, "000100000100040268320368", DNS_E_SVCB_PARAM, 10},
    {T_SVCB, "00010000010000", DNS_E_SVCB_PARAM, 7},
    {T_SVCB, "00010000020000", DNS_E_SVCB_PARAM, 3},
    {T_SVCB, "000100000400050C00002010", DNS_E_SVCB_PARAM, 7},
    {T_SVCB, "00010000060000", DNS_E_SVCB_PARAM, 7},
    {T_SVCB, "00010000070003FFFE41", DNS_E_SVCB_PARAM, 7},
    {T_SVCB, "0001000007000B2F646E732D71756572797B", DNS_E_SVCB_PARAM, 7},
    {T_SVCB, "0001000008000100", DNS_E_SVCB_PARAM, 7},
    /* SVCB: cut short anywhere; compressed target */
    {T_SVCB, "0001", DNS_E_RDATA_SHORT, 2},
    {T_SVCB, "000103666F", DNS_E_RDATA_SHORT, 2},
    {T_SVCB, "0001000001", DNS_E_RDATA_SHORT, 3},
    {T_SVCB, "000100000100030268", DNS_E_RDATA_SHORT, 7},
    {T_SVCB, "0001C00C", DNS_E_PTR_FORBIDDEN, 2},
    {T_HTTPS, "00", DNS_E_RDATA_SHORT, 0},
};

static void test_bad_wire(void **state)
{
	(void)state;
	static uint8_t rd[RD_MAX], out[RD_MAX];
	for (size_t i = 0; i < sizeof(bad_wire) / sizeof(bad_wire[0]); i++) {
		char hex[256];
		size_t k = 0;
		for (const char *s = bad_wire[i].hex; *s; s++)
			if (*s != ' ')
				hex[k++] = *s;
		hex[k] = '\0';
		size_t len = from_hex(hex, rd, sizeof(rd)), olen, off;
		dns_rc_t rc = unpack_wire(bad_wire[i].type, rd, len, out,
					  sizeof(out), &olen, &off);
		if (rc != bad_wire[i].rc || off != bad_wire[i].off)
			fail_msg("bad_wire %zu (type %u %s): got %s at %zu, "
				 "want %s at %zu",
				 i, bad_wire[i].type, hex, dns_rc_name(rc), off,
				 dns_rc_name(bad_wire[i].rc), bad_wire[i].off);
		/* the printer refuses the same bytes (generic form then) */
		char buf[1024];
		assert_int_not_equal(
		    print_rd(bad_wire[i].type, rd, len, buf, sizeof(buf)),
		    DNS_OK);
	}
}

/* Wire data that is valid but has no presentation form of its own: LOC
 * versions other than 0 (RFC 1876: make no assumptions; BIND accepts) and
 * APL families other than 1 and 2. */
static void test_wire_generic_only(void **state)
{
	(void)state;
	static const struct {
		uint16_t type;
		const char *hex;
	} cases[] = {
	    {T_LOC, "010016138B3CF018810CBCE0009895B8"},
	    {T_LOC, "0100"},
	    {T_APL, "00030801FF"},
	    {T_APL, "000108010A00030800"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t rd[64], out[64];
		char buf[256];
		size_t len = from_hex(cases[i].hex, rd, sizeof(rd)), olen, off;
		assert_int_equal(unpack_wire(cases[i].type, rd, len, out,
					     sizeof(out), &olen, &off),
				 DNS_OK);
		assert_int_equal(olen, len);
		assert_memory_equal(out, rd, len);
		assert_int_equal(
		    print_rd(cases[i].type, rd, len, buf, sizeof(buf)),
		    DNS_E_RDATA_FIELD);
	}
}

/* WKS: the largest port, a bitmap longer than port 65535 needs, and
 * trailing zero octets (legal on the wire; not BIND, which rejects them;
 * never produced from text). */
static void test_wks_bitmap_edges(void **state)
{
	(void)state;
	static uint8_t rd[RD_MAX], out[RD_MAX];
	static char buf[64];
	size_t len = 0, olen, off;
	dns_error_t err = {0};
	assert_int_equal(
	    parse_text(T_WKS, "192.0.2.1 17 65535", rd, sizeof(rd), &len, &err),
	    DNS_OK);
	assert_int_equal(len, 5 + 8192);
	assert_int_equal(rd[len - 1], 0x01);
	assert_int_equal(print_rd(T_WKS, rd, len, buf, sizeof(buf)), DNS_OK);
	assert_string_equal(buf, "192.0.2.1 17 65535");

	rd[len++] = 0;
	assert_int_equal(
	    unpack_wire(T_WKS, rd, len, out, sizeof(out), &olen, &off),
	    DNS_E_RDATA_TRAILING);
	assert_int_equal(off, 5 + 8192);

	len = from_hex("0A000001064000", rd, sizeof(rd));
	assert_int_equal(
	    unpack_wire(T_WKS, rd, len, out, sizeof(out), &olen, &off), DNS_OK);
	/* text cannot keep the trailing zero octet: the generic form does */
	assert_int_equal(print_rd(T_WKS, rd, len, buf, sizeof(buf)),
			 DNS_E_RDATA_FIELD);
	dns_strbuf_t sb = dns_strbuf_init(buf, sizeof(buf));
	dns_rdata_to_text(T_WKS, rd, len, &sb);
	assert_string_equal(buf, "\\# 7 0A000001064000");
}

/* ---- malformed text ----------------------------------------------------- */

static const struct {
	uint16_t type;
	const char *text;
	dns_rc_t rc;
	unsigned col;
} bad_text[] = {
    {T_LOC, "52 22 60 N 4 E 0", DNS_E_NUMBER, 7},
    {T_LOC, "52 60 N 4 E 0", DNS_E_NUMBER, 4},
    {T_LOC, "90 1 N 4 E 0", DNS_E_NUMBER, 1},
    {T_LOC, "52 N 181 E 0", DNS_E_NUMBER, 6},
    {T_LOC, "52 22 23.1234 N 4 E 0", DNS_E_NUMBER, 7},
    {T_LOC, "52 N 4 E 0.555m", DNS_E_NUMBER, 10},
    {T_LOC, "52 N 4 E 42849672.96m", DNS_E_NUMBER, 10},
    {T_LOC, "52 N 4 E -100000.01m", DNS_E_NUMBER, 10},
    {T_LOC, "52 N 4 E 0 90000001m", DNS_E_NUMBER, 12},
    {T_LOC, "52 N 4 E 0 1e3m", DNS_E_NUMBER, 12},
    {T_LOC, "52 N 4 E 0 1m 2m 3m 4m", DNS_E_EXTRA, 21},
    {T_LOC, "52 N 4 E", DNS_E_MISSING, 8},
    {T_LOC, "52 22 23 X 4 E 0", DNS_E_SYNTAX, 10},
    {T_APL, "1:1.2.3.4/33", DNS_E_NUMBER, 1},
    {T_APL, "1:10.0.0.0/8 2:2001:db8::/129", DNS_E_NUMBER, 14},
    {T_APL, "3:1.2.3.4/3", DNS_E_RDATA_FIELD, 1},
    {T_APL, "1:10.0.0.0", DNS_E_SYNTAX, 1},
    {T_APL, "1:10.0.0.256/8", DNS_E_SYNTAX, 1},
    {T_APL, "1:2001:db8::/32", DNS_E_SYNTAX, 1},
    {T_WKS, "10.0.0.1 tcp 65536", DNS_E_NUMBER, 14},
    {T_WKS, "10.0.0.1 256", DNS_E_NUMBER, 10},
    {T_WKS, "10.0.0.01 6", DNS_E_SYNTAX, 1},
    {T_WKS, "10.0.0.1", DNS_E_MISSING, 1},
    {T_WKS, "10.0.0.1 6 bogus", DNS_E_SYNTAX, 12},
    {T_WKS, "10.0.0.1 xtp 25", DNS_E_SYNTAX, 10},
    {T_IPSECKEY, "10 4 2 . AQNRU3mG", DNS_E_RDATA_FIELD, 4},
    {T_IPSECKEY, "10 1 2 . AQNRU3mG", DNS_E_SYNTAX, 8},
    {T_IPSECKEY, "10 0 2 gw. AQNRU3mG", DNS_E_SYNTAX, 8},
    {T_IPSECKEY, "10 3 2 gw.example. AQNRU3m", DNS_E_BASE64, 27},
    {T_IPSECKEY, "10 3 2 gw.example. AQNR U3m!", DNS_E_BASE64, 28},
    {T_IPSECKEY, "256 0 2 .", DNS_E_NUMBER, 1},
    {T_HIP, "2 200 AwEAAQ==", DNS_E_BASE16, 6},
    {T_HIP, "2 20x1 AwEAAQ==", DNS_E_BASE16, 5},
    {T_HIP, "2 2001 AwEAAQ", DNS_E_BASE64, 14},
    {T_HIP, "2 2001", DNS_E_MISSING, 3},
    {T_HIP, "2 2001 AwEAAQ== a..b.", DNS_E_EMPTY_NAME, 19},
    {T_A6, "129 pref.example.", DNS_E_NUMBER, 1},
    {T_A6, "64 ::1:2:3:4", DNS_E_MISSING, 4},
    {T_A6, "0 2001:db8::1 pref.example.", DNS_E_EXTRA, 15},
    {T_A6, "64 1.2.3.4 pref.example.", DNS_E_SYNTAX, 4},
    {T_SVCB, "1 . port=1 port=2", DNS_E_SVCB_PARAM, 12},
    {T_SVCB, "1 . alpn=h2 alpn=h3", DNS_E_SVCB_PARAM, 13},
    {T_SVCB, "1 . alpn=h2,,h3", DNS_E_SVCB_PARAM, 10},
    {T_SVCB, "1 . alpn=", DNS_E_SVCB_PARAM, 5},
    {T_SVCB, "1 . alpn=h2\\", DNS_E_ESCAPE, 12},
    {T_SVCB, "1 . alpn= \"h2\"", DNS_E_SVCB_PARAM, 11},
    {T_SVCB, "1 . mandatory=mandatory port=1", DNS_E_SVCB_PARAM, 5},
    {T_SVCB, "1 . mandatory=port alpn=h2", DNS_E_SVCB_PARAM, 5},
    {T_SVCB, "1 . mandatory=port,port port=1", DNS_E_SVCB_PARAM, 15},
    {T_SVCB, "1 . mandatory=bogus port=1", DNS_E_SVCB_PARAM, 15},
    {T_SVCB, "1 . no-default-alpn", DNS_E_SVCB_PARAM, 5},
    {T_SVCB, "1 . PORT=1", DNS_E_SVCB_PARAM, 5},
    {T_SVCB, "1 . key01=1", DNS_E_SVCB_PARAM, 5},
    {T_SVCB, "1 . key65536=1", DNS_E_SVCB_PARAM, 5},
    {T_SVCB, "1 . key3=1", DNS_E_SVCB_PARAM, 5},
    {T_SVCB, "1 . port=65536", DNS_E_NUMBER, 10},
    {T_SVCB, "1 . port", DNS_E_NUMBER, 5},
    {T_SVCB, "1 . ech=AEP+DQA/BAAgACCW2", DNS_E_BASE64, 26},
    {T_SVCB, "1 . ipv4hint=1.2.3.4,", DNS_E_SVCB_PARAM, 14},
    {T_SVCB, "1 . ipv6hint=1.2.3.4", DNS_E_SVCB_PARAM, 14},
    {T_SVCB, "1 . ohttp=1", DNS_E_SVCB_PARAM, 11},
    {T_SVCB, "1 . dohpath=/abc", DNS_E_SVCB_PARAM, 5},
    {T_SVCB, "1", DNS_E_MISSING, 1},
    {T_SVCB, "65536 .", DNS_E_NUMBER, 1},
    {T_HTTPS, "1 foo..example.", DNS_E_EMPTY_NAME, 7},
    {T_APL, "x:1.2.3.4/8", DNS_E_NUMBER, 1},
    {T_APL, "65536:1.2.3.4/8", DNS_E_NUMBER, 1},
    {T_HIP, "2 \"\" AwEAAQ==", DNS_E_RDATA_FIELD, 3},
    {T_HIP, "2 2001 \"\"", DNS_E_RDATA_FIELD, 8},
    {T_SVCB, "1 . alpn=h2\\\\", DNS_E_ESCAPE, 10},
    {T_SVCB, "1 . mandatory=", DNS_E_SVCB_PARAM, 5},
    {T_SVCB, "1 . ipv4hint=", DNS_E_SVCB_PARAM, 5},
    {T_SVCB, "1 . ipv6hint=", DNS_E_SVCB_PARAM, 5},
};

static void test_bad_text(void **state)
{
	(void)state;
	static uint8_t out[RD_MAX];
	for (size_t i = 0; i < sizeof(bad_text) / sizeof(bad_text[0]); i++) {
		dns_error_t err = {0};
		size_t len;
		dns_rc_t rc = parse_text(bad_text[i].type, bad_text[i].text,
					 out, sizeof(out), &len, &err);
		if (rc != bad_text[i].rc || err.code != rc ||
		    err.col != bad_text[i].col)
			fail_msg("bad_text %zu \"%s\": got %s col %u (%s), "
				 "want %s col %u",
				 i, bad_text[i].text, dns_rc_name(rc), err.col,
				 err.detail, dns_rc_name(bad_text[i].rc),
				 bad_text[i].col);
	}
}

/* ---- space, canonical form, dispatch ------------------------------------ */

static void test_space(void **state)
{
	(void)state;
	uint8_t out[8], rd[64];
	size_t len, off;
	dns_error_t err = {0};
	assert_int_equal(parse_text(T_SVCB, "1 . alpn=h2,h3 port=1", out,
				    sizeof(out), &len, &err),
			 DNS_E_SPACE);
	assert_int_equal(err.code, DNS_E_SPACE);
	memset(&err, 0, sizeof(err));
	assert_int_equal(parse_text(T_IPSECKEY, "10 0 2 . AQNRU3mGAQNRU3mG",
				    out, sizeof(out), &len, &err),
			 DNS_E_SPACE);
	memset(&err, 0, sizeof(err));
	assert_int_equal(parse_text(T_HIP, "2 20010203040506 AwEAAQ==", out,
				    sizeof(out), &len, &err),
			 DNS_E_SPACE);
	size_t n = from_hex("000016138B3CF018810CBCE0009895B8", rd, sizeof(rd));
	assert_int_equal(
	    unpack_wire(T_LOC, rd, n, out, sizeof(out), &len, &off),
	    DNS_E_SPACE);
}

static void test_canonicalize(void **state)
{
	(void)state;
	uint8_t rd[64];
	size_t len = 0;
	dns_error_t err = {0};
	char buf[128];
	assert_int_equal(parse_text(T_A6, "64 ::1 PREF.Example.", rd,
				    sizeof(rd), &len, &err),
			 DNS_OK);
	ops_for(T_A6)->canonicalize(rd, len);
	assert_int_equal(print_rd(T_A6, rd, len, buf, sizeof(buf)), DNS_OK);
	assert_string_equal(buf, "64 ::1 pref.example.");
	/* A6 is the only one of these in RFC 4034 6.2's list */
	const uint16_t others[] = {T_WKS, T_LOC,  T_APL,  T_IPSECKEY,
				   T_HIP, T_SVCB, T_HTTPS};
	for (size_t i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		assert_null(ops_for(others[i])->canonicalize);
	assert_null(dns_special_ops(1));
}

/* Through the public RDATA API, as rdata.c dispatches to these ops. */
static void test_public_api(void **state)
{
	(void)state;
	static const struct {
		uint16_t type;
		const char *text, *hex;
	} cases[] = {
	    {T_LOC, "52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m",
	     "000016138B3CF018810CBCE0009895B8"},
	    {T_SVCB, "1 . alpn=\"h2,h3\" port=8443 ipv4hint=192.0.2.1",
	     "000100000100060268320268330003000220FB00040004C0000201"},
	    {T_APL, "1:192.168.32.0/21 !2:2001:db8::/32",
	     "00011503C0A8200002208420010DB8"},
	    {T_A6, "64 ::1:2:3:4 pref.example.",
	     "4000010002000300040470726566076578616D706C6500"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t out[256], want[256];
		char buf[512];
		size_t len = 0,
		       wlen = from_hex(cases[i].hex, want, sizeof(want));
		dns_tokens_t t;
		dns_error_t err = {0};
		dns_tokens_init(&t);
		assert_int_equal(dns_tokenize(cases[i].text,
					      strlen(cases[i].text), &t, &err),
				 DNS_OK);
		dns_rc_t rc = dns_rdata_from_text(cases[i].type, t.v, t.n, NULL,
						  out, sizeof(out), &len, &err);
		dns_tokens_free(&t);
		if (rc != DNS_OK)
			fail_msg("dns_rdata_from_text(%u, \"%s\"): %s %s",
				 cases[i].type, cases[i].text, dns_rc_name(rc),
				 err.detail);
		assert_int_equal(len, wlen);
		assert_memory_equal(out, want, wlen);

		dns_wire_t m = dns_wire_reader(want, wlen);
		dns_wire_t rd = dns_wire_sub(&m, wlen, DNS_E_RDATA_OVERRUN);
		assert_int_equal(dns_rdata_unpack(cases[i].type, &rd, out,
						  sizeof(out), &len),
				 DNS_OK);
		assert_int_equal(len, wlen);

		dns_strbuf_t sb = dns_strbuf_init(buf, sizeof(buf));
		dns_rdata_to_text(cases[i].type, want, wlen, &sb);
		assert_string_equal(buf, cases[i].text);
	}
	/* a malformed SVCB through the API keeps its code and offset */
	uint8_t bad[32], out[64];
	size_t n = from_hex("000100000300020035000300020035", bad, sizeof(bad));
	size_t len;
	dns_wire_t m = dns_wire_reader(bad, n);
	dns_wire_t rd = dns_wire_sub(&m, n, DNS_E_RDATA_OVERRUN);
	assert_int_equal(dns_rdata_unpack(T_SVCB, &rd, out, sizeof(out), &len),
			 DNS_E_SVCB_PARAM);
	assert_int_equal(rd.err_off, 9);
	/* stored data the printer refuses comes out in the generic form */
	char buf[128];
	dns_strbuf_t sb = dns_strbuf_init(buf, sizeof(buf));
	dns_rdata_to_text(T_SVCB, bad, n, &sb);
	assert_string_equal(buf, "\\# 15 000100000300020035000300020035");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_round_trips),
	    cmocka_unit_test(test_bad_wire),
	    cmocka_unit_test(test_wire_generic_only),
	    cmocka_unit_test(test_wks_bitmap_edges),
	    cmocka_unit_test(test_bad_text),
	    cmocka_unit_test(test_space),
	    cmocka_unit_test(test_canonicalize),
	    cmocka_unit_test(test_public_api),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
