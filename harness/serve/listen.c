/* listen.c - the sockets of the scripted servers: a UDP socket and a TCP
 * listener per address, TCP connections with framing, idle timeouts and
 * bounded write queues, and the tap. */
#include "serve/serve_int.h"

#include <string.h>

#include "dns/wire.h"

/* One write on a connection: the request, then its bytes. */
typedef struct sv_write {
	uv_write_t req;
	size_t len;
	uint8_t data[];
} sv_write_t;

static const net_tap_t *tap_of(const serve_t *s)
{
	return s->o.tap;
}

/* ---- closing ------------------------------------------------------------ */

static void listen_closed(uv_handle_t *h)
{
	sv_listen_t *ls = h->data;
	sv_handle_closed(ls->srv->s);
}

void sv_listen_close(sv_listen_t *ls)
{
	if (ls->udp_open) {
		ls->udp_open = false;
		uv_close((uv_handle_t *)&ls->udp, listen_closed);
	}
	if (ls->tcp_open) {
		ls->tcp_open = false;
		uv_close((uv_handle_t *)&ls->tcp, listen_closed);
	}
}

static void conn_unlink(sv_conn_t *c)
{
	serve_t *s = c->ls->srv->s;
	if (c->prev != NULL)
		c->prev->next = c->next;
	else if (s->conns == c)
		s->conns = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	c->prev = c->next = NULL;
}

static void conn_handle_closed(uv_handle_t *h)
{
	sv_conn_t *c = h->data;
	serve_t *s = c->ls->srv->s;
	if (--c->handles == 0) {
		dns_tcp_reader_free(&c->reader);
		dns_mem_free(c);
	}
	sv_handle_closed(s);
}

/* Let go of c: no more reads, jobs or writes; the handles close (with
 * an RST when reset). */
static void conn_end(sv_conn_t *c, bool by_client, bool reset)
{
	if (c->handles == 0 || uv_is_closing((uv_handle_t *)&c->idle))
		return;
	serve_t *s = c->ls->srv->s;
	const net_tap_t *t = tap_of(s);
	c->closing = true;
	sv_jobs_cancel(s, c);
	conn_unlink(c);
	c->ls->srv->nconns--;
	if (t != NULL && t->tcp_close != NULL && c->id != 0)
		t->tcp_close(t->ctx, c->id, by_client);
	uv_close((uv_handle_t *)&c->idle, conn_handle_closed);
	if (!reset || uv_tcp_close_reset(&c->tcp, conn_handle_closed) != 0)
		uv_close((uv_handle_t *)&c->tcp, conn_handle_closed);
}

void sv_conn_close(sv_conn_t *c)
{
	conn_end(c, false, false);
}

static void shutdown_cb(uv_shutdown_t *req, int status)
{
	sv_conn_t *c = req->data;
	(void)status;
	conn_end(c, false, false);
}

void sv_conn_shutdown(sv_conn_t *c)
{
	if (c->shutting || uv_is_closing((uv_handle_t *)&c->tcp))
		return;
	c->closing = true;
	c->shutting = true;
	uv_read_stop((uv_stream_t *)&c->tcp);
	c->shut.data = c;
	if (uv_shutdown(&c->shut, (uv_stream_t *)&c->tcp, shutdown_cb) != 0)
		conn_end(c, false, false);
}

void sv_conn_reset(sv_conn_t *c)
{
	if (uv_is_closing((uv_handle_t *)&c->tcp))
		return;
	c->closing = true;
	uv_read_stop((uv_stream_t *)&c->tcp);
	if (uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp) > 0 ||
	    c->shutting) {
		c->reset_after = true; /* when the writes are done */
		return;
	}
	conn_end(c, false, true);
}

static void idle_cb(uv_timer_t *t);

void sv_conn_job_done(sv_conn_t *c)
{
	c->pending--;
	if (c->closing || c->pending > 0)
		return;
	if (c->eof)
		sv_conn_shutdown(c);
	else /* idle from now on */
		uv_timer_start(&c->idle, idle_cb, c->ls->srv->s->o.tcp_idle_ms,
			       0);
}

/* ---- writing ------------------------------------------------------------ */

static void write_cb(uv_write_t *req, int status)
{
	sv_write_t *w = (sv_write_t *)req;
	sv_conn_t *c = req->handle->data;
	dns_mem_free(w);
	if (status == UV_ECANCELED || uv_is_closing((uv_handle_t *)&c->tcp))
		return;
	if (status < 0) {
		conn_end(c, true, false);
		return;
	}
	if (c->reset_after &&
	    uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp) == 0)
		conn_end(c, false, true);
}

void sv_conn_write(sv_conn_t *c, const uint8_t *data, size_t len)
{
	serve_t *s = c->ls->srv->s;
	const net_tap_t *t = tap_of(s);
	if (c->shutting || len == 0 || uv_is_closing((uv_handle_t *)&c->tcp))
		return;
	if (uv_stream_get_write_queue_size((uv_stream_t *)&c->tcp) + len >
	    SERVE_TCP_WQ_MAX) {
		conn_end(c, false, false); /* the client does not read */
		return;
	}
	sv_write_t *w = dns_mem_alloc(sizeof(*w) + len);
	if (w == NULL) {
		conn_end(c, false, false);
		return;
	}
	memcpy(w->data, data, len);
	w->len = len;
	if (t != NULL && t->tcp_data != NULL)
		t->tcp_data(t->ctx, c->id, false, w->data, len);
	uv_buf_t b = uv_buf_init((char *)w->data, (unsigned)len);
	if (uv_write(&w->req, (uv_stream_t *)&c->tcp, &b, 1, write_cb) != 0) {
		dns_mem_free(w);
		conn_end(c, false, false);
	}
}

/* ---- reading TCP -------------------------------------------------------- */

static void rx_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	serve_t *s;
	(void)suggested;
	if (h->type == UV_UDP)
		s = ((sv_listen_t *)h->data)->srv->s;
	else
		s = ((sv_conn_t *)h->data)->ls->srv->s;
	*buf = uv_buf_init((char *)s->loop->rxbuf, NET_RXBUF_LEN);
}

static void idle_cb(uv_timer_t *t)
{
	sv_conn_t *c = t->data;
	if (c->pending == 0)
		sv_conn_shutdown(c);
}

/* Feed len bytes of the stream to the reassembler; each query complete
 * goes to sv_query. */
static void conn_data(sv_conn_t *c, const uint8_t *data, size_t len)
{
	size_t off = 0;
	while (off < len && !c->closing) {
		size_t used = 0, mlen = 0;
		const uint8_t *msg = NULL;
		dns_rc_t rc = dns_tcp_read(&c->reader, data + off, len - off,
					   &used, &msg, &mlen);
		off += used;
		if (rc != DNS_OK) {
			/* a zero length (no framing after it) or no memory */
			conn_end(c, false, false);
			return;
		}
		if (msg != NULL)
			sv_query(c->ls, c, (const struct sockaddr *)&c->peer,
				 msg, mlen);
		else if (used == 0)
			break;
	}
}

static void conn_read(uv_stream_t *st, ssize_t nread, const uv_buf_t *buf)
{
	sv_conn_t *c = st->data;
	serve_t *s = c->ls->srv->s;
	const net_tap_t *t = tap_of(s);
	if (nread == 0 || c->closing)
		return;
	if (nread < 0) {
		c->eof = true;
		uv_read_stop(st);
		if (nread != UV_EOF)
			conn_end(c, true, false);
		else if (c->pending == 0)
			sv_conn_shutdown(c);
		return;
	}
	if (t != NULL && t->tcp_data != NULL)
		t->tcp_data(t->ctx, c->id, true, (const uint8_t *)buf->base,
			    (size_t)nread);
	uv_timer_start(&c->idle, idle_cb, s->o.tcp_idle_ms, 0);
	conn_data(c, (const uint8_t *)buf->base, (size_t)nread);
}

/* ---- accepting ---------------------------------------------------------- */

static int conn_start(sv_conn_t *c)
{
	serve_t *s = c->ls->srv->s;
	const net_tap_t *t = tap_of(s);
	int len = sizeof(c->peer);
	uv_tcp_getpeername(&c->tcp, (struct sockaddr *)&c->peer, &len);
	uv_tcp_nodelay(&c->tcp, 1);
	c->id = s->loop->next_conn++;
	if (t != NULL && t->tcp_open != NULL)
		t->tcp_open(t->ctx, c->id, (const struct sockaddr *)&c->peer,
			    (const struct sockaddr *)&c->ls->addr);
	uv_timer_start(&c->idle, idle_cb, s->o.tcp_idle_ms, 0);
	return uv_read_start((uv_stream_t *)&c->tcp, rx_alloc, conn_read);
}

static sv_conn_t *conn_new(sv_listen_t *ls)
{
	serve_t *s = ls->srv->s;
	sv_conn_t *c = dns_mem_alloc(sizeof(*c));
	if (c == NULL)
		return NULL;
	memset(c, 0, sizeof(*c));
	c->ls = ls;
	dns_tcp_reader_init(&c->reader, DNS_MSG_MAXLEN);
	uv_tcp_init(&s->loop->uv, &c->tcp);
	uv_timer_init(&s->loop->uv, &c->idle);
	c->tcp.data = c;
	c->idle.data = c;
	c->handles = 2;
	s->handles += 2;
	c->next = s->conns;
	if (s->conns != NULL)
		s->conns->prev = c;
	s->conns = c;
	ls->srv->nconns++;
	return c;
}

static void on_connection(uv_stream_t *server, int status)
{
	sv_listen_t *ls = server->data;
	if (status < 0 || ls->srv->s->stopped)
		return;
	sv_conn_t *c = conn_new(ls);
	if (c == NULL)
		return; /* the connection waits in the backlog */
	if (uv_accept(server, (uv_stream_t *)&c->tcp) != 0) {
		conn_end(c, false, false);
		return;
	}
	if (ls->srv->nconns > ls->srv->s->o.tcp_conns) {
		conn_end(c, false, false); /* too many: closed at once */
		return;
	}
	if (conn_start(c) != 0)
		conn_end(c, false, false);
}

/* ---- UDP ---------------------------------------------------------------- */

static void udp_recv(uv_udp_t *h, ssize_t nread, const uv_buf_t *buf,
		     const struct sockaddr *from, unsigned flags)
{
	sv_listen_t *ls = h->data;
	serve_t *s = ls->srv->s;
	const net_tap_t *t = tap_of(s);
	(void)flags;
	if (nread < 0 || from == NULL || s->stopped)
		return;
	if (t != NULL && t->udp != NULL)
		t->udp(t->ctx, from, (const struct sockaddr *)&ls->addr,
		       (const uint8_t *)buf->base, (size_t)nread);
	sv_query(ls, NULL, from, (const uint8_t *)buf->base, (size_t)nread);
}

/* ---- opening ------------------------------------------------------------ */

static int open_udp(sv_listen_t *ls)
{
	serve_t *s = ls->srv->s;
	const struct sockaddr *a = (const struct sockaddr *)&ls->addr;
	int rc = uv_udp_init_ex(&s->loop->uv, &ls->udp, a->sa_family);
	if (rc != 0)
		return rc;
	ls->udp.data = ls;
	ls->udp_open = true;
	s->handles++;
	rc = uv_udp_bind(&ls->udp, a, 0);
	if (rc == 0)
		rc = uv_udp_recv_start(&ls->udp, rx_alloc, udp_recv);
	return rc;
}

static int open_tcp(sv_listen_t *ls)
{
	serve_t *s = ls->srv->s;
	const struct sockaddr *a = (const struct sockaddr *)&ls->addr;
	int rc = uv_tcp_init_ex(&s->loop->uv, &ls->tcp, a->sa_family);
	if (rc != 0)
		return rc;
	ls->tcp.data = ls;
	ls->tcp_open = true;
	s->handles++;
	rc = uv_tcp_bind(&ls->tcp, a, 0);
	if (rc == 0)
		rc = uv_listen((uv_stream_t *)&ls->tcp, 128, on_connection);
	return rc;
}

int sv_listen_open(sv_listen_t *ls)
{
	int rc = open_udp(ls);
	return rc != 0 ? rc : open_tcp(ls);
}
