/* answer.c - one response from a zone set (see answer.h).
 *
 * Answering has two halves. Resolution walks the zones (RFC 1034 4.3.2)
 * and lists what the response holds as items: RRsets of zone data (or
 * CNAMEs synthesized from DNAMEs), each with its section and, for
 * wildcard answers, the owner to write instead of the zone's. Writing
 * then packs the items section by section, each RRset whole or not at
 * all, up to the size limit.
 */
#include "serve/answer.h"

#include <stddef.h>
#include <string.h>

#include "dns/edns.h"
#include "dns/rdata.h"
#include "dns/wire.h"
#include "serve/answer_int.h"

#define ITEMS_MAX 256u
#define OPT_LEN	  11u /* root owner, TYPE, CLASS, TTL, RDLENGTH 0 */
#define NAMES_MAX (SERVE_CHAIN_MAX + 1u)

enum { QT_MAILB = 253, QT_MAILA = 254 }; /* obsolete QTYPEs */

/* One RRset of the response. */
typedef struct item {
	const dns_rr_t *rrs;
	uint32_t n;
	const dns_name_t *owner; /* NULL: the records' own; else this one */
	const dns_name_t *cut;	 /* referral NS: the delegation's name */
	uint32_t ttl;		 /* with ttl_set, replaces the records' */
	uint8_t sec;		 /* dns_section_t */
	bool ttl_set;
	bool must; /* additional data whose loss sets TC (RFC 9471) */
} item_t;

/* The state of one resolution. The scalars come first: from_zones
 * clears them and leaves the arrays to fill as they are used. */
typedef struct actx {
	const serve_zones_t *zs;
	uint16_t qtype, qclass;
	bool dnssec, any_all;
	const sz_zone_t *zone; /* of the last lookup */
	bool found;	       /* the last lookup found QTYPE's data */
	uint16_t rcode;
	bool aa;
	serve_kind_t kind;
	unsigned nitems, nnames, nsynth;
	bool lost; /* an answer or authority RRset found no room in items */
	item_t items[ITEMS_MAX];
	dns_name_t names[NAMES_MAX];	 /* the names a chain leads to */
	dns_rr_t synth[SERVE_CHAIN_MAX]; /* CNAMEs synthesized from DNAMEs */
} actx_t;

const char *serve_kind_name(serve_kind_t k)
{
	static const char *const names[] = {
	    "answer",  "nodata", "nxdomain", "referral",
	    "refused", "error",	 "drop",     "xfr",
	};
	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k]
							      : "unknown";
}

/* ---- items -------------------------------------------------------------- */

static bool same_owner(const dns_name_t *a, const dns_name_t *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return dns_name_equal(a, b);
}

/* Add run as an item unless it is empty or listed already (in any
 * section). The new item, or NULL. */
static item_t *add(actx_t *c, sz_run_t run, const dns_name_t *owner,
		   uint8_t sec)
{
	if (run.n == 0)
		return NULL;
	for (unsigned i = 0; i < c->nitems; i++)
		if (c->items[i].rrs == run.rrs &&
		    same_owner(c->items[i].owner, owner))
			return NULL;
	if (c->nitems == ITEMS_MAX) {
		c->lost |= sec != DNS_SEC_ADDITIONAL;
		return NULL;
	}
	item_t *it = &c->items[c->nitems++];
	*it = (item_t){run.rrs, run.n, owner, NULL, 0, sec, false, false};
	return it;
}

/* The RRset of type at n and, with DO, the RRSIGs covering it. Returns
 * the RRset's item (NULL when absent or listed already). */
static item_t *add_set(actx_t *c, const sz_zone_t *z, const sz_node_t *n,
		       uint16_t type, const dns_name_t *owner, uint8_t sec)
{
	item_t *it = add(c, sz_rrset(z, n, type), owner, sec);
	if (it != NULL && c->dnssec && type != DNS_T_RRSIG)
		add(c, sz_sigs(z, n, type), owner, sec);
	return it;
}

static void set_ttl(item_t *it, uint32_t ttl)
{
	if (it != NULL) {
		it->ttl = ttl;
		it->ttl_set = true;
	}
}

/* The SOA for a negative answer, TTL min(SOA TTL, MINIMUM) (RFC 2308 3),
 * its RRSIGs the same. */
static void add_neg_soa(actx_t *c, const sz_zone_t *z)
{
	const sz_node_t *apex = &z->nodes[0];
	set_ttl(add(c, sz_rrset(z, apex, DNS_T_SOA), NULL, DNS_SEC_AUTHORITY),
		z->neg_ttl);
	if (c->dnssec)
		set_ttl(add(c, sz_sigs(z, apex, DNS_T_SOA), NULL,
			    DNS_SEC_AUTHORITY),
			z->neg_ttl);
}

/* The NSEC that matches or covers name, with its RRSIGs. */
static void add_nsec_covering(actx_t *c, const sz_zone_t *z,
			      const dns_name_t *name)
{
	const sz_node_t *n = sz_nsec_before(z, name);
	if (n != NULL)
		add_set(c, z, n, DNS_T_NSEC, NULL, DNS_SEC_AUTHORITY);
}

/* Keep name as the next link of a chain; NULL when the chain is full. */
static const dns_name_t *chain_to(actx_t *c, const dns_name_t *name)
{
	if (c->nnames == NAMES_MAX)
		return NULL;
	c->names[c->nnames] = *name;
	return &c->names[c->nnames++];
}

/* ---- resolution --------------------------------------------------------- */

static void nodata(actx_t *c, const sz_zone_t *z, const sz_node_t *n,
		   const dns_name_t *qname, bool wild)
{
	c->rcode = DNS_RCODE_NOERROR;
	c->kind = SERVE_K_NODATA;
	add_neg_soa(c, z);
	if (!c->dnssec)
		return;
	/* RFC 4035 3.1.3.2: the NSEC at the name, or for an empty
	 * non-terminal the one covering it; 3.1.3.4: for a wildcard also
	 * the NSEC proving that QNAME itself does not exist */
	if (wild)
		add_nsec_covering(c, z, qname);
	if (n->flags & SZ_NSEC)
		add_set(c, z, n, DNS_T_NSEC, NULL, DNS_SEC_AUTHORITY);
	else
		add_nsec_covering(c, z, n->name);
}

/* QTYPE ANY: the SOA at the apex, else the lowest type but RRSIG and NSEC
 * (RFC 8482 4.1); with any_all every RRset but the RRSIGs; the NSEC when
 * that is all there is. False when nothing was found. */
static bool answer_any(actx_t *c, const sz_zone_t *z, const sz_node_t *n,
		       const dns_name_t *owner)
{
	const dns_rr_t *rr = z->rrs + n->first;
	bool some = false;
	if (!c->any_all && (n->flags & SZ_APEX))
		some = add_set(c, z, n, DNS_T_SOA, owner, DNS_SEC_ANSWER);
	for (uint32_t i = 0; i < n->count && (c->any_all || !some); i++) {
		uint16_t t = rr[i].type;
		bool skip = c->any_all ? t == DNS_T_RRSIG
				       : t == DNS_T_NSEC || t == DNS_T_RRSIG;
		if (!skip && (i == 0 || t != rr[i - 1].type))
			some |=
			    add_set(c, z, n, t, owner, DNS_SEC_ANSWER) != NULL;
	}
	if (!some)
		some = add_set(c, z, n, DNS_T_NSEC, owner, DNS_SEC_ANSWER);
	if (some) {
		c->rcode = DNS_RCODE_NOERROR;
		c->kind = SERVE_K_ANSWER;
		c->found = true;
	}
	return some;
}

/* Data at node n for qname (n is qname's node, or with wild the
 * wildcard that stands for it). Returns the next name of a chain. */
static const dns_name_t *at_node(actx_t *c, const sz_zone_t *z,
				 const sz_node_t *n, const dns_name_t *qname,
				 bool wild)
{
	const dns_name_t *owner = wild ? qname : NULL;
	const dns_name_t *next = NULL;
	if (c->qtype == DNS_T_ANY && answer_any(c, z, n, owner)) {
		/* done */
	} else if (c->qtype != DNS_T_ANY && sz_rrset(z, n, c->qtype).n > 0) {
		add_set(c, z, n, c->qtype, owner, DNS_SEC_ANSWER);
		c->rcode = DNS_RCODE_NOERROR;
		c->kind = SERVE_K_ANSWER;
		c->found = true;
	} else if (n->flags & SZ_CNAME) {
		/* an RRset listed already is a loop: the chain ends */
		item_t *it =
		    add_set(c, z, n, DNS_T_CNAME, owner, DNS_SEC_ANSWER);
		c->rcode = DNS_RCODE_NOERROR;
		c->kind = SERVE_K_ANSWER;
		dns_name_t target;
		if (it != NULL &&
		    dns_name_from_wire(it->rrs->rdata, it->rrs->rdlen,
				       &target) == DNS_OK)
			next = chain_to(c, &target);
	} else {
		nodata(c, z, n, qname, wild);
		return NULL;
	}
	/* RFC 4035 3.1.3.3: a wildcard answer proves QNAME does not exist */
	if (wild && c->dnssec)
		add_nsec_covering(c, z, qname);
	return next;
}

/* qname does not exist; ce is its closest encloser (RFC 4592 3.3.1). */
static const dns_name_t *no_node(actx_t *c, const sz_zone_t *z,
				 const sz_node_t *ce, const dns_name_t *qname)
{
	static const uint8_t star = '*';
	dns_name_t wname = *ce->name;
	bool have_wname = dns_name_prepend(&wname, &star, 1) == DNS_OK;
	const sz_node_t *w = have_wname ? sz_find_node(z, &wname) : NULL;
	if (w != NULL)
		return at_node(c, z, w, qname, true);
	c->rcode = DNS_RCODE_NXDOMAIN;
	c->kind = SERVE_K_NXDOMAIN;
	add_neg_soa(c, z);
	if (c->dnssec) { /* RFC 4035 3.1.3.2 */
		add_nsec_covering(c, z, qname);
		if (have_wname)
			add_nsec_covering(c, z, &wname);
	}
	return NULL;
}

/* qname is below the DNAME at n (RFC 6672 3.2). */
static const dns_name_t *dname(actx_t *c, const sz_zone_t *z,
			       const sz_node_t *n, const dns_name_t *qname)
{
	sz_run_t run = sz_rrset(z, n, DNS_T_DNAME);
	add_set(c, z, n, DNS_T_DNAME, NULL, DNS_SEC_ANSWER);
	c->rcode = DNS_RCODE_NOERROR;
	c->kind = SERVE_K_ANSWER;
	dns_name_t target;
	if (dns_name_from_wire(run.rrs->rdata, run.rrs->rdlen, &target) !=
	    DNS_OK)
		return NULL;
	size_t prefix = (size_t)qname->len - n->name->len;
	if (prefix + target.len > DNS_NAME_MAXLEN) {
		c->rcode = SERVE_RCODE_YXDOMAIN;
		c->kind = SERVE_K_ERROR;
		return NULL;
	}
	if (c->nnames == NAMES_MAX || c->nsynth == SERVE_CHAIN_MAX)
		return NULL;
	dns_name_t *next = &c->names[c->nnames++];
	memcpy(next->wire, qname->wire, prefix);
	memcpy(next->wire + prefix, target.wire, target.len);
	next->len = (uint8_t)(prefix + target.len);
	dns_rr_t *cname = &c->synth[c->nsynth++];
	*cname = (dns_rr_t){.owner = *qname,
			    .type = DNS_T_CNAME,
			    .rclass = z->rclass,
			    .ttl = run.rrs->ttl,
			    .rdlen = next->len,
			    .rdata = next->wire};
	add(c, (sz_run_t){cname, 1}, NULL, DNS_SEC_ANSWER);
	return c->qtype == DNS_T_CNAME ? NULL : next;
}

static void referral(actx_t *c, const sz_zone_t *z, const sz_node_t *n,
		     unsigned step)
{
	if (step == 0)
		c->aa = false;
	c->rcode = DNS_RCODE_NOERROR;
	c->kind = SERVE_K_REFERRAL;
	item_t *ns = add(c, sz_rrset(z, n, DNS_T_NS), NULL, DNS_SEC_AUTHORITY);
	if (ns != NULL)
		ns->cut = n->name;
	if (!c->dnssec)
		return;
	/* RFC 4035 3.1.4.1: the DS, or the NSEC proving there is none */
	if (n->flags & SZ_DS)
		add_set(c, z, n, DNS_T_DS, NULL, DNS_SEC_AUTHORITY);
	else if (n->flags & SZ_NSEC)
		add_set(c, z, n, DNS_T_NSEC, NULL, DNS_SEC_AUTHORITY);
}

/* One lookup of qname in z, walking down from the apex. Returns the next
 * name when a CNAME or DNAME leads on. */
static const dns_name_t *lookup(actx_t *c, const sz_zone_t *z,
				const dns_name_t *qname, unsigned step)
{
	uint8_t off[DNS_NAME_MAXLABELS + 1];
	unsigned nl = sz_label_offsets(qname, off);
	const sz_node_t *n = &z->nodes[0];
	for (unsigned k = z->apex_labels;; k++) {
		bool below = k < nl; /* qname lies below n */
		if ((n->flags & SZ_CUT) && (below || c->qtype != DNS_T_DS)) {
			referral(c, z, n, step);
			return NULL;
		}
		if (below && (n->flags & SZ_DNAME))
			return dname(c, z, n, qname);
		if (!below)
			return at_node(c, z, n, qname, false);
		dns_name_t sub;
		sz_suffix(qname, off[nl - k - 1], &sub);
		const sz_node_t *child = sz_find_node(z, &sub);
		if (child == NULL)
			return no_node(c, z, n, qname);
		n = child;
	}
}

/* Follow qname through the zones of the set (RFC 1034 4.3.2). */
static void resolve(actx_t *c, const dns_name_t *qname)
{
	for (unsigned step = 0; qname != NULL && step <= SERVE_CHAIN_MAX;
	     step++) {
		const sz_zone_t *z =
		    sz_find_zone(c->zs, qname, c->qclass, c->qtype == DNS_T_DS);
		if (z == NULL) {
			if (step == 0) {
				c->rcode = DNS_RCODE_REFUSED;
				c->kind = SERVE_K_REFUSED;
			}
			return; /* the chain leaves the set */
		}
		if (step == 0)
			c->aa = true;
		c->zone = z;
		c->found = false;
		qname = lookup(c, z, qname, step);
	}
}

/* opts.auth_ns: the NS RRset of the zone where QTYPE's data was found
 * (as NSD does: not after a chain that ends without it). */
static void authority_ns(actx_t *c)
{
	if (!c->found || !c->aa || c->qtype == DNS_T_ANY ||
	    c->qtype == DNS_T_DS || c->qtype == DNS_T_DNSKEY)
		return;
	add_set(c, c->zone, &c->zone->nodes[0], DNS_T_NS, NULL,
		DNS_SEC_AUTHORITY);
}

/* ---- additional section ------------------------------------------------- */

/* The name an NS, MX or SRV record points at. */
static bool target_of(const dns_rr_t *rr, dns_name_t *out)
{
	size_t skip;
	switch (rr->type) {
	case DNS_T_NS:
		skip = 0;
		break;
	case DNS_T_MX:
		skip = 2;
		break;
	case DNS_T_SRV:
		skip = 6;
		break;
	default:
		return false;
	}
	return rr->rdlen > skip &&
	       dns_name_from_wire(rr->rdata + skip, rr->rdlen - skip, out) ==
		   DNS_OK;
}

/* A and AAAA of name from the zone of the set that holds it. */
static void add_addresses(actx_t *c, const dns_name_t *name, bool must)
{
	static const uint16_t types[] = {DNS_T_A, DNS_T_AAAA};
	const sz_zone_t *z = sz_find_zone(c->zs, name, c->qclass, false);
	const sz_node_t *n = z != NULL ? sz_find_node(z, name) : NULL;
	if (n == NULL)
		return;
	for (size_t i = 0; i < 2; i++) {
		item_t *it =
		    add(c, sz_rrset(z, n, types[i]), NULL, DNS_SEC_ADDITIONAL);
		if (it == NULL)
			continue;
		it->must = must;
		if (c->dnssec)
			add(c, sz_sigs(z, n, types[i]), NULL,
			    DNS_SEC_ADDITIONAL);
	}
}

/* Addresses for the targets of NS, MX and SRV records in answer and
 * authority: first the glue a referral needs (names at or below the cut,
 * RFC 9471), then the rest. */
static void additional(actx_t *c)
{
	unsigned n = c->nitems;
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned i = 0; i < n; i++) {
			const item_t *it = &c->items[i];
			if (it->sec == DNS_SEC_ADDITIONAL)
				continue;
			for (uint32_t j = 0; j < it->n; j++) {
				dns_name_t t;
				if (!target_of(&it->rrs[j], &t))
					continue;
				bool must = it->cut != NULL &&
					    dns_name_is_sub(&t, it->cut);
				if (must == (pass == 0))
					add_addresses(c, &t, must);
			}
		}
	}
}

/* ---- writing ------------------------------------------------------------ */

/* The response apart from its items. */
typedef struct resp {
	uint16_t id, flags; /* flags: opcode, AA, RD, CD (no QR, TC, rcode) */
	uint16_t rcode;	    /* 12 bits */
	const dns_question_t *qd; /* NULL: no question */
	bool edns, dnssec;	  /* an OPT; its DO bit */
	uint16_t udp_max;	  /* our payload size, in the OPT */
	size_t limit;		  /* largest response */
} resp_t;

typedef struct writer {
	dns_wire_t w;
	dns_compress_t c;
	unsigned count[4];
} writer_t;

static void put_rr(writer_t *wr, const dns_rr_t *rr, const dns_name_t *owner,
		   uint32_t ttl)
{
	dns_wire_t *w = &wr->w;
	dns_name_pack(w, owner, &wr->c);
	dns_wire_put_u16(w, rr->type);
	dns_wire_put_u16(w, rr->rclass);
	dns_wire_put_u32(w, ttl);
	size_t at = w->pos;
	dns_wire_put_u16(w, 0);
	dns_rdata_pack(rr->type, rr->rdata, rr->rdlen, w, &wr->c,
		       DNS_PACK_STANDARD);
	if (dns_wire_ok(w))
		dns_wire_poke_u16(w, at, (uint16_t)(w->pos - at - 2));
}

/* Write the records of it, all or none: false when they do not fit. */
static bool put_item(writer_t *wr, const item_t *it)
{
	size_t mark = wr->w.pos;
	unsigned ncomp = wr->c.n;
	for (uint32_t j = 0; j < it->n; j++) {
		const dns_rr_t *rr = &it->rrs[j];
		put_rr(wr, rr, it->owner != NULL ? it->owner : &rr->owner,
		       it->ttl_set ? it->ttl : rr->ttl);
	}
	if (!dns_wire_ok(&wr->w)) {
		wr->w.err = DNS_OK;
		wr->w.pos = mark;
		wr->c.n = ncomp; /* drop the names written since mark */
		return false;
	}
	wr->count[it->sec] += it->n;
	return true;
}

static void put_opt(writer_t *wr, const resp_t *r)
{
	dns_edns_t e = {r->udp_max, 0, 0, r->dnssec ? DNS_EDNS_DO : 0, NULL, 0};
	uint16_t rclass;
	uint32_t ttl;
	dns_rcode_split(r->rcode, NULL, &e.ext_rcode);
	dns_edns_to_rr(&e, &rclass, &ttl);
	dns_wire_put_u8(&wr->w, 0);
	dns_wire_put_u16(&wr->w, DNS_T_OPT);
	dns_wire_put_u16(&wr->w, rclass);
	dns_wire_put_u32(&wr->w, ttl);
	dns_wire_put_u16(&wr->w, 0);
	wr->count[DNS_SEC_ADDITIONAL]++;
}

static void put_header(uint8_t *buf, const resp_t *r, bool tc,
		       const unsigned count[4])
{
	uint8_t hdr_rcode;
	dns_rcode_split(r->rcode, &hdr_rcode, NULL);
	uint16_t flags =
	    (uint16_t)(r->flags | DNS_F_QR | (tc ? DNS_F_TC : 0) | hdr_rcode);
	dns_put_u16(buf, r->id);
	dns_put_u16(buf + 2, flags);
	for (int i = 0; i < 4; i++)
		dns_put_u16(buf + 4 + 2 * i, (uint16_t)count[i]);
}

/* Write header, question, the items section by section (stopping at the
 * first RRset that does not fit) and the OPT. False when not even the
 * header, question and OPT fit. *tc says whether data was lost. */
static bool write_resp(const resp_t *r, const item_t *items, unsigned n,
		       bool lost, uint8_t *buf, size_t cap, size_t *len,
		       bool *tc)
{
	static const uint8_t zero[DNS_HEADER_LEN];
	size_t limit = r->limit < cap ? r->limit : cap;
	writer_t wr = {dns_wire_writer(buf, limit), {{0}, 0}, {0}};
	dns_compress_init(&wr.c);
	dns_wire_put_bytes(&wr.w, zero, sizeof(zero));
	if (r->qd != NULL) {
		dns_name_pack(&wr.w, &r->qd->name, &wr.c);
		dns_wire_put_u16(&wr.w, r->qd->qtype);
		dns_wire_put_u16(&wr.w, r->qd->qclass);
		wr.count[DNS_SEC_QUESTION] = 1;
	}
	size_t reserve = r->edns ? OPT_LEN : 0;
	if (!dns_wire_ok(&wr.w) || limit - wr.w.pos < reserve)
		return false;
	wr.w.end = limit - reserve;
	*tc = lost;
	bool stop = false;
	for (uint8_t sec = DNS_SEC_ANSWER; sec <= DNS_SEC_ADDITIONAL; sec++) {
		for (unsigned i = 0; i < n && !stop; i++) {
			if (items[i].sec != sec || put_item(&wr, &items[i]))
				continue;
			stop = true; /* RFC 2181 9: drop from the end */
			*tc |= sec != DNS_SEC_ADDITIONAL || items[i].must;
		}
	}
	wr.w.end = limit;
	if (r->edns)
		put_opt(&wr, r);
	if (!dns_wire_ok(&wr.w))
		return false;
	put_header(buf, r, *tc, wr.count);
	*len = wr.w.pos;
	return true;
}

/* ---- the entry points --------------------------------------------------- */

static serve_action_t drop(serve_result_t *res, dns_rc_t why)
{
	res->action = SERVE_DROP;
	res->kind = SERVE_K_DROP;
	res->why = why;
	return SERVE_DROP;
}

/* Write r with the items of c (NULL: none) and fill res. */
static serve_action_t reply(resp_t *r, const actx_t *c, serve_kind_t kind,
			    uint8_t *buf, size_t cap, serve_result_t *res)
{
	bool tc = false;
	const item_t *items = c != NULL ? c->items : NULL;
	unsigned n = c != NULL ? c->nitems : 0;
	if (!write_resp(r, items, n, c != NULL && c->lost, buf, cap, &res->len,
			&tc))
		return drop(res, DNS_E_SPACE);
	res->action = SERVE_REPLY;
	res->kind = kind;
	res->rcode = r->rcode;
	res->aa = (r->flags & DNS_F_AA) != 0;
	res->tc = tc;
	return SERVE_REPLY;
}

/* An error response: rcode, the question when with_qd, no data. */
static serve_action_t error_reply(resp_t *r, uint16_t rcode, bool with_qd,
				  uint8_t *buf, size_t cap, serve_result_t *res)
{
	r->rcode = rcode;
	if (!with_qd)
		r->qd = NULL;
	serve_kind_t kind =
	    rcode == DNS_RCODE_REFUSED ? SERVE_K_REFUSED : SERVE_K_ERROR;
	return reply(r, NULL, kind, buf, cap, res);
}

/* Header fields, EDNS and the size limit from a decoded query. */
static void base_resp(resp_t *r, const dns_msg_t *q, serve_transport_t tr,
		      const serve_opts_t *opts, bool use_opt)
{
	uint16_t ours = opts->udp_max == 0    ? SERVE_UDP_DEFAULT
			: opts->udp_max < 512 ? 512
					      : opts->udp_max;
	memset(r, 0, sizeof(*r));
	r->id = q->id;
	r->flags = (uint16_t)(q->flags & (0x7800u | DNS_F_RD | DNS_F_CD));
	r->qd = q->nqd == 1 ? &q->qd[0] : NULL;
	r->udp_max = ours;
	r->limit = 512;
	dns_edns_t e;
	if (use_opt && q->opt != NULL &&
	    dns_edns_from_rr(q->opt->rclass, q->opt->ttl, q->opt->rdata,
			     q->opt->rdlen, &e, NULL) == DNS_OK) {
		r->edns = true;
		r->dnssec = (e.flags & DNS_EDNS_DO) != 0;
		size_t theirs = e.udp_size < 512 ? 512 : e.udp_size;
		r->limit = theirs < ours ? theirs : ours;
	}
	if (tr == SERVE_TCP)
		r->limit = DNS_MSG_MAXLEN;
}

/* AXFR and IXFR (answer.h). */
static serve_action_t xfr_query(const serve_zones_t *zs, const dns_msg_t *q,
				serve_transport_t tr, resp_t *r, uint8_t *buf,
				size_t cap, serve_result_t *res)
{
	const dns_question_t *qd = &q->qd[0];
	if (qd->qtype == DNS_T_AXFR && tr == SERVE_UDP)
		return error_reply(r, DNS_RCODE_FORMERR, true, buf, cap, res);
	const sz_zone_t *z = sz_find_zone(zs, &qd->name, qd->qclass, false);
	if (z == NULL)
		return error_reply(r, DNS_RCODE_REFUSED, true, buf, cap, res);
	if (!dns_name_equal(&z->apex, &qd->name))
		return error_reply(r, DNS_RCODE_NOTAUTH, true, buf, cap, res);
	if (tr == SERVE_TCP) {
		res->action = SERVE_XFR;
		res->kind = SERVE_K_XFR;
		res->aa = true;
		return SERVE_XFR;
	}
	/* IXFR over UDP: our SOA alone tells the client to use TCP */
	item_t item = {z->soa, 1, NULL, NULL, 0, DNS_SEC_ANSWER, false, false};
	r->flags |= DNS_F_AA;
	bool tc = false;
	if (!write_resp(r, &item, 1, false, buf, cap, &res->len, &tc))
		return drop(res, DNS_E_SPACE);
	res->action = SERVE_REPLY;
	res->kind = SERVE_K_ANSWER;
	res->aa = true;
	res->tc = tc;
	return SERVE_REPLY;
}

/* The error a query gets before any lookup (answer.h), NOERROR for none;
 * *with_qd says whether the response copies the question. */
static uint16_t query_error(const dns_msg_t *q, const resp_t *r, bool *with_qd)
{
	*with_qd = q->nqd == 1;
	if (DNS_OPCODE(q->flags) != DNS_OPCODE_QUERY)
		return DNS_RCODE_NOTIMP;
	if (q->nqd != 1)
		return DNS_RCODE_FORMERR;
	uint16_t qtype = q->qd[0].qtype;
	bool ixfr_soa = qtype == DNS_T_IXFR && q->nsec[DNS_SEC_AUTHORITY] == 1;
	if (q->nsec[DNS_SEC_ANSWER] > 0 ||
	    (q->nsec[DNS_SEC_AUTHORITY] > 0 && !ixfr_soa))
		return DNS_RCODE_FORMERR;
	if (r->edns && ((q->opt->ttl >> 16) & 0xffu) != 0)
		return DNS_RCODE_BADVERS;
	if (qtype == DNS_T_OPT || qtype == DNS_T_TSIG || qtype == DNS_T_TKEY)
		return DNS_RCODE_FORMERR;
	if (qtype == QT_MAILA || qtype == QT_MAILB)
		return DNS_RCODE_NOTIMP;
	return DNS_RCODE_NOERROR;
}

/* A query that passed the checks, answered from the zones. */
static serve_action_t from_zones(const serve_zones_t *zs, const dns_msg_t *q,
				 const serve_opts_t *opts, resp_t *r,
				 uint8_t *buf, size_t cap, serve_result_t *res)
{
	actx_t c;
	memset(&c, 0, offsetof(actx_t, items));
	c.zs = zs;
	c.qtype = q->qd[0].qtype;
	c.qclass = q->qd[0].qclass;
	c.dnssec = r->dnssec;
	c.any_all = opts->any_all;
	c.rcode = DNS_RCODE_NOERROR;
	c.kind = SERVE_K_ANSWER;
	resolve(&c, &q->qd[0].name);
	if (opts->auth_ns)
		authority_ns(&c);
	if (c.kind != SERVE_K_REFUSED)
		additional(&c);
	r->rcode = c.rcode;
	if (c.aa)
		r->flags |= DNS_F_AA;
	return reply(r, &c, c.kind, buf, cap, res);
}

serve_action_t serve_answer_msg(const serve_zones_t *zs, const dns_msg_t *q,
				dns_rc_t decode_rc, serve_transport_t tr,
				const serve_opts_t *opts, uint8_t *buf,
				size_t cap, serve_result_t *res)
{
	static const serve_opts_t defaults;
	if (opts == NULL)
		opts = &defaults;
	memset(res, 0, sizeof(*res));
	if (decode_rc == DNS_E_TRUNC_HEADER)
		return drop(res, decode_rc);
	if (q->flags & DNS_F_QR)
		return drop(res, DNS_OK);
	resp_t r;
	base_resp(&r, q, tr, opts, decode_rc == DNS_OK);
	if (decode_rc != DNS_OK) {
		res->why = decode_rc;
		bool ours =
		    decode_rc == DNS_E_NOMEM || decode_rc == DNS_E_INTERNAL;
		return error_reply(
		    &r, ours ? DNS_RCODE_SERVFAIL : DNS_RCODE_FORMERR,
		    opts->formerr_qd && q->nqd == 1, buf, cap, res);
	}
	bool with_qd;
	uint16_t rcode = query_error(q, &r, &with_qd);
	if (rcode != DNS_RCODE_NOERROR)
		return error_reply(&r, rcode, with_qd, buf, cap, res);
	uint16_t qtype = q->qd[0].qtype;
	if (qtype == DNS_T_AXFR || qtype == DNS_T_IXFR)
		return xfr_query(zs, q, tr, &r, buf, cap, res);

	return from_zones(zs, q, opts, &r, buf, cap, res);
}

serve_action_t serve_answer_wire(const serve_zones_t *zs, const uint8_t *q,
				 size_t len, serve_transport_t tr,
				 const serve_opts_t *opts, dns_arena_t *scratch,
				 uint8_t *buf, size_t cap, serve_result_t *res)
{
	dns_msg_t m;
	dns_rc_t rc = dns_msg_decode(&m, q, len, DNS_DECODE_STRICT, scratch);
	return serve_answer_msg(zs, &m, rc, tr, opts, buf, cap, res);
}
