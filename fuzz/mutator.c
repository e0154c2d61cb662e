/* mutator.c - structure-aware mutation of DNS messages (mutator.h). */
#include "mutator.h"

#include <stdbool.h>
#include <string.h>

#include "dns/arena.h"
#include "dns/edns.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rdata.h"

#define SEC_MAX	   128u /* entries kept per section */
#define OPTS_MAX   32u	/* EDNS options kept per OPT */
#define RD_GROW	   256u /* room for RDATA to grow in a byte mutation */
#define MAP_MAX	   512u /* positions of each kind in a wire map */
#define ARR_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* ---- deterministic random numbers (splitmix64) --------------------------- */

typedef struct rng {
	uint64_t s;
} rng_t;

static uint64_t rng_next(rng_t *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

/* 0..n-1; 0 when n is 0. */
static unsigned below(rng_t *r, size_t n)
{
	return n > 0 ? (unsigned)(rng_next(r) % n) : 0;
}

static bool one_in(rng_t *r, unsigned n)
{
	return below(r, n) == 0;
}

static uint16_t pick16(rng_t *r, const uint16_t *v, size_t n)
{
	return v[below(r, n)];
}

#define PICK(r, arr) pick16((r), (arr), ARR_LEN(arr))

/* ---- interesting values -------------------------------------------------- */

static const uint16_t odd_types[] = {
    0,		DNS_T_OPT, DNS_T_TSIG, DNS_T_TKEY, DNS_T_ANY, DNS_T_AXFR,
    DNS_T_IXFR, 253,	   254,	       3,	   4,	      0xff00,
    0xffff,	32768,	   65280,      65534,	   260,	      100,
};
static const uint16_t classes[] = {DNS_C_IN,   DNS_C_IN,  DNS_C_CH, DNS_C_HS,
				   DNS_C_NONE, DNS_C_ANY, 0,	    2,
				   0xffff,     0xfe00};
static const uint16_t udp_sizes[] = {0, 1, 511, 512, 1232, 1400, 4096, 65535};
static const uint16_t opt_codes[] = {DNS_OPT_LLQ,
				     DNS_OPT_UL,
				     DNS_OPT_NSID,
				     DNS_OPT_DAU,
				     DNS_OPT_DHU,
				     DNS_OPT_N3U,
				     DNS_OPT_ECS,
				     DNS_OPT_EXPIRE,
				     DNS_OPT_COOKIE,
				     DNS_OPT_KEEPALIVE,
				     DNS_OPT_PADDING,
				     DNS_OPT_CHAIN,
				     DNS_OPT_KEYTAG,
				     DNS_OPT_EDE,
				     DNS_OPT_CLIENT_TAG,
				     DNS_OPT_SERVER_TAG,
				     DNS_OPT_REPORT_CHANNEL,
				     DNS_OPT_ZONEVERSION,
				     0,
				     4,
				     20,
				     26946,
				     65001,
				     65535};
static const uint8_t label_chars[] = {'a',  'Z',  '0',	'-',  '_',  '*', '.',
				      '\\', '"',  ' ',	'(',  ';',  '@', '$',
				      0x00, 0x7f, 0x80, 0xc0, 0xff, '\t'};

static uint16_t any_type(rng_t *r)
{
	size_t n;
	const dns_type_info_t *rows = dns_type_table(&n);
	if (n > 0 && !one_in(r, 4))
		return rows[below(r, n)].code;
	if (one_in(r, 2))
		return PICK(r, odd_types);
	return (uint16_t)rng_next(r);
}

static uint32_t any_ttl(rng_t *r)
{
	static const uint32_t v[] = {0,		  1,	       300,
				     86400,	  0x7fffffff,  0x80000000u,
				     0xffffffffu, 0x00008000u, 0x01008000u};
	return one_in(r, 3) ? (uint32_t)rng_next(r) : v[below(r, ARR_LEN(v))];
}

/* ---- an editable message ------------------------------------------------- */

typedef struct mmsg {
	uint16_t id, flags;
	unsigned n[4];	     /* n[0]: questions; n[1..3]: records */
	unsigned missing[4]; /* entries counted by the header, not decoded */
	dns_question_t qd[SEC_MAX];
	dns_rr_t rr[4][SEC_MAX]; /* [1..3] */
	const uint8_t *tail;	 /* input bytes the decoder did not read */
	size_t tail_len;
} mmsg_t;

typedef struct mut {
	rng_t rng;
	fuzz_byte_mutator_t bytes;
	dns_arena_t *arena;
	mmsg_t *m;
	dns_encode_opts_t opts;
	bool keep_counts; /* count the entries decode did not reach */
} mut_t;

static fuzz_mut_kind_t last_kind;
static uint8_t enc[DNS_MSG_MAXLEN];

fuzz_mut_kind_t fuzz_msg_last_kind(void)
{
	return last_kind;
}

static dns_arena_t *mut_arena(void)
{
	static dns_arena_t arena;
	static bool init;
	if (!init) {
		dns_arena_init(&arena, 0);
		init = true;
	}
	dns_arena_reset(&arena);
	return &arena;
}

/* The byte mutator on p[0..n) (cap bytes); an empty input first gets one
 * byte, since libFuzzer's mutators expect data. */
static size_t mutate_bytes(mut_t *mu, uint8_t *p, size_t n, size_t cap)
{
	if (n == 0) {
		p[0] = (uint8_t)rng_next(&mu->rng);
		n = 1;
	}
	n = mu->bytes(p, n, cap);
	return n < cap ? n : cap;
}

static void mut_init(mut_t *mu, unsigned seed, fuzz_byte_mutator_t bytes,
		     mmsg_t *m, dns_arena_t *arena)
{
	memset(mu, 0, sizeof(*mu));
	mu->rng.s = (uint64_t)seed * 0x2545f4914f6cdd1du + 1;
	mu->bytes = bytes;
	mu->arena = arena;
	mu->m = m;
}

static unsigned copy_entries(void *dst, const void *src, unsigned n,
			     size_t size)
{
	if (n > SEC_MAX)
		n = SEC_MAX;
	if (n > 0)
		memcpy(dst, src, n * size);
	return n;
}

/* Decode data in survey mode into m. false when there is no header or the
 * arena fails. Names and RDATA are copied out of data; only m->tail
 * points into it. */
static bool mm_load(mmsg_t *m, const uint8_t *data, size_t size,
		    dns_arena_t *arena)
{
	static dns_msg_t msg;
	if (size < DNS_HEADER_LEN ||
	    dns_msg_decode(&msg, data, size, DNS_DECODE_SURVEY, arena) ==
		DNS_E_NOMEM)
		return false;
	m->id = msg.id;
	m->flags = msg.flags;
	m->n[0] = copy_entries(m->qd, msg.qd, msg.nqd, sizeof(*msg.qd));
	m->missing[0] = msg.counts[0] - msg.nqd;
	for (unsigned s = 1; s < 4; s++) {
		m->n[s] = copy_entries(m->rr[s], msg.sec[s], msg.nsec[s],
				       sizeof(dns_rr_t));
		m->missing[s] = msg.counts[s] - msg.nsec[s];
	}
	m->tail = data + msg.wire_len;
	m->tail_len = size - msg.wire_len;
	return true;
}

static unsigned n_records(const mmsg_t *m)
{
	return m->n[1] + m->n[2] + m->n[3];
}

/* A random record of m, or NULL; *sec and *idx say where (may be NULL). */
static dns_rr_t *pick_rr(rng_t *r, mmsg_t *m, unsigned *sec, unsigned *idx)
{
	unsigned k = below(r, n_records(m));
	if (n_records(m) == 0)
		return NULL;
	for (unsigned s = 1; s < 4; s++) {
		if (k < m->n[s]) {
			if (sec != NULL)
				*sec = s;
			if (idx != NULL)
				*idx = k;
			return &m->rr[s][k];
		}
		k -= m->n[s];
	}
	return NULL;
}

/* A random owner or query name of m, or NULL when there is none. */
static dns_name_t *pick_name(rng_t *r, mmsg_t *m)
{
	if (m->n[0] > 0 && (n_records(m) == 0 || one_in(r, 3)))
		return &m->qd[below(r, m->n[0])].name;
	dns_rr_t *rr = pick_rr(r, m, NULL, NULL);
	return rr != NULL ? &rr->owner : NULL;
}

static bool insert_rr(mmsg_t *m, unsigned s, unsigned at, const dns_rr_t *rr)
{
	if (m->n[s] >= SEC_MAX)
		return false;
	if (at > m->n[s])
		at = m->n[s];
	memmove(&m->rr[s][at + 1], &m->rr[s][at],
		(m->n[s] - at) * sizeof(dns_rr_t));
	m->rr[s][at] = *rr;
	m->n[s]++;
	return true;
}

static void remove_rr(mmsg_t *m, unsigned s, unsigned at)
{
	memmove(&m->rr[s][at], &m->rr[s][at + 1],
		(m->n[s] - at - 1) * sizeof(dns_rr_t));
	m->n[s]--;
}

/* A section for a record: answer, authority or additional. */
static unsigned any_section(rng_t *r)
{
	return 1 + below(r, 3);
}

/* ---- names --------------------------------------------------------------- */

static void prepend_label(rng_t *r, dns_name_t *n, size_t len)
{
	uint8_t label[DNS_LABEL_MAXLEN];
	for (size_t i = 0; i < len; i++)
		label[i] = one_in(r, 6)
			       ? label_chars[below(r, sizeof(label_chars))]
			       : (uint8_t)('a' + below(r, 26));
	(void)dns_name_prepend(n, label, len); /* too long: unchanged */
}

/* Labels of 63 bytes until the name is nearly full, then one that makes
 * it exactly 255 bytes (or 254). Longer names come from wire damage. */
static void grow_name(rng_t *r, dns_name_t *n)
{
	while (n->len + 64u <= DNS_NAME_MAXLEN)
		prepend_label(r, n, DNS_LABEL_MAXLEN);
	size_t room = DNS_NAME_MAXLEN - n->len;
	if (room >= 2)
		prepend_label(r, n, room - 1 - below(r, 2));
}

static void mutate_name(mut_t *mu, dns_name_t *n)
{
	rng_t *r = &mu->rng;
	dns_name_t *other;
	switch (below(r, 7)) {
	case 0:
		dns_name_root(n);
		break;
	case 1: /* the same name as elsewhere: compression targets */
		other = pick_name(r, mu->m);
		if (other != NULL && other != n)
			*n = *other;
		break;
	case 2:
		prepend_label(
		    r, n, one_in(r, 2) ? 1 + below(r, 4) : 1 + below(r, 63));
		break;
	case 3:
		dns_name_parent(n, n);
		break;
	case 4: /* ASCII case: compression matches case-insensitively */
		for (unsigned i = 0; i < n->len; i++)
			if (n->wire[i] >= 'a' && n->wire[i] <= 'z' &&
			    one_in(r, 2))
				n->wire[i] = (uint8_t)(n->wire[i] - 32);
		break;
	case 5:
		grow_name(r, n);
		break;
	default: /* a special byte inside the first label */
		if (n->len > 1)
			n->wire[1 + below(r, n->wire[0])] =
			    label_chars[below(r, sizeof(label_chars))];
		break;
	}
}

static bool op_name(mut_t *mu)
{
	dns_name_t *n = pick_name(&mu->rng, mu->m);
	if (n == NULL)
		return false;
	mutate_name(mu, n);
	return true;
}

/* ---- header, counts, fixed fields ---------------------------------------- */

static bool op_header(mut_t *mu)
{
	static const uint16_t bits[] = {DNS_F_QR, DNS_F_AA, DNS_F_TC, DNS_F_RD,
					DNS_F_RA, DNS_F_Z,  DNS_F_AD, DNS_F_CD};
	static const uint16_t opcodes[] = {0, 0, 1, 2, 3, 4, 5, 6, 7, 15};
	rng_t *r = &mu->rng;
	mmsg_t *m = mu->m;
	switch (below(r, 5)) {
	case 0:
		m->flags ^= PICK(r, bits);
		break;
	case 1:
		m->flags = (uint16_t)((m->flags & ~0x7800u) |
				      (unsigned)PICK(r, opcodes) << 11);
		break;
	case 2:
		m->flags = (uint16_t)((m->flags & ~0xfu) | below(r, 16));
		break;
	case 3:
		m->id = (uint16_t)rng_next(r);
		break;
	default:
		m->flags = (uint16_t)rng_next(r);
		break;
	}
	return true;
}

/* A header count that differs from the entries: more (reads past the end
 * or into the next section), fewer (trailing data), 0 or the maximum. */
static bool op_count(mut_t *mu)
{
	rng_t *r = &mu->rng;
	unsigned s = below(r, 4);
	unsigned real = mu->m->n[s] + mu->m->missing[s];
	unsigned v[] = {real + 1, real ? real - 1 : 1,	0, 0xffff,
			real + 2, (uint16_t)rng_next(r)};
	unsigned c = v[below(r, ARR_LEN(v))];
	mu->opts.count_set[s] = true;
	mu->opts.count[s] = (uint16_t)(c > 0xffff ? 0xffff : c);
	return true;
}

static bool op_type(mut_t *mu)
{
	rng_t *r = &mu->rng;
	mmsg_t *m = mu->m;
	if (m->n[0] > 0 && one_in(r, 4)) {
		m->qd[below(r, m->n[0])].qtype = any_type(r);
		return true;
	}
	dns_rr_t *rr = pick_rr(r, m, NULL, NULL);
	if (rr == NULL)
		return false;
	rr->type = any_type(r);
	return true;
}

static bool op_class(mut_t *mu)
{
	rng_t *r = &mu->rng;
	mmsg_t *m = mu->m;
	if (m->n[0] > 0 && one_in(r, 4)) {
		m->qd[below(r, m->n[0])].qclass = PICK(r, classes);
		return true;
	}
	dns_rr_t *rr = pick_rr(r, m, NULL, NULL);
	if (rr == NULL)
		return false;
	rr->rclass =
	    rr->type == DNS_T_OPT ? PICK(r, udp_sizes) : PICK(r, classes);
	return true;
}

/* TTL; for OPT the extended rcode, version and flags inside it. */
static bool op_ttl(mut_t *mu)
{
	rng_t *r = &mu->rng;
	dns_rr_t *rr = pick_rr(r, mu->m, NULL, NULL);
	if (rr == NULL)
		return false;
	if (rr->type != DNS_T_OPT || one_in(r, 4)) {
		rr->ttl = any_ttl(r);
		return true;
	}
	switch (below(r, 3)) {
	case 0: /* extended rcode */
		rr->ttl = (rr->ttl & 0x00ffffffu) | (uint32_t)below(r, 256)
							<< 24;
		break;
	case 1: /* version */
		rr->ttl = (rr->ttl & 0xff00ffffu) |
			  (uint32_t)(one_in(r, 2) ? below(r, 2) : 255) << 16;
		break;
	default: /* DO, CO, Z */
		rr->ttl ^= 1u << below(r, 16);
		break;
	}
	return true;
}

/* ---- RDATA --------------------------------------------------------------- */

/* RDATA copied into the arena with room to grow; NULL when out of memory. */
static uint8_t *rdata_room(mut_t *mu, const dns_rr_t *rr, size_t cap)
{
	uint8_t *p = dns_arena_alloc(mu->arena, cap > 0 ? cap : 1);
	if (p != NULL && rr->rdlen > 0)
		memcpy(p, rr->rdata, rr->rdlen < cap ? rr->rdlen : cap);
	return p;
}

static bool rdata_bytes(mut_t *mu, dns_rr_t *rr)
{
	size_t cap = (size_t)rr->rdlen + RD_GROW;
	if (cap > 0xffff)
		cap = 0xffff;
	uint8_t *p = rdata_room(mu, rr, cap);
	if (p == NULL)
		return false;
	size_t n = mutate_bytes(mu, p, rr->rdlen < cap ? rr->rdlen : cap, cap);
	rr->rdata = p;
	rr->rdlen = (uint16_t)n;
	return true;
}

/* A few bytes more or fewer: fields cut or data left over. */
static bool rdata_resize(mut_t *mu, dns_rr_t *rr)
{
	rng_t *r = &mu->rng;
	if (rr->rdlen > 0 && one_in(r, 2)) {
		rr->rdlen = (uint16_t)below(r, rr->rdlen);
		return true;
	}
	size_t add = 1 + below(r, 8);
	if (rr->rdlen + add > 0xffff)
		return false;
	uint8_t *p = rdata_room(mu, rr, rr->rdlen + add);
	if (p == NULL)
		return false;
	for (size_t i = 0; i < add; i++)
		p[rr->rdlen + i] = one_in(r, 2) ? 0 : (uint8_t)rng_next(r);
	rr->rdata = p;
	rr->rdlen = (uint16_t)(rr->rdlen + add);
	return true;
}

static bool op_rdata(mut_t *mu)
{
	rng_t *r = &mu->rng;
	dns_rr_t *rr = pick_rr(r, mu->m, NULL, NULL);
	if (rr == NULL)
		return false;
	dns_rr_t *other = pick_rr(r, mu->m, NULL, NULL);
	switch (below(r, 6)) {
	case 0:
	case 1:
		return rdata_bytes(mu, rr);
	case 2:
		return rdata_resize(mu, rr);
	case 3: /* empty: valid only in UPDATE with class NONE/ANY */
		rr->rdlen = 0;
		return true;
	case 4: /* another record's RDATA under this type */
		rr->rdata = other->rdata;
		rr->rdlen = other->rdlen;
		return true;
	default: /* this RDATA under another record's type */
		rr->type = other->type;
		return true;
	}
}

/* ---- EDNS options -------------------------------------------------------- */

typedef struct tlv {
	uint16_t code;
	uint16_t len; /* OPTION-LENGTH as written (may differ from n) */
	const uint8_t *data;
	uint16_t n; /* bytes of data */
} tlv_t;

typedef struct opts {
	tlv_t t[OPTS_MAX];
	unsigned n;
	const uint8_t *rest; /* bytes after the last whole TLV header */
	uint16_t rest_len;
} opts_t;

static void opts_parse(opts_t *o, const uint8_t *p, size_t len)
{
	size_t off = 0;
	o->n = 0;
	while (len - off >= DNS_EDNS_OPT_HDR && o->n < OPTS_MAX) {
		tlv_t *t = &o->t[o->n++];
		t->code = dns_get_u16(p + off);
		t->len = dns_get_u16(p + off + 2);
		size_t avail = len - off - DNS_EDNS_OPT_HDR;
		t->n = (uint16_t)(t->len < avail ? t->len : avail);
		t->data = p + off + DNS_EDNS_OPT_HDR;
		off += DNS_EDNS_OPT_HDR + t->n;
	}
	o->rest = len > off ? p + off : NULL; /* p is NULL for no RDATA */
	o->rest_len = (uint16_t)(len - off);
}

/* The options as RDATA in the arena; false when out of memory or space. */
static bool opts_build(mut_t *mu, const opts_t *o, dns_rr_t *rr)
{
	size_t len = o->rest_len;
	for (unsigned i = 0; i < o->n; i++)
		len += DNS_EDNS_OPT_HDR + o->t[i].n;
	if (len > 0xffff)
		return false;
	uint8_t *p = dns_arena_alloc(mu->arena, len > 0 ? len : 1);
	if (p == NULL)
		return false;
	size_t off = 0;
	for (unsigned i = 0; i < o->n; i++) {
		dns_put_u16(p + off, o->t[i].code);
		dns_put_u16(p + off + 2, o->t[i].len);
		if (o->t[i].n > 0)
			memcpy(p + off + 4, o->t[i].data, o->t[i].n);
		off += DNS_EDNS_OPT_HDR + o->t[i].n;
	}
	if (o->rest_len > 0)
		memcpy(p + off, o->rest, o->rest_len);
	rr->rdata = p;
	rr->rdlen = (uint16_t)len;
	return true;
}

/* Option data that is valid for its code, or near it. */
static void opt_data(rng_t *r, uint16_t code, uint8_t *buf, uint16_t *n)
{
	static const uint8_t ecs[] = {0, 1, 24, 0, 192, 0, 2};
	static const uint8_t ecs6[] = {0,   2,	  56, 0, 0x20, 1,
				       0xd, 0xb8, 0,  0, 0};
	static const uint8_t chain[] = {7,   'e', 'x', 'a', 'm',
					'p', 'l', 'e', 0};
	static const uint8_t ede[] = {0,   18,	'n', 'o', 't',
				      ' ', 'h', 'e', 'r', 'e'};
	size_t len = below(r, 3) == 0 ? below(r, 48) : 0;
	const uint8_t *src = NULL;
	switch (code) {
	case DNS_OPT_ECS:
		if (one_in(r, 2))
			src = ecs, len = sizeof(ecs);
		else
			src = ecs6, len = sizeof(ecs6);
		break;
	case DNS_OPT_CHAIN:
		src = chain, len = sizeof(chain);
		break;
	case DNS_OPT_EDE:
		src = ede, len = one_in(r, 3) ? 2 : sizeof(ede);
		break;
	case DNS_OPT_COOKIE:
		len = one_in(r, 2) ? 8 : 8 + 8 + below(r, 25);
		break;
	case DNS_OPT_EXPIRE:
		len = one_in(r, 2) ? 0 : 4;
		break;
	case DNS_OPT_KEEPALIVE:
		len = one_in(r, 2) ? 0 : 2;
		break;
	case DNS_OPT_KEYTAG:
		len = 2 * below(r, 4);
		break;
	default:
		break;
	}
	for (size_t i = 0; i < len; i++)
		buf[i] = src != NULL ? src[i]
			 : code == DNS_OPT_PADDING && !one_in(r, 8)
			     ? 0
			     : (uint8_t)rng_next(r);
	*n = (uint16_t)len;
}

/* Buffers for new option data, used in turn within one call. */
static uint8_t opt_buf[OPTS_MAX][64];
static unsigned opt_next;

static uint8_t *opt_slot(void)
{
	return opt_buf[opt_next++ % OPTS_MAX];
}

static void swap_tlv(tlv_t *a, tlv_t *b)
{
	tlv_t tmp = *a;
	*a = *b;
	*b = tmp;
}

/* Add, delete, copy, reorder or change one option TLV of o. */
static bool opts_mutate(mut_t *mu, opts_t *o)
{
	rng_t *r = &mu->rng;
	unsigned i = below(r, o->n);
	uint8_t *p;
	tlv_t *t = o->n > 0 ? &o->t[i] : NULL;
	switch (t == NULL ? 0 : below(r, 7)) {
	case 0: /* add */
		if (o->n >= OPTS_MAX)
			return false;
		i = below(r, o->n + 1);
		memmove(&o->t[i + 1], &o->t[i], (o->n - i) * sizeof(tlv_t));
		o->n++;
		t = &o->t[i];
		t->code = PICK(r, opt_codes);
		p = opt_slot();
		opt_data(r, t->code, p, &t->n);
		t->data = p;
		t->len = t->n;
		return true;
	case 1: /* delete */
		memmove(&o->t[i], &o->t[i + 1], (o->n - i - 1) * sizeof(tlv_t));
		o->n--;
		return true;
	case 2: /* duplicate (the same option twice) */
		if (o->n >= OPTS_MAX)
			return false;
		memmove(&o->t[i + 1], &o->t[i], (o->n - i) * sizeof(tlv_t));
		o->n++;
		return true;
	case 3: /* swap with another: option order */
		swap_tlv(t, &o->t[below(r, o->n)]);
		return true;
	case 4:
		t->code =
		    one_in(r, 2) ? PICK(r, opt_codes) : (uint16_t)rng_next(r);
		return true;
	case 5: { /* OPTION-LENGTH that does not match the data */
		static const int delta[] = {-1, 1, 2, -2};
		unsigned v = t->n + (unsigned)delta[below(r, ARR_LEN(delta))];
		t->len = one_in(r, 4) ? 0xffff : (uint16_t)v;
		return true;
	}
	default: { /* the data bytes */
		p = opt_slot();
		size_t n =
		    t->n < sizeof(opt_buf[0]) ? t->n : sizeof(opt_buf[0]);
		memmove(p, t->data, n);
		t->n = (uint16_t)mutate_bytes(mu, p, n, sizeof(opt_buf[0]));
		t->data = p;
		t->len = t->n;
		return true;
	}
	}
}

/* The OPT record of m (the first in additional), added when missing. */
static dns_rr_t *find_opt(mut_t *mu, bool add)
{
	mmsg_t *m = mu->m;
	for (unsigned s = 1; s < 4; s++)
		for (unsigned i = 0; i < m->n[s]; i++)
			if (m->rr[s][i].type == DNS_T_OPT)
				return &m->rr[s][i];
	dns_rr_t opt = {.type = DNS_T_OPT, .rclass = 1232};
	dns_name_root(&opt.owner);
	if (!add || !insert_rr(m, 3, m->n[3], &opt))
		return NULL;
	return &m->rr[3][m->n[3] - 1];
}

static bool op_edns(mut_t *mu)
{
	rng_t *r = &mu->rng;
	dns_rr_t *opt = find_opt(mu, true);
	if (opt == NULL)
		return false;
	static opts_t o;
	opt_next = 0;
	opts_parse(&o, opt->rdata, opt->rdlen);
	unsigned k = 1 + below(r, 2);
	for (unsigned i = 0; i < k; i++)
		(void)opts_mutate(mu, &o);
	if (o.rest_len > 0 && one_in(r, 2))
		o.rest_len = 0;
	return opts_build(mu, &o, opt);
}

/* ---- records moved between sections -------------------------------------- */

/* A TSIG record: hmac-sha256, time, fudge, 32-byte MAC, ID, no error. */
static bool add_tsig(mut_t *mu)
{
	static const uint8_t alg[] = {11,  'h', 'm', 'a', 'c', '-', 's',
				      'h', 'a', '2', '5', '6', 0};
	size_t len = sizeof(alg) + 6 + 2 + 2 + 32 + 6;
	uint8_t *p = dns_arena_alloc(mu->arena, len);
	if (p == NULL)
		return false;
	memset(p, 0, len);
	memcpy(p, alg, sizeof(alg));
	uint8_t *f = p + sizeof(alg);
	dns_put_u32(f + 2, 1700000000u);
	dns_put_u16(f + 6, 300);
	dns_put_u16(f + 8, 32);
	for (int i = 0; i < 32; i++)
		f[10 + i] = (uint8_t)rng_next(&mu->rng);
	dns_put_u16(f + 42, mu->m->id);
	dns_rr_t rr = {.type = DNS_T_TSIG,
		       .rclass = DNS_C_ANY,
		       .rdata = p,
		       .rdlen = (uint16_t)len};
	(void)dns_name_from_str("key.example.", NULL, &rr.owner);
	unsigned s = one_in(&mu->rng, 4) ? any_section(&mu->rng) : 3;
	unsigned at = one_in(&mu->rng, 4) ? below(&mu->rng, mu->m->n[s] + 1)
					  : mu->m->n[s];
	return insert_rr(mu->m, s, at, &rr);
}

static bool add_opt(mut_t *mu)
{
	rng_t *r = &mu->rng;
	dns_rr_t rr = {.type = DNS_T_OPT, .rclass = PICK(r, udp_sizes)};
	dns_name_root(&rr.owner);
	if (one_in(r, 2))
		rr.ttl = DNS_EDNS_DO;
	unsigned s = one_in(r, 3) ? any_section(r) : 3;
	return insert_rr(mu->m, s, below(r, mu->m->n[s] + 1), &rr);
}

static bool move_rr(mut_t *mu, bool keep_original)
{
	rng_t *r = &mu->rng;
	unsigned s, i;
	dns_rr_t *src = pick_rr(r, mu->m, &s, &i);
	if (src == NULL)
		return false;
	dns_rr_t copy = *src;
	if (!keep_original)
		remove_rr(mu->m, s, i);
	unsigned to = one_in(r, 2) ? s : any_section(r);
	return insert_rr(mu->m, to, below(r, mu->m->n[to] + 1), &copy);
}

static bool swap_rr(mut_t *mu)
{
	dns_rr_t *a = pick_rr(&mu->rng, mu->m, NULL, NULL);
	dns_rr_t *b = pick_rr(&mu->rng, mu->m, NULL, NULL);
	if (a == NULL || a == b)
		return false;
	dns_rr_t tmp = *a;
	*a = *b;
	*b = tmp;
	return true;
}

static bool op_question(mut_t *mu)
{
	rng_t *r = &mu->rng;
	mmsg_t *m = mu->m;
	unsigned i = below(r, m->n[0]);
	if (m->n[0] > 0 && one_in(r, 2)) {
		memmove(&m->qd[i], &m->qd[i + 1],
			(m->n[0] - i - 1) * sizeof(m->qd[0]));
		m->n[0]--;
		return true;
	}
	if (m->n[0] >= SEC_MAX)
		return false;
	dns_question_t q = {.qtype = any_type(r), .qclass = DNS_C_IN};
	if (m->n[0] > 0)
		q = m->qd[i];
	else
		dns_name_root(&q.name);
	m->qd[m->n[0]++] = q;
	return true;
}

static bool op_records(mut_t *mu)
{
	rng_t *r = &mu->rng;
	dns_rr_t *rr;
	unsigned s, i;
	switch (below(r, 7)) {
	case 0:
		rr = pick_rr(r, mu->m, &s, &i);
		if (rr == NULL)
			return false;
		remove_rr(mu->m, s, i);
		return true;
	case 1:
		return move_rr(mu, true);
	case 2:
		return move_rr(mu, false);
	case 3:
		return swap_rr(mu);
	case 4:
		return add_opt(mu);
	case 5:
		return add_tsig(mu);
	default:
		return op_question(mu);
	}
}

/* ---- the operations, weighted by repetition ------------------------------ */

typedef bool (*op_fn)(mut_t *);

static const op_fn ops[] = {
    op_header, op_count, op_type,    op_class,	 op_ttl,
    op_name,   op_name,	 op_rdata,   op_rdata,	 op_rdata,
    op_edns,   op_edns,	 op_records, op_records, op_records,
};

static void apply_ops(mut_t *mu, unsigned k)
{
	for (unsigned done = 0, tries = 0; done < k && tries < 4 * k; tries++)
		done += ops[below(&mu->rng, ARR_LEN(ops))](mu);
}

/* ---- encoding ------------------------------------------------------------ */

static void as_msg(mmsg_t *m, dns_msg_t *msg)
{
	dns_msg_init(msg);
	msg->id = m->id;
	msg->flags = m->flags;
	msg->qd = m->qd;
	msg->nqd = m->n[0];
	for (unsigned s = 1; s < 4; s++) {
		msg->sec[s] = m->rr[s];
		msg->nsec[s] = m->n[s];
	}
}

/* Header counts: as set by op_count, or the entries plus (when asked) the
 * ones decode did not reach, whose bytes follow as the tail. */
static void set_counts(mut_t *mu)
{
	for (unsigned s = 0; s < 4; s++) {
		if (mu->opts.count_set[s] || !mu->keep_counts)
			continue;
		unsigned c = mu->m->n[s] + mu->m->missing[s];
		mu->opts.count_set[s] = true;
		mu->opts.count[s] = (uint16_t)(c > 0xffff ? 0xffff : c);
	}
}

/* Drop records from the ends of the fullest sections (questions when
 * there are none), about as many as make len bytes fit into max. */
static bool shrink(mmsg_t *m, size_t len, size_t max)
{
	unsigned total = n_records(m) + m->n[0];
	unsigned drop = 1 + (unsigned)(total * (len - max) / (len + 1));
	for (; drop > 0; drop--) {
		unsigned best = 0;
		for (unsigned s = 1; s < 4; s++)
			if (m->n[s] > m->n[best])
				best = s;
		if (m->n[best] == 0)
			return false;
		m->n[best]--;
	}
	return true;
}

/* Encode into enc; at most max bytes (records dropped, else cut). */
static size_t encode(mut_t *mu, size_t max)
{
	static const dns_pack_mode_t modes[] = {
	    DNS_PACK_PLAIN, DNS_PACK_STANDARD, DNS_PACK_STANDARD,
	    DNS_PACK_FORCE};
	mu->opts.compress = modes[below(&mu->rng, ARR_LEN(modes))];
	set_counts(mu);
	for (;;) {
		dns_msg_t msg;
		size_t len = 0;
		as_msg(mu->m, &msg);
		dns_rc_t rc =
		    dns_msg_encode(&msg, &mu->opts, enc, sizeof(enc), &len);
		if (rc == DNS_OK && len <= max)
			return len;
		if (rc != DNS_OK) /* DNS_E_SPACE: over 65535 bytes */
			len = sizeof(enc) + 1;
		if (!shrink(mu->m, len, max))
			return rc == DNS_OK ? max : 0; /* cut */
	}
}

/* ---- damage where the wire layout is known ------------------------------- */

typedef struct wmap {
	uint16_t label[MAP_MAX]; /* label length bytes */
	uint16_t ptr[MAP_MAX];	 /* compression pointers (first byte) */
	uint16_t name[MAP_MAX];	 /* names in place (question and owners) */
	uint16_t rdlen[MAP_MAX]; /* RDLENGTH fields */
	uint16_t entry[MAP_MAX]; /* entry starts; after the last: the end */
	unsigned nlabel, nptr, nname, nrdlen, nentry;
} wmap_t;

/* Note a position; mp may be NULL (only walking). */
static void map_add(wmap_t *mp, uint16_t *v, unsigned *n, size_t off)
{
	if (mp != NULL && *n < MAP_MAX)
		v[(*n)++] = (uint16_t)off;
}

/* Walk the name in place at off; returns the offset after it, 0 when it
 * is cut or has a bad label type. */
static size_t map_name(wmap_t *mp, const uint8_t *w, size_t len, size_t off)
{
	wmap_t *m = mp;
	if (m != NULL)
		map_add(m, m->name, &m->nname, off);
	while (off < len) {
		uint8_t c = w[off];
		if ((c & 0xc0) == 0xc0) {
			if (m != NULL)
				map_add(m, m->ptr, &m->nptr, off);
			return off + 2 <= len ? off + 2 : 0;
		}
		if ((c & 0xc0) != 0)
			return 0;
		if (m != NULL)
			map_add(m, m->label, &m->nlabel, off);
		off += 1u + c;
		if (c == 0)
			return off <= len ? off : 0;
	}
	return 0;
}

/* Pointer-like byte pairs inside RDATA (names compressed by FORCE/STANDARD
 * or pointers kept from the input). */
static void map_rdata(wmap_t *mp, const uint8_t *w, size_t at, size_t end)
{
	for (size_t p = at; p + 1 < end; p++)
		if ((w[p] & 0xc0) == 0xc0 &&
		    (size_t)((w[p] & 0x3f) << 8 | w[p + 1]) < p)
			map_add(mp, mp->ptr, &mp->nptr, p);
}

static void map_wire(wmap_t *mp, const uint8_t *w, size_t len)
{
	memset(mp, 0, sizeof(*mp));
	size_t off = DNS_HEADER_LEN;
	if (len < DNS_HEADER_LEN)
		return;
	unsigned total = 0;
	for (unsigned s = 0; s < 4; s++)
		total += dns_get_u16(w + 4 + 2 * s);
	for (unsigned e = 0; e < total && off < len; e++) {
		map_add(mp, mp->entry, &mp->nentry, off);
		off = map_name(mp, w, len, off);
		if (off == 0)
			return;
		off += e < dns_get_u16(w + 4) ? 4u : 8u;
		if (e < dns_get_u16(w + 4))
			continue;
		if (off + 2 > len)
			return;
		map_add(mp, mp->rdlen, &mp->nrdlen, off);
		size_t rdl = dns_get_u16(w + off);
		map_rdata(mp, w, off + 2,
			  off + 2 + rdl < len ? off + 2 + rdl : len);
		off += 2 + rdl;
	}
	if (off <= len)
		map_add(mp, mp->entry, &mp->nentry, off);
}

/* Replace w[at, at+old) by n bytes of src; false when it does not fit. */
static bool splice(uint8_t *w, size_t *len, size_t max, size_t at, size_t old,
		   const uint8_t *src, size_t n)
{
	if (at + old > *len || *len - old + n > max)
		return false;
	memmove(w + at + n, w + at + old, *len - at - old);
	memcpy(w + at, src, n);
	*len = *len - old + n;
	return true;
}

static uint16_t pick_at(rng_t *r, const uint16_t *v, unsigned n)
{
	return v[below(r, n)];
}

static bool damage_label(rng_t *r, const wmap_t *mp, uint8_t *w)
{
	if (mp->nlabel == 0)
		return false;
	uint16_t at = pick_at(r, mp->label, mp->nlabel);
	uint8_t v[] = {0,
		       1,
		       63,
		       64,
		       0x40,
		       0x7f,
		       0x80,
		       0xbf,
		       (uint8_t)(w[at] + 1),
		       (uint8_t)(w[at] - 1),
		       (uint8_t)rng_next(r)};
	w[at] = v[below(r, sizeof(v))];
	return true;
}

/* A pointer target: backwards to a name or a label, itself, forward, past
 * the end, into the middle of a label, or another pointer (a chain). */
static size_t pointer_target(rng_t *r, const wmap_t *mp, size_t at, size_t len)
{
	switch (below(r, 8)) {
	case 0:
		return at;
	case 1:
		return at + 1 + below(r, len > at ? len - at + 4 : 4);
	case 2:
		return len + below(r, 16);
	case 3:
		return mp->nlabel ? pick_at(r, mp->label, mp->nlabel) + 1u : 12;
	case 4:
		return mp->nptr ? pick_at(r, mp->ptr, mp->nptr) : 12;
	case 5:
		return below(r, DNS_HEADER_LEN);
	case 6:
		return mp->nlabel ? pick_at(r, mp->label, mp->nlabel) : 12;
	default:
		return mp->nname ? pick_at(r, mp->name, mp->nname) : 12;
	}
}

static bool damage_pointer(rng_t *r, const wmap_t *mp, uint8_t *w, size_t *len,
			   size_t max)
{
	if (mp->nname == 0)
		return false;
	size_t t, at;
	uint8_t p[2];
	if (mp->nptr > 0 && one_in(r, 2)) { /* retarget an existing one */
		at = pick_at(r, mp->ptr, mp->nptr);
		t = pointer_target(r, mp, at, *len) & 0x3fffu;
		w[at] = (uint8_t)(0xc0 | t >> 8);
		w[at + 1] = (uint8_t)t;
		return true;
	}
	/* a name (or its tail from a label on) replaced by a pointer */
	at = one_in(r, 2) ? pick_at(r, mp->name, mp->nname)
			  : (mp->nlabel ? pick_at(r, mp->label, mp->nlabel)
					: pick_at(r, mp->name, mp->nname));
	size_t end = map_name(NULL, w, *len, at);
	if (end == 0)
		return false;
	t = pointer_target(r, mp, at, *len) & 0x3fffu;
	p[0] = (uint8_t)(0xc0 | t >> 8);
	p[1] = (uint8_t)t;
	return splice(w, len, max, at, end - at, p, 2);
}

static bool damage_rdlength(rng_t *r, const wmap_t *mp, uint8_t *w, size_t len)
{
	if (mp->nrdlen == 0)
		return false;
	uint16_t at = pick_at(r, mp->rdlen, mp->nrdlen);
	unsigned v = dns_get_u16(w + at);
	unsigned c[] = {0,
			v - 1,
			v + 1,
			v + 2,
			0xffff,
			(unsigned)(len - at - 2),
			(uint16_t)rng_next(r)};
	dns_put_u16(w + at, (uint16_t)c[below(r, ARR_LEN(c))]);
	return true;
}

/* Cut at or just after an entry boundary, or copy a label (names grow
 * past 63 labels or 255 bytes). */
static bool damage_length(rng_t *r, const wmap_t *mp, uint8_t *w, size_t *len,
			  size_t max)
{
	if (mp->nlabel > 0 && one_in(r, 2)) {
		uint16_t at = pick_at(r, mp->label, mp->nlabel);
		size_t n = 1u + w[at];
		if (w[at] == 0 || at + n > *len || n > 64)
			return false;
		uint8_t label[64];
		memcpy(label, w + at, n);
		return splice(w, len, max, at, 0, label, n);
	}
	size_t at =
	    mp->nentry ? pick_at(r, mp->entry, mp->nentry) : below(r, *len + 1);
	at += one_in(r, 2) ? 0 : below(r, 12);
	if (at < *len)
		*len = at;
	return true;
}

static bool damage(mut_t *mu, size_t *len, size_t max)
{
	static wmap_t mp;
	rng_t *r = &mu->rng;
	map_wire(&mp, enc, *len);
	switch (below(r, 5)) {
	case 0:
		return damage_label(r, &mp, enc);
	case 1:
	case 2:
		return damage_pointer(r, &mp, enc, len, max);
	case 3:
		return damage_rdlength(r, &mp, enc, *len);
	default:
		return damage_length(r, &mp, enc, len, max);
	}
}

/* ---- entry points -------------------------------------------------------- */

/* Encode mu->m into out (max bytes), maybe damage it, append the tail. */
static size_t finish(mut_t *mu, uint8_t *out, size_t max)
{
	rng_t *r = &mu->rng;
	size_t len = encode(mu, max);
	last_kind = FUZZ_MUT_STRUCTURE;
	if (one_in(r, 3) && damage(mu, &len, max))
		last_kind = FUZZ_MUT_DAMAGED;
	const mmsg_t *m = mu->m;
	if (m->tail_len > 0 && !one_in(r, 4)) {
		size_t n = m->tail_len < max - len ? m->tail_len : max - len;
		memmove(enc + len, m->tail, n);
		len += n;
	}
	if (one_in(r, 16)) {
		len = mutate_bytes(mu, enc, len, max);
		last_kind = FUZZ_MUT_DAMAGED;
	}
	memcpy(out, enc, len);
	return len;
}

size_t fuzz_msg_mutate(uint8_t *data, size_t size, size_t max, unsigned seed,
		       fuzz_byte_mutator_t bytes)
{
	static mmsg_t m;
	mut_t mu;
	mut_init(&mu, seed, bytes, &m, mut_arena());
	last_kind = FUZZ_MUT_BYTES;
	if (max > sizeof(enc))
		max = sizeof(enc);
	if (one_in(&mu.rng, 4) || !mm_load(&m, data, size, mu.arena))
		return mutate_bytes(&mu, data, size, max);
	mu.keep_counts = m.tail_len > 0 && one_in(&mu.rng, 2);
	apply_ops(&mu, 1 + below(&mu.rng, 3));
	return finish(&mu, data, max);
}

/* Bytes of a, then bytes of b from a random point. */
static size_t splice_bytes(rng_t *r, const uint8_t *a, size_t an,
			   const uint8_t *b, size_t bn, uint8_t *out,
			   size_t max)
{
	size_t i = below(r, an + 1), j = below(r, bn + 1);
	if (i > max)
		i = max;
	size_t n = bn - j < max - i ? bn - j : max - i;
	memcpy(out, a, i);
	memcpy(out + i, b + j, n);
	return i + n;
}

/* Records, a section, the question or RDATA of b into a. */
static void cross(mut_t *mu, mmsg_t *a, mmsg_t *b)
{
	rng_t *r = &mu->rng;
	unsigned s = any_section(r), k;
	switch (below(r, 4)) {
	case 0:
		k = 1 + below(r, 3);
		for (unsigned i = 0; i < k; i++) {
			const dns_rr_t *rr = pick_rr(r, b, NULL, NULL);
			s = any_section(r);
			if (rr != NULL)
				(void)insert_rr(a, s, below(r, a->n[s] + 1),
						rr);
		}
		break;
	case 1:
		memcpy(a->rr[s], b->rr[s], b->n[s] * sizeof(dns_rr_t));
		a->n[s] = b->n[s];
		a->missing[s] = b->missing[s];
		break;
	case 2:
		memcpy(a->qd, b->qd, b->n[0] * sizeof(dns_question_t));
		a->n[0] = b->n[0];
		a->flags = b->flags;
		break;
	default: {
		dns_rr_t *to = pick_rr(r, a, NULL, NULL);
		const dns_rr_t *from = pick_rr(r, b, NULL, NULL);
		if (to == NULL || from == NULL)
			break;
		to->rdata = from->rdata;
		to->rdlen = from->rdlen;
		if (one_in(r, 2))
			to->type = from->type;
		break;
	}
	}
}

size_t fuzz_msg_crossover(const uint8_t *a, size_t an, const uint8_t *b,
			  size_t bn, uint8_t *out, size_t max, unsigned seed,
			  fuzz_byte_mutator_t bytes)
{
	static mmsg_t ma, mb;
	mut_t mu;
	mut_init(&mu, seed, bytes, &ma, mut_arena());
	last_kind = FUZZ_MUT_BYTES;
	if (max > sizeof(enc))
		max = sizeof(enc);
	if (one_in(&mu.rng, 8) || !mm_load(&ma, a, an, mu.arena) ||
	    !mm_load(&mb, b, bn, mu.arena))
		return splice_bytes(&mu.rng, a, an, b, bn, out, max);
	cross(&mu, &ma, &mb);
	if (one_in(&mu.rng, 3))
		apply_ops(&mu, 1);
	return finish(&mu, out, max);
}

/* ---- libFuzzer hooks ----------------------------------------------------- */

/* Defined in every build but FUZZ_NO_MUTATOR_HOOKS (fuzz.mk FUZZ_MUTATOR=0).
 * Only libFuzzer calls them, and only libFuzzer defines LLVMFuzzerMutate:
 * in the replay and check drivers the weak reference stays unresolved and
 * unused. */
#ifndef FUZZ_NO_MUTATOR_HOOKS
__attribute__((weak)) size_t LLVMFuzzerMutate(uint8_t *data, size_t size,
					      size_t max_size);
size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed);
size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1,
				 const uint8_t *data2, size_t size2,
				 uint8_t *out, size_t max_out_size,
				 unsigned int seed);

size_t LLVMFuzzerCustomMutator(uint8_t *data, size_t size, size_t max_size,
			       unsigned int seed)
{
	return fuzz_msg_mutate(data, size, max_size, seed, LLVMFuzzerMutate);
}

size_t LLVMFuzzerCustomCrossOver(const uint8_t *data1, size_t size1,
				 const uint8_t *data2, size_t size2,
				 uint8_t *out, size_t max_out_size,
				 unsigned int seed)
{
	return fuzz_msg_crossover(data1, size1, data2, size2, out, max_out_size,
				  seed, LLVMFuzzerMutate);
}
#endif
