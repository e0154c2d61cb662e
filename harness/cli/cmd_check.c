/* cmd_check.c - dnsharness check: load and validate scenarios without
 * running anything (a linter for scenario files). */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "scenario/node.h"
#include "scenario/scenario.h"

typedef struct check_opts {
	const char **paths; /* PATH arguments (into argv) */
	size_t npaths;
	sc_var_t *vars; /* --var K=V, pointing into argv */
	size_t nvars;
	const char *root; /* --root DIR */
	bool quiet;	  /* -q: no summary line on success */
} check_opts_t;

static void check_usage(FILE *f)
{
	fprintf(f,
		"usage: dnsharness check [--var K=V]... [--root DIR] [-q] "
		"PATH...\n"
		"  Load every scenario file given, or found under a directory "
		"(*.yaml, *.yml;\n"
		"  names starting with '.' or '_' are skipped), and validate "
		"it without\n"
		"  running anything: keys, variables, matrix expansion, "
		"include:, queries\n"
		"  and expectations. Each problem is printed on stderr as\n"
		"  'file:line:col: error: ...'. On success prints 'N files, N "
		"cases OK'.\n"
		"  --var K=V   set variable K (overrides vars:; repeatable)\n"
		"  --root DIR  include: may not leave DIR (default: the "
		"directory of\n"
		"              each file checked)\n"
		"  -q          print nothing on success\n"
		"  Exit 0 when everything loads, 2 otherwise.\n");
}

/* "K=V" into a variable: K a letter or '_', then letters, digits, '_'
 * or '-' (as in vars:). */
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

static int bad_arg(const char *a, const char *why)
{
	fprintf(stderr, "dnsharness check: %s '%s'\n", why, a);
	check_usage(stderr);
	return EXIT_USAGE;
}

/* 0 to go on, -1 after --help, else an exit status. */
static int parse_args(int argc, char **argv, check_opts_t *o)
{
	bool only_paths = false;
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		if (only_paths || a[0] != '-' || strcmp(a, "-") == 0) {
			o->paths[o->npaths++] = a;
		} else if (strcmp(a, "--") == 0) {
			only_paths = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			check_usage(stdout);
			return -1;
		} else if (strcmp(a, "--var") == 0 && i + 1 < argc) {
			if (!split_var(argv[++i], &o->vars[o->nvars++]))
				return bad_arg(argv[i], "--var wants K=V, got");
		} else if (strcmp(a, "--root") == 0 && i + 1 < argc) {
			o->root = argv[++i];
		} else if (strcmp(a, "-q") == 0) {
			o->quiet = true;
		} else {
			return bad_arg(a, "bad argument");
		}
	}
	if (o->npaths == 0) {
		fprintf(stderr, "dnsharness check: give at least one PATH\n");
		check_usage(stderr);
		return EXIT_USAGE;
	}
	return 0;
}

/* Load one file; print its diagnostics. Adds its cases to *ncases.
 * Large files load as dnsharness run loads them (sc_load_file_lazy):
 * every case is still compiled and checked, but not kept. */
static bool check_file(const char *path, const check_opts_t *o, size_t *ncases)
{
	sc_load_opts_t lo = {o->vars, o->nvars, o->root};
	sc_suite_t s;
	diag_t d = {0};
	bool ok = sc_load_file_lazy(path, &lo, SC_LAZY_MIN, &s, &d);
	diag_print(&d, stderr); /* before the arena holding the names goes */
	if (ok)
		*ncases += s.ncases;
	sc_suite_free(&s);
	return ok;
}

static int check_all(const check_opts_t *o)
{
	sc_paths_t files;
	diag_t d = {0};
	bool ok = sc_collect_paths(o->paths, o->npaths, &files, &d);
	diag_print(&d, stderr);
	size_t ncases = 0, nbad = 0;
	for (size_t i = 0; i < files.n; i++)
		if (!check_file(files.path[i], o, &ncases))
			nbad++;
	if (ok && nbad == 0 && !o->quiet)
		printf("%zu file%s, %zu case%s OK\n", files.n,
		       files.n == 1 ? "" : "s", ncases, ncases == 1 ? "" : "s");
	else if (nbad > 0)
		fprintf(stderr, "%zu of %zu file%s did not load\n", nbad,
			files.n, files.n == 1 ? "" : "s");
	sc_paths_free(&files);
	return ok && nbad == 0 ? EXIT_PASS : EXIT_USAGE;
}

int cmd_check(int argc, char **argv)
{
	check_opts_t o = {0};
	o.paths = calloc((size_t)argc, sizeof(*o.paths));
	o.vars = calloc((size_t)argc, sizeof(*o.vars));
	int rc = EXIT_USAGE;
	if (o.paths == NULL || o.vars == NULL)
		fprintf(stderr, "dnsharness check: out of memory\n");
	else if ((rc = parse_args(argc, argv, &o)) == 0)
		rc = check_all(&o);
	else if (rc < 0)
		rc = EXIT_PASS;
	free(o.paths);
	free(o.vars);
	return rc;
}
