/* fuzz_name.c - the name codec (name.h): wire decode with compression,
 * presentation text, compression on encode.
 *
 * Input: byte 0 picks where the name starts (offset byte0 mod (n + 1) in
 * the n bytes that follow, which also serve as the message: the bytes
 * before the start are "earlier message bytes" that pointers may reach).
 * The same n bytes are also parsed as presentation text.
 *
 * Oracles:
 *  - a decode follows at most min(DNS_PTR_MAXHOPS, start + 1) pointers
 *    (pointers go strictly backwards) and moves the cursor forward,
 *    inside the message; a decoded name is a valid wire name and reads
 *    exactly one label per label it holds plus the root;
 *  - to_text gives at most DNS_NAME_TEXT_MAX characters, and from_text of
 *    it gives the same name byte-exact (case kept);
 *  - packing the name's parent, the name and the name again with one
 *    compression table, then unpacking the three, gives the same names
 *    byte-exact; the third is a single 2-byte pointer (1 byte for the
 *    root);
 *  - compare/equal agree with each other and with the lowercased copy;
 *  - the input as presentation text (absolute, or relative to
 *    "example."): when it parses, to_text -> from_text is the identity and
 *    to_text is a fixpoint.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dns/name.h"
#include "fuzz_util.h"

static void check_same(const dns_name_t *a, const dns_name_t *b,
		       const char *what)
{
	FUZZ_CHECK_BYTES(what, a->wire, a->len, b->wire, b->len);
}

/* to_text, then from_text: the same name; returns the text length. */
static size_t text_round_trip(const dns_name_t *n, char *text)
{
	size_t len = dns_name_to_text(n, text, DNS_NAME_TEXT_MAX + 1);
	FUZZ_CHECK(len <= DNS_NAME_TEXT_MAX, "text of %zu chars", len);
	FUZZ_CHECK(len > 0 && text[len - 1] == '.', "text not absolute: %s",
		   text);
	dns_name_t back;
	dns_error_t err = {0};
	dns_rc_t rc = dns_name_from_text(text, len, NULL, &back, &err);
	FUZZ_CHECK(rc == DNS_OK, "from_text(\"%s\"): %s at col %u", text,
		   dns_rc_name(rc), err.col);
	check_same(n, &back, "from_text(to_text(name))");
	return len;
}

static void compress_round_trip(const dns_name_t *n)
{
	uint8_t buf[3 * DNS_NAME_MAXLEN + 16];
	dns_wire_t w = dns_wire_writer(buf, sizeof(buf));
	dns_compress_t c;
	dns_name_t parent, got[3];
	const dns_name_t *want[3] = {&parent, n, n};
	size_t at[3];
	dns_compress_init(&c);
	dns_name_parent(n, &parent);
	for (int i = 0; i < 3; i++) {
		at[i] = w.pos;
		FUZZ_CHECK(dns_name_pack(&w, want[i], &c) == DNS_OK, "pack %d",
			   i);
	}
	FUZZ_CHECK(w.pos - at[2] == (n->len > 1 ? 2u : 1u),
		   "repeated name took %zu bytes", w.pos - at[2]);
	dns_wire_t r = dns_wire_reader(buf, w.pos);
	for (int i = 0; i < 3; i++) {
		FUZZ_CHECK(r.pos == at[i], "name %d at %zu, expected %zu", i,
			   r.pos, at[i]);
		dns_rc_t rc = dns_name_unpack(&r, &got[i], true);
		FUZZ_CHECK(rc == DNS_OK, "unpack %d: %s", i, dns_rc_name(rc));
		check_same(want[i], &got[i], "unpack(pack(name))");
	}
	FUZZ_CHECK(r.pos == w.pos, "unpack stopped at %zu of %zu", r.pos,
		   w.pos);
}

static void check_compare(const dns_name_t *n)
{
	dns_name_t low = *n;
	dns_name_lower(&low);
	FUZZ_CHECK(dns_name_equal(n, &low), "equal to its lowercase");
	FUZZ_CHECK(dns_name_compare(n, &low) == 0, "compare to lowercase");
	FUZZ_CHECK(dns_name_is_sub(n, &low), "is_sub of itself");
	dns_name_t parent;
	dns_name_parent(n, &parent);
	FUZZ_CHECK(dns_name_is_sub(n, &parent), "below its parent");
	if (n->len > 1) {
		FUZZ_CHECK(dns_name_compare(&parent, n) < 0 &&
			       dns_name_compare(n, &parent) > 0,
			   "parent sorts first");
		FUZZ_CHECK(dns_name_labels(&parent) + 1 == dns_name_labels(n),
			   "parent has one label less");
	}
}

static void check_wire_name(const dns_name_t *n)
{
	char text[DNS_NAME_TEXT_MAX + 1];
	FUZZ_CHECK(n->len >= 1 && n->len <= DNS_NAME_MAXLEN, "length %u",
		   n->len);
	FUZZ_CHECK(dns_name_wire_len(n->wire, n->len) == n->len,
		   "not a valid wire name");
	text_round_trip(n, text);
	compress_round_trip(n);
	check_compare(n);
}

static void fuzz_wire(const uint8_t *msg, size_t n, size_t start)
{
	dns_wire_t w = dns_wire_reader(msg, n);
	dns_name_t name;
	w.pos = start;
	dns_work = (dns_work_t){0, 0, 0};
	dns_rc_t rc = dns_name_unpack(&w, &name, true);
	unsigned long max_hops = start + 1 < DNS_PTR_MAXHOPS
				     ? (unsigned long)start + 1
				     : DNS_PTR_MAXHOPS;
	FUZZ_CHECK(dns_work.hops <= max_hops, "%lu hops from offset %zu",
		   dns_work.hops, start);
	FUZZ_CHECK(dns_work.labels <= DNS_NAME_MAXLABELS + 1, "%lu labels",
		   dns_work.labels);
	FUZZ_CHECK((rc == DNS_OK) == dns_wire_ok(&w), "rc and cursor agree");
	if (rc != DNS_OK) {
		FUZZ_CHECK(w.err_off <= n, "error offset %zu of %zu", w.err_off,
			   n);
		return;
	}
	FUZZ_CHECK(w.pos > start && w.pos <= n, "cursor %zu (start %zu)", w.pos,
		   start);
	FUZZ_CHECK(dns_work.labels == dns_name_labels(&name) + 1u,
		   "labels read");
	check_wire_name(&name);

	/* the same bytes without pointers allowed */
	dns_wire_t w2 = dns_wire_reader(msg, n);
	dns_name_t again;
	w2.pos = start;
	if (dns_name_unpack(&w2, &again, false) == DNS_OK) {
		check_same(&name, &again, "decode without pointers");
		FUZZ_CHECK(w2.pos == w.pos, "same end without pointers");
	}
}

static void fuzz_text(const uint8_t *data, size_t n)
{
	static const uint8_t example[] = {7,   'e', 'x', 'a', 'm',
					  'p', 'l', 'e', 0};
	dns_name_t origin, name;
	char text[DNS_NAME_TEXT_MAX + 1], text2[DNS_NAME_TEXT_MAX + 1];
	dns_error_t err = {0};
	origin.len = sizeof(example);
	memcpy(origin.wire, example, sizeof(example));
	dns_rc_t rc =
	    dns_name_from_text((const char *)data, n, &origin, &name, &err);
	if (rc != DNS_OK) {
		FUZZ_CHECK(err.code == rc, "error code %s, returned %s",
			   dns_rc_name(err.code), dns_rc_name(rc));
		FUZZ_CHECK(err.col >= 1 && err.col <= n + 1,
			   "error column %u of %zu", err.col, n);
		return;
	}
	check_wire_name(&name);
	size_t len = text_round_trip(&name, text);
	dns_name_t back;
	FUZZ_CHECK(dns_name_from_text(text, len, NULL, &back, NULL) == DNS_OK,
		   "reparse");
	size_t len2 = dns_name_to_text(&back, text2, sizeof(text2));
	FUZZ_CHECK(len == len2 && memcmp(text, text2, len) == 0,
		   "to_text not a fixpoint: \"%s\" then \"%s\"", text, text2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	const uint8_t *msg = data + 1;
	size_t n = size - 1;
	fuzz_wire(msg, n, data[0] % (n + 1));
	fuzz_text(msg, n);
	return 0;
}
