/* build.c - what a rule sees of a query, whether it matches, and the
 * bytes its action sends. */
#include <string.h>

#include "dns/edns.h"
#include "dns/msg.h"
#include "dns/wire.h"
#include "scenario/query.h"
#include "serve/config_int.h"

/* ---- the query as rules see it ------------------------------------------ */

/* The first OPT anywhere (a misplaced one still says "EDNS present"). */
static const dns_rr_t *find_opt(const dns_msg_t *m)
{
	if (m->opt != NULL)
		return m->opt;
	for (unsigned s = DNS_SEC_ANSWER; s <= DNS_SEC_ADDITIONAL; s++)
		for (unsigned i = 0; i < m->nsec[s]; i++)
			if (m->sec[s][i].type == DNS_T_OPT)
				return &m->sec[s][i];
	return NULL;
}

void serve_qview_init(serve_qview_t *v, const uint8_t *q, size_t len,
		      const dns_msg_t *m, bool tcp)
{
	memset(v, 0, sizeof(*v));
	v->len = len;
	v->tcp = tcp;
	if (len >= 2)
		v->id = dns_get_u16(q);
	if (len < 12)
		return;
	v->has_header = true;
	v->flags = dns_get_u16(q + 2);
	if (m->nqd > 0) {
		v->has_question = true;
		v->qname = m->qd[0].name;
		v->qtype = m->qd[0].qtype;
		v->qclass = m->qd[0].qclass;
	}
	const dns_rr_t *opt = find_opt(m);
	if (opt == NULL)
		return;
	dns_edns_t e;
	dns_edns_from_rr(opt->rclass, opt->ttl, opt->rdata, opt->rdlen, &e,
			 NULL);
	v->has_opt = true;
	v->edns_version = e.version;
	v->edns_flags = e.flags;
	v->opts = e.opts;
	v->optlen = e.optlen;
}

/* ---- matching ----------------------------------------------------------- */

static bool names_match(const serve_match_t *m, const serve_qview_t *v)
{
	unsigned h = m->have;
	if ((h & SERVE_M_QNAME) && !dns_name_equal(&v->qname, &m->qname))
		return false;
	if ((h & SERVE_M_QNAME_SUB) &&
	    !dns_name_is_sub(&v->qname, &m->qname_sub))
		return false;
	if ((h & SERVE_M_QNAME_CASE) &&
	    (v->qname.len != m->qname_case.len ||
	     memcmp(v->qname.wire, m->qname_case.wire, v->qname.len) != 0))
		return false;
	if ((h & SERVE_M_QTYPE) && v->qtype != m->qtype)
		return false;
	return !(h & SERVE_M_QCLASS) || v->qclass == m->qclass;
}

/* The first option with this code; false when there is none. */
static bool find_option(const serve_qview_t *v, uint16_t code,
			dns_edns_opt_t *out)
{
	dns_edns_iter_t it;
	dns_edns_iter_init(&it, v->opts, v->optlen);
	while (dns_edns_next(&it, out, NULL))
		if (out->code == code)
			return true;
	return false;
}

/* absent: no COOKIE; client: 8 bytes; server: 16 to 40 bytes. */
static bool cookie_match(const serve_match_t *m, const serve_qview_t *v)
{
	dns_edns_opt_t o;
	if (!v->has_opt || !find_option(v, DNS_OPT_COOKIE, &o))
		return m->cookie == SERVE_COOKIE_ABSENT;
	if (m->cookie == SERVE_COOKIE_CLIENT)
		return o.len == 8;
	return m->cookie == SERVE_COOKIE_SERVER && o.len >= 16 && o.len <= 40;
}

/* The first bits of a equal to those of b. */
static bool prefix_equal(const uint8_t *a, const uint8_t *b, unsigned bits)
{
	if (memcmp(a, b, bits / 8) != 0)
		return false;
	if (bits % 8 == 0)
		return true;
	uint8_t mask = (uint8_t)(0xffu << (8 - bits % 8));
	return (a[bits / 8] & mask) == (b[bits / 8] & mask);
}

/* ecs: presence, then the fields given; a mapping needs a valid ECS
 * option (RFC 7871 section 6). */
static bool ecs_match(const serve_match_t *m, const serve_qview_t *v)
{
	const serve_ecs_match_t *want = &m->ecs;
	unsigned h = m->have;
	dns_edns_opt_t o;
	dns_edns_ecs_t e;
	bool found = v->has_opt && find_option(v, DNS_OPT_ECS, &o);
	if (found != want->present)
		return false;
	if (!(h & (SERVE_M_ECS_FAMILY | SERVE_M_ECS_SOURCE | SERVE_M_ECS_SCOPE |
		   SERVE_M_ECS_ADDRESS)))
		return true;
	if (dns_edns_ecs_parse(&o, &e, NULL) != DNS_OK)
		return false;
	if ((h & SERVE_M_ECS_FAMILY) && e.family != want->family)
		return false;
	if ((h & SERVE_M_ECS_SOURCE) && e.source != want->source)
		return false;
	if ((h & SERVE_M_ECS_SCOPE) && e.scope != want->scope)
		return false;
	if (!(h & SERVE_M_ECS_ADDRESS))
		return true;
	return e.source >= want->prefix &&
	       prefix_equal(e.addr, want->addr, want->prefix);
}

static bool edns_match(const serve_match_t *m, const serve_qview_t *v)
{
	unsigned h = m->have;
	bool dobit = v->has_opt && (v->edns_flags & DNS_EDNS_DO) != 0;
	if ((h & SERVE_M_DO) && dobit != m->do_bit)
		return false;
	if ((h & SERVE_M_EDNS) && v->has_opt != m->edns)
		return false;
	if ((h & SERVE_M_EDNS_VERSION) &&
	    (!v->has_opt || v->edns_version != m->edns_version))
		return false;
	if ((h & SERVE_M_COOKIE) && !cookie_match(m, v))
		return false;
	if ((h & SERVE_M_ECS) && !ecs_match(m, v))
		return false;
	dns_edns_opt_t o;
	if (!(h & SERVE_M_OPTION))
		return true;
	if (!v->has_opt)
		return false;
	for (unsigned i = 0; i < m->noptions; i++)
		if (!find_option(v, m->options[i], &o))
			return false;
	return true;
}

bool serve_match_query(const serve_match_t *m, const serve_qview_t *v)
{
	unsigned h = m->have;
	const unsigned qbits = SERVE_M_QNAME | SERVE_M_QNAME_SUB |
			       SERVE_M_QNAME_CASE | SERVE_M_QTYPE |
			       SERVE_M_QCLASS;
	const unsigned hbits = SERVE_M_OPCODE | SERVE_M_FLAGS;
	if ((h & SERVE_M_STEP) &&
	    (v->step < m->step_min || v->step > m->step_max))
		return false;
	if ((h & SERVE_M_TRANSPORT) && v->tcp != m->tcp)
		return false;
	if ((h & hbits) && !v->has_header)
		return false;
	if ((h & SERVE_M_OPCODE) && DNS_OPCODE(v->flags) != m->opcode)
		return false;
	if ((h & SERVE_M_FLAGS) && ((v->flags & m->flags_has) != m->flags_has ||
				    (v->flags & m->flags_lacks) != 0))
		return false;
	if ((h & qbits) && (!v->has_question || !names_match(m, v)))
		return false;
	return edns_match(m, v);
}

bool serve_match_count(const serve_match_t *m, unsigned long n)
{
	if (!(m->have & SERVE_M_COUNT))
		return true;
	return n >= m->count_min && n <= m->count_max;
}

/* ---- the bytes sent ----------------------------------------------------- */

/* wrong_id, then the wire: edits. */
static dns_rc_t damage(const serve_act_t *a, uint8_t *msg, size_t cap,
		       size_t *len)
{
	if (a->wrong_id && *len >= 2)
		dns_put_u16(msg, (uint16_t)(dns_get_u16(msg) + 1u));
	for (size_t i = 0; i < a->nedits; i++) {
		dns_rc_t rc = dns_edit_apply(&a->edits[i], msg, cap, len);
		if (rc != DNS_OK)
			return rc;
	}
	return DNS_OK;
}

/* The reply of m rebuilt with the query's question, into out. */
static dns_rc_t rebuild(const serve_msg_t *m, const serve_qview_t *v,
			dns_arena_t *scratch, uint8_t *out, size_t cap,
			size_t *len)
{
	diag_t d;
	sc_query_t q;
	d.n = 0;
	d.more = false;
	const node_t *r = scfg_reply_node(m->node, v, scratch);
	if (r == NULL)
		return DNS_E_NOMEM;
	if (!sc_query_build(r, scratch, &q, &d))
		return DNS_E_SYNTAX;
	if (q.len > cap)
		return DNS_E_SPACE;
	memcpy(out, q.wire, q.len);
	*len = q.len;
	return DNS_OK;
}

/* The header copies of a reply: (QR, RD, opcode) and of both (ID). */
static void copy_header(const serve_act_t *a, const serve_msg_t *m,
			const serve_qview_t *v, const uint8_t *query,
			uint8_t *out, size_t len)
{
	if (m->copy_id && v->len >= 2 && len >= 2)
		memcpy(out, query, 2);
	if (a->src != SERVE_SRC_REPLY || len < 4)
		return;
	uint16_t f = dns_get_u16(out + 2);
	if (m->set_qr)
		f |= DNS_F_QR;
	if (m->copy_rd && v->has_header)
		f = (uint16_t)((f & ~DNS_F_RD) | (v->flags & DNS_F_RD));
	if (m->copy_opcode && v->has_header)
		f = (uint16_t)((f & ~0x7800u) | (v->flags & 0x7800u));
	dns_put_u16(out + 2, f);
}

dns_rc_t serve_build_msg(const serve_act_t *a, size_t k, const serve_qview_t *v,
			 const uint8_t *query, dns_arena_t *scratch,
			 uint8_t *out, size_t cap, size_t *len)
{
	const serve_msg_t *m = &a->msgs[k];
	dns_rc_t rc = DNS_OK;
	if (a->src == SERVE_SRC_REPLY && !m->fixed) {
		rc = rebuild(m, v, scratch, out, cap, len);
	} else if (m->len > cap) {
		rc = DNS_E_SPACE;
	} else {
		memcpy(out, m->bytes, m->len);
		*len = m->len;
	}
	if (rc != DNS_OK)
		return rc;
	copy_header(a, m, v, query, out, *len);
	return damage(a, out, cap, len);
}

/* Cut msg to its header and question section, counts to match. */
static void strip_to_question(uint8_t *msg, size_t *len)
{
	dns_wire_t w = dns_wire_reader(msg, *len);
	dns_name_t name;
	unsigned qd = dns_get_u16(msg + 4), kept = 0;
	size_t end = DNS_HEADER_LEN;
	dns_wire_skip(&w, DNS_HEADER_LEN);
	for (unsigned i = 0; i < qd; i++) {
		dns_name_unpack(&w, &name, true);
		dns_wire_skip(&w, 4);
		if (!dns_wire_ok(&w))
			break;
		end = w.pos;
		kept++;
	}
	dns_put_u16(msg + 4, (uint16_t)kept);
	memset(msg + 6, 0, 6);
	*len = end;
}

dns_rc_t serve_finish_msg(const serve_act_t *a, uint8_t *msg, size_t cap,
			  size_t *len)
{
	if (a->src == SERVE_SRC_TC && *len >= 12) {
		strip_to_question(msg, len);
		dns_put_u16(msg + 2, dns_get_u16(msg + 2) | DNS_F_TC);
	}
	return damage(a, msg, cap, len);
}
