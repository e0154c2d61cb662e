/* behind.c - the authoritative server behind a resolver target (behind.h). */
#include "play/behind.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "dns/arena.h"
#include "net/loop.h"
#include "play/play.h"
#include "scenario/node.h"
#include "serve/config.h"
#include "serve/serve.h"

/* The servers: of the config, as a scenario would write them; zone paths
 * are relative to the scenarios directory. The root delegates example. as
 * a real parent would (its DS query is answered there: NODATA), with the
 * zone's own NS records and their addresses as glue. */
static const char behind_yaml[] =
    "servers:\n"
    "  - name: behind\n"
    "    addresses: [" PLAY_BEHIND_ADDR "]\n"
    "    zones:\n"
    "      - file: zones/" PLAY_BEHIND_ZONE_FILE "\n"
    "      - |\n"
    "        . 86400 IN SOA behind.dnsharness. hostmaster.dnsharness. "
    "1 1800 900 604800 86400\n"
    "        . 86400 IN NS behind.dnsharness.\n"
    "        example. 86400 IN NS ns1.example.\n"
    "        example. 86400 IN NS ns2.example.\n"
    "        ns1.example. 86400 IN A 192.0.2.53\n"
    "        ns2.example. 86400 IN A 198.51.100.53\n";

struct play_behind {
	net_loop_t loop;
	net_tap_t tap; /* into the run's capture */
	serve_config_t cfg;
	serve_t *srv;
	uv_async_t stop;
	pthread_t thread;
	bool running;
};

static void on_stop(uv_async_t *a)
{
	play_behind_t *b = a->data;
	serve_stop(b->srv);
	uv_close((uv_handle_t *)a, NULL);
}

static void *loop_main(void *arg)
{
	play_behind_t *b = arg;
	net_loop_run(&b->loop);
	return NULL;
}

/* The config of behind_yaml into b->cfg; false with the reason in err. */
static bool load_config(play_behind_t *b, const char *scenarios_dir, char *err,
			size_t cap)
{
	diag_t *d = calloc(1, sizeof(*d)); /* large: not on the stack */
	if (d == NULL) {
		snprintf(err, cap,
			 "the zones behind the resolver: out of memory");
		return false;
	}
	dns_arena_t arena;
	dns_arena_init(&arena, 0);
	const node_t *doc = node_parse(behind_yaml, sizeof(behind_yaml) - 1,
				       "behind.yaml", &arena, d);
	bool ok =
	    doc != NULL &&
	    serve_config_load(&b->cfg, node_get(doc, "servers"),
			      scenarios_dir ? scenarios_dir : "scenarios", d);
	if (!ok)
		snprintf(err, cap, "the zones behind the resolver: %s:%u: %s",
			 d->n ? d->e[0].file : "behind.yaml",
			 d->n ? d->e[0].line : 0, d->n ? d->e[0].msg : "?");
	dns_arena_free(&arena); /* the config keeps its own copy */
	free(d);
	return ok;
}

int play_behind_start(play_behind_t **out, const char *scenarios_dir,
		      pcap_log_t *pcap, char *err, size_t cap)
{
	*out = NULL;
	play_behind_t *b = dns_mem_alloc(sizeof(*b));
	if (b == NULL) {
		snprintf(err, cap, "out of memory");
		return UV_ENOMEM;
	}
	memset(b, 0, sizeof(*b));
	serve_config_init(&b->cfg);
	if (!load_config(b, scenarios_dir, err, cap)) {
		serve_config_free(&b->cfg);
		dns_mem_free(b);
		return UV_EINVAL;
	}
	int rc = net_loop_init(&b->loop);
	if (rc != 0) {
		snprintf(err, cap, "no event loop: %s", uv_strerror(rc));
		serve_config_free(&b->cfg);
		dns_mem_free(b);
		return rc;
	}
	if (pcap != NULL) {
		b->tap = play_pcap_tap(pcap);
		/* TCP connection ids apart from those of the run's loop */
		b->loop.next_conn = (uint64_t)1 << 48;
	}
	serve_run_opts_t so = {.port_mode = SERVE_PORT_FREE,
			       .tap = pcap != NULL ? &b->tap : NULL,
			       .answer = {.formerr_qd = true}};
	if ((rc = uv_async_init(&b->loop.uv, &b->stop, on_stop)) != 0)
		snprintf(err, cap, "no async handle: %s", uv_strerror(rc));
	else if ((rc = serve_start(&b->srv, &b->loop, &b->cfg, &so, err,
				   cap)) == 0) {
		b->stop.data = b;
		rc = pthread_create(&b->thread, NULL, loop_main, b);
		if (rc != 0) {
			snprintf(err, cap, "no thread: %s", strerror(rc));
			rc = UV_EAGAIN;
		}
	}
	if (rc != 0) {
		serve_free(b->srv);
		net_loop_close(&b->loop); /* closes the async handle too */
		serve_config_free(&b->cfg);
		dns_mem_free(b);
		return rc;
	}
	b->running = true;
	*out = b;
	return 0;
}

unsigned play_behind_port(const play_behind_t *b)
{
	return serve_port(b->srv, 0);
}

size_t play_behind_stop(play_behind_t *b)
{
	if (b == NULL)
		return 0;
	if (b->running) {
		uv_async_send(&b->stop);
		pthread_join(b->thread, NULL);
	}
	size_t n = serve_log_count(b->srv) + serve_log_dropped(b->srv);
	serve_free(b->srv);
	net_loop_close(&b->loop);
	serve_config_free(&b->cfg);
	dns_mem_free(b);
	return n;
}
