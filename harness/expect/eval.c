/* eval.c - judge what the engine observed against a compiled expectation.
 *
 * Each response is decoded once (strictly; on a violation again in survey
 * mode, which lists every violation and recovers what it can), then every
 * check runs and every failing one becomes a reason: check name, expected
 * text, got text. Header checks look at every message of a TCP stream,
 * question checks at the first, section checks at all the messages'
 * records concatenated (the OPT left out). tsig: verifies the messages in
 * order as one TSIG stream (RFC 8945 5.3.1); stream: checks their order
 * (SOA first and last) and judges the first, the last or each message
 * alone with an expectation of its own.
 */
#include "expect/expect.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dns/canon.h"
#include "dns/edns.h"
#include "dns/msg.h"
#include "dns/rdata.h"
#include "dns/tsig.h"
#include "expect/expect_int.h"

#define GOT_MAX	 2048u /* longest expected/got text */
#define LIST_MAX 10u   /* records listed in a got text */

/* One response, decoded. */
typedef struct xmsg {
	const uint8_t *wire;
	size_t len;
	dns_msg_t m;
	bool header; /* at least 12 bytes: the header fields are known */
	bool strict; /* decodes without any violation */
} xmsg_t;

/* State of one evaluation. */
typedef struct ev {
	const sc_query_t *q;
	const sc_observed_t *obs;
	dns_arena_t *arena;
	bool answered; /* status ANSWERED with at least one message */
	xmsg_t *msgs;
	size_t nmsgs;
	const dns_rr_t *all[4]; /* each section over all messages, OPT left
				   out (never NULL) */
	size_t nall[4];
	sc_reason_t *r;
	size_t nr, cap;
	bool nomem;
	dns_tsig_result_t *tsig; /* per message, computed at first need */
	dns_rc_t *tsig_rc;
} ev_t;

/* Working text: a buffer and a builder over it. */
typedef struct txt {
	char buf[GOT_MAX];
	dns_strbuf_t sb;
} txt_t;

static void txt_init(txt_t *t)
{
	t->sb = dns_strbuf_init(t->buf, sizeof(t->buf));
}

static _Thread_local uint8_t canon_a[DNS_MSG_MAXLEN];

/* ---- reasons ------------------------------------------------------------- */

static char *ev_strdup(ev_t *ev, const char *a, const char *b)
{
	size_t la = strlen(a), lb = b ? strlen(b) : 0;
	char *s = dns_arena_alloc(ev->arena, la + lb + 1);
	if (s == NULL) {
		ev->nomem = true;
		return NULL;
	}
	memcpy(s, a, la);
	if (lb)
		memcpy(s + la, b, lb);
	s[la + lb] = '\0';
	return s;
}

static bool grow(ev_t *ev)
{
	size_t cap = ev->cap ? ev->cap * 2 : 8;
	sc_reason_t *r = dns_arena_alloc(ev->arena, cap * sizeof(*r));
	if (r == NULL) {
		ev->nomem = true;
		return false;
	}
	if (ev->nr)
		memcpy(r, ev->r, ev->nr * sizeof(*r));
	ev->r = r;
	ev->cap = cap;
	return true;
}

/* A text cut short ends in "...". */
static const char *txt_end(txt_t *t)
{
	if (t->sb.over && sizeof(t->buf) > 4)
		memcpy(t->buf + sizeof(t->buf) - 4, "...", 4);
	return t->buf;
}

static void reason(ev_t *ev, const char *prefix, const char *check,
		   const char *expected, const char *got)
{
	if (ev->nr == ev->cap && !grow(ev))
		return;
	sc_reason_t *r = &ev->r[ev->nr];
	r->check = ev_strdup(ev, prefix, check);
	r->expected = ev_strdup(ev, expected, NULL);
	r->got = ev_strdup(ev, got, NULL);
	if (r->check && r->expected && r->got)
		ev->nr++;
}

/* ---- texts --------------------------------------------------------------- */

static const char *status_text(const sc_observed_t *obs)
{
	switch (obs->status) {
	case SC_NET_ANSWERED:
		return "a response";
	case SC_NET_TIMEOUT:
		return "no response (timeout)";
	case SC_NET_CLOSED:
		return "connection closed by the server";
	case SC_NET_RESET:
		return "connection reset by the server";
	case SC_NET_ERROR:
		return "could not send";
	}
	return "unknown network status";
}

static void rr_text(const dns_rr_t *rr, dns_strbuf_t *sb)
{
	char name[DNS_NAME_TEXT_MAX], tb[16], cb[16];
	dns_name_to_text(&rr->owner, name, sizeof(name));
	dns_sb_printf(sb, "%s %u %s %s ", name, (unsigned)rr->ttl,
		      dns_class_to_text(rr->rclass, cb),
		      dns_type_to_text(rr->type, tb));
	dns_rdata_to_text(rr->type, rr->rdata, rr->rdlen, sb);
}

/* "N records: rr; rr; ..." of a section over all messages. */
static void records_text(const ev_t *ev, unsigned sec, dns_strbuf_t *sb)
{
	size_t n = ev->nall[sec];
	dns_sb_printf(sb, "%zu record%s", n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n && i < LIST_MAX; i++) {
		dns_sb_puts(sb, i ? "; " : ": ");
		rr_text(&ev->all[sec][i], sb);
	}
	if (n > LIST_MAX)
		dns_sb_printf(sb, "; ... (%zu more)", n - LIST_MAX);
}

/* "NOERROR, flags qr aa, 1 answer, 0 authority, 0 additional, 45 bytes". */
static void summary_text(const ev_t *ev, dns_strbuf_t *sb)
{
	if (!ev->answered) {
		dns_sb_puts(sb, status_text(ev->obs));
		return;
	}
	const xmsg_t *x = &ev->msgs[0];
	if (!x->header) {
		dns_sb_printf(sb, "a response of %zu bytes (not a DNS message)",
			      x->len);
	} else {
		char rc[16];
		dns_sb_printf(sb, "a response: %s, flags ",
			      dns_rcode_to_text(dns_msg_rcode(&x->m), rc));
		xp_flags_text(x->m.flags, XP_FLAG_MASK, sb);
		const dns_msg_t *m = &x->m;
		dns_sb_printf(sb, ", %u answer, %u authority, %u additional%s",
			      m->nsec[1], m->nsec[2],
			      m->nsec[3] - (m->opt != NULL ? 1u : 0u),
			      m->opt != NULL ? ", EDNS" : "");
		dns_sb_printf(sb, ", %zu bytes", x->len);
	}
	if (ev->nmsgs > 1)
		dns_sb_printf(sb, " (and %zu more message%s)", ev->nmsgs - 1,
			      ev->nmsgs == 2 ? "" : "s");
}

/* "3 records", "at least 1 record", "1 to 4 bytes"; unit is singular. */
static void range_text(const xp_range_t *r, const char *unit, dns_strbuf_t *sb)
{
	unsigned long last = r->has_max ? r->max : r->min;
	const char *s = last == 1 ? "" : "s";
	if (r->has_min && r->has_max && r->min == r->max)
		dns_sb_printf(sb, "%lu %s%s", r->min, unit, s);
	else if (r->has_min && r->has_max)
		dns_sb_printf(sb, "%lu to %lu %s%s", r->min, r->max, unit, s);
	else if (r->has_min)
		dns_sb_printf(sb, "at least %lu %s%s", r->min, unit, s);
	else
		dns_sb_printf(sb, "at most %lu %s%s", r->max, unit, s);
}

static bool in_range(const xp_range_t *r, unsigned long v)
{
	return (!r->has_min || v >= r->min) && (!r->has_max || v <= r->max);
}

static void question_text(const dns_name_t *name, uint16_t qclass,
			  uint16_t qtype, dns_strbuf_t *sb)
{
	char n[DNS_NAME_TEXT_MAX], tb[16], cb[16];
	dns_name_to_text(name, n, sizeof(n));
	dns_sb_printf(sb, "%s %s %s", n, dns_class_to_text(qclass, cb),
		      dns_type_to_text(qtype, tb));
}

/* The question section of a message as text. */
static void qsection_text(const dns_msg_t *m, dns_strbuf_t *sb)
{
	if (m->nqd == 0) {
		dns_sb_printf(sb, "no question (qdcount %u)", m->counts[0]);
		return;
	}
	if (m->nqd > 1)
		dns_sb_printf(sb, "%u questions: ", m->nqd);
	for (unsigned i = 0; i < m->nqd; i++) {
		if (i)
			dns_sb_puts(sb, "; ");
		question_text(&m->qd[i].name, m->qd[i].qclass, m->qd[i].qtype,
			      sb);
	}
}

/* ---- decoding ------------------------------------------------------------ */

static void decode_one(ev_t *ev, xmsg_t *x)
{
	x->header = x->len >= DNS_HEADER_LEN;
	dns_rc_t rc = dns_msg_decode(&x->m, x->wire, x->len, DNS_DECODE_STRICT,
				     ev->arena);
	x->strict = rc == DNS_OK;
	if (rc != DNS_OK)
		rc = dns_msg_decode(&x->m, x->wire, x->len, DNS_DECODE_SURVEY,
				    ev->arena);
	for (unsigned i = 0; i < x->m.nviol; i++)
		if (x->m.viol[i].code == DNS_E_NOMEM)
			ev->nomem = true;
}

/* Is the OPT of m a record of section sec? */
static bool holds_opt(const dns_msg_t *m, unsigned sec)
{
	for (unsigned j = 0; m->opt != NULL && j < m->nsec[sec]; j++)
		if (&m->sec[sec][j] == m->opt)
			return true;
	return false;
}

/* Each section of every message in one array; the OPT is not a record of
 * the additional section here, as dig does not list it there. A lone
 * message's section without the OPT is that array itself, not a copy. */
static bool concat(ev_t *ev)
{
	static const dns_rr_t none[1];
	const dns_msg_t *one = ev->nmsgs == 1 ? &ev->msgs[0].m : NULL;
	for (unsigned sec = DNS_SEC_ANSWER; sec <= DNS_SEC_ADDITIONAL; sec++) {
		if (one != NULL && !holds_opt(one, sec)) {
			ev->nall[sec] = one->nsec[sec];
			ev->all[sec] = one->nsec[sec] ? one->sec[sec] : none;
			continue;
		}
		size_t n = 0;
		for (size_t i = 0; i < ev->nmsgs; i++)
			n += ev->msgs[i].m.nsec[sec];
		dns_rr_t *all =
		    dns_arena_alloc(ev->arena, (n ? n : 1) * sizeof(dns_rr_t));
		if (all == NULL)
			return false;
		ev->all[sec] = all;
		for (size_t i = 0; i < ev->nmsgs; i++) {
			const dns_msg_t *m = &ev->msgs[i].m;
			for (unsigned j = 0; j < m->nsec[sec]; j++)
				if (&m->sec[sec][j] != m->opt)
					all[ev->nall[sec]++] = m->sec[sec][j];
		}
	}
	return true;
}

/* Decode every response; a lone one (UDP) into *one, the caller's. */
static bool decode_all(ev_t *ev, xmsg_t *one)
{
	const sc_observed_t *obs = ev->obs;
	ev->answered = obs->status == SC_NET_ANSWERED && obs->nmsgs > 0;
	if (!ev->answered)
		return true;
	ev->msgs =
	    obs->nmsgs == 1
		? one
		: dns_arena_alloc(ev->arena, obs->nmsgs * sizeof(xmsg_t));
	if (ev->msgs == NULL)
		return false;
	ev->nmsgs = obs->nmsgs;
	for (size_t i = 0; i < obs->nmsgs; i++) {
		xmsg_t *x = &ev->msgs[i];
		x->wire = obs->msgs[i];
		x->len = obs->lens[i];
		decode_one(ev, x);
	}
	return !ev->nomem && concat(ev);
}

/* ---- per-message checks -------------------------------------------------- */

/* A check of one message: true when it passes. got is NULL while deciding;
 * for a message that failed the check is run again with got to say what
 * was seen, so that passing checks format no text. */
typedef bool (*mcheck_fn)(const sc_expect_t *e, const ev_t *ev, const xmsg_t *x,
			  dns_strbuf_t *got);

/* The expected text of a check, built only when it failed. */
typedef void (*mtext_fn)(const sc_expect_t *e, const ev_t *ev,
			 dns_strbuf_t *sb);

typedef struct mcheck {
	const char *check; /* name in reasons */
	mcheck_fn run;
	mtext_fn expected; /* NULL: the fixed text */
	const char *fixed;
} mcheck_t;

/* The reason for a check that failed on bad messages, the first being
 * message first. Kept out of per_message, whose frame stays small: most
 * checks pass, and per_message runs several times a case. */
static void __attribute__((noinline))
explain(ev_t *ev, const sc_expect_t *e, const char *prefix, const mcheck_t *ck,
	size_t first, size_t bad)
{
	txt_t got, ex;
	txt_init(&got);
	if (ev->nmsgs > 1)
		dns_sb_printf(&got.sb, "message %zu: ", first + 1);
	ck->run(e, ev, &ev->msgs[first], &got.sb);
	if (bad > 1)
		dns_sb_printf(&got.sb, " (and %zu more message%s)", bad - 1,
			      bad == 2 ? "" : "s");
	txt_init(&ex);
	if (ck->expected != NULL)
		ck->expected(e, ev, &ex.sb);
	else
		dns_sb_puts(&ex.sb, ck->fixed);
	reason(ev, prefix, ck->check, txt_end(&ex), txt_end(&got));
}

/* Run a check on every message (or the first only); one reason names the
 * first message that fails and how many more do. */
static void per_message(ev_t *ev, const sc_expect_t *e, const char *prefix,
			const mcheck_t *ck, bool first_only)
{
	size_t bad = 0, first = 0;
	size_t n = first_only ? 1 : ev->nmsgs;
	for (size_t i = 0; i < n; i++)
		if (!ck->run(e, ev, &ev->msgs[i], NULL) && bad++ == 0)
			first = i;
	if (bad > 0)
		explain(ev, e, prefix, ck, first, bad);
}

static bool no_header(const xmsg_t *x, dns_strbuf_t *got)
{
	if (got != NULL)
		dns_sb_printf(got, "not a DNS message (%zu bytes)", x->len);
	return false;
}

static bool chk_rcode(const sc_expect_t *e, const ev_t *ev, const xmsg_t *x,
		      dns_strbuf_t *got)
{
	(void)ev;
	if (!x->header)
		return no_header(x, got);
	uint16_t rc = dns_msg_rcode(&x->m);
	for (size_t i = 0; i < e->nrcodes; i++)
		if (e->rcodes[i] == rc)
			return true;
	char b[16];
	if (got != NULL)
		dns_sb_puts(got, dns_rcode_to_text(rc, b));
	return false;
}

static void exp_rcode(const sc_expect_t *e, const ev_t *ev, dns_strbuf_t *sb)
{
	(void)ev;
	char b[16];
	if (e->nrcodes > 1)
		dns_sb_puts(sb, "one of ");
	for (size_t i = 0; i < e->nrcodes; i++)
		dns_sb_printf(sb, "%s%s", i ? ", " : "",
			      dns_rcode_to_text(e->rcodes[i], b));
}

static bool chk_opcode(const sc_expect_t *e, const ev_t *ev, const xmsg_t *x,
		       dns_strbuf_t *got)
{
	(void)ev;
	if (!x->header)
		return no_header(x, got);
	uint8_t op = (uint8_t)DNS_OPCODE(x->m.flags);
	char b[16];
	if (got != NULL)
		dns_sb_puts(got, dns_opcode_to_text(op, b));
	return op == e->opcode;
}

static void exp_opcode(const sc_expect_t *e, const ev_t *ev, dns_strbuf_t *sb)
{
	(void)ev;
	char b[16];
	dns_sb_puts(sb, dns_opcode_to_text(e->opcode, b));
}

static bool chk_flags(const sc_expect_t *e, const ev_t *ev, const xmsg_t *x,
		      dns_strbuf_t *got)
{
	(void)ev;
	if (!x->header)
		return no_header(x, got);
	uint16_t f = x->m.flags;
	bool ok = (f & e->f_has) == e->f_has && (f & e->f_lacks) == 0;
	if (e->has_f_exact)
		ok = ok && (f & XP_FLAG_MASK) == e->f_exact;
	if (got != NULL)
		xp_flags_text(f, XP_FLAG_MASK, got);
	return ok;
}

static void exp_flags(const sc_expect_t *e, const ev_t *ev, dns_strbuf_t *sb)
{
	(void)ev;
	if (e->has_f_exact) {
		dns_sb_puts(sb, "exactly ");
		xp_flags_text(e->f_exact, XP_FLAG_MASK, sb);
	}
	if (e->f_has) {
		dns_sb_puts(sb, sb->len ? "; has " : "has ");
		xp_flags_text(e->f_has, XP_FLAG_MASK, sb);
	}
	if (e->f_lacks) {
		dns_sb_puts(sb, sb->len ? "; lacks " : "lacks ");
		xp_flags_text(e->f_lacks, XP_FLAG_MASK, sb);
	}
}

static bool chk_size(const sc_expect_t *e, const ev_t *ev, const xmsg_t *x,
		     dns_strbuf_t *got)
{
	(void)ev;
	if (got != NULL)
		dns_sb_printf(got, "%zu bytes", x->len);
	return in_range(&e->size, x->len);
}

static void exp_size(const sc_expect_t *e, const ev_t *ev, dns_strbuf_t *sb)
{
	(void)ev;
	range_text(&e->size, "byte", sb);
}

/* "2 violations: pointer-loop at offset 28 (answer 0); ...", or "none". */
static void violations_text(const dns_msg_t *m, dns_strbuf_t *got)
{
	if (m->nviol == 0) {
		dns_sb_puts(got, "none (it decodes strictly)");
		return;
	}
	dns_sb_printf(got, "%u violation%s", m->nviol,
		      m->nviol == 1 ? "" : "s");
	for (unsigned i = 0; i < m->nviol; i++) {
		const dns_violation_t *v = &m->viol[i];
		dns_sb_printf(got, "%s%s at offset %zu", i ? "; " : ": ",
			      dns_rc_name(v->code), v->offset);
		if (v->section != 0xff)
			dns_sb_printf(
			    got, " (%s %u)",
			    dns_section_name((dns_section_t)v->section),
			    v->index);
	}
	if (m->viol_more)
		dns_sb_puts(got, "; and more");
}

static bool has_violation(const dns_msg_t *m, dns_rc_t code)
{
	for (unsigned i = 0; i < m->nviol; i++)
		if (m->viol[i].code == code)
			return true;
	return false;
}

static bool chk_violations(const sc_expect_t *e, const ev_t *ev,
			   const xmsg_t *x, dns_strbuf_t *got)
{
	(void)ev;
	bool ok = e->viol == XP_TRUE ? !x->strict : x->strict;
	for (size_t i = 0; ok && i < e->nviols; i++)
		ok = has_violation(&x->m, e->viols[i]);
	if (got != NULL)
		violations_text(&x->m, got);
	return ok;
}

static void exp_violations(const sc_expect_t *e, const ev_t *ev,
			   dns_strbuf_t *sb)
{
	(void)ev;
	if (e->viol == XP_FALSE) {
		dns_sb_puts(sb, "a message that decodes strictly");
		return;
	}
	if (e->nviols == 0) {
		dns_sb_puts(sb, "a message that does not decode strictly");
		return;
	}
	dns_sb_puts(sb, "violations ");
	for (size_t i = 0; i < e->nviols; i++)
		dns_sb_printf(sb, "%s%s", i ? ", " : "",
			      dns_rc_name(e->viols[i]));
}

static void check_header(const sc_expect_t *e, ev_t *ev, const char *prefix)
{
	static const mcheck_t rcode = {"rcode", chk_rcode, exp_rcode, NULL};
	static const mcheck_t opcode = {"opcode", chk_opcode, exp_opcode, NULL};
	static const mcheck_t flags = {"flags", chk_flags, exp_flags, NULL};
	static const mcheck_t size = {"size", chk_size, exp_size, NULL};
	static const mcheck_t viol = {"violations", chk_violations,
				      exp_violations, NULL};
	if (e->viol != XP_UNSET)
		per_message(ev, e, prefix, &viol, false);
	if (e->nrcodes)
		per_message(ev, e, prefix, &rcode, false);
	if (e->has_opcode)
		per_message(ev, e, prefix, &opcode, false);
	if (e->f_has | e->f_lacks || e->has_f_exact)
		per_message(ev, e, prefix, &flags, false);
	if (e->size.has_min || e->size.has_max)
		per_message(ev, e, prefix, &size, false);
}

/* ---- question ------------------------------------------------------------ */

/* Does the message carry exactly the question name/type/class (each
 * compared only when has_*)? A later message of a stream may carry none
 * (RFC 5936 2.2.1). got receives the question section. */
static bool question_is(const xmsg_t *x, bool later, const dns_name_t *name,
			uint16_t qtype, uint16_t qclass, bool has_name,
			bool has_type, bool has_class, dns_strbuf_t *got)
{
	if (!x->header)
		return no_header(x, got);
	const dns_msg_t *m = &x->m;
	if (later && m->counts[0] == 0)
		return true;
	if (got != NULL)
		qsection_text(m, got);
	if (m->counts[0] != 1 || m->nqd != 1)
		return false;
	const dns_question_t *q = &m->qd[0];
	return (!has_name || dns_name_equal(&q->name, name)) &&
	       (!has_type || q->qtype == qtype) &&
	       (!has_class || q->qclass == qclass);
}

static bool chk_question(const sc_expect_t *e, const ev_t *ev, const xmsg_t *x,
			 dns_strbuf_t *got)
{
	bool later = x != &ev->msgs[0];
	if (e->qmode == XP_Q_EXPLICIT)
		return question_is(x, later, &e->qname, e->qtype, e->qclass,
				   e->q_has_name, e->q_has_type, e->q_has_class,
				   got);
	const sc_query_t *q = ev->q;
	dns_name_t qname;
	sc_query_qname(q, &qname);
	bool echoed = question_is(x, later, &qname, q->qtype, q->qclass, true,
				  true, true, got);
	if (e->qmode == XP_Q_ECHO_EXACT && echoed && x->m.nqd == 1) {
		/* RFC 4343 4.1: the name comes back with the query's case */
		const dns_name_t *n = &x->m.qd[0].name;
		return n->len == qname.len &&
		       memcmp(n->wire, qname.wire, n->len) == 0;
	}
	if (e->qmode == XP_Q_ECHO || e->qmode == XP_Q_ECHO_EXACT || !x->header)
		return echoed;
	/* echo: false: the query's question is not there */
	return later ? true : !echoed;
}

static void exp_question(const sc_expect_t *e, const ev_t *ev, dns_strbuf_t *sb)
{
	const sc_query_t *q = ev->q;
	char n[DNS_NAME_TEXT_MAX], b[16];
	if (e->qmode != XP_Q_EXPLICIT) {
		dns_name_t qname;
		sc_query_qname(q, &qname);
		dns_sb_puts(sb, e->qmode == XP_Q_ECHO ? "echo of "
				: e->qmode == XP_Q_ECHO_EXACT
				    ? "exact-case echo of "
				    : "not ");
		question_text(&qname, q->qclass, q->qtype, sb);
		return;
	}
	if (e->q_has_name) {
		dns_name_to_text(&e->qname, n, sizeof(n));
		dns_sb_printf(sb, "name %s", n);
	}
	if (e->q_has_class)
		dns_sb_printf(sb, "%sclass %s", sb->len ? ", " : "",
			      dns_class_to_text(e->qclass, b));
	if (e->q_has_type)
		dns_sb_printf(sb, "%stype %s", sb->len ? ", " : "",
			      dns_type_to_text(e->qtype, b));
}

static bool chk_qdcount(const sc_expect_t *e, const ev_t *ev, const xmsg_t *x,
			dns_strbuf_t *got)
{
	(void)ev;
	if (!x->header)
		return no_header(x, got);
	if (got != NULL)
		dns_sb_printf(got, "qdcount %u", x->m.counts[0]);
	return x->m.counts[0] == e->qdcount;
}

static void exp_qdcount(const sc_expect_t *e, const ev_t *ev, dns_strbuf_t *sb)
{
	(void)ev;
	dns_sb_printf(sb, "qdcount %lu", e->qdcount);
}

static void check_question(const sc_expect_t *e, ev_t *ev, const char *prefix)
{
	static const mcheck_t question = {"question", chk_question,
					  exp_question, NULL};
	static const mcheck_t qdcount = {"qdcount", chk_qdcount, exp_qdcount,
					 NULL};
	bool from_query = e->qmode == XP_Q_ECHO || e->qmode == XP_Q_NO_ECHO ||
			  e->qmode == XP_Q_ECHO_EXACT;
	if (from_query && !ev->q->has_question)
		reason(ev, prefix, "question",
		       e->qmode != XP_Q_NO_ECHO
			   ? "the query's question echoed"
			   : "the query's question not echoed",
		       "the query has no question to compare with");
	else if (e->qmode != XP_Q_NONE)
		per_message(ev, e, prefix, &question, e->qmode == XP_Q_NO_ECHO);
	if (e->has_qdcount)
		per_message(ev, e, prefix, &qdcount, true);
}

/* ---- sections ------------------------------------------------------------ */

static bool rdata_match(const xp_pat_t *p, const dns_rr_t *rr)
{
	if (rr->rdlen != p->rr.rdlen)
		return false;
	if (rr->rdlen == 0 || memcmp(rr->rdata, p->rr.rdata, rr->rdlen) == 0)
		return true;
	const dns_type_info_t *ti = dns_type_info(rr->type);
	if (ti == NULL || !ti->canon_lower)
		return false;
	memcpy(canon_a, rr->rdata, rr->rdlen);
	dns_rdata_canonicalize(rr->type, canon_a, rr->rdlen);
	return memcmp(canon_a, p->rr.rdata, rr->rdlen) == 0;
}

static bool pat_match(const xp_pat_t *p, const dns_rr_t *rr)
{
	if (!p->any_owner && !dns_name_equal(&p->rr.owner, &rr->owner))
		return false;
	if (!p->any_ttl && p->rr.ttl != rr->ttl)
		return false;
	if (!p->any_class && p->rr.rclass != rr->rclass)
		return false;
	if (!p->any_type && p->rr.type != rr->type)
		return false;
	if (p->sig_covers)
		return rr->rdlen >= 2 && (uint16_t)(rr->rdata[0] << 8 |
						    rr->rdata[1]) == p->covered;
	return p->any_rdata || rdata_match(p, rr);
}

/* prefix + "answer." + what, in buf. */
static const char *sec_check(char *buf, size_t cap, unsigned sec,
			     const char *what)
{
	snprintf(buf, cap, "%s.%s", dns_section_name((dns_section_t)sec), what);
	return buf;
}

static void sec_count(const xp_section_t *s, ev_t *ev, const char *prefix,
		      unsigned sec)
{
	if (!(s->count.has_min || s->count.has_max) ||
	    in_range(&s->count, ev->nall[sec]))
		return;
	txt_t ex, got;
	char chk[48];
	txt_init(&ex);
	txt_init(&got);
	range_text(&s->count, "record", &ex.sb);
	records_text(ev, sec, &got.sb);
	reason(ev, prefix, sec_check(chk, sizeof(chk), sec, "count"),
	       txt_end(&ex), txt_end(&got));
}

static void sec_contains(const xp_section_t *s, ev_t *ev, const char *prefix,
			 unsigned sec)
{
	for (size_t i = 0; i < s->contains.n; i++) {
		const xp_pat_t *p = &s->contains.v[i];
		size_t j = 0;
		while (j < ev->nall[sec] && !pat_match(p, &ev->all[sec][j]))
			j++;
		if (j < ev->nall[sec])
			continue;
		txt_t got;
		char chk[48];
		txt_init(&got);
		records_text(ev, sec, &got.sb);
		reason(ev, prefix, sec_check(chk, sizeof(chk), sec, "contains"),
		       p->text, txt_end(&got));
	}
}

static void sec_absent(const xp_section_t *s, ev_t *ev, const char *prefix,
		       unsigned sec)
{
	for (size_t i = 0; i < s->absent.n; i++) {
		const xp_pat_t *p = &s->absent.v[i];
		size_t hits = 0, first = 0;
		for (size_t j = 0; j < ev->nall[sec]; j++)
			if (pat_match(p, &ev->all[sec][j]) && hits++ == 0)
				first = j;
		if (hits == 0)
			continue;
		txt_t ex, got;
		char chk[48];
		txt_init(&ex);
		txt_init(&got);
		dns_sb_printf(&ex.sb, "no record matching %s", p->text);
		dns_sb_puts(&got.sb, "present: ");
		rr_text(&ev->all[sec][first], &got.sb);
		if (hits > 1)
			dns_sb_printf(&got.sb, " (and %zu more)", hits - 1);
		reason(ev, prefix, sec_check(chk, sizeof(chk), sec, "absent"),
		       txt_end(&ex), txt_end(&got));
	}
}

/* Every expected record no response record matches, and every response
 * record no expected record matches. */
static void exact_lists(const xp_section_t *s, const ev_t *ev, unsigned sec,
			dns_strbuf_t *sb)
{
	const char *sep = "; missing: ";
	for (size_t i = 0; i < s->exact.n; i++) {
		size_t j = 0;
		while (j < ev->nall[sec] &&
		       !pat_match(&s->exact.v[i], &ev->all[sec][j]))
			j++;
		if (j < ev->nall[sec])
			continue;
		dns_sb_printf(sb, "%s%s", sep, s->exact.v[i].text);
		sep = ", ";
	}
	sep = "; unexpected: ";
	for (size_t j = 0; j < ev->nall[sec]; j++) {
		size_t i = 0;
		while (i < s->exact.n &&
		       !pat_match(&s->exact.v[i], &ev->all[sec][j]))
			i++;
		if (i < s->exact.n)
			continue;
		dns_sb_puts(sb, sep);
		rr_text(&ev->all[sec][j], sb);
		sep = ", ";
	}
}

static void sec_exact(const xp_section_t *s, ev_t *ev, const char *prefix,
		      unsigned sec)
{
	if (s->exact.n == 0)
		return;
	dns_diff_t df;
	dns_rc_t rc = dns_canon_diff(s->exact_rrs, s->exact.n, ev->all[sec],
				     ev->nall[sec],
				     s->exact_ttl ? DNS_DIFF_CMP_TTL : 0, &df);
	if (rc == DNS_OK && df.kind == DNS_DIFF_EQUAL)
		return;
	if (rc == DNS_E_NOMEM) {
		ev->nomem = true; /* not a verdict on the response */
		return;
	}
	txt_t ex, got;
	char chk[48];
	txt_init(&ex);
	txt_init(&got);
	dns_sb_puts(&ex.sb, "exactly: ");
	for (size_t i = 0; i < s->exact.n; i++)
		dns_sb_printf(&ex.sb, "%s%s", i ? "; " : "",
			      s->exact.v[i].text);
	records_text(ev, sec, &got.sb);
	if (rc != DNS_OK)
		dns_sb_printf(&got.sb, "; comparison failed: %s",
			      dns_rc_text(rc));
	else
		exact_lists(s, ev, sec, &got.sb);
	reason(ev, prefix, sec_check(chk, sizeof(chk), sec, "exact"),
	       txt_end(&ex), txt_end(&got));
}

static void check_sections(const sc_expect_t *e, ev_t *ev, const char *prefix)
{
	for (unsigned sec = DNS_SEC_ANSWER; sec <= DNS_SEC_ADDITIONAL; sec++) {
		const xp_section_t *s = &e->sec[sec];
		if (!s->set)
			continue;
		sec_count(s, ev, prefix, sec);
		sec_contains(s, ev, prefix, sec);
		sec_exact(s, ev, prefix, sec);
		sec_absent(s, ev, prefix, sec);
	}
}

/* ---- OPT ----------------------------------------------------------------- */

/* The OPT of a message as fields; false (with the got text) when there is
 * none. */
static bool opt_of(const xmsg_t *x, dns_edns_t *ed, dns_strbuf_t *got)
{
	if (!x->header)
		return no_header(x, got);
	const dns_rr_t *o = x->m.opt;
	if (o == NULL) {
		if (got != NULL)
			dns_sb_puts(got, "no OPT record");
		return false;
	}
	dns_edns_from_rr(o->rclass, o->ttl, o->rdata, o->rdlen, ed, NULL);
	return true;
}

static bool chk_opt_present(const sc_expect_t *e, const ev_t *ev,
			    const xmsg_t *x, dns_strbuf_t *got)
{
	(void)e;
	(void)ev;
	dns_edns_t ed;
	return opt_of(x, &ed, got);
}

static bool chk_opt_absent(const sc_expect_t *e, const ev_t *ev,
			   const xmsg_t *x, dns_strbuf_t *got)
{
	(void)e;
	(void)ev;
	dns_edns_t ed;
	if (!x->header)
		return no_header(x, got);
	if (!opt_of(x, &ed, NULL))
		return true;
	if (got != NULL) {
		txt_t tmp;
		txt_init(&tmp);
		dns_edns_to_dig(&ed, &tmp.sb); /* the first line is enough */
		tmp.buf[strcspn(tmp.buf, "\n")] = '\0';
		dns_sb_printf(got, "an OPT record (%s)", tmp.buf);
	}
	return false;
}

/* The OPT fields that differ from o, as "version 1, do=0, ...". */
static void opt_fields_got(const xp_opt_t *o, const dns_edns_t *ed,
			   dns_strbuf_t *got)
{
	const char *sep = "";
	if (o->has_version && ed->version != o->version)
		dns_sb_printf(got, "version %u", ed->version), sep = ", ";
	if (o->has_do && ((ed->flags & DNS_EDNS_DO) != 0) != o->do_bit)
		dns_sb_printf(got, "%sdo=%d", sep,
			      (ed->flags & DNS_EDNS_DO) != 0),
		    sep = ", ";
	if (!in_range(&o->udp, ed->udp_size))
		dns_sb_printf(got, "%sudp_size %u", sep, ed->udp_size),
		    sep = ", ";
	if (o->has_ext_rcode && ed->ext_rcode != o->ext_rcode)
		dns_sb_printf(got, "%sext_rcode %u", sep, ed->ext_rcode),
		    sep = ", ";
	if ((ed->flags & o->fl_has) != o->fl_has ||
	    (ed->flags & o->fl_lacks) != 0 ||
	    (o->has_mbz && (ed->flags & 0x3fffu) != o->mbz))
		dns_sb_printf(got, "%sflags 0x%04x", sep, ed->flags);
}

static bool chk_opt_fields(const sc_expect_t *e, const ev_t *ev,
			   const xmsg_t *x, dns_strbuf_t *got)
{
	(void)ev;
	const xp_opt_t *o = &e->opt;
	dns_edns_t ed;
	if (!opt_of(x, &ed, NULL))
		return true; /* reported by opt.present */
	bool ok =
	    (!o->has_version || ed.version == o->version) &&
	    (!o->has_do || ((ed.flags & DNS_EDNS_DO) != 0) == o->do_bit) &&
	    in_range(&o->udp, ed.udp_size) &&
	    (!o->has_ext_rcode || ed.ext_rcode == o->ext_rcode) &&
	    (ed.flags & o->fl_has) == o->fl_has &&
	    (ed.flags & o->fl_lacks) == 0 &&
	    (!o->has_mbz || (ed.flags & 0x3fffu) == o->mbz);
	if (!ok && got != NULL)
		opt_fields_got(o, &ed, got);
	return ok;
}

static void exp_opt_fields(const sc_expect_t *e, const ev_t *ev,
			   dns_strbuf_t *sb)
{
	(void)ev;
	const xp_opt_t *o = &e->opt;
	const char *sep = "";
	if (o->has_version)
		dns_sb_printf(sb, "version %u", o->version), sep = ", ";
	if (o->has_do)
		dns_sb_printf(sb, "%sdo=%d", sep, o->do_bit), sep = ", ";
	if (o->udp.has_min || o->udp.has_max) {
		dns_sb_printf(sb, "%sudp_size ", sep);
		range_text(&o->udp, "byte", sb);
		sep = ", ";
	}
	if (o->has_ext_rcode)
		dns_sb_printf(sb, "%sext_rcode %u", sep, o->ext_rcode),
		    sep = ", ";
	if (o->fl_has)
		dns_sb_printf(sb, "%sflags has 0x%04x", sep, o->fl_has),
		    sep = ", ";
	if (o->fl_lacks)
		dns_sb_printf(sb, "%sflags lack 0x%04x", sep, o->fl_lacks),
		    sep = ", ";
	if (o->has_mbz)
		dns_sb_printf(sb, "%sZ bits 0x%04x", sep, o->mbz);
}

static bool opt_has_fields(const xp_opt_t *o)
{
	return o->has_version || o->has_do || o->udp.has_min ||
	       o->udp.has_max || o->has_ext_rcode || o->fl_has || o->fl_lacks ||
	       o->has_mbz;
}

static void options_list(const dns_edns_t *ed, dns_strbuf_t *sb)
{
	dns_edns_iter_t it;
	dns_edns_opt_t op;
	char b[16];
	size_t n = 0;
	dns_edns_iter_init(&it, ed->opts, ed->optlen);
	dns_sb_puts(sb, "options:");
	while (dns_edns_next(&it, &op, NULL))
		dns_sb_printf(sb, "%s%s", n++ ? ", " : " ",
			      dns_edns_opt_to_text(op.code, b));
	if (n == 0)
		dns_sb_puts(sb, " (none)");
	if (it.rc != DNS_OK)
		dns_sb_printf(sb, " (cut TLV at offset %zu)", it.err_off);
}

static bool chk_opt_options(const sc_expect_t *e, const ev_t *ev,
			    const xmsg_t *x, dns_strbuf_t *got)
{
	(void)ev;
	const xp_opt_t *o = &e->opt;
	dns_edns_t ed;
	dns_edns_opt_t op;
	if (!opt_of(x, &ed, NULL))
		return true; /* reported by opt.present */
	bool ok = true;
	for (size_t i = 0; i < o->nopt_has; i++)
		ok = ok && dns_edns_find(&ed, o->opt_has[i], &op);
	for (size_t i = 0; i < o->nopt_lacks; i++)
		ok = ok && !dns_edns_find(&ed, o->opt_lacks[i], &op);
	if (!ok && got != NULL)
		options_list(&ed, got);
	return ok;
}

static void exp_opt_options(const sc_expect_t *e, const ev_t *ev,
			    dns_strbuf_t *sb)
{
	(void)ev;
	const xp_opt_t *o = &e->opt;
	char b[16];
	for (size_t i = 0; i < o->nopt_has; i++)
		dns_sb_printf(sb, "%shas %s", i ? ", " : "",
			      dns_edns_opt_to_text(o->opt_has[i], b));
	for (size_t i = 0; i < o->nopt_lacks; i++)
		dns_sb_printf(sb, "%slacks %s", i || o->nopt_has ? ", " : "",
			      dns_edns_opt_to_text(o->opt_lacks[i], b));
}

/* The COOKIE option of a message, parsed; false with the got text when
 * there is none or it is malformed. */
static bool cookie_of(const dns_edns_t *ed, dns_edns_cookie_t *ck,
		      dns_strbuf_t *got)
{
	dns_edns_opt_t op;
	dns_error_t err = {0};
	if (!dns_edns_find(ed, DNS_OPT_COOKIE, &op)) {
		if (got != NULL)
			dns_sb_puts(got, "no COOKIE option");
		return false;
	}
	if (dns_edns_cookie_parse(&op, ck, &err) == DNS_OK)
		return true;
	if (got != NULL)
		dns_sb_printf(got, "malformed COOKIE option: %s",
			      err.detail[0] ? err.detail
					    : dns_rc_text(err.code));
	return false;
}

static bool chk_opt_cookie(const sc_expect_t *e, const ev_t *ev,
			   const xmsg_t *x, dns_strbuf_t *got)
{
	dns_edns_t ed;
	dns_edns_opt_t op;
	dns_edns_cookie_t ck;
	if (e->opt.cookie == XP_COOKIE_ABSENT) {
		if (!x->header)
			return no_header(x, got);
		bool found = opt_of(x, &ed, NULL) &&
			     dns_edns_find(&ed, DNS_OPT_COOKIE, &op);
		if (found && got != NULL)
			dns_sb_puts(got, "a COOKIE option");
		return !found;
	}
	if (!opt_of(x, &ed, got) || !cookie_of(&ed, &ck, got))
		return false;
	if (e->opt.cookie == XP_COOKIE_PRESENT)
		return true;
	bool echoed = memcmp(ck.client, ev->q->cookie, 8) == 0;
	if (echoed && (e->opt.cookie != XP_COOKIE_SERVER || ck.server_len > 0))
		return true;
	if (got != NULL) {
		dns_sb_puts(got, "client cookie ");
		dns_sb_hex(got, ck.client, 8);
		if (echoed)
			dns_sb_puts(got, " and no server cookie");
	}
	return false;
}

static void exp_opt_cookie(const sc_expect_t *e, const ev_t *ev,
			   dns_strbuf_t *sb)
{
	if (e->opt.cookie == XP_COOKIE_ECHO ||
	    e->opt.cookie == XP_COOKIE_SERVER) {
		dns_sb_puts(sb, "client cookie ");
		dns_sb_hex(sb, ev->q->cookie, 8);
		dns_sb_puts(sb, e->opt.cookie == XP_COOKIE_ECHO
				    ? " echoed"
				    : " echoed with a server cookie");
	} else {
		dns_sb_puts(sb, e->opt.cookie == XP_COOKIE_PRESENT
				    ? "a COOKIE option"
				    : "no COOKIE option");
	}
}

static void check_opt(const sc_expect_t *e, ev_t *ev, const char *prefix)
{
	static const mcheck_t absent = {"opt.absent", chk_opt_absent, NULL,
					"no OPT record"};
	static const mcheck_t present = {"opt.present", chk_opt_present, NULL,
					 "an OPT record"};
	static const mcheck_t fields = {"opt", chk_opt_fields, exp_opt_fields,
					NULL};
	static const mcheck_t options = {"opt.options", chk_opt_options,
					 exp_opt_options, NULL};
	static const mcheck_t cookie = {"opt.cookie", chk_opt_cookie,
					exp_opt_cookie, NULL};
	const xp_opt_t *o = &e->opt;
	if (!o->set)
		return;
	if (o->absent) {
		per_message(ev, e, prefix, &absent, false);
		return;
	}
	bool only_absent_cookie = o->cookie == XP_COOKIE_ABSENT &&
				  !o->present && !opt_has_fields(o) &&
				  !o->nopt_has && !o->nopt_lacks;
	if (!only_absent_cookie)
		per_message(ev, e, prefix, &present, false);
	if (opt_has_fields(o))
		per_message(ev, e, prefix, &fields, false);
	if (o->nopt_has || o->nopt_lacks)
		per_message(ev, e, prefix, &options, false);
	if ((o->cookie == XP_COOKIE_ECHO || o->cookie == XP_COOKIE_SERVER) &&
	    !ev->q->has_cookie)
		reason(ev, prefix, "opt.cookie", "the client cookie echoed",
		       "the query sent no cookie");
	else if (o->cookie != XP_COOKIE_NONE)
		per_message(ev, e, prefix, &cookie, false);
}

/* ---- implicit checks ----------------------------------------------------- */

/* A message without even a header: implicit.strict says so, unless it is
 * off; then each implicit check does. */
static bool headerless(const sc_expect_t *e, const xmsg_t *x, dns_strbuf_t *got)
{
	return e->implicit.strict || e->implicit.strict_explicit ||
	       no_header(x, got);
}

static uint16_t query_id(const ev_t *ev)
{
	const uint8_t *q = ev->obs->query;
	return (uint16_t)(q[0] << 8 | q[1]);
}

static bool chk_id(const sc_expect_t *e, const ev_t *ev, const xmsg_t *x,
		   dns_strbuf_t *got)
{
	if (!x->header)
		return headerless(e, x, got);
	if (got != NULL)
		dns_sb_printf(got, "id %u", x->m.id);
	return x->m.id == query_id(ev);
}

static void exp_id(const sc_expect_t *e, const ev_t *ev, dns_strbuf_t *sb)
{
	(void)e;
	dns_sb_printf(sb, "id %u (echoed)", query_id(ev));
}

static bool chk_qr(const sc_expect_t *e, const ev_t *ev, const xmsg_t *x,
		   dns_strbuf_t *got)
{
	(void)ev;
	if (!x->header)
		return headerless(e, x, got);
	bool qr = (x->m.flags & DNS_F_QR) != 0;
	if (got != NULL)
		dns_sb_printf(got, "qr=%d", qr);
	return qr;
}

static uint8_t query_opcode(const ev_t *ev)
{
	const sc_observed_t *obs = ev->obs;
	if (obs->query != NULL && obs->qlen >= 3)
		return (uint8_t)((obs->query[2] >> 3) & 0xf);
	return (uint8_t)ev->q->opcode;
}

static bool chk_implicit_opcode(const sc_expect_t *e, const ev_t *ev,
				const xmsg_t *x, dns_strbuf_t *got)
{
	if (!x->header)
		return headerless(e, x, got);
	char b[16];
	uint8_t op = (uint8_t)DNS_OPCODE(x->m.flags);
	if (got != NULL)
		dns_sb_puts(got, dns_opcode_to_text(op, b));
	return op == query_opcode(ev);
}

static void exp_implicit_opcode(const sc_expect_t *e, const ev_t *ev,
				dns_strbuf_t *sb)
{
	(void)e;
	char b[16];
	dns_sb_printf(sb, "%s (echoed)",
		      dns_opcode_to_text(query_opcode(ev), b));
}

static bool chk_implicit_question(const sc_expect_t *e, const ev_t *ev,
				  const xmsg_t *x, dns_strbuf_t *got)
{
	const sc_query_t *q = ev->q;
	if (!x->header)
		return headerless(e, x, got);
	/* An error response (FORMERR, NOTIMP, REFUSED, NOTAUTH ...) may
	 * leave the question out: no RFC requires it there. Answers
	 * (NOERROR, NXDOMAIN) must carry it. An explicit question: {echo:
	 * true} still requires it always. */
	uint16_t rc = dns_msg_rcode(&x->m);
	if (x->m.counts[0] == 0 && rc != DNS_RCODE_NOERROR &&
	    rc != DNS_RCODE_NXDOMAIN)
		return true;
	dns_name_t qname;
	sc_query_qname(q, &qname);
	return question_is(x, x != &ev->msgs[0], &qname, q->qtype, q->qclass,
			   true, true, true, got);
}

static void exp_implicit_question(const sc_expect_t *e, const ev_t *ev,
				  dns_strbuf_t *sb)
{
	(void)e;
	const sc_query_t *q = ev->q;
	dns_name_t qname;
	sc_query_qname(q, &qname);
	question_text(&qname, q->qclass, q->qtype, sb);
	dns_sb_puts(sb, " (echoed)");
}

static bool chk_strict(const sc_expect_t *e, const ev_t *ev, const xmsg_t *x,
		       dns_strbuf_t *got)
{
	(void)e;
	(void)ev;
	if (x->strict || got == NULL)
		return x->strict;
	violations_text(&x->m, got);
	return false;
}

/* Do the implicit ID and question checks apply? */
static bool implicit_id(const sc_expect_t *e, const ev_t *ev)
{
	const sc_observed_t *obs = ev->obs;
	return e->implicit.id && obs->query != NULL && obs->qlen >= 2;
}

static bool implicit_question(const sc_expect_t *e, const ev_t *ev)
{
	return e->implicit.question && ev->q->has_question;
}

/* Does a lone message pass every implicit check that applies? Most do,
 * and are judged here by direct calls of the checks; otherwise each
 * check runs through per_message, which names the ones that fail. */
static bool implicit_pass(const sc_expect_t *e, const ev_t *ev)
{
	const xp_implicit_t *im = &e->implicit;
	const xmsg_t *x = &ev->msgs[0];
	return ev->nmsgs == 1 && (!im->strict || chk_strict(e, ev, x, NULL)) &&
	       (!implicit_id(e, ev) || chk_id(e, ev, x, NULL)) &&
	       (!im->qr || chk_qr(e, ev, x, NULL)) &&
	       (!im->opcode || chk_implicit_opcode(e, ev, x, NULL)) &&
	       (!implicit_question(e, ev) ||
		chk_implicit_question(e, ev, x, NULL));
}

static void check_implicit(const sc_expect_t *e, ev_t *ev)
{
	static const mcheck_t strict = {"implicit.strict", chk_strict, NULL,
					"a message that decodes strictly"};
	static const mcheck_t id = {"implicit.id", chk_id, exp_id, NULL};
	static const mcheck_t qr = {"implicit.qr", chk_qr, NULL, "qr=1"};
	static const mcheck_t opcode = {"implicit.opcode", chk_implicit_opcode,
					exp_implicit_opcode, NULL};
	static const mcheck_t question = {"implicit.question",
					  chk_implicit_question,
					  exp_implicit_question, NULL};
	const xp_implicit_t *im = &e->implicit;
	const sc_observed_t *obs = ev->obs;
	if (!implicit_pass(e, ev)) {
		if (im->strict)
			per_message(ev, e, "", &strict, false);
		if (implicit_id(e, ev))
			per_message(ev, e, "", &id, false);
		if (im->qr)
			per_message(ev, e, "", &qr, false);
		if (im->opcode)
			per_message(ev, e, "", &opcode, false);
		if (implicit_question(e, ev))
			per_message(ev, e, "", &question, false);
	}
	if (im->unsolicited && obs->hold != NULL && obs->hold->bytes > 0) {
		txt_t got;
		txt_init(&got);
		sc_hold_text(obs->hold, &got.sb);
		reason(ev, "", "implicit.unsolicited",
		       "nothing from the server after the response (on the "
		       "held connection)",
		       txt_end(&got));
	}
}

static bool eval_node(const sc_expect_t *e, ev_t *ev, const char *prefix);

/* ---- tsig ---------------------------------------------------------------- */

/* The MAC of the query sent, when it carries a TSIG. */
static bool request_mac(const ev_t *ev, dns_tsig_rr_t *rr)
{
	bool found = false;
	const sc_observed_t *obs = ev->obs;
	return obs->query != NULL &&
	       dns_tsig_find(obs->query, obs->qlen, &found, rr, NULL) ==
		   DNS_OK &&
	       found;
}

/* Verify every message in order with the query's key (the TSIG fields
 * are read even without a key). */
static bool tsig_results(ev_t *ev)
{
	if (ev->tsig != NULL)
		return true;
	ev->tsig = dns_arena_alloc(ev->arena, ev->nmsgs * sizeof(*ev->tsig));
	ev->tsig_rc = dns_arena_alloc(ev->arena, ev->nmsgs * sizeof(dns_rc_t));
	if (ev->tsig == NULL || ev->tsig_rc == NULL) {
		ev->nomem = true;
		return false;
	}
	dns_tsig_rr_t req;
	bool has_req = request_mac(ev, &req);
	dns_tsig_verifier_t v;
	dns_tsig_verifier_init(&v, ev->q->tsig_key, has_req ? req.mac : NULL,
			       has_req ? req.mac_len : 0, (uint64_t)time(NULL));
	for (size_t i = 0; i < ev->nmsgs; i++)
		ev->tsig_rc[i] = dns_tsig_verify_next(
		    &v, ev->msgs[i].wire, ev->msgs[i].len, &ev->tsig[i]);
	dns_tsig_verifier_free(&v);
	return true;
}

/* A TSIG error field: 16 is BADSIG here, not BADVERS. */
static const char *tsig_error_text(uint16_t code, char buf[16])
{
	return code == DNS_TSIG_ERROR_BADSIG ? "BADSIG"
					     : dns_rcode_to_text(code, buf);
}

static void tsig_text(const ev_t *ev, size_t i, dns_strbuf_t *sb)
{
	const dns_tsig_result_t *r = &ev->tsig[i];
	char name[DNS_NAME_TEXT_MAX], alg[DNS_NAME_TEXT_MAX], rc[16];
	if (ev->nmsgs > 1)
		dns_sb_printf(sb, "message %zu: ", i + 1);
	if (ev->tsig_rc[i] != DNS_OK && !r->present) {
		dns_sb_printf(sb, "no readable TSIG (%s)",
			      dns_rc_name(ev->tsig_rc[i]));
		return;
	}
	if (!r->present) {
		dns_sb_puts(sb, "no TSIG");
		return;
	}
	dns_name_to_text(&r->rr.key_name, name, sizeof(name));
	dns_name_to_text(&r->rr.alg_name, alg, sizeof(alg));
	dns_sb_printf(sb, "TSIG %s %s, MAC %u bytes, error %s, other %u bytes",
		      name, alg, r->rr.mac_len,
		      tsig_error_text(r->rr.error, rc), r->rr.other_len);
	if (ev->q->tsig_key != NULL)
		dns_sb_printf(sb, ": %s", dns_tsig_status_name(r->status));
}

static bool has_mac(const dns_tsig_result_t *r)
{
	return r->present && r->rr.mac_len > 0;
}

/* Index of the first message failing "signed" (first and last carry a
 * MAC, no more than 99 unsigned in a row), or nmsgs. */
static size_t unsigned_at(const ev_t *ev)
{
	size_t last = ev->nmsgs - 1;
	if (!has_mac(&ev->tsig[0]))
		return 0;
	for (size_t i = 0; i < ev->nmsgs; i++)
		if (ev->tsig[i].status == DNS_TSIG_TOO_SPARSE)
			return i;
	return has_mac(&ev->tsig[last]) ? ev->nmsgs : last;
}

/* First message failing "valid" (or "verified" when any_time: a MAC
 * that verifies outside the fudge passes), or nmsgs. */
static size_t invalid_at(const ev_t *ev, bool any_time)
{
	size_t bad = unsigned_at(ev);
	for (size_t i = 0; i < ev->nmsgs && i < bad; i++) {
		dns_tsig_status_t st = ev->tsig[i].status;
		if (ev->tsig[i].present && st != DNS_TSIG_VALID &&
		    !(any_time && st == DNS_TSIG_BADTIME))
			return i;
	}
	return bad;
}

static size_t first_where(const ev_t *ev, bool (*pred)(const ev_t *, size_t))
{
	for (size_t i = 0; i < ev->nmsgs; i++)
		if (pred(ev, i))
			return i;
	return ev->nmsgs;
}

static bool is_present(const ev_t *ev, size_t i)
{
	return ev->tsig[i].present;
}

static bool mac_present(const ev_t *ev, size_t i)
{
	return has_mac(&ev->tsig[i]);
}

static void tsig_reason(ev_t *ev, const char *prefix, const char *check,
			const char *expected, size_t at)
{
	txt_t got;
	txt_init(&got);
	tsig_text(ev, at, &got.sb);
	reason(ev, prefix, check, expected, txt_end(&got));
}

/* valid: (any_time false) or verified: (true). */
static void tsig_mac(xp_tri_t want, bool any_time, ev_t *ev, const char *prefix)
{
	const char *check = any_time ? "tsig.verified" : "tsig.valid";
	if (want == XP_UNSET)
		return;
	if (ev->q->tsig_key == NULL) {
		reason(ev, prefix, check,
		       "a response to a query signed with a key",
		       "the query has no tsig:");
		return;
	}
	size_t at = invalid_at(ev, any_time);
	if (want == XP_TRUE && at < ev->nmsgs)
		tsig_reason(ev, prefix, check,
			    any_time ? "every message signed with the query's "
				       "key and every MAC verified"
				     : "every message signed with the query's "
				       "key and every MAC verified, in time",
			    at);
	if (want == XP_FALSE && at == ev->nmsgs)
		reason(ev, prefix, check,
		       "a response whose signature does not verify",
		       "every MAC verified");
}

static void tsig_flags(const xp_tsig_t *t, ev_t *ev, const char *prefix)
{
	size_t n = ev->nmsgs, at;
	if (t->present == XP_TRUE &&
	    (!is_present(ev, 0) || !is_present(ev, n - 1)))
		tsig_reason(ev, prefix, "tsig.present",
			    "a TSIG record in the first and the last message",
			    is_present(ev, 0) ? n - 1 : 0);
	if (t->present == XP_FALSE && (at = first_where(ev, is_present)) < n)
		tsig_reason(ev, prefix, "tsig.present", "no TSIG record", at);
	if (t->signed_ == XP_TRUE && (at = unsigned_at(ev)) < n)
		tsig_reason(ev, prefix, "tsig.signed",
			    "signed: a MAC in the first and the last message, "
			    "at most 99 unsigned in a row",
			    at);
	if (t->signed_ == XP_FALSE && (at = first_where(ev, mac_present)) < n)
		tsig_reason(ev, prefix, "tsig.signed", "no TSIG with a MAC",
			    at);
	tsig_mac(t->valid, false, ev, prefix);
	tsig_mac(t->verified, true, ev, prefix);
}

/* The first message with a TSIG whose field is off, or nmsgs. */
static size_t field_off(const xp_tsig_t *t, const ev_t *ev)
{
	for (size_t i = 0; i < ev->nmsgs; i++) {
		const dns_tsig_result_t *r = &ev->tsig[i];
		if (!r->present)
			continue;
		if ((t->has_error && r->rr.error != t->error) ||
		    !in_range(&t->mac_size, r->rr.mac_len) ||
		    !in_range(&t->other_size, r->rr.other_len))
			return i;
	}
	return ev->nmsgs;
}

static void tsig_fields(const xp_tsig_t *t, ev_t *ev, const char *prefix)
{
	bool any = t->has_error || t->mac_size.has_min || t->mac_size.has_max ||
		   t->other_size.has_min || t->other_size.has_max;
	if (!any)
		return;
	txt_t ex;
	txt_init(&ex);
	char rc[16];
	dns_sb_puts(&ex.sb, "a TSIG with");
	const char *sep = " ";
	if (t->has_error) {
		dns_sb_printf(&ex.sb, " error %s",
			      tsig_error_text(t->error, rc));
		sep = ", ";
	}
	if (t->mac_size.has_min || t->mac_size.has_max) {
		dns_sb_printf(&ex.sb, "%sa MAC of ", sep);
		range_text(&t->mac_size, "byte", &ex.sb);
		sep = ", ";
	}
	if (t->other_size.has_min || t->other_size.has_max) {
		dns_sb_printf(&ex.sb, "%sother data of ", sep);
		range_text(&t->other_size, "byte", &ex.sb);
	}
	size_t at = !is_present(ev, 0) ? 0 : field_off(t, ev);
	if (at < ev->nmsgs)
		tsig_reason(ev, prefix, "tsig", txt_end(&ex), at);
}

static void check_tsig(const sc_expect_t *e, ev_t *ev, const char *prefix)
{
	if (!e->tsig.set || !tsig_results(ev))
		return;
	tsig_flags(&e->tsig, ev, prefix);
	tsig_fields(&e->tsig, ev, prefix);
}

/* ---- stream -------------------------------------------------------------- */

static const dns_rr_t *first_answer(const ev_t *ev)
{
	return ev->nall[DNS_SEC_ANSWER] ? &ev->all[DNS_SEC_ANSWER][0] : NULL;
}

static const dns_rr_t *last_answer(const ev_t *ev)
{
	size_t n = ev->nall[DNS_SEC_ANSWER];
	return n ? &ev->all[DNS_SEC_ANSWER][n - 1] : NULL;
}

static void rr_or_none(const dns_rr_t *rr, const char *what, dns_strbuf_t *sb)
{
	dns_sb_printf(sb, "%s: ", what);
	if (rr == NULL)
		dns_sb_puts(sb, "no answer record");
	else
		rr_text(rr, sb);
}

static bool same_rr(const dns_rr_t *a, const dns_rr_t *b)
{
	return a->type == b->type && a->rclass == b->rclass &&
	       a->rdlen == b->rdlen && dns_name_equal(&a->owner, &b->owner) &&
	       (a->rdlen == 0 || memcmp(a->rdata, b->rdata, a->rdlen) == 0);
}

static void stream_soa(const xp_stream_t *s, ev_t *ev, const char *prefix)
{
	const dns_rr_t *f = first_answer(ev), *l = last_answer(ev);
	txt_t got;
	bool first_soa = f != NULL && f->type == DNS_T_SOA;
	bool last_soa = l != NULL && l->type == DNS_T_SOA &&
			(f == NULL || f->type != DNS_T_SOA || same_rr(f, l)) &&
			ev->nall[DNS_SEC_ANSWER] > 1;
	if (s->soa_first != XP_UNSET &&
	    first_soa != (s->soa_first == XP_TRUE)) {
		txt_init(&got);
		rr_or_none(f, "first", &got.sb);
		reason(ev, prefix, "stream.soa_first",
		       s->soa_first == XP_TRUE ? "an SOA as the first record"
					       : "no SOA as the first record",
		       txt_end(&got));
	}
	if (s->soa_last != XP_UNSET && last_soa != (s->soa_last == XP_TRUE)) {
		txt_init(&got);
		rr_or_none(l, "last", &got.sb);
		dns_sb_printf(&got.sb, " (%zu answer records)",
			      ev->nall[DNS_SEC_ANSWER]);
		reason(ev, prefix, "stream.soa_last",
		       s->soa_last == XP_TRUE
			   ? "the first SOA again as the last record"
			   : "not an SOA as the last record",
		       txt_end(&got));
	}
}

static void stream_pat(const xp_pat_t *p, const dns_rr_t *rr, ev_t *ev,
		       const char *prefix, const char *check, const char *what)
{
	if (p == NULL || (rr != NULL && pat_match(p, rr)))
		return;
	txt_t got;
	txt_init(&got);
	rr_or_none(rr, what, &got.sb);
	reason(ev, prefix, check, p->text, txt_end(&got));
}

/* prefix + s, or prefix when out of memory. */
static const char *pfx(ev_t *ev, const char *prefix, const char *s)
{
	const char *p = ev_strdup(ev, prefix, s);
	return p != NULL ? p : prefix;
}

/* Evaluate e on message i alone. */
static bool on_message(const sc_expect_t *e, ev_t *ev, size_t i,
		       const char *prefix)
{
	ev_t one = *ev;
	one.msgs = &ev->msgs[i];
	one.nmsgs = 1;
	one.tsig = NULL; /* the stream's verdicts, message i's part */
	one.tsig_rc = NULL;
	if (tsig_results(ev)) {
		one.tsig = &ev->tsig[i];
		one.tsig_rc = &ev->tsig_rc[i];
	}
	memset(one.all, 0, sizeof(one.all));
	memset(one.nall, 0, sizeof(one.nall));
	if (!concat(&one)) {
		ev->nomem = true;
		return false;
	}
	bool ok = eval_node(e, &one, prefix);
	ev->r = one.r;
	ev->nr = one.nr;
	ev->cap = one.cap;
	ev->nomem |= one.nomem;
	return ok;
}

static void stream_each(const sc_expect_t *e, ev_t *ev, const char *prefix)
{
	for (size_t i = 0; i < ev->nmsgs; i++) {
		char b[48];
		snprintf(b, sizeof(b), "stream.message[%zu].", i + 1);
		if (!on_message(e, ev, i, pfx(ev, prefix, b)))
			return; /* the first message that fails says it */
	}
}

static void check_stream(const sc_expect_t *e, ev_t *ev, const char *prefix)
{
	const xp_stream_t *s = &e->stream;
	if (!s->set)
		return;
	stream_soa(s, ev, prefix);
	stream_pat(s->first_record, first_answer(ev), ev, prefix,
		   "stream.first_record", "first");
	stream_pat(s->last_record, last_answer(ev), ev, prefix,
		   "stream.last_record", "last");
	if (s->first != NULL)
		on_message(s->first, ev, 0,
			   pfx(ev, prefix, "stream.first_message."));
	if (s->last != NULL)
		on_message(s->last, ev, ev->nmsgs - 1,
			   pfx(ev, prefix, "stream.last_message."));
	if (s->each != NULL)
		stream_each(s->each, ev, prefix);
}

/* ---- hold: (tcp: {hold:}) ------------------------------------------------ */

/* The TCP-KEEPALIVE timeout the response advertised, in ms; of several
 * messages the last one carrying the option (RFC 7828 3.2.2: a later one
 * overrides). XP_KEEPALIVE_NONE / _EMPTY when there is none / no value. */
static long keepalive_ms(const ev_t *ev)
{
	for (size_t i = ev->nmsgs; i-- > 0;) {
		dns_edns_t ed;
		dns_edns_opt_t o;
		if (!opt_of(&ev->msgs[i], &ed, NULL) ||
		    !dns_edns_find(&ed, DNS_OPT_KEEPALIVE, &o))
			continue;
		if (o.len < 2)
			return XP_KEEPALIVE_EMPTY;
		return 100L * (long)(((unsigned)o.data[0] << 8) | o.data[1]);
	}
	return XP_KEEPALIVE_NONE;
}

static void check_hold(const sc_expect_t *e, ev_t *ev, const char *prefix)
{
	if (!e->hold.set)
		return;
	static const sc_hold_obs_t none; /* no hold was asked */
	const sc_hold_obs_t *h = ev->obs->hold ? ev->obs->hold : &none;
	xp_hold_fail_t f[XP_HOLD_FAILS];
	size_t n = xp_hold_judge(&e->hold, h, keepalive_ms(ev), f);
	for (size_t i = 0; i < n; i++)
		reason(ev, prefix, f[i].check, f[i].expected, f[i].got);
}

/* ---- the tree ------------------------------------------------------------ */

/* no_response: and closed: (set in e). */
static void check_silence(const sc_expect_t *e, ev_t *ev, const char *prefix)
{
	const sc_observed_t *obs = ev->obs;
	txt_t got;
	txt_init(&got);
	summary_text(ev, &got.sb);
	if (e->no_response == XP_TRUE && obs->status != SC_NET_TIMEOUT)
		reason(ev, prefix, "no_response", "no response", txt_end(&got));
	bool closed =
	    obs->status == SC_NET_CLOSED || obs->status == SC_NET_RESET;
	if (e->closed == XP_TRUE && !closed)
		reason(ev, prefix, "closed",
		       "the server closes or resets the connection",
		       txt_end(&got));
	if (e->closed == XP_FALSE && closed)
		reason(ev, prefix, "closed", "the connection stays open",
		       txt_end(&got));
}

static void check_outcome(const sc_expect_t *e, ev_t *ev, const char *prefix)
{
	const sc_observed_t *obs = ev->obs;
	txt_t got;
	if (e->no_response != XP_UNSET || e->closed != XP_UNSET)
		check_silence(e, ev, prefix);
	if (e->alive == XP_TRUE && !(obs->alive_probed && obs->alive))
		reason(ev, prefix, "alive",
		       "the server answers a probe query afterwards",
		       obs->alive_probed ? "the probe got no answer"
					 : "no probe was made");
	if ((e->ignored.has_min || e->ignored.has_max) &&
	    !in_range(&e->ignored, obs->ignored)) {
		txt_t ex;
		txt_init(&ex);
		txt_init(&got);
		range_text(&e->ignored, "response", &ex.sb);
		dns_sb_puts(&ex.sb, " ignored");
		dns_sb_printf(&got.sb, "%zu ignored (%s)", (size_t)obs->ignored,
			      status_text(obs));
		reason(ev, prefix, "ignored", txt_end(&ex), txt_end(&got));
	}
	if (e->messages.has_min || e->messages.has_max) {
		size_t n = ev->answered ? ev->nmsgs : 0;
		if (!in_range(&e->messages, n)) {
			txt_t ex;
			txt_init(&ex);
			txt_init(&got);
			range_text(&e->messages, "message", &ex.sb);
			dns_sb_printf(&got.sb, "%zu message%s", n,
				      n == 1 ? "" : "s");
			if (!ev->answered)
				dns_sb_printf(&got.sb, " (%s)",
					      status_text(obs));
			reason(ev, prefix, "messages", txt_end(&ex),
			       txt_end(&got));
		}
	}
}

static bool eval_node(const sc_expect_t *e, ev_t *ev, const char *prefix);

static const char *sub_prefix(ev_t *ev, const char *prefix, const char *what,
			      size_t i, bool indexed)
{
	char b[48];
	if (indexed)
		snprintf(b, sizeof(b), "%s[%zu].", what, i);
	else
		snprintf(b, sizeof(b), "%s.", what);
	const char *p = ev_strdup(ev, prefix, b);
	return p != NULL ? p : prefix;
}

static void eval_any(const sc_expect_t *e, ev_t *ev, const char *prefix)
{
	size_t before = ev->nr;
	for (size_t i = 0; i < e->nany; i++) {
		if (eval_node(e->any[i], ev,
			      sub_prefix(ev, prefix, "any", i, true))) {
			ev->nr = before; /* one passed: forget the others */
			return;
		}
	}
}

static bool accepts_silence(const sc_expect_t *e);

static void eval_not(const sc_expect_t *e, ev_t *ev, const char *prefix)
{
	size_t before = ev->nr;
	if (!ev->answered && !accepts_silence(e->not_)) {
		/* nothing to judge: not a pass by default */
		reason(ev, prefix, "not.response", "a response",
		       status_text(ev->obs));
		return;
	}
	bool passed =
	    eval_node(e->not_, ev, sub_prefix(ev, prefix, "not", 0, false));
	ev->nr = before;
	if (!passed)
		return;
	txt_t ex;
	txt_init(&ex);
	dns_sb_printf(&ex.sb, "not %s", e->not_->text);
	reason(ev, prefix, "not", txt_end(&ex), "it matched");
}

static bool eval_node(const sc_expect_t *e, ev_t *ev, const char *prefix)
{
	size_t before = ev->nr;
	check_outcome(e, ev, prefix);
	if (e->needs_response && !ev->answered) {
		reason(ev, prefix, "response", "a response",
		       status_text(ev->obs));
	} else if (e->needs_response) {
		check_header(e, ev, prefix);
		check_question(e, ev, prefix);
		check_sections(e, ev, prefix);
		check_opt(e, ev, prefix);
		check_tsig(e, ev, prefix);
		check_stream(e, ev, prefix);
		check_hold(e, ev, prefix);
	}
	if (e->nany)
		eval_any(e, ev, prefix);
	for (size_t i = 0; i < e->nall; i++)
		eval_node(e->all[i], ev,
			  sub_prefix(ev, prefix, "all", i, true));
	if (e->not_ != NULL)
		eval_not(e, ev, prefix);
	return ev->nr == before;
}

static bool accepts_silence(const sc_expect_t *e)
{
	if (e == NULL)
		return false;
	if (e->no_response == XP_TRUE || e->closed == XP_TRUE)
		return true;
	for (size_t i = 0; i < e->nany; i++)
		if (accepts_silence(e->any[i]))
			return true;
	for (size_t i = 0; i < e->nall; i++)
		if (accepts_silence(e->all[i]))
			return true;
	return false; /* not: is judged on a response, see eval_not */
}

static void finish(ev_t *ev, sc_verdict_t *out, sc_verdict_kind_t kind)
{
	static sc_reason_t nomem = {"internal", "memory for the verdict",
				    "out of memory"};
	out->kind = kind;
	out->reasons = ev->r;
	out->nreasons = ev->nr;
	if (ev->nomem) {
		out->kind = SC_ERROR;
		out->reasons = &nomem;
		out->nreasons = 1;
	}
}

void sc_expect_eval(const sc_expect_t *e, const sc_query_t *q,
		    const sc_observed_t *obs, dns_arena_t *arena,
		    sc_verdict_t *out)
{
	static const sc_query_t no_query; /* no question, no cookie */
	ev_t ev;
	xmsg_t one;
	memset(&ev, 0, sizeof(ev));
	ev.q = q != NULL ? q : &no_query;
	ev.obs = obs;
	ev.arena = arena;
	if (obs->status == SC_NET_ERROR) {
		reason(&ev, "", "send", "the query sent to the target",
		       obs->net_detail ? obs->net_detail : "could not send");
		finish(&ev, out, SC_ERROR);
		return;
	}
	if (!decode_all(&ev, &one)) {
		ev.nomem = true;
		finish(&ev, out, SC_ERROR);
		return;
	}
	if (!ev.answered && !accepts_silence(e)) {
		reason(&ev, "", "response", "a response", status_text(obs));
		if (e->alive == XP_TRUE && !(obs->alive_probed && obs->alive))
			reason(&ev, "", "alive",
			       "the server answers a probe query afterwards",
			       obs->alive_probed ? "the probe got no answer"
						 : "no probe was made");
	} else {
		if (ev.answered)
			check_implicit(e, &ev);
		eval_node(e, &ev, "");
	}
	finish(&ev, out, ev.nr ? SC_FAIL : SC_PASS);
}
