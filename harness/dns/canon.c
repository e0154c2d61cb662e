/* canon.c - canonical RR form and order, RRsets, order-free comparison. */
#include "dns/canon.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/arena.h"
#include "dns/name.h"
#include "dns/rdata.h"

void dns_canon_rr(dns_rr_t *rr, uint32_t original_ttl)
{
	dns_name_lower(&rr->owner);
	dns_rdata_canonicalize(rr->type, rr->rdata, rr->rdlen);
	rr->ttl = original_ttl;
}

void dns_canon_rrs(dns_rr_t *rrs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		dns_canon_rr(&rrs[i], rrs[i].ttl);
}

dns_rc_t dns_canon_rr_wire(const dns_rr_t *rr, uint32_t original_ttl,
			   dns_wire_t *w)
{
	size_t owner_at = w->pos;
	dns_wire_put_bytes(w, rr->owner.wire, rr->owner.len);
	dns_wire_put_u16(w, rr->type);
	dns_wire_put_u16(w, rr->rclass);
	dns_wire_put_u32(w, original_ttl);
	dns_wire_put_u16(w, rr->rdlen);
	size_t rdata_at = w->pos;
	dns_wire_put_bytes(w, rr->rdata, rr->rdlen);
	if (!dns_wire_ok(w))
		return w->err;
	/* canonicalize the copies just written, not the caller's RR */
	dns_name_wire_lower(w->out + owner_at);
	dns_rdata_canonicalize(rr->type, w->out + rdata_at, rr->rdlen);
	return DNS_OK;
}

int dns_canon_rdata_cmp(const uint8_t *a, size_t alen, const uint8_t *b,
			size_t blen)
{
	size_t n = alen < blen ? alen : blen;
	int d = n > 0 ? memcmp(a, b, n) : 0;
	if (d != 0)
		return d < 0 ? -1 : 1;
	if (alen == blen)
		return 0;
	return alen < blen ? -1 : 1;
}

static int cmp_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

/* Steps 1-4 of the order: what decides RRset membership and duplicates. */
static int rr_cmp_key(const dns_rr_t *a, const dns_rr_t *b)
{
	int d = dns_name_compare(&a->owner, &b->owner);
	if (d != 0)
		return d < 0 ? -1 : 1;
	if (a->rclass != b->rclass)
		return cmp_u32(a->rclass, b->rclass);
	if (a->type != b->type)
		return cmp_u32(a->type, b->type);
	return dns_canon_rdata_cmp(a->rdata, a->rdlen, b->rdata, b->rdlen);
}

int dns_canon_rr_cmp(const dns_rr_t *a, const dns_rr_t *b)
{
	int d = rr_cmp_key(a, b);
	if (d != 0)
		return d;
	/* equal ignoring case means equal lengths */
	d = memcmp(a->owner.wire, b->owner.wire, a->owner.len);
	if (d != 0)
		return d < 0 ? -1 : 1;
	return cmp_u32(a->ttl, b->ttl);
}

static int qsort_rr_cmp(const void *a, const void *b)
{
	return dns_canon_rr_cmp(a, b);
}

void dns_canon_sort(dns_rr_t *rrs, size_t n)
{
	if (n > 1)
		qsort(rrs, n, sizeof(*rrs), qsort_rr_cmp);
}

/* Covered type of an RRSIG, or -1 when its RDATA is too short to say. */
static long rrsig_covered(const dns_rr_t *rr)
{
	return rr->rdlen >= 2 ? (long)dns_get_u16(rr->rdata) : -1;
}

bool dns_canon_same_rrset(const dns_rr_t *a, const dns_rr_t *b, unsigned flags)
{
	if (a->type != b->type || a->rclass != b->rclass ||
	    !dns_name_equal(&a->owner, &b->owner))
		return false;
	if (a->type != DNS_T_RRSIG || !(flags & DNS_CANON_RRSIG_COVERED))
		return true;
	long ca = rrsig_covered(a), cb = rrsig_covered(b);
	return ca >= 0 && ca == cb;
}

size_t dns_canon_rrset_end(const dns_rr_t *rrs, size_t n, size_t i,
			   unsigned flags)
{
	size_t end = i + 1;
	while (end < n && dns_canon_same_rrset(&rrs[i], &rrs[end], flags))
		end++;
	return end;
}

static bool is_duplicate(const dns_rr_t *a, const dns_rr_t *b)
{
	return dns_canon_same_rrset(a, b, 0) &&
	       dns_canon_rdata_cmp(a->rdata, a->rdlen, b->rdata, b->rdlen) == 0;
}

size_t dns_canon_dedup(dns_rr_t *rrs, size_t n)
{
	if (n == 0)
		return 0;
	size_t kept = 1;
	for (size_t i = 1; i < n; i++) {
		if (is_duplicate(&rrs[kept - 1], &rrs[i]))
			continue;
		rrs[kept++] = rrs[i];
	}
	return kept;
}

/* ---- order-independent comparison -------------------------------------- */

/* A canonical working copy of a caller's RR, remembering its index. */
typedef struct work_rr {
	dns_rr_t rr; /* first member: qsort_rr_cmp applies */
	size_t index;
} work_rr_t;

/* Canonical copies of rrs[0..n) in arena memory, sorted, deduplicated;
 * *out gets the count. NULL when memory runs out. */
static work_rr_t *work_copy(dns_arena_t *ar, const dns_rr_t *rrs, size_t n,
			    size_t *out)
{
	*out = 0;
	if (n > SIZE_MAX / sizeof(work_rr_t))
		return NULL;
	work_rr_t *v = dns_arena_alloc(ar, n * sizeof(*v) + 1);
	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		v[i].rr = rrs[i];
		v[i].index = i;
		v[i].rr.rdata = dns_arena_dup(ar, rrs[i].rdata, rrs[i].rdlen);
		if (v[i].rr.rdata == NULL)
			return NULL;
		dns_canon_rr(&v[i].rr, rrs[i].ttl);
	}
	qsort(v, n, sizeof(*v), qsort_rr_cmp);
	size_t kept = n > 0 ? 1 : 0;
	for (size_t i = 1; i < n; i++)
		if (!is_duplicate(&v[kept - 1].rr, &v[i].rr))
			v[kept++] = v[i];
	*out = kept;
	return v;
}

/* Walk two sorted, deduplicated arrays; the first difference wins. */
static void diff_walk(const work_rr_t *a, size_t na, const work_rr_t *b,
		      size_t nb, unsigned flags, dns_diff_t *diff)
{
	size_t i = 0, j = 0;
	while (i < na || j < nb) {
		int d = i == na	  ? 1
			: j == nb ? -1
				  : rr_cmp_key(&a[i].rr, &b[j].rr);
		if (d < 0) {
			diff->kind = DNS_DIFF_MISSING_IN_B;
			diff->index_a = a[i].index;
			return;
		}
		if (d > 0) {
			diff->kind = DNS_DIFF_MISSING_IN_A;
			diff->index_b = b[j].index;
			return;
		}
		if ((flags & DNS_DIFF_CMP_TTL) && a[i].rr.ttl != b[j].rr.ttl) {
			diff->kind = DNS_DIFF_TTL;
			diff->index_a = a[i].index;
			diff->index_b = b[j].index;
			return;
		}
		i++;
		j++;
	}
}

dns_rc_t dns_canon_diff(const dns_rr_t *a, size_t na, const dns_rr_t *b,
			size_t nb, unsigned flags, dns_diff_t *diff)
{
	diff->kind = DNS_DIFF_EQUAL;
	diff->index_a = diff->index_b = 0;
	dns_arena_t ar;
	dns_arena_init(&ar, 0);
	size_t ka = 0, kb = 0;
	work_rr_t *wa = work_copy(&ar, a, na, &ka);
	work_rr_t *wb = wa != NULL ? work_copy(&ar, b, nb, &kb) : NULL;
	dns_rc_t rc = DNS_E_NOMEM;
	if (wb != NULL) {
		diff_walk(wa, ka, wb, kb, flags, diff);
		rc = DNS_OK;
	}
	dns_arena_free(&ar);
	return rc;
}
