/* report_int.h - shared by the files of harness/report; not public. */
#ifndef DNSH_REPORT_INT_H
#define DNSH_REPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "dns/arena.h"
#include "dns/msg.h"
#include "report/report.h"

/* A report file written atomically: a temporary file beside path, renamed
 * over it by report_file_commit. */
typedef struct report_file {
	FILE *f;
	char *tmp;
	const char *path;
} report_file_t;

/* Write all n bytes at b to fd, again after EINTR or a short write;
 * false on an error (errno says which). */
bool report_write_all(int fd, const void *b, size_t n);

/* Open the temporary file; false with a sentence in err. */
bool report_file_open(report_file_t *rf, const char *path, char *err,
		      size_t errlen);

/* Close it and, when ok and every write succeeded, rename it into place;
 * otherwise remove it. false with a sentence in err (when ok was false,
 * err is left as the caller set it). */
bool report_file_commit(report_file_t *rf, bool ok, char *err, size_t errlen);

/* The suite name of a result ("?" when it has none). */
const char *report_case_suite(const sc_result_t *r);

/* A message decoded in survey mode and printed dig-style, then one line
 * per violation ("!! offset N: text (code)"); a heap string to free with
 * free(), or NULL when out of memory. */
char *report_wire_text(const uint8_t *p, size_t n);

/* The name of a run's target for humans: the recipe name, else the
 * address as given, else "target". */
const char *report_target_name(const sc_run_t *run);

/* JSON text (jsonw.c): written through a buffer to f. Strings are
 * escaped as RFC 8259 says and any byte string gives valid JSON (bytes
 * that are not UTF-8 become U+FFFD); err is set when a write failed. */
typedef struct jsonw {
	FILE *f;   /* NULL: the text collects in mem */
	char *mem; /* heap, mem_len of mem_cap bytes used */
	size_t mem_len, mem_cap;
	bool err;
	size_t len;
	char buf[32768];
} jsonw_t;

void jsonw_init(jsonw_t *w, FILE *f);
/* A writer into memory: after jsonw_flush, w->mem holds w->mem_len
 * bytes of text (free it with free; NULL when nothing was written). */
void jsonw_init_mem(jsonw_t *w);
void jsonw_flush(jsonw_t *w);			     /* call before fclose */
void jsonw_put(jsonw_t *w, const char *s, size_t n); /* slow path */
/* n bytes as they are. */
static inline void jsonw_raw(jsonw_t *w, const char *s, size_t n)
{
	if (n <= sizeof(w->buf) - w->len) {
		memcpy(w->buf + w->len, s, n);
		w->len += n;
	} else {
		jsonw_put(w, s, n);
	}
}
void jsonw_lit(jsonw_t *w, const char *s);	     /* as it is */
void jsonw_str(jsonw_t *w, const char *s, size_t n); /* a string */
void jsonw_cstr(jsonw_t *w, const char *s);	     /* a string, or null */
/* A name from the program's own tables (a verdict, a type mnemonic, an
 * rcode...): printable ASCII without '"' or '\\', so it is quoted as it
 * is, without a scan (test_report.c checks the tables it is used for). */
void jsonw_ident(jsonw_t *w, const char *s);
/* The string s (n bytes) as jsonw_str writes it, quotes included, into o
 * (cap bytes); returns its length, or 0 when it may not fit. */
size_t jsonw_str_mem(char *o, size_t cap, const char *s, size_t n);
/* sep (e.g. ", "), then "key": ; key is plain ASCII, written as is. */
void jsonw_key(jsonw_t *w, const char *sep, const char *key);
/* The same with sep and key string literals: one copy of text put
 * together by the compiler (report.json writes ~120 keys per case). */
#define JSONW_KEY(w, sep, key)                                                 \
	jsonw_raw((w), sep "\"" key "\": ", sizeof(sep "\"" key "\": ") - 1)
void jsonw_int(jsonw_t *w, int64_t v);
void jsonw_ms(jsonw_t *w, double ms); /* milliseconds, 3 decimals */
void jsonw_bool(jsonw_t *w, bool v);
void jsonw_hex(jsonw_t *w, const uint8_t *p, size_t n); /* "0a1b..." */
/* A jansson value, compact, keys in their order, ", " and ": " between
 * items (NULL: null). */
void jsonw_value(jsonw_t *w, const json_t *v);

/* RDATA already printed as JSON strings, by type and bytes: a zone's SOA
 * comes back in every negative answer, and its text costs far more than
 * a look-up (msgjson.c). Zero-initialised it is empty. */
#define RDCACHE_SLOTS	  16u
#define RDCACHE_RDATA_MAX 128u /* longer RDATA is printed every time */
#define RDCACHE_TEXT_MAX  256u /* the JSON string with its quotes */
/* The same for the members of a message that depend on a few numbers
 * only: the header after its id (flags, rcode, counts), a question's
 * after its name (type, class) and an RR's between its TTL and its RDATA
 * (class, type). */
#define TEXTCACHE_SLOTS	   4u
#define TEXTCACHE_KEY	   6u
#define TEXTCACHE_TEXT_MAX 256u
typedef struct report_rdcache {
	struct rdcache_slot {
		uint16_t type, rdlen, textlen; /* textlen 0: an empty slot */
		uint8_t rdata[RDCACHE_RDATA_MAX];
		char text[RDCACHE_TEXT_MAX];
	} slot[RDCACHE_SLOTS];
	struct textcache_slot {
		uint16_t key[TEXTCACHE_KEY]; /* the numbers the text shows */
		uint16_t len;		     /* 0: an empty slot */
		char text[TEXTCACHE_TEXT_MAX];
	} text[3][TEXTCACHE_SLOTS]; /* header, question, RR */
} report_rdcache_t;

/* report.json is written with jsonw (jsonw.c): the top-level members one
 * per line, indented one space, and each case on a line of its own (so
 * `grep -c '"verdict"'` counts cases); decoded messages by msgjson.c. */
typedef struct jrep {
	jsonw_t w;
	report_rdcache_t rdcache; /* for w's messages, zeroed with j */
	dns_arena_t arena;	 /* a message being decoded; reset after each */
	report_stream_t *stream; /* the cases already rendered, or NULL */
} jrep_t;

/* Cases from..to-1 of run as report.json's "cases" has them, each on a
 * line of its own after ",\n" (or "\n" for the first) and depth+1
 * spaces (depth <= 8). */
void report_case_lines(jrep_t *j, const sc_run_t *run, size_t from, size_t to,
		       size_t depth);
/* The same, the second half of each block of cases rendered by a thread
 * of its own meanwhile (see report.c): for cases that wait to be
 * written. */
void report_case_lines_halves(jrep_t *j, const sc_run_t *run, size_t from,
			      size_t to, size_t depth);

/* The cases of a stream (stream.c) when it holds all of run's, rendered
 * as report_case_lines(0, nresults, depth) would: copied to w, once the
 * thread is done (it waits); else false and nothing written. */
bool report_stream_copy(report_stream_t *s, const sc_run_t *run, size_t depth,
			jsonw_t *w);

/* A one-target report.json up to its first case line: the members known
 * once the run has started, then "cases": [ (the stream's file begins
 * with them). */
void report_head_json(jsonw_t *w, const sc_run_t *run);

/* The stream's file, when it holds head (hlen bytes: what
 * report_head_json writes for run now) and then every case line of run
 * as report_stream_copy would copy them: the FILE, positioned at its end, into
 * *f and its path (heap) into *path, both the caller's from now on
 * (report_file_commit closes, renames and frees them). Waits for the
 * thread. false when it does not, and nothing changes. */
bool report_stream_take(report_stream_t *s, const sc_run_t *run,
			const char *head, size_t hlen, FILE **f, char **path);

/* Decoded message m as the object dns_msg_to_json (dns/print.h) makes,
 * written to w; false when some RDATA could not be printed (out of
 * memory: its "rdata" is null). cache (or NULL) keeps RDATA texts from
 * one call to the next. */
bool report_msg_json(jsonw_t *w, const dns_msg_t *m, report_rdcache_t *cache);

/* Length of the valid UTF-8 sequence at s (n bytes left, n > 0), or 0. */
size_t report_utf8_len(const unsigned char *s, size_t n);

#endif
