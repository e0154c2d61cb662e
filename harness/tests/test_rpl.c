/* test_rpl.c - the .rpl reader and its YAML writer (scenario/rpl.h): a
 * table of broken files with the line, column and words of each error;
 * each construct's mapping (model and YAML text); notes for what is not
 * converted; and every file of harness/tests/data/rpl/ converted and
 * loaded by the scenario loader (what `dnsharness check` does). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns/msg.h"
#include "scenario/rpl.h"
#include "scenario/scenario.h"

/* ---- helpers ------------------------------------------------------------ */

static const char *src_root(void)
{
	const char *s = getenv("DNSHARNESS_SRC");
	return s && *s ? s : ".";
}

/* Parse text, which must succeed; YAML in *yaml (free()), notes counted. */
static char *convert(const char *text, rpl_model_t *m, size_t *nskipped)
{
	rpl_error_t err;
	bool ok = rpl_parse(text, strlen(text), m, &err);
	if (!ok)
		fprintf(stderr, "%u:%u: %s\n", err.line, err.col, err.msg);
	assert_true(ok);
	size_t len;
	rpl_emit_opts_t eo = {"t", NULL, NULL};
	char *y = rpl_emit_yaml(m, &eo, &len, nskipped);
	assert_non_null(y);
	assert_int_equal(strlen(y), len);
	return y;
}

static void has_text(const char *hay, const char *needle)
{
	if (strstr(hay, needle) == NULL) {
		fprintf(stderr, "missing:\n%s\nin:\n%s\n", needle, hay);
		fail();
	}
}

static void lacks_text(const char *hay, const char *needle)
{
	if (strstr(hay, needle) != NULL) {
		fprintf(stderr, "unexpected:\n%s\nin:\n%s\n", needle, hay);
		fail();
	}
}

/* Load YAML with the scenario loader (through a file, as check does). */
static void loads(const char *yaml, size_t *ncases)
{
	char path[] = "/tmp/test_rpl.XXXXXX.yaml";
	int fd = mkstemps(path, 5);
	assert_true(fd >= 0);
	size_t n = strlen(yaml);
	assert_int_equal(write(fd, yaml, n), (ssize_t)n);
	close(fd);
	sc_suite_t s;
	diag_t d = {0};
	bool ok = sc_load_file(path, NULL, &s, &d);
	if (!ok) {
		diag_print(&d, stderr);
		fprintf(stderr, "%s\n", yaml);
	}
	if (ncases != NULL)
		*ncases = s.ncases;
	sc_suite_free(&s);
	unlink(path);
	assert_true(ok);
}

#define HEAD "CONFIG_END\nSCENARIO_BEGIN t\n"
#define TAIL "SCENARIO_END\n"

/* ---- errors ------------------------------------------------------------- */

static const struct {
	const char *text;
	unsigned line, col;
	const char *words;
} bad[] = {
    {"", 1, 1, "missing SCENARIO_BEGIN"},
    {"server:\nCONFIG_END\nRANGE_BEGIN 0 1\n", 3, 1, "expected SCENARIO_BEGIN"},
    {HEAD "RANGE_BEGIN 0 10\n", 3, 1, "RANGE_BEGIN without RANGE_END"},
    {HEAD "RANGE_BEGIN 5 1\nRANGE_END\n" TAIL, 3, 15, "before start"},
    {HEAD "RANGE_BEGIN x 1\n", 3, 13, "expected a number"},
    {HEAD "RANGE_BEGIN 0 1\nADDRESS 1.2.3\nRANGE_END\n" TAIL, 4, 9,
     "not an IP address"},
    {HEAD "RANGE_BEGIN 0 1\n  ENTRY_BEGIN\n  MATCH qname\n", 4, 1,
     "ENTRY_BEGIN without ENTRY_END"},
    {HEAD "RANGE_BEGIN 0 1\nFOO\n", 4, 1, "unexpected 'FOO' in a RANGE"},
    {HEAD "STEP 1 QUERY\nSTEP 2 CHECK_ANSWER\n", 4, 1, "expected ENTRY_BEGIN"},
    {HEAD "STEP 1 QUERY\n", 3, 1, "missing its entry"},
    {HEAD "STEP 2 TRAFFIC\nSTEP 2 TRAFFIC\n" TAIL, 4, 6,
     "step numbers must increase"},
    {HEAD "STEP 1\n", 3, 7, "missing the event"},
    {HEAD "RANGE_BEGIN 0 1\nENTRY_BEGIN\nHEX_ANSWER_BEGIN\n 00 0g\n", 6, 6,
     "'g' is not a hex digit"},
    {HEAD "RANGE_BEGIN 0 1\nENTRY_BEGIN\nHEX_ANSWER_BEGIN\n00 0\n"
	  "HEX_ANSWER_END\n",
     7, 1, "odd number of digits"},
    {HEAD "RANGE_BEGIN 0 1\nENTRY_BEGIN\nHEX_ANSWER_BEGIN\n00\n", 5, 1,
     "without HEX_ANSWER_END"},
    {HEAD "RANGE_BEGIN 0 1\nENTRY_BEGIN\nSECTION BOGUS\n", 5, 9,
     "SECTION: expected QUESTION"},
    {HEAD "RANGE_BEGIN 0 1\nENTRY_BEGIN\nSECTION ANSWER\n"
	  "a. IN TXT (\"x\"\n",
     6, 11, "'(' never closed"},
    {HEAD "RANGE_BEGIN 0 1\nENTRY_BEGIN\nSTEP 1 QUERY\n", 5, 1,
     "STEP inside an entry"},
    {HEAD "RANGE_BEGIN 0 1\nENTRY_BEGIN\nADJUST sleep=x\n", 5, 8, "sleep=N"},
    {HEAD "SCENARIO_END\nSTEP 1 TRAFFIC\n", 4, 1, "after SCENARIO_END"},
    {HEAD "STEP 1 TRAFFIC\n", 3, 1, "missing SCENARIO_END"},
    {HEAD "FOO bar\n", 3, 1, "unexpected 'FOO'"},
    {HEAD "$TTL x\n", 3, 6, "$TTL: bad TTL"},
    {HEAD "RANGE_BEGIN 0 1\nENTRY_BEGIN\nRAW\n", 5, 1,
     "RAW: missing the hex line"},
};

static void test_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		const char *t = bad[i].text;
		size_t len = strlen(t);
		rpl_model_t m;
		rpl_error_t err;
		bool ok = rpl_parse(t, len, &m, &err);
		rpl_model_free(&m);
		if (ok || err.line != bad[i].line || err.col != bad[i].col ||
		    strstr(err.msg, bad[i].words) == NULL) {
			fprintf(stderr, "case %zu: got %s %u:%u %s\n", i,
				ok ? "ok" : "error", err.line, err.col,
				err.msg);
			fail();
		}
	}
}

static void test_limits(void **state)
{
	(void)state;
	/* more packets than RPL_MAX_PACKETS */
	size_t cap = 64 + 16 * (RPL_MAX_PACKETS + 2);
	char *t = malloc(cap);
	assert_non_null(t);
	int n = snprintf(t, cap, HEAD "RANGE_BEGIN 0 1\nENTRY_BEGIN\n");
	for (unsigned i = 0; i < RPL_MAX_PACKETS; i++)
		n += snprintf(t + n, cap - (size_t)n, "EXTRA_PACKET\n");
	rpl_model_t m;
	rpl_error_t err;
	assert_false(rpl_parse(t, (size_t)n, &m, &err));
	assert_non_null(strstr(err.msg, "more than 16 packets"));
	assert_int_equal(err.line, 5 + RPL_MAX_PACKETS - 1);
	rpl_model_free(&m);
	free(t);
	/* more addresses than servers in a suite */
	cap = 64 + 24 * (RPL_MAX_ADDRS + 1);
	t = malloc(cap);
	assert_non_null(t);
	n = snprintf(t, cap, HEAD "RANGE_BEGIN 0 1\n");
	for (unsigned i = 0; i <= RPL_MAX_ADDRS; i++)
		n += snprintf(t + n, cap - (size_t)n, "ADDRESS 10.0.%u.%u\n",
			      i / 200, i % 200 + 1);
	assert_false(rpl_parse(t, (size_t)n, &m, &err));
	assert_non_null(strstr(err.msg, "more than 255 IPv4 ADDRESS"));
	assert_int_equal(err.line, 4 + RPL_MAX_ADDRS);
	rpl_model_free(&m);
	free(t);
	/* a NUL byte */
	static const char nul[] = "CONFIG_END\nSCENARIO_BEGIN\nSTEP 1 TR\0A\n";
	assert_false(rpl_parse(nul, sizeof(nul) - 1, &m, &err));
	assert_int_equal(err.line, 3);
	assert_int_equal(err.col, 10);
	assert_string_equal(err.msg, "NUL byte");
	rpl_model_free(&m);
	/* input larger than RPL_MAX_INPUT */
	assert_false(rpl_parse("", (size_t)RPL_MAX_INPUT + 1, &m, &err));
	assert_non_null(strstr(err.msg, "more than"));
	rpl_model_free(&m);
}

/* ---- the model ---------------------------------------------------------- */

static const char entry_text[] =
    "server:\n"
    "  stub-addr: 192.0.2.1@53\n"
    "  harden-glue: no\n"
    "CONFIG_END\n"
    "SCENARIO_BEGIN A title\n"
    "RANGE_BEGIN 0 100\n"
    "  ADDRESS 192.0.2.1\n"
    "ENTRY_BEGIN\n"
    "MATCH opcode qtype qname TCP ; comment\n"
    "ADJUST copy_id sleep=3\n"
    "REPLY QR AA RD NXDOMAIN DO\n"
    "SECTION QUESTION\n"
    "www.example. IN A\n"
    "SECTION AUTHORITY\n"
    "example. 60 IN SOA ns.example. h.example. ( 1 2\n"
    "   3 4 5 )\n"
    "SECTION ADDITIONAL\n"
    "ns.example. IN A 192.0.2.1\n"
    "ENTRY_END\n"
    "RANGE_END\n"
    "STEP 1 QUERY\n"
    "ENTRY_BEGIN\n"
    "REPLY RD\n"
    "SECTION QUESTION\n"
    "www.example. IN A\n"
    "ENTRY_END\n"
    "STEP 3 CHECK_ANSWER\n"
    "ENTRY_BEGIN\n"
    "MATCH all\n"
    "REPLY QR RD RA NXDOMAIN\n"
    "SECTION QUESTION\n"
    "www.example. IN A\n"
    "SECTION AUTHORITY\n"
    "example. 60 IN SOA ns.example. h.example. 1 2 3 4 5\n"
    "ENTRY_END\n"
    "STEP 5 TIME_PASSES ELAPSE 61\n"
    "SCENARIO_END\n";

static void test_model(void **state)
{
	(void)state;
	rpl_model_t m;
	rpl_error_t err;
	assert_true(rpl_parse(entry_text, strlen(entry_text), &m, &err));
	assert_string_equal(m.title, "A title");
	assert_int_equal(m.stub_addr, 0xc0000201u);
	assert_int_equal(m.nranges, 1);
	assert_int_equal(m.ranges[0].naddr, 1);
	assert_int_equal(m.ranges[0].from, 0);
	assert_int_equal(m.ranges[0].to, 100);
	assert_int_equal(m.nentries, 3);
	const rpl_entry_t *e = &m.entries[0];
	assert_int_equal(e->line, 8);
	assert_int_equal(e->match,
			 RPL_M_OPCODE | RPL_M_QTYPE | RPL_M_QNAME | RPL_M_TCP);
	assert_int_equal(e->adjust, RPL_A_COPY_ID | RPL_A_SLEEP);
	assert_int_equal(e->sleep_s, 3);
	assert_int_equal(e->npkt, 1);
	const rpl_packet_t *p = &e->pkt[0];
	assert_int_equal(p->flags, DNS_F_QR | DNS_F_AA | DNS_F_RD);
	assert_int_equal(p->rcode, 3);
	assert_true(p->do_bit);
	assert_int_equal(p->nrr[RPL_QUESTION], 1);
	assert_string_equal(p->rr[RPL_QUESTION][0].owner, "www.example.");
	assert_string_equal(p->rr[RPL_QUESTION][0].type, "A");
	assert_int_equal(p->nrr[RPL_AUTHORITY], 1);
	assert_int_equal(p->rr[RPL_AUTHORITY][0].ttl, 60);
	assert_int_equal(p->rr[RPL_AUTHORITY][0].line, 15);
	assert_string_equal(p->rr[RPL_AUTHORITY][0].rdata,
			    "ns.example. h.example. 1 2 3 4 5");
	assert_int_equal(p->rr[RPL_ADDITIONAL][0].ttl, 3600); /* default */
	assert_true(p->rr[RPL_ADDITIONAL][0].is_a);
	assert_int_equal(m.nsteps, 3);
	assert_int_equal(m.steps[0].kind, RPL_STEP_QUERY);
	assert_int_equal(m.steps[1].kind, RPL_STEP_CHECK_ANSWER);
	assert_int_equal(m.steps[1].n, 3);
	assert_int_equal(m.steps[2].kind, RPL_STEP_TIME_PASSES);
	assert_int_equal(m.steps[2].elapse, 61);
	/* the one note: harden-glue */
	assert_int_equal(m.nnotes, 1);
	assert_int_equal(m.notes[0].line, 3);
	assert_string_equal(m.notes[0].what, "config 'harden-glue: no'");
	assert_int_equal(rpl_map_addr(&m, 0xc0000201u), 0x7f360001u);
	rpl_model_free(&m);
}

/* ---- the YAML ------------------------------------------------------------ */

static void test_yaml_mapping(void **state)
{
	(void)state;
	rpl_model_t m;
	size_t nskipped, ncases;
	char *y = convert(entry_text, &m, &nskipped);
	has_text(y, "suite: t\n");
	has_text(y, "about: 'A title'\n");
	has_text(y, "role: resolver\n");
	has_text(y, "target:\n  recipe: unbound\n  upstream: ns-192.0.2.1\n");
	has_text(y, "# ADDRESS 192.0.2.1 -> 127.54.0.1\n");
	has_text(y, "    addresses: [127.54.0.1]\n");
	has_text(y, "      - name: line-8\n        match: {opcode: QUERY, "
		    "qname: 'www.example.', qtype: A, transport: tcp}\n");
	has_text(y, "          flags: {qr: true, aa: true, rd: true}\n"
		    "          rcode: NXDOMAIN\n");
	has_text(y, "          authority:\n            - 'example. 60 IN SOA "
		    "ns.example. h.example. 1 2 3 4 5'\n");
	/* the glue A of an ADDRESS is rewritten to its loopback address */
	has_text(y, "- 'ns.example. 3600 IN A 127.54.0.1'\n");
	has_text(y, "          edns: {do: true, payload: 4096}\n");
	has_text(y, "        delay: 3s\n");
	lacks_text(y, "          name: 'www.example.'\n"); /* copied */
	/* QUERY + CHECK_ANSWER: one step */
	has_text(y, "  - name: step-1\n    query:\n      flags: {rd: true}\n"
		    "      name: 'www.example.'\n      type: A\n"
		    "      class: IN\n    expect:\n      rcode: NXDOMAIN\n");
	has_text(y, "      flags: {exact: [qr, rd, ra]}\n");
	has_text(y, "      answer: 0\n");
	has_text(y, "      authority:\n        exact:\n          - 'example. * "
		    "IN SOA ns.example. h.example. 1 2 3 4 5'\n");
	has_text(y, "  - time_passes: 61s\n");
	has_text(y, "# import-rpl: not converted: config 'harden-glue: no' "
		    "(line 3)\n");
	assert_int_equal(nskipped, 1);
	loads(y, &ncases);
	assert_int_equal(ncases, 1);
	free(y);
	rpl_model_free(&m);
}

static void test_yaml_notes(void **state)
{
	(void)state;
	static const char t[] = HEAD "RANGE_BEGIN 1 3\n"
				     "ADDRESS 2001:db8::1\n"
				     "ADDRESS 198.51.100.7\n"
				     "ENTRY_BEGIN\n"
				     "MATCH qname serial=3 answer\n"
				     "ADJUST packet_sleep=2 do_not_answer\n"
				     "REPLY QR BOGUS\n"
				     "SECTION QUESTION\n"
				     "a.example. IN A\n"
				     "SECTION ANSWER\n"
				     "a.example. IN A 1.2.3.4.5\n"
				     "MANDATORY\n"
				     "ENTRY_END\n"
				     "RANGE_END\n"
				     "STEP 1 QUERY\n"
				     "ENTRY_BEGIN\n"
				     "SECTION QUESTION\n"
				     "a.example. IN A\n"
				     "ENTRY_END\n"
				     "STEP 2 REPLY\n"
				     "ENTRY_BEGIN\n"
				     "ENTRY_END\n"
				     "STEP 4 ASSIGN a = b\n"
				     "STEP 5 CHECK_ANSWER\n"
				     "ENTRY_BEGIN\n"
				     "MATCH rcode\n"
				     "ENTRY_END\n"
				     "STEP 6 QUERY\n"
				     "ENTRY_BEGIN\n"
				     "SECTION QUESTION\n"
				     "b.example. IN A\n"
				     "ENTRY_END\n" TAIL;
	rpl_model_t m;
	size_t nskipped;
	char *y = convert(t, &m, &nskipped);
	const char *const want[] = {
	    "ADDRESS 2001:db8::1 (IPv6: the scripted servers are IPv4 "
	    "loopback) (line 4)",
	    "MATCH serial=3 (line 7)",
	    "ADJUST packet_sleep=2 (line 8)",
	    "REPLY BOGUS (line 9)",
	    "record (",
	    "MANDATORY (line 14)",
	    "MATCH answer (line 6)",
	    "STEP 2 REPLY (the servers' rules answer instead) (line 22)",
	    "STEP 4 ASSIGN (line 25)",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		char buf[256];
		snprintf(buf, sizeof(buf), "# import-rpl: not converted: %s",
			 want[i]);
		has_text(y, buf);
	}
	assert_int_equal(nskipped, sizeof(want) / sizeof(want[0]));
	/* RANGE 1 3 spans the first of the two steps */
	has_text(y, "        match: {qname: 'a.example.', step: 1}\n"
		    "        drop: true\n");
	/* CHECK_ANSWER after REPLY and ASSIGN still belongs to step 1 */
	has_text(y, "  - name: step-1\n");
	has_text(y, "    expect:\n      rcode: NOERROR\n");
	has_text(y, "      flags: {rd: false}\n");
	loads(y, NULL);
	free(y);
	rpl_model_free(&m);
}

/* A RANGE becomes step: over the YAML steps (numbered from 1, time_passes
 * included) whose first .rpl STEP lies in it; one spanning every step
 * needs none, one spanning no step is a note and no rules. */
static void test_yaml_step_ranges(void **state)
{
	(void)state;
#define ENTRY(n)                                                               \
	"ENTRY_BEGIN\nMATCH qname\nSECTION QUESTION\n" n ". IN A\nENTRY_END\n"
	static const char
	    t[] =
		HEAD "RANGE_BEGIN 0 100\n" ENTRY(
		    "all") "RANGE_END\nRANGE_BEGIN 10 "
			   "20\n" ENTRY("first-two") "RANGE_END\nRANGE_BEGIN "
						     "15 35\n" ENTRY("middle") "RANGE_END\nRANGE_BEGIN 40 40\n" ENTRY(
							 "last") "RANGE_"
								 "END\nRANGE_"
								 "BEGIN 50 "
								 "60\n" ENTRY(
								     "n"
								     "e"
								     "v"
								     "e"
								     "r") "RANG"
									  "E_"
									  "END"
									  "\n"
									  "STEP"
									  " 10 "
									  "QUER"
									  "Y"
									  "\n" ENTRY(
									      "q1") "STEP 11 CHECK_ANSWER\nENTRY_BEGIN\nMATCH rcode\nENTRY_END\n"
										    "STEP 20 QUERY\n" ENTRY(
											"q2") "STEP 30 TIME_PASSES ELAPSE 10\n"
											      "STEP 40 QUERY\n" ENTRY(
												  "q3")
												  TAIL;
#undef ENTRY
	rpl_model_t m;
	size_t nskipped;
	char *y = convert(t, &m, &nskipped);
	has_text(y, "        match: {qname: 'all.'}\n");
	has_text(y, "        match: {qname: 'first-two.', step: {min: 1, "
		    "max: 2}}\n");
	has_text(y, "        match: {qname: 'middle.', step: {min: 2, max: "
		    "3}}\n");
	has_text(y, "        match: {qname: 'last.', step: 4}\n");
	lacks_text(y, "'never.'}");
	has_text(y, "# import-rpl: not converted: RANGE_BEGIN 50 60: no "
		    "converted step in it (its 1 entries would never apply) "
		    "(line 31)\n");
	lacks_text(y, "step limits");
	assert_int_equal(nskipped, 1);
	has_text(y, "  - time_passes: 10s\n");
	loads(y, NULL);
	free(y);
	rpl_model_free(&m);
}

static void test_yaml_hex_and_packets(void **state)
{
	(void)state;
	static const char t[] = HEAD "RANGE_BEGIN 0 100\n"
				     "ENTRY_BEGIN\n"
				     "MATCH opcode qname\n"
				     "SECTION QUESTION\n"
				     "h.example. IN A\n"
				     "HEX_ANSWER_BEGIN\n"
				     " 00 01 ; id\n"
				     " 84 00 00 00 00 00 00 00 00 00\n"
				     "HEX_ANSWER_END\n"
				     "ENTRY_END\n"
				     "ENTRY_BEGIN\n"
				     "MATCH opcode qname\n"
				     "ADJUST copy_id\n"
				     "SECTION QUESTION\n"
				     "h2.example. IN A\n"
				     "RAW\n"
				     "000184000000000000000000\n"
				     "ENTRY_END\n"
				     "ENTRY_BEGIN\n"
				     "MATCH opcode qname qtype\n"
				     "ADJUST copy_id\n"
				     "REPLY QR AA\n"
				     "SECTION QUESTION\n"
				     "x.example. IN AXFR\n"
				     "SECTION ANSWER\n"
				     "x.example. IN SOA ns h 1 2 3 4 5\n"
				     "EXTRA_PACKET\n"
				     "REPLY QR AA\n"
				     "SECTION ANSWER\n"
				     "x.example. IN SOA ns h 1 2 3 4 5\n"
				     "ENTRY_END\n"
				     "RANGE_END\n"
				     "STEP 1 QUERY\n"
				     "ENTRY_BEGIN\n"
				     "REPLY RD\n"
				     "SECTION QUESTION\n"
				     "h.example. IN A\n"
				     "ENTRY_END\n" TAIL;
	rpl_model_t m;
	size_t nskipped;
	char *y = convert(t, &m, &nskipped);
	assert_int_equal(nskipped, 0);
	/* no ADDRESS: one server for every query */
	has_text(y, "  - name: any\n    addresses: [127.54.0.1]\n");
	has_text(y, "        hex: '000184000000000000000000'\n"
		    "        keep_id: true\n");
	has_text(y, "        hex: '000184000000000000000000'\n"
		    "      - name: line-21\n");
	has_text(y, "        reply:\n          -\n            flags: {qr: "
		    "true, aa: true, rd: false}\n");
	has_text(y, "            no_question: true\n");
	assert_int_equal(m.entries[2].npkt, 2);
	loads(y, NULL);
	free(y);
	rpl_model_free(&m);
}

/* A server takes at most 4096 rules (the loader's limit), the file 20000:
 * the rest is a note, and the YAML loads. */
static void test_rules_cap(void **state)
{
	(void)state;
	size_t cap = 256 + 24 * 4200;
	char *t = malloc(cap);
	assert_non_null(t);
	int n = snprintf(t, cap, HEAD "RANGE_BEGIN 0 1\nADDRESS 10.0.0.1\n");
	for (unsigned i = 0; i < 4100; i++)
		n += snprintf(t + n, cap - (size_t)n,
			      "ENTRY_BEGIN\nENTRY_END\n");
	snprintf(t + n, cap - (size_t)n, "RANGE_END\n" TAIL);
	rpl_model_t m;
	size_t nskipped;
	char *y = convert(t, &m, &nskipped);
	has_text(y, "# import-rpl: not converted: the rules past the first "
		    "4096 of this server (line 3)");
	assert_int_equal(nskipped, 1);
	loads(y, NULL);
	free(y);
	free(t);
	rpl_model_free(&m);
}

/* A RANGE with only an IPv6 ADDRESS reaches no server; one without any
 * ADDRESS reaches every server. */
static void test_ipv6_only_range(void **state)
{
	(void)state;
	static const char t[] = HEAD "RANGE_BEGIN 0 1\nADDRESS 10.0.0.1\n"
				     "RANGE_END\n"
				     "RANGE_BEGIN 0 1\nADDRESS 2001:db8::1\n"
				     "ENTRY_BEGIN\nENTRY_END\nRANGE_END\n"
				     "RANGE_BEGIN 0 1\n"
				     "ENTRY_BEGIN\nENTRY_END\nRANGE_END\n" TAIL;
	rpl_model_t m;
	size_t nskipped;
	char *y = convert(t, &m, &nskipped);
	assert_true(m.ranges[1].v6);
	lacks_text(y, "name: line-8\n");
	has_text(y, "name: line-12\n");
	has_text(y, "# import-rpl: not converted: RANGE_BEGIN 0 1 without an "
		    "IPv4 ADDRESS (1 entries) (line 6)");
	has_text(y, "# import-rpl: not converted: ADDRESS 2001:db8::1 (IPv6");
	assert_int_equal(nskipped, 2);
	loads(y, NULL);
	free(y);
	rpl_model_free(&m);
}

/* The same model gives the same text. */
static void test_deterministic(void **state)
{
	(void)state;
	rpl_model_t m;
	size_t n1, n2, l1, l2;
	char *a = convert(entry_text, &m, &n1);
	rpl_emit_opts_t eo = {"t", NULL, NULL};
	char *b = rpl_emit_yaml(&m, &eo, &l2, &n2);
	l1 = strlen(a);
	assert_int_equal(l1, l2);
	assert_memory_equal(a, b, l1);
	assert_int_equal(n1, n2);
	free(a);
	free(b);
	rpl_model_free(&m);
}

/* Every .rpl of harness/tests/data/rpl/ converts, and the YAML loads. */
static void test_data_files(void **state)
{
	(void)state;
	static const char *const files[] = {"iter_basic.rpl", "constructs.rpl",
					    "deckard.rpl", "iter_ranges.rpl"};
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		char path[512];
		snprintf(path, sizeof(path), "%s/harness/tests/data/rpl/%s",
			 src_root(), files[i]);
		FILE *f = fopen(path, "rb");
		assert_non_null(f);
		static char buf[1 << 16];
		size_t n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		buf[n] = '\0';
		rpl_model_t m;
		size_t nskipped;
		char *y = convert(buf, &m, &nskipped);
		loads(y, NULL);
		free(y);
		rpl_model_free(&m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_limits),
	    cmocka_unit_test(test_model),
	    cmocka_unit_test(test_yaml_mapping),
	    cmocka_unit_test(test_yaml_notes),
	    cmocka_unit_test(test_yaml_step_ranges),
	    cmocka_unit_test(test_yaml_hex_and_packets),
	    cmocka_unit_test(test_rules_cap),
	    cmocka_unit_test(test_ipv6_only_range),
	    cmocka_unit_test(test_deterministic),
	    cmocka_unit_test(test_data_files),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
