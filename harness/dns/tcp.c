/* tcp.c - DNS over TCP length-prefix framing and reassembly. */
#include "dns/tcp.h"

#include <string.h>

#include "dns/arena.h"
#include "dns/wire.h"

void dns_tcp_reader_init(dns_tcp_reader_t *r, size_t limit)
{
	memset(r, 0, sizeof(*r));
	r->limit =
	    (limit == 0 || limit > DNS_MSG_MAXLEN) ? DNS_MSG_MAXLEN : limit;
}

void dns_tcp_reader_reset(dns_tcp_reader_t *r)
{
	r->have = 0;
	r->need = 0;
	r->prefix_have = 0;
	r->offset = 0;
	r->err = DNS_OK;
	r->err_off = 0;
}

void dns_tcp_reader_free(dns_tcp_reader_t *r)
{
	dns_mem_free(r->buf);
	r->buf = NULL;
	r->cap = 0;
	dns_tcp_reader_reset(r);
}

/* Take up to the missing prefix bytes from data; returns bytes taken. */
static size_t take_prefix(dns_tcp_reader_t *r, const uint8_t *data, size_t len)
{
	size_t n = 0;
	while (r->prefix_have < DNS_TCP_PREFIX_LEN && n < len)
		r->prefix[r->prefix_have++] = data[n++];
	return n;
}

/* With the prefix complete, validate the announced length. `at` is the
 * stream offset just past the prefix. */
static dns_rc_t start_message(dns_tcp_reader_t *r, unsigned long long at)
{
	size_t n = dns_get_u16(r->prefix);
	if (n == 0 || n > r->limit) {
		r->err = DNS_E_FRAME;
		r->err_off = at - DNS_TCP_PREFIX_LEN;
		return DNS_E_FRAME;
	}
	r->need = n;
	r->have = 0;
	return DNS_OK;
}

/* Make room for the announced length; the buffer never exceeds it. */
static dns_rc_t reserve(dns_tcp_reader_t *r)
{
	if (r->cap >= r->need)
		return DNS_OK;
	uint8_t *p = dns_mem_realloc(r->buf, r->need);
	if (p == NULL)
		return DNS_E_NOMEM;
	r->buf = p;
	r->cap = r->need;
	return DNS_OK;
}

static void message_done(dns_tcp_reader_t *r)
{
	r->need = 0;
	r->have = 0;
	r->prefix_have = 0;
}

/* Body bytes of the current message from data[*pos..len); *pos advances
 * past them and *msg is set when the message is complete. */
static dns_rc_t take_body(dns_tcp_reader_t *r, const uint8_t *data, size_t len,
			  size_t *pos, const uint8_t **msg)
{
	size_t left = len - *pos;
	if (r->have == 0 && left >= r->need) {
		/* whole message inside this chunk: no copy */
		*msg = data + *pos;
		*pos += r->need;
		return DNS_OK;
	}
	dns_rc_t rc = reserve(r);
	if (rc != DNS_OK)
		return rc;
	size_t n = r->need - r->have;
	if (n > left)
		n = left;
	memcpy(r->buf + r->have, data + *pos, n);
	r->have += n;
	*pos += n;
	if (r->have == r->need)
		*msg = r->buf;
	return DNS_OK;
}

dns_rc_t dns_tcp_read(dns_tcp_reader_t *r, const uint8_t *data, size_t len,
		      size_t *used, const uint8_t **msg, size_t *msglen)
{
	*used = 0;
	*msg = NULL;
	*msglen = 0;
	if (r->err != DNS_OK)
		return r->err;
	size_t pos = 0;
	dns_rc_t rc = DNS_OK;
	if (r->need == 0) {
		pos = take_prefix(r, data, len);
		if (r->prefix_have == DNS_TCP_PREFIX_LEN)
			rc = start_message(r, r->offset + pos);
	}
	if (rc == DNS_OK && r->need > 0 && pos < len)
		rc = take_body(r, data, len, &pos, msg);
	if (*msg != NULL) {
		*msglen = r->need;
		message_done(r);
	}
	*used = pos;
	r->offset += pos;
	return rc;
}

size_t dns_tcp_pending(const dns_tcp_reader_t *r)
{
	return r->need > 0 ? DNS_TCP_PREFIX_LEN + r->have : r->prefix_have;
}

dns_rc_t dns_tcp_end(const dns_tcp_reader_t *r, size_t *pending,
		     size_t *missing)
{
	size_t p = dns_tcp_pending(r);
	size_t m = r->need > 0 ? r->need - r->have
			       : (p > 0 ? DNS_TCP_PREFIX_LEN - p : 0);
	if (pending != NULL)
		*pending = p;
	if (missing != NULL)
		*missing = m;
	if (r->err != DNS_OK)
		return r->err;
	return p == 0 ? DNS_OK : DNS_E_SHORT;
}

dns_rc_t dns_tcp_frame(const uint8_t *msg, size_t len, uint8_t *out, size_t cap,
		       size_t *outlen)
{
	*outlen = 0;
	if (len == 0 || len > DNS_MSG_MAXLEN)
		return DNS_E_FRAME;
	if (cap < DNS_TCP_PREFIX_LEN || cap - DNS_TCP_PREFIX_LEN < len)
		return DNS_E_SPACE;
	memmove(out + DNS_TCP_PREFIX_LEN, msg, len);
	dns_put_u16(out, (uint16_t)len);
	*outlen = len + DNS_TCP_PREFIX_LEN;
	return DNS_OK;
}
