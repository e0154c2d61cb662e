/* tsig.h - TSIG (RFC 8945): keys, signing a message, verifying a message
 * or the messages of a TCP stream (an AXFR) one after the other.
 *
 * HMAC through OpenSSL's EVP_MAC; MACs are compared in constant time.
 * Signing appends the TSIG record to a message in a caller buffer and
 * increments ARCOUNT; verifying never modifies the message. An invalid
 * MAC, an unknown key or a stale time is a status of the verdict
 * (dns_tsig_status_t), not an error code: DNS_E_* results are kept for
 * input that cannot be processed at all and for library failures
 * (DNS_E_INTERNAL).
 */
#ifndef DNS_TSIG_H
#define DNS_TSIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "dns/err.h"
#include "dns/name.h"

#define DNS_TSIG_SECRET_MAX	256u /* longest shared secret, bytes */
#define DNS_TSIG_MAC_MAX	64u  /* HMAC-SHA512 */
#define DNS_TSIG_FUDGE_DEFAULT	300u /* seconds (RFC 8945 10) */
#define DNS_TSIG_UNSIGNED_MAX	99u  /* unsigned messages in a row (5.3.1) */
#define DNS_TSIG_ERROR_BADSIG	16u
#define DNS_TSIG_ERROR_BADKEY	17u
#define DNS_TSIG_ERROR_BADTIME	18u
#define DNS_TSIG_ERROR_BADTRUNC 22u

typedef enum dns_tsig_alg {
	DNS_TSIG_HMAC_MD5, /* hmac-md5.sig-alg.reg.int. */
	DNS_TSIG_HMAC_SHA1,
	DNS_TSIG_HMAC_SHA224,
	DNS_TSIG_HMAC_SHA256,
	DNS_TSIG_HMAC_SHA384,
	DNS_TSIG_HMAC_SHA512,
	DNS_TSIG_ALG_COUNT
} dns_tsig_alg_t;

/* "hmac-sha256", "hmac-md5.sig-alg.reg.int" ...; "?" out of range. */
const char *dns_tsig_alg_text(dns_tsig_alg_t a);

/* Size of the full HMAC output in bytes (16 to 64); 0 out of range. */
size_t dns_tsig_alg_size(dns_tsig_alg_t a);

/* The algorithm's domain name as it goes in the TSIG record. */
void dns_tsig_alg_name(dns_tsig_alg_t a, dns_name_t *out);

/* The algorithm a name stands for (case-insensitive; "hmac-md5" and
 * "hmac-md5.sig-alg.reg.int", with or without a final dot). false for a
 * name that is no known algorithm. */
bool dns_tsig_alg_from_text(const char *s, size_t len, dns_tsig_alg_t *out);
bool dns_tsig_alg_from_name(const dns_name_t *n, dns_tsig_alg_t *out);

typedef struct dns_tsig_key {
	dns_name_t name;
	dns_tsig_alg_t alg;
	uint8_t secret[DNS_TSIG_SECRET_MAX];
	size_t secret_len;
} dns_tsig_key_t;

/* A key from its three parts: name (presentation form, taken as
 * absolute), algorithm (dns_tsig_alg_from_text) and the secret in
 * base64 ("" is an empty secret). Errors: DNS_E_SYNTAX (unknown
 * algorithm), DNS_E_BASE64, DNS_E_LIMIT (secret too long), name errors;
 * err->detail says which part. */
dns_rc_t dns_tsig_key_set(dns_tsig_key_t *k, const char *name, size_t nlen,
			  const char *alg, size_t alen, const char *secret,
			  size_t slen, dns_error_t *err);

/* A key from "name:algorithm:secret", or dig's "algorithm:name:secret"
 * (told apart by which field is an algorithm name). */
dns_rc_t dns_tsig_key_from_text(const char *s, size_t len, dns_tsig_key_t *k,
				dns_error_t *err);

/* The fields of a TSIG record as found in a message; pointers point into
 * the message. */
typedef struct dns_tsig_rr {
	size_t offset; /* of the record in the message */
	dns_name_t key_name, alg_name;
	uint64_t time; /* 48 bits */
	uint16_t fudge;
	const uint8_t *mac;
	uint16_t mac_len;
	uint16_t orig_id, error;
	const uint8_t *other;
	uint16_t other_len;
} dns_tsig_rr_t;

/* Find the TSIG record of msg: the last record of the additional
 * section, of type TSIG (250). DNS_OK with *found false when the last
 * record is something else or there is none; an error code (with err
 * located) when the message or the TSIG RDATA cannot be read up to it. */
dns_rc_t dns_tsig_find(const uint8_t *msg, size_t len, bool *found,
		       dns_tsig_rr_t *out, dns_error_t *err);

/* How a message is to be signed. */
typedef struct dns_tsig_sign_opts {
	uint64_t time;	/* Time Signed, seconds since the epoch (48 bits) */
	uint16_t fudge; /* 0: DNS_TSIG_FUDGE_DEFAULT */
	bool has_orig_id;
	uint16_t orig_id; /* default: the message's ID */
	uint16_t error;
	const uint8_t *other;
	size_t other_len;
	/* Length of the MAC written: 0 for the full HMAC, else its first
	 * mac_len bytes (the digest still covers the full data). A length
	 * above the full size is written as the full MAC padded with zero
	 * bytes: scenarios damage on purpose, nothing is refused. */
	size_t mac_len;
	bool no_mac; /* write an empty MAC (error replies, RFC 8945 5.3.2) */
	/* A response: the request's MAC (the first message of an answer),
	 * or the previous message's MAC (later messages of a stream). */
	const uint8_t *prior_mac;
	size_t prior_len;
	bool timers_only; /* a later message of a stream (RFC 8945 5.3.1) */
	/* Bytes digested between the prior MAC and the message: the
	 * unsigned messages of a stream since the last signed one. */
	const uint8_t *between;
	size_t between_len;
	/* The key name and algorithm name written, when not the key's own
	 * (to test BADKEY); the MAC is still made with the key. */
	const dns_name_t *name_override, *alg_override;
} dns_tsig_sign_opts_t;

/* Sign the message in buf (*len bytes, cap capacity): append a TSIG
 * record and add one to ARCOUNT. mac (DNS_TSIG_MAC_MAX bytes, may be
 * NULL) gets the MAC written, *mac_len its length. DNS_E_TRUNC_HEADER
 * for fewer than 12 bytes, DNS_E_COUNT when ARCOUNT is 65535,
 * DNS_E_SPACE, DNS_E_LIMIT when the record's RDATA would exceed 65535
 * bytes (MAC and other data too long), DNS_E_INTERNAL when OpenSSL fails.
 */
dns_rc_t dns_tsig_sign(uint8_t *buf, size_t *len, size_t cap,
		       const dns_tsig_key_t *key, const dns_tsig_sign_opts_t *o,
		       uint8_t *mac, size_t *mac_len);

typedef enum dns_tsig_status {
	DNS_TSIG_VALID,	     /* MAC verified, time within the fudge */
	DNS_TSIG_UNSIGNED,   /* no TSIG record */
	DNS_TSIG_NOMAC,	     /* a TSIG error record with an empty MAC
				(RFC 8945 5.3.2: BADKEY, BADSIG replies) */
	DNS_TSIG_FORMERR,    /* the MAC size is not permitted (5.2.2.1) */
	DNS_TSIG_BADKEY,     /* key name or algorithm is not the key's */
	DNS_TSIG_BADSIG,     /* the MAC does not verify */
	DNS_TSIG_BADTIME,    /* the MAC verifies, the time is off */
	DNS_TSIG_BADTRUNC,   /* the MAC is shorter than the local policy */
	DNS_TSIG_TOO_SPARSE, /* more than 99 unsigned messages in a row */
} dns_tsig_status_t;

/* "valid", "unsigned", "no-mac", "formerr", "BADKEY", "BADSIG",
 * "BADTIME", "BADTRUNC", "too-sparse". */
const char *dns_tsig_status_name(dns_tsig_status_t s);

/* The TSIG error code a server answers a status with (RFC 8945 5.2):
 * 16, 17, 18, 22; 0 for the others. */
uint16_t dns_tsig_status_error(dns_tsig_status_t s);

typedef struct dns_tsig_result {
	dns_tsig_status_t status;
	bool present; /* a TSIG record was found (then rr is set) */
	dns_tsig_rr_t rr;
} dns_tsig_result_t;

/* Verifies a request, a response or the messages of a stream in order.
 * Holds an HMAC context between messages (the unsigned messages of a
 * stream are digested as they come): free it with dns_tsig_verifier_free.
 */
typedef struct dns_tsig_verifier {
	const dns_tsig_key_t *key;
	uint64_t now;	 /* the verifier's clock, seconds */
	bool check_time; /* false: skip the time check */
	size_t min_mac;	 /* local policy: shortest MAC accepted (0: the
			    RFC's minimum only) */
	uint8_t prior[2 + DNS_TSIG_MAC_MAX]; /* length-prefixed prior MAC */
	size_t prior_len;		     /* 0: none (a request) */
	void *ctx;			     /* EVP_MAC_CTX, or NULL */
	unsigned nmsgs;			     /* messages seen */
	unsigned run;			     /* unsigned messages in a row */
	dns_rc_t fail;			     /* a library failure, sticky */
} dns_tsig_verifier_t;

/* Start verifying with key at clock now. request_mac (may be NULL) is
 * the MAC of the request when verifying its response. */
void dns_tsig_verifier_init(dns_tsig_verifier_t *v, const dns_tsig_key_t *key,
			    const uint8_t *request_mac, size_t request_mac_len,
			    uint64_t now);

/* Verify the next message. The first message is checked with the full
 * TSIG variables, later ones (stream) with the timers only over the
 * previous MAC and the unsigned messages between. An unsigned first
 * message is DNS_TSIG_UNSIGNED; an unsigned later one is digested and
 * is DNS_TSIG_UNSIGNED, or DNS_TSIG_TOO_SPARSE past 99 in a row.
 * Returns an error code only when the message cannot be read up to its
 * TSIG record (res->status is then FORMERR) or OpenSSL fails. */
dns_rc_t dns_tsig_verify_next(dns_tsig_verifier_t *v, const uint8_t *msg,
			      size_t len, dns_tsig_result_t *res);

void dns_tsig_verifier_free(dns_tsig_verifier_t *v);

/* One message: init, next, free. */
dns_rc_t dns_tsig_verify(const uint8_t *msg, size_t len,
			 const dns_tsig_key_t *key, const uint8_t *request_mac,
			 size_t request_mac_len, uint64_t now,
			 dns_tsig_result_t *res);

#endif
