/* caps.h - what a target can do (recipe `provides:`), and what a resolver
 * suite or step, or a case of a server suite, needs of it (`requires:`).
 * A step or case whose needs the target does not provide is reported as
 * skip, with the reason, rather than failed: a forwarder is not a broken
 * iterator, a resolver not a broken authoritative server. No dependencies,
 * so that both the recipe loader and the scenario loader can use it. */
#ifndef DNSH_TARGET_CAPS_H
#define DNSH_TARGET_CAPS_H

#include <stdbool.h>
#include <stddef.h>

/* One bit per capability; the words are those of the YAML files. */
typedef enum target_cap {
	TARGET_CAP_ITERATE = 1u << 0,	    /* "iterate": resolves from the
					       root, following referrals */
	TARGET_CAP_FORWARD = 1u << 1,	    /* "forward": sends every query
					       to the upstream server */
	TARGET_CAP_CACHE = 1u << 2,	    /* "cache": answers again from
					       its cache */
	TARGET_CAP_TCP_FALLBACK = 1u << 3,  /* "tcp-fallback": asks again
					       over TCP after TC=1 */
	TARGET_CAP_VALIDATE = 1u << 4,	    /* "validate": DNSSEC validation
					       with ${trust_anchor} */
	TARGET_CAP_FAKETIME = 1u << 5,	    /* "faketime": runs under
					       libfaketime, so time_passes:
					       moves its clock */
	TARGET_CAP_SERVE_STALE = 1u << 6,   /* "serve-stale": RFC 8767 with
					       the var serve_stale: "yes" */
	TARGET_CAP_AUTHORITATIVE = 1u << 7, /* "authoritative": answers from
					       its own zones (AA, referrals,
					       transfers, NOTIFY); every
					       recipe of role authoritative,
					       no resolver by default */
} target_cap_t;

#define TARGET_CAP_COUNT 8u
#define TARGET_CAP_ALL	 ((1u << TARGET_CAP_COUNT) - 1u)

/* The word of capability bit i (0 <= i < TARGET_CAP_COUNT), else NULL. */
const char *target_cap_word(unsigned i);

/* The bit of a capability word ("iterate"), or 0 when unknown. */
unsigned target_cap_from_word(const char *word);

/* The known words, comma-separated, for error messages. */
const char *target_cap_words(void);

/* The words of the bits in mask, comma-separated, into buf (cap bytes with
 * the NUL; cut when too small); returns buf. */
const char *target_cap_list(unsigned mask, char *buf, size_t cap);

#endif
