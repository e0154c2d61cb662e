/* msg.c - message decode and encode. */
#include "dns/msg.h"

#include <string.h>

#include "dns/edns.h"

/* Smallest encodings, for checking counts against the bytes left. */
#define MIN_QUESTION 5u	 /* root name + type + class */
#define MIN_RR	     11u /* root name + type class ttl rdlength */
/* Stored RDATA may exceed RDLENGTH by names expanded from pointers; no
 * type has more than a few compressible names. */
#define RDATA_SCRATCH (DNS_MSG_MAXLEN + 4u * DNS_NAME_MAXLEN)

static _Thread_local uint8_t rdata_scratch[RDATA_SCRATCH];

const char *dns_section_name(dns_section_t s)
{
	static const char *const names[] = {"question", "answer", "authority",
					    "additional"};
	return (unsigned)s < 4 ? names[s] : "header";
}

void dns_msg_init(dns_msg_t *m)
{
	memset(m, 0, sizeof(*m));
}

uint16_t dns_msg_rcode(const dns_msg_t *m)
{
	uint16_t rc = DNS_RCODE(m->flags);
	if (m->opt != NULL)
		rc = (uint16_t)(rc | (uint16_t)((m->opt->ttl >> 24) << 4));
	return rc;
}

/* ---- decode ------------------------------------------------------------ */

typedef struct decoder {
	dns_msg_t *m;
	dns_wire_t w;
	dns_decode_mode_t mode;
	dns_arena_t *arena;
	bool stop; /* strict mode hit a violation, or the structure is lost */
} decoder_t;

static void violation(decoder_t *d, dns_rc_t code, size_t off, unsigned sec,
		      unsigned idx)
{
	dns_msg_t *m = d->m;
	if (d->stop)
		return; /* strict mode keeps the first violation only */
	if (m->nviol < DNS_VIOLATIONS_MAX) {
		dns_violation_t *v = &m->viol[m->nviol++];
		v->code = code;
		v->offset = off;
		v->section = (uint8_t)sec;
		v->index = (uint16_t)idx;
	} else {
		m->viol_more = true;
	}
	if (d->mode == DNS_DECODE_STRICT || code == DNS_E_NOMEM)
		d->stop = true;
}

/* Take the cursor's error as a violation and clear it so that survey mode
 * can go on; `shortcode` replaces DNS_E_SHORT with the section's name. */
static dns_rc_t take_error(decoder_t *d, dns_rc_t shortcode, unsigned sec,
			   unsigned idx)
{
	dns_rc_t rc = d->w.err;
	if (rc == DNS_OK)
		return DNS_OK;
	violation(d, rc == DNS_E_SHORT ? shortcode : rc, d->w.err_off, sec,
		  idx);
	d->w.err = DNS_OK;
	return rc;
}

static void decode_header(decoder_t *d)
{
	dns_msg_t *m = d->m;
	if (d->w.msglen < DNS_HEADER_LEN) {
		violation(d, DNS_E_TRUNC_HEADER, d->w.msglen, 0xff, 0);
		d->stop = true;
		return;
	}
	m->id = dns_wire_u16(&d->w);
	m->flags = dns_wire_u16(&d->w);
	for (int i = 0; i < 4; i++)
		m->counts[i] = dns_wire_u16(&d->w);
}

/* Entries of a section to allocate: the count, or fewer when the bytes
 * left cannot hold that many (a violation, checked before allocating). */
static unsigned section_room(decoder_t *d, unsigned sec, size_t min)
{
	unsigned count = d->m->counts[sec];
	size_t fit = dns_wire_left(&d->w) / min;
	if (count <= fit)
		return count;
	violation(d, DNS_E_COUNT, 4u + 2u * sec, sec, 0);
	return (unsigned)fit;
}

/* Is the error a bad pointer? The name in place still has a known end. */
static bool ptr_error(dns_rc_t rc)
{
	return rc == DNS_E_PTR_FORWARD || rc == DNS_E_PTR_RANGE ||
	       rc == DNS_E_PTR_LOOP || rc == DNS_E_PTR_FORBIDDEN;
}

/* End of the name written in place at off: after its root label or its
 * first pointer. 0 when it runs off the end. */
static size_t name_end_in_place(const dns_wire_t *w, size_t off)
{
	while (off < w->end) {
		uint8_t c = w->msg[off];
		if ((c & 0xc0) == 0xc0)
			return off + 2 <= w->end ? off + 2 : 0;
		if (c & 0xc0)
			return 0;
		off += 1u + c;
		if (c == 0)
			return off <= w->end ? off : 0;
	}
	return 0;
}

/* A name at the cursor. A bad pointer is a violation that survey mode
 * steps over (the name becomes the root); other errors lose the structure
 * and return false. */
static bool decode_name(decoder_t *d, dns_name_t *name, dns_rc_t shortcode,
			unsigned sec, unsigned idx)
{
	size_t start = d->w.pos;
	if (dns_name_unpack(&d->w, name, true) == DNS_OK)
		return true;
	dns_rc_t rc = take_error(d, shortcode, sec, idx);
	size_t end = name_end_in_place(&d->w, start);
	if (d->stop || !ptr_error(rc) || end == 0)
		return false;
	d->w.pos = end;
	dns_name_root(name);
	return true;
}

/* The data ended exactly where another entry should begin: the count
 * claims more entries than there are. Ends decoding. */
static bool count_exhausted(decoder_t *d, unsigned sec)
{
	if (dns_wire_left(&d->w) > 0)
		return false;
	const dns_violation_t *last =
	    d->m->nviol ? &d->m->viol[d->m->nviol - 1] : NULL;
	/* section_room may have named this count already */
	if (last == NULL || last->code != DNS_E_COUNT ||
	    last->offset != 4u + 2u * sec)
		violation(d, DNS_E_COUNT, 4u + 2u * sec, sec, 0);
	d->stop = true;
	return true;
}

static void decode_question(decoder_t *d)
{
	dns_msg_t *m = d->m;
	unsigned room = section_room(d, DNS_SEC_QUESTION, MIN_QUESTION);
	if (d->stop || room == 0)
		return;
	m->qd = dns_arena_alloc(d->arena, room * sizeof(*m->qd));
	if (m->qd == NULL) {
		violation(d, DNS_E_NOMEM, d->w.pos, 0, 0);
		return;
	}
	for (unsigned i = 0; i < room && !d->stop; i++) {
		dns_question_t *q = &m->qd[i];
		if (count_exhausted(d, DNS_SEC_QUESTION))
			return;
		q->wire_off = (uint32_t)d->w.pos;
		if (!decode_name(d, &q->name, DNS_E_TRUNC_QUESTION, 0, i)) {
			d->stop = true;
			return;
		}
		q->qtype = dns_wire_u16(&d->w);
		q->qclass = dns_wire_u16(&d->w);
		if (take_error(d, DNS_E_TRUNC_QUESTION, 0, i) != DNS_OK) {
			d->stop = true;
			return;
		}
		m->nqd++;
	}
}

/* Owner name and fixed fields of an RR. false when the structure is lost. */
static bool decode_rr_fixed(decoder_t *d, dns_rr_t *rr, unsigned sec,
			    unsigned idx)
{
	rr->wire_off = (uint32_t)d->w.pos;
	if (!decode_name(d, &rr->owner, DNS_E_TRUNC_RR, sec, idx))
		return false;
	rr->type = dns_wire_u16(&d->w);
	rr->rclass = dns_wire_u16(&d->w);
	rr->ttl = dns_wire_u32(&d->w);
	rr->rdlen = dns_wire_u16(&d->w);
	return take_error(d, DNS_E_TRUNC_RR, sec, idx) == DNS_OK;
}

/* RDATA of rr (RDLENGTH already read). A bad RDATA is a violation but its
 * length is known, so the raw bytes are kept and decoding goes on. */
static bool decode_rdata(decoder_t *d, dns_rr_t *rr, unsigned sec, unsigned idx)
{
	size_t rdlen_at = d->w.pos - 2;
	if (dns_wire_left(&d->w) < rr->rdlen) {
		violation(d, DNS_E_RDATA_OVERRUN, rdlen_at, sec, idx);
		return false;
	}
	dns_wire_t rd = dns_wire_sub(&d->w, rr->rdlen, DNS_E_RDATA_OVERRUN);
	const uint8_t *raw = rd.msg + rd.pos;
	size_t outlen = 0;
	/* RFC 2136 2.4 and 2.5: class NONE or ANY with no RDATA. Not a TSIG,
	 * whose CLASS is always ANY (RFC 8945 4.2) and RDATA never empty. */
	bool update_empty =
	    rr->rdlen == 0 && rr->type != DNS_T_TSIG &&
	    (rr->rclass == DNS_C_NONE || rr->rclass == DNS_C_ANY);
	const uint8_t *src = raw;
	if (!update_empty &&
	    dns_rdata_unpack(rr->type, &rd, rdata_scratch,
			     sizeof(rdata_scratch), &outlen) == DNS_OK) {
		src = rdata_scratch;
	} else if (!update_empty) {
		violation(d, rd.err == DNS_E_SHORT ? DNS_E_RDATA_SHORT : rd.err,
			  rd.err_off, sec, idx);
		outlen = rr->rdlen;
	}
	rr->rdata = dns_arena_dup(d->arena, src, outlen);
	if (rr->rdata == NULL && outlen > 0) {
		violation(d, DNS_E_NOMEM, rdlen_at, sec, idx);
		return false;
	}
	rr->rdlen = (uint16_t)outlen;
	return true;
}

/* The options of the OPT just read (its RDATA ends at the cursor). */
static void check_edns(decoder_t *d, const dns_rr_t *rr, unsigned sec,
		       unsigned idx)
{
	dns_edns_t e;
	dns_error_t err = {0};
	bool query = (d->m->flags & DNS_F_QR) == 0;
	if (dns_edns_from_rr(rr->rclass, rr->ttl, rr->rdata, rr->rdlen, &e,
			     &err) == DNS_OK)
		dns_edns_check(&e, query, &err);
	if (err.code != DNS_OK)
		violation(d, err.code, d->w.pos - rr->rdlen + err.offset, sec,
			  idx);
}

/* Placement rules for OPT and TSIG, checked as each RR is read. */
static void check_special_rr(decoder_t *d, const dns_rr_t *rr, unsigned sec,
			     unsigned idx)
{
	dns_msg_t *m = d->m;
	if (rr->type == DNS_T_OPT) {
		if (sec != DNS_SEC_ADDITIONAL) {
			violation(d, DNS_E_OPT_SECTION, rr->wire_off, sec, idx);
			return;
		}
		if (rr->owner.len != 1)
			violation(d, DNS_E_OPT_OWNER, rr->wire_off, sec, idx);
		if (m->opt != NULL) {
			violation(d, DNS_E_OPT_MULTI, rr->wire_off, sec, idx);
			return;
		}
		m->opt = rr;
		check_edns(d, rr, sec, idx);
	} else if (rr->type == DNS_T_TSIG) {
		if (sec != DNS_SEC_ADDITIONAL)
			violation(d, DNS_E_TSIG_SECTION, rr->wire_off, sec,
				  idx);
		else if (idx + 1u < d->m->counts[sec])
			violation(d, DNS_E_TSIG_NOT_LAST, rr->wire_off, sec,
				  idx);
		else
			m->tsig = rr;
	}
}

static void decode_section(decoder_t *d, unsigned sec)
{
	dns_msg_t *m = d->m;
	unsigned room = section_room(d, sec, MIN_RR);
	if (d->stop || room == 0)
		return;
	m->sec[sec] = dns_arena_alloc(d->arena, room * sizeof(dns_rr_t));
	if (m->sec[sec] == NULL) {
		violation(d, DNS_E_NOMEM, d->w.pos, sec, 0);
		return;
	}
	for (unsigned i = 0; i < room && !d->stop; i++) {
		dns_rr_t *rr = &m->sec[sec][i];
		if (count_exhausted(d, sec))
			return;
		if (!decode_rr_fixed(d, rr, sec, i) ||
		    !decode_rdata(d, rr, sec, i)) {
			d->stop = true;
			return;
		}
		m->nsec[sec]++;
		check_special_rr(d, rr, sec, i);
	}
}

dns_rc_t dns_msg_decode(dns_msg_t *m, const uint8_t *wire, size_t len,
			dns_decode_mode_t mode, dns_arena_t *arena)
{
	decoder_t d = {m, dns_wire_reader(wire, len), mode, arena, false};
	dns_msg_init(m);
	decode_header(&d);
	if (!d.stop)
		decode_question(&d);
	for (unsigned sec = DNS_SEC_ANSWER;
	     sec <= DNS_SEC_ADDITIONAL && !d.stop; sec++)
		decode_section(&d, sec);
	if (!d.stop && d.w.pos < len)
		violation(&d, DNS_E_TRAILING, d.w.pos, 0xff, 0);
	m->wire_len = d.w.pos;
	return m->nviol > 0 ? m->viol[0].code : DNS_OK;
}

/* ---- encode ------------------------------------------------------------ */

static void encode_rr(dns_wire_t *w, const dns_rr_t *rr, dns_compress_t *c,
		      dns_pack_mode_t mode)
{
	dns_name_pack(w, &rr->owner, mode == DNS_PACK_PLAIN ? NULL : c);
	dns_wire_put_u16(w, rr->type);
	dns_wire_put_u16(w, rr->rclass);
	dns_wire_put_u32(w, rr->ttl);
	size_t rdlen_at = w->pos;
	dns_wire_put_u16(w, 0);
	size_t start = w->pos;
	dns_rdata_pack(rr->type, rr->rdata, rr->rdlen, w,
		       mode == DNS_PACK_PLAIN ? NULL : c, mode);
	if (w->pos - start > 0xffff)
		dns_wire_fail(w, DNS_E_SPACE);
	dns_wire_poke_u16(w, rdlen_at, (uint16_t)(w->pos - start));
}

dns_rc_t dns_msg_encode(const dns_msg_t *m, const dns_encode_opts_t *opts,
			uint8_t *buf, size_t cap, size_t *len)
{
	static const dns_encode_opts_t defaults = {
	    DNS_PACK_STANDARD, {false}, {0}};
	if (opts == NULL)
		opts = &defaults;
	dns_wire_t w =
	    dns_wire_writer(buf, cap < DNS_MSG_MAXLEN ? cap : DNS_MSG_MAXLEN);
	dns_compress_t c;
	dns_compress_init(&c);
	dns_compress_t *cp = opts->compress == DNS_PACK_PLAIN ? NULL : &c;
	unsigned real[4] = {m->nqd, m->nsec[1], m->nsec[2], m->nsec[3]};

	dns_wire_put_u16(&w, m->id);
	dns_wire_put_u16(&w, m->flags);
	for (int i = 0; i < 4; i++) {
		unsigned n = opts->count_set[i] ? opts->count[i] : real[i];
		if (n > 0xffff)
			dns_wire_fail(&w, DNS_E_COUNT);
		dns_wire_put_u16(&w, (uint16_t)n);
	}
	for (unsigned i = 0; i < m->nqd; i++) {
		dns_name_pack(&w, &m->qd[i].name, cp);
		dns_wire_put_u16(&w, m->qd[i].qtype);
		dns_wire_put_u16(&w, m->qd[i].qclass);
	}
	for (unsigned sec = 1; sec <= 3; sec++)
		for (unsigned i = 0; i < m->nsec[sec]; i++)
			encode_rr(&w, &m->sec[sec][i], &c, opts->compress);
	*len = w.err == DNS_OK ? w.pos : 0;
	return w.err;
}

/* ---- edits ------------------------------------------------------------- */

dns_rc_t dns_edit_apply(const dns_edit_t *e, uint8_t *buf, size_t cap,
			size_t *len)
{
	size_t n = *len;
	switch (e->kind) {
	case DNS_EDIT_SET:
		if (e->at > n)
			return DNS_E_SHORT;
		if (e->n > cap || e->at > cap - e->n)
			return DNS_E_SPACE;
		memcpy(buf + e->at, e->bytes, e->n);
		if (e->at + e->n > n)
			*len = e->at + e->n;
		return DNS_OK;
	case DNS_EDIT_TRUNCATE:
		if (e->at > n)
			return DNS_E_SHORT;
		*len = e->at;
		return DNS_OK;
	case DNS_EDIT_APPEND:
		if (e->n > cap - n)
			return DNS_E_SPACE;
		memcpy(buf + n, e->bytes, e->n);
		*len = n + e->n;
		return DNS_OK;
	case DNS_EDIT_INSERT:
		if (e->at > n)
			return DNS_E_SHORT;
		if (e->n > cap - n)
			return DNS_E_SPACE;
		memmove(buf + e->at + e->n, buf + e->at, n - e->at);
		memcpy(buf + e->at, e->bytes, e->n);
		*len = n + e->n;
		return DNS_OK;
	case DNS_EDIT_DELETE:
		if (e->at > n || e->n > n - e->at)
			return DNS_E_SHORT;
		memmove(buf + e->at, buf + e->at + e->n, n - e->at - e->n);
		*len = n - e->n;
		return DNS_OK;
	}
	return DNS_E_INTERNAL;
}
