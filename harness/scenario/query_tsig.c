/* query_tsig.c - the tsig: block of a query: sign the encoded message
 * (RFC 8945) before any wire: edit, so that the edits may damage a
 * signed message. The TSIG record is appended last, after the OPT.
 *
 * The signature is made when the suite is loaded, with the clock of that
 * moment (plus time_offset:), and is accepted by a server for fudge
 * seconds (300 by default). A query left to a random ID gets one fixed
 * random ID here instead, so that the header ID and the original ID of
 * the TSIG agree.
 */
#include <errno.h>
#include <openssl/rand.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dns/edns.h"
#include "dns/tsig.h"
#include "dns/wire.h"
#include "scenario/query.h"
#include "scenario/query_int.h"

typedef struct tsig_in {
	dns_tsig_key_t key;
	dns_tsig_sign_opts_t o;
	long long time_offset;
	bool has_time;
	bool damage_mac;
	uint8_t *other;
} tsig_in_t;

static bool key_parts(const node_t *t, tsig_in_t *in, diag_t *d)
{
	const node_t *k = node_get(t, "key"), *n = node_get(t, "name");
	const node_t *a = node_get(t, "algorithm"), *s = node_get(t, "secret");
	dns_error_t err = {0};
	dns_rc_t rc;
	if (k != NULL && (n != NULL || a != NULL || s != NULL))
		return diag_error(d, k,
				  "tsig: give key: NAME:ALGORITHM:SECRET or "
				  "name:/algorithm:/secret:, not both");
	if (k != NULL) {
		if (!node_expect_kind(k, NODE_SCALAR, "tsig.key", d))
			return false;
		rc = dns_tsig_key_from_text(k->str, k->len, &in->key, &err);
		if (rc != DNS_OK)
			return diag_error(d, k, "tsig.key: %s", err.detail);
		return true;
	}
	if (n == NULL || s == NULL)
		return diag_error(d, t,
				  "tsig: needs key: NAME:ALGORITHM:SECRET, or "
				  "name: and secret: (algorithm: defaults to "
				  "hmac-sha256)");
	if (!node_expect_kind(n, NODE_SCALAR, "tsig.name", d) ||
	    !node_expect_kind(s, NODE_SCALAR, "tsig.secret", d) ||
	    (a != NULL &&
	     !node_expect_kind(a, NODE_SCALAR, "tsig.algorithm", d)))
		return false;
	const char *as = a ? a->str : "hmac-sha256";
	rc = dns_tsig_key_set(&in->key, n->str, n->len, as, strlen(as), s->str,
			      s->len, &err);
	if (rc != DNS_OK)
		return diag_error(d, t, "tsig: %s", err.detail);
	return true;
}

/* A signed number of seconds. */
static bool seconds(const node_t *n, const char *what, long long *out,
		    diag_t *d)
{
	char *end = NULL;
	if (!node_expect_kind(n, NODE_SCALAR, what, d))
		return false;
	errno = 0;
	long long v = strtoll(n->str, &end, 10);
	if (n->len == 0 || *end != '\0' || errno != 0 || v < -(1LL << 47) ||
	    v > (1LL << 47))
		return diag_error(d, n, "%s: expected a number of seconds",
				  what);
	*out = v;
	return true;
}

static bool tsig_error(const node_t *n, uint16_t *out, diag_t *d)
{
	unsigned long v = 0;
	if (!node_expect_kind(n, NODE_SCALAR, "tsig.error", d))
		return false;
	if (dns_rcode_from_text(n->str, n->len, out) == DNS_OK)
		return true;
	if (!node_u32(n, 65535, &v, d))
		return false;
	*out = (uint16_t)v;
	return true;
}

static bool read_damage(const node_t *n, tsig_in_t *in, diag_t *d)
{
	static const char *const names[] = {"mac", NULL};
	unsigned i = 0;
	if (!node_enum(n, names, &i, d))
		return false;
	in->damage_mac = true;
	return true;
}

/* Key `key` of t as a number up to max into *v: false when absent; a bad
 * value clears *ok (with a located error). */
static bool opt_u32(const node_t *t, const char *key, unsigned long max,
		    unsigned long *v, bool *ok, diag_t *d)
{
	const node_t *n = node_get(t, key);
	if (n == NULL)
		return false;
	if (node_u32(n, max, v, d))
		return true;
	*ok = false;
	return false;
}

static bool numbers(const node_t *t, tsig_in_t *in, diag_t *d)
{
	unsigned long v = 0;
	bool ok = true;
	if (opt_u32(t, "fudge", 65535, &v, &ok, d))
		in->o.fudge = (uint16_t)v;
	if (opt_u32(t, "time", 0xffffffffUL, &v, &ok, d)) {
		in->o.time = v;
		in->has_time = true;
	}
	if (opt_u32(t, "original_id", 65535, &v, &ok, d)) {
		in->o.has_orig_id = true;
		in->o.orig_id = (uint16_t)v;
	}
	if (opt_u32(t, "mac_size", 65535, &v, &ok, d)) {
		in->o.mac_len = v;
		in->o.no_mac = v == 0;
	}
	return ok;
}

/* time_offset:, error:, other:, damage:. */
static bool others(const node_t *t, tsig_in_t *in, dns_arena_t *scratch,
		   diag_t *d)
{
	const node_t *n;
	bool ok = true;
	if ((n = node_get(t, "time_offset")) != NULL)
		ok = seconds(n, "tsig.time_offset", &in->time_offset, d) && ok;
	if ((n = node_get(t, "error")) != NULL)
		ok = tsig_error(n, &in->o.error, d) && ok;
	if ((n = node_get(t, "other")) != NULL) {
		in->other = sc_hex_bytes(n, "tsig.other", 65535, scratch,
					 &in->o.other_len, d);
		in->o.other = in->other;
		ok = in->other != NULL && ok;
	}
	if ((n = node_get(t, "damage")) != NULL)
		ok = read_damage(n, in, d) && ok;
	return ok;
}

bool sq_tsig_read(const node_t *t, dns_arena_t *scratch, sq_tsig_t *out,
		  diag_t *d)
{
	static const char *const keys[] = {
	    "key",   "name",	    "algorithm",   "secret", "fudge",
	    "time",  "time_offset", "original_id", "error",  "mac_size",
	    "other", "damage",	    NULL};
	memset(out, 0, sizeof(*out));
	if (t == NULL || sq_is_empty(t)) /* tsig: ~ undoes a default */
		return true;
	if (!node_check_keys(t, "tsig", keys, d))
		return false;
	tsig_in_t *in = dns_arena_alloc(scratch, sizeof(*in));
	if (in == NULL)
		return diag_error(d, t, "out of memory");
	memset(in, 0, sizeof(*in));
	bool ok = key_parts(t, in, d);
	ok = numbers(t, in, d) && ok;
	ok = others(t, in, scratch, d) && ok;
	if (!ok)
		return false;
	if (!in->has_time)
		in->o.time = (uint64_t)time(NULL);
	in->o.time = (uint64_t)((long long)in->o.time + in->time_offset);
	out->node = t;
	out->in = in;
	return true;
}

/* A random ID for a signed query whose ID was left random. */
static uint16_t fresh_id(void)
{
	uint8_t b[2] = {0, 0};
	if (RAND_bytes(b, 2) != 1)
		b[0] = (uint8_t)time(NULL); /* any ID will do */
	return (uint16_t)(b[0] << 8 | b[1]);
}

bool sq_tsig_sign(const sq_tsig_t *t, uint8_t *buf, size_t *len,
		  bool *random_id, dns_arena_t *arena,
		  const dns_tsig_key_t **key_out, diag_t *d)
{
	*key_out = NULL;
	if (t->in == NULL)
		return true;
	tsig_in_t *in = t->in;
	if (*random_id && *len >= 2) {
		dns_put_u16(buf, fresh_id());
		*random_id = false;
	}
	uint8_t mac[DNS_TSIG_MAC_MAX];
	size_t mlen = 0;
	dns_rc_t rc = dns_tsig_sign(buf, len, DNS_MSG_MAXLEN, &in->key, &in->o,
				    mac, &mlen);
	if (rc != DNS_OK)
		return diag_error(d, t->node, "tsig: cannot sign the query: %s",
				  dns_rc_text(rc));
	if (in->damage_mac) {
		bool found = false;
		dns_tsig_rr_t rr;
		if (dns_tsig_find(buf, *len, &found, &rr, NULL) == DNS_OK &&
		    found && rr.mac_len > 0)
			buf[rr.mac - buf] ^= 0x80;
	}
	dns_tsig_key_t *k = dns_arena_dup(arena, &in->key, sizeof(in->key));
	if (k == NULL)
		return diag_error(d, t->node, "out of memory");
	*key_out = k;
	return true;
}
