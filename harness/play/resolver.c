/* resolver.c - role: resolver: for each suite, start its scripted servers
 * and a resolver pointed at them, play the steps in order (a query judged
 * by its expectation and by what the resolver asked upstream; upstream
 * assertions alone; time passing on both clocks), stop everything. */
#define _GNU_SOURCE
#include "play/resolver.h"

#include <errno.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "expect/expect.h"
#include "expect/upstream.h"
#include "net/exchange.h"
#include "net/loop.h"
#include "play/steps.h"
#include "scenario/query.h"
#include "serve/config.h"
#include "serve/serve.h"
#include "target/target.h"

#define BIND_WAIT_MS	 10000ul /* port 53 in use: retry this long */
#define FAKETIME_ENV_MAX 4u
#define RSV_VARS_MAX	 64u

/* One resolver suite being played. */
typedef struct rsv {
	const sc_suite_t *s;
	const play_opts_t *o;
	play_result_t *out;
	sc_result_t **res; /* per case of s: its result, or NULL */
	bool *played;	   /* per case of s: judged */
	double t0;	   /* the run's start (net_now_ms) */
	net_loop_t *loop;
	serve_t *srv;
	net_tcp_pool_t pool;
	bool pool_open;
	target_recipe_t own; /* the suite's target: recipe */
	bool have_own;
	const target_recipe_t *recipe;
	target_t *t;
	struct sockaddr_storage addr; /* the resolver */
	char fake_path[4096];	      /* libfaketime's offset file, or "" */
	char fake_lib[4096];	      /* libfaketime itself */
	char fake_preload[8200];      /* LD_PRELOAD: the shim, libfaketime */
	double fake_ms;		      /* the target's clock offset */
	size_t mark;		      /* log entries before the last query */
	dns_arena_t scratch;
	net_exchange_t x;     /* the step's query */
	net_exchange_t *more; /* queries: the others (in scratch), or NULL */
	size_t nmore;	      /* started in more */
	size_t pending;	      /* exchanges started and not yet ended */
	bool done;	      /* every exchange of the step has ended */
	uv_signal_t sigint;
	bool sig_open, interrupted;
	const char *no_clock; /* time passed that the resolver's clock did
				 not see: why (steps after it are skipped) */
	const char *fatal;    /* every step left is ERROR with this */
	const char *died;     /* how the resolver died, or NULL */
} rsv_t;

/* ---- verdicts ----------------------------------------------------------- */

static const char *keep(rsv_t *r, const char *s)
{
	return play_keep(&r->out->arena, s);
}

/* A verdict with one reason (no network). */
static void verdict_one(rsv_t *r, sc_result_t *res, sc_verdict_kind_t k,
			const char *check, const char *expected,
			const char *got)
{
	play_verdict_one(&r->out->arena, res, k, check, expected, got);
}

/* "PREFIX: TEXT" in the run's arena. */
static const char *join2(rsv_t *r, const char *prefix, const char *text)
{
	size_t n = strlen(prefix) + strlen(text) + 3;
	char *s = dns_arena_alloc(&r->out->arena, n);
	if (s == NULL)
		return prefix;
	snprintf(s, n, "%s: %s", prefix, text);
	return s;
}

/* Copy the reasons of a and b (verdicts in scratch) into res. */
static void verdict_merge(rsv_t *r, sc_result_t *res, const sc_verdict_t *a,
			  const sc_verdict_t *b)
{
	size_t n = a->nreasons + b->nreasons;
	sc_verdict_kind_t k = SC_PASS;
	if (a->kind == SC_ERROR || b->kind == SC_ERROR)
		k = SC_ERROR;
	else if (a->kind == SC_FAIL || b->kind == SC_FAIL)
		k = SC_FAIL;
	res->verdict.kind = k;
	res->verdict.nreasons = 0;
	res->verdict.reasons =
	    n ? dns_arena_alloc(&r->out->arena, n * sizeof(sc_reason_t)) : NULL;
	if (n > 0 && res->verdict.reasons == NULL) {
		verdict_one(r, res, SC_ERROR, "memory",
			    "memory to keep the verdict", "out of memory");
		return;
	}
	const sc_verdict_t *v[2] = {a, b};
	for (int j = 0; j < 2; j++)
		for (size_t i = 0; i < v[j]->nreasons; i++) {
			const sc_reason_t *w = &v[j]->reasons[i];
			res->verdict.reasons[res->verdict.nreasons++] =
			    (sc_reason_t){keep(r, w->check),
					  keep(r, w->expected),
					  keep(r, w->got)};
		}
}

/* Add the reasons of b to a, in scratch; with i other than SIZE_MAX
 * each check is renamed queries[i].CHECK. a's kind is the worse. */
static void verdict_append(rsv_t *r, sc_verdict_t *a, const sc_verdict_t *b,
			   size_t i)
{
	if (b->kind == SC_ERROR || (b->kind == SC_FAIL && a->kind != SC_ERROR))
		a->kind = b->kind;
	if (b->nreasons == 0)
		return;
	size_t n = a->nreasons + b->nreasons;
	sc_reason_t *w = dns_arena_alloc(&r->scratch, n * sizeof(*w));
	if (w == NULL) {
		static sc_reason_t nomem = {
		    "internal", "memory for the verdict", "out of memory"};
		*a = (sc_verdict_t){SC_ERROR, &nomem, 1};
		return;
	}
	if (a->nreasons > 0)
		memcpy(w, a->reasons, a->nreasons * sizeof(*w));
	for (size_t j = 0; j < b->nreasons; j++) {
		w[a->nreasons + j] = b->reasons[j];
		if (i == SIZE_MAX)
			continue;
		char name[256];
		snprintf(name, sizeof(name), "queries[%zu].%s", i,
			 b->reasons[j].check);
		const char *c =
		    dns_arena_dup(&r->scratch, name, strlen(name) + 1);
		w[a->nreasons + j].check = c != NULL ? c : b->reasons[j].check;
	}
	a->reasons = w;
	a->nreasons = n;
}

/* Every step not yet judged gets kind k with one reason. */
static void judge_rest(rsv_t *r, sc_verdict_kind_t k, const char *check,
		       const char *expected, const char *got)
{
	for (size_t i = 0; i < r->s->ncases; i++)
		if (r->res[i] != NULL && !r->played[i])
			verdict_one(r, r->res[i], k, check, expected, got);
}

/* ---- the resolver's recipe ---------------------------------------------- */

static bool load_recipe(rsv_t *r)
{
	char msg[1024];
	if (r->o->resolver != NULL) {
		r->recipe = r->o->resolver;
	} else if (r->s->target.recipe == NULL) {
		r->fatal = "no resolver to play against: give target: RECIPE "
			   "in the file, or --program NAME";
		return false;
	} else {
		diag_t d = {0};
		r->have_own = true;
		if (!target_load_recipe(r->s->target.recipe,
					r->o->scenarios_dir, &r->own, &d)) {
			snprintf(msg, sizeof(msg), "recipe %s: %s",
				 r->s->target.recipe,
				 d.n ? d.e[0].msg : "cannot be loaded");
			r->fatal = keep(r, msg);
			return false;
		}
		r->recipe = &r->own;
	}
	if (r->recipe->role != TARGET_ROLE_RESOLVER) {
		snprintf(msg, sizeof(msg),
			 "%s is not a resolver (its recipe has no role: "
			 "resolver)",
			 r->recipe->name);
		r->fatal = keep(r, msg);
		return false;
	}
	return true;
}

/* ---- the scripted servers ----------------------------------------------- */

static const net_tap_t *tap_of(rsv_t *r)
{
	return r->o->pcap != NULL ? &r->loop->tap : NULL;
}

/* Start the servers on port 53 (a resolver follows referrals to port 53
 * only), waiting a while for another run to free it. */
static bool servers_start(rsv_t *r)
{
	char err[512];
	int rc = play_servers_start(&r->srv, r->loop, r->s->servers, tap_of(r),
				    BIND_WAIT_MS, false, err, sizeof(err));
	if (rc != 0) {
		r->fatal = join2(r, "the scripted servers cannot listen", err);
		return false;
	}
	size_t n = r->s->servers->n;
	for (size_t i = 0; n > 1 && i < n; i++)
		if (r->s->servers->servers[i].port == 0 &&
		    serve_port(r->srv, i) != 53) {
			r->fatal = "the scripted servers need port 53 (a "
				   "resolver sends queries after referrals to "
				   "port 53): run as root, or give the program "
				   "CAP_NET_BIND_SERVICE";
			return false;
		}
	return true;
}

/* ---- libfaketime -------------------------------------------------------- */

static bool suite_has_time(const sc_suite_t *s)
{
	for (size_t i = 0; i < s->nsteps; i++)
		if (s->steps[i].kind == SC_STEP_TIME)
			return true;
	return false;
}

/* The library's path into buf; false when it is not installed. */
static bool faketime_lib(char *buf, size_t cap)
{
	const char *env = getenv("DNSHARNESS_FAKETIME");
	static const char *const pats[] = {
	    "/usr/lib/*/faketime/libfaketime.so.1",
	    "/usr/lib/faketime/libfaketime.so.1",
	    "/usr/lib64/faketime/libfaketime.so.1",
	    "/usr/local/lib/faketime/libfaketime.so.1"};
	if (env != NULL && env[0] != '\0') {
		snprintf(buf, cap, "%s", env);
		return access(buf, R_OK) == 0;
	}
	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		glob_t g;
		bool found = glob(pats[i], 0, NULL, &g) == 0 && g.gl_pathc > 0;
		if (found)
			snprintf(buf, cap, "%s", g.gl_pathv[0]);
		globfree(&g);
		if (found)
			return true;
	}
	return false;
}

/* Write the target's clock offset, atomically (libfaketime rereads the
 * file at every clock call). */
static bool faketime_write(rsv_t *r)
{
	char tmp[sizeof(r->fake_path) + 8];
	snprintf(tmp, sizeof(tmp), "%s.new", r->fake_path);
	FILE *f = fopen(tmp, "w");
	if (f == NULL)
		return false;
	fprintf(f, "+%.3f\n", r->fake_ms / 1000.0);
	bool ok = fclose(f) == 0 && rename(tmp, r->fake_path) == 0;
	if (!ok)
		unlink(tmp);
	return ok;
}

/* The offset file cannot be written: every step left is ERROR. */
static void faketime_fail(rsv_t *r)
{
	char msg[sizeof(r->fake_path) + 160];
	snprintf(msg, sizeof(msg), "time_passes: cannot write %s: %s",
		 r->fake_path, strerror(errno));
	r->fatal = keep(r, msg);
}

/* The environment that puts the resolver on the faked clock. */
/* libdnsharness-ftshim.so (harness/target/ftshim/ftshim.c: lets programs
 * linked with jemalloc start under libfaketime) into buf: $DNSHARNESS_FTSHIM,
 * else next to this program, else in ../lib/dnsharness/ from it. False
 * when there is none: libfaketime is then preloaded alone. */
static bool ftshim_lib(char *buf, size_t cap)
{
	static const char *const rel[] = {
	    "libdnsharness-ftshim.so",
	    "../lib/dnsharness/libdnsharness-ftshim.so"};
	const char *env = getenv("DNSHARNESS_FTSHIM");
	char exe[4096];
	if (env != NULL && env[0] != '\0') {
		snprintf(buf, cap, "%s", env);
		return access(buf, R_OK) == 0;
	}
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	char *slash = n > 0 ? memrchr(exe, '/', (size_t)n) : NULL;
	if (slash == NULL)
		return false;
	*slash = '\0';
	for (size_t i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		if ((size_t)snprintf(buf, cap, "%s/%s", exe, rel[i]) < cap &&
		    access(buf, R_OK) == 0)
			return true;
	}
	return false;
}

static size_t faketime_env(rsv_t *r, target_var_t *env)
{
	const char *tmpdir = getenv("TMPDIR");
	if (!faketime_lib(r->fake_lib, sizeof(r->fake_lib))) {
		r->fatal = "time_passes: needs libfaketime (apt-get install "
			   "-y libfaketime)";
		return 0;
	}
	snprintf(r->fake_path, sizeof(r->fake_path),
		 "%s/dnsharness-faketime-XXXXXX",
		 tmpdir && tmpdir[0] ? tmpdir : "/tmp");
	int fd = mkstemp(r->fake_path);
	if (fd < 0 || close(fd) != 0 || !faketime_write(r)) {
		faketime_fail(r);
		r->fake_path[0] = '\0';
		return 0;
	}
	char shim[4096];
	if (ftshim_lib(shim, sizeof(shim)))
		snprintf(r->fake_preload, sizeof(r->fake_preload), "%s:%s",
			 shim, r->fake_lib);
	else
		snprintf(r->fake_preload, sizeof(r->fake_preload), "%s",
			 r->fake_lib);
	env[0] = (target_var_t){"LD_PRELOAD", r->fake_preload};
	env[1] = (target_var_t){"FAKETIME_TIMESTAMP_FILE", r->fake_path};
	env[2] = (target_var_t){"FAKETIME_NO_CACHE", "1"};
	env[3] = (target_var_t){"FAKETIME_DONT_FAKE_MONOTONIC", "1"};
	return FAKETIME_ENV_MAX;
}

/* ---- the resolver ------------------------------------------------------- */

/* "127.53.0.1" for the first address of server i. */
static void server_ip(const serve_config_t *c, size_t i, char *buf, size_t cap)
{
	net_addr_format((const struct sockaddr *)&c->servers[i].addrs[0], buf,
			cap);
	char *colon = strrchr(buf, ':');
	if (colon != NULL)
		*colon = '\0';
}

static bool target_up(rsv_t *r)
{
	static target_err_t err; /* large */
	char ip[64], port[8];
	target_var_t vars[RSV_VARS_MAX], env[FAKETIME_ENV_MAX];
	size_t nv = 0, ne = 0;
	const sc_target_spec_t *ts = &r->s->target;
	server_ip(r->s->servers, ts->server, ip, sizeof(ip));
	snprintf(port, sizeof(port), "%u", serve_port(r->srv, ts->server));
	vars[nv++] = (target_var_t){"upstream", ip};
	vars[nv++] = (target_var_t){"upstream_port", port};
	for (size_t i = 0; i < ts->nvars && nv < RSV_VARS_MAX; i++)
		vars[nv++] =
		    (target_var_t){ts->vars[i].name, ts->vars[i].value};
	if (suite_has_time(r->s) &&
	    (r->recipe->provides & TARGET_CAP_FAKETIME) &&
	    (ne = faketime_env(r, env)) == 0)
		return false;
	target_opts_t to = {.vars = vars, .nvars = nv, .env = env, .nenv = ne};
	memset(&err, 0, sizeof(err));
	if (target_start(r->recipe, &to, &r->t, &err) != TARGET_OK) {
		char msg[sizeof(err.msg) + 64];
		snprintf(msg, sizeof(msg), "%s did not start: %s",
			 r->recipe->name, err.msg);
		r->fatal = keep(r, msg);
		if (r->out->run.target_log == NULL && err.log[0] != '\0')
			r->out->run.target_log = keep(r, err.log);
		return false;
	}
	char text[300], perr[128];
	const char *a = target_addr(r->t);
	snprintf(text, sizeof(text), strchr(a, ':') ? "[%s]:%u" : "%s:%u", a,
		 target_port(r->t));
	if (!net_addr_parse(text, 53, &r->addr, perr, sizeof(perr))) {
		r->fatal = keep(r, perr);
		return false;
	}
	net_tcp_pool_init(&r->pool, r->loop, (struct sockaddr *)&r->addr, 0);
	r->pool_open = true;
	return true;
}

/* Is the resolver still running? Records how it died. */
static bool target_check(rsv_t *r)
{
	char how[160];
	if (r->t == NULL || r->died != NULL || target_alive(r->t))
		return r->died == NULL;
	target_status_text(r->t, how, sizeof(how));
	r->died = keep(r, how);
	if (r->out->run.target_died == NULL)
		r->out->run.target_died = r->died;
	return false;
}

/* ---- the loop ----------------------------------------------------------- */

static void on_sigint(uv_signal_t *h, int signum)
{
	rsv_t *r = h->data;
	(void)signum;
	r->interrupted = true;
	r->out->run.interrupted = true;
	if (r->done) {
		uv_stop(&r->loop->uv); /* a settle: ends at once */
		return;
	}
	net_exchange_abort(&r->x);
	for (size_t i = 0; i < r->nmore; i++)
		net_exchange_abort(&r->more[i]);
}

static void exchange_done(net_exchange_t *x)
{
	rsv_t *r = x->user;
	if (r->pending > 0 && --r->pending > 0)
		return;
	r->done = true;
	uv_stop(&r->loop->uv);
}

/* Run the loop until the exchanges have ended, then handle what is already
 * waiting (queries the servers received meanwhile). */
static void run_exchange(rsv_t *r)
{
	while (!r->done && uv_run(&r->loop->uv, UV_RUN_DEFAULT) != 0)
		;
	for (int i = 0; i < 2; i++)
		uv_run(&r->loop->uv, UV_RUN_NOWAIT);
}

static void settle_over(uv_timer_t *t)
{
	uv_stop(t->loop);
}

/* Keep serving for ms more (the resolver's queries after its answer go
 * into this step's window); SIGINT ends it early. */
static void settle(rsv_t *r, unsigned long ms)
{
	uv_timer_t t;
	if (uv_timer_init(&r->loop->uv, &t) != 0)
		return;
	uv_timer_start(&t, settle_over, ms, 0);
	while (!r->interrupted && uv_is_active((uv_handle_t *)&t) &&
	       uv_run(&r->loop->uv, UV_RUN_DEFAULT) != 0)
		;
	uv_close((uv_handle_t *)&t, NULL);
	uv_run(&r->loop->uv, UV_RUN_NOWAIT); /* the close callback */
}

/* ---- steps -------------------------------------------------------------- */

static sc_transport_t step_transport(const rsv_t *r, const sc_case_t *c)
{
	return r->o->transport_forced ? r->o->transport : c->transport;
}

static void observe(rsv_t *r, const sc_case_t *c, sc_observed_t *obs,
		    const net_exchange_t *x)
{
	play_observe(r->out, step_transport(r, c), x, obs);
}

/* Start x: query q of step c. */
static int exchange_start(rsv_t *r, net_exchange_t *x, const sc_case_t *c,
			  const sc_query_t *q)
{
	memset(x, 0, sizeof(*x));
	x->msg = dns_arena_dup(&r->out->arena, q->wire, q->len);
	if (x->msg == NULL)
		return UV_ENOMEM;
	x->server = (const struct sockaddr *)&r->addr;
	x->len = q->len;
	x->fresh_id = q->random_id;
	x->split_prefix = q->tcp_split_prefix;
	x->timeout_ms = r->o->timeout_ms ? r->o->timeout_ms : c->timeout_ms;
	x->retries = c->retries;
	x->arena = &r->out->arena;
	x->done = exchange_done;
	x->user = r;
	r->pending++;
	int rc = step_transport(r, c) == SC_TCP ? net_tcp_start(&r->pool, x)
						: net_udp_start(r->loop, x);
	if (rc != 0)
		r->pending--; /* done() will not be called */
	return rc;
}

/* Start the step's queries, all at once: its own, then those of
 * queries: after the first. On an error the ones started are aborted
 * (and waited for). */
static int exchanges_start(rsv_t *r, const sc_case_t *c)
{
	r->pending = 0;
	r->nmore = 0;
	r->done = false;
	r->more =
	    c->nmore ? dns_arena_alloc(&r->scratch, c->nmore * sizeof(*r->more))
		     : NULL;
	int rc = c->nmore && r->more == NULL ? UV_ENOMEM : 0;
	if (rc == 0)
		rc = exchange_start(r, &r->x, c, c->query);
	for (size_t i = 0; rc == 0 && i < c->nmore; i++)
		if ((rc = exchange_start(r, &r->more[i], c,
					 c->more[i].query)) == 0)
			r->nmore++;
	r->done = r->pending == 0;
	if (rc != 0 && !r->done) {
		net_exchange_abort(&r->x);
		for (size_t i = 0; i < r->nmore; i++)
			net_exchange_abort(&r->more[i]);
		run_exchange(r);
	}
	return rc;
}

/* The verdict of the queries after the first of a queries: step, each
 * judged by its expectation; the reasons named queries[N]. */
static void judge_more(rsv_t *r, const sc_case_t *c, sc_verdict_t *v)
{
	*v = (sc_verdict_t){SC_PASS, NULL, 0};
	for (size_t i = 0; i < r->nmore; i++) {
		sc_observed_t obs;
		sc_verdict_t one;
		memset(&obs, 0, sizeof(obs));
		observe(r, c, &obs, &r->more[i]);
		sc_expect_eval(c->more[i].expect, c->more[i].query, &obs,
			       &r->scratch, &one);
		verdict_append(r, v, &one, i + 1);
	}
}

static void step_query(rsv_t *r, sc_result_t *res)
{
	const sc_case_t *c = res->c;
	r->mark = serve_log_count(r->srv);
	if (step_transport(r, c) == SC_DOT) {
		verdict_one(r, res, SC_ERROR, "transport", "udp or tcp",
			    "dot not supported yet");
		return;
	}
	int rc = exchanges_start(r, c);
	if (rc != 0) {
		verdict_one(r, res, SC_ERROR, "send",
			    "the query sent to the resolver", uv_strerror(rc));
		return;
	}
	run_exchange(r);
	if (c->settle_ms > 0 && !r->interrupted)
		settle(r, c->settle_ms);
	observe(r, c, &res->obs, &r->x);
	if (r->interrupted || r->x.res.status == NET_ABORTED) {
		verdict_one(r, res, SC_SKIP, "run", "the step to finish",
			    "interrupted");
		return;
	}
	sc_verdict_t v, u, m, all = {SC_PASS, NULL, 0};
	sc_expect_eval(c->expect, c->query, &res->obs, &r->scratch, &v);
	judge_more(r, c, &m);
	verdict_append(r, &all, &v, c->nmore ? 0 : SIZE_MAX);
	verdict_append(r, &all, &m, SIZE_MAX);
	play_judge_upstream(r->srv, r->mark, &r->scratch, &r->out->arena, res,
			    &u);
	verdict_merge(r, res, &all, &u);
}

static void step_upstream(rsv_t *r, sc_result_t *res)
{
	sc_verdict_t none = {SC_PASS, NULL, 0}, u;
	play_judge_upstream(r->srv, r->mark, &r->scratch, &r->out->arena, res,
			    &u);
	verdict_merge(r, res, &none, &u);
}

/* "NAME lacks CAP: why" or "NAME does not provide CAP" for the first
 * capability in missing; NULL when missing is 0. */
static const char *lacking(rsv_t *r, unsigned missing)
{
	char msg[1024];
	const target_recipe_t *t = r->recipe;
	for (unsigned i = 0; i < TARGET_CAP_COUNT; i++) {
		if (!(missing & (1u << i)))
			continue;
		if (t->lacks[i] != NULL)
			snprintf(msg, sizeof(msg), "%s lacks %s: %s", t->name,
				 target_cap_word(i), t->lacks[i]);
		else
			snprintf(msg, sizeof(msg),
				 "%s does not provide %s (provides: of its "
				 "recipe)",
				 t->name, target_cap_word(i));
		return keep(r, msg);
	}
	return NULL;
}

static void step_time(rsv_t *r, uint64_t ms)
{
	serve_clock_advance(r->srv, (double)ms);
	if (!(r->recipe->provides & TARGET_CAP_FAKETIME) && r->no_clock == NULL)
		r->no_clock = join2(r, "time_passes: cannot move the clock",
				    lacking(r, TARGET_CAP_FAKETIME));
	if (r->fake_path[0] == '\0')
		return;
	r->fake_ms += (double)ms;
	if (!faketime_write(r))
		faketime_fail(r);
}

/* Play one judged step into its result (NULL: not selected; it still
 * runs, as later steps depend on it). */
static void step_case(rsv_t *r, const sc_step_t *st, sc_result_t *res)
{
	sc_result_t tmp;
	const sc_case_t *c = &r->s->cases[st->case_index];
	if (res == NULL) {
		memset(&tmp, 0, sizeof(tmp));
		tmp.suite = r->s;
		tmp.c = c;
		res = &tmp;
	}
	double t0 = net_now_ms();
	r->played[st->case_index] = true;
	res->started_ms = t0 - r->t0;
	unsigned missing =
	    (r->s->target.requires | st->requires) & ~r->recipe->provides;
	if (c->skip != NULL)
		verdict_one(r, res, SC_SKIP, "skip", "the step to run",
			    c->skip);
	else if (missing != 0)
		verdict_one(r, res, SC_SKIP, "requires", "the step to apply",
			    lacking(r, missing));
	else if (r->no_clock != NULL)
		verdict_one(r, res, SC_SKIP, "time", "the step to apply",
			    r->no_clock);
	else if (st->kind == SC_STEP_QUERY)
		step_query(r, res);
	else
		step_upstream(r, res);
	res->elapsed_ms = net_now_ms() - t0;
	dns_arena_reset(&r->scratch);
}

static void play_steps(rsv_t *r)
{
	for (size_t i = 0; i < r->s->nsteps; i++) {
		const sc_step_t *st = &r->s->steps[i];
		if (r->fatal != NULL || r->interrupted || !target_check(r))
			return;
		serve_set_step(r->srv, i + 1);
		if (st->kind == SC_STEP_TIME) {
			step_time(r, st->ms);
			continue;
		}
		sc_result_t *res = r->res[st->case_index];
		step_case(r, st, res);
		if (!target_check(r) && res != NULL) {
			verdict_one(
			    r, res, SC_ERROR, "target", "the resolver running",
			    join2(r, "target died during this step", r->died));
			if (r->out->run.died_during == NULL)
				r->out->run.died_during = res;
		}
	}
}

/* ---- one suite ---------------------------------------------------------- */

static bool rsv_open(rsv_t *r)
{
	dns_arena_init(&r->scratch, 0);
	r->loop = play_loop_new(r->o->pcap);
	if (r->loop == NULL) {
		r->fatal = "no event loop";
		return false;
	}
	r->sig_open = r->o->handle_sigint &&
		      play_sigint_start(r->loop, &r->sigint, on_sigint, r);
	return true;
}

static void rsv_close(rsv_t *r)
{
	if (r->t != NULL) {
		target_stop(r->t);
		const char *log = target_log(r->t, NULL);
		if (log != NULL && r->out->run.target_log == NULL)
			r->out->run.target_log = keep(r, log);
		target_free(r->t);
	}
	if (r->pool_open)
		net_tcp_pool_close(&r->pool);
	if (r->sig_open)
		uv_close((uv_handle_t *)&r->sigint, NULL);
	serve_free(r->srv);
	play_loop_free(r->loop);
	if (r->fake_path[0] != '\0')
		unlink(r->fake_path);
	if (r->have_own)
		target_recipe_free(&r->own);
	dns_arena_free(&r->scratch);
}

/* False when the target lacks what every step needs (target: requires):
 * then each step is skip, with the reason, and nothing is started. */
static bool suite_applies(rsv_t *r)
{
	unsigned missing = r->s->target.requires & ~r->recipe->provides;
	if (missing != 0)
		judge_rest(r, SC_SKIP, "requires", "the step to apply",
			   lacking(r, missing));
	return missing == 0;
}

static void play_suite(rsv_t *r)
{
	if (load_recipe(r) && suite_applies(r) && rsv_open(r) &&
	    servers_start(r) && target_up(r))
		play_steps(r);
	if (r->interrupted)
		judge_rest(r, SC_SKIP, "run", "the step to run",
			   "interrupted before it ran");
	else if (r->died != NULL)
		judge_rest(r, SC_ERROR, "target", "the resolver running",
			   join2(r, "target died", r->died));
	else if (r->fatal != NULL)
		judge_rest(r, SC_ERROR, "setup",
			   "the scripted servers and the resolver running",
			   r->fatal);
	rsv_close(r);
}

/* Results first..k of the run: kind k with one reason. */
static void mark(rsv_t *r, size_t first, size_t k, sc_verdict_kind_t kind,
		 const char *check, const char *expected, const char *got)
{
	for (size_t j = first; j < k; j++)
		verdict_one(r, &r->out->run.results[j], kind, check, expected,
			    got);
}

void play_resolver_suites(const sc_suite_t *suites, size_t n,
			  const play_opts_t *o, play_result_t *out, double t0)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const sc_suite_t *s = &suites[i];
		size_t first = k;
		while (k < out->run.nresults && out->run.results[k].suite == s)
			k++;
		if (s->role != SC_ROLE_RESOLVER || k == first)
			continue;
		rsv_t r;
		memset(&r, 0, sizeof(r));
		r.s = s;
		r.o = o;
		r.out = out;
		r.t0 = t0;
		r.done = true;
		r.res = dns_arena_alloc(&out->arena,
					(s->ncases + 1) * sizeof(*r.res));
		r.played = dns_arena_alloc(&out->arena, s->ncases + 1);
		if (out->run.interrupted)
			mark(&r, first, k, SC_SKIP, "run", "the step to run",
			     "interrupted before it ran");
		else if (s->nsteps == 0) /* cases not made by the loader */
			mark(&r, first, k, SC_SKIP, "role", "steps to play",
			     "a resolver suite without steps:");
		else if (r.res == NULL || r.played == NULL)
			mark(&r, first, k, SC_ERROR, "memory",
			     "memory to play the suite", "out of memory");
		if (out->run.interrupted || s->nsteps == 0 || r.res == NULL ||
		    r.played == NULL)
			continue;
		memset(r.res, 0, (s->ncases + 1) * sizeof(*r.res));
		memset(r.played, 0, s->ncases + 1);
		for (size_t j = first; j < k; j++)
			r.res[out->run.results[j].c - s->cases] =
			    &out->run.results[j];
		play_suite(&r);
	}
}
