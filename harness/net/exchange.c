/* exchange.c - the transport-independent part of an exchange: result
 * bookkeeping, bounded collection of responses, the end of a transfer,
 * and the orderly end (close every handle, then done()). */
#include "net/internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dns/msg.h"
#include "dns/wire.h"

#define TYPE_SOA  6u
#define TYPE_AXFR 252u

const char *net_status_name(net_status_t s)
{
	switch (s) {
	case NET_PENDING:
		return "pending";
	case NET_ANSWERED:
		return "answered";
	case NET_TIMEOUT:
		return "timeout";
	case NET_CLOSED:
		return "closed";
	case NET_RESET:
		return "reset";
	case NET_ERROR:
		return "error";
	case NET_ABORTED:
		return "aborted";
	}
	return "?";
}

const char *net_hold_name(net_hold_t h)
{
	switch (h) {
	case NET_HOLD_NONE:
		return "none";
	case NET_HOLD_OPEN:
		return "open";
	case NET_HOLD_CLOSED:
		return "closed";
	case NET_HOLD_RESET:
		return "reset";
	}
	return "?";
}

bool net__is_unreachable(int uv_err)
{
	return uv_err == UV_ECONNREFUSED || uv_err == UV_EHOSTUNREACH ||
	       uv_err == UV_ENETUNREACH || uv_err == UV_ENETDOWN ||
	       uv_err == UV_EADDRNOTAVAIL;
}

int net__begin(net_loop_t *l, net_exchange_t *x, bool timer)
{
	/* Everything but the text of res.detail and the timer, which are
	 * large (and the timer is uv_timer_init's to set): this runs for
	 * every query. */
	memset(&x->res, 0, offsetof(net_result_t, detail));
	x->res.detail[0] = '\0';
	memset(&x->in, 0,
	       offsetof(net_exchange_t, in.timer) -
		   offsetof(net_exchange_t, in));
	x->in.loop = l;
	if (x->timeout_ms == 0)
		x->timeout_ms = NET_DEFAULT_TIMEOUT_MS;
	if (x->idle_ms == 0)
		x->idle_ms = NET_DEFAULT_IDLE_MS;
	if (x->msg == NULL || x->len > DNS_MSG_MAXLEN || x->arena == NULL)
		return UV_EINVAL;
	if (!timer)
		return 0;
	int rc = uv_timer_init(&l->uv, &x->in.timer);
	if (rc != 0)
		return rc;
	x->in.timer.data = x;
	x->in.open_handles = 1;
	return 0;
}

uint16_t net__query_id(const net_exchange_t *x)
{
	return x->len >= 2 ? dns_get_u16(x->msg) : 0;
}

void net__prepare_send(net_exchange_t *x)
{
	if (x->fresh_id && x->len >= 2)
		dns_put_u16(x->msg, net_random_id(x->in.loop));
	x->in.id = net__query_id(x);
	x->in.sent_at = net_now_ms();
	x->res.attempts++;
}

/* Grow the response arrays to hold one more (one allocation for both:
 * cap pointers, then cap lengths). */
static bool reserve_slot(net_exchange_t *x)
{
	if (x->res.nmsgs < x->in.cap)
		return true;
	size_t cap = x->in.cap ? 2 * x->in.cap : 1;
	_Static_assert(sizeof(const uint8_t *) % _Alignof(size_t) == 0,
		       "the lengths are aligned after the pointers");
	const uint8_t **msgs = dns_arena_alloc(
	    x->arena, cap * (sizeof(const uint8_t *) + sizeof(size_t)));
	if (msgs == NULL)
		return false;
	size_t *lens = (size_t *)(void *)(msgs + cap);
	if (x->res.nmsgs > 0) {
		memcpy(msgs, x->res.msgs, x->res.nmsgs * sizeof(*msgs));
		memcpy(lens, x->res.lens, x->res.nmsgs * sizeof(*lens));
	}
	x->res.msgs = msgs;
	x->res.lens = lens;
	x->in.cap = cap;
	return true;
}

/* A copy of the first response in x's arena, with its slot in res.msgs
 * and res.lens: one allocation for the three, as most exchanges keep one
 * response. NULL when memory is out. */
static uint8_t *keep_first(net_exchange_t *x, const uint8_t *msg, size_t len)
{
	_Static_assert(
	    sizeof(const uint8_t *) == sizeof(size_t),
	    "the length and the bytes are aligned after the pointer");
	const uint8_t **msgs = dns_arena_alloc(
	    x->arena, sizeof(const uint8_t *) + sizeof(size_t) + len);
	if (msgs == NULL)
		return NULL;
	size_t *lens = (size_t *)(void *)(msgs + 1);
	uint8_t *copy = (uint8_t *)(lens + 1);
	if (len > 0)
		memcpy(copy, msg, len);
	x->res.msgs = msgs;
	x->res.lens = lens;
	x->in.cap = 1;
	return copy;
}

/* The QTYPE of x's query, or 0 when it has no readable question. */
static uint16_t query_qtype(const net_exchange_t *x)
{
	if (x->len < DNS_HEADER_LEN || dns_get_u16(x->msg + 4) == 0)
		return 0;
	dns_wire_t w = dns_wire_reader(x->msg, x->len);
	dns_name_t name;
	w.pos = DNS_HEADER_LEN;
	if (dns_name_unpack(&w, &name, true) != DNS_OK)
		return 0;
	uint16_t qtype = dns_wire_u16(&w);
	return dns_wire_ok(&w) ? qtype : 0;
}

/* Does this message end a transfer? A non-zero rcode or a message too
 * short for a header ends it; an AXFR ends at its second SOA (records
 * are read in survey mode, so a damaged record does not hide the end). */
static bool transfer_ends(net_exchange_t *x, const uint8_t *msg, size_t len)
{
	if (len < DNS_HEADER_LEN || (dns_get_u16(msg + 2) & 0xfu) != 0)
		return true;
	dns_arena_t arena;
	dns_msg_t m;
	dns_arena_init(&arena, 0);
	dns_rc_t rc = dns_msg_decode(&m, msg, len, DNS_DECODE_SURVEY, &arena);
	if (rc != DNS_E_NOMEM)
		for (unsigned i = 0; i < m.nsec[DNS_SEC_ANSWER]; i++)
			if (m.sec[DNS_SEC_ANSWER][i].type == TYPE_SOA)
				x->in.soa_seen++;
	dns_arena_free(&arena);
	if (rc == DNS_E_NOMEM)
		return true;
	/* Only AXFR has a fixed end; IXFR and the rest end when idle. */
	return x->in.soa_seen >= 2 && query_qtype(x) == TYPE_AXFR;
}

bool net__accept(net_exchange_t *x, const uint8_t *msg, size_t len)
{
	const net_limits_t *lim = &x->in.loop->limits;
	if (x->res.nmsgs >= lim->max_msgs || len > lim->max_bytes ||
	    x->res.bytes > lim->max_bytes - len) {
		x->res.capped = true;
		return true;
	}
	uint8_t *copy = x->in.cap == 0 ? keep_first(x, msg, len)
				       : dns_arena_dup(x->arena, msg, len);
	if (copy == NULL || !reserve_slot(x)) {
		net__finish(x, NET_ERROR, UV_ENOMEM,
			    "out of memory keeping a response");
		return true;
	}
	if (x->res.nmsgs == 0)
		x->res.rtt_ms = net_now_ms() - x->in.sent_at;
	x->res.msgs[x->res.nmsgs] = copy;
	x->res.lens[x->res.nmsgs] = len;
	x->res.nmsgs++;
	x->res.bytes += len;
	if (!x->multi)
		return true;
	return transfer_ends(x, msg, len);
}

void net__handle_closed(uv_handle_t *h)
{
	net_exchange_t *x = h->data;
	if (--x->in.open_handles == 0 && x->done != NULL)
		x->done(x);
}

/* The loop's idle callback: done() of the exchanges ended since its last
 * turn, oldest first. Those that end meanwhile wait for the next turn, as
 * handles closed in a close callback do. */
static void run_ended(uv_idle_t *h)
{
	net_loop_t *l = h->data;
	net_exchange_t *x = l->ended;
	l->ended = l->ended_tail = NULL;
	uv_idle_stop(h);
	while (x != NULL) {
		net_exchange_t *next = x->in.ended_next; /* done may reuse x */
		x->in.ended_next = NULL;
		if (x->done != NULL)
			x->done(x);
		x = next;
	}
}

void net__ended_flush(net_loop_t *l)
{
	if (l->ended != NULL)
		run_ended(&l->ended_idle);
}

/* x has no handle to close (UDP): its done() runs from the loop's idle
 * callback, never inside the call that ended it. (A timer per exchange,
 * opened and closed only for its close callback, cost more than the
 * rest of the exchange's bookkeeping.) The idle handle also keeps the
 * loop from blocking in poll while an ended exchange waits. */
static void ended_push(net_exchange_t *x)
{
	net_loop_t *l = x->in.loop;
	x->in.ended_next = NULL;
	if (l->ended_tail != NULL) {
		l->ended_tail->in.ended_next = x;
	} else {
		l->ended = x;
		uv_idle_start(&l->ended_idle, run_ended);
	}
	l->ended_tail = x;
}

void net__finish(net_exchange_t *x, net_status_t st, int uv_err,
		 const char *detail, ...)
{
	if (x->in.finishing)
		return;
	x->in.finishing = true;
	x->res.status = st;
	x->res.uv_err = uv_err;
	x->res.unreachable = st == NET_ERROR && net__is_unreachable(uv_err);
	if (detail != NULL) {
		va_list ap;
		va_start(ap, detail);
		vsnprintf(x->res.detail, sizeof(x->res.detail), detail, ap);
		va_end(ap);
	}
	if (x->in.pool != NULL)
		net__tcp_release(x);
	else
		net__udp_release(x);
	if (x->in.open_handles == 0) {
		ended_push(x);
		return;
	}
	uv_timer_stop(&x->in.timer);
	uv_close((uv_handle_t *)&x->in.timer, net__handle_closed);
}

void net_exchange_abort(net_exchange_t *x)
{
	if (x->in.loop == NULL || x->in.finishing)
		return;
	net__finish(x, NET_ABORTED, 0, "aborted");
}
