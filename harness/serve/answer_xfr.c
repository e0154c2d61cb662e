/* answer_xfr.c - full zone transfers split into messages (RFC 5936). */
#include <string.h>

#include "dns/edns.h"
#include "dns/rdata.h"
#include "dns/wire.h"
#include "serve/answer_int.h"

#define OPT_LEN 11u

dns_rc_t serve_xfr_init(serve_xfr_t *x, const serve_zones_t *zs,
			const dns_msg_t *q, const serve_opts_t *opts)
{
	memset(x, 0, sizeof(*x));
	if (q->nqd != 1 ||
	    (q->qd[0].qtype != DNS_T_AXFR && q->qd[0].qtype != DNS_T_IXFR)) {
		x->err = DNS_E_ZONE;
		return x->err;
	}
	const sz_zone_t *z =
	    sz_find_zone(zs, &q->qd[0].name, q->qd[0].qclass, false);
	if (z == NULL || !dns_name_equal(&z->apex, &q->qd[0].name)) {
		x->err = DNS_E_ZONE;
		return x->err;
	}
	x->zone = z;
	x->first = true;
	x->id = q->id;
	x->flags = (uint16_t)(DNS_F_QR | DNS_F_AA |
			      (q->flags & (0x7800u | DNS_F_RD | DNS_F_CD)));
	x->qd = q->qd[0];
	dns_edns_t e;
	if (q->opt != NULL &&
	    dns_edns_from_rr(q->opt->rclass, q->opt->ttl, q->opt->rdata,
			     q->opt->rdlen, &e, NULL) == DNS_OK) {
		x->edns = true;
		x->dnssec = (e.flags & DNS_EDNS_DO) != 0;
	}
	x->udp_max = opts != NULL && opts->udp_max >= 512 ? opts->udp_max
							  : SERVE_UDP_DEFAULT;
	return DNS_OK;
}

/* The record at position i of the transfer: 0 the SOA, 1..nrr the
 * zone's records (the SOA among them skipped: NULL), nrr + 1 the SOA. */
static const dns_rr_t *xfr_rr(const sz_zone_t *z, size_t i)
{
	if (i == 0 || i == z->nrr + 1)
		return z->soa;
	const dns_rr_t *rr = &z->rrs[i - 1];
	return rr == z->soa ? NULL : rr;
}

static void put_rr(dns_wire_t *w, dns_compress_t *c, const dns_rr_t *rr)
{
	dns_name_pack(w, &rr->owner, c);
	dns_wire_put_u16(w, rr->type);
	dns_wire_put_u16(w, rr->rclass);
	dns_wire_put_u32(w, rr->ttl);
	size_t at = w->pos;
	dns_wire_put_u16(w, 0);
	dns_rdata_pack(rr->type, rr->rdata, rr->rdlen, w, c, DNS_PACK_STANDARD);
	if (dns_wire_ok(w))
		dns_wire_poke_u16(w, at, (uint16_t)(w->pos - at - 2));
}

/* As many records as fit from x->next on; their count. */
static unsigned put_records(serve_xfr_t *x, dns_wire_t *w, dns_compress_t *c)
{
	const sz_zone_t *z = x->zone;
	unsigned n = 0;
	for (; x->next <= z->nrr + 1; x->next++) {
		const dns_rr_t *rr = xfr_rr(z, x->next);
		if (rr == NULL)
			continue;
		size_t mark = w->pos;
		unsigned ncomp = c->n;
		put_rr(w, c, rr);
		if (!dns_wire_ok(w)) {
			w->err = DNS_OK;
			w->pos = mark;
			c->n = ncomp;
			break;
		}
		n++;
	}
	return n;
}

bool serve_xfr_next(serve_xfr_t *x, uint8_t *buf, size_t cap, size_t *len)
{
	static const uint8_t zero[DNS_HEADER_LEN];
	if (x->done || x->err != DNS_OK || x->zone == NULL)
		return false;
	size_t limit = cap < DNS_MSG_MAXLEN ? cap : DNS_MSG_MAXLEN;
	dns_wire_t w = dns_wire_writer(buf, limit);
	dns_compress_t c;
	dns_compress_init(&c);
	dns_wire_put_bytes(&w, zero, sizeof(zero));
	unsigned qd = x->first ? 1 : 0;
	if (x->first) {
		dns_name_pack(&w, &x->qd.name, &c);
		dns_wire_put_u16(&w, x->qd.qtype);
		dns_wire_put_u16(&w, x->qd.qclass);
	}
	size_t reserve = x->edns ? OPT_LEN : 0;
	if (!dns_wire_ok(&w) || limit - w.pos < reserve) {
		x->err = DNS_E_SPACE;
		return false;
	}
	w.end = limit - reserve;
	unsigned an = put_records(x, &w, &c);
	if (an == 0) {
		x->err = DNS_E_SPACE; /* one record alone does not fit */
		return false;
	}
	w.end = limit;
	if (x->edns) {
		dns_edns_t e = {x->udp_max, 0, 0, x->dnssec ? DNS_EDNS_DO : 0,
				NULL,	    0};
		uint16_t rclass;
		uint32_t ttl;
		dns_edns_to_rr(&e, &rclass, &ttl);
		dns_wire_put_u8(&w, 0);
		dns_wire_put_u16(&w, DNS_T_OPT);
		dns_wire_put_u16(&w, rclass);
		dns_wire_put_u32(&w, ttl);
		dns_wire_put_u16(&w, 0);
	}
	dns_put_u16(buf, x->id);
	dns_put_u16(buf + 2, x->flags);
	dns_put_u16(buf + 4, (uint16_t)qd);
	dns_put_u16(buf + 6, (uint16_t)an);
	dns_put_u16(buf + 8, 0);
	dns_put_u16(buf + 10, x->edns ? 1 : 0);
	x->first = false;
	x->done = x->next > ((const sz_zone_t *)x->zone)->nrr + 1;
	*len = w.pos;
	return true;
}
