/* test_base.c - base16/base32hex/base64 against RFC 4648 section 10, plus
 * the strict rejections: alphabet, padding, pad bits, lengths, space. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "dns/base.h"

typedef size_t (*encode_fn)(const uint8_t *, size_t, char *, size_t);
typedef dns_rc_t (*decode_fn)(const char *, size_t, uint8_t *, size_t, size_t *,
			      size_t *);

/* RFC 4648 section 10; base32hex in the form NSEC3 uses (lowercase, no
 * padding), which the RFC's uppercase padded vectors reduce to. */
static const struct {
	const char *raw, *b16, *b32, *b64;
} rfc_vectors[] = {
    {"", "", "", ""},
    {"f", "66", "co", "Zg=="},
    {"fo", "666F", "cpng", "Zm8="},
    {"foo", "666F6F", "cpnmu", "Zm9v"},
    {"foob", "666F6F62", "cpnmuog", "Zm9vYg=="},
    {"fooba", "666F6F6261", "cpnmuoj1", "Zm9vYmE="},
    {"foobar", "666F6F626172", "cpnmuoj1e8", "Zm9vYmFy"},
};

static void check_encode(encode_fn enc, const char *raw, const char *want)
{
	char buf[64];
	size_t n = enc((const uint8_t *)raw, strlen(raw), buf, sizeof(buf));
	assert_int_equal(n, strlen(want));
	assert_string_equal(buf, want);
}

static void check_decode(decode_fn dec, const char *text, const char *want)
{
	uint8_t buf[64];
	size_t n = 99, bad = 99;
	assert_int_equal(dec(text, strlen(text), buf, sizeof(buf), &n, &bad),
			 DNS_OK);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(buf, want, n);
}

static void test_rfc4648_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(rfc_vectors) / sizeof(rfc_vectors[0]);
	     i++) {
		const char *raw = rfc_vectors[i].raw;
		check_encode(dns_base16_encode, raw, rfc_vectors[i].b16);
		check_encode(dns_base32hex_encode, raw, rfc_vectors[i].b32);
		check_encode(dns_base64_encode, raw, rfc_vectors[i].b64);
		check_decode(dns_base16_decode, rfc_vectors[i].b16, raw);
		check_decode(dns_base32hex_decode, rfc_vectors[i].b32, raw);
		check_decode(dns_base64_decode, rfc_vectors[i].b64, raw);
	}
}

/* Case: base16 and base32hex accept both cases. */
static void test_case_insensitive(void **state)
{
	(void)state;
	check_decode(dns_base16_decode, "666f6F", "foo");
	check_decode(dns_base32hex_decode, "CPNMUOJ1E8", "foobar");
	check_decode(dns_base32hex_decode, "CpNmUoJ1e8", "foobar");
}

/* Every byte value survives a round trip through each codec. */
static void test_all_bytes_round_trip(void **state)
{
	(void)state;
	encode_fn enc[] = {dns_base16_encode, dns_base32hex_encode,
			   dns_base64_encode};
	decode_fn dec[] = {dns_base16_decode, dns_base32hex_decode,
			   dns_base64_decode};
	uint8_t raw[256], back[256];
	char text[600];
	for (size_t i = 0; i < 256; i++)
		raw[i] = (uint8_t)i;
	for (size_t c = 0; c < 3; c++) {
		for (size_t len = 0; len <= 256; len += 37) {
			size_t tl = enc[c](raw, len, text, sizeof(text));
			size_t n = 0, bad = 0;
			assert_true(tl < sizeof(text));
			assert_int_equal(
			    dec[c](text, tl, back, sizeof(back), &n, &bad),
			    DNS_OK);
			assert_int_equal(n, len);
			assert_memory_equal(back, raw, len);
		}
	}
}

static const struct {
	decode_fn dec;
	const char *text;
	dns_rc_t rc;
	size_t bad;
} reject_vectors[] = {
    /* base16: alphabet, odd length */
    {dns_base16_decode, "66G6", DNS_E_BASE16, 2},
    {dns_base16_decode, "66 6F", DNS_E_BASE16, 2},
    {dns_base16_decode, "666", DNS_E_BASE16, 3},
    {dns_base16_decode, "6", DNS_E_BASE16, 1},
    /* base32hex: alphabet (W..Z are not base32hex), padding, tails that
     * hold no whole byte, non-zero pad bits */
    {dns_base32hex_decode, "cpnw", DNS_E_BASE32, 3},
    {dns_base32hex_decode, "co======", DNS_E_BASE32, 2},
    {dns_base32hex_decode, "c", DNS_E_BASE32, 1},
    {dns_base32hex_decode, "cpn", DNS_E_BASE32, 3},
    {dns_base32hex_decode, "cpnmuo", DNS_E_BASE32, 6},
    {dns_base32hex_decode, "cp", DNS_E_BASE32, 1},
    {dns_base32hex_decode, "cpnh", DNS_E_BASE32, 3},
    {dns_base32hex_decode, "cpnmv", DNS_E_BASE32, 4},
    {dns_base32hex_decode, "cpnmuoh", DNS_E_BASE32, 6},
    /* base64: alphabet, missing or misplaced padding, pad bits */
    {dns_base64_decode, "Zm9v!A==", DNS_E_BASE64, 4},
    {dns_base64_decode, "Zm-v", DNS_E_BASE64, 2},
    {dns_base64_decode, "Zg", DNS_E_BASE64, 2},
    {dns_base64_decode, "Zg=", DNS_E_BASE64, 3},
    {dns_base64_decode, "Zm9vYg", DNS_E_BASE64, 6},
    {dns_base64_decode, "Z===", DNS_E_BASE64, 1},
    {dns_base64_decode, "====", DNS_E_BASE64, 0},
    {dns_base64_decode, "Zg=a", DNS_E_BASE64, 2},
    {dns_base64_decode, "Zg==Zm8=", DNS_E_BASE64, 2},
    {dns_base64_decode, "Zh==", DNS_E_BASE64, 1},
    {dns_base64_decode, "Zm9=", DNS_E_BASE64, 2},
    {dns_base64_decode, "Zm8=\n", DNS_E_BASE64, 5},
};

static void test_reject(void **state)
{
	(void)state;
	for (size_t i = 0;
	     i < sizeof(reject_vectors) / sizeof(reject_vectors[0]); i++) {
		uint8_t buf[64];
		size_t n = 0, bad = 999;
		const char *t = reject_vectors[i].text;
		dns_rc_t rc = reject_vectors[i].dec(t, strlen(t), buf,
						    sizeof(buf), &n, &bad);
		if (rc != reject_vectors[i].rc || bad != reject_vectors[i].bad)
			fail_msg("vector %zu \"%s\": rc %d bad %zu", i, t,
				 (int)rc, bad);
	}
}

/* Too small an output buffer: DNS_E_SPACE, the full length reported, no
 * byte written past cap. A bad character still wins over space. */
static void test_decode_space(void **state)
{
	(void)state;
	decode_fn dec[] = {dns_base16_decode, dns_base32hex_decode,
			   dns_base64_decode};
	const char *text[] = {"666F6F626172", "cpnmuoj1e8", "Zm9vYmFy"};
	for (size_t c = 0; c < 3; c++) {
		uint8_t buf[8];
		memset(buf, 0xAA, sizeof(buf));
		size_t n = 0, bad = 0;
		assert_int_equal(
		    dec[c](text[c], strlen(text[c]), buf, 5, &n, &bad),
		    DNS_E_SPACE);
		assert_int_equal(n, 6);
		assert_memory_equal(buf, "fooba", 5);
		assert_int_equal(buf[5], 0xAA);
		assert_int_equal(
		    dec[c](text[c], strlen(text[c]), NULL, 0, &n, &bad),
		    DNS_E_SPACE);
		assert_int_equal(n, 6);
	}
	size_t n = 0, bad = 0;
	uint8_t one[1];
	assert_int_equal(dns_base64_decode("Zm9v!A==", 8, one, 1, &n, &bad),
			 DNS_E_BASE64);
	assert_int_equal(bad, 4);
}

/* Encoders are snprintf-like: full length returned, text cut short and
 * NUL-terminated, nothing written with cap 0. */
static void test_encode_truncation(void **state)
{
	(void)state;
	char buf[8];
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(
	    dns_base64_encode((const uint8_t *)"foobar", 6, buf, 5), 8);
	assert_string_equal(buf, "Zm9v");
	assert_int_equal(buf[5], 'x');
	assert_int_equal(dns_base16_encode((const uint8_t *)"fo", 2, buf, 4),
			 4);
	assert_string_equal(buf, "666");
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(dns_base32hex_encode((const uint8_t *)"f", 1, buf, 0),
			 2);
	assert_int_equal(buf[0], 'x');
	assert_int_equal(dns_base32hex_encode((const uint8_t *)"f", 1, buf, 3),
			 2);
	assert_string_equal(buf, "co");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_rfc4648_vectors),
	    cmocka_unit_test(test_case_insensitive),
	    cmocka_unit_test(test_all_bytes_round_trip),
	    cmocka_unit_test(test_reject),
	    cmocka_unit_test(test_decode_space),
	    cmocka_unit_test(test_encode_truncation),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
