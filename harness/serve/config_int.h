/* config_int.h - what config.c, rules.c and build.c share; not an API. */
#ifndef DNSH_SERVE_CONFIG_INT_H
#define DNSH_SERVE_CONFIG_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "dns/arena.h"
#include "dns/name.h"
#include "scenario/node.h"
#include "serve/config.h"

/* n is a non-empty scalar without NUL bytes; else a located error. */
bool scfg_text(const node_t *n, const char *what, diag_t *d);

/* A domain name in presentation form (relative names are taken from the
 * root); case is kept as written. false with a located error. */
bool scfg_name(const node_t *n, const char *what, dns_name_t *out, diag_t *d);

/* Same family, address and port (sockaddr_storage of AF_INET/AF_INET6). */
bool net_addr_same(const struct sockaddr_storage *a,
		   const struct sockaddr_storage *b);

/* The rules: of server s (v may be NULL: no rules). */
bool scfg_rules(const node_t *v, serve_server_t *s, dns_arena_t *arena,
		diag_t *d);

/* A map with the keys of the reply map r plus the question of v (its
 * first question: name, type, class; or no_question: true when it has
 * none), allocated in arena; NULL on memory failure. */
node_t *scfg_reply_node(const node_t *r, const serve_qview_t *v,
			dns_arena_t *arena);

#endif
