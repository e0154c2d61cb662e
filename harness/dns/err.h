/* err.h - named result codes shared by every codec in harness/dns.
 *
 * Every rejection carries a code from this enum; the code has a stable short
 * name (used in reports and verdicts) and a sentence.  Input errors and
 * library failures are kept apart: DNS_E_NOMEM and DNS_E_INTERNAL are the
 * only codes that do not describe the input.
 */
#ifndef DNS_ERR_H
#define DNS_ERR_H

#include <stddef.h>

typedef enum dns_rc {
	DNS_OK = 0,

	/* wire: reading */
	DNS_E_SHORT,	      /* read past the end of the data */
	DNS_E_TRUNC_HEADER,   /* fewer than 12 bytes */
	DNS_E_TRUNC_QUESTION, /* question entry cut short */
	DNS_E_TRUNC_RR,	      /* resource record cut short */
	DNS_E_COUNT,	/* a section count exceeds what the data can hold */
	DNS_E_TRAILING, /* bytes after the last record */

	/* names */
	DNS_E_LABEL_TYPE,    /* label type 0x40 or 0x80 */
	DNS_E_LABEL_LEN,     /* label longer than 63 */
	DNS_E_NAME_LEN,	     /* name longer than 255 */
	DNS_E_PTR_FORWARD,   /* compression pointer to itself or forward */
	DNS_E_PTR_RANGE,     /* compression pointer outside the message */
	DNS_E_PTR_LOOP,	     /* too many pointer hops (a loop) */
	DNS_E_PTR_FORBIDDEN, /* compression where none is allowed */

	/* RDATA */
	DNS_E_RDATA_OVERRUN,  /* RDLENGTH runs past the end of the message */
	DNS_E_RDATA_SHORT,    /* a field runs past RDLENGTH */
	DNS_E_RDATA_TRAILING, /* bytes left over inside RDLENGTH */
	DNS_E_RDATA_FIELD,    /* a field has an invalid value */
	DNS_E_BITMAP,	      /* NSEC/NSEC3/CSYNC type bitmap malformed */
	DNS_E_SVCB_PARAM, /* SVCB/HTTPS parameter malformed or out of order */

	/* message structure */
	DNS_E_OPT_MULTI,     /* more than one OPT */
	DNS_E_OPT_SECTION,   /* OPT outside the additional section */
	DNS_E_OPT_OWNER,     /* OPT owner is not the root */
	DNS_E_TSIG_NOT_LAST, /* TSIG is not the last record */
	DNS_E_TSIG_SECTION,  /* TSIG outside the additional section */
	DNS_E_EDNS_OPTION,   /* malformed EDNS option */

	/* writing */
	DNS_E_SPACE, /* output buffer too small */

	/* presentation format */
	DNS_E_SYNTAX,	     /* generic syntax error */
	DNS_E_ESCAPE,	     /* bad \DDD or \X escape */
	DNS_E_NUMBER,	     /* number malformed or out of range */
	DNS_E_UNKNOWN_TYPE,  /* type mnemonic not known */
	DNS_E_UNKNOWN_CLASS, /* class mnemonic not known */
	DNS_E_BASE16,	     /* bad hex */
	DNS_E_BASE32,	     /* bad base32hex */
	DNS_E_BASE64,	     /* bad base64 */
	DNS_E_MISSING,	     /* a field is missing */
	DNS_E_EXTRA,	     /* more fields than the type has */
	DNS_E_EMPTY_NAME,    /* empty label in a name */
	DNS_E_RELATIVE,	     /* relative name without an origin */
	DNS_E_DIRECTIVE,     /* unknown or malformed $directive */
	DNS_E_INCLUDE,	     /* $INCLUDE refused or unreadable */
	DNS_E_TTL,	     /* no TTL known for a record */
	DNS_E_IO,	     /* file could not be read */
	DNS_E_LIMIT, /* a configured limit (records, file size) exceeded */
	DNS_E_ZONE,  /* zone data cannot be served (no single SOA at the apex,
			a record outside the zone, a class mix) */

	/* framing */
	DNS_E_FRAME, /* TCP frame length 0 or over the limit */

	/* not about the input */
	DNS_E_NOMEM,
	DNS_E_INTERNAL,

	DNS_RC_COUNT
} dns_rc_t;

/* Stable short name of a code, e.g. "ptr-loop". Never NULL. */
const char *dns_rc_name(dns_rc_t rc);

/* One-sentence description of a code. Never NULL. */
const char *dns_rc_text(dns_rc_t rc);

/* A located error: the code, where (byte offset for wire data, line and
 * column for text; 0 when unknown) and an optional detail sentence. */
typedef struct dns_error {
	dns_rc_t code;
	size_t offset;
	unsigned line, col;
	char detail[160];
} dns_error_t;

/* Record an error unless one is already recorded (first error wins).
 * err may be NULL. fmt may be NULL for no detail. Returns rc. */
dns_rc_t dns_error_set(dns_error_t *err, dns_rc_t rc, size_t offset,
		       const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Same, with a text position instead of a byte offset. */
dns_rc_t dns_error_at(dns_error_t *err, dns_rc_t rc, unsigned line,
		      unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
