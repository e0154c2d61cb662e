/* fuzz_tmpfile.h - the scenario loader reads files, not memory: targets
 * that load YAML (fuzz_rpl, fuzz_scenario) write each input to one file in
 * a private directory made at start-up (mkdtemp under $TMPDIR or /tmp) and
 * removed at exit. The directory is also the loader's root, so include:
 * and zone file: paths in an input cannot reach any other file.
 */
#ifndef FUZZ_TMPFILE_H
#define FUZZ_TMPFILE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fuzz_tmp_dir[256];
static char fuzz_tmp_path[300];

static void fuzz_tmp_cleanup(void)
{
	if (fuzz_tmp_path[0])
		unlink(fuzz_tmp_path);
	if (fuzz_tmp_dir[0])
		rmdir(fuzz_tmp_dir);
}

/* Make the directory; the file will be DIR/name. Aborts on failure. */
static void fuzz_tmp_init(const char *name)
{
	const char *t = getenv("TMPDIR");
	snprintf(fuzz_tmp_dir, sizeof(fuzz_tmp_dir), "%s/dnsh-fuzz.XXXXXX",
		 t && *t ? t : "/tmp");
	if (mkdtemp(fuzz_tmp_dir) == NULL) {
		perror("fuzz: mkdtemp");
		abort();
	}
	snprintf(fuzz_tmp_path, sizeof(fuzz_tmp_path), "%s/%s", fuzz_tmp_dir,
		 name);
	atexit(fuzz_tmp_cleanup);
}

/* Replace the file's contents with n bytes at p. Aborts on failure. */
static void fuzz_tmp_write(const void *p, size_t n)
{
	FILE *f = fopen(fuzz_tmp_path, "wb");
	if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		perror("fuzz: writing the input file");
		abort();
	}
}

#endif
