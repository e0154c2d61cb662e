/* node_fast.c - node_parse without libyaml, for plain YAML.
 *
 * Most scenario files, and every generated one, are written in a small
 * part of YAML. This reads that part straight into the tree builder
 * (node_int.h), several times faster than libyaml's events, and gives up
 * on anything else; node_parse then reads the text again with libyaml.
 * So the tree and the diagnostics are always libyaml's: the part read
 * here is chosen so that libyaml reads it as the same nodes at the same
 * line and column, and any error (a duplicate key too) is left to
 * libyaml to report.
 *
 * The part ("plain YAML"):
 *  - ASCII text: printable characters, spaces and line feeds only (no
 *    tab, CR, other control character or byte above 0x7e anywhere);
 *  - one document, whose root is a block mapping or a block sequence;
 *  - block mappings whose keys are words (a letter, digit or '_', then
 *    letters, digits, '_', '.', '-', '/'; at most KEY_MAX bytes) followed
 *    by ':' and a space or the end of the line;
 *  - values on the key's line, or a block node on the lines after it
 *    (more indented, or a sequence at the key's indentation);
 *  - block sequences of "- item" lines, an item being a value on the
 *    line of its '-' or a compact mapping ("- key: value" and more keys
 *    below it);
 *  - flow mappings and sequences, whole on one line, without trailing
 *    commas; keys as above, each followed by ": ";
 *  - plain scalars on one line, starting with a letter, a digit, one of
 *    . _ / $ + ~ ( or '-' before a letter, digit or '.'; in a flow
 *    collection without [ { ? or ':';
 *  - single- and double-quoted scalars on one line, without escapes
 *    ('' or a backslash in double quotes);
 *  - comments ('#' after a space or at the start of a line).
 * Not in it, among others: empty values, multi-line scalars, block
 * scalars (| >), anchors, aliases, tags, directives, document markers,
 * "? " keys, quoted keys.
 */
#include "scenario/node_int.h"

#include <string.h>

#define KEY_MAX 1000u /* libyaml: a simple key is at most 1024 chars */

typedef struct cur {
	const char *p, *end;
	const char *bol;   /* start of the line of p */
	unsigned line;	   /* of p, 1-based */
	unsigned ind;	   /* indentation of the line p is on */
	node_builder_t *b; /* NULL: no tree (node_fast_items) */
	node_items_t *items;
	const char *text;
	bool bad; /* a comment holds a byte outside plain text */
} cur_t;

/* The byte at p + i, or '\0' at the end. ('\0' in the text is a byte
 * outside plain text, which nothing takes: where the end matters, it is
 * told by p.) */
static char at(const cur_t *c, size_t i)
{
	return (size_t)(c->end - c->p) > i ? c->p[i] : '\0';
}

static unsigned col(const cur_t *c)
{
	return (unsigned)(c->p - c->bol) + 1;
}

/* The tree builder's calls, when there is a tree. */
static bool b_open(cur_t *c, node_kind_t k)
{
	return c->b == NULL || node_b_open(c->b, k, c->line, col(c));
}

static bool b_close(cur_t *c)
{
	return c->b == NULL || node_b_close(c->b);
}

static bool b_scalar(cur_t *c, const char *s, size_t len, bool quoted,
		     unsigned column)
{
	return c->b == NULL ||
	       node_b_scalar(c->b, s, len, quoted, c->line, column);
}

/* What each byte may be, looked up in one table instead of a chain of
 * comparisons: the first byte of a key (KF: a letter, digit or '_'), a
 * byte of a key (KB: those and . - /), the first byte of a plain scalar
 * (PF: a letter, digit or one of . _ / $ + ~ (; '-' is looked at with
 * the byte after it), the bytes that a plain scalar in a block (SB) or
 * in a flow collection (SF) cannot just take, letters and digits (AL),
 * the bytes outside plain text (BAD: control characters but the line
 * feed, DEL, and every byte above 0x7e), and those and the line feed
 * (LB: where a comment or a quoted scalar stops). A plain scalar stops
 * at a BAD byte too (it is in SB and SF), so each byte of the text is
 * looked at once, by what reads it: none is read without a check that
 * gives up on a BAD one. */
enum { KF = 1, KB = 2, PF = 4, SB = 8, SF = 16, AL = 32, BAD = 64, LB = 128 };
#define AN (AL | KF | KB | PF)	/* a letter or digit */
#define XX (BAD | LB | SB | SF) /* not in plain text */
#define NL (LB | SB | SF)	/* the line feed */
/* clang-format off */
static const unsigned char cls[256] = {
    /* 0x00 */
    XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, NL, XX, XX, XX, XX, XX,
    /* 0x10 */
    XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX,
    /*  !"#$%&'()*+,-./ */
    0, 0, 0, SB|SF, PF, 0, 0, 0,
    PF, 0, 0, PF, SF, KB, KB|PF, KB|PF,
    /* 0-9 : ; < = > ? */
    AN, AN, AN, AN, AN, AN, AN, AN,
    AN, AN, SB|SF, 0, 0, 0, 0, SF,
    /* @ A-O */
    0, AN, AN, AN, AN, AN, AN, AN,
    AN, AN, AN, AN, AN, AN, AN, AN,
    /* P-Z [ \ ] ^ _ */
    AN, AN, AN, AN, AN, AN, AN, AN,
    AN, AN, AN, SF, 0, SF, 0, KF|KB|PF,
    /* ` a-o */
    0, AN, AN, AN, AN, AN, AN, AN,
    AN, AN, AN, AN, AN, AN, AN, AN,
    /* p-z { | } ~ DEL */
    AN, AN, AN, AN, AN, AN, AN, AN,
    AN, AN, AN, SF, 0, SF, PF, XX,
    /* 0x80-0xff */
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
    XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX, XX,
};
/* clang-format on */

static bool is(char ch, unsigned char what)
{
	return (cls[(unsigned char)ch] & what) != 0;
}

static void skip_spaces(cur_t *c)
{
	const char *p = c->p;
	while (p < c->end && *p == ' ')
		p++;
	c->p = p;
}

/* Past the line feed at p (or at the end). */
static void next_line(cur_t *c)
{
	if (c->p < c->end) {
		c->p++;
		c->line++;
	}
	c->bol = c->p;
}

/* From the '#' of a comment at p: to the line feed that ends it (or the
 * end); false when the comment holds a byte outside plain text. */
static bool comment(cur_t *c)
{
	const char *p = c->p;
	while (p < c->end && !is(*p, LB))
		p++;
	c->p = p;
	return p == c->end || *p == '\n';
}

/* From the start of a line: past blank and comment lines, to the first
 * character of the next line with content (ind its indentation); false
 * at the end of the text (and at a comment holding a byte outside plain
 * text, c->bad then set). */
static bool content_line(cur_t *c)
{
	for (;;) {
		skip_spaces(c);
		c->ind = (unsigned)(c->p - c->bol);
		if (c->p == c->end)
			return false;
		char ch = *c->p;
		if (ch != '\n' && ch != '#')
			return true;
		if (ch == '#' && !comment(c)) {
			c->bad = true;
			return false;
		}
		next_line(c);
	}
}

/* The rest of the line holds only spaces and a comment (after a space):
 * go past it, to the next line with content (*more false when there is
 * none); false when the line holds other text. */
static bool end_line(cur_t *c, bool *more)
{
	skip_spaces(c);
	char ch = at(c, 0);
	if (ch == '#' && c->p[-1] == ' ') {
		if (!comment(c))
			return false;
	} else if (c->p < c->end && ch != '\n') {
		return false;
	}
	next_line(c);
	*more = content_line(c);
	return true;
}

/* The length of the word key at p followed by ':' and a space, a line
 * feed or the end; 0 when there is none. */
static size_t key_len(const cur_t *c)
{
	const char *s = c->p;
	size_t n = 0, left = (size_t)(c->end - s);
	size_t lim = left < KEY_MAX + 1 ? left : KEY_MAX + 1;
	if (left == 0 || !is(s[0], KF))
		return 0;
	while (n < lim && is(s[n], KB))
		n++;
	if (n > KEY_MAX || n == left || s[n] != ':')
		return 0;
	if (n + 1 < left && s[n + 1] != ' ' && s[n + 1] != '\n')
		return 0;
	return n;
}

/* A key at p: added, and p past its ':'. */
static bool key(cur_t *c)
{
	size_t n = key_len(c);
	if (n == 0 || !b_scalar(c, c->p, n, false, col(c)))
		return false;
	c->p += n + 1;
	return true;
}

/* Can a plain scalar start at p? */
static bool plain_first(const cur_t *c)
{
	char ch = at(c, 0);
	if (is(ch, PF))
		return true;
	char next = at(c, 1);
	return ch == '-' && (is(next, AL) || next == '.');
}

/* A plain scalar in a block, from p to the end of the line or to a
 * comment; p past it (trailing spaces not part of it). */
static bool plain(cur_t *c)
{
	const char *s = c->p, *p = c->p, *end = c->end;
	unsigned column = col(c);
	if (!plain_first(c))
		return false;
	for (; p < end; p++) { /* p[-1] is there: p[0] is no stop at first */
		char ch = *p;
		if (!is(ch, SB))
			continue;
		if (ch == '\n' || (ch == '#' && p[-1] == ' '))
			break;
		if (is(ch, BAD))
			return false;
		if (ch == ':' && (p + 1 == end || p[1] == ' ' || p[1] == '\n'))
			return false; /* "a: b: c" */
	}
	c->p = p;
	while (p > s && p[-1] == ' ')
		p--;
	return b_scalar(c, s, (size_t)(p - s), false, column);
}

/* A single- or double-quoted scalar on one line, without escapes ('' in
 * single quotes, a backslash in double quotes). */
static bool quoted(cur_t *c)
{
	char q = *c->p;
	const char *s = c->p + 1, *e = s;
	while (e < c->end && *e != q && !is(*e, LB) &&
	       (*e != '\\' || q == '\''))
		e++;
	if (e == c->end || *e != q ||
	    (q == '\'' && at(c, (size_t)(e - c->p) + 1) == '\''))
		return false;
	if (!b_scalar(c, s, (size_t)(e - s), true, col(c)))
		return false;
	c->p = e + 1;
	return true;
}

/* ---- flow collections --------------------------------------------------
 *
 * A flow collection is read in one function per nesting level, with the
 * position in a local pointer, the end of a scalar found with the class
 * table, and its items pushed straight on the builder's stack of items
 * (node_int.h): most of a generated scenario file is one flow mapping a
 * line. The node is made when the closing bracket is reached, with its
 * arrays after it. With no tree (node_fast_items) the same text is
 * taken, and nothing built.
 */

/* The scanners of a flow collection below stop at the line feed that
 * ends its line at the latest, without looking for the end of the text:
 * the text ends in a line feed (see node_fast_parse). */

/* p past the spaces at p. */
static const char *spaces(const char *p)
{
	while (*p == ' ')
		p++;
	return p;
}

/* The end of the plain scalar at s, in a flow collection: the first
 * , ] } or ':' after it; NULL when it does not start as a plain scalar,
 * holds [ { or ?, or goes on to the end of the line or to a comment (the
 * collection would go on past the line). */
static const char *flow_plain_end(const char *s)
{
	if (!is(s[0], PF) && !(s[0] == '-' && (is(s[1], AL) || s[1] == '.')))
		return NULL;
	for (const char *p = s + 1;; p++) {
		while (!is(*p, SF))
			p++;
		char ch = *p;
		if (ch == ',' || ch == ']' || ch == '}' || ch == ':')
			return p;
		if (ch != '#' || p[-1] == ' ')
			return NULL; /* [ { ? a line feed, a comment */
	}
}

/* The end of the key word at s followed by ": " in a flow mapping (the
 * ':'), or NULL. */
static const char *flow_key_end(const char *s)
{
	const char *p = s + 1;
	if (!is(s[0], KF))
		return NULL;
	while (is(*p, KB))
		p++;
	if (p - s > KEY_MAX || p[0] != ':' || p[1] != ' ')
		return NULL;
	return p;
}

/* The end of the quoted scalar at s (its closing quote), on this line
 * and without escapes; NULL when there is none. */
static const char *quoted_end(const char *s)
{
	char q = *s;
	const char *e = s + 1;
	if (q == '"') {
		while (*e != '"' && !is(*e, LB) && *e != '\\')
			e++;
	} else {
		while (*e != '\'' && !is(*e, LB))
			e++;
	}
	return *e == q && !(q == '\'' && e[1] == '\'') ? e : NULL;
}

/* Is the key just pushed (at the top of the items; the keys of its
 * mapping at first, first + 2, ...) not one of the keys before it? */
static bool flow_key_new(const node_builder_t *b, size_t first)
{
	const node_t *k = b->items[b->nitems - 1];
	for (size_t j = first; j < b->nitems - 1; j += 2) {
		const node_t *o = b->items[j];
		/* (the keys hold no NUL: strcmp is memcmp here) */
		if (o->len == k->len && o->str[0] == k->str[0] &&
		    memcmp(o->str, k->str, k->len) == 0)
			return false; /* a duplicate: libyaml says so */
	}
	return true;
}

/* The node of the flow collection whose items are on the builder's stack
 * from first on (the collection at line c->line, column col): made, the
 * items taken off the stack. */
static node_t *flow_made(const cur_t *c, bool map, size_t first,
			 unsigned column)
{
	node_builder_t *b = c->b;
	size_t count = b->nitems - first, arrays = map ? 2 : 1;
	count /= arrays;
	node_t *n =
	    node_b_alloc(b, sizeof(*n) + arrays * count * sizeof(node_t *));
	if (n == NULL)
		return NULL;
	node_t **vals = count > 0 ? (node_t **)(n + 1) : NULL;
	*n = (node_t){.kind = map ? NODE_MAP : NODE_SEQ,
		      .file = b->file,
		      .line = c->line,
		      .col = column,
		      .vals = vals,
		      .keys = map && vals ? vals + count : NULL,
		      .n = count};
	/* (b->items is NULL until an item was pushed: no offset from it) */
	node_t **items = count > 0 ? b->items + first : NULL;
	if (!map && count > 0)
		memcpy(vals, items, count * sizeof(*vals));
	for (size_t i = 0; map && i < count; i++) {
		n->keys[i] = items[2 * i];
		vals[i] = items[2 * i + 1];
	}
	b->nitems = first;
	return n;
}

/* A flow mapping or sequence at c->p, whole on this line, depth flow
 * collections deep (1: the outermost): read, c->p past its closing
 * bracket, its node in *out when there is a tree.
 *
 * Its items are read in one loop, the position in p (not in c), a key of
 * a mapping and each value a turn: a scalar's ends found (s to e, and
 * after: past its closing quote or at what ends a plain one), then the
 * scalar made and pushed in one place, then ": " after a key, or ',' or
 * the closing bracket after a value. A nested collection is read by a
 * call, and pushed. */
static bool flow_node(cur_t *c, unsigned depth, node_t **out)
{
	node_builder_t *b = c->b;
	const char *p = c->p;
	unsigned column = (unsigned)(p - c->bol) + 1;
	bool map = *p == '{', key = map;
	char close = map ? '}' : ']';
	/* as deep as node_b_open takes it, with the block nodes around */
	if (depth + (b ? b->depth : 0) > NODE_MAX_DEPTH)
		return false;
	size_t first = b ? b->nitems : 0;
	p = spaces(p + 1);
	bool more = *p != close;
	if (!more)
		p++;
	while (more) {
		const char *s = p, *e, *after; /* the scalar; s NULL: none */
		bool quoted = false;
		char ch = *p;
		if (key) {
			if ((e = flow_key_end(p)) == NULL)
				return false;
			after = e + 2; /* ": " */
		} else if (ch == '{' || ch == '[') {
			node_t *n = NULL;
			c->p = p;
			if (!flow_node(c, depth + 1, &n) ||
			    (b != NULL && !node_b_push(b, n)))
				return false;
			s = e = NULL;
			after = c->p;
		} else if (ch == '"' || ch == '\'') {
			if ((e = quoted_end(p)) == NULL)
				return false;
			s = p + 1;
			after = e + 1;
			quoted = true;
		} else {
			if ((after = flow_plain_end(p)) == NULL)
				return false;
			for (e = after; e[-1] == ' ';) /* p[0] is no space */
				e--;
		}
		if (b != NULL && s != NULL) {
			node_t *n = node_b_new_scalar(
			    b, s, (size_t)(e - s), quoted, c->line,
			    (unsigned)(p - c->bol) + 1);
			if (n == NULL || !node_b_push(b, n) ||
			    (key && !flow_key_new(b, first)))
				return false;
		}
		p = spaces(after);
		if (key) {
			key = false;
			continue;
		}
		if (*p != ',' && *p != close)
			return false; /* also ':' after an item of a sequence */
		more = *p++ == ',';
		if (more && *(p = spaces(p)) == close)
			return false; /* a trailing comma */
		key = map;
	}
	c->p = p;
	return b == NULL || (*out = flow_made(c, map, first, column)) != NULL;
}

/* The flow collection at p, attached to the block node around it. */
static bool flow_block(cur_t *c)
{
	node_t *n = NULL;
	return flow_node(c, 1, &n) && (c->b == NULL || node_b_attach(c->b, n));
}

/* A value on the rest of this line (not a block collection): p to the
 * next line with content (*more false at the end of the text). */
static bool line_value(cur_t *c, bool *more)
{
	char ch = at(c, 0);
	bool ok = ch == '{' || ch == '['    ? flow_block(c)
		  : ch == '"' || ch == '\'' ? quoted(c)
					    : plain(c);
	return ok && end_line(c, more);
}

static bool block_node(cur_t *c, unsigned n, unsigned depth, bool *more);

/* A "- " (or "-" at the end of the line) at p? (A '-' is followed by
 * a byte: at the latest, the line feed that ends its line.) */
static bool is_entry(const cur_t *c)
{
	return c->p < c->end && c->p[0] == '-' &&
	       (c->p[1] == ' ' || c->p[1] == '\n');
}

/* The block mapping whose first key is at p, at column n (0-based). */
/* node_fast_items: is the key at p the one whose items are wanted? */
static bool items_key(const cur_t *c, unsigned depth)
{
	if (c->items == NULL || depth != 1)
		return false;
	size_t n = strlen(c->items->key);
	return key_len(c) == n && memcmp(c->p, c->items->key, n) == 0;
}

/* node_fast_items: the value of the key, on the lines below it. */
static bool items_value(cur_t *c, unsigned depth, bool *more)
{
	node_items_t *it = c->items;
	if (it->found || c->ind == 0 || !is_entry(c))
		return false; /* twice, in column 1, or not a sequence */
	it->found = it->in = true;
	bool ok = block_node(c, c->ind, depth + 1, more);
	it->in = false;
	it->end = (size_t)(c->p - c->text);
	return ok;
}

static bool block_map(cur_t *c, unsigned n, unsigned depth, bool *more)
{
	if (depth > NODE_MAX_DEPTH || !b_open(c, NODE_MAP))
		return false;
	do {
		bool items = items_key(c, depth);
		if (!key(c))
			return false;
		skip_spaces(c);
		char ch = at(c, 0);
		bool below = c->p == c->end || ch == '\n' ||
			     (ch == '#' && c->p[-1] == ' ');
		if (!below && !line_value(c, more))
			return false;
		if (below) { /* the value is a block node on the next lines */
			if (!end_line(c, more) || !*more)
				return false;
			if (c->ind < n || (c->ind == n && !is_entry(c)))
				return false; /* an empty value */
			if (items ? !items_value(c, depth, more)
				  : !block_node(c, c->ind, depth + 1, more))
				return false;
		} else if (items) {
			return false; /* not a block sequence */
		}
		if (*more && c->ind > n)
			return false; /* a multi-line scalar, or an error */
	} while (*more && c->ind == n);
	return b_close(c);
}

/* The block sequence whose first '-' is at p, at column n. */
static bool block_seq(cur_t *c, unsigned n, unsigned depth, bool *more)
{
	if (depth > NODE_MAX_DEPTH || !b_open(c, NODE_SEQ))
		return false;
	do {
		if (c->items != NULL && c->items->in && depth == 2)
			c->items->item(c->items->ctx, (size_t)(c->p - c->text),
				       c->line);
		c->p++; /* the '-' */
		skip_spaces(c);
		char ch = at(c, 0);
		unsigned item = (unsigned)(c->p - c->bol);
		if (ch == '\n' || ch == '\0' || ch == '#' || is_entry(c))
			return false; /* an item below, or "- - x" */
		bool ok = is(ch, KF) && key_len(c) > 0
			      ? block_map(c, item, depth + 1, more)
			      : line_value(c, more);
		if (!ok || (*more && c->ind > n))
			return false;
	} while (*more && c->ind == n && is_entry(c));
	return b_close(c);
}

static bool block_node(cur_t *c, unsigned n, unsigned depth, bool *more)
{
	if (is_entry(c))
		return block_seq(c, n, depth, more);
	return key_len(c) > 0 && block_map(c, n, depth, more);
}

/* text (len bytes, not 0) as the reader takes it: ending in a line feed.
 * When it does not, a copy that does, in *copy (to be freed; NULL when
 * memory runs out). Nothing else changes: the positions in the copy are
 * those in text, and a line feed after the last line adds no node. */
static const char *with_lf(const char *text, size_t len, char **copy)
{
	*copy = NULL;
	if (text[len - 1] == '\n')
		return text;
	*copy = dns_mem_alloc(len + 1);
	if (*copy == NULL)
		return NULL;
	memcpy(*copy, text, len);
	(*copy)[len] = '\n';
	return *copy;
}

bool node_fast_parse(const char *text, size_t len, node_builder_t *b)
{
	char *copy;
	if (len == 0 || (text = with_lf(text, len, &copy)) == NULL)
		return false;
	if (copy != NULL)
		len++;
	cur_t c = {text, text + len, text, 1, 0, b, NULL, text, false};
	bool more = false;
	bool ok = content_line(&c) && block_node(&c, c.ind, 1, &more) &&
		  !more && !c.bad && b->root != NULL;
	dns_mem_free(copy);
	return ok;
}

bool node_fast_items(const char *text, size_t len, node_items_t *items)
{
	char *copy;
	items->found = items->in = false;
	if (len == 0 || (text = with_lf(text, len, &copy)) == NULL)
		return false;
	cur_t c = {
	    text, text + len + (copy != NULL), text, 1, 0, NULL, items, text,
	    false};
	bool more = false;
	bool ok = content_line(&c) && !is_entry(&c) &&
		  block_node(&c, c.ind, 1, &more) && !more && !c.bad &&
		  items->found;
	if (ok && items->end > len) /* the line feed added */
		items->end = len;
	dns_mem_free(copy);
	return ok;
}
