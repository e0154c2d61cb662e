/* tcp.h - DNS over TCP framing (RFC 1035 section 4.2.2, RFC 7766 section 8).
 *
 * On a TCP stream every message is preceded by a two-octet length in
 * network order. The reader reassembles messages from chunks of the
 * stream of any size: a length prefix split across chunks, one byte at a
 * time, several messages in one chunk. A length of 0 (or above the
 * reader's limit) is DNS_E_FRAME and ends the stream: framing cannot be
 * recovered after it. The reader's buffer is heap memory (dns_mem_*) that
 * grows only to the largest announced length, never past the limit.
 */
#ifndef DNS_TCP_H
#define DNS_TCP_H

#include <stddef.h>
#include <stdint.h>

#include "dns/err.h"

#define DNS_TCP_PREFIX_LEN 2u

typedef struct dns_tcp_reader {
	uint8_t *buf;	   /* message being reassembled (dns_mem_*), or NULL */
	size_t cap;	   /* bytes allocated at buf */
	size_t limit;	   /* largest accepted message length, 1..65535 */
	size_t have;	   /* message bytes received so far */
	size_t need;	   /* announced length; 0 while the prefix is short */
	uint8_t prefix[2]; /* length prefix bytes received so far */
	uint8_t prefix_have;	    /* 0, 1 or 2 */
	unsigned long long offset;  /* stream bytes consumed so far */
	dns_rc_t err;		    /* sticky DNS_E_FRAME, DNS_OK otherwise */
	unsigned long long err_off; /* stream offset of the bad prefix */
} dns_tcp_reader_t;

/* A reader for a new stream accepting messages of at most limit bytes
 * (0 or more than 65535 means 65535). Allocates nothing. */
void dns_tcp_reader_init(dns_tcp_reader_t *r, size_t limit);

/* Forget the stream (and any error), keeping the buffer for the next one. */
void dns_tcp_reader_reset(dns_tcp_reader_t *r);

/* Release the buffer. The reader may be reused after dns_tcp_reader_init. */
void dns_tcp_reader_free(dns_tcp_reader_t *r);

/* Consume bytes of the stream from data (len bytes) until one message is
 * complete or data is used up; *used receives the bytes consumed (the
 * caller passes the rest in the next call). When a message is complete,
 * *msg and *msglen describe it, else *msg is NULL and *msglen 0. The
 * message lies either inside data (no copy was needed) or in the reader's
 * buffer; it stays valid until the next call on r and while data lives.
 * Returns DNS_OK; DNS_E_FRAME for a length of 0 or over the limit (sticky:
 * every later call returns it, with nothing consumed); DNS_E_NOMEM when the
 * buffer could not grow: the bytes not consumed may be passed again. */
dns_rc_t dns_tcp_read(dns_tcp_reader_t *r, const uint8_t *data, size_t len,
		      size_t *used, const uint8_t **msg, size_t *msglen);

/* Bytes received but not yet yielded as a message (prefix included): 0
 * at a clean message boundary. */
size_t dns_tcp_pending(const dns_tcp_reader_t *r);

/* At the end of the stream: DNS_OK when it ended on a message boundary;
 * otherwise DNS_E_SHORT, with *pending (may be NULL) set to the bytes held
 * and *missing (may be NULL) to the bytes the announced length still
 * wanted (or, with the prefix incomplete, the prefix bytes missing).
 * A reader in error returns its error. */
dns_rc_t dns_tcp_end(const dns_tcp_reader_t *r, size_t *pending,
		     size_t *missing);

/* Write the two-octet length and the message (len bytes at msg) into out
 * (cap bytes); *outlen receives len + 2. msg may overlap out (e.g. a
 * message built in place at out + 2). DNS_E_FRAME when len is 0 or over
 * 65535, DNS_E_SPACE when cap is too small (nothing written then). */
dns_rc_t dns_tcp_frame(const uint8_t *msg, size_t len, uint8_t *out, size_t cap,
		       size_t *outlen);

#endif
