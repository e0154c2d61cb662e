/* fuzz_diff.c - differential: our message decoder against ldns and libknot.
 *
 * Input: a DNS message as received.
 *
 * Each input is decoded three times: dns_msg_decode (strict),
 * ldns_wire2pkt (ldns 1.8) and knot_pkt_parse (libknot 3.2, flags
 * KNOT_PF_NOCANON | KNOT_PF_KEEPWIRE: names keep their case and a TSIG
 * stays in place, as in our decoder).
 *
 * Oracles:
 *  1. accept/reject: where a peer's verdict differs from ours, one of
 *     the documented classes in `exceptions` below explains it (a
 *     predicate on the input, our first violation and what survey mode
 *     decodes; fuzz/README.md, "Differential target: disagreement
 *     classes", gives each one's reason: mostly a peer's leniency, some a
 *     peer's own limit or bug). Anything else aborts with the verdicts.
 *  2. content: where a peer and we both accept, the peer holds the same
 *     message: header fields, every question (name byte-exact, type,
 *     class), every record in order (owner byte-exact, type, class, TTL,
 *     RDATA in uncompressed form: ldns's rdfs concatenated, libknot's
 *     knot_rdata_t, both decompressed by the peer). ldns moves the OPT
 *     into its EDNS fields and the TSIG out of the additional section;
 *     they are compared there. Only a documented class in which the peer
 *     misreads the message (PEER_DIFFERS) skips the comparison.
 *
 * FUZZ_DIFF_LOG=1 in the environment turns oracle 1 into a report: one
 * line per disagreement ("diff: ...", explained or not) on stderr and no
 * abort, for finding the classes of a new corpus.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ldns/ldns.h>
#include <libknot/libknot.h>

#include "dns/arena.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "fuzz_util.h"

typedef struct diff {
	const uint8_t *wire;
	size_t len;
	const dns_msg_t *m;
	const dns_msg_t *survey; /* the same in survey mode: what follows
				    our first violation */
	dns_rc_t ours;		 /* strict decode */
	ldns_pkt *lp;
	ldns_status ls;
	knot_pkt_t *kp; /* NULL for inputs over 65535 bytes */
	int kr;
} diff_t;

typedef enum peer { PEER_LDNS, PEER_KNOT } peer_t;

static const char *const peer_names[] = {"ldns", "libknot"};

static bool log_only;

/* ---- facts about the input ----------------------------------------------- */

/* Our first violation (strict mode keeps exactly one). */
static const dns_violation_t *first(const diff_t *d)
{
	return d->m->nviol > 0 ? &d->m->viol[0] : NULL;
}

static bool ours_is(const diff_t *d, dns_rc_t code)
{
	return d->ours == code;
}

static bool ours_in(const diff_t *d, const dns_rc_t *codes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (d->ours == codes[i])
			return true;
	return false;
}

#define OURS_IN(d, ...)                                                        \
	ours_in((d), (const dns_rc_t[]){__VA_ARGS__},                          \
		sizeof((const dns_rc_t[]){__VA_ARGS__}) / sizeof(dns_rc_t))

/* ---- documented disagreements -------------------------------------------- */

/* What a documented class explains. */
typedef enum dir {
	PEER_ACCEPTS = 1, /* the peer accepts what we reject */
	PEER_REJECTS = 2, /* the peer rejects what we accept */
	PEER_DIFFERS = 4, /* both accept, the peer's content differs */
} dir_t;

typedef struct exception {
	const char *name; /* its row in fuzz/README.md */
	peer_t peer;
	unsigned dirs; /* dir_t bits */
	bool (*applies)(const diff_t *d);
	unsigned long seen;
} exception_t;

/* Our first violation is one of these codes. */
static bool rdata_layout(const diff_t *d)
{
	return OURS_IN(d, DNS_E_RDATA_SHORT, DNS_E_RDATA_TRAILING,
		       DNS_E_RDATA_FIELD, DNS_E_BITMAP, DNS_E_SVCB_PARAM);
}

static bool rdata_values(const diff_t *d)
{
	return OURS_IN(d, DNS_E_RDATA_FIELD, DNS_E_BITMAP, DNS_E_SVCB_PARAM);
}

static bool rdata_lengths(const diff_t *d)
{
	return OURS_IN(d, DNS_E_RDATA_SHORT, DNS_E_RDATA_TRAILING);
}

static bool placement(const diff_t *d)
{
	return OURS_IN(d, DNS_E_OPT_MULTI, DNS_E_OPT_SECTION, DNS_E_OPT_OWNER,
		       DNS_E_TSIG_NOT_LAST, DNS_E_TSIG_SECTION);
}

static bool edns_option(const diff_t *d)
{
	return ours_is(d, DNS_E_EDNS_OPTION);
}

static bool opt_owner(const diff_t *d)
{
	return ours_is(d, DNS_E_OPT_OWNER);
}

static bool trailing(const diff_t *d)
{
	return ours_is(d, DNS_E_TRAILING);
}

static bool ptr_forward(const diff_t *d)
{
	return ours_is(d, DNS_E_PTR_FORWARD);
}

static bool ptr_forbidden(const diff_t *d)
{
	return ours_is(d, DNS_E_PTR_FORBIDDEN);
}

/* Our hop cap: a peer that accepts followed more than DNS_PTR_MAXHOPS
 * pointers, all backwards (so no loop). */
static bool ptr_hops(const diff_t *d)
{
	return ours_is(d, DNS_E_PTR_LOOP);
}

/* Our first violation lies in the RDATA of a record: its owner and fixed
 * fields decode, so *type is its type. */
static bool failed_in_rdata(const diff_t *d, uint16_t *type)
{
	const dns_violation_t *v = first(d);
	if (v == NULL || v->section < DNS_SEC_ANSWER ||
	    v->section > DNS_SEC_ADDITIONAL || d->m->sec[v->section] == NULL ||
	    OURS_IN(d, DNS_E_COUNT, DNS_E_TRAILING, DNS_E_RDATA_OVERRUN) ||
	    placement(d) || edns_option(d))
		return false;
	/* the entry was begun (its wire_off set) when the violation came */
	const dns_rr_t *rr = &d->m->sec[v->section][v->index];
	if (rr->wire_off >= d->len)
		return false;
	dns_wire_t w = dns_wire_reader(d->wire, d->len);
	dns_name_t owner;
	w.pos = rr->wire_off;
	if (dns_name_unpack(&w, &owner, true) != DNS_OK ||
	    dns_wire_left(&w) < 10)
		return false;
	*type = dns_get_u16(d->wire + w.pos);
	return true;
}

/* The failed record of failed_in_rdata has no RDATA and a class other than
 * IN: libknot takes empty RDATA of any type there (allow_zero_rdata:
 * RFC 2136 deletions use NONE and ANY, and it applies it to every class
 * but IN). */
static bool knot_empty_not_in(const diff_t *d)
{
	uint16_t type;
	if (!failed_in_rdata(d, &type))
		return false;
	const dns_violation_t *v = first(d);
	dns_wire_t w = dns_wire_reader(d->wire, d->len);
	dns_name_t owner;
	w.pos = d->m->sec[v->section][v->index].wire_off;
	(void)dns_name_unpack(&w, &owner, true);
	dns_wire_skip(&w, 2);
	uint16_t rclass = dns_wire_u16(&w);
	dns_wire_skip(&w, 4);
	return dns_wire_u16(&w) == 0 && rclass != DNS_C_IN && dns_wire_ok(&w);
}

/* libknot's layout of a type: the RDATA blocks, names among them. */
static const knot_rdata_descriptor_t *knot_layout(uint16_t type)
{
	const knot_rdata_descriptor_t *desc = knot_get_rdata_descriptor(type);
	if (desc->type_name == NULL)
		desc = knot_get_obsolete_rdata_descriptor(type);
	return desc;
}

/* libknot reads the type's RDATA as one opaque block. */
static bool knot_opaque(uint16_t type)
{
	const int *b = knot_layout(type)->block_types;
	return b[0] == KNOT_RDATA_WF_REMAINDER && b[1] == KNOT_RDATA_WF_END;
}

static bool knot_opaque_rdata(const diff_t *d)
{
	uint16_t type;
	return failed_in_rdata(d, &type) && knot_opaque(type);
}

/* A field runs past RDLENGTH or bytes are left over, where libknot cannot
 * see it: its layout of the type ends in an opaque block (length fields
 * inside it are not read: TKEY, TSIG, NAPTR, SIG, ...), or bytes are left
 * over after names, which its length test lets pass when decompression
 * made the names longer than the bytes left over. */
static bool knot_rdata_lengths(const diff_t *d)
{
	uint16_t type;
	if (!rdata_lengths(d) || !failed_in_rdata(d, &type))
		return false;
	bool remainder = false, names = false;
	for (const int *b = knot_layout(type)->block_types;
	     *b != KNOT_RDATA_WF_END; b++) {
		remainder = *b == KNOT_RDATA_WF_REMAINDER;
		names = names || *b == KNOT_RDATA_WF_COMPRESSIBLE_DNAME ||
			*b == KNOT_RDATA_WF_DECOMPRESSIBLE_DNAME ||
			*b == KNOT_RDATA_WF_FIXED_DNAME;
	}
	return remainder || (ours_is(d, DNS_E_RDATA_TRAILING) && names);
}

/* ldns has a name field in the type's layout. */
static bool ldns_has_name(uint16_t type)
{
	const ldns_rr_descriptor *desc = ldns_rr_descript(type);
	size_t n = desc != NULL ? ldns_rr_descriptor_maximum(desc) : 0;
	for (size_t i = 0; i < n && i < 16; i++)
		if (ldns_rr_descriptor_field_type(desc, i) ==
		    LDNS_RDF_TYPE_DNAME)
			return true;
	return false;
}

/* A broken name in the RDATA of a type where ldns reads no name. */
static bool ldns_no_name(const diff_t *d)
{
	uint16_t type;
	return OURS_IN(d, DNS_E_LABEL_TYPE, DNS_E_LABEL_LEN, DNS_E_NAME_LEN,
		       DNS_E_PTR_RANGE) &&
	       failed_in_rdata(d, &type) && !ldns_has_name(type);
}

/* ldns reads RDATA field by field and leaves its cursor where its layout
 * ends, not at RDLENGTH's end: where its layout is narrower than the
 * RDATA (NSAP-PTR is one character-string to ldns, RFC 1706 section 6
 * says a domain name; SINK one byte; any RDATA with bytes left over), it
 * reads the next record from the wrong place. And it has layouts for types
 * we read as opaque (TALINK: two names), which fail on other bytes. True
 * when ldns, reading a record of the message (survey mode finds them)
 * where it starts, ends elsewhere than its RDATA, or fails on a record of
 * NSAP-PTR or of a type our table does not have. */
static bool ldns_misframes(const diff_t *d)
{
	for (unsigned s = 1; s < 4; s++)
		for (unsigned i = 0; i < d->survey->nsec[s]; i++) {
			size_t pos = d->survey->sec[s][i].wire_off;
			dns_wire_t w = dns_wire_reader(d->wire, d->len);
			dns_name_t owner;
			w.pos = pos;
			if (dns_name_unpack(&w, &owner, true) != DNS_OK)
				continue;
			uint16_t type = dns_wire_u16(&w);
			dns_wire_skip(&w, 6);
			size_t end = w.pos + 2 + dns_wire_u16(&w);
			ldns_rr *rr = NULL;
			if (ldns_wire2rr(&rr, d->wire, d->len, &pos,
					 LDNS_SECTION_ANSWER) !=
			    LDNS_STATUS_OK) {
				if (type == 23 || dns_type_info(type) == NULL)
					return true;
				continue;
			}
			ldns_rr_free(rr);
			if (pos != end)
				return true;
		}
	return false;
}

/* A record of a type our table does not have, for which ldns has a layout
 * with names (TALINK): to us (RFC 3597) its RDATA is opaque and never
 * decompressed, ldns decompresses the names it sees in it. */
static bool ldns_names_in_unknown(const diff_t *d)
{
	for (unsigned s = 1; s < 4; s++)
		for (unsigned i = 0; i < d->survey->nsec[s]; i++) {
			uint16_t type = d->survey->sec[s][i].type;
			if (dns_type_info(type) == NULL && ldns_has_name(type))
				return true;
		}
	return false;
}

/* ldns decrements ARCOUNT when it meets a TSIG in the additional section
 * while it is still counting records, so it reads one record fewer: our
 * violation in the additional section, with a TSIG there (survey mode
 * finds it when strict mode stopped first), never reaches it. */
static bool ldns_tsig_count(const diff_t *d)
{
	const dns_violation_t *v = first(d);
	const dns_msg_t *s = d->survey;
	if (v == NULL || v->section != DNS_SEC_ADDITIONAL)
		return false;
	for (unsigned i = 0; i < s->nsec[3]; i++)
		if (s->sec[3][i].type == DNS_T_TSIG)
			return true;
	return false;
}

/* ldns refuses a compression pointer to offset 0. */
static bool ldns_pointer_0(const diff_t *d)
{
	if (d->ls != LDNS_STATUS_INVALID_POINTER)
		return false;
	for (size_t i = DNS_HEADER_LEN; i + 1 < d->len; i++)
		if (d->wire[i] == 0xc0 && d->wire[i + 1] == 0)
			return true;
	return false;
}

static bool qdcount_over_1(const diff_t *d)
{
	return d->len >= DNS_HEADER_LEN && dns_get_u16(d->wire + 4) > 1;
}

/* The query name, in place at offset 12, ends in a pointer: libknot
 * wants the QNAME uncompressed. */
static bool knot_qname_pointer(const diff_t *d)
{
	size_t off = DNS_HEADER_LEN;
	if (d->m->nqd == 0)
		return false;
	while (off < d->len && d->wire[off] != 0) {
		if ((d->wire[off] & 0xc0) == 0xc0)
			return true;
		off += 1u + d->wire[off];
	}
	return false;
}

/* libknot refuses empty RDATA in class IN (CLASS 1) for every type its
 * table knows but APL (allow_zero_rdata in rrset-wire.c), even where the
 * layout allows it; an OPT with a UDP payload size of 1 has CLASS 1. */
static bool knot_empty_in(const diff_t *d)
{
	for (unsigned s = 1; s < 4; s++)
		for (unsigned i = 0; i < d->m->nsec[s]; i++) {
			const dns_rr_t *rr = &d->m->sec[s][i];
			if (rr->rdlen == 0 && rr->rclass == DNS_C_IN &&
			    rr->type != 42 &&
			    knot_layout(rr->type)->type_name != NULL)
				return true;
		}
	return false;
}

/* RDLENGTH as written for a record we decoded (its stored RDATA has names
 * decompressed); 0 when it cannot be read. */
static uint16_t wire_rdlength(const diff_t *d, const dns_rr_t *rr)
{
	dns_wire_t w = dns_wire_reader(d->wire, d->len);
	dns_name_t owner;
	w.pos = rr->wire_off;
	if (dns_name_unpack(&w, &owner, true) != DNS_OK)
		return 0;
	dns_wire_skip(&w, 8);
	return dns_wire_u16(&w);
}

/* libknot checks that decompressed RDATA is at least RDLENGTH long (its
 * test for bytes left over), so RDATA that shrinks when decompressed --
 * a pointer (2 bytes) to the root name (1 byte) -- is malformed to it. */
static bool knot_rdata_shrinks(const diff_t *d)
{
	for (unsigned s = 1; s < 4; s++)
		for (unsigned i = 0; i < d->m->nsec[s]; i++) {
			const dns_rr_t *rr = &d->m->sec[s][i];
			if (rr->rdlen < wire_rdlength(d, rr))
				return true;
		}
	return false;
}

/* Some compression pointer (a byte pair that reads as one) at p leads to
 * labels that run up to p or past it: the name it points to is not all
 * before the pointer. We accept that (every pointer points before itself
 * and before the segment it interrupts, so decoding ends); libknot bounds
 * a name inside RDATA, pointers followed, by the end of the RDATA. */
static bool knot_name_past_pointer(const diff_t *d)
{
	for (size_t p = DNS_HEADER_LEN; p + 1 < d->len; p++) {
		if ((d->wire[p] & 0xc0) != 0xc0)
			continue;
		size_t t = (size_t)(d->wire[p] & 0x3f) << 8 | d->wire[p + 1];
		while (t < p && d->wire[t] != 0 && (d->wire[t] & 0xc0) == 0)
			t += 1u + d->wire[t];
		if (t >= p)
			return true;
	}
	return false;
}

/* A LOC of a version other than 0 (opaque for us, RFC 1876 section 2)
 * that is not 16 bytes long: libknot's LOC is 16 fixed bytes. */
static bool knot_loc_version(const diff_t *d)
{
	for (unsigned s = 1; s < 4; s++)
		for (unsigned i = 0; i < d->m->nsec[s]; i++) {
			const dns_rr_t *rr = &d->m->sec[s][i];
			if (rr->type == 29 && rr->rdlen != 16 &&
			    rr->rdlen > 0 && rr->rdata[0] != 0)
				return true;
		}
	return false;
}

static exception_t exceptions[] = {
    {"ldns-trailing-bytes", PEER_LDNS, PEER_ACCEPTS, trailing, 0},
    {"ldns-rdata-unchecked", PEER_LDNS, PEER_ACCEPTS, rdata_layout, 0},
    {"ldns-no-name-in-layout", PEER_LDNS, PEER_ACCEPTS, ldns_no_name, 0},
    {"ldns-edns-options-unchecked", PEER_LDNS, PEER_ACCEPTS, edns_option, 0},
    {"ldns-opt-tsig-placement", PEER_LDNS, PEER_ACCEPTS, placement, 0},
    {"ldns-tsig-shortens-additional", PEER_LDNS, PEER_ACCEPTS, ldns_tsig_count,
     0},
    {"ldns-pointer-forward", PEER_LDNS, PEER_ACCEPTS, ptr_forward, 0},
    {"ldns-pointer-in-any-rdata", PEER_LDNS, PEER_ACCEPTS, ptr_forbidden, 0},
    {"ldns-pointer-hops", PEER_LDNS, PEER_ACCEPTS, ptr_hops, 0},
    {"ldns-names-in-unknown-type", PEER_LDNS, PEER_DIFFERS,
     ldns_names_in_unknown, 0},
    {"ldns-pointer-to-0", PEER_LDNS, PEER_REJECTS, ldns_pointer_0, 0},
    {"ldns-rdata-not-consumed", PEER_LDNS,
     PEER_ACCEPTS | PEER_REJECTS | PEER_DIFFERS, ldns_misframes, 0},
    {"knot-opaque-type", PEER_KNOT, PEER_ACCEPTS, knot_opaque_rdata, 0},
    {"knot-rdata-values-unchecked", PEER_KNOT, PEER_ACCEPTS, rdata_values, 0},
    {"knot-rdata-lengths", PEER_KNOT, PEER_ACCEPTS, knot_rdata_lengths, 0},
    {"knot-empty-rdata-not-in", PEER_KNOT, PEER_ACCEPTS, knot_empty_not_in, 0},
    {"knot-edns-options-unchecked", PEER_KNOT, PEER_ACCEPTS, edns_option, 0},
    {"knot-opt-owner", PEER_KNOT, PEER_ACCEPTS, opt_owner, 0},
    {"knot-pointer-in-any-rdata", PEER_KNOT, PEER_ACCEPTS, ptr_forbidden, 0},
    {"knot-pointer-hops", PEER_KNOT, PEER_ACCEPTS, ptr_hops, 0},
    {"knot-qdcount-over-1", PEER_KNOT, PEER_REJECTS, qdcount_over_1, 0},
    {"knot-qname-compressed", PEER_KNOT, PEER_REJECTS, knot_qname_pointer, 0},
    {"knot-loc-version", PEER_KNOT, PEER_REJECTS, knot_loc_version, 0},
    {"knot-empty-rdata-in", PEER_KNOT, PEER_REJECTS, knot_empty_in, 0},
    {"knot-rdata-shrinks", PEER_KNOT, PEER_REJECTS, knot_rdata_shrinks, 0},
    {"knot-name-past-pointer", PEER_KNOT, PEER_REJECTS, knot_name_past_pointer,
     0},
};

/* The first documented class that explains the disagreement, or NULL. */
static exception_t *explain(const diff_t *d, peer_t peer, dir_t dir)
{
	for (size_t i = 0; i < sizeof(exceptions) / sizeof(exceptions[0]);
	     i++) {
		exception_t *e = &exceptions[i];
		if (e->peer == peer && (e->dirs & dir) != 0 && e->applies(d)) {
			e->seen++;
			return e;
		}
	}
	return NULL;
}

static const char *peer_error(const diff_t *d, peer_t peer)
{
	if (peer == PEER_LDNS)
		return ldns_get_errorstr_by_id(d->ls);
	return knot_strerror(d->kr);
}

static void check_verdict(const diff_t *d, peer_t peer, bool peer_ok)
{
	bool ours_ok = d->ours == DNS_OK;
	if (ours_ok == peer_ok)
		return;
	exception_t *e =
	    explain(d, peer, peer_ok ? PEER_ACCEPTS : PEER_REJECTS);
	const dns_violation_t *v = first(d);
	if (e != NULL && !log_only)
		return;
	fprintf(stderr,
		"diff: %s %s: ours %s@%zu (section %d), %s: %s, class %s\n",
		peer_names[peer], peer_ok ? "accepts" : "rejects",
		dns_rc_name(d->ours), v ? v->offset : 0, v ? v->section : -1,
		peer_names[peer], peer_error(d, peer), e ? e->name : "NONE");
	if (e == NULL && !log_only) {
		fuzz_dump("message", d->wire, d->len);
		fuzz_fail(__FILE__, __LINE__, "verdicts agree",
			  "%s %s what we %s, and no documented class says why",
			  peer_names[peer], peer_ok ? "accepts" : "rejects",
			  ours_ok ? "accept" : "reject");
	}
}

/* ---- content: ldns ------------------------------------------------------- */

static void content_fail(peer_t peer, const char *what, unsigned sec,
			 unsigned i, const void *a, size_t an, const void *b,
			 size_t bn)
{
	fuzz_dump("ours", a, an);
	fuzz_dump(peer_names[peer], b, bn);
	fuzz_fail(__FILE__, __LINE__, "same content",
		  "%s: %s differs, section %u #%u", peer_names[peer], what, sec,
		  i);
}

static void same_bytes(peer_t peer, const char *what, unsigned sec, unsigned i,
		       const void *a, size_t an, const void *b, size_t bn)
{
	if (an != bn || (an > 0 && memcmp(a, b, an) != 0))
		content_fail(peer, what, sec, i, a, an, b, bn);
}

/* ldns keeps RDATA as a list of fields; their bytes in order are the
 * uncompressed RDATA. */
static size_t ldns_rdata(const ldns_rr *rr, uint8_t *buf, size_t cap)
{
	size_t n = 0;
	for (size_t k = 0; k < ldns_rr_rd_count(rr); k++) {
		const ldns_rdf *f = ldns_rr_rdf(rr, k);
		size_t len = ldns_rdf_size(f);
		FUZZ_CHECK(n + len <= cap, "ldns RDATA over %zu bytes", cap);
		memcpy(buf + n, ldns_rdf_data(f), len);
		n += len;
	}
	return n;
}

static void ldns_same_rr(const dns_rr_t *a, const ldns_rr *b, unsigned sec,
			 unsigned i)
{
	static uint8_t rd[2 * DNS_MSG_MAXLEN];
	const ldns_rdf *owner = ldns_rr_owner(b);
	same_bytes(PEER_LDNS, "owner", sec, i, a->owner.wire, a->owner.len,
		   ldns_rdf_data(owner), ldns_rdf_size(owner));
	FUZZ_CHECK(a->type == ldns_rr_get_type(b) &&
		       a->rclass == ldns_rr_get_class(b) &&
		       a->ttl == ldns_rr_ttl(b),
		   "ldns: section %u #%u: type %u/%u class %u/%u ttl %u/%u",
		   sec, i, a->type, ldns_rr_get_type(b), a->rclass,
		   ldns_rr_get_class(b), a->ttl, ldns_rr_ttl(b));
	size_t n = ldns_rdata(b, rd, sizeof(rd));
	same_bytes(PEER_LDNS, "RDATA", sec, i, a->rdata, a->rdlen, rd, n);
}

static void ldns_same_header(const dns_msg_t *m, const ldns_pkt *p)
{
	uint16_t f = m->flags;
	FUZZ_CHECK(ldns_pkt_id(p) == m->id, "ldns: id");
	FUZZ_CHECK(ldns_pkt_qr(p) == !!(f & DNS_F_QR) &&
		       ldns_pkt_aa(p) == !!(f & DNS_F_AA) &&
		       ldns_pkt_tc(p) == !!(f & DNS_F_TC) &&
		       ldns_pkt_rd(p) == !!(f & DNS_F_RD) &&
		       ldns_pkt_ra(p) == !!(f & DNS_F_RA) &&
		       ldns_pkt_ad(p) == !!(f & DNS_F_AD) &&
		       ldns_pkt_cd(p) == !!(f & DNS_F_CD),
		   "ldns: flags of %04x", f);
	FUZZ_CHECK((unsigned)ldns_pkt_get_opcode(p) == DNS_OPCODE(f) &&
		       (unsigned)ldns_pkt_get_rcode(p) == DNS_RCODE(f),
		   "ldns: opcode %u/%u rcode %u/%u", DNS_OPCODE(f),
		   (unsigned)ldns_pkt_get_opcode(p), DNS_RCODE(f),
		   (unsigned)ldns_pkt_get_rcode(p));
}

static void ldns_same_questions(const dns_msg_t *m, const ldns_pkt *p)
{
	const ldns_rr_list *q = ldns_pkt_question(p);
	FUZZ_CHECK(ldns_rr_list_rr_count(q) == m->nqd, "ldns: %zu questions",
		   ldns_rr_list_rr_count(q));
	for (unsigned i = 0; i < m->nqd; i++) {
		const ldns_rr *b = ldns_rr_list_rr(q, i);
		const ldns_rdf *owner = ldns_rr_owner(b);
		same_bytes(PEER_LDNS, "qname", 0, i, m->qd[i].name.wire,
			   m->qd[i].name.len, ldns_rdf_data(owner),
			   ldns_rdf_size(owner));
		FUZZ_CHECK(m->qd[i].qtype == ldns_rr_get_type(b) &&
			       m->qd[i].qclass == ldns_rr_get_class(b),
			   "ldns: question %u type/class", i);
	}
}

/* The OPT ldns took apart: CLASS and TTL fields and the RDATA. */
static void ldns_same_opt(const dns_rr_t *opt, const ldns_pkt *p)
{
	FUZZ_CHECK(p->_edns_present == 1, "ldns: %u OPT", p->_edns_present);
	FUZZ_CHECK(ldns_pkt_edns_udp_size(p) == opt->rclass &&
		       ldns_pkt_edns_extended_rcode(p) == opt->ttl >> 24 &&
		       ldns_pkt_edns_version(p) == ((opt->ttl >> 16) & 0xff) &&
		       ldns_pkt_edns_z(p) == (opt->ttl & 0xffff),
		   "ldns: OPT fields");
	const ldns_rdf *data = ldns_pkt_edns_data(p);
	same_bytes(PEER_LDNS, "OPT RDATA", DNS_SEC_ADDITIONAL, 0, opt->rdata,
		   opt->rdlen, data ? ldns_rdf_data(data) : NULL,
		   data ? ldns_rdf_size(data) : 0);
}

static void ldns_same(const dns_msg_t *m, const ldns_pkt *p)
{
	ldns_same_header(m, p);
	ldns_same_questions(m, p);
	const ldns_rr_list *lists[4] = {NULL, ldns_pkt_answer(p),
					ldns_pkt_authority(p),
					ldns_pkt_additional(p)};
	for (unsigned s = 1; s < 4; s++) {
		size_t k = 0, n = ldns_rr_list_rr_count(lists[s]);
		for (unsigned i = 0; i < m->nsec[s]; i++) {
			const dns_rr_t *rr = &m->sec[s][i];
			if (rr == m->opt || rr == m->tsig)
				continue; /* taken out by ldns */
			FUZZ_CHECK(k < n, "ldns: section %u has %zu RRs", s, n);
			ldns_same_rr(rr, ldns_rr_list_rr(lists[s], k++), s, i);
		}
		FUZZ_CHECK(k == n, "ldns: section %u has %zu RRs, ours %zu", s,
			   n, k);
	}
	if (m->opt != NULL)
		ldns_same_opt(m->opt, p);
	else
		FUZZ_CHECK(p->_edns_present == 0, "ldns: OPT without ours");
	FUZZ_CHECK((m->tsig == NULL) == (ldns_pkt_tsig(p) == NULL),
		   "ldns: TSIG in one");
	if (m->tsig != NULL)
		ldns_same_rr(m->tsig, ldns_pkt_tsig(p), DNS_SEC_ADDITIONAL,
			     m->nsec[3] - 1);
}

/* ---- content: libknot ---------------------------------------------------- */

static void knot_same_rr(const dns_rr_t *a, const knot_rrset_t *b, unsigned sec,
			 unsigned i)
{
	same_bytes(PEER_KNOT, "owner", sec, i, a->owner.wire, a->owner.len,
		   b->owner, knot_dname_size(b->owner));
	FUZZ_CHECK(
	    a->type == b->type && a->rclass == b->rclass && a->ttl == b->ttl,
	    "libknot: section %u #%u: type %u/%u class %u/%u ttl %u/%u", sec, i,
	    a->type, b->type, a->rclass, b->rclass, a->ttl, b->ttl);
	FUZZ_CHECK(b->rrs.count == 1, "libknot: %u RRs in one", b->rrs.count);
	const knot_rdata_t *rd = knot_rdataset_at(&b->rrs, 0);
	same_bytes(PEER_KNOT, "RDATA", sec, i, a->rdata, a->rdlen, rd->data,
		   rd->len);
}

static void knot_same(const dns_msg_t *m, const knot_pkt_t *p)
{
	FUZZ_CHECK(m->nqd == (p->qname_size > 0), "libknot: question");
	if (m->nqd == 1) {
		same_bytes(PEER_KNOT, "qname", 0, 0, m->qd[0].name.wire,
			   m->qd[0].name.len, knot_pkt_wire_qname(p),
			   p->qname_size);
		FUZZ_CHECK(m->qd[0].qtype == knot_pkt_qtype(p) &&
			       m->qd[0].qclass == knot_pkt_qclass(p),
			   "libknot: question type/class");
	}
	for (unsigned s = 1; s < 4; s++) {
		const knot_pktsection_t *sec =
		    knot_pkt_section(p, (knot_section_t)(KNOT_ANSWER + s - 1));
		FUZZ_CHECK(sec->count == m->nsec[s],
			   "libknot: section %u has %u RRs, ours %u", s,
			   sec->count, m->nsec[s]);
		for (unsigned i = 0; i < m->nsec[s]; i++)
			knot_same_rr(&m->sec[s][i], knot_pkt_rr(sec, i), s, i);
	}
	FUZZ_CHECK((m->opt == NULL) == (p->opt_rr == NULL),
		   "libknot: OPT in one");
	FUZZ_CHECK((m->tsig == NULL) == (p->tsig_rr == NULL),
		   "libknot: TSIG in one");
}

/* ---- the target ---------------------------------------------------------- */

/* ldns 1.8.3 leaks the first TSIG record of a message with two (the second
 * replaces it in the packet without freeing it): a peer's bug, not ours,
 * so LeakSanitizer ignores leaks allocated inside libldns (matched by
 * module: libldns has no frame pointers, so stacks end inside it). Every
 * ldns_pkt this target gets is freed. */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libldns.so\n";
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	const char *e = getenv("FUZZ_DIFF_LOG");
	log_only = e != NULL && *e != '\0' && *e != '0';
	return 0;
}

static knot_pkt_t *knot_decode(const uint8_t *data, size_t size, int *rc)
{
	static uint8_t copy[DNS_MSG_MAXLEN]; /* knot_pkt_t wants it writable */
	if (size > sizeof(copy))
		return NULL;
	memcpy(copy, data, size);
	knot_pkt_t *p = knot_pkt_new(copy, (uint16_t)size, NULL);
	FUZZ_CHECK(p != NULL, "knot_pkt_new");
	*rc = knot_pkt_parse(p, KNOT_PF_NOCANON | KNOT_PF_KEEPWIRE);
	return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static dns_arena_t arena;
	static bool init;
	static dns_msg_t m, survey;
	if (!init) {
		dns_arena_init(&arena, 0);
		init = true;
	}
	diff_t d = {data, size,		  &m,	&survey, DNS_OK,
		    NULL, LDNS_STATUS_OK, NULL, 0};
	d.ours = dns_msg_decode(&m, data, size, DNS_DECODE_STRICT, &arena);
	(void)dns_msg_decode(&survey, data, size, DNS_DECODE_SURVEY, &arena);
	FUZZ_CHECK(d.ours != DNS_E_NOMEM && d.ours != DNS_E_INTERNAL, "%s",
		   dns_rc_name(d.ours));
	d.ls = ldns_wire2pkt(&d.lp, data, size);
	d.kp = knot_decode(data, size, &d.kr);

	check_verdict(&d, PEER_LDNS, d.ls == LDNS_STATUS_OK);
	if (d.kp != NULL)
		check_verdict(&d, PEER_KNOT, d.kr == KNOT_EOK);
	if (d.ours == DNS_OK && d.ls == LDNS_STATUS_OK &&
	    explain(&d, PEER_LDNS, PEER_DIFFERS) == NULL)
		ldns_same(&m, d.lp);
	if (d.ours == DNS_OK && d.kp != NULL && d.kr == KNOT_EOK &&
	    explain(&d, PEER_KNOT, PEER_DIFFERS) == NULL)
		knot_same(&m, d.kp);

	if (d.lp != NULL)
		ldns_pkt_free(d.lp);
	knot_pkt_free(d.kp);
	dns_arena_reset(&arena);
	return 0;
}
