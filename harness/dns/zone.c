/* zone.c - RFC 1035 master-file reader. */
#include "dns/zone.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dns/rdata.h"
#include "dns/strbuf.h"
#include "dns/text.h"
#include "dns/wire.h"

/* State carried from entry to entry (and into included files). */
typedef struct zstate {
	dns_name_t origin;
	bool has_origin;
	dns_name_t owner; /* owner of the previous record */
	bool has_owner;
	uint32_t dollar_ttl; /* last $TTL */
	bool has_dollar_ttl;
	uint32_t last_ttl; /* TTL of the previous record */
	bool has_last_ttl;
	uint16_t last_class; /* class of the previous record, or the default */
} zstate_t;

typedef struct loader {
	dns_zone_t *z;
	size_t max_records;
	zstate_t st;
	uint8_t *rdbuf; /* DNS_MSG_MAXLEN bytes through dns_mem_alloc */
	dns_tokens_t
	    tok[DNS_ZONE_INCLUDE_DEPTH + 1]; /* one per nesting level */
} loader_t;

/* One file or string being read. */
typedef struct source {
	const char *name; /* for messages; in the zone arena */
	const char *dir;  /* resolved directory for $INCLUDE; NULL: refused */
	const char *shown_dir; /* directory as shown in messages, or NULL */
	const char *text;
	size_t len;
	unsigned depth; /* 0 for the top level */
} source_t;

static dns_rc_t read_source(loader_t *ld, const source_t *src);

/* ---- errors ------------------------------------------------------------- */

/* Record an error at line:col of src (first error wins). Returns rc. */
static dns_rc_t zerr(loader_t *ld, const source_t *src, dns_rc_t rc,
		     unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static dns_rc_t zerr(loader_t *ld, const source_t *src, dns_rc_t rc,
		     unsigned line, unsigned col, const char *fmt, ...)
{
	if (ld->z->err.code != DNS_OK)
		return rc;
	char detail[sizeof(ld->z->err.detail)] = "";
	if (fmt != NULL) {
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(detail, sizeof(detail), fmt, ap);
		va_end(ap);
	}
	dns_error_at(&ld->z->err, rc, line, col, "%s", detail);
	ld->z->err_file = src->name;
	return rc;
}

/* Adopt an error a field parser recorded in e; where it gave no position,
 * use the token's. */
static dns_rc_t zerr_from(loader_t *ld, const source_t *src, dns_rc_t rc,
			  const dns_error_t *e, const dns_token_t *t)
{
	unsigned line = e->line ? e->line : t->line;
	unsigned col = e->line ? e->col : t->col;
	return zerr(ld, src, rc, line, col, "%s", e->detail);
}

/* ---- TTL ---------------------------------------------------------------- */

static long ttl_unit(char c)
{
	switch (c) {
	case 'w':
	case 'W':
		return 604800;
	case 'd':
	case 'D':
		return 86400;
	case 'h':
	case 'H':
		return 3600;
	case 'm':
	case 'M':
		return 60;
	case 's':
	case 'S':
		return 1;
	default:
		return -1;
	}
}

dns_rc_t dns_ttl_from_text(const char *s, size_t len, uint32_t *out)
{
	unsigned long long total = 0;
	size_t i = 0;
	bool units = false;
	if (len == 0)
		return DNS_E_NUMBER;
	while (i < len) {
		unsigned long long n = 0;
		size_t digits = 0;
		for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, digits++) {
			n = n * 10 + (unsigned)(s[i] - '0');
			if (n > DNS_TTL_MAX)
				return DNS_E_NUMBER;
		}
		if (digits == 0)
			return DNS_E_NUMBER;
		if (i == len) {
			if (units) /* "1h30": a number after units needs one */
				return DNS_E_NUMBER;
			total = n;
			break;
		}
		long unit = ttl_unit(s[i++]);
		if (unit < 0)
			return DNS_E_NUMBER;
		units = true;
		total += n * (unsigned long long)unit;
		if (total > DNS_TTL_MAX)
			return DNS_E_NUMBER;
	}
	*out = (uint32_t)total;
	return DNS_OK;
}

static dns_rc_t token_ttl(loader_t *ld, const source_t *src,
			  const dns_token_t *t, uint32_t *out)
{
	if (!t->quoted && dns_ttl_from_text(t->s, t->len, out) == DNS_OK)
		return DNS_OK;
	return zerr(ld, src, DNS_E_NUMBER, t->line, t->col,
		    "bad TTL '%.*s' (seconds, or units w d h m s, at most %u)",
		    (int)t->len, t->s, DNS_TTL_MAX);
}

/* ---- names -------------------------------------------------------------- */

static const dns_name_t *origin_of(const loader_t *ld)
{
	return ld->st.has_origin ? &ld->st.origin : NULL;
}

static dns_rc_t token_name(loader_t *ld, const source_t *src,
			   const dns_token_t *t, dns_name_t *out)
{
	dns_error_t e = {0};
	dns_rc_t rc = dns_name_from_text(t->s, t->len, origin_of(ld), out, &e);
	if (rc == DNS_OK)
		return DNS_OK;
	unsigned col = t->col + (t->quoted ? 1u : 0u);
	if (e.col > 0)
		col += e.col - 1;
	return zerr(ld, src, rc, t->line, col, "in name '%.*s'", (int)t->len,
		    t->s);
}

/* ---- directives --------------------------------------------------------- */

static dns_rc_t want_args(loader_t *ld, const source_t *src,
			  const dns_tokens_t *tk, size_t min, size_t max)
{
	const dns_token_t *d = &tk->v[0];
	size_t args = tk->n - 1;
	if (args >= min && args <= max)
		return DNS_OK;
	const dns_token_t *at = args > max ? &tk->v[max + 1] : d;
	return zerr(ld, src, DNS_E_DIRECTIVE, at->line, at->col,
		    "%.*s with %zu argument%s", (int)d->len, d->s, args,
		    args == 1 ? "" : "s");
}

static dns_rc_t dir_origin(loader_t *ld, const source_t *src,
			   const dns_tokens_t *tk)
{
	dns_rc_t rc = want_args(ld, src, tk, 1, 1);
	if (rc != DNS_OK)
		return rc;
	dns_name_t n;
	rc = token_name(ld, src, &tk->v[1], &n);
	if (rc != DNS_OK)
		return rc;
	ld->st.origin = n;
	ld->st.has_origin = true;
	return DNS_OK;
}

static dns_rc_t dir_ttl(loader_t *ld, const source_t *src,
			const dns_tokens_t *tk)
{
	dns_rc_t rc = want_args(ld, src, tk, 1, 1);
	if (rc == DNS_OK)
		rc = token_ttl(ld, src, &tk->v[1], &ld->st.dollar_ttl);
	if (rc == DNS_OK)
		ld->st.has_dollar_ttl = true;
	return rc;
}

/* ---- $INCLUDE ----------------------------------------------------------- */

/* True when the path has a ".." component. */
static bool has_dotdot(const char *p)
{
	for (const char *c = p; (c = strstr(c, "..")) != NULL; c += 2) {
		bool starts = c == p || c[-1] == '/';
		bool ends = c[2] == '\0' || c[2] == '/';
		if (starts && ends)
			return true;
	}
	return false;
}

/* True when path (resolved) lies strictly below dir (resolved). */
static bool is_below(const char *path, const char *dir)
{
	size_t n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return path[0] == '/' && path[1] != '\0';
	return strncmp(path, dir, n) == 0 && path[n] == '/';
}

/* The directory part of a resolved file path, copied into the arena. */
static const char *dir_of(dns_arena_t *a, const char *resolved)
{
	const char *slash = strrchr(resolved, '/');
	size_t n = slash == NULL ? 0 : (size_t)(slash - resolved);
	if (n == 0)
		n = 1; /* the file is in "/" */
	char *d = dns_arena_alloc(a, n + 1);
	if (d != NULL) {
		memcpy(d, resolved, n);
		d[n] = '\0';
	}
	return d;
}

/* The directory part of a name as shown in messages ("zones/a.zone" ->
 * "zones"), in the arena; NULL when it has none. *fail is set when
 * memory runs out. */
static const char *shown_dir_of(dns_arena_t *a, const char *name, bool *fail)
{
	const char *slash = strrchr(name, '/');
	if (slash == NULL)
		return NULL;
	const char *d = dir_of(a, name);
	*fail = d == NULL;
	return d;
}

/* a + "/" + b into the arena; just b when a is NULL or b is absolute. */
static const char *path_join(dns_arena_t *ar, const char *a, const char *b)
{
	bool join = a != NULL && b[0] != '/';
	size_t la = join ? strlen(a) : 0, lb = strlen(b);
	char *p = dns_arena_alloc(ar, la + lb + 2);
	if (p == NULL)
		return NULL;
	if (join) {
		memcpy(p, a, la);
		if (la == 0 || p[la - 1] != '/')
			p[la++] = '/';
	}
	memcpy(p + la, b, lb + 1);
	return p;
}

/* Read exactly size bytes of fd into buf. */
static dns_rc_t read_all(int fd, char *buf, size_t size, const char **why)
{
	size_t n = 0;
	while (n < size) {
		ssize_t r = read(fd, buf + n, size - n);
		if (r <= 0) {
			*why = r < 0 ? strerror(errno) : "file shrank";
			return DNS_E_IO;
		}
		n += (size_t)r;
	}
	return DNS_OK;
}

/* Read the whole regular file open at fd into a dns_mem_alloc buffer
 * with a NUL added. */
static dns_rc_t read_fd(int fd, char **out, size_t *len, const char **why)
{
	struct stat sb;
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		*why = "not a regular file";
		return DNS_E_IO;
	}
	if ((unsigned long long)sb.st_size > DNS_ZONE_FILE_MAX) {
		*why = "file too large";
		return DNS_E_LIMIT;
	}
	size_t size = (size_t)sb.st_size;
	char *buf = dns_mem_alloc(size + 1);
	if (buf == NULL)
		return DNS_E_NOMEM;
	dns_rc_t rc = read_all(fd, buf, size, why);
	if (rc != DNS_OK) {
		dns_mem_free(buf);
		return rc;
	}
	buf[size] = '\0';
	*out = buf;
	*len = size;
	return DNS_OK;
}

/* Open path (with extra open flags) and read it all: see read_fd. *why
 * says what went wrong for DNS_E_IO and DNS_E_LIMIT. */
static dns_rc_t slurp(const char *path, int flags, char **out, size_t *len,
		      const char **why)
{
	*out = NULL;
	*why = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC | flags);
	if (fd < 0) {
		*why = strerror(errno);
		return DNS_E_IO;
	}
	dns_rc_t rc = read_fd(fd, out, len, why);
	close(fd);
	return rc;
}

/* Resolve the $INCLUDE file name arg (NUL-terminated) inside src->dir
 * into resolved (PATH_MAX bytes). DNS_E_INCLUDE with *why on refusal. */
static dns_rc_t include_resolve(const source_t *src, const char *arg,
				char *resolved, const char **why)
{
	char joined[PATH_MAX];
	if (src->dir == NULL) {
		*why = "no directory to include from";
		return DNS_E_INCLUDE;
	}
	if (has_dotdot(arg)) {
		*why = "'..' is not allowed in the file name";
		return DNS_E_INCLUDE;
	}
	int n = arg[0] == '/'
		    ? snprintf(joined, sizeof(joined), "%s", arg)
		    : snprintf(joined, sizeof(joined), "%s/%s", src->dir, arg);
	if (n < 0 || (size_t)n >= sizeof(joined)) {
		*why = "file name too long";
		return DNS_E_INCLUDE;
	}
	if (realpath(joined, resolved) == NULL) {
		*why = strerror(errno);
		return DNS_E_INCLUDE;
	}
	if (!is_below(resolved, src->dir)) {
		*why = "the file is outside the including file's directory";
		return DNS_E_INCLUDE;
	}
	return DNS_OK;
}

/* The file name argument of $INCLUDE, escapes resolved, NUL-terminated. */
static dns_rc_t include_arg(loader_t *ld, const source_t *src,
			    const dns_token_t *t, char *out, size_t cap)
{
	dns_error_t e = {0};
	size_t n = 0;
	dns_rc_t rc =
	    dns_token_unescape(t, (unsigned char *)out, cap - 1, &n, &e);
	if (rc == DNS_E_SPACE)
		return zerr(ld, src, DNS_E_INCLUDE, t->line, t->col,
			    "file name too long");
	if (rc != DNS_OK)
		return zerr_from(ld, src, rc, &e, t);
	if (n == 0 || memchr(out, '\0', n) != NULL)
		return zerr(ld, src, DNS_E_INCLUDE, t->line, t->col,
			    "empty file name or NUL byte in it");
	out[n] = '\0';
	return DNS_OK;
}

/* Read an included file with the origin set, then restore the including
 * file's origin and current owner. */
static dns_rc_t include_run(loader_t *ld, const source_t *child,
			    const dns_name_t *origin)
{
	zstate_t saved = ld->st;
	if (origin != NULL) {
		ld->st.origin = *origin;
		ld->st.has_origin = true;
	}
	dns_rc_t rc = read_source(ld, child);
	ld->st.origin = saved.origin;
	ld->st.has_origin = saved.has_origin;
	ld->st.owner = saved.owner;
	ld->st.has_owner = saved.has_owner;
	return rc;
}

/* Open the resolved file and read it as a child of src. */
static dns_rc_t include_file(loader_t *ld, const source_t *src,
			     const dns_token_t *t, const char *arg,
			     const char *resolved, const dns_name_t *origin)
{
	dns_arena_t *ar = &ld->z->arena;
	source_t child = {0};
	bool fail = false;
	child.depth = src->depth + 1;
	child.name = path_join(ar, src->shown_dir, arg);
	child.dir = dir_of(ar, resolved);
	child.shown_dir = shown_dir_of(ar, child.name ? child.name : "", &fail);
	if (child.name == NULL || child.dir == NULL || fail)
		return zerr(ld, src, DNS_E_NOMEM, t->line, t->col, NULL);
	char *text = NULL;
	const char *why = NULL;
	dns_rc_t rc = slurp(resolved, O_NOFOLLOW, &text, &child.len, &why);
	if (rc == DNS_E_IO)
		rc = DNS_E_INCLUDE;
	if (rc != DNS_OK)
		return zerr(ld, src, rc, t->line, t->col, "'%s': %s", arg,
			    why ? why : "cannot read");
	child.text = text;
	rc = include_run(ld, &child, origin);
	dns_mem_free(text);
	return rc;
}

static dns_rc_t dir_include(loader_t *ld, const source_t *src,
			    const dns_tokens_t *tk)
{
	dns_rc_t rc = want_args(ld, src, tk, 1, 2);
	if (rc != DNS_OK)
		return rc;
	const dns_token_t *t = &tk->v[1];
	if (src->depth >= DNS_ZONE_INCLUDE_DEPTH)
		return zerr(ld, src, DNS_E_INCLUDE, t->line, t->col,
			    "$INCLUDE nested more than %u deep",
			    DNS_ZONE_INCLUDE_DEPTH);
	char arg[PATH_MAX];
	rc = include_arg(ld, src, t, arg, sizeof(arg));
	if (rc != DNS_OK)
		return rc;
	dns_name_t origin;
	if (tk->n == 3) {
		rc = token_name(ld, src, &tk->v[2], &origin);
		if (rc != DNS_OK)
			return rc;
	}
	char resolved[PATH_MAX];
	const char *why = NULL;
	rc = include_resolve(src, arg, resolved, &why);
	if (rc != DNS_OK)
		return zerr(ld, src, rc, t->line, t->col, "'%s': %s", arg, why);
	return include_file(ld, src, t, arg, resolved,
			    tk->n == 3 ? &origin : NULL);
}

static dns_rc_t directive(loader_t *ld, const source_t *src,
			  const dns_tokens_t *tk)
{
	const dns_token_t *d = &tk->v[0];
	if (dns_token_is(d, "$ORIGIN"))
		return dir_origin(ld, src, tk);
	if (dns_token_is(d, "$TTL"))
		return dir_ttl(ld, src, tk);
	if (dns_token_is(d, "$INCLUDE"))
		return dir_include(ld, src, tk);
	return zerr(ld, src, DNS_E_DIRECTIVE, d->line, d->col,
		    "'%.*s' is not supported", (int)d->len, d->s);
}

/* ---- records ------------------------------------------------------------ */

/* The fields before the RDATA of one record entry. */
typedef struct head {
	dns_rr_t rr;
	bool has_ttl, has_class;
	size_t next; /* index of the first RDATA token */
} head_t;

static dns_rc_t head_owner(loader_t *ld, const source_t *src,
			   const dns_tokens_t *tk, bool indented, head_t *h)
{
	if (!indented) {
		h->next = 1;
		return token_name(ld, src, &tk->v[0], &h->rr.owner);
	}
	h->next = 0;
	if (!ld->st.has_owner)
		return zerr(ld, src, DNS_E_MISSING, tk->v[0].line, tk->v[0].col,
			    "owner omitted and no previous owner");
	h->rr.owner = ld->st.owner;
	return DNS_OK;
}

static bool starts_with_digit(const dns_token_t *t)
{
	return !t->quoted && t->len > 0 && t->s[0] >= '0' && t->s[0] <= '9';
}

/* At most one TTL and one class, in either order. */
static dns_rc_t head_ttl_class(loader_t *ld, const source_t *src,
			       const dns_tokens_t *tk, head_t *h)
{
	while (h->next < tk->n) {
		const dns_token_t *t = &tk->v[h->next];
		uint16_t cls;
		if (!h->has_class && !t->quoted &&
		    dns_class_from_text(t->s, t->len, &cls) == DNS_OK) {
			h->rr.rclass = cls;
			h->has_class = true;
		} else if (!h->has_ttl && starts_with_digit(t)) {
			dns_rc_t rc = token_ttl(ld, src, t, &h->rr.ttl);
			if (rc != DNS_OK)
				return rc;
			h->has_ttl = true;
		} else {
			break;
		}
		h->next++;
	}
	return DNS_OK;
}

static dns_rc_t head_type(loader_t *ld, const source_t *src,
			  const dns_tokens_t *tk, head_t *h)
{
	if (h->next >= tk->n) {
		const dns_token_t *last = &tk->v[tk->n - 1];
		return zerr(ld, src, DNS_E_MISSING, last->line, last->col,
			    "record type missing");
	}
	const dns_token_t *t = &tk->v[h->next++];
	if (t->quoted ||
	    dns_type_from_text(t->s, t->len, &h->rr.type) != DNS_OK)
		return zerr(ld, src, DNS_E_UNKNOWN_TYPE, t->line, t->col,
			    "'%.*s'", (int)t->len, t->s);
	const dns_type_info_t *ti = dns_type_info(h->rr.type);
	if (ti != NULL && ti->meta)
		return zerr(ld, src, DNS_E_SYNTAX, t->line, t->col,
			    "%s is a meta type, not allowed in zone data",
			    ti->name);
	return DNS_OK;
}

/* TTL and class defaults (RFC 1035 5.1, RFC 2308 4, BIND). */
static dns_rc_t head_defaults(loader_t *ld, const source_t *src,
			      const dns_tokens_t *tk, head_t *h)
{
	if (!h->has_class)
		h->rr.rclass = ld->st.last_class;
	if (h->has_ttl)
		return DNS_OK;
	if (ld->st.has_dollar_ttl) {
		h->rr.ttl = ld->st.dollar_ttl;
	} else if (ld->st.has_last_ttl) {
		h->rr.ttl = ld->st.last_ttl;
	} else {
		return zerr(ld, src, DNS_E_TTL, tk->v[0].line, tk->v[0].col,
			    "no TTL, no $TTL and no previous record");
	}
	return DNS_OK;
}

/* Append a record to the zone, its RDATA copied into the arena. */
static dns_rc_t zone_add(dns_zone_t *z, const dns_rr_t *rr)
{
	if (z->n == z->cap) {
		size_t cap = z->cap ? z->cap * 2 : 64;
		if (cap > SIZE_MAX / sizeof(dns_rr_t))
			return DNS_E_NOMEM;
		dns_rr_t *v = dns_arena_alloc(&z->arena, cap * sizeof(*v));
		if (v == NULL)
			return DNS_E_NOMEM;
		if (z->n > 0)
			memcpy(v, z->rrs, z->n * sizeof(*v));
		z->rrs = v; /* the old array stays in the arena until freed */
		z->cap = cap;
	}
	dns_rr_t *slot = &z->rrs[z->n];
	*slot = *rr;
	slot->rdata = dns_arena_dup(&z->arena, rr->rdata, rr->rdlen);
	if (slot->rdata == NULL)
		return DNS_E_NOMEM;
	z->n++;
	return DNS_OK;
}

static dns_rc_t record_store(loader_t *ld, const source_t *src,
			     const dns_tokens_t *tk, head_t *h)
{
	const dns_token_t *t0 = &tk->v[0];
	if (ld->z->n >= ld->max_records)
		return zerr(ld, src, DNS_E_LIMIT, t0->line, t0->col,
			    "more than %zu records", ld->max_records);
	if (zone_add(ld->z, &h->rr) != DNS_OK)
		return zerr(ld, src, DNS_E_NOMEM, t0->line, t0->col, NULL);
	ld->st.owner = h->rr.owner;
	ld->st.has_owner = true;
	ld->st.last_ttl = h->rr.ttl;
	ld->st.has_last_ttl = true;
	ld->st.last_class = h->rr.rclass;
	return DNS_OK;
}

static dns_rc_t record(loader_t *ld, const source_t *src,
		       const dns_tokens_t *tk, bool indented)
{
	head_t h;
	memset(&h, 0, sizeof(h));
	dns_rc_t rc = head_owner(ld, src, tk, indented, &h);
	if (rc == DNS_OK)
		rc = head_ttl_class(ld, src, tk, &h);
	if (rc == DNS_OK)
		rc = head_type(ld, src, tk, &h);
	if (rc == DNS_OK)
		rc = head_defaults(ld, src, tk, &h);
	if (rc != DNS_OK)
		return rc;
	dns_error_t e = {0};
	size_t len = 0;
	const dns_token_t *type_tok = &tk->v[h.next - 1];
	rc = dns_rdata_from_text(h.rr.type, tk->v + h.next, tk->n - h.next,
				 origin_of(ld), ld->rdbuf, DNS_MSG_MAXLEN, &len,
				 &e);
	if (rc != DNS_OK)
		return zerr_from(ld, src, rc, &e, type_tok);
	h.rr.rdata = ld->rdbuf;
	h.rr.rdlen = (uint16_t)len;
	return record_store(ld, src, tk, &h);
}

/* ---- driving ------------------------------------------------------------ */

static bool is_directive(const dns_tokens_t *tk, bool indented)
{
	const dns_token_t *t = &tk->v[0];
	return !indented && !t->quoted && t->len > 0 && t->s[0] == '$';
}

static dns_rc_t read_source(loader_t *ld, const source_t *src)
{
	dns_lexer_t lx;
	dns_tokens_t *tk = &ld->tok[src->depth];
	dns_lexer_init(&lx, src->text, src->len);
	for (;;) {
		bool indented = false;
		dns_error_t e = {0};
		dns_rc_t rc = dns_lexer_entry(&lx, tk, &indented, &e);
		if (rc != DNS_OK)
			return zerr(ld, src, rc, e.line, e.col, "%s", e.detail);
		if (tk->n == 0)
			return DNS_OK;
		rc = is_directive(tk, indented) ? directive(ld, src, tk)
						: record(ld, src, tk, indented);
		if (rc != DNS_OK)
			return rc;
	}
}

/* ---- public ------------------------------------------------------------- */

void dns_zone_init(dns_zone_t *z)
{
	memset(z, 0, sizeof(*z));
	dns_arena_init(&z->arena, 0);
}

void dns_zone_free(dns_zone_t *z)
{
	dns_arena_free(&z->arena);
	dns_zone_init(z);
}

static void loader_init(loader_t *ld, dns_zone_t *z,
			const dns_zone_opts_t *opts)
{
	memset(ld, 0, sizeof(*ld));
	ld->z = z;
	ld->max_records = DNS_ZONE_MAX_RECORDS;
	ld->st.last_class = DNS_C_IN;
	for (size_t i = 0; i <= DNS_ZONE_INCLUDE_DEPTH; i++)
		dns_tokens_init(&ld->tok[i]);
	if (opts == NULL)
		return;
	if (opts->origin != NULL) {
		ld->st.origin = *opts->origin;
		ld->st.has_origin = true;
	}
	if (opts->rclass != 0)
		ld->st.last_class = opts->rclass;
	if (opts->max_records != 0)
		ld->max_records = opts->max_records;
}

static void loader_free(loader_t *ld)
{
	for (size_t i = 0; i <= DNS_ZONE_INCLUDE_DEPTH; i++)
		dns_tokens_free(&ld->tok[i]);
	dns_mem_free(ld->rdbuf);
}

/* Read src as the top level: set up, run, clean up. */
static dns_rc_t load_top(dns_zone_t *z, const source_t *src,
			 const dns_zone_opts_t *opts)
{
	loader_t ld;
	loader_init(&ld, z, opts);
	dns_rc_t rc;
	ld.rdbuf = dns_mem_alloc(DNS_MSG_MAXLEN);
	if (ld.rdbuf == NULL)
		rc = zerr(&ld, src, DNS_E_NOMEM, 0, 0, NULL);
	else
		rc = read_source(&ld, src);
	loader_free(&ld);
	return rc;
}

/* Fail before any line was read (no position). */
static dns_rc_t load_fail(dns_zone_t *z, const char *name, dns_rc_t rc,
			  const char *why)
{
	dns_error_at(&z->err, rc, 0, 0, "%s", why ? why : "");
	z->err_file = name != NULL ? name : "<zone>";
	return rc;
}

dns_rc_t dns_zone_load_file(dns_zone_t *z, const char *path,
			    const dns_zone_opts_t *opts)
{
	source_t src = {0};
	src.name = path_join(&z->arena, NULL, path);
	if (src.name == NULL)
		return load_fail(z, NULL, DNS_E_NOMEM, NULL);
	char resolved[PATH_MAX];
	if (realpath(path, resolved) == NULL)
		return load_fail(z, src.name, DNS_E_IO, strerror(errno));
	bool fail = false;
	src.dir = dir_of(&z->arena, resolved);
	src.shown_dir = shown_dir_of(&z->arena, src.name, &fail);
	if (src.dir == NULL || fail)
		return load_fail(z, src.name, DNS_E_NOMEM, NULL);
	char *text = NULL;
	const char *why = NULL;
	dns_rc_t rc = slurp(resolved, 0, &text, &src.len, &why);
	if (rc != DNS_OK)
		return load_fail(z, src.name, rc, why);
	src.text = text;
	rc = load_top(z, &src, opts);
	dns_mem_free(text);
	return rc;
}

dns_rc_t dns_zone_load_string(dns_zone_t *z, const char *text, size_t len,
			      const char *name, const dns_zone_opts_t *opts)
{
	source_t src = {0};
	src.name = path_join(&z->arena, NULL, name != NULL ? name : "<string>");
	if (src.name == NULL)
		return load_fail(z, NULL, DNS_E_NOMEM, NULL);
	if (opts != NULL && opts->include_dir != NULL) {
		char resolved[PATH_MAX];
		if (realpath(opts->include_dir, resolved) == NULL)
			return load_fail(z, src.name, DNS_E_IO,
					 strerror(errno));
		src.dir = path_join(&z->arena, NULL, resolved);
		src.shown_dir = path_join(&z->arena, NULL, opts->include_dir);
		if (src.dir == NULL || src.shown_dir == NULL)
			return load_fail(z, src.name, DNS_E_NOMEM, NULL);
	}
	src.text = text;
	src.len = len;
	return load_top(z, &src, opts);
}

size_t dns_zone_error_text(const dns_zone_t *z, char *buf, size_t cap)
{
	dns_strbuf_t sb = dns_strbuf_init(buf, cap);
	const dns_error_t *e = &z->err;
	dns_sb_puts(&sb, z->err_file != NULL ? z->err_file : "<zone>");
	if (e->line > 0)
		dns_sb_printf(&sb, ":%u:%u", e->line, e->col);
	dns_sb_printf(&sb, ": error: %s", dns_rc_text(e->code));
	if (e->detail[0] != '\0')
		dns_sb_printf(&sb, ": %s", e->detail);
	return sb.len;
}
