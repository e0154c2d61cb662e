/* msg.c - message decode and encode. */
#include "dns/msg.h"

#include <stdalign.h>
#include <stddef.h>
#include <string.h>

#include "dns/edns.h"

/* Smallest encodings, for checking counts against the bytes left. */
#define MIN_QUESTION 5u	 /* root name + type + class */
#define MIN_RR	     11u /* root name + type class ttl rdlength */
/* Stored RDATA may exceed RDLENGTH by names expanded from pointers; no
 * type has more than a few compressible names. */
#define RDATA_SCRATCH (DNS_MSG_MAXLEN + 4u * DNS_NAME_MAXLEN)
/* RDATA is unpacked straight into the arena, into RDLENGTH plus room for
 * two expanded names; stored form longer than that (DNS_E_SPACE) is
 * unpacked again into the scratch buffer, then copied. */
#define RDATA_ROOM_EXTRA (2u * DNS_NAME_MAXLEN)
/* Names decoded at the top level that are remembered (see name_cached). */
#define NAME_CACHE 4u

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

/* Owner names are mostly a pointer to a name met just before (the
 * question name, the previous owner). Decoding from offset `at` with no
 * error means that a pointer found later and leading to `at` decodes to
 * the same name: the pointer lies after `at`, so it points backwards and
 * inside the message, and from `at` on come the same labels and pointers,
 * already checked (unless the one more hop exceeds DNS_PTR_MAXHOPS). So
 * such a pointer takes the remembered name, without calling the name codec
 * (nor counting in dns_work: the codec does no work). The same holds for a
 * pointer to one of the labels the name has in place (cached_suffix): the
 * owner "example." is often a pointer into the question "www.example.". */
typedef struct cached_name {
	size_t at;
	size_t in_place;	/* bytes of the name written in place at `at`
				   (before its first pointer), 0 if unknown */
	const dns_name_t *name; /* in the arena, owned by the message */
	unsigned hops;		/* pointers followed from a pointer to `at` */
} cached_name_t;

typedef struct decoder {
	dns_msg_t *m;
	dns_wire_t w;
	dns_decode_mode_t mode;
	dns_arena_t *arena;
	bool stop; /* strict mode hit a violation, or the structure is lost */
	cached_name_t names[NAME_CACHE];
	unsigned nnames; /* entries filled, round robin beyond NAME_CACHE */
	uint8_t *area;	 /* reserved in the arena for stored RDATA, or NULL */
	size_t area_room, area_used;
} decoder_t;

/* Commit the RDATA written into the reservation (before any other
 * allocation from the arena). */
static void area_close(decoder_t *d)
{
	if (d->area != NULL)
		dns_arena_commit(d->arena, d->area_used);
	d->area = NULL;
}

/* Room for at least `need` bytes of stored RDATA; NULL when the arena
 * cannot give it. The RDATA of a section goes one after another into one
 * reservation (all the arena's current chunk has free), committed when the
 * section ends or the room runs out. */
static uint8_t *area_room(decoder_t *d, size_t need)
{
	if (d->area != NULL && d->area_room - d->area_used >= need)
		return d->area + d->area_used;
	area_close(d);
	d->area = dns_arena_reserve(d->arena, need, &d->area_room);
	d->area_used = 0;
	return d->area;
}

/* Room for an array of n entries of size bytes, aligned for any type, in
 * the reservation: the arrays of the sections go there with the RDATA,
 * so that a message takes one reservation and one commit rather than an
 * allocation per section. NULL when the arena cannot give it. */
static void *area_array(decoder_t *d, size_t n, size_t size)
{
	const size_t align = alignof(max_align_t);
	size_t bytes = n * size; /* n <= 65535 entries of a few hundred bytes */
	size_t pad = (align - d->area_used % align) % align;
	if (d->area == NULL || d->area_room - d->area_used < pad + bytes) {
		area_close(d); /* a fresh reservation starts aligned */
		d->area = dns_arena_reserve(d->arena, bytes, &d->area_room);
		d->area_used = 0;
		pad = 0;
		if (d->area == NULL)
			return NULL;
	}
	void *p = d->area + d->area_used + pad;
	d->area_used += pad + bytes;
	return p;
}

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
		m->id = m->flags = 0;
		memset(m->counts, 0, sizeof(m->counts));
		violation(d, DNS_E_TRUNC_HEADER, d->w.msglen, 0xff, 0);
		d->stop = true;
		return;
	}
	const uint8_t *p = d->w.msg; /* 12 bytes, checked above */
	m->id = dns_get_u16(p);
	m->flags = dns_get_u16(p + 2);
	for (int i = 0; i < 4; i++)
		m->counts[i] = dns_get_u16(p + 4 + 2 * i);
	d->w.pos = DNS_HEADER_LEN;
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

/* Where a pointer to `target` lands inside the remembered name c: the
 * offset of one of its labels after the first, or 0. A name's labels
 * written in place at `at` sit in the message as they sit in c->name, so
 * a pointer to the start of one of them (the owner "example." pointing
 * into the question "www.example.") decodes to the name's suffix from
 * that label, with the same pointers after it: the same checks pass,
 * since each of those pointers lies before the target and points before
 * `at`. */
static size_t cached_suffix(const cached_name_t *c, size_t target)
{
	if (target <= c->at || target - c->at >= c->in_place)
		return 0;
	size_t off = target - c->at, j = 0;
	while (j < off)
		j += 1u + c->name->wire[j];
	return j == off ? off : 0;
}

/* Take the remembered name c, from its byte off on, for the pointer at the
 * cursor. */
static void take_cached(decoder_t *d, const cached_name_t *c, size_t off,
			dns_name_t *name)
{
	const uint8_t *src = c->name->wire + off;
	name->len = (uint8_t)(c->name->len - off);
	/* most names: a fixed-size copy (off < len <= 32, so the 32 bytes
	 * read lie inside c->name->wire) */
	if (c->name->len <= 32)
		memcpy(name->wire, src, 32);
	else
		memcpy(name->wire, src, name->len);
	d->w.pos += 2;
}

/* A pointer at the cursor to a remembered name, or else to one of its
 * labels: take that name or its suffix. */
static bool name_cached(decoder_t *d, dns_name_t *name)
{
	const uint8_t *p = d->w.msg + d->w.pos;
	if (d->nnames == 0 || dns_wire_left(&d->w) < 2 || p[0] < 0xc0)
		return false;
	size_t target = (size_t)(p[0] & 0x3f) << 8 | p[1];
	unsigned n = d->nnames < NAME_CACHE ? d->nnames : NAME_CACHE;
	for (unsigned i = 0; i < n; i++) {
		const cached_name_t *c = &d->names[i];
		if (c->at == target && c->hops <= DNS_PTR_MAXHOPS) {
			take_cached(d, c, 0, name);
			return true;
		}
	}
	for (unsigned i = 0; i < n; i++) {
		const cached_name_t *c = &d->names[i];
		size_t off = cached_suffix(c, target);
		if (off > 0 && c->hops <= DNS_PTR_MAXHOPS) {
			take_cached(d, c, off, name);
			return true;
		}
	}
	return false;
}

/* Remember the name just decoded from `start`, which followed `hops`
 * pointers. When it begins with a pointer, a later pointer to the same
 * target decodes the same way, with as many hops; otherwise a pointer to
 * `start` adds one hop. */
static void name_remember(decoder_t *d, size_t start, const dns_name_t *name,
			  unsigned hops)
{
	const uint8_t *p = d->w.msg + start;
	cached_name_t *c = &d->names[d->nnames++ % NAME_CACHE];
	if (p[0] >= 0xc0) {
		c->at = (size_t)(p[0] & 0x3f) << 8 | p[1];
		c->in_place = 0;
		c->hops = hops;
	} else {
		c->at = start;
		/* the cursor is after the name, or after its first pointer */
		c->in_place = d->w.pos - start - (hops > 0 ? 2u : 0u);
		c->hops = hops + 1;
	}
	c->name = name;
}

/* A name at the cursor. A bad pointer is a violation that survey mode
 * steps over (the name becomes the root); other errors lose the structure
 * and return false. */
static bool decode_name(decoder_t *d, dns_name_t *name, dns_rc_t shortcode,
			unsigned sec, unsigned idx)
{
	size_t start = d->w.pos;
	if (name_cached(d, name))
		return true;
	unsigned long hops = dns_work.hops; /* the codec counts them there */
	if (dns_name_unpack(&d->w, name, true) == DNS_OK) {
		name_remember(d, start, name, (unsigned)(dns_work.hops - hops));
		return true;
	}
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
	m->qd = area_array(d, room, sizeof(*m->qd));
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
		if (dns_wire_left(&d->w) >= 4) {
			const uint8_t *p = d->w.msg + d->w.pos;
			q->qtype = dns_get_u16(p);
			q->qclass = dns_get_u16(p + 2);
			d->w.pos += 4;
			m->nqd++;
			continue;
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
	if (dns_wire_left(&d->w) >= 10) {
		const uint8_t *p = d->w.msg + d->w.pos;
		rr->type = dns_get_u16(p);
		rr->rclass = dns_get_u16(p + 2);
		rr->ttl = dns_get_u32(p + 4);
		rr->rdlen = dns_get_u16(p + 8);
		d->w.pos += 10;
		return true;
	}
	rr->type = dns_wire_u16(&d->w);
	rr->rclass = dns_wire_u16(&d->w);
	rr->ttl = dns_wire_u32(&d->w);
	rr->rdlen = dns_wire_u16(&d->w);
	return take_error(d, DNS_E_TRUNC_RR, sec, idx) == DNS_OK;
}

/* Stored form of rr's RDATA (the sub-cursor rd) into out. */
static dns_rc_t unpack_rdata(const dns_rr_t *rr, dns_wire_t *rd, uint8_t *out,
			     size_t cap, size_t *outlen)
{
	/* RFC 2136 2.4 and 2.5: class NONE or ANY with no RDATA. Not a TSIG,
	 * whose CLASS is always ANY (RFC 8945 4.2) and RDATA never empty. */
	if (rr->rdlen == 0 && rr->type != DNS_T_TSIG &&
	    (rr->rclass == DNS_C_NONE || rr->rclass == DNS_C_ANY)) {
		*outlen = 0;
		return DNS_OK;
	}
	return dns_rdata_unpack(rr->type, rd, out, cap, outlen);
}

/* Unpack rr's RDATA (rd) where it is to stay: into the arena reservation,
 * or into the scratch buffer when the arena fails or the stored form is
 * longer than the room. Returns where; *rc gets the result. */
static uint8_t *unpack_somewhere(decoder_t *d, const dns_rr_t *rr,
				 dns_wire_t *rd, size_t *outlen, dns_rc_t *rc)
{
	size_t start = rd->pos, room = rr->rdlen + RDATA_ROOM_EXTRA;
	uint8_t *dst = area_room(d, room);
	if (dst != NULL) {
		*rc = unpack_rdata(rr, rd, dst, room, outlen);
		if (*rc != DNS_E_SPACE)
			return dst;
		rd->pos = start; /* again, with all the room there is */
		rd->err = DNS_OK;
	}
	*rc = unpack_rdata(rr, rd, rdata_scratch, RDATA_SCRATCH, outlen);
	return rdata_scratch;
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
	dns_rc_t rc;
	uint8_t *out = unpack_somewhere(d, rr, &rd, &outlen, &rc);
	bool in_area = out != rdata_scratch;
	if (rc != DNS_OK) {
		violation(d, rd.err == DNS_E_SHORT ? DNS_E_RDATA_SHORT : rd.err,
			  rd.err_off, sec, idx);
		outlen = rr->rdlen;
		if (in_area)
			memcpy(out, raw, outlen);
		else
			out = (uint8_t *)raw;
	}
	if (in_area) {
		d->area_used += outlen;
		rr->rdata = out;
	} else {
		area_close(d);
		rr->rdata = dns_arena_dup(d->arena, out, outlen);
	}
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
	m->sec[sec] = area_array(d, room, sizeof(dns_rr_t));
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
	decoder_t d; /* field by field: names[] is read only below nnames */
	d.m = m;
	d.w = dns_wire_reader(wire, len);
	d.mode = mode;
	d.arena = arena;
	d.stop = false;
	d.nnames = 0;
	d.area = NULL;
	d.area_room = d.area_used = 0;
	/* all but the violation list, which is read only up to nviol, and
	 * the header fields decode_header sets first */
	m->qd = NULL;
	m->nqd = 0;
	for (unsigned sec = 0; sec < 4; sec++) {
		m->sec[sec] = NULL;
		m->nsec[sec] = 0;
	}
	m->opt = m->tsig = NULL;
	m->nviol = 0;
	m->viol_more = false;
	decode_header(&d);
	if (!d.stop)
		decode_question(&d);
	for (unsigned sec = DNS_SEC_ANSWER;
	     sec <= DNS_SEC_ADDITIONAL && !d.stop; sec++)
		if (m->counts[sec] > 0) /* an empty one has nothing to check */
			decode_section(&d, sec);
	if (!d.stop && d.w.pos < len)
		violation(&d, DNS_E_TRAILING, d.w.pos, 0xff, 0);
	area_close(&d);
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
