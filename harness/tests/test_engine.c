/* test_engine.c - the network engine (harness/net) against small hostile
 * responders running in threads on 127.0.0.1: every misbehaviour must end
 * an exchange with its named outcome, never a crash or a hang. No timing
 * is measured; timeouts only bound the waits. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dns/arena.h"
#include "dns/msg.h"
#include "net/exchange.h"
#include "net/loop.h"

#include "tests/responder.h"

/* ---- the client side ---------------------------------------------------- */

/* example. SOA IN, ID 0x1234, RD */
static const uint8_t query_soa[] = {
    0x12, 0x34, 0x01, 0x00, 0,	 1,   0,   0, 0, 0, 0, 0, 7,
    'e',  'x',	'a',  'm',  'p', 'l', 'e', 0, 0, 6, 0, 1};
/* example. AXFR IN */
static const uint8_t query_axfr[] = {
    0x12, 0x34, 0x00, 0x00, 0,	 1,   0,   0, 0, 0,   0, 0, 7,
    'e',  'x',	'a',  'm',  'p', 'l', 'e', 0, 0, 252, 0, 1};

typedef struct tap_count {
	int udp, tcp_open, tcp_data, tcp_close;
	size_t tcp_lens[8];
} tap_count_t;

static void tap_udp(void *ctx, const struct sockaddr *src,
		    const struct sockaddr *dst, const uint8_t *d, size_t n)
{
	(void)src, (void)dst, (void)d, (void)n;
	((tap_count_t *)ctx)->udp++;
}

static void tap_open(void *ctx, uint64_t conn, const struct sockaddr *c,
		     const struct sockaddr *s)
{
	(void)conn, (void)c, (void)s;
	((tap_count_t *)ctx)->tcp_open++;
}

static void tap_data(void *ctx, uint64_t conn, bool from_client,
		     const uint8_t *d, size_t n)
{
	tap_count_t *t = ctx;
	(void)conn, (void)d;
	if (from_client && t->tcp_data < 8)
		t->tcp_lens[t->tcp_data] = n;
	if (from_client)
		t->tcp_data++;
}

static void tap_close(void *ctx, uint64_t conn, bool by_client)
{
	(void)conn, (void)by_client;
	((tap_count_t *)ctx)->tcp_close++;
}

#define MAX_X 8

typedef struct client {
	net_loop_t *loop;
	net_tcp_pool_t pool;
	bool tcp;
	dns_arena_t arena;
	net_exchange_t x[MAX_X];
	uint8_t msg[MAX_X][512];
	struct sockaddr_in server;
	int started, done;
	tap_count_t tap;
} client_t;

static void on_done(net_exchange_t *x)
{
	client_t *c = x->user;
	c->done++;
	if (c->done == c->started && c->tcp)
		net_tcp_pool_close(&c->pool);
}

static client_t *client_new(uint16_t port, bool tcp, unsigned depth)
{
	client_t *c = calloc(1, sizeof(*c));
	assert_non_null(c);
	c->loop = malloc(sizeof(*c->loop));
	assert_non_null(c->loop);
	assert_int_equal(net_loop_init(c->loop), 0);
	c->loop->tap =
	    (net_tap_t){&c->tap, tap_udp, tap_open, tap_data, tap_close};
	dns_arena_init(&c->arena, 0);
	c->server.sin_family = AF_INET;
	c->server.sin_port = htons(port);
	c->server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	c->tcp = tcp;
	net_tcp_pool_init(&c->pool, c->loop, (struct sockaddr *)&c->server,
			  depth);
	return c;
}

/* Set up exchange i with query q (copied), a timeout and retries. */
static net_exchange_t *client_add(client_t *c, const uint8_t *q, size_t n,
				  unsigned long timeout_ms, unsigned retries)
{
	int i = c->started;
	assert_true(i < MAX_X && n <= sizeof(c->msg[i]));
	memcpy(c->msg[i], q, n);
	net_exchange_t *x = &c->x[i];
	memset(x, 0, sizeof(*x));
	x->server = (struct sockaddr *)&c->server;
	x->msg = c->msg[i];
	x->len = n;
	x->timeout_ms = timeout_ms;
	x->retries = retries;
	x->arena = &c->arena;
	x->done = on_done;
	x->user = c;
	return x;
}

static void client_start(client_t *c, net_exchange_t *x)
{
	c->started++;
	int rc =
	    c->tcp ? net_tcp_start(&c->pool, x) : net_udp_start(c->loop, x);
	assert_int_equal(rc, 0);
}

static void client_run(client_t *c)
{
	net_loop_run(c->loop);
	assert_int_equal(c->done, c->started);
	assert_int_equal(c->pool.nconns, 0);
}

static void client_free(client_t *c)
{
	net_loop_close(c->loop);
	free(c->loop);
	dns_arena_free(&c->arena);
	free(c);
}

/* One exchange against a responder of behaviour b; returns its result
 * (copied; messages point into a static arena freed by the next call). */
typedef struct one {
	net_result_t res;
	int accepted, queries;
	tap_count_t tap;
	uint8_t sent[512];
	uint8_t msg0[65536];
	size_t msg0len;
} one_t;

static one_t one;

static void run_one(behaviour_t b, bool tcp, const uint8_t *q, size_t n,
		    unsigned long timeout_ms, unsigned retries, bool fresh,
		    unsigned long linger_ms)
{
	responder_t *r = responder_start(b, tcp);
	client_t *c = client_new(r->port, tcp, 0);
	net_exchange_t *x = client_add(c, q, n, timeout_ms, retries);
	x->fresh_id = fresh;
	x->linger_ms = linger_ms;
	x->multi = q == query_axfr;
	x->idle_ms = 300;
	client_start(c, x);
	client_run(c);
	one.res = x->res;
	memcpy(one.sent, x->msg, n);
	one.msg0len = x->res.nmsgs ? x->res.lens[0] : 0;
	if (one.msg0len)
		memcpy(one.msg0, x->res.msgs[0], one.msg0len);
	one.tap = c->tap;
	one.accepted = atomic_load(&r->accepted);
	responder_stop(r);
	client_free(c);
}

#define RUN(b, tcp, to, retries)                                               \
	run_one(b, tcp, query_soa, sizeof(query_soa), to, retries, false, 0)

/* ---- UDP ----------------------------------------------------------------- */

static void test_udp_ok(void **state)
{
	(void)state;
	RUN(U_OK, false, 2000, 0);
	assert_int_equal(one.res.status, NET_ANSWERED);
	assert_int_equal(one.res.nmsgs, 1);
	assert_int_equal(one.msg0len, sizeof(query_soa));
	assert_int_equal(one.msg0[2] & 0x80, 0x80);
	assert_int_equal(one.res.ignored, 0);
	assert_int_equal(one.res.attempts, 1);
	assert_int_equal(one.tap.udp, 2); /* query and response */
}

static void test_udp_fresh_id(void **state)
{
	(void)state;
	run_one(U_OK, false, query_soa, sizeof(query_soa), 2000, 0, true, 0);
	assert_int_equal(one.res.status, NET_ANSWERED);
	/* the response carries the ID actually sent */
	assert_memory_equal(one.msg0, one.sent, 2);
}

static void test_udp_silent_retries(void **state)
{
	(void)state;
	RUN(U_SILENT, false, 100, 2);
	assert_int_equal(one.res.status, NET_TIMEOUT);
	assert_int_equal(one.res.attempts, 3);
	assert_int_equal(one.res.nmsgs, 0);
	assert_non_null(strstr(one.res.detail, "3 attempts"));
}

static void test_udp_garbage_with_id(void **state)
{
	(void)state;
	RUN(U_GARBAGE, false, 2000, 0);
	/* accepted: judging garbage is the verdict's job */
	assert_int_equal(one.res.status, NET_ANSWERED);
	assert_int_equal(one.msg0len, 40);
}

static void test_udp_garbage_other_id(void **state)
{
	(void)state;
	RUN(U_GARBAGE_ID, false, 200, 1);
	assert_int_equal(one.res.status, NET_TIMEOUT);
	assert_int_equal(one.res.ignored, 2);
}

static void test_udp_one_byte(void **state)
{
	(void)state;
	RUN(U_ONE_BYTE, false, 200, 0);
	assert_int_equal(one.res.status, NET_TIMEOUT);
	assert_int_equal(one.res.ignored, 1);
}

static void test_udp_truncated(void **state)
{
	(void)state;
	RUN(U_TRUNCATED, false, 2000, 0);
	assert_int_equal(one.res.status, NET_ANSWERED);
	assert_int_equal(one.msg0len, 7);
}

static void test_udp_pointer_loop(void **state)
{
	(void)state;
	RUN(U_PTR_LOOP, false, 2000, 0);
	assert_int_equal(one.res.status, NET_ANSWERED);
	dns_arena_t a;
	dns_msg_t m;
	dns_arena_init(&a, 0);
	dns_rc_t rc =
	    dns_msg_decode(&m, one.msg0, one.msg0len, DNS_DECODE_STRICT, &a);
	dns_arena_free(&a);
	assert_true(rc == DNS_E_PTR_FORWARD || rc == DNS_E_PTR_LOOP);
}

static void test_udp_wrong_id_first(void **state)
{
	(void)state;
	RUN(U_WRONG_FIRST, false, 2000, 0);
	assert_int_equal(one.res.status, NET_ANSWERED);
	assert_int_equal(one.res.ignored, 1);
	assert_memory_equal(one.msg0, query_soa, 2);
}

static void test_udp_other_port(void **state)
{
	(void)state;
	RUN(U_OTHER_PORT, false, 200, 0);
	assert_int_equal(one.res.status, NET_TIMEOUT);
	assert_int_equal(one.res.ignored, 1);
}

static void test_udp_duplicate(void **state)
{
	(void)state;
	run_one(U_DUPLICATE, false, query_soa, sizeof(query_soa), 2000, 0,
		false, 300);
	assert_int_equal(one.res.status, NET_ANSWERED);
	assert_int_equal(one.res.nmsgs, 1);
	assert_int_equal(one.res.ignored, 1);
}

static void test_udp_late(void **state)
{
	(void)state;
	/* attempt 1 is answered only after attempt 2 went out, with its old
	 * ID: ignored; attempt 2 never answered */
	run_one(U_LATE, false, query_soa, sizeof(query_soa), 300, 1, true, 0);
	assert_int_equal(one.res.status, NET_TIMEOUT);
	assert_int_equal(one.res.attempts, 2);
	assert_int_equal(one.res.ignored, 1);
}

static void test_udp_late_then_answer(void **state)
{
	(void)state;
	run_one(U_LATE_BOTH, false, query_soa, sizeof(query_soa), 300, 1, true,
		0);
	assert_int_equal(one.res.status, NET_ANSWERED);
	assert_int_equal(one.res.ignored, 1);
	assert_memory_equal(one.msg0, one.sent, 2);
}

/* ---- UDP socket reuse (udp.c's pool) ------------------------------------ */

static uint16_t local_port(const net_exchange_t *x)
{
	return x->in.local_port;
}

/* Run exchange i of c (query_soa) alone to its end. */
static net_exchange_t *pool_run(client_t *c, unsigned long timeout_ms,
				bool fresh)
{
	net_exchange_t *x =
	    client_add(c, query_soa, sizeof(query_soa), timeout_ms, 0);
	x->fresh_id = fresh;
	client_start(c, x);
	client_run(c);
	return x;
}

static void test_udp_pool_reuse(void **state)
{
	(void)state;
	responder_t *r = responder_start(U_OK, false);
	client_t *c = client_new(r->port, false, 0);
	net_exchange_t *x0 = pool_run(c, 2000, true);
	net_exchange_t *x1 = pool_run(c, 2000, true);
	assert_int_equal(x0->res.status, NET_ANSWERED);
	assert_int_equal(x1->res.status, NET_ANSWERED);
	/* the same socket, and never the same ID twice in a row on it */
	assert_int_equal(local_port(x0), local_port(x1));
	assert_int_not_equal(x0->in.id, x1->in.id);
	assert_int_equal(x1->res.ignored, 0);
	responder_stop(r);
	client_free(c);
}

static void test_udp_pool_stale_dropped(void **state)
{
	(void)state;
	responder_t *r = responder_start(U_OK, false);
	client_t *c = client_new(r->port, false, 0);
	net_exchange_t *x0 = pool_run(c, 2000, true);
	/* a late copy of x0's answer, queued on the idle socket before x1
	 * starts on it: x1 must not count it (a fresh socket never saw it) */
	uint8_t late[sizeof(query_soa)];
	memcpy(late, query_soa, sizeof(late));
	late[0] = (uint8_t)(x0->in.id >> 8);
	late[1] = (uint8_t)x0->in.id;
	late[2] |= 0x80;
	struct sockaddr_in to = {.sin_family = AF_INET,
				 .sin_port = htons(local_port(x0)),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
	assert_int_equal(sendto(r->fd, late, sizeof(late), 0,
				(struct sockaddr *)&to, sizeof(to)),
			 (ssize_t)sizeof(late));
	net_exchange_t *x1 = pool_run(c, 2000, true);
	assert_int_equal(local_port(x0), local_port(x1));
	assert_int_equal(x1->res.status, NET_ANSWERED);
	assert_int_equal(x1->res.ignored, 0);
	assert_int_equal(c->tap.udp, 5); /* the late one is still captured */
	responder_stop(r);
	client_free(c);
}

static void test_udp_pool_not_reused(void **state)
{
	(void)state;
	/* a fixed ID does not go out again on the socket that just used it */
	responder_t *r = responder_start(U_OK, false);
	client_t *c = client_new(r->port, false, 0);
	net_exchange_t *x0 = pool_run(c, 2000, false);
	net_exchange_t *x1 = pool_run(c, 2000, false);
	assert_int_equal(x1->res.status, NET_ANSWERED);
	assert_int_not_equal(local_port(x0), local_port(x1));
	responder_stop(r);
	client_free(c);
	/* a socket whose query timed out is closed, never reused */
	r = responder_start(U_SILENT, false);
	c = client_new(r->port, false, 0);
	x0 = pool_run(c, 50, true);
	x1 = pool_run(c, 50, true);
	assert_int_equal(x0->res.status, NET_TIMEOUT);
	assert_int_not_equal(local_port(x0), local_port(x1));
	responder_stop(r);
	client_free(c);
}

static void test_udp_flood(void **state)
{
	(void)state;
	RUN(U_FLOOD, false, 3000, 0);
	assert_int_equal(one.res.status, NET_ANSWERED);
	assert_true(one.res.ignored >= 1 && one.res.ignored <= 200);
}

/* Deadlines of different lengths, set out of order, end in deadline
 * order (the loop keeps one timer for all UDP exchanges: a shorter
 * timeout set after a longer one must move it), and the loop ends once
 * the last has. */
static int order_seen[MAX_X], norder;

static void on_done_order(net_exchange_t *x)
{
	client_t *c = x->user;
	order_seen[norder++] = (int)(x - c->x);
	on_done(x);
}

static void test_udp_deadline_order(void **state)
{
	(void)state;
	static const unsigned long tmo[] = {600, 100, 300, 200};
	responder_t *r = responder_start(U_SILENT, false);
	client_t *c = client_new(r->port, false, 0);
	norder = 0;
	double t0 = net_now_ms();
	for (size_t i = 0; i < 4; i++) {
		net_exchange_t *x =
		    client_add(c, query_soa, sizeof(query_soa), tmo[i], 0);
		x->done = on_done_order;
		client_start(c, x);
	}
	client_run(c);
	double took = net_now_ms() - t0;
	assert_int_equal(norder, 4);
	static const int want[] = {1, 3, 2, 0};
	for (int i = 0; i < 4; i++) {
		assert_int_equal(order_seen[i], want[i]);
		assert_int_equal(c->x[i].res.status, NET_TIMEOUT);
	}
	assert_true(took >= 600 && took < 2000);
	responder_stop(r);
	client_free(c);
}

/* done() never runs inside the call that ended an exchange, but from the
 * loop, in the order the exchanges ended (a UDP exchange has no handle of
 * its own whose close would call it: exchange.c queues it); and
 * net_loop_close runs the done() of those still waiting. */
static void test_udp_done_deferred(void **state)
{
	(void)state;
	static const int aborted[] = {2, 0, 1};
	responder_t *r = responder_start(U_SILENT, false);
	client_t *c = client_new(r->port, false, 0);
	norder = 0;
	for (size_t i = 0; i < 3; i++) {
		net_exchange_t *x =
		    client_add(c, query_soa, sizeof(query_soa), 20000, 0);
		x->done = on_done_order;
		client_start(c, x);
	}
	for (int i = 0; i < 3; i++) {
		net_exchange_abort(&c->x[aborted[i]]);
		assert_int_equal(c->done, 0);
	}
	client_run(c);
	assert_int_equal(norder, 3);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(order_seen[i], aborted[i]);
		assert_int_equal(c->x[aborted[i]].res.status, NET_ABORTED);
	}
	net_exchange_t *x =
	    client_add(c, query_soa, sizeof(query_soa), 20000, 0);
	x->done = on_done_order;
	client_start(c, x);
	net_exchange_abort(x);
	assert_int_equal(c->done, 3);
	net_loop_close(c->loop);
	assert_int_equal(c->done, 4);
	assert_int_equal(order_seen[3], 3);
	responder_stop(r);
	free(c->loop);
	dns_arena_free(&c->arena);
	free(c);
}

static void test_udp_refused(void **state)
{
	(void)state;
	uint16_t port;
	close(bind_local(SOCK_DGRAM, &port)); /* nobody listens there now */
	client_t *c = client_new(port, false, 0);
	net_exchange_t *x =
	    client_add(c, query_soa, sizeof(query_soa), 2000, 3);
	client_start(c, x);
	client_run(c);
	assert_int_equal(x->res.status, NET_ERROR);
	assert_true(x->res.unreachable);
	assert_int_equal(x->res.uv_err, UV_ECONNREFUSED);
	client_free(c);
}

static void test_udp_bad_args(void **state)
{
	(void)state;
	client_t *c = client_new(53, false, 0);
	net_exchange_t *x = client_add(c, query_soa, sizeof(query_soa), 100, 0);
	x->msg = NULL;
	assert_int_equal(net_udp_start(c->loop, x), UV_EINVAL);
	x = client_add(c, query_soa, sizeof(query_soa), 100, 0);
	x->len = 65536;
	assert_int_equal(net_udp_start(c->loop, x), UV_EINVAL);
	client_free(c);
}

/* ---- empty messages ------------------------------------------------------ */

/* A peer that records the first query it gets (a datagram, or the
 * length prefix and what follows on a TCP connection) and answers it
 * with a bare 12-byte response. */
typedef struct empty_peer {
	int fd;
	bool tcp;
	uint16_t port;
	pthread_t th;
	ssize_t got;	   /* datagram length, or TCP bytes read */
	uint8_t bytes[16]; /* what was read (TCP: prefix first) */
} empty_peer_t;

static const uint8_t bare_response[] = {0xab, 0xcd, 0x80, 0x01, 0, 0,
					0,    0,    0,	  0,	0, 0};

static void *empty_peer_main(void *arg)
{
	empty_peer_t *p = arg;
	struct pollfd pf = {p->fd, POLLIN, 0};
	if (poll(&pf, 1, 5000) != 1)
		return NULL;
	if (!p->tcp) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		p->got = recvfrom(p->fd, p->bytes, sizeof(p->bytes), 0,
				  (struct sockaddr *)&from, &fl);
		udp_send(p->fd, bare_response, sizeof(bare_response), &from);
		return NULL;
	}
	int c = accept(p->fd, NULL, NULL);
	if (c < 0)
		return NULL;
	struct pollfd pc = {c, POLLIN, 0};
	if (poll(&pc, 1, 5000) == 1) {
		struct timespec ts = {0, 50 * 1000 * 1000}; /* all of it */
		nanosleep(&ts, NULL);
		p->got = recv(c, p->bytes, sizeof(p->bytes), MSG_DONTWAIT);
		tcp_send_msg(c, bare_response, sizeof(bare_response));
	}
	struct timespec ts = {0, 200 * 1000 * 1000}; /* let it be read */
	nanosleep(&ts, NULL);
	close(c);
	return NULL;
}

static empty_peer_t *empty_peer_start(bool tcp)
{
	empty_peer_t *p = calloc(1, sizeof(*p));
	assert_non_null(p);
	p->tcp = tcp;
	p->got = -1;
	p->fd = bind_local(tcp ? SOCK_STREAM : SOCK_DGRAM, &p->port);
	if (tcp)
		assert_int_equal(listen(p->fd, 4), 0);
	assert_int_equal(pthread_create(&p->th, NULL, empty_peer_main, p), 0);
	return p;
}

static void empty_peer_stop(empty_peer_t *p)
{
	pthread_join(p->th, NULL);
	close(p->fd);
	free(p);
}

/* A query of 0 bytes is a zero-length datagram; having no ID, it takes
 * any datagram from the server as its answer. */
static void test_udp_empty(void **state)
{
	(void)state;
	empty_peer_t *p = empty_peer_start(false);
	client_t *c = client_new(p->port, false, 0);
	net_exchange_t *x = client_add(c, query_soa, 0, 2000, 0);
	client_start(c, x);
	client_run(c);
	ssize_t got = p->got;
	empty_peer_stop(p);
	assert_int_equal(got, 0); /* a datagram of 0 bytes arrived */
	assert_int_equal(x->res.status, NET_ANSWERED);
	assert_int_equal(x->res.nmsgs, 1);
	assert_int_equal(x->res.lens[0], sizeof(bare_response));
	assert_int_equal(c->tap.udp, 2); /* the empty query, the answer */
	client_free(c);
}

/* Over TCP: a length prefix of 0 and nothing else, alone on its own
 * connection; what comes back there is its answer. */
static void test_tcp_empty(void **state)
{
	(void)state;
	for (int split = 0; split < 2; split++) {
		empty_peer_t *p = empty_peer_start(true);
		client_t *c = client_new(p->port, true, 0);
		net_exchange_t *x = client_add(c, query_soa, 0, 2000, 0);
		x->split_prefix = split;
		client_start(c, x);
		client_run(c);
		ssize_t got = p->got;
		uint8_t b0 = p->bytes[0], b1 = p->bytes[1];
		empty_peer_stop(p);
		assert_int_equal(got, 2);
		assert_int_equal(b0, 0);
		assert_int_equal(b1, 0);
		assert_int_equal(x->res.status, NET_ANSWERED);
		assert_int_equal(x->res.lens[0], sizeof(bare_response));
		assert_int_equal(c->tap.tcp_data, 1); /* the prefix alone */
		client_free(c);
	}
}

/* ---- TCP ----------------------------------------------------------------- */

static void test_tcp_ok(void **state)
{
	(void)state;
	RUN(T_OK, true, 2000, 0);
	assert_int_equal(one.res.status, NET_ANSWERED);
	assert_int_equal(one.msg0len, sizeof(query_soa));
	assert_int_equal(one.tap.tcp_open, 1);
	assert_int_equal(one.tap.tcp_data, 1); /* prefix and message at once */
	assert_int_equal(one.tap.tcp_lens[0], sizeof(query_soa) + 2);
	assert_int_equal(one.tap.tcp_close, 1);
}

static void test_tcp_split_prefix(void **state)
{
	(void)state;
	responder_t *r = responder_start(T_OK, true);
	client_t *c = client_new(r->port, true, 0);
	net_exchange_t *x =
	    client_add(c, query_soa, sizeof(query_soa), 2000, 0);
	x->split_prefix = true;
	client_start(c, x);
	client_run(c);
	assert_int_equal(x->res.status, NET_ANSWERED);
	assert_int_equal(c->tap.tcp_data, 2);
	assert_int_equal(c->tap.tcp_lens[0], 2);
	assert_int_equal(c->tap.tcp_lens[1], sizeof(query_soa));
	responder_stop(r);
	client_free(c);
}

static void test_tcp_pipelined_out_of_order(void **state)
{
	(void)state;
	responder_t *r = responder_start(T_REVERSE, true);
	client_t *c = client_new(r->port, true, 16);
	net_exchange_t *x[3];
	for (int i = 0; i < 3; i++) {
		x[i] = client_add(c, query_soa, sizeof(query_soa), 3000, 0);
		x[i]->fresh_id = true;
		client_start(c, x[i]);
	}
	client_run(c);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(x[i]->res.status, NET_ANSWERED);
		assert_int_equal(x[i]->res.nmsgs, 1);
		assert_memory_equal(x[i]->res.msgs[0], x[i]->msg, 2);
	}
	/* three distinct IDs on one connection */
	assert_true(memcmp(x[0]->msg, x[1]->msg, 2) != 0);
	assert_true(memcmp(x[1]->msg, x[2]->msg, 2) != 0);
	assert_true(memcmp(x[0]->msg, x[2]->msg, 2) != 0);
	assert_int_equal(atomic_load(&r->accepted), 1);
	responder_stop(r);
	client_free(c);
}

static void test_tcp_same_fixed_id_not_pipelined(void **state)
{
	(void)state;
	/* two queries with the same fixed ID must not share a connection */
	responder_t *r = responder_start(T_OK, true);
	client_t *c = client_new(r->port, true, 16);
	net_exchange_t *a =
	    client_add(c, query_soa, sizeof(query_soa), 2000, 0);
	client_start(c, a);
	net_exchange_t *b =
	    client_add(c, query_soa, sizeof(query_soa), 2000, 0);
	client_start(c, b);
	client_run(c);
	assert_int_equal(a->res.status, NET_ANSWERED);
	assert_int_equal(b->res.status, NET_ANSWERED);
	assert_int_equal(c->tap.tcp_open, 2);
	responder_stop(r);
	client_free(c);
}

static void test_tcp_big(void **state)
{
	(void)state;
	RUN(T_BIG, true, 3000, 0);
	assert_int_equal(one.res.status, NET_ANSWERED);
	assert_int_equal(one.msg0len, 65535);
	assert_memory_equal(one.msg0, query_soa, 2);
}

static void test_tcp_reset(void **state)
{
	(void)state;
	RUN(T_RESET, true, 2000, 0);
	assert_int_equal(one.res.status, NET_RESET);
	assert_false(one.res.unreachable);
}

static void test_tcp_half_close(void **state)
{
	(void)state;
	RUN(T_HALF_CLOSE, true, 2000, 0);
	assert_int_equal(one.res.status, NET_CLOSED);
	assert_non_null(strstr(one.res.detail, "closed"));
}

static void test_tcp_drip_timeout(void **state)
{
	(void)state;
	/* 27 bytes at 100 ms each cannot make it in 500 ms */
	RUN(T_DRIP, true, 500, 0);
	assert_int_equal(one.res.status, NET_TIMEOUT);
	assert_non_null(strstr(one.res.detail, "bytes of a message"));
}

static void test_tcp_drip_answer(void **state)
{
	(void)state;
	RUN(T_DRIP, true, 10000, 0);
	assert_int_equal(one.res.status, NET_ANSWERED);
	assert_int_equal(one.msg0len, sizeof(query_soa));
}

static void test_tcp_zero_length(void **state)
{
	(void)state;
	RUN(T_ZERO_LEN, true, 2000, 0);
	assert_int_equal(one.res.status, NET_CLOSED);
	assert_non_null(strstr(one.res.detail, "framing"));
}

static void test_tcp_silent(void **state)
{
	(void)state;
	RUN(T_SILENT, true, 200, 3); /* no retries over TCP */
	assert_int_equal(one.res.status, NET_TIMEOUT);
	assert_int_equal(one.res.attempts, 1);
}

static void test_tcp_refused(void **state)
{
	(void)state;
	uint16_t port;
	close(bind_local(SOCK_STREAM, &port));
	client_t *c = client_new(port, true, 0);
	net_exchange_t *x =
	    client_add(c, query_soa, sizeof(query_soa), 2000, 0);
	client_start(c, x);
	client_run(c);
	assert_int_equal(x->res.status, NET_ERROR);
	assert_true(x->res.unreachable);
	client_free(c);
}

static void test_tcp_close_blamed_alone(void **state)
{
	(void)state;
	/* the good query and the one that makes the server close share a
	 * connection; the close is blamed only after a retry alone */
	responder_t *r = responder_start(T_CLOSE_BAD, true);
	client_t *c = client_new(r->port, true, 16);
	uint8_t bad[sizeof(query_soa)];
	memcpy(bad, query_soa, sizeof(bad));
	bad[0] = 0x0b;
	bad[1] = 0xad;
	net_exchange_t *good =
	    client_add(c, query_soa, sizeof(query_soa), 2000, 0);
	client_start(c, good);
	net_exchange_t *b = client_add(c, bad, sizeof(bad), 2000, 0);
	client_start(c, b);
	client_run(c);
	assert_int_equal(good->res.status, NET_ANSWERED);
	assert_int_equal(b->res.status, NET_CLOSED);
	assert_int_equal(b->res.attempts, 2);
	assert_int_equal(atomic_load(&r->accepted), 2);
	responder_stop(r);
	client_free(c);
}

/* x is done: the next of `chain_left` exchanges starts (after it), then
 * the usual bookkeeping. */
static int chain_left;

static void chain_done(net_exchange_t *x)
{
	client_t *c = x->user;
	if (chain_left > 0) {
		chain_left--;
		net_exchange_t *n =
		    client_add(c, query_soa, sizeof(query_soa), 300, 0);
		n->fresh_id = true;
		n->done = chain_done;
		client_start(c, n);
	}
	on_done(x);
}

static void test_tcp_silence_not_reused(void **state)
{
	(void)state;
	/* one after the other: the first query is answered, the second
	 * (on the same connection) not; the third must not go on that
	 * connection, whose server may no longer read it (dnsmasq after a
	 * QR=1 query), but on a fresh one */
	responder_t *r = responder_start(T_ONCE, true);
	client_t *c = client_new(r->port, true, 16);
	chain_left = 2;
	net_exchange_t *x = client_add(c, query_soa, sizeof(query_soa), 300, 0);
	x->fresh_id = true;
	x->done = chain_done;
	client_start(c, x);
	client_run(c);
	assert_int_equal(c->started, 3);
	assert_int_equal(c->x[0].res.status, NET_ANSWERED);
	assert_int_equal(c->x[1].res.status, NET_TIMEOUT);
	assert_int_equal(c->x[2].res.status, NET_ANSWERED);
	assert_int_equal(c->tap.tcp_open, 2);
	assert_int_equal(atomic_load(&r->accepted), 2);
	responder_stop(r);
	client_free(c);
}

static void test_tcp_axfr(void **state)
{
	(void)state;
	run_one(T_AXFR, true, query_axfr, sizeof(query_axfr), 3000, 0, false,
		0);
	assert_int_equal(one.res.status, NET_ANSWERED);
	assert_int_equal(one.res.nmsgs, 3);
	assert_string_equal(one.res.detail, "");
}

static void test_tcp_axfr_no_end(void **state)
{
	(void)state;
	run_one(T_NO_END, true, query_axfr, sizeof(query_axfr), 3000, 0, false,
		0);
	assert_int_equal(one.res.status, NET_ANSWERED);
	assert_int_equal(one.res.nmsgs, 2);
	assert_non_null(strstr(one.res.detail, "nothing more"));
}

static void test_tcp_axfr_capped(void **state)
{
	(void)state;
	responder_t *r = responder_start(T_AXFR, true);
	client_t *c = client_new(r->port, true, 0);
	c->loop->limits.max_msgs = 2;
	net_exchange_t *x =
	    client_add(c, query_axfr, sizeof(query_axfr), 3000, 0);
	x->multi = true;
	client_start(c, x);
	client_run(c);
	assert_int_equal(x->res.status, NET_ANSWERED);
	assert_int_equal(x->res.nmsgs, 2);
	assert_true(x->res.capped);
	responder_stop(r);
	client_free(c);
}

/* ---- holding the connection after the answer (hold_ms) ------------------ */

/* One exchange of q holding its connection hold_ms (reuse: then the query
 * again) against a responder of behaviour b; the result into `one`. */
static void run_hold(behaviour_t b, const uint8_t *q, size_t n,
		     unsigned long hold_ms, bool reuse, bool fresh)
{
	responder_t *r = responder_start(b, true);
	client_t *c = client_new(r->port, true, 0);
	net_exchange_t *x = client_add(c, q, n, 2000, 0);
	x->hold_ms = hold_ms;
	x->reuse = reuse;
	x->fresh_id = fresh;
	x->multi = q == query_axfr;
	client_start(c, x);
	client_run(c);
	one.res = x->res;
	memcpy(one.sent, x->msg, n);
	one.msg0len = x->res.nmsgs ? x->res.lens[0] : 0;
	if (one.msg0len)
		memcpy(one.msg0, x->res.msgs[0], one.msg0len);
	one.tap = c->tap;
	one.accepted = atomic_load(&r->accepted);
	one.queries = atomic_load(&r->queries);
	responder_stop(r);
	client_free(c);
}

/* A server that keeps the connection: open at the end of the hold, on a
 * connection of its own that the client then closes. */
static void test_tcp_hold_open(void **state)
{
	(void)state;
	run_hold(T_OK, query_soa, sizeof(query_soa), 400, false, false);
	assert_int_equal(one.res.status, NET_ANSWERED);
	assert_int_equal(one.res.nmsgs, 1);
	assert_int_equal(one.res.hold.state, NET_HOLD_OPEN);
	assert_true(one.res.hold.after_ms >= 390.0);
	assert_int_equal(one.res.hold.bytes, 0);
	assert_int_equal(one.res.hold.reuse, NET_PENDING);
	assert_int_equal(one.tap.tcp_open, 1);
	assert_int_equal(one.tap.tcp_close, 1);
	assert_non_null(strstr(one.res.detail, "still open after the 400 ms"));
}

/* A server that closes LATER_MS after answering: seen as closed, about
 * then, long before the hold is over. */
static void test_tcp_hold_closed(void **state)
{
	(void)state;
	run_hold(T_CLOSE_LATER, query_soa, sizeof(query_soa), 5000, false,
		 false);
	assert_int_equal(one.res.status, NET_ANSWERED);
	assert_int_equal(one.res.nmsgs, 1);
	assert_int_equal(one.res.hold.state, NET_HOLD_CLOSED);
	assert_true(one.res.hold.after_ms >= LATER_MS - 20.0);
	assert_true(one.res.hold.after_ms < 4500.0);
	assert_non_null(strstr(one.res.detail, "closed the connection"));
}

static void test_tcp_hold_reset(void **state)
{
	(void)state;
	run_hold(T_RESET_LATER, query_soa, sizeof(query_soa), 5000, false,
		 false);
	assert_int_equal(one.res.status, NET_ANSWERED);
	assert_int_equal(one.res.hold.state, NET_HOLD_RESET);
	assert_true(one.res.hold.after_ms >= LATER_MS - 20.0);
	assert_true(one.res.hold.after_ms < 4500.0);
}

/* Bytes nobody asked for, while held: counted, not taken as messages. */
static void test_tcp_hold_garbage(void **state)
{
	(void)state;
	run_hold(T_GARBAGE_LATER, query_soa, sizeof(query_soa), 1000, false,
		 false);
	assert_int_equal(one.res.status, NET_ANSWERED);
	assert_int_equal(one.res.nmsgs, 1);
	assert_int_equal(one.res.hold.state, NET_HOLD_OPEN);
	assert_int_equal(one.res.hold.bytes, 5);
	assert_true(one.res.hold.first_byte_ms >= LATER_MS - 20.0);
	assert_int_equal(one.res.ignored, 0);
	assert_non_null(strstr(one.res.detail, "5 unsolicited bytes"));
}

/* The query sent again on the held connection is answered there; the
 * query bytes kept are the first query's (the ID the first response
 * carries), and only the first response is among the messages. */
static void test_tcp_hold_reuse(void **state)
{
	(void)state;
	for (int fresh = 0; fresh < 2; fresh++) {
		run_hold(T_OK, query_soa, sizeof(query_soa), 200, true, fresh);
		assert_int_equal(one.res.status, NET_ANSWERED);
		assert_int_equal(one.res.nmsgs, 1);
		assert_int_equal(one.res.hold.state, NET_HOLD_OPEN);
		assert_int_equal(one.res.hold.reuse, NET_ANSWERED);
		assert_true(one.res.hold.reuse_len == sizeof(query_soa));
		assert_int_equal(one.res.attempts, 2);
		assert_int_equal(one.queries, 2);
		assert_int_equal(one.accepted, 1); /* one connection */
		assert_memory_equal(one.sent, one.msg0, 2);
		assert_non_null(strstr(one.res.detail, "sent again was "
						       "answered"));
	}
}

/* Closed during the hold: nothing to send the query again on. */
static void test_tcp_hold_reuse_closed(void **state)
{
	(void)state;
	run_hold(T_CLOSE_LATER, query_soa, sizeof(query_soa), 2000, true,
		 false);
	assert_int_equal(one.res.hold.state, NET_HOLD_CLOSED);
	assert_int_equal(one.res.hold.reuse, NET_PENDING);
	assert_int_equal(one.queries, 1);
}

/* The query sent again gets no answer in time. */
static void test_tcp_hold_reuse_silent(void **state)
{
	(void)state;
	run_hold(T_ONCE, query_soa, sizeof(query_soa), 100, true, false);
	assert_int_equal(one.res.status, NET_ANSWERED);
	assert_int_equal(one.res.hold.state, NET_HOLD_OPEN);
	assert_int_equal(one.res.hold.reuse, NET_TIMEOUT);
	assert_int_equal(one.queries, 2);
	assert_non_null(strstr(one.res.detail, "sent again: no answer"));
}

/* A transfer: the hold starts after its last message. */
static void test_tcp_hold_axfr(void **state)
{
	(void)state;
	run_hold(T_AXFR, query_axfr, sizeof(query_axfr), 300, false, false);
	assert_int_equal(one.res.status, NET_ANSWERED);
	assert_int_equal(one.res.nmsgs, 3);
	assert_int_equal(one.res.hold.state, NET_HOLD_OPEN);
}

/* No response: no hold. */
static void test_tcp_hold_no_answer(void **state)
{
	(void)state;
	responder_t *r = responder_start(T_SILENT, true);
	client_t *c = client_new(r->port, true, 0);
	net_exchange_t *x = client_add(c, query_soa, sizeof(query_soa), 200, 0);
	x->hold_ms = 1000;
	client_start(c, x);
	client_run(c);
	assert_int_equal(x->res.status, NET_TIMEOUT);
	assert_int_equal(x->res.hold.state, NET_HOLD_NONE);
	responder_stop(r);
	client_free(c);
}

/* ---- abort and addresses ------------------------------------------------- */

static void abort_cb(uv_timer_t *t)
{
	net_exchange_abort(t->data);
	uv_close((uv_handle_t *)t, NULL);
}

static void test_abort(void **state)
{
	(void)state;
	for (int tcp = 0; tcp < 2; tcp++) {
		responder_t *r =
		    responder_start(tcp ? T_SILENT : U_SILENT, tcp);
		client_t *c = client_new(r->port, tcp, 0);
		net_exchange_t *x =
		    client_add(c, query_soa, sizeof(query_soa), 20000, 0);
		client_start(c, x);
		uv_timer_t t;
		uv_timer_init(&c->loop->uv, &t);
		t.data = x;
		uv_timer_start(&t, abort_cb, 50, 0);
		client_run(c);
		assert_int_equal(x->res.status, NET_ABORTED);
		responder_stop(r);
		client_free(c);
	}
}

typedef struct addr_case {
	const char *text;
	bool ok;
	int family;
	unsigned port;
} addr_case_t;

static const addr_case_t addr_cases[] = {
    {"127.0.0.1", true, AF_INET, 53},
    {"127.0.0.1:5300", true, AF_INET, 5300},
    {"::1", true, AF_INET6, 53},
    {"[::1]:5300", true, AF_INET6, 5300},
    {"[::1]", true, AF_INET6, 53},
    {"127.0.0.1:0", false, 0, 0},
    {"127.0.0.1:65536", false, 0, 0},
    {"127.0.0.1:x", false, 0, 0},
    {"127.0.0.1:", false, 0, 0},
    {"[::1", false, 0, 0},
    {"[::1]x", false, 0, 0},
    {":53", false, 0, 0},
    {"", false, 0, 0},
};

static void test_addr_parse(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(addr_cases) / sizeof(addr_cases[0]);
	     i++) {
		const addr_case_t *t = &addr_cases[i];
		struct sockaddr_storage ss;
		char err[128] = "";
		bool ok = net_addr_parse(t->text, 53, &ss, err, sizeof(err));
		if (ok != t->ok)
			fail_msg("'%s': got %d (%s)", t->text, ok, err);
		if (!ok) {
			assert_true(err[0] != '\0');
			continue;
		}
		assert_int_equal(ss.ss_family, t->family);
		char buf[64];
		net_addr_format((struct sockaddr *)&ss, buf, sizeof(buf));
		char want[64];
		snprintf(want, sizeof(want),
			 t->family == AF_INET ? "127.0.0.1:%u" : "[::1]:%u",
			 t->port);
		assert_string_equal(buf, want);
	}
}

static void test_random_ids_vary(void **state)
{
	(void)state;
	net_loop_t *l = malloc(sizeof(*l));
	assert_non_null(l);
	assert_int_equal(net_loop_init(l), 0);
	uint16_t first = net_random_id(l);
	bool differ = false;
	for (int i = 0; i < 16; i++)
		differ |= net_random_id(l) != first;
	assert_true(differ);
	net_loop_close(l);
	free(l);
}

int main(void)
{
	alarm(120); /* a hang is a failure, not a stuck test run */
	srand(1);
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_udp_ok),
	    cmocka_unit_test(test_udp_fresh_id),
	    cmocka_unit_test(test_udp_silent_retries),
	    cmocka_unit_test(test_udp_garbage_with_id),
	    cmocka_unit_test(test_udp_garbage_other_id),
	    cmocka_unit_test(test_udp_one_byte),
	    cmocka_unit_test(test_udp_truncated),
	    cmocka_unit_test(test_udp_pointer_loop),
	    cmocka_unit_test(test_udp_wrong_id_first),
	    cmocka_unit_test(test_udp_other_port),
	    cmocka_unit_test(test_udp_duplicate),
	    cmocka_unit_test(test_udp_late),
	    cmocka_unit_test(test_udp_late_then_answer),
	    cmocka_unit_test(test_udp_pool_reuse),
	    cmocka_unit_test(test_udp_pool_stale_dropped),
	    cmocka_unit_test(test_udp_pool_not_reused),
	    cmocka_unit_test(test_udp_flood),
	    cmocka_unit_test(test_udp_refused),
	    cmocka_unit_test(test_udp_deadline_order),
	    cmocka_unit_test(test_udp_done_deferred),
	    cmocka_unit_test(test_udp_bad_args),
	    cmocka_unit_test(test_udp_empty),
	    cmocka_unit_test(test_tcp_empty),
	    cmocka_unit_test(test_tcp_ok),
	    cmocka_unit_test(test_tcp_split_prefix),
	    cmocka_unit_test(test_tcp_pipelined_out_of_order),
	    cmocka_unit_test(test_tcp_same_fixed_id_not_pipelined),
	    cmocka_unit_test(test_tcp_big),
	    cmocka_unit_test(test_tcp_reset),
	    cmocka_unit_test(test_tcp_half_close),
	    cmocka_unit_test(test_tcp_drip_timeout),
	    cmocka_unit_test(test_tcp_drip_answer),
	    cmocka_unit_test(test_tcp_zero_length),
	    cmocka_unit_test(test_tcp_silent),
	    cmocka_unit_test(test_tcp_refused),
	    cmocka_unit_test(test_tcp_close_blamed_alone),
	    cmocka_unit_test(test_tcp_silence_not_reused),
	    cmocka_unit_test(test_tcp_axfr),
	    cmocka_unit_test(test_tcp_axfr_no_end),
	    cmocka_unit_test(test_tcp_axfr_capped),
	    cmocka_unit_test(test_tcp_hold_open),
	    cmocka_unit_test(test_tcp_hold_closed),
	    cmocka_unit_test(test_tcp_hold_reset),
	    cmocka_unit_test(test_tcp_hold_garbage),
	    cmocka_unit_test(test_tcp_hold_reuse),
	    cmocka_unit_test(test_tcp_hold_reuse_closed),
	    cmocka_unit_test(test_tcp_hold_reuse_silent),
	    cmocka_unit_test(test_tcp_hold_axfr),
	    cmocka_unit_test(test_tcp_hold_no_answer),
	    cmocka_unit_test(test_abort),
	    cmocka_unit_test(test_addr_parse),
	    cmocka_unit_test(test_random_ids_vary),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
