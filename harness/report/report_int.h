/* report_int.h - shared by the files of harness/report; not public. */
#ifndef DNSH_REPORT_INT_H
#define DNSH_REPORT_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

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

#endif
