/* wire.h - the one checked cursor for reading and writing DNS wire data.
 *
 * A cursor is a small struct kept on the stack. Every read and write is
 * bounds-checked in every build; the first error sticks (later calls do
 * nothing and return zeros), so a parser reads a run of fields and checks
 * w->err once at the end. The cursor knows the whole message (msg, msglen)
 * so that compression pointers can be followed from inside a sub-cursor,
 * while its own window [pos, end) limits what it may consume.
 */
#ifndef DNS_WIRE_H
#define DNS_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dns/err.h"

#define DNS_MSG_MAXLEN 65535u /* largest DNS message (TCP length prefix) */
#define DNS_HEADER_LEN 12u

typedef struct dns_wire {
	const uint8_t *msg; /* start of the whole message */
	uint8_t *out;	    /* writable alias of msg, NULL for a reader */
	size_t msglen;	/* bytes of the whole message (capacity for a writer) */
	size_t pos;	/* next byte, as an offset from msg */
	size_t end;	/* this cursor may not go past end (<= msglen) */
	dns_rc_t err;	/* first error, DNS_OK while none */
	size_t err_off; /* offset of the first error */
} dns_wire_t;

/* A reader over len bytes at data. */
static inline dns_wire_t dns_wire_reader(const uint8_t *data, size_t len)
{
	dns_wire_t w = {data, NULL, len, 0, len, DNS_OK, 0};
	return w;
}

/* A writer into cap bytes at buf. */
static inline dns_wire_t dns_wire_writer(uint8_t *buf, size_t cap)
{
	dns_wire_t w = {buf, buf, cap, 0, cap, DNS_OK, 0};
	return w;
}

/* Record rc at the current position unless an error is already set. */
static inline void dns_wire_fail(dns_wire_t *w, dns_rc_t rc)
{
	if (w->err == DNS_OK) {
		w->err = rc;
		w->err_off = w->pos;
	}
}

static inline void dns_wire_fail_at(dns_wire_t *w, dns_rc_t rc, size_t off)
{
	if (w->err == DNS_OK) {
		w->err = rc;
		w->err_off = off;
	}
}

static inline size_t dns_wire_left(const dns_wire_t *w)
{
	return w->err == DNS_OK && w->pos < w->end ? w->end - w->pos : 0;
}

static inline bool dns_wire_ok(const dns_wire_t *w)
{
	return w->err == DNS_OK;
}

/* Succeeds when n bytes are available; otherwise records short (rc). */
static inline bool dns_wire_need(dns_wire_t *w, size_t n, dns_rc_t rc)
{
	if (w->err != DNS_OK)
		return false;
	if (w->pos > w->end || w->end - w->pos < n) {
		dns_wire_fail(w, rc);
		return false;
	}
	return true;
}

/* A sub-cursor over the next len bytes of w (e.g. RDATA limited to
 * RDLENGTH); w itself is advanced past them. If fewer than len bytes are
 * left, w records `rc` and the sub-cursor is empty and failed too. */
static inline dns_wire_t dns_wire_sub(dns_wire_t *w, size_t len, dns_rc_t rc)
{
	dns_wire_t s = *w;
	if (!dns_wire_need(w, len, rc)) {
		s.err = w->err;
		s.err_off = w->err_off;
		s.end = s.pos;
		return s;
	}
	s.end = w->pos + len;
	w->pos += len;
	return s;
}

static inline uint8_t dns_wire_u8(dns_wire_t *w)
{
	if (!dns_wire_need(w, 1, DNS_E_SHORT))
		return 0;
	return w->msg[w->pos++];
}

static inline uint16_t dns_wire_u16(dns_wire_t *w)
{
	if (!dns_wire_need(w, 2, DNS_E_SHORT))
		return 0;
	uint16_t v = (uint16_t)(w->msg[w->pos] << 8 | w->msg[w->pos + 1]);
	w->pos += 2;
	return v;
}

static inline uint32_t dns_wire_u32(dns_wire_t *w)
{
	if (!dns_wire_need(w, 4, DNS_E_SHORT))
		return 0;
	const uint8_t *p = w->msg + w->pos;
	w->pos += 4;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

/* Copy n bytes out (dst may be NULL to skip). Returns a pointer to them in
 * the message, or NULL on error. */
static inline const uint8_t *dns_wire_bytes(dns_wire_t *w, void *dst, size_t n)
{
	if (!dns_wire_need(w, n, DNS_E_SHORT))
		return NULL;
	const uint8_t *p = w->msg + w->pos;
	if (dst != NULL && n > 0)
		memcpy(dst, p, n);
	w->pos += n;
	return p;
}

static inline void dns_wire_skip(dns_wire_t *w, size_t n)
{
	(void)dns_wire_bytes(w, NULL, n);
}

/* Writers: record DNS_E_SPACE when the buffer is full. */
static inline bool dns_wire_put_need(dns_wire_t *w, size_t n)
{
	if (w->out == NULL) {
		dns_wire_fail(w, DNS_E_INTERNAL);
		return false;
	}
	return dns_wire_need(w, n, DNS_E_SPACE);
}

static inline void dns_wire_put_u8(dns_wire_t *w, uint8_t v)
{
	if (dns_wire_put_need(w, 1))
		w->out[w->pos++] = v;
}

static inline void dns_wire_put_u16(dns_wire_t *w, uint16_t v)
{
	if (!dns_wire_put_need(w, 2))
		return;
	w->out[w->pos] = (uint8_t)(v >> 8);
	w->out[w->pos + 1] = (uint8_t)v;
	w->pos += 2;
}

static inline void dns_wire_put_u32(dns_wire_t *w, uint32_t v)
{
	if (!dns_wire_put_need(w, 4))
		return;
	uint8_t *p = w->out + w->pos;
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
	w->pos += 4;
}

static inline void dns_wire_put_bytes(dns_wire_t *w, const void *src, size_t n)
{
	if (n > 0 && dns_wire_put_need(w, n)) {
		memcpy(w->out + w->pos, src, n);
		w->pos += n;
	}
}

/* Overwrite a 16-bit value at an offset already written (e.g. RDLENGTH). */
static inline void dns_wire_poke_u16(dns_wire_t *w, size_t off, uint16_t v)
{
	if (w->err != DNS_OK)
		return;
	if (w->out == NULL || off + 2 > w->pos) {
		dns_wire_fail(w, DNS_E_INTERNAL);
		return;
	}
	w->out[off] = (uint8_t)(v >> 8);
	w->out[off + 1] = (uint8_t)v;
}

static inline uint16_t dns_get_u16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t dns_get_u32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void dns_put_u16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void dns_put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

#endif
