/* expected.c - per-target expectations files: parse, look up, compare a
 * run with them, and rewrite them (--update-expected). */
#include "report/expected.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "report/report_int.h"

#define EXP_MAX_FILE (16u * 1024u * 1024u) /* bytes read at most */

static const char *const exp_names[] = {"none", "deviation", "new-failure",
					"new-pass"};

const char *sc_exp_status_name(sc_exp_status_t s)
{
	return (unsigned)s < 4 ? exp_names[s] : "?";
}

void report_exp_counts(const sc_run_t *run, size_t counts[4])
{
	memset(counts, 0, 4 * sizeof(counts[0]));
	for (size_t i = 0; i < run->nresults; i++)
		if ((unsigned)run->results[i].exp < 4)
			counts[run->results[i].exp]++;
}

/* ---- parsing ------------------------------------------------------------ */

typedef struct parser {
	exp_list_t *l;
	diag_t *d;
	size_t cap; /* of l->e */
} parser_t;

/* The line without trailing blanks and CR. */
static size_t trim_end(const char *s, size_t n)
{
	while (n > 0 &&
	       (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r'))
		n--;
	return n;
}

static bool is_comment(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i == n || s[i] == '#';
}

static bool parse_verdict(const char *s, size_t n, sc_verdict_kind_t *v)
{
	if (n == 4 && strncasecmp(s, "fail", 4) == 0)
		*v = SC_FAIL;
	else if (n == 5 && strncasecmp(s, "error", 5) == 0)
		*v = SC_ERROR;
	else
		return false;
	return true;
}

static bool push_entry(parser_t *p, const exp_entry_t *e)
{
	exp_list_t *l = p->l;
	if (l->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 64;
		exp_entry_t *v = dns_arena_alloc(&l->arena, cap * sizeof(*v));
		if (v == NULL)
			return false;
		if (l->n > 0)
			memcpy(v, l->e, l->n * sizeof(*v));
		l->e = v;
		p->cap = cap;
	}
	l->e[l->n++] = *e;
	return true;
}

/* Check a "SUITE/CASE" key of n bytes; the column of a problem, or 0. */
static unsigned bad_key(const char *s, size_t n)
{
	const char *slash = memchr(s, '/', n);
	if (slash == NULL || slash == s)
		return 1;
	if ((size_t)(slash - s) + 1 == n)
		return (unsigned)n;
	for (size_t i = 0; i < n; i++)
		if (s[i] == ' ')
			return (unsigned)i + 1;
	return 0;
}

/* One entry line (not a comment) of n bytes, trimmed. */
static bool parse_entry(parser_t *p, const char *s, size_t n, unsigned line)
{
	const char *path = p->l->path;
	const char *t1 = memchr(s, '\t', n);
	if (t1 == NULL)
		return diag_error_at(p->d, path, line, 1,
				     "expected SUITE/CASE<TAB>VERDICT<TAB>"
				     "reason (fields are separated by TABs)");
	size_t klen = (size_t)(t1 - s);
	unsigned col = bad_key(s, klen);
	if (col != 0)
		return diag_error_at(p->d, path, line, col,
				     "expected SUITE/CASE before the first "
				     "TAB, got '%.*s'",
				     (int)(klen > 80 ? 80 : klen), s);
	const char *v = t1 + 1, *end = s + n;
	const char *t2 = memchr(v, '\t', (size_t)(end - v));
	size_t vlen = (size_t)((t2 ? t2 : end) - v);
	exp_entry_t e = {.line = line};
	unsigned vcol = (unsigned)(v - s) + 1;
	if (!parse_verdict(v, vlen, &e.verdict))
		return diag_error_at(p->d, path, line, vcol,
				     "expected the verdict fail or error, got "
				     "'%.*s'",
				     (int)(vlen > 40 ? 40 : vlen), v);
	const char *r = t2 ? t2 + 1 : end;
	while (r < end && (*r == ' ' || *r == '\t'))
		r++;
	if (r == end)
		return diag_error_at(p->d, path, line, (unsigned)(r - s) + 1,
				     "expected a reason after the verdict "
				     "(one line saying why, with the proof)");
	e.key = dns_arena_dup(&p->l->arena, s, klen + 1);
	e.reason = dns_arena_dup(&p->l->arena, r, (size_t)(end - r) + 1);
	if (e.key == NULL || e.reason == NULL || !push_entry(p, &e))
		return diag_error_at(p->d, path, line, 1, "out of memory");
	((char *)e.key)[klen] = '\0';
	((char *)e.reason)[end - r] = '\0';
	return true;
}

static int by_key_cmp(const void *a, const void *b)
{
	const exp_entry_t *const *x = a, *const *y = b;
	return strcmp((*x)->key, (*y)->key);
}

/* Sort the index by key; report duplicates. */
static bool index_keys(parser_t *p)
{
	exp_list_t *l = p->l;
	l->sorted = dns_arena_alloc(&l->arena, (l->n + 1) * sizeof(*l->sorted));
	if (l->sorted == NULL)
		return diag_error_at(p->d, l->path, 0, 0, "out of memory");
	for (size_t i = 0; i < l->n; i++)
		l->sorted[i] = &l->e[i];
	qsort(l->sorted, l->n, sizeof(*l->sorted), by_key_cmp);
	bool ok = true;
	for (size_t i = 1; i < l->n; i++) {
		const exp_entry_t *a = l->sorted[i - 1], *b = l->sorted[i];
		if (strcmp(a->key, b->key) != 0)
			continue;
		const exp_entry_t *later = a->line > b->line ? a : b;
		const exp_entry_t *first = a->line > b->line ? b : a;
		ok = diag_error_at(p->d, l->path, later->line, 1,
				   "%s is listed twice (first on line %u)",
				   later->key, first->line);
	}
	return ok;
}

/* Split text into lines, kept for exp_update. */
static bool split_lines(exp_list_t *l, const char *text, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	n += len > 0 && text[len - 1] != '\n';
	l->lines = dns_arena_alloc(&l->arena, (n + 1) * sizeof(char *));
	l->line_entry = dns_arena_alloc(&l->arena, (n + 1) * sizeof(int));
	if (l->lines == NULL || l->line_entry == NULL)
		return false;
	const char *s = text, *end = text + len;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t k = (size_t)((nl ? nl : end) - s);
		char *copy = dns_arena_alloc(&l->arena, k + 1);
		if (copy == NULL)
			return false;
		memcpy(copy, s, k);
		copy[k] = '\0';
		l->line_entry[l->nlines] = -1;
		l->lines[l->nlines++] = copy;
		s = nl ? nl + 1 : end;
	}
	return true;
}

bool exp_parse(const char *path, const char *text, size_t len, exp_list_t *out,
	       diag_t *d)
{
	memset(out, 0, sizeof(*out));
	dns_arena_init(&out->arena, 0);
	out->path = dns_arena_dup(&out->arena, path, strlen(path) + 1);
	if (out->path == NULL || !split_lines(out, text, len))
		return diag_error_at(d, path, 0, 0, "out of memory");
	parser_t p = {.l = out, .d = d};
	bool ok = true;
	for (size_t i = 0; i < out->nlines; i++) {
		const char *s = out->lines[i];
		size_t n = trim_end(s, strlen(s));
		if (is_comment(s, n))
			continue;
		size_t before = out->n;
		if (!parse_entry(&p, s, n, (unsigned)i + 1))
			ok = false;
		else if (out->n > before)
			out->line_entry[i] = (int)before;
	}
	if (memchr(text, '\0', len) != NULL)
		ok = diag_error_at(d, path, 0, 0, "the file holds a NUL byte");
	return index_keys(&p) && ok;
}

/* The whole file into a heap buffer (*len bytes, NUL-terminated); NULL
 * with errno set. */
static char *read_file(FILE *f, size_t *len)
{
	struct stat st;
	if (fstat(fileno(f), &st) != 0)
		return NULL;
	if (st.st_size < 0 || (uintmax_t)st.st_size > EXP_MAX_FILE) {
		errno = EFBIG;
		return NULL;
	}
	size_t cap = (size_t)st.st_size + 1;
	char *buf = malloc(cap);
	if (buf == NULL)
		return NULL;
	*len = fread(buf, 1, cap, f);
	if (ferror(f) || *len == cap) { /* an error, or it grew meanwhile */
		int e = ferror(f) ? errno : EFBIG;
		free(buf);
		errno = e;
		return NULL;
	}
	buf[*len] = '\0';
	return buf;
}

bool exp_load(const char *path, exp_list_t *out, bool *found, diag_t *d)
{
	*found = false;
	FILE *f = fopen(path, "rb");
	if (f == NULL && errno == ENOENT)
		return exp_parse(path, "", 0, out, d);
	size_t len = 0;
	char *buf = f != NULL ? read_file(f, &len) : NULL;
	int e = errno;
	if (f != NULL)
		fclose(f);
	if (buf == NULL) {
		memset(out, 0, sizeof(*out));
		dns_arena_init(&out->arena, 0);
		return diag_error_at(d, path, 0, 0, "cannot read: %s",
				     e == EFBIG ? "larger than 16 MB"
						: strerror(e));
	}
	*found = true;
	bool ok = exp_parse(path, buf, len, out, d);
	free(buf);
	return ok;
}

void exp_free(exp_list_t *l)
{
	dns_arena_free(&l->arena);
	memset(l, 0, sizeof(*l));
}

/* ---- lookup and comparison ---------------------------------------------- */

/* Compare key with "suite/name" without building it. */
static int key_cmp(const char *key, const char *suite, const char *name)
{
	size_t sl = strlen(suite);
	int c = strncmp(key, suite, sl);
	if (c != 0)
		return c;
	if (key[sl] != '/')
		return (unsigned char)key[sl] - (unsigned char)'/';
	return strcmp(key + sl + 1, name);
}

const exp_entry_t *exp_find(const exp_list_t *l, const char *suite,
			    const char *name)
{
	size_t lo = 0, hi = l->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const exp_entry_t *e = l->sorted[mid];
		int c = key_cmp(e->key, suite, name);
		if (c == 0)
			return e;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static sc_exp_status_t judge(const exp_entry_t *e, sc_verdict_kind_t v)
{
	bool failed = v == SC_FAIL || v == SC_ERROR;
	if (e == NULL)
		return failed ? SC_EXP_NEW_FAIL : SC_EXP_NONE;
	if (v == SC_SKIP)
		return SC_EXP_NONE; /* did not run: ignored */
	if (v == SC_PASS)
		return SC_EXP_NEW_PASS;
	return v == e->verdict ? SC_EXP_DEVIATION : SC_EXP_NEW_FAIL;
}

void exp_compare_one(const exp_list_t *l, sc_run_t *run, size_t idx)
{
	sc_result_t *r = &run->results[idx];
	const exp_entry_t *e = exp_find(l, report_case_suite(r), r->c->name);
	r->exp = judge(e, r->verdict.kind);
	r->exp_verdict = e ? e->verdict : SC_PASS;
	r->exp_reason = e && r->verdict.kind != SC_SKIP ? e->reason : NULL;
	run->expected_file = l->path;
}

void exp_compare(const exp_list_t *l, sc_run_t *run, size_t counts[4])
{
	for (size_t i = 0; i < run->nresults; i++)
		exp_compare_one(l, run, i);
	run->expected_file = l->path;
	if (counts != NULL)
		report_exp_counts(run, counts);
}

size_t exp_stale(const exp_list_t *l, const sc_suite_t *suites, size_t n,
		 void (*fn)(const exp_entry_t *e, void *ctx), void *ctx)
{
	size_t stale = 0;
	for (size_t i = 0; i < l->n; i++) {
		const exp_entry_t *e = &l->e[i];
		bool suite_known = false, case_known = false;
		for (size_t s = 0; s < n && !case_known; s++) {
			const char *name =
			    suites[s].name ? suites[s].name : "?";
			size_t sl = strlen(name);
			if (strncmp(e->key, name, sl) != 0 || e->key[sl] != '/')
				continue;
			suite_known = true;
			for (size_t c = 0; c < suites[s].ncases && !case_known;
			     c++)
				case_known =
				    strcmp(e->key + sl + 1,
					   suites[s].cases[c].name) == 0;
		}
		if (suite_known && !case_known) {
			stale++;
			if (fn != NULL)
				fn(e, ctx);
		}
	}
	return stale;
}

/* ---- rewriting ---------------------------------------------------------- */

/* The result of the case an entry names, or NULL when it did not run. */
static const sc_result_t *result_of(const sc_run_t *run, const char *key)
{
	for (size_t i = 0; i < run->nresults; i++) {
		const sc_result_t *r = &run->results[i];
		if (key_cmp(key, report_case_suite(r), r->c->name) == 0)
			return r->verdict.kind == SC_SKIP ? NULL : r;
	}
	return NULL;
}

/* One line of text with tabs and newlines turned into spaces. */
static void put_flat(FILE *f, const char *s)
{
	for (; s && *s; s++)
		fputc(*s == '\t' || *s == '\n' || *s == '\r' ? ' ' : *s, f);
}

static void put_entry(FILE *f, const sc_result_t *r)
{
	fprintf(f, "%s/", report_case_suite(r));
	put_flat(f, r->c->name);
	fprintf(f, "\t%s\t", sc_verdict_name(r->verdict.kind));
}

static void put_unreviewed(FILE *f, const sc_result_t *r)
{
	put_entry(f, r);
	fputs("unreviewed: ", f);
	if (r->verdict.nreasons == 0) {
		fputs("no reason given\n", f);
		return;
	}
	const sc_reason_t *why = &r->verdict.reasons[0];
	put_flat(f, why->check);
	fputs(": expected ", f);
	put_flat(f, why->expected);
	fputs(", got ", f);
	put_flat(f, why->got);
	fputc('\n', f);
}

/* The kept lines of the file, updated. */
static void put_kept(FILE *f, const exp_list_t *l, const sc_run_t *run)
{
	for (size_t i = 0; i < l->nlines; i++) {
		int k = l->line_entry[i];
		const exp_entry_t *e = k >= 0 ? &l->e[k] : NULL;
		const sc_result_t *r = e ? result_of(run, e->key) : NULL;
		if (r == NULL) {
			fprintf(f, "%s\n", l->lines[i]);
			continue;
		}
		sc_exp_status_t s = judge(e, r->verdict.kind);
		if (s == SC_EXP_DEVIATION) {
			fprintf(f, "%s\n", l->lines[i]);
		} else if (s == SC_EXP_NEW_FAIL) {
			put_entry(f, r);
			fprintf(f, "unreviewed (was %s: ",
				sc_verdict_name(e->verdict));
			put_flat(f, e->reason);
			fputs(")\n", f);
		} /* a new pass: dropped */
	}
}

bool exp_update(const exp_list_t *l, const sc_run_t *run, const char *path,
		char *err, size_t errlen)
{
	report_file_t rf;
	if (!report_file_open(&rf, path, err, errlen))
		return false;
	put_kept(rf.f, l, run);
	bool header = false;
	for (size_t i = 0; i < run->nresults; i++) {
		const sc_result_t *r = &run->results[i];
		if (r->exp != SC_EXP_NEW_FAIL ||
		    exp_find(l, report_case_suite(r), r->c->name) != NULL)
			continue;
		if (!header)
			fprintf(rf.f, "# added by dnsharness run "
				      "--update-expected: check each by hand, "
				      "then replace 'unreviewed'\n");
		header = true;
		put_unreviewed(rf.f, r);
	}
	return report_file_commit(&rf, true, err, errlen);
}
