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

/* Label bytes that dns_name_to_text writes as they are and that need no
 * escape in JSON either: letters, digits, '-', '_' and '*'. A name made
 * of them only is copied from its wire form; any other takes the long
 * way (test_report.c checks every byte value against dns_name_to_text). */
static const uint8_t name_plain[256] = {
    ['*'] = 1, ['-'] = 1, ['_'] = 1, ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1,
    ['4'] = 1, ['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1, ['A'] = 1,
    ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1, ['F'] = 1, ['G'] = 1, ['H'] = 1,
    ['I'] = 1, ['J'] = 1, ['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1,
    ['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1, ['U'] = 1, ['V'] = 1,
    ['W'] = 1, ['X'] = 1, ['Y'] = 1, ['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1,
    ['d'] = 1, ['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1, ['j'] = 1,
    ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1, ['o'] = 1, ['p'] = 1, ['q'] = 1,
    ['r'] = 1, ['s'] = 1, ['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
    ['y'] = 1, ['z'] = 1,
};

/* The name as a JSON string straight from its labels into w->buf, when
 * all their bytes are plain and there is room; false (nothing written)
 * otherwise. The text is the labels joined and ended by dots ("." for
 * the root): at most DNS_NAME_MAXLEN bytes. */
static bool name_json_plain(jsonw_t *w, const dns_name_t *n)
{
	if (sizeof(w->buf) - w->len < DNS_NAME_MAXLEN + 2)
		return false;
	char *o = w->buf + w->len;
	*o++ = '"';
	if (n->len <= 1)
		*o++ = '.';
	for (size_t i = 0; n->len > 1 && n->wire[i] != 0;) {
		size_t k = n->wire[i];
		const uint8_t *label = n->wire + i + 1;
		if (i + 1 + k >= n->len)
			return false; /* not a valid name: the long way */
		for (size_t j = 0; j < k; j++) {
			if (!name_plain[label[j]])
				return false;
			o[j] = (char)label[j];
		}
		o[k] = '.';
		o += k + 1;
		i += 1 + k;
	}
	*o++ = '"';
	w->len = (size_t)(o - w->buf);
	return true;
}

static void name_json(jsonw_t *w, const dns_name_t *n)
{
	char text[DNS_NAME_TEXT_MAX];
	if (name_json_plain(w, n))
		return;
	dns_name_to_text(n, text, sizeof(text));
	jsonw_cstr(w, text);
}

/* The slot of cache where RDATA of this type and these bytes would be. */
static struct rdcache_slot *rdcache_slot(report_rdcache_t *cache,
					 const dns_rr_t *rr)
{
	size_t h = (size_t)rr->type * 31u + rr->rdlen;
	if (rr->rdlen > 0) /* the last bytes tell most SOAs and As apart */
		h = h * 31u + rr->rdata[rr->rdlen - 1];
	return &cache->slot[h % RDCACHE_SLOTS];
}

static bool rdcache_hit(const struct rdcache_slot *s, const dns_rr_t *rr)
{
	return s->textlen > 0 && s->type == rr->type && s->rdlen == rr->rdlen &&
	       (rr->rdlen == 0 || memcmp(s->rdata, rr->rdata, rr->rdlen) == 0);
}

/* Keep text (len bytes) as the RDATA's JSON string in s; false (and s
 * left empty or as it was) when it does not fit. */
static bool rdcache_put(struct rdcache_slot *s, const dns_rr_t *rr,
			const char *text, size_t len)
{
	if (rr->rdlen > RDCACHE_RDATA_MAX)
		return false;
	size_t n = jsonw_str_mem(s->text, sizeof(s->text), text, len);
	s->textlen = (uint16_t)n; /* 0: the slot is empty */
	if (n == 0)
		return false;
	s->type = rr->type;
	s->rdlen = rr->rdlen;
	if (rr->rdlen > 0)
		memcpy(s->rdata, rr->rdata, rr->rdlen);
	return true;
}

/* The RDATA in presentation form; null and false when out of memory.
 * The text depends on nothing but the type and the bytes, so a text in
 * cache (when not NULL) is used as it is. */
static bool rdata_json(jsonw_t *w, const dns_rr_t *rr, report_rdcache_t *cache)
{
	char buf[RDATA_TEXT_STACK];
	struct rdcache_slot *s = cache ? rdcache_slot(cache, rr) : NULL;
	if (s != NULL && rdcache_hit(s, rr)) {
		jsonw_raw(w, s->text, s->textlen);
		return true;
	}
	dns_strbuf_t sb = dns_strbuf_init(buf, sizeof(buf));
	dns_rdata_to_text(rr->type, rr->rdata, rr->rdlen, &sb);
	if (!sb.over) {
		if (s != NULL && rdcache_put(s, rr, buf, sb.len))
			jsonw_raw(w, s->text, s->textlen);
		else
			jsonw_str(w, buf, sb.len);
		return true;
	}
	char *t = dns_rdata_to_text_alloc(rr->type, rr->rdata, rr->rdlen);
	if (t == NULL) {
		jsonw_raw(w, "null", 4);
		return false;
	}
	jsonw_cstr(w, t);
	dns_mem_free(t);
	return true;
}

static bool rr_json(jsonw_t *w, const dns_rr_t *rr, report_rdcache_t *cache)
{
	char t[16], c[16];
	JSONW_KEY(w, "{", "name");
	name_json(w, &rr->owner);
	JSONW_KEY(w, ", ", "ttl");
	jsonw_int(w, (int64_t)rr->ttl);
	JSONW_KEY(w, ", ", "class");
	jsonw_ident(w, dns_class_to_text(rr->rclass, c));
	JSONW_KEY(w, ", ", "type");
	jsonw_ident(w, dns_type_to_text(rr->type, t));
	JSONW_KEY(w, ", ", "rdata");
	bool ok = rdata_json(w, rr, cache);
	jsonw_raw(w, "}", 1);
	return ok;
}

static void question_json(jsonw_t *w, const dns_question_t *q)
{
	char t[16], c[16];
	JSONW_KEY(w, "{", "name");
	name_json(w, &q->name);
	JSONW_KEY(w, ", ", "type");
	jsonw_ident(w, dns_type_to_text(q->qtype, t));
	JSONW_KEY(w, ", ", "class");
	jsonw_ident(w, dns_class_to_text(q->qclass, c));
	jsonw_raw(w, "}", 1);
}

static bool section_json(jsonw_t *w, const dns_msg_t *m, unsigned sec,
			 report_rdcache_t *cache)
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
			ok = rr_json(w, rr, cache) && ok;
	}
	jsonw_raw(w, "]", 1);
	return ok;
}

/* The header's flags as an array of names, put together on the stack. */
static void flags_json(jsonw_t *w, uint16_t flags)
{
	char b[8 * sizeof(", \"qr\"")];
	size_t n = 1;
	b[0] = '[';
	for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]);
	     i++) {
		if (!(flags & flag_names[i].bit))
			continue;
		size_t k = strlen(flag_names[i].name);
		if (n > 1) {
			memcpy(b + n, ", ", 2);
			n += 2;
		}
		b[n] = '"'; /* the names are plain ASCII */
		memcpy(b + n + 1, flag_names[i].name, k);
		b[n + 1 + k] = '"';
		n += k + 2;
	}
	b[n++] = ']';
	jsonw_raw(w, b, n);
}

static void header_json(jsonw_t *w, const dns_msg_t *m)
{
	char op[16], rc[16];
	JSONW_KEY(w, "{", "id");
	jsonw_int(w, m->id);
	JSONW_KEY(w, ", ", "opcode");
	jsonw_ident(w, dns_opcode_to_text((uint8_t)DNS_OPCODE(m->flags), op));
	JSONW_KEY(w, ", ", "rcode");
	jsonw_ident(w, dns_rcode_to_text(dns_msg_rcode(m), rc));
	JSONW_KEY(w, ", ", "flags");
	flags_json(w, m->flags);
	JSONW_KEY(w, ", ", "counts");
	JSONW_KEY(w, "{", "question");
	jsonw_int(w, m->counts[0]);
	JSONW_KEY(w, ", ", "answer");
	jsonw_int(w, m->counts[1]);
	JSONW_KEY(w, ", ", "authority");
	jsonw_int(w, m->counts[2]);
	JSONW_KEY(w, ", ", "additional");
	jsonw_int(w, m->counts[3]);
	jsonw_raw(w, "}", 1);
}

bool report_msg_json(jsonw_t *w, const dns_msg_t *m, report_rdcache_t *cache)
{
	bool ok = true;
	header_json(w, m);
	JSONW_KEY(w, ", ", "question");
	ok = section_json(w, m, DNS_SEC_QUESTION, cache) && ok;
	JSONW_KEY(w, ", ", "answer");
	ok = section_json(w, m, DNS_SEC_ANSWER, cache) && ok;
	JSONW_KEY(w, ", ", "authority");
	ok = section_json(w, m, DNS_SEC_AUTHORITY, cache) && ok;
	JSONW_KEY(w, ", ", "additional");
	ok = section_json(w, m, DNS_SEC_ADDITIONAL, cache) && ok;
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
