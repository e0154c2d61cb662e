/* edns.c - the OPT pseudo-RR, its options, and their text and JSON forms.
 *
 * One table row per known option code (opt_table) gives its mnemonic, the
 * label dig prints, its content check, dig's special rendering and its
 * typed JSON fields; adding an option is adding a row.
 */
#include "dns/edns.h"

#include <arpa/inet.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "dns/arena.h"

/* Offsets of an option's fields, from the start of the RDATA. */
#define LEN_OFF(o)     ((o)->offset + 2u)
#define DATA_OFF(o, i) ((o)->offset + DNS_EDNS_OPT_HDR + (size_t)(i))

static dns_rc_t opt_fail(dns_error_t *err, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static dns_rc_t opt_fail(dns_error_t *err, size_t off, const char *fmt, ...)
{
	char msg[sizeof(((dns_error_t *)0)->detail)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return dns_error_set(err, DNS_E_EDNS_OPTION, off, "%s", msg);
}

/* ---- the OPT RR ------------------------------------------------------ */

dns_rc_t dns_edns_from_rr(uint16_t rclass, uint32_t ttl, const uint8_t *rdata,
			  uint16_t rdlen, dns_edns_t *e, dns_error_t *err)
{
	e->udp_size = rclass;
	e->ext_rcode = (uint8_t)(ttl >> 24);
	e->version = (uint8_t)(ttl >> 16);
	e->flags = (uint16_t)ttl;
	e->opts = rdata;
	e->optlen = rdlen;

	dns_edns_iter_t it;
	dns_edns_opt_t o;
	dns_edns_iter_init(&it, rdata, rdlen);
	while (dns_edns_next(&it, &o, err))
		;
	return it.rc;
}

void dns_edns_to_rr(const dns_edns_t *e, uint16_t *rclass, uint32_t *ttl)
{
	*rclass = e->udp_size;
	*ttl = (uint32_t)e->ext_rcode << 24 | (uint32_t)e->version << 16 |
	       e->flags;
}

uint16_t dns_rcode_full(unsigned hdr_rcode, uint8_t ext_rcode)
{
	return (uint16_t)((unsigned)ext_rcode << 4 | (hdr_rcode & 0xfu));
}

void dns_rcode_split(uint16_t rcode, uint8_t *hdr_rcode, uint8_t *ext_rcode)
{
	if (hdr_rcode != NULL)
		*hdr_rcode = (uint8_t)(rcode & 0xfu);
	if (ext_rcode != NULL)
		*ext_rcode = (uint8_t)((rcode >> 4) & 0xffu);
}

/* ---- mnemonics ------------------------------------------------------- */

typedef struct mnemonic {
	uint16_t code;
	const char *name;
} mnemonic_t;

/* The first row of a code is the name it prints as; later rows with the
 * same code are aliases accepted on input. */
static const mnemonic_t rcode_names[] = {
    {0, "NOERROR"},    {1, "FORMERR"},	{2, "SERVFAIL"}, {3, "NXDOMAIN"},
    {4, "NOTIMP"},     {5, "REFUSED"},	{6, "YXDOMAIN"}, {7, "YXRRSET"},
    {8, "NXRRSET"},    {9, "NOTAUTH"},	{10, "NOTZONE"}, {11, "DSOTYPENI"},
    {16, "BADVERS"},   {16, "BADSIG"},	{17, "BADKEY"},	 {18, "BADTIME"},
    {19, "BADMODE"},   {20, "BADNAME"}, {21, "BADALG"},	 {22, "BADTRUNC"},
    {23, "BADCOOKIE"},
};

static const mnemonic_t opcode_names[] = {
    {0, "QUERY"},  {1, "IQUERY"}, {2, "STATUS"},
    {4, "NOTIFY"}, {5, "UPDATE"}, {6, "DSO"},
};

static const mnemonic_t opt_aliases[] = {
    {DNS_OPT_ECS, "CLIENT-SUBNET"},
    {DNS_OPT_KEEPALIVE, "KEEPALIVE"},
    {DNS_OPT_PADDING, "PAD"},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *mnemonic_name(const mnemonic_t *t, size_t n, uint16_t code)
{
	for (size_t i = 0; i < n; i++)
		if (t[i].code == code)
			return t[i].name;
	return NULL;
}

static bool word_is(const char *s, size_t len, const char *word)
{
	return strlen(word) == len && strncasecmp(s, word, len) == 0;
}

static bool mnemonic_code(const mnemonic_t *t, size_t n, const char *s,
			  size_t len, uint16_t *out)
{
	for (size_t i = 0; i < n; i++) {
		if (word_is(s, len, t[i].name)) {
			*out = t[i].code;
			return true;
		}
	}
	return false;
}

/* "PREFIXnnn" with nnn <= max. DNS_E_SYNTAX when s is not of that form. */
static dns_rc_t prefixed_number(const char *s, size_t len, const char *prefix,
				unsigned long max, unsigned long *out)
{
	size_t plen = strlen(prefix);
	if (len <= plen || strncasecmp(s, prefix, plen) != 0)
		return DNS_E_SYNTAX;
	unsigned long v = 0;
	for (size_t i = plen; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return DNS_E_SYNTAX;
		v = v * 10 + (unsigned long)(s[i] - '0');
		if (v > max)
			return DNS_E_NUMBER;
	}
	*out = v;
	return DNS_OK;
}

const char *dns_rcode_to_text(uint16_t rcode, char buf[16])
{
	const char *name =
	    mnemonic_name(rcode_names, COUNT(rcode_names), rcode);
	if (name != NULL)
		memcpy(buf, name, strlen(name) + 1); /* < 16 */
	else
		snprintf(buf, 16, "RCODE%u", (unsigned)rcode);
	return buf;
}

dns_rc_t dns_rcode_from_text(const char *s, size_t len, uint16_t *out)
{
	if (mnemonic_code(rcode_names, COUNT(rcode_names), s, len, out))
		return DNS_OK;
	unsigned long v;
	dns_rc_t rc = prefixed_number(s, len, "RCODE", 4095, &v);
	if (rc == DNS_OK)
		*out = (uint16_t)v;
	return rc;
}

const char *dns_opcode_to_text(uint8_t opcode, char buf[16])
{
	uint16_t op = opcode & 0xfu;
	const char *name = mnemonic_name(opcode_names, COUNT(opcode_names), op);
	if (name != NULL)
		memcpy(buf, name, strlen(name) + 1); /* < 16 */
	else
		snprintf(buf, 16, "OPCODE%u", (unsigned)op);
	return buf;
}

dns_rc_t dns_opcode_from_text(const char *s, size_t len, uint8_t *out)
{
	uint16_t code;
	if (mnemonic_code(opcode_names, COUNT(opcode_names), s, len, &code)) {
		*out = (uint8_t)code;
		return DNS_OK;
	}
	unsigned long v;
	dns_rc_t rc = prefixed_number(s, len, "OPCODE", 15, &v);
	if (rc == DNS_OK)
		*out = (uint8_t)v;
	return rc;
}

/* IANA "Extended DNS Error Codes". */
static const char *const ede_names[] = {
    "Other Error",
    "Unsupported DNSKEY Algorithm",
    "Unsupported DS Digest Type",
    "Stale Answer",
    "Forged Answer",
    "DNSSEC Indeterminate",
    "DNSSEC Bogus",
    "Signature Expired",
    "Signature Not Yet Valid",
    "DNSKEY Missing",
    "RRSIGs Missing",
    "No Zone Key Bit Set",
    "NSEC Missing",
    "Cached Error",
    "Not Ready",
    "Blocked",
    "Censored",
    "Filtered",
    "Prohibited",
    "Stale NXDomain Answer",
    "Not Authoritative",
    "Not Supported",
    "No Reachable Authority",
    "Network Error",
    "Invalid Data",
    "Signature Expired before Valid",
    "Too Early",
    "Unsupported NSEC3 Iterations Value",
    "Unable to conform to policy",
    "Synthesized",
    "Invalid Query Type",
};

const char *dns_ede_name(uint16_t info)
{
	return info < COUNT(ede_names) ? ede_names[info] : NULL;
}

/* The names dig 9.18 prints: its own table stops at 24 and spells two
 * entries differently from the registry. */
static const char *dig_ede_name(uint16_t info)
{
	if (info == 0)
		return "Other";
	if (info == 19)
		return "Stale NXDOMAIN Answer";
	return info <= 24 ? ede_names[info] : NULL;
}

/* ---- option framing -------------------------------------------------- */

void dns_edns_iter_init(dns_edns_iter_t *it, const uint8_t *rdata, size_t len)
{
	it->rdata = rdata;
	it->len = rdata == NULL ? 0 : len;
	it->pos = 0;
	it->rc = DNS_OK;
	it->err_off = 0;
}

static bool iter_cut(dns_edns_iter_t *it, dns_error_t *err)
{
	size_t left = it->len - it->pos;
	it->rc = DNS_E_EDNS_OPTION;
	it->err_off = it->pos;
	if (left < DNS_EDNS_OPT_HDR) {
		opt_fail(err, it->pos,
			 "%zu byte(s) left at offset %zu, too few for an "
			 "option header",
			 left, it->pos);
	} else {
		const uint8_t *p = it->rdata + it->pos;
		opt_fail(err, it->pos,
			 "option %u at offset %zu declares %u bytes, only %zu "
			 "remain",
			 dns_get_u16(p), it->pos, dns_get_u16(p + 2),
			 left - DNS_EDNS_OPT_HDR);
	}
	return false;
}

bool dns_edns_next(dns_edns_iter_t *it, dns_edns_opt_t *opt, dns_error_t *err)
{
	if (it->rc != DNS_OK || it->pos >= it->len)
		return false;
	size_t left = it->len - it->pos;
	const uint8_t *p = it->rdata + it->pos;
	if (left < DNS_EDNS_OPT_HDR ||
	    left - DNS_EDNS_OPT_HDR < dns_get_u16(p + 2))
		return iter_cut(it, err);
	opt->code = dns_get_u16(p);
	opt->len = dns_get_u16(p + 2);
	opt->data = p + DNS_EDNS_OPT_HDR;
	opt->offset = it->pos;
	it->pos += DNS_EDNS_OPT_HDR + opt->len;
	return true;
}

bool dns_edns_find(const dns_edns_t *e, uint16_t code, dns_edns_opt_t *out)
{
	dns_edns_iter_t it;
	dns_edns_iter_init(&it, e->opts, e->optlen);
	while (dns_edns_next(&it, out, NULL))
		if (out->code == code)
			return true;
	return false;
}

/* ---- UTF-8 ----------------------------------------------------------- */

/* Length of the well-formed sequence at p (n > 0 bytes), 0 if none. The
 * second byte's range excludes overlongs (E0, F0), surrogates (ED) and
 * code points above U+10FFFF (F4), as in RFC 3629 section 4. */
static size_t utf8_seq(const uint8_t *p, size_t n)
{
	uint8_t c = p[0];
	size_t len;
	uint8_t lo = 0x80, hi = 0xbf;
	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < len || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t i = 2; i < len; i++)
		if (p[i] < 0x80 || p[i] > 0xbf)
			return 0;
	return len;
}

/* Offset of the first byte that is not well-formed UTF-8, or n. */
static size_t utf8_bad(const uint8_t *p, size_t n)
{
	size_t i = 0;
	while (i < n) {
		size_t k = utf8_seq(p + i, n - i);
		if (k == 0)
			return i;
		i += k;
	}
	return n;
}

bool dns_utf8_valid(const uint8_t *p, size_t n)
{
	return utf8_bad(p, n) == n;
}

/* ---- content checks -------------------------------------------------- */

static dns_rc_t check_len2(const dns_edns_opt_t *o, dns_error_t *err,
			   const char *name, uint16_t a, uint16_t b,
			   const char *rfc)
{
	if (o->len == a || o->len == b)
		return DNS_OK;
	return opt_fail(err, LEN_OFF(o),
			"%s has %u bytes: must be %u or %u (%s)", name, o->len,
			a, b, rfc);
}

static dns_rc_t check_llq(const dns_edns_opt_t *o, dns_error_t *err)
{
	if (o->len == 18)
		return DNS_OK;
	return opt_fail(err, LEN_OFF(o),
			"LLQ has %u bytes: must be 18 (RFC 8764 section 3.2)",
			o->len);
}

static dns_rc_t check_ul(const dns_edns_opt_t *o, dns_error_t *err)
{
	return check_len2(o, err, "UL", 4, 8, "RFC 9664 section 4");
}

static dns_rc_t check_expire(const dns_edns_opt_t *o, dns_error_t *err)
{
	return check_len2(o, err, "EXPIRE", 0, 4, "RFC 7314 section 2");
}

static dns_rc_t check_keepalive(const dns_edns_opt_t *o, dns_error_t *err)
{
	return check_len2(o, err, "TCP-KEEPALIVE", 0, 2,
			  "RFC 7828 section 3.1");
}

static dns_rc_t check_cookie(const dns_edns_opt_t *o, dns_error_t *err)
{
	if (o->len == 8 || (o->len >= 16 && o->len <= 40))
		return DNS_OK;
	return opt_fail(err, LEN_OFF(o),
			"COOKIE has %u bytes: must be 8 (client cookie) or 16 "
			"to 40 (with a server cookie of 8 to 32) (RFC 7873 "
			"section 4)",
			o->len);
}

static dns_rc_t check_keytag(const dns_edns_opt_t *o, dns_error_t *err)
{
	if (o->len % 2 == 0)
		return DNS_OK;
	return opt_fail(err, LEN_OFF(o),
			"KEY-TAG has %u bytes: must be a whole number of "
			"16-bit tags (RFC 8145 section 4.1)",
			o->len);
}

static dns_rc_t check_ede(const dns_edns_opt_t *o, dns_error_t *err)
{
	if (o->len < 2)
		return opt_fail(err, LEN_OFF(o),
				"EDE has %u byte(s): the INFO-CODE needs 2 "
				"(RFC 8914 section 2)",
				o->len);
	size_t bad = utf8_bad(o->data + 2, o->len - 2u);
	if (bad == o->len - 2u)
		return DNS_OK;
	return opt_fail(err, DATA_OFF(o, 2 + bad),
			"EDE EXTRA-TEXT is not UTF-8 at byte %zu (0x%02x) "
			"(RFC 8914 section 2)",
			bad, o->data[2 + bad]);
}

/* Whether p[0..len) is exactly one uncompressed wire name; if not, *bad
 * is the offset of the offending byte and *why says what is wrong. */
static bool name_fills(const uint8_t *p, size_t len, size_t *bad,
		       const char **why)
{
	size_t i = 0;
	while (i < len) {
		uint8_t l = p[i];
		*bad = i;
		if (l == 0) {
			*bad = i + 1;
			*why = "bytes follow the name's root label";
			return i + 1 == len;
		}
		if ((l & 0xc0) == 0xc0) {
			*why = "compression pointer in a name that must not "
			       "be compressed";
			return false;
		}
		if (l > DNS_LABEL_MAXLEN) {
			*why = "label type 0x40 or 0x80";
			return false;
		}
		if (len - i - 1 < l) {
			*why = "label runs past the end of the option";
			return false;
		}
		i += 1u + l;
		if (i >= DNS_NAME_MAXLEN) {
			*why = "name longer than 255 bytes";
			return false;
		}
	}
	*bad = len;
	*why = "name has no root label";
	return false;
}

static dns_rc_t check_name(const dns_edns_opt_t *o, dns_error_t *err,
			   const char *name, const char *rfc)
{
	size_t bad;
	const char *why;
	if (name_fills(o->data, o->len, &bad, &why))
		return DNS_OK;
	return opt_fail(err, DATA_OFF(o, bad), "%s: %s (%s)", name, why, rfc);
}

static dns_rc_t check_chain(const dns_edns_opt_t *o, dns_error_t *err)
{
	return check_name(o, err, "CHAIN", "RFC 7901 section 4");
}

static dns_rc_t check_report_channel(const dns_edns_opt_t *o, dns_error_t *err)
{
	return check_name(o, err, "REPORT-CHANNEL", "RFC 9567 section 5");
}

static dns_rc_t check_zoneversion(const dns_edns_opt_t *o, dns_error_t *err)
{
	if (o->len == 0)
		return DNS_OK;
	if (o->len < 2)
		return opt_fail(err, LEN_OFF(o),
				"ZONEVERSION has 1 byte: must be empty or hold "
				"LABELCOUNT and TYPE (RFC 9660 section 2)");
	if (o->data[1] == 0 && o->len != 6)
		return opt_fail(err, LEN_OFF(o),
				"ZONEVERSION of TYPE 0 (SOA-SERIAL) has %u "
				"bytes: must be 6 (RFC 9660 section 2)",
				o->len);
	return DNS_OK;
}

/* Address width in bits of an ECS FAMILY, 0 for families ECS lacks. */
static unsigned ecs_bits(uint16_t family)
{
	return family == 1 ? 32u : family == 2 ? 128u : 0u;
}

static dns_rc_t check_ecs_prefix(const dns_edns_opt_t *o, dns_error_t *err)
{
	unsigned source = o->data[2];
	size_t need = (source + 7u) / 8u, have = o->len - 4u;
	if (have != need)
		return opt_fail(err, DATA_OFF(o, 4),
				"ECS ADDRESS has %zu byte(s): a /%u source "
				"prefix needs exactly %zu (RFC 7871 section 6)",
				have, source, need);
	if (source % 8 != 0 &&
	    (o->data[4 + need - 1] & (0xffu >> (source % 8))) != 0)
		return opt_fail(err, DATA_OFF(o, 4 + need - 1),
				"ECS ADDRESS has bits set past the /%u source "
				"prefix (RFC 7871 section 6)",
				source);
	return DNS_OK;
}

static dns_rc_t check_ecs(const dns_edns_opt_t *o, dns_error_t *err)
{
	if (o->len < 4)
		return opt_fail(err, LEN_OFF(o),
				"ECS has %u byte(s): FAMILY and the two "
				"prefix lengths need 4 (RFC 7871 section 6)",
				o->len);
	uint16_t family = dns_get_u16(o->data);
	unsigned bits = ecs_bits(family);
	if (bits == 0)
		return opt_fail(err, DATA_OFF(o, 0),
				"ECS FAMILY %u: must be 1 (IPv4) or 2 (IPv6) "
				"(RFC 7871 section 6)",
				family);
	if (o->data[2] > bits)
		return opt_fail(err, DATA_OFF(o, 2),
				"ECS SOURCE PREFIX-LENGTH %u exceeds the %u "
				"bits of the address (RFC 7871 section 6)",
				o->data[2], bits);
	if (o->data[3] > bits)
		return opt_fail(err, DATA_OFF(o, 3),
				"ECS SCOPE PREFIX-LENGTH %u exceeds the %u "
				"bits of the address (RFC 7871 section 6)",
				o->data[3], bits);
	return check_ecs_prefix(o, err);
}

/* ---- the option table ------------------------------------------------ */

typedef struct opt_desc {
	uint16_t code;
	const char *name; /* mnemonic */
	const char *dig;  /* dig 9.18's label; NULL: "OPT=n" */
	dns_rc_t (*check)(const dns_edns_opt_t *o, dns_error_t *err);
	/* dig 9.18's own rendering after the label; false: not this data,
	 * fall back to hex (NULL: always hex). */
	bool (*dig_body)(const dns_edns_opt_t *o, dns_strbuf_t *sb);
	/* typed JSON fields of a checked option (NULL: none) */
	bool (*json)(const dns_edns_opt_t *o, json_t *obj);
} opt_desc_t;

static bool dig_llq(const dns_edns_opt_t *o, dns_strbuf_t *sb);
static bool dig_ecs(const dns_edns_opt_t *o, dns_strbuf_t *sb);
static bool dig_expire(const dns_edns_opt_t *o, dns_strbuf_t *sb);
static bool dig_keepalive(const dns_edns_opt_t *o, dns_strbuf_t *sb);
static bool dig_padding(const dns_edns_opt_t *o, dns_strbuf_t *sb);
static bool dig_keytag(const dns_edns_opt_t *o, dns_strbuf_t *sb);
static bool dig_ede(const dns_edns_opt_t *o, dns_strbuf_t *sb);
static bool dig_tag(const dns_edns_opt_t *o, dns_strbuf_t *sb);
static bool json_ul(const dns_edns_opt_t *o, json_t *obj);
static bool json_nsid(const dns_edns_opt_t *o, json_t *obj);
static bool json_algs(const dns_edns_opt_t *o, json_t *obj);
static bool json_ecs(const dns_edns_opt_t *o, json_t *obj);
static bool json_expire(const dns_edns_opt_t *o, json_t *obj);
static bool json_cookie(const dns_edns_opt_t *o, json_t *obj);
static bool json_keepalive(const dns_edns_opt_t *o, json_t *obj);
static bool json_padding(const dns_edns_opt_t *o, json_t *obj);
static bool json_name(const dns_edns_opt_t *o, json_t *obj);
static bool json_keytag(const dns_edns_opt_t *o, json_t *obj);
static bool json_ede(const dns_edns_opt_t *o, json_t *obj);
static bool json_zoneversion(const dns_edns_opt_t *o, json_t *obj);

static const opt_desc_t opt_table[] = {
    {DNS_OPT_LLQ, "LLQ", "LLQ", check_llq, dig_llq, NULL},
    {DNS_OPT_UL, "UL", NULL, check_ul, NULL, json_ul},
    {DNS_OPT_NSID, "NSID", "NSID", NULL, NULL, json_nsid},
    {DNS_OPT_DAU, "DAU", NULL, NULL, NULL, json_algs},
    {DNS_OPT_DHU, "DHU", NULL, NULL, NULL, json_algs},
    {DNS_OPT_N3U, "N3U", NULL, NULL, NULL, json_algs},
    {DNS_OPT_ECS, "ECS", "CLIENT-SUBNET", check_ecs, dig_ecs, json_ecs},
    {DNS_OPT_EXPIRE, "EXPIRE", "EXPIRE", check_expire, dig_expire, json_expire},
    {DNS_OPT_COOKIE, "COOKIE", "COOKIE", check_cookie, NULL, json_cookie},
    {DNS_OPT_KEEPALIVE, "TCP-KEEPALIVE", "TCP KEEPALIVE", check_keepalive,
     dig_keepalive, json_keepalive},
    {DNS_OPT_PADDING, "PADDING", "PAD", NULL, dig_padding, json_padding},
    {DNS_OPT_CHAIN, "CHAIN", NULL, check_chain, NULL, json_name},
    {DNS_OPT_KEYTAG, "KEY-TAG", "KEY-TAG", check_keytag, dig_keytag,
     json_keytag},
    {DNS_OPT_EDE, "EDE", "EDE", check_ede, dig_ede, json_ede},
    {DNS_OPT_CLIENT_TAG, "CLIENT-TAG", "CLIENT-TAG", NULL, dig_tag, NULL},
    {DNS_OPT_SERVER_TAG, "SERVER-TAG", "SERVER-TAG", NULL, dig_tag, NULL},
    {DNS_OPT_REPORT_CHANNEL, "REPORT-CHANNEL", NULL, check_report_channel, NULL,
     json_name},
    {DNS_OPT_ZONEVERSION, "ZONEVERSION", NULL, check_zoneversion, NULL,
     json_zoneversion},
};

static const opt_desc_t *opt_desc(uint16_t code)
{
	for (size_t i = 0; i < COUNT(opt_table); i++)
		if (opt_table[i].code == code)
			return &opt_table[i];
	return NULL;
}

const char *dns_edns_opt_to_text(uint16_t code, char buf[16])
{
	const opt_desc_t *d = opt_desc(code);
	if (d != NULL)
		snprintf(buf, 16, "%s", d->name);
	else
		snprintf(buf, 16, "OPT%u", (unsigned)code);
	return buf;
}

dns_rc_t dns_edns_opt_from_text(const char *s, size_t len, uint16_t *out)
{
	for (size_t i = 0; i < COUNT(opt_table); i++) {
		if (word_is(s, len, opt_table[i].name)) {
			*out = opt_table[i].code;
			return DNS_OK;
		}
	}
	if (mnemonic_code(opt_aliases, COUNT(opt_aliases), s, len, out))
		return DNS_OK;
	unsigned long v;
	dns_rc_t rc = prefixed_number(s, len, "OPT", 65535, &v);
	if (rc == DNS_OK)
		*out = (uint16_t)v;
	return rc;
}

dns_rc_t dns_edns_opt_check(const dns_edns_opt_t *opt, dns_error_t *err)
{
	const opt_desc_t *d = opt_desc(opt->code);
	if (d == NULL || d->check == NULL)
		return DNS_OK;
	return d->check(opt, err);
}

dns_rc_t dns_edns_opt_check_query(const dns_edns_opt_t *opt, dns_error_t *err)
{
	dns_rc_t rc = dns_edns_opt_check(opt, err);
	if (rc != DNS_OK || opt->code != DNS_OPT_ECS || opt->data[3] == 0)
		return rc;
	return opt_fail(err, DATA_OFF(opt, 3),
			"ECS SCOPE PREFIX-LENGTH %u in a query: must be 0 "
			"(RFC 7871 section 6)",
			opt->data[3]);
}

dns_rc_t dns_edns_opt_check_soft(const dns_edns_opt_t *opt, dns_error_t *err)
{
	if (opt->code != DNS_OPT_PADDING)
		return DNS_OK;
	for (size_t i = 0; i < opt->len; i++) {
		if (opt->data[i] != 0)
			return opt_fail(err, DATA_OFF(opt, i),
					"PADDING byte %zu is 0x%02x: padding "
					"octets SHOULD be 0x00 (RFC 7830 "
					"section 4)",
					i, opt->data[i]);
	}
	return DNS_OK;
}

dns_rc_t dns_edns_check(const dns_edns_t *e, bool query, dns_error_t *err)
{
	dns_edns_iter_t it;
	dns_edns_opt_t o;
	dns_edns_iter_init(&it, e->opts, e->optlen);
	while (dns_edns_next(&it, &o, err)) {
		dns_rc_t rc = query ? dns_edns_opt_check_query(&o, err)
				    : dns_edns_opt_check(&o, err);
		if (rc != DNS_OK)
			return rc;
	}
	return it.rc;
}

/* ---- typed views ----------------------------------------------------- */

static dns_rc_t view_code(const dns_edns_opt_t *opt, uint16_t code,
			  const char *name, dns_error_t *err)
{
	if (opt->code == code)
		return dns_edns_opt_check(opt, err);
	return opt_fail(err, opt->offset, "option %u is not %s", opt->code,
			name);
}

dns_rc_t dns_edns_ecs_parse(const dns_edns_opt_t *opt, dns_edns_ecs_t *out,
			    dns_error_t *err)
{
	dns_rc_t rc = view_code(opt, DNS_OPT_ECS, "ECS", err);
	if (rc != DNS_OK)
		return rc;
	memset(out, 0, sizeof(*out));
	out->family = dns_get_u16(opt->data);
	out->source = opt->data[2];
	out->scope = opt->data[3];
	out->addrlen = (uint8_t)(opt->len - 4u);
	memcpy(out->addr, opt->data + 4, out->addrlen);
	return DNS_OK;
}

dns_rc_t dns_edns_cookie_parse(const dns_edns_opt_t *opt,
			       dns_edns_cookie_t *out, dns_error_t *err)
{
	dns_rc_t rc = view_code(opt, DNS_OPT_COOKIE, "COOKIE", err);
	if (rc != DNS_OK)
		return rc;
	out->client = opt->data;
	out->server_len = opt->len - 8u;
	out->server = out->server_len > 0 ? opt->data + 8 : NULL;
	return DNS_OK;
}

dns_rc_t dns_edns_ede_parse(const dns_edns_opt_t *opt, dns_edns_ede_t *out,
			    dns_error_t *err)
{
	dns_rc_t rc = view_code(opt, DNS_OPT_EDE, "EDE", err);
	if (rc != DNS_OK)
		return rc;
	out->info = dns_get_u16(opt->data);
	out->text = opt->data + 2;
	out->text_len = opt->len - 2u;
	return DNS_OK;
}

/* ---- builders -------------------------------------------------------- */

/* Write an option header, refusing lengths the field cannot hold. */
static bool put_hdr(dns_wire_t *w, uint16_t code, size_t len)
{
	if (len > UINT16_MAX) {
		dns_wire_fail(w, DNS_E_EDNS_OPTION);
		return false;
	}
	if (!dns_wire_put_need(w, DNS_EDNS_OPT_HDR + len))
		return false;
	dns_wire_put_u16(w, code);
	dns_wire_put_u16(w, (uint16_t)len);
	return true;
}

dns_rc_t dns_edns_put_opt(dns_wire_t *w, uint16_t code, const void *data,
			  size_t len)
{
	if (put_hdr(w, code, len))
		dns_wire_put_bytes(w, data, len);
	return w->err;
}

dns_rc_t dns_edns_put_nsid(dns_wire_t *w, const uint8_t *id, size_t len)
{
	return dns_edns_put_opt(w, DNS_OPT_NSID, id, len);
}

dns_rc_t dns_edns_put_ecs_raw(dns_wire_t *w, uint16_t family, uint8_t source,
			      uint8_t scope, const uint8_t *addr,
			      size_t addrlen)
{
	if (addrlen > UINT16_MAX - 4u) {
		dns_wire_fail(w, DNS_E_EDNS_OPTION);
		return w->err;
	}
	if (put_hdr(w, DNS_OPT_ECS, 4u + addrlen)) {
		dns_wire_put_u16(w, family);
		dns_wire_put_u8(w, source);
		dns_wire_put_u8(w, scope);
		dns_wire_put_bytes(w, addr, addrlen);
	}
	return w->err;
}

dns_rc_t dns_edns_put_ecs(dns_wire_t *w, uint16_t family, uint8_t source,
			  uint8_t scope, const uint8_t *addr)
{
	unsigned bits = ecs_bits(family);
	if (bits == 0 || source > bits || scope > bits) {
		dns_wire_fail(w, DNS_E_EDNS_OPTION);
		return w->err;
	}
	uint8_t a[16] = {0};
	size_t n = (source + 7u) / 8u;
	if (n > 0)
		memcpy(a, addr, n);
	if (source % 8 != 0)
		a[n - 1] &= (uint8_t)(0xffu << (8 - source % 8));
	return dns_edns_put_ecs_raw(w, family, source, scope, a, n);
}

dns_rc_t dns_edns_put_expire(dns_wire_t *w, bool with_value, uint32_t secs)
{
	if (put_hdr(w, DNS_OPT_EXPIRE, with_value ? 4u : 0u) && with_value)
		dns_wire_put_u32(w, secs);
	return w->err;
}

dns_rc_t dns_edns_put_cookie(dns_wire_t *w, const uint8_t client[8],
			     const uint8_t *server, size_t server_len)
{
	if (server_len != 0 && (server_len < 8 || server_len > 32)) {
		dns_wire_fail(w, DNS_E_EDNS_OPTION);
		return w->err;
	}
	if (put_hdr(w, DNS_OPT_COOKIE, 8u + server_len)) {
		dns_wire_put_bytes(w, client, 8);
		dns_wire_put_bytes(w, server, server_len);
	}
	return w->err;
}

dns_rc_t dns_edns_put_keepalive(dns_wire_t *w, bool with_value,
				uint16_t timeout)
{
	if (put_hdr(w, DNS_OPT_KEEPALIVE, with_value ? 2u : 0u) && with_value)
		dns_wire_put_u16(w, timeout);
	return w->err;
}

dns_rc_t dns_edns_put_padding(dns_wire_t *w, size_t n)
{
	if (put_hdr(w, DNS_OPT_PADDING, n)) {
		memset(w->out + w->pos, 0, n);
		w->pos += n;
	}
	return w->err;
}

dns_rc_t dns_edns_put_chain(dns_wire_t *w, const dns_name_t *name)
{
	return dns_edns_put_opt(w, DNS_OPT_CHAIN, name->wire, name->len);
}

dns_rc_t dns_edns_put_keytags(dns_wire_t *w, const uint16_t *tags, size_t n)
{
	if (n > UINT16_MAX / 2u) {
		dns_wire_fail(w, DNS_E_EDNS_OPTION);
		return w->err;
	}
	if (put_hdr(w, DNS_OPT_KEYTAG, 2u * n)) {
		for (size_t i = 0; i < n; i++)
			dns_wire_put_u16(w, tags[i]);
	}
	return w->err;
}

dns_rc_t dns_edns_put_ede(dns_wire_t *w, uint16_t info, const char *text,
			  size_t len)
{
	if (len > UINT16_MAX - 2u) {
		dns_wire_fail(w, DNS_E_EDNS_OPTION);
		return w->err;
	}
	if (put_hdr(w, DNS_OPT_EDE, 2u + len)) {
		dns_wire_put_u16(w, info);
		dns_wire_put_bytes(w, text, len);
	}
	return w->err;
}

/* ---- dig-style text -------------------------------------------------- */

/* isprint() in the C locale, which is what dig's output reflects. */
static bool dig_printable(uint8_t c)
{
	return c >= 0x20 && c <= 0x7e;
}

static void dig_chars(const uint8_t *p, size_t n, bool utf8ok, dns_strbuf_t *sb)
{
	for (size_t i = 0; i < n; i++) {
		if (dig_printable(p[i]) || (utf8ok && p[i] > 127))
			dns_sb_putc(sb, (char)p[i]);
		else
			dns_sb_putc(sb, '.');
	}
}

/* dig's fallback for data of n bytes: hex pairs, then a printable copy in
 * ("..."); COOKIE has no separators and no copy, CLIENT-SUBNET no copy. */
static void dig_hex(uint16_t code, const uint8_t *p, size_t n, dns_strbuf_t *sb)
{
	if (n == 0)
		return;
	dns_sb_putc(sb, ' ');
	for (size_t i = 0; i < n; i++) {
		dns_sb_printf(sb, "%02x", p[i]);
		if (code != DNS_OPT_COOKIE)
			dns_sb_putc(sb, ' ');
	}
	if (code == DNS_OPT_COOKIE || code == DNS_OPT_ECS)
		return;
	dns_sb_puts(sb, "(\"");
	dig_chars(p, n, false, sb);
	dns_sb_puts(sb, "\")");
}

static bool dig_llq(const dns_edns_opt_t *o, dns_strbuf_t *sb)
{
	const uint8_t *p = o->data;
	if (o->len != 18)
		return false;
	unsigned long long id =
	    (unsigned long long)dns_get_u32(p + 6) << 32 | dns_get_u32(p + 10);
	dns_sb_printf(sb,
		      " Version: %u, Opcode: %u, Error: %u, Identifier: %llu, "
		      "Lifetime: %u",
		      dns_get_u16(p), dns_get_u16(p + 2), dns_get_u16(p + 4),
		      id, (unsigned)dns_get_u32(p + 14));
	return true;
}

/* The address of an ECS option as dig reads it: the bytes present,
 * zero-filled; bits past the prefix are not masked. NULL when dig would
 * fall back to hex. */
static const char *ecs_addr_text(const dns_edns_opt_t *o, char *buf, size_t cap)
{
	uint8_t a[16] = {0};
	uint16_t family = dns_get_u16(o->data);
	unsigned source = o->data[2], scope = o->data[3];
	size_t n = (source + 7u) / 8u;
	if (o->len - 4u < n || n > sizeof(a))
		return NULL;
	memcpy(a, o->data + 4, n);
	if (family == 0 && source == 0 && scope == 0)
		return "0";
	if (family == 1 && source <= 32 && scope <= 32)
		return inet_ntop(AF_INET, a, buf, (socklen_t)cap);
	if (family == 2 && source <= 128 && scope <= 128)
		return inet_ntop(AF_INET6, a, buf, (socklen_t)cap);
	return NULL;
}

static bool dig_ecs(const dns_edns_opt_t *o, dns_strbuf_t *sb)
{
	char buf[INET6_ADDRSTRLEN];
	if (o->len < 4)
		return false;
	const char *addr = ecs_addr_text(o, buf, sizeof(buf));
	if (addr == NULL)
		return false;
	dns_sb_printf(sb, " %s/%u/%u", addr, o->data[2], o->data[3]);
	return true;
}

/* A duration as BIND's verbose TTL text: "1 hour 30 minutes". */
static void ttl_words(uint32_t t, dns_strbuf_t *sb)
{
	static const struct {
		const char *unit;
		uint32_t secs;
	} units[] = {{"week", 604800},
		     {"day", 86400},
		     {"hour", 3600},
		     {"minute", 60},
		     {"second", 1}};
	const char *sep = "";
	for (size_t i = 0; i < COUNT(units); i++) {
		uint32_t n = t / units[i].secs;
		t %= units[i].secs;
		if (n == 0 && !(units[i].secs == 1 && *sep == '\0'))
			continue;
		dns_sb_printf(sb, "%s%u %s%s", sep, (unsigned)n, units[i].unit,
			      n == 1 ? "" : "s");
		sep = " ";
	}
}

static bool dig_expire(const dns_edns_opt_t *o, dns_strbuf_t *sb)
{
	if (o->len != 4)
		return false;
	uint32_t secs = dns_get_u32(o->data);
	dns_sb_printf(sb, " %u (", (unsigned)secs);
	ttl_words(secs, sb);
	dns_sb_putc(sb, ')');
	return true;
}

static bool dig_keepalive(const dns_edns_opt_t *o, dns_strbuf_t *sb)
{
	if (o->len != 2)
		return false;
	unsigned ds = dns_get_u16(o->data);
	dns_sb_printf(sb, " %u.%u secs", ds / 10, ds % 10);
	return true;
}

static bool dig_padding(const dns_edns_opt_t *o, dns_strbuf_t *sb)
{
	if (o->len > 0)
		dns_sb_printf(sb, " (%u bytes)", o->len);
	return true;
}

static bool dig_keytag(const dns_edns_opt_t *o, dns_strbuf_t *sb)
{
	if (o->len == 0 || o->len % 2 != 0)
		return false;
	for (size_t i = 0; i < o->len; i += 2)
		dns_sb_printf(sb, "%s %u", i == 0 ? "" : ",",
			      dns_get_u16(o->data + i));
	return true;
}

static bool dig_ede(const dns_edns_opt_t *o, dns_strbuf_t *sb)
{
	if (o->len == 1) {
		uint8_t c = o->data[0];
		dns_sb_printf(sb, " %02x (\"%c\")", c,
			      dig_printable(c) ? (char)c : '.');
		return true;
	}
	if (o->len == 0)
		return true;
	uint16_t info = dns_get_u16(o->data);
	const char *name = dig_ede_name(info);
	dns_sb_printf(sb, " %u", info);
	if (name != NULL)
		dns_sb_printf(sb, " (%s)", name);
	const uint8_t *text = o->data + 2;
	size_t n = o->len - 2u;
	if (n == 0)
		return true;
	bool utf8ok = dns_utf8_valid(text, n);
	dns_sb_puts(sb, ": ");
	for (size_t i = 0; !utf8ok && i < n; i++)
		dns_sb_printf(sb, "%02x ", text[i]);
	dns_sb_putc(sb, '(');
	dig_chars(text, n, utf8ok, sb);
	dns_sb_putc(sb, ')');
	return true;
}

static bool dig_tag(const dns_edns_opt_t *o, dns_strbuf_t *sb)
{
	if (o->len != 2)
		return false;
	dns_sb_printf(sb, " %u", dns_get_u16(o->data));
	return true;
}

void dns_edns_opt_to_dig(const dns_edns_opt_t *opt, dns_strbuf_t *sb)
{
	const opt_desc_t *d = opt_desc(opt->code);
	if (d != NULL && d->dig != NULL)
		dns_sb_printf(sb, "; %s:", d->dig);
	else
		dns_sb_printf(sb, "; OPT=%u:", opt->code);
	if (d != NULL && d->dig_body != NULL && d->dig_body(opt, sb))
		return;
	dig_hex(opt->code, opt->data, opt->len, sb);
}

void dns_edns_to_dig(const dns_edns_t *e, dns_strbuf_t *sb)
{
	unsigned mbz = e->flags & ~(DNS_EDNS_DO | DNS_EDNS_CO) & 0xffffu;
	dns_sb_printf(sb, "; EDNS: version: %u, flags:%s%s", e->version,
		      (e->flags & DNS_EDNS_DO) ? " do" : "",
		      (e->flags & DNS_EDNS_CO) ? " co" : "");
	if (mbz != 0)
		dns_sb_printf(sb, "; MBZ: 0x%.4x, udp: %u\n", mbz, e->udp_size);
	else
		dns_sb_printf(sb, "; udp: %u\n", e->udp_size);

	dns_edns_iter_t it;
	dns_edns_opt_t o;
	dns_edns_iter_init(&it, e->opts, e->optlen);
	while (dns_edns_next(&it, &o, NULL)) {
		dns_edns_opt_to_dig(&o, sb);
		dns_sb_putc(sb, '\n');
	}
	if (it.rc != DNS_OK)
		dns_sb_printf(sb, "; MALFORMED OPTION at offset %zu\n",
			      it.err_off);
}

/* ---- JSON ------------------------------------------------------------ */

/* Lowercase hex of n bytes as a JSON string; NULL when memory runs out. */
static json_t *json_hex(const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *s = dns_mem_alloc(2 * n + 1);
	if (s == NULL)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = digits[p[i] >> 4];
		s[2 * i + 1] = digits[p[i] & 15];
	}
	json_t *j = json_stringn(s, 2 * n);
	dns_mem_free(s);
	return j;
}

/* json_object_set_new that reports failure (including a NULL value). */
static bool jset(json_t *obj, const char *key, json_t *value)
{
	return value != NULL && json_object_set_new(obj, key, value) == 0;
}

static bool json_ul(const dns_edns_opt_t *o, json_t *obj)
{
	if (!jset(obj, "lease", json_integer(dns_get_u32(o->data))))
		return false;
	return o->len != 8 ||
	       jset(obj, "key_lease", json_integer(dns_get_u32(o->data + 4)));
}

static bool json_nsid(const dns_edns_opt_t *o, json_t *obj)
{
	if (!dns_utf8_valid(o->data, o->len))
		return true;
	return jset(obj, "text", json_stringn((const char *)o->data, o->len));
}

static json_t *json_u_array(const uint8_t *p, size_t n, size_t width)
{
	json_t *a = json_array();
	for (size_t i = 0; a != NULL && i + width <= n; i += width) {
		json_int_t v = width == 1 ? p[i] : dns_get_u16(p + i);
		if (json_array_append_new(a, json_integer(v)) != 0) {
			json_decref(a);
			a = NULL;
		}
	}
	return a;
}

static bool json_algs(const dns_edns_opt_t *o, json_t *obj)
{
	return jset(obj, "algorithms", json_u_array(o->data, o->len, 1));
}

static bool json_ecs(const dns_edns_opt_t *o, json_t *obj)
{
	char buf[INET6_ADDRSTRLEN];
	const char *addr = ecs_addr_text(o, buf, sizeof(buf));
	return addr != NULL &&
	       jset(obj, "family", json_integer(dns_get_u16(o->data))) &&
	       jset(obj, "source", json_integer(o->data[2])) &&
	       jset(obj, "scope", json_integer(o->data[3])) &&
	       jset(obj, "address", json_string(addr));
}

static bool json_expire(const dns_edns_opt_t *o, json_t *obj)
{
	return o->len == 0 ||
	       jset(obj, "expire", json_integer(dns_get_u32(o->data)));
}

static bool json_cookie(const dns_edns_opt_t *o, json_t *obj)
{
	if (!jset(obj, "client", json_hex(o->data, 8)))
		return false;
	return o->len == 8 ||
	       jset(obj, "server", json_hex(o->data + 8, o->len - 8u));
}

static bool json_keepalive(const dns_edns_opt_t *o, json_t *obj)
{
	return o->len == 0 ||
	       jset(obj, "timeout", json_integer(dns_get_u16(o->data)));
}

static bool json_padding(const dns_edns_opt_t *o, json_t *obj)
{
	return jset(obj, "length", json_integer(o->len));
}

static bool json_name(const dns_edns_opt_t *o, json_t *obj)
{
	dns_name_t n;
	char text[DNS_NAME_TEXT_MAX + 1];
	if (dns_name_from_wire(o->data, o->len, &n) != DNS_OK)
		return false;
	dns_name_to_text(&n, text, sizeof(text));
	return jset(obj, "domain", json_string(text));
}

static bool json_keytag(const dns_edns_opt_t *o, json_t *obj)
{
	return jset(obj, "key_tags", json_u_array(o->data, o->len, 2));
}

static bool json_ede(const dns_edns_opt_t *o, json_t *obj)
{
	uint16_t info = dns_get_u16(o->data);
	const char *name = dns_ede_name(info);
	if (!jset(obj, "info_code", json_integer(info)))
		return false;
	if (name != NULL && !jset(obj, "info_name", json_string(name)))
		return false;
	return o->len == 2 ||
	       jset(obj, "text",
		    json_stringn((const char *)o->data + 2, o->len - 2u));
}

static bool json_zoneversion(const dns_edns_opt_t *o, json_t *obj)
{
	if (o->len == 0)
		return true;
	if (!jset(obj, "label_count", json_integer(o->data[0])) ||
	    !jset(obj, "type", json_integer(o->data[1])))
		return false;
	if (o->data[1] == 0)
		return jset(obj, "serial",
			    json_integer(dns_get_u32(o->data + 2)));
	return jset(obj, "version", json_hex(o->data + 2, o->len - 2u));
}

/* The typed fields, or "error" when the option fails its check. */
static bool json_typed(const dns_edns_opt_t *opt, json_t *obj)
{
	dns_error_t err = {0};
	if (dns_edns_opt_check(opt, &err) != DNS_OK)
		return jset(obj, "error", json_string(err.detail));
	const opt_desc_t *d = opt_desc(opt->code);
	return d == NULL || d->json == NULL || d->json(opt, obj);
}

json_t *dns_edns_opt_to_json(const dns_edns_opt_t *opt)
{
	char name[16];
	json_t *obj = json_object();
	if (obj == NULL)
		return NULL;
	if (jset(obj, "code", json_integer(opt->code)) &&
	    jset(obj, "name",
		 json_string(dns_edns_opt_to_text(opt->code, name))) &&
	    json_typed(opt, obj) &&
	    jset(obj, "data", json_hex(opt->data, opt->len)))
		return obj;
	json_decref(obj);
	return NULL;
}

static json_t *json_options(const dns_edns_t *e, dns_error_t *err)
{
	json_t *a = json_array();
	dns_edns_iter_t it;
	dns_edns_opt_t o;
	dns_edns_iter_init(&it, e->opts, e->optlen);
	while (a != NULL && dns_edns_next(&it, &o, err)) {
		if (json_array_append_new(a, dns_edns_opt_to_json(&o)) != 0) {
			json_decref(a);
			a = NULL;
		}
	}
	return a;
}

json_t *dns_edns_to_json(const dns_edns_t *e)
{
	dns_error_t err = {0};
	json_t *obj = json_object();
	if (obj == NULL)
		return NULL;
	if (jset(obj, "udp_size", json_integer(e->udp_size)) &&
	    jset(obj, "version", json_integer(e->version)) &&
	    jset(obj, "do", json_boolean(e->flags & DNS_EDNS_DO)) &&
	    jset(obj, "flags", json_integer(e->flags)) &&
	    jset(obj, "ext_rcode", json_integer(e->ext_rcode)) &&
	    jset(obj, "options", json_options(e, &err)) &&
	    (err.code == DNS_OK || jset(obj, "error", json_string(err.detail))))
		return obj;
	json_decref(obj);
	return NULL;
}
