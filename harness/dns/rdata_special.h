/* rdata_special.h - private to harness/dns: record types whose RDATA is not
 * a plain run of the field kinds rdata.c knows (LOC, APL, WKS, IPSECKEY,
 * HIP, A6, SVCB/HTTPS). rdata.c dispatches to these for such rows. None of
 * them has compressible names, so packing is a verbatim copy.
 */
#ifndef DNS_RDATA_SPECIAL_H
#define DNS_RDATA_SPECIAL_H

#include <stddef.h>
#include <stdint.h>

#include "dns/err.h"
#include "dns/name.h"
#include "dns/strbuf.h"
#include "dns/text.h"
#include "dns/wire.h"

typedef struct dns_special_ops {
	uint16_t type;
	/* Validate the RDATA in `in` (limited to RDLENGTH, over the whole
	 * message) and write its stored form to `out`. Report problems with
	 * dns_wire_fail_at(in, code, offset-in-message). Must consume all of
	 * `in` or fail with DNS_E_RDATA_TRAILING. */
	void (*unpack)(dns_wire_t *in, dns_wire_t *out);
	/* Print stored form; return DNS_OK, or an error code when the data
	 * does not fit the layout (the caller then prints the generic form;
	 * anything already appended is discarded by the caller). */
	dns_rc_t (*print)(const uint8_t *rd, size_t len, dns_strbuf_t *sb);
	/* Parse presentation tokens into stored form in out. */
	dns_rc_t (*parse)(const dns_token_t *t, size_t n,
			  const dns_name_t *origin, dns_wire_t *out,
			  dns_error_t *err);
	/* Canonical form in place (may be NULL: nothing to do). */
	void (*canonicalize)(uint8_t *rd, size_t len);
} dns_special_ops_t;

/* Ops for a special type, or NULL. */
const dns_special_ops_t *dns_special_ops(uint16_t type);

#endif
