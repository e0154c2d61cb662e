/* serve.h - the scripted servers at run time: UDP and TCP listeners on a
 * net_loop_t, rules applied to every query, answers from the zones, and
 * a log of every query received.
 *
 * serve_start binds every address of every server of a config (UDP and
 * TCP) on the caller's loop, which it shares with whatever else runs
 * there (the runner's client exchanges, a target's process watcher).
 * Each query goes through the server's rules (config.h), first match
 * wins, else through its zones (answer.h), and is logged.
 *
 * Ports: a server with port: uses it; the others share one port chosen by
 * serve_run_opts_t.port_mode: a fixed port, port 53 (falling back to one
 * free port when the process may not bind 53), or one free port (the same
 * number on every address, found by probing).
 *
 * TCP: messages are reassembled with dns/tcp.h (a zero length ends the
 * connection); connections are limited per server, closed after an idle
 * time, and cut when the client does not read what is written (more than
 * SERVE_TCP_WQ_MAX bytes queued). A client that half-closes still gets the
 * answers pending for it. AXFR and IXFR from the zones are sent whole
 * (capped at SERVE_XFR_MAX_BYTES).
 *
 * Delays are real time. The log's timestamps are on the serve clock: the
 * monotonic clock plus a virtual offset that serve_clock_advance moves
 * forward (the runner's time_passes:).
 */
#ifndef DNSH_SERVE_SERVE_H
#define DNSH_SERVE_SERVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "dns/arena.h"
#include "dns/msg.h"
#include "net/loop.h"
#include "serve/answer.h"
#include "serve/config.h"

#define SERVE_LOG_DEFAULT   100000u	/* log entries kept */
#define SERVE_TCP_CONNS	    256u	/* per server, by default */
#define SERVE_TCP_IDLE_MS   10000ul	/* by default */
#define SERVE_TCP_WQ_MAX    (4u << 20)	/* bytes queued per connection */
#define SERVE_XFR_MAX_BYTES (64u << 20) /* one transfer */
#define SERVE_PORT_TRIES    32u		/* free-port probes */

typedef enum serve_port_mode {
	SERVE_PORT_FREE,  /* one free port, shared (tests) */
	SERVE_PORT_53,	  /* 53, or one free port when not permitted */
	SERVE_PORT_FIXED, /* serve_run_opts_t.port */
} serve_port_mode_t;

/* One query received. */
typedef struct serve_log_entry {
	double t_ms;	    /* serve clock at arrival */
	unsigned long step; /* serve_set_step's value at arrival */
	size_t server;	    /* index in the config */
	const char *name;   /* the server's name (the config's) */
	bool tcp;
	struct sockaddr_storage client; /* the sender */
	struct sockaddr_storage local;	/* the server address it reached */
	const uint8_t *msg;		/* the query bytes (the log's) */
	size_t len;
	long rule;	       /* index of the rule applied, -1: none */
	const char *rule_name; /* its name:, or NULL */
	serve_src_t src;       /* where the answer came from */
	serve_kind_t kind;     /* zone answers (ZONE, TC): what kind */
	size_t sent;	       /* messages sent or scheduled (duplicates too) */
	unsigned long delay_ms;
	dns_rc_t error; /* a reply that could not be built (not sent) */
} serve_log_entry_t;

typedef struct serve_run_opts {
	serve_port_mode_t port_mode;
	uint16_t port;		   /* SERVE_PORT_FIXED */
	size_t log_max;		   /* 0: SERVE_LOG_DEFAULT */
	size_t tcp_conns;	   /* per server; 0: SERVE_TCP_CONNS */
	unsigned long tcp_idle_ms; /* 0: SERVE_TCP_IDLE_MS */
	serve_opts_t answer;	   /* for the zone answers (answer.h) */
	const net_tap_t *tap;	   /* every packet received and sent, or NULL;
				      it must outlive the servers */
	/* Called for every query once its answer is decided, before it is
	 * sent (NULL: none); e is valid during the call only. */
	void (*on_query)(void *ctx, const serve_log_entry_t *e);
	void *ctx;
} serve_run_opts_t;

typedef struct serve serve_t;

/* Start the servers of c (which must outlive *out) on loop l as o says
 * (o may be NULL: free ports, defaults). Returns 0 with *out set; or a
 * negative libuv error with a sentence in err (errlen bytes) and *out
 * NULL, nothing left open. */
int serve_start(serve_t **out, net_loop_t *l, const serve_config_t *c,
		const serve_run_opts_t *o, char *err, size_t errlen);

/* The port server i listens on (every one of its addresses). */
uint16_t serve_port(const serve_t *s, size_t i);

/* Stop listening, close every connection and cancel pending replies;
 * the log stays readable. The loop finishes the closes when it runs. */
void serve_stop(serve_t *s);

/* Stop if needed and release s; its memory goes once the loop has closed
 * its last handle (run the loop before net_loop_close). NULL is fine. */
void serve_free(serve_t *s);

/* The serve clock in milliseconds: monotonic time plus the offset. */
double serve_now_ms(const serve_t *s);

/* Move the serve clock forward by ms (>= 0). */
void serve_clock_advance(serve_t *s, double ms);

/* The runner's current step: its 1-based place in the suite's steps:,
 * set before the step starts (0, the initial value: no step, as under
 * dnsharness serve). A query counts for the step current when it
 * arrives, so what a resolver sends after a step has ended (prefetch,
 * retries) counts for that step until the next one is set. Rules with
 * match: step: compare against it; log entries record it. */
void serve_set_step(serve_t *s, unsigned long step);

/* The query log: entries in arrival order. */
size_t serve_log_count(const serve_t *s);
const serve_log_entry_t *serve_log_get(const serve_t *s, size_t i);

/* Queries received but not logged because the log was full. */
size_t serve_log_dropped(const serve_t *s);

/* Forget every entry (and the dropped count). Pointers from
 * serve_log_get become invalid. */
void serve_log_clear(serve_t *s);

/* Decode an entry's query (survey mode: as much as can be read) into
 * *out from arena. Returns what dns_msg_decode returned. */
dns_rc_t serve_log_decode(const serve_log_entry_t *e, dns_arena_t *arena,
			  dns_msg_t *out);

/* One line for a log entry, snprintf-style into buf, e.g. "root udp
 * 127.0.0.1:4000 -> 127.0.0.2:53 id 0x1234 example. A IN: zone
 * nxdomain, 1 sent" or "...: rule 2 'slow': reply, 1 sent after 200 ms"
 * (rules are numbered from 1 there). */
size_t serve_log_line(const serve_log_entry_t *e, char *buf, size_t cap);

#endif
