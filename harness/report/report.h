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

/* How a case's verdict compares with the verdicts its target is known to
 * give (scenarios/targets/<name>.expected, report/expected.h). */
typedef enum sc_exp_status {
	SC_EXP_NONE = 0,  /* not compared, or passed (skipped) unlisted */
	SC_EXP_DEVIATION, /* failed as listed: an expected deviation */
	SC_EXP_NEW_FAIL,  /* failed unlisted, or listed with another verdict */
	SC_EXP_NEW_PASS,  /* listed, but passed */
} sc_exp_status_t;

/* "none", "deviation", "new-failure", "new-pass". */
const char *sc_exp_status_name(sc_exp_status_t s);

/* role: client steps: what the program did (play/client.h). */
typedef struct sc_client_obs {
	const char *command; /* the argument vector, quoted for reading */
	const char *status;  /* "exit 0", "killed by signal 11 (SIGSEGV)",
				"killed at the timeout (10s)", or why it did
				not start */
	bool started;
	int exit_code;	  /* -1 when killed by a signal */
	int signal;	  /* the signal that ended it, or 0 */
	bool timed_out;	  /* killed by the harness at the timeout */
	const char *out;  /* standard output, as text: bytes other than
			     printable ASCII, tab and newline as \xNN */
	const char *err;  /* standard error, the same */
	size_t out_bytes; /* bytes the program wrote to each */
	size_t err_bytes;
	bool out_cut, err_cut; /* more than CLIENT_OUTPUT_MAX: not all kept */
} sc_client_obs_t;

/* One case's outcome. Bytes referenced by obs live in the run's arena. */
typedef struct sc_result {
	const sc_suite_t *suite;
	const sc_case_t *c;
	sc_verdict_t verdict;
	sc_observed_t obs;
	double started_ms; /* since the run started */
	double elapsed_ms;
	/* role: resolver steps: the queries the scripted servers received
	 * during the step (one line each, "SERVER udp QNAME QTYPE [rd] do",
	 * at most 64 then "... N more"), and how many; NULL otherwise. */
	const char *upstream_log;
	size_t upstream_count;
	/* role: client steps: the program's run, or NULL. */
	const sc_client_obs_t *client;
	/* Against the target's expectations file (report/expected.h). */
	sc_exp_status_t exp;
	sc_verdict_kind_t exp_verdict; /* the verdict listed, when listed */
	const char *exp_reason;	       /* the reason listed, or NULL */
} sc_result_t;

typedef struct sc_run {
	const char *run_id; /* e.g. "20261126-171500-rfc6891-edns" */
	const char *target; /* "127.0.0.1:5300" as given */
	sc_transport_t transport_override; /* when --transport was given */
	bool transport_forced;
	sc_result_t *results; /* deterministic order: suites as given,
				 cases as in the file */
	size_t nresults;
	bool interrupted;    /* stopped by SIGINT: the report is partial */
	double started_unix; /* seconds since the epoch */
	double elapsed_ms;
	const char *target_log; /* the target's stdout/stderr, or NULL */
	const char *program;	/* the recipe's name (--program), or NULL */
	/* How the target ended during the run ("killed by signal 11
	 * (SIGSEGV)"), or NULL when it did not; and the case it died during:
	 * the earliest in flight when it was found dead, else the last to
	 * end (NULL: before the first case). */
	const char *target_died;
	const sc_result_t *died_during;
	/* Set when the results were compared with an expectations file. */
	const char *expected_file;
} sc_run_t;

/* Counts of a run's results by sc_exp_status_t. */
void report_exp_counts(const sc_run_t *run, size_t counts[4]);

/* Files. Each is written atomically (temporary file, then rename); false
 * with a sentence in err (errlen bytes) on failure. report.json is
 * written case by case, so memory does not grow with the number of cases
 * (reports/README.md documents both files). */
bool report_write_json(const sc_run_t *run, const char *path, char *err,
		       size_t errlen);
bool report_write_junit(const sc_run_t *run, const char *path, char *err,
			size_t errlen);

/* TAP version 13 on f. */
void report_tap(const sc_run_t *run, FILE *f);

/* One progress line, rewritten in place; only call when f is a tty. */
void report_progress(size_t done, size_t total, size_t failed, FILE *f);

/* The end-of-run report: each failure (with -v: query, response and the
 * expectation diff; expected deviations only with -v), the target's death
 * if it died, the pass/fail/error/skip table per suite and level, then,
 * when compared with an expectations file, the new failures and the new
 * passes. */
void report_summary(const sc_run_t *run, FILE *f, bool color, bool verbose);

/* The same for several runs of one selection of cases, one run per target
 * (dnsharness run --program A --program B): one report with a target
 * dimension. With n == 1 each writes what its single-run form writes. In
 * report.json, n > 1 gives a "targets" array, one object per run, in
 * place of the top-level per-target keys; in junit.xml and TAP, suite
 * names are prefixed "TARGET: "; the summary prints one block per target,
 * then the pass counts per target and level. */
bool report_write_json_runs(const sc_run_t *runs, size_t n, const char *path,
			    char *err, size_t errlen);
bool report_write_junit_runs(const sc_run_t *runs, size_t n, const char *path,
			     char *err, size_t errlen);
void report_tap_runs(const sc_run_t *runs, size_t n, FILE *f);
void report_summary_runs(const sc_run_t *runs, size_t n, FILE *f, bool color,
			 bool verbose);

/* report.json's cases of a one-target run, rendered by a thread of their
 * own while the run plays, into a scratch file in the report's directory
 * (so memory does not grow with the run), which becomes report.json
 * once the run is over. The caller says when a result is final
 * (nothing will change it again, the run-level expected_file and
 * died_during included); the thread renders the longest run of final
 * results from the first on. report_write_json_stream then makes
 * report.json of that file (the rest appended, the file renamed), when
 * the stream holds every case of the run as the run stands at the end;
 * otherwise (the target died after some cases were rendered, a write
 * failed) it renders them as report_write_json_runs does. A NULL stream
 * is allowed everywhere. */
typedef struct report_stream report_stream_t;

/* A stream writing into dir, or NULL when it cannot (no memory, file or
 * thread): the caller goes on without it. */
report_stream_t *report_stream_start(const char *dir);
/* run->results[idx] is final (run is the run being played; only its
 * results and run-level fields are read, under the stream's lock). */
void report_stream_ended(report_stream_t *s, const sc_run_t *run, size_t idx);
/* Every result of run is final: the thread renders the rest at the usual
 * priority while the caller goes on (report_write_json_stream waits for
 * it). */
void report_stream_finish(report_stream_t *s, const sc_run_t *run);
/* Stop the thread if it still runs, remove the file, free s. */
void report_stream_free(report_stream_t *s);
/* report_write_json_runs, with the cases of runs[0] from stream when n is
 * 1 and the stream holds them all. */
bool report_write_json_stream(const sc_run_t *runs, size_t n,
			      report_stream_t *stream, const char *path,
			      char *err, size_t errlen);

/* The compliance matrix: one self-contained HTML page (no external
 * assets; a little inline JavaScript for the filters), cases x targets,
 * failures first, each cell opening the query and the responses decoded
 * dig-style, the expectation diff with the RFC tag and level, and the
 * expectations file's verdict. Runs are matched by index: runs[k]'s result
 * i is shown in row i when it is the same case as runs[0]'s (as the runs
 * of one invocation are), else the cell is empty. Above REPORT_HTML_DETAIL
 * cells, a passing cell (not listed in an expectations file) is one word
 * that opens nothing, and other passing cells carry no decoded messages:
 * report.json has them. */
#define REPORT_HTML_DETAIL 5000u
bool report_write_html(const sc_run_t *runs, size_t n, const char *path,
		       char *err, size_t errlen);

/* Traffic capture: every packet sent and received, as IPv4/IPv6 with UDP
 * or synthesized TCP segments (sequence numbers tracked per connection, so
 * Wireshark and tshark reassemble the DNS-over-TCP stream), in the pcap
 * file format (written by pcap.c itself, buffered: the file is complete
 * once pcap_log_close has run).
 * The calls may come from several threads (each loop keeps its TCP
 * connection ids apart: net_loop_t.next_conn). */
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
