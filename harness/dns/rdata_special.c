/* rdata_special.c - RDATA codecs for LOC, WKS, APL, IPSECKEY, HIP, A6 and
 * SVCB/HTTPS: the types whose layout is not a plain run of fields.
 *
 * Each type has one validator that walks the wire form with the checked
 * cursor and records the first problem with its offset. unpack runs it over
 * the message and copies the bytes (no name here may be compressed, so the
 * stored form is the wire form); print runs it again over the stored form,
 * so the printer only ever walks data known to be well formed; parse builds
 * the wire form from tokens and, for SVCB, checks the result with the same
 * validator.
 *
 * Presentation follows BIND 9.18 (dig, named-compilezone) except where the
 * RFC says otherwise; the exceptions are marked "BIND:" below.
 */
#include "dns/rdata_special.h"

#include <arpa/inet.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "dns/arena.h"
#include "dns/base.h"

enum {
	T_WKS = 11,
	T_LOC = 29,
	T_A6 = 38,
	T_APL = 42,
	T_IPSECKEY = 45,
	T_HIP = 55,
	T_SVCB = 64,
	T_HTTPS = 65,
};

/* ---- wire helpers --------------------------------------------------------
 * Reads inside RDATA report a field running past RDLENGTH as
 * DNS_E_RDATA_SHORT at the field's first byte. */

static bool rd_need(dns_wire_t *r, size_t n)
{
	return dns_wire_need(r, n, DNS_E_RDATA_SHORT);
}

static void rd_fail(dns_wire_t *r, size_t at)
{
	dns_wire_fail_at(r, DNS_E_RDATA_FIELD, at);
}

/* An uncompressed name; a name cut off by RDLENGTH is RDATA_SHORT. */
static void rd_name(dns_wire_t *r, dns_name_t *n)
{
	if (dns_name_unpack(r, n, false) == DNS_E_SHORT)
		r->err = DNS_E_RDATA_SHORT;
}

static void rd_end(dns_wire_t *r)
{
	if (dns_wire_ok(r) && r->pos < r->end)
		dns_wire_fail_at(r, DNS_E_RDATA_TRAILING, r->pos);
}

typedef void (*check_fn)(dns_wire_t *r);

/* Validate in with check, then copy what it consumed to out verbatim. */
static void unpack_copy(dns_wire_t *in, dns_wire_t *out, check_fn check)
{
	size_t start = in->pos;
	check(in);
	if (!dns_wire_ok(in))
		return;
	dns_wire_put_bytes(out, in->msg + start, in->pos - start);
	if (!dns_wire_ok(out))
		dns_wire_fail_at(in, out->err, start);
}

/* A reader over stored RDATA that has passed check, or the check's code. */
static dns_rc_t stored_reader(const uint8_t *rd, size_t len, check_fn check,
			      dns_wire_t *r)
{
	*r = dns_wire_reader(rd, len);
	check(r);
	dns_rc_t rc = r->err;
	*r = dns_wire_reader(rd, len);
	return rc;
}

/* ---- text output helpers ------------------------------------------------ */

static void sb_ip(dns_strbuf_t *sb, int af, const uint8_t *a)
{
	char buf[INET6_ADDRSTRLEN];
	if (inet_ntop(af, a, buf, sizeof(buf)) != NULL)
		dns_sb_puts(sb, buf);
}

static void sb_name(dns_strbuf_t *sb, const dns_name_t *n)
{
	char buf[DNS_NAME_TEXT_MAX + 1];
	dns_name_to_text(n, buf, sizeof(buf));
	dns_sb_puts(sb, buf);
}

/* Read a name (known to be valid) and print it. */
static void sb_name_at(dns_strbuf_t *sb, dns_wire_t *r)
{
	dns_name_t n;
	dns_name_unpack(r, &n, false);
	sb_name(sb, &n);
}

static void sb_base64(dns_strbuf_t *sb, const uint8_t *p, size_t n)
{
	char chunk[65];
	for (size_t i = 0; i < n; i += 48) {
		size_t k = n - i < 48 ? n - i : 48;
		size_t len = dns_base64_encode(p + i, k, chunk, sizeof(chunk));
		dns_sb_put(sb, chunk, len);
	}
}

/* One byte of a value inside double quotes: '"' and '\' escaped, bytes
 * outside 0x21-0x7e as \DDD (as BIND prints SVCB values). */
static void sb_quoted_byte(dns_strbuf_t *sb, uint8_t c)
{
	if (c == '"' || c == '\\') {
		dns_sb_putc(sb, '\\');
		dns_sb_putc(sb, (char)c);
	} else if (c < 0x21 || c > 0x7e) {
		dns_sb_printf(sb, "\\%03u", c);
	} else {
		dns_sb_putc(sb, (char)c);
	}
}

static void sb_quoted(dns_strbuf_t *sb, const uint8_t *p, size_t n)
{
	dns_sb_putc(sb, '"');
	for (size_t i = 0; i < n; i++)
		sb_quoted_byte(sb, p[i]);
	dns_sb_putc(sb, '"');
}

/* ---- text input helpers -------------------------------------------------
 * A parse keeps its position in the tokens and its first error; the
 * helpers return false once an error is recorded. */

typedef struct pctx {
	const dns_token_t *t;
	size_t n, i;
	const dns_name_t *origin;
	dns_wire_t *out;
	dns_error_t *err;
	dns_rc_t rc;
} pctx_t;

static bool p_fail(pctx_t *p, const dns_token_t *t, dns_rc_t rc,
		   const char *what)
{
	if (p->rc == DNS_OK) {
		p->rc = rc;
		dns_error_at(p->err, rc, t ? t->line : 0, t ? t->col : 0, "%s",
			     what ? what : dns_rc_text(rc));
	}
	return false;
}

/* Like p_fail, at column col of token t. */
static bool p_fail_col(pctx_t *p, const dns_token_t *t, size_t off, dns_rc_t rc,
		       const char *what)
{
	dns_token_t at = *t;
	at.col = t->col + (unsigned)off + (t->quoted ? 1u : 0u);
	return p_fail(p, &at, rc, what);
}

static const dns_token_t *p_next(pctx_t *p, const char *what)
{
	if (p->rc != DNS_OK)
		return NULL;
	if (p->i >= p->n) {
		p_fail(p, p->n ? &p->t[p->n - 1] : NULL, DNS_E_MISSING, what);
		return NULL;
	}
	return &p->t[p->i++];
}

static bool p_more(const pctx_t *p)
{
	return p->rc == DNS_OK && p->i < p->n;
}

static dns_rc_t p_finish(pctx_t *p)
{
	if (p->rc != DNS_OK)
		return p->rc;
	if (p->i < p->n)
		p_fail(p, &p->t[p->i], DNS_E_EXTRA, "too many fields");
	else if (!dns_wire_ok(p->out))
		p_fail(p, p->n ? &p->t[p->n - 1] : NULL, p->out->err,
		       "RDATA does not fit");
	return p->rc;
}

static bool p_num(pctx_t *p, const dns_token_t *t, unsigned long max,
		  unsigned long *v)
{
	if (t == NULL)
		return false;
	if (dns_token_u32(t, max, v) != DNS_OK)
		return p_fail(p, t, DNS_E_NUMBER,
			      "number malformed or too big");
	return true;
}

static bool p_u8(pctx_t *p, const char *what)
{
	unsigned long v;
	if (!p_num(p, p_next(p, what), 0xff, &v))
		return false;
	dns_wire_put_u8(p->out, (uint8_t)v);
	return true;
}

static bool p_u16(pctx_t *p, const char *what)
{
	unsigned long v;
	if (!p_num(p, p_next(p, what), 0xffff, &v))
		return false;
	dns_wire_put_u16(p->out, (uint16_t)v);
	return true;
}

/* Parse a name token and write it uncompressed. */
static bool p_name(pctx_t *p, const dns_token_t *t)
{
	dns_name_t n;
	dns_error_t e = {0};
	if (t == NULL)
		return false;
	dns_rc_t rc = dns_name_from_text(t->s, t->len, p->origin, &n, &e);
	if (rc != DNS_OK)
		return p_fail_col(p, t, e.col ? e.col - 1 : 0, rc,
				  "bad domain name");
	dns_name_pack(p->out, &n, NULL);
	return true;
}

/* An address in text of an IPv4 or IPv6 family; false when malformed. */
static bool ip_from_text(int af, const char *s, size_t len, uint8_t *dst)
{
	char buf[INET6_ADDRSTRLEN];
	if (len == 0 || len >= sizeof(buf) || memchr(s, '\0', len) != NULL)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return inet_pton(af, buf, dst) == 1;
}

static bool p_ip(pctx_t *p, const dns_token_t *t, int af, uint8_t *dst)
{
	if (t == NULL)
		return false;
	if (t->quoted || !ip_from_text(af, t->s, t->len, dst))
		return p_fail(p, t, DNS_E_SYNTAX,
			      af == AF_INET ? "bad IPv4 address"
					    : "bad IPv6 address");
	return true;
}

/* Room left in the writer (0 once it has failed, or for a reader). */
static size_t out_room(const dns_wire_t *w)
{
	if (w->out == NULL || !dns_wire_ok(w) || w->pos >= w->end)
		return 0;
	return w->end - w->pos;
}

/* Decode base64 text (len bytes at s) straight into the writer. tok is
 * where errors are reported; off_base is added to a bad offset. */
static bool p_base64_into(pctx_t *p, const char *s, size_t len,
			  const dns_token_t *tok, size_t off_base)
{
	size_t n = 0, bad = 0;
	dns_wire_t *w = p->out;
	uint8_t *dst = w->out != NULL ? w->out + w->pos : NULL;
	dns_rc_t rc = dns_base64_decode(s, len, dst, out_room(w), &n, &bad);
	if (rc == DNS_E_SPACE)
		return p_fail(p, tok, DNS_E_SPACE, "RDATA does not fit");
	if (rc != DNS_OK)
		return p_fail_col(p, tok, off_base + bad, rc, "bad base64");
	w->pos += n;
	return true;
}

/* All remaining tokens joined as one base64 text (may be none). */
static bool p_base64_rest(pctx_t *p)
{
	size_t total = 0, first = p->i;
	if (!p_more(p))
		return p->rc == DNS_OK;
	for (size_t k = first; k < p->n; k++)
		total += p->t[k].len;
	char *buf = dns_mem_alloc(total ? total : 1);
	if (buf == NULL)
		return p_fail(p, &p->t[first], DNS_E_NOMEM, NULL);
	size_t at = 0;
	for (size_t k = first; k < p->n; k++) {
		memcpy(buf + at, p->t[k].s, p->t[k].len);
		at += p->t[k].len;
	}
	size_t n = 0, bad = 0;
	dns_wire_t *w = p->out;
	uint8_t *dst = w->out != NULL ? w->out + w->pos : NULL;
	dns_rc_t rc = dns_base64_decode(buf, total, dst, out_room(w), &n, &bad);
	dns_mem_free(buf);
	p->i = p->n;
	if (rc == DNS_OK) {
		w->pos += n;
		return true;
	}
	size_t k = first;
	while (k + 1 < p->n && bad >= p->t[k].len)
		bad -= p->t[k++].len;
	if (rc == DNS_E_SPACE)
		return p_fail(p, &p->t[k], rc, "RDATA does not fit");
	return p_fail_col(p, &p->t[k], bad, rc, "bad base64");
}

/* A decimal "123", "123.", ".5", "123.45" with at most fdig fraction
 * digits, optionally signed and optionally followed by "m"; the value
 * scaled by 10^fdig. */
typedef struct decimal {
	bool neg;
	unsigned long long scaled;
} decimal_t;

static bool parse_decimal(const dns_token_t *t, unsigned fdig, bool sign,
			  bool meters, decimal_t *d)
{
	const char *s = t->s, *end = t->s + t->len;
	unsigned idig = 0, frac = 0;
	d->neg = false;
	d->scaled = 0;
	if (t->quoted)
		return false;
	if (meters && s < end && end[-1] == 'm')
		end--;
	if (sign && s < end && (*s == '-' || *s == '+'))
		d->neg = *s++ == '-';
	for (; s < end && *s >= '0' && *s <= '9'; s++) {
		if (++idig > 12)
			return false;
		d->scaled = d->scaled * 10 + (unsigned)(*s - '0');
	}
	if (s < end && *s == '.') {
		for (s++; s < end && *s >= '0' && *s <= '9'; s++) {
			if (++frac > fdig)
				return false;
			d->scaled = d->scaled * 10 + (unsigned)(*s - '0');
		}
	}
	if (s != end || idig + frac == 0)
		return false;
	for (; frac < fdig; frac++)
		d->scaled *= 10;
	return true;
}

/* ---- LOC (RFC 1876) ------------------------------------------------------
 * VERSION SIZE HORIZ_PRE VERT_PRE LATITUDE LONGITUDE ALTITUDE. Only version
 * 0 is defined; RFC 1876 says to make no assumptions about others, so they
 * are accepted with any length and printed in the generic form (as BIND
 * does). */

#define LOC_EQUATOR 0x80000000u /* latitude/longitude 0, 1/1000" */
#define LOC_ALT_BASE                                                           \
	10000000u /* altitude 0: 100 km below the WGS 84 ellipsoid, in cm */
#define LOC_MAS_DEG  3600000ull	   /* milliseconds of arc per degree */
#define LOC_SIZE_MAX 9000000000ull /* 90000000.00 m in cm: 9e9 */

static bool loc_size_ok(uint8_t b)
{
	return (b >> 4) <= 9 && (b & 0x0f) <= 9;
}

static void loc_angle_check(dns_wire_t *r, unsigned maxdeg)
{
	size_t at = r->pos;
	uint32_t v = dns_wire_u32(r);
	uint32_t a = v >= LOC_EQUATOR ? v - LOC_EQUATOR : LOC_EQUATOR - v;
	if (dns_wire_ok(r) && a > maxdeg * LOC_MAS_DEG)
		rd_fail(r, at);
}

static void loc_check(dns_wire_t *r)
{
	if (!rd_need(r, 1))
		return;
	if (dns_wire_u8(r) != 0) {
		dns_wire_skip(r, dns_wire_left(r));
		return;
	}
	if (!rd_need(r, 15))
		return;
	for (int i = 0; i < 3; i++) {
		size_t at = r->pos;
		if (!loc_size_ok(dns_wire_u8(r)))
			rd_fail(r, at);
	}
	loc_angle_check(r, 90);
	loc_angle_check(r, 180);
	dns_wire_skip(r, 4);
	rd_end(r);
}

static void loc_print_angle(dns_strbuf_t *sb, uint32_t v, char pos, char neg)
{
	uint32_t a = v >= LOC_EQUATOR ? v - LOC_EQUATOR : LOC_EQUATOR - v;
	dns_sb_printf(sb, "%u %u %u.%03u %c", a / 3600000u, a / 60000u % 60u,
		      a / 1000u % 60u, a % 1000u, v >= LOC_EQUATOR ? pos : neg);
}

/* Sizes print in metres: "0.50m" below 1 m (exponent < 2), else "20m". */
static void loc_print_size(dns_strbuf_t *sb, uint8_t b)
{
	unsigned long long v = b >> 4;
	unsigned e = b & 0x0f;
	if (e < 2) {
		dns_sb_printf(sb, " 0.%02llum", e == 1 ? v * 10 : v);
		return;
	}
	for (unsigned i = 2; i < e; i++)
		v *= 10;
	dns_sb_printf(sb, " %llum", v);
}

static bool loc_size_canonical(uint8_t b)
{
	return (b >> 4) != 0 || (b & 15) == 0;
}

static dns_rc_t loc_print(const uint8_t *rd, size_t len, dns_strbuf_t *sb)
{
	dns_wire_t r;
	dns_rc_t rc = stored_reader(rd, len, loc_check, &r);
	if (rc != DNS_OK)
		return rc;
	if (rd[0] != 0)
		return DNS_E_RDATA_FIELD; /* a version we cannot interpret */
	dns_wire_skip(&r, 1);
	uint8_t size = dns_wire_u8(&r), hp = dns_wire_u8(&r);
	uint8_t vp = dns_wire_u8(&r);
	/* A zero mantissa with a non-zero exponent is a valid but
	 * non-canonical zero that text cannot express: print the generic
	 * form so that wire -> text -> wire keeps every byte. */
	if (!loc_size_canonical(size) || !loc_size_canonical(hp) ||
	    !loc_size_canonical(vp))
		return DNS_E_RDATA_FIELD;
	loc_print_angle(sb, dns_wire_u32(&r), 'N', 'S');
	dns_sb_putc(sb, ' ');
	loc_print_angle(sb, dns_wire_u32(&r), 'E', 'W');
	long long alt = (long long)dns_wire_u32(&r) - LOC_ALT_BASE;
	unsigned long long a = (unsigned long long)(alt < 0 ? -alt : alt);
	dns_sb_printf(sb, " %s%llu.%02llum", alt < 0 ? "-" : "", a / 100,
		      a % 100);
	loc_print_size(sb, size);
	loc_print_size(sb, hp);
	loc_print_size(sb, vp);
	return DNS_OK;
}

/* "d [m [s.fff]] H" for one axis; pos/neg are the hemisphere letters. */
static bool loc_parse_angle(pctx_t *p, unsigned maxdeg, const char *pos,
			    const char *neg, uint32_t *out)
{
	unsigned long deg, min = 0;
	decimal_t sec = {false, 0};
	const dns_token_t *td = p_next(p, "degrees");
	if (!p_num(p, td, maxdeg, &deg))
		return false;
	const dns_token_t *t = p_next(p, "hemisphere");
	if (t != NULL && !dns_token_is(t, pos) && !dns_token_is(t, neg)) {
		if (!p_num(p, t, 59, &min))
			return false;
		t = p_next(p, "hemisphere");
	}
	if (t != NULL && !dns_token_is(t, pos) && !dns_token_is(t, neg)) {
		if (!parse_decimal(t, 3, false, false, &sec) ||
		    sec.scaled >= 60000)
			return p_fail(p, t, DNS_E_NUMBER, "bad seconds");
		t = p_next(p, "hemisphere");
	}
	if (t == NULL)
		return false;
	if (!dns_token_is(t, pos) && !dns_token_is(t, neg))
		return p_fail(p, t, DNS_E_SYNTAX, "hemisphere expected");
	unsigned long long v = deg * LOC_MAS_DEG + min * 60000u + sec.scaled;
	if (v > maxdeg * LOC_MAS_DEG)
		return p_fail(p, td, DNS_E_NUMBER, "angle out of range");
	*out = dns_token_is(t, pos) ? LOC_EQUATOR + (uint32_t)v
				    : LOC_EQUATOR - (uint32_t)v;
	return true;
}

static bool loc_parse_alt(pctx_t *p, uint32_t *out)
{
	decimal_t d;
	const dns_token_t *t = p_next(p, "altitude");
	if (t == NULL)
		return false;
	if (!parse_decimal(t, 2, true, true, &d))
		return p_fail(p, t, DNS_E_NUMBER, "bad altitude");
	if (d.neg ? d.scaled > LOC_ALT_BASE
		  : d.scaled > 0xffffffffull - LOC_ALT_BASE)
		return p_fail(p, t, DNS_E_NUMBER, "altitude out of range");
	*out = d.neg ? LOC_ALT_BASE - (uint32_t)d.scaled
		     : LOC_ALT_BASE + (uint32_t)d.scaled;
	return true;
}

/* Centimetres as mantissa/exponent, truncating (as BIND encodes). */
static uint8_t loc_size_byte(unsigned long long cm)
{
	unsigned e = 0;
	while (e < 9 && cm >= 10) {
		cm /= 10;
		e++;
	}
	return (uint8_t)(cm << 4 | e);
}

/* An optional size token; *b keeps its default when there is none. */
static bool loc_parse_size(pctx_t *p, uint8_t *b)
{
	decimal_t d;
	if (!p_more(p))
		return p->rc == DNS_OK;
	const dns_token_t *t = p_next(p, "size");
	if (!parse_decimal(t, 2, false, true, &d) || d.scaled > LOC_SIZE_MAX)
		return p_fail(p, t, DNS_E_NUMBER, "bad size or precision");
	*b = loc_size_byte(d.scaled);
	return true;
}

static dns_rc_t loc_parse(const dns_token_t *t, size_t n,
			  const dns_name_t *origin, dns_wire_t *out,
			  dns_error_t *err)
{
	pctx_t p = {t, n, 0, origin, out, err, DNS_OK};
	uint32_t lat = 0, lon = 0, alt = 0;
	uint8_t size = 0x12, hp = 0x16, vp = 0x13; /* 1m 10000m 10m */
	if (loc_parse_angle(&p, 90, "N", "S", &lat) &&
	    loc_parse_angle(&p, 180, "E", "W", &lon) &&
	    loc_parse_alt(&p, &alt) && loc_parse_size(&p, &size) &&
	    loc_parse_size(&p, &hp) && loc_parse_size(&p, &vp)) {
		dns_wire_put_u8(out, 0);
		dns_wire_put_u8(out, size);
		dns_wire_put_u8(out, hp);
		dns_wire_put_u8(out, vp);
		dns_wire_put_u32(out, lat);
		dns_wire_put_u32(out, lon);
		dns_wire_put_u32(out, alt);
	}
	return p_finish(&p);
}

static void loc_unpack(dns_wire_t *in, dns_wire_t *out)
{
	unpack_copy(in, out, loc_check);
}

/* ---- WKS (RFC 1035 3.4.2) ------------------------------------------------
 * ADDRESS PROTOCOL BITMAP. The bitmap may be empty; bits past port 65535
 * cannot exist, so more than 8192 bitmap bytes are left over. Trailing zero
 * bytes are legal on the wire (BIND: rejected) but never written. Printed
 * with numeric protocol and ports, as dig does. */

#define WKS_BITMAP_MAX 8192u

static void wks_check(dns_wire_t *r)
{
	if (!rd_need(r, 4))
		return;
	dns_wire_skip(r, 4);
	if (!rd_need(r, 1))
		return;
	dns_wire_skip(r, 1);
	size_t left = dns_wire_left(r);
	if (left > WKS_BITMAP_MAX) {
		dns_wire_fail_at(r, DNS_E_RDATA_TRAILING,
				 r->pos + WKS_BITMAP_MAX);
		return;
	}
	dns_wire_skip(r, left);
}

static dns_rc_t wks_print(const uint8_t *rd, size_t len, dns_strbuf_t *sb)
{
	dns_wire_t r;
	dns_rc_t rc = stored_reader(rd, len, wks_check, &r);
	if (rc != DNS_OK)
		return rc;
	/* Trailing zero octets in the bitmap are legal on the wire (RFC 1035
	 * is silent) but text cannot express them: print the generic form so
	 * that wire -> text -> wire keeps every byte. */
	if (len > 5 && rd[len - 1] == 0)
		return DNS_E_RDATA_FIELD;
	sb_ip(sb, AF_INET, rd);
	dns_sb_printf(sb, " %u", rd[4]);
	for (size_t i = 5; i < len; i++)
		for (unsigned bit = 0; bit < 8; bit++)
			if (rd[i] & (0x80u >> bit))
				dns_sb_printf(sb, " %zu", (i - 5) * 8 + bit);
	return DNS_OK;
}

/* Service mnemonics accepted in text (a fixed table, so that parsing does
 * not depend on the local /etc/services). */
static const struct {
	const char *name;
	uint16_t port;
} wks_services[] = {
    {"ftp-data", 20}, {"ftp", 21},     {"ssh", 22},   {"telnet", 23},
    {"smtp", 25},     {"domain", 53},  {"tftp", 69},  {"http", 80},
    {"pop3", 110},    {"sunrpc", 111}, {"nntp", 119}, {"ntp", 123},
    {"imap", 143},    {"snmp", 161},   {"ldap", 389}, {"https", 443},
};

static bool wks_port(pctx_t *p, const dns_token_t *t, unsigned long *port)
{
	for (size_t i = 0; i < sizeof(wks_services) / sizeof(wks_services[0]);
	     i++) {
		if (dns_token_is(t, wks_services[i].name)) {
			*port = wks_services[i].port;
			return true;
		}
	}
	if (t->len > 0 && (t->s[0] < '0' || t->s[0] > '9'))
		return p_fail(p, t, DNS_E_SYNTAX, "unknown service name");
	return p_num(p, t, 0xffff, port);
}

static bool wks_protocol(pctx_t *p, const dns_token_t *t, unsigned long *proto)
{
	if (t == NULL)
		return false;
	if (dns_token_is(t, "tcp") || dns_token_is(t, "udp")) {
		*proto = dns_token_is(t, "tcp") ? 6 : 17;
		return true;
	}
	if (t->len > 0 && (t->s[0] < '0' || t->s[0] > '9'))
		return p_fail(p, t, DNS_E_SYNTAX, "unknown protocol name");
	return p_num(p, t, 0xff, proto);
}

static dns_rc_t wks_parse(const dns_token_t *t, size_t n,
			  const dns_name_t *origin, dns_wire_t *out,
			  dns_error_t *err)
{
	pctx_t p = {t, n, 0, origin, out, err, DNS_OK};
	uint8_t addr[4], bitmap[WKS_BITMAP_MAX];
	unsigned long proto, port;
	size_t used = 0;
	if (!p_ip(&p, p_next(&p, "address"), AF_INET, addr) ||
	    !wks_protocol(&p, p_next(&p, "protocol"), &proto))
		return p_finish(&p);
	memset(bitmap, 0, sizeof(bitmap));
	while (p_more(&p) && wks_port(&p, &t[p.i], &port)) {
		p.i++;
		bitmap[port / 8] |= (uint8_t)(0x80u >> (port % 8));
		if (port / 8 + 1 > used)
			used = port / 8 + 1;
	}
	dns_wire_put_bytes(out, addr, 4);
	dns_wire_put_u8(out, (uint8_t)proto);
	dns_wire_put_bytes(out, bitmap, used);
	return p_finish(&p);
}

static void wks_unpack(dns_wire_t *in, dns_wire_t *out)
{
	unpack_copy(in, out, wks_check);
}

/* ---- APL (RFC 3123) ------------------------------------------------------
 * Items of ADDRESSFAMILY(16) PREFIX(8) N|AFDLENGTH(1|7) AFDPART. The sender
 * MUST NOT include trailing zero octets in AFDPART (section 4). Families
 * other than 1 and 2 are accepted and printed in the generic form. Empty
 * RDATA is legal. */

static unsigned apl_max_prefix(uint16_t family)
{
	return family == 1 ? 32 : family == 2 ? 128 : 255;
}

static unsigned apl_max_afd(uint16_t family)
{
	return family == 1 ? 4 : family == 2 ? 16 : 127;
}

static void apl_item_check(dns_wire_t *r)
{
	size_t at = r->pos;
	if (!rd_need(r, 4))
		return;
	uint16_t family = dns_wire_u16(r);
	uint8_t prefix = dns_wire_u8(r);
	unsigned afd = dns_wire_u8(r) & 0x7fu;
	if (prefix > apl_max_prefix(family)) {
		rd_fail(r, at + 2);
		return;
	}
	if (afd > apl_max_afd(family)) {
		rd_fail(r, at + 3);
		return;
	}
	if (!rd_need(r, afd))
		return;
	const uint8_t *part = dns_wire_bytes(r, NULL, afd);
	if (afd > 0 && part[afd - 1] == 0)
		rd_fail(r, r->pos - 1);
}

static void apl_check(dns_wire_t *r)
{
	while (dns_wire_ok(r) && r->pos < r->end)
		apl_item_check(r);
}

static dns_rc_t apl_print(const uint8_t *rd, size_t len, dns_strbuf_t *sb)
{
	dns_wire_t r;
	dns_rc_t rc = stored_reader(rd, len, apl_check, &r);
	if (rc != DNS_OK)
		return rc;
	for (bool first = true; r.pos < r.end; first = false) {
		uint16_t family = dns_wire_u16(&r);
		uint8_t prefix = dns_wire_u8(&r), nl = dns_wire_u8(&r);
		uint8_t addr[16] = {0};
		if (family != 1 && family != 2)
			return DNS_E_RDATA_FIELD;
		dns_wire_bytes(&r, addr, nl & 0x7fu);
		dns_sb_printf(sb, "%s%s%u:", first ? "" : " ",
			      nl & 0x80u ? "!" : "", family);
		sb_ip(sb, family == 1 ? AF_INET : AF_INET6, addr);
		dns_sb_printf(sb, "/%u", prefix);
	}
	return DNS_OK;
}

/* Decimal digits s[0..len) into *v (at most max). */
static bool digits_value(const char *s, size_t len, unsigned long max,
			 unsigned long *v)
{
	*v = 0;
	if (len == 0 || len > 10)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (unsigned long)(s[i] - '0');
	}
	return *v <= max;
}

/* "[!]family:address/prefix" */
static bool apl_parse_item(pctx_t *p, const dns_token_t *t)
{
	const char *s = t->s, *end = t->s + t->len;
	bool neg = s < end && *s == '!';
	s += neg;
	const char *colon = memchr(s, ':', (size_t)(end - s));
	const char *slash =
	    colon ? memchr(colon, '/', (size_t)(end - colon)) : NULL;
	unsigned long family, prefix;
	uint8_t addr[16];
	if (t->quoted || colon == NULL || slash == NULL)
		return p_fail(p, t, DNS_E_SYNTAX,
			      "expected [!]afi:address/prefix");
	if (!digits_value(s, (size_t)(colon - s), 0xffff, &family))
		return p_fail(p, t, DNS_E_NUMBER, "bad address family");
	if (family != 1 && family != 2)
		return p_fail(p, t, DNS_E_RDATA_FIELD,
			      "address family has no presentation form");
	int af = family == 1 ? AF_INET : AF_INET6;
	size_t alen = family == 1 ? 4 : 16;
	if (!ip_from_text(af, colon + 1, (size_t)(slash - colon - 1), addr))
		return p_fail(p, t, DNS_E_SYNTAX, "bad address");
	if (!digits_value(slash + 1, (size_t)(end - slash - 1),
			  apl_max_prefix((uint16_t)family), &prefix))
		return p_fail(p, t, DNS_E_NUMBER, "bad prefix length");
	while (alen > 0 && addr[alen - 1] == 0)
		alen--;
	dns_wire_put_u16(p->out, (uint16_t)family);
	dns_wire_put_u8(p->out, (uint8_t)prefix);
	dns_wire_put_u8(p->out, (uint8_t)((neg ? 0x80u : 0u) | alen));
	dns_wire_put_bytes(p->out, addr, alen);
	return true;
}

static dns_rc_t apl_parse(const dns_token_t *t, size_t n,
			  const dns_name_t *origin, dns_wire_t *out,
			  dns_error_t *err)
{
	pctx_t p = {t, n, 0, origin, out, err, DNS_OK};
	while (p_more(&p) && apl_parse_item(&p, &t[p.i]))
		p.i++;
	return p_finish(&p);
}

static void apl_unpack(dns_wire_t *in, dns_wire_t *out)
{
	unpack_copy(in, out, apl_check);
}

/* ---- IPSECKEY (RFC 4025) -------------------------------------------------
 * PRECEDENCE GATEWAY-TYPE ALGORITHM GATEWAY PUBLIC-KEY. The gateway is
 * absent (type 0, printed "."), IPv4, IPv6 or an uncompressed name; the
 * key may be empty (algorithm 0: no key; BIND: rejected). */

static void ipseckey_check(dns_wire_t *r)
{
	size_t at = r->pos;
	dns_name_t n;
	if (!rd_need(r, 3))
		return;
	dns_wire_skip(r, 1);
	uint8_t gtype = dns_wire_u8(r);
	dns_wire_skip(r, 1);
	switch (gtype) {
	case 0:
		break;
	case 1:
	case 2:
		if (rd_need(r, gtype == 1 ? 4 : 16))
			dns_wire_skip(r, gtype == 1 ? 4 : 16);
		break;
	case 3:
		rd_name(r, &n);
		break;
	default:
		rd_fail(r, at + 1);
		return;
	}
	dns_wire_skip(r, dns_wire_left(r));
}

static dns_rc_t ipseckey_print(const uint8_t *rd, size_t len, dns_strbuf_t *sb)
{
	dns_wire_t r;
	dns_rc_t rc = stored_reader(rd, len, ipseckey_check, &r);
	if (rc != DNS_OK)
		return rc;
	dns_sb_printf(sb, "%u %u %u ", rd[0], rd[1], rd[2]);
	dns_wire_skip(&r, 3);
	if (rd[1] == 0)
		dns_sb_putc(sb, '.');
	else if (rd[1] == 3)
		sb_name_at(sb, &r);
	else
		sb_ip(sb, rd[1] == 1 ? AF_INET : AF_INET6,
		      dns_wire_bytes(&r, NULL, rd[1] == 1 ? 4 : 16));
	if (r.pos < len) {
		dns_sb_putc(sb, ' ');
		sb_base64(sb, rd + r.pos, len - r.pos);
	}
	return DNS_OK;
}

static bool ipseckey_gateway(pctx_t *p, unsigned long gtype)
{
	const dns_token_t *t = p_next(p, "gateway");
	uint8_t addr[16];
	if (t == NULL)
		return false;
	switch (gtype) {
	case 0:
		if (t->len != 1 || t->s[0] != '.' || t->quoted)
			return p_fail(p, t, DNS_E_SYNTAX,
				      "gateway type 0 needs \".\"");
		return true;
	case 1:
	case 2:
		if (!p_ip(p, t, gtype == 1 ? AF_INET : AF_INET6, addr))
			return false;
		dns_wire_put_bytes(p->out, addr, gtype == 1 ? 4 : 16);
		return true;
	default:
		return p_name(p, t);
	}
}

static dns_rc_t ipseckey_parse(const dns_token_t *t, size_t n,
			       const dns_name_t *origin, dns_wire_t *out,
			       dns_error_t *err)
{
	pctx_t p = {t, n, 0, origin, out, err, DNS_OK};
	unsigned long gtype;
	if (!p_u8(&p, "precedence"))
		return p_finish(&p);
	const dns_token_t *tg = p_next(&p, "gateway type");
	if (!p_num(&p, tg, 0xff, &gtype))
		return p_finish(&p);
	if (gtype > 3) {
		p_fail(&p, tg, DNS_E_RDATA_FIELD, "gateway type not 0-3");
		return p_finish(&p);
	}
	dns_wire_put_u8(out, (uint8_t)gtype);
	if (p_u8(&p, "algorithm") && ipseckey_gateway(&p, gtype))
		p_base64_rest(&p);
	return p_finish(&p);
}

static void ipseckey_unpack(dns_wire_t *in, dns_wire_t *out)
{
	unpack_copy(in, out, ipseckey_check);
}

/* ---- HIP (RFC 8005 section 5) --------------------------------------------
 * HIT-LENGTH PK-ALGORITHM PK-LENGTH HIT PUBLIC-KEY RENDEZVOUS-SERVERS...
 * Presentation: algorithm, HIT in hex, key in base64, then names. The HIT
 * and the key are not optional, so a zero length is malformed (as BIND). */

static void hip_check(dns_wire_t *r)
{
	size_t at = r->pos;
	dns_name_t n;
	if (!rd_need(r, 4))
		return;
	uint8_t hitlen = dns_wire_u8(r);
	dns_wire_skip(r, 1);
	uint16_t pklen = dns_wire_u16(r);
	if (hitlen == 0 || pklen == 0) {
		rd_fail(r, hitlen == 0 ? at : at + 2);
		return;
	}
	if (rd_need(r, hitlen))
		dns_wire_skip(r, hitlen);
	if (rd_need(r, pklen))
		dns_wire_skip(r, pklen);
	while (dns_wire_ok(r) && r->pos < r->end)
		rd_name(r, &n);
}

static dns_rc_t hip_print(const uint8_t *rd, size_t len, dns_strbuf_t *sb)
{
	dns_wire_t r;
	dns_rc_t rc = stored_reader(rd, len, hip_check, &r);
	if (rc != DNS_OK)
		return rc;
	uint8_t hitlen = rd[0];
	uint16_t pklen = dns_get_u16(rd + 2);
	dns_sb_printf(sb, "%u ", rd[1]);
	dns_sb_hex(sb, rd + 4, hitlen);
	dns_sb_putc(sb, ' ');
	sb_base64(sb, rd + 4 + hitlen, pklen);
	dns_wire_skip(&r, 4u + hitlen + pklen);
	while (r.pos < r.end) {
		dns_sb_putc(sb, ' ');
		sb_name_at(sb, &r);
	}
	return DNS_OK;
}

static bool hip_hit(pctx_t *p, size_t lenpos)
{
	const dns_token_t *t = p_next(p, "HIT");
	dns_wire_t *w = p->out;
	size_t n = 0, bad = 0;
	if (t == NULL)
		return false;
	uint8_t *dst = w->out != NULL ? w->out + w->pos : NULL;
	size_t room = out_room(w);
	dns_rc_t rc = dns_base16_decode(t->s, t->len, dst, room, &n, &bad);
	if (rc == DNS_E_BASE16)
		return p_fail_col(p, t, bad, rc, "bad hex in HIT");
	if (rc != DNS_OK)
		return p_fail(p, t, rc, "RDATA does not fit");
	if (n == 0 || n > 255)
		return p_fail(p, t, DNS_E_RDATA_FIELD, "HIT not 1-255 bytes");
	w->out[lenpos] = (uint8_t)n;
	w->pos += n;
	return true;
}

static bool hip_key(pctx_t *p, size_t lenpos)
{
	const dns_token_t *t = p_next(p, "public key");
	if (t == NULL)
		return false;
	size_t start = p->out->pos;
	if (!p_base64_into(p, t->s, t->len, t, 0))
		return false;
	size_t n = p->out->pos - start;
	if (n == 0 || n > 0xffff)
		return p_fail(p, t, DNS_E_RDATA_FIELD, "key not 1-65535 bytes");
	dns_wire_poke_u16(p->out, lenpos, (uint16_t)n);
	return true;
}

static dns_rc_t hip_parse(const dns_token_t *t, size_t n,
			  const dns_name_t *origin, dns_wire_t *out,
			  dns_error_t *err)
{
	pctx_t p = {t, n, 0, origin, out, err, DNS_OK};
	size_t start = out->pos;
	dns_wire_put_u8(out, 0); /* HIT length, set below */
	if (!p_u8(&p, "algorithm"))
		return p_finish(&p);
	dns_wire_put_u16(out, 0); /* key length, set below */
	if (!dns_wire_ok(out))
		return p_finish(&p);
	if (hip_hit(&p, start) && hip_key(&p, start + 2)) {
		while (p_more(&p) && p_name(&p, &t[p.i]))
			p.i++;
	}
	return p_finish(&p);
}

static void hip_unpack(dns_wire_t *in, dns_wire_t *out)
{
	unpack_copy(in, out, hip_check);
}

/* ---- A6 (RFC 2874) -------------------------------------------------------
 * PREFIX-LEN(0-128) ADDRESS-SUFFIX PREFIX-NAME. The suffix has
 * (128 - len + 7) / 8 bytes whose leading pad bits must be zero; the name
 * is present only when len > 0 and is never compressed. */

static size_t a6_suffix_len(unsigned plen)
{
	return (128u - plen + 7u) / 8u;
}

static void a6_check(dns_wire_t *r)
{
	size_t at = r->pos;
	dns_name_t n;
	if (!rd_need(r, 1))
		return;
	unsigned plen = dns_wire_u8(r);
	if (plen > 128) {
		rd_fail(r, at);
		return;
	}
	size_t slen = a6_suffix_len(plen);
	if (!rd_need(r, slen))
		return;
	const uint8_t *suffix = dns_wire_bytes(r, NULL, slen);
	if (plen % 8 != 0 && (suffix[0] & (0xffu << (8 - plen % 8)) & 0xffu))
		rd_fail(r, at + 1);
	if (plen > 0)
		rd_name(r, &n);
	rd_end(r);
}

static dns_rc_t a6_print(const uint8_t *rd, size_t len, dns_strbuf_t *sb)
{
	dns_wire_t r;
	dns_rc_t rc = stored_reader(rd, len, a6_check, &r);
	if (rc != DNS_OK)
		return rc;
	unsigned plen = rd[0];
	size_t slen = a6_suffix_len(plen);
	uint8_t addr[16] = {0};
	memcpy(addr + 16 - slen, rd + 1, slen);
	dns_sb_printf(sb, "%u", plen);
	if (plen < 128) { /* BIND: prints two spaces when plen is 128 */
		dns_sb_putc(sb, ' ');
		sb_ip(sb, AF_INET6, addr);
	}
	if (plen > 0) {
		dns_sb_putc(sb, ' ');
		dns_wire_skip(&r, 1 + slen);
		sb_name_at(sb, &r);
	}
	return DNS_OK;
}

static dns_rc_t a6_parse(const dns_token_t *t, size_t n,
			 const dns_name_t *origin, dns_wire_t *out,
			 dns_error_t *err)
{
	pctx_t p = {t, n, 0, origin, out, err, DNS_OK};
	unsigned long plen;
	uint8_t addr[16];
	if (!p_num(&p, p_next(&p, "prefix length"), 128, &plen))
		return p_finish(&p);
	size_t slen = a6_suffix_len((unsigned)plen);
	dns_wire_put_u8(out, (uint8_t)plen);
	if (plen < 128) {
		if (!p_ip(&p, p_next(&p, "address suffix"), AF_INET6, addr))
			return p_finish(&p);
		/* the prefix bits are not sent: clear them (as BIND does) */
		if (plen % 8 != 0)
			addr[16 - slen] &= (uint8_t)(0xffu >> (plen % 8));
		dns_wire_put_bytes(out, addr + 16 - slen, slen);
	}
	if (plen > 0)
		p_name(&p, p_next(&p, "prefix name"));
	return p_finish(&p);
}

static void a6_unpack(dns_wire_t *in, dns_wire_t *out)
{
	unpack_copy(in, out, a6_check);
}

/* RFC 4034 section 6.2 lists A6: its prefix name is lowercased. */
static void a6_canonicalize(uint8_t *rd, size_t len)
{
	if (len < 1 || rd[0] == 0 || rd[0] > 128)
		return;
	size_t at = 1 + a6_suffix_len(rd[0]);
	if (at < len && dns_name_wire_len(rd + at, len - at) == len - at)
		dns_name_wire_lower(rd + at);
}

/* ---- SVCB and HTTPS (RFC 9460) -------------------------------------------
 * SvcPriority(16) TargetName SvcParams, each KEY(16) LENGTH(16) VALUE, keys
 * strictly increasing. AliasMode (priority 0) SHOULD have no params, but
 * recipients ignore them, so they are kept and printed. Key 7 is dohpath
 * (RFC 9461; BIND 9.18 prints it as key7), key 8 ohttp (RFC 9540). */

enum {
	SVC_MANDATORY,
	SVC_ALPN,
	SVC_NO_DEFAULT_ALPN,
	SVC_PORT,
	SVC_IPV4HINT,
	SVC_ECH,
	SVC_IPV6HINT,
	SVC_DOHPATH,
	SVC_OHTTP,
	SVC_KNOWN
};

static const char *const svc_key_names[SVC_KNOWN] = {
    "mandatory", "alpn",     "no-default-alpn", "port",	 "ipv4hint",
    "ech",	 "ipv6hint", "dohpath",		"ohttp",
};

/* Well-formed UTF-8: no overlong forms, surrogates or values past
 * U+10FFFF. *bad gets the offset of the first bad sequence. */
static bool utf8_ok(const uint8_t *s, size_t len, size_t *bad)
{
	static const uint32_t min_cp[4] = {0, 0x80, 0x800, 0x10000};
	size_t i = 0;
	while (i < len) {
		uint8_t c = s[i];
		size_t n = c < 0x80		? 0
			   : (c & 0xe0) == 0xc0 ? 1
			   : (c & 0xf0) == 0xe0 ? 2
			   : (c & 0xf8) == 0xf0 ? 3
						: 4;
		uint32_t cp = c & (0x7fu >> n);
		bool ok = n < 4 && len - i > n;
		for (size_t k = 1; ok && k <= n; k++) {
			ok = (s[i + k] & 0xc0) == 0x80;
			cp = cp << 6 | (s[i + k] & 0x3fu);
		}
		if (!ok || cp < min_cp[n] || cp > 0x10ffff ||
		    (cp >= 0xd800 && cp <= 0xdfff)) {
			*bad = i;
			return false;
		}
		i += n + 1;
	}
	return true;
}

/* Does one URI-template expression (the text between '{' and '}') name the
 * variable "dns"? */
static bool template_expr_has_dns(const uint8_t *s, size_t len)
{
	size_t i = len > 0 && memchr("+#./;?&", s[0], 7) != NULL ? 1 : 0;
	while (i < len) {
		size_t j = i;
		while (j < len && s[j] != ',')
			j++;
		size_t k = i;
		while (k < j && s[k] != ':' && s[k] != '*')
			k++;
		if (k - i == 3 && memcmp(s + i, "dns", 3) == 0)
			return true;
		i = j + 1;
	}
	return false;
}

/* RFC 9461 section 5: a relative URI template, UTF-8, that contains the
 * "dns" variable. */
static bool dohpath_ok(const uint8_t *v, size_t len, size_t *bad)
{
	*bad = 0;
	if (len == 0 || v[0] != '/' || !utf8_ok(v, len, bad))
		return false;
	for (size_t i = 0; i < len; i++) {
		if (v[i] != '{')
			continue;
		const uint8_t *close = memchr(v + i, '}', len - i);
		if (close == NULL)
			return false;
		size_t end = (size_t)(close - v);
		if (template_expr_has_dns(v + i + 1, end - i - 1))
			return true;
		i = end;
	}
	return false;
}

static bool svc_mandatory_ok(const uint8_t *v, size_t len, size_t *bad)
{
	*bad = 0;
	if (len == 0 || len % 2 != 0)
		return false;
	for (size_t i = 0; i < len; i += 2) {
		uint16_t k = dns_get_u16(v + i);
		if (k == SVC_MANDATORY ||
		    (i > 0 && k <= dns_get_u16(v + i - 2))) {
			*bad = i;
			return false;
		}
	}
	return true;
}

static bool svc_alpn_ok(const uint8_t *v, size_t len, size_t *bad)
{
	size_t i = 0;
	*bad = 0;
	if (len == 0)
		return false;
	while (i < len) {
		if (v[i] == 0 || len - i - 1 < v[i]) {
			*bad = i;
			return false;
		}
		i += 1u + v[i];
	}
	return true;
}

/* Value rules per key; unknown keys and ech take any bytes. */
static bool svc_value_ok(uint16_t key, const uint8_t *v, size_t len,
			 size_t *bad)
{
	*bad = 0;
	switch (key) {
	case SVC_MANDATORY:
		return svc_mandatory_ok(v, len, bad);
	case SVC_ALPN:
		return svc_alpn_ok(v, len, bad);
	case SVC_NO_DEFAULT_ALPN:
	case SVC_OHTTP:
		return len == 0;
	case SVC_PORT:
		return len == 2;
	case SVC_IPV4HINT:
		return len > 0 && len % 4 == 0;
	case SVC_IPV6HINT:
		return len > 0 && len % 16 == 0;
	case SVC_DOHPATH:
		return dohpath_ok(v, len, bad);
	default:
		return true;
	}
}

/* Self-consistency (RFC 9460 section 8 and 7.1.1) tracked during one walk
 * over the params: every key listed in mandatory must be present, and
 * no-default-alpn needs alpn. Keys arrive sorted and mandatory (key 0)
 * comes first, so its sorted list is merged against them. */
typedef struct svc_walk {
	const uint8_t *mand; /* mandatory's value, or NULL */
	size_t mlen, mat;    /* its length and offset in the message */
	size_t mi;	     /* next listed key not yet seen */
	bool alpn;	     /* alpn seen */
} svc_walk_t;

/* Account for param key at offset at (value v, len bytes); false with the
 * error recorded when the params are inconsistent. */
static bool svc_walk_key(dns_wire_t *r, svc_walk_t *sw, uint16_t key, size_t at,
			 const uint8_t *v, size_t len)
{
	if (key == SVC_MANDATORY) {
		sw->mand = v;
		sw->mlen = len;
		sw->mat = at + 4;
	}
	if (sw->mi < sw->mlen && dns_get_u16(sw->mand + sw->mi) < key) {
		dns_wire_fail_at(r, DNS_E_SVCB_PARAM, sw->mat + sw->mi);
		return false;
	}
	if (sw->mi < sw->mlen && dns_get_u16(sw->mand + sw->mi) == key)
		sw->mi += 2;
	sw->alpn = sw->alpn || key == SVC_ALPN;
	if (key == SVC_NO_DEFAULT_ALPN && !sw->alpn) {
		dns_wire_fail_at(r, DNS_E_SVCB_PARAM, at);
		return false;
	}
	return true;
}

/* Walk the SvcParams from r->pos to the end: order, lengths, values and
 * self-consistency, each problem at its offset. */
static void svcb_params_check(dns_wire_t *r)
{
	svc_walk_t sw = {NULL, 0, 0, 0, false};
	long prev = -1;
	size_t bad;
	while (dns_wire_ok(r) && r->pos < r->end) {
		size_t at = r->pos;
		if (!rd_need(r, 4))
			return;
		uint16_t key = dns_wire_u16(r), len = dns_wire_u16(r);
		if ((long)key <= prev) {
			dns_wire_fail_at(r, DNS_E_SVCB_PARAM, at);
			return;
		}
		prev = key;
		if (!rd_need(r, len))
			return;
		const uint8_t *v = dns_wire_bytes(r, NULL, len);
		if (!svc_value_ok(key, v, len, &bad)) {
			dns_wire_fail_at(r, DNS_E_SVCB_PARAM, at + 4 + bad);
			return;
		}
		if (!svc_walk_key(r, &sw, key, at, v, len))
			return;
	}
	if (dns_wire_ok(r) && sw.mi < sw.mlen)
		dns_wire_fail_at(r, DNS_E_SVCB_PARAM, sw.mat + sw.mi);
}

static void svcb_check(dns_wire_t *r)
{
	dns_name_t n;
	if (!rd_need(r, 2))
		return;
	dns_wire_skip(r, 2);
	rd_name(r, &n);
	svcb_params_check(r);
}

static void svc_print_key(dns_strbuf_t *sb, uint16_t key)
{
	if (key < SVC_KNOWN)
		dns_sb_puts(sb, svc_key_names[key]);
	else
		dns_sb_printf(sb, "key%u", key);
}

/* alpn="h2,h3": inside the quotes a ',' or '\' within an id is escaped
 * for the list (RFC 9460 appendix A.1) and then for the string. */
static void svc_print_alpn(dns_strbuf_t *sb, const uint8_t *v, size_t len)
{
	dns_sb_putc(sb, '"');
	for (size_t i = 0; i < len; i += 1u + v[i]) {
		if (i > 0)
			dns_sb_putc(sb, ',');
		for (size_t k = 1; k <= v[i]; k++) {
			if (v[i + k] == ',' || v[i + k] == '\\')
				sb_quoted_byte(sb, '\\');
			sb_quoted_byte(sb, v[i + k]);
		}
	}
	dns_sb_putc(sb, '"');
}

static void svc_print_list(dns_strbuf_t *sb, uint16_t key, const uint8_t *v,
			   size_t len)
{
	size_t step = key == SVC_MANDATORY ? 2 : key == SVC_IPV4HINT ? 4 : 16;
	for (size_t i = 0; i < len; i += step) {
		if (i > 0)
			dns_sb_putc(sb, ',');
		if (key == SVC_MANDATORY)
			svc_print_key(sb, dns_get_u16(v + i));
		else
			sb_ip(sb, key == SVC_IPV4HINT ? AF_INET : AF_INET6,
			      v + i);
	}
}

static void svc_print_param(dns_strbuf_t *sb, uint16_t key, const uint8_t *v,
			    size_t len)
{
	svc_print_key(sb, key);
	if (len == 0)
		return; /* no-default-alpn, ohttp, empty ech or keyNNNNN */
	dns_sb_putc(sb, '=');
	switch (key) {
	case SVC_ALPN:
		svc_print_alpn(sb, v, len);
		break;
	case SVC_PORT:
		dns_sb_printf(sb, "%u", dns_get_u16(v));
		break;
	case SVC_MANDATORY:
	case SVC_IPV4HINT:
	case SVC_IPV6HINT:
		svc_print_list(sb, key, v, len);
		break;
	case SVC_ECH:
		sb_base64(sb, v, len);
		break;
	default:
		sb_quoted(sb, v, len);
		break;
	}
}

static dns_rc_t svcb_print(const uint8_t *rd, size_t len, dns_strbuf_t *sb)
{
	dns_wire_t r;
	dns_rc_t rc = stored_reader(rd, len, svcb_check, &r);
	if (rc != DNS_OK)
		return rc;
	dns_sb_printf(sb, "%u ", dns_wire_u16(&r));
	sb_name_at(sb, &r);
	while (r.pos < r.end) {
		uint16_t key = dns_wire_u16(&r), vlen = dns_wire_u16(&r);
		dns_sb_putc(sb, ' ');
		svc_print_param(sb, key, dns_wire_bytes(&r, NULL, vlen), vlen);
	}
	return DNS_OK;
}

static void svcb_unpack(dns_wire_t *in, dns_wire_t *out)
{
	unpack_copy(in, out, svcb_check);
}

/* A SvcParamKey in text: a registered name (lowercase only, RFC 9460
 * section 2.1) or keyNNNNN without leading zeros. *generic tells the
 * latter, whose value is then taken as raw bytes. */
static bool svc_key_from_text(const char *s, size_t len, uint16_t *key,
			      bool *generic)
{
	unsigned long v;
	for (uint16_t k = 0; k < SVC_KNOWN; k++) {
		if (strlen(svc_key_names[k]) == len &&
		    memcmp(svc_key_names[k], s, len) == 0) {
			*key = k;
			*generic = false;
			return true;
		}
	}
	if (len < 4 || memcmp(s, "key", 3) != 0 || (len > 4 && s[3] == '0') ||
	    !digits_value(s + 3, len - 3, 0xffff, &v))
		return false;
	*key = (uint16_t)v;
	*generic = true;
	return true;
}

typedef struct svc_param {
	uint16_t key;
	bool generic;	       /* written as keyNNNNN: raw value */
	bool has_value;	       /* "key=..." rather than "key" */
	const dns_token_t *kt; /* the token holding the key */
	dns_token_t val;       /* the value (a part of kt, or the next token) */
	size_t off;	       /* where the param was written */
} svc_param_t;

/* Split "key", "key=value" or "key=" followed by an adjacent quoted
 * token; consumes one or two tokens. */
static bool svc_split(pctx_t *p, svc_param_t *sp)
{
	const dns_token_t *t = &p->t[p->i++];
	const char *eq = t->quoted ? NULL : memchr(t->s, '=', t->len);
	size_t klen = eq != NULL ? (size_t)(eq - t->s) : t->len;
	if (t->quoted || !svc_key_from_text(t->s, klen, &sp->key, &sp->generic))
		return p_fail(p, t, DNS_E_SVCB_PARAM, "unknown SvcParamKey");
	sp->kt = t;
	sp->has_value = eq != NULL;
	sp->off = 0;
	if (eq == NULL)
		return true;
	sp->val = *t;
	sp->val.s = eq + 1;
	sp->val.len = t->len - klen - 1;
	sp->val.col = t->col + (unsigned)klen + 1;
	if (sp->val.len == 0 && p->i < p->n) {
		const dns_token_t *q = &p->t[p->i];
		if (q->quoted && q->line == t->line &&
		    q->col == t->col + t->len) {
			sp->val = *q;
			p->i++;
		}
	}
	return true;
}

static int svc_param_cmp(const void *a, const void *b)
{
	const svc_param_t *x = a, *y = b;
	return (x->key > y->key) - (x->key < y->key);
}

static int u16_wire_cmp(const void *a, const void *b)
{
	uint16_t x = dns_get_u16(a), y = dns_get_u16(b);
	return (x > y) - (x < y);
}

/* mandatory=alpn,port: key names, sorted on output, no repeats. */
static bool svc_text_mandatory(pctx_t *p, const svc_param_t *sp,
			       const uint8_t *v, size_t len)
{
	dns_wire_t *w = p->out;
	size_t start = w->pos, i = 0;
	uint16_t key;
	bool generic;
	while (i <= len) {
		const uint8_t *comma = memchr(v + i, ',', len - i);
		size_t j = comma != NULL ? (size_t)(comma - v) : len;
		if (!svc_key_from_text((const char *)v + i, j - i, &key,
				       &generic))
			return p_fail(p, &sp->val, DNS_E_SVCB_PARAM,
				      "unknown key in mandatory");
		dns_wire_put_u16(w, key);
		i = j + 1;
	}
	if (!dns_wire_ok(w))
		return true; /* reported by p_finish */
	size_t count = (w->pos - start) / 2;
	qsort(w->out + start, count, 2, u16_wire_cmp);
	for (size_t k = 1; k < count; k++)
		if (dns_get_u16(w->out + start + 2 * k) ==
		    dns_get_u16(w->out + start + 2 * k - 2))
			return p_fail(p, &sp->val, DNS_E_SVCB_PARAM,
				      "key repeated in mandatory");
	return true;
}

/* alpn=h2,h3 (after string unescaping): ids split on ',', with '\'
 * escaping the next byte (RFC 9460 appendix A.1). */
static bool svc_text_alpn(pctx_t *p, const svc_param_t *sp, const uint8_t *v,
			  size_t len)
{
	dns_wire_t *w = p->out;
	size_t i = 0;
	while (i <= len && dns_wire_ok(w)) {
		size_t lenpos = w->pos, n = 0;
		dns_wire_put_u8(w, 0);
		for (; i < len && v[i] != ','; i++, n++) {
			if (v[i] == '\\' && ++i == len)
				return p_fail(p, &sp->val, DNS_E_ESCAPE,
					      "'\\' ends the alpn value");
			dns_wire_put_u8(w, v[i]);
		}
		if (n == 0 || n > 255)
			return p_fail(p, &sp->val, DNS_E_SVCB_PARAM,
				      "alpn id empty or longer than 255");
		if (dns_wire_ok(w))
			w->out[lenpos] = (uint8_t)n;
		i++;
	}
	return true;
}

static bool svc_text_hints(pctx_t *p, const svc_param_t *sp, const uint8_t *v,
			   size_t len)
{
	int af = sp->key == SVC_IPV4HINT ? AF_INET : AF_INET6;
	size_t i = 0;
	uint8_t addr[16];
	while (i <= len) {
		const uint8_t *comma = memchr(v + i, ',', len - i);
		size_t j = comma != NULL ? (size_t)(comma - v) : len;
		if (!ip_from_text(af, (const char *)v + i, j - i, addr))
			return p_fail(p, &sp->val, DNS_E_SVCB_PARAM,
				      "bad address in hint");
		dns_wire_put_bytes(p->out, addr, af == AF_INET ? 4 : 16);
		i = j + 1;
	}
	return true;
}

/* The value of one param, already string-unescaped, in wire form. */
static bool svc_value_from_text(pctx_t *p, const svc_param_t *sp,
				const uint8_t *v, size_t len)
{
	unsigned long port;
	if (sp->generic) {
		dns_wire_put_bytes(p->out, v, len);
		return true;
	}
	switch (sp->key) {
	case SVC_MANDATORY:
		return len > 0 ? svc_text_mandatory(p, sp, v, len)
			       : p_fail(p, sp->kt, DNS_E_SVCB_PARAM,
					"mandatory needs a value");
	case SVC_ALPN:
		return len > 0 ? svc_text_alpn(p, sp, v, len)
			       : p_fail(p, sp->kt, DNS_E_SVCB_PARAM,
					"alpn needs a value");
	case SVC_NO_DEFAULT_ALPN:
	case SVC_OHTTP:
		return len == 0 || p_fail(p, &sp->val, DNS_E_SVCB_PARAM,
					  "this key takes no value");
	case SVC_PORT:
		if (!digits_value((const char *)v, len, 0xffff, &port))
			return p_fail(p, sp->has_value ? &sp->val : sp->kt,
				      DNS_E_NUMBER, "bad port");
		dns_wire_put_u16(p->out, (uint16_t)port);
		return true;
	case SVC_IPV4HINT:
	case SVC_IPV6HINT:
		return len > 0 ? svc_text_hints(p, sp, v, len)
			       : p_fail(p, sp->kt, DNS_E_SVCB_PARAM,
					"hint needs a value");
	case SVC_ECH:
		return p_base64_into(p, (const char *)v, len, &sp->val, 0);
	default: /* dohpath */
		dns_wire_put_bytes(p->out, v, len);
		return true;
	}
}

/* Write one param: key, length, value. */
static bool svc_write(pctx_t *p, svc_param_t *sp)
{
	dns_wire_t *w = p->out;
	uint8_t *v = NULL;
	size_t len = 0;
	sp->off = w->pos;
	dns_wire_put_u16(w, sp->key);
	dns_wire_put_u16(w, 0);
	size_t vstart = w->pos;
	if (sp->has_value && sp->val.len > 0) {
		v = dns_mem_alloc(sp->val.len);
		if (v == NULL)
			return p_fail(p, sp->kt, DNS_E_NOMEM, NULL);
		dns_rc_t rc =
		    dns_token_unescape(&sp->val, v, sp->val.len, &len, p->err);
		if (rc != DNS_OK) {
			dns_mem_free(v);
			return p_fail(p, &sp->val, rc, "bad escape");
		}
	}
	bool ok = svc_value_from_text(p, sp, v, len);
	dns_mem_free(v);
	if (ok && dns_wire_ok(w) && w->pos - vstart > 0xffff)
		return p_fail(p, sp->kt, DNS_E_SPACE, "value too long");
	dns_wire_poke_u16(w, vstart - 2, (uint16_t)(w->pos - vstart));
	return ok;
}

/* Run the wire validator over the params written from offset start and
 * blame the param holding the first problem. */
static bool svc_written_ok(pctx_t *p, const svc_param_t *sp, size_t count,
			   size_t start)
{
	dns_wire_t *w = p->out;
	if (!dns_wire_ok(w))
		return true; /* reported by p_finish */
	dns_wire_t r = dns_wire_reader(w->out, w->pos);
	r.pos = start;
	svcb_params_check(&r);
	if (dns_wire_ok(&r))
		return true;
	size_t k = 0;
	while (k + 1 < count && sp[k + 1].off <= r.err_off)
		k++;
	return p_fail(p, sp[k].kt, r.err,
		      "SvcParam value malformed or inconsistent");
}

/* Params in any order in text, sorted on the wire; repeats are errors. */
static bool svc_params_from_text(pctx_t *p)
{
	size_t room = p->n - p->i, count = 0;
	if (room == 0)
		return true;
	svc_param_t *sp = dns_mem_alloc(room * sizeof(*sp));
	if (sp == NULL)
		return p_fail(p, &p->t[p->i], DNS_E_NOMEM, NULL);
	while (p_more(p) && svc_split(p, &sp[count]))
		count++;
	if (p->rc == DNS_OK)
		qsort(sp, count, sizeof(*sp), svc_param_cmp);
	for (size_t k = 1; p->rc == DNS_OK && k < count; k++)
		if (sp[k].key == sp[k - 1].key)
			p_fail(p, sp[k].kt, DNS_E_SVCB_PARAM,
			       "SvcParamKey repeated");
	size_t start = p->out->pos;
	for (size_t k = 0; p->rc == DNS_OK && k < count; k++)
		svc_write(p, &sp[k]);
	if (p->rc == DNS_OK && count > 0)
		svc_written_ok(p, sp, count, start);
	dns_mem_free(sp);
	return p->rc == DNS_OK;
}

static dns_rc_t svcb_parse(const dns_token_t *t, size_t n,
			   const dns_name_t *origin, dns_wire_t *out,
			   dns_error_t *err)
{
	pctx_t p = {t, n, 0, origin, out, err, DNS_OK};
	if (p_u16(&p, "priority") && p_name(&p, p_next(&p, "target name")))
		svc_params_from_text(&p);
	return p_finish(&p);
}

/* ---- dispatch ----------------------------------------------------------- */

static const dns_special_ops_t special_ops[] = {
    {T_WKS, wks_unpack, wks_print, wks_parse, NULL},
    {T_LOC, loc_unpack, loc_print, loc_parse, NULL},
    {T_A6, a6_unpack, a6_print, a6_parse, a6_canonicalize},
    {T_APL, apl_unpack, apl_print, apl_parse, NULL},
    {T_IPSECKEY, ipseckey_unpack, ipseckey_print, ipseckey_parse, NULL},
    {T_HIP, hip_unpack, hip_print, hip_parse, NULL},
    {T_SVCB, svcb_unpack, svcb_print, svcb_parse, NULL},
    {T_HTTPS, svcb_unpack, svcb_print, svcb_parse, NULL},
};

const dns_special_ops_t *dns_special_ops(uint16_t type)
{
	for (size_t i = 0; i < sizeof(special_ops) / sizeof(special_ops[0]);
	     i++)
		if (special_ops[i].type == type)
			return &special_ops[i];
	return NULL;
}
