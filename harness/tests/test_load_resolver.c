/* test_load_resolver.c - role: resolver suites in the loader: servers:,
 * target: and steps: into the model (steps and the cases they report as,
 * names, the resolver defaults, upstream: compiled, the target's server),
 * and a table of malformed files with the location and words of each
 * error. */
#define _XOPEN_SOURCE 700 /* nftw */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dns/msg.h"
#include "dns/wire.h"
#include "scenario/query.h"
#include "scenario/scenario.h"
#include "serve/config.h"

static char tmpdir[64];

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(p);
}

static int setup(void **state)
{
	(void)state;
	strcpy(tmpdir, "/tmp/test_load_resolver.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static const char *put(const char *rel, const char *text)
{
	static char path[512];
	snprintf(path, sizeof(path), "%s/%s", tmpdir, rel);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_true(fputs(text, f) >= 0);
	assert_int_equal(fclose(f), 0);
	return path;
}

/* Two servers: root (the root zone) and other (example.). */
#define HEAD                                                                   \
	"suite: r\n"                                                           \
	"role: resolver\n"                                                     \
	"servers:\n"                                                           \
	"  - name: other\n"                                                    \
	"    addresses: [127.0.0.3]\n"                                         \
	"    zones: [\"example. 60 IN SOA a. b. 1 2 3 4 5\\nexample. 60 IN "   \
	"NS a.\\n\"]\n"                                                        \
	"  - name: root\n"                                                     \
	"    addresses: [127.0.0.2]\n"                                         \
	"    zones: [\". 60 IN SOA a. b. 1 2 3 4 5\\n. 60 IN NS a.\\na. 60 "   \
	"IN "                                                                  \
	"A 127.0.0.2\\n\"]\n"
/* HEAD is 9 lines; what follows starts on line 10. */

static const char good[] =
    HEAD "vars: {zone: example.}\n"
	 "target: {recipe: unbound, vars: {upstream_zone: .}}\n"
	 "defaults: {rfc: RFC 1034, tags: [res], query: {type: AAAA}}\n"
	 "steps:\n"
	 "  - name: first\n"
	 "    query: {name: \"www.${zone}\"}\n"
	 "    expect: {rcode: NOERROR}\n"
	 "    upstream: {server: root}\n"
	 "  - upstream: [{server: any, never: true}]\n"
	 "  - time_passes: 1h\n"
	 "  - query: {name: x., flags: {rd: false}}\n"
	 "    timeout: 1s\n"
	 "    settle: 250ms\n";

static void test_resolver_model(void **state)
{
	(void)state;
	sc_suite_t s;
	diag_t d = {0};
	bool ok = sc_load_file(put("good.yaml", good), NULL, &s, &d);
	if (!ok)
		diag_print(&d, stderr);
	assert_true(ok);
	assert_int_equal(s.role, SC_ROLE_RESOLVER);
	assert_non_null(s.servers);
	assert_int_equal(s.servers->n, 2);
	assert_string_equal(s.target.recipe, "unbound");
	assert_int_equal(s.target.nvars, 1);
	assert_string_equal(s.target.vars[0].name, "upstream_zone");
	assert_int_equal(s.target.server, 1); /* root, found by its zone */
	/* steps and the cases they report as */
	assert_int_equal(s.nsteps, 4);
	assert_int_equal(s.ncases, 3);
	assert_int_equal(s.steps[0].kind, SC_STEP_QUERY);
	assert_int_equal(s.steps[1].kind, SC_STEP_UPSTREAM);
	assert_int_equal(s.steps[2].kind, SC_STEP_TIME);
	assert_int_equal(s.steps[2].ms, 3600000);
	assert_int_equal(s.steps[3].kind, SC_STEP_QUERY);
	assert_int_equal(s.steps[3].case_index, 2);
	assert_string_equal(s.cases[0].name, "first");
	assert_string_equal(s.cases[1].name, "step-2");
	assert_string_equal(s.cases[2].name, "step-4");
	/* a query step: compiled, the resolver defaults under the file's */
	const sc_case_t *c = &s.cases[0];
	assert_non_null(c->query);
	assert_non_null(c->expect);
	assert_non_null(c->upstream);
	assert_int_equal(c->timeout_ms, 5000);
	assert_int_equal(c->retries, 0);
	assert_string_equal(c->rfc, "RFC 1034");
	assert_int_equal(dns_get_u16(c->query->wire + 2) & DNS_F_RD, DNS_F_RD);
	assert_int_equal(c->query->qtype, 28);
	/* an upstream step: no query, defaults' rfc and tags only */
	c = &s.cases[1];
	assert_null(c->query);
	assert_null(c->expect);
	assert_non_null(c->upstream);
	assert_string_equal(c->rfc, "RFC 1034");
	assert_int_equal(c->ntags, 1);
	/* RD turned off, timeout given */
	c = &s.cases[2];
	assert_int_equal(dns_get_u16(c->query->wire + 2) & DNS_F_RD, 0);
	assert_int_equal(c->timeout_ms, 1000);
	assert_int_equal(c->settle_ms, 250);
	assert_int_equal(s.cases[0].settle_ms, 0);
	assert_null(c->upstream);
	sc_suite_free(&s);
}

static void test_servers_only(void **state)
{
	(void)state;
	sc_suite_t s;
	diag_t d = {0};
	assert_true(sc_load_file(put("only.yaml", HEAD), NULL, &s, &d));
	assert_int_equal(s.ncases, 0);
	assert_int_equal(s.nsteps, 0);
	sc_suite_free(&s);
}

typedef struct bad {
	const char *yaml;
	const char *where; /* "line:col" */
	const char *words;
} bad_t;

static const bad_t bad[] = {
    {"suite: s\nrole: resolver\n", "1:1", "missing steps:"},
    {"suite: s\nrole: resolver\nsteps:\n  - query: {}\n", "3:1",
     "steps: need servers:"},
    {HEAD "cases:\n  - {name: a, query: {}}\n", "10:1",
     "has steps:, not cases:"},
    {HEAD "include: [x.yaml]\nsteps:\n  - query: {}\n", "10:1",
     "include: is not supported"},
    {HEAD "steps: []\n", "10:8", "steps: must not be empty"},
    {HEAD "steps: {a: 1}\n", "10:8", "steps must be a sequence"},
    {HEAD "steps:\n  - {}\n", "11:5",
     "a step needs query:, upstream: or time_passes:"},
    {HEAD "steps:\n  - 3\n", "11:5", "step must be a mapping"},
    {HEAD "steps:\n  - {time_passes: 1s, name: x}\n", "11:5",
     "time_passes: stands alone"},
    {HEAD "steps:\n  - {time_passes: soon}\n", "11:19",
     "time_passes: expected a duration"},
    {HEAD "steps:\n  - {time_passes: 0}\n", "11:19",
     "time_passes: expected a duration"},
    {HEAD "steps:\n  - {time_passes: 400d}\n", "11:19", "at most 366d"},
    {HEAD "steps:\n  - {upstream: {server: root}, expect: {}}\n", "11:32",
     "'expect:' needs a query: in the same step"},
    {HEAD "steps:\n  - {upstream: {server: root}, timeout: 1s}\n", "11:32",
     "'timeout:' needs a query:"},
    {HEAD "steps:\n  - {upstream: {server: nope}}\n", "11:25",
     "no server named 'nope'"},
    {HEAD "steps:\n  - {upstream: {qname: a., count: x}}\n", "11:35", ""},
    {HEAD "steps:\n  - {query: {}, quux: 1}\n", "11:17",
     "unknown key 'quux' in step"},
    {HEAD "steps:\n  - {query: {}, target: x}\n", "11:17",
     "'target:' is a top-level key"},
    {HEAD "steps:\n  - {query: {bogus: 1}}\n", "11:14", "bogus"},
    {HEAD "steps:\n  - {name: a b, query: {}}\n", "11:12",
     "step name 'a b' may only contain"},
    {HEAD "steps:\n  - {name: a, query: {}}\n  - {name: a, query: {}}\n",
     "12:12", "duplicate case name 'a'"},
    {HEAD "steps:\n  - {name: step-2, query: {}}\n  - {query: {}}\n", "12:5",
     "duplicate case name 'step-2'"},
    {HEAD "steps:\n  - {query: {}, upstream: {server: \"${x}\"}}\n", "11:36",
     "unknown variable 'x'"},
    {HEAD "target: {recipe: unbound, dnssec: on}\nsteps:\n  - query: {}\n",
     "10:27", "unknown key 'dnssec' in target"},
    {HEAD "target: {upstream: nope}\nsteps:\n  - query: {}\n", "10:20",
     "upstream: no server named 'nope'"},
    {HEAD "target: a/b\nsteps:\n  - query: {}\n", "10:9",
     "target: recipe 'a/b' may only contain"},
    {HEAD "target: {vars: [a]}\nsteps:\n  - query: {}\n", "10:16",
     "target: vars must be a mapping"},
    {"suite: s\nrole: resolver\nservers:\n"
     "  - {name: x, addresses: [127.0.0.2]}\nsteps:\n  - query: {}\n",
     "6:3", "no server serves the root zone"},
    {"suite: s\nrole: resolver\nservers:\n"
     "  - {name: x, addresses: [10.0.0.1]}\nsteps:\n  - query: {}\n",
     "4:27", "127.0.0.0/8"},
    /* settle: only where a query is sent, and bounded */
    {HEAD "steps:\n  - upstream: {server: root}\n    settle: 1s\n", "12:13",
     "settle: needs a query"},
    {HEAD "steps:\n  - query: {name: x.}\n    settle: 11s\n", "12:13",
     "at most 10000 ms"},
};

static void test_malformed(void **state)
{
	(void)state;
	size_t failures = 0;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char rel[32];
		snprintf(rel, sizeof(rel), "bad%02zu.yaml", i);
		const char *path = put(rel, bad[i].yaml);
		sc_suite_t s;
		diag_t d = {0};
		bool ok = sc_load_file(path, NULL, &s, &d);
		bool found = false;
		for (unsigned k = 0; k < d.n; k++) {
			char where[32];
			snprintf(where, sizeof(where), "%u:%u", d.e[k].line,
				 d.e[k].col);
			if (strcmp(where, bad[i].where) == 0 &&
			    strstr(d.e[k].msg, bad[i].words) != NULL)
				found = true;
		}
		if (ok || !found) {
			fprintf(stderr, "bad file %zu: want %s '%s', got:\n", i,
				bad[i].where, bad[i].words);
			diag_print(&d, stderr);
			failures++;
		}
		sc_suite_free(&s);
	}
	assert_int_equal(failures, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_resolver_model),
	    cmocka_unit_test(test_servers_only),
	    cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
