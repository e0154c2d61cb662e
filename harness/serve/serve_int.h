/* serve_int.h - what serve.c, handle.c, listen.c and qlog.c share; not an
 * API. Every libuv handle counts in serve_t.handles until its close
 * callback has run; the memory of a stopped server goes with the last. */
#ifndef DNSH_SERVE_INT_H
#define DNSH_SERVE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <uv.h>

#include "dns/arena.h"
#include "dns/tcp.h"
#include "serve/serve.h"

typedef struct sv_server sv_server_t;
typedef struct sv_listen sv_listen_t;
typedef struct sv_conn sv_conn_t;
typedef struct sv_job sv_job_t;

/* One address of one server: a UDP socket and a TCP listener. */
struct sv_listen {
	sv_server_t *srv;
	struct sockaddr_storage addr; /* with the port */
	uv_udp_t udp;
	uv_tcp_t tcp;
	bool udp_open, tcp_open;
};

struct sv_server {
	serve_t *s;
	size_t index;
	const serve_server_t *cfg;
	unsigned long *hits; /* per rule: queries that met its criteria */
	uint16_t port;
	sv_listen_t *ls;
	size_t nls;
	size_t nconns; /* open TCP connections */
};

/* A TCP connection accepted by a listener. */
struct sv_conn {
	sv_listen_t *ls;
	uv_tcp_t tcp;
	uv_timer_t idle;
	uv_shutdown_t shut;
	dns_tcp_reader_t reader;
	uint64_t id; /* for the tap */
	struct sockaddr_storage peer;
	int handles;		/* of tcp and idle, not yet closed */
	unsigned pending;	/* delayed jobs waiting to write here */
	bool eof;		/* the client finished sending */
	bool closing;		/* shut down, reset or closed: nothing more */
	bool shutting;		/* uv_shutdown issued */
	bool reset_after;	/* reset once the writes queued are done */
	sv_conn_t *prev, *next; /* in serve_t.conns */
};

/* The messages answering one query, to send now or after a delay. */
struct sv_job {
	serve_t *s;
	sv_listen_t *ls;
	sv_conn_t *conn; /* TCP; NULL over UDP */
	struct sockaddr_storage peer;
	const serve_act_t *act; /* the rule's action; NULL: zones alone */
	uint8_t *data;		/* messages, each behind a 2-byte length */
	size_t len, cap;
	size_t nmsgs;
	size_t dripped; /* drip: bytes of the stream written so far */
	uv_timer_t timer;
	bool timer_open;
	sv_job_t *prev, *next; /* delayed jobs, in serve_t.jobs */
};

struct serve {
	net_loop_t *loop;
	const serve_config_t *cfg;
	serve_run_opts_t o;
	sv_server_t *srv;
	size_t nsrv;
	dns_arena_t scratch; /* per query */
	uint8_t *buf;	     /* DNS_MSG_MAXLEN bytes of working space */
	double offset;	     /* virtual clock offset, ms */
	unsigned long step;  /* serve_set_step; 0: none */
	int handles;	     /* libuv handles not yet closed */
	bool stopped, free_pending;
	sv_job_t *jobs;
	sv_conn_t *conns;
	/* the query log */
	serve_log_entry_t *log;
	size_t nlog, caplog, dropped;
	dns_arena_t logmem;
};

/* A query arrived on ls (over TCP on c, else over UDP from peer): pick
 * the rule, build the answer, log it, send it or schedule it. */
void sv_query(sv_listen_t *ls, sv_conn_t *c, const struct sockaddr *peer,
	      const uint8_t *q, size_t len);

/* Send job j's messages (and act's close/reset) now. Does not free j. */
void sv_job_send(sv_job_t *j);

/* What follows j's last byte over TCP: its action's close or reset. */
void sv_job_after(sv_job_t *j);

/* Write len bytes (framed messages) on c; then close or reset it when
 * asked. */
void sv_conn_write(sv_conn_t *c, const uint8_t *data, size_t len);
void sv_conn_shutdown(sv_conn_t *c);
void sv_conn_reset(sv_conn_t *c);

/* A delayed job for c ended: close c if the client is gone and nothing
 * else is pending. */
void sv_conn_job_done(sv_conn_t *c);

/* Open the UDP socket and TCP listener of ls. 0 or a libuv error. */
int sv_listen_open(sv_listen_t *ls);

/* Close ls's handles and every connection (stop). */
void sv_listen_close(sv_listen_t *ls);
void sv_conn_close(sv_conn_t *c);

/* Cancel and free every delayed job (of connection c, or all when c is
 * NULL). */
void sv_jobs_cancel(serve_t *s, sv_conn_t *c);

/* A handle of s closed: count it, and free s when it was the last one
 * and serve_free asked. */
void sv_handle_closed(serve_t *s);

/* Add an entry to the log (its msg is copied); NULL when the log is full
 * (counted in dropped) or out of memory. */
serve_log_entry_t *sv_log_add(serve_t *s, const serve_log_entry_t *e);

/* Release the log's memory. */
void sv_log_free(serve_t *s);

#endif
