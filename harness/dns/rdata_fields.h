/* rdata_fields.h - private to harness/dns (types.c and rdata.c): the field
 * kinds that make up a type's RDATA layout.
 *
 * A layout is a string with one character per field, in wire order; the
 * F_ macros spell it in the table (F_NAME F_U16 ...) and the K_ enum names
 * the same characters in rdata.c's dispatch. "Rest" kinds take everything
 * up to RDLENGTH and so only appear last.
 */
#ifndef DNS_RDATA_FIELDS_H
#define DNS_RDATA_FIELDS_H

#define F_U8	     "1" /* 8-bit unsigned, decimal */
#define F_U16	     "2" /* 16-bit unsigned, decimal */
#define F_U32	     "4" /* 32-bit unsigned, decimal */
#define F_PERIOD     "P" /* 32-bit, decimal; text also 1w2d3h4m5s */
#define F_U48	     "6" /* 48-bit unsigned, decimal (TSIG time) */
#define F_IPV4	     "a" /* 4 bytes, dotted quad */
#define F_IPV6	     "A" /* 16 bytes, RFC 5952 text */
#define F_NAME	     "n" /* domain name, compression per the row's cc */
#define F_STR	     "c" /* <character-string> */
#define F_STRS	     "C" /* one or more <character-string>s (rest) */
#define F_STR_OPT    "o" /* zero or one <character-string> (rest) */
#define F_B64	     "B" /* rest as base64, at least one byte */
#define F_B64_OPT    "b" /* rest as base64, may be empty */
#define F_HEX	     "H" /* rest as hex, at least one byte */
#define F_DIGEST     "D" /* rest as hex; length fixed by the octet before */
#define F_SALT	     "x" /* u8 length + hex, "-" when empty */
#define F_B32	     "X" /* u8 length (>= 1) + base32hex */
#define F_BITMAP     "M" /* NSEC-style type bitmap, may be empty (rest) */
#define F_BITMAP_NE  "N" /* NSEC-style type bitmap, at least one window */
#define F_TYPE	     "t" /* 16-bit type, as a mnemonic */
#define F_TIME	     "T" /* 32-bit time, YYYYMMDDHHmmSS */
#define F_DATA16     "k" /* u16 length + data, text "len [base64]" */
#define F_EUI48	     "e" /* 6 bytes, xx-xx-xx-xx-xx-xx */
#define F_EUI64	     "E" /* 8 bytes, xx-xx-xx-xx-xx-xx-xx-xx */
#define F_ILNP64     "i" /* 8 bytes, xxxx:xxxx:xxxx:xxxx */
#define F_CAA_TAG    "g" /* u8 length (>= 1) + [A-Za-z0-9] */
#define F_TEXT	     "r" /* rest as one quoted string, may be empty */
#define F_TEXT_NE    "R" /* rest as one quoted string, at least one byte */
#define F_NXT_BITMAP "z" /* RFC 2535 NXT bitmap (rest, <= 16 bytes) */
#define F_CERT_TYPE  "Y" /* 16-bit CERT type, mnemonic or number */
#define F_SECALG     "y" /* 8-bit DNSSEC algorithm, mnemonic or number */
#define F_RCODE	     "Z" /* 16-bit TSIG/TKEY error, mnemonic or number */
#define F_NSAP	     "p" /* rest (>= 1 byte), text 0x + hex */
#define F_EDNS	     "O" /* EDNS options (rest); text only as \# */
#define F_OPAQUE     "*" /* anything (rest); text only as \# */
#define F_SPECIAL    "!" /* whole RDATA handled by rdata_special.c */

enum dns_field_kind {
	K_U8 = '1',
	K_U16 = '2',
	K_U32 = '4',
	K_PERIOD = 'P',
	K_U48 = '6',
	K_IPV4 = 'a',
	K_IPV6 = 'A',
	K_NAME = 'n',
	K_STR = 'c',
	K_STRS = 'C',
	K_STR_OPT = 'o',
	K_B64 = 'B',
	K_B64_OPT = 'b',
	K_HEX = 'H',
	K_DIGEST = 'D',
	K_SALT = 'x',
	K_B32 = 'X',
	K_BITMAP = 'M',
	K_BITMAP_NE = 'N',
	K_TYPE = 't',
	K_TIME = 'T',
	K_DATA16 = 'k',
	K_EUI48 = 'e',
	K_EUI64 = 'E',
	K_ILNP64 = 'i',
	K_CAA_TAG = 'g',
	K_TEXT = 'r',
	K_TEXT_NE = 'R',
	K_NXT_BITMAP = 'z',
	K_CERT_TYPE = 'Y',
	K_SECALG = 'y',
	K_RCODE = 'Z',
	K_NSAP = 'p',
	K_EDNS = 'O',
	K_OPAQUE = '*',
	K_SPECIAL = '!',
};

#endif
