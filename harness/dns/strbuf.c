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
	dns_sb_put(sb, &c, 1);
}

void dns_sb_puts(dns_strbuf_t *sb, const char *s)
{
	dns_sb_put(sb, s, strlen(s));
}

void dns_sb_putu(dns_strbuf_t *sb, uint64_t v)
{
	char b[20], *p = b + sizeof(b);
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v > 0);
	dns_sb_put(sb, p, (size_t)(b + sizeof(b) - p));
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
	for (size_t i = 0; i < n; i++) {
		char pair[2] = {digits[p[i] >> 4], digits[p[i] & 15]};
		dns_sb_put(sb, pair, 2);
	}
}

void dns_sb_charstr(dns_strbuf_t *sb, const uint8_t *p, size_t n)
{
	dns_sb_putc(sb, '"');
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (c == '"' || c == '\\') {
			dns_sb_putc(sb, '\\');
			dns_sb_putc(sb, (char)c);
		} else if (c < 0x20 || c > 0x7e) {
			dns_sb_printf(sb, "\\%03u", c);
		} else {
			dns_sb_putc(sb, (char)c);
		}
	}
	dns_sb_putc(sb, '"');
}
