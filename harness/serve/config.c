/* config.c - `servers:` YAML into the serve_config_t model: servers,
 * addresses, ports and zones here; rules in rules.c. */
#include "serve/config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include "serve/config_int.h"

static const char *const server_keys[] = {"name",  "addresses", "port", "zones",
					  "rules", "about",	NULL};

const char *serve_src_name(serve_src_t s)
{
	static const char *const names[] = {"zone", "reply", "hex", "tc",
					    "drop"};
	return (unsigned)s < 5 ? names[s] : "?";
}

void serve_config_init(serve_config_t *c)
{
	memset(c, 0, sizeof(*c));
	dns_arena_init(&c->arena, 0);
}

void serve_config_free(serve_config_t *c)
{
	for (size_t i = 0; i < c->n; i++)
		serve_zones_free(c->servers[i].zones);
	dns_arena_free(&c->arena);
	memset(c, 0, sizeof(*c));
	dns_arena_init(&c->arena, 0);
}

/* ---- small readers ------------------------------------------------------ */

bool scfg_text(const node_t *n, const char *what, diag_t *d)
{
	if (!node_expect_kind(n, NODE_SCALAR, what, d))
		return false;
	if (n->len == 0 || memchr(n->str, '\0', n->len) != NULL)
		return diag_error(d, n, "%s must be a non-empty string", what);
	return true;
}

/* A server name: letters, digits and "-_." (it appears in logs and in
 * upstream: assertions). */
static bool read_name(const node_t *n, diag_t *d)
{
	if (!scfg_text(n, "name", d))
		return false;
	for (size_t i = 0; i < n->len; i++) {
		char ch = n->str[i];
		bool ok = (ch >= 'a' && ch <= 'z') ||
			  (ch >= 'A' && ch <= 'Z') ||
			  (ch >= '0' && ch <= '9') || ch == '-' || ch == '_' ||
			  ch == '.';
		if (!ok)
			return diag_error(d, n,
					  "server name '%s': use letters, "
					  "digits, '-', '_' and '.' only",
					  n->str);
	}
	return true;
}

static bool read_address(const node_t *n, struct sockaddr_storage *out,
			 diag_t *d)
{
	struct sockaddr_in *sin = (struct sockaddr_in *)out;
	memset(out, 0, sizeof(*out));
	if (!scfg_text(n, "an address", d))
		return false;
	if (inet_pton(AF_INET, n->str, &sin->sin_addr) != 1)
		return diag_error(d, n,
				  "'%s' is not an IPv4 address (scripted "
				  "servers live in 127.0.0.0/8)",
				  n->str);
	if ((ntohl(sin->sin_addr.s_addr) >> 24) != 127)
		return diag_error(d, n,
				  "address %s is outside 127.0.0.0/8 "
				  "(scripted servers only use loopback "
				  "addresses)",
				  n->str);
	sin->sin_family = AF_INET;
	return true;
}

static bool read_addresses(const node_t *v, serve_server_t *s,
			   dns_arena_t *arena, diag_t *d)
{
	if (v == NULL)
		return diag_error(d, s->node,
				  "server '%s': missing addresses: (one or "
				  "more addresses in 127.0.0.0/8)",
				  s->name ? s->name : "?");
	if (v->kind == NODE_SCALAR) {
		s->addrs = dns_arena_alloc(arena, sizeof(*s->addrs));
		if (s->addrs == NULL)
			return diag_error(d, v, "out of memory");
		s->naddrs = 1;
		return read_address(v, &s->addrs[0], d);
	}
	if (!node_expect_kind(v, NODE_SEQ, "addresses", d))
		return false;
	if (v->n == 0 || v->n > SERVE_MAX_ADDRS)
		return diag_error(d, v, "addresses: give 1 to %u addresses",
				  SERVE_MAX_ADDRS);
	s->addrs = dns_arena_alloc(arena, v->n * sizeof(*s->addrs));
	if (s->addrs == NULL)
		return diag_error(d, v, "out of memory");
	bool ok = true;
	for (size_t i = 0; i < v->n; i++) {
		ok = read_address(v->vals[i], &s->addrs[i], d) && ok;
		for (size_t k = 0; ok && k < i; k++)
			if (net_addr_same(&s->addrs[k], &s->addrs[i]))
				ok = diag_error(d, v->vals[i],
						"address %s is listed twice",
						v->vals[i]->str);
	}
	s->naddrs = v->n;
	return ok;
}

static bool read_port(const node_t *v, serve_server_t *s, diag_t *d)
{
	unsigned long port = 0;
	if (v == NULL)
		return true;
	if (v->kind == NODE_SCALAR && strcmp(v->str, "auto") == 0)
		return true;
	if (!node_u32(v, 65535, &port, d))
		return false;
	if (port == 0)
		return diag_error(d, v,
				  "port: 1 to 65535, or auto (53 when the "
				  "process may bind it, else a free port)");
	s->port = (uint16_t)port;
	return true;
}

/* ---- zones -------------------------------------------------------------- */

static bool zone_error(const dns_zone_t *z, const node_t *at, diag_t *d)
{
	char text[320];
	dns_zone_error_text(z, text, sizeof(text));
	return diag_error(d, at, "zone: %s", text);
}

static bool zone_origin(const node_t *v, dns_name_t *origin, bool *has,
			diag_t *d)
{
	*has = false;
	if (v == NULL)
		return true;
	if (!scfg_name(v, "origin", origin, d))
		return false;
	*has = true;
	return true;
}

/* dir + "/" + rel into the arena (rel alone when dir is NULL). */
static char *join(dns_arena_t *arena, const char *dir, const char *rel)
{
	size_t dl = dir ? strlen(dir) : 0, rl = strlen(rel);
	char *p = dns_arena_alloc(arena, dl + rl + 2);
	if (p == NULL)
		return NULL;
	if (dl > 0)
		snprintf(p, dl + rl + 2, "%s/%s", dir, rel);
	else
		memcpy(p, rel, rl + 1);
	return p;
}

static bool load_zone_file(dns_zone_t *z, const node_t *f,
			   const dns_zone_opts_t *zo, const char *dir,
			   dns_arena_t *arena, diag_t *d)
{
	if (!scfg_text(f, "file", d))
		return false;
	if (f->str[0] == '/')
		return diag_error(d, f,
				  "file: zone paths are relative to the "
				  "scenario file; '%s' is absolute",
				  f->str);
	char *path = join(arena, dir, f->str);
	if (path == NULL)
		return diag_error(d, f, "out of memory");
	if (dns_zone_load_file(z, path, zo) != DNS_OK)
		return zone_error(z, f, d);
	return true;
}

static bool load_zone_text(dns_zone_t *z, const node_t *t,
			   const dns_zone_opts_t *zo, diag_t *d)
{
	char what[300];
	if (!node_expect_kind(t, NODE_SCALAR, "zone text", d))
		return false;
	snprintf(what, sizeof(what), "%s:%u (zone text)", t->file, t->line);
	if (dns_zone_load_string(z, t->str, t->len, what, zo) != DNS_OK)
		return zone_error(z, t, d);
	return true;
}

static bool load_zone(dns_zone_t *z, const node_t *v, const char *dir,
		      dns_arena_t *arena, diag_t *d)
{
	static const char *const keys[] = {"text", "file", "origin", NULL};
	dns_zone_opts_t zo = {NULL, 0, 0, dir ? dir : "."};
	dns_name_t origin;
	bool has_origin = false;
	if (v->kind == NODE_SCALAR)
		return load_zone_text(z, v, &zo, d);
	if (!node_check_keys(v, "a zone", keys, d))
		return false;
	if (!zone_origin(node_get(v, "origin"), &origin, &has_origin, d))
		return false;
	zo.origin = has_origin ? &origin : NULL;
	const node_t *text = node_get(v, "text"), *file = node_get(v, "file");
	if ((text == NULL) == (file == NULL))
		return diag_error(d, v,
				  "a zone is its text, or {file: PATH} or "
				  "{text: TEXT}, with an optional origin:");
	if (text != NULL)
		return load_zone_text(z, text, &zo, d);
	return load_zone_file(z, file, &zo, dir, arena, d);
}

/* Load zone v and add it to s's set. */
static bool add_zone(serve_server_t *s, const node_t *v, const char *dir,
		     dns_arena_t *arena, diag_t *d)
{
	dns_zone_t z;
	dns_error_t err = {0};
	dns_zone_init(&z);
	bool ok = load_zone(&z, v, dir, arena, d);
	dns_rc_t rc = ok ? serve_zones_add(s->zones, &z, &err) : DNS_OK;
	dns_zone_free(&z);
	if (rc != DNS_OK)
		return diag_error(d, v, "zone: %s%s%s", dns_rc_text(rc),
				  err.detail[0] ? ": " : "", err.detail);
	return ok;
}

static bool read_zones(const node_t *v, serve_server_t *s, const char *dir,
		       dns_arena_t *arena, diag_t *d)
{
	if (serve_zones_new(&s->zones) != DNS_OK)
		return diag_error(d, s->node, "out of memory");
	if (v == NULL)
		return true;
	if (!node_expect_kind(v, NODE_SEQ, "zones", d))
		return false;
	bool ok = true;
	for (size_t i = 0; i < v->n; i++)
		ok = add_zone(s, v->vals[i], dir, arena, d) && ok;
	s->nzones = v->n;
	return ok;
}

/* ---- servers ------------------------------------------------------------ */

static bool read_server(serve_config_t *c, const node_t *v, serve_server_t *s,
			const char *dir, diag_t *d)
{
	memset(s, 0, sizeof(*s));
	s->node = v;
	if (!node_expect_kind(v, NODE_MAP, "a server", d))
		return false;
	bool ok = node_check_keys(v, "a server", server_keys, d);
	const node_t *name = node_get(v, "name");
	if (name == NULL)
		ok = diag_error(d, v, "a server needs a name:");
	else if (read_name(name, d))
		s->name = name->str;
	else
		ok = false;
	ok = read_addresses(node_get(v, "addresses"), s, &c->arena, d) && ok;
	ok = read_port(node_get(v, "port"), s, d) && ok;
	ok = read_zones(node_get(v, "zones"), s, dir, &c->arena, d) && ok;
	ok = scfg_rules(node_get(v, "rules"), s, &c->arena, d) && ok;
	return ok;
}

/* Two servers may not share a name, nor an address on the same port: both
 * without port: (they share one), or both with the same port:. */
static bool check_unique(const serve_config_t *c, size_t i, diag_t *d)
{
	const serve_server_t *s = &c->servers[i];
	for (size_t k = 0; k < i; k++) {
		const serve_server_t *o = &c->servers[k];
		if (s->name && o->name && strcmp(s->name, o->name) == 0)
			return diag_error(d, node_get(s->node, "name"),
					  "server name '%s' is used twice",
					  s->name);
		if (s->port != o->port)
			continue;
		for (size_t a = 0; a < s->naddrs; a++)
			for (size_t b = 0; b < o->naddrs; b++)
				if (net_addr_same(&s->addrs[a], &o->addrs[b]))
					return diag_error(
					    d, s->node,
					    "servers '%s' and '%s' share an "
					    "address on the same port",
					    o->name ? o->name : "?",
					    s->name ? s->name : "?");
	}
	return true;
}

/* A deep copy of n in arena, strings and file names included (file names
 * are copied once per distinct pointer: a tree has one or a few). */
static node_t *clone(const node_t *n, dns_arena_t *arena, const char **from,
		     const char **to)
{
	node_t *c = dns_arena_dup(arena, n, sizeof(*n));
	if (c == NULL)
		return NULL;
	if (n->file != NULL && n->file != *from) {
		*to = dns_arena_dup(arena, n->file, strlen(n->file) + 1);
		*from = n->file;
		if (*to == NULL)
			return NULL;
	}
	c->file = n->file ? *to : NULL;
	if (n->kind == NODE_SCALAR) {
		c->str = dns_arena_dup(arena, n->str, n->len + 1);
		return c->str ? c : NULL;
	}
	c->vals = dns_arena_alloc(arena, (n->n + 1) * sizeof(node_t *));
	c->keys = dns_arena_alloc(arena, (n->n + 1) * sizeof(node_t *));
	if (c->vals == NULL || c->keys == NULL)
		return NULL;
	for (size_t i = 0; i < n->n; i++) {
		c->vals[i] = clone(n->vals[i], arena, from, to);
		c->keys[i] =
		    n->keys ? clone(n->keys[i], arena, from, to) : NULL;
		if (c->vals[i] == NULL || (n->keys && c->keys[i] == NULL))
			return NULL;
	}
	if (n->keys == NULL)
		c->keys = NULL;
	return c;
}

static bool load_servers(serve_config_t *c, const node_t *v,
			 const char *base_dir, diag_t *d)
{
	if (!node_expect_kind(v, NODE_SEQ, "servers", d))
		return false;
	if (v->n == 0 || v->n > SERVE_MAX_SERVERS)
		return diag_error(d, v, "servers: give 1 to %u servers",
				  SERVE_MAX_SERVERS);
	c->servers = dns_arena_alloc(&c->arena, v->n * sizeof(*c->servers));
	if (c->servers == NULL)
		return diag_error(d, v, "out of memory");
	bool ok = true;
	for (size_t i = 0; i < v->n; i++) {
		ok = read_server(c, v->vals[i], &c->servers[i], base_dir, d) &&
		     ok;
		c->n = i + 1;
		ok = check_unique(c, i, d) && ok;
	}
	return ok;
}

bool serve_config_load(serve_config_t *c, const node_t *servers,
		       const char *base_dir, diag_t *d)
{
	const char *from = NULL, *to = NULL;
	const node_t *v = clone(servers, &c->arena, &from, &to);
	if (v == NULL)
		return diag_error(d, servers, "out of memory");
	if (base_dir != NULL) {
		base_dir =
		    dns_arena_dup(&c->arena, base_dir, strlen(base_dir) + 1);
		if (base_dir == NULL)
			return diag_error(d, servers, "out of memory");
	}
	return load_servers(c, v, base_dir, d);
}

bool serve_config_load_file(serve_config_t *c, const char *path, diag_t *d)
{
	const node_t *doc = node_load_file(path, &c->arena, d);
	if (doc == NULL)
		return false;
	const node_t *servers = node_get(doc, "servers");
	if (servers == NULL)
		return diag_error(d, doc, "no servers: in this file");
	const char *slash = strrchr(path, '/');
	const char *dir = slash == path ? "/" : NULL;
	if (slash != NULL && slash != path) {
		char *p =
		    dns_arena_dup(&c->arena, path, (size_t)(slash - path) + 1);
		if (p == NULL)
			return diag_error(d, doc, "out of memory");
		p[slash - path] = '\0';
		dir = p;
	}
	return load_servers(c, servers, dir, d);
}
