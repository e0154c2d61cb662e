/* report.c - report.json (streamed case by case), junit.xml, TAP, the
 * terminal summary, and the helpers the report writers share. */
#include "report/report.h"

#include <errno.h>
#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "dns/base.h"
#include "dns/msg.h"
#include "dns/print.h"
#include "report/report_int.h"
#include "report/textw.h"
#include "scenario/query.h"

/* ---- shared ------------------------------------------------------------ */

static const char *const net_names[] = {"answered", "timeout", "closed",
					"reset", "error"};

typedef struct tally {
	size_t n[4]; /* by verdict */
} tally_t;

const char *report_case_suite(const sc_result_t *r)
{
	return r->suite && r->suite->name ? r->suite->name : "?";
}

const char *report_target_name(const sc_run_t *run)
{
	if (run->program != NULL)
		return run->program;
	return run->target != NULL ? run->target : "target";
}

/* The process's umask, read once: reading it means setting it, which
 * would race with the other report writers (they run on threads). */
static mode_t umask_value;
static pthread_once_t umask_once = PTHREAD_ONCE_INIT;

static void read_umask(void)
{
	umask_value = umask(0);
	umask(umask_value);
}

static mode_t process_umask(void)
{
	pthread_once(&umask_once, read_umask);
	return umask_value;
}

bool report_write_all(int fd, const void *b, size_t n)
{
	const unsigned char *p = b;
	while (n > 0) {
		ssize_t k = write(fd, p, n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return false;
		p += k;
		n -= (size_t)k;
	}
	return true;
}

bool report_file_open(report_file_t *rf, const char *path, char *err,
		      size_t errlen)
{
	size_t plen = strlen(path);
	memset(rf, 0, sizeof(*rf));
	rf->path = path;
	rf->tmp = malloc(plen + 16);
	if (rf->tmp == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	memcpy(rf->tmp, path, plen);
	memcpy(rf->tmp + plen, ".tmp.XXXXXX", 12);
	int fd = mkstemp(rf->tmp);
	if (fd >= 0) /* mkstemp makes it 0600: give it the usual mode */
		fchmod(fd, 0666 & ~process_umask());
	rf->f = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (rf->f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(rf->tmp);
		}
		free(rf->tmp);
		rf->tmp = NULL;
		return false;
	}
	return true;
}

bool report_file_commit(report_file_t *rf, bool ok, char *err, size_t errlen)
{
	bool wrote = !ferror(rf->f);
	int e = errno;
	if (fclose(rf->f) != 0 && wrote) {
		wrote = false;
		e = errno;
	}
	if (ok && wrote && rename(rf->tmp, rf->path) != 0) {
		wrote = false;
		e = errno;
	}
	if (ok && !wrote)
		snprintf(err, errlen, "%s: %s", rf->path, strerror(e));
	if (!ok || !wrote)
		unlink(rf->tmp);
	free(rf->tmp);
	memset(rf, 0, sizeof(*rf));
	return ok && wrote;
}

char *report_wire_text(const uint8_t *p, size_t n)
{
	dns_arena_t arena;
	dns_msg_t m;
	dns_arena_init(&arena, 0);
	dns_msg_decode(&m, p, n, DNS_DECODE_SURVEY, &arena);
	char *text =
	    m.wire_len >= DNS_HEADER_LEN ? dns_msg_to_text_alloc(&m) : NULL;
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	if (f != NULL) {
		if (text != NULL)
			fputs(text, f);
		else
			fprintf(f, ";; %zu bytes: too short for a DNS header\n",
				n);
		for (unsigned i = 0; i < m.nviol; i++)
			fprintf(f, "!! offset %zu: %s (%s)\n", m.viol[i].offset,
				dns_rc_text(m.viol[i].code),
				dns_rc_name(m.viol[i].code));
		if (fclose(f) != 0) {
			free(out);
			out = NULL;
		}
	}
	dns_mem_free(text);
	dns_arena_free(&arena);
	return out;
}

static void tally_add(tally_t *t, sc_verdict_kind_t v)
{
	if ((unsigned)v < 4)
		t->n[v]++;
}

/* ---- JSON -------------------------------------------------------------- */

/* A message as {"hex": ..., "size": N, "decoded": {...}|null,
 * "violations": [...]} */
static void wire_json(jrep_t *j, const uint8_t *p, size_t n)
{
	jsonw_t *w = &j->w;
	dns_msg_t m;
	dns_msg_decode(&m, p, n, DNS_DECODE_SURVEY, &j->arena);
	JSONW_KEY(w, "{", "hex");
	jsonw_hex(w, p, n);
	JSONW_KEY(w, ", ", "size");
	jsonw_int(w, (int64_t)n);
	JSONW_KEY(w, ", ", "decoded");
	if (m.wire_len >= DNS_HEADER_LEN)
		report_msg_json(w, &m, &j->rdcache);
	else
		jsonw_raw(w, "null", 4);
	if (m.nviol == 0) { /* most messages: no violation, one constant */
		static const char none[] = ", \"violations\": []}";
		jsonw_raw(w, none, sizeof(none) - 1);
		dns_arena_reset(&j->arena);
		return;
	}
	JSONW_KEY(w, ", ", "violations");
	jsonw_raw(w, "[", 1);
	for (unsigned i = 0; i < m.nviol; i++) {
		const dns_violation_t *v = &m.viol[i];
		jsonw_key(w, i ? ", {" : "{", "code");
		jsonw_cstr(w, dns_rc_name(v->code));
		JSONW_KEY(w, ", ", "offset");
		jsonw_int(w, (int64_t)v->offset);
		JSONW_KEY(w, ", ", "section");
		jsonw_cstr(w, dns_section_name((dns_section_t)v->section));
		JSONW_KEY(w, ", ", "index");
		jsonw_int(w, (int64_t)v->index);
		JSONW_KEY(w, ", ", "text");
		jsonw_cstr(w, dns_rc_text(v->code));
		jsonw_raw(w, "}", 1);
	}
	jsonw_raw(w, "]}", 2);
	dns_arena_reset(&j->arena);
}

static void reasons_json(jsonw_t *w, const sc_verdict_t *v)
{
	jsonw_raw(w, "[", 1);
	for (size_t i = 0; i < v->nreasons; i++) {
		const sc_reason_t *r = &v->reasons[i];
		jsonw_key(w, i ? ", {" : "{", "check");
		jsonw_cstr(w, r->check ? r->check : "");
		JSONW_KEY(w, ", ", "expected");
		jsonw_cstr(w, r->expected ? r->expected : "");
		JSONW_KEY(w, ", ", "got");
		jsonw_cstr(w, r->got ? r->got : "");
		jsonw_raw(w, "}", 1);
	}
	jsonw_raw(w, "]", 1);
}

/* A case against the expectations file. */
static void case_exp_json(jsonw_t *w, const sc_result_t *r)
{
	bool listed = r->exp_reason != NULL;
	JSONW_KEY(w, "{", "status");
	jsonw_cstr(w, sc_exp_status_name(r->exp));
	JSONW_KEY(w, ", ", "listed");
	jsonw_cstr(w, listed ? sc_verdict_name(r->exp_verdict) : NULL);
	JSONW_KEY(w, ", ", "reason");
	jsonw_cstr(w, r->exp_reason);
	jsonw_raw(w, "}", 1);
}

/* A client step's program: {"command", "status", "exit", "signal",
 * "timed_out", "stdout", "stdout_bytes", "stdout_truncated", and the same
 * for stderr}. */
static void client_json(jsonw_t *w, const sc_client_obs_t *c)
{
	JSONW_KEY(w, "{", "command");
	jsonw_cstr(w, c->command);
	JSONW_KEY(w, ", ", "status");
	jsonw_cstr(w, c->status);
	JSONW_KEY(w, ", ", "started");
	jsonw_bool(w, c->started);
	JSONW_KEY(w, ", ", "exit");
	jsonw_int(w, c->exit_code);
	JSONW_KEY(w, ", ", "signal");
	jsonw_int(w, c->signal);
	JSONW_KEY(w, ", ", "timed_out");
	jsonw_bool(w, c->timed_out);
	JSONW_KEY(w, ", ", "stdout");
	jsonw_cstr(w, c->out);
	JSONW_KEY(w, ", ", "stdout_bytes");
	jsonw_int(w, (int64_t)c->out_bytes);
	JSONW_KEY(w, ", ", "stdout_truncated");
	jsonw_bool(w, c->out_cut);
	JSONW_KEY(w, ", ", "stderr");
	jsonw_cstr(w, c->err);
	JSONW_KEY(w, ", ", "stderr_bytes");
	jsonw_int(w, (int64_t)c->err_bytes);
	JSONW_KEY(w, ", ", "stderr_truncated");
	jsonw_bool(w, c->err_cut);
	jsonw_raw(w, "}", 1);
}

/* A resolver step's upstream queries: {"count": N, "queries": [lines]}. */
static void upstream_json(jsonw_t *w, const sc_result_t *r)
{
	JSONW_KEY(w, "{", "count");
	jsonw_int(w, (int64_t)r->upstream_count);
	JSONW_KEY(w, ", ", "queries");
	jsonw_raw(w, "[", 1);
	for (const char *p = r->upstream_log; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		jsonw_raw(w, p == r->upstream_log ? "" : ", ",
			  p == r->upstream_log ? 0 : 2);
		jsonw_str(w, p, n);
		p += n + (nl != NULL);
	}
	jsonw_raw(w, "]}", 2);
}

/* The members of a case that describe it (not its outcome). */
static void case_head_json(jsonw_t *w, const sc_result_t *r)
{
	const sc_case_t *c = r->c;
	JSONW_KEY(w, "{", "suite");
	jsonw_cstr(w, report_case_suite(r));
	JSONW_KEY(w, ", ", "file");
	jsonw_cstr(w, r->suite ? r->suite->file : NULL);
	JSONW_KEY(w, ", ", "name");
	jsonw_cstr(w, c->name);
	if (c->rfc != NULL) {
		JSONW_KEY(w, ", ", "rfc");
		jsonw_cstr(w, c->rfc);
	}
	JSONW_KEY(w, ", ", "level");
	jsonw_ident(w, sc_level_name(c->level));
	JSONW_KEY(w, ", ", "tags");
	jsonw_raw(w, "[", 1);
	for (size_t i = 0; i < c->ntags; i++) {
		jsonw_raw(w, i ? ", " : "", i ? 2 : 0);
		jsonw_cstr(w, c->tags[i]);
	}
	jsonw_raw(w, "]", 1);
}

/* tcp: {hold:}: what the server did with the held connection. */
static void hold_json(jsonw_t *w, const sc_hold_obs_t *h)
{
	JSONW_KEY(w, ", ", "hold");
	JSONW_KEY(w, "{", "asked_ms");
	jsonw_int(w, (int64_t)h->asked_ms);
	JSONW_KEY(w, ", ", "state");
	jsonw_cstr(w, sc_hold_name(h->state));
	JSONW_KEY(w, ", ", "after_ms");
	jsonw_ms(w, h->after_ms);
	JSONW_KEY(w, ", ", "unsolicited_bytes");
	jsonw_int(w, (int64_t)h->bytes);
	if (h->bytes > 0) {
		JSONW_KEY(w, ", ", "first_byte_ms");
		jsonw_ms(w, h->first_byte_ms);
	}
	if (h->reuse_asked) {
		JSONW_KEY(w, ", ", "reuse");
		jsonw_cstr(w, !h->reuse_tried	       ? "not sent"
			      : (unsigned)h->reuse < 5 ? net_names[h->reuse]
						       : "?");
	}
	if (h->reuse_tried && h->reuse == SC_NET_ANSWERED) {
		JSONW_KEY(w, ", ", "reuse_rtt_ms");
		jsonw_ms(w, h->reuse_rtt_ms);
	}
	jsonw_raw(w, "}", 1);
}

static void result_json(jrep_t *j, const sc_run_t *run, const sc_result_t *r)
{
	jsonw_t *w = &j->w;
	case_head_json(w, r);
	JSONW_KEY(w, ", ", "transport");
	jsonw_ident(w, sc_transport_name(r->obs.transport));
	JSONW_KEY(w, ", ", "verdict");
	jsonw_ident(w, sc_verdict_name(r->verdict.kind));
	JSONW_KEY(w, ", ", "reasons");
	reasons_json(w, &r->verdict);
	JSONW_KEY(w, ", ", "elapsed_ms");
	jsonw_ms(w, r->elapsed_ms);
	JSONW_KEY(w, ", ", "rtt_ms");
	jsonw_ms(w, r->obs.rtt_ms);
	JSONW_KEY(w, ", ", "net");
	jsonw_ident(w, (unsigned)r->obs.status < 5 ? net_names[r->obs.status]
						   : "?");
	if (r->obs.net_detail != NULL) {
		JSONW_KEY(w, ", ", "net_detail");
		jsonw_cstr(w, r->obs.net_detail);
	}
	JSONW_KEY(w, ", ", "ignored");
	jsonw_int(w, (int64_t)r->obs.ignored);
	JSONW_KEY(w, ", ", "query");
	if (r->obs.query != NULL)
		wire_json(j, r->obs.query, r->obs.qlen);
	else
		jsonw_raw(w, "null", 4);
	JSONW_KEY(w, ", ", "responses");
	jsonw_raw(w, "[", 1);
	for (size_t i = 0; i < r->obs.nmsgs; i++) {
		jsonw_raw(w, i ? ", " : "", i ? 2 : 0);
		wire_json(j, r->obs.msgs[i], r->obs.lens[i]);
	}
	jsonw_raw(w, "]", 1);
	if (r->obs.alive_probed) {
		JSONW_KEY(w, ", ", "alive");
		jsonw_bool(w, r->obs.alive);
	}
	if (r->obs.hold != NULL)
		hold_json(w, r->obs.hold);
	if (run->expected_file != NULL) {
		JSONW_KEY(w, ", ", "expected");
		case_exp_json(w, r);
	}
	if (run->died_during == r) {
		JSONW_KEY(w, ", ", "target_died");
		jsonw_cstr(w, run->target_died);
	}
	if (r->upstream_log != NULL) {
		JSONW_KEY(w, ", ", "upstream");
		upstream_json(w, r);
	}
	if (r->client != NULL) {
		JSONW_KEY(w, ", ", "client");
		client_json(w, r->client);
	}
	jsonw_raw(w, "}", 1);
}

static void tally_json(jsonw_t *w, const tally_t *t)
{
	static const char *const names[] = {"pass", "fail", "error", "skip"};
	for (int v = 0; v < 4; v++) {
		jsonw_key(w, v ? ", " : "{", names[v]);
		jsonw_int(w, (int64_t)t->n[v]);
	}
}

static void summary_json(jsonw_t *w, const sc_run_t *runs, size_t n)
{
	tally_t all = {{0}}, lv[3] = {{{0}}};
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < runs[k].nresults; i++) {
			const sc_result_t *r = &runs[k].results[i];
			tally_add(&all, r->verdict.kind);
			tally_add(&lv[r->c->level], r->verdict.kind);
		}
	tally_json(w, &all);
	JSONW_KEY(w, ", ", "by_level");
	for (int l = 0; l < 3; l++) {
		jsonw_key(w, l ? ", " : "{", sc_level_name((sc_level_t)l));
		tally_json(w, &lv[l]);
		jsonw_raw(w, "}", 1);
	}
	jsonw_raw(w, "}}", 2);
}

static void case_ref_json(jsonw_t *w, const sc_result_t *r)
{
	JSONW_KEY(w, "{", "suite");
	jsonw_cstr(w, report_case_suite(r));
	JSONW_KEY(w, ", ", "name");
	jsonw_cstr(w, r->c->name);
}

/* {"status": how, "during": {"suite","name"}|null}, or null. */
static void died_json(jsonw_t *w, const sc_run_t *run)
{
	if (run->target_died == NULL) {
		jsonw_raw(w, "null", 4);
		return;
	}
	JSONW_KEY(w, "{", "status");
	jsonw_cstr(w, run->target_died);
	JSONW_KEY(w, ", ", "during");
	if (run->died_during != NULL) {
		case_ref_json(w, run->died_during);
		jsonw_raw(w, "}", 1);
	} else {
		jsonw_raw(w, "null", 4);
	}
	jsonw_raw(w, "}", 1);
}

/* The cases of run with expectations status st, as a list. */
static void exp_list_json(jsonw_t *w, const sc_run_t *run, sc_exp_status_t st)
{
	bool first = true;
	jsonw_raw(w, "[", 1);
	for (size_t i = 0; i < run->nresults; i++) {
		const sc_result_t *r = &run->results[i];
		if (r->exp != st)
			continue;
		jsonw_raw(w, first ? "" : ", ", first ? 0 : 2);
		first = false;
		case_ref_json(w, r);
		JSONW_KEY(w, ", ", "verdict");
		jsonw_cstr(w, sc_verdict_name(r->verdict.kind));
		JSONW_KEY(w, ", ", "listed");
		jsonw_cstr(w, r->exp_reason ? sc_verdict_name(r->exp_verdict)
					    : NULL);
		JSONW_KEY(w, ", ", "reason");
		jsonw_cstr(w, r->exp_reason);
		jsonw_raw(w, "}", 1);
	}
	jsonw_raw(w, "]", 1);
}

/* The comparison with the expectations file, or null. */
static void expected_json(jsonw_t *w, const sc_run_t *run)
{
	if (run->expected_file == NULL) {
		jsonw_raw(w, "null", 4);
		return;
	}
	size_t counts[4];
	report_exp_counts(run, counts);
	JSONW_KEY(w, "{", "file");
	jsonw_cstr(w, run->expected_file);
	JSONW_KEY(w, ", ", "matches");
	jsonw_bool(w, counts[SC_EXP_NEW_FAIL] + counts[SC_EXP_NEW_PASS] == 0);
	JSONW_KEY(w, ", ", "deviations");
	jsonw_int(w, (int64_t)counts[SC_EXP_DEVIATION]);
	JSONW_KEY(w, ", ", "new_failures_count");
	jsonw_int(w, (int64_t)counts[SC_EXP_NEW_FAIL]);
	JSONW_KEY(w, ", ", "new_passes_count");
	jsonw_int(w, (int64_t)counts[SC_EXP_NEW_PASS]);
	JSONW_KEY(w, ", ", "new_failures");
	exp_list_json(w, run, SC_EXP_NEW_FAIL);
	JSONW_KEY(w, ", ", "new_passes");
	exp_list_json(w, run, SC_EXP_NEW_PASS);
	JSONW_KEY(w, ", ", "expected_deviations");
	exp_list_json(w, run, SC_EXP_DEVIATION);
	jsonw_raw(w, "}", 1);
}

static void iso_time(double unix_s, char *buf, size_t cap)
{
	time_t t = (time_t)unix_s;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ",\n" and depth spaces (the first member of an object: "\n"). */
static void member(jsonw_t *w, bool *first, int depth, const char *key)
{
	static const char pad[] = "        ";
	jsonw_raw(w, *first ? "\n" : ",\n", *first ? 1 : 2);
	jsonw_raw(w, pad, (size_t)depth < sizeof(pad) ? (size_t)depth : 8);
	jsonw_key(w, "", key);
	*first = false;
}

void report_case_lines(jrep_t *j, const sc_run_t *run, size_t from, size_t to,
		       size_t depth)
{
	static const char pad[] = "         ";
	for (size_t i = from; i < to; i++) {
		jsonw_raw(&j->w, i ? ",\n" : "\n", i ? 2 : 1);
		jsonw_raw(&j->w, pad, depth + 1);
		result_json(j, run, &run->results[i]);
	}
}

/* Rendering cases is most of the cost of report.json: a helper thread
 * renders the second half of each block of 2 * CASES_HALF into memory
 * while the caller writes the first half, then the caller appends it;
 * the text is the same, memory stays bounded. Everything read is the
 * finished run; each side has its own writer and arena. */
#define CASES_HALF 512u

typedef struct cases_part {
	jrep_t j; /* j.w writes into memory */
	const sc_run_t *run;
	size_t from, to, depth;
	pthread_t tid;
} cases_part_t;

static void *part_main(void *arg)
{
	cases_part_t *p = arg;
	report_case_lines(&p->j, p->run, p->from, p->to, p->depth);
	jsonw_flush(&p->j.w);
	return NULL;
}

/* Start the helper on cases from..to-1; false when it cannot run. The
 * memory of the writer is kept from one block to the next. */
static bool part_start(cases_part_t *p, size_t from, size_t to)
{
	p->j.w.mem_len = 0;
	p->from = from;
	p->to = to;
	return pthread_create(&p->tid, NULL, part_main, p) == 0;
}

/* Wait for the helper and append what it rendered to w. */
static void part_join(cases_part_t *p, jsonw_t *w)
{
	pthread_join(p->tid, NULL);
	if (p->j.w.err)
		w->err = true;
	else
		jsonw_put(w, p->j.w.mem, p->j.w.mem_len);
}

void report_case_lines_halves(jrep_t *j, const sc_run_t *run, size_t from,
			      size_t to, size_t depth)
{
	cases_part_t *p = to - from > CASES_HALF ? malloc(sizeof(*p)) : NULL;
	if (p != NULL) {
		p->run = run;
		p->depth = depth;
		jsonw_init_mem(&p->j.w);
		dns_arena_init(&p->j.arena, 0);
		memset(&p->j.rdcache, 0, sizeof(p->j.rdcache));
	}
	for (size_t i = from; i < to; i += 2 * CASES_HALF) {
		size_t mid = to - i > CASES_HALF ? i + CASES_HALF : to;
		size_t end = to - mid > CASES_HALF ? mid + CASES_HALF : to;
		bool helped = p != NULL && mid < end && part_start(p, mid, end);
		report_case_lines(j, run, i, helped ? mid : end, depth);
		if (helped)
			part_join(p, &j->w);
	}
	if (p != NULL) {
		dns_arena_free(&p->j.arena);
		free(p->j.w.mem);
		free(p);
	}
}

/* The case lines of run at depth d (<= 8): copied from the stream when it
 * holds them, else rendered. */
static void case_lines_json(jrep_t *j, const sc_run_t *run, size_t d)
{
	if (j->stream == NULL || !report_stream_copy(j->stream, run, d, &j->w))
		report_case_lines_halves(j, run, 0, run->nresults, d);
}

/* The end of a "cases" array whose lines are at depth d. */
static void cases_close(jsonw_t *w, const sc_run_t *run, size_t d)
{
	static const char pad[] = "         ";
	if (run->nresults > 0) {
		jsonw_raw(w, "\n", 1);
		jsonw_raw(w, pad, d);
	}
	jsonw_raw(w, "]", 1);
}

static void cases_json(jrep_t *j, const sc_run_t *run, bool *first, int depth)
{
	size_t d = (size_t)depth < 8 ? (size_t)depth : 8;
	member(&j->w, first, depth, "cases");
	jsonw_raw(&j->w, "[", 1);
	case_lines_json(j, run, d);
	cases_close(&j->w, run, d);
}

/* An element of a several-target report's "targets": the members that
 * belong to one target. */
static void target_json(jrep_t *j, const sc_run_t *run, bool *first, int depth)
{
	jsonw_t *w = &j->w;
	char started[32];
	iso_time(run->started_unix, started, sizeof(started));
	member(w, first, depth, "target");
	jsonw_cstr(w, run->target);
	member(w, first, depth, "program");
	jsonw_cstr(w, run->program);
	member(w, first, depth, "started");
	jsonw_cstr(w, started);
	member(w, first, depth, "elapsed_ms");
	jsonw_ms(w, run->elapsed_ms);
	member(w, first, depth, "interrupted");
	jsonw_bool(w, run->interrupted);
	member(w, first, depth, "summary");
	summary_json(w, run, 1);
	member(w, first, depth, "target_died");
	died_json(w, run);
	member(w, first, depth, "expected");
	expected_json(w, run);
	cases_json(j, run, first, depth);
	member(w, first, depth, "target_log");
	jsonw_cstr(w, run->target_log);
}

/* The document's opening and its first members, as every report.json
 * begins. */
static void document_open(jsonw_t *w, bool *first, const char *run_id)
{
	jsonw_raw(w, "{", 1);
	member(w, first, 1, "dnsharness");
	jsonw_cstr(w, DNSHARNESS_VERSION);
	member(w, first, 1, "format");
	jsonw_int(w, 1);
	member(w, first, 1, "run_id");
	jsonw_cstr(w, run_id);
}

void report_head_json(jsonw_t *w, const sc_run_t *run)
{
	char started[32];
	bool first = true;
	iso_time(run->started_unix, started, sizeof(started));
	document_open(w, &first, run->run_id);
	member(w, &first, 1, "target");
	jsonw_cstr(w, run->target);
	member(w, &first, 1, "started");
	jsonw_cstr(w, started);
	member(w, &first, 1, "cases");
	jsonw_raw(w, "[", 1);
}

/* A one-target report.json after its case lines: the members known once
 * the run is over. */
static void tail_json(jsonw_t *w, const sc_run_t *run)
{
	bool first = false;
	cases_close(w, run, 1);
	member(w, &first, 1, "elapsed_ms");
	jsonw_ms(w, run->elapsed_ms);
	member(w, &first, 1, "interrupted");
	jsonw_bool(w, run->interrupted);
	member(w, &first, 1, "summary");
	summary_json(w, run, 1);
	member(w, &first, 1, "program");
	jsonw_cstr(w, run->program);
	member(w, &first, 1, "target_died");
	died_json(w, run);
	member(w, &first, 1, "expected");
	expected_json(w, run);
	member(w, &first, 1, "target_log");
	jsonw_cstr(w, run->target_log);
	jsonw_lit(w, "\n}\n");
}

/* The document for several targets: the run-level members, then
 * "targets". */
static void targets_json(jrep_t *j, const sc_run_t *runs, size_t n)
{
	jsonw_t *w = &j->w;
	char started[32];
	double elapsed = 0;
	bool interrupted = false, first = true;
	for (size_t k = 0; k < n; k++) {
		elapsed += runs[k].elapsed_ms;
		interrupted |= runs[k].interrupted;
	}
	iso_time(runs[0].started_unix, started, sizeof(started));
	document_open(w, &first, runs[0].run_id);
	member(w, &first, 1, "started");
	jsonw_cstr(w, started);
	member(w, &first, 1, "elapsed_ms");
	jsonw_ms(w, elapsed);
	member(w, &first, 1, "interrupted");
	jsonw_bool(w, interrupted);
	member(w, &first, 1, "summary");
	summary_json(w, runs, n);
	member(w, &first, 1, "targets");
	jsonw_raw(w, "[", 1);
	for (size_t k = 0; k < n; k++) {
		bool tfirst = true;
		jsonw_lit(w, k ? ",\n  {" : "\n  {");
		target_json(j, &runs[k], &tfirst, 3);
		jsonw_lit(w, "\n  }");
	}
	jsonw_lit(w, "\n ]\n}\n");
}

static void document_json(jrep_t *j, const sc_run_t *runs, size_t n)
{
	if (n > 1) {
		targets_json(j, runs, n);
		return;
	}
	report_head_json(&j->w, runs);
	case_lines_json(j, runs, 1);
	tail_json(&j->w, runs);
}

/* report.json made of the stream's file: its head and case lines, then
 * the tail, and renamed into place. false (and nothing done) when the
 * stream does not hold exactly what rendering the run would give; else
 * true with the outcome in *ok. */
static bool write_adopted(report_stream_t *s, const sc_run_t *run,
			  const char *path, bool *ok, char *err, size_t errlen)
{
	jsonw_t *w = malloc(sizeof(*w));
	if (w == NULL)
		return false;
	jsonw_init_mem(w);
	report_head_json(w, run);
	jsonw_flush(w);
	report_file_t rf = {.path = path};
	bool taken = !w->err && report_stream_take(s, run, w->mem, w->mem_len,
						   &rf.f, &rf.tmp);
	free(w->mem);
	if (taken) {
		fchmod(fileno(rf.f), 0666 & ~process_umask());
		jsonw_init(w, rf.f);
		tail_json(w, run);
		jsonw_flush(w);
		*ok = report_file_commit(&rf, true, err, errlen);
	}
	free(w);
	return taken;
}

bool report_write_json_runs(const sc_run_t *runs, size_t n, const char *path,
			    char *err, size_t errlen)
{
	return report_write_json_stream(runs, n, NULL, path, err, errlen);
}

bool report_write_json_stream(const sc_run_t *runs, size_t n,
			      report_stream_t *stream, const char *path,
			      char *err, size_t errlen)
{
	if (n == 0) {
		snprintf(err, errlen, "%s: no run to report", path);
		return false;
	}
	bool ok;
	if (n == 1 && stream != NULL &&
	    write_adopted(stream, runs, path, &ok, err, errlen))
		return ok;
	jrep_t *j = malloc(sizeof(*j));
	if (j == NULL) {
		snprintf(err, errlen, "out of memory writing %s", path);
		return false;
	}
	report_file_t rf;
	if (!report_file_open(&rf, path, err, errlen)) {
		free(j);
		return false;
	}
	jsonw_init(&j->w, rf.f);
	dns_arena_init(&j->arena, 0);
	memset(&j->rdcache, 0, sizeof(j->rdcache));
	j->stream = n == 1 ? stream : NULL;
	document_json(j, runs, n);
	jsonw_flush(&j->w);
	dns_arena_free(&j->arena);
	free(j);
	return report_file_commit(&rf, true, err, errlen);
}

bool report_write_json(const sc_run_t *run, const char *path, char *err,
		       size_t errlen)
{
	return report_write_json_runs(run, 1, path, err, errlen);
}

/* ---- JUnit ------------------------------------------------------------- */

/* The bytes xml_text does not copy as they are: the end of the string,
 * control bytes not allowed in XML 1.0 (all below 0x20 but tab, newline
 * and carriage return) and the markup characters " & < > (what no row
 * lists is copied as it is). */
/* clang-format off */
static const unsigned char xml_special[256] = {
    /*   NUL                        \t \n       \r          */
    [0x00] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0, 1, 1,
    [0x10] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    /*   sp !  "  #  $  %  &  '  (  )  *  +  ,  -  .  /     */
    [0x20] = 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    /*   0  1  2  3  4  5  6  7  8  9  :  ;  <  =  >  ?     */
    [0x30] = 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0,
};
/* clang-format on */

/* One byte xml_special marks (not NUL). */
static void xml_special_byte(textw_t *w, unsigned char c)
{
	switch (c) {
	case '<':
		textw_str(w, "&lt;");
		break;
	case '>':
		textw_str(w, "&gt;");
		break;
	case '&':
		textw_str(w, "&amp;");
		break;
	case '"':
		textw_str(w, "&quot;");
		break;
	default: /* a byte not allowed in XML 1.0 */
		textw_byte(w, '?');
	}
}

/* The bytes of s before the first one xml_special marks. */
static inline size_t xml_plain_len(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (xml_special[*p] == 0)
		p++;
	return (size_t)(p - (const unsigned char *)s);
}

/* XML-escaped text; bytes not allowed in XML 1.0 become '?'. The common
 * case, text with nothing to escape, is one scan and one copy. */
static void xml_text(textw_t *w, const char *s)
{
	if (s == NULL)
		return;
	for (;;) {
		size_t n = xml_plain_len(s);
		textw_raw(w, s, n);
		if (s[n] == '\0')
			return;
		xml_special_byte(w, (unsigned char)s[n]);
		s += n + 1;
	}
}

/* How a case shows in JUnit: an expected deviation is skipped (it is not
 * a failure of the run), a new pass is a failure (the file is stale). */
static sc_verdict_kind_t junit_kind(const sc_result_t *r)
{
	if (r->exp == SC_EXP_DEVIATION)
		return SC_SKIP;
	if (r->exp == SC_EXP_NEW_PASS)
		return SC_FAIL;
	return r->verdict.kind;
}

static void junit_reasons(textw_t *w, const sc_result_t *r)
{
	const sc_verdict_t *v = &r->verdict;
	if (r->c->rfc) {
		xml_text(w, r->c->rfc);
		textw_str(w, " (");
		textw_str(w, sc_level_name(r->c->level));
		textw_str(w, ")\n");
	}
	for (size_t i = 0; i < v->nreasons; i++) {
		xml_text(w, v->reasons[i].check);
		textw_str(w, ": expected ");
		xml_text(w, v->reasons[i].expected);
		textw_str(w, ", got ");
		xml_text(w, v->reasons[i].got);
		textw_str(w, "\n");
	}
}

static void junit_client(textw_t *w, const sc_client_obs_t *c)
{
	textw_str(w, "      <system-out>$ ");
	xml_text(w, c->command);
	textw_str(w, "\n");
	xml_text(w, c->out);
	textw_str(w, "</system-out>\n      <system-err>");
	xml_text(w, c->err);
	textw_str(w, "\n");
	xml_text(w, c->status);
	textw_str(w, "</system-err>\n");
}

static void junit_body(textw_t *w, const sc_run_t *run, const sc_result_t *r)
{
	const sc_verdict_t *v = &r->verdict;
	sc_verdict_kind_t k = junit_kind(r);
	if (r->exp == SC_EXP_NEW_PASS) {
		textw_str(w, "      <failure message=\"new pass\">listed in ");
		xml_text(w, run->expected_file);
		textw_str(w, " as ");
		textw_str(w, sc_verdict_name(r->exp_verdict));
		textw_str(w, ": ");
		xml_text(w, r->exp_reason);
		textw_str(w,
			  "\nbut it passes now: update the file</failure>\n");
	} else if (k == SC_FAIL || k == SC_ERROR) {
		const char *tag = k == SC_FAIL ? "failure" : "error";
		textw_str(w, "      <");
		textw_str(w, tag);
		textw_str(w, " message=\"");
		xml_text(w, v->nreasons ? v->reasons[0].check : tag);
		textw_str(w, "\">");
		junit_reasons(w, r);
		textw_str(w, "</");
		textw_str(w, tag);
		textw_str(w, ">\n");
	} else if (r->exp == SC_EXP_DEVIATION) {
		textw_str(w, "      <skipped message=\"expected deviation (");
		xml_text(w, run->expected_file);
		textw_str(w, "): ");
		xml_text(w, r->exp_reason);
		textw_str(w, "\"/>\n");
	} else if (k == SC_SKIP) {
		textw_str(w, "      <skipped/>\n");
	}
	if (r->client != NULL) /* a client step: its program's output */
		junit_client(w, r->client);
}

/* The start of a case's line, the same for all cases of a suite. */
static void junit_case_head(textw_t *w, const char *prefix, const char *suite)
{
	textw_str(w, "    <testcase classname=\"");
	xml_text(w, prefix);
	xml_text(w, suite);
	textw_str(w, "\" name=\"");
}

/* head: junit_case_head's text (hlen bytes), or NULL: write it. */
static void junit_case(textw_t *w, const sc_run_t *run, const sc_result_t *r,
		       const char *prefix, const char *head, size_t hlen)
{
	if (head != NULL)
		textw_raw(w, head, hlen);
	else
		junit_case_head(w, prefix, report_case_suite(r));
	const char *name = r->c->name ? r->c->name : "";
	size_t n = xml_plain_len(name);
	if (name[n] == '\0') /* most names: nothing to escape */
		textw_raw(w, name, n);
	else
		xml_text(w, name);
	textw_str(w, "\" time=\"");
	textw_fixed(w, r->elapsed_ms / 1000.0, 6);
	if (junit_kind(r) == SC_PASS && r->client == NULL) {
		/* most cases: junit_body writes nothing */
		textw_str(w, "\">\n    </testcase>\n");
		return;
	}
	textw_str(w, "\">\n");
	junit_body(w, run, r);
	textw_str(w, "    </testcase>\n");
}

/* The <testsuite> line of the suite whose results start at i; returns
 * where they end (the results of a suite follow each other). */
static size_t junit_suite_open(textw_t *w, const sc_run_t *run, size_t i,
			       const char *prefix)
{
	tally_t tl = {{0}};
	double secs = 0;
	size_t j = i;
	for (; j < run->nresults &&
	       run->results[j].suite == run->results[i].suite;
	     j++) {
		tally_add(&tl, junit_kind(&run->results[j]));
		secs += run->results[j].elapsed_ms / 1000.0;
	}
	textw_str(w, "  <testsuite name=\"");
	xml_text(w, prefix);
	xml_text(w, report_case_suite(&run->results[i]));
	textw_str(w, "\" tests=\"");
	textw_size(w, j - i);
	textw_str(w, "\" failures=\"");
	textw_size(w, tl.n[SC_FAIL]);
	textw_str(w, "\" errors=\"");
	textw_size(w, tl.n[SC_ERROR]);
	textw_str(w, "\" skipped=\"");
	textw_size(w, tl.n[SC_SKIP]);
	textw_str(w, "\" time=\"");
	textw_fixed(w, secs, 6);
	textw_str(w, "\">\n");
	return j;
}

/* junit_case_head's text, escaped once for all the cases of a suite
 * (malloc'd, its length in *len), or NULL when too long to keep aside (an
 * escaped byte takes at most 6 bytes, "&quot;") or out of memory. */
static char *junit_head_text(textw_t *w, const char *prefix, const char *suite,
			     size_t *len)
{
	size_t n = strlen(prefix) + strlen(suite);
	*len = 0;
	if (n > (sizeof(w->buf) - 64) / 6)
		return NULL;
	size_t mark = (size_t)(textw_room(w, 64 + 6 * n) - w->buf);
	junit_case_head(w, prefix, suite);
	return textw_take(w, mark, len);
}

/* The suite whose results start at i; returns where they end. */
static size_t junit_suite(textw_t *w, const sc_run_t *run, size_t i,
			  const char *prefix)
{
	size_t j = junit_suite_open(w, run, i, prefix);
	size_t hlen;
	char *head = junit_head_text(
	    w, prefix, report_case_suite(&run->results[i]), &hlen);
	for (size_t k = i; k < j; k++)
		junit_case(w, run, &run->results[k], prefix, head, hlen);
	free(head);
	textw_str(w, "  </testsuite>\n");
	return j;
}

static void junit_run(textw_t *w, const sc_run_t *run, bool several)
{
	char prefix[256] = "";
	if (several)
		snprintf(prefix, sizeof(prefix),
			 "%s: ", report_target_name(run));
	for (size_t i = 0; i < run->nresults;)
		i = junit_suite(w, run, i, prefix);
}

bool report_write_junit_runs(const sc_run_t *runs, size_t n, const char *path,
			     char *err, size_t errlen)
{
	report_file_t rf;
	if (!report_file_open(&rf, path, err, errlen))
		return false;
	textw_t *w = malloc(sizeof(*w));
	if (w == NULL) {
		snprintf(err, errlen, "out of memory");
		return report_file_commit(&rf, false, err, errlen);
	}
	textw_init(w, rf.f);
	textw_str(w,
		  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
	for (size_t k = 0; k < n; k++)
		junit_run(w, &runs[k], n > 1);
	textw_str(w, "</testsuites>\n");
	textw_flush(w);
	free(w);
	return report_file_commit(&rf, true, err, errlen);
}

bool report_write_junit(const sc_run_t *run, const char *path, char *err,
			size_t errlen)
{
	return report_write_junit_runs(run, 1, path, err, errlen);
}

/* ---- TAP --------------------------------------------------------------- */

static void tap_case(FILE *f, const sc_run_t *run, const sc_result_t *r,
		     size_t num, bool several)
{
	sc_verdict_kind_t v = r->verdict.kind;
	fprintf(f, "%s %zu - ", v == SC_PASS || v == SC_SKIP ? "ok" : "not ok",
		num);
	if (several)
		fprintf(f, "%s: ", report_target_name(run));
	fprintf(f, "%s/%s", report_case_suite(r), r->c->name);
	if (v == SC_SKIP)
		fputs(" # SKIP", f);
	else if (r->exp == SC_EXP_DEVIATION)
		fprintf(f, " # TODO expected deviation: %s", r->exp_reason);
	fputc('\n', f);
	if (r->exp == SC_EXP_NEW_PASS)
		fprintf(f, "# new pass: listed in %s as %s: %s\n",
			run->expected_file, sc_verdict_name(r->exp_verdict),
			r->exp_reason);
	if (v != SC_FAIL && v != SC_ERROR)
		return;
	fprintf(f, "  ---\n  verdict: %s\n  level: %s\n", sc_verdict_name(v),
		sc_level_name(r->c->level));
	if (r->c->rfc)
		fprintf(f, "  rfc: \"%s\"\n", r->c->rfc);
	fprintf(f, "  reasons:\n");
	for (size_t k = 0; k < r->verdict.nreasons; k++)
		fprintf(f, "    - \"%s: expected %s, got %s\"\n",
			r->verdict.reasons[k].check,
			r->verdict.reasons[k].expected,
			r->verdict.reasons[k].got);
	fprintf(f, "  ...\n");
}

void report_tap_runs(const sc_run_t *runs, size_t n, FILE *f)
{
	size_t total = 0, num = 0;
	bool interrupted = false;
	for (size_t k = 0; k < n; k++) {
		total += runs[k].nresults;
		interrupted |= runs[k].interrupted;
	}
	fprintf(f, "TAP version 13\n1..%zu\n", total);
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < runs[k].nresults; i++)
			tap_case(f, &runs[k], &runs[k].results[i], ++num,
				 n > 1);
	if (interrupted)
		fprintf(f, "Bail out! interrupted\n");
}

void report_tap(const sc_run_t *run, FILE *f)
{
	report_tap_runs(run, 1, f);
}

/* ---- terminal ---------------------------------------------------------- */

void report_progress(size_t done, size_t total, size_t failed, FILE *f)
{
	fprintf(f, "\r%zu/%zu cases, %zu failed ", done, total, failed);
	if (done == total)
		fputs("\r\033[K", f);
	fflush(f);
}

/* Text indented by 6, at most 40 lines of it; "(none)" for nothing. */
static void print_indented(FILE *f, const char *t)
{
	size_t lines = 0;
	if (t == NULL || *t == '\0')
		fputs("      (none)\n", f);
	for (const char *p = t; p != NULL && *p != '\0'; lines++) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);
		if (lines < 40)
			fprintf(f, "      %.*s\n", n, p);
		p += n + (nl != NULL);
	}
	if (lines > 40)
		fprintf(f, "      ... %zu more lines (report.json has them)\n",
			lines - 40);
}

/* A client step's program: command, status, its output. */
static void print_client(FILE *f, const sc_client_obs_t *c)
{
	fprintf(f, "    command: %s\n    status: %s\n", c->command, c->status);
	fprintf(f, "    stdout (%zu bytes%s):\n", c->out_bytes,
		c->out_cut ? ", truncated" : "");
	print_indented(f, c->out);
	fprintf(f, "    stderr (%zu bytes%s):\n", c->err_bytes,
		c->err_cut ? ", truncated" : "");
	print_indented(f, c->err);
}

/* A resolver step's upstream queries, indented. */
static void print_upstream(FILE *f, const sc_result_t *r)
{
	fprintf(f, "    upstream (%zu quer%s):\n", r->upstream_count,
		r->upstream_count == 1 ? "y" : "ies");
	for (const char *p = r->upstream_log; *p != '\0';) {
		const char *nl = strchr(p, '\n');
		int n = nl ? (int)(nl - p) : (int)strlen(p);
		fprintf(f, "      %.*s\n", n, p);
		p += n + (nl != NULL);
	}
}

static void print_wire(FILE *f, const char *label, const uint8_t *p, size_t n)
{
	fprintf(f, "    %s (%zu bytes):\n", label, n);
	char *text = report_wire_text(p, n);
	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		size_t len = nl ? (size_t)(nl - line) : strlen(line);
		fprintf(f, "      %.*s\n", (int)len, line);
		line = nl ? nl + 1 : line + len;
	}
	free(text);
}

/* tcp: {hold:}: "    hold: still open after the 2000 ms hold". */
static void print_hold(FILE *f, const sc_result_t *r)
{
	char b[320];
	dns_strbuf_t sb = dns_strbuf_init(b, sizeof(b));
	if (r->obs.hold == NULL)
		return;
	sc_hold_text(r->obs.hold, &sb);
	fprintf(f, "    hold: %s\n", b);
}

static void print_case_line(FILE *f, const char *word, const char *on,
			    const char *off, const sc_result_t *r)
{
	fprintf(f, "%s%s%s %s/%s", on, word, off, report_case_suite(r),
		r->c->name);
	if (r->c->rfc)
		fprintf(f, " [%s, %s]", r->c->rfc, sc_level_name(r->c->level));
	else
		fprintf(f, " [%s]", sc_level_name(r->c->level));
	fputc('\n', f);
}

static void print_failure(FILE *f, const sc_run_t *run, const sc_result_t *r,
			  bool color, bool verbose)
{
	bool dev = r->exp == SC_EXP_DEVIATION;
	if (dev && !verbose)
		return;
	const char *on = !color ? "" : dev ? "\033[33m" : "\033[31m";
	const char *off = color ? "\033[0m" : "";
	const char *word = r->verdict.kind == SC_FAIL ? "FAIL" : "ERROR";
	print_case_line(
	    f, dev ? (r->verdict.kind == SC_FAIL ? "XFAIL" : "XERROR") : word,
	    on, off, r);
	if (r->exp_reason != NULL)
		fprintf(f, "    %s in %s as %s: %s\n",
			dev ? "listed" : "but listed", run->expected_file,
			sc_verdict_name(r->exp_verdict), r->exp_reason);
	for (size_t k = 0; k < r->verdict.nreasons; k++)
		fprintf(f, "    %s: expected %s, got %s\n",
			r->verdict.reasons[k].check,
			r->verdict.reasons[k].expected,
			r->verdict.reasons[k].got);
	if (!verbose)
		return;
	if (r->obs.query)
		print_wire(f, "query", r->obs.query, r->obs.qlen);
	for (size_t i = 0; i < r->obs.nmsgs; i++)
		print_wire(f, "response", r->obs.msgs[i], r->obs.lens[i]);
	print_hold(f, r);
	if (r->upstream_log != NULL)
		print_upstream(f, r);
	if (r->client != NULL)
		print_client(f, r->client);
}

/* A case in error only because its target died before it, or never
 * started: counted, not listed one by one. */
static bool collateral(const sc_run_t *run, const sc_result_t *r)
{
	bool gone = run->target_died != NULL ||
		    (run->program != NULL && run->target == NULL);
	return gone && r != run->died_during && r->verdict.kind == SC_ERROR &&
	       r->verdict.nreasons == 1 &&
	       strcmp(r->verdict.reasons[0].check, "target") == 0;
}

static size_t count_collateral(const sc_run_t *run)
{
	size_t n = 0;
	for (size_t i = 0; i < run->nresults; i++)
		n += collateral(run, &run->results[i]);
	return n;
}

static void print_collateral(FILE *f, const sc_run_t *run, const char *indent)
{
	size_t n = count_collateral(run);
	if (n == 0)
		return;
	const sc_result_t *r = NULL;
	for (size_t i = 0; r == NULL && i < run->nresults; i++)
		if (collateral(run, &run->results[i]))
			r = &run->results[i];
	fprintf(f, "%s%zu case%s in error: %s\n", indent, n, n == 1 ? "" : "s",
		r->verdict.reasons[0].got);
}

static void print_table(FILE *f, const sc_run_t *run)
{
	fprintf(f, "\n%-32s %-6s %6s %6s %6s %6s\n", "suite", "level", "pass",
		"fail", "error", "skip");
	tally_t total = {{0}};
	for (size_t i = 0; i < run->nresults;) {
		size_t j = i;
		tally_t lv[3] = {{{0}}};
		while (j < run->nresults &&
		       run->results[j].suite == run->results[i].suite) {
			tally_add(&lv[run->results[j].c->level],
				  run->results[j].verdict.kind);
			tally_add(&total, run->results[j].verdict.kind);
			j++;
		}
		for (int l = 0; l < 3; l++) {
			const size_t *n = lv[l].n;
			if (n[0] + n[1] + n[2] + n[3] == 0)
				continue;
			fprintf(f, "%-32.32s %-6s %6zu %6zu %6zu %6zu\n",
				report_case_suite(&run->results[i]),
				sc_level_name((sc_level_t)l), n[SC_PASS],
				n[SC_FAIL], n[SC_ERROR], n[SC_SKIP]);
		}
		i = j;
	}
	fprintf(f, "%-32s %-6s %6zu %6zu %6zu %6zu\n", "total", "", total.n[0],
		total.n[1], total.n[2], total.n[3]);
}

static void print_died(FILE *f, const sc_run_t *run, bool color)
{
	if (run->target_died == NULL)
		return;
	fprintf(f, "%sTARGET DIED%s: %s %s", color ? "\033[31;1m" : "",
		color ? "\033[0m" : "", report_target_name(run),
		run->target_died);
	if (run->died_during != NULL)
		fprintf(f, " during case %s/%s",
			report_case_suite(run->died_during),
			run->died_during->c->name);
	else
		fputs(" before the first case", f);
	fputs("; the cases after it are errors\n", f);
}

/* "  CHECK: expected X, got Y" on one line, cut at REASON_LINE_MAX bytes
 * (the full text is in the failure above and in the reports). */
#define REASON_LINE_MAX 160u
static void print_reason_line(FILE *f, const sc_reason_t *why)
{
	char line[REASON_LINE_MAX + 1];
	int n = snprintf(line, sizeof(line), "%s: expected %s, got %s",
			 why->check, why->expected, why->got);
	fprintf(f, "  %s%s", line,
		n > 0 && (size_t)n > REASON_LINE_MAX ? "..." : "");
}

/* The comparison with the expectations file: counts, then both lists. */
static void print_expected(FILE *f, const sc_run_t *run)
{
	if (run->expected_file == NULL)
		return;
	size_t c[4];
	report_exp_counts(run, c);
	fprintf(f,
		"expectations %s: %zu expected deviation%s, %zu new "
		"failure%s, %zu new pass%s\n",
		run->expected_file, c[SC_EXP_DEVIATION],
		c[SC_EXP_DEVIATION] == 1 ? "" : "s", c[SC_EXP_NEW_FAIL],
		c[SC_EXP_NEW_FAIL] == 1 ? "" : "s", c[SC_EXP_NEW_PASS],
		c[SC_EXP_NEW_PASS] == 1 ? "" : "es");
	for (int pass = 0; pass < 2; pass++) {
		sc_exp_status_t want = pass ? SC_EXP_NEW_PASS : SC_EXP_NEW_FAIL;
		if (c[want] == 0)
			continue;
		fprintf(f, "%s:\n",
			pass ? "new passes (listed, but pass now: "
			       "update the file)"
			     : "new failures (not listed)");
		for (size_t i = 0; i < run->nresults; i++) {
			const sc_result_t *r = &run->results[i];
			if (r->exp != want || collateral(run, r))
				continue;
			fprintf(f, "  %s/%s  %s", report_case_suite(r),
				r->c->name, sc_verdict_name(r->verdict.kind));
			if (r->exp_reason != NULL)
				fprintf(f, "  (listed as %s: %s)",
					sc_verdict_name(r->exp_verdict),
					r->exp_reason);
			else if (r->verdict.nreasons > 0)
				print_reason_line(f, &r->verdict.reasons[0]);
			fputc('\n', f);
		}
		if (!pass)
			print_collateral(f, run, "  ");
	}
}

/* -v: a passing case that held its connection, and what it saw. */
static void print_held(FILE *f, const sc_result_t *r)
{
	print_case_line(f, "PASS", "", "", r);
	print_hold(f, r);
}

static void summary_one(const sc_run_t *run, FILE *f, bool color, bool verbose)
{
	for (size_t i = 0; i < run->nresults; i++) {
		sc_verdict_kind_t v = run->results[i].verdict.kind;
		if ((v == SC_FAIL || v == SC_ERROR) &&
		    !collateral(run, &run->results[i]))
			print_failure(f, run, &run->results[i], color, verbose);
		else if (verbose && v == SC_PASS &&
			 run->results[i].obs.hold != NULL)
			print_held(f, &run->results[i]);
	}
	print_collateral(f, run, "");
	print_table(f, run);
	if (run->interrupted)
		fprintf(f, "interrupted: the results are partial\n");
	print_died(f, run, color);
	print_expected(f, run);
}

/* Pass counts per target and level, with the comparison's counts. */
static void print_matrix_counts(const sc_run_t *runs, size_t n, FILE *f)
{
	fprintf(f, "\n%-16s %-6s %6s %6s %6s %6s %9s %8s %8s\n", "target",
		"level", "pass", "fail", "error", "skip", "expected",
		"new-fail", "new-pass");
	for (size_t k = 0; k < n; k++) {
		tally_t lv[3] = {{{0}}};
		size_t ex[3][4] = {{0}};
		for (size_t i = 0; i < runs[k].nresults; i++) {
			const sc_result_t *r = &runs[k].results[i];
			tally_add(&lv[r->c->level], r->verdict.kind);
			if ((unsigned)r->exp < 4)
				ex[r->c->level][r->exp]++;
		}
		for (int l = 0; l < 3; l++) {
			const size_t *c = lv[l].n;
			if (c[0] + c[1] + c[2] + c[3] == 0)
				continue;
			fprintf(f,
				"%-16.16s %-6s %6zu %6zu %6zu %6zu %9zu %8zu "
				"%8zu\n",
				report_target_name(&runs[k]),
				sc_level_name((sc_level_t)l), c[SC_PASS],
				c[SC_FAIL], c[SC_ERROR], c[SC_SKIP],
				ex[l][SC_EXP_DEVIATION], ex[l][SC_EXP_NEW_FAIL],
				ex[l][SC_EXP_NEW_PASS]);
		}
	}
}

void report_summary_runs(const sc_run_t *runs, size_t n, FILE *f, bool color,
			 bool verbose)
{
	for (size_t k = 0; k < n; k++) {
		if (n > 1)
			fprintf(f, "%s== %s (%s) ==\n", k ? "\n" : "",
				report_target_name(&runs[k]),
				runs[k].target ? runs[k].target
					       : "not started");
		summary_one(&runs[k], f, color, verbose);
	}
	if (n > 1)
		print_matrix_counts(runs, n, f);
}

void report_summary(const sc_run_t *run, FILE *f, bool color, bool verbose)
{
	report_summary_runs(run, 1, f, color, verbose);
}
