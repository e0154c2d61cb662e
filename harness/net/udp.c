/* udp.c - client exchanges over UDP: strict matching of source and ID,
 * retries, lingering for duplicates, and ICMP errors (IP_RECVERR)
 * reported as unreachable.
 *
 * Sockets are unconnected and kept in a pool on the loop: opening,
 * binding, registering and closing one per query cost more system time
 * than the query itself. A socket goes back to the pool only after a
 * clean exchange (answered on the first attempt, nothing unexpected
 * received, no send pending, no error reported on it, a query with an
 * ID); a timed-out or noisy one is closed, so no late answer can reach
 * the next query on it. Idle sockets are reused oldest first; a reused
 * socket never sends the ID its previous query had, and drops unseen a
 * datagram carrying that ID (a late copy for the previous owner, which a
 * socket of its own would never have shown the next query): the verdicts
 * stay those of a fresh socket.
 *
 * The sockets are plain non-blocking ones watched with a uv_poll_t, not
 * libuv's uv_udp_t: on readiness uv_udp_t reads until the kernel says
 * EAGAIN, which is a second recvmsg(2) for every answer (close to a
 * microsecond each). Here each readiness reads one datagram; the loop's
 * epoll is level-triggered, so a second queued datagram is read on the
 * next turn. A pending error (POLLERR: an ICMP error with IP_RECVERR) is
 * taken with SO_ERROR and the error queue emptied, and it ends the
 * exchange as a failed read did with uv_udp_t. */
#include "net/internal.h"

#include <errno.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns/wire.h"

#define NET_UDP_IDLE_MAX 256u /* idle sockets kept open per loop */
#define ERRQUEUE_MAX	 64u  /* error queue entries read at once */

struct net_udp_sock {
	uv_poll_t h; /* watches fd */
	int fd;
	int events; /* what h watches: UV_READABLE, UV_WRITABLE */
	net_loop_t *loop;
	net_exchange_t *x;	       /* the exchange using it, or NULL */
	struct sockaddr_storage bound; /* the address bound, port 0 */
	struct sockaddr_storage local; /* the same with the kernel's port */
	uint16_t prev_id;	       /* the previous owner's query ID */
	bool has_prev;
	bool sending; /* a query waits for room to be sent (EAGAIN) */
	bool broken;  /* an error was reported on it: not reused */
	bool closing;
	struct net_udp_sock *prev, *next; /* loop->udp_all */
	struct net_udp_sock *idle_next;	  /* loop->udp_idle */
};
typedef struct net_udp_sock net_udp_sock_t;

static void tap_udp(net_loop_t *l, const struct sockaddr *src,
		    const struct sockaddr *dst, const uint8_t *data, size_t len)
{
	const net_tap_t *t = &l->tap;
	if (t->udp != NULL)
		t->udp(t->ctx, src, dst, data, len);
}

/* ---- deadlines ---------------------------------------------------------- */

/* A UDP exchange waiting for its timeout or the end of its linger is on
 * the loop's list, earliest deadline first, under one libuv timer set for
 * that deadline or an earlier one. A libuv timer per exchange cost a heap
 * insertion and removal per query (some 500 instructions with 100 queries
 * in flight); the list costs a few: queries mostly share one timeout, so
 * a new deadline goes at the tail and an answer unlinks its exchange.
 * When the first exchange leaves, the timer is not moved: it fires at the
 * old deadline, ends what is due and is set again for the new first.
 * Deadlines are uv_now() times, as libuv's own timers keep them, and
 * equal ones end in the order they were set, as libuv's do. */

static void udp_deadline(uv_timer_t *t);
static void udp_timeout(net_exchange_t *x);

static void timer_set(net_loop_t *l, uint64_t deadline)
{
	uint64_t now = uv_now(&l->uv);
	l->udp_armed = deadline;
	uv_timer_start(&l->udp_timer, udp_deadline,
		       deadline > now ? deadline - now : 0, 0);
}

static void wait_remove(net_exchange_t *x)
{
	net_loop_t *l = x->in.loop;
	if (!x->in.waiting)
		return;
	if (x->in.wait_prev != NULL)
		x->in.wait_prev->in.wait_next = x->in.wait_next;
	else
		l->udp_wait = x->in.wait_next;
	if (x->in.wait_next != NULL)
		x->in.wait_next->in.wait_prev = x->in.wait_prev;
	else
		l->udp_wait_tail = x->in.wait_prev;
	x->in.wait_prev = x->in.wait_next = NULL;
	x->in.waiting = false;
	if (l->udp_wait == NULL)
		uv_timer_stop(&l->udp_timer);
}

/* End x's wait ms from now (replacing any wait it had). */
static void wait_start(net_exchange_t *x, unsigned long ms)
{
	net_loop_t *l = x->in.loop;
	wait_remove(x);
	x->in.deadline = uv_now(&l->uv) + ms;
	net_exchange_t *p = l->udp_wait_tail;
	while (p != NULL && p->in.deadline > x->in.deadline)
		p = p->in.wait_prev;
	x->in.wait_prev = p;
	x->in.wait_next = p != NULL ? p->in.wait_next : l->udp_wait;
	if (x->in.wait_next != NULL)
		x->in.wait_next->in.wait_prev = x;
	else
		l->udp_wait_tail = x;
	if (p != NULL)
		p->in.wait_next = x;
	else
		l->udp_wait = x;
	x->in.waiting = true;
	if (!uv_is_active((uv_handle_t *)&l->udp_timer) ||
	    x->in.deadline < l->udp_armed)
		timer_set(l, x->in.deadline);
}

/* The loop's timer: end the waits that are due, then set it again for
 * the first one left. */
static void udp_deadline(uv_timer_t *t)
{
	net_loop_t *l = t->data;
	uint64_t now = uv_now(&l->uv);
	net_exchange_t *x;
	while ((x = l->udp_wait) != NULL && x->in.deadline <= now) {
		wait_remove(x);
		udp_timeout(x);
	}
	if (l->udp_wait != NULL)
		timer_set(l, l->udp_wait->in.deadline);
}

/* ---- the pool ----------------------------------------------------------- */

/* The fd is closed once libuv has let go of the handle watching it. */
static void sock_freed(uv_handle_t *h)
{
	net_udp_sock_t *k = h->data;
	close(k->fd);
	free(k);
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
	k->closing = true;
	uv_close((uv_handle_t *)&k->h, sock_freed);
}

/* Report ICMP errors (port unreachable ...) on this unconnected socket:
 * without IP_RECVERR Linux drops them. Best effort. */
static void want_icmp_errors(int fd, int family)
{
	int on = 1;
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof(on));
	else
		setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof(on));
}

static void on_poll(uv_poll_t *h, int status, int events);

/* Watch k for events (UV_READABLE, and UV_WRITABLE while a send waits);
 * 0 or a libuv error. */
static int watch(net_udp_sock_t *k, int events)
{
	if (k->events == events)
		return 0;
	int rc = uv_poll_start(&k->h, events, on_poll);
	k->events = rc == 0 ? events : 0;
	return rc;
}

/* A non-blocking UDP socket bound to bound, its address into local: the
 * fd, or a libuv error. */
static int sock_fd(const struct sockaddr_storage *bound,
		   struct sockaddr_storage *local)
{
	const struct sockaddr *sa = (const struct sockaddr *)bound;
	int fd =
	    socket(sa->sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	want_icmp_errors(fd, sa->sa_family);
	socklen_t len = sizeof(*local);
	if (bind(fd, sa, net_addr_len(sa)) != 0 ||
	    getsockname(fd, (struct sockaddr *)local, &len) != 0) {
		int rc = -errno;
		close(fd);
		return rc;
	}
	return fd;
}

/* A new socket bound to bound (port 0), receiving. NULL with *rc set. */
static net_udp_sock_t *sock_open(net_loop_t *l,
				 const struct sockaddr_storage *bound, int *rc)
{
	net_udp_sock_t *k = calloc(1, sizeof(*k));
	if (k == NULL) {
		*rc = UV_ENOMEM;
		return NULL;
	}
	k->loop = l;
	k->bound = *bound;
	k->local = *bound;
	k->fd = sock_fd(bound, &k->local);
	*rc = k->fd < 0 ? k->fd : uv_poll_init_socket(&l->uv, &k->h, k->fd);
	if (*rc != 0) {
		if (k->fd >= 0)
			close(k->fd);
		free(k);
		return NULL;
	}
	k->h.data = k;
	k->next = l->udp_all;
	if (k->next != NULL)
		k->next->prev = k;
	l->udp_all = k;
	*rc = watch(k, UV_READABLE);
	if (*rc != 0) {
		sock_close(k);
		return NULL;
	}
	/* an idle socket must not keep the loop running */
	uv_unref((uv_handle_t *)&k->h);
	return k;
}

/* Unlink the idle socket *pp, which follows before (NULL: the first). */
static void idle_unlink(net_loop_t *l, net_udp_sock_t **pp,
			net_udp_sock_t *before)
{
	net_udp_sock_t *k = *pp;
	*pp = k->idle_next;
	if (l->udp_idle_tail == k)
		l->udp_idle_tail = before;
	k->idle_next = NULL;
	l->udp_nidle--;
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
		idle_unlink(l, pp, before);
		return k;
	}
	return NULL;
}

/* Take idle socket k out of the idle list. */
static void idle_remove(net_loop_t *l, net_udp_sock_t *k)
{
	net_udp_sock_t **pp = &l->udp_idle, *before = NULL;
	while (*pp != NULL && *pp != k) {
		before = *pp;
		pp = &(*pp)->idle_next;
	}
	if (*pp != NULL)
		idle_unlink(l, pp, before);
}

/* k's port, host order. */
static uint16_t local_port(const net_udp_sock_t *k)
{
	const struct sockaddr *sa = (const struct sockaddr *)&k->local;
	return sa->sa_family == AF_INET6
		   ? ntohs(((const struct sockaddr_in6 *)sa)->sin6_port)
		   : ntohs(((const struct sockaddr_in *)sa)->sin_port);
}

/* Give x a socket towards x->server: an idle one, or a new one. */
static int sock_acquire(net_loop_t *l, net_exchange_t *x)
{
	const struct sockaddr_storage *bound = net_local_for(l, x->server);
	int rc = 0;
	net_udp_sock_t *k = take_idle(l, bound, x);
	if (k == NULL)
		k = sock_open(l, bound, &rc);
	if (k == NULL)
		return rc;
	k->x = x;
	x->in.sock = k;
	x->in.sock_open = true;
	x->in.local_port = local_port(k);
	return 0;
}

void net__udp_release(net_exchange_t *x)
{
	wait_remove(x);
	if (!x->in.sock_open)
		return;
	net_udp_sock_t *k = x->in.sock;
	net_loop_t *l = k->loop;
	x->in.sock_open = false;
	x->in.sock = NULL;
	k->x = NULL;
	bool clean = x->res.status == NET_ANSWERED && x->res.attempts == 1 &&
		     x->res.ignored == 0 && !x->res.capped && !k->sending &&
		     !k->broken && x->len >= 2;
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
	/* net_loop_close closed their handles without a callback */
	net_udp_sock_t *k = l->udp_all;
	while (k != NULL) {
		net_udp_sock_t *next = k->next;
		close(k->fd);
		free(k);
		k = next;
	}
	l->udp_all = l->udp_idle = l->udp_idle_tail = NULL;
	l->udp_nidle = 0;
}

/* ---- one exchange ------------------------------------------------------- */

/* Send x's query from k now: 0, UV_EAGAIN when the socket's buffer is
 * full (as uv_udp_try_send says it), or another libuv error. */
static int send_now(net_udp_sock_t *k, const net_exchange_t *x)
{
	ssize_t n;
	do
		n = sendto(k->fd, x->msg, x->len, 0, x->server,
			   net_addr_len(x->server));
	while (n < 0 && errno == EINTR);
	if (n >= 0)
		return 0;
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS)
		return UV_EAGAIN;
	return -errno;
}

static void send_failed(net_exchange_t *x, int rc)
{
	net__finish(x, NET_ERROR, rc, "sending the query failed: %s",
		    uv_strerror(rc));
}

/* Send now, or once the socket has room. */
static void send_or_wait(net_udp_sock_t *k, net_exchange_t *x)
{
	int rc = send_now(k, x);
	if (rc == UV_EAGAIN) {
		k->sending = true;
		rc = watch(k, UV_READABLE | UV_WRITABLE);
	}
	if (rc < 0)
		send_failed(x, rc);
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
	tap_udp(k->loop, (const struct sockaddr *)&k->local, x->server, x->msg,
		x->len);
	if (!k->sending) /* else the waiting send takes the query as it is */
		send_or_wait(k, x);
}

/* The socket has room: send the query that waits. */
static void send_waiting(net_udp_sock_t *k)
{
	net_exchange_t *x = k->x;
	int rc = watch(k, UV_READABLE);
	k->sending = false;
	if (x == NULL || x->in.finishing)
		return;
	if (rc < 0)
		send_failed(x, rc);
	else
		send_or_wait(k, x);
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

/* Keep the answer; end now, or linger to count duplicates. */
static void got_answer(net_exchange_t *x, const uint8_t *data, size_t len)
{
	net__accept(x, data, len);
	if (x->in.finishing)
		return;
	if (x->linger_ms > 0 && !x->res.capped) {
		x->in.lingering = true;
		wait_start(x, x->linger_ms);
		return;
	}
	net__finish(x, NET_ANSWERED, 0, NULL);
}

/* One datagram received on k. */
static void datagram(net_udp_sock_t *k, const struct sockaddr *from,
		     const uint8_t *data, size_t len)
{
	net_exchange_t *x = k->x;
	if (x == NULL || x->in.finishing) {
		/* an idle socket: a late datagram */
		tap_udp(k->loop, from, (const struct sockaddr *)&k->local, data,
			len);
		return;
	}
	tap_udp(k->loop, from, (const struct sockaddr *)&k->local, data, len);
	if (stale(k, x, from, data, len))
		return;
	if (x->in.lingering || !matches(x, from, data, len)) {
		x->res.ignored++;
		return;
	}
	got_answer(x, data, len);
}

/* An error reported on k (rc, a libuv error: ICMP port unreachable ...):
 * it ends the exchange, after an answer as answered; an idle socket is
 * closed. k is not used again. */
static void read_error(net_udp_sock_t *k, int rc)
{
	net_exchange_t *x = k->x;
	k->broken = true;
	if (x == NULL) {
		if (!k->closing) {
			idle_remove(k->loop, k);
			sock_close(k);
		}
	} else if (x->in.finishing) {
		return;
	} else if (x->res.nmsgs > 0) {
		net__finish(x, NET_ANSWERED, 0, NULL);
	} else {
		net__finish(x, NET_ERROR, rc,
			    "the server is unreachable: %s (ICMP)",
			    uv_strerror(rc));
	}
}

/* The errno of the first entry of k's error queue (0 when it is empty),
 * and the queue emptied (ERRQUEUE_MAX entries at most). */
static int drain_errors(net_udp_sock_t *k)
{
	int first = 0;
	for (unsigned i = 0; i < ERRQUEUE_MAX; i++) {
		uint8_t data[512];
		union {
			struct cmsghdr align;
			uint8_t b[CMSG_SPACE(sizeof(struct sock_extended_err) +
					     sizeof(struct sockaddr_in6))];
		} ctl;
		struct iovec v = {data, sizeof(data)};
		struct msghdr m = {.msg_iov = &v,
				   .msg_iovlen = 1,
				   .msg_control = ctl.b,
				   .msg_controllen = sizeof(ctl.b)};
		if (recvmsg(k->fd, &m, MSG_ERRQUEUE) < 0)
			break;
		struct cmsghdr *c = CMSG_FIRSTHDR(&m);
		struct sock_extended_err ee;
		if (first == 0 && c != NULL &&
		    c->cmsg_len >= CMSG_LEN(sizeof(ee))) {
			memcpy(&ee, CMSG_DATA(c), sizeof(ee));
			first = (int)ee.ee_errno;
		}
	}
	return first;
}

/* POLLERR: an error is pending on k (with IP_RECVERR, an ICMP error for
 * a datagram it sent), and libuv has stopped watching it. The error is
 * the one a read would return (SO_ERROR takes it the same way), else the
 * error queue's first; the queue is emptied, so that it does not wake
 * the loop again. */
static void sock_failed(net_udp_sock_t *k)
{
	int err = 0;
	socklen_t len = sizeof(err);
	k->events = 0; /* libuv stopped the poll */
	if (getsockopt(k->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0)
		err = errno;
	int queued = drain_errors(k);
	if (err == 0)
		err = queued;
	if (err != 0) {
		read_error(k, -err);
		return;
	}
	int rc = watch(k, k->sending ? UV_READABLE | UV_WRITABLE : UV_READABLE);
	if (rc != 0)
		read_error(k, rc);
}

/* Read one datagram from k, if there is one. */
static void receive(net_udp_sock_t *k)
{
	struct sockaddr_storage from;
	socklen_t flen = sizeof(from);
	ssize_t n;
	do
		n = recvfrom(k->fd, k->loop->rxbuf, NET_RXBUF_LEN, 0,
			     (struct sockaddr *)&from, &flen);
	while (n < 0 && errno == EINTR);
	if (n >= 0)
		datagram(k, (const struct sockaddr *)&from, k->loop->rxbuf,
			 (size_t)n);
	else if (errno != EAGAIN && errno != EWOULDBLOCK)
		read_error(k, -errno);
}

static void on_poll(uv_poll_t *h, int status, int events)
{
	net_udp_sock_t *k = h->data;
	if (status < 0) {
		sock_failed(k);
		return;
	}
	if ((events & UV_WRITABLE) && k->sending)
		send_waiting(k);
	if ((events & UV_READABLE) && !k->closing)
		receive(k);
}

static void udp_timeout(net_exchange_t *x)
{
	if (x->in.finishing)
		return;
	if (x->in.lingering) {
		net__finish(x, NET_ANSWERED, 0, NULL);
		return;
	}
	if (x->res.attempts <= x->retries) {
		send_query(x);
		if (!x->in.finishing)
			wait_start(x, x->timeout_ms);
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
	int rc = net__begin(l, x, false);
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
		wait_start(x, x->timeout_ms);
	return 0;
}
