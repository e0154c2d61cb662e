/* client.c - role: client: for each suite, start its scripted servers,
 * then run each step's program against them (spawned on the servers'
 * loop, in a process group of its own, its output captured, the group
 * killed at the step's timeout), judge it, and stop the servers. */
#define _GNU_SOURCE
#include "play/client.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "expect/upstream.h"
#include "net/loop.h"
#include "play/steps.h"
#include "serve/config.h"
#include "serve/serve.h"

#define BIND_WAIT_MS 2000ul /* port 53 in use: retry this long */
#define DRAIN_MS     1000ul /* output left open after the exit */
#define READ_CHUNK   65536u
#define ENV_MAX	     4096u /* variables passed to a program */

extern char **environ;

/* The program's standard output or error. */
typedef struct stream {
	uv_pipe_t pipe;
	struct cl *owner;
	bool eof;
	char *buf; /* heap (the suite's), CLIENT_OUTPUT_MAX bytes */
	size_t len, total;
	char chunk[READ_CHUNK];
} stream_t;

/* One program running. */
typedef struct proc {
	uv_process_t h;
	uv_pipe_t in;
	uv_write_t w;
	uv_timer_t timer;
	stream_t out, err;
	unsigned open; /* handles not closed yet */
	bool exited, timed_out, done;
	int pid;
	int64_t status;
	int signal;
} proc_t;

/* One client suite being played. */
typedef struct cl {
	const sc_suite_t *s;
	const play_opts_t *o;
	play_result_t *out;
	sc_result_t **res; /* per case of s: its result, or NULL */
	double t0;
	net_loop_t *loop;
	serve_t *srv;
	uv_signal_t sigint;
	bool sig_open, interrupted;
	const char *fatal;
	size_t mark; /* log entries before the step */
	dns_arena_t scratch;
	proc_t p;
	/* the values of sc_client_vars, in its order */
	char server[64], port[8], addr[80], bindir[PATH_MAX], dir[PATH_MAX];
} cl_t;

/* ---- small things ------------------------------------------------------- */

static const char *keep(cl_t *c, const char *s)
{
	return play_keep(&c->out->arena, s);
}

static void verdict_one(cl_t *c, sc_result_t *res, sc_verdict_kind_t k,
			const char *check, const char *expected,
			const char *got)
{
	play_verdict_one(&c->out->arena, res, k, check, expected, got);
}

/* ---- the variables of a run --------------------------------------------- */

static const char *var_value(const cl_t *c, size_t i)
{
	const char *v[] = {c->server, c->port, c->addr, c->bindir, c->dir};
	return i < sizeof(v) / sizeof(v[0]) ? v[i] : "";
}

/* The index in sc_client_vars of the reference "${NAME}" at s (left
 * bytes), with its length in *used; -1 when there is none. */
static int var_at(const char *s, size_t left, size_t *used)
{
	if (left < 3 || s[0] != '$' || s[1] != '{')
		return -1;
	for (int j = 0; sc_client_vars[j] != NULL; j++) {
		size_t k = strlen(sc_client_vars[j]);
		if (k + 3 <= left && memcmp(s + 2, sc_client_vars[j], k) == 0 &&
		    s[2 + k] == '}') {
			*used = k + 3;
			return j;
		}
	}
	return -1;
}

/* s (len bytes) with every ${NAME} of sc_client_vars replaced, from the
 * scratch arena; other text (a literal ${x} included) is left as it is. */
static const char *subst(cl_t *c, const char *s, size_t len, size_t *outlen)
{
	size_t cap = len + 1, n = 0, used = 0;
	for (size_t i = 0; i + 1 < len; i++)
		cap += s[i] == '$' && s[i + 1] == '{' ? PATH_MAX : 0;
	char *o = dns_arena_alloc(&c->scratch, cap);
	if (o == NULL)
		return NULL;
	for (size_t i = 0; i < len;) {
		int j = var_at(s + i, len - i, &used);
		if (j < 0) {
			o[n++] = s[i++];
			continue;
		}
		const char *v = var_value(c, (size_t)j);
		memcpy(o + n, v, strlen(v));
		n += strlen(v);
		i += used;
	}
	o[n] = '\0';
	if (outlen != NULL)
		*outlen = n;
	return o;
}

/* Directory part of path into buf ("." when none). */
static void dir_of(const char *path, char *buf, size_t cap)
{
	const char *slash = strrchr(path, '/');
	if (slash == NULL)
		snprintf(buf, cap, ".");
	else if (slash == path)
		snprintf(buf, cap, "/");
	else
		snprintf(buf, cap, "%.*s", (int)(slash - path), path);
}

static void vars_init(cl_t *c)
{
	const serve_config_t *cfg = c->s->servers;
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = '\0';
	dir_of(n > 0 ? self : ".", c->bindir, sizeof(c->bindir));
	dir_of(c->s->file, c->dir, sizeof(c->dir));
	net_addr_format((const struct sockaddr *)&cfg->servers[0].addrs[0],
			c->server, sizeof(c->server));
	char *colon = strrchr(c->server, ':');
	if (colon != NULL)
		*colon = '\0';
	snprintf(c->port, sizeof(c->port), "%u", serve_port(c->srv, 0));
	snprintf(c->addr, sizeof(c->addr), "%s:%s", c->server, c->port);
}

/* ---- the scripted servers ----------------------------------------------- */

/* Port 53 when the process may bind it (waiting a little while another
 * run holds it), else one free port. */
static bool servers_start(cl_t *c)
{
	char err[512];
	int rc = play_servers_start(&c->srv, c->loop, c->s->servers,
				    c->o->pcap ? &c->loop->tap : NULL,
				    BIND_WAIT_MS, true, err, sizeof(err));
	if (rc != 0) {
		char msg[600];
		snprintf(msg, sizeof(msg),
			 "the scripted servers cannot listen: %s", err);
		c->fatal = keep(c, msg);
		return false;
	}
	vars_init(c);
	return true;
}

/* ---- the program -------------------------------------------------------- */

static void on_closed(uv_handle_t *h)
{
	cl_t *c = h->data;
	c->p.open--;
}

/* Close h once (a handle never initialised has no loop). */
static void close_handle(cl_t *c, uv_handle_t *h)
{
	if (h->loop == NULL || uv_is_closing(h))
		return;
	h->data = c;
	uv_close(h, on_closed);
}

static void check_done(cl_t *c)
{
	proc_t *p = &c->p;
	if (p->exited && p->out.eof && p->err.eof && !p->done) {
		p->done = true;
		uv_stop(&c->loop->uv);
	}
}

static void stream_end(cl_t *c, stream_t *st)
{
	if (st->eof)
		return;
	st->eof = true;
	uv_read_stop((uv_stream_t *)&st->pipe);
	close_handle(c, (uv_handle_t *)&st->pipe);
}

static void on_alloc(uv_handle_t *h, size_t suggested, uv_buf_t *buf)
{
	stream_t *st = h->data;
	(void)suggested;
	*buf = uv_buf_init(st->chunk, sizeof(st->chunk));
}

static void on_read(uv_stream_t *h, ssize_t n, const uv_buf_t *buf)
{
	stream_t *st = h->data;
	if (n > 0) {
		size_t room = CLIENT_OUTPUT_MAX - st->len, k = (size_t)n;
		st->total += k;
		if (k > room)
			k = room;
		if (k > 0) {
			memcpy(st->buf + st->len, buf->base, k);
			st->len += k;
		}
	}
	if (n < 0) {
		stream_end(st->owner, st);
		check_done(st->owner);
	}
}

static void on_timer(uv_timer_t *t);

static void on_exit_cb(uv_process_t *h, int64_t status, int sig)
{
	cl_t *c = h->data;
	proc_t *p = &c->p;
	p->exited = true;
	p->status = status;
	p->signal = sig;
	kill(-p->pid, SIGKILL); /* whatever it left behind in its group */
	close_handle(c, (uv_handle_t *)h);
	if (!p->out.eof || !p->err.eof)
		uv_timer_start(&p->timer, on_timer, DRAIN_MS, 0);
	check_done(c);
}

static void on_timer(uv_timer_t *t)
{
	cl_t *c = t->data;
	proc_t *p = &c->p;
	if (!p->exited) {
		p->timed_out = true;
		kill(-p->pid, SIGKILL);
		return;
	}
	stream_end(c, &p->out); /* a grandchild holds them open */
	stream_end(c, &p->err);
	check_done(c);
}

static void on_written(uv_write_t *w, int status)
{
	cl_t *c = w->data;
	(void)status;
	close_handle(c, (uv_handle_t *)&c->p.in);
}

/* The harness's environment with env (NAME=value) added or replacing. */
static char **make_env(cl_t *c, const char *const *env, size_t nenv)
{
	size_t n = 0;
	while (environ[n] != NULL && n < ENV_MAX)
		n++;
	char **e =
	    dns_arena_alloc(&c->scratch, (n + nenv + 1) * sizeof(char *));
	if (e == NULL)
		return NULL;
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		bool replaced = false;
		for (size_t j = 0; j < nenv && !replaced; j++) {
			size_t len = strcspn(env[j], "=");
			replaced = strncmp(environ[i], env[j], len) == 0 &&
				   environ[i][len] == '=';
		}
		if (!replaced)
			e[k++] = environ[i];
	}
	for (size_t j = 0; j < nenv; j++)
		e[k++] = (char *)env[j];
	e[k] = NULL;
	return e;
}

/* The step's argv, env and stdin with the run's variables in. */
typedef struct cmd {
	char **argv;
	char **env;
	const char *input;
	size_t input_len;
} cmd_t;

static bool make_cmd(cl_t *c, const sc_client_t *sp, cmd_t *cmd)
{
	cmd->argv =
	    dns_arena_alloc(&c->scratch, (sp->argc + 1) * sizeof(char *));
	const char **env =
	    dns_arena_alloc(&c->scratch, (sp->nenv + 1) * sizeof(char *));
	if (cmd->argv == NULL || env == NULL)
		return false;
	for (size_t i = 0; i < sp->argc; i++)
		if ((cmd->argv[i] = (char *)subst(
			 c, sp->argv[i], strlen(sp->argv[i]), NULL)) == NULL)
			return false;
	cmd->argv[sp->argc] = NULL;
	for (size_t i = 0; i < sp->nenv; i++)
		if ((env[i] = subst(c, sp->env[i], strlen(sp->env[i]), NULL)) ==
		    NULL)
			return false;
	cmd->env = make_env(c, env, sp->nenv);
	cmd->input = NULL;
	if (sp->input != NULL)
		cmd->input =
		    subst(c, sp->input, sp->input_len, &cmd->input_len);
	return cmd->env != NULL && (sp->input == NULL || cmd->input != NULL);
}

static void stream_init(cl_t *c, stream_t *st)
{
	memset(&st->pipe, 0, sizeof(st->pipe));
	uv_pipe_init(&c->loop->uv, &st->pipe, 0);
	st->pipe.data = st;
	st->owner = c;
	st->eof = false;
	st->len = st->total = 0;
	c->p.open++;
}

/* Spawn the program; 0 or a libuv error (nothing left running). */
static int spawn(cl_t *c, const cmd_t *cmd, unsigned long timeout_ms)
{
	proc_t *p = &c->p;
	uv_stdio_container_t io[3];
	memset(io, 0, sizeof(io));
	io[0].flags = UV_IGNORE;
	if (cmd->input != NULL) {
		uv_pipe_init(&c->loop->uv, &p->in, 0);
		p->open++;
		io[0].flags = UV_CREATE_PIPE | UV_READABLE_PIPE;
		io[0].data.stream = (uv_stream_t *)&p->in;
	}
	stream_init(c, &p->out);
	stream_init(c, &p->err);
	io[1].flags = io[2].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
	io[1].data.stream = (uv_stream_t *)&p->out.pipe;
	io[2].data.stream = (uv_stream_t *)&p->err.pipe;
	uv_process_options_t po = {.exit_cb = on_exit_cb,
				   .file = cmd->argv[0],
				   .args = cmd->argv,
				   .env = cmd->env,
				   .flags = UV_PROCESS_DETACHED,
				   .stdio_count = 3,
				   .stdio = io};
	p->h.data = c;
	uv_timer_init(&c->loop->uv, &p->timer);
	p->timer.data = c;
	p->open++;
	int rc = uv_spawn(&c->loop->uv, &p->h, &po);
	p->open++; /* the process handle, initialised even on failure */
	if (rc != 0)
		return rc;
	p->pid = p->h.pid;
	uv_read_start((uv_stream_t *)&p->out.pipe, on_alloc, on_read);
	uv_read_start((uv_stream_t *)&p->err.pipe, on_alloc, on_read);
	if (cmd->input != NULL) {
		uv_buf_t b =
		    uv_buf_init((char *)cmd->input, (unsigned)cmd->input_len);
		p->w.data = c;
		if (uv_write(&p->w, (uv_stream_t *)&p->in, &b, 1, on_written) !=
		    0)
			close_handle(c, (uv_handle_t *)&p->in);
	}
	uv_timer_start(&p->timer, on_timer, timeout_ms, 0);
	return 0;
}

/* Close what is still open and let the loop finish the closes. */
static void proc_close(cl_t *c)
{
	proc_t *p = &c->p;
	close_handle(c, (uv_handle_t *)&p->h);
	close_handle(c, (uv_handle_t *)&p->in);
	stream_end(c, &p->out);
	stream_end(c, &p->err);
	uv_timer_stop(&p->timer);
	close_handle(c, (uv_handle_t *)&p->timer);
	for (int i = 0; p->open > 0 && i < 1000; i++)
		uv_run(&c->loop->uv, UV_RUN_NOWAIT);
}

/* ---- what it did, for the report ---------------------------------------- */

/* Bytes as text: printable ASCII, tab and newline as they are, the rest
 * as \xNN; into the run's arena. */
static const char *as_text(cl_t *c, const stream_t *st)
{
	char *t = dns_arena_alloc(&c->out->arena, 4 * st->len + 1);
	size_t k = 0;
	if (t == NULL)
		return "(out of memory)";
	for (size_t i = 0; i < st->len; i++) {
		unsigned char b = (unsigned char)st->buf[i];
		if (b == '\n' || b == '\t' || (b >= 0x20 && b < 0x7f))
			t[k++] = (char)b;
		else
			k += (size_t)sprintf(t + k, "\\x%02x", b);
	}
	t[k] = '\0';
	return t;
}

/* argv joined by spaces, words with other characters than these
 * single-quoted. */
static const char *command_text(cl_t *c, char *const *argv)
{
	static const char plain[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN"
				    "OPQRSTUVWXYZ0123456789@%+=:,./_-#";
	size_t cap = 1;
	for (size_t i = 0; argv[i] != NULL; i++)
		cap += 4 * strlen(argv[i]) + 3;
	char *t = dns_arena_alloc(&c->out->arena, cap);
	size_t k = 0;
	if (t == NULL)
		return "";
	for (size_t i = 0; argv[i] != NULL; i++) {
		const char *a = argv[i];
		bool q = a[0] == '\0' || a[strspn(a, plain)] != '\0';
		k += (size_t)sprintf(t + k, "%s%s", i ? " " : "", q ? "'" : "");
		for (; *a != '\0'; a++)
			k += (size_t)(*a == '\'' ? sprintf(t + k, "'\\''")
						 : sprintf(t + k, "%c", *a));
		if (q)
			t[k++] = '\'';
	}
	t[k] = '\0';
	return t;
}

static const char *status_text(cl_t *c, unsigned long timeout_ms)
{
	const proc_t *p = &c->p;
	char buf[160];
	const char *abbrev = p->signal ? sigabbrev_np(p->signal) : NULL;
	if (p->timed_out)
		snprintf(buf, sizeof(buf),
			 "killed at the timeout (%.3gs), with its process "
			 "group",
			 (double)timeout_ms / 1000.0);
	else if (p->signal != 0)
		snprintf(buf, sizeof(buf), "killed by signal %d (SIG%s)",
			 p->signal, abbrev ? abbrev : "?");
	else
		snprintf(buf, sizeof(buf), "exit %lld", (long long)p->status);
	return keep(c, buf);
}

static sc_client_obs_t *observe(cl_t *c, char *const *argv,
				unsigned long timeout_ms)
{
	sc_client_obs_t *o = dns_arena_alloc(&c->out->arena, sizeof(*o));
	if (o == NULL)
		return NULL;
	const proc_t *p = &c->p;
	*o = (sc_client_obs_t){
	    .command = command_text(c, argv),
	    .status = status_text(c, timeout_ms),
	    .started = true,
	    .exit_code = p->signal ? -1 : (int)p->status,
	    .signal = p->signal,
	    .timed_out = p->timed_out,
	    .out = as_text(c, &p->out),
	    .err = as_text(c, &p->err),
	    .out_bytes = p->out.total,
	    .err_bytes = p->err.total,
	    .out_cut = p->out.total > p->out.len,
	    .err_cut = p->err.total > p->err.len,
	};
	return o;
}

/* ---- steps -------------------------------------------------------------- */

/* Add the reasons of u (in scratch) to res's verdict. */
static void verdict_add(cl_t *c, sc_result_t *res, const sc_verdict_t *u)
{
	sc_verdict_t *v = &res->verdict;
	if (u->nreasons == 0)
		return;
	sc_reason_t *r = dns_arena_alloc(
	    &c->out->arena, (v->nreasons + u->nreasons) * sizeof(*r));
	if (r == NULL)
		return;
	if (v->nreasons > 0)
		memcpy(r, v->reasons, v->nreasons * sizeof(*r));
	for (size_t i = 0; i < u->nreasons; i++)
		r[v->nreasons + i] =
		    (sc_reason_t){keep(c, u->reasons[i].check),
				  keep(c, u->reasons[i].expected),
				  keep(c, u->reasons[i].got)};
	v->reasons = r;
	v->nreasons += u->nreasons;
	if (u->kind == SC_ERROR || (u->kind == SC_FAIL && v->kind == SC_PASS))
		v->kind = u->kind;
}

/* strs[0..n) with the run's variables in, from scratch (as they are when
 * out of memory). */
static const char **subst_all(cl_t *c, const char **strs, size_t n)
{
	const char **v = dns_arena_alloc(&c->scratch, (n + 1) * sizeof(*v));
	for (size_t i = 0; v != NULL && i < n; i++)
		if ((v[i] = subst(c, strs[i], strlen(strs[i]), NULL)) == NULL)
			v[i] = strs[i];
	return v != NULL ? v : strs;
}

/* The step's expectation with the run's variables in its texts. */
static sc_client_t expect_now(cl_t *c, const sc_client_t *sp)
{
	sc_client_t e = *sp;
	sc_client_text_t *t[2] = {&e.out, &e.err};
	for (int i = 0; i < 2; i++) {
		t[i]->contains = subst_all(c, t[i]->contains, t[i]->ncontains);
		t[i]->lacks = subst_all(c, t[i]->lacks, t[i]->nlacks);
		t[i]->matches = subst_all(c, t[i]->matches, t[i]->nmatches);
	}
	return e;
}

/* Run the step's program until it ends (or is killed at its timeout). */
static void run_program(cl_t *c, sc_result_t *res)
{
	const sc_case_t *k = res->c;
	cmd_t cmd;
	memset(&c->p.h, 0, sizeof(c->p.h));
	memset(&c->p.in, 0, sizeof(c->p.in));
	memset(&c->p.timer, 0, sizeof(c->p.timer));
	c->p.exited = c->p.timed_out = c->p.done = false;
	c->p.open = 0;
	c->p.pid = 0;
	if (!make_cmd(c, k->client, &cmd)) {
		verdict_one(c, res, SC_ERROR, "memory", "memory to run it",
			    "out of memory");
		return;
	}
	c->mark = serve_log_count(c->srv);
	int rc = spawn(c, &cmd, k->timeout_ms);
	if (rc != 0) {
		proc_close(c);
		sc_client_obs_t *o =
		    dns_arena_alloc(&c->out->arena, sizeof(*o));
		if (o != NULL) {
			memset(o, 0, sizeof(*o));
			o->command = command_text(c, cmd.argv);
			o->status = keep(c, uv_strerror(rc));
			res->client = o;
			sc_client_eval(k->client, o, k->timeout_ms,
				       &c->out->arena, &res->verdict);
		}
		return;
	}
	while (!c->p.done && uv_run(&c->loop->uv, UV_RUN_DEFAULT) != 0)
		;
	proc_close(c);
	for (int i = 0; i < 2; i++) /* queries received meanwhile */
		uv_run(&c->loop->uv, UV_RUN_NOWAIT);
	res->client = observe(c, cmd.argv, k->timeout_ms);
	if (res->client == NULL) {
		verdict_one(c, res, SC_ERROR, "memory", "memory for the output",
			    "out of memory");
		return;
	}
	sc_client_t e = expect_now(c, k->client);
	sc_client_eval(&e, res->client, k->timeout_ms, &c->out->arena,
		       &res->verdict);
	sc_verdict_t u;
	play_judge_upstream(c->srv, c->mark, &c->scratch, &c->out->arena, res,
			    &u);
	verdict_add(c, res, &u);
}

static void play_steps(cl_t *c)
{
	for (size_t i = 0; i < c->s->nsteps && !c->interrupted; i++) {
		const sc_step_t *st = &c->s->steps[i];
		sc_result_t *res = c->res[st->case_index];
		if (res == NULL)
			continue; /* not selected: steps do not share state */
		serve_set_step(c->srv, i + 1);
		double t = net_now_ms();
		res->started_ms = t - c->t0;
		if (res->c->skip != NULL)
			verdict_one(c, res, SC_SKIP, "skip", "the step to run",
				    res->c->skip);
		else if (res->c->client == NULL) /* a loader bug */
			verdict_one(c, res, SC_ERROR, "step",
				    "a compiled client step", "none");
		else
			run_program(c, res);
		if (c->interrupted)
			verdict_one(c, res, SC_SKIP, "run",
				    "the step to finish", "interrupted");
		res->elapsed_ms = net_now_ms() - t;
		dns_arena_reset(&c->scratch);
		c->res[st->case_index] = NULL; /* judged */
	}
}

/* ---- one suite ---------------------------------------------------------- */

static void on_sigint(uv_signal_t *h, int signum)
{
	cl_t *c = h->data;
	(void)signum;
	c->interrupted = true;
	c->out->run.interrupted = true;
	if (c->p.pid > 0 && !c->p.exited)
		kill(-c->p.pid, SIGKILL);
}

static bool cl_open(cl_t *c)
{
	dns_arena_init(&c->scratch, 0);
	c->p.out.buf = malloc(CLIENT_OUTPUT_MAX);
	c->p.err.buf = malloc(CLIENT_OUTPUT_MAX);
	if (c->p.out.buf == NULL || c->p.err.buf == NULL) {
		c->fatal = "out of memory for the programs' output";
		return false;
	}
	c->loop = play_loop_new(c->o->pcap);
	if (c->loop == NULL) {
		c->fatal = "no event loop";
		return false;
	}
	c->sig_open = c->o->handle_sigint &&
		      play_sigint_start(c->loop, &c->sigint, on_sigint, c);
	return true;
}

static void cl_close(cl_t *c)
{
	if (c->sig_open)
		uv_close((uv_handle_t *)&c->sigint, NULL);
	serve_free(c->srv);
	play_loop_free(c->loop);
	free(c->p.out.buf);
	free(c->p.err.buf);
	dns_arena_free(&c->scratch);
}

/* Every step of the suite not judged yet: kind k with one reason. */
static void judge_rest(cl_t *c, sc_verdict_kind_t k, const char *check,
		       const char *expected, const char *got)
{
	for (size_t i = 0; i < c->s->ncases; i++)
		if (c->res[i] != NULL)
			verdict_one(c, c->res[i], k, check, expected, got);
}

static void play_suite(cl_t *c)
{
	if (c->s->nsteps == 0 || c->s->servers == NULL)
		c->fatal = "a client suite without steps: or servers:";
	else if (cl_open(c) && servers_start(c))
		play_steps(c);
	if (c->interrupted)
		judge_rest(c, SC_SKIP, "run", "the step to run",
			   "interrupted before it ran");
	else if (c->fatal != NULL)
		judge_rest(c, SC_ERROR, "setup", "the scripted servers running",
			   c->fatal);
	cl_close(c);
}

void play_client_suites(const sc_suite_t *suites, size_t n,
			const play_opts_t *o, play_result_t *out, double t0)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		const sc_suite_t *s = &suites[i];
		size_t first = k;
		while (k < out->run.nresults && out->run.results[k].suite == s)
			k++;
		if (s->role != SC_ROLE_CLIENT || k == first)
			continue;
		cl_t *c = calloc(1, sizeof(*c));
		sc_result_t **res = dns_arena_alloc(
		    &out->arena, (s->ncases + 1) * sizeof(*res));
		if (c == NULL || res == NULL) {
			free(c);
			for (size_t j = first; j < k; j++)
				out->run.results[j].verdict.kind = SC_ERROR;
			continue;
		}
		memset(res, 0, (s->ncases + 1) * sizeof(*res));
		for (size_t j = first; j < k; j++)
			res[out->run.results[j].c - s->cases] =
			    &out->run.results[j];
		*c = (cl_t){.s = s, .o = o, .out = out, .res = res, .t0 = t0};
		if (out->run.interrupted) {
			c->interrupted = true;
			judge_rest(c, SC_SKIP, "run", "the step to run",
				   "interrupted before it ran");
		} else {
			play_suite(c);
		}
		free(c);
	}
}
