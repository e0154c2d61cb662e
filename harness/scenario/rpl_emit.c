/* rpl_emit.c - write a parsed .rpl model (rpl.h) as a role: resolver suite.
 *
 * Mapping (scenarios/README.md, Importing .rpl scenarios): each distinct
 * IPv4 ADDRESS becomes a server on 127.54.x.y with, as rules in file
 * order, the entries of every RANGE that names it or names no address;
 * MATCH becomes the rule's match:, REPLY and SECTION its reply:,
 * HEX_ANSWER/RAW its hex:, ADJUST sleep=N delay:, do_not_answer drop:.
 * STEP QUERY (+ the CHECK_ANSWER after it) becomes a query step with
 * expect:, CHECK_OUT_QUERY an upstream step, TIME_PASSES ELAPSE a
 * time_passes step. A RANGE that does not span every step gets match:
 * step: {min, max}, the places in steps: of the YAML steps whose first
 * .rpl STEP number lies within it. A records holding an ADDRESS are
 * rewritten to its loopback address everywhere. The rest is a note.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/arena.h"
#include "dns/edns.h"
#include "dns/msg.h"
#include "scenario/rpl.h"
#include "serve/config.h"

typedef struct out {
	char *b;
	size_t n, cap;
	bool oom;
	size_t nskipped;
	const rpl_model_t *m;
	uint32_t *srv; /* server addresses: m->addrs, then stub_addr */
	size_t nsrv;
	bool *entry_done; /* the entry's notes are written */
	bool *range_done;
	unsigned long step_lo, step_hi; /* step numbers of the scenario */
	unsigned long *ystep; /* per YAML step: its first .rpl STEP number */
	size_t nystep;
	size_t nrules; /* rules written */
	bool capped;   /* RPL_MAX_RULES reached */
} out_t;

static void put(out_t *o, const char *s, size_t n)
{
	if (o->oom)
		return;
	if (o->n + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 4096;
		while (o->n + n + 1 > cap)
			cap *= 2;
		char *b = realloc(o->b, cap);
		if (b == NULL) {
			o->oom = true;
			return;
		}
		o->b = b;
		o->cap = cap;
	}
	memcpy(o->b + o->n, s, n);
	o->n += n;
	o->b[o->n] = '\0';
}

static void puts_(out_t *o, const char *s)
{
	put(o, s, strlen(s));
}

__attribute__((format(printf, 2, 3))) static void pf(out_t *o, const char *fmt,
						     ...)
{
	char buf[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(buf)) {
		put(o, buf, (size_t)n);
		return;
	}
	char *big = malloc((size_t)n + 1);
	if (big == NULL) {
		o->oom = true;
		return;
	}
	va_start(ap, fmt);
	vsnprintf(big, (size_t)n + 1, fmt, ap);
	va_end(ap);
	put(o, big, (size_t)n);
	free(big);
}

/* A single-quoted YAML scalar (the text is printable ASCII); with vars,
 * each "${" is written "$${", which the loader's variable substitution
 * turns back into "${". */
static void quoted(out_t *o, const char *s, bool vars)
{
	put(o, "'", 1);
	for (const char *p = s; *p; p++) {
		if (*p == '\'')
			put(o, "''", 2);
		else if (vars && p[0] == '$' && p[1] == '{')
			put(o, "$$", 2);
		else
			put(o, p, 1);
	}
	put(o, "'", 1);
}

/* A scalar the loader substitutes ${vars} in. */
static void q(out_t *o, const char *s)
{
	quoted(o, s, true);
}

static void indent(out_t *o, int n)
{
	static const char sp[] = "                                ";
	put(o, sp, (size_t)n < sizeof(sp) - 1 ? (size_t)n : sizeof(sp) - 1);
}

/* "# import-rpl: not converted: WHAT (line N)", counted. */
static void skipped(out_t *o, int ind, const char *what, unsigned line)
{
	indent(o, ind);
	pf(o, "# import-rpl: not converted: %s (line %u)\n", what, line);
	o->nskipped++;
}

static void notes_of(out_t *o, int ind, rpl_owner_t owner, size_t idx)
{
	const rpl_model_t *m = o->m;
	for (size_t i = 0; i < m->nnotes; i++)
		if (m->notes[i].owner == owner && m->notes[i].idx == idx)
			skipped(o, ind, m->notes[i].what, m->notes[i].line);
}

/* ---- addresses ---------------------------------------------------------- */

static size_t srv_index(const out_t *o, uint32_t a)
{
	for (size_t i = 0; i < o->nsrv; i++)
		if (o->srv[i] == a)
			return i;
	return SIZE_MAX;
}

static uint32_t mapped(size_t i)
{
	return 127u << 24 | 54u << 16 | (uint32_t)(i / 254) << 8 |
	       (uint32_t)(i % 254 + 1);
}

static void addr_text(uint32_t a, char buf[16])
{
	snprintf(buf, 16, "%u.%u.%u.%u", a >> 24, a >> 16 & 255, a >> 8 & 255,
		 a & 255);
}

uint32_t rpl_map_addr(const rpl_model_t *m, uint32_t addr)
{
	for (size_t i = 0; i < m->naddrs; i++)
		if (m->addrs[i] == addr)
			return mapped(i);
	if (m->stub_addr != 0 && addr == m->stub_addr)
		return mapped(m->naddrs);
	return addr;
}

static void server_name(const out_t *o, size_t i, char buf[24])
{
	if (o->srv[i] == 0) {
		strcpy(buf, "any");
		return;
	}
	char a[16];
	addr_text(o->srv[i], a);
	snprintf(buf, 24, "ns-%s", a);
}

/* ---- records and messages ----------------------------------------------- */

/* "owner ttl class type rdata"; ttl NULL: the record's own. */
static void rr_text(out_t *o, const rpl_rr_t *rr, const char *ttl)
{
	char t[16], a[16];
	const char *rdata = rr->rdata;
	if (rr->is_a && srv_index(o, rr->a) != SIZE_MAX) {
		addr_text(mapped(srv_index(o, rr->a)), a);
		rdata = a;
	}
	if (ttl == NULL) {
		snprintf(t, sizeof(t), "%u", rr->ttl);
		ttl = t;
	}
	size_t n = strlen(rr->owner) + strlen(ttl) + strlen(rr->rclass) +
		   strlen(rr->type) + strlen(rdata) + 8;
	char *s = malloc(n);
	if (s == NULL) {
		o->oom = true;
		return;
	}
	snprintf(s, n, "%s %s %s %s %s", rr->owner, ttl, rr->rclass, rr->type,
		 rdata);
	q(o, s);
	free(s);
}

static const char *const sec_key[4] = {"question", "answer", "authority",
				       "additional"};

static void section_list(out_t *o, int ind, const rpl_packet_t *p, int sec,
			 const char *ttl)
{
	indent(o, ind);
	pf(o, "%s:\n", sec_key[sec]);
	for (size_t i = 0; i < p->nrr[sec]; i++) {
		indent(o, ind + 2);
		puts_(o, "- ");
		rr_text(o, &p->rr[sec][i], ttl);
		puts_(o, "\n");
	}
}

static const struct {
	const char *name;
	uint16_t bit;
} flags[] = {
    {"qr", DNS_F_QR}, {"aa", DNS_F_AA}, {"tc", DNS_F_TC}, {"rd", DNS_F_RD},
    {"ra", DNS_F_RA}, {"z", DNS_F_Z},	{"ad", DNS_F_AD}, {"cd", DNS_F_CD},
};

/* flags: {qr: .., rd: .., <others set>: true} - qr and rd always said,
 * so neither is taken from the query. */
static void flag_map(out_t *o, uint16_t f, bool qr_rd)
{
	bool first = true;
	puts_(o, "{");
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		bool set = (f & flags[i].bit) != 0;
		bool say = set ||
			   (qr_rd && (flags[i].bit == DNS_F_QR ||
				      flags[i].bit == DNS_F_RD)) ||
			   (!qr_rd && flags[i].bit == DNS_F_RD);
		if (!say)
			continue;
		pf(o, "%s%s: %s", first ? "" : ", ", flags[i].name,
		   set ? "true" : "false");
		first = false;
	}
	puts_(o, "}");
}

/* has: [set ones], lacks: [the others] */
static void flag_has_lacks(out_t *o, uint16_t f)
{
	for (int pass = 0; pass < 2; pass++) {
		bool first = true;
		puts_(o, pass ? ", lacks: [" : "{has: [");
		for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
			if (((f & flags[i].bit) != 0) == (pass == 0)) {
				pf(o, "%s%s", first ? "" : ", ", flags[i].name);
				first = false;
			}
		puts_(o, "]");
	}
	puts_(o, "}");
}

static void flag_exact(out_t *o, uint16_t f)
{
	bool first = true;
	puts_(o, "{exact: [");
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (f & flags[i].bit) {
			pf(o, "%s%s", first ? "" : ", ", flags[i].name);
			first = false;
		}
	puts_(o, "]}");
}

static void question_keys(out_t *o, int ind, const rpl_packet_t *p)
{
	const rpl_rr_t *qr = p->rr[RPL_QUESTION];
	if (p->nrr[RPL_QUESTION] == 0) {
		indent(o, ind);
		puts_(o, "no_question: true\n");
		return;
	}
	if (p->nrr[RPL_QUESTION] == 1) {
		indent(o, ind);
		puts_(o, "name: ");
		q(o, qr->owner);
		pf(o, "\n%*stype: %s\n%*sclass: %s\n", ind, "", qr->type, ind,
		   "", qr->rclass);
		return;
	}
	indent(o, ind);
	puts_(o, "question:\n");
	for (size_t i = 0; i < p->nrr[RPL_QUESTION]; i++) {
		indent(o, ind + 2);
		puts_(o, "- {name: ");
		q(o, qr[i].owner);
		pf(o, ", type: %s, class: %s}\n", qr[i].type, qr[i].rclass);
	}
}

static void hex_text(out_t *o, const rpl_packet_t *p)
{
	static const char d[] = "0123456789abcdef";
	put(o, "'", 1);
	for (size_t i = 0; i < p->hexlen; i++) {
		char b[2] = {d[p->hex[i] >> 4], d[p->hex[i] & 15]};
		put(o, b, 2);
	}
	put(o, "'", 1);
}

/* The keys of one message (reply: or query:), at indent ind. */
static void message(out_t *o, int ind, const rpl_packet_t *p, bool question,
		    bool qr_rd, unsigned line)
{
	char b[16];
	indent(o, ind);
	puts_(o, "flags: ");
	flag_map(o, p->flags, qr_rd);
	puts_(o, "\n");
	if (p->opcode >= 0)
		pf(o, "%*sopcode: %s\n", ind, "",
		   dns_opcode_to_text((uint8_t)p->opcode, b));
	if (p->rcode > 15)
		skipped(o, ind, "REPLY rcode above 15 (set in OPT)", line);
	else if (p->rcode >= 0)
		pf(o, "%*srcode: %s\n", ind, "",
		   dns_rcode_to_text((uint16_t)p->rcode, b));
	if (question)
		question_keys(o, ind, p);
	for (int s = RPL_ANSWER; s <= RPL_ADDITIONAL; s++)
		if (p->nrr[s] > 0)
			section_list(o, ind, p, s, NULL);
	if (p->do_bit)
		pf(o, "%*sedns: {do: true, payload: 4096}\n", ind, "");
}

/* ---- server rules ------------------------------------------------------- */

static bool has(const rpl_entry_t *e, uint32_t bits)
{
	return (e->match & bits) != 0;
}

static void kv_sep(out_t *o, bool *first)
{
	puts_(o, *first ? "" : ", ");
	*first = false;
}

/* The criteria of an entry, as a flow mapping's contents. */
static void criteria(out_t *o, const rpl_entry_t *e, bool upstream)
{
	const rpl_packet_t *p = &e->pkt[0];
	const rpl_rr_t *qr = p->nrr[RPL_QUESTION] ? p->rr[RPL_QUESTION] : NULL;
	bool first = true;
	char b[16];
	if (has(e, RPL_M_OPCODE)) {
		kv_sep(o, &first);
		pf(o, "opcode: %s",
		   dns_opcode_to_text((uint8_t)(p->opcode < 0 ? 0 : p->opcode),
				      b));
	}
	if (qr != NULL && has(e, RPL_M_SUBDOMAIN)) {
		kv_sep(o, &first);
		puts_(o, "qname_sub: ");
		q(o, qr->owner);
	} else if (qr != NULL && has(e, RPL_M_QCASE)) {
		kv_sep(o, &first);
		puts_(o, "qname_case: ");
		q(o, qr->owner);
	} else if (qr != NULL &&
		   has(e, RPL_M_QNAME | RPL_M_QUESTION | RPL_M_ALL)) {
		kv_sep(o, &first);
		puts_(o, "qname: ");
		q(o, qr->owner);
	}
	if (qr != NULL && has(e, RPL_M_QTYPE | RPL_M_QUESTION | RPL_M_ALL)) {
		kv_sep(o, &first);
		pf(o, "qtype: %s", qr->type);
	}
	if (qr != NULL && has(e, RPL_M_QUESTION | RPL_M_ALL)) {
		kv_sep(o, &first);
		pf(o, "qclass: %s", qr->rclass);
	}
	if (has(e, RPL_M_TCP) != has(e, RPL_M_UDP)) {
		kv_sep(o, &first);
		pf(o, "transport: %s", has(e, RPL_M_TCP) ? "tcp" : "udp");
	}
	if (has(e, RPL_M_DO)) {
		kv_sep(o, &first);
		puts_(o, "do: true");
	}
	if (has(e, RPL_M_NOEDNS)) {
		kv_sep(o, &first);
		puts_(o, "edns: false");
	}
	if (has(e, RPL_M_FLAGS | RPL_M_ALL)) {
		kv_sep(o, &first);
		puts_(o, "flags: ");
		flag_has_lacks(o, p->flags);
	}
	if (upstream && first)
		puts_(o, "server: any");
}

/* MATCH keywords an incoming query cannot be matched on here. */
static void criteria_notes(out_t *o, int ind, const rpl_entry_t *e)
{
	static const struct {
		uint32_t bit;
		const char *what;
	} no[] = {
	    {RPL_M_ALL, "MATCH all (only opcode, question and flags compared)"},
	    {RPL_M_RCODE, "MATCH rcode"},
	    {RPL_M_ANSWER, "MATCH answer"},
	    {RPL_M_AUTHORITY, "MATCH authority"},
	    {RPL_M_ADDITIONAL, "MATCH additional"},
	    {RPL_M_TTL, "MATCH ttl"},
	};
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (has(e, no[i].bit))
			skipped(o, ind, no[i].what, e->line);
	if (e->pkt[0].nrr[RPL_QUESTION] == 0 &&
	    has(e, RPL_M_QNAME | RPL_M_QTYPE | RPL_M_QUESTION |
		       RPL_M_SUBDOMAIN | RPL_M_QCASE))
		skipped(o, ind, "MATCH on the question of an entry without one",
			e->line);
}

/* reply: omits the question when it is the query's own (matched on name
 * and type, or copy_query). */
static bool explicit_question(const rpl_entry_t *e, size_t k)
{
	if (e->adjust & RPL_A_COPY_QUERY)
		return false;
	return !(
	    k == 0 && e->pkt[0].nrr[RPL_QUESTION] == 1 &&
	    has(e, RPL_M_QNAME | RPL_M_QUESTION | RPL_M_ALL | RPL_M_QCASE) &&
	    has(e, RPL_M_QTYPE | RPL_M_QUESTION | RPL_M_ALL));
}

static void rule_hex(out_t *o, const rpl_entry_t *e)
{
	indent(o, 8);
	puts_(o, "hex: ");
	if (e->npkt == 1) {
		hex_text(o, &e->pkt[0]);
	} else {
		puts_(o, "[");
		for (size_t k = 0; k < e->npkt; k++) {
			puts_(o, k ? ", " : "");
			hex_text(o, &e->pkt[k]);
		}
		puts_(o, "]");
	}
	puts_(o, "\n");
	if (!(e->adjust & (RPL_A_COPY_ID | RPL_A_RAW_ID)))
		puts_(o, "        keep_id: true\n");
}

static void rule_reply(out_t *o, const rpl_entry_t *e)
{
	indent(o, 8);
	puts_(o, "reply:\n");
	for (size_t k = 0; k < e->npkt; k++) {
		int ind = e->npkt == 1 ? 10 : 12;
		if (e->npkt > 1) {
			indent(o, 10);
			puts_(o, "-\n");
		}
		message(o, ind, &e->pkt[k], explicit_question(e, k), true,
			e->line);
	}
}

static void rule_action(out_t *o, const rpl_entry_t *e)
{
	size_t nhex = 0;
	for (size_t k = 0; k < e->npkt; k++)
		nhex += e->pkt[k].has_hex;
	if (e->adjust & RPL_A_DO_NOT_ANSWER)
		puts_(o, "        drop: true\n");
	else if (nhex == e->npkt)
		rule_hex(o, e);
	else if (nhex > 0)
		skipped(o, 8,
			"an entry mixing HEX_ANSWER/RAW and SECTION packets",
			e->line);
	else
		rule_reply(o, e);
	if ((e->adjust & RPL_A_SLEEP) && e->sleep_s > 0)
		pf(o, "        delay: %lus\n", e->sleep_s);
}

/* The YAML steps [*lo, *hi] (from 1) that range g spans: 1 when it
 * spans only some of them, 0 when all (or there are none: no step:
 * needed), -1 when none of them. */
static int range_steps(const out_t *o, const rpl_range_t *g, unsigned long *lo,
		       unsigned long *hi)
{
	size_t first = SIZE_MAX, last = 0;
	for (size_t k = 0; k < o->nystep; k++) {
		if (o->ystep[k] < g->from || o->ystep[k] > g->to)
			continue;
		if (first == SIZE_MAX)
			first = k;
		last = k;
	}
	if (o->nystep == 0)
		return 0;
	if (first == SIZE_MAX)
		return -1;
	*lo = first + 1;
	*hi = last + 1;
	return first == 0 && last + 1 == o->nystep ? 0 : 1;
}

/* The step: criterion of range g's rules, after the other criteria. */
static void step_crit(out_t *o, const rpl_range_t *g, bool first)
{
	unsigned long lo = 0, hi = 0;
	if (range_steps(o, g, &lo, &hi) != 1)
		return;
	puts_(o, first ? "" : ", ");
	if (lo == hi)
		pf(o, "step: %lu", lo);
	else
		pf(o, "step: {min: %lu, max: %lu}", lo, hi);
}

static void rule(out_t *o, size_t ei, const rpl_range_t *g)
{
	const rpl_entry_t *e = &o->m->entries[ei];
	if (!o->entry_done[ei]) {
		notes_of(o, 6, RPL_OWN_ENTRY, ei);
		criteria_notes(o, 6, e);
	}
	o->entry_done[ei] = true;
	pf(o, "      - name: line-%u\n", e->line);
	out_t probe = {0};
	probe.m = o->m;
	criteria(&probe, e, false); /* only to see whether it is empty */
	step_crit(&probe, g, probe.n == 0);
	if (probe.n > 0) {
		puts_(o, "        match: {");
		criteria(o, e, false);
		step_crit(o, g, o->b[o->n - 1] == '{');
		puts_(o, "}\n");
	}
	free(probe.b);
	rule_action(o, e);
}

/* Whether server address a gets the range's entries (0: the one server
 * of a file without IPv4 addresses). */
static bool range_has(const rpl_range_t *g, uint32_t a)
{
	if (g->naddr == 0)
		return !g->v6;
	for (size_t i = 0; i < g->naddr; i++)
		if (g->addr[i] == a)
			return true;
	return false;
}

static void range_notes(out_t *o, int ind, size_t gi)
{
	const rpl_range_t *g = &o->m->ranges[gi];
	if (o->range_done[gi])
		return;
	o->range_done[gi] = true;
	notes_of(o, ind, RPL_OWN_RANGE, gi);
	unsigned long lo = 0, hi = 0;
	char w[112];
	int span = range_steps(o, g, &lo, &hi);
	if (span < 0) {
		snprintf(w, sizeof(w),
			 "RANGE_BEGIN %lu %lu: no converted step in it (its "
			 "%zu entries would never apply)",
			 g->from, g->to, g->n);
		skipped(o, ind, w, g->line);
	} else if (o->nystep == 0 && o->m->nsteps > 0 &&
		   (g->from > o->step_lo || g->to < o->step_hi)) {
		snprintf(w, sizeof(w),
			 "RANGE_BEGIN %lu %lu step limits (no steps: here, "
			 "its rules apply always)",
			 g->from, g->to);
		skipped(o, ind, w, g->line);
	}
}

/* A server has at most SERVE_MAX_RULES rules, the file RPL_MAX_RULES. */
static void rules_cap(out_t *o, const rpl_range_t *g, bool per_server)
{
	char w[80];
	if (!per_server && o->capped)
		return;
	snprintf(w, sizeof(w), "the rules past the first %u%s",
		 per_server ? SERVE_MAX_RULES : RPL_MAX_RULES,
		 per_server ? " of this server" : " of the file");
	skipped(o, 6, w, g->line);
	o->capped = o->capped || !per_server;
}

static void server(out_t *o, size_t si)
{
	const rpl_model_t *m = o->m;
	char name[24], a[16];
	server_name(o, si, name);
	addr_text(mapped(si), a);
	pf(o, "  - name: %s\n", name);
	if (o->srv[si] != 0) {
		char orig[16];
		addr_text(o->srv[si], orig);
		pf(o, "    about: ADDRESS %s of the .rpl\n", orig);
	}
	pf(o, "    addresses: [%s]\n", a);
	bool any = false, full = false;
	size_t nr = 0; /* rules of this server */
	for (size_t gi = 0; gi < m->nranges; gi++) {
		const rpl_range_t *g = &m->ranges[gi];
		unsigned long lo, hi;
		if (!range_has(g, o->srv[si]))
			continue;
		range_notes(o, 6, gi);
		if (range_steps(o, g, &lo, &hi) < 0)
			continue; /* its entries get their notes at the end */
		for (size_t k = 0; k < g->n && !full; k++) {
			if (nr == SERVE_MAX_RULES ||
			    o->nrules == RPL_MAX_RULES) {
				rules_cap(o, g, nr == SERVE_MAX_RULES);
				full = true;
				break;
			}
			if (!any)
				puts_(o, "    rules:\n");
			any = true;
			nr++;
			o->nrules++;
			rule(o, g->first + k, g);
		}
	}
}

static void entry_notes(out_t *o, int ind, size_t ei);

/* Ranges that no server got (only IPv6 addresses). */
static void lost_ranges(out_t *o)
{
	const rpl_model_t *m = o->m;
	for (size_t gi = 0; gi < m->nranges; gi++) {
		if (o->range_done[gi])
			continue;
		range_notes(o, 2, gi);
		char w[96];
		snprintf(w, sizeof(w),
			 "RANGE_BEGIN %lu %lu without an IPv4 ADDRESS (%zu "
			 "entries)",
			 m->ranges[gi].from, m->ranges[gi].to, m->ranges[gi].n);
		skipped(o, 2, w, m->ranges[gi].line);
		for (size_t k = 0; k < m->ranges[gi].n; k++)
			entry_notes(o, 2, m->ranges[gi].first + k);
	}
}

/* ---- steps -------------------------------------------------------------- */

static void query(out_t *o, const rpl_entry_t *e)
{
	const rpl_packet_t *p = &e->pkt[0];
	puts_(o, "    query:\n");
	if (p->has_hex) {
		puts_(o, "      hex: ");
		hex_text(o, p);
		puts_(o, "\n");
		return;
	}
	message(o, 6, p, true, false, e->line);
	if (e->npkt > 1)
		skipped(o, 4, "EXTRA_PACKET of a query", e->line);
}

static void section_expect(out_t *o, const rpl_packet_t *p, int sec,
			   const char *ttl)
{
	if (p->nrr[sec] == 0) {
		pf(o, "      %s: 0\n", sec_key[sec]);
		return;
	}
	pf(o, "      %s:\n        exact:\n", sec_key[sec]);
	for (size_t i = 0; i < p->nrr[sec]; i++) {
		puts_(o, "          - ");
		rr_text(o, &p->rr[sec][i], ttl);
		puts_(o, "\n");
	}
}

static void expect_question(out_t *o, const rpl_entry_t *e)
{
	const rpl_packet_t *p = &e->pkt[0];
	if (p->nrr[RPL_QUESTION] != 1)
		return;
	const rpl_rr_t *qr = p->rr[RPL_QUESTION];
	bool name = has(e, RPL_M_QNAME | RPL_M_QUESTION | RPL_M_ALL);
	bool type = has(e, RPL_M_QTYPE | RPL_M_QUESTION | RPL_M_ALL);
	if (!name && !type)
		return;
	puts_(o, "      question: {");
	if (name) {
		puts_(o, "name: ");
		q(o, qr->owner);
	}
	if (type)
		pf(o, "%stype: %s, class: %s", name ? ", " : "", qr->type,
		   qr->rclass);
	puts_(o, "}\n");
}

static void expect(out_t *o, const rpl_entry_t *e)
{
	const rpl_packet_t *p = &e->pkt[0];
	char b[16];
	bool all = has(e, RPL_M_ALL);
	if (p->has_hex) {
		skipped(o, 4, "HEX_ANSWER/RAW in CHECK_ANSWER", e->line);
		return;
	}
	if (!e->has_match) {
		skipped(o, 4, "CHECK_ANSWER without MATCH (nothing to check)",
			e->line);
		return;
	}
	puts_(o, "    expect:\n");
	if (all || has(e, RPL_M_RCODE))
		pf(o, "      rcode: %s\n",
		   dns_rcode_to_text((uint16_t)(p->rcode < 0 ? 0 : p->rcode),
				     b));
	if (all || has(e, RPL_M_OPCODE))
		pf(o, "      opcode: %s\n",
		   dns_opcode_to_text((uint8_t)(p->opcode < 0 ? 0 : p->opcode),
				      b));
	if (all || has(e, RPL_M_FLAGS)) {
		puts_(o, "      flags: ");
		flag_exact(o, p->flags);
		puts_(o, "\n");
	}
	expect_question(o, e);
	const char *ttl = has(e, RPL_M_TTL) ? NULL : "*";
	for (int s = RPL_ANSWER; s <= RPL_ADDITIONAL; s++)
		if (all || has(e, RPL_M_ANSWER << (s - RPL_ANSWER)))
			section_expect(o, p, s, ttl);
	if (has(e, RPL_M_DO))
		puts_(o, "      opt: {do: true}\n");
	else if (has(e, RPL_M_NOEDNS))
		puts_(o, "      opt: {absent: true}\n");
	if (has(e, RPL_M_DO) && has(e, RPL_M_NOEDNS))
		skipped(o, 4, "MATCH noedns beside DO in CHECK_ANSWER",
			e->line);
	if (has(e, RPL_M_SUBDOMAIN | RPL_M_QCASE | RPL_M_TCP | RPL_M_UDP))
		skipped(o, 4, "MATCH subdomain/qcase/TCP/UDP in CHECK_ANSWER",
			e->line);
	if (e->npkt > 1)
		skipped(o, 4, "EXTRA_PACKET in CHECK_ANSWER", e->line);
}

static void entry_notes(out_t *o, int ind, size_t ei)
{
	if (ei == SIZE_MAX || o->entry_done[ei])
		return;
	o->entry_done[ei] = true;
	notes_of(o, ind, RPL_OWN_ENTRY, ei);
}

static void other_step(out_t *o, size_t si);

/* The criteria of a CHECK_OUT_QUERY entry as one upstream: assertion. */
static void upstream_item(out_t *o, int ind, size_t si, bool list)
{
	const rpl_step_t *s = &o->m->steps[si];
	const rpl_entry_t *e = &o->m->entries[s->entry];
	if (has(e, RPL_M_ALL | RPL_M_RCODE | RPL_M_ANSWER | RPL_M_AUTHORITY |
		       RPL_M_ADDITIONAL | RPL_M_TTL | RPL_M_QCASE))
		skipped(o, ind,
			"CHECK_OUT_QUERY MATCH beyond opcode, question, "
			"flags, DO, EDNS and transport",
			e->line);
	indent(o, ind);
	puts_(o, list ? "  - {" : "upstream: {");
	criteria(o, e, true);
	pf(o, "}    # STEP %lu CHECK_OUT_QUERY\n", s->n);
}

/* How many steps after si belong to the QUERY at si: up to its
 * CHECK_ANSWER, before the next QUERY or TIME_PASSES. */
static size_t query_span(const rpl_model_t *m, size_t si)
{
	size_t j = si + 1;
	for (; j < m->nsteps; j++) {
		rpl_step_kind_t k = m->steps[j].kind;
		if (k == RPL_STEP_QUERY || k == RPL_STEP_TIME_PASSES)
			break;
		if (k == RPL_STEP_CHECK_ANSWER)
			return j - si + 1;
	}
	return j - si;
}

/* STEP QUERY with the CHECK_OUT_QUERY steps and the CHECK_ANSWER that
 * follow it, as one query step with upstream: and expect:. Returns the
 * number of steps used. */
static size_t query_step(out_t *o, size_t si)
{
	const rpl_model_t *m = o->m;
	const rpl_step_t *s = &m->steps[si];
	size_t span = query_span(m, si), nout = 0, check = SIZE_MAX;
	notes_of(o, 2, RPL_OWN_STEP, si);
	entry_notes(o, 2, s->entry);
	for (size_t j = si + 1; j < si + span; j++) {
		if (m->steps[j].kind == RPL_STEP_CHECK_OUT_QUERY) {
			notes_of(o, 2, RPL_OWN_STEP, j);
			entry_notes(o, 2, m->steps[j].entry);
			nout++;
		} else if (m->steps[j].kind == RPL_STEP_CHECK_ANSWER) {
			notes_of(o, 2, RPL_OWN_STEP, j);
			entry_notes(o, 2, m->steps[j].entry);
			check = j;
		} else {
			other_step(o, j);
		}
	}
	pf(o, "  - name: step-%lu\n", s->n);
	query(o, &m->entries[s->entry]);
	if (check != SIZE_MAX)
		expect(o, &m->entries[m->steps[check].entry]);
	if (nout > 1)
		puts_(o, "    upstream:\n");
	for (size_t j = si + 1; j < si + span; j++)
		if (m->steps[j].kind == RPL_STEP_CHECK_OUT_QUERY)
			upstream_item(o, 4, j, nout > 1);
	return span;
}

static void upstream_step(out_t *o, size_t si)
{
	const rpl_step_t *s = &o->m->steps[si];
	notes_of(o, 2, RPL_OWN_STEP, si);
	entry_notes(o, 2, s->entry);
	pf(o, "  - name: step-%lu\n", s->n);
	upstream_item(o, 4, si, false);
}

/* Steps other than QUERY / CHECK_OUT_QUERY / TIME_PASSES. */
static void other_step(out_t *o, size_t si)
{
	const rpl_step_t *s = &o->m->steps[si];
	char w[96];
	notes_of(o, 2, RPL_OWN_STEP, si);
	entry_notes(o, 2, s->entry);
	switch (s->kind) {
	case RPL_STEP_TRAFFIC:
		pf(o,
		   "  # import-rpl: STEP %lu TRAFFIC: nothing to do (the "
		   "servers answer at once) (line %u)\n",
		   s->n, s->line);
		return;
	case RPL_STEP_CHECK_ANSWER:
		snprintf(w, sizeof(w),
			 "STEP %lu CHECK_ANSWER not after a QUERY", s->n);
		break;
	case RPL_STEP_REPLY:
		snprintf(w, sizeof(w),
			 "STEP %lu REPLY (the servers' rules answer instead)",
			 s->n);
		break;
	case RPL_STEP_TIME_PASSES:
		if (s->elapse > 0) {
			pf(o, "  - time_passes: %lus\n", s->elapse);
			return;
		}
		snprintf(w, sizeof(w), "STEP %lu TIME_PASSES of 0 seconds",
			 s->n);
		break;
	default:
		return; /* its note says what it was */
	}
	skipped(o, 2, w, s->line);
}

/* true when at least one step gives a YAML step. */
static bool steps_convert(const rpl_model_t *m)
{
	for (size_t i = 0; i < m->nsteps; i++)
		if (m->steps[i].kind == RPL_STEP_QUERY ||
		    m->steps[i].kind == RPL_STEP_CHECK_OUT_QUERY ||
		    (m->steps[i].kind == RPL_STEP_TIME_PASSES &&
		     m->steps[i].elapse > 0))
			return true;
	return false;
}

static void steps(out_t *o)
{
	const rpl_model_t *m = o->m;
	bool any = steps_convert(m);
	if (any)
		puts_(o, "steps:\n");
	for (size_t i = 0; i < m->nsteps;) {
		rpl_step_kind_t k = m->steps[i].kind;
		if (any && k == RPL_STEP_QUERY) {
			i += query_step(o, i);
			continue;
		}
		if (any && k == RPL_STEP_CHECK_OUT_QUERY)
			upstream_step(o, i);
		else
			other_step(o, i);
		i++;
	}
}

/* ---- the file ----------------------------------------------------------- */

static void suite_name(out_t *o, const char *s)
{
	char buf[128];
	size_t n = 0;
	for (; s != NULL && *s && n < sizeof(buf) - 1; s++)
		buf[n++] = (isalnum((unsigned char)*s) || *s == '.' ||
			    *s == '_' || *s == '-')
			       ? *s
			       : '-';
	buf[n] = '\0';
	pf(o, "suite: %s\n", n ? buf : "rpl");
}

static void header(out_t *o, const rpl_emit_opts_t *opts)
{
	const rpl_model_t *m = o->m;
	pf(o,
	   "# Imported by dnsharness import-rpl%s%s (Deckard / Unbound "
	   "testbound format).\n",
	   opts->source ? " from " : "", opts->source ? opts->source : "");
	puts_(o, "# How each construct maps: scenarios/README.md, Importing "
		 ".rpl scenarios.\n");
	for (size_t i = 0; i < o->nsrv; i++) {
		char a[16], b[16];
		if (o->srv[i] == 0)
			continue;
		addr_text(o->srv[i], a);
		addr_text(mapped(i), b);
		pf(o, "# ADDRESS %s -> %s\n", a, b);
	}
	notes_of(o, 0, RPL_OWN_TOP, 0);
	suite_name(o, opts->suite);
	if (m->title != NULL) {
		puts_(o, "about: ");
		quoted(o, m->title, false); /* not substituted */
		puts_(o, "\n");
	}
	puts_(o, "role: resolver\n");
}

static void target(out_t *o, const rpl_emit_opts_t *opts)
{
	char name[24];
	size_t up = 0;
	if (o->m->stub_addr != 0 && srv_index(o, o->m->stub_addr) != SIZE_MAX)
		up = srv_index(o, o->m->stub_addr);
	server_name(o, up, name);
	pf(o, "target:\n  recipe: %s\n  upstream: %s\n",
	   opts->recipe ? opts->recipe : "unbound", name);
}

/* The first .rpl STEP number of each YAML step steps() writes, in
 * order, into o->ystep. */
static void yaml_steps(out_t *o)
{
	const rpl_model_t *m = o->m;
	if (!steps_convert(m))
		return;
	for (size_t i = 0; i < m->nsteps;) {
		const rpl_step_t *st = &m->steps[i];
		if (st->kind == RPL_STEP_QUERY ||
		    st->kind == RPL_STEP_CHECK_OUT_QUERY ||
		    (st->kind == RPL_STEP_TIME_PASSES && st->elapse > 0))
			o->ystep[o->nystep++] = st->n;
		i += st->kind == RPL_STEP_QUERY ? query_span(m, i) : 1;
	}
}

static bool out_init(out_t *o, const rpl_model_t *m)
{
	memset(o, 0, sizeof(*o));
	o->m = m;
	o->srv = malloc((m->naddrs + 1) * sizeof(*o->srv));
	o->entry_done = calloc(m->nentries + 1, sizeof(bool));
	o->range_done = calloc(m->nranges + 1, sizeof(bool));
	o->ystep = calloc(m->nsteps + 1, sizeof(*o->ystep));
	if (o->srv == NULL || o->entry_done == NULL || o->range_done == NULL ||
	    o->ystep == NULL)
		return false;
	if (m->naddrs)
		memcpy(o->srv, m->addrs, m->naddrs * sizeof(*o->srv));
	o->nsrv = m->naddrs;
	if (m->stub_addr != 0 && srv_index(o, m->stub_addr) == SIZE_MAX)
		o->srv[o->nsrv++] = m->stub_addr;
	if (o->nsrv == 0)
		o->srv[o->nsrv++] = 0; /* one server for address-less ranges */
	if (m->nsteps > 0) {
		o->step_lo = m->steps[0].n;
		o->step_hi = m->steps[m->nsteps - 1].n;
	}
	yaml_steps(o);
	return true;
}

char *rpl_emit_yaml(const rpl_model_t *m, const rpl_emit_opts_t *opts,
		    size_t *len, size_t *nskipped)
{
	static const rpl_emit_opts_t none = {NULL, NULL, NULL};
	out_t o;
	bool ok = out_init(&o, m);
	if (opts == NULL)
		opts = &none;
	if (ok) {
		header(&o, opts);
		if (steps_convert(m))
			target(&o, opts);
		puts_(&o, "servers:\n");
		for (size_t i = 0; i < o.nsrv; i++)
			server(&o, i);
		lost_ranges(&o);
		steps(&o);
		for (size_t i = 0; i < m->nentries; i++)
			entry_notes(&o, 0, i); /* of entries cut by the cap */
	}
	free(o.srv);
	free(o.entry_done);
	free(o.range_done);
	free(o.ystep);
	if (!ok || o.oom || o.b == NULL) {
		free(o.b);
		return NULL;
	}
	*len = o.n;
	*nskipped = o.nskipped;
	return o.b;
}
