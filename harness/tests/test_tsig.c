/* test_tsig.c - TSIG (RFC 8945) against exchanges captured from real
 * servers, and sign/verify round trips with every algorithm.
 *
 * harness/tests/data/tsig/ holds DNS messages captured with tshark on the
 * loopback while dig -y talked to the recipes of scenarios/targets/:
 *   bind-sha256-wkk.*  dig +norec +noedns -y hmac-sha256:.:AAAA...=
 *                      example. SOA   (BIND 9.18, the well-known key)
 *   nsd-sha1.*         dig +norec +noedns -y hmac-sha1:tsig-test:ZG5z...=
 *                      a.example. A   (NSD 4.6)
 *   knot-axfr.*        dig -y hmac-sha256:tsig-test:ZG5z...= example. AXFR
 *   bind-axfr.*        the same against BIND: two signed messages each
 * The MACs in them were made by those servers and by dig, so verifying
 * them checks this code against other implementations, not against
 * itself. Tamper tests then flip one thing at a time.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "dns/tsig.h"
#include "dns/wire.h"

#define DATA "harness/tests/data/tsig/"
#define WKK  "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
#define TEST "ZG5zaGFybmVzcyB0c2lnIHRlc3Qga2V5IDMyYnl0ZXM="

typedef struct blob {
	uint8_t b[DNS_MSG_MAXLEN];
	size_t n;
} blob_t;

static void load(const char *name, blob_t *out)
{
	char path[256];
	snprintf(path, sizeof(path), DATA "%s", name);
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	out->n = fread(out->b, 1, sizeof(out->b), f);
	fclose(f);
	assert_true(out->n >= DNS_HEADER_LEN);
}

static void key(const char *text, dns_tsig_key_t *k)
{
	dns_error_t err = {0};
	assert_int_equal(dns_tsig_key_from_text(text, strlen(text), k, &err),
			 DNS_OK);
}

/* The TSIG of a message, which must have one. */
static dns_tsig_rr_t tsig_of(const blob_t *m)
{
	dns_tsig_rr_t t;
	bool found = false;
	assert_int_equal(dns_tsig_find(m->b, m->n, &found, &t, NULL), DNS_OK);
	assert_true(found);
	return t;
}

static dns_tsig_status_t verify(const blob_t *m, const dns_tsig_key_t *k,
				const dns_tsig_rr_t *req, uint64_t now)
{
	dns_tsig_result_t r;
	assert_int_equal(dns_tsig_verify(m->b, m->n, k, req ? req->mac : NULL,
					 req ? req->mac_len : 0, now, &r),
			 DNS_OK);
	return r.status;
}

/* ---- keys and algorithms ------------------------------------------------- */

static void test_algorithms(void **state)
{
	(void)state;
	static const size_t sizes[] = {16, 20, 28, 32, 48, 64};
	for (unsigned a = 0; a < DNS_TSIG_ALG_COUNT; a++) {
		dns_tsig_alg_t back;
		dns_name_t n;
		const char *t = dns_tsig_alg_text((dns_tsig_alg_t)a);
		assert_int_equal(dns_tsig_alg_size((dns_tsig_alg_t)a),
				 sizes[a]);
		assert_true(dns_tsig_alg_from_text(t, strlen(t), &back));
		assert_int_equal(back, a);
		dns_tsig_alg_name((dns_tsig_alg_t)a, &n);
		assert_true(dns_tsig_alg_from_name(&n, &back));
		assert_int_equal(back, a);
	}
	dns_tsig_alg_t a;
	assert_true(dns_tsig_alg_from_text("HMAC-MD5", 8, &a));
	assert_int_equal(a, DNS_TSIG_HMAC_MD5);
	assert_true(dns_tsig_alg_from_text("hmac-sha256.", 12, &a));
	assert_false(dns_tsig_alg_from_text("hmac-sha3", 9, &a));
	assert_false(dns_tsig_alg_from_text("gss-tsig", 8, &a));
}

static void test_key_text(void **state)
{
	(void)state;
	dns_tsig_key_t k;
	dns_error_t err = {0};
	key("tsig-test:hmac-sha256:" TEST, &k);
	assert_int_equal(k.alg, DNS_TSIG_HMAC_SHA256);
	assert_int_equal(k.secret_len, 32);
	assert_memory_equal(k.secret, "dnsharness tsig test key 32bytes", 32);
	key("hmac-sha1:Tsig-Test.:" TEST, &k); /* dig -y order */
	assert_int_equal(k.alg, DNS_TSIG_HMAC_SHA1);
	assert_int_equal(k.name.len, 11);
	key(".:hmac-sha256:" WKK, &k);
	assert_int_equal(k.name.len, 1);
	assert_int_equal(k.secret_len, 32);
	key("empty:hmac-md5:", &k);
	assert_int_equal(k.secret_len, 0);
	const char *bad[] = {"k:hmac-sha256", "k:sha256:" TEST,
			     "k:hmac-sha256:A", "a..b:hmac-sha256:" TEST};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_not_equal(
		    dns_tsig_key_from_text(bad[i], strlen(bad[i]), &k, &err),
		    DNS_OK);
}

/* ---- captured exchanges ---------------------------------------------------
 */

static void test_captured_udp(void **state)
{
	(void)state;
	static const struct {
		const char *name, *key;
	} cap[] = {
	    {"bind-sha256-wkk", ".:hmac-sha256:" WKK},
	    {"nsd-sha1", "tsig-test:hmac-sha1:" TEST},
	};
	for (size_t i = 0; i < sizeof(cap) / sizeof(cap[0]); i++) {
		char qn[64], rn[64];
		blob_t q, r;
		dns_tsig_key_t k;
		snprintf(qn, sizeof(qn), "%s.query", cap[i].name);
		snprintf(rn, sizeof(rn), "%s.reply", cap[i].name);
		load(qn, &q);
		load(rn, &r);
		key(cap[i].key, &k);
		dns_tsig_rr_t qt = tsig_of(&q), rt = tsig_of(&r);
		assert_int_equal(verify(&q, &k, NULL, qt.time), DNS_TSIG_VALID);
		assert_int_equal(verify(&r, &k, &qt, rt.time), DNS_TSIG_VALID);
		/* the reply is not a request: without the request MAC it
		 * does not verify */
		assert_int_equal(verify(&r, &k, NULL, rt.time),
				 DNS_TSIG_BADSIG);
	}
}

static void check_stream(const char *name, size_t nreplies)
{
	char fn[64];
	blob_t q, r;
	dns_tsig_key_t k;
	key("tsig-test:hmac-sha256:" TEST, &k);
	snprintf(fn, sizeof(fn), "%s.query", name);
	load(fn, &q);
	dns_tsig_rr_t qt = tsig_of(&q);
	assert_int_equal(verify(&q, &k, NULL, qt.time), DNS_TSIG_VALID);
	dns_tsig_verifier_t v;
	dns_tsig_verifier_init(&v, &k, qt.mac, qt.mac_len, qt.time);
	for (size_t i = 1; i <= nreplies; i++) {
		dns_tsig_result_t res;
		snprintf(fn, sizeof(fn), "%s.reply%zu", name, i);
		load(fn, &r);
		assert_int_equal(dns_tsig_verify_next(&v, r.b, r.n, &res),
				 DNS_OK);
		assert_true(res.present);
		assert_int_equal(res.status, DNS_TSIG_VALID);
	}
	dns_tsig_verifier_free(&v);
	/* the second message alone, as a first message, does not verify:
	 * it is signed over the first one's MAC with the timers only */
	assert_int_equal(verify(&r, &k, &qt, qt.time), DNS_TSIG_BADSIG);
}

static void test_captured_axfr(void **state)
{
	(void)state;
	check_stream("knot-axfr", 2);
	check_stream("bind-axfr", 2);
}

/* ---- tamper tests ---------------------------------------------------------
 */

static void test_tamper(void **state)
{
	(void)state;
	blob_t q, r;
	dns_tsig_key_t k, other;
	load("bind-sha256-wkk.query", &q);
	load("bind-sha256-wkk.reply", &r);
	key(".:hmac-sha256:" WKK, &k);
	dns_tsig_rr_t qt = tsig_of(&q), rt = tsig_of(&r);
	/* any single bit of the signed part flipped: BADSIG (the ID is not
	 * signed: the original ID stands for it) */
	for (size_t i = 2; i < rt.offset; i++) {
		r.b[i] ^= 0x10;
		dns_tsig_result_t res;
		dns_rc_t rc = dns_tsig_verify(r.b, r.n, &k, qt.mac, qt.mac_len,
					      rt.time, &res);
		/* a flip in a count or a name may make it unreadable */
		assert_true(rc != DNS_OK || res.status != DNS_TSIG_VALID);
		if (i >= 2 && i < 4) /* flags: still readable */
			assert_int_equal(res.status, DNS_TSIG_BADSIG);
		r.b[i] ^= 0x10;
	}
	/* a bit of the MAC */
	r.b[rt.mac - r.b] ^= 1;
	assert_int_equal(verify(&r, &k, &qt, rt.time), DNS_TSIG_BADSIG);
	r.b[rt.mac - r.b] ^= 1;
	/* the wrong secret */
	key(".:hmac-sha256:" TEST, &other);
	assert_int_equal(verify(&r, &other, &qt, rt.time), DNS_TSIG_BADSIG);
	/* another key name, another algorithm: BADKEY */
	key("other:hmac-sha256:" WKK, &other);
	assert_int_equal(verify(&r, &other, &qt, rt.time), DNS_TSIG_BADKEY);
	key(".:hmac-sha512:" WKK, &other);
	assert_int_equal(verify(&r, &other, &qt, rt.time), DNS_TSIG_BADKEY);
	/* the clock: fudge 300 either way */
	assert_int_equal(rt.fudge, 300);
	assert_int_equal(verify(&r, &k, &qt, rt.time + 300), DNS_TSIG_VALID);
	assert_int_equal(verify(&r, &k, &qt, rt.time - 300), DNS_TSIG_VALID);
	assert_int_equal(verify(&r, &k, &qt, rt.time + 301), DNS_TSIG_BADTIME);
	assert_int_equal(verify(&r, &k, &qt, rt.time - 301), DNS_TSIG_BADTIME);
	/* the original ID stands for the header's: an ID changed in transit
	 * still verifies */
	r.b[0] ^= 0xff;
	assert_int_equal(verify(&r, &k, &qt, rt.time), DNS_TSIG_VALID);
}

/* ---- sign and verify ------------------------------------------------------
 */

/* A query for example. SOA with ID 0x1234. */
static void query(blob_t *m)
{
	static const uint8_t q[] = {0x12, 0x34, 0, 0, 0,   1,	0,   0,	  0,
				    0,	  0,	0, 7, 'e', 'x', 'a', 'm', 'p',
				    'l',  'e',	0, 0, 6,   0,	1};
	memcpy(m->b, q, sizeof(q));
	m->n = sizeof(q);
}

static dns_tsig_status_t sign_verify(const dns_tsig_key_t *k,
				     const dns_tsig_sign_opts_t *o,
				     size_t min_mac)
{
	blob_t m;
	query(&m);
	assert_int_equal(
	    dns_tsig_sign(m.b, &m.n, sizeof(m.b), k, o, NULL, NULL), DNS_OK);
	assert_int_equal(dns_get_u16(m.b + 10), 1);
	dns_tsig_verifier_t v;
	dns_tsig_result_t res;
	dns_tsig_verifier_init(&v, k, NULL, 0, 1000000);
	v.min_mac = min_mac;
	assert_int_equal(dns_tsig_verify_next(&v, m.b, m.n, &res), DNS_OK);
	dns_tsig_verifier_free(&v);
	return res.status;
}

static void test_round_trip(void **state)
{
	(void)state;
	for (unsigned a = 0; a < DNS_TSIG_ALG_COUNT; a++) {
		dns_tsig_key_t k;
		char text[128];
		snprintf(text, sizeof(text), "k.example.:%s:%s",
			 dns_tsig_alg_text((dns_tsig_alg_t)a), TEST);
		key(text, &k);
		dns_tsig_sign_opts_t o = {.time = 1000000};
		assert_int_equal(sign_verify(&k, &o, 0), DNS_TSIG_VALID);
		size_t full = dns_tsig_alg_size(k.alg);
		size_t min = (full + 1) / 2 > 10 ? (full + 1) / 2 : 10;
		o.mac_len = min; /* shortest permitted truncation */
		assert_int_equal(sign_verify(&k, &o, 0), DNS_TSIG_VALID);
		assert_int_equal(sign_verify(&k, &o, full), DNS_TSIG_BADTRUNC);
		o.mac_len = min - 1;
		assert_int_equal(sign_verify(&k, &o, 0), DNS_TSIG_FORMERR);
		o.mac_len = full + 1;
		assert_int_equal(sign_verify(&k, &o, 0), DNS_TSIG_FORMERR);
	}
	dns_tsig_key_t k;
	key("empty:hmac-sha256:", &k);
	dns_tsig_sign_opts_t o = {.time = 1000000};
	assert_int_equal(sign_verify(&k, &o, 0), DNS_TSIG_VALID);
	o.no_mac = true;
	o.error = DNS_TSIG_ERROR_BADKEY;
	assert_int_equal(sign_verify(&k, &o, 0), DNS_TSIG_NOMAC);
	o.error = 0; /* an empty MAC without an error: not permitted */
	assert_int_equal(sign_verify(&k, &o, 0), DNS_TSIG_FORMERR);
}

static void test_sign_limits(void **state)
{
	(void)state;
	dns_tsig_key_t k;
	blob_t m;
	dns_tsig_sign_opts_t o = {.time = 1};
	key("k:hmac-sha256:" TEST, &k);
	query(&m);
	size_t n = m.n;
	assert_int_equal(dns_tsig_sign(m.b, &n, m.n + 20, &k, &o, NULL, NULL),
			 DNS_E_SPACE);
	assert_int_equal(dns_get_u16(m.b + 10), 0); /* untouched */
	n = 11;
	assert_int_equal(
	    dns_tsig_sign(m.b, &n, sizeof(m.b), &k, &o, NULL, NULL),
	    DNS_E_TRUNC_HEADER);
	o.other_len = 65500; /* RDATA over 65535 bytes */
	o.other = m.b;
	n = m.n;
	assert_int_equal(
	    dns_tsig_sign(m.b, &n, sizeof(m.b), &k, &o, NULL, NULL),
	    DNS_E_LIMIT);
	o.other_len = 0;
	dns_put_u16(m.b + 10, 0xffff);
	n = m.n;
	assert_int_equal(
	    dns_tsig_sign(m.b, &n, sizeof(m.b), &k, &o, NULL, NULL),
	    DNS_E_COUNT);
}

/* A stream: signed, unsigned, signed over both, then 100 unsigned. */
static void test_stream_unsigned(void **state)
{
	(void)state;
	dns_tsig_key_t k;
	key("k:hmac-sha256:" TEST, &k);
	uint8_t reqmac[] = "0123456789abcdef0123456789abcdef";
	uint8_t mac1[DNS_TSIG_MAC_MAX], mac3[DNS_TSIG_MAC_MAX];
	size_t l1 = 0, l3 = 0;
	blob_t m1, m2, m3;
	query(&m1);
	query(&m2);
	query(&m3);
	m2.b[3] = 0x80; /* make the messages differ */
	dns_tsig_sign_opts_t o = {
	    .time = 5000, .prior_mac = reqmac, .prior_len = 32};
	assert_int_equal(
	    dns_tsig_sign(m1.b, &m1.n, sizeof(m1.b), &k, &o, mac1, &l1),
	    DNS_OK);
	o = (dns_tsig_sign_opts_t){.time = 5001,
				   .prior_mac = mac1,
				   .prior_len = l1,
				   .timers_only = true,
				   .between = m2.b,
				   .between_len = m2.n};
	assert_int_equal(
	    dns_tsig_sign(m3.b, &m3.n, sizeof(m3.b), &k, &o, mac3, &l3),
	    DNS_OK);
	dns_tsig_verifier_t v;
	dns_tsig_result_t res;
	dns_tsig_verifier_init(&v, &k, reqmac, 32, 5000);
	assert_int_equal(dns_tsig_verify_next(&v, m1.b, m1.n, &res), DNS_OK);
	assert_int_equal(res.status, DNS_TSIG_VALID);
	assert_int_equal(dns_tsig_verify_next(&v, m2.b, m2.n, &res), DNS_OK);
	assert_int_equal(res.status, DNS_TSIG_UNSIGNED);
	assert_false(res.present);
	assert_int_equal(dns_tsig_verify_next(&v, m3.b, m3.n, &res), DNS_OK);
	assert_int_equal(res.status, DNS_TSIG_VALID);
	for (unsigned i = 1; i <= 100; i++) {
		assert_int_equal(dns_tsig_verify_next(&v, m2.b, m2.n, &res),
				 DNS_OK);
		assert_int_equal(res.status, i <= DNS_TSIG_UNSIGNED_MAX
						 ? DNS_TSIG_UNSIGNED
						 : DNS_TSIG_TOO_SPARSE);
	}
	dns_tsig_verifier_free(&v);
	/* without the unsigned message in between, m3 does not verify */
	dns_tsig_verifier_init(&v, &k, reqmac, 32, 5000);
	assert_int_equal(dns_tsig_verify_next(&v, m1.b, m1.n, &res), DNS_OK);
	assert_int_equal(dns_tsig_verify_next(&v, m3.b, m3.n, &res), DNS_OK);
	assert_int_equal(res.status, DNS_TSIG_BADSIG);
	dns_tsig_verifier_free(&v);
}

static void test_find(void **state)
{
	(void)state;
	blob_t m;
	dns_tsig_rr_t t;
	bool found = true;
	query(&m);
	assert_int_equal(dns_tsig_find(m.b, m.n, &found, &t, NULL), DNS_OK);
	assert_false(found);
	dns_tsig_key_t k;
	key("k:hmac-sha256:" TEST, &k);
	dns_tsig_sign_opts_t o = {.time = 0x123456789aULL, .fudge = 7};
	assert_int_equal(
	    dns_tsig_sign(m.b, &m.n, sizeof(m.b), &k, &o, NULL, NULL), DNS_OK);
	assert_int_equal(dns_tsig_find(m.b, m.n, &found, &t, NULL), DNS_OK);
	assert_true(found);
	assert_int_equal(t.offset, 25);
	assert_true(t.time == 0x123456789aULL);
	assert_int_equal(t.fudge, 7);
	assert_int_equal(t.mac_len, 32);
	assert_int_equal(t.orig_id, 0x1234);
	for (size_t cut = m.n - 1; cut > 25; cut--) { /* every truncation */
		dns_error_t err = {0};
		assert_int_not_equal(dns_tsig_find(m.b, cut, &found, &t, &err),
				     DNS_OK);
		assert_false(found);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_algorithms),
	    cmocka_unit_test(test_key_text),
	    cmocka_unit_test(test_captured_udp),
	    cmocka_unit_test(test_captured_axfr),
	    cmocka_unit_test(test_tamper),
	    cmocka_unit_test(test_round_trip),
	    cmocka_unit_test(test_sign_limits),
	    cmocka_unit_test(test_stream_unsigned),
	    cmocka_unit_test(test_find),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
