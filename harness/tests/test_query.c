/* test_query.c - the query builder: YAML query nodes to exact bytes, the
 * facts read back from them, and located errors for bad queries. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns/arena.h"
#include "dns/base.h"
#include "dns/name.h"
#include "dns/tsig.h"
#include "dns/wire.h"
#include "scenario/node.h"
#include "scenario/query.h"

/* Pieces of expected messages (hex; spaces are ignored). */
#define HDR1(qd, an, ns, ar) "0001 0000 " qd an ns ar
#define Q_ROOT_A	     "00 0001 0001"		      /* . A IN */
#define Q_EX_A		     "07 6578616d706c65 00 0001 0001" /* example. A IN */
/* labels of 63 and 61 bytes "a": four make a name of 255 bytes */
#define Q_LABEL63                                                              \
	"61616161616161616161616161616161616161616161616161616161616161616161" \
	"6161616161616161616161616161616161616161616161616161616161"
#define Q_LABEL61                                                              \
	"61616161616161616161616161616161616161616161616161616161616161616161" \
	"616161616161616161616161616161616161616161616161616161"
#define EX	"07 6578616d706c65 00"	/* example. */
#define OPT_HDR "00 0029 04d0 00000000" /* root OPT 1232 */
#define BASE	HDR1("0001", "0000", "0000", "0000") Q_ROOT_A /* 17 bytes */

static const char *to_hex(const uint8_t *p, size_t n, char *buf, size_t cap)
{
	size_t k = 0;
	for (size_t i = 0; i < n && k + 3 <= cap; i++)
		k += (size_t)snprintf(buf + k, cap - k, "%02x", p[i]);
	buf[k] = '\0';
	return buf;
}

static void squeeze(const char *hex, char *out, size_t cap)
{
	size_t k = 0;
	for (; *hex && k + 1 < cap; hex++)
		if (*hex != ' ')
			out[k++] = *hex;
	out[k] = '\0';
}

typedef struct fixture {
	dns_arena_t arena;
	diag_t d;
	sc_query_t q;
} fixture_t;

static int setup(void **state)
{
	fixture_t *f = calloc(1, sizeof(*f));
	dns_arena_init(&f->arena, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture_t *f = *state;
	dns_arena_free(&f->arena);
	free(f);
	return 0;
}

/* Parse yaml and build its query; true on success. */
static bool build(fixture_t *f, const char *yaml)
{
	memset(&f->d, 0, sizeof(f->d));
	dns_arena_reset(&f->arena);
	node_t *root =
	    node_parse(yaml, strlen(yaml), "t.yaml", &f->arena, &f->d);
	if (root == NULL)
		return false;
	return sc_query_build(root, &f->arena, &f->q, &f->d);
}

static void build_ok(fixture_t *f, const char *yaml)
{
	bool ok = build(f, yaml);
	if (!ok)
		for (unsigned i = 0; i < f->d.n; i++)
			print_error("%s: %u:%u: %s\n", yaml, f->d.e[i].line,
				    f->d.e[i].col, f->d.e[i].msg);
	assert_true(ok);
}

static void expect_hex(fixture_t *f, const char *yaml, const char *hex)
{
	char want[8192], got[8192];
	build_ok(f, yaml);
	squeeze(hex, want, sizeof(want));
	to_hex(f->q.wire, f->q.len, got, sizeof(got));
	if (strcmp(want, got) != 0)
		print_error("%s\n want %s\n got  %s\n", yaml, want, got);
	assert_string_equal(got, want);
}

/* ---- exact bytes ------------------------------------------------------ */

typedef struct good_case {
	const char *yaml;
	const char *hex;
} good_case_t;

static const good_case_t good_cases[] = {
    /* plain query and defaults */
    {"{id: 0x1234, name: example., type: A}",
     "1234 0000 0001 0000 0000 0000" Q_EX_A},
    {"{id: 1}", BASE},
    {"{id: 1, name: example}", HDR1("0001", "0000", "0000", "0000") Q_EX_A},
    {"{id: 65535, name: ., type: AAAA, class: CH}",
     "ffff 0000 0001 0000 0000 0000 00 001c 0003"},
    {"{id: 1, type: 65000, class: CLASS4000}",
     HDR1("0001", "0000", "0000", "0000") "00 fde8 0fa0"},
    {"{id: 1, type: TYPE99}",
     HDR1("0001", "0000", "0000", "0000") "00 0063 0001"},
    /* header */
    {"{id: 1, flags: {qr: true, aa: yes, tc: 1, rd: on, ra: 1, z: 1, "
     "ad: 1, cd: 1}}",
     "0001 87f0 0001 0000 0000 0000" Q_ROOT_A},
    {"{id: 1, flags: {rd: 0, cd: false}}", BASE},
    {"{id: 1, opcode: NOTIFY}", "0001 2000 0001 0000 0000 0000" Q_ROOT_A},
    {"{id: 1, opcode: update}", "0001 2800 0001 0000 0000 0000" Q_ROOT_A},
    {"{id: 1, opcode: 15}", "0001 7800 0001 0000 0000 0000" Q_ROOT_A},
    {"{id: 1, opcode: OPCODE3}", "0001 1800 0001 0000 0000 0000" Q_ROOT_A},
    {"{id: 1, rcode: REFUSED}", "0001 0005 0001 0000 0000 0000" Q_ROOT_A},
    {"{id: 1, rcode: 15}", "0001 000f 0001 0000 0000 0000" Q_ROOT_A},
    {"{id: 1, opcode: 2, rcode: NXDOMAIN, flags: {qr: 1}}",
     "0001 9003 0001 0000 0000 0000" Q_ROOT_A},
    /* questions */
    {"{id: 1, no_question: true}", HDR1("0000", "0000", "0000", "0000")},
    {"{id: 1, no_question: false, name: example.}",
     HDR1("0001", "0000", "0000", "0000") Q_EX_A},
    {"{id: 1, question: []}", HDR1("0000", "0000", "0000", "0000")},
    {"{id: 1, question: [{name: a., type: A}, {name: b., type: AAAA, "
     "class: CH}]}",
     HDR1("0002", "0000", "0000", "0000") "01 61 00 0001 0001"
					  "01 62 00 001c 0003"},
    {"{id: 1, question: [{name: example.}, {name: www.example.}]}",
     HDR1("0002", "0000", "0000", "0000") Q_EX_A "03 777777 c00c 0001 "
						 "0001"},
    /* sections, standard compression */
    {"{id: 1, name: example., answer: [\"example. 300 IN A 192.0.2.1\", "
     "\"www.example. 300 IN CNAME example.\"]}",
     HDR1("0001", "0002", "0000", "0000") Q_EX_A
     "c00c 0001 0001 0000012c 0004 c0000201"
     "03 777777 c00c 0005 0001 0000012c 0002 c00c"},
    {"{id: 1, name: example., authority: [\"example. 3600 NS "
     "ns.example.\"], additional: [\"ns.example. IN 3600 A "
     "192.0.2.53\"]}",
     HDR1("0001", "0000", "0001", "0001") Q_EX_A
     "c00c 0002 0001 00000e10 0005 02 6e73 c00c"
     "c025 0001 0001 00000e10 0004 c0000235"},
    /* compression none: every name in full */
    {"{id: 1, name: example., compression: none, answer: [\"example. 300 "
     "IN A 192.0.2.1\", \"www.example. 300 IN CNAME example.\"]}",
     HDR1("0001", "0002", "0000", "0000") Q_EX_A EX
     "0001 0001 0000012c 0004 c0000201"
     "03 777777" EX "0005 0001 0000012c 0009" EX},
    /* SRV: standard leaves its RDATA name alone, force compresses it */
    {"{id: 1, name: example., answer: [\"_s._tcp.example. 60 SRV 0 0 53 "
     "example.\"]}",
     HDR1("0001", "0001", "0000", "0000") Q_EX_A
     "02 5f73 04 5f746370 c00c 0021 0001 0000003c 000f 0000 0000 0035" EX},
    {"{id: 1, name: example., compression: force, answer: [\"_s._tcp."
     "example. 60 SRV 0 0 53 example.\"]}",
     HDR1("0001", "0001", "0000", "0000") Q_EX_A
     "02 5f73 04 5f746370 c00c 0021 0001 0000003c 0008 0000 0000 0035 "
     "c00c"},
    {"{id: 1, name: example., compression: none, answer: [\"_s._tcp."
     "example. 60 SRV 0 0 53 example.\"]}",
     HDR1("0001", "0001", "0000", "0000") Q_EX_A
     "02 5f73 04 5f746370" EX "0021 0001 0000003c 000f 0000 0000 0035" EX},
    /* record forms: TTL units, class first, no TTL, generic RDATA,
     * empty RDATA with class ANY/NONE (RFC 2136) */
    {"{id: 1, no_question: true, answer: [\"a. 1h A 192.0.2.1\", \"a. CH "
     "TYPE65000 \\\\# 2 0102\", \"a. ANY A\", \"a. 0 NONE TXT\"]}",
     HDR1("0000", "0004", "0000",
	  "0000") "0161 00 0001 0001 00000e10 0004 c0000201"
		  "c00c fde8 0003 00000000 0002 0102"
		  "c00c 0001 00ff 00000000 0000"
		  "c00c 0010 00fe 00000000 0000"},
    /* EDNS */
    {"{id: 1, name: ., edns: true}",
     HDR1("0001", "0000", "0000", "0001") Q_ROOT_A OPT_HDR "0000"},
    {"{id: 1, edns: false}", BASE},
    {"{id: 1, edns: {version: 1, do: true, flags: 1, payload: 4096, "
     "ext_rcode: 2}}",
     HDR1("0001", "0000", "0000", "0001") Q_ROOT_A
     "00 0029 1000 02018001 0000"},
    {"{id: 1, edns: {udp_size: 512, flags: 0x8000, do: false}}",
     HDR1("0001", "0000", "0000", "0001") Q_ROOT_A
     "00 0029 0200 00000000 0000"},
    {"{id: 1, edns: {flags: 0xffff}}",
     HDR1("0001", "0000", "0000", "0001") Q_ROOT_A
     "00 0029 04d0 0000ffff 0000"},
    /* OPT after the records of the additional section */
    {"{id: 1, additional: [\"a. 0 A 192.0.2.1\"], edns: {}}",
     HDR1("0001", "0000", "0000", "0002") Q_ROOT_A
     "0161 00 0001 0001 00000000 0004 c0000201" OPT_HDR "0000"},
    /* malformed EDNS placements */
    {"{id: 1, edns: {count: 2}}", HDR1("0001", "0000", "0000", "0002")
				      Q_ROOT_A OPT_HDR "0000" OPT_HDR "0000"},
    {"{id: 1, edns: {owner: example.}}",
     HDR1("0001", "0000", "0000", "0001") Q_ROOT_A EX
     "0029 04d0 00000000 0000"},
    {"{id: 1, edns: {section: answer}}",
     HDR1("0001", "0001", "0000", "0000") Q_ROOT_A OPT_HDR "0000"},
    {"{id: 1, edns: {section: authority, count: 2}}",
     HDR1("0001", "0000", "0002", "0000") Q_ROOT_A OPT_HDR "0000" OPT_HDR
							   "0000"},
    /* option builders */
    {"{id: 1, edns: {options: [{nsid: ''}]}}",
     HDR1("0001", "0000", "0000", "0001") Q_ROOT_A OPT_HDR "0004 0003 0000"},
    {"{id: 1, edns: {options: [{nsid: ns1}]}}",
     HDR1("0001", "0000", "0000", "0001") Q_ROOT_A OPT_HDR
     "0007 0003 0003 6e7331"},
    {"{id: 1, edns: {options: [{ecs: {address: 192.0.2.129, source: "
     "25}}]}}",
     HDR1("0001", "0000", "0000", "0001") Q_ROOT_A OPT_HDR
     "000c 0008 0008 0001 19 00 c0000280"},
    {"{id: 1, edns: {options: [{ecs: {address: '2001:db8::', source: 56, "
     "scope: 0, family: 2}}]}}",
     HDR1("0001", "0000", "0000", "0001") Q_ROOT_A OPT_HDR
     "000f 0008 000b 0002 38 00 20010db8000000"},
    {"{id: 1, edns: {options: [{ecs: {address: 192.0.2.1, source: 24, "
     "scope: 24, family: 2, raw: true}}]}}",
     HDR1("0001", "0000", "0000", "0001") Q_ROOT_A OPT_HDR
     "000b 0008 0007 0002 18 18 c00002"},
    {"{id: 1, edns: {options: [{ecs: {address: 192.0.2.1, source: 24, "
     "raw: true, addrlen: 4}}]}}",
     HDR1("0001", "0000", "0000", "0001") Q_ROOT_A OPT_HDR
     "000c 0008 0008 0001 18 00 c0000201"},
    {"{id: 1, edns: {options: [{expire: }, {expire: 3600}]}}",
     HDR1("0001", "0000", "0000", "0001") Q_ROOT_A OPT_HDR
     "000c 0009 0000 0009 0004 00000e10"},
    {"{id: 1, edns: {options: [{cookie: {client: 0102030405060708}}]}}",
     HDR1("0001", "0000", "0000", "0001") Q_ROOT_A OPT_HDR
     "000c 000a 0008 0102030405060708"},
    {"{id: 1, edns: {options: [{cookie: {client: '01020304 05060708', "
     "server: 1112131415161718}}]}}",
     HDR1("0001", "0000", "0000", "0001") Q_ROOT_A OPT_HDR
     "0014 000a 0010 0102030405060708 1112131415161718"},
    {"{id: 1, edns: {options: [{keepalive: ~}, {keepalive: 100}]}}",
     HDR1("0001", "0000", "0000", "0001") Q_ROOT_A OPT_HDR
     "000a 000b 0000 000b 0002 0064"},
    {"{id: 1, edns: {options: [{padding: 4}]}}",
     HDR1("0001", "0000", "0000", "0001") Q_ROOT_A OPT_HDR
     "0008 000c 0004 00000000"},
    {"{id: 1, edns: {options: [{chain: example.}]}}",
     HDR1("0001", "0000", "0000", "0001") Q_ROOT_A OPT_HDR "000d 000d 0009" EX},
    {"{id: 1, edns: {options: [{key_tag: [1, 0x1234]}]}}",
     HDR1("0001", "0000", "0000", "0001") Q_ROOT_A OPT_HDR
     "0008 000e 0004 0001 1234"},
    {"{id: 1, edns: {options: [{ede: {code: 18, text: hi}}]}}",
     HDR1("0001", "0000", "0000", "0001") Q_ROOT_A OPT_HDR
     "0008 000f 0004 0012 6869"},
    {"{id: 1, edns: {options: [{code: 65001, hex: 01ff}, {code: NSID}, "
     "{code: OPT65002, hex: ''}, {code: cookie, hex: '00'}]}}",
     HDR1("0001", "0000", "0000", "0001") Q_ROOT_A OPT_HDR
     "0013 fde9 0002 01ff 0003 0000 fdea 0000 000a 0001 00"},
    /* raw hex, with white space */
    {"{hex: '0001 0000 0000 0000 0000 0000'}",
     HDR1("0000", "0000", "0000", "0000")},
    {"{hex: \"\"}", ""},
    {"{hex: 'DEAD beef'}", "deadbeef"},
    /* wire edits on BASE (17 bytes) */
    {"{id: 1, wire: [{at: 12, set: c00c}]}",
     HDR1("0001", "0000", "0000", "0000") "c00c 01 0001"},
    {"{id: 1, wire: [{at: 17, set: ff}]}", BASE "ff"},
    {"{id: 1, wire: [{at: 16, set: aabb}]}",
     HDR1("0001", "0000", "0000", "0000") "00 0001 00 aabb"},
    {"{id: 1, wire: [{truncate: 12}]}", HDR1("0001", "0000", "0000", "0000")},
    {"{id: 1, wire: [{truncate: 17}]}", BASE},
    {"{id: 1, wire: [{append: dead}]}", BASE "dead"},
    {"{id: 1, wire: [{insert: aa, at: 0}]}", "aa" BASE},
    {"{id: 1, wire: [{insert: bbcc, at: 17}]}", BASE "bbcc"},
    {"{id: 1, wire: [{delete: 2, at: 12}]}",
     HDR1("0001", "0000", "0000", "0000") "01 0001"},
    {"{id: 1, wire: [{append: '00'}, {truncate: 13}, {at: 0, set: "
     "ffff}]}",
     "ffff 0000 0001 0000 0000 0000 00"},
    {"{hex: 'c0ffee', wire: [{delete: 1, at: 0}, {append: '00'}]}", "ffee00"},
    /* header count overrides */
    {"{id: 1, counts: {qd: 0, an: 5, ns: 0xffff, ar: 1}}",
     "0001 0000 0000 0005 ffff 0001" Q_ROOT_A},
    {"{id: 1, counts: {ar: 3}, edns: true}",
     HDR1("0001", "0000", "0000", "0003") Q_ROOT_A OPT_HDR "0000"},
};

static void test_good_cases(void **state)
{
	fixture_t *f = *state;
	for (size_t i = 0; i < sizeof(good_cases) / sizeof(good_cases[0]); i++)
		expect_hex(f, good_cases[i].yaml, good_cases[i].hex);
}

/* Each header flag alone sets exactly its bit. */
static void test_each_flag(void **state)
{
	static const struct {
		const char *name;
		uint16_t bit;
	} flags[] = {{"qr", 0x8000}, {"aa", 0x0400}, {"tc", 0x0200},
		     {"rd", 0x0100}, {"ra", 0x0080}, {"z", 0x0040},
		     {"ad", 0x0020}, {"cd", 0x0010}};
	fixture_t *f = *state;
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		char yaml[64];
		snprintf(yaml, sizeof(yaml), "{id: 1, flags: {%s: 1}}",
			 flags[i].name);
		build_ok(f, yaml);
		assert_int_equal(f->q.len, 17);
		assert_int_equal(f->q.wire[2] << 8 | f->q.wire[3],
				 flags[i].bit);
	}
}

static void test_random_id(void **state)
{
	fixture_t *f = *state;
	build_ok(f, "{name: example.}");
	assert_true(f->q.random_id);
	assert_int_equal(f->q.wire[0], 0);
	assert_int_equal(f->q.wire[1], 0);
	build_ok(f, "{id: random}");
	assert_true(f->q.random_id);
	build_ok(f, "{id: 0}");
	assert_false(f->q.random_id);
	build_ok(f, "{hex: '0000'}");
	assert_false(f->q.random_id);
}

/* What the query asks is read back from the bytes really sent. */
/* Is the question's name of q n (case-insensitively)? */
static bool qname_is(const sc_query_t *q, const dns_name_t *n)
{
	dns_name_t got;
	sc_query_qname(q, &got);
	return dns_name_equal(&got, n);
}

static void test_facts(void **state)
{
	fixture_t *f = *state;
	dns_name_t ex;
	assert_int_equal(dns_name_from_str("example.", NULL, &ex), DNS_OK);

	build_ok(f, "{name: Example., type: MX, class: CH, opcode: NOTIFY}");
	assert_true(f->q.has_question);
	assert_true(qname_is(&f->q, &ex));
	assert_int_equal(f->q.qtype, 15);
	assert_int_equal(f->q.qclass, 3);
	assert_int_equal(f->q.opcode, 4);
	assert_false(f->q.has_opt);
	assert_false(f->q.has_cookie);

	build_ok(f, "{name: example., wire: [{truncate: 12}]}");
	assert_false(f->q.has_question);

	build_ok(f, "{no_question: true}");
	assert_false(f->q.has_question);

	/* a raw query that still parses */
	build_ok(f, "{hex: '0001 2800 0001 0000 0000 0000" Q_EX_A "'}");
	assert_true(f->q.has_question);
	assert_true(qname_is(&f->q, &ex));
	assert_int_equal(f->q.opcode, 5);

	/* a pointer loop in the question: no question to echo */
	build_ok(f, "{name: ., wire: [{at: 12, set: c00c}]}");
	assert_false(f->q.has_question);

	build_ok(f, "{edns: true}");
	assert_true(f->q.has_opt);
	assert_ptr_equal(f->q.qname, f->q.wire + 12); /* not a copy */
	build_ok(f, "{edns: {section: answer}}");
	assert_true(f->q.has_opt);
	build_ok(f, "{edns: true, counts: {ar: 0}}");
	assert_false(f->q.has_opt);
}

/* The question's name is the query's own bytes at offset 12 when it is
 * written there uncompressed, a copy of its own otherwise; either way the
 * whole name, with the case it was sent in. */
static void test_qname_where(void **state)
{
	fixture_t *f = *state;
	dns_name_t n, root;
	dns_name_root(&root);

	build_ok(f, "{name: ExAmple., type: MX}"); /* build_simple */
	assert_ptr_equal(f->q.qname, f->q.wire + 12);
	assert_int_equal(f->q.qname_len, 9);
	assert_memory_equal(f->q.qname, "\7ExAmple\0", 9);

	build_ok(f, "{name: ExAmple., type: MX, edns: true}"); /* encoder */
	assert_ptr_equal(f->q.qname, f->q.wire + 12);
	sc_query_qname(&f->q, &n);
	assert_int_equal(n.len, 9);
	assert_memory_equal(n.wire, "\7ExAmple\0", 9);

	/* a name of 255 bytes: qname_len holds it */
	build_ok(f, "{hex: '0000 0000 0001 0000 0000 0000"
		    " 3f" Q_LABEL63 " 3f" Q_LABEL63 " 3f" Q_LABEL63
		    " 3d" Q_LABEL61 " 00 0001 0001'}");
	assert_true(f->q.has_question);
	assert_int_equal(f->q.qname_len, 255);
	assert_ptr_equal(f->q.qname, f->q.wire + 12);

	/* the question a pointer back into the header (to ARCOUNT's low
	 * byte, a root name): the name is not at offset 12, so a copy */
	build_ok(f, "{hex: '0000 0000 0001 0000 0000 0000 c00b 0001 0001'}");
	assert_true(f->q.has_question);
	assert_true(f->q.qname < f->q.wire || f->q.qname >= f->q.wire + 16);
	assert_true(qname_is(&f->q, &root));
	assert_int_equal(f->q.qname_len, 1);

	/* no question: the root stands in */
	build_ok(f, "{no_question: true}");
	assert_false(f->q.has_question);
	sc_query_qname(&f->q, &n);
	assert_true(dns_name_equal(&n, &root));
}

/* ---- the direct builder of simple queries ------------------------------ */

/* A query of header keys and one question only is built without the
 * encoder (query.c, build_simple); compression: (here its default) sends
 * the same query through the encoder and read_back. Both ways must give
 * the same bytes and the same facts. */
static const char *const simple_queries[] = {
    "{}",
    "{name: example., type: A}",
    "{id: 0x1234, name: Example.COM, type: AAAA, class: CH}",
    "{id: random, name: 'a\\.b.example.', type: TXT}",
    "{name: \"\\\\000\\\\255\\\\.x.\", type: TYPE65000, class: CLASS4000}",
    "{name: a.a.a.a., type: 255}",
    "{name: ., type: ANY, class: ANY}",
    "{name: '*.example.', type: MX, class: NONE}",
    "{name: example, type: SOA}",
    "{flags: {qr: true, aa: 1, tc: 1, rd: yes, ra: 1, z: 1, ad: 1, "
    "cd: 1}, opcode: UPDATE, rcode: NOTAUTH}",
    "{id: 65535, opcode: 15, rcode: 15, name: x.}",
    "{opcode: NOTIFY, name: example., type: SOA, flags: {aa: true}}",
    "{opcode: STATUS, flags: {}, type: 0, class: 0}",
    "{id: 7, type: 65535, class: 65535}",
};

/* The query as built: its facts, the wire copied out of the arena. */
typedef struct built {
	sc_query_t q;
	uint8_t wire[600];
	dns_name_t qname; /* q.qname points into the fixture's arena */
} built_t;

static void build_into(fixture_t *f, const char *yaml, built_t *out)
{
	build_ok(f, yaml);
	assert_true(f->q.len <= sizeof(out->wire));
	out->q = f->q;
	memcpy(out->wire, f->q.wire, f->q.len);
	sc_query_qname(&f->q, &out->qname);
}

static void same_query(const built_t *a, const built_t *b)
{
	assert_int_equal(a->q.len, b->q.len);
	assert_memory_equal(a->wire, b->wire, a->q.len);
	assert_int_equal(a->q.random_id, b->q.random_id);
	assert_int_equal(a->q.has_question, b->q.has_question);
	assert_int_equal(a->q.qname_len, b->q.qname_len);
	assert_int_equal(a->qname.len, b->qname.len);
	assert_memory_equal(a->qname.wire, b->qname.wire, a->qname.len);
	assert_int_equal(a->q.qtype, b->q.qtype);
	assert_int_equal(a->q.qclass, b->q.qclass);
	assert_int_equal(a->q.opcode, b->q.opcode);
	assert_int_equal(a->q.has_opt, b->q.has_opt);
	assert_int_equal(a->q.has_cookie, b->q.has_cookie);
	assert_int_equal(a->q.cookie_primed, b->q.cookie_primed);
	assert_null(a->q.tsig_key);
	assert_null(b->q.tsig_key);
	assert_int_equal(a->q.tcp_split_prefix, b->q.tcp_split_prefix);
	assert_int_equal(a->q.tcp_idle_ms, b->q.tcp_idle_ms);
	assert_int_equal(a->q.tcp_partial, b->q.tcp_partial);
	assert_int_equal(a->q.tcp_hold_ms, b->q.tcp_hold_ms);
	assert_int_equal(a->q.tcp_reuse, b->q.tcp_reuse);
}

static void test_simple_both_ways(void **state)
{
	fixture_t *f = *state;
	char name[256], yaml[512];
	/* a name of 255 bytes: labels of 63, 63, 63 and 61 */
	memset(name, 'a', sizeof(name));
	name[63] = name[127] = name[191] = name[253] = '.';
	name[254] = '\0';
	for (size_t i = 0; i <= sizeof(simple_queries) / sizeof(char *); i++) {
		const char *q = i < sizeof(simple_queries) / sizeof(char *)
				    ? simple_queries[i]
				    : NULL;
		char direct[300];
		built_t a, b;
		if (q == NULL) {
			snprintf(direct, sizeof(direct), "{name: %s}", name);
			q = direct;
		}
		build_into(f, q, &a);
		snprintf(yaml, sizeof(yaml), "{compression: standard%s%s",
			 strcmp(q, "{}") == 0 ? "" : ", ", q + 1);
		build_into(f, yaml, &b);
		same_query(&a, &b);
	}
}

static void test_cookie(void **state)
{
	static const uint8_t client[8] = {1, 2, 3, 4, 5, 6, 7, 8};
	fixture_t *f = *state;
	build_ok(f, "{edns: {options: [{cookie: {client: "
		    "'0102030405060708'}}]}}");
	assert_true(f->q.has_cookie);
	assert_memory_equal(f->q.cookie, client, 8);

	build_ok(f, "{edns: {options: [{cookie: random}]}}");
	assert_true(f->q.has_cookie);
	assert_int_equal(f->q.len, 17 + 11 + 12);
	/* the cookie sent is the one recorded */
	assert_int_equal(f->q.wire[17 + 11 + 1], 10);
	assert_int_equal(f->q.wire[17 + 11 + 3], 8);
	assert_memory_equal(f->q.cookie, f->q.wire + 17 + 15, 8);

	build_ok(f, "{edns: {options: [{cookie: {client: random, server: "
		    "'0011223344556677'}}]}}");
	assert_true(f->q.has_cookie);
	assert_int_equal(f->q.len, 17 + 11 + 20);
	assert_memory_equal(f->q.cookie, f->q.wire + 17 + 15, 8);
}

static void test_tcp_split(void **state)
{
	fixture_t *f = *state;
	build_ok(f, "{tcp: {split_prefix: true}}");
	assert_true(f->q.tcp_split_prefix);
	build_ok(f, "{hex: '00', tcp: {split_prefix: false}}");
	assert_false(f->q.tcp_split_prefix);
	build_ok(f, "{}");
	assert_false(f->q.tcp_split_prefix);
	assert_int_equal(f->q.tcp_idle_ms, 0);
	assert_false(f->q.tcp_partial);
}

/* tcp: {hold:, reuse:} */
static void test_tcp_hold(void **state)
{
	fixture_t *f = *state;
	build_ok(f, "{tcp: {hold: 3s}}");
	assert_int_equal(f->q.tcp_hold_ms, 3000);
	assert_false(f->q.tcp_reuse);
	build_ok(f, "{tcp: {hold: 10ms, reuse: true, idle: 20ms}}");
	assert_int_equal(f->q.tcp_hold_ms, 10);
	assert_true(f->q.tcp_reuse);
	assert_int_equal(f->q.tcp_idle_ms, 20);
	build_ok(f, "{tcp: {split_prefix: true}}");
	assert_int_equal(f->q.tcp_hold_ms, 0);
	assert_false(f->q.tcp_reuse);
}

static void test_tcp_idle_partial(void **state)
{
	fixture_t *f = *state;
	build_ok(f, "{tcp: {idle: 1.5s}}");
	assert_int_equal(f->q.tcp_idle_ms, 1500);
	assert_false(f->q.tcp_partial);
	build_ok(f, "{tcp: {partial: 0, idle: 20ms}}");
	assert_true(f->q.tcp_partial);
	assert_int_equal(f->q.tcp_partial_len, 0);
	assert_int_equal(f->q.tcp_idle_ms, 20);
	build_ok(f, "{tcp: {partial: 12}}");
	assert_true(f->q.tcp_partial);
	assert_int_equal(f->q.tcp_partial_len, 12);
}

/* Block-style YAML: the error points inside the record string. */
static void test_block_location(void **state)
{
	fixture_t *f = *state;
	assert_false(build(f, "name: example.\n"
			      "answer:\n"
			      "  - example. 300 IN A 192.0.2.x\n"));
	assert_int_equal(f->d.n, 1);
	assert_int_equal(f->d.e[0].line, 3);
	assert_int_equal(f->d.e[0].col, 5 + 18);
	assert_non_null(strstr(f->d.e[0].msg, "bad A RDATA"));
}

/* A message of exactly 65535 bytes builds; one more byte does not. */
static void test_size_limit(void **state)
{
	fixture_t *f = *state;
	/* BASE 17 + OPT 11 + padding TLV 4 + n = 65535 */
	build_ok(f, "{id: 1, edns: {options: [{padding: 65503}]}}");
	assert_int_equal(f->q.len, 65535);
	assert_false(build(f, "{id: 1, edns: {options: [{padding: 65504}]}}"));
	assert_non_null(strstr(f->d.e[0].msg, "longer than 65535"));
	assert_false(build(f, "{id: 1, edns: {options: [{padding: 65503}]}, "
			      "wire: [{append: '00'}]}"));
	assert_non_null(strstr(f->d.e[0].msg, "longer than 65535"));
}

/* ---- located errors --------------------------------------------------- */

typedef struct bad_case {
	const char *yaml;
	unsigned line, col;
	const char *msg;
} bad_case_t;

static const bad_case_t bad_cases[] = {
    {"{nmae: example.}", 1, 2, "unknown key 'nmae' in query"},
    {"{type: AX}", 1, 8, "unknown type 'AX'"},
    {"{class: XX}", 1, 9, "unknown class 'XX'"},
    {"{name: 'a..b.'}", 1, 11, "bad name"},
    {"{answer: [\"example. 300 IN A 192.0.2.300\"]}", 1, 30, "bad A RDATA"},
    {"{answer: [\"example. 300 IN AX 1.2.3.4\"]}", 1, 28, "unknown type 'AX'"},
    {"{answer: [\"www..example. A 192.0.2.1\"]}", 1, 16, "bad owner name"},
    {"{answer: [\"example. 300 IN\"]}", 1, 27, "missing type"},
    {"{answer: [\"example. 300 IN A\"]}", 1, 29, "bad A RDATA"},
    {"{answer: [\"a. 99999999999 A 192.0.2.1\"]}", 1, 15, "bad TTL"},
    {"{answer: [{a: 1}]}", 1, 11, "a record is a string"},
    {"{answer: \"a. A 192.0.2.1\"}", 1, 10, "must be a sequence"},
    {"{id: 70000}", 1, 6, "from 0 to 65535"},
    {"{id: randomly}", 1, 6, "id: expected a number"},
    {"{hex: \"abc\"}", 1, 7, "odd number of hex digits"},
    {"{hex: \"00zz\"}", 1, 10, "'z' is not a hex digit"},
    {"{hex: \"00\", name: example.}", 1, 13,
     "'name' cannot be combined with hex"},
    {"{hex: \"00\", edns: true}", 1, 13, "'edns' cannot be combined"},
    {"{flags: {xx: 1}}", 1, 10, "unknown key 'xx' in flags"},
    {"{flags: {rd: maybe}}", 1, 14, "expected true or false"},
    {"{opcode: BOGUS}", 1, 10, "opcode: expected"},
    {"{opcode: 16}", 1, 10, "from 0 to 15"},
    {"{rcode: BADVERS}", 1, 9, "does not fit the header's 4 bits"},
    {"{no_question: true, name: example.}", 1, 21, "cannot be combined"},
    {"{question: [{name: a.}], type: A}", 1, 26, "not both"},
    {"{question: [{name: a., ttl: 1}]}", 1, 24, "unknown key 'ttl'"},
    {"{tsig: {}}", 1, 8, "tsig: needs key: NAME:ALGORITHM:SECRET"},
    {"{tsig: {key: 'k:hmac-sha3:AAAA'}}", 1, 14,
     "unknown TSIG algorithm 'hmac-sha3'"},
    {"{tsig: {key: 'k:hmac-sha256:A'}}", 1, 14, "secret: bad base64"},
    {"{tsig: {key: 'k:hmac-sha256:AAAA', name: k.}}", 1, 14, "not both"},
    {"{tsig: {name: k., secret: AAAA, fudge: 70000}}", 1, 40,
     "from 0 to 65535"},
    {"{tsig: {name: k., secret: AAAA, time_offset: soon}}", 1, 46,
     "tsig.time_offset: expected a number of seconds"},
    {"{tsig: {name: k., secret: AAAA, damage: time}}", 1, 41,
     "expected one of: mac"},
    {"{tsig: {name: k., secret: AAAA, macsize: 1}}", 1, 33,
     "unknown key 'macsize' in tsig"},
    {"{compression: zip}", 1, 15, "none, standard, force"},
    {"{counts: {qd: 65536}}", 1, 15, "from 0 to 65535"},
    {"{counts: {xx: 1}}", 1, 11, "unknown key 'xx' in counts"},
    {"{edns: {version: 256}}", 1, 18, "from 0 to 255"},
    {"{edns: {vers: 1}}", 1, 9, "unknown key 'vers' in edns"},
    {"{edns: {payload: 1, udp_size: 2}}", 1, 21, "not both"},
    {"{edns: {count: 0}}", 1, 16, "count: must be 1"},
    {"{edns: {section: question}}", 1, 18, "expected one of"},
    {"{edns: maybe}", 1, 8, "expected true or false"},
    {"{edns: {options: [{nsid: '', ecs: {}}]}}", 1, 19, "exactly one option"},
    {"{edns: {options: [{bogus: 1}]}}", 1, 20,
     "unknown key 'bogus' in an EDNS option"},
    {"{edns: {options: [{ecs: {address: 192.0.2.1, source: 33}}]}}", 1, 25,
     "must not exceed the address width"},
    {"{edns: {options: [{ecs: {address: 192.0.2, source: 8}}]}}", 1, 35,
     "not an IPv4 or IPv6 address"},
    {"{edns: {options: [{ecs: {address: 192.0.2.1}}]}}", 1, 25, "needs source"},
    {"{edns: {options: [{ecs: {address: 192.0.2.1, source: 8, family: "
     "2}}]}}",
     1, 65, "does not match the address"},
    {"{edns: {options: [{ecs: {address: 192.0.2.1, source: 8, addrlen: "
     "1}}]}}",
     1, 66, "addrlen: needs raw: true"},
    {"{edns: {options: [{cookie: {client: '0102'}}]}}", 1, 37,
     "a client cookie is 8 bytes"},
    {"{edns: {options: [{cookie: {client: 0102030405060708, server: "
     "'01'}}]}}",
     1, 63, "a server cookie is 8 to 32 bytes"},
    {"{edns: {options: [{cookie: {server: 0102030405060708}}]}}", 1, 19,
     "cookie needs client"},
    {"{edns: {options: [{key_tag: 5}]}}", 1, 29, "must be a sequence"},
    {"{edns: {options: [{key_tag: [1, 65536]}]}}", 1, 33, "from 0 to 65535"},
    {"{edns: {options: [{ede: {text: x}}]}}", 1, 25, "ede needs code"},
    {"{edns: {options: [{code: BOGUS}]}}", 1, 26, "unknown option"},
    {"{edns: {options: [{code: 1, hex: 0g}]}}", 1, 35,
     "'g' is not a hex digit"},
    {"{edns: {options: [{nsid: '', hex: '00'}]}}", 1, 19, "exactly one option"},
    {"{edns: {options: [{padding: 65535}]}}", 1, 29,
     "the EDNS options exceed 65535 bytes"},
    {"{edns: {options: [{chain: 'a..'}]}}", 1, 30, "chain: bad name"},
    {"{wire: [{at: 100, set: \"00\"}]}", 1, 9, "lies beyond the message"},
    {"{wire: [{at: 18, set: \"00\"}]}", 1, 9, "lies beyond the message"},
    {"{wire: [{truncate: 18}]}", 1, 9, "lies beyond the message"},
    {"{wire: [{delete: 2, at: 16}]}", 1, 9, "offset 18 lies beyond"},
    {"{wire: [{insert: '00', at: 18}]}", 1, 9, "lies beyond"},
    {"{wire: [{truncate: 5, at: 3}]}", 1, 9, "a wire edit is one of"},
    {"{wire: [{set: '00'}]}", 1, 9, "a wire edit is one of"},
    {"{wire: [{append: '0'}]}", 1, 18, "odd number of hex digits"},
    {"{wire: [{at: 1, sett: '00'}]}", 1, 17,
     "unknown key 'sett' in a wire edit"},
    {"{wire: {truncate: 1}}", 1, 8, "must be a sequence"},
    {"{tcp: {split: true}}", 1, 8, "unknown key 'split' in tcp"},
    {"{tcp: {idle: 0}}", 1, 14, "idle: from 1ms to 60s"},
    {"{tcp: {idle: 2m}}", 1, 14, "idle: from 1ms to 60s"},
    {"{tcp: {idle: soon}}", 1, 14, "expected a duration"},
    {"{tcp: {partial: 65536}}", 1, 17, "65535"},
    {"{tcp: {hold: 0}}", 1, 14, "hold: from 1ms to 60s"},
    {"{tcp: {hold: 61s}}", 1, 14, "hold: from 1ms to 60s"},
    {"{tcp: {hold: a while}}", 1, 14, "expected a duration"},
    {"{tcp: {reuse: true}}", 1, 15, "reuse: needs hold:"},
    {"{tcp: {hold: 1s, reuse: often}}", 1, 25, "expected true or false"},
    {"{tcp: {hold: 1s, partial: 3}}", 1, 14, "hold: cannot go with partial:"},
    {"{tcp: {held: 1s}}", 1, 8, "unknown key 'held' in tcp"},
    {"[1, 2]", 1, 1, "query must be a mapping"},
};

static void test_bad_cases(void **state)
{
	fixture_t *f = *state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const bad_case_t *c = &bad_cases[i];
		bool ok = build(f, c->yaml);
		if (ok || f->d.n == 0 || f->d.e[0].line != c->line ||
		    f->d.e[0].col != c->col ||
		    strstr(f->d.e[0].msg, c->msg) == NULL)
			print_error("%s\n want %u:%u %s\n got  %u:%u %s\n",
				    c->yaml, c->line, c->col, c->msg,
				    f->d.n ? f->d.e[0].line : 0,
				    f->d.n ? f->d.e[0].col : 0,
				    f->d.n ? f->d.e[0].msg : "(none)");
		assert_false(ok);
		assert_true(f->d.n >= 1);
		assert_int_equal(f->d.e[0].line, c->line);
		assert_int_equal(f->d.e[0].col, c->col);
		assert_non_null(strstr(f->d.e[0].msg, c->msg));
		assert_null(f->q.wire);
		assert_int_equal(f->q.len, 0);
	}
}

/* Independent mistakes are all reported, not only the first. */
static void test_several_errors(void **state)
{
	fixture_t *f = *state;
	assert_false(build(f, "{id: 70000, type: AX, edns: {version: 300}, "
			      "wire: [{truncate: x}]}"));
	assert_int_equal(f->d.n, 4);
	assert_int_equal(f->d.e[0].col, 6);
	assert_int_equal(f->d.e[1].col, 19);
	assert_non_null(strstr(f->d.e[2].msg, "from 0 to 255"));
	assert_non_null(strstr(f->d.e[3].msg, "expected a number"));
}

/* A failing allocation anywhere gives an error, never a crash or leak. */
static void test_out_of_memory(void **state)
{
	fixture_t *f = *state;
	const char *yaml =
	    "{name: example., answer: [\"example. 1 A 192.0.2.1\"], "
	    "edns: {options: [{nsid: ''}, {key_tag: [1]}]}, "
	    "wire: [{append: '00'}]}";
	bool succeeded = false;
	for (long n = 0; n < 64 && !succeeded; n++) {
		memset(&f->d, 0, sizeof(f->d));
		dns_arena_reset(&f->arena);
		node_t *root =
		    node_parse(yaml, strlen(yaml), "t.yaml", &f->arena, &f->d);
		assert_non_null(root);
		dns_mem_fail_after(n);
		succeeded = sc_query_build(root, &f->arena, &f->q, &f->d);
		dns_mem_fail_after(-1);
		if (!succeeded) {
			assert_true(f->d.n >= 1);
			assert_null(f->q.wire);
		}
	}
	assert_true(succeeded);
}

/* ---- tsig: ------------------------------------------------------------- */

#define TSIG_SECRET "ZG5zaGFybmVzcyB0c2lnIHRlc3Qga2V5IDMyYnl0ZXM="

/* The TSIG of the query built, which must verify with its key. */
static dns_tsig_rr_t signed_query(fixture_t *f, const char *yaml,
				  dns_tsig_status_t want)
{
	build_ok(f, yaml);
	assert_non_null(f->q.tsig_key);
	dns_tsig_rr_t t;
	bool found = false;
	assert_int_equal(dns_tsig_find(f->q.wire, f->q.len, &found, &t, NULL),
			 DNS_OK);
	assert_true(found);
	dns_tsig_result_t r;
	assert_int_equal(dns_tsig_verify(f->q.wire, f->q.len, f->q.tsig_key,
					 NULL, 0, t.time, &r),
			 DNS_OK);
	assert_int_equal(r.status, want);
	return t;
}

static void test_tsig(void **state)
{
	fixture_t *f = *state;
	time_t now = time(NULL);
	/* the key as one string; a random ID becomes a fixed one */
	dns_tsig_rr_t t =
	    signed_query(f,
			 "{name: example., type: SOA, tsig: {key: "
			 "'tsig-test.:hmac-sha256:" TSIG_SECRET "'}}",
			 DNS_TSIG_VALID);
	assert_false(f->q.random_id);
	assert_int_equal(t.orig_id, dns_get_u16(f->q.wire));
	assert_int_equal(t.mac_len, 32);
	assert_int_equal(t.fudge, 300);
	assert_true(t.time + 5 >= (uint64_t)now && t.time <= (uint64_t)now + 5);
	/* the TSIG is the last record, after the OPT */
	build_ok(f, "{edns: true, additional: ['a. 1 IN A 192.0.2.1'], tsig: "
		    "{name: k., secret: " TSIG_SECRET "}}");
	assert_int_equal(dns_get_u16(f->q.wire + 10), 3);
	assert_true(f->q.has_opt);
	/* the parts one by one, every algorithm */
	static const char *const algs[] = {"hmac-md5",	  "hmac-sha1",
					   "hmac-sha224", "hmac-sha256",
					   "hmac-sha384", "hmac-sha512"};
	for (size_t i = 0; i < 6; i++) {
		char yaml[256];
		snprintf(yaml, sizeof(yaml),
			 "{id: 7, tsig: {name: k., algorithm: %s, secret: "
			 "" TSIG_SECRET ", fudge: 10, original_id: 8}}",
			 algs[i]);
		t = signed_query(f, yaml, DNS_TSIG_VALID);
		assert_int_equal(t.fudge, 10);
		assert_int_equal(t.orig_id, 8);
		assert_int_equal(dns_get_u16(f->q.wire), 7);
	}
	/* the clock, the error, other data, truncation, damage */
	t = signed_query(f,
			 "{tsig: {name: k., secret: AAAA, time: 1000, error: "
			 "BADTIME, other: '000000001234'}}",
			 DNS_TSIG_VALID);
	assert_true(t.time == 1000);
	assert_int_equal(t.error, 18);
	assert_int_equal(t.other_len, 6);
	t = signed_query(f,
			 "{tsig: {name: k., secret: AAAA, time_offset: -1000}}",
			 DNS_TSIG_VALID);
	assert_true(t.time + 1000 <= (uint64_t)now + 5);
	t = signed_query(f, "{tsig: {name: k., secret: AAAA, mac_size: 16}}",
			 DNS_TSIG_VALID);
	assert_int_equal(t.mac_len, 16);
	t = signed_query(f, "{tsig: {name: k., secret: AAAA, mac_size: 8}}",
			 DNS_TSIG_FORMERR);
	t = signed_query(f, "{tsig: {name: k., secret: AAAA, damage: mac}}",
			 DNS_TSIG_BADSIG);
	/* a raw query is signed too; wire: edits come after signing */
	t = signed_query(f, "{hex: '" BASE "', tsig: {name: k., secret: AAAA}}",
			 DNS_TSIG_VALID);
	assert_int_equal(t.offset, 17);
	t = signed_query(f,
			 "{hex: '" BASE "', tsig: {name: k., secret: AAAA}, "
			 "wire: [{at: 2, set: '01'}]}",
			 DNS_TSIG_BADSIG);
	/* tsig: ~ undoes a default */
	build_ok(f, "{tsig: ~}");
	assert_null(f->q.tsig_key);
	assert_true(f->q.random_id);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_good_cases, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_each_flag, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_random_id, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_facts, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_qname_where, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_simple_both_ways, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_cookie, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tcp_split, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tcp_idle_partial, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_tcp_hold, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_block_location, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_size_limit, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tsig, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_cases, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_several_errors, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_out_of_memory, setup,
					    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
