/* test_edns.c - the OPT pseudo-RR and its options: field split, framing,
 * per-option checks (valid and invalid vectors for every known code),
 * rcode/opcode/option mnemonics, builders (exact bytes), dig 9.18 text
 * (expected lines captured from dig 9.18.49) and JSON shape. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "dns/arena.h"
#include "dns/edns.h"

/* Hex (spaces ignored) into out; returns the byte count. */
static size_t unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	int hi = -1;
	for (; *s != '\0'; s++) {
		int v = 0;
		if (*s == ' ')
			continue;
		if (*s >= '0' && *s <= '9')
			v = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			v = *s - 'a' + 10;
		else
			fail_msg("bad hex in test vector: %s", s);
		if (hi < 0) {
			hi = v;
			continue;
		}
		assert_true(n < cap);
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	assert_int_equal(hi, -1);
	return n;
}

/* The single option in a one-TLV RDATA held in buf. */
static dns_edns_opt_t one_opt(const char *hex, uint8_t *buf, size_t cap)
{
	dns_edns_iter_t it;
	dns_edns_opt_t o;
	size_t n = unhex(hex, buf, cap);
	dns_edns_iter_init(&it, buf, n);
	if (!dns_edns_next(&it, &o, NULL) || dns_edns_next(&it, &o, NULL) ||
	    it.rc != DNS_OK)
		fail_msg("test vector is not one whole TLV: %s", hex);
	return o;
}

/* ---- per-option checks ----------------------------------------------- */

static const char *const valid_opts[] = {
    /* LLQ 18 bytes; UL 4 and 8 */
    "0001 0012 0001 0002 0003 0000000000000001 00000e10",
    "0002 0004 0000012c",
    "0002 0008 0000012c 00000e10",
    /* NSID empty and "ns1"; DAU/DHU/N3U lists, empty too */
    "0003 0000",
    "0003 0003 6e7331",
    "0005 0002 080d",
    "0005 0000",
    "0006 0001 02",
    "0007 0001 01",
    /* ECS: /24 with 3 bytes, /0, /23 with the 24th bit clear, /32, v6
     * /64 and /128, scope wider than source (a response) */
    "0008 0007 0001 18 00 c00002",
    "0008 0004 0001 00 00",
    "0008 0007 0001 17 00 c00002",
    "0008 0008 0001 20 00 c0000201",
    "0008 000c 0002 40 00 20010db800000000",
    "0008 0014 0002 80 00 20010db8000000000000000000000001",
    "0008 0007 0001 18 20 c00002",
    /* EXPIRE empty and 4 */
    "0009 0000",
    "0009 0004 00000e10",
    /* COOKIE 8, 16 and 40 bytes */
    "000a 0008 0102030405060708",
    "000a 0010 0102030405060708 1112131415161718",
    ("000a 0028 0102030405060708 1112131415161718 2122232425262728"
     " 3132333435363738 4142434445464748"),
    /* TCP-KEEPALIVE empty and 2 */
    "000b 0000",
    "000b 0002 012c",
    /* PADDING: any length; non-zero is only a soft finding */
    "000c 0000",
    "000c 0003 000000",
    "000c 0002 0001",
    /* CHAIN: a name, the root too */
    "000d 000d 076578616d706c6503636f6d00",
    "000d 0001 00",
    /* KEY-TAG: even lengths */
    "000e 0000",
    "000e 0002 4f66",
    "000e 0004 00010002",
    /* EDE: code only, ASCII text, 2-, 3- and 4-byte UTF-8 */
    "000f 0002 0012",
    "000f 0006 0012 74657874",
    "000f 0004 0000 c3a9",
    "000f 0005 0000 e282ac",
    "000f 0006 0000 f09f9880",
    /* CLIENT-TAG/SERVER-TAG are drafts: opaque */
    "0010 0001 01",
    "0011 0000",
    /* REPORT-CHANNEL: a name */
    "0012 0009 076578616d706c6500",
    /* ZONEVERSION: empty (query), SOA serial, another type */
    "0013 0000",
    "0013 0006 02 00 78563412",
    "0013 0005 01 01 aabbcc",
    /* unknown codes are opaque */
    "fde9 0002 01ff",
    "0004 0001 00",
};

static void test_valid_options(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(valid_opts) / sizeof(valid_opts[0]);
	     i++) {
		uint8_t buf[128];
		dns_error_t err = {0};
		dns_edns_opt_t o = one_opt(valid_opts[i], buf, sizeof(buf));
		if (dns_edns_opt_check(&o, &err) != DNS_OK)
			fail_msg("vector %zu (%s) rejected: %s", i,
				 valid_opts[i], err.detail);
		assert_int_equal(err.code, DNS_OK);
	}
}

/* Invalid options; each TLV sits at offset 0, so the OPTION-LENGTH field
 * is at 2 and data byte i at 4 + i. */
static const struct {
	const char *hex;
	size_t offset;
	const char *detail; /* a piece of the detail sentence */
} invalid_opts[] = {
    {"0001 0011 0001000200030000000000000001 000e10", 2, "must be 18"},
    {"0002 0005 0000012c00", 2, "UL has 5 bytes"},
    /* ECS */
    {"0008 0003 000118", 2, "need 4"},
    {"0008 0008 0001 18 00 c0000200", 8, "needs exactly 3"},
    {"0008 0006 0001 18 00 c000", 8, "needs exactly 3"},
    {"0008 0007 0001 17 00 c00003", 10, "past the /23"},
    {"0008 0007 0001 1f 00 c00002", 8, "needs exactly 4"},
    {"0008 0008 0001 1f 00 c0000201", 11, "past the /31"},
    {"0008 0004 0003 00 00", 4, "FAMILY 3"},
    {"0008 0004 0000 00 00", 4, "FAMILY 0"},
    {"0008 0009 0001 21 00 c000020100", 6, "PREFIX-LENGTH 33"},
    {"0008 0015 0002 81 00 20010db8 00000000000000000000000000", 6,
     "PREFIX-LENGTH 129"},
    {"0008 0007 0001 18 21 c00002", 7, "SCOPE PREFIX-LENGTH 33"},
    /* EXPIRE */
    {"0009 0003 000e10", 2, "EXPIRE has 3 bytes"},
    {"0009 0005 00000e1000", 2, "must be 0 or 4"},
    /* COOKIE: 7, 9, 15, 41 bytes and empty */
    {"000a 0007 01020304050607", 2, "COOKIE has 7 bytes"},
    {"000a 0009 010203040506070809", 2, "COOKIE has 9 bytes"},
    {"000a 000f 0102030405060708 11121314151617", 2, "COOKIE has 15"},
    {"000a 0029 0102030405060708 1112131415161718 2122232425262728"
     " 3132333435363738 4142434445464748 49",
     2, "COOKIE has 41"},
    {"000a 0000", 2, "COOKIE has 0"},
    /* TCP-KEEPALIVE */
    {"000b 0001 01", 2, "TCP-KEEPALIVE has 1 bytes"},
    {"000b 0003 012c00", 2, "must be 0 or 2"},
    /* CHAIN: empty, compressed, root then more, label overrun,
     * label type 0x40 */
    {"000d 0000", 4, "no root label"},
    {"000d 0002 c00c", 4, "compression pointer"},
    {"000d 0002 0000", 5, "follow the name's root"},
    {"000d 0004 05616263", 4, "runs past"},
    {"000d 0003 4161 00", 4, "label type"},
    {"000d 0004 03616263", 8, "no root label"},
    /* KEY-TAG odd */
    {"000e 0003 000100", 2, "KEY-TAG has 3 bytes"},
    /* EDE: too short, invalid UTF-8 of several kinds */
    {"000f 0001 00", 2, "EDE has 1 byte"},
    {"000f 0000", 2, "EDE has 0 byte"},
    {"000f 0004 0012 61ff", 7, "not UTF-8 at byte 1"},
    {"000f 0004 0012 c080", 6, "not UTF-8"},
    {"000f 0005 0012 eda080", 6, "not UTF-8"},
    {"000f 0004 0012 e282", 6, "not UTF-8"},
    {"000f 0006 0012 f4908080", 6, "not UTF-8"},
    {"000f 0003 0012 80", 6, "not UTF-8"},
    /* REPORT-CHANNEL */
    {"0012 0002 c00c", 4, "compression pointer"},
    /* ZONEVERSION */
    {"0013 0001 02", 2, "has 1 byte"},
    {"0013 0005 02 00 785634", 2, "TYPE 0"},
};

static void test_invalid_options(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(invalid_opts) / sizeof(invalid_opts[0]);
	     i++) {
		uint8_t buf[128];
		dns_error_t err = {0};
		dns_edns_opt_t o =
		    one_opt(invalid_opts[i].hex, buf, sizeof(buf));
		dns_rc_t rc = dns_edns_opt_check(&o, &err);
		if (rc != DNS_E_EDNS_OPTION)
			fail_msg("vector %zu (%s) accepted", i,
				 invalid_opts[i].hex);
		assert_int_equal(err.code, DNS_E_EDNS_OPTION);
		if (err.offset != invalid_opts[i].offset)
			fail_msg("vector %zu: offset %zu, want %zu (%s)", i,
				 err.offset, invalid_opts[i].offset,
				 err.detail);
		if (strstr(err.detail, invalid_opts[i].detail) == NULL)
			fail_msg("vector %zu: detail \"%s\" lacks \"%s\"", i,
				 err.detail, invalid_opts[i].detail);
	}
}

/* A CHAIN name of 256 bytes: 63+1 four times = 256 before the root. */
static void test_chain_name_too_long(void **state)
{
	(void)state;
	uint8_t buf[4 + 300];
	size_t n = 0;
	buf[n++] = 0;
	buf[n++] = DNS_OPT_CHAIN;
	n += 2;
	for (int l = 0; l < 4; l++) {
		buf[n++] = 63;
		memset(buf + n, 'a', 63);
		n += 63;
	}
	buf[n++] = 0;
	dns_put_u16(buf + 2, (uint16_t)(n - 4));
	dns_edns_iter_t it;
	dns_edns_opt_t o;
	dns_error_t err = {0};
	dns_edns_iter_init(&it, buf, n);
	assert_true(dns_edns_next(&it, &o, NULL));
	assert_int_equal(dns_edns_opt_check(&o, &err), DNS_E_EDNS_OPTION);
	assert_non_null(strstr(err.detail, "longer than 255"));
	/* The fourth label starts at data offset 192 and ends past 255. */
	assert_int_equal(err.offset, 4 + 192);
}

static void test_ecs_query_scope(void **state)
{
	(void)state;
	uint8_t buf[64];
	dns_error_t err = {0};
	dns_edns_opt_t ok = one_opt("0008 0007 0001 18 00 c00002", buf, 64);
	assert_int_equal(dns_edns_opt_check_query(&ok, NULL), DNS_OK);

	uint8_t buf2[64];
	dns_edns_opt_t scoped =
	    one_opt("0008 0007 0001 18 18 c00002", buf2, 64);
	assert_int_equal(dns_edns_opt_check(&scoped, NULL), DNS_OK);
	assert_int_equal(dns_edns_opt_check_query(&scoped, &err),
			 DNS_E_EDNS_OPTION);
	assert_int_equal(err.offset, 7);
	assert_non_null(strstr(err.detail, "in a query"));

	/* A structurally bad ECS fails the query check with its own error. */
	uint8_t buf3[64];
	dns_error_t err3 = {0};
	dns_edns_opt_t bad = one_opt("0008 0004 0003 00 00", buf3, 64);
	assert_int_equal(dns_edns_opt_check_query(&bad, &err3),
			 DNS_E_EDNS_OPTION);
	assert_non_null(strstr(err3.detail, "FAMILY 3"));

	/* Other options only get their ordinary check. */
	uint8_t buf4[64];
	dns_edns_opt_t nsid = one_opt("0003 0000", buf4, 64);
	assert_int_equal(dns_edns_opt_check_query(&nsid, NULL), DNS_OK);
}

static void test_soft_padding(void **state)
{
	(void)state;
	uint8_t b1[32], b2[32], b3[32];
	dns_error_t err = {0};
	dns_edns_opt_t zero = one_opt("000c 0004 00000000", b1, 32);
	dns_edns_opt_t nonzero = one_opt("000c 0004 0000 01 00", b2, 32);
	dns_edns_opt_t other = one_opt("0003 0002 0101", b3, 32);
	assert_int_equal(dns_edns_opt_check_soft(&zero, NULL), DNS_OK);
	assert_int_equal(dns_edns_opt_check_soft(&other, NULL), DNS_OK);
	assert_int_equal(dns_edns_opt_check(&nonzero, NULL), DNS_OK);
	assert_int_equal(dns_edns_opt_check_soft(&nonzero, &err),
			 DNS_E_EDNS_OPTION);
	assert_int_equal(err.offset, 4 + 2);
	assert_non_null(strstr(err.detail, "SHOULD be 0x00"));
}

/* ---- framing --------------------------------------------------------- */

static void test_iter_truncated_data(void **state)
{
	(void)state;
	/* NSID empty at 0, EXPIRE 4 at 4, COOKIE declaring 8 with 5 at 12 */
	uint8_t rd[64];
	size_t n = unhex("0003 0000  0009 0004 00000e10  000a 0008 0102030405",
			 rd, sizeof(rd));
	dns_edns_iter_t it;
	dns_edns_opt_t o;
	dns_error_t err = {0};
	unsigned seen = 0;
	dns_edns_iter_init(&it, rd, n);
	while (dns_edns_next(&it, &o, &err)) {
		assert_int_equal(o.offset, seen == 0 ? 0 : 4);
		seen++;
	}
	assert_int_equal(seen, 2);
	assert_int_equal(it.rc, DNS_E_EDNS_OPTION);
	assert_int_equal(it.err_off, 12);
	assert_int_equal(err.code, DNS_E_EDNS_OPTION);
	assert_int_equal(err.offset, 12);
	assert_non_null(strstr(err.detail, "declares 8 bytes, only 5"));
	/* The error sticks. */
	assert_false(dns_edns_next(&it, &o, NULL));
	assert_int_equal(it.rc, DNS_E_EDNS_OPTION);
}

static void test_iter_truncated_header(void **state)
{
	(void)state;
	uint8_t rd[16];
	size_t n = unhex("0003 0001 61  000a 00", rd, sizeof(rd));
	dns_edns_iter_t it;
	dns_edns_opt_t o;
	dns_error_t err = {0};
	dns_edns_iter_init(&it, rd, n);
	assert_true(dns_edns_next(&it, &o, &err));
	assert_int_equal(o.code, DNS_OPT_NSID);
	assert_int_equal(o.len, 1);
	assert_int_equal(o.data[0], 'a');
	assert_false(dns_edns_next(&it, &o, &err));
	assert_int_equal(it.err_off, 5);
	assert_int_equal(err.offset, 5);
	assert_non_null(strstr(err.detail, "3 byte(s) left at offset 5"));
}

static void test_iter_empty_and_null(void **state)
{
	(void)state;
	dns_edns_iter_t it;
	dns_edns_opt_t o;
	dns_edns_iter_init(&it, NULL, 0);
	assert_false(dns_edns_next(&it, &o, NULL));
	assert_int_equal(it.rc, DNS_OK);
}

static void test_from_rr_fields(void **state)
{
	(void)state;
	uint8_t rd[16];
	size_t n = unhex("0003 0000", rd, sizeof(rd));
	dns_edns_t e;
	dns_error_t err = {0};
	assert_int_equal(
	    dns_edns_from_rr(1232, 0x01028001u, rd, (uint16_t)n, &e, &err),
	    DNS_OK);
	assert_int_equal(e.udp_size, 1232);
	assert_int_equal(e.ext_rcode, 1);
	assert_int_equal(e.version, 2);
	assert_int_equal(e.flags, 0x8001);
	assert_ptr_equal(e.opts, rd);
	assert_int_equal(e.optlen, 4);

	uint16_t cls;
	uint32_t ttl;
	dns_edns_to_rr(&e, &cls, &ttl);
	assert_int_equal(cls, 1232);
	assert_int_equal(ttl, 0x01028001u);
}

static void test_from_rr_truncated(void **state)
{
	(void)state;
	uint8_t rd[16];
	size_t n = unhex("0003 0005 6e73", rd, sizeof(rd));
	dns_edns_t e;
	dns_error_t err = {0};
	assert_int_equal(
	    dns_edns_from_rr(512, 0x8000u, rd, (uint16_t)n, &e, &err),
	    DNS_E_EDNS_OPTION);
	assert_int_equal(err.offset, 0);
	/* Fields are filled even so. */
	assert_int_equal(e.udp_size, 512);
	assert_int_equal(e.flags, DNS_EDNS_DO);
	assert_int_equal(dns_edns_check(&e, false, NULL), DNS_E_EDNS_OPTION);
}

static void test_edns_check_whole(void **state)
{
	(void)state;
	uint8_t rd[64];
	size_t n = unhex("0003 0000  0008 0007 0001 18 18 c00002  000a 0007 "
			 "01020304050607",
			 rd, sizeof(rd));
	dns_edns_t e;
	dns_error_t err = {0}, err2 = {0};
	assert_int_equal(dns_edns_from_rr(1232, 0, rd, (uint16_t)n, &e, NULL),
			 DNS_OK);
	/* As a query the ECS scope is the first violation (offset 4+7). */
	assert_int_equal(dns_edns_check(&e, true, &err), DNS_E_EDNS_OPTION);
	assert_int_equal(err.offset, 4 + 7);
	/* As a response the ECS passes and the 7-byte COOKIE fails. */
	assert_int_equal(dns_edns_check(&e, false, &err2), DNS_E_EDNS_OPTION);
	assert_int_equal(err2.offset, 15 + 2);

	dns_edns_opt_t o;
	assert_true(dns_edns_find(&e, DNS_OPT_COOKIE, &o));
	assert_int_equal(o.offset, 15);
	assert_int_equal(o.len, 7);
	assert_false(dns_edns_find(&e, DNS_OPT_EDE, &o));
}

/* ---- typed views ----------------------------------------------------- */

static void test_typed_views(void **state)
{
	(void)state;
	uint8_t b1[64], b2[64], b3[64], b4[64];
	dns_edns_ecs_t ecs;
	dns_edns_opt_t o =
	    one_opt("0008 000c 0002 40 00 20010db800000001", b1, 64);
	assert_int_equal(dns_edns_ecs_parse(&o, &ecs, NULL), DNS_OK);
	assert_int_equal(ecs.family, 2);
	assert_int_equal(ecs.source, 64);
	assert_int_equal(ecs.scope, 0);
	assert_int_equal(ecs.addrlen, 8);
	assert_int_equal(ecs.addr[7], 1);
	assert_int_equal(ecs.addr[8], 0);

	dns_edns_cookie_t ck;
	o = one_opt("000a 0010 0102030405060708 1112131415161718", b2, 64);
	assert_int_equal(dns_edns_cookie_parse(&o, &ck, NULL), DNS_OK);
	assert_int_equal(ck.client[0], 1);
	assert_int_equal(ck.server_len, 8);
	assert_int_equal(ck.server[7], 0x18);
	o = one_opt("000a 0008 0102030405060708", b2, 64);
	assert_int_equal(dns_edns_cookie_parse(&o, &ck, NULL), DNS_OK);
	assert_int_equal(ck.server_len, 0);
	assert_null(ck.server);

	dns_edns_ede_t ede;
	o = one_opt("000f 0006 0012 74657874", b3, 64);
	assert_int_equal(dns_edns_ede_parse(&o, &ede, NULL), DNS_OK);
	assert_int_equal(ede.info, 18);
	assert_int_equal(ede.text_len, 4);
	assert_memory_equal(ede.text, "text", 4);

	/* Wrong code and invalid contents are refused. */
	dns_error_t err = {0};
	o = one_opt("0003 0000", b4, 64);
	assert_int_equal(dns_edns_ede_parse(&o, &ede, &err), DNS_E_EDNS_OPTION);
	assert_non_null(strstr(err.detail, "is not EDE"));
	o = one_opt("000a 0007 01020304050607", b4, 64);
	assert_int_equal(dns_edns_cookie_parse(&o, &ck, NULL),
			 DNS_E_EDNS_OPTION);
}

/* ---- UTF-8 ----------------------------------------------------------- */

static void test_utf8(void **state)
{
	(void)state;
	static const struct {
		const char *hex;
		bool ok;
	} v[] = {
	    {"", true},		 {"41", true},
	    {"7f", true},	 {"c280", true},
	    {"dfbf", true},	 {"e0a080", true},
	    {"efbfbd", true},	 {"f0908080", true},
	    {"f48fbfbf", true},	 {"80", false}, /* lone continuation */
	    {"c0af", false},			/* overlong */
	    {"c1bf", false},			/* overlong */
	    {"e09f80", false},			/* overlong 3-byte */
	    {"eda080", false},			/* surrogate */
	    {"f08f8080", false},		/* overlong 4-byte */
	    {"f4908080", false},		/* above U+10FFFF */
	    {"f5808080", false}, {"ff", false},
	    {"e282", false}, /* cut short */
	    {"c341", false}, /* bad continuation */
	    {"41e2", false},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint8_t b[8];
		size_t n = unhex(v[i].hex, b, sizeof(b));
		if (dns_utf8_valid(b, n) != v[i].ok)
			fail_msg("utf8 vector %zu (%s)", i, v[i].hex);
	}
}

/* ---- rcodes, opcodes, option and EDE names --------------------------- */

static void test_rcode_mnemonics(void **state)
{
	(void)state;
	static const struct {
		uint16_t code;
		const char *name;
	} v[] = {
	    {0, "NOERROR"},    {1, "FORMERR"},	{2, "SERVFAIL"},
	    {3, "NXDOMAIN"},   {4, "NOTIMP"},	{5, "REFUSED"},
	    {6, "YXDOMAIN"},   {7, "YXRRSET"},	{8, "NXRRSET"},
	    {9, "NOTAUTH"},    {10, "NOTZONE"}, {11, "DSOTYPENI"},
	    {12, "RCODE12"},   {15, "RCODE15"}, {16, "BADVERS"},
	    {17, "BADKEY"},    {18, "BADTIME"}, {19, "BADMODE"},
	    {20, "BADNAME"},   {21, "BADALG"},	{22, "BADTRUNC"},
	    {23, "BADCOOKIE"}, {24, "RCODE24"}, {4095, "RCODE4095"},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char buf[16];
		uint16_t back = 0xffff;
		assert_string_equal(dns_rcode_to_text(v[i].code, buf),
				    v[i].name);
		assert_int_equal(
		    dns_rcode_from_text(v[i].name, strlen(v[i].name), &back),
		    DNS_OK);
		assert_int_equal(back, v[i].code);
	}
	/* Every 12-bit code survives the round trip. */
	for (unsigned c = 0; c < 4096; c++) {
		char buf[16];
		uint16_t back = 0xffff;
		dns_rcode_to_text((uint16_t)c, buf);
		assert_int_equal(dns_rcode_from_text(buf, strlen(buf), &back),
				 DNS_OK);
		assert_int_equal(back, c);
	}
	uint16_t r;
	assert_int_equal(dns_rcode_from_text("badsig", 6, &r), DNS_OK);
	assert_int_equal(r, 16);
	assert_int_equal(dns_rcode_from_text("nxDomain", 8, &r), DNS_OK);
	assert_int_equal(r, 3);
	assert_int_equal(dns_rcode_from_text("RCODE4096", 9, &r), DNS_E_NUMBER);
	assert_int_equal(dns_rcode_from_text("RCODE", 5, &r), DNS_E_SYNTAX);
	assert_int_equal(dns_rcode_from_text("RCODE1x", 7, &r), DNS_E_SYNTAX);
	assert_int_equal(dns_rcode_from_text("NOERRORS", 8, &r), DNS_E_SYNTAX);
	/* Only len bytes are read. */
	assert_int_equal(dns_rcode_from_text("REFUSEDxyz", 7, &r), DNS_OK);
	assert_int_equal(r, 5);
}

static void test_opcode_mnemonics(void **state)
{
	(void)state;
	static const char *const want[16] = {
	    "QUERY",	"IQUERY",   "STATUS",	"OPCODE3",
	    "NOTIFY",	"UPDATE",   "DSO",	"OPCODE7",
	    "OPCODE8",	"OPCODE9",  "OPCODE10", "OPCODE11",
	    "OPCODE12", "OPCODE13", "OPCODE14", "OPCODE15",
	};
	for (uint8_t op = 0; op < 16; op++) {
		char buf[16];
		uint8_t back = 0xff;
		assert_string_equal(dns_opcode_to_text(op, buf), want[op]);
		assert_int_equal(
		    dns_opcode_from_text(want[op], strlen(want[op]), &back),
		    DNS_OK);
		assert_int_equal(back, op);
	}
	uint8_t op;
	assert_int_equal(dns_opcode_from_text("notify", 6, &op), DNS_OK);
	assert_int_equal(op, 4);
	assert_int_equal(dns_opcode_from_text("OPCODE16", 8, &op),
			 DNS_E_NUMBER);
	assert_int_equal(dns_opcode_from_text("FOO", 3, &op), DNS_E_SYNTAX);
}

static void test_extended_rcode(void **state)
{
	(void)state;
	/* BADVERS: header rcode 0, OPT TTL upper byte 1. */
	dns_edns_t e;
	assert_int_equal(dns_edns_from_rr(1232, 0x01000000u, NULL, 0, &e, NULL),
			 DNS_OK);
	assert_int_equal(dns_rcode_full(0, e.ext_rcode), DNS_RCODE_BADVERS);
	/* BADCOOKIE = 23: header 7 (YXRRSET alone), extended 1. */
	assert_int_equal(dns_rcode_full(7, 1), DNS_RCODE_BADCOOKIE);
	/* Only the low 4 bits of the header's value count. */
	assert_int_equal(dns_rcode_full(0x17, 1), 23);
	assert_int_equal(dns_rcode_full(15, 255), 4095);
	uint8_t hdr, ext;
	dns_rcode_split(DNS_RCODE_BADCOOKIE, &hdr, &ext);
	assert_int_equal(hdr, 7);
	assert_int_equal(ext, 1);
	dns_rcode_split(DNS_RCODE_BADVERS, &hdr, &ext);
	assert_int_equal(hdr, 0);
	assert_int_equal(ext, 1);
	dns_rcode_split(4095, &hdr, NULL);
	assert_int_equal(hdr, 15);
	for (unsigned c = 0; c < 4096; c++) {
		dns_rcode_split((uint16_t)c, &hdr, &ext);
		assert_int_equal(dns_rcode_full(hdr, ext), c);
	}
	char buf[16];
	assert_string_equal(dns_rcode_to_text(dns_rcode_full(7, 1), buf),
			    "BADCOOKIE");
}

static void test_option_mnemonics(void **state)
{
	(void)state;
	static const struct {
		uint16_t code;
		const char *name;
	} v[] = {
	    {1, "LLQ"},
	    {2, "UL"},
	    {3, "NSID"},
	    {5, "DAU"},
	    {6, "DHU"},
	    {7, "N3U"},
	    {8, "ECS"},
	    {9, "EXPIRE"},
	    {10, "COOKIE"},
	    {11, "TCP-KEEPALIVE"},
	    {12, "PADDING"},
	    {13, "CHAIN"},
	    {14, "KEY-TAG"},
	    {15, "EDE"},
	    {16, "CLIENT-TAG"},
	    {17, "SERVER-TAG"},
	    {18, "REPORT-CHANNEL"},
	    {19, "ZONEVERSION"},
	    {0, "OPT0"},
	    {4, "OPT4"},
	    {20, "OPT20"},
	    {65535, "OPT65535"},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char buf[16];
		uint16_t back = 0;
		assert_string_equal(dns_edns_opt_to_text(v[i].code, buf),
				    v[i].name);
		assert_int_equal(
		    dns_edns_opt_from_text(v[i].name, strlen(v[i].name), &back),
		    DNS_OK);
		assert_int_equal(back, v[i].code);
	}
	uint16_t c;
	assert_int_equal(dns_edns_opt_from_text("client-subnet", 13, &c),
			 DNS_OK);
	assert_int_equal(c, DNS_OPT_ECS);
	assert_int_equal(dns_edns_opt_from_text("KEEPALIVE", 9, &c), DNS_OK);
	assert_int_equal(c, DNS_OPT_KEEPALIVE);
	assert_int_equal(dns_edns_opt_from_text("pad", 3, &c), DNS_OK);
	assert_int_equal(c, DNS_OPT_PADDING);
	assert_int_equal(dns_edns_opt_from_text("OPT65536", 8, &c),
			 DNS_E_NUMBER);
	assert_int_equal(dns_edns_opt_from_text("SUBNET", 6, &c), DNS_E_SYNTAX);
}

static void test_ede_names(void **state)
{
	(void)state;
	assert_string_equal(dns_ede_name(0), "Other Error");
	assert_string_equal(dns_ede_name(6), "DNSSEC Bogus");
	assert_string_equal(dns_ede_name(18), "Prohibited");
	assert_string_equal(dns_ede_name(19), "Stale NXDomain Answer");
	assert_string_equal(dns_ede_name(24), "Invalid Data");
	assert_string_equal(dns_ede_name(27),
			    "Unsupported NSEC3 Iterations Value");
	assert_string_equal(dns_ede_name(29), "Synthesized");
	assert_string_equal(dns_ede_name(30), "Invalid Query Type");
	assert_null(dns_ede_name(31));
	assert_null(dns_ede_name(65535));
}

/* ---- builders -------------------------------------------------------- */

static void expect_bytes(const dns_wire_t *w, const char *hex)
{
	uint8_t want[256];
	size_t n = unhex(hex, want, sizeof(want));
	assert_int_equal(w->err, DNS_OK);
	assert_int_equal(w->pos, n);
	assert_memory_equal(w->out, want, n);
}

static void test_builders_exact(void **state)
{
	(void)state;
	uint8_t buf[256];
	const uint8_t v4[4] = {192, 0, 3, 255};
	const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0xff, 0xff, 0xff, 0xff,
				0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	const uint8_t client[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	const uint8_t server[8] = {0x11, 0x12, 0x13, 0x14,
				   0x15, 0x16, 0x17, 0x18};
	const uint16_t tags[2] = {1, 0x4f66};
	dns_name_t name;
	assert_int_equal(dns_name_from_str("example.com.", NULL, &name),
			 DNS_OK);

	dns_wire_t w = dns_wire_writer(buf, sizeof(buf));
	dns_edns_put_nsid(&w, NULL, 0);
	expect_bytes(&w, "0003 0000");

	w = dns_wire_writer(buf, sizeof(buf));
	dns_edns_put_ecs(&w, 1, 24, 0, v4);
	expect_bytes(&w, "0008 0007 0001 18 00 c00003");
	w = dns_wire_writer(buf, sizeof(buf));
	dns_edns_put_ecs(&w, 1, 23, 0, v4); /* bits past /23 cleared */
	expect_bytes(&w, "0008 0007 0001 17 00 c00002");
	w = dns_wire_writer(buf, sizeof(buf));
	dns_edns_put_ecs(&w, 1, 0, 0, v4);
	expect_bytes(&w, "0008 0004 0001 00 00");
	w = dns_wire_writer(buf, sizeof(buf));
	dns_edns_put_ecs(&w, 2, 56, 0, v6);
	expect_bytes(&w, "0008 000b 0002 38 00 20010db8ffffff");
	w = dns_wire_writer(buf, sizeof(buf));
	dns_edns_put_ecs(&w, 2, 33, 0, v6);
	expect_bytes(&w, "0008 0009 0002 21 00 20010db880");

	/* The raw variant writes an invalid /24 with 4 address bytes. */
	w = dns_wire_writer(buf, sizeof(buf));
	dns_edns_put_ecs_raw(&w, 1, 24, 0, v4, 4);
	expect_bytes(&w, "0008 0008 0001 18 00 c00003ff");
	w = dns_wire_writer(buf, sizeof(buf));
	dns_edns_put_ecs_raw(&w, 3, 200, 99, NULL, 0);
	expect_bytes(&w, "0008 0004 0003 c8 63");

	w = dns_wire_writer(buf, sizeof(buf));
	dns_edns_put_expire(&w, false, 0);
	dns_edns_put_expire(&w, true, 3600);
	expect_bytes(&w, "0009 0000 0009 0004 00000e10");

	w = dns_wire_writer(buf, sizeof(buf));
	dns_edns_put_cookie(&w, client, NULL, 0);
	dns_edns_put_cookie(&w, client, server, 8);
	expect_bytes(&w, "000a 0008 0102030405060708"
			 " 000a 0010 0102030405060708 1112131415161718");

	w = dns_wire_writer(buf, sizeof(buf));
	dns_edns_put_keepalive(&w, false, 0);
	dns_edns_put_keepalive(&w, true, 300);
	expect_bytes(&w, "000b 0000 000b 0002 012c");

	w = dns_wire_writer(buf, sizeof(buf));
	dns_edns_put_padding(&w, 3);
	dns_edns_put_padding(&w, 0);
	expect_bytes(&w, "000c 0003 000000 000c 0000");

	w = dns_wire_writer(buf, sizeof(buf));
	dns_edns_put_chain(&w, &name);
	expect_bytes(&w, "000d 000d 076578616d706c6503636f6d00");

	w = dns_wire_writer(buf, sizeof(buf));
	dns_edns_put_keytags(&w, tags, 2);
	dns_edns_put_keytags(&w, NULL, 0);
	expect_bytes(&w, "000e 0004 0001 4f66 000e 0000");

	w = dns_wire_writer(buf, sizeof(buf));
	dns_edns_put_ede(&w, 18, "text", 4);
	dns_edns_put_ede(&w, 6, NULL, 0);
	expect_bytes(&w, "000f 0006 0012 74657874 000f 0002 0006");

	w = dns_wire_writer(buf, sizeof(buf));
	dns_edns_put_opt(&w, 65001, "\x01\xff", 2);
	dns_edns_put_nsid(&w, (const uint8_t *)"ns1", 3);
	expect_bytes(&w, "fde9 0002 01ff 0003 0003 6e7331");
}

static void test_builders_refuse(void **state)
{
	(void)state;
	uint8_t buf[64];
	const uint8_t v4[4] = {192, 0, 2, 1};
	const uint8_t client[8] = {0};
	const uint8_t server[33] = {0};
	static const struct {
		uint16_t family;
		uint8_t source, scope;
	} bad_ecs[] = {
	    {3, 0, 0}, {0, 0, 0}, {1, 33, 0}, {1, 24, 33}, {2, 129, 0}};
	for (size_t i = 0; i < sizeof(bad_ecs) / sizeof(bad_ecs[0]); i++) {
		dns_wire_t w = dns_wire_writer(buf, sizeof(buf));
		assert_int_equal(dns_edns_put_ecs(&w, bad_ecs[i].family,
						  bad_ecs[i].source,
						  bad_ecs[i].scope, v4),
				 DNS_E_EDNS_OPTION);
		assert_int_equal(w.pos, 0);
	}
	dns_wire_t w = dns_wire_writer(buf, sizeof(buf));
	assert_int_equal(dns_edns_put_cookie(&w, client, server, 7),
			 DNS_E_EDNS_OPTION);
	w = dns_wire_writer(buf, sizeof(buf));
	assert_int_equal(dns_edns_put_cookie(&w, client, server, 33),
			 DNS_E_EDNS_OPTION);
	w = dns_wire_writer(buf, sizeof(buf));
	assert_int_equal(dns_edns_put_cookie(&w, client, server, 32), DNS_OK);
	assert_int_equal(w.pos, 4 + 40);

	/* No room: DNS_E_SPACE, nothing half-written, and the error sticks. */
	w = dns_wire_writer(buf, 10);
	assert_int_equal(dns_edns_put_padding(&w, 7), DNS_E_SPACE);
	assert_int_equal(w.pos, 0);
	assert_int_equal(dns_edns_put_nsid(&w, NULL, 0), DNS_E_SPACE);
	w = dns_wire_writer(buf, 10);
	assert_int_equal(dns_edns_put_padding(&w, 6), DNS_OK);
	assert_int_equal(w.pos, 10);

	/* An option longer than OPTION-LENGTH can say. */
	w = dns_wire_writer(buf, sizeof(buf));
	assert_int_equal(dns_edns_put_padding(&w, 65536), DNS_E_EDNS_OPTION);
}

/* What the builders make passes the checks, found by the iterator. */
static void test_builders_check(void **state)
{
	(void)state;
	uint8_t buf[512];
	const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, 0xab};
	const uint8_t client[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	const uint8_t server[32] = {9};
	const uint16_t tags[3] = {1, 2, 3};
	dns_name_t name;
	assert_int_equal(dns_name_from_str("a.example.", NULL, &name), DNS_OK);
	dns_wire_t w = dns_wire_writer(buf, sizeof(buf));
	dns_edns_put_nsid(&w, NULL, 0);
	dns_edns_put_ecs(&w, 2, 35, 0, v6);
	dns_edns_put_expire(&w, true, 60);
	dns_edns_put_cookie(&w, client, server, 32);
	dns_edns_put_keepalive(&w, true, 1);
	dns_edns_put_padding(&w, 17);
	dns_edns_put_chain(&w, &name);
	dns_edns_put_keytags(&w, tags, 3);
	dns_edns_put_ede(&w, 3, "stale", 5);
	assert_int_equal(w.err, DNS_OK);

	dns_edns_t e;
	assert_int_equal(
	    dns_edns_from_rr(1232, 0, buf, (uint16_t)w.pos, &e, NULL), DNS_OK);
	dns_error_t err = {0};
	assert_int_equal(dns_edns_check(&e, true, &err), DNS_OK);
	dns_edns_iter_t it;
	dns_edns_opt_t o;
	unsigned n = 0;
	dns_edns_iter_init(&it, e.opts, e.optlen);
	while (dns_edns_next(&it, &o, NULL)) {
		assert_int_equal(dns_edns_opt_check_soft(&o, NULL), DNS_OK);
		n++;
	}
	assert_int_equal(n, 9);
}

/* ---- dig text -------------------------------------------------------- */

/* Lines as dig 9.18.49 printed them, for responses (parsed) and, for the
 * malformed ones it refuses to parse, for its own +qr +ednsopt queries. */
static const struct {
	const char *hex;
	const char *line;
} dig_lines[] = {
    {"0003 0003 6e7331", "; NSID: 6e 73 31 (\"ns1\")"},
    {"0003 0000", "; NSID:"},
    {"0003 0004 c3a9225c", "; NSID: c3 a9 22 5c (\"..\"\\\")"},
    {"0008 0007 0001 18 00 0c0000", "; CLIENT-SUBNET: 12.0.0.0/24/0"},
    {"0008 0007 0001 18 19 c00002", "; CLIENT-SUBNET: 192.0.2.0/24/25"},
    {"0008 0004 0000 00 00", "; CLIENT-SUBNET: 0/0/0"},
    {"0008 0004 0001 00 05", "; CLIENT-SUBNET: 0.0.0.0/0/5"},
    {"0008 000c 0002 40 00 20010db800000000",
     "; CLIENT-SUBNET: 2001:db8::/64/0"},
    {"0008 0004 0002 00 00", "; CLIENT-SUBNET: ::/0/0"},
    {"0008 0007 0003 18 00 c00002", "; CLIENT-SUBNET: 00 03 18 00 c0 00 02 "},
    {"0008 0002 0001", "; CLIENT-SUBNET: 00 01 "},
    {"0009 0004 00015180", "; EXPIRE: 86400 (1 day)"},
    {"0009 0004 00000000", "; EXPIRE: 0 (0 seconds)"},
    {"0009 0004 00001518", "; EXPIRE: 5400 (1 hour 30 minutes)"},
    {"0009 0004 000016a8", "; EXPIRE: 5800 (1 hour 36 minutes 40 seconds)"},
    {"0009 0004 0000003d", "; EXPIRE: 61 (1 minute 1 second)"},
    {"0009 0000", "; EXPIRE:"},
    {"0009 0003 000e10", "; EXPIRE: 00 0e 10 (\"...\")"},
    {"000a 0008 0102030405060708", "; COOKIE: 0102030405060708"},
    {"000a 0010 0102030405060708090a0b0c0d0e0f10",
     "; COOKIE: 0102030405060708090a0b0c0d0e0f10"},
    {"000a 0007 01020304050607", "; COOKIE: 01020304050607"},
    {"000b 0002 012c", "; TCP KEEPALIVE: 30.0 secs"},
    {"000b 0002 0005", "; TCP KEEPALIVE: 0.5 secs"},
    {"000b 0000", "; TCP KEEPALIVE:"},
    {"000b 0001 00", "; TCP KEEPALIVE: 00 (\".\")"},
    {"000c 000c 000000000000000000000000", "; PAD: (12 bytes)"},
    {"000c 0002 0001", "; PAD: (2 bytes)"},
    {"000c 0000", "; PAD:"},
    {"000e 0004 00010002", "; KEY-TAG: 1, 2"},
    {"000e 0003 000100", "; KEY-TAG: 00 01 00 (\"...\")"},
    {"000f 0002 0012", "; EDE: 18 (Prohibited)"},
    {"000f 0006 0012 74657874", "; EDE: 18 (Prohibited): (text)"},
    {"000f 0004 0007 6162", "; EDE: 7 (Signature Expired): (ab)"},
    {"000f 0002 0018", "; EDE: 24 (Invalid Data)"},
    {"000f 0002 0013", "; EDE: 19 (Stale NXDOMAIN Answer)"},
    {"000f 0002 000a", "; EDE: 10 (RRSIGs Missing)"},
    {"000f 0002 0019", "; EDE: 25"},
    {"000f 0002 001e", "; EDE: 30"},
    {"000f 0005 0000 c3a961", "; EDE: 0 (Other): (\xc3\xa9"
			      "a)"},
    {"000f 0005 0012 610062", "; EDE: 18 (Prohibited): (a.b)"},
    {"000f 0004 0012 ff61", "; EDE: 18 (Prohibited): ff 61 (.a)"},
    {"000f 0001 00", "; EDE: 00 (\".\")"},
    {"000f 0000", "; EDE:"},
    {"0001 0012 0001 0002 0003 0000000000000001 00000e10",
     "; LLQ: Version: 1, Opcode: 2, Error: 3, Identifier: 1, "
     "Lifetime: 3600"},
    {"0001 0002 0001", "; LLQ: 00 01 (\"..\")"},
    {"000d 000d 076578616d706c6503636f6d00",
     "; OPT=13: 07 65 78 61 6d 70 6c 65 03 63 6f 6d 00 "
     "(\".example.com.\")"},
    {"000d 0002 c00c", "; OPT=13: c0 0c (\"..\")"},
    {"0005 0002 080d", "; OPT=5: 08 0d (\"..\")"},
    {"0006 0001 0e", "; OPT=6: 0e (\".\")"},
    {"0002 0004 0000012c", "; OPT=2: 00 00 01 2c (\"...,\")"},
    {"0010 0002 fffe", "; CLIENT-TAG: 65534"},
    {"0010 0001 01", "; CLIENT-TAG: 01 (\".\")"},
    {"0011 0002 fffe", "; SERVER-TAG: 65534"},
    {"0012 0009 076578616d706c6500",
     "; OPT=18: 07 65 78 61 6d 70 6c 65 00 (\".example.\")"},
    {"0013 0006 0000 01020304", "; OPT=19: 00 00 01 02 03 04 (\"......\")"},
    {"fde9 0002 01ff", "; OPT=65001: 01 ff (\"..\")"},
};

static void test_dig_lines(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(dig_lines) / sizeof(dig_lines[0]); i++) {
		uint8_t buf[128];
		char text[512];
		dns_edns_opt_t o = one_opt(dig_lines[i].hex, buf, sizeof(buf));
		dns_strbuf_t sb = dns_strbuf_init(text, sizeof(text));
		dns_edns_opt_to_dig(&o, &sb);
		assert_false(sb.over);
		if (strcmp(text, dig_lines[i].line) != 0)
			fail_msg("dig vector %zu (%s):\n got  [%s]\n want [%s]",
				 i, dig_lines[i].hex, text, dig_lines[i].line);
	}
}

static void test_dig_pseudosection(void **state)
{
	(void)state;
	static const struct {
		uint32_t ttl;
		const char *want;
	} v[] = {
	    {0x00000000u, "; EDNS: version: 0, flags:; udp: 1232\n"},
	    {0x00008000u, "; EDNS: version: 0, flags: do; udp: 1232\n"},
	    {0x0000c080u, "; EDNS: version: 0, flags: do co; MBZ: 0x0080, "
			  "udp: 1232\n"},
	    {0x00010000u, "; EDNS: version: 1, flags:; udp: 1232\n"},
	    {0x01000001u, "; EDNS: version: 0, flags:; MBZ: 0x0001, "
			  "udp: 1232\n"},
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char text[256];
		dns_edns_t e;
		assert_int_equal(
		    dns_edns_from_rr(1232, v[i].ttl, NULL, 0, &e, NULL),
		    DNS_OK);
		dns_strbuf_t sb = dns_strbuf_init(text, sizeof(text));
		dns_edns_to_dig(&e, &sb);
		assert_string_equal(text, v[i].want);
	}

	uint8_t rd[64];
	size_t n = unhex("0003 0003 6e7331  000f 0002 0012  000a 0005 0102", rd,
			 sizeof(rd));
	dns_edns_t e;
	char text[512];
	assert_int_equal(
	    dns_edns_from_rr(4096, 0x8000u, rd, (uint16_t)n, &e, NULL),
	    DNS_E_EDNS_OPTION);
	dns_strbuf_t sb = dns_strbuf_init(text, sizeof(text));
	dns_edns_to_dig(&e, &sb);
	assert_string_equal(text, "; EDNS: version: 0, flags: do; udp: 4096\n"
				  "; NSID: 6e 73 31 (\"ns1\")\n"
				  "; EDE: 18 (Prohibited)\n"
				  "; MALFORMED OPTION at offset 13\n");
}

/* ---- JSON ------------------------------------------------------------ */

static json_t *opt_json(const char *hex)
{
	uint8_t buf[128];
	dns_edns_opt_t o = one_opt(hex, buf, sizeof(buf));
	json_t *j = dns_edns_opt_to_json(&o);
	assert_non_null(j);
	assert_true(json_is_object(j));
	return j;
}

static void expect_int(json_t *obj, const char *key, json_int_t want)
{
	json_t *v = json_object_get(obj, key);
	if (!json_is_integer(v))
		fail_msg("\"%s\" missing or not an integer", key);
	assert_int_equal(json_integer_value(v), want);
}

static void expect_str(json_t *obj, const char *key, const char *want)
{
	json_t *v = json_object_get(obj, key);
	if (!json_is_string(v))
		fail_msg("\"%s\" missing or not a string", key);
	assert_string_equal(json_string_value(v), want);
}

static void test_json_options(void **state)
{
	(void)state;
	json_t *j = opt_json("0008 0007 0001 18 00 c00002");
	expect_int(j, "code", 8);
	expect_str(j, "name", "ECS");
	expect_int(j, "family", 1);
	expect_int(j, "source", 24);
	expect_int(j, "scope", 0);
	expect_str(j, "address", "192.0.2.0");
	expect_str(j, "data", "00011800c00002");
	assert_null(json_object_get(j, "error"));
	json_decref(j);

	j = opt_json("000a 0010 0102030405060708 a1a2a3a4a5a6a7a8");
	expect_int(j, "code", 10);
	expect_str(j, "name", "COOKIE");
	expect_str(j, "client", "0102030405060708");
	expect_str(j, "server", "a1a2a3a4a5a6a7a8");
	expect_str(j, "data", "0102030405060708a1a2a3a4a5a6a7a8");
	json_decref(j);

	j = opt_json("000a 0008 0102030405060708");
	expect_str(j, "client", "0102030405060708");
	assert_null(json_object_get(j, "server"));
	json_decref(j);

	j = opt_json("fde9 0002 01ff");
	expect_int(j, "code", 65001);
	expect_str(j, "name", "OPT65001");
	expect_str(j, "data", "01ff");
	assert_int_equal(json_object_size(j), 3);
	json_decref(j);

	j = opt_json("000f 0006 0012 74657874");
	expect_str(j, "name", "EDE");
	expect_int(j, "info_code", 18);
	expect_str(j, "info_name", "Prohibited");
	expect_str(j, "text", "text");
	json_decref(j);

	j = opt_json("0003 0003 6e7331");
	expect_str(j, "text", "ns1");
	expect_str(j, "data", "6e7331");
	json_decref(j);

	j = opt_json("0009 0004 00000e10");
	expect_int(j, "expire", 3600);
	json_decref(j);

	j = opt_json("000b 0002 012c");
	expect_int(j, "timeout", 300);
	json_decref(j);

	j = opt_json("000c 0003 000000");
	expect_int(j, "length", 3);
	json_decref(j);

	j = opt_json("000d 000d 076578616d706c6503636f6d00");
	expect_str(j, "name", "CHAIN");
	expect_str(j, "domain", "example.com.");
	json_decref(j);

	j = opt_json("0012 0009 076578616d706c6500");
	expect_str(j, "name", "REPORT-CHANNEL");
	expect_str(j, "domain", "example.");
	json_decref(j);

	j = opt_json("000e 0004 0001 4f66");
	json_t *tags = json_object_get(j, "key_tags");
	assert_true(json_is_array(tags));
	assert_int_equal(json_array_size(tags), 2);
	assert_int_equal(json_integer_value(json_array_get(tags, 1)), 0x4f66);
	json_decref(j);

	j = opt_json("0005 0002 080d");
	json_t *algs = json_object_get(j, "algorithms");
	assert_int_equal(json_array_size(algs), 2);
	assert_int_equal(json_integer_value(json_array_get(algs, 0)), 8);
	json_decref(j);

	j = opt_json("0013 0006 02 00 00000e10");
	expect_int(j, "label_count", 2);
	expect_int(j, "type", 0);
	expect_int(j, "serial", 3600);
	json_decref(j);

	/* A malformed option: "error" and data, no typed fields. */
	j = opt_json("0008 0008 0001 18 00 c0000200");
	expect_str(j, "name", "ECS");
	assert_non_null(strstr(json_string_value(json_object_get(j, "error")),
			       "needs exactly 3"));
	assert_null(json_object_get(j, "address"));
	expect_str(j, "data", "00011800c0000200");
	json_decref(j);

	/* EXTRA-TEXT that is not UTF-8 cannot be a JSON string. */
	j = opt_json("000f 0004 0012 61ff");
	assert_null(json_object_get(j, "text"));
	assert_non_null(json_object_get(j, "error"));
	json_decref(j);
}

static void test_json_whole(void **state)
{
	(void)state;
	uint8_t rd[64];
	size_t n =
	    unhex("0003 0000  0008 0007 0001 18 00 c00002", rd, sizeof(rd));
	dns_edns_t e;
	assert_int_equal(
	    dns_edns_from_rr(1232, 0x01008000u, rd, (uint16_t)n, &e, NULL),
	    DNS_OK);
	json_t *j = dns_edns_to_json(&e);
	assert_non_null(j);
	expect_int(j, "udp_size", 1232);
	expect_int(j, "version", 0);
	assert_true(json_is_true(json_object_get(j, "do")));
	expect_int(j, "flags", 0x8000);
	expect_int(j, "ext_rcode", 1);
	json_t *opts = json_object_get(j, "options");
	assert_true(json_is_array(opts));
	assert_int_equal(json_array_size(opts), 2);
	expect_str(json_array_get(opts, 0), "name", "NSID");
	expect_str(json_array_get(opts, 1), "address", "192.0.2.0");
	assert_null(json_object_get(j, "error"));
	json_decref(j);

	/* No DO; a cut TLV after one option. */
	n = unhex("0003 0000  000a 0010 0102", rd, sizeof(rd));
	assert_int_equal(
	    dns_edns_from_rr(512, 0x00000001u, rd, (uint16_t)n, &e, NULL),
	    DNS_E_EDNS_OPTION);
	j = dns_edns_to_json(&e);
	assert_non_null(j);
	assert_true(json_is_false(json_object_get(j, "do")));
	expect_int(j, "flags", 1);
	assert_int_equal(json_array_size(json_object_get(j, "options")), 1);
	assert_non_null(strstr(json_string_value(json_object_get(j, "error")),
			       "declares 16 bytes"));
	json_decref(j);
}

/* Out of memory (through dns_mem_alloc): NULL, nothing leaked. */
static void test_json_nomem(void **state)
{
	(void)state;
	uint8_t buf[32];
	dns_edns_opt_t o = one_opt("0003 0003 6e7331", buf, sizeof(buf));
	dns_mem_fail_after(0);
	json_t *j = dns_edns_opt_to_json(&o);
	dns_mem_fail_after(-1);
	assert_null(j);
	j = dns_edns_opt_to_json(&o);
	assert_non_null(j);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_valid_options),
	    cmocka_unit_test(test_invalid_options),
	    cmocka_unit_test(test_chain_name_too_long),
	    cmocka_unit_test(test_ecs_query_scope),
	    cmocka_unit_test(test_soft_padding),
	    cmocka_unit_test(test_iter_truncated_data),
	    cmocka_unit_test(test_iter_truncated_header),
	    cmocka_unit_test(test_iter_empty_and_null),
	    cmocka_unit_test(test_from_rr_fields),
	    cmocka_unit_test(test_from_rr_truncated),
	    cmocka_unit_test(test_edns_check_whole),
	    cmocka_unit_test(test_typed_views),
	    cmocka_unit_test(test_utf8),
	    cmocka_unit_test(test_rcode_mnemonics),
	    cmocka_unit_test(test_opcode_mnemonics),
	    cmocka_unit_test(test_extended_rcode),
	    cmocka_unit_test(test_option_mnemonics),
	    cmocka_unit_test(test_ede_names),
	    cmocka_unit_test(test_builders_exact),
	    cmocka_unit_test(test_builders_refuse),
	    cmocka_unit_test(test_builders_check),
	    cmocka_unit_test(test_dig_lines),
	    cmocka_unit_test(test_dig_pseudosection),
	    cmocka_unit_test(test_json_options),
	    cmocka_unit_test(test_json_whole),
	    cmocka_unit_test(test_json_nomem),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
