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
 * the root): the wire form without its first byte, each length byte
 * after the first become the dot that ends the label before it. At most
 * DNS_NAME_MAXLEN bytes. */
static bool name_json_plain(jsonw_t *w, const dns_name_t *n)
{
	if (sizeof(w->buf) - w->len < DNS_NAME_MAXLEN + 2)
		return false;
	char *o = w->buf + w->len;
	size_t len = n->len;
	o[0] = '"';
	if (len <= 1) {
		memcpy(o + 1, ".\"", 2);
		w->len += 3;
		return true;
	}
	/* the bytes in one copy (a fixed 32 for most names: both sides have
	 * room for them), then the dots over the length bytes */
	if (len <= 32)
		memcpy(o + 1, n->wire + 1, 32);
	else
		memcpy(o + 1, n->wire + 1, len - 1);
	for (size_t i = 0; i < len - 1;) {
		size_t k = n->wire[i];
		const uint8_t *label = n->wire + i + 1;
		if (k == 0 || i + 1 + k >= len)
			return false; /* not a valid name: the long way */
		unsigned plain = 1;
		size_t j = 0;
		for (; j + 4 <= k; j += 4) /* four a turn: fewer loop steps */
			plain &=
			    name_plain[label[j]] & name_plain[label[j + 1]] &
			    name_plain[label[j + 2]] & name_plain[label[j + 3]];
		for (; j < k; j++)
			plain &= name_plain[label[j]];
		if (!plain)
			return false;
		i += 1 + k;
		o[i] = '.';
	}
	o[len] = '"';
	w->len += len + 1;
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

/* ---- members that depend on a few numbers only --------------------------
 * Written into a buffer of TEXTCACHE_TEXT_MAX bytes, then kept in the
 * cache: a run's messages share a handful of headers and types. */

typedef size_t (*text_fn)(char *o, const uint16_t key[TEXTCACHE_KEY]);

static char *put(char *o, const char *s, size_t n)
{
	memcpy(o, s, n);
	return o + n;
}

/* A string literal as it is. */
#define PUT_LIT(o, lit) put((o), (lit), sizeof(lit) - 1)

/* A name from the program's tables (see jsonw_ident), quoted; at most 15
 * bytes (the tables' buffers have 16). */
static char *put_ident(char *o, const char *s)
{
	size_t n = strlen(s);
	*o = '"';
	memcpy(o + 1, s, n);
	o[1 + n] = '"';
	return o + n + 2;
}

static char *put_uint(char *o, unsigned v)
{
	char b[12], *end = b + sizeof(b);
	char *p = dns_digits(end, v, 1);
	return put(o, p, (size_t)(end - p));
}

/* The header's flags as an array of names: at most 8 * 6 + 2 bytes. */
static char *flags_text(char *o, uint16_t flags)
{
	bool first = true;
	*o++ = '[';
	for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]);
	     i++) {
		if (!(flags & flag_names[i].bit))
			continue;
		if (!first)
			o = PUT_LIT(o, ", ");
		first = false;
		o = put_ident(o, flag_names[i].name); /* plain ASCII */
	}
	*o++ = ']';
	return o;
}

/* The header after its id; key: flags, rcode (with OPT's bits), the four
 * counts. At most 204 bytes: the keys, two names of up to 15 bytes, all
 * eight flags, four counts of five digits. */
static size_t header_text(char *o, const uint16_t key[TEXTCACHE_KEY])
{
	char t[16], *s = o;
	s = PUT_LIT(s, ", \"opcode\": ");
	s = put_ident(s, dns_opcode_to_text((uint8_t)DNS_OPCODE(key[0]), t));
	s = PUT_LIT(s, ", \"rcode\": ");
	s = put_ident(s, dns_rcode_to_text(key[1], t));
	s = PUT_LIT(s, ", \"flags\": ");
	s = flags_text(s, key[0]);
	s = PUT_LIT(s, ", \"counts\": {\"question\": ");
	s = put_uint(s, key[2]);
	s = PUT_LIT(s, ", \"answer\": ");
	s = put_uint(s, key[3]);
	s = PUT_LIT(s, ", \"authority\": ");
	s = put_uint(s, key[4]);
	s = PUT_LIT(s, ", \"additional\": ");
	s = put_uint(s, key[5]);
	*s++ = '}';
	return (size_t)(s - o);
}

/* A question after its name; key: type, class. */
static size_t question_text(char *o, const uint16_t key[TEXTCACHE_KEY])
{
	char t[16], *s = o;
	s = PUT_LIT(s, ", \"type\": ");
	s = put_ident(s, dns_type_to_text(key[0], t));
	s = PUT_LIT(s, ", \"class\": ");
	s = put_ident(s, dns_class_to_text(key[1], t));
	*s++ = '}';
	return (size_t)(s - o);
}

/* An RR between its TTL and its RDATA; key: type, class. */
static size_t rr_text(char *o, const uint16_t key[TEXTCACHE_KEY])
{
	char t[16], *s = o;
	s = PUT_LIT(s, ", \"class\": ");
	s = put_ident(s, dns_class_to_text(key[1], t));
	s = PUT_LIT(s, ", \"type\": ");
	s = put_ident(s, dns_type_to_text(key[0], t));
	s = PUT_LIT(s, ", \"rdata\": ");
	return (size_t)(s - o);
}

enum { TEXT_HEADER, TEXT_QUESTION, TEXT_RR };

/* The text render makes of key, from cache[kind] when it is there. */
static void cached_text(jsonw_t *w, report_rdcache_t *cache, unsigned kind,
			const uint16_t key[TEXTCACHE_KEY], text_fn render)
{
	if (cache == NULL) {
		char b[TEXTCACHE_TEXT_MAX];
		jsonw_raw(w, b, render(b, key));
		return;
	}
	unsigned h = key[0] + 3u * key[1] + 5u * key[2] + 7u * key[3] +
		     11u * key[4] + 13u * key[5];
	struct textcache_slot *s = &cache->text[kind][h % TEXTCACHE_SLOTS];
	if (s->len == 0 || memcmp(s->key, key, sizeof(s->key)) != 0) {
		s->len = (uint16_t)render(s->text, key);
		memcpy(s->key, key, sizeof(s->key));
	}
	jsonw_raw(w, s->text, s->len);
}

/* The start of an entry of a section, up to its name's value: the
 * section's "[" before the first, ", " before the others. */
static void entry_start(jsonw_t *w, bool first)
{
	static const char lead[] = "[{\"name\": ", next[] = ", {\"name\": ";
	if (first)
		jsonw_raw(w, lead, sizeof(lead) - 1);
	else
		jsonw_raw(w, next, sizeof(next) - 1);
}

static bool rr_json(jsonw_t *w, const dns_rr_t *rr, report_rdcache_t *cache)
{
	const uint16_t key[TEXTCACHE_KEY] = {rr->type, rr->rclass};
	name_json(w, &rr->owner);
	JSONW_KEY(w, ", ", "ttl");
	jsonw_int(w, (int64_t)rr->ttl);
	cached_text(w, cache, TEXT_RR, key, rr_text);
	bool ok = rdata_json(w, rr, cache);
	jsonw_raw(w, "}", 1);
	return ok;
}

static void question_json(jsonw_t *w, const dns_question_t *q,
			  report_rdcache_t *cache)
{
	const uint16_t key[TEXTCACHE_KEY] = {q->qtype, q->qclass};
	name_json(w, &q->name);
	cached_text(w, cache, TEXT_QUESTION, key, question_text);
}

/* The entries of a section (n of them, OPT left out) as an array. */
static bool entries_json(jsonw_t *w, const dns_msg_t *m, unsigned sec,
			 unsigned n, report_rdcache_t *cache)
{
	bool ok = true, first = true;
	for (unsigned i = 0; i < n; i++) {
		const dns_rr_t *rr = sec ? &m->sec[sec][i] : NULL;
		if (rr != NULL && rr == m->opt)
			continue;
		entry_start(w, first);
		first = false;
		if (rr == NULL)
			question_json(w, &m->qd[i], cache);
		else
			ok = rr_json(w, rr, cache) && ok;
	}
	if (first) /* only an OPT */
		jsonw_raw(w, "[]", 2);
	else
		jsonw_raw(w, "]", 1);
	return ok;
}

/* The key of each section, followed by "[]" (for an empty one). */
#define SECTION_KEY(name)                                                      \
	{                                                                      \
		", \"" name "\": []", sizeof(", \"" name "\": ") - 1           \
	}
static const struct {
	const char *text;
	size_t keylen; /* the key without "[]" */
} sections[] = {SECTION_KEY("question"), SECTION_KEY("answer"),
		SECTION_KEY("authority"), SECTION_KEY("additional")};

static void header_json(jsonw_t *w, const dns_msg_t *m, report_rdcache_t *cache)
{
	const uint16_t key[TEXTCACHE_KEY] = {m->flags,	   dns_msg_rcode(m),
					     m->counts[0], m->counts[1],
					     m->counts[2], m->counts[3]};
	JSONW_KEY(w, "{", "id");
	jsonw_int(w, m->id);
	cached_text(w, cache, TEXT_HEADER, key, header_text);
}

/* The EDNS members of OPT; false when out of memory. */
static bool opt_json(jsonw_t *w, const dns_rr_t *o)
{
	dns_edns_t e;
	dns_edns_from_rr(o->rclass, o->ttl, o->rdata, o->rdlen, &e, NULL);
	json_t *j = dns_edns_to_json(&e);
	jsonw_value(w, j);
	json_decref(j);
	return j != NULL;
}

bool report_msg_json(jsonw_t *w, const dns_msg_t *m, report_rdcache_t *cache)
{
	bool ok = true;
	header_json(w, m, cache);
	for (unsigned sec = DNS_SEC_QUESTION; sec <= DNS_SEC_ADDITIONAL;
	     sec++) {
		unsigned n = sec == DNS_SEC_QUESTION ? m->nqd : m->nsec[sec];
		if (n == 0) { /* most: the key and "[]" in one constant */
			jsonw_raw(w, sections[sec].text,
				  sections[sec].keylen + 2);
			continue;
		}
		jsonw_raw(w, sections[sec].text, sections[sec].keylen);
		ok = entries_json(w, m, sec, n, cache) && ok;
	}
	if (m->opt == NULL) {
		static const char none[] = ", \"opt\": null}";
		jsonw_raw(w, none, sizeof(none) - 1);
		return ok;
	}
	JSONW_KEY(w, ", ", "opt");
	ok = opt_json(w, m->opt) && ok;
	jsonw_raw(w, "}", 1);
	return ok;
}
