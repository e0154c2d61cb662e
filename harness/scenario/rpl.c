/* rpl.c - read Deckard / Unbound testbound scenarios (.rpl) into a model.
 *
 * A line reader with one line of look-ahead walks the blocks; records are
 * handed to the codec's lexer (so parentheses may span lines) and master
 * file reader. Errors stop at the first one, with line and column; what
 * the YAML language cannot say becomes a note (rpl.h).
 */
#include "scenario/rpl.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dns/edns.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/print.h"
#include "dns/rdata.h"
#include "dns/strbuf.h"
#include "dns/text.h"
#include "dns/zone.h"

#define MAX_WORDS   64u
#define DEFAULT_TTL 3600u
#define RDATA_TEXT  (1u << 18) /* printed RDATA of the largest record */

typedef struct word {
	const char *s;
	size_t n;
	unsigned col;
} word_t;

typedef struct rd {
	const char *text, *p, *end; /* whole text; rest of it */
	unsigned line;		    /* line number of p */
	const char *ls;		    /* the current line */
	size_t ll;
	unsigned lno;
	word_t w[MAX_WORDS];
	size_t nw;
	rpl_model_t *m;
	rpl_error_t *err;
	bool failed;
	dns_name_t origin;
	uint32_t ttl;
	char *rdtext; /* RDATA_TEXT bytes for printing RDATA */
} rd_t;

/* ---- errors, notes, vectors --------------------------------------------- */

__attribute__((format(printf, 4, 5))) static bool
fail(rd_t *r, unsigned line, unsigned col, const char *fmt, ...)
{
	if (r->failed)
		return false;
	va_list ap;
	va_start(ap, fmt);
	r->err->line = line;
	r->err->col = col;
	vsnprintf(r->err->msg, sizeof(r->err->msg), fmt, ap);
	va_end(ap);
	r->failed = true;
	return false;
}

static bool oom(rd_t *r)
{
	return fail(r, r->lno, 1, "out of memory");
}

static bool vec_grow(rd_t *r, void **v, size_t *cap, size_t n, size_t size,
		     size_t max, const char *what)
{
	if (n < *cap)
		return true;
	if (n >= max)
		return fail(r, r->lno, 1, "more than %zu %s", max, what);
	size_t nc = *cap ? *cap * 2 : 8;
	if (nc > max)
		nc = max;
	void *p = dns_mem_realloc(*v, nc * size);
	if (p == NULL)
		return oom(r);
	*v = p;
	*cap = nc;
	return true;
}

/* Printable ASCII only: the text goes into YAML comments and strings. */
static void sanitize(char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			*s = '?';
}

static char *dup_text(rd_t *r, const char *s, size_t n)
{
	char *d = dns_arena_alloc(&r->m->arena, n + 1);
	if (d == NULL) {
		oom(r);
		return NULL;
	}
	memcpy(d, s, n);
	d[n] = '\0';
	sanitize(d);
	return d;
}

__attribute__((format(printf, 5, 6))) static bool note(rd_t *r, unsigned line,
						       rpl_owner_t owner,
						       size_t idx,
						       const char *fmt, ...)
{
	rpl_model_t *m = r->m;
	if (!vec_grow(r, (void **)&m->notes, &m->cap_notes, m->nnotes,
		      sizeof(*m->notes), RPL_MAX_NOTES,
		      "unconverted constructs"))
		return false;
	char buf[192];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	size_t len = n < 0 ? 0 : (size_t)n;
	const char *what =
	    dup_text(r, buf, len < sizeof(buf) ? len : sizeof(buf) - 1);
	if (what == NULL)
		return false;
	m->notes[m->nnotes++] = (rpl_note_t){line, owner, idx, what};
	return true;
}

/* ---- lines and words ---------------------------------------------------- */

static bool next_line(rd_t *r)
{
	if (r->failed || r->p >= r->end)
		return false;
	const char *nl = memchr(r->p, '\n', (size_t)(r->end - r->p));
	const char *e = nl ? nl : r->end;
	r->ls = r->p;
	r->ll = (size_t)(e - r->p);
	if (r->ll > 0 && r->ls[r->ll - 1] == '\r')
		r->ll--;
	r->lno = r->line++;
	r->p = nl ? nl + 1 : r->end;
	const char *z = memchr(r->ls, '\0', r->ll);
	if (z != NULL)
		return fail(r, r->lno, (unsigned)(z - r->ls) + 1, "NUL byte");
	return true;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

/* Split the current line into words; a word starting with ';' or '#'
 * begins a comment. */
static bool split(rd_t *r)
{
	size_t i = 0;
	r->nw = 0;
	while (i < r->ll) {
		while (i < r->ll && is_space(r->ls[i]))
			i++;
		if (i == r->ll || r->ls[i] == ';' || r->ls[i] == '#')
			break;
		size_t b = i;
		while (i < r->ll && !is_space(r->ls[i]))
			i++;
		if (r->nw == MAX_WORDS)
			return fail(r, r->lno, (unsigned)b + 1,
				    "more than %u words on a line", MAX_WORDS);
		r->w[r->nw++] = (word_t){r->ls + b, i - b, (unsigned)b + 1};
	}
	return true;
}

/* The next line that has words (false at the end or on an error). */
static bool next_words(rd_t *r)
{
	while (next_line(r))
		if (split(r) && r->nw > 0)
			return true;
	return false;
}

static bool is(const word_t *w, const char *s)
{
	return w->n == strlen(s) && strncasecmp(w->s, s, w->n) == 0;
}

static bool has_prefix(const word_t *w, const char *s, const char **rest)
{
	size_t n = strlen(s);
	if (w->n < n || strncasecmp(w->s, s, n) != 0)
		return false;
	*rest = w->s + n;
	return true;
}

static bool number(const char *s, size_t n, unsigned long max,
		   unsigned long *out)
{
	unsigned long v = 0;
	if (n == 0 || n > 10)
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > max)
		return false;
	*out = v;
	return true;
}

static bool word_number(rd_t *r, size_t i, unsigned long max,
			unsigned long *out, const char *what)
{
	if (i >= r->nw)
		return fail(r, r->lno, (unsigned)r->ll + 1, "missing %s", what);
	if (!number(r->w[i].s, r->w[i].n, max, out))
		return fail(r, r->lno, r->w[i].col,
			    "%s: expected a number 0..%lu, got '%.*s'", what,
			    max, (int)(r->w[i].n > 40 ? 40 : r->w[i].n),
			    r->w[i].s);
	return true;
}

/* An IPv4 address (an optional "@port" ignored): true with *out in host
 * order; false for anything else. */
static bool ipv4(const char *s, size_t n, uint32_t *out)
{
	char buf[48];
	const char *at = memchr(s, '@', n);
	if (at != NULL)
		n = (size_t)(at - s);
	if (n == 0 || n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = '\0';
	struct in_addr a;
	if (inet_pton(AF_INET, buf, &a) != 1)
		return false;
	*out = ntohl(a.s_addr);
	return true;
}

static bool model_addr(rd_t *r, uint32_t a)
{
	rpl_model_t *m = r->m;
	for (size_t i = 0; i < m->naddrs; i++)
		if (m->addrs[i] == a)
			return true;
	if (!vec_grow(r, (void **)&m->addrs, &m->cap_addrs, m->naddrs,
		      sizeof(*m->addrs), RPL_MAX_ADDRS,
		      "IPv4 ADDRESS values (one server each)"))
		return false;
	m->addrs[m->naddrs++] = a;
	return true;
}

/* $ORIGIN name / $TTL n, anywhere after the config. true when the line
 * was one of them (r->failed tells whether it was good). */
static bool directive(rd_t *r)
{
	bool o = is(&r->w[0], "$ORIGIN"), t = is(&r->w[0], "$TTL");
	if (!o && !t)
		return false;
	if (r->nw < 2)
		return fail(r, r->lno, (unsigned)r->ll + 1, "%s: missing value",
			    o ? "$ORIGIN" : "$TTL") ||
		       true;
	const word_t *v = &r->w[1];
	if (t) {
		if (dns_ttl_from_text(v->s, v->n, &r->ttl) != DNS_OK)
			fail(r, r->lno, v->col, "$TTL: bad TTL");
		return true;
	}
	dns_name_t root, n;
	dns_error_t e = {0};
	dns_name_root(&root);
	if (dns_name_from_text(v->s, v->n, &root, &n, &e) != DNS_OK)
		fail(r, r->lno, v->col, "$ORIGIN: bad name");
	else
		r->origin = n;
	return true;
}

/* ---- records ------------------------------------------------------------ */

static char *name_text(rd_t *r, const dns_name_t *n)
{
	char buf[DNS_NAME_TEXT_MAX + 1];
	size_t len = dns_name_to_text(n, buf, sizeof(buf));
	return dup_text(r, buf, len < sizeof(buf) ? len : sizeof(buf) - 1);
}

static char *code_text(rd_t *r, const char *s)
{
	return dup_text(r, s, strlen(s));
}

static bool rr_push(rd_t *r, rpl_packet_t *p, int sec, const rpl_rr_t *rr)
{
	size_t n = p->nrr[sec];
	if (n >= RPL_MAX_RRS)
		return fail(r, rr->line, 1, "more than %u records in a section",
			    RPL_MAX_RRS);
	if ((n & (n - 1)) == 0) { /* 0, 1, 2, 4, ...: double the room */
		size_t cap = n ? n * 2 : 1;
		rpl_rr_t *v = dns_arena_alloc(&r->m->arena, cap * sizeof(*v));
		if (v == NULL)
			return oom(r);
		if (n)
			memcpy(v, p->rr[sec], n * sizeof(*v));
		p->rr[sec] = v;
	}
	p->rr[sec][p->nrr[sec]++] = *rr;
	return true;
}

/* "name [ttl] [class] type" of SECTION QUESTION. */
static bool question(rd_t *r, const dns_tokens_t *tk, rpl_packet_t *p,
		     size_t entry)
{
	const dns_token_t *t = tk->v;
	dns_name_t n;
	dns_error_t e = {0};
	uint16_t cls = DNS_C_IN, type = 0;
	size_t i = 1;
	if (t->quoted ||
	    dns_name_from_text(t->s, t->len, &r->origin, &n, &e) != DNS_OK)
		return note(r, t->line, RPL_OWN_ENTRY, entry,
			    "question with a bad name");
	for (; i < tk->n && !tk->v[i].quoted; i++) {
		const dns_token_t *x = &tk->v[i];
		uint32_t ttl;
		if (dns_ttl_from_text(x->s, x->len, &ttl) == DNS_OK ||
		    dns_class_from_text(x->s, x->len, &cls) == DNS_OK)
			continue;
		break;
	}
	if (i >= tk->n || tk->v[i].quoted ||
	    dns_type_from_text(tk->v[i].s, tk->v[i].len, &type) != DNS_OK)
		return note(r, t->line, RPL_OWN_ENTRY, entry,
			    "question without a known type");
	char tb[16], cb[16];
	rpl_rr_t rr = {t->line,
		       name_text(r, &n),
		       code_text(r, dns_class_to_text(cls, cb)),
		       code_text(r, dns_type_to_text(type, tb)),
		       NULL,
		       0,
		       false,
		       0};
	if (r->failed)
		return false;
	return rr_push(r, p, RPL_QUESTION, &rr);
}

/* One record read by the zone reader from text (a "$TTL n" line first). */
static bool record_load(rd_t *r, const char *s, size_t n, unsigned line,
			unsigned indent, rpl_packet_t *p, int sec, size_t entry)
{
	char head[32];
	int hn = snprintf(head, sizeof(head), "$TTL %u\n", r->ttl);
	char *buf = dns_mem_alloc((size_t)hn + n + 1);
	if (buf == NULL)
		return oom(r);
	memcpy(buf, head, (size_t)hn);
	memcpy(buf + hn, s, n);
	dns_zone_t z;
	dns_zone_opts_t zo = {&r->origin, DNS_C_IN, 1, NULL};
	dns_zone_init(&z);
	dns_rc_t rc = dns_zone_load_string(&z, buf, (size_t)hn + n, "rpl", &zo);
	dns_mem_free(buf);
	bool ok = true;
	if (rc != DNS_OK || z.n != 1) {
		unsigned l = z.err.line > 1 ? line + z.err.line - 2 : line;
		unsigned c = z.err.line == 2 ? z.err.col + indent : 1;
		ok = note(r, l, RPL_OWN_ENTRY, entry,
			  "record (%s at column %u%s%s)", dns_rc_text(rc), c,
			  z.err.detail[0] ? ": " : "", z.err.detail);
	} else {
		const dns_rr_t *x = &z.rrs[0];
		dns_strbuf_t sb = dns_strbuf_init(r->rdtext, RDATA_TEXT);
		dns_rdata_to_text(x->type, x->rdata, x->rdlen, &sb);
		char tb[16], cb[16];
		rpl_rr_t rr = {line,
			       name_text(r, &x->owner),
			       code_text(r, dns_class_to_text(x->rclass, cb)),
			       code_text(r, dns_type_to_text(x->type, tb)),
			       sb.over ? NULL : dup_text(r, sb.buf, sb.len),
			       x->ttl,
			       x->type == DNS_T_A && x->rdlen == 4,
			       0};
		if (rr.is_a)
			rr.a = (uint32_t)x->rdata[0] << 24 |
			       (uint32_t)x->rdata[1] << 16 |
			       (uint32_t)x->rdata[2] << 8 | x->rdata[3];
		if (r->failed)
			ok = false;
		else if (sb.over)
			ok = note(r, line, RPL_OWN_ENTRY, entry,
				  "record too long to print");
		else
			ok = rr_push(r, p, sec, &rr);
	}
	dns_zone_free(&z);
	return ok;
}

/* The record starting on the current line (it may continue on the next
 * ones inside parentheses). */
static bool record(rd_t *r, rpl_packet_t *p, int sec, size_t entry)
{
	size_t ind = 0;
	while (ind < r->ll && is_space(r->ls[ind]))
		ind++;
	const char *s = r->ls + ind;
	dns_lexer_t lx;
	dns_lexer_init(&lx, s, (size_t)(r->end - s));
	lx.line = r->lno;
	lx.col = (unsigned)ind + 1;
	dns_tokens_t tk;
	dns_tokens_init(&tk);
	dns_error_t e = {0};
	bool indented;
	dns_rc_t rc = dns_lexer_entry(&lx, &tk, &indented, &e);
	bool ok;
	if (rc != DNS_OK) {
		ok = fail(r, e.line, e.col, "record: %s%s%s", dns_rc_text(rc),
			  e.detail[0] ? ": " : "", e.detail);
	} else if (tk.n == 0) {
		ok = fail(r, r->lno, (unsigned)ind + 1, "record: empty");
	} else {
		unsigned line = r->lno;
		r->p = lx.p; /* parentheses may have taken more lines */
		r->line = lx.line;
		ok = sec == RPL_QUESTION
			 ? question(r, &tk, p, entry)
			 : record_load(r, s, (size_t)(lx.p - s), line,
				       (unsigned)ind, p, sec, entry);
	}
	dns_tokens_free(&tk);
	return ok;
}

/* ---- hex ---------------------------------------------------------------- */

typedef struct hexbuf {
	uint8_t *b;
	size_t n, cap;
	int nib; /* -1 or the pending high nibble */
} hexbuf_t;

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)tolower((unsigned char)c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* The hex digits of the current line (';' starts a comment). */
static bool hex_line(rd_t *r, hexbuf_t *h)
{
	for (size_t i = 0; i < r->ll && r->ls[i] != ';' && r->ls[i] != '#';
	     i++) {
		char c = r->ls[i];
		if (is_space(c))
			continue;
		int v = hexval(c);
		if (v < 0)
			return fail(r, r->lno, (unsigned)i + 1,
				    "hex: '%c' is not a hex digit",
				    isprint((unsigned char)c) ? c : '?');
		if (h->nib < 0) {
			h->nib = v;
			continue;
		}
		if (h->n == DNS_MSG_MAXLEN)
			return fail(r, r->lno, (unsigned)i + 1,
				    "hex: more than %u bytes", DNS_MSG_MAXLEN);
		if (h->n == h->cap &&
		    !vec_grow(r, (void **)&h->b, &h->cap, h->n, 1,
			      DNS_MSG_MAXLEN, "hex bytes"))
			return false;
		h->b[h->n++] = (uint8_t)(h->nib << 4 | v);
		h->nib = -1;
	}
	return true;
}

static bool hex_done(rd_t *r, hexbuf_t *h, rpl_packet_t *p)
{
	bool ok = true;
	if (h->nib >= 0)
		ok = fail(r, r->lno, 1, "hex: odd number of digits");
	else if ((p->hex =
		      dns_arena_dup(&r->m->arena, h->b ? h->b : (uint8_t *)"",
				    h->n ? h->n : 1)) == NULL)
		ok = oom(r);
	p->hexlen = h->n;
	p->has_hex = ok;
	dns_mem_free(h->b);
	return ok;
}

/* HEX_ANSWER_BEGIN .. HEX_ANSWER_END. */
static bool hex_block(rd_t *r, rpl_packet_t *p, unsigned begin)
{
	hexbuf_t h = {NULL, 0, 0, -1};
	while (next_line(r)) {
		if (split(r) && r->nw > 0 && is(&r->w[0], "HEX_ANSWER_END"))
			return hex_done(r, &h, p);
		if (!hex_line(r, &h))
			break;
	}
	dns_mem_free(h.b);
	return fail(r, begin, 1, "HEX_ANSWER_BEGIN without HEX_ANSWER_END");
}

/* Deckard's RAW: the message on the next line, in hex (NULL: empty). */
static bool raw_line(rd_t *r, rpl_packet_t *p, unsigned at)
{
	hexbuf_t h = {NULL, 0, 0, -1};
	if (!next_words(r))
		return fail(r, at, 1, "RAW: missing the hex line");
	if (!(r->nw == 1 && is(&r->w[0], "NULL")) && !hex_line(r, &h)) {
		dns_mem_free(h.b);
		return false;
	}
	return hex_done(r, &h, p);
}

/* Skip lines up to a line starting with end (HEX_EDNS_END, FILE_END). */
static bool skip_block(rd_t *r, const char *end, unsigned begin,
		       const char *what)
{
	while (next_line(r))
		if (split(r) && r->nw > 0 && is(&r->w[0], end))
			return true;
	return fail(r, begin, 1, "%s without %s", what, end);
}

/* ---- entries ------------------------------------------------------------ */

static const struct {
	const char *word;
	uint32_t bit;
} match_words[] = {
    {"opcode", RPL_M_OPCODE},
    {"qtype", RPL_M_QTYPE},
    {"qname", RPL_M_QNAME},
    {"subdomain", RPL_M_SUBDOMAIN},
    {"question", RPL_M_QUESTION},
    {"all", RPL_M_ALL},
    {"all_noedns", RPL_M_ALL},
    {"ttl", RPL_M_TTL},
    {"DO", RPL_M_DO},
    {"noedns", RPL_M_NOEDNS},
    {"rcode", RPL_M_RCODE},
    {"flags", RPL_M_FLAGS},
    {"answer", RPL_M_ANSWER},
    {"authority", RPL_M_AUTHORITY},
    {"additional", RPL_M_ADDITIONAL},
    {"UDP", RPL_M_UDP},
    {"TCP", RPL_M_TCP},
    {"qcase", RPL_M_QCASE},
};

static bool match_line(rd_t *r, rpl_entry_t *e, size_t idx)
{
	e->has_match = true;
	for (size_t i = 1; i < r->nw; i++) {
		size_t k = 0, nk = sizeof(match_words) / sizeof(match_words[0]);
		while (k < nk && !is(&r->w[i], match_words[k].word))
			k++;
		if (k < nk)
			e->match |= match_words[k].bit;
		else if (!note(r, r->lno, RPL_OWN_ENTRY, idx, "MATCH %.*s",
			       (int)(r->w[i].n > 60 ? 60 : r->w[i].n),
			       r->w[i].s))
			return false;
	}
	return true;
}

static bool adjust_line(rd_t *r, rpl_entry_t *e, size_t idx)
{
	for (size_t i = 1; i < r->nw; i++) {
		const word_t *w = &r->w[i];
		const char *rest;
		if (is(w, "copy_id"))
			e->adjust |= RPL_A_COPY_ID;
		else if (is(w, "copy_query"))
			e->adjust |= RPL_A_COPY_QUERY;
		else if (is(w, "do_not_answer"))
			e->adjust |= RPL_A_DO_NOT_ANSWER;
		else if (is(w, "raw_id"))
			e->adjust |= RPL_A_RAW_ID;
		else if (has_prefix(w, "sleep=", &rest)) {
			if (!number(rest, (size_t)(w->s + w->n - rest), 86400,
				    &e->sleep_s))
				return fail(
				    r, r->lno, w->col,
				    "ADJUST sleep=N: N must be 0..86400 "
				    "seconds");
			e->adjust |= RPL_A_SLEEP;
		} else if (!note(r, r->lno, RPL_OWN_ENTRY, idx, "ADJUST %.*s",
				 (int)(w->n > 60 ? 60 : w->n), w->s))
			return false;
	}
	return true;
}

static const struct {
	const char *word;
	uint16_t bit;
} flag_words[] = {
    {"QR", DNS_F_QR}, {"AA", DNS_F_AA}, {"TC", DNS_F_TC}, {"RD", DNS_F_RD},
    {"RA", DNS_F_RA}, {"Z", DNS_F_Z},	{"AD", DNS_F_AD}, {"CD", DNS_F_CD},
};

static bool reply_word(rd_t *r, const word_t *w, rpl_packet_t *p, size_t idx)
{
	for (size_t k = 0; k < sizeof(flag_words) / sizeof(flag_words[0]); k++)
		if (is(w, flag_words[k].word)) {
			p->flags |= flag_words[k].bit;
			return true;
		}
	uint16_t rc;
	uint8_t op;
	if (is(w, "DO"))
		p->do_bit = true;
	else if (is(w, "NOTIMPL"))
		p->rcode = 4;
	else if (dns_rcode_from_text(w->s, w->n, &rc) == DNS_OK)
		p->rcode = rc;
	else if (dns_opcode_from_text(w->s, w->n, &op) == DNS_OK)
		p->opcode = op;
	else
		return note(r, r->lno, RPL_OWN_ENTRY, idx, "REPLY %.*s",
			    (int)(w->n > 60 ? 60 : w->n), w->s);
	return true;
}

static int section_of(const word_t *w)
{
	static const char *const names[] = {"QUESTION", "ANSWER", "AUTHORITY",
					    "ADDITIONAL"};
	for (int i = 0; i < 4; i++)
		if (is(w, names[i]))
			return i;
	return -1;
}

static rpl_packet_t *packet_add(rd_t *r, rpl_entry_t *e)
{
	if (e->npkt == RPL_MAX_PACKETS) {
		fail(r, r->lno, 1, "more than %u packets in an entry",
		     RPL_MAX_PACKETS);
		return NULL;
	}
	rpl_packet_t *v =
	    dns_arena_alloc(&r->m->arena, (e->npkt + 1) * sizeof(*v));
	if (v == NULL) {
		oom(r);
		return NULL;
	}
	if (e->npkt)
		memcpy(v, e->pkt, e->npkt * sizeof(*v));
	memset(&v[e->npkt], 0, sizeof(*v));
	v[e->npkt].opcode = -1;
	v[e->npkt].rcode = -1;
	e->pkt = v;
	return &v[e->npkt++];
}

/* One line inside ENTRY_BEGIN .. ENTRY_END (not ENTRY_END itself). *sec is
 * the current SECTION, -1 before the first. */
static bool entry_line(rd_t *r, rpl_entry_t *e, size_t idx, int *sec)
{
	const word_t *w0 = &r->w[0];
	rpl_packet_t *p = &e->pkt[e->npkt - 1];
	if (is(w0, "MATCH"))
		return match_line(r, e, idx);
	if (is(w0, "ADJUST"))
		return adjust_line(r, e, idx);
	if (is(w0, "REPLY")) {
		for (size_t i = 1; i < r->nw; i++)
			if (!reply_word(r, &r->w[i], p, idx))
				return false;
		return true;
	}
	if (is(w0, "SECTION")) {
		if (r->nw < 2 || (*sec = section_of(&r->w[1])) < 0)
			return fail(r, r->lno,
				    r->nw < 2 ? w0->col : r->w[1].col,
				    "SECTION: expected QUESTION, ANSWER, "
				    "AUTHORITY or ADDITIONAL");
		return true;
	}
	if (is(w0, "HEX_ANSWER_BEGIN"))
		return hex_block(r, p, r->lno);
	if (is(w0, "RAW"))
		return raw_line(r, p, r->lno);
	if (is(w0, "EXTRA_PACKET")) {
		*sec = -1;
		return packet_add(r, e) != NULL;
	}
	if (is(w0, "HEX_EDNS_BEGIN") || is(w0, "HEX_EDNSDATA_BEGIN")) {
		unsigned at = r->lno;
		bool data = is(w0, "HEX_EDNSDATA_BEGIN");
		return note(r, at, RPL_OWN_ENTRY, idx, "%s block",
			    data ? "HEX_EDNSDATA" : "HEX_EDNS") &&
		       skip_block(
			   r, data ? "HEX_EDNSDATA_END" : "HEX_EDNS_END", at,
			   data ? "HEX_EDNSDATA_BEGIN" : "HEX_EDNS_BEGIN");
	}
	if (is(w0, "MANDATORY") || is(w0, "TSIG"))
		return note(r, r->lno, RPL_OWN_ENTRY, idx, "%.*s", (int)w0->n,
			    w0->s);
	if (is(w0, "ENTRY_BEGIN") || is(w0, "RANGE_BEGIN") ||
	    is(w0, "RANGE_END") || is(w0, "STEP") || is(w0, "SCENARIO_END"))
		return fail(r, r->lno, w0->col, "%.*s inside an entry",
			    (int)w0->n, w0->s);
	if (*sec >= 0)
		return record(r, p, *sec, idx);
	return note(r, r->lno, RPL_OWN_ENTRY, idx, "entry line '%.*s'",
		    (int)(r->ll > 60 ? 60 : r->ll), r->ls);
}

/* ENTRY_BEGIN was the current line: read up to ENTRY_END. *out gets the
 * entry's index. */
static bool entry(rd_t *r, size_t *out)
{
	rpl_model_t *m = r->m;
	unsigned begin = r->lno;
	if (!vec_grow(r, (void **)&m->entries, &m->cap_entries, m->nentries,
		      sizeof(*m->entries), RPL_MAX_ENTRIES, "entries"))
		return false;
	size_t idx = m->nentries++;
	rpl_entry_t *e = &m->entries[idx];
	memset(e, 0, sizeof(*e));
	e->line = begin;
	if (packet_add(r, e) == NULL)
		return false;
	int sec = -1;
	while (next_words(r)) {
		if (directive(r))
			continue;
		if (is(&r->w[0], "ENTRY_END")) {
			*out = idx;
			return true;
		}
		if (!entry_line(r, e, idx, &sec))
			return false;
	}
	return fail(r, begin, 1, "ENTRY_BEGIN without ENTRY_END");
}

/* ---- ranges and steps --------------------------------------------------- */

static bool address(rd_t *r, rpl_range_t *g, size_t gi)
{
	uint32_t a;
	if (r->nw < 2)
		return fail(r, r->lno, (unsigned)r->ll + 1,
			    "ADDRESS: missing address");
	const word_t *w = &r->w[1];
	if (!ipv4(w->s, w->n, &a)) {
		if (memchr(w->s, ':', w->n) != NULL) {
			g->v6 = true;
			return note(r, r->lno, RPL_OWN_RANGE, gi,
				    "ADDRESS %.*s (IPv6: the scripted servers "
				    "are IPv4 loopback)",
				    (int)(w->n > 60 ? 60 : w->n), w->s);
		}
		return fail(r, r->lno, w->col, "ADDRESS: not an IP address");
	}
	for (size_t i = 0; i < g->naddr; i++)
		if (g->addr[i] == a)
			return true;
	if (!model_addr(r, a))
		return false;
	uint32_t *v =
	    dns_arena_alloc(&r->m->arena, (g->naddr + 1) * sizeof(*v));
	if (v == NULL)
		return oom(r);
	if (g->naddr)
		memcpy(v, g->addr, g->naddr * sizeof(*v));
	v[g->naddr++] = a;
	g->addr = v;
	return true;
}

/* RANGE_BEGIN from to was the current line: read up to RANGE_END. */
static bool range(rd_t *r)
{
	rpl_model_t *m = r->m;
	unsigned begin = r->lno;
	unsigned long from, to;
	if (!word_number(r, 1, 0xffffffffUL, &from, "RANGE_BEGIN start step") ||
	    !word_number(r, 2, 0xffffffffUL, &to, "RANGE_BEGIN end step"))
		return false;
	if (to < from)
		return fail(r, r->lno, r->w[2].col,
			    "RANGE_BEGIN: end step %lu before start step %lu",
			    to, from);
	if (!vec_grow(r, (void **)&m->ranges, &m->cap_ranges, m->nranges,
		      sizeof(*m->ranges), RPL_MAX_RANGES, "ranges"))
		return false;
	size_t gi = m->nranges++;
	m->ranges[gi] =
	    (rpl_range_t){begin, from, to, NULL, 0, false, m->nentries, 0};
	while (next_words(r)) {
		rpl_range_t *g = &m->ranges[gi];
		size_t ei;
		if (directive(r))
			continue;
		if (is(&r->w[0], "RANGE_END"))
			return true;
		if (is(&r->w[0], "ADDRESS")) {
			if (!address(r, g, gi))
				return false;
		} else if (is(&r->w[0], "ENTRY_BEGIN")) {
			if (!entry(r, &ei))
				return false;
			m->ranges[gi].n++;
		} else {
			return fail(r, r->lno, r->w[0].col,
				    "unexpected '%.*s' in a RANGE (expected "
				    "ADDRESS, ENTRY_BEGIN or RANGE_END)",
				    (int)(r->w[0].n > 40 ? 40 : r->w[0].n),
				    r->w[0].s);
		}
	}
	return fail(r, begin, 1, "RANGE_BEGIN without RANGE_END");
}

static const struct {
	const char *word;
	rpl_step_kind_t kind;
	bool entry;
} step_words[] = {
    {"QUERY", RPL_STEP_QUERY, true},
    {"CHECK_ANSWER", RPL_STEP_CHECK_ANSWER, true},
    {"CHECK_OUT_QUERY", RPL_STEP_CHECK_OUT_QUERY, true},
    {"REPLY", RPL_STEP_REPLY, true},
    {"TIME_PASSES", RPL_STEP_TIME_PASSES, false},
    {"TRAFFIC", RPL_STEP_TRAFFIC, false},
};

/* The entry that must follow a STEP. */
static bool step_entry(rd_t *r, rpl_step_t *s)
{
	unsigned at = r->lno;
	while (next_words(r)) {
		if (directive(r))
			continue;
		if (!is(&r->w[0], "ENTRY_BEGIN"))
			return fail(r, r->lno, r->w[0].col,
				    "STEP %lu %s: expected ENTRY_BEGIN", s->n,
				    s->word);
		return entry(r, &s->entry);
	}
	return fail(r, at, 1, "STEP %lu %s: missing its entry", s->n, s->word);
}

static bool time_passes(rd_t *r, rpl_step_t *s, size_t si)
{
	if (r->nw >= 5 && is(&r->w[3], "ELAPSE"))
		return word_number(r, 4, 366ul * 86400, &s->elapse,
				   "TIME_PASSES ELAPSE seconds");
	s->kind = RPL_STEP_OTHER; /* its note says it all */
	return note(r, r->lno, RPL_OWN_STEP, si,
		    "STEP %lu TIME_PASSES without ELAPSE n", s->n);
}

/* A step without an entry that the language has nothing for; blocks that
 * follow (FILE_BEGIN .. FILE_END) are skipped. */
static bool other_step(rd_t *r, rpl_step_t *s, size_t si)
{
	if (!note(r, r->lno, RPL_OWN_STEP, si, "STEP %lu %s", s->n, s->word))
		return false;
	if (!is(&r->w[2], "CHECK_TEMPFILE") && !is(&r->w[2], "CHECK_AUTOTRUST"))
		return true;
	const char *save = r->p;
	unsigned line = r->line;
	if (next_words(r) && is(&r->w[0], "FILE_BEGIN"))
		return skip_block(r, "FILE_END", r->lno, "FILE_BEGIN");
	r->p = save; /* not a block: read that line again */
	r->line = line;
	return !r->failed;
}

/* STEP n KIND ... was the current line. */
static bool step(rd_t *r)
{
	rpl_model_t *m = r->m;
	unsigned long n;
	if (!word_number(r, 1, 0xffffffffUL, &n, "STEP number"))
		return false;
	if (r->nw < 3)
		return fail(r, r->lno, (unsigned)r->ll + 1,
			    "STEP %lu: missing the event (QUERY, CHECK_ANSWER, "
			    "...)",
			    n);
	if (m->nsteps > 0 && n <= m->steps[m->nsteps - 1].n)
		return fail(r, r->lno, r->w[1].col,
			    "STEP %lu: step numbers must increase (the one "
			    "before is %lu)",
			    n, m->steps[m->nsteps - 1].n);
	if (!vec_grow(r, (void **)&m->steps, &m->cap_steps, m->nsteps,
		      sizeof(*m->steps), RPL_MAX_STEPS, "steps"))
		return false;
	size_t si = m->nsteps++;
	rpl_step_t *s = &m->steps[si];
	*s = (rpl_step_t){r->lno, n, RPL_STEP_OTHER, NULL, SIZE_MAX, 0};
	s->word = dup_text(r, r->w[2].s, r->w[2].n > 40 ? 40 : r->w[2].n);
	if (s->word == NULL)
		return false;
	size_t k = 0, nk = sizeof(step_words) / sizeof(step_words[0]);
	while (k < nk && !is(&r->w[2], step_words[k].word))
		k++;
	if (k == nk)
		return other_step(r, s, si);
	s->kind = step_words[k].kind;
	if (s->kind == RPL_STEP_TIME_PASSES)
		return time_passes(r, s, si);
	if (s->kind == RPL_STEP_QUERY && r->nw > 3 &&
	    !note(r, r->lno, RPL_OWN_STEP, si,
		  "STEP %lu QUERY arguments '%.*s'", n,
		  (int)(r->w[3].n > 40 ? 40 : r->w[3].n), r->w[3].s))
		return false;
	return step_words[k].entry ? step_entry(r, s) : true;
}

/* ---- the config header and the top level -------------------------------- */

/* A line before CONFIG_END: stub-addr gives the server the resolver starts
 * from; the section headers it needs are dropped; the rest is a note. */
static bool config_line(rd_t *r)
{
	rpl_model_t *m = r->m;
	const word_t *w0 = &r->w[0];
	uint32_t a;
	if (is(w0, "server:") || is(w0, "stub-zone:") ||
	    (is(w0, "name:") && r->nw == 2 &&
	     (is(&r->w[1], "\".\"") || is(&r->w[1], "."))))
		return true;
	if (is(w0, "stub-addr:") && r->nw == 2 && m->stub_addr == 0 &&
	    ipv4(r->w[1].s, r->w[1].n, &a) && a != 0) {
		m->stub_addr = a;
		m->stub_line = r->lno;
		return true;
	}
	size_t b = (size_t)(w0->s - r->ls), n = r->ll - b;
	while (n > 0 && is_space(r->ls[b + n - 1]))
		n--;
	return note(r, r->lno, RPL_OWN_TOP, 0, "config '%.*s'",
		    (int)(n > 80 ? 80 : n), w0->s);
}

static bool scenario_begin(rd_t *r)
{
	const word_t *w0 = &r->w[0];
	size_t b = (size_t)(w0->s - r->ls) + w0->n;
	while (b < r->ll && is_space(r->ls[b]))
		b++;
	size_t n = r->ll - b;
	while (n > 0 && is_space(r->ls[b + n - 1]))
		n--;
	if (n > 0)
		r->m->title = dup_text(r, r->ls + b, n > 200 ? 200 : n);
	return !r->failed;
}

typedef enum { ST_CONFIG, ST_TOP, ST_SCENARIO, ST_END } state_t;

static bool top_line(rd_t *r, state_t *st)
{
	const word_t *w0 = &r->w[0];
	switch (*st) {
	case ST_CONFIG:
		if (is(w0, "CONFIG_END")) {
			*st = ST_TOP;
			return true;
		}
		if (!is(w0, "SCENARIO_BEGIN"))
			return config_line(r);
		*st = ST_SCENARIO; /* a file without CONFIG_END */
		return scenario_begin(r);
	case ST_TOP:
		if (!is(w0, "SCENARIO_BEGIN"))
			return fail(r, r->lno, w0->col,
				    "expected SCENARIO_BEGIN, got '%.*s'",
				    (int)(w0->n > 40 ? 40 : w0->n), w0->s);
		*st = ST_SCENARIO;
		return scenario_begin(r);
	case ST_SCENARIO:
		if (directive(r))
			return !r->failed;
		if (is(w0, "RANGE_BEGIN"))
			return range(r);
		if (is(w0, "STEP"))
			return step(r);
		if (is(w0, "SCENARIO_END")) {
			*st = ST_END;
			return true;
		}
		return fail(r, r->lno, w0->col,
			    "unexpected '%.*s' (expected RANGE_BEGIN, STEP or "
			    "SCENARIO_END)",
			    (int)(w0->n > 40 ? 40 : w0->n), w0->s);
	case ST_END:
		break;
	}
	return fail(r, r->lno, w0->col, "text after SCENARIO_END");
}

static void model_init(rpl_model_t *m)
{
	memset(m, 0, sizeof(*m));
	dns_arena_init(&m->arena, 0);
}

bool rpl_parse(const char *text, size_t len, rpl_model_t *m, rpl_error_t *err)
{
	model_init(m);
	memset(err, 0, sizeof(*err));
	rd_t r = {0};
	r.text = r.p = text;
	r.end = text + len;
	r.line = 1;
	r.m = m;
	r.err = err;
	r.ttl = DEFAULT_TTL;
	dns_name_root(&r.origin);
	if (len > RPL_MAX_INPUT)
		return fail(&r, 1, 1, "more than %u bytes", RPL_MAX_INPUT);
	r.rdtext = dns_mem_alloc(RDATA_TEXT);
	if (r.rdtext == NULL)
		return fail(&r, 1, 1, "out of memory");
	state_t st = ST_CONFIG;
	while (next_words(&r) && top_line(&r, &st))
		;
	dns_mem_free(r.rdtext);
	if (r.failed)
		return false;
	if (st != ST_END)
		return fail(&r, r.line > 1 ? r.line - 1 : 1, 1,
			    st == ST_SCENARIO ? "missing SCENARIO_END"
					      : "missing SCENARIO_BEGIN");
	return true;
}

void rpl_model_free(rpl_model_t *m)
{
	dns_mem_free(m->ranges);
	dns_mem_free(m->entries);
	dns_mem_free(m->steps);
	dns_mem_free(m->notes);
	dns_mem_free(m->addrs);
	dns_arena_free(&m->arena);
	memset(m, 0, sizeof(*m));
}
