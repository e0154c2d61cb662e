/* test_capture.c - the codec against real answers of NSD, Knot and BIND.
 *
 * For every harness/tests/data/captures/<server>/<name>.bin (made by
 * harness/tests/capture/capture.sh, with dig's view of the same bytes in
 * <name>.dig):
 *   1. dns_msg_decode in strict mode finds no violation;
 *   2. each record of answer, authority and additional except OPT, printed
 *      as "<owner> <ttl> <class> <type> <rdata>", matches dig's lines
 *      (whitespace normalised, multiset per message);
 *   3. the message re-encoded (dns_msg_encode, no options) decodes to the
 *      same records.
 * The data is found under $DNSHARNESS_SRC (default "."), the source tree.
 * One cmocka test per capture file, named "<server>/<name>".
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/arena.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/strbuf.h"

#define CAPTURE_DIR   "harness/tests/data/captures"
#define MAX_FILES     1024u
#define MAX_LINES     512u
#define LINE_MAX_TEXT (1u << 18) /* room for 64 KiB of RDATA as \DDD */
#define MSG_MAX	      65535u
/* BIND's printer cuts base64 and hex fields into chunks of this many
 * characters separated by a space, even on one line (+nomultiline). */
#define DIG_CHUNK 56u

static const char *const servers[] = {"nsd", "knot", "bind"};

typedef struct capture {
	char path[1024]; /* without the ".bin" / ".dig" suffix */
	char name[128];	 /* "<server>/<name>" */
} capture_t;

typedef struct lines {
	char *v[MAX_LINES];
	size_t n;
} lines_t;

static const char *src_root(void)
{
	const char *s = getenv("DNSHARNESS_SRC");
	return s && *s ? s : ".";
}

/* ---- normalisation ---------------------------------------------------- */

static int is_blob_char(char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == '+' || c == '/' || c == '=';
}

static int is_blob_token(const char *s, size_t n)
{
	if (n == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!is_blob_char(s[i]))
			return 0;
	return 1;
}

/* Collapse runs of blanks to one space, trim both ends, and join the
 * DIG_CHUNK-wide pieces of a base64/hex field back into one token (the
 * same on both sides, so a printer that chunks like BIND still matches).
 * Returns a new heap string. */
static char *normalise(const char *in)
{
	size_t cap = strlen(in) + 1;
	char *out = malloc(cap);
	assert_non_null(out);
	size_t o = 0, chunk = 0; /* length of the blob chunk just written */
	const char *p = in;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p)
			break;
		size_t n = 0;
		while (p[n] && p[n] != ' ' && p[n] != '\t' && p[n] != '\n' &&
		       p[n] != '\r')
			n++;
		int blob = is_blob_token(p, n);
		if (o > 0 && !(chunk == DIG_CHUNK && blob))
			out[o++] = ' ';
		memcpy(out + o, p, n);
		o += n;
		chunk = blob ? n : 0;
		p += n;
	}
	out[o] = '\0';
	return out;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void lines_free(lines_t *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	l->n = 0;
}

static void lines_add(lines_t *l, const char *text)
{
	assert_true(l->n < MAX_LINES);
	l->v[l->n++] = normalise(text);
}

/* ---- reading the files ------------------------------------------------ */

static size_t read_file(const char *path, uint8_t *buf, size_t cap)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot open %s", path);
	size_t n = fread(buf, 1, cap, f);
	int more = fgetc(f) != EOF;
	fclose(f);
	if (more)
		fail_msg("%s is larger than %zu bytes", path, cap);
	return n;
}

static void read_dig(const char *path, lines_t *out)
{
	FILE *f = fopen(path, "r");
	if (!f)
		fail_msg("cannot open %s", path);
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, f) != -1) {
		const char *s = line + strspn(line, " \t");
		if (*s == ';' || *s == '\n' || *s == '\0')
			continue;
		lines_add(out, s);
	}
	free(line);
	fclose(f);
}

/* ---- our printer ------------------------------------------------------ */

static void print_rr(const dns_rr_t *rr, char *buf, size_t cap)
{
	char owner[DNS_NAME_TEXT_MAX + 1], cls[16], type[16];
	dns_name_to_text(&rr->owner, owner, sizeof(owner));
	dns_strbuf_t sb = dns_strbuf_init(buf, cap);
	dns_sb_printf(&sb, "%s %u %s %s ", owner, (unsigned)rr->ttl,
		      dns_class_to_text(rr->rclass, cls),
		      dns_type_to_text(rr->type, type));
	dns_rdata_to_text(rr->type, rr->rdata, rr->rdlen, &sb);
	assert_false(sb.over);
}

static void print_msg(const dns_msg_t *m, lines_t *out, char *buf, size_t cap)
{
	for (int s = DNS_SEC_ANSWER; s <= DNS_SEC_ADDITIONAL; s++)
		for (unsigned i = 0; i < m->nsec[s]; i++) {
			const dns_rr_t *rr = &m->sec[s][i];
			if (rr->type == DNS_T_OPT)
				continue;
			print_rr(rr, buf, cap);
			lines_add(out, buf);
		}
}

/* Sort both, then report every line that is only on one side. Returns
 * the number of such lines. */
static size_t diff_lines(lines_t *ours, lines_t *dig, const char *name)
{
	qsort(ours->v, ours->n, sizeof(ours->v[0]), cmp_str);
	qsort(dig->v, dig->n, sizeof(dig->v[0]), cmp_str);
	size_t i = 0, j = 0, bad = 0;
	while (i < ours->n || j < dig->n) {
		int c = i == ours->n  ? 1
			: j == dig->n ? -1
				      : strcmp(ours->v[i], dig->v[j]);
		if (c == 0) {
			i++, j++;
			continue;
		}
		bad++;
		if (c < 0)
			print_message("%s: ours only: %s\n", name,
				      ours->v[i++]);
		else
			print_message("%s: dig only:  %s\n", name, dig->v[j++]);
	}
	return bad;
}

/* ---- round trip --------------------------------------------------------- */

static void assert_same_rr(const dns_rr_t *a, const dns_rr_t *b)
{
	assert_int_equal(a->owner.len, b->owner.len);
	assert_memory_equal(a->owner.wire, b->owner.wire, a->owner.len);
	assert_int_equal(a->type, b->type);
	assert_int_equal(a->rclass, b->rclass);
	assert_int_equal(a->ttl, b->ttl);
	assert_int_equal(a->rdlen, b->rdlen);
	if (a->rdlen)
		assert_memory_equal(a->rdata, b->rdata, a->rdlen);
}

static void assert_same_msg(const dns_msg_t *a, const dns_msg_t *b)
{
	assert_int_equal(a->id, b->id);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->nqd, b->nqd);
	for (unsigned i = 0; i < a->nqd; i++) {
		assert_true(dns_name_equal(&a->qd[i].name, &b->qd[i].name));
		assert_int_equal(a->qd[i].qtype, b->qd[i].qtype);
		assert_int_equal(a->qd[i].qclass, b->qd[i].qclass);
	}
	for (int s = DNS_SEC_ANSWER; s <= DNS_SEC_ADDITIONAL; s++) {
		assert_int_equal(a->nsec[s], b->nsec[s]);
		for (unsigned i = 0; i < a->nsec[s]; i++)
			assert_same_rr(&a->sec[s][i], &b->sec[s][i]);
	}
}

static void round_trip(const dns_msg_t *m)
{
	static uint8_t buf[MSG_MAX];
	size_t n = 0;
	assert_int_equal(dns_msg_encode(m, NULL, buf, sizeof(buf), &n), DNS_OK);
	dns_arena_t arena;
	dns_arena_init(&arena, 0);
	dns_msg_t again;
	dns_rc_t rc = dns_msg_decode(&again, buf, n, DNS_DECODE_STRICT, &arena);
	if (rc != DNS_OK)
		fail_msg("re-encoded message: %s at offset %zu",
			 dns_rc_name(rc), again.viol[0].offset);
	assert_same_msg(m, &again);
	dns_arena_free(&arena);
}

/* ---- the test of one capture ---------------------------------------- */

static void test_capture(void **state)
{
	const capture_t *c = *state;
	static uint8_t wire[MSG_MAX + 1];
	static char text[LINE_MAX_TEXT];
	char path[1100];

	snprintf(path, sizeof(path), "%s.bin", c->path);
	size_t len = read_file(path, wire, sizeof(wire));

	dns_arena_t arena;
	dns_arena_init(&arena, 0);
	dns_msg_t m;
	dns_rc_t rc = dns_msg_decode(&m, wire, len, DNS_DECODE_STRICT, &arena);
	if (rc != DNS_OK || m.nviol != 0)
		fail_msg("%s: strict decode: %s at offset %zu", c->name,
			 dns_rc_name(rc), m.nviol ? m.viol[0].offset : 0);
	assert_int_equal(m.wire_len, len);

	lines_t ours = {0}, dig = {0};
	print_msg(&m, &ours, text, sizeof(text));
	snprintf(path, sizeof(path), "%s.dig", c->path);
	read_dig(path, &dig);
	size_t bad = diff_lines(&ours, &dig, c->name);
	lines_free(&ours);
	lines_free(&dig);

	round_trip(&m);
	dns_arena_free(&arena);
	if (bad)
		fail_msg("%s: %zu line(s) differ from dig", c->name, bad);
}

/* ---- collecting the files ------------------------------------------- */

static capture_t captures[MAX_FILES];
static size_t ncaptures;

static int cmp_capture(const void *a, const void *b)
{
	return strcmp(((const capture_t *)a)->name,
		      ((const capture_t *)b)->name);
}

static void collect_server(const char *server)
{
	char dir[900];
	snprintf(dir, sizeof(dir), "%s/%s/%s", src_root(), CAPTURE_DIR, server);
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	while ((e = readdir(d)) != NULL && ncaptures < MAX_FILES) {
		size_t n = strlen(e->d_name);
		if (n < 5 || n > 100 || strcmp(e->d_name + n - 4, ".bin") != 0)
			continue;
		capture_t *c = &captures[ncaptures++];
		snprintf(c->path, sizeof(c->path), "%s/%.*s", dir, (int)(n - 4),
			 e->d_name);
		snprintf(c->name, sizeof(c->name), "%s/%.*s", server,
			 (int)(n - 4), e->d_name);
	}
	closedir(d);
}

/* The captures must be there: 3 servers, one file per type at least. */
static void test_captures_present(void **state)
{
	(void)state;
	if (ncaptures < 3 * 60)
		fail_msg("only %zu captures under %s/%s (set DNSHARNESS_SRC to "
			 "the source tree)",
			 ncaptures, src_root(), CAPTURE_DIR);
}

/* The normaliser itself: blanks collapse, BIND's 56-wide chunks join,
 * other tokens stay apart. */
static void test_normalise(void **state)
{
	(void)state;
	static const struct {
		const char *in, *want;
	} cases[] = {
	    {"a.\t\t3600\tIN  A\t192.0.2.1\n", "a. 3600 IN A 192.0.2.1"},
	    {"x. 1 IN DS 1 13 2 "
	     "A979267DD8AF1A6A53E9394AD1317A91B4F122623080959BD524ABB6 "
	     "59852768",
	     "x. 1 IN DS 1 13 2 "
	     "A979267DD8AF1A6A53E9394AD1317A91B4F122623080959BD524ABB6"
	     "59852768"},
	    {"x. 1 IN TXT \"ab\" \"cd\"", "x. 1 IN TXT \"ab\" \"cd\""},
	    {"x. 1 IN MX 10 mail.", "x. 1 IN MX 10 mail."},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = normalise(cases[i].in);
		assert_string_equal(got, cases[i].want);
		free(got);
	}
}

int main(void)
{
	for (size_t i = 0; i < sizeof(servers) / sizeof(servers[0]); i++)
		collect_server(servers[i]);
	qsort(captures, ncaptures, sizeof(captures[0]), cmp_capture);

	static struct CMUnitTest tests[MAX_FILES + 2];
	size_t n = 0;
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_captures_present);
	tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_normalise);
	for (size_t i = 0; i < ncaptures; i++) {
		tests[n] = (struct CMUnitTest)cmocka_unit_test_prestate(
		    test_capture, &captures[i]);
		tests[n].name = captures[i].name;
		n++;
	}
	return _cmocka_run_group_tests("capture", tests, n, NULL, NULL);
}
