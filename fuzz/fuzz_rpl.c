/* fuzz_rpl.c - the .rpl reader and YAML writer (scenario/rpl.h) on
 * .rpl text.
 *
 * Input: .rpl text (at most 64 KiB; longer inputs are skipped).
 *
 * Oracles:
 *  - parsing is deterministic: a second parse gives the same verdict and
 *    the same error;
 *  - an error has a line within the text (1 .. lines + 1), a column >= 1
 *    and a message;
 *  - on success the YAML is the same when written twice, every note of the
 *    model is written (the count of "not converted" comments is at least
 *    the number of notes), and the YAML loads with the scenario loader
 *    (from a file in a private directory): whatever the converter cannot
 *    carry over it names in a comment instead of writing something the
 *    loader rejects.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fuzz_tmpfile.h"
#include "fuzz_util.h"
#include "scenario/rpl.h"
#include "scenario/scenario.h"

#define MAX_INPUT (64u << 10)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_tmp_init("import.yaml");
	return 0;
}

static unsigned count_lines(const uint8_t *p, size_t n)
{
	unsigned lines = 1;
	for (size_t i = 0; i < n; i++)
		lines += p[i] == '\n';
	return lines;
}

static void check_error(const uint8_t *data, size_t size,
			const rpl_error_t *err)
{
	unsigned lines = count_lines(data, size);
	FUZZ_CHECK(err->line >= 1 && err->line <= lines + 1,
		   "error line %u, input has %u lines: %s", err->line, lines,
		   err->msg);
	FUZZ_CHECK(err->col >= 1, "error column %u: %s", err->col, err->msg);
	FUZZ_CHECK(err->msg[0] != '\0', "error without a message at %u:%u",
		   err->line, err->col);
}

static void check_loads(const char *yaml, size_t len)
{
	fuzz_tmp_write(yaml, len);
	sc_load_opts_t lo;
	memset(&lo, 0, sizeof(lo));
	lo.root = fuzz_tmp_dir;
	sc_suite_t s;
	diag_t d = {0};
	bool ok = sc_load_file(fuzz_tmp_path, &lo, &s, &d);
	if (!ok) {
		diag_print(&d, stderr);
		fuzz_dump("yaml", yaml, len);
		fprintf(stderr, "%.*s\n", (int)(len > 8000 ? 8000 : len), yaml);
	}
	sc_suite_free(&s);
	FUZZ_CHECK(ok, "the YAML written does not load (%u errors)", d.n);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT)
		return 0;
	const char *text = (const char *)data;
	rpl_model_t m, m2;
	rpl_error_t err, err2;
	bool ok = rpl_parse(text, size, &m, &err);
	bool ok2 = rpl_parse(text, size, &m2, &err2);
	FUZZ_CHECK(ok == ok2, "parsed once %d, once %d", ok, ok2);
	rpl_model_free(&m2);
	if (!ok) {
		FUZZ_CHECK(err.line == err2.line && err.col == err2.col &&
			       strcmp(err.msg, err2.msg) == 0,
			   "two errors: %u:%u %s / %u:%u %s", err.line, err.col,
			   err.msg, err2.line, err2.col, err2.msg);
		check_error(data, size, &err);
		rpl_model_free(&m);
		return 0;
	}
	rpl_emit_opts_t eo = {"fuzz", NULL, NULL};
	size_t len = 0, len2 = 0, nskip = 0, nskip2 = 0;
	char *y = rpl_emit_yaml(&m, &eo, &len, &nskip);
	char *y2 = rpl_emit_yaml(&m, &eo, &len2, &nskip2);
	FUZZ_CHECK(y != NULL && y2 != NULL, "out of memory writing YAML");
	FUZZ_CHECK(len == len2 && memcmp(y, y2, len) == 0 && nskip == nskip2,
		   "two different YAML texts (%zu, %zu bytes)", len, len2);
	FUZZ_CHECK(nskip >= m.nnotes, "%zu notes, %zu written", m.nnotes,
		   nskip);
	check_loads(y, len);
	free(y);
	free(y2);
	rpl_model_free(&m);
	return 0;
}
