/* rdata.h - the type table and the RDATA codecs it drives.
 *
 * One table row per record type (types.c) names the type and lists its
 * fields; the same row drives wire decode, wire encode, presentation parse
 * and print, and canonical form. Every type, known or not, also has the
 * RFC 3597 generic form (TYPEnnn, \# len hex).
 *
 * RDATA held in memory ("stored form") is the uncompressed wire form: names
 * in full, exactly as they would be sent with no compression.
 */
#ifndef DNS_RDATA_H
#define DNS_RDATA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/err.h"
#include "dns/name.h"
#include "dns/strbuf.h"
#include "dns/text.h"
#include "dns/wire.h"

/* Record types and classes the rest of the code names directly. */
enum {
	DNS_T_A = 1,
	DNS_T_NS = 2,
	DNS_T_CNAME = 5,
	DNS_T_SOA = 6,
	DNS_T_PTR = 12,
	DNS_T_MX = 15,
	DNS_T_TXT = 16,
	DNS_T_AAAA = 28,
	DNS_T_SRV = 33,
	DNS_T_DNAME = 39,
	DNS_T_OPT = 41,
	DNS_T_DS = 43,
	DNS_T_RRSIG = 46,
	DNS_T_NSEC = 47,
	DNS_T_DNSKEY = 48,
	DNS_T_NSEC3 = 50,
	DNS_T_NSEC3PARAM = 51,
	DNS_T_SVCB = 64,
	DNS_T_HTTPS = 65,
	DNS_T_TKEY = 249,
	DNS_T_TSIG = 250,
	DNS_T_IXFR = 251,
	DNS_T_AXFR = 252,
	DNS_T_ANY = 255,
};
enum {
	DNS_C_IN = 1,
	DNS_C_CH = 3,
	DNS_C_HS = 4,
	DNS_C_NONE = 254,
	DNS_C_ANY = 255,
};

/* How names inside a type's RDATA may be compressed (RFC 3597 section 4). */
typedef enum dns_cc {
	DNS_CC_NONE, /* never compressed; a pointer is DNS_E_PTR_FORBIDDEN */
	DNS_CC_DECOMPRESS, /* sent uncompressed, but receivers decompress
			      (RP, AFSDB, RT, SIG, PX, NXT, NAPTR, SRV, ...) */
	DNS_CC_COMPRESS,   /* RFC 1035 types: compressed when sending */
} dns_cc_t;

typedef struct dns_type_info {
	uint16_t code;
	const char *name; /* mnemonic, e.g. "NSEC3PARAM" */
	dns_cc_t cc;
	bool canon_lower;   /* names lowercased in canonical form
			       (RFC 4034 6.2 as amended by RFC 6840 5.1) */
	bool meta;	    /* QTYPE/meta type (OPT, TKEY, TSIG, IXFR, AXFR,
			       MAILB, MAILA, ANY): no data in zones */
	const char *fields; /* field layout, private to rdata.c */
} dns_type_info_t;

/* Row for a type, or NULL when the type is not in the table. */
const dns_type_info_t *dns_type_info(uint16_t type);

/* All rows, in code order; *n receives the count (for dictionaries,
 * corpora generators and tests). */
const dns_type_info_t *dns_type_table(size_t *n);

/* "A", "NSEC3", or "TYPE1234" for types without a mnemonic. Returns buf.
 * buf must have at least 16 bytes. */
const char *dns_type_to_text(uint16_t type, char buf[16]);

/* Mnemonic (case-insensitive) or TYPEnnn. DNS_E_UNKNOWN_TYPE. */
dns_rc_t dns_type_from_text(const char *s, size_t len, uint16_t *out);

/* "IN", "CH", "HS", "NONE", "ANY", or "CLASS1234". buf >= 16 bytes. */
const char *dns_class_to_text(uint16_t cls, char buf[16]);

/* Mnemonic (case-insensitive) or CLASSnnn. DNS_E_UNKNOWN_CLASS. */
dns_rc_t dns_class_from_text(const char *s, size_t len, uint16_t *out);

/* Decode and validate RDATA from the sub-cursor rd, which the caller has
 * limited to RDLENGTH (dns_wire_sub) over the whole message (so that
 * compression pointers resolve). The stored form is written to out (cap
 * bytes), its length to *outlen. Every field is checked against the type's
 * layout; bytes left over are DNS_E_RDATA_TRAILING, a field running past
 * RDLENGTH DNS_E_RDATA_SHORT. Unknown types are copied as they are. On
 * error rd->err and rd->err_off say what and where (offset within the
 * message), and the same code is returned. cap >= 65535 always suffices
 * except for names expanded by decompression; DNS_E_SPACE otherwise. */
dns_rc_t dns_rdata_unpack(uint16_t type, dns_wire_t *rd, uint8_t *out,
			  size_t cap, size_t *outlen);

/* Modes for dns_rdata_pack. */
typedef enum dns_pack_mode {
	DNS_PACK_PLAIN,	   /* no compression inside RDATA */
	DNS_PACK_STANDARD, /* compress only DNS_CC_COMPRESS types (c != NULL) */
	DNS_PACK_FORCE,	   /* compress every name field of every type */
} dns_pack_mode_t;

/* Write stored-form RDATA (len bytes) of a type into w, compressing names
 * as mode says, with table c (may be NULL = no compression). The caller
 * writes RDLENGTH. Stored form that does not match the type's layout is
 * written verbatim. */
dns_rc_t dns_rdata_pack(uint16_t type, const uint8_t *rdata, size_t len,
			dns_wire_t *w, dns_compress_t *c, dns_pack_mode_t mode);

/* Print stored-form RDATA in the standard presentation form (as zone files
 * and dig show it). Unknown types, and data that does not fit the layout,
 * print in the generic \# form. */
void dns_rdata_to_text(uint16_t type, const uint8_t *rdata, size_t len,
		       dns_strbuf_t *sb);

/* The RFC 3597 generic form "\# len hex" of any RDATA. */
void dns_rdata_to_generic(const uint8_t *rdata, size_t len, dns_strbuf_t *sb);

/* Parse the RDATA tokens t[0..n) of a type (the generic \# form for any
 * type included) into stored form. Relative names are completed with
 * origin (NULL: relative names are DNS_E_RELATIVE). Errors carry the
 * offending token's line/col in err. */
dns_rc_t dns_rdata_from_text(uint16_t type, const dns_token_t *t, size_t n,
			     const dns_name_t *origin, uint8_t *out, size_t cap,
			     size_t *outlen, dns_error_t *err);

/* Convert stored-form RDATA to canonical form in place (RFC 4034 6.2):
 * lowercase the embedded names of the types that require it. */
void dns_rdata_canonicalize(uint16_t type, uint8_t *rdata, size_t len);

#endif
