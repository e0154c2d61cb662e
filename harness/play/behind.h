/* behind.h - the authoritative server behind a resolver that plays the
 * server suites.
 *
 * The server suites (scenarios/server/) ask about the bundled zone
 * example. (and a few names outside it). An authoritative target serves
 * that zone itself; a resolver target needs someone to ask. play_behind
 * is that someone: one scripted server (serve/serve.h) on 127.0.0.1 and a
 * free port (UDP and TCP; port 53 is never taken, so no lock is needed),
 * serving the root zone (an SOA, an NS and the delegation of example.:
 * every other name is NXDOMAIN) and example. from
 * <scenarios>/zones/example.signed.zone, the zone the authoritative
 * recipes serve. It runs on an event loop of its own, in a thread of its
 * own, from play_behind_start to play_behind_stop, so the runner's loop
 * is not touched. Its FORMERR to a query it cannot decode copies the
 * question when one was read (serve_opts_t.formerr_qd): a forwarder
 * (dnsmasq) passes such queries on as they are and drops a reply whose
 * question it cannot match to its query.
 *
 * The resolver is pointed at it through its recipe vars (upstream,
 * upstream_port, upstream_zone "." and upstream_mode "forward": see
 * scenarios/targets/README.md).
 */
#ifndef DNSH_PLAY_BEHIND_H
#define DNSH_PLAY_BEHIND_H

#include <stddef.h>

#include "report/report.h"

#define PLAY_BEHIND_ADDR      "127.0.0.1"
#define PLAY_BEHIND_ZONE      "example."
#define PLAY_BEHIND_ZONE_FILE "example.signed.zone" /* in <scenarios>/zones */

typedef struct play_behind play_behind_t;

/* Load the zones (scenarios_dir NULL: "scenarios") and start serving them,
 * every packet into pcap (NULL: none; the run's capture, shared with the
 * run's own loop). 0 with *out set, or a negative libuv error (UV_EINVAL
 * for zones that do not load) with a sentence in err (cap bytes) and *out
 * NULL. */
int play_behind_start(play_behind_t **out, const char *scenarios_dir,
		      pcap_log_t *pcap, char *err, size_t cap);

/* The port it listens on (UDP and TCP, on PLAY_BEHIND_ADDR). */
unsigned play_behind_port(const play_behind_t *b);

/* Stop serving, end the thread and release b; returns how many queries it
 * was asked. NULL is fine (0). */
size_t play_behind_stop(play_behind_t *b);

#endif
