/* answer.h - the authoritative answering core of the scripted servers: a
 * set of zones and a pure function from a query to the response bytes, no
 * networking.
 *
 * Semantics (RFC 1034 4.3.2 as amended):
 *   - the zone is the one with the deepest apex enclosing QNAME in QCLASS
 *     (for QTYPE DS at a zone's apex, its parent zone when the set has
 *     it, RFC 4035 3.1.4.1); none: REFUSED, AA=0;
 *   - data at QNAME: AA=1, the RRset in answer; a CNAME is followed
 *     (RFC 1034 4.3.2) through every zone of the set, at most
 *     SERVE_CHAIN_MAX links, a loop ends the chain; the final name gives
 *     the rcode (RFC 6604);
 *   - DNAME at an ancestor (RFC 6672 3.2): the DNAME, a synthesized CNAME
 *     with the DNAME's TTL, then the new name is followed; a name longer
 *     than 255 octets is YXDOMAIN;
 *   - wildcards (RFC 4592): *.<closest encloser> answers for names that
 *     do not exist (existing names and empty non-terminals block it), the
 *     owner rewritten to QNAME; a wildcard CNAME is followed;
 *   - NXDOMAIN and NODATA (empty non-terminals included) carry the SOA in
 *     authority with TTL min(SOA TTL, MINIMUM) (RFC 2308 3);
 *   - a zone cut on the way down (NS below the apex) is a referral: AA=0,
 *     the NS RRset in authority, its A/AAAA in additional (names below the
 *     cut first and required: TC=1 when they do not fit, RFC 9471; the
 *     others only if room); QTYPE DS at the cut is answered from the
 *     parent side;
 *   - additional processing for NS, MX and SRV targets in answer and
 *     authority: A and AAAA found in any zone of the set (no wildcard
 *     synthesis there);
 *   - DO=1: the RRSIGs at the owner covering each RRset written (wildcard
 *     ones with the owner rewritten), DS or the NSEC at the cut in
 *     referrals, and the NSEC records of RFC 4035 3.1.3 for NXDOMAIN,
 *     NODATA, wildcard answers and wildcard NODATA, when the zone has
 *     them. NSEC3 zones get no denial proofs (NSEC3 is served only as
 *     ordinary data). Synthesized CNAMEs are unsigned (RFC 6672 5.3.1).
 *     Whatever the zone holds is served, signed apex or not (NSD sends
 *     no DNSSEC records for a zone without a DNSKEY at its apex);
 *   - QTYPE ANY: one RRset (RFC 8482 4.1: the SOA at an apex, else the
 *     lowest type other than RRSIG and NSEC) or, with opts.any_all, every
 *     RRset but the RRSIGs; RRSIGs as for other answers when DO=1;
 *   - authority of positive answers: empty (minimal responses), or with
 *     opts.auth_ns the zone's NS RRset;
 *   - EDNS (RFC 6891): an OPT (version 0, DO copied, our payload size) in
 *     every response to a query that had one; version > 0 is BADVERS;
 *     UDP responses fit in max(512, min(client's size, opts.udp_max)), 512
 *     without EDNS; TCP in 65535; whole RRsets are dropped from the end
 *     (RFC 2181 9) and TC=1 set only when answer or authority data (or
 *     required glue) was dropped;
 *   - header: ID, opcode, RD and CD copied; QR=1; RA=AD=Z=0; the question
 *     is copied byte for byte, so the case of QNAME is kept.
 * Errors: fewer than 12 bytes, or QR=1: no response (SERVE_DROP); a query
 * dns_msg_decode (strict) rejects: FORMERR, header only; opcode other
 * than QUERY: NOTIMP; QDCOUNT other than 1, records in answer or authority
 * (except IXFR's SOA), QTYPE OPT, TSIG or TKEY: FORMERR; QTYPE MAILA or
 * MAILB: NOTIMP. AXFR over UDP: FORMERR (RFC 5936 4.2: TCP only); IXFR over
 * UDP: the SOA alone (RFC 1995 2). AXFR and IXFR over TCP for a zone apex:
 * SERVE_XFR, the caller sends serve_xfr_* messages (a full transfer also
 * answers IXFR, RFC 1995 4); for a name in a zone but not its apex
 * NOTAUTH, outside every zone REFUSED. TSIG is not
 * verified nor sent (a TSIG in the query is ignored). A query in class
 * ANY finds no zone (REFUSED).
 *
 * Threads: a zone set is read-only once built; any number of threads may
 * answer from it at once. serve_zones_add must not run concurrently with
 * anything else on the same set. Answering allocates nothing (but the
 * decoded query in serve_answer_wire's scratch arena) and uses about
 * 20 KB of stack.
 */
#ifndef DNSH_SERVE_ANSWER_H
#define DNSH_SERVE_ANSWER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/arena.h"
#include "dns/err.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/zone.h"

#define SERVE_CHAIN_MAX	     16u   /* CNAME/DNAME links followed */
#define SERVE_UDP_DEFAULT    1232u /* our EDNS payload size by default */
#define SERVE_RCODE_YXDOMAIN 6u

/* A set of zones, indexed for answering. Opaque. */
typedef struct serve_zones serve_zones_t;

/* An empty set into *out. DNS_E_NOMEM. Release with serve_zones_free. */
dns_rc_t serve_zones_new(serve_zones_t **out);

/* Release the set and everything it holds (NULL is fine). */
void serve_zones_free(serve_zones_t *zs);

/* Add one loaded zone (dns_zone_load_file or _string; z->err must be
 * DNS_OK) and index it. The apex is the owner of its one SOA record. The
 * set copies what it needs: z may be freed afterwards. Duplicate records
 * are dropped. DNS_E_ZONE, with a sentence (and the record's index as
 * offset) in err (may be NULL), when the zone has no SOA or several, a
 * record outside the apex or of another class, or the set already has a
 * zone with this apex and class; DNS_E_NOMEM. On error the set is as
 * before. */
dns_rc_t serve_zones_add(serve_zones_t *zs, const dns_zone_t *z,
			 dns_error_t *err);

/* Number of zones in the set. */
size_t serve_zones_count(const serve_zones_t *zs);

typedef enum serve_transport {
	SERVE_UDP,
	SERVE_TCP,
} serve_transport_t;

/* Answering options; zero-initialised = the defaults. */
typedef struct serve_opts {
	bool any_all;	  /* QTYPE ANY: every RRset (else one, RFC 8482) */
	bool auth_ns;	  /* answers whose last lookup found QTYPE's data
			     (directly, by wildcard, at the end of a chain)
			     also carry that zone's NS RRset in authority
			     and its addresses in additional, as NSD 4 does
			     (also not for QTYPE ANY, DS and DNSKEY) */
	uint16_t udp_max; /* our EDNS payload size and UDP limit; 0: 1232;
			     below 512 counts as 512 */
	bool formerr_qd;  /* the FORMERR to a query that does not decode
			     copies its question when one was read, as
			     BIND does (else a bare header, as NSD does);
			     a forwarder in front (dnsmasq) matches replies
			     to its queries by their question */
} serve_opts_t;

/* What the caller must do. */
typedef enum serve_action {
	SERVE_REPLY, /* send the res.len bytes written to buf */
	SERVE_DROP,  /* send nothing */
	SERVE_XFR,   /* AXFR/IXFR over TCP: nothing written; send the messages
			of serve_xfr_init/serve_xfr_next */
} serve_action_t;

/* What kind of response was made (for logs and tests). */
typedef enum serve_kind {
	SERVE_K_ANSWER,	  /* data, possibly through CNAME/DNAME/wildcard */
	SERVE_K_NODATA,	  /* NOERROR, no data for the final name */
	SERVE_K_NXDOMAIN, /* the final name does not exist */
	SERVE_K_REFERRAL, /* a zone cut: NS in authority, AA=0 */
	SERVE_K_REFUSED,  /* no zone of the set encloses QNAME */
	SERVE_K_ERROR,	  /* FORMERR, NOTIMP, NOTAUTH, BADVERS, YXDOMAIN,
			     SERVFAIL */
	SERVE_K_DROP,	  /* no response */
	SERVE_K_XFR,	  /* a zone transfer follows */
} serve_kind_t;

/* "answer", "nodata", "nxdomain", "referral", "refused", "error", "drop",
 * "xfr". */
const char *serve_kind_name(serve_kind_t k);

typedef struct serve_result {
	serve_action_t action;
	serve_kind_t kind;
	size_t len;	/* SERVE_REPLY: bytes written to buf */
	uint16_t rcode; /* 12-bit rcode sent */
	bool aa, tc;
	dns_rc_t why; /* FORMERR from decoding: the violation; DROP: why
			 (DNS_E_TRUNC_HEADER, DNS_E_SPACE when buf cannot
			 hold even header and question); DNS_OK otherwise */
} serve_result_t;

/* Answer the len bytes of query at q. The query is decoded strictly into
 * scratch (the caller resets it when it likes; the result never points
 * into it). buf (cap bytes; 65535 always suffice) receives the response;
 * a smaller cap lowers the size limit. opts may be NULL (defaults). res
 * (not NULL) says what to do. */
serve_action_t serve_answer_wire(const serve_zones_t *zs, const uint8_t *q,
				 size_t len, serve_transport_t tr,
				 const serve_opts_t *opts, dns_arena_t *scratch,
				 uint8_t *buf, size_t cap, serve_result_t *res);

/* The same for a query the caller has decoded: decode_rc is what
 * dns_msg_decode returned for it (strict or survey mode); anything but
 * DNS_OK gets FORMERR (or a drop when the header is incomplete or has
 * QR=1). opts may be NULL. */
serve_action_t serve_answer_msg(const serve_zones_t *zs, const dns_msg_t *q,
				dns_rc_t decode_rc, serve_transport_t tr,
				const serve_opts_t *opts, uint8_t *buf,
				size_t cap, serve_result_t *res);

/* A zone transfer in progress (RFC 5936): the zone's SOA, every record
 * of the zone in canonical order (glue and the SOA's RRSIGs included),
 * the SOA again, packed into as few messages as the size allows. The
 * question is in the first message only; every message copies the ID,
 * has AA=1, and an OPT when the query had one. Fields are private. */
typedef struct serve_xfr {
	const void *zone; /* the zone being sent */
	size_t next;	  /* next record: 0 = the leading SOA */
	bool done;
	bool first;
	uint16_t id, flags; /* response header word */
	dns_question_t qd;
	bool edns, dnssec;
	uint16_t udp_max;
	dns_rc_t err;
} serve_xfr_t;

/* Start the transfer asked for by q (decoded, QTYPE AXFR or IXFR, QNAME
 * a zone apex of the set; serve_answer_* said SERVE_XFR). DNS_E_ZONE when
 * the set has no such zone. opts may be NULL. */
dns_rc_t serve_xfr_init(serve_xfr_t *x, const serve_zones_t *zs,
			const dns_msg_t *q, const serve_opts_t *opts);

/* Write the next message into buf: at most cap bytes (512..65535 make
 * sense). Returns true with *len set while there was one to write; false
 * at the end, or on failure with x->err set (DNS_E_SPACE: one record
 * does not fit in cap bytes). */
bool serve_xfr_next(serve_xfr_t *x, uint8_t *buf, size_t cap, size_t *len);

#endif
