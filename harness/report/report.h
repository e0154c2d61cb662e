/* report.h - the results of a run, and the reports written from them:
 * terminal progress and summary, report.json, junit.xml, TAP, and the
 * traffic capture (traffic.pcap).
 */
#ifndef DNSH_REPORT_H
#define DNSH_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "expect/expect.h"
#include "scenario/scenario.h"

/* One case's outcome. Bytes referenced by obs live in the run's arena. */
typedef struct sc_result {
	const sc_suite_t *suite;
	const sc_case_t *c;
	sc_verdict_t verdict;
	sc_observed_t obs;
	double started_ms; /* since the run started */
	double elapsed_ms;
} sc_result_t;

typedef struct sc_run {
	const char *run_id;  /* e.g. "20261126-171500-rfc6891-edns" */
	const char *target;  /* "127.0.0.1:5300" as given */
	sc_transport_t transport_override; /* when --transport was given */
	bool transport_forced;
	sc_result_t *results; /* deterministic order: suites as given,
				 cases as in the file */
	size_t nresults;
	bool interrupted;     /* stopped by SIGINT: the report is partial */
	double started_unix;  /* seconds since the epoch */
	double elapsed_ms;
	const char *target_log; /* the target's stdout/stderr, or NULL */
} sc_run_t;

/* Files. Each is written atomically (temporary file, then rename); false
 * with a sentence in err (errlen bytes) on failure. */
bool report_write_json(const sc_run_t *run, const char *path, char *err,
		       size_t errlen);
bool report_write_junit(const sc_run_t *run, const char *path, char *err,
			size_t errlen);

/* TAP version 13 on f. */
void report_tap(const sc_run_t *run, FILE *f);

/* One progress line, rewritten in place; only call when f is a tty. */
void report_progress(size_t done, size_t total, size_t failed, FILE *f);

/* The end-of-run table: pass/fail/error/skip per suite and level, then
 * each failure (with -v: query, response and the expectation diff). */
void report_summary(const sc_run_t *run, FILE *f, bool color, bool verbose);

/* Traffic capture: every packet sent and received, as IPv4/IPv6 with UDP
 * or synthesized TCP segments (sequence numbers tracked per connection, so
 * Wireshark and tshark reassemble the DNS-over-TCP stream), via libpcap. */
typedef struct pcap_log pcap_log_t;

/* NULL with a sentence in err on failure. */
pcap_log_t *pcap_log_open(const char *path, char *err, size_t errlen);
void pcap_log_udp(pcap_log_t *p, const struct sockaddr *src,
		  const struct sockaddr *dst, const uint8_t *data, size_t len);
/* A TCP connection's life: open (SYN exchange), data in either direction,
 * close (FIN). conn is an opaque id the caller keeps unique per
 * connection; client is the local address, server the remote. */
void pcap_log_tcp_open(pcap_log_t *p, uint64_t conn,
		       const struct sockaddr *client,
		       const struct sockaddr *server);
void pcap_log_tcp_data(pcap_log_t *p, uint64_t conn, bool from_client,
		       const uint8_t *data, size_t len);
void pcap_log_tcp_close(pcap_log_t *p, uint64_t conn, bool by_client);
void pcap_log_close(pcap_log_t *p);

#endif
