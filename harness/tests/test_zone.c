/* test_zone.c - master-file reader. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dns/arena.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/zone.h"

/* ---- a temporary directory of zone files -------------------------------- */

static char tmp[256]; /* T; zone files live in T/z */
static char made[64][PATH_MAX];
static size_t nmade;

static const char *at(const char *rel)
{
	static char buf[4][PATH_MAX];
	static unsigned k;
	char *p = buf[k++ % 4];
	snprintf(p, PATH_MAX, "%s/%s", tmp, rel);
	return p;
}

static void remember(const char *path)
{
	assert_true(nmade < 64);
	snprintf(made[nmade++], PATH_MAX, "%s", path);
}

static void mkdir_in(const char *rel)
{
	assert_int_equal(mkdir(at(rel), 0700), 0);
	remember(at(rel));
}

/* (Re)write a file without remembering it. */
static void write_raw(const char *rel, const char *text)
{
	FILE *f = fopen(at(rel), "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static void write_file(const char *rel, const char *text)
{
	write_raw(rel, text);
	remember(at(rel));
}

static void link_in(const char *rel, const char *target)
{
	assert_int_equal(symlink(target, at(rel)), 0);
	remember(at(rel));
}

static const char main_zone[] =
    "; a zone exercising the reader\n"
    "$ORIGIN example.\n"
    "$TTL 1h\n"
    "@\tIN\tSOA\tns1 hostmaster (\n"
    "\t\t\t2024010101 ; serial\n"
    "\t\t\t7200 3600 604800 300 )\n"
    "\tNS\tns1\n"
    "\tNS\tns2.example.net.\n"
    "ns1\tIN 300 A 192.0.2.1\n"
    "ns2\t300 IN A 192.0.2.2\n"
    "www\t1w2d3h4m5s A 192.0.2.3\n"
    "\tA 192.0.2.4\n"
    "txt\tTXT \"hello world\" \"semi;colon\" plain ; comment\n"
    "$TTL 60\n"
    "mail\tMX 10 www\n"
    "restore\tA 192.0.2.20\n"
    "$INCLUDE sub/inc.zone sub\n"
    "\tA 192.0.2.21\n"
    "$INCLUDE \"sub/inc2.zone\"\n"
    "$ORIGIN other.example.\n"
    "x\tA 192.0.2.11\n";

static const char inc_zone[] = "a\tA 192.0.2.5\n"
			       "@\t30 A 192.0.2.6\n"
			       "$ORIGIN deeper.sub.example.\n"
			       "b\tA 192.0.2.7\n"
			       "$INCLUDE inc2.zone\n";

static const char inc2_zone[] = "c\t42 A 192.0.2.8\n";

/* A chain of n includes, chain1.zone ... chain<n>.zone; the last holds a
 * record. */
static void write_chain(const char *prefix, unsigned n)
{
	for (unsigned i = 1; i <= n; i++) {
		char name[64], text[128];
		snprintf(name, sizeof(name), "z/%s%u.zone", prefix, i);
		if (i < n)
			snprintf(text, sizeof(text), "$INCLUDE %s%u.zone\n",
				 prefix, i + 1);
		else
			snprintf(text, sizeof(text), "deep 1 A 192.0.2.99\n");
		write_file(name, text);
	}
}

static int group_setup(void **state)
{
	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/test_zone.XXXXXX");
	if (mkdtemp(tmp) == NULL)
		return -1;
	mkdir_in("z");
	mkdir_in("z/sub");
	write_file("z/main.zone", main_zone);
	write_file("z/sub/inc.zone", inc_zone);
	write_file("z/sub/inc2.zone", inc2_zone);
	write_file("z/sub/bad.zone", "ok 1 A 192.0.2.1\nx IN FOO 1\n");
	write_file("outside.zone", "$ORIGIN example.\nleak 1 A 192.0.2.66\n");
	link_in("z/escape.zone", "../outside.zone");
	link_in("z/sub/inner-link.zone", "inc2.zone");
	write_file("z/self.zone", "$TTL 1\n$INCLUDE self.zone\n");
	write_file("z/top.zone", ""); /* rewritten by test_include_rules */
	write_chain("c", 8);	      /* c1 .. c8: depth 8 is allowed */
	write_chain("d", 9);	      /* d1 .. d9: depth 9 is not */
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	while (nmade > 0) {
		const char *p = made[--nmade];
		if (unlink(p) != 0)
			rmdir(p);
	}
	rmdir(tmp);
	return 0;
}

/* ---- helpers ------------------------------------------------------------ */

static dns_name_t name(const char *s)
{
	dns_name_t n;
	assert_int_equal(dns_name_from_str(s, NULL, &n), DNS_OK);
	return n;
}

static void expect_rr(const dns_rr_t *rr, const char *owner, uint16_t type,
		      uint16_t cls, uint32_t ttl)
{
	dns_name_t o = name(owner);
	char got[DNS_NAME_TEXT_MAX];
	dns_name_to_text(&rr->owner, got, sizeof(got));
	if (o.len != rr->owner.len ||
	    memcmp(o.wire, rr->owner.wire, o.len) != 0)
		fail_msg("owner %s, expected %s", got, owner);
	assert_int_equal(rr->type, type);
	assert_int_equal(rr->rclass, cls);
	assert_int_equal(rr->ttl, ttl);
}

static void expect_a(const dns_rr_t *rr, const char *owner, uint32_t ttl,
		     uint8_t last)
{
	expect_rr(rr, owner, DNS_T_A, DNS_C_IN, ttl);
	const uint8_t want[4] = {192, 0, 2, last};
	assert_int_equal(rr->rdlen, 4);
	assert_memory_equal(rr->rdata, want, 4);
}

static void expect_rdata_name(const dns_rr_t *rr, size_t skip,
			      const char *target)
{
	dns_name_t t = name(target);
	assert_int_equal(rr->rdlen, skip + t.len);
	assert_memory_equal(rr->rdata + skip, t.wire, t.len);
}

/* ---- the full zone ------------------------------------------------------ */

static void test_main_zone(void **state)
{
	(void)state;
	dns_zone_t z;
	dns_zone_init(&z);
	dns_rc_t rc = dns_zone_load_file(&z, at("z/main.zone"), NULL);
	char msg[512];
	dns_zone_error_text(&z, msg, sizeof(msg));
	if (rc != DNS_OK)
		fail_msg("%s", msg);
	assert_int_equal(z.n, 17);
	const dns_rr_t *r = z.rrs;

	expect_rr(&r[0], "example.", DNS_T_SOA, DNS_C_IN, 3600);
	dns_name_t mname = name("ns1.example."),
		   rname = name("hostmaster.example.");
	assert_int_equal(r[0].rdlen, mname.len + rname.len + 20);
	assert_memory_equal(r[0].rdata, mname.wire, mname.len);
	const uint8_t *times = r[0].rdata + mname.len + rname.len;
	assert_int_equal(dns_get_u32(times), 2024010101u);
	assert_int_equal(dns_get_u32(times + 16), 300);

	expect_rr(&r[1], "example.", DNS_T_NS, DNS_C_IN, 3600);
	expect_rdata_name(&r[1], 0, "ns1.example.");
	expect_rr(&r[2], "example.", DNS_T_NS, DNS_C_IN, 3600);
	expect_rdata_name(&r[2], 0, "ns2.example.net.");
	expect_a(&r[3], "ns1.example.", 300, 1);    /* class, then TTL */
	expect_a(&r[4], "ns2.example.", 300, 2);    /* TTL, then class */
	expect_a(&r[5], "www.example.", 788645, 3); /* 1w2d3h4m5s */
	/* omitted owner; omitted TTL: $TTL, not the previous record's */
	expect_a(&r[6], "www.example.", 3600, 4);

	expect_rr(&r[7], "txt.example.", DNS_T_TXT, DNS_C_IN, 3600);
	static const char txt[] = "\x0bhello world\x0asemi;colon\x05plain";
	assert_int_equal(r[7].rdlen, sizeof(txt) - 1);
	assert_memory_equal(r[7].rdata, txt, sizeof(txt) - 1);

	expect_rr(&r[8], "mail.example.", DNS_T_MX, DNS_C_IN, 60);
	expect_rdata_name(&r[8], 2, "www.example.");
	expect_a(&r[9], "restore.example.", 60, 20);
	/* sub/inc.zone with origin sub.example. */
	expect_a(&r[10], "a.sub.example.", 60, 5);
	expect_a(&r[11], "sub.example.", 30, 6);
	expect_a(&r[12], "b.deeper.sub.example.", 60, 7);
	/* sub/inc2.zone, nested, inherits the origin deeper.sub.example. */
	expect_a(&r[13], "c.deeper.sub.example.", 42, 8);
	/* back in main.zone: owner and origin restored; $TTL carried */
	expect_a(&r[14], "restore.example.", 60, 21);
	/* sub/inc2.zone again, quoted name, current origin example. */
	expect_a(&r[15], "c.example.", 42, 8);
	expect_a(&r[16], "x.other.example.", 60, 11);
	assert_int_equal(z.err.code, DNS_OK);
	assert_null(z.err_file);
	dns_zone_free(&z);
	assert_int_equal(z.n, 0);
}

/* Omitted TTL without $TTL: the previous record's, until a $TTL. */
static void test_ttl_defaults(void **state)
{
	(void)state;
	static const char text[] = "$ORIGIN example.\n"
				   "a 100 IN A 192.0.2.1\n"
				   "b A 192.0.2.2\n"
				   "c 200 A 192.0.2.3\n"
				   "d A 192.0.2.4\n"
				   "$TTL 7\n"
				   "e A 192.0.2.5\n"
				   "f 9 A 192.0.2.6\n"
				   "g A 192.0.2.7\n";
	static const uint32_t want[] = {100, 100, 200, 200, 7, 9, 7};
	dns_zone_t z;
	dns_zone_init(&z);
	assert_int_equal(
	    dns_zone_load_string(&z, text, sizeof(text) - 1, "ttl.zone", NULL),
	    DNS_OK);
	assert_int_equal(z.n, 7);
	for (size_t i = 0; i < 7; i++)
		assert_int_equal(z.rrs[i].ttl, want[i]);
	dns_zone_free(&z);
}

/* Omitted class: the previous record's; the first record's default is
 * the option's (IN when 0). */
static void test_class_defaults(void **state)
{
	(void)state;
	static const char text[] = "a TXT \"1\"\n"
				   "b CH TXT \"2\"\n"
				   "c TXT \"3\"\n"
				   "d CLASS1 5 TXT \"4\"\n";
	dns_name_t origin = name("example.");
	dns_zone_opts_t opts = {.origin = &origin};
	opts.rclass = DNS_C_HS;
	dns_zone_t z;
	dns_zone_init(&z);
	assert_int_equal(
	    dns_zone_load_string(&z, text, sizeof(text) - 1, "c", &opts),
	    DNS_E_TTL);
	dns_zone_free(&z);

	static const char text2[] = "$TTL 5\na TXT \"1\"\nb CH TXT \"2\"\n"
				    "c TXT \"3\"\nd CLASS1 5 TXT \"4\"\n";
	dns_zone_init(&z);
	assert_int_equal(
	    dns_zone_load_string(&z, text2, sizeof(text2) - 1, "c", &opts),
	    DNS_OK);
	assert_int_equal(z.n, 4);
	expect_rr(&z.rrs[0], "a.example.", DNS_T_TXT, DNS_C_HS, 5);
	expect_rr(&z.rrs[1], "b.example.", DNS_T_TXT, DNS_C_CH, 5);
	expect_rr(&z.rrs[2], "c.example.", DNS_T_TXT, DNS_C_CH, 5);
	expect_rr(&z.rrs[3], "d.example.", DNS_T_TXT, DNS_C_IN, 5);
	dns_zone_free(&z);
}

static void test_ttl_text(void **state)
{
	(void)state;
	static const struct {
		const char *s;
		dns_rc_t rc;
		uint32_t want;
	} cases[] = {
	    {"0", DNS_OK, 0},
	    {"1", DNS_OK, 1},
	    {"2147483647", DNS_OK, 2147483647u},
	    {"1w2d3h4m5s", DNS_OK, 788645},
	    {"1W2D3H4M5S", DNS_OK, 788645},
	    {"90m", DNS_OK, 5400},
	    {"1d1d", DNS_OK, 172800},
	    {"3s1w", DNS_OK, 604803},
	    {"2147483648", DNS_E_NUMBER, 0},
	    {"3551w", DNS_E_NUMBER, 0}, /* 2147644800 > 2^31-1 */
	    {"99999999999", DNS_E_NUMBER, 0},
	    {"1h30", DNS_E_NUMBER, 0},
	    {"h", DNS_E_NUMBER, 0},
	    {"", DNS_E_NUMBER, 0},
	    {"1x", DNS_E_NUMBER, 0},
	    {"-1", DNS_E_NUMBER, 0},
	    {"1 h", DNS_E_NUMBER, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t v = 12345;
		dns_rc_t rc =
		    dns_ttl_from_text(cases[i].s, strlen(cases[i].s), &v);
		if (rc != cases[i].rc)
			fail_msg("'%s': %s", cases[i].s, dns_rc_name(rc));
		if (rc == DNS_OK)
			assert_int_equal(v, cases[i].want);
	}
}

/* ---- malformed input ---------------------------------------------------- */

static const struct bad_case {
	const char *text;
	dns_rc_t code;
	unsigned line, col;
} bad_cases[] = {
    {"$FOO bar\n", DNS_E_DIRECTIVE, 1, 1},
    {"$GENERATE 1-3 h$ A 192.0.2.$\n", DNS_E_DIRECTIVE, 1, 1},
    {"$ORIGIN\n", DNS_E_DIRECTIVE, 1, 1},
    {"$ORIGIN a. b.\n", DNS_E_DIRECTIVE, 1, 12},
    {"$TTL 1h30\n", DNS_E_NUMBER, 1, 6},
    {"$TTL 60\nwww A 192.0.2.1\n", DNS_E_RELATIVE, 2, 3},
    {"$INCLUDE x.zone\n", DNS_E_INCLUDE, 1, 10},
    {"$ORIGIN example.\nwww IN A 192.0.2.1\n", DNS_E_TTL, 2, 1},
    {"$ORIGIN example.\n$TTL 1\n  A 192.0.2.1\n", DNS_E_MISSING, 3, 3},
    {"$ORIGIN example.\n$TTL 1\nwww IN FOO 1\n", DNS_E_UNKNOWN_TYPE, 3, 8},
    {"$ORIGIN example.\n$TTL 1\nwww IN \"A\" 192.0.2.1\n", DNS_E_UNKNOWN_TYPE,
     3, 8},
    {"$ORIGIN example.\nwww 1x A 192.0.2.1\n", DNS_E_NUMBER, 2, 5},
    {"$ORIGIN example.\nwww 4294967296 A 192.0.2.1\n", DNS_E_NUMBER, 2, 5},
    {"$ORIGIN example.\nwww 1 2 A 192.0.2.1\n", DNS_E_UNKNOWN_TYPE, 2, 7},
    {"$ORIGIN example.\nwww 1 IN\n", DNS_E_MISSING, 2, 7},
    {"$ORIGIN example.\n$TTL 1\nwww IN ANY 1\n", DNS_E_SYNTAX, 3, 8},
    {"$ORIGIN example.\n$TTL 1\nwww A ( 192.0.2.1\n", DNS_E_SYNTAX, 3, 7},
    {"$ORIGIN example.\n$TTL 1\nwww A 192.0.2.1 )\n", DNS_E_SYNTAX, 3, 17},
    {"$ORIGIN example.\n$TTL 1\nwww TXT \"open\n", DNS_E_SYNTAX, 3, 9},
    {"$ORIGIN example.\n$TTL 1\nw..x A 192.0.2.1\n", DNS_E_EMPTY_NAME, 3, 3},
    {"$ORIGIN example.\n$TTL 1\n"
     "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
     " A 192.0.2.1\n",
     DNS_E_LABEL_LEN, 3, 64},
    {"$ORIGIN example.\n$TTL 1\nok A 192.0.2.1\n"
     "www A 192.0.2.256\n",
     DNS_E_SYNTAX, 4, 7}, /* as dns_rdata_from_text reports it */
    {"$ORIGIN example.\n$TTL 1\nwww A\n", DNS_E_MISSING, 3, 5},
    {"$ORIGIN example.\n$TTL 1\nwww A 192.0.2.1 192.0.2.2\n", DNS_E_EXTRA, 3,
     17},
    {"$ORIGIN example.\n$TTL 1\nwww NS ns..x\n", DNS_E_EMPTY_NAME, 3, 11},
};

static void test_malformed(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *c = &bad_cases[i];
		dns_zone_t z;
		dns_zone_init(&z);
		dns_rc_t rc = dns_zone_load_string(&z, c->text, strlen(c->text),
						   "bad.zone", NULL);
		char msg[512];
		dns_zone_error_text(&z, msg, sizeof(msg));
		if (rc != c->code || z.err.code != c->code ||
		    z.err.line != c->line || z.err.col != c->col)
			fail_msg("case %zu: want %s at %u:%u, got %s (%s)", i,
				 dns_rc_name(c->code), c->line, c->col,
				 dns_rc_name(rc), msg);
		assert_string_equal(z.err_file, "bad.zone");
		dns_zone_free(&z);
	}
}

static void test_nul_byte(void **state)
{
	(void)state;
	static const char text[] = "$TTL 1\na.example. A 192.0.2.1\0\n";
	dns_zone_t z;
	dns_zone_init(&z);
	assert_int_equal(
	    dns_zone_load_string(&z, text, sizeof(text) - 1, "nul.zone", NULL),
	    DNS_E_SYNTAX);
	assert_int_equal(z.err.line, 2);
	dns_zone_free(&z);
}

static void test_error_text(void **state)
{
	(void)state;
	static const char text[] = "$ORIGIN example.\n$TTL 1\nwww IN FOO 1\n";
	dns_zone_t z;
	dns_zone_init(&z);
	assert_int_equal(
	    dns_zone_load_string(&z, text, sizeof(text) - 1, "bad.zone", NULL),
	    DNS_E_UNKNOWN_TYPE);
	char msg[128];
	size_t n = dns_zone_error_text(&z, msg, sizeof(msg));
	assert_string_equal(msg,
			    "bad.zone:3:8: error: unknown record type: 'FOO'");
	assert_int_equal(n, strlen(msg));
	/* snprintf-style: the full length even when cut short */
	char small[10];
	assert_int_equal(dns_zone_error_text(&z, small, sizeof(small)), n);
	assert_string_equal(small, "bad.zone:");
	dns_zone_free(&z);
}

static void test_record_limit(void **state)
{
	(void)state;
	static const char text[] = "$ORIGIN example.\n$TTL 1\n"
				   "a A 192.0.2.1\nb A 192.0.2.2\n"
				   "c A 192.0.2.3\n";
	dns_zone_opts_t opts = {0};
	opts.max_records = 2;
	dns_zone_t z;
	dns_zone_init(&z);
	assert_int_equal(
	    dns_zone_load_string(&z, text, sizeof(text) - 1, "big.zone", &opts),
	    DNS_E_LIMIT);
	assert_int_equal(z.err.line, 5);
	assert_int_equal(z.err.col, 1);
	/* the records read before the error stay */
	assert_int_equal(z.n, 2);
	dns_zone_free(&z);
	opts.max_records = 3;
	dns_zone_init(&z);
	assert_int_equal(
	    dns_zone_load_string(&z, text, sizeof(text) - 1, "big.zone", &opts),
	    DNS_OK);
	assert_int_equal(z.n, 3);
	dns_zone_free(&z);
}

/* ---- $INCLUDE confinement ----------------------------------------------- */

typedef struct include_case {
	const char *text; /* with %s for T where needed */
	dns_rc_t code;
	unsigned line, col;
	const char *err_file; /* relative to T, NULL: the top file */
} include_case_t;

static const include_case_t include_cases[] = {
    /* a symbolic link leading out of the directory */
    {"$INCLUDE escape.zone\n", DNS_E_INCLUDE, 1, 10, NULL},
    /* ".." anywhere, even when it would resolve inside */
    {"$INCLUDE ../outside.zone\n", DNS_E_INCLUDE, 1, 10, NULL},
    {"$INCLUDE sub/../sub/inc2.zone\n", DNS_E_INCLUDE, 1, 10, NULL},
    /* absolute, outside */
    {"$INCLUDE %s/outside.zone\n", DNS_E_INCLUDE, 1, 10, NULL},
    /* absent file, a directory */
    {"$ORIGIN example.\n$INCLUDE nope.zone\n", DNS_E_INCLUDE, 2, 10, NULL},
    {"$INCLUDE sub\n", DNS_E_INCLUDE, 1, 10, NULL},
    {"$INCLUDE\n", DNS_E_DIRECTIVE, 1, 1, NULL},
    {"$INCLUDE a b c\n", DNS_E_DIRECTIVE, 1, 14, NULL},
    /* an include of itself stops at the depth limit, in the 8th copy */
    {"$INCLUDE self.zone\n", DNS_E_INCLUDE, 2, 10, "z/self.zone"},
    {"$INCLUDE d1.zone\n", DNS_E_INCLUDE, 1, 10, "z/d8.zone"},
    /* an error inside an included file is reported there */
    {"$ORIGIN example.\n$INCLUDE sub/bad.zone\n", DNS_E_UNKNOWN_TYPE, 2, 6,
     "z/sub/bad.zone"},
    /* allowed: absolute inside, a link inside, 8 deep */
    {"$ORIGIN example.\n$INCLUDE %s/z/sub/inc2.zone\n", DNS_OK, 0, 0, NULL},
    {"$ORIGIN example.\n$INCLUDE sub/inner-link.zone\n", DNS_OK, 0, 0, NULL},
    {"$ORIGIN example.\n$INCLUDE c1.zone\n", DNS_OK, 0, 0, NULL},
};

static void test_include_rules(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(include_cases) / sizeof(include_cases[0]);
	     i++) {
		const include_case_t *c = &include_cases[i];
		char text[PATH_MAX + 128];
		snprintf(text, sizeof(text), c->text, tmp);
		write_raw("z/top.zone", text);
		dns_zone_t z;
		dns_zone_init(&z);
		dns_rc_t rc = dns_zone_load_file(&z, at("z/top.zone"), NULL);
		char msg[PATH_MAX + 256];
		dns_zone_error_text(&z, msg, sizeof(msg));
		if (rc != c->code || z.err.line != c->line ||
		    z.err.col != c->col)
			fail_msg("case %zu: want %s at %u:%u, got %s", i,
				 dns_rc_name(c->code), c->line, c->col, msg);
		if (rc != DNS_OK)
			assert_string_equal(
			    z.err_file,
			    at(c->err_file ? c->err_file : "z/top.zone"));
		else
			assert_int_equal(z.n, 1);
		dns_zone_free(&z);
	}
}

static void test_include_from_string(void **state)
{
	(void)state;
	static const char text[] = "$ORIGIN example.\n$INCLUDE sub/inc2.zone\n"
				   "$INCLUDE sub/bad.zone\n";
	dns_zone_opts_t opts = {0};
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", at("z"));
	opts.include_dir = dir;
	dns_zone_t z;
	dns_zone_init(&z);
	assert_int_equal(dns_zone_load_string(&z, text, sizeof(text) - 1,
					      "scenario.yaml", &opts),
			 DNS_E_UNKNOWN_TYPE);
	expect_a(&z.rrs[0], "c.example.", 42, 8);
	assert_int_equal(z.n, 2);
	/* messages name the included file below the directory given */
	assert_string_equal(z.err_file, at("z/sub/bad.zone"));
	assert_int_equal(z.err.line, 2);
	dns_zone_free(&z);
}

static void test_missing_file(void **state)
{
	(void)state;
	dns_zone_t z;
	dns_zone_init(&z);
	assert_int_equal(dns_zone_load_file(&z, at("z/none.zone"), NULL),
			 DNS_E_IO);
	char msg[PATH_MAX + 128], want[PATH_MAX + 128];
	dns_zone_error_text(&z, msg, sizeof(msg));
	snprintf(want, sizeof(want),
		 "%s: error: file could not be read: No such file or "
		 "directory",
		 at("z/none.zone"));
	assert_string_equal(msg, want);
	dns_zone_free(&z);
}

/* Allocation failure at every allocation: DNS_E_NOMEM each time, no leak
 * (ASan), then success. */
static void test_nomem(void **state)
{
	(void)state;
	long k = 0;
	for (;; k++) {
		dns_zone_t z;
		dns_zone_init(&z);
		dns_mem_fail_after(k);
		dns_rc_t rc = dns_zone_load_file(&z, at("z/main.zone"), NULL);
		dns_mem_fail_after(-1);
		size_t n = z.n;
		dns_rc_t code = z.err.code;
		dns_zone_free(&z);
		if (rc == DNS_OK) {
			assert_int_equal(n, 17);
			break;
		}
		if (rc != DNS_E_NOMEM || code != DNS_E_NOMEM)
			fail_msg("fail_after(%ld): %s", k, dns_rc_name(rc));
		assert_true(k < 1000);
	}
	assert_true(k >= 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_main_zone),
	    cmocka_unit_test(test_ttl_defaults),
	    cmocka_unit_test(test_class_defaults),
	    cmocka_unit_test(test_ttl_text),
	    cmocka_unit_test(test_malformed),
	    cmocka_unit_test(test_nul_byte),
	    cmocka_unit_test(test_error_text),
	    cmocka_unit_test(test_record_limit),
	    cmocka_unit_test(test_include_rules),
	    cmocka_unit_test(test_include_from_string),
	    cmocka_unit_test(test_missing_file),
	    cmocka_unit_test(test_nomem),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
