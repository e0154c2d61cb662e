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

#include <stdint.h>
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
} cur_t;

/* The byte at p + i, or '\0' at the end (the text holds no NUL). */
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
 * in a flow collection (SF) cannot just take, and letters and digits
 * (AL). */
enum { KF = 1, KB = 2, PF = 4, SB = 8, SF = 16, AL = 32 };
#define AN (AL | KF | KB | PF) /* a letter or digit */
/* clang-format off */
static const unsigned char cls[256] = {
    /* 0x00 */
    0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, SB|SF, 0, 0, 0, 0, 0,
    /* 0x10 */
    0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0,
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
    AN, AN, AN, SF, 0, SF, PF, 0,
    /* 0x80-0xff: 0 (not in plain text) */
};
/* clang-format on */

static bool is(char ch, unsigned char what)
{
	return (cls[(unsigned char)ch] & what) != 0;
}

/* Only printable ASCII and line feeds in these len bytes. */
static bool plain_bytes(const char *s, size_t len)
{
	unsigned char bad = 0;
	for (size_t i = 0; i < len; i++) {
		unsigned char ch = (unsigned char)s[i];
		bad |= (unsigned char)((ch < 0x20 && ch != '\n') | (ch > 0x7e));
	}
	return bad == 0;
}

#define ONES  0x0101010101010101ull
#define HIGHS 0x8080808080808080ull

/* The same for the whole text, eight bytes at a time: only a word with a
 * byte below 0x20 (a line feed ...) or above 0x7e is looked at closer. */
static bool plain_text(const char *s, size_t len)
{
	size_t i = 0;
	for (; i + 8 <= len; i += 8) {
		uint64_t x;
		memcpy(&x, s + i, 8);
		uint64_t below = (x - 0x20 * ONES) & ~x & HIGHS;
		uint64_t above = ((x + (0x7f - 0x7e) * ONES) | x) & HIGHS;
		if ((below | above) != 0 && !plain_bytes(s + i, 8))
			return false;
	}
	return plain_bytes(s + i, len - i);
}

static void skip_spaces(cur_t *c)
{
	while (c->p < c->end && *c->p == ' ')
		c->p++;
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

/* From the start of a line: past blank and comment lines, to the first
 * character of the next line with content (ind its indentation); false
 * at the end of the text. */
static bool content_line(cur_t *c)
{
	for (;;) {
		skip_spaces(c);
		c->ind = (unsigned)(c->p - c->bol);
		char ch = at(c, 0);
		if (ch == '\0')
			return false;
		if (ch != '\n' && ch != '#')
			return true;
		const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
		c->p = nl ? nl : c->end;
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
		const char *nl = memchr(c->p, '\n', (size_t)(c->end - c->p));
		c->p = nl ? nl : c->end;
	} else if (ch != '\n' && ch != '\0') {
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

/* A plain scalar from p to the end of the line, a comment or, in a flow
 * collection, one of , ] } : ; p past it (trailing spaces not part of
 * it). */
static bool plain(cur_t *c, bool flow)
{
	const char *s = c->p, *p = c->p, *end = c->end;
	unsigned column = col(c);
	if (!plain_first(c))
		return false;
	const unsigned char stop = flow ? SF : SB;
	for (; p < end; p++) { /* p[-1] is there: p[0] is no stop at first */
		char ch = *p;
		if (!is(ch, stop))
			continue;
		if (ch == '\n' || (ch == '#' && p[-1] == ' '))
			break;
		if (!flow) { /* ':' or '#' */
			if (ch == ':' &&
			    (p + 1 == end || p[1] == ' ' || p[1] == '\n'))
				return false; /* "a: b: c" */
			continue;
		}
		if (ch == ',' || ch == ']' || ch == '}' || ch == ':')
			break;
		if (ch == '[' || ch == '{' || ch == '?')
			return false;
	}
	c->p = p;
	if (flow && (p == end || *p == '\n' || *p == '#'))
		return false; /* a flow collection goes on past the line */
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
	while (e < c->end && *e != q && *e != '\n' && (*e != '\\' || q == '\''))
		e++;
	if (e == c->end || *e != q ||
	    (q == '\'' && at(c, (size_t)(e - c->p) + 1) == '\''))
		return false;
	if (!b_scalar(c, s, (size_t)(e - s), true, col(c)))
		return false;
	c->p = e + 1;
	return true;
}

static bool flow_node(cur_t *c, unsigned depth);

/* A value inside a flow collection; p past it and the spaces after. */
static bool flow_value(cur_t *c, unsigned depth)
{
	char ch = at(c, 0);
	bool ok = ch == '{' || ch == '['    ? flow_node(c, depth + 1)
		  : ch == '"' || ch == '\'' ? quoted(c)
					    : plain(c, true);
	skip_spaces(c);
	return ok;
}

/* After an item of a flow collection: ',' and the spaces after it (true,
 * *more), or the closing bracket (true, p just past it). */
static bool flow_next(cur_t *c, char close, bool *more)
{
	char ch = at(c, 0);
	if (ch != ',' && ch != close)
		return false;
	c->p++;
	*more = ch == ',';
	if (!*more)
		return true;
	skip_spaces(c);
	return at(c, 0) != close; /* no trailing comma */
}

static bool flow_map(cur_t *c, unsigned depth)
{
	bool more = true;
	while (more) {
		if (!key(c) || at(c, 0) != ' ')
			return false;
		skip_spaces(c);
		if (!flow_value(c, depth) || !flow_next(c, '}', &more))
			return false;
	}
	return b_close(c);
}

static bool flow_seq(cur_t *c, unsigned depth)
{
	bool more = true;
	while (more) {
		if (!flow_value(c, depth) || at(c, 0) == ':' ||
		    !flow_next(c, ']', &more))
			return false;
	}
	return b_close(c);
}

/* A flow mapping or sequence at p, whole on this line. */
static bool flow_node(cur_t *c, unsigned depth)
{
	bool map = *c->p == '{';
	if (depth > NODE_MAX_DEPTH || !b_open(c, map ? NODE_MAP : NODE_SEQ))
		return false;
	c->p++;
	skip_spaces(c);
	bool empty = at(c, 0) == (map ? '}' : ']');
	if (empty) {
		c->p++;
		return b_close(c);
	}
	return map ? flow_map(c, depth) : flow_seq(c, depth);
}

/* A value on the rest of this line (not a block collection): p to the
 * next line with content (*more false at the end of the text). */
static bool line_value(cur_t *c, bool *more)
{
	char ch = at(c, 0);
	bool ok = ch == '{' || ch == '['    ? flow_node(c, 1)
		  : ch == '"' || ch == '\'' ? quoted(c)
					    : plain(c, false);
	return ok && end_line(c, more);
}

static bool block_node(cur_t *c, unsigned n, unsigned depth, bool *more);

static bool is_entry(const cur_t *c)
{
	char next = at(c, 1);
	return at(c, 0) == '-' && (next == ' ' || next == '\n' || next == '\0');
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
		bool below =
		    ch == '\n' || ch == '\0' || (ch == '#' && c->p[-1] == ' ');
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
		bool ok = key_len(c) > 0 ? block_map(c, item, depth + 1, more)
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

bool node_fast_parse(const char *text, size_t len, node_builder_t *b)
{
	cur_t c = {text, text + len, text, 1, 0, b, NULL, text};
	bool more = false;
	if (!plain_text(text, len) || !content_line(&c))
		return false;
	return block_node(&c, c.ind, 1, &more) && !more && b->root != NULL;
}

bool node_fast_items(const char *text, size_t len, node_items_t *items)
{
	cur_t c = {text, text + len, text, 1, 0, NULL, items, text};
	bool more = false;
	items->found = items->in = false;
	if (!plain_text(text, len) || !content_line(&c) || is_entry(&c))
		return false;
	return block_node(&c, c.ind, 1, &more) && !more && items->found;
}
