/* run_serve.h - dnsharness run without --target and --program: each
 * scenario file is played against the scripted servers of its own
 * servers: key (scenarios/README.md, "Playing a file against its own
 * servers"). The servers of every file run for the whole run on one
 * event loop, on a thread of their own, each file's on free ports; the
 * cases of a suite go to the first address of the first server of its
 * file. Not public: cmd_run.c's helper.
 */
#ifndef DNSH_RUN_SERVE_H
#define DNSH_RUN_SERVE_H

#include <stddef.h>
#include <sys/socket.h>

#include "scenario/scenario.h"

typedef struct run_serve run_serve_t;

/* Read the servers: of the file of each role: server suite of
 * suites[0..n) and start them all (resolver suites start their own).
 * Returns 0 with *out set, or with *out NULL when no suite is of role
 * server (nothing to start); or the exit status after saying why on
 * stderr, *out NULL: EXIT_USAGE for a server suite whose file has no
 * servers: or bad ones, EXIT_FAIL when they cannot listen. */
int run_serve_start(run_serve_t **out, const sc_suite_t *suites, size_t n);

/* Per suite (n entries, in the order given), the address its cases go
 * to; NULL for the suites of other roles. Valid until run_serve_stop. */
const struct sockaddr *const *run_serve_targets(const run_serve_t *rs);

/* The run's target as reports name it: "servers of FILE (NAME
 * 127.0.0.2:PORT)" for one file, "servers of N files" for more. */
const char *run_serve_text(const run_serve_t *rs);

/* Stop every server, wait for the thread and release rs (NULL is fine). */
void run_serve_stop(run_serve_t *rs);

#endif
