/* cmd_serve.c - dnsharness serve: run the scripted servers of a scenario
 * file alone, for poking by hand, until SIGINT or SIGTERM. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "net/loop.h"
#include "scenario/node.h"
#include "scenario/scenario.h"
#include "serve/config.h"
#include "serve/serve.h"

typedef struct serve_cli {
	net_loop_t loop; /* first: it must not move, and is large */
	serve_t *s;
	uv_signal_t sigint, sigterm;
	double t0;
	bool quiet;
	int signo; /* the signal that stopped us */
} serve_cli_t;

static void serve_usage(FILE *f)
{
	fprintf(f,
		"usage: dnsharness serve [--port N|free] [-q] "
		"[--formerr-question] PATH\n"
		"  Start the scripted servers of a scenario file (its "
		"servers: key), UDP and\n"
		"  TCP on each of their 127.x.y.z addresses; print one line "
		"\"NAME ADDRESS PORT\"\n"
		"  per address on standard output, then one line per query "
		"received on\n"
		"  standard error; stop on SIGINT or SIGTERM. ${vars} in the "
		"servers: of a\n"
		"  resolver or client suite take the values of its vars:.\n"
		"  Servers without port: share one port: 53 when the process "
		"may bind it,\n"
		"  else a free one.\n"
		"  --port N     servers without port: listen on N\n"
		"  --port free  ... on one free port, even when 53 is "
		"possible\n"
		"  -q           do not log the queries\n"
		"  --formerr-question  the FORMERR to a query that does not "
		"decode copies\n"
		"               its question when one was read (as the server "
		"behind a\n"
		"               resolver in the server suites does)\n"
		"  Exit 0 after SIGINT/SIGTERM; 1 when the servers cannot "
		"listen; 2 for bad\n"
		"  usage or a bad file.\n");
}

/* --port N|free into o. */
static bool parse_port(const char *v, serve_run_opts_t *o)
{
	char *end = NULL;
	if (strcmp(v, "free") == 0) {
		o->port_mode = SERVE_PORT_FREE;
		return true;
	}
	unsigned long p = strtoul(v, &end, 10);
	if (v[0] < '0' || v[0] > '9' || *end != '\0' || p == 0 || p > 65535)
		return false;
	o->port_mode = SERVE_PORT_FIXED;
	o->port = (uint16_t)p;
	return true;
}

/* Options into o and cli; the path into *path. false on bad usage. */
static bool parse_args(int argc, char **argv, serve_run_opts_t *o,
		       serve_cli_t *cli, const char **path)
{
	*path = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--port") == 0 && i + 1 < argc) {
			if (!parse_port(argv[++i], o)) {
				fprintf(stderr,
					"dnsharness serve: --port: 1 to 65535 "
					"or free, not '%s'\n",
					argv[i]);
				return false;
			}
		} else if (strcmp(a, "-q") == 0) {
			cli->quiet = true;
		} else if (strcmp(a, "--formerr-question") == 0) {
			o->answer.formerr_qd = true;
		} else if (a[0] == '-' || *path != NULL) {
			fprintf(stderr, "dnsharness serve: unexpected '%s'\n",
				a);
			return false;
		} else {
			*path = a;
		}
	}
	if (*path == NULL)
		fprintf(stderr, "dnsharness serve: give a scenario file\n");
	return *path != NULL;
}

static void on_query(void *ctx, const serve_log_entry_t *e)
{
	serve_cli_t *cli = ctx;
	char line[1024];
	if (cli->quiet)
		return;
	serve_log_line(e, line, sizeof(line));
	fprintf(stderr, "%9.3f %s\n", (e->t_ms - cli->t0) / 1000.0, line);
}

static void on_signal(uv_signal_t *h, int signo)
{
	serve_cli_t *cli = h->data;
	cli->signo = signo;
	serve_stop(cli->s);
	uv_close((uv_handle_t *)&cli->sigint, NULL);
	uv_close((uv_handle_t *)&cli->sigterm, NULL);
}

static void print_servers(const serve_config_t *c, const serve_t *s)
{
	char ip[64];
	for (size_t i = 0; i < c->n; i++)
		for (size_t k = 0; k < c->servers[i].naddrs; k++) {
			net_addr_format(
			    (const struct sockaddr *)&c->servers[i].addrs[k],
			    ip, sizeof(ip));
			/* "127.0.0.2:0": drop the port the config holds */
			char *colon = strrchr(ip, ':');
			if (colon != NULL)
				*colon = '\0';
			printf("%s %s %u\n", c->servers[i].name, ip,
			       serve_port(s, i));
		}
	fflush(stdout);
}

static bool watch_signals(serve_cli_t *cli)
{
	uv_signal_init(&cli->loop.uv, &cli->sigint);
	uv_signal_init(&cli->loop.uv, &cli->sigterm);
	cli->sigint.data = cli->sigterm.data = cli;
	return uv_signal_start(&cli->sigint, on_signal, SIGINT) == 0 &&
	       uv_signal_start(&cli->sigterm, on_signal, SIGTERM) == 0;
}

/* Start, serve until a signal, stop. The exit status. */
static int run(serve_cli_t *cli, const serve_config_t *c, serve_run_opts_t *o)
{
	char err[256];
	if (net_loop_init(&cli->loop) != 0) {
		fprintf(stderr, "dnsharness serve: no event loop\n");
		return EXIT_FAIL;
	}
	o->on_query = on_query;
	o->ctx = cli;
	o->log_max = 1; /* lines go to stderr; nothing is kept */
	int rc = serve_start(&cli->s, &cli->loop, c, o, err, sizeof(err));
	if (rc != 0 || !watch_signals(cli)) {
		fprintf(stderr, "dnsharness serve: %s\n",
			rc ? err : "cannot watch signals");
		serve_free(cli->s);
		net_loop_close(&cli->loop);
		return EXIT_FAIL;
	}
	cli->t0 = serve_now_ms(cli->s);
	print_servers(c, cli->s);
	net_loop_run(&cli->loop);
	serve_free(cli->s);
	net_loop_close(&cli->loop);
	if (!cli->quiet)
		fprintf(stderr, "dnsharness serve: stopped by %s\n",
			cli->signo == SIGTERM ? "SIGTERM" : "SIGINT");
	return EXIT_PASS;
}

/* Serve the servers: of path: as the scenario loader reads them (${vars}
 * substituted) when the file loads as a resolver or client suite, else
 * as written (a role: server file, or one with only servers:). When
 * neither works, the errors of the loader that read the servers. */
static int serve_file(serve_cli_t *cli, const char *path, serve_run_opts_t *o)
{
	static diag_t ds, d; /* large */
	sc_suite_t s;
	int rc = EXIT_USAGE;
	memset(&ds, 0, sizeof(ds));
	memset(&d, 0, sizeof(d));
	if (sc_load_file(path, NULL, &s, &ds) && s.servers != NULL) {
		rc = run(cli, s.servers, o);
		sc_suite_free(&s);
		return rc;
	}
	serve_config_t c;
	serve_config_init(&c);
	if (serve_config_load_file(&c, path, &d))
		rc = run(cli, &c, o);
	else
		diag_print(s.servers != NULL ? &ds : &d, stderr);
	serve_config_free(&c);
	sc_suite_free(&s);
	return rc;
}

int cmd_serve(int argc, char **argv)
{
	serve_run_opts_t o = {.port_mode = SERVE_PORT_53};
	const char *path = NULL;
	if (argc == 2 &&
	    (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
		serve_usage(stdout);
		return EXIT_PASS;
	}
	serve_cli_t *cli = calloc(1, sizeof(*cli));
	if (cli == NULL)
		return EXIT_FAIL;
	if (!parse_args(argc, argv, &o, cli, &path)) {
		serve_usage(stderr);
		free(cli);
		return EXIT_USAGE;
	}
	int rc = serve_file(cli, path, &o);
	free(cli);
	return rc;
}
