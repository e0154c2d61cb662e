/* run.c - the client-role runner: schedule cases on a bounded number of
 * slots, play each one's exchange and alive probe, judge it, and keep the
 * results in case order. */
#include "play/play.h"
#include "play/steps.h"

#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>

#include "dns/wire.h"
#include "expect/expect.h"
#include "net/exchange.h"
#include "net/loop.h"
#include "play/client.h"
#include "play/prime.h"
#include "play/resolver.h"
#include "scenario/query.h"

#define PLAY_DEFAULT_JOBS 100u
#define TYPE_SOA	  6u
#define TYPE_IXFR	  251u
#define TYPE_AXFR	  252u
#define CLASS_IN	  1u
#define PROBE_MAX	  (DNS_HEADER_LEN + DNS_NAME_MAXLEN + 4u)
#define WATCH_DEFAULT_MS  50u
#define NO_CASE		  SIZE_MAX

typedef struct runner runner_t;

typedef enum slot_phase { SLOT_FREE, SLOT_CASE, SLOT_PROBE } slot_phase_t;

typedef struct slot {
	runner_t *r;
	slot_phase_t phase;
	size_t idx; /* into results */
	net_exchange_t x;
	double started; /* ms, net_now_ms */
	uint8_t probe[PROBE_MAX];
	dns_arena_t scratch; /* the probe's response */
	/* the case's query and expectation (sc_case_compile): its own, or
	 * compiled into `compiled` for a lazily loaded case; reset once the
	 * case is judged */
	struct sc_query *q;
	struct sc_expect *e;
	dns_arena_t compiled;
} slot_t;

struct runner {
	const play_opts_t *o;
	play_result_t *out;
	net_loop_t *loop;
	net_tcp_pool_t pool;	     /* to o->target */
	net_tcp_pool_t dot_pool;     /* DoT, to o->dot_target */
	net_tcp_pool_t *suite_pools; /* per suite, for o->suite_targets */
	const sc_suite_t *suites;
	size_t nsuites;
	dns_arena_t scratch; /* for sc_expect_eval, reset after each case */
	diag_t *diag;	     /* sc_case_compile's, for one case at a time */
	uv_signal_t sigint;
	bool sig_open;
	slot_t *slots;
	size_t nslots;
	slot_t **idle; /* free slots, a stack */
	size_t nidle;
	size_t next, total, ndone, nfailed, inflight;
	int interrupts;
	bool stopping, shut;
	double t0;
	/* the target's health (o->watch) */
	uv_timer_t watch;
	bool watch_open;
	bool died;
	size_t last_ended;	    /* the case that ended last, or NO_CASE */
	const char *died_text;	    /* "target died: HOW" */
	const char *died_here_text; /* "target died during this case: HOW" */
};

/* ---- packet log --------------------------------------------------------- */

static void tap_udp(void *ctx, const struct sockaddr *src,
		    const struct sockaddr *dst, const uint8_t *data, size_t len)
{
	pcap_log_udp(ctx, src, dst, data, len);
}

static void tap_open(void *ctx, uint64_t conn, const struct sockaddr *client,
		     const struct sockaddr *server)
{
	pcap_log_tcp_open(ctx, conn, client, server);
}

static void tap_data(void *ctx, uint64_t conn, bool from_client,
		     const uint8_t *data, size_t len)
{
	pcap_log_tcp_data(ctx, conn, from_client, data, len);
}

static void tap_close(void *ctx, uint64_t conn, bool by_client)
{
	pcap_log_tcp_close(ctx, conn, by_client);
}

net_tap_t play_pcap_tap(pcap_log_t *pcap)
{
	return (net_tap_t){pcap, tap_udp, tap_open, tap_data, tap_close};
}

/* ---- results ------------------------------------------------------------ */

static slot_t *slot_take(runner_t *r)
{
	return r->nidle > 0 ? r->idle[--r->nidle] : NULL;
}

static void slot_give(runner_t *r, slot_t *s)
{
	s->phase = SLOT_FREE;
	r->idle[r->nidle++] = s;
}

static char *arena_str(dns_arena_t *a, const char *s)
{
	return dns_arena_dup(a, s, strlen(s) + 1);
}

/* Give res a verdict of kind k with one reason (no network). */
static void verdict_only(runner_t *r, sc_result_t *res, sc_verdict_kind_t k,
			 const char *check, const char *expected,
			 const char *got)
{
	sc_reason_t *why = dns_arena_alloc(&r->out->arena, sizeof(*why));
	res->verdict.kind = k;
	res->verdict.reasons = why;
	res->verdict.nreasons = why != NULL;
	if (why != NULL) {
		why->check = check;
		why->expected = expected;
		why->got = got;
	}
	res->obs.transport =
	    r->o->transport_forced ? r->o->transport : res->c->transport;
}

/* s copied into the run's arena ("" when s is NULL or memory is out). */
static const char *keep_str(runner_t *r, const char *s)
{
	const char *copy = s != NULL ? arena_str(&r->out->arena, s) : NULL;
	return copy != NULL ? copy : "";
}

/* The verdict on res. sc_expect_eval works in the scratch arena (its
 * decoded messages are large); only the verdict is kept in the run's. */
static void judge(runner_t *r, const slot_t *s, sc_result_t *res)
{
	sc_verdict_t v;
	sc_expect_eval(s->e, s->q, &res->obs, &r->scratch, &v);
	res->verdict.kind = v.kind;
	res->verdict.nreasons = 0;
	res->verdict.reasons =
	    v.nreasons == 0 ? NULL
			    : dns_arena_alloc(&r->out->arena,
					      v.nreasons * sizeof(sc_reason_t));
	for (size_t i = 0; res->verdict.reasons != NULL && i < v.nreasons;
	     i++) {
		sc_reason_t *k = &res->verdict.reasons[i];
		k->check = keep_str(r, v.reasons[i].check);
		k->expected = keep_str(r, v.reasons[i].expected);
		k->got = keep_str(r, v.reasons[i].got);
		res->verdict.nreasons++;
	}
	if (v.nreasons > 0 && res->verdict.reasons == NULL)
		verdict_only(r, res, SC_ERROR, "memory",
			     "memory to keep the verdict", "out of memory");
	dns_arena_reset(&r->scratch);
}

/* Where the cases of res's suite go, and their TCP pool. */
static size_t suite_of(const runner_t *r, const sc_result_t *res)
{
	return (size_t)(res->suite - r->suites);
}

static const struct sockaddr *target_of(const runner_t *r,
					const sc_result_t *res)
{
	const struct sockaddr *const *t = r->o->suite_targets;
	size_t i = suite_of(r, res);
	return t != NULL && t[i] != NULL ? t[i] : r->o->target;
}

static net_tcp_pool_t *pool_of(runner_t *r, const sc_result_t *res)
{
	const struct sockaddr *const *t = r->o->suite_targets;
	size_t i = suite_of(r, res);
	return t != NULL && t[i] != NULL ? &r->suite_pools[i] : &r->pool;
}

static void shutdown_run(runner_t *r);
static void fill(runner_t *r);

/* ---- the target's health ------------------------------------------------ */

/* The earliest case in flight, or `ended` when it comes first; NO_CASE
 * when there is neither. */
static size_t earliest_in_flight(const runner_t *r, size_t ended)
{
	size_t best = ended;
	for (size_t i = 0; i < r->nslots; i++)
		if (r->slots[i].phase != SLOT_FREE && r->slots[i].idx < best)
			best = r->slots[i].idx;
	return best;
}

/* "PREFIX: HOW" in the run's arena. */
static const char *died_str(runner_t *r, const char *prefix, const char *how)
{
	size_t n = strlen(prefix) + strlen(how) + 3;
	char *s = dns_arena_alloc(&r->out->arena, n);
	if (s == NULL)
		return prefix;
	snprintf(s, n, "%s: %s", prefix, how);
	return s;
}

/* Ask the watch; once the target is dead, record how and during which
 * case, start nothing more and abort what is in flight. ended: the case
 * that has just ended, or NO_CASE. */
static void watch_check(runner_t *r, size_t ended)
{
	if (r->o->watch == NULL || r->died)
		return;
	char how[160] = "";
	if (r->o->watch(r->o->watch_ctx, how, sizeof(how)))
		return;
	how[sizeof(how) - 1] = '\0';
	if (how[0] == '\0')
		snprintf(how, sizeof(how), "ended");
	sc_run_t *run = &r->out->run;
	r->died = true;
	r->stopping = true;
	run->target_died = keep_str(r, how);
	r->died_text = died_str(r, "target died", how);
	r->died_here_text = died_str(r, "target died during this case", how);
	size_t idx = earliest_in_flight(r, ended);
	if (idx == NO_CASE)
		idx = r->last_ended;
	run->died_during = idx != NO_CASE ? &run->results[idx] : NULL;
	for (size_t i = 0; i < r->nslots; i++)
		if (r->slots[i].phase != SLOT_FREE)
			net_exchange_abort(&r->slots[i].x);
}

static void on_watch(uv_timer_t *h)
{
	runner_t *r = h->data;
	watch_check(r, NO_CASE);
	if (r->inflight == 0 && (r->next == r->total || r->stopping))
		shutdown_run(r);
}

static void runner_watch(runner_t *r)
{
	if (r->o->watch == NULL || uv_timer_init(&r->loop->uv, &r->watch) != 0)
		return;
	unsigned long ms = r->o->watch_ms ? r->o->watch_ms : WATCH_DEFAULT_MS;
	r->watch.data = r;
	r->watch_open = uv_timer_start(&r->watch, on_watch, ms, ms) == 0;
	if (!r->watch_open)
		uv_close((uv_handle_t *)&r->watch, NULL);
}

/* Result idx is final: progress, and the ended callback. */
static void announce(runner_t *r, size_t idx)
{
	if (r->o->progress != NULL)
		r->o->progress(r->ndone, r->total, r->nfailed,
			       r->o->progress_ctx);
	if (r->o->ended != NULL)
		r->o->ended(&r->out->run, idx, r->o->ended_ctx);
}

/* A case has its verdict: count it, free its slot, start more. */
static void case_ended(runner_t *r, sc_result_t *res)
{
	size_t idx = (size_t)(res - r->out->run.results);
	if (!r->died) {
		r->last_ended = idx;
		watch_check(r, idx);
	}
	r->ndone++;
	if (res->verdict.kind == SC_FAIL || res->verdict.kind == SC_ERROR)
		r->nfailed++;
	announce(r, idx);
	fill(r);
	if (r->inflight == 0 && (r->next == r->total || r->stopping))
		shutdown_run(r);
}

static void slot_ended(slot_t *s)
{
	runner_t *r = s->r;
	sc_result_t *res = &r->out->run.results[s->idx];
	slot_give(r, s);
	r->inflight--;
	res->elapsed_ms = net_now_ms() - s->started;
	if (s->x.res.status == NET_ABORTED && r->died)
		verdict_only(r, res, SC_ERROR, "target", "the target running",
			     res == r->out->run.died_during ? r->died_here_text
							    : r->died_text);
	else if (s->x.res.status == NET_ABORTED)
		verdict_only(r, res, SC_SKIP, "run", "the case to finish",
			     "interrupted");
	else
		judge(r, s, res);
	dns_arena_reset(&s->compiled);
	s->q = NULL;
	s->e = NULL;
	case_ended(r, res);
}

/* ---- the alive probe ---------------------------------------------------- */

/* A plain SOA query (ID id) for qname, or the root. */
static size_t build_probe(uint8_t *buf, const sc_query_t *q, uint16_t id)
{
	dns_name_t name;
	sc_query_qname(q, &name);
	dns_wire_t w = dns_wire_writer(buf, PROBE_MAX);
	dns_wire_put_u16(&w, id);
	dns_wire_put_u16(&w, 0);
	dns_wire_put_u16(&w, 1);
	dns_wire_put_u16(&w, 0);
	dns_wire_put_u16(&w, 0);
	dns_wire_put_u16(&w, 0);
	dns_wire_put_bytes(&w, name.wire, name.len);
	dns_wire_put_u16(&w, TYPE_SOA);
	dns_wire_put_u16(&w, CLASS_IN);
	return dns_wire_ok(&w) ? w.pos : 0;
}

static void probe_done(net_exchange_t *x)
{
	slot_t *s = x->user;
	sc_result_t *res = &s->r->out->run.results[s->idx];
	res->obs.alive_probed = x->res.status != NET_ABORTED;
	res->obs.alive = x->res.status == NET_ANSWERED;
	dns_arena_reset(&s->scratch);
	slot_ended(s);
}

/* Start the probe in s; false when it could not start. */
static bool probe_start(slot_t *s, const sc_case_t *c, unsigned long tmo)
{
	runner_t *r = s->r;
	size_t len = build_probe(s->probe, s->q, 0);
	if (len == 0)
		return false;
	memset(&s->x, 0, sizeof(s->x));
	s->x.server = target_of(r, &r->out->run.results[s->idx]);
	s->x.msg = s->probe;
	s->x.len = len;
	s->x.fresh_id = true;
	s->x.timeout_ms = tmo;
	s->x.retries = c->retries;
	s->x.arena = &s->scratch;
	s->x.done = probe_done;
	s->x.user = s;
	s->phase = SLOT_PROBE;
	if (r->out->run.results[s->idx].obs.transport == SC_DOT)
		return net_tcp_start(&r->dot_pool, &s->x) == 0;
	return net_udp_start(r->loop, &s->x) == 0;
}

/* ---- a case ------------------------------------------------------------- */

static unsigned long case_timeout(const runner_t *r, const sc_case_t *c)
{
	return r->o->timeout_ms ? r->o->timeout_ms : c->timeout_ms;
}

static sc_transport_t case_transport(const runner_t *r, const sc_case_t *c)
{
	return r->o->transport_forced ? r->o->transport : c->transport;
}

/* What the exchange saw, into the result's observation. */
static void observe(runner_t *r, sc_result_t *res, const net_exchange_t *x)
{
	play_observe(r->out, case_transport(r, res->c), x, &res->obs);
}

static void case_done(net_exchange_t *x)
{
	slot_t *s = x->user;
	runner_t *r = s->r;
	sc_result_t *res = &r->out->run.results[s->idx];
	observe(r, res, x);
	const sc_case_t *c = res->c;
	if (x->res.status != NET_ABORTED && r->interrupts < 2 && s->e != NULL &&
	    sc_expect_wants_alive(s->e) &&
	    probe_start(s, c, case_timeout(r, c)))
		return;
	slot_ended(s);
}

static bool is_transfer(const sc_query_t *q)
{
	return q->has_question &&
	       (q->qtype == TYPE_AXFR || q->qtype == TYPE_IXFR);
}

/* Why a case cannot be played. */
typedef struct unplayable {
	sc_verdict_kind_t kind;
	const char *check, *expected, *got;
} unplayable_t;

/* Why the recipe does not do what case c requires: NULL when it does,
 * or when the target is no recipe (--target: it is taken at its word). */
static const char *missing_caps(const runner_t *r, const sc_case_t *c)
{
	const target_recipe_t *t = r->o->resolver;
	char why[1024];
	if (t == NULL || (c->requires & ~t->provides) == 0)
		return NULL;
	target_lacking(t, c->requires & ~t->provides, why, sizeof(why));
	return play_keep(&r->out->arena, why);
}

/* Can the case of res be played? false with the reason in *u. */
static bool playable(const runner_t *r, const sc_result_t *res, unplayable_t *u)
{
	const sc_case_t *c = res->c;
	const char *lacks = NULL;
	if (c->skip != NULL)
		*u =
		    (unplayable_t){SC_SKIP, "skip", "the case to run", c->skip};
	else if ((lacks = missing_caps(r, c)) != NULL)
		*u = (unplayable_t){SC_SKIP, "requires", "the case to apply",
				    lacks};
	else if (res->suite->role != SC_ROLE_SERVER)
		*u = (unplayable_t){SC_SKIP, "role", "role server",
				    "this role needs the scripted-server "
				    "engine, not implemented yet"};
	else if (case_transport(r, c) == SC_DOT && r->o->tls == NULL)
		*u = (unplayable_t){SC_ERROR, "transport",
				    "a TLS configuration for dot",
				    "none given (play_opts_t.tls)"};
	else
		return true;
	return false;
}

static int exchange_start(runner_t *r, slot_t *s, sc_result_t *res);

/* cookie: {server: primed}: the prime ended; send the case (prime.h). */
static void prime_done(net_exchange_t *x)
{
	slot_t *s = x->user;
	uint8_t server[32];
	size_t slen = 0;
	if (x->res.status == NET_ABORTED) {
		case_done(x);
		return;
	}
	(void)play_prime_cookie(&x->res, server, &slen);
	dns_arena_reset(&s->scratch);
	sc_query_t *q = play_prime_apply(s->q, server, slen, &s->compiled);
	int rc = UV_ENOMEM;
	if (q != NULL) {
		s->q = q;
		rc = exchange_start(s->r, s, &s->r->out->run.results[s->idx]);
	}
	if (rc != 0) {
		x->res.status = NET_ERROR;
		x->res.uv_err = rc;
		case_done(x);
	}
}

/* x sends the prime of q first (prime.h); false on memory failure. */
static bool prime_setup(slot_t *s, const sc_query_t *q, net_exchange_t *x)
{
	x->msg = play_prime_query(q, &s->compiled, &x->len);
	x->fresh_id = true;
	x->multi = false;
	x->wait_ms = 0; /* tcp: {idle:, partial:, hold:} are the case's own */
	x->partial = false;
	x->hold_ms = 0;
	x->reuse = false;
	x->arena = &s->scratch;
	x->done = prime_done;
	return x->msg != NULL;
}

/* Set up s's exchange for the case of result res and start it. */
static int exchange_start(runner_t *r, slot_t *s, sc_result_t *res)
{
	const sc_case_t *c = res->c;
	const sc_query_t *q = s->q;
	sc_transport_t tr = case_transport(r, c);
	bool tcp = tr != SC_UDP; /* DoT is TCP inside TLS */
	net_exchange_t *x = &s->x;
	/* the caller's part; the start (net__begin) resets res and in */
	memset(x, 0, offsetof(net_exchange_t, res));
	x->msg = dns_arena_dup(&r->out->arena, q->wire, q->len);
	if (x->msg == NULL)
		return UV_ENOMEM;
	x->server = target_of(r, res);
	x->len = q->len;
	x->fresh_id = q->random_id;
	x->split_prefix = q->tcp_split_prefix;
	x->wait_ms = q->tcp_idle_ms;
	x->partial = q->tcp_partial;
	x->partial_len = q->tcp_partial_len;
	x->hold_ms = q->tcp_hold_ms;
	x->reuse = q->tcp_reuse;
	x->multi = tcp && is_transfer(q);
	x->timeout_ms = case_timeout(r, c);
	x->retries = c->retries;
	x->arena = &r->out->arena;
	x->done = case_done;
	x->user = s;
	if (q->cookie_primed && !prime_setup(s, q, x))
		return UV_ENOMEM;
	if (tr == SC_DOT)
		return net_tcp_start(&r->dot_pool, x);
	return tcp ? net_tcp_start(pool_of(r, res), x)
		   : net_udp_start(r->loop, x);
}

/* The query and expectation of res's case into s (compiled now when the
 * case was loaded lazily); false with an ERROR verdict when that fails. */
static bool compile_case(runner_t *r, slot_t *s, sc_result_t *res)
{
	r->diag->n = 0;
	r->diag->more = false;
	if (sc_case_compile(res->suite, res->c, &s->compiled, &s->q, &s->e,
			    r->diag) &&
	    s->q != NULL && s->e != NULL)
		return true;
	dns_arena_reset(&s->compiled);
	verdict_only(r, res, SC_ERROR, "case",
		     "a compiled query and expectation",
		     r->diag->n > 0 ? keep_str(r, r->diag->e[0].msg)
		     : s->q == NULL ? "no compiled query"
				    : "no compiled expectation");
	return false;
}

/* Start case idx in slot s. false when it ended at once (no network). */
static bool case_start(runner_t *r, slot_t *s, size_t idx)
{
	sc_result_t *res = &r->out->run.results[idx];
	if (res->suite->role != SC_ROLE_SERVER)
		return false; /* played by play_resolver/client_suites */
	unplayable_t u;
	if (!playable(r, res, &u)) {
		res->started_ms = net_now_ms() - r->t0;
		verdict_only(r, res, u.kind, u.check, u.expected, u.got);
		return false;
	}
	if (!compile_case(r, s, res)) {
		res->started_ms = net_now_ms() - r->t0;
		return false;
	}
	s->idx = idx;
	s->phase = SLOT_CASE;
	s->started = net_now_ms(); /* one clock reading for both */
	res->started_ms = s->started - r->t0;
	int rc = exchange_start(r, s, res);
	if (rc != 0) {
		s->phase = SLOT_FREE;
		dns_arena_reset(&s->compiled);
		verdict_only(r, res, SC_ERROR, "send",
			     "the query sent to the target", uv_strerror(rc));
		return false;
	}
	r->inflight++;
	return true;
}

/* Start cases while there is room. Cases that end at once are counted
 * here, without recursion. */
static void fill(runner_t *r)
{
	while (!r->stopping && r->next < r->total && r->inflight < r->nslots) {
		slot_t *s = slot_take(r);
		if (s == NULL)
			break; /* cannot happen: inflight < nslots */
		size_t idx = r->next++;
		if (case_start(r, s, idx))
			continue;
		slot_give(r, s);
		sc_result_t *res = &r->out->run.results[idx];
		r->ndone++;
		if (res->verdict.kind == SC_FAIL ||
		    res->verdict.kind == SC_ERROR)
			r->nfailed++;
		announce(r, idx);
	}
}

/* ---- start and stop ----------------------------------------------------- */

static void on_sigint(uv_signal_t *h, int signum)
{
	runner_t *r = h->data;
	(void)signum;
	r->interrupts++;
	r->stopping = true;
	r->out->run.interrupted = true;
	if (r->interrupts == 1 && r->inflight > 0) {
		fprintf(stderr,
			"\ndnsharness: interrupted; waiting for %zu case%s in "
			"flight (interrupt again to abort them)\n",
			r->inflight, r->inflight == 1 ? "" : "s");
	} else {
		for (size_t i = 0; i < r->nslots; i++)
			if (r->slots[i].phase != SLOT_FREE)
				net_exchange_abort(&r->slots[i].x);
	}
	if (r->inflight == 0)
		shutdown_run(r);
}

static void shutdown_run(runner_t *r)
{
	if (r->shut)
		return;
	r->shut = true;
	net_tcp_pool_close(&r->pool);
	net_tcp_pool_close(&r->dot_pool);
	for (size_t i = 0; r->suite_pools != NULL && i < r->nsuites; i++)
		net_tcp_pool_close(&r->suite_pools[i]);
	if (r->sig_open)
		uv_close((uv_handle_t *)&r->sigint, NULL);
	if (r->watch_open)
		uv_close((uv_handle_t *)&r->watch, NULL);
}

/* The selected cases, in order, as results (verdicts still empty): one
 * pass over the cases, into room for all of them (select is asked once
 * per case; a result is cleared as it is filled, not the whole array
 * before). */
static bool collect(const sc_suite_t *suites, size_t n, const play_opts_t *o,
		    play_result_t *out)
{
	size_t room = 0, k = 0;
	for (size_t i = 0; i < n; i++)
		room += suites[i].ncases;
	out->run.results = dns_arena_alloc(
	    &out->arena, (room ? room : 1) * sizeof(sc_result_t));
	if (out->run.results == NULL)
		return false;
	out->run.results[0] = (sc_result_t){0}; /* as before, when none */
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < suites[i].ncases; j++) {
			const sc_case_t *c = &suites[i].cases[j];
			if (o->select == NULL ||
			    o->select(&suites[i], c, o->select_ctx))
				out->run.results[k++] =
				    (sc_result_t){.suite = &suites[i], .c = c};
		}
	out->run.nresults = k;
	return true;
}

/* Cases never started are SKIP (interrupted), or ERROR when the target
 * died. */
static void mark_unstarted(runner_t *r)
{
	for (size_t i = r->next; i < r->total; i++)
		if (r->out->run.results[i].suite->role != SC_ROLE_SERVER)
			continue; /* judged by play_resolver/client_suites */
		else if (r->died)
			verdict_only(r, &r->out->run.results[i], SC_ERROR,
				     "target", "the target running",
				     r->died_text);
		else
			verdict_only(r, &r->out->run.results[i], SC_SKIP, "run",
				     "the case to run",
				     "interrupted before it ran");
}

/* Cases in flight the open-file limit allows (raised to its hard limit
 * first): each may hold two sockets (a UDP socket or a dedicated TCP
 * connection, and its share of the pooled ones), with room to spare. */
static size_t fd_room(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return 100;
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
			getrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 1000000)
		return 500000;
	return rl.rlim_cur > 80 ? (size_t)(rl.rlim_cur - 64) / 2 : 8;
}

/* A TCP pool for each suite with a target of its own. */
static bool suite_pools_init(runner_t *r)
{
	const struct sockaddr *const *t = r->o->suite_targets;
	if (t == NULL || r->nsuites == 0)
		return true;
	r->suite_pools = dns_arena_alloc(&r->out->arena,
					 r->nsuites * sizeof(net_tcp_pool_t));
	if (r->suite_pools == NULL)
		return false;
	for (size_t i = 0; i < r->nsuites; i++)
		net_tcp_pool_init(&r->suite_pools[i], r->loop,
				  t[i] != NULL ? t[i] : r->o->target,
				  r->o->tcp_depth);
	return true;
}

static bool runner_init(runner_t *r, const play_opts_t *o, play_result_t *out,
			char *err, size_t errlen)
{
	r->o = o;
	r->out = out;
	r->total = out->run.nresults;
	r->last_ended = NO_CASE;
	r->nslots = o->jobs ? o->jobs : PLAY_DEFAULT_JOBS;
	if (r->nslots > r->total && r->total > 0)
		r->nslots = r->total;
	size_t room = fd_room();
	if (r->nslots > room)
		r->nslots = room;
	r->slots = dns_arena_alloc(&out->arena, r->nslots * sizeof(slot_t));
	r->idle = dns_arena_alloc(&out->arena, r->nslots * sizeof(slot_t *));
	r->loop = dns_mem_alloc(sizeof(*r->loop));
	r->diag = dns_mem_alloc(sizeof(*r->diag));
	if (r->slots == NULL || r->idle == NULL || r->loop == NULL ||
	    r->diag == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	memset(r->slots, 0, r->nslots * sizeof(slot_t));
	int rc = net_loop_init(r->loop);
	if (rc != 0) {
		snprintf(err, errlen, "no event loop: %s", uv_strerror(rc));
		return false;
	}
	dns_arena_init(&r->scratch, 0);
	for (size_t i = r->nslots; i-- > 0;) {
		r->slots[i].r = r;
		r->idle[r->nidle++] = &r->slots[i];
		dns_arena_init(&r->slots[i].scratch, 4096);
		dns_arena_init(&r->slots[i].compiled, 4096);
	}
	if (o->pcap != NULL)
		r->loop->tap = play_pcap_tap(o->pcap);
	net_tcp_pool_init(&r->pool, r->loop, o->target, o->tcp_depth);
	net_tcp_pool_init(&r->dot_pool, r->loop,
			  o->dot_target != NULL ? o->dot_target : o->target,
			  o->tcp_depth);
	r->dot_pool.tls = o->tls;
	if (!suite_pools_init(r)) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	return true;
}

static void runner_sigint(runner_t *r)
{
	if (!r->o->handle_sigint ||
	    uv_signal_init(&r->loop->uv, &r->sigint) != 0)
		return;
	r->sigint.data = r;
	r->sig_open = uv_signal_start(&r->sigint, on_sigint, SIGINT) == 0;
	if (!r->sig_open)
		uv_close((uv_handle_t *)&r->sigint, NULL);
}

static void runner_free(runner_t *r)
{
	dns_arena_free(&r->scratch);
	if (r->loop != NULL) {
		net_loop_close(r->loop);
		dns_mem_free(r->loop);
	}
	for (size_t i = 0; r->slots != NULL && i < r->nslots; i++) {
		dns_arena_free(&r->slots[i].scratch);
		dns_arena_free(&r->slots[i].compiled);
	}
	dns_mem_free(r->diag);
}

static void run_header(const play_opts_t *o, play_result_t *out)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	out->run.run_id = o->run_id;
	out->run.target = o->target_text;
	out->run.transport_forced = o->transport_forced;
	out->run.transport_override = o->transport;
	out->run.started_unix = (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

bool play_run(const sc_suite_t *suites, size_t nsuites, const play_opts_t *o,
	      play_result_t *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	dns_arena_init(&out->arena, 0);
	run_header(o, out);
	if (!collect(suites, nsuites, o, out)) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	runner_t r;
	memset(&r, 0, sizeof(r));
	r.suites = suites;
	r.nsuites = nsuites;
	bool ok = runner_init(&r, o, out, err, errlen);
	if (ok) {
		r.t0 = net_now_ms();
		play_resolver_suites(suites, nsuites, o, out, r.t0);
		play_client_suites(suites, nsuites, o, out, r.t0);
		for (size_t i = 0; o->ended != NULL && i < out->run.nresults;
		     i++)
			if (out->run.results[i].suite->role != SC_ROLE_SERVER)
				o->ended(&out->run, i, o->ended_ctx);
		/* they took time: the loop's cached clock would make the
		 * first timeouts fire at once */
		uv_update_time(&r.loop->uv);
		r.stopping = out->run.interrupted;
		runner_sigint(&r);
		runner_watch(&r);
		watch_check(&r, NO_CASE);
		fill(&r);
		if (r.inflight == 0)
			shutdown_run(&r);
		net_loop_run(r.loop);
		watch_check(&r, NO_CASE); /* died with the last case? */
		mark_unstarted(&r);
		out->run.elapsed_ms = net_now_ms() - r.t0;
	}
	runner_free(&r);
	return ok;
}

bool play_unreachable(const play_result_t *r)
{
	return r->sent > 0 && r->unreachable == r->sent;
}

bool play_passed(const sc_run_t *run)
{
	if (run->interrupted)
		return false;
	for (size_t i = 0; i < run->nresults; i++) {
		const sc_result_t *res = &run->results[i];
		if (res->verdict.kind == SC_ERROR)
			return false;
		if (res->verdict.kind == SC_FAIL && res->c->level == SC_MUST)
			return false;
	}
	return true;
}

void play_result_free(play_result_t *r)
{
	dns_arena_free(&r->arena);
	memset(r, 0, sizeof(*r));
}
