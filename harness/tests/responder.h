/* responder.h - small hostile DNS responders for the engine and runner
 * tests: each runs in a thread on 127.0.0.1 and a random port, misbehaves
 * in one named way, and stops within 30 s whatever happens. Include after
 * cmocka.h; every function is static (a test helper, not an API). */
#ifndef DNSH_TESTS_RESPONDER_H
#define DNSH_TESTS_RESPONDER_H

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef enum behaviour {
	/* UDP */
	U_OK,	       /* the query back with QR set */
	U_SILENT,      /* never answers */
	U_GARBAGE,     /* 40 random bytes carrying the query's ID */
	U_GARBAGE_ID,  /* 40 random bytes with another ID */
	U_ONE_BYTE,    /* a 1-byte datagram */
	U_TRUNCATED,   /* the first 7 bytes of the answer */
	U_PTR_LOOP,    /* an answer whose record owner points at itself */
	U_WRONG_FIRST, /* another ID first, then the answer */
	U_OTHER_PORT,  /* the answer from another port */
	U_DUPLICATE,   /* the answer twice */
	U_LATE,	       /* answers query 1 only when query 2 arrives */
	U_LATE_BOTH,   /* as U_LATE, then answers query 2 too */
	U_FLOOD,       /* 200 datagrams with other IDs, then the answer */
	U_REVERSE,     /* holds up to 8 queries (150 ms at most), answers
			  them last first */
	U_COOKIE,      /* as U_OK; a query ending in an OPT whose one option
			  is a client-only COOKIE gets server cookie
			  a0a1..a7 added to it */
	/* TCP */
	T_OK,	      /* answers each query */
	T_REVERSE,    /* reads 3 queries, answers them last first */
	T_BIG,	      /* a 65535-byte answer */
	T_RESET,      /* reads the query, resets */
	T_HALF_CLOSE, /* reads the query, shuts its sending side */
	T_DRIP,	      /* the answer one byte per 100 ms */
	T_ZERO_LEN,   /* a frame of length 0 */
	T_CLOSE_BAD,  /* answers, but closes on seeing ID 0x0bad */
	T_AXFR,	      /* SOA, A, SOA: three messages */
	T_NO_END,     /* two messages of a transfer that never ends */
	T_SILENT,     /* accepts, reads, never answers */
	/* TCP, after answering (the connection held, tcp: {hold:}) */
	T_CLOSE_LATER,	 /* answers, closes (FIN) LATER_MS after */
	T_RESET_LATER,	 /* answers, resets (RST) LATER_MS after */
	T_GARBAGE_LATER, /* answers, sends 5 stray bytes LATER_MS after,
			    stays open */
	T_ONCE,		 /* answers the first query of a connection only */
} behaviour_t;

#define LATER_MS 300.0 /* T_*_LATER: how long after the answer */

#define MAX_CONNS 8
#define CONN_BUF  4096

typedef struct rconn {
	int fd;
	uint8_t buf[CONN_BUF];
	size_t have;
	uint8_t q[3][512]; /* T_REVERSE: queries held */
	size_t qlen[3];
	int nq;
	double due; /* T_*_LATER: when to act (mono_ms), or 0 */
} rconn_t;

typedef struct responder {
	behaviour_t b;
	bool tcp;
	int fd, fd2; /* fd2: U_OTHER_PORT's second socket */
	uint16_t port;
	pthread_t th;
	atomic_int stop;
	atomic_int accepted; /* TCP connections */
	atomic_int queries;
	uint8_t held[512]; /* U_LATE: the first query */
	size_t heldlen;
	struct sockaddr_in heldfrom;
	uint8_t rq[8][512]; /* U_REVERSE: queries held */
	size_t rqlen[8];
	struct sockaddr_in rqfrom[8];
	int nrq;
	int max_held;	 /* most queries held at once */
	double rq_first; /* ms, when the first was held */
	rconn_t conns[MAX_CONNS];
} responder_t;

static int bind_local(int type, uint16_t *port)
{
	int fd = socket(AF_INET, type, 0);
	assert_true(fd >= 0);
	int on = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	struct sockaddr_in a = {.sin_family = AF_INET};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	socklen_t len = sizeof(a);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

static double mono_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void random_bytes(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rand();
}

/* The query back as a response: QR set. */
static size_t make_answer(const uint8_t *q, size_t qlen, uint8_t *out)
{
	memcpy(out, q, qlen);
	if (qlen >= 3)
		out[2] |= 0x80;
	return qlen;
}

/* U_COOKIE: add server cookie a0..a7 to answer a (alen bytes, room for
 * 8 more) when it ends in an OPT holding only a client-only COOKIE. */
static size_t add_server_cookie(uint8_t *a, size_t alen)
{
	static const uint8_t tail[] = {0, 12, 0, 10, 0, 8};
	if (alen < 12 + 1 + 10 + 12 ||
	    memcmp(a + alen - 14, tail, sizeof(tail)) != 0)
		return alen;
	a[alen - 13] = 20;
	a[alen - 9] = 16;
	for (int i = 0; i < 8; i++)
		a[alen + (size_t)i] = (uint8_t)(0xa0 + i);
	return alen + 8;
}

static void udp_send(int fd, const void *p, size_t n,
		     const struct sockaddr_in *to)
{
	(void)!sendto(fd, p, n, 0, (const struct sockaddr *)to, sizeof(*to));
}

/* A response: header with the query's ID, QR, one record whose owner is
 * a pointer to itself. */
static size_t make_ptr_loop(const uint8_t *q, uint8_t *out)
{
	static const uint8_t rr[] = {0xc0, 12, 0, 1, 0, 1, 0, 0,
				     0,	   60, 0, 4, 1, 2, 3, 4};
	memset(out, 0, 12);
	out[0] = q[0];
	out[1] = q[1];
	out[2] = 0x80;
	out[7] = 1; /* ancount */
	memcpy(out + 12, rr, sizeof(rr));
	return 12 + sizeof(rr);
}

/* U_REVERSE: answer every held query, last first. */
static void reverse_flush(responder_t *r)
{
	uint8_t a[600];
	while (r->nrq > 0) {
		int i = --r->nrq;
		size_t alen = make_answer(r->rq[i], r->rqlen[i], a);
		(void)!sendto(r->fd, a, alen, 0,
			      (const struct sockaddr *)&r->rqfrom[i],
			      sizeof(r->rqfrom[i]));
	}
}

static void reverse_hold(responder_t *r, const uint8_t *q, size_t n,
			 const struct sockaddr_in *from)
{
	if (n > sizeof(r->rq[0]))
		return;
	if (r->nrq == 0)
		r->rq_first = mono_ms();
	memcpy(r->rq[r->nrq], q, n);
	r->rqlen[r->nrq] = n;
	r->rqfrom[r->nrq] = *from;
	if (++r->nrq > r->max_held)
		r->max_held = r->nrq;
	if (r->nrq == 8)
		reverse_flush(r);
}

static void udp_behave(responder_t *r, const uint8_t *q, size_t n,
		       const struct sockaddr_in *from)
{
	uint8_t a[600];
	size_t alen = make_answer(q, n, a);
	switch (r->b) {
	case U_OK:
		udp_send(r->fd, a, alen, from);
		break;
	case U_COOKIE:
		udp_send(r->fd, a, add_server_cookie(a, alen), from);
		break;
	case U_GARBAGE:
	case U_GARBAGE_ID:
		random_bytes(a + 2, 38);
		if (r->b == U_GARBAGE_ID)
			a[0] ^= 0x55;
		udp_send(r->fd, a, 40, from);
		break;
	case U_ONE_BYTE:
		udp_send(r->fd, a, 1, from);
		break;
	case U_TRUNCATED:
		udp_send(r->fd, a, 7, from);
		break;
	case U_PTR_LOOP:
		udp_send(r->fd, a, make_ptr_loop(q, a), from);
		break;
	case U_WRONG_FIRST:
		a[1] ^= 1;
		udp_send(r->fd, a, alen, from);
		a[1] ^= 1;
		udp_send(r->fd, a, alen, from);
		break;
	case U_OTHER_PORT:
		udp_send(r->fd2, a, alen, from);
		break;
	case U_DUPLICATE:
		udp_send(r->fd, a, alen, from);
		udp_send(r->fd, a, alen, from);
		break;
	case U_LATE:
	case U_LATE_BOTH:
		if (r->heldlen == 0 && n <= sizeof(r->held)) {
			memcpy(r->held, q, n);
			r->heldlen = n;
			r->heldfrom = *from;
			break;
		}
		udp_send(r->fd, a, make_answer(r->held, r->heldlen, a),
			 &r->heldfrom);
		if (r->b == U_LATE_BOTH)
			udp_send(r->fd, a, make_answer(q, n, a), from);
		break;
	case U_REVERSE:
		reverse_hold(r, q, n, from);
		break;
	case U_FLOOD:
		for (int i = 0; i < 200; i++) {
			uint8_t g[60];
			random_bytes(g, sizeof(g));
			g[0] = (uint8_t)(q[0] ^ 0x80);
			udp_send(r->fd, g, sizeof(g), from);
		}
		udp_send(r->fd, a, alen, from);
		break;
	default:
		break;
	}
}

static void udp_step(responder_t *r)
{
	uint8_t q[600];
	struct sockaddr_in from;
	socklen_t fl = sizeof(from);
	ssize_t n = recvfrom(r->fd, q, sizeof(q), MSG_DONTWAIT,
			     (struct sockaddr *)&from, &fl);
	if (n < 12)
		return;
	atomic_fetch_add(&r->queries, 1);
	udp_behave(r, q, (size_t)n, &from);
}

static void tcp_send_all(int fd, const uint8_t *p, size_t n)
{
	while (n > 0) {
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);
		if (k <= 0)
			return;
		p += k;
		n -= (size_t)k;
	}
}

static void tcp_send_msg(int fd, const uint8_t *m, size_t n)
{
	uint8_t pre[2] = {(uint8_t)(n >> 8), (uint8_t)n};
	tcp_send_all(fd, pre, 2);
	tcp_send_all(fd, m, n);
}

static void conn_drop(rconn_t *c, bool reset)
{
	if (reset) {
		struct linger lg = {1, 0};
		setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	}
	close(c->fd);
	c->fd = -1;
}

/* A message of a transfer: ID of q, QR, one answer record (SOA or A). */
static size_t make_xfr(const uint8_t *q, bool soa, uint8_t *out)
{
	static const uint8_t soa_rr[] = {
	    0, 0, 6, 0, 1, 0, 0, 0, 60, 0, 22, 0, 0, /* root mname, rname */
	    0, 0, 0, 1, 0, 0, 0, 1, 0,	0, 0,  1, 0, 0, 0, 1, 0, 0, 0, 1};
	static const uint8_t a_rr[] = {0,  0, 1, 0, 1, 0, 0, 0,
				       60, 0, 4, 1, 2, 3, 4};
	memset(out, 0, 12);
	out[0] = q[0];
	out[1] = q[1];
	out[2] = 0x80;
	out[7] = 1;
	const uint8_t *rr = soa ? soa_rr : a_rr;
	size_t n = soa ? sizeof(soa_rr) : sizeof(a_rr);
	memcpy(out + 12, rr, n);
	return 12 + n;
}

static void drip(responder_t *r, rconn_t *c, const uint8_t *a, size_t n)
{
	uint8_t f[602] = {(uint8_t)(n >> 8), (uint8_t)n};
	memcpy(f + 2, a, n);
	for (size_t i = 0; i < n + 2 && !atomic_load(&r->stop); i++) {
		if (send(c->fd, f + i, 1, MSG_NOSIGNAL) != 1)
			return;
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
}

/* One complete query q on connection c. */
static void tcp_behave(responder_t *r, rconn_t *c, const uint8_t *q, size_t n)
{
	static uint8_t big[65535];
	uint8_t a[600];
	size_t alen = make_answer(q, n, a);
	atomic_fetch_add(&r->queries, 1);
	switch (r->b) {
	case T_OK:
		tcp_send_msg(c->fd, a, alen);
		break;
	case T_REVERSE:
		memcpy(c->q[c->nq], a, alen);
		c->qlen[c->nq++] = alen;
		if (c->nq == 3)
			for (int i = 2; i >= 0; i--)
				tcp_send_msg(c->fd, c->q[i], c->qlen[i]);
		break;
	case T_BIG:
		memset(big, 0, sizeof(big));
		memcpy(big, a, 12);
		tcp_send_msg(c->fd, big, sizeof(big));
		break;
	case T_RESET:
		conn_drop(c, true);
		break;
	case T_HALF_CLOSE:
		shutdown(c->fd, SHUT_WR);
		break;
	case T_DRIP:
		drip(r, c, a, alen);
		break;
	case T_ZERO_LEN:
		tcp_send_all(c->fd, (const uint8_t *)"\0\0", 2);
		break;
	case T_CLOSE_BAD:
		if (q[0] == 0x0b && q[1] == 0xad)
			conn_drop(c, false);
		else
			tcp_send_msg(c->fd, a, alen);
		break;
	case T_CLOSE_LATER:
	case T_RESET_LATER:
	case T_GARBAGE_LATER:
		tcp_send_msg(c->fd, a, alen);
		c->due = mono_ms() + LATER_MS;
		break;
	case T_ONCE:
		if (c->nq++ == 0)
			tcp_send_msg(c->fd, a, alen);
		break;
	case T_AXFR:
	case T_NO_END:
		tcp_send_msg(c->fd, a, make_xfr(q, true, a));
		tcp_send_msg(c->fd, a, make_xfr(q, false, a));
		if (r->b == T_AXFR)
			tcp_send_msg(c->fd, a, make_xfr(q, true, a));
		break;
	default:
		break;
	}
}

static void tcp_read(responder_t *r, rconn_t *c)
{
	ssize_t k = recv(c->fd, c->buf + c->have, CONN_BUF - c->have, 0);
	if (k <= 0) {
		conn_drop(c, false);
		return;
	}
	c->have += (size_t)k;
	while (c->fd >= 0 && c->have >= 2) {
		size_t n = ((size_t)c->buf[0] << 8) | c->buf[1];
		if (n == 0 || n > 512) {
			conn_drop(c, false);
			return;
		}
		if (c->have < n + 2)
			return;
		uint8_t q[512];
		memcpy(q, c->buf + 2, n);
		memmove(c->buf, c->buf + 2 + n, c->have - n - 2);
		c->have -= n + 2;
		tcp_behave(r, c, q, n);
	}
}

static void tcp_accept(responder_t *r)
{
	int fd = accept(r->fd, NULL, NULL);
	if (fd < 0)
		return;
	atomic_fetch_add(&r->accepted, 1);
	for (int i = 0; i < MAX_CONNS; i++)
		if (r->conns[i].fd < 0) {
			memset(&r->conns[i], 0, sizeof(r->conns[i]));
			r->conns[i].fd = fd;
			return;
		}
	close(fd);
}

/* T_*_LATER: act on the connections whose time has come. */
static void later_step(responder_t *r)
{
	static const uint8_t stray[5] = {0xde, 0xad, 0xbe, 0xef, 0x00};
	for (int i = 0; i < MAX_CONNS; i++) {
		rconn_t *c = &r->conns[i];
		if (c->fd < 0 || c->due == 0 || mono_ms() < c->due)
			continue;
		c->due = 0;
		if (r->b == T_GARBAGE_LATER)
			tcp_send_all(c->fd, stray, sizeof(stray));
		else
			conn_drop(c, r->b == T_RESET_LATER);
	}
}

/* Serve until told to stop, at most 30 s: a stuck test cannot hang. */
static void *responder_main(void *arg)
{
	responder_t *r = arg;
	time_t end = time(NULL) + 30;
	while (!atomic_load(&r->stop) && time(NULL) < end) {
		struct pollfd p[MAX_CONNS + 1];
		int idx[MAX_CONNS + 1], n = 0;
		p[n].fd = r->fd;
		p[n].events = POLLIN;
		idx[n++] = -1;
		for (int i = 0; r->tcp && i < MAX_CONNS; i++)
			if (r->conns[i].fd >= 0) {
				p[n].fd = r->conns[i].fd;
				p[n].events = POLLIN;
				idx[n++] = i;
			}
		if (r->nrq > 0 && mono_ms() - r->rq_first > 150.0)
			reverse_flush(r);
		later_step(r);
		if (poll(p, (nfds_t)n, r->nrq > 0 || r->tcp ? 10 : 50) <= 0)
			continue;
		for (int i = 0; i < n; i++) {
			if (!(p[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			if (idx[i] < 0 && r->tcp)
				tcp_accept(r);
			else if (idx[i] < 0)
				udp_step(r);
			else if (r->conns[idx[i]].fd >= 0)
				tcp_read(r, &r->conns[idx[i]]);
		}
	}
	return NULL;
}

static responder_t *responder_start(behaviour_t b, bool tcp)
{
	responder_t *r = calloc(1, sizeof(*r));
	assert_non_null(r);
	r->b = b;
	r->tcp = tcp;
	r->fd2 = -1;
	for (int i = 0; i < MAX_CONNS; i++)
		r->conns[i].fd = -1;
	r->fd = bind_local(tcp ? SOCK_STREAM : SOCK_DGRAM, &r->port);
	if (tcp)
		assert_int_equal(listen(r->fd, 16), 0);
	if (b == U_OTHER_PORT) {
		uint16_t p2;
		r->fd2 = bind_local(SOCK_DGRAM, &p2);
	}
	assert_int_equal(pthread_create(&r->th, NULL, responder_main, r), 0);
	return r;
}

static void responder_stop(responder_t *r)
{
	atomic_store(&r->stop, 1);
	pthread_join(r->th, NULL);
	for (int i = 0; i < MAX_CONNS; i++)
		if (r->conns[i].fd >= 0)
			close(r->conns[i].fd);
	close(r->fd);
	if (r->fd2 >= 0)
		close(r->fd2);
	free(r);
}

#endif
