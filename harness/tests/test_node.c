/* test_node.c - YAML node tree, diagnostics, typed getters, merge. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
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
	/* keys are equal as strcmp sees them: up to a NUL */
	base = parse(&a, "{\"a\\0x\": {p: 1}, b: 2}", &d);
	over = parse(&a, "{c: 4, a: {q: 3}}", &d);
	m = node_merge(base, over, &a);
	assert_int_equal(m->n, 3);
	assert_string_equal(m->keys[0]->str, "c");
	assert_string_equal(m->keys[1]->str, "a");
	assert_string_equal(node_get(m->vals[1], "p")->str, "1");
	assert_string_equal(node_get(m->vals[1], "q")->str, "3");
	assert_string_equal(m->keys[2]->str, "b");
	/* none in common */
	m = node_merge(over, parse(&a, "{d: 5}", &d), &a);
	assert_int_equal(m->n, 3);
	assert_string_equal(m->keys[0]->str, "d");
	assert_string_equal(m->keys[1]->str, "c");
	assert_string_equal(m->keys[2]->str, "a");
	dns_arena_free(&a);
}

/* Two trees alike: kinds, locations, texts (with their lengths), quoting
 * and order; fail_msg names the first difference. */
static void same_tree(const node_t *x, const node_t *y, size_t doc)
{
	if (x->kind != y->kind || x->line != y->line || x->col != y->col)
		fail_msg("doc %zu: %s at %u:%u, %s at %u:%u", doc,
			 node_kind_name(x->kind), x->line, x->col,
			 node_kind_name(y->kind), y->line, y->col);
	if (x->kind == NODE_SCALAR) {
		if (x->len != y->len || memcmp(x->str, y->str, x->len) != 0 ||
		    x->quoted != y->quoted || strcmp(x->file, y->file) != 0)
			fail_msg("doc %zu: '%s' / '%s' at %u:%u", doc, x->str,
				 y->str, x->line, x->col);
		return;
	}
	if (x->n != y->n)
		fail_msg("doc %zu: %zu / %zu items at %u:%u", doc, x->n, y->n,
			 x->line, x->col);
	for (size_t i = 0; i < x->n; i++) {
		if (x->kind == NODE_MAP)
			same_tree(x->keys[i], y->keys[i], doc);
		same_tree(x->vals[i], y->vals[i], doc);
	}
}

/* The fast reader takes text (len bytes) into the tree libyaml gives. */
static void fast_same(const char *text, size_t len, size_t doc)
{
	dns_arena_t a;
	diag_t d = {0};
	dns_arena_init(&a, 0);
	node_t *fast = node_parse_plain(text, len, "t.yaml", &a);
	node_t *slow = node_parse_libyaml(text, len, "t.yaml", &a, &d);
	if (fast == NULL || slow == NULL)
		fail_msg("doc %zu: fast %p, libyaml %p (%s)", doc, (void *)fast,
			 (void *)slow, d.n ? d.e[0].msg : "");
	same_tree(fast, slow, doc);
	dns_arena_free(&a);
}

/* The fast reader gives up on text (without a word), and node_parse says
 * what libyaml says. */
static void fast_gives_up(const char *text, size_t len, size_t doc)
{
	dns_arena_t a;
	diag_t d1 = {0}, d2 = {0};
	dns_arena_init(&a, 0);
	if (node_parse_plain(text, len, "t.yaml", &a) != NULL)
		fail_msg("doc %zu read as plain YAML", doc);
	node_t *x = node_parse(text, len, "t.yaml", &a, &d1);
	node_t *y = node_parse_libyaml(text, len, "t.yaml", &a, &d2);
	if ((x == NULL) != (y == NULL) || d1.n != d2.n)
		fail_msg("doc %zu: node_parse differs from libyaml", doc);
	if (x != NULL)
		same_tree(x, y, doc);
	for (unsigned k = 0; k < d1.n; k++)
		if (d1.e[k].line != d2.e[k].line ||
		    d1.e[k].col != d2.e[k].col ||
		    strcmp(d1.e[k].msg, d2.e[k].msg) != 0)
			fail_msg("doc %zu: %s / %s", doc, d1.e[k].msg,
				 d2.e[k].msg);
	dns_arena_free(&a);
}

/* Plain YAML: read without libyaml, into the tree libyaml gives. */
static void test_fast_same_tree(void **state)
{
	(void)state;
	static const char *const docs[] = {
	    "suite: x\ncases:\n  - {name: q1, query: {name: h1.example., "
	    "type: A}}\n  - {name: q2, query: {name: h2.example., type: A}}\n",
	    "a: 1\nb: [x, y]\nc: {d: e, f: [g]}\n",
	    "# head\n\nsuite: s\ndefaults:\n  timeout: 2s   # c\n"
	    "  expect: {rcode: NXDOMAIN}\ncases:\n"
	    "  - name: a\n    query:\n      name: ${zone}\n      type: SOA\n"
	    "    tags: [x, y-z, '1']\n  -   name: b\n      rfc: RFC 1035 4.1.1"
	    "\n",
	    "k:\n- a\n- b: c\n  d: e\n-  f\nz: y # c\n",
	    "  - {name: q1, query: {name: h1., type: A}}\n"
	    "  - {name: q2, query: {name: h2., type: A}}\n",
	    "x:   \n  y: z\n\n  w:\n    - 1\n    - -2\n    - \"q q\"\n"
	    "    - 's\\x'\nv: a:b #c\nu: a#b\nt: 2001:db8::1\n",
	    "a: {}\nb: []\nc: [ ]\nd: { }\ne: [[1], {x: y}, []]\n",
	    "a: \"\"\nb: ''\nc: ' sp '\nd: \"x, y: z\"\ne: [\"a]\", 'b}']\n",
	    "top:\n  mid:\n    low:\n      - x\n    low2: y\n  mid2: z\n",
	    "a: b c   \nd: {e: f g , h: i}\nf: [ 1 ,2 ]\n",
	    "no-newline: at-the-end",
	    /* flow collections: nesting, empty ones, spaces, comments after */
	    "a: {b: {c: {d: [e, [f, {g: h}]]}}}\n",
	    "- {name: q1, query: {name: h1., type: A}}  # c\n- [a, 'b', "
	    "\"c\"]\n",
	    "a: [{}]\nb: [[]]\nc: {d: {}}\ne: {f: []}\ng: [{x: 1}, {y: 2}]\n",
	    "a: [ a , b ,c ]\nb: {  c:  d  ,e: f}\n",
	    /* ':' and '#' inside plain scalars, '-' first */
	    "a: [c#d, x#, e.f]\nb: {k: v#w, l: m#n}\n",
	    "a: [-1, -.5, -x, -1.5e3, a-b]\n",
	    /* quoted scalars, with what ends a plain one inside */
	    "a: [\"x, y\", 'z]', \"}\", '{', \"#\", ': ', \"\", '']\n"
	    "b: {k: \"v\", l: 'w', m: \"a b\"}\n",
	    /* scalars of every length the copy takes apart */
	    "a: [x, xy, xyz, abcd, abcde, abcdefg, abcdefgh, abcdefghi, "
	    "abcdefghijklmnop, abcdefghijklmnopq, "
	    "abcdefghijklmnopqrstuvwxyz0123456789.example.]\n",
	    /* at the end of the text, without a line feed */
	    "a: {b: c}",
	    "a: [b, {c: d}]   ",
	    "cases:\n  - {name: a}\n  - {name: b}",
	    "a: [x]\n\n\n# end",
	    /* keys that are prefixes of each other, or differ in case */
	    "a: {b: 1, bb: 2, B: 3, b.c: 4, b/c: 5, b-c: 6, _b: 7}\n",
	};
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		fast_same(docs[i], strlen(docs[i]), i);
}

/* Outside plain YAML, or wrong: the fast reader gives up (without a
 * word), and node_parse says what libyaml says. */
static void test_fast_gives_up(void **state)
{
	(void)state;
	static const char *const docs[] = {
	    "a: |\n  text\n",	      /* block scalar */
	    "a: >-\n  text\n",	      /* folded */
	    "a: b\n  c\n",	      /* multi-line plain scalar */
	    "a: [1,\n  2]\n",	      /* flow over two lines */
	    "a:\nb: 1\n",	      /* empty value */
	    "a: &x 1\nb: *x\n",	      /* anchor, alias */
	    "a: !t 1\n",	      /* tag */
	    "? a\n: 1\n",	      /* complex key */
	    "\"a\": 1\n",	      /* quoted key */
	    "a: 'it''s'\n",	      /* escaped quote */
	    "a: \"x\\ty\"\n",	      /* escape */
	    "a:\tb\n",		      /* tab */
	    "a: b\r\n",		      /* CR */
	    "a: caf\xc3\xa9\n",	      /* not ASCII */
	    "--- \na: 1\n",	      /* document marker */
	    "%YAML 1.1\n---\na: 1\n", /* directive */
	    "a: {b: ${x}}\n",	      /* '{' in a flow plain scalar */
	    "a: [b, ]\n",	      /* trailing comma */
	    "a: b: c\n",	      /* mapping in a value */
	    "a: 1\na: 2\n",	      /* duplicate key */
	    "a: 1\n b: 2\n",	      /* bad indentation */
	    "- a\nb: 1\n",	      /* sequence then mapping */
	    "plain scalar\n",	      /* root not a collection */
	    "",			      /* empty */
	    "# only a comment\n",
	    /* flow collections */
	    "a: {b: c,}\n",		  /* trailing comma in a mapping */
	    "a: [b,,c]\n",		  /* empty item */
	    "a: {b: c\n  , d: e}\n",	  /* over two lines */
	    "a: [b, c",			  /* unterminated, at the end */
	    "a: [b, c\n",		  /* unterminated */
	    "a: {b: [c}\n",		  /* mismatched */
	    "a: [b #c\n  ]\n",		  /* a comment inside */
	    "a: [b] c\n",		  /* text after it */
	    "a: [b]#c\n",		  /* '#' right after it */
	    "a: {'q': 1}\n",		  /* quoted key */
	    "a: {\"q\": 1}\n",		  /* quoted key */
	    "a: {b:c}\n",		  /* no space after ':' */
	    "a: {b:  }\n",		  /* empty value */
	    "a: {: c}\n",		  /* empty key */
	    "a: {b: c, d}\n",		  /* a key without a value */
	    "a: [b: c]\n",		  /* a pair in a sequence */
	    "a: [b :c]\n",		  /* ':' after an item */
	    "a: {x: 1, x: 2}\n",	  /* duplicate key */
	    "a: {b: c, bb: d, b: e}\n",	  /* duplicate key, not first */
	    "- {a: 1}\n- {a: 1, a: 1}\n", /* in the second item */
	    "a: [x?y]\n",		  /* '?' in a flow plain scalar */
	    "a: [a:b]\n",		  /* ':' in a flow plain scalar */
	    "a: {k: v:w}\n",		  /* ':' in a flow plain scalar */
	    "a: [x[y]\n",		  /* '[' in a flow plain scalar */
	    "a: [? x]\n",		  /* '?' key */
	    "a: [&x b]\n",		  /* anchor */
	    "a: [*x]\n",		  /* alias */
	    "a: [!t b]\n",		  /* tag */
	    "a: [- b]\n",		  /* '-' then a space */
	    "a: {b: 'c''d'}\n",		  /* escaped quote */
	    "a: {b: \"c\\\"d\"}\n",	  /* escape */
	    "a: ['b\n  c']\n",		  /* quoted over two lines */
	    "a: {b:\tc}\n",		  /* tab */
	    "a: [b,\tc]\n",		  /* tab */
	    "a: {b: c}\r\n",		  /* CR */
	    "a: [b\r, c]\n",		  /* CR */
	    "a: {b: caf\xc3\xa9}\n",	  /* not ASCII */
	    "a: [\xff]\n",		  /* not UTF-8 */
	    "a: ['\x80']\n",		  /* not UTF-8, quoted */
	    "a: [b\x7f]\n",		  /* DEL */
	};
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++)
		fast_gives_up(docs[i], strlen(docs[i]), i);
	/* a NUL in the text */
	static const char nul[] = "a: [b\0c]\n";
	fast_gives_up(nul, sizeof(nul) - 1, 100);
	static const char nul2[] = "a: [b]\n\0";
	fast_gives_up(nul2, sizeof(nul2) - 1, 101);
}

/* Flow collections at the limits: the nesting depth node_parse takes,
 * the longest simple key, long scalars, many items. */
static void test_fast_flow_limits(void **state)
{
	(void)state;
	static char text[8192];
	size_t n;
	/* "a: [[...]]": the root mapping and k sequences, 64 at most */
	for (unsigned k = 60; k <= 66; k++) {
		n = (size_t)snprintf(text, sizeof(text), "a: ");
		memset(text + n, '[', k);
		memset(text + n + k, ']', k);
		n += 2 * k;
		text[n++] = '\n';
		if (k <= 63)
			fast_same(text, n, k);
		else
			fast_gives_up(text, n, k);
	}
	/* and below two block mappings */
	n = (size_t)snprintf(text, sizeof(text), "a:\n  b:\n    c: ");
	memset(text + n, '{', 1);
	n++;
	for (unsigned k = 0; k < 60; k++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "k: {");
	n += (size_t)snprintf(text + n, sizeof(text) - n, "k: v");
	memset(text + n, '}', 61);
	n += 61;
	text[n++] = '\n';
	fast_same(text, n, 200);
	/* a key of 1000 bytes is taken, one of 1001 left to libyaml */
	for (unsigned k = 999; k <= 1001; k++) {
		n = (size_t)snprintf(text, sizeof(text), "a: {");
		memset(text + n, 'k', k);
		n += k;
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      ": v, x: y}\n");
		if (k <= 1000)
			fast_same(text, n, 300 + k);
		else
			fast_gives_up(text, n, 300 + k);
	}
	/* a long plain scalar, a long quoted one, many items */
	n = (size_t)snprintf(text, sizeof(text), "a: [");
	memset(text + n, 'v', 3000);
	n += 3000;
	n += (size_t)snprintf(text + n, sizeof(text) - n, ", '");
	memset(text + n, 'q', 2000);
	n += 2000;
	n += (size_t)snprintf(text + n, sizeof(text) - n, "']\n");
	fast_same(text, n, 400);
	n = (size_t)snprintf(text, sizeof(text), "a: {");
	for (unsigned k = 0; k < 300; k++)
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "%sk%u: [v%u]", k ? ", " : "", k, k);
	n += (size_t)snprintf(text + n, sizeof(text) - n, "}\n");
	fast_same(text, n, 401);
}

/* node_fast_items finds the items of cases: and where they end, also in
 * a text that does not end in a line feed. */
static size_t item_n, item_dash[8];
static unsigned item_line[8];

static void on_item(void *ctx, size_t dash, unsigned line)
{
	(void)ctx;
	if (item_n < 8) {
		item_dash[item_n] = dash;
		item_line[item_n] = line;
	}
	item_n++;
}

static void test_fast_items(void **state)
{
	(void)state;
	static const char *const docs[] = {
	    "cases:\n  - {name: a}\n  - {name: b}",
	    "cases:\n  - {name: a}\n  - {name: b}\n",
	    "cases:\n  - {name: a}\n  - {name: b}\n\nz: 1",
	};
	/* the end of the text; where the line of z: starts */
	static const size_t ends[] = {34, 35, 36};
	for (size_t i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		node_items_t it = {"cases", on_item, NULL, 0, false, false};
		item_n = 0;
		assert_true(node_fast_items(docs[i], strlen(docs[i]), &it));
		assert_true(it.found);
		assert_int_equal(item_n, 2);
		assert_int_equal(item_dash[0], 9);
		assert_int_equal(item_line[0], 2);
		assert_int_equal(item_dash[1], 23);
		assert_int_equal(item_line[1], 3);
		assert_int_equal(it.end, ends[i]);
	}
	node_items_t it = {"cases", on_item, NULL, 0, false, false};
	assert_false(node_fast_items("cases:\n  - {name: a,}\n", 22, &it));
	assert_false(node_fast_items("", 0, &it));
}

/* node_get finds a key as strcmp would, also one holding a NUL. */
static void test_get_escaped_key(void **state)
{
	(void)state;
	dns_arena_t a;
	diag_t d;
	dns_arena_init(&a, 0);
	node_t *r = parse(&a, "\"ab\\0c\": 1\nabd: 2\na: 3\n", &d);
	assert_non_null(r);
	assert_int_equal(r->keys[0]->len, 4);
	assert_string_equal(node_get(r, "ab")->str, "1");
	assert_string_equal(node_get(r, "abd")->str, "2");
	assert_string_equal(node_get(r, "a")->str, "3");
	assert_null(node_get(r, "ab\x01"));
	assert_null(node_get(r, ""));
	assert_true(node_key(r, "abd") == r->keys[1]);
	dns_arena_free(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tree),
	    cmocka_unit_test(test_errors),
	    cmocka_unit_test(test_getters),
	    cmocka_unit_test(test_merge_clone),
	    cmocka_unit_test(test_fast_same_tree),
	    cmocka_unit_test(test_fast_gives_up),
	    cmocka_unit_test(test_fast_flow_limits),
	    cmocka_unit_test(test_fast_items),
	    cmocka_unit_test(test_get_escaped_key),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
