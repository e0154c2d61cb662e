/* text.h - tokens of DNS presentation format (RFC 1035 section 5.1).
 *
 * The lexer splits master-file text into logical entries: one line, or
 * several joined by parentheses, with ';' comments removed. Tokens point
 * into the source text; escapes (\X, \DDD) are kept as written, for the
 * field parsers to interpret. A quoted token's text is what lies between
 * the quotes.
 */
#ifndef DNS_TEXT_H
#define DNS_TEXT_H

#include <stdbool.h>
#include <stddef.h>

#include "dns/err.h"

typedef struct dns_token {
	const char *s; /* first byte (inside the quotes for a quoted token) */
	size_t len;
	bool quoted;
	unsigned line, col; /* 1-based position of the token's first byte */
} dns_token_t;

/* A growable token array, owned by whoever initialised it. */
typedef struct dns_tokens {
	dns_token_t *v;
	size_t n, cap;
} dns_tokens_t;

void dns_tokens_init(dns_tokens_t *t);
void dns_tokens_free(dns_tokens_t *t);

typedef struct dns_lexer {
	const char *p, *end; /* remaining text */
	unsigned line, col;  /* position of p */
} dns_lexer_t;

/* A lexer over len bytes at text, starting at line 1, column 1. */
void dns_lexer_init(dns_lexer_t *lx, const char *text, size_t len);

/* Read the next logical entry that has at least one token into out
 * (cleared first). *indented tells whether the entry's first line began
 * with white space (an omitted owner). At end of input returns DNS_OK with
 * out->n == 0. Errors (unbalanced parentheses, unterminated quote, NUL
 * byte) are DNS_E_SYNTAX with line/col in err. */
dns_rc_t dns_lexer_entry(dns_lexer_t *lx, dns_tokens_t *out, bool *indented,
			 dns_error_t *err);

/* Tokenize a whole string as one entry (newlines inside parentheses
 * allowed). DNS_E_SYNTAX if it holds more than one entry. */
dns_rc_t dns_tokenize(const char *text, size_t len, dns_tokens_t *out,
		      dns_error_t *err);

/* True when token t is exactly the string s (case-insensitive, unquoted). */
bool dns_token_is(const dns_token_t *t, const char *s);

/* Parse a decimal number token into *out, at most max. DNS_E_NUMBER. */
dns_rc_t dns_token_u32(const dns_token_t *t, unsigned long max,
		       unsigned long *out);

/* Decode a <character-string> token (quoted or not, escapes resolved)
 * into out (at most 255 bytes; cap must be >= 255). DNS_E_ESCAPE,
 * DNS_E_SYNTAX when longer than 255. */
dns_rc_t dns_token_charstr(const dns_token_t *t, unsigned char *out,
			   size_t *outlen, dns_error_t *err);

/* Decode escapes of a token of any length into out (cap bytes). */
dns_rc_t dns_token_unescape(const dns_token_t *t, unsigned char *out,
			    size_t cap, size_t *outlen, dns_error_t *err);

#endif
