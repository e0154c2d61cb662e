/* cmd_decode.c - dnsharness decode: one DNS message, dig-style or JSON. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "dns/arena.h"
#include "dns/base.h"
#include "dns/msg.h"
#include "dns/print.h"

typedef struct decode_opts {
	const char *hex;  /* --hex */
	const char *path; /* FILE or "-" */
	bool json;
	bool survey;
} decode_opts_t;

static void decode_usage(FILE *f)
{
	fprintf(f,
		"usage: dnsharness decode [--hex HEX | FILE | -] [--json] "
		"[--survey]\n"
		"  Decode one DNS message given as hex (--hex; spaces and "
		"colons ignored)\n"
		"  or as raw bytes in FILE or on standard input (-). Prints it "
		"dig-style,\n"
		"  or as JSON with --json. Exit 0 when it decodes strictly; "
		"exit 1 with\n"
		"  'error: offset N: reason' on stderr when not. --survey "
		"lists every\n"
		"  violation instead of stopping at the first.\n");
}

static int parse_args(int argc, char **argv, decode_opts_t *o)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--hex") == 0 && i + 1 < argc) {
			o->hex = argv[++i];
		} else if (strcmp(a, "--json") == 0) {
			o->json = true;
		} else if (strcmp(a, "--survey") == 0) {
			o->survey = true;
		} else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			decode_usage(stdout);
			return -1;
		} else if ((a[0] != '-' || strcmp(a, "-") == 0) &&
			   o->path == NULL) {
			o->path = a;
		} else {
			fprintf(stderr,
				"dnsharness decode: bad argument '%s'\n", a);
			decode_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if ((o->hex != NULL) == (o->path != NULL)) {
		fprintf(stderr, "dnsharness decode: give --hex HEX, or FILE, "
				"or - for standard input\n");
		return EXIT_USAGE;
	}
	return 0;
}

/* Hex text without white space and colons into buf. */
static int read_hex(const char *hex, uint8_t *buf, size_t cap, size_t *len)
{
	size_t n = strlen(hex), k = 0;
	char *clean = malloc(n + 1);
	if (clean == NULL)
		return EXIT_FAIL;
	for (size_t i = 0; i < n; i++)
		if (!strchr(" \t\r\n:", hex[i]))
			clean[k++] = hex[i];
	size_t bad = 0;
	dns_rc_t rc = dns_base16_decode(clean, k, buf, cap, len, &bad);
	free(clean);
	if (rc != DNS_OK) {
		fprintf(stderr,
			"dnsharness decode: --hex: %s at character %zu\n",
			dns_rc_text(rc), bad + 1);
		return EXIT_USAGE;
	}
	return 0;
}

static int read_file(const char *path, uint8_t *buf, size_t cap, size_t *len)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	if (f == NULL) {
		fprintf(stderr, "dnsharness decode: %s: %s\n", path,
			strerror(errno));
		return EXIT_USAGE;
	}
	*len = fread(buf, 1, cap, f);
	int more = fgetc(f) != EOF;
	int err = ferror(f);
	if (f != stdin)
		fclose(f);
	if (err) {
		fprintf(stderr, "dnsharness decode: %s: read error\n", path);
		return EXIT_USAGE;
	}
	if (more) {
		fprintf(stderr,
			"dnsharness decode: %s: longer than %zu bytes, the "
			"largest DNS message\n",
			path, cap);
		return EXIT_FAIL;
	}
	return 0;
}

static void print_violations(const dns_msg_t *m, bool all)
{
	unsigned n = all ? m->nviol : (m->nviol > 0);
	for (unsigned i = 0; i < n; i++) {
		const dns_violation_t *v = &m->viol[i];
		fprintf(stderr, "error: offset %zu: %s (%s)", v->offset,
			dns_rc_text(v->code), dns_rc_name(v->code));
		if (v->section <= DNS_SEC_ADDITIONAL)
			fprintf(stderr, " in %s entry %u",
				dns_section_name((dns_section_t)v->section),
				v->index + 1u);
		fputc('\n', stderr);
	}
	if (all && m->viol_more)
		fprintf(stderr, "error: more violations not listed\n");
}

static int print_message(const dns_msg_t *m, const decode_opts_t *o)
{
	if (o->json) {
		json_t *j = dns_msg_to_json(m);
		if (j != NULL && o->survey)
			json_object_set_new(j, "violations",
					    dns_violations_to_json(m));
		char *s =
		    j ? json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER)
		      : NULL;
		json_decref(j);
		if (s == NULL)
			return EXIT_FAIL;
		puts(s);
		free(s);
		return 0;
	}
	char *s = dns_msg_to_text_alloc(m);
	if (s == NULL)
		return EXIT_FAIL;
	fputs(s, stdout);
	dns_mem_free(s);
	return 0;
}

int cmd_decode(int argc, char **argv)
{
	decode_opts_t o = {0};
	int rc = parse_args(argc, argv, &o);
	if (rc != 0)
		return rc < 0 ? EXIT_PASS : rc;
	static uint8_t buf[DNS_MSG_MAXLEN];
	size_t len = 0;
	rc = o.hex ? read_hex(o.hex, buf, sizeof(buf), &len)
		   : read_file(o.path, buf, sizeof(buf), &len);
	if (rc != 0)
		return rc;

	dns_arena_t arena;
	dns_msg_t m;
	dns_arena_init(&arena, 0);
	dns_rc_t drc = dns_msg_decode(
	    &m, buf, len, o.survey ? DNS_DECODE_SURVEY : DNS_DECODE_STRICT,
	    &arena);
	if (drc == DNS_E_NOMEM) {
		fprintf(stderr, "dnsharness decode: out of memory\n");
		rc = EXIT_FAIL;
	} else if (drc != DNS_OK && !o.survey) {
		print_violations(&m, false);
		rc = EXIT_FAIL;
	} else {
		if (print_message(&m, &o) != 0)
			rc = EXIT_FAIL;
		print_violations(&m, true);
		if (drc != DNS_OK)
			rc = EXIT_FAIL;
	}
	dns_arena_free(&arena);
	return rc;
}
