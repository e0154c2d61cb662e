/* run_dot.c - dnsharness run: DoT options, the DoT address of a target and
 * the TLS configuration of a run (run_dot.h). */
#include "cli/run_dot.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "net/loop.h"

const char run_dot_usage[] =
    "  --dot-port P          where cases over dot go (default: 853 when "
    "--target\n"
    "                        has no port, else the target's port)\n"
    "  --tls-ca FILE         DoT: verify the server's certificate chain "
    "against\n"
    "                        the PEM file FILE, and its name (--tls-name, "
    "else the\n"
    "                        host of --target, else its address)\n"
    "  --tls-name NAME       DoT: the server's name, sent as SNI and "
    "verified\n"
    "                        (against the system's CAs without --tls-ca)\n"
    "  --tls-insecure        DoT: check nothing (the default for a "
    "loopback\n"
    "                        target; other targets are verified against "
    "the\n"
    "                        system's CAs unless this is given)\n";

static int usage_error(const char *opt, const char *why, const char *v)
{
	fprintf(stderr, "dnsharness run: %s %s '%s'\n", opt, why, v ? v : "");
	return EXIT_USAGE;
}

static bool parse_port(const char *s, unsigned *out)
{
	char *end = NULL;
	unsigned long v = strtoul(s, &end, 10);
	if (!isdigit((unsigned char)s[0]) || *end != '\0' || v == 0 ||
	    v > 65535)
		return false;
	*out = (unsigned)v;
	return true;
}

int run_dot_arg(run_dot_t *d, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	if (strcmp(a, "--tls-insecure") == 0) {
		d->insecure = true;
		return 0;
	}
	if (strcmp(a, "--tls-ca") != 0 && strcmp(a, "--tls-name") != 0 &&
	    strcmp(a, "--dot-port") != 0)
		return -1;
	if (*i + 1 >= argc)
		return usage_error("missing value after", "", a);
	const char *v = argv[++*i];
	if (strcmp(a, "--dot-port") == 0) {
		if (!parse_port(v, &d->port))
			return usage_error(a, "wants 1..65535, got", v);
	} else if (v[0] == '\0') {
		return usage_error(a, "wants a non-empty value, got", v);
	} else if (strcmp(a, "--tls-ca") == 0) {
		d->ca_file = v;
	} else {
		d->name = v;
	}
	return 0;
}

/* The host part of a --target text into host (cap bytes); whether it
 * gave a port in *has_port. */
static void split_target(const char *text, char *host, size_t cap,
			 bool *has_port)
{
	const char *start = text, *end;
	*has_port = false;
	if (text[0] == '[' && (end = strchr(text, ']')) != NULL) {
		start = text + 1;
		*has_port = end[1] == ':';
	} else if ((end = strchr(text, ':')) != NULL &&
		   strchr(end + 1, ':') == NULL) {
		*has_port = true; /* HOST:PORT */
	} else {
		end = text + strlen(text); /* a name, IPv4 or bare IPv6 */
	}
	size_t n = (size_t)(end - start);
	if (n >= cap)
		n = cap - 1;
	memcpy(host, start, n);
	host[n] = '\0';
}

static bool is_ip_literal(const char *s)
{
	unsigned char buf[16];
	return inet_pton(AF_INET, s, buf) == 1 ||
	       inet_pton(AF_INET6, s, buf) == 1;
}

static void set_port(struct sockaddr_storage *ss, unsigned port)
{
	if (ss->ss_family == AF_INET)
		((struct sockaddr_in *)ss)->sin_port = htons((uint16_t)port);
	else if (ss->ss_family == AF_INET6)
		((struct sockaddr_in6 *)ss)->sin6_port = htons((uint16_t)port);
}

const struct sockaddr *run_dot_target(run_dot_t *d, const char *target,
				      const struct sockaddr *addr)
{
	memset(&d->addr, 0, sizeof(d->addr));
	memcpy(&d->addr, addr, net_addr_len(addr));
	char host[256];
	bool has_port = true;
	if (target != NULL)
		split_target(target, host, sizeof(host), &has_port);
	if (d->port != 0)
		set_port(&d->addr, d->port);
	else if (!has_port)
		set_port(&d->addr, NET_DOT_PORT);
	return (const struct sockaddr *)&d->addr;
}

/* Will any case go over DoT? */
static bool dot_used(const sc_suite_t *suites, size_t n, bool forced,
		     sc_transport_t transport)
{
	if (forced)
		return transport == SC_DOT;
	for (size_t i = 0; i < n; i++)
		for (size_t j = 0; j < suites[i].ncases; j++)
			if (suites[i].cases[j].transport == SC_DOT)
				return true;
	return false;
}

int run_dot_prepare(run_dot_t *d, const sc_suite_t *suites, size_t n,
		    bool forced, sc_transport_t transport, const char *target,
		    const struct sockaddr *addr)
{
	if (d->insecure && d->ca_file != NULL) {
		fprintf(stderr, "dnsharness run: --tls-insecure and --tls-ca "
				"contradict each other\n");
		return EXIT_USAGE;
	}
	if (!dot_used(suites, n, forced, transport))
		return 0;
	char host[256] = "";
	bool has_port;
	if (target != NULL)
		split_target(target, host, sizeof(host), &has_port);
	bool loopback = addr == NULL ||
			net_addr_is_loopback(run_dot_target(d, target, addr));
	net_tls_opts_t o = {
	    .verify = d->ca_file != NULL || d->name != NULL ||
		      (!d->insecure && !loopback),
	    .ca_file = d->ca_file,
	    .name = d->name != NULL		      ? d->name
		    : host[0] && !is_ip_literal(host) ? host
						      : NULL,
	};
	if (d->insecure)
		o.verify = false;
	char err[256];
	d->tls = net_tls_new(&o, err, sizeof(err));
	if (d->tls == NULL) {
		fprintf(stderr, "dnsharness run: DoT: %s\n", err);
		return EXIT_USAGE;
	}
	d->verify = o.verify;
	return 0;
}

void run_dot_free(run_dot_t *d)
{
	net_tls_free(d->tls);
	d->tls = NULL;
}
