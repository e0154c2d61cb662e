/* query_edns.c - the edns: block of a query: the OPT record's fields and
 * its options, built with the codec's option builders (dns/edns.h). */
#include <arpa/inet.h>
#include <ctype.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>

#include "dns/edns.h"
#include "dns/rdata.h"
#include "scenario/query.h"
#include "dns/wire.h"
#include "scenario/query_int.h"

#define EDNS_DEFAULT_PAYLOAD 1232u
#define EDNS_MAX_COUNT	     16u

typedef struct opt_ctx {
	dns_wire_t w; /* the option TLVs, into the caller's buffer */
	dns_arena_t *scratch;
	diag_t *d;
	const node_t *at; /* the option entry, for located errors */
	sq_opt_t *out;	  /* cookie_primed is set here */
} opt_ctx_t;

/* After a builder: turn a sticky writer error into a located message. */
static bool opt_done(opt_ctx_t *c, const node_t *at, const char *why)
{
	if (c->w.err == DNS_OK)
		return true;
	if (c->w.err == DNS_E_SPACE)
		return diag_error(c->d, at,
				  "the EDNS options exceed 65535 bytes");
	return diag_error(c->d, at, "%s", why);
}

/* ---- typed options ---------------------------------------------------- */

static bool opt_nsid(opt_ctx_t *c, const node_t *v)
{
	if (!node_expect_kind(v, NODE_SCALAR, "nsid", c->d))
		return false;
	if (sq_is_empty(v))
		dns_edns_put_nsid(&c->w, NULL, 0);
	else
		dns_edns_put_nsid(&c->w, (const uint8_t *)v->str, v->len);
	return opt_done(c, v, "cannot build NSID");
}

/* The address of an ecs: map: its bytes, width and family. */
static bool ecs_address(opt_ctx_t *c, const node_t *a, uint8_t addr[16],
			size_t *alen, uint16_t *family)
{
	if (a == NULL)
		return diag_error(
		    c->d, c->at,
		    "ecs needs address: (an IPv4 or IPv6 address)");
	if (!node_expect_kind(a, NODE_SCALAR, "address", c->d))
		return false;
	memset(addr, 0, 16);
	if (inet_pton(AF_INET, a->str, addr) == 1) {
		*alen = 4;
		*family = 1;
	} else if (inet_pton(AF_INET6, a->str, addr) == 1) {
		*alen = 16;
		*family = 2;
	} else {
		return diag_error(
		    c->d, a, "'%s' is not an IPv4 or IPv6 address", a->str);
	}
	return true;
}

typedef struct ecs_args {
	bool raw;
	unsigned long family, source, scope, addrlen;
	uint8_t addr[16];
	size_t alen;
} ecs_args_t;

static bool ecs_read(opt_ctx_t *c, const node_t *v, ecs_args_t *a)
{
	static const char *const keys[] = {
	    "family", "source", "scope", "address", "raw", "addrlen", NULL};
	if (!node_check_keys(v, "ecs", keys, c->d))
		return false;
	uint16_t fam = 0;
	const node_t *raw = node_get(v, "raw");
	bool ok = raw == NULL || node_bool(raw, &a->raw, c->d);
	ok = ecs_address(c, node_get(v, "address"), a->addr, &a->alen, &fam) &&
	     ok;
	ok = sq_u32_or(node_get(v, "family"), 65535, fam, &a->family, c->d) &&
	     ok;
	const node_t *src = node_get(v, "source");
	if (src == NULL)
		ok = diag_error(c->d, v,
				"ecs needs source: (the prefix length)");
	else
		ok = node_u32(src, 255, &a->source, c->d) && ok;
	ok = sq_u32_or(node_get(v, "scope"), 255, 0, &a->scope, c->d) && ok;
	const node_t *al = node_get(v, "addrlen");
	if (al != NULL && !a->raw)
		ok = diag_error(c->d, al, "addrlen: needs raw: true");
	unsigned long dflt = (a->source + 7) / 8;
	if (dflt > a->alen)
		dflt = a->alen;
	ok = sq_u32_or(al, a->alen, dflt, &a->addrlen, c->d) && ok;
	return ok;
}

static bool opt_ecs(opt_ctx_t *c, const node_t *v)
{
	ecs_args_t a = {0};
	if (!ecs_read(c, v, &a))
		return false;
	if (a.raw) {
		dns_edns_put_ecs_raw(&c->w, (uint16_t)a.family,
				     (uint8_t)a.source, (uint8_t)a.scope,
				     a.addr, a.addrlen);
		return opt_done(c, v, "cannot build ECS");
	}
	if (a.family != (a.alen == 4 ? 1u : 2u))
		return diag_error(c->d, node_get(v, "family"),
				  "family %lu does not match the address "
				  "(use raw: true to send it anyway)",
				  a.family);
	dns_edns_put_ecs(&c->w, (uint16_t)a.family, (uint8_t)a.source,
			 (uint8_t)a.scope, a.addr);
	return opt_done(c, v,
			"source and scope must not exceed the address width "
			"(use raw: true to send it anyway)");
}

static bool opt_expire(opt_ctx_t *c, const node_t *v)
{
	unsigned long secs = 0;
	if (sq_is_empty(v))
		dns_edns_put_expire(&c->w, false, 0);
	else if (node_u32(v, 0xffffffffUL, &secs, c->d))
		dns_edns_put_expire(&c->w, true, (uint32_t)secs);
	else
		return false;
	return opt_done(c, v, "cannot build EXPIRE");
}

static bool opt_keepalive(opt_ctx_t *c, const node_t *v)
{
	unsigned long t = 0;
	if (sq_is_empty(v))
		dns_edns_put_keepalive(&c->w, false, 0);
	else if (node_u32(v, 65535, &t, c->d))
		dns_edns_put_keepalive(&c->w, true, (uint16_t)t);
	else
		return false;
	return opt_done(c, v, "cannot build TCP-KEEPALIVE");
}

static bool is_random(const node_t *v)
{
	return v->kind == NODE_SCALAR && strcasecmp(v->str, "random") == 0;
}

static bool cookie_client(opt_ctx_t *c, const node_t *v, uint8_t out[8])
{
	if (v == NULL)
		return diag_error(c->d, c->at,
				  "cookie needs client: (16 hex "
				  "digits, or random)");
	if (is_random(v)) {
		if (getrandom(out, 8, 0) == 8)
			return true;
		return diag_error(c->d, v, "no random bytes for the cookie");
	}
	size_t n = 0;
	const uint8_t *b = sc_hex_bytes(v, "client", 8, c->scratch, &n, c->d);
	if (b == NULL)
		return false;
	if (n != 8)
		return diag_error(c->d, v,
				  "a client cookie is 8 bytes (16 hex digits), "
				  "got %zu; use {code: COOKIE, hex: ...} for "
				  "other lengths",
				  n);
	memcpy(out, b, 8);
	return true;
}

static bool is_primed(const node_t *v)
{
	return v != NULL && v->kind == NODE_SCALAR &&
	       strcasecmp(v->str, "primed") == 0;
}

/* cookie: {client: C, server: primed, prime_client: P}: only C goes in
 * the option now; the runner primes with P (default C). */
static bool cookie_primed(opt_ctx_t *c, const node_t *v, const uint8_t *client)
{
	const node_t *pc = node_get(v, "prime_client");
	if (c->out->cookie_primed)
		return diag_error(c->d, v,
				  "only one COOKIE can be server: primed");
	memcpy(c->out->prime_client, client, 8);
	if (pc != NULL && !cookie_client(c, pc, c->out->prime_client))
		return false;
	c->out->cookie_primed = true;
	dns_edns_put_cookie(&c->w, client, NULL, 0);
	return opt_done(c, v, "cannot build COOKIE");
}

static bool opt_cookie(opt_ctx_t *c, const node_t *v)
{
	static const char *const keys[] = {"client", "server", "prime_client",
					   NULL};
	uint8_t client[8];
	if (is_random(v)) {
		if (!cookie_client(c, v, client))
			return false;
		dns_edns_put_cookie(&c->w, client, NULL, 0);
		return opt_done(c, v, "cannot build COOKIE");
	}
	if (!node_check_keys(v, "cookie (or cookie: random)", keys, c->d))
		return false;
	const node_t *sv = node_get(v, "server");
	if (!cookie_client(c, node_get(v, "client"), client))
		return false;
	if (is_primed(sv))
		return cookie_primed(c, v, client);
	if (node_get(v, "prime_client") != NULL)
		return diag_error(c->d, node_key(v, "prime_client"),
				  "prime_client: needs server: primed");
	size_t slen = 0;
	const uint8_t *server = NULL;
	if (sv != NULL) {
		server =
		    sc_hex_bytes(sv, "server", 65535, c->scratch, &slen, c->d);
		if (server == NULL)
			return false;
	}
	dns_edns_put_cookie(&c->w, client, server, slen);
	return opt_done(c, sv ? sv : v,
			"a server cookie is 8 to 32 bytes; use {code: COOKIE, "
			"hex: ...} for other lengths");
}

static bool opt_padding(opt_ctx_t *c, const node_t *v)
{
	unsigned long n;
	if (!node_u32(v, 65535, &n, c->d))
		return false;
	dns_edns_put_padding(&c->w, n);
	return opt_done(c, v, "cannot build PADDING");
}

static bool opt_chain(opt_ctx_t *c, const node_t *v)
{
	dns_name_t name;
	if (!sq_name(v, "chain", &name, c->d))
		return false;
	dns_edns_put_chain(&c->w, &name);
	return opt_done(c, v, "cannot build CHAIN");
}

static bool opt_keytag(opt_ctx_t *c, const node_t *v)
{
	if (!node_expect_kind(v, NODE_SEQ, "key_tag", c->d))
		return false;
	uint16_t *tags = dns_arena_alloc(c->scratch, (v->n + 1) * 2);
	if (tags == NULL)
		return diag_error(c->d, v, "out of memory");
	bool ok = true;
	for (size_t i = 0; i < v->n; i++) {
		unsigned long t = 0;
		ok = node_u32(v->vals[i], 65535, &t, c->d) && ok;
		tags[i] = (uint16_t)t;
	}
	if (!ok)
		return false;
	dns_edns_put_keytags(&c->w, tags, v->n);
	return opt_done(c, v, "too many key tags");
}

static bool opt_ede(opt_ctx_t *c, const node_t *v)
{
	static const char *const keys[] = {"code", "text", NULL};
	if (!node_check_keys(v, "ede", keys, c->d))
		return false;
	const node_t *code = node_get(v, "code"), *text = node_get(v, "text");
	unsigned long info = 0;
	bool ok = code != NULL
		      ? node_u32(code, 65535, &info, c->d)
		      : diag_error(c->d, v, "ede needs code: (INFO-CODE)");
	if (text != NULL)
		ok = node_expect_kind(text, NODE_SCALAR, "text", c->d) && ok;
	if (!ok)
		return false;
	dns_edns_put_ede(&c->w, (uint16_t)info, text ? text->str : NULL,
			 text ? text->len : 0);
	return opt_done(c, v, "EDE text too long");
}

/* {code: N or mnemonic, hex: "..."}: any option, any data. */
static bool opt_generic(opt_ctx_t *c, const node_t *entry)
{
	const node_t *code = node_get(entry, "code");
	const node_t *hex = node_get(entry, "hex");
	unsigned long num = 0;
	uint16_t mn = 0;
	bool ok = true;
	if (!node_expect_kind(code, NODE_SCALAR, "code", c->d))
		ok = false;
	else if (isdigit((unsigned char)code->str[0]))
		ok = node_u32(code, 65535, &num, c->d);
	else if (dns_edns_opt_from_text(code->str, code->len, &mn) == DNS_OK)
		num = mn;
	else
		ok = diag_error(c->d, code,
				"unknown option '%s' (a number, a name such "
				"as NSID, ECS, COOKIE, or OPTnnn)",
				code->str);
	size_t n = 0;
	const uint8_t *data =
	    hex ? sc_hex_bytes(hex, "hex", 65535, c->scratch, &n, c->d) : NULL;
	if (!ok || (hex != NULL && data == NULL))
		return false;
	dns_edns_put_opt(&c->w, (uint16_t)num, data, n);
	return opt_done(c, entry, "cannot build the option");
}

typedef struct opt_kind {
	const char *key;
	bool (*build)(opt_ctx_t *c, const node_t *v);
} opt_kind_t;

static const opt_kind_t opt_kinds[] = {
    {"nsid", opt_nsid},
    {"ecs", opt_ecs},
    {"expire", opt_expire},
    {"cookie", opt_cookie},
    {"keepalive", opt_keepalive},
    {"padding", opt_padding},
    {"chain", opt_chain},
    {"key_tag", opt_keytag},
    {"ede", opt_ede},
};
#define OPT_KINDS (sizeof(opt_kinds) / sizeof(opt_kinds[0]))

static const char *const opt_entry_keys[] = {
    "nsid",  "ecs",	"expire", "cookie", "keepalive", "padding",
    "chain", "key_tag", "ede",	  "code",   "hex",	 NULL};

/* One entry of options: - exactly one option. */
static bool opt_entry(opt_ctx_t *c, const node_t *e)
{
	if (!node_check_keys(e, "an EDNS option", opt_entry_keys, c->d))
		return false;
	c->at = e;
	const opt_kind_t *kind = NULL;
	unsigned typed = 0;
	for (size_t i = 0; i < OPT_KINDS; i++)
		if (node_get(e, opt_kinds[i].key) != NULL) {
			kind = &opt_kinds[i];
			typed++;
		}
	bool generic = node_get(e, "code") != NULL;
	if (typed + generic != 1 || (typed && node_get(e, "hex")))
		return diag_error(c->d, e,
				  "an option entry holds exactly one option: "
				  "one of nsid, ecs, expire, cookie, "
				  "keepalive, padding, chain, key_tag, ede, "
				  "or {code: N, hex: ...}");
	if (generic)
		return opt_generic(c, e);
	return kind->build(c, node_get(e, kind->key));
}

static bool edns_options(const node_t *v, opt_ctx_t *c)
{
	if (v == NULL)
		return true;
	if (!node_expect_kind(v, NODE_SEQ, "options", c->d))
		return false;
	bool ok = true;
	for (size_t i = 0; i < v->n; i++)
		ok = opt_entry(c, v->vals[i]) && ok;
	return ok;
}

/* ---- the OPT record --------------------------------------------------- */

typedef struct edns_fields {
	unsigned long version, flags, payload, ext_rcode, count;
	unsigned section;
	dns_name_t owner;
} edns_fields_t;

static bool edns_payload(const node_t *e, unsigned long *out, diag_t *d)
{
	const node_t *p = node_get(e, "payload"), *u = node_get(e, "udp_size");
	if (p != NULL && u != NULL)
		return diag_error(d, node_key(e, "udp_size"),
				  "give payload: or udp_size:, not both");
	return sq_u32_or(p ? p : u, 65535, EDNS_DEFAULT_PAYLOAD, out, d);
}

static bool edns_do_bit(const node_t *e, unsigned long *flags, diag_t *d)
{
	const node_t *v = node_get(e, "do");
	bool on = false;
	if (v == NULL)
		return true;
	if (!node_bool(v, &on, d))
		return false;
	*flags = on ? (*flags | DNS_EDNS_DO) : (*flags & ~DNS_EDNS_DO);
	return true;
}

static bool edns_read(const node_t *e, edns_fields_t *f, diag_t *d)
{
	static const char *const secs[] = {"answer", "authority", "additional",
					   NULL};
	bool ok = sq_u32_or(node_get(e, "version"), 255, 0, &f->version, d);
	ok = sq_u32_or(node_get(e, "flags"), 65535, 0, &f->flags, d) && ok;
	ok = edns_do_bit(e, &f->flags, d) && ok;
	ok = edns_payload(e, &f->payload, d) && ok;
	ok =
	    sq_u32_or(node_get(e, "ext_rcode"), 255, 0, &f->ext_rcode, d) && ok;
	const node_t *cnt = node_get(e, "count");
	ok = sq_u32_or(cnt, EDNS_MAX_COUNT, 1, &f->count, d) && ok;
	if (ok && f->count == 0)
		ok = diag_error(d, cnt,
				"count: must be 1 to %u (leave edns: "
				"out for no OPT)",
				EDNS_MAX_COUNT);
	const node_t *sec = node_get(e, "section");
	f->section = 2;
	if (sec != NULL)
		ok = node_enum(sec, secs, &f->section, d) && ok;
	const node_t *own = node_get(e, "owner");
	dns_name_root(&f->owner);
	if (own != NULL)
		ok = sq_name(own, "owner", &f->owner, d) && ok;
	return ok;
}

bool sq_edns_build(const node_t *e, dns_arena_t *scratch, uint8_t *buf,
		   sq_opt_t *out, diag_t *d)
{
	static const char *const keys[] = {
	    "version", "do",	"flags", "payload", "udp_size", "ext_rcode",
	    "options", "count", "owner", "section", NULL};
	memset(out, 0, sizeof(*out));
	if (e == NULL)
		return true;
	if (e->kind == NODE_SCALAR) {
		if (!node_bool(e, &out->present, d))
			return false;
	} else if (!node_check_keys(e, "edns", keys, d)) {
		return false;
	}
	if (e->kind == NODE_SCALAR && !out->present)
		return true;
	edns_fields_t f = {0};
	opt_ctx_t c = {dns_wire_writer(buf, DNS_MSG_MAXLEN), scratch, d, e,
		       out};
	bool ok = edns_read(e, &f, d);
	ok = edns_options(node_get(e, "options"), &c) && ok;
	if (!ok)
		return false;
	dns_edns_t fields = {(uint16_t)f.payload,
			     (uint8_t)f.ext_rcode,
			     (uint8_t)f.version,
			     (uint16_t)f.flags,
			     NULL,
			     0};
	out->present = true;
	out->count = (unsigned)f.count;
	out->section = (dns_section_t)(f.section + 1);
	out->rr.owner = f.owner;
	out->rr.type = DNS_T_OPT;
	dns_edns_to_rr(&fields, &out->rr.rclass, &out->rr.ttl);
	out->rr.rdlen = (uint16_t)c.w.pos;
	out->rr.rdata = dns_arena_dup(scratch, buf, c.w.pos ? c.w.pos : 1);
	if (out->rr.rdata == NULL)
		return diag_error(d, e, "out of memory");
	return true;
}
