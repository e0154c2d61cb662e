/* rpl.h - Deckard and Unbound testbound scenarios (.rpl) as YAML suites.
 *
 * rpl_parse reads the line-based .rpl format into a model: the config
 * header (lines before CONFIG_END), SCENARIO_BEGIN's title, RANGE_BEGIN
 * blocks with their ADDRESS lines and ENTRY_BEGIN .. ENTRY_END entries
 * (MATCH, ADJUST, REPLY, SECTION with records, HEX_ANSWER_BEGIN and
 * Deckard's RAW, EXTRA_PACKET), and the STEP lines (QUERY, CHECK_ANSWER,
 * CHECK_OUT_QUERY, TIME_PASSES ELAPSE n, REPLY, TRAFFIC, ...). Records go
 * through the codec's master-file reader (default TTL 3600, class IN,
 * $ORIGIN and $TTL honoured), so every record kept prints in a form the
 * scenario loader reads back.
 *
 * A broken file (an unterminated block, a STEP without its entry, bad hex,
 * step numbers not increasing, a NUL byte, a limit exceeded) is an error
 * with the line and column. A construct the scenario language cannot
 * express is not an error: it becomes a note, which rpl_emit_yaml writes as
 * "# import-rpl: not converted: <what> (line N)" where it belongs, and
 * counts. scenarios/README.md (Importing .rpl scenarios) lists the mapping.
 *
 * Everything the model holds lives in its arena; rpl_model_free frees it.
 */
#ifndef DNSH_RPL_H
#define DNSH_RPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/arena.h"

/* Limits: more is an error at the line that goes past them. One server
 * is written per IPv4 ADDRESS, and a suite has at most 256 servers. */
#define RPL_MAX_INPUT	(4u << 20) /* bytes of .rpl text */
#define RPL_MAX_ENTRIES 8192u	   /* entries in ranges and steps */
#define RPL_MAX_RANGES	1024u
#define RPL_MAX_STEPS	8192u
#define RPL_MAX_RRS	4096u /* records in one section of a packet */
#define RPL_MAX_PACKETS 16u   /* packets of one entry (EXTRA_PACKET) */
#define RPL_MAX_ADDRS	255u  /* distinct IPv4 ADDRESS values */
#define RPL_MAX_NOTES	16384u

/* Rules written, all servers together (a RANGE without ADDRESS repeats
 * its entries in every server), and per server the loader's limit
 * SERVE_MAX_RULES: past them a note says what was left out. */
#define RPL_MAX_RULES 20000u

typedef struct rpl_error {
	unsigned line, col; /* 1-based */
	char msg[200];
} rpl_error_t;

/* MATCH keywords (bits of rpl_entry_t.match). */
enum {
	RPL_M_OPCODE = 1u << 0,
	RPL_M_QTYPE = 1u << 1,
	RPL_M_QNAME = 1u << 2,
	RPL_M_SUBDOMAIN = 1u << 3,
	RPL_M_QUESTION = 1u << 4,
	RPL_M_ALL = 1u << 5, /* all and all_noedns */
	RPL_M_TTL = 1u << 6,
	RPL_M_DO = 1u << 7,
	RPL_M_NOEDNS = 1u << 8,
	RPL_M_RCODE = 1u << 9,
	RPL_M_FLAGS = 1u << 10,
	RPL_M_ANSWER = 1u << 11,
	RPL_M_AUTHORITY = 1u << 12,
	RPL_M_ADDITIONAL = 1u << 13,
	RPL_M_UDP = 1u << 14,
	RPL_M_TCP = 1u << 15,
	RPL_M_QCASE = 1u << 16,
};

/* ADJUST keywords (bits of rpl_entry_t.adjust). */
enum {
	RPL_A_COPY_ID = 1u << 0,
	RPL_A_COPY_QUERY = 1u << 1,
	RPL_A_DO_NOT_ANSWER = 1u << 2,
	RPL_A_RAW_ID = 1u << 3,
	RPL_A_SLEEP = 1u << 4, /* sleep=N: rpl_entry_t.sleep_s */
};

enum { RPL_QUESTION, RPL_ANSWER, RPL_AUTHORITY, RPL_ADDITIONAL };

/* One record of a section, fields printed by the codec. A question has
 * owner, class and type only (ttl and rdata are NULL / 0). */
typedef struct rpl_rr {
	unsigned line;
	const char *owner, *rclass, *type, *rdata;
	uint32_t ttl;
	bool is_a;  /* an A record: a holds its address (host order), which */
	uint32_t a; /* the YAML rewrites when it is a mapped ADDRESS */
} rpl_rr_t;

typedef struct rpl_packet {
	uint16_t flags;	 /* DNS_F_* named on REPLY lines */
	int opcode;	 /* -1: not given */
	int rcode;	 /* -1: not given */
	bool do_bit;	 /* REPLY ... DO */
	rpl_rr_t *rr[4]; /* RPL_QUESTION .. RPL_ADDITIONAL */
	size_t nrr[4];
	uint8_t *hex; /* HEX_ANSWER / RAW bytes, or NULL */
	size_t hexlen;
	bool has_hex;
} rpl_packet_t;

typedef struct rpl_entry {
	unsigned line;	 /* of ENTRY_BEGIN */
	uint32_t match;	 /* RPL_M_* */
	bool has_match;	 /* a MATCH line was given */
	uint32_t adjust; /* RPL_A_* */
	unsigned long sleep_s;
	rpl_packet_t *pkt; /* at least one */
	size_t npkt;
} rpl_entry_t;

typedef struct rpl_range {
	unsigned line;
	unsigned long from, to; /* step numbers, inclusive */
	uint32_t *addr;		/* IPv4 ADDRESS values, host order */
	size_t naddr;
	bool v6; /* had an IPv6 ADDRESS: with no IPv4 one, no server gets
		    its entries (no ADDRESS at all: every server does) */
	size_t first, n; /* its entries: entries[first .. first+n) */
} rpl_range_t;

typedef enum rpl_step_kind {
	RPL_STEP_QUERY,
	RPL_STEP_CHECK_ANSWER,
	RPL_STEP_CHECK_OUT_QUERY,
	RPL_STEP_TIME_PASSES,
	RPL_STEP_REPLY,
	RPL_STEP_TRAFFIC,
	RPL_STEP_OTHER, /* ASSIGN, CHECK_TEMPFILE, ...: kept as a note */
} rpl_step_kind_t;

typedef struct rpl_step {
	unsigned line;
	unsigned long n; /* the STEP number, strictly increasing */
	rpl_step_kind_t kind;
	const char *word;     /* the event word as written */
	size_t entry;	      /* index into entries, or SIZE_MAX */
	unsigned long elapse; /* TIME_PASSES ELAPSE n (seconds); 0: none */
} rpl_step_t;

/* Where a note belongs in the output. */
typedef enum rpl_owner {
	RPL_OWN_TOP,   /* the config header, SCENARIO lines */
	RPL_OWN_RANGE, /* idx: a range */
	RPL_OWN_ENTRY, /* idx: an entry */
	RPL_OWN_STEP,  /* idx: a step */
} rpl_owner_t;

typedef struct rpl_note {
	unsigned line;
	rpl_owner_t owner;
	size_t idx;
	const char *what; /* printable ASCII, no newline */
} rpl_note_t;

typedef struct rpl_model {
	const char *title;  /* SCENARIO_BEGIN's text, or NULL */
	uint32_t stub_addr; /* config stub-addr (IPv4), 0: none */
	unsigned stub_line;
	rpl_range_t *ranges;
	size_t nranges;
	rpl_entry_t *entries;
	size_t nentries;
	rpl_step_t *steps;
	size_t nsteps;
	rpl_note_t *notes;
	size_t nnotes;
	uint32_t *addrs; /* distinct IPv4 ADDRESS values, first seen first */
	size_t naddrs;
	size_t cap_ranges, cap_entries, cap_steps, cap_notes, cap_addrs;
	dns_arena_t arena; /* everything above but the arrays */
} rpl_model_t;

/* Parse len bytes of .rpl text into *m (which the caller frees with
 * rpl_model_free, also on failure). false with the first error in *err. */
bool rpl_parse(const char *text, size_t len, rpl_model_t *m, rpl_error_t *err);

void rpl_model_free(rpl_model_t *m);

typedef struct rpl_emit_opts {
	const char *suite;  /* suite: name (letters, digits, . _ -) */
	const char *source; /* shown in the header comment, or NULL */
	const char *recipe; /* target recipe; NULL: "unbound" */
} rpl_emit_opts_t;

/* The YAML suite (role: resolver) for a parsed model, as a heap string
 * (free() it) of *len bytes, or NULL when memory runs out. *nskipped gets
 * the number of "not converted" comments written (the model's notes and
 * those found while writing). The same model always gives the same text. */
char *rpl_emit_yaml(const rpl_model_t *m, const rpl_emit_opts_t *o, size_t *len,
		    size_t *nskipped);

/* The loopback address (host order) the YAML's servers use for an
 * ADDRESS (or the config's stub-addr) of the model: 127.54.0.1,
 * 127.54.0.2, ... in order of first appearance, loopback addresses of the
 * .rpl included (so two servers never share one); other addresses are
 * returned unchanged. */
uint32_t rpl_map_addr(const rpl_model_t *m, uint32_t addr);

#endif
