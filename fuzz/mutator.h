/* mutator.h - structure-aware mutation of DNS messages, for the libFuzzer
 * targets whose input is one message (fuzz_message, fuzz_diff).
 *
 * fuzz_msg_mutate decodes the input in survey mode (so a damaged message
 * still yields the records before the damage), changes fields and records
 * -- header flags, opcode, rcode and ID; section counts; owner and query
 * names; types, classes, TTLs and RDATA; EDNS option TLVs (code, length,
 * data) and OPT fields; records deleted, copied, moved and swapped between
 * sections; OPT and TSIG records added -- and encodes the result again
 * with no, standard or forced compression. It may then damage the new wire
 * form where its layout is known: a label length, a compression pointer's
 * target (backwards, self, forward, out of range, mid-label), a new
 * pointer in place of a name, an RDLENGTH, the end of the message. Bytes
 * the decoder could not read are appended again, so damage in the input
 * survives. Inputs shorter than a header, and a quarter of all calls, get
 * plain byte mutation from the byte mutator instead (for libFuzzer,
 * LLVMFuzzerMutate, which brings the dictionary and comparison hints).
 *
 * fuzz_msg_crossover combines two inputs: records of the second inserted
 * into the first, a whole section or the question taken over, RDATA or
 * types borrowed; inputs that do not decode are spliced as bytes.
 *
 * Both are deterministic: the same input, seed and (deterministic) byte
 * mutator give the same output. They are not reentrant (static buffers).
 *
 * mutator.c also defines LLVMFuzzerCustomMutator and
 * LLVMFuzzerCustomCrossOver on top of these (byte mutation by
 * LLVMFuzzerMutate), so linking it into a target (FUZZ_SRC_<codec> in
 * fuzz.mk) switches libFuzzer to it; -DFUZZ_NO_MUTATOR_HOOKS leaves the
 * hooks out. The replay and check drivers link it but never call them.
 */
#ifndef FUZZ_MUTATOR_H
#define FUZZ_MUTATOR_H

#include <stddef.h>
#include <stdint.h>

/* Mutates data[0..size) in place, in a buffer of max bytes; returns the
 * new size (<= max). libFuzzer's LLVMFuzzerMutate has this signature. */
typedef size_t (*fuzz_byte_mutator_t)(uint8_t *data, size_t size, size_t max);

/* Mutate the message in data (size bytes, a buffer of max bytes) in place;
 * returns the new size, at most max. bytes does byte-level mutation. */
size_t fuzz_msg_mutate(uint8_t *data, size_t size, size_t max, unsigned seed,
		       fuzz_byte_mutator_t bytes);

/* Combine messages a (an bytes) and b (bn bytes) into out (max bytes);
 * returns the length written, at most max. a and b are not changed. */
size_t fuzz_msg_crossover(const uint8_t *a, size_t an, const uint8_t *b,
			  size_t bn, uint8_t *out, size_t max, unsigned seed,
			  fuzz_byte_mutator_t bytes);

/* What the last fuzz_msg_mutate/fuzz_msg_crossover call did, for the check
 * driver's statistics. */
typedef enum fuzz_mut_kind {
	FUZZ_MUT_BYTES,	    /* byte mutation or byte splice only */
	FUZZ_MUT_STRUCTURE, /* decoded, changed, re-encoded */
	FUZZ_MUT_DAMAGED,   /* the same, then the wire form damaged */
} fuzz_mut_kind_t;

fuzz_mut_kind_t fuzz_msg_last_kind(void);

#endif
