/* base.c - base16, base32hex and base64 codecs (RFC 4648), strict.
 *
 * Decoders make one pass: each symbol is checked, bits are gathered and
 * bytes are stored while they fit in the caller's buffer. A bad symbol or
 * bad padding stops at once with its offset; running out of room is only
 * reported at the end (DNS_E_SPACE), with *outlen set to the full length,
 * so a caller can size a buffer from a first call.
 *
 * Offsets in *bad: the offending character; for input that stops in the
 * middle of a group, the input length (where a character was missing);
 * for non-zero pad bits, the last character carrying data.
 */
#include "dns/base.h"

#include <stdbool.h>

static const char b16_digits[] = "0123456789ABCDEF";
static const char b32_digits[] = "0123456789abcdefghijklmnopqrstuv";
static const char b64_digits[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Output sink shared by the encoders: stores while there is room for the
 * character and the final NUL, counts always. */
typedef struct text_out {
	char *buf;
	size_t cap, len;
} text_out_t;

static void text_put(text_out_t *t, char c)
{
	if (t->cap > 0 && t->len < t->cap - 1)
		t->buf[t->len] = c;
	t->len++;
}

static size_t text_end(text_out_t *t)
{
	if (t->cap > 0)
		t->buf[t->len < t->cap ? t->len : t->cap - 1] = '\0';
	return t->len;
}

size_t dns_base16_encode(const uint8_t *in, size_t len, char *out, size_t cap)
{
	text_out_t t = {out, cap, 0};
	for (size_t i = 0; i < len; i++) {
		text_put(&t, b16_digits[in[i] >> 4]);
		text_put(&t, b16_digits[in[i] & 0x0f]);
	}
	return text_end(&t);
}

/* Emit the low `have` bits of acc as symbols of `width` bits each, most
 * significant first; a last partial symbol is filled with zero bits. */
static void put_symbols(text_out_t *t, const char *digits, unsigned width,
			uint64_t acc, unsigned have)
{
	while (have >= width) {
		have -= width;
		text_put(t, digits[(acc >> have) & ((1u << width) - 1)]);
	}
	if (have > 0)
		text_put(t,
			 digits[(acc << (width - have)) & ((1u << width) - 1)]);
}

size_t dns_base32hex_encode(const uint8_t *in, size_t len, char *out,
			    size_t cap)
{
	text_out_t t = {out, cap, 0};
	for (size_t i = 0; i < len; i += 5) {
		size_t n = len - i < 5 ? len - i : 5;
		uint64_t acc = 0;
		for (size_t j = 0; j < n; j++)
			acc = acc << 8 | in[i + j];
		put_symbols(&t, b32_digits, 5, acc, (unsigned)(8 * n));
	}
	return text_end(&t);
}

size_t dns_base64_encode(const uint8_t *in, size_t len, char *out, size_t cap)
{
	text_out_t t = {out, cap, 0};
	for (size_t i = 0; i < len; i += 3) {
		size_t n = len - i < 3 ? len - i : 3;
		uint64_t acc = 0;
		for (size_t j = 0; j < n; j++)
			acc = acc << 8 | in[i + j];
		put_symbols(&t, b64_digits, 6, acc, (unsigned)(8 * n));
		for (size_t j = n; j < 3; j++)
			text_put(&t, '=');
	}
	return text_end(&t);
}

/* Decoder state: bits gathered but not yet stored, and the byte sink. */
typedef struct bits_in {
	uint32_t acc;
	unsigned have;
	uint8_t *out;
	size_t cap, n;
} bits_in_t;

static void bits_add(bits_in_t *b, unsigned v, unsigned width)
{
	b->acc = (b->acc << width | v) & 0xffffu;
	b->have += width;
	if (b->have >= 8) {
		b->have -= 8;
		if (b->n < b->cap)
			b->out[b->n] = (uint8_t)(b->acc >> b->have);
		b->n++;
	}
}

/* Left-over bits after the last symbol must all be zero. */
static bool bits_clean(const bits_in_t *b)
{
	return (b->acc & ((1u << b->have) - 1)) == 0;
}

static dns_rc_t bits_finish(const bits_in_t *b, size_t *outlen)
{
	if (outlen != NULL)
		*outlen = b->n;
	return b->n > b->cap ? DNS_E_SPACE : DNS_OK;
}

static dns_rc_t base_fail(dns_rc_t rc, size_t at, size_t *bad)
{
	if (bad != NULL)
		*bad = at;
	return rc;
}

int dns_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

dns_rc_t dns_base16_decode(const char *in, size_t len, uint8_t *out, size_t cap,
			   size_t *outlen, size_t *bad)
{
	bits_in_t b = {0, 0, out, cap, 0};
	for (size_t i = 0; i < len; i++) {
		int v = dns_hex_value(in[i]);
		if (v < 0)
			return base_fail(DNS_E_BASE16, i, bad);
		bits_add(&b, (unsigned)v, 4);
	}
	if (b.have != 0)
		return base_fail(DNS_E_BASE16, len, bad);
	return bits_finish(&b, outlen);
}

static int b32_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'v')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'V')
		return c - 'A' + 10;
	return -1;
}

/* Unpadded base32hex may end after 2, 4, 5 or 7 symbols of a group of 8
 * (1, 2, 3 or 4 bytes); a tail of 1, 3 or 6 symbols holds no whole byte
 * beyond the previous length, so it is malformed. */
static bool b32_tail_ok(size_t tail)
{
	return tail == 0 || tail == 2 || tail == 4 || tail == 5 || tail == 7;
}

dns_rc_t dns_base32hex_decode(const char *in, size_t len, uint8_t *out,
			      size_t cap, size_t *outlen, size_t *bad)
{
	bits_in_t b = {0, 0, out, cap, 0};
	for (size_t i = 0; i < len; i++) {
		int v = b32_value(in[i]);
		if (v < 0)
			return base_fail(DNS_E_BASE32, i, bad);
		bits_add(&b, (unsigned)v, 5);
	}
	if (!b32_tail_ok(len % 8))
		return base_fail(DNS_E_BASE32, len, bad);
	if (!bits_clean(&b))
		return base_fail(DNS_E_BASE32, len - 1, bad);
	return bits_finish(&b, outlen);
}

static int b64_value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* Number of '=' ending a base64 text of len (a multiple of 4) bytes, or
 * -1 with *at set when '=' appears anywhere else. */
static int b64_padding(const char *in, size_t len, size_t *at)
{
	int pad = 0;
	while (pad < 2 && (size_t)pad < len && in[len - 1 - (size_t)pad] == '=')
		pad++;
	for (size_t i = 0; i < len - (size_t)pad; i++) {
		if (in[i] == '=') {
			*at = i;
			return -1;
		}
	}
	return pad;
}

dns_rc_t dns_base64_decode(const char *in, size_t len, uint8_t *out, size_t cap,
			   size_t *outlen, size_t *bad)
{
	bits_in_t b = {0, 0, out, cap, 0};
	size_t at = 0;
	if (len % 4 != 0)
		return base_fail(DNS_E_BASE64, len, bad);
	int pad = b64_padding(in, len, &at);
	if (pad < 0)
		return base_fail(DNS_E_BASE64, at, bad);
	size_t data = len - (size_t)pad;
	for (size_t i = 0; i < data; i++) {
		int v = b64_value(in[i]);
		if (v < 0)
			return base_fail(DNS_E_BASE64, i, bad);
		bits_add(&b, (unsigned)v, 6);
	}
	if (!bits_clean(&b))
		return base_fail(DNS_E_BASE64, data - 1, bad);
	return bits_finish(&b, outlen);
}
