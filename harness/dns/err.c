/* err.c - names and sentences for dns_rc_t. */
#include "dns/err.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static const struct {
	const char *name;
	const char *text;
} rc_table[DNS_RC_COUNT] = {
    [DNS_OK] = {"ok", "no error"},
    [DNS_E_SHORT] = {"short", "data ends before the field"},
    [DNS_E_TRUNC_HEADER] = {"truncated-header",
			    "message shorter than the 12-byte header"},
    [DNS_E_TRUNC_QUESTION] = {"truncated-question", "question entry cut short"},
    [DNS_E_TRUNC_RR] = {"truncated-rr", "resource record cut short"},
    [DNS_E_COUNT] = {"count-exceeds-data",
		     "section count larger than the data can hold"},
    [DNS_E_TRAILING] = {"trailing-bytes", "bytes after the last record"},
    [DNS_E_LABEL_TYPE] = {"bad-label-type",
			  "label type 0x40 or 0x80 is not allowed"},
    [DNS_E_LABEL_LEN] = {"label-too-long", "label longer than 63 octets"},
    [DNS_E_NAME_LEN] = {"name-too-long", "name longer than 255 octets"},
    [DNS_E_PTR_FORWARD] = {"pointer-forward",
			   "compression pointer does not point backwards"},
    [DNS_E_PTR_RANGE] = {"pointer-out-of-range",
			 "compression pointer outside the message"},
    [DNS_E_PTR_LOOP] = {"pointer-loop", "too many compression pointer hops"},
    [DNS_E_PTR_FORBIDDEN] = {"pointer-forbidden",
			     "compression pointer where none is allowed"},
    [DNS_E_RDATA_OVERRUN] = {"rdata-overrun",
			     "RDLENGTH runs past the end of the message"},
    [DNS_E_RDATA_SHORT] = {"rdata-short", "RDATA field runs past RDLENGTH"},
    [DNS_E_RDATA_TRAILING] = {"rdata-trailing",
			      "bytes left over inside RDLENGTH"},
    [DNS_E_RDATA_FIELD] = {"rdata-field", "RDATA field has an invalid value"},
    [DNS_E_BITMAP] = {"bad-type-bitmap", "type bitmap malformed"},
    [DNS_E_SVCB_PARAM] = {"bad-svc-param",
			  "SVCB parameter malformed or out of order"},
    [DNS_E_OPT_MULTI] = {"opt-multiple", "more than one OPT record"},
    [DNS_E_OPT_SECTION] = {"opt-wrong-section",
			   "OPT record outside the additional section"},
    [DNS_E_OPT_OWNER] = {"opt-owner-not-root",
			 "OPT owner name is not the root"},
    [DNS_E_TSIG_NOT_LAST] = {"tsig-not-last", "TSIG is not the last record"},
    [DNS_E_TSIG_SECTION] = {"tsig-wrong-section",
			    "TSIG outside the additional section"},
    [DNS_E_EDNS_OPTION] = {"bad-edns-option", "EDNS option malformed"},
    [DNS_E_SPACE] = {"no-space", "output buffer too small"},
    [DNS_E_SYNTAX] = {"syntax", "syntax error"},
    [DNS_E_ESCAPE] = {"bad-escape", "bad escape sequence"},
    [DNS_E_NUMBER] = {"bad-number", "number malformed or out of range"},
    [DNS_E_UNKNOWN_TYPE] = {"unknown-type", "unknown record type"},
    [DNS_E_UNKNOWN_CLASS] = {"unknown-class", "unknown class"},
    [DNS_E_BASE16] = {"bad-base16", "invalid hexadecimal data"},
    [DNS_E_BASE32] = {"bad-base32", "invalid base32hex data"},
    [DNS_E_BASE64] = {"bad-base64", "invalid base64 data"},
    [DNS_E_MISSING] = {"missing-field", "field missing"},
    [DNS_E_EXTRA] = {"extra-field", "more fields than the record type has"},
    [DNS_E_EMPTY_NAME] = {"empty-label", "empty label in a name"},
    [DNS_E_RELATIVE] = {"relative-name", "relative name and no origin"},
    [DNS_E_DIRECTIVE] = {"bad-directive", "unknown or malformed directive"},
    [DNS_E_INCLUDE] = {"bad-include", "$INCLUDE refused or unreadable"},
    [DNS_E_TTL] = {"no-ttl", "no TTL given and none to default to"},
    [DNS_E_IO] = {"io", "file could not be read"},
    [DNS_E_LIMIT] = {"limit-exceeded", "a configured limit was exceeded"},
    [DNS_E_ZONE] = {"bad-zone", "zone data cannot be served"},
    [DNS_E_FRAME] = {"bad-frame", "TCP frame length invalid"},
    [DNS_E_NOMEM] = {"no-memory", "out of memory"},
    [DNS_E_INTERNAL] = {"internal", "internal error"},
};

const char *dns_rc_name(dns_rc_t rc)
{
	if ((unsigned)rc >= DNS_RC_COUNT || rc_table[rc].name == NULL)
		return "unknown-error";
	return rc_table[rc].name;
}

const char *dns_rc_text(dns_rc_t rc)
{
	if ((unsigned)rc >= DNS_RC_COUNT || rc_table[rc].text == NULL)
		return "unknown error";
	return rc_table[rc].text;
}

static dns_rc_t error_fill(dns_error_t *err, dns_rc_t rc, size_t offset,
			   unsigned line, unsigned col, const char *fmt,
			   va_list ap)
{
	if (err == NULL || err->code != DNS_OK)
		return rc;
	err->code = rc;
	err->offset = offset;
	err->line = line;
	err->col = col;
	err->detail[0] = '\0';
	if (fmt != NULL)
		vsnprintf(err->detail, sizeof(err->detail), fmt, ap);
	return rc;
}

dns_rc_t dns_error_set(dns_error_t *err, dns_rc_t rc, size_t offset,
		       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_fill(err, rc, offset, 0, 0, fmt, ap);
	va_end(ap);
	return rc;
}

dns_rc_t dns_error_at(dns_error_t *err, dns_rc_t rc, unsigned line,
		      unsigned col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	error_fill(err, rc, 0, line, col, fmt, ap);
	va_end(ap);
	return rc;
}
