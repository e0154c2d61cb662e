/* run_serve.c - the scripted servers of the files given to dnsharness run
 * without --target or --program: loaded, started on a loop of their own,
 * run by a thread for the whole run, stopped and released at its end. */
#include "cli/run_serve.h"

#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "cli/cli.h"
#include "net/loop.h"
#include "serve/config.h"
#include "serve/serve.h"

#define SERVE_LOG_KEPT                                                         \
	1024u /* queries kept per server set: the log is                       \
		 not read by the client role */

struct run_serve {
	net_loop_t loop; /* first: large, and it must not move */
	uv_async_t stop; /* wakes the thread to stop the servers */
	bool async_open;
	uv_thread_t thread;
	bool thread_started;
	bool loop_open;
	size_t n;	      /* suites */
	serve_config_t *cfgs; /* per suite */
	serve_t **servers;    /* per suite, NULL until started */
	struct sockaddr_storage *addrs;
	const struct sockaddr **targets;
	char text[512];
};

static void on_stop(uv_async_t *h)
{
	run_serve_t *rs = h->data;
	for (size_t i = 0; i < rs->n; i++)
		serve_stop(rs->servers[i]);
	uv_close((uv_handle_t *)&rs->stop, NULL);
}

static void loop_thread(void *arg)
{
	run_serve_t *rs = arg;
	net_loop_run(&rs->loop);
}

/* The servers: of suite i's file into rs->cfgs[i]; false after printing
 * why. */
static bool load_one(run_serve_t *rs, const sc_suite_t *s, size_t i)
{
	diag_t d = {0};
	bool ok = serve_config_load_file(&rs->cfgs[i], s->file, &d);
	if (ok && rs->cfgs[i].n > 0)
		return true;
	diag_print(&d, stderr); /* before the config holding the names */
	if (ok)
		fprintf(stderr, "%s: error: servers: lists no server\n",
			s->file);
	fprintf(stderr,
		"dnsharness run: without --target or --program, each file is "
		"played against its own servers:, and %s has none that can "
		"run\n",
		s->file);
	return false;
}

/* Start suite i's servers on rs's loop; its cases go to the first
 * address of the first server. false after printing why. */
static bool start_one(run_serve_t *rs, const char *file, size_t i)
{
	serve_run_opts_t o = {.port_mode = SERVE_PORT_FREE,
			      .log_max = SERVE_LOG_KEPT};
	char err[256];
	const serve_config_t *c = &rs->cfgs[i];
	if (serve_start(&rs->servers[i], &rs->loop, c, &o, err, sizeof(err)) !=
	    0) {
		fprintf(stderr, "dnsharness run: %s: %s\n", file, err);
		return false;
	}
	memcpy(&rs->addrs[i], &c->servers[0].addrs[0], sizeof(rs->addrs[i]));
	struct sockaddr_in *sin = (struct sockaddr_in *)&rs->addrs[i];
	sin->sin_port = htons(serve_port(rs->servers[i], 0));
	rs->targets[i] = (const struct sockaddr *)&rs->addrs[i];
	return true;
}

static void describe(run_serve_t *rs, const sc_suite_t *suites, size_t nserver)
{
	char addr[64];
	size_t i = 0;
	if (nserver > 1) {
		snprintf(rs->text, sizeof(rs->text), "servers of %zu files",
			 nserver);
		return;
	}
	while (rs->targets[i] == NULL)
		i++;
	net_addr_format(rs->targets[i], addr, sizeof(addr));
	snprintf(rs->text, sizeof(rs->text), "servers of %s (%s %s)",
		 suites[i].file, rs->cfgs[i].servers[0].name, addr);
}

static bool alloc_all(run_serve_t *rs, size_t n)
{
	rs->n = n;
	rs->cfgs = calloc(n, sizeof(*rs->cfgs));
	rs->servers = calloc(n, sizeof(*rs->servers));
	rs->addrs = calloc(n, sizeof(*rs->addrs));
	rs->targets = calloc(n, sizeof(*rs->targets));
	if (rs->cfgs == NULL || rs->servers == NULL || rs->addrs == NULL ||
	    rs->targets == NULL)
		return false;
	for (size_t i = 0; i < n; i++)
		serve_config_init(&rs->cfgs[i]);
	return true;
}

/* Start every server, then the thread. 0, -1 when no suite is of role
 * server, or an exit status. */
static int start_all(run_serve_t *rs, const sc_suite_t *suites)
{
	size_t nserver = 0;
	for (size_t i = 0; i < rs->n; i++) {
		if (suites[i].role != SC_ROLE_SERVER)
			continue; /* a resolver suite starts its own */
		if (!load_one(rs, &suites[i], i))
			return EXIT_USAGE;
		nserver++;
	}
	if (nserver == 0)
		return -1; /* nothing to start */
	for (size_t i = 0; i < rs->n; i++)
		if (suites[i].role == SC_ROLE_SERVER &&
		    !start_one(rs, suites[i].file, i))
			return EXIT_FAIL;
	rs->stop.data = rs;
	if (uv_async_init(&rs->loop.uv, &rs->stop, on_stop) != 0) {
		fprintf(stderr, "dnsharness run: cannot start the servers\n");
		return EXIT_FAIL;
	}
	rs->async_open = true;
	if (uv_thread_create(&rs->thread, loop_thread, rs) != 0) {
		fprintf(stderr, "dnsharness run: no thread for the servers\n");
		return EXIT_FAIL;
	}
	rs->thread_started = true;
	describe(rs, suites, nserver);
	return 0;
}

int run_serve_start(run_serve_t **out, const sc_suite_t *suites, size_t n)
{
	*out = NULL;
	run_serve_t *rs = calloc(1, sizeof(*rs));
	if (rs == NULL || !alloc_all(rs, n)) {
		fprintf(stderr, "dnsharness run: out of memory\n");
		run_serve_stop(rs);
		return EXIT_FAIL;
	}
	if (net_loop_init(&rs->loop) != 0) {
		fprintf(stderr, "dnsharness run: no event loop\n");
		run_serve_stop(rs);
		return EXIT_FAIL;
	}
	rs->loop_open = true;
	int status = start_all(rs, suites);
	if (status != 0) {
		run_serve_stop(rs);
		return status < 0 ? 0 : status;
	}
	*out = rs;
	return 0;
}

const struct sockaddr *const *run_serve_targets(const run_serve_t *rs)
{
	return rs->targets;
}

const char *run_serve_text(const run_serve_t *rs)
{
	return rs->text;
}

void run_serve_stop(run_serve_t *rs)
{
	if (rs == NULL)
		return;
	if (rs->thread_started) {
		uv_async_send(&rs->stop);
		uv_thread_join(&rs->thread);
	} else if (rs->async_open) {
		uv_close((uv_handle_t *)&rs->stop, NULL);
	}
	for (size_t i = 0; rs->servers != NULL && i < rs->n; i++)
		serve_free(rs->servers[i]);
	if (rs->loop_open)
		net_loop_close(&rs->loop); /* finishes every close */
	for (size_t i = 0; rs->cfgs != NULL && i < rs->n; i++)
		serve_config_free(&rs->cfgs[i]);
	free(rs->cfgs);
	free(rs->servers);
	free(rs->addrs);
	free(rs->targets);
	free(rs);
}
