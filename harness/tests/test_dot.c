/* test_dot.c - DNS over TLS (net/dot.h): client exchanges through a TCP
 * pool with TLS against a small OpenSSL server running in a thread on
 * 127.0.0.1 and a free port, with a self-signed certificate made here
 * (EC P-256, CN and SAN dot.test, SAN IP 127.0.0.1). Each server
 * behaviour must give its named outcome; no timing is measured. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "dns/arena.h"
#include "net/dot.h"
#include "net/exchange.h"
#include "net/loop.h"

/* ---- the certificate ---------------------------------------------------- */

static EVP_PKEY *g_key;
static X509 *g_cert;
static char g_cert_path[] = "/tmp/test_dot_cert_XXXXXX";

static void add_ext(X509 *x, int nid, const char *value)
{
	X509V3_CTX v3;
	X509V3_set_ctx_nodb(&v3);
	X509V3_set_ctx(&v3, x, x, NULL, NULL, 0);
	X509_EXTENSION *ext = X509V3_EXT_conf_nid(NULL, &v3, nid, value);
	assert_non_null(ext);
	assert_int_equal(X509_add_ext(x, ext, -1), 1);
	X509_EXTENSION_free(ext);
}

static void make_cert(void)
{
	g_key = EVP_EC_gen("P-256");
	assert_non_null(g_key);
	X509 *x = X509_new();
	assert_non_null(x);
	assert_int_equal(X509_set_version(x, 2), 1);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 7853);
	X509_gmtime_adj(X509_getm_notBefore(x), -3600);
	X509_gmtime_adj(X509_getm_notAfter(x), 86400);
	assert_int_equal(X509_set_pubkey(x, g_key), 1);
	X509_NAME *n = X509_get_subject_name(x);
	X509_NAME_add_entry_by_txt(n, "CN", MBSTRING_ASC,
				   (const unsigned char *)"dot.test", -1, -1,
				   0);
	assert_int_equal(X509_set_issuer_name(x, n), 1);
	add_ext(x, NID_subject_alt_name, "DNS:dot.test,IP:127.0.0.1");
	add_ext(x, NID_basic_constraints, "critical,CA:TRUE");
	assert_true(X509_sign(x, g_key, EVP_sha256()) > 0);
	g_cert = x;
	int fd = mkstemp(g_cert_path);
	assert_true(fd >= 0);
	FILE *f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(PEM_write_X509(f, x), 1);
	assert_int_equal(fclose(f), 0);
}

static int setup(void **state)
{
	(void)state;
	make_cert();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(g_cert_path);
	X509_free(g_cert);
	EVP_PKEY_free(g_key);
	return 0;
}

/* ---- the server --------------------------------------------------------- */

typedef enum sbehaviour {
	S_OK,	       /* answers each query (the query with QR set) */
	S_REVERSE,     /* reads 3 queries, answers them last first */
	S_GARBAGE,     /* answers the ClientHello with text, not TLS */
	S_CLOSE_TLS,   /* reads a query, sends close_notify, closes */
	S_CLOSE_RAW,   /* reads a query, closes the TCP connection */
	S_CLOSE_EARLY, /* reads the ClientHello, closes */
	S_SILENT,      /* accepts, never says anything */
	S_BAD_RECORD,  /* after the handshake, sends a damaged record */
} sbehaviour_t;

typedef struct server {
	sbehaviour_t b;
	int fd;
	uint16_t port;
	pthread_t th;
	SSL_CTX *ctx;
	atomic_int stop;
	atomic_int accepted;
	atomic_int queries;
	char sni[64];  /* the SNI seen, "" when none */
	char alpn[16]; /* the protocol chosen, "" when none */
} server_t;

static int select_alpn(SSL *ssl, const unsigned char **out,
		       unsigned char *outlen, const unsigned char *in,
		       unsigned inlen, void *arg)
{
	static const unsigned char dot[] = {3, 'd', 'o', 't'};
	(void)ssl, (void)arg;
	unsigned char *sel = NULL;
	if (SSL_select_next_proto(&sel, outlen, dot, sizeof(dot), in, inlen) !=
	    OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_NOACK;
	*out = sel;
	return SSL_TLSEXT_ERR_OK;
}

/* Read exactly n bytes; false on end, error or timeout. */
static bool ssl_read_all(SSL *ssl, uint8_t *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		size_t k = 0;
		if (SSL_read_ex(ssl, buf + got, n - got, &k) != 1)
			return false;
		got += k;
	}
	return true;
}

/* One framed message into buf (cap bytes); its length, or 0. */
static size_t read_frame(SSL *ssl, uint8_t *buf, size_t cap)
{
	uint8_t pfx[2];
	if (!ssl_read_all(ssl, pfx, 2))
		return 0;
	size_t len = (size_t)pfx[0] << 8 | pfx[1];
	if (len == 0 || len > cap || !ssl_read_all(ssl, buf, len))
		return 0;
	return len;
}

/* The query back with QR set, framed, as one record. */
static void answer(SSL *ssl, const uint8_t *q, size_t len)
{
	uint8_t out[2 + 512];
	out[0] = (uint8_t)(len >> 8);
	out[1] = (uint8_t)len;
	memcpy(out + 2, q, len);
	if (len > 2)
		out[4] |= 0x80;
	size_t w = 0;
	SSL_write_ex(ssl, out, len + 2, &w);
}

static void serve_tls(server_t *s, SSL *ssl)
{
	uint8_t q[3][512];
	size_t len[3];
	if (s->b == S_REVERSE) {
		for (int i = 0; i < 3; i++) {
			len[i] = read_frame(ssl, q[i], sizeof(q[i]));
			if (len[i] == 0)
				return;
			atomic_fetch_add(&s->queries, 1);
		}
		for (int i = 3; i-- > 0;)
			answer(ssl, q[i], len[i]);
	}
	if (s->b == S_BAD_RECORD) {
		if (read_frame(ssl, q[0], sizeof(q[0])) == 0)
			return;
		/* application data, 16 bytes claimed, none of it valid */
		static const uint8_t bad[] = {23, 3,  3,  0,  16, 1,  2,
					      3,  4,  5,  6,  7,  8,  9,
					      10, 11, 12, 13, 14, 15, 16};
		(void)!write(SSL_get_fd(ssl), bad, sizeof(bad));
		return;
	}
	while ((len[0] = read_frame(ssl, q[0], sizeof(q[0]))) > 0) {
		atomic_fetch_add(&s->queries, 1);
		if (s->b == S_CLOSE_TLS) {
			SSL_shutdown(ssl);
			return;
		}
		if (s->b == S_CLOSE_RAW)
			return;
		answer(ssl, q[0], len[0]);
	}
}

/* Wait until stopped, 5 s at most. */
static void idle(server_t *s)
{
	for (int i = 0; i < 500 && !atomic_load(&s->stop); i++)
		usleep(10000);
}

static void serve_conn(server_t *s, int fd)
{
	struct timeval tv = {3, 0};
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (s->b == S_CLOSE_EARLY) {
		/* read the ClientHello first: unread data would make the
		 * close a reset */
		uint8_t hello[2048];
		(void)!read(fd, hello, sizeof(hello));
		return;
	}
	if (s->b == S_SILENT) {
		idle(s);
		return;
	}
	if (s->b == S_GARBAGE) {
		static const char text[] = "HTTP/1.1 400 Bad Request\r\n"
					   "Content-Length: 0\r\n\r\n";
		uint8_t hello[2048];
		(void)!read(fd, hello, sizeof(hello));
		(void)!write(fd, text, sizeof(text) - 1);
		idle(s); /* the client is to hang up */
		return;
	}
	SSL *ssl = SSL_new(s->ctx);
	assert_non_null(ssl);
	SSL_set_fd(ssl, fd);
	if (SSL_accept(ssl) == 1) {
		const char *sni =
		    SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
		snprintf(s->sni, sizeof(s->sni), "%s", sni ? sni : "");
		const unsigned char *p = NULL;
		unsigned plen = 0;
		SSL_get0_alpn_selected(ssl, &p, &plen);
		snprintf(s->alpn, sizeof(s->alpn), "%.*s", (int)plen,
			 p ? (const char *)p : "");
		serve_tls(s, ssl);
	}
	SSL_free(ssl); /* no close_notify unless sent above */
}

static void *server_main(void *arg)
{
	server_t *s = arg;
	while (!atomic_load(&s->stop)) {
		struct pollfd p = {s->fd, POLLIN, 0};
		if (poll(&p, 1, 50) <= 0)
			continue;
		int fd = accept(s->fd, NULL, NULL);
		if (fd < 0)
			continue;
		atomic_fetch_add(&s->accepted, 1);
		serve_conn(s, fd);
		close(fd);
	}
	return NULL;
}

static server_t *server_start(sbehaviour_t b)
{
	server_t *s = calloc(1, sizeof(*s));
	assert_non_null(s);
	s->b = b;
	s->ctx = SSL_CTX_new(TLS_server_method());
	assert_non_null(s->ctx);
	assert_int_equal(SSL_CTX_use_certificate(s->ctx, g_cert), 1);
	assert_int_equal(SSL_CTX_use_PrivateKey(s->ctx, g_key), 1);
	SSL_CTX_set_alpn_select_cb(s->ctx, select_alpn, NULL);
	s->fd = socket(AF_INET, SOCK_STREAM, 0);
	assert_true(s->fd >= 0);
	struct sockaddr_in a = {.sin_family = AF_INET};
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(s->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(s->fd, 16), 0);
	socklen_t alen = sizeof(a);
	assert_int_equal(getsockname(s->fd, (struct sockaddr *)&a, &alen), 0);
	s->port = ntohs(a.sin_port);
	assert_int_equal(pthread_create(&s->th, NULL, server_main, s), 0);
	return s;
}

/* Stop the thread; s stays readable until server_free. */
static void server_stop(server_t *s)
{
	atomic_store(&s->stop, 1);
	pthread_join(s->th, NULL);
	close(s->fd);
}

static void server_free(server_t *s)
{
	SSL_CTX_free(s->ctx);
	free(s);
}

/* ---- the client --------------------------------------------------------- */

/* example. SOA IN, ID 0x1234, RD */
static const uint8_t query_soa[] = {
    0x12, 0x34, 0x01, 0x00, 0,	 1,   0,   0, 0, 0, 0, 0, 7,
    'e',  'x',	'a',  'm',  'p', 'l', 'e', 0, 0, 6, 0, 1};

#define MAX_X 4

typedef struct client {
	net_loop_t loop;
	net_tcp_pool_t pool;
	net_tls_t *tls;
	dns_arena_t arena;
	net_exchange_t x[MAX_X];
	uint8_t msg[MAX_X][512];
	int started, done;
	int tap_open, tap_sent;
	size_t tap_sent_len;
} client_t;

static void tap_open(void *ctx, uint64_t conn, const struct sockaddr *c,
		     const struct sockaddr *s)
{
	(void)conn, (void)c, (void)s;
	((client_t *)ctx)->tap_open++;
}

static void tap_data(void *ctx, uint64_t conn, bool from_client,
		     const uint8_t *d, size_t n)
{
	client_t *c = ctx;
	(void)conn, (void)d;
	if (from_client && c->tap_sent++ == 0)
		c->tap_sent_len = n;
}

static void on_done(net_exchange_t *x)
{
	client_t *c = x->user;
	if (++c->done == c->started)
		net_tcp_pool_close(&c->pool);
}

static client_t *client_new(uint16_t port, const net_tls_opts_t *o)
{
	client_t *c = calloc(1, sizeof(*c));
	assert_non_null(c);
	assert_int_equal(net_loop_init(&c->loop), 0);
	c->loop.tap = (net_tap_t){c, NULL, tap_open, tap_data, NULL};
	dns_arena_init(&c->arena, 0);
	char err[200] = "";
	c->tls = net_tls_new(o, err, sizeof(err));
	if (c->tls == NULL)
		fail_msg("net_tls_new: %s", err);
	struct sockaddr_in a = {.sin_family = AF_INET};
	a.sin_port = htons(port);
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	net_tcp_pool_init(&c->pool, &c->loop, (struct sockaddr *)&a, 16);
	c->pool.tls = c->tls;
	return c;
}

static net_exchange_t *client_add(client_t *c, unsigned long timeout_ms,
				  bool fresh_id)
{
	int i = c->started++;
	assert_true(i < MAX_X);
	memcpy(c->msg[i], query_soa, sizeof(query_soa));
	net_exchange_t *x = &c->x[i];
	memset(x, 0, sizeof(*x));
	x->msg = c->msg[i];
	x->len = sizeof(query_soa);
	x->timeout_ms = timeout_ms;
	x->fresh_id = fresh_id;
	x->arena = &c->arena;
	x->done = on_done;
	x->user = c;
	assert_int_equal(net_tcp_start(&c->pool, x), 0);
	return x;
}

static void client_run(client_t *c)
{
	net_loop_run(&c->loop);
	assert_int_equal(c->done, c->started);
	assert_int_equal(c->pool.nconns, 0);
}

static void client_free(client_t *c)
{
	net_loop_close(&c->loop);
	net_tls_free(c->tls);
	dns_arena_free(&c->arena);
	free(c);
}

static const net_tls_opts_t opportunistic = {false, NULL, "dot.test"};

/* One query against a server of behaviour b with options o. */
typedef struct one {
	net_result_t res;
	uint8_t msg0[512];
	size_t msg0len;
	int accepted, queries, tap_open;
	size_t tap_sent_len;
	char sni[64], alpn[16];
} one_t;

static one_t one;

static void run_one(sbehaviour_t b, const net_tls_opts_t *o,
		    unsigned long timeout_ms)
{
	server_t *s = server_start(b);
	client_t *c = client_new(s->port, o);
	net_exchange_t *x = client_add(c, timeout_ms, false);
	client_run(c);
	memset(&one, 0, sizeof(one));
	one.res = x->res;
	one.msg0len = x->res.nmsgs ? x->res.lens[0] : 0;
	if (one.msg0len > 0 && one.msg0len <= sizeof(one.msg0))
		memcpy(one.msg0, x->res.msgs[0], one.msg0len);
	one.tap_open = c->tap_open;
	one.tap_sent_len = c->tap_sent_len;
	client_free(c);
	server_stop(s); /* after the client hung up */
	one.accepted = atomic_load(&s->accepted);
	one.queries = atomic_load(&s->queries);
	memcpy(one.sni, s->sni, sizeof(one.sni));
	memcpy(one.alpn, s->alpn, sizeof(one.alpn));
	server_free(s);
}

#define assert_detail_has(text)                                                \
	do {                                                                   \
		if (strstr(one.res.detail, (text)) == NULL)                    \
			fail_msg("detail '%s' lacks '%s'", one.res.detail,     \
				 (text));                                      \
	} while (0)

/* ---- tests -------------------------------------------------------------- */

static void test_answer(void **state)
{
	(void)state;
	run_one(S_OK, &opportunistic, 3000);
	assert_int_equal(one.res.status, NET_ANSWERED);
	assert_int_equal(one.res.nmsgs, 1);
	assert_int_equal(one.msg0len, sizeof(query_soa));
	assert_memory_equal(one.msg0, query_soa, 2);
	assert_true(one.msg0[2] & 0x80);
	assert_int_equal(one.accepted, 1);
	assert_int_equal(one.queries, 1);
	assert_string_equal(one.sni, "dot.test");
	assert_string_equal(one.alpn, "dot");
	/* the tap sees the DNS stream decrypted: prefix and query */
	assert_int_equal(one.tap_open, 1);
	assert_int_equal(one.tap_sent_len, sizeof(query_soa) + 2);
}

static void test_pipelined_out_of_order(void **state)
{
	(void)state;
	server_t *s = server_start(S_REVERSE);
	client_t *c = client_new(s->port, &opportunistic);
	net_exchange_t *x[3];
	for (int i = 0; i < 3; i++)
		x[i] = client_add(c, 3000, true);
	client_run(c);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(x[i]->res.status, NET_ANSWERED);
		assert_int_equal(x[i]->res.nmsgs, 1);
		assert_memory_equal(x[i]->res.msgs[0], x[i]->msg, 2);
	}
	assert_true(memcmp(x[0]->msg, x[1]->msg, 2) != 0);
	assert_true(memcmp(x[1]->msg, x[2]->msg, 2) != 0);
	assert_true(memcmp(x[0]->msg, x[2]->msg, 2) != 0);
	client_free(c);
	server_stop(s);
	assert_int_equal(atomic_load(&s->accepted), 1);
	assert_int_equal(atomic_load(&s->queries), 3);
	server_free(s);
}

static void test_split_prefix(void **state)
{
	(void)state;
	server_t *s = server_start(S_OK);
	client_t *c = client_new(s->port, &opportunistic);
	memcpy(c->msg[0], query_soa, sizeof(query_soa));
	net_exchange_t *x = &c->x[0];
	*x = (net_exchange_t){.msg = c->msg[0],
			      .len = sizeof(query_soa),
			      .split_prefix = true,
			      .timeout_ms = 3000,
			      .arena = &c->arena,
			      .done = on_done,
			      .user = c};
	c->started = 1;
	assert_int_equal(net_tcp_start(&c->pool, x), 0);
	client_run(c);
	assert_int_equal(x->res.status, NET_ANSWERED);
	assert_int_equal(c->tap_sent, 2); /* two records: prefix, message */
	assert_int_equal(c->tap_sent_len, 2);
	client_free(c);
	server_stop(s);
	server_free(s);
}

/* tcp: {hold:, reuse:} over DoT: the session held after the answer is
 * still open, TLS records that carry no DNS bytes (session tickets) are
 * not unsolicited bytes, and the query sent again is answered on it. */
static void test_hold_reuse(void **state)
{
	(void)state;
	server_t *s = server_start(S_OK);
	client_t *c = client_new(s->port, &opportunistic);
	memcpy(c->msg[0], query_soa, sizeof(query_soa));
	net_exchange_t *x = &c->x[0];
	*x = (net_exchange_t){.msg = c->msg[0],
			      .len = sizeof(query_soa),
			      .hold_ms = 300,
			      .reuse = true,
			      .timeout_ms = 3000,
			      .arena = &c->arena,
			      .done = on_done,
			      .user = c};
	c->started = 1;
	assert_int_equal(net_tcp_start(&c->pool, x), 0);
	client_run(c);
	assert_int_equal(x->res.status, NET_ANSWERED);
	assert_int_equal(x->res.nmsgs, 1);
	assert_int_equal(x->res.hold.state, NET_HOLD_OPEN);
	assert_int_equal(x->res.hold.bytes, 0);
	assert_int_equal(x->res.hold.reuse, NET_ANSWERED);
	client_free(c);
	server_stop(s);
	assert_int_equal(atomic_load(&s->accepted), 1);
	assert_int_equal(atomic_load(&s->queries), 2);
	server_free(s);
}

static void test_handshake_garbage(void **state)
{
	(void)state;
	run_one(S_GARBAGE, &opportunistic, 3000);
	assert_int_equal(one.res.status, NET_ERROR);
	assert_false(one.res.unreachable);
	assert_detail_has("TLS handshake failed: ");
	assert_int_equal(one.res.nmsgs, 0);
	assert_int_equal(one.accepted, 1); /* not retried */
}

static void test_handshake_closed(void **state)
{
	(void)state;
	run_one(S_CLOSE_EARLY, &opportunistic, 3000);
	assert_int_equal(one.res.status, NET_ERROR);
	assert_string_equal(one.res.detail, "TLS handshake failed: the server "
					    "closed the connection");
}

static void test_handshake_timeout(void **state)
{
	(void)state;
	run_one(S_SILENT, &opportunistic, 300);
	assert_int_equal(one.res.status, NET_TIMEOUT);
	assert_detail_has("no TLS session within 300 ms");
}

static void test_close_notify(void **state)
{
	(void)state;
	run_one(S_CLOSE_TLS, &opportunistic, 3000);
	assert_int_equal(one.res.status, NET_CLOSED);
	assert_string_equal(one.res.detail, "the server closed the TLS "
					    "session (close_notify)");
	assert_int_equal(one.queries, 1);
}

static void test_close_raw(void **state)
{
	(void)state;
	run_one(S_CLOSE_RAW, &opportunistic, 3000);
	assert_int_equal(one.res.status, NET_CLOSED);
	assert_string_equal(one.res.detail, "the server closed the "
					    "connection (no TLS "
					    "close_notify)");
}

static void test_bad_record(void **state)
{
	(void)state;
	run_one(S_BAD_RECORD, &opportunistic, 3000);
	assert_int_equal(one.res.status, NET_CLOSED);
	assert_detail_has("TLS error from the server: ");
}

/* Verification outcomes: options and whether the handshake succeeds. */
typedef struct verify_case {
	const char *what;
	bool verify, ca; /* ca: trust the test certificate */
	const char *name;
	bool ok;
	const char *why; /* in the detail when !ok */
} verify_case_t;

static const verify_case_t verify_cases[] = {
    {"name matches", true, true, "dot.test", true, NULL},
    {"name with final dot", true, true, "dot.test.", true, NULL},
    {"address matches", true, true, NULL, true, NULL},
    {"IP literal as name", true, true, "127.0.0.1", true, NULL},
    {"wrong name", true, true, "other.test", false,
     "certificate verify failed (hostname mismatch)"},
    {"wrong address", true, true, "192.0.2.1", false,
     "certificate verify failed (IP address mismatch)"},
    {"untrusted", true, false, "dot.test", false,
     "certificate verify failed (self-signed certificate)"},
    {"no verification", false, false, "other.test", true, NULL},
};

static void test_verify(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(verify_cases) / sizeof(verify_cases[0]);
	     i++) {
		const verify_case_t *v = &verify_cases[i];
		net_tls_opts_t o = {v->verify, v->ca ? g_cert_path : NULL,
				    v->name};
		run_one(S_OK, &o, 3000);
		if (v->ok && one.res.status != NET_ANSWERED)
			fail_msg("%s: %s (%s)", v->what,
				 net_status_name(one.res.status),
				 one.res.detail);
		if (v->ok)
			continue;
		if (one.res.status != NET_ERROR)
			fail_msg("%s: %s", v->what,
				 net_status_name(one.res.status));
		assert_detail_has("TLS handshake failed: ");
		assert_detail_has(v->why);
	}
}

static void test_sni_not_an_address(void **state)
{
	(void)state;
	net_tls_opts_t o = {false, NULL, "127.0.0.1"};
	run_one(S_OK, &o, 3000);
	assert_int_equal(one.res.status, NET_ANSWERED);
	assert_string_equal(one.sni, ""); /* RFC 6066 3: no IP in SNI */
	net_tls_opts_t none = {false, NULL, NULL};
	run_one(S_OK, &none, 3000);
	assert_int_equal(one.res.status, NET_ANSWERED);
	assert_string_equal(one.sni, "");
}

static void test_bad_ca_file(void **state)
{
	(void)state;
	char err[200] = "";
	net_tls_opts_t o = {true, "/nonexistent/ca.pem", NULL};
	assert_null(net_tls_new(&o, err, sizeof(err)));
	assert_non_null(strstr(err, "cannot load the CA file "
				    "'/nonexistent/ca.pem': "));
	/* ignored when not verifying */
	o.verify = false;
	net_tls_t *t = net_tls_new(&o, err, sizeof(err));
	assert_non_null(t);
	net_tls_free(t);
}

static void test_loopback(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		bool loopback;
	} cases[] = {
	    {"127.0.0.1", true},
	    {"127.255.0.9", true},
	    {"128.0.0.1", false},
	    {"10.0.0.1", false},
	    {"::1", true},
	    {"::ffff:127.0.0.1", true},
	    {"::ffff:10.0.0.1", false},
	    {"2001:db8::1", false},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct sockaddr_storage ss;
		char err[100];
		assert_true(
		    net_addr_parse(cases[i].text, 853, &ss, err, sizeof(err)));
		if (net_addr_is_loopback((struct sockaddr *)&ss) !=
		    cases[i].loopback)
			fail_msg("%s", cases[i].text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_answer),
	    cmocka_unit_test(test_pipelined_out_of_order),
	    cmocka_unit_test(test_split_prefix),
	    cmocka_unit_test(test_hold_reuse),
	    cmocka_unit_test(test_handshake_garbage),
	    cmocka_unit_test(test_handshake_closed),
	    cmocka_unit_test(test_handshake_timeout),
	    cmocka_unit_test(test_close_notify),
	    cmocka_unit_test(test_close_raw),
	    cmocka_unit_test(test_bad_record),
	    cmocka_unit_test(test_verify),
	    cmocka_unit_test(test_sni_not_an_address),
	    cmocka_unit_test(test_bad_ca_file),
	    cmocka_unit_test(test_loopback),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
