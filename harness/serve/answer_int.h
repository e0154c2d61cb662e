/* answer_int.h - the zone index behind answer.h, shared by answer.c,
 * answer_zones.c and answer_xfr.c. Not for other modules.
 *
 * A zone keeps its records sorted in canonical order (canon.h) and one
 * node per owner name, plus one node per empty non-terminal, in canonical
 * name order; lookups are binary searches with dns_name_compare. The
 * records of a node are contiguous and sorted by type, so an RRset is a
 * run of the array, and the RRSIGs of a node, sorted by type covered, are
 * one run too.
 */
#ifndef DNSH_SERVE_ANSWER_INT_H
#define DNSH_SERVE_ANSWER_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/arena.h"
#include "dns/name.h"
#include "dns/rr.h"
#include "serve/answer.h"

enum {
	SZ_APEX = 1u << 0,  /* the zone apex (has the SOA) */
	SZ_CUT = 1u << 1,   /* NS below the apex: a delegation */
	SZ_DNAME = 1u << 2, /* has a DNAME */
	SZ_CNAME = 1u << 3, /* has a CNAME */
	SZ_NSEC = 1u << 4,  /* has an NSEC */
	SZ_DS = 1u << 5,    /* has a DS */
};

typedef struct sz_node {
	const dns_name_t *name; /* the owner; an ENT's lives in the arena */
	uint32_t first;		/* first record in the zone's rrs */
	uint32_t count;		/* 0 for an empty non-terminal */
	uint32_t flags;
} sz_node_t;

/* A run of records: one RRset, or the RRSIGs covering one. */
typedef struct sz_run {
	const dns_rr_t *rrs;
	uint32_t n; /* 0: none */
} sz_run_t;

typedef struct sz_zone {
	dns_arena_t arena; /* owns everything below */
	dns_name_t apex;
	unsigned apex_labels;
	uint16_t rclass;
	dns_rr_t *rrs; /* canonical order, no duplicates */
	size_t nrr;
	sz_node_t *nodes; /* canonical order; nodes[0] is the apex */
	size_t nnodes;
	uint32_t *nsec; /* indexes of the nodes with an NSEC, ascending */
	size_t nnsec;
	const dns_rr_t *soa;
	uint32_t neg_ttl; /* min(SOA TTL, SOA MINIMUM) */
} sz_zone_t;

struct serve_zones {
	sz_zone_t **zones;
	size_t n, cap;
};

/* The zone with the deepest apex enclosing name in class rclass. With
 * ds_parent, a zone whose apex is name itself is passed over when a zone
 * above it encloses name too. NULL when none. */
const sz_zone_t *sz_find_zone(const serve_zones_t *zs, const dns_name_t *name,
			      uint16_t rclass, bool ds_parent);

/* The node named name (ENTs included), or NULL. */
const sz_node_t *sz_find_node(const sz_zone_t *z, const dns_name_t *name);

/* The node with an NSEC whose owner is the greatest at or before name in
 * canonical order (the NSEC that matches or covers it); NULL when the zone
 * has no NSEC. */
const sz_node_t *sz_nsec_before(const sz_zone_t *z, const dns_name_t *name);

/* The RRset of type at node n (type RRSIG: every RRSIG of the node). */
sz_run_t sz_rrset(const sz_zone_t *z, const sz_node_t *n, uint16_t type);

/* The RRSIGs at node n covering type. */
sz_run_t sz_sigs(const sz_zone_t *z, const sz_node_t *n, uint16_t covered);

/* Label offsets of name (root label excluded); returns the count. off
 * must hold DNS_NAME_MAXLABELS + 1 entries. */
unsigned sz_label_offsets(const dns_name_t *name, uint8_t *off);

/* The suffix of name starting at byte offset off (a label boundary). */
void sz_suffix(const dns_name_t *name, size_t off, dns_name_t *out);

#endif
