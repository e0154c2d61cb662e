/* dot.c - DNS over TLS: the client configuration (OpenSSL SSL_CTX with
 * ALPN "dot", TLS 1.2 or later, the verification profile) and one session
 * per connection over memory BIOs, driven by tcp.c (dot_int.h). */
#include "net/dot_int.h"

#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include "dns/arena.h"

struct net_tls {
	SSL_CTX *ctx;
	bool verify;
	char name[256]; /* "" when none */
};

struct net_tls_conn {
	const net_tls_t *t;
	SSL *ssl;
	BIO *in;  /* network -> TLS (owned by ssl) */
	BIO *out; /* TLS -> network (owned by ssl) */
};

/* ALPN protocol list: one entry, "dot" (RFC 7858 section 3.1). */
static const unsigned char alpn_dot[] = {3, 'd', 'o', 't'};

/* ---- errors ------------------------------------------------------------- */

/* The first error queued by OpenSSL, described into err; the queue is
 * emptied. fallback when nothing was queued. */
static void describe_queue(char *err, size_t errlen, const char *fallback)
{
	unsigned long first = ERR_get_error();
	while (ERR_get_error() != 0)
		continue;
	if (first == 0) {
		snprintf(err, errlen, "%s", fallback);
		return;
	}
	const char *reason = ERR_reason_error_string(first);
	if (reason != NULL)
		snprintf(err, errlen, "%s", reason);
	else
		ERR_error_string_n(first, err, errlen);
}

/* Why the last operation on s failed (ssl_err from SSL_get_error). */
static void describe(const net_tls_conn_t *s, int ssl_err, char *err,
		     size_t errlen)
{
	const char *fallback = ssl_err == SSL_ERROR_SYSCALL
				   ? "the stream ended inside a TLS record"
				   : "TLS protocol error";
	describe_queue(err, errlen, fallback);
	long vr = SSL_get_verify_result(s->ssl);
	if (!s->t->verify || vr == X509_V_OK)
		return;
	size_t used = strlen(err);
	if (used + 1 < errlen)
		snprintf(err + used, errlen - used, " (%s)",
			 X509_verify_cert_error_string(vr));
}

/* ---- the configuration -------------------------------------------------- */

static bool load_trust(SSL_CTX *ctx, const net_tls_opts_t *o, char *err,
		       size_t errlen)
{
	int ok = o->ca_file != NULL
		     ? SSL_CTX_load_verify_locations(ctx, o->ca_file, NULL)
		     : SSL_CTX_set_default_verify_paths(ctx);
	if (ok == 1)
		return true;
	char why[160];
	describe_queue(why, sizeof(why), "unknown error");
	if (o->ca_file != NULL)
		snprintf(err, errlen, "cannot load the CA file '%s': %s",
			 o->ca_file, why);
	else
		snprintf(err, errlen, "cannot load the system's CA store: %s",
			 why);
	return false;
}

/* o->name without a final dot into t->name; false when too long. */
static bool copy_name(net_tls_t *t, const net_tls_opts_t *o, char *err,
		      size_t errlen)
{
	size_t n = o->name != NULL ? strlen(o->name) : 0;
	if (n > 1 && o->name[n - 1] == '.')
		n--;
	if (n >= sizeof(t->name)) {
		snprintf(err, errlen, "TLS name '%s' is too long", o->name);
		return false;
	}
	if (n > 0)
		memcpy(t->name, o->name, n);
	t->name[n] = '\0';
	return true;
}

static bool configure(net_tls_t *t, const net_tls_opts_t *o, char *err,
		      size_t errlen)
{
	SSL_CTX *ctx = t->ctx;
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
	    SSL_CTX_set_alpn_protos(ctx, alpn_dot, sizeof(alpn_dot)) != 0) {
		describe_queue(err, errlen, "cannot configure TLS");
		return false;
	}
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	SSL_CTX_set_verify(ctx, o->verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE,
			   NULL);
	return !o->verify || load_trust(ctx, o, err, errlen);
}

net_tls_t *net_tls_new(const net_tls_opts_t *o, char *err, size_t errlen)
{
	net_tls_t *t = dns_mem_alloc(sizeof(*t));
	if (t == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	memset(t, 0, sizeof(*t));
	t->verify = o->verify;
	ERR_clear_error();
	t->ctx = SSL_CTX_new(TLS_client_method());
	if (t->ctx == NULL)
		describe_queue(err, errlen, "out of memory");
	if (t->ctx == NULL || !copy_name(t, o, err, errlen) ||
	    !configure(t, o, err, errlen)) {
		net_tls_free(t);
		return NULL;
	}
	return t;
}

void net_tls_free(net_tls_t *t)
{
	if (t == NULL)
		return;
	SSL_CTX_free(t->ctx);
	dns_mem_free(t);
}

bool net_addr_is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
		return (ntohl(s4->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family != AF_INET6)
		return false;
	const struct in6_addr *a =
	    &((const struct sockaddr_in6 *)sa)->sin6_addr;
	if (IN6_IS_ADDR_LOOPBACK(a))
		return true;
	return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127;
}

/* ---- a session ---------------------------------------------------------- */

/* The address the certificate must name: server's, or the IP literal of
 * t->name. Returns its length in *len (0: none). */
static const unsigned char *peer_ip(const net_tls_t *t,
				    const struct sockaddr *server,
				    unsigned char buf[16], size_t *len)
{
	*len = 0;
	if (t->name[0] != '\0') {
		if (inet_pton(AF_INET, t->name, buf) == 1)
			*len = 4;
		else if (inet_pton(AF_INET6, t->name, buf) == 1)
			*len = 16;
		return buf;
	}
	if (server->sa_family == AF_INET) {
		*len = 4;
		return (const unsigned char *)&(
			   (const struct sockaddr_in *)server)
		    ->sin_addr;
	}
	if (server->sa_family == AF_INET6) {
		*len = 16;
		return ((const struct sockaddr_in6 *)server)->sin6_addr.s6_addr;
	}
	return buf;
}

/* SNI and the identity to verify. false when out of memory. */
static bool set_identity(net_tls_conn_t *s, const struct sockaddr *server)
{
	const net_tls_t *t = s->t;
	unsigned char buf[16];
	size_t iplen = 0;
	const unsigned char *ip = peer_ip(t, server, buf, &iplen);
	if (iplen > 0) {
		/* an address: no SNI (RFC 6066 section 3) */
		return !t->verify ||
		       X509_VERIFY_PARAM_set1_ip(SSL_get0_param(s->ssl), ip,
						 iplen) == 1;
	}
	if (t->name[0] == '\0')
		return true;
	if (SSL_set_tlsext_host_name(s->ssl, t->name) != 1)
		return false;
	if (!t->verify)
		return true;
	SSL_set_hostflags(s->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	return SSL_set1_host(s->ssl, t->name) == 1;
}

net_tls_conn_t *net__tls_conn_new(const net_tls_t *t,
				  const struct sockaddr *server)
{
	net_tls_conn_t *s = dns_mem_alloc(sizeof(*s));
	if (s == NULL)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->t = t;
	ERR_clear_error();
	s->ssl = SSL_new(t->ctx);
	BIO *in = BIO_new(BIO_s_mem()), *out = BIO_new(BIO_s_mem());
	if (s->ssl == NULL || in == NULL || out == NULL) {
		BIO_free(in);
		BIO_free(out);
		net__tls_conn_free(s);
		return NULL;
	}
	/* an empty input BIO means "wait for more", never end of stream */
	BIO_set_mem_eof_return(in, -1);
	SSL_set_bio(s->ssl, in, out);
	s->in = in;
	s->out = out;
	SSL_set_connect_state(s->ssl);
	if (!set_identity(s, server)) {
		net__tls_conn_free(s);
		return NULL;
	}
	return s;
}

void net__tls_conn_free(net_tls_conn_t *s)
{
	if (s == NULL)
		return;
	SSL_free(s->ssl); /* frees the BIOs */
	ERR_clear_error();
	dns_mem_free(s);
}

bool net__tls_feed(net_tls_conn_t *s, const uint8_t *data, size_t len)
{
	while (len > 0) {
		int chunk = len > INT_MAX ? INT_MAX : (int)len;
		int n = BIO_write(s->in, data, chunk);
		if (n <= 0)
			return false;
		data += n;
		len -= (size_t)n;
	}
	return true;
}

net_tls_rc_t net__tls_handshake(net_tls_conn_t *s, char *err, size_t errlen)
{
	ERR_clear_error();
	int rc = SSL_do_handshake(s->ssl);
	if (rc == 1)
		return NET_TLS_OK;
	int e = SSL_get_error(s->ssl, rc);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
		return NET_TLS_AGAIN;
	describe(s, e, err, errlen);
	return NET_TLS_FAILED;
}

net_tls_rc_t net__tls_read(net_tls_conn_t *s, uint8_t *buf, size_t cap,
			   size_t *n, char *err, size_t errlen)
{
	*n = 0;
	ERR_clear_error();
	if (SSL_read_ex(s->ssl, buf, cap, n) == 1)
		return NET_TLS_OK;
	int e = SSL_get_error(s->ssl, 0);
	if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE)
		return NET_TLS_AGAIN;
	if (e == SSL_ERROR_ZERO_RETURN)
		return NET_TLS_CLOSED;
	describe(s, e, err, errlen);
	return NET_TLS_FAILED;
}

bool net__tls_write(net_tls_conn_t *s, const uint8_t *data, size_t len,
		    char *err, size_t errlen)
{
	size_t written = 0;
	ERR_clear_error();
	if (SSL_write_ex(s->ssl, data, len, &written) == 1 && written == len)
		return true;
	describe(s, SSL_get_error(s->ssl, 0), err, errlen);
	return false;
}

size_t net__tls_pending(const net_tls_conn_t *s)
{
	return BIO_ctrl_pending(s->out);
}

size_t net__tls_take(net_tls_conn_t *s, uint8_t *buf, size_t cap)
{
	size_t n = 0;
	if (cap == 0 || BIO_read_ex(s->out, buf, cap, &n) != 1)
		return 0;
	return n;
}
