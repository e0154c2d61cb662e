/* test_target.c - target recipes, placeholders, and the life of a target
 * process: start, readiness, crash detection, stop escalation, output,
 * directory clean-up, zone conversions.
 *
 * The "server" is this very binary run as `test_target --fake-server MODE
 * PORT` (see fake_server): it answers every UDP query on 127.0.0.1:PORT,
 * or exits at once, or never listens, or ignores SIGTERM, as MODE says.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "target/target.h"

/* ---- the fake server ---------------------------------------------------- */

static int fake_serve(unsigned port, unsigned rcode)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		perror("fake: bind");
		return 4;
	}
	for (;;) {
		uint8_t buf[512];
		struct sockaddr_storage from;
		socklen_t flen = sizeof(from);
		ssize_t n = recvfrom(fd, buf, sizeof(buf), 0,
				     (struct sockaddr *)&from, &flen);
		if (n < 12)
			continue;
		buf[2] |= 0x84; /* QR AA */
		buf[3] = (uint8_t)((buf[3] & 0xf0) | rcode);
		sendto(fd, buf, (size_t)n, 0, (struct sockaddr *)&from, flen);
	}
}

/* MODE: serve, refuse, stubborn (ignores SIGTERM), fail (exit 3),
 * silent (never listens), chatty (300 KB of output first). */
static int fake_server(const char *mode, unsigned port)
{
	const char *pidfile = getenv("DNSH_FAKE_PIDFILE");
	if (pidfile != NULL) {
		FILE *f = fopen(pidfile, "w");
		if (f != NULL) {
			fprintf(f, "%d\n", (int)getpid());
			fclose(f);
		}
	}
	char cwd[PATH_MAX] = "?", c;
	ssize_t n = read(0, &c, 1);
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		strcpy(cwd, "?");
	const char *env = getenv("DNSH_FAKE_ENV");
	printf("fake: mode=%s env=%s stdin=%s cwd=%s\n", mode, env ? env : "-",
	       n == 0 ? "eof" : "data", cwd);
	fflush(stdout);
	if (strcmp(mode, "fail") == 0) {
		fprintf(stderr, "fatal: zone broken\n");
		return 3;
	}
	if (strcmp(mode, "silent") == 0)
		for (;;)
			pause();
	if (strcmp(mode, "stubborn") == 0)
		signal(SIGTERM, SIG_IGN);
	if (strcmp(mode, "chatty") == 0) {
		for (int i = 0; i < 3000; i++)
			printf("%099d\n", i);
		fflush(stdout);
	}
	return fake_serve(port, strcmp(mode, "refuse") == 0 ? 5 : 0);
}

/* ---- fixtures ----------------------------------------------------------- */

static char base[256];	      /* the scenarios dir of the tests */
static char tmpdir[PATH_MAX]; /* TMPDIR: where targets make their dirs */
static char self[PATH_MAX];   /* this binary */

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

static char *read_text(const char *path)
{
	static char buf[65536];
	FILE *f = fopen(path, "r");
	if (f == NULL)
		return NULL;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	return buf;
}

static const char mini_zone[] =
    "$ORIGIN mini.\n"
    "$TTL 300\n"
    "@ IN SOA ns.mini. host.mini. 1 7200 3600 1209600 300\n"
    "@ IN NS ns.mini.\n"
    "ns IN A 192.0.2.53\n"
    "txt IN TXT \"a b\" \"q\\\"uote\" \"caf\\195\\169\"\n"
    "mx IN MX 10 ns.mini.\n"
    "loc IN LOC 52 22 23.000 N 4 53 32.000 E -2.00m 1m 10000m 10m\n"
    "rt IN RT 10 ns.mini.\n"
    "cert IN CERT PKIX 0 0 AQID\n"
    "rt IN RRSIG RT 13 2 300 20400101000000 20240101000000 12345 mini. "
    "AAAA\n"
    "a6 IN A6 64 ::1:2:3:4 pre.mini.\n"
    "a6odd IN A6 60 ::1:2:3:4 pre.mini.\n"
    "dot\\.label IN A 192.0.2.9\n";

/* A recipe for the fake server in <base>/targets/<name>.yaml. */
static void fake_recipe(const char *name, const char *mode, const char *extra)
{
	char path[PATH_MAX + 64], text[8192];
	snprintf(path, sizeof(path), "%s/targets/%s.yaml", base, name);
	snprintf(text, sizeof(text),
		 "description: fake server (%s)\n"
		 "program: %s\n"
		 "packages: [fake-a]\n"
		 "zone: {name: mini., file: mini.zone}\n"
		 "vars: {greeting: hello}\n"
		 "env: {DNSH_FAKE_ENV: \"${greeting}-${port}\"}\n"
		 "files:\n"
		 "  fake.conf: |\n"
		 "    listen ${addr}@${port} in ${dir}\n"
		 "    zone ${zone} from ${zone_file}; $$ ${name}\n"
		 "args: [--fake-server, %s, \"${port}\"]\n"
		 "%s"
		 "%s",
		 mode, self, mode,
		 extra && strstr(extra, "probe:")
		     ? ""
		     : "probe: {qname: \"${zone}\", qtype: SOA}\n",
		 extra ? extra : "");
	write_text(path, text);
}

/* Directories left in tmpdir. */
static int leftovers(void)
{
	DIR *d = opendir(tmpdir);
	int n = 0;
	struct dirent *e;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		n += strncmp(e->d_name, "dnsharness-", 11) == 0;
	closedir(d);
	return n;
}

static unsigned long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long)ts.tv_sec * 1000ul +
	       (unsigned long)ts.tv_nsec / 1000000ul;
}

static int setup(void **state)
{
	(void)state;
	char path[PATH_MAX + 64];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return -1;
	self[n] = '\0';
	snprintf(base, sizeof(base), "/tmp/dnsh-test-target-XXXXXX");
	if (mkdtemp(base) == NULL)
		return -1;
	snprintf(path, sizeof(path), "%s/targets", base);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/zones", base);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/zones/mini.zone", base);
	FILE *f = fopen(path, "w");
	if (f == NULL)
		return -1;
	fputs(mini_zone, f);
	fclose(f);
	snprintf(tmpdir, sizeof(tmpdir), "%s/tmp", base);
	mkdir(tmpdir, 0755);
	setenv("TMPDIR", tmpdir, 1);
	unsetenv("DNSHARNESS_KEEP");
	return 0;
}

static int rm_dir(const char *dir)
{
	char cmd[PATH_MAX + 16];
	/* the test's own scratch tree only; the library removes its dirs */
	DIR *d = opendir(dir);
	struct dirent *e;
	while (d != NULL && (e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(cmd, sizeof(cmd), "%s/%s", dir, e->d_name);
		struct stat st;
		if (lstat(cmd, &st) == 0 && S_ISDIR(st.st_mode))
			rm_dir(cmd);
		else
			unlink(cmd);
	}
	if (d != NULL)
		closedir(d);
	return rmdir(dir);
}

static int teardown(void **state)
{
	(void)state;
	rm_dir(base);
	return 0;
}

static target_recipe_t load_ok(const char *name)
{
	target_recipe_t r;
	diag_t d = {0};
	bool ok = target_load_recipe(name, base, &r, &d);
	if (!ok)
		diag_print(&d, stderr);
	assert_true(ok);
	return r;
}

/* ---- placeholders ------------------------------------------------------- */

typedef struct expand_case {
	const char *tmpl;
	const char *want; /* NULL: an error */
	const char *err;  /* substring of the error */
} expand_case_t;

static void test_expand(void **state)
{
	(void)state;
	static const target_var_t vars[] = {
	    {"addr", "127.0.0.1"}, {"port", "5353"}, {"x", "first"},
	    {"x", "second"},	   {"empty", ""},
	};
	static const expand_case_t cases[] = {
	    {"", "", NULL},
	    {"plain text", "plain text", NULL},
	    {"${addr}@${port}", "127.0.0.1@5353", NULL},
	    {"port ${port};", "port 5353;", NULL},
	    {"${x}", "second", NULL},
	    {"[${empty}]", "[]", NULL},
	    {"$$", "$", NULL},
	    {"$${port}", "${port}", NULL},
	    {"cost $5 and $x", "cost $5 and $x", NULL},
	    {"end$", "end$", NULL},
	    {"${nope}", NULL, "unknown placeholder ${nope} at byte 0"},
	    {"ab ${prot}", NULL, "unknown placeholder ${prot} at byte 3"},
	    {"${port", NULL, "malformed placeholder at byte 0"},
	    {"x${}", NULL, "malformed placeholder at byte 1"},
	    {"${po rt}", NULL, "malformed placeholder at byte 0"},
	    {"${a-b}", NULL, "malformed placeholder"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *out = (char *)"unset";
		target_err_t err = {0};
		target_rc_t rc =
		    target_expand(cases[i].tmpl, vars,
				  sizeof(vars) / sizeof(vars[0]), &out, &err);
		if (cases[i].want != NULL) {
			assert_int_equal(rc, TARGET_OK);
			assert_string_equal(out, cases[i].want);
			free(out);
		} else {
			assert_int_equal(rc, TARGET_E_SETUP);
			assert_null(out);
			if (strstr(err.msg, cases[i].err) == NULL)
				fail_msg("'%s': got '%s'", cases[i].tmpl,
					 err.msg);
		}
	}
}

/* ---- recipe errors ------------------------------------------------------ */

typedef struct bad_recipe {
	const char *text;
	unsigned line, col;
	const char *msg;
} bad_recipe_t;

#define OKHEAD "program: nsd\npackages: nsd\n"

static void test_recipe_errors(void **state)
{
	(void)state;
	static const bad_recipe_t cases[] = {
	    {OKHEAD "progam: nsd\n", 3, 1, "unknown key 'progam' in recipe"},
	    {"packages: nsd\n", 1, 1, "recipe needs 'program'"},
	    {"program: nsd\n", 1, 1, "recipe needs 'packages'"},
	    {OKHEAD "role: recursor\n", 3, 7,
	     "expected one of: authoritative, resolver"},
	    {OKHEAD "files:\n  a.conf: \"port ${prot}\"\n", 4, 11,
	     "a.conf: unknown placeholder ${prot} at byte 5"},
	    {OKHEAD "args: [-c, \"${dir\"]\n", 3, 12,
	     "argument: malformed placeholder at byte 0"},
	    {OKHEAD "files:\n  ../x: y\n", 4, 3,
	     "'../x' is not a valid name in files"},
	    {OKHEAD "files:\n  output.log: y\n", 4, 3, "not a valid name"},
	    {OKHEAD "env:\n  1X: y\n", 4, 3, "'1X' is not a valid name in env"},
	    {OKHEAD "port: 0\n", 3, 7, "port must be 'auto' or a number"},
	    {OKHEAD "port: 70000\n", 3, 7, "port must be"},
	    {OKHEAD "probe: {qtype: BOGUS}\n", 3, 16, "unknown type 'BOGUS'"},
	    {OKHEAD "probe: {qclass: XX}\n", 3, 17, "unknown class 'XX'"},
	    {OKHEAD "probe: {rcode: BADVERS}\n", 3, 16,
	     "is not a header rcode"},
	    {OKHEAD "probe: {qname: \"${zon}\"}\n", 3, 16,
	     "probe qname: unknown placeholder ${zon}"},
	    {OKHEAD "probe: {rd: maybe}\n", 3, 13, "expected true or false"},
	    {OKHEAD "zone: {name: example}\n", 3, 14,
	     "must be an absolute domain name"},
	    {OKHEAD "zone: {format: bind}\n", 3, 16,
	     "expected one of: text, pyzone"},
	    {OKHEAD "zone: {format: pyzone, generic: [RT]}\n", 3, 33,
	     "generic applies to the text format only"},
	    {OKHEAD "zone: {generic: [NOPE]}\n", 3, 18, "unknown type 'NOPE'"},
	    {OKHEAD "vars: {port: 1}\n", 3, 8,
	     "'port' cannot be a var name (it is a builtin)"},
	    {OKHEAD "start_timeout: 0\n", 3, 16, "start_timeout must not be 0"},
	    {OKHEAD "jobs: 0\n", 3, 7, "jobs must be a number from 1 to"},
	    {OKHEAD "jobs: many\n", 3, 7, "jobs must be a number from 1 to"},
	    {OKHEAD "stop_timeout: soon\n", 3, 15, "expected a duration"},
	    {"program: nsd\npackages: [nsd, a b]\n", 2, 17,
	     "'a b' is not a package"},
	    {OKHEAD "args: -d\n", 3, 7, "args must be a sequence"},
	    {OKHEAD "files: [a]\n", 3, 8, "files must be a mapping"},
	    {OKHEAD "setup: [x]\n", 3, 9,
	     "a setup command must be a non-empty list"},
	    {OKHEAD "setup: [[]]\n", 3, 9,
	     "a setup command must be a non-empty list"},
	    {OKHEAD "setup: {a: b}\n", 3, 8, "setup must be a sequence"},
	    {OKHEAD "setup: [[x, \"${nope}\"]]\n", 3, 13,
	     "setup argument: unknown placeholder ${nope}"},
	    {OKHEAD "provides: [psychic]\n", 3, 12,
	     "unknown capability 'psychic' (known: iterate, forward"},
	    {OKHEAD "provides: iterate\n", 3, 11,
	     "provides must be a sequence"},
	    {OKHEAD "provides: [iterate]\nlacks: {iterate: no}\n", 4, 9,
	     "'iterate' is both in provides: and in lacks:"},
	    {OKHEAD "lacks: {faketime: \"\"}\n", 3, 19,
	     "lacks: faketime needs a reason"},
	    {OKHEAD "lacks: {telepathy: why}\n", 3, 9,
	     "unknown capability 'telepathy'"},
	    {OKHEAD "lacks: [iterate]\n", 3, 8, "lacks must be a mapping"},
	};
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/targets/bad.yaml", base);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		target_recipe_t r;
		diag_t d = {0};
		write_text(path, cases[i].text);
		bool ok = target_load_recipe("bad", base, &r, &d);
		if (ok || d.n == 0) {
			target_recipe_free(&r);
			fail_msg("case %zu loaded", i);
		}
		bool found = false;
		for (unsigned k = 0; k < d.n; k++)
			found |= d.e[k].line == cases[i].line &&
				 d.e[k].col == cases[i].col &&
				 strstr(d.e[k].msg, cases[i].msg) != NULL;
		if (!found) {
			diag_print(&d, stderr);
			target_recipe_free(&r);
			fail_msg("case %zu: want %u:%u %s", i, cases[i].line,
				 cases[i].col, cases[i].msg);
		}
		assert_null(r.path);
		target_recipe_free(&r);
	}
}

static void test_recipe_not_found(void **state)
{
	(void)state;
	target_recipe_t r;
	diag_t d = {0};
	fake_recipe("known", "serve", NULL);
	assert_false(target_load_recipe("nope", base, &r, &d));
	assert_int_equal(d.n, 1);
	assert_non_null(strstr(d.e[0].msg, "no recipe named 'nope'"));
	assert_non_null(strstr(d.e[0].msg, "known"));
	assert_non_null(strstr(d.e[0].file, "/targets/nope.yaml"));
	target_recipe_free(&r);
}

static void test_recipe_fields(void **state)
{
	(void)state;
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/targets/full.yaml", base);
	write_text(path,
		   "description: a full one\n"
		   "role: resolver\n"
		   "program: /usr/sbin/unbound\n"
		   "packages: [unbound, unbound-anchor]\n"
		   "zone: {name: mini., file: mini.zone, generic: [RT, "
		   "TYPE65280]}\n"
		   "vars: {upstream: 192.0.2.1}\n"
		   "port: 5353\n"
		   "args: [-d, \"${upstream}\"]\n"
		   "probe: {qname: version.bind., qclass: CH, qtype: TXT, "
		   "rcode: REFUSED, rd: yes}\n"
		   "start_timeout: 2s\n"
		   "stop_timeout: 250ms\n"
		   "jobs: 1\n");
	target_recipe_t r = load_ok("full");
	assert_string_equal(r.name, "full");
	assert_string_equal(r.description, "a full one");
	assert_int_equal(r.role, TARGET_ROLE_RESOLVER);
	assert_true(r.serves_zone);
	assert_string_equal(r.program, "/usr/sbin/unbound");
	assert_int_equal(r.npackages, 2);
	assert_string_equal(r.packages[1], "unbound-anchor");
	assert_string_equal(r.zone, "mini.");
	assert_int_equal(r.ngeneric, 2);
	assert_int_equal(r.generic[0], 21);
	assert_int_equal(r.generic[1], 65280);
	assert_int_equal(r.nvars, 1);
	assert_string_equal(r.vars[0].value, "192.0.2.1");
	assert_int_equal(r.port, 5353);
	assert_int_equal(r.nargs, 2);
	assert_int_equal(r.probe.qclass, 3);
	assert_int_equal(r.probe.qtype, 16);
	assert_int_equal(r.probe.rcode, 5);
	assert_true(r.probe.rd);
	assert_int_equal(r.start_timeout_ms, 2000);
	assert_int_equal(r.stop_timeout_ms, 250);
	assert_int_equal(r.jobs, 1);
	target_recipe_free(&r);

	/* defaults; a recipe named by path finds zones in ../zones */
	snprintf(path, sizeof(path), "%s/targets/min.yaml", base);
	write_text(path, "name: minimal\nprogram: nsd\npackages: nsd\n");
	diag_t d = {0};
	assert_true(target_load_recipe(path, NULL, &r, &d));
	assert_string_equal(r.name, "minimal");
	assert_int_equal(r.role, TARGET_ROLE_AUTHORITATIVE);
	assert_true(r.serves_zone);
	assert_string_equal(r.zone, "example.");
	assert_string_equal(r.zone_file, "example.zone");
	assert_int_equal(r.port, 0);
	assert_int_equal(r.probe.qtype, 6);
	assert_int_equal(r.probe.qclass, 1);
	assert_int_equal(r.probe.rcode, 0);
	assert_int_equal(r.start_timeout_ms, 10000);
	assert_int_equal(r.stop_timeout_ms, 5000);
	assert_int_equal(r.jobs, 0);
	char want[PATH_MAX + 64];
	snprintf(want, sizeof(want), "%s/targets/../zones", base);
	assert_string_equal(r.zones_dir, want);
	target_recipe_free(&r);
}

/* ---- capabilities ------------------------------------------------------ */

static void test_caps(void **state)
{
	(void)state;
	char buf[128];
	for (unsigned i = 0; i < TARGET_CAP_COUNT; i++)
		assert_int_equal(target_cap_from_word(target_cap_word(i)),
				 1u << i);
	assert_null(target_cap_word(TARGET_CAP_COUNT));
	assert_int_equal(target_cap_from_word("iterate"), TARGET_CAP_ITERATE);
	assert_int_equal(target_cap_from_word("tcp-fallback"),
			 TARGET_CAP_TCP_FALLBACK);
	assert_int_equal(target_cap_from_word("Iterate"), 0);
	assert_int_equal(target_cap_from_word(""), 0);
	assert_int_equal(target_cap_from_word(NULL), 0);
	assert_string_equal(
	    target_cap_list(TARGET_CAP_CACHE | TARGET_CAP_FAKETIME, buf,
			    sizeof(buf)),
	    "cache, faketime");
	assert_string_equal(target_cap_list(0, buf, sizeof(buf)), "");
	assert_string_equal(target_cap_list(TARGET_CAP_ALL, buf, 5), "iter");
	for (unsigned i = 0; i < TARGET_CAP_COUNT; i++)
		assert_non_null(strstr(target_cap_words(), target_cap_word(i)));
}

static void test_recipe_caps(void **state)
{
	(void)state;
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/targets/caps.yaml", base);
	/* listed: exactly those; lacks: gives the reasons */
	write_text(path,
		   OKHEAD "provides: [iterate, cache]\n"
			  "lacks: {faketime: it hangs, validate: no TA}\n");
	target_recipe_t r = load_ok("caps");
	/* (and authoritative: every authoritative recipe has it) */
	assert_int_equal(r.provides, TARGET_CAP_ITERATE | TARGET_CAP_CACHE |
					 TARGET_CAP_AUTHORITATIVE);
	assert_string_equal(r.lacks[5], "it hangs");
	assert_string_equal(r.lacks[4], "no TA");
	assert_null(r.lacks[0]);
	target_recipe_free(&r);
	/* lacks: alone takes those out of everything */
	write_text(path, OKHEAD "lacks: {iterate: a forwarder}\n");
	r = load_ok("caps");
	assert_int_equal(r.provides, TARGET_CAP_ALL & ~TARGET_CAP_ITERATE);
	assert_string_equal(r.lacks[0], "a forwarder");
	target_recipe_free(&r);
	/* neither: everything */
	write_text(path, OKHEAD);
	r = load_ok("caps");
	assert_int_equal(r.provides, TARGET_CAP_ALL);
	target_recipe_free(&r);
	/* an empty list: nothing but what the role gives */
	write_text(path, OKHEAD "provides: []\n");
	r = load_ok("caps");
	assert_int_equal(r.provides, TARGET_CAP_AUTHORITATIVE);
	target_recipe_free(&r);
	write_text(path, OKHEAD "role: resolver\nprovides: []\n");
	r = load_ok("caps");
	assert_int_equal(r.provides, 0);
	target_recipe_free(&r);
	/* a resolver's default everything is not authoritative ... */
	write_text(path, OKHEAD "role: resolver\n");
	r = load_ok("caps");
	assert_int_equal(r.provides,
			 TARGET_CAP_ALL & ~TARGET_CAP_AUTHORITATIVE);
	target_recipe_free(&r);
	/* ... unless its provides: says so */
	write_text(path, OKHEAD "role: resolver\nprovides: [authoritative]\n");
	r = load_ok("caps");
	assert_int_equal(r.provides, TARGET_CAP_AUTHORITATIVE);
	target_recipe_free(&r);
}

/* ---- starting ----------------------------------------------------------- */

/* ---- vars derived from trust_anchor ------------------------------------- */

#define TEST_DS_DIGEST                                                         \
	"A3628BFEEB8BB2BFE16E26E1EDFDB353B8C12FCDFDE6D40A6A570C0F2191F759"

static void test_anchor_derive(void **state)
{
	(void)state;
	target_anchor_t a;
	target_err_t err;
	target_var_t v[TARGET_NDERIVED];
	/* a DS: its fields, digest in uppercase hex whatever the input case */
	assert_int_equal(
	    target_anchor_derive(". 86400 IN DS 22699 13 2 "
				 "a3628bfeeb8bb2bfe16e26e1edfdb353"
				 "b8c12fcdfde6d40a6a570c0f2191f759",
				 &a, &err),
	    TARGET_OK);
	assert_int_equal(target_anchor_vars(&a, v), TARGET_NDERIVED);
	static const char *const want[][2] = {
	    {"trust_anchor_owner", "."},
	    {"trust_anchor_keytag", "22699"},
	    {"trust_anchor_alg", "13"},
	    {"trust_anchor_digest_type", "2"},
	    {"trust_anchor_digest", TEST_DS_DIGEST},
	    {"trust_anchor_validate", "yes"},
	    {"trust_anchor_comment", ""},
	};
	for (size_t i = 0; i < TARGET_NDERIVED; i++) {
		assert_string_equal(v[i].name, want[i][0]);
		assert_string_equal(v[i].name, target_derived[i]);
		assert_string_equal(v[i].value, want[i][1]);
	}
	assert_null(target_derived[TARGET_NDERIVED]);
	/* no TTL, no class, another owner, SHA-1 digest */
	assert_int_equal(target_anchor_derive("tld. DS 7 8 1 "
					      "0123456789abcdef0123456789abcdef"
					      "01234567",
					      &a, &err),
			 TARGET_OK);
	assert_string_equal(a.owner, "tld.");
	assert_string_equal(a.keytag, "7");
	assert_string_equal(a.alg, "8");
	assert_string_equal(a.digest_type, "1");
	assert_string_equal(a.digest,
			    "0123456789ABCDEF0123456789ABCDEF01234567");
	/* no anchor: empty fields, validation off, lines commented out */
	const char *none[] = {NULL, "", " \n\t"};
	for (size_t i = 0; i < 3; i++) {
		assert_int_equal(target_anchor_derive(none[i], &a, &err),
				 TARGET_OK);
		target_anchor_vars(&a, v);
		for (size_t j = 0; j < 5; j++)
			assert_string_equal(v[j].value, "");
		assert_string_equal(a.validate, "no");
		assert_string_equal(a.comment, "#");
	}
	/* not one DS: errors that say why, and no anchor left behind */
	static const struct {
		const char *ta, *err;
	} bad[] = {
	    {". 3600 IN DNSKEY 257 3 13 AAAA", "holds a DNSKEY record"},
	    {". 3600 IN DS 22699 13 2 XYZ",
	     "is not a DS record: invalid hexadecimal data: bad hex character "
	     "'X' (line 1, column 25)"},
	    {". 3600 IN DS 22699 13", "is not a DS record"},
	    {"22699 13 2 " TEST_DS_DIGEST, "is not a DS record"},
	    {". DS 1 13 2 " TEST_DS_DIGEST "\n. DS 2 13 2 " TEST_DS_DIGEST,
	     "one DS record, not 2"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(target_anchor_derive(bad[i].ta, &a, &err),
				 TARGET_E_SETUP);
		if (strstr(err.msg, bad[i].err) == NULL)
			fail_msg("%s: got '%s'", bad[i].ta, err.msg);
		assert_string_equal(a.validate, "no");
		assert_string_equal(a.keytag, "");
	}
}

/* Recipes may use the derived vars without declaring them, may not declare
 * them, and get them filled in at start from the var trust_anchor. */
static void test_anchor_recipe(void **state)
{
	(void)state;
	char path[PATH_MAX + 64], text[PATH_MAX + 1024];
	target_recipe_t r;
	diag_t d = {0};
	snprintf(path, sizeof(path), "%s/targets/ta-bad.yaml", base);
	write_text(path, "program: true\npackages: x\n"
			 "vars: {trust_anchor_alg: \"8\"}\n");
	assert_false(target_load_recipe("ta-bad", base, &r, &d));
	assert_true(d.n >= 1);
	assert_non_null(strstr(d.e[0].msg, "derived from trust_anchor"));
	target_recipe_free(&r);

	snprintf(path, sizeof(path), "%s/targets/ta.yaml", base);
	snprintf(text, sizeof(text),
		 "program: %s\npackages: [fake-a]\n"
		 "zone: {name: mini., file: mini.zone}\n"
		 "vars: {trust_anchor: \"\"}\n"
		 "files:\n"
		 "  ta.conf: |\n"
		 "    validation ${trust_anchor_validate};\n"
		 "    ${trust_anchor_comment}anchor ${trust_anchor_owner} "
		 "${trust_anchor_keytag} ${trust_anchor_alg} "
		 "${trust_anchor_digest_type} \"${trust_anchor_digest}\";\n"
		 "args: [--fake-server, serve, \"${port}\"]\n"
		 "probe: {qname: \"${zone}\", qtype: SOA}\n",
		 self);
	write_text(path, text);
	r = load_ok("ta");
	static const struct {
		const char *ta, *conf; /* conf NULL: the start fails */
	} cases[] = {
	    {". 86400 IN DS 22699 13 2 " TEST_DS_DIGEST,
	     "validation yes;\nanchor . 22699 13 2 \"" TEST_DS_DIGEST "\";\n"},
	    {"", "validation no;\n#anchor     \"\";\n"},
	    {". 86400 IN DNSKEY 257 3 13 AAAA", NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		target_var_t var = {"trust_anchor", cases[i].ta};
		target_opts_t o = {.vars = &var, .nvars = 1};
		target_t *t = NULL;
		target_err_t err;
		target_rc_t rc = target_start(&r, &o, &t, &err);
		if (cases[i].conf == NULL) {
			assert_int_equal(rc, TARGET_E_SETUP);
			assert_non_null(strstr(err.msg, "DNSKEY"));
			assert_null(t);
			continue;
		}
		if (rc != TARGET_OK)
			fail_msg("%s\n%s", err.msg, err.log);
		char conf[PATH_MAX + 16];
		snprintf(conf, sizeof(conf), "%s/ta.conf", target_dir(t));
		const char *got = read_text(conf);
		assert_non_null(got);
		assert_string_equal(got, cases[i].conf);
		target_free(t);
	}
	assert_int_equal(leftovers(), 0);
	target_recipe_free(&r);
}

static void test_missing_program(void **state)
{
	(void)state;
	char path[PATH_MAX + 64];
	snprintf(path, sizeof(path), "%s/targets/absent.yaml", base);
	write_text(path, "program: dnsharness-no-such-server\n"
			 "packages: [fake-pkg-a, fake-pkg-b]\n");
	target_recipe_t r = load_ok("absent");
	target_t *t = (target_t *)(uintptr_t)1;
	target_err_t err;
	assert_int_equal(target_start(&r, NULL, &t, &err), TARGET_E_MISSING);
	assert_null(t);
	assert_int_equal(err.code, TARGET_E_MISSING);
	assert_non_null(strstr(err.msg, "program 'dnsharness-no-such-server' "
					"not found"));
	assert_non_null(strstr(err.msg, "install with: apt-get install -y "
					"fake-pkg-a fake-pkg-b"));
	assert_int_equal(leftovers(), 0);
	char found[PATH_MAX];
	assert_false(target_find_program("dnsharness-no-such-server", found,
					 sizeof(found)));
	assert_true(target_find_program("sh", found, sizeof(found)));
	assert_int_equal(found[0], '/');
	target_recipe_free(&r);
}

static void test_exec_failure(void **state)
{
	(void)state;
	char prog[PATH_MAX + 64], path[PATH_MAX + 64], text[PATH_MAX + 128];
	snprintf(prog, sizeof(prog), "%s/not-a-program", base);
	write_text(prog, "this is text, not a program\n");
	chmod(prog, 0755);
	snprintf(path, sizeof(path), "%s/targets/noexec.yaml", base);
	snprintf(text, sizeof(text),
		 "program: %s\npackages: x\nrole: resolver\n", prog);
	write_text(path, text);
	target_recipe_t r = load_ok("noexec");
	target_t *t;
	target_err_t err;
	assert_int_equal(target_start(&r, NULL, &t, &err), TARGET_E_SPAWN);
	assert_null(t);
	assert_non_null(strstr(err.msg, "cannot execute"));
	assert_non_null(strstr(err.msg, "Exec format error"));
	assert_int_equal(leftovers(), 0);
	target_recipe_free(&r);
}

static void test_start_and_stop(void **state)
{
	(void)state;
	fake_recipe("good", "serve", NULL);
	target_recipe_t r = load_ok("good");
	target_t *t;
	target_err_t err;
	target_rc_t rc = target_start(&r, NULL, &t, &err);
	if (rc != TARGET_OK)
		fail_msg("%s\n%s", err.msg, err.log);
	assert_string_equal(target_addr(t), "127.0.0.1");
	assert_true(target_port(t) > 0);
	assert_true(target_alive(t));
	assert_true(target_probe(t, 1000));
	assert_int_equal(target_wait_status(t), -1);
	char st[128], want[PATH_MAX * 2 + 256], path[PATH_MAX + 64];
	assert_string_equal(target_status_text(t, st, sizeof(st)), "running");

	/* the generated file, placeholders expanded */
	snprintf(path, sizeof(path), "%s/fake.conf", target_dir(t));
	snprintf(want, sizeof(want),
		 "listen 127.0.0.1@%u in %s\nzone mini. from %s/mini.zone; $ "
		 "good\n",
		 target_port(t), target_dir(t), target_dir(t));
	assert_string_equal(read_text(path), want);
	/* the zone, copied as it is */
	snprintf(path, sizeof(path), "%s/mini.zone", target_dir(t));
	assert_string_equal(read_text(path), mini_zone);
	/* environment, stdin, working directory, as the program saw them */
	snprintf(want, sizeof(want),
		 "fake: mode=serve env=hello-%u stdin=eof cwd=%s\n",
		 target_port(t), target_dir(t));
	size_t len;
	const char *log = target_log(t, &len);
	assert_non_null(log);
	assert_string_equal(log, want);
	assert_int_equal(len, strlen(want));

	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", target_dir(t));
	int pid = target_pid(t);
	assert_int_equal(target_stop(t), TARGET_END_TERM);
	assert_int_equal(target_stop(t), TARGET_END_TERM); /* idempotent */
	assert_false(target_alive(t));
	assert_string_equal(target_status_text(t, st, sizeof(st)),
			    "killed by signal 15 (SIGTERM)");
	assert_int_equal(kill(pid, 0), -1);
	assert_string_equal(target_log(t, NULL), want); /* after the stop */
	struct stat sb;
	assert_int_equal(stat(dir, &sb), 0);
	target_free(t);
	assert_int_equal(stat(dir, &sb), -1);
	assert_int_equal(leftovers(), 0);
	target_recipe_free(&r);
}

static void test_options(void **state)
{
	(void)state;
	fake_recipe("opts", "serve", NULL);
	target_recipe_t r = load_ok("opts");
	unsigned port;
	target_err_t err;
	assert_int_equal(target_free_port("127.0.0.1", &port, &err), TARGET_OK);
	static const target_var_t vars[] = {
	    {"greeting", "bonjour"},
	    {"undeclared", "ignored"},
	};
	target_opts_t o = {.addr = "127.0.0.1",
			   .port = port,
			   .vars = vars,
			   .nvars = 2,
			   .keep = true};
	target_t *t;
	target_rc_t rc = target_start(&r, &o, &t, &err);
	if (rc != TARGET_OK)
		fail_msg("%s\n%s", err.msg, err.log);
	assert_int_equal(target_port(t), port);
	assert_non_null(strstr(target_log(t, NULL), "env=bonjour-"));
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", target_dir(t));
	target_free(t);
	struct stat sb;
	assert_int_equal(stat(dir, &sb), 0); /* kept */
	rm_dir(dir);
	target_recipe_free(&r);
}

static void test_exits_at_once(void **state)
{
	(void)state;
	fake_recipe("failing", "fail", NULL);
	target_recipe_t r = load_ok("failing");
	target_t *t;
	target_err_t err;
	unsigned long t0 = now_ms();
	assert_int_equal(target_start(&r, NULL, &t, &err), TARGET_E_EXITED);
	assert_true(now_ms() - t0 < 3000);
	assert_null(t);
	assert_non_null(strstr(err.msg, "failing exited with status 3 "
					"before it was ready"));
	/* the package hint appears only for packages dpkg lacks */
	struct stat sb;
	if (stat("/var/lib/dpkg/info", &sb) == 0)
		assert_non_null(strstr(err.msg, "not installed: fake-a"));
	assert_non_null(strstr(err.log, "fatal: zone broken"));
	assert_non_null(strstr(err.log, "fake: mode=fail"));
	assert_int_equal(leftovers(), 0);
	target_recipe_free(&r);
}

/* setup: commands run in order in the directory before the program; a
 * failing, missing or hanging one fails the start, and nothing is left. */
static void test_setup(void **state)
{
	(void)state;
	fake_recipe("setup", "serve",
		    "setup:\n  - [touch, \"${dir}/one\"]\n"
		    "  - [cp, one, \"${dir}/two-${name}\"]\n");
	target_recipe_t r = load_ok("setup");
	assert_int_equal(r.nsetup, 2);
	assert_int_equal(r.setup[1].argc, 3);
	target_t *t;
	target_err_t err;
	if (target_start(&r, NULL, &t, &err) != TARGET_OK)
		fail_msg("%s\n%s", err.msg, err.log);
	char path[PATH_MAX + 64];
	struct stat sb;
	snprintf(path, sizeof(path), "%s/two-setup", target_dir(t));
	assert_int_equal(stat(path, &sb), 0);
	assert_non_null(strstr(target_log(t, NULL),
			       "[dnsharness] setup command 2: cp one "));
	target_free(t);
	target_recipe_free(&r);

	static const struct {
		const char *setup;
		target_rc_t rc;
		const char *msg;
	} bad[] = {
	    {"setup:\n  - [true]\n  - [false]\n", TARGET_E_SETUP,
	     "setup: setup command 2 (false) exited with status 1"},
	    {"setup:\n  - [no-such-program-dnsh]\n", TARGET_E_MISSING,
	     "setup command 1: program 'no-such-program-dnsh' not found"},
	    {"start_timeout: 300ms\nsetup:\n  - [sleep, \"10\"]\n",
	     TARGET_E_SETUP,
	     "setup command 1 (sleep) did not end within the start timeout"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		fake_recipe("setup", "serve", bad[i].setup);
		r = load_ok("setup");
		unsigned long t0 = now_ms();
		assert_int_equal(target_start(&r, NULL, &t, &err), bad[i].rc);
		assert_true(now_ms() - t0 < 3000);
		assert_null(t);
		if (strstr(err.msg, bad[i].msg) == NULL)
			fail_msg("case %zu: %s", i, err.msg);
		assert_null(strstr(err.log, "fake: mode=serve"));
		assert_int_equal(leftovers(), 0);
		target_recipe_free(&r);
	}
}

static int read_pid(const char *path)
{
	const char *s = read_text(path);
	return s ? atoi(s) : 0;
}

static void test_start_timeout(void **state)
{
	(void)state;
	char pidfile[PATH_MAX + 64];
	snprintf(pidfile, sizeof(pidfile), "%s/silent.pid", base);
	setenv("DNSH_FAKE_PIDFILE", pidfile, 1);
	fake_recipe("silent", "silent", "start_timeout: 300ms\n");
	target_recipe_t r = load_ok("silent");
	target_t *t;
	target_err_t err;
	unsigned long t0 = now_ms();
	assert_int_equal(target_start(&r, NULL, &t, &err), TARGET_E_TIMEOUT);
	unsigned long took = now_ms() - t0;
	unsetenv("DNSH_FAKE_PIDFILE");
	assert_true(took >= 300 && took < 3000);
	assert_non_null(strstr(err.msg, "did not answer the probe"));
	assert_non_null(strstr(err.msg, "within 300 ms"));
	assert_non_null(strstr(err.log, "fake: mode=silent"));
	int pid = read_pid(pidfile);
	assert_true(pid > 0);
	assert_int_equal(kill(pid, 0), -1); /* stopped and reaped */
	assert_int_equal(errno, ESRCH);
	assert_int_equal(leftovers(), 0);
	target_recipe_free(&r);
}

static void test_wrong_rcode(void **state)
{
	(void)state;
	fake_recipe("refusing", "refuse", "start_timeout: 300ms\n");
	target_recipe_t r = load_ok("refusing");
	target_t *t;
	target_err_t err;
	assert_int_equal(target_start(&r, NULL, &t, &err), TARGET_E_TIMEOUT);
	assert_non_null(strstr(err.msg, "with NOERROR within 300 ms; it "
					"answered with REFUSED"));
	target_recipe_free(&r);

	/* a recipe that expects REFUSED is ready; qname defaults to ${zone} */
	fake_recipe("refusing", "refuse", "probe: {rcode: REFUSED}\n");
	r = load_ok("refusing");
	assert_null(r.probe.qname);
	assert_int_equal(target_start(&r, NULL, &t, &err), TARGET_OK);
	assert_true(target_probe(t, 1000));
	target_free(t);
	target_recipe_free(&r);
}

static void test_crash_detected(void **state)
{
	(void)state;
	fake_recipe("crashing", "serve", NULL);
	target_recipe_t r = load_ok("crashing");
	target_t *t;
	target_err_t err;
	assert_int_equal(target_start(&r, NULL, &t, &err), TARGET_OK);
	assert_true(target_alive(t));
	/* SIGABRT: the sanitizers catch SIGSEGV and exit instead */
	assert_int_equal(kill(target_pid(t), SIGABRT), 0);
	unsigned long t0 = now_ms();
	while (target_alive(t) && now_ms() - t0 < 3000)
		usleep(5000);
	assert_false(target_alive(t));
	char st[128];
	assert_non_null(strstr(target_status_text(t, st, sizeof(st)),
			       "killed by signal 6 (SIGABRT)"));
	assert_false(target_probe(t, 100));
	assert_int_equal(target_stop(t), TARGET_END_EARLY);
	assert_non_null(strstr(target_log(t, NULL), "fake: mode=serve"));
	target_free(t);
	assert_int_equal(leftovers(), 0);
	target_recipe_free(&r);
}

static void test_stop_escalates(void **state)
{
	(void)state;
	fake_recipe("stubborn", "stubborn", "stop_timeout: 200ms\n");
	target_recipe_t r = load_ok("stubborn");
	target_t *t;
	target_err_t err;
	assert_int_equal(target_start(&r, NULL, &t, &err), TARGET_OK);
	unsigned long t0 = now_ms();
	assert_int_equal(target_stop(t), TARGET_END_KILLED);
	unsigned long took = now_ms() - t0;
	assert_true(took >= 200 && took < 2000);
	char st[128];
	assert_string_equal(target_status_text(t, st, sizeof(st)),
			    "killed by signal 9 (SIGKILL)");
	target_free(t);
	assert_int_equal(leftovers(), 0);
	target_recipe_free(&r);
}

static void test_log_bounded(void **state)
{
	(void)state;
	fake_recipe("chatty", "chatty", NULL);
	target_recipe_t r = load_ok("chatty");
	target_t *t;
	target_err_t err;
	assert_int_equal(target_start(&r, NULL, &t, &err), TARGET_OK);
	size_t len;
	const char *log = target_log(t, &len);
	assert_true(len <= TARGET_LOG_MAX + 64);
	assert_int_equal(strlen(log), len);
	assert_int_equal(strncmp(log, "[... ", 5), 0);
	assert_non_null(strstr(log, " bytes omitted ...]\n"));
	/* the end is kept: the last line written */
	assert_non_null(strstr(log, "00002999\n"));
	target_free(t);
	target_recipe_free(&r);
}

static void test_free_port(void **state)
{
	(void)state;
	unsigned port;
	target_err_t err;
	assert_int_equal(target_free_port("127.0.0.1", &port, &err), TARGET_OK);
	assert_true(port > 0 && port <= 65535);
	int u = socket(AF_INET, SOCK_DGRAM, 0),
	    s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port)};
	inet_pton(AF_INET, "127.0.0.1", &sa.sin_addr);
	assert_int_equal(bind(u, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(bind(s, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(u);
	close(s);
	assert_int_equal(target_free_port("not-an-address", &port, &err),
			 TARGET_E_SETUP);
	assert_non_null(strstr(err.msg, "not an IPv4 or IPv6 address"));
}

/* ---- zone conversions --------------------------------------------------- */

static void test_pyzone(void **state)
{
	(void)state;
	char src[PATH_MAX + 64], out[PATH_MAX + 64];
	snprintf(src, sizeof(src), "%s/zones/mini.zone", base);
	snprintf(out, sizeof(out), "%s/mini.py", base);
	unlink(out);
	unsigned written, skipped;
	target_err_t err;
	assert_int_equal(
	    target_pyzone(src, "mini.", out, &written, &skipped, &err),
	    TARGET_OK);
	assert_int_equal(written, 11);
	assert_int_equal(skipped, 1);
	const char *py = read_text(out);
	static const char *const want[] = {
	    "#   dot\\.label.mini. IN A\n",
	    "\ndef Unknown(name, type, data, ttl):\n",
	    "    record.TYPE = type\n",
	    "\nzone = [\n",
	    "    SOA(b'mini', b'ns.mini', b'host.mini', 1, 7200, 3600, "
	    "1209600, 300, ttl=300),\n",
	    "    NS(b'mini', b'ns.mini', ttl=300),\n",
	    "    A(b'ns.mini', '192.0.2.53', ttl=300),\n",
	    "    TXT(b'txt.mini', b'a b', b'q\"uote', b'caf\\xc3\\xa9', "
	    "ttl=300),\n",
	    "    MX(b'mx.mini', 10, b'ns.mini', ttl=300),\n",
	    "    Unknown(b'loc.mini', 29, b'\\x00",
	    "    Unknown(b'rt.mini', 21, "
	    "b'\\x00\\x0a\\x02ns\\x04mini\\x00', ttl=300),\n",
	    "    Unknown(b'cert.mini', 37, b'\\x00\\x01\\x00\\x00\\x00"
	    "\\x01\\x02\\x03', ttl=300),\n",
	    "    Unknown(b'rt.mini', 46, b'\\x00\\x15\\x0d\\x02",
	    "    A6(b'a6.mini', 64, '::1:2:3:4', b'pre.mini', ttl=300),\n",
	    /* Record_A6 would write 8 suffix bytes where the record has 9 */
	    "    Unknown(b'a6odd.mini', 38, b'<\\x00\\x00\\x01\\x00\\x02",
	};
	assert_null(strstr(py, "dot\\.label.mini', "));
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (strstr(py, want[i]) == NULL)
			fail_msg("missing %s in:\n%s", want[i], py);
	/* an existing file is not overwritten */
	assert_int_equal(
	    target_pyzone(src, "mini.", out, &written, &skipped, &err),
	    TARGET_E_SETUP);
	assert_int_equal(target_pyzone("/nonexistent.zone", "mini.", out,
				       &written, &skipped, &err),
			 TARGET_E_SETUP);
}

static void test_zone_generic(void **state)
{
	(void)state;
	char src[PATH_MAX + 64], out[PATH_MAX + 64];
	snprintf(src, sizeof(src), "%s/zones/mini.zone", base);
	snprintf(out, sizeof(out), "%s/mini.generic", base);
	unlink(out);
	static const uint16_t types[] = {21, 29}; /* RT, LOC */
	unsigned n;
	target_err_t err;
	assert_int_equal(
	    target_zone_generic(src, "mini.", out, types, 2, &n, &err),
	    TARGET_OK);
	assert_int_equal(n, 2);
	const char *z = read_text(out);
	static const char *const want[] = {
	    "\nmini. 300 IN SOA ns.mini. host.mini. 1 7200 3600 1209600 "
	    "300\n",
	    "\nns.mini. 300 IN A 192.0.2.53\n",
	    "\nrt.mini. 300 IN TYPE21 \\# 11 000A026E73046D696E6900\n",
	    "\nloc.mini. 300 IN TYPE29 \\# 16 ",
	    "\ncert.mini. 300 IN CERT 1 0 0 AQID\n",
	    "\nrt.mini. 300 IN RRSIG TYPE21 13 2 300 20400101000000 "
	    "20240101000000 12345 mini. AAAA\n",
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (strstr(z, want[i]) == NULL)
			fail_msg("missing %s in:\n%s", want[i], z);
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "--fake-server") == 0)
		return fake_server(argv[2], (unsigned)atoi(argv[3]));
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_expand),
	    cmocka_unit_test(test_recipe_errors),
	    cmocka_unit_test(test_recipe_not_found),
	    cmocka_unit_test(test_recipe_fields),
	    cmocka_unit_test(test_caps),
	    cmocka_unit_test(test_recipe_caps),
	    cmocka_unit_test(test_anchor_derive),
	    cmocka_unit_test(test_anchor_recipe),
	    cmocka_unit_test(test_missing_program),
	    cmocka_unit_test(test_exec_failure),
	    cmocka_unit_test(test_start_and_stop),
	    cmocka_unit_test(test_options),
	    cmocka_unit_test(test_exits_at_once),
	    cmocka_unit_test(test_setup),
	    cmocka_unit_test(test_start_timeout),
	    cmocka_unit_test(test_wrong_rcode),
	    cmocka_unit_test(test_crash_detected),
	    cmocka_unit_test(test_stop_escalates),
	    cmocka_unit_test(test_log_bounded),
	    cmocka_unit_test(test_free_port),
	    cmocka_unit_test(test_pyzone),
	    cmocka_unit_test(test_zone_generic),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
