/* types.c - the record type table and the class names.
 *
 * One row per type, in code order (dns_type_info looks at index code - 1,
 * which holds codes 1 to 30, and otherwise does a binary search).
 * Layout strings are built from the F_ field kinds of rdata_fields.h.
 *
 * Compression (RFC 3597 section 4): the RFC 1035 types compress; the types
 * RFC 3597 names as ones receivers decompress (RP AFSDB RT SIG PX NXT NAPTR
 * SRV) are sent uncompressed but accept pointers; every other type,
 * including DNAME (RFC 6672 2.1: "MUST be sent in uncompressed form", and
 * not in RFC 3597's list) and KX (RFC 2230, not in the list), is NONE: a
 * pointer in its RDATA is rejected.
 *
 * canon_lower follows RFC 4034 6.2 item 3 as amended by RFC 6840 5.1 (NSEC
 * removed). HINFO is in RFC 4034's list but holds no domain names, so there
 * is nothing to lowercase: its strings are left alone.
 */
#include "dns/rdata.h"
#include "dns/rdata_fields.h"

#define C DNS_CC_COMPRESS
#define D DNS_CC_DECOMPRESS
#define N DNS_CC_NONE

/* Fields shared by families of types. */
#define L_SIG	 F_TYPE F_U8 F_U8 F_U32 F_TIME F_TIME F_U16 F_NAME F_B64
#define L_DS	 F_U16 F_U8 F_U8 F_DIGEST
#define L_DNSKEY F_U16 F_U8 F_U8 F_B64

static const dns_type_info_t type_table[] = {
    {1, "A", N, false, false, F_IPV4},
    {2, "NS", C, true, false, F_NAME},
    {3, "MD", C, true, false, F_NAME},
    {4, "MF", C, true, false, F_NAME},
    {5, "CNAME", C, true, false, F_NAME},
    {6, "SOA", C, true, false,
     F_NAME F_NAME F_U32 F_PERIOD F_PERIOD F_PERIOD F_PERIOD},
    {7, "MB", C, true, false, F_NAME},
    {8, "MG", C, true, false, F_NAME},
    {9, "MR", C, true, false, F_NAME},
    {10, "NULL", N, false, false, F_OPAQUE},
    {11, "WKS", N, false, false, F_SPECIAL},
    {12, "PTR", C, true, false, F_NAME},
    {13, "HINFO", N, false, false, F_STR F_STR},
    {14, "MINFO", C, true, false, F_NAME F_NAME},
    {15, "MX", C, true, false, F_U16 F_NAME},
    {16, "TXT", N, false, false, F_STRS},
    {17, "RP", D, true, false, F_NAME F_NAME},
    {18, "AFSDB", D, true, false, F_U16 F_NAME},
    {19, "X25", N, false, false, F_STR},
    {20, "ISDN", N, false, false, F_STR F_STR_OPT},
    {21, "RT", D, true, false, F_U16 F_NAME},
    {22, "NSAP", N, false, false, F_NSAP},
    {23, "NSAP-PTR", N, false, false, F_NAME},
    {24, "SIG", D, true, false, L_SIG},
    {25, "KEY", N, false, false, F_U16 F_U8 F_U8 F_B64_OPT},
    {26, "PX", D, true, false, F_U16 F_NAME F_NAME},
    {27, "GPOS", N, false, false, F_STR F_STR F_STR},
    {28, "AAAA", N, false, false, F_IPV6},
    {29, "LOC", N, false, false, F_SPECIAL},
    {30, "NXT", D, true, false, F_NAME F_NXT_BITMAP},
    {33, "SRV", D, true, false, F_U16 F_U16 F_U16 F_NAME},
    {35, "NAPTR", D, true, false, F_U16 F_U16 F_STR F_STR F_STR F_NAME},
    {36, "KX", N, true, false, F_U16 F_NAME},
    {37, "CERT", N, false, false, F_CERT_TYPE F_U16 F_SECALG F_B64},
    {38, "A6", N, true, false, F_SPECIAL},
    {39, "DNAME", N, true, false, F_NAME},
    {41, "OPT", N, false, true, F_EDNS},
    {42, "APL", N, false, false, F_SPECIAL},
    {43, "DS", N, false, false, L_DS},
    {44, "SSHFP", N, false, false, F_U8 F_U8 F_HEX},
    {45, "IPSECKEY", N, false, false, F_SPECIAL},
    {46, "RRSIG", N, true, false, L_SIG},
    {47, "NSEC", N, false, false, F_NAME F_BITMAP_NE},
    {48, "DNSKEY", N, false, false, L_DNSKEY},
    {49, "DHCID", N, false, false, F_B64},
    {50, "NSEC3", N, false, false, F_U8 F_U8 F_U16 F_SALT F_B32 F_BITMAP},
    {51, "NSEC3PARAM", N, false, false, F_U8 F_U8 F_U16 F_SALT},
    {52, "TLSA", N, false, false, F_U8 F_U8 F_U8 F_HEX},
    {53, "SMIMEA", N, false, false, F_U8 F_U8 F_U8 F_HEX},
    {55, "HIP", N, false, false, F_SPECIAL},
    {59, "CDS", N, false, false, L_DS},
    {60, "CDNSKEY", N, false, false, L_DNSKEY},
    {61, "OPENPGPKEY", N, false, false, F_B64},
    {62, "CSYNC", N, false, false, F_U32 F_U16 F_BITMAP},
    {63, "ZONEMD", N, false, false, F_U32 F_U8 F_U8 F_DIGEST},
    {64, "SVCB", N, false, false, F_SPECIAL},
    {65, "HTTPS", N, false, false, F_SPECIAL},
    {99, "SPF", N, false, false, F_STRS},
    {104, "NID", N, false, false, F_U16 F_ILNP64},
    {105, "L32", N, false, false, F_U16 F_IPV4},
    {106, "L64", N, false, false, F_U16 F_ILNP64},
    {107, "LP", N, false, false, F_U16 F_NAME},
    {108, "EUI48", N, false, false, F_EUI48},
    {109, "EUI64", N, false, false, F_EUI64},
    {249, "TKEY", N, false, true,
     F_NAME F_U32 F_U32 F_U16 F_RCODE F_DATA16 F_DATA16},
    {250, "TSIG", N, false, true,
     F_NAME F_U48 F_U16 F_DATA16 F_U16 F_RCODE F_DATA16},
    {251, "IXFR", N, false, true, F_OPAQUE},
    {252, "AXFR", N, false, true, F_OPAQUE},
    {253, "MAILB", N, false, true, F_OPAQUE},
    {254, "MAILA", N, false, true, F_OPAQUE},
    {255, "ANY", N, false, true, F_OPAQUE},
    {256, "URI", N, false, false, F_U16 F_U16 F_TEXT_NE},
    {257, "CAA", N, false, false, F_U8 F_CAA_TAG F_TEXT},
    {258, "AVC", N, false, false, F_STRS}, /* Application Visibility and
					      Control: TXT's layout */
    {32769, "DLV", N, false, false, L_DS},
};

#define TYPE_COUNT (sizeof(type_table) / sizeof(type_table[0]))

static const struct {
	uint16_t code;
	const char *name;
} class_table[] = {
    {DNS_C_IN, "IN"},	  {DNS_C_CH, "CH"},   {DNS_C_HS, "HS"},
    {DNS_C_NONE, "NONE"}, {DNS_C_ANY, "ANY"}, {DNS_C_CH, "CHAOS"},
    {DNS_C_HS, "HESIOD"},
};

#define CLASS_COUNT   (sizeof(class_table) / sizeof(class_table[0]))
#define CLASS_PRINTED 5u /* the first rows are the names printed */

const dns_type_info_t *dns_type_info(uint16_t type)
{
	/* Codes 1 to 30 have no gap: their row is at index code - 1. */
	if (type >= 1 && type <= TYPE_COUNT &&
	    type_table[type - 1].code == type)
		return &type_table[type - 1];
	size_t lo = 0, hi = TYPE_COUNT;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (type_table[mid].code == type)
			return &type_table[mid];
		if (type_table[mid].code < type)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const dns_type_info_t *dns_type_table(size_t *n)
{
	*n = TYPE_COUNT;
	return type_table;
}

static char upper(char c)
{
	return c >= 'a' && c <= 'z' ? (char)(c - 32) : c;
}

/* s[0..len) equals the upper-case NUL-terminated word, ignoring case. */
static bool word_is(const char *s, size_t len, const char *word)
{
	size_t i = 0;
	for (; i < len && word[i] != '\0'; i++)
		if (upper(s[i]) != word[i])
			return false;
	return i == len && word[i] == '\0';
}

/* "<prefix>nnn" with 1..5 decimal digits and a value <= 65535. */
static bool generic_number(const char *s, size_t len, const char *prefix,
			   uint16_t *out)
{
	size_t p = 0;
	while (prefix[p] != '\0') {
		if (p >= len || upper(s[p]) != prefix[p])
			return false;
		p++;
	}
	if (len == p || len - p > 5)
		return false;
	unsigned long v = 0;
	for (size_t i = p; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (unsigned long)(s[i] - '0');
	}
	if (v > 65535)
		return false;
	*out = (uint16_t)v;
	return true;
}

/* Copy a mnemonic (shorter than 16 bytes) with its NUL into buf. */
static const char *copy_name(char buf[16], const char *name)
{
	size_t i = 0;
	do
		buf[i] = name[i];
	while (name[i++] != '\0' && i < 16);
	buf[15] = '\0';
	return buf;
}

/* prefix (at most 5 characters) and v in decimal, into buf. */
static const char *generic_name(char buf[16], const char *prefix, uint16_t v)
{
	char digits[5], *d = digits + sizeof(digits);
	size_t n = 0;
	while (*prefix != '\0')
		buf[n++] = *prefix++;
	do {
		*--d = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	while (d < digits + sizeof(digits))
		buf[n++] = *d++;
	buf[n] = '\0';
	return buf;
}

const char *dns_type_to_text(uint16_t type, char buf[16])
{
	const dns_type_info_t *ti = dns_type_info(type);
	if (ti != NULL)
		return copy_name(buf, ti->name);
	return generic_name(buf, "TYPE", type);
}

dns_rc_t dns_type_from_text(const char *s, size_t len, uint16_t *out)
{
	for (size_t i = 0; i < TYPE_COUNT; i++) {
		if (word_is(s, len, type_table[i].name)) {
			*out = type_table[i].code;
			return DNS_OK;
		}
	}
	return generic_number(s, len, "TYPE", out) ? DNS_OK
						   : DNS_E_UNKNOWN_TYPE;
}

const char *dns_class_to_text(uint16_t cls, char buf[16])
{
	if (cls == DNS_C_IN) { /* nearly every record */
		memcpy(buf, "IN", 3);
		return buf;
	}
	for (size_t i = 0; i < CLASS_PRINTED; i++)
		if (class_table[i].code == cls)
			return copy_name(buf, class_table[i].name);
	return generic_name(buf, "CLASS", cls);
}

dns_rc_t dns_class_from_text(const char *s, size_t len, uint16_t *out)
{
	for (size_t i = 0; i < CLASS_COUNT; i++) {
		if (word_is(s, len, class_table[i].name)) {
			*out = class_table[i].code;
			return DNS_OK;
		}
	}
	return generic_number(s, len, "CLASS", out) ? DNS_OK
						    : DNS_E_UNKNOWN_CLASS;
}
