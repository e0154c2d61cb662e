/* strbuf.h - a bounded text builder for printers.
 *
 * Writes into a caller buffer; on overflow it keeps the text cut short,
 * stays NUL-terminated, and sets `over`, so printers append freely and the
 * caller checks once. `len` counts what would have been written.
 */
#ifndef DNS_STRBUF_H
#define DNS_STRBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct dns_strbuf {
	char *buf;
	size_t cap; /* bytes at buf, including room for the NUL */
	size_t len; /* length of the full text, even past cap */
	bool over;  /* the text did not fit */
} dns_strbuf_t;

/* A builder over cap bytes at buf (cap >= 1). */
dns_strbuf_t dns_strbuf_init(char *buf, size_t cap);

/* Room to write n bytes (and the NUL after them) straight into the
 * buffer: where they go, or NULL when they would not fit (write them with
 * dns_sb_put then). dns_sb_wrote(sb, k) adds the k <= n bytes written. */
static inline char *dns_sb_room(dns_strbuf_t *sb, size_t n)
{
	if (sb->over || sb->cap - 1 - sb->len < n)
		return NULL;
	return sb->buf + sb->len;
}

static inline void dns_sb_wrote(dns_strbuf_t *sb, size_t k)
{
	sb->len += k;
	sb->buf[sb->len] = '\0';
}

void dns_sb_putc(dns_strbuf_t *sb, char c);
void dns_sb_put(dns_strbuf_t *sb, const char *s, size_t n);
void dns_sb_puts(dns_strbuf_t *sb, const char *s);
/* v in decimal (what "%llu" prints, without printf's cost). */
void dns_sb_putu(dns_strbuf_t *sb, uint64_t v);
/* The decimal digits of v, at least min of them (zeros in front), written
 * so that they end just before end (there must be room for 20 digits, or
 * min); returns where they start. For writers with buffers of their own. */
char *dns_digits(char *end, uint64_t v, unsigned min);
/* The n bytes at p as 2 * n uppercase hex digits at out (no NUL). */
void dns_hex_pairs(char *out, const uint8_t *p, size_t n);
void dns_sb_printf(dns_strbuf_t *sb, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Bytes as uppercase hex pairs, no separators (as dig prints). */
void dns_sb_hex(dns_strbuf_t *sb, const uint8_t *p, size_t n);
/* A <character-string> in presentation form: quoted, with '"' and '\'
 * escaped as \" \\ and bytes outside 0x20-0x7e as \DDD. */
void dns_sb_charstr(dns_strbuf_t *sb, const uint8_t *p, size_t n);

#endif
