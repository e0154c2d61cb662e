/* report_int.h - shared by the files of harness/report; not public. */
#ifndef DNSH_REPORT_INT_H
#define DNSH_REPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <jansson.h>

#include "dns/msg.h"
#include "report/report.h"

/* A report file written atomically: a temporary file beside path, renamed
 * over it by report_file_commit. */
typedef struct report_file {
	FILE *f;
	char *tmp;
	const char *path;
} report_file_t;

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
	FILE *f;
	bool err;
	size_t len;
	char buf[32768];
} jsonw_t;

void jsonw_init(jsonw_t *w, FILE *f);
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
/* sep (e.g. ", "), then "key": ; key is plain ASCII, written as is. */
void jsonw_key(jsonw_t *w, const char *sep, const char *key);
void jsonw_int(jsonw_t *w, int64_t v);
void jsonw_ms(jsonw_t *w, double ms); /* milliseconds, 3 decimals */
void jsonw_bool(jsonw_t *w, bool v);
void jsonw_hex(jsonw_t *w, const uint8_t *p, size_t n); /* "0a1b..." */
/* A jansson value, compact, keys in their order, ", " and ": " between
 * items (NULL: null). */
void jsonw_value(jsonw_t *w, const json_t *v);

/* Decoded message m as the object dns_msg_to_json (dns/print.h) makes,
 * written to w; false when some RDATA could not be printed (out of
 * memory: its "rdata" is null). */
bool report_msg_json(jsonw_t *w, const dns_msg_t *m);

/* Length of the valid UTF-8 sequence at s (n bytes left, n > 0), or 0. */
size_t report_utf8_len(const unsigned char *s, size_t n);

#endif
