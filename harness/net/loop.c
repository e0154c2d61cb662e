/* loop.c - the shared event loop, query IDs and address helpers. */
#include "net/loop.h"

#include "net/internal.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NET_DEFAULT_MAX_MSGS	    10000u
#define NET_DEFAULT_MAX_BYTES	    (16u * 1024u * 1024u)
#define NET_DEFAULT_MAX_TRANSFER_MS 60000ul

static void seed_rng(net_loop_t *l)
{
	uint64_t s[2] = {0, 0};
	if (uv_random(NULL, NULL, s, sizeof(s), 0, NULL) != 0) {
		/* No system randomness: IDs need only be unpredictable to
		 * a peer, not secret; time and address are enough here. */
		s[0] = uv_hrtime();
		s[1] = (uint64_t)(uintptr_t)l ^ 0x9e3779b97f4a7c15ull;
	}
	if (s[0] == 0 && s[1] == 0)
		s[1] = 1;
	l->rng[0] = s[0];
	l->rng[1] = s[1];
}

int net_loop_init(net_loop_t *l)
{
	memset(l, 0, sizeof(*l));
	int rc = uv_loop_init(&l->uv);
	if (rc != 0)
		return rc;
	l->uv.data = l;
	rc = uv_timer_init(&l->uv, &l->udp_timer);
	if (rc != 0) {
		uv_loop_close(&l->uv);
		return rc;
	}
	l->udp_timer.data = l;
	uv_idle_init(&l->uv, &l->ended_idle); /* always succeeds */
	l->ended_idle.data = l;
	l->limits.max_msgs = NET_DEFAULT_MAX_MSGS;
	l->limits.max_bytes = NET_DEFAULT_MAX_BYTES;
	l->limits.max_transfer_ms = NET_DEFAULT_MAX_TRANSFER_MS;
	l->next_conn = 1;
	seed_rng(l);
	signal(SIGPIPE, SIG_IGN);
	return 0;
}

int net_loop_run(net_loop_t *l)
{
	return uv_run(&l->uv, UV_RUN_DEFAULT);
}

static void close_any(uv_handle_t *h, void *arg)
{
	(void)arg;
	if (!uv_is_closing(h))
		uv_close(h, NULL);
}

void net_loop_close(net_loop_t *l)
{
	net__ended_flush(l); /* their done(), as a closing timer's would */
	uv_walk(&l->uv, close_any, NULL);
	uv_run(&l->uv, UV_RUN_DEFAULT);
	net__udp_pool_free(l);
	uv_loop_close(&l->uv);
}

uint16_t net_random_id(net_loop_t *l)
{
	uint64_t s1 = l->rng[0];
	const uint64_t s0 = l->rng[1];
	l->rng[0] = s0;
	s1 ^= s1 << 23;
	l->rng[1] = s1 ^ s0 ^ (s1 >> 17) ^ (s0 >> 26);
	return (uint16_t)((l->rng[1] + s0) >> 48);
}

/* CLOCK_MONOTONIC, the clock uv_hrtime reads, without its wrapper: the
 * runner reads it a few times per query. */
double net_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

socklen_t net_addr_len(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET)
		return sizeof(struct sockaddr_in);
	if (sa->sa_family == AF_INET6)
		return sizeof(struct sockaddr_in6);
	return 0;
}

/* Split text into host (copied into host, hostcap bytes) and port text
 * (pointer into text, or NULL). */
static bool split_host_port(const char *text, char *host, size_t hostcap,
			    const char **port, char *err, size_t errlen)
{
	const char *end;
	*port = NULL;
	if (text[0] == '[') {
		end = strchr(text, ']');
		if (end == NULL || (end[1] != '\0' && end[1] != ':')) {
			snprintf(err, errlen, "'%s': expected [IPv6]:PORT",
				 text);
			return false;
		}
		if (end[1] == ':')
			*port = end + 2;
		text++;
	} else {
		const char *colon = strchr(text, ':');
		/* one colon: HOST:PORT; more: a bare IPv6 literal */
		if (colon != NULL && strchr(colon + 1, ':') == NULL) {
			*port = colon + 1;
			end = colon;
		} else {
			end = text + strlen(text);
		}
	}
	size_t n = (size_t)(end - text);
	if (n == 0 || n >= hostcap) {
		snprintf(err, errlen, "'%s': empty or overlong host", text);
		return false;
	}
	memcpy(host, text, n);
	host[n] = '\0';
	return true;
}

static bool parse_port(const char *s, uint16_t *out, char *err, size_t errlen)
{
	char *end = NULL;
	unsigned long v = strtoul(s, &end, 10);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || v == 0 || v > 65535) {
		snprintf(err, errlen, "'%s': port must be 1..65535", s);
		return false;
	}
	*out = (uint16_t)v;
	return true;
}

static bool resolve(const char *host, uint16_t port,
		    struct sockaddr_storage *out, char *err, size_t errlen)
{
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_DGRAM;
	int rc = getaddrinfo(host, NULL, &hints, &res);
	if (rc != 0 || res == NULL) {
		snprintf(err, errlen, "'%s': %s", host, gai_strerror(rc));
		return false;
	}
	memset(out, 0, sizeof(*out));
	memcpy(out, res->ai_addr, res->ai_addrlen);
	freeaddrinfo(res);
	if (out->ss_family == AF_INET)
		((struct sockaddr_in *)out)->sin_port = htons(port);
	else if (out->ss_family == AF_INET6)
		((struct sockaddr_in6 *)out)->sin6_port = htons(port);
	else {
		snprintf(err, errlen, "'%s': not an IP address", host);
		return false;
	}
	return true;
}

bool net_addr_parse(const char *text, uint16_t default_port,
		    struct sockaddr_storage *out, char *err, size_t errlen)
{
	char host[256];
	const char *port_text = NULL;
	uint16_t port = default_port;
	if (!split_host_port(text, host, sizeof(host), &port_text, err, errlen))
		return false;
	if (port_text != NULL && !parse_port(port_text, &port, err, errlen))
		return false;
	return resolve(host, port, out, err, errlen);
}

char *net_addr_format(const struct sockaddr *sa, char *buf, size_t cap)
{
	char ip[INET6_ADDRSTRLEN] = "?";
	unsigned port = 0;
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;
		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof(ip));
		port = ntohs(s4->sin_port);
		snprintf(buf, cap, "%s:%u", ip, port);
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;
		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof(ip));
		port = ntohs(s6->sin6_port);
		snprintf(buf, cap, "[%s]:%u", ip, port);
	} else {
		snprintf(buf, cap, "(family %d)", sa->sa_family);
	}
	return buf;
}

bool net_addr_equal(const struct sockaddr *a, const struct sockaddr *b)
{
	if (a->sa_family != b->sa_family)
		return false;
	if (a->sa_family == AF_INET) {
		const struct sockaddr_in *x = (const struct sockaddr_in *)a;
		const struct sockaddr_in *y = (const struct sockaddr_in *)b;
		return x->sin_port == y->sin_port &&
		       x->sin_addr.s_addr == y->sin_addr.s_addr;
	}
	if (a->sa_family == AF_INET6) {
		const struct sockaddr_in6 *x = (const struct sockaddr_in6 *)a;
		const struct sockaddr_in6 *y = (const struct sockaddr_in6 *)b;
		return x->sin6_port == y->sin6_port &&
		       memcmp(&x->sin6_addr, &y->sin6_addr,
			      sizeof(x->sin6_addr)) == 0;
	}
	return false;
}

static void unspecified(const struct sockaddr *dst,
			struct sockaddr_storage *out)
{
	memset(out, 0, sizeof(*out));
	out->ss_family = dst->sa_family;
}

const struct sockaddr_storage *net_local_for(net_loop_t *l,
					     const struct sockaddr *dst)
{
	if (l->route_dst.ss_family != 0 &&
	    net_addr_equal((const struct sockaddr *)&l->route_dst, dst))
		return &l->route_src;
	struct sockaddr_storage *out = &l->route_src;
	l->route_dst.ss_family = 0; /* cached again below, when found */
	unspecified(dst, out);
	socklen_t len = net_addr_len(dst);
	int fd = len ? socket(dst->sa_family, SOCK_DGRAM, 0) : -1;
	if (fd < 0)
		return out;
	socklen_t outlen = sizeof(*out);
	if (connect(fd, dst, len) != 0 ||
	    getsockname(fd, (struct sockaddr *)out, &outlen) != 0)
		unspecified(dst, out);
	close(fd);
	if (out->ss_family == AF_INET)
		((struct sockaddr_in *)out)->sin_port = 0;
	else if (out->ss_family == AF_INET6)
		((struct sockaddr_in6 *)out)->sin6_port = 0;
	memcpy(&l->route_dst, dst, len);
	return out;
}
