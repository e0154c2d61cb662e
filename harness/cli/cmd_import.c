/* cmd_import.c - dnsharness import-rpl: a Deckard / Unbound testbound
 * scenario (.rpl) as a role: resolver YAML suite (scenario/rpl.h). */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "scenario/rpl.h"

typedef struct import_opts {
	const char *in;	    /* FILE.rpl */
	const char *out;    /* -o FILE, or NULL: stdout */
	const char *recipe; /* --recipe NAME */
	const char *suite;  /* --suite NAME */
} import_opts_t;

static void import_usage(FILE *f)
{
	fprintf(f,
		"usage: dnsharness import-rpl [-o OUT.yaml] [--recipe NAME] "
		"[--suite NAME] FILE.rpl\n"
		"  Convert a Deckard or Unbound testbound scenario into a "
		"role: resolver\n"
		"  suite (scenarios/README.md, Importing .rpl scenarios). "
		"Every construct\n"
		"  the YAML language cannot express is kept as a comment\n"
		"  '# import-rpl: not converted: WHAT (line N)'; their number "
		"is printed\n"
		"  on stderr.\n"
		"  -o FILE        write the YAML to FILE (default: stdout)\n"
		"  --recipe NAME  the target recipe (default: unbound)\n"
		"  --suite NAME   the suite name (default: the file name "
		"without .rpl)\n"
		"  Exit 0 on success, 2 for bad usage or a broken .rpl "
		"(FILE:line:col: error: ...),\n"
		"  1 when a file cannot be read or written.\n");
}

/* 0 to go on, -1 after --help, else an exit status. */
static int parse_args(int argc, char **argv, import_opts_t *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			import_usage(stdout);
			return -1;
		} else if (strcmp(a, "-o") == 0 && i + 1 < argc) {
			o->out = argv[++i];
		} else if (strcmp(a, "--recipe") == 0 && i + 1 < argc) {
			o->recipe = argv[++i];
		} else if (strcmp(a, "--suite") == 0 && i + 1 < argc) {
			o->suite = argv[++i];
		} else if ((a[0] != '-' || strcmp(a, "-") == 0) &&
			   o->in == NULL) {
			o->in = a;
		} else {
			fprintf(stderr,
				"dnsharness import-rpl: bad argument "
				"'%s'\n",
				a);
			import_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (o->in != NULL)
		return 0;
	fprintf(stderr, "dnsharness import-rpl: give one FILE.rpl\n");
	import_usage(stderr);
	return EXIT_USAGE;
}

/* The whole file (at most RPL_MAX_INPUT + 1 bytes, so a longer one is
 * seen as too long by the parser), heap, or NULL with errno. */
static char *read_all(const char *path, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (f == NULL)
		return NULL;
	size_t cap = (size_t)RPL_MAX_INPUT + 1;
	char *buf = malloc(cap);
	size_t n = buf ? fread(buf, 1, cap, f) : 0;
	int bad = buf == NULL || ferror(f);
	if (f != stdin)
		fclose(f);
	if (bad) {
		free(buf);
		errno = buf == NULL ? ENOMEM : EIO;
		return NULL;
	}
	*len = n;
	return buf;
}

/* "dir/name.rpl" -> "name" (the emitter makes it a valid suite name). */
static void default_suite(const char *path, char *buf, size_t cap)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	snprintf(buf, cap, "%s", strcmp(path, "-") == 0 ? "rpl" : b);
	size_t n = strlen(buf);
	if (n > 4 && strcmp(buf + n - 4, ".rpl") == 0)
		buf[n - 4] = '\0';
}

static int write_out(const char *path, const char *text, size_t len)
{
	FILE *f = path ? fopen(path, "w") : stdout;
	if (f == NULL) {
		fprintf(stderr, "dnsharness import-rpl: %s: %s\n", path,
			strerror(errno));
		return EXIT_FAIL;
	}
	bool ok = fwrite(text, 1, len, f) == len;
	ok = (f == stdout ? fflush(f) == 0 : fclose(f) == 0) && ok;
	if (!ok) {
		fprintf(stderr, "dnsharness import-rpl: %s: write failed\n",
			path ? path : "stdout");
		return EXIT_FAIL;
	}
	return EXIT_PASS;
}

static int convert(const import_opts_t *o, const char *text, size_t len)
{
	rpl_model_t m;
	rpl_error_t err;
	if (!rpl_parse(text, len, &m, &err)) {
		fprintf(stderr, "%s:%u:%u: error: %s\n", o->in, err.line,
			err.col, err.msg);
		rpl_model_free(&m);
		return EXIT_USAGE;
	}
	char suite[128];
	default_suite(o->in, suite, sizeof(suite));
	rpl_emit_opts_t eo = {o->suite ? o->suite : suite, o->in, o->recipe};
	size_t ylen = 0, nskipped = 0;
	char *yaml = rpl_emit_yaml(&m, &eo, &ylen, &nskipped);
	rpl_model_free(&m);
	if (yaml == NULL) {
		fprintf(stderr, "dnsharness import-rpl: out of memory\n");
		return EXIT_FAIL;
	}
	int rc = write_out(o->out, yaml, ylen);
	free(yaml);
	if (rc == EXIT_PASS)
		fprintf(stderr, "%s: %zu construct%s not converted%s\n", o->in,
			nskipped, nskipped == 1 ? "" : "s",
			nskipped ? " (see the '# import-rpl: not converted' "
				   "comments)"
				 : "");
	return rc;
}

int cmd_import(int argc, char **argv)
{
	import_opts_t o = {0};
	int rc = parse_args(argc, argv, &o);
	if (rc != 0)
		return rc < 0 ? EXIT_PASS : rc;
	size_t len = 0;
	char *text = read_all(o.in, &len);
	if (text == NULL) {
		fprintf(stderr, "dnsharness import-rpl: %s: %s\n", o.in,
			strerror(errno));
		return EXIT_FAIL;
	}
	rc = convert(&o, text, len);
	free(text);
	return rc;
}
