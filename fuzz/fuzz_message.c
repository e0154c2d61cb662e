/* fuzz_message.c - the message decoder and encoder (msg.h, print.h).
 *
 * Input: a DNS message as received.
 *
 * Oracles:
 *  1. strict and survey decode agree: the same return code; survey lists
 *     at least as many violations as strict, and its first violation is
 *     strict's (code, offset, section, index); no violation means DNS_OK.
 *  2. work limit: every call of dns_name_unpack (or _wire) follows at most
 *     DNS_PTR_MAXHOPS pointers and reads at most 128 labels (127 + root),
 *     and a decoded name has exactly as many labels as were read. A
 *     decode makes at most len + len/5 + 2 name calls: each call that
 *     succeeds consumes at least one byte in place that no other call of
 *     the same decode consumes (the cursor only moves forward and RDATA
 *     sub-cursors do not overlap), and a failed call either consumes its
 *     bytes too (survey mode steps over a bad pointer) or ends its entry
 *     (a question or RR, at least 5 bytes). So dns_work.hops <= calls *
 *     DNS_PTR_MAXHOPS and dns_work.labels <= calls * 128 are linear in the
 *     input length. The encoder: each dns_name_pack writes at most one
 *     label per label of the name and probes the compression table at
 *     most DNS_COMPRESS_MAX times per label.
 *  3. when strict decode succeeds: encoding with DNS_PACK_PLAIN and
 *     decoding again gives the same message (id, flags, counts, every
 *     question and every RR: owner byte-exact, type, class, TTL, RDLENGTH
 *     and RDATA bytes); encoding that message again gives the same bytes;
 *     DNS_PACK_STANDARD is never longer than PLAIN and also decodes to the
 *     same message, except for the ASCII case of compressed names (the
 *     compression table matches case-insensitively, name.h); a message
 *     too large to re-encode fails with DNS_E_SPACE only.
 *  4. dns_msg_to_text and dns_msg_to_json do not crash on either decode
 *     (strict results and survey's partial results).
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "dns/arena.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/print.h"
#include "fuzz_util.h"

/* ---- name codec calls, counted through ld --wrap (see fuzz.mk) ---------- */

dns_rc_t __real_dns_name_unpack(dns_wire_t *w, dns_name_t *out, bool allow_ptr);
dns_rc_t __wrap_dns_name_unpack(dns_wire_t *w, dns_name_t *out, bool allow_ptr);
size_t __real_dns_name_unpack_wire(dns_wire_t *w, uint8_t *out, bool allow_ptr);
size_t __wrap_dns_name_unpack_wire(dns_wire_t *w, uint8_t *out, bool allow_ptr);
dns_rc_t __real_dns_name_pack(dns_wire_t *w, const dns_name_t *n,
			      dns_compress_t *c);
dns_rc_t __wrap_dns_name_pack(dns_wire_t *w, const dns_name_t *n,
			      dns_compress_t *c);

static unsigned long unpack_calls, pack_calls;

/* One decode of a name that began at start with the work counters at
 * before: the name (len bytes at wire) when ok. */
static void check_unpack(const dns_wire_t *w, size_t start, dns_work_t before,
			 bool allow_ptr, bool ok, const uint8_t *wire,
			 size_t len)
{
	unsigned long hops = dns_work.hops - before.hops;
	unsigned long labels = dns_work.labels - before.labels;
	unpack_calls++;
	FUZZ_CHECK(hops <= DNS_PTR_MAXHOPS, "%lu hops in one name", hops);
	FUZZ_CHECK(labels <= DNS_NAME_MAXLABELS + 1, "%lu labels in one name",
		   labels);
	FUZZ_CHECK(allow_ptr || hops == 0, "pointer followed where forbidden");
	FUZZ_CHECK(ok == (w->err == DNS_OK), "return %d but cursor error %d",
		   ok, w->err);
	if (!ok)
		return;
	FUZZ_CHECK(w->pos > start && w->pos <= w->end,
		   "cursor moved from %zu to %zu (end %zu)", start, w->pos,
		   w->end);
	FUZZ_CHECK(len > 0 && dns_name_wire_len(wire, len) == len,
		   "decoded name is not a valid wire name");
	dns_name_t n;
	FUZZ_CHECK(dns_name_from_wire(wire, len, &n) == DNS_OK,
		   "decoded name is not a valid wire name");
	FUZZ_CHECK(labels == dns_name_labels(&n) + 1u,
		   "%lu labels read for a name of %u", labels,
		   dns_name_labels(&n));
}

dns_rc_t __wrap_dns_name_unpack(dns_wire_t *w, dns_name_t *out, bool allow_ptr)
{
	if (w->err != DNS_OK) /* does nothing: not a decode */
		return __real_dns_name_unpack(w, out, allow_ptr);
	dns_work_t before = dns_work;
	size_t start = w->pos;
	dns_rc_t rc = __real_dns_name_unpack(w, out, allow_ptr);
	check_unpack(w, start, before, allow_ptr, rc == DNS_OK, out->wire,
		     rc == DNS_OK ? out->len : 0);
	return rc;
}

/* The decoders that store names inside other data (RDATA) use this one. */
size_t __wrap_dns_name_unpack_wire(dns_wire_t *w, uint8_t *out, bool allow_ptr)
{
	if (w->err != DNS_OK) /* does nothing: not a decode */
		return __real_dns_name_unpack_wire(w, out, allow_ptr);
	dns_work_t before = dns_work;
	size_t start = w->pos;
	size_t len = __real_dns_name_unpack_wire(w, out, allow_ptr);
	check_unpack(w, start, before, allow_ptr, len > 0, out, len);
	return len;
}

dns_rc_t __wrap_dns_name_pack(dns_wire_t *w, const dns_name_t *n,
			      dns_compress_t *c)
{
	dns_work_t before = dns_work;
	dns_rc_t rc = __real_dns_name_pack(w, n, c);
	unsigned nl = dns_name_labels(n);
	unsigned long labels = dns_work.labels - before.labels;
	unsigned long probes = dns_work.probes - before.probes;
	pack_calls++;
	FUZZ_CHECK(labels <= nl, "%lu labels written for a name of %u", labels,
		   nl);
	FUZZ_CHECK(probes <= (unsigned long)nl * DNS_COMPRESS_MAX,
		   "%lu compression probes for a name of %u labels", probes,
		   nl);
	FUZZ_CHECK(c != NULL || probes == 0, "probes without a table");
	return rc;
}

/* ---- oracles ---------------------------------------------------------------
 */

static void check_work(size_t len, const char *which)
{
	unsigned long max_calls = (unsigned long)len + len / 5 + 2;
	FUZZ_CHECK(unpack_calls <= max_calls,
		   "%s: %lu name decodes for %zu bytes", which, unpack_calls,
		   len);
	FUZZ_CHECK(dns_work.hops <= unpack_calls * DNS_PTR_MAXHOPS,
		   "%s: %lu hops in %lu names", which, dns_work.hops,
		   unpack_calls);
	FUZZ_CHECK(dns_work.labels <= unpack_calls * (DNS_NAME_MAXLABELS + 1),
		   "%s: %lu labels in %lu names", which, dns_work.labels,
		   unpack_calls);
}

static void reset_work(void)
{
	dns_work = (dns_work_t){0, 0, 0};
	unpack_calls = 0;
	pack_calls = 0;
}

static dns_rc_t decode(dns_msg_t *m, const uint8_t *wire, size_t len,
		       dns_decode_mode_t mode, dns_arena_t *arena,
		       const char *which)
{
	reset_work();
	dns_rc_t rc = dns_msg_decode(m, wire, len, mode, arena);
	check_work(len, which);
	FUZZ_CHECK(rc != DNS_E_NOMEM && rc != DNS_E_INTERNAL, "%s: %s", which,
		   dns_rc_name(rc));
	FUZZ_CHECK((rc == DNS_OK) == (m->nviol == 0),
		   "%s: rc %s, %u violations", which, dns_rc_name(rc),
		   m->nviol);
	FUZZ_CHECK(m->nviol <= DNS_VIOLATIONS_MAX, "violation count");
	FUZZ_CHECK(m->wire_len <= len, "wire_len %zu of %zu", m->wire_len, len);
	return rc;
}

static void check_modes_agree(const dns_msg_t *strict, dns_rc_t rs,
			      const dns_msg_t *survey, dns_rc_t rv)
{
	FUZZ_CHECK(rs == rv, "strict %s, survey %s", dns_rc_name(rs),
		   dns_rc_name(rv));
	FUZZ_CHECK(strict->nviol <= 1, "strict listed %u violations",
		   strict->nviol);
	FUZZ_CHECK(survey->nviol >= strict->nviol, "survey %u < strict %u",
		   survey->nviol, strict->nviol);
	if (strict->nviol == 0)
		return;
	const dns_violation_t *a = &strict->viol[0], *b = &survey->viol[0];
	FUZZ_CHECK(
	    a->code == b->code && a->offset == b->offset &&
		a->section == b->section && a->index == b->index,
	    "first violation: strict %s@%zu s%u#%u, survey %s@%zu s%u#%u",
	    dns_rc_name(a->code), a->offset, a->section, a->index,
	    dns_rc_name(b->code), b->offset, b->section, b->index);
}

/* Byte-exact, or ignoring ASCII case when the encoding compressed:
 * compression matches suffixes case-insensitively (name.h), so a later
 * name takes the case of the earlier one it points to. */
static bool exact = true;

static bool same_bytes(const uint8_t *a, const uint8_t *b, size_t n)
{
	if (exact)
		return n == 0 || memcmp(a, b, n) == 0;
	return fuzz_case_equal((const char *)a, (const char *)b, n);
}

static void check_same_name(const dns_name_t *a, const dns_name_t *b,
			    const char *what, unsigned sec, unsigned i)
{
	if (a->len == b->len && same_bytes(a->wire, b->wire, a->len))
		return;
	fuzz_dump("original", a->wire, a->len);
	fuzz_dump("round trip", b->wire, b->len);
	fuzz_fail(__FILE__, __LINE__, "names equal", "%s, section %u #%u", what,
		  sec, i);
}

static void check_same_rr(const dns_rr_t *a, const dns_rr_t *b, unsigned sec,
			  unsigned i)
{
	check_same_name(&a->owner, &b->owner, "owner", sec, i);
	FUZZ_CHECK(a->type == b->type && a->rclass == b->rclass &&
		       a->ttl == b->ttl,
		   "section %u #%u: type %u/%u class %u/%u ttl %u/%u", sec, i,
		   a->type, b->type, a->rclass, b->rclass, a->ttl, b->ttl);
	if (a->rdlen == b->rdlen && same_bytes(a->rdata, b->rdata, a->rdlen))
		return;
	fuzz_dump("original", a->rdata, a->rdlen);
	fuzz_dump("round trip", b->rdata, b->rdlen);
	fuzz_fail(__FILE__, __LINE__, "RDATA equal", "section %u #%u", sec, i);
}

/* Every field of a and b, which both decoded without violation. */
static void check_same_msg(const dns_msg_t *a, const dns_msg_t *b)
{
	FUZZ_CHECK(a->id == b->id && a->flags == b->flags, "header");
	for (unsigned s = 0; s < 4; s++)
		FUZZ_CHECK(a->counts[s] == b->counts[s], "count %u: %u/%u", s,
			   a->counts[s], b->counts[s]);
	FUZZ_CHECK(a->nqd == b->nqd, "questions %u/%u", a->nqd, b->nqd);
	for (unsigned i = 0; i < a->nqd; i++) {
		check_same_name(&a->qd[i].name, &b->qd[i].name, "qname", 0, i);
		FUZZ_CHECK(a->qd[i].qtype == b->qd[i].qtype &&
			       a->qd[i].qclass == b->qd[i].qclass,
			   "question %u", i);
	}
	for (unsigned s = 1; s < 4; s++) {
		FUZZ_CHECK(a->nsec[s] == b->nsec[s], "section %u: %u/%u RRs", s,
			   a->nsec[s], b->nsec[s]);
		for (unsigned i = 0; i < a->nsec[s]; i++)
			check_same_rr(&a->sec[s][i], &b->sec[s][i], s, i);
	}
	FUZZ_CHECK((a->opt == NULL) == (b->opt == NULL), "OPT found in one");
	FUZZ_CHECK((a->tsig == NULL) == (b->tsig == NULL), "TSIG found in one");
}

/* Counts of a strictly decoded message are its entry counts. */
static void check_counts(const dns_msg_t *m)
{
	FUZZ_CHECK(m->counts[0] == m->nqd, "qdcount %u, %u questions",
		   m->counts[0], m->nqd);
	for (unsigned s = 1; s < 4; s++)
		FUZZ_CHECK(m->counts[s] == m->nsec[s], "count %u: %u, %u RRs",
			   s, m->counts[s], m->nsec[s]);
}

static uint8_t plain[DNS_MSG_MAXLEN], again[DNS_MSG_MAXLEN],
    standard[DNS_MSG_MAXLEN];

/* Encode with mode, decode strictly, compare with m. Returns the encoded
 * length, or 0 when the message does not fit (DNS_E_SPACE). */
static size_t round_trip(const dns_msg_t *m, dns_pack_mode_t mode, uint8_t *buf,
			 dns_arena_t *arena)
{
	dns_encode_opts_t opts = {mode, {false}, {0}};
	size_t len = 0;
	reset_work();
	dns_rc_t rc = dns_msg_encode(m, &opts, buf, DNS_MSG_MAXLEN, &len);
	if (rc == DNS_E_SPACE)
		return 0;
	FUZZ_CHECK(rc == DNS_OK, "encode (mode %d): %s", mode, dns_rc_name(rc));
	FUZZ_CHECK(len >= DNS_HEADER_LEN && len <= DNS_MSG_MAXLEN, "length");
	dns_msg_t back;
	exact = mode == DNS_PACK_PLAIN;
	rc = decode(&back, buf, len, DNS_DECODE_STRICT, arena, "re-decode");
	if (rc != DNS_OK) {
		fuzz_dump("re-encoded", buf, len);
		fuzz_fail(__FILE__, __LINE__, "re-decode", "mode %d: %s at %zu",
			  mode, dns_rc_name(rc), back.viol[0].offset);
	}
	check_same_msg(m, &back);
	if (mode == DNS_PACK_PLAIN) {
		size_t len2 = 0;
		rc = dns_msg_encode(&back, &opts, again, sizeof(again), &len2);
		FUZZ_CHECK(rc == DNS_OK, "second encode: %s", dns_rc_name(rc));
		FUZZ_CHECK_BYTES("encode(decode(encode(m)))", buf, len, again,
				 len2);
	}
	return len;
}

static void print_msg(const dns_msg_t *m)
{
	char *text = dns_msg_to_text_alloc(m);
	FUZZ_CHECK(text != NULL, "dns_msg_to_text_alloc");
	dns_mem_free(text);
	json_t *j = dns_msg_to_json(m);
	FUZZ_CHECK(j != NULL, "dns_msg_to_json");
	char *s = json_dumps(j, JSON_COMPACT);
	FUZZ_CHECK(s != NULL, "json_dumps");
	free(s);
	json_decref(j);
	j = dns_violations_to_json(m);
	FUZZ_CHECK(j != NULL && json_array_size(j) == m->nviol,
		   "violations JSON");
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static dns_arena_t arena, arena2;
	static bool init;
	static dns_msg_t strict, survey;
	if (!init) {
		dns_arena_init(&arena, 0);
		dns_arena_init(&arena2, 0);
		init = true;
	}
	dns_rc_t rs =
	    decode(&strict, data, size, DNS_DECODE_STRICT, &arena, "strict");
	dns_rc_t rv =
	    decode(&survey, data, size, DNS_DECODE_SURVEY, &arena, "survey");
	check_modes_agree(&strict, rs, &survey, rv);
	print_msg(&strict);
	print_msg(&survey);
	if (rs == DNS_OK) {
		FUZZ_CHECK(strict.wire_len == size, "read %zu of %zu bytes",
			   strict.wire_len, size);
		check_counts(&strict);
		size_t lp = round_trip(&strict, DNS_PACK_PLAIN, plain, &arena2);
		size_t ls =
		    round_trip(&strict, DNS_PACK_STANDARD, standard, &arena2);
		FUZZ_CHECK(lp == 0 || (ls > 0 && ls <= lp),
			   "standard %zu bytes, plain %zu", ls, lp);
	}
	dns_arena_reset(&arena);
	dns_arena_reset(&arena2);
	return 0;
}
