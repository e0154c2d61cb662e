/* test_msg.c - message decode (strict and survey), encode with knobs,
 * wire edits. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "dns/base.h"
#include "dns/msg.h"

/* Pieces of hand-made messages (hex). */
#define Q "076578616d706c650000010001" /* example. A IN, 13 bytes */
#define ANS_A                                                                  \
	"c00c0001000100000e100004c0000201" /* example. 3600 A 192.0.2.1        \
					    */
#define OPT_EMPTY "0000291000000000000000" /* root OPT 4096, 11 bytes */
#define TSIG_RR                                                                \
	"0000fa00ff00000000001100000000000000012c000012340000"                 \
	"0000"

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

typedef struct {
	const char *what;
	const char *hex;
	dns_rc_t rc;
	size_t off;
} bad_case_t;

static const bad_case_t bad_cases[] = {
    {"ok", "1234 8180 0001 0001 0000 0000" Q ANS_A, DNS_OK, 0},
    {"short header", "123481", DNS_E_TRUNC_HEADER, 3},
    {"answer count beyond data", "1234 8180 0001 0001 0000 0000" Q, DNS_E_COUNT,
     6},
    {"question count beyond data", "1234 8180 0002 0000 0000 0000" Q,
     DNS_E_COUNT, 4},
    {"question cut in class",
     "1234 8180 0001 0000 0000 0000"
     "076578616d706c65000001",
     DNS_E_TRUNC_QUESTION, 23},
    {"rr cut in rdlength",
     "1234 8180 0001 0001 0000 0000" Q "c00c0001000100000e1000", DNS_E_TRUNC_RR,
     35},
    {"rdlength overrun",
     "1234 8180 0001 0001 0000 0000" Q "c00c000100010000 0e10 0005 c0000201",
     DNS_E_RDATA_OVERRUN, 35},
    {"A with 5 bytes",
     "1234 8180 0001 0001 0000 0000" Q "c00c000100010000 0e10 0005 c000020101",
     DNS_E_RDATA_TRAILING, 41},
    {"A with 3 bytes",
     "1234 8180 0001 0001 0000 0000" Q "c00c000100010000 0e10 0003 c00002",
     DNS_E_RDATA_SHORT, 37},
    {"trailing bytes", "1234 8180 0001 0001 0000 0000" Q ANS_A "00",
     DNS_E_TRAILING, 41},
    {"OPT in answer", "1234 8180 0001 0001 0000 0000" Q OPT_EMPTY,
     DNS_E_OPT_SECTION, 25},
    {"two OPTs", "1234 8180 0001 0000 0000 0002" Q OPT_EMPTY OPT_EMPTY,
     DNS_E_OPT_MULTI, 36},
    {"OPT owner not root",
     "1234 8180 0001 0000 0000 0001" Q "c00c 0029 1000 00000000 0000",
     DNS_E_OPT_OWNER, 25},
    {"EDNS option cut",
     "1234 8180 0001 0000 0000 0001" Q "00 0029 1000 00000000 0003 000a00",
     DNS_E_EDNS_OPTION, 36},
    {"TSIG not last", "1234 8180 0001 0000 0000 0002" Q TSIG_RR OPT_EMPTY,
     DNS_E_TSIG_NOT_LAST, 25},
    {"TSIG in answer", "1234 8180 0001 0001 0000 0000" Q TSIG_RR,
     DNS_E_TSIG_SECTION, 25},
    /* class ANY and no RDATA is an RFC 2136 deletion, but not for a TSIG
     * (its class is always ANY): found by fuzz_diff against libknot */
    {"TSIG with empty RDATA",
     "1234 8180 0001 0000 0000 0001" Q "0000fa00ff000000000000",
     DNS_E_RDATA_SHORT, 36},
    {"update: delete an RRset (class ANY, no RDATA)",
     "1234 2800 0001 0000 0001 0000" Q "c00c000100ff000000000000", DNS_OK, 0},
    {"update: delete an RR (class NONE, no RDATA)",
     "1234 2800 0001 0000 0001 0000" Q "c00c000100fe000000000000", DNS_OK, 0},
    {"pointer to itself in question",
     "1234 0100 0001 0000 0000 0000"
     "c00c00010001",
     DNS_E_PTR_FORWARD, 12},
    {"bad label type in owner",
     "1234 8180 0001 0001 0000 0000" Q "4000010001000000000000",
     DNS_E_LABEL_TYPE, 25},
};

#define NCASES (sizeof(bad_cases) / sizeof(bad_cases[0]))

static void test_strict_vectors(void **state)
{
	(void)state;
	dns_arena_t arena;
	dns_arena_init(&arena, 0);
	for (size_t i = 0; i < NCASES; i++) {
		const bad_case_t *c = &bad_cases[i];
		uint8_t wire[512];
		size_t len = unhex(c->hex, wire, sizeof(wire));
		dns_msg_t m;
		dns_rc_t rc =
		    dns_msg_decode(&m, wire, len, DNS_DECODE_STRICT, &arena);
		if (rc != c->rc)
			fail_msg("%s: got %s, want %s", c->what,
				 dns_rc_name(rc), dns_rc_name(c->rc));
		if (rc != DNS_OK) {
			assert_int_equal(m.nviol, 1);
			if (m.viol[0].offset != c->off)
				fail_msg("%s: offset %zu, want %zu", c->what,
					 m.viol[0].offset, c->off);
		}
		dns_arena_reset(&arena);
	}
	dns_arena_free(&arena);
}

/* Survey mode finds at least what strict mode finds, first the same. */
static void test_survey_superset(void **state)
{
	(void)state;
	dns_arena_t arena;
	dns_arena_init(&arena, 0);
	for (size_t i = 0; i < NCASES; i++) {
		uint8_t wire[512];
		size_t len = unhex(bad_cases[i].hex, wire, sizeof(wire));
		dns_msg_t strict, survey;
		dns_rc_t a = dns_msg_decode(&strict, wire, len,
					    DNS_DECODE_STRICT, &arena);
		dns_rc_t b = dns_msg_decode(&survey, wire, len,
					    DNS_DECODE_SURVEY, &arena);
		assert_int_equal(a, b);
		assert_true(survey.nviol >= strict.nviol);
		if (strict.nviol)
			assert_int_equal(survey.viol[0].offset,
					 strict.viol[0].offset);
		dns_arena_reset(&arena);
	}
	dns_arena_free(&arena);
}

static void test_survey_lists_all(void **state)
{
	(void)state;
	/* OPT in answer, A with a byte too many, pointer loop owner in
	 * authority, trailing byte */
	const char *hex = "1234 8180 0001 0002 0001 0000" Q OPT_EMPTY
			  "c00c000100010000 0e10 0005 c000020101"
			  "c035 0001 0001 00000e10 0004 c0000202"
			  "ff";
	uint8_t wire[512];
	size_t len = unhex(hex, wire, sizeof(wire));
	dns_arena_t arena;
	dns_arena_init(&arena, 0);
	dns_msg_t m;
	assert_int_equal(
	    dns_msg_decode(&m, wire, len, DNS_DECODE_SURVEY, &arena),
	    DNS_E_OPT_SECTION);
	assert_int_equal(m.nviol, 4);
	assert_int_equal(m.viol[0].code, DNS_E_OPT_SECTION);
	assert_int_equal(m.viol[0].section, DNS_SEC_ANSWER);
	assert_int_equal(m.viol[1].code, DNS_E_RDATA_TRAILING);
	assert_int_equal(m.viol[1].offset, 52);
	assert_int_equal(m.viol[1].index, 1);
	assert_int_equal(m.viol[2].code, DNS_E_PTR_FORWARD);
	assert_int_equal(m.viol[2].offset, 53);
	assert_int_equal(m.viol[2].section, DNS_SEC_AUTHORITY);
	assert_int_equal(m.viol[3].code, DNS_E_TRAILING);
	assert_int_equal(m.viol[3].offset, 69);
	/* the records around the damage were still read */
	assert_int_equal(m.nsec[DNS_SEC_ANSWER], 2);
	assert_int_equal(m.nsec[DNS_SEC_AUTHORITY], 1);
	assert_int_equal(m.sec[DNS_SEC_AUTHORITY][0].rdlen, 4);
	assert_memory_equal(m.sec[DNS_SEC_AUTHORITY][0].rdata, "\xc0\0\2\2", 4);
	dns_msg_t s;
	assert_int_equal(
	    dns_msg_decode(&s, wire, len, DNS_DECODE_STRICT, &arena),
	    DNS_E_OPT_SECTION);
	assert_int_equal(s.nviol, 1);
	dns_arena_free(&arena);
}

static void test_decode_fields(void **state)
{
	(void)state;
	const char *hex = "abcd 8583 0001 0001 0000 0001" Q ANS_A
			  "00 0029 04d0 01008000 0000";
	uint8_t wire[512];
	size_t len = unhex(hex, wire, sizeof(wire));
	dns_arena_t arena;
	dns_arena_init(&arena, 0);
	dns_msg_t m;
	assert_int_equal(
	    dns_msg_decode(&m, wire, len, DNS_DECODE_STRICT, &arena), DNS_OK);
	assert_int_equal(m.id, 0xabcd);
	assert_true(m.flags & DNS_F_QR);
	assert_true(m.flags & DNS_F_AA);
	assert_true(m.flags & DNS_F_RD);
	assert_int_equal(DNS_RCODE(m.flags), 3);
	assert_int_equal(m.nqd, 1);
	assert_int_equal(m.qd[0].qtype, DNS_T_A);
	assert_int_equal(m.nsec[1], 1);
	assert_int_equal(m.sec[1][0].ttl, 3600);
	assert_non_null(m.opt);
	assert_int_equal(m.opt->rclass, 1232);
	/* extended rcode 1 << 4 | 3 */
	assert_int_equal(dns_msg_rcode(&m), 19);
	assert_int_equal(m.wire_len, len);
	dns_arena_free(&arena);
}

static void build_response(dns_msg_t *m, dns_question_t *q, dns_rr_t *an,
			   dns_rr_t *ns)
{
	static uint8_t a_rdata[] = {192, 0, 2, 1};
	static uint8_t ns_rdata[] = "\2ns\7example";
	dns_msg_init(m);
	m->id = 0x1234;
	m->flags = 0x8180;
	memset(q, 0, sizeof(*q));
	assert_int_equal(dns_name_from_str("example.", NULL, &q->name), 0);
	q->qtype = DNS_T_A;
	q->qclass = DNS_C_IN;
	memset(an, 0, sizeof(*an));
	an->owner = q->name;
	an->type = DNS_T_A;
	an->rclass = DNS_C_IN;
	an->ttl = 3600;
	an->rdlen = 4;
	an->rdata = a_rdata;
	*ns = *an;
	ns->type = DNS_T_NS;
	ns->rdlen = sizeof(ns_rdata); /* includes the final NUL = root label */
	ns->rdata = ns_rdata;
	m->qd = q;
	m->nqd = 1;
	m->sec[1] = an;
	m->nsec[1] = 1;
	m->sec[2] = ns;
	m->nsec[2] = 1;
}

static void test_encode(void **state)
{
	(void)state;
	dns_msg_t m;
	dns_question_t q;
	dns_rr_t an, ns;
	build_response(&m, &q, &an, &ns);
	uint8_t out[512], want[512];
	size_t len, wlen;

	assert_int_equal(dns_msg_encode(&m, NULL, out, sizeof(out), &len), 0);
	wlen = unhex("1234 8180 0001 0001 0001 0000" Q ANS_A
		     "c00c 0002 0001 00000e10 0005 026e73c00c",
		     want, sizeof(want));
	assert_int_equal(len, wlen);
	assert_memory_equal(out, want, len);

	dns_encode_opts_t plain = {.compress = DNS_PACK_PLAIN};
	assert_int_equal(dns_msg_encode(&m, &plain, out, sizeof(out), &len), 0);
	wlen = unhex("1234 8180 0001 0001 0001 0000" Q
		     "076578616d706c6500 0001 0001 00000e10 0004 c0000201"
		     "076578616d706c6500 0002 0001 00000e10 000c"
		     "026e73076578616d706c6500",
		     want, sizeof(want));
	assert_int_equal(len, wlen);
	assert_memory_equal(out, want, len);

	/* round trip: decode what was encoded */
	dns_arena_t arena;
	dns_arena_init(&arena, 0);
	dns_msg_t back;
	assert_int_equal(
	    dns_msg_decode(&back, out, len, DNS_DECODE_STRICT, &arena), DNS_OK);
	assert_int_equal(back.nsec[2], 1);
	assert_int_equal(back.sec[2][0].rdlen, ns.rdlen);
	assert_memory_equal(back.sec[2][0].rdata, ns.rdata, ns.rdlen);

	/* count override: the header lies, the decoder names it */
	dns_encode_opts_t lie = {.compress = DNS_PACK_STANDARD,
				 .count_set = {false, true},
				 .count = {0, 5}};
	assert_int_equal(dns_msg_encode(&m, &lie, out, sizeof(out), &len), 0);
	assert_int_equal(out[7], 5);
	assert_int_equal(
	    dns_msg_decode(&back, out, len, DNS_DECODE_STRICT, &arena),
	    DNS_E_COUNT);

	/* too small a buffer is an error, not a short message */
	assert_int_equal(dns_msg_encode(&m, NULL, out, 20, &len), DNS_E_SPACE);
	assert_int_equal(len, 0);
	dns_arena_free(&arena);
}

static void test_edits(void **state)
{
	(void)state;
	uint8_t buf[16] = {1, 2, 3, 4, 5, 6};
	size_t len = 6;
	const uint8_t x[] = {0xaa, 0xbb};
	dns_edit_t set = {DNS_EDIT_SET, 5, x, 2};
	assert_int_equal(dns_edit_apply(&set, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, 7);
	assert_memory_equal(buf, "\1\2\3\4\5\xaa\xbb", 7);
	dns_edit_t ins = {DNS_EDIT_INSERT, 1, x, 2};
	assert_int_equal(dns_edit_apply(&ins, buf, sizeof(buf), &len), 0);
	assert_memory_equal(buf, "\1\xaa\xbb\2\3\4\5\xaa\xbb", 9);
	dns_edit_t del = {DNS_EDIT_DELETE, 1, NULL, 2};
	assert_int_equal(dns_edit_apply(&del, buf, sizeof(buf), &len), 0);
	assert_memory_equal(buf, "\1\2\3\4\5\xaa\xbb", 7);
	dns_edit_t app = {DNS_EDIT_APPEND, 0, x, 2};
	assert_int_equal(dns_edit_apply(&app, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, 9);
	dns_edit_t cut = {DNS_EDIT_TRUNCATE, 3, NULL, 0};
	assert_int_equal(dns_edit_apply(&cut, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, 3);
	/* out of bounds */
	dns_edit_t far = {DNS_EDIT_SET, 4, x, 2};
	assert_int_equal(dns_edit_apply(&far, buf, sizeof(buf), &len),
			 DNS_E_SHORT);
	dns_edit_t big = {DNS_EDIT_SET, 15, x, 2};
	len = 16;
	assert_int_equal(dns_edit_apply(&big, buf, sizeof(buf), &len),
			 DNS_E_SPACE);
	dns_edit_t cutfar = {DNS_EDIT_TRUNCATE, 17, NULL, 0};
	assert_int_equal(dns_edit_apply(&cutfar, buf, sizeof(buf), &len),
			 DNS_E_SHORT);
	dns_edit_t delfar = {DNS_EDIT_DELETE, 15, NULL, 2};
	assert_int_equal(dns_edit_apply(&delfar, buf, sizeof(buf), &len),
			 DNS_E_SHORT);
	assert_int_equal(dns_edit_apply(&app, buf, sizeof(buf), &len),
			 DNS_E_SPACE);
}

/* Counts are checked before allocating: a header claiming 65535 records
 * of each kind in a 12-byte message allocates nothing. */
static void test_counts_before_alloc(void **state)
{
	(void)state;
	uint8_t wire[12] = {0,	  0,	0x81, 0x80, 0xff, 0xff,
			    0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
	dns_arena_t arena;
	dns_arena_init(&arena, 0);
	dns_msg_t m;
	dns_mem_fail_after(0); /* any allocation fails */
	dns_rc_t rc =
	    dns_msg_decode(&m, wire, sizeof(wire), DNS_DECODE_SURVEY, &arena);
	dns_mem_fail_after(-1);
	assert_int_equal(rc, DNS_E_COUNT);
	assert_int_equal(m.nviol, 4);
	dns_arena_free(&arena);
}

static void test_nomem(void **state)
{
	(void)state;
	uint8_t wire[512];
	size_t len =
	    unhex("1234 8180 0001 0001 0000 0000" Q ANS_A, wire, sizeof(wire));
	dns_arena_t arena;
	dns_arena_init(&arena, 0);
	dns_msg_t m;
	dns_mem_fail_after(0);
	dns_rc_t rc = dns_msg_decode(&m, wire, len, DNS_DECODE_STRICT, &arena);
	dns_mem_fail_after(-1);
	assert_int_equal(rc, DNS_E_NOMEM);
	/* once warm, decoding again allocates nothing */
	assert_int_equal(
	    dns_msg_decode(&m, wire, len, DNS_DECODE_STRICT, &arena), DNS_OK);
	dns_arena_reset(&arena);
	dns_mem_fail_after(0);
	rc = dns_msg_decode(&m, wire, len, DNS_DECODE_STRICT, &arena);
	dns_mem_fail_after(-1);
	assert_int_equal(rc, DNS_OK);
	dns_arena_free(&arena);
}

/* A message built byte by byte. */
typedef struct {
	uint8_t b[1024];
	size_t n;
} msgbuf_t;

static void put16(msgbuf_t *w, unsigned v)
{
	w->b[w->n++] = (uint8_t)(v >> 8);
	w->b[w->n++] = (uint8_t)v;
}

static void put_ptr(msgbuf_t *w, size_t to)
{
	put16(w, 0xc000u | (unsigned)to);
}

/* Type, class IN, TTL 0 and RDLENGTH, after an owner. */
static void put_rr_fixed(msgbuf_t *w, unsigned type, unsigned rdlen)
{
	put16(w, type);
	put16(w, DNS_C_IN);
	put16(w, 0);
	put16(w, 0);
	put16(w, rdlen);
}

static void put_a(msgbuf_t *w)
{
	put_rr_fixed(w, DNS_T_A, 4);
	put16(w, 0xc000);
	put16(w, 0x0201);
}

/* Owners that point at names decoded before (the decoder remembers those)
 * obey the hop limit like any other: a chain of 126 pointers sits in an
 * opaque RDATA; owners reaching "a." through it with 127 hops decode (twice:
 * the second time from memory), and so does "b.a." (126 hops) and a
 * pointer to it (127). "c.a." takes 127 hops, so a pointer to it makes 128:
 * DNS_E_PTR_LOOP at the 128th pointer; so does a pointer to an owner that
 * is itself a pointer into the chain (survey mode lists both). */
static void test_owner_pointer_hops(void **state)
{
	(void)state;
	enum { CHAIN = 126 };
	msgbuf_t w = {{0x12, 0x34, 0x81, 0x80, 0, 1, 0, 8, 0, 0, 0, 0}, 12};
	size_t q = w.n;
	memcpy(w.b + w.n,
	       "\x01"
	       "a\x00\x00\x01\x00\x01",
	       7);
	w.n += 7;
	put_ptr(&w, q); /* [0]: NULL record holding the chain */
	put_rr_fixed(&w, 10, 2u * CHAIN);
	size_t x0 = w.n;
	for (size_t i = 0; i < CHAIN; i++)
		put_ptr(&w, i == 0 ? q : x0 + 2 * (i - 1));
	size_t top = x0 + 2 * (CHAIN - 1);
	size_t a2 = w.n; /* [1], [2]: 1 + 126 hops */
	put_ptr(&w, top);
	put_a(&w);
	put_ptr(&w, top);
	put_a(&w);
	size_t a4 = w.n; /* [3]: "b" then 1 + 125 hops */
	w.b[w.n++] = 1;
	w.b[w.n++] = 'b';
	put_ptr(&w, top - 2);
	put_a(&w);
	put_ptr(&w, a4); /* [4]: one more, 127 */
	put_a(&w);
	size_t a6 = w.n; /* [5]: "c" then 1 + 126 hops */
	w.b[w.n++] = 1;
	w.b[w.n++] = 'c';
	put_ptr(&w, top);
	put_a(&w);
	put_ptr(&w, a6); /* [6]: 128 */
	put_a(&w);
	put_ptr(&w, a2); /* [7]: 128 */
	put_a(&w);

	static const uint8_t a_name[] = {1, 'a', 0};
	static const uint8_t ba_name[] = {1, 'b', 1, 'a', 0};
	dns_arena_t arena;
	dns_arena_init(&arena, 0);
	for (int mode = DNS_DECODE_STRICT; mode <= DNS_DECODE_SURVEY; mode++) {
		dns_msg_t m;
		dns_rc_t rc = dns_msg_decode(&m, w.b, w.n,
					     (dns_decode_mode_t)mode, &arena);
		assert_int_equal(rc, DNS_E_PTR_LOOP);
		assert_int_equal(m.viol[0].offset, x0);
		assert_int_equal(m.viol[0].section, DNS_SEC_ANSWER);
		assert_int_equal(m.viol[0].index, 6);
		assert_true(m.nsec[DNS_SEC_ANSWER] >= 6);
		if (mode == DNS_DECODE_SURVEY) {
			assert_int_equal(m.nviol, 2);
			assert_int_equal(m.viol[1].code, DNS_E_PTR_LOOP);
			assert_int_equal(m.viol[1].offset, x0);
			assert_int_equal(m.viol[1].index, 7);
		}
		for (unsigned i = 1; i <= 4; i++) {
			const dns_name_t *o = &m.sec[DNS_SEC_ANSWER][i].owner;
			const uint8_t *want = i <= 2 ? a_name : ba_name;
			size_t len = i <= 2 ? sizeof(a_name) : sizeof(ba_name);
			assert_int_equal(o->len, len);
			assert_memory_equal(o->wire, want, len);
		}
		dns_arena_reset(&arena);
	}
	dns_arena_free(&arena);
}

static void assert_owner(const dns_msg_t *m, unsigned i, const char *wire,
			 size_t len)
{
	const dns_name_t *o = &m->sec[DNS_SEC_ANSWER][i].owner;
	print_message("owner %u\n", i);
	assert_int_equal(o->len, len);
	assert_memory_equal(o->wire, wire, len);
}

/* Owners that point into a name decoded before: at one of its labels
 * (the suffix from there), at its root label, at the pointer that ends
 * it, and at a byte inside a label, which the name codec reads as it
 * finds it (here a label of its own, or a bad label type). */
static void test_owner_suffixes(void **state)
{
	(void)state;
	dns_arena_t arena;
	dns_arena_init(&arena, 0);
	msgbuf_t w = {{0x12, 0x34, 0x81, 0x80, 0, 1, 0, 5, 0, 0, 0, 0}, 12};
	memcpy(w.b + w.n, "\3www\7example\0\0\1\0\1", 17);
	w.n += 17;
	put_ptr(&w, 16); /* [0] example. */
	put_a(&w);
	put_ptr(&w, 24); /* [1] . */
	put_a(&w);
	size_t foo = w.n; /* [2] foo.www.example. */
	memcpy(w.b + w.n, "\3foo", 4);
	w.n += 4;
	put_ptr(&w, 12);
	put_a(&w);
	put_ptr(&w, foo); /* [3] the same */
	put_a(&w);
	put_ptr(&w, foo + 4); /* [4] at the pointer: www.example. */
	put_a(&w);
	for (int mode = DNS_DECODE_STRICT; mode <= DNS_DECODE_SURVEY; mode++) {
		dns_msg_t m;
		assert_int_equal(dns_msg_decode(&m, w.b, w.n,
						(dns_decode_mode_t)mode,
						&arena),
				 DNS_OK);
		assert_int_equal(m.nsec[DNS_SEC_ANSWER], 5);
		assert_owner(&m, 0, "\7example\0", 9);
		assert_owner(&m, 1, "\0", 1);
		assert_owner(&m, 2, "\3foo\3www\7example\0", 17);
		assert_owner(&m, 3, "\3foo\3www\7example\0", 17);
		assert_owner(&m, 4, "\3www\7example\0", 13);
		dns_arena_reset(&arena);
	}
	/* "\3x\1y\0": byte 14 reads as the label "y" */
	msgbuf_t v = {{0x12, 0x34, 0x81, 0x80, 0, 1, 0, 3, 0, 0, 0, 0}, 12};
	memcpy(v.b + v.n, "\3x\1y\0\0\1\0\1", 9);
	v.n += 9;
	put_ptr(&v, 14);
	put_a(&v);
	put_ptr(&v, 12);
	put_a(&v);
	put_ptr(&v, 16);
	put_a(&v);
	dns_msg_t m;
	assert_int_equal(
	    dns_msg_decode(&m, v.b, v.n, DNS_DECODE_STRICT, &arena), DNS_OK);
	assert_owner(&m, 0, "\1y\0", 3);
	assert_owner(&m, 1, "\3x\1y\0", 5);
	assert_owner(&m, 2, "\0", 1);
	dns_arena_reset(&arena);
	/* byte 13 of "\3www...": 'w' is no label length */
	w.b[7] = 1;
	w.n = 29;
	put_ptr(&w, 13);
	put_a(&w);
	for (int mode = DNS_DECODE_STRICT; mode <= DNS_DECODE_SURVEY; mode++) {
		assert_int_equal(dns_msg_decode(&m, w.b, w.n,
						(dns_decode_mode_t)mode,
						&arena),
				 DNS_E_LABEL_TYPE);
		assert_int_equal(m.viol[0].offset, 13);
		assert_int_equal(m.viol[0].section, DNS_SEC_ANSWER);
		assert_int_equal(m.viol[0].index, 0);
		dns_arena_reset(&arena);
	}
	dns_arena_free(&arena);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_strict_vectors),
	    cmocka_unit_test(test_survey_superset),
	    cmocka_unit_test(test_survey_lists_all),
	    cmocka_unit_test(test_decode_fields),
	    cmocka_unit_test(test_encode),
	    cmocka_unit_test(test_edits),
	    cmocka_unit_test(test_counts_before_alloc),
	    cmocka_unit_test(test_nomem),
	    cmocka_unit_test(test_owner_pointer_hops),
	    cmocka_unit_test(test_owner_suffixes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
