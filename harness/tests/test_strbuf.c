/* test_strbuf.c - the bounded text builder: numbers, hex, character
 * strings, straight writes, and text cut short at every length. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "dns/strbuf.h"

/* Build the text with fn into buffers of every size up to its length + 1
 * and check each is the prefix that fits, with the full length. */
typedef void (*build_fn)(dns_strbuf_t *sb, const void *arg);

static void check_cuts(build_fn fn, const void *arg, const char *want)
{
	char buf[1200];
	size_t len = strlen(want);
	assert_true(len + 2 < sizeof(buf));
	for (size_t cap = 1; cap <= len + 2; cap++) {
		memset(buf, '#', sizeof(buf));
		dns_strbuf_t sb = dns_strbuf_init(buf, cap);
		fn(&sb, arg);
		assert_int_equal(sb.len, len);
		assert_int_equal(sb.over, cap <= len);
		size_t k = cap - 1 < len ? cap - 1 : len;
		assert_memory_equal(buf, want, k);
		assert_int_equal(buf[k], '\0');
		assert_int_equal(buf[cap], '#'); /* nothing past cap */
	}
}

static void put_u(dns_strbuf_t *sb, const void *arg)
{
	dns_sb_puts(sb, "<");
	dns_sb_putu(sb, *(const uint64_t *)arg);
	dns_sb_putc(sb, '>');
}

static void test_putu(void **state)
{
	(void)state;
	static const uint64_t v[] = {
	    0,
	    1,
	    9,
	    10,
	    11,
	    99,
	    100,
	    101,
	    999,
	    1000,
	    65535,
	    2024010101,
	    4294967295u,
	    4294967296u,
	    99999999999u,
	    1000000000000000000u,
	    18446744073709551615u,
	};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char want[32];
		snprintf(want, sizeof(want), "<%llu>",
			 (unsigned long long)v[i]);
		check_cuts(put_u, &v[i], want);
	}
	/* every value below 100000 and around each power of ten */
	for (uint64_t x = 0; x < 100000; x++) {
		char want[32], got[32];
		dns_strbuf_t sb = dns_strbuf_init(got, sizeof(got));
		dns_sb_putu(&sb, x);
		snprintf(want, sizeof(want), "%llu", (unsigned long long)x);
		assert_string_equal(got, want);
	}
	for (uint64_t p = 10; p <= 1000000000000000000u; p *= 10) {
		for (uint64_t x = p - 2; x <= p + 2; x++) {
			char want[32], got[32];
			dns_strbuf_t sb = dns_strbuf_init(got, sizeof(got));
			dns_sb_putu(&sb, x);
			snprintf(want, sizeof(want), "%llu",
				 (unsigned long long)x);
			assert_string_equal(got, want);
		}
	}
}

typedef struct bytes {
	const uint8_t *p;
	size_t n;
} bytes_t;

static void put_hex(dns_strbuf_t *sb, const void *arg)
{
	const bytes_t *b = arg;
	dns_sb_hex(sb, b->p, b->n);
}

static void put_charstr(dns_strbuf_t *sb, const void *arg)
{
	const bytes_t *b = arg;
	dns_sb_charstr(sb, b->p, b->n);
}

/* Reference: the rules of strbuf.h written out with printf. */
static void ref_charstr(const uint8_t *p, size_t n, char *out)
{
	size_t k = 0;
	out[k++] = '"';
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '"' || p[i] == '\\')
			k += (size_t)sprintf(out + k, "\\%c", p[i]);
		else if (p[i] < 0x20 || p[i] > 0x7e)
			k += (size_t)sprintf(out + k, "\\%03u", p[i]);
		else
			out[k++] = (char)p[i];
	}
	out[k++] = '"';
	out[k] = 0;
}

static void test_hex_charstr(void **state)
{
	(void)state;
	uint8_t all[256];
	char want[1100];
	for (unsigned i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	/* hex: every byte once, and a short run cut at every length */
	bytes_t b = {all, 256};
	for (unsigned i = 0; i < 256; i++)
		sprintf(want + 2 * i, "%02X", i);
	char got[600];
	dns_strbuf_t sb = dns_strbuf_init(got, sizeof(got));
	dns_sb_hex(&sb, all, 256);
	assert_string_equal(got, want);
	b.n = 20;
	want[40] = 0;
	check_cuts(put_hex, &b, want);
	/* character strings: every byte (more than one piece of 64), and
	 * escapes cut at every length */
	b.n = 256;
	ref_charstr(all, 256, want);
	char big[1100];
	sb = dns_strbuf_init(big, sizeof(big));
	dns_sb_charstr(&sb, all, 256);
	assert_string_equal(big, want);
	static const uint8_t mixed[] = "a\"b\\c\x01\x7f\xff d";
	b.p = mixed;
	b.n = sizeof(mixed) - 1;
	ref_charstr(mixed, b.n, want);
	check_cuts(put_charstr, &b, want);
	b.p = all;
	b.n = 0;
	check_cuts(put_charstr, &b, "\"\"");
	for (size_t n = 60; n < 70; n++) { /* around the piece size */
		b.p = all + 10;
		b.n = n;
		ref_charstr(b.p, n, want);
		check_cuts(put_charstr, &b, want);
	}
}

static void test_room(void **state)
{
	(void)state;
	char buf[8];
	dns_strbuf_t sb = dns_strbuf_init(buf, sizeof(buf));
	char *p = dns_sb_room(&sb, 7);
	assert_non_null(p);
	memcpy(p, "abc", 3);
	dns_sb_wrote(&sb, 3);
	assert_string_equal(buf, "abc");
	assert_null(dns_sb_room(&sb, 5)); /* 3 + 5 + NUL > 8 */
	assert_non_null(dns_sb_room(&sb, 4));
	dns_sb_puts(&sb, "defgh");
	assert_true(sb.over);
	assert_null(dns_sb_room(&sb, 0)); /* nothing once cut short */
	assert_string_equal(buf, "abcdefg");
	assert_int_equal(sb.len, 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_putu),
	    cmocka_unit_test(test_hex_charstr),
	    cmocka_unit_test(test_room),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
