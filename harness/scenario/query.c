/* query.c - compile a query node into the exact bytes a case sends.
 *
 * Structured queries become a dns_msg_t (header, questions, records parsed
 * from presentation format, OPT from query_edns.c) encoded with the
 * compression and count knobs of dns_msg_encode; raw queries are hex.
 * A tsig: block signs the encoded bytes (query_tsig.c): the TSIG record
 * goes last, after the OPT, and before the wire: edits, which may damage
 * the signed message. Then wire: edits damage the bytes. What the query asks
 * (question, opcode, OPT, cookie) is read back from the final bytes, so that
 * the implicit echo checks compare against what was really sent.
 *
 * Working memory (records, RDATA, the 64 KB encode buffer) lives in a
 * scratch arena freed before returning; only the final bytes go into the
 * caller's arena.
 */
#include "scenario/query.h"

#include <ctype.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dns/base.h"
#include "dns/edns.h"
#include "dns/msg.h"
#include "dns/rdata.h"
#include "dns/text.h"
#include "dns/wire.h"
#include "dns/zone.h"
#include "scenario/query_int.h"

#define QUERY_MAX_EDITS 256u

typedef struct qb {
	dns_arena_t scratch;
	diag_t *d;
	uint8_t *buf; /* DNS_MSG_MAXLEN bytes: RDATA and options while
			 parsing, then the message */
	size_t len;
	bool random_id;
	bool split;
	unsigned long idle_ms; /* tcp: {idle:} */
	bool partial;	       /* tcp: {partial:} */
	unsigned long partial_len;
	unsigned long hold_ms; /* tcp: {hold:} */
	bool reuse;	       /* tcp: {reuse:} */
	dns_edit_t *edits;
	const node_t **edit_at;
	size_t nedits;
	sq_tsig_t tsig;
	const struct dns_tsig_key *tsig_key;
	bool primed; /* cookie: {server: primed} */
	uint8_t prime_client[8];
} qb_t;

/* ---- helpers shared with query_edns.c --------------------------------- */

unsigned sq_col(const node_t *n, size_t off)
{
	if (memchr(n->str, '\n', n->len) != NULL)
		return n->col;
	return n->col + (n->quoted ? 1u : 0u) + (unsigned)off;
}

bool sq_is_empty(const node_t *n)
{
	if (n->kind != NODE_SCALAR)
		return false;
	if (n->len == 0)
		return true;
	return !n->quoted &&
	       (strcmp(n->str, "~") == 0 || strcasecmp(n->str, "null") == 0);
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The number of hex digits in n, or the offset of a stray character in
 * *bad (then returns SIZE_MAX). */
static size_t hex_digits(const node_t *n, size_t *bad)
{
	size_t k = 0;
	for (size_t i = 0; i < n->len; i++) {
		if (is_blank(n->str[i]))
			continue;
		if (dns_hex_value(n->str[i]) < 0) {
			*bad = i;
			return SIZE_MAX;
		}
		k++;
	}
	return k;
}

static uint8_t *hex_fail(diag_t *d, const node_t *n, unsigned col,
			 const char *msg)
{
	diag_error_at(d, n->file, n->line, col, "%s", msg);
	return NULL;
}

uint8_t *sc_hex_bytes(const node_t *n, const char *what, size_t max,
		      dns_arena_t *arena, size_t *len, diag_t *d)
{
	char m[128];
	if (!node_expect_kind(n, NODE_SCALAR, what, d))
		return NULL;
	size_t bad = 0, digits = hex_digits(n, &bad);
	if (digits == SIZE_MAX) {
		snprintf(m, sizeof(m), "%s: '%c' is not a hex digit", what,
			 n->str[bad]);
		return hex_fail(d, n, sq_col(n, bad), m);
	}
	if (digits % 2 != 0) {
		snprintf(m, sizeof(m), "%s: odd number of hex digits (%zu)",
			 what, digits);
		return hex_fail(d, n, n->col, m);
	}
	if (digits / 2 > max) {
		snprintf(m, sizeof(m), "%s: more than %zu bytes", what, max);
		return hex_fail(d, n, n->col, m);
	}
	uint8_t *out = dns_arena_alloc(arena, digits / 2 + 1);
	if (out == NULL)
		return hex_fail(d, n, n->col, "out of memory");
	size_t k = 0;
	for (size_t i = 0; i < n->len; i++) {
		if (is_blank(n->str[i]))
			continue;
		int v = dns_hex_value(n->str[i]);
		if (k % 2 == 0)
			out[k / 2] = (uint8_t)(v << 4);
		else
			out[k / 2] |= (uint8_t)v;
		k++;
	}
	*len = k / 2;
	return out;
}

bool sq_name(const node_t *n, const char *what, dns_name_t *out, diag_t *d)
{
	if (!node_expect_kind(n, NODE_SCALAR, what, d))
		return false;
	dns_name_t root;
	dns_name_root(&root);
	dns_error_t err = {0};
	dns_rc_t rc = dns_name_from_text(n->str, n->len, &root, out, &err);
	if (rc == DNS_OK)
		return true;
	size_t off = err.col > 0 ? err.col - 1 : 0;
	return diag_error_at(d, n->file, n->line, sq_col(n, off),
			     "%s: bad name '%s': %s", what, n->str,
			     dns_rc_text(rc));
}

bool sq_u32_or(const node_t *n, unsigned long max, unsigned long dflt,
	       unsigned long *out, diag_t *d)
{
	if (n == NULL) {
		*out = dflt;
		return true;
	}
	return node_u32(n, max, out, d);
}

static bool starts_digit(const node_t *n)
{
	return n->kind == NODE_SCALAR && isdigit((unsigned char)n->str[0]);
}

/* ---- header ----------------------------------------------------------- */

/* What a query's keys set in the header: the ID and the second word
 * (opcode, flags, rcode); the counts follow from the sections. */
typedef struct qhdr {
	uint16_t id, flags;
} qhdr_t;

/* The values of the header and question keys of a query (or of the
 * question keys of a question: entry); NULL where a key is absent. */
typedef struct qkeys {
	const node_t *id, *flags, *opcode, *rcode;
	const node_t *name, *type, *klass;
} qkeys_t;

static void qkeys_get(const node_t *q, qkeys_t *k)
{
	*k = (qkeys_t){node_get(q, "id"),     node_get(q, "flags"),
		       node_get(q, "opcode"), node_get(q, "rcode"),
		       node_get(q, "name"),   node_get(q, "type"),
		       node_get(q, "class")};
}

static bool read_id(qb_t *b, const node_t *v, qhdr_t *m)
{
	unsigned long id = 0;
	b->random_id = v == NULL || (v->kind == NODE_SCALAR &&
				     strcasecmp(v->str, "random") == 0);
	if (b->random_id)
		return true;
	if (v->kind != NODE_SCALAR || !starts_digit(v))
		return diag_error(b->d, v,
				  "id: expected a number from 0 to 65535 or "
				  "random");
	if (!node_u32(v, 65535, &id, b->d))
		return false;
	m->id = (uint16_t)id;
	return true;
}

static const struct {
	const char *name;
	uint16_t bit;
} flag_bits[] = {
    {"qr", DNS_F_QR}, {"aa", DNS_F_AA}, {"tc", DNS_F_TC}, {"rd", DNS_F_RD},
    {"ra", DNS_F_RA}, {"z", DNS_F_Z},	{"ad", DNS_F_AD}, {"cd", DNS_F_CD},
};
#define FLAG_BITS (sizeof(flag_bits) / sizeof(flag_bits[0]))

static bool read_flags(qb_t *b, const node_t *v, qhdr_t *m)
{
	static const char *const keys[] = {"qr", "aa", "tc", "rd", "ra",
					   "z",	 "ad", "cd", NULL};
	if (v == NULL)
		return true;
	if (!node_check_keys(v, "flags", keys, b->d))
		return false;
	bool ok = true;
	for (size_t i = 0; i < FLAG_BITS; i++) {
		const node_t *f = node_get(v, flag_bits[i].name);
		bool on = false;
		if (f == NULL)
			continue;
		if (!node_bool(f, &on, b->d))
			ok = false;
		else if (on)
			m->flags |= flag_bits[i].bit;
	}
	return ok;
}

static bool read_opcode(qb_t *b, const node_t *v, qhdr_t *m)
{
	unsigned long op = 0;
	uint8_t code = 0;
	if (v == NULL)
		return true;
	if (starts_digit(v)) {
		if (!node_u32(v, 15, &op, b->d))
			return false;
	} else if (v->kind == NODE_SCALAR &&
		   dns_opcode_from_text(v->str, v->len, &code) == DNS_OK) {
		op = code;
	} else {
		return diag_error(b->d, v,
				  "opcode: expected QUERY, IQUERY, STATUS, "
				  "NOTIFY, UPDATE, DSO, OPCODEn or 0 to 15");
	}
	m->flags = (uint16_t)(m->flags | op << 11);
	return true;
}

static bool read_rcode(qb_t *b, const node_t *v, qhdr_t *m)
{
	unsigned long rc = 0;
	uint16_t code = 0;
	if (v == NULL)
		return true;
	if (starts_digit(v)) {
		if (!node_u32(v, 15, &rc, b->d))
			return false;
	} else if (v->kind == NODE_SCALAR &&
		   dns_rcode_from_text(v->str, v->len, &code) == DNS_OK) {
		rc = code;
	} else {
		return diag_error(b->d, v,
				  "rcode: expected a mnemonic such as NOERROR "
				  "or FORMERR, or 0 to 15");
	}
	if (rc > 15)
		return diag_error(
		    b->d, v,
		    "rcode: %lu does not fit the header's 4 bits; "
		    "put the upper bits in edns: {ext_rcode: N}",
		    rc);
	m->flags = (uint16_t)(m->flags | rc);
	return true;
}

static bool read_header(qb_t *b, const qkeys_t *k, qhdr_t *m)
{
	bool ok = read_id(b, k->id, m);
	ok = read_flags(b, k->flags, m) && ok;
	ok = read_opcode(b, k->opcode, m) && ok;
	ok = read_rcode(b, k->rcode, m) && ok;
	return ok;
}

/* ---- question --------------------------------------------------------- */

static bool read_type(qb_t *b, const node_t *v, uint16_t dflt, uint16_t *out)
{
	unsigned long num = 0;
	if (v == NULL) {
		*out = dflt;
		return true;
	}
	if (starts_digit(v)) {
		if (!node_u32(v, 65535, &num, b->d))
			return false;
		*out = (uint16_t)num;
		return true;
	}
	if (v->kind == NODE_SCALAR &&
	    dns_type_from_text(v->str, v->len, out) == DNS_OK)
		return true;
	return diag_error(b->d, v,
			  "unknown type '%s' (a mnemonic such as AAAA, "
			  "TYPEnnn, or a number)",
			  v->kind == NODE_SCALAR ? v->str : "");
}

static bool read_class(qb_t *b, const node_t *v, uint16_t *out)
{
	unsigned long num = 0;
	if (v == NULL) {
		*out = DNS_C_IN;
		return true;
	}
	if (starts_digit(v)) {
		if (!node_u32(v, 65535, &num, b->d))
			return false;
		*out = (uint16_t)num;
		return true;
	}
	if (v->kind == NODE_SCALAR &&
	    dns_class_from_text(v->str, v->len, out) == DNS_OK)
		return true;
	return diag_error(b->d, v,
			  "unknown class '%s' (IN, CH, HS, NONE, ANY, "
			  "CLASSnnn, or a number)",
			  v->kind == NODE_SCALAR ? v->str : "");
}

/* name/type/class (of the query itself, or of a question: entry). */
static bool read_one_question(qb_t *b, const qkeys_t *k, dns_question_t *qd)
{
	bool ok = true;
	memset(qd, 0, sizeof(*qd));
	if (k->name == NULL)
		dns_name_root(&qd->name);
	else
		ok = sq_name(k->name, "name", &qd->name, b->d);
	ok = read_type(b, k->type, DNS_T_A, &qd->qtype) && ok;
	ok = read_class(b, k->klass, &qd->qclass) && ok;
	return ok;
}

static bool read_question_list(qb_t *b, const node_t *v, dns_msg_t *m)
{
	static const char *const keys[] = {"name", "type", "class", NULL};
	if (!node_expect_kind(v, NODE_SEQ, "question", b->d))
		return false;
	if (v->n > 0xffff)
		return diag_error(b->d, v, "more than 65535 questions");
	m->qd = dns_arena_alloc(&b->scratch, (v->n + 1) * sizeof(*m->qd));
	if (m->qd == NULL)
		return diag_error(b->d, v, "out of memory");
	bool ok = true;
	for (size_t i = 0; i < v->n; i++) {
		const node_t *e = v->vals[i];
		qkeys_t k;
		qkeys_get(e, &k);
		if (!node_check_keys(e, "a question", keys, b->d))
			ok = false;
		else
			ok = read_one_question(b, &k, &m->qd[i]) && ok;
	}
	m->nqd = (unsigned)v->n;
	return ok;
}

/* The first of name/type/class present in q, or NULL. */
static const node_t *single_question_key(const node_t *q)
{
	static const char *const keys[] = {"name", "type", "class"};
	for (size_t i = 0; i < 3; i++)
		if (node_key(q, keys[i]) != NULL)
			return node_key(q, keys[i]);
	return NULL;
}

static bool read_question(qb_t *b, const node_t *q, dns_msg_t *m)
{
	const node_t *list = node_get(q, "question");
	const node_t *noq = node_get(q, "no_question");
	const node_t *single = single_question_key(q);
	bool none = false;
	if (noq != NULL && !node_bool(noq, &none, b->d))
		return false;
	if (none && (single != NULL || list != NULL))
		return diag_error(b->d,
				  single ? single : node_key(q, "question"),
				  "no_question: true cannot be combined with "
				  "'%s'",
				  single ? single->str : "question");
	if (list != NULL && single != NULL)
		return diag_error(
		    b->d, single,
		    "give name/type/class or question:, not both");
	if (none)
		return true;
	if (list != NULL)
		return read_question_list(b, list, m);
	m->qd = dns_arena_alloc(&b->scratch, sizeof(*m->qd));
	if (m->qd == NULL)
		return diag_error(b->d, q, "out of memory");
	m->nqd = 1;
	qkeys_t k;
	qkeys_get(q, &k);
	return read_one_question(b, &k, &m->qd[0]);
}

/* ---- records in presentation format ----------------------------------- */

/* The file column of lexer position line:col inside the RR string n. */
static unsigned rr_col(const node_t *n, unsigned line, unsigned col)
{
	return line <= 1 && col > 0 ? sq_col(n, col - 1) : n->col;
}

static bool rr_error(qb_t *b, const node_t *n, unsigned line, unsigned col,
		     const char *what, dns_rc_t rc, const char *detail)
{
	return diag_error_at(b->d, n->file, n->line, rr_col(n, line, col),
			     "%s: %s%s%s", what, dns_rc_text(rc),
			     detail && *detail ? ": " : "",
			     detail ? detail : "");
}

static bool tok_ttl(const dns_token_t *t, uint32_t *out)
{
	unsigned long v;
	if (dns_token_u32(t, 0xffffffffUL, &v) == DNS_OK) {
		*out = (uint32_t)v;
		return true;
	}
	return dns_ttl_from_text(t->s, t->len, out) == DNS_OK;
}

static bool tok_class(const dns_token_t *t, uint16_t *out)
{
	return !t->quoted && dns_class_from_text(t->s, t->len, out) == DNS_OK;
}

static bool tok_type(const dns_token_t *t, uint16_t *out)
{
	return !t->quoted && dns_type_from_text(t->s, t->len, out) == DNS_OK;
}

/* Is token i a class? A word that is both a class and a type (ANY) is
 * the class only when a type or a TTL follows. */
static bool tok_is_class(const dns_tokens_t *tk, size_t i, uint16_t *out)
{
	uint16_t t;
	if (!tok_class(&tk->v[i], out))
		return false;
	if (!tok_type(&tk->v[i], &t))
		return true;
	if (i + 1 == tk->n)
		return false;
	const dns_token_t *next = &tk->v[i + 1];
	return tok_type(next, &t) ||
	       (!next->quoted && isdigit((unsigned char)next->s[0]));
}

/* [TTL] [CLASS] in either order after the owner; *i moves past them. */
static bool rr_ttl_class(qb_t *b, const node_t *n, const dns_tokens_t *tk,
			 size_t *i, dns_rr_t *rr)
{
	bool ttl_seen = false, class_seen = false;
	while (*i < tk->n) {
		const dns_token_t *t = &tk->v[*i];
		if (!ttl_seen && !t->quoted &&
		    isdigit((unsigned char)t->s[0])) {
			if (!tok_ttl(t, &rr->ttl))
				return rr_error(b, n, t->line, t->col,
						"bad TTL", DNS_E_NUMBER, NULL);
			ttl_seen = true;
		} else if (!class_seen && tok_is_class(tk, *i, &rr->rclass)) {
			class_seen = true;
		} else {
			break;
		}
		(*i)++;
	}
	return true;
}

static bool rr_rdata(qb_t *b, const node_t *n, const dns_tokens_t *tk, size_t i,
		     dns_rr_t *rr)
{
	size_t len = 0;
	dns_name_t root;
	dns_name_root(&root);
	if (i == tk->n &&
	    (rr->rclass == DNS_C_ANY || rr->rclass == DNS_C_NONE)) {
		rr->rdlen = 0; /* RFC 2136 prerequisites and deletions */
		rr->rdata = NULL;
		return true;
	}
	dns_error_t err = {0};
	dns_rc_t rc = dns_rdata_from_text(rr->type, tk->v + i, tk->n - i, &root,
					  b->buf, DNS_MSG_MAXLEN, &len, &err);
	if (rc != DNS_OK) {
		char tb[16];
		char what[48];
		snprintf(what, sizeof(what), "bad %s RDATA",
			 dns_type_to_text(rr->type, tb));
		const dns_token_t *last = &tk->v[tk->n - 1];
		unsigned line = err.line ? err.line : last->line;
		unsigned col = err.line ? err.col : last->col + last->len;
		return rr_error(b, n, line, col, what, rc, err.detail);
	}
	rr->rdlen = (uint16_t)len;
	rr->rdata = dns_arena_dup(&b->scratch, b->buf, len ? len : 1);
	return rr->rdata != NULL || diag_error(b->d, n, "out of memory");
}

static bool rr_tokens(qb_t *b, const node_t *n, const dns_tokens_t *tk,
		      dns_rr_t *rr)
{
	dns_error_t err = {0};
	const dns_token_t *o = &tk->v[0];
	dns_name_t root;
	dns_name_root(&root);
	dns_rc_t rc = dns_name_from_text(o->s, o->len, &root, &rr->owner, &err);
	if (rc != DNS_OK)
		return rr_error(b, n, o->line,
				o->col + (err.col ? err.col - 1 : 0),
				"bad owner name", rc, NULL);
	size_t i = 1;
	rr->rclass = DNS_C_IN;
	if (!rr_ttl_class(b, n, tk, &i, rr))
		return false;
	if (i == tk->n) {
		const dns_token_t *l = &tk->v[tk->n - 1];
		return diag_error_at(
		    b->d, n->file, n->line, rr_col(n, l->line, l->col + l->len),
		    "record: missing type after '%.*s'", (int)l->len, l->s);
	}
	const dns_token_t *t = &tk->v[i];
	if (!tok_type(t, &rr->type))
		return diag_error_at(b->d, n->file, n->line,
				     rr_col(n, t->line, t->col),
				     "record: unknown type '%.*s' (a mnemonic "
				     "such as AAAA, or TYPEnnn)",
				     (int)t->len, t->s);
	return rr_rdata(b, n, tk, i + 1, rr);
}

/* "owner [ttl] [class] type rdata" -> rr. */
static bool rr_parse(qb_t *b, const node_t *n, dns_rr_t *rr)
{
	if (n->kind != NODE_SCALAR)
		return diag_error(b->d, n,
				  "a record is a string such as "
				  "\"example. 300 IN A 192.0.2.1\"");
	dns_tokens_t tk;
	dns_tokens_init(&tk);
	dns_error_t err = {0};
	memset(rr, 0, sizeof(*rr));
	dns_rc_t rc = dns_tokenize(n->str, n->len, &tk, &err);
	bool ok;
	if (rc != DNS_OK)
		ok = rr_error(b, n, err.line, err.col, "bad record", rc,
			      err.detail);
	else if (tk.n == 0)
		ok = diag_error(b->d, n, "empty record");
	else
		ok = rr_tokens(b, n, &tk, rr);
	dns_tokens_free(&tk);
	return ok;
}

static const char *const section_keys[4] = {NULL, "answer", "authority",
					    "additional"};

static bool read_section(qb_t *b, const node_t *q, dns_section_t sec,
			 const sq_opt_t *opt, dns_msg_t *m)
{
	const node_t *v = node_get(q, section_keys[sec]);
	size_t nuser = 0, nopt = 0;
	if (v != NULL &&
	    !node_expect_kind(v, NODE_SEQ, section_keys[sec], b->d))
		return false;
	nuser = v ? v->n : 0;
	if (opt->present && opt->section == sec)
		nopt = opt->count;
	if (nuser + nopt > 0xffff)
		return diag_error(b->d, v, "more than 65535 records");
	m->sec[sec] =
	    dns_arena_alloc(&b->scratch, (nuser + nopt + 1) * sizeof(dns_rr_t));
	if (m->sec[sec] == NULL)
		return diag_error(b->d, q, "out of memory");
	bool ok = true;
	for (size_t i = 0; i < nuser; i++)
		ok = rr_parse(b, v->vals[i], &m->sec[sec][i]) && ok;
	for (size_t i = 0; i < nopt; i++)
		m->sec[sec][nuser + i] = opt->rr;
	m->nsec[sec] = (unsigned)(nuser + nopt);
	return ok;
}

/* ---- encoding knobs --------------------------------------------------- */

static bool read_compression(qb_t *b, const node_t *v, dns_encode_opts_t *eo)
{
	static const char *const names[] = {"none", "standard", "force", NULL};
	static const dns_pack_mode_t modes[] = {
	    DNS_PACK_PLAIN, DNS_PACK_STANDARD, DNS_PACK_FORCE};
	unsigned i = 1;
	if (v != NULL && !node_enum(v, names, &i, b->d))
		return false;
	eo->compress = modes[i];
	return true;
}

static bool read_counts(qb_t *b, const node_t *v, dns_encode_opts_t *eo)
{
	static const char *const keys[] = {"qd", "an", "ns", "ar", NULL};
	if (v == NULL)
		return true;
	if (!node_check_keys(v, "counts", keys, b->d))
		return false;
	bool ok = true;
	for (int i = 0; i < 4; i++) {
		const node_t *c = node_get(v, keys[i]);
		unsigned long n = 0;
		if (c == NULL)
			continue;
		if (node_u32(c, 65535, &n, b->d)) {
			eo->count_set[i] = true;
			eo->count[i] = (uint16_t)n;
		} else {
			ok = false;
		}
	}
	return ok;
}

static bool encode(qb_t *b, const node_t *q, const dns_msg_t *m,
		   const dns_encode_opts_t *eo)
{
	dns_rc_t rc = dns_msg_encode(m, eo, b->buf, DNS_MSG_MAXLEN, &b->len);
	if (rc == DNS_OK)
		return true;
	if (rc == DNS_E_SPACE)
		return diag_error(b->d, q,
				  "the query would be longer than 65535 bytes");
	return diag_error(b->d, q, "cannot encode the query: %s",
			  dns_rc_text(rc));
}

static bool build_structured(qb_t *b, const node_t *q)
{
	dns_msg_t m;
	dns_encode_opts_t eo = {DNS_PACK_STANDARD, {false}, {0}};
	sq_opt_t opt;
	qhdr_t h = {0, 0};
	qkeys_t k;
	qkeys_get(q, &k);
	dns_msg_init(&m);
	bool ok = read_header(b, &k, &h);
	m.id = h.id;
	m.flags = h.flags;
	ok = read_question(b, q, &m) && ok;
	ok = sq_edns_build(node_get(q, "edns"), &b->scratch, b->buf, &opt,
			   b->d) &&
	     ok;
	for (unsigned s = DNS_SEC_ANSWER; s <= DNS_SEC_ADDITIONAL; s++)
		ok = read_section(b, q, (dns_section_t)s, &opt, &m) && ok;
	ok = read_compression(b, node_get(q, "compression"), &eo) && ok;
	ok = read_counts(b, node_get(q, "counts"), &eo) && ok;
	b->primed = opt.cookie_primed;
	memcpy(b->prime_client, opt.prime_client, 8);
	return ok && encode(b, q, &m, &eo);
}

/* ---- raw hex ---------------------------------------------------------- */

/* Keys that describe a structured query; hex: excludes them all. */
static const char *const structured_keys[] = {
    "id",    "flags",	    "opcode",	   "rcode",  "name",	  "type",
    "class", "question",    "no_question", "answer", "authority", "additional",
    "edns",  "compression", "counts",	   NULL};

static bool build_raw(qb_t *b, const node_t *q)
{
	bool ok = true;
	for (size_t i = 0; structured_keys[i] != NULL; i++) {
		const node_t *k = node_key(q, structured_keys[i]);
		if (k != NULL)
			ok = diag_error(b->d, k,
					"'%s' cannot be combined with hex: (a "
					"raw query is sent as written; damage "
					"it with wire:)",
					k->str);
	}
	size_t len = 0;
	const uint8_t *bytes = sc_hex_bytes(
	    node_get(q, "hex"), "hex", DNS_MSG_MAXLEN, &b->scratch, &len, b->d);
	if (!ok || bytes == NULL)
		return false;
	memcpy(b->buf, bytes, len);
	b->len = len;
	return true;
}

/* ---- wire edits ------------------------------------------------------- */

typedef struct edit_form {
	const char *key; /* the key naming the edit */
	dns_edit_kind_t kind;
	bool hex;    /* the key's value is hex bytes (else a number) */
	bool has_at; /* at: is required */
} edit_form_t;

static const edit_form_t edit_forms[] = {
    {"set", DNS_EDIT_SET, true, true},
    {"truncate", DNS_EDIT_TRUNCATE, false, false},
    {"append", DNS_EDIT_APPEND, true, false},
    {"insert", DNS_EDIT_INSERT, true, true},
    {"delete", DNS_EDIT_DELETE, false, true},
};
#define EDIT_FORMS (sizeof(edit_forms) / sizeof(edit_forms[0]))

static const edit_form_t *edit_form_of(const node_t *e, diag_t *d)
{
	static const char *const keys[] = {
	    "at", "set", "truncate", "append", "insert", "delete", NULL};
	if (!node_check_keys(e, "a wire edit", keys, d))
		return NULL;
	const edit_form_t *form = NULL;
	unsigned n = 0;
	for (size_t i = 0; i < EDIT_FORMS; i++)
		if (node_get(e, edit_forms[i].key) != NULL) {
			form = &edit_forms[i];
			n++;
		}
	if (n == 1 && (node_get(e, "at") != NULL) == form->has_at)
		return form;
	diag_error(d, e,
		   "a wire edit is one of {at: N, set: HEX}, {truncate: N}, "
		   "{append: HEX}, {at: N, insert: HEX}, {at: N, delete: N}");
	return NULL;
}

bool sc_edit_parse(const node_t *e, dns_arena_t *arena, dns_edit_t *out,
		   diag_t *d)
{
	const edit_form_t *f = edit_form_of(e, d);
	if (f == NULL)
		return false;
	const node_t *v = node_get(e, f->key);
	unsigned long at = 0, n = 0;
	out->kind = f->kind;
	out->bytes = NULL;
	out->n = 0;
	bool ok = sq_u32_or(node_get(e, "at"), DNS_MSG_MAXLEN, 0, &at, d);
	if (f->hex) {
		out->bytes =
		    sc_hex_bytes(v, f->key, DNS_MSG_MAXLEN, arena, &out->n, d);
		ok = out->bytes != NULL && ok;
	} else {
		ok = node_u32(v, DNS_MSG_MAXLEN, &n, d) && ok;
		out->n = n;
	}
	out->at = f->kind == DNS_EDIT_TRUNCATE ? n : at;
	return ok;
}

static bool read_edits(qb_t *b, const node_t *v)
{
	if (v == NULL)
		return true;
	if (!node_expect_kind(v, NODE_SEQ, "wire", b->d))
		return false;
	if (v->n > QUERY_MAX_EDITS)
		return diag_error(b->d, v, "more than %u wire edits",
				  QUERY_MAX_EDITS);
	b->edits =
	    dns_arena_alloc(&b->scratch, (v->n + 1) * sizeof(dns_edit_t));
	b->edit_at =
	    dns_arena_alloc(&b->scratch, (v->n + 1) * sizeof(node_t *));
	if (b->edits == NULL || b->edit_at == NULL)
		return diag_error(b->d, v, "out of memory");
	bool ok = true;
	for (size_t i = 0; i < v->n; i++) {
		ok = sc_edit_parse(v->vals[i], &b->scratch, &b->edits[i],
				   b->d) &&
		     ok;
		b->edit_at[i] = v->vals[i];
	}
	b->nedits = v->n;
	return ok;
}

static bool apply_edits(qb_t *b)
{
	for (size_t i = 0; i < b->nedits; i++) {
		size_t before = b->len;
		dns_rc_t rc = dns_edit_apply(&b->edits[i], b->buf,
					     DNS_MSG_MAXLEN, &b->len);
		if (rc == DNS_E_SHORT)
			return diag_error(b->d, b->edit_at[i],
					  "wire edit: offset %zu lies beyond "
					  "the message (%zu bytes at this "
					  "point)",
					  b->edits[i].kind == DNS_EDIT_DELETE
					      ? b->edits[i].at + b->edits[i].n
					      : b->edits[i].at,
					  before);
		if (rc != DNS_OK)
			return diag_error(b->d, b->edit_at[i],
					  "wire edit: the message would be "
					  "longer than 65535 bytes");
	}
	return true;
}

/* ---- tcp: and the result ---------------------------------------------- */

#define TCP_IDLE_MAX_MS 60000ul /* tcp: {idle:} at most one minute */

static bool read_idle(qb_t *b, const node_t *v)
{
	if (!node_ms(v, &b->idle_ms, b->d))
		return false;
	if (b->idle_ms == 0 || b->idle_ms > TCP_IDLE_MAX_MS)
		return diag_error(b->d, v, "idle: from 1ms to 60s");
	return true;
}

#define TCP_HOLD_MAX_MS 60000ul /* tcp: {hold:} at most one minute */

/* tcp: {hold:, reuse:} (what they cannot go with: see read_tcp). */
static bool read_hold(qb_t *b, const node_t *v)
{
	const node_t *hold = node_get(v, "hold");
	const node_t *reuse = node_get(v, "reuse");
	bool ok = true;
	if (hold != NULL && !node_ms(hold, &b->hold_ms, b->d))
		ok = false;
	else if (hold != NULL &&
		 (b->hold_ms == 0 || b->hold_ms > TCP_HOLD_MAX_MS))
		ok = diag_error(b->d, hold, "hold: from 1ms to 60s");
	if (reuse != NULL && !node_bool(reuse, &b->reuse, b->d))
		ok = false;
	else if (reuse != NULL && hold == NULL)
		ok = diag_error(b->d, reuse,
				"reuse: needs hold: (the query is sent again "
				"on the held connection)");
	if (hold != NULL && node_get(v, "partial") != NULL)
		ok = diag_error(b->d, hold,
				"hold: cannot go with partial: (no response "
				"to hold the connection after)");
	return ok;
}

static bool read_tcp(qb_t *b, const node_t *v)
{
	static const char *const keys[] = {"split_prefix", "idle",  "partial",
					   "hold",	   "reuse", NULL};
	if (v == NULL)
		return true;
	if (!node_check_keys(v, "tcp", keys, b->d))
		return false;
	const node_t *s = node_get(v, "split_prefix");
	const node_t *idle = node_get(v, "idle");
	const node_t *part = node_get(v, "partial");
	bool ok = s == NULL || node_bool(s, &b->split, b->d);
	if (idle != NULL)
		ok = read_idle(b, idle) && ok;
	b->partial = part != NULL;
	if (part != NULL)
		ok =
		    node_u32(part, DNS_MSG_MAXLEN, &b->partial_len, b->d) && ok;
	return read_hold(b, v) && ok;
}

/* Where the server cookie of a primed query goes: after the client
 * cookie of the first COOKIE of an OPT owned by the root. */
static bool find_prime(qb_t *b, const dns_rr_t *opt, const dns_edns_t *e,
		       sc_query_t *out)
{
	dns_edns_opt_t ck;
	size_t rr = opt->wire_off;
	if (!dns_edns_find(e, DNS_OPT_COOKIE, &ck) || ck.len != 8 ||
	    rr + 11 > out->len || out->wire[rr] != 0)
		return false;
	size_t optlen_at = rr + 11 + ck.offset + 2;
	if (optlen_at + 2 + 8 > out->len)
		return false;
	/* all three <= len <= DNS_MSG_MAXLEN: they fit a u16 */
	out->prime_rdlen_at = (uint16_t)(rr + 9);
	out->prime_optlen_at = (uint16_t)optlen_at;
	out->prime_at = (uint16_t)(optlen_at + 2 + 8);
	memcpy(out->prime_client, b->prime_client, 8);
	out->cookie_primed = true;
	return true;
}

/* The question's name n for out: wire + 12 when the question, the
 * message's first name, is written there uncompressed (nearly every
 * query), else a copy in arena. false when memory runs out. */
static bool keep_qname(sc_query_t *out, const dns_name_t *n, dns_arena_t *arena)
{
	const uint8_t *at = out->wire + DNS_HEADER_LEN;
	if (out->len >= DNS_HEADER_LEN + n->len &&
	    memcmp(at, n->wire, n->len) == 0) {
		out->qname = at;
	} else {
		out->qname = dns_arena_dup(arena, n->wire, n->len);
		if (out->qname == NULL)
			return false;
	}
	out->qname_len = n->len;
	out->has_question = true;
	return true;
}

/* What the final bytes ask, read back as a server would see them. false
 * when memory runs out. */
static bool read_back(qb_t *b, sc_query_t *out, dns_arena_t *arena)
{
	dns_msg_t m;
	(void)dns_msg_decode(&m, out->wire, out->len, DNS_DECODE_SURVEY,
			     &b->scratch);
	if (out->len >= 4)
		out->opcode = (uint8_t)DNS_OPCODE(dns_get_u16(out->wire + 2));
	if (m.nqd > 0) {
		if (!keep_qname(out, &m.qd[0].name, arena))
			return false;
		out->qtype = m.qd[0].qtype;
		out->qclass = m.qd[0].qclass;
	}
	const dns_rr_t *opt = m.opt;
	for (unsigned s = DNS_SEC_ANSWER; s <= DNS_SEC_ADDITIONAL; s++)
		for (unsigned i = 0; opt == NULL && i < m.nsec[s]; i++)
			if (m.sec[s][i].type == DNS_T_OPT)
				opt = &m.sec[s][i];
	dns_edns_t e;
	dns_edns_opt_t ck;
	out->has_opt = opt != NULL;
	if (opt == NULL)
		return true;
	dns_edns_from_rr(opt->rclass, opt->ttl, opt->rdata, opt->rdlen, &e,
			 NULL);
	if (dns_edns_find(&e, DNS_OPT_COOKIE, &ck) && ck.len >= 8) {
		memcpy(out->cookie, ck.data, 8);
		out->has_cookie = true;
	}
	if (b->primed)
		(void)find_prime(b, opt, &e, out);
	return true;
}

/* server: primed needs the COOKIE where the runner can find it again. */
static bool check_primed(qb_t *b, const node_t *q, const sc_query_t *out)
{
	if (!b->primed)
		return true;
	if (b->nedits > 0 || b->tsig.in != NULL)
		return diag_error(b->d, q,
				  "cookie: {server: primed} cannot be combined "
				  "with wire: or tsig:");
	if (!out->cookie_primed)
		return diag_error(b->d, q,
				  "cookie: {server: primed} must be the first "
				  "COOKIE of an OPT owned by the root");
	return true;
}

static bool finish(qb_t *b, const node_t *q, dns_arena_t *arena,
		   sc_query_t *out)
{
	out->wire = dns_arena_dup(arena, b->buf, b->len ? b->len : 1);
	if (out->wire == NULL)
		return diag_error(b->d, q, "out of memory");
	out->len = b->len;
	out->random_id = b->random_id;
	out->tcp_split_prefix = b->split;
	/* read_tcp bounds these: 60000 ms, DNS_MSG_MAXLEN bytes */
	out->tcp_idle_ms = (uint32_t)b->idle_ms;
	out->tcp_partial = b->partial;
	out->tcp_partial_len = (uint32_t)b->partial_len;
	out->tcp_hold_ms = (uint32_t)b->hold_ms;
	out->tcp_reuse = b->reuse;
	out->tsig_key = b->tsig_key;
	if (!read_back(b, out, arena))
		return diag_error(b->d, q, "out of memory");
	return check_primed(b, q, out);
}

static const char *const query_keys[] = {
    "id",	 "flags",      "opcode",   "rcode",	  "name",
    "type",	 "class",      "question", "no_question", "answer",
    "authority", "additional", "edns",	   "hex",	  "compression",
    "counts",	 "wire",       "tcp",	   "tsig",	  NULL};

static bool check_top(const node_t *q, diag_t *d)
{
	if (q == NULL)
		return diag_error(d, NULL, "no query");
	return node_check_keys(q, "query", query_keys, d);
}

/* ---- the common query, directly ---------------------------------------- */

/* Is key exactly word (len bytes)? len is a constant where it is called,
 * so the memcmp is a compare or two, not a call. */
static inline bool key_is(const node_t *key, const char *word, size_t len)
{
	return key->len == len && memcmp(key->str, word, len) == 0;
}

/* Where the value of key goes in k, or NULL when it is not a header or
 * question key. */
static const node_t **simple_key(qkeys_t *k, const node_t *key)
{
	switch (key->str[0]) {
	case 'i':
		return key_is(key, "id", 2) ? &k->id : NULL;
	case 'f':
		return key_is(key, "flags", 5) ? &k->flags : NULL;
	case 'o':
		return key_is(key, "opcode", 6) ? &k->opcode : NULL;
	case 'r':
		return key_is(key, "rcode", 5) ? &k->rcode : NULL;
	case 'n':
		return key_is(key, "name", 4) ? &k->name : NULL;
	case 't':
		return key_is(key, "type", 4) ? &k->type : NULL;
	case 'c':
		return key_is(key, "class", 5) ? &k->klass : NULL;
	default:
		return NULL;
	}
}

/* The keys of a query that is a header and one question - nothing that
 * needs the encoder (sections, edns:, compression:, counts:) or changes
 * the bytes after it (hex:, wire:, tsig:, tcp:) - into k, in one pass
 * over q: false when q has another key (also a key that strcmp alone
 * would take for one of these: with a NUL in it). */
static bool simple_keys(const node_t *q, qkeys_t *k)
{
	*k = (qkeys_t){NULL, NULL, NULL, NULL, NULL, NULL, NULL};
	if (q->kind != NODE_MAP)
		return false;
	for (size_t i = 0; i < q->n; i++) {
		const node_t **val = simple_key(k, q->keys[i]);
		if (val == NULL)
			return false;
		if (*val == NULL) /* the first, as node_get */
			*val = q->vals[i];
	}
	return true;
}

/* A query of simple_keys only (most are), written straight into its
 * bytes: the same bytes and facts that build_structured, the encoder and
 * read_back give it (the question is the first name of the message, so
 * nothing compresses; test_query builds queries both ways), at a tenth
 * of the work. The header and the question are read by the same
 * functions, without diagnostics: false when q is not such a query or
 * anything in it is wrong, and the general path then builds it and says
 * what is wrong. */
static bool build_simple(const node_t *q, dns_arena_t *arena, sc_query_t *out)
{
	qb_t b = {.d = NULL};
	qhdr_t h = {0, 0};
	qkeys_t k;
	dns_question_t qd;
	if (!simple_keys(q, &k) || !read_header(&b, &k, &h) ||
	    !read_one_question(&b, &k, &qd))
		return false;
	size_t len = DNS_HEADER_LEN + qd.name.len + 4u;
	uint8_t *bytes = dns_arena_alloc(arena, len);
	if (bytes == NULL)
		return false;
	dns_wire_t w = dns_wire_writer(bytes, len);
	dns_wire_put_u16(&w, h.id);
	dns_wire_put_u16(&w, h.flags);
	dns_wire_put_u16(&w, 1); /* QDCOUNT; the others are 0 */
	dns_wire_put_bytes(&w, "\0\0\0\0\0\0", 6);
	dns_wire_put_bytes(&w, qd.name.wire, qd.name.len);
	dns_wire_put_u16(&w, qd.qtype);
	dns_wire_put_u16(&w, qd.qclass);
	if (!dns_wire_ok(&w) || w.pos != len)
		return false;
	out->wire = bytes;
	out->len = len;
	out->random_id = b.random_id;
	out->opcode = (uint8_t)DNS_OPCODE(h.flags);
	out->has_question = true;
	out->qname = bytes + DNS_HEADER_LEN; /* the question, as written */
	out->qname_len = qd.name.len;
	out->qtype = qd.qtype;
	out->qclass = qd.qclass;
	return true;
}

bool sc_query_build(const node_t *q, dns_arena_t *arena, sc_query_t *out,
		    diag_t *d)
{
	memset(out, 0, sizeof(*out));
	if (q != NULL && build_simple(q, arena, out))
		return true;
	if (!check_top(q, d))
		return false;
	qb_t b = {.d = d};
	dns_arena_init(&b.scratch, 0);
	b.buf = dns_mem_alloc(DNS_MSG_MAXLEN);
	if (b.buf == NULL)
		return diag_error(d, q, "out of memory");
	bool ok = node_get(q, "hex") != NULL ? build_raw(&b, q)
					     : build_structured(&b, q);
	ok = read_edits(&b, node_get(q, "wire")) && ok;
	ok = read_tcp(&b, node_get(q, "tcp")) && ok;
	ok = sq_tsig_read(node_get(q, "tsig"), &b.scratch, &b.tsig, d) && ok;
	ok = ok &&
	     sq_tsig_sign(&b.tsig, b.buf, &b.len, &b.random_id, arena,
			  &b.tsig_key, d) &&
	     apply_edits(&b) && finish(&b, q, arena, out);
	dns_mem_free(b.buf);
	dns_arena_free(&b.scratch);
	if (!ok)
		memset(out, 0, sizeof(*out));
	return ok;
}

/* Every compiled case holds an sc_query_t: a 10k-case run touches 10k of
 * them, so they stay small. */
_Static_assert(sizeof(sc_query_t) <= 128, "sc_query_t is kept small");

void sc_query_qname(const sc_query_t *q, dns_name_t *out)
{
	if (!q->has_question) {
		dns_name_root(out);
		return;
	}
	out->len = q->qname_len;
	memcpy(out->wire, q->qname, q->qname_len);
}
