/* udp.c - client exchanges over UDP: strict matching of source and ID,
 * retries, lingering for duplicates, and ICMP errors (IP_RECVERR)
 * reported as unreachable.
 *
 * Sockets are unconnected and kept in a pool on the loop: opening,
 * binding, registering and closing one per query cost more system time
 * than the query itself. A socket goes back to the pool only after a
 * clean exchange (answered on the first attempt, nothing unexpected
 * received, no send pending, a query with an ID); a timed-out or noisy
 * one is closed, so no late answer can reach the next query on it. Idle
 * sockets are reused oldest first; a reused socket never sends the ID
 * its previous query had, and drops unseen a datagram carrying that ID
 * (a late copy for the previous owner, which a socket of its own would
 * never have shown the next query): the verdicts stay those of a fresh
 * socket. */
#include "net/internal.h"

#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>

#include "dns/wire.h"

#define NET_UDP_IDLE_MAX 256u /* idle sockets kept open per loop */

struct net_udp_sock {
	uv_udp_t h;
	net_loop_t *loop;
	net_exchange_t *x;	       /* the exchange using it, or NULL */
	struct sockaddr_storage bound; /* the address bound, port 0 */
	struct sockaddr_storage local; /* the same with the kernel's port */
	uint16_t prev_id;	       /* the previous owner's query ID */
	bool has_prev;
	bool sending; /* a queued send (uv_udp_send) not completed */
	struct net_udp_sock *prev, *next; /* loop->udp_all */
	struct net_udp_sock *idle_next;	  /* loop->udp_idle */
};
typedef struct net_udp_sock net_udp_sock_t;

static void udp_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	net_udp_sock_t *k = h->data;
	(void)suggested;
	*buf = uv_buf_init((char *)k->loop->rxbuf, NET_RXBUF_LEN);
}

static void tap_udp(net_loop_t *l, const struct sockaddr *src,
		    const struct sockaddr *dst, const uint8_t *data, size_t len)
{
	const net_tap_t *t = &l->tap;
	if (t->udp != NULL)
		t->udp(t->ctx, src, dst, data, len);
}

/* ---- the pool ----------------------------------------------------------- */

static void sock_freed(uv_handle_t *h)
{
	free(h->data);
}

/* Close k for good (it is no longer idle nor used). */
static void sock_close(net_udp_sock_t *k)
{
	net_loop_t *l = k->loop;
	if (k->prev != NULL)
		k->prev->next = k->next;
	else
		l->udp_all = k->next;
	if (k->next != NULL)
		k->next->prev = k->prev;
	k->prev = k->next = NULL;
	uv_close((uv_handle_t *)&k->h, sock_freed);
}

/* Report ICMP errors (port unreachable ...) on this unconnected socket:
 * without IP_RECVERR Linux drops them. Best effort. */
static void want_icmp_errors(net_udp_sock_t *k)
{
	uv_os_fd_t fd;
	int on = 1;
	if (uv_fileno((uv_handle_t *)&k->h, &fd) != 0)
		return;
	if (k->bound.ss_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof(on));
	else
		setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof(on));
}

static void udp_recv(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
		     const struct sockaddr *from, unsigned flags);

/* A new socket bound to bound (port 0), receiving. NULL with *rc set. */
static net_udp_sock_t *sock_open(net_loop_t *l,
				 const struct sockaddr_storage *bound, int *rc)
{
	net_udp_sock_t *k = calloc(1, sizeof(*k));
	if (k == NULL) {
		*rc = UV_ENOMEM;
		return NULL;
	}
	*rc = uv_udp_init_ex(&l->uv, &k->h, bound->ss_family);
	if (*rc != 0) {
		free(k);
		return NULL;
	}
	k->h.data = k;
	k->loop = l;
	k->bound = *bound;
	k->local = *bound;
	k->next = l->udp_all;
	if (k->next != NULL)
		k->next->prev = k;
	l->udp_all = k;
	want_icmp_errors(k);
	int len = sizeof(k->local);
	*rc = uv_udp_bind(&k->h, (const struct sockaddr *)bound, 0);
	if (*rc == 0)
		*rc = uv_udp_getsockname(&k->h, (struct sockaddr *)&k->local,
					 &len);
	if (*rc == 0)
		*rc = uv_udp_recv_start(&k->h, udp_alloc, udp_recv);
	if (*rc != 0) {
		sock_close(k);
		return NULL;
	}
	/* an idle socket must not keep the loop running */
	uv_unref((uv_handle_t *)&k->h);
	return k;
}

/* The oldest idle socket bound to bound that x may use, taken out of the
 * idle list; NULL when there is none. A query with a fixed ID does not
 * take a socket whose previous query had the same ID. */
static net_udp_sock_t *take_idle(net_loop_t *l,
				 const struct sockaddr_storage *bound,
				 const net_exchange_t *x)
{
	uint16_t id = net__query_id(x);
	net_udp_sock_t **pp = &l->udp_idle, *before = NULL;
	if (x->len < 2)
		return NULL; /* it takes any ID: a fresh socket */
	for (net_udp_sock_t *k = l->udp_idle; k != NULL;
	     before = k, pp = &k->idle_next, k = k->idle_next) {
		if (!net_addr_equal((const struct sockaddr *)&k->bound,
				    (const struct sockaddr *)bound))
			continue;
		if (!x->fresh_id && k->has_prev && k->prev_id == id)
			continue;
		*pp = k->idle_next;
		if (l->udp_idle_tail == k)
			l->udp_idle_tail = before;
		k->idle_next = NULL;
		l->udp_nidle--;
		return k;
	}
	return NULL;
}

/* Give x a socket towards x->server: an idle one, or a new one. */
static int sock_acquire(net_loop_t *l, net_exchange_t *x)
{
	struct sockaddr_storage bound;
	net_local_for(l, x->server, &bound);
	int rc = 0;
	net_udp_sock_t *k = take_idle(l, &bound, x);
	if (k == NULL)
		k = sock_open(l, &bound, &rc);
	if (k == NULL)
		return rc;
	k->x = x;
	x->in.sock = k;
	x->in.sock_open = true;
	x->in.local = k->local;
	return 0;
}

void net__udp_release(net_exchange_t *x)
{
	if (!x->in.sock_open)
		return;
	net_udp_sock_t *k = x->in.sock;
	net_loop_t *l = k->loop;
	x->in.sock_open = false;
	x->in.sock = NULL;
	k->x = NULL;
	bool clean = x->res.status == NET_ANSWERED && x->res.attempts == 1 &&
		     x->res.ignored == 0 && !x->res.capped && !k->sending &&
		     x->len >= 2;
	if (!clean || l->udp_nidle >= NET_UDP_IDLE_MAX) {
		sock_close(k);
		return;
	}
	k->prev_id = x->in.id;
	k->has_prev = true;
	if (l->udp_idle_tail != NULL)
		l->udp_idle_tail->idle_next = k;
	else
		l->udp_idle = k;
	l->udp_idle_tail = k;
	l->udp_nidle++;
}

void net__udp_pool_free(net_loop_t *l)
{
	net_udp_sock_t *k = l->udp_all;
	while (k != NULL) {
		net_udp_sock_t *next = k->next;
		free(k);
		k = next;
	}
	l->udp_all = l->udp_idle = l->udp_idle_tail = NULL;
	l->udp_nidle = 0;
}

/* ---- one exchange ------------------------------------------------------- */

static void send_cb(uv_udp_send_t *req, int status)
{
	net_udp_sock_t *k = req->data;
	net_exchange_t *x = k->x;
	k->sending = false;
	if (x != NULL && status < 0 && status != UV_ECANCELED)
		net__finish(x, NET_ERROR, status,
			    "sending the query failed: %s",
			    uv_strerror(status));
}

static void send_query(net_exchange_t *x)
{
	net_udp_sock_t *k = x->in.sock;
	net__prepare_send(x);
	if (x->fresh_id && k->has_prev && x->in.id == k->prev_id) {
		/* never reuse the ID the socket's previous query had */
		x->in.id ^= 1u;
		dns_put_u16(x->msg, x->in.id);
	}
	const struct sockaddr *local = (const struct sockaddr *)&x->in.local;
	tap_udp(k->loop, local, x->server, x->msg, x->len);
	uv_buf_t b = uv_buf_init((char *)x->msg, (unsigned)x->len);
	int rc = uv_udp_try_send(&k->h, &b, 1, x->server);
	if (rc == UV_EAGAIN || rc == UV_ENOSYS) {
		/* the kernel queue is full: let libuv send it when it can */
		x->in.send.data = k;
		k->sending = true;
		rc = uv_udp_send(&x->in.send, &k->h, &b, 1, x->server, send_cb);
		if (rc < 0)
			k->sending = false;
	}
	if (rc < 0)
		net__finish(x, NET_ERROR, rc, "sending the query failed: %s",
			    uv_strerror(rc));
}

/* A datagram that is the answer we wait for: from the server's address
 * and port, with the query's ID. */
static bool matches(const net_exchange_t *x, const struct sockaddr *from,
		    const uint8_t *data, size_t len)
{
	if (!net_addr_equal(from, x->server))
		return false;
	if (x->len < 2)
		return true;
	return len >= 2 && dns_get_u16(data) == x->in.id;
}

/* A late datagram for the socket's previous query (see the top). */
static bool stale(const net_udp_sock_t *k, const net_exchange_t *x,
		  const struct sockaddr *from, const uint8_t *data, size_t len)
{
	return k->has_prev && len >= 2 && dns_get_u16(data) == k->prev_id &&
	       dns_get_u16(data) != x->in.id && net_addr_equal(from, x->server);
}

static void udp_timeout(uv_timer_t *t);

/* Keep the answer; end now, or linger to count duplicates. */
static void got_answer(net_exchange_t *x, const uint8_t *data, size_t len)
{
	net__accept(x, data, len);
	if (x->in.finishing)
		return;
	if (x->linger_ms > 0 && !x->res.capped) {
		x->in.lingering = true;
		uv_timer_start(&x->in.timer, udp_timeout, x->linger_ms, 0);
		return;
	}
	net__finish(x, NET_ANSWERED, 0, NULL);
}

static void udp_recv(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
		     const struct sockaddr *from, unsigned flags)
{
	net_udp_sock_t *k = h->data;
	net_exchange_t *x = k->x;
	(void)flags;
	if (nread == 0 && from == NULL)
		return;
	if (x == NULL || x->in.finishing) {
		/* an idle socket: a late datagram, or an ICMP error for it */
		if (nread >= 0)
			tap_udp(k->loop, from,
				(const struct sockaddr *)&k->local,
				(const uint8_t *)buf->base, (size_t)nread);
		return;
	}
	if (nread < 0) {
		if (x->res.nmsgs > 0)
			net__finish(x, NET_ANSWERED, 0, NULL);
		else
			net__finish(x, NET_ERROR, (int)nread,
				    "the server is unreachable: %s (ICMP)",
				    uv_strerror((int)nread));
		return;
	}
	const uint8_t *data = (const uint8_t *)buf->base;
	size_t len = (size_t)nread;
	tap_udp(k->loop, from, (const struct sockaddr *)&x->in.local, data,
		len);
	if (stale(k, x, from, data, len))
		return;
	if (x->in.lingering || !matches(x, from, data, len)) {
		x->res.ignored++;
		return;
	}
	got_answer(x, data, len);
}

static void udp_timeout(uv_timer_t *t)
{
	net_exchange_t *x = t->data;
	if (x->in.finishing)
		return;
	if (x->in.lingering) {
		net__finish(x, NET_ANSWERED, 0, NULL);
		return;
	}
	if (x->res.attempts <= x->retries) {
		send_query(x);
		if (!x->in.finishing)
			uv_timer_start(&x->in.timer, udp_timeout, x->timeout_ms,
				       0);
		return;
	}
	net__finish(x, NET_TIMEOUT, 0, "no response in %u attempt%s of %lu ms",
		    x->res.attempts, x->res.attempts == 1 ? "" : "s",
		    x->timeout_ms);
}

int net_udp_start(net_loop_t *l, net_exchange_t *x)
{
	if (x->server == NULL || net_addr_len(x->server) == 0)
		return UV_EINVAL;
	int rc = net__begin(l, x);
	if (rc != 0)
		return rc;
	rc = sock_acquire(l, x);
	if (rc != 0) {
		net__finish(x, NET_ERROR, rc, "no UDP socket: %s",
			    uv_strerror(rc));
		return 0;
	}
	send_query(x);
	if (!x->in.finishing)
		uv_timer_start(&x->in.timer, udp_timeout, x->timeout_ms, 0);
	return 0;
}
