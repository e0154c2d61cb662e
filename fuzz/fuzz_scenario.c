/* fuzz_scenario.c - the YAML scenario loader (scenario/scenario.h): libyaml
 * events into located nodes, variables, defaults, matrix expansion,
 * include:, queries compiled, expectations, servers:, steps:.
 *
 * Input: a scenario file (at most 64 KiB; longer inputs are skipped),
 * written to a file in a private directory that is also the scenario
 * root, so include: and file: can only reach the input itself.
 *
 * Oracles:
 *  - loading twice gives the same verdict, the same diagnostics (file,
 *    line, column, text) and, on success, the same expanded cases: names,
 *    level, transport, timeout, retries, skip, tags, and the compiled
 *    query (length, question, OPT; the bytes too unless a random cookie or
 *    a TSIG signature makes them differ from load to load);
 *  - every diagnostic of the input file lies within it: line 0 only with
 *    column 0 (a file-level error), else line 1 .. lines + 1;
 *  - a compiled query is at most 65535 bytes, and a random ID is 0000 in
 *    the bytes;
 *  - no leak (LeakSanitizer), no crash.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "dns/msg.h"
#include "fuzz_tmpfile.h"
#include "fuzz_util.h"
#include "scenario/query.h"
#include "scenario/scenario.h"

#define MAX_INPUT (64u << 10)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_tmp_init("s.yaml");
	return 0;
}

static bool load(sc_suite_t *s, diag_t *d)
{
	sc_load_opts_t lo;
	memset(&lo, 0, sizeof(lo));
	lo.root = fuzz_tmp_dir;
	memset(d, 0, sizeof(*d));
	return sc_load_file(fuzz_tmp_path, &lo, s, d);
}

static void same_diags(const diag_t *a, const diag_t *b, unsigned lines)
{
	FUZZ_CHECK(a->n == b->n && a->more == b->more, "%u / %u errors", a->n,
		   b->n);
	for (unsigned i = 0; i < a->n; i++) {
		const diag_entry_t *x = &a->e[i], *y = &b->e[i];
		FUZZ_CHECK(x->line == y->line && x->col == y->col &&
			       strcmp(x->msg, y->msg) == 0 &&
			       strcmp(x->file ? x->file : "",
				      y->file ? y->file : "") == 0,
			   "error %u differs: %u:%u %s / %u:%u %s", i, x->line,
			   x->col, x->msg, y->line, y->col, y->msg);
		if (x->file == NULL || strcmp(x->file, fuzz_tmp_path) != 0)
			continue;
		FUZZ_CHECK((x->line == 0 && x->col == 0) ||
			       (x->line >= 1 && x->line <= lines + 1),
			   "error at %u:%u, the input has %u lines: %s",
			   x->line, x->col, lines, x->msg);
	}
}

static void same_query(const sc_query_t *a, const sc_query_t *b,
		       const char *name)
{
	FUZZ_CHECK((a == NULL) == (b == NULL), "case %s: query once", name);
	if (a == NULL)
		return;
	dns_name_t an, bn;
	sc_query_qname(a, &an);
	sc_query_qname(b, &bn);
	FUZZ_CHECK(a->len == b->len && a->len <= DNS_MSG_MAXLEN,
		   "case %s: %zu / %zu bytes", name, a->len, b->len);
	FUZZ_CHECK(a->has_question == b->has_question &&
		       a->has_opt == b->has_opt &&
		       a->random_id == b->random_id &&
		       (!a->has_question ||
			(a->qtype == b->qtype && a->qclass == b->qclass &&
			 dns_name_equal(&an, &bn))),
		   "case %s: the queries differ", name);
	if (a->random_id && a->len >= 2)
		FUZZ_CHECK(a->wire[0] == 0 && a->wire[1] == 0,
			   "case %s: random ID not 0000", name);
	if (!a->has_cookie && a->tsig_key == NULL && a->len > 0)
		FUZZ_CHECK(memcmp(a->wire, b->wire, a->len) == 0,
			   "case %s: the query bytes differ", name);
}

static void same_cases(const sc_suite_t *a, const sc_suite_t *b)
{
	FUZZ_CHECK(a->ncases == b->ncases && a->nsteps == b->nsteps &&
		       a->role == b->role,
		   "%zu / %zu cases", a->ncases, b->ncases);
	for (size_t i = 0; i < a->ncases; i++) {
		const sc_case_t *x = &a->cases[i], *y = &b->cases[i];
		FUZZ_CHECK(
		    strcmp(x->name, y->name) == 0 && x->level == y->level &&
			x->transport == y->transport &&
			x->timeout_ms == y->timeout_ms &&
			x->retries == y->retries && x->ntags == y->ntags &&
			(x->skip == NULL) == (y->skip == NULL),
		    "case %zu differs: %s / %s", i, x->name, y->name);
		for (size_t t = 0; t < x->ntags; t++)
			FUZZ_CHECK(strcmp(x->tags[t], y->tags[t]) == 0,
				   "case %s: tag %zu", x->name, t);
		same_query(x->query, y->query, x->name);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > MAX_INPUT)
		return 0;
	/* libyaml breaks lines at LF, CR (CR LF is one), NEL (C2 85), LS and
	 * PS (E2 80 A8/A9): counting each of them bounds its line numbers */
	unsigned lines = 1;
	for (size_t i = 0; i < size; i++)
		lines += data[i] == '\n' || data[i] == '\r' ||
			 (data[i] == 0x85 && i > 0 && data[i - 1] == 0xc2) ||
			 ((data[i] == 0xa8 || data[i] == 0xa9) && i > 1 &&
			  data[i - 1] == 0x80 && data[i - 2] == 0xe2);
	fuzz_tmp_write(data, size);
	sc_suite_t a, b;
	diag_t da, db;
	bool ok = load(&a, &da);
	bool ok2 = load(&b, &db);
	FUZZ_CHECK(ok == ok2, "loaded once %d, once %d", ok, ok2);
	same_diags(&da, &db, lines);
	if (ok)
		same_cases(&a, &b);
	else
		FUZZ_CHECK(da.n > 0, "failed without a diagnostic");
	sc_suite_free(&a);
	sc_suite_free(&b);
	return 0;
}
