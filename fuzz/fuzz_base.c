/* fuzz_base.c - base16, base32hex and base64 (base.h).
 *
 * Input: byte 0 picks the codec (mod 3) and a short output buffer size
 * (byte 0 / 3); the rest is both the text to decode and the bytes to
 * encode.
 *
 * Oracles:
 *  - decode(text) succeeding: encode(decoded) equals text, ignoring case
 *    for base16 and base32hex (their decoders accept either case), exactly
 *    for base64; decoding into a buffer one byte short is DNS_E_SPACE with
 *    the full length reported and the bytes that fit written;
 *  - decode failing: the right code, and *bad lies within the text (the
 *    text length when a symbol is missing at the end);
 *  - encode(bytes) has the length the alphabet implies (2n, ceil(8n/5),
 *    4 ceil(n/3)), uses only the encoder's alphabet, and decodes to the
 *    bytes; into a short buffer it returns the full length and writes the
 *    NUL-terminated prefix.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dns/base.h"
#include "fuzz_util.h"

typedef size_t (*enc_fn)(const uint8_t *, size_t, char *, size_t);
typedef dns_rc_t (*dec_fn)(const char *, size_t, uint8_t *, size_t, size_t *,
			   size_t *);

typedef struct codec {
	const char *name;
	enc_fn enc;
	dec_fn dec;
	dns_rc_t bad;
	bool any_case;
	const char *alphabet; /* what the encoder writes */
} codec_t;

static const codec_t codecs[3] = {
    {"base16", dns_base16_encode, dns_base16_decode, DNS_E_BASE16, true,
     "0123456789ABCDEF"},
    {"base32hex", dns_base32hex_encode, dns_base32hex_decode, DNS_E_BASE32,
     true, "0123456789abcdefghijklmnopqrstuv"},
    {"base64", dns_base64_encode, dns_base64_decode, DNS_E_BASE64, false,
     "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="},
};

#define MAX_IN 65536u

static uint8_t bytes[MAX_IN], bytes2[MAX_IN];
static char text[2u * MAX_IN + 8u], text2[2u * MAX_IN + 8u];

static size_t encoded_len(int k, size_t n)
{
	if (k == 0)
		return 2 * n;
	if (k == 1)
		return (8 * n + 4) / 5;
	return 4 * ((n + 2) / 3);
}

static void check_decode(const codec_t *c, const char *in, size_t n,
			 size_t shortcap)
{
	size_t out = 0, bad = (size_t)-1;
	dns_rc_t rc = c->dec(in, n, bytes, sizeof(bytes), &out, &bad);
	if (rc != DNS_OK) {
		FUZZ_CHECK(rc == c->bad, "%s: %s", c->name, dns_rc_name(rc));
		FUZZ_CHECK(bad <= n, "%s: bad offset %zu of %zu", c->name, bad,
			   n);
		return;
	}
	FUZZ_CHECK(out <= n, "%s: %zu bytes from %zu symbols", c->name, out, n);
	size_t tl = c->enc(bytes, out, text, sizeof(text));
	FUZZ_CHECK(tl == n, "%s: re-encoded to %zu chars from %zu", c->name, tl,
		   n);
	bool same = c->any_case ? fuzz_case_equal(in, text, n)
				: memcmp(in, text, n) == 0;
	FUZZ_CHECK(same, "%s: \"%.*s\" re-encoded as \"%.*s\"", c->name,
		   (int)(n < 200 ? n : 200), in, (int)(n < 200 ? n : 200),
		   text);
	if (out == 0)
		return;
	/* one byte short */
	size_t cap = shortcap < out ? shortcap : out - 1;
	size_t out2 = 0;
	memset(bytes2, 0, out);
	rc = c->dec(in, n, bytes2, cap, &out2, &bad);
	FUZZ_CHECK(rc == DNS_E_SPACE && out2 == out,
		   "%s: cap %zu: %s, length %zu of %zu", c->name, cap,
		   dns_rc_name(rc), out2, out);
	FUZZ_CHECK(memcmp(bytes, bytes2, cap) == 0, "%s: short prefix",
		   c->name);
}

static void check_encode(int k, const uint8_t *in, size_t n, size_t shortcap)
{
	const codec_t *c = &codecs[k];
	size_t tl = c->enc(in, n, text, sizeof(text));
	FUZZ_CHECK(tl == encoded_len(k, n), "%s: %zu bytes gave %zu chars",
		   c->name, n, tl);
	FUZZ_CHECK(text[tl] == '\0', "%s: NUL", c->name);
	FUZZ_CHECK(strspn(text, c->alphabet) == tl, "%s: alphabet", c->name);
	size_t out = 0, bad = 0;
	dns_rc_t rc = c->dec(text, tl, bytes2, sizeof(bytes2), &out, &bad);
	FUZZ_CHECK(rc == DNS_OK, "%s: decode(encode): %s at %zu", c->name,
		   dns_rc_name(rc), bad);
	FUZZ_CHECK_BYTES("decode(encode(bytes))", in, n, bytes2, out);

	size_t cap = shortcap + 1 < tl ? shortcap + 1 : tl;
	size_t tl2 = c->enc(in, n, text2, cap);
	FUZZ_CHECK(tl2 == tl, "%s: short buffer length %zu of %zu", c->name,
		   tl2, tl);
	if (cap > 0) {
		FUZZ_CHECK(text2[cap - 1] == '\0' &&
			       memcmp(text, text2, cap - 1) == 0,
			   "%s: short buffer prefix", c->name);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	int k = data[0] % 3;
	size_t shortcap = data[0] / 3u;
	const uint8_t *p = data + 1;
	size_t n = size - 1;
	if (n > MAX_IN)
		n = MAX_IN;
	check_decode(&codecs[k], (const char *)p, n, shortcap);
	check_encode(k, p, n, shortcap);
	return 0;
}
