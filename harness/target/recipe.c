/* recipe.c - target recipes: YAML into target_recipe_t, placeholder
 * expansion, error values. */
#include "target/target_int.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "dns/edns.h"
#include "dns/rdata.h"

#define DEFAULT_START_MS 10000ul
#define DEFAULT_STOP_MS	 5000ul

const char *const target_builtins[] = {
    "addr", "port", "dir", "zone", "zone_file", "user", "name", NULL,
};

/* ---- errors ------------------------------------------------------------ */

const char *target_rc_name(target_rc_t rc)
{
	static const char *const names[] = {
	    [TARGET_OK] = "ok",
	    [TARGET_E_RECIPE] = "recipe",
	    [TARGET_E_MISSING] = "missing",
	    [TARGET_E_SETUP] = "setup",
	    [TARGET_E_SPAWN] = "spawn",
	    [TARGET_E_EXITED] = "exited",
	    [TARGET_E_TIMEOUT] = "timeout",
	    [TARGET_E_NOMEM] = "nomem",
	};
	if ((unsigned)rc < sizeof(names) / sizeof(names[0]) && names[rc])
		return names[rc];
	return "unknown";
}

target_rc_t target_err_set(target_err_t *err, target_rc_t code, const char *fmt,
			   ...)
{
	if (err == NULL)
		return code;
	err->code = code;
	err->log[0] = '\0';
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

void target_err_add(target_err_t *err, const char *fmt, ...)
{
	if (err == NULL)
		return;
	size_t used = strlen(err->msg);
	if (used + 1 >= sizeof(err->msg))
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err->msg + used, sizeof(err->msg) - used, fmt, ap);
	va_end(ap);
}

/* ---- placeholders ------------------------------------------------------ */

typedef struct outbuf {
	char *p;
	size_t len, cap;
	bool nomem;
} outbuf_t;

static void out_put(outbuf_t *o, const char *s, size_t n)
{
	if (o->nomem)
		return;
	if (o->len + n + 1 > o->cap) {
		size_t cap = o->cap ? o->cap : 64;
		while (cap < o->len + n + 1)
			cap *= 2;
		char *p = dns_mem_realloc(o->p, cap);
		if (p == NULL) {
			o->nomem = true;
			return;
		}
		o->p = p;
		o->cap = cap;
	}
	memcpy(o->p + o->len, s, n);
	o->len += n;
	o->p[o->len] = '\0';
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* The value of the last var called name[0..len), or NULL. */
static const char *var_lookup(const target_var_t *vars, size_t n,
			      const char *name, size_t len)
{
	for (size_t i = n; i-- > 0;)
		if (strlen(vars[i].name) == len &&
		    memcmp(vars[i].name, name, len) == 0)
			return vars[i].value;
	return NULL;
}

/* Expand the placeholder whose "${" is at s[i]; returns the index after
 * its "}", or 0 with err set. */
static size_t expand_one(const char *s, size_t i, const target_var_t *vars,
			 size_t nvars, outbuf_t *o, target_err_t *err)
{
	size_t start = i + 2, end = start;
	while (is_name_char(s[end]))
		end++;
	if (s[end] != '}' || end == start) {
		target_err_set(err, TARGET_E_SETUP,
			       "malformed placeholder at byte %zu: expected "
			       "${name} with letters, digits and '_' (write "
			       "$$ for a literal $)",
			       i);
		return 0;
	}
	const char *v = var_lookup(vars, nvars, s + start, end - start);
	if (v == NULL) {
		target_err_set(err, TARGET_E_SETUP,
			       "unknown placeholder ${%.*s} at byte %zu",
			       (int)(end - start), s + start, i);
		return 0;
	}
	out_put(o, v, strlen(v));
	return end + 1;
}

target_rc_t target_expand(const char *tmpl, const target_var_t *vars,
			  size_t nvars, char **out, target_err_t *err)
{
	outbuf_t o = {0};
	*out = NULL;
	out_put(&o, "", 0);
	size_t i = 0, lit = 0;
	while (tmpl[i] != '\0') {
		if (tmpl[i] != '$' ||
		    (tmpl[i + 1] != '$' && tmpl[i + 1] != '{')) {
			i++;
			continue;
		}
		out_put(&o, tmpl + lit, i - lit);
		if (tmpl[i + 1] == '$') {
			out_put(&o, "$", 1);
			i += 2;
		} else {
			i = expand_one(tmpl, i, vars, nvars, &o, err);
			if (i == 0) {
				dns_mem_free(o.p);
				return TARGET_E_SETUP;
			}
		}
		lit = i;
	}
	out_put(&o, tmpl + lit, i - lit);
	if (o.nomem) {
		dns_mem_free(o.p);
		return target_err_set(err, TARGET_E_NOMEM, "out of memory");
	}
	*out = o.p;
	return TARGET_OK;
}

/* ---- loading ----------------------------------------------------------- */

typedef struct loader {
	target_recipe_t *r;
	diag_t *d;
} loader_t;

static char *arena_str(target_recipe_t *r, const char *s)
{
	return dns_arena_dup(&r->arena, s, strlen(s) + 1);
}

static const char *get_str(loader_t *L, const node_t *map, const char *key,
			   const char *dflt)
{
	const node_t *n = node_get(map, key);
	if (n == NULL)
		return dflt;
	if (!node_expect_kind(n, NODE_SCALAR, key, L->d))
		return NULL;
	if (n->len != strlen(n->str)) {
		diag_error(L->d, n, "%s must not contain NUL bytes", key);
		return NULL;
	}
	return n->str;
}

/* A scalar holding a template (checked for placeholders later). */
static bool template_ok(loader_t *L, const node_t *n, const char *what)
{
	if (!node_expect_kind(n, NODE_SCALAR, what, L->d))
		return false;
	if (n->len != strlen(n->str))
		return diag_error(L->d, n, "%s must not contain NUL bytes",
				  what);
	return true;
}

static bool safe_file_name(const char *s)
{
	if (s[0] == '\0' || s[0] == '.' || strlen(s) > 100)
		return false;
	for (const char *p = s; *p; p++)
		if (!is_name_char(*p) && *p != '.' && *p != '-')
			return false;
	return strcmp(s, "output.log") != 0;
}

static bool env_name_ok(const char *s)
{
	if (s[0] == '\0' || (s[0] >= '0' && s[0] <= '9'))
		return false;
	for (const char *p = s; *p; p++)
		if (!is_name_char(*p))
			return false;
	return true;
}

/* packages: one name or a list. */
static bool load_packages(loader_t *L, const node_t *n)
{
	target_recipe_t *r = L->r;
	size_t cnt = n->kind == NODE_SEQ ? n->n : 1;
	if (n->kind == NODE_MAP)
		return diag_error(L->d, n,
				  "packages must be a name or a list of names");
	r->packages = dns_arena_alloc(&r->arena, cnt * sizeof(char *) + 1);
	if (r->packages == NULL)
		return diag_error(L->d, n, "out of memory");
	for (size_t i = 0; i < cnt; i++) {
		const node_t *p = n->kind == NODE_SEQ ? n->vals[i] : n;
		if (!node_expect_kind(p, NODE_SCALAR, "a package", L->d))
			return false;
		if (p->str[0] == '\0' || strpbrk(p->str, " \t/") != NULL)
			return diag_error(L->d, p, "'%s' is not a package name",
					  p->str);
		r->packages[r->npackages++] = p->str;
	}
	return true;
}

/* A map of name -> template (files:, env:). */
static bool load_tmpl_map(loader_t *L, const node_t *n, const char *what,
			  bool (*name_ok)(const char *), target_tmpl_t **out,
			  size_t *nout)
{
	if (!node_expect_kind(n, NODE_MAP, what, L->d))
		return false;
	target_tmpl_t *t = dns_arena_alloc(&L->r->arena, n->n * sizeof(*t) + 1);
	if (t == NULL)
		return diag_error(L->d, n, "out of memory");
	bool ok = true;
	for (size_t i = 0; i < n->n; i++) {
		if (!name_ok(n->keys[i]->str))
			ok = diag_error(L->d, n->keys[i],
					"'%s' is not a valid name in %s",
					n->keys[i]->str, what);
		ok = template_ok(L, n->vals[i], what) && ok;
		t[i].name = n->keys[i]->str;
		t[i].text = n->vals[i];
	}
	*out = t;
	*nout = n->n;
	return ok;
}

static bool load_vars(loader_t *L, const node_t *n)
{
	target_recipe_t *r = L->r;
	if (!node_expect_kind(n, NODE_MAP, "vars", L->d))
		return false;
	if (n->n > TARGET_MAX_VARS)
		return diag_error(L->d, n, "at most %u vars", TARGET_MAX_VARS);
	r->vars = dns_arena_alloc(&r->arena, n->n * sizeof(*r->vars) + 1);
	if (r->vars == NULL)
		return diag_error(L->d, n, "out of memory");
	bool ok = true;
	for (size_t i = 0; i < n->n; i++) {
		const char *name = n->keys[i]->str;
		bool builtin = false, derived = false;
		for (unsigned b = 0; target_builtins[b]; b++)
			builtin |= strcmp(target_builtins[b], name) == 0;
		for (unsigned b = 0; target_derived[b]; b++)
			derived |= strcmp(target_derived[b], name) == 0;
		if (builtin || derived || !env_name_ok(name))
			ok = diag_error(L->d, n->keys[i],
					"'%s' cannot be a var name%s", name,
					builtin	  ? " (it is a builtin)"
					: derived ? " (it is derived from "
						    "trust_anchor)"
						  : "");
		if (!template_ok(L, n->vals[i], "a var's default"))
			ok = false;
		r->vars[i].name = name;
		r->vars[i].value = n->vals[i]->str;
	}
	r->nvars = n->n;
	return ok;
}

static bool load_args(loader_t *L, const node_t *n)
{
	target_recipe_t *r = L->r;
	if (!node_expect_kind(n, NODE_SEQ, "args", L->d))
		return false;
	r->args = dns_arena_alloc(&r->arena, n->n * sizeof(node_t *) + 1);
	if (r->args == NULL)
		return diag_error(L->d, n, "out of memory");
	bool ok = true;
	for (size_t i = 0; i < n->n; i++) {
		ok = template_ok(L, n->vals[i], "an argument") && ok;
		r->args[i] = n->vals[i];
	}
	r->nargs = n->n;
	return ok;
}

/* setup: a list of argument vectors, each a non-empty list of scalars. */
static bool load_setup(loader_t *L, const node_t *n)
{
	target_recipe_t *r = L->r;
	if (!node_expect_kind(n, NODE_SEQ, "setup", L->d))
		return false;
	r->setup = dns_arena_alloc(&r->arena, n->n * sizeof(*r->setup) + 1);
	if (r->setup == NULL)
		return diag_error(L->d, n, "out of memory");
	bool ok = true;
	for (size_t i = 0; i < n->n; i++) {
		const node_t *c = n->vals[i];
		target_cmd_t *cmd = &r->setup[i];
		if (c->kind != NODE_SEQ || c->n == 0) {
			ok = diag_error(L->d, c,
					"a setup command must be a non-empty "
					"list: [program, arguments...]");
			continue;
		}
		cmd->argv = (const node_t **)c->vals;
		cmd->argc = c->n;
		for (size_t j = 0; j < c->n; j++)
			ok = template_ok(L, c->vals[j], "a setup argument") &&
			     ok;
	}
	r->nsetup = n->n;
	return ok;
}

/* provides: a list of capability words (target/caps.h). */
static bool load_provides(loader_t *L, const node_t *n)
{
	if (!node_expect_kind(n, NODE_SEQ, "provides", L->d))
		return false;
	bool ok = true;
	L->r->provides = 0;
	for (size_t i = 0; i < n->n; i++) {
		const node_t *w = n->vals[i];
		unsigned bit = 0;
		if (!node_expect_kind(w, NODE_SCALAR, "a capability", L->d))
			ok = false;
		else if ((bit = target_cap_from_word(w->str)) == 0)
			ok = diag_error(L->d, w,
					"unknown capability '%s' (known: %s)",
					w->str, target_cap_words());
		L->r->provides |= bit;
	}
	return ok;
}

/* lacks: capability word -> why the target does not have it. Without
 * provides: (everything), the capabilities listed here are taken out. */
static bool load_lacks(loader_t *L, const node_t *n, bool listed)
{
	if (!node_expect_kind(n, NODE_MAP, "lacks", L->d))
		return false;
	bool ok = true;
	for (size_t i = 0; i < n->n; i++) {
		const node_t *k = n->keys[i], *v = n->vals[i];
		unsigned bit = target_cap_from_word(k->str);
		if (bit == 0) {
			ok = diag_error(L->d, k,
					"unknown capability '%s' (known: %s)",
					k->str, target_cap_words());
			continue;
		}
		if (!listed)
			L->r->provides &= ~bit;
		else if (L->r->provides & bit)
			ok = diag_error(L->d, k,
					"'%s' is both in provides: and in "
					"lacks:",
					k->str);
		if (!node_expect_kind(v, NODE_SCALAR, "a reason", L->d) ||
		    v->str[0] == '\0') {
			ok = diag_error(L->d, v, "lacks: %s needs a reason",
					k->str);
			continue;
		}
		for (unsigned b = 0; b < TARGET_CAP_COUNT; b++)
			if (bit == 1u << b)
				L->r->lacks[b] = v->str;
	}
	return ok;
}

/* zone.generic: type mnemonics (or TYPEnnn) written in RFC 3597 form. */
static bool load_generic(loader_t *L, const node_t *n)
{
	target_recipe_t *r = L->r;
	if (!node_expect_kind(n, NODE_SEQ, "zone generic", L->d))
		return false;
	if (r->zone_format == TARGET_ZONE_PYZONE)
		return diag_error(L->d, n,
				  "generic applies to the text format only");
	r->generic = dns_arena_alloc(&r->arena, n->n * sizeof(uint16_t) + 1);
	if (r->generic == NULL)
		return diag_error(L->d, n, "out of memory");
	for (size_t i = 0; i < n->n; i++) {
		const node_t *t = n->vals[i];
		if (!node_expect_kind(t, NODE_SCALAR, "a type", L->d))
			return false;
		if (dns_type_from_text(t->str, t->len, &r->generic[i]) !=
		    DNS_OK)
			return diag_error(L->d, t, "unknown type '%s'", t->str);
	}
	r->ngeneric = n->n;
	return true;
}

static bool load_zone(loader_t *L, const node_t *n)
{
	static const char *const keys[] = {"name", "file", "format", "generic",
					   NULL};
	static const char *const formats[] = {"text", "pyzone", NULL};
	target_recipe_t *r = L->r;
	if (!node_check_keys(n, "zone", keys, L->d))
		return false;
	const char *name = get_str(L, n, "name", r->zone);
	const char *file = get_str(L, n, "file", r->zone_file);
	if (name == NULL || file == NULL)
		return false;
	dns_name_t dn;
	if (dns_name_from_str(name, NULL, &dn) != DNS_OK)
		return diag_error(L->d, node_get(n, "name"),
				  "zone name '%s' must be an absolute domain "
				  "name (ending with '.')",
				  name);
	r->zone = name;
	r->zone_file = file;
	const node_t *f = node_get(n, "format");
	unsigned idx = 0;
	if (f != NULL && !node_enum(f, formats, &idx, L->d))
		return false;
	r->zone_format = idx == 1 ? TARGET_ZONE_PYZONE : TARGET_ZONE_TEXT;
	const node_t *g = node_get(n, "generic");
	return g == NULL || load_generic(L, g);
}

static bool load_probe(loader_t *L, const node_t *n)
{
	static const char *const keys[] = {"qname", "qtype", "qclass",
					   "rcode", "rd",    NULL};
	target_probe_t *p = &L->r->probe;
	if (!node_check_keys(n, "probe", keys, L->d))
		return false;
	const node_t *v;
	if ((v = node_get(n, "qname")) != NULL) {
		if (!template_ok(L, v, "probe qname"))
			return false;
		p->qname = v;
	}
	const char *s;
	if ((s = get_str(L, n, "qtype", "SOA")) == NULL)
		return false;
	if (dns_type_from_text(s, strlen(s), &p->qtype) != DNS_OK)
		return diag_error(L->d, node_get(n, "qtype"),
				  "unknown type '%s'", s);
	if ((s = get_str(L, n, "qclass", "IN")) == NULL)
		return false;
	if (dns_class_from_text(s, strlen(s), &p->qclass) != DNS_OK)
		return diag_error(L->d, node_get(n, "qclass"),
				  "unknown class '%s'", s);
	if ((s = get_str(L, n, "rcode", "NOERROR")) == NULL)
		return false;
	if (dns_rcode_from_text(s, strlen(s), &p->rcode) != DNS_OK ||
	    p->rcode > 15)
		return diag_error(L->d, node_get(n, "rcode"),
				  "'%s' is not a header rcode (NOERROR, "
				  "REFUSED, ... or 0-15)",
				  s);
	if ((v = node_get(n, "rd")) != NULL && !node_bool(v, &p->rd, L->d))
		return false;
	return true;
}

static bool load_port(loader_t *L, const node_t *n)
{
	unsigned long v;
	if (n->kind == NODE_SCALAR && strcmp(n->str, "auto") == 0) {
		L->r->port = 0;
		return true;
	}
	if (n->kind != NODE_SCALAR || !node_u32(n, 65535, &v, L->d) || v == 0)
		return diag_error(L->d, n,
				  "port must be 'auto' or a number from 1 to "
				  "65535");
	L->r->port = (unsigned)v;
	return true;
}

static bool load_timeouts(loader_t *L, const node_t *root)
{
	static const char *const keys[] = {"start_timeout", "stop_timeout"};
	unsigned long *vals[] = {&L->r->start_timeout_ms,
				 &L->r->stop_timeout_ms};
	bool ok = true;
	for (int i = 0; i < 2; i++) {
		const node_t *n = node_get(root, keys[i]);
		if (n == NULL)
			continue;
		if (!node_ms(n, vals[i], L->d))
			ok = false;
		else if (*vals[i] == 0)
			ok = diag_error(L->d, n, "%s must not be 0", keys[i]);
	}
	return ok;
}

static bool load_jobs(loader_t *L, const node_t *n)
{
	unsigned long v;
	if (n->kind != NODE_SCALAR || !node_u32(n, 100000, &v, L->d) || v == 0)
		return diag_error(L->d, n,
				  "jobs must be a number from 1 to 100000");
	L->r->jobs = (unsigned)v;
	return true;
}

static bool load_role(loader_t *L, const node_t *root)
{
	static const char *const roles[] = {"authoritative", "resolver", NULL};
	const node_t *n = node_get(root, "role");
	unsigned idx = 0;
	if (n != NULL && !node_enum(n, roles, &idx, L->d))
		return false;
	L->r->role =
	    idx == 1 ? TARGET_ROLE_RESOLVER : TARGET_ROLE_AUTHORITATIVE;
	return true;
}

/* Every template must expand with the builtins and the recipe's vars. */
static bool check_template(loader_t *L, const node_t *n, const char *what)
{
	target_var_t vars[TARGET_NBUILTINS + TARGET_NDERIVED + TARGET_MAX_VARS];
	const target_recipe_t *r = L->r;
	size_t nv = 0;
	for (unsigned b = 0; target_builtins[b]; b++)
		vars[nv++] = (target_var_t){target_builtins[b], ""};
	for (unsigned b = 0; target_derived[b]; b++)
		vars[nv++] = (target_var_t){target_derived[b], ""};
	for (size_t i = 0; i < r->nvars; i++)
		vars[nv++] = r->vars[i];
	char *out;
	target_err_t err;
	if (target_expand(n->str, vars, nv, &out, &err) != TARGET_OK)
		return diag_error(L->d, n, "%s: %s", what, err.msg);
	dns_mem_free(out);
	return true;
}

static bool check_templates(loader_t *L)
{
	const target_recipe_t *r = L->r;
	bool ok = true;
	for (size_t i = 0; i < r->nfiles; i++)
		ok =
		    check_template(L, r->files[i].text, r->files[i].name) && ok;
	for (size_t i = 0; i < r->nargs; i++)
		ok = check_template(L, r->args[i], "argument") && ok;
	for (size_t i = 0; i < r->nenv; i++)
		ok = check_template(L, r->env[i].text, r->env[i].name) && ok;
	if (r->probe.qname != NULL)
		ok = check_template(L, r->probe.qname, "probe qname") && ok;
	for (size_t i = 0; i < r->nsetup; i++)
		for (size_t j = 0; j < r->setup[i].argc; j++)
			ok = check_template(L, r->setup[i].argv[j],
					    "setup argument") &&
			     ok;
	return ok;
}

static bool load_body(loader_t *L, const node_t *root)
{
	static const char *const keys[] = {
	    "name",	     "description",  "role",  "program",
	    "packages",	     "zone",	     "files", "args",
	    "env",	     "vars",	     "port",  "probe",
	    "start_timeout", "stop_timeout", "setup", "provides",
	    "lacks",	     "jobs",	     NULL,
	};
	target_recipe_t *r = L->r;
	if (!node_check_keys(root, "recipe", keys, L->d))
		return false;
	const node_t *n;
	bool ok = load_role(L, root) && load_timeouts(L, root);
	r->name = get_str(L, root, "name", r->name);
	r->description = get_str(L, root, "description", "");
	r->program = get_str(L, root, "program", NULL);
	ok = ok && r->name && r->description;
	if (r->program == NULL || r->program[0] == '\0')
		ok = diag_error(L->d, root,
				"recipe needs 'program' (the executable)");
	if ((n = node_get(root, "packages")) != NULL)
		ok = load_packages(L, n) && ok;
	else
		ok = diag_error(L->d, root,
				"recipe needs 'packages' (the Debian packages "
				"that provide the program)");
	if ((n = node_get(root, "zone")) != NULL)
		ok = load_zone(L, n) && ok;
	r->serves_zone = n != NULL || r->role == TARGET_ROLE_AUTHORITATIVE;
	if ((n = node_get(root, "files")) != NULL)
		ok = load_tmpl_map(L, n, "files", safe_file_name, &r->files,
				   &r->nfiles) &&
		     ok;
	if ((n = node_get(root, "env")) != NULL)
		ok = load_tmpl_map(L, n, "env", env_name_ok, &r->env,
				   &r->nenv) &&
		     ok;
	if ((n = node_get(root, "args")) != NULL)
		ok = load_args(L, n) && ok;
	if ((n = node_get(root, "vars")) != NULL)
		ok = load_vars(L, n) && ok;
	if ((n = node_get(root, "port")) != NULL)
		ok = load_port(L, n) && ok;
	if ((n = node_get(root, "jobs")) != NULL)
		ok = load_jobs(L, n) && ok;
	if ((n = node_get(root, "probe")) != NULL)
		ok = load_probe(L, n) && ok;
	if ((n = node_get(root, "setup")) != NULL)
		ok = load_setup(L, n) && ok;
	if ((n = node_get(root, "provides")) != NULL)
		ok = load_provides(L, n) && ok;
	if ((n = node_get(root, "lacks")) != NULL)
		ok = load_lacks(L, n, node_get(root, "provides") != NULL) && ok;
	/* authoritative comes with the role, never with a resolver's
	 * default of everything */
	if (L->r->role == TARGET_ROLE_AUTHORITATIVE)
		L->r->provides |= TARGET_CAP_AUTHORITATIVE;
	else if (node_get(root, "provides") == NULL)
		L->r->provides &= ~TARGET_CAP_AUTHORITATIVE;
	return ok && check_templates(L);
}

/* "dir/base.yaml" -> "base" in the arena. */
static const char *base_name(target_recipe_t *r, const char *path)
{
	const char *b = strrchr(path, '/');
	b = b ? b + 1 : path;
	size_t len = strlen(b);
	if (len > 5 && strcmp(b + len - 5, ".yaml") == 0)
		len -= 5;
	char *s = dns_arena_alloc(&r->arena, len + 1);
	if (s != NULL) {
		memcpy(s, b, len);
		s[len] = '\0';
	}
	return s;
}

/* The recipe names in dir (for "no recipe named ..."), sorted,
 * comma-separated. */
static void list_recipes(const char *dir, char *buf, size_t cap)
{
	struct dirent **ents;
	int n = scandir(dir, &ents, NULL, alphasort);
	size_t used = 0;
	buf[0] = '\0';
	for (int i = 0; i < n; i++) {
		const char *name = ents[i]->d_name;
		size_t len = strlen(name);
		if (len > 5 && strcmp(name + len - 5, ".yaml") == 0 &&
		    used + 1 < cap)
			used += (size_t)snprintf(buf + used, cap - used,
						 "%s%.*s", used ? ", " : "",
						 (int)(len - 5), name);
		free(ents[i]);
	}
	if (n >= 0)
		free(ents);
}

static bool is_path(const char *what)
{
	size_t len = strlen(what);
	return strchr(what, '/') != NULL ||
	       (len > 5 && strcmp(what + len - 5, ".yaml") == 0);
}

static const char *recipe_path(target_recipe_t *r, const char *what,
			       const char *sdir, diag_t *d)
{
	if (is_path(what))
		return arena_str(r, what);
	char path[4096], tdir[4096], names[512];
	snprintf(tdir, sizeof(tdir), "%s/targets", sdir);
	if ((size_t)snprintf(path, sizeof(path), "%s/%s.yaml", tdir, what) >=
	    sizeof(path))
		return diag_error_at(d, "recipe", 0, 0, "name too long"), NULL;
	FILE *f = fopen(path, "r");
	if (f != NULL) {
		fclose(f);
		return arena_str(r, path);
	}
	list_recipes(tdir, names, sizeof(names));
	const char *file = arena_str(r, path); /* the diag points to it */
	diag_error_at(d, file ? file : "recipe", 0, 0,
		      "no recipe named '%s' (known: %s)", what,
		      names[0] ? names : "none");
	return NULL;
}

/* Zones are in <scenarios>/zones; with no scenarios dir given, a recipe
 * named by path is taken to live in <scenarios>/targets/. */
static bool set_defaults(target_recipe_t *r, const char *what, const char *sdir)
{
	char zdir[4096];
	const char *slash = strrchr(what, '/');
	if (sdir != NULL)
		snprintf(zdir, sizeof(zdir), "%s/zones", sdir);
	else if (is_path(what) && slash != NULL)
		snprintf(zdir, sizeof(zdir), "%.*s/../zones",
			 (int)(slash - what), what);
	else if (is_path(what))
		snprintf(zdir, sizeof(zdir), "../zones");
	else
		snprintf(zdir, sizeof(zdir), "scenarios/zones");
	r->zones_dir = arena_str(r, zdir);
	r->zone = "example.";
	r->zone_file = "example.zone";
	r->start_timeout_ms = DEFAULT_START_MS;
	r->stop_timeout_ms = DEFAULT_STOP_MS;
	r->probe.qtype = DNS_T_SOA;
	r->probe.qclass = DNS_C_IN;
	r->provides = TARGET_CAP_ALL;
	return r->zones_dir != NULL;
}

bool target_load_recipe(const char *what, const char *scenarios_dir,
			target_recipe_t *r, diag_t *d)
{
	memset(r, 0, sizeof(*r));
	dns_arena_init(&r->arena, 0);
	loader_t L = {r, d};
	bool ok = set_defaults(r, what, scenarios_dir);
	r->path =
	    ok ? recipe_path(r, what,
			     scenarios_dir ? scenarios_dir : "scenarios", d)
	       : NULL;
	const node_t *root =
	    r->path ? node_load_file(r->path, &r->arena, d) : NULL;
	if (root != NULL) {
		r->name = base_name(r, r->path);
		ok = r->name != NULL && load_body(&L, root);
	}
	if (root != NULL && ok)
		return true;
	if (d != NULL && d->n == 0)
		diag_error_at(d, "recipe", 0, 0, "out of memory");
	r->path = NULL;
	return false;
}

void target_recipe_free(target_recipe_t *r)
{
	dns_arena_free(&r->arena);
	memset(r, 0, sizeof(*r));
	dns_arena_init(&r->arena, 0);
}

const char *target_lacking(const target_recipe_t *r, unsigned missing,
			   char *buf, size_t cap)
{
	unsigned i = 0;
	if (cap > 0)
		buf[0] = '\0';
	while (i < TARGET_CAP_COUNT && !(missing & (1u << i)))
		i++;
	if (i == TARGET_CAP_COUNT || cap == 0)
		return buf;
	if (r->lacks[i] != NULL)
		snprintf(buf, cap, "%s lacks %s: %s", r->name,
			 target_cap_word(i), r->lacks[i]);
	else if ((1u << i) == TARGET_CAP_AUTHORITATIVE &&
		 r->role == TARGET_ROLE_RESOLVER)
		snprintf(buf, cap,
			 "%s does not provide authoritative (a resolver: "
			 "it serves no zone of its own)",
			 r->name);
	else
		snprintf(buf, cap,
			 "%s does not provide %s (provides: of its recipe)",
			 r->name, target_cap_word(i));
	return buf;
}
