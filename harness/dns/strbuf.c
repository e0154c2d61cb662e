/* strbuf.c - bounded text builder. */
#include "dns/strbuf.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

dns_strbuf_t dns_strbuf_init(char *buf, size_t cap)
{
	dns_strbuf_t sb = {buf, cap, 0, cap == 0};
	if (cap > 0)
		buf[0] = '\0';
	return sb;
}

void dns_sb_put(dns_strbuf_t *sb, const char *s, size_t n)
{
	if (!sb->over) {
		size_t room = sb->cap - 1 - sb->len;
		size_t k = n < room ? n : room;
		memcpy(sb->buf + sb->len, s, k);
		sb->buf[sb->len + k] = '\0';
		if (k < n)
			sb->over = true;
	}
	sb->len += n;
}

void dns_sb_putc(dns_strbuf_t *sb, char c)
{
	if (!sb->over && sb->cap - 1 - sb->len >= 1) {
		sb->buf[sb->len++] = c;
		sb->buf[sb->len] = '\0';
		return;
	}
	dns_sb_put(sb, &c, 1);
}

void dns_sb_puts(dns_strbuf_t *sb, const char *s)
{
	dns_sb_put(sb, s, strlen(s));
}

/* "00" to "99": numbers are written two digits at a time. */
static const char digit_pairs[201] = "0001020304050607080910111213141516171819"
				     "2021222324252627282930313233343536373839"
				     "4041424344454647484950515253545556575859"
				     "6061626364656667686970717273747576777879"
				     "8081828384858687888990919293949596979899";

/* Write the two digits of d (< 100) before p; returns the new start. */
static char *put_pair(char *p, unsigned d)
{
	p[-2] = digit_pairs[2 * d];
	p[-1] = digit_pairs[2 * d + 1];
	return p - 2;
}

char *dns_digits(char *end, uint64_t v, unsigned min)
{
	char *p = end;
	while (v > UINT32_MAX) {
		p = put_pair(p, (unsigned)(v % 100));
		v /= 100;
	}
	uint32_t x = (uint32_t)v; /* 32-bit division is cheaper */
	while (x >= 100) {
		p = put_pair(p, x % 100);
		x /= 100;
	}
	if (x >= 10)
		p = put_pair(p, x);
	else
		*--p = (char)('0' + x);
	while ((size_t)(end - p) < min)
		*--p = '0';
	return p;
}

void dns_sb_putu(dns_strbuf_t *sb, uint64_t v)
{
	char b[20], *end = b + sizeof(b);
	char *p = dns_digits(end, v, 1);
	size_t n = (size_t)(end - p);
	char *dst = dns_sb_room(sb, n);
	if (dst == NULL) {
		dns_sb_put(sb, p, n);
		return;
	}
	memcpy(dst, p, n);
	dns_sb_wrote(sb, n);
}

void dns_sb_printf(dns_strbuf_t *sb, const char *fmt, ...)
{
	char tmp[256];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if ((size_t)n < sizeof(tmp)) {
		dns_sb_put(sb, tmp, (size_t)n);
		return;
	}
	/* Longer than the scratch buffer: format straight into the target. */
	size_t room = sb->over ? 0 : sb->cap - sb->len;
	va_start(ap, fmt);
	if (room > 0)
		vsnprintf(sb->buf + sb->len, room, fmt, ap);
	va_end(ap);
	if ((size_t)n >= room)
		sb->over = true;
	sb->len += (size_t)n;
}

/* Each byte's two hex digits, one table lookup per byte. */
static const char hex_pairs[513] = "000102030405060708090A0B0C0D0E0F"
				   "101112131415161718191A1B1C1D1E1F"
				   "202122232425262728292A2B2C2D2E2F"
				   "303132333435363738393A3B3C3D3E3F"
				   "404142434445464748494A4B4C4D4E4F"
				   "505152535455565758595A5B5C5D5E5F"
				   "606162636465666768696A6B6C6D6E6F"
				   "707172737475767778797A7B7C7D7E7F"
				   "808182838485868788898A8B8C8D8E8F"
				   "909192939495969798999A9B9C9D9E9F"
				   "A0A1A2A3A4A5A6A7A8A9AAABACADAEAF"
				   "B0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF"
				   "C0C1C2C3C4C5C6C7C8C9CACBCCCDCECF"
				   "D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF"
				   "E0E1E2E3E4E5E6E7E8E9EAEBECEDEEEF"
				   "F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF";

void dns_hex_pairs(char *out, const uint8_t *p, size_t n)
{
	const uint8_t *e = p + n;
	/* four bytes a turn (a quarter of the loop's own work) */
	for (; e - p >= 4; p += 4, out += 8) {
		memcpy(out, hex_pairs + 2 * (size_t)p[0], 2);
		memcpy(out + 2, hex_pairs + 2 * (size_t)p[1], 2);
		memcpy(out + 4, hex_pairs + 2 * (size_t)p[2], 2);
		memcpy(out + 6, hex_pairs + 2 * (size_t)p[3], 2);
	}
	for (; p < e; p++, out += 2)
		memcpy(out, hex_pairs + 2 * (size_t)*p, 2);
}

void dns_sb_hex(dns_strbuf_t *sb, const uint8_t *p, size_t n)
{
	char *dst = n <= SIZE_MAX / 2 ? dns_sb_room(sb, 2 * n) : NULL;
	if (dst != NULL) { /* the common case: straight into the buffer */
		dns_hex_pairs(dst, p, n);
		dns_sb_wrote(sb, 2 * n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char pair[2];
		dns_hex_pairs(pair, p + i, 1);
		dns_sb_put(sb, pair, 2);
	}
}

/* The text of string bytes p[0..n) at out, which has room for 4 * n
 * bytes; returns its end. */
static char *charstr_put(char *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (c == '"' || c == '\\') {
			out[0] = '\\';
			out[1] = (char)c;
			out += 2;
		} else if (c < 0x20 || c > 0x7e) {
			out[0] = '\\';
			out[1] = (char)('0' + c / 100);
			out[2] = (char)('0' + c / 10 % 10);
			out[3] = (char)('0' + c % 10);
			out += 4;
		} else {
			*out++ = (char)c;
		}
	}
	return out;
}

void dns_sb_charstr(dns_strbuf_t *sb, const uint8_t *p, size_t n)
{
	char piece[4 * 64];
	dns_sb_putc(sb, '"');
	for (size_t i = 0; i < n; i += 64) {
		size_t k = n - i < 64 ? n - i : 64;
		char *dst = dns_sb_room(sb, 4 * k);
		if (dst != NULL) {
			dns_sb_wrote(
			    sb, (size_t)(charstr_put(dst, p + i, k) - dst));
			continue;
		}
		dns_sb_put(sb, piece,
			   (size_t)(charstr_put(piece, p + i, k) - piece));
	}
	dns_sb_putc(sb, '"');
}
