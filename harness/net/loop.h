/* loop.h - the event loop shared by every transport, client and server.
 *
 * A net_loop_t wraps one libuv loop with what all transports need: one
 * receive buffer (libuv reads synchronously into it, and every reader
 * copies what it keeps before returning), a packet tap (the traffic
 * capture, or a test's observer), a source of query IDs and the limits
 * that bound what a hostile peer can make the harness hold. Transports
 * live in udp.c and tcp.c (client exchanges, exchange.h); a server side
 * adds its own handles to the same loop.
 *
 * Addresses: a target is written HOST, HOST:PORT, IPv6 literal, or
 * [IPv6]:PORT.
 */
#ifndef DNSH_NET_LOOP_H
#define DNSH_NET_LOOP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

/* Observer of every packet sent and received (e.g. report.h's pcap_log);
 * any member may be NULL. conn identifies one TCP connection. */
typedef struct net_tap {
	void *ctx;
	void (*udp)(void *ctx, const struct sockaddr *src,
		    const struct sockaddr *dst, const uint8_t *data,
		    size_t len);
	void (*tcp_open)(void *ctx, uint64_t conn,
			 const struct sockaddr *client,
			 const struct sockaddr *server);
	void (*tcp_data)(void *ctx, uint64_t conn, bool from_client,
			 const uint8_t *data, size_t len);
	void (*tcp_close)(void *ctx, uint64_t conn, bool by_client);
} net_tap_t;

/* What one exchange may accumulate: a peer that sends more is cut off
 * with a named outcome, never buffered further. */
typedef struct net_limits {
	size_t max_msgs;  /* messages kept per exchange (default 10000) */
	size_t max_bytes; /* bytes kept per exchange (default 16 MiB) */
	unsigned long max_transfer_ms; /* a multi-message exchange, from
					  sending the query (default 60000) */
} net_limits_t;

#define NET_RXBUF_LEN 65536u

typedef struct net_loop {
	uv_loop_t uv;
	uint8_t rxbuf[NET_RXBUF_LEN]; /* shared receive buffer */
	net_tap_t tap;
	net_limits_t limits;
	uint64_t next_conn; /* TCP connection ids for the tap */
	uint64_t rng[2];    /* xorshift128+ state for query IDs */
	/* the local address the kernel picks towards route_dst (cached) */
	struct sockaddr_storage route_dst, route_src;
	/* UDP client sockets (udp.c): every open one, and the idle ones
	 * kept for reuse, oldest first */
	struct net_udp_sock *udp_all, *udp_idle, *udp_idle_tail;
	size_t udp_nidle;
	/* UDP exchanges waiting for a deadline, earliest first, under one
	 * timer (udp.c) */
	struct net_exchange *udp_wait, *udp_wait_tail;
	uv_timer_t udp_timer;
	uint64_t udp_armed; /* the deadline udp_timer is set for */
	/* UDP exchanges that have ended, oldest first: their done() runs
	 * from ended_idle on the loop's next turn (exchange.c) */
	struct net_exchange *ended, *ended_tail;
	uv_idle_t ended_idle;
} net_loop_t;

/* Initialise l (the caller owns the memory, which must not move while the
 * loop lives): a libuv loop, default limits, no tap, an ID generator
 * seeded from the system. Also ignores SIGPIPE for the process (a write to
 * a reset TCP connection must be an error value, not a signal). Returns 0
 * or a negative libuv error. */
int net_loop_init(net_loop_t *l);

/* Run until no handle is active. Returns uv_run's result. */
int net_loop_run(net_loop_t *l);

/* Run the done() of exchanges that have ended and still wait for it, close
 * every handle still open, run the loop until they are closed and release
 * it. l may be initialised again afterwards. */
void net_loop_close(net_loop_t *l);

/* The local address (port 0) the kernel would use to reach dst, found
 * once per destination with a connected UDP socket (nothing is sent);
 * the unspecified address when that fails. Points into l (the cache),
 * valid until the next call. */
const struct sockaddr_storage *net_local_for(net_loop_t *l,
					     const struct sockaddr *dst);

/* A fresh random 16-bit query ID. */
uint16_t net_random_id(net_loop_t *l);

/* Milliseconds on the monotonic clock (CLOCK_MONOTONIC, uv_hrtime's), as
 * a double. */
double net_now_ms(void);

/* Parse "HOST", "HOST:PORT", "v6::literal" or "[v6::literal]:PORT" into
 * *out (port default_port when none is given). HOST may be a name; it is
 * resolved with getaddrinfo (first result). false with a sentence in err
 * (errlen bytes) on failure. */
bool net_addr_parse(const char *text, uint16_t default_port,
		    struct sockaddr_storage *out, char *err, size_t errlen);

/* "127.0.0.1:53" or "[::1]:53" into buf (cap bytes); returns buf. */
char *net_addr_format(const struct sockaddr *sa, char *buf, size_t cap);

/* Same family, address and port. */
bool net_addr_equal(const struct sockaddr *a, const struct sockaddr *b);

/* The length of a sockaddr of sa's family (0 for an unknown family). */
socklen_t net_addr_len(const struct sockaddr *sa);

#endif
