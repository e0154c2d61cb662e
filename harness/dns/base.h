/* base.h - base16, base32hex (RFC 4648 section 7) and base64, strict.
 *
 * Decoders reject characters outside the alphabet, bad padding and
 * non-zero pad bits; base16 accepts upper and lower case. Encoders return
 * the text length; decoders the byte count. Lengths are snprintf-style:
 * the full length is returned even when it did not fit.
 */
#ifndef DNS_BASE_H
#define DNS_BASE_H

#include <stddef.h>
#include <stdint.h>

#include "dns/err.h"

/* Encoders write uppercase hex, lowercase base32hex without padding (as
 * NSEC3 owner names and dig print), and padded base64; then a NUL. */
size_t dns_base16_encode(const uint8_t *in, size_t len, char *out, size_t cap);
size_t dns_base32hex_encode(const uint8_t *in, size_t len, char *out,
			    size_t cap);
size_t dns_base64_encode(const uint8_t *in, size_t len, char *out, size_t cap);

/* Value of one hex digit (either case), or -1. */
int dns_hex_value(char c);

/* Decoders: DNS_E_BASE16/32/64 with *bad set to the offending input
 * offset, or DNS_E_SPACE. base32hex accepts either case and no padding
 * (as NSEC3 uses); base64 requires correct padding. Whitespace is not
 * accepted (the lexer joins tokens first). */
dns_rc_t dns_base16_decode(const char *in, size_t len, uint8_t *out, size_t cap,
			   size_t *outlen, size_t *bad);
dns_rc_t dns_base32hex_decode(const char *in, size_t len, uint8_t *out,
			      size_t cap, size_t *outlen, size_t *bad);
dns_rc_t dns_base64_decode(const char *in, size_t len, uint8_t *out, size_t cap,
			   size_t *outlen, size_t *bad);

#endif
