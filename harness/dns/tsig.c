/* tsig.c - TSIG (RFC 8945): keys, signing, verifying messages and streams.
 *
 * The digest of a message (RFC 8945 4.3) is fed to the HMAC piece by
 * piece straight from the message: the header with the original ID and
 * ARCOUNT less one, the bytes up to the TSIG record, then the TSIG
 * variables with the key and algorithm names in canonical (lowercase,
 * uncompressed) form. Nothing is copied and the message is not touched.
 *
 * An empty secret is given to OpenSSL as one zero byte: HMAC pads the key
 * with zero bytes to the block size, so the two keys are the same key,
 * and some OpenSSL versions refuse a key of length zero.
 */
#include "dns/tsig.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <string.h>
#include <strings.h>

#include "dns/base.h"
#include "dns/wire.h"

#define DNS_T_TSIG_VALUE 250u
#define DNS_C_ANY_VALUE	 255u

typedef struct alg_row {
	const char *text;   /* presentation, without the final dot */
	const char *digest; /* OpenSSL digest name */
	size_t size;
} alg_row_t;

static const alg_row_t algs[DNS_TSIG_ALG_COUNT] = {
    [DNS_TSIG_HMAC_MD5] = {"hmac-md5.sig-alg.reg.int", "MD5", 16},
    [DNS_TSIG_HMAC_SHA1] = {"hmac-sha1", "SHA1", 20},
    [DNS_TSIG_HMAC_SHA224] = {"hmac-sha224", "SHA224", 28},
    [DNS_TSIG_HMAC_SHA256] = {"hmac-sha256", "SHA256", 32},
    [DNS_TSIG_HMAC_SHA384] = {"hmac-sha384", "SHA384", 48},
    [DNS_TSIG_HMAC_SHA512] = {"hmac-sha512", "SHA512", 64},
};

/* ---- algorithms and keys ------------------------------------------------ */

const char *dns_tsig_alg_text(dns_tsig_alg_t a)
{
	return (unsigned)a < DNS_TSIG_ALG_COUNT ? algs[a].text : "?";
}

size_t dns_tsig_alg_size(dns_tsig_alg_t a)
{
	return (unsigned)a < DNS_TSIG_ALG_COUNT ? algs[a].size : 0;
}

void dns_tsig_alg_name(dns_tsig_alg_t a, dns_name_t *out)
{
	dns_name_t root;
	dns_name_root(&root);
	dns_name_root(out);
	if ((unsigned)a < DNS_TSIG_ALG_COUNT)
		(void)dns_name_from_str(algs[a].text, &root, out);
}

bool dns_tsig_alg_from_text(const char *s, size_t len, dns_tsig_alg_t *out)
{
	if (len > 0 && s[len - 1] == '.')
		len--;
	if (len == 8 && strncasecmp(s, "hmac-md5", 8) == 0) {
		*out = DNS_TSIG_HMAC_MD5;
		return true;
	}
	for (unsigned i = 0; i < DNS_TSIG_ALG_COUNT; i++)
		if (strlen(algs[i].text) == len &&
		    strncasecmp(s, algs[i].text, len) == 0) {
			*out = (dns_tsig_alg_t)i;
			return true;
		}
	return false;
}

bool dns_tsig_alg_from_name(const dns_name_t *n, dns_tsig_alg_t *out)
{
	for (unsigned i = 0; i < DNS_TSIG_ALG_COUNT; i++) {
		dns_name_t a;
		dns_tsig_alg_name((dns_tsig_alg_t)i, &a);
		if (dns_name_equal(n, &a)) {
			*out = (dns_tsig_alg_t)i;
			return true;
		}
	}
	return false;
}

dns_rc_t dns_tsig_key_set(dns_tsig_key_t *k, const char *name, size_t nlen,
			  const char *alg, size_t alen, const char *secret,
			  size_t slen, dns_error_t *err)
{
	dns_name_t root;
	dns_name_root(&root);
	memset(k, 0, sizeof(*k));
	dns_rc_t rc = dns_name_from_text(name, nlen, &root, &k->name, NULL);
	if (rc != DNS_OK)
		return dns_error_set(err, rc, 0, "key name '%.*s': %s",
				     (int)nlen, name, dns_rc_text(rc));
	if (!dns_tsig_alg_from_text(alg, alen, &k->alg))
		return dns_error_set(err, DNS_E_SYNTAX, 0,
				     "unknown TSIG algorithm '%.*s' (hmac-md5, "
				     "hmac-sha1, hmac-sha224, hmac-sha256, "
				     "hmac-sha384, hmac-sha512)",
				     (int)alen, alg);
	size_t bad = 0;
	if (slen > (DNS_TSIG_SECRET_MAX / 3) * 4 + 4)
		return dns_error_set(err, DNS_E_LIMIT, 0,
				     "secret longer than %u bytes",
				     DNS_TSIG_SECRET_MAX);
	rc = dns_base64_decode(secret, slen, k->secret, sizeof(k->secret),
			       &k->secret_len, &bad);
	if (rc == DNS_E_SPACE)
		return dns_error_set(err, DNS_E_LIMIT, 0,
				     "secret longer than %u bytes",
				     DNS_TSIG_SECRET_MAX);
	if (rc != DNS_OK)
		return dns_error_set(err, rc, bad,
				     "secret: bad base64 at offset %zu", bad);
	return DNS_OK;
}

dns_rc_t dns_tsig_key_from_text(const char *s, size_t len, dns_tsig_key_t *k,
				dns_error_t *err)
{
	const char *c1 = memchr(s, ':', len);
	const char *c2 =
	    c1 ? memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - s)) : NULL;
	if (c1 == NULL || c2 == NULL)
		return dns_error_set(err, DNS_E_SYNTAX, 0,
				     "a TSIG key is name:algorithm:secret");
	size_t l0 = (size_t)(c1 - s), l1 = (size_t)(c2 - c1 - 1);
	const char *f2 = c2 + 1;
	size_t l2 = len - (size_t)(f2 - s);
	dns_tsig_alg_t a;
	if (!dns_tsig_alg_from_text(c1 + 1, l1, &a) &&
	    dns_tsig_alg_from_text(s, l0, &a)) /* dig -y alg:name:secret */
		return dns_tsig_key_set(k, c1 + 1, l1, s, l0, f2, l2, err);
	return dns_tsig_key_set(k, s, l0, c1 + 1, l1, f2, l2, err);
}

/* ---- finding the TSIG record -------------------------------------------- */

static void skip_rr(dns_wire_t *w, size_t *start)
{
	dns_name_t n;
	*start = w->pos;
	dns_name_unpack(w, &n, true);
	dns_wire_skip(w, 8);
	uint16_t rdlen = dns_wire_u16(w);
	dns_wire_skip(w, rdlen);
}

/* The offset of the last record of the message, or 0 when none. */
static size_t last_rr(dns_wire_t *w)
{
	uint16_t qd, an, ns, ar;
	dns_wire_skip(w, 4);
	qd = dns_wire_u16(w);
	an = dns_wire_u16(w);
	ns = dns_wire_u16(w);
	ar = dns_wire_u16(w);
	for (unsigned i = 0; i < qd && dns_wire_ok(w); i++) {
		dns_name_t n;
		dns_name_unpack(w, &n, true);
		dns_wire_skip(w, 4);
	}
	size_t start = 0, total = (size_t)an + ns + ar;
	for (size_t i = 0; i < total && dns_wire_ok(w); i++)
		skip_rr(w, &start);
	return ar > 0 ? start : 0;
}

static uint64_t get_u48(dns_wire_t *w)
{
	uint64_t hi = dns_wire_u16(w);
	return hi << 32 | dns_wire_u32(w);
}

static void read_tsig(dns_wire_t *w, dns_tsig_rr_t *t)
{
	t->offset = w->pos;
	dns_name_unpack(w, &t->key_name, true);
	dns_wire_skip(w, 8); /* type, class, TTL */
	uint16_t rdlen = dns_wire_u16(w);
	dns_wire_t rd = dns_wire_sub(w, rdlen, DNS_E_RDATA_OVERRUN);
	dns_name_unpack(&rd, &t->alg_name, false);
	t->time = get_u48(&rd);
	t->fudge = dns_wire_u16(&rd);
	t->mac_len = dns_wire_u16(&rd);
	t->mac = dns_wire_bytes(&rd, NULL, t->mac_len);
	t->orig_id = dns_wire_u16(&rd);
	t->error = dns_wire_u16(&rd);
	t->other_len = dns_wire_u16(&rd);
	t->other = dns_wire_bytes(&rd, NULL, t->other_len);
	if (rd.err == DNS_OK && dns_wire_left(&rd) != 0)
		dns_wire_fail_at(&rd, DNS_E_RDATA_TRAILING, rd.pos);
	if (rd.err != DNS_OK && w->err == DNS_OK) {
		w->err = rd.err == DNS_E_SHORT ? DNS_E_RDATA_SHORT : rd.err;
		w->err_off = rd.err_off;
	}
}

/* Is the record at offset at of type TSIG? */
static bool is_tsig_at(const uint8_t *msg, size_t len, size_t at)
{
	dns_name_t n;
	dns_wire_t w = dns_wire_reader(msg, len);
	w.pos = at;
	dns_name_unpack(&w, &n, true);
	return dns_wire_u16(&w) == DNS_T_TSIG_VALUE && dns_wire_ok(&w);
}

dns_rc_t dns_tsig_find(const uint8_t *msg, size_t len, bool *found,
		       dns_tsig_rr_t *out, dns_error_t *err)
{
	*found = false;
	memset(out, 0, sizeof(*out));
	if (len < DNS_HEADER_LEN)
		return dns_error_set(err, DNS_E_TRUNC_HEADER, len, NULL);
	dns_wire_t w = dns_wire_reader(msg, len);
	size_t at = last_rr(&w);
	if (w.err != DNS_OK)
		return dns_error_set(err, w.err, w.err_off, NULL);
	if (at == 0 || !is_tsig_at(msg, len, at))
		return DNS_OK;
	w = dns_wire_reader(msg, len);
	w.pos = at;
	read_tsig(&w, out);
	if (w.err != DNS_OK)
		return dns_error_set(err, w.err, w.err_off, NULL);
	*found = true;
	return DNS_OK;
}

/* ---- HMAC ---------------------------------------------------------------- */

typedef struct hm {
	EVP_MAC_CTX *c;
	bool ok;
} hm_t;

static EVP_MAC_CTX *hmac_new(const dns_tsig_key_t *key)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "HMAC", NULL);
	if (mac == NULL)
		return NULL;
	EVP_MAC_CTX *c = EVP_MAC_CTX_new(mac);
	EVP_MAC_free(mac);
	if (c == NULL)
		return NULL;
	OSSL_PARAM p[2];
	p[0] = OSSL_PARAM_construct_utf8_string(
	    OSSL_MAC_PARAM_DIGEST, (char *)algs[key->alg].digest, 0);
	p[1] = OSSL_PARAM_construct_end();
	static const uint8_t zero = 0;
	const uint8_t *k = key->secret_len ? key->secret : &zero;
	if (!EVP_MAC_init(c, k, key->secret_len ? key->secret_len : 1, p)) {
		EVP_MAC_CTX_free(c);
		return NULL;
	}
	return c;
}

static void feed(hm_t *h, const void *p, size_t n)
{
	if (h->ok && n > 0 && !EVP_MAC_update(h->c, p, n))
		h->ok = false;
}

static void feed_u16(hm_t *h, uint16_t v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	feed(h, b, 2);
}

static void feed_name(hm_t *h, const dns_name_t *n)
{
	dns_name_t c = *n;
	dns_name_lower(&c);
	feed(h, c.wire, c.len);
}

/* Time Signed (48 bits) and Fudge. */
static void feed_timers(hm_t *h, uint64_t time, uint16_t fudge)
{
	uint8_t b[8] = {(uint8_t)(time >> 40), (uint8_t)(time >> 32),
			(uint8_t)(time >> 24), (uint8_t)(time >> 16),
			(uint8_t)(time >> 8),  (uint8_t)time,
			(uint8_t)(fudge >> 8), (uint8_t)fudge};
	feed(h, b, sizeof(b));
}

/* The TSIG variables of RFC 8945 4.3.3 (or the timers only, 5.3.1). */
static void feed_vars(hm_t *h, const dns_tsig_rr_t *t, bool timers_only)
{
	if (!timers_only) {
		feed_name(h, &t->key_name);
		feed_u16(h, DNS_C_ANY_VALUE);
		feed(h, "\0\0\0\0", 4); /* TTL */
		feed_name(h, &t->alg_name);
	}
	feed_timers(h, t->time, t->fudge);
	if (timers_only)
		return;
	feed_u16(h, t->error);
	feed_u16(h, t->other_len);
	feed(h, t->other, t->other_len);
}

/* The message before its TSIG was added: bytes [0, end) with the ID
 * replaced by id and ARCOUNT less `less`. */
static void feed_msg(hm_t *h, const uint8_t *msg, size_t end, uint16_t id,
		     unsigned less)
{
	uint8_t hdr[DNS_HEADER_LEN];
	memcpy(hdr, msg, sizeof(hdr));
	dns_put_u16(hdr, id);
	dns_put_u16(hdr + 10, (uint16_t)(dns_get_u16(hdr + 10) - less));
	feed(h, hdr, sizeof(hdr));
	feed(h, msg + DNS_HEADER_LEN, end - DNS_HEADER_LEN);
}

static void feed_prior(hm_t *h, const uint8_t *mac, size_t len)
{
	feed_u16(h, (uint16_t)len);
	feed(h, mac, len);
}

static bool hm_final(hm_t *h, uint8_t out[DNS_TSIG_MAC_MAX], size_t *len)
{
	if (h->ok && !EVP_MAC_final(h->c, out, len, DNS_TSIG_MAC_MAX))
		h->ok = false;
	return h->ok;
}

/* ---- signing ------------------------------------------------------------- */

static void put_u48(dns_wire_t *w, uint64_t v)
{
	dns_wire_put_u16(w, (uint16_t)(v >> 32));
	dns_wire_put_u32(w, (uint32_t)v);
}

/* The TSIG record with MAC mac (mlen bytes written, padded with zeros
 * past have bytes). */
static void put_tsig(dns_wire_t *w, const dns_tsig_rr_t *t, size_t have)
{
	dns_wire_put_bytes(w, t->key_name.wire, t->key_name.len);
	dns_wire_put_u16(w, DNS_T_TSIG_VALUE);
	dns_wire_put_u16(w, DNS_C_ANY_VALUE);
	dns_wire_put_u32(w, 0);
	size_t rdlen = t->alg_name.len + 16u + t->mac_len + t->other_len;
	dns_wire_put_u16(w, (uint16_t)rdlen);
	dns_wire_put_bytes(w, t->alg_name.wire, t->alg_name.len);
	put_u48(w, t->time);
	dns_wire_put_u16(w, t->fudge);
	dns_wire_put_u16(w, t->mac_len);
	for (size_t i = 0; i < t->mac_len; i++)
		dns_wire_put_u8(w, i < have ? t->mac[i] : 0);
	dns_wire_put_u16(w, t->orig_id);
	dns_wire_put_u16(w, t->error);
	dns_wire_put_u16(w, t->other_len);
	dns_wire_put_bytes(w, t->other, t->other_len);
}

/* The record fields a signer writes. */
static dns_rc_t sign_fields(const uint8_t *buf, const dns_tsig_key_t *key,
			    const dns_tsig_sign_opts_t *o, dns_tsig_rr_t *t)
{
	memset(t, 0, sizeof(*t));
	t->key_name = o->name_override ? *o->name_override : key->name;
	if (o->alg_override != NULL)
		t->alg_name = *o->alg_override;
	else
		dns_tsig_alg_name(key->alg, &t->alg_name);
	t->time = o->time & 0xffffffffffffULL;
	t->fudge = o->fudge ? o->fudge : DNS_TSIG_FUDGE_DEFAULT;
	t->orig_id = o->has_orig_id ? o->orig_id : dns_get_u16(buf);
	t->error = o->error;
	size_t mac = o->no_mac ? 0 : o->mac_len ? o->mac_len : DNS_TSIG_MAC_MAX;
	if (t->alg_name.len + 16u + mac + o->other_len > 0xffff ||
	    o->prior_len > 0xffff || (unsigned)key->alg >= DNS_TSIG_ALG_COUNT)
		return DNS_E_LIMIT; /* RDLENGTH would not fit 16 bits */
	t->other = o->other;
	t->other_len = (uint16_t)o->other_len;
	return DNS_OK;
}

dns_rc_t dns_tsig_sign(uint8_t *buf, size_t *len, size_t cap,
		       const dns_tsig_key_t *key, const dns_tsig_sign_opts_t *o,
		       uint8_t *mac, size_t *mac_len)
{
	dns_tsig_rr_t t;
	if (*len < DNS_HEADER_LEN)
		return DNS_E_TRUNC_HEADER;
	if (dns_get_u16(buf + 10) == 0xffff)
		return DNS_E_COUNT;
	dns_rc_t rc = sign_fields(buf, key, o, &t);
	if (rc != DNS_OK)
		return rc;
	uint8_t full[DNS_TSIG_MAC_MAX];
	size_t flen = 0;
	hm_t h = {hmac_new(key), true};
	h.ok = h.c != NULL;
	if (o->prior_mac != NULL)
		feed_prior(&h, o->prior_mac, o->prior_len);
	feed(&h, o->between, o->between_len);
	feed_msg(&h, buf, *len, t.orig_id, 0);
	feed_vars(&h, &t, o->timers_only);
	bool ok = hm_final(&h, full, &flen);
	EVP_MAC_CTX_free(h.c);
	if (!ok)
		return DNS_E_INTERNAL;
	t.mac = full;
	t.mac_len = (uint16_t)(o->no_mac ? 0 : o->mac_len ? o->mac_len : flen);
	dns_wire_t w = dns_wire_writer(buf, cap);
	w.pos = *len;
	put_tsig(&w, &t, flen);
	if (w.err != DNS_OK)
		return DNS_E_SPACE;
	dns_put_u16(buf + 10, (uint16_t)(dns_get_u16(buf + 10) + 1));
	*len = w.pos;
	if (mac != NULL) {
		size_t n = t.mac_len < flen ? t.mac_len : flen;
		memcpy(mac, full, n);
		memset(mac + n, 0, DNS_TSIG_MAC_MAX - n);
	}
	if (mac_len != NULL)
		*mac_len =
		    t.mac_len < DNS_TSIG_MAC_MAX ? t.mac_len : DNS_TSIG_MAC_MAX;
	return DNS_OK;
}

/* ---- verifying ----------------------------------------------------------- */

const char *dns_tsig_status_name(dns_tsig_status_t s)
{
	static const char *const names[] = {
	    "valid",  "unsigned", "no-mac",   "formerr",   "BADKEY",
	    "BADSIG", "BADTIME",  "BADTRUNC", "too-sparse"};
	return (unsigned)s < sizeof(names) / sizeof(names[0]) ? names[s] : "?";
}

uint16_t dns_tsig_status_error(dns_tsig_status_t s)
{
	switch (s) {
	case DNS_TSIG_BADSIG:
		return DNS_TSIG_ERROR_BADSIG;
	case DNS_TSIG_BADKEY:
		return DNS_TSIG_ERROR_BADKEY;
	case DNS_TSIG_BADTIME:
		return DNS_TSIG_ERROR_BADTIME;
	case DNS_TSIG_BADTRUNC:
		return DNS_TSIG_ERROR_BADTRUNC;
	default:
		return 0;
	}
}

static void set_prior(dns_tsig_verifier_t *v, const uint8_t *mac, size_t len)
{
	if (len > DNS_TSIG_MAC_MAX)
		len = DNS_TSIG_MAC_MAX;
	v->prior[0] = (uint8_t)(len >> 8);
	v->prior[1] = (uint8_t)len;
	if (len > 0)
		memcpy(v->prior + 2, mac, len);
	v->prior_len = mac != NULL ? len + 2 : 0;
}

void dns_tsig_verifier_init(dns_tsig_verifier_t *v, const dns_tsig_key_t *key,
			    const uint8_t *request_mac, size_t request_mac_len,
			    uint64_t now)
{
	memset(v, 0, sizeof(*v));
	v->key = key;
	v->now = now;
	v->check_time = true;
	set_prior(v, request_mac, request_mac_len);
}

void dns_tsig_verifier_free(dns_tsig_verifier_t *v)
{
	EVP_MAC_CTX_free(v->ctx);
	v->ctx = NULL;
}

/* The running digest, started (with the prior MAC) when needed. */
static bool digest(dns_tsig_verifier_t *v, hm_t *h)
{
	h->c = v->ctx;
	h->ok = true;
	if (h->c != NULL)
		return true;
	h->c = v->ctx = hmac_new(v->key);
	h->ok = h->c != NULL;
	if (v->prior_len > 0)
		feed(h, v->prior, v->prior_len);
	return h->ok;
}

static void digest_reset(dns_tsig_verifier_t *v)
{
	EVP_MAC_CTX_free(v->ctx);
	v->ctx = NULL;
}

/* RFC 8945 5.2.2.1: a MAC longer than the hash, or shorter than both
 * 10 bytes and half the hash, is a format error. */
static bool mac_size_permitted(const dns_tsig_rr_t *t, size_t full)
{
	size_t min = (full + 1) / 2 > 10 ? (full + 1) / 2 : 10;
	return t->mac_len <= full && t->mac_len >= min;
}

static bool time_ok(const dns_tsig_verifier_t *v, const dns_tsig_rr_t *t)
{
	uint64_t d = v->now > t->time ? v->now - t->time : t->time - v->now;
	return !v->check_time || d <= t->fudge;
}

/* A message without a TSIG: digested for the next signed one. */
static dns_rc_t unsigned_msg(dns_tsig_verifier_t *v, const uint8_t *msg,
			     size_t len, dns_tsig_result_t *res)
{
	hm_t h;
	if (v->key != NULL && (unsigned)v->key->alg < DNS_TSIG_ALG_COUNT) {
		if (digest(v, &h))
			feed(&h, msg, len);
		if (!h.ok)
			return v->fail = DNS_E_INTERNAL;
	}
	v->nmsgs++;
	v->run++;
	res->status = v->run > DNS_TSIG_UNSIGNED_MAX ? DNS_TSIG_TOO_SPARSE
						     : DNS_TSIG_UNSIGNED;
	return DNS_OK;
}

/* The status of a record whose key is right, before the MAC. */
static bool precheck(const dns_tsig_verifier_t *v, const dns_tsig_rr_t *t,
		     dns_tsig_status_t *st)
{
	if (t->mac_len == 0 && t->error != 0) {
		*st = DNS_TSIG_NOMAC;
		return false;
	}
	if (!mac_size_permitted(t, dns_tsig_alg_size(v->key->alg))) {
		*st = DNS_TSIG_FORMERR;
		return false;
	}
	return true;
}

static dns_tsig_status_t check_mac(dns_tsig_verifier_t *v, const uint8_t *msg,
				   const dns_tsig_rr_t *t, dns_rc_t *rc)
{
	hm_t h;
	uint8_t full[DNS_TSIG_MAC_MAX];
	size_t flen = 0;
	if (digest(v, &h)) {
		feed_msg(&h, msg, t->offset, t->orig_id, 1);
		feed_vars(&h, t, v->nmsgs > 0);
	}
	if (!hm_final(&h, full, &flen)) {
		*rc = v->fail = DNS_E_INTERNAL;
		return DNS_TSIG_BADSIG;
	}
	if (flen < t->mac_len || CRYPTO_memcmp(full, t->mac, t->mac_len) != 0)
		return DNS_TSIG_BADSIG;
	if (!time_ok(v, t))
		return DNS_TSIG_BADTIME;
	if (v->min_mac > 0 && t->mac_len < v->min_mac)
		return DNS_TSIG_BADTRUNC;
	return DNS_TSIG_VALID;
}

static bool key_matches(const dns_tsig_key_t *k, const dns_tsig_rr_t *t)
{
	dns_tsig_alg_t a;
	return k != NULL && dns_name_equal(&k->name, &t->key_name) &&
	       dns_tsig_alg_from_name(&t->alg_name, &a) && a == k->alg;
}

dns_rc_t dns_tsig_verify_next(dns_tsig_verifier_t *v, const uint8_t *msg,
			      size_t len, dns_tsig_result_t *res)
{
	bool found = false;
	memset(res, 0, sizeof(*res));
	res->status = DNS_TSIG_FORMERR;
	if (v->fail != DNS_OK)
		return v->fail;
	dns_rc_t rc = dns_tsig_find(msg, len, &found, &res->rr, NULL);
	if (rc != DNS_OK)
		return rc;
	if (!found)
		return unsigned_msg(v, msg, len, res);
	res->present = true;
	const dns_tsig_rr_t *t = &res->rr;
	if (!key_matches(v->key, t))
		res->status = DNS_TSIG_BADKEY;
	else if (precheck(v, t, &res->status))
		res->status = check_mac(v, msg, t, &rc);
	digest_reset(v);
	set_prior(v, t->mac, t->mac_len);
	v->nmsgs++;
	v->run = 0;
	return rc;
}

dns_rc_t dns_tsig_verify(const uint8_t *msg, size_t len,
			 const dns_tsig_key_t *key, const uint8_t *request_mac,
			 size_t request_mac_len, uint64_t now,
			 dns_tsig_result_t *res)
{
	dns_tsig_verifier_t v;
	dns_tsig_verifier_init(&v, key, request_mac, request_mac_len, now);
	dns_rc_t rc = dns_tsig_verify_next(&v, msg, len, res);
	dns_tsig_verifier_free(&v);
	return rc;
}
