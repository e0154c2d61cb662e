/* fuzz_node.c - node_parse's two readers of YAML text (scenario/node.h):
 * the fast reader of plain YAML (node_fast.c) against libyaml.
 *
 * Input: YAML text (at most 16 KiB; longer inputs are skipped).
 *
 * Oracles:
 *  - when the fast reader takes the text (node_parse_plain), libyaml
 *    reads it without error into the same tree: kinds, lines, columns,
 *    texts (with their lengths), quoting, order;
 *  - node_parse gives libyaml's tree, or libyaml's diagnostics (line,
 *    column, text), whichever reader it took;
 *  - when node_fast_items finds the items of cases: in the text and the
 *    fast reader takes the text, the tree has cases: as a block sequence
 *    of that many items, each on the line of its '-', the '-' in the
 *    column of the sequence, and the sequence ends where the next line
 *    with content starts (or at the end).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_util.h"
#include "scenario/node.h"

#define MAX_INPUT (16u << 10)
#define MAX_ITEMS 4096u

static void same_tree(const node_t *x, const node_t *y)
{
	FUZZ_CHECK(x->kind == y->kind && x->line == y->line && x->col == y->col,
		   "%s at %u:%u / libyaml %s at %u:%u", node_kind_name(x->kind),
		   x->line, x->col, node_kind_name(y->kind), y->line, y->col);
	if (x->kind == NODE_SCALAR) {
		FUZZ_CHECK(
		    x->len == y->len && memcmp(x->str, y->str, x->len) == 0 &&
			x->quoted == y->quoted,
		    "at %u:%u '%s' quoted %d / libyaml '%s' quoted %d", x->line,
		    x->col, x->str, x->quoted, y->str, y->quoted);
		return;
	}
	FUZZ_CHECK(x->n == y->n, "at %u:%u %zu items / libyaml %zu", x->line,
		   x->col, x->n, y->n);
	for (size_t i = 0; i < x->n; i++) {
		if (x->kind == NODE_MAP)
			same_tree(x->keys[i], y->keys[i]);
		same_tree(x->vals[i], y->vals[i]);
	}
}

static void same_diags(const diag_t *a, const diag_t *b)
{
	FUZZ_CHECK(a->n == b->n && a->more == b->more, "%u / libyaml %u errors",
		   a->n, b->n);
	for (unsigned i = 0; i < a->n; i++)
		FUZZ_CHECK(a->e[i].line == b->e[i].line &&
			       a->e[i].col == b->e[i].col &&
			       strcmp(a->e[i].msg, b->e[i].msg) == 0,
			   "%u:%u %s / libyaml %u:%u %s", a->e[i].line,
			   a->e[i].col, a->e[i].msg, b->e[i].line, b->e[i].col,
			   b->e[i].msg);
}

typedef struct items {
	size_t n;
	size_t dash[MAX_ITEMS];
	unsigned line[MAX_ITEMS];
} items_t;

static void on_item(void *ctx, size_t dash, unsigned line)
{
	items_t *it = ctx;
	if (it->n < MAX_ITEMS) {
		it->dash[it->n] = dash;
		it->line[it->n] = line;
	}
	it->n++;
}

/* The items node_fast_items found, against the tree of the text. */
static void check_items(const char *text, size_t len, const node_t *root)
{
	static items_t it;
	node_items_t ni = {"cases", on_item, &it, 0, false, false};
	it.n = 0;
	if (!node_fast_items(text, len, &ni) || root == NULL)
		return;
	const node_t *seq = node_get(root, "cases");
	FUZZ_CHECK(seq != NULL && seq->kind == NODE_SEQ && seq->n == it.n,
		   "%zu items found, the tree has %zu", it.n,
		   seq != NULL ? seq->n : 0);
	for (size_t i = 0; i < it.n && i < MAX_ITEMS; i++) {
		size_t dash = it.dash[i], bol = dash;
		while (bol > 0 && text[bol - 1] != '\n')
			bol--;
		FUZZ_CHECK(text[dash] == '-' &&
			       it.line[i] == seq->vals[i]->line &&
			       dash - bol + 1 == seq->col,
			   "item %zu: '-' at offset %zu line %u, the tree's at "
			   "%u:%u",
			   i, dash, it.line[i], seq->vals[i]->line, seq->col);
	}
	size_t end = ni.end;
	FUZZ_CHECK(end <= len, "end %zu past %zu", end, len);
	FUZZ_CHECK(
	    end == len ||
		(text[end] != ' ' && text[end] != '\n' && text[end] != '#' &&
		 (end == 0 || text[end - 1] == ' ' || text[end - 1] == '\n')),
	    "end %zu is not where a line's content starts", end);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT)
		return 0;
	const char *text = (const char *)data;
	dns_arena_t a;
	diag_t d1, d2;
	memset(&d1, 0, sizeof(d1));
	memset(&d2, 0, sizeof(d2));
	dns_arena_init(&a, 0);
	node_t *fast = node_parse_plain(text, size, "f.yaml", &a);
	node_t *slow = node_parse_libyaml(text, size, "f.yaml", &a, &d2);
	if (fast != NULL) {
		FUZZ_CHECK(slow != NULL, "plain YAML, but libyaml: %u:%u %s",
			   d2.e[0].line, d2.e[0].col, d2.e[0].msg);
		same_tree(fast, slow);
	}
	node_t *any = node_parse(text, size, "f.yaml", &a, &d1);
	FUZZ_CHECK((any == NULL) == (slow == NULL), "node_parse %s, libyaml %s",
		   any ? "ok" : "failed", slow ? "ok" : "failed");
	if (any != NULL)
		same_tree(any, slow);
	same_diags(&d1, &d2);
	check_items(text, size, fast);
	dns_arena_free(&a);
	return 0;
}
