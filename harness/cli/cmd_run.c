/* cmd_run.c - dnsharness run: play scenario files against a running server
 * (--target), or against servers started from their recipes (--program,
 * one after the other), and report: terminal summary, report.json,
 * junit.xml, report.html (the compliance matrix) and traffic.pcap. */
#include <ctype.h>
#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "cli/run_dot.h"
#include "cli/run_int.h"
#include "cli/run_serve.h"
#include "net/exchange.h"
#include "net/loop.h"
#include "play/play.h"
#include "report/report.h"
#include "scenario/node.h"
#include "scenario/scenario.h"

#define DEFAULT_PORT 53
#define DEFAULT_JOBS 100u
#define MAX_JOBS     10000u

typedef struct run_opts {
	const char **paths; /* PATH arguments (into argv) */
	size_t npaths;
	sc_var_t *vars; /* --var K=V, pointing into argv */
	size_t nvars;
	const char **tags; /* --tag T */
	size_t ntags;
	const char **programs; /* --program NAME */
	size_t nprograms;
	const char **filters; /* --filter GLOB (any of them) */
	size_t nfilters;
	const char *scenarios; /* --scenarios DIR */
	const char *expected;  /* --expected FILE (runs without --program) */
	bool update_expected;
	const char *target, *root;
	const char *report_dir, *json, *junit;
	unsigned jobs;
	bool transport_forced;
	sc_transport_t transport;
	unsigned long timeout_ms;
	bool tap, verbose, no_color;
	run_dot_t dot; /* --dot-port, --tls-* */
} run_opts_t;

static void run_usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: dnsharness run --target HOST[:PORT] [options] PATH...\n"
	    "       dnsharness run --program NAME [--program NAME...] "
	    "[options] PATH...\n"
	    "       dnsharness run [options] FILE...   (each file against its "
	    "own servers:)\n"
	    "  Play the scenario files given, or found under a directory "
	    "(*.yaml, *.yml;\n"
	    "  names starting with '.' or '_' are skipped), against a "
	    "running server,\n"
	    "  or against servers started from their recipes, one after the "
	    "other.\n"
	    "  A role: resolver file starts its own servers: (port 53) and "
	    "resolver (its\n"
	    "  target:, or the --program recipe) and plays its steps: in "
	    "order.\n"
	    "  A role: client file starts its own servers: and runs each "
	    "step's program\n"
	    "  (dig, kdig, ...) against them.\n"
	    "  --target HOST[:PORT]  the server (port 53 by default; IPv6 "
	    "as [::1]:5300)\n"
	    "  --program NAME        start the recipe DIR/targets/NAME.yaml "
	    "(or a path to\n"
	    "                        a .yaml), run, stop it; repeatable: "
	    "one report with a\n"
	    "                        column per target. Verdicts are "
	    "compared with\n"
	    "                        DIR/targets/NAME.expected\n"
	    "  --expected FILE       without --program: compare the verdicts "
	    "with FILE\n"
	    "                        (SUITE/CASE<TAB>fail<TAB>reason lines, "
	    "as NAME.expected)\n"
	    "  --scenarios DIR       the recipes' tree (default "
	    "$DNSHARNESS_SCENARIOS, else\n"
	    "                        ./scenarios)\n"
	    "  --update-expected     rewrite NAME.expected (or the --expected "
	    "FILE) from\n"
	    "                        this run (keeps reasons; new failures "
	    "are added as\n"
	    "                        'unreviewed')\n"
	    "  -j N                  cases in flight at once (default 100)\n"
	    "  --transport udp|tcp|dot  use this transport for every case\n");
	fputs(run_dot_usage, f);
	fprintf(
	    f,
	    "  --timeout T           per attempt, for every case (e.g. "
	    "500ms, 2s)\n"
	    "  --var K=V             set variable K (overrides vars:; "
	    "repeatable)\n"
	    "  --filter GLOB         only cases whose name matches GLOB "
	    "(repeatable: any\n"
	    "                        of them)\n"
	    "  --tag T               only cases tagged T (repeatable: any "
	    "of them)\n"
	    "  --root DIR            include: may not leave DIR\n"
	    "  --report-dir DIR      where report.json, junit.xml, "
	    "report.html and\n"
	    "                        traffic.pcap go\n"
	    "                        (default reports/<run-id>/)\n"
	    "  --json F, --junit F   also write the JSON / JUnit report to F\n"
	    "  --tap                 TAP on standard output (summary on "
	    "standard error)\n"
	    "  -v                    query, response and expectation diff "
	    "for each failure\n"
	    "  --no-color            no colour in the summary\n"
	    "  Exit 0 when no MUST case failed and no case was in error "
	    "(SHOULD and MAY\n"
	    "  failures are reported but do not fail the run); 1 otherwise "
	    "or when\n"
	    "  interrupted; 2 for bad usage or a bad scenario; 3 when the "
	    "target is\n"
	    "  unreachable (every case sent was refused or had no route).\n"
	    "  With --program or --expected: 0 when every verdict matches the "
	    ".expected\n"
	    "  file (no new failure, no new pass); 1 otherwise, when "
	    "interrupted or when a\n"
	    "  target died during the run; 3 when a program is not installed "
	    "or did not\n"
	    "  start.\n");
}

static int bad_arg(const char *a, const char *why)
{
	fprintf(stderr, "dnsharness run: %s '%s'\n", why, a);
	run_usage(stderr);
	return EXIT_USAGE;
}

/* "K=V" into a variable, as dnsharness check takes it. */
static bool split_var(char *arg, sc_var_t *v)
{
	char *eq = strchr(arg, '=');
	if (eq == NULL || eq == arg ||
	    !(isalpha((unsigned char)arg[0]) || arg[0] == '_'))
		return false;
	for (const char *s = arg; s < eq; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return false;
	*eq = '\0';
	v->name = arg;
	v->value = eq + 1;
	return true;
}

/* "500", "500ms", "2s", "1.5s" into milliseconds (1 ms .. 1 hour). */
static bool parse_ms(const char *s, unsigned long *out)
{
	char *end = NULL;
	errno = 0;
	double v = strtod(s, &end);
	if (end == s || errno != 0 || !(v > 0))
		return false;
	if (strcmp(end, "s") == 0)
		v *= 1000.0;
	else if (strcmp(end, "m") == 0)
		v *= 60000.0;
	else if (*end != '\0' && strcmp(end, "ms") != 0)
		return false;
	if (v < 1.0 || v > 3600000.0)
		return false;
	*out = (unsigned long)v;
	return true;
}

static bool parse_jobs(const char *s, unsigned *out)
{
	char *end = NULL;
	unsigned long v = strtoul(s, &end, 10);
	if (!isdigit((unsigned char)s[0]) || *end != '\0' || v == 0 ||
	    v > MAX_JOBS)
		return false;
	*out = (unsigned)v;
	return true;
}

static bool parse_transport(const char *s, sc_transport_t *out)
{
	static const sc_transport_t all[] = {SC_UDP, SC_TCP, SC_DOT};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(s, sc_transport_name(all[i])) == 0) {
			*out = all[i];
			return true;
		}
	return false;
}

/* An option that takes a value: the value, or NULL (i is advanced). */
static const char *value_of(int argc, char **argv, int *i)
{
	return *i + 1 < argc ? argv[++*i] : NULL;
}

/* One option with its value v; 0, or an exit status. */
static int parse_valued(run_opts_t *o, const char *a, char *v)
{
	if (strcmp(a, "--target") == 0)
		o->target = v;
	else if (strcmp(a, "-j") == 0) {
		if (!parse_jobs(v, &o->jobs))
			return bad_arg(v, "-j wants 1..10000, got");
	} else if (strcmp(a, "--transport") == 0) {
		if (!parse_transport(v, &o->transport))
			return bad_arg(v, "--transport wants udp|tcp|dot, got");
		o->transport_forced = true;
	} else if (strcmp(a, "--timeout") == 0) {
		if (!parse_ms(v, &o->timeout_ms))
			return bad_arg(v,
				       "--timeout wants e.g. 500ms or 2s, got");
	} else if (strcmp(a, "--var") == 0) {
		if (!split_var(v, &o->vars[o->nvars++]))
			return bad_arg(v, "--var wants K=V, got");
	} else if (strcmp(a, "--tag") == 0)
		o->tags[o->ntags++] = v;
	else if (strcmp(a, "--program") == 0)
		o->programs[o->nprograms++] = v;
	else if (strcmp(a, "--scenarios") == 0)
		o->scenarios = v;
	else if (strcmp(a, "--expected") == 0)
		o->expected = v;
	else if (strcmp(a, "--filter") == 0)
		o->filters[o->nfilters++] = v;
	else if (strcmp(a, "--root") == 0)
		o->root = v;
	else if (strcmp(a, "--report-dir") == 0)
		o->report_dir = v;
	else if (strcmp(a, "--json") == 0)
		o->json = v;
	else if (strcmp(a, "--junit") == 0)
		o->junit = v;
	else
		return bad_arg(a, "bad argument");
	return 0;
}

static bool takes_value(const char *a)
{
	static const char *const opts[] = {
	    "--target", "-j",	     "--transport", "--timeout",    "--var",
	    "--tag",	"--filter",  "--root",	    "--report-dir", "--json",
	    "--junit",	"--program", "--scenarios", "--expected",   NULL};
	for (size_t i = 0; opts[i] != NULL; i++)
		if (strcmp(a, opts[i]) == 0)
			return true;
	return false;
}

/* 0 to go on, -1 after --help, else an exit status. */
static int parse_args(int argc, char **argv, run_opts_t *o)
{
	bool only_paths = false;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		int rc = 0;
		if (only_paths || a[0] != '-') {
			o->paths[o->npaths++] = a;
		} else if (strcmp(a, "--") == 0) {
			only_paths = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			run_usage(stdout);
			return -1;
		} else if (strcmp(a, "--tap") == 0) {
			o->tap = true;
		} else if (strcmp(a, "-v") == 0) {
			o->verbose = true;
		} else if (strcmp(a, "--no-color") == 0) {
			o->no_color = true;
		} else if (strcmp(a, "--update-expected") == 0) {
			o->update_expected = true;
		} else if ((rc = run_dot_arg(&o->dot, argc, argv, &i)) >= 0) {
			/* a DoT option: rc is 0 or EXIT_USAGE */
		} else if (takes_value(a)) {
			const char *v = value_of(argc, argv, &i);
			rc = v ? parse_valued(o, a, argv[i])
			       : bad_arg(a, "missing value after");
		} else {
			rc = bad_arg(a, "bad argument");
		}
		if (rc != 0)
			return rc;
	}
	if ((o->target != NULL && o->nprograms > 0) || o->npaths == 0) {
		fprintf(stderr, "dnsharness run: give --target HOST[:PORT] or "
				"--program NAME (or neither: each file is "
				"played against its own servers:), and at "
				"least one PATH\n");
		run_usage(stderr);
		return EXIT_USAGE;
	}
	if (o->expected != NULL && o->nprograms > 0) {
		fprintf(stderr, "dnsharness run: --expected is for runs "
				"without --program (each program's file is "
				"targets/NAME.expected)\n");
		return EXIT_USAGE;
	}
	if (o->update_expected && o->nprograms == 0 && o->expected == NULL) {
		fprintf(stderr, "dnsharness run: --update-expected needs "
				"--program or --expected\n");
		return EXIT_USAGE;
	}
	if (o->scenarios == NULL) {
		const char *env = getenv("DNSHARNESS_SCENARIOS");
		o->scenarios = env && env[0] ? env : "scenarios";
	}
	return 0;
}

/* ---- loading ------------------------------------------------------------ */

typedef struct loaded {
	sc_suite_t *suites;
	size_t n;
	size_t ncases;
} loaded_t;

static void loaded_free(loaded_t *l)
{
	for (size_t i = 0; i < l->n; i++)
		sc_suite_free(&l->suites[i]);
	free(l->suites);
	l->suites = NULL;
	l->n = 0;
}

/* Load every file; print every diagnostic. false when any failed. */
static bool load_all(const run_opts_t *o, loaded_t *out)
{
	sc_paths_t files;
	diag_t d = {0};
	bool ok = sc_collect_paths(o->paths, o->npaths, &files, &d);
	diag_print(&d, stderr);
	out->suites = calloc(files.n ? files.n : 1, sizeof(*out->suites));
	if (out->suites == NULL) {
		fprintf(stderr, "dnsharness run: out of memory\n");
		sc_paths_free(&files);
		return false;
	}
	sc_load_opts_t lo = {o->vars, o->nvars, o->root};
	for (size_t i = 0; i < files.n; i++) {
		diag_t fd = {0};
		sc_suite_t *s = &out->suites[out->n++];
		if (!sc_load_file_lazy(files.path[i], &lo, SC_LAZY_MIN, s, &fd))
			ok = false;
		diag_print(&fd, stderr); /* before the arena holding names */
		out->ncases += s->ncases;
	}
	sc_paths_free(&files);
	return ok;
}

/* ---- selection and progress --------------------------------------------- */

static bool select_case(const sc_suite_t *s, const sc_case_t *c, void *ctx)
{
	const run_opts_t *o = ctx;
	(void)s;
	size_t f = 0;
	while (f < o->nfilters && fnmatch(o->filters[f], c->name, 0) != 0)
		f++;
	if (o->nfilters > 0 && f == o->nfilters)
		return false;
	if (o->ntags == 0)
		return true;
	for (size_t i = 0; i < o->ntags; i++)
		for (size_t j = 0; j < c->ntags; j++)
			if (strcmp(o->tags[i], c->tags[j]) == 0)
				return true;
	return false;
}

static size_t count_selected(const loaded_t *l, run_opts_t *o)
{
	size_t n = 0;
	for (size_t i = 0; i < l->n; i++)
		for (size_t j = 0; j < l->suites[i].ncases; j++)
			n += select_case(&l->suites[i], &l->suites[i].cases[j],
					 o);
	return n;
}

typedef struct progress {
	double last_ms;
} progress_t;

static void on_progress(size_t done, size_t total, size_t failed, void *ctx)
{
	progress_t *p = ctx;
	double now = net_now_ms();
	if (done < total && now - p->last_ms < 100.0)
		return;
	p->last_ms = now;
	report_progress(done, total, failed, stderr);
}

/* ---- reports ------------------------------------------------------------ */

/* "20261126-171500-NAME[-PROGRAM]": NAME is the suite when there is one;
 * PROGRAM the recipe with one --program, "matrix" with several. */
static void make_run_id(const loaded_t *l, const run_opts_t *o, char *buf,
			size_t cap)
{
	time_t t = time(NULL);
	struct tm tm;
	localtime_r(&t, &tm);
	char stamp[32];
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", &tm);
	const char *name =
	    l->n == 1 && l->suites[0].name ? l->suites[0].name : "run";
	const char *prog = o->nprograms == 1  ? o->programs[0]
			   : o->nprograms > 1 ? "matrix"
					      : NULL;
	int n = snprintf(buf, cap, "%s-%s%s%s", stamp, name, prog ? "-" : "",
			 prog ? prog : "");
	size_t start = strlen(stamp) + 1;
	for (size_t i = start; n > 0 && i < (size_t)n && i < cap; i++)
		if (!isalnum((unsigned char)buf[i]) && !strchr("._-", buf[i]))
			buf[i] = '_';
}

/* mkdir -p; false with errno set. */
static bool make_dirs(const char *path)
{
	char tmp[4096];
	size_t n = strlen(path);
	if (n == 0 || n >= sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return false;
	}
	memcpy(tmp, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (tmp[i] != '/' && tmp[i] != '\0')
			continue;
		char c = tmp[i];
		tmp[i] = '\0';
		if (mkdir(tmp, 0777) != 0 && errno != EEXIST)
			return false;
		tmp[i] = c;
	}
	return true;
}

typedef enum report_kind {
	REPORT_JSON,
	REPORT_JUNIT,
	REPORT_HTML
} report_kind_t;

/* Write one report of the runs to path (report.json with the cases
 * stream rendered while the run played, when there is one); false after
 * saying why. */
static bool write_one(const sc_run_t *runs, size_t n, report_stream_t *stream,
		      const char *path, report_kind_t k)
{
	char err[256];
	bool ok = k == REPORT_JSON
		      ? report_write_json_stream(runs, n, stream, path, err,
						 sizeof(err))
		  : k == REPORT_JUNIT
		      ? report_write_junit_runs(runs, n, path, err, sizeof(err))
		      : report_write_html(runs, n, path, err, sizeof(err));
	if (!ok)
		fprintf(stderr, "dnsharness run: %s\n", err);
	return ok;
}

/* The three reports are written at once, report.json and junit.xml by
 * threads of their own while the caller writes report.html: the writers
 * only read the finished runs. */
typedef struct report_job {
	const sc_run_t *runs;
	size_t n;
	report_stream_t *stream;
	report_kind_t kind;
	char path[4200];
	bool ok, threaded;
	pthread_t tid;
} report_job_t;

static void *report_job_main(void *arg)
{
	report_job_t *j = arg;
	j->ok = write_one(j->runs, j->n, j->stream, j->path, j->kind);
	return NULL;
}

static bool write_reports(const sc_run_t *runs, size_t n, const char *dir,
			  report_stream_t *stream, const run_opts_t *o)
{
	static const char *const names[] = {"report.json", "junit.xml",
					    "report.html"};
	report_job_t jobs[3];
	bool ok = true;
	for (int k = REPORT_JSON; k <= REPORT_HTML; k++) {
		report_job_t *j = &jobs[k];
		*j = (report_job_t){.runs = runs,
				    .n = n,
				    .stream = stream,
				    .kind = (report_kind_t)k};
		snprintf(j->path, sizeof(j->path), "%s/%s", dir, names[k]);
		j->threaded =
		    k != REPORT_HTML &&
		    pthread_create(&j->tid, NULL, report_job_main, j) == 0;
	}
	for (int k = REPORT_JSON; k <= REPORT_HTML; k++)
		if (!jobs[k].threaded)
			report_job_main(&jobs[k]);
	for (int k = REPORT_JSON; k <= REPORT_HTML; k++) {
		if (jobs[k].threaded)
			pthread_join(jobs[k].tid, NULL);
		ok = jobs[k].ok && ok;
	}
	if (o->json != NULL)
		ok = write_one(runs, n, stream, o->json, REPORT_JSON) && ok;
	if (o->junit != NULL)
		ok = write_one(runs, n, NULL, o->junit, REPORT_JUNIT) && ok;
	return ok;
}

/* ---- the run ------------------------------------------------------------ */

typedef struct run_ctx {
	run_opts_t *o;
	loaded_t *l;
	run_target_t *targets;
	size_t ntargets;
	char run_id[192];
	char dir[4096];
	pcap_log_t *pcap;
	progress_t prog;
	run_serve_t *serve; /* no --target, no --program: the files' own
			       servers */
	/* one target: report.json's cases rendered while it plays */
	report_stream_t *stream;
} run_ctx_t;

/* A result of the one target's run is final: compared with its
 * expectations file at once, then handed to the report stream. */
static void on_ended(const sc_run_t *run, size_t idx, void *ctx)
{
	run_ctx_t *rc = ctx;
	run_target_t *rt = &rc->targets[0];
	(void)run; /* the same as rt->res.run, which may be written */
	if (rt->have_exp)
		exp_compare_one(&rt->exp, &rt->res.run, idx);
	report_stream_ended(rc->stream, &rt->res.run, idx);
}

/* -j, capped by the recipe's jobs: (dnsmasq's verdicts only mean something
 * one case at a time, see scenarios/targets/dnsmasq.yaml). */
static unsigned jobs_for(const run_opts_t *o, const run_target_t *rt)
{
	unsigned cap = rt->have_recipe ? rt->recipe.jobs : 0;
	return cap != 0 && (o->jobs == 0 || cap < o->jobs) ? cap : o->jobs;
}

static void play_opts_for(run_ctx_t *rc, run_target_t *rt, play_opts_t *po)
{
	run_opts_t *o = rc->o;
	*po = (play_opts_t){
	    .target = (const struct sockaddr *)&rt->addr,
	    .suite_targets = rc->serve ? run_serve_targets(rc->serve) : NULL,
	    .dot_target = run_dot_target(&o->dot, o->target,
					 (const struct sockaddr *)&rt->addr),
	    .tls = o->dot.tls,
	    .target_text = rt->text,
	    .run_id = rc->run_id,
	    .jobs = jobs_for(o, rt),
	    .transport_forced = o->transport_forced,
	    .transport = o->transport,
	    .timeout_ms = o->timeout_ms,
	    .pcap = rc->pcap,
	    .select = select_case,
	    .select_ctx = o,
	    .progress = isatty(STDERR_FILENO) ? on_progress : NULL,
	    .progress_ctx = &rc->prog,
	    .ended = rc->stream != NULL ? on_ended : NULL,
	    .ended_ctx = rc,
	    .handle_sigint = true,
	    .watch = rt->t != NULL ? run_target_watch : NULL,
	    .watch_ctx = rt->t,
	    .resolver = rt->have_recipe ? &rt->recipe : NULL,
	    .scenarios_dir = o->scenarios,
	};
}

/* Is a selected case of a role: server suite to be played against the
 * program? (Resolver suites start their own resolver; client suites
 * run their own programs.) */
static bool needs_program(const run_ctx_t *rc)
{
	for (size_t i = 0; i < rc->l->n; i++) {
		const sc_suite_t *s = &rc->l->suites[i];
		for (size_t j = 0; s->role == SC_ROLE_SERVER && j < s->ncases;
		     j++)
			if (select_case(s, &s->cases[j], rc->o))
				return true;
	}
	return false;
}

/* Play the cases against one target, started first when it comes from a
 * recipe; its run is in rt->res (every case ERROR when it did not start).
 * false when the run could not be made at all (no memory, no loop). */
static bool play_target(run_ctx_t *rc, run_target_t *rt)
{
	play_opts_t po;
	char err[256];
	if (rt->program != NULL && !needs_program(rc))
		snprintf(rt->text, sizeof(rt->text),
			 "%s (one per resolver suite)", rt->program);
	else if (rt->program != NULL &&
		 !run_target_start(rt, rc->o->vars, rc->o->nvars)) {
		play_opts_for(rc, rt, &po);
		if (run_target_failed(rt, rc->l->suites, rc->l->n, &po))
			return true;
		fprintf(stderr, "dnsharness run: out of memory\n");
		return false;
	}
	play_opts_for(rc, rt, &po);
	bool ok =
	    play_run(rc->l->suites, rc->l->n, &po, &rt->res, err, sizeof(err));
	rt->ran = true; /* rt->res is released in any case */
	rt->res.run.program = rt->program;
	run_target_stop(rt);
	if (!ok)
		fprintf(stderr, "dnsharness run: %s\n", err);
	return ok;
}

static void warn_stale(const exp_entry_t *e, void *ctx)
{
	const run_target_t *rt = ctx;
	fprintf(stderr,
		"%s:%u: warning: %s names no case of its suite (renamed or "
		"removed?)\n",
		rt->exp_path, e->line, e->key);
}

static void compare_expected(run_ctx_t *rc, run_target_t *rt)
{
	if (!rt->have_exp || !rt->ran)
		return;
	exp_compare(&rt->exp, &rt->res.run, NULL);
	exp_stale(&rt->exp, rc->l->suites, rc->l->n, warn_stale, rt);
}

/* --update-expected: rewrite each target's file from its run. */
static bool update_expected(run_ctx_t *rc, FILE *out)
{
	bool ok = true;
	for (size_t i = 0; i < rc->ntargets; i++) {
		run_target_t *rt = &rc->targets[i];
		const sc_run_t *run = &rt->res.run;
		char err[256];
		if (!rt->have_exp || !rt->ran)
			continue;
		if (rt->start_failed || run->interrupted ||
		    run->target_died != NULL) {
			fprintf(stderr,
				"dnsharness run: not updating %s: the run "
				"%s\n",
				rt->exp_path,
				rt->start_failed   ? "had no target"
				: run->interrupted ? "was interrupted"
						   : "lost its target");
			ok = false;
		} else if (!exp_update(&rt->exp, run, rt->exp_path, err,
				       sizeof(err))) {
			fprintf(stderr, "dnsharness run: %s\n", err);
			ok = false;
		} else {
			fprintf(out, "updated %s\n", rt->exp_path);
		}
	}
	return ok;
}

/* The exit status once the reports are out. */
static int exit_status(const run_ctx_t *rc, bool reports_ok)
{
	bool unstarted = false, unreachable = false, interrupted = false;
	bool passed = true, matches = true;
	for (size_t i = 0; i < rc->ntargets; i++) {
		const run_target_t *rt = &rc->targets[i];
		if (!rt->ran)
			continue;
		const sc_run_t *run = &rt->res.run;
		unstarted |= rt->start_failed;
		if (!rt->start_failed && play_unreachable(&rt->res)) {
			unreachable = true;
			fprintf(stderr,
				"dnsharness run: target %s unreachable: every "
				"query was refused or had no route\n",
				rt->text);
		}
		interrupted |= run->interrupted;
		passed = play_passed(run) && passed;
		size_t c[4];
		report_exp_counts(run, c);
		matches = matches && c[SC_EXP_NEW_FAIL] == 0 &&
			  c[SC_EXP_NEW_PASS] == 0 && run->target_died == NULL;
	}
	if (unstarted || unreachable)
		return EXIT_TARGET;
	if (!reports_ok || interrupted)
		return EXIT_FAIL;
	if (rc->o->nprograms > 0 || rc->o->expected != NULL)
		return matches ? EXIT_PASS : EXIT_FAIL;
	return passed ? EXIT_PASS : EXIT_FAIL;
}

static int finish(run_ctx_t *rc)
{
	const run_opts_t *o = rc->o;
	sc_run_t *runs = calloc(rc->ntargets, sizeof(*runs));
	if (runs == NULL) {
		fprintf(stderr, "dnsharness run: out of memory\n");
		return EXIT_FAIL;
	}
	size_t n = 0;
	bool interrupted = false;
	for (size_t i = 0; i < rc->ntargets; i++)
		if (rc->targets[i].ran) {
			runs[n] = rc->targets[i].res.run;
			interrupted |= runs[n++].interrupted;
		}
	if (isatty(STDERR_FILENO) && interrupted)
		fputs("\r\033[K", stderr);
	bool reports_ok =
	    n > 0 && write_reports(runs, n, rc->dir, rc->stream, o);
	FILE *out = o->tap ? stderr : stdout;
	bool color =
	    !o->no_color && getenv("NO_COLOR") == NULL && isatty(fileno(out));
	if (o->tap)
		report_tap_runs(runs, n, stdout);
	report_summary_runs(runs, n, out, color, o->verbose);
	fprintf(out, "reports: %s/\nmatrix: %s/report.html\n", rc->dir,
		rc->dir);
	if (o->update_expected && !update_expected(rc, out))
		reports_ok = false;
	free(runs);
	return exit_status(rc, reports_ok);
}

static int run_loaded(run_ctx_t *rc)
{
	run_opts_t *o = rc->o;
	int status = run_dot_prepare(
	    &o->dot, rc->l->suites, rc->l->n, o->transport_forced, o->transport,
	    o->target,
	    o->target ? (const struct sockaddr *)&rc->targets[0].addr : NULL);
	if (status != 0)
		return status;
	make_run_id(rc->l, o, rc->run_id, sizeof(rc->run_id));
	if (o->report_dir != NULL)
		snprintf(rc->dir, sizeof(rc->dir), "%s", o->report_dir);
	else
		snprintf(rc->dir, sizeof(rc->dir), "reports/%s", rc->run_id);
	if (!make_dirs(rc->dir)) {
		fprintf(stderr, "dnsharness run: cannot create %s: %s\n",
			rc->dir, strerror(errno));
		return EXIT_USAGE;
	}
	if (rc->ntargets == 1)
		rc->stream = report_stream_start(rc->dir);
	char path[4200], err[256];
	snprintf(path, sizeof(path), "%s/traffic.pcap", rc->dir);
	rc->pcap = pcap_log_open(path, err, sizeof(err));
	if (rc->pcap == NULL)
		fprintf(stderr, "dnsharness run: no traffic capture: %s\n",
			err);
	bool ok = true;
	for (size_t i = 0; ok && i < rc->ntargets; i++) {
		if (i > 0 && rc->targets[i - 1].res.run.interrupted)
			break; /* SIGINT: no more targets */
		rc->targets[i].pcap = rc->pcap;
		ok = play_target(rc, &rc->targets[i]);
		compare_expected(rc, &rc->targets[i]);
		if (rc->targets[i].ran)
			report_stream_finish(rc->stream,
					     &rc->targets[i].res.run);
	}
	if (rc->pcap != NULL)
		pcap_log_close(rc->pcap);
	int result = ok ? finish(rc) : EXIT_FAIL;
	report_stream_free(rc->stream);
	rc->stream = NULL;
	return result;
}

/* --expected FILE into the run's one target. A missing file is an error
 * (a typo would pass every run), except with --update-expected, which
 * writes it. 0 or an exit status. */
static int load_expected(run_target_t *rt, const run_opts_t *o)
{
	diag_t d = {0};
	rt->exp_path = strdup(o->expected);
	if (rt->exp_path == NULL) {
		fprintf(stderr, "dnsharness run: out of memory\n");
		return EXIT_FAIL;
	}
	rt->have_exp = true;
	if (!exp_load(rt->exp_path, &rt->exp, &rt->exp_found, &d)) {
		diag_print(&d, stderr);
		return EXIT_USAGE;
	}
	if (!rt->exp_found && !o->update_expected) {
		fprintf(stderr, "dnsharness run: --expected %s: no such file\n",
			o->expected);
		return EXIT_USAGE;
	}
	return 0;
}

/* The targets: the --target address, or each --program's recipe. */
static int prepare_targets(run_ctx_t *rc)
{
	run_opts_t *o = rc->o;
	if (o->expected != NULL) {
		int status = load_expected(&rc->targets[0], o);
		if (status != 0)
			return status;
	}
	if (o->nprograms == 0 && o->target == NULL)
		return 0; /* the files' own servers, once they are loaded */
	if (o->nprograms == 0) {
		run_target_t *rt = &rc->targets[0];
		char err[256];
		if (!net_addr_parse(o->target, DEFAULT_PORT, &rt->addr, err,
				    sizeof(err))) {
			fprintf(stderr, "dnsharness run: --target %s\n", err);
			return EXIT_USAGE;
		}
		snprintf(rt->text, sizeof(rt->text), "%s", o->target);
		return 0;
	}
	for (size_t i = 0; i < o->nprograms; i++) {
		int status = run_target_prepare(&rc->targets[i], o->programs[i],
						o->scenarios);
		if (status != 0)
			return status;
		for (size_t k = 0; k < i; k++)
			if (strcmp(rc->targets[k].program,
				   rc->targets[i].program) == 0) {
				fprintf(stderr,
					"dnsharness run: --program %s given "
					"twice\n",
					rc->targets[i].program);
				return EXIT_USAGE;
			}
	}
	return 0;
}

/* No --target, no --program: start the servers: of every file loaded;
 * the run's target is the first suite's. 0 or an exit status. */
static int start_own_servers(run_ctx_t *rc)
{
	int status = run_serve_start(&rc->serve, rc->l->suites, rc->l->n);
	if (status != 0 || rc->serve == NULL) /* NULL: nothing to serve */
		return status;
	run_target_t *rt = &rc->targets[0];
	const struct sockaddr *const *t = run_serve_targets(rc->serve);
	size_t i = 0;
	while (t[i] == NULL) /* run_serve_start made sure there is one */
		i++;
	memcpy(&rt->addr, t[i], net_addr_len(t[i]));
	snprintf(rt->text, sizeof(rt->text), "%s", run_serve_text(rc->serve));
	return 0;
}

static int run_all(run_opts_t *o)
{
	run_ctx_t rc = {.o = o};
	rc.ntargets = o->nprograms ? o->nprograms : 1;
	rc.targets = calloc(rc.ntargets, sizeof(*rc.targets));
	if (rc.targets == NULL) {
		fprintf(stderr, "dnsharness run: out of memory\n");
		return EXIT_FAIL;
	}
	loaded_t l = {0};
	rc.l = &l;
	int status = prepare_targets(&rc);
	if (status != 0) {
		/* said why */
	} else if (!load_all(o, &l)) {
		status = EXIT_USAGE;
	} else if (count_selected(&l, o) == 0) {
		fprintf(stderr,
			"dnsharness run: no case selected (%zu loaded; "
			"check --filter and --tag)\n",
			l.ncases);
		status = EXIT_USAGE;
	} else if (o->target != NULL || o->nprograms > 0 ||
		   (status = start_own_servers(&rc)) == 0) {
		status = run_loaded(&rc);
	}
	run_serve_stop(rc.serve);
	for (size_t i = 0; i < rc.ntargets; i++)
		run_target_free(&rc.targets[i]);
	free(rc.targets);
	loaded_free(&l);
	return status;
}

int cmd_run(int argc, char **argv)
{
	size_t n = argc > 0 ? (size_t)argc : 1;
	run_opts_t o = {0};
	o.paths = calloc(n, sizeof(*o.paths));
	o.vars = calloc(n, sizeof(*o.vars));
	o.tags = calloc(n, sizeof(*o.tags));
	o.programs = calloc(n, sizeof(*o.programs));
	o.filters = calloc(n, sizeof(*o.filters));
	o.jobs = DEFAULT_JOBS;
	int status = EXIT_FAIL;
	if (o.paths == NULL || o.vars == NULL || o.tags == NULL ||
	    o.programs == NULL || o.filters == NULL)
		fprintf(stderr, "dnsharness run: out of memory\n");
	else {
		status = parse_args(argc, argv, &o);
		if (status == 0)
			status = run_all(&o);
		else if (status < 0)
			status = EXIT_PASS;
	}
	free(o.paths);
	free(o.vars);
	free(o.tags);
	free(o.programs);
	free(o.filters);
	run_dot_free(&o.dot);
	return status;
}
