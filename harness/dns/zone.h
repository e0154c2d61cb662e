/* zone.h - master-file reader (RFC 1035 section 5, $TTL from RFC 2308).
 *
 * Reads zone text into an array of dns_rr_t held by a dns_zone_t, whose
 * arena owns the records, their RDATA and the file names used in
 * messages. Supported: $ORIGIN, $TTL, $INCLUDE file [origin], "@",
 * relative names, an omitted owner (a line beginning with white space:
 * the previous owner), an omitted TTL (the last $TTL, else the previous
 * record's TTL, as BIND does; neither: DNS_E_TTL), an omitted class (the
 * previous record's; for the first record the option's class), TTL and
 * class in either order, TTL units ("1w2d3h4m5s"), parentheses, comments
 * and quoted strings (the lexer of text.h), RDATA of every type through
 * dns_rdata_from_text (the RFC 3597 \# form included). Not supported:
 * $GENERATE and any other directive (DNS_E_DIRECTIVE); meta types such as
 * OPT or ANY as record types (DNS_E_SYNTAX); BIND's fallback to the SOA
 * MINIMUM when no TTL is known (DNS_E_TTL instead).
 *
 * $INCLUDE: a relative file name is taken from the including file's
 * directory, and the file must lie below that directory: absolute paths
 * elsewhere, any ".." component and symbolic links leading outside are
 * DNS_E_INCLUDE, as are unreadable files and nesting deeper than
 * DNS_ZONE_INCLUDE_DEPTH. The origin given (or else the current one)
 * applies inside the included file; afterwards the including file's origin
 * and current owner are restored (RFC 1035 5.1, as BIND does), while $TTL
 * and the TTL and class of the last record carry over.
 *
 * Errors: the first error stops the load; z->err has the code, 1-based
 * line and column and a detail sentence, z->err_file the file it was in.
 */
#ifndef DNS_ZONE_H
#define DNS_ZONE_H

#include <stddef.h>
#include <stdint.h>

#include "dns/arena.h"
#include "dns/err.h"
#include "dns/name.h"
#include "dns/rr.h"

#define DNS_ZONE_INCLUDE_DEPTH 8u	    /* nested $INCLUDEs allowed */
#define DNS_ZONE_MAX_RECORDS   1000000u	    /* default record limit */
#define DNS_ZONE_FILE_MAX      (256u << 20) /* largest file read, bytes */
#define DNS_TTL_MAX	       2147483647u  /* RFC 2181 section 8 */

typedef struct dns_zone_opts {
	const dns_name_t *origin; /* initial origin; NULL: none until $ORIGIN */
	uint16_t rclass;	  /* class when the first record names none;
				     0 means IN */
	size_t max_records;	  /* more is DNS_E_LIMIT; 0 means
				     DNS_ZONE_MAX_RECORDS */
	const char *include_dir;  /* dns_zone_load_string only: the directory
				     $INCLUDE resolves in and is confined to;
				     NULL refuses $INCLUDE */
} dns_zone_opts_t;

typedef struct dns_zone {
	dns_arena_t arena; /* owns rrs, every RDATA and err_file */
	dns_rr_t *rrs;	   /* records in file order */
	size_t n, cap;
	dns_error_t err;      /* first error; code DNS_OK after a good load */
	const char *err_file; /* file (or string name) of err; NULL if none */
} dns_zone_t;

/* An empty zone. Allocates nothing. */
void dns_zone_init(dns_zone_t *z);

/* Release everything the zone owns; it is empty again afterwards. */
void dns_zone_free(dns_zone_t *z);

/* Read the master file at path into z (which must be empty: freshly
 * initialised or freed). opts may be NULL for the defaults. Returns
 * DNS_OK or the code of z->err; DNS_E_IO when path cannot be read. On
 * error the records read before it stay in z; dns_zone_free releases all
 * in either case. */
dns_rc_t dns_zone_load_file(dns_zone_t *z, const char *path,
			    const dns_zone_opts_t *opts);

/* The same for len bytes of zone text at text; name (e.g. "scenario.yaml"
 * or "<string>") is what error messages call it. $INCLUDE works only with
 * opts->include_dir set. text must not change during the call. */
dns_rc_t dns_zone_load_string(dns_zone_t *z, const char *text, size_t len,
			      const char *name, const dns_zone_opts_t *opts);

/* Write "file:line:col: error: <sentence>[: <detail>]" for z->err (the
 * sentence is dns_rc_text of the code) into buf, snprintf-style: returns
 * the full length, writes at most cap bytes including the NUL. Unknown
 * parts are left out ("file: error: ..." when line is 0). */
size_t dns_zone_error_text(const dns_zone_t *z, char *buf, size_t cap);

/* A TTL: decimal seconds, or number-unit pairs with units w d h m s in
 * either case ("1w2d3h4m5s", "90m"); at most DNS_TTL_MAX. DNS_E_NUMBER. */
dns_rc_t dns_ttl_from_text(const char *s, size_t len, uint32_t *out);

#endif
