/* tcp.c - client exchanges over TCP: a pool of reused connections with
 * pipelining, responses matched by ID in any order, framing through
 * dns/tcp.h, and closes, resets and broken framing turned into named
 * outcomes (retried alone first when another query may be to blame).
 * With pool->tls set, each connection is a DoT session: the TLS layer
 * (dot.c) sits between the stream and the framing. */
#include "net/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dns/wire.h"
#include "net/dot_int.h"

#define NET_TCP_DEFAULT_DEPTH 16u
#define ID_TRIES	      64

struct net_tcp_conn {
	net_tcp_pool_t *pool;
	uv_tcp_t tcp;
	uv_connect_t connect;
	dns_tcp_reader_t reader;
	uint64_t id; /* for the tap */
	struct sockaddr_storage local;
	net_exchange_t *pending; /* exchanges waiting here, oldest first */
	size_t npending;
	size_t peak;   /* most exchanges pending at once */
	size_t served; /* exchanges that ended here */
	bool connected, closing, dedicated;
	bool ready;   /* queries may go: connected, TLS handshake done */
	bool stalled; /* a query here went unanswered: no new query is put
			 on it (the server may have stopped reading it, as
			 dnsmasq does after a QR=1 query: a later case would
			 time out for this one); closed once idle */
	net_tls_conn_t *tls;  /* DoT: the TLS session, or NULL */
	net_tcp_conn_t *next; /* in the pool */
};

/* One write: the request, then the bytes it writes. */
typedef struct tcp_write {
	uv_write_t req;
	size_t len;
	uint8_t data[];
} tcp_write_t;

static net_tap_t *tap_of(net_tcp_conn_t *c)
{
	return &c->pool->loop->tap;
}

/* ---- the pool's list ---------------------------------------------------- */

static void pool_unlink(net_tcp_conn_t *c)
{
	net_tcp_conn_t **pp = &c->pool->conns;
	while (*pp != NULL && *pp != c)
		pp = &(*pp)->next;
	if (*pp == c)
		*pp = c->next;
	c->next = NULL;
}

static void pending_unlink(net_tcp_conn_t *c, net_exchange_t *x)
{
	net_exchange_t **pp = &c->pending;
	while (*pp != NULL && *pp != x)
		pp = &(*pp)->in.next;
	if (*pp == x) {
		*pp = x->in.next;
		c->npending--;
	}
	x->in.next = NULL;
}

static void pending_append(net_tcp_conn_t *c, net_exchange_t *x)
{
	net_exchange_t **pp = &c->pending;
	while (*pp != NULL)
		pp = &(*pp)->in.next;
	*pp = x;
	x->in.next = NULL;
	x->in.conn = c;
	c->npending++;
	if (c->npending > c->peak)
		c->peak = c->npending;
}

static net_exchange_t *pending_by_id(net_tcp_conn_t *c, uint16_t id)
{
	for (net_exchange_t *x = c->pending; x != NULL; x = x->in.next)
		if (x->in.on_wire && (x->len < 2 || x->in.id == id))
			return x;
	return NULL;
}

/* The ID x's response will carry: known once it is on the wire, or
 * fixed by its query; -1 while a fresh one is still to be drawn. */
static long expected_id(const net_exchange_t *x)
{
	if (x->len < 2)
		return -1;
	if (x->in.on_wire)
		return x->in.id;
	return x->fresh_id ? -1 : (long)net__query_id(x);
}

/* Does an exchange on c other than skip expect ID id? */
static bool id_in_use(net_tcp_conn_t *c, uint16_t id,
		      const net_exchange_t *skip)
{
	for (net_exchange_t *x = c->pending; x != NULL; x = x->in.next)
		if (x != skip && expected_id(x) == (long)id)
			return true;
	return false;
}

/* ---- closing ------------------------------------------------------------ */

static void conn_closed(uv_handle_t *h)
{
	net_tcp_conn_t *c = h->data;
	dns_tcp_reader_free(&c->reader);
	net__tls_conn_free(c->tls);
	c->pool->nconns--;
	dns_mem_free(c);
}

static void conn_close(net_tcp_conn_t *c, bool by_client)
{
	if (c->closing)
		return;
	c->closing = true;
	pool_unlink(c);
	net_tap_t *t = tap_of(c);
	if (c->connected && t->tcp_close != NULL)
		t->tcp_close(t->ctx, c->id, by_client);
	uv_close((uv_handle_t *)&c->tcp, conn_closed);
}

static int conn_send_alone(net_tcp_pool_t *p, net_exchange_t *x);
static void hold_broken(net_exchange_t *x, net_status_t st, const char *detail);

/* The connection is broken (st: CLOSED, RESET or ERROR). Each exchange
 * still waiting ends with st - or, when the connection carried others or
 * was reused and may_retry, is sent again alone on a fresh one. */
static void conn_fail(net_tcp_conn_t *c, net_status_t st, int err,
		      bool may_retry, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static void conn_fail(net_tcp_conn_t *c, net_status_t st, int err,
		      bool may_retry, const char *fmt, ...)
{
	if (c->closing)
		return;
	char detail[160];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	bool shared = c->peak > 1 || c->served > 0;
	conn_close(c, st != NET_CLOSED && st != NET_RESET);
	while (c->pending != NULL) {
		net_exchange_t *x = c->pending;
		pending_unlink(c, x);
		x->in.conn = NULL;
		if (x->in.holding)
			hold_broken(x, st, detail);
		else if (x->res.nmsgs > 0)
			net__finish(x, NET_ANSWERED, 0,
				    "%s after %zu message%s", detail,
				    x->res.nmsgs, x->res.nmsgs == 1 ? "" : "s");
		else if (may_retry && shared && !x->in.isolated)
			conn_send_alone(c->pool, x);
		else
			net__finish(x, st, err, "%s", detail);
	}
}

/* ---- writing ------------------------------------------------------------ */

static void write_cb(uv_write_t *req, int status)
{
	tcp_write_t *w = (tcp_write_t *)req;
	net_tcp_conn_t *c = req->handle->data;
	dns_mem_free(w);
	if (status >= 0 || status == UV_ECANCELED)
		return;
	if (status == UV_ECONNRESET || status == UV_EPIPE)
		conn_fail(c, NET_RESET, status, true,
			  "connection reset while sending (%s)",
			  uv_strerror(status));
	else
		conn_fail(c, NET_ERROR, status, true, "sending failed: %s",
			  uv_strerror(status));
}

/* Queue w on the stream (w is freed once written, or now on failure). */
static int stream_write(net_tcp_conn_t *c, tcp_write_t *w)
{
	uv_buf_t buf = uv_buf_init((char *)w->data, (unsigned)w->len);
	int rc = uv_write(&w->req, (uv_stream_t *)&c->tcp, &buf, 1, write_cb);
	if (rc != 0)
		dns_mem_free(w);
	return rc;
}

/* DoT: queue what the TLS session has to send, as one write. */
static int tls_flush(net_tcp_conn_t *c)
{
	size_t n = net__tls_pending(c->tls);
	if (n == 0)
		return 0;
	tcp_write_t *w = dns_mem_alloc(sizeof(*w) + n);
	if (w == NULL)
		return UV_ENOMEM;
	w->len = net__tls_take(c->tls, w->data, n);
	return stream_write(c, w);
}

/* Queue len bytes (prefix and/or message) as one write: one TLS record
 * on a DoT connection (the tap sees them unencrypted). */
static int conn_write(net_tcp_conn_t *c, const uint8_t *a, size_t alen,
		      const uint8_t *b, size_t blen)
{
	tcp_write_t *w = dns_mem_alloc(sizeof(*w) + alen + blen);
	if (w == NULL)
		return UV_ENOMEM;
	memcpy(w->data, a, alen);
	if (blen > 0)
		memcpy(w->data + alen, b, blen);
	w->len = alen + blen;
	net_tap_t *t = tap_of(c);
	if (t->tcp_data != NULL)
		t->tcp_data(t->ctx, c->id, true, w->data, w->len);
	if (c->tls == NULL)
		return stream_write(c, w);
	char why[160];
	bool ok = net__tls_write(c->tls, w->data, w->len, why, sizeof(why));
	dns_mem_free(w);
	return ok ? tls_flush(c) : UV_EPROTO;
}

/* Prepare x for sending: a fresh ID no other exchange on c expects. */
static void pick_id(net_tcp_conn_t *c, net_exchange_t *x)
{
	net__prepare_send(x);
	for (int i = 1; i < ID_TRIES && x->fresh_id && x->len >= 2 &&
			id_in_use(c, x->in.id, x);
	     i++) {
		dns_put_u16(x->msg, net_random_id(x->in.loop));
		x->in.id = net__query_id(x);
	}
}

static void conn_send(net_tcp_conn_t *c, net_exchange_t *x)
{
	uint8_t prefix[DNS_TCP_PREFIX_LEN];
	pick_id(c, x);
	dns_put_u16(prefix, (uint16_t)x->len);
	int rc;
	if (x->partial) {
		size_t n = x->partial_len < x->len ? x->partial_len : x->len;
		rc = conn_write(c, prefix, sizeof(prefix), x->msg, n);
	} else if (x->split_prefix) {
		rc = conn_write(c, prefix, sizeof(prefix), NULL, 0);
		if (rc == 0 && x->len > 0) /* an empty message: prefix 0 */
			rc = conn_write(c, x->msg, x->len, NULL, 0);
	} else {
		rc = conn_write(c, prefix, sizeof(prefix), x->msg, x->len);
	}
	x->in.on_wire = true;
	if (rc != 0)
		conn_fail(c, NET_ERROR, rc, true, "sending failed: %s",
			  uv_strerror(rc));
}

/* ---- reading ------------------------------------------------------------ */

static void conn_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	net_tcp_conn_t *c = h->data;
	(void)suggested;
	*buf = uv_buf_init((char *)c->pool->loop->rxbuf, NET_RXBUF_LEN);
}

static void tcp_timeout(uv_timer_t *t);
static bool hold_start(net_exchange_t *x);
static void hold_reused(net_exchange_t *x, size_t len);

/* A complete message arrived on c: give it to the exchange with its ID. */
static void conn_dispatch(net_tcp_conn_t *c, const uint8_t *msg, size_t len)
{
	net_exchange_t *x =
	    len >= 2 ? pending_by_id(c, dns_get_u16(msg)) : NULL;
	if (x == NULL) {
		/* nobody asked: count it against the oldest waiting */
		if (c->pending != NULL)
			c->pending->res.ignored++;
		return;
	}
	if (x->in.reusing) {
		hold_reused(x, len);
		return;
	}
	bool complete = net__accept(x, msg, len);
	if (x->in.finishing)
		return;
	if (complete && !x->res.capped && hold_start(x))
		return;
	if (complete) {
		if (x->res.capped)
			net__finish(x, NET_ANSWERED, 0,
				    "stopped at a limit after %zu messages "
				    "(%zu bytes)",
				    x->res.nmsgs, x->res.bytes);
		else
			net__finish(x, NET_ANSWERED, 0, NULL);
		return;
	}
	/* a transfer: wait for the next message, within the limits */
	double left = (double)x->in.loop->limits.max_transfer_ms -
		      (net_now_ms() - x->in.sent_at);
	uint64_t wait = x->idle_ms;
	if (left < (double)wait)
		wait = left > 0 ? (uint64_t)left : 0;
	uv_timer_start(&x->in.timer, tcp_timeout, wait, 0);
}

static void hold_bytes(net_exchange_t *x, size_t n);

/* The exchange holding dedicated connection c (in its hold, the query
 * not sent again yet), or NULL. */
static net_exchange_t *held_on(const net_tcp_conn_t *c)
{
	net_exchange_t *x = c->dedicated ? c->pending : NULL;
	return x != NULL && x->in.holding && !x->in.reusing ? x : NULL;
}

static void conn_data(net_tcp_conn_t *c, const uint8_t *data, size_t len)
{
	net_tap_t *t = tap_of(c);
	if (t->tcp_data != NULL)
		t->tcp_data(t->ctx, c->id, false, data, len);
	size_t off = 0;
	while (off < len && !c->closing) {
		net_exchange_t *held = held_on(c);
		if (held != NULL) { /* nobody asked for these */
			hold_bytes(held, len - off);
			return;
		}
		size_t used = 0, mlen = 0;
		const uint8_t *msg = NULL;
		dns_rc_t rc = dns_tcp_read(&c->reader, data + off, len - off,
					   &used, &msg, &mlen);
		off += used;
		if (rc == DNS_E_FRAME) {
			conn_fail(c, NET_CLOSED, 0, true,
				  "broken framing from the server (length "
				  "%u at stream offset %llu); connection "
				  "dropped",
				  (unsigned)dns_get_u16(c->reader.prefix),
				  c->reader.err_off);
			return;
		}
		if (rc != DNS_OK) {
			conn_fail(c, NET_ERROR, UV_ENOMEM, false,
				  "out of memory reading a response");
			return;
		}
		if (msg != NULL)
			conn_dispatch(c, msg, mlen);
		else if (used == 0)
			break;
	}
}

/* ---- readiness and TLS (DoT) -------------------------------------------- */

/* Is x still in its wait_ms before sending? */
static bool waiting(const net_exchange_t *x)
{
	return x->wait_ms > 0 && !x->in.waited;
}

/* Queries may go on c: send those waiting. */
static void conn_ready(net_tcp_conn_t *c)
{
	c->ready = true;
	for (net_exchange_t *x = c->pending; x != NULL && !c->closing;) {
		net_exchange_t *next = x->in.next;
		if (!x->in.on_wire && !waiting(x))
			conn_send(c, x);
		x = next;
	}
}

/* The server ended the stream (how: "closed the connection" ...). */
static void conn_eof(net_tcp_conn_t *c, const char *how)
{
	size_t held = dns_tcp_pending(&c->reader);
	if (held > 0)
		conn_fail(c, NET_CLOSED, 0, true,
			  "the server %s in the middle of a message (%zu bytes "
			  "held)",
			  how, held);
	else
		conn_fail(c, NET_CLOSED, 0, true, "the server %s", how);
}

/* Advance the handshake with what was fed; true once c is ready. */
static bool tls_handshake(net_tcp_conn_t *c)
{
	char why[160];
	net_tls_rc_t rc = net__tls_handshake(c->tls, why, sizeof(why));
	int wr = tls_flush(c); /* the next flight, or an alert */
	if (rc == NET_TLS_FAILED) {
		conn_fail(c, NET_ERROR, 0, false, "TLS handshake failed: %s",
			  why);
		return false;
	}
	if (wr != 0) {
		conn_fail(c, NET_ERROR, wr, false, "sending failed: %s",
			  uv_strerror(wr));
		return false;
	}
	if (rc == NET_TLS_AGAIN)
		return false;
	conn_ready(c);
	return !c->closing;
}

/* Decrypt what was fed and pass it to the framing. The shared receive
 * buffer is free again: its ciphertext was fed before. */
static void tls_read_plain(net_tcp_conn_t *c)
{
	uint8_t *buf = c->pool->loop->rxbuf;
	char why[160];
	net_tls_rc_t rc;
	do {
		size_t n = 0;
		rc = net__tls_read(c->tls, buf, NET_RXBUF_LEN, &n, why,
				   sizeof(why));
		if (n > 0)
			conn_data(c, buf, n);
	} while (rc == NET_TLS_OK && !c->closing);
	if (c->closing)
		return;
	int wr = 0;
	if (rc == NET_TLS_CLOSED)
		conn_eof(c, "closed the TLS session (close_notify)");
	else if (rc == NET_TLS_FAILED)
		conn_fail(c, NET_CLOSED, 0, true,
			  "TLS error from the server: %s", why);
	else if ((wr = tls_flush(c)) != 0)
		conn_fail(c, NET_ERROR, wr, true, "sending failed: %s",
			  uv_strerror(wr));
}

/* DoT: bytes from the stream. */
static void tls_input(net_tcp_conn_t *c, const uint8_t *data, size_t len)
{
	if (!net__tls_feed(c->tls, data, len)) {
		conn_fail(c, NET_ERROR, UV_ENOMEM, false,
			  "out of memory reading a response");
		return;
	}
	if (!c->ready && !tls_handshake(c))
		return;
	tls_read_plain(c);
}

/* DoT: the stream ended or failed (err) before the handshake did. */
static void tls_cut(net_tcp_conn_t *c, int err)
{
	if (err == UV_EOF)
		conn_fail(c, NET_ERROR, 0, false,
			  "TLS handshake failed: the server closed the "
			  "connection");
	else if (err == UV_ECONNRESET)
		conn_fail(c, NET_ERROR, err, false,
			  "TLS handshake failed: the server reset the "
			  "connection");
	else
		conn_fail(c, NET_ERROR, err, false, "TLS handshake failed: %s",
			  uv_strerror(err));
}

/* DoT: the TCP connection is up; say ClientHello. */
static void tls_start(net_tcp_conn_t *c)
{
	c->tls = net__tls_conn_new(c->pool->tls,
				   (const struct sockaddr *)&c->pool->server);
	if (c->tls == NULL) {
		conn_fail(c, NET_ERROR, UV_ENOMEM, false,
			  "no TLS session: out of memory");
		return;
	}
	tls_handshake(c);
}

/* ---- the stream --------------------------------------------------------- */

static void conn_read(uv_stream_t *s, ssize_t nread, const uv_buf_t *buf)
{
	net_tcp_conn_t *c = s->data;
	if (c->closing || nread == 0)
		return;
	const uint8_t *data = (const uint8_t *)buf->base;
	if (nread > 0 && c->tls != NULL)
		tls_input(c, data, (size_t)nread);
	else if (nread > 0)
		conn_data(c, data, (size_t)nread);
	else if (c->tls != NULL && !c->ready)
		tls_cut(c, (int)nread);
	else if (nread == UV_EOF)
		conn_eof(c, c->tls != NULL ? "closed the connection (no TLS "
					     "close_notify)"
					   : "closed the connection");
	else if (nread == UV_ECONNRESET)
		conn_fail(c, NET_RESET, (int)nread, true,
			  "the server reset the connection");
	else
		conn_fail(c, NET_CLOSED, (int)nread, true,
			  "the connection failed: %s", uv_strerror((int)nread));
}

/* ---- connecting --------------------------------------------------------- */

static void connect_cb(uv_connect_t *req, int status)
{
	net_tcp_conn_t *c = req->handle->data;
	if (status == UV_ECANCELED || c->closing)
		return;
	if (status < 0) {
		conn_fail(c, NET_ERROR, status, false, "cannot connect: %s",
			  uv_strerror(status));
		return;
	}
	c->connected = true;
	int len = sizeof(c->local);
	uv_tcp_getsockname(&c->tcp, (struct sockaddr *)&c->local, &len);
	net_tap_t *t = tap_of(c);
	if (t->tcp_open != NULL)
		t->tcp_open(t->ctx, c->id, (const struct sockaddr *)&c->local,
			    (const struct sockaddr *)&c->pool->server);
	int rc = uv_read_start((uv_stream_t *)&c->tcp, conn_alloc, conn_read);
	if (rc != 0) {
		conn_fail(c, NET_ERROR, rc, false, "cannot read: %s",
			  uv_strerror(rc));
		return;
	}
	if (c->pool->tls != NULL)
		tls_start(c);
	else
		conn_ready(c);
}

/* A new connection (in the pool's list) or NULL with *err set. */
static net_tcp_conn_t *conn_open(net_tcp_pool_t *p, bool dedicated, int *err)
{
	net_tcp_conn_t *c = dns_mem_alloc(sizeof(*c));
	if (c == NULL) {
		*err = UV_ENOMEM;
		return NULL;
	}
	memset(c, 0, sizeof(*c));
	c->pool = p;
	c->dedicated = dedicated;
	dns_tcp_reader_init(&c->reader, DNS_MSG_MAXLEN);
	const struct sockaddr *sa = (const struct sockaddr *)&p->server;
	*err = uv_tcp_init_ex(&p->loop->uv, &c->tcp, sa->sa_family);
	if (*err != 0) {
		dns_mem_free(c);
		return NULL;
	}
	c->tcp.data = c;
	c->id = p->loop->next_conn++;
	c->next = p->conns;
	p->conns = c;
	p->nconns++;
	uv_tcp_nodelay(&c->tcp, 1);
	*err = uv_tcp_connect(&c->connect, &c->tcp, sa, connect_cb);
	if (*err != 0) {
		conn_close(c, true);
		return NULL;
	}
	return c;
}

/* ---- exchanges ---------------------------------------------------------- */

static void attach(net_tcp_conn_t *c, net_exchange_t *x)
{
	pending_append(c, x);
	x->in.on_wire = false;
	if (c->ready && !waiting(x))
		conn_send(c, x);
}

static int conn_send_alone(net_tcp_pool_t *p, net_exchange_t *x)
{
	int err = 0;
	x->in.isolated = true;
	net_tcp_conn_t *c = conn_open(p, true, &err);
	if (c == NULL) {
		net__finish(x, NET_ERROR, err, "cannot open a connection: %s",
			    uv_strerror(err));
		return err;
	}
	uv_timer_start(&x->in.timer, tcp_timeout, x->timeout_ms, 0);
	attach(c, x);
	return 0;
}

/* A shared connection with room for x, or NULL. */
static net_tcp_conn_t *find_conn(net_tcp_pool_t *p, const net_exchange_t *x)
{
	for (net_tcp_conn_t *c = p->conns; c != NULL; c = c->next) {
		if (c->closing || c->dedicated || c->stalled ||
		    c->npending >= p->depth)
			continue;
		if (!x->fresh_id && x->len >= 2 &&
		    id_in_use(c, net__query_id(x), NULL))
			continue;
		return c;
	}
	return NULL;
}

static void tcp_timeout(uv_timer_t *t)
{
	net_exchange_t *x = t->data;
	net_tcp_conn_t *c = x->in.conn;
	if (x->in.finishing)
		return;
	if (x->res.nmsgs > 0 && hold_start(x))
		return; /* a transfer ended by silence: hold from now */
	if (x->res.nmsgs > 0) {
		net__finish(x, NET_ANSWERED, 0,
			    "transfer ended: nothing more after %zu messages",
			    x->res.nmsgs);
	} else if (c != NULL && !c->connected) {
		net__finish(x, NET_TIMEOUT, 0, "no connection within %lu ms",
			    x->timeout_ms);
	} else if (c != NULL && !c->ready) {
		net__finish(x, NET_TIMEOUT, 0,
			    "no TLS session within %lu ms (the handshake did "
			    "not finish)",
			    x->timeout_ms);
	} else if (c != NULL && dns_tcp_pending(&c->reader) > 0) {
		c->stalled = true; /* in the middle of a message */
		net__finish(x, NET_TIMEOUT, 0,
			    "no complete response within %lu ms (%zu bytes of "
			    "a message received)",
			    x->timeout_ms, dns_tcp_pending(&c->reader));
	} else {
		if (c != NULL)
			c->stalled = true;
		net__finish(x, NET_TIMEOUT, 0, "no response within %lu ms",
			    x->timeout_ms);
	}
}

/* wait_ms is over: send x if its connection is ready, then wait for the
 * response as usual. */
static void tcp_wait_over(uv_timer_t *t)
{
	net_exchange_t *x = t->data;
	net_tcp_conn_t *c = x->in.conn;
	if (x->in.finishing)
		return;
	x->in.waited = true;
	if (c == NULL || !c->ready) {
		tcp_timeout(t);
		return;
	}
	uv_timer_start(&x->in.timer, tcp_timeout, x->timeout_ms, 0);
	conn_send(c, x);
}

/* ---- holding the connection after the response (hold_ms) --------------- */

/* x's hold and reuse as a sentence, into res.detail. */
static void hold_detail(net_exchange_t *x, const char *why)
{
	const net_hold_result_t *h = &x->res.hold;
	char *d = x->res.detail;
	size_t cap = sizeof(x->res.detail);
	int n;
	if (h->state == NET_HOLD_OPEN)
		n = snprintf(d, cap, "still open after the %lu ms hold",
			     x->hold_ms);
	else
		n = snprintf(d, cap, "%s %.0f ms after the response",
			     why != NULL && why[0] != '\0' ? why
			     : h->state == NET_HOLD_RESET
				 ? "the server reset the connection"
				 : "the server closed the connection",
			     h->after_ms);
	size_t at = n > 0 && (size_t)n < cap ? (size_t)n : cap - 1;
	if (h->bytes > 0 && at < cap)
		at += (size_t)snprintf(d + at, cap - at,
				       "; %zu unsolicited bytes", h->bytes);
	if (h->reuse == NET_PENDING || at >= cap)
		return;
	if (h->reuse == NET_ANSWERED)
		snprintf(d + at, cap - at,
			 "; the query sent again was answered in %.1f ms",
			 h->reuse_rtt_ms);
	else
		snprintf(d + at, cap - at, "; the query sent again: %s",
			 why != NULL && why[0] != '\0'
			     ? why
			     : net_status_name(h->reuse));
}

/* x is done: answered, with what its hold saw. */
static void hold_finish(net_exchange_t *x, const char *why)
{
	net__finish(x, NET_ANSWERED, 0, NULL);
	hold_detail(x, why);
}

static void hold_over(uv_timer_t *t);

/* x has its response: hold its dedicated connection open for hold_ms.
 * false when x does not hold. */
static bool hold_start(net_exchange_t *x)
{
	if (x->hold_ms == 0 || !x->in.isolated || x->in.conn == NULL ||
	    x->in.holding)
		return false;
	x->in.holding = true;
	x->in.held_at = net_now_ms();
	/* timed from now, not from the loop's cached time, so that a hold
	 * that ends open lasted at least hold_ms */
	uv_update_time(&x->in.loop->uv);
	uv_timer_start(&x->in.timer, hold_over, x->hold_ms, 0);
	return true;
}

static void hold_bytes(net_exchange_t *x, size_t n)
{
	if (x->res.hold.bytes == 0)
		x->res.hold.first_byte_ms = net_now_ms() - x->in.held_at;
	x->res.hold.bytes += n;
}

/* The connection broke (st) while x held it, or while its query sent
 * again waited. */
static void hold_broken(net_exchange_t *x, net_status_t st, const char *detail)
{
	net_hold_result_t *h = &x->res.hold;
	if (x->in.reusing) {
		h->reuse = st == NET_RESET ? NET_RESET : NET_CLOSED;
	} else {
		h->state = st == NET_RESET ? NET_HOLD_RESET : NET_HOLD_CLOSED;
		h->after_ms = net_now_ms() - x->in.held_at;
	}
	hold_finish(x, detail);
}

/* The query sent again after the hold was answered (len bytes). */
static void hold_reused(net_exchange_t *x, size_t len)
{
	x->res.hold.reuse = NET_ANSWERED;
	x->res.hold.reuse_rtt_ms = net_now_ms() - x->in.sent_at;
	x->res.hold.reuse_len = len;
	hold_finish(x, NULL);
}

/* Send x's query again on its held connection; the bytes of the first
 * query (what the verdict compares the response with) are kept. */
static void hold_reuse(net_exchange_t *x, net_tcp_conn_t *c)
{
	uint8_t id[2] = {0, 0};
	if (x->len >= 2)
		memcpy(id, x->msg, 2);
	x->in.reusing = true;
	uv_timer_start(&x->in.timer, hold_over, x->timeout_ms, 0);
	conn_send(c, x);
	if (x->len >= 2)
		memcpy(x->msg, id, 2);
}

/* The hold ended with the connection open, or the query sent again got
 * no answer in time. */
static void hold_over(uv_timer_t *t)
{
	net_exchange_t *x = t->data;
	net_tcp_conn_t *c = x->in.conn;
	if (x->in.finishing)
		return;
	if (x->in.reusing) {
		x->res.hold.reuse = NET_TIMEOUT;
		hold_finish(x, "no answer");
		return;
	}
	x->res.hold.state = NET_HOLD_OPEN;
	x->res.hold.after_ms = net_now_ms() - x->in.held_at;
	if (x->reuse && c != NULL && !c->closing)
		hold_reuse(x, c);
	else
		hold_finish(x, NULL);
}

void net_tcp_pool_init(net_tcp_pool_t *p, net_loop_t *l,
		       const struct sockaddr *server, unsigned depth)
{
	memset(p, 0, sizeof(*p));
	p->loop = l;
	memcpy(&p->server, server, net_addr_len(server));
	p->depth = depth ? depth : NET_TCP_DEFAULT_DEPTH;
}

int net_tcp_start(net_tcp_pool_t *p, net_exchange_t *x)
{
	if (net_addr_len((const struct sockaddr *)&p->server) == 0)
		return UV_EINVAL;
	int rc = net__begin(p->loop, x, true);
	if (rc != 0)
		return rc;
	x->in.pool = p;
	/* a query too short to carry an ID accepts any response: it gets a
	 * connection of its own, so that it cannot take another's; so does
	 * one that waits before sending, sends only part of itself or holds
	 * the connection after the answer */
	bool alone =
	    x->len < 2 || x->wait_ms > 0 || x->partial || x->hold_ms > 0;
	x->in.isolated = alone;
	net_tcp_conn_t *c = alone ? NULL : find_conn(p, x);
	if (c == NULL)
		c = conn_open(p, alone, &rc);
	if (c == NULL) {
		net__finish(x, NET_ERROR, rc, "cannot open a connection: %s",
			    uv_strerror(rc));
		return 0;
	}
	if (x->wait_ms > 0)
		uv_timer_start(&x->in.timer, tcp_wait_over, x->wait_ms, 0);
	else
		uv_timer_start(&x->in.timer, tcp_timeout, x->timeout_ms, 0);
	attach(c, x);
	return 0;
}

void net__tcp_release(net_exchange_t *x)
{
	net_tcp_conn_t *c = x->in.conn;
	if (c == NULL)
		return;
	pending_unlink(c, x);
	x->in.conn = NULL;
	c->served++;
	if ((c->dedicated || c->stalled) && c->npending == 0)
		conn_close(c, true);
}

void net_tcp_pool_close(net_tcp_pool_t *p)
{
	while (p->conns != NULL) {
		net_tcp_conn_t *c = p->conns;
		while (c->pending != NULL)
			net__finish(c->pending, NET_ABORTED, 0,
				    "the connection pool closed");
		conn_close(c, true);
	}
}
