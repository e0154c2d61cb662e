/* test_answer.c - the authoritative answering core (serve/answer.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/arena.h"
#include "dns/edns.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/strbuf.h"
#include "dns/zone.h"
#include "serve/answer.h"

/* ---- the zones ---------------------------------------------------------- */

/* A fake signature: the answering core copies RRSIGs, never checks them. */
#define SIG(cov, labels)                                                       \
	" RRSIG " cov " 13 " labels " 3600 20400101000000 20240101000000 "     \
	"12345 example. c2lnbmF0dXJl\n"
#define NSIG(labels)                                                           \
	" 300 RRSIG NSEC 13 " labels " 300 20400101000000 20240101000000 "     \
	"12345 example. c2lnbmF0dXJl\n"
#define X63 "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
#define A63 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define KEY                                                                    \
	"LSLyKbnA+Kzf7p8MtWrwesAwu4Q/+rPmBXrP7FW+UdWDFMzdLXyYvb+A"             \
	"GwDYGxOx6CoktQM+wc1hqcpnjSn6Aw=="
#define DIGEST                                                                 \
	"E2D3C916F6DEEAC73294E8268FB5885044A833FC5459588F4A9184CFC41A5766"

/* clang-format off */
static const char root_zone[] =
    "$ORIGIN .\n"
    "$TTL 86400\n"
    "@ SOA a.root-servers.net. nstld.verisign-grs.com. 2024010100 1800 900 604800 86400\n"
    "@ NS a.root-servers.net.\n"
    "example. 172800 NS ns1.example.\n"
    "example. 172800 NS ns2.example.\n"
    "example. 86400 DS 12345 13 2 " DIGEST "\n"
    "ns1.example. 172800 A 192.0.2.53\n"
    "ns2.example. 172800 A 192.0.2.54\n"
    "net. 172800 NS a.gtld-servers.net.\n"
    "a.gtld-servers.net. 172800 A 192.5.6.30\n"
    "a.root-servers.net. 518400 A 198.41.0.4\n";

/* Signed with NSEC (fake signatures), the chain in canonical order:
 * example. a chain1 chain2 chain3 dname www.dtarget leaf.ent long loop1
 * loop2 mail ns1 ns2 out sip srv sub tonx tosub uns *.wcname *.wild. */
static const char example_zone[] =
    "$ORIGIN example.\n"
    "$TTL 3600\n"
    "@ SOA ns1 hostmaster 1 7200 3600 1209600 300\n"
    "@ NS ns1\n"
    "@ NS ns2\n"
    "@ MX 10 mail\n"
    "@ DNSKEY 257 3 13 " KEY "\n"
    "@" SIG("SOA", "1")
    "@" SIG("NS", "1")
    "@" SIG("MX", "1")
    "@" SIG("DNSKEY", "1")
    "@ 300 NSEC a NS SOA MX RRSIG NSEC DNSKEY\n"
    "@" NSIG("1")
    "a A 192.0.2.1\n"
    "a" SIG("A", "2")
    "a 300 NSEC chain1 A RRSIG NSEC\n"
    "a" NSIG("2")
    "chain1 CNAME chain2\n"
    "chain1" SIG("CNAME", "2")
    "chain1 300 NSEC chain2 CNAME RRSIG NSEC\n"
    "chain1" NSIG("2")
    "chain2 CNAME chain3\n"
    "chain2" SIG("CNAME", "2")
    "chain2 300 NSEC chain3 CNAME RRSIG NSEC\n"
    "chain2" NSIG("2")
    "chain3 A 192.0.2.3\n"
    "chain3" SIG("A", "2")
    "chain3 300 NSEC dname A RRSIG NSEC\n"
    "chain3" NSIG("2")
    "dname DNAME dtarget\n"
    "dname" SIG("DNAME", "2")
    "dname 300 NSEC www.dtarget DNAME RRSIG NSEC\n"
    "dname" NSIG("2")
    "www.dtarget A 192.0.2.80\n"
    "www.dtarget" SIG("A", "3")
    "www.dtarget 300 NSEC leaf.ent A RRSIG NSEC\n"
    "www.dtarget" NSIG("3")
    "leaf.ent A 192.0.2.7\n"
    "leaf.ent" SIG("A", "3")
    "leaf.ent 300 NSEC long A RRSIG NSEC\n"
    "leaf.ent" NSIG("3")
    "long DNAME " X63 "." X63 "." X63 ".example.\n"
    "long" SIG("DNAME", "2")
    "long 300 NSEC loop1 DNAME RRSIG NSEC\n"
    "long" NSIG("2")
    "loop1 CNAME loop2\n"
    "loop1" SIG("CNAME", "2")
    "loop1 300 NSEC loop2 CNAME RRSIG NSEC\n"
    "loop1" NSIG("2")
    "loop2 CNAME loop1\n"
    "loop2" SIG("CNAME", "2")
    "loop2 300 NSEC mail CNAME RRSIG NSEC\n"
    "loop2" NSIG("2")
    "mail A 192.0.2.25\n"
    "mail" SIG("A", "2")
    "mail 300 NSEC ns1 A RRSIG NSEC\n"
    "mail" NSIG("2")
    "ns1 A 192.0.2.53\n"
    "ns1 AAAA 2001:db8::53\n"
    "ns1" SIG("A", "2")
    "ns1" SIG("AAAA", "2")
    "ns1 300 NSEC ns2 A AAAA RRSIG NSEC\n"
    "ns1" NSIG("2")
    "ns2 A 192.0.2.54\n"
    "ns2" SIG("A", "2")
    "ns2 300 NSEC out A RRSIG NSEC\n"
    "ns2" NSIG("2")
    "out CNAME www.example.net.\n"
    "out" SIG("CNAME", "2")
    "out 300 NSEC sip CNAME RRSIG NSEC\n"
    "out" NSIG("2")
    "sip A 192.0.2.60\n"
    "sip" SIG("A", "2")
    "sip 300 NSEC srv A RRSIG NSEC\n"
    "sip" NSIG("2")
    "srv SRV 0 0 5060 sip\n"
    "srv" SIG("SRV", "2")
    "srv 300 NSEC sub SRV RRSIG NSEC\n"
    "srv" NSIG("2")
    "sub NS ns1.sub\n"
    "sub NS ns2\n"
    "sub DS 12345 13 2 " DIGEST "\n"
    "sub" SIG("DS", "2")
    "sub 300 NSEC tonx NS DS RRSIG NSEC\n"
    "sub" NSIG("2")
    "ns1.sub A 192.0.2.153\n"
    "ns1.sub AAAA 2001:db8::153\n"
    "tonx CNAME nothere\n"
    "tonx" SIG("CNAME", "2")
    "tonx 300 NSEC tosub CNAME RRSIG NSEC\n"
    "tonx" NSIG("2")
    "tosub CNAME host.sub\n"
    "tosub" SIG("CNAME", "2")
    "tosub 300 NSEC uns CNAME RRSIG NSEC\n"
    "tosub" NSIG("2")
    "uns NS ns.elsewhere.net.\n"
    "uns 300 NSEC *.wcname NS RRSIG NSEC\n"
    "uns" NSIG("2")
    "*.wcname CNAME a\n"
    "*.wcname" SIG("CNAME", "2")
    "*.wcname 300 NSEC *.wild CNAME RRSIG NSEC\n"
    "*.wcname" NSIG("2")
    "*.wild A 192.0.2.99\n"
    "*.wild TXT \"wild\"\n"
    "*.wild" SIG("A", "2")
    "*.wild" SIG("TXT", "2")
    "*.wild 300 NSEC @ A TXT RRSIG NSEC\n"
    "*.wild" NSIG("2");

#define TXT200 \
	"\"0123456789012345678901234567890123456789012345678901234567890123" \
	"456789012345678901234567890123456789012345678901234567890123456789" \
	"0123456789012345678901234567890123456789012345678901234567890123456\""

/* Unsigned, for sizes: TXT too big for 512, MX and delegations whose
 * addresses do not all fit; a wildcard at the apex and an empty
 * non-terminal e1. */
static const char trunc_zone[] =
    "$ORIGIN trunc.test.\n"
    "$TTL 60\n"
    "@ SOA ns hostmaster 1 2 3 4 30\n"
    "@ NS ns\n"
    "ns A 192.0.2.1\n"
    "big TXT " TXT200 " \"1\"\n"
    "big TXT " TXT200 " \"2\"\n"
    "big TXT " TXT200 " \"3\"\n"
    "mx MX 10 m1\n"
    "mx MX 20 m2\n"
    "mx MX 30 m3\n"
    "mx MX 40 m4\n"
    "mx MX 50 m5\n"
    "mx MX 60 m6\n"
    "m1 AAAA 2001:db8::1:1\nm1 AAAA 2001:db8::1:2\nm1 AAAA 2001:db8::1:3\n"
    "m2 AAAA 2001:db8::2:1\nm2 AAAA 2001:db8::2:2\nm2 AAAA 2001:db8::2:3\n"
    "m3 AAAA 2001:db8::3:1\nm3 AAAA 2001:db8::3:2\nm3 AAAA 2001:db8::3:3\n"
    "m4 AAAA 2001:db8::4:1\nm4 AAAA 2001:db8::4:2\nm4 AAAA 2001:db8::4:3\n"
    "m5 AAAA 2001:db8::5:1\nm5 AAAA 2001:db8::5:2\nm5 AAAA 2001:db8::5:3\n"
    "m6 AAAA 2001:db8::6:1\nm6 AAAA 2001:db8::6:2\nm6 AAAA 2001:db8::6:3\n"
    "fat NS ns1.fat\nfat NS ns2.fat\nfat NS ns3.fat\nfat NS ns4.fat\n"
    "fat NS ns5.fat\nfat NS ns6.fat\nfat NS ns7.fat\nfat NS ns8.fat\n"
    "ns1.fat A 192.0.2.11\nns1.fat AAAA 2001:db8::11\n"
    "ns2.fat A 192.0.2.12\nns2.fat AAAA 2001:db8::12\n"
    "ns3.fat A 192.0.2.13\nns3.fat AAAA 2001:db8::13\n"
    "ns4.fat A 192.0.2.14\nns4.fat AAAA 2001:db8::14\n"
    "ns5.fat A 192.0.2.15\nns5.fat AAAA 2001:db8::15\n"
    "ns6.fat A 192.0.2.16\nns6.fat AAAA 2001:db8::16\n"
    "ns7.fat A 192.0.2.17\nns7.fat AAAA 2001:db8::17\n"
    "ns8.fat A 192.0.2.18\nns8.fat AAAA 2001:db8::18\n"
    "thin NS m1\nthin NS m2\nthin NS m3\nthin NS m4\nthin NS m5\nthin NS m6\n"
    "* TXT \"wc\"\n"
    "x.e1 A 192.0.2.5\n";
/* clang-format on */

static serve_zones_t *full;   /* root, example., trunc.test. */
static serve_zones_t *noroot; /* example. alone */
static dns_arena_t scratch;

static void add_zone(serve_zones_t *zs, const char *text, const char *origin)
{
	dns_zone_t z;
	dns_name_t o;
	dns_zone_opts_t zo = {0};
	assert_int_equal(dns_name_from_str(origin, NULL, &o), DNS_OK);
	zo.origin = &o;
	dns_zone_init(&z);
	dns_rc_t rc = dns_zone_load_string(&z, text, strlen(text), origin, &zo);
	if (rc != DNS_OK) {
		char msg[512];
		dns_zone_error_text(&z, msg, sizeof(msg));
		fail_msg("%s", msg);
	}
	dns_error_t err = {0};
	rc = serve_zones_add(zs, &z, &err);
	if (rc != DNS_OK)
		fail_msg("%s: %s", origin, err.detail);
	dns_zone_free(&z); /* the set keeps its own copy */
}

static int setup(void **state)
{
	(void)state;
	dns_arena_init(&scratch, 0);
	assert_int_equal(serve_zones_new(&full), DNS_OK);
	add_zone(full, root_zone, ".");
	add_zone(full, example_zone, "example.");
	add_zone(full, trunc_zone, "trunc.test.");
	assert_int_equal(serve_zones_new(&noroot), DNS_OK);
	add_zone(noroot, example_zone, "example.");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	serve_zones_free(full);
	serve_zones_free(noroot);
	dns_arena_free(&scratch);
	return 0;
}

/* ---- queries and responses ---------------------------------------------- */

enum {
	Q_EDNS = 1u << 0, /* an OPT (udp 1232 unless Q_BIGUDP) */
	Q_DO = 1u << 1,	  /* DO=1 (implies Q_EDNS) */
	Q_TCP = 1u << 2,
	Q_ALL = 1u << 3, /* opts.any_all */
	Q_CH = 1u << 4,	 /* class CH */
	Q_CD = 1u << 5,
	Q_NOROOT = 1u << 6, /* ask the set without the root */
	Q_AUTHNS = 1u << 7, /* opts.auth_ns */
	Q_FMQD = 1u << 8,   /* opts.formerr_qd */
};

#define QID 0xbeefu

static size_t build_query(uint8_t *buf, size_t cap, const char *qname,
			  uint16_t qtype, unsigned flags, uint16_t udp,
			  uint8_t version)
{
	dns_name_t n;
	assert_int_equal(dns_name_from_str(qname, NULL, &n), DNS_OK);
	bool edns = flags & (Q_EDNS | Q_DO);
	dns_wire_t w = dns_wire_writer(buf, cap);
	dns_wire_put_u16(&w, QID);
	dns_wire_put_u16(&w,
			 (uint16_t)(DNS_F_RD | (flags & Q_CD ? DNS_F_CD : 0)));
	dns_wire_put_u16(&w, 1);
	dns_wire_put_u16(&w, 0);
	dns_wire_put_u16(&w, 0);
	dns_wire_put_u16(&w, edns ? 1 : 0);
	dns_name_pack(&w, &n, NULL);
	dns_wire_put_u16(&w, qtype);
	dns_wire_put_u16(&w, flags & Q_CH ? DNS_C_CH : DNS_C_IN);
	if (edns) {
		dns_wire_put_u8(&w, 0);
		dns_wire_put_u16(&w, DNS_T_OPT);
		dns_wire_put_u16(&w, udp);
		dns_wire_put_u32(&w, (uint32_t)version << 16 |
					 (flags & Q_DO ? DNS_EDNS_DO : 0));
		dns_wire_put_u16(&w, 0);
	}
	assert_true(dns_wire_ok(&w));
	return w.pos;
}

/* One section as "owner ttl TYPE rdata" lines (RRSIGs as "owner ttl
 * RRSIG covered"), sorted, joined by '|'; OPT left out. */
static void render(const dns_msg_t *m, unsigned sec, char *out, size_t cap)
{
	static char lines[64][1000];
	unsigned n = 0;
	for (unsigned i = 0; i < m->nsec[sec]; i++) {
		const dns_rr_t *rr = &m->sec[sec][i];
		if (rr->type == DNS_T_OPT)
			continue;
		assert_true(n < 64);
		char owner[DNS_NAME_TEXT_MAX + 1], type[16], rd[512];
		dns_name_t o = rr->owner;
		dns_name_lower(&o);
		dns_name_to_text(&o, owner, sizeof(owner));
		dns_strbuf_t sb = dns_strbuf_init(rd, sizeof(rd));
		if (rr->type == DNS_T_RRSIG)
			dns_sb_puts(&sb, dns_type_to_text(
					     dns_get_u16(rr->rdata), type));
		else
			dns_rdata_to_text(rr->type, rr->rdata, rr->rdlen, &sb);
		assert_false(sb.over);
		dns_strbuf_t line =
		    dns_strbuf_init(lines[n++], sizeof(lines[0]));
		dns_sb_printf(&line, "%s %u %s %s", owner, rr->ttl,
			      dns_type_to_text(rr->type, type), rd);
		assert_false(line.over);
	}
	qsort(lines, n, sizeof(lines[0]),
	      (int (*)(const void *, const void *))strcmp);
	dns_strbuf_t sb = dns_strbuf_init(out, cap);
	for (unsigned i = 0; i < n; i++)
		dns_sb_printf(&sb, "%s%s", i ? "|" : "", lines[i]);
	assert_false(sb.over);
}

/* The expected text, its '|'-separated lines sorted the same way. */
static void sorted(const char *want, char *out, size_t cap)
{
	static char copy[8192], lines[64][1000];
	unsigned n = 0;
	snprintf(copy, sizeof(copy), "%s", want);
	for (char *save, *p = strtok_r(copy, "|", &save); p != NULL;
	     p = strtok_r(NULL, "|", &save)) {
		assert_true(n < 64);
		snprintf(lines[n++], sizeof(lines[0]), "%s", p);
	}
	qsort(lines, n, sizeof(lines[0]),
	      (int (*)(const void *, const void *))strcmp);
	dns_strbuf_t sb = dns_strbuf_init(out, cap);
	for (unsigned i = 0; i < n; i++)
		dns_sb_printf(&sb, "%s%s", i ? "|" : "", lines[i]);
}

typedef struct exchange {
	serve_action_t action;
	serve_result_t res;
	uint8_t resp[DNS_MSG_MAXLEN];
	dns_msg_t m; /* the response, decoded strictly */
} exchange_t;

static exchange_t ex; /* large: static */

static void ask_wire(const serve_zones_t *zs, const uint8_t *q, size_t len,
		     unsigned flags)
{
	serve_opts_t o = {0};
	o.any_all = (flags & Q_ALL) != 0;
	o.auth_ns = (flags & Q_AUTHNS) != 0;
	o.formerr_qd = (flags & Q_FMQD) != 0;
	dns_arena_reset(&scratch);
	ex.action =
	    serve_answer_wire(zs, q, len, flags & Q_TCP ? SERVE_TCP : SERVE_UDP,
			      &o, &scratch, ex.resp, sizeof(ex.resp), &ex.res);
	if (ex.action != SERVE_REPLY)
		return;
	assert_int_equal(ex.res.len > 0, true);
	assert_int_equal(dns_msg_decode(&ex.m, ex.resp, ex.res.len,
					DNS_DECODE_STRICT, &scratch),
			 DNS_OK);
}

static void ask(const char *qname, uint16_t qtype, unsigned flags)
{
	uint8_t q[512];
	size_t len = build_query(q, sizeof(q), qname, qtype, flags, 1232, 0);
	ask_wire(flags & Q_NOROOT ? noroot : full, q, len, flags);
}

/* ---- the table ---------------------------------------------------------- */

typedef struct acase {
	const char *qname;
	const char *qtype;
	unsigned flags;
	uint16_t rcode;
	bool aa;
	serve_kind_t kind;
	const char *an, *ns, *ar; /* '|'-separated records, any order */
} acase_t;

#define SOA_NEG                                                                \
	"example. 300 SOA ns1.example. hostmaster.example. 1 7200 3600 "       \
	"1209600 300"
#define SOA_APEX                                                               \
	"example. 3600 SOA ns1.example. hostmaster.example. 1 7200 3600 "      \
	"1209600 300"
#define SOA_NEG_SIG SOA_NEG "|example. 300 RRSIG SOA"
#define APEX_NSEC                                                              \
	"example. 300 NSEC a.example. NS SOA MX RRSIG NSEC DNSKEY|example. "   \
	"300 "                                                                 \
	"RRSIG NSEC"
#define SUB_NS                                                                 \
	"sub.example. 3600 NS ns1.sub.example.|sub.example. 3600 NS "          \
	"ns2.example."
#define SUB_GLUE                                                               \
	"ns1.sub.example. 3600 A 192.0.2.153|ns1.sub.example. 3600 AAAA "      \
	"2001:db8::153|ns2.example. 3600 A 192.0.2.54"
#define SUB_DS	"sub.example. 3600 DS 12345 13 2 " DIGEST
#define APEX_NS "example. 3600 NS ns1.example.|example. 3600 NS ns2.example."
#define APEX_NS_ADD                                                            \
	"ns1.example. 3600 A 192.0.2.53|ns1.example. 3600 AAAA "               \
	"2001:db8::53|ns2.example. 3600 A 192.0.2.54"
#define NET_REFERRAL "net. 172800 NS a.gtld-servers.net."
#define NET_GLUE     "a.gtld-servers.net. 172800 A 192.5.6.30"
#define ROOT_SOA                                                               \
	". 86400 SOA a.root-servers.net. nstld.verisign-grs.com. 2024010100 "  \
	"1800 900 604800 86400"

#define TRUNC_SOA                                                              \
	"trunc.test. 30 SOA ns.trunc.test. hostmaster.trunc.test. 1 2 3 4 30"
#define NOERR DNS_RCODE_NOERROR
#define NXD   DNS_RCODE_NXDOMAIN
#define K_AN  SERVE_K_ANSWER
#define K_ND  SERVE_K_NODATA
#define K_NX  SERVE_K_NXDOMAIN
#define K_RF  SERVE_K_REFERRAL

static const acase_t cases[] = {
    /* exact matches */
    {"a.example.", "A", 0, NOERR, true, K_AN, "a.example. 3600 A 192.0.2.1", "",
     ""},
    {"a.example.", "A", Q_DO, NOERR, true, K_AN,
     "a.example. 3600 A 192.0.2.1|a.example. 3600 RRSIG A", "", ""},
    {"A.EXAMPLE.", "A", 0, NOERR, true, K_AN, "a.example. 3600 A 192.0.2.1", "",
     ""},
    {"a.example.", "RRSIG", 0, NOERR, true, K_AN,
     "a.example. 3600 RRSIG A|a.example. 300 RRSIG NSEC", "", ""},
    {"a.example.", "NSEC", 0, NOERR, true, K_AN,
     "a.example. 300 NSEC chain1.example. A RRSIG NSEC", "", ""},
    {"a.example.", "NSEC", Q_DO, NOERR, true, K_AN,
     "a.example. 300 NSEC chain1.example. A RRSIG NSEC|a.example. 300 "
     "RRSIG NSEC",
     "", ""},
    {".", "SOA", 0, NOERR, true, K_AN, ROOT_SOA, "", ""},
    /* additional-section processing */
    {"example.", "MX", 0, NOERR, true, K_AN,
     "example. 3600 MX 10 mail.example.", "",
     "mail.example. 3600 A 192.0.2.25"},
    {"example.", "MX", Q_DO, NOERR, true, K_AN,
     "example. 3600 MX 10 mail.example.|example. 3600 RRSIG MX", "",
     "mail.example. 3600 A 192.0.2.25|mail.example. 3600 RRSIG A"},
    {"srv.example.", "SRV", 0, NOERR, true, K_AN,
     "srv.example. 3600 SRV 0 0 5060 sip.example.", "",
     "sip.example. 3600 A 192.0.2.60"},
    {"example.", "NS", 0, NOERR, true, K_AN, APEX_NS, "", APEX_NS_ADD},
    /* negative answers: RFC 2308 TTL, NSEC proofs (RFC 4035 3.1.3) */
    {"nx.example.", "A", 0, NXD, true, K_NX, "", SOA_NEG, ""},
    {"nx.example.", "A", Q_DO, NXD, true, K_NX, "",
     SOA_NEG_SIG "|ns2.example. 300 NSEC out.example. A RRSIG NSEC|"
		 "ns2.example. 300 RRSIG NSEC|" APEX_NSEC,
     ""},
    {"a.example.", "MX", 0, NOERR, true, K_ND, "", SOA_NEG, ""},
    {"a.example.", "MX", Q_DO, NOERR, true, K_ND, "",
     SOA_NEG_SIG "|a.example. 300 NSEC chain1.example. A RRSIG NSEC|"
		 "a.example. 300 RRSIG NSEC",
     ""},
    {"ent.example.", "A", 0, NOERR, true, K_ND, "", SOA_NEG, ""},
    {"ent.example.", "A", Q_DO, NOERR, true, K_ND, "",
     SOA_NEG_SIG "|www.dtarget.example. 300 NSEC leaf.ent.example. A RRSIG "
		 "NSEC|www.dtarget.example. 300 RRSIG NSEC",
     ""},
    {"com.", "A", 0, NXD, true, K_NX, "", ROOT_SOA, ""},
    /* CNAME chains (RFC 1034 4.3.2) */
    {"chain1.example.", "A", 0, NOERR, true, K_AN,
     "chain1.example. 3600 CNAME chain2.example.|chain2.example. 3600 CNAME "
     "chain3.example.|chain3.example. 3600 A 192.0.2.3",
     "", ""},
    {"chain1.example.", "A", Q_DO, NOERR, true, K_AN,
     "chain1.example. 3600 CNAME chain2.example.|chain2.example. 3600 CNAME "
     "chain3.example.|chain3.example. 3600 A 192.0.2.3|chain1.example. 3600 "
     "RRSIG CNAME|chain2.example. 3600 RRSIG CNAME|chain3.example. 3600 "
     "RRSIG A",
     "", ""},
    {"chain1.example.", "CNAME", 0, NOERR, true, K_AN,
     "chain1.example. 3600 CNAME chain2.example.", "", ""},
    {"loop1.example.", "A", 0, NOERR, true, K_AN,
     "loop1.example. 3600 CNAME loop2.example.|loop2.example. 3600 CNAME "
     "loop1.example.",
     "", ""},
    {"tonx.example.", "A", 0, NXD, true, K_NX,
     "tonx.example. 3600 CNAME nothere.example.", SOA_NEG, ""},
    {"chain3.example.", "MX", 0, NOERR, true, K_ND, "", SOA_NEG, ""},
    /* a chain into a delegation: AA for the CNAME, then the referral (as
     * NSD does) */
    {"tosub.example.", "A", 0, NOERR, true, K_RF,
     "tosub.example. 3600 CNAME host.sub.example.", SUB_NS, SUB_GLUE},
    /* the chain leaves example. into the root zone: a referral to net. */
    {"out.example.", "A", 0, NOERR, true, K_RF,
     "out.example. 3600 CNAME www.example.net.", NET_REFERRAL, NET_GLUE},
    /* ... and without the root it just ends */
    {"out.example.", "A", Q_NOROOT, NOERR, true, K_AN,
     "out.example. 3600 CNAME www.example.net.", "", ""},
    /* DNAME (RFC 6672) */
    {"www.dname.example.", "A", 0, NOERR, true, K_AN,
     "dname.example. 3600 DNAME dtarget.example.|www.dname.example. 3600 "
     "CNAME www.dtarget.example.|www.dtarget.example. 3600 A 192.0.2.80",
     "", ""},
    {"www.dname.example.", "A", Q_DO, NOERR, true, K_AN,
     "dname.example. 3600 DNAME dtarget.example.|www.dname.example. 3600 "
     "CNAME www.dtarget.example.|www.dtarget.example. 3600 A "
     "192.0.2.80|dname.example. 3600 RRSIG DNAME|www.dtarget.example. 3600 "
     "RRSIG A",
     "", ""},
    {"x.dname.example.", "CNAME", 0, NOERR, true, K_AN,
     "dname.example. 3600 DNAME dtarget.example.|x.dname.example. 3600 "
     "CNAME x.dtarget.example.",
     "", ""},
    {"nope.dname.example.", "A", 0, NXD, true, K_NX,
     "dname.example. 3600 DNAME dtarget.example.|nope.dname.example. 3600 "
     "CNAME nope.dtarget.example.",
     SOA_NEG, ""},
    {"dname.example.", "DNAME", 0, NOERR, true, K_AN,
     "dname.example. 3600 DNAME dtarget.example.", "", ""},
    {"dname.example.", "A", 0, NOERR, true, K_ND, "", SOA_NEG, ""},
    {A63 ".long.example.", "A", 0, SERVE_RCODE_YXDOMAIN, true, SERVE_K_ERROR,
     "long.example. 3600 DNAME " X63 "." X63 "." X63 ".example.", "", ""},
    /* wildcards (RFC 4592) */
    {"x.wild.example.", "A", 0, NOERR, true, K_AN,
     "x.wild.example. 3600 A 192.0.2.99", "", ""},
    {"x.wild.example.", "A", Q_DO, NOERR, true, K_AN,
     "x.wild.example. 3600 A 192.0.2.99|x.wild.example. 3600 RRSIG A",
     "*.wild.example. 300 NSEC example. A TXT RRSIG NSEC|*.wild.example. "
     "300 RRSIG NSEC",
     ""},
    {"a.b.wild.example.", "TXT", 0, NOERR, true, K_AN,
     "a.b.wild.example. 3600 TXT \"wild\"", "", ""},
    {"x.wild.example.", "MX", 0, NOERR, true, K_ND, "", SOA_NEG, ""},
    {"x.wild.example.", "MX", Q_DO, NOERR, true, K_ND, "",
     SOA_NEG_SIG "|*.wild.example. 300 NSEC example. A TXT RRSIG "
		 "NSEC|*.wild.example. 300 RRSIG NSEC",
     ""},
    {"*.wild.example.", "A", Q_DO, NOERR, true, K_AN,
     "*.wild.example. 3600 A 192.0.2.99|*.wild.example. 3600 RRSIG A", "", ""},
    {"wild.example.", "A", 0, NOERR, true, K_ND, "", SOA_NEG, ""},
    {"x.wcname.example.", "A", 0, NOERR, true, K_AN,
     "x.wcname.example. 3600 CNAME a.example.|a.example. 3600 A 192.0.2.1", "",
     ""},
    {"x.wcname.example.", "A", Q_DO, NOERR, true, K_AN,
     "x.wcname.example. 3600 CNAME a.example.|x.wcname.example. 3600 RRSIG "
     "CNAME|a.example. 3600 A 192.0.2.1|a.example. 3600 RRSIG A",
     "*.wcname.example. 300 NSEC *.wild.example. CNAME RRSIG "
     "NSEC|*.wcname.example. 300 RRSIG NSEC",
     ""},
    /* the wildcard does not apply to names that exist, ENTs included */
    {"leaf.ent.example.", "TXT", 0, NOERR, true, K_ND, "", SOA_NEG, ""},
    /* existing names and ENTs block the wildcard; below an ENT the closest
     * encloser is the ENT, whose wildcard does not exist (RFC 4592 3.3.1) */
    {"e1.trunc.test.", "TXT", 0, NOERR, true, K_ND, "", TRUNC_SOA, ""},
    {"big.trunc.test.", "A", 0, NOERR, true, K_ND, "", TRUNC_SOA, ""},
    {"y.e1.trunc.test.", "TXT", 0, NXD, true, K_NX, "", TRUNC_SOA, ""},
    {"nothing.trunc.test.", "TXT", 0, NOERR, true, K_AN,
     "nothing.trunc.test. 60 TXT \"wc\"", "", ""},
    {"a.b.nothing.trunc.test.", "TXT", 0, NOERR, true, K_AN,
     "a.b.nothing.trunc.test. 60 TXT \"wc\"", "", ""},
    {"nothing.trunc.test.", "A", 0, NOERR, true, K_ND, "", TRUNC_SOA, ""},
    /* referrals */
    {"host.sub.example.", "A", 0, NOERR, false, K_RF, "", SUB_NS, SUB_GLUE},
    {"host.sub.example.", "A", Q_DO, NOERR, false, K_RF, "",
     SUB_NS "|" SUB_DS "|sub.example. 3600 RRSIG DS",
     SUB_GLUE "|ns2.example. 3600 RRSIG A"},
    {"sub.example.", "NS", 0, NOERR, false, K_RF, "", SUB_NS, SUB_GLUE},
    {"ns1.sub.example.", "A", 0, NOERR, false, K_RF, "", SUB_NS, SUB_GLUE},
    {"sub.example.", "DS", Q_DO, NOERR, true, K_AN,
     SUB_DS "|sub.example. 3600 RRSIG DS", "", ""},
    {"x.uns.example.", "A", Q_DO, NOERR, false, K_RF, "",
     "uns.example. 3600 NS ns.elsewhere.net.|uns.example. 300 NSEC "
     "*.wcname.example. NS RRSIG NSEC|uns.example. 300 RRSIG NSEC",
     ""},
    {"uns.example.", "DS", Q_DO, NOERR, true, K_ND, "",
     SOA_NEG_SIG "|uns.example. 300 NSEC *.wcname.example. NS RRSIG "
		 "NSEC|uns.example. 300 RRSIG NSEC",
     ""},
    {"www.example.net.", "A", 0, NOERR, false, K_RF, "", NET_REFERRAL,
     NET_GLUE},
    /* the child zone answers for its apex, the parent for DS */
    {"example.", "DS", 0, NOERR, true, K_AN,
     "example. 86400 DS 12345 13 2 " DIGEST, "", ""},
    {"example.", "DS", Q_NOROOT, NOERR, true, K_ND, "", SOA_NEG, ""},
    /* ANY (RFC 8482) */
    {"example.", "ANY", 0, NOERR, true, K_AN, SOA_APEX, "", ""},
    {"example.", "ANY", Q_DO, NOERR, true, K_AN,
     SOA_APEX "|example. 3600 RRSIG SOA", "", ""},
    {"loop1.example.", "ANY", 0, NOERR, true, K_AN,
     "loop1.example. 3600 CNAME loop2.example.", "", ""},
    {"sub.example.", "ANY", 0, NOERR, false, K_RF, "", SUB_NS, SUB_GLUE},
    {"example.", "ANY", Q_ALL, NOERR, true, K_AN,
     APEX_NS "|" SOA_APEX "|example. 3600 MX 10 mail.example.|example. 300 "
	     "NSEC a.example. NS SOA MX RRSIG NSEC DNSKEY|example. 3600 DNSKEY "
	     "257 3 13 " KEY,
     "", APEX_NS_ADD "|mail.example. 3600 A 192.0.2.25"},
    {"x.wild.example.", "ANY", 0, NOERR, true, K_AN,
     "x.wild.example. 3600 A 192.0.2.99", "", ""},
    {"ent.example.", "ANY", 0, NOERR, true, K_ND, "", SOA_NEG, ""},
    /* opts.auth_ns: the zone's NS with positive answers only */
    {"a.example.", "A", Q_AUTHNS, NOERR, true, K_AN,
     "a.example. 3600 A 192.0.2.1", APEX_NS, APEX_NS_ADD},
    {"a.example.", "A", Q_AUTHNS | Q_DO, NOERR, true, K_AN,
     "a.example. 3600 A 192.0.2.1|a.example. 3600 RRSIG A",
     APEX_NS "|example. 3600 RRSIG NS",
     APEX_NS_ADD "|ns1.example. 3600 RRSIG A|ns1.example. 3600 RRSIG "
		 "AAAA|ns2.example. 3600 RRSIG A"},
    {"example.", "MX", Q_AUTHNS, NOERR, true, K_AN,
     "example. 3600 MX 10 mail.example.", APEX_NS,
     "mail.example. 3600 A 192.0.2.25|" APEX_NS_ADD},
    {"example.", "NS", Q_AUTHNS, NOERR, true, K_AN, APEX_NS, "", APEX_NS_ADD},
    {"www.dname.example.", "A", Q_AUTHNS, NOERR, true, K_AN,
     "dname.example. 3600 DNAME dtarget.example.|www.dname.example. 3600 "
     "CNAME www.dtarget.example.|www.dtarget.example. 3600 A 192.0.2.80",
     APEX_NS, APEX_NS_ADD},
    {"nx.example.", "A", Q_AUTHNS, NXD, true, K_NX, "", SOA_NEG, ""},
    {"example.", "DNSKEY", Q_AUTHNS, NOERR, true, K_AN,
     "example. 3600 DNSKEY 257 3 13 " KEY, "", ""},
    {"loop1.example.", "A", Q_AUTHNS, NOERR, true, K_AN,
     "loop1.example. 3600 CNAME loop2.example.|loop2.example. 3600 CNAME "
     "loop1.example.",
     "", ""},
    {"x.dname.example.", "CNAME", Q_AUTHNS, NOERR, true, K_AN,
     "dname.example. 3600 DNAME dtarget.example.|x.dname.example. 3600 "
     "CNAME x.dtarget.example.",
     "", ""},
    {"x.wild.example.", "A", Q_AUTHNS, NOERR, true, K_AN,
     "x.wild.example. 3600 A 192.0.2.99", APEX_NS, APEX_NS_ADD},
    {"a.example.", "MX", Q_AUTHNS, NOERR, true, K_ND, "", SOA_NEG, ""},
    {"sub.example.", "DS", Q_AUTHNS, NOERR, true, K_AN, SUB_DS, "", ""},
    {"example.", "ANY", Q_AUTHNS, NOERR, true, K_AN, SOA_APEX, "", ""},
    {"host.sub.example.", "A", Q_AUTHNS, NOERR, false, K_RF, "", SUB_NS,
     SUB_GLUE},
    /* no zone */
    {"version.bind.", "TXT", Q_CH, DNS_RCODE_REFUSED, false, SERVE_K_REFUSED,
     "", "", ""},
    {"www.example.net.", "A", Q_NOROOT, DNS_RCODE_REFUSED, false,
     SERVE_K_REFUSED, "", "", ""},
};

static void check_section(const acase_t *c, unsigned sec, const char *want)
{
	static char got[8192], exp[8192];
	render(&ex.m, sec, got, sizeof(got));
	sorted(want, exp, sizeof(exp));
	if (strcmp(got, exp) != 0)
		fail_msg("%s %s flags %#x, %s:\n  got  %s\n  want %s", c->qname,
			 c->qtype, c->flags, dns_section_name(sec), got, exp);
}

static void test_table(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const acase_t *c = &cases[i];
		uint16_t qtype;
		assert_int_equal(
		    dns_type_from_text(c->qtype, strlen(c->qtype), &qtype),
		    DNS_OK);
		ask(c->qname, qtype, c->flags);
		if (ex.action != SERVE_REPLY)
			fail_msg("%s %s: no reply", c->qname, c->qtype);
		if (dns_msg_rcode(&ex.m) != c->rcode ||
		    ((ex.m.flags & DNS_F_AA) != 0) != c->aa ||
		    ex.res.kind != c->kind)
			fail_msg("%s %s flags %#x: rcode %u aa %d kind %s, "
				 "want %u %d %s",
				 c->qname, c->qtype, c->flags,
				 dns_msg_rcode(&ex.m),
				 (ex.m.flags & DNS_F_AA) != 0,
				 serve_kind_name(ex.res.kind), c->rcode, c->aa,
				 serve_kind_name(c->kind));
		assert_int_equal(ex.res.rcode, c->rcode);
		assert_int_equal(ex.res.aa, c->aa);
		assert_false(ex.res.tc);
		assert_false(ex.m.flags & DNS_F_TC);
		check_section(c, DNS_SEC_ANSWER, c->an);
		check_section(c, DNS_SEC_AUTHORITY, c->ns);
		check_section(c, DNS_SEC_ADDITIONAL, c->ar);
		/* EDNS echoed exactly when asked, DO copied */
		bool edns = c->flags & (Q_EDNS | Q_DO);
		assert_int_equal(ex.m.opt != NULL, edns);
		if (edns)
			assert_int_equal((ex.m.opt->ttl & DNS_EDNS_DO) != 0,
					 (c->flags & Q_DO) != 0);
	}
}

/* ---- header, question, EDNS ---------------------------------------------- */

static void test_header_copied(void **state)
{
	(void)state;
	ask("A.ExAmPlE.", DNS_T_A, Q_CD | Q_EDNS);
	assert_int_equal(ex.action, SERVE_REPLY);
	assert_int_equal(ex.m.id, QID);
	assert_true(ex.m.flags & DNS_F_QR);
	assert_true(ex.m.flags & DNS_F_RD);
	assert_true(ex.m.flags & DNS_F_CD);
	assert_false(ex.m.flags & (DNS_F_RA | DNS_F_AD | DNS_F_Z | DNS_F_TC));
	assert_int_equal(DNS_OPCODE(ex.m.flags), 0);
	/* the question is the query's, byte for byte: case kept */
	assert_int_equal(ex.m.nqd, 1);
	dns_name_t want;
	assert_int_equal(dns_name_from_str("A.ExAmPlE.", NULL, &want), DNS_OK);
	assert_int_equal(ex.m.qd[0].name.len, want.len);
	assert_memory_equal(ex.m.qd[0].name.wire, want.wire, want.len);
	assert_int_equal(ex.m.qd[0].qtype, DNS_T_A);
	assert_int_equal(ex.m.qd[0].qclass, DNS_C_IN);
	/* OPT: version 0, our payload size, no DO */
	assert_non_null(ex.m.opt);
	assert_int_equal(ex.m.opt->rclass, SERVE_UDP_DEFAULT);
	assert_int_equal(ex.m.opt->ttl, 0);
	assert_int_equal(ex.m.opt->rdlen, 0);
}

static void test_badvers(void **state)
{
	(void)state;
	uint8_t q[512];
	size_t len =
	    build_query(q, sizeof(q), "a.example.", DNS_T_A, Q_DO, 1232, 1);
	ask_wire(full, q, len, 0);
	assert_int_equal(ex.action, SERVE_REPLY);
	assert_int_equal(dns_msg_rcode(&ex.m), DNS_RCODE_BADVERS);
	assert_int_equal(DNS_RCODE(ex.m.flags), 0);
	assert_int_equal(ex.res.rcode, DNS_RCODE_BADVERS);
	assert_int_equal(ex.res.kind, SERVE_K_ERROR);
	assert_non_null(ex.m.opt);
	assert_int_equal((ex.m.opt->ttl >> 16) & 0xff, 0); /* version 0 */
	assert_int_equal(ex.m.opt->ttl >> 24, 1);	   /* BADVERS high */
	assert_int_equal(ex.m.nqd, 1);
	assert_int_equal(ex.m.nsec[DNS_SEC_ANSWER], 0);
	assert_false(ex.m.flags & DNS_F_AA);
}

static void put_hdr(uint8_t *q, uint16_t flags, uint16_t qd, uint16_t an,
		    uint16_t ns, uint16_t ar)
{
	dns_put_u16(q, QID);
	dns_put_u16(q + 2, flags);
	dns_put_u16(q + 4, qd);
	dns_put_u16(q + 6, an);
	dns_put_u16(q + 8, ns);
	dns_put_u16(q + 10, ar);
}

static void test_malformed(void **state)
{
	(void)state;
	uint8_t q[512];
	size_t len = build_query(q, sizeof(q), "a.example.", DNS_T_A, 0, 0, 0);

	/* question cut short: FORMERR, header only, ID and RD copied */
	ask_wire(full, q, len - 3, 0);
	assert_int_equal(ex.action, SERVE_REPLY);
	assert_int_equal(ex.res.rcode, DNS_RCODE_FORMERR);
	assert_int_equal(ex.res.why, DNS_E_TRUNC_QUESTION);
	assert_int_equal(ex.m.id, QID);
	assert_int_equal(DNS_RCODE(ex.m.flags), DNS_RCODE_FORMERR);
	assert_true(ex.m.flags & DNS_F_RD);
	assert_int_equal(ex.m.nqd, 0);
	assert_null(ex.m.opt);
	assert_int_equal(ex.res.len, DNS_HEADER_LEN);

	/* ... also with formerr_qd: no question was read */
	ask_wire(full, q, len - 3, Q_FMQD);
	assert_int_equal(ex.res.rcode, DNS_RCODE_FORMERR);
	assert_int_equal(ex.m.nqd, 0);

	/* trailing garbage */
	q[len] = 0xff;
	ask_wire(full, q, len + 1, 0);
	assert_int_equal(ex.res.rcode, DNS_RCODE_FORMERR);
	assert_int_equal(ex.res.why, DNS_E_TRAILING);
	assert_int_equal(ex.m.nqd, 0);

	/* with formerr_qd the question read is copied, and nothing else */
	ask_wire(full, q, len + 1, Q_FMQD);
	assert_int_equal(ex.res.rcode, DNS_RCODE_FORMERR);
	assert_int_equal(ex.m.nqd, 1);
	assert_int_equal(ex.m.qd[0].qtype, DNS_T_A);
	assert_int_equal(ex.m.nsec[DNS_SEC_ANSWER], 0);
	assert_null(ex.m.opt);
	assert_int_equal(ex.res.len, len);

	/* two OPT records */
	uint8_t q2[512];
	size_t l2 =
	    build_query(q2, sizeof(q2), "a.example.", DNS_T_A, Q_EDNS, 1232, 0);
	memcpy(q2 + l2, q2 + l2 - 11, 11);
	dns_put_u16(q2 + 10, 2);
	ask_wire(full, q2, l2 + 11, 0);
	assert_int_equal(ex.res.rcode, DNS_RCODE_FORMERR);
	assert_null(ex.m.opt);

	/* no question at all, and two questions */
	put_hdr(q2, DNS_F_RD, 0, 0, 0, 0);
	ask_wire(full, q2, DNS_HEADER_LEN, 0);
	assert_int_equal(ex.res.rcode, DNS_RCODE_FORMERR);
	assert_int_equal(ex.m.nqd, 0);
	memcpy(q2, q, len);
	memcpy(q2 + len, q + DNS_HEADER_LEN, len - DNS_HEADER_LEN);
	dns_put_u16(q2 + 4, 2);
	ask_wire(full, q2, 2 * len - DNS_HEADER_LEN, 0);
	assert_int_equal(ex.res.rcode, DNS_RCODE_FORMERR);

	/* an answer record in a query */
	memcpy(q2, q, len);
	static const uint8_t rr[] = {0, 0, 1, 0, 1, 0, 0, 0,
				     0, 0, 4, 1, 2, 3, 4};
	memcpy(q2 + len, rr, sizeof(rr));
	dns_put_u16(q2 + 6, 1);
	ask_wire(full, q2, len + sizeof(rr), 0);
	assert_int_equal(ex.res.rcode, DNS_RCODE_FORMERR);
	assert_int_equal(ex.m.nqd, 1);
}

static void test_drop_and_notimp(void **state)
{
	(void)state;
	uint8_t q[512];
	size_t len =
	    build_query(q, sizeof(q), "a.example.", DNS_T_A, Q_EDNS, 1232, 0);
	/* fewer than 12 bytes: nothing to answer to */
	ask_wire(full, q, 11, 0);
	assert_int_equal(ex.action, SERVE_DROP);
	assert_int_equal(ex.res.why, DNS_E_TRUNC_HEADER);
	/* QR=1: a response is never answered, even a malformed one */
	q[2] |= 0x80;
	ask_wire(full, q, len, 0);
	assert_int_equal(ex.action, SERVE_DROP);
	assert_int_equal(ex.res.kind, SERVE_K_DROP);
	ask_wire(full, q, len - 1, 0);
	assert_int_equal(ex.action, SERVE_DROP);
	q[2] &= 0x7f;
	/* opcodes other than QUERY */
	static const uint8_t opcodes[] = {1, 2, 4, 5, 6, 15};
	for (size_t i = 0; i < sizeof(opcodes); i++) {
		q[2] = (uint8_t)((q[2] & 0x87) | opcodes[i] << 3);
		ask_wire(full, q, len, 0);
		assert_int_equal(ex.action, SERVE_REPLY);
		assert_int_equal(ex.res.rcode, DNS_RCODE_NOTIMP);
		assert_int_equal(DNS_OPCODE(ex.m.flags), opcodes[i]);
		assert_int_equal(ex.m.nqd, 1);
		assert_non_null(ex.m.opt);
		assert_int_equal(ex.m.nsec[DNS_SEC_ANSWER], 0);
	}
}

static void test_meta_qtypes(void **state)
{
	(void)state;
	static const struct {
		uint16_t qtype;
		unsigned flags;
		uint16_t rcode;
		serve_action_t action;
	} t[] = {
	    {DNS_T_OPT, 0, DNS_RCODE_FORMERR, SERVE_REPLY},
	    {DNS_T_TSIG, 0, DNS_RCODE_FORMERR, SERVE_REPLY},
	    {DNS_T_TKEY, 0, DNS_RCODE_FORMERR, SERVE_REPLY},
	    {253, 0, DNS_RCODE_NOTIMP, SERVE_REPLY}, /* MAILB */
	    {254, 0, DNS_RCODE_NOTIMP, SERVE_REPLY}, /* MAILA */
	    {DNS_T_AXFR, 0, DNS_RCODE_FORMERR, SERVE_REPLY},
	    {DNS_T_AXFR, Q_TCP, 0, SERVE_XFR},
	    {DNS_T_IXFR, Q_TCP, 0, SERVE_XFR},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ask("example.", t[i].qtype, t[i].flags);
		assert_int_equal(ex.action, t[i].action);
		if (t[i].action == SERVE_REPLY)
			assert_int_equal(ex.res.rcode, t[i].rcode);
	}
	/* IXFR over UDP: the SOA alone */
	ask("example.", DNS_T_IXFR, 0);
	assert_int_equal(ex.action, SERVE_REPLY);
	assert_true(ex.m.flags & DNS_F_AA);
	assert_int_equal(ex.m.nsec[DNS_SEC_ANSWER], 1);
	assert_int_equal(ex.m.sec[DNS_SEC_ANSWER][0].type, DNS_T_SOA);
	/* transfers of a name that is not an apex, or of no zone */
	ask("a.example.", DNS_T_AXFR, Q_TCP);
	assert_int_equal(ex.action, SERVE_REPLY);
	assert_int_equal(ex.res.rcode, DNS_RCODE_NOTAUTH);
	ask("example.net.", DNS_T_AXFR, Q_TCP | Q_NOROOT);
	assert_int_equal(ex.res.rcode, DNS_RCODE_REFUSED);
}

/* ---- sizes --------------------------------------------------------------- */

typedef struct tcase {
	const char *qname;
	uint16_t qtype;
	unsigned flags;
	uint16_t udp; /* EDNS payload size asked, 0: no EDNS */
	bool tc;
	unsigned an, ns, ar; /* counts, OPT excluded */
	size_t max;	     /* the response must fit in this */
} tcase_t;

static const tcase_t tcases[] = {
    /* 3 TXT of ~270 bytes: no room in 512, TC, answer left empty */
    {"big.trunc.test.", DNS_T_TXT, 0, 0, true, 0, 0, 0, 512},
    {"big.trunc.test.", DNS_T_TXT, 0, 512, true, 0, 0, 0, 512},
    {"big.trunc.test.", DNS_T_TXT, 0, 100, true, 0, 0, 0, 512},
    {"big.trunc.test.", DNS_T_TXT, 0, 1232, false, 3, 0, 0, 1232},
    {"big.trunc.test.", DNS_T_TXT, Q_TCP, 0, false, 3, 0, 0, 65535},
    /* MX fits; its 6 x 3 AAAA do not all: dropped without TC */
    {"mx.trunc.test.", DNS_T_MX, 0, 0, false, 6, 0, 12, 512},
    {"mx.trunc.test.", DNS_T_MX, 0, 1232, false, 6, 0, 18, 1232},
    /* referral: glue below the cut is required (RFC 9471): TC */
    {"x.fat.trunc.test.", DNS_T_A, 0, 0, true, 0, 8, 15, 512},
    {"x.fat.trunc.test.", DNS_T_A, 0, 1232, false, 0, 8, 16, 1232},
    /* referral whose glue is elsewhere in the zone: optional, no TC */
    {"x.thin.trunc.test.", DNS_T_A, 0, 0, false, 0, 6, 12, 512},
};

static void test_truncation(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(tcases) / sizeof(tcases[0]); i++) {
		const tcase_t *t = &tcases[i];
		uint8_t q[512];
		unsigned flags = t->flags | (t->udp ? Q_EDNS : 0);
		size_t len = build_query(q, sizeof(q), t->qname, t->qtype,
					 flags, t->udp, 0);
		ask_wire(full, q, len, flags);
		assert_int_equal(ex.action, SERVE_REPLY);
		unsigned ar =
		    ex.m.nsec[DNS_SEC_ADDITIONAL] - (ex.m.opt ? 1 : 0);
		if (ex.res.tc != t->tc || ex.m.nsec[1] != t->an ||
		    ex.m.nsec[2] != t->ns || ar != t->ar || ex.res.len > t->max)
			fail_msg("%s udp %u: tc %d an %u ns %u ar %u len %zu; "
				 "want %d %u %u %u <= %zu",
				 t->qname, t->udp, ex.res.tc, ex.m.nsec[1],
				 ex.m.nsec[2], ar, ex.res.len, t->tc, t->an,
				 t->ns, t->ar, t->max);
		assert_int_equal((ex.m.flags & DNS_F_TC) != 0, t->tc);
		assert_int_equal(ex.m.opt != NULL, t->udp != 0);
		assert_int_equal(ex.res.rcode, DNS_RCODE_NOERROR);
	}
}

/* Glue below the cut comes first in additional (RFC 9471). */
static void test_glue_order(void **state)
{
	(void)state;
	ask("host.sub.example.", DNS_T_A, 0);
	assert_int_equal(ex.m.nsec[DNS_SEC_ADDITIONAL], 3);
	dns_name_t sub;
	assert_int_equal(dns_name_from_str("sub.example.", NULL, &sub), DNS_OK);
	assert_true(dns_name_is_sub(&ex.m.sec[3][0].owner, &sub));
	assert_true(dns_name_is_sub(&ex.m.sec[3][1].owner, &sub));
	assert_false(dns_name_is_sub(&ex.m.sec[3][2].owner, &sub));
}

/* A caller buffer too small for even the question: a drop. */
static void test_small_buffer(void **state)
{
	(void)state;
	uint8_t q[512], out[20];
	size_t len = build_query(q, sizeof(q), "a.example.", DNS_T_A, 0, 0, 0);
	serve_result_t res;
	dns_arena_reset(&scratch);
	assert_int_equal(serve_answer_wire(full, q, len, SERVE_UDP, NULL,
					   &scratch, out, sizeof(out), &res),
			 SERVE_DROP);
	assert_int_equal(res.why, DNS_E_SPACE);
}

/* ---- zone transfers ------------------------------------------------------ */

static void test_axfr(void **state)
{
	(void)state;
	uint8_t q[512];
	size_t len = build_query(q, sizeof(q), "trunc.test.", DNS_T_AXFR,
				 Q_EDNS, 1232, 0);
	dns_msg_t qm;
	dns_arena_reset(&scratch);
	assert_int_equal(
	    dns_msg_decode(&qm, q, len, DNS_DECODE_STRICT, &scratch), DNS_OK);
	serve_xfr_t x;
	assert_int_equal(serve_xfr_init(&x, full, &qm, NULL), DNS_OK);
	uint8_t buf[512];
	size_t mlen, nmsg = 0, nrr = 0, nsoa = 0;
	dns_arena_t a;
	dns_arena_init(&a, 0);
	uint16_t first_type = 0, last_type = 0;
	while (serve_xfr_next(&x, buf, sizeof(buf), &mlen)) {
		dns_msg_t m;
		dns_arena_reset(&a);
		assert_true(mlen <= sizeof(buf));
		assert_int_equal(
		    dns_msg_decode(&m, buf, mlen, DNS_DECODE_STRICT, &a),
		    DNS_OK);
		assert_int_equal(m.id, QID);
		assert_true(m.flags & DNS_F_AA);
		assert_int_equal(m.nqd, nmsg == 0 ? 1 : 0);
		assert_non_null(m.opt);
		assert_true(m.nsec[DNS_SEC_ANSWER] > 0);
		for (unsigned i = 0; i < m.nsec[DNS_SEC_ANSWER]; i++) {
			uint16_t t = m.sec[DNS_SEC_ANSWER][i].type;
			if (nrr == 0)
				first_type = t;
			last_type = t;
			nsoa += t == DNS_T_SOA;
			nrr++;
		}
		nmsg++;
	}
	dns_arena_free(&a);
	assert_int_equal(x.err, DNS_OK);
	assert_true(nmsg > 1); /* 512 bytes force several messages */
	assert_int_equal(first_type, DNS_T_SOA);
	assert_int_equal(last_type, DNS_T_SOA);
	assert_int_equal(nsoa, 2);
	/* every record once: 62 in the zone text, plus the SOA again */
	assert_int_equal(nrr, 63);
	assert_false(serve_xfr_next(&x, buf, sizeof(buf), &mlen));

	/* one record larger than the message: an error, not a loop */
	assert_int_equal(serve_xfr_init(&x, full, &qm, NULL), DNS_OK);
	uint8_t tiny[100];
	while (serve_xfr_next(&x, tiny, sizeof(tiny), &mlen))
		;
	assert_int_equal(x.err, DNS_E_SPACE);

	/* not an apex */
	len = build_query(q, sizeof(q), "big.trunc.test.", DNS_T_AXFR, 0, 0, 0);
	assert_int_equal(
	    dns_msg_decode(&qm, q, len, DNS_DECODE_STRICT, &scratch), DNS_OK);
	assert_int_equal(serve_xfr_init(&x, full, &qm, NULL), DNS_E_ZONE);
	assert_false(serve_xfr_next(&x, buf, sizeof(buf), &mlen));
}

/* ---- building zone sets ---------------------------------------------------
 */

static void test_bad_zones(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		const char *detail; /* a part of the sentence */
	} t[] = {
	    {"$ORIGIN z.\n$TTL 1\n@ NS ns\n", "no SOA"},
	    {"$ORIGIN z.\n$TTL 1\n@ SOA a b 1 2 3 4 5\n@ SOA a b 2 2 3 4 5\n",
	     "second SOA"},
	    {"$ORIGIN z.\n$TTL 1\n@ SOA a b 1 2 3 4 5\nx.y. A 192.0.2.1\n",
	     "outside the zone"},
	    {"$ORIGIN z.\n$TTL 1\n@ SOA a b 1 2 3 4 5\nx CH TXT \"a\"\n",
	     "class"},
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		serve_zones_t *zs;
		assert_int_equal(serve_zones_new(&zs), DNS_OK);
		dns_zone_t z;
		dns_zone_init(&z);
		assert_int_equal(dns_zone_load_string(&z, t[i].text,
						      strlen(t[i].text), "t",
						      NULL),
				 DNS_OK);
		dns_error_t err = {0};
		assert_int_equal(serve_zones_add(zs, &z, &err), DNS_E_ZONE);
		assert_int_equal(err.code, DNS_E_ZONE);
		if (strstr(err.detail, t[i].detail) == NULL)
			fail_msg("'%s' lacks '%s'", err.detail, t[i].detail);
		assert_int_equal(serve_zones_count(zs), 0);
		dns_zone_free(&z);
		serve_zones_free(zs);
	}
	/* the same apex twice */
	serve_zones_t *zs;
	assert_int_equal(serve_zones_new(&zs), DNS_OK);
	add_zone(zs, trunc_zone, "trunc.test.");
	dns_zone_t z;
	dns_zone_init(&z);
	assert_int_equal(
	    dns_zone_load_string(&z, trunc_zone, strlen(trunc_zone), "t", NULL),
	    DNS_OK);
	dns_error_t err = {0};
	assert_int_equal(serve_zones_add(zs, &z, &err), DNS_E_ZONE);
	assert_non_null(strstr(err.detail, "already"));
	assert_int_equal(serve_zones_count(zs), 1);
	dns_zone_free(&z);
	serve_zones_free(zs);
}

/* Duplicate records are served once; out-of-order input is fine. */
static void test_duplicates(void **state)
{
	(void)state;
	static const char text[] = "$ORIGIN d.\n$TTL 60\n"
				   "www A 192.0.2.1\n"
				   "@ SOA a b 1 2 3 4 5\n"
				   "www A 192.0.2.1\n"
				   "WWW A 192.0.2.2\n";
	serve_zones_t *zs;
	assert_int_equal(serve_zones_new(&zs), DNS_OK);
	add_zone(zs, text, "d.");
	uint8_t q[512];
	size_t len = build_query(q, sizeof(q), "www.d.", DNS_T_A, 0, 0, 0);
	ask_wire(zs, q, len, 0);
	assert_int_equal(ex.m.nsec[DNS_SEC_ANSWER], 2);
	serve_zones_free(zs);
}

/* Memory failures while building: an error, and the set unchanged. */
static void test_nomem(void **state)
{
	(void)state;
	serve_zones_t *zs;
	assert_int_equal(serve_zones_new(&zs), DNS_OK);
	dns_zone_t z;
	dns_zone_init(&z);
	dns_name_t o;
	assert_int_equal(dns_name_from_str("example.", NULL, &o), DNS_OK);
	dns_zone_opts_t zo = {0};
	zo.origin = &o;
	assert_int_equal(dns_zone_load_string(&z, example_zone,
					      strlen(example_zone), "t", &zo),
			 DNS_OK);
	long k;
	for (k = 0;; k++) {
		dns_mem_fail_after(k);
		dns_rc_t rc = serve_zones_add(zs, &z, NULL);
		dns_mem_fail_after(-1);
		if (rc == DNS_OK)
			break;
		assert_int_equal(rc, DNS_E_NOMEM);
		assert_int_equal(serve_zones_count(zs), 0);
		assert_true(k < 1000);
	}
	assert_true(k >= 2);
	assert_int_equal(serve_zones_count(zs), 1);
	dns_zone_free(&z);
	serve_zones_free(zs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_table),
	    cmocka_unit_test(test_header_copied),
	    cmocka_unit_test(test_badvers),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_drop_and_notimp),
	    cmocka_unit_test(test_meta_qtypes),
	    cmocka_unit_test(test_truncation),
	    cmocka_unit_test(test_glue_order),
	    cmocka_unit_test(test_small_buffer),
	    cmocka_unit_test(test_axfr),
	    cmocka_unit_test(test_bad_zones),
	    cmocka_unit_test(test_duplicates),
	    cmocka_unit_test(test_nomem),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
