/* cmd_encode.c - dnsharness encode: the bytes each case of a scenario
 * sends, as hex. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "scenario/node.h"
#include "scenario/query.h"
#include "scenario/scenario.h"

typedef struct encode_opts {
	const char *path;
	const char *only; /* --case NAME, or NULL for every case */
	sc_var_t *vars;	  /* --var k=v, pointing into argv */
	size_t nvars;
} encode_opts_t;

static void encode_usage(FILE *f)
{
	fprintf(f, "usage: dnsharness encode FILE.yaml [--case NAME] "
		   "[--var K=V]...\n"
		   "  Load a scenario and print the query each case sends, one "
		   "line per\n"
		   "  case: '<name> <hex>'. With --case, only that case's hex. "
		   "A random\n"
		   "  ID prints as 0000 (the sender fills it in). Exit 2 when "
		   "the scenario\n"
		   "  does not load or the case does not exist.\n");
}

/* "k=v" into a variable; false when there is no '=' or no name. */
static bool split_var(char *arg, sc_var_t *v)
{
	char *eq = strchr(arg, '=');
	if (eq == NULL || eq == arg)
		return false;
	*eq = '\0';
	v->name = arg;
	v->value = eq + 1;
	return true;
}

static int bad_arg(const char *a)
{
	fprintf(stderr, "dnsharness encode: bad argument '%s'\n", a);
	encode_usage(stderr);
	return EXIT_USAGE;
}

/* 0 to go on, -1 after --help, else an exit status. */
static int parse_args(int argc, char **argv, encode_opts_t *o)
{
	for (int i = 1; i < argc; i++) {
		char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			encode_usage(stdout);
			return -1;
		}
		if (strcmp(a, "--case") == 0 && i + 1 < argc && !o->only) {
			o->only = argv[++i];
		} else if (strcmp(a, "--var") == 0 && i + 1 < argc) {
			if (!split_var(argv[++i], &o->vars[o->nvars++]))
				return bad_arg(argv[i]);
		} else if (a[0] != '-' && o->path == NULL) {
			o->path = a;
		} else {
			return bad_arg(a);
		}
	}
	if (o->path == NULL) {
		fprintf(stderr, "dnsharness encode: give a scenario FILE\n");
		encode_usage(stderr);
		return EXIT_USAGE;
	}
	return 0;
}

static void print_hex(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
	putchar('\n');
}

static int print_cases(const sc_suite_t *s, const char *only)
{
	bool found = false;
	for (size_t i = 0; i < s->ncases; i++) {
		const sc_case_t *c = &s->cases[i];
		if (only != NULL && strcmp(c->name, only) != 0)
			continue;
		found = true;
		if (c->query == NULL) {
			fprintf(stderr,
				"dnsharness encode: case '%s' sends "
				"no query\n",
				c->name);
			continue;
		}
		if (only == NULL)
			printf("%s ", c->name);
		print_hex(c->query->wire, c->query->len);
	}
	if (only != NULL && !found) {
		fprintf(stderr, "dnsharness encode: %s: no case named '%s'\n",
			s->file ? s->file : "", only);
		return EXIT_USAGE;
	}
	return EXIT_PASS;
}

int cmd_encode(int argc, char **argv)
{
	encode_opts_t o = {0};
	o.vars = calloc((size_t)argc + 1, sizeof(*o.vars));
	if (o.vars == NULL)
		return EXIT_FAIL;
	int rc = parse_args(argc, argv, &o);
	if (rc != 0) {
		free(o.vars);
		return rc < 0 ? EXIT_PASS : rc;
	}
	sc_load_opts_t lo = {o.vars, o.nvars, NULL};
	sc_suite_t suite;
	diag_t *d = calloc(1, sizeof(*d));
	memset(&suite, 0, sizeof(suite));
	if (d == NULL) {
		rc = EXIT_FAIL;
	} else if (!sc_load_file(o.path, &lo, &suite, d)) {
		diag_print(d, stderr);
		rc = EXIT_USAGE;
	} else {
		rc = print_cases(&suite, o.only);
	}
	sc_suite_free(&suite);
	free(d);
	free(o.vars);
	return rc;
}
