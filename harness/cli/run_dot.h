/* run_dot.h - dnsharness run: the DoT options, where DoT cases go and how
 * the server is authenticated; used by cmd_run.c, not public.
 *
 * Where: with --target HOST (no port) DoT cases go to HOST:853, with
 * --target HOST:PORT to PORT; with --program, or the files' own servers,
 * to the target's port. --dot-port P sends them to P in every case.
 *
 * Authentication (RFC 8310 profiles):
 *  - --tls-ca FILE or --tls-name NAME: strict. The chain must verify
 *    against FILE (the system's store without it) and the certificate
 *    must name NAME, or else the target's host name, or else its address;
 *  - --tls-insecure: opportunistic, nothing checked (with --tls-name,
 *    NAME is still sent as SNI);
 *  - neither: opportunistic for a loopback target (a test server with a
 *    self-signed certificate is the usual case), strict otherwise.
 * SNI: NAME, else the host of --target when it is a name, else none.
 */
#ifndef DNSH_RUN_DOT_H
#define DNSH_RUN_DOT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "net/dot.h"
#include "scenario/scenario.h"

typedef struct run_dot {
	bool insecure;		      /* --tls-insecure */
	const char *ca_file;	      /* --tls-ca (into argv) */
	const char *name;	      /* --tls-name (into argv) */
	unsigned port;		      /* --dot-port, 0: none */
	net_tls_t *tls;		      /* made by run_dot_prepare, or NULL */
	bool verify;		      /* ... and whether it authenticates */
	struct sockaddr_storage addr; /* run_dot_target's answer */
} run_dot_t;

/* The usage lines of the options. */
extern const char run_dot_usage[];

/* Take argv[*i] when it is a DoT option (with its value, *i advanced):
 * 0 when taken, EXIT_USAGE after saying why on stderr, -1 when argv[*i]
 * is not a DoT option. */
int run_dot_arg(run_dot_t *d, int argc, char **argv, int *i);

/* Make the TLS configuration when a case may use DoT (forced says
 * --transport dot, else any case of suites[0..n) with transport dot).
 * target: the --target text and addr its address, or both NULL for
 * recipes and the files' own servers (on loopback). 0, or EXIT_USAGE
 * after saying why (the CA file cannot be loaded). */
int run_dot_prepare(run_dot_t *d, const sc_suite_t *suites, size_t n,
		    bool forced, sc_transport_t transport, const char *target,
		    const struct sockaddr *addr);

/* Where DoT cases go for a target at addr written as target (NULL for
 * recipes and own servers): see above. Points into d. */
const struct sockaddr *run_dot_target(run_dot_t *d, const char *target,
				      const struct sockaddr *addr);

void run_dot_free(run_dot_t *d);

#endif
