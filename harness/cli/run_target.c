/* run_target.c - dnsharness run --program: prepare, start, watch and stop
 * a target from its recipe, and the run of a target that did not start. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "cli/cli.h"
#include "cli/run_int.h"
#include "net/loop.h"

#define LOG_TAIL_SHOWN 2048u /* bytes of output printed when a target dies */

static bool load_expectations(run_target_t *rt, const char *scenarios_dir)
{
	size_t n = strlen(scenarios_dir) + strlen(rt->program) + 32;
	rt->exp_path = malloc(n);
	if (rt->exp_path == NULL) {
		fprintf(stderr, "dnsharness run: out of memory\n");
		return false;
	}
	snprintf(rt->exp_path, n, "%s/targets/%s.expected", scenarios_dir,
		 rt->program);
	diag_t d = {0};
	rt->have_exp = true;
	if (exp_load(rt->exp_path, &rt->exp, &rt->exp_found, &d))
		return true;
	diag_print(&d, stderr);
	return false;
}

/* Print "PACKAGE..." that provide the recipe's program. */
static void print_packages(const target_recipe_t *r)
{
	for (size_t i = 0; i < r->npackages; i++)
		fprintf(stderr, " %s", r->packages[i]);
}

int run_target_prepare(run_target_t *rt, const char *program,
		       const char *scenarios_dir)
{
	memset(rt, 0, sizeof(*rt));
	rt->program = program;
	rt->scenarios_dir = scenarios_dir;
	diag_t d = {0};
	rt->have_recipe = true;
	if (!target_load_recipe(program, scenarios_dir, &rt->recipe, &d)) {
		diag_print(&d, stderr);
		return EXIT_USAGE;
	}
	rt->program = rt->recipe.name; /* a path names its recipe's name */
	char path[4096];
	if (!target_find_program(rt->recipe.program, path, sizeof(path))) {
		fprintf(stderr,
			"dnsharness run: %s: program '%s' is not installed",
			rt->program, rt->recipe.program);
		if (rt->recipe.npackages > 0) {
			fputs("; install with: apt-get install -y", stderr);
			print_packages(&rt->recipe);
		}
		fputc('\n', stderr);
		return EXIT_TARGET;
	}
	return load_expectations(rt, scenarios_dir) ? 0 : EXIT_USAGE;
}

/* Is var name among vars? */
static bool has_var(const sc_var_t *vars, size_t nvars, const char *name)
{
	for (size_t i = 0; i < nvars; i++)
		if (strcmp(vars[i].name, name) == 0)
			return true;
	return false;
}

/* Does the recipe take var name? */
static bool recipe_has_var(const target_recipe_t *r, const char *name)
{
	for (size_t i = 0; i < r->nvars; i++)
		if (strcmp(r->vars[i].name, name) == 0)
			return true;
	return false;
}

/* A resolver that takes an upstream (vars: upstream ...): start the
 * authoritative server behind it and point the recipe's vars at it (into
 * v, *n of them). A recipe without such a var has its own data. false
 * after saying why. */
static bool start_behind(run_target_t *rt, const sc_var_t *vars, size_t nvars,
			 target_var_t *v, size_t *n)
{
	char err[512];
	if (rt->recipe.role != TARGET_ROLE_RESOLVER ||
	    !recipe_has_var(&rt->recipe, "upstream"))
		return true;
	if (has_var(vars, nvars, "upstream")) {
		fprintf(stderr, "dnsharness run: %s: upstream from --var\n",
			rt->program);
		return true;
	}
	int rc = play_behind_start(&rt->behind, rt->scenarios_dir, rt->pcap,
				   err, sizeof(err));
	if (rc != 0) {
		fprintf(stderr, "dnsharness run: %s: %s\n", rt->program, err);
		rt->start_error = strdup(err);
		rt->start_failed = true;
		return false;
	}
	snprintf(rt->behind_port, sizeof(rt->behind_port), "%u",
		 play_behind_port(rt->behind));
	v[(*n)++] = (target_var_t){"upstream", PLAY_BEHIND_ADDR};
	v[(*n)++] = (target_var_t){"upstream_port", rt->behind_port};
	v[(*n)++] = (target_var_t){"upstream_zone", "."};
	v[(*n)++] = (target_var_t){"upstream_mode", "forward"};
	fprintf(stderr,
		"dnsharness run: %s resolves through the harness's "
		"authoritative server on %s port %s (the root, and %s from "
		"zones/%s)\n",
		rt->program, PLAY_BEHIND_ADDR, rt->behind_port,
		PLAY_BEHIND_ZONE, PLAY_BEHIND_ZONE_FILE);
	return true;
}

/* The target did not start: say why; false. */
static bool start_failed(run_target_t *rt, const target_err_t *err)
{
	fprintf(stderr, "dnsharness run: %s did not start: %s: %s\n",
		rt->program, target_rc_name(err->code), err->msg);
	if (err->log[0] != '\0')
		fprintf(stderr, "---- output of %s ----\n%s\n", rt->program,
			err->log);
	rt->start_error = strdup(err->msg);
	rt->start_log = err->log[0] ? strdup(err->log) : NULL;
	rt->start_failed = true;
	play_behind_stop(rt->behind);
	rt->behind = NULL;
	return false;
}

bool run_target_start(run_target_t *rt, const sc_var_t *vars, size_t nvars)
{
	static target_err_t err; /* large: not on the stack */
	memset(&err, 0, sizeof(err));
	target_opts_t o = {0};
	target_var_t *v = calloc(nvars + 4, sizeof(*v));
	if (v == NULL) {
		fprintf(stderr, "dnsharness run: out of memory\n");
		return false;
	}
	size_t n = 0;
	bool ok = start_behind(rt, vars, nvars, v, &n);
	for (size_t i = 0; i < nvars; i++) /* --var wins */
		v[n++] = (target_var_t){vars[i].name, vars[i].value};
	o.vars = v;
	o.nvars = n;
	if (ok)
		fprintf(stderr, "dnsharness run: starting %s ...\n",
			rt->program);
	if (ok && target_start(&rt->recipe, &o, &rt->t, &err) != TARGET_OK)
		ok = start_failed(rt, &err);
	free(v);
	if (!ok)
		return false;
	const char *addr = target_addr(rt->t);
	snprintf(rt->text, sizeof(rt->text),
		 strchr(addr, ':') ? "[%s]:%u" : "%s:%u", addr,
		 target_port(rt->t));
	char perr[128];
	if (!net_addr_parse(rt->text, 53, &rt->addr, perr, sizeof(perr))) {
		fprintf(stderr, "dnsharness run: %s: %s\n", rt->program, perr);
		target_free(rt->t);
		rt->t = NULL;
		rt->start_error = strdup(perr);
		rt->start_failed = true;
		return false;
	}
	fprintf(stderr, "dnsharness run: %s listens on %s (pid %d)\n",
		rt->program, rt->text, target_pid(rt->t));
	if (rt->recipe.jobs != 0)
		fprintf(stderr,
			"dnsharness run: %s: at most %u case%s in flight "
			"(its recipe's jobs:)\n",
			rt->program, rt->recipe.jobs,
			rt->recipe.jobs == 1 ? "" : "s");
	if (rt->behind != NULL) {
		size_t len = strlen(rt->text);
		snprintf(rt->text + len, sizeof(rt->text) - len,
			 " (upstream %s:%s)", PLAY_BEHIND_ADDR,
			 rt->behind_port);
	}
	return true;
}

bool run_target_watch(void *ctx, char *why, size_t cap)
{
	target_t *t = ctx;
	if (target_alive(t))
		return true;
	target_status_text(t, why, cap);
	return false;
}

/* The last LOG_TAIL_SHOWN bytes of log, from a line start. */
static const char *log_tail(const char *log, size_t len)
{
	if (len <= LOG_TAIL_SHOWN)
		return log;
	const char *p = log + len - LOG_TAIL_SHOWN;
	const char *nl = strchr(p, '\n');
	return nl ? nl + 1 : p;
}

void run_target_stop(run_target_t *rt)
{
	if (rt->t == NULL)
		return;
	target_stop(rt->t);
	size_t len = 0;
	const char *log = target_log(rt->t, &len);
	if (log != NULL && rt->ran)
		rt->res.run.target_log =
		    dns_arena_dup(&rt->res.arena, log, len + 1);
	if (rt->ran && rt->res.run.target_died != NULL && log != NULL)
		fprintf(stderr,
			"dnsharness run: %s %s during the run; its last "
			"output:\n%s%s",
			rt->program, rt->res.run.target_died,
			log_tail(log, len),
			len > 0 && log[len - 1] != '\n' ? "\n" : "");
	target_free(rt->t);
	rt->t = NULL;
	if (rt->behind != NULL)
		fprintf(stderr,
			"dnsharness run: %s asked the server behind it %zu "
			"queries\n",
			rt->program, play_behind_stop(rt->behind));
	rt->behind = NULL;
}

/* The selected cases of suites, in order; false when out of memory. */
static bool collect(const sc_suite_t *suites, size_t n, const play_opts_t *o,
		    play_result_t *out)
{
	size_t total = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < suites[i].ncases; j++)
			total += o->select == NULL ||
				 o->select(&suites[i], &suites[i].cases[j],
					   o->select_ctx);
	size_t bytes = (total ? total : 1) * sizeof(sc_result_t);
	out->run.results = dns_arena_alloc(&out->arena, bytes);
	if (out->run.results == NULL)
		return false;
	memset(out->run.results, 0, bytes);
	size_t k = 0;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < suites[i].ncases; j++) {
			const sc_case_t *c = &suites[i].cases[j];
			if (o->select != NULL &&
			    !o->select(&suites[i], c, o->select_ctx))
				continue;
			out->run.results[k].suite = &suites[i];
			out->run.results[k].c = c;
			out->run.results[k].obs.transport =
			    o->transport_forced ? o->transport : c->transport;
			k++;
		}
	out->run.nresults = k;
	return true;
}

bool run_target_failed(run_target_t *rt, const sc_suite_t *suites, size_t n,
		       const play_opts_t *o)
{
	const char *why = rt->start_error ? rt->start_error : "unknown";
	play_result_t *out = &rt->res;
	memset(out, 0, sizeof(*out));
	dns_arena_init(&out->arena, 0);
	rt->ran = true;
	struct timeval tv;
	gettimeofday(&tv, NULL);
	out->run.run_id = o->run_id;
	out->run.started_unix = (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
	sc_reason_t *r = dns_arena_alloc(&out->arena, sizeof(*r));
	size_t cap = strlen(why) + 32;
	char *got = dns_arena_alloc(&out->arena, cap);
	if (r == NULL || got == NULL || !collect(suites, n, o, out))
		return false;
	snprintf(got, cap, "target did not start: %s", why);
	out->run.program = rt->program;
	if (rt->start_log != NULL)
		out->run.target_log = dns_arena_dup(&out->arena, rt->start_log,
						    strlen(rt->start_log) + 1);
	*r = (sc_reason_t){"target", "the target started", got};
	for (size_t i = 0; i < out->run.nresults; i++) {
		out->run.results[i].verdict.kind = SC_ERROR;
		out->run.results[i].verdict.reasons = r;
		out->run.results[i].verdict.nreasons = 1;
	}
	return true;
}

void run_target_free(run_target_t *rt)
{
	if (rt->t != NULL)
		target_free(rt->t);
	play_behind_stop(rt->behind);
	if (rt->ran)
		play_result_free(&rt->res);
	if (rt->have_exp)
		exp_free(&rt->exp);
	if (rt->have_recipe)
		target_recipe_free(&rt->recipe);
	free(rt->exp_path);
	free(rt->start_error);
	free(rt->start_log);
	memset(rt, 0, sizeof(*rt));
}
