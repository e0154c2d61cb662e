/* test_rdata.c - the type table and the RDATA codecs (types.c, rdata.c).
 *
 * Round-trip vectors: the wire hex was produced independently by ldns
 * (ldns_rr_new_frm_str + ldns_rr_rdata2buffer_wire) and the text checked
 * against BIND 9.18's named-compilezone output (which splits long base64 and
 * hex at 56 characters where we print them whole, as dig +nosplit does).
 * NXT, NSAP-PTR (ldns stores it as a string; RFC 1706 makes it a name),
 * TSIG, TKEY and the edge cases at the end were computed by hand.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "dns/base.h"
#include "dns/rdata.h"
#include "dns/rdata_fields.h"
#include "dns/text.h"

#define BUF 70000

static uint8_t g_a[BUF], g_b[BUF];
static char g_text[BUF * 3];

/* ---- helpers --------------------------------------------------------------
 */

static uint16_t type_code(const char *s)
{
	uint16_t t = 0;
	assert_int_equal(dns_type_from_text(s, strlen(s), &t), DNS_OK);
	return t;
}

static size_t unhex(const char *hex, uint8_t *out)
{
	size_t n = 0, bad = 0;
	assert_int_equal(
	    dns_base16_decode(hex, strlen(hex), out, BUF, &n, &bad), DNS_OK);
	return n;
}

static void assert_hex(const uint8_t *p, size_t n, const char *hex)
{
	char got[BUF * 2 + 1];
	dns_base16_encode(p, n, got, sizeof(got));
	assert_string_equal(got, hex);
}

/* Parse text as RDATA of type; returns the code, length in *len. */
static dns_rc_t parse(uint16_t type, const char *text, const dns_name_t *origin,
		      uint8_t *out, size_t *len, dns_error_t *err)
{
	dns_tokens_t toks;
	dns_tokens_init(&toks);
	assert_int_equal(dns_tokenize(text, strlen(text), &toks, NULL), DNS_OK);
	dns_rc_t rc = dns_rdata_from_text(type, toks.v, toks.n, origin, out,
					  BUF, len, err);
	dns_tokens_free(&toks);
	return rc;
}

static const char *print(uint16_t type, const uint8_t *rd, size_t len)
{
	dns_strbuf_t sb = dns_strbuf_init(g_text, sizeof(g_text));
	dns_rdata_to_text(type, rd, len, &sb);
	assert_false(sb.over);
	return g_text;
}

/* Unpack len bytes of RDATA placed at offset `at` of a message buffer. */
static dns_rc_t unpack_at(uint16_t type, const uint8_t *rd, size_t len,
			  size_t at, uint8_t *out, size_t cap, size_t *outlen,
			  size_t *err_off)
{
	static uint8_t msg[BUF];
	memset(msg, 0, at);
	memcpy(msg + at, rd, len);
	dns_wire_t w = dns_wire_reader(msg, at + len);
	w.pos = at;
	dns_wire_t sub = dns_wire_sub(&w, len, DNS_E_RDATA_OVERRUN);
	dns_rc_t rc = dns_rdata_unpack(type, &sub, out, cap, outlen);
	assert_int_equal(rc, sub.err);
	*err_off = sub.err_off;
	return rc;
}

/* ---- round trips -------------------------------------------------------- */

typedef struct rt_case {
	const char *type;
	const char *text; /* presentation form exactly as printed */
	const char *hex;  /* stored (= uncompressed wire) form */
} rt_case_t;

static const rt_case_t rt_cases[] = {
    {"A", "192.0.2.1", "C0000201"},
    {"NS", "ns1.example.com.", "036E7331076578616D706C6503636F6D00"},
    {"MD", "md.example.com.", "026D64076578616D706C6503636F6D00"},
    {"MF", "mf.example.com.", "026D66076578616D706C6503636F6D00"},
    {"CNAME", "www.example.net.", "03777777076578616D706C65036E657400"},
    {"SOA",
     "ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 1209600 "
     "3600",
     "036E7331076578616D706C6503636F6D000A686F73746D6173746572076578616D706C650"
     "3636F6D0078A3F17500001C2000000E100012750000000E10"},
    {"MB", "mb.example.com.", "026D62076578616D706C6503636F6D00"},
    {"MG", "mg.example.com.", "026D67076578616D706C6503636F6D00"},
    {"MR", "mr.example.com.", "026D72076578616D706C6503636F6D00"},
    {"PTR", "host.example.com.", "04686F7374076578616D706C6503636F6D00"},
    {"HINFO", "\"INTEL-386\" \"UNIX\"", "09494E54454C2D33383604554E4958"},
    {"MINFO", "rmail.example.com. email.example.com.",
     "05726D61696C076578616D706C6503636F6D0005656D61696C076578616D706C6503636F6"
     "D00"},
    {"MX", "10 mail.example.com.", "000A046D61696C076578616D706C6503636F6D00"},
    {"TXT", "\"v=spf1 -all\" \"second \\\"quoted\\\" \\\\ str\\195\\169\"",
     "0B763D73706631202D616C6C177365636F6E64202271756F74656422205C20737472C3A"
     "9"},
    {"RP", "admin.example.com. txt.example.com.",
     "0561646D696E076578616D706C6503636F6D0003747874076578616D706C6503636F6D0"
     "0"},
    {"AFSDB", "1 afs.example.com.", "000103616673076578616D706C6503636F6D00"},
    {"X25", "\"311061700956\"", "0C333131303631373030393536"},
    {"ISDN", "\"150862028003217\" \"004\"",
     "0F31353038363230323830303332313703303034"},
    {"RT", "10 relay.example.com.",
     "000A0572656C6179076578616D706C6503636F6D00"},
    {"NSAP", "0x47000580005a0000000001e133ffffff00016100",
     "47000580005A0000000001E133FFFFFF00016100"},
    {"NSAP-PTR", "foo.example.com.", "03666F6F076578616D706C6503636F6D00"},
    {"SIG",
     "NXT 1 3 3600 20240101000000 20231201000000 2143 example.com. "
     "KRCCxvbvTC/NdmZBEyZbExVjz4IwtHbYFgD2Od1dJZ/"
     "h6c1PjPkiEgTM1OUjpj7f1HG0uC4jcE8Z4W3B0rRZMg==",
     "001E010300000E106592008065692200085F076578616D706C6503636F6D00291082C6F6E"
     "F4C2FCD76664113265B131563CF8230B476D81600F639DD5D259FE1E9CD4F8CF9221204CC"
     "D4E523A63EDFD471B4B82E23704F19E16DC1D2B45932"},
    {"KEY",
     "512 3 1 "
     "AQMFD5raczCJHViKtLYhWGz8hMY9UGRuniJDBzC7w0aRyzWZriO6i2odGWWQVucZqKVsENW91"
     "IOW4vqudngPZsY3GvQ/xVA8/7pyFj6b7Esga60zyGW6LFe9r8n6paHrlG5ojqf0BaqHT+8=",
     "020003010103050F9ADA7330891D588AB4B621586CFC84C63D50646E9E22430730BBC3469"
     "1CB3599AE23BA8B6A1D19659056E719A8A56C10D5BDD48396E2FAAE76780F66C6371AF43F"
     "C5503CFFBA72163E9BEC4B206BAD33C865BA2C57BDAFC9FAA5A1EB946E688EA7F405AA874"
     "FEF"},
    {"PX", "10 net2.it. PRMD-net2.ADMD-p400.C-it.",
     "000A046E657432026974000950524D442D6E6574320941444D442D7034303004432D69740"
     "0"},
    {"GPOS", "\"-32.6882\" \"116.8652\" \"10.0\"",
     "082D33322E36383832083131362E383635320431302E30"},
    {"AAAA", "2001:db8::1", "20010DB8000000000000000000000001"},
    {"NXT", "medium.example.com. A MX SIG NXT",
     "066D656469756D076578616D706C6503636F6D0040010082"},
    {"SRV", "0 5 5060 sipserver.example.com.",
     "0000000513C409736970736572766572076578616D706C6503636F6D00"},
    {"NAPTR", "100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.example.com.",
     "0064000A0153075349502B44325500045F736970045F756470076578616D706C6503636F6"
     "D00"},
    {"KX", "10 kx.example.com.", "000A026B78076578616D706C6503636F6D00"},
    {"CERT", "PGP 0 0 RkVHVy1KVC1UR1dPLUlTLUNPT0wtMTIzNDU2Nzg5MA==",
     "0003000000464547572D4A542D5447574F2D49532D434F4F4C2D3132333435363738393"
     "0"},
    {"DNAME", "example.net.", "076578616D706C65036E657400"},
    {"DS", "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118",
     "EC4505012BB183AF5F22588179A53B0A98631FAD1A292118"},
    {"SSHFP", "2 1 123456789ABCDEF67890123456789ABCDEF67890",
     "0201123456789ABCDEF67890123456789ABCDEF67890"},
    {"RRSIG",
     "A 8 2 3600 20240101000000 20231201000000 12345 example.com. "
     "oJB1W6WNGv+ldvQ3WDG0MQkg5IEhjRip8WTrPYGv07h108dUKGMeDPKijVCHX3DDKdfb+"
     "v6oB9wfuh3DTJXUAfI/M0zmO/"
     "zz8bW0Rznl8O3tGNazPwQKkRN20XPXV6nwwfoXmJQbsLNrLfkGJ5D6fwFm8nN+"
     "6pBzeDQfsS3Ap3o=",
     "0001080200000E1065920080656922003039076578616D706C6503636F6D00A090755BA58"
     "D1AFFA576F4375831B4310920E481218D18A9F164EB3D81AFD3B875D3C75428631E0CF2A2"
     "8D50875F70C329D7DBFAFEA807DC1FBA1DC34C95D401F23F334CE63BFCF3F1B5B44739E5F"
     "0EDED18D6B33F040A911376D173D757A9F0C1FA1798941BB0B36B2DF9062790FA7F0166F2"
     "737EEA907378341FB12DC0A77A"},
    {"NSEC", "host.example.com. A MX RRSIG NSEC TYPE1234",
     "04686F7374076578616D706C6503636F6D000006400100000003041B00000000000000000"
     "0000000000000000000000000000000000020"},
    {"DNSKEY",
     "257 3 8 "
     "AwEAAagAIKlVZrpC6Ia7gEzahOR+"
     "9W29euxhJhVVLOyQbSEW0O8gcCjFFVQUTf6v58fLjwBd0YI0EzrAcQqBGCzh/"
     "RStIoO8g0NfnfL2MTJRkxoXbfDaUeVPQuYEhg37NZWAJQ9VnMVDxP/VHL496M/QZxkjf5/"
     "Efucp2gaDX6RS6CXpoY68LsvPVjR0ZSwzz1apAzvN9dlzEheX7ICJBBtuA6G3LQpzW5hOA2hz"
     "CTMjJPJ8LbqF6dsV6DoBQzgul0sGIcGOYl7OyQdXfZ57relSQageu+"
     "ipAdTTJ25AsRTAoub8ONGcLmqrAmRLKBP1dfwhYB4N7knNnulqQxA+Uk1ihz0=",
     "0101030803010001A80020A95566BA42E886BB804CDA84E47EF56DBD7AEC612615552CEC9"
     "06D2116D0EF207028C51554144DFEAFE7C7CB8F005DD18234133AC0710A81182CE1FD14AD"
     "2283BC83435F9DF2F6313251931A176DF0DA51E54F42E604860DFB359580250F559CC543C"
     "4FFD51CBE3DE8CFD06719237F9FC47EE729DA06835FA452E825E9A18EBC2ECBCF56347465"
     "2C33CF56A9033BCDF5D973121797EC8089041B6E03A1B72D0A735B984E03687309332324F"
     "27C2DBA85E9DB15E83A0143382E974B0621C18E625ECEC907577D9E7BADE95241A81EBBE8"
     "A901D4D3276E40B114C0A2E6FC38D19C2E6AAB02644B2813F575FC21601E0DEE49CD9EE96"
     "A43103E524D62873D"},
    {"DHCID", "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA=",
     "000201636FC0B8271C82825BB1AC5C41CF5351AA69B4FEBD94E8F17CDB95000DA48C40"},
    {"NSEC3", "1 1 12 AABBCCDD 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S A RRSIG",
     "0101000C04AABBCCDD1417F3DF17B2B2ADAEF615257DE4D2020B80AC6C7C0006400000000"
     "002"},
    {"NSEC3PARAM", "1 0 10 D399EAAB", "0100000A04D399EAAB"},
    {"TLSA",
     "3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6",
     "0301010C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6"},
    {"SMIMEA",
     "3 1 1 0C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6",
     "0301010C72AC70B745AC19998811B131D662C9AC69DBDBE7CB23E5B514B56664C5D3D6"},
    {"CDS",
     "60485 8 2 "
     "D4B7D520E7BB5F0F67674A0CCEB1E3E0614B93C4F9E99B8383F6A1E4469DA50A",
     "EC450802D4B7D520E7BB5F0F67674A0CCEB1E3E0614B93C4F9E99B8383F6A1E4469DA50"
     "A"},
    {"CDNSKEY",
     "257 3 13 "
     "mdsswUyr3DPW132mOi8V9xESWE8jTo0dxCjjnopKl+GqJxpVXckHAeF+"
     "KkxLbxILfDLUT0rAK9iUzy1L53eKGQ==",
     "0101030D99DB2CC14CABDC33D6D77DA63A2F15F71112584F234E8D1DC428E39E8A4A97E1A"
     "A271A555DC90701E17E2A4C4B6F120B7C32D44F4AC02BD894CF2D4BE7778A19"},
    {"OPENPGPKEY", "mQENBFVHm5sBCADS", "99010D0455479B9B010800D2"},
    {"CSYNC", "66 3 A NS AAAA", "000000420003000460000008"},
    {"ZONEMD",
     "2018031900 1 1 "
     "FEBE3D4CE2EC2FFA4BA99D46CD69D6D29711E55217057BEE7EB1A7B641A47BA7FED2DD5B9"
     "7AE499FAFA4F22C6BD647DE",
     "7848B91C0101FEBE3D4CE2EC2FFA4BA99D46CD69D6D29711E55217057BEE7EB1A7B641A47"
     "BA7FED2DD5B97AE499FAFA4F22C6BD647DE"},
    {"AVC", "\"app-name:WOLFGANG|app-class:OAM\" \"business=yes\"",
     "1F6170702D6E616D653A574F4C4647414E477C6170702D636C6173733A4F414D"
     "0C627573696E6573733D796573"},
    {"SPF", "\"v=spf1 ip4:192.0.2.0/24 -all\"",
     "1C763D73706631206970343A3139322E302E322E302F3234202D616C6C"},
    {"NID", "10 14:4fff:ff20:ee64", "000A00144FFFFF20EE64"},
    {"L32", "10 10.1.2.0", "000A0A010200"},
    {"L64", "10 2001:db8:1140:1000", "000A20010DB811401000"},
    {"LP", "10 l64-subnet1.example.com.",
     "000A0B6C36342D7375626E657431076578616D706C6503636F6D00"},
    {"EUI48", "00-00-5e-00-53-2a", "00005E00532A"},
    {"EUI64", "00-00-5e-ef-10-00-00-2a", "00005EEF1000002A"},
    {"URI", "10 1 \"ftp://ftp1.example.com/public\"",
     "000A00016674703A2F2F667470312E6578616D706C652E636F6D2F7075626C6963"},
    {"CAA", "0 issue \"ca.example.net; account=230123\"",
     "0005697373756563612E6578616D706C652E6E65743B206163636F756E743D32333031323"
     "3"},
    {"DLV", "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118",
     "EC4505012BB183AF5F22588179A53B0A98631FAD1A292118"},
    {"TSIG",
     "hmac-sha256. 1700000000 300 32 "
     "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8= 4660 NOERROR 0",
     "0B686D61632D7368613235360000006553F100012C0020000102030405060708090A0B0C0"
     "D0E0F101112131415161718191A1B1C1D1E1F123400000000"},
    {"TSIG", "hmac-sha256. 1700000000 300 0 4660 BADTIME 6 AABlU/EA",
     "0B686D61632D7368613235360000006553F100012C000012340012000600006553F100"},
    {"TKEY", "gss-tsig. 1700000000 1700003600 3 NOERROR 4 AQIDBA== 0",
     "086773732D74736967006553F1006553FF10000300000004010203040000"},
    {"NSEC3", "1 0 0 - 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S",
     "01000000001417F3DF17B2B2ADAEF615257DE4D2020B80AC6C7C"},
    {"NSEC3PARAM", "1 0 0 -", "0100000000"},
    {"KEY", "49152 3 1", "C0000301"},
    {"ISDN", "\"150862028003217\"", "0F313530383632303238303033323137"},
    {"CAA", "128 tbs \"\"", "8003746273"},
    {"NULL", "\\# 4 DEADBEEF", "DEADBEEF"},
    {"NULL", "\\# 0", ""},
    {"OPT", "\\# 8 0003000461626364", "0003000461626364"},
    {"OPT", "\\# 0", ""},
    {"ANY", "\\# 0", ""},
    {"TYPE1234", "\\# 3 010203", "010203"},
    {"TYPE65535", "\\# 0", ""},
    {"A", "0.0.0.0", "00000000"},
    {"AAAA", "::ffff:192.0.2.1", "00000000000000000000FFFFC0000201"},
    {"TXT", "\"\"", "00"},
    {"NS", ".", "00"},
    {"SIG", "TYPE0 5 0 0 19700101000000 20380119031408 65535 . AA==",
     "00000500000000000000000080000000FFFF0000"},
    {"CERT", "URI 0 RSASHA256 aHR0cDovL2V4YW1wbGUuY29tLw==",
     "00FD000008687474703A2F2F6578616D706C652E636F6D2F"},
    {"TXT", "\"a;b(c)@$\"", "08613B622863294024"},
    {"CSYNC", "66 0", "000000420000"},
    {"IXFR", "\\# 0", ""},
    {"AXFR", "\\# 0", ""},
    {"MAILB", "\\# 0", ""},
    {"MAILA", "\\# 2 ABCD", "ABCD"},
};

#define N_RT (sizeof(rt_cases) / sizeof(rt_cases[0]))

/* text -> stored -> text */
static void test_text_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_RT; i++) {
		const rt_case_t *c = &rt_cases[i];
		uint16_t type = type_code(c->type);
		size_t len = 0;
		dns_error_t err = {0};
		print_message("%s %s\n", c->type, c->text);
		assert_int_equal(parse(type, c->text, NULL, g_a, &len, &err),
				 DNS_OK);
		assert_hex(g_a, len, c->hex);
		assert_string_equal(print(type, g_a, len), c->text);
	}
}

/* wire -> stored -> text -> stored, byte-exact */
static void test_wire_round_trip(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_RT; i++) {
		const rt_case_t *c = &rt_cases[i];
		uint16_t type = type_code(c->type);
		size_t n = unhex(c->hex, g_a), len = 0, off = 0, len2 = 0;
		print_message("%s %s\n", c->type, c->hex);
		assert_int_equal(
		    unpack_at(type, g_a, n, 12, g_b, BUF, &len, &off), DNS_OK);
		assert_memory_equal(g_b, g_a, n);
		assert_int_equal(len, n);
		const char *text = print(type, g_b, len);
		assert_string_equal(text, c->text);
		assert_int_equal(parse(type, text, NULL, g_a, &len2, NULL),
				 DNS_OK);
		assert_int_equal(len2, n);
		assert_memory_equal(g_a, g_b, n);
	}
}

/* stored -> \# generic -> stored, under the mnemonic and under TYPEnnn */
static void test_generic_round_trip(void **state)
{
	(void)state;
	char generic[BUF * 3];
	for (size_t i = 0; i < N_RT; i++) {
		const rt_case_t *c = &rt_cases[i];
		uint16_t type = type_code(c->type);
		size_t n = unhex(c->hex, g_a), len = 0;
		dns_strbuf_t sb = dns_strbuf_init(generic, sizeof(generic));
		dns_rdata_to_generic(g_a, n, &sb);
		char want[32];
		snprintf(want, sizeof(want), "\\# %zu", n);
		assert_memory_equal(generic, want, strlen(want));
		assert_string_equal(generic + strlen(want) + (n ? 1 : 0),
				    c->hex);
		char tname[16];
		snprintf(tname, sizeof(tname), "TYPE%u", (unsigned)type);
		assert_int_equal(type_code(tname), type);
		assert_int_equal(parse(type, generic, NULL, g_b, &len, NULL),
				 DNS_OK);
		assert_int_equal(len, n);
		assert_memory_equal(g_b, g_a, n);
	}
}

static bool is_special(const dns_type_info_t *ti)
{
	return ti->fields[0] == '!';
}

/* Every non-special row of the table has at least one vector above. */
static void test_every_type_covered(void **state)
{
	(void)state;
	size_t n = 0;
	const dns_type_info_t *tab = dns_type_table(&n);
	assert_true(n >= 70);
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			assert_true(tab[i - 1].code < tab[i].code);
		if (is_special(&tab[i]))
			continue;
		bool found = false;
		for (size_t k = 0; k < N_RT && !found; k++)
			found = type_code(rt_cases[k].type) == tab[i].code;
		print_message("%s\n", tab[i].name);
		assert_true(found);
	}
}

/* Special types (rdata_special.c) must at least survive \# both ways,
 * whether or not their ops are linked in. */
static void test_special_generic(void **state)
{
	(void)state;
	static const rt_case_t cases[] = {
	    {"WKS", "\\# 9 C00002010600000040", "C00002010600000040"},
	    {"LOC", "\\# 16 00121613800000008000000000989680",
	     "00121613800000008000000000989680"},
	    {"APL", "\\# 0", ""},
	    {"IPSECKEY", "\\# 3 0A0000", "0A0000"},
	    {"HIP", "\\# 24 100200042001001000000000000000000000000101020304",
	     "100200042001001000000000000000000000000101020304"},
	    {"A6", "\\# 17 0020010DB8000000000000000000000001",
	     "0020010DB8000000000000000000000001"},
	    {"SVCB", "\\# 3 000000", "000000"},
	    {"HTTPS", "\\# 3 000000", "000000"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint16_t type = type_code(cases[i].type);
		size_t len = 0, len2 = 0;
		print_message("%s\n", cases[i].type);
		assert_true(is_special(dns_type_info(type)));
		assert_int_equal(
		    parse(type, cases[i].text, NULL, g_a, &len, NULL), DNS_OK);
		assert_hex(g_a, len, cases[i].hex);
		const char *text = print(type, g_a, len);
		/* Non-empty data reaches the special printer. */
		if (len > 0)
			assert_memory_not_equal(text, "\\# ", 3);
		assert_int_equal(parse(type, text, NULL, g_b, &len2, NULL),
				 DNS_OK);
		assert_int_equal(len2, len);
		assert_memory_equal(g_a, g_b, len);
	}
	/* \# data for a special type is validated by its own unpack. */
	dns_error_t err = {0};
	size_t len = 9;
	assert_int_equal(
	    parse(type_code("WKS"), "\\# 3 C00002", NULL, g_a, &len, &err),
	    DNS_E_RDATA_SHORT);
	assert_int_equal(err.col, 1);
}

/* Mutated copies of the vectors: whatever unpacks must print and parse
 * back to the same bytes (special types are rdata_special.c's tests). */
static void test_mutated_round_trip(void **state)
{
	(void)state;
	uint32_t seed = 12345;
	unsigned accepted = 0;
	for (unsigned it = 0; it < 20000; it++) {
		seed = seed * 1103515245u + 12345u;
		const rt_case_t *c = &rt_cases[(seed >> 8) % N_RT];
		uint16_t type = type_code(c->type);
		size_t n = unhex(c->hex, g_a), len = 0, off = 0, len2 = 0;
		for (unsigned k = 0; k < (seed >> 4) % 4 && n > 0; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % n;
			if (seed % 3 == 0)
				n = at;
			else
				g_a[at] ^= (uint8_t)(1u << (seed >> 28) % 8);
		}
		if (unpack_at(type, g_a, n, 12, g_b, BUF, &len, &off) != DNS_OK)
			continue;
		accepted++;
		assert_int_equal(len, n);
		const char *text = print(type, g_b, len);
		dns_error_t err = {0};
		if (parse(type, text, NULL, g_a, &len2, &err) != DNS_OK)
			fail_msg("%s [%s] does not parse back: %s col %u",
				 c->type, text, dns_rc_name(err.code), err.col);
		assert_int_equal(len2, len);
		assert_memory_equal(g_a, g_b, len);
	}
	assert_true(accepted > 5000);
}

/* ---- compression ------------------------------------------------------- */

typedef struct pack_case {
	const char *type, *text;
	dns_pack_mode_t mode;
	const char *hex; /* after the owner example.com. at offset 12 */
} pack_case_t;

static const pack_case_t pack_cases[] = {
    {"MX", "10 mail.example.com.", DNS_PACK_STANDARD, "000A046D61696CC00C"},
    {"MX", "10 mail.example.com.", DNS_PACK_FORCE, "000A046D61696CC00C"},
    {"MX", "10 mail.example.com.", DNS_PACK_PLAIN,
     "000A046D61696C076578616D706C6503636F6D00"},
    {"NS", "ns1.example.com.", DNS_PACK_STANDARD, "036E7331C00C"},
    {"SOA",
     "ns1.example.com. hostmaster.example.com. 2024010101 7200 3600 "
     "1209600 3600",
     DNS_PACK_STANDARD,
     "036E7331C00C0A686F73746D6173746572C00C78A3F17500001C2000000E10001275"
     "0000000E10"},
    {"SRV", "0 5 5060 sipserver.example.com.", DNS_PACK_STANDARD,
     "0000000513C409736970736572766572076578616D706C6503636F6D00"},
    {"SRV", "0 5 5060 sipserver.example.com.", DNS_PACK_FORCE,
     "0000000513C409736970736572766572C00C"},
    {"RRSIG",
     "A 8 2 3600 20240101000000 20231201000000 12345 example.com. AAAA",
     DNS_PACK_STANDARD,
     "0001080200000E1065920080656922003039076578616D706C6503636F6D00"
     "000000"},
    {"RRSIG",
     "A 8 2 3600 20240101000000 20231201000000 12345 example.com. AAAA",
     DNS_PACK_FORCE, "0001080200000E1065920080656922003039C00C000000"},
    {"NSEC", "host.example.com. A RRSIG NSEC", DNS_PACK_STANDARD,
     "04686F7374076578616D706C6503636F6D000006400000000003"},
    {"NSEC", "host.example.com. A RRSIG NSEC", DNS_PACK_FORCE,
     "04686F7374C00C0006400000000003"},
    {"DNAME", "example.com.", DNS_PACK_STANDARD, "076578616D706C6503636F6D00"},
    {"DNAME", "example.com.", DNS_PACK_FORCE, "C00C"},
    {"TXT", "\"example\"", DNS_PACK_FORCE, "076578616D706C65"},
};

static void test_pack_compression(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(pack_cases) / sizeof(pack_cases[0]);
	     i++) {
		const pack_case_t *c = &pack_cases[i];
		uint16_t type = type_code(c->type);
		uint8_t msg[1024] = {0};
		size_t len = 0;
		dns_name_t owner;
		dns_compress_t cz;
		print_message("%s %d\n", c->type, (int)c->mode);
		assert_int_equal(parse(type, c->text, NULL, g_a, &len, NULL),
				 DNS_OK);
		dns_compress_init(&cz);
		dns_wire_t w = dns_wire_writer(msg, sizeof(msg));
		w.pos = 12;
		assert_int_equal(
		    dns_name_from_str("example.com.", NULL, &owner), DNS_OK);
		assert_int_equal(dns_name_pack(&w, &owner, &cz), DNS_OK);
		size_t at = w.pos;
		assert_int_equal(
		    dns_rdata_pack(type, g_a, len, &w, &cz, c->mode), DNS_OK);
		assert_hex(msg + at, w.pos - at, c->hex);
	}
}

/* Stored form that does not fit the layout goes out verbatim. */
static void test_pack_invalid_verbatim(void **state)
{
	(void)state;
	uint8_t rd[] = {0x00, 0x0a, 0xc0, 0x0c}; /* MX with a pointer */
	uint8_t msg[64];
	dns_compress_t cz;
	dns_compress_init(&cz);
	dns_wire_t w = dns_wire_writer(msg, sizeof(msg));
	assert_int_equal(dns_rdata_pack(DNS_T_MX, rd, sizeof(rd), &w, &cz,
					DNS_PACK_STANDARD),
			 DNS_OK);
	assert_int_equal(w.pos, sizeof(rd));
	assert_memory_equal(msg, rd, sizeof(rd));
	w = dns_wire_writer(msg, 3);
	assert_int_equal(
	    dns_rdata_pack(DNS_T_MX, rd, sizeof(rd), &w, NULL, DNS_PACK_PLAIN),
	    DNS_E_SPACE);
}

typedef struct ptr_case {
	const char *type;
	const char *hex; /* RDATA placed after example.com. at offset 12 */
	dns_rc_t rc;
	size_t off;	 /* error offset in the message */
	const char *out; /* stored form on success */
} ptr_case_t;

static const ptr_case_t ptr_cases[] = {
    {"RRSIG", "0001080200000E1065920080656922003039C00C000000",
     DNS_E_PTR_FORBIDDEN, 25 + 18, NULL},
    {"NSEC", "04686F7374C00C0006400000000003", DNS_E_PTR_FORBIDDEN, 25 + 5,
     NULL},
    {"DNAME", "C00C", DNS_E_PTR_FORBIDDEN, 25, NULL},
    {"KX", "000AC00C", DNS_E_PTR_FORBIDDEN, 27, NULL},
    {"SRV", "0000000513C409736970736572766572C00C", DNS_OK, 0,
     "0000000513C409736970736572766572076578616D706C6503636F6D00"},
    {"MX", "000A046D61696CC00C", DNS_OK, 0,
     "000A046D61696C076578616D706C6503636F6D00"},
    {"SOA", "C00CC00C0000000100000002000000030000000400000005", DNS_OK, 0,
     "076578616D706C6503636F6D00076578616D706C6503636F6D00"
     "0000000100000002000000030000000400000005"},
    {"MX", "000AC01C", DNS_E_PTR_FORWARD, 27, NULL},
};

static void test_unpack_pointers(void **state)
{
	(void)state;
	static const uint8_t owner[] = {7,   'e', 'x', 'a', 'm', 'p', 'l',
					'e', 3,	  'c', 'o', 'm', 0};
	for (size_t i = 0; i < sizeof(ptr_cases) / sizeof(ptr_cases[0]); i++) {
		const ptr_case_t *c = &ptr_cases[i];
		uint8_t msg[256] = {0};
		size_t n = unhex(c->hex, g_a), len = 0;
		print_message("%s %s\n", c->type, c->hex);
		memcpy(msg + 12, owner, sizeof(owner));
		memcpy(msg + 25, g_a, n);
		dns_wire_t w = dns_wire_reader(msg, 25 + n);
		w.pos = 25;
		dns_wire_t rd = dns_wire_sub(&w, n, DNS_E_RDATA_OVERRUN);
		dns_rc_t rc =
		    dns_rdata_unpack(type_code(c->type), &rd, g_b, BUF, &len);
		assert_int_equal(rc, c->rc);
		if (rc != DNS_OK) {
			assert_int_equal(rd.err_off, c->off);
			continue;
		}
		assert_int_equal(rd.pos, rd.end);
		assert_hex(g_b, len, c->out);
	}
}

static void test_unpack_space(void **state)
{
	(void)state;
	size_t n = unhex("000A046D61696C076578616D706C6503636F6D00", g_a);
	size_t len = 99, off = 0;
	assert_int_equal(
	    unpack_at(DNS_T_MX, g_a, n, 12, g_b, n - 1, &len, &off),
	    DNS_E_SPACE);
	assert_int_equal(len, 0);
	assert_int_equal(unpack_at(DNS_T_MX, g_a, n, 12, g_b, n, &len, &off),
			 DNS_OK);
	assert_int_equal(len, n);
}

/* SOA, A and AAAA take shortcuts in dns_rdata_unpack that check and write
 * what the walk of their rows does: the rows are what the shortcuts
 * assume, and the shortcuts fail as the walk does, whatever the room. */
static void test_unpack_shortcuts(void **state)
{
	(void)state;
	const dns_type_info_t *soa = dns_type_info(DNS_T_SOA);
	assert_string_equal(
	    soa->fields,
	    F_NAME F_NAME F_U32 F_PERIOD F_PERIOD F_PERIOD F_PERIOD);
	assert_int_not_equal(soa->cc, DNS_CC_NONE);
	assert_string_equal(dns_type_info(DNS_T_A)->fields, F_IPV4);
	assert_string_equal(dns_type_info(DNS_T_AAAA)->fields, F_IPV6);
	/* the SOA of the pointer cases, every room up to its stored form:
	 * the names go through a buffer when short of DNS_NAME_MAXLEN */
	static const uint8_t owner[] = {7,   'e', 'x', 'a', 'm', 'p', 'l',
					'e', 3,	  'c', 'o', 'm', 0};
	uint8_t msg[256] = {0};
	size_t n = unhex("C00C03776B77C00C0000000100000002000000030000000400"
			 "000005",
			 g_a);
	memcpy(msg + 12, owner, sizeof(owner));
	memcpy(msg + 25, g_a, n);
	const char *want = "076578616D706C6503636F6D00"
			   "03776B77076578616D706C6503636F6D00"
			   "0000000100000002000000030000000400000005";
	for (size_t cap = 0; cap <= 60; cap++) {
		dns_wire_t w = dns_wire_reader(msg, 25 + n);
		w.pos = 25;
		dns_wire_t rd = dns_wire_sub(&w, n, DNS_E_RDATA_OVERRUN);
		size_t len = 99;
		dns_rc_t rc = dns_rdata_unpack(DNS_T_SOA, &rd, g_b, cap, &len);
		if (cap < strlen(want) / 2) {
			assert_int_equal(rc, DNS_E_SPACE);
			assert_int_equal(len, 0);
			continue;
		}
		assert_int_equal(rc, DNS_OK);
		assert_int_equal(rd.pos, rd.end);
		assert_hex(g_b, len, want);
	}
	/* the fixed part one short, one long; a bad pointer in each name */
	static const struct {
		const char *hex;
		dns_rc_t rc;
		size_t off; /* within the RDATA */
	} bad[] = {
	    {"C00CC00C00000001000000020000000300000004000000",
	     DNS_E_RDATA_SHORT, 20},
	    {"C00CC00C000000010000000200000003000000040000000506",
	     DNS_E_RDATA_TRAILING, 24},
	    {"C0FFC00C0000000100000002000000030000000400000005",
	     DNS_E_PTR_RANGE, 0},
	    {"C00CC01D0000000100000002000000030000000400000005",
	     DNS_E_PTR_FORWARD, 2},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		n = unhex(bad[i].hex, g_a);
		memcpy(msg + 25, g_a, n);
		dns_wire_t w = dns_wire_reader(msg, 25 + n);
		w.pos = 25;
		dns_wire_t rd = dns_wire_sub(&w, n, DNS_E_RDATA_OVERRUN);
		size_t len = 99;
		print_message("SOA %s\n", bad[i].hex);
		assert_int_equal(
		    dns_rdata_unpack(DNS_T_SOA, &rd, g_b, BUF, &len),
		    bad[i].rc);
		assert_int_equal(rd.err_off, 25 + bad[i].off);
		assert_int_equal(len, 0);
	}
	/* A and AAAA: the room, and one byte more or less */
	for (size_t k = 0; k < 2; k++) {
		uint16_t type = k == 0 ? DNS_T_A : DNS_T_AAAA;
		size_t fixed = k == 0 ? 4 : 16, len = 0, off = 0;
		memset(g_a, 0xab, fixed + 1);
		assert_int_equal(
		    unpack_at(type, g_a, fixed, 12, g_b, fixed - 1, &len, &off),
		    DNS_E_SPACE);
		assert_int_equal(
		    unpack_at(type, g_a, fixed, 12, g_b, fixed, &len, &off),
		    DNS_OK);
		assert_int_equal(len, fixed);
		assert_memory_equal(g_b, g_a, fixed);
		assert_int_equal(
		    unpack_at(type, g_a, fixed + 1, 12, g_b, BUF, &len, &off),
		    DNS_E_RDATA_TRAILING);
		assert_int_equal(off, 12 + fixed);
		assert_int_equal(
		    unpack_at(type, g_a, fixed - 1, 12, g_b, BUF, &len, &off),
		    DNS_E_RDATA_SHORT);
		assert_int_equal(off, 12);
	}
}

/* ---- malformed wire --------------------------------------------------------
 */

typedef struct bad_wire {
	const char *what, *type, *hex;
	dns_rc_t rc;
	size_t off; /* offset within the RDATA */
} bad_wire_t;

#define L63                                                                    \
	"3F"                                                                   \
	"41414141414141414141414141414141414141414141414141414141414141414141" \
	"4141414141414141414141414141414141414141414141414141414141"

#define SOA_HEX                                                                \
	"036E7331076578616D706C6503636F6D000A686F73746D6173746572076578616D70" \
	"6C6503636F6D0078A3F17500001C2000000E100012750000000E10"

static const bad_wire_t bad_wire[] = {
    {"A trailing byte", "A", "C000020101", DNS_E_RDATA_TRAILING, 4},
    {"A short", "A", "C00002", DNS_E_RDATA_SHORT, 0},
    {"A empty", "A", "", DNS_E_RDATA_SHORT, 0},
    {"AAAA short", "AAAA", "20010DB8", DNS_E_RDATA_SHORT, 0},
    {"MX name past RDLENGTH", "MX", "000A046D61", DNS_E_RDATA_SHORT, 2},
    {"MX no name", "MX", "000A", DNS_E_RDATA_SHORT, 2},
    {"MX half a preference", "MX", "00", DNS_E_RDATA_SHORT, 0},
    {"SOA short by one", "SOA", SOA_HEX, DNS_E_RDATA_SHORT, 57},
    {"TXT empty", "TXT", "", DNS_E_RDATA_SHORT, 0},
    {"TXT string past end", "TXT", "0261620463", DNS_E_RDATA_SHORT, 3},
    {"NAPTR string past end", "NAPTR", "0064000A0153075349502B443255106162",
     DNS_E_RDATA_SHORT, 14},
    {"DNSKEY empty key", "DNSKEY", "01010308", DNS_E_RDATA_SHORT, 4},
    {"CDNSKEY empty key", "CDNSKEY", "01010308", DNS_E_RDATA_SHORT, 4},
    {"RRSIG empty signature", "RRSIG", "0001080200000E106592008065692200303900",
     DNS_E_RDATA_SHORT, 19},
    {"DS sha1 19 bytes", "DS", "EC4505012BB183AF5F22588179A53B0A98631FAD1A2921",
     DNS_E_RDATA_FIELD, 4},
    {"DS sha256 20 bytes", "DS",
     "EC4505022BB183AF5F22588179A53B0A98631FAD1A292118", DNS_E_RDATA_FIELD, 4},
    {"DS sha384 32 bytes", "DS",
     "EC450504D4B7D520E7BB5F0F67674A0CCEB1E3E0614B93C4F9E99B8383F6A1E446"
     "9DA50A",
     DNS_E_RDATA_FIELD, 4},
    {"DS no digest", "DS", "EC450502", DNS_E_RDATA_SHORT, 4},
    {"CDS sha1 21 bytes", "CDS",
     "EC4505012BB183AF5F22588179A53B0A98631FAD1A29211800", DNS_E_RDATA_FIELD,
     4},
    {"ZONEMD sha384 short", "ZONEMD", "7848B91C0101FEBE3D4CE2EC2FFA4BA99D",
     DNS_E_RDATA_FIELD, 6},
    {"ZONEMD unknown alg 11 bytes", "ZONEMD",
     "7848B91C01050102030405060708090A0B", DNS_E_RDATA_FIELD, 6},
    {"NSEC windows out of order", "NSEC", "00010140000140", DNS_E_BITMAP, 4},
    {"NSEC duplicate window", "NSEC", "00000140000120", DNS_E_BITMAP, 4},
    {"NSEC window length 0", "NSEC", "000000", DNS_E_BITMAP, 2},
    {"NSEC window length 33", "NSEC",
     "000021"
     "400000000000000000000000000000000000000000000000000000000000000001",
     DNS_E_BITMAP, 2},
    {"NSEC trailing zero octet", "NSEC", "0000024000", DNS_E_BITMAP, 4},
    {"NSEC empty bitmap", "NSEC", "00", DNS_E_BITMAP, 1},
    {"NSEC window past RDLENGTH", "NSEC", "00000440", DNS_E_RDATA_SHORT, 1},
    {"NSEC half a window header", "NSEC", "0000", DNS_E_RDATA_SHORT, 1},
    {"NSEC3 hash length 0", "NSEC3", "0100000A0000", DNS_E_RDATA_FIELD, 5},
    {"NSEC3 salt past end", "NSEC3", "0100000A05AABB", DNS_E_RDATA_SHORT, 4},
    {"NSEC3 bad bitmap", "NSEC3", "0100000A0001AA000000", DNS_E_BITMAP, 8},
    {"NSEC3PARAM trailing", "NSEC3PARAM", "0100000A00FF", DNS_E_RDATA_TRAILING,
     5},
    {"CSYNC bitmap out of order", "CSYNC", "000000420003010140000140",
     DNS_E_BITMAP, 9},
    {"NXT type 0 bit", "NXT", "0080", DNS_E_BITMAP, 1},
    {"NXT trailing zero", "NXT", "004000", DNS_E_BITMAP, 2},
    {"CAA empty tag", "CAA", "0000", DNS_E_RDATA_FIELD, 1},
    {"CAA tag with dash", "CAA", "0003612D62", DNS_E_RDATA_FIELD, 3},
    {"URI empty target", "URI", "000A0001", DNS_E_RDATA_SHORT, 4},
    {"TSIG MAC past end", "TSIG", "00000065530F00012C0020AABB",
     DNS_E_RDATA_SHORT, 9},
    {"TKEY no other size", "TKEY", "006553F1006553FF10000300000000",
     DNS_E_RDATA_SHORT, 15},
    {"OPT option past end", "OPT", "000A0008AABB", DNS_E_EDNS_OPTION, 0},
    {"OPT half an option header", "OPT", "00030000000A", DNS_E_EDNS_OPTION, 4},
    {"SSHFP no fingerprint", "SSHFP", "0201", DNS_E_RDATA_SHORT, 2},
    {"HINFO one string", "HINFO", "03414243", DNS_E_RDATA_SHORT, 4},
    {"ISDN three strings", "ISDN", "0131013201", DNS_E_RDATA_TRAILING, 4},
    {"NSAP empty", "NSAP", "", DNS_E_RDATA_SHORT, 0},
    {"EUI48 long", "EUI48", "00005E00532A00", DNS_E_RDATA_TRAILING, 6},
    {"label type 0x40", "NS", "4100", DNS_E_LABEL_TYPE, 0},
    {"name too long in RP", "RP", L63 L63 L63 L63 "00", DNS_E_NAME_LEN, 192},
};

static void test_malformed_wire(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_wire) / sizeof(bad_wire[0]); i++) {
		const bad_wire_t *c = &bad_wire[i];
		size_t n = unhex(c->hex, g_a), len = 7, off = 0;
		print_message("%s\n", c->what);
		if (strcmp(c->what, "SOA short by one") == 0)
			n--;
		assert_int_equal(unpack_at(type_code(c->type), g_a, n, 40, g_b,
					   BUF, &len, &off),
				 c->rc);
		assert_int_equal(off, 40 + c->off);
		assert_int_equal(len, 0);
		/* Stored form with the same bytes prints generically. */
		dns_strbuf_t sb = dns_strbuf_init(g_text, sizeof(g_text));
		dns_rdata_to_text(type_code(c->type), g_a, n, &sb);
		assert_memory_equal(g_text, "\\# ", 3);
	}
}

/* Valid edge cases that look suspicious. */
static void test_wire_edge_ok(void **state)
{
	(void)state;
	static const struct {
		const char *type, *hex;
	} ok[] = {
	    {"DS", "0000000000"},     /* CDS-style delete digest */
	    {"DS", "EC450505AABBCC"}, /* unknown digest type */
	    {"ZONEMD", "7848B91C0103000102030405060708090A0B"},
	    {"NSEC3", "0100000A000100"}, /* empty bitmap (ENT) */
	    {"KEY", "C0000301"},	 /* NOKEY flags, no key */
	    {"NXT", "00"},		 /* empty NXT bitmap */
	    {"OPT", ""},
	    {"NULL", ""},
	    {"TYPE4321", ""},
	    {"NSEC", "00FF0101"}, /* window 255 */
	};
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		size_t n = unhex(ok[i].hex, g_a), len = 0, off = 0;
		print_message("%s %s\n", ok[i].type, ok[i].hex);
		assert_int_equal(unpack_at(type_code(ok[i].type), g_a, n, 12,
					   g_b, BUF, &len, &off),
				 DNS_OK);
		assert_int_equal(len, n);
	}
}

/* ---- presentation errors ------------------------------------------------- */

/* Long tokens for the length limits. */
#define LONG16	"aaaaaaaaaaaaaaaa"
#define LONG64	LONG16 LONG16 LONG16 LONG16
#define LONG256 LONG64 LONG64 LONG64 LONG64

typedef struct bad_text {
	const char *type, *text;
	dns_rc_t rc;
	unsigned col;
} bad_text_t;

static const bad_text_t bad_text[] = {
    {"A", "192.0.2.256", DNS_E_SYNTAX, 1},
    {"A", "192.0.2.1 x", DNS_E_EXTRA, 11},
    {"A", "", DNS_E_MISSING, 0},
    {"AAAA", "2001:db8::g", DNS_E_SYNTAX, 1},
    {"MX", "10", DNS_E_MISSING, 3},
    {"MX", "70000 mail.example.com.", DNS_E_NUMBER, 1},
    {"MX", "-1 mail.example.com.", DNS_E_NUMBER, 1},
    {"MX", "10 mail", DNS_E_RELATIVE, 7},
    {"MX", "10 a..b.", DNS_E_EMPTY_NAME, 6},
    {"SOA", "a. b. 1 2 3 4", DNS_E_MISSING, 14},
    {"SOA", "a. b. 4294967296 2 3 4 5", DNS_E_NUMBER, 7},
    {"SOA", "a. b. 1 2x 3 4 5", DNS_E_NUMBER, 9},
    {"DS", "60485 256 1 2BB183AF5F22588179A53B0A98631FAD1A292118", DNS_E_NUMBER,
     7},
    {"DS", "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A2921",
     DNS_E_RDATA_FIELD, 11},
    {"DS", "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A29211", DNS_E_BASE16,
     50},
    {"DS", "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A29211X", DNS_E_BASE16,
     50},
    {"DS", "60485 5 1", DNS_E_MISSING, 10},
    {"NSEC", "host.example.com. A FOO", DNS_E_UNKNOWN_TYPE, 21},
    {"NSEC", "host.example.com.", DNS_E_MISSING, 18},
    {"NSEC", "host.example.com. TYPE65536", DNS_E_UNKNOWN_TYPE, 19},
    {"DNSKEY", "257 3 8 AwE*AA==", DNS_E_BASE64, 12},
    {"DNSKEY", "257 3 8 AwEAAA=", DNS_E_BASE64, 16},
    {"DNSKEY", "257 3 8 AA== AAAA", DNS_E_BASE64, 14},
    {"DNSKEY", "257 3 8", DNS_E_MISSING, 8},
    {"NSEC3", "1 0 10 AABB 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3W", DNS_E_BASE32, 44},
    {"NSEC3", "1 0 10 AABBC 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S", DNS_E_BASE16,
     13},
    {"RRSIG",
     "A 8 2 3600 20241301000000 20231201000000 12345 example.com. AAAA",
     DNS_E_NUMBER, 12},
    {"RRSIG",
     "A 8 2 3600 20240230000000 20231201000000 12345 example.com. AAAA",
     DNS_E_NUMBER, 12},
    {"RRSIG", "BOGUS 8 2 3600 1 2 12345 example.com. AAAA", DNS_E_UNKNOWN_TYPE,
     1},
    {"TXT", "\"abc\\4\"", DNS_E_ESCAPE, 5},
    {"TXT", "", DNS_E_MISSING, 0},
    {"CAA", "0 is-sue \"x\"", DNS_E_RDATA_FIELD, 5},
    {"URI", "10 1 \"\"", DNS_E_RDATA_FIELD, 7},
    {"EUI48", "00-00-5e-00-53", DNS_E_SYNTAX, 13},
    {"EUI48", "00:00:5e:00:53:2a", DNS_E_SYNTAX, 1},
    {"NID", "10 14:4fff:ff20", DNS_E_SYNTAX, 16},
    {"NID", "10 14:4fff:ff20:ee64:1", DNS_E_SYNTAX, 23},
    {"NID", "10 14:4fff:fff20:ee64", DNS_E_SYNTAX, 16},
    {"NSAP", "47000580", DNS_E_SYNTAX, 1},
    {"NSAP", "0x470", DNS_E_BASE16, 6},
    {"NXT", "a.example. A TYPE200", DNS_E_RDATA_FIELD, 14},
    {"CERT", "BOGUS 0 0 AAAA", DNS_E_NUMBER, 1},
    {"TSIG", "hmac-sha256. 1700000000 300 4 AAAA 4660 NOERROR 0", DNS_E_BASE64,
     29},
    {"TSIG", "hmac-sha256. 281474976710656 300 0 1 NOERROR 0", DNS_E_NUMBER,
     14},
    {"NULL", "DEADBEEF", DNS_E_SYNTAX, 1},
    {"TYPE1234", "0A000001", DNS_E_SYNTAX, 1},
    {"OPT", "", DNS_E_MISSING, 0},
    {"A", "\\# 4 0A0000", DNS_E_SYNTAX, 4},
    {"A", "\\# 3 0A000001", DNS_E_SYNTAX, 4},
    {"A", "\\# 3 0A0000", DNS_E_RDATA_SHORT, 1},
    {"A", "\\# 5 0A00000100", DNS_E_RDATA_TRAILING, 1},
    {"NSEC", "\\# 1 00", DNS_E_BITMAP, 1},
    {"A", "\\# 65536 00", DNS_E_NUMBER, 4},
    {"A", "\\# 4 0A00000G", DNS_E_BASE16, 13},
    {"A", "\\#", DNS_E_MISSING, 3},
    {"TYPE1234", "\\# 3 0A00000", DNS_E_BASE16, 13},
    {"A", "192.0.2.1" LONG64, DNS_E_SYNTAX, 1},
    {"AAAA", "2001:db8::1" LONG64, DNS_E_SYNTAX, 1},
    {"DNSKEY", "257 3 8 \"\"", DNS_E_RDATA_FIELD, 10},
    {"DS", "60485 5 1 \"\"", DNS_E_RDATA_FIELD, 12},
    {"NSEC3PARAM", "1 0 10 " LONG256 LONG256, DNS_E_RDATA_FIELD, 8},
    {"CAA", "0 " LONG256 " \"x\"", DNS_E_RDATA_FIELD, 3},
    {"CAA", "0 \"\" \"x\"", DNS_E_RDATA_FIELD, 4},
    {"NSAP", "0x47g0", DNS_E_BASE16, 5},
    {"NSAP", "0x47.00.z5", DNS_E_BASE16, 9},
    {"TSIG", "hmac-sha256. 1700000000 300 4", DNS_E_MISSING, 30},
    {"TKEY", "hmac-sha256. 1 2 3 0 4", DNS_E_MISSING, 23},
};

static void test_bad_text(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_text) / sizeof(bad_text[0]); i++) {
		const bad_text_t *c = &bad_text[i];
		dns_error_t err = {0};
		size_t len = 99;
		print_message("%s %s\n", c->type, c->text);
		assert_int_equal(
		    parse(type_code(c->type), c->text, NULL, g_a, &len, &err),
		    c->rc);
		assert_int_equal(err.code, c->rc);
		assert_int_equal(err.col, c->col);
		assert_int_equal(len, 0);
	}
}

/* Input forms accepted besides the printed one. */
static void test_text_alternatives(void **state)
{
	(void)state;
	static const struct {
		const char *type, *in, *out;
	} alt[] = {
	    {"SOA", "a. b. 1 1h 30m 2w1d 1H30M",
	     "a. b. 1 3600 1800 1296000 5400"},
	    {"SOA", "( a. b.\n 1 2 3\n 4 5 )", "a. b. 1 2 3 4 5"},
	    {"RRSIG",
	     "a 8 2 3600 1704067200 1701388800 12345 Example.COM. AA AA",
	     "A 8 2 3600 20240101000000 20231201000000 12345 Example.COM. "
	     "AAAA"},
	    {"RRSIG", "A 8 2 3600 21060207062815 0 1 . AAAA",
	     "A 8 2 3600 21060207062815 19700101000000 1 . AAAA"},
	    {"RRSIG", "A 8 2 3600 21060207062816 20000229235959 1 . AAAA",
	     "A 8 2 3600 19700101000000 20000229235959 1 . AAAA"},
	    {"A", "\\# 4 0A 00 0 001", "10.0.0.1"},
	    {"A", "\\# 4 0a000001", "10.0.0.1"},
	    {"DS", "60485 5 1 2bb183af5f22588179a53b0a 98631fad1a292118",
	     "60485 5 1 2BB183AF5F22588179A53B0A98631FAD1A292118"},
	    {"NID", "10 0014:4FFF:ff20:EE64", "10 14:4fff:ff20:ee64"},
	    {"EUI48", "00-00-5E-00-53-2A", "00-00-5e-00-53-2a"},
	    {"NSEC", "a. TYPE1 type15 nsec TYPE65535 A",
	     "a. A MX NSEC TYPE65535"},
	    {"CERT", "3 0 5 AAAA", "PGP 0 RSASHA1 AAAA"},
	    {"CERT", "65000 0 200 AAAA", "65000 0 200 AAAA"},
	    {"TSIG", "hmac-sha256. 1 300 3 AA AA 1 17 0",
	     "hmac-sha256. 1 300 3 AAAA 1 BADKEY 0"},
	    {"TSIG", "hmac-sha256. 281474976710655 300 0 1 999 0",
	     "hmac-sha256. 281474976710655 300 0 1 999 0"},
	    {"TXT", "unquoted \"\" \"\\065\\\"\"",
	     "\"unquoted\" \"\" \"A\\\"\""},
	    {"HINFO", "PC \"Linux 6\"", "\"PC\" \"Linux 6\""},
	    {"CAA", "0 issue ca.example.net", "0 issue \"ca.example.net\""},
	    {"NSAP", "0x47.0005.80005a00", "0x47000580005a00"},
	};
	for (size_t i = 0; i < sizeof(alt) / sizeof(alt[0]); i++) {
		size_t len = 0;
		dns_error_t err = {0};
		uint16_t type = type_code(alt[i].type);
		print_message("%s %s\n", alt[i].type, alt[i].in);
		dns_rc_t rc = parse(type, alt[i].in, NULL, g_a, &len, &err);
		if (alt[i].out == NULL) {
			assert_int_not_equal(rc, DNS_OK);
			continue;
		}
		assert_int_equal(rc, DNS_OK);
		assert_string_equal(print(type, g_a, len), alt[i].out);
	}
}

static void test_relative_names(void **state)
{
	(void)state;
	dns_name_t origin;
	size_t len = 0;
	assert_int_equal(dns_name_from_str("example.com.", NULL, &origin),
			 DNS_OK);
	assert_int_equal(parse(DNS_T_MX, "10 mail", &origin, g_a, &len, NULL),
			 DNS_OK);
	assert_string_equal(print(DNS_T_MX, g_a, len), "10 mail.example.com.");
	assert_int_equal(parse(DNS_T_SOA, "@ hostmaster 1 2 3 4 5", &origin,
			       g_a, &len, NULL),
			 DNS_OK);
	assert_string_equal(print(DNS_T_SOA, g_a, len),
			    "example.com. hostmaster.example.com. 1 2 3 4 5");
}

static void test_parse_space(void **state)
{
	(void)state;
	dns_tokens_t toks;
	dns_error_t err = {0};
	size_t len = 5;
	const char *text = "10 mail.example.com.";
	dns_tokens_init(&toks);
	assert_int_equal(dns_tokenize(text, strlen(text), &toks, NULL), DNS_OK);
	assert_int_equal(dns_rdata_from_text(DNS_T_MX, toks.v, toks.n, NULL,
					     g_a, 10, &len, &err),
			 DNS_E_SPACE);
	assert_int_equal(err.code, DNS_E_SPACE);
	assert_int_equal(len, 0);
	assert_int_equal(dns_rdata_from_text(DNS_T_MX, toks.v, toks.n, NULL,
					     g_a, 20, &len, &err),
			 DNS_OK);
	assert_int_equal(len, 20);
	dns_tokens_free(&toks);
}

/* ---- canonical form ------------------------------------------------------ */

static void test_canonicalize(void **state)
{
	(void)state;
	static const struct {
		const char *type, *in, *out;
	} cases[] = {
	    {"MX", "10 MAIL.Example.COM.", "10 mail.example.com."},
	    {"SOA", "NS.X. Host.X. 1 2 3 4 5", "ns.x. host.x. 1 2 3 4 5"},
	    {"SRV", "0 0 1 SIP.X.", "0 0 1 sip.x."},
	    {"DNAME", "A.B.", "a.b."},
	    {"KX", "1 A.B.", "1 a.b."},
	    {"RRSIG", "A 8 2 3600 1 2 3 Example.COM. AAAA",
	     "A 8 2 3600 19700101000001 19700101000002 3 example.com. "
	     "AAAA"},
	    {"NSEC", "HOST.Example.COM. A", "HOST.Example.COM. A"},
	    {"HINFO", "\"INTEL\" \"Unix\"", "\"INTEL\" \"Unix\""},
	    {"NSAP-PTR", "FOO.example.", "FOO.example."},
	    {"LP", "1 FOO.example.", "1 FOO.example."},
	    {"TXT", "\"ABC\"", "\"ABC\""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint16_t type = type_code(cases[i].type);
		size_t len = 0;
		print_message("%s %s\n", cases[i].type, cases[i].in);
		assert_int_equal(
		    parse(type, cases[i].in, NULL, g_a, &len, NULL), DNS_OK);
		dns_rdata_canonicalize(type, g_a, len);
		assert_string_equal(print(type, g_a, len), cases[i].out);
	}
	/* Unknown types and data not fitting the layout are left alone. */
	uint8_t raw[] = {0x01, 'A', 0x00};
	dns_rdata_canonicalize(1234, raw, sizeof(raw));
	assert_int_equal(raw[1], 'A');
	uint8_t bad_mx[] = {0x00, 0x01, 0x01, 'A'};
	dns_rdata_canonicalize(DNS_T_MX, bad_mx, sizeof(bad_mx));
	assert_int_equal(bad_mx[3], 'A');
}

static void test_print_invalid_stored(void **state)
{
	(void)state;
	uint8_t three[] = {10, 0, 0};
	assert_string_equal(print(DNS_T_A, three, 3), "\\# 3 0A0000");
	assert_string_equal(print(DNS_T_A, three, 0), "\\# 0");
	assert_string_equal(print(4321, three, 3), "\\# 3 0A0000");
	/* Output cut short is flagged, NUL-terminated. */
	char small[6];
	dns_strbuf_t sb = dns_strbuf_init(small, sizeof(small));
	uint8_t a[] = {192, 0, 2, 1};
	dns_rdata_to_text(DNS_T_A, a, 4, &sb);
	assert_true(sb.over);
	assert_string_equal(small, "192.0");
	/* Fields are printed as they are checked: data that turns out not
	 * to fit the layout (an MX whose name runs past the end, an SOA
	 * with a byte left over) leaves none of that text behind, also
	 * after text already in the buffer, and also when cut short. */
	uint8_t mx[] = {0, 10, 3, 'm', 'x', '1', 7, 'e', 'x'};
	assert_string_equal(print(DNS_T_MX, mx, sizeof(mx)),
			    "\\# 9 000A036D7831076578");
	uint8_t soa[3 + 1 + 20 + 1]; /* "a." "." five numbers, one more */
	memset(soa, 0, sizeof(soa));
	soa[0] = 1;
	soa[1] = 'a';
	assert_string_equal(print(DNS_T_SOA, soa, sizeof(soa) - 1),
			    "a. . 0 0 0 0 0");
	assert_string_equal(print(DNS_T_SOA, soa, sizeof(soa)),
			    "\\# 25 "
			    "01610000000000000000000000000000000000000000000"
			    "000");
	char buf[64];
	for (size_t cap = 1; cap <= 40; cap++) {
		const char *want = "pre \\# 9 000A036D7831076578";
		memset(buf, '#', sizeof(buf));
		sb = dns_strbuf_init(buf, cap);
		dns_sb_puts(&sb, "pre ");
		dns_rdata_to_text(DNS_T_MX, mx, sizeof(mx), &sb);
		assert_int_equal(sb.len, strlen(want));
		size_t k = cap - 1 < sb.len ? cap - 1 : sb.len;
		assert_memory_equal(buf, want, k);
		assert_int_equal(buf[k], 0);
		assert_int_equal(sb.over, cap <= sb.len);
	}
}

/* ---- mnemonics ----------------------------------------------------------- */

static void test_type_mnemonics(void **state)
{
	(void)state;
	size_t n = 0;
	const dns_type_info_t *tab = dns_type_table(&n);
	char buf[16];
	for (size_t i = 0; i < n; i++) {
		uint16_t t = 0;
		const char *s = dns_type_to_text(tab[i].code, buf);
		assert_string_equal(s, tab[i].name);
		assert_int_equal(dns_type_from_text(s, strlen(s), &t), DNS_OK);
		assert_int_equal(t, tab[i].code);
		assert_ptr_equal(dns_type_info(tab[i].code), &tab[i]);
	}
	static const struct {
		const char *s;
		dns_rc_t rc;
		uint16_t v;
	} cases[] = {
	    {"TYPE65535", DNS_OK, 65535},
	    {"type0", DNS_OK, 0},
	    {"TYPE1", DNS_OK, 1},
	    {"TYPE00028", DNS_OK, 28},
	    {"nsec3param", DNS_OK, 51},
	    {"NSAP-PTR", DNS_OK, 23},
	    {"TYPE65536", DNS_E_UNKNOWN_TYPE, 0},
	    {"TYPE", DNS_E_UNKNOWN_TYPE, 0},
	    {"TYPE-1", DNS_E_UNKNOWN_TYPE, 0},
	    {"TYPE1x", DNS_E_UNKNOWN_TYPE, 0},
	    {"TYPE000001", DNS_E_UNKNOWN_TYPE, 0},
	    {"AA", DNS_E_UNKNOWN_TYPE, 0},
	    {"", DNS_E_UNKNOWN_TYPE, 0},
	    {"A ", DNS_E_UNKNOWN_TYPE, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint16_t t = 7;
		print_message("'%s'\n", cases[i].s);
		assert_int_equal(
		    dns_type_from_text(cases[i].s, strlen(cases[i].s), &t),
		    cases[i].rc);
		if (cases[i].rc == DNS_OK)
			assert_int_equal(t, cases[i].v);
	}
	assert_string_equal(dns_type_to_text(65535, buf), "TYPE65535");
	assert_string_equal(dns_type_to_text(0, buf), "TYPE0");
	assert_string_equal(dns_type_to_text(255, buf), "ANY");
	assert_null(dns_type_info(0));
	assert_null(dns_type_info(65535));
	assert_true(dns_type_info(DNS_T_OPT)->meta);
	assert_false(dns_type_info(DNS_T_A)->meta);
	/* every code: the row a search of the table finds, or TYPEnnn */
	for (unsigned code = 0; code <= 65535; code++) {
		const dns_type_info_t *row = NULL;
		char want[16];
		for (size_t i = 0; i < n && row == NULL; i++)
			if (tab[i].code == code)
				row = &tab[i];
		assert_ptr_equal(dns_type_info((uint16_t)code), row);
		if (row != NULL)
			snprintf(want, sizeof(want), "%s", row->name);
		else
			snprintf(want, sizeof(want), "TYPE%u", code);
		assert_string_equal(dns_type_to_text((uint16_t)code, buf),
				    want);
	}
}

static void test_type_flags(void **state)
{
	(void)state;
	static const struct {
		const char *type;
		dns_cc_t cc;
		bool lower;
	} rows[] = {
	    {"NS", DNS_CC_COMPRESS, true},
	    {"SOA", DNS_CC_COMPRESS, true},
	    {"MX", DNS_CC_COMPRESS, true},
	    {"MINFO", DNS_CC_COMPRESS, true},
	    {"RP", DNS_CC_DECOMPRESS, true},
	    {"AFSDB", DNS_CC_DECOMPRESS, true},
	    {"RT", DNS_CC_DECOMPRESS, true},
	    {"SIG", DNS_CC_DECOMPRESS, true},
	    {"PX", DNS_CC_DECOMPRESS, true},
	    {"NXT", DNS_CC_DECOMPRESS, true},
	    {"NAPTR", DNS_CC_DECOMPRESS, true},
	    {"SRV", DNS_CC_DECOMPRESS, true},
	    {"KX", DNS_CC_NONE, true},
	    {"DNAME", DNS_CC_NONE, true},
	    {"RRSIG", DNS_CC_NONE, true},
	    {"NSEC", DNS_CC_NONE, false},
	    {"HINFO", DNS_CC_NONE, false},
	    {"TSIG", DNS_CC_NONE, false},
	    {"LP", DNS_CC_NONE, false},
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const dns_type_info_t *ti =
		    dns_type_info(type_code(rows[i].type));
		print_message("%s\n", rows[i].type);
		assert_int_equal(ti->cc, rows[i].cc);
		assert_int_equal(ti->canon_lower, rows[i].lower);
	}
}

static void test_class_mnemonics(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		dns_rc_t rc;
		uint16_t v;
		const char *printed;
	} cases[] = {
	    {"IN", DNS_OK, 1, "IN"},
	    {"ch", DNS_OK, 3, "CH"},
	    {"CHAOS", DNS_OK, 3, "CH"},
	    {"HS", DNS_OK, 4, "HS"},
	    {"NONE", DNS_OK, 254, "NONE"},
	    {"any", DNS_OK, 255, "ANY"},
	    {"CLASS0", DNS_OK, 0, "CLASS0"},
	    {"CLASS65535", DNS_OK, 65535, "CLASS65535"},
	    {"class1", DNS_OK, 1, "IN"},
	    {"CLASS65536", DNS_E_UNKNOWN_CLASS, 0, NULL},
	    {"CLASS", DNS_E_UNKNOWN_CLASS, 0, NULL},
	    {"CLASSx", DNS_E_UNKNOWN_CLASS, 0, NULL},
	    {"INN", DNS_E_UNKNOWN_CLASS, 0, NULL},
	    {"TYPE1", DNS_E_UNKNOWN_CLASS, 0, NULL},
	};
	char buf[16];
	for (unsigned code = 0; code <= 65535; code++) {
		static const char *const names[256] = {[1] = "IN",
						       [3] = "CH",
						       [4] = "HS",
						       [254] = "NONE",
						       [255] = "ANY"};
		char want[16];
		if (code < 256 && names[code] != NULL)
			snprintf(want, sizeof(want), "%s", names[code]);
		else
			snprintf(want, sizeof(want), "CLASS%u", code);
		assert_string_equal(dns_class_to_text((uint16_t)code, buf),
				    want);
	}
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint16_t v = 7;
		print_message("'%s'\n", cases[i].s);
		assert_int_equal(
		    dns_class_from_text(cases[i].s, strlen(cases[i].s), &v),
		    cases[i].rc);
		if (cases[i].rc != DNS_OK)
			continue;
		assert_int_equal(v, cases[i].v);
		assert_string_equal(dns_class_to_text(v, buf),
				    cases[i].printed);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_text_round_trip),
	    cmocka_unit_test(test_wire_round_trip),
	    cmocka_unit_test(test_generic_round_trip),
	    cmocka_unit_test(test_every_type_covered),
	    cmocka_unit_test(test_special_generic),
	    cmocka_unit_test(test_mutated_round_trip),
	    cmocka_unit_test(test_pack_compression),
	    cmocka_unit_test(test_pack_invalid_verbatim),
	    cmocka_unit_test(test_unpack_pointers),
	    cmocka_unit_test(test_unpack_space),
	    cmocka_unit_test(test_unpack_shortcuts),
	    cmocka_unit_test(test_malformed_wire),
	    cmocka_unit_test(test_wire_edge_ok),
	    cmocka_unit_test(test_bad_text),
	    cmocka_unit_test(test_text_alternatives),
	    cmocka_unit_test(test_relative_names),
	    cmocka_unit_test(test_parse_space),
	    cmocka_unit_test(test_canonicalize),
	    cmocka_unit_test(test_print_invalid_stored),
	    cmocka_unit_test(test_type_mnemonics),
	    cmocka_unit_test(test_type_flags),
	    cmocka_unit_test(test_class_mnemonics),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
