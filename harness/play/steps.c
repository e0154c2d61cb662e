/* steps.c - shared by the step runners (steps.h). */
#include "play/steps.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <time.h>
#include <uv.h>

#include "expect/upstream.h"
#include "play/play.h"

const char *play_keep(dns_arena_t *a, const char *s)
{
	const char *k = s != NULL ? dns_arena_dup(a, s, strlen(s) + 1) : NULL;
	return k != NULL ? k : "";
}

void play_verdict_one(dns_arena_t *a, sc_result_t *res, sc_verdict_kind_t k,
		      const char *check, const char *expected, const char *got)
{
	sc_reason_t *why = dns_arena_alloc(a, sizeof(*why));
	res->verdict.kind = k;
	res->verdict.reasons = why;
	res->verdict.nreasons = why != NULL;
	if (why != NULL)
		*why = (sc_reason_t){play_keep(a, check),
				     play_keep(a, expected), play_keep(a, got)};
}

void play_sleep_ms(unsigned long ms)
{
	struct timespec ts = {(time_t)(ms / 1000),
			      (long)(ms % 1000) * 1000000l};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

int play_servers_start(serve_t **srv, net_loop_t *loop,
		       const serve_config_t *cfg, const net_tap_t *tap,
		       unsigned long wait_ms, bool fall_back, char *err,
		       size_t cap)
{
	serve_run_opts_t so = {.port_mode = SERVE_PORT_53, .tap = tap};
	int rc = 0;
	for (unsigned long waited = 0;; waited += PLAY_BIND_RETRY_MS) {
		rc = serve_start(srv, loop, cfg, &so, err, cap);
		if (rc != UV_EADDRINUSE || so.port_mode != SERVE_PORT_53)
			break;
		if (waited < wait_ms)
			play_sleep_ms(PLAY_BIND_RETRY_MS);
		else if (fall_back)
			so.port_mode = SERVE_PORT_FREE;
		else
			break;
	}
	return rc;
}

void play_judge_upstream(serve_t *srv, size_t mark, dns_arena_t *scratch,
			 dns_arena_t *a, sc_result_t *res, sc_verdict_t *v)
{
	static sc_reason_t nomem = {"internal", "memory for the query log",
				    "out of memory"};
	size_t count = serve_log_count(srv);
	size_t n = count > mark ? count - mark : 0;
	/* a copy: the log may grow while the assertions run */
	serve_log_entry_t *w =
	    dns_arena_alloc(scratch, (n ? n : 1) * sizeof(*w));
	*v = (sc_verdict_t){SC_PASS, NULL, 0};
	if (w == NULL) {
		*v = (sc_verdict_t){SC_ERROR, &nomem, 1};
		return;
	}
	for (size_t i = 0; i < n; i++)
		w[i] = *serve_log_get(srv, mark + i);
	const char *text =
	    sc_upstream_window_text(w, n, PLAY_WINDOW_SHOWN, scratch);
	res->upstream_log = text != NULL ? play_keep(a, text) : NULL;
	res->upstream_count = n;
	if (res->c->upstream != NULL)
		sc_upstream_eval(res->c->upstream, w, n, scratch, v);
}

net_loop_t *play_loop_new(pcap_log_t *pcap)
{
	net_loop_t *loop = dns_mem_alloc(sizeof(*loop));
	if (loop == NULL || net_loop_init(loop) != 0) {
		dns_mem_free(loop);
		return NULL;
	}
	if (pcap != NULL)
		loop->tap = play_pcap_tap(pcap);
	return loop;
}

void play_loop_free(net_loop_t *loop)
{
	if (loop != NULL) {
		net_loop_close(loop);
		dns_mem_free(loop);
	}
}

bool play_sigint_start(net_loop_t *loop, uv_signal_t *sig, uv_signal_cb cb,
		       void *data)
{
	if (uv_signal_init(&loop->uv, sig) != 0)
		return false;
	sig->data = data;
	if (uv_signal_start(sig, cb, SIGINT) == 0)
		return true;
	uv_close((uv_handle_t *)sig, NULL);
	return false;
}

static sc_net_status_t net_status(net_status_t s)
{
	switch (s) {
	case NET_ANSWERED:
		return SC_NET_ANSWERED;
	case NET_TIMEOUT:
		return SC_NET_TIMEOUT;
	case NET_CLOSED:
		return SC_NET_CLOSED;
	case NET_RESET:
		return SC_NET_RESET;
	default:
		return SC_NET_ERROR;
	}
}

/* What the hold of x (hold_ms; over TCP and DoT only) saw, in out's
 * arena; NULL when the query asked for no hold (or no memory). */
static const sc_hold_obs_t *
observe_hold(play_result_t *out, const net_exchange_t *x, sc_transport_t t)
{
	static const sc_hold_t states[] = {SC_HOLD_NONE, SC_HOLD_OPEN,
					   SC_HOLD_CLOSED, SC_HOLD_RESET};
	const net_hold_result_t *r = &x->res.hold;
	if (t == SC_UDP || x->hold_ms == 0)
		return NULL;
	sc_hold_obs_t *h = dns_arena_alloc(&out->arena, sizeof(*h));
	if (h == NULL)
		return NULL;
	memset(h, 0, sizeof(*h));
	h->asked_ms = x->hold_ms;
	h->reuse_asked = x->reuse;
	h->state = (unsigned)r->state < 4 ? states[r->state] : SC_HOLD_NONE;
	h->after_ms = r->after_ms;
	h->bytes = r->bytes;
	h->first_byte_ms = r->first_byte_ms;
	h->reuse_tried = r->reuse != NET_PENDING;
	h->reuse = h->reuse_tried ? net_status(r->reuse) : SC_NET_ANSWERED;
	h->reuse_rtt_ms = r->reuse_rtt_ms;
	return h;
}

void play_observe(play_result_t *out, sc_transport_t t, const net_exchange_t *x,
		  sc_observed_t *obs)
{
	obs->hold = observe_hold(out, x, t);
	obs->status = net_status(x->res.status);
	obs->transport = t;
	obs->query = x->msg;
	obs->qlen = x->len;
	obs->msgs = x->res.msgs;
	obs->lens = x->res.lens;
	obs->nmsgs = x->res.nmsgs;
	obs->ignored = x->res.ignored;
	obs->rtt_ms = x->res.rtt_ms;
	if (x->res.detail[0] != '\0')
		obs->net_detail = play_keep(&out->arena, x->res.detail);
	else if (x->res.status == NET_ERROR)
		obs->net_detail = uv_strerror(x->res.uv_err);
	if (x->res.status != NET_ABORTED)
		out->sent++;
	if (x->res.unreachable)
		out->unreachable++;
}
