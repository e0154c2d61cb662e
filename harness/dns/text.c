/* text.c - presentation-format lexer and token helpers. */
#include "dns/text.h"

#include <string.h>

#include "dns/arena.h"

void dns_tokens_init(dns_tokens_t *t)
{
	t->v = NULL;
	t->n = t->cap = 0;
}

void dns_tokens_free(dns_tokens_t *t)
{
	dns_mem_free(t->v);
	dns_tokens_init(t);
}

static dns_rc_t tokens_push(dns_tokens_t *t, const dns_token_t *tok)
{
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 16;
		dns_token_t *v = dns_mem_realloc(t->v, cap * sizeof(*v));
		if (v == NULL)
			return DNS_E_NOMEM;
		t->v = v;
		t->cap = cap;
	}
	t->v[t->n++] = *tok;
	return DNS_OK;
}

void dns_lexer_init(dns_lexer_t *lx, const char *text, size_t len)
{
	lx->p = text;
	lx->end = text + len;
	lx->line = 1;
	lx->col = 1;
}

static void lx_advance(dns_lexer_t *lx)
{
	if (*lx->p == '\n') {
		lx->line++;
		lx->col = 1;
	} else {
		lx->col++;
	}
	lx->p++;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

static bool is_delim(char c)
{
	return is_space(c) || c == '\n' || c == '(' || c == ')' || c == ';' ||
	       c == '"';
}

/* Read a quoted token; lx->p is at the opening quote. */
static dns_rc_t lx_quoted(dns_lexer_t *lx, dns_token_t *tok, dns_error_t *err)
{
	unsigned line = lx->line, col = lx->col;
	lx_advance(lx);
	tok->s = lx->p;
	tok->quoted = true;
	tok->line = line;
	tok->col = col;
	while (lx->p < lx->end && *lx->p != '"') {
		if (*lx->p == '\0')
			return dns_error_at(err, DNS_E_SYNTAX, lx->line,
					    lx->col, "NUL byte in text");
		if (*lx->p == '\\' && lx->p + 1 < lx->end)
			lx_advance(lx);
		lx_advance(lx);
	}
	if (lx->p >= lx->end)
		return dns_error_at(err, DNS_E_SYNTAX, line, col,
				    "unterminated quoted string");
	tok->len = (size_t)(lx->p - tok->s);
	lx_advance(lx);
	return DNS_OK;
}

/* Read an unquoted token; lx->p is at its first byte. */
static dns_rc_t lx_word(dns_lexer_t *lx, dns_token_t *tok, dns_error_t *err)
{
	tok->s = lx->p;
	tok->quoted = false;
	tok->line = lx->line;
	tok->col = lx->col;
	while (lx->p < lx->end && !is_delim(*lx->p)) {
		if (*lx->p == '\0')
			return dns_error_at(err, DNS_E_SYNTAX, lx->line,
					    lx->col, "NUL byte in text");
		if (*lx->p == '\\' && lx->p + 1 < lx->end && lx->p[1] != '\0')
			lx_advance(lx);
		lx_advance(lx);
	}
	tok->len = (size_t)(lx->p - tok->s);
	return DNS_OK;
}

static void lx_skip_comment(dns_lexer_t *lx)
{
	while (lx->p < lx->end && *lx->p != '\n')
		lx_advance(lx);
}

dns_rc_t dns_lexer_entry(dns_lexer_t *lx, dns_tokens_t *out, bool *indented,
			 dns_error_t *err)
{
	unsigned paren = 0, paren_line = 0, paren_col = 0;
	bool at_line_start = true, line_indented = false;
	out->n = 0;
	*indented = false;
	while (lx->p < lx->end) {
		char c = *lx->p;
		if (at_line_start && paren == 0)
			line_indented = is_space(c);
		at_line_start = false;
		if (c == '\n') {
			lx_advance(lx);
			at_line_start = true;
			if (paren == 0 && out->n > 0)
				return DNS_OK;
			continue;
		}
		if (is_space(c)) {
			lx_advance(lx);
		} else if (c == ';') {
			lx_skip_comment(lx);
		} else if (c == '(') {
			if (paren++ == 0) {
				paren_line = lx->line;
				paren_col = lx->col;
			}
			lx_advance(lx);
		} else if (c == ')') {
			if (paren == 0)
				return dns_error_at(err, DNS_E_SYNTAX, lx->line,
						    lx->col, "')' without '('");
			paren--;
			lx_advance(lx);
		} else {
			dns_token_t tok;
			dns_rc_t rc = c == '"' ? lx_quoted(lx, &tok, err)
					       : lx_word(lx, &tok, err);
			if (rc != DNS_OK)
				return rc;
			if (out->n == 0)
				*indented = line_indented;
			if (tokens_push(out, &tok) != DNS_OK)
				return dns_error_at(err, DNS_E_NOMEM, tok.line,
						    tok.col, NULL);
		}
	}
	if (paren > 0)
		return dns_error_at(err, DNS_E_SYNTAX, paren_line, paren_col,
				    "'(' never closed");
	return DNS_OK;
}

dns_rc_t dns_tokenize(const char *text, size_t len, dns_tokens_t *out,
		      dns_error_t *err)
{
	dns_lexer_t lx;
	bool indented;
	dns_lexer_init(&lx, text, len);
	dns_rc_t rc = dns_lexer_entry(&lx, out, &indented, err);
	if (rc != DNS_OK)
		return rc;
	dns_tokens_t rest;
	dns_tokens_init(&rest);
	rc = dns_lexer_entry(&lx, &rest, &indented, err);
	size_t more = rest.n;
	unsigned line = more ? rest.v[0].line : 0,
		 col = more ? rest.v[0].col : 0;
	dns_tokens_free(&rest);
	if (rc != DNS_OK)
		return rc;
	if (more)
		return dns_error_at(err, DNS_E_SYNTAX, line, col,
				    "more than one entry");
	return DNS_OK;
}

bool dns_token_is(const dns_token_t *t, const char *s)
{
	size_t n = strlen(s);
	if (t->quoted || t->len != n)
		return false;
	for (size_t i = 0; i < n; i++) {
		char a = t->s[i], b = s[i];
		if (a >= 'A' && a <= 'Z')
			a = (char)(a + 32);
		if (b >= 'A' && b <= 'Z')
			b = (char)(b + 32);
		if (a != b)
			return false;
	}
	return true;
}

dns_rc_t dns_token_u32(const dns_token_t *t, unsigned long max,
		       unsigned long *out)
{
	unsigned long long v = 0;
	if (t->len == 0 || t->len > 10)
		return DNS_E_NUMBER;
	for (size_t i = 0; i < t->len; i++) {
		if (t->s[i] < '0' || t->s[i] > '9')
			return DNS_E_NUMBER;
		v = v * 10 + (unsigned)(t->s[i] - '0');
	}
	if (v > max)
		return DNS_E_NUMBER;
	*out = (unsigned long)v;
	return DNS_OK;
}

dns_rc_t dns_token_unescape(const dns_token_t *t, unsigned char *out,
			    size_t cap, size_t *outlen, dns_error_t *err)
{
	size_t n = 0, i = 0;
	while (i < t->len) {
		unsigned col = t->col + (unsigned)i + (t->quoted ? 1u : 0u);
		unsigned char c = (unsigned char)t->s[i];
		if (c == '\\') {
			if (i + 1 >= t->len)
				return dns_error_at(err, DNS_E_ESCAPE, t->line,
						    col, "'\\' at end of text");
			if (t->s[i + 1] >= '0' && t->s[i + 1] <= '9') {
				unsigned v = 0;
				for (size_t k = 1; k <= 3; k++) {
					char d =
					    i + k < t->len ? t->s[i + k] : 0;
					if (d < '0' || d > '9')
						return dns_error_at(
						    err, DNS_E_ESCAPE, t->line,
						    col,
						    "\\DDD needs 3 digits");
					v = v * 10 + (unsigned)(d - '0');
				}
				if (v > 255)
					return dns_error_at(err, DNS_E_ESCAPE,
							    t->line, col,
							    "\\DDD above 255");
				c = (unsigned char)v;
				i += 4;
			} else {
				c = (unsigned char)t->s[i + 1];
				i += 2;
			}
		} else {
			i++;
		}
		if (n == cap)
			return dns_error_at(err, DNS_E_SPACE, t->line, col,
					    "text too long");
		out[n++] = c;
	}
	*outlen = n;
	return DNS_OK;
}

dns_rc_t dns_token_charstr(const dns_token_t *t, unsigned char *out,
			   size_t *outlen, dns_error_t *err)
{
	dns_error_t local = {0};
	dns_rc_t rc = dns_token_unescape(t, out, 255, outlen, &local);
	if (rc == DNS_E_SPACE)
		return dns_error_at(err, DNS_E_SYNTAX, t->line, t->col,
				    "character-string longer than 255 bytes");
	if (rc != DNS_OK && err != NULL && err->code == DNS_OK)
		*err = local;
	return rc;
}
