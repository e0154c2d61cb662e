/* expect.c - compile an expect: mapping into an sc_expect_t.
 *
 * Every key is checked where it stands; every problem is a located
 * diagnostic, and compiling goes on after one so that a file shows all its
 * mistakes at once. The judge is in eval.c.
 */
#include "expect/expect.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dns/edns.h"
#include "dns/msg.h"
#include "dns/rdata.h"
#include "dns/text.h"
#include "expect/expect_int.h"

#define TEXT_MAX 160u /* longest flow rendering kept for messages */

/* Compiler state: where memory and errors go. */
typedef struct cc {
	dns_arena_t *arena;
	diag_t *d;
	uint8_t *scratch; /* DNS_MSG_MAXLEN bytes for RDATA, heap, lazy */
	bool nomem;
} cc_t;

static const struct {
	const char *name;
	uint16_t bit;
} hdr_flags[] = {
    {"qr", DNS_F_QR}, {"aa", DNS_F_AA}, {"tc", DNS_F_TC}, {"rd", DNS_F_RD},
    {"ra", DNS_F_RA}, {"z", DNS_F_Z},	{"ad", DNS_F_AD}, {"cd", DNS_F_CD},
};
#define NFLAGS (sizeof(hdr_flags) / sizeof(hdr_flags[0]))

const char *xp_flag_name(uint16_t bit)
{
	for (size_t i = 0; i < NFLAGS; i++)
		if (hdr_flags[i].bit == bit)
			return hdr_flags[i].name;
	return NULL;
}

void xp_flags_text(uint16_t flags, uint16_t mask, dns_strbuf_t *sb)
{
	size_t start = sb->len;
	for (size_t i = 0; i < NFLAGS; i++)
		if (flags & mask & hdr_flags[i].bit)
			dns_sb_printf(sb, "%s%s", sb->len > start ? " " : "",
				      hdr_flags[i].name);
	if (sb->len == start)
		dns_sb_puts(sb, "(none)");
}

const char *sc_verdict_name(sc_verdict_kind_t v)
{
	switch (v) {
	case SC_PASS:
		return "pass";
	case SC_FAIL:
		return "fail";
	case SC_ERROR:
		return "error";
	case SC_SKIP:
		return "skip";
	}
	return "unknown";
}

/* ---- small helpers ------------------------------------------------------- */

static void *cc_alloc(cc_t *c, const node_t *at, size_t n)
{
	void *p = dns_arena_alloc(c->arena, n ? n : 1);
	if (p == NULL) {
		if (!c->nomem)
			diag_error(c->d, at, "out of memory");
		c->nomem = true;
		return NULL;
	}
	memset(p, 0, n ? n : 1);
	return p;
}

/* The items of a list: a sequence, or one scalar standing for a list of
 * one (held in *slot). false (with an error) for a mapping or an empty
 * sequence. */
static bool items(cc_t *c, const node_t *v, const char *what,
		  const node_t **slot, const node_t *const **out, size_t *n)
{
	if (v->kind == NODE_SEQ && v->n > 0) {
		*out = (const node_t *const *)v->vals;
		*n = v->n;
		return true;
	}
	if (v->kind == NODE_SCALAR && v->len > 0) {
		*slot = v;
		*out = slot;
		*n = 1;
		return true;
	}
	return diag_error(c->d, v, "%s must be a non-empty list", what);
}

static bool is_number(const node_t *n)
{
	if (n->kind != NODE_SCALAR || n->len == 0)
		return false;
	if (n->str[0] == '0' && (n->str[1] == 'x' || n->str[1] == 'X'))
		return n->len > 2;
	for (size_t i = 0; i < n->len; i++)
		if (n->str[i] < '0' || n->str[i] > '9')
			return false;
	return true;
}

/* A scalar that is a mnemonic or a number; parse() reads mnemonics. */
typedef dns_rc_t (*mnemonic_fn)(const char *s, size_t len, uint16_t *out);

static bool number_or_name(cc_t *c, const node_t *n, unsigned long max,
			   mnemonic_fn parse, const char *what, uint16_t *out)
{
	if (!node_expect_kind(n, NODE_SCALAR, what, c->d))
		return false;
	unsigned long v;
	if (is_number(n)) {
		if (!node_u32(n, max, &v, c->d))
			return false;
		*out = (uint16_t)v;
		return true;
	}
	if (parse(n->str, n->len, out) == DNS_OK && *out <= max)
		return true;
	return diag_error(c->d, n, "unknown %s '%s'", what, n->str);
}

static dns_rc_t rcode_parse(const char *s, size_t len, uint16_t *out)
{
	return dns_rcode_from_text(s, len, out);
}

static dns_rc_t opcode_parse(const char *s, size_t len, uint16_t *out)
{
	uint8_t v = 0;
	dns_rc_t rc = dns_opcode_from_text(s, len, &v);
	*out = v;
	return rc;
}

static dns_rc_t option_parse(const char *s, size_t len, uint16_t *out)
{
	return dns_edns_opt_from_text(s, len, out);
}

/* A range: N (min = max = N) when scalar_ok, or {min, max}. */
static bool range(cc_t *c, const node_t *v, const char *what, bool scalar_ok,
		  unsigned long max, xp_range_t *r)
{
	static const char *const keys[] = {"min", "max", NULL};
	if (scalar_ok && v->kind == NODE_SCALAR) {
		if (!node_u32(v, max, &r->min, c->d))
			return false;
		r->max = r->min;
		r->has_min = r->has_max = true;
		return true;
	}
	if (!node_check_keys(v, what, keys, c->d))
		return false;
	const node_t *lo = node_get(v, "min"), *hi = node_get(v, "max");
	bool ok = true;
	if (lo != NULL)
		ok = (r->has_min = node_u32(lo, max, &r->min, c->d)) && ok;
	if (hi != NULL)
		ok = (r->has_max = node_u32(hi, max, &r->max, c->d)) && ok;
	if (ok && lo == NULL && hi == NULL)
		return diag_error(c->d, v, "%s needs min:, max: or both", what);
	if (ok && r->has_min && r->has_max && r->min > r->max)
		return diag_error(c->d, v, "%s: min %lu is above max %lu", what,
				  r->min, r->max);
	return ok;
}

static bool tri(cc_t *c, const node_t *v, xp_tri_t *out)
{
	bool b;
	if (!node_bool(v, &b, c->d))
		return false;
	*out = b ? XP_TRUE : XP_FALSE;
	return true;
}

/* ---- flow text of a node (for messages about any/all/not) ---------------- */

void xp_flow(const node_t *n, dns_strbuf_t *sb, size_t max, unsigned depth)
{
	if (depth > 8 || sb->len > max) {
		dns_sb_puts(sb, "...");
		return;
	}
	if (n->kind == NODE_SCALAR) {
		if (n->quoted || n->len == 0)
			dns_sb_charstr(sb, (const uint8_t *)n->str, n->len);
		else
			dns_sb_put(sb, n->str, n->len);
		return;
	}
	dns_sb_putc(sb, n->kind == NODE_MAP ? '{' : '[');
	for (size_t i = 0; i < n->n; i++) {
		if (i > 0)
			dns_sb_puts(sb, ", ");
		if (n->kind == NODE_MAP) {
			dns_sb_puts(sb, n->keys[i]->str);
			dns_sb_puts(sb, ": ");
		}
		xp_flow(n->vals[i], sb, max, depth + 1);
	}
	dns_sb_putc(sb, n->kind == NODE_MAP ? '}' : ']');
}

static const char *flow_text(cc_t *c, const node_t *n)
{
	char buf[TEXT_MAX + 64];
	dns_strbuf_t sb = dns_strbuf_init(buf, sizeof(buf));
	xp_flow(n, &sb, TEXT_MAX, 0);
	if (sb.len > TEXT_MAX) {
		buf[TEXT_MAX - 3] = '\0';
		strcat(buf, "...");
	}
	size_t len = strlen(buf);
	char *s = cc_alloc(c, n, len + 1);
	if (s != NULL)
		memcpy(s, buf, len + 1);
	return s;
}

/* ---- RR patterns --------------------------------------------------------- */

/* Column in the YAML file of a token of a scalar (exact for one-line
 * scalars, which patterns are). */
static bool pat_error(cc_t *c, const node_t *n, const dns_token_t *t,
		      const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static bool pat_error(cc_t *c, const node_t *n, const dns_token_t *t,
		      const char *fmt, ...)
{
	char msg[sizeof(c->d->e[0].msg)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	unsigned col = n->col + (n->quoted ? 1u : 0u);
	if (t != NULL && t->line == 1)
		col += t->col - 1;
	return diag_error_at(c->d, n->file, n->line, col, "%s", msg);
}

static bool is_star(const dns_token_t *t)
{
	return !t->quoted && t->len == 1 && t->s[0] == '*';
}

static bool pat_fixed(cc_t *c, const node_t *n, const dns_token_t *t,
		      xp_pat_t *p)
{
	dns_name_t root;
	dns_name_root(&root);
	p->any_owner = is_star(&t[0]);
	if (!p->any_owner &&
	    dns_name_from_text(t[0].s, t[0].len, &root, &p->rr.owner, NULL))
		return pat_error(c, n, &t[0], "bad owner name in record '%s'",
				 n->str);
	unsigned long ttl = 0;
	p->any_ttl = is_star(&t[1]);
	if (!p->any_ttl && dns_token_u32(&t[1], UINT32_MAX, &ttl) != DNS_OK)
		return pat_error(c, n, &t[1],
				 "bad TTL in record '%s' (a number or '*')",
				 n->str);
	p->rr.ttl = (uint32_t)ttl;
	p->any_class = is_star(&t[2]);
	if (!p->any_class &&
	    dns_class_from_text(t[2].s, t[2].len, &p->rr.rclass) != DNS_OK)
		return pat_error(
		    c, n, &t[2],
		    "bad class in record '%s' (IN, CH, CLASSnnn or "
		    "'*')",
		    n->str);
	p->any_type = is_star(&t[3]);
	if (!p->any_type &&
	    dns_type_from_text(t[3].s, t[3].len, &p->rr.type) != DNS_OK)
		return pat_error(c, n, &t[3],
				 "unknown type in record '%s' (a mnemonic, "
				 "TYPEnnn or '*')",
				 n->str);
	return true;
}

static bool pat_rdata(cc_t *c, const node_t *n, const dns_token_t *t, size_t nt,
		      xp_pat_t *p)
{
	p->any_rdata = nt == 1 && is_star(&t[0]);
	if (p->any_rdata)
		return true;
	if (!p->any_type && p->rr.type == DNS_T_RRSIG && nt == 2 &&
	    is_star(&t[1])) {
		/* "RRSIG A *": the signatures of one covered type */
		if (dns_type_from_text(t[0].s, t[0].len, &p->covered) != DNS_OK)
			return pat_error(c, n, &t[0],
					 "unknown covered type in record '%s'",
					 n->str);
		p->sig_covers = p->any_rdata = true;
		return true;
	}
	if (p->any_type)
		return pat_error(c, n, &t[0],
				 "record '%s': the RDATA must be '*' when the "
				 "type is '*'",
				 n->str);
	if (c->scratch == NULL)
		c->scratch = dns_mem_alloc(DNS_MSG_MAXLEN);
	if (c->scratch == NULL)
		return pat_error(c, n, NULL, "%s", "out of memory");
	dns_name_t root;
	dns_name_root(&root);
	dns_error_t err = {0};
	size_t len = 0;
	if (dns_rdata_from_text(p->rr.type, t, nt, &root, c->scratch,
				DNS_MSG_MAXLEN, &len, &err) != DNS_OK) {
		const dns_token_t at = {NULL, 0, false, err.line, err.col};
		char msg[256];
		snprintf(msg, sizeof(msg), "bad RDATA in record '%s': %s%s%s",
			 n->str, dns_rc_text(err.code),
			 err.detail[0] ? ": " : "", err.detail);
		return pat_error(c, n, err.line ? &at : &t[0], "%s", msg);
	}
	dns_rdata_canonicalize(p->rr.type, c->scratch, len);
	p->rr.rdlen = (uint16_t)len;
	p->rr.rdata = len ? dns_arena_dup(c->arena, c->scratch, len) : NULL;
	if (len && p->rr.rdata == NULL)
		return pat_error(c, n, NULL, "%s", "out of memory");
	return true;
}

/* Parse one pattern "owner ttl class type rdata". */
static bool pat_compile(cc_t *c, const node_t *n, xp_pat_t *p)
{
	if (!node_expect_kind(n, NODE_SCALAR, "a record", c->d))
		return false;
	p->text = n->str;
	dns_tokens_t toks;
	dns_tokens_init(&toks);
	dns_error_t err = {0};
	bool ok;
	if (dns_tokenize(n->str, n->len, &toks, &err) != DNS_OK) {
		const dns_token_t at = {NULL, 0, false, err.line, err.col};
		ok = pat_error(c, n, &at, "record '%s' does not tokenize",
			       n->str);
	} else if (toks.n < 5) {
		ok = pat_error(c, n, NULL,
			       "record '%s' needs 5 fields: owner ttl class "
			       "type rdata (any of them may be '*')",
			       n->str);
	} else {
		ok = pat_fixed(c, n, toks.v, p) &&
		     pat_rdata(c, n, toks.v + 4, toks.n - 4, p);
	}
	dns_tokens_free(&toks);
	return ok;
}

static bool pats(cc_t *c, const node_t *v, const char *what, xp_pats_t *out)
{
	const node_t *one = NULL, *const *it = NULL;
	size_t n = 0;
	if (!items(c, v, what, &one, &it, &n))
		return false;
	out->v = cc_alloc(c, v, n * sizeof(*out->v));
	if (out->v == NULL)
		return false;
	out->n = n;
	bool ok = true;
	for (size_t i = 0; i < n; i++)
		ok = pat_compile(c, it[i], &out->v[i]) && ok;
	return ok;
}

/* exact: compares whole RRsets, so records must be complete; the TTL may
 * be left out ('*') by all of them or by none. */
static bool exact_check(cc_t *c, const node_t *v, xp_section_t *s)
{
	size_t ttls = 0;
	bool ok = true;
	for (size_t i = 0; i < s->exact.n; i++) {
		const xp_pat_t *p = &s->exact.v[i];
		const node_t *at = v->kind == NODE_SEQ ? v->vals[i] : v;
		if (p->any_owner || p->any_class || p->any_type || p->any_rdata)
			ok = diag_error(c->d, at,
					"exact: record '%s' may only leave the "
					"TTL as '*' (use contains: with count: "
					"for looser checks)",
					p->text);
		ttls += !p->any_ttl;
	}
	if (ok && ttls != 0 && ttls != s->exact.n)
		return diag_error(c->d, v,
				  "exact: give the TTL in every record or in "
				  "none ('*')");
	if (!ok)
		return false;
	s->exact_ttl = ttls != 0;
	s->exact_rrs = cc_alloc(c, v, s->exact.n * sizeof(dns_rr_t));
	if (s->exact_rrs == NULL)
		return false;
	for (size_t i = 0; i < s->exact.n; i++)
		s->exact_rrs[i] = s->exact.v[i].rr;
	return true;
}

/* ---- keys ---------------------------------------------------------------- */

typedef bool (*key_fn)(cc_t *c, const char *key, const node_t *v,
		       sc_expect_t *e);

static bool key_rcode(cc_t *c, const char *key, const node_t *v, sc_expect_t *e)
{
	const node_t *one = NULL, *const *it = NULL;
	size_t n = 0;
	if (!items(c, v, key, &one, &it, &n))
		return false;
	e->rcodes = cc_alloc(c, v, n * sizeof(*e->rcodes));
	if (e->rcodes == NULL)
		return false;
	e->nrcodes = n;
	bool ok = true;
	for (size_t i = 0; i < n; i++)
		ok = number_or_name(c, it[i], 4095, rcode_parse, "rcode",
				    &e->rcodes[i]) &&
		     ok;
	return ok;
}

static bool key_opcode(cc_t *c, const char *key, const node_t *v,
		       sc_expect_t *e)
{
	(void)key;
	uint16_t op;
	if (!number_or_name(c, v, 15, opcode_parse, "opcode", &op))
		return false;
	e->has_opcode = true;
	e->opcode = (uint8_t)op;
	return true;
}

static bool flag_list(cc_t *c, const node_t *v, const char *what,
		      uint16_t *mask)
{
	const node_t *one = NULL, *const *it = NULL;
	size_t n = 0;
	if (!items(c, v, what, &one, &it, &n))
		return false;
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		size_t j = 0;
		while (j < NFLAGS &&
		       (it[i]->kind != NODE_SCALAR ||
			strcasecmp(it[i]->str, hdr_flags[j].name)))
			j++;
		if (j < NFLAGS)
			*mask |= hdr_flags[j].bit;
		else
			ok = diag_error(c->d, it[i],
					"unknown flag '%s' (expected one of: "
					"qr, aa, tc, rd, ra, z, ad, cd)",
					it[i]->kind == NODE_SCALAR ? it[i]->str
								   : "?");
	}
	return ok;
}

static bool key_flags(cc_t *c, const char *key, const node_t *v, sc_expect_t *e)
{
	static const char *const keys[] = {"has", "lacks", "exact", NULL};
	if (!node_check_keys(v, key, keys, c->d))
		return false;
	const node_t *has = node_get(v, "has"), *lacks = node_get(v, "lacks");
	const node_t *exact = node_get(v, "exact");
	bool ok = true;
	if (has != NULL)
		ok = flag_list(c, has, "flags.has", &e->f_has) && ok;
	if (lacks != NULL)
		ok = flag_list(c, lacks, "flags.lacks", &e->f_lacks) && ok;
	if (exact != NULL) {
		e->has_f_exact = true;
		/* exact: [] is allowed: no flag at all */
		if (!(exact->kind == NODE_SEQ && exact->n == 0))
			ok = flag_list(c, exact, "flags.exact", &e->f_exact) &&
			     ok;
	}
	if (ok && has == NULL && lacks == NULL && exact == NULL)
		return diag_error(c->d, v,
				  "flags needs has:, lacks: or exact:");
	return ok;
}

static bool key_tc(cc_t *c, const char *key, const node_t *v, sc_expect_t *e)
{
	(void)key;
	bool b;
	if (!node_bool(v, &b, c->d))
		return false;
	if (b)
		e->f_has |= DNS_F_TC;
	else
		e->f_lacks |= DNS_F_TC;
	return true;
}

static bool question_fields(cc_t *c, const node_t *v, sc_expect_t *e)
{
	const node_t *name = node_get(v, "name"), *type = node_get(v, "type");
	const node_t *cls = node_get(v, "class");
	bool ok = true;
	dns_name_t root;
	dns_name_root(&root);
	if (name != NULL && (name->kind != NODE_SCALAR ||
			     dns_name_from_text(name->str, name->len, &root,
						&e->qname, NULL) != DNS_OK))
		ok = diag_error(c->d, name, "bad domain name");
	if (type != NULL &&
	    (type->kind != NODE_SCALAR ||
	     dns_type_from_text(type->str, type->len, &e->qtype) != DNS_OK))
		ok = diag_error(c->d, type,
				"unknown type (a mnemonic or "
				"TYPEnnn)");
	if (cls != NULL &&
	    (cls->kind != NODE_SCALAR ||
	     dns_class_from_text(cls->str, cls->len, &e->qclass) != DNS_OK))
		ok = diag_error(c->d, cls,
				"unknown class (IN, CH, HS or "
				"CLASSnnn)");
	e->q_has_name = name != NULL;
	e->q_has_type = type != NULL;
	e->q_has_class = cls != NULL;
	e->qmode = XP_Q_EXPLICIT;
	return ok;
}

static bool key_question(cc_t *c, const char *key, const node_t *v,
			 sc_expect_t *e)
{
	static const char *const keys[] = {"echo", "name", "type", "class",
					   NULL};
	if (!node_check_keys(v, key, keys, c->d))
		return false;
	const node_t *echo = node_get(v, "echo");
	if (echo == NULL && v->n == 0)
		return diag_error(c->d, v,
				  "question needs echo: or name:/type:/class:");
	if (echo == NULL)
		return question_fields(c, v, e);
	if (v->n > 1)
		return diag_error(c->d, node_key(v, "echo"),
				  "question: echo: cannot be combined with "
				  "name:, type: or class:");
	if (echo->kind == NODE_SCALAR && strcmp(echo->str, "exact") == 0) {
		e->qmode = XP_Q_ECHO_EXACT;
		return true;
	}
	bool b;
	if (!node_bool(echo, &b, c->d))
		return diag_error(c->d, echo, "echo: is true, false or exact");
	e->qmode = b ? XP_Q_ECHO : XP_Q_NO_ECHO;
	return true;
}

static bool key_qdcount(cc_t *c, const char *key, const node_t *v,
			sc_expect_t *e)
{
	(void)key;
	return e->has_qdcount = node_u32(v, 65535, &e->qdcount, c->d);
}

static bool section_map(cc_t *c, const char *key, const node_t *v,
			xp_section_t *s)
{
	static const char *const keys[] = {"count", "min",    "max", "contains",
					   "exact", "absent", NULL};
	if (!node_check_keys(v, key, keys, c->d))
		return false;
	const node_t *count = node_get(v, "count");
	const node_t *lo = node_get(v, "min"), *hi = node_get(v, "max");
	bool ok = true;
	if (count != NULL && (lo != NULL || hi != NULL))
		return diag_error(c->d, node_key(v, "count"),
				  "%s: count: cannot be combined with min: or "
				  "max:",
				  key);
	if (count != NULL)
		ok = range(c, count, key, true, 65535, &s->count);
	if (lo != NULL)
		ok = (s->count.has_min =
			  node_u32(lo, 65535, &s->count.min, c->d)) &&
		     ok;
	if (hi != NULL)
		ok = (s->count.has_max =
			  node_u32(hi, 65535, &s->count.max, c->d)) &&
		     ok;
	if (ok && lo != NULL && hi != NULL && s->count.min > s->count.max)
		ok = diag_error(c->d, lo, "%s: min %lu is above max %lu", key,
				s->count.min, s->count.max);
	const node_t *p;
	if ((p = node_get(v, "contains")) != NULL)
		ok = pats(c, p, "contains", &s->contains) && ok;
	if ((p = node_get(v, "absent")) != NULL)
		ok = pats(c, p, "absent", &s->absent) && ok;
	if ((p = node_get(v, "exact")) != NULL)
		ok = pats(c, p, "exact", &s->exact) && exact_check(c, p, s) &&
		     ok;
	if (ok && v->n == 0)
		return diag_error(c->d, v,
				  "%s: an empty mapping checks nothing", key);
	return ok;
}

static bool key_section(cc_t *c, const char *key, const node_t *v,
			sc_expect_t *e)
{
	dns_section_t sec = strcmp(key, "answer") == 0 ? DNS_SEC_ANSWER
			    : strcmp(key, "authority") == 0
				? DNS_SEC_AUTHORITY
				: DNS_SEC_ADDITIONAL;
	xp_section_t *s = &e->sec[sec];
	s->set = true;
	if (v->kind == NODE_SCALAR) /* answer: N */
		return range(c, v, key, true, 65535, &s->count);
	return section_map(c, key, v, s);
}

/* OPT flag bits by name (do, co) or as a number (a mask). */
static bool opt_flag_list(cc_t *c, const node_t *v, const char *what,
			  uint16_t *mask)
{
	const node_t *one = NULL, *const *it = NULL;
	size_t n = 0;
	if (!items(c, v, what, &one, &it, &n))
		return false;
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		unsigned long m;
		if (it[i]->kind == NODE_SCALAR &&
		    strcasecmp(it[i]->str, "do") == 0)
			*mask |= DNS_EDNS_DO;
		else if (it[i]->kind == NODE_SCALAR &&
			 strcasecmp(it[i]->str, "co") == 0)
			*mask |= DNS_EDNS_CO;
		else if (is_number(it[i]) && node_u32(it[i], 0xffff, &m, c->d))
			*mask |= (uint16_t)m;
		else
			ok = diag_error(c->d, it[i],
					"expected an OPT flag: do, co or a bit "
					"mask such as 0x0001");
	}
	return ok;
}

static bool opt_flags(cc_t *c, const node_t *v, xp_opt_t *o)
{
	static const char *const keys[] = {"has", "lacks", "mbz", NULL};
	if (!node_check_keys(v, "opt.flags", keys, c->d))
		return false;
	const node_t *p;
	bool ok = true;
	if ((p = node_get(v, "has")) != NULL)
		ok = opt_flag_list(c, p, "opt.flags.has", &o->fl_has) && ok;
	if ((p = node_get(v, "lacks")) != NULL)
		ok = opt_flag_list(c, p, "opt.flags.lacks", &o->fl_lacks) && ok;
	unsigned long m;
	if ((p = node_get(v, "mbz")) != NULL) {
		ok = (o->has_mbz = node_u32(p, 0x3fff, &m, c->d)) && ok;
		o->mbz = (uint16_t)m;
	}
	if (ok && v->n == 0)
		return diag_error(c->d, v,
				  "opt.flags needs has:, lacks: or "
				  "mbz:");
	if (ok && (o->fl_has & o->fl_lacks))
		return diag_error(
		    c->d, v, "opt.flags: a bit is both in has: and lacks:");
	return ok;
}

static bool opt_codes(cc_t *c, const node_t *v, const char *what,
		      uint16_t **out, size_t *nout)
{
	const node_t *one = NULL, *const *it = NULL;
	size_t n = 0;
	if (!items(c, v, what, &one, &it, &n))
		return false;
	*out = cc_alloc(c, v, n * sizeof(**out));
	if (*out == NULL)
		return false;
	*nout = n;
	bool ok = true;
	for (size_t i = 0; i < n; i++)
		ok = number_or_name(c, it[i], 65535, option_parse,
				    "EDNS option", &(*out)[i]) &&
		     ok;
	return ok;
}

static bool opt_options(cc_t *c, const node_t *v, xp_opt_t *o)
{
	static const char *const keys[] = {"has", "lacks", NULL};
	if (!node_check_keys(v, "opt.options", keys, c->d))
		return false;
	const node_t *p;
	bool ok = true;
	if ((p = node_get(v, "has")) != NULL)
		ok = opt_codes(c, p, "opt.options.has", &o->opt_has,
			       &o->nopt_has) &&
		     ok;
	if ((p = node_get(v, "lacks")) != NULL)
		ok = opt_codes(c, p, "opt.options.lacks", &o->opt_lacks,
			       &o->nopt_lacks) &&
		     ok;
	if (ok && v->n == 0)
		return diag_error(c->d, v, "opt.options needs has: or lacks:");
	return ok;
}

static bool opt_presence(cc_t *c, const node_t *v, xp_opt_t *o)
{
	const node_t *a = node_get(v, "absent"), *p = node_get(v, "present");
	bool absent = false, present = false;
	if (a != NULL && !node_bool(a, &absent, c->d))
		return false;
	if (p != NULL && !node_bool(p, &present, c->d))
		return false;
	if (a != NULL && p != NULL && absent == present)
		return diag_error(c->d, p,
				  "opt: absent: and present: disagree");
	o->absent = (a != NULL && absent) || (p != NULL && !present);
	o->present = !o->absent && (a != NULL || p != NULL);
	size_t others = v->n - (a != NULL) - (p != NULL);
	if (o->absent && others > 0)
		return diag_error(c->d, a != NULL ? a : p,
				  "opt: an absent OPT cannot have other "
				  "checks");
	return true;
}

static bool opt_scalars(cc_t *c, const node_t *v, xp_opt_t *o)
{
	static const char *const cookie[] = {"echo", "present", "absent",
					     "server", NULL};
	const node_t *p;
	unsigned long n;
	unsigned idx;
	bool ok = true;
	if ((p = node_get(v, "version")) != NULL) {
		ok = (o->has_version = node_u32(p, 255, &n, c->d)) && ok;
		o->version = (uint8_t)n;
	}
	if ((p = node_get(v, "ext_rcode")) != NULL) {
		ok = (o->has_ext_rcode = node_u32(p, 255, &n, c->d)) && ok;
		o->ext_rcode = (uint8_t)n;
	}
	if ((p = node_get(v, "do")) != NULL)
		ok = (o->has_do = node_bool(p, &o->do_bit, c->d)) && ok;
	if ((p = node_get(v, "udp_size")) != NULL)
		ok = range(c, p, "opt.udp_size", true, 65535, &o->udp) && ok;
	if ((p = node_get(v, "cookie")) != NULL) {
		bool got = node_enum(p, cookie, &idx, c->d);
		o->cookie = got ? (xp_cookie_t)(idx + 1) : XP_COOKIE_NONE;
		ok = got && ok;
	}
	return ok;
}

static bool key_opt(cc_t *c, const char *key, const node_t *v, sc_expect_t *e)
{
	static const char *const keys[] = {
	    "absent", "present", "version", "do",	 "udp_size",
	    "flags",  "options", "cookie",  "ext_rcode", NULL};
	if (!node_check_keys(v, key, keys, c->d))
		return false;
	xp_opt_t *o = &e->opt;
	o->set = true;
	bool ok = opt_presence(c, v, o);
	ok = opt_scalars(c, v, o) && ok;
	const node_t *p;
	if ((p = node_get(v, "flags")) != NULL)
		ok = opt_flags(c, p, o) && ok;
	if ((p = node_get(v, "options")) != NULL)
		ok = opt_options(c, p, o) && ok;
	if (ok && v->n == 0)
		return diag_error(c->d, v,
				  "opt: an empty mapping checks nothing");
	return ok;
}

static bool key_size(cc_t *c, const char *key, const node_t *v, sc_expect_t *e)
{
	return range(c, v, key, false, DNS_MSG_MAXLEN, &e->size);
}

/* A violation name as reports print it (dns_rc_name of a decoding
 * code: "pointer-loop", "trailing-bytes", ...). */
static bool violation_code(cc_t *c, const node_t *n, dns_rc_t *out)
{
	if (!node_expect_kind(n, NODE_SCALAR, "a violation name", c->d))
		return false;
	for (int rc = DNS_E_SHORT; rc <= DNS_E_EDNS_OPTION; rc++)
		if (strcmp(n->str, dns_rc_name((dns_rc_t)rc)) == 0) {
			*out = (dns_rc_t)rc;
			return true;
		}
	return diag_error(c->d, n,
			  "unknown violation '%s' (names as reports list "
			  "them: pointer-loop, trailing-bytes, "
			  "rdata-overrun, opt-multiple, ...)",
			  n->str);
}

/* violations: true | false | a list of names (each must be found). */
static bool key_violations(cc_t *c, const char *key, const node_t *v,
			   sc_expect_t *e)
{
	bool b;
	if (v->kind == NODE_SCALAR && !v->quoted &&
	    (strcmp(v->str, "true") == 0 || strcmp(v->str, "false") == 0)) {
		if (!node_bool(v, &b, c->d))
			return false;
		e->viol = b ? XP_TRUE : XP_FALSE;
		return true;
	}
	const node_t *one = NULL, *const *it = NULL;
	size_t n = 0;
	if (!items(c, v, key, &one, &it, &n))
		return false;
	e->viols = cc_alloc(c, v, n * sizeof(*e->viols));
	if (e->viols == NULL)
		return false;
	e->viol = XP_TRUE;
	e->nviols = n;
	bool ok = true;
	for (size_t i = 0; i < n; i++)
		ok = violation_code(c, it[i], &e->viols[i]) && ok;
	return ok;
}

static bool key_ignored(cc_t *c, const char *key, const node_t *v,
			sc_expect_t *e)
{
	return range(c, v, key, true, 1000000, &e->ignored);
}

static bool key_no_response(cc_t *c, const char *key, const node_t *v,
			    sc_expect_t *e)
{
	(void)key;
	return tri(c, v, &e->no_response);
}

static bool key_closed(cc_t *c, const char *key, const node_t *v,
		       sc_expect_t *e)
{
	(void)key;
	return tri(c, v, &e->closed);
}

static bool key_alive(cc_t *c, const char *key, const node_t *v, sc_expect_t *e)
{
	(void)key;
	return tri(c, v, &e->alive);
}

static bool key_messages(cc_t *c, const char *key, const node_t *v,
			 sc_expect_t *e)
{
	return range(c, v, key, true, 1000000, &e->messages);
}

static sc_expect_t *compile_node(cc_t *c, const node_t *n, bool top);

/* ---- tsig: and stream: --------------------------------------------------- */

static bool tsig_error_code(cc_t *c, const node_t *v, xp_tsig_t *t)
{
	uint16_t code = 0;
	if (!number_or_name(c, v, 65535, rcode_parse, "a TSIG error", &code))
		return false;
	t->has_error = true;
	t->error = code;
	return true;
}

static bool key_tsig(cc_t *c, const char *key, const node_t *v, sc_expect_t *e)
{
	static const char *const keys[] = {"present",	 "signed", "valid",
					   "verified",	 "error",  "mac_size",
					   "other_size", NULL};
	xp_tsig_t *t = &e->tsig;
	if (!node_check_keys(v, key, keys, c->d))
		return false;
	if (v->n == 0)
		return diag_error(c->d, v,
				  "tsig: an empty mapping checks nothing");
	t->set = true;
	const node_t *f;
	bool ok = true;
	if ((f = node_get(v, "present")) != NULL)
		ok = tri(c, f, &t->present) && ok;
	if ((f = node_get(v, "signed")) != NULL)
		ok = tri(c, f, &t->signed_) && ok;
	if ((f = node_get(v, "valid")) != NULL)
		ok = tri(c, f, &t->valid) && ok;
	if ((f = node_get(v, "verified")) != NULL)
		ok = tri(c, f, &t->verified) && ok;
	if ((f = node_get(v, "error")) != NULL)
		ok = tsig_error_code(c, f, t) && ok;
	if ((f = node_get(v, "mac_size")) != NULL)
		ok = range(c, f, "tsig.mac_size", true, 65535, &t->mac_size) &&
		     ok;
	if ((f = node_get(v, "other_size")) != NULL)
		ok = range(c, f, "tsig.other_size", true, 65535,
			   &t->other_size) &&
		     ok;
	if (ok && t->present == XP_FALSE &&
	    (t->signed_ == XP_TRUE || t->valid == XP_TRUE ||
	     t->verified == XP_TRUE || t->has_error || t->mac_size.has_min ||
	     t->mac_size.has_max))
		ok = diag_error(c->d, node_key(v, "present"),
				"tsig: present: false contradicts the other "
				"checks");
	return ok;
}

static bool stream_pat(cc_t *c, const node_t *v, xp_pat_t **out)
{
	*out = cc_alloc(c, v, sizeof(**out));
	return *out != NULL && pat_compile(c, v, *out);
}

static bool stream_sub(cc_t *c, const node_t *v, sc_expect_t **out)
{
	return (*out = compile_node(c, v, false)) != NULL;
}

static bool key_stream(cc_t *c, const char *key, const node_t *v,
		       sc_expect_t *e)
{
	static const char *const keys[] = {
	    "soa_first",     "soa_last",     "first_record", "last_record",
	    "first_message", "each_message", "last_message", NULL};
	xp_stream_t *s = &e->stream;
	if (!node_check_keys(v, key, keys, c->d))
		return false;
	if (v->n == 0)
		return diag_error(c->d, v,
				  "stream: an empty mapping checks nothing");
	s->set = true;
	const node_t *f;
	bool ok = true;
	if ((f = node_get(v, "soa_first")) != NULL)
		ok = tri(c, f, &s->soa_first) && ok;
	if ((f = node_get(v, "soa_last")) != NULL)
		ok = tri(c, f, &s->soa_last) && ok;
	if ((f = node_get(v, "first_record")) != NULL)
		ok = stream_pat(c, f, &s->first_record) && ok;
	if ((f = node_get(v, "last_record")) != NULL)
		ok = stream_pat(c, f, &s->last_record) && ok;
	if ((f = node_get(v, "first_message")) != NULL)
		ok = stream_sub(c, f, &s->first) && ok;
	if ((f = node_get(v, "each_message")) != NULL)
		ok = stream_sub(c, f, &s->each) && ok;
	if ((f = node_get(v, "last_message")) != NULL)
		ok = stream_sub(c, f, &s->last) && ok;
	return ok;
}

static bool sub_list(cc_t *c, const char *key, const node_t *v,
		     sc_expect_t ***out, size_t *nout)
{
	if (v->kind != NODE_SEQ || v->n == 0)
		return diag_error(c->d, v,
				  "%s must be a non-empty list of expectations",
				  key);
	*out = cc_alloc(c, v, v->n * sizeof(**out));
	if (*out == NULL)
		return false;
	*nout = v->n;
	bool ok = true;
	for (size_t i = 0; i < v->n; i++)
		ok = ((*out)[i] = compile_node(c, v->vals[i], false)) != NULL &&
		     ok;
	return ok;
}

static bool key_any(cc_t *c, const char *key, const node_t *v, sc_expect_t *e)
{
	return sub_list(c, key, v, &e->any, &e->nany);
}

static bool key_all(cc_t *c, const char *key, const node_t *v, sc_expect_t *e)
{
	return sub_list(c, key, v, &e->all, &e->nall);
}

static bool key_not(cc_t *c, const char *key, const node_t *v, sc_expect_t *e)
{
	(void)key;
	return (e->not_ = compile_node(c, v, false)) != NULL;
}

static bool key_implicit(cc_t *c, const char *key, const node_t *v,
			 sc_expect_t *e)
{
	static const char *const keys[] = {
	    "id", "qr", "opcode", "question", "strict", "unsolicited", NULL};
	bool *fields[] = {&e->implicit.id,     &e->implicit.qr,
			  &e->implicit.opcode, &e->implicit.question,
			  &e->implicit.strict, &e->implicit.unsolicited};
	size_t n = sizeof(fields) / sizeof(fields[0]);
	bool b;
	if (v->kind == NODE_SCALAR) {
		if (!node_bool(v, &b, c->d))
			return false;
		for (size_t i = 0; i < n; i++)
			*fields[i] = b;
		return true;
	}
	if (!node_check_keys(v, key, keys, c->d))
		return false;
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		const node_t *f = node_get(v, keys[i]);
		if (f != NULL)
			ok = node_bool(f, fields[i], c->d) && ok;
	}
	return ok;
}

static bool key_hold(cc_t *c, const char *key, const node_t *v, sc_expect_t *e)
{
	(void)key;
	return xp_hold_compile(v, &e->hold, c->d);
}

static const struct {
	const char *key;
	key_fn fn;
	bool response; /* a check on the response's content */
} key_table[] = {
    {"rcode", key_rcode, true},	       {"opcode", key_opcode, true},
    {"flags", key_flags, true},	       {"tc", key_tc, true},
    {"question", key_question, true},  {"qdcount", key_qdcount, true},
    {"answer", key_section, true},     {"authority", key_section, true},
    {"additional", key_section, true}, {"opt", key_opt, true},
    {"size", key_size, true},	       {"violations", key_violations, true},
    {"ignored", key_ignored, false},   {"no_response", key_no_response, false},
    {"closed", key_closed, false},     {"alive", key_alive, false},
    {"messages", key_messages, false}, {"any", key_any, false},
    {"all", key_all, false},	       {"not", key_not, false},
    {"implicit", key_implicit, false}, {"tsig", key_tsig, true},
    {"stream", key_stream, true},      {"hold", key_hold, true},
};
#define NKEYS (sizeof(key_table) / sizeof(key_table[0]))

static const char *const all_keys[] = {
    "rcode",	"opcode",     "flags",	   "tc",	  "question",
    "qdcount",	"answer",     "authority", "additional",  "opt",
    "size",	"violations", "ignored",   "no_response", "closed",
    "alive",	"messages",   "any",	   "all",	  "not",
    "implicit", "tsig",	      "stream",	   "hold",	  NULL};

/* Contradictions between the keys of one mapping. */
static bool consistency(cc_t *c, const node_t *n, sc_expect_t *e)
{
	bool ok = true;
	uint16_t both = e->f_has & e->f_lacks;
	if (e->has_f_exact)
		both |= (e->f_has & ~e->f_exact) | (e->f_lacks & e->f_exact);
	if (both)
		ok = diag_error(c->d,
				node_key(n, "flags") ? node_key(n, "flags")
						     : node_key(n, "tc"),
				"flag %s is both required and forbidden",
				xp_flag_name((uint16_t)(both & (~both + 1u))));
	if (e->no_response == XP_TRUE && e->closed == XP_TRUE)
		ok = diag_error(c->d, node_key(n, "closed"),
				"no_response: and closed: cannot both be true");
	const char *silent = e->no_response == XP_TRUE ? "no_response"
			     : e->closed == XP_TRUE    ? "closed"
						       : NULL;
	if (silent != NULL && e->needs_response)
		ok = diag_error(c->d, node_key(n, silent),
				"%s: true cannot be combined with checks on "
				"the response (put them under any:)",
				silent);
	return ok;
}

static bool compile_keys(cc_t *c, const node_t *n, sc_expect_t *e)
{
	bool ok = true;
	for (size_t i = 0; i < n->n; i++) {
		const char *k = n->keys[i]->str;
		size_t j = 0;
		while (j < NKEYS && strcmp(key_table[j].key, k) != 0)
			j++;
		if (j == NKEYS)
			continue; /* reported by node_check_keys */
		if (!e->top && key_table[j].fn == key_implicit) {
			ok = diag_error(c->d, n->keys[i],
					"implicit: belongs at the top of "
					"expect:, not inside any:, all: or "
					"not:");
			continue;
		}
		ok = key_table[j].fn(c, k, n->vals[i], e) && ok;
		e->needs_response |= key_table[j].response;
	}
	const node_t *nr = node_get(n, "no_response");
	if (nr != NULL && e->no_response == XP_FALSE)
		e->needs_response = true;
	return ok;
}

static sc_expect_t *compile_node(cc_t *c, const node_t *n, bool top)
{
	bool ok =
	    node_check_keys(n, top ? "expect" : "expectation", all_keys, c->d);
	if (n->kind != NODE_MAP)
		return NULL;
	sc_expect_t *e = cc_alloc(c, n, sizeof(*e));
	if (e == NULL)
		return NULL;
	e->top = top;
	e->implicit =
	    (xp_implicit_t){true, true, true, true, true, true, false};
	ok = compile_keys(c, n, e) && ok;
	ok = ok && consistency(c, n, e);
	e->text = flow_text(c, n);
	return ok && e->text != NULL ? e : NULL;
}

/* ---- tree walks ---------------------------------------------------------- */

typedef bool (*node_pred)(const sc_expect_t *e);

static bool tree_any(const sc_expect_t *e, node_pred pred)
{
	if (e == NULL)
		return false;
	if (pred(e))
		return true;
	for (size_t i = 0; i < e->nany; i++)
		if (tree_any(e->any[i], pred))
			return true;
	for (size_t i = 0; i < e->nall; i++)
		if (tree_any(e->all[i], pred))
			return true;
	return tree_any(e->not_, pred);
}

static bool wants_alive(const sc_expect_t *e)
{
	return e->alive == XP_TRUE;
}

static bool own_question(const sc_expect_t *e)
{
	return e->qmode == XP_Q_NO_ECHO || e->qmode == XP_Q_EXPLICIT ||
	       (e->has_qdcount && e->qdcount != 1);
}

static bool own_opcode(const sc_expect_t *e)
{
	return e->has_opcode;
}

static bool own_qr(const sc_expect_t *e)
{
	return ((e->f_lacks | e->f_has) & DNS_F_QR) != 0 || e->has_f_exact;
}

static bool own_strict(const sc_expect_t *e)
{
	return e->viol != XP_UNSET;
}

static bool own_unsolicited(const sc_expect_t *e)
{
	return e->hold.unsolicited != XP_UNSET;
}

bool sc_expect_wants_alive(const sc_expect_t *e)
{
	return tree_any(e, wants_alive);
}

/* An explicit check anywhere in the tree replaces its implicit twin. */
static void implicit_defer(sc_expect_t *e)
{
	if (tree_any(e, own_question))
		e->implicit.question = false;
	if (tree_any(e, own_opcode))
		e->implicit.opcode = false;
	if (tree_any(e, own_qr))
		e->implicit.qr = false;
	if (tree_any(e, own_unsolicited))
		e->implicit.unsolicited = false;
	if (tree_any(e, own_strict)) {
		e->implicit.strict = false;
		e->implicit.strict_explicit = true;
	}
}

bool sc_expect_compile(const node_t *e, dns_arena_t *arena, sc_expect_t **out,
		       diag_t *d)
{
	cc_t c = {arena, d, NULL, false};
	unsigned before = d->n;
	*out = NULL;
	sc_expect_t *x;
	if (e == NULL ||
	    (e->kind == NODE_SCALAR && e->len == 0 && !e->quoted)) {
		/* no expect: at all: the implicit checks only */
		x = cc_alloc(&c, e, sizeof(*x));
		if (x == NULL)
			return false;
		x->top = true;
		x->text = "{}";
		x->implicit =
		    (xp_implicit_t){true, true, true, true, true, true, false};
	} else {
		x = compile_node(&c, e, true);
	}
	dns_mem_free(c.scratch);
	if (x == NULL || d->n != before)
		return false;
	implicit_defer(x);
	*out = x;
	return true;
}
