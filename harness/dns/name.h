/* name.h - domain names: wire decode/encode with compression, presentation
 * format, comparison, canonical form.
 *
 * A dns_name_t holds a name in uncompressed wire form (length-prefixed
 * labels ending with the root label), always absolute and always valid:
 * every function that produces one checks labels <= 63 and total <= 255.
 */
#ifndef DNS_NAME_H
#define DNS_NAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/err.h"
#include "dns/wire.h"

#define DNS_LABEL_MAXLEN   63u
#define DNS_NAME_MAXLEN	   255u
#define DNS_NAME_MAXLABELS 127u /* 255 bytes allow at most 127 labels */
/* Most compression pointers followed while decoding one name. Pointers
 * must also point strictly backwards, so this cap only bounds work. */
#define DNS_PTR_MAXHOPS 127u
/* Longest presentation form: 255 bytes, each at most "\DDD". */
#define DNS_NAME_TEXT_MAX (4u * DNS_NAME_MAXLEN + 2u)
/* Entries kept by an encoder compression table. */
#define DNS_COMPRESS_MAX 256u

typedef struct dns_name {
	uint8_t len;		       /* bytes used in wire, >= 1 */
	uint8_t wire[DNS_NAME_MAXLEN]; /* uncompressed wire form */
} dns_name_t;

/* Work done by the name codec in this thread, for the fuzzers' work-limit
 * oracles. Counters only ever increase; reset them by assignment. */
typedef struct dns_work {
	unsigned long hops;   /* compression pointers followed */
	unsigned long labels; /* labels read or written */
	unsigned long probes; /* compression-table comparisons */
} dns_work_t;
extern _Thread_local dns_work_t dns_work;

/* Decode a name at w->pos, following compression pointers inside w->msg
 * when allow_ptr (a pointer is otherwise DNS_E_PTR_FORBIDDEN). Pointers
 * must point strictly before the pointer itself and inside the message;
 * at most DNS_PTR_MAXHOPS are followed. w advances past the name as it
 * appears in place (up to and including the first pointer). On error the
 * cursor records the code and the offset of the offending byte. */
dns_rc_t dns_name_unpack(dns_wire_t *w, dns_name_t *out, bool allow_ptr);

/* The same, the name's uncompressed wire form written at out (room for
 * DNS_NAME_MAXLEN bytes, all of which it may write): for decoders that
 * store names inside other data. Returns the name's length (>= 1), or 0
 * when the cursor has an error (then out holds nothing of use). */
size_t dns_name_unpack_wire(dns_wire_t *w, uint8_t *out, bool allow_ptr);

/* Bounded table of names already written into one message, for
 * compression. Zero-initialise (or dns_compress_init) per message. */
typedef struct dns_compress {
	uint16_t off[DNS_COMPRESS_MAX]; /* offsets of name suffixes */
	unsigned n;
} dns_compress_t;

void dns_compress_init(dns_compress_t *c);

/* Write a name at w->pos. With c == NULL the name is written in full;
 * otherwise the longest suffix already in c (matched case-insensitively)
 * becomes a pointer, and the new suffixes are added to c while there is
 * room and their offset fits in 14 bits. */
dns_rc_t dns_name_pack(dns_wire_t *w, const dns_name_t *n, dns_compress_t *c);

/* Parse presentation form (len bytes at s; escapes \X and \DDD). "@" is the
 * origin. A name without a final dot is relative to origin; with origin
 * NULL that is DNS_E_RELATIVE. On error err gets the code and the 1-based
 * column within s in err->col (err may be NULL). */
dns_rc_t dns_name_from_text(const char *s, size_t len, const dns_name_t *origin,
			    dns_name_t *out, dns_error_t *err);

/* Convenience for a NUL-terminated absolute-or-relative name. */
dns_rc_t dns_name_from_str(const char *s, const dns_name_t *origin,
			   dns_name_t *out);

/* Write the presentation form, always absolute (ends with "."), with
 * special characters escaped as \X and non-printable bytes as \DDD.
 * Returns the length of the text (excluding NUL); writes at most cap bytes
 * including the NUL, like snprintf. */
size_t dns_name_to_text(const dns_name_t *n, char *buf, size_t cap);

/* The same for the uncompressed wire name of len bytes at wire (valid, as
 * dns_name_wire_len accepts it): printers of stored RDATA use it without
 * copying the name into a dns_name_t. */
size_t dns_name_wire_to_text(const uint8_t *wire, size_t len, char *buf,
			     size_t cap);

/* Presentation form of one label's bytes (used by printers of other fields
 * that follow the same escaping rules). Same return convention. */
size_t dns_label_to_text(const uint8_t *label, size_t len, char *buf,
			 size_t cap);

/* The root name ".". */
void dns_name_root(dns_name_t *out);

/* Case-insensitive equality. */
bool dns_name_equal(const dns_name_t *a, const dns_name_t *b);

/* Canonical DNS name order (RFC 4034 section 6.1): <0, 0, >0. */
int dns_name_compare(const dns_name_t *a, const dns_name_t *b);

/* Lowercase ASCII letters in place (canonical form, RFC 4034 6.2). */
void dns_name_lower(dns_name_t *n);

/* Lowercase the uncompressed wire name at p (which must be valid). */
void dns_name_wire_lower(uint8_t *p);

/* Number of labels, not counting the root (so "." has 0). */
unsigned dns_name_labels(const dns_name_t *n);

/* True when sub equals parent or is below it (case-insensitive). */
bool dns_name_is_sub(const dns_name_t *sub, const dns_name_t *parent);

/* Length of the valid uncompressed wire name at p, at most max bytes
 * available; 0 when it is not a valid uncompressed name. */
size_t dns_name_wire_len(const uint8_t *p, size_t max);

/* Copy a valid uncompressed wire name into a dns_name_t. Returns
 * DNS_E_SHORT/DNS_E_LABEL_LEN/... when p is not one. */
dns_rc_t dns_name_from_wire(const uint8_t *p, size_t max, dns_name_t *out);

/* The name with its first label removed (the root stays the root). */
void dns_name_parent(const dns_name_t *n, dns_name_t *out);

/* Prepend label (len bytes) to n. DNS_E_LABEL_LEN/DNS_E_NAME_LEN on error. */
dns_rc_t dns_name_prepend(dns_name_t *n, const uint8_t *label, size_t len);

#endif
