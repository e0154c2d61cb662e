/* internal.h - what exchange.c, udp.c and tcp.c share; not a public API. */
#ifndef DNSH_NET_INTERNAL_H
#define DNSH_NET_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/exchange.h"

#define NET_DEFAULT_TIMEOUT_MS 1000ul
#define NET_DEFAULT_IDLE_MS    500ul

/* Reset x's result and internal state, bind it to l and, with timer (TCP),
 * open its timer (counted in open_handles). Returns 0 or a negative libuv
 * error. */
int net__begin(net_loop_t *l, net_exchange_t *x, bool timer);

/* The ID to expect from x's query as it stands (0 when shorter than 2). */
uint16_t net__query_id(const net_exchange_t *x);

/* Put a fresh ID into x's query when fresh_id, and remember the expected
 * ID in x->in.id. */
void net__prepare_send(net_exchange_t *x);

/* Keep a response for x. Returns true when x has what it needs (one
 * message; for multi, the end of the transfer) or hit a limit. On no
 * memory the exchange is finished with NET_ERROR and true is returned. */
bool net__accept(net_exchange_t *x, const uint8_t *msg, size_t len);

/* End x with status st (unless it has ended already): the transport lets
 * go of it, its handles are closed and done() runs after the last close.
 * detail is a printf format for res.detail (may be NULL). */
void net__finish(net_exchange_t *x, net_status_t st, int uv_err,
		 const char *detail, ...) __attribute__((format(printf, 4, 5)));

/* A handle of x finished closing; runs done() after the last one. */
void net__handle_closed(uv_handle_t *h);

/* Run done() of the exchanges ended without a handle to close (UDP) that
 * still wait for it (net_loop_close). */
void net__ended_flush(net_loop_t *l);

/* Transport hooks called by net__finish. */
void net__udp_release(net_exchange_t *x);
void net__tcp_release(net_exchange_t *x);

/* Free what the UDP socket pool of l still holds; after the last
 * uv_run of net_loop_close, when every handle is closed. */
void net__udp_pool_free(net_loop_t *l);

/* Is err an "unreachable" error (refused, no route, network down)? */
bool net__is_unreachable(int uv_err);

#endif
