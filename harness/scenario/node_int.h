/* node_int.h - inside node_parse: the tree builder both readers feed.
 *
 * node_parse reads text with the fast reader of plain YAML (node_fast.c)
 * and, when that gives up, with libyaml's events (node.c); both turn what
 * they read into the same calls here: open a mapping or sequence, add a
 * scalar, close. The builder keeps the open containers on a stack and
 * their items on one shared growing array, so a tree costs no heap
 * allocation per node.
 */
#ifndef DNSH_NODE_INT_H
#define DNSH_NODE_INT_H

#include <stdbool.h>
#include <stddef.h>

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
