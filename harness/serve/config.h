/* config.h - the scripted servers of a scenario: the model and its YAML.
 *
 * A scenario's top-level `servers:` is a sequence of servers, each with a
 * name, addresses in 127.0.0.0/8, an optional port, zones and rules. The
 * loader here turns that node tree (node.h) into a serve_config_t,
 * checking every key (unknown keys are errors) and reporting every
 * problem located at its node. Zones are read with dns/zone.h; `reply:`
 * messages are compiled once with scenario/query.h's builder to report
 * their errors at load time, and again per query when they copy the
 * question of the query they answer.
 *
 * Rules are checked in order, the first that matches wins; without one,
 * the server answers from its zones (serve/answer.h). See
 * scenarios/README.md (servers:) for every key.
 *
 * A config owns all its memory (its arena, its zones); the node tree it
 * was read from is copied into it, so the caller's may be freed.
 */
#ifndef DNSH_SERVE_CONFIG_H
#define DNSH_SERVE_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "dns/arena.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/zone.h"
#include "scenario/node.h"
#include "serve/answer.h"

#define SERVE_MAX_SERVERS   256u
#define SERVE_MAX_ADDRS	    64u	  /* per server */
#define SERVE_MAX_RULES	    4096u /* per server */
#define SERVE_MAX_MSGS	    256u  /* messages one rule sends */
#define SERVE_MAX_DUPLICATE 100u
#define SERVE_MAX_OPTIONS   16u	 /* option codes in one match */
#define SERVE_MAX_EDITS	    256u /* wire: edits of one rule */

/* What a rule looks at; a criterion applies when its bit is in `have`. */
enum {
	SERVE_M_OPCODE = 1u << 0,
	SERVE_M_QNAME = 1u << 1,      /* exact, case-insensitive */
	SERVE_M_QNAME_SUB = 1u << 2,  /* the name or below it */
	SERVE_M_QNAME_CASE = 1u << 3, /* exact, same case */
	SERVE_M_QTYPE = 1u << 4,
	SERVE_M_QCLASS = 1u << 5,
	SERVE_M_FLAGS = 1u << 6,
	SERVE_M_DO = 1u << 7,
	SERVE_M_EDNS = 1u << 8,
	SERVE_M_EDNS_VERSION = 1u << 9,
	SERVE_M_OPTION = 1u << 10,
	SERVE_M_TRANSPORT = 1u << 11,
	SERVE_M_COUNT = 1u << 12,
	SERVE_M_STEP = 1u << 13,   /* the runner's step number in a range */
	SERVE_M_COOKIE = 1u << 14, /* COOKIE option absent / client / server */
	SERVE_M_ECS = 1u << 15,	   /* ECS option present or absent */
	SERVE_M_ECS_FAMILY = 1u << 16,
	SERVE_M_ECS_SOURCE = 1u << 17,
	SERVE_M_ECS_SCOPE = 1u << 18,
	SERVE_M_ECS_ADDRESS = 1u << 19,
};

/* What match: cookie: asks of the COOKIE option (RFC 7873 section 4). */
typedef enum serve_cookie {
	SERVE_COOKIE_ABSENT, /* no COOKIE option */
	SERVE_COOKIE_CLIENT, /* a client cookie alone: 8 bytes */
	SERVE_COOKIE_SERVER, /* with a server cookie: 16 to 40 bytes */
} serve_cookie_t;

/* match: ecs: - the fields of RFC 7871 section 6 that are given. */
typedef struct serve_ecs_match {
	bool present;	  /* ecs: true / false, or a mapping (true) */
	uint16_t family;  /* FAMILY: 1 IPv4, 2 IPv6 */
	uint8_t source;	  /* SOURCE PREFIX-LENGTH */
	uint8_t scope;	  /* SCOPE PREFIX-LENGTH */
	uint8_t addr[16]; /* address: PREFIX/LEN, bits past prefix zero */
	uint8_t prefix;	  /* LEN */
} serve_ecs_match_t;

typedef struct serve_match {
	unsigned have;
	uint8_t opcode;
	dns_name_t qname, qname_sub, qname_case;
	uint16_t qtype, qclass;
	uint16_t flags_has, flags_lacks; /* header bits (DNS_F_*) */
	bool do_bit;
	bool edns; /* an OPT record is present */
	uint8_t edns_version;
	uint16_t options[SERVE_MAX_OPTIONS]; /* each must be present */
	unsigned noptions;
	bool tcp; /* transport: tcp (else udp) */
	/* count: the rule applies to the min-th to max-th query (from 1)
	 * to this server that satisfies every other criterion - counted
	 * whether or not an earlier rule answered it. */
	unsigned long count_min, count_max;
	/* step: the runner's current step (1-based position in steps:, as
	 * set by serve_set_step when the query arrives) is in the range;
	 * step 0 (dnsharness serve, no step yet) is in none. */
	unsigned long step_min, step_max;
	serve_cookie_t cookie;
	serve_ecs_match_t ecs;
} serve_match_t;

/* Where the answer comes from. */
typedef enum serve_src {
	SERVE_SRC_ZONE,	 /* the zone answer (also with no rule at all) */
	SERVE_SRC_REPLY, /* reply: messages written in YAML */
	SERVE_SRC_HEX,	 /* hex: raw bytes */
	SERVE_SRC_TC,	 /* tc: true - the zone answer's header and
			    question, no records, TC set */
	SERVE_SRC_DROP,	 /* drop: true - nothing is sent */
} serve_src_t;

/* "zone", "reply", "hex", "tc", "drop". */
const char *serve_src_name(serve_src_t s);

/* One message of a reply: or hex: action. */
typedef struct serve_msg {
	const node_t *node; /* the reply: map (REPLY), for rebuilding */
	uint8_t *bytes;	    /* HEX: the bytes; REPLY: built once at load */
	size_t len;
	bool fixed;	  /* REPLY: bytes are final apart from the header
			     copies below (no question to copy) */
	bool copy_id;	  /* put the query's ID in bytes 0-1 */
	bool set_qr;	  /* REPLY: flags: did not name qr */
	bool copy_rd;	  /* REPLY: flags: did not name rd */
	bool copy_opcode; /* REPLY: no opcode: given */
} serve_msg_t;

typedef struct serve_act {
	serve_src_t src;
	serve_msg_t *msgs; /* REPLY, HEX: sent in order */
	size_t nmsgs;
	unsigned long delay_ms;
	unsigned long drip_ms; /* TCP: one byte every drip_ms (0: at once) */
	bool close;	       /* TCP: close the connection after sending */
	bool reset;	       /* TCP: reset the connection after sending */
	bool wrong_id;
	unsigned duplicate; /* extra copies of every message */
	bool other_port;    /* UDP: send from another, ephemeral port */
	uint16_t from_port; /* UDP: ... or from this port (0: none) */
	bool has_from_addr; /* UDP: send from this address */
	struct sockaddr_storage from_addr;
	dns_edit_t *edits; /* wire: applied to every message, in order */
	size_t nedits;
} serve_act_t;

typedef struct serve_rule {
	const char *name;   /* name:, or NULL */
	const node_t *node; /* for locations */
	serve_match_t match;
	serve_act_t action;
} serve_rule_t;

typedef struct serve_server {
	const char *name;
	const node_t *node;
	struct sockaddr_storage *addrs; /* AF_INET, port 0 */
	size_t naddrs;
	uint16_t port;	      /* port:, or 0: the runtime's choice */
	serve_zones_t *zones; /* every zone of zones:, indexed (answer.h);
				 owned by the config; never NULL after a
				 good load */
	size_t nzones;
	serve_rule_t *rules;
	size_t nrules;
} serve_server_t;

typedef struct serve_config {
	serve_server_t *servers;
	size_t n;
	dns_arena_t arena; /* owns everything but the zones' own arenas */
} serve_config_t;

/* An empty config. Allocates nothing. */
void serve_config_init(serve_config_t *c);

/* Read the value of a `servers:` key into c (initialised and empty).
 * base_dir is the directory `file:` zone paths are relative to (NULL:
 * the current one). false with located errors in d; c is then left for
 * serve_config_free (which the caller calls in either case). The
 * diagnostics' file names point into c: print them before freeing it. */
bool serve_config_load(serve_config_t *c, const node_t *servers,
		       const char *base_dir, diag_t *d);

/* Parse the scenario file at path and read its top-level `servers:`
 * (other keys are the scenario loader's business and are not checked).
 * Zone paths are relative to the file's directory. false with located
 * errors in d (a file without servers: is one); as above, print them
 * before freeing c. */
bool serve_config_load_file(serve_config_t *c, const char *path, diag_t *d);

/* Release everything c owns; it is empty again afterwards. */
void serve_config_free(serve_config_t *c);

/* What a rule sees of a query. */
typedef struct serve_qview {
	size_t len;
	bool has_header; /* at least 12 bytes */
	uint16_t id, flags;
	bool has_question; /* the first question decoded */
	dns_name_t qname;
	uint16_t qtype, qclass;
	bool has_opt;
	uint8_t edns_version;
	uint16_t edns_flags;
	const uint8_t *opts; /* option TLVs (inside the arena given) */
	uint16_t optlen;
	bool tcp;
	unsigned long step; /* the runner's step at arrival (0: none) */
} serve_qview_t;

/* Fill v from the query (len bytes at q) and m, its decoding by
 * dns_msg_decode in survey mode (whatever it returned). v points into m's
 * memory for the options. v->step is 0: the caller sets it. */
void serve_qview_init(serve_qview_t *v, const uint8_t *q, size_t len,
		      const dns_msg_t *m, bool tcp);

/* Read a match: mapping (the keys of scenarios/README.md, match:) into
 * m; NULL matches every query. false with located errors in d. The
 * upstream: assertions of resolver steps use the same criteria. */
bool serve_match_read(const node_t *v, serve_match_t *m, diag_t *d);

/* Does the query satisfy every criterion of m except count? */
bool serve_match_query(const serve_match_t *m, const serve_qview_t *v);

/* Does the n-th satisfying query (from 1) fall in m's count range? */
bool serve_match_count(const serve_match_t *m, unsigned long n);

/* Build message k of a's reply to the query seen as v into out (cap
 * bytes; DNS_MSG_MAXLEN is always enough), *len its length: the reply
 * with the query's question, ID, RD and opcode copied as its serve_msg_t
 * says, QR set, then wrong_id and the wire: edits. scratch is working
 * memory. DNS_OK, or DNS_E_SPACE / DNS_E_SHORT (an edit beyond the
 * message) / DNS_E_NOMEM / DNS_E_SYNTAX (the reply could not be rebuilt
 * with this question). */
dns_rc_t serve_build_msg(const serve_act_t *a, size_t k, const serve_qview_t *v,
			 const uint8_t *query, dns_arena_t *scratch,
			 uint8_t *out, size_t cap, size_t *len);

/* Finish a message from the zone (ZONE, TC): TC strips it to header and
 * question with TC set, then wrong_id and the edits as above. msg (len
 * bytes, cap capacity) is changed in place. */
dns_rc_t serve_finish_msg(const serve_act_t *a, uint8_t *msg, size_t cap,
			  size_t *len);

#endif
