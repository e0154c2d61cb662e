/* dot_int.h - one TLS client session over memory BIOs, as tcp.c drives it
 * for DoT connections; not a public API.
 *
 * The session never touches a socket: bytes read from the network are fed
 * in (net__tls_feed), the handshake and reads advance on what was fed, and
 * whatever TLS wants sent (handshake messages, records, alerts) waits in
 * an output buffer that the caller drains (net__tls_pending, net__tls_take)
 * after each call and writes to the stream. Error descriptions are one
 * line: OpenSSL's reason, and the certificate check's when it failed.
 */
#ifndef DNSH_NET_DOT_INT_H
#define DNSH_NET_DOT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "net/dot.h"

typedef struct net_tls_conn net_tls_conn_t;

typedef enum net_tls_rc {
	NET_TLS_OK = 0, /* done (handshake finished, bytes read) */
	NET_TLS_AGAIN,	/* needs more input from the network */
	NET_TLS_CLOSED, /* the peer closed the session (close_notify) */
	NET_TLS_FAILED, /* a TLS error: the session is unusable */
} net_tls_rc_t;

/* A client session of configuration t towards server (the address the
 * certificate is checked against when t verifies without a name), or
 * NULL when out of memory. */
net_tls_conn_t *net__tls_conn_new(const net_tls_t *t,
				  const struct sockaddr *server);

/* Release s (NULL is accepted). */
void net__tls_conn_free(net_tls_conn_t *s);

/* Add len bytes received from the network. false when out of memory. */
bool net__tls_feed(net_tls_conn_t *s, const uint8_t *data, size_t len);

/* Advance the handshake: OK once it is done, AGAIN while it needs more
 * input, FAILED (why in err, errlen bytes) otherwise. */
net_tls_rc_t net__tls_handshake(net_tls_conn_t *s, char *err, size_t errlen);

/* Decrypt what was fed into buf (cap bytes; *n set): OK with *n > 0, AGAIN
 * when nothing more is there yet, CLOSED after close_notify, FAILED (why
 * in err). Call only after the handshake is done. */
net_tls_rc_t net__tls_read(net_tls_conn_t *s, uint8_t *buf, size_t cap,
			   size_t *n, char *err, size_t errlen);

/* Encrypt len bytes as application data (one record when len <= 16384).
 * false (why in err) when the session is unusable or memory is out. */
bool net__tls_write(net_tls_conn_t *s, const uint8_t *data, size_t len,
		    char *err, size_t errlen);

/* Bytes waiting to be sent to the network. */
size_t net__tls_pending(const net_tls_conn_t *s);

/* Move up to cap waiting bytes into buf; returns how many. */
size_t net__tls_take(net_tls_conn_t *s, uint8_t *buf, size_t cap);

#endif
