/* msgjson.c - a decoded message as JSON text, straight into a jsonw
 * writer: the same document dns_msg_to_json (dns/print.h) builds as a
 * jansson tree (test_report.c checks that they agree), without the tree,
 * since report.json holds one per message sent and received. */
#include <string.h>

#include "dns/edns.h"
#include "dns/arena.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/print.h"
#include "dns/rdata.h"
#include "dns/strbuf.h"
#include "report/report_int.h"

#define RDATA_TEXT_STACK 4096u /* longer RDATA text goes to the heap */

static const struct {
	uint16_t bit;
	const char *name;
} flag_names[] = {
    {DNS_F_QR, "qr"}, {DNS_F_AA, "aa"}, {DNS_F_TC, "tc"}, {DNS_F_RD, "rd"},
    {DNS_F_RA, "ra"}, {DNS_F_Z, "z"},	{DNS_F_AD, "ad"}, {DNS_F_CD, "cd"},
};

static void name_json(jsonw_t *w, const dns_name_t *n)
{
	char text[DNS_NAME_TEXT_MAX];
	dns_name_to_text(n, text, sizeof(text));
	jsonw_cstr(w, text);
}

/* The RDATA in presentation form; null and false when out of memory. */
static bool rdata_json(jsonw_t *w, const dns_rr_t *rr)
{
	char buf[RDATA_TEXT_STACK];
	dns_strbuf_t sb = dns_strbuf_init(buf, sizeof(buf));
	dns_rdata_to_text(rr->type, rr->rdata, rr->rdlen, &sb);
	if (!sb.over) {
		jsonw_str(w, buf, sb.len);
		return true;
	}
	char *s = dns_rdata_to_text_alloc(rr->type, rr->rdata, rr->rdlen);
	if (s == NULL) {
		jsonw_raw(w, "null", 4);
		return false;
	}
	jsonw_cstr(w, s);
	dns_mem_free(s);
	return true;
}

static bool rr_json(jsonw_t *w, const dns_rr_t *rr)
{
	char t[16], c[16];
	JSONW_KEY(w, "{", "name");
	name_json(w, &rr->owner);
	JSONW_KEY(w, ", ", "ttl");
	jsonw_int(w, (int64_t)rr->ttl);
	JSONW_KEY(w, ", ", "class");
	jsonw_cstr(w, dns_class_to_text(rr->rclass, c));
	JSONW_KEY(w, ", ", "type");
	jsonw_cstr(w, dns_type_to_text(rr->type, t));
	JSONW_KEY(w, ", ", "rdata");
	bool ok = rdata_json(w, rr);
	jsonw_raw(w, "}", 1);
	return ok;
}

static void question_json(jsonw_t *w, const dns_question_t *q)
{
	char t[16], c[16];
	JSONW_KEY(w, "{", "name");
	name_json(w, &q->name);
	JSONW_KEY(w, ", ", "type");
	jsonw_cstr(w, dns_type_to_text(q->qtype, t));
	JSONW_KEY(w, ", ", "class");
	jsonw_cstr(w, dns_class_to_text(q->qclass, c));
	jsonw_raw(w, "}", 1);
}

static bool section_json(jsonw_t *w, const dns_msg_t *m, unsigned sec)
{
	unsigned n = sec == DNS_SEC_QUESTION ? m->nqd : m->nsec[sec];
	bool ok = true, first = true;
	jsonw_raw(w, "[", 1);
	for (unsigned i = 0; i < n; i++) {
		const dns_rr_t *rr = sec ? &m->sec[sec][i] : NULL;
		if (rr != NULL && rr == m->opt)
			continue;
		jsonw_raw(w, first ? "" : ", ", first ? 0 : 2);
		first = false;
		if (rr == NULL)
			question_json(w, &m->qd[i]);
		else
			ok = rr_json(w, rr) && ok;
	}
	jsonw_raw(w, "]", 1);
	return ok;
}

static void header_json(jsonw_t *w, const dns_msg_t *m)
{
	static const char *const counts[] = {
	    "{\"question\": ", ", \"answer\": ", ", \"authority\": ",
	    ", \"additional\": "};
	char op[16], rc[16];
	bool first = true;
	JSONW_KEY(w, "{", "id");
	jsonw_int(w, m->id);
	JSONW_KEY(w, ", ", "opcode");
	jsonw_cstr(w, dns_opcode_to_text((uint8_t)DNS_OPCODE(m->flags), op));
	JSONW_KEY(w, ", ", "rcode");
	jsonw_cstr(w, dns_rcode_to_text(dns_msg_rcode(m), rc));
	JSONW_KEY(w, ", ", "flags");
	jsonw_raw(w, "[", 1);
	for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++)
		if (m->flags & flag_names[i].bit) {
			jsonw_raw(w, first ? "" : ", ", first ? 0 : 2);
			jsonw_cstr(w, flag_names[i].name);
			first = false;
		}
	jsonw_raw(w, "]", 1);
	JSONW_KEY(w, ", ", "counts");
	for (unsigned s = 0; s < 4; s++) {
		jsonw_lit(w, counts[s]);
		jsonw_int(w, m->counts[s]);
	}
	jsonw_raw(w, "}", 1);
}

bool report_msg_json(jsonw_t *w, const dns_msg_t *m)
{
	static const char *const secs[] = {
	    ", \"question\": ", ", \"answer\": ", ", \"authority\": ",
	    ", \"additional\": "};
	bool ok = true;
	header_json(w, m);
	for (unsigned sec = 0; sec < 4; sec++) {
		jsonw_lit(w, secs[sec]);
		ok = section_json(w, m, sec) && ok;
	}
	JSONW_KEY(w, ", ", "opt");
	if (m->opt == NULL) {
		jsonw_raw(w, "null", 4);
	} else {
		dns_edns_t e;
		const dns_rr_t *o = m->opt;
		dns_edns_from_rr(o->rclass, o->ttl, o->rdata, o->rdlen, &e,
				 NULL);
		json_t *j = dns_edns_to_json(&e);
		ok = j != NULL && ok;
		jsonw_value(w, j);
		json_decref(j);
	}
	jsonw_raw(w, "}", 1);
	return ok;
}
