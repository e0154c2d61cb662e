/* serve.c - starting and stopping the scripted servers: ports, listeners,
 * the clock, and freeing once libuv has let go of every handle. */
#include "serve/serve_int.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void set_err(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;
	if (err == NULL || errlen == 0)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

static void set_port(struct sockaddr_storage *a, uint16_t port)
{
	if (a->ss_family == AF_INET)
		((struct sockaddr_in *)a)->sin_port = htons(port);
	else if (a->ss_family == AF_INET6)
		((struct sockaddr_in6 *)a)->sin6_port = htons(port);
}

static uint16_t get_port(const struct sockaddr_storage *a)
{
	if (a->ss_family == AF_INET)
		return ntohs(((const struct sockaddr_in *)a)->sin_port);
	if (a->ss_family == AF_INET6)
		return ntohs(((const struct sockaddr_in6 *)a)->sin6_port);
	return 0;
}

/* ---- choosing the shared port ------------------------------------------- */

/* Can a socket of this type bind addr with port? 0 or -errno; with
 * port 0, *got receives the port the kernel chose. */
static int probe(const struct sockaddr_storage *addr, int type, uint16_t port,
		 uint16_t *got)
{
	struct sockaddr_storage a = *addr;
	int fd = socket(a.ss_family, type | SOCK_CLOEXEC, 0);
	int rc = 0, on = 1;
	if (fd < 0)
		return -errno;
	if (type == SOCK_STREAM)
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	set_port(&a, port);
	socklen_t len = net_addr_len((const struct sockaddr *)&a);
	if (bind(fd, (struct sockaddr *)&a, len) != 0)
		rc = -errno;
	else if (got != NULL &&
		 getsockname(fd, (struct sockaddr *)&a, &len) == 0)
		*got = get_port(&a);
	close(fd);
	return rc;
}

/* Does port bind over UDP and TCP on every address of every server that
 * has no port: of its own? 0 or the first -errno. */
static int probe_all(const serve_t *s, uint16_t port)
{
	for (size_t i = 0; i < s->nsrv; i++) {
		const serve_server_t *c = s->srv[i].cfg;
		if (c->port != 0)
			continue;
		for (size_t k = 0; k < c->naddrs; k++) {
			int rc = probe(&c->addrs[k], SOCK_DGRAM, port, NULL);
			if (rc == 0)
				rc = probe(&c->addrs[k], SOCK_STREAM, port,
					   NULL);
			if (rc != 0)
				return rc;
		}
	}
	return 0;
}

/* The first address of a server without port:, or NULL. */
static const struct sockaddr_storage *first_shared(const serve_t *s)
{
	for (size_t i = 0; i < s->nsrv; i++)
		if (s->srv[i].cfg->port == 0)
			return &s->srv[i].cfg->addrs[0];
	return NULL;
}

/* One port free on every shared address: the kernel picks one for the
 * first address, the others are probed; a few tries. */
static int free_port(const serve_t *s, uint16_t *out)
{
	const struct sockaddr_storage *first = first_shared(s);
	int rc = 0;
	for (unsigned t = 0; t < SERVE_PORT_TRIES; t++) {
		uint16_t port = 0;
		rc = probe(first, SOCK_DGRAM, 0, &port);
		if (rc != 0)
			return rc;
		rc = probe_all(s, port);
		if (rc == 0) {
			*out = port;
			return 0;
		}
	}
	return rc;
}

static int shared_port(const serve_t *s, uint16_t *out, char *err,
		       size_t errlen)
{
	int rc = 0;
	*out = 0;
	if (first_shared(s) == NULL)
		return 0;
	if (s->o.port_mode == SERVE_PORT_FIXED) {
		*out = s->o.port;
		return 0;
	}
	if (s->o.port_mode == SERVE_PORT_53) {
		rc = probe_all(s, 53);
		if (rc == 0) {
			*out = 53;
			return 0;
		}
		if (rc != -EACCES && rc != -EPERM) {
			set_err(err, errlen, "port 53: %s", strerror(-rc));
			return uv_translate_sys_error(-rc);
		}
		/* not permitted: a free port */
	}
	rc = free_port(s, out);
	if (rc != 0) {
		set_err(err, errlen, "no free port: %s", strerror(-rc));
		return uv_translate_sys_error(-rc);
	}
	return 0;
}

/* ---- setting up --------------------------------------------------------- */

static int server_init(serve_t *s, sv_server_t *v, size_t i)
{
	const serve_server_t *c = &s->cfg->servers[i];
	v->s = s;
	v->index = i;
	v->cfg = c;
	v->hits = dns_mem_alloc((c->nrules + 1) * sizeof(*v->hits));
	v->ls = dns_mem_alloc(c->naddrs * sizeof(*v->ls));
	if (v->hits == NULL || v->ls == NULL)
		return UV_ENOMEM;
	memset(v->hits, 0, (c->nrules + 1) * sizeof(*v->hits));
	memset(v->ls, 0, c->naddrs * sizeof(*v->ls));
	v->nls = c->naddrs;
	return 0;
}

/* The server's own port:, or the shared one, on each of its addresses. */
static void server_port(sv_server_t *v, uint16_t shared)
{
	v->port = v->cfg->port ? v->cfg->port : shared;
	for (size_t k = 0; k < v->nls; k++) {
		v->ls[k].srv = v;
		v->ls[k].addr = v->cfg->addrs[k];
		set_port(&v->ls[k].addr, v->port);
	}
}

static int open_all(serve_t *s, char *err, size_t errlen)
{
	for (size_t i = 0; i < s->nsrv; i++)
		for (size_t k = 0; k < s->srv[i].nls; k++) {
			sv_listen_t *ls = &s->srv[i].ls[k];
			int rc = sv_listen_open(ls);
			char a[64];
			if (rc == 0)
				continue;
			set_err(err, errlen,
				"server %s: cannot listen on %s: %s",
				s->srv[i].cfg->name,
				net_addr_format((struct sockaddr *)&ls->addr, a,
						sizeof(a)),
				uv_strerror(rc));
			return rc;
		}
	return 0;
}

static serve_t *serve_new(net_loop_t *l, const serve_config_t *c,
			  const serve_run_opts_t *o)
{
	serve_t *s = dns_mem_alloc(sizeof(*s));
	if (s == NULL)
		return NULL;
	memset(s, 0, sizeof(*s));
	s->loop = l;
	s->cfg = c;
	if (o != NULL)
		s->o = *o;
	if (s->o.log_max == 0)
		s->o.log_max = SERVE_LOG_DEFAULT;
	if (s->o.tcp_conns == 0)
		s->o.tcp_conns = SERVE_TCP_CONNS;
	if (s->o.tcp_idle_ms == 0)
		s->o.tcp_idle_ms = SERVE_TCP_IDLE_MS;
	dns_arena_init(&s->scratch, 0);
	dns_arena_init(&s->logmem, 0);
	s->buf = dns_mem_alloc(DNS_MSG_MAXLEN);
	s->srv = dns_mem_alloc((c->n + 1) * sizeof(*s->srv));
	if (s->buf == NULL || s->srv == NULL) {
		serve_free(s);
		return NULL;
	}
	memset(s->srv, 0, (c->n + 1) * sizeof(*s->srv));
	return s;
}

int serve_start(serve_t **out, net_loop_t *l, const serve_config_t *c,
		const serve_run_opts_t *o, char *err, size_t errlen)
{
	uint16_t shared = 0;
	*out = NULL;
	serve_t *s = serve_new(l, c, o);
	if (s == NULL) {
		set_err(err, errlen, "out of memory");
		return UV_ENOMEM;
	}
	int rc = 0;
	for (size_t i = 0; rc == 0 && i < c->n; i++) {
		s->nsrv = i + 1;
		rc = server_init(s, &s->srv[i], i);
	}
	if (rc == UV_ENOMEM)
		set_err(err, errlen, "out of memory");
	if (rc == 0)
		rc = shared_port(s, &shared, err, errlen);
	for (size_t i = 0; rc == 0 && i < c->n; i++)
		server_port(&s->srv[i], shared);
	if (rc == 0)
		rc = open_all(s, err, errlen);
	if (rc != 0) {
		serve_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

uint16_t serve_port(const serve_t *s, size_t i)
{
	return i < s->nsrv ? s->srv[i].port : 0;
}

/* ---- stopping ----------------------------------------------------------- */

void serve_stop(serve_t *s)
{
	if (s == NULL || s->stopped)
		return;
	s->stopped = true;
	sv_jobs_cancel(s, NULL);
	while (s->conns != NULL)
		sv_conn_close(s->conns);
	for (size_t i = 0; i < s->nsrv; i++)
		for (size_t k = 0; s->srv[i].ls != NULL && k < s->srv[i].nls;
		     k++)
			sv_listen_close(&s->srv[i].ls[k]);
}

static void release(serve_t *s)
{
	for (size_t i = 0; i < s->nsrv; i++) {
		dns_mem_free(s->srv[i].hits);
		dns_mem_free(s->srv[i].ls);
	}
	dns_mem_free(s->srv);
	dns_mem_free(s->buf);
	dns_arena_free(&s->scratch);
	sv_log_free(s);
	dns_mem_free(s);
}

void serve_free(serve_t *s)
{
	if (s == NULL)
		return;
	serve_stop(s);
	s->free_pending = true;
	if (s->handles == 0)
		release(s);
}

void sv_handle_closed(serve_t *s)
{
	s->handles--;
	if (s->handles == 0 && s->free_pending)
		release(s);
}

/* ---- the clock ---------------------------------------------------------- */

double serve_now_ms(const serve_t *s)
{
	return net_now_ms() + s->offset;
}

void serve_set_step(serve_t *s, unsigned long step)
{
	s->step = step;
}

void serve_clock_advance(serve_t *s, double ms)
{
	if (ms > 0)
		s->offset += ms;
}
