/* test_load.c - the scenario loader: variables and their precedence, the
 * $${ escape, defaults merged under cases, matrix expansion (names, order,
 * count, limit), lazy loading (the same cases, compiled again on demand),
 * include (order, scoping, confinement, cycles), the PATH
 * collector, and a table of malformed files, each with the location and
 * the words of its expected error.
 *
 * The query builder and the expectation compiler are other modules; weak
 * stand-ins below let these tests run before (and independently of) them:
 * a query with the key "bogus" is rejected by the stand-in, so errors of
 * the compile step are seen to come back located. */
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

#include "expect/expect.h"
#include "scenario/query.h"
#include "scenario/scenario.h"
#include "target/caps.h"

/* ---- stand-ins for query.c and expect.c ---------------------------------- */

static _Atomic unsigned stub_calls; /* (called on two threads) */

/* n as text ("{k: v, ...}", "[...]", scalars as they are) into buf. */
static void node_text(const node_t *n, char *buf, size_t cap)
{
	size_t len = strlen(buf);
	if (n->kind == NODE_SCALAR) {
		snprintf(buf + len, cap - len, "%s", n->str);
		return;
	}
	snprintf(buf + len, cap - len, "%s", n->kind == NODE_MAP ? "{" : "[");
	for (size_t i = 0; i < n->n; i++) {
		len = strlen(buf);
		snprintf(buf + len, cap - len, "%s%s%s", i ? ", " : "",
			 n->keys ? n->keys[i]->str : "", n->keys ? ": " : "");
		node_text(n->vals[i], buf, cap);
	}
	len = strlen(buf);
	snprintf(buf + len, cap - len, "%s", n->kind == NODE_MAP ? "}" : "]");
}

/* The stand-in's "wire" is the query node as text, so that tests can see
 * what the builder was given. */
__attribute__((weak)) bool sc_query_build(const node_t *q, dns_arena_t *arena,
					  sc_query_t *out, diag_t *d)
{
	char text[1024] = "";
	stub_calls++;
	memset(out, 0, sizeof(*out));
	if (!node_expect_kind(q, NODE_MAP, "query", d))
		return false;
	node_text(q, text, sizeof(text));
	out->len = strlen(text);
	out->wire = dns_arena_dup(arena, text, out->len + 1);
	if (node_key(q, "bogus") != NULL)
		return diag_error(d, node_key(q, "bogus"), "stub: bogus query");
	return true;
}

__attribute__((weak)) bool sc_expect_compile(const node_t *e,
					     dns_arena_t *arena,
					     sc_expect_t **out, diag_t *d)
{
	if (!node_expect_kind(e, NODE_MAP, "expect", d))
		return false;
	*out = dns_arena_alloc(arena, 1);
	return *out != NULL;
}

/* The loader reads servers: of resolver suites (serve/config.h), whose
 * rules use these two helpers of query.c: stand-ins, so that query.c
 * (and its real sc_query_build) is not linked in. */
__attribute__((weak)) uint8_t *sc_hex_bytes(const node_t *n, const char *what,
					    size_t max, dns_arena_t *arena,
					    size_t *len, diag_t *d)
{
	(void)what;
	(void)max;
	(void)arena;
	*len = 0;
	diag_error(d, n, "stub: no hex here");
	return NULL;
}

__attribute__((weak)) bool sc_edit_parse(const node_t *e, dns_arena_t *arena,
					 dns_edit_t *out, diag_t *d)
{
	(void)arena;
	(void)out;
	return diag_error(d, e, "stub: no wire edits here");
}

/* ---- a scratch directory ---------------------------------------------------
 */

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
	strcpy(tmpdir, "/tmp/test_load.XXXXXX");
	return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	return nftw(tmpdir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* Write text to tmpdir/rel (directories made as needed); the full path
 * is returned in a static buffer of a small ring. */
static const char *put(const char *rel, const char *text)
{
	static char ring[8][512];
	static unsigned next;
	char *path = ring[next++ % 8];
	snprintf(path, 512, "%s/%s", tmpdir, rel);
	for (char *s = strchr(path + strlen(tmpdir) + 1, '/'); s != NULL;
	     s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(path, 0700);
		*s = '/';
	}
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	return path;
}

static void print_diag(const diag_t *d)
{
	diag_print(d, stderr);
}

static bool load(const char *path, const sc_var_t *vars, size_t nvars,
		 sc_suite_t *s, diag_t *d)
{
	sc_load_opts_t o = {vars, nvars, NULL};
	memset(d, 0, sizeof(*d));
	return sc_load_file(path, &o, s, d);
}

/* Load a file that must load; the caller frees s. */
static void load_ok(const char *path, const sc_var_t *vars, size_t nvars,
		    sc_suite_t *s)
{
	diag_t d;
	if (!load(path, vars, nvars, s, &d)) {
		print_diag(&d);
		fail_msg("%s did not load", path);
	}
	assert_int_equal(d.n, 0);
}

/* The scalar at a dotted path under n ("query.name"). */
static const node_t *at(const node_t *n, const char *dotted)
{
	char buf[128];
	snprintf(buf, sizeof(buf), "%s", dotted);
	for (char *k = strtok(buf, "."); k != NULL; k = strtok(NULL, "."))
		n = node_get(n, k);
	assert_non_null(n);
	return n;
}

/* ---- fields, defaults ------------------------------------------------------
 */

static void test_fields_and_defaults(void **state)
{
	(void)state;
	const char *p =
	    put("fields.yaml", "suite: fields\n"
			       "about: fields and defaults\n"
			       "defaults:\n"
			       "  transport: tcp\n"
			       "  timeout: 250ms\n"
			       "  retries: 3\n"
			       "  level: should\n"
			       "  tags: [edns, slow]\n"
			       "  rfc: RFC 6891\n"
			       "  query: {name: example., type: SOA, "
			       "flags: {rd: 0, cd: 1}}\n"
			       "  expect: {rcode: NOERROR}\n"
			       "cases:\n"
			       "  - name: inherits\n"
			       "  - name: overrides\n"
			       "    transport: udp\n"
			       "    timeout: 2s\n"
			       "    retries: 0\n"
			       "    level: may\n"
			       "    tags: [x]\n"
			       "    rfc: RFC 1035 4.1.1\n"
			       "    skip: not today\n"
			       "    query: {type: NS, flags: {rd: 1}}\n"
			       "    expect: {answer: {count: 1}}\n");
	sc_suite_t s;
	load_ok(p, NULL, 0, &s);
	assert_string_equal(s.name, "fields");
	assert_string_equal(s.about, "fields and defaults");
	assert_int_equal(s.role, SC_ROLE_SERVER);
	assert_int_equal(s.ncases, 2);

	const sc_case_t *a = &s.cases[0];
	assert_string_equal(a->name, "inherits");
	assert_int_equal(a->transport, SC_TCP);
	assert_int_equal(a->timeout_ms, 250);
	assert_int_equal(a->retries, 3);
	assert_int_equal(a->level, SC_SHOULD);
	assert_int_equal(a->ntags, 2);
	assert_string_equal(a->tags[1], "slow");
	assert_string_equal(a->rfc, "RFC 6891");
	assert_null(a->skip);
	assert_string_equal(at(a->query_node, "type")->str, "SOA");
	assert_string_equal(at(a->expect_node, "rcode")->str, "NOERROR");
	assert_non_null(a->query);
	assert_non_null(a->expect);

	const sc_case_t *b = &s.cases[1];
	assert_int_equal(b->transport, SC_UDP);
	assert_int_equal(b->timeout_ms, 2000);
	assert_int_equal(b->retries, 0);
	assert_int_equal(b->level, SC_MAY);
	assert_int_equal(b->ntags, 1); /* a case's tags replace the defaults' */
	assert_string_equal(b->rfc, "RFC 1035 4.1.1");
	assert_string_equal(b->skip, "not today");
	/* deep merge: the case wins, the rest comes from defaults */
	assert_string_equal(at(b->query_node, "type")->str, "NS");
	assert_string_equal(at(b->query_node, "name")->str, "example.");
	assert_string_equal(at(b->query_node, "flags.rd")->str, "1");
	assert_string_equal(at(b->query_node, "flags.cd")->str, "1");
	assert_string_equal(at(b->expect_node, "rcode")->str, "NOERROR");
	assert_string_equal(at(b->expect_node, "answer.count")->str, "1");
	/* locations come from where each value was written */
	assert_int_equal(at(b->query_node, "name")->line, 10);
	assert_int_equal(at(b->query_node, "type")->line, 22);
	sc_suite_free(&s);
}

/* requires: of a case, from defaults: or its own (which replaces them);
 * an unknown capability is an error at its word. */
static void test_case_requires(void **state)
{
	(void)state;
	const char *p =
	    put("requires.yaml", "suite: req\n"
				 "defaults:\n"
				 "  query: {name: example., type: SOA}\n"
				 "  requires: [authoritative]\n"
				 "cases:\n"
				 "  - name: inherits\n"
				 "  - name: every-server\n"
				 "    requires: []\n"
				 "  - name: two\n"
				 "    requires: [cache, authoritative]\n");
	sc_suite_t s;
	load_ok(p, NULL, 0, &s);
	assert_int_equal(s.ncases, 3);
	assert_int_equal(s.cases[0].requires, TARGET_CAP_AUTHORITATIVE);
	assert_int_equal(s.cases[1].requires, 0);
	assert_int_equal(s.cases[2].requires,
			 TARGET_CAP_AUTHORITATIVE | TARGET_CAP_CACHE);
	sc_suite_free(&s);
	p = put("requires-bad.yaml",
		"suite: req\n"
		"cases:\n"
		"  - name: a\n"
		"    query: {name: example., type: SOA}\n"
		"    requires: [authoritative, psychic]\n");
	diag_t d;
	assert_false(load(p, NULL, 0, &s, &d));
	assert_int_equal(d.n, 1);
	assert_int_equal(d.e[0].line, 5);
	assert_int_equal(d.e[0].col, 31);
	assert_non_null(strstr(d.e[0].msg, "unknown capability 'psychic'"));
	sc_suite_free(&s);
}

static void test_builtin_defaults(void **state)
{
	(void)state;
	const char *p = put("builtin.yaml", "suite: b\n"
					    "cases:\n"
					    "  - name: bare\n"
					    "    query: {name: example.}\n");
	sc_suite_t s;
	load_ok(p, NULL, 0, &s);
	const sc_case_t *c = &s.cases[0];
	assert_int_equal(c->level, SC_MUST);
	assert_int_equal(c->transport, SC_UDP);
	assert_int_equal(c->timeout_ms, 2000);
	assert_int_equal(c->retries, 1);
	assert_int_equal(c->ntags, 0);
	assert_null(c->rfc);
	assert_null(s.about);
	/* no expect: an empty mapping (implicit checks only), compiled */
	assert_int_equal(c->expect_node->kind, NODE_MAP);
	assert_int_equal(c->expect_node->n, 0);
	assert_non_null(c->expect);
	assert_string_equal(sc_level_name(SC_SHOULD), "should");
	assert_string_equal(sc_transport_name(SC_DOT), "dot");
	sc_suite_free(&s);
}

static void test_hex_query_replaces_defaults(void **state)
{
	(void)state;
	const char *p =
	    put("hex.yaml", "suite: hex\n"
			    "defaults:\n"
			    "  query: {name: example., type: SOA}\n"
			    "cases:\n"
			    "  - name: raw\n"
			    "    query: {hex: 00010000000000000000}\n"
			    "  - name: structured\n"
			    "    query: {type: NS}\n");
	sc_suite_t s;
	load_ok(p, NULL, 0, &s);
	const node_t *raw = s.cases[0].query_node;
	assert_int_equal(raw->n, 1);
	assert_non_null(node_get(raw, "hex"));
	assert_int_equal(s.cases[1].query_node->n, 2);
	sc_suite_free(&s);
}

static void test_question_replaces_default_question(void **state)
{
	(void)state;
	const char *p =
	    put("q.yaml", "suite: q\n"
			  "defaults:\n"
			  "  query: {name: example., type: SOA, id: 7}\n"
			  "cases:\n"
			  "  - name: none\n"
			  "    query: {no_question: true}\n"
			  "  - name: two\n"
			  "    query:\n"
			  "      question: [{name: a., type: A}, {name: b., "
			  "type: A}]\n");
	sc_suite_t s;
	load_ok(p, NULL, 0, &s);
	for (size_t i = 0; i < 2; i++) {
		const node_t *q = s.cases[i].query_node;
		assert_null(node_get(q, "name"));
		assert_null(node_get(q, "type"));
		/* the rest of defaults.query still applies */
		assert_non_null(node_get(q, "id"));
	}
	sc_suite_free(&s);
}

/* ---- variables
 * --------------------------------------------------------------- */

static void test_var_precedence(void **state)
{
	(void)state;
	const char *p =
	    put("vars.yaml", "suite: vars\n"
			     "vars: {zone: file.example., who: file, "
			     "only: from-file}\n"
			     "cases:\n"
			     "  - name: plain\n"
			     "    query:\n"
			     "      name: ${zone}\n"
			     "      a: ${who}\n"
			     "      b: ${only}\n"
			     "  - name: m\n"
			     "    matrix: {who: [matrix]}\n"
			     "    query:\n"
			     "      name: ${zone}\n"
			     "      a: ${who}\n");
	sc_suite_t s;
	load_ok(p, NULL, 0, &s);
	assert_string_equal(at(s.cases[0].query_node, "name")->str,
			    "file.example.");
	assert_string_equal(at(s.cases[0].query_node, "a")->str, "file");
	assert_string_equal(at(s.cases[1].query_node, "a")->str, "matrix");
	sc_suite_free(&s);

	/* --var beats vars:, the last --var of a name wins, the matrix beats
	 * --var */
	const sc_var_t cli[] = {
	    {"who", "first"}, {"zone", "cli.example."}, {"who", "cli"}};
	load_ok(p, cli, 3, &s);
	assert_string_equal(at(s.cases[0].query_node, "name")->str,
			    "cli.example.");
	assert_string_equal(at(s.cases[0].query_node, "a")->str, "cli");
	assert_string_equal(at(s.cases[0].query_node, "b")->str, "from-file");
	assert_string_equal(at(s.cases[1].query_node, "a")->str, "matrix");
	assert_string_equal(at(s.cases[1].query_node, "name")->str,
			    "cli.example.");
	sc_suite_free(&s);
}

static void test_substitution_text(void **state)
{
	(void)state;
	const char *p =
	    put("subst.yaml", "suite: subst\n"
			      "vars: {z: example., n: 5, q: '5', e: ''}\n"
			      "cases:\n"
			      "  - name: s-${z}\n"
			      "    query:\n"
			      "      esc: $${z}\n"
			      "      mixed: a$${z}${z}$$${z}\n"
			      "      dollars: $ $$ $x $5 ${z}$\n"
			      "      inner: www.${z}\n"
			      "      twice: ${z}${z}\n"
			      "      empty: <${e}>\n"
			      "      num: ${n}\n"
			      "      numq: \"${n}\"\n"
			      "      str: ${q}\n"
			      "      strq: 'x${n}'\n"
			      "      seq: [\"${z}\", b, \"$${z}\"]\n"
			      "      keys: {\"${z}\": 1}\n");
	sc_suite_t s;
	load_ok(p, NULL, 0, &s);
	const sc_case_t *c = &s.cases[0];
	const node_t *q = c->query_node;
	assert_string_equal(c->name, "s-example.");
	assert_string_equal(at(q, "esc")->str, "${z}");
	/* leftmost first: "$$${z}" is "$" then the escape "$${" */
	assert_string_equal(at(q, "mixed")->str, "a${z}example.$${z}");
	assert_string_equal(at(q, "dollars")->str, "$ $$ $x $5 example.$");
	assert_string_equal(at(q, "inner")->str, "www.example.");
	assert_string_equal(at(q, "twice")->str, "example.example.");
	assert_string_equal(at(q, "empty")->str, "<>");
	/* a whole-scalar reference takes the quoting of the value */
	assert_false(at(q, "num")->quoted);
	assert_false(at(q, "numq")->quoted);
	assert_true(at(q, "str")->quoted);
	/* otherwise the scalar keeps its own */
	assert_true(at(q, "strq")->quoted);
	assert_string_equal(at(q, "strq")->str, "x5");
	assert_false(at(q, "inner")->quoted);
	const node_t *seq = at(q, "seq");
	assert_string_equal(seq->vals[0]->str, "example.");
	assert_string_equal(seq->vals[1]->str, "b");
	assert_string_equal(seq->vals[2]->str, "${z}");
	/* keys are not substituted */
	assert_non_null(node_get(at(q, "keys"), "${z}"));
	sc_suite_free(&s);
}

static void test_substitution_shares_and_keeps_source(void **state)
{
	(void)state;
	const char *p =
	    put("share.yaml", "suite: share\n"
			      "vars: {z: example.}\n"
			      "defaults:\n"
			      "  query: {name: \"${z}\", edns: {version: 0}}\n"
			      "cases:\n"
			      "  - name: a\n"
			      "    matrix: {t: [A, NS]}\n"
			      "    query: {type: \"${t}\"}\n");
	sc_suite_t s;
	load_ok(p, NULL, 0, &s);
	assert_int_equal(s.ncases, 2);
	const node_t *e0 = at(s.cases[0].query_node, "edns");
	const node_t *e1 = at(s.cases[1].query_node, "edns");
	/* a subtree without a reference is shared between the cases */
	assert_ptr_equal(e0, e1);
	assert_string_equal(at(s.cases[0].query_node, "type")->str, "A");
	assert_string_equal(at(s.cases[1].query_node, "type")->str, "NS");
	/* case->node is the substituted case: its type differs, the
	 * matrix: stays as written */
	assert_ptr_not_equal(s.cases[0].node, s.cases[1].node);
	assert_string_equal(at(s.cases[0].node, "query.type")->str, "A");
	assert_string_equal(at(s.cases[0].node, "matrix.t")->vals[0]->str, "A");
	sc_suite_free(&s);
}

/* ---- matrix
 * ------------------------------------------------------------------- */

static void test_matrix_names(void **state)
{
	(void)state;
	const char *p = put("matrix.yaml",
			    "suite: m\n"
			    "vars: {zone: example.}\n"
			    "cases:\n"
			    "  - name: header-bits\n"
			    "    matrix: {aa: [0, 1], cd: [0, 1], z: [0, 1]}\n"
			    "    query:\n"
			    "      name: ${zone}\n"
			    "      flags: {aa: \"${aa}\", cd: \"${cd}\", "
			    "z: \"${z}\"}\n"
			    "  - name: names\n"
			    "    matrix: {qname: [\"${zone}\", "
			    "\"www.${zone}\"]}\n"
			    "    query: {name: \"${qname}\"}\n"
			    "  - name: header-bits-x\n"
			    "    query: {name: x.}\n");
	sc_suite_t s;
	load_ok(p, NULL, 0, &s);
	assert_int_equal(s.ncases, 11);
	static const char *const want[8] = {
	    "header-bits[aa=0,cd=0,z=0]", "header-bits[aa=0,cd=0,z=1]",
	    "header-bits[aa=0,cd=1,z=0]", "header-bits[aa=0,cd=1,z=1]",
	    "header-bits[aa=1,cd=0,z=0]", "header-bits[aa=1,cd=0,z=1]",
	    "header-bits[aa=1,cd=1,z=0]", "header-bits[aa=1,cd=1,z=1]",
	};
	for (size_t i = 0; i < 8; i++) {
		const sc_case_t *c = &s.cases[i];
		assert_string_equal(c->name, want[i]);
		assert_string_equal(at(c->query_node, "flags.aa")->str,
				    (i & 4) ? "1" : "0");
		assert_string_equal(at(c->query_node, "flags.cd")->str,
				    (i & 2) ? "1" : "0");
		assert_string_equal(at(c->query_node, "flags.z")->str,
				    (i & 1) ? "1" : "0");
		assert_false(at(c->query_node, "flags.z")->quoted);
	}
	/* matrix values may use vars: */
	assert_string_equal(s.cases[8].name, "names[qname=example.]");
	assert_string_equal(s.cases[9].name, "names[qname=www.example.]");
	assert_string_equal(at(s.cases[9].query_node, "name")->str,
			    "www.example.");
	assert_string_equal(s.cases[10].name, "header-bits-x");
	sc_suite_free(&s);
}

/* A file with one case whose matrix has a x b combinations. */
static const char *matrix_file(const char *rel, unsigned a, unsigned b)
{
	static char text[4096];
	size_t n = (size_t)snprintf(text, sizeof(text),
				    "suite: big\ncases:\n  - name: big\n"
				    "    query: {name: example.}\n"
				    "    matrix:\n      a: [");
	for (unsigned i = 0; i < a; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%u",
				      i ? "," : "", i);
	n += (size_t)snprintf(text + n, sizeof(text) - n, "]\n      b: [");
	for (unsigned i = 0; i < b; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "%s%u",
				      i ? "," : "", i);
	snprintf(text + n, sizeof(text) - n, "]\n");
	return put(rel, text);
}

static void test_matrix_limit(void **state)
{
	(void)state;
	sc_suite_t s;
	diag_t d;
	load_ok(matrix_file("m4096.yaml", 64, 64), NULL, 0, &s);
	assert_int_equal(s.ncases, 4096);
	assert_string_equal(s.cases[4095].name, "big[a=63,b=63]");
	assert_string_equal(s.cases[64].name, "big[a=1,b=0]");
	sc_suite_free(&s);

	/* 65536 is the bound; refused before anything is expanded */
	const char *p = matrix_file("m65792.yaml", 257, 256);
	assert_false(load(p, NULL, 0, &s, &d));
	assert_int_equal(d.n, 1);
	assert_int_equal(d.e[0].line, 5);
	assert_non_null(strstr(d.e[0].msg, "more than 65536 combinations"));
	assert_int_equal(s.ncases, 0);
	sc_suite_free(&s);
}

/* One error in defaults: is reported once, not once per case. */
static void test_errors_not_repeated(void **state)
{
	(void)state;
	const char *p = put("repeat.yaml", "suite: r\n"
					   "defaults: {transport: pigeon, "
					   "query: {name: example.}}\n"
					   "cases:\n"
					   "  - name: a\n"
					   "    matrix: {x: [1, 2, 3]}\n"
					   "  - name: b\n"
					   "  - name: c\n");
	sc_suite_t s;
	diag_t d;
	assert_false(load(p, NULL, 0, &s, &d));
	assert_int_equal(d.n, 1);
	assert_int_equal(d.e[0].line, 2);
	assert_int_equal(d.e[0].col, 23);
	assert_non_null(strstr(d.e[0].msg, "pigeon"));
	sc_suite_free(&s);
}

/* Errors from the query builder come back with their location. */
static void test_compile_errors_located(void **state)
{
	(void)state;
	const char *p =
	    put("compile.yaml", "suite: c\n"
				"cases:\n"
				"  - name: a\n"
				"    query: {name: x., bogus: 1}\n");
	sc_suite_t s;
	diag_t d;
	stub_calls = 0;
	bool ok = load(p, NULL, 0, &s, &d);
	if (stub_calls == 0) {
		sc_suite_free(&s);
		skip(); /* the real query builder is linked: no "bogus" */
	}
	assert_false(ok);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.e[0].line, 4);
	assert_int_equal(d.e[0].col, 23);
	assert_string_equal(d.e[0].msg, "stub: bogus query");
	sc_suite_free(&s);
}

/* ---- include
 * ----------------------------------------------------------------- */

static void test_include(void **state)
{
	(void)state;
	put("inc/sub/b.yaml", "suite: b\n"
			      "vars: {z: b.example.}\n"
			      "defaults: {level: may}\n"
			      "cases:\n"
			      "  - name: b1\n"
			      "    query: {name: \"${z}\"}\n"
			      "include: [../c.yaml]\n");
	put("inc/c.yaml", "suite: c\n"
			  "cases:\n"
			  "  - name: c1\n"
			  "    query: {name: \"${who}\"}\n");
	const char *top = put("inc/top.yaml", "suite: top\n"
					      "vars: {z: top.example.}\n"
					      "defaults: {level: should}\n"
					      "include: [sub/b.yaml]\n"
					      "cases:\n"
					      "  - name: t1\n"
					      "    query: {name: \"${z}\"}\n");
	sc_suite_t s;
	diag_t d;
	/* c.yaml uses ${who}, defined nowhere: an error located in c.yaml */
	assert_false(load(top, NULL, 0, &s, &d));
	assert_int_equal(d.n, 1);
	assert_non_null(strstr(d.e[0].file, "inc/sub/../c.yaml"));
	assert_int_equal(d.e[0].line, 4);
	assert_non_null(strstr(d.e[0].msg, "unknown variable 'who'"));
	sc_suite_free(&s);

	const sc_var_t who = {"who", "c.example."};
	load_ok(top, &who, 1, &s);
	assert_string_equal(s.name, "top");
	assert_int_equal(s.ncases, 3);
	/* own cases first, then the included ones, depth first */
	assert_string_equal(s.cases[0].name, "t1");
	assert_string_equal(s.cases[1].name, "b1");
	assert_string_equal(s.cases[2].name, "c1");
	/* each file's vars: and defaults: apply to its own cases */
	assert_string_equal(at(s.cases[0].query_node, "name")->str,
			    "top.example.");
	assert_int_equal(s.cases[0].level, SC_SHOULD);
	assert_string_equal(at(s.cases[1].query_node, "name")->str,
			    "b.example.");
	assert_int_equal(s.cases[1].level, SC_MAY);
	assert_int_equal(s.cases[2].level, SC_MUST);
	assert_string_equal(at(s.cases[2].query_node, "name")->str,
			    "c.example.");
	sc_suite_free(&s);
}

static void expect_error(const char *path, const sc_load_opts_t *o,
			 unsigned line, const char *words)
{
	sc_suite_t s;
	diag_t d = {0};
	bool ok = sc_load_file(path, o, &s, &d);
	bool found = false;
	for (unsigned i = 0; i < d.n; i++)
		if (d.e[i].line == line && strstr(d.e[i].msg, words))
			found = true;
	if (ok || !found) {
		print_diag(&d);
		sc_suite_free(&s);
		fail_msg("%s: expected an error at line %u with '%s'", path,
			 line, words);
	}
	sc_suite_free(&s);
}

static void test_include_confined(void **state)
{
	(void)state;
	char link[600], target[600];
	put("outside.yaml", "suite: o\ncases: [{name: o, query: {}}]\n");
	const char *up = put("conf/up.yaml", "suite: u\n"
					     "include: [../outside.yaml]\n"
					     "cases: [{name: u, query: {}}]\n");
	expect_error(up, NULL, 2, "outside the scenario tree");

	/* a symbolic link inside the tree that leads out of it */
	snprintf(link, sizeof(link), "%s/conf/link.yaml", tmpdir);
	snprintf(target, sizeof(target), "%s/outside.yaml", tmpdir);
	assert_int_equal(symlink(target, link), 0);
	const char *sl = put("conf/sl.yaml", "suite: u\n"
					     "include: [link.yaml]\n"
					     "cases: [{name: u, query: {}}]\n");
	expect_error(sl, NULL, 2, "outside the scenario tree");

	/* with a wider root, the same include is fine */
	char root[600];
	snprintf(root, sizeof(root), "%s", tmpdir);
	sc_load_opts_t wide = {NULL, 0, root};
	sc_suite_t s;
	diag_t d = {0};
	assert_true(sc_load_file(up, &wide, &s, &d));
	assert_int_equal(s.ncases, 2);
	sc_suite_free(&s);

	const char *abs =
	    put("conf/abs.yaml", "suite: u\n"
				 "include: [/etc/hosts]\n"
				 "cases: [{name: u, query: {}}]\n");
	expect_error(abs, NULL, 2, "is absolute");
	const char *none =
	    put("conf/none.yaml", "suite: u\n"
				  "include: [nothere.yaml]\n"
				  "cases: [{name: u, query: {}}]\n");
	expect_error(none, NULL, 2, "nothere.yaml': No such file");
}

static void test_include_cycles(void **state)
{
	(void)state;
	put("cyc/a.yaml", "suite: a\n"
			  "include: [b.yaml]\n"
			  "cases: [{name: a, query: {}}]\n");
	put("cyc/b.yaml", "suite: b\n"
			  "include: [a.yaml]\n"
			  "cases: [{name: b, query: {}}]\n");
	char a[600];
	snprintf(a, sizeof(a), "%s/cyc/a.yaml", tmpdir);
	sc_suite_t s;
	diag_t d = {0};
	assert_false(sc_load_file(a, NULL, &s, &d));
	assert_int_equal(d.n, 1);
	assert_true(strstr(d.e[0].file, "cyc/b.yaml") != NULL);
	assert_int_equal(d.e[0].line, 2);
	assert_int_equal(d.e[0].col, 11);
	assert_non_null(strstr(d.e[0].msg, "include cycle: "));
	assert_non_null(strstr(d.e[0].msg, "a.yaml -> "));
	assert_non_null(strstr(d.e[0].msg, "b.yaml -> "));
	sc_suite_free(&s);

	const char *self =
	    put("cyc/self.yaml", "suite: s\n"
				 "include: [./self.yaml]\n"
				 "cases: [{name: s, query: {}}]\n");
	expect_error(self, NULL, 2, "include cycle");

	/* the same file twice (not a cycle) */
	put("cyc/d.yaml", "suite: d\ncases: [{name: d, query: {}}]\n");
	put("cyc/e.yaml", "suite: e\ninclude: [d.yaml]\n"
			  "cases: [{name: e, query: {}}]\n");
	const char *dia =
	    put("cyc/diamond.yaml", "suite: x\n"
				    "include: [d.yaml, e.yaml]\n"
				    "cases: [{name: x, query: {}}]\n");
	expect_error(dia, NULL, 2, "already part of the suite");

	/* an included case with the name of a case of the includer */
	put("cyc/f.yaml", "suite: f\ncases: [{name: same, query: {}}]\n");
	const char *dup =
	    put("cyc/dup.yaml", "suite: x\n"
				"include: [f.yaml]\n"
				"cases: [{name: same, query: {}}]\n");
	expect_error(dup, NULL, 2, "duplicate case name 'same'");

	put("cyc/r.yaml", "suite: r\nrole: client\n"
			  "cases: [{name: r, query: {}}]\n");
	const char *role =
	    put("cyc/role.yaml", "suite: x\n"
				 "include: [r.yaml]\n"
				 "cases: [{name: x, query: {}}]\n");
	expect_error(role, NULL, 2, "role: client differs from role: server");
}

/* ---- PATH arguments
 * ---------------------------------------------------------- */

static void test_collect_paths(void **state)
{
	(void)state;
	put("tree/b.yaml", "x");
	put("tree/a.yml", "x");
	put("tree/sub/c.yaml", "x");
	put("tree/sub/deeper/a.yaml", "x");
	put("tree/_fragment.yaml", "x");
	put("tree/.hidden.yaml", "x");
	put("tree/_frag/d.yaml", "x");
	put("tree/notes.txt", "x");
	put("tree/a-b.yaml", "x");
	put("empty/readme.txt", "x");
	char tree[600], one[600], empty[600], missing[600];
	snprintf(tree, sizeof(tree), "%s/tree", tmpdir);
	snprintf(one, sizeof(one), "%s/tree/notes.txt", tmpdir);
	snprintf(empty, sizeof(empty), "%s/empty", tmpdir);
	snprintf(missing, sizeof(missing), "%s/missing", tmpdir);

	const char *args[] = {one, tree};
	sc_paths_t p;
	diag_t d = {0};
	assert_true(sc_collect_paths(args, 2, &p, &d));
	static const char *const want[] = {
	    "tree/notes.txt", /* a file argument is taken as given */
	    "tree/a-b.yaml",
	    "tree/a.yml",
	    "tree/b.yaml",
	    "tree/sub/c.yaml",
	    "tree/sub/deeper/a.yaml",
	};
	assert_int_equal(p.n, 6);
	for (size_t i = 0; i < p.n; i++) {
		size_t off = strlen(tmpdir) + 1;
		assert_true(strlen(p.path[i]) > off);
		assert_string_equal(p.path[i] + off, want[i]);
	}
	sc_paths_free(&p);
	assert_int_equal(p.n, 0);

	const char *bad[] = {empty, missing, tree};
	assert_false(sc_collect_paths(bad, 3, &p, &d));
	assert_int_equal(d.n, 2);
	assert_string_equal(d.e[0].file, empty);
	assert_non_null(strstr(d.e[0].msg, "no scenario files"));
	assert_string_equal(d.e[1].file, missing);
	assert_non_null(strstr(d.e[1].msg, "cannot read"));
	assert_int_equal(p.n, 5); /* what could be found is there */
	sc_paths_free(&p);
}

/* ---- malformed files
 * ---------------------------------------------------------- */

typedef struct bad {
	const char *yaml;
	const char *where; /* "line:col" */
	const char *words; /* a part of the message */
} bad_t;

#define CASE1 "cases:\n  - name: a\n    query: {name: x.}\n"

static const bad_t bad_files[] = {
    /* the document */
    {"", "1:1", "empty document"},
    {"- a\n- b\n", "1:1", "must be a mapping with suite: and cases:"},
    {"suite: [a\n", "2:1", "YAML syntax"},
    {"suite: s\nsuite: t\n" CASE1, "2:1", "duplicate key 'suite'"},
    {"suite: &x s\n" CASE1, "1:8", "anchors and aliases"},
    {"suite: s\n" CASE1 "---\nsuite: t\n", "5:1",
     "more than one YAML document"},
    /* top-level keys */
    {"suit: s\n" CASE1, "1:1", "unknown key 'suit' in the file"},
    {CASE1, "1:1", "missing suite:"},
    {"suite: a/b\n" CASE1, "1:8", "suite name 'a/b' may only contain"},
    {"suite: {a: 1}\n" CASE1, "1:8", "suite name must be a scalar"},
    {"suite: s\nabout: [x]\n" CASE1, "2:8", "about must be a scalar"},
    {"suite: s\n", "1:1", "missing cases:"},
    {"suite: s\ncases: []\n", "2:8", "cases: must not be empty"},
    {"suite: s\ncases: {a: 1}\n", "2:8", "cases must be a sequence"},
    {"suite: s\nrole: router\n" CASE1, "2:7",
     "expected one of: server, resolver, client"},
    {"suite: s\nrole: client\nsteps: []\n" CASE1, "4:1",
     "a role: client suite has steps:, not cases:"},
    {"suite: s\nsteps: []\n" CASE1, "2:1",
     "'steps:' belongs to role: resolver or client"},
    {"suite: s\ninclude: x.yaml\n" CASE1, "2:10", "include must be a sequence"},
    {"suite: s\ninclude: [\"\"]\n" CASE1, "2:11",
     "an include: path must not be empty"},
    /* vars */
    {"suite: s\nvars: [a]\n" CASE1, "2:7", "vars must be a mapping"},
    {"suite: s\nvars: {a: {b: 1}}\n" CASE1, "2:11",
     "vars: 'a' must be a scalar, not a mapping"},
    {"suite: s\nvars: {1a: x}\n" CASE1, "2:8", "variable name '1a' must be"},
    /* defaults */
    {"suite: s\ndefaults: [a]\n" CASE1, "2:11", "defaults must be a mapping"},
    {"suite: s\ndefaults: {name: x}\n" CASE1, "2:12",
     "unknown key 'name' in defaults"},
    {"suite: s\ndefaults: {timeout: soon}\n" CASE1, "2:21",
     "expected a duration"},
    /* cases */
    {"suite: s\ncases:\n  - a\n", "3:5", "case must be a mapping"},
    {"suite: s\ncases:\n  - query: {name: x.}\n", "3:5", "a case needs name:"},
    {"suite: s\ncases:\n  - name: a b\n    query: {}\n", "3:11",
     "case name 'a b' may only contain"},
    {"suite: s\ncases:\n  - name: a\n    quary: {}\n", "4:5",
     "unknown key 'quary' in case"},
    {"suite: s\ncases:\n  - name: a\n    steps: []\n    query: {}\n", "4:5",
     "'steps:' belongs to role: resolver"},
    {"suite: s\ncases:\n  - name: a\n  - name: a\n"
     "    query: {}\ndefaults: {query: {}}\n",
     "4:11", "duplicate case name 'a' (first at "},
    {"suite: s\ncases:\n  - name: a\n", "3:11",
     "case 'a' has no query: (and defaults: gives none)"},
    {"suite: s\ncases:\n  - name: a\n    query: x\n", "4:12",
     "query must be a mapping"},
    {"suite: s\ncases:\n  - name: a\n    expect: [x]\n    query: {}\n", "4:13",
     "expect must be a mapping"},
    {"suite: s\ncases:\n  - name: a\n    level: must-ish\n    query: {}\n",
     "4:12", "expected one of: must, should, may; got 'must-ish'"},
    {"suite: s\ncases:\n  - name: a\n    transport: sctp\n    query: {}\n",
     "4:16", "expected one of: udp, tcp, dot"},
    {"suite: s\ncases:\n  - name: a\n    timeout: 0\n    query: {}\n", "4:14",
     "timeout must be more than 0"},
    {"suite: s\ncases:\n  - name: a\n    retries: 11\n    query: {}\n", "4:14",
     "from 0 to 10"},
    {"suite: s\ncases:\n  - name: a\n    retries: -1\n    query: {}\n", "4:14",
     "from 0 to 10"},
    {"suite: s\ncases:\n  - name: a\n    tags: edns\n    query: {}\n", "4:11",
     "tags must be a sequence"},
    {"suite: s\ncases:\n  - name: a\n    tags: [ok, \"n o\"]\n"
     "    query: {}\n",
     "4:16", "tag 'n o' may only contain"},
    {"suite: s\ncases:\n  - name: a\n    rfc: [6891]\n    query: {}\n", "4:10",
     "rfc must be a scalar"},
    {"suite: s\ncases:\n  - name: a\n    skip: \"\"\n    query: {}\n", "4:11",
     "skip (the reason) must not be empty"},
    /* variables */
    {"suite: s\ncases:\n  - name: a\n    query: {name: \"${nope}\"}\n", "4:19",
     "unknown variable 'nope'"},
    {"suite: s\ncases:\n  - name: a\n    query:\n      name: ${zone\n", "5:13",
     "expected a variable name and '}' after '${'"},
    {"suite: s\ncases:\n  - name: a\n    query:\n      name: x${}\n", "5:13",
     "expected a variable name"},
    {"suite: s\ncases:\n  - name: a\n    query:\n      name: ${a b}\n", "5:13",
     "expected a variable name"},
    {"suite: s\ndefaults: {query: {name: \"${q}\"}}\n" CASE1, "2:26",
     "unknown variable 'q' (in defaults:, for case 'a')"},
    {"suite: s\ncases:\n  - name: ${n}\n    query: {}\n", "3:11",
     "unknown variable 'n'"},
    /* matrix */
    {"suite: s\ncases:\n  - name: a\n    matrix: [a]\n    query: {}\n", "4:13",
     "matrix must be a mapping"},
    {"suite: s\ncases:\n  - name: a\n    matrix: {}\n    query: {}\n", "4:13",
     "at least one variable"},
    {"suite: s\ncases:\n  - name: a\n    matrix: {x: []}\n    query: {}\n",
     "4:17", "matrix: 'x' must be a non-empty sequence"},
    {"suite: s\ncases:\n  - name: a\n    matrix: {x: 1}\n    query: {}\n",
     "4:17", "must be a non-empty sequence"},
    {"suite: s\ncases:\n  - name: a\n    matrix: {x: [{y: 1}]}\n"
     "    query: {}\n",
     "4:18", "matrix values must be scalars, not a mapping"},
    {"suite: s\ncases:\n  - name: a\n    matrix: {x.y: [1]}\n"
     "    query: {}\n",
     "4:14", "matrix variable 'x.y' must be"},
    {"suite: s\ncases:\n  - name: a\n    matrix: {x: [\"${u}\"]}\n"
     "    query: {}\n",
     "4:18", "unknown variable 'u'"},
};

static void test_malformed(void **state)
{
	(void)state;
	size_t failures = 0;
	for (size_t i = 0; i < sizeof(bad_files) / sizeof(bad_files[0]); i++) {
		const bad_t *b = &bad_files[i];
		char rel[32];
		snprintf(rel, sizeof(rel), "bad/%02zu.yaml", i);
		const char *path = put(rel, b->yaml);
		sc_suite_t s;
		diag_t d;
		bool ok = load(path, NULL, 0, &s, &d);
		bool found = false;
		for (unsigned k = 0; k < d.n; k++) {
			char where[32];
			snprintf(where, sizeof(where), "%u:%u", d.e[k].line,
				 d.e[k].col);
			if (strcmp(d.e[k].file, path) == 0 &&
			    strcmp(where, b->where) == 0 &&
			    strstr(d.e[k].msg, b->words) != NULL)
				found = true;
		}
		if (ok || !found) {
			fprintf(stderr, "bad file %zu: want %s '%s', got:\n", i,
				b->where, b->words);
			print_diag(&d);
			failures++;
		}
		sc_suite_free(&s);
	}
	assert_true(sizeof(bad_files) / sizeof(bad_files[0]) >= 30);
	assert_int_equal(failures, 0);
}

/* ---- shared parts ----------------------------------------------------------
 */

/* The cases whose expectation is the defaults' share one compiled
 * expectation (eagerly and lazily); a case with its own gets its own; a
 * timeout read once for the defaults' node is each case's. */
static void test_shared_expectation(void **state)
{
	(void)state;
	const char *p =
	    put("shared.yaml", "suite: shared\n"
			       "defaults:\n"
			       "  timeout: 250ms\n"
			       "  query: {name: example., type: SOA}\n"
			       "  expect: {rcode: NXDOMAIN}\n"
			       "cases:\n"
			       "  - {name: a, query: {name: a.example.}}\n"
			       "  - {name: b, query: {name: b.example.}}\n"
			       "  - {name: own, expect: {rcode: NOERROR}}\n"
			       "  - {name: slow, timeout: 2s}\n"
			       "  - {name: d, matrix: {t: [A, MX]}, "
			       "query: {type: \"${t}\"}}\n");
	sc_suite_t s, l;
	diag_t d = {0};
	load_ok(p, NULL, 0, &s);
	assert_int_equal(s.ncases, 6);
	const sc_case_t *c = s.cases;
	assert_non_null(c[0].expect);
	assert_true(c[1].expect == c[0].expect);
	assert_true(c[3].expect == c[0].expect);
	assert_true(c[2].expect != c[0].expect);
	assert_string_equal(at(c[2].expect_node, "rcode")->str, "NOERROR");
	assert_string_equal(at(c[1].expect_node, "rcode")->str, "NXDOMAIN");
	assert_non_null(c[4].expect); /* matrix: defaults substituted anew */
	assert_int_equal(c[0].timeout_ms, 250);
	assert_int_equal(c[1].timeout_ms, 250);
	assert_int_equal(c[3].timeout_ms, 2000);
	assert_int_equal(c[4].timeout_ms, 250);
	assert_int_equal(c[5].timeout_ms, 250);
	if (!sc_load_file_lazy(p, NULL, 1, &l, &d)) {
		print_diag(&d);
		fail_msg("%s did not load lazily", p);
	}
	dns_arena_t a;
	dns_arena_init(&a, 0);
	sc_query_t *q;
	sc_expect_t *x0, *x1, *x2;
	assert_true(sc_case_compile(&l, &l.cases[0], &a, &q, &x0, &d));
	assert_true(sc_case_compile(&l, &l.cases[1], &a, &q, &x1, &d));
	assert_true(sc_case_compile(&l, &l.cases[2], &a, &q, &x2, &d));
	assert_non_null(x0);
	assert_true(x1 == x0);
	assert_true(x2 != x0);
	assert_int_equal(l.cases[3].timeout_ms, 2000);
	assert_int_equal(l.cases[1].timeout_ms, 250);
	dns_arena_free(&a);
	sc_suite_free(&l);
	sc_suite_free(&s);
}

/* Loading reads the values of each case merged with defaults: without
 * building the merged mapping (load.c, merged_vals); a lazy case played
 * builds it (merge_case). Both give the same query, expectation and
 * fields: deep merges, question: and hex: against the defaults' query. */
static void test_merged_values(void **state)
{
	(void)state;
	static const char *const want[] = {
	    "{name: example., type: SOA, id: 7, flags: {rd: 1}}",
	    "{type: MX, flags: {cd: 1, rd: 1}, name: example., id: 7}",
	    "{question: [{name: x., type: A}], id: 7, flags: {rd: 1}}",
	    "{hex: 00}",
	    "{name: example., type: SOA, id: 7, flags: {rd: 1}}",
	    "{name: example., type: SOA, id: 7, flags: {rd: 1}}",
	    "{type: A, name: example., id: 7, flags: {rd: 1}}",
	    "{type: AAAA, name: example., id: 7, flags: {rd: 1}}",
	};
	const char *p = put(
	    "merged.yaml",
	    "suite: merged\n"
	    "defaults:\n"
	    "  timeout: 300ms\n"
	    "  level: should\n"
	    "  tags: [d]\n"
	    "  query: {name: example., type: SOA, id: 7, flags: {rd: 1}}\n"
	    "  expect: {rcode: NOERROR, flags: {has: [qr]}}\n"
	    "cases:\n"
	    "  - {name: a}\n"
	    "  - {name: b, query: {type: MX, flags: {cd: 1}}}\n"
	    "  - {name: c, query: {question: [{name: x., type: A}]}}\n"
	    "  - {name: d, query: {hex: '00'}}\n"
	    "  - {name: e, expect: {rcode: NXDOMAIN}}\n"
	    "  - {name: f, level: may, timeout: 1s, tags: [x], retries: 3}\n"
	    "  - {name: g, matrix: {t: [A, AAAA]}, query: {type: \"${t}\"}}\n");
	sc_suite_t e, l;
	diag_t d = {0};
	load_ok(p, NULL, 0, &e);
	if (!sc_load_file_lazy(p, NULL, 1, &l, &d)) {
		print_diag(&d);
		fail_msg("%s did not load lazily", p);
	}
	assert_int_equal(e.ncases, 8);
	assert_int_equal(l.ncases, 8);
	dns_arena_t a;
	dns_arena_init(&a, 0);
	for (size_t i = 0; i < e.ncases; i++) {
		const sc_case_t *ce = &e.cases[i];
		sc_query_t *q;
		sc_expect_t *x;
		assert_string_equal((const char *)ce->query->wire, want[i]);
		assert_true(sc_case_compile(&l, &l.cases[i], &a, &q, &x, &d));
		assert_string_equal((const char *)q->wire, want[i]);
		assert_int_equal(l.cases[i].timeout_ms, ce->timeout_ms);
		assert_int_equal(l.cases[i].level, ce->level);
		dns_arena_reset(&a);
	}
	char text[256] = "";
	node_text(e.cases[4].expect_node, text, sizeof(text));
	assert_string_equal(text, "{rcode: NXDOMAIN, flags: {has: [qr]}}");
	assert_true(e.cases[0].expect == e.cases[1].expect); /* shared */
	assert_int_equal(e.cases[0].timeout_ms, 300);
	assert_int_equal(e.cases[0].level, SC_SHOULD);
	assert_string_equal(e.cases[0].tags[0], "d");
	assert_int_equal(e.cases[5].timeout_ms, 1000);
	assert_int_equal(e.cases[5].retries, 3);
	assert_int_equal(e.cases[5].level, SC_MAY);
	assert_string_equal(e.cases[5].tags[0], "x");
	dns_arena_free(&a);
	sc_suite_free(&l);
	sc_suite_free(&e);
}

/* ---- lazy loading ----------------------------------------------------------
 */

/* Every case of a lazily loaded suite has the fields of the eagerly
 * loaded one and compiles, when asked, to the same query; errors are
 * still found while loading. */
static void test_lazy_same_as_eager(void **state)
{
	(void)state;
	put("lazy/inc.yaml",
	    "suite: inc\n"
	    "vars: {n: www}\n"
	    "defaults: {query: {name: \"${n}.example.\", type: A}}\n"
	    "cases:\n"
	    "  - name: inc-${n}\n"
	    "    expect: {rcode: NOERROR}\n");
	const char *p = put(
	    "lazy/top.yaml",
	    "suite: lazy\n"
	    "vars: {zone: example., lvl: should}\n"
	    "defaults:\n"
	    "  level: ${lvl}\n"
	    "  tags: [t1, t2]\n"
	    "  rfc: RFC 1035 ${zone}\n"
	    "  timeout: 300ms\n"
	    "  query: {name: \"${zone}\", type: SOA}\n"
	    "cases:\n"
	    "  - name: plain\n"
	    "    expect: {rcode: NOERROR, alive: true}\n"
	    "  - name: bits\n"
	    "    matrix: {rd: [0, 1], cd: [0, 1], t: [A, MX]}\n"
	    "    rfc: RFC 6840 ${t}\n"
	    "    transport: tcp\n"
	    "    query: {type: \"${t}\", flags: {rd: \"${rd}\", cd: "
	    "\"${cd}\"}}\n"
	    "  - name: raw-${zone}\n"
	    "    query: {hex: '0001 0000 0001 0000 0000 0000 00 0006 0001'}\n"
	    "  - name: skipped\n"
	    "    skip: not today ${zone}\n"
	    "include: [inc.yaml]\n");
	sc_var_t v = {"zone", "example.org."};
	sc_load_opts_t o = {&v, 1, NULL};
	sc_suite_t e, l;
	diag_t d = {0};
	if (!sc_load_file(p, &o, &e, &d) ||
	    !sc_load_file_lazy(p, &o, 1, &l, &d)) {
		print_diag(&d);
		fail_msg("%s did not load", p);
	}
	assert_int_equal(e.ncases, 12);
	assert_int_equal(l.ncases, e.ncases);
	dns_arena_t a;
	sc_query_t *q8;
	sc_expect_t *x8;
	dns_arena_init(&a, 0);
	for (size_t i = 0; i < e.ncases; i++) {
		const sc_case_t *ce = &e.cases[i], *cl = &l.cases[i];
		assert_string_equal(cl->name, ce->name);
		assert_true((cl->rfc == NULL) == (ce->rfc == NULL));
		if (ce->rfc != NULL)
			assert_string_equal(cl->rfc, ce->rfc);
		assert_int_equal(cl->level, ce->level);
		assert_int_equal(cl->ntags, ce->ntags);
		for (size_t t = 0; t < ce->ntags; t++)
			assert_string_equal(cl->tags[t], ce->tags[t]);
		assert_int_equal(cl->transport, ce->transport);
		assert_int_equal(cl->timeout_ms, ce->timeout_ms);
		assert_int_equal(cl->retries, ce->retries);
		assert_true((cl->skip == NULL) == (ce->skip == NULL));
		if (ce->skip != NULL)
			assert_string_equal(cl->skip, ce->skip);
		assert_null(cl->query);
		assert_null(cl->expect);
		assert_non_null(cl->lazy);
		assert_null(cl->node); /* sliced: no tree kept */
		assert_null(ce->lazy);
		sc_query_t *q;
		sc_expect_t *x;
		assert_true(sc_case_compile(&l, cl, &a, &q, &x, &d));
		assert_non_null(q);
		assert_non_null(x);
		assert_true(q->len > 0);
		assert_int_equal(q->len, ce->query->len);
		assert_memory_equal(q->wire, ce->query->wire, q->len);
		dns_arena_reset(&a);
		/* an eager case compiles to its own */
		assert_true(sc_case_compile(&e, ce, &a, &q, &x, &d));
		assert_ptr_equal(q, ce->query);
		assert_ptr_equal(x, ce->expect);
	}
	assert_string_equal(l.cases[8].name, "bits[rd=1,cd=1,t=MX]");
	assert_string_equal(l.cases[8].rfc, "RFC 6840 MX");
	assert_string_equal(l.cases[11].name, "inc-www");
	assert_true(sc_case_compile(&l, &l.cases[8], &a, &q8, &x8, &d));
	assert_string_equal((const char *)q8->wire,
			    "{type: MX, flags: {rd: 1, cd: 1}, name: "
			    "example.org.}");
	assert_string_equal(l.cases[10].skip, "not today example.org.");
	dns_arena_free(&a);
	sc_suite_free(&e);
	sc_suite_free(&l);

	/* a case that does not compile fails the lazy load too, located */
	const char *bad = put("lazy/bad.yaml",
			      "suite: bad\ncases:\n"
			      "  - {name: ok, query: {name: a.}}\n"
			      "  - {name: no, query: {name: a., bogus: 1}}\n");
	memset(&d, 0, sizeof(d));
	assert_false(sc_load_file_lazy(bad, NULL, 1, &l, &d));
	assert_int_equal(d.n, 1);
	assert_int_equal(d.e[0].line, 4);
	sc_suite_free(&l);

	/* a duplicate name is reported where both are */
	const char *dup =
	    put("lazy/dup.yaml", "suite: dup\ncases:\n"
				 "  # a comment\n"
				 "  -\n"
				 "    name: one\n"
				 "    query: {name: a.}\n"
				 "  - {name: one, query: {name: b.}}\n");
	memset(&d, 0, sizeof(d));
	assert_false(sc_load_file_lazy(dup, NULL, 1, &l, &d));
	assert_int_equal(d.n, 1);
	assert_int_equal(d.e[0].line, 7);
	assert_non_null(strstr(d.e[0].msg, "dup.yaml:4)"));
	sc_suite_free(&l);
}

/* Which files are lazy: those with min_cases cases or more; a flow
 * sequence cases: is not sliced (the cases keep their nodes). */
static void test_lazy_threshold(void **state)
{
	(void)state;
	const char *flow =
	    put("lazy/flow.yaml", "suite: flow\ndefaults: {query: {name: a.}}\n"
				  "cases: [{name: x}, {name: y}, {name: z}]\n");
	sc_suite_t s;
	diag_t d = {0};
	assert_true(sc_load_file_lazy(flow, NULL, 4, &s, &d));
	assert_non_null(s.cases[0].query); /* 3 < 4: eager */
	assert_null(s.cases[0].lazy);
	sc_suite_free(&s);
	assert_true(sc_load_file_lazy(flow, NULL, 3, &s, &d));
	assert_null(s.cases[2].query);
	assert_non_null(s.cases[2].lazy);
	assert_non_null(s.cases[2].node); /* a flow sequence: not sliced */
	assert_int_equal(s.cases[2].node->line, 3);
	dns_arena_t a;
	dns_arena_init(&a, 0);
	sc_query_t *q;
	sc_expect_t *x;
	assert_true(sc_case_compile(&s, &s.cases[2], &a, &q, &x, &d));
	assert_string_equal((const char *)q->wire, "{name: a.}");
	sc_suite_free(&s);

	/* sliced cases are read again from their file: one changed since
	 * it was loaded is an error, not another case */
	const char *text = "suite: chg\ndefaults: {query: {name: a.}}\n"
			   "cases:\n  - name: x\n  - name: y\n";
	const char *chg = put("lazy/chg.yaml", text);
	assert_true(sc_load_file_lazy(chg, NULL, 1, &s, &d));
	assert_true(sc_case_compile(&s, &s.cases[1], &a, &q, &x, &d));
	assert_string_equal((const char *)q->wire, "{name: a.}");
	put("lazy/chg.yaml", "suite: chg\ndefaults: {query: {name: b.}}\n"
			     "cases:\n  - name: x\n  - name: z\n  - name: w\n");
	memset(&d, 0, sizeof(d));
	assert_false(sc_case_compile(&s, &s.cases[1], &a, &q, &x, &d));
	assert_int_equal(d.n, 1);
	assert_int_equal(d.e[0].line, 5);
	assert_non_null(strstr(d.e[0].msg, "changed since it was loaded"));
	dns_arena_free(&a);
	sc_suite_free(&s);
}

/* ---- two threads -----------------------------------------------------------
 */

static const sc_var_t big_var = {"zone", "example.org."};

/* A file of n cases of many kinds (vars:, defaults:, matrix:, hex:,
 * question:, fields of their own), written to rel; the cases at bad get
 * a query the stand-in rejects, those at dup the name of case 10, and,
 * without refs, nothing refers to a variable. */
static const char *big_file(const char *rel, size_t n, const size_t *bad,
			    size_t nbad, const size_t *dup, size_t ndup,
			    bool refs)
{
	size_t cap = 200 * n + 1024, len = 0;
	char *t = malloc(cap);
	assert_non_null(t);
	const char *zone = refs ? "${zone}" : "example.";
	len += (size_t)snprintf(t + len, cap - len,
				"suite: big\n"
				"vars: {zone: example., lvl: should}\n"
				"defaults:\n"
				"  level: %s\n"
				"  tags: [t1]\n"
				"  timeout: 300ms\n"
				"  query: {name: \"%s\", type: SOA}\n"
				"  expect: {rcode: NOERROR}\n"
				"cases:\n",
				refs ? "${lvl}" : "should", zone);
	for (size_t i = 0; i < n; i++) {
		char name[32];
		const char *bogus = "";
		snprintf(name, sizeof(name), "c%zu", i);
		for (size_t k = 0; k < ndup; k++)
			if (dup[k] == i)
				snprintf(name, sizeof(name), "c10");
		for (size_t k = 0; k < nbad; k++)
			if (bad[k] == i)
				bogus = ", bogus: 1";
		if (i % 97 == 5)
			len += (size_t)snprintf(
			    t + len, cap - len,
			    "  - name: %s\n"
			    "    matrix: {rd: [0, 1], t: [A, MX]}\n"
			    "    query: {type: \"${t}\", flags: {rd: "
			    "\"${rd}\"}%s}\n",
			    name, bogus);
		else if (i % 13 == 1)
			len += (size_t)snprintf(
			    t + len, cap - len,
			    "  - {name: %s, level: may, tags: [x, y], rfc: "
			    "RFC %zu, query: {name: a.%s}}\n",
			    name, i, bogus);
		else if (i % 17 == 2)
			len += (size_t)snprintf(
			    t + len, cap - len,
			    "  - {name: %s, query: {hex: '0001 0000 0001 0000 "
			    "0000 0000 00 0006 0001'%s}}\n",
			    name, bogus);
		else if (i % 19 == 3)
			len += (size_t)snprintf(
			    t + len, cap - len,
			    "  - {name: %s, skip: later, transport: tcp, "
			    "retries: 3, query: {id: 7%s}}\n",
			    name, bogus);
		else if (i % 29 == 6) /* a timeout: of its own */
			len += (size_t)snprintf(
			    t + len, cap - len,
			    "  - {name: %s, timeout: %zums, query: {name: "
			    "\"t%zu.%s\"%s}}\n",
			    name, 10 * (i % 41 + 1), i, zone, bogus);
		else if (i % 23 == 4)
			len += (size_t)snprintf(
			    t + len, cap - len,
			    "  - name: %s\n"
			    "    expect: {rcode: NXDOMAIN}\n"
			    "    query: {question: {name: \"q%zu.%s\"}%s}\n",
			    name, i, zone, bogus);
		else
			len += (size_t)snprintf(
			    t + len, cap - len,
			    "  - {name: %s, query: {name: \"h%zu.%s\", type: "
			    "A%s}}\n",
			    name, i, zone, bogus);
		assert_true(len < cap);
	}
	const char *p = put(rel, t);
	free(t);
	return p;
}

/* Load p (lazy_min as sc_load_file_lazy's min_cases) on threads. */
static bool load_threads(const char *p, size_t lazy_min, unsigned threads,
			 sc_suite_t *s, diag_t *d)
{
	sc_load_opts_t o = {&big_var, 1, NULL};
	memset(d, 0, sizeof(*d));
	return sc_load_file_threads(p, &o, lazy_min, threads, s, d);
}

static void same_diag(const diag_t *a, const diag_t *b)
{
	assert_int_equal(a->n, b->n);
	assert_int_equal(a->more, b->more);
	for (unsigned i = 0; i < a->n; i++) {
		assert_string_equal(a->e[i].file, b->e[i].file);
		assert_int_equal(a->e[i].line, b->e[i].line);
		assert_int_equal(a->e[i].col, b->e[i].col);
		assert_string_equal(a->e[i].msg, b->e[i].msg);
	}
}

static void same_str(const char *a, const char *b)
{
	assert_true((a == NULL) == (b == NULL));
	if (a != NULL)
		assert_string_equal(a, b);
}

/* The query of case c of s, compiled again when it is lazy, as text
 * ("!" when it does not compile: a case of a suite that did not load). */
static void query_text(const sc_suite_t *s, const sc_case_t *c, dns_arena_t *a,
		       char *buf, size_t cap)
{
	sc_query_t *q;
	sc_expect_t *x;
	diag_t d = {0};
	bool ok = sc_case_compile(s, c, a, &q, &x, &d) && q != NULL;
	snprintf(buf, cap, "%s", ok ? (const char *)q->wire : "!");
}

/* a and b hold the same cases. */
static void same_suite(const sc_suite_t *a, const sc_suite_t *b)
{
	assert_int_equal(a->ncases, b->ncases);
	dns_arena_t ar;
	dns_arena_init(&ar, 0);
	for (size_t i = 0; i < a->ncases; i++) {
		const sc_case_t *x = &a->cases[i], *y = &b->cases[i];
		char qa[1024], qb[1024];
		assert_string_equal(x->name, y->name);
		same_str(x->rfc, y->rfc);
		same_str(x->skip, y->skip);
		assert_int_equal(x->level, y->level);
		assert_int_equal(x->ntags, y->ntags);
		for (size_t t = 0; t < x->ntags; t++)
			assert_string_equal(x->tags[t], y->tags[t]);
		assert_int_equal(x->transport, y->transport);
		assert_int_equal(x->timeout_ms, y->timeout_ms);
		assert_int_equal(x->retries, y->retries);
		assert_int_equal(x->requires, y->requires);
		assert_true((x->node == NULL) == (y->node == NULL));
		if (x->node != NULL) {
			assert_int_equal(x->node->line, y->node->line);
			assert_int_equal(x->node->col, y->node->col);
		}
		assert_true((x->lazy == NULL) == (y->lazy == NULL));
		query_text(a, x, &ar, qa, sizeof(qa));
		query_text(b, y, &ar, qb, sizeof(qb));
		assert_string_equal(qa, qb);
		dns_arena_reset(&ar);
	}
	dns_arena_free(&ar);
}

/* Loaded eagerly a unit at a time (parse_pieces): every case has a
 * location but no query or expect node (its unit's tree is gone). */
static bool in_pieces(const sc_suite_t *s)
{
	for (size_t i = 0; i < s->ncases; i++) {
		const sc_case_t *c = &s->cases[i];
		if (c->lazy != NULL || c->node == NULL || c->node->n != 0 ||
		    c->query_node != NULL || c->expect_node != NULL)
			return false;
	}
	return s->ncases > 0;
}

/* p loads eagerly from load_sliced (as dnsharness run loads a file of
 * fewer cases than SC_LAZY_MIN) on two threads a unit at a time
 * (pieces: when it pays and parses so), to the same cases and errors as
 * parsed whole, on one thread or two. */
static void same_as_whole(const char *p, bool ok, bool pieces)
{
	sc_suite_t whole, one, two;
	diag_t dw, d1, d2;
	bool okw = load_threads(p, SIZE_MAX, 2, &whole, &dw);
	bool ok1 = load_threads(p, 1000000, 1, &one, &d1);
	bool ok2 = load_threads(p, 1000000, 2, &two, &d2);
	if (okw != ok || ok1 != ok || ok2 != ok || in_pieces(&two) != pieces) {
		print_diag(&d2);
		fprintf(stderr, "%s: not as expected\n", p);
	}
	assert_int_equal(okw, ok);
	assert_int_equal(ok1, ok);
	assert_int_equal(ok2, ok);
	assert_false(in_pieces(&whole));
	assert_false(in_pieces(&one));
	assert_int_equal(in_pieces(&two), pieces);
	same_diag(&dw, &d2);
	same_diag(&d1, &d2);
	same_suite(&whole, &two);
	same_suite(&one, &two);
	sc_suite_free(&whole);
	sc_suite_free(&one);
	sc_suite_free(&two);
}

/* p loads the same with one thread and with two: eager (whole tree),
 * eager from load_sliced (as dnsharness run loads a file of fewer cases
 * than SC_LAZY_MIN: of fewer lines, or, for the files of 3000 cases of
 * big_file, of more lines but fewer cases; on two threads a unit at a
 * time) and lazy (a slice at a time). */
static void same_on_two(const char *p, bool ok)
{
	static const size_t mins[] = {SIZE_MAX, 1000000, 3100, 1};
	for (size_t m = 0; m < sizeof(mins) / sizeof(mins[0]); m++) {
		sc_suite_t one, two;
		diag_t d1, d2;
		bool ok1 = load_threads(p, mins[m], 1, &one, &d1);
		bool ok2 = load_threads(p, mins[m], 2, &two, &d2);
		if (ok1 != ok || ok2 != ok) {
			print_diag(ok1 != ok ? &d1 : &d2);
			fprintf(stderr, "%s (min %zu): not as expected\n", p,
				mins[m]);
		}
		assert_int_equal(ok1, ok);
		assert_int_equal(ok2, ok);
		same_diag(&d1, &d2);
		same_suite(&one, &two);
		sc_suite_free(&one);
		sc_suite_free(&two);
	}
}

/* A large file loads to the same cases on two threads as on one, with
 * defaults:, vars:, matrix: and cases of every kind in every unit. */
static void test_threads_same(void **state)
{
	(void)state;
	same_on_two(big_file("big/refs.yaml", 3000, NULL, 0, NULL, 0, true),
		    true);
	same_on_two(big_file("big/plain.yaml", 2100, NULL, 0, NULL, 0, false),
		    true);
	/* fewer than three units: one thread */
	same_on_two(big_file("big/small.yaml", 600, NULL, 0, NULL, 0, true),
		    true);
	sc_suite_t s;
	diag_t d;
	assert_true(load_threads(put("big/none.yaml", "suite: n\ncases: []\n"),
				 1, 2, &s, &d) == false);
	sc_suite_free(&s);
}

/* Duplicate names and errors after the first unit (in units of either
 * thread, and more of them than a diag holds) are reported exactly as
 * with one thread, in the same order. */
static void test_threads_errors(void **state)
{
	(void)state;
	static const size_t dup[] = {300, 301, 700, 1500, 2999};
	same_on_two(big_file("big/dup.yaml", 3000, NULL, 0, dup, 5, true),
		    false);
	static const size_t bad[] = {260, 600, 1200, 1201, 2500};
	same_on_two(big_file("big/bad.yaml", 3000, bad, 5, NULL, 0, true),
		    false);
	size_t many[100];
	for (size_t i = 0; i < 100; i++)
		many[i] = 256 + 27 * i;
	same_on_two(big_file("big/many.yaml", 3000, many, 100, dup, 5, false),
		    false);
	/* a duplicate in the second thread's part says where the first is */
	sc_suite_t s;
	diag_t d;
	assert_false(load_threads(
	    big_file("big/dup1.yaml", 2000, NULL, 0, dup + 3, 1, true), 1, 2,
	    &s, &d));
	assert_int_equal(d.n, 1);
	assert_non_null(strstr(d.e[0].msg, "duplicate case name 'c10'"));
	assert_non_null(strstr(d.e[0].msg, "dup1.yaml:"));
	sc_suite_free(&s);
}

/* big_file's text with more appended: after its cases (extra_at SIZE_MAX)
 * or as an item before case extra_at. */
static const char *big_with(const char *rel, size_t n, size_t extra_at,
			    const char *extra)
{
	const char *p = big_file(rel, n, NULL, 0, NULL, 0, true);
	FILE *f = fopen(p, "r");
	assert_non_null(f);
	size_t cap = 300 * n + strlen(extra) + 1024, len = 0, line = 0,
	       item = 0;
	char *t = malloc(cap), buf[512];
	assert_non_null(t);
	while (fgets(buf, sizeof(buf), f) != NULL) {
		line++;
		if (strncmp(buf, "  - ", 4) == 0 && item++ == extra_at)
			len +=
			    (size_t)snprintf(t + len, cap - len, "%s", extra);
		len += (size_t)snprintf(t + len, cap - len, "%s", buf);
	}
	fclose(f);
	if (extra_at == SIZE_MAX)
		len += (size_t)snprintf(t + len, cap - len, "%s", extra);
	assert_true(len < cap);
	p = put(rel, t);
	free(t);
	return p;
}

/* The same with a case whose query: is m mappings deep (m + 1 with the
 * case's own; the whole file allows 62 under its top mapping and
 * cases:, NODE_MAX_DEPTH in all). */
static const char *big_deep(const char *rel, size_t n, size_t at, unsigned m)
{
	char deep[1024] = "  - {name: deep, query: ";
	for (unsigned i = 0; i < m; i++)
		strcat(deep, "{a: ");
	strcat(deep, "1");
	for (unsigned i = 0; i < m; i++)
		strcat(deep, "}");
	strcat(deep, "}\n");
	return big_with(rel, n, at, deep);
}

/* A file of many cases is parsed in two parts on two threads when its
 * last key is cases: (load_sliced, parse_two), else whole; either way
 * the tree and the errors are those of the whole file's parse: keys
 * after cases:, YAML errors after the cut, a quoted scalar whose lines
 * look like items, nesting as deep as the whole file allows and one
 * level deeper. */
static void test_threads_parse(void **state)
{
	(void)state;
	put("big/inc.yaml", "suite: inc\ncases:\n"
			    "  - {name: inc1, query: {name: i.}}\n");
	same_on_two(
	    big_with("big/incl.yaml", 2000, SIZE_MAX, "include: [inc.yaml]\n"),
	    true);
	same_on_two(big_with("big/yerr.yaml", 2000, 1500,
			     "  - {name: broken, query: {name: x.}\n"),
		    false);
	same_on_two(big_with("big/ykey.yaml", 2000, 1500, "  zzz: 1\n"), false);
	same_on_two(
	    big_with("big/after.yaml", 2000, SIZE_MAX, "vars: {zone: late.}\n"),
	    false); /* vars: twice */
	char *quoted = malloc(64 * 1000 + 64);
	assert_non_null(quoted);
	quoted[0] = '\0';
	for (unsigned i = 0; i < 1000; i++) { /* a quoted scalar's lines */
		char one[64];
		snprintf(one, sizeof(one),
			 "  - {name: qq%u, rfc: \"RFC\n  - %u\"}\n", i, i);
		strcat(quoted, one);
	}
	same_on_two(big_with("big/quoted.yaml", 1000, 999, quoted), true);
	free(quoted);
	same_on_two(big_deep("big/deep61.yaml", 2000, 1900, 61), true);
	same_on_two(big_deep("big/deep62.yaml", 2000, 1900, 62), false);
	sc_suite_t s;
	diag_t d;
	assert_false(load_threads(big_deep("big/deep62.yaml", 2000, 1900, 62),
				  1000000, 2, &s, &d));
	assert_int_equal(d.n, 1);
	assert_non_null(strstr(d.e[0].msg, "nesting deeper"));
	sc_suite_free(&s);
	/* read a slice at a time, the error is the same */
	char text[1024] = "suite: d\ncases:\n  - {name: a}\n"
			  "  - {name: deep, query: ";
	for (unsigned i = 0; i < 62; i++)
		strcat(text, "{a: ");
	strcat(text, "1");
	for (unsigned i = 0; i < 63; i++)
		strcat(text, "}");
	strcat(text, "\n");
	const char *dp = put("big/deep.yaml", text);
	diag_t whole;
	sc_suite_t ws;
	assert_false(load_threads(dp, SIZE_MAX, 1, &ws, &whole));
	assert_int_equal(whole.n, 1);
	assert_non_null(strstr(whole.e[0].msg, "nesting deeper"));
	assert_false(load_threads(dp, 1, 1, &s, &d));
	same_diag(&whole, &d); /* (file names in the suites' arenas) */
	sc_suite_free(&ws);
	sc_suite_free(&s);
}

/* n cases of the same shape (names and values as wide), the last of
 * each unit with a timeout: of its own (the memory of a unit's tree is
 * reused for the next one's: the same node at the same place). */
static const char *same_shape(const char *rel, size_t n)
{
	size_t cap = 80 * n + 64, len = 0;
	char *t = malloc(cap);
	assert_non_null(t);
	len += (size_t)snprintf(t, cap, "suite: shape\ncases:\n");
	for (size_t i = 0; i < n; i++) {
		if (i % 256 == 255)
			len += (size_t)snprintf(
			    t + len, cap - len,
			    "  - {name: c%05zu, timeout: %03zums, query: "
			    "{name: h%05zu.}}\n",
			    i, 100 + i / 256, i);
		else
			len += (size_t)snprintf(
			    t + len, cap - len,
			    "  - {name: c%05zu, query: {name: h%05zu.}}\n", i,
			    i);
		assert_true(len < cap);
	}
	const char *p = put(rel, t);
	free(t);
	return p;
}

/* A large file loaded eagerly on two threads is parsed a unit at a time,
 * each unit's tree dropped once its cases are compiled (parse_pieces):
 * the same cases as parsed whole, their texts (names, tags, rfc:, skip:,
 * the query as the builder was given it, timeouts of their own read
 * while the nodes of the unit before are reused) intact after every
 * unit's tree is gone; the same errors (duplicates, compile errors,
 * more than a diag holds, a YAML error in a unit: then the file is
 * loaded again whole), and whole when slicing cannot take the file. */
static void test_pieces(void **state)
{
	(void)state;
	static const size_t dup[] = {300, 301, 700, 1500, 2999};
	static const size_t bad[] = {260, 600, 1200, 1201, 2500};
	size_t many[100];
	for (size_t i = 0; i < 100; i++)
		many[i] = 256 + 27 * i;
	same_as_whole(big_file("big/p-refs.yaml", 3000, NULL, 0, NULL, 0, true),
		      true, true);
	same_as_whole(
	    big_file("big/p-plain.yaml", 2100, NULL, 0, NULL, 0, false), true,
	    true);
	same_as_whole(big_file("big/p-small.yaml", 600, NULL, 0, NULL, 0, true),
		      true, false); /* fewer than three units */
	same_as_whole(big_file("big/p-dup.yaml", 3000, NULL, 0, dup, 5, true),
		      false, true);
	same_as_whole(big_file("big/p-bad.yaml", 3000, bad, 5, NULL, 0, true),
		      false, true);
	same_as_whole(
	    big_file("big/p-many.yaml", 3000, many, 100, dup, 5, false), false,
	    true);
	same_as_whole(big_with("big/p-yerr.yaml", 2000, 1500,
			       "  - {name: broken, query: {name: x.}\n"),
		      false, false); /* loaded again whole */
	same_as_whole(big_with("big/p-yerr0.yaml", 2000, 3,
			       "  - {name: broken, query: {name: x.}\n"),
		      false, false);
	same_as_whole(big_with("big/p-alias.yaml", 2000, 1100,
			       "  - &a {name: anchored, query: {name: x.}}\n"),
		      false, false);
	same_as_whole(big_deep("big/p-deep61.yaml", 2000, 1900, 61), true,
		      true);
	same_as_whole(big_deep("big/p-deep62.yaml", 2000, 1900, 62), false,
		      false);
	same_as_whole(big_with("big/p-block.yaml", 2000, 700,
			       "  - name: block\n"
			       "    rfc: |\n"
			       "      RFC 1035\n"
			       "      - not an item\n"
			       "    tags: [a, \"b\\x2dc\"]\n"
			       "    query: {name: b.}\n"),
		      true, true);
	same_as_whole(
	    big_with("big/p-after.yaml", 2000, SIZE_MAX, "about: after\n"),
	    true, true);
	same_as_whole(same_shape("big/p-shape.yaml", 4000), true, true);
	same_as_whole(
	    big_with("big/p-keyafter.yaml", 2000, SIZE_MAX, "zzz: 1\n"), false,
	    true);
}

/* A mistake in defaults: is reported once, at the first case that reads
 * them: here the first case without a matrix, after a unit of matrix
 * cases that define the variable defaults: use. */
static void test_threads_defaults_error(void **state)
{
	(void)state;
	size_t cap = 64 * 2000, len = 0;
	char *t = malloc(cap);
	assert_non_null(t);
	len += (size_t)snprintf(t + len, cap - len,
				"suite: d\n"
				"defaults: {query: {name: \"${v}.example.\"}}\n"
				"cases:\n");
	for (unsigned i = 0; i < 300; i++)
		len +=
		    (size_t)snprintf(t + len, cap - len,
				     "  - {name: m%u, matrix: {v: [a]}}\n", i);
	for (unsigned i = 0; i < 1200; i++)
		len += (size_t)snprintf(t + len, cap - len, "  - {name: p%u}\n",
					i);
	assert_true(len < cap);
	same_on_two(put("big/defs.yaml", t), false);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_fields_and_defaults),
	    cmocka_unit_test(test_builtin_defaults),
	    cmocka_unit_test(test_case_requires),
	    cmocka_unit_test(test_hex_query_replaces_defaults),
	    cmocka_unit_test(test_question_replaces_default_question),
	    cmocka_unit_test(test_var_precedence),
	    cmocka_unit_test(test_substitution_text),
	    cmocka_unit_test(test_substitution_shares_and_keeps_source),
	    cmocka_unit_test(test_matrix_names),
	    cmocka_unit_test(test_matrix_limit),
	    cmocka_unit_test(test_merged_values),
	    cmocka_unit_test(test_lazy_same_as_eager),
	    cmocka_unit_test(test_lazy_threshold),
	    cmocka_unit_test(test_threads_same),
	    cmocka_unit_test(test_threads_errors),
	    cmocka_unit_test(test_threads_parse),
	    cmocka_unit_test(test_threads_defaults_error),
	    cmocka_unit_test(test_pieces),
	    cmocka_unit_test(test_shared_expectation),
	    cmocka_unit_test(test_errors_not_repeated),
	    cmocka_unit_test(test_compile_errors_located),
	    cmocka_unit_test(test_include),
	    cmocka_unit_test(test_include_confined),
	    cmocka_unit_test(test_include_cycles),
	    cmocka_unit_test(test_collect_paths),
	    cmocka_unit_test(test_malformed),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
