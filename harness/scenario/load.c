/* load.c - scenario files into suites.
 *
 * A file is parsed into a located node tree (node.c), its top-level keys
 * are checked, and every case is expanded: the matrix: combinations are
 * enumerated (first key slowest), ${vars} substituted copy-on-write (a
 * subtree without a reference is shared, not copied), defaults: merged
 * under the case, the case fields read, and the query and expectation
 * compiled. include: files are loaded the same way, each with its own
 * vars: and defaults:, and their cases appended after the including
 * file's own.
 *
 * A role: resolver file is read differently: its servers: are loaded
 * (serve/config.h), target: names the resolver and the server it starts
 * from, and each entry of steps: becomes a step; query and upstream steps
 * are also cases (named step-N unless they have a name:), compiled like
 * cases with the resolver's own defaults under the file's.
 *
 * Errors of each step go to a scratch diag first and are copied to the
 * caller's without duplicates: a mistake in defaults: would otherwise be
 * reported once per case and per matrix combination.
 *
 * sc_load_file_lazy keeps large files small in memory: their cases are
 * compiled in a scratch arena only to check them and keep what describes
 * them and how to compile them again (struct sc_lazy, sc_case_compile);
 * a block sequence cases: is not even kept as a tree, its items being
 * parsed a slice of the text at a time (see "large files").
 *
 * The cases of a file with many are parsed and loaded on two threads
 * where there are two CPUs, to the same suite and the same diagnostics
 * (see "two threads" and parse_two). Loaded eagerly, such a file is not
 * even parsed whole: its cases are parsed a unit at a time and each
 * unit's tree dropped once they are compiled (parse_pieces), the memory
 * reused for the next; their texts stay, not their nodes.
 */
#include "scenario/scenario.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <yaml.h>

#include "expect/expect.h"
#include "expect/upstream.h"
#include "play/client.h"
#include "scenario/node_int.h" /* NODE_MAX_DEPTH */
#include "scenario/query.h"
#include "serve/answer.h"
#include "serve/config.h"
#include "target/caps.h"

#define MATRIX_MAX                                                             \
	65536u		       /* combinations of one case (a bound on         \
				  the memory of one expansion) */
#define INCLUDE_DEPTH	   16u /* nesting of include: */
#define DIR_DEPTH	   32u /* nesting of directories searched */
#define DEFAULT_TIMEOUT_MS 2000ul
#define DEFAULT_RETRIES	   1ul
#define RETRIES_MAX	   10ul
#define SLICE_CASES	   256u /* cases parsed or loaded at a time */
#define UNITS_AHEAD	   4u /* two threads: lists of each not yet appended */
#define SETTLE_MAX_MS	   10000ul /* settle: of a resolver step */
#define FILE_MAX	   (16u * 1024u * 1024u) /* as node_load_file */

static const char *const level_names[] = {"must", "should", "may", NULL};
static const char *const transport_names[] = {"udp", "tcp", "dot", NULL};
static const char *const role_names[] = {"server", "resolver", "client", NULL};

static const char *const top_keys[] = {"suite",	  "about",    "role",
				       "vars",	  "defaults", "cases",
				       "include", "servers",  NULL};
static const char *const defaults_keys[] = {
    "transport", "timeout", "retries", "level",	   "tags",
    "query",	 "expect",  "rfc",     "requires", NULL};
static const char *const case_keys[] = {
    "name",   "rfc",   "level",	 "tags", "transport", "timeout", "retries",
    "matrix", "query", "expect", "skip", "requires",  NULL};
/* Keys of the resolver and client roles (client: not supported yet). */
static const char *const later_keys[] = {"servers", "steps", "target", NULL};
/* A resolver suite; cases: and include: are there for a clear error. */
static const char *const resolver_keys[] = {
    "suite",  "about", "role",	"vars",	   "defaults", "servers",
    "target", "steps", "cases", "include", NULL};
static const char *const step_keys[] = {
    "name",	"rfc",	   "level",  "tags",	 "transport",	"timeout",
    "retries",	"query",   "expect", "upstream", "time_passes", "skip",
    "requires", "queries", "settle", NULL};
static const char *const target_keys[] = {"recipe", "upstream", "vars",
					  "requires", NULL};
/* A client suite (play/client.h): steps run programs. */
static const char *const client_keys[] = {
    "suite",   "about", "role",	 "vars",    "defaults",
    "servers", "steps", "cases", "include", NULL};
static const char *const client_step_keys[] = {
    "name", "rfc",   "level",	"tags",	  "skip",     "run",
    "env",  "stdin", "timeout", "expect", "upstream", NULL};
static const char *const client_defaults_keys[] = {
    "level", "tags", "rfc", "timeout", "expect", "env", NULL};
/* Merged under defaults: of a resolver suite: a resolver is asked for
 * recursion, and a step's query is sent once, with time to resolve. */
static const char resolver_defaults[] =
    "timeout: 5s\nretries: 0\nquery: {flags: {rd: true}}\n";

const char *sc_level_name(sc_level_t l)
{
	return (unsigned)l < 3 ? level_names[l] : "?";
}

const char *sc_transport_name(sc_transport_t t)
{
	return (unsigned)t < 3 ? transport_names[t] : "?";
}

/* ---- loader state -------------------------------------------------------- */

typedef struct loaded {
	char *canon;	    /* realpath (heap) */
	const char *shown;  /* path as used in locations (arena) */
	const node_t *from; /* the include: entry that named it, or NULL */
} loaded_t;

typedef struct loader {
	sc_suite_t *s;
	dns_arena_t *arena;
	const sc_load_opts_t *opts;
	diag_t *out;   /* the caller's */
	diag_t tmp;    /* errors of the current step */
	unsigned nerr; /* errors so far (duplicates included) */
	char *root;    /* canonical scenario root (heap) */
	loaded_t *files;
	size_t nfiles, capfiles;
	size_t chain[INCLUDE_DEPTH + 1]; /* indices into files: the includes
					    being loaded, outermost first */
	unsigned depth;
	size_t capcases;
	size_t capsteps;
	size_t *slots; /* hash set of case names: index + 1, 0 = empty */
	size_t nslots;
	/* sc_load_opts_t.lazy: cases are compiled in scratch (reset after
	 * each) and keep a sc_lazy_t; playing: compiling one of them again
	 * (sc_case_compile), nothing cached */
	bool lazy, playing;
	size_t lazy_min; /* files with this many cases are read lazily */
	dns_arena_t scratch;
	const sc_load_opts_t *kept_opts; /* opts copied into the arena */
	/* lazy: the cases: of the file being loaded, as slices of its text
	 * (read_cases parses them SLICE_CASES at a time), or NULL; pieces
	 * (below): a slice for each SLICE_CASES of the nspans cases */
	const struct span *spans;
	size_t nspans;
	const char *text; /* that file's text (heap, while it is loaded) */
	int fd;		  /* that file, open (-1 once a lazy_file_t has it) */
	struct stat st;
	const struct span *span; /* the case being loaded */
	bool no_refs; /* the file just read holds no reference (load_sliced) */
	/* not lazy: the last timeout: read (most cases share the node of
	 * their defaults:, which no arena reset reuses while loading) */
	const node_t *ms_node;
	unsigned long ms;
	/* two threads (see there): the cases loaded go to this list, not
	 * to the suite; own_fc: the file's context given to load_case is
	 * this loader's own copy (lazy: not the one kept in the arena) */
	struct unit_out *collect;
	bool own_fc;
	unsigned threads; /* sc_load_file_threads */
	/* not lazy, but the cases parsed a unit at a time (parse_pieces):
	 * the texts of each unit's tree are copied into the arena, its
	 * nodes dropped once its cases are compiled; pieces_failed: a unit
	 * did not parse alone, the file is loaded again whole */
	bool pieces, pieces_failed;
	node_t *stub; /* pieces: the case's location, kept (piece_case) */
} loader_t;

/* What a case sees of its file. */
typedef struct file_ctx {
	const node_t *vars;	/* vars: mapping, or NULL */
	const node_t *defaults; /* defaults: mapping, or NULL */
	sc_role_t role;
	/* defaults: substituted without a matrix, the same for every case
	 * without one: done once, on the first such case */
	const node_t *plain;
	bool plain_done, plain_ok;
	struct lazy_file *kept; /* lazy: this context kept in the arena */
	/* the expect: of plain compiled once, in the suite's arena, for the
	 * cases whose expectation it is (NULL: not yet, or it has errors) */
	struct sc_expect *plain_expect;
	/* no '$' in the file's text (loader_t.no_refs): its cases are their
	 * own substitution while loading */
	bool no_refs;
	/* the case_vals of plain, read once, in the suite's arena (NULL:
	 * not yet) */
	struct case_vals *plain_vals;
} file_ctx_t;

/* What the lazy cases of a file share: its context, --var, and, when its
 * cases were parsed a slice at a time, the file, open, to read each case
 * again (as it was: same size and time of change). */
typedef struct lazy_file {
	file_ctx_t fc;
	const sc_load_opts_t *opts;
	const char *file;	/* its name in locations */
	int fd;			/* or -1; closed by sc_suite_free */
	struct stat st;		/* when it was read */
	struct lazy_file *next; /* the suite's (sc_suite_t.lazy_files) */
} lazy_file_t;

/* A case of a block sequence cases:, as bytes of its file's text: from
 * the start of the line of its '-' to the start of the next case's. */
typedef struct span {
	size_t begin, end;
	unsigned line; /* of begin, 1-based */
} span_t;

/* How a case loaded lazily is compiled again: from raw, its node, or,
 * when the file's cases were parsed a slice at a time (raw NULL), by
 * parsing its span of text again. */
struct sc_lazy {
	const node_t *raw; /* the case as written in its file, or NULL */
	lazy_file_t *lf;   /* its file's vars:, defaults:, text */
	uint32_t k;	   /* its matrix combination (< MATRIX_MAX) */
	uint32_t line;	   /* raw NULL: the line, offset and length of */
	uint32_t begin;	   /* its span in lf's file (< FILE_MAX) */
	uint32_t len;
};

static bool oom(loader_t *L, const node_t *at)
{
	return diag_error(&L->tmp, at, "out of memory");
}

static bool diag_has(const diag_t *d, const diag_entry_t *e)
{
	for (unsigned i = 0; i < d->n; i++)
		if (d->e[i].line == e->line && d->e[i].col == e->col &&
		    strcmp(d->e[i].file, e->file) == 0 &&
		    strcmp(d->e[i].msg, e->msg) == 0)
			return true;
	return false;
}

/* Move the scratch errors to the caller's diag, dropping repeats. */
static void flush_errors(loader_t *L)
{
	for (unsigned i = 0; i < L->tmp.n; i++) {
		const diag_entry_t *e = &L->tmp.e[i];
		L->nerr++;
		if (diag_has(L->out, e))
			continue;
		if (L->out->n == DIAG_MAX)
			L->out->more = true;
		else
			L->out->e[L->out->n++] = *e;
	}
	if (L->tmp.more) {
		L->nerr++;
		L->out->more = true;
	}
	L->tmp.n = 0;
	L->tmp.more = false;
}

static void flush(loader_t *L)
{
	if (L->tmp.n > 0 || L->tmp.more) /* (most often there is nothing) */
		flush_errors(L);
}

/* ---- growable text ------------------------------------------------------- */

typedef struct text {
	char *p;
	size_t len, cap;
	bool oom;
} text_t;

static void text_put(text_t *t, const char *s, size_t n)
{
	if (t->oom)
		return;
	if (n > SIZE_MAX / 2 - t->len) {
		t->oom = true;
		return;
	}
	if (t->len + n + 1 > t->cap) {
		size_t cap = 2 * (t->len + n + 1);
		char *p = dns_mem_realloc(t->p, cap < 64 ? 64 : cap);
		if (p == NULL) {
			t->oom = true;
			return;
		}
		t->p = p;
		t->cap = cap < 64 ? 64 : cap;
	}
	memcpy(t->p + t->len, s, n);
	t->len += n;
	t->p[t->len] = '\0';
}

static void text_puts(text_t *t, const char *s)
{
	text_put(t, s, strlen(s));
}

/* The text copied into the arena (NULL on memory failure). */
static char *text_dup(loader_t *L, const text_t *t)
{
	if (t->oom)
		return NULL;
	char *s = dns_arena_alloc(L->arena, t->len + 1);
	if (s == NULL)
		return NULL;
	if (t->len > 0)
		memcpy(s, t->p, t->len);
	s[t->len] = '\0';
	return s;
}

/* ---- names --------------------------------------------------------------- */

static bool in_list(const char *const list[], const char *s)
{
	for (size_t i = 0; list[i] != NULL; i++)
		if (list[i][0] == s[0] && strcmp(list[i], s) == 0)
			return true;
	return false;
}

/* Variable names: a letter or '_', then letters, digits, '_' or '-'. */
static bool var_char(char c, bool first)
{
	return isalpha((unsigned char)c) || c == '_' ||
	       (!first && (isdigit((unsigned char)c) || c == '-'));
}

static bool var_name_ok(const char *s, size_t len)
{
	if (len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!var_char(s[i], i == 0))
			return false;
	return true;
}

/* Case, suite and tag names: letters, digits, '.', '_' and '-' (a NUL
 * in the name is none of them). */
static bool word_ok(const node_t *n)
{
	if (n->len == 0)
		return false;
	for (size_t i = 0; i < n->len; i++) {
		unsigned char c = (unsigned char)n->str[i];
		if (!isalnum(c) && c != '.' && c != '_' && c != '-')
			return false;
	}
	return true;
}

static bool word_check(loader_t *L, const node_t *n, const char *what)
{
	if (!node_expect_kind(n, NODE_SCALAR, what, &L->tmp))
		return false;
	if (word_ok(n))
		return true;
	return diag_error(&L->tmp, n,
			  "%s '%s' may only contain letters, digits, '.', "
			  "'_' and '-'",
			  what, n->str);
}

/* A non-empty scalar. */
static bool text_check(loader_t *L, const node_t *n, const char *what)
{
	if (!node_expect_kind(n, NODE_SCALAR, what, &L->tmp))
		return false;
	if (n->len > 0)
		return true;
	return diag_error(&L->tmp, n, "%s must not be empty", what);
}

/* ---- keys ---------------------------------------------------------------- */

static bool later_key(loader_t *L, const node_t *key, sc_role_t role)
{
	if (role == SC_ROLE_RESOLVER)
		return diag_error(&L->tmp, key,
				  "'%s:' is a top-level key of the file, not "
				  "allowed here",
				  key->str);
	if (role == SC_ROLE_CLIENT)
		return diag_error(&L->tmp, key,
				  "'%s:' is not allowed here (role: client)",
				  key->str);
	return diag_error(&L->tmp, key,
			  "'%s:' belongs to role: resolver or client, not to "
			  "role: server",
			  key->str);
}

/* node_check_keys, with a clearer message for the keys of the roles that
 * are not supported yet. */
static bool check_keys(loader_t *L, const node_t *m, const char *what,
		       const char *const allowed[], sc_role_t role)
{
	if (!node_expect_kind(m, NODE_MAP, what, &L->tmp))
		return false;
	size_t known = 0; /* all known (most often): nothing more to say */
	while (known < m->n && in_list(allowed, m->keys[known]->str))
		known++;
	if (known == m->n)
		return true;
	size_t later = 0;
	for (size_t i = 0; i < m->n; i++)
		if (in_list(later_keys, m->keys[i]->str) &&
		    !in_list(allowed, m->keys[i]->str))
			later++;
	if (later == 0)
		return node_check_keys(m, what, allowed, &L->tmp);
	node_t view = *m;
	view.keys = dns_arena_alloc(L->arena, m->n * sizeof(node_t *));
	view.vals = dns_arena_alloc(L->arena, m->n * sizeof(node_t *));
	if (view.keys == NULL || view.vals == NULL)
		return oom(L, m);
	view.n = 0;
	for (size_t i = 0; i < m->n; i++) {
		if (in_list(later_keys, m->keys[i]->str) &&
		    !in_list(allowed, m->keys[i]->str)) {
			later_key(L, m->keys[i], role);
			continue;
		}
		view.keys[view.n] = m->keys[i];
		view.vals[view.n++] = m->vals[i];
	}
	node_check_keys(&view, what, allowed, &L->tmp);
	return false;
}

/* ---- variables ----------------------------------------------------------- */

/* Where ${name} is looked up, in order. */
typedef struct scope {
	const node_t *const *mkeys; /* matrix variables ... */
	const node_t *const *mvals; /* ... and this combination's values */
	size_t nm;
	const sc_load_opts_t *opts; /* --var */
	const node_t *vars;	    /* vars: of the file, or NULL */
	const char *ctx;	    /* the case, when substituting defaults: */
} scope_t;

typedef struct value {
	const char *s;
	size_t len;
	bool quoted;
} value_t;

static bool same(const char *name, size_t len, const char *s)
{
	return strncmp(s, name, len) == 0 && s[len] == '\0';
}

static bool node_value(const node_t *n, value_t *v)
{
	if (n->kind != NODE_SCALAR) /* reported where vars: is checked */
		*v = (value_t){"", 0, false};
	else
		*v = (value_t){n->str, n->len, n->quoted};
	return true;
}

static bool scope_find(const scope_t *sc, const char *name, size_t len,
		       value_t *v)
{
	for (size_t i = 0; i < sc->nm; i++)
		if (same(name, len, sc->mkeys[i]->str))
			return node_value(sc->mvals[i], v);
	for (size_t i = sc->opts->nvars; i-- > 0;) { /* the last one wins */
		const sc_var_t *cv = &sc->opts->vars[i];
		if (same(name, len, cv->name)) {
			*v = (value_t){cv->value, strlen(cv->value), false};
			return true;
		}
	}
	const node_t *vars = sc->vars;
	for (size_t i = 0; vars != NULL && i < vars->n; i++)
		if (same(name, len, vars->keys[i]->str))
			return node_value(vars->vals[i], v);
	return false;
}

/* role: client: the variables of a run (sc_client_vars) stay as
 * ${name}, for the runner to replace. */
static bool late_var(const loader_t *L, const char *name, size_t len,
		     value_t *v)
{
	for (size_t i = 0;
	     L->s->role == SC_ROLE_CLIENT && sc_client_vars[i] != NULL; i++)
		if (same(name, len, sc_client_vars[i])) {
			*v = (value_t){name - 2, len + 3, false};
			return true;
		}
	return false;
}

/* The reference at s (just after "${", left bytes): its value, and the
 * bytes it spans including the closing '}'. */
static bool var_ref(loader_t *L, const scope_t *sc, const node_t *n,
		    const char *s, size_t left, value_t *v, size_t *used)
{
	size_t len = 0;
	while (len < left && var_char(s[len], len == 0))
		len++;
	if (len == 0 || len == left || s[len] != '}')
		return diag_error(&L->tmp, n,
				  "expected a variable name and '}' after "
				  "'${' (write $${ for a literal ${)");
	*used = len + 1;
	if (scope_find(sc, s, len, v) || late_var(L, s, len, v))
		return true;
	if (sc->ctx != NULL)
		return diag_error(&L->tmp, n,
				  "unknown variable '%.*s' (in defaults:, "
				  "for case '%s')",
				  (int)len, s, sc->ctx);
	return diag_error(&L->tmp, n,
			  "unknown variable '%.*s' (define it in vars:, "
			  "matrix: or with --var)",
			  (int)len, s);
}

/* The substituted text of scalar n into t; *whole gets the value when the
 * scalar is exactly one reference. */
static bool subst_text(loader_t *L, const scope_t *sc, const node_t *n,
		       text_t *t, value_t *whole, bool *is_whole)
{
	size_t i = 0;
	*is_whole = false;
	while (i < n->len) {
		const char *s = n->str + i, *dollar;
		size_t left = n->len - i;
		dollar = memchr(s, '$', left);
		if (dollar == NULL || dollar != s) {
			size_t run = dollar ? (size_t)(dollar - s) : left;
			text_put(t, s, run);
			i += run;
		} else if (left >= 3 && memcmp(s, "$${", 3) == 0) {
			text_put(t, "${", 2);
			i += 3;
		} else if (left >= 2 && s[1] == '{') {
			value_t v = {"", 0, false};
			size_t used = 0;
			if (!var_ref(L, sc, n, s + 2, left - 2, &v, &used))
				return false;
			text_put(t, v.s, v.len);
			*is_whole = i == 0 && 2 + used == n->len;
			*whole = v;
			i += 2 + used;
		} else {
			text_put(t, s, 1);
			i++;
		}
	}
	return true;
}

static bool subst_scalar(loader_t *L, const scope_t *sc, const node_t *n,
			 const node_t **out)
{
	*out = n;
	if (memchr(n->str, '$', n->len) == NULL)
		return true;
	text_t t = {0};
	value_t whole;
	bool is_whole;
	bool ok = subst_text(L, sc, n, &t, &whole, &is_whole);
	if (ok) {
		bool quoted = is_whole ? whole.quoted : n->quoted;
		node_t *c = t.oom ? NULL
				  : node_new_scalar(L->arena, n, t.p ? t.p : "",
						    t.len, quoted);
		if (c == NULL)
			ok = oom(L, n);
		else
			*out = c;
	}
	dns_mem_free(t.p);
	return ok;
}

/* A copy of map or sequence n sharing its keys and values. */
static node_t *shallow_copy(loader_t *L, const node_t *n)
{
	node_t *c = dns_arena_dup(L->arena, n, sizeof(*n));
	if (c == NULL)
		return NULL;
	c->vals = dns_arena_dup(L->arena, n->vals, n->n * sizeof(node_t *));
	return c->vals ? c : NULL;
}

/* Substitute every scalar under n (map keys excluded; the value of key
 * skip_key of a top mapping left as is). Unchanged subtrees are shared;
 * *out is n itself when nothing changed. */
static bool subst_node(loader_t *L, const scope_t *sc, const node_t *n,
		       const char *skip_key, const node_t **out)
{
	if (n->kind == NODE_SCALAR)
		return subst_scalar(L, sc, n, out);
	*out = n;
	node_t *copy = NULL;
	bool ok = true;
	for (size_t i = 0; i < n->n; i++) {
		const node_t *v = n->vals[i];
		if (v->kind == NODE_SCALAR &&
		    memchr(v->str, '$', v->len) == NULL)
			continue; /* as subst_scalar would find: no reference */
		if (skip_key != NULL && n->keys != NULL &&
		    n->keys[i]->str[0] == skip_key[0] &&
		    strcmp(n->keys[i]->str, skip_key) == 0)
			continue;
		ok = subst_node(L, sc, n->vals[i], NULL, &v) && ok;
		if (v == n->vals[i])
			continue;
		if (copy == NULL && (copy = shallow_copy(L, n)) == NULL)
			return oom(L, n);
		copy->vals[i] = (node_t *)v;
	}
	if (copy != NULL)
		*out = copy;
	return ok;
}

/* ---- matrix -------------------------------------------------------------- */

typedef struct matrix {
	const node_t **keys; /* heap; the variables */
	const node_t **seqs; /* heap; their values, substituted */
	const node_t **pick; /* heap; one combination's values */
	size_t n;
	size_t count; /* combinations */
} matrix_t;

static void matrix_free(matrix_t *mx)
{
	if (mx->keys == NULL && mx->seqs == NULL && mx->pick == NULL)
		return; /* no matrix: (most cases) */
	dns_mem_free(mx->keys);
	dns_mem_free(mx->seqs);
	dns_mem_free(mx->pick);
	memset(mx, 0, sizeof(*mx));
}

static bool matrix_entry(loader_t *L, const node_t *key, const node_t *vals)
{
	bool ok = true;
	if (!var_name_ok(key->str, key->len))
		ok = diag_error(&L->tmp, key,
				"matrix variable '%s' must be a letter or '_' "
				"followed by letters, digits, '_' or '-'",
				key->str);
	if (vals->kind != NODE_SEQ || vals->n == 0)
		return diag_error(&L->tmp, vals,
				  "matrix: '%s' must be a non-empty sequence "
				  "of values",
				  key->str);
	for (size_t i = 0; i < vals->n; i++)
		if (vals->vals[i]->kind != NODE_SCALAR)
			ok = diag_error(&L->tmp, vals->vals[i],
					"matrix values must be scalars, not %s",
					node_kind_name(vals->vals[i]->kind));
	return ok;
}

/* Read matrix m (under key), substituting its values in scope sc (which
 * has no matrix). */
static bool matrix_read(loader_t *L, const scope_t *sc, const node_t *key,
			const node_t *m, matrix_t *mx)
{
	if (!node_expect_kind(m, NODE_MAP, "matrix", &L->tmp))
		return false;
	if (m->n == 0)
		return diag_error(&L->tmp, m,
				  "matrix must name at least one variable");
	mx->keys = dns_mem_alloc(m->n * sizeof(node_t *));
	mx->seqs = dns_mem_alloc(m->n * sizeof(node_t *));
	mx->pick = dns_mem_alloc(m->n * sizeof(node_t *));
	if (mx->keys == NULL || mx->seqs == NULL || mx->pick == NULL)
		return oom(L, m);
	bool ok = true;
	mx->n = m->n;
	mx->count = 1;
	for (size_t i = 0; i < m->n; i++) {
		mx->keys[i] = m->keys[i];
		if (!matrix_entry(L, m->keys[i], m->vals[i])) {
			ok = false;
			continue;
		}
		ok = subst_node(L, sc, m->vals[i], NULL, &mx->seqs[i]) && ok;
		if (mx->count <= MATRIX_MAX)
			mx->count *= m->vals[i]->n;
	}
	if (ok && mx->count > MATRIX_MAX)
		return diag_error(&L->tmp, key,
				  "matrix gives more than %u combinations",
				  MATRIX_MAX);
	return ok;
}

/* Choose combination k (the last variable varies fastest). */
static void matrix_pick(matrix_t *mx, size_t k)
{
	for (size_t i = mx->n; i-- > 0;) {
		size_t len = mx->seqs[i]->n;
		mx->pick[i] = mx->seqs[i]->vals[k % len];
		k /= len;
	}
}

/* "base[k1=v1,k2=v2]" into the arena. */
static const char *matrix_name(loader_t *L, const char *base,
			       const matrix_t *mx)
{
	text_t t = {0};
	text_puts(&t, base);
	for (size_t i = 0; i < mx->n; i++) {
		text_puts(&t, i == 0 ? "[" : ",");
		text_puts(&t, mx->keys[i]->str);
		text_puts(&t, "=");
		text_puts(&t, mx->pick[i]->str);
	}
	if (mx->n > 0)
		text_puts(&t, "]");
	const char *s = text_dup(L, &t);
	dns_mem_free(t.p);
	return s;
}

/* ---- case names ---------------------------------------------------------- */

static size_t name_hash(const char *s)
{
	uint64_t h = 14695981039346656037ull; /* FNV-1a */
	for (; *s != '\0'; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return (size_t)h;
}

/* The slot of name: holding it, or the empty one where it goes. */
static size_t *name_slot(loader_t *L, const char *name)
{
	size_t mask = L->nslots - 1, i = name_hash(name) & mask;
	while (L->slots[i] != 0 &&
	       strcmp(L->s->cases[L->slots[i] - 1].name, name) != 0)
		i = (i + 1) & mask;
	return &L->slots[i];
}

/* The name set with n slots (a power of two, more than it holds). */
static bool names_resize(loader_t *L, size_t n)
{
	size_t *old = L->slots, nold = L->nslots;
	L->slots = dns_mem_alloc(n * sizeof(size_t));
	if (L->slots == NULL) {
		L->slots = old;
		return false;
	}
	memset(L->slots, 0, n * sizeof(size_t));
	L->nslots = n;
	for (size_t i = 0; i < nold; i++)
		if (old[i] != 0)
			*name_slot(L, L->s->cases[old[i] - 1].name) = old[i];
	dns_mem_free(old);
	return true;
}

static bool names_grow(loader_t *L)
{
	return names_resize(L, L->nslots ? 2 * L->nslots : 256);
}

/* Room for n more cases at once (as many as a cases: without a matrix
 * holds), not doubling the array and the name set as they come; when
 * memory is short, case_add grows them later. */
static void cases_reserve(loader_t *L, size_t n)
{
	sc_suite_t *s = L->s;
	size_t want = s->ncases + n;
	if (want > L->capcases) {
		sc_case_t *v = dns_mem_realloc(s->cases, want * sizeof(*v));
		if (v != NULL) {
			s->cases = v;
			L->capcases = want;
		}
	}
	size_t slots = L->nslots ? L->nslots : 256;
	while (slots < 2 * want && slots < SIZE_MAX / 4)
		slots *= 2;
	if (slots > L->nslots)
		(void)names_resize(L, slots);
}

/* Append c to the suite; its name must be new. */
static bool case_add(loader_t *L, const sc_case_t *c, const node_t *at)
{
	sc_suite_t *s = L->s;
	if (s->ncases == L->capcases) {
		size_t cap = L->capcases ? 2 * L->capcases : 16;
		sc_case_t *v = dns_mem_realloc(s->cases, cap * sizeof(*v));
		if (v == NULL)
			return oom(L, at);
		s->cases = v;
		L->capcases = cap;
	}
	if (2 * (s->ncases + 1) > L->nslots && !names_grow(L))
		return oom(L, at);
	size_t *slot = name_slot(L, c->name);
	if (*slot != 0) {
		const sc_case_t *first = &s->cases[*slot - 1];
		const struct sc_lazy *z = first->lazy;
		return diag_error(
		    &L->tmp, at, "duplicate case name '%s' (first at %s:%u)",
		    c->name, first->node ? first->node->file : z->lf->file,
		    first->node ? first->node->line : z->line);
	}
	s->cases[s->ncases++] = *c;
	*slot = s->ncases;
	return true;
}

/* A case loaded into a list (two threads), and where its name is. */
typedef struct put_case {
	sc_case_t c;
	const char *file;
	unsigned line, col;
} put_case_t;

/* The cases of one unit of a file, in order (two threads); bad: loading
 * them said something (an error, no memory): the unit is loaded again. */
typedef struct unit_out {
	put_case_t *v; /* heap */
	size_t n, cap;
	bool bad;
} unit_out_t;

/* Append c, named at name, to the suite, or to the list being filled. */
static void case_put(loader_t *L, const sc_case_t *c, const node_t *name)
{
	unit_out_t *o = L->collect;
	if (o == NULL) {
		case_add(L, c, name);
		return;
	}
	if (o->n == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : SLICE_CASES;
		put_case_t *v = dns_mem_realloc(o->v, cap * sizeof(*v));
		if (v == NULL) {
			o->bad = true;
			return;
		}
		o->v = v;
		o->cap = cap;
	}
	o->v[o->n++] = (put_case_t){*c, name->file, name->line, name->col};
}

/* ---- one case ------------------------------------------------------------ */

static bool read_tags(loader_t *L, const node_t *v, sc_case_t *c)
{
	if (!node_expect_kind(v, NODE_SEQ, "tags", &L->tmp))
		return false;
	c->tags =
	    v->n ? dns_arena_alloc(L->arena, v->n * sizeof(char *)) : NULL;
	if (v->n > 0 && c->tags == NULL)
		return oom(L, v);
	bool ok = true;
	for (size_t i = 0; i < v->n; i++) {
		if (!word_check(L, v->vals[i], "tag")) {
			ok = false;
			continue;
		}
		c->tags[c->ntags++] = v->vals[i]->str;
	}
	return ok;
}

/* Duration v (node_ms), remembered for the next case with the same node
 * (not lazy: no node is freed while loading, so none takes its place). */
static bool read_ms(loader_t *L, const node_t *v, unsigned long *out)
{
	if (v == L->ms_node) {
		*out = L->ms;
		return true;
	}
	if (!node_ms(v, out, &L->tmp))
		return false;
	if (!L->lazy && !L->playing) {
		L->ms_node = v;
		L->ms = *out;
	}
	return true;
}

/* The values of the keys of a merged case that read_fields,
 * read_requires and compile read (NULL where absent), found in one pass
 * over it: the first of equal keys, as node_get finds it. */
enum {
	CV_TIMEOUT,
	CV_RETRIES,
	CV_LEVEL,
	CV_TRANSPORT,
	CV_RFC,
	CV_SKIP,
	CV_TAGS,
	CV_REQUIRES,
	CV_QUERY,
	CV_EXPECT,
	CV_N
};

typedef struct case_vals {
	const node_t *v[CV_N];
} case_vals_t;

/* The CV_ index of key k, or CV_N for another key: a switch on its first
 * letter, then a compare or two. */
static unsigned case_key(const node_t *k)
{
	switch (k->str[0]) {
	case 't':
		if (node_key_is(k, "timeout", 7))
			return CV_TIMEOUT;
		if (node_key_is(k, "transport", 9))
			return CV_TRANSPORT;
		return node_key_is(k, "tags", 4) ? CV_TAGS : CV_N;
	case 'r':
		if (node_key_is(k, "retries", 7))
			return CV_RETRIES;
		if (node_key_is(k, "rfc", 3))
			return CV_RFC;
		return node_key_is(k, "requires", 8) ? CV_REQUIRES : CV_N;
	case 'l':
		return node_key_is(k, "level", 5) ? CV_LEVEL : CV_N;
	case 's':
		return node_key_is(k, "skip", 4) ? CV_SKIP : CV_N;
	case 'q':
		return node_key_is(k, "query", 5) ? CV_QUERY : CV_N;
	case 'e':
		return node_key_is(k, "expect", 6) ? CV_EXPECT : CV_N;
	default:
		return CV_N;
	}
}

static void case_vals(const node_t *m, case_vals_t *v)
{
	memset(v, 0, sizeof(*v));
	for (size_t i = 0; m != NULL && m->kind == NODE_MAP && i < m->n; i++) {
		unsigned k = case_key(m->keys[i]);
		if (k < CV_N && v->v[k] == NULL)
			v->v[k] = m->vals[i];
	}
}

static bool read_timing(loader_t *L, const case_vals_t *cv, sc_case_t *c)
{
	bool ok = true;
	const node_t *v = cv->v[CV_TIMEOUT];
	unsigned long n = DEFAULT_RETRIES;
	c->timeout_ms = DEFAULT_TIMEOUT_MS;
	if (v != NULL && !read_ms(L, v, &c->timeout_ms))
		ok = false;
	else if (v != NULL && c->timeout_ms == 0)
		ok = diag_error(&L->tmp, v, "timeout must be more than 0");
	v = cv->v[CV_RETRIES];
	if (v != NULL && !node_u32(v, RETRIES_MAX, &n, &L->tmp))
		ok = false;
	c->retries = (unsigned)n;
	return ok;
}

/* Value v of a key, if there, as one of names[] into *out. */
static bool opt_enum(loader_t *L, const node_t *v, const char *const names[],
		     unsigned *out)
{
	return v == NULL || node_enum(v, names, out, &L->tmp);
}

/* Value v of a key, if there, as a non-empty string into *out. */
static bool opt_text(loader_t *L, const node_t *v, const char *what,
		     const char **out)
{
	if (v == NULL)
		return true;
	if (!text_check(L, v, what))
		return false;
	*out = v->str;
	return true;
}

static bool read_requires(loader_t *L, const node_t *n, unsigned *mask);

/* rfc, level, tags, transport, timeout, retries, skip of a merged case
 * (its case_vals). */
static bool read_fields_of(loader_t *L, const case_vals_t *v, sc_case_t *c)
{
	unsigned level = SC_MUST, transport = SC_UDP;
	bool ok = read_timing(L, v, c);
	const node_t *tags = v->v[CV_TAGS];
	ok = opt_enum(L, v->v[CV_LEVEL], level_names, &level) && ok;
	ok = opt_enum(L, v->v[CV_TRANSPORT], transport_names, &transport) && ok;
	ok = opt_text(L, v->v[CV_RFC], "rfc", &c->rfc) && ok;
	ok = opt_text(L, v->v[CV_SKIP], "skip (the reason)", &c->skip) && ok;
	ok = (tags == NULL || read_tags(L, tags, c)) && ok;
	c->level = (sc_level_t)level;
	c->transport = (sc_transport_t)transport;
	return ok;
}

/* The same, of merged case m. */
static bool read_fields(loader_t *L, const node_t *m, sc_case_t *c)
{
	case_vals_t v;
	case_vals(m, &v);
	return read_fields_of(L, &v, c);
}

/* An empty mapping located at n: the expectation of a case without
 * expect: (the implicit checks only). */
static node_t *empty_map(loader_t *L, const node_t *at)
{
	node_t *m = dns_arena_alloc(L->arena, sizeof(*m));
	if (m == NULL)
		return NULL;
	memset(m, 0, sizeof(*m));
	m->kind = NODE_MAP;
	m->file = at->file;
	m->line = at->line;
	m->col = at->col;
	return m;
}

/* The compiled expectation e of a case of file fc (NULL: none known):
 * when e is the expect: of fc's defaults, compiled once and shared by
 * every such case (compiled expectations are not changed once made). */
static bool compile_expect(loader_t *L, file_ctx_t *fc, const node_t *e,
			   struct sc_expect **out)
{
	bool shared = fc != NULL && fc->plain_done && fc->plain_ok &&
		      e == node_get(fc->plain, "expect");
	if (shared && fc->plain_expect != NULL) {
		*out = fc->plain_expect;
		return true;
	}
	if (!shared || L->playing || L->tmp.n + 1 >= DIAG_MAX)
		return sc_expect_compile(e, L->arena, out, &L->tmp);
	if (!sc_expect_compile(e, &L->s->arena, out, &L->tmp))
		return false;
	fc->plain_expect = *out;
	return true;
}

/* compile query q and expectation e (either may be NULL) of a case of
 * file fc (NULL: none known). */
static bool compile_qe(loader_t *L, file_ctx_t *fc, const node_t *q,
		       const node_t *e, sc_case_t *c)
{
	if (q == NULL)
		return diag_error(&L->tmp, node_get(c->node, "name"),
				  "case '%s' has no query: (and defaults: "
				  "gives none)",
				  c->name);
	if (e == NULL && (e = empty_map(L, c->node)) == NULL)
		return oom(L, c->node);
	c->query_node = q;
	c->expect_node = e;
	c->query = dns_arena_alloc(L->arena, sizeof(*c->query));
	if (c->query == NULL)
		return oom(L, q);
	bool ok = sc_query_build(q, L->arena, c->query, &L->tmp); /* zeroes */
	return compile_expect(L, fc, e, &c->expect) && ok;
}

/* The same, of merged case m. */
static bool compile_in(loader_t *L, file_ctx_t *fc, const node_t *m,
		       sc_case_t *c)
{
	return compile_qe(L, fc, node_get(m, "query"), node_get(m, "expect"),
			  c);
}

static bool compile(loader_t *L, const node_t *m, sc_case_t *c)
{
	return compile_in(L, NULL, m, c);
}

/* The merged query q without the question keys that came from defaults:
 * a case that writes question: or no_question: replaces the defaults'
 * name/type/class instead of clashing with them. NULL on memory failure. */
static node_t *drop_default_question(loader_t *L, const node_t *q)
{
	static const char *const drop[] = {"name", "type", "class", NULL};
	node_t *c = dns_arena_dup(L->arena, q, sizeof(*q));
	if (c == NULL)
		return NULL;
	c->keys = dns_arena_alloc(L->arena, (q->n + 1) * sizeof(node_t *));
	c->vals = dns_arena_alloc(L->arena, (q->n + 1) * sizeof(node_t *));
	if (c->keys == NULL || c->vals == NULL)
		return NULL;
	c->n = 0;
	for (size_t i = 0; i < q->n; i++) {
		size_t j = 0;
		while (drop[j] != NULL && strcmp(drop[j], q->keys[i]->str) != 0)
			j++;
		if (drop[j] != NULL)
			continue;
		c->keys[c->n] = q->keys[i];
		c->vals[c->n++] = q->vals[i];
	}
	return c;
}

/* Does case query q (NULL: none) hold hex: (*raw), question: or
 * no_question: (*own_question)? One pass over its keys. */
static void query_kind(const node_t *q, bool *raw, bool *own_question)
{
	*raw = *own_question = false;
	for (size_t i = 0; q != NULL && q->kind == NODE_MAP && i < q->n; i++) {
		const node_t *k = q->keys[i];
		*raw = *raw || node_key_is(k, "hex", 3);
		*own_question = *own_question ||
				node_key_is(k, "question", 8) ||
				node_key_is(k, "no_question", 11);
	}
}

/* defaults: under case cs. A case query with hex: (a raw message) takes
 * nothing from defaults.query; one with question: or no_question: takes
 * everything but the defaults' name, type and class. */
static const node_t *merge_case(loader_t *L, const node_t *defs,
				const node_t *cs)
{
	if (defs == NULL)
		return cs;
	node_t *m = node_merge(defs, cs, L->arena);
	if (m == NULL) {
		oom(L, cs);
		return cs;
	}
	const node_t *q = node_get(cs, "query");
	bool raw, own_question;
	query_kind(q, &raw, &own_question);
	if (!raw && !own_question)
		return m;
	for (size_t i = 0; i < m->n; i++) {
		if (strcmp(m->keys[i]->str, "query") != 0)
			continue;
		node_t *v =
		    raw ? (node_t *)q : drop_default_question(L, m->vals[i]);
		if (v == NULL) {
			oom(L, cs);
			return cs;
		}
		m->vals[i] = v;
	}
	return m;
}

/* Defaults' values d under the case's own: v, false on memory failure. */
static bool vals_under(loader_t *L, const case_vals_t *d,
		       const case_vals_t *own, case_vals_t *v)
{
	for (unsigned i = 0; i < CV_N; i++) {
		v->v[i] = own->v[i] == NULL ? d->v[i]
			  : d->v[i] == NULL
			      ? own->v[i]
			      : node_merge(d->v[i], own->v[i], L->arena);
		if (v->v[i] == NULL && own->v[i] != NULL)
			return false;
	}
	const node_t *q = own->v[CV_QUERY];
	bool raw, own_question;
	query_kind(q, &raw, &own_question);
	if (raw)
		v->v[CV_QUERY] = q;
	else if (own_question)
		return (v->v[CV_QUERY] =
			    drop_default_question(L, v->v[CV_QUERY])) != NULL;
	return true;
}

/* The case_vals of defaults ds of a case of file fc: those of fc's plain
 * defaults kept in the suite's arena, read once; others into *tmp. */
static const case_vals_t *defaults_vals(loader_t *L, file_ctx_t *fc,
					const node_t *ds, case_vals_t *tmp)
{
	if (ds != fc->plain || L->playing) {
		case_vals(ds, tmp);
		return tmp;
	}
	if (fc->plain_vals == NULL &&
	    (fc->plain_vals = dns_arena_alloc(&L->s->arena,
					      sizeof(*fc->plain_vals))) != NULL)
		case_vals(ds, fc->plain_vals);
	if (fc->plain_vals == NULL) {
		case_vals(ds, tmp);
		return tmp;
	}
	return fc->plain_vals;
}

/* case_vals of merge_case(L, ds, cs), without building that mapping
 * (loading keeps none of it but these values): for each key, the value
 * of cs over that of ds, two mappings merged as node_merge merges them,
 * and the query as merge_case leaves it. ds are defaults of file fc. */
static void merged_vals(loader_t *L, file_ctx_t *fc, const node_t *ds,
			const node_t *cs, case_vals_t *v)
{
	case_vals_t own, tmp;
	case_vals(cs, &own);
	*v = own;
	if (ds == NULL)
		return;
	const case_vals_t *d = defaults_vals(L, fc, ds, &tmp);
	if (!vals_under(L, d, &own, v)) { /* as merge_case: the case alone */
		oom(L, cs);
		*v = own;
	}
}

/* defaults: as case `name` in scope sc sees them; NULL in *out when
 * there are none. */
static bool case_defaults(loader_t *L, file_ctx_t *fc, scope_t *sc,
			  const char *name, const node_t **out)
{
	*out = NULL;
	if (fc->defaults == NULL)
		return true;
	sc->ctx = name;
	if (sc->nm > 0)
		return subst_node(L, sc, fc->defaults, NULL, out);
	if (L->playing && !fc->plain_done)
		return subst_node(L, sc, fc->defaults, NULL, out);
	if (!fc->plain_done) { /* kept for every case of the file */
		dns_arena_t *a = L->arena;
		L->arena = &L->s->arena;
		fc->plain_ok =
		    subst_node(L, sc, fc->defaults, NULL, &fc->plain);
		fc->plain_done = true;
		L->arena = a;
	}
	*out = fc->plain;
	return fc->plain_ok;
}

/* Combination k of case raw (k = 0 without a matrix), substituted (*cs,
 * its name *name_out), and the defaults: it is merged with (*ds, NULL:
 * none); false after errors. */
static bool case_merged(loader_t *L, file_ctx_t *fc, const node_t *raw,
			matrix_t *mx, size_t k, const node_t **cs,
			const node_t **ds_out, const node_t **name_out)
{
	scope_t sc = {NULL, NULL, 0, L->opts, fc->vars, NULL};
	const node_t *ds = NULL, *name;
	if (mx->n > 0) {
		matrix_pick(mx, k);
		sc = (scope_t){mx->keys, mx->pick, mx->n,
			       L->opts,	 fc->vars, NULL};
	}
	if (fc->no_refs && !L->playing)
		*cs = raw; /* what subst_node gives when no scalar has a '$' */
	else if (!subst_node(L, &sc, raw, "matrix", cs))
		return false;
	name = node_get(*cs, "name");
	if (!word_check(L, name, "case name") ||
	    !case_defaults(L, fc, &sc, name->str, &ds))
		return false;
	*ds_out = ds;
	*name_out = name;
	return true;
}

/* s copied into the suite's arena (NULL stays NULL). */
static const char *keep_str(loader_t *L, const char *s)
{
	return s ? dns_arena_dup(&L->s->arena, s, strlen(s) + 1) : NULL;
}

/* Lazy: what c needs once its compiled parts are gone, copied out of the
 * scratch arena: its texts and how to compile it again. */
static bool keep_case(loader_t *L, file_ctx_t *fc, const node_t *raw, size_t k,
		      sc_case_t *c)
{
	dns_arena_t *a = &L->s->arena;
	struct sc_lazy *z = dns_arena_alloc(a, sizeof(*z));
	const char **tags =
	    c->ntags ? dns_arena_alloc(a, c->ntags * sizeof(char *)) : NULL;
	if (z == NULL || (c->ntags > 0 && tags == NULL))
		return oom(L, raw);
	*z = (struct sc_lazy){raw, fc->kept, (uint32_t)k, 0, 0, 0};
	if (L->span != NULL) { /* raw goes with its slice */
		z->raw = NULL;
		z->line = L->span->line;
		z->begin = (uint32_t)L->span->begin;
		z->len = (uint32_t)(L->span->end - L->span->begin);
	}
	for (size_t i = 0; i < c->ntags; i++)
		if ((tags[i] = keep_str(L, c->tags[i])) == NULL)
			return oom(L, raw);
	const char *rfc = c->rfc, *skip = c->skip;
	c->tags = tags;
	c->rfc = keep_str(L, rfc);
	c->skip = keep_str(L, skip);
	if ((rfc != NULL && c->rfc == NULL) ||
	    (skip != NULL && c->skip == NULL))
		return oom(L, raw);
	c->node = z->raw;
	c->query_node = c->expect_node = NULL;
	c->query = NULL;
	c->expect = NULL;
	c->lazy = z;
	return true;
}

/* A case of a unit parsed alone (loader_t.pieces), whose tree goes once
 * the unit is compiled: its texts stay (settle), but not its nodes.
 * c->node becomes a mapping without entries at the case's location
 * (L->stub: case_add names it when a later case has the same name);
 * query_node and expect_node NULL. What is compiled keeps no node of a
 * case's own but for locations never read after loading
 * (sc_expect_t.node). */
static void piece_case(loader_t *L, sc_case_t *c)
{
	c->node = L->stub;
	c->query_node = c->expect_node = NULL;
}

/* One combination k of case raw (k = 0 without a matrix). */
static void expand_one(loader_t *L, file_ctx_t *fc, const node_t *raw,
		       matrix_t *mx, size_t k)
{
	dns_arena_t *keep = L->arena;
	const node_t *cs, *ds;
	sc_case_t c = {0};
	if (L->lazy)
		L->arena = &L->scratch; /* all but what keep_case copies */
	const node_t *name;
	bool ok = case_merged(L, fc, raw, mx, k, &cs, &ds, &name);
	if (ok) {
		dns_arena_t *a = L->arena;
		L->arena = keep;
		c.name = mx->n	   ? matrix_name(L, name->str, mx)
			 : L->lazy ? keep_str(L, name->str)
				   : name->str;
		L->arena = a;
		c.node = cs;
		if (c.name == NULL) {
			oom(L, name);
		} else { /* as many errors as there are, and duplicates */
			case_vals_t v;
			merged_vals(L, fc, ds, cs, &v);
			read_fields_of(L, &v, &c);
			read_requires(L, v.v[CV_REQUIRES], &c.requires);
			compile_qe(L, fc, v.v[CV_QUERY], v.v[CV_EXPECT], &c);
			if (L->pieces)
				piece_case(L, &c);
			if (!L->lazy || keep_case(L, fc, raw, k, &c))
				case_put(L, &c, name);
		}
	}
	L->arena = keep;
	if (L->lazy)
		dns_arena_reset(&L->scratch);
}

static void load_case(loader_t *L, file_ctx_t *fc, const node_t *raw)
{
	if (!check_keys(L, raw, "case", case_keys, fc->role) &&
	    raw->kind != NODE_MAP)
		return;
	const node_t *mnode = node_get(raw, "matrix");
	matrix_t mx = {0};
	if (node_get(raw, "name") == NULL) {
		diag_error(&L->tmp, raw, "a case needs name:");
		return;
	}
	if (L->lazy && fc->kept == NULL) { /* cases keep a pointer to it */
		lazy_file_t *lf = dns_arena_alloc(L->arena, sizeof(*lf));
		if (lf == NULL) {
			oom(L, raw);
			return;
		}
		*lf = (lazy_file_t){*fc,   L->kept_opts, raw->file,
				    L->fd, L->st,	 L->s->lazy_files};
		lf->fc.kept = lf;
		fc->kept = lf;
		L->s->lazy_files = lf;
		L->fd = -1; /* lf's now */
	}
	if (L->lazy && !L->own_fc)
		fc = &fc->kept->fc;
	if (mnode != NULL) {
		scope_t sc = {NULL, NULL, 0, L->opts, fc->vars, NULL};
		if (!matrix_read(L, &sc, node_key(raw, "matrix"), mnode, &mx)) {
			matrix_free(&mx);
			return;
		}
	}
	flush(L);
	size_t count = mnode ? mx.count : 1;
	for (size_t k = 0; k < count; k++) {
		expand_one(L, fc, raw, &mx, k);
		flush(L);
	}
	matrix_free(&mx);
}

static char *join_path(loader_t *L, const char *of, const char *rel);

/* ---- resolver suites: servers:, target:, steps: -------------------------- */

/* requires: a list of capability words (target/caps.h) into *mask. */
static bool read_requires(loader_t *L, const node_t *n, unsigned *mask)
{
	if (n == NULL)
		return true;
	if (!node_expect_kind(n, NODE_SEQ, "requires", &L->tmp))
		return false;
	bool ok = true;
	for (size_t i = 0; i < n->n; i++) {
		const node_t *w = n->vals[i];
		unsigned bit = 0;
		if (!node_expect_kind(w, NODE_SCALAR, "a capability", &L->tmp))
			ok = false;
		else if ((bit = target_cap_from_word(w->str)) == 0)
			ok = diag_error(&L->tmp, w,
					"unknown capability '%s' (known: %s)",
					w->str, target_cap_words());
		*mask |= bit;
	}
	return ok;
}

static void step_add(loader_t *L, sc_step_kind_t kind, const node_t *at,
		     size_t case_index, uint64_t ms)
{
	sc_suite_t *s = L->s;
	if (s->nsteps == L->capsteps) {
		size_t cap = L->capsteps ? 2 * L->capsteps : 16;
		sc_step_t *v = dns_mem_realloc(s->steps, cap * sizeof(*v));
		if (v == NULL) {
			oom(L, at);
			return;
		}
		s->steps = v;
		L->capsteps = cap;
	}
	s->steps[s->nsteps++] = (sc_step_t){kind, at, case_index, ms, 0};
}

/* A span of time: a number and a unit (ms, s, m, h, d; none: seconds),
 * more than 0 and at most 366 days. */
static bool read_span(loader_t *L, const node_t *n, uint64_t *ms)
{
	static const struct {
		const char *unit;
		double scale;
	} units[] = {{"ms", 1.0}, {"s", 1e3},	 {"", 1e3},
		     {"m", 60e3}, {"h", 3600e3}, {"d", 86400e3}};
	char *end = NULL;
	double v = n->kind == NODE_SCALAR ? strtod(n->str, &end) : -1.0;
	for (size_t i = 0; end != NULL && end != n->str && v > 0 &&
			   i < sizeof(units) / sizeof(units[0]);
	     i++) {
		double t = v * units[i].scale;
		if (strcmp(end, units[i].unit) != 0 || t > 366.0 * 86400e3)
			continue;
		*ms = (uint64_t)(t + 0.5);
		return *ms > 0 ||
		       diag_error(&L->tmp, n, "time_passes: at least 1ms");
	}
	return diag_error(&L->tmp, n,
			  "time_passes: expected a duration such as 300s, "
			  "90m, 2h or 1d (more than 0, at most 366d), got '%s'",
			  n->kind == NODE_SCALAR ? n->str
						 : node_kind_name(n->kind));
}

static void load_time_step(loader_t *L, file_ctx_t *fc, const node_t *raw)
{
	scope_t sc = {NULL, NULL, 0, L->opts, fc->vars, NULL};
	const node_t *v;
	uint64_t ms = 0;
	if (raw->n != 1) {
		diag_error(&L->tmp, raw,
			   "time_passes: stands alone in its step (no name:, "
			   "query: or upstream: beside it)");
		return;
	}
	if (subst_node(L, &sc, node_get(raw, "time_passes"), NULL, &v) &&
	    read_span(L, v, &ms))
		step_add(L, SC_STEP_TIME, raw, 0, ms);
}

/* "step-N" in the arena. */
static const char *step_name(loader_t *L, size_t idx)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "step-%zu", idx + 1);
	return dns_arena_dup(L->arena, buf, strlen(buf) + 1);
}

/* defaults: as an upstream-only step takes them: level, rfc, tags. */
static const node_t *upstream_defaults(loader_t *L, const node_t *ds)
{
	static const char *const keep[] = {"level", "rfc", "tags", NULL};
	if (ds == NULL)
		return NULL;
	node_t *c = shallow_copy(L, ds);
	if (c == NULL ||
	    (c->keys = dns_arena_dup(L->arena, ds->keys,
				     ds->n * sizeof(node_t *))) == NULL) {
		oom(L, ds);
		return NULL;
	}
	c->n = 0;
	for (size_t i = 0; i < ds->n; i++)
		if (in_list(keep, ds->keys[i]->str)) {
			c->keys[c->n] = ds->keys[i];
			c->vals[c->n++] = ds->vals[i];
		}
	return c;
}

/* A step without query: may not hold the keys that go with one. */
static bool no_query_keys(loader_t *L, const node_t *raw)
{
	static const char *const need[] = {"expect", "transport", "timeout",
					   "retries", NULL};
	bool ok = true;
	for (size_t i = 0; need[i] != NULL; i++)
		if (node_get(raw, need[i]) != NULL)
			ok = diag_error(&L->tmp, node_key(raw, need[i]),
					"'%s:' needs a query: in the same step",
					need[i]);
	return ok;
}

/* A client step: run:, env:, stdin:, expect: (play/client.h), and
 * upstream:, with the file's defaults under it. */
static void load_client_step(loader_t *L, file_ctx_t *fc, const node_t *raw,
			     size_t idx)
{
	scope_t sc = {NULL, NULL, 0, L->opts, fc->vars, NULL};
	const node_t *cs, *ds = NULL, *name;
	sc_case_t c = {0};
	if (!subst_node(L, &sc, raw, NULL, &cs))
		return;
	name = node_get(cs, "name");
	if (name != NULL && !word_check(L, name, "step name"))
		return;
	c.node = cs;
	c.name = name != NULL ? name->str : step_name(L, idx);
	if (c.name == NULL || !case_defaults(L, fc, &sc, c.name, &ds))
		return;
	const node_t *m = merge_case(L, ds, cs);
	bool ok = read_fields(L, m, &c);
	ok = sc_client_compile(m, L->arena, &c.client, &L->tmp) && ok;
	if ((c.upstream_node = node_get(m, "upstream")) != NULL)
		ok = sc_upstream_compile(c.upstream_node, L->s->servers,
					 L->arena, &c.upstream, &L->tmp) &&
		     ok;
	size_t at = L->s->ncases;
	if (ok && case_add(L, &c, name != NULL ? name : raw))
		step_add(L, SC_STEP_QUERY, raw, at, 0);
}

/* A step with queries: holds neither query: nor expect: (each entry has
 * its own). */
static bool queries_keys(loader_t *L, const node_t *raw)
{
	static const char *const beside[] = {"query", "expect", NULL};
	bool ok = true;
	for (size_t i = 0; beside[i] != NULL; i++)
		if (node_get(raw, beside[i]) != NULL)
			ok = diag_error(&L->tmp, node_key(raw, beside[i]),
					"'%s:' cannot be beside queries: (each "
					"entry of queries: has its own)",
					beside[i]);
	return ok;
}

/* One entry {query, expect} of queries: merged over the defaults ds and
 * compiled into one (a copy of the step's case c). */
static bool compile_entry(loader_t *L, const node_t *ds, const node_t *it,
			  sc_case_t *one)
{
	static const char *const keys[] = {"query", "expect", NULL};
	if (!node_check_keys(it, "queries: entry", keys, &L->tmp))
		return false;
	if (node_get(it, "query") == NULL)
		return diag_error(&L->tmp, it,
				  "queries: each entry needs a query:");
	one->node = it;
	return compile(L, merge_case(L, ds, it), one);
}

/* queries: of a step: the first entry becomes c's query and expect, the
 * others c->more, all sent at once when the step is played. */
static bool compile_queries(loader_t *L, const node_t *ds, const node_t *qs,
			    sc_case_t *c)
{
	if (!node_expect_kind(qs, NODE_SEQ, "queries", &L->tmp))
		return false;
	if (qs->n == 0 || qs->n > SC_QUERIES_MAX)
		return diag_error(&L->tmp, qs, "queries: give 1 to %u queries",
				  SC_QUERIES_MAX);
	sc_more_t *more =
	    dns_arena_alloc(L->arena, qs->n * sizeof(*more)); /* n - 1 used */
	if (more == NULL)
		return oom(L, qs);
	bool ok = true;
	for (size_t i = 0; i < qs->n; i++) {
		sc_case_t one = *c;
		if (!compile_entry(L, ds, qs->vals[i], &one)) {
			ok = false;
		} else if (i == 0) {
			c->query_node = one.query_node;
			c->expect_node = one.expect_node;
			c->query = one.query;
			c->expect = one.expect;
		} else {
			more[i - 1] =
			    (sc_more_t){one.query, one.expect, one.query_node};
		}
	}
	c->more = qs->n > 1 ? more : NULL;
	c->nmore = qs->n - 1;
	return ok;
}

static void load_step(loader_t *L, file_ctx_t *fc, const node_t *raw,
		      size_t idx)
{
	bool client = fc->role == SC_ROLE_CLIENT;
	if (!check_keys(L, raw, "step", client ? client_step_keys : step_keys,
			fc->role) &&
	    raw->kind != NODE_MAP)
		return;
	if (client) {
		load_client_step(L, fc, raw, idx);
		return;
	}
	if (node_get(raw, "time_passes") != NULL) {
		load_time_step(L, fc, raw);
		return;
	}
	const node_t *q = node_get(raw, "query");
	const node_t *qs = node_get(raw, "queries");
	if (q == NULL && qs == NULL && node_get(raw, "upstream") == NULL) {
		diag_error(&L->tmp, raw,
			   "a step needs query:, upstream: or time_passes:");
		return;
	}
	scope_t sc = {NULL, NULL, 0, L->opts, fc->vars, NULL};
	const node_t *cs, *ds = NULL, *name;
	sc_case_t c = {0};
	if (qs != NULL ? !queries_keys(L, raw)
		       : (q == NULL && !no_query_keys(L, raw)))
		return;
	if (!subst_node(L, &sc, raw, NULL, &cs))
		return;
	if (qs != NULL)
		q = qs = node_get(cs, "queries");
	name = node_get(cs, "name");
	if (name != NULL && !word_check(L, name, "step name"))
		return;
	c.node = cs;
	c.name = name != NULL ? name->str : step_name(L, idx);
	if (c.name == NULL || !case_defaults(L, fc, &sc, c.name, &ds))
		return;
	const node_t *m =
	    merge_case(L, q != NULL ? ds : upstream_defaults(L, ds), cs);
	bool ok = read_fields(L, m, &c);
	if (qs != NULL)
		ok = compile_queries(L, ds, qs, &c) && ok;
	else if (q != NULL)
		ok = compile(L, m, &c) && ok;
	if ((c.upstream_node = node_get(m, "upstream")) != NULL)
		ok = sc_upstream_compile(c.upstream_node, L->s->servers,
					 L->arena, &c.upstream, &L->tmp) &&
		     ok;
	const node_t *st = node_get(m, "settle");
	if (st != NULL && q == NULL && qs == NULL)
		ok = diag_error(&L->tmp, st,
				"settle: needs a query: or queries: in the "
				"step") &&
		     ok;
	else if (st != NULL && !node_ms(st, &c.settle_ms, &L->tmp))
		ok = false;
	else if (c.settle_ms > SETTLE_MAX_MS)
		ok = diag_error(&L->tmp, st, "settle: at most %lu ms",
				SETTLE_MAX_MS) &&
		     ok;
	unsigned req = 0;
	ok = read_requires(L, node_get(m, "requires"), &req) && ok;
	size_t at = L->s->ncases, n = L->s->nsteps;
	if (ok && case_add(L, &c, name != NULL ? name : raw))
		step_add(L, q != NULL ? SC_STEP_QUERY : SC_STEP_UPSTREAM, raw,
			 at, 0);
	if (L->s->nsteps > n)
	L->s->steps[n].requires = req;
}

/* Every server of c has a name (read before anything else of it). */
static bool servers_named(const serve_config_t *c)
{
	for (size_t i = 0; i < c->n; i++)
		if (c->servers[i].name == NULL)
			return false;
	return true;
}

/* servers: into the suite, ${vars} substituted (file vars:, --var);
 * false when absent or broken. */
static bool read_servers(loader_t *L, file_ctx_t *fc, const node_t *doc)
{
	const node_t *v = node_get(doc, "servers");
	scope_t sc = {NULL, NULL, 0, L->opts, fc->vars, NULL};
	if (v == NULL)
		return false;
	serve_config_t *c = dns_mem_alloc(sizeof(*c));
	if (c == NULL)
		return oom(L, v);
	serve_config_init(c);
	L->s->servers = c; /* kept empty when a variable is unknown */
	if (!subst_node(L, &sc, v, NULL, &v))
		return false;
	char *dir = join_path(L, doc->file, ".");
	if (dir == NULL)
		return oom(L, v);
	return serve_config_load(c, v, dir, &L->tmp);
}

/* Does server i serve the root zone (". SOA" answered with AA)? */
static bool serves_root(const serve_server_t *sv)
{
	static const uint8_t q[] = {0, 0, 0, 0, 0, 1, 0, 0, 0,
				    0, 0, 0, 0, 0, 6, 0, 1};
	uint8_t buf[512];
	serve_result_t res;
	dns_arena_t scratch;
	dns_arena_init(&scratch, 0);
	serve_answer_wire(sv->zones, q, sizeof(q), SERVE_UDP, NULL, &scratch,
			  buf, sizeof(buf), &res);
	dns_arena_free(&scratch);
	return res.action == SERVE_REPLY && res.kind == SERVE_K_ANSWER &&
	       res.aa;
}

/* target: {upstream:} or the server of the root zone. */
static void target_server(loader_t *L, const node_t *at)
{
	sc_target_spec_t *t = &L->s->target;
	const serve_config_t *c = L->s->servers;
	for (size_t i = 0; i < c->n; i++)
		if (t->upstream != NULL
			? strcmp(c->servers[i].name, t->upstream) == 0
			: serves_root(&c->servers[i])) {
			t->server = i;
			/* pointed at a root, the resolver must iterate */
			if (serves_root(&c->servers[i]))
			t->requires |= TARGET_CAP_ITERATE;
			return;
		}
	if (t->upstream != NULL)
		diag_error(&L->tmp, at, "upstream: no server named '%s'",
			   t->upstream);
	else
		diag_error(&L->tmp, at,
			   "no server serves the root zone: name the server "
			   "the resolver starts from with target: {upstream: "
			   "NAME}");
}

static bool read_target_vars(loader_t *L, const node_t *v)
{
	sc_target_spec_t *t = &L->s->target;
	if (!node_expect_kind(v, NODE_MAP, "target: vars", &L->tmp))
		return false;
	t->vars = dns_arena_alloc(L->arena, (v->n + 1) * sizeof(sc_var_t));
	if (t->vars == NULL)
		return oom(L, v);
	bool ok = true;
	for (size_t i = 0; i < v->n; i++) {
		if (!text_check(L, v->vals[i], "a target: vars value")) {
			ok = false;
			continue;
		}
		t->vars[t->nvars++] =
		    (sc_var_t){v->keys[i]->str, v->vals[i]->str};
	}
	return ok;
}

/* target: RECIPE, or {recipe, upstream, vars}. */
static void read_target(loader_t *L, file_ctx_t *fc, const node_t *doc,
			const node_t *steps)
{
	sc_target_spec_t *t = &L->s->target;
	const node_t *raw = node_get(doc, "target"), *v, *e;
	scope_t sc = {NULL, NULL, 0, L->opts, fc->vars, NULL};
	if (raw != NULL && subst_node(L, &sc, raw, NULL, &v)) {
		t->node = v;
		if (v->kind == NODE_SCALAR) {
			if (word_check(L, v, "target: recipe"))
				t->recipe = v->str;
		} else if (node_check_keys(v, "target", target_keys, &L->tmp)) {
			if ((e = node_get(v, "recipe")) != NULL &&
			    word_check(L, e, "target: recipe"))
				t->recipe = e->str;
			if ((e = node_get(v, "upstream")) != NULL &&
			    word_check(L, e, "target: upstream server"))
				t->upstream = e->str;
			if ((e = node_get(v, "vars")) != NULL)
				read_target_vars(L, e);
			read_requires(L, node_get(v, "requires"), &t->requires);
		}
	}
	const node_t *at = t->node ? t->node : steps;
	if (node_get(t->node, "upstream") != NULL)
		at = node_get(t->node, "upstream");
	target_server(L, at);
}

/* The built-in resolver (or client) defaults merged under the file's. */
static void resolver_defs(loader_t *L, file_ctx_t *fc)
{
	bool client = fc->role == SC_ROLE_CLIENT;
	const char *text = client ? CLIENT_DEFAULTS : resolver_defaults;
	node_t *b =
	    node_parse(text, strlen(text),
		       client ? "<client defaults>" : "<resolver defaults>",
		       L->arena, &L->tmp);
	node_t *m = b ? node_merge(b, fc->defaults, L->arena) : NULL;
	if (m == NULL)
		oom(L, fc->defaults);
	else
		fc->defaults = m;
}

static void read_steps(loader_t *L, file_ctx_t *fc, const node_t *steps)
{
	if (!node_expect_kind(steps, NODE_SEQ, "steps", &L->tmp))
		return;
	if (steps->n == 0)
		diag_error(&L->tmp, steps, "steps: must not be empty");
	resolver_defs(L, fc);
	flush(L);
	for (size_t i = 0; i < steps->n; i++) {
		load_step(L, fc, steps->vals[i], i);
		flush(L);
	}
}

static void read_resolver(loader_t *L, file_ctx_t *fc, const node_t *doc)
{
	const node_t *steps = node_get(doc, "steps");
	const char *role = role_names[fc->role];
	if (node_get(doc, "cases") != NULL)
		diag_error(&L->tmp, node_key(doc, "cases"),
			   "a role: %s suite has steps:, not cases:", role);
	if (node_get(doc, "include") != NULL)
		diag_error(&L->tmp, node_key(doc, "include"),
			   "include: is not supported in a role: %s "
			   "suite yet",
			   role);
	bool servers = read_servers(L, fc, doc);
	flush(L);
	if (steps == NULL && node_get(doc, "servers") == NULL)
		diag_error(&L->tmp, doc,
			   "missing steps: (a %s suite plays steps "
			   "against its servers:)",
			   role);
	if (steps == NULL)
		return; /* servers only: for dnsharness serve */
	if (node_get(doc, "servers") == NULL)
		diag_error(&L->tmp, node_key(doc, "steps"),
			   "steps: need servers: (the scripted servers the "
			   "steps use)");
	/* Broken servers: their errors, and those of the steps when every
	 * server got as far as its name (target: needs working zones). */
	if (!servers && (L->s->servers == NULL || L->s->servers->n == 0 ||
			 !servers_named(L->s->servers)))
		return;
	if (servers && fc->role == SC_ROLE_RESOLVER)
		read_target(L, fc, doc, steps);
	flush(L);
	read_steps(L, fc, steps);
}

/* ---- large files, lazily: cases: a slice at a time ------------------------
 *
 * With sc_load_file_lazy the tree of a file would still hold every case
 * (most of the memory of a suite of many cases). So when cases: is a
 * block sequence, its items are found with libyaml's events, the rest of
 * the file is parsed with cases: blanked out, and the items are parsed
 * SLICE_CASES at a time, each case once more when it is played
 * (sc_case_compile). Locations are those of the whole file. */

/* The position of the '-' before the item starting at `at`, or SIZE_MAX
 * when there are other bytes between them or before it on its line. */
static size_t dash_before(const char *text, size_t at)
{
	size_t i = at;
	while (i > 0 && strchr(" \t\r\n", text[i - 1]) != NULL)
		i--;
	if (i == 0 || text[i - 1] != '-')
		return SIZE_MAX;
	size_t dash = i - 1;
	for (i = dash; i > 0 && text[i - 1] != '\n'; i--)
		if (text[i - 1] != ' ')
			return SIZE_MAX;
	return dash;
}

/* The start of the line holding byte at. */
static size_t line_start(const char *text, size_t at)
{
	while (at > 0 && text[at - 1] != '\n')
		at--;
	return at;
}

typedef struct scan {
	span_t *spans;
	size_t n, cap;
	size_t dash; /* of the first item */
	size_t end;  /* of the sequence */
	unsigned depth;
	bool key_next; /* at depth 1: the next event is a key */
	bool in_cases; /* the value of cases: is the block sequence here */
	bool want_seq; /* the key was cases: */
	bool bad;      /* something slicing cannot take */
} scan_t;

/* Room for one more span; false (and sc->bad) when there is no memory. */
static bool spans_room(scan_t *sc)
{
	if (sc->n < sc->cap)
		return true;
	size_t cap = sc->cap ? 2 * sc->cap : 1024;
	span_t *v = dns_mem_realloc(sc->spans, cap * sizeof(*v));
	if (v == NULL) {
		sc->bad = true;
		return false;
	}
	sc->spans = v;
	sc->cap = cap;
	return true;
}

static void scan_item(scan_t *sc, const char *text, const yaml_event_t *ev)
{
	size_t dash = dash_before(text, ev->start_mark.index);
	if (dash == SIZE_MAX || dash == line_start(text, dash)) {
		sc->bad = true; /* no dash, or '-' in column 1 */
		return;
	}
	if (!spans_room(sc))
		return;
	unsigned nl = 0; /* newlines between the dash and the item */
	for (size_t i = dash; i < ev->start_mark.index; i++)
		nl += text[i] == '\n';
	size_t begin = line_start(text, dash);
	if (sc->n == 0)
		sc->dash = dash;
	else
		sc->spans[sc->n - 1].end = begin;
	sc->spans[sc->n++] =
	    (span_t){begin, begin, (unsigned)ev->start_mark.line + 1 - nl};
}

/* One event of the scan for cases: at the top of the document. */
static void scan_event(scan_t *sc, const char *text, const yaml_event_t *ev)
{
	bool opens = ev->type == YAML_MAPPING_START_EVENT ||
		     ev->type == YAML_SEQUENCE_START_EVENT;
	bool closes = ev->type == YAML_MAPPING_END_EVENT ||
		      ev->type == YAML_SEQUENCE_END_EVENT;
	bool node = opens || ev->type == YAML_SCALAR_EVENT;
	if (ev->type == YAML_ALIAS_EVENT)
		sc->bad = true;
	if (node && sc->in_cases && sc->depth == 2)
		scan_item(sc, text, ev);
	if (node && sc->depth == 1) {
		if (sc->key_next)
			sc->want_seq =
			    ev->type == YAML_SCALAR_EVENT &&
			    strcmp((const char *)ev->data.scalar.value,
				   "cases") == 0;
		else if (sc->want_seq)
			sc->in_cases = ev->type == YAML_SEQUENCE_START_EVENT &&
				       ev->data.sequence_start.style ==
					   YAML_BLOCK_SEQUENCE_STYLE;
		sc->key_next = !sc->key_next;
	}
	if (closes && sc->in_cases && sc->depth == 2) {
		sc->in_cases = false;
		sc->want_seq = false;
		sc->end = ev->start_mark.index;
		if (sc->n > 0)
			sc->spans[sc->n - 1].end = sc->end;
	}
	sc->depth += opens;
	sc->depth -= closes && sc->depth > 0;
	if (opens && sc->depth == 1)
		sc->key_next = true;
}

/* scan_cases without libyaml (node_fast_items): each item of cases:,
 * from the line of its '-'. */
typedef struct scan_fast {
	scan_t *sc;
	const char *text;
} scan_fast_t;

static void scan_dash(void *ctx, size_t dash, unsigned line)
{
	scan_fast_t *f = ctx;
	scan_t *sc = f->sc;
	if (!spans_room(sc))
		return;
	size_t begin = line_start(f->text, dash);
	if (sc->n == 0)
		sc->dash = dash;
	else
		sc->spans[sc->n - 1].end = begin;
	sc->spans[sc->n++] = (span_t){begin, begin, line};
}

/* The items of a block sequence cases: at the top of text; false when
 * there is none or slicing cannot take it (the file is then parsed
 * whole, and any YAML error reported from that). Plain YAML is scanned
 * without libyaml, to the same spans. */
static bool scan_cases(const char *text, size_t len, scan_t *sc)
{
	yaml_parser_t p;
	bool ok = true, done = false;
	scan_fast_t f = {sc, text};
	node_items_t it = {"cases", scan_dash, &f, 0, false, false};
	memset(sc, 0, sizeof(*sc));
	if (node_fast_items(text, len, &it) && !sc->bad && sc->n > 0) {
		sc->end = it.end;
		sc->spans[sc->n - 1].end = it.end;
		return true;
	}
	dns_mem_free(sc->spans);
	memset(sc, 0, sizeof(*sc));
	if (!yaml_parser_initialize(&p))
		return false;
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	while (ok && !done && !sc->bad) {
		yaml_event_t ev;
		if (!yaml_parser_parse(&p, &ev))
			break;
		done = ev.type == YAML_STREAM_END_EVENT;
		ok = ev.type != YAML_DOCUMENT_START_EVENT ||
		     !ev.data.document_start.implicit || sc->end == 0;
		scan_event(sc, text, &ev);
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&p);
	if (done && ok && !sc->bad && sc->n > 0 && sc->end > sc->dash)
		return true;
	dns_mem_free(sc->spans);
	return false;
}

/* Add delta to the line of n and of everything under it. */
static void shift_lines(node_t *n, unsigned delta, unsigned depth)
{
	n->line += delta;
	for (size_t i = 0; depth < 64 && n->kind != NODE_SCALAR && i < n->n;
	     i++) {
		if (n->keys != NULL)
			shift_lines(n->keys[i], delta, depth + 1);
		shift_lines(n->vals[i], delta, depth + 1);
	}
}

/* The first mapping or sequence under n (n counted), in the order of the
 * text, nested more than max deep; NULL when there is none. */
static const node_t *too_deep(const node_t *n, unsigned max)
{
	if (n->kind == NODE_SCALAR)
		return NULL;
	if (max == 0)
		return n;
	for (size_t i = 0; i < n->n; i++) {
		const node_t *deep = too_deep(n->vals[i], max - 1);
		if (deep != NULL)
			return deep;
	}
	return NULL;
}

/* The n items of a slice of text (len bytes from its line `line`) parsed
 * into arena: a sequence of n nodes, located in the whole file; NULL with
 * errors in d. Items nest no deeper than the whole file allows them,
 * under its top mapping and cases: (NODE_MAX_DEPTH in all, where the
 * slice alone would allow one level more): the error is the one parsing
 * the whole file gives. */
static node_t *parse_slice(const char *slice, size_t len, unsigned line,
			   size_t n, const char *file, dns_arena_t *arena,
			   diag_t *d)
{
	node_t *seq = node_parse(slice, len, file, arena, d);
	if (seq == NULL)
		return NULL;
	if (seq->kind != NODE_SEQ || seq->n != n) {
		diag_error_at(d, file, line, 1,
			      "cases: %zu item(s) here, %zu expected "
			      "(parsed alone)",
			      seq->n, n);
		return NULL;
	}
	shift_lines(seq, line - 1, 0);
	for (size_t i = 0; i < n; i++) {
		const node_t *deep = too_deep(seq->vals[i], NODE_MAX_DEPTH - 2);
		if (deep != NULL) {
			diag_error(d, deep, "nesting deeper than %d levels",
				   NODE_MAX_DEPTH);
			return NULL;
		}
	}
	return seq;
}

/* The file's text without its cases: - "[]" where the first '-' was, and
 * only the line breaks of what followed, up to the end of the sequence -
 * for node_parse: the rest of the file, at its lines and columns. */
static char *skeleton(const char *text, size_t len, const scan_t *sc,
		      size_t *out_len)
{
	size_t nl = 0;
	for (size_t i = sc->dash; i < sc->end; i++)
		nl += text[i] == '\n';
	size_t n = sc->dash + 2 + nl + (len - sc->end);
	char *s = dns_mem_alloc(n + 1);
	if (s == NULL)
		return NULL;
	memcpy(s, text, sc->dash);
	memcpy(s + sc->dash, "[]", 2);
	memset(s + sc->dash + 2, '\n', nl);
	memcpy(s + sc->dash + 2 + nl, text + sc->end, len - sc->end);
	s[n] = '\0';
	*out_len = n;
	return s;
}

/* len bytes at offset of fd into buf; false when they cannot be read. */
static bool read_at(int fd, char *buf, size_t len, off_t offset)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n =
		    pread(fd, buf + got, len - got, offset + (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		got += (size_t)n;
	}
	return true;
}

/* The file at path opened into L (fd, st) and its text (heap,
 * NUL-terminated); NULL when it cannot be read or is larger than
 * FILE_MAX (node_load_file then says why). */
static char *read_text(loader_t *L, const char *path, size_t *len)
{
	char *text = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &L->st) == 0 && S_ISREG(L->st.st_mode) &&
	    L->st.st_size <= (off_t)FILE_MAX &&
	    (text = dns_mem_alloc((size_t)L->st.st_size + 1)) != NULL) {
		*len = (size_t)L->st.st_size;
		text[*len] = '\0';
		if (!read_at(fd, text, *len, 0)) {
			dns_mem_free(text);
			text = NULL;
		}
	}
	if (text == NULL)
		close(fd);
	else
		L->fd = fd;
	return text;
}

/* Can text hold a block sequence of min items? Each item starts on a
 * line of its own, so not with fewer lines: the YAML scan is skipped. */
static bool may_hold(const char *text, size_t len, size_t min)
{
	size_t lines = 1;
	const char *p = text, *end = text + len;
	while (lines < min &&
	       (p = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		lines++;
		p++;
	}
	return lines >= min;
}

/* Forget the file load_sliced left in L (its spans, text, descriptor). */
static void slices_done(loader_t *L)
{
	dns_mem_free((void *)L->spans);
	dns_mem_free((void *)L->text);
	if (L->fd >= 0)
		close(L->fd);
	L->spans = NULL;
	L->nspans = 0;
	L->text = NULL;
	L->fd = -1;
}

/* The text of the file at path parsed whole; NULL with errors in L->tmp
 * (as node_load_file, after reading it). */
static node_t *parse_whole(loader_t *L, const char *path, const char *text,
			   size_t len)
{
	char *file = dns_arena_dup(L->arena, path, strlen(path) + 1);
	return file ? node_parse(text, len, file, L->arena, &L->tmp) : NULL;
}

/* Two threads asked for (sc_load_file_threads; 0: as many as there are
 * CPUs, at most 2), and no failure injected (the order of the failures
 * would not be the one a test expects)? */
static bool two_threads(const loader_t *L)
{
	if (L->playing || dns_mem_fail_armed())
		return false;
	return L->threads >= 2 ||
	       (L->threads == 0 && sysconf(_SC_NPROCESSORS_ONLN) > 1);
}

/* The start of the line after the one holding byte at (len at the end). */
static size_t next_line(const char *text, size_t len, size_t at)
{
	const char *nl = memchr(text + at, '\n', len - at);
	return nl ? (size_t)(nl - text) + 1 : len;
}

/* Is the line at `at` indent spaces, '-', then a space or its end? The
 * '-' first: it tells most lines apart. */
static inline bool item_line(const char *text, size_t len, size_t at,
			     size_t indent)
{
	const char *p = text + at;
	if (indent >= len - at || p[indent] != '-')
		return false;
	for (size_t i = 0; i < indent; i++)
		if (p[i] != ' ')
			return false;
	char next = indent + 1 < len - at ? p[indent + 1] : '\n';
	return next == ' ' || next == '\n' || next == '\r';
}

/* Is the line at `at` blank or a comment? */
static bool no_content(const char *text, size_t len, size_t at)
{
	while (at < len && text[at] == ' ')
		at++;
	return at == len || strchr("#\r\n", text[at]) != NULL;
}

/* A line "cases:" (a comment after it allowed; *key: its start)
 * starting a block sequence: the start of the line of its first item
 * (*first) and that item's indent; false when there is none such. Only
 * the text up to it is read (the head of a file). */
static bool cases_start(const char *text, size_t len, size_t *key,
			size_t *first, size_t *indent)
{
	size_t at = 0;
	while (at < len && strncmp(text + at, "cases:", 6) != 0)
		at = next_line(text, len, at);
	if (at == len || !no_content(text, len, at + 6))
		return false;
	*key = at;
	do
		at = next_line(text, len, at);
	while (at < len && no_content(text, len, at));
	*indent = 0;
	while (at + *indent < len && text[at + *indent] == ' ')
		(*indent)++;
	*first = at;
	return at < len && item_line(text, len, at, *indent);
}

/* Where to cut text in two for parse_two: the line of the first item of
 * a block sequence cases: (*first), and the line of an item as indented
 * near the middle of the rest (*cut); false when there is none such. */
static bool cases_cut(const char *text, size_t len, size_t *first, size_t *cut)
{
	size_t indent, key;
	if (!cases_start(text, len, &key, first, &indent))
		return false;
	*cut = next_line(text, len, *first + (len - *first) / 2);
	while (*cut < len && !item_line(text, len, *cut, indent))
		*cut = next_line(text, len, *cut);
	return *cut < len;
}

/* Lines before byte at, plus one. */
static unsigned line_of(const char *text, size_t at)
{
	unsigned line = 1;
	for (const char *p = text, *end = text + at;
	     (p = memchr(p, '\n', (size_t)(end - p))) != NULL; p++)
		line++;
	return line;
}

/* The second part of a parse_two: the items of cases: from line `line`
 * on, parsed alone into an arena of its own. */
typedef struct tail {
	const char *text;
	size_t len;
	unsigned line;
	const char *file;
	dns_arena_t arena;
	diag_t d;
	node_t *seq; /* the items, or NULL */
} tail_t;

/* Parse tail t: a block sequence, at the lines of the whole file, whose
 * items nest no deeper than the whole file allows them under its top
 * mapping and cases: (NODE_MAX_DEPTH in all; the sequence parsed alone
 * would allow one level more). */
static void *tail_parse(void *arg)
{
	tail_t *t = arg;
	t->seq = node_parse(t->text, t->len, t->file, &t->arena, &t->d);
	if (t->seq == NULL || t->seq->kind != NODE_SEQ || t->seq->n == 0) {
		t->seq = NULL;
		return NULL;
	}
	shift_lines(t->seq, t->line - 1, 0);
	for (size_t i = 0; t->seq != NULL && i < t->seq->n; i++)
		if (too_deep(t->seq->vals[i], NODE_MAX_DEPTH - 2) != NULL)
			t->seq = NULL;
	return NULL;
}

/* The head of a parse_two (the file up to the cut) with the tail's items
 * appended to its cases:, which must be its last key, a sequence from
 * line `line` (its first item's); false when it is not such. */
static bool join_tail(dns_arena_t *arena, node_t *doc, unsigned line,
		      const tail_t *t)
{
	if (doc == NULL || doc->kind != NODE_MAP || doc->n == 0 ||
	    strcmp(doc->keys[doc->n - 1]->str, "cases") != 0)
		return false;
	node_t *cases = doc->vals[doc->n - 1];
	if (cases->kind != NODE_SEQ || cases->n == 0 || cases->line != line)
		return false;
	size_t n = cases->n + t->seq->n;
	node_t **vals = dns_arena_alloc(arena, n * sizeof(node_t *));
	if (vals == NULL)
		return false;
	memcpy(vals, cases->vals, cases->n * sizeof(node_t *));
	memcpy(vals + cases->n, t->seq->vals, t->seq->n * sizeof(node_t *));
	cases->vals = vals;
	cases->n = n;
	return true;
}

/* The text of the file at path parsed on two threads into the tree
 * parse_whole makes of it, when its last key is cases:, a block
 * sequence of many items: cut at the line of an item near the middle,
 * the head parsed here and the tail (items only) there. NULL when the
 * file is not such, or anything fails or says anything: parse_whole
 * then parses it whole, and says what, as it always has.
 *
 * Why the two parts give the tree of the whole: the cut line is indent
 * spaces and '-', as the first item of cases:; what an item holds is
 * indented more, so at the cut the whole file's parse either starts
 * another item of cases:, or is inside a flow collection or a quoted
 * scalar (then the head does not parse alone), or cases: is not the last
 * key (then the head's last key is another, or the tail holds a key and
 * does not parse as a sequence). Anchors, aliases, tags and documents
 * are errors in both. */
static node_t *parse_two(loader_t *L, const char *path, const char *text,
			 size_t len)
{
	size_t first, cut;
	if (!may_hold(text, len, 3 * SLICE_CASES) || !two_threads(L) ||
	    !cases_cut(text, len, &first, &cut))
		return NULL;
	tail_t *t = dns_mem_alloc(sizeof(*t));
	diag_t *d = dns_mem_alloc(sizeof(*d));
	dns_arena_t head;
	dns_arena_init(&head, 0);
	char *file = dns_arena_dup(&head, path, strlen(path) + 1);
	node_t *doc = NULL;
	bool ok = false;
	if (t != NULL && d != NULL && file != NULL) {
		memset(d, 0, sizeof(*d));
		memset(t, 0, sizeof(*t));
		t->text = text + cut;
		t->len = len - cut;
		t->line = line_of(text, cut);
		t->file = file;
		dns_arena_init(&t->arena, 0);
		pthread_t tid;
		if (pthread_create(&tid, NULL, tail_parse, t) == 0) {
			doc = node_parse(text, cut, file, &head, d);
			pthread_join(tid, NULL);
			ok = d->n == 0 && !d->more && t->seq != NULL &&
			     t->d.n == 0 && !t->d.more &&
			     join_tail(&head, doc, line_of(text, first), t);
		}
		if (ok)
			dns_arena_adopt(L->arena, &t->arena);
		dns_arena_free(&t->arena); /* (empty once adopted) */
	}
	if (ok)
		dns_arena_adopt(L->arena, &head);
	dns_arena_free(&head);
	dns_mem_free(t);
	dns_mem_free(d);
	return ok ? doc : NULL;
}

/* The text of the file at path, read by load_sliced, parsed whole (on
 * two threads when it pays), and the file forgotten. */
static node_t *parse_read(loader_t *L, const char *path, const char *text,
			  size_t len)
{
	node_t *doc = parse_two(L, path, text, len);
	if (doc == NULL)
		doc = parse_whole(L, path, text, len);
	slices_done(L);
	return doc;
}

/* Is the line at `at` indented more than indent spaces? */
static bool indented(const char *text, size_t len, size_t at, size_t indent)
{
	size_t i = at;
	while (i < len && i - at <= indent && text[i] == ' ')
		i++;
	return i - at > indent;
}

/* A span in sc for the unit whose first item is on the line at `at`
 * (line), the one before ending there; false when there is no memory. */
static bool unit_span(scan_t *sc, size_t at, unsigned line)
{
	if (!spans_room(sc))
		return false;
	if (sc->n > 0)
		sc->spans[sc->n - 1].end = at;
	sc->spans[sc->n++] = (span_t){at, at, line};
	return true;
}

/* The items of a block sequence cases: found line by line, for
 * parse_pieces (cheaper than scan_cases, which reads every node): an
 * item starts on a line of its own, indented as the first, with '-' and
 * a space or the end of the line; the sequence ends at the first other
 * line with content not indented more. A span in sc for each unit of
 * SLICE_CASES items (the last of fewer), *items in all; *key: the start
 * of the line "cases:". A line that only looks so (in a quoted or flow scalar
 * running over lines) leaves a unit that does not parse alone, or a
 * head that does not: the file is then loaded whole. */
static bool lines_cases(const char *text, size_t len, scan_t *sc, size_t *key,
			size_t *items)
{
	size_t at, indent;
	memset(sc, 0, sizeof(*sc));
	*items = 0;
	if (!cases_start(text, len, key, &at, &indent) || indent == 0)
		return false; /* (a '-' in column 1: as scan_cases) */
	unsigned line = line_of(text, at);
	size_t n = 0; /* items */
	while (at < len) {
		if (item_line(text, len, at, indent)) {
			if (n++ % SLICE_CASES == 0 &&
			    !unit_span(sc, at, line)) {
				dns_mem_free(sc->spans);
				return false;
			}
		} else if (!no_content(text, len, at) &&
			   !indented(text, len, at, indent)) {
			break;
		}
		const char *nl = memchr(text + at, '\n', len - at);
		at = nl ? (size_t)(nl - text) + 1 : len;
		line++;
	}
	sc->end = at;
	sc->spans[sc->n - 1].end = at;
	*items = n;
	return true;
}

/* The file's text with "cases: []" for its cases: (from the start of the
 * line *key to sc's end), what follows at its lines (nothing when there
 * is only blank lines and comments), for node_parse; NULL when there is
 * no memory. */
static char *skeleton_head(const char *text, size_t len, size_t key,
			   const scan_t *sc, size_t *out_len)
{
	size_t at = sc->end, nl = 0;
	while (at < len && no_content(text, len, at))
		at = next_line(text, len, at);
	for (size_t i = key; at < len && i < sc->end; i++)
		nl += text[i] == '\n';
	nl -= nl > 0; /* (the line of "cases: []") */
	size_t rest = at < len ? len - sc->end : 0;
	size_t n = key + 10 + nl + rest;
	char *s = dns_mem_alloc(n + 1);
	if (s == NULL)
		return NULL;
	memcpy(s, text, key);
	memcpy(s + key, "cases: []\n", 10);
	memset(s + key + 10, '\n', nl);
	memcpy(s + key + 10 + nl, text + sc->end, rest);
	s[n] = '\0';
	*out_len = n;
	return s;
}

/* A file loaded eagerly with many cases, not as one tree (the memory of
 * its cases' nodes, fresh for every case, is most of the work of loading
 * it): parsed without its cases: as load_sliced does (skeleton), the
 * items of cases: left as spans in L, parsed a unit at a time on two
 * threads (load_unit, parse_piece), each unit's tree dropped once its
 * cases are compiled (L->pieces). NULL, nothing kept, when it cannot be
 * loaded so: not two threads, too few cases (or as many as would be
 * loaded lazily), no block sequence cases:, not a server suite, or the
 * rest of the file does not parse alone without an error (the file is
 * then parsed whole, as before: its errors are that parse's).
 * A unit that does not parse alone sets L->pieces_failed: load_file
 * then forgets what was loaded and loads the file again whole. */
static node_t *parse_pieces(loader_t *L, const char *path, const char *text,
			    size_t len)
{
	scan_t sc;
	size_t slen, key, items;
	char *skel;
	if (L->playing || !may_hold(text, len, 3 * SLICE_CASES) ||
	    !two_threads(L) || !lines_cases(text, len, &sc, &key, &items))
		return NULL;
	diag_t *d = dns_mem_alloc(sizeof(*d));
	char *file = dns_arena_dup(L->arena, path, strlen(path) + 1);
	node_t *doc = NULL;
	if (items >= 3 * SLICE_CASES && items < L->lazy_min && d != NULL &&
	    file != NULL &&
	    (skel = skeleton_head(text, len, key, &sc, &slen)) != NULL) {
		memset(d, 0, sizeof(*d));
		doc = node_parse(skel, slen, file, L->arena, d);
		dns_mem_free(skel);
		const node_t *role = doc ? node_get(doc, "role") : NULL;
		if (d->n > 0 || d->more || doc == NULL ||
		    doc->kind != NODE_MAP ||
		    (role != NULL && (role->kind != NODE_SCALAR ||
				      strcmp(role->str, "server") != 0)))
			doc = NULL; /* (a resolver's, a client's: whole) */
	}
	dns_mem_free(d);
	if (doc == NULL) {
		dns_mem_free(sc.spans);
		return NULL;
	}
	L->spans = sc.spans; /* (one a unit) */
	L->nspans = items;
	L->pieces = true;
	return doc;
}

/* Lazy: the file at path read, and, when its cases: are a block sequence
 * of at least lazy_min items, parsed without them: they are left as
 * slices in L (spans, text); when it has too few lines to hold as many,
 * or a block sequence of fewer items, parsed whole from the same text
 * (*parsed). NULL when the file is to be
 * parsed whole (node_load_file says why when it cannot be read), or, with
 * *parsed, when it does not parse. L->no_refs says whether the text
 * parsed holds no '$' and no backslash (no escape can make one): then no
 * scalar of the file refers to a variable. */
static node_t *load_sliced(loader_t *L, const char *path, bool *parsed)
{
	size_t len = 0, slen = 0;
	char *text = read_text(L, path, &len), *skel;
	scan_t sc;
	L->text = text;
	L->no_refs = text != NULL && memchr(text, '$', len) == NULL &&
		     memchr(text, '\\', len) == NULL;
	*parsed = text != NULL && !may_hold(text, len, L->lazy_min);
	if (*parsed) {
		node_t *doc = parse_pieces(L, path, text, len);
		return doc ? doc : parse_read(L, path, text, len);
	}
	if (text == NULL || !scan_cases(text, len, &sc)) {
		slices_done(L);
		L->no_refs = false; /* node_load_file reads it again */
		return NULL;
	}
	if (sc.n < L->lazy_min) { /* many lines, fewer cases: not lazy */
		dns_mem_free(sc.spans);
		*parsed = true;
		node_t *doc = parse_pieces(L, path, text, len);
		return doc ? doc : parse_read(L, path, text, len);
	}
	node_t *doc = NULL;
	char *file = dns_arena_dup(L->arena, path, strlen(path) + 1);
	if (file != NULL && (skel = skeleton(text, len, &sc, &slen)) != NULL) {
		doc = node_parse(skel, slen, file, L->arena, &L->tmp);
		dns_mem_free(skel);
	}
	L->spans = sc.spans;
	L->nspans = sc.n;
	if (doc == NULL) {
		slices_done(L);
		L->no_refs = false;
	}
	return doc;
}

/* ---- two threads: the cases of a large file -------------------------------
 *
 * The cases of a file with many (the items of cases:, or the slices of a
 * file read a slice at a time) are loaded in units of SLICE_CASES. This
 * thread loads the first unit as one thread does; then a second thread
 * loads the odd units while this one loads the even ones, each into a
 * list (unit_out_t) with a loader of its own, and this thread appends
 * the lists in the file's order: case_add checks the names in that
 * order, so a duplicate is reported where one thread reports it. A unit
 * whose loading said anything (an error, no memory) is loaded again by
 * this thread in its turn, as one thread loads it: the diagnostics are
 * exactly those of one thread, in the same order.
 *
 * What the second thread shares, nobody writes while it runs: the tree
 * or the text and spans of the file, --var, the suite's role, and what
 * the file's context points to. It has its own arena (adopted by the
 * suite's at the end: its cases point into it), scratch, diagnostics,
 * and its own copy of the file's context, whose once-only caches it
 * fills in its own arena (so does this thread's helper, in the suite's).
 * Everything under load_case keeps its state in the loader, the arena
 * and the diag it is given (and the codec's scratch is _Thread_local). */

/* The units of a file: of the items of cases:, or of L->spans. */
typedef struct units {
	const node_t *items; /* cases:, or NULL: L->spans */
	const char *file;    /* spans: the file's name in locations */
	size_t ncases, n;    /* cases, units */
} units_t;

/* Where settle copies the texts of a unit: bytes reserved in arena
 * (claimed once the unit is done: nothing else allocates there then). */
typedef struct sink {
	dns_arena_t *arena;
	char *p;
	size_t room, used;
	bool bad; /* no memory */
} sink_t;

/* Room for n more bytes in s (a new block when the one reserved is
 * full); false when there is no memory. */
static bool sink_room(sink_t *s, size_t n)
{
	if (s->p != NULL)
		dns_arena_commit(s->arena, s->used);
	s->used = 0;
	s->p = dns_arena_reserve(s->arena, n > 4096 ? n : 4096, &s->room);
	if (s->p == NULL) {
		s->room = 0;
		s->bad = true;
	}
	return s->p != NULL;
}

/* Scalar n located delta lines further and its text moved into s. */
static inline void settle_scalar(node_t *n, unsigned delta, sink_t *s)
{
	size_t len = n->len + 1;
	n->line += delta;
	if (s->room - s->used < len && !sink_room(s, len))
		return;
	char *q = s->p + s->used;
	memcpy(q, n->str, len);
	n->str = q;
	s->used += len;
}

/* Item n of a unit parsed alone (loader_t.pieces), in one walk: its
 * lines shifted by delta (as shift_lines), the texts of its values moved
 * into s, where the cases compiled from it may keep them (names, tags,
 * rfc:, skip:, records of expect: as written ...); the first mapping or
 * sequence under it nested more than max deep, as too_deep finds it, or
 * NULL. Scalars under n are settled here, not by a call each (most nodes
 * are).
 *
 * The texts of keys are not moved (most of the copying): what a case
 * compiles to keeps no key's text (sc_query_build, sc_expect_compile:
 * they name what they read in errors, and copy those), nor any node of
 * the unit. Code that would keep such a pointer must copy what it keeps
 * (test_load checks the suites loaded so and whole are the same). */
static const node_t *settle(node_t *n, unsigned delta, unsigned max, sink_t *s)
{
	if (n->kind == NODE_SCALAR) {
		settle_scalar(n, delta, s);
		return NULL;
	}
	n->line += delta;
	if (max == 0)
		return n;
	for (size_t i = 0; i < n->n; i++) {
		node_t *v = n->vals[i];
		if (n->keys != NULL) /* scalars, their texts not kept */
			n->keys[i]->line += delta;
		if (v->kind == NODE_SCALAR) {
			settle_scalar(v, delta, s);
			continue;
		}
		const node_t *deep = settle(v, delta, max - 1, s);
		if (deep != NULL)
			return deep;
	}
	return NULL;
}

/* The n items of unit span sp of L's text parsed into slice as
 * parse_slice parses them, their texts in L's arena (loader_t.pieces);
 * NULL when they do not parse so (what is said of it is forgotten: the
 * file is loaded again whole). */
static node_t *parse_piece(loader_t *L, const span_t *sp, size_t n,
			   const char *file, dns_arena_t *slice)
{
	node_t *seq = node_parse(L->text + sp->begin, sp->end - sp->begin, file,
				 slice, &L->tmp);
	if (seq == NULL || seq->kind != NODE_SEQ || seq->n != n)
		return NULL;
	sink_t s = {L->arena, NULL, 0, 0, false};
	for (size_t i = 0; i < n; i++)
		if (settle(seq->vals[i], sp->line - 1, NODE_MAX_DEPTH - 2,
			   &s) != NULL)
			return NULL;
	if (s.p != NULL)
		dns_arena_commit(s.arena, s.used);
	return s.bad ? NULL : seq;
}

/* Load unit u of U with L: its cases one by one, parsed into slice first
 * when they are spans. */
static void load_unit(loader_t *L, file_ctx_t *fc, const units_t *U, size_t u,
		      dns_arena_t *slice)
{
	size_t first = u * SLICE_CASES, left = U->ncases - first;
	size_t n = left < SLICE_CASES ? left : SLICE_CASES;
	if (U->items != NULL) {
		for (size_t k = 0; k < n; k++) {
			load_case(L, fc, U->items->vals[first + k]);
			flush(L);
		}
		return;
	}
	if (L->pieces_failed) /* the file is loaded again, whole */
		return;
	const span_t *sp = &L->spans[L->pieces ? u : first];
	node_t *seq =
	    L->pieces
		? parse_piece(L, sp, n, U->file, slice)
		: parse_slice(L->text + sp->begin, sp[n - 1].end - sp->begin,
			      sp->line, n, U->file, slice, &L->tmp);
	node_t *stubs = NULL; /* pieces: the locations of its cases */
	L->ms_node = NULL;    /* (a node of the unit before may be reused) */
	if (L->pieces && seq != NULL &&
	    (stubs = dns_arena_alloc(L->arena, n * sizeof(*stubs))) == NULL)
		seq = NULL;
	L->pieces_failed = L->pieces_failed || (L->pieces && seq == NULL);
	for (size_t k = 0; seq != NULL && k < n; k++) {
		const node_t *raw = seq->vals[k];
		if (stubs != NULL) {
			stubs[k] = (node_t){.kind = NODE_MAP,
					    .file = raw->file,
					    .line = raw->line,
					    .col = raw->col};
			L->stub = &stubs[k];
		}
		L->span = L->pieces ? NULL : &sp[k];
		load_case(L, fc, raw);
		flush(L);
	}
	L->span = NULL;
	flush(L);
	dns_arena_reset(slice);
}

/* Unit u loaded by helper H into the list out, bad when H said anything
 * (what it said is dropped: the unit will be loaded again). */
static void unit_collect(loader_t *H, file_ctx_t *fc, const units_t *U,
			 size_t u, dns_arena_t *slice, unit_out_t *out)
{
	unsigned nerr = H->nerr;
	H->collect = out;
	load_unit(H, fc, U, u, slice);
	H->collect = NULL;
	out->bad = out->bad || H->nerr != nerr || H->pieces_failed;
	H->pieces_failed = false;
	H->out->n = 0;
	H->out->more = false;
}

/* Unit u into the suite: the cases of out appended, or, when it is bad,
 * the unit loaded again by L. out is emptied. */
static void unit_finish(loader_t *L, file_ctx_t *fc, const units_t *U, size_t u,
			dns_arena_t *slice, unit_out_t *out)
{
	if (out->bad)
		load_unit(L, fc, U, u, slice);
	for (size_t i = 0; !out->bad && i < out->n; i++) {
		const put_case_t *p = &out->v[i];
		node_t at = {.kind = NODE_SCALAR,
			     .file = p->file,
			     .line = p->line,
			     .col = p->col};
		case_add(L, &p->c, &at);
		flush(L);
	}
	dns_mem_free(out->v);
	*out = (unit_out_t){NULL, 0, 0, false};
}

/* H: a loader like L that loads units into lists (unit_collect), with
 * its own diagnostics out and scratch, allocating in s's arena. */
static void helper_init(loader_t *H, const loader_t *L, sc_suite_t *s,
			diag_t *out)
{
	*H = *L;
	H->s = s;
	H->arena = &s->arena;
	H->out = out;
	out->n = 0;
	out->more = false;
	H->tmp.n = 0;
	H->tmp.more = false;
	H->nerr = 0;
	H->root = NULL;
	H->files = NULL;
	H->nfiles = H->capfiles = 0;
	H->slots = NULL;
	H->nslots = 0;
	dns_arena_init(&H->scratch, 0);
	H->fd = -1;
	H->span = NULL;
	H->ms_node = NULL;
	H->collect = NULL;
}

/* The second thread and what it shares with this one. */
typedef struct pair {
	loader_t W;	/* its loader */
	sc_suite_t ws;	/* its suite: its arena and role, nothing else */
	diag_t wout;	/* its diagnostics (dropped) */
	file_ctx_t wfc; /* its copy of the file's context */
	const units_t *U;
	unit_out_t *out; /* one per unit: odd ones filled by it */
	pthread_mutex_t mu;
	pthread_cond_t cv;
	size_t ready;  /* the odd units before it are loaded (by it) */
	size_t merged; /* the units before it are in the suite (this one) */
} pair_t;

/* The second thread: the odd units, at most 2 * UNITS_AHEAD units after
 * those appended (a bound on the memory of the lists). */
static void *pair_run(void *arg)
{
	pair_t *p = arg;
	dns_arena_t slice;
	dns_arena_init(&slice, 0);
	for (size_t u = 1; u < p->U->n; u += 2) {
		pthread_mutex_lock(&p->mu);
		while (u > p->merged + 2 * UNITS_AHEAD)
			pthread_cond_wait(&p->cv, &p->mu);
		pthread_mutex_unlock(&p->mu);
		unit_collect(&p->W, &p->wfc, p->U, u, &slice, &p->out[u]);
		pthread_mutex_lock(&p->mu);
		p->ready = u + 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
	dns_arena_free(&slice);
	return NULL;
}

/* Wait until p's field *at (guarded by its mutex) is at least v. */
static void pair_wait(pair_t *p, const size_t *at, size_t v)
{
	pthread_mutex_lock(&p->mu);
	while (*at < v)
		pthread_cond_wait(&p->cv, &p->mu);
	pthread_mutex_unlock(&p->mu);
}

static void pair_set_merged(pair_t *p, size_t v)
{
	pthread_mutex_lock(&p->mu);
	p->merged = v;
	pthread_cond_broadcast(&p->cv);
	pthread_mutex_unlock(&p->mu);
}

/* The once-only caches of a helper's copy of the file's context into
 * the file's own (real), when loading did not fill them there (they are
 * read again when lazy cases are played). */
static void caches_back(file_ctx_t *real, const file_ctx_t *copy)
{
	if (real->plain_done || !copy->plain_done)
		return;
	real->plain = copy->plain;
	real->plain_done = true;
	real->plain_ok = copy->plain_ok;
	real->plain_expect = copy->plain_expect;
	real->plain_vals = copy->plain_vals;
}

/* After the second thread: its arena becomes the suite's. */
static void pair_done(loader_t *L, pair_t *p)
{
	dns_arena_adopt(&L->s->arena, &p->ws.arena);
	dns_arena_free(&p->W.scratch);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
}

/* Units 1 and on of U on two threads: the second loads the odd ones,
 * this one the even ones (with helper M), then appends both in order.
 * Each helper has its own copy of the file's context: a mistake in
 * defaults: is reported once, by the first case that reads them, so the
 * context's caches are filled by L alone, as it loads units in order.
 * false when the second thread cannot be started (nothing loaded). */
static bool units_pair(loader_t *L, file_ctx_t *fc, const units_t *U,
		       dns_arena_t *slice, pair_t *p, loader_t *M, diag_t *mout,
		       unit_out_t *out)
{
	file_ctx_t *real = L->lazy ? &fc->kept->fc : fc, mfc = *real;
	memset(p, 0, sizeof(*p));
	memset(out, 0, U->n * sizeof(*out));
	helper_init(&p->W, L, &p->ws, &p->wout);
	dns_arena_init(&p->ws.arena, 0);
	p->ws.role = L->s->role;
	p->W.arena = &p->ws.arena;
	p->W.own_fc = true;
	p->wfc = *real;
	p->U = U;
	p->out = out;
	pthread_t tid;
	bool locks = pthread_mutex_init(&p->mu, NULL) == 0;
	bool cond = locks && pthread_cond_init(&p->cv, NULL) == 0;
	if (!cond || pthread_create(&tid, NULL, pair_run, p) != 0) {
		if (cond)
			pthread_cond_destroy(&p->cv);
		if (locks)
			pthread_mutex_destroy(&p->mu);
		dns_arena_free(&p->W.scratch);
		return false;
	}
	helper_init(M, L, L->s, mout);
	M->own_fc = true;
	for (size_t u = 2; u - 1 < U->n; u += 2) {
		if (u < U->n)
			unit_collect(M, &mfc, U, u, slice, &out[u]);
		pair_wait(p, &p->ready, u);
		unit_finish(L, fc, U, u - 1, slice, &out[u - 1]);
		if (u < U->n)
			unit_finish(L, fc, U, u, slice, &out[u]);
		pair_set_merged(p, u + 1);
	}
	pthread_join(tid, NULL);
	dns_arena_free(&M->scratch);
	pair_done(L, p);
	caches_back(real, &mfc);
	caches_back(real, &p->wfc);
	return true;
}

/* Are two threads asked for (two_threads) and worth it: units after the
 * first for both, and, lazy, the context its cases keep made? */
static bool pair_pays(const loader_t *L, const file_ctx_t *fc, const units_t *U)
{
	return U->n >= 3 && (!L->lazy || fc->kept != NULL) && two_threads(L);
}

/* Load the units of U with L: the first on this thread, the others on
 * two when it pays, else here one after another. */
static void load_units(loader_t *L, file_ctx_t *fc, const units_t *U)
{
	dns_arena_t slice;
	size_t from = 1;
	dns_arena_init(&slice, 0);
	if (U->n > 0)
		load_unit(L, fc, U, 0, &slice);
	if (pair_pays(L, fc, U)) {
		pair_t *p = dns_mem_alloc(sizeof(*p));
		loader_t *M = dns_mem_alloc(sizeof(*M));
		diag_t *mout = dns_mem_alloc(sizeof(*mout));
		unit_out_t *out = dns_mem_alloc(U->n * sizeof(*out));
		if (p != NULL && M != NULL && mout != NULL && out != NULL &&
		    units_pair(L, fc, U, &slice, p, M, mout, out))
			from = U->n;
		dns_mem_free(p);
		dns_mem_free(M);
		dns_mem_free(mout);
		dns_mem_free(out);
	}
	for (size_t u = from; u < U->n; u++)
		load_unit(L, fc, U, u, &slice);
	dns_arena_free(&slice);
}

/* The cases of a file loaded by load_sliced, SLICE_CASES at a time. */
static void read_sliced_cases(loader_t *L, file_ctx_t *fc, const char *file)
{
	units_t U = {NULL, file, L->nspans,
		     (L->nspans + SLICE_CASES - 1) / SLICE_CASES};
	flush(L);
	if (L->pieces)
		cases_reserve(L, L->nspans);
	load_units(L, fc, &U);
	L->pieces = false; /* (not for the files it includes) */
	slices_done(L);	   /* each case kept its span, a lazy_file_t the fd */
}

/* ---- one file ------------------------------------------------------------ */

static bool load_file(loader_t *L, const char *path, const node_t *from);

static const node_t *read_vars(loader_t *L, const node_t *v)
{
	if (v == NULL || !node_expect_kind(v, NODE_MAP, "vars", &L->tmp))
		return NULL;
	for (size_t i = 0; i < v->n; i++) {
		const node_t *k = v->keys[i];
		if (!var_name_ok(k->str, k->len))
			diag_error(&L->tmp, k,
				   "variable name '%s' must be a letter or "
				   "'_' followed by letters, digits, '_' or "
				   "'-'",
				   k->str);
		if (v->vals[i]->kind != NODE_SCALAR)
			diag_error(&L->tmp, v->vals[i],
				   "vars: '%s' must be a scalar, not %s",
				   k->str, node_kind_name(v->vals[i]->kind));
	}
	return v;
}

static const node_t *read_defaults(loader_t *L, const node_t *v, sc_role_t role)
{
	if (v == NULL)
		return NULL;
	if (!check_keys(L, v, "defaults",
			role == SC_ROLE_CLIENT ? client_defaults_keys
					       : defaults_keys,
			role) &&
	    v->kind != NODE_MAP)
		return NULL;
	return v;
}

static sc_role_t read_role(loader_t *L, const node_t *doc)
{
	const node_t *v = node_get(doc, "role");
	unsigned e = SC_ROLE_SERVER;
	if (v != NULL && !node_enum(v, role_names, &e, &L->tmp))
		e = SC_ROLE_SERVER;
	return (sc_role_t)e;
}

/* suite:, about: and role: of the top file; an included file names a
 * suite too, and its role must be the including suite's. */
static void read_header(loader_t *L, const node_t *doc, sc_role_t role,
			bool top)
{
	const node_t *name = node_get(doc, "suite");
	const node_t *rnode = node_get(doc, "role");
	const char *about = NULL;
	if (name == NULL)
		diag_error(&L->tmp, doc,
			   "missing suite: (the name of the suite)");
	else if (word_check(L, name, "suite name") && top)
		L->s->name = name->str;
	opt_text(L, node_get(doc, "about"), "about", &about);
	if (top) {
		L->s->about = about;
		L->s->role = role;
	} else if (role != L->s->role) {
		diag_error(&L->tmp, rnode ? rnode : doc,
			   "role: %s differs from role: %s of the including "
			   "suite",
			   role_names[role], role_names[L->s->role]);
	}
}

static void read_cases(loader_t *L, file_ctx_t *fc, const node_t *doc)
{
	const node_t *cases = node_get(doc, "cases");
	/* for now a resolver or client file may hold only servers: (they
	 * run with dnsharness serve) */
	if (cases == NULL && fc->role != SC_ROLE_SERVER &&
	    node_get(doc, "servers") != NULL)
		return;
	if (cases == NULL) {
		diag_error(&L->tmp, doc,
			   "missing cases: (a sequence of cases)");
		return;
	}
	if (!node_expect_kind(cases, NODE_SEQ, "cases", &L->tmp))
		return;
	L->lazy = (L->spans ? L->nspans : cases->n) >= L->lazy_min;
	if (L->spans != NULL) {
		read_sliced_cases(L, fc, doc->file);
		L->lazy = false;
		return;
	}
	if (cases->n == 0)
		diag_error(&L->tmp, cases, "cases: must not be empty");
	flush(L);
	cases_reserve(L, cases->n);
	units_t U = {cases, NULL, cases->n,
		     (cases->n + SLICE_CASES - 1) / SLICE_CASES};
	load_units(L, fc, &U);
	L->lazy = false;
}

/* dir(of) + "/" + rel, or rel alone when of has no directory part. */
static char *join_path(loader_t *L, const char *of, const char *rel)
{
	const char *slash = strrchr(of, '/');
	text_t t = {0};
	if (slash != NULL) {
		text_put(&t, of, (size_t)(slash - of));
		text_puts(&t, "/");
	}
	text_puts(&t, rel);
	char *s = text_dup(L, &t);
	dns_mem_free(t.p);
	return s;
}

static void read_includes(loader_t *L, const node_t *doc)
{
	const node_t *inc = node_get(doc, "include");
	if (inc == NULL || !node_expect_kind(inc, NODE_SEQ, "include", &L->tmp))
		return;
	for (size_t i = 0; i < inc->n; i++) {
		const node_t *v = inc->vals[i];
		char *path;
		flush(L);
		if (!text_check(L, v, "an include: path"))
			continue;
		if (v->str[0] == '/') {
			diag_error(&L->tmp, v,
				   "include: paths are relative to the "
				   "including file; '%s' is absolute",
				   v->str);
			continue;
		}
		if ((path = join_path(L, doc->file, v->str)) == NULL)
			oom(L, v);
		else
			load_file(L, path, v);
	}
	flush(L);
}

static void load_doc(loader_t *L, const node_t *doc, bool top)
{
	if (doc->kind != NODE_MAP) {
		diag_error(&L->tmp, doc,
			   "a scenario file must be a mapping with suite: "
			   "and cases:, not %s",
			   node_kind_name(doc->kind));
		return;
	}
	file_ctx_t fc = {NULL, NULL, read_role(L, doc), NULL, false, false,
			 NULL, NULL, L->no_refs,	NULL};
	bool resolver = fc.role != SC_ROLE_SERVER; /* or client: steps */
	check_keys(L, doc, "the file",
		   fc.role == SC_ROLE_CLIENT ? client_keys
		   : resolver		     ? resolver_keys
					     : top_keys,
		   fc.role);
	read_header(L, doc, fc.role, top);
	fc.vars = read_vars(L, node_get(doc, "vars"));
	fc.defaults = read_defaults(L, node_get(doc, "defaults"), fc.role);
	flush(L);
	if (resolver) {
		if (top)
			read_resolver(L, &fc, doc);
		return;
	}
	read_cases(L, &fc, doc);
	if (!L->pieces_failed) /* (else load_file loads it again) */
		read_includes(L, doc);
}

/* ---- include bookkeeping ------------------------------------------------- */

static bool inside_root(const char *root, const char *canon)
{
	size_t n = strlen(root);
	if (n == 1 && root[0] == '/')
		return true;
	return strncmp(canon, root, n) == 0 &&
	       (canon[n] == '/' || canon[n] == '\0');
}

/* "a.yaml -> b.yaml -> a.yaml" for a cycle back to files[at]. */
static bool cycle_error(loader_t *L, const node_t *from, unsigned at,
			const char *path)
{
	text_t t = {0};
	for (unsigned i = at; i < L->depth; i++) {
		text_puts(&t, L->files[L->chain[i]].shown);
		text_puts(&t, " -> ");
	}
	text_puts(&t, path);
	diag_error(&L->tmp, from, "include cycle: %s", t.oom ? path : t.p);
	dns_mem_free(t.p);
	return false;
}

/* May canon be loaded now (inside the root, no cycle, not yet seen)? */
static bool include_ok(loader_t *L, const char *canon, const char *path,
		       const node_t *from)
{
	if (from == NULL)
		return true;
	if (!inside_root(L->root, canon))
		return diag_error(&L->tmp, from,
				  "include: '%s' is outside the scenario "
				  "tree %s",
				  from->str, L->root);
	for (unsigned i = 0; i < L->depth; i++)
		if (strcmp(L->files[L->chain[i]].canon, canon) == 0)
			return cycle_error(L, from, i, path);
	for (size_t i = 0; i < L->nfiles; i++) {
		const node_t *f = L->files[i].from;
		if (strcmp(L->files[i].canon, canon) != 0)
			continue;
		if (f == NULL)
			return diag_error(&L->tmp, from,
					  "include: '%s' is the top file of "
					  "the suite",
					  from->str);
		return diag_error(&L->tmp, from,
				  "include: '%s' is already part of the suite "
				  "(included at %s:%u)",
				  from->str, f->file, f->line);
	}
	if (L->depth > INCLUDE_DEPTH - 1)
		return diag_error(&L->tmp, from,
				  "include: nested more than %u deep",
				  INCLUDE_DEPTH);
	return true;
}

static bool files_add(loader_t *L, char *canon, const char *shown,
		      const node_t *from)
{
	if (L->nfiles == L->capfiles) {
		size_t cap = L->capfiles ? 2 * L->capfiles : 8;
		loaded_t *v = dns_mem_realloc(L->files, cap * sizeof(*v));
		if (v == NULL)
			return false;
		L->files = v;
		L->capfiles = cap;
	}
	L->files[L->nfiles++] = (loaded_t){canon, shown, from};
	return true;
}

static bool cannot_open(loader_t *L, const char *path, const node_t *from)
{
	if (from != NULL)
		return diag_error(&L->tmp, from,
				  "include: cannot open '%s': %s", path,
				  strerror(errno));
	return diag_error_at(&L->tmp, path, 0, 0, "cannot open: %s",
			     strerror(errno));
}

/* What loading a file changes of L and its suite that load_pieces
 * undoes. */
typedef struct undo {
	size_t ncases;
	unsigned nerr;
	diag_t out;
} undo_t;

/* Forget the cases and diagnostics after those of u (their memory stays
 * in the arena, unused). */
static void undo(loader_t *L, const undo_t *u)
{
	L->s->ncases = u->ncases;
	if (L->nslots > 0)
		memset(L->slots, 0, L->nslots * sizeof(size_t));
	for (size_t i = 0; i < u->ncases; i++)
		*name_slot(L, L->s->cases[i].name) = i + 1;
	L->nerr = u->nerr;
	*L->out = u->out;
	L->tmp.n = 0;
	L->tmp.more = false;
}

/* Load doc of the file at path, parsed without its cases (parse_pieces);
 * when one of its units does not parse alone, forget all of it and load
 * the file parsed whole, as one thread parsing it whole does (its errors
 * are that parse's). */
static void load_pieces(loader_t *L, const char *path, const node_t *doc,
			bool top)
{
	undo_t *u = dns_mem_alloc(sizeof(*u));
	if (u != NULL) {
		*u = (undo_t){L->s->ncases, L->nerr, *L->out};
		L->pieces = true;
		load_doc(L, doc, top);
	}
	L->pieces = false;
	if (u == NULL || L->pieces_failed) {
		L->pieces_failed = false;
		slices_done(L);
		if (u != NULL)
			undo(L, u);
		doc = node_load_file(path, L->arena, &L->tmp);
		if (doc != NULL)
			load_doc(L, doc, top);
	}
	dns_mem_free(u);
}

/* Load the file at path (named by include: entry from, or the top file
 * when from is NULL) and append its cases. */
static bool load_file(loader_t *L, const char *path, const node_t *from)
{
	char *canon = realpath(path, NULL);
	if (canon == NULL)
		return cannot_open(L, path, from);
	if (!include_ok(L, canon, path, from)) {
		free(canon);
		return false;
	}
	bool parsed = false;
	L->no_refs = false;
	node_t *doc =
	    L->lazy_min != SIZE_MAX ? load_sliced(L, path, &parsed) : NULL;
	bool pieces = L->pieces; /* (parse_pieces; set again by load_pieces) */
	L->pieces = false;
	if (doc == NULL && !parsed)
		doc = node_load_file(path, L->arena, &L->tmp);
	if (doc == NULL || !files_add(L, canon, doc->file, from)) {
		free(canon);
		return doc == NULL ? false : oom(L, from);
	}
	L->chain[L->depth++] = L->nfiles - 1;
	if (pieces)
		load_pieces(L, path, doc, from == NULL);
	else
		load_doc(L, doc, from == NULL); /* cases: first, includes */
	L->depth--;
	slices_done(L); /* when not read (a resolver file ...) */
	return true;
}

/* ---- entry points -------------------------------------------------------- */

/* The canonical scenario root: opts->root, or the top file's directory. */
static char *find_root(loader_t *L, const char *path)
{
	const char *root = L->opts->root;
	char *dir = NULL, *canon;
	if (root == NULL) {
		const char *slash = strrchr(path, '/');
		size_t n = slash ? (size_t)(slash - path) : 0;
		dir = dns_mem_alloc(n + 2);
		if (dir == NULL)
			return NULL;
		memcpy(dir, slash ? path : ".", slash ? n : 1);
		dir[slash ? n : 1] = '\0';
		if (slash == path)
			strcpy(dir, "/");
		root = dir;
	}
	canon = realpath(root, NULL);
	if (canon == NULL)
		diag_error_at(&L->tmp, path, 0, 0, "scenario root '%s': %s",
			      root, strerror(errno));
	dns_mem_free(dir);
	return canon;
}

static void loader_free(loader_t *L)
{
	for (size_t i = 0; i < L->nfiles; i++)
		free(L->files[i].canon);
	dns_mem_free(L->files);
	dns_mem_free(L->slots);
	free(L->root);
	dns_arena_free(&L->scratch);
}

/* The cases array cut to its length (it grew by doubling). */
static void cases_fit(loader_t *L)
{
	sc_suite_t *s = L->s;
	if (s->ncases == 0 || s->ncases == L->capcases)
		return;
	sc_case_t *v = dns_mem_realloc(s->cases, s->ncases * sizeof(*v));
	if (v != NULL) {
		s->cases = v;
		L->capcases = s->ncases;
	}
}

static bool load_top(const char *path, const sc_load_opts_t *opts,
		     size_t lazy_min, unsigned threads, sc_suite_t *out,
		     diag_t *d)
{
	static const sc_load_opts_t none = {NULL, 0, NULL};
	memset(out, 0, sizeof(*out));
	dns_arena_init(&out->arena, 0);
	loader_t *L = dns_mem_alloc(sizeof(*L));
	if (L == NULL)
		return diag_error_at(d, path, 0, 0, "out of memory");
	memset(L, 0, sizeof(*L));
	L->s = out;
	L->arena = &out->arena;
	L->opts = opts ? opts : &none;
	L->out = d;
	L->lazy_min = lazy_min;
	L->threads = threads;
	L->fd = -1;
	dns_arena_init(&L->scratch, 0);
	L->kept_opts = dns_arena_dup(&out->arena, L->opts, sizeof(*L->opts));
	out->file = dns_arena_dup(&out->arena, path, strlen(path) + 1);
	L->root = find_root(L, path);
	if (out->file != NULL && L->root != NULL && L->kept_opts != NULL)
		load_file(L, path, NULL);
	else if (out->file == NULL || L->kept_opts == NULL)
		diag_error_at(&L->tmp, path, 0, 0, "out of memory");
	cases_fit(L);
	flush(L);
	bool ok = L->nerr == 0;
	loader_free(L);
	dns_mem_free(L);
	return ok;
}

bool sc_load_file(const char *path, const sc_load_opts_t *opts, sc_suite_t *out,
		  diag_t *d)
{
	return load_top(path, opts, SIZE_MAX, 0, out, d);
}

bool sc_load_file_lazy(const char *path, const sc_load_opts_t *opts,
		       size_t min_cases, sc_suite_t *out, diag_t *d)
{
	return load_top(path, opts, min_cases, 0, out, d);
}

bool sc_load_file_threads(const char *path, const sc_load_opts_t *opts,
			  size_t min_cases, unsigned threads, sc_suite_t *out,
			  diag_t *d)
{
	return load_top(path, opts, min_cases, threads, out, d);
}

/* The case of z read again from its file and parsed into arena (as a
 * sequence of one); NULL with a located error in d. */
static node_t *read_case(const struct sc_lazy *z, dns_arena_t *arena, diag_t *d)
{
	const lazy_file_t *lf = z->lf;
	struct stat st;
	char *buf = dns_arena_alloc(arena, (size_t)z->len + 1);
	if (buf == NULL) {
		diag_error_at(d, lf->file, z->line, 1, "out of memory");
		return NULL;
	}
	if (fstat(lf->fd, &st) != 0 || st.st_size != lf->st.st_size ||
	    st.st_mtim.tv_sec != lf->st.st_mtim.tv_sec ||
	    st.st_mtim.tv_nsec != lf->st.st_mtim.tv_nsec ||
	    !read_at(lf->fd, buf, z->len, (off_t)z->begin)) {
		diag_error_at(d, lf->file, z->line, 1,
			      "the file changed since it was loaded (or "
			      "cannot be read): run again");
		return NULL;
	}
	buf[z->len] = '\0';
	return parse_slice(buf, z->len, z->line, 1, lf->file, arena, d);
}

bool sc_case_compile(const sc_suite_t *s, const sc_case_t *c,
		     dns_arena_t *arena, struct sc_query **q,
		     struct sc_expect **e, diag_t *d)
{
	*q = c->query;
	*e = c->expect;
	if (c->lazy == NULL)
		return true;
	const struct sc_lazy *z = c->lazy;
	const node_t *raw = z->raw, *cs, *ds, *name;
	if (raw == NULL) { /* the file was read a slice at a time */
		node_t *one = read_case(z, arena, d);
		if (one == NULL)
			return false;
		raw = one->vals[0];
	}
	const node_t *mnode = node_get(raw, "matrix");
	loader_t *L = dns_mem_alloc(sizeof(*L));
	if (L == NULL)
		return diag_error(d, raw, "out of memory");
	memset(L, 0, sizeof(*L));
	L->s = (sc_suite_t *)s; /* not changed: playing caches nothing */
	L->arena = arena;
	L->opts = z->lf->opts;
	L->out = d;
	L->playing = true;
	sc_case_t tmp = *c;
	tmp.node = raw;
	matrix_t mx = {0};
	scope_t sc = {NULL, NULL, 0, L->opts, z->lf->fc.vars, NULL};
	bool ok = mnode == NULL ||
		  matrix_read(L, &sc, node_key(raw, "matrix"), mnode, &mx);
	ok = ok &&
	     case_merged(L, &z->lf->fc, raw, &mx, z->k, &cs, &ds, &name) &&
	     compile_in(L, &z->lf->fc, merge_case(L, ds, cs), &tmp);
	matrix_free(&mx);
	flush(L);
	ok = ok && L->nerr == 0;
	dns_mem_free(L);
	*q = ok ? tmp.query : NULL;
	*e = ok ? tmp.expect : NULL;
	return ok;
}

void sc_suite_free(sc_suite_t *s)
{
	for (lazy_file_t *lf = s->lazy_files; lf != NULL; lf = lf->next)
		if (lf->fd >= 0)
			close(lf->fd);
	if (s->servers != NULL)
		serve_config_free(s->servers);
	dns_mem_free(s->servers);
	dns_mem_free(s->steps);
	dns_mem_free(s->cases);
	dns_arena_free(&s->arena);
	memset(s, 0, sizeof(*s));
}

/* ---- PATH arguments ------------------------------------------------------ */

typedef struct pathvec {
	sc_paths_t *p;
	size_t cap;
	bool oom;
} pathvec_t;

static void paths_push(pathvec_t *v, const char *dir, const char *name)
{
	if (v->oom)
		return;
	if (v->p->n == v->cap) {
		size_t cap = v->cap ? 2 * v->cap : 16;
		char **a = dns_mem_realloc(v->p->path, cap * sizeof(char *));
		if (a == NULL) {
			v->oom = true;
			return;
		}
		v->p->path = a;
		v->cap = cap;
	}
	size_t dl = dir ? strlen(dir) : 0, nl = strlen(name);
	bool sep = dl > 0 && dir[dl - 1] != '/';
	char *s = dns_mem_alloc(dl + sep + nl + 1);
	if (s == NULL) {
		v->oom = true;
		return;
	}
	if (dl > 0)
		memcpy(s, dir, dl);
	if (sep)
		s[dl] = '/';
	memcpy(s + dl + sep, name, nl + 1);
	v->p->path[v->p->n++] = s;
}

static bool yaml_name(const char *name)
{
	size_t n = strlen(name);
	return (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
	       (n > 4 && strcmp(name + n - 4, ".yml") == 0);
}

/* Add the scenario files under dir; false when a directory cannot be
 * read (errno set). */
static bool walk(pathvec_t *v, const char *dir, unsigned depth)
{
	DIR *dp = depth < DIR_DEPTH ? opendir(dir) : NULL;
	if (dp == NULL) {
		if (depth >= DIR_DEPTH)
			errno = ELOOP;
		return false;
	}
	bool ok = true;
	struct dirent *e;
	while (ok && !v->oom && (e = readdir(dp)) != NULL) {
		struct stat st;
		if (e->d_name[0] == '.' || e->d_name[0] == '_')
			continue;
		size_t before = v->p->n;
		paths_push(v, dir, e->d_name);
		if (v->oom || v->p->n == before)
			break;
		char *full = v->p->path[v->p->n - 1];
		bool found = stat(full, &st) == 0;
		if (found && S_ISREG(st.st_mode) && yaml_name(e->d_name))
			continue;
		v->p->n--;
		if (found && S_ISDIR(st.st_mode))
			ok = walk(v, full, depth + 1);
		dns_mem_free(full);
	}
	closedir(dp);
	return ok;
}

static int path_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool collect_one(pathvec_t *v, const char *arg, diag_t *d)
{
	struct stat st;
	if (stat(arg, &st) != 0)
		return diag_error_at(d, arg, 0, 0, "cannot read: %s",
				     strerror(errno));
	if (!S_ISDIR(st.st_mode)) {
		paths_push(v, NULL, arg);
		return true;
	}
	size_t first = v->p->n;
	if (!walk(v, arg, 0) && !v->oom)
		return diag_error_at(d, arg, 0, 0,
				     "cannot read a directory under it: %s",
				     strerror(errno));
	if (v->p->n == first && !v->oom)
		return diag_error_at(d, arg, 0, 0,
				     "no scenario files (*.yaml, *.yml) in "
				     "this directory");
	qsort(v->p->path + first, v->p->n - first, sizeof(char *), path_cmp);
	return true;
}

bool sc_collect_paths(const char *const *args, size_t nargs, sc_paths_t *out,
		      diag_t *d)
{
	pathvec_t v = {out, 0, false};
	bool ok = true;
	out->path = NULL;
	out->n = 0;
	for (size_t i = 0; i < nargs && !v.oom; i++)
		ok = collect_one(&v, args[i], d) && ok;
	if (v.oom)
		ok = diag_error_at(d, nargs ? args[0] : "<args>", 0, 0,
				   "out of memory");
	return ok;
}

void sc_paths_free(sc_paths_t *p)
{
	for (size_t i = 0; i < p->n; i++)
		dns_mem_free(p->path[i]);
	dns_mem_free(p->path);
	p->path = NULL;
	p->n = 0;
}
