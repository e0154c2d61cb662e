/* exchange.h - one query and what came back, over UDP or TCP (client side).
 *
 * An exchange sends one query to a server and collects the responses that
 * belong to it, bounded by a timeout per attempt, the loop's limits and
 * the rules below; it always ends with a named status and calls done()
 * exactly once, after every libuv handle and request it used is finished,
 * so the caller may then free or reuse it. done() always runs from the
 * loop, never inside the call that started or ended the exchange
 * (net_udp_start, net_exchange_abort ...).
 *
 * UDP: one socket at a time per exchange, bound to an ephemeral port and
 * not connected, so stray datagrams are seen and counted. Sockets are
 * reused from a pool on the loop, but only after a clean exchange
 * (answered on the first attempt, nothing ignored, no send pending); one
 * whose query timed out or saw strays is closed. A reused socket never
 * sends the ID its previous query had, and drops unseen a late datagram
 * carrying that ID, so it behaves as a fresh one (udp.c). A datagram is
 * accepted when it comes from the server's address and port and carries
 * the query's ID (queries shorter than 2 bytes accept any ID). Anything
 * else - another source, another ID (a late answer to an earlier attempt
 * included), fewer than 2 bytes, duplicates while lingering - is counted
 * in res.ignored and dropped. The question is not used to match: whether
 * it is echoed is a verdict (expect.h), not a reason to wait. After a
 * timeout, a retry sends again from the same socket (with a fresh ID when
 * fresh_id). An ICMP port or host unreachable ends the exchange at once
 * with NET_ERROR and res.unreachable.
 *
 * TCP: exchanges go through a pool of connections to one server (reused,
 * and pipelined up to `depth` queries each; never two pending queries
 * with the same ID on one connection). Responses are matched by ID, in
 * any order; a query shorter than 2 bytes has no ID to match, so it goes
 * alone on a connection of its own and takes what comes there (as does an
 * exchange with wait_ms, partial or hold_ms). A close,
 * reset or framing error on a connection that carried other queries or
 * was reused is not blamed on a query: each query still waiting there
 * is sent again alone on a fresh connection, and only what happens there
 * is its outcome.
 *
 * DoT (dot.h): a TCP pool whose connections run TLS; the same rules.
 */
#ifndef DNSH_NET_EXCHANGE_H
#define DNSH_NET_EXCHANGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

#include "dns/arena.h"
#include "dns/tcp.h"
#include "net/loop.h"

typedef enum net_status {
	NET_PENDING = 0, /* still running */
	NET_ANSWERED,	 /* at least one response was accepted */
	NET_TIMEOUT,	 /* no response in time, on every attempt */
	NET_CLOSED,	 /* TCP: the server closed, or its framing broke */
	NET_RESET,	 /* TCP: connection reset */
	NET_ERROR,	 /* could not send: refused, unreachable, no memory */
	NET_ABORTED,	 /* stopped by net_exchange_abort */
} net_status_t;

/* "answered", "timeout", "closed", "reset", "error", "aborted". */
const char *net_status_name(net_status_t s);

/* TCP, hold_ms: what the server did with the connection after the
 * response (net_exchange_t.hold_ms). */
typedef enum net_hold {
	NET_HOLD_NONE =
	    0,		 /* no hold: not asked, or no response to hold after */
	NET_HOLD_OPEN,	 /* still open when the hold ended */
	NET_HOLD_CLOSED, /* the server closed it (FIN; or it failed) */
	NET_HOLD_RESET,	 /* the server reset it (RST) */
} net_hold_t;

/* "none", "open", "closed", "reset". */
const char *net_hold_name(net_hold_t h);

typedef struct net_hold_result {
	net_hold_t state;
	double after_ms;      /* from the response to the close, or the
				 whole hold when OPEN */
	size_t bytes;	      /* bytes the server sent during the hold */
	double first_byte_ms; /* from the response to the first of them */
	/* reuse: the query sent again once the hold ended OPEN */
	net_status_t reuse;  /* PENDING: not sent; ANSWERED, TIMEOUT,
				CLOSED or RESET */
	double reuse_rtt_ms; /* ANSWERED: send to response */
	size_t reuse_len;    /* ANSWERED: bytes of the response */
} net_hold_result_t;

typedef struct net_result {
	net_status_t status;
	int uv_err;	      /* libuv error behind CLOSED/RESET/ERROR, or 0 */
	bool unreachable;     /* ERROR: refused, or no route to the server */
	bool capped;	      /* collection stopped at a limit (net_limits_t) */
	const uint8_t **msgs; /* accepted responses, arrival order (arena) */
	size_t *lens;
	size_t nmsgs;
	size_t bytes;		/* sum of lens */
	size_t ignored;		/* received, not accepted (see above) */
	unsigned attempts;	/* times the query was sent */
	double rtt_ms;		/* last send to first accepted response */
	net_hold_result_t hold; /* TCP with hold_ms */
	/* last: net__begin clears the fields before it and detail[0] only */
	char detail[160]; /* a sentence saying what happened, or "" */
} net_result_t;

typedef struct net_exchange net_exchange_t;
typedef struct net_tcp_conn net_tcp_conn_t;
typedef struct net_tcp_pool net_tcp_pool_t;

struct net_exchange {
	/* Set by the caller before starting (zero-initialise the rest). */
	const struct sockaddr *server; /* UDP; TCP uses the pool's */
	uint8_t *msg;		  /* the query (caller-owned while running);
				     bytes 0-1 are rewritten when fresh_id;
				     not NULL, even when len is 0 */
	size_t len;		  /* 0..65535; 0 sends an empty message: a
				     zero-length datagram, or over TCP a
				     length prefix of 0 and nothing else */
	bool fresh_id;		  /* a new random ID for every send */
	bool split_prefix;	  /* TCP: length prefix as its own write */
	unsigned long wait_ms;	  /* TCP: on a connection of its own, once
				     connected, wait this long before
				     sending (0: send at once) */
	bool partial;		  /* TCP: on a connection of its own, send
				     the length prefix and only the first
				     partial_len bytes of the message */
	size_t partial_len;	  /* see partial */
	bool multi;		  /* TCP: a transfer (AXFR/IXFR), several
				     messages: ends at the closing SOA of an
				     AXFR, a non-zero rcode or idle_ms */
	unsigned long timeout_ms; /* per attempt (0: 1000) */
	unsigned retries;	  /* UDP: extra attempts after a timeout */
	unsigned long linger_ms;  /* UDP: keep listening this long after
				     the answer, counting duplicates */
	unsigned long idle_ms;	  /* multi: end this long after the last
				     message (0: 500) */
	unsigned long hold_ms;	  /* TCP: on a connection of its own, after
				     the response (all of it, for multi)
				     keep the connection open this long and
				     watch it: res.hold says whether the
				     server closed it, when, and what it
				     sent meanwhile */
	bool reuse;		  /* hold_ms: when the connection is still
				     open at the end of the hold, send the
				     query again on it (a fresh ID when
				     fresh_id) and wait timeout_ms for the
				     answer (res.hold.reuse) */
	dns_arena_t *arena;	  /* accepted responses are copied here */
	void (*done)(net_exchange_t *x);
	void *user;

	net_result_t res; /* the outcome, complete when done() runs */

	/* Internal to net/. */
	struct {
		net_loop_t *loop;
		struct net_udp_sock *sock; /* UDP: the socket in use */
		int open_handles; /* closes outstanding before done() */
		bool sock_open;	  /* UDP: holds a socket */
		bool on_wire;	  /* TCP: written on its connection */
		bool finishing;
		bool lingering;
		bool isolated;	   /* TCP: alone on a dedicated connection */
		bool waited;	   /* TCP: wait_ms is over */
		bool holding;	   /* TCP: answered, in hold_ms */
		bool reusing;	   /* TCP: hold over, the query sent again */
		double held_at;	   /* when the hold began */
		uint16_t id;	   /* ID expected in responses */
		unsigned soa_seen; /* multi: SOA records seen in answers */
		double sent_at;
		size_t cap;	     /* slots in res.msgs / res.lens */
		uint16_t local_port; /* UDP: the socket's port (host order) */
		net_tcp_pool_t *pool;
		net_tcp_conn_t *conn;
		net_exchange_t *next; /* in the connection's pending list */
		/* UDP: on the loop's list of deadlines (udp.c) */
		net_exchange_t *wait_prev, *wait_next;
		uint64_t deadline; /* uv_now() time */
		bool waiting;
		/* UDP: on the loop's queue of ended exchanges (exchange.c) */
		net_exchange_t *ended_next;
		/* TCP: the exchange's timer (UDP has none: its deadline is on
		 * the loop's list). Last: net__begin leaves it to
		 * uv_timer_init. */
		uv_timer_t timer;
	} in;
};

/* Start x over UDP on loop l. Returns 0; or a negative libuv error when
 * nothing could be started (done() is then not called). A failure after
 * the start (send refused ...) ends the exchange with NET_ERROR. */
int net_udp_start(net_loop_t *l, net_exchange_t *x);

/* Stop x now: it ends with NET_ABORTED unless it has already ended
 * (done() still runs once, later, from the loop). */
void net_exchange_abort(net_exchange_t *x);

/* The pool of TCP connections to one server. */
struct net_tcp_pool {
	net_loop_t *loop;
	struct sockaddr_storage server;
	unsigned depth;	       /* pipelined queries per connection */
	net_tcp_conn_t *conns; /* shared connections */
	size_t nconns;	       /* open connections, dedicated included */
	/* DoT: set after net_tcp_pool_init, and every connection is a TLS
	 * session of this configuration (dot.h); NULL: plain TCP. */
	struct net_tls *tls;
};

/* A pool for server, pipelining up to depth queries per connection (0: 16).
 * Opens nothing yet. */
void net_tcp_pool_init(net_tcp_pool_t *p, net_loop_t *l,
		       const struct sockaddr *server, unsigned depth);

/* Start x over TCP through pool p. Returns 0, or a negative libuv error
 * when nothing could be started (done() is then not called). */
int net_tcp_start(net_tcp_pool_t *p, net_exchange_t *x);

/* Close the pool's idle connections (call when no exchange is running;
 * the loop then finishes closing them). */
void net_tcp_pool_close(net_tcp_pool_t *p);

#endif
