/* mutate.c - the structure-aware mutator's check in `make test`: a short,
 * deterministic fuzzing session without libFuzzer.
 *
 *   mutate_<codec> [ROUNDS]
 *
 * Every file of FUZZ_CORPUS_DIR (set with -D, name order) is mutated with
 * ROUNDS seeds (default 32) by fuzz_msg_mutate, and crossed with the next
 * file by fuzz_msg_crossover; the byte mutator is a small deterministic
 * one. Each result must fit the 4096-byte limit, must come out the same
 * when the call is repeated with the same seed (determinism), and is run
 * through the target's LLVMFuzzerTestOneInput, so its oracle checks it.
 * At the end, at least a tenth of the structure-aware results must decode
 * strictly (a mutator that only produced garbage would fail).
 *
 * One test per corpus file; the last line is "N passed, 0 failed". A
 * failed oracle aborts, as in replay.c.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/arena.h"
#include "dns/msg.h"
#include "fuzz_util.h"
#include "mutator.h"

#ifndef FUZZ_CORPUS_DIR
#error "compile with -DFUZZ_CORPUS_DIR='\"corpus/fuzz_<codec>\"'"
#endif

#define MAX_LEN	  4096u
#define MAX_FILES 512u

__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

typedef struct input {
	uint8_t *p;
	size_t n;
} input_t;

static input_t inputs[MAX_FILES];
static unsigned ninputs;

/* ---- a deterministic byte mutator ------------------------------------- */

static uint64_t byte_state;

static unsigned byte_rand(unsigned n)
{
	byte_state = byte_state * 6364136223846793005u + 1442695040888963407u;
	return n > 0 ? (unsigned)((byte_state >> 33) % n) : 0;
}

static size_t byte_mutator(uint8_t *data, size_t size, size_t max)
{
	unsigned k = 1 + byte_rand(4);
	for (unsigned i = 0; i < k; i++) {
		switch (byte_rand(4)) {
		case 0: /* change a byte */
			if (size > 0)
				data[byte_rand((unsigned)size)] =
				    (uint8_t)byte_rand(256);
			break;
		case 1: /* insert a byte */
			if (size < max) {
				size_t at = byte_rand((unsigned)size + 1);
				memmove(data + at + 1, data + at, size - at);
				data[at] = (uint8_t)byte_rand(256);
				size++;
			}
			break;
		case 2: /* erase a byte */
			if (size > 1) {
				size_t at = byte_rand((unsigned)size);
				memmove(data + at, data + at + 1,
					size - at - 1);
				size--;
			}
			break;
		default: /* flip a bit */
			if (size > 0)
				data[byte_rand((unsigned)size)] ^=
				    (uint8_t)(1u << byte_rand(8));
			break;
		}
	}
	return size;
}

/* ---- corpus ----------------------------------------------------------- */

static int skip_entry(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

static void load(const char *dir)
{
	struct dirent **list;
	int n = scandir(dir, &list, skip_entry, alphasort);
	FUZZ_CHECK(n > 0, "%s: %s", dir, n < 0 ? strerror(errno) : "empty");
	for (int i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
		FILE *f = fopen(path, "rb");
		if (f != NULL && ninputs < MAX_FILES) {
			input_t *in = &inputs[ninputs++];
			in->p = malloc(MAX_LEN);
			FUZZ_CHECK(in->p != NULL, "out of memory");
			in->n = fread(in->p, 1, MAX_LEN, f);
		}
		if (f != NULL)
			fclose(f);
		free(list[i]);
	}
	free(list);
}

/* ---- the session -------------------------------------------------------- */

static unsigned long structured, decodable;
static uint8_t out[MAX_LEN], again[MAX_LEN];

static void count_result(const uint8_t *p, size_t n)
{
	static dns_arena_t arena;
	static bool init;
	static dns_msg_t m;
	if (fuzz_msg_last_kind() == FUZZ_MUT_BYTES)
		return;
	if (!init) {
		dns_arena_init(&arena, 0);
		init = true;
	}
	structured++;
	decodable +=
	    dns_msg_decode(&m, p, n, DNS_DECODE_STRICT, &arena) == DNS_OK;
	dns_arena_reset(&arena);
}

/* Run the target on an exact-size copy (ASan sees reads past the end). */
static void run(const uint8_t *p, size_t n)
{
	uint8_t *copy = malloc(n > 0 ? n : 1);
	FUZZ_CHECK(copy != NULL, "out of memory");
	memcpy(copy, p, n);
	LLVMFuzzerTestOneInput(copy, n);
	free(copy);
}

static void mutate_one(const input_t *in, unsigned seed)
{
	memcpy(out, in->p, in->n);
	byte_state = seed;
	size_t n = fuzz_msg_mutate(out, in->n, MAX_LEN, seed, byte_mutator);
	FUZZ_CHECK(n <= MAX_LEN, "mutate: %zu bytes", n);
	count_result(out, n);
	memcpy(again, in->p, in->n);
	byte_state = seed;
	size_t n2 = fuzz_msg_mutate(again, in->n, MAX_LEN, seed, byte_mutator);
	FUZZ_CHECK_BYTES("mutate, same seed", out, n, again, n2);
	run(out, n);
}

static void cross_one(const input_t *a, const input_t *b, unsigned seed)
{
	byte_state = seed;
	size_t n = fuzz_msg_crossover(a->p, a->n, b->p, b->n, out, MAX_LEN,
				      seed, byte_mutator);
	FUZZ_CHECK(n <= MAX_LEN, "crossover: %zu bytes", n);
	count_result(out, n);
	byte_state = seed;
	size_t n2 = fuzz_msg_crossover(a->p, a->n, b->p, b->n, again, MAX_LEN,
				       seed, byte_mutator);
	FUZZ_CHECK_BYTES("crossover, same seed", out, n, again, n2);
	run(out, n);
}

int main(int argc, char **argv)
{
	unsigned rounds = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 32;
	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	load(FUZZ_CORPUS_DIR);
	for (unsigned i = 0; i < ninputs; i++) {
		fprintf(stderr, "mutate: input %u of %s\n", i, FUZZ_CORPUS_DIR);
		for (unsigned s = 0; s < rounds; s++) {
			unsigned seed = i * 7919u + s;
			mutate_one(&inputs[i], seed);
			cross_one(&inputs[i], &inputs[(i + 1) % ninputs], seed);
		}
	}
	printf("mutate: %lu structure-aware results, %lu decode strictly\n",
	       structured, decodable);
	FUZZ_CHECK(rounds == 0 || decodable * 10 >= structured,
		   "only %lu of %lu structure-aware results decode", decodable,
		   structured);
	for (unsigned i = 0; i < ninputs; i++)
		free(inputs[i].p);
	printf("%u passed, 0 failed\n", ninputs);
	return 0;
}
