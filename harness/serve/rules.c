/* rules.c - the rules: of a server: match: criteria and actions. */
#include <arpa/inet.h>
#include <ctype.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "dns/edns.h"
#include "dns/msg.h"
#include "dns/rdata.h"
#include "scenario/query.h"
#include "serve/config_int.h"

static const char *const rule_keys[] = {
    "name",	"match",     "reply", "hex",   "keep_id",   "drop",
    "tc",	"delay",     "close", "reset", "from_port", "from_address",
    "wrong_id", "duplicate", "wire",  "drip",  NULL};
static const char *const match_keys[] = {
    "opcode", "qname", "qname_sub", "qname_case",   "qtype",  "qclass",
    "flags",  "do",    "edns",	    "edns_version", "option", "transport",
    "count",  "step",  "cookie",    "ecs",	    NULL};

static bool starts_digit(const node_t *n)
{
	return n->kind == NODE_SCALAR && isdigit((unsigned char)n->str[0]);
}

bool scfg_name(const node_t *n, const char *what, dns_name_t *out, diag_t *d)
{
	if (!scfg_text(n, what, d))
		return false;
	dns_name_t root;
	dns_name_root(&root);
	dns_error_t err = {0};
	dns_rc_t rc = dns_name_from_text(n->str, n->len, &root, out, &err);
	if (rc == DNS_OK)
		return true;
	return diag_error(d, n, "%s: bad name '%s': %s", what, n->str,
			  dns_rc_text(rc));
}

bool net_addr_same(const struct sockaddr_storage *a,
		   const struct sockaddr_storage *b)
{
	if (a->ss_family != b->ss_family)
		return false;
	if (a->ss_family == AF_INET) {
		const struct sockaddr_in *x = (const struct sockaddr_in *)a;
		const struct sockaddr_in *y = (const struct sockaddr_in *)b;
		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->ss_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a;
		const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)b;
		return x->sin6_port == y->sin6_port &&
		       memcmp(&x->sin6_addr, &y->sin6_addr, 16) == 0;
	}
	return false;
}

/* ---- match: ------------------------------------------------------------- */

static bool read_opcode(const node_t *v, serve_match_t *m, diag_t *d)
{
	unsigned long n = 0;
	if (starts_digit(v)) {
		if (!node_u32(v, 15, &n, d))
			return false;
		m->opcode = (uint8_t)n;
	} else if (v->kind != NODE_SCALAR ||
		   dns_opcode_from_text(v->str, v->len, &m->opcode) != DNS_OK) {
		return diag_error(d, v,
				  "opcode: expected QUERY, NOTIFY, UPDATE, "
				  "..., OPCODEn or 0 to 15");
	}
	m->have |= SERVE_M_OPCODE;
	return true;
}

static bool read_code(const node_t *v, const char *what,
		      dns_rc_t (*from_text)(const char *, size_t, uint16_t *),
		      uint16_t *out, diag_t *d)
{
	unsigned long n = 0;
	if (starts_digit(v)) {
		if (!node_u32(v, 65535, &n, d))
			return false;
		*out = (uint16_t)n;
		return true;
	}
	if (v->kind == NODE_SCALAR && from_text(v->str, v->len, out) == DNS_OK)
		return true;
	return diag_error(d, v, "%s: unknown %s '%s'", what, what,
			  v->kind == NODE_SCALAR ? v->str : "");
}

static const struct {
	const char *name;
	uint16_t bit;
} flag_bits[] = {
    {"qr", DNS_F_QR}, {"aa", DNS_F_AA}, {"tc", DNS_F_TC}, {"rd", DNS_F_RD},
    {"ra", DNS_F_RA}, {"z", DNS_F_Z},	{"ad", DNS_F_AD}, {"cd", DNS_F_CD},
};

static bool flag_word(const node_t *n, uint16_t *bits, diag_t *d)
{
	if (n->kind == NODE_SCALAR)
		for (size_t i = 0; i < sizeof(flag_bits) / sizeof(flag_bits[0]);
		     i++)
			if (strcasecmp(n->str, flag_bits[i].name) == 0) {
				*bits |= flag_bits[i].bit;
				return true;
			}
	return diag_error(d, n, "unknown flag '%s' (qr aa tc rd ra z ad cd)",
			  n->kind == NODE_SCALAR ? n->str : "");
}

/* A flag name or a sequence of them. */
static bool flag_list(const node_t *v, uint16_t *bits, diag_t *d)
{
	if (v == NULL)
		return true;
	if (v->kind != NODE_SEQ)
		return flag_word(v, bits, d);
	bool ok = true;
	for (size_t i = 0; i < v->n; i++)
		ok = flag_word(v->vals[i], bits, d) && ok;
	return ok;
}

static bool read_flags(const node_t *v, serve_match_t *m, diag_t *d)
{
	static const char *const keys[] = {"has", "lacks", NULL};
	if (!node_check_keys(v, "flags", keys, d))
		return false;
	bool ok = flag_list(node_get(v, "has"), &m->flags_has, d);
	ok = flag_list(node_get(v, "lacks"), &m->flags_lacks, d) && ok;
	if (ok && (m->flags_has & m->flags_lacks) != 0)
		return diag_error(d, v,
				  "flags: a bit cannot be both in has: and "
				  "in lacks:");
	m->have |= SERVE_M_FLAGS;
	return ok;
}

static bool option_code(const node_t *n, uint16_t *out, diag_t *d)
{
	unsigned long v = 0;
	if (starts_digit(n)) {
		if (!node_u32(n, 65535, &v, d))
			return false;
		*out = (uint16_t)v;
		return true;
	}
	if (n->kind == NODE_SCALAR &&
	    dns_edns_opt_from_text(n->str, n->len, out) == DNS_OK)
		return true;
	return diag_error(d, n,
			  "option: '%s' is not an option code (a number, "
			  "NSID, ECS, COOKIE, ... or OPTnnn)",
			  n->kind == NODE_SCALAR ? n->str : "");
}

static bool read_options(const node_t *v, serve_match_t *m, diag_t *d)
{
	size_t n = v->kind == NODE_SEQ ? v->n : 1;
	if (n == 0 || n > SERVE_MAX_OPTIONS)
		return diag_error(d, v, "option: give 1 to %u option codes",
				  SERVE_MAX_OPTIONS);
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		const node_t *e = v->kind == NODE_SEQ ? v->vals[i] : v;
		ok = option_code(e, &m->options[i], d) && ok;
	}
	m->noptions = (unsigned)n;
	m->have |= SERVE_M_OPTION;
	return ok;
}

static bool read_count(const node_t *v, serve_match_t *m, diag_t *d)
{
	static const char *const keys[] = {"min", "max", NULL};
	unsigned long lo = 1, hi = ULONG_MAX;
	bool ok = true;
	if (v->kind == NODE_SCALAR) {
		ok = node_u32(v, ULONG_MAX, &hi, d);
	} else if (node_check_keys(v, "count", keys, d)) {
		const node_t *a = node_get(v, "min"), *b = node_get(v, "max");
		if (a != NULL)
			ok = node_u32(a, ULONG_MAX, &lo, d);
		if (b != NULL)
			ok = node_u32(b, ULONG_MAX, &hi, d) && ok;
	} else {
		return false;
	}
	if (ok && (lo == 0 || hi < lo))
		return diag_error(d, v,
				  "count: queries are counted from 1, and "
				  "max may not be below min");
	m->count_min = lo;
	m->count_max = hi;
	m->have |= SERVE_M_COUNT;
	return ok;
}

/* A number N, or {min: A, max: B} (A defaults to lo0, B to no limit),
 * into [*lo, *hi]; what names the key in errors. */
static bool read_range(const node_t *v, const char *what, unsigned long *lo,
		       unsigned long *hi, diag_t *d)
{
	static const char *const keys[] = {"min", "max", NULL};
	bool ok = true;
	*hi = ULONG_MAX;
	if (v->kind == NODE_SCALAR) {
		ok = node_u32(v, ULONG_MAX, hi, d);
		*lo = *hi;
		return ok;
	}
	if (!node_check_keys(v, what, keys, d))
		return false;
	const node_t *a = node_get(v, "min"), *b = node_get(v, "max");
	if (a != NULL)
		ok = node_u32(a, ULONG_MAX, lo, d);
	if (b != NULL)
		ok = node_u32(b, ULONG_MAX, hi, d) && ok;
	return ok;
}

/* step: N | {min: A, max: B} - steps are numbered from 1. */
static bool read_step(const node_t *v, serve_match_t *m, diag_t *d)
{
	unsigned long lo = 1, hi = ULONG_MAX;
	if (!read_range(v, "step", &lo, &hi, d))
		return false;
	if (lo == 0 || hi < lo)
		return diag_error(d, v,
				  "step: steps are numbered from 1 (their "
				  "place in steps:), and max may not be "
				  "below min");
	m->step_min = lo;
	m->step_max = hi;
	m->have |= SERVE_M_STEP;
	return true;
}

static bool read_cookie(const node_t *v, serve_match_t *m, diag_t *d)
{
	static const char *const kinds[] = {"absent", "client", "server", NULL};
	unsigned k = 0;
	if (!node_enum(v, kinds, &k, d))
		return false;
	m->cookie = (serve_cookie_t)k;
	m->have |= SERVE_M_COOKIE;
	return true;
}

/* address: A or A/LEN (IPv4 or IPv6) into e, bits past LEN cleared. */
static bool read_ecs_addr(const node_t *v, serve_ecs_match_t *e, diag_t *d)
{
	char buf[64];
	if (!scfg_text(v, "address", d))
		return false;
	const char *slash = strchr(v->str, '/');
	size_t alen = slash ? (size_t)(slash - v->str) : v->len;
	unsigned long plen = 0;
	char *end = NULL;
	if (alen >= sizeof(buf))
		return diag_error(d, v, "address: '%s' is too long", v->str);
	memcpy(buf, v->str, alen);
	buf[alen] = '\0';
	if (inet_pton(AF_INET, buf, e->addr) == 1)
		e->family = 1;
	else if (inet_pton(AF_INET6, buf, e->addr) == 1)
		e->family = 2;
	else
		return diag_error(d, v,
				  "address: '%s' is not an IPv4 or IPv6 "
				  "address (optionally /LEN)",
				  v->str);
	unsigned width = e->family == 1 ? 32 : 128;
	if (slash != NULL)
		plen = strtoul(slash + 1, &end, 10);
	if (slash != NULL &&
	    (!isdigit((unsigned char)slash[1]) || *end != '\0' || plen > width))
		return diag_error(
		    d, v, "address: prefix length 0 to %u after /", width);
	e->prefix = (uint8_t)(slash != NULL ? plen : width);
	for (unsigned b = e->prefix; b < 128; b++)
		e->addr[b / 8] &= (uint8_t) ~(0x80u >> (b % 8));
	return true;
}

/* A prefix length field of ecs: (at most the family's width). */
static bool read_ecs_len(const node_t *v, const char *what, unsigned width,
			 uint8_t *out, diag_t *d)
{
	unsigned long n = 0;
	if (v == NULL || !node_u32(v, 255, &n, d))
		return v == NULL;
	if (n > width)
		return diag_error(d, v, "%s: at most %u for this family", what,
				  width);
	*out = (uint8_t)n;
	return true;
}

/* ecs: true | false | {family, source_prefix, scope_prefix, address}. */
static bool read_ecs(const node_t *v, serve_match_t *m, diag_t *d)
{
	static const char *const keys[] = {"family", "source_prefix",
					   "scope_prefix", "address", NULL};
	serve_ecs_match_t *e = &m->ecs;
	unsigned long fam = 0;
	m->have |= SERVE_M_ECS;
	if (v->kind == NODE_SCALAR)
		return node_bool(v, &e->present, d);
	if (!node_check_keys(v, "ecs", keys, d))
		return false;
	e->present = true;
	const node_t *f = node_get(v, "family"), *a = node_get(v, "address");
	if (f != NULL && !node_u32(f, 2, &fam, d))
		return false;
	if (f != NULL && fam == 0)
		return diag_error(d, f, "family: 1 (IPv4) or 2 (IPv6)");
	if (a != NULL && !read_ecs_addr(a, e, d))
		return false;
	if (f != NULL && a != NULL && fam != e->family)
		return diag_error(d, a, "address: not of family %lu", fam);
	if (f != NULL)
		e->family = (uint16_t)fam;
	m->have |= e->family != 0 ? SERVE_M_ECS_FAMILY : 0;
	m->have |= a != NULL ? SERVE_M_ECS_ADDRESS : 0;
	unsigned width = e->family == 1 ? 32 : 128;
	const node_t *src = node_get(v, "source_prefix");
	const node_t *scope = node_get(v, "scope_prefix");
	bool ok = read_ecs_len(src, "source_prefix", width, &e->source, d);
	ok = read_ecs_len(scope, "scope_prefix", width, &e->scope, d) && ok;
	m->have |= src != NULL ? SERVE_M_ECS_SOURCE : 0;
	m->have |= scope != NULL ? SERVE_M_ECS_SCOPE : 0;
	return ok;
}

static bool read_bool_crit(const node_t *v, unsigned bit, bool *out,
			   serve_match_t *m, diag_t *d)
{
	if (!node_bool(v, out, d))
		return false;
	m->have |= bit;
	return true;
}

static bool read_names(const node_t *v, serve_match_t *m, diag_t *d)
{
	const node_t *e;
	bool ok = true;
	if ((e = node_get(v, "qname")) != NULL) {
		ok = scfg_name(e, "qname", &m->qname, d) && ok;
		m->have |= SERVE_M_QNAME;
	}
	if ((e = node_get(v, "qname_sub")) != NULL) {
		ok = scfg_name(e, "qname_sub", &m->qname_sub, d) && ok;
		m->have |= SERVE_M_QNAME_SUB;
	}
	if ((e = node_get(v, "qname_case")) != NULL) {
		ok = scfg_name(e, "qname_case", &m->qname_case, d) && ok;
		m->have |= SERVE_M_QNAME_CASE;
	}
	return ok;
}

static bool read_qtype_qclass(const node_t *v, serve_match_t *m, diag_t *d)
{
	const node_t *e;
	bool ok = true;
	if ((e = node_get(v, "qtype")) != NULL) {
		ok = read_code(e, "type", dns_type_from_text, &m->qtype, d);
		m->have |= SERVE_M_QTYPE;
	}
	if ((e = node_get(v, "qclass")) != NULL) {
		ok =
		    read_code(e, "class", dns_class_from_text, &m->qclass, d) &&
		    ok;
		m->have |= SERVE_M_QCLASS;
	}
	return ok;
}

static bool read_edns_crit(const node_t *v, serve_match_t *m, diag_t *d)
{
	const node_t *e;
	unsigned long n = 0;
	bool ok = true;
	if ((e = node_get(v, "do")) != NULL)
		ok = read_bool_crit(e, SERVE_M_DO, &m->do_bit, m, d);
	if ((e = node_get(v, "edns")) != NULL)
		ok = read_bool_crit(e, SERVE_M_EDNS, &m->edns, m, d) && ok;
	if ((e = node_get(v, "edns_version")) != NULL) {
		if (node_u32(e, 255, &n, d))
			m->edns_version = (uint8_t)n;
		else
			ok = false;
		m->have |= SERVE_M_EDNS_VERSION;
	}
	if ((e = node_get(v, "option")) != NULL)
		ok = read_options(e, m, d) && ok;
	if ((e = node_get(v, "cookie")) != NULL)
		ok = read_cookie(e, m, d) && ok;
	if ((e = node_get(v, "ecs")) != NULL)
		ok = read_ecs(e, m, d) && ok;
	return ok;
}

bool serve_match_read(const node_t *v, serve_match_t *m, diag_t *d)
{
	static const char *const transports[] = {"udp", "tcp", NULL};
	memset(m, 0, sizeof(*m));
	if (v == NULL)
		return true;
	if (!node_check_keys(v, "match", match_keys, d))
		return false;
	const node_t *e;
	unsigned t = 0;
	bool ok = read_names(v, m, d);
	ok = read_qtype_qclass(v, m, d) && ok;
	ok = read_edns_crit(v, m, d) && ok;
	if ((e = node_get(v, "opcode")) != NULL)
		ok = read_opcode(e, m, d) && ok;
	if ((e = node_get(v, "flags")) != NULL)
		ok = read_flags(e, m, d) && ok;
	if ((e = node_get(v, "transport")) != NULL) {
		ok = node_enum(e, transports, &t, d) && ok;
		m->tcp = t == 1;
		m->have |= SERVE_M_TRANSPORT;
	}
	if ((e = node_get(v, "count")) != NULL)
		ok = read_count(e, m, d) && ok;
	if ((e = node_get(v, "step")) != NULL)
		ok = read_step(e, m, d) && ok;
	return ok;
}

/* ---- hex and wire: ------------------------------------------------------ */

static bool read_edits(const node_t *v, serve_act_t *a, dns_arena_t *arena,
		       diag_t *d)
{
	if (!node_expect_kind(v, NODE_SEQ, "wire", d))
		return false;
	if (v->n > SERVE_MAX_EDITS)
		return diag_error(d, v, "more than %u wire edits",
				  SERVE_MAX_EDITS);
	a->edits = dns_arena_alloc(arena, (v->n + 1) * sizeof(*a->edits));
	if (a->edits == NULL)
		return diag_error(d, v, "out of memory");
	bool ok = true;
	for (size_t i = 0; i < v->n; i++)
		ok = sc_edit_parse(v->vals[i], arena, &a->edits[i], d) && ok;
	a->nedits = v->n;
	return ok;
}

/* ---- reply: and hex: ---------------------------------------------------- */

static node_t *scalar(dns_arena_t *arena, const node_t *at, const char *s,
		      bool quoted)
{
	return node_new_scalar(arena, at, s, strlen(s), quoted);
}

static bool add_pair(node_t *m, dns_arena_t *arena, const char *key,
		     const char *val, bool quoted)
{
	node_t *k = scalar(arena, m, key, false);
	node_t *v = scalar(arena, m, val, quoted);
	if (k == NULL || v == NULL)
		return false;
	m->keys[m->n] = k;
	m->vals[m->n++] = v;
	return true;
}

node_t *scfg_reply_node(const node_t *r, const serve_qview_t *v,
			dns_arena_t *arena)
{
	node_t *m = dns_arena_dup(arena, r, sizeof(*r));
	if (m == NULL)
		return NULL;
	m->keys = dns_arena_alloc(arena, (r->n + 3) * sizeof(node_t *));
	m->vals = dns_arena_alloc(arena, (r->n + 3) * sizeof(node_t *));
	if (m->keys == NULL || m->vals == NULL)
		return NULL;
	if (r->n > 0) {
		memcpy(m->keys, r->keys, r->n * sizeof(node_t *));
		memcpy(m->vals, r->vals, r->n * sizeof(node_t *));
	}
	if (v == NULL || !v->has_question)
		return add_pair(m, arena, "no_question", "true", false) ? m
									: NULL;
	char name[DNS_NAME_TEXT_MAX + 1], num[16];
	dns_name_to_text(&v->qname, name, sizeof(name));
	if (!add_pair(m, arena, "name", name, true))
		return NULL;
	snprintf(num, sizeof(num), "%u", v->qtype);
	if (!add_pair(m, arena, "type", num, false))
		return NULL;
	snprintf(num, sizeof(num), "%u", v->qclass);
	return add_pair(m, arena, "class", num, false) ? m : NULL;
}

static bool reply_keys_ok(const node_t *r, diag_t *d)
{
	static const struct {
		const char *key, *hint;
	} banned[] = {
	    {"hex", "give hex: beside match:, not inside reply:"},
	    {"wire", "give wire: beside match: (it applies to every message "
		     "of the rule)"},
	    {"tcp", "tcp: is for queries"},
	};
	bool ok = node_expect_kind(r, NODE_MAP, "a reply", d);
	for (size_t i = 0; ok && i < sizeof(banned) / sizeof(banned[0]); i++) {
		const node_t *k = node_key(r, banned[i].key);
		if (k != NULL)
			ok = diag_error(d, k,
					"reply: '%s' is not allowed "
					"here: %s",
					banned[i].key, banned[i].hint);
	}
	const node_t *id = node_get(r, "id");
	if (ok && id != NULL && id->kind == NODE_SCALAR &&
	    strcasecmp(id->str, "random") == 0)
		ok = diag_error(d, id,
				"reply: id: random is not supported: leave "
				"id: out to copy the query's ID, or use "
				"wrong_id: true");
	return ok;
}

static bool has_question(const node_t *r)
{
	static const char *const keys[] = {"name", "type", "class", "question",
					   "no_question"};
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (node_get(r, keys[i]) != NULL)
			return true;
	return false;
}

static bool read_reply_msg(const node_t *r, serve_msg_t *m, dns_arena_t *arena,
			   diag_t *d)
{
	memset(m, 0, sizeof(*m));
	if (!reply_keys_ok(r, d))
		return false;
	const node_t *flags = node_get(r, "flags");
	m->node = r;
	m->copy_id = node_get(r, "id") == NULL;
	m->set_qr = node_get(flags, "qr") == NULL;
	m->copy_rd = node_get(flags, "rd") == NULL;
	m->copy_opcode = node_get(r, "opcode") == NULL;
	m->fixed = has_question(r);
	/* a root A IN question stands in for the query's, to check the
	 * reply once now */
	serve_qview_t v = {.has_question = true, .qtype = 1, .qclass = 1};
	dns_name_root(&v.qname);
	const node_t *q = m->fixed ? r : scfg_reply_node(r, &v, arena);
	sc_query_t out;
	if (q == NULL)
		return diag_error(d, r, "out of memory");
	if (!sc_query_build(q, arena, &out, d))
		return false;
	m->bytes = out.wire;
	m->len = out.len;
	return true;
}

static bool read_hex_msg(const node_t *h, bool keep_id, serve_msg_t *m,
			 dns_arena_t *arena, diag_t *d)
{
	memset(m, 0, sizeof(*m));
	m->bytes = sc_hex_bytes(h, "hex", DNS_MSG_MAXLEN, arena, &m->len, d);
	m->copy_id = !keep_id;
	m->fixed = true;
	return m->bytes != NULL;
}

/* reply: or hex: - one message, or a sequence of them. */
static bool read_msgs(const node_t *v, serve_act_t *a, bool keep_id,
		      dns_arena_t *arena, diag_t *d)
{
	size_t n = v->kind == NODE_SEQ ? v->n : 1;
	if (n == 0 || n > SERVE_MAX_MSGS)
		return diag_error(d, v, "give 1 to %u messages",
				  SERVE_MAX_MSGS);
	a->msgs = dns_arena_alloc(arena, n * sizeof(*a->msgs));
	if (a->msgs == NULL)
		return diag_error(d, v, "out of memory");
	bool ok = true;
	for (size_t i = 0; i < n; i++) {
		const node_t *e = v->kind == NODE_SEQ ? v->vals[i] : v;
		if (a->src == SERVE_SRC_HEX)
			ok = read_hex_msg(e, keep_id, &a->msgs[i], arena, d) &&
			     ok;
		else
			ok = read_reply_msg(e, &a->msgs[i], arena, d) && ok;
	}
	a->nmsgs = n;
	return ok;
}

/* ---- the action --------------------------------------------------------- */

static bool opt_bool(const node_t *rule, const char *key, bool *out, diag_t *d)
{
	const node_t *v = node_get(rule, key);
	*out = false;
	return v == NULL || node_bool(v, out, d);
}

/* Which of reply:, hex:, drop: true, tc: true gives the answer. */
static bool read_source(const node_t *rule, serve_act_t *a, diag_t *d)
{
	bool drop = false, tc = false, ok;
	ok = opt_bool(rule, "drop", &drop, d);
	ok = opt_bool(rule, "tc", &tc, d) && ok;
	unsigned n = 0;
	a->src = SERVE_SRC_ZONE;
	if (node_get(rule, "reply") != NULL)
		n++, a->src = SERVE_SRC_REPLY;
	if (node_get(rule, "hex") != NULL)
		n++, a->src = SERVE_SRC_HEX;
	if (drop)
		n++, a->src = SERVE_SRC_DROP;
	if (tc)
		n++, a->src = SERVE_SRC_TC;
	if (ok && n > 1)
		return diag_error(d, rule,
				  "a rule answers with one of reply:, hex:, "
				  "drop: true and tc: true");
	return ok;
}

static bool read_from(const node_t *rule, serve_act_t *a, diag_t *d)
{
	const node_t *p = node_get(rule, "from_port");
	const node_t *ad = node_get(rule, "from_address");
	unsigned long port = 0;
	bool ok = true;
	if (p != NULL && p->kind == NODE_SCALAR && strcmp(p->str, "other") == 0)
		a->other_port = true;
	else if (p != NULL && !starts_digit(p))
		ok = diag_error(d, p, "from_port: other, or a port 1 to 65535");
	else if (p != NULL && !node_u32(p, 65535, &port, d))
		ok = false;
	else if (p != NULL && port == 0)
		ok = diag_error(d, p, "from_port: 0 is not a port");
	else if (p != NULL)
		a->from_port = (uint16_t)port;
	if (ad == NULL)
		return ok;
	struct sockaddr_in *sin = (struct sockaddr_in *)&a->from_addr;
	memset(&a->from_addr, 0, sizeof(a->from_addr));
	if (ad->kind != NODE_SCALAR ||
	    inet_pton(AF_INET, ad->str, &sin->sin_addr) != 1 ||
	    (ntohl(sin->sin_addr.s_addr) >> 24) != 127)
		return diag_error(d, ad,
				  "from_address: an address in 127.0.0.0/8");
	sin->sin_family = AF_INET;
	a->has_from_addr = true;
	return ok;
}

static bool read_modifiers(const node_t *rule, serve_act_t *a, diag_t *d)
{
	const node_t *v;
	unsigned long n = 0;
	bool ok = opt_bool(rule, "close", &a->close, d);
	ok = opt_bool(rule, "reset", &a->reset, d) && ok;
	ok = opt_bool(rule, "wrong_id", &a->wrong_id, d) && ok;
	if ((v = node_get(rule, "delay")) != NULL)
		ok = node_ms(v, &a->delay_ms, d) && ok;
	if ((v = node_get(rule, "drip")) != NULL && !node_ms(v, &a->drip_ms, d))
		ok = false;
	else if (v != NULL && a->drip_ms == 0)
		ok = diag_error(d, v,
				"drip: wants a pause of at least 1ms between "
				"bytes");
	if ((v = node_get(rule, "duplicate")) != NULL) {
		ok = node_u32(v, SERVE_MAX_DUPLICATE, &n, d) && ok;
		a->duplicate = (unsigned)n;
	}
	ok = read_from(rule, a, d) && ok;
	if (a->close && a->reset)
		ok = diag_error(d, node_key(rule, "reset"),
				"close: and reset: cannot both be true");
	return ok;
}

/* With drop: true only delay:, close: and reset: mean something. */
static bool check_drop(const node_t *rule, const serve_act_t *a, diag_t *d)
{
	static const char *const useless[] = {
	    "wrong_id", "duplicate", "from_port", "from_address",
	    "wire",	"keep_id",   "drip"};
	if (a->src != SERVE_SRC_DROP)
		return true;
	for (size_t i = 0; i < sizeof(useless) / sizeof(useless[0]); i++)
		if (node_key(rule, useless[i]) != NULL)
			return diag_error(d, node_key(rule, useless[i]),
					  "'%s' has no effect with drop: true "
					  "(nothing is sent)",
					  useless[i]);
	return true;
}

static bool read_action(const node_t *rule, serve_act_t *a, dns_arena_t *arena,
			diag_t *d)
{
	bool keep_id = false;
	const node_t *v;
	memset(a, 0, sizeof(*a));
	bool ok = read_source(rule, a, d);
	ok = opt_bool(rule, "keep_id", &keep_id, d) && ok;
	if (node_key(rule, "keep_id") != NULL && a->src != SERVE_SRC_HEX)
		ok = diag_error(d, node_key(rule, "keep_id"),
				"keep_id: goes with hex: (a reply: keeps "
				"the id: it gives)");
	if (ok && a->src == SERVE_SRC_REPLY)
		ok = read_msgs(node_get(rule, "reply"), a, false, arena, d);
	if (ok && a->src == SERVE_SRC_HEX)
		ok = read_msgs(node_get(rule, "hex"), a, keep_id, arena, d);
	ok = read_modifiers(rule, a, d) && ok;
	if ((v = node_get(rule, "wire")) != NULL)
		ok = read_edits(v, a, arena, d) && ok;
	return ok && check_drop(rule, a, d);
}

static bool read_rule(const node_t *v, serve_rule_t *r, dns_arena_t *arena,
		      diag_t *d)
{
	memset(r, 0, sizeof(*r));
	r->node = v;
	if (!node_check_keys(v, "a rule", rule_keys, d))
		return false;
	const node_t *name = node_get(v, "name");
	bool ok = true;
	if (name != NULL && scfg_text(name, "name", d))
		r->name = name->str;
	else if (name != NULL)
		ok = false;
	ok = serve_match_read(node_get(v, "match"), &r->match, d) && ok;
	return read_action(v, &r->action, arena, d) && ok;
}

bool scfg_rules(const node_t *v, serve_server_t *s, dns_arena_t *arena,
		diag_t *d)
{
	if (v == NULL)
		return true;
	if (!node_expect_kind(v, NODE_SEQ, "rules", d))
		return false;
	if (v->n > SERVE_MAX_RULES)
		return diag_error(d, v, "more than %u rules", SERVE_MAX_RULES);
	s->rules = dns_arena_alloc(arena, (v->n + 1) * sizeof(*s->rules));
	if (s->rules == NULL)
		return diag_error(d, v, "out of memory");
	bool ok = true;
	for (size_t i = 0; i < v->n; i++)
		ok = read_rule(v->vals[i], &s->rules[i], arena, d) && ok;
	s->nrules = v->n;
	return ok;
}
