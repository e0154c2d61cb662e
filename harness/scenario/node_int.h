/* node_int.h - inside node_parse: the tree builder both readers feed.
 *
 * node_parse reads text with the fast reader of plain YAML (node_fast.c)
 * and, when that gives up, with libyaml's events (node.c); both turn what
 * they read into the same calls here: open a mapping or sequence, add a
 * scalar, close. The builder keeps the open containers on a stack and
 * their items on one shared growing array, so a tree costs no heap
 * allocation per node. The fast reader's flow collections also use the
 * pieces below the builder's calls (allocate a node, push an item, make
 * a scalar), inline, and make their own nodes.
 */
#ifndef DNSH_NODE_INT_H
#define DNSH_NODE_INT_H

#include <stdalign.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "scenario/node.h"

#define NODE_MAX_DEPTH 64

typedef struct node_frame {
	node_t *node;
	size_t first; /* its items start here in node_builder_t.items */
} node_frame_t;

typedef struct node_builder {
	const char *file;
	dns_arena_t *arena;
	diag_t *d; /* NULL: errors are not recorded (the fast reader) */
	node_frame_t stack[NODE_MAX_DEPTH];
	unsigned depth;
	node_t **items; /* heap: the items of the open containers, keys and
			   values interleaved for mappings */
	size_t nitems, capitems;
	node_t *root;
	/* The tree's memory: a block reserved in arena (dns_arena_reserve),
	 * handed out a node at a time and committed when it is full and
	 * when the tree is done; nothing else allocates from arena while a
	 * tree is built. */
	char *blk;
	size_t used, room;
} node_builder_t;

/* The tree's memory is handed out in blocks of at least NODE_B_BLOCK
 * bytes, each piece aligned as dns_arena_alloc's. */
#define NODE_B_BLOCK 4096u
#define NODE_B_ALIGN alignof(max_align_t)

/* A new block with room for n bytes, and n bytes of it (node.c); NULL
 * when memory runs out. */
void *node_b_block(node_builder_t *b, size_t n);

/* n bytes for the tree: a pointer bumped in the block, not a call into
 * the arena per node. NULL when memory runs out. Inline: the fast
 * reader allocates each of its nodes with it. */
static inline void *node_b_alloc(node_builder_t *b, size_t n)
{
	size_t need = (n + NODE_B_ALIGN - 1) & ~(size_t)(NODE_B_ALIGN - 1);
	if (n > SIZE_MAX - NODE_B_BLOCK || need > b->room - b->used)
		return node_b_block(b, n);
	void *p = b->blk + b->used;
	b->used += need;
	return p;
}

/* len bytes from s to d. Most scalars are short: those of 4 to 16 bytes
 * are copied as two pieces of a fixed size (overlapping, and inside the
 * len bytes), which the compiler turns into a load and a store each,
 * instead of a call. */
static inline void node_copy(char *d, const char *s, size_t len)
{
	if (len > 16) {
		memcpy(d, s, len);
	} else if (len >= 8) {
		memcpy(d, s, 8);
		memcpy(d + len - 8, s + len - 8, 8);
	} else if (len >= 4) {
		memcpy(d, s, 4);
		memcpy(d + len - 4, s + len - 4, 4);
	} else {
		for (size_t i = 0; i < len; i++) /* fewer than 4 */
			d[i] = s[i];
	}
}

/* A scalar node of len bytes at s (copied after the node, NUL-ended) at
 * line:col, attached to nothing yet; NULL when memory runs out. */
static inline node_t *node_b_new_scalar(node_builder_t *b, const char *s,
					size_t len, bool quoted, unsigned line,
					unsigned col)
{
	node_t *n = len < SIZE_MAX - sizeof(*n) - NODE_B_BLOCK
			? node_b_alloc(b, sizeof(*n) + len + 1)
			: NULL;
	if (n == NULL)
		return NULL;
	char *str = (char *)(n + 1); /* the node and its text together */
	n->kind = NODE_SCALAR;	     /* each field once (no padding zeroed) */
	n->file = b->file;
	n->line = line;
	n->col = col;
	n->str = str;
	n->len = len;
	n->quoted = quoted;
	n->keys = n->vals = NULL;
	n->n = 0;
	node_copy(str, s, len);
	str[len] = '\0';
	return n;
}

/* The items array grown by at least one (node.c); false when memory runs
 * out (an error at item, when errors are recorded). */
bool node_b_grow(node_builder_t *b, const node_t *item);

/* item pushed on the items of the open containers, unchecked (the fast
 * reader's flow collections check their own keys). */
static inline bool node_b_push(node_builder_t *b, node_t *item)
{
	if (b->nitems == b->capitems && !node_b_grow(b, item))
		return false;
	b->items[b->nitems++] = item;
	return true;
}

/* Can key be the next key of the mapping of frame f: a scalar, not one of
 * its keys yet? (node.c; an error at key when not.) */
bool node_b_key_ok(node_builder_t *b, const node_frame_t *f, node_t *key);

/* A finished node attached to the innermost open container (a key of a
 * mapping checked), or made the root. */
static inline bool node_b_attach(node_builder_t *b, node_t *n)
{
	if (b->depth == 0) {
		b->root = n;
		return true;
	}
	const node_frame_t *f = &b->stack[b->depth - 1];
	if (f->node->kind == NODE_MAP && (b->nitems - f->first) % 2 == 0 &&
	    !node_b_key_ok(b, f, n))
		return false;
	return node_b_push(b, n);
}

/* A new container at line:col (1-based), open until node_b_close. */
bool node_b_open(node_builder_t *b, node_kind_t k, unsigned line, unsigned col);

/* Close the innermost open container and attach it to its parent. */
bool node_b_close(node_builder_t *b);

/* A scalar of len bytes at s (copied), attached to the open container. */
bool node_b_scalar(node_builder_t *b, const char *s, size_t len, bool quoted,
		   unsigned line, unsigned col);

/* The fast reader: true when all of text is plain YAML (node_fast.c says
 * which) and was built into b without error; false means "read it again
 * with libyaml" (b then holds a partial tree, to be discarded). */
bool node_fast_parse(const char *text, size_t len, node_builder_t *b);

#endif
