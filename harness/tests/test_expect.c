/* test_expect.c - expectations: compile errors with locations, and the
 * verdict of every key on responses built here. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dns/base.h"
#include "dns/edns.h"
#include "dns/msg.h"
#include "dns/tsig.h"
#include "dns/zone.h"
#include "expect/expect.h"

/* The query every case answers: id 0x1234, RD, example. IN A, with a
 * client cookie 0102030405060708. */
#define QID 0x1234u
static const uint8_t client_cookie[8] = {1, 2, 3, 4, 5, 6, 7, 8};

/* Option TLVs (hex) for responses. */
#define NSID_EMPTY "00030000"
#define COOKIE_OK                                                              \
	"000a0010"                                                             \
	"0102030405060708"                                                     \
	"1112131415161718"
#define COOKIE_BAD                                                             \
	"000a0010"                                                             \
	"0807060504030201"                                                     \
	"1112131415161718"
/* Pieces of hand-made messages. */
#define HQ "076578616d706c650000010001" /* example. A IN, 13 bytes */

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	char clean[8192];
	size_t k = 0, n = 0, bad = 0;
	for (const char *p = hex; *p && k < sizeof(clean); p++)
		if (*p != ' ')
			clean[k++] = *p;
	assert_int_equal(dns_base16_decode(clean, k, out, cap, &n, &bad),
			 DNS_OK);
	return n;
}

/* ---- building queries and responses -------------------------------------- */

static dns_arena_t pool; /* everything of one case; reset per case */

static void make_query(sc_query_t *q, bool with_cookie)
{
	memset(q, 0, sizeof(*q));
	dns_msg_t m;
	dns_question_t qd;
	dns_msg_init(&m);
	memset(&qd, 0, sizeof(qd));
	assert_int_equal(dns_name_from_str("example.", NULL, &qd.name), DNS_OK);
	qd.qtype = DNS_T_A;
	qd.qclass = DNS_C_IN;
	m.id = QID;
	m.flags = DNS_F_RD;
	m.qd = &qd;
	m.nqd = 1;
	q->wire = dns_arena_alloc(&pool, 512);
	assert_int_equal(dns_msg_encode(&m, NULL, q->wire, 512, &q->len),
			 DNS_OK);
	q->has_question = true;
	q->qname = q->wire + DNS_HEADER_LEN; /* the question, uncompressed */
	q->qname_len = qd.name.len;
	q->qtype = DNS_T_A;
	q->qclass = DNS_C_IN;
	q->opcode = DNS_OPCODE_QUERY;
	q->has_opt = with_cookie;
	q->has_cookie = with_cookie;
	memcpy(q->cookie, client_cookie, 8);
}

/* A response described field by field; zero means the ordinary answer to
 * the query: id echoed, "qr rd", example. A IN, NOERROR, no records. */
typedef struct rspec {
	const char *hex;   /* raw bytes; when set, nothing else counts */
	int id;		   /* 0: the query's; else this value */
	const char *flags; /* names; NULL: "qr rd" */
	uint8_t opcode;
	uint16_t rcode; /* 12 bits: the upper 8 go to the OPT */
	const char *q;	/* NULL: the query's; "-": none; "name TYPE" */
	const char *an, *ns, *ar; /* records in zone format, one a line */
	bool edns;
	uint16_t udp; /* 0: 1232 */
	uint8_t version;
	uint16_t eflags;
	const char *opts;   /* option TLVs, hex */
	const char *append; /* bytes added after encoding, hex */
} rspec_t;

static uint16_t flag_bits(const char *s)
{
	static const struct {
		const char *n;
		uint16_t b;
	} f[] = {{"qr", DNS_F_QR}, {"aa", DNS_F_AA}, {"tc", DNS_F_TC},
		 {"rd", DNS_F_RD}, {"ra", DNS_F_RA}, {"z", DNS_F_Z},
		 {"ad", DNS_F_AD}, {"cd", DNS_F_CD}};
	uint16_t bits = 0;
	char word[8];
	int used;
	while (sscanf(s, " %7s%n", word, &used) == 1) {
		size_t i = 0;
		while (i < 8 && strcmp(f[i].n, word) != 0)
			i++;
		assert_true(i < 8);
		bits |= f[i].b;
		s += used;
	}
	return bits;
}

/* Records of one section, parsed as a zone; the zone must outlive the
 * encoding. */
static void load_rrs(dns_zone_t *z, const char *text, dns_rr_t **rrs,
		     unsigned *n)
{
	dns_zone_init(z);
	*rrs = NULL;
	*n = 0;
	if (text == NULL)
		return;
	dns_rc_t rc = dns_zone_load_string(z, text, strlen(text), "rr", NULL);
	if (rc != DNS_OK) {
		char buf[256];
		dns_zone_error_text(z, buf, sizeof(buf));
		fail_msg("%s", buf);
	}
	*rrs = z->rrs;
	*n = (unsigned)z->n;
}

static void set_question(const rspec_t *r, dns_msg_t *m, dns_question_t *qd)
{
	char name[256], type[32];
	memset(qd, 0, sizeof(*qd));
	if (r->q != NULL && strcmp(r->q, "-") == 0)
		return;
	const char *q = r->q ? r->q : "example. A";
	assert_int_equal(sscanf(q, "%255s %31s", name, type), 2);
	assert_int_equal(dns_name_from_str(name, NULL, &qd->name), DNS_OK);
	assert_int_equal(dns_type_from_text(type, strlen(type), &qd->qtype),
			 DNS_OK);
	qd->qclass = DNS_C_IN;
	m->qd = qd;
	m->nqd = 1;
}

/* The OPT record of r, appended to the additional records. */
static void add_opt(const rspec_t *r, dns_msg_t *m, dns_rr_t *ar, unsigned n)
{
	uint8_t hdr, ext;
	dns_rcode_split(r->rcode, &hdr, &ext);
	dns_rr_t *o = &ar[n];
	memset(o, 0, sizeof(*o));
	dns_name_root(&o->owner);
	o->type = DNS_T_OPT;
	o->rclass = r->udp ? r->udp : 1232;
	o->ttl = (uint32_t)ext << 24 | (uint32_t)r->version << 16 | r->eflags;
	if (r->opts != NULL) {
		o->rdata = dns_arena_alloc(&pool, 512);
		o->rdlen = (uint16_t)unhex(r->opts, o->rdata, 512);
	}
	m->sec[DNS_SEC_ADDITIONAL] = ar;
	m->nsec[DNS_SEC_ADDITIONAL] = n + 1;
}

static size_t build(const rspec_t *r, uint8_t *buf, size_t cap)
{
	if (r->hex != NULL)
		return unhex(r->hex, buf, cap);
	dns_msg_t m;
	dns_question_t qd;
	dns_zone_t z[4];
	dns_msg_init(&m);
	m.id = r->id ? (uint16_t)r->id : QID;
	m.flags = flag_bits(r->flags ? r->flags : "qr rd");
	m.flags |= (uint16_t)((r->opcode & 0xf) << 11);
	uint8_t hdr, ext;
	dns_rcode_split(r->rcode, &hdr, &ext);
	m.flags |= hdr;
	set_question(r, &m, &qd);
	const char *text[4] = {NULL, r->an, r->ns, r->ar};
	for (unsigned s = 1; s < 4; s++)
		load_rrs(&z[s], text[s], &m.sec[s], &m.nsec[s]);
	if (r->edns) {
		dns_rr_t *ar =
		    dns_arena_alloc(&pool, (m.nsec[3] + 1) * sizeof(dns_rr_t));
		if (m.nsec[3])
			memcpy(ar, m.sec[3], m.nsec[3] * sizeof(dns_rr_t));
		add_opt(r, &m, ar, m.nsec[3]);
	}
	size_t len = 0;
	assert_int_equal(dns_msg_encode(&m, NULL, buf, cap, &len), DNS_OK);
	for (unsigned s = 1; s < 4; s++)
		dns_zone_free(&z[s]);
	if (r->append != NULL)
		len += unhex(r->append, buf + len, cap - len);
	return len;
}

/* ---- cases --------------------------------------------------------------- */

typedef struct tcase {
	const char *name;
	const char *yaml; /* the expect: mapping */
	rspec_t r;
	sc_net_status_t status;
	bool probed, alive;
	bool no_cookie;	    /* the query sent no cookie */
	size_t ignored;	    /* responses dropped by the engine */
	sc_hold_obs_t hold; /* tcp: {hold:} */
	sc_verdict_kind_t want;
	const char *checks; /* reasons' checks, comma-joined, in order */
	const char *text;   /* substring of "check: expected=.. got=.." lines */
} tcase_t;

/* "check: expected=E got=G\n" for every reason. */
static void reasons_text(const sc_verdict_t *v, char *buf, size_t cap,
			 char *checks, size_t ccap)
{
	size_t used = 0, cused = 0;
	buf[0] = checks[0] = '\0';
	for (size_t i = 0; i < v->nreasons; i++) {
		const sc_reason_t *r = &v->reasons[i];
		used += (size_t)snprintf(buf + used, cap - used,
					 "%s: expected=%s got=%s\n", r->check,
					 r->expected, r->got);
		cused += (size_t)snprintf(checks + cused, ccap - cused, "%s%s",
					  i ? "," : "", r->check);
		assert_true(used < cap && cused < ccap);
	}
}

static sc_expect_t *compile(const char *yaml)
{
	diag_t d;
	memset(&d, 0, sizeof(d));
	node_t *root = node_parse(yaml, strlen(yaml), "t.yaml", &pool, &d);
	if (root == NULL) {
		diag_print(&d, stderr);
		fail_msg("YAML does not parse: %s", yaml);
	}
	sc_expect_t *e = NULL;
	if (!sc_expect_compile(root, &pool, &e, &d)) {
		diag_print(&d, stderr);
		fail_msg("does not compile: %s", yaml);
	}
	assert_non_null(e);
	return e;
}

static void run_case(const tcase_t *c, const rspec_t *more, size_t nmore)
{
	dns_arena_reset(&pool);
	sc_expect_t *e = compile(c->yaml);
	sc_query_t q;
	make_query(&q, !c->no_cookie);
	static uint8_t bufs[4][4096];
	const uint8_t *msgs[4];
	size_t lens[4];
	size_t n = 0;
	if (c->status == SC_NET_ANSWERED) {
		lens[n] = build(&c->r, bufs[n], sizeof(bufs[n]));
		msgs[n] = bufs[n];
		n++;
		for (size_t i = 0; i < nmore && n < 4; i++, n++) {
			lens[n] = build(&more[i], bufs[n], sizeof(bufs[n]));
			msgs[n] = bufs[n];
		}
	}
	sc_observed_t obs;
	memset(&obs, 0, sizeof(obs));
	obs.status = c->status;
	obs.transport = nmore ? SC_TCP : SC_UDP;
	obs.query = q.wire;
	obs.qlen = q.len;
	obs.msgs = msgs;
	obs.lens = lens;
	obs.nmsgs = n;
	obs.alive_probed = c->probed;
	obs.alive = c->alive;
	obs.ignored = c->ignored;
	obs.hold = c->hold.asked_ms > 0 ? &c->hold : NULL;
	obs.net_detail =
	    c->status == SC_NET_ERROR ? "connection refused" : NULL;
	sc_verdict_t v;
	sc_expect_eval(e, &q, &obs, &pool, &v);
	char text[8192], checks[1024];
	reasons_text(&v, text, sizeof(text), checks, sizeof(checks));
	if (v.kind != c->want || strcmp(checks, c->checks ? c->checks : "") ||
	    (c->text && strstr(text, c->text) == NULL))
		fail_msg("case '%s': verdict %s, checks '%s', want %s '%s' "
			 "with '%s'; reasons:\n%s",
			 c->name, sc_verdict_name(v.kind), checks,
			 sc_verdict_name(c->want), c->checks ? c->checks : "",
			 c->text ? c->text : "", text);
}

static void run_table(const tcase_t *t, size_t n)
{
	for (size_t i = 0; i < n; i++)
		run_case(&t[i], NULL, 0);
}

#define RUN(t) run_table(t, sizeof(t) / sizeof(t[0]))
#define TWO_A  "example. 300 IN A 192.0.2.1\nexample. 300 IN A 192.0.2.2\n"
#define SOA    "example. 3600 IN SOA ns1.example. host.example. 1 2 3 4 5\n"

static int setup(void **state)
{
	(void)state;
	dns_arena_init(&pool, 0);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	dns_arena_free(&pool);
	return 0;
}

/* ---- rcode, opcode, flags ------------------------------------------------ */

static const tcase_t header_cases[] = {
    {.name = "rcode pass", .yaml = "rcode: NOERROR"},
    {.name = "rcode fail",
     .yaml = "rcode: NXDOMAIN",
     .want = SC_FAIL,
     .checks = "rcode",
     .text = "rcode: expected=NXDOMAIN got=NOERROR"},
    {.name = "BADVERS through OPT",
     .yaml = "rcode: BADVERS",
     .r = {.rcode = 16, .edns = true}},
    {.name = "BADVERS expected, NOERROR got",
     .yaml = "rcode: BADVERS",
     .r = {.edns = true},
     .want = SC_FAIL,
     .checks = "rcode",
     .text = "expected=BADVERS got=NOERROR"},
    {.name = "BADCOOKIE as a number",
     .yaml = "rcode: 23",
     .r = {.rcode = 23, .edns = true}},
    {.name = "extended bits count: header NOERROR but BADVERS",
     .yaml = "rcode: NOERROR",
     .r = {.rcode = 16, .edns = true},
     .want = SC_FAIL,
     .checks = "rcode",
     .text = "got=BADVERS"},
    {.name = "rcode list pass",
     .yaml = "rcode: [NOERROR, NXDOMAIN]",
     .r = {.rcode = 3}},
    {.name = "rcode list fail",
     .yaml = "rcode: [NOERROR, NXDOMAIN]",
     .r = {.rcode = 2},
     .want = SC_FAIL,
     .checks = "rcode",
     .text = "expected=one of NOERROR, NXDOMAIN got=SERVFAIL"},
    {.name = "opcode pass", .yaml = "opcode: QUERY"},
    {.name = "opcode fail (explicit replaces implicit)",
     .yaml = "opcode: NOTIFY",
     .want = SC_FAIL,
     .checks = "opcode",
     .text = "opcode: expected=NOTIFY got=QUERY"},
    {.name = "opcode number", .yaml = "opcode: 4", .r = {.opcode = 4}},
    {.name = "flags has/lacks pass",
     .yaml = "flags: {has: [qr, aa], lacks: [tc, ra]}",
     .r = {.flags = "qr aa rd"}},
    {.name = "flags has fail",
     .yaml = "flags: {has: [qr, aa], lacks: [tc]}",
     .want = SC_FAIL,
     .checks = "flags",
     .text = "flags: expected=has qr aa; lacks tc got=qr rd"},
    {.name = "flags lacks fail",
     .yaml = "flags: {lacks: [rd]}",
     .want = SC_FAIL,
     .checks = "flags"},
    {.name = "flags exact pass",
     .yaml = "flags: {exact: [qr, rd, ra]}",
     .r = {.flags = "qr rd ra"}},
    {.name = "flags exact fail",
     .yaml = "flags: {exact: [qr, rd, ra]}",
     .r = {.flags = "qr rd ra cd"},
     .want = SC_FAIL,
     .checks = "flags",
     .text = "expected=exactly qr rd ra got=qr rd ra cd"},
    {.name = "flags single scalar", .yaml = "flags: {lacks: aa}"},
    {.name = "flags exact none",
     .yaml = "flags: {exact: []}",
     .r = {.flags = ""}},
    {.name = "flags exact none fail",
     .yaml = "flags: {exact: []}",
     .want = SC_FAIL,
     .checks = "flags",
     .text = "expected=exactly (none) got=qr rd"},
    {.name = "tc true pass", .yaml = "tc: true", .r = {.flags = "qr tc"}},
    {.name = "tc true fail",
     .yaml = "tc: true",
     .want = SC_FAIL,
     .checks = "flags",
     .text = "has tc"},
    {.name = "tc false fail",
     .yaml = "tc: false",
     .r = {.flags = "qr tc"},
     .want = SC_FAIL,
     .checks = "flags",
     .text = "lacks tc"},
    {.name = "size pass", .yaml = "size: {max: 512}"},
    {.name = "size fail",
     .yaml = "size: {max: 20}",
     .want = SC_FAIL,
     .checks = "size",
     .text = "size: expected=at most 20 bytes got=25 bytes"},
    {.name = "size min", .yaml = "size: {min: 25, max: 25}"},
};

static void test_header(void **state)
{
	(void)state;
	RUN(header_cases);
}

/* ---- question ------------------------------------------------------------ */

static const tcase_t question_cases[] = {
    {.name = "echo pass", .yaml = "question: {echo: true}"},
    {.name = "echo fail (implicit fails too)",
     .yaml = "question: {echo: true}",
     .r = {.q = "other. A"},
     .want = SC_FAIL,
     .checks = "implicit.question,question",
     .text = "question: expected=echo of example. IN A got=other. IN A"},
    {.name = "echo is case-insensitive",
     .yaml = "question: {echo: true}",
     .r = {.q = "ExAmPlE. A"}},
    {.name = "exact echo pass", .yaml = "question: {echo: exact}"},
    {.name = "exact echo keeps the query's case (RFC 4343)",
     .yaml = "question: {echo: exact}",
     .r = {.q = "ExAmPlE. A"},
     .want = SC_FAIL,
     .checks = "question",
     .text = "expected=exact-case echo of example. IN A"},
    {.name = "echo false pass",
     .yaml = "question: {echo: false}",
     .r = {.q = "-"}},
    {.name = "echo false fail",
     .yaml = "question: {echo: false}",
     .want = SC_FAIL,
     .checks = "question",
     .text = "expected=not example. IN A got=example. IN A"},
    {.name = "explicit pass",
     .yaml = "question: {name: example., type: A, class: IN}"},
    {.name = "explicit other question pass",
     .yaml = "question: {name: other., type: NS}",
     .r = {.q = "other. NS"}},
    {.name = "explicit fail",
     .yaml = "question: {name: other.}",
     .want = SC_FAIL,
     .checks = "question",
     .text = "expected=name other. got=example. IN A"},
    {.name = "explicit fail, every field",
     .yaml = "question: {name: example., class: CH, type: TXT}",
     .want = SC_FAIL,
     .checks = "question",
     .text = "expected=name example., class CH, type TXT got=example. IN A"},
    {.name = "qdcount 0 pass", .yaml = "qdcount: 0", .r = {.q = "-"}},
    {.name = "qdcount 1 pass", .yaml = "qdcount: 1"},
    {.name = "qdcount 1 fail",
     .yaml = "qdcount: 1",
     .r = {.q = "-"},
     .want = SC_FAIL,
     .checks = "implicit.question,qdcount",
     .text = "qdcount: expected=qdcount 1 got=qdcount 0"},
};

static void test_question(void **state)
{
	(void)state;
	RUN(question_cases);
}

/* ---- sections ------------------------------------------------------------ */

#define RRSIG_A                                                                \
	"example. 300 IN RRSIG A 8 1 300 20300101000000 20200101000000 "       \
	"12345 example. AAAA\n"

static const tcase_t section_cases[] = {
    {.name = "answer: 0 pass", .yaml = "answer: 0"},
    {.name = "answer: 0 fail",
     .yaml = "answer: 0",
     .r = {.an = TWO_A},
     .want = SC_FAIL,
     .checks = "answer.count",
     .text = "answer.count: expected=0 records got=2 records: example. 300 "
	     "IN A 192.0.2.1; example. 300 IN A 192.0.2.2"},
    {.name = "count pass", .yaml = "answer: {count: 2}", .r = {.an = TWO_A}},
    {.name = "min fail",
     .yaml = "answer: {min: 3}",
     .r = {.an = TWO_A},
     .want = SC_FAIL,
     .checks = "answer.count",
     .text = "expected=at least 3 records"},
    {.name = "max fail",
     .yaml = "answer: {max: 1}",
     .r = {.an = TWO_A},
     .want = SC_FAIL,
     .checks = "answer.count",
     .text = "expected=at most 1 record got"},
    {.name = "min max pass",
     .yaml = "answer: {min: 1, max: 2}",
     .r = {.an = TWO_A}},
    {.name = "contains with TTL wildcard",
     .yaml = "answer: {contains: ['example. * IN A 192.0.2.2']}",
     .r = {.an = TWO_A}},
    {.name = "contains, case of owner and mnemonics ignored",
     .yaml = "answer: {contains: ['EXAMPLE. 300 in a 192.0.2.1']}",
     .r = {.an = TWO_A}},
    {.name = "contains fail",
     .yaml = "answer: {contains: ['example. 300 IN A 192.0.2.3', "
	     "'example. 300 IN A 192.0.2.1', 'example. 301 IN A 192.0.2.1']}",
     .r = {.an = TWO_A},
     .want = SC_FAIL,
     .checks = "answer.contains,answer.contains",
     .text = "answer.contains: expected=example. 300 IN A 192.0.2.3 got=2 "
	     "records: example. 300 IN A 192.0.2.1;"},
    {.name = "contains every field wildcard",
     .yaml = "answer: {contains: ['* * * * *']}",
     .r = {.an = TWO_A}},
    {.name = "contains wildcard on an empty section fails",
     .yaml = "answer: {contains: ['* * * * *']}",
     .want = SC_FAIL,
     .checks = "answer.contains",
     .text = "got=0 records"},
    {.name = "type-only pattern",
     .yaml = "answer: {contains: ['* * * RRSIG *']}",
     .r = {.an = TWO_A RRSIG_A}},
    {.name = "RRSIG by covered type",
     .yaml = "answer: {contains: ['example. * IN RRSIG A *'], absent: "
	     "['* * * RRSIG AAAA *']}",
     .r = {.an = TWO_A RRSIG_A}},
    {.name = "RRSIG by covered type fail",
     .yaml = "answer: {contains: ['example. * IN RRSIG NS *']}",
     .r = {.an = TWO_A RRSIG_A},
     .want = SC_FAIL,
     .checks = "answer.contains",
     .text = "expected=example. * IN RRSIG NS * got=3 records"},
    {.name = "class wildcard with rdata",
     .yaml = "answer: {contains: ['example. 300 * A 192.0.2.1']}",
     .r = {.an = TWO_A}},
    {.name = "names inside RDATA compare without case",
     .yaml = "answer: {contains: ['example. * IN NS NS1.example.']}",
     .r = {.an = "example. 300 IN NS ns1.EXAMPLE.\n"}},
    {.name = "RDATA differs",
     .yaml = "answer: {contains: ['example. * IN NS ns2.example.']}",
     .r = {.an = "example. 300 IN NS ns1.example.\n"},
     .want = SC_FAIL,
     .checks = "answer.contains"},
    {.name = "exact in another order",
     .yaml = "answer: {exact: ['example. 300 IN A 192.0.2.2', "
	     "'Example. 300 IN A 192.0.2.1']}",
     .r = {.an = TWO_A}},
    {.name = "exact without TTLs",
     .yaml = "answer: {exact: ['example. * IN A 192.0.2.2', "
	     "'example. * IN A 192.0.2.1']}",
     .r = {.an = "example. 7 IN A 192.0.2.1\nexample. 9 IN A 192.0.2.2\n"}},
    {.name = "exact missing",
     .yaml = "answer: {exact: ['example. 300 IN A 192.0.2.1', "
	     "'example. 300 IN A 192.0.2.3']}",
     .r = {.an = TWO_A},
     .want = SC_FAIL,
     .checks = "answer.exact",
     .text = "; missing: example. 300 IN A 192.0.2.3; unexpected: example. "
	     "300 IN A 192.0.2.2\n"},
    {.name = "exact extra",
     .yaml = "answer: {exact: ['example. 300 IN A 192.0.2.1']}",
     .r = {.an = TWO_A},
     .want = SC_FAIL,
     .checks = "answer.exact",
     .text = "2 records: example. 300 IN A 192.0.2.1; example. 300 IN A "
	     "192.0.2.2; unexpected: example. 300 IN A 192.0.2.2\n"},
    {.name = "exact TTL",
     .yaml = "answer: {exact: ['example. 300 IN A 192.0.2.1', "
	     "'example. 60 IN A 192.0.2.2']}",
     .r = {.an = TWO_A},
     .want = SC_FAIL,
     .checks = "answer.exact",
     .text = "missing: example. 60 IN A 192.0.2.2; unexpected: example. 300 "
	     "IN A 192.0.2.2\n"},
    {.name = "absent pass",
     .yaml = "answer: {absent: ['* * * RRSIG *', 'example. * IN AAAA *']}",
     .r = {.an = TWO_A}},
    {.name = "absent fail",
     .yaml = "answer: {absent: ['example. * * A *']}",
     .r = {.an = TWO_A},
     .want = SC_FAIL,
     .checks = "answer.absent",
     .text = "expected=no record matching example. * * A * got=present: "
	     "example. 300 IN A 192.0.2.1 (and 1 more)"},
    {.name = "authority contains SOA",
     .yaml = "authority: {contains: ['example. * IN SOA *'], count: 1}",
     .r = {.ns = SOA}},
    {.name = "authority SOA missing",
     .yaml = "authority: {contains: ['example. * IN SOA *']}",
     .r = {.an = TWO_A},
     .want = SC_FAIL,
     .checks = "authority.contains",
     .text = "authority.contains: expected=example. * IN SOA * got=0 "
	     "records"},
    {.name = "OPT is not counted in additional",
     .yaml = "additional: 0",
     .r = {.edns = true}},
    {.name = "OPT is not matched in additional",
     .yaml = "additional: {count: 1, absent: ['* * * OPT *']}",
     .r = {.ar = "ns1.example. 300 IN A 192.0.2.53\n", .edns = true}},
    {.name = "additional count fail",
     .yaml = "additional: {count: 2}",
     .r = {.ar = "ns1.example. 300 IN A 192.0.2.53\n", .edns = true},
     .want = SC_FAIL,
     .checks = "additional.count",
     .text = "got=1 record: ns1.example. 300 IN A 192.0.2.53"},
    {.name = "several failures are all reported",
     .yaml = "{rcode: NXDOMAIN, answer: 1, authority: {min: 1}}",
     .r = {.an = TWO_A},
     .want = SC_FAIL,
     .checks = "rcode,answer.count,authority.count"},
};

static void test_sections(void **state)
{
	(void)state;
	RUN(section_cases);
}

/* ---- OPT ----------------------------------------------------------------- */

static const tcase_t opt_cases[] = {
    {.name = "absent pass", .yaml = "opt: {absent: true}"},
    {.name = "absent fail",
     .yaml = "opt: {absent: true}",
     .r = {.edns = true},
     .want = SC_FAIL,
     .checks = "opt.absent",
     .text = "got=an OPT record (; EDNS: version: 0, flags:; udp: 1232)"},
    {.name = "present: false is absent", .yaml = "opt: {present: false}"},
    {.name = "present fail",
     .yaml = "opt: {present: true}",
     .want = SC_FAIL,
     .checks = "opt.present",
     .text = "got=no OPT record"},
    {.name = "fields imply present",
     .yaml = "opt: {version: 0}",
     .want = SC_FAIL,
     .checks = "opt.present"},
    {.name = "fields pass",
     .yaml = "opt: {present: true, version: 0, do: true, udp_size: {min: "
	     "512, max: 4096}}",
     .r = {.edns = true, .eflags = DNS_EDNS_DO}},
    {.name = "fields fail",
     .yaml = "opt: {version: 0, do: true, udp_size: {min: 512}}",
     .r = {.edns = true, .version = 1, .udp = 100},
     .want = SC_FAIL,
     .checks = "opt",
     .text = "got=version 1, do=0, udp_size 100"},
    {.name = "udp_size scalar",
     .yaml = "opt: {udp_size: 1232}",
     .r = {.edns = true}},
    {.name = "mbz pass",
     .yaml = "opt: {flags: {mbz: 0, has: [do]}}",
     .r = {.edns = true, .eflags = DNS_EDNS_DO}},
    {.name = "unknown flag echoed: mbz fail",
     .yaml = "opt: {flags: {mbz: 0}}",
     .r = {.edns = true, .eflags = DNS_EDNS_DO | 0x0001},
     .want = SC_FAIL,
     .checks = "opt",
     .text = "expected=Z bits 0x0000 got=flags 0x8001"},
    {.name = "flags lacks fail",
     .yaml = "opt: {flags: {lacks: [do, 0x0100]}}",
     .r = {.edns = true, .eflags = 0x0100},
     .want = SC_FAIL,
     .checks = "opt"},
    {.name = "options pass",
     .yaml = "opt: {options: {has: [NSID], lacks: [COOKIE, 15]}}",
     .r = {.edns = true, .opts = NSID_EMPTY}},
    {.name = "options fail",
     .yaml = "opt: {options: {has: [nsid], lacks: [cookie]}}",
     .r = {.edns = true, .opts = COOKIE_OK},
     .want = SC_FAIL,
     .checks = "opt.options",
     .text = "expected=has NSID, lacks COOKIE got=options: COOKIE"},
    {.name = "cookie echo pass",
     .yaml = "opt: {cookie: echo}",
     .r = {.edns = true, .opts = NSID_EMPTY COOKIE_OK}},
    {.name = "cookie echo wrong",
     .yaml = "opt: {cookie: echo}",
     .r = {.edns = true, .opts = COOKIE_BAD},
     .want = SC_FAIL,
     .checks = "opt.cookie",
     .text = "expected=client cookie 0102030405060708 echoed got=client "
	     "cookie 0807060504030201"},
    {.name = "cookie echo missing",
     .yaml = "opt: {cookie: echo}",
     .r = {.edns = true},
     .want = SC_FAIL,
     .checks = "opt.cookie",
     .text = "got=no COOKIE option"},
    {.name = "cookie echo, but the query had none",
     .yaml = "opt: {cookie: echo}",
     .r = {.edns = true, .opts = COOKIE_OK},
     .no_cookie = true,
     .want = SC_FAIL,
     .checks = "opt.cookie",
     .text = "got=the query sent no cookie"},
    {.name = "cookie server pass",
     .yaml = "opt: {cookie: server}",
     .r = {.edns = true, .opts = COOKIE_OK}},
    {.name = "cookie server: client-only echo is not enough",
     .yaml = "opt: {cookie: server}",
     .r = {.edns = true,
	   .opts = "000a0008"
		   "0102030405060708"},
     .want = SC_FAIL,
     .checks = "opt.cookie",
     .text = "expected=client cookie 0102030405060708 echoed with a server "
	     "cookie got=client cookie 0102030405060708 and no server cookie"},
    {.name = "cookie server wrong client",
     .yaml = "opt: {cookie: server}",
     .r = {.edns = true, .opts = COOKIE_BAD},
     .want = SC_FAIL,
     .checks = "opt.cookie"},
    {.name = "cookie absent pass",
     .yaml = "opt: {cookie: absent}",
     .r = {.edns = true}},
    {.name = "cookie absent without OPT", .yaml = "opt: {cookie: absent}"},
    {.name = "cookie absent fail",
     .yaml = "opt: {cookie: absent}",
     .r = {.edns = true, .opts = COOKIE_OK},
     .want = SC_FAIL,
     .checks = "opt.cookie",
     .text = "expected=no COOKIE option got=a COOKIE option"},
    {.name = "malformed cookie",
     .yaml = "opt: {cookie: present}",
     .r = {.edns = true, .opts = "000a0003010203"},
     .want = SC_FAIL,
     .checks = "implicit.strict,opt.cookie",
     .text = "got=malformed COOKIE option"},
    {.name = "cookie present fail",
     .yaml = "opt: {cookie: present}",
     .r = {.edns = true},
     .want = SC_FAIL,
     .checks = "opt.cookie"},
    {.name = "ext_rcode pass",
     .yaml = "opt: {ext_rcode: 1}",
     .r = {.edns = true, .rcode = 16}},
    {.name = "ext_rcode fail",
     .yaml = "opt: {ext_rcode: 1}",
     .r = {.edns = true},
     .want = SC_FAIL,
     .checks = "opt",
     .text = "got=ext_rcode 0"},
};

static void test_opt(void **state)
{
	(void)state;
	RUN(opt_cases);
}

/* ---- outcome: no_response, closed, alive, messages ----------------------- */

static const tcase_t outcome_cases[] = {
    {.name = "no_response pass",
     .yaml = "no_response: true",
     .status = SC_NET_TIMEOUT},
    {.name = "no_response, but an answer",
     .yaml = "no_response: true",
     .want = SC_FAIL,
     .checks = "no_response",
     .text = "expected=no response got=a response: NOERROR, flags qr rd, 0 "
	     "answer, 0 authority, 0 additional, 25 bytes"},
    {.name = "no_response, but closed",
     .yaml = "no_response: true",
     .status = SC_NET_CLOSED,
     .want = SC_FAIL,
     .checks = "no_response",
     .text = "got=connection closed by the server"},
    {.name = "a response is needed by default (timeout)",
     .yaml = "rcode: NOERROR",
     .status = SC_NET_TIMEOUT,
     .want = SC_FAIL,
     .checks = "response",
     .text = "response: expected=a response got=no response (timeout)"},
    {.name = "empty expectation, timeout",
     .yaml = "{}",
     .status = SC_NET_TIMEOUT,
     .want = SC_FAIL,
     .checks = "response"},
    {.name = "reset",
     .yaml = "{}",
     .status = SC_NET_RESET,
     .want = SC_FAIL,
     .checks = "response",
     .text = "got=connection reset by the server"},
    {.name = "no_response: false needs one",
     .yaml = "no_response: false",
     .status = SC_NET_CLOSED,
     .want = SC_FAIL,
     .checks = "response"},
    {.name = "could not send is an error",
     .yaml = "no_response: true",
     .status = SC_NET_ERROR,
     .want = SC_ERROR,
     .checks = "send",
     .text = "got=connection refused"},
    {.name = "closed pass", .yaml = "closed: true", .status = SC_NET_CLOSED},
    {.name = "closed by reset pass",
     .yaml = "closed: true",
     .status = SC_NET_RESET},
    {.name = "closed fail",
     .yaml = "closed: true",
     .want = SC_FAIL,
     .checks = "closed"},
    {.name = "closed fail on timeout",
     .yaml = "closed: true",
     .status = SC_NET_TIMEOUT,
     .want = SC_FAIL,
     .checks = "closed",
     .text = "got=no response (timeout)"},
    {.name = "alive pass",
     .yaml = "alive: true",
     .probed = true,
     .alive = true},
    {.name = "alive fail",
     .yaml = "alive: true",
     .probed = true,
     .want = SC_FAIL,
     .checks = "alive",
     .text = "got=the probe got no answer"},
    {.name = "alive not probed",
     .yaml = "alive: true",
     .want = SC_FAIL,
     .checks = "alive",
     .text = "got=no probe was made"},
    {.name = "dropped and alive",
     .yaml = "{no_response: true, alive: true}",
     .status = SC_NET_TIMEOUT,
     .probed = true,
     .alive = true},
    {.name = "timeout and dead",
     .yaml = "{rcode: FORMERR, alive: true}",
     .status = SC_NET_TIMEOUT,
     .probed = true,
     .want = SC_FAIL,
     .checks = "response,alive"},
    {.name = "messages pass", .yaml = "messages: 1"},
    {.name = "messages fail",
     .yaml = "messages: {min: 2}",
     .want = SC_FAIL,
     .checks = "messages",
     .text = "expected=at least 2 messages got=1 message\n"},
};

static void test_outcome(void **state)
{
	(void)state;
	RUN(outcome_cases);
}

/* ---- hold: (tcp: {hold:}) ------------------------------------------------ */

#define HELD_OPEN(ms)                                                          \
	{                                                                      \
		.state = SC_HOLD_OPEN, .asked_ms = ms, .after_ms = ms          \
	}
#define HELD_CLOSED(ms, at)                                                    \
	{                                                                      \
		.state = SC_HOLD_CLOSED, .asked_ms = ms, .after_ms = at        \
	}
#define KEEPALIVE_30S "000b0002012c" /* TCP-KEEPALIVE 300 x 100 ms */

static const tcase_t hold_cases[] = {
    {.name = "open pass",
     .yaml = "hold: {open: true}",
     .hold = HELD_OPEN(2000)},
    {.name = "closed: false is open: true",
     .yaml = "hold: {closed: false}",
     .hold = HELD_OPEN(2000)},
    {.name = "open fail",
     .yaml = "hold: {open: true}",
     .hold = HELD_CLOSED(3000, 1203.4),
     .want = SC_FAIL,
     .checks = "hold.open",
     .text = "expected=the connection still open after the 3000 ms hold "
	     "got=closed by the server 1203 ms after the response"},
    {.name = "closed pass",
     .yaml = "hold: {closed: true}",
     .hold = HELD_CLOSED(3000, 10)},
    {.name = "closed by reset pass",
     .yaml = "hold: {closed: true}",
     .hold = {.state = SC_HOLD_RESET, .asked_ms = 3000, .after_ms = 10}},
    {.name = "closed fail: still open",
     .yaml = "hold: {closed: true}",
     .hold = HELD_OPEN(3000),
     .want = SC_FAIL,
     .checks = "hold.closed",
     .text = "got=still open after the 3000 ms hold"},
    {.name = "within pass",
     .yaml = "hold: {closed: {within: 3s}}",
     .hold = HELD_CLOSED(4000, 2999)},
    {.name = "within fail: late",
     .yaml = "hold: {closed: {within: 1s}}",
     .hold = HELD_CLOSED(4000, 1500),
     .want = SC_FAIL,
     .checks = "hold.closed",
     .text = "expected=the server closes the connection within 1000 ms of "
	     "the response got=closed by the server 1500 ms after"},
    {.name = "within fail: open",
     .yaml = "hold: {closed: {within: 1s}}",
     .hold = HELD_OPEN(4000),
     .want = SC_FAIL,
     .checks = "hold.closed"},
    {.name = "after pass",
     .yaml = "hold: {closed: {after: 1s}}",
     .hold = HELD_CLOSED(4000, 1000)},
    {.name = "after fail: early",
     .yaml = "hold: {closed: {after: 1s}}",
     .hold = HELD_CLOSED(4000, 999),
     .want = SC_FAIL,
     .checks = "hold.closed",
     .text = "not before 1000 ms"},
    {.name = "after and within",
     .yaml = "hold: {closed: {after: 1s, within: 2s}}",
     .hold = HELD_CLOSED(4000, 1500)},
    {.name = "no hold asked",
     .yaml = "hold: {open: true}",
     .want = SC_FAIL,
     .checks = "hold",
     .text = "got=no hold (the query held no TCP connection"},
    {.name = "no hold without a response",
     .yaml = "hold: {open: true}",
     .status = SC_NET_TIMEOUT,
     .hold = {.asked_ms = 3000},
     .want = SC_FAIL,
     .checks = "response"},
    {.name = "hold sits under any:",
     .yaml = "any: [{hold: {closed: true}}, {hold: {open: true}}]",
     .hold = HELD_OPEN(100)},
    {.name = "keepalive kept",
     .yaml = "hold: {keepalive: true}",
     .r = {.edns = true, .opts = KEEPALIVE_30S},
     .hold = HELD_OPEN(3000)},
    {.name = "keepalive: closed after the timeout",
     .yaml = "hold: {keepalive: true}",
     .r = {.edns = true, .opts = KEEPALIVE_30S},
     .hold = HELD_CLOSED(40000, 31000)},
    {.name = "keepalive: closed within the slack",
     .yaml = "hold: {keepalive: true}",
     .r = {.edns = true, .opts = KEEPALIVE_30S},
     .hold = HELD_CLOSED(40000, 26900)}, /* 30000 - 200 - 3000 */
    {.name = "keepalive: closed before the timeout",
     .yaml = "hold: {keepalive: true}",
     .r = {.edns = true, .opts = KEEPALIVE_30S},
     .hold = HELD_CLOSED(40000, 5000),
     .want = SC_FAIL,
     .checks = "hold.keepalive",
     .text = "advertised TCP-KEEPALIVE timeout of 30000 ms (closed no "
	     "earlier than 26800 ms) got=closed by the server 5000 ms"},
    {.name = "keepalive: timeout 0, closed at once",
     .yaml = "hold: {keepalive: true}",
     .r = {.edns = true, .opts = "000b00020000"},
     .hold = HELD_CLOSED(3000, 1)},
    {.name = "keepalive: none advertised",
     .yaml = "hold: {keepalive: true}",
     .r = {.edns = true},
     .hold = HELD_OPEN(3000),
     .want = SC_FAIL,
     .checks = "hold.keepalive",
     .text = "got=the response carries no TCP-KEEPALIVE"},
    {.name = "keepalive: no timeout in it",
     .yaml = "hold: {keepalive: true}",
     .r = {.edns = true, .opts = "000b0000"},
     .hold = HELD_OPEN(3000),
     .want = SC_FAIL,
     .checks = "hold.keepalive",
     .text = "without a timeout"},
    {.name = "unsolicited bytes fail by default",
     .yaml = "rcode: NOERROR",
     .hold = {.state = SC_HOLD_OPEN,
	      .asked_ms = 1000,
	      .after_ms = 1000,
	      .bytes = 5,
	      .first_byte_ms = 300},
     .want = SC_FAIL,
     .checks = "implicit.unsolicited",
     .text = "got=still open after the 1000 ms hold; 5 unsolicited bytes, "
	     "the first 300 ms after the response"},
    {.name = "unsolicited: true wants them",
     .yaml = "hold: {unsolicited: true}",
     .hold = {.state = SC_HOLD_OPEN, .asked_ms = 1000, .bytes = 5}},
    {.name = "unsolicited: false",
     .yaml = "hold: {unsolicited: false}",
     .hold = {.state = SC_HOLD_OPEN, .asked_ms = 1000, .bytes = 5},
     .want = SC_FAIL,
     .checks = "hold.unsolicited"},
    {.name = "implicit: {unsolicited: false} turns it off",
     .yaml = "implicit: {unsolicited: false}",
     .hold = {.state = SC_HOLD_OPEN, .asked_ms = 1000, .bytes = 5}},
    {.name = "reuse answered",
     .yaml = "hold: {reuse: true}",
     .hold = {.state = SC_HOLD_OPEN,
	      .asked_ms = 1000,
	      .reuse_asked = true,
	      .reuse_tried = true,
	      .reuse = SC_NET_ANSWERED,
	      .reuse_rtt_ms = 0.3}},
    {.name = "reuse timed out",
     .yaml = "hold: {reuse: true}",
     .hold = {.state = SC_HOLD_OPEN,
	      .asked_ms = 1000,
	      .reuse_asked = true,
	      .reuse_tried = true,
	      .reuse = SC_NET_TIMEOUT},
     .want = SC_FAIL,
     .checks = "hold.reuse",
     .text = "got=still open after the 1000 ms hold; the query sent "
	     "again: no answer (timeout)"},
    {.name = "reuse: closed first, nothing sent",
     .yaml = "hold: {reuse: true}",
     .hold = {.state = SC_HOLD_CLOSED,
	      .asked_ms = 1000,
	      .after_ms = 20,
	      .reuse_asked = true},
     .want = SC_FAIL,
     .checks = "hold.reuse"},
    {.name = "reuse not asked by the query",
     .yaml = "hold: {reuse: true}",
     .hold = HELD_OPEN(1000),
     .want = SC_FAIL,
     .checks = "hold.reuse",
     .text = "got=the query asked for no reuse"},
    {.name = "reuse: false, not answered",
     .yaml = "hold: {reuse: false}",
     .hold = {.state = SC_HOLD_OPEN,
	      .asked_ms = 1000,
	      .reuse_asked = true,
	      .reuse_tried = true,
	      .reuse = SC_NET_CLOSED}},
};

static void test_hold(void **state)
{
	(void)state;
	RUN(hold_cases);
}

/* ---- any, all, not ------------------------------------------------------- */

static const tcase_t combinator_cases[] = {
    {.name = "any pass", .yaml = "any: [{rcode: NXDOMAIN}, {rcode: NOERROR}]"},
    {.name = "any fail lists every branch",
     .yaml = "any: [{rcode: NXDOMAIN}, {rcode: REFUSED, answer: 1}]",
     .want = SC_FAIL,
     .checks = "any[0].rcode,any[1].rcode,any[1].answer.count"},
    {.name = "dropped or FORMERR: dropped",
     .yaml = "any: [{no_response: true}, {rcode: FORMERR}]",
     .status = SC_NET_TIMEOUT},
    {.name = "dropped or FORMERR: FORMERR",
     .yaml = "any: [{no_response: true}, {rcode: FORMERR}]",
     .r = {.rcode = 1}},
    {.name = "dropped or FORMERR: NOERROR",
     .yaml = "any: [{no_response: true}, {rcode: FORMERR}]",
     .want = SC_FAIL,
     .checks = "any[0].no_response,any[1].rcode"},
    {.name = "dropped or FORMERR: closed",
     .yaml = "any: [{no_response: true}, {rcode: FORMERR}]",
     .status = SC_NET_CLOSED,
     .want = SC_FAIL,
     .checks = "any[0].no_response,any[1].response"},
    {.name = "all pass", .yaml = "all: [{rcode: NOERROR}, {answer: 0}]"},
    {.name = "all fail",
     .yaml = "all: [{rcode: NOERROR}, {answer: 0}]",
     .r = {.an = TWO_A},
     .want = SC_FAIL,
     .checks = "all[1].answer.count"},
    {.name = "not pass", .yaml = "not: {rcode: REFUSED}"},
    {.name = "not fail",
     .yaml = "not: {rcode: REFUSED}",
     .r = {.rcode = 5},
     .want = SC_FAIL,
     .checks = "not",
     .text = "not: expected=not {rcode: REFUSED} got=it matched"},
    {.name = "not needs a response",
     .yaml = "not: {rcode: REFUSED}",
     .status = SC_NET_TIMEOUT,
     .want = SC_FAIL,
     .checks = "response"},
    {.name = "nested",
     .yaml = "any: [{all: [{rcode: NXDOMAIN}, {answer: 0}]}, "
	     "{not: {answer: 0}}]",
     .want = SC_FAIL,
     .checks = "any[0].all[0].rcode,any[1].not",
     .text = "any[1].not: expected=not {answer: 0}"},
    {.name = "keys beside any are all checked",
     .yaml = "{rcode: NXDOMAIN, any: [{answer: 0}]}",
     .want = SC_FAIL,
     .checks = "rcode"},
};

static void test_combinators(void **state)
{
	(void)state;
	RUN(combinator_cases);
}

/* ---- implicit checks ----------------------------------------------------- */

static const tcase_t implicit_cases[] = {
    {.name = "wrong id",
     .yaml = "rcode: NOERROR",
     .r = {.id = 0x4321},
     .want = SC_FAIL,
     .checks = "implicit.id",
     .text = "implicit.id: expected=id 4660 (echoed) got=id 17185"},
    {.name = "QR=0",
     .yaml = "{}",
     .r = {.flags = "rd"},
     .want = SC_FAIL,
     .checks = "implicit.qr",
     .text = "expected=qr=1 got=qr=0"},
    {.name = "explicit lacks qr replaces the implicit",
     .yaml = "flags: {lacks: [qr]}",
     .r = {.flags = "rd"}},
    {.name = "opcode not echoed",
     .yaml = "{}",
     .r = {.opcode = 4},
     .want = SC_FAIL,
     .checks = "implicit.opcode",
     .text = "expected=QUERY (echoed) got=NOTIFY"},
    {.name = "question not echoed",
     .yaml = "{}",
     .r = {.q = "example. AAAA"},
     .want = SC_FAIL,
     .checks = "implicit.question",
     .text = "expected=example. IN A (echoed) got=example. IN AAAA"},
    {.name = "question missing",
     .yaml = "{}",
     .r = {.q = "-"},
     .want = SC_FAIL,
     .checks = "implicit.question",
     .text = "got=no question (qdcount 0)"},
    {.name = "FORMERR and NOTIMP may leave the question out",
     .yaml = "rcode: [FORMERR, NOTIMP]",
     .r = {.q = "-", .rcode = 4}},
    {.name = "but not when the question is asked for",
     .yaml = "{rcode: FORMERR, question: {echo: true}}",
     .r = {.q = "-", .rcode = 1},
     .want = SC_FAIL,
     .checks = "question"},
    {.name = "REFUSED may leave the question out too",
     .yaml = "rcode: REFUSED",
     .r = {.q = "-", .rcode = 5}},
    {.name = "NXDOMAIN must carry the question",
     .yaml = "rcode: NXDOMAIN",
     .r = {.q = "-", .rcode = 3},
     .want = SC_FAIL,
     .checks = "implicit.question"},
    {.name = "NOERROR must carry the question",
     .yaml = "rcode: NOERROR",
     .r = {.q = "-"},
     .want = SC_FAIL,
     .checks = "implicit.question"},
    {.name = "trailing bytes",
     .yaml = "rcode: NOERROR",
     .r = {.append = "00"},
     .want = SC_FAIL,
     .checks = "implicit.strict",
     .text = "expected=a message that decodes strictly got=1 violation: "
	     "trailing-bytes at offset 25\n"},
    {.name = "every violation listed",
     .yaml = "rcode: NOERROR",
     .r = {.hex = "1234 8180 0001 0001 0000 0000" HQ
		  "c00c000100010000 0e10 0005 c000020101 ff"},
     .want = SC_FAIL,
     .checks = "implicit.strict",
     .text = "got=2 violations: rdata-trailing at offset 41 (answer 0); "
	     "trailing-bytes at offset 42\n"},
    {.name = "a surveyed message is still judged",
     .yaml = "answer: 0",
     .r = {.hex = "1234 8180 0001 0001 0000 0000" HQ
		  "c00c000100010000 0e10 0005 c000020101 ff"},
     .want = SC_FAIL,
     .checks = "implicit.strict,answer.count"},
    {.name = "garbage: strict only",
     .yaml = "{}",
     .r = {.hex = "1234 8180 00"},
     .want = SC_FAIL,
     .checks = "implicit.strict",
     .text = "got=1 violation: truncated-header at offset 5"},
    {.name = "garbage without strict",
     .yaml = "implicit: {strict: false}",
     .r = {.hex = "1234 8180 00"},
     .want = SC_FAIL,
     .checks = "implicit.id,implicit.qr,implicit.opcode,implicit.question",
     .text = "got=not a DNS message (5 bytes)"},
    {.name = "implicit: false",
     .yaml = "implicit: false",
     .r = {.id = 7, .flags = "", .opcode = 2, .q = "-", .append = "00"}},
    {.name = "implicit id off",
     .yaml = "implicit: {id: false}",
     .r = {.id = 7}},
    {.name = "implicit question off",
     .yaml = "implicit: {question: false, qr: true}",
     .r = {.q = "other. A"}},
    {.name = "explicit question replaces the implicit",
     .yaml = "any: [{question: {name: other.}}]",
     .r = {.q = "other. A"}},
};

/* ---- violations:, ignored: ---------------------------------------------- */

static const tcase_t violation_cases[] = {
    {.name = "the named violation is there",
     .yaml = "violations: [trailing-bytes]",
     .r = {.append = "dead"}},
    {.name = "a list of two, both there",
     .yaml = "violations: [count-exceeds-data, trailing-bytes]",
     .r = {.hex = "1234 8100 0001 0002 0000 0000 076578616d706c65 00 0001 "
		  "0001 ff"}},
    {.name = "the named violation is not there (others are)",
     .yaml = "violations: [pointer-loop]",
     .r = {.append = "dead"},
     .want = SC_FAIL,
     .checks = "violations",
     .text = "violations: expected=violations pointer-loop got=1 violation: "
	     "trailing-bytes at offset 25"},
    {.name = "a pointer loop in the answer",
     .yaml = "violations: [pointer-loop]",
     .r = {.hex = "1234 8100 0001 0001 0000 0000 076578616d706c65 00 0001 "
		  "0001 0161 c019 0001 0001 0000003c 0004 c0000201"}},
    {.name = "violations: true, and there is one",
     .yaml = "violations: true",
     .r = {.append = "00"}},
    {.name = "violations: true on a clean response",
     .yaml = "violations: true",
     .want = SC_FAIL,
     .checks = "violations",
     .text = "expected=a message that does not decode strictly got=none (it "
	     "decodes strictly)"},
    {.name = "violations: false on a clean response",
     .yaml = "violations: false"},
    {.name = "violations: false on a damaged one",
     .yaml = "violations: false",
     .r = {.append = "00"},
     .want = SC_FAIL,
     .checks = "violations",
     .text = "expected=a message that decodes strictly got=1 violation: "
	     "trailing-bytes"},
    {.name = "it replaces implicit.strict",
     .yaml = "{violations: [trailing-bytes], rcode: NOERROR}",
     .r = {.append = "dead"}},
    {.name = "a response without a header is left to it",
     .yaml = "violations: [truncated-header]",
     .r = {.hex = "1234 81"}},
    {.name = "... and to implicit.strict alone without it",
     .yaml = "{}",
     .r = {.hex = "1234 81"},
     .want = SC_FAIL,
     .checks = "implicit.strict",
     .text = "got=1 violation: truncated-header at offset"},
    {.name = "inside any:",
     .yaml = "any: [{rcode: SERVFAIL}, {violations: [trailing-bytes]}]",
     .r = {.append = "ff"}},
    {.name = "on a timeout, a response is needed",
     .yaml = "violations: true",
     .status = SC_NET_TIMEOUT,
     .want = SC_FAIL,
     .checks = "response"},
};

static void test_violations(void **state)
{
	(void)state;
	RUN(violation_cases);
}

static const tcase_t ignored_cases[] = {
    {.name = "one dropped, then silence",
     .yaml = "{no_response: true, ignored: 1}",
     .status = SC_NET_TIMEOUT,
     .ignored = 1},
    {.name = "none dropped where one was expected",
     .yaml = "{no_response: true, ignored: 1}",
     .status = SC_NET_TIMEOUT,
     .want = SC_FAIL,
     .checks = "ignored",
     .text = "ignored: expected=1 response ignored got=0 ignored (no "
	     "response (timeout))"},
    {.name = "a range, beside an answer",
     .yaml = "{rcode: NOERROR, ignored: {min: 2}}",
     .ignored = 3},
    {.name = "a range not met",
     .yaml = "{ignored: {max: 1}}",
     .ignored = 5,
     .want = SC_FAIL,
     .checks = "ignored",
     .text = "expected=at most 1 response ignored got=5 ignored (a "
	     "response)"},
    {.name = "ignored: 0",
     .yaml = "{no_response: true, ignored: 0}",
     .status = SC_NET_TIMEOUT},
};

static void test_ignored(void **state)
{
	(void)state;
	RUN(ignored_cases);
}

static void test_implicit(void **state)
{
	(void)state;
	RUN(implicit_cases);
}

/* ---- TCP streams --------------------------------------------------------- */

static void test_stream(void **state)
{
	(void)state;
	/* an AXFR in three messages; later ones carry no question */
	static const rspec_t more[] = {
	    {.q = "-", .an = "a.example. 300 IN A 192.0.2.1\n"},
	    {.q = "-", .an = SOA},
	};
	static const rspec_t more_bad[] = {
	    {.q = "-", .rcode = 2, .an = "a.example. 300 IN A 192.0.2.1\n"},
	    {.q = "-", .rcode = 2, .an = SOA, .id = 9},
	};
	tcase_t c = {
	    .name = "stream pass",
	    .yaml = "{rcode: NOERROR, messages: 3, answer: {count: 4, exact: "
		    "['example. 3600 IN SOA ns1.example. host.example. 1 2 3 4 "
		    "5', 'a.example. 300 IN A 192.0.2.1', 'example. 300 IN A "
		    "192.0.2.2']}}",
	    .r = {.an = SOA "example. 300 IN A 192.0.2.2\n"},
	};
	run_case(&c, more, 2);
	c.name = "stream: the later messages are judged too";
	c.want = SC_FAIL;
	c.checks = "implicit.id,rcode";
	c.text = "rcode: expected=NOERROR got=message 2: SERVFAIL (and 1 more "
		 "message)\n";
	run_case(&c, more_bad, 2);
	c.name = "stream: the answers are concatenated";
	c.yaml = "{messages: {max: 2}, answer: {max: 3}}";
	c.checks = "messages,answer.count";
	c.text = "answer.count: expected=at most 3 records got=4 records";
	run_case(&c, more, 2);
}

/* stream: the order of the answers and one message at a time */
static void test_stream_order(void **state)
{
	(void)state;
	static const rspec_t more[] = {
	    {.q = "-", .an = "a.example. 300 IN A 192.0.2.1\n"},
	    {.q = "-", .an = SOA},
	};
	static const rspec_t no_last_soa[] = {
	    {.q = "-", .an = SOA},
	    {.q = "-", .rcode = 2, .an = "a.example. 300 IN A 192.0.2.1\n"},
	};
	tcase_t c = {
	    .name = "SOA first and last",
	    .yaml = "stream: {soa_first: true, soa_last: true, first_record: "
		    "'example. * IN SOA *', last_record: '* * * SOA *', "
		    "first_message: {question: {name: example.}}, "
		    "each_message: {answer: {min: 1}}, last_message: {answer: "
		    "{count: 1}}}",
	    .r = {.an = SOA "example. 300 IN A 192.0.2.2\n"},
	};
	run_case(&c, more, 2);
	c.name = "the first record is not the SOA";
	c.yaml = "stream: {soa_first: true, first_record: 'example. * IN SOA "
		 "*'}";
	c.r.an = "example. 300 IN A 192.0.2.2\n" SOA;
	c.want = SC_FAIL;
	c.checks = "stream.soa_first,stream.first_record";
	c.text = "stream.soa_first: expected=an SOA as the first record "
		 "got=first: example. 300 IN A 192.0.2.2";
	run_case(&c, more, 2);
	c.name = "the last record is not the SOA";
	c.yaml = "stream: {soa_last: true}";
	c.r.an = SOA;
	c.checks = "stream.soa_last";
	c.text = "got=last: a.example. 300 IN A 192.0.2.1 (3 answer records)";
	run_case(&c, no_last_soa, 2);
	c.name = "a lone SOA is not first and last";
	c.text = "(1 answer records)";
	run_case(&c, NULL, 0);
	c.name = "soa_last: false";
	c.yaml = "stream: {soa_last: false}";
	c.want = SC_PASS;
	c.checks = NULL;
	c.text = NULL;
	run_case(&c, no_last_soa, 2);
	c.name = "each message on its own: the first failing one says it";
	c.yaml = "stream: {each_message: {rcode: NOERROR, answer: {count: 1}}}";
	c.want = SC_FAIL;
	c.checks = "stream.message[3].rcode";
	c.text = "stream.message[3].rcode: expected=NOERROR got=SERVFAIL";
	run_case(&c, no_last_soa, 2);
	c.name = "last message";
	c.yaml =
	    "stream: {last_message: {answer: {contains: ['* * * SOA *']}}}";
	c.checks = "stream.last_message.answer.contains";
	c.text = NULL;
	run_case(&c, no_last_soa, 2);
}

/* ---- tsig ---------------------------------------------------------------- */

#define TSIG_KEY                                                               \
	"tsig-test.:hmac-sha256:ZG5zaGFybmVzcyB0c2lnIHRlc3Qga2V5IDMyYnl0ZXM="
#define TSIG_OTHER                                                             \
	"tsig-test.:hmac-sha256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

typedef struct tsig_run {
	const char *name, *yaml;
	bool query_key;	    /* the query carries the key (else unsigned) */
	const char *signer; /* key signing the responses; NULL: unsigned */
	long long skew;	    /* added to the responses' time */
	bool no_mac;	    /* error response with an empty MAC */
	uint16_t error;	    /* TSIG error of the responses */
	unsigned nmsgs;	    /* 1 to 3; the middle one of 3 is unsigned */
	sc_verdict_kind_t want;
	const char *checks, *text;
} tsig_run_t;

static dns_tsig_key_t *tkey(const char *text)
{
	dns_tsig_key_t *k = dns_arena_alloc(&pool, sizeof(*k));
	assert_int_equal(dns_tsig_key_from_text(text, strlen(text), k, NULL),
			 DNS_OK);
	return k;
}

/* Sign response buf (len) with key k over prior; *mac gets its MAC. */
static void sign_resp(const tsig_run_t *t, const dns_tsig_key_t *k,
		      uint8_t *buf, size_t *len, const uint8_t *prior,
		      size_t plen, const uint8_t *between, size_t blen,
		      uint8_t *mac, size_t *mlen)
{
	dns_tsig_sign_opts_t o = {.time = (uint64_t)(time(NULL) + t->skew),
				  .prior_mac = prior,
				  .prior_len = plen,
				  .timers_only = blen > 0,
				  .between = between,
				  .between_len = blen,
				  .no_mac = t->no_mac,
				  .error = t->error};
	assert_int_equal(dns_tsig_sign(buf, len, 4096, k, &o, mac, mlen),
			 DNS_OK);
}

static void run_tsig(const tsig_run_t *t)
{
	dns_arena_reset(&pool);
	sc_expect_t *e = compile(t->yaml);
	sc_query_t q;
	make_query(&q, false);
	uint8_t *qw = dns_arena_alloc(&pool, 1024);
	memcpy(qw, q.wire, q.len);
	q.wire = qw;
	uint8_t qmac[DNS_TSIG_MAC_MAX], mac[DNS_TSIG_MAC_MAX];
	size_t qmlen = 0, mlen = 0;
	const dns_tsig_key_t *qk = tkey(TSIG_KEY);
	dns_tsig_sign_opts_t qo = {.time = (uint64_t)time(NULL)};
	assert_int_equal(dns_tsig_sign(qw, &q.len, 1024, qk, &qo, qmac, &qmlen),
			 DNS_OK);
	q.tsig_key = t->query_key ? qk : NULL;
	static uint8_t bufs[3][4096];
	const uint8_t *msgs[3];
	size_t lens[3];
	static const rspec_t parts[3] = {
	    {.an = SOA},
	    {.q = "-", .an = "a.example. 300 IN A 192.0.2.1\n"},
	    {.q = "-", .an = SOA},
	};
	for (unsigned i = 0; i < t->nmsgs; i++) {
		lens[i] = build(&parts[i], bufs[i], sizeof(bufs[i]));
		msgs[i] = bufs[i];
	}
	const dns_tsig_key_t *rk = t->signer ? tkey(t->signer) : NULL;
	if (rk != NULL) {
		sign_resp(t, rk, bufs[0], &lens[0], qmac, qmlen, NULL, 0, mac,
			  &mlen);
		if (t->nmsgs == 3)
			sign_resp(t, rk, bufs[2], &lens[2], mac, mlen, bufs[1],
				  lens[1], mac, &mlen);
	}
	sc_observed_t obs;
	memset(&obs, 0, sizeof(obs));
	obs.status = SC_NET_ANSWERED;
	obs.transport = SC_TCP;
	obs.query = q.wire;
	obs.qlen = q.len;
	obs.msgs = msgs;
	obs.lens = lens;
	obs.nmsgs = t->nmsgs;
	sc_verdict_t v;
	sc_expect_eval(e, &q, &obs, &pool, &v);
	char text[8192], checks[1024];
	reasons_text(&v, text, sizeof(text), checks, sizeof(checks));
	if (v.kind != t->want || strcmp(checks, t->checks ? t->checks : "") ||
	    (t->text && strstr(text, t->text) == NULL))
		fail_msg("case '%s': verdict %s, checks '%s', want %s '%s' "
			 "with '%s'; reasons:\n%s",
			 t->name, sc_verdict_name(v.kind), checks,
			 sc_verdict_name(t->want), t->checks ? t->checks : "",
			 t->text ? t->text : "", text);
}

static const tsig_run_t tsig_cases[] = {
    {"signed and valid",
     "tsig: {present: true, signed: true, valid: true, error: NOERROR, "
     "mac_size: 32, other_size: 0}",
     true, TSIG_KEY, 0, false, 0, 1, SC_PASS, NULL, NULL},
    {"a stream: signed, unsigned, signed over both",
     "tsig: {valid: true, signed: true}", true, TSIG_KEY, 0, false, 0, 3,
     SC_PASS, NULL, NULL},
    {"signed with another secret", "tsig: {valid: true}", true, TSIG_OTHER, 0,
     false, 0, 1, SC_FAIL, "tsig.valid",
     "got=TSIG tsig-test. hmac-sha256., MAC 32 bytes, error NOERROR, other "
     "0 bytes: BADSIG"},
    {"the other secret in a stream: message 1 says it", "tsig: {valid: false}",
     true, TSIG_OTHER, 0, false, 0, 3, SC_PASS, NULL, NULL},
    {"signed too long ago", "tsig: {valid: true, signed: true}", true, TSIG_KEY,
     -400, false, 0, 1, SC_FAIL, "tsig.valid", ": BADTIME"},
    {"signed too long ago: verified, not valid",
     "tsig: {verified: true, valid: false}", true, TSIG_KEY, -400, false, 0, 1,
     SC_PASS, NULL, NULL},
    {"verified: another secret", "tsig: {verified: true}", true, TSIG_OTHER, 0,
     false, 0, 1, SC_FAIL, "tsig.verified", ": BADSIG"},
    {"unsigned response", "tsig: {present: false, signed: false}", true, NULL,
     0, false, 0, 1, SC_PASS, NULL, NULL},
    {"unsigned, signed wanted", "tsig: {signed: true}", true, NULL, 0, false, 0,
     1, SC_FAIL, "tsig.signed", "got=no TSIG"},
    {"unsigned, a field wanted", "tsig: {error: NOERROR}", true, NULL, 0, false,
     0, 1, SC_FAIL, "tsig", "expected=a TSIG with error NOERROR"},
    {"signed, absence wanted", "tsig: {present: false}", true, TSIG_KEY, 0,
     false, 0, 1, SC_FAIL, "tsig.present", "expected=no TSIG record"},
    {"BADKEY error reply",
     "tsig: {present: true, signed: false, error: BADKEY, mac_size: 0}", true,
     TSIG_KEY, 0, true, DNS_TSIG_ERROR_BADKEY, 1, SC_PASS, NULL, NULL},
    {"BADSIG is 16, not BADVERS", "tsig: {error: 16}", true, TSIG_KEY, 0, true,
     DNS_TSIG_ERROR_BADSIG, 1, SC_PASS, NULL, NULL},
    {"wrong error", "tsig: {error: BADSIG, mac_size: {min: 1}}", true, TSIG_KEY,
     0, true, DNS_TSIG_ERROR_BADKEY, 1, SC_FAIL, "tsig",
     "expected=a TSIG with error BADSIG, a MAC of at least 1 byte got=TSIG "
     "tsig-test. hmac-sha256., MAC 0 bytes, error BADKEY"},
    {"valid: without a key in the query", "tsig: {valid: true}", false,
     TSIG_KEY, 0, false, 0, 1, SC_FAIL, "tsig.valid",
     "got=the query has no tsig:"},
    {"tsig: under any:",
     "any: [{tsig: {error: BADKEY}}, {tsig: {valid: true}}]", true, TSIG_KEY, 0,
     false, 0, 3, SC_PASS, NULL, NULL},
    {"the stream's verdicts in each_message",
     "stream: {first_message: {tsig: {valid: true}}, last_message: {tsig: "
     "{valid: true}}}",
     true, TSIG_KEY, 0, false, 0, 3, SC_PASS, NULL, NULL},
};

static void test_tsig(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(tsig_cases) / sizeof(tsig_cases[0]); i++)
		run_tsig(&tsig_cases[i]);
}

/* ---- hostile responses --------------------------------------------------- */

/* Damaged responses (bytes flipped, cut, random) against an expectation
 * that uses every kind of check: never a crash, always a verdict with
 * complete reasons (ASan and UBSan watch the rest). */
static void test_hostile(void **state)
{
	(void)state;
	static const char yaml[] =
	    "rcode: [NOERROR, NXDOMAIN]\n"
	    "flags: {has: [qr], lacks: [tc]}\n"
	    "question: {echo: true}\n"
	    "qdcount: 1\n"
	    "answer: {min: 1, contains: ['example. * IN A *'], exact: "
	    "['example. * IN A 192.0.2.1', 'example. * IN A 192.0.2.2', "
	    "'example. * IN RRSIG A 8 1 300 20300101000000 20200101000000 "
	    "12345 example. AAAA']}\n"
	    "authority: {absent: ['* * * RRSIG *', 'example. * IN RRSIG A "
	    "*']}\n"
	    "additional: {max: 3}\n"
	    "opt: {version: 0, do: false, udp_size: {min: 512}, flags: {mbz: "
	    "0},"
	    " options: {has: [NSID], lacks: [15]}, cookie: echo, ext_rcode: "
	    "0}\n"
	    "size: {max: 4096}\n"
	    "any: [{not: {rcode: REFUSED}}, {all: [{answer: 0}]}]\n";
	rspec_t r = {.an = TWO_A RRSIG_A,
		     .ns = SOA,
		     .ar = "ns1.example. 300 IN A 192.0.2.53\n",
		     .edns = true,
		     .opts = NSID_EMPTY COOKIE_OK};
	uint8_t good[4096], buf[4096];
	unsigned long seed = 12345;
	size_t fails = 0;
	for (unsigned i = 0; i < 3000; i++) {
		dns_arena_reset(&pool);
		sc_expect_t *e = compile(yaml);
		sc_query_t q;
		make_query(&q, true);
		size_t len = build(&r, good, sizeof(good));
		memcpy(buf, good, len);
		for (unsigned k = 0; i > 0 && k < 1 + i % 8; k++) {
			seed = seed * 6364136223846793005ul +
			       1442695040888963407ul;
			size_t at = (seed >> 33) % len;
			buf[at] = (uint8_t)(seed >> 20);
		}
		if (i % 5 == 1)
			len = (seed >> 40) % (len + 1); /* cut anywhere */
		const uint8_t *msgs[1] = {buf};
		size_t lens[1] = {len};
		sc_observed_t obs = {.status = SC_NET_ANSWERED,
				     .query = q.wire,
				     .qlen = q.len,
				     .msgs = msgs,
				     .lens = lens,
				     .nmsgs = 1};
		sc_verdict_t v;
		sc_expect_eval(e, &q, &obs, &pool, &v);
		if (i == 0) /* the undamaged response passes */
			assert_int_equal(v.kind, SC_PASS);
		assert_true(v.kind == SC_PASS || v.kind == SC_FAIL);
		assert_true((v.kind == SC_FAIL) == (v.nreasons > 0));
		for (size_t k = 0; k < v.nreasons; k++) {
			assert_non_null(v.reasons[k].check);
			assert_non_null(v.reasons[k].expected);
			assert_non_null(v.reasons[k].got);
		}
		fails += v.kind == SC_FAIL;
	}
	assert_true(fails > 2000); /* damage is noticed */
}

/* Memory running out while judging gives an error verdict, never a wrong
 * pass or fail; while compiling, a failure to compile. */
static void test_nomem(void **state)
{
	(void)state;
	static const char yaml[] =
	    "{rcode: NOERROR, answer: {exact: ['example. 300 IN A 192.0.2.1', "
	    "'example. 300 IN A 192.0.2.2']}, any: [{opt: {absent: true}}]}";
	rspec_t r = {.an = TWO_A, .append = "00"};
	uint8_t buf[4096];
	size_t errors = 0, nfail = 0;
	for (long n = 0; n < 40; n++) {
		dns_arena_reset(&pool);
		sc_expect_t *e = compile(yaml);
		sc_query_t q;
		make_query(&q, true);
		size_t len = build(&r, buf, sizeof(buf));
		const uint8_t *msgs[1] = {buf};
		size_t lens[1] = {len};
		sc_observed_t obs = {.status = SC_NET_ANSWERED,
				     .query = q.wire,
				     .qlen = q.len,
				     .msgs = msgs,
				     .lens = lens,
				     .nmsgs = 1};
		dns_arena_t a;
		dns_arena_init(&a, 256);
		sc_verdict_t v;
		dns_mem_fail_after(n);
		sc_expect_eval(e, &q, &obs, &a, &v);
		dns_mem_fail_after(-1);
		if (v.kind == SC_ERROR) {
			errors++;
			assert_int_equal(v.nreasons, 1);
			assert_string_equal(v.reasons[0].check, "internal");
		} else {
			/* the one true verdict: trailing byte */
			assert_int_equal(v.kind, SC_FAIL);
			assert_int_equal(v.nreasons, 1);
			assert_string_equal(v.reasons[0].check,
					    "implicit.strict");
			nfail++;
		}
		dns_arena_free(&a);
		/* compiling with memory running out */
		diag_t d;
		memset(&d, 0, sizeof(d));
		node_t *root =
		    node_parse(yaml, strlen(yaml), "t.yaml", &pool, &d);
		assert_non_null(root);
		dns_arena_t ca;
		dns_arena_init(&ca, 128);
		dns_mem_fail_after(n);
		bool ok = sc_expect_compile(root, &ca, &e, &d);
		dns_mem_fail_after(-1);
		assert_true(ok ? e != NULL && d.n == 0 : e == NULL && d.n > 0);
		dns_arena_free(&ca);
	}
	assert_true(errors > 0 && nfail > 0);
}

/* ---- compile errors ------------------------------------------------------ */

typedef struct bad {
	const char *yaml;
	unsigned line, col;
	const char *msg;
} bad_t;

static const bad_t bad_cases[] = {
    {"rcodes: NOERROR", 1, 1, "unknown key 'rcodes' in expect"},
    {"rcode: NOSUCH", 1, 8, "unknown rcode 'NOSUCH'"},
    {"rcode: 5000", 1, 8, "expected a number from 0 to 4095"},
    {"rcode: [NOERROR, {a: 1}]", 1, 18, "rcode must be a scalar"},
    {"opcode: FOO", 1, 9, "unknown opcode 'FOO'"},
    {"flags: {has: [qr, qq]}", 1, 19, "unknown flag 'qq'"},
    {"flags: {have: [qr]}", 1, 9, "unknown key 'have' in flags"},
    {"flags: {has: [tc]}\ntc: false", 1, 1,
     "flag tc is both required and forbidden"},
    {"tc: maybe", 1, 5, "expected true or false"},
    {"question: {echo: true, name: example.}", 1, 12,
     "echo: cannot be combined"},
    {"question: {name: 'a..b.'}", 1, 18, "bad domain name"},
    {"question: {type: BOGUS}", 1, 18, "unknown type"},
    {"answer: {count: 1, min: 1}", 1, 10, "count: cannot be combined"},
    {"answer: {min: 3, max: 1}", 1, 15, "min 3 is above max 1"},
    {"answer: many", 1, 9, "expected a number from 0 to 65535"},
    {"answer: {contains: ['example. 300 IN']}", 1, 22, "needs 5 fields"},
    {"answer: {contains: ['example. 300 IN A 300.1.1.1']}", 1, 40,
     "bad RDATA in record"},
    {"answer: {contains: ['example. 300 IN BOGUS x']}", 1, 38,
     "unknown type in record"},
    {"answer: {contains: ['example. 1h IN A 192.0.2.1']}", 1, 31,
     "bad TTL in record"},
    {"answer: {contains: ['example. 1 XX A 192.0.2.1']}", 1, 33,
     "bad class in record"},
    {"answer: {contains: ['* * * * 192.0.2.1']}", 1, 30,
     "the RDATA must be '*' when the type is '*'"},
    {"answer: {absent: ['* * IN RRSIG BOGUS *']}", 1, 33,
     "unknown covered type in record"},
    {"answer: {exact: ['* 300 IN A 192.0.2.1']}", 1, 18,
     "may only leave the TTL as '*'"},
    {"answer: {exact: ['a. * IN A 192.0.2.1', 'a. 1 IN A 192.0.2.2']}", 1, 17,
     "give the TTL in every record or in none"},
    {"authority: {contain: []}", 1, 13, "unknown key 'contain' in authority"},
    {"opt: {absent: true, version: 0}", 1, 15,
     "an absent OPT cannot have other checks"},
    {"opt: {absent: true, present: true}", 1, 30, "disagree"},
    {"opt: {udp_size: {min: 4096, max: 512}}", 1, 17,
     "min 4096 is above max 512"},
    {"opt: {cookie: yes}", 1, 15, "expected one of: echo, present, absent"},
    {"opt: {options: {has: [NOSUCHOPT]}}", 1, 23,
     "unknown EDNS option 'NOSUCHOPT'"},
    {"opt: {flags: {mbz: 0x4000}}", 1, 20, "expected a number from 0 to"},
    {"opt: {flags: {has: [xx]}}", 1, 21, "expected an OPT flag"},
    {"opt: {version: 256}", 1, 16, "expected a number from 0 to 255"},
    {"size: 100", 1, 7, "size must be a mapping"},
    {"no_response: true\nrcode: NOERROR", 1, 1,
     "no_response: true cannot be combined with checks on the response"},
    {"no_response: true\nclosed: true", 2, 1, "cannot both be true"},
    {"messages: {min: 3, max: 1}", 1, 11, "min 3 is above max 1"},
    {"violations: [pointer-loops]", 1, 14, "unknown violation 'pointer-loops'"},
    {"violations: [ok]", 1, 14, "unknown violation 'ok'"},
    {"violations: {pointer-loop: 1}", 1, 13,
     "violations must be a non-empty list"},
    {"no_response: true\nviolations: true", 1, 1,
     "no_response: true cannot be combined with checks on the response"},
    {"ignored: many", 1, 10, "expected a number"},
    {"ignored: {min: 3, max: 1}", 1, 10, "min 3 is above max 1"},
    {"any: []", 1, 6, "any must be a non-empty list of expectations"},
    {"all: {rcode: NOERROR}", 1, 6, "all must be a non-empty list"},
    {"any: [{implicit: false}]", 1, 8, "implicit: belongs at the top"},
    {"any: [{rcode: NOSUCH}]", 1, 15, "unknown rcode"},
    {"not: [rcode]", 1, 6, "expectation must be a mapping"},
    {"implicit: {ids: false}", 1, 12, "unknown key 'ids' in implicit"},
    {"implicit: sometimes", 1, 11, "expected true or false"},
    {"- rcode: NOERROR", 1, 1, "expect must be a mapping"},
    {"tsig: {}", 1, 7, "tsig: an empty mapping checks nothing"},
    {"tsig: {present: false, signed: true}", 1, 8,
     "present: false contradicts"},
    {"tsig: {error: NOSUCH}", 1, 15, "unknown a TSIG error 'NOSUCH'"},
    {"tsig: {mac: 1}", 1, 8, "unknown key 'mac' in tsig"},
    {"stream: {}", 1, 9, "stream: an empty mapping checks nothing"},
    {"stream: {first_record: 'example. A'}", 1, 25, "needs 5 fields"},
    {"stream: {each_message: {rcode: NOSUCH}}", 1, 32, "unknown rcode"},
    {"hold: {}", 1, 7, "hold: an empty mapping checks nothing"},
    {"hold: {opn: true}", 1, 8, "unknown key 'opn' in hold"},
    {"hold: {open: true, closed: true}", 1, 8, "give open: or closed:"},
    {"hold: {closed: soon}", 1, 16, "expected true or false"},
    {"hold: {closed: {}}", 1, 16, "needs within:, after: or both"},
    {"hold: {closed: {within: 1s, after: 2s}}", 1, 16,
     "after: 2000 ms is past within: 1000 ms"},
    {"hold: {closed: {within: soon}}", 1, 25, "expected a duration"},
    {"hold: {closed: {within: 700s}}", 1, 25, "at most 600s"},
    {"hold: {closed: {until: 1s}}", 1, 17, "unknown key 'until'"},
    {"hold: {keepalive: false}", 1, 19, "keepalive: false checks nothing"},
    {"hold: {reuse: true, closed: true}", 1, 8,
     "reuse: true needs the connection open"},
    {"hold: {open: true}\nno_response: true", 2, 1,
     "no_response: true cannot be combined"},
    {"implicit: {unsolicited: maybe}", 1, 25, "expected true or false"},
};

static void test_compile_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const bad_t *b = &bad_cases[i];
		dns_arena_reset(&pool);
		diag_t d;
		memset(&d, 0, sizeof(d));
		node_t *root =
		    node_parse(b->yaml, strlen(b->yaml), "t.yaml", &pool, &d);
		assert_non_null(root);
		sc_expect_t *e = (sc_expect_t *)&d; /* must become NULL */
		bool ok = sc_expect_compile(root, &pool, &e, &d);
		if (ok || e != NULL || d.n == 0 || d.e[0].line != b->line ||
		    d.e[0].col != b->col || strstr(d.e[0].msg, b->msg) == NULL)
			fail_msg("'%s': got %s %u:%u '%s', want %u:%u '%s'",
				 b->yaml, ok ? "ok" : "error",
				 d.n ? d.e[0].line : 0, d.n ? d.e[0].col : 0,
				 d.n ? d.e[0].msg : "", b->line, b->col,
				 b->msg);
	}
}

/* Every mistake of a mapping is reported, not only the first. */
static void test_compile_all_errors(void **state)
{
	(void)state;
	static const char yaml[] = "rcode: NOSUCH\n"
				   "opcode: FOO\n"
				   "answer: {contains: ['x. 1 IN A 1']}\n"
				   "bogus: 1\n";
	dns_arena_reset(&pool);
	diag_t d;
	memset(&d, 0, sizeof(d));
	node_t *root = node_parse(yaml, strlen(yaml), "t.yaml", &pool, &d);
	sc_expect_t *e;
	assert_false(sc_expect_compile(root, &pool, &e, &d));
	assert_null(e);
	assert_int_equal(d.n, 4);
	assert_int_equal(d.e[0].line, 4); /* the unknown key comes first */
	assert_int_equal(d.e[1].line, 1);
	assert_int_equal(d.e[2].line, 2);
	assert_int_equal(d.e[3].line, 3);
}

static void test_misc(void **state)
{
	(void)state;
	dns_arena_reset(&pool);
	assert_string_equal(sc_verdict_name(SC_PASS), "pass");
	assert_string_equal(sc_verdict_name(SC_FAIL), "fail");
	assert_string_equal(sc_verdict_name(SC_ERROR), "error");
	assert_string_equal(sc_verdict_name(SC_SKIP), "skip");
	assert_false(sc_expect_wants_alive(compile("rcode: NOERROR")));
	assert_true(sc_expect_wants_alive(compile("alive: true")));
	assert_false(sc_expect_wants_alive(compile("alive: false")));
	assert_true(sc_expect_wants_alive(
	    compile("any: [{rcode: NOERROR}, {not: {alive: true}}]")));
	/* no expect: at all: only the implicit checks */
	diag_t d;
	memset(&d, 0, sizeof(d));
	sc_expect_t *e = NULL;
	assert_true(sc_expect_compile(NULL, &pool, &e, &d));
	assert_non_null(e);
	assert_false(sc_expect_wants_alive(e));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_header),
	    cmocka_unit_test(test_question),
	    cmocka_unit_test(test_sections),
	    cmocka_unit_test(test_opt),
	    cmocka_unit_test(test_outcome),
	    cmocka_unit_test(test_combinators),
	    cmocka_unit_test(test_violations),
	    cmocka_unit_test(test_ignored),
	    cmocka_unit_test(test_implicit),
	    cmocka_unit_test(test_stream),
	    cmocka_unit_test(test_stream_order),
	    cmocka_unit_test(test_tsig),
	    cmocka_unit_test(test_hostile),
	    cmocka_unit_test(test_nomem),
	    cmocka_unit_test(test_hold),
	    cmocka_unit_test(test_compile_errors),
	    cmocka_unit_test(test_compile_all_errors),
	    cmocka_unit_test(test_misc),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
