/* fuzz_canon.c - canonical form and order, RRsets, dedup and diff
 * (canon.h).
 *
 * Input: a list of RRs, each taken from the front of the input as
 *   owner:  1 byte; bit 7 set and a valid wire name follows: that name;
 *           otherwise a name of a small pool (case variants included);
 *   type:   1 byte picking A NS CNAME SOA PTR MX TXT DNAME RRSIG NSEC DS,
 *           or a raw 16-bit type that follows;
 *   class:  1 byte (IN, CH, ANY, or IN again); TTL: 1 byte (4 values);
 *   RDATA:  1 byte; bit 7 set: a pool name (after 2 bytes for MX and 18
 *           for RRSIG, so names inside RDATA have case variants too);
 *           otherwise (byte mod 32) raw bytes;
 * at most 24 RRs; the bytes after them pick a permutation (Fisher-Yates).
 *
 * Oracles:
 *  - dns_canon_rr_cmp is antisymmetric, reflexive, and 0 only for RRs
 *    identical in owner octets, class, type, TTL and RDATA (checked on
 *    the pairs of the first 12 RRs);
 *  - sorting the RRs and sorting a permutation of them give identical
 *    arrays, in non-decreasing order; the same for their canonical forms;
 *  - dns_canon_rrset_end splits a sorted array into groups of one RRset
 *    each, and no two groups are the same RRset;
 *  - dns_canon_dedup leaves no two equal RRs of one RRset, keeps one of
 *    each, and is idempotent;
 *  - dns_canon_diff finds a permutation EQUAL (with and without TTLs), and
 *    finds the set missing one RR that has no duplicate not EQUAL;
 *  - dns_canon_rr_wire writes owner, 10 fixed bytes and the RDATA, with
 *    the owner lowercased.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dns/canon.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "fuzz_util.h"

#define MAX_RRS 24u
#define RD_MAX	(18u + DNS_NAME_MAXLEN)

typedef struct rrset_copy {
	dns_rr_t rr[MAX_RRS];
	uint8_t rd[MAX_RRS][RD_MAX];
	size_t n;
} rrs_t;

static rrs_t orig, a, b, c, d;

static const char *const pool[] = {
    "example.",
    "EXAMPLE.",
    "a.example.",
    "A.example.",
    "b.a.example.",
    "*.example.",
    "z.example.",
    ".",
    "\\000.example.",
    "a.b.example.",
    "xn--bcher-kva.example.",
    "\\200.example.",
};
#define POOL_N (sizeof(pool) / sizeof(pool[0]))

static const uint16_t types[] = {1, 2, 5, 6, 12, 15, 16, 39, 46, 47, 43};
#define TYPES_N (sizeof(types) / sizeof(types[0]))

static void pool_name(unsigned i, dns_name_t *out)
{
	dns_rc_t rc = dns_name_from_str(pool[i % POOL_N], NULL, out);
	FUZZ_CHECK(rc == DNS_OK, "pool name %s", pool[i % POOL_N]);
}

/* Copy src into dst with RDATA in dst's own storage. */
static void copy_set(rrs_t *dst, const rrs_t *src)
{
	dst->n = src->n;
	for (size_t i = 0; i < src->n; i++) {
		dst->rr[i] = src->rr[i];
		memcpy(dst->rd[i], src->rr[i].rdata, src->rr[i].rdlen);
		dst->rr[i].rdata = dst->rd[i];
	}
}

static void read_owner(fuzz_in_t *in, dns_name_t *owner)
{
	uint8_t sel = fuzz_u8(in);
	if ((sel & 0x80) != 0 &&
	    dns_name_from_wire(in->p, in->n, owner) == DNS_OK) {
		size_t got;
		fuzz_take(in, owner->len, &got);
		return;
	}
	pool_name(sel, owner);
}

static void read_rdata(fuzz_in_t *in, dns_rr_t *rr, uint8_t *rd)
{
	uint8_t sel = fuzz_u8(in);
	size_t got = 0;
	if ((sel & 0x80) != 0) {
		size_t pre = rr->type == 15 ? 2 : rr->type == 46 ? 18 : 0;
		dns_name_t nm;
		pool_name(sel, &nm);
		const uint8_t *p = fuzz_take(in, pre, &got);
		memset(rd, 0, pre);
		memcpy(rd, p, got);
		memcpy(rd + pre, nm.wire, nm.len);
		rr->rdlen = (uint16_t)(pre + nm.len);
		return;
	}
	const uint8_t *p = fuzz_take(in, sel % 32u, &got);
	memcpy(rd, p, got);
	rr->rdlen = (uint16_t)got;
}

static void read_rrs(fuzz_in_t *in, rrs_t *s)
{
	static const uint16_t classes[] = {1, 3, 255, 1};
	s->n = 0;
	while (in->n > 0 && s->n < MAX_RRS) {
		dns_rr_t *rr = &s->rr[s->n];
		memset(rr, 0, sizeof(*rr));
		read_owner(in, &rr->owner);
		uint8_t t = fuzz_u8(in);
		rr->type = t < 128 ? types[t % TYPES_N] : fuzz_u16(in);
		rr->rclass = classes[fuzz_u8(in) % 4u];
		rr->ttl = (uint32_t)(fuzz_u8(in) % 4u) * 100u;
		rr->rdata = s->rd[s->n];
		read_rdata(in, rr, s->rd[s->n]);
		s->n++;
		if (fuzz_u8(in) == 0) /* a zero byte ends the list */
			break;
	}
}

static void permute(fuzz_in_t *in, rrs_t *s)
{
	for (size_t i = s->n; i > 1; i--) {
		size_t j = fuzz_u8(in) % i;
		dns_rr_t t = s->rr[i - 1];
		s->rr[i - 1] = s->rr[j];
		s->rr[j] = t;
	}
}

static bool identical(const dns_rr_t *x, const dns_rr_t *y)
{
	return x->owner.len == y->owner.len &&
	       memcmp(x->owner.wire, y->owner.wire, x->owner.len) == 0 &&
	       x->type == y->type && x->rclass == y->rclass &&
	       x->ttl == y->ttl && x->rdlen == y->rdlen &&
	       (x->rdlen == 0 || memcmp(x->rdata, y->rdata, x->rdlen) == 0);
}

static int sign(int v)
{
	return (v > 0) - (v < 0);
}

/* Pairwise properties on the first ORDER_PAIRS RRs (quadratic cost). */
#define ORDER_PAIRS 12u

static void check_order(const rrs_t *s)
{
	size_t n = s->n < ORDER_PAIRS ? s->n : ORDER_PAIRS;
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(dns_canon_rr_cmp(&s->rr[i], &s->rr[i]) == 0,
			   "reflexive");
		for (size_t j = i + 1; j < n; j++) {
			int x = dns_canon_rr_cmp(&s->rr[i], &s->rr[j]);
			int y = dns_canon_rr_cmp(&s->rr[j], &s->rr[i]);
			FUZZ_CHECK(sign(x) == -sign(y), "antisymmetric %zu %zu",
				   i, j);
			FUZZ_CHECK((x == 0) == identical(&s->rr[i], &s->rr[j]),
				   "cmp 0 iff identical (%zu %zu)", i, j);
		}
	}
}

static void check_sorted_same(const rrs_t *x, const rrs_t *y, const char *w)
{
	FUZZ_CHECK(x->n == y->n, "%s: count", w);
	for (size_t i = 0; i < x->n; i++) {
		FUZZ_CHECK(identical(&x->rr[i], &y->rr[i]),
			   "%s: sorted arrays differ at %zu", w, i);
		if (i + 1 < x->n)
			FUZZ_CHECK(dns_canon_rr_cmp(&x->rr[i], &x->rr[i + 1]) <=
				       0,
				   "%s: not sorted at %zu", w, i);
	}
}

static void check_groups(const rrs_t *s, unsigned flags)
{
	size_t starts[MAX_RRS], ng = 0;
	for (size_t i = 0, end; i < s->n; i = end) {
		end = dns_canon_rrset_end(s->rr, s->n, i, flags);
		FUZZ_CHECK(end > i && end <= s->n, "rrset_end %zu from %zu",
			   end, i);
		for (size_t k = i + 1; k < end; k++)
			FUZZ_CHECK(
			    dns_canon_same_rrset(&s->rr[i], &s->rr[k], flags),
			    "group %zu..%zu mixes RRsets", i, end);
		starts[ng++] = i;
	}
	for (size_t g = 0; g < ng; g++)
		for (size_t h = g + 1; h < ng; h++)
			FUZZ_CHECK(
			    !dns_canon_same_rrset(&s->rr[starts[g]],
						  &s->rr[starts[h]], flags),
			    "RRset split into groups %zu and %zu (flags %u)",
			    starts[g], starts[h], flags);
}

static bool dup_of(const dns_rr_t *x, const dns_rr_t *y)
{
	return dns_canon_same_rrset(x, y, 0) &&
	       dns_canon_rdata_cmp(x->rdata, x->rdlen, y->rdata, y->rdlen) == 0;
}

/* s: sorted canonical copy (it is modified). */
static void check_dedup(rrs_t *s)
{
	rrs_t before;
	copy_set(&before, s);
	size_t m = dns_canon_dedup(s->rr, s->n);
	FUZZ_CHECK(m >= (s->n > 0) && m <= s->n, "dedup kept %zu of %zu", m,
		   s->n);
	for (size_t i = 0; i < m; i++)
		for (size_t j = i + 1; j < m; j++)
			FUZZ_CHECK(!dup_of(&s->rr[i], &s->rr[j]),
				   "duplicates %zu %zu left", i, j);
	for (size_t i = 0; i < before.n; i++) {
		bool kept = false;
		for (size_t j = 0; j < m && !kept; j++)
			kept = dup_of(&before.rr[i], &s->rr[j]);
		FUZZ_CHECK(kept, "RR %zu lost by dedup", i);
	}
	FUZZ_CHECK(dns_canon_dedup(s->rr, m) == m, "dedup not idempotent");
	s->n = m;
}

static void check_diff(const rrs_t *x, const rrs_t *perm, const rrs_t *canon)
{
	dns_diff_t df;
	FUZZ_CHECK(dns_canon_diff(x->rr, x->n, perm->rr, perm->n, 0, &df) ==
			   DNS_OK &&
		       df.kind == DNS_DIFF_EQUAL,
		   "permutation differs (kind %d)", df.kind);
	FUZZ_CHECK(dns_canon_diff(x->rr, x->n, perm->rr, perm->n,
				  DNS_DIFF_CMP_TTL, &df) == DNS_OK &&
		       df.kind == DNS_DIFF_EQUAL,
		   "permutation differs with TTLs (kind %d)", df.kind);
	/* drop the first RR with no duplicate (canonical comparison) */
	for (size_t i = 0; i < x->n; i++) {
		bool dup = false;
		for (size_t j = 0; j < x->n && !dup; j++)
			dup = j != i && dup_of(&canon->rr[i], &canon->rr[j]);
		if (dup)
			continue;
		rrs_t less;
		copy_set(&less, x);
		memmove(&less.rr[i], &less.rr[i + 1],
			(x->n - i - 1) * sizeof(less.rr[0]));
		less.n--;
		FUZZ_CHECK(dns_canon_diff(x->rr, x->n, less.rr, less.n, 0,
					  &df) == DNS_OK &&
			       df.kind == DNS_DIFF_MISSING_IN_B,
			   "RR %zu removed, diff kind %d", i, df.kind);
		break;
	}
}

static void check_wire(const rrs_t *s)
{
	uint8_t buf[DNS_NAME_MAXLEN + 10 + RD_MAX];
	for (size_t i = 0; i < s->n; i++) {
		const dns_rr_t *rr = &s->rr[i];
		dns_wire_t w = dns_wire_writer(buf, sizeof(buf));
		FUZZ_CHECK(dns_canon_rr_wire(rr, 7, &w) == DNS_OK, "rr_wire");
		FUZZ_CHECK(w.pos == rr->owner.len + 10u + rr->rdlen, "length");
		dns_name_t low = rr->owner;
		dns_name_lower(&low);
		FUZZ_CHECK(memcmp(buf, low.wire, low.len) == 0, "owner");
		FUZZ_CHECK(dns_get_u32(buf + low.len + 4) == 7, "TTL");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_in_t in = {data, size};
	read_rrs(&in, &orig);
	check_order(&orig);

	copy_set(&a, &orig);
	copy_set(&b, &orig);
	permute(&in, &b);
	rrs_t permuted;
	copy_set(&permuted, &b);
	dns_canon_sort(a.rr, a.n);
	dns_canon_sort(b.rr, b.n);
	check_sorted_same(&a, &b, "as given");
	check_groups(&a, 0);
	check_groups(&a, DNS_CANON_RRSIG_COVERED);

	copy_set(&c, &orig);
	copy_set(&d, &permuted);
	dns_canon_rrs(c.rr, c.n);
	dns_canon_rrs(d.rr, d.n);
	rrs_t canon_orig;
	copy_set(&canon_orig, &c);
	check_order(&c);
	dns_canon_sort(c.rr, c.n);
	dns_canon_sort(d.rr, d.n);
	check_sorted_same(&c, &d, "canonical");
	check_groups(&c, DNS_CANON_RRSIG_COVERED);

	check_diff(&orig, &permuted, &canon_orig);
	check_wire(&orig);
	check_dedup(&c);
	return 0;
}
