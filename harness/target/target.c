/* target.c - run a recipe's program: directory and files, fork and
 * execve, readiness probe, supervision, stop, output. */
#define _GNU_SOURCE
#include "target/target_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <glob.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "dns/edns.h"
#include "dns/name.h"
#include "dns/wire.h"

extern char **environ;

#define PROBE_INTERVAL_MS 50ul
#define LOG_NAME	  "output.log"
#define SBIN_DIRS	  "/usr/local/sbin:/usr/sbin:/sbin"

struct target {
	const target_recipe_t *recipe;
	char addr[INET6_ADDRSTRLEN];
	unsigned port;
	struct sockaddr_storage sa;
	socklen_t salen;
	char dir[PATH_MAX];
	char log_path[PATH_MAX];
	pid_t pid; /* also the process group id; 0 before the fork */
	bool running;
	int status; /* wait status once ended, -1 before */
	bool stopped;
	target_end_t end;
	bool keep;
	unsigned long stop_ms;
	uint8_t
	    query[DNS_NAME_MAXLEN + 16]; /* the probe, ID patched per send */
	size_t query_len;
	uint16_t rcode;	  /* expected in the probe's answer */
	uint16_t next_id; /* probe IDs */
	char *logbuf;
};

static void reap_group(pid_t pgid);
static void read_head_tail(const char *path, char *buf, size_t cap);

/* ---- time -------------------------------------------------------------- */

static unsigned long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long)ts.tv_sec * 1000ul +
	       (unsigned long)ts.tv_nsec / 1000000ul;
}

static void sleep_ms(unsigned long ms)
{
	struct timespec ts = {(time_t)(ms / 1000),
			      (long)(ms % 1000) * 1000000l};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* ---- addresses and ports ----------------------------------------------- */

static bool parse_addr(const char *addr, unsigned port,
		       struct sockaddr_storage *ss, socklen_t *len)
{
	memset(ss, 0, sizeof(*ss));
	struct sockaddr_in *s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;
	if (inet_pton(AF_INET, addr, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons((uint16_t)port);
		*len = sizeof(*s4);
		return true;
	}
	if (inet_pton(AF_INET6, addr, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons((uint16_t)port);
		*len = sizeof(*s6);
		return true;
	}
	return false;
}

/* Bind a socket of the type to ss; returns the bound port or 0. */
static unsigned bind_port(const struct sockaddr_storage *ss, socklen_t len,
			  int type)
{
	int fd = socket(ss->ss_family, type | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	struct sockaddr_storage got;
	socklen_t glen = sizeof(got);
	unsigned port = 0;
	if (bind(fd, (const struct sockaddr *)ss, len) == 0 &&
	    getsockname(fd, (struct sockaddr *)&got, &glen) == 0)
		port = ntohs(got.ss_family == AF_INET
				 ? ((struct sockaddr_in *)&got)->sin_port
				 : ((struct sockaddr_in6 *)&got)->sin6_port);
	close(fd);
	return port;
}

target_rc_t target_free_port(const char *addr, unsigned *port,
			     target_err_t *err)
{
	struct sockaddr_storage ss;
	socklen_t len;
	*port = 0;
	if (!parse_addr(addr, 0, &ss, &len))
		return target_err_set(err, TARGET_E_SETUP,
				      "'%s' is not an IPv4 or IPv6 address",
				      addr);
	for (int i = 0; i < 64; i++) {
		unsigned p = bind_port(&ss, len, SOCK_STREAM);
		if (p == 0)
			break;
		struct sockaddr_storage us;
		socklen_t ulen;
		parse_addr(addr, p, &us, &ulen);
		if (bind_port(&us, ulen, SOCK_DGRAM) == p) {
			*port = p;
			return TARGET_OK;
		}
	}
	return target_err_set(err, TARGET_E_SETUP,
			      "no port on %s is free for both UDP and TCP: %s",
			      addr, strerror(errno));
}

/* ---- programs and packages --------------------------------------------- */

static bool executable_in(const char *dirs, const char *prog, char *path,
			  size_t cap)
{
	const char *p = dirs;
	while (p != NULL && *p != '\0') {
		const char *colon = strchr(p, ':');
		size_t n = colon ? (size_t)(colon - p) : strlen(p);
		if (n > 0 &&
		    (size_t)snprintf(path, cap, "%.*s/%s", (int)n, p, prog) <
			cap &&
		    access(path, X_OK) == 0)
			return true;
		p = colon ? colon + 1 : NULL;
	}
	return false;
}

bool target_find_program(const char *program, char *path, size_t cap)
{
	if (program[0] == '\0' || cap == 0)
		return false;
	if (strchr(program, '/') != NULL)
		return (size_t)snprintf(path, cap, "%s", program) < cap &&
		       access(path, X_OK) == 0;
	const char *env = getenv("PATH");
	return executable_in(env ? env : "/usr/bin:/bin", program, path, cap) ||
	       executable_in(SBIN_DIRS, program, path, cap);
}

/* False only when the dpkg database exists and lacks the package. */
static bool package_present(const char *pkg)
{
	struct stat st;
	if (stat("/var/lib/dpkg/info", &st) != 0)
		return true;
	char pat[512];
	snprintf(pat, sizeof(pat), "/var/lib/dpkg/info/%s.list", pkg);
	if (stat(pat, &st) == 0)
		return true;
	snprintf(pat, sizeof(pat), "/var/lib/dpkg/info/%s:*.list", pkg);
	glob_t g;
	bool found = glob(pat, GLOB_NOSORT, NULL, &g) == 0 && g.gl_pathc > 0;
	globfree(&g);
	return found;
}

static void add_install_hint(const target_recipe_t *r, target_err_t *err,
			     bool all)
{
	char list[512] = "";
	size_t used = 0;
	for (size_t i = 0; i < r->npackages && used + 1 < sizeof(list); i++)
		if (all || !package_present(r->packages[i]))
			used +=
			    (size_t)snprintf(list + used, sizeof(list) - used,
					     " %s", r->packages[i]);
	if (used == 0)
		return;
	if (!all)
		target_err_add(err, "; not installed:%s", list);
	target_err_add(err, "; install with: apt-get install -y%s", list);
}

/* ---- the directory ----------------------------------------------------- */

static int rm_entry(const char *path, const struct stat *st, int flag,
		    struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void remove_tree(const char *dir)
{
	nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static target_rc_t make_dir(target_t *t, target_err_t *err)
{
	const char *tmp = getenv("TMPDIR");
	if (tmp == NULL || tmp[0] == '\0')
		tmp = "/tmp";
	if ((size_t)snprintf(t->dir, sizeof(t->dir), "%s/dnsharness-%s-XXXXXX",
			     tmp, t->recipe->name) >= sizeof(t->dir))
		return target_err_set(err, TARGET_E_SETUP, "TMPDIR too long");
	if (mkdtemp(t->dir) == NULL) {
		int e = errno;
		t->dir[0] = '\0';
		return target_err_set(err, TARGET_E_SETUP,
				      "cannot make a directory in %s: %s", tmp,
				      strerror(e));
	}
	/* servers that drop privileges must still read their files */
	chmod(t->dir, 0755);
	if ((size_t)snprintf(t->log_path, sizeof(t->log_path), "%s/" LOG_NAME,
			     t->dir) >= sizeof(t->log_path))
		return target_err_set(err, TARGET_E_SETUP, "TMPDIR too long");
	return TARGET_OK;
}

static target_rc_t write_file(const char *path, const char *data, size_t len,
			      target_err_t *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	size_t done = 0;
	while (fd >= 0 && done < len) {
		ssize_t n = write(fd, data + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		done += (size_t)n;
	}
	int e = errno;
	if (fd >= 0 && close(fd) != 0 && done == len)
		done = 0, e = errno;
	if (fd >= 0 && done == len)
		return TARGET_OK;
	return target_err_set(err, TARGET_E_SETUP, "cannot write %s: %s", path,
			      strerror(e));
}

/* The whole of a file, malloc'd and NUL-terminated; NULL on failure. */
static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return NULL;
	char *buf = NULL;
	size_t cap = 0, n = 0;
	bool ok = true;
	for (;;) {
		if (n + 1 >= cap) {
			char *p = dns_mem_realloc(buf, cap = 2 * cap + 8192);
			if (p == NULL) {
				ok = false;
				break;
			}
			buf = p;
		}
		size_t got = fread(buf + n, 1, cap - n - 1, f);
		if (got == 0)
			break;
		n += got;
	}
	ok = ok && !ferror(f);
	fclose(f);
	if (!ok) {
		dns_mem_free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* ---- what one launch needs --------------------------------------------- */

typedef struct launch {
	char path[PATH_MAX]; /* the program */
	target_var_t
	    vars[TARGET_NBUILTINS + 2 * TARGET_MAX_VARS + TARGET_NDERIVED];
	size_t nvars;
	target_anchor_t anchor; /* the trust_anchor_* vars point into it */
	char port_s[8];
	char user[64];
	char zone_file[PATH_MAX];
	char **argv; /* argv[1..] malloc'd */
	char **envp; /* entries from env_own on malloc'd */
	size_t env_own;
	char *qname;
} launch_t;

static void launch_free(launch_t *L)
{
	for (size_t i = 1; L->argv != NULL && L->argv[i] != NULL; i++)
		dns_mem_free(L->argv[i]);
	for (size_t i = L->env_own; L->envp != NULL && L->envp[i] != NULL; i++)
		dns_mem_free(L->envp[i]);
	dns_mem_free(L->argv);
	dns_mem_free(L->envp);
	dns_mem_free(L->qname);
}

static void user_name(char *buf, size_t cap)
{
	struct passwd *pw = getpwuid(geteuid());
	if (pw != NULL && pw->pw_name != NULL)
		snprintf(buf, cap, "%s", pw->pw_name);
	else
		snprintf(buf, cap, "%u", (unsigned)geteuid());
}

/* Builtins, then the recipe's vars, then the caller's overrides of them. */
static void set_vars(launch_t *L, const target_t *t, const char *zone,
		     const target_opts_t *o)
{
	const target_recipe_t *r = t->recipe;
	snprintf(L->port_s, sizeof(L->port_s), "%u", t->port);
	user_name(L->user, sizeof(L->user));
	const char *values[TARGET_NBUILTINS] = {
	    t->addr, L->port_s, t->dir, zone, L->zone_file, L->user, r->name,
	};
	for (unsigned b = 0; b < TARGET_NBUILTINS; b++)
		L->vars[L->nvars++] =
		    (target_var_t){target_builtins[b], values[b]};
	for (size_t i = 0; i < r->nvars; i++)
		L->vars[L->nvars++] = r->vars[i];
	for (size_t i = 0; i < o->nvars; i++)
		for (size_t j = 0;
		     j < r->nvars &&
		     L->nvars < sizeof(L->vars) / sizeof(L->vars[0]);
		     j++)
			if (strcmp(o->vars[i].name, r->vars[j].name) == 0) {
				L->vars[L->nvars++] = o->vars[i];
				break;
			}
}

/* Does a template of the recipe use a trust_anchor_* var? */
static bool uses_anchor_vars(const target_recipe_t *r)
{
	const char *key = "${trust_anchor_";
	for (size_t i = 0; i < r->nfiles; i++)
		if (strstr(r->files[i].text->str, key) != NULL)
			return true;
	for (size_t i = 0; i < r->nargs; i++)
		if (strstr(r->args[i]->str, key) != NULL)
			return true;
	for (size_t i = 0; i < r->nenv; i++)
		if (strstr(r->env[i].text->str, key) != NULL)
			return true;
	for (size_t i = 0; i < r->nsetup; i++)
		for (size_t j = 0; j < r->setup[i].argc; j++)
			if (strstr(r->setup[i].argv[j]->str, key) != NULL)
				return true;
	return false;
}

/* The trust_anchor_* vars, from the last trust_anchor in L->vars. A value
 * that is no DS fails the start only for recipes using them (Unbound and
 * kresd also take a DNSKEY). */
static target_rc_t add_anchor_vars(launch_t *L, const target_recipe_t *r,
				   target_err_t *err)
{
	const char *ta = NULL;
	for (size_t i = 0; i < L->nvars; i++)
		if (strcmp(L->vars[i].name, "trust_anchor") == 0)
			ta = L->vars[i].value;
	target_rc_t rc = target_anchor_derive(ta, &L->anchor, err);
	L->nvars += target_anchor_vars(&L->anchor, L->vars + L->nvars);
	if (rc != TARGET_OK && uses_anchor_vars(r)) {
		target_err_add(err, " (recipe %s)", r->name);
		return rc;
	}
	return TARGET_OK;
}

/* Expand a recipe template; errors name the recipe location. */
static target_rc_t expand_at(const launch_t *L, const node_t *n, char **out,
			     target_err_t *err)
{
	target_rc_t rc = target_expand(n->str, L->vars, L->nvars, out, err);
	if (rc == TARGET_E_SETUP) {
		char msg[sizeof(err->msg)];
		snprintf(msg, sizeof(msg), "%s", err->msg);
		target_err_set(err, rc, "%s:%u:%u: %s", n->file, n->line,
			       n->col, msg);
	}
	return rc;
}

static target_rc_t put_zone(const target_t *t, const char *zone,
			    const char *file, launch_t *L, target_err_t *err)
{
	const target_recipe_t *r = t->recipe;
	char src[PATH_MAX];
	const char *base = strrchr(file, '/');
	base = base ? base + 1 : file;
	if ((size_t)snprintf(src, sizeof(src), "%s%s%s",
			     file[0] == '/' ? "" : r->zones_dir,
			     file[0] == '/' ? "" : "/", file) >= sizeof(src) ||
	    (size_t)snprintf(
		L->zone_file, sizeof(L->zone_file), "%s/%s%s", t->dir, base,
		r->zone_format == TARGET_ZONE_PYZONE ? ".py" : "") >=
		sizeof(L->zone_file))
		return target_err_set(err, TARGET_E_SETUP,
				      "zone file path too long");
	unsigned w, s;
	if (r->zone_format == TARGET_ZONE_PYZONE)
		return target_pyzone(src, zone, L->zone_file, &w, &s, err);
	if (r->ngeneric > 0)
		return target_zone_generic(src, zone, L->zone_file, r->generic,
					   r->ngeneric, &w, err);
	size_t len;
	char *text = read_all(src, &len);
	if (text == NULL)
		return target_err_set(err, TARGET_E_SETUP,
				      "cannot read the zone file %s: %s", src,
				      strerror(errno));
	target_rc_t rc = write_file(L->zone_file, text, len, err);
	dns_mem_free(text);
	return rc;
}

static target_rc_t put_files(const target_t *t, const launch_t *L,
			     target_err_t *err)
{
	const target_recipe_t *r = t->recipe;
	target_rc_t rc = TARGET_OK;
	for (size_t i = 0; i < r->nfiles && rc == TARGET_OK; i++) {
		char *text = NULL, path[PATH_MAX];
		if ((size_t)snprintf(path, sizeof(path), "%s/%s", t->dir,
				     r->files[i].name) >= sizeof(path))
			return target_err_set(err, TARGET_E_SETUP,
					      "path too long: %s/%s", t->dir,
					      r->files[i].name);
		rc = expand_at(L, r->files[i].text, &text, err);
		if (rc == TARGET_OK)
			rc = write_file(path, text, strlen(text), err);
		dns_mem_free(text);
	}
	return rc;
}

static target_rc_t make_argv(launch_t *L, const target_recipe_t *r,
			     target_err_t *err)
{
	L->argv = dns_mem_alloc((r->nargs + 2) * sizeof(char *));
	if (L->argv == NULL)
		return target_err_set(err, TARGET_E_NOMEM, "out of memory");
	memset(L->argv, 0, (r->nargs + 2) * sizeof(char *));
	L->argv[0] = (char *)r->program;
	for (size_t i = 0; i < r->nargs; i++) {
		target_rc_t rc = expand_at(L, r->args[i], &L->argv[i + 1], err);
		if (rc != TARGET_OK)
			return rc;
	}
	return TARGET_OK;
}

/* Is the variable of entry ("NAME=value" or "NAME") set by the caller? */
static bool opt_env_has(const target_opts_t *o, const char *entry)
{
	const char *eq = strchr(entry, '=');
	size_t n = eq ? (size_t)(eq - entry) : strlen(entry);
	for (size_t i = 0; i < o->nenv; i++)
		if (strlen(o->env[i].name) == n &&
		    memcmp(o->env[i].name, entry, n) == 0)
			return true;
	return false;
}

static bool env_overridden(const target_recipe_t *r, const target_opts_t *o,
			   const char *entry)
{
	const char *eq = strchr(entry, '=');
	size_t n = eq ? (size_t)(eq - entry) : strlen(entry);
	for (size_t i = 0; i < r->nenv; i++)
		if (strlen(r->env[i].name) == n &&
		    memcmp(r->env[i].name, entry, n) == 0)
			return true;
	return opt_env_has(o, entry);
}

/* The caller's environment additions, after the recipe's. */
static target_rc_t opt_envp(launch_t *L, const target_opts_t *o, size_t k,
			    target_err_t *err)
{
	for (size_t i = 0; i < o->nenv; i++) {
		size_t len =
		    strlen(o->env[i].name) + strlen(o->env[i].value) + 2;
		char *e = dns_mem_alloc(len);
		if (e == NULL)
			return target_err_set(err, TARGET_E_NOMEM,
					      "out of memory");
		snprintf(e, len, "%s=%s", o->env[i].name, o->env[i].value);
		L->envp[k++] = e;
		L->envp[k] = NULL;
	}
	return TARGET_OK;
}

static target_rc_t make_envp(launch_t *L, const target_recipe_t *r,
			     const target_opts_t *o, target_err_t *err)
{
	size_t n = 0, k = 0;
	while (environ[n] != NULL)
		n++;
	L->envp = dns_mem_alloc((n + r->nenv + o->nenv + 1) * sizeof(char *));
	if (L->envp == NULL)
		return target_err_set(err, TARGET_E_NOMEM, "out of memory");
	for (size_t i = 0; i < n; i++)
		if (!env_overridden(r, o, environ[i]))
			L->envp[k++] = environ[i];
	L->env_own = k;
	L->envp[k] = NULL;
	for (size_t i = 0; i < r->nenv; i++) {
		char *val;
		if (opt_env_has(o, r->env[i].name))
			continue;
		target_rc_t rc = expand_at(L, r->env[i].text, &val, err);
		if (rc != TARGET_OK)
			return rc;
		size_t len = strlen(r->env[i].name) + strlen(val) + 2;
		char *e = dns_mem_alloc(len);
		if (e != NULL)
			snprintf(e, len, "%s=%s", r->env[i].name, val);
		dns_mem_free(val);
		if (e == NULL)
			return target_err_set(err, TARGET_E_NOMEM,
					      "out of memory");
		L->envp[k++] = e;
		L->envp[k] = NULL;
	}
	return opt_envp(L, o, k, err);
}

/* The probe query, with ID 0 (patched per send). */
static target_rc_t make_query(target_t *t, launch_t *L, target_err_t *err)
{
	const target_recipe_t *r = t->recipe;
	target_rc_t rc;
	if (r->probe.qname != NULL)
		rc = expand_at(L, r->probe.qname, &L->qname, err);
	else
		rc =
		    target_expand("${zone}", L->vars, L->nvars, &L->qname, err);
	if (rc != TARGET_OK)
		return rc;
	dns_name_t qn;
	if (dns_name_from_str(L->qname, NULL, &qn) != DNS_OK)
		return target_err_set(err, TARGET_E_SETUP,
				      "probe qname '%s' is not an absolute "
				      "domain name",
				      L->qname);
	dns_wire_t w = dns_wire_writer(t->query, sizeof(t->query));
	dns_wire_put_u16(&w, 0);
	dns_wire_put_u16(&w, r->probe.rd ? 0x0100 : 0);
	dns_wire_put_u16(&w, 1);
	dns_wire_put_u16(&w, 0);
	dns_wire_put_u16(&w, 0);
	dns_wire_put_u16(&w, 0);
	dns_name_pack(&w, &qn, NULL);
	dns_wire_put_u16(&w, r->probe.qtype);
	dns_wire_put_u16(&w, r->probe.qclass);
	if (!dns_wire_ok(&w))
		return target_err_set(err, TARGET_E_SETUP, "probe too long");
	t->query_len = w.pos;
	t->rcode = r->probe.rcode;
	return TARGET_OK;
}

/* Directory, port, zone, files, argv, envp, probe. */
static target_rc_t prepare(target_t *t, const target_opts_t *o, launch_t *L,
			   target_err_t *err)
{
	const target_recipe_t *r = t->recipe;
	const char *zone = o->zone ? o->zone : r->zone;
	const char *zfile = o->zone_file ? o->zone_file : r->zone_file;
	if (!target_find_program(r->program, L->path, sizeof(L->path))) {
		target_err_set(err, TARGET_E_MISSING,
			       "%s: program '%s' not found (searched PATH "
			       "and " SBIN_DIRS ")",
			       r->name, r->program);
		add_install_hint(r, err, true);
		return TARGET_E_MISSING;
	}
	target_rc_t rc = TARGET_OK;
	t->port = o->port ? o->port : r->port;
	if (t->port == 0)
		rc = target_free_port(t->addr, &t->port, err);
	if (rc == TARGET_OK && !parse_addr(t->addr, t->port, &t->sa, &t->salen))
		rc = target_err_set(err, TARGET_E_SETUP,
				    "'%s' is not an IPv4 or IPv6 address",
				    t->addr);
	if (rc == TARGET_OK)
		rc = make_dir(t, err);
	if (rc == TARGET_OK && r->serves_zone)
		rc = put_zone(t, zone, zfile, L, err);
	set_vars(L, t, zone, o);
	if (rc == TARGET_OK)
		rc = add_anchor_vars(L, r, err);
	if (rc == TARGET_OK)
		rc = put_files(t, L, err);
	if (rc == TARGET_OK)
		rc = make_argv(L, r, err);
	if (rc == TARGET_OK)
		rc = make_envp(L, r, o, err);
	if (rc == TARGET_OK)
		rc = make_query(t, L, err);
	return rc;
}

/* ---- fork and exec ----------------------------------------------------- */

enum { STAGE_DIR = 1, STAGE_EXEC = 2 };

/* In the child: only async-signal-safe calls. Never returns. */
static void child(const char *path, char *const argv[], char *const envp[],
		  const char *dir, int nullfd, int logfd, int errfd,
		  pid_t parent)
{
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != parent)
		_exit(127);
	sigset_t none;
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	struct sigaction dfl;
	memset(&dfl, 0, sizeof(dfl));
	dfl.sa_handler = SIG_DFL;
	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			sigaction(s, &dfl, NULL);
	int report[2] = {STAGE_DIR, 0};
	if (dup2(nullfd, 0) >= 0 && dup2(logfd, 1) >= 0 &&
	    dup2(logfd, 2) >= 0 && chdir(dir) == 0) {
		close_range(3, ~0u, CLOSE_RANGE_CLOEXEC);
		execve(path, argv, envp);
		report[0] = STAGE_EXEC;
	}
	report[1] = errno;
	ssize_t n = write(errfd, report, sizeof(report));
	(void)n;
	_exit(127);
}

/* Open the output log, /dev/null and the exec report pipe. */
static bool open_fds(const target_t *t, int fds[4])
{
	fds[0] = open("/dev/null", O_RDONLY | O_CLOEXEC);
	fds[1] =
	    open(t->log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	fds[2] = fds[3] = -1;
	return fds[0] >= 0 && fds[1] >= 0 && pipe2(fds + 2, O_CLOEXEC) == 0;
}

static void close_fds(int fds[4])
{
	for (int i = 0; i < 4; i++)
		if (fds[i] >= 0)
			close(fds[i]);
}

/* Fork a child that runs path in t->dir, in its own process group, with
 * stdin from /dev/null and its output appended to the log. On success
 * *pid is the child, which has exec'd. If exec fails, the child is reaped
 * (*pid and *status still say what it was) and an error is returned. */
static target_rc_t fork_exec(const target_t *t, const char *path,
			     char *const argv[], char *const envp[], pid_t *pid,
			     int *status, target_err_t *err)
{
	int fds[4];
	*pid = 0;
	if (!open_fds(t, fds)) {
		int e = errno;
		close_fds(fds);
		return target_err_set(
		    err, TARGET_E_SPAWN,
		    "cannot open the output log or a pipe: %s", strerror(e));
	}
	/* orphans of the program's group come to us, to be reaped on stop */
	prctl(PR_SET_CHILD_SUBREAPER, 1);
	pid_t parent = getpid();
	pid_t p = fork();
	if (p == 0)
		child(path, argv, envp, t->dir, fds[0], fds[1], fds[3], parent);
	int fork_errno = errno;
	close(fds[3]);
	fds[3] = -1;
	if (p < 0) {
		close_fds(fds);
		return target_err_set(err, TARGET_E_SPAWN, "fork: %s",
				      strerror(fork_errno));
	}
	setpgid(p, p); /* also done by the child; whichever is first */
	*pid = p;
	int report[2];
	ssize_t n;
	while ((n = read(fds[2], report, sizeof(report))) < 0 && errno == EINTR)
		;
	close_fds(fds);
	if (n != (ssize_t)sizeof(report))
		return TARGET_OK; /* the pipe closed on exec */
	while (waitpid(p, status, 0) < 0 && errno == EINTR)
		;
	return target_err_set(
	    err, TARGET_E_SPAWN, "%s %s: %s",
	    report[0] == STAGE_EXEC ? "cannot execute" : "cannot enter",
	    report[0] == STAGE_EXEC ? path : t->dir, strerror(report[1]));
}

static target_rc_t spawn(target_t *t, const launch_t *L, target_err_t *err)
{
	pid_t pid;
	target_rc_t rc =
	    fork_exec(t, L->path, L->argv, L->envp, &pid, &t->status, err);
	t->pid = pid;
	t->running = rc == TARGET_OK;
	return rc;
}

/* ---- setup commands ---------------------------------------------------- */

/* "exited with status 1", "killed by signal 9 (SIGKILL)". */
static const char *wait_text(int st, char *buf, size_t cap)
{
	if (WIFEXITED(st))
		snprintf(buf, cap, "exited with status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, cap, "killed by signal %d (SIG%s)%s",
			 WTERMSIG(st),
			 sigabbrev_np(WTERMSIG(st)) ? sigabbrev_np(WTERMSIG(st))
						    : "?",
			 WCOREDUMP(st) ? ", core dumped" : "");
	else
		snprintf(buf, cap, "ended with wait status 0x%x", st);
	return buf;
}

/* Append "[dnsharness] setup N: argv..." to the log. */
static void log_cmd(const target_t *t, size_t idx, char *const argv[])
{
	FILE *f = fopen(t->log_path, "ae");
	if (f == NULL)
		return;
	fprintf(f, "[dnsharness] setup command %zu:", idx + 1);
	for (size_t i = 0; argv[i] != NULL; i++)
		fprintf(f, " %s", argv[i]);
	fputc('\n', f);
	fclose(f);
}

/* Wait up to ms for pid; on time out the group is killed. Returns the wait
 * status, or -1 after a time out. */
static int wait_cmd(pid_t pid, unsigned long ms)
{
	unsigned long deadline = now_ms() + ms, nap = 2;
	int st = -1;
	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);
		if (r == pid)
			break;
		if (r < 0 && errno != EINTR)
			return -1;
		if (now_ms() >= deadline) {
			kill(-pid, SIGKILL);
			while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
				;
			st = -1;
			break;
		}
		sleep_ms(nap);
		if (nap < 25)
			nap *= 2;
	}
	kill(-pid, SIGKILL); /* what it left behind in its group */
	reap_group(pid);
	return st;
}

/* Expand and run setup command idx; TARGET_OK when it exits with 0. */
static target_rc_t run_cmd(const target_t *t, const launch_t *L, size_t idx,
			   char **argv, unsigned long ms, target_err_t *err)
{
	const target_cmd_t *c = &t->recipe->setup[idx];
	char path[PATH_MAX], how[96];
	target_rc_t rc = TARGET_OK;
	for (size_t i = 0; i < c->argc && rc == TARGET_OK; i++)
		rc = expand_at(L, c->argv[i], &argv[i], err);
	if (rc != TARGET_OK)
		return rc;
	if (!target_find_program(argv[0], path, sizeof(path))) {
		target_err_set(err, TARGET_E_MISSING,
			       "%s: setup command %zu: program '%s' not found "
			       "(searched PATH and " SBIN_DIRS ")",
			       t->recipe->name, idx + 1, argv[0]);
		add_install_hint(t->recipe, err, true);
		return TARGET_E_MISSING;
	}
	log_cmd(t, idx, argv);
	pid_t pid;
	int st = -1;
	rc = fork_exec(t, path, argv, L->envp, &pid, &st, err);
	if (rc == TARGET_OK)
		st = wait_cmd(pid, ms);
	if (rc != TARGET_OK ||
	    (st != -1 && WIFEXITED(st) && WEXITSTATUS(st) == 0))
		return rc;
	target_err_set(err, TARGET_E_SETUP, "%s: setup command %zu (%s) %s",
		       t->recipe->name, idx + 1, argv[0],
		       st == -1 ? "did not end within the start timeout"
				: wait_text(st, how, sizeof(how)));
	read_head_tail(t->log_path, err->log, sizeof(err->log));
	return TARGET_E_SETUP;
}

/* The recipe's setup commands, in order, each bounded by ms. */
static target_rc_t run_setup(const target_t *t, const launch_t *L,
			     unsigned long ms, target_err_t *err)
{
	const target_recipe_t *r = t->recipe;
	target_rc_t rc = TARGET_OK;
	for (size_t i = 0; i < r->nsetup && rc == TARGET_OK; i++) {
		size_t n = r->setup[i].argc + 1;
		char **argv = dns_mem_alloc(n * sizeof(char *));
		if (argv == NULL)
			return target_err_set(err, TARGET_E_NOMEM,
					      "out of memory");
		memset(argv, 0, n * sizeof(char *));
		rc = run_cmd(t, L, i, argv, ms, err);
		for (size_t j = 0; j < n; j++)
			dns_mem_free(argv[j]);
		dns_mem_free(argv);
	}
	return rc;
}

/* ---- supervision ------------------------------------------------------- */

bool target_alive(target_t *t)
{
	if (t == NULL || !t->running)
		return false;
	int st;
	pid_t r = waitpid(t->pid, &st, WNOHANG);
	if (r == 0 || (r < 0 && errno == EINTR))
		return true;
	t->running = false;
	t->status = r == t->pid ? st : -1; /* -1: reaped elsewhere */
	return false;
}

/* Wait up to ms for the program to end. */
static bool wait_end(target_t *t, unsigned long ms)
{
	unsigned long deadline = now_ms() + ms;
	unsigned long nap = 2;
	while (target_alive(t)) {
		unsigned long now = now_ms();
		if (now >= deadline)
			return false;
		sleep_ms(nap < deadline - now ? nap : deadline - now);
		if (nap < 25)
			nap *= 2;
	}
	return true;
}

/* Reap the killed members of the group that were reparented to us (we
 * are a subreaper); bounded, since SIGKILL cannot be refused. */
static void reap_group(pid_t pgid)
{
	unsigned long end = now_ms() + 1000;
	for (;;) {
		pid_t r = waitpid(-pgid, NULL, WNOHANG);
		if (r > 0 || (r < 0 && errno == EINTR))
			continue;
		if (r < 0 || now_ms() >= end) /* ECHILD: none left */
			return;
		sleep_ms(2);
	}
}

target_end_t target_stop(target_t *t)
{
	if (t->stopped)
		return t->end;
	t->stopped = true;
	if (t->pid <= 0)
		return t->end = TARGET_END_EARLY;
	if (!target_alive(t)) {
		t->end = TARGET_END_EARLY;
	} else {
		kill(-t->pid, SIGTERM);
		t->end = TARGET_END_TERM;
		if (!wait_end(t, t->stop_ms)) {
			kill(-t->pid, SIGKILL);
			t->end = TARGET_END_KILLED;
			while (target_alive(t))
				sleep_ms(2);
		}
	}
	/* what is left of the group: helpers the program forked */
	kill(-t->pid, SIGKILL);
	reap_group(t->pid);
	return t->end;
}

int target_wait_status(const target_t *t)
{
	return t->running || t->pid <= 0 ? -1 : t->status;
}

const char *target_status_text(const target_t *t, char *buf, size_t cap)
{
	if (t->running)
		snprintf(buf, cap, "running");
	else if (t->pid <= 0)
		snprintf(buf, cap, "not started");
	else if (t->status == -1)
		snprintf(buf, cap, "ended (status unknown: reaped elsewhere)");
	else
		wait_text(t->status, buf, cap);
	return buf;
}

/* ---- the probe --------------------------------------------------------- */

static int probe_socket(const target_t *t)
{
	int fd = socket(t->sa.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 &&
	    connect(fd, (const struct sockaddr *)&t->sa, t->salen) != 0) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* A reply to query id: QR set, opcode QUERY; returns its rcode, or -1. */
static int reply_rcode(const uint8_t *buf, ssize_t n, uint16_t id)
{
	if (n < 12 || dns_get_u16(buf) != id)
		return -1;
	uint16_t flags = dns_get_u16(buf + 2);
	if (!(flags & 0x8000u) || ((flags >> 11) & 0xfu) != 0)
		return -1;
	return flags & 0xf;
}

/* Send the probe once and wait until slot_ms have passed for the expected
 * answer. *last gets the rcode of an unexpected answer. */
static bool probe_slot(target_t *t, int fd, unsigned long slot_ms, int *last)
{
	unsigned long end = now_ms() + slot_ms;
	uint16_t id = (uint16_t)(t->next_id++ ^ (unsigned)t->pid);
	dns_put_u16(t->query, id);
	bool sent =
	    send(fd, t->query, t->query_len, 0) == (ssize_t)t->query_len;
	for (unsigned long now = now_ms(); now < end; now = now_ms()) {
		struct pollfd p = {fd, POLLIN, 0};
		if (!sent || poll(&p, 1, (int)(end - now)) <= 0) {
			if (!sent)
				sleep_ms(end - now);
			continue;
		}
		uint8_t buf[4096];
		ssize_t n = recv(fd, buf, sizeof(buf), 0);
		if (n < 0) { /* ECONNREFUSED: nobody listens yet */
			sleep_ms(end > now_ms() ? end - now_ms() : 0);
			break;
		}
		int rc = reply_rcode(buf, n, id);
		if (rc == (int)t->rcode)
			return true;
		if (rc >= 0)
			*last = rc;
	}
	return false;
}

bool target_probe(target_t *t, unsigned long timeout_ms)
{
	int fd = probe_socket(t);
	if (fd < 0)
		return false;
	int last = -1;
	bool ok = target_alive(t) && probe_slot(t, fd, timeout_ms, &last);
	close(fd);
	return ok;
}

static target_rc_t wait_ready(target_t *t, unsigned long timeout_ms,
			      target_err_t *err)
{
	int fd = probe_socket(t);
	if (fd < 0)
		return target_err_set(err, TARGET_E_SETUP,
				      "cannot make the probe socket: %s",
				      strerror(errno));
	unsigned long deadline = now_ms() + timeout_ms;
	int last = -1;
	target_rc_t rc = TARGET_E_TIMEOUT;
	while (rc == TARGET_E_TIMEOUT) {
		if (!target_alive(t))
			rc = TARGET_E_EXITED;
		else if (probe_slot(t, fd, PROBE_INTERVAL_MS, &last))
			rc = TARGET_OK;
		else if (now_ms() >= deadline)
			break;
	}
	close(fd);
	char st[128], want[16], got[16];
	if (rc == TARGET_E_EXITED)
		return target_err_set(err, rc, "%s %s before it was ready",
				      t->recipe->name,
				      target_status_text(t, st, sizeof(st)));
	if (rc == TARGET_E_TIMEOUT)
		return target_err_set(
		    err, rc,
		    "%s did not answer the probe on %s port %u with %s "
		    "within %lu ms%s%s",
		    t->recipe->name, t->addr, t->port,
		    dns_rcode_to_text(t->rcode, want), timeout_ms,
		    last >= 0 ? "; it answered with " : "",
		    last >= 0 ? dns_rcode_to_text((uint16_t)last, got) : "");
	return rc;
}

/* ---- output ------------------------------------------------------------ */

/* The last `max` bytes of the log into buf (cap > max + 64). */
static size_t read_tail(const char *path, char *buf, size_t cap, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t len = 0;
	buf[0] = '\0';
	if (fd < 0 || fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		return 0;
	}
	size_t size = (size_t)st.st_size, from = size > max ? size - max : 0;
	if (from > 0)
		len = (size_t)snprintf(buf, cap,
				       "[... %zu bytes omitted ...]\n", from);
	while (len + 1 < cap && from < size) {
		ssize_t n = pread(fd, buf + len, cap - len - 1, (off_t)from);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
		from += (size_t)n;
	}
	close(fd);
	buf[len] = '\0';
	return len;
}

/* For start errors: the first lines say what went wrong, the last ones
 * what happened since: keep a head and a tail of the log in cap bytes. */
static void read_head_tail(const char *path, char *buf, size_t cap)
{
	size_t head = (cap - 64) * 3 / 8, tail = cap - 64 - head;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	buf[0] = '\0';
	if (fd < 0 || fstat(fd, &st) != 0 ||
	    (size_t)st.st_size <= head + tail) {
		if (fd >= 0)
			close(fd);
		read_tail(path, buf, cap, cap - 64);
		return;
	}
	ssize_t n = pread(fd, buf, head, 0);
	close(fd);
	size_t len = n > 0 ? (size_t)n : 0;
	if (len > 0 && buf[len - 1] != '\n')
		buf[len++] = '\n';
	read_tail(path, buf + len, cap - len, tail);
}

const char *target_log(target_t *t, size_t *len)
{
	size_t cap = TARGET_LOG_MAX + 64;
	if (t->logbuf == NULL)
		t->logbuf = dns_mem_alloc(cap);
	if (t->logbuf == NULL)
		return NULL;
	size_t n = read_tail(t->log_path, t->logbuf, cap, TARGET_LOG_MAX);
	if (len != NULL)
		*len = n;
	return t->logbuf;
}

/* ---- the API ----------------------------------------------------------- */

const char *target_addr(const target_t *t)
{
	return t->addr;
}

unsigned target_port(const target_t *t)
{
	return t->port;
}

int target_pid(const target_t *t)
{
	return (int)t->pid;
}

const char *target_dir(const target_t *t)
{
	return t->dir;
}

const target_recipe_t *target_recipe(const target_t *t)
{
	return t->recipe;
}

static bool keep_env(void)
{
	const char *k = getenv("DNSHARNESS_KEEP");
	return k != NULL && k[0] != '\0' && strcmp(k, "0") != 0;
}

void target_free(target_t *t)
{
	if (t == NULL)
		return;
	if (t->pid > 0)
		target_stop(t);
	if (t->dir[0] != '\0' && !t->keep)
		remove_tree(t->dir);
	dns_mem_free(t->logbuf);
	dns_mem_free(t);
}

/* A failed start: stop what runs, keep its output and say what is
 * missing. */
static void start_failed(target_t *t, target_rc_t rc, target_err_t *err)
{
	if (t->pid > 0)
		target_stop(t);
	if (err == NULL)
		return;
	if (rc == TARGET_E_EXITED || rc == TARGET_E_TIMEOUT) {
		read_head_tail(t->log_path, err->log, sizeof(err->log));
		add_install_hint(t->recipe, err, false);
	}
	if (t->keep && t->dir[0] != '\0')
		target_err_add(err, " (files kept in %s)", t->dir);
}

target_rc_t target_start(const target_recipe_t *r, const target_opts_t *opts,
			 target_t **out, target_err_t *err)
{
	static const target_opts_t none;
	const target_opts_t *o = opts ? opts : &none;
	*out = NULL;
	target_t *t = dns_mem_alloc(sizeof(*t));
	if (t == NULL)
		return target_err_set(err, TARGET_E_NOMEM, "out of memory");
	memset(t, 0, sizeof(*t));
	t->recipe = r;
	t->status = -1;
	t->keep = o->keep || keep_env();
	t->stop_ms =
	    o->stop_timeout_ms ? o->stop_timeout_ms : r->stop_timeout_ms;
	snprintf(t->addr, sizeof(t->addr), "%s",
		 o->addr ? o->addr : "127.0.0.1");
	launch_t *L = dns_mem_alloc(sizeof(*L));
	target_rc_t rc =
	    L ? TARGET_OK
	      : target_err_set(err, TARGET_E_NOMEM, "out of memory");
	unsigned long start_ms =
	    o->start_timeout_ms ? o->start_timeout_ms : r->start_timeout_ms;
	if (L != NULL) {
		memset(L, 0, sizeof(*L));
		rc = prepare(t, o, L, err);
	}
	if (rc == TARGET_OK)
		rc = run_setup(t, L, start_ms, err);
	if (rc == TARGET_OK)
		rc = spawn(t, L, err);
	if (L != NULL)
		launch_free(L);
	dns_mem_free(L);
	if (rc == TARGET_OK)
		rc = wait_ready(t, start_ms, err);
	if (rc != TARGET_OK) {
		start_failed(t, rc, err);
		target_free(t);
		return rc;
	}
	*out = t;
	return TARGET_OK;
}
