/* canon.h - canonical form and order of resource records (RFC 4034
 * section 6), RRset grouping, and order-independent comparison of RR
 * arrays.
 *
 * Order used throughout (a total order, so sorting is deterministic):
 *   1. owner name in canonical name order (RFC 4034 6.1, dns_name_compare:
 *      case-insensitive, label by label from the root);
 *   2. class, numerically;
 *   3. type, numerically;
 *   4. RDATA as a left-justified unsigned octet sequence, a proper prefix
 *      sorting first (RFC 4034 6.3);
 *   5. tie-breaks that do not affect RRset membership: the owner's
 *      octets as stored (so case variants sort alike every time), then TTL.
 * RFC 4034 only defines the order of RRs within one RRset (step 4); steps
 * 2 and 3 are this module's choice for RRs of one owner. Since an RRSIG's
 * RDATA begins with the type covered, step 4 already orders the RRSIGs of
 * one owner by covered type.
 *
 * RDATA is compared exactly as stored: the RRs must be in canonical form
 * (dns_canon_rr / dns_canon_rrs) for step 4 to be the canonical order.
 */
#ifndef DNS_CANON_H
#define DNS_CANON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/err.h"
#include "dns/rr.h"
#include "dns/wire.h"

/* Put rr in canonical form in place (RFC 4034 6.2): owner lowercased,
 * RDATA through dns_rdata_canonicalize, TTL set to original_ttl (the
 * RRSIG's Original TTL when signing or verifying). Wildcard expansion of
 * the owner (6.2 item 4) is the signer's business, not done here. */
void dns_canon_rr(dns_rr_t *rr, uint32_t original_ttl);

/* Owner and RDATA of every RR of rrs[0..n) in canonical form in place;
 * TTLs are left as they are. */
void dns_canon_rrs(dns_rr_t *rrs, size_t n);

/* Write the canonical wire form of rr (owner | type | class |
 * original_ttl | RDLENGTH | RDATA, RFC 4034 6.2 and 3.1.8.1) into w without
 * changing rr. Errors stick in w (DNS_E_SPACE); returns w->err. */
dns_rc_t dns_canon_rr_wire(const dns_rr_t *rr, uint32_t original_ttl,
			   dns_wire_t *w);

/* Canonical RDATA order: <0, 0, >0 comparing alen bytes at a with blen
 * bytes at b as unsigned octets, the shorter first when it is a prefix. */
int dns_canon_rdata_cmp(const uint8_t *a, size_t alen, const uint8_t *b,
			size_t blen);

/* The order of this module (see the top of this file): <0, 0, >0. 0 only
 * for RRs identical in owner octets, class, type, TTL and RDATA. */
int dns_canon_rr_cmp(const dns_rr_t *a, const dns_rr_t *b);

/* Sort rrs[0..n) in the order above (qsort: nothing through dns_mem_alloc,
 * cannot fail). */
void dns_canon_sort(dns_rr_t *rrs, size_t n);

/* Grouping flag: RRSIGs form one RRset per covered type. */
#define DNS_CANON_RRSIG_COVERED 1u

/* True when a and b belong to the same RRset: owner equal ignoring case,
 * same class and type, and with DNS_CANON_RRSIG_COVERED, for RRSIGs the
 * same covered type (an RRSIG with fewer than 2 RDATA bytes covers
 * nothing and is alone in its group). */
bool dns_canon_same_rrset(const dns_rr_t *a, const dns_rr_t *b, unsigned flags);

/* In a sorted array rrs[0..n), the index one past the RRset that starts
 * at i (i < n). Iterate: for (i = 0; i < n; i = end) end = ...(i). */
size_t dns_canon_rrset_end(const dns_rr_t *rrs, size_t n, size_t i,
			   unsigned flags);

/* Remove duplicate RRs (same RRset, equal RDATA octets; RFC 2181 5, RFC
 * 4034 6.3) from a sorted array in place, keeping the first of each run
 * (after dns_canon_rrs, the one with the lowest TTL) and the order.
 * Returns the new count. Names inside RDATA that differ in case only count
 * as duplicates once canonicalized. */
size_t dns_canon_dedup(dns_rr_t *rrs, size_t n);

/* Outcome of dns_canon_diff. Indexes refer to the caller's arrays. */
typedef enum dns_diff_kind {
	DNS_DIFF_EQUAL = 0,
	DNS_DIFF_MISSING_IN_B, /* a[index_a] has no equal RR in b */
	DNS_DIFF_MISSING_IN_A, /* b[index_b] has no equal RR in a */
	DNS_DIFF_TTL,	       /* a[index_a] and b[index_b] differ in TTL */
} dns_diff_kind_t;

typedef struct dns_diff {
	dns_diff_kind_t kind;
	size_t index_a, index_b; /* meaningful as the kind says */
} dns_diff_t;

/* Flags for dns_canon_diff. */
#define DNS_DIFF_CMP_TTL 1u /* TTLs must be equal too */

/* Compare a[0..na) and b[0..nb) as sets of RRsets, independent of order,
 * of the case of owner names and of names in RDATA that canonical form
 * lowercases, and of duplicates. Neither array is changed. *diff receives
 * DNS_DIFF_EQUAL or the first difference in canonical order. Returns
 * DNS_OK, or DNS_E_NOMEM (working copies are allocated through
 * dns_mem_alloc and freed before returning; *diff is then EQUAL and
 * meaningless). */
dns_rc_t dns_canon_diff(const dns_rr_t *a, size_t na, const dns_rr_t *b,
			size_t nb, unsigned flags, dns_diff_t *diff);

#endif
