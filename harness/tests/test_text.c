/* test_text.c - presentation-format lexer and token helpers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "dns/text.h"

static void expect_tok(const dns_token_t *t, const char *s, bool quoted,
		       unsigned line, unsigned col)
{
	if (t->len != strlen(s) || memcmp(t->s, s, t->len) != 0)
		fail_msg("token '%.*s', want '%s'", (int)t->len, t->s, s);
	assert_int_equal(t->quoted, quoted);
	assert_int_equal(t->line, line);
	assert_int_equal(t->col, col);
}

static void test_entries(void **state)
{
	(void)state;
	static const char zone[] =
	    "; comment line\n"
	    "\n"
	    "@ IN SOA ns hostmaster ( 1 ; serial\n"
	    "   7200 3600\n"
	    "   1209600 300 )\n"
	    "  TXT \"a \\\"quoted\\\" ; string\" plain\\ word\n"
	    "www A 192.0.2.1 ; trailing comment\n";
	dns_lexer_t lx;
	dns_tokens_t t;
	dns_error_t err = {0};
	bool ind;
	dns_tokens_init(&t);
	dns_lexer_init(&lx, zone, sizeof(zone) - 1);

	assert_int_equal(dns_lexer_entry(&lx, &t, &ind, &err), DNS_OK);
	assert_false(ind);
	assert_int_equal(t.n, 10);
	expect_tok(&t.v[0], "@", false, 3, 1);
	expect_tok(&t.v[5], "1", false, 3, 26);
	expect_tok(&t.v[6], "7200", false, 4, 4);
	expect_tok(&t.v[9], "300", false, 5, 12);

	assert_int_equal(dns_lexer_entry(&lx, &t, &ind, &err), DNS_OK);
	assert_true(ind);
	assert_int_equal(t.n, 3);
	expect_tok(&t.v[0], "TXT", false, 6, 3);
	expect_tok(&t.v[1], "a \\\"quoted\\\" ; string", true, 6, 7);
	expect_tok(&t.v[2], "plain\\ word", false, 6, 31);

	assert_int_equal(dns_lexer_entry(&lx, &t, &ind, &err), DNS_OK);
	assert_false(ind);
	assert_int_equal(t.n, 3);
	expect_tok(&t.v[2], "192.0.2.1", false, 7, 7);

	assert_int_equal(dns_lexer_entry(&lx, &t, &ind, &err), DNS_OK);
	assert_int_equal(t.n, 0);
	dns_tokens_free(&t);
}

typedef struct {
	const char *text;
	unsigned line, col;
} bad_case_t;

static void test_errors(void **state)
{
	(void)state;
	static const bad_case_t bad[] = {
	    {"a ( b\nc\n", 1, 3},	 /* '(' never closed */
	    {"a b )\n", 1, 5},		 /* ')' without '(' */
	    {"a \"open\nstill\n", 1, 3}, /* unterminated quote */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		dns_lexer_t lx;
		dns_tokens_t t;
		dns_error_t err = {0};
		bool ind;
		dns_tokens_init(&t);
		dns_lexer_init(&lx, bad[i].text, strlen(bad[i].text));
		assert_int_equal(dns_lexer_entry(&lx, &t, &ind, &err),
				 DNS_E_SYNTAX);
		assert_int_equal(err.line, bad[i].line);
		assert_int_equal(err.col, bad[i].col);
		dns_tokens_free(&t);
	}
	/* NUL byte inside a token */
	static const char nul[] = "a b\0c\n";
	dns_lexer_t lx;
	dns_tokens_t t;
	dns_error_t err = {0};
	bool ind;
	dns_tokens_init(&t);
	dns_lexer_init(&lx, nul, sizeof(nul) - 1);
	assert_int_equal(dns_lexer_entry(&lx, &t, &ind, &err), DNS_E_SYNTAX);
	assert_int_equal(err.col, 4);
	dns_tokens_free(&t);
	/* tokenize refuses two entries */
	err = (dns_error_t){0};
	assert_int_equal(dns_tokenize("a\nb", 3, &t, &err), DNS_E_SYNTAX);
	assert_int_equal(err.line, 2);
	assert_int_equal(dns_tokenize("a (\nb )", 7, &t, &err), DNS_OK);
	assert_int_equal(t.n, 2);
	dns_tokens_free(&t);
}

static dns_token_t tok(const char *s, bool quoted)
{
	dns_token_t t = {s, strlen(s), quoted, 1, 1};
	return t;
}

static void test_helpers(void **state)
{
	(void)state;
	unsigned long v;
	dns_token_t t = tok("4294967295", false);
	assert_int_equal(dns_token_u32(&t, 0xffffffffUL, &v), DNS_OK);
	assert_int_equal(v, 4294967295UL);
	t = tok("4294967296", false);
	assert_int_equal(dns_token_u32(&t, 0xffffffffUL, &v), DNS_E_NUMBER);
	t = tok("65536", false);
	assert_int_equal(dns_token_u32(&t, 65535, &v), DNS_E_NUMBER);
	t = tok("12a", false);
	assert_int_equal(dns_token_u32(&t, 65535, &v), DNS_E_NUMBER);
	t = tok("", false);
	assert_int_equal(dns_token_u32(&t, 65535, &v), DNS_E_NUMBER);
	assert_true(dns_token_is(&(dns_token_t){"In", 2, false, 1, 1}, "IN"));
	assert_false(dns_token_is(&(dns_token_t){"In", 2, true, 1, 1}, "IN"));

	unsigned char out[300];
	size_t n;
	dns_error_t err = {0};
	t = tok("a\\065\\\"b\\\\", true);
	assert_int_equal(dns_token_charstr(&t, out, &n, &err), DNS_OK);
	assert_int_equal(n, 5);
	assert_memory_equal(out, "aA\"b\\", 5);
	t = tok("x\\25", false);
	assert_int_equal(dns_token_charstr(&t, out, &n, &err), DNS_E_ESCAPE);
	assert_int_equal(err.col, 2);
	err = (dns_error_t){0};
	t = tok("\\999", false);
	assert_int_equal(dns_token_charstr(&t, out, &n, &err), DNS_E_ESCAPE);
	char big[300];
	memset(big, 'x', 256);
	big[256] = 0;
	t = tok(big, false);
	err = (dns_error_t){0};
	assert_int_equal(dns_token_charstr(&t, out, &n, &err), DNS_E_SYNTAX);
	big[255] = 0;
	t = tok(big, false);
	assert_int_equal(dns_token_charstr(&t, out, &n, &err), DNS_OK);
	assert_int_equal(n, 255);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_entries),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
