/* test_canon.c - canonical form and order, RRsets, order-free comparison. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "dns/arena.h"
#include "dns/canon.h"
#include "dns/name.h"
#include "dns/rdata.h"

/* Every RR's RDATA lives here; reset by setup. */
static dns_arena_t pool;

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

static dns_rr_t mkrr(const char *owner, uint16_t type, uint32_t ttl,
		     const void *rd, size_t rdlen)
{
	dns_rr_t rr;
	memset(&rr, 0, sizeof(rr));
	assert_int_equal(dns_name_from_str(owner, NULL, &rr.owner), DNS_OK);
	rr.type = type;
	rr.rclass = DNS_C_IN;
	rr.ttl = ttl;
	rr.rdlen = (uint16_t)rdlen;
	rr.rdata = dns_arena_dup(&pool, rd, rdlen);
	assert_non_null(rr.rdata);
	return rr;
}

static dns_rr_t mk_a(const char *owner, uint32_t ttl, uint8_t last)
{
	const uint8_t rd[4] = {192, 0, 2, last};
	return mkrr(owner, DNS_T_A, ttl, rd, 4);
}

/* An RR whose RDATA is one name (NS). */
static dns_rr_t mk_ns(const char *owner, uint32_t ttl, const char *target)
{
	dns_name_t t;
	assert_int_equal(dns_name_from_str(target, NULL, &t), DNS_OK);
	return mkrr(owner, DNS_T_NS, ttl, t.wire, t.len);
}

/* An RRSIG stub: the covered type and one distinguishing byte. */
static dns_rr_t mk_sig(const char *owner, uint16_t covered, uint8_t tag)
{
	const uint8_t rd[3] = {(uint8_t)(covered >> 8), (uint8_t)covered, tag};
	return mkrr(owner, DNS_T_RRSIG, 300, rd, 3);
}

static void test_rdata_cmp(void **state)
{
	(void)state;
	static const struct {
		const char *a, *b;
		size_t alen, blen;
		int want;
	} cases[] = {
	    {"", "", 0, 0, 0},
	    {"", "a", 0, 1, -1},
	    {"a", "ab", 1, 2, -1}, /* prefix sorts first */
	    {"ab", "a", 2, 1, 1},
	    {"ab", "ab", 2, 2, 0},
	    {"\x80", "\x7f", 1, 1, 1}, /* unsigned octets */
	    {"\x01\xff", "\x02", 2, 1, -1},
	    {"b", "ab", 1, 2, 1}, /* left-justified: first octet decides */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int d = dns_canon_rdata_cmp(
		    (const uint8_t *)cases[i].a, cases[i].alen,
		    (const uint8_t *)cases[i].b, cases[i].blen);
		assert_int_equal(d, cases[i].want);
	}
}

/* RFC 4034 section 6.1: the example names in canonical order. */
static const char *const rfc_order[] = {
    "example.",		"a.example.",	   "yljkjljk.a.example.",
    "Z.a.example.",	"zABC.a.EXAMPLE.", "z.example.",
    "\\001.z.example.", "*.z.example.",	   "\\200.z.example.",
};
#define NRFC (sizeof(rfc_order) / sizeof(rfc_order[0]))

static void test_rfc4034_name_order(void **state)
{
	(void)state;
	dns_rr_t v[NRFC];
	/* every rotation of the reversed list sorts to the RFC order */
	for (size_t rot = 0; rot < NRFC; rot++) {
		for (size_t i = 0; i < NRFC; i++)
			v[i] =
			    mk_a(rfc_order[(NRFC - 1 - i + rot) % NRFC], 60, 1);
		dns_canon_sort(v, NRFC);
		for (size_t i = 0; i < NRFC; i++) {
			dns_name_t want;
			assert_int_equal(
			    dns_name_from_str(rfc_order[i], NULL, &want),
			    DNS_OK);
			assert_int_equal(v[i].owner.len, want.len);
			/* case as written is kept (sorting does not lower) */
			assert_memory_equal(v[i].owner.wire, want.wire,
					    want.len);
		}
		for (size_t i = 0; i + 1 < NRFC; i++)
			assert_true(dns_canon_rr_cmp(&v[i], &v[i + 1]) < 0);
	}
}

/* Advance idx to the next permutation in lexicographic order. */
static int next_perm(size_t *idx, size_t n)
{
	size_t i = n - 1;
	while (i > 0 && idx[i - 1] >= idx[i])
		i--;
	if (i == 0)
		return 0;
	size_t j = n - 1;
	while (idx[j] <= idx[i - 1])
		j--;
	size_t t = idx[i - 1];
	idx[i - 1] = idx[j];
	idx[j] = t;
	for (size_t a = i, b = n - 1; a < b; a++, b--) {
		t = idx[a];
		idx[a] = idx[b];
		idx[b] = t;
	}
	return 1;
}

static void test_permutations_sort_alike(void **state)
{
	(void)state;
	/* one RRset (private type 65280, opaque RDATA) exercising the
	 * prefix rule, unsigned octets, and both tie-breaks */
	const dns_rr_t set[5] = {
	    mkrr("x.example.", 65280, 60, "\x02z\x7f", 3),
	    mkrr("X.example.", 65280, 60, "\x02z", 2),
	    mkrr("x.example.", 65280, 60, "\x02z\x80", 3),
	    mkrr("X.example.", 65280, 30, "\x02z", 2),
	    mkrr("x.EXAMPLE.", 65280, 60, "\x02z\x80", 3),
	};
	/* expected: the prefix first, 0x7f before 0x80; equal RDATA by
	 * owner octets ("EXAMPLE" < "example"), then by TTL */
	static const size_t want[5] = {3, 1, 0, 4, 2};
	size_t idx[5] = {0, 1, 2, 3, 4};
	unsigned perms = 0;
	do {
		dns_rr_t v[5];
		for (size_t i = 0; i < 5; i++)
			v[i] = set[idx[i]];
		dns_canon_sort(v, 5);
		for (size_t i = 0; i < 5; i++) {
			assert_ptr_equal(v[i].rdata, set[want[i]].rdata);
			assert_memory_equal(&v[i].owner, &set[want[i]].owner,
					    sizeof(dns_name_t));
		}
		perms++;
	} while (next_perm(idx, 5));
	assert_int_equal(perms, 120);
}

static void test_order_class_then_type(void **state)
{
	(void)state;
	dns_rr_t v[4] = {
	    mk_a("b.example.", 60, 1),
	    mkrr("a.example.", DNS_T_TXT, 60, "\x01x", 2),
	    mk_a("a.example.", 60, 9),
	    mk_a("a.example.", 60, 1),
	};
	v[2].rclass = DNS_C_CH; /* class 3 after class 1 */
	dns_canon_sort(v, 4);
	assert_int_equal(v[0].type, DNS_T_A);
	assert_int_equal(v[0].rclass, DNS_C_IN);
	assert_int_equal(v[1].type, DNS_T_TXT);
	assert_int_equal(v[2].rclass, DNS_C_CH);
	assert_int_equal(v[3].owner.wire[1], 'b');
}

static void test_canonical_form(void **state)
{
	(void)state;
	dns_rr_t rr = mk_ns("WWW.Example.", 3600, "NS1.Example.NET.");
	dns_canon_rr(&rr, 86400);
	dns_name_t want;
	assert_int_equal(dns_name_from_str("www.example.", NULL, &want),
			 DNS_OK);
	assert_memory_equal(rr.owner.wire, want.wire, want.len);
	assert_int_equal(rr.ttl, 86400);
	/* NS target lowercased (RFC 4034 6.2 item 3) */
	assert_int_equal(dns_name_from_str("ns1.example.net.", NULL, &want),
			 DNS_OK);
	assert_int_equal(rr.rdlen, want.len);
	assert_memory_equal(rr.rdata, want.wire, want.len);

	/* TXT RDATA is not touched, only the owner */
	dns_rr_t txt = mkrr("A.example.", DNS_T_TXT, 5,
			    "\x03"
			    "ABC",
			    4);
	dns_canon_rr(&txt, 7);
	assert_memory_equal(txt.rdata,
			    "\x03"
			    "ABC",
			    4);
	assert_int_equal(txt.owner.wire[1], 'a');
	assert_int_equal(txt.ttl, 7);
}

static void test_canonical_wire(void **state)
{
	(void)state;
	dns_rr_t rr = mk_ns("A.b.", 3600, "C.d.");
	const dns_rr_t before = rr;
	uint8_t before_rd[8];
	memcpy(before_rd, rr.rdata, rr.rdlen);
	uint8_t buf[64];
	dns_wire_t w = dns_wire_writer(buf, sizeof(buf));
	assert_int_equal(dns_canon_rr_wire(&rr, 0x01020304, &w), DNS_OK);
	static const uint8_t want[] = {
	    1, 'a', 1, 'b', 0, /* owner, lowercased */
	    0, 2,   0, 1,      /* NS IN */
	    1, 2,   3, 4,      /* original TTL */
	    0, 5,	       /* RDLENGTH */
	    1, 'c', 1, 'd', 0, /* target, lowercased */
	};
	assert_int_equal(w.pos, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	/* the RR itself is unchanged */
	assert_memory_equal(&rr.owner, &before.owner, sizeof(dns_name_t));
	assert_int_equal(rr.ttl, 3600);
	assert_memory_equal(rr.rdata, before_rd, rr.rdlen);

	dns_wire_t small = dns_wire_writer(buf, sizeof(want) - 1);
	assert_int_equal(dns_canon_rr_wire(&rr, 1, &small), DNS_E_SPACE);
}

static void test_rrset_grouping(void **state)
{
	(void)state;
	dns_rr_t v[] = {
	    mk_sig("a.example.", DNS_T_A, 2),
	    mk_a("a.example.", 60, 2),
	    mkrr("a.example.", DNS_T_AAAA, 60,
		 "\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\1", 16),
	    mk_sig("A.example.", DNS_T_AAAA, 1),
	    mk_a("A.EXAMPLE.", 60, 1),
	    mk_sig("a.example.", DNS_T_A, 1),
	    mk_a("b.example.", 60, 1),
	};
	const size_t n = sizeof(v) / sizeof(v[0]);
	dns_canon_sort(v, n);
	/* without the flag: A(2), AAAA(1), RRSIG(3), A at b (1) */
	static const size_t plain[] = {2, 1, 3, 1};
	/* RRSIGs split by covered type: RRSIG(A) x2, RRSIG(AAAA) x1 */
	static const size_t split[] = {2, 1, 2, 1, 1};
	size_t k = 0;
	for (size_t i = 0, end; i < n; i = end, k++) {
		end = dns_canon_rrset_end(v, n, i, 0);
		assert_true(k < 4);
		assert_int_equal(end - i, plain[k]);
	}
	assert_int_equal(k, 4);
	k = 0;
	for (size_t i = 0, end; i < n; i = end, k++) {
		end = dns_canon_rrset_end(v, n, i, DNS_CANON_RRSIG_COVERED);
		assert_true(k < 5);
		assert_int_equal(end - i, split[k]);
		if (v[i].type == DNS_T_RRSIG)
			for (size_t j = i; j < end; j++)
				assert_int_equal(dns_get_u16(v[j].rdata),
						 dns_get_u16(v[i].rdata));
	}
	assert_int_equal(k, 5);

	/* an RRSIG too short to name a covered type groups with nothing */
	dns_rr_t s1 = mkrr("a.", DNS_T_RRSIG, 1, "\x00", 1);
	dns_rr_t s2 = mkrr("a.", DNS_T_RRSIG, 1, "\x00", 1);
	assert_false(dns_canon_same_rrset(&s1, &s2, DNS_CANON_RRSIG_COVERED));
	assert_true(dns_canon_same_rrset(&s1, &s2, 0));
}

static void test_dedup(void **state)
{
	(void)state;
	dns_rr_t v[] = {
	    mk_a("a.example.", 300, 1),	      mk_a("A.example.", 60, 1),
	    mk_a("a.example.", 60, 2),	      mk_a("a.example.", 60, 1),
	    mk_ns("a.example.", 60, "NS.x."), mk_ns("a.example.", 60, "ns.X."),
	    mk_a("b.example.", 60, 1),
	};
	size_t n = sizeof(v) / sizeof(v[0]);
	/* before canonicalization the NS targets differ in case */
	dns_canon_sort(v, n);
	assert_int_equal(dns_canon_dedup(v, n), 5);

	dns_canon_rrs(v, n); /* order of the survivors is still canonical */
	dns_canon_sort(v, n);
	n = dns_canon_dedup(v, n);
	assert_int_equal(n, 4);
	assert_int_equal(v[0].type, DNS_T_A);
	assert_int_equal(v[0].rdata[3], 1);
	assert_int_equal(v[0].ttl, 60); /* the lowest TTL is kept */
	assert_int_equal(v[1].rdata[3], 2);
	assert_int_equal(v[2].type, DNS_T_NS);
	assert_int_equal(v[3].owner.wire[1], 'b');
	assert_int_equal(dns_canon_dedup(v, 0), 0);
}

static void test_diff_equal(void **state)
{
	(void)state;
	dns_rr_t a[] = {
	    mk_a("www.example.", 60, 1),
	    mk_ns("example.", 300, "NS1.example."),
	    mk_a("www.example.", 60, 2),
	};
	dns_rr_t b[] = {
	    mk_ns("EXAMPLE.", 300, "ns1.EXAMPLE."), mk_a("www.example.", 60, 2),
	    mk_a("WWW.example.", 60, 1),
	    mk_a("www.example.", 60, 2), /* a duplicate */
	};
	dns_rr_t a_copy[3];
	memcpy(a_copy, a, sizeof(a));
	dns_diff_t d;
	assert_int_equal(dns_canon_diff(a, 3, b, 4, DNS_DIFF_CMP_TTL, &d),
			 DNS_OK);
	assert_int_equal(d.kind, DNS_DIFF_EQUAL);
	/* inputs untouched: owner case and RDATA case kept, order kept */
	assert_memory_equal(a, a_copy, sizeof(a));
	assert_int_equal(a[1].rdata[1], 'N');
	assert_int_equal(dns_canon_diff(NULL, 0, NULL, 0, 0, &d), DNS_OK);
	assert_int_equal(d.kind, DNS_DIFF_EQUAL);
}

static void test_diff_differences(void **state)
{
	(void)state;
	dns_rr_t a[] = {
	    mk_a("www.example.", 60, 1),
	    mk_a("www.example.", 60, 2),
	    mk_a("www.example.", 60, 3),
	};
	dns_rr_t b[] = {
	    mk_a("www.example.", 99, 3),
	    mk_a("www.example.", 60, 1),
	    mk_a("www.example.", 60, 4),
	};
	dns_diff_t d;
	/* first difference in canonical order: .2 is in a only */
	assert_int_equal(dns_canon_diff(a, 3, b, 3, 0, &d), DNS_OK);
	assert_int_equal(d.kind, DNS_DIFF_MISSING_IN_B);
	assert_int_equal(d.index_a, 1);
	/* a without .2: now .4 of b is missing in a */
	dns_rr_t a2[] = {a[0], a[2]};
	assert_int_equal(dns_canon_diff(a2, 2, b, 3, 0, &d), DNS_OK);
	assert_int_equal(d.kind, DNS_DIFF_MISSING_IN_A);
	assert_int_equal(d.index_b, 2);
	/* same RRs, TTLs differ: only with DNS_DIFF_CMP_TTL */
	dns_rr_t b2[] = {b[1], b[0]};
	assert_int_equal(dns_canon_diff(a2, 2, b2, 2, 0, &d), DNS_OK);
	assert_int_equal(d.kind, DNS_DIFF_EQUAL);
	assert_int_equal(dns_canon_diff(a2, 2, b2, 2, DNS_DIFF_CMP_TTL, &d),
			 DNS_OK);
	assert_int_equal(d.kind, DNS_DIFF_TTL);
	assert_int_equal(d.index_a, 1);
	assert_int_equal(d.index_b, 1);
	/* class and type are part of the identity */
	dns_rr_t c = a[0];
	c.rclass = DNS_C_CH;
	assert_int_equal(dns_canon_diff(a, 1, &c, 1, 0, &d), DNS_OK);
	assert_int_equal(d.kind, DNS_DIFF_MISSING_IN_B);
	/* one side empty */
	assert_int_equal(dns_canon_diff(NULL, 0, b, 1, 0, &d), DNS_OK);
	assert_int_equal(d.kind, DNS_DIFF_MISSING_IN_A);
	assert_int_equal(d.index_b, 0);
}

/* Allocation failure at each allocation point of dns_canon_diff: NOMEM,
 * nothing leaked (ASan), and success once allocations are allowed. The
 * arrays are large enough to need several arena chunks. */
static void test_diff_nomem(void **state)
{
	(void)state;
	enum { N = 400 };
	static dns_rr_t a[N];
	for (size_t i = 0; i < N; i++)
		a[i] = mk_a("a.example.", 1, (uint8_t)i);
	dns_diff_t d;
	long k = 0;
	for (;; k++) {
		dns_mem_fail_after(k);
		dns_rc_t rc = dns_canon_diff(a, N, a, N, 0, &d);
		dns_mem_fail_after(-1);
		if (rc == DNS_OK)
			break;
		assert_int_equal(rc, DNS_E_NOMEM);
		assert_true(k < 100);
	}
	assert_true(k >= 2); /* failures in both copies were exercised */
	assert_int_equal(d.kind, DNS_DIFF_EQUAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rdata_cmp),
	    cmocka_unit_test(test_rfc4034_name_order),
	    cmocka_unit_test(test_permutations_sort_alike),
	    cmocka_unit_test(test_order_class_then_type),
	    cmocka_unit_test(test_canonical_form),
	    cmocka_unit_test(test_canonical_wire),
	    cmocka_unit_test(test_rrset_grouping),
	    cmocka_unit_test(test_dedup),
	    cmocka_unit_test(test_diff_equal),
	    cmocka_unit_test(test_diff_differences),
	    cmocka_unit_test(test_diff_nomem),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
