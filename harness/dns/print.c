/* print.c - dig-style and JSON rendering of messages. */
#include "dns/print.h"

#include <stdlib.h>
#include <string.h>

#include "dns/arena.h"
#include "dns/edns.h"

typedef struct flag_name {
	uint16_t bit;
	const char *name;
} flag_name_t;

/* In the order dig prints them. */
static const flag_name_t header_flags[] = {
    {DNS_F_QR, "qr"}, {DNS_F_AA, "aa"}, {DNS_F_TC, "tc"}, {DNS_F_RD, "rd"},
    {DNS_F_RA, "ra"}, {DNS_F_Z, "z"},	{DNS_F_AD, "ad"}, {DNS_F_CD, "cd"},
};

char *dns_rdata_to_text_alloc(uint16_t type, const uint8_t *rdata, size_t len)
{
	char probe[1];
	dns_strbuf_t sb = dns_strbuf_init(probe, sizeof(probe));
	dns_rdata_to_text(type, rdata, len, &sb);
	char *s = dns_mem_alloc(sb.len + 1);
	if (s != NULL) {
		dns_strbuf_t out = dns_strbuf_init(s, sb.len + 1);
		dns_rdata_to_text(type, rdata, len, &out);
	}
	return s;
}

void dns_rr_to_text(const dns_rr_t *rr, dns_strbuf_t *sb)
{
	char name[DNS_NAME_TEXT_MAX], tbuf[16], cbuf[16];
	dns_name_to_text(&rr->owner, name, sizeof(name));
	dns_sb_printf(sb, "%s\t%u\t%s\t%s\t", name, (unsigned)rr->ttl,
		      dns_class_to_text(rr->rclass, cbuf),
		      dns_type_to_text(rr->type, tbuf));
	dns_rdata_to_text(rr->type, rr->rdata, rr->rdlen, sb);
}

static void header_to_text(const dns_msg_t *m, dns_strbuf_t *sb)
{
	char op[16], rc[16];
	dns_sb_printf(sb, ";; ->>HEADER<<- opcode: %s, status: %s, id: %u\n",
		      dns_opcode_to_text((uint8_t)DNS_OPCODE(m->flags), op),
		      dns_rcode_to_text(dns_msg_rcode(m), rc), m->id);
	dns_sb_puts(sb, ";; flags:");
	for (size_t i = 0; i < sizeof(header_flags) / sizeof(header_flags[0]);
	     i++)
		if (m->flags & header_flags[i].bit)
			dns_sb_printf(sb, " %s", header_flags[i].name);
	dns_sb_printf(
	    sb, "; QUERY: %u, ANSWER: %u, AUTHORITY: %u, ADDITIONAL: %u\n",
	    m->counts[0], m->counts[1], m->counts[2], m->counts[3]);
}

static void opt_to_text(const dns_msg_t *m, dns_strbuf_t *sb)
{
	dns_edns_t e;
	const dns_rr_t *o = m->opt;
	dns_edns_from_rr(o->rclass, o->ttl, o->rdata, o->rdlen, &e, NULL);
	dns_sb_puts(sb, "\n;; OPT PSEUDOSECTION:\n");
	dns_edns_to_dig(&e, sb);
}

static void section_to_text(const dns_msg_t *m, unsigned sec, dns_strbuf_t *sb)
{
	static const char *const heads[] = {"QUESTION", "ANSWER", "AUTHORITY",
					    "ADDITIONAL"};
	unsigned n = sec == DNS_SEC_QUESTION ? m->nqd : m->nsec[sec];
	unsigned shown = 0;
	for (unsigned i = 0; i < n; i++) {
		const dns_rr_t *rr = sec ? &m->sec[sec][i] : NULL;
		if (rr != NULL && rr == m->opt)
			continue;
		if (shown++ == 0)
			dns_sb_printf(sb, "\n;; %s SECTION:\n", heads[sec]);
		if (rr == NULL) {
			char name[DNS_NAME_TEXT_MAX], t[16], c[16];
			const dns_question_t *q = &m->qd[i];
			dns_name_to_text(&q->name, name, sizeof(name));
			dns_sb_printf(sb, ";%s\t\t%s\t%s\n", name,
				      dns_class_to_text(q->qclass, c),
				      dns_type_to_text(q->qtype, t));
		} else {
			dns_rr_to_text(rr, sb);
			dns_sb_putc(sb, '\n');
		}
	}
}

void dns_msg_to_text(const dns_msg_t *m, dns_strbuf_t *sb)
{
	header_to_text(m, sb);
	if (m->opt != NULL)
		opt_to_text(m, sb);
	for (unsigned sec = 0; sec < 4; sec++)
		section_to_text(m, sec, sb);
}

char *dns_msg_to_text_alloc(const dns_msg_t *m)
{
	char probe[1];
	dns_strbuf_t sb = dns_strbuf_init(probe, sizeof(probe));
	dns_msg_to_text(m, &sb);
	char *s = dns_mem_alloc(sb.len + 1);
	if (s != NULL) {
		dns_strbuf_t out = dns_strbuf_init(s, sb.len + 1);
		dns_msg_to_text(m, &out);
	}
	return s;
}

/* ---- JSON -------------------------------------------------------------- */

/* Set key to a new reference, failing (false) when v is NULL. */
static bool put(json_t *obj, const char *key, json_t *v)
{
	return v != NULL && json_object_set_new(obj, key, v) == 0;
}

json_t *dns_rr_to_json(const dns_rr_t *rr)
{
	char name[DNS_NAME_TEXT_MAX], t[16], c[16];
	json_t *o = json_object();
	char *rdata = dns_rdata_to_text_alloc(rr->type, rr->rdata, rr->rdlen);
	dns_name_to_text(&rr->owner, name, sizeof(name));
	bool ok =
	    o != NULL && rdata != NULL && put(o, "name", json_string(name)) &&
	    put(o, "ttl", json_integer(rr->ttl)) &&
	    put(o, "class", json_string(dns_class_to_text(rr->rclass, c))) &&
	    put(o, "type", json_string(dns_type_to_text(rr->type, t))) &&
	    put(o, "rdata", json_string(rdata));
	dns_mem_free(rdata);
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *question_to_json(const dns_question_t *q)
{
	char name[DNS_NAME_TEXT_MAX], t[16], c[16];
	dns_name_to_text(&q->name, name, sizeof(name));
	return json_pack("{s:s,s:s,s:s}", "name", name, "type",
			 dns_type_to_text(q->qtype, t), "class",
			 dns_class_to_text(q->qclass, c));
}

static json_t *section_to_json(const dns_msg_t *m, unsigned sec)
{
	json_t *a = json_array();
	unsigned n = sec == DNS_SEC_QUESTION ? m->nqd : m->nsec[sec];
	for (unsigned i = 0; a != NULL && i < n; i++) {
		const dns_rr_t *rr = sec ? &m->sec[sec][i] : NULL;
		if (rr != NULL && rr == m->opt)
			continue;
		json_t *v =
		    rr ? dns_rr_to_json(rr) : question_to_json(&m->qd[i]);
		if (v == NULL || json_array_append_new(a, v) != 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *flags_to_json(uint16_t flags)
{
	json_t *a = json_array();
	for (size_t i = 0;
	     a != NULL && i < sizeof(header_flags) / sizeof(header_flags[0]);
	     i++)
		if ((flags & header_flags[i].bit) &&
		    json_array_append_new(a,
					  json_string(header_flags[i].name))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *opt_to_json(const dns_msg_t *m)
{
	if (m->opt == NULL)
		return json_null();
	dns_edns_t e;
	const dns_rr_t *o = m->opt;
	dns_edns_from_rr(o->rclass, o->ttl, o->rdata, o->rdlen, &e, NULL);
	return dns_edns_to_json(&e);
}

json_t *dns_msg_to_json(const dns_msg_t *m)
{
	static const char *const secs[] = {"question", "answer", "authority",
					   "additional"};
	char op[16], rc[16];
	json_t *o = json_object();
	bool ok = o != NULL && put(o, "id", json_integer(m->id)) &&
		  put(o, "opcode",
		      json_string(dns_opcode_to_text(
			  (uint8_t)DNS_OPCODE(m->flags), op))) &&
		  put(o, "rcode",
		      json_string(dns_rcode_to_text(dns_msg_rcode(m), rc))) &&
		  put(o, "flags", flags_to_json(m->flags)) &&
		  put(o, "counts",
		      json_pack("{s:i,s:i,s:i,s:i}", "question", m->counts[0],
				"answer", m->counts[1], "authority",
				m->counts[2], "additional", m->counts[3]));
	for (unsigned sec = 0; ok && sec < 4; sec++)
		ok = put(o, secs[sec], section_to_json(m, sec));
	ok = ok && put(o, "opt", opt_to_json(m));
	if (!ok) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *dns_violations_to_json(const dns_msg_t *m)
{
	json_t *a = json_array();
	for (unsigned i = 0; a != NULL && i < m->nviol; i++) {
		const dns_violation_t *v = &m->viol[i];
		json_t *o = json_pack(
		    "{s:s,s:I,s:s,s:i,s:s}", "code", dns_rc_name(v->code),
		    "offset", (json_int_t)v->offset, "section",
		    dns_section_name((dns_section_t)v->section), "index",
		    v->index, "text", dns_rc_text(v->code));
		if (o == NULL || json_array_append_new(a, o) != 0) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}
