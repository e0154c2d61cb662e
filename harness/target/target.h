/* target.h - start, probe, supervise and stop the software under test.
 *
 * A recipe (scenarios/targets/<name>.yaml, described in
 * scenarios/targets/README.md) says how to run one DNS implementation in
 * the foreground on a loopback address: the program and the Debian
 * packages that provide it, the zone it serves, the files to generate, the
 * argument vector, environment additions, the readiness probe and the
 * timeouts. Text in files, arguments, environment values and the probe
 * name may hold placeholders ${name} (builtins: addr port dir zone
 * zone_file user name; plus the recipe's `vars:`, which the caller may
 * override); "$$" is a literal "$".
 *
 * target_start makes a fresh directory (in $TMPDIR, else /tmp), copies
 * the zone file into it (or rewrites it: chosen types in RFC 3597 form,
 * or a Python zone for Twisted Names), writes the
 * files, runs the recipe's setup commands one after the other (each
 * with fork and execve like the program, its output into the same log;
 * each must exit with status 0 within the start timeout, else the start
 * fails with TARGET_E_SETUP), and launches the program with fork and execve -
 * never through a shell - in its own process group, in that directory, with
 * stdin from /dev/null and stdout and stderr appended to <dir>/output.log. The
 * program is looked up before forking (PATH, then /usr/local/sbin,
 * /usr/sbin, /sbin), so a missing one is reported with the apt-get command
 * that installs it. The target is ready once it answers the recipe's
 * probe (one UDP query, re-sent every 50 ms) with the expected rcode; if
 * the program exits first, or the start timeout passes, the start fails
 * with the tail of its output. target_stop sends SIGTERM to the whole
 * group, waits up to the stop timeout, then sends SIGKILL. target_free
 * removes the directory unless opts.keep or DNSHARNESS_KEEP=1.
 *
 * The child asks for SIGTERM when the thread that started it exits
 * (PR_SET_PDEATHSIG), so targets never outlive the harness; start targets
 * from a thread that lives as long as they should. target_start also makes
 * the calling process a child subreaper (PR_SET_CHILD_SUBREAPER), so that
 * helpers a target forks (NSD's server processes) are reaped by
 * target_stop rather than left as zombies where init does not reap.
 * Callers must not set SIGCHLD to SIG_IGN (the kernel would reap the
 * program and its exit status would be lost).
 */
#ifndef DNSH_TARGET_H
#define DNSH_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/arena.h"
#include "scenario/node.h"
#include "target/caps.h"

typedef enum target_rc {
	TARGET_OK = 0,
	TARGET_E_RECIPE,  /* the recipe is invalid or cannot be read */
	TARGET_E_MISSING, /* the program is not installed */
	TARGET_E_SETUP,	  /* directory, files, zone, port or placeholders */
	TARGET_E_SPAWN,	  /* fork or exec failed */
	TARGET_E_EXITED,  /* the program ended before it was ready */
	TARGET_E_TIMEOUT, /* no expected answer within the start timeout */
	TARGET_E_NOMEM,
} target_rc_t;

/* "ok", "recipe", "missing", "setup", "spawn", "exited", "timeout",
 * "nomem". */
const char *target_rc_name(target_rc_t rc);

#define TARGET_ERR_LOG 8192u /* bytes of output kept in a start error */

typedef struct target_err {
	target_rc_t code;
	char msg[1024]; /* one or more sentences, no trailing newline */
	char log[TARGET_ERR_LOG]; /* E_EXITED / E_TIMEOUT: the output's tail */
} target_err_t;

typedef enum target_role {
	TARGET_ROLE_AUTHORITATIVE,
	TARGET_ROLE_RESOLVER,
} target_role_t;

typedef enum target_zone_format {
	TARGET_ZONE_TEXT,   /* the master file, copied as it is */
	TARGET_ZONE_PYZONE, /* converted to a Twisted Names Python zone */
} target_zone_format_t;

/* A placeholder value. */
typedef struct target_var {
	const char *name;
	const char *value;
} target_var_t;

/* A named template: a file to write or an environment variable; text is
 * the scalar node, for its location. */
typedef struct target_tmpl {
	const char *name;
	const node_t *text;
} target_tmpl_t;

typedef struct target_probe {
	const node_t *qname; /* template, e.g. "${zone}" */
	uint16_t qtype, qclass;
	uint16_t rcode; /* expected rcode (4 bits) */
	bool rd;
} target_probe_t;

/* A setup command: an argument vector of templates, argv[0] the program
 * (looked up as the recipe's program is). */
typedef struct target_cmd {
	const node_t **argv;
	size_t argc; /* >= 1 */
} target_cmd_t;

/* A loaded recipe. Everything is owned by `arena`. */
typedef struct target_recipe {
	dns_arena_t arena;
	const char *path; /* the recipe file */
	const char *name; /* `name:`, default the file's base name */
	const char *description;
	target_role_t role;
	const char *program;   /* name looked up, or a path */
	const char **packages; /* Debian packages providing it */
	size_t npackages;
	bool serves_zone;      /* authoritative, or a `zone:` key: the zone
				  file is copied (or converted) at start */
	const char *zone;      /* absolute zone name, with the final dot */
	const char *zone_file; /* relative to zones_dir, or absolute */
	target_zone_format_t zone_format;
	uint16_t *generic; /* types rewritten in RFC 3597 form (text format) */
	size_t ngeneric;
	const char *zones_dir; /* <scenarios>/zones */
	target_tmpl_t *files;  /* written into the directory */
	size_t nfiles;
	const node_t **args; /* argv[1..], templates */
	size_t nargs;
	target_cmd_t *setup; /* run in order before the program starts */
	size_t nsetup;
	target_tmpl_t *env; /* added to (or replacing in) the environment */
	size_t nenv;
	target_var_t *vars; /* recipe placeholders and their defaults */
	size_t nvars;
	unsigned port; /* fixed port, 0: a free one */
	target_probe_t probe;
	unsigned long start_timeout_ms; /* default 10 s */
	unsigned long stop_timeout_ms;	/* default 5 s */
	unsigned jobs; /* the most cases in flight against the program: a cap
			  on run -j (0: none) */
	/* Resolvers: the TARGET_CAP_* bits of `provides:` (all of them when
	 * the recipe has no provides:), and for a capability listed under
	 * `lacks:`, why not (else NULL). */
	unsigned provides;
	const char *lacks[TARGET_CAP_COUNT];
} target_recipe_t;

/* Load a recipe. `what` is a recipe name ("nsd": the file
 * <scenarios_dir>/targets/nsd.yaml) or a path (anything containing '/' or
 * ending in ".yaml"). scenarios_dir (NULL: "scenarios") also gives the zone
 * directory <scenarios_dir>/zones. Checks every key and every placeholder
 * (a name that is neither a builtin nor in `vars:` is an error at its
 * scalar). Returns true on success; false with located errors in d and
 * r->path NULL. Either way r owns memory the errors' file names point
 * into: release it with target_recipe_free after printing them. */
bool target_load_recipe(const char *what, const char *scenarios_dir,
			target_recipe_t *r, diag_t *d);

/* Why r does not do the first capability in missing (TARGET_CAP_* bits),
 * into buf (cap bytes with the NUL): "NAME lacks CAP: its lacks: reason",
 * or "NAME does not provide CAP (...)"; "" when missing is 0. Returns
 * buf. */
const char *target_lacking(const target_recipe_t *r, unsigned missing,
			   char *buf, size_t cap);

/* Release a recipe's memory; r is empty afterwards. */
void target_recipe_free(target_recipe_t *r);

/* Options of one start; zero-initialise, then set what differs. */
typedef struct target_opts {
	const char *addr;      /* listen address; NULL: "127.0.0.1" */
	unsigned port;	       /* 0: the recipe's (which may be "auto") */
	const char *zone;      /* NULL: the recipe's zone name */
	const char *zone_file; /* NULL: the recipe's; relative to zones_dir */
	const target_var_t *vars; /* override recipe vars (by name); a name
				     the recipe does not declare is ignored */
	size_t nvars;
	unsigned long start_timeout_ms; /* 0: the recipe's */
	unsigned long stop_timeout_ms;	/* 0: the recipe's */
	bool keep; /* keep the directory (also DNSHARNESS_KEEP=1) */
	/* Environment entries added last, winning over the recipe's env: and
	 * the inherited environment; values are used as they are (no
	 * placeholders). E.g. LD_PRELOAD and FAKETIME_* for libfaketime. */
	const target_var_t *env;
	size_t nenv;
} target_opts_t;

typedef struct target target_t;

/* Start the recipe's program and wait until it is ready. On success
 * *out is a running target (release with target_free) and TARGET_OK is
 * returned; otherwise *out is NULL, nothing is left running, the
 * directory is removed (unless kept) and err says why. The recipe must
 * outlive the target. */
target_rc_t target_start(const target_recipe_t *r, const target_opts_t *opts,
			 target_t **out, target_err_t *err);

/* Where the target listens, its process (group) id, its directory. */
const char *target_addr(const target_t *t);
unsigned target_port(const target_t *t);
int target_pid(const target_t *t);
const char *target_dir(const target_t *t);
const target_recipe_t *target_recipe(const target_t *t);

/* True while the program runs. Never blocks: it reaps the program if it
 * has ended (crash or exit), after which target_status_text says how. */
bool target_alive(target_t *t);

/* One probe query (the recipe's), waiting up to timeout_ms for the
 * expected answer. False also when the program has ended. */
bool target_probe(target_t *t, unsigned long timeout_ms);

/* How target_stop found and left the program. */
typedef enum target_end {
	TARGET_END_TERM,   /* ended after SIGTERM */
	TARGET_END_KILLED, /* ignored SIGTERM for the stop timeout: SIGKILL */
	TARGET_END_EARLY,  /* had already ended before target_stop */
} target_end_t;

/* Stop the program: SIGTERM to its process group, wait up to the stop
 * timeout, then SIGKILL to the group; the rest of the group is killed
 * once the program is reaped. Bounded by the stop timeout plus a little.
 * Idempotent: later calls return the first answer. */
target_end_t target_stop(target_t *t);

/* The raw wait status once the program has ended, else -1. */
int target_wait_status(const target_t *t);

/* "running", "exited with status 1", "killed by signal 11 (SIGSEGV)";
 * writes at most cap bytes (with the NUL) and returns buf. */
const char *target_status_text(const target_t *t, char *buf, size_t cap);

#define TARGET_LOG_MAX (256u * 1024u) /* bytes of output target_log keeps */

/* The program's stdout and stderr so far: the last TARGET_LOG_MAX bytes,
 * NUL-terminated, starting with "[... N bytes omitted ...]\n" when cut.
 * *len (may be NULL) gets the length. The text stays valid until the
 * next target_log or target_free. Works after target_stop too. NULL only
 * when out of memory. */
const char *target_log(target_t *t, size_t *len);

/* Stop the program if it runs, remove the directory (unless kept) and
 * release t. NULL is ignored. */
void target_free(target_t *t);

/* ---- building blocks, exposed for the tests and the CLI ---------------- */

/* Expand the placeholders of tmpl with vars (later entries win over
 * earlier ones with the same name). On success *out is a malloc'd string
 * (free with free()); otherwise *out is NULL and err (code TARGET_E_SETUP)
 * names the unknown or malformed placeholder and its byte offset. */
target_rc_t target_expand(const char *tmpl, const target_var_t *vars,
			  size_t nvars, char **out, target_err_t *err);

/* Find a port on addr where both a UDP and a TCP socket can bind. */
target_rc_t target_free_port(const char *addr, unsigned *port,
			     target_err_t *err);

/* The absolute path of an executable program (a name or a path), looked
 * up as target_start does. False when there is none. */
bool target_find_program(const char *program, char *path, size_t cap);

/* Rewrite the zone at zone_path (origin `zone`) to out_path, one record
 * per line in the codec's presentation form, except the records of the
 * listed types, which are written as "TYPEnnn \# len hex" (RFC 3597);
 * *converted counts those. */
target_rc_t target_zone_generic(const char *zone_path, const char *zone,
				const char *out_path, const uint16_t *types,
				size_t ntypes, unsigned *converted,
				target_err_t *err);

/* Write the zone at zone_path (origin `zone`) as a Twisted Names Python
 * zone file at out_path: records of the types Twisted has a Record_ class
 * for (A NS MD MF CNAME SOA MB MG MR NULL WKS PTR HINFO MINFO MX TXT RP
 * AFSDB AAAA SRV NAPTR A6 DNAME SSHFP SPF) through that class, every other
 * type (and RDATA a class cannot reproduce) as twisted.names.dns.
 * UnknownRecord with the type number set. Records Twisted cannot hold
 * (class other than IN, a dot inside an owner label) are listed in a
 * comment and counted in *skipped; *written counts the rest. */
target_rc_t target_pyzone(const char *zone_path, const char *zone,
			  const char *out_path, unsigned *written,
			  unsigned *skipped, target_err_t *err);

/* Vars derived from the recipe var trust_anchor (one DS record in
 * presentation form, e.g. ". 86400 IN DS 22699 13 2 A362..."; the TTL
 * may be left out), in this order: trust_anchor_owner (".") _keytag
 * ("22699") _alg ("13") _digest_type ("2") _digest (uppercase hex)
 * _validate ("yes") _comment (""). Without an anchor (trust_anchor empty
 * or not declared) the fields are empty, _validate is "no" and _comment
 * "#" (it comments out a line of a configuration that only belongs there
 * with an anchor). Every recipe may use them; none may declare them. */
#define TARGET_NDERIVED 7u
extern const char *const target_derived[]; /* their names, NULL-ended */

typedef struct target_anchor {
	char owner[1024]; /* >= DNS_NAME_TEXT_MAX */
	char keytag[6], alg[4], digest_type[4];
	char digest[129]; /* up to 64 digest bytes in hex */
	char validate[4], comment[2];
} target_anchor_t;

/* Parse ta (NULL or blank: no anchor) into a. A value that is not one DS
 * record is TARGET_E_SETUP naming what is wrong; a is then "no anchor". */
target_rc_t target_anchor_derive(const char *ta, target_anchor_t *a,
				 target_err_t *err);

/* The TARGET_NDERIVED vars of a into out (pointing into a); returns
 * TARGET_NDERIVED. */
size_t target_anchor_vars(const target_anchor_t *a, target_var_t *out);

#endif
