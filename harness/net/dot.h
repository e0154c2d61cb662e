/* dot.h - DNS over TLS (RFC 7858) for client exchanges.
 *
 * DoT is TCP's framing, connection reuse and pipelining (exchange.h)
 * inside a TLS session. A net_tcp_pool_t whose `tls` member is set opens
 * each connection with a TLS handshake driven by the libuv stream through
 * OpenSSL memory BIOs (nothing blocks), sends its queries once the
 * handshake is done, and reads responses from the decrypted stream;
 * everything else is as over TCP. The ClientHello offers ALPN "dot"
 * (RFC 7858 section 3.1 leaves it optional, so a server that ignores it is
 * accepted) and TLS 1.2 or later (RFC 8310 section 9).
 *
 * Outcomes, besides TCP's:
 *  - the handshake fails (the server sent something that is not TLS, an
 *    alert, a certificate that does not verify, or closed or reset the
 *    connection before the handshake ended): every query waiting on that
 *    connection ends with NET_ERROR and a detail "TLS handshake failed:
 *    ..."; it is not retried, being the server's answer to any query;
 *  - no handshake within the timeout: NET_TIMEOUT, "no TLS session ...";
 *  - a TLS error after the handshake (a damaged record, an alert):
 *    NET_CLOSED, "TLS error from the server: ...";
 *  - the server's close_notify: NET_CLOSED, "the server closed the TLS
 *    session (close_notify)"; a TCP close without it is TCP's NET_CLOSED
 *    with "(no TLS close_notify)" added.
 * The packet tap sees the decrypted DNS stream, on the connection's real
 * addresses and ports (the pcap is readable as DNS over TCP).
 */
#ifndef DNSH_NET_DOT_H
#define DNSH_NET_DOT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#define NET_DOT_PORT 853u

/* How to authenticate the server. */
typedef struct net_tls_opts {
	/* true: the strict profile of RFC 8310: the certificate chain must
	 * verify against ca_file, and the certificate must name `name`, or
	 * the address connected to when name is NULL; a failure is a failed
	 * handshake. false: the opportunistic profile, nothing checked. */
	bool verify;
	const char *ca_file; /* PEM trust anchors; NULL: the system's store */
	/* The server's name: sent as SNI (unless it is an IP literal, which
	 * is then the address to verify); NULL: no SNI. */
	const char *name;
} net_tls_opts_t;

/* A TLS client configuration, shared by the connections of any number of
 * pools (set pool.tls after net_tcp_pool_init); it must outlive them. */
typedef struct net_tls net_tls_t;

/* A configuration from o (copied: o's strings need not outlive it), or
 * NULL with a sentence in err (errlen bytes): no memory, or ca_file could
 * not be loaded. */
net_tls_t *net_tls_new(const net_tls_opts_t *o, char *err, size_t errlen);

/* Release t (NULL is accepted). */
void net_tls_free(net_tls_t *t);

/* Does sa name this host: 127.0.0.0/8, ::1, or ::ffff:127.0.0.0/104? */
bool net_addr_is_loopback(const struct sockaddr *sa);

#endif
