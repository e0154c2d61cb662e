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

void dns_sb_putu(dns_strbuf_t *sb, uint64_t v)
{
	char b[20], *p = b + sizeof(b);
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
	size_t n = (size_t)(b + sizeof(b) - p);
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

void dns_sb_hex(dns_strbuf_t *sb, const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789ABCDEF";
	char *dst = n <= SIZE_MAX / 2 ? dns_sb_room(sb, 2 * n) : NULL;
	if (dst != NULL) { /* the common case: straight into the buffer */
		for (size_t i = 0; i < n; i++) {
			dst[2 * i] = digits[p[i] >> 4];
			dst[2 * i + 1] = digits[p[i] & 15];
		}
		dns_sb_wrote(sb, 2 * n);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		char pair[2] = {digits[p[i] >> 4], digits[p[i] & 15]};
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
