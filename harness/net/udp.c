/* udp.c - client exchanges over UDP: one unconnected socket each, strict
 * matching of source and ID, retries, lingering for duplicates, and ICMP
 * errors (IP_RECVERR) reported as unreachable. */
#include "net/internal.h"

#include <netinet/in.h>
#include <string.h>

#include "dns/wire.h"

static void udp_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	net_exchange_t *x = h->data;
	(void)suggested;
	*buf = uv_buf_init((char *)x->in.loop->rxbuf, NET_RXBUF_LEN);
}

static void tap_udp(net_exchange_t *x, const struct sockaddr *src,
		    const struct sockaddr *dst, const uint8_t *data, size_t len)
{
	const net_tap_t *t = &x->in.loop->tap;
	if (t->udp != NULL)
		t->udp(t->ctx, src, dst, data, len);
}

static void send_cb(uv_udp_send_t *req, int status)
{
	net_exchange_t *x = req->data;
	if (status < 0 && status != UV_ECANCELED)
		net__finish(x, NET_ERROR, status,
			    "sending the query failed: %s",
			    uv_strerror(status));
}

static void send_query(net_exchange_t *x)
{
	net__prepare_send(x);
	const struct sockaddr *local = (const struct sockaddr *)&x->in.local;
	tap_udp(x, local, x->server, x->msg, x->len);
	uv_buf_t b = uv_buf_init((char *)x->msg, (unsigned)x->len);
	int rc = uv_udp_try_send(&x->in.udp, &b, 1, x->server);
	if (rc == UV_EAGAIN || rc == UV_ENOSYS) {
		/* the kernel queue is full: let libuv send it when it can */
		x->in.send.data = x;
		rc = uv_udp_send(&x->in.send, &x->in.udp, &b, 1, x->server,
				 send_cb);
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
	net_exchange_t *x = h->data;
	(void)flags;
	if (x->in.finishing || (nread == 0 && from == NULL))
		return;
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
	tap_udp(x, from, (const struct sockaddr *)&x->in.local, data, len);
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

/* Report ICMP errors (port unreachable ...) on this unconnected socket:
 * without IP_RECVERR Linux drops them. Best effort. */
static void want_icmp_errors(net_exchange_t *x)
{
	uv_os_fd_t fd;
	int on = 1;
	if (uv_fileno((uv_handle_t *)&x->in.udp, &fd) != 0)
		return;
	if (x->server->sa_family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVERR, &on, sizeof(on));
	else
		setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof(on));
}

static int open_socket(net_loop_t *l, net_exchange_t *x)
{
	int rc = uv_udp_init_ex(&l->uv, &x->in.udp, x->server->sa_family);
	if (rc != 0)
		return rc;
	x->in.udp.data = x;
	x->in.open_handles++;
	x->in.sock_open = true;
	want_icmp_errors(x);
	net_local_for(l, x->server, &x->in.local);
	rc = uv_udp_bind(&x->in.udp, (const struct sockaddr *)&x->in.local, 0);
	if (rc != 0)
		return rc;
	int len = sizeof(x->in.local);
	rc = uv_udp_getsockname(&x->in.udp, (struct sockaddr *)&x->in.local,
				&len);
	if (rc != 0)
		return rc;
	return uv_udp_recv_start(&x->in.udp, udp_alloc, udp_recv);
}

int net_udp_start(net_loop_t *l, net_exchange_t *x)
{
	if (x->server == NULL || net_addr_len(x->server) == 0)
		return UV_EINVAL;
	int rc = net__begin(l, x);
	if (rc != 0)
		return rc;
	rc = open_socket(l, x);
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

void net__udp_release(net_exchange_t *x)
{
	if (!x->in.sock_open)
		return;
	x->in.sock_open = false;
	uv_udp_recv_stop(&x->in.udp);
	uv_close((uv_handle_t *)&x->in.udp, net__handle_closed);
}
