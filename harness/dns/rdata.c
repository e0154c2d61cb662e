/* rdata.c - RDATA codecs driven by the type table (types.c).
 *
 * A type's layout is a string of field kinds (rdata_fields.h). Five
 * operations walk it, each with one dispatch over the kinds:
 *   check  - validate wire or stored data and copy its stored form
 *            (check_field; used by unpack and to validate stored form);
 *   pack   - stored form to wire, names compressed as the mode says;
 *   print  - stored form to presentation text (print_field);
 *   parse  - presentation tokens to stored form (parse_field);
 *   canon  - lowercase the names of the types that require it.
 * pack and canon first validate the stored form with check and then visit
 * each field's bytes (each_field); print checks and prints each field in
 * one walk (print_fields) and drops its text when a later field fails.
 * Data that does not fit the layout is written verbatim, printed in the
 * RFC 3597 generic form, or left alone. Names of stored form that are only
 * checked are checked in place (chk_name_in_place), not decoded.
 * Unpack first tries a fast path (fast_walk: accept-only, copies the wire
 * bytes in runs); any error, and the rare kinds it does not handle, fall
 * back to check, so every error code and offset comes from check alone.
 *
 * Decisions worth knowing:
 * - Empty RDATA is legal exactly where the layout allows it (NULL, OPT,
 *   meta types, unknown types, and special types per rdata_special.c).
 *   Dynamic update's empty RDATA in classes NONE/ANY is for the caller to
 *   recognise: unpack has no class.
 * - A required field that is absent (DNSKEY with no key, TXT with no
 *   string) runs past RDLENGTH: DNS_E_RDATA_SHORT.
 * - Type bitmaps (RFC 4034 4.1.2): windows strictly increasing, bitmap
 *   length 1..32, and no trailing zero octet ("Trailing zero octets in the
 *   bitmap MUST be omitted"; it also forbids blocks with no types). NSEC
 *   needs at least one window (RFC 4035 2.3: it always lists NSEC and
 *   RRSIG); NSEC3 (empty non-terminals) and CSYNC may have none.
 * - Digest lengths are checked where the RFCs fix them: DS/CDS/DLV digest
 *   type 1 = 20, 2 = 32, 3 = 32, 4 = 48 octets (RFC 4034, 4509, 5933,
 *   6605), other types at least 1; ZONEMD (RFC 8976 2.2.4) SHA384 = 48,
 *   SHA512 = 64, others at least 12.
 * - TSIG and TKEY variable fields (MAC, key, other data) print as size then
 *   base64, as BIND and dig do. TKEY times are 32-bit (RFC 2930) and print
 *   as decimal; TSIG time signed is 48-bit decimal.
 * - RRSIG/SIG times print as YYYYMMDDHHmmSS of the 32-bit value taken as
 *   seconds since 1970 (no serial-arithmetic window, so output does not
 *   depend on the clock). Text accepts that form (years 1970-9999, reduced
 *   modulo 2^32 as RFC 4034 3.1.5 arithmetic allows) or a plain integer.
 * - Stored form is at most 65535 bytes; a decompressed RDATA that would
 *   exceed it is DNS_E_SPACE.
 * - Printing follows BIND 9.18 (checked against named-compilezone) except
 *   that long base64/hex is never split into 56-character chunks (as dig
 *   +nosplit prints). NID/L64 locators print as BIND does, without
 *   leading zeros ("14:4fff:ff20:ee64"); text accepts both.
 */
#include "dns/rdata.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "dns/arena.h"
#include "dns/base.h"
#include "dns/rdata_fields.h"
#include "dns/rdata_special.h"

#define STORED_MAX 65535u

/* ---- rows ---------------------------------------------------------------- */

static const dns_type_info_t unknown_row = {0,	   NULL,  DNS_CC_NONE,
					    false, false, F_OPAQUE};

/* Row for a type (the unknown row when it has none). Table codes start at
 * 1 and increase, so the row of code c sits at index c - 1 or a few gaps
 * below it: a short walk down finds the common types without a search. */
static const dns_type_info_t *row_for(uint16_t type)
{
	size_t n;
	const dns_type_info_t *rows = dns_type_table(&n);
	const dns_type_info_t *r =
	    &rows[type != 0 && type <= n ? type - 1u : n - 1];
	const dns_type_info_t *low = r - rows > 8 ? r - 8 : rows;
	while (r->code > type && r > low)
		r--;
	if (r->code == type)
		return r;
	if (r->code < type) /* and the row after it, if any, is above */
		return &unknown_row;
	const dns_type_info_t *ti = dns_type_info(type);
	return ti != NULL ? ti : &unknown_row;
}

static const dns_special_ops_t *special_ops(const dns_type_info_t *ti)
{
	return ti->fields[0] == K_SPECIAL ? dns_special_ops(ti->code) : NULL;
}

/* Layouts with no presentation form of their own: only \# text. */
static bool generic_only(const dns_type_info_t *ti)
{
	char k = ti->fields[0];
	return k == K_OPAQUE || k == K_EDNS || k == K_SPECIAL;
}

static bool has_names(const dns_type_info_t *ti)
{
	return strchr(ti->fields, K_NAME) != NULL;
}

/* ---- mnemonic tables ------------------------------------------------------
 */

typedef struct mnemonic {
	uint16_t value;
	const char *name;
} mnemonic_t;

static const mnemonic_t cert_types[] = {
    {1, "PKIX"},  {2, "SPKI"},	{3, "PGP"},    {4, "IPKIX"},
    {5, "ISPKI"}, {6, "IPGP"},	{7, "ACPKIX"}, {8, "IACPKIX"},
    {253, "URI"}, {254, "OID"}, {0, NULL},
};

static const mnemonic_t secalgs[] = {
    {1, "RSAMD5"},
    {2, "DH"},
    {3, "DSA"},
    {5, "RSASHA1"},
    {6, "NSEC3DSA"},
    {7, "NSEC3RSASHA1"},
    {8, "RSASHA256"},
    {10, "RSASHA512"},
    {12, "ECCGOST"},
    {13, "ECDSAP256SHA256"},
    {14, "ECDSAP384SHA384"},
    {15, "ED25519"},
    {16, "ED448"},
    {252, "INDIRECT"},
    {253, "PRIVATEDNS"},
    {254, "PRIVATEOID"},
    {0, NULL},
};

static const mnemonic_t rcodes[] = {
    {0, "NOERROR"}, {1, "FORMERR"},   {2, "SERVFAIL"},	 {3, "NXDOMAIN"},
    {4, "NOTIMP"},  {5, "REFUSED"},   {6, "YXDOMAIN"},	 {7, "YXRRSET"},
    {8, "NXRRSET"}, {9, "NOTAUTH"},   {10, "NOTZONE"},	 {16, "BADSIG"},
    {17, "BADKEY"}, {18, "BADTIME"},  {19, "BADMODE"},	 {20, "BADNAME"},
    {21, "BADALG"}, {22, "BADTRUNC"}, {23, "BADCOOKIE"}, {0, NULL},
};

static const mnemonic_t *kind_mnemonics(char kind)
{
	switch (kind) {
	case K_CERT_TYPE:
		return cert_types;
	case K_SECALG:
		return secalgs;
	default:
		return rcodes;
	}
}

static const char *mnemonic_name(const mnemonic_t *m, uint16_t v)
{
	for (; m->name != NULL; m++)
		if (m->value == v)
			return m->name;
	return NULL;
}

static bool same_word(const char *s, size_t len, const char *word)
{
	if (strlen(word) != len)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i] >= 'a' && s[i] <= 'z' ? (char)(s[i] - 32) : s[i];
		if (c != word[i])
			return false;
	}
	return true;
}

static bool mnemonic_value(const mnemonic_t *m, const char *s, size_t len,
			   uint16_t *v)
{
	for (; m->name != NULL; m++) {
		if (same_word(s, len, m->name)) {
			*v = m->value;
			return true;
		}
	}
	return false;
}

/* ---- check: validate wire/stored data, copy stored form -------------------
 */

typedef struct check {
	const dns_type_info_t *ti;
	dns_wire_t *in;
	dns_wire_t *out; /* NULL: validate only */
	bool allow_ptr;
} check_t;

static bool need(dns_wire_t *in, size_t n)
{
	return dns_wire_need(in, n, DNS_E_RDATA_SHORT);
}

static void chk_fixed(dns_wire_t *in, size_t n)
{
	if (need(in, n))
		in->pos += n;
}

static void chk_rest(dns_wire_t *in, bool nonempty)
{
	if (nonempty && !need(in, 1))
		return;
	if (dns_wire_ok(in))
		in->pos = in->end;
}

/* u8 length, then that many bytes (character-string, salt, hash). */
static void chk_len8(dns_wire_t *in, bool nonempty)
{
	if (!need(in, 1))
		return;
	uint8_t n = in->msg[in->pos];
	if (nonempty && n == 0) {
		dns_wire_fail(in, DNS_E_RDATA_FIELD);
		return;
	}
	chk_fixed(in, 1u + n);
}

static void chk_strs(dns_wire_t *in)
{
	do
		chk_len8(in, false);
	while (dns_wire_left(in) > 0);
}

static void chk_data16(dns_wire_t *in)
{
	if (need(in, 2))
		chk_fixed(in, 2u + dns_get_u16(in->msg + in->pos));
}

/* One window of an NSEC-style bitmap; prev is the previous window. */
static void chk_window(dns_wire_t *in, int *prev)
{
	size_t at = in->pos;
	if (!need(in, 2))
		return;
	int win = in->msg[at];
	unsigned len = in->msg[at + 1];
	if (win <= *prev) {
		dns_wire_fail_at(in, DNS_E_BITMAP, at);
		return;
	}
	if (len == 0 || len > 32) {
		dns_wire_fail_at(in, DNS_E_BITMAP, at + 1);
		return;
	}
	if (!need(in, 2u + len))
		return;
	if (in->msg[at + 1 + len] == 0) {
		dns_wire_fail_at(in, DNS_E_BITMAP, at + 1 + len);
		return;
	}
	in->pos += 2u + len;
	*prev = win;
}

static void chk_bitmap(dns_wire_t *in, bool nonempty)
{
	int prev = -1;
	if (nonempty && dns_wire_ok(in) && dns_wire_left(in) == 0)
		dns_wire_fail(in, DNS_E_BITMAP);
	while (dns_wire_left(in) > 0)
		chk_window(in, &prev);
}

/* RFC 2535 5.2: bit 0 (type 0) clear, at most 16 octets, no trailing
 * zero octet. */
static void chk_nxt_bitmap(dns_wire_t *in)
{
	size_t n = dns_wire_left(in);
	if (n == 0)
		return;
	if (n > 16 || (in->msg[in->pos] & 0x80) != 0) {
		dns_wire_fail(in, DNS_E_BITMAP);
		return;
	}
	if (in->msg[in->end - 1] == 0) {
		dns_wire_fail_at(in, DNS_E_BITMAP, in->end - 1);
		return;
	}
	in->pos = in->end;
}

static bool is_alnum(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

static void chk_caa_tag(dns_wire_t *in)
{
	size_t at = in->pos;
	chk_len8(in, true);
	for (size_t i = at + 1; dns_wire_ok(in) && i < in->pos; i++)
		if (!is_alnum(in->msg[i]))
			dns_wire_fail_at(in, DNS_E_RDATA_FIELD, i);
}

/* Whether n digest bytes fit the type and the selector octet before them
 * (DS digest type, ZONEMD hash algorithm). */
static bool digest_len_ok(uint16_t type, uint8_t sel, size_t n)
{
	static const size_t ds_len[] = {0, 20, 32, 32, 48};
	if (type == 63) { /* ZONEMD */
		if (sel == 1 || sel == 2)
			return n == (sel == 1 ? 48u : 64u);
		return n >= 12;
	}
	if (sel >= 1 && sel <= 4)
		return n == ds_len[sel];
	return n >= 1;
}

static void chk_digest(const check_t *c)
{
	dns_wire_t *in = c->in;
	size_t n = dns_wire_left(in);
	if (!need(in, 1))
		return;
	if (!digest_len_ok(c->ti->code, in->msg[in->pos - 1], n)) {
		dns_wire_fail(in, DNS_E_RDATA_FIELD);
		return;
	}
	in->pos = in->end;
}

/* EDNS options: code, length, data; each must fit. */
static void chk_edns(dns_wire_t *in)
{
	while (dns_wire_left(in) > 0) {
		size_t n = dns_wire_left(in);
		if (n < 4 || n - 4 < dns_get_u16(in->msg + in->pos + 2)) {
			dns_wire_fail(in, DNS_E_EDNS_OPTION);
			return;
		}
		in->pos += 4u + dns_get_u16(in->msg + in->pos + 2);
	}
}

/* A name of stored form only checked (no pointers, no copy): checked in
 * place with the verdicts and offsets dns_name_unpack gives with
 * allow_ptr false, in the same order. Not the name codec's work, so not
 * counted in dns_work. */
static void chk_name_in_place(dns_wire_t *in)
{
	size_t p = in->pos, len = 0;
	for (;;) {
		dns_rc_t rc = DNS_OK;
		uint8_t c = p < in->end ? in->msg[p] : 0;
		if (p >= in->end)
			rc = DNS_E_SHORT;
		else if (c >= 0xc0)
			rc = DNS_E_PTR_FORBIDDEN;
		else if (c > DNS_LABEL_MAXLEN)
			rc = DNS_E_LABEL_TYPE;
		else if (len + 1u + c > DNS_NAME_MAXLEN)
			rc = DNS_E_NAME_LEN;
		else if (in->end - p < 1u + c)
			rc = DNS_E_SHORT;
		if (rc != DNS_OK) {
			dns_wire_fail_at(in, rc, p);
			return;
		}
		len += 1u + c;
		p += 1u + c;
		if (c == 0)
			break;
	}
	in->pos = p;
}

static void chk_name(const check_t *c)
{
	dns_name_t nm;
	if (c->out == NULL && !c->allow_ptr) {
		chk_name_in_place(c->in);
		return;
	}
	if (dns_name_unpack(c->in, &nm, c->allow_ptr) == DNS_OK &&
	    c->out != NULL)
		dns_wire_put_bytes(c->out, nm.wire, nm.len);
}

static void check_field(const check_t *c, char kind)
{
	dns_wire_t *in = c->in;
	size_t start = in->pos;
	switch (kind) {
	case K_NAME:
		chk_name(c);
		return;
	case K_U8:
	case K_SECALG:
		chk_fixed(in, 1);
		break;
	case K_U16:
	case K_TYPE:
	case K_CERT_TYPE:
	case K_RCODE:
		chk_fixed(in, 2);
		break;
	case K_U32:
	case K_PERIOD:
	case K_TIME:
	case K_IPV4:
		chk_fixed(in, 4);
		break;
	case K_U48:
	case K_EUI48:
		chk_fixed(in, 6);
		break;
	case K_EUI64:
	case K_ILNP64:
		chk_fixed(in, 8);
		break;
	case K_IPV6:
		chk_fixed(in, 16);
		break;
	case K_STR:
	case K_SALT:
		chk_len8(in, false);
		break;
	case K_B32:
		chk_len8(in, true);
		break;
	case K_STRS:
		chk_strs(in);
		break;
	case K_STR_OPT:
		if (dns_wire_left(in) > 0)
			chk_len8(in, false);
		break;
	case K_B64:
	case K_HEX:
	case K_TEXT_NE:
	case K_NSAP:
		chk_rest(in, true);
		break;
	case K_B64_OPT:
	case K_TEXT:
	case K_OPAQUE:
	case K_SPECIAL:
		chk_rest(in, false);
		break;
	case K_DIGEST:
		chk_digest(c);
		break;
	case K_BITMAP:
	case K_BITMAP_NE:
		chk_bitmap(in, kind == K_BITMAP_NE);
		break;
	case K_NXT_BITMAP:
		chk_nxt_bitmap(in);
		break;
	case K_DATA16:
		chk_data16(in);
		break;
	case K_CAA_TAG:
		chk_caa_tag(in);
		break;
	case K_EDNS:
		chk_edns(in);
		break;
	default:
		dns_wire_fail(in, DNS_E_INTERNAL);
		break;
	}
	if (c->out != NULL && dns_wire_ok(in))
		dns_wire_put_bytes(c->out, in->msg + start, in->pos - start);
}

/* Check every field of c->ti, then that nothing is left over. */
static void walk_check(const check_t *c)
{
	dns_wire_t *in = c->in;
	for (const char *f = c->ti->fields; *f != '\0' && dns_wire_ok(in);
	     f++) {
		check_field(c, *f);
		if (c->out != NULL && !dns_wire_ok(c->out))
			dns_wire_fail(in, c->out->err);
	}
	if (dns_wire_ok(in) && in->pos < in->end)
		dns_wire_fail(in, DNS_E_RDATA_TRAILING);
	if (in->err == DNS_E_SHORT) /* from the name codec */
		in->err = DNS_E_RDATA_SHORT;
}

/* Validate stored form (no pointers allowed); *res gets the error. */
static bool stored_check(const dns_type_info_t *ti, const uint8_t *rd,
			 size_t len, dns_wire_t *res)
{
	*res = dns_wire_reader(rd, len);
	check_t c = {ti, res, NULL, false};
	walk_check(&c);
	return dns_wire_ok(res);
}

static bool stored_ok(const dns_type_info_t *ti, const uint8_t *rd, size_t len)
{
	dns_wire_t res;
	return stored_check(ti, rd, len, &res);
}

typedef void (*field_fn)(void *arg, char kind, size_t start, size_t end);

/* Visit the fields of stored form already known to be valid. */
static void each_field(const dns_type_info_t *ti, const uint8_t *rd, size_t len,
		       field_fn fn, void *arg)
{
	dns_wire_t in = dns_wire_reader(rd, len);
	check_t c = {ti, &in, NULL, false};
	for (const char *f = ti->fields; *f != '\0'; f++) {
		size_t start = in.pos;
		check_field(&c, *f);
		if (!dns_wire_ok(&in))
			return;
		fn(arg, *f, start, in.pos);
	}
}

/* ---- unpack -----------------------------------------------------------------
 */

/* The fast path. fast_walk checks wire RDATA against a layout with its
 * cursor in locals, and accepts only what walk_check accepts. Non-name
 * fields and names without pointers are stored exactly as they are on the
 * wire, so the stored form is the wire bytes, copied in runs, with the
 * names of types that allow pointers decompressed in between. Every error,
 * and the few kinds it leaves to walk_check (NXT bitmap, CAA tag), make it
 * return false: the caller then runs walk_check on the same input, which
 * names the error and its offset. Names checked in place are not the name
 * codec's work and are not counted in dns_work. */
typedef struct fast {
	const dns_type_info_t *ti;
	const dns_wire_t *in; /* the RDATA sub-cursor (read only) */
	size_t pos, end;      /* our own cursor within in->msg */
	uint8_t *out;
	size_t cap, olen;
	size_t copied; /* wire bytes before this offset are in out */
} fast_t;

/* Bytes of the fixed-size kinds; 0 for the others. */
static const uint8_t fixed_len[128] = {
    [K_U8] = 1,	       [K_SECALG] = 1, [K_U16] = 2,   [K_TYPE] = 2,
    [K_CERT_TYPE] = 2, [K_RCODE] = 2,  [K_U32] = 4,   [K_PERIOD] = 4,
    [K_TIME] = 4,      [K_IPV4] = 4,   [K_U48] = 6,   [K_EUI48] = 6,
    [K_EUI64] = 8,     [K_ILNP64] = 8, [K_IPV6] = 16,
};

static bool fast_len8(fast_t *f, bool nonempty)
{
	if (f->pos >= f->end)
		return false;
	size_t n = f->in->msg[f->pos];
	if ((nonempty && n == 0) || f->end - f->pos < 1u + n)
		return false;
	f->pos += 1u + n;
	return true;
}

static bool fast_bitmap(fast_t *f, bool nonempty)
{
	const uint8_t *m = f->in->msg;
	int prev = -1;
	if (nonempty && f->pos >= f->end)
		return false;
	while (f->pos < f->end) {
		size_t left = f->end - f->pos;
		if (left < 2)
			return false;
		int win = m[f->pos];
		unsigned len = m[f->pos + 1u];
		if (win <= prev || len == 0 || len > 32 || left < 2u + len ||
		    m[f->pos + 1u + len] == 0)
			return false;
		f->pos += 2u + len;
		prev = win;
	}
	return true;
}

static bool fast_edns(fast_t *f)
{
	while (f->pos < f->end) {
		size_t left = f->end - f->pos;
		if (left < 4 || left - 4 < dns_get_u16(f->in->msg + f->pos + 2))
			return false;
		f->pos += 4u + dns_get_u16(f->in->msg + f->pos + 2);
	}
	return true;
}

/* Append the wire bytes not yet copied, up to the cursor. */
static bool fast_flush(fast_t *f)
{
	size_t n = f->pos - f->copied;
	if (n > f->cap - f->olen)
		return false;
	memcpy(f->out + f->olen, f->in->msg + f->copied, n);
	f->olen += n;
	f->copied = f->pos;
	return true;
}

/* A name that must be uncompressed: checked in place, left in the run. */
static bool fast_name_in_place(fast_t *f)
{
	const uint8_t *m = f->in->msg;
	size_t p = f->pos, len = 0;
	for (;;) {
		if (p >= f->end)
			return false;
		uint8_t c = m[p];
		if (c > DNS_LABEL_MAXLEN || len + 1u + c > DNS_NAME_MAXLEN ||
		    f->end - p < 1u + c)
			return false;
		len += 1u + c;
		p += 1u + c;
		if (c == 0)
			break;
	}
	f->pos = p;
	return true;
}

/* The name at w's cursor (pointers allowed) decompressed at out, which has
 * room bytes: its length, or 0 when it is bad or does not fit. */
static size_t name_into(dns_wire_t *w, uint8_t *out, size_t room)
{
	if (room >= DNS_NAME_MAXLEN) /* straight into out */
		return dns_name_unpack_wire(w, out, true);
	dns_name_t nm;
	if (dns_name_unpack(w, &nm, true) != DNS_OK || nm.len > room)
		return 0;
	memcpy(out, nm.wire, nm.len);
	return nm.len;
}

/* A name that may hold pointers: decompressed into out. */
static bool fast_name(fast_t *f)
{
	if (f->ti->cc == DNS_CC_NONE)
		return fast_name_in_place(f);
	dns_wire_t w = *f->in;
	w.pos = f->pos;
	w.end = f->end;
	/* nothing to flush before a leading name (SOA, NS, CNAME, PTR) */
	if (f->pos > f->copied && !fast_flush(f))
		return false;
	size_t len = name_into(&w, f->out + f->olen, f->cap - f->olen);
	if (len == 0)
		return false;
	f->olen += len;
	f->pos = f->copied = w.pos;
	return true;
}

static bool fast_field(fast_t *f, char kind)
{
	size_t left = f->end - f->pos;
	switch (kind) {
	case K_NAME:
		return fast_name(f);
	case K_STR:
	case K_SALT:
		return fast_len8(f, false);
	case K_B32:
		return fast_len8(f, true);
	case K_STRS:
		do {
			if (!fast_len8(f, false))
				return false;
		} while (f->pos < f->end);
		return true;
	case K_STR_OPT:
		return left == 0 || fast_len8(f, false);
	case K_B64:
	case K_HEX:
	case K_TEXT_NE:
	case K_NSAP:
		f->pos = f->end;
		return left > 0;
	case K_B64_OPT:
	case K_TEXT:
	case K_OPAQUE:
	case K_SPECIAL:
		f->pos = f->end;
		return true;
	case K_DIGEST: /* the selector is the octet before */
		if (left == 0 ||
		    !digest_len_ok(f->ti->code, f->in->msg[f->pos - 1], left))
			return false;
		f->pos = f->end;
		return true;
	case K_BITMAP:
	case K_BITMAP_NE:
		return fast_bitmap(f, kind == K_BITMAP_NE);
	case K_DATA16:
		if (left < 2 || left - 2 < dns_get_u16(f->in->msg + f->pos))
			return false;
		f->pos += 2u + dns_get_u16(f->in->msg + f->pos);
		return true;
	case K_EDNS:
		return fast_edns(f);
	default:
		return false;
	}
}

static bool fast_walk(fast_t *f)
{
	size_t fixed = 0; /* bytes of the fixed-size fields not yet checked */
	for (const char *k = f->ti->fields; *k != '\0'; k++) {
		unsigned n = fixed_len[(unsigned char)*k & 0x7f];
		if (n != 0) {
			fixed += n;
			continue;
		}
		if (f->end - f->pos < fixed)
			return false;
		f->pos += fixed;
		fixed = 0;
		if (!fast_field(f, *k))
			return false;
	}
	if (f->end - f->pos != fixed)
		return false;
	f->pos = f->end;
	return fast_flush(f);
}

/* SOA, in every negative answer: what fast_walk does with its row (two
 * names with pointers, then five 32-bit fields; test_rdata.c checks the
 * row), without walking the row. */
static bool unpack_soa(dns_wire_t *rd, uint8_t *out, size_t cap, size_t *outlen)
{
	dns_wire_t w = *rd;
	size_t olen = 0;
	for (int i = 0; i < 2; i++) {
		size_t len = name_into(&w, out + olen, cap - olen);
		if (len == 0)
			return false;
		olen += len;
	}
	if (w.end - w.pos != 20 || cap - olen < 20)
		return false;
	memcpy(out + olen, w.msg + w.pos, 20);
	rd->pos = rd->end;
	*outlen = olen + 20;
	return true;
}

/* A and AAAA: what fast_walk does with a row of one fixed-size field. */
static bool unpack_fixed(dns_wire_t *rd, size_t n, uint8_t *out, size_t cap,
			 size_t *outlen)
{
	if (rd->end - rd->pos != n || cap < n)
		return false;
	memcpy(out, rd->msg + rd->pos, n);
	rd->pos = rd->end;
	*outlen = n;
	return true;
}

/* The commonest types take a shortcut, before their row is looked up,
 * that checks and writes what unpack_fast does with the row: SHORTCUT_OK
 * when it produced the stored form (and consumed rd), SHORTCUT_FAILED when
 * walk_check must decide, SHORTCUT_NONE for the other types. */
enum { SHORTCUT_NONE, SHORTCUT_OK, SHORTCUT_FAILED };

static int unpack_shortcut(uint16_t type, dns_wire_t *rd, uint8_t *out,
			   size_t cap, size_t *outlen)
{
	if (type != DNS_T_SOA && type != DNS_T_A && type != DNS_T_AAAA)
		return SHORTCUT_NONE;
	bool ok =
	    rd->pos <= rd->end &&
	    (type == DNS_T_SOA ? unpack_soa(rd, out, cap, outlen)
			       : unpack_fixed(rd, type == DNS_T_A ? 4 : 16, out,
					      cap, outlen));
	return ok ? SHORTCUT_OK : SHORTCUT_FAILED;
}

/* The fast path for a layout row; true when it produced the stored form
 * (and consumed rd), false when walk_check must decide. */
static bool unpack_fast(const dns_type_info_t *ti, dns_wire_t *rd, uint8_t *out,
			size_t cap, size_t *outlen)
{
	fast_t f = {ti, rd, rd->pos, rd->end, out, cap, 0, rd->pos};
	if (rd->pos > rd->end || !fast_walk(&f))
		return false;
	rd->pos = rd->end;
	*outlen = f.olen;
	return true;
}

dns_rc_t dns_rdata_unpack(uint16_t type, dns_wire_t *rd, uint8_t *out,
			  size_t cap, size_t *outlen)
{
	*outlen = 0;
	if (!dns_wire_ok(rd))
		return rd->err;
	if (cap > STORED_MAX)
		cap = STORED_MAX;
	int shortcut = unpack_shortcut(type, rd, out, cap, outlen);
	if (shortcut == SHORTCUT_OK)
		return DNS_OK;
	const dns_type_info_t *ti = row_for(type);
	const dns_special_ops_t *ops = special_ops(ti);
	if (ops == NULL && shortcut == SHORTCUT_NONE &&
	    unpack_fast(ti, rd, out, cap, outlen))
		return DNS_OK;
	dns_wire_t o = dns_wire_writer(out, cap);
	if (ops != NULL) {
		ops->unpack(rd, &o);
		if (!dns_wire_ok(&o))
			dns_wire_fail(rd, o.err);
	} else {
		check_t c = {ti, rd, &o, ti->cc != DNS_CC_NONE};
		walk_check(&c);
	}
	if (rd->err == DNS_E_SHORT)
		rd->err = DNS_E_RDATA_SHORT;
	if (!dns_wire_ok(rd))
		return rd->err;
	*outlen = o.pos;
	return DNS_OK;
}

/* ---- pack and canonical form ----------------------------------------------
 */

typedef struct packer {
	const uint8_t *rd;
	dns_wire_t *w;
	dns_compress_t *c;
} packer_t;

static void pack_field(void *arg, char kind, size_t start, size_t end)
{
	packer_t *p = arg;
	dns_name_t nm;
	if (kind != K_NAME) {
		dns_wire_put_bytes(p->w, p->rd + start, end - start);
		return;
	}
	if (dns_name_from_wire(p->rd + start, end - start, &nm) != DNS_OK) {
		dns_wire_fail(p->w, DNS_E_INTERNAL);
		return;
	}
	dns_name_pack(p->w, &nm, p->c);
}

static dns_compress_t *pack_table(const dns_type_info_t *ti, dns_compress_t *c,
				  dns_pack_mode_t mode)
{
	if (mode == DNS_PACK_FORCE)
		return c;
	if (mode == DNS_PACK_STANDARD && ti->cc == DNS_CC_COMPRESS)
		return c;
	return NULL;
}

dns_rc_t dns_rdata_pack(uint16_t type, const uint8_t *rdata, size_t len,
			dns_wire_t *w, dns_compress_t *c, dns_pack_mode_t mode)
{
	const dns_type_info_t *ti = row_for(type);
	if (!has_names(ti) || !stored_ok(ti, rdata, len)) {
		dns_wire_put_bytes(w, rdata, len);
		return w->err;
	}
	packer_t p = {rdata, w, pack_table(ti, c, mode)};
	each_field(ti, rdata, len, pack_field, &p);
	return w->err;
}

static void lower_field(void *arg, char kind, size_t start, size_t end)
{
	(void)end;
	if (kind == K_NAME)
		dns_name_wire_lower((uint8_t *)arg + start);
}

void dns_rdata_canonicalize(uint16_t type, uint8_t *rdata, size_t len)
{
	const dns_type_info_t *ti = row_for(type);
	const dns_special_ops_t *ops = special_ops(ti);
	if (ops != NULL) {
		if (ops->canonicalize != NULL)
			ops->canonicalize(rdata, len);
		return;
	}
	if (!ti->canon_lower || !stored_ok(ti, rdata, len))
		return;
	each_field(ti, rdata, len, lower_field, rdata);
}

/* ---- print ------------------------------------------------------------------
 */

typedef struct printer {
	dns_strbuf_t *sb;
	const uint8_t *rd;
	bool first;
} printer_t;

static void sep(printer_t *p)
{
	if (!p->first)
		dns_sb_putc(p->sb, ' ');
	p->first = false;
}

static void sb_base64(dns_strbuf_t *sb, const uint8_t *p, size_t n)
{
	char buf[65];
	for (size_t i = 0; i < n; i += 48) {
		size_t k = n - i < 48 ? n - i : 48;
		dns_sb_put(sb, buf,
			   dns_base64_encode(p + i, k, buf, sizeof(buf)));
	}
}

static void sb_base32hex_upper(dns_strbuf_t *sb, const uint8_t *p, size_t n)
{
	char buf[512]; /* 255 bytes -> 408 symbols */
	size_t len = dns_base32hex_encode(p, n, buf, sizeof(buf));
	for (size_t i = 0; i < len && i < sizeof(buf) - 1; i++)
		if (buf[i] >= 'a' && buf[i] <= 'z')
			buf[i] = (char)(buf[i] - 32);
	dns_sb_put(sb, buf, len < sizeof(buf) ? len : sizeof(buf) - 1);
}

/* Lowercase hex pairs, separated by sepc unless it is 0. */
static void sb_hex_lower(dns_strbuf_t *sb, const uint8_t *p, size_t n,
			 char sepc)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && sepc != 0)
			dns_sb_putc(sb, sepc);
		char pair[2] = {digits[p[i] >> 4], digits[p[i] & 15]};
		dns_sb_put(sb, pair, 2);
	}
}

/* A name field (len bytes, already checked): straight into sb when the
 * longest text fits (4 characters a byte), else through a buffer. */
static void sb_name(dns_strbuf_t *sb, const uint8_t *wire, size_t len)
{
	char buf[DNS_NAME_TEXT_MAX + 1];
	char *dst = dns_sb_room(sb, 4u * len);
	if (dst != NULL) {
		dns_sb_wrote(
		    sb, dns_name_wire_to_text(wire, len, dst, 4u * len + 1u));
		return;
	}
	size_t n = dns_name_wire_to_text(wire, len, buf, sizeof(buf));
	dns_sb_put(sb, buf, n < sizeof(buf) ? n : sizeof(buf) - 1);
}

static void sb_type(dns_strbuf_t *sb, uint16_t type)
{
	char buf[16];
	dns_sb_puts(sb, dns_type_to_text(type, buf));
}

static void sb_time(dns_strbuf_t *sb, uint32_t v)
{
	time_t t = (time_t)v;
	struct tm tm;
	if (gmtime_r(&t, &tm) == NULL) {
		dns_sb_printf(sb, "%lu", (unsigned long)v);
		return;
	}
	dns_sb_printf(sb, "%04d%02d%02d%02d%02d%02d", tm.tm_year + 1900,
		      tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
		      tm.tm_sec);
}

/* Types of an NSEC-style bitmap, each preceded by a space. */
static void sb_bitmap(printer_t *p, const uint8_t *f, size_t n)
{
	for (size_t i = 0; i + 2 <= n; i += 2u + f[i + 1]) {
		for (unsigned b = 0; b < 8u * f[i + 1]; b++) {
			if (f[i + 2 + b / 8] & (0x80 >> (b % 8))) {
				sep(p);
				sb_type(p->sb, (uint16_t)(f[i] * 256u + b));
			}
		}
	}
}

static void sb_nxt_bitmap(printer_t *p, const uint8_t *f, size_t n)
{
	for (unsigned b = 0; b < 8u * n; b++) {
		if (f[b / 8] & (0x80 >> (b % 8))) {
			sep(p);
			sb_type(p->sb, (uint16_t)b);
		}
	}
}

static void sb_mnemonic(dns_strbuf_t *sb, char kind, uint16_t v)
{
	const char *name = mnemonic_name(kind_mnemonics(kind), v);
	if (name != NULL)
		dns_sb_puts(sb, name);
	else
		dns_sb_putu(sb, v);
}

static void sb_data16(printer_t *p, const uint8_t *f)
{
	uint16_t n = dns_get_u16(f);
	dns_sb_putu(p->sb, n);
	if (n > 0) {
		dns_sb_putc(p->sb, ' ');
		sb_base64(p->sb, f + 2, n);
	}
}

static void sb_strings(printer_t *p, const uint8_t *f, size_t n)
{
	for (size_t i = 0; i < n; i += 1u + f[i]) {
		sep(p);
		dns_sb_charstr(p->sb, f + i + 1, f[i]);
	}
}

static void sb_ipv6(dns_strbuf_t *sb, const uint8_t *f)
{
	char buf[INET6_ADDRSTRLEN];
	if (inet_ntop(AF_INET6, f, buf, sizeof(buf)) != NULL)
		dns_sb_puts(sb, buf);
}

static uint64_t get_u48(const uint8_t *f)
{
	return (uint64_t)dns_get_u16(f) << 32 | dns_get_u32(f + 2);
}

/* Fields that print as exactly one word (or quoted string). */
static void print_word(printer_t *p, char kind, const uint8_t *f, size_t n)
{
	dns_strbuf_t *sb = p->sb;
	switch (kind) {
	case K_U8:
		dns_sb_putu(sb, f[0]);
		break;
	case K_U16:
		dns_sb_putu(sb, dns_get_u16(f));
		break;
	case K_U32:
	case K_PERIOD:
		dns_sb_putu(sb, dns_get_u32(f));
		break;
	case K_U48:
		dns_sb_putu(sb, get_u48(f));
		break;
	case K_IPV4:
		for (int i = 0; i < 4; i++) {
			if (i > 0)
				dns_sb_putc(sb, '.');
			dns_sb_putu(sb, f[i]);
		}
		break;
	case K_IPV6:
		sb_ipv6(sb, f);
		break;
	case K_NAME:
		sb_name(sb, f, n);
		break;
	case K_STR:
		dns_sb_charstr(sb, f + 1, f[0]);
		break;
	case K_HEX:
	case K_DIGEST:
		dns_sb_hex(sb, f, n);
		break;
	case K_SALT:
		if (f[0] == 0)
			dns_sb_putc(sb, '-');
		dns_sb_hex(sb, f + 1, f[0]);
		break;
	case K_B32:
		sb_base32hex_upper(sb, f + 1, f[0]);
		break;
	case K_TYPE:
		sb_type(sb, dns_get_u16(f));
		break;
	case K_TIME:
		sb_time(sb, dns_get_u32(f));
		break;
	case K_EUI48:
	case K_EUI64:
		sb_hex_lower(sb, f, n, '-');
		break;
	case K_ILNP64: /* as BIND prints it: no leading zeros */
		dns_sb_printf(sb, "%x:%x:%x:%x", dns_get_u16(f),
			      dns_get_u16(f + 2), dns_get_u16(f + 4),
			      dns_get_u16(f + 6));
		break;
	case K_CAA_TAG:
		dns_sb_put(sb, (const char *)f + 1, f[0]);
		break;
	case K_TEXT:
	case K_TEXT_NE:
		dns_sb_charstr(sb, f, n);
		break;
	case K_CERT_TYPE:
	case K_RCODE:
		sb_mnemonic(sb, kind, dns_get_u16(f));
		break;
	case K_SECALG:
		sb_mnemonic(sb, kind, f[0]);
		break;
	case K_NSAP:
		dns_sb_puts(sb, "0x");
		sb_hex_lower(sb, f, n, 0);
		break;
	default:
		break;
	}
}

static void print_field(void *arg, char kind, size_t start, size_t end)
{
	printer_t *p = arg;
	const uint8_t *f = p->rd + start;
	size_t n = end - start;
	switch (kind) {
	case K_STRS:
	case K_STR_OPT:
		sb_strings(p, f, n);
		break;
	case K_BITMAP:
	case K_BITMAP_NE:
		sb_bitmap(p, f, n);
		break;
	case K_NXT_BITMAP:
		sb_nxt_bitmap(p, f, n);
		break;
	case K_B64:
	case K_B64_OPT:
		if (n > 0) {
			sep(p);
			sb_base64(p->sb, f, n);
		}
		break;
	case K_DATA16:
		sep(p);
		sb_data16(p, f);
		break;
	default:
		sep(p);
		print_word(p, kind, f, n);
		break;
	}
}

void dns_rdata_to_generic(const uint8_t *rdata, size_t len, dns_strbuf_t *sb)
{
	dns_sb_put(sb, "\\# ", 3);
	dns_sb_putu(sb, len);
	if (len > 0) {
		dns_sb_putc(sb, ' ');
		dns_sb_hex(sb, rdata, len);
	}
}

/* Take sb back to an earlier state (the text written since is dropped). */
static void sb_rollback(dns_strbuf_t *sb, const dns_strbuf_t *saved)
{
	*sb = *saved;
	if (!sb->over && sb->cap > 0)
		sb->buf[sb->len] = '\0';
}

static void print_special(const dns_special_ops_t *ops, const uint8_t *rdata,
			  size_t len, dns_strbuf_t *sb)
{
	dns_strbuf_t saved = *sb;
	if (ops->print(rdata, len, sb) == DNS_OK)
		return;
	sb_rollback(sb, &saved);
	dns_rdata_to_generic(rdata, len, sb);
}

/* Check and print the fields in one walk (the checks of stored_ok, in the
 * same order); false when the data does not fit the layout, with part of
 * the text in sb. */
static bool print_fields(const dns_type_info_t *ti, const uint8_t *rdata,
			 size_t len, dns_strbuf_t *sb)
{
	dns_wire_t in = dns_wire_reader(rdata, len);
	check_t c = {ti, &in, NULL, false};
	printer_t p = {sb, rdata, true};
	for (const char *f = ti->fields; *f != '\0'; f++) {
		size_t start = in.pos;
		size_t n = fixed_len[(unsigned char)*f & 0x7f];
		if (n != 0 && in.end - in.pos >= n) /* what chk_fixed accepts */
			in.pos += n;
		else
			check_field(&c, *f);
		if (!dns_wire_ok(&in))
			return false;
		print_field(&p, *f, start, in.pos);
	}
	return in.pos == in.end;
}

void dns_rdata_to_text(uint16_t type, const uint8_t *rdata, size_t len,
		       dns_strbuf_t *sb)
{
	const dns_type_info_t *ti = row_for(type);
	const dns_special_ops_t *ops = special_ops(ti);
	if (ops != NULL) {
		print_special(ops, rdata, len, sb);
		return;
	}
	dns_strbuf_t saved = *sb;
	if (!generic_only(ti) && print_fields(ti, rdata, len, sb))
		return;
	sb_rollback(sb, &saved);
	dns_rdata_to_generic(rdata, len, sb);
}

/* ---- parse: token helpers
 * ---------------------------------------------------- */

typedef struct parser {
	const dns_type_info_t *ti;
	const dns_token_t *t;
	size_t n, i; /* tokens and the next one to read */
	const dns_name_t *origin;
	dns_wire_t out;
	dns_error_t *err;
	dns_rc_t rc;
} parser_t;

static bool p_ok(const parser_t *p)
{
	return p->rc == DNS_OK;
}

/* Record an error at byte `at` of token t's text (first error wins). */
__attribute__((format(printf, 5, 6))) static void
p_fail(parser_t *p, dns_rc_t rc, const dns_token_t *t, size_t at,
       const char *fmt, ...)
{
	char detail[160];
	va_list ap;
	if (p->rc != DNS_OK)
		return;
	p->rc = rc;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	unsigned col = t->col + (t->quoted ? 1u : 0u) + (unsigned)at;
	dns_error_at(p->err, rc, t->line, col, "%s", detail);
}

/* A field is missing: point just past the last token. */
static void p_missing(parser_t *p, const char *what)
{
	if (p->n == 0) {
		if (p->rc == DNS_OK)
			p->rc = DNS_E_MISSING;
		dns_error_at(p->err, DNS_E_MISSING, 0, 0, "%s missing", what);
		return;
	}
	const dns_token_t *last = &p->t[p->n - 1];
	p_fail(p, DNS_E_MISSING, last, last->len + (last->quoted ? 1u : 0u),
	       "%s missing", what);
}

static const dns_token_t *p_next(parser_t *p, const char *what)
{
	if (!p_ok(p))
		return NULL;
	if (p->i >= p->n) {
		p_missing(p, what);
		return NULL;
	}
	return &p->t[p->i++];
}

static bool p_more(const parser_t *p)
{
	return p_ok(p) && p->i < p->n;
}

static void put_uint(dns_wire_t *w, uint64_t v, unsigned bytes)
{
	while (bytes-- > 0)
		dns_wire_put_u8(w, (uint8_t)(v >> (8 * bytes)));
}

static bool decimal(const char *s, size_t len, uint64_t max, uint64_t *v)
{
	uint64_t x = 0;
	if (len == 0 || len > 20)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		unsigned d = (unsigned)(s[i] - '0');
		if (x > (max - d) / 10)
			return false;
		x = x * 10 + d;
	}
	*v = x;
	return true;
}

static bool p_number(parser_t *p, const dns_token_t *t, uint64_t max,
		     uint64_t *v)
{
	if (decimal(t->s, t->len, max, v))
		return true;
	p_fail(p, DNS_E_NUMBER, t, 0, "'%.*s' is not a number from 0 to %llu",
	       (int)(t->len < 40 ? t->len : 40), t->s, (unsigned long long)max);
	return false;
}

/* ---- parse: base16/base64 spread over tokens --------------------------------
 */

/* A base64 quantum (4 symbols) or a hex pair being gathered, with where
 * each symbol came from. */
typedef struct group {
	char c[4];
	const dns_token_t *tok[4];
	size_t at[4];
	unsigned n;
} group_t;

static size_t group_decode(parser_t *p, group_t *g, bool *padded)
{
	uint8_t b[3];
	size_t k = 0, bad = 0;
	dns_rc_t rc = g->n == 4 ? dns_base64_decode(g->c, 4, b, 3, &k, &bad)
				: dns_base16_decode(g->c, 2, b, 3, &k, &bad);
	if (rc != DNS_OK) {
		unsigned i = bad < g->n ? (unsigned)bad : g->n - 1;
		p_fail(p, rc, g->tok[i], g->at[i], "bad %s character '%c'",
		       g->n == 4 ? "base64" : "hex", g->c[i]);
		return 0;
	}
	*padded = g->n == 4 && k < 3;
	dns_wire_put_bytes(&p->out, b, k);
	g->n = 0;
	return k;
}

/* Decode symbols of `width` (2 hex, 4 base64) from the remaining tokens
 * into p->out; with want != SIZE_MAX stop at the first token boundary
 * where want bytes are reached. Returns the bytes decoded. */
static size_t p_encoded(parser_t *p, unsigned width, size_t want)
{
	group_t g = {{0}, {NULL}, {0}, 0};
	size_t got = 0;
	bool padded = false;
	while (p_more(p) && got < want) {
		const dns_token_t *t = &p->t[p->i++];
		for (size_t j = 0; j < t->len && p_ok(p); j++) {
			if (padded) {
				p_fail(p, DNS_E_BASE64, t, j,
				       "data after base64 padding");
				return got;
			}
			g.c[g.n] = t->s[j];
			g.tok[g.n] = t;
			g.at[g.n++] = j;
			if (g.n == width)
				got += group_decode(p, &g, &padded);
		}
	}
	if (p_ok(p) && g.n > 0)
		p_fail(p, width == 4 ? DNS_E_BASE64 : DNS_E_BASE16,
		       g.tok[g.n - 1], g.at[g.n - 1] + 1,
		       "%s ends inside a group", width == 4 ? "base64" : "hex");
	return got;
}

/* ---- parse: field kinds
 * -------------------------------------------------------- */

static void parse_uint(parser_t *p, unsigned bytes)
{
	const dns_token_t *t = p_next(p, "number");
	uint64_t v;
	if (t != NULL && p_number(p, t, (UINT64_C(1) << (8 * bytes)) - 1, &v))
		put_uint(&p->out, v, bytes);
}

/* TTL-style period: a number, or number+unit pairs (w d h m s). */
static bool period_value(const char *s, size_t len, uint64_t *out)
{
	uint64_t total = 0, cur = 0;
	bool digits = false, units = false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] + 32) : s[i];
		if (c >= '0' && c <= '9') {
			cur = cur * 10 + (uint64_t)(c - '0');
			digits = true;
			if (cur > UINT32_MAX)
				return false;
			continue;
		}
		static const char unit_chars[] = "wdhms";
		static const uint32_t mult[] = {604800, 86400, 3600, 60, 1};
		const char *u = c != '\0' ? strchr(unit_chars, c) : NULL;
		if (u == NULL || !digits)
			return false;
		total += cur * mult[u - unit_chars];
		cur = 0;
		digits = false;
		units = true;
	}
	if (digits && units)
		return false;
	total += cur;
	*out = total;
	return len > 0 && total <= UINT32_MAX;
}

static void parse_period(parser_t *p)
{
	const dns_token_t *t = p_next(p, "period");
	uint64_t v;
	if (t == NULL)
		return;
	if (period_value(t->s, t->len, &v))
		put_uint(&p->out, v, 4);
	else
		p_fail(p, DNS_E_NUMBER, t, 0, "bad period '%.*s'",
		       (int)(t->len < 40 ? t->len : 40), t->s);
}

static void parse_ip(parser_t *p, int af, size_t size)
{
	const dns_token_t *t = p_next(p, "address");
	char buf[64];
	uint8_t a[16];
	if (t == NULL)
		return;
	if (t->len >= sizeof(buf)) {
		p_fail(p, DNS_E_SYNTAX, t, 0, "address too long");
		return;
	}
	memcpy(buf, t->s, t->len);
	buf[t->len] = '\0';
	if (inet_pton(af, buf, a) != 1) {
		p_fail(p, DNS_E_SYNTAX, t, 0, "bad IPv%c address '%s'",
		       af == AF_INET ? '4' : '6', buf);
		return;
	}
	dns_wire_put_bytes(&p->out, a, size);
}

static void parse_name(parser_t *p)
{
	const dns_token_t *t = p_next(p, "domain name");
	dns_name_t nm;
	dns_error_t e = {0};
	if (t == NULL)
		return;
	dns_rc_t rc = dns_name_from_text(t->s, t->len, p->origin, &nm, &e);
	if (rc != DNS_OK) {
		p_fail(p, rc, t, e.col > 0 ? e.col - 1 : 0, "bad domain name");
		return;
	}
	dns_wire_put_bytes(&p->out, nm.wire, nm.len);
}

static void parse_str(parser_t *p)
{
	const dns_token_t *t = p_next(p, "character-string");
	unsigned char buf[255];
	size_t n = 0;
	if (t == NULL)
		return;
	dns_rc_t rc = dns_token_charstr(t, buf, &n, p->err);
	if (rc != DNS_OK) {
		p->rc = rc;
		return;
	}
	dns_wire_put_u8(&p->out, (uint8_t)n);
	dns_wire_put_bytes(&p->out, buf, n);
}

/* Rest as base64 (width 4) or hex (width 2); nonempty: at least a byte. */
static size_t parse_rest(parser_t *p, unsigned width, bool nonempty)
{
	if (nonempty && !p_more(p)) {
		p_missing(p, width == 4 ? "base64 data" : "hex data");
		return 0;
	}
	size_t first = p->i;
	size_t got = p_encoded(p, width, SIZE_MAX);
	if (p_ok(p) && nonempty && got == 0)
		p_fail(p, DNS_E_RDATA_FIELD, &p->t[first], 0, "empty data");
	return got;
}

static void parse_digest(parser_t *p)
{
	size_t first = p->i, start = p->out.pos;
	size_t got = parse_rest(p, 2, true);
	if (!p_ok(p) || start == 0 || !dns_wire_ok(&p->out))
		return;
	uint8_t sel = p->out.out[start - 1];
	if (!digest_len_ok(p->ti->code, sel, got))
		p_fail(p, DNS_E_RDATA_FIELD, &p->t[first], 0,
		       "digest of %zu bytes is the wrong length for "
		       "algorithm %u",
		       got, (unsigned)sel);
}

/* One token of base16 or base32hex, stored with a u8 length prefix. */
static void parse_len8(parser_t *p, bool b32)
{
	const dns_token_t *t = p_next(p, b32 ? "hashed name" : "salt");
	uint8_t buf[255];
	size_t n = 0, bad = 0;
	if (t == NULL)
		return;
	if (!b32 && t->len == 1 && t->s[0] == '-') {
		dns_wire_put_u8(&p->out, 0);
		return;
	}
	dns_rc_t rc =
	    b32 ? dns_base32hex_decode(t->s, t->len, buf, sizeof(buf), &n, &bad)
		: dns_base16_decode(t->s, t->len, buf, sizeof(buf), &n, &bad);
	if (rc == DNS_E_SPACE || (rc == DNS_OK && n == 0)) {
		p_fail(p, DNS_E_RDATA_FIELD, t, 0, "length must be 1 to 255");
		return;
	}
	if (rc != DNS_OK) {
		p_fail(p, rc, t, bad, "bad %s", b32 ? "base32hex" : "hex");
		return;
	}
	dns_wire_put_u8(&p->out, (uint8_t)n);
	dns_wire_put_bytes(&p->out, buf, n);
}

static bool p_type(parser_t *p, const dns_token_t *t, uint16_t *type)
{
	if (dns_type_from_text(t->s, t->len, type) == DNS_OK)
		return true;
	p_fail(p, DNS_E_UNKNOWN_TYPE, t, 0, "unknown type '%.*s'",
	       (int)(t->len < 40 ? t->len : 40), t->s);
	return false;
}

static void parse_type(parser_t *p)
{
	const dns_token_t *t = p_next(p, "type");
	uint16_t type;
	if (t != NULL && p_type(p, t, &type))
		dns_wire_put_u16(&p->out, type);
}

static void put_windows(dns_wire_t *w, const uint8_t bits[8192])
{
	for (unsigned win = 0; win < 256; win++) {
		const uint8_t *b = bits + win * 32;
		unsigned len = 32;
		while (len > 0 && b[len - 1] == 0)
			len--;
		if (len == 0)
			continue;
		dns_wire_put_u8(w, (uint8_t)win);
		dns_wire_put_u8(w, (uint8_t)len);
		dns_wire_put_bytes(w, b, len);
	}
}

static void parse_bitmap(parser_t *p, bool nonempty)
{
	uint8_t bits[8192];
	uint16_t type;
	memset(bits, 0, sizeof(bits));
	if (nonempty && !p_more(p)) {
		p_missing(p, "type bitmap");
		return;
	}
	while (p_more(p)) {
		const dns_token_t *t = &p->t[p->i++];
		if (!p_type(p, t, &type))
			return;
		bits[type / 8] |= (uint8_t)(0x80 >> (type % 8));
	}
	put_windows(&p->out, bits);
}

static void parse_nxt_bitmap(parser_t *p)
{
	uint8_t bits[16] = {0};
	unsigned len = 0;
	uint16_t type;
	while (p_more(p)) {
		const dns_token_t *t = &p->t[p->i++];
		if (!p_type(p, t, &type))
			return;
		if (type == 0 || type > 127) {
			p_fail(p, DNS_E_RDATA_FIELD, t, 0,
			       "NXT bitmap holds types 1 to 127 only");
			return;
		}
		bits[type / 8] |= (uint8_t)(0x80 >> (type % 8));
		if (type / 8u + 1 > len)
			len = type / 8u + 1;
	}
	dns_wire_put_bytes(&p->out, bits, len);
}

static unsigned month_days(unsigned y, unsigned m)
{
	static const unsigned days[] = {31, 28, 31, 30, 31, 30,
					31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : days[m - 1];
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian, y >= 1970). */
static uint64_t days_since_epoch(unsigned y, unsigned m, unsigned d)
{
	uint64_t days = 0;
	for (unsigned yy = 1970; yy < y; yy++)
		days +=
		    (yy % 4 == 0 && yy % 100 != 0) || yy % 400 == 0 ? 366 : 365;
	for (unsigned mm = 1; mm < m; mm++)
		days += month_days(y, mm);
	return days + d - 1;
}

/* YYYYMMDDHHmmSS to seconds since 1970, modulo 2^32. */
static bool datetime_value(const char *s, uint64_t *out)
{
	static const unsigned width[6] = {4, 2, 2, 2, 2, 2};
	unsigned v[6];
	uint64_t x;
	for (unsigned i = 0, at = 0; i < 6; at += width[i], i++) {
		if (!decimal(s + at, width[i], 9999, &x))
			return false;
		v[i] = (unsigned)x;
	}
	if (v[0] < 1970 || v[1] < 1 || v[1] > 12 || v[2] < 1 ||
	    v[2] > month_days(v[0], v[1]) || v[3] > 23 || v[4] > 59 ||
	    v[5] > 59)
		return false;
	x = days_since_epoch(v[0], v[1], v[2]) * 86400u + v[3] * 3600u +
	    v[4] * 60u + v[5];
	*out = x & 0xffffffffu;
	return true;
}

static void parse_time(parser_t *p)
{
	const dns_token_t *t = p_next(p, "time");
	uint64_t v = 0;
	if (t == NULL)
		return;
	bool ok = t->len == 14 ? datetime_value(t->s, &v)
			       : decimal(t->s, t->len, UINT32_MAX, &v);
	if (ok)
		put_uint(&p->out, v, 4);
	else
		p_fail(p, DNS_E_NUMBER, t, 0,
		       "time must be YYYYMMDDHHmmSS or seconds since 1970");
}

static void parse_data16(parser_t *p)
{
	const dns_token_t *t = p_next(p, "data size");
	uint64_t n;
	if (t == NULL || !p_number(p, t, 65535, &n))
		return;
	dns_wire_put_u16(&p->out, (uint16_t)n);
	if (n == 0)
		return;
	if (!p_more(p)) {
		p_missing(p, "base64 data");
		return;
	}
	size_t got = p_encoded(p, 4, n);
	if (p_ok(p) && got != n)
		p_fail(p, DNS_E_BASE64, t, 0,
		       "data holds %zu bytes but the size is %llu", got,
		       (unsigned long long)n);
}

/* EUI48/EUI64: n octets of exactly two hex digits joined by '-'. */
static void parse_eui(parser_t *p, size_t n)
{
	const dns_token_t *t = p_next(p, "EUI address");
	uint8_t a[8];
	if (t == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		size_t at = 3 * i;
		bool ok = at + 2 <= t->len && dns_hex_value(t->s[at]) >= 0 &&
			  dns_hex_value(t->s[at + 1]) >= 0 &&
			  (i + 1 == n ? at + 2 == t->len
				      : at + 2 < t->len && t->s[at + 2] == '-');
		if (!ok) {
			p_fail(p, DNS_E_SYNTAX, t, at,
			       "EUI%zu address must be xx-xx-...", n * 8);
			return;
		}
		a[i] = (uint8_t)(dns_hex_value(t->s[at]) << 4 |
				 dns_hex_value(t->s[at + 1]));
	}
	dns_wire_put_bytes(&p->out, a, n);
}

/* ILNP 64-bit locator/node id: four groups of 1..4 hex digits. */
static void parse_ilnp64(parser_t *p)
{
	const dns_token_t *t = p_next(p, "64-bit locator");
	unsigned group = 0, digits = 0, v = 0;
	uint8_t a[8];
	if (t == NULL)
		return;
	for (size_t i = 0; i <= t->len; i++) {
		bool end = i == t->len || t->s[i] == ':';
		int h = i < t->len ? dns_hex_value(t->s[i]) : -1;
		if ((end && (digits == 0 || group > 3)) ||
		    (!end && (h < 0 || digits == 4))) {
			p_fail(p, DNS_E_SYNTAX, t, i,
			       "expected xxxx:xxxx:xxxx:xxxx");
			return;
		}
		if (!end) {
			v = v << 4 | (unsigned)h;
			digits++;
			continue;
		}
		dns_put_u16(a + 2 * group++, (uint16_t)v);
		v = digits = 0;
	}
	if (group != 4) {
		p_fail(p, DNS_E_SYNTAX, t, t->len,
		       "expected xxxx:xxxx:xxxx:xxxx");
		return;
	}
	dns_wire_put_bytes(&p->out, a, 8);
}

static void parse_caa_tag(parser_t *p)
{
	const dns_token_t *t = p_next(p, "CAA tag");
	if (t == NULL)
		return;
	if (t->len == 0 || t->len > 255) {
		p_fail(p, DNS_E_RDATA_FIELD, t, 0, "tag length must be 1-255");
		return;
	}
	for (size_t i = 0; i < t->len; i++) {
		if (!is_alnum((uint8_t)t->s[i])) {
			p_fail(p, DNS_E_RDATA_FIELD, t, i,
			       "tag holds letters and digits only");
			return;
		}
	}
	dns_wire_put_u8(&p->out, (uint8_t)t->len);
	dns_wire_put_bytes(&p->out, t->s, t->len);
}

/* One token, escapes resolved, as the rest of the RDATA. */
static void parse_text(parser_t *p, bool nonempty)
{
	const dns_token_t *t = p_next(p, "text");
	size_t n = 0;
	if (t == NULL || !dns_wire_ok(&p->out))
		return;
	dns_rc_t rc = dns_token_unescape(t, p->out.out + p->out.pos,
					 p->out.end - p->out.pos, &n, p->err);
	if (rc != DNS_OK) {
		p->rc = rc;
		return;
	}
	if (nonempty && n == 0) {
		p_fail(p, DNS_E_RDATA_FIELD, t, 0, "must not be empty");
		return;
	}
	p->out.pos += n;
}

static void parse_mnemonic(parser_t *p, char kind, unsigned bytes)
{
	const dns_token_t *t = p_next(p, "mnemonic or number");
	uint16_t v16;
	uint64_t v;
	if (t == NULL)
		return;
	if (mnemonic_value(kind_mnemonics(kind), t->s, t->len, &v16))
		put_uint(&p->out, v16, bytes);
	else if (p_number(p, t, (UINT64_C(1) << (8 * bytes)) - 1, &v))
		put_uint(&p->out, v, bytes);
}

/* NSAP: "0x" then hex digits, '.' allowed between them (RFC 1706). */
static void parse_nsap(parser_t *p)
{
	const dns_token_t *t = p_next(p, "NSAP address");
	size_t digits = 0;
	int hi = 0;
	if (t == NULL)
		return;
	if (t->len < 3 || t->s[0] != '0' ||
	    (t->s[1] != 'x' && t->s[1] != 'X')) {
		p_fail(p, DNS_E_SYNTAX, t, 0, "NSAP must start with 0x");
		return;
	}
	for (size_t i = 2; i < t->len; i++) {
		int h = dns_hex_value(t->s[i]);
		if (t->s[i] == '.')
			continue;
		if (h < 0) {
			p_fail(p, DNS_E_BASE16, t, i, "bad hex digit");
			return;
		}
		if (digits++ % 2 == 1)
			dns_wire_put_u8(&p->out, (uint8_t)(hi << 4 | h));
		hi = h;
	}
	if (digits == 0 || digits % 2 != 0)
		p_fail(p, DNS_E_BASE16, t, t->len,
		       "NSAP needs an even, non-zero number of hex digits");
}

static void parse_field(parser_t *p, char kind)
{
	switch (kind) {
	case K_U8:
		parse_uint(p, 1);
		break;
	case K_U16:
		parse_uint(p, 2);
		break;
	case K_U32:
		parse_uint(p, 4);
		break;
	case K_U48:
		parse_uint(p, 6);
		break;
	case K_PERIOD:
		parse_period(p);
		break;
	case K_IPV4:
		parse_ip(p, AF_INET, 4);
		break;
	case K_IPV6:
		parse_ip(p, AF_INET6, 16);
		break;
	case K_NAME:
		parse_name(p);
		break;
	case K_STR:
		parse_str(p);
		break;
	case K_STRS:
		do
			parse_str(p);
		while (p_more(p));
		break;
	case K_STR_OPT:
		if (p_more(p))
			parse_str(p);
		break;
	case K_B64:
	case K_B64_OPT:
		parse_rest(p, 4, kind == K_B64);
		break;
	case K_HEX:
		parse_rest(p, 2, true);
		break;
	case K_DIGEST:
		parse_digest(p);
		break;
	case K_SALT:
	case K_B32:
		parse_len8(p, kind == K_B32);
		break;
	case K_BITMAP:
	case K_BITMAP_NE:
		parse_bitmap(p, kind == K_BITMAP_NE);
		break;
	case K_NXT_BITMAP:
		parse_nxt_bitmap(p);
		break;
	case K_TYPE:
		parse_type(p);
		break;
	case K_TIME:
		parse_time(p);
		break;
	case K_DATA16:
		parse_data16(p);
		break;
	case K_EUI48:
	case K_EUI64:
		parse_eui(p, kind == K_EUI48 ? 6 : 8);
		break;
	case K_ILNP64:
		parse_ilnp64(p);
		break;
	case K_CAA_TAG:
		parse_caa_tag(p);
		break;
	case K_TEXT:
	case K_TEXT_NE:
		parse_text(p, kind == K_TEXT_NE);
		break;
	case K_CERT_TYPE:
	case K_RCODE:
		parse_mnemonic(p, kind, 2);
		break;
	case K_SECALG:
		parse_mnemonic(p, kind, 1);
		break;
	case K_NSAP:
		parse_nsap(p);
		break;
	default: /* K_OPAQUE, K_EDNS, K_SPECIAL: generic form only */
		if (p_more(p))
			p_fail(p, DNS_E_SYNTAX, &p->t[p->i], 0,
			       "this type is written only as \\# len hex");
		else
			p_missing(p, "\\# generic data");
		break;
	}
}

/* ---- parse: whole RDATA
 * ------------------------------------------------------ */

static bool is_generic_marker(const dns_token_t *t)
{
	return !t->quoted && t->len == 2 && t->s[0] == '\\' && t->s[1] == '#';
}

/* The RDATA p->out holds came from \#: it must still fit the type. */
static void check_generic(parser_t *p)
{
	const uint8_t *rd = p->out.out;
	size_t len = p->out.pos;
	const dns_special_ops_t *ops = special_ops(p->ti);
	dns_wire_t in = dns_wire_reader(rd, len);
	if (ops != NULL) {
		uint8_t *scratch = dns_mem_alloc(len);
		dns_wire_t o = dns_wire_writer(scratch, scratch ? len : 0);
		if (scratch == NULL)
			dns_wire_fail(&in, DNS_E_NOMEM);
		else
			ops->unpack(&in, &o);
		dns_mem_free(scratch);
	} else if (p->ti->fields[0] != K_OPAQUE &&
		   p->ti->fields[0] != K_SPECIAL) {
		stored_check(p->ti, rd, len, &in);
	}
	if (!dns_wire_ok(&in))
		p_fail(p, in.err, &p->t[0], 0,
		       "\\# data is not valid %s RDATA: %s at byte %zu",
		       p->ti->name ? p->ti->name : "", dns_rc_name(in.err),
		       in.err_off);
}

static void parse_generic(parser_t *p)
{
	uint64_t len;
	p->i = 1;
	const dns_token_t *lt = p_next(p, "\\# length");
	if (lt == NULL || !p_number(p, lt, 65535, &len))
		return;
	size_t got = p_encoded(p, 2, SIZE_MAX);
	if (!p_ok(p))
		return;
	if (got != len) {
		p_fail(p, DNS_E_SYNTAX, lt, 0,
		       "\\# length %llu but %zu bytes of data",
		       (unsigned long long)len, got);
		return;
	}
	if (dns_wire_ok(&p->out))
		check_generic(p);
}

static void parse_fields(parser_t *p)
{
	for (const char *f = p->ti->fields; *f != '\0' && p_ok(p); f++)
		parse_field(p, *f);
	if (p_more(p))
		p_fail(p, DNS_E_EXTRA, &p->t[p->i], 0,
		       "more fields than %s has",
		       p->ti->name != NULL ? p->ti->name : "the type");
}

dns_rc_t dns_rdata_from_text(uint16_t type, const dns_token_t *t, size_t n,
			     const dns_name_t *origin, uint8_t *out, size_t cap,
			     size_t *outlen, dns_error_t *err)
{
	parser_t p = {row_for(type),
		      t,
		      n,
		      0,
		      origin,
		      dns_wire_writer(out, cap < STORED_MAX ? cap : STORED_MAX),
		      err,
		      DNS_OK};
	const dns_special_ops_t *ops = special_ops(p.ti);
	*outlen = 0;
	if (n > 0 && is_generic_marker(&t[0]))
		parse_generic(&p);
	else if (ops != NULL)
		p.rc = ops->parse(t, n, origin, &p.out, err);
	else
		parse_fields(&p);
	if (p.rc == DNS_OK && !dns_wire_ok(&p.out)) {
		p.rc = p.out.err;
		dns_error_at(err, p.rc, n > 0 ? t[0].line : 0,
			     n > 0 ? t[0].col : 0,
			     "RDATA does not fit the buffer");
	}
	if (p.rc != DNS_OK)
		return p.rc;
	*outlen = p.out.pos;
	return DNS_OK;
}
