/* fuzz_util.h - what every fuzz target shares: the oracle check, a cursor
 * that takes structure from the front of the input, and hex dumps for
 * failure reports.
 *
 * An oracle that fails prints where and why on stderr and aborts, which
 * libFuzzer reports as a crash (and saves the input) and the replay driver
 * turns into a failed test. Everything here is static: each target is one
 * translation unit plus replay.c or libFuzzer.
 */
#ifndef FUZZ_UTIL_H
#define FUZZ_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/rdata.h"

/* libFuzzer's entry points, also called by replay.c. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

__attribute__((noreturn, format(printf, 4, 5))) static inline void
fuzz_fail(const char *file, int line, const char *cond, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "%s:%d: oracle failed: %s", file, line, cond);
	if (fmt != NULL) {
		fputs(": ", stderr);
		va_start(ap, fmt);
		vfprintf(stderr, fmt, ap);
		va_end(ap);
	}
	fputc('\n', stderr);
	fflush(stderr);
	abort();
}

/* Abort with a message when cond is false. The message arguments are a
 * printf format and its values. */
#define FUZZ_CHECK(cond, ...)                                                  \
	do {                                                                   \
		if (!(cond))                                                   \
			fuzz_fail(__FILE__, __LINE__, #cond, __VA_ARGS__);     \
	} while (0)

/* Print n bytes at p as hex on stderr, prefixed by what. */
static inline void fuzz_dump(const char *what, const void *p, size_t n)
{
	const uint8_t *b = p;
	fprintf(stderr, "%s (%zu bytes):", what, n);
	for (size_t i = 0; i < n && i < 512; i++)
		fprintf(stderr, "%s%02x", i % 32 ? " " : "\n  ", b[i]);
	fputs(n > 512 ? " ...\n" : "\n", stderr);
}

/* Abort unless a[0..an) and b[0..bn) are the same bytes; dump both first. */
#define FUZZ_CHECK_BYTES(what, a, an, b, bn)                                   \
	do {                                                                   \
		if ((an) != (bn) ||                                            \
		    ((an) > 0 && memcmp((a), (b), (an)) != 0)) {               \
			fuzz_dump("expected", (a), (an));                      \
			fuzz_dump("got", (b), (bn));                           \
			fuzz_fail(__FILE__, __LINE__, "bytes equal", "%s",     \
				  (what));                                     \
		}                                                              \
	} while (0)

/* Takes structure from the front of the input: reads past the end give
 * zeros, so every input is usable. */
typedef struct fuzz_in {
	const uint8_t *p;
	size_t n;
} fuzz_in_t;

static inline uint8_t fuzz_u8(fuzz_in_t *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

static inline uint16_t fuzz_u16(fuzz_in_t *in)
{
	uint16_t hi = fuzz_u8(in);
	return (uint16_t)(hi << 8 | fuzz_u8(in));
}

/* The next n bytes (fewer when the input runs out); *got receives how many. */
static inline const uint8_t *fuzz_take(fuzz_in_t *in, size_t n, size_t *got)
{
	const uint8_t *p = in->p;
	if (n > in->n)
		n = in->n;
	in->p += n;
	in->n -= n;
	*got = n;
	return p;
}

/* Equal as ASCII text ignoring case. */
static inline bool fuzz_case_equal(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char x = a[i], y = b[i];
		if (x >= 'A' && x <= 'Z')
			x = (char)(x + 32);
		if (y >= 'A' && y <= 'Z')
			y = (char)(y + 32);
		if (x != y)
			return false;
	}
	return true;
}

/* A record type chosen by a 16-bit selector: with the top bit set, a row
 * of the type table (so every known type is as likely as any other);
 * otherwise the raw number 0..32767 (unknown and unassigned types). */
static inline uint16_t fuzz_pick_type(uint16_t sel)
{
	size_t n;
	const dns_type_info_t *rows = dns_type_table(&n);
	if ((sel & 0x8000u) != 0 && n > 0)
		return rows[(sel & 0x7fffu) % n].code;
	return sel;
}

/* A selector fuzz_pick_type maps to type, for seed generators: the raw
 * number when it fits in 15 bits (stable when the table grows), else the
 * type's table row. */
static inline uint16_t fuzz_type_selector(uint16_t type)
{
	size_t n;
	const dns_type_info_t *rows = dns_type_table(&n);
	if (type < 0x8000u)
		return type;
	for (size_t i = 0; i < n; i++)
		if (rows[i].code == type)
			return (uint16_t)(0x8000u | i);
	return (uint16_t)(type & 0x7fffu);
}

#endif
