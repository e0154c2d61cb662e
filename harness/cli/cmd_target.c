/* cmd_target.c - dnsharness target: start a recipe's server by hand, list
 * the recipes.
 *
 *   dnsharness target start NAME [options]
 *     starts it, prints "ADDR PORT PID DIR" on one line, and stays in the
 *     foreground until SIGINT, SIGTERM or SIGHUP, then stops the target
 *     (exit 0). If the target ends by itself meanwhile, says how on stderr
 *     with its output and exits 3.
 *   dnsharness target list
 *     one line per recipe: name, role, program, installed or the apt-get
 *     command.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "target/target.h"

#define MAX_VARS 32

typedef struct start_opts {
	const char *name;
	const char *scenarios;
	target_opts_t t;
	target_var_t vars[MAX_VARS];
	bool log; /* print the output on stop */
} start_opts_t;

static void target_usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: dnsharness target start NAME [--scenarios DIR] "
	    "[--addr ADDR]\n"
	    "                [--port N] [--zone NAME] [--zone-file FILE] "
	    "[--var NAME=VALUE]...\n"
	    "                [--timeout DURATION] [--keep] [--log]\n"
	    "       dnsharness target list [--scenarios DIR]\n"
	    "  start: start the target of recipe NAME "
	    "(DIR/targets/NAME.yaml, or a\n"
	    "  path to a .yaml) on ADDR (default 127.0.0.1) and a free port "
	    "(or N),\n"
	    "  wait until it answers its probe, print \"ADDR PORT PID DIR\" "
	    "and stay in\n"
	    "  the foreground until SIGINT/SIGTERM; then stop it. --zone-file "
	    "is relative\n"
	    "  to DIR/zones. --keep keeps DIR (as DNSHARNESS_KEEP=1 does); "
	    "--log prints\n"
	    "  the target's output on stderr when it stops. DIR defaults to "
	    "$DNSHARNESS_SCENARIOS,\n"
	    "  else ./scenarios. Exit 2: bad recipe; 3: the target could "
	    "not start or died.\n"
	    "  list: the recipes, and whether their program is installed.\n");
}

static const char *scenarios_default(void)
{
	const char *s = getenv("DNSHARNESS_SCENARIOS");
	return s && s[0] ? s : "scenarios";
}

static bool parse_duration(const char *s, unsigned long *ms)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	double scale = strcmp(end, "ms") == 0			 ? 1.0
		       : (strcmp(end, "s") == 0 || *end == '\0') ? 1000.0
								 : -1.0;
	if (end == s || errno != 0 || scale < 0 || v <= 0 ||
	    v * scale > 86400000.0)
		return false;
	*ms = (unsigned long)(v * scale + 0.5);
	return true;
}

static bool parse_var(start_opts_t *o, char *a)
{
	char *eq = strchr(a, '=');
	if (eq == NULL || eq == a || o->t.nvars == MAX_VARS)
		return false;
	*eq = '\0';
	o->vars[o->t.nvars++] = (target_var_t){a, eq + 1};
	return true;
}

/* One option with a value; returns false on a bad value. */
static bool parse_valued(start_opts_t *o, const char *a, char *v)
{
	unsigned long n;
	char *end;
	if (strcmp(a, "--scenarios") == 0)
		o->scenarios = v;
	else if (strcmp(a, "--addr") == 0)
		o->t.addr = v;
	else if (strcmp(a, "--zone") == 0)
		o->t.zone = v;
	else if (strcmp(a, "--zone-file") == 0)
		o->t.zone_file = v;
	else if (strcmp(a, "--var") == 0)
		return parse_var(o, v);
	else if (strcmp(a, "--timeout") == 0)
		return parse_duration(v, &o->t.start_timeout_ms);
	else if (strcmp(a, "--port") == 0) {
		n = strtoul(v, &end, 10);
		if (*v == '\0' || *end != '\0' || n == 0 || n > 65535)
			return false;
		o->t.port = (unsigned)n;
	} else
		return false;
	return true;
}

static int parse_args(int argc, char **argv, start_opts_t *o, bool need_name)
{
	static const char *const valued[] = {
	    "--scenarios", "--addr", "--port",	  "--zone",
	    "--zone-file", "--var",  "--timeout", NULL,
	};
	o->t.vars = o->vars;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		bool takes = false;
		for (int k = 0; valued[k]; k++)
			takes |= strcmp(a, valued[k]) == 0;
		if (takes && i + 1 < argc && parse_valued(o, a, argv[i + 1])) {
			i++;
		} else if (strcmp(a, "--keep") == 0) {
			o->t.keep = true;
		} else if (strcmp(a, "--log") == 0) {
			o->log = true;
		} else if (need_name && a[0] != '-' && o->name == NULL) {
			o->name = a;
		} else {
			fprintf(stderr,
				"dnsharness target: bad argument '%s'\n", a);
			target_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (need_name && o->name == NULL) {
		fprintf(stderr,
			"dnsharness target start: give a recipe NAME\n");
		return EXIT_USAGE;
	}
	if (o->scenarios == NULL)
		o->scenarios = scenarios_default();
	return 0;
}

static void print_start_error(const target_err_t *err)
{
	fprintf(stderr, "dnsharness target: %s: %s\n",
		target_rc_name(err->code), err->msg);
	if (err->log[0] != '\0')
		fprintf(stderr, "---- output of the target ----\n%s%s",
			err->log,
			err->log[strlen(err->log) - 1] == '\n' ? "" : "\n");
}

static void print_log(target_t *t)
{
	size_t len;
	const char *log = target_log(t, &len);
	if (log != NULL && len > 0)
		fprintf(stderr, "---- output of the target ----\n%s%s", log,
			log[len - 1] == '\n' ? "" : "\n");
}

/* Wait for a signal in set, checking the target every 200 ms. Returns
 * EXIT_PASS after a signal, EXIT_TARGET when the target died. */
static int supervise(target_t *t, const sigset_t *set)
{
	struct timespec tick = {0, 200 * 1000000l};
	for (;;) {
		int sig = sigtimedwait(set, NULL, &tick);
		if (sig > 0)
			return EXIT_PASS;
		if (!target_alive(t)) {
			char st[128];
			fprintf(stderr, "dnsharness target: %s %s\n",
				target_recipe(t)->name,
				target_status_text(t, st, sizeof(st)));
			return EXIT_TARGET;
		}
	}
}

static int target_start_cmd(start_opts_t *o)
{
	target_recipe_t r;
	diag_t d = {0};
	if (!target_load_recipe(o->name, o->scenarios, &r, &d)) {
		diag_print(&d, stderr);
		target_recipe_free(&r);
		return EXIT_USAGE;
	}
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGHUP);
	sigprocmask(SIG_BLOCK, &set, &old);
	target_t *t;
	static target_err_t err;
	int rc = EXIT_TARGET;
	if (target_start(&r, &o->t, &t, &err) != TARGET_OK) {
		print_start_error(&err);
	} else {
		printf("%s %u %d %s\n", target_addr(t), target_port(t),
		       target_pid(t), target_dir(t));
		fflush(stdout);
		rc = supervise(t, &set);
		target_stop(t);
		if (o->log || rc != EXIT_PASS)
			print_log(t);
		target_free(t);
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	target_recipe_free(&r);
	return rc;
}

static int target_list_cmd(const start_opts_t *o)
{
	char dir[4096];
	snprintf(dir, sizeof(dir), "%s/targets", o->scenarios);
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	if (n < 0) {
		fprintf(stderr, "dnsharness target list: %s: %s\n", dir,
			strerror(errno));
		return EXIT_USAGE;
	}
	int rc = EXIT_PASS;
	for (int i = 0; i < n; i++) {
		size_t len = strlen(ents[i]->d_name);
		char path[4096], prog[4096];
		target_recipe_t r;
		diag_t d = {0};
		if (len > 5 &&
		    strcmp(ents[i]->d_name + len - 5, ".yaml") == 0 &&
		    (size_t)snprintf(path, sizeof(path), "%s/%s", dir,
				     ents[i]->d_name) < sizeof(path)) {
			if (!target_load_recipe(path, o->scenarios, &r, &d)) {
				diag_print(&d, stderr);
				target_recipe_free(&r);
				rc = EXIT_USAGE;
			} else {
				bool have = target_find_program(r.program, prog,
								sizeof(prog));
				printf("%-14s %-13s %-14s %s", r.name,
				       r.role == TARGET_ROLE_RESOLVER
					   ? "resolver"
					   : "authoritative",
				       r.program,
				       have ? "installed" : "missing:");
				for (size_t k = 0; !have && k < r.npackages;
				     k++)
					printf(" %s", r.packages[k]);
				printf("\n");
				target_recipe_free(&r);
			}
		}
		free(ents[i]);
	}
	free(ents);
	return rc;
}

int cmd_target(int argc, char **argv)
{
	start_opts_t o;
	memset(&o, 0, sizeof(o));
	if (argc < 2 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0) {
		target_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_PASS;
	}
	bool start = strcmp(argv[1], "start") == 0;
	if (!start && strcmp(argv[1], "list") != 0) {
		fprintf(stderr, "dnsharness target: unknown action '%s'\n",
			argv[1]);
		target_usage(stderr);
		return EXIT_USAGE;
	}
	int rc = parse_args(argc, argv, &o, start);
	if (rc != 0)
		return rc;
	return start ? target_start_cmd(&o) : target_list_cmd(&o);
}
