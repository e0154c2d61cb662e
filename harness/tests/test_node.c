/* test_node.c - YAML node tree, diagnostics, typed getters, merge. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "scenario/node.h"

static node_t *parse(dns_arena_t *a, const char *text, diag_t *d)
{
	memset(d, 0, sizeof(*d));
	return node_parse(text, strlen(text), "t.yaml", a, d);
}

static void test_tree(void **state)
{
	(void)state;
	dns_arena_t a;
	diag_t d;
	dns_arena_init(&a, 0);
	node_t *root = parse(&a,
			     "suite: x\n"
			     "cases:\n"
			     "  - name: one\n"
			     "    query: {name: \"example.\", type: SOA}\n"
			     "  - name: 'two'\n",
			     &d);
	assert_non_null(root);
	assert_int_equal(root->kind, NODE_MAP);
	assert_int_equal(root->n, 2);
	node_t *cases = node_get(root, "cases");
	assert_non_null(cases);
	assert_int_equal(cases->kind, NODE_SEQ);
	assert_int_equal(cases->n, 2);
	node_t *q = node_get(cases->vals[0], "query");
	assert_int_equal(q->line, 4);
	assert_int_equal(q->col, 12);
	node_t *name = node_get(q, "name");
	assert_string_equal(name->str, "example.");
	assert_true(name->quoted);
	assert_false(node_get(q, "type")->quoted);
	assert_true(node_get(cases->vals[1], "name")->quoted);
	assert_null(node_get(root, "missing"));
	assert_int_equal(node_key(root, "cases")->line, 2);
	dns_arena_free(&a);
}

typedef struct {
	const char *text;
	unsigned line, col;
	const char *msg;
} bad_t;

static void test_errors(void **state)
{
	(void)state;
	static const bad_t bad[] = {
	    {"a: 1\na: 2\n", 2, 1, "duplicate key 'a' (first at line 1)"},
	    {"a: [1, 2\n", 2, 1, "YAML syntax"},
	    {"a: &x 1\nb: *x\n", 1, 4, "anchors and aliases"},
	    {"? [1]\n: 2\n", 1, 3, "mapping key must be a scalar"},
	    {"a: 1\n---\nb: 2\n", 2, 1, "more than one YAML document"},
	    {"", 1, 1, "empty document"},
	    {"a: \"unterminated\n", 2, 1, "YAML syntax"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		dns_arena_t a;
		diag_t d;
		dns_arena_init(&a, 0);
		node_t *root = parse(&a, bad[i].text, &d);
		if (root != NULL || d.n == 0)
			fail_msg("case %zu parsed", i);
		if (d.e[0].line != bad[i].line || d.e[0].col != bad[i].col ||
		    strstr(d.e[0].msg, bad[i].msg) == NULL)
			fail_msg("case %zu: %u:%u: %s", i, d.e[0].line,
				 d.e[0].col, d.e[0].msg);
		dns_arena_free(&a);
	}
}

static void test_getters(void **state)
{
	(void)state;
	dns_arena_t a;
	diag_t d;
	dns_arena_init(&a, 0);
	node_t *r = parse(&a,
			  "n: 65535\nbig: 65536\nhex: 0x1F\nneg: -1\n"
			  "t: yes\nf: 0\nbad: maybe\n"
			  "ms: 500ms\ns: 2s\nm: 1.5m\nbare: 3\nbadms: 2h\n"
			  "e: TCP\nk: {a: 1, b: 2}\n",
			  &d);
	assert_non_null(r);
	unsigned long v;
	bool b;
	assert_true(node_u32(node_get(r, "n"), 65535, &v, &d));
	assert_int_equal(v, 65535);
	assert_false(node_u32(node_get(r, "big"), 65535, &v, &d));
	assert_true(node_u32(node_get(r, "hex"), 65535, &v, &d));
	assert_int_equal(v, 31);
	assert_false(node_u32(node_get(r, "neg"), 65535, &v, &d));
	assert_true(node_bool(node_get(r, "t"), &b, &d) && b);
	assert_true(node_bool(node_get(r, "f"), &b, &d) && !b);
	assert_false(node_bool(node_get(r, "bad"), &b, &d));
	assert_true(node_ms(node_get(r, "ms"), &v, &d));
	assert_int_equal(v, 500);
	assert_true(node_ms(node_get(r, "s"), &v, &d));
	assert_int_equal(v, 2000);
	assert_true(node_ms(node_get(r, "m"), &v, &d));
	assert_int_equal(v, 90000);
	assert_true(node_ms(node_get(r, "bare"), &v, &d));
	assert_int_equal(v, 3000);
	assert_false(node_ms(node_get(r, "badms"), &v, &d));
	static const char *const tr[] = {"udp", "tcp", "dot", NULL};
	unsigned idx;
	assert_true(node_enum(node_get(r, "e"), tr, &idx, &d));
	assert_int_equal(idx, 1);
	assert_false(node_enum(node_get(r, "k"), tr, &idx, &d));
	static const char *const keys[] = {"a", NULL};
	unsigned before = d.n;
	assert_false(node_check_keys(node_get(r, "k"), "thing", keys, &d));
	assert_int_equal(d.n, before + 1);
	assert_int_equal(d.e[before].line, 14);
	assert_int_equal(d.e[before].col, 11);
	assert_non_null(strstr(
	    d.e[before].msg, "unknown key 'b' in thing (expected one of: a)"));
	dns_arena_free(&a);
}

static void test_merge_clone(void **state)
{
	(void)state;
	dns_arena_t a;
	diag_t d;
	dns_arena_init(&a, 0);
	node_t *base =
	    parse(&a,
		  "query: {name: example., type: SOA, edns: {do: 1}}\n"
		  "timeout: 1s\n",
		  &d);
	node_t *over = parse(&a, "query: {type: A, edns: {version: 1}}\n", &d);
	node_t *m = node_merge(base, over, &a);
	node_t *q = node_get(m, "query");
	assert_string_equal(node_get(q, "type")->str, "A");
	assert_string_equal(node_get(q, "name")->str, "example.");
	assert_string_equal(node_get(node_get(q, "edns"), "version")->str, "1");
	assert_string_equal(node_get(node_get(q, "edns"), "do")->str, "1");
	assert_string_equal(node_get(m, "timeout")->str, "1s");
	/* the inputs are untouched */
	assert_null(node_get(node_get(over, "query"), "name"));
	assert_int_equal(node_get(base, "query")->n, 3);
	node_t *c = node_clone(m, &a);
	assert_non_null(c);
	assert_true(c != m);
	assert_string_equal(node_get(node_get(c, "query"), "type")->str, "A");
	assert_int_equal(node_get(c, "timeout")->line, 2);
	assert_true(node_merge(NULL, over, &a) == over);
	assert_true(node_merge(base, NULL, &a) == base);
	dns_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tree),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_getters),
	    cmocka_unit_test(test_merge_clone),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
