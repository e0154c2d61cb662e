/* test_serve.c - the scripted servers (harness/serve): the servers: YAML
 * and its located errors, the rule matcher, and every action on the wire.
 * Servers run on 127.0.0.2 and 127.0.0.3 on a free port, their loop in a
 * thread; the test talks to them with plain sockets. Waits are bounded;
 * the only timing assert is "not before the delay". */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "dns/arena.h"
#include "dns/msg.h"
#include "dns/wire.h"
#include "net/loop.h"
#include "scenario/node.h"
#include "scenario/query.h"
#include "scenario/scenario.h"
#include "serve/config.h"
#include "serve/serve.h"

#define WAIT_MS	 2000 /* longest wait for anything expected */
#define QUIET_MS 300  /* how long "nothing comes" is watched */

/* ---- YAML into a config ------------------------------------------------- */

static const node_t *parse(const char *yaml, dns_arena_t *arena, diag_t *d)
{
	const node_t *doc = node_parse(yaml, strlen(yaml), "t.yaml", arena, d);
	if (doc == NULL)
		diag_print(d, stderr);
	assert_non_null(doc);
	return node_get(doc, "servers");
}

static bool load_cfg(const char *yaml, serve_config_t *c, diag_t *d)
{
	dns_arena_t arena;
	dns_arena_init(&arena, 0);
	memset(d, 0, sizeof(*d));
	serve_config_init(c);
	const node_t *servers = parse(yaml, &arena, d);
	assert_non_null(servers);
	bool ok = serve_config_load(c, servers, NULL, d);
	dns_arena_free(&arena); /* the config keeps its own copy */
	return ok;
}

/* ---- servers running in a thread ---------------------------------------- */

typedef struct fx {
	net_loop_t loop;
	serve_config_t cfg;
	serve_t *s;
	uv_async_t stop;
	pthread_t th;
	bool running;
} fx_t;

static void on_stop(uv_async_t *a)
{
	fx_t *f = a->data;
	serve_stop(f->s);
	uv_close((uv_handle_t *)a, NULL);
}

static void *loop_main(void *arg)
{
	fx_t *f = arg;
	net_loop_run(&f->loop);
	return NULL;
}

static fx_t *fx_start_opts(const char *yaml, serve_run_opts_t o)
{
	char err[256];
	diag_t d;
	fx_t *f = calloc(1, sizeof(*f));
	assert_non_null(f);
	bool ok = load_cfg(yaml, &f->cfg, &d);
	if (!ok)
		diag_print(&d, stderr);
	assert_true(ok);
	assert_int_equal(net_loop_init(&f->loop), 0);
	assert_int_equal(uv_async_init(&f->loop.uv, &f->stop, on_stop), 0);
	f->stop.data = f;
	int rc = serve_start(&f->s, &f->loop, &f->cfg, &o, err, sizeof(err));
	if (rc != 0)
		fprintf(stderr, "serve_start: %s\n", err);
	assert_int_equal(rc, 0);
	assert_int_equal(pthread_create(&f->th, NULL, loop_main, f), 0);
	f->running = true;
	return f;
}

static fx_t *fx_start(const char *yaml)
{
	serve_run_opts_t o = {.port_mode = SERVE_PORT_FREE};
	return fx_start_opts(yaml, o);
}

/* Stop the servers and the loop thread; the log stays readable. */
static void fx_halt(fx_t *f)
{
	if (!f->running)
		return;
	uv_async_send(&f->stop);
	pthread_join(f->th, NULL);
	f->running = false;
}

static void fx_free(fx_t *f)
{
	fx_halt(f);
	serve_free(f->s);
	net_loop_close(&f->loop);
	serve_config_free(&f->cfg);
	free(f);
}

static struct sockaddr_in server_addr(fx_t *f, const char *ip, size_t i)
{
	struct sockaddr_in a = {.sin_family = AF_INET};
	a.sin_port = htons(serve_port(f->s, i));
	inet_pton(AF_INET, ip, &a.sin_addr);
	return a;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* ---- a plain client ----------------------------------------------------- */

/* name. TYPE IN, ID id, RD, optionally with an OPT (DO when dobit). */
static size_t make_query(uint8_t *buf, uint16_t id, const char *name,
			 uint16_t type, bool edns, bool dobit)
{
	dns_name_t n;
	assert_int_equal(dns_name_from_str(name, NULL, &n), DNS_OK);
	memset(buf, 0, 12);
	dns_put_u16(buf, id);
	dns_put_u16(buf + 2, DNS_F_RD);
	dns_put_u16(buf + 4, 1);
	memcpy(buf + 12, n.wire, n.len);
	size_t len = 12 + n.len;
	dns_put_u16(buf + len, type);
	dns_put_u16(buf + len + 2, 1);
	len += 4;
	if (!edns)
		return len;
	static const uint8_t opt[] = {0, 0, 41, 0x04, 0xd0, 0, 0, 0, 0, 0, 0};
	memcpy(buf + len, opt, sizeof(opt));
	if (dobit)
		buf[len + 7] = 0x80;
	dns_put_u16(buf + 10, 1);
	return len + sizeof(opt);
}

static int udp_client(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	struct sockaddr_in a = {.sin_family = AF_INET};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_true(fd >= 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	return fd;
}

static void udp_send(int fd, const struct sockaddr_in *to, const uint8_t *q,
		     size_t len)
{
	ssize_t n =
	    sendto(fd, q, len, 0, (const struct sockaddr *)to, sizeof(*to));
	assert_int_equal(n, (ssize_t)len);
}

/* One datagram within ms, or -1. */
static ssize_t udp_recv(int fd, uint8_t *buf, size_t cap, int ms,
			struct sockaddr_in *from)
{
	struct pollfd p = {fd, POLLIN, 0};
	if (poll(&p, 1, ms) <= 0)
		return -1;
	socklen_t fl = sizeof(*from);
	return recvfrom(fd, buf, cap, 0, (struct sockaddr *)from, &fl);
}

/* Send q and return the first datagram back (asserting one comes). */
static size_t udp_ask(const struct sockaddr_in *to, const uint8_t *q,
		      size_t len, uint8_t *out, size_t cap)
{
	struct sockaddr_in from;
	int fd = udp_client();
	udp_send(fd, to, q, len);
	ssize_t n = udp_recv(fd, out, cap, WAIT_MS, &from);
	close(fd);
	assert_true(n >= 0);
	return (size_t)n;
}

static int tcp_client(const struct sockaddr_in *to)
{
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(fd >= 0);
	assert_int_equal(connect(fd, (const struct sockaddr *)to, sizeof(*to)),
			 0);
	return fd;
}

static void tcp_send(int fd, const uint8_t *q, size_t len)
{
	uint8_t buf[1024];
	dns_put_u16(buf, (uint16_t)len);
	memcpy(buf + 2, q, len);
	assert_int_equal(write(fd, buf, len + 2), (ssize_t)(len + 2));
}

/* Read exactly n bytes within WAIT_MS: n, 0 at EOF first, -errno. */
static ssize_t read_full(int fd, uint8_t *buf, size_t n)
{
	size_t have = 0;
	double until = now_ms() + WAIT_MS;
	while (have < n) {
		struct pollfd p = {fd, POLLIN, 0};
		int left = (int)(until - now_ms());
		if (left <= 0 || poll(&p, 1, left) <= 0)
			return -ETIMEDOUT;
		ssize_t r = read(fd, buf + have, n - have);
		if (r < 0)
			return -errno;
		if (r == 0)
			return 0;
		have += (size_t)r;
	}
	return (ssize_t)n;
}

/* One framed message: its length, 0 at EOF, -errno. */
static ssize_t tcp_recv(int fd, uint8_t *buf, size_t cap)
{
	uint8_t pfx[2];
	ssize_t r = read_full(fd, pfx, 2);
	if (r <= 0)
		return r;
	size_t len = dns_get_u16(pfx);
	assert_true(len <= cap);
	r = read_full(fd, buf, len);
	return r == (ssize_t)len ? r : (r < 0 ? r : -EPIPE);
}

/* ---- decoding what came back -------------------------------------------- */

typedef struct got {
	dns_arena_t arena;
	dns_msg_t m;
} got_t;

static void decode(got_t *g, const uint8_t *msg, size_t len)
{
	dns_arena_init(&g->arena, 0);
	assert_int_equal(
	    dns_msg_decode(&g->m, msg, len, DNS_DECODE_STRICT, &g->arena),
	    DNS_OK);
}

static void first_qname(const got_t *g, char *buf, size_t cap)
{
	assert_true(g->m.nqd >= 1);
	dns_name_to_text(&g->m.qd[0].name, buf, cap);
}

/* ---- the YAML: errors --------------------------------------------------- */

typedef struct bad_case {
	const char *yaml;
	unsigned line;	   /* of the first error */
	const char *words; /* in its message */
} bad_case_t;

static const bad_case_t bad_cases[] = {
    {"servers:\n  - {name: a, addresses: [127.0.0.2], colour: red}\n", 2,
     "colour"},
    {"servers:\n  - {name: a, addresses: [10.0.0.1]}\n", 2,
     "outside 127.0.0.0/8"},
    {"servers:\n  - {name: a, addresses: [127.0.0.2, 127.0.0.2]}\n", 2,
     "listed twice"},
    {"servers:\n  - {addresses: [127.0.0.2]}\n", 2, "needs a name"},
    {"servers:\n  - {name: a}\n", 2, "missing addresses"},
    {"servers:\n  - {name: a, addresses: 127.0.0.2}\n"
     "  - {name: a, addresses: 127.0.0.3}\n",
     3, "used twice"},
    {"servers:\n  - {name: a, addresses: 127.0.0.2}\n"
     "  - {name: b, addresses: 127.0.0.2}\n",
     3, "share an address"},
    {"servers:\n  - {name: a, addresses: 127.0.0.2, port: 0}\n", 2, "port"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - {match: {qname: x.}, reply: {rcode: NXDOMAIN}, hex: \"00\"}\n",
     5, "one of reply:"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - {match: {colour: red}, drop: true}\n",
     5, "colour"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - {drop: true, close: true, reset: true}\n",
     5, "cannot both"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - {reply: {rcode: NXDOMAIN}, keep_id: true}\n",
     5, "keep_id"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - {drop: true, duplicate: 2}\n",
     5, "no effect"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - {match: {flags: {has: [rd], lacks: rd}}, drop: true}\n",
     5, "both"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - {match: {count: {min: 3, max: 2}}, drop: true}\n",
     5, "count"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - {match: {qtype: NOSUCHTYPE}, drop: true}\n",
     5, "NOSUCHTYPE"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - {match: {option: NOPE}, drop: true}\n",
     5, "NOPE"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - {hex: \"00 1\"}\n",
     5, "odd number"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - reply: {rcode: NXDOMAIN, wire: [{truncate: 3}]}\n",
     5, "wire"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - reply: {answer: [\"x. 60 A 1.2.3\"]}\n",
     5, "A RDATA"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - {wire: [{at: 1}]}\n",
     5, "wire edit"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - {from_port: 0}\n",
     5, "not a port"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    zones:\n"
     "      - \"example. 60 IN A 192.0.2.1\"\n",
     5, "zone"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    zones:\n"
     "      - {file: /etc/passwd}\n",
     5, "absolute"},
    {"servers: {name: a}\n", 1, "sequence"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - {drip: 0ms}\n",
     5, "at least 1ms"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - {drop: true, drip: 10ms}\n",
     5, "'drip' has no effect"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - {match: {step: 0}, drop: true}\n",
     5, "numbered from 1"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - match: {step: {min: 5, max: 2}}\n        drop: true\n",
     5, "max may not be below min"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - {match: {step: {from: 2}}, drop: true}\n",
     5, "from"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - {match: {step: x}, drop: true}\n",
     5, "number"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - {match: {cookie: both}, drop: true}\n",
     5, "both"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - {match: {ecs: maybe}, drop: true}\n",
     5, "true or false"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - {match: {ecs: {family: 3}}, drop: true}\n",
     5, "number from 0 to 2"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - {match: {ecs: {family: 0}}, drop: true}\n",
     5, "1 (IPv4) or 2 (IPv6)"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - {match: {ecs: {family: 1, source_prefix: 33}}, drop: true}\n",
     5, "at most 32"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - {match: {ecs: {address: 192.0.2.0/33}}, drop: true}\n",
     5, "prefix length 0 to 32"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - {match: {ecs: {address: 192.0.2}}, drop: true}\n",
     5, "not an IPv4 or IPv6"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - {match: {ecs: {family: 2, address: 192.0.2.0/24}}, drop: "
     "true}\n",
     5, "not of family 2"},
    {"servers:\n  - name: a\n    addresses: 127.0.0.2\n    rules:\n"
     "      - {match: {ecs: {source: 24}}, drop: true}\n",
     5, "source"},
};

static void test_config_errors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		serve_config_t c;
		diag_t d;
		bool ok = load_cfg(bad_cases[i].yaml, &c, &d);
		if (ok || d.n == 0 || d.e[0].line != bad_cases[i].line ||
		    strstr(d.e[0].msg, bad_cases[i].words) == NULL) {
			fprintf(stderr, "case %zu: ok=%d\n", i, ok);
			diag_print(&d, stderr);
		}
		assert_false(ok);
		assert_true(d.n > 0);
		assert_string_equal(d.e[0].file, "t.yaml");
		assert_int_equal(d.e[0].line, bad_cases[i].line);
		assert_non_null(strstr(d.e[0].msg, bad_cases[i].words));
		serve_config_free(&c);
	}
}

/* The new match: keys point at the bad value, line and column. */
static void test_match_errors_at(void **state)
{
	(void)state;
	static const struct {
		const char *match;
		unsigned col;
		const char *words;
	} cases[] = {
	    {"{step: {min: 5, max: 2}}", 24, "max may not be below min"},
	    {"{qname: x., step: 0}", 35, "numbered from 1"},
	    {"{cookie: both}", 26, "absent, client, server"},
	    {"{ecs: {address: 192.0.2.0/40}}", 33, "prefix length"},
	    {"{ecs: {family: 1, scope_prefix: 40}}", 49, "at most 32"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char yaml[256];
		serve_config_t c;
		diag_t d;
		snprintf(yaml, sizeof(yaml),
			 "servers:\n  - name: a\n    addresses: 127.0.0.2\n"
			 "    rules:\n      - {match: %s, drop: true}\n",
			 cases[i].match);
		bool ok = load_cfg(yaml, &c, &d);
		if (ok || d.n == 0 || d.e[0].col != cases[i].col ||
		    strstr(d.e[0].msg, cases[i].words) == NULL) {
			fprintf(stderr, "case %zu:\n", i);
			diag_print(&d, stderr);
		}
		assert_false(ok);
		assert_int_equal(d.e[0].line, 5);
		assert_int_equal(d.e[0].col, cases[i].col);
		assert_non_null(strstr(d.e[0].msg, cases[i].words));
		serve_config_free(&c);
	}
}

static const char zone_example[] =
    "      - |\n"
    "        $ORIGIN example.\n"
    "        @ 300 IN SOA ns1 host 1 3600 600 86400 60\n"
    "        @ 300 IN NS ns1\n"
    "        ns1 300 IN A 127.0.0.2\n"
    "        www 300 IN A 192.0.2.80\n";

static void test_config_model(void **state)
{
	(void)state;
	serve_config_t c;
	diag_t d;
	char yaml[2048];
	snprintf(yaml, sizeof(yaml),
		 "servers:\n"
		 "  - name: auth\n"
		 "    addresses: [127.0.0.2, 127.0.0.4]\n"
		 "    port: 5353\n"
		 "    zones:\n%s"
		 "    rules:\n"
		 "      - name: slow\n"
		 "        match: {qname: www.example., qtype: A, count: 2}\n"
		 "        delay: 1.5s\n"
		 "      - match: {transport: tcp}\n"
		 "        hex: [\"0000 8000 0000 0000 0000 0000\", \"ffff\"]\n"
		 "        keep_id: true\n"
		 "        close: true\n"
		 "  - {name: other, addresses: 127.0.0.3}\n",
		 zone_example);
	bool ok = load_cfg(yaml, &c, &d);
	if (!ok)
		diag_print(&d, stderr);
	assert_true(ok);
	assert_int_equal(c.n, 2);
	const serve_server_t *s = &c.servers[0];
	assert_string_equal(s->name, "auth");
	assert_int_equal(s->naddrs, 2);
	assert_int_equal(s->port, 5353);
	assert_int_equal(s->nzones, 1);
	assert_int_equal(serve_zones_count(s->zones), 1);
	assert_int_equal(s->nrules, 2);
	assert_string_equal(s->rules[0].name, "slow");
	assert_int_equal(s->rules[0].action.src, SERVE_SRC_ZONE);
	assert_int_equal(s->rules[0].action.delay_ms, 1500);
	assert_int_equal(s->rules[0].match.count_min, 1);
	assert_int_equal(s->rules[0].match.count_max, 2);
	assert_int_equal(s->rules[1].action.src, SERVE_SRC_HEX);
	assert_int_equal(s->rules[1].action.nmsgs, 2);
	assert_false(s->rules[1].action.msgs[0].copy_id);
	assert_int_equal(s->rules[1].action.msgs[1].len, 2);
	assert_true(s->rules[1].action.close);
	assert_int_equal(c.servers[1].port, 0);
	assert_int_equal(serve_zones_count(c.servers[1].zones), 0);
	serve_config_free(&c);
}

/* A zone file next to the scenario, found relative to it. */
static void test_config_file(void **state)
{
	(void)state;
	char dir[] = "/tmp/test_serve.XXXXXX", path[300];
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/example.zone", dir);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("$ORIGIN example.\n@ 60 IN SOA ns host 1 2 3 4 5\n"
	      "@ 60 IN NS ns\nns 60 IN A 127.0.0.2\n",
	      f);
	fclose(f);
	snprintf(path, sizeof(path), "%s/s.yaml", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("suite: x\nservers:\n  - name: a\n    addresses: 127.0.0.2\n"
	      "    zones: [{file: example.zone}]\n",
	      f);
	fclose(f);
	serve_config_t c;
	diag_t d = {0};
	serve_config_init(&c);
	bool ok = serve_config_load_file(&c, path, &d);
	if (!ok)
		diag_print(&d, stderr);
	assert_true(ok);
	assert_int_equal(serve_zones_count(c.servers[0].zones), 1);
	serve_config_free(&c);
	/* the scenario loader takes servers: and a resolver file without
	 * cases: */
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("suite: x\nrole: resolver\nservers:\n  - name: a\n"
	      "    addresses: 127.0.0.2\n",
	      f);
	fclose(f);
	sc_suite_t suite;
	memset(&d, 0, sizeof(d));
	ok = sc_load_file(path, NULL, &suite, &d);
	if (!ok)
		diag_print(&d, stderr);
	assert_true(ok);
	assert_int_equal(suite.role, SC_ROLE_RESOLVER);
	assert_int_equal(suite.ncases, 0);
	sc_suite_free(&suite);
	snprintf(path, sizeof(path), "%s/example.zone", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/s.yaml", dir);
	unlink(path);
	rmdir(dir);
}

/* ---- the matcher -------------------------------------------------------- */

typedef struct match_case {
	const char *match; /* the match: map */
	const char *query; /* a query: map for sc_query_build */
	bool tcp;
	bool want;
} match_case_t;

#define CK_CLIENT "{client: 0102030405060708}"
#define CK_SERVER "{client: 0102030405060708, server: 1112131415161718}"
#define ECS4	  "{ecs: {family: 1, source: 24, address: 192.0.2.0}}"
#define ECS6	  "{ecs: {family: 2, source: 56, address: \"2001:db8:1::\"}}"

static const match_case_t match_cases[] = {
    {"{}", "{name: a.example.}", false, true},
    {"{qname: A.EXAMPLE.}", "{name: a.example.}", false, true},
    {"{qname: example.}", "{name: a.example.}", false, false},
    {"{qname_sub: example.}", "{name: a.b.example.}", false, true},
    {"{qname_sub: example.}", "{name: example.}", false, true},
    {"{qname_sub: example.}", "{name: example.org.}", false, false},
    {"{qname_case: wWw.Example.}", "{name: wWw.Example.}", false, true},
    {"{qname_case: wWw.Example.}", "{name: www.example.}", false, false},
    {"{qtype: AAAA}", "{name: x., type: AAAA}", false, true},
    {"{qtype: 28}", "{name: x., type: A}", false, false},
    {"{qclass: CH}", "{name: x., class: CH}", false, true},
    {"{qclass: CH}", "{name: x.}", false, false},
    {"{opcode: NOTIFY}", "{name: x., opcode: NOTIFY}", false, true},
    {"{opcode: 0}", "{name: x., opcode: NOTIFY}", false, false},
    {"{flags: {has: rd}}", "{name: x., flags: {rd: 1}}", false, true},
    {"{flags: {has: [rd, cd]}}", "{name: x., flags: {rd: 1}}", false, false},
    {"{flags: {lacks: [rd]}}", "{name: x., flags: {rd: 1}}", false, false},
    {"{flags: {lacks: [ad]}}", "{name: x., flags: {rd: 1}}", false, true},
    {"{do: true}", "{name: x., edns: {do: true}}", false, true},
    {"{do: true}", "{name: x., edns: true}", false, false},
    {"{do: false}", "{name: x.}", false, true},
    {"{edns: true}", "{name: x., edns: true}", false, true},
    {"{edns: false}", "{name: x., edns: true}", false, false},
    {"{edns: false}", "{name: x.}", false, true},
    {"{edns_version: 1}", "{name: x., edns: {version: 1}}", false, true},
    {"{edns_version: 0}", "{name: x.}", false, false},
    {"{option: COOKIE}", "{name: x., edns: {options: [{cookie: random}]}}",
     false, true},
    {"{option: [NSID, 10]}",
     "{name: x., edns: {options: [{nsid: \"\"}, {cookie: random}]}}", false,
     true},
    {"{option: NSID}", "{name: x., edns: {options: [{cookie: random}]}}", false,
     false},
    {"{option: NSID}", "{name: x.}", false, false},
    {"{transport: tcp}", "{name: x.}", true, true},
    {"{transport: tcp}", "{name: x.}", false, false},
    {"{transport: udp}", "{name: x.}", false, true},
    {"{qname: x.}", "{no_question: true}", false, false},
    {"{opcode: QUERY}", "{hex: \"0000\"}", false, false},
    {"{transport: udp}", "{hex: \"0000\"}", false, true},
    /* cookie: absent / client (8 bytes) / server (16 to 40) */
    {"{cookie: absent}", "{name: x.}", false, true},
    {"{cookie: absent}", "{name: x., edns: true}", false, true},
    {"{cookie: absent}", "{name: x., edns: {options: [{cookie: random}]}}",
     false, false},
    {"{cookie: client}", "{name: x., edns: {options: [{cookie: random}]}}",
     false, true},
    {"{cookie: client}",
     "{name: x., edns: {options: [{cookie: " CK_SERVER "}]}}", false, false},
    {"{cookie: client}", "{name: x.}", false, false},
    {"{cookie: server}",
     "{name: x., edns: {options: [{cookie: " CK_SERVER "}]}}", false, true},
    {"{cookie: server}",
     "{name: x., edns: {options: [{cookie: " CK_CLIENT "}]}}", false, false},
    /* a COOKIE of a bad length (5 bytes) is none of the three */
    {"{cookie: client}",
     "{name: x., edns: {options: [{code: 10, hex: "
     "\"0102030405\"}]}}",
     false, false},
    {"{cookie: absent}",
     "{name: x., edns: {options: [{code: 10, hex: "
     "\"0102030405\"}]}}",
     false, false},
    /* ecs: presence, then RFC 7871's fields */
    {"{ecs: true}", "{name: x., edns: {options: [" ECS4 "]}}", false, true},
    {"{ecs: true}", "{name: x., edns: true}", false, false},
    {"{ecs: false}", "{name: x., edns: true}", false, true},
    {"{ecs: false}", "{name: x., edns: {options: [" ECS4 "]}}", false, false},
    {"{ecs: {family: 1}}", "{name: x., edns: {options: [" ECS4 "]}}", false,
     true},
    {"{ecs: {family: 2}}", "{name: x., edns: {options: [" ECS4 "]}}", false,
     false},
    {"{ecs: {source_prefix: 24}}", "{name: x., edns: {options: [" ECS4 "]}}",
     false, true},
    {"{ecs: {source_prefix: 25}}", "{name: x., edns: {options: [" ECS4 "]}}",
     false, false},
    {"{ecs: {scope_prefix: 0}}", "{name: x., edns: {options: [" ECS4 "]}}",
     false, true},
    {"{ecs: {scope_prefix: 0}}",
     "{name: x., edns: {options: [{ecs: {family: 1, source: 24, scope: 8, "
     "address: 192.0.2.0}}]}}",
     false, false},
    {"{ecs: {address: 192.0.2.0/24}}",
     "{name: x., edns: {options: [" ECS4 "]}}", false, true},
    {"{ecs: {address: 192.0.0.0/16}}",
     "{name: x., edns: {options: [" ECS4 "]}}", false, true},
    {"{ecs: {address: 192.0.3.0/24}}",
     "{name: x., edns: {options: [" ECS4 "]}}", false, false},
    /* the query's prefix is shorter than the one asked for */
    {"{ecs: {address: 192.0.2.0/25}}",
     "{name: x., edns: {options: [" ECS4 "]}}", false, false},
    {"{ecs: {address: \"2001:db8::/32\"}}",
     "{name: x., edns: {options: [" ECS6 "]}}", false, true},
    {"{ecs: {address: \"2001:db8::/32\"}}",
     "{name: x., edns: {options: [" ECS4 "]}}", false, false},
    {"{ecs: {family: 2, source_prefix: 56}}",
     "{name: x., edns: {options: [" ECS6 "]}}", false, true},
};

/* step: against the runner's step when the query arrives (0: none). */
static const struct {
	const char *match;
	unsigned long step;
	bool want;
} step_cases[] = {
    {"{step: 3}", 3, true},
    {"{step: 3}", 4, false},
    {"{step: 3}", 0, false},
    {"{step: {min: 2}}", 9, true},
    {"{step: {min: 2}}", 1, false},
    {"{step: {max: 2}}", 1, true},
    {"{step: {max: 2}}", 0, false},
    {"{step: {min: 2, max: 4}}", 4, true},
    {"{step: {min: 2, max: 4}}", 5, false},
};

/* Does the query (a query: map) arriving at step meet match:? */
static bool match_one(const char *match, const char *query, bool tcp,
		      unsigned long step)
{
	char yaml[512];
	serve_config_t c;
	diag_t d;
	snprintf(yaml, sizeof(yaml),
		 "servers:\n  - name: a\n    addresses: 127.0.0.2\n"
		 "    rules: [{match: %s, drop: true}]\n",
		 match);
	bool ok = load_cfg(yaml, &c, &d);
	if (!ok)
		diag_print(&d, stderr);
	assert_true(ok);
	dns_arena_t arena;
	dns_arena_init(&arena, 0);
	const node_t *q = node_parse(query, strlen(query), "q", &arena, &d);
	sc_query_t sq;
	assert_non_null(q);
	assert_true(sc_query_build(q, &arena, &sq, &d));
	dns_msg_t m;
	serve_qview_t v;
	dns_msg_decode(&m, sq.wire, sq.len, DNS_DECODE_SURVEY, &arena);
	serve_qview_init(&v, sq.wire, sq.len, &m, tcp);
	v.step = step;
	bool got = serve_match_query(&c.servers[0].rules[0].match, &v);
	dns_arena_free(&arena);
	serve_config_free(&c);
	return got;
}

static void test_match_step(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(step_cases) / sizeof(step_cases[0]);
	     i++) {
		bool got = match_one(step_cases[i].match, "{name: x.}", false,
				     step_cases[i].step);
		if (got != step_cases[i].want)
			fprintf(stderr, "step case %zu: %s at step %lu\n", i,
				step_cases[i].match, step_cases[i].step);
		assert_int_equal(got, step_cases[i].want);
	}
}

static void test_match(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(match_cases) / sizeof(match_cases[0]);
	     i++) {
		const match_case_t *mc = &match_cases[i];
		bool got = match_one(mc->match, mc->query, mc->tcp, 0);
		if (got != mc->want)
			fprintf(stderr, "match case %zu: %s vs %s\n", i,
				mc->match, mc->query);
		assert_int_equal(got, mc->want);
	}
}

/* ---- actions on the wire ------------------------------------------------ */

static fx_t *start_example(const char *rules)
{
	static char yaml[8192];
	snprintf(yaml, sizeof(yaml),
		 "servers:\n"
		 "  - name: auth\n"
		 "    addresses: [127.0.0.2]\n"
		 "    zones:\n%s"
		 "    rules:\n%s"
		 "  - name: other\n"
		 "    addresses: [127.0.0.3]\n"
		 "    zones:\n"
		 "      - |\n"
		 "        $ORIGIN other.\n"
		 "        @ 60 IN SOA ns host 1 2 3 4 5\n"
		 "        @ 60 IN NS ns\n"
		 "        ns 60 IN A 127.0.0.3\n",
		 zone_example, rules[0] ? rules : "      []\n");
	return fx_start(yaml);
}

static struct sockaddr_in auth(fx_t *f)
{
	return server_addr(f, "127.0.0.2", 0);
}

/* No rule: the zones answer, on both servers, which share one port. */
static void test_zone_answer(void **state)
{
	(void)state;
	fx_t *f = start_example("");
	uint8_t q[512], r[4096];
	got_t g;
	assert_int_equal(serve_port(f->s, 0), serve_port(f->s, 1));
	struct sockaddr_in to = auth(f);
	size_t n = udp_ask(
	    &to, q, make_query(q, 0x1234, "www.example.", 1, false, false), r,
	    sizeof(r));
	decode(&g, r, n);
	assert_int_equal(g.m.id, 0x1234);
	assert_true(g.m.flags & DNS_F_QR);
	assert_true(g.m.flags & DNS_F_AA);
	assert_int_equal(g.m.nsec[DNS_SEC_ANSWER], 1);
	assert_int_equal(g.m.sec[DNS_SEC_ANSWER][0].type, 1);
	dns_arena_free(&g.arena);
	/* the other server has only other. */
	to = server_addr(f, "127.0.0.3", 1);
	n = udp_ask(&to, q, make_query(q, 7, "www.example.", 1, false, false),
		    r, sizeof(r));
	decode(&g, r, n);
	assert_int_equal(DNS_RCODE(g.m.flags), 5); /* REFUSED */
	dns_arena_free(&g.arena);
	/* over TCP */
	int fd = tcp_client(&to);
	tcp_send(fd, q, make_query(q, 8, "ns.other.", 1, false, false));
	ssize_t m = tcp_recv(fd, r, sizeof(r));
	assert_true(m > 0);
	decode(&g, r, (size_t)m);
	assert_int_equal(g.m.id, 8);
	assert_int_equal(g.m.nsec[DNS_SEC_ANSWER], 1);
	dns_arena_free(&g.arena);
	close(fd);
	fx_free(f);
}

/* reply: copies the ID, the question (its case too), RD and the opcode;
 * sets QR; the rest is as written. */
static void test_reply_yaml(void **state)
{
	(void)state;
	fx_t *f = start_example(
	    "      - match: {qname_sub: example.}\n"
	    "        reply:\n"
	    "          rcode: NXDOMAIN\n"
	    "          flags: {aa: true}\n"
	    "          authority: [\"example. 60 SOA ns1.example. h. 1 2 3 4 "
	    "5\"]\n");
	uint8_t q[512], r[4096];
	char name[300];
	got_t g;
	struct sockaddr_in to = auth(f);
	size_t n = udp_ask(
	    &to, q, make_query(q, 0xbeef, "NoSuCh.ExAmPlE.", 16, false, false),
	    r, sizeof(r));
	decode(&g, r, n);
	assert_int_equal(g.m.id, 0xbeef);
	assert_int_equal(g.m.flags & (DNS_F_QR | DNS_F_AA | DNS_F_RD),
			 DNS_F_QR | DNS_F_AA | DNS_F_RD);
	assert_int_equal(DNS_RCODE(g.m.flags), 3);
	first_qname(&g, name, sizeof(name));
	assert_string_equal(name, "NoSuCh.ExAmPlE.");
	assert_int_equal(g.m.qd[0].qtype, 16);
	assert_int_equal(g.m.nsec[DNS_SEC_AUTHORITY], 1);
	dns_arena_free(&g.arena);
	/* a QNAME that needs escapes in text is copied exactly */
	static const char odd[] = "a\\.b\\ c\\000.Example.";
	n = udp_ask(&to, q, make_query(q, 1, odd, 1, false, false), r,
		    sizeof(r));
	decode(&g, r, n);
	dns_name_t want;
	assert_int_equal(dns_name_from_str(odd, NULL, &want), DNS_OK);
	assert_int_equal(g.m.nqd, 1);
	assert_int_equal(g.m.qd[0].name.len, want.len);
	assert_memory_equal(g.m.qd[0].name.wire, want.wire, want.len);
	dns_arena_free(&g.arena);
	fx_free(f);
}

/* hex: the ID is patched unless keep_id: true. */
static void test_hex(void **state)
{
	(void)state;
	fx_t *f =
	    start_example("      - match: {qname: a.example.}\n"
			  "        hex: \"ffff 8180 0000 0000 0000 0000\"\n"
			  "      - match: {qname: b.example.}\n"
			  "        hex: \"ffff 8180 0000 0000 0000 0000\"\n"
			  "        keep_id: true\n"
			  "      - {match: {qname: e.example.}, reply: {}}\n");
	uint8_t q[512], r[4096];
	struct sockaddr_in to = auth(f);
	size_t n = udp_ask(&to, q,
			   make_query(q, 0x0102, "a.example.", 1, false, false),
			   r, sizeof(r));
	static const uint8_t want[] = {1, 2, 0x81, 0x80, 0, 0,
				       0, 0, 0,	   0,	 0, 0};
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(r, want, sizeof(want));
	n = udp_ask(&to, q,
		    make_query(q, 0x0102, "b.example.", 1, false, false), r,
		    sizeof(r));
	assert_int_equal(n, 12);
	assert_int_equal(dns_get_u16(r), 0xffff);
	/* reply: {} - the query's ID and question, QR and RD, nothing else */
	size_t len = make_query(q, 0x0304, "e.example.", 1, false, false);
	n = udp_ask(&to, q, len, r, sizeof(r));
	assert_int_equal(n, len);
	assert_int_equal(dns_get_u16(r), 0x0304);
	assert_int_equal(dns_get_u16(r + 2), DNS_F_QR | DNS_F_RD);
	assert_memory_equal(r + 4, q + 4, len - 4);
	fx_free(f);
}

/* drop: nothing comes back; the query is logged all the same. */
static void test_drop(void **state)
{
	(void)state;
	fx_t *f = start_example("      - {match: {qtype: MX}, drop: true}\n");
	uint8_t q[512], r[512];
	struct sockaddr_in to = auth(f), from;
	int fd = udp_client();
	udp_send(fd, &to, q, make_query(q, 1, "example.", 15, false, false));
	assert_true(udp_recv(fd, r, sizeof(r), QUIET_MS, &from) < 0);
	/* a query the rule does not match is answered */
	udp_send(fd, &to, q, make_query(q, 2, "example.", 6, false, false));
	assert_true(udp_recv(fd, r, sizeof(r), WAIT_MS, &from) >= 12);
	assert_int_equal(dns_get_u16(r), 2);
	close(fd);
	fx_halt(f);
	assert_int_equal(serve_log_count(f->s), 2);
	assert_int_equal(serve_log_get(f->s, 0)->src, SERVE_SRC_DROP);
	assert_int_equal(serve_log_get(f->s, 0)->sent, 0);
	assert_int_equal(serve_log_get(f->s, 1)->rule, -1);
	fx_free(f);
}

/* delay: the answer does not come before the delay. */
static void test_delay(void **state)
{
	(void)state;
	fx_t *f = start_example("      - {match: {qtype: A}, delay: 200ms}\n");
	uint8_t q[512], r[4096];
	struct sockaddr_in to = auth(f), from;
	int fd = udp_client();
	size_t len = make_query(q, 5, "www.example.", 1, false, false);
	double t0 = now_ms();
	udp_send(fd, &to, q, len);
	/* a second, undelayed query is answered first */
	udp_send(fd, &to, q, make_query(q, 6, "example.", 6, false, false));
	ssize_t n = udp_recv(fd, r, sizeof(r), WAIT_MS, &from);
	assert_true(n >= 12);
	assert_int_equal(dns_get_u16(r), 6);
	n = udp_recv(fd, r, sizeof(r), WAIT_MS, &from);
	double t1 = now_ms();
	assert_true(n >= 12);
	assert_int_equal(dns_get_u16(r), 5);
	/* libuv timers count from the loop's cached time, which may be a
	 * little older than the query's arrival: allow that much */
	assert_true(t1 - t0 >= 180.0);
	close(fd);
	fx_free(f);
}

/* tc: the zone answer cut to header and question, TC set. */
static void test_tc(void **state)
{
	(void)state;
	fx_t *f =
	    start_example("      - {match: {transport: udp}, tc: true}\n");
	uint8_t q[512], r[4096];
	got_t g;
	struct sockaddr_in to = auth(f);
	size_t n =
	    udp_ask(&to, q, make_query(q, 9, "www.example.", 1, false, false),
		    r, sizeof(r));
	decode(&g, r, n);
	assert_true(g.m.flags & DNS_F_TC);
	assert_true(g.m.flags & DNS_F_AA);
	assert_int_equal(g.m.nqd, 1);
	assert_int_equal(g.m.nsec[DNS_SEC_ANSWER], 0);
	assert_int_equal(g.m.nsec[DNS_SEC_ADDITIONAL], 0);
	dns_arena_free(&g.arena);
	/* TCP gets the full answer */
	int fd = tcp_client(&to);
	tcp_send(fd, q, make_query(q, 10, "www.example.", 1, false, false));
	ssize_t m = tcp_recv(fd, r, sizeof(r));
	assert_true(m > 0);
	decode(&g, r, (size_t)m);
	assert_false(g.m.flags & DNS_F_TC);
	assert_int_equal(g.m.nsec[DNS_SEC_ANSWER], 1);
	dns_arena_free(&g.arena);
	close(fd);
	fx_free(f);
}

/* TCP: close after the answer, close without one, reset. */
static void test_tcp_close_reset(void **state)
{
	(void)state;
	fx_t *f =
	    start_example("      - {match: {qname: c.example.}, close: true}\n"
			  "      - {match: {qname: d.example.}, drop: true, "
			  "close: true}\n"
			  "      - {match: {qname: r.example.}, drop: true, "
			  "reset: true}\n");
	uint8_t q[512], r[4096];
	struct sockaddr_in to = auth(f);
	int fd = tcp_client(&to);
	tcp_send(fd, q, make_query(q, 1, "c.example.", 1, false, false));
	assert_true(tcp_recv(fd, r, sizeof(r)) >= 12); /* the NXDOMAIN */
	assert_int_equal(tcp_recv(fd, r, sizeof(r)), 0);
	close(fd);
	fd = tcp_client(&to);
	tcp_send(fd, q, make_query(q, 2, "d.example.", 1, false, false));
	assert_int_equal(tcp_recv(fd, r, sizeof(r)), 0);
	close(fd);
	fd = tcp_client(&to);
	tcp_send(fd, q, make_query(q, 3, "r.example.", 1, false, false));
	assert_int_equal(tcp_recv(fd, r, sizeof(r)), -ECONNRESET);
	close(fd);
	fx_free(f);
}

/* TCP: several messages for one query, pipelined queries, and a zero
 * length that ends the connection. */
static void test_tcp_stream(void **state)
{
	(void)state;
	fx_t *f = start_example("      - match: {qname: two.example.}\n"
				"        reply: [{rcode: SERVFAIL}, "
				"{rcode: REFUSED}]\n");
	uint8_t q[512], r[4096];
	struct sockaddr_in to = auth(f);
	int fd = tcp_client(&to);
	tcp_send(fd, q, make_query(q, 1, "two.example.", 1, false, false));
	tcp_send(fd, q, make_query(q, 2, "www.example.", 1, false, false));
	assert_true(tcp_recv(fd, r, sizeof(r)) >= 12);
	assert_int_equal(dns_get_u16(r), 1);
	assert_int_equal(DNS_RCODE(dns_get_u16(r + 2)), 2);
	assert_true(tcp_recv(fd, r, sizeof(r)) >= 12);
	assert_int_equal(dns_get_u16(r), 1);
	assert_int_equal(DNS_RCODE(dns_get_u16(r + 2)), 5);
	assert_true(tcp_recv(fd, r, sizeof(r)) >= 12);
	assert_int_equal(dns_get_u16(r), 2);
	static const uint8_t zero[2] = {0, 0};
	assert_int_equal(write(fd, zero, 2), 2);
	assert_int_equal(tcp_recv(fd, r, sizeof(r)), 0);
	close(fd);
	fx_free(f);
}

/* drip: over TCP one byte at a time, then the close; over UDP at once. */
static void test_drip(void **state)
{
	(void)state;
	fx_t *f =
	    start_example("      - match: {qname: s.example.}\n"
			  "        hex: \"0000 8181 0000 0000 0000 0000\"\n"
			  "        drip: 20ms\n"
			  "        close: true\n");
	uint8_t q[512], r[64];
	struct sockaddr_in to = auth(f);
	int fd = tcp_client(&to);
	double t0 = now_ms();
	tcp_send(fd, q, make_query(q, 7, "s.example.", 1, false, false));
	size_t have = 0, reads = 0;
	for (;;) {
		struct pollfd p = {fd, POLLIN, 0};
		assert_int_equal(poll(&p, 1, WAIT_MS), 1);
		ssize_t n = read(fd, r + have, sizeof(r) - have);
		assert_true(n >= 0);
		if (n == 0)
			break; /* the close, after the last byte */
		have += (size_t)n;
		reads++;
	}
	double took = now_ms() - t0;
	close(fd);
	assert_int_equal(have, 14); /* prefix and 12 bytes */
	assert_int_equal(dns_get_u16(r), 12);
	assert_int_equal(dns_get_u16(r + 2), 7); /* the ID patched */
	assert_true(reads >= 7); /* many reads, whatever the timing */
	assert_true(took >= 13 * 20 - 5);
	t0 = now_ms();
	size_t qlen = make_query(q, 8, "s.example.", 1, false, false);
	assert_int_equal(udp_ask(&to, q, qlen, r, sizeof(r)), 12);
	assert_true(now_ms() - t0 < 200); /* no drip over UDP */
	fx_free(f);
}

/* wrong_id and duplicate. */
static void test_wrong_id_duplicate(void **state)
{
	(void)state;
	fx_t *f = start_example(
	    "      - {match: {qname: w.example.}, wrong_id: true}\n"
	    "      - {match: {qname: d.example.}, duplicate: 2}\n");
	uint8_t q[512], r[4096];
	struct sockaddr_in to = auth(f), from;
	size_t n = udp_ask(&to, q,
			   make_query(q, 0x4000, "w.example.", 1, false, false),
			   r, sizeof(r));
	assert_true(n >= 12);
	assert_int_equal(dns_get_u16(r), 0x4001);
	int fd = udp_client();
	udp_send(fd, &to, q,
		 make_query(q, 0x77, "d.example.", 1, false, false));
	for (int i = 0; i < 3; i++) {
		assert_true(udp_recv(fd, r, sizeof(r), WAIT_MS, &from) >= 12);
		assert_int_equal(dns_get_u16(r), 0x77);
	}
	assert_true(udp_recv(fd, r, sizeof(r), QUIET_MS, &from) < 0);
	close(fd);
	fx_free(f);
}

/* from_port: other, and from_address:. */
static void test_other_source(void **state)
{
	(void)state;
	fx_t *f = start_example(
	    "      - {match: {qname: p.example.}, from_port: other}\n"
	    "      - {match: {qname: a.example.}, from_address: 127.0.0.9}\n");
	uint8_t q[512], r[4096];
	struct sockaddr_in to = auth(f), from;
	int fd = udp_client();
	udp_send(fd, &to, q, make_query(q, 1, "p.example.", 1, false, false));
	assert_true(udp_recv(fd, r, sizeof(r), WAIT_MS, &from) >= 12);
	assert_int_equal(from.sin_addr.s_addr, to.sin_addr.s_addr);
	assert_int_not_equal(from.sin_port, to.sin_port);
	udp_send(fd, &to, q, make_query(q, 2, "a.example.", 1, false, false));
	assert_true(udp_recv(fd, r, sizeof(r), WAIT_MS, &from) >= 12);
	assert_int_equal(ntohl(from.sin_addr.s_addr), 0x7f000009);
	assert_int_equal(from.sin_port, to.sin_port);
	close(fd);
	fx_free(f);
}

/* count: the rule applies to the first two matching queries only. */
static void test_count(void **state)
{
	(void)state;
	fx_t *f =
	    start_example("      - match: {qname: www.example., count: 2}\n"
			  "        reply: {rcode: SERVFAIL}\n"
			  "      - match: {qname: www.example., "
			  "count: {min: 4}}\n"
			  "        reply: {rcode: REFUSED}\n");
	uint8_t q[512], r[4096];
	static const unsigned want[] = {2, 2, 0, 5, 5};
	struct sockaddr_in to = auth(f);
	for (size_t i = 0; i < 5; i++) {
		size_t n = udp_ask(
		    &to, q,
		    make_query(q, (uint16_t)i, "www.example.", 1, false, false),
		    r, sizeof(r));
		assert_true(n >= 12);
		assert_int_equal(DNS_RCODE(dns_get_u16(r + 2)), want[i]);
	}
	fx_free(f);
}

/* step: the rule applies once the runner's step is in range, and the log
 * records the step each query arrived in (set between exchanges, as the
 * runners do). */
static void test_step(void **state)
{
	(void)state;
	fx_t *f = start_example(
	    "      - match: {qname: www.example., step: {min: 2, max: 3}}\n"
	    "        reply: {rcode: REFUSED}\n");
	uint8_t q[512], r[4096];
	static const unsigned long steps[] = {0, 1, 2, 3, 4};
	static const unsigned want[] = {0, 0, 5, 5, 0};
	struct sockaddr_in to = auth(f);
	for (size_t i = 0; i < 5; i++) {
		serve_set_step(f->s, steps[i]);
		size_t n = udp_ask(
		    &to, q,
		    make_query(q, (uint16_t)i, "www.example.", 1, false, false),
		    r, sizeof(r));
		assert_true(n >= 12);
		assert_int_equal(DNS_RCODE(dns_get_u16(r + 2)), want[i]);
	}
	assert_int_equal(serve_log_count(f->s), 5);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(serve_log_get(f->s, i)->step, steps[i]);
	fx_free(f);
}

/* wire: edits damage the zone answer. */
static void test_wire_edits(void **state)
{
	(void)state;
	fx_t *f = start_example(
	    "      - {match: {qtype: SOA}, wire: [{truncate: 5}]}\n"
	    "      - {match: {qtype: NS}, wire: [{at: 2, set: \"ffff\"}, "
	    "{append: \"abcd\"}]}\n");
	uint8_t q[512], r[4096], z[4096];
	struct sockaddr_in to = auth(f);
	size_t n =
	    udp_ask(&to, q, make_query(q, 3, "example.", 6, false, false), r,
		    sizeof(r));
	assert_int_equal(n, 5);
	assert_int_equal(dns_get_u16(r), 3);
	n = udp_ask(&to, q, make_query(q, 4, "example.", 2, false, false), r,
		    sizeof(r));
	size_t zn =
	    udp_ask(&to, q, make_query(q, 4, "example.", 1, false, false), z,
		    sizeof(z));
	assert_true(n > 14 && zn >= 12);
	assert_int_equal(dns_get_u16(r + 2), 0xffff);
	assert_int_equal(dns_get_u16(r + n - 2), 0xabcd);
	fx_free(f);
}

/* The query log: what came, from where, over what; decoded on demand;
 * cleared; the clock offset. */
static void test_log(void **state)
{
	(void)state;
	fx_t *f = start_example("      - {match: {qtype: MX}, name: mx, "
				"reply: {rcode: NOTIMP}}\n");
	uint8_t q[512], r[4096];
	struct sockaddr_in to = auth(f);
	size_t len = make_query(q, 0x1111, "www.example.", 15, true, true);
	udp_ask(&to, q, len, r, sizeof(r));
	struct sockaddr_in other = server_addr(f, "127.0.0.3", 1);
	int fd = tcp_client(&other);
	tcp_send(fd, q, make_query(q, 0x2222, "x.other.", 1, false, false));
	assert_true(tcp_recv(fd, r, sizeof(r)) > 0);
	close(fd);
	fx_halt(f);
	assert_int_equal(serve_log_count(f->s), 2);
	assert_int_equal(serve_log_dropped(f->s), 0);
	const serve_log_entry_t *a = serve_log_get(f->s, 0);
	const serve_log_entry_t *b = serve_log_get(f->s, 1);
	assert_null(serve_log_get(f->s, 2));
	assert_string_equal(a->name, "auth");
	assert_int_equal(a->server, 0);
	assert_false(a->tcp);
	assert_int_equal(a->len, len);
	assert_int_equal(dns_get_u16(a->msg), 0x1111);
	assert_int_equal(a->rule, 0);
	assert_string_equal(a->rule_name, "mx");
	assert_int_equal(a->src, SERVE_SRC_REPLY);
	assert_int_equal(a->sent, 1);
	const struct sockaddr_in *cl = (const struct sockaddr_in *)&a->client;
	assert_int_equal(ntohl(cl->sin_addr.s_addr), 0x7f000001);
	const struct sockaddr_in *lo = (const struct sockaddr_in *)&a->local;
	assert_int_equal(ntohl(lo->sin_addr.s_addr), 0x7f000002);
	assert_string_equal(b->name, "other");
	assert_true(b->tcp);
	assert_int_equal(b->rule, -1);
	assert_int_equal(b->kind, SERVE_K_NXDOMAIN);
	assert_true(b->t_ms >= a->t_ms);
	dns_arena_t arena;
	dns_msg_t m;
	char name[300], line[512];
	dns_arena_init(&arena, 0);
	assert_int_equal(serve_log_decode(a, &arena, &m), DNS_OK);
	assert_int_equal(m.qd[0].qtype, 15);
	assert_non_null(m.opt);
	dns_name_to_text(&m.qd[0].name, name, sizeof(name));
	assert_string_equal(name, "www.example.");
	dns_arena_free(&arena);
	serve_log_line(a, line, sizeof(line));
	assert_non_null(strstr(line, "auth udp 127.0.0.1:"));
	assert_non_null(strstr(line, "www.example. MX IN: rule 1 'mx': reply"));
	serve_log_line(b, line, sizeof(line));
	assert_non_null(strstr(line, "x.other. A IN: zone nxdomain, 1 sent"));
	/* the virtual clock */
	double t = serve_now_ms(f->s);
	serve_clock_advance(f->s, 3600e3);
	assert_true(serve_now_ms(f->s) >= t + 3600e3);
	serve_log_clear(f->s);
	assert_int_equal(serve_log_count(f->s), 0);
	fx_free(f);
}

/* A full log drops (and counts) what does not fit. */
static void test_log_bound(void **state)
{
	(void)state;
	serve_run_opts_t o = {.port_mode = SERVE_PORT_FREE, .log_max = 3};
	fx_t *f =
	    fx_start_opts("servers: [{name: a, addresses: 127.0.0.2}]\n", o);
	uint8_t q[512], r[512];
	struct sockaddr_in to = server_addr(f, "127.0.0.2", 0);
	for (uint16_t i = 0; i < 5; i++)
		udp_ask(&to, q, make_query(q, i, "x.", 1, false, false), r,
			sizeof(r));
	fx_halt(f);
	assert_int_equal(serve_log_count(f->s), 3);
	assert_int_equal(serve_log_dropped(f->s), 2);
	fx_free(f);
}

/* TCP: connections over the limit are closed at once, idle ones after
 * the idle time. */
static void test_tcp_limits(void **state)
{
	(void)state;
	serve_run_opts_t o = {
	    .port_mode = SERVE_PORT_FREE, .tcp_conns = 1, .tcp_idle_ms = 150};
	fx_t *f =
	    fx_start_opts("servers: [{name: a, addresses: 127.0.0.2}]\n", o);
	uint8_t q[512], r[512];
	struct sockaddr_in to = server_addr(f, "127.0.0.2", 0);
	int one = tcp_client(&to);
	tcp_send(one, q, make_query(q, 1, "x.", 1, false, false));
	assert_true(tcp_recv(one, r, sizeof(r)) >= 12);
	int two = tcp_client(&to);
	assert_int_equal(tcp_recv(two, r, sizeof(r)), 0);
	assert_int_equal(tcp_recv(one, r, sizeof(r)), 0);
	close(one);
	close(two);
	fx_free(f);
}

/* A client that half-closes still gets its delayed answer; stopping with
 * replies pending frees them (ASan watches for leaks). */
static void test_pending(void **state)
{
	(void)state;
	fx_t *f = start_example(
	    "      - {match: {qname: slow.example.}, delay: 100ms}\n"
	    "      - {match: {qname: stuck.example.}, delay: 60s}\n");
	uint8_t q[512], r[4096];
	struct sockaddr_in to = auth(f), from;
	int fd = tcp_client(&to);
	tcp_send(fd, q, make_query(q, 1, "slow.example.", 1, false, false));
	assert_int_equal(shutdown(fd, SHUT_WR), 0);
	assert_true(tcp_recv(fd, r, sizeof(r)) >= 12);
	assert_int_equal(dns_get_u16(r), 1);
	assert_int_equal(tcp_recv(fd, r, sizeof(r)), 0);
	close(fd);
	fd = tcp_client(&to);
	tcp_send(fd, q, make_query(q, 2, "stuck.example.", 1, false, false));
	int ufd = udp_client();
	udp_send(ufd, &to, q,
		 make_query(q, 3, "stuck.example.", 1, false, false));
	assert_true(udp_recv(ufd, r, sizeof(r), QUIET_MS, &from) < 0);
	fx_halt(f);
	assert_int_equal(serve_log_count(f->s), 3);
	assert_int_equal(tcp_recv(fd, r, sizeof(r)), 0); /* closed by stop */
	close(fd);
	close(ufd);
	fx_free(f);
}

/* AXFR over TCP: the zone from its SOA to its SOA. */
static void test_axfr(void **state)
{
	(void)state;
	fx_t *f = start_example("");
	uint8_t q[512], r[65535];
	struct sockaddr_in to = auth(f);
	int fd = tcp_client(&to);
	tcp_send(fd, q, make_query(q, 0x5a5a, "example.", 252, false, false));
	unsigned soa = 0, records = 0;
	for (int i = 0; i < 8 && soa < 2; i++) {
		ssize_t n = tcp_recv(fd, r, sizeof(r));
		got_t g;
		assert_true(n >= 12);
		decode(&g, r, (size_t)n);
		assert_int_equal(g.m.id, 0x5a5a);
		for (unsigned k = 0; k < g.m.nsec[DNS_SEC_ANSWER]; k++) {
			records++;
			soa += g.m.sec[DNS_SEC_ANSWER][k].type == 6;
		}
		dns_arena_free(&g.arena);
	}
	assert_int_equal(soa, 2);
	assert_int_equal(records, 5); /* SOA NS A A SOA */
	close(fd);
	fx_free(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_config_errors),
	    cmocka_unit_test(test_config_model),
	    cmocka_unit_test(test_config_file),
	    cmocka_unit_test(test_match),
	    cmocka_unit_test(test_match_step),
	    cmocka_unit_test(test_match_errors_at),
	    cmocka_unit_test(test_zone_answer),
	    cmocka_unit_test(test_reply_yaml),
	    cmocka_unit_test(test_hex),
	    cmocka_unit_test(test_drop),
	    cmocka_unit_test(test_delay),
	    cmocka_unit_test(test_tc),
	    cmocka_unit_test(test_tcp_close_reset),
	    cmocka_unit_test(test_tcp_stream),
	    cmocka_unit_test(test_drip),
	    cmocka_unit_test(test_wrong_id_duplicate),
	    cmocka_unit_test(test_other_source),
	    cmocka_unit_test(test_count),
	    cmocka_unit_test(test_step),
	    cmocka_unit_test(test_wire_edits),
	    cmocka_unit_test(test_log),
	    cmocka_unit_test(test_log_bound),
	    cmocka_unit_test(test_tcp_limits),
	    cmocka_unit_test(test_pending),
	    cmocka_unit_test(test_axfr),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
