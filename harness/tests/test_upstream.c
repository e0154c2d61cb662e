/* test_upstream.c - upstream: assertions of resolver steps
 * (expect/upstream.h): their located compile errors, and their verdicts
 * on a synthetic window of the query log. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "dns/arena.h"
#include "dns/wire.h"
#include "expect/upstream.h"
#include "scenario/node.h"
#include "serve/config.h"
#include "serve/serve.h"

#define QMAX 300

static const char servers_yaml[] = "servers:\n"
				   "  - {name: root, addresses: [127.0.0.2]}\n"
				   "  - {name: tld, addresses: [127.0.0.3]}\n";

typedef struct fixture {
	serve_config_t cfg;
	dns_arena_t arena;
} fixture_t;

static int setup(void **state)
{
	static fixture_t f;
	diag_t d = {0};
	dns_arena_init(&f.arena, 0);
	serve_config_init(&f.cfg);
	const node_t *doc = node_parse(servers_yaml, strlen(servers_yaml),
				       "s.yaml", &f.arena, &d);
	if (doc == NULL ||
	    !serve_config_load(&f.cfg, node_get(doc, "servers"), NULL, &d)) {
		diag_print(&d, stderr);
		return -1;
	}
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	fixture_t *f = *state;
	serve_config_free(&f->cfg);
	dns_arena_free(&f->arena);
	return 0;
}

/* Compile the upstream: value of "upstream: YAML". */
static bool compile(fixture_t *f, const char *yaml, sc_upstream_t **out,
		    diag_t *d)
{
	char doc[1024];
	snprintf(doc, sizeof(doc), "upstream: %s\n", yaml);
	memset(d, 0, sizeof(*d));
	const node_t *n = node_parse(doc, strlen(doc), "u.yaml", &f->arena, d);
	assert_non_null(n);
	return sc_upstream_compile(node_get(n, "upstream"), &f->cfg, &f->arena,
				   out, d);
}

/* ---- compile errors ----------------------------------------------------- */

typedef struct bad {
	const char *yaml;
	const char *where; /* "line:col" */
	const char *words;
} bad_t;

static const bad_t bad[] = {
    {"x", "1:11", "not a scalar"},
    {"[]", "1:11", "must not be empty"},
    {"{server: nope}", "1:20", "no server named 'nope'"},
    {"{qname: a., bogus: 1}", "1:23", "unknown key 'bogus'"},
    {"{never: false}", "1:19", "never: takes only true"},
    {"{never: maybe}", "1:19", ""},
    {"{count: 1, never: true}", "1:19", "exclude each other"},
    {"{count: {min: 3, max: 1}}", "1:19", "max may not be below min"},
    {"{count: {least: 1}}", "1:20", "unknown key 'least'"},
    {"{count: -1}", "1:19", ""},
    {"{order: [{qname: a.}]}", "1:19", "at least two"},
    {"{order: [{qname: a.}, {qname: b.}], qname: x.}", "1:11",
     "order: stands alone"},
    {"{order: [{count: 1}, {qname: a.}]}", "1:21",
     "unknown key 'count' in order: entry"},
    {"{order: x}", "1:19", "order must be a sequence"},
    {"{qtype: BOGUS}", "1:19", ""},
    {"{transport: sctp}", "1:23", "expected one of: udp, tcp"},
    {"[{qname: a.}, 3]", "1:25", "must be a mapping"},
    /* the window is the step's own: no step: here */
    {"{step: 2}", "1:12", "unknown key 'step'"},
    {"{cookie: maybe}", "1:20", "absent, client, server"},
    {"{ecs: {family: 3}}", "1:26", "0 to 2"},
};

static void test_compile_errors(void **state)
{
	fixture_t *f = *state;
	size_t failures = 0;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		sc_upstream_t *u = NULL;
		diag_t d;
		bool ok = compile(f, bad[i].yaml, &u, &d);
		char where[32] = "";
		if (d.n > 0)
			snprintf(where, sizeof(where), "%u:%u", d.e[0].line,
				 d.e[0].col);
		if (ok || d.n == 0 || strcmp(where, bad[i].where) != 0 ||
		    strstr(d.e[0].msg, bad[i].words) == NULL) {
			fprintf(stderr, "case %zu (%s): ok=%d at %s: %s\n", i,
				bad[i].yaml, ok, where,
				d.n ? d.e[0].msg : "(none)");
			failures++;
		}
		assert_null(u);
	}
	assert_int_equal(failures, 0);
}

/* ---- verdicts ----------------------------------------------------------- */

/* A query for name/type; with DO (an OPT record), RD as asked. */
static size_t query(uint8_t *buf, const char *name, uint16_t type, bool rd,
		    bool do_bit)
{
	dns_wire_t w = dns_wire_writer(buf, QMAX);
	dns_wire_put_u16(&w, 0x1234);
	dns_wire_put_u16(&w, rd ? 0x0100 : 0);
	dns_wire_put_u16(&w, 1);
	dns_wire_put_u16(&w, 0);
	dns_wire_put_u16(&w, 0);
	dns_wire_put_u16(&w, do_bit ? 1 : 0);
	for (const char *p = name; *p != '\0';) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		if (n == 0)
			break;
		dns_wire_put_u8(&w, (uint8_t)n);
		dns_wire_put_bytes(&w, (const uint8_t *)p, n);
		p += n + (dot != NULL);
	}
	dns_wire_put_u8(&w, 0);
	dns_wire_put_u16(&w, type);
	dns_wire_put_u16(&w, 1);
	if (do_bit) {
		dns_wire_put_u8(&w, 0);
		dns_wire_put_u16(&w, 41);
		dns_wire_put_u16(&w, 1232);
		dns_wire_put_u32(&w, 0x8000);
		dns_wire_put_u16(&w, 0);
	}
	assert_true(dns_wire_ok(&w));
	return w.pos;
}

/* The window: root . NS (DO); root tld. A; tld example.tld. A (RD);
 * tld example.tld. A over TCP. */
static uint8_t qbuf[4][QMAX];
static serve_log_entry_t window[4];

static void make_window(void)
{
	static const struct {
		size_t server;
		const char *name;
		uint16_t type;
		bool rd, do_bit, tcp;
	} w[4] = {{0, ".", 2, false, true, false},
		  {0, "tld.", 1, false, false, false},
		  {1, "example.tld.", 1, true, false, false},
		  {1, "example.tld.", 1, false, false, true}};
	static const char *names[2] = {"root", "tld"};
	for (size_t i = 0; i < 4; i++) {
		memset(&window[i], 0, sizeof(window[i]));
		window[i].server = w[i].server;
		window[i].name = names[w[i].server];
		window[i].tcp = w[i].tcp;
		window[i].msg = qbuf[i];
		window[i].len =
		    query(qbuf[i], w[i].name, w[i].type, w[i].rd, w[i].do_bit);
	}
}

typedef struct judged {
	const char *yaml;
	size_t n; /* entries of the window */
	bool pass;
} judged_t;

static const judged_t judged[] = {
    {"{server: root, qname: tld.}", 4, true},
    {"{server: tld, qname: tld.}", 4, false},
    {"{server: any, qname: TLD.}", 4, true},
    {"{qname: example.tld., count: 2}", 4, true},
    {"{qname: example.tld., count: 1}", 4, false},
    {"{qname: example.tld., transport: tcp, count: 1}", 4, true},
    {"{qname: example.tld., never: true}", 4, false},
    {"{qname: www.example.tld., never: true}", 4, true},
    {"{qname_sub: tld., count: {min: 3, max: 3}}", 4, true},
    {"{qname_sub: tld., count: {max: 2}}", 4, false},
    {"{do: true, count: 1}", 4, true},
    {"{flags: {has: rd}, count: 1}", 4, true},
    {"{qtype: NS, server: tld}", 4, false},
    {"[{server: root}, {server: tld}]", 4, true},
    {"[{server: root}, {server: tld, never: true}]", 4, false},
    {"{order: [{server: root}, {server: tld}]}", 4, true},
    {"{order: [{qname: .}, {qname: tld.}, {qname: example.tld.}]}", 4, true},
    {"{order: [{server: tld}, {server: root}]}", 4, false},
    {"{order: [{transport: tcp}, {qname: example.tld., transport: udp}]}", 4,
     false},
    {"{server: root}", 0, false},
    {"{server: root, never: true}", 0, true},
    {"{qname: tld.}", 1, false},
    /* no query of the window carries COOKIE or ECS */
    {"{cookie: absent, count: 4}", 4, true},
    {"{cookie: client}", 4, false},
    {"{ecs: false, count: 4}", 4, true},
    {"{ecs: true}", 4, false},
    {"{ecs: {family: 1}, never: true}", 4, true},
};

static void test_verdicts(void **state)
{
	fixture_t *f = *state;
	make_window();
	for (size_t i = 0; i < sizeof(judged) / sizeof(judged[0]); i++) {
		sc_upstream_t *u = NULL;
		diag_t d;
		if (!compile(f, judged[i].yaml, &u, &d)) {
			diag_print(&d, stderr);
			fail_msg("case %zu does not compile", i);
		}
		sc_verdict_t v;
		sc_upstream_eval(u, window, judged[i].n, &f->arena, &v);
		if ((v.kind == SC_PASS) != judged[i].pass ||
		    (v.kind == SC_PASS) != (v.nreasons == 0)) {
			fprintf(stderr, "case %zu (%s): %s, %zu reasons\n", i,
				judged[i].yaml, sc_verdict_name(v.kind),
				v.nreasons);
			fail();
		}
	}
}

static void test_reason_text(void **state)
{
	fixture_t *f = *state;
	sc_upstream_t *u = NULL;
	diag_t d;
	make_window();
	assert_true(
	    compile(f, "[{server: tld}, {server: root, count: 5}]", &u, &d));
	sc_verdict_t v;
	sc_upstream_eval(u, window, 4, &f->arena, &v);
	assert_int_equal(v.kind, SC_FAIL);
	assert_int_equal(v.nreasons, 1);
	assert_string_equal(v.reasons[0].check, "upstream[1]");
	assert_string_equal(v.reasons[0].expected,
			    "{server: root} asked 5 times");
	assert_non_null(strstr(v.reasons[0].got, "asked 2 times; the 4 "
						 "queries: root udp . NS do; "
						 "root udp tld. A; tld udp "
						 "example.tld. A [rd]; tld tcp "
						 "example.tld. A"));
	assert_true(
	    compile(f, "{order: [{server: tld}, {server: root}]}", &u, &d));
	sc_upstream_eval(u, window, 4, &f->arena, &v);
	assert_int_equal(v.nreasons, 1);
	assert_non_null(strstr(v.reasons[0].expected,
			       "in this order: {server: tld}, then {server: "
			       "root}"));
	assert_non_null(strstr(v.reasons[0].got,
			       "no {server: root} after the 1 before it"));
}

static void test_window_text(void **state)
{
	fixture_t *f = *state;
	make_window();
	const char *t = sc_upstream_window_text(window, 4, 2, &f->arena);
	assert_non_null(t);
	assert_string_equal(t, "root udp . NS do\nroot udp tld. A\n... 2 more");
	t = sc_upstream_window_text(window, 0, 10, &f->arena);
	assert_string_equal(t, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_compile_errors),
	    cmocka_unit_test(test_verdicts),
	    cmocka_unit_test(test_reason_text),
	    cmocka_unit_test(test_window_text),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
