/* node.c - YAML (libyaml events) into a located node tree; diagnostics;
 * typed accessors. */
#include "scenario/node.h"
#include "scenario/node_int.h"

#include <errno.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#define NODE_MAX_FILE (16u * 1024u * 1024u)

/* ---- diagnostics ------------------------------------------------------- */

static bool diag_vadd(diag_t *d, const char *file, unsigned line, unsigned col,
		      const char *fmt, va_list ap)
{
	if (d == NULL)
		return false;
	if (d->n == DIAG_MAX) {
		d->more = true;
		return false;
	}
	diag_entry_t *e = &d->e[d->n++];
	e->file = file ? file : "<input>";
	e->line = line;
	e->col = col;
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	return false;
}

bool diag_error(diag_t *d, const node_t *n, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(d, n ? n->file : NULL, n ? n->line : 0, n ? n->col : 0, fmt,
		  ap);
	va_end(ap);
	return false;
}

bool diag_error_at(diag_t *d, const char *file, unsigned line, unsigned col,
		   const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	diag_vadd(d, file, line, col, fmt, ap);
	va_end(ap);
	return false;
}

void diag_print(const diag_t *d, void *fp)
{
	FILE *f = fp;
	for (unsigned i = 0; i < d->n; i++)
		fprintf(f, "%s:%u:%u: error: %s\n", d->e[i].file, d->e[i].line,
			d->e[i].col, d->e[i].msg);
	if (d->more)
		fprintf(f, "(more errors not shown)\n");
}

/* ---- the tree builder (node_int.h) --------------------------------------- */

/* The part of the block handed out, allocated in the arena. */
static void block_commit(node_builder_t *b)
{
	if (b->blk != NULL && b->used > 0)
		dns_arena_commit(b->arena, b->used);
	b->blk = NULL;
	b->used = b->room = 0;
}

void *node_b_block(node_builder_t *b, size_t n)
{
	if (n > SIZE_MAX - NODE_B_BLOCK)
		return NULL;
	size_t need = (n + NODE_B_ALIGN - 1) & ~(size_t)(NODE_B_ALIGN - 1);
	block_commit(b);
	b->blk = dns_arena_reserve(
	    b->arena, need > NODE_B_BLOCK ? need : NODE_B_BLOCK, &b->room);
	if (b->blk == NULL) {
		b->room = 0;
		return NULL;
	}
	b->used = need;
	return b->blk;
}

static node_t *node_alloc(node_builder_t *b, node_kind_t k, unsigned line,
			  unsigned col)
{
	node_t *n = node_b_alloc(b, sizeof(*n));
	if (n == NULL)
		return NULL;
	memset(n, 0, sizeof(*n));
	n->kind = k;
	n->file = b->file;
	n->line = line;
	n->col = col;
	return n;
}

/* The items array doubled. */
bool node_b_grow(node_builder_t *b, const node_t *item)
{
	size_t cap = b->capitems ? 2 * b->capitems : 64;
	node_t **v = dns_mem_realloc(b->items, cap * sizeof(*v));
	if (v == NULL)
		return diag_error(b->d, item, "out of memory");
	b->items = v;
	b->capitems = cap;
	return true;
}

bool node_b_key_ok(node_builder_t *b, const node_frame_t *f, node_t *key)
{
	if (key->kind != NODE_SCALAR)
		return diag_error(b->d, key, "a mapping key must be a scalar");
	for (size_t i = f->first; i < b->nitems; i += 2) {
		const node_t *k = b->items[i];
		if (k->str[0] == key->str[0] && strcmp(k->str, key->str) == 0)
			return diag_error(
			    b->d, key, "duplicate key '%s' (first at line %u)",
			    key->str, k->line);
	}
	return true;
}

bool node_b_open(node_builder_t *b, node_kind_t k, unsigned line, unsigned col)
{
	node_t *n = node_alloc(b, k, line, col);
	if (n == NULL)
		return diag_error_at(b->d, b->file, line, col, "out of memory");
	if (b->depth == NODE_MAX_DEPTH)
		return diag_error(b->d, n, "nesting deeper than %d levels",
				  NODE_MAX_DEPTH);
	if (b->depth > 0) {
		const node_frame_t *f = &b->stack[b->depth - 1];
		if (f->node->kind == NODE_MAP &&
		    (b->nitems - f->first) % 2 == 0)
			return diag_error(b->d, n,
					  "a mapping key must be a scalar");
	}
	b->stack[b->depth++] = (node_frame_t){n, b->nitems};
	return true;
}

bool node_b_close(node_builder_t *b)
{
	const node_frame_t *f = &b->stack[--b->depth];
	node_t *n = f->node;
	size_t count = b->nitems - f->first;
	if (n->kind == NODE_MAP)
		count /= 2;
	n->n = count;
	b->nitems = f->first;
	if (count == 0) /* b->items may be NULL yet */
		return node_b_attach(b, n);
	node_t **items = b->items + f->first;
	size_t arrays = n->kind == NODE_MAP ? 2 : 1; /* vals, keys after */
	n->vals = node_b_alloc(b, arrays * count * sizeof(node_t *));
	if (n->vals == NULL)
		return diag_error(b->d, n, "out of memory");
	if (n->kind == NODE_MAP)
		n->keys = n->vals + count;
	if (n->kind == NODE_SEQ) {
		memcpy(n->vals, items, count * sizeof(node_t *));
		return node_b_attach(b, n);
	}
	for (size_t i = 0; i < count; i++) {
		n->keys[i] = items[2 * i];
		n->vals[i] = items[2 * i + 1];
	}
	return node_b_attach(b, n);
}

bool node_b_scalar(node_builder_t *b, const char *s, size_t len, bool quoted,
		   unsigned line, unsigned col)
{
	node_t *n = node_b_new_scalar(b, s, len, quoted, line, col);
	if (n == NULL)
		return diag_error_at(b->d, b->file, 0, 0, "out of memory");
	return node_b_attach(b, n);
}

/* ---- libyaml's events into the builder ----------------------------------- */

static bool yaml_error_at(node_builder_t *b, const yaml_mark_t *m,
			  const char *msg)
{
	return diag_error_at(b->d, b->file, (unsigned)m->line + 1,
			     (unsigned)m->column + 1, "%s", msg);
}

static bool on_event(node_builder_t *b, const yaml_event_t *ev)
{
	const yaml_mark_t *m = &ev->start_mark;
	unsigned line = (unsigned)m->line + 1, col = (unsigned)m->column + 1;
	switch (ev->type) {
	case YAML_SCALAR_EVENT:
		if (ev->data.scalar.anchor)
			break;
		return node_b_scalar(b, (const char *)ev->data.scalar.value,
				     ev->data.scalar.length,
				     ev->data.scalar.style !=
					 YAML_PLAIN_SCALAR_STYLE,
				     line, col);
	case YAML_MAPPING_START_EVENT:
		if (ev->data.mapping_start.anchor)
			break;
		return node_b_open(b, NODE_MAP, line, col);
	case YAML_SEQUENCE_START_EVENT:
		if (ev->data.sequence_start.anchor)
			break;
		return node_b_open(b, NODE_SEQ, line, col);
	case YAML_MAPPING_END_EVENT:
	case YAML_SEQUENCE_END_EVENT:
		return node_b_close(b);
	case YAML_ALIAS_EVENT:
		break;
	case YAML_DOCUMENT_START_EVENT:
		if (b->root != NULL)
			return yaml_error_at(
			    b, m, "more than one YAML document in the file");
		return true;
	default:
		return true;
	}
	return yaml_error_at(b, m,
			     "YAML anchors and aliases are not supported "
			     "(use defaults: or include:)");
}

static void builder_init(node_builder_t *b, const char *file,
			 dns_arena_t *arena, diag_t *d)
{
	b->file = file;
	b->arena = arena;
	b->d = d;
	b->depth = 0;
	b->items = NULL;
	b->nitems = b->capitems = 0;
	b->root = NULL;
	b->blk = NULL;
	b->used = b->room = 0;
}

/* The builder's heap freed; the tree's memory allocated in the arena
 * when there is a tree (else left to the arena's next allocation). */
static node_t *builder_done(node_builder_t *b, bool ok)
{
	if (ok)
		block_commit(b);
	dns_mem_free(b->items);
	return ok ? b->root : NULL;
}

static bool libyaml_parse(const char *text, size_t len, node_builder_t *b)
{
	yaml_parser_t p;
	if (!yaml_parser_initialize(&p))
		return diag_error_at(b->d, b->file, 0, 0, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	bool ok = true, done = false;
	while (ok && !done) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&p, &ev)) {
			diag_error_at(
			    b->d, b->file, (unsigned)p.problem_mark.line + 1,
			    (unsigned)p.problem_mark.column + 1,
			    "YAML syntax: %s%s%s",
			    p.problem ? p.problem : "invalid",
			    p.context ? " " : "", p.context ? p.context : "");
			ok = false;
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		ok = on_event(b, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	if (ok && b->root == NULL)
		ok = diag_error_at(b->d, b->file, 1, 1, "empty document");
	return ok;
}

node_t *node_parse_libyaml(const char *text, size_t len, const char *file,
			   dns_arena_t *arena, diag_t *d)
{
	node_builder_t b;
	builder_init(&b, file, arena, d);
	return builder_done(&b, libyaml_parse(text, len, &b));
}

node_t *node_parse_plain(const char *text, size_t len, const char *file,
			 dns_arena_t *arena)
{
	node_builder_t b;
	builder_init(&b, file, arena, NULL);
	return builder_done(&b, node_fast_parse(text, len, &b));
}

node_t *node_parse(const char *text, size_t len, const char *file,
		   dns_arena_t *arena, diag_t *d)
{
	node_t *root = node_parse_plain(text, len, file, arena);
	return root ? root : node_parse_libyaml(text, len, file, arena, d);
}

/* Read a whole file, at most NODE_MAX_FILE bytes, into one buffer sized
 * from the file (grown while reading: the size may change, or be unknown
 * for a pipe). NULL and *len = SIZE_MAX when larger than the limit. */
static char *read_file(FILE *f, size_t *len)
{
	struct stat st;
	size_t cap = 4096;
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size >= 0 && (uintmax_t)st.st_size < NODE_MAX_FILE)
		cap = (size_t)st.st_size + 1;
	char *buf = dns_mem_alloc(cap);
	size_t n = 0;
	while (buf != NULL) {
		n += fread(buf + n, 1, cap - n, f);
		if (n < cap || ferror(f))
			break;
		if (cap > NODE_MAX_FILE) {
			dns_mem_free(buf);
			*len = SIZE_MAX;
			return NULL;
		}
		size_t ncap =
		    cap * 2 > NODE_MAX_FILE + 1 ? NODE_MAX_FILE + 1 : cap * 2;
		char *nbuf = dns_mem_realloc(buf, ncap);
		if (nbuf == NULL)
			dns_mem_free(buf);
		buf = nbuf;
		cap = ncap;
	}
	if (buf != NULL && ferror(f)) {
		dns_mem_free(buf);
		buf = NULL;
	}
	*len = n;
	return buf;
}

node_t *node_load_file(const char *path, dns_arena_t *arena, diag_t *d)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL) {
		diag_error_at(d, path, 0, 0, "cannot open: %s",
			      strerror(errno));
		return NULL;
	}
	size_t len = 0;
	char *buf = read_file(f, &len);
	fclose(f);
	if (buf == NULL) {
		diag_error_at(d, path, 0, 0, "%s",
			      len == SIZE_MAX ? "larger than 16 MB"
					      : "unreadable or out of memory");
		return NULL;
	}
	/* locations keep pointing at the path: keep a copy in the arena */
	size_t plen = strlen(path);
	char *file = dns_arena_dup(arena, path, plen + 1);
	node_t *root = file ? node_parse(buf, len, file, arena, d) : NULL;
	dns_mem_free(buf);
	return root;
}

/* ---- access ------------------------------------------------------------ */

const char *node_kind_name(node_kind_t k)
{
	switch (k) {
	case NODE_SCALAR:
		return "a scalar";
	case NODE_MAP:
		return "a mapping";
	case NODE_SEQ:
		return "a sequence";
	}
	return "a node";
}

bool node_expect_kind(const node_t *n, node_kind_t k, const char *what,
		      diag_t *d)
{
	if (n->kind == k)
		return true;
	return diag_error(d, n, "%s must be %s, not %s", what,
			  node_kind_name(k), node_kind_name(n->kind));
}

bool node_check_keys(const node_t *n, const char *what,
		     const char *const allowed[], diag_t *d)
{
	if (!node_expect_kind(n, NODE_MAP, what, d))
		return false;
	bool ok = true;
	for (size_t i = 0; i < n->n; i++) {
		const char *k = n->keys[i]->str;
		size_t j = 0;
		while (allowed[j] != NULL &&
		       (allowed[j][0] != k[0] || strcmp(allowed[j], k) != 0))
			j++;
		if (allowed[j] != NULL)
			continue;
		char list[192] = "";
		size_t used = 0;
		for (j = 0; allowed[j] != NULL && used < sizeof(list) - 1; j++)
			used +=
			    (size_t)snprintf(list + used, sizeof(list) - used,
					     "%s%s", j ? ", " : "", allowed[j]);
		ok = diag_error(d, n->keys[i],
				"unknown key '%s' in %s (expected one of: %s)",
				k, what, list);
	}
	return ok;
}

bool node_u32(const node_t *n, unsigned long max, unsigned long *out, diag_t *d)
{
	if (!node_expect_kind(n, NODE_SCALAR, "a number", d))
		return false;
	const char *s = n->str;
	int base = 10;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	char *end;
	errno = 0;
	unsigned long long v = *s ? strtoull(s, &end, base) : 0;
	if (*s == '\0' || *s == '-' || *s == '+' || *end != '\0' ||
	    errno != 0 || v > max)
		return diag_error(d, n,
				  "expected a number from 0 to %lu, got '%s'",
				  max, n->str);
	*out = (unsigned long)v;
	return true;
}

bool node_bool(const node_t *n, bool *out, diag_t *d)
{
	static const char *const yes[] = {"true", "yes", "on", "1", NULL};
	static const char *const no[] = {"false", "no", "off", "0", NULL};
	if (n->kind == NODE_SCALAR) {
		for (int i = 0; yes[i]; i++)
			if (strcasecmp(n->str, yes[i]) == 0)
				return *out = true, true;
		for (int i = 0; no[i]; i++)
			if (strcasecmp(n->str, no[i]) == 0)
				return *out = false, true;
	}
	return diag_error(d, n, "expected true or false (or 1/0)");
}

bool node_ms(const node_t *n, unsigned long *out, diag_t *d)
{
	if (n->kind != NODE_SCALAR)
		return diag_error(d, n,
				  "expected a duration such as 500ms or 2s");
	char *end;
	errno = 0;
	double v = strtod(n->str, &end);
	double scale = 1000.0; /* bare numbers are seconds */
	if (strcmp(end, "ms") == 0)
		scale = 1.0;
	else if (strcmp(end, "s") == 0 || *end == '\0')
		scale = 1000.0;
	else if (strcmp(end, "m") == 0)
		scale = 60000.0;
	else
		end = NULL;
	if (end == NULL || end == n->str || errno != 0 || v < 0 ||
	    v * scale > 86400000.0)
		return diag_error(d, n,
				  "expected a duration such as 500ms, 2s or 1m "
				  "(at most a day), got '%s'",
				  n->str);
	*out = (unsigned long)(v * scale + 0.5);
	return true;
}

bool node_enum(const node_t *n, const char *const names[], unsigned *out,
	       diag_t *d)
{
	if (n->kind == NODE_SCALAR)
		for (unsigned i = 0; names[i] != NULL; i++)
			if (strcasecmp(n->str, names[i]) == 0)
				return *out = i, true;
	char list[192] = "";
	size_t used = 0;
	for (unsigned i = 0; names[i] != NULL && used < sizeof(list) - 1; i++)
		used += (size_t)snprintf(list + used, sizeof(list) - used,
					 "%s%s", i ? ", " : "", names[i]);
	return diag_error(d, n, "expected one of: %s; got '%s'", list,
			  n->kind == NODE_SCALAR ? n->str
						 : node_kind_name(n->kind));
}

/* ---- construction ------------------------------------------------------ */

node_t *node_new_scalar(dns_arena_t *arena, const node_t *at, const char *s,
			size_t len, bool quoted)
{
	node_t *n = dns_arena_alloc(arena, sizeof(*n));
	char *str = dns_arena_alloc(arena, len + 1);
	if (n == NULL || str == NULL)
		return NULL;
	memset(n, 0, sizeof(*n));
	memcpy(str, s, len);
	str[len] = '\0';
	n->kind = NODE_SCALAR;
	n->file = at ? at->file : NULL;
	n->line = at ? at->line : 0;
	n->col = at ? at->col : 0;
	n->str = str;
	n->len = len;
	n->quoted = quoted;
	return n;
}

node_t *node_clone(const node_t *n, dns_arena_t *arena)
{
	if (n->kind == NODE_SCALAR)
		return node_new_scalar(arena, n, n->str, n->len, n->quoted);
	node_t *c = dns_arena_dup(arena, n, sizeof(*n));
	if (c == NULL)
		return NULL;
	if (n->n == 0)
		return c;
	c->vals = dns_arena_alloc(arena, n->n * sizeof(node_t *));
	c->keys =
	    n->keys ? dns_arena_alloc(arena, n->n * sizeof(node_t *)) : NULL;
	if (c->vals == NULL || (n->keys && c->keys == NULL))
		return NULL;
	for (size_t i = 0; i < n->n; i++) {
		c->vals[i] = node_clone(n->vals[i], arena);
		if (c->vals[i] == NULL)
			return NULL;
		if (n->keys)
			c->keys[i] = n->keys[i]; /* keys are never modified */
	}
	return c;
}

/* Do keys a and b hold the same string (as strcmp sees it)? */
static bool same_key(const node_t *a, const node_t *b)
{
	if (a->str[0] != b->str[0])
		return false;
	if (a->len == b->len && memcmp(a->str, b->str, a->len) == 0)
		return true;		    /* (without calling strcmp) */
	return strcmp(a->str, b->str) == 0; /* they may hold a NUL */
}

/* The index in map of a key equal to key, or SIZE_MAX. */
static size_t key_index(const node_t *map, const node_t *key)
{
	for (size_t i = 0; i < map->n; i++)
		if (same_key(map->keys[i], key))
			return i;
	return SIZE_MAX;
}

node_t *node_merge(const node_t *base, const node_t *over, dns_arena_t *arena)
{
	if (base == NULL || base->kind != NODE_MAP || over == NULL ||
	    over->kind != NODE_MAP)
		return over ? (node_t *)over : (node_t *)base;
	size_t extra = 0;
	for (size_t i = 0; i < base->n; i++)
		if (key_index(over, base->keys[i]) == SIZE_MAX)
			extra++;
	size_t total = over->n + extra;
	node_t *m =
	    dns_arena_alloc(arena, sizeof(*m) + 2 * total * sizeof(node_t *));
	if (m == NULL)
		return NULL;
	*m = *over; /* its vals and keys after it */
	if (total == 0)
		return m;
	m->vals = (node_t **)(m + 1);
	m->keys = m->vals + total;
	size_t k = 0;
	for (size_t i = 0; i < over->n; i++, k++) {
		/* no key in both (extra == base->n, as most often): none of
		 * over's is in base either */
		size_t j = extra == base->n ? SIZE_MAX
					    : key_index(base, over->keys[i]);
		m->keys[k] = over->keys[i];
		m->vals[k] = j == SIZE_MAX ? over->vals[i]
					   : node_merge(base->vals[j],
							over->vals[i], arena);
		if (m->vals[k] == NULL)
			return NULL;
	}
	for (size_t i = 0; i < base->n && k < total; i++)
		if (extra == base->n ||
		    key_index(over, base->keys[i]) == SIZE_MAX) {
			m->keys[k] = base->keys[i];
			m->vals[k++] = base->vals[i];
		}
	m->n = total;
	return m;
}
