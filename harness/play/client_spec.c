/* client_spec.c - a client step's run:, env:, stdin: and expect:
 * compiled from YAML, and what the program did judged against them. */
#include <regex.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "play/client.h"

const char *const sc_client_vars[] = {"server", "port", "addr",
				      "bindir", "dir",	NULL};

static const char *const step_expect_keys[] = {"exit", "stdout", "stderr",
					       NULL};
static const char *const text_keys[] = {"contains", "lacks", "matches", "lines",
					NULL};
static const char *const range_keys[] = {"min", "max", NULL};

/* ---- compile ------------------------------------------------------------ */

/* run: a sequence of scalars. */
static bool read_argv(const node_t *m, dns_arena_t *a, sc_client_t *c,
		      diag_t *d)
{
	const node_t *v = node_get(m, "run");
	if (v == NULL)
		return diag_error(d, m,
				  "a client step needs run: (the program and "
				  "its arguments)");
	if (v->kind == NODE_SCALAR)
		return diag_error(d, v,
				  "run: is a sequence of arguments, e.g. [dig, "
				  "\"@${server}\", -p, \"${port}\", "
				  "www.example.] (no shell)");
	if (!node_expect_kind(v, NODE_SEQ, "run", d))
		return false;
	if (v->n == 0 || v->n > CLIENT_ARGS_MAX)
		return diag_error(d, v, "run: holds 1 to %u arguments, not %zu",
				  CLIENT_ARGS_MAX, v->n);
	c->argv = dns_arena_alloc(a, (v->n + 1) * sizeof(char *));
	if (c->argv == NULL)
		return diag_error(d, v, "out of memory");
	bool ok = true;
	for (size_t i = 0; i < v->n; i++) {
		const node_t *e = v->vals[i];
		if (!node_expect_kind(e, NODE_SCALAR, "a run: argument", d))
			ok = false;
		else if (strlen(e->str) != e->len)
			ok = diag_error(d, e, "a run: argument holds a NUL");
		c->argv[i] = e->str;
	}
	if (ok && c->argv[0][0] == '\0')
		ok = diag_error(d, v->vals[0], "run: the program is empty");
	c->argv[v->n] = NULL;
	c->argc = v->n;
	return ok;
}

static bool env_name_ok(const char *s)
{
	if (!(s[0] == '_' || (s[0] >= 'A' && s[0] <= 'Z') ||
	      (s[0] >= 'a' && s[0] <= 'z')))
		return false;
	for (; *s != '\0'; s++)
		if (!(*s == '_' || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= 'a' && *s <= 'z') || (*s >= '0' && *s <= '9')))
			return false;
	return true;
}

/* env: a mapping of NAME to text, into "NAME=value" strings. */
static bool read_env(const node_t *v, dns_arena_t *a, sc_client_t *c, diag_t *d)
{
	if (!node_expect_kind(v, NODE_MAP, "env", d))
		return false;
	if (v->n > CLIENT_ENV_MAX)
		return diag_error(d, v, "env: at most %u variables",
				  CLIENT_ENV_MAX);
	c->env = dns_arena_alloc(a, (v->n + 1) * sizeof(char *));
	if (c->env == NULL)
		return diag_error(d, v, "out of memory");
	bool ok = true;
	for (size_t i = 0; i < v->n; i++) {
		const char *k = v->keys[i]->str;
		const node_t *e = v->vals[i];
		if (!env_name_ok(k)) {
			ok = diag_error(d, v->keys[i],
					"env: '%s' is not a variable name "
					"(letters, digits, '_')",
					k);
			continue;
		}
		if (!node_expect_kind(e, NODE_SCALAR, "an env: value", d)) {
			ok = false;
			continue;
		}
		size_t n = strlen(k) + e->len + 2;
		char *s = dns_arena_alloc(a, n);
		if (s == NULL)
			return diag_error(d, v, "out of memory");
		snprintf(s, n, "%s=%s", k, e->str);
		c->env[c->nenv++] = s;
	}
	c->env[c->nenv] = NULL;
	return ok;
}

static bool read_input(const node_t *v, sc_client_t *c, diag_t *d)
{
	if (!node_expect_kind(v, NODE_SCALAR, "stdin", d))
		return false;
	if (v->len > CLIENT_INPUT_MAX)
		return diag_error(d, v, "stdin: at most %u bytes",
				  CLIENT_INPUT_MAX);
	c->input = v->str;
	c->input_len = v->len;
	return true;
}

/* One exit code 0..255. */
static bool read_code(const node_t *v, int *out, diag_t *d)
{
	unsigned long n = 0;
	if (!node_u32(v, 255, &n, d))
		return false;
	*out = (int)n;
	return true;
}

/* exit: N, [N, ...], nonzero or timeout. */
static bool read_exit(const node_t *v, sc_client_t *c, diag_t *d)
{
	if (v->kind == NODE_SCALAR && strcmp(v->str, "nonzero") == 0) {
		c->exit = SC_EXIT_NONZERO;
		return true;
	}
	if (v->kind == NODE_SCALAR && strcmp(v->str, "timeout") == 0) {
		c->exit = SC_EXIT_TIMEOUT;
		return true;
	}
	c->exit = SC_EXIT_CODES;
	if (v->kind == NODE_SCALAR &&
	    (v->len == 0 || strspn(v->str, "0123456789") != v->len))
		return diag_error(d, v,
				  "exit: expected a status 0..255, a sequence "
				  "of them, nonzero or timeout, got '%s'",
				  v->str);
	if (v->kind == NODE_SCALAR) {
		c->ncodes = 1;
		return read_code(v, &c->codes[0], d);
	}
	if (v->kind != NODE_SEQ || v->n == 0 || v->n > CLIENT_CODES_MAX)
		return diag_error(d, v,
				  "exit: expected a status 0..255, a sequence "
				  "of 1 to %u of them, nonzero or timeout",
				  CLIENT_CODES_MAX);
	bool ok = true;
	for (size_t i = 0; i < v->n; i++)
		ok = read_code(v->vals[i], &c->codes[c->ncodes++], d) && ok;
	return ok;
}

/* A scalar or a sequence of scalars, into (*out, *n). */
static bool read_strings(const node_t *v, const char *what, dns_arena_t *a,
			 const char ***out, size_t *n, diag_t *d)
{
	size_t count = v->kind == NODE_SEQ ? v->n : 1;
	if (v->kind == NODE_MAP || count == 0 || count > CLIENT_PATTERNS)
		return diag_error(d, v,
				  "%s: expected a text or a sequence of 1 to "
				  "%u texts",
				  what, CLIENT_PATTERNS);
	*out = dns_arena_alloc(a, count * sizeof(char *));
	if (*out == NULL)
		return diag_error(d, v, "out of memory");
	bool ok = true;
	for (size_t i = 0; i < count; i++) {
		const node_t *e = v->kind == NODE_SEQ ? v->vals[i] : v;
		if (!node_expect_kind(e, NODE_SCALAR, what, d))
			ok = false;
		else if (e->len == 0)
			ok = diag_error(d, e, "%s: an empty text", what);
		(*out)[(*n)++] = e->str;
	}
	return ok;
}

/* Every pattern must compile as a POSIX extended regular expression. */
static bool check_regexes(const node_t *v, const sc_client_text_t *t, diag_t *d)
{
	bool ok = true;
	for (size_t i = 0; i < t->nmatches; i++) {
		regex_t re;
		int rc = regcomp(&re, t->matches[i],
				 REG_EXTENDED | REG_NEWLINE | REG_NOSUB);
		if (rc != 0) {
			char why[128];
			regerror(rc, &re, why, sizeof(why));
			ok = diag_error(d, v->kind == NODE_SEQ ? v->vals[i] : v,
					"matches: '%s' is not a POSIX extended "
					"regular expression: %s",
					t->matches[i], why);
		} else {
			regfree(&re);
		}
	}
	return ok;
}

/* lines: N or {min, max}. */
static bool read_range(const node_t *v, sc_client_range_t *r, diag_t *d)
{
	const node_t *lo, *hi;
	r->set = true;
	r->min = 0;
	r->max = 0xffffffffu;
	if (v->kind == NODE_SCALAR) {
		if (!node_u32(v, 0xffffffffu, &r->min, d))
			return false;
		r->max = r->min;
		return true;
	}
	if (!node_check_keys(v, "lines", range_keys, d))
		return false;
	bool ok = true;
	if ((lo = node_get(v, "min")) != NULL)
		ok = node_u32(lo, 0xffffffffu, &r->min, d);
	if ((hi = node_get(v, "max")) != NULL)
		ok = node_u32(hi, 0xffffffffu, &r->max, d) && ok;
	if (ok && r->min > r->max)
		ok = diag_error(d, v, "lines: min %lu is more than max %lu",
				r->min, r->max);
	return ok;
}

static bool read_text(const node_t *v, const char *what, dns_arena_t *a,
		      sc_client_text_t *t, diag_t *d)
{
	const node_t *e;
	if (!node_check_keys(v, what, text_keys, d))
		return false;
	bool ok = true;
	if ((e = node_get(v, "contains")) != NULL)
		ok = read_strings(e, "contains", a, &t->contains, &t->ncontains,
				  d);
	if ((e = node_get(v, "lacks")) != NULL)
		ok =
		    read_strings(e, "lacks", a, &t->lacks, &t->nlacks, d) && ok;
	if ((e = node_get(v, "matches")) != NULL)
		ok = read_strings(e, "matches", a, &t->matches, &t->nmatches,
				  d) &&
		     check_regexes(e, t, d) && ok;
	if ((e = node_get(v, "lines")) != NULL)
		ok = read_range(e, &t->lines, d) && ok;
	return ok;
}

static bool read_expect(const node_t *v, dns_arena_t *a, sc_client_t *c,
			diag_t *d)
{
	const node_t *e;
	if (!node_check_keys(v, "expect", step_expect_keys, d))
		return false;
	bool ok = true;
	if ((e = node_get(v, "exit")) != NULL)
		ok = read_exit(e, c, d);
	if ((e = node_get(v, "stdout")) != NULL)
		ok = read_text(e, "stdout", a, &c->out, d) && ok;
	if ((e = node_get(v, "stderr")) != NULL)
		ok = read_text(e, "stderr", a, &c->err, d) && ok;
	return ok;
}

bool sc_client_compile(const node_t *m, dns_arena_t *arena, sc_client_t **out,
		       diag_t *d)
{
	const node_t *v;
	sc_client_t *c = dns_arena_alloc(arena, sizeof(*c));
	*out = NULL;
	if (c == NULL)
		return diag_error(d, m, "out of memory");
	memset(c, 0, sizeof(*c));
	bool ok = read_argv(m, arena, c, d);
	if ((v = node_get(m, "env")) != NULL)
		ok = read_env(v, arena, c, d) && ok;
	if ((v = node_get(m, "stdin")) != NULL)
		ok = read_input(v, c, d) && ok;
	if ((v = node_get(m, "expect")) != NULL)
		ok = read_expect(v, arena, c, d) && ok;
	if (ok)
		*out = c;
	return ok;
}

/* ---- judge -------------------------------------------------------------- */

typedef struct judge {
	dns_arena_t *a;
	sc_verdict_t *v;
	size_t cap;
} judge_t;

static char *printf_a(dns_arena_t *a, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static char *printf_a(dns_arena_t *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	char *s = n >= 0 ? dns_arena_alloc(a, (size_t)n + 1) : NULL;
	if (s == NULL)
		return "(out of memory)";
	va_start(ap, fmt);
	vsnprintf(s, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return s;
}

static void fail(judge_t *j, const char *check, const char *expected,
		 const char *got)
{
	sc_verdict_t *v = j->v;
	if (v->kind == SC_PASS)
		v->kind = SC_FAIL;
	if (v->nreasons == j->cap) {
		size_t cap = j->cap ? 2 * j->cap : 8;
		sc_reason_t *r = dns_arena_alloc(j->a, cap * sizeof(*r));
		if (r == NULL)
			return;
		if (v->nreasons > 0)
			memcpy(r, v->reasons, v->nreasons * sizeof(*r));
		v->reasons = r;
		j->cap = cap;
	}
	v->reasons[v->nreasons++] = (sc_reason_t){check, expected, got};
}

static size_t count_lines(const char *s)
{
	size_t n = 0, len = strlen(s);
	for (const char *p = s; (p = strchr(p, '\n')) != NULL; p++)
		n++;
	return n + (len > 0 && s[len - 1] != '\n');
}

/* The start of text t on one line ("a | b | c"), at most 200 bytes of
 * it. */
static const char *excerpt(dns_arena_t *a, const char *t)
{
	size_t len = strlen(t), n = len > 200 ? 200 : len, k = 0;
	char *s = dns_arena_alloc(a, 3 * n + 8);
	if (s == NULL)
		return "";
	for (size_t i = 0; i < n; i++) {
		if (t[i] != '\n') {
			s[k++] = t[i];
		} else if (i + 1 < len) {
			memcpy(s + k, " | ", 3);
			k += 3;
		}
	}
	if (len > n) {
		memcpy(s + k, " ...", 4);
		k += 4;
	}
	s[k] = '\0';
	return k ? s : "nothing";
}

/* The line of t holding offset at, copied. */
static const char *line_at(dns_arena_t *a, const char *t, const char *at,
			   size_t *lineno)
{
	const char *b = at, *e = strchr(at, '\n');
	while (b > t && b[-1] != '\n')
		b--;
	*lineno = 1;
	for (const char *p = t; p < b; p++)
		*lineno += *p == '\n';
	size_t n = e ? (size_t)(e - b) : strlen(b);
	if (n > 200)
		n = 200;
	char *s = dns_arena_alloc(a, n + 1);
	if (s == NULL)
		return "";
	memcpy(s, b, n);
	s[n] = '\0';
	return s;
}

static const char *range_text(dns_arena_t *a, const sc_client_range_t *r)
{
	if (r->min == r->max)
		return printf_a(a, "%lu line%s", r->min,
				r->min == 1 ? "" : "s");
	if (r->max == 0xffffffffu)
		return printf_a(a, "at least %lu lines", r->min);
	return printf_a(a, "%lu to %lu lines", r->min, r->max);
}

static void judge_text(judge_t *j, const char *what, const sc_client_text_t *t,
		       const char *text)
{
	dns_arena_t *a = j->a;
	size_t lines = count_lines(text), no;
	for (size_t i = 0; i < t->ncontains; i++)
		if (strstr(text, t->contains[i]) == NULL)
			fail(j, printf_a(a, "%s.contains", what),
			     printf_a(a, "'%s'", t->contains[i]),
			     printf_a(a, "absent from %zu lines: %s", lines,
				      excerpt(a, text)));
	for (size_t i = 0; i < t->nlacks; i++) {
		const char *at = strstr(text, t->lacks[i]);
		if (at != NULL) {
			const char *l = line_at(a, text, at, &no);
			fail(j, printf_a(a, "%s.lacks", what),
			     printf_a(a, "no '%s'", t->lacks[i]),
			     printf_a(a, "line %zu: %s", no, l));
		}
	}
	for (size_t i = 0; i < t->nmatches; i++) {
		regex_t re;
		if (regcomp(&re, t->matches[i],
			    REG_EXTENDED | REG_NEWLINE | REG_NOSUB) != 0) {
			fail(j, printf_a(a, "%s.matches", what),
			     "a valid regular expression", t->matches[i]);
			continue;
		}
		if (regexec(&re, text, 0, NULL, 0) != 0)
			fail(j, printf_a(a, "%s.matches", what),
			     printf_a(a, "/%s/", t->matches[i]),
			     printf_a(a, "no match in %zu lines: %s", lines,
				      excerpt(a, text)));
		regfree(&re);
	}
	if (t->lines.set && (lines < t->lines.min || lines > t->lines.max))
		fail(j, printf_a(a, "%s.lines", what), range_text(a, &t->lines),
		     printf_a(a, "%zu line%s: %s", lines, lines == 1 ? "" : "s",
			      excerpt(a, text)));
}

static const char *codes_text(dns_arena_t *a, const sc_client_t *c)
{
	char buf[CLIENT_CODES_MAX * 8];
	size_t k = 0;
	for (size_t i = 0; i < c->ncodes; i++)
		k += (size_t)snprintf(buf + k, sizeof(buf) - k, "%s%d",
				      i == 0		   ? "exit "
				      : i + 1 == c->ncodes ? " or "
							   : ", ",
				      c->codes[i]);
	return printf_a(a, "%s", buf);
}

static void judge_exit(judge_t *j, const sc_client_t *c,
		       const sc_client_obs_t *o, unsigned long timeout_ms)
{
	dns_arena_t *a = j->a;
	const char *limit = printf_a(a, "%.3gs", (double)timeout_ms / 1000.0);
	if (c->exit == SC_EXIT_TIMEOUT) {
		if (!o->timed_out)
			fail(j, "exit",
			     printf_a(a, "still running at the timeout (%s)",
				      limit),
			     o->status);
		return;
	}
	if (o->timed_out) {
		fail(j, "timeout",
		     printf_a(a, "the program to end within %s", limit),
		     o->status);
		return;
	}
	bool ok = true;
	if (c->exit == SC_EXIT_ANY)
		ok = o->signal == 0;
	else if (c->exit == SC_EXIT_NONZERO)
		ok = o->signal == 0 && o->exit_code != 0;
	else {
		ok = false;
		for (size_t i = 0; i < c->ncodes && o->signal == 0; i++)
			ok = ok || o->exit_code == c->codes[i];
	}
	if (ok)
		return;
	fail(j, "exit",
	     c->exit == SC_EXIT_ANY	  ? "a normal exit (no crash)"
	     : c->exit == SC_EXIT_NONZERO ? "a nonzero exit status"
					  : codes_text(a, c),
	     o->status);
}

void sc_client_eval(const sc_client_t *c, const sc_client_obs_t *obs,
		    unsigned long timeout_ms, dns_arena_t *arena,
		    sc_verdict_t *out)
{
	judge_t j = {arena, out, 0};
	*out = (sc_verdict_t){SC_PASS, NULL, 0};
	if (!obs->started) {
		fail(&j, "run",
		     printf_a(arena, "the program %s started", c->argv[0]),
		     obs->status);
		out->kind = SC_ERROR;
		return;
	}
	judge_exit(&j, c, obs, timeout_ms);
	judge_text(&j, "stdout", &c->out, obs->out ? obs->out : "");
	judge_text(&j, "stderr", &c->err, obs->err ? obs->err : "");
}
