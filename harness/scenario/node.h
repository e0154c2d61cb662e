/* node.h - a YAML document as a tree of located nodes, and diagnostics.
 *
 * The scenario loader reads YAML with libyaml's event API into this tree;
 * every node knows its file, line and column, so any later stage (variable
 * substitution, defaults, matrix expansion, query building, expectations)
 * can report "file:line:col: error: ..." exactly where the problem is.
 * All nodes live in one arena owned by the caller.
 */
#ifndef DNSH_NODE_H
#define DNSH_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dns/arena.h"

typedef enum node_kind {
	NODE_SCALAR,
	NODE_MAP,
	NODE_SEQ,
} node_kind_t;

typedef struct node node_t;
struct node {
	node_kind_t kind;
	const char *file;   /* path as given to the loader */
	unsigned line, col; /* 1-based */
	/* scalar */
	char *str;   /* NUL-terminated */
	size_t len;  /* may contain NUL bytes only if quoted with escapes */
	bool quoted; /* written with quotes: never a number, bool or null */
	/* map: keys[i] -> vals[i] (keys are scalars); seq: vals[i] */
	node_t **keys;
	node_t **vals;
	size_t n;
};

/* Diagnostics: errors with a location, collected in order. */
typedef struct diag_entry {
	const char *file;
	unsigned line, col;
	char msg[256];
} diag_entry_t;

#define DIAG_MAX 64

typedef struct diag {
	diag_entry_t e[DIAG_MAX];
	unsigned n;
	bool more; /* more than DIAG_MAX errors */
} diag_t;

/* Record an error at node n (or at file:line:col when n is NULL). Always
 * returns false, so checkers can `return diag_error(...)`. */
bool diag_error(diag_t *d, const node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
bool diag_error_at(diag_t *d, const char *file, unsigned line, unsigned col,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* Print every error as "file:line:col: error: msg\n" to f (a FILE *). */
void diag_print(const diag_t *d, void *f);

/* Parse YAML text (one document) into a tree. The file name is used in
 * locations. Duplicate keys, non-scalar keys, anchors/aliases, tags and
 * multi-document streams are errors. Returns the root, or NULL with the
 * reason in d. */
node_t *node_parse(const char *text, size_t len, const char *file,
		   dns_arena_t *arena, diag_t *d);

/* node_parse reads text in the plain YAML most scenarios are written in
 * without libyaml (node_fast.c), and anything else with it: the same tree
 * and the same diagnostics either way (when the fast reader gives up
 * after building part of a tree, that part stays in arena unused). These
 * two take one way only, for tests comparing them: node_parse_plain
 * gives NULL (and no diagnostic) when the text is not plain YAML or does
 * not build. */
node_t *node_parse_libyaml(const char *text, size_t len, const char *file,
			   dns_arena_t *arena, diag_t *d);
node_t *node_parse_plain(const char *text, size_t len, const char *file,
			 dns_arena_t *arena);

/* Where the items of one block sequence are in plain YAML text, found
 * without building a tree (for reading a large file a part at a time):
 * the value of key `key` of the root mapping, indented. true when the
 * whole text is plain YAML (as node_parse_plain takes it) and key is
 * there once with such a value: item was called for each of its items,
 * in order, with the offset of the item's '-' and its line (1-based),
 * and end is where the sequence ends (the first character of the next
 * line with content, or len), exactly where libyaml's events put them.
 * false otherwise (ask libyaml). */
typedef struct node_items {
	const char *key;
	void (*item)(void *ctx, size_t dash, unsigned line);
	void *ctx;
	size_t end;	/* out */
	bool found, in; /* inside: the key was seen; in its value */
} node_items_t;

bool node_fast_items(const char *text, size_t len, node_items_t *items);

/* Read and parse a file. NULL with the reason in d. */
node_t *node_load_file(const char *path, dns_arena_t *arena, diag_t *d);

/* Does scalar k hold key (len bytes, no NUL) as strcmp sees it, that is
 * up to a NUL (k->str may hold one, escaped)? Inline: len is a constant
 * where it is called, and the memcmp a compare or two. */
static inline bool node_key_is(const node_t *k, const char *key, size_t len)
{
	return (k->len == len || (k->len > len && k->str[len] == '\0')) &&
	       memcmp(k->str, key, len) == 0;
}

/* The index of key (len bytes, no NUL) among the keys of map, the first
 * whose str strcmp finds equal to key; SIZE_MAX when there is none (also
 * when map is NULL or not a map). Inline: len and key[0] are constants
 * where node_get and node_key are called. */
static inline size_t node_find(const node_t *map, const char *key, size_t len)
{
	if (map == NULL || map->kind != NODE_MAP)
		return SIZE_MAX;
	for (size_t i = 0; i < map->n; i++) {
		const node_t *k = map->keys[i];
		if (k->str[0] == key[0] && node_key_is(k, key, len))
			return i;
	}
	return SIZE_MAX;
}

/* The value of key in a map, or NULL (also when map is not a map). */
static inline node_t *node_get(const node_t *map, const char *key)
{
	size_t i = node_find(map, key, strlen(key));
	return i != SIZE_MAX ? map->vals[i] : NULL;
}

/* The key node of key in a map (for locations), or NULL. */
static inline node_t *node_key(const node_t *map, const char *key)
{
	size_t i = node_find(map, key, strlen(key));
	return i != SIZE_MAX ? map->keys[i] : NULL;
}

/* "a scalar", "a mapping", "a sequence". */
const char *node_kind_name(node_kind_t k);

/* Check that n is a map whose keys are all in allowed[] (NULL-ended);
 * an unknown key is an error naming the allowed ones. `what` names the
 * map in messages ("case", "query", ...). */
bool node_check_keys(const node_t *n, const char *what,
		     const char *const allowed[], diag_t *d);

/* Typed views of a scalar, each with a located error on mismatch. */
bool node_expect_kind(const node_t *n, node_kind_t k, const char *what,
		      diag_t *d);
bool node_u32(const node_t *n, unsigned long max, unsigned long *out,
	      diag_t *d);
bool node_bool(const node_t *n, bool *out,
	       diag_t *d); /* true/false/1/0/yes/no */
bool node_ms(const node_t *n, unsigned long *out,
	     diag_t *d); /* 1s 500ms 2m 1.5s */
/* One of names[] (case-insensitive); *out gets its index. */
bool node_enum(const node_t *n, const char *const names[], unsigned *out,
	       diag_t *d);

/* Deep copy of n into arena (NULL on memory failure). */
node_t *node_clone(const node_t *n, dns_arena_t *arena);

/* A new scalar with the location of `at`. */
node_t *node_new_scalar(dns_arena_t *arena, const node_t *at, const char *s,
			size_t len, bool quoted);

/* Deep merge for `defaults:`: a new map with every key of over, plus the
 * keys of base that over lacks; when both have a map under the same key,
 * the two maps are merged likewise. Sequences and scalars of over replace
 * those of base. Either may be NULL. */
node_t *node_merge(const node_t *base, const node_t *over, dns_arena_t *arena);

#endif
