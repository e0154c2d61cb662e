/* replay.c - run a fuzz target over its corpus without libFuzzer.
 *
 *   replay_<codec> [DIR|FILE]...
 *
 * Without arguments it runs every file of FUZZ_CORPUS_DIR and of
 * FUZZ_REPRO_DIR (both set with -D at compile time, relative to the repo
 * root, where `make test` runs); arguments replace them. Files are run in
 * name order, each from an exact-size heap copy so that ASan sees any read
 * past the end. LLVMFuzzerInitialize runs first when the target defines it.
 *
 * The last line is "N passed, 0 failed" (the test runner's format). A
 * failing oracle or a sanitizer report aborts the process, which the
 * runner counts as a failure; the name of the input being run is on
 * stderr just before. A corpus directory that is missing or holds no file
 * is a failure too, so a replay that ran nothing cannot pass. Only the
 * default repro directory may be absent (no crash was ever found).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_util.h"

#ifndef FUZZ_CORPUS_DIR
#error "compile with -DFUZZ_CORPUS_DIR='\"corpus/fuzz_<codec>\"'"
#endif
#ifndef FUZZ_REPRO_DIR
#error "compile with -DFUZZ_REPRO_DIR='\"corpus/fuzz_<codec>.repro\"'"
#endif

/* Defined by targets that need one-time setup. */
__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

#define REPLAY_MAX_LEN                                                         \
	(1u << 20) /* libFuzzer's default -max_len is far less                 \
		    */

static unsigned long passed;

static int fail(const char *what, const char *path)
{
	fprintf(stderr, "replay: %s: %s\n", path, what);
	printf("%lu passed, 1 failed\n", passed);
	return 1;
}

/* Run the target on one file. Returns 0, or 1 when it cannot be read. */
static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (f == NULL)
		return fail(strerror(errno), path);
	uint8_t *buf = malloc(REPLAY_MAX_LEN);
	if (buf == NULL) {
		fclose(f);
		return fail("out of memory", path);
	}
	size_t n = fread(buf, 1, REPLAY_MAX_LEN, f);
	int bad = ferror(f) || !feof(f);
	fclose(f);
	if (bad) {
		free(buf);
		return fail("unreadable or larger than 1 MiB", path);
	}
	/* exact-size copy: one byte past the input is outside the block */
	uint8_t *input = malloc(n > 0 ? n : 1);
	if (input == NULL) {
		free(buf);
		return fail("out of memory", path);
	}
	memcpy(input, buf, n);
	free(buf);
	fprintf(stderr, "replay: %s\n", path);
	LLVMFuzzerTestOneInput(input, n);
	free(input);
	passed++;
	return 0;
}

static int skip_entry(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* Run every regular file of dir in name order. *ran counts them. */
static int run_dir(const char *dir, unsigned long *ran)
{
	struct dirent **list;
	int n = scandir(dir, &list, skip_entry, alphasort);
	if (n < 0)
		return fail(strerror(errno), dir);
	int rc = 0;
	for (int i = 0; i < n; i++) {
		char path[4096];
		struct stat st;
		snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name);
		if (rc == 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			rc = run_file(path);
			++*ran;
		}
		free(list[i]);
	}
	free(list);
	return rc;
}

/* A directory (every file in it, at least one) or a single file. */
static int run_path(const char *path, int may_be_absent)
{
	struct stat st;
	unsigned long ran = 0;
	if (stat(path, &st) != 0) {
		if (may_be_absent && errno == ENOENT)
			return 0;
		return fail(strerror(errno), path);
	}
	if (!S_ISDIR(st.st_mode))
		return run_file(path);
	int rc = run_dir(path, &ran);
	if (rc == 0 && ran == 0 && !may_be_absent)
		return fail("no input files: a replay that runs nothing fails",
			    path);
	return rc;
}

int main(int argc, char **argv)
{
	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	int rc = 0;
	if (argc > 1) {
		for (int i = 1; i < argc && rc == 0; i++)
			rc = run_path(argv[i], 0);
	} else {
		rc = run_path(FUZZ_CORPUS_DIR, 0);
		if (rc == 0)
			rc = run_path(FUZZ_REPRO_DIR, 1);
	}
	if (rc != 0)
		return 1;
	printf("%lu passed, 0 failed\n", passed);
	return 0;
}
