/* edns.h - EDNS(0): the OPT pseudo-RR (RFC 6891), its options, extended
 * rcodes, rcode/opcode/option mnemonics, option builders, dig-style text
 * and JSON.
 *
 * Nothing here allocates: a dns_edns_t and a dns_edns_opt_t point into the
 * caller's stored-form RDATA (for a decoded message, the message arena), so
 * they live exactly as long as that RDATA.
 *
 * Offsets: every offset this module reports (iterator, checks, errors) is a
 * byte offset from the first byte of the OPT RDATA. A caller that wants a
 * message offset adds the RDATA's own offset in the message.
 *
 * Checks return DNS_E_EDNS_OPTION with the offset of the offending field
 * (the OPTION-LENGTH field, at TLV offset + 2, for a wrong length) and a
 * detail sentence in err->detail.
 */
#ifndef DNS_EDNS_H
#define DNS_EDNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "dns/err.h"
#include "dns/name.h"
#include "dns/strbuf.h"
#include "dns/wire.h"

/* EDNS option codes (IANA "DNS EDNS0 Option Codes (OPT)"). */
enum {
	DNS_OPT_LLQ = 1,	     /* RFC 8764 */
	DNS_OPT_UL = 2,		     /* update lease, RFC 9664 */
	DNS_OPT_NSID = 3,	     /* RFC 5001 */
	DNS_OPT_DAU = 5,	     /* RFC 6975 */
	DNS_OPT_DHU = 6,	     /* RFC 6975 */
	DNS_OPT_N3U = 7,	     /* RFC 6975 */
	DNS_OPT_ECS = 8,	     /* edns-client-subnet, RFC 7871 */
	DNS_OPT_EXPIRE = 9,	     /* RFC 7314 */
	DNS_OPT_COOKIE = 10,	     /* RFC 7873 */
	DNS_OPT_KEEPALIVE = 11,	     /* edns-tcp-keepalive, RFC 7828 */
	DNS_OPT_PADDING = 12,	     /* RFC 7830 */
	DNS_OPT_CHAIN = 13,	     /* RFC 7901 */
	DNS_OPT_KEYTAG = 14,	     /* edns-key-tag, RFC 8145 */
	DNS_OPT_EDE = 15,	     /* extended DNS error, RFC 8914 */
	DNS_OPT_CLIENT_TAG = 16,     /* draft-bellis-dnsop-edns-tags */
	DNS_OPT_SERVER_TAG = 17,     /* draft-bellis-dnsop-edns-tags */
	DNS_OPT_REPORT_CHANNEL = 18, /* RFC 9567 */
	DNS_OPT_ZONEVERSION = 19,    /* RFC 9660 */
};

#define DNS_EDNS_DO	 0x8000u /* DNSSEC OK, RFC 3225 */
#define DNS_EDNS_CO	 0x4000u /* compact answers OK, RFC 9824 */
#define DNS_EDNS_OPT_HDR 4u	 /* OPTION-CODE + OPTION-LENGTH */

/* The rcodes and opcodes code elsewhere names directly. */
enum {
	DNS_RCODE_NOERROR = 0,
	DNS_RCODE_FORMERR = 1,
	DNS_RCODE_SERVFAIL = 2,
	DNS_RCODE_NXDOMAIN = 3,
	DNS_RCODE_NOTIMP = 4,
	DNS_RCODE_REFUSED = 5,
	DNS_RCODE_NOTAUTH = 9,
	DNS_RCODE_BADVERS = 16,
	DNS_RCODE_BADCOOKIE = 23,
};
enum {
	DNS_OPCODE_QUERY = 0,
	DNS_OPCODE_NOTIFY = 4,
	DNS_OPCODE_UPDATE = 5,
	DNS_OPCODE_DSO = 6,
};

/* The fields of an OPT RR. The TTL is split as RFC 6891 section 6.1.3
 * lays it out; flags is the whole 16-bit word, unknown bits kept. */
typedef struct dns_edns {
	uint16_t udp_size; /* requestor's UDP payload size (the CLASS) */
	uint8_t ext_rcode; /* upper 8 bits of the 12-bit rcode (TTL 31..24) */
	uint8_t version;   /* TTL bits 23..16 */
	uint16_t flags;	   /* TTL bits 15..0: DO, CO and the rest (Z) */
	const uint8_t
	    *opts;	 /* the option TLVs: the caller's RDATA, not copied */
	uint16_t optlen; /* bytes at opts (the RDLENGTH) */
} dns_edns_t;

/* Fill e from an OPT RR's CLASS, TTL and RDATA (rdata may be NULL when
 * rdlen is 0). e->opts points at rdata. The option framing is walked: a
 * TLV that runs past the RDATA is DNS_E_EDNS_OPTION at the TLV's offset
 * (err may be NULL). The fields are filled even then. Option contents are
 * not checked here (see dns_edns_check). */
dns_rc_t dns_edns_from_rr(uint16_t rclass, uint32_t ttl, const uint8_t *rdata,
			  uint16_t rdlen, dns_edns_t *e, dns_error_t *err);

/* The CLASS and TTL of an OPT RR carrying e (the inverse of the above). */
void dns_edns_to_rr(const dns_edns_t *e, uint16_t *rclass, uint32_t *ttl);

/* The 12-bit rcode: the header's 4 bits (only the low 4 of hdr_rcode are
 * used) below OPT's 8 extended bits, e.g. (0, 1) -> 16 BADVERS. */
uint16_t dns_rcode_full(unsigned hdr_rcode, uint8_t ext_rcode);

/* Split a 12-bit rcode into the header's 4 bits and OPT's upper 8. Bits
 * above bit 11 are ignored. Either output may be NULL. */
void dns_rcode_split(uint16_t rcode, uint8_t *hdr_rcode, uint8_t *ext_rcode);

/* "NOERROR" ... "BADCOOKIE" (16 prints as BADVERS), "RCODEnnn" for codes
 * without a mnemonic. Returns buf, which must hold 16 bytes. */
const char *dns_rcode_to_text(uint16_t rcode, char buf[16]);

/* A mnemonic (case-insensitive; BADSIG is 16 too) or RCODEnnn up to 4095.
 * DNS_E_SYNTAX for an unknown word, DNS_E_NUMBER for RCODEnnn out of
 * range. */
dns_rc_t dns_rcode_from_text(const char *s, size_t len, uint16_t *out);

/* "QUERY", "IQUERY", "STATUS", "NOTIFY", "UPDATE", "DSO", else "OPCODEn"
 * (opcode taken modulo 16). Returns buf, which must hold 16 bytes. */
const char *dns_opcode_to_text(uint8_t opcode, char buf[16]);

/* A mnemonic (case-insensitive) or OPCODEn up to 15. Errors as for
 * dns_rcode_from_text. */
dns_rc_t dns_opcode_from_text(const char *s, size_t len, uint8_t *out);

/* One option TLV as found in the RDATA. */
typedef struct dns_edns_opt {
	uint16_t code;
	uint16_t len;	     /* OPTION-LENGTH */
	const uint8_t *data; /* len bytes inside the RDATA */
	size_t offset;	     /* offset of the TLV (its OPTION-CODE) */
} dns_edns_opt_t;

/* Walks the TLVs of len bytes of RDATA. The error sticks, like a cursor. */
typedef struct dns_edns_iter {
	const uint8_t *rdata;
	size_t len;
	size_t pos;	/* offset of the next TLV */
	dns_rc_t rc;	/* DNS_OK, or DNS_E_EDNS_OPTION once a TLV was cut */
	size_t err_off; /* offset of the cut TLV */
} dns_edns_iter_t;

void dns_edns_iter_init(dns_edns_iter_t *it, const uint8_t *rdata, size_t len);

/* The next option into *opt: true while there is one. False at the end
 * of the RDATA, or when the next TLV is cut short (fewer than 4 bytes of
 * header, or data running past the end); then it->rc is
 * DNS_E_EDNS_OPTION, it->err_off the TLV's offset, and err (may be NULL)
 * gets the same with a detail sentence. */
bool dns_edns_next(dns_edns_iter_t *it, dns_edns_opt_t *opt, dns_error_t *err);

/* The first option with this code in e; false when there is none (or the
 * framing breaks before one is found). */
bool dns_edns_find(const dns_edns_t *e, uint16_t code, dns_edns_opt_t *out);

/* Check an option's contents against its code's definition (MUST-level
 * rules; unknown codes are opaque and always pass):
 *   LLQ 18 bytes; UL 4 or 8; NSID, DAU/DHU/N3U, PADDING any length;
 *   ECS per RFC 7871 section 6 (family 1 or 2, source and scope within the
 *   family's width, exactly ceil(source/8) address bytes, no bit set past
 *   the source prefix); EXPIRE 0 or 4; COOKIE 8, or 16 to 40; KEEPALIVE
 *   0 or 2; CHAIN and REPORT-CHANNEL one uncompressed name filling the
 *   option; KEY-TAG even; EDE at least 2 bytes, EXTRA-TEXT valid UTF-8;
 *   CLIENT-TAG/SERVER-TAG 0 or 2; ZONEVERSION empty, or LABELCOUNT, TYPE
 *   and a VERSION of 4 bytes when TYPE is 0 (SOA-SERIAL).
 * DNS_OK or DNS_E_EDNS_OPTION (err may be NULL). */
dns_rc_t dns_edns_opt_check(const dns_edns_opt_t *opt, dns_error_t *err);

/* The direction-dependent rule for a query: an ECS option must have
 * SCOPE PREFIX-LENGTH 0 (RFC 7871 section 6). Runs dns_edns_opt_check
 * first. Options other than ECS only get that check. */
dns_rc_t dns_edns_opt_check_query(const dns_edns_opt_t *opt, dns_error_t *err);

/* SHOULD-level findings, reported apart from violations: PADDING octets
 * other than 0x00 (RFC 7830 section 4), at the first such byte. Options
 * with no such rule pass. DNS_OK or DNS_E_EDNS_OPTION. */
dns_rc_t dns_edns_opt_check_soft(const dns_edns_opt_t *opt, dns_error_t *err);

/* Every option of e through dns_edns_opt_check (and the query rule when
 * query is true); the first violation, framing included, is returned. */
dns_rc_t dns_edns_check(const dns_edns_t *e, bool query, dns_error_t *err);

/* Typed views of a valid option. Each runs dns_edns_opt_check first and
 * returns its result; on DNS_OK the view is filled. */
typedef struct dns_edns_ecs {
	uint16_t family;  /* 1 IPv4, 2 IPv6 */
	uint8_t source;	  /* SOURCE PREFIX-LENGTH */
	uint8_t scope;	  /* SCOPE PREFIX-LENGTH */
	uint8_t addr[16]; /* the address bytes sent, zero-filled to 4 or 16 */
	uint8_t addrlen;  /* bytes of address on the wire */
} dns_edns_ecs_t;
dns_rc_t dns_edns_ecs_parse(const dns_edns_opt_t *opt, dns_edns_ecs_t *out,
			    dns_error_t *err);

typedef struct dns_edns_cookie {
	const uint8_t *client; /* 8 bytes */
	const uint8_t *server; /* server_len bytes, NULL when absent */
	size_t server_len;     /* 0, or 8 to 32 */
} dns_edns_cookie_t;
dns_rc_t dns_edns_cookie_parse(const dns_edns_opt_t *opt,
			       dns_edns_cookie_t *out, dns_error_t *err);

typedef struct dns_edns_ede {
	uint16_t info;	     /* INFO-CODE */
	const uint8_t *text; /* EXTRA-TEXT (UTF-8, not NUL-terminated) */
	size_t text_len;
} dns_edns_ede_t;
dns_rc_t dns_edns_ede_parse(const dns_edns_opt_t *opt, dns_edns_ede_t *out,
			    dns_error_t *err);

/* True when n bytes at p are well-formed UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF). */
bool dns_utf8_valid(const uint8_t *p, size_t n);

/* Builders: append one option TLV at w's position (a writer cursor, see
 * wire.h). Errors stick in w as usual and are returned: DNS_E_SPACE when
 * the buffer is full, DNS_E_EDNS_OPTION when the arguments cannot make
 * the option asked for (only the typed builders refuse; the generic and
 * raw ones write whatever they are given). */

/* Any code with len bytes of data (len <= 65535). */
dns_rc_t dns_edns_put_opt(dns_wire_t *w, uint16_t code, const void *data,
			  size_t len);

/* NSID with len bytes of data; len 0 is the request form. */
dns_rc_t dns_edns_put_nsid(dns_wire_t *w, const uint8_t *id, size_t len);

/* A valid ECS: addr holds a full address (4 bytes for family 1, 16 for
 * family 2); ceil(source/8) of its bytes are written, with the bits past
 * source cleared. Family other than 1/2, or source/scope wider than the
 * family, is refused. */
dns_rc_t dns_edns_put_ecs(dns_wire_t *w, uint16_t family, uint8_t source,
			  uint8_t scope, const uint8_t *addr);

/* ECS exactly as given, valid or not: the four fixed fields and addrlen
 * bytes of addr. */
dns_rc_t dns_edns_put_ecs_raw(dns_wire_t *w, uint16_t family, uint8_t source,
			      uint8_t scope, const uint8_t *addr,
			      size_t addrlen);

/* EXPIRE: empty (the query form) unless with_value; then 4 bytes. */
dns_rc_t dns_edns_put_expire(dns_wire_t *w, bool with_value, uint32_t secs);

/* COOKIE: the 8-byte client cookie, then server_len bytes of server
 * cookie (server may be NULL when server_len is 0). server_len other than
 * 0 or 8..32 is refused. */
dns_rc_t dns_edns_put_cookie(dns_wire_t *w, const uint8_t client[8],
			     const uint8_t *server, size_t server_len);

/* TCP-KEEPALIVE: empty unless with_value; then the timeout in units of
 * 100 ms. */
dns_rc_t dns_edns_put_keepalive(dns_wire_t *w, bool with_value,
				uint16_t timeout);

/* PADDING of n zero bytes. */
dns_rc_t dns_edns_put_padding(dns_wire_t *w, size_t n);

/* CHAIN with the closest trust point, uncompressed. */
dns_rc_t dns_edns_put_chain(dns_wire_t *w, const dns_name_t *name);

/* KEY-TAG with n tags. */
dns_rc_t dns_edns_put_keytags(dns_wire_t *w, const uint16_t *tags, size_t n);

/* EDE with INFO-CODE info and len bytes of EXTRA-TEXT (text may be NULL
 * when len is 0; the bytes are written as given). */
dns_rc_t dns_edns_put_ede(dns_wire_t *w, uint16_t info, const char *text,
			  size_t len);

/* Option mnemonic: "NSID", "ECS", "TCP-KEEPALIVE", ... or "OPTnnn".
 * Returns buf, which must hold 16 bytes. */
const char *dns_edns_opt_to_text(uint16_t code, char buf[16]);

/* A mnemonic (case-insensitive; also CLIENT-SUBNET for ECS, KEEPALIVE for
 * TCP-KEEPALIVE, PAD for PADDING) or OPTnnn up to 65535. DNS_E_SYNTAX or
 * DNS_E_NUMBER. */
dns_rc_t dns_edns_opt_from_text(const char *s, size_t len, uint16_t *out);

/* IANA name of an Extended DNS Error INFO-CODE (0..30), e.g. 18
 * "Prohibited"; NULL for codes without one. */
const char *dns_ede_name(uint16_t info);

/* One option as dig 9.18 prints it in the OPT PSEUDOSECTION, without the
 * newline: "; NSID: 6e 73 31 (\"ns1\")", "; CLIENT-SUBNET: 192.0.2.0/24/0",
 * "; EDE: 18 (Prohibited): (text)", "; OPT=65001: 01 ff (\"..\")". dig's
 * fallbacks for data it cannot decode are kept (dig itself refuses to
 * parse many malformed options and then prints nothing). A COOKIE line
 * lacks dig's " (good)"/" (bad)", which depend on dig's own client state. */
void dns_edns_opt_to_dig(const dns_edns_opt_t *opt, dns_strbuf_t *sb);

/* The pseudosection body: "; EDNS: version: 0, flags: do; udp: 1232" and
 * one line per option, each ending in "\n" (no ";; OPT PSEUDOSECTION:"
 * heading). Flag bits other than DO and CO print as "; MBZ: 0x....". A cut
 * TLV ends the text with "; MALFORMED OPTION at offset N". */
void dns_edns_to_dig(const dns_edns_t *e, dns_strbuf_t *sb);

/* JSON of one option: {"code":N,"name":"...", typed fields ...,
 * "data":"hex"} (hex lowercase, always present). Typed fields appear only
 * when dns_edns_opt_check passes; otherwise "error" holds its detail:
 *   UL lease, key_lease; NSID text (when UTF-8); DAU/DHU/N3U algorithms[];
 *   ECS family, source, scope, address; EXPIRE expire; COOKIE client,
 *   server (hex); TCP-KEEPALIVE timeout (100 ms units); PADDING length;
 *   CHAIN/REPORT-CHANNEL domain; KEY-TAG key_tags[]; EDE info_code,
 *   info_name, text; ZONEVERSION label_count, type, serial or version.
 * Returns a new reference, NULL when jansson runs out of memory. */
json_t *dns_edns_opt_to_json(const dns_edns_opt_t *opt);

/* JSON of the whole OPT: {"udp_size":N,"version":N,"do":bool,"flags":N,
 * "ext_rcode":N,"options":[...]}, plus "error" when the framing is cut.
 * New reference or NULL. */
json_t *dns_edns_to_json(const dns_edns_t *e);

#endif
