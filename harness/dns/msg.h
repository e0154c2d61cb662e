/* msg.h - DNS messages: decode (strict or survey), encode with the knobs
 * scenarios use to build malformed messages, and wire edits.
 *
 * A decoded message lives in a caller-owned arena (dns_arena_t): resetting
 * the arena frees it, and decoding message after message allocates nothing
 * once the arena is warm.
 */
#ifndef DNS_MSG_H
#define DNS_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/arena.h"
#include "dns/err.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/rr.h"

/* The second header word. */
#define DNS_F_QR	  0x8000u
#define DNS_F_AA	  0x0400u
#define DNS_F_TC	  0x0200u
#define DNS_F_RD	  0x0100u
#define DNS_F_RA	  0x0080u
#define DNS_F_Z		  0x0040u
#define DNS_F_AD	  0x0020u
#define DNS_F_CD	  0x0010u
#define DNS_OPCODE(flags) (((flags) >> 11) & 0xfu)
#define DNS_RCODE(flags)  ((flags)&0xfu)

typedef enum dns_section {
	DNS_SEC_QUESTION = 0,
	DNS_SEC_ANSWER = 1,
	DNS_SEC_AUTHORITY = 2,
	DNS_SEC_ADDITIONAL = 3,
} dns_section_t;

/* "question", "answer", "authority", "additional". */
const char *dns_section_name(dns_section_t s);

typedef struct dns_question {
	dns_name_t name;
	uint16_t qtype;
	uint16_t qclass;
	uint32_t wire_off;
} dns_question_t;

/* One deviation from the wire format found while decoding. */
typedef struct dns_violation {
	dns_rc_t code;
	size_t offset;	 /* byte offset in the message */
	uint8_t section; /* dns_section_t, or 0xff for the header / message */
	uint16_t index;	 /* entry within the section */
} dns_violation_t;

#define DNS_VIOLATIONS_MAX 64u

typedef enum dns_decode_mode {
	DNS_DECODE_STRICT, /* stop at the first violation */
	DNS_DECODE_SURVEY, /* go on wherever it is safe; list every violation */
} dns_decode_mode_t;

typedef struct dns_msg {
	uint16_t id;
	uint16_t
	    flags; /* second header word: QR opcode AA TC RD RA Z AD CD rcode */
	uint16_t counts[4]; /* counts from the header (decode) */
	dns_question_t *qd;
	unsigned nqd;
	dns_rr_t *sec[4]; /* [DNS_SEC_ANSWER..DNS_SEC_ADDITIONAL]; [0] unused */
	unsigned nsec[4];
	const dns_rr_t *opt;  /* the first OPT in additional, or NULL */
	const dns_rr_t *tsig; /* a TSIG in additional, or NULL */
	size_t wire_len;      /* bytes of the message that were read */
	dns_violation_t viol[DNS_VIOLATIONS_MAX]; /* [0, nviol) are set */
	unsigned nviol;
	bool viol_more; /* more violations than DNS_VIOLATIONS_MAX */
} dns_msg_t;

/* Decode len bytes at wire into m, allocating from arena. In strict mode
 * the first violation ends decoding; in survey mode decoding continues
 * wherever the structure allows (a bad RDATA is skipped by RDLENGTH, a bad
 * pointer by its two bytes) and every violation is listed. Returns DNS_OK
 * when there is no violation, else the first violation's code (also
 * m->viol[0]); DNS_E_NOMEM is a failure of the arena, not of the input. */
dns_rc_t dns_msg_decode(dns_msg_t *m, const uint8_t *wire, size_t len,
			dns_decode_mode_t mode, dns_arena_t *arena);

/* An empty message (for building one to encode). */
void dns_msg_init(dns_msg_t *m);

/* Knobs for dns_msg_encode. Zero-initialised = standard compression, true
 * counts. */
typedef struct dns_encode_opts {
	dns_pack_mode_t compress; /* PLAIN: no compression at all; STANDARD:
				     owners and RFC 1035 RDATA names; FORCE:
				     every name, RDATA of any type included */
	bool count_set[4];	  /* override the header count of a section */
	uint16_t count[4];
} dns_encode_opts_t;

/* Encode m into buf (cap bytes); *len gets the length. opts may be NULL.
 * Header counts are the entry counts unless overridden. m->opt/m->tsig are
 * not consulted: records are written as they stand in the sections. */
dns_rc_t dns_msg_encode(const dns_msg_t *m, const dns_encode_opts_t *opts,
			uint8_t *buf, size_t cap, size_t *len);

/* Wire edits applied after encoding (damage on purpose). */
typedef enum dns_edit_kind {
	DNS_EDIT_SET,	   /* overwrite n bytes at `at` (may extend the end) */
	DNS_EDIT_TRUNCATE, /* cut the message to `at` bytes */
	DNS_EDIT_APPEND,   /* add n bytes at the end */
	DNS_EDIT_INSERT,   /* insert n bytes before `at` */
	DNS_EDIT_DELETE,   /* remove n bytes from `at` (bytes unused) */
} dns_edit_kind_t;

typedef struct dns_edit {
	dns_edit_kind_t kind;
	size_t at;
	const uint8_t *bytes;
	size_t n;
} dns_edit_t;

/* Apply one edit to the message in buf (*len bytes, cap capacity).
 * DNS_E_SPACE when the result would exceed cap; DNS_E_SHORT when `at`
 * lies beyond the message (SET may start at most at *len). */
dns_rc_t dns_edit_apply(const dns_edit_t *e, uint8_t *buf, size_t cap,
			size_t *len);

/* The 12-bit extended rcode of a message: header rcode plus OPT's upper
 * bits when there is an OPT. */
uint16_t dns_msg_rcode(const dns_msg_t *m);

#endif
