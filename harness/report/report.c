/* report.c - report.json (streamed case by case), junit.xml, TAP, the
 * terminal summary, and the helpers the report writers share. */
#include "report/report.h"

#include <errno.h>
#include <jansson.h>
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
	if (fd >= 0) { /* mkstemp makes it 0600: give it the usual mode */
		mode_t mask = umask(0);
		umask(mask);
		fchmod(fd, 0666 & ~mask);
	}
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

static json_t *hex_json(const uint8_t *p, size_t n)
{
	char *s = malloc(2 * n + 1);
	if (s == NULL)
		return NULL;
	dns_base16_encode(p, n, s, 2 * n + 1);
	json_t *j = json_string(s);
	free(s);
	return j;
}

/* A message as {"hex":..., "decoded":{...}|null, "violations":[...]} */
static json_t *wire_json(const uint8_t *p, size_t n)
{
	dns_arena_t arena;
	dns_msg_t m;
	dns_arena_init(&arena, 0);
	dns_msg_decode(&m, p, n, DNS_DECODE_SURVEY, &arena);
	json_t *decoded =
	    m.wire_len >= DNS_HEADER_LEN ? dns_msg_to_json(&m) : json_null();
	json_t *o = json_pack("{s:o*,s:i,s:o*,s:o*}", "hex", hex_json(p, n),
			      "size", (json_int_t)n, "decoded", decoded,
			      "violations", dns_violations_to_json(&m));
	dns_arena_free(&arena);
	return o;
}

static json_t *reasons_json(const sc_verdict_t *v)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < v->nreasons; i++) {
		const sc_reason_t *r = &v->reasons[i];
		json_array_append_new(
		    a, json_pack("{s:s,s:s,s:s}", "check", r->check, "expected",
				 r->expected ? r->expected : "", "got",
				 r->got ? r->got : ""));
	}
	return a;
}

/* A case against the expectations file: null when not compared. */
static json_t *case_exp_json(const sc_run_t *run, const sc_result_t *r)
{
	if (run->expected_file == NULL)
		return json_null();
	bool listed = r->exp_reason != NULL;
	return json_pack(
	    "{s:s,s:o,s:o}", "status", sc_exp_status_name(r->exp), "listed",
	    listed ? json_string(sc_verdict_name(r->exp_verdict)) : json_null(),
	    "reason", listed ? json_string(r->exp_reason) : json_null());
}

/* A resolver step's upstream queries: {"count": N, "queries": [lines]}. */
static json_t *upstream_json(const sc_result_t *r)
{
	json_t *q = json_array();
	const char *p = r->upstream_log;
	while (q != NULL && *p != '\0') {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);
		json_array_append_new(q, json_stringn(p, n));
		p += n + (nl != NULL);
	}
	return json_pack("{s:I,s:o*}", "count", (json_int_t)r->upstream_count,
			 "queries", q);
}

static json_t *result_json(const sc_run_t *run, const sc_result_t *r)
{
	const sc_case_t *c = r->c;
	json_t *tags = json_array(), *resp = json_array();
	for (size_t i = 0; tags && i < c->ntags; i++)
		json_array_append_new(tags, json_string(c->tags[i]));
	for (size_t i = 0; resp && i < r->obs.nmsgs; i++)
		json_array_append_new(
		    resp, wire_json(r->obs.msgs[i], r->obs.lens[i]));
	json_t *o = json_pack(
	    "{s:s,s:s*,s:s,s:s*,s:s,s:o*,s:s,s:s,s:o*,s:f,s:f,s:s,s:s*,"
	    "s:i,s:o*,s:o*}",
	    "suite", report_case_suite(r), "file",
	    r->suite ? r->suite->file : NULL, "name", c->name, "rfc", c->rfc,
	    "level", sc_level_name(c->level), "tags", tags, "transport",
	    sc_transport_name(r->obs.transport), "verdict",
	    sc_verdict_name(r->verdict.kind), "reasons",
	    reasons_json(&r->verdict), "elapsed_ms", r->elapsed_ms, "rtt_ms",
	    r->obs.rtt_ms, "net",
	    (unsigned)r->obs.status < 5 ? net_names[r->obs.status] : "?",
	    "net_detail", r->obs.net_detail, "ignored",
	    (json_int_t)r->obs.ignored, "query",
	    r->obs.query ? wire_json(r->obs.query, r->obs.qlen) : json_null(),
	    "responses", resp);
	if (o == NULL)
		return NULL;
	if (r->obs.alive_probed)
		json_object_set_new(o, "alive", json_boolean(r->obs.alive));
	if (run->expected_file != NULL)
		json_object_set_new(o, "expected", case_exp_json(run, r));
	if (run->died_during == r)
		json_object_set_new(o, "target_died",
				    json_string(run->target_died));
	if (r->upstream_log != NULL)
		json_object_set_new(o, "upstream", upstream_json(r));
	return o;
}

static json_t *tally_json(const tally_t *t)
{
	return json_pack("{s:I,s:I,s:I,s:I}", "pass", (json_int_t)t->n[SC_PASS],
			 "fail", (json_int_t)t->n[SC_FAIL], "error",
			 (json_int_t)t->n[SC_ERROR], "skip",
			 (json_int_t)t->n[SC_SKIP]);
}

static json_t *summary_json(const sc_run_t *runs, size_t n)
{
	tally_t all = {{0}}, lv[3] = {{{0}}};
	for (size_t k = 0; k < n; k++)
		for (size_t i = 0; i < runs[k].nresults; i++) {
			const sc_result_t *r = &runs[k].results[i];
			tally_add(&all, r->verdict.kind);
			tally_add(&lv[r->c->level], r->verdict.kind);
		}
	json_t *o = tally_json(&all);
	json_t *by = json_object();
	for (int l = 0; by && l < 3; l++)
		json_object_set_new(by, sc_level_name((sc_level_t)l),
				    tally_json(&lv[l]));
	json_object_set_new(o, "by_level", by);
	return o;
}

static json_t *case_ref_json(const sc_result_t *r)
{
	return json_pack("{s:s,s:s}", "suite", report_case_suite(r), "name",
			 r->c->name);
}

/* {"status": how, "during": {"suite","name"}|null}, or null. */
static json_t *died_json(const sc_run_t *run)
{
	if (run->target_died == NULL)
		return json_null();
	return json_pack("{s:s,s:o}", "status", run->target_died, "during",
			 run->died_during ? case_ref_json(run->died_during)
					  : json_null());
}

/* The comparison with the expectations file, or null. */
static json_t *expected_json(const sc_run_t *run)
{
	if (run->expected_file == NULL)
		return json_null();
	size_t counts[4];
	report_exp_counts(run, counts);
	json_t *nf = json_array(), *np = json_array(), *dev = json_array();
	for (size_t i = 0; i < run->nresults; i++) {
		const sc_result_t *r = &run->results[i];
		json_t *a = r->exp == SC_EXP_NEW_FAIL	 ? nf
			    : r->exp == SC_EXP_NEW_PASS	 ? np
			    : r->exp == SC_EXP_DEVIATION ? dev
							 : NULL;
		if (a == NULL)
			continue;
		json_t *e = case_ref_json(r);
		json_object_set_new(
		    e, "verdict",
		    json_string(sc_verdict_name(r->verdict.kind)));
		json_object_set_new(
		    e, "listed",
		    r->exp_reason ? json_string(sc_verdict_name(r->exp_verdict))
				  : json_null());
		json_object_set_new(e, "reason",
				    r->exp_reason ? json_string(r->exp_reason)
						  : json_null());
		json_array_append_new(a, e);
	}
	return json_pack(
	    "{s:s,s:b,s:I,s:I,s:I,s:o*,s:o*,s:o*}", "file", run->expected_file,
	    "matches", counts[SC_EXP_NEW_FAIL] + counts[SC_EXP_NEW_PASS] == 0,
	    "deviations", (json_int_t)counts[SC_EXP_DEVIATION],
	    "new_failures_count", (json_int_t)counts[SC_EXP_NEW_FAIL],
	    "new_passes_count", (json_int_t)counts[SC_EXP_NEW_PASS],
	    "new_failures", nf, "new_passes", np, "expected_deviations", dev);
}

static void iso_time(double unix_s, char *buf, size_t cap)
{
	time_t t = (time_t)unix_s;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* The streaming writer: values are dumped one at a time, indented one
 * space per level as json_dumps(JSON_INDENT(1)) would. */
typedef struct jw {
	FILE *f;
	bool oom;
	bool first; /* no member written yet at this level */
} jw_t;

static void jw_indent(jw_t *w, int depth)
{
	for (int i = 0; i < depth; i++)
		fputc(' ', w->f);
}

/* Write v (a reference taken over) at depth: a string json_dumps made,
 * with each newline followed by the depth's indentation (JSON strings
 * hold no raw newline, so only the layout's newlines are touched). */
static void jw_value(jw_t *w, json_t *v, int depth)
{
	char *s = v ? json_dumps(v, JSON_INDENT(1) | JSON_PRESERVE_ORDER |
					JSON_ENCODE_ANY)
		    : NULL;
	json_decref(v);
	if (s == NULL) {
		w->oom = true;
		fputs("null", w->f);
		return;
	}
	for (const char *p = s; *p; p++) {
		fputc(*p, w->f);
		if (*p == '\n')
			jw_indent(w, depth);
	}
	free(s);
}

static void jw_key(jw_t *w, const char *key, int depth)
{
	fputs(w->first ? "\n" : ",\n", w->f);
	w->first = false;
	jw_indent(w, depth);
	jw_value(w, json_string(key), depth);
	fputs(": ", w->f);
}

static void jw_member(jw_t *w, const char *key, json_t *v, int depth)
{
	jw_key(w, key, depth);
	jw_value(w, v, depth);
}

/* "cases": [...] written case by case. */
static void jw_cases(jw_t *w, const sc_run_t *run, int depth)
{
	jw_key(w, "cases", depth);
	fputc('[', w->f);
	for (size_t i = 0; i < run->nresults; i++) {
		fputs(i ? ",\n" : "\n", w->f);
		jw_indent(w, depth + 1);
		jw_value(w, result_json(run, &run->results[i]), depth + 1);
	}
	if (run->nresults > 0) {
		fputc('\n', w->f);
		jw_indent(w, depth);
	}
	fputc(']', w->f);
}

/* The members that belong to one target, in a document or in an element
 * of "targets" (with its own started/elapsed/interrupted when nested). */
static void jw_target(jw_t *w, const sc_run_t *run, int depth, bool nested)
{
	char started[32];
	iso_time(run->started_unix, started, sizeof(started));
	jw_member(w, "target",
		  run->target ? json_string(run->target) : json_null(), depth);
	jw_member(w, "program",
		  run->program ? json_string(run->program) : json_null(),
		  depth);
	if (nested) {
		jw_member(w, "started", json_string(started), depth);
		jw_member(w, "elapsed_ms", json_real(run->elapsed_ms), depth);
		jw_member(w, "interrupted", json_boolean(run->interrupted),
			  depth);
		jw_member(w, "summary", summary_json(run, 1), depth);
	}
	jw_member(w, "target_died", died_json(run), depth);
	jw_member(w, "expected", expected_json(run), depth);
	jw_cases(w, run, depth);
	jw_member(w, "target_log",
		  run->target_log ? json_string(run->target_log) : json_null(),
		  depth);
}

static void jw_document(jw_t *w, const sc_run_t *runs, size_t n)
{
	char started[32];
	double elapsed = 0;
	bool interrupted = false;
	for (size_t k = 0; k < n; k++) {
		elapsed += runs[k].elapsed_ms;
		interrupted |= runs[k].interrupted;
	}
	iso_time(runs[0].started_unix, started, sizeof(started));
	fputc('{', w->f);
	w->first = true;
	jw_member(w, "dnsharness", json_string(DNSHARNESS_VERSION), 1);
	jw_member(w, "format", json_integer(1), 1);
	jw_member(w, "run_id",
		  runs[0].run_id ? json_string(runs[0].run_id) : json_null(),
		  1);
	if (n == 1) {
		jw_member(w, "target",
			  runs[0].target ? json_string(runs[0].target)
					 : json_null(),
			  1);
	}
	jw_member(w, "started", json_string(started), 1);
	jw_member(w, "elapsed_ms", json_real(elapsed), 1);
	jw_member(w, "interrupted", json_boolean(interrupted), 1);
	jw_member(w, "summary", summary_json(runs, n), 1);
	if (n == 1) {
		/* the single-target shape: per-target members at the top */
		jw_member(w, "program",
			  runs[0].program ? json_string(runs[0].program)
					  : json_null(),
			  1);
		jw_member(w, "target_died", died_json(&runs[0]), 1);
		jw_member(w, "expected", expected_json(&runs[0]), 1);
		jw_cases(w, &runs[0], 1);
		jw_member(w, "target_log",
			  runs[0].target_log ? json_string(runs[0].target_log)
					     : json_null(),
			  1);
	} else {
		jw_key(w, "targets", 1);
		fputc('[', w->f);
		for (size_t k = 0; k < n; k++) {
			fputs(k ? ",\n  {" : "\n  {", w->f);
			w->first = true;
			jw_target(w, &runs[k], 3, true);
			fputs("\n  }", w->f);
		}
		fputs("\n ]", w->f);
	}
	fputs("\n}\n", w->f);
}

bool report_write_json_runs(const sc_run_t *runs, size_t n, const char *path,
			    char *err, size_t errlen)
{
	if (n == 0) {
		snprintf(err, errlen, "%s: no run to report", path);
		return false;
	}
	report_file_t rf;
	if (!report_file_open(&rf, path, err, errlen))
		return false;
	jw_t w = {.f = rf.f};
	jw_document(&w, runs, n);
	if (w.oom)
		snprintf(err, errlen, "out of memory writing %s", path);
	return report_file_commit(&rf, !w.oom, err, errlen);
}

bool report_write_json(const sc_run_t *run, const char *path, char *err,
		       size_t errlen)
{
	return report_write_json_runs(run, 1, path, err, errlen);
}

/* ---- JUnit ------------------------------------------------------------- */

/* XML-escaped text; bytes not allowed in XML 1.0 become '?'. */
static void xml_text(FILE *f, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '&':
			fputs("&amp;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			if (c < 0x20 && c != '\n' && c != '\t' && c != '\r')
				c = '?';
			fputc(c, f);
		}
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

static void junit_reasons(FILE *f, const sc_result_t *r)
{
	const sc_verdict_t *v = &r->verdict;
	if (r->c->rfc) {
		xml_text(f, r->c->rfc);
		fprintf(f, " (%s)\n", sc_level_name(r->c->level));
	}
	for (size_t i = 0; i < v->nreasons; i++) {
		xml_text(f, v->reasons[i].check);
		fputs(": expected ", f);
		xml_text(f, v->reasons[i].expected);
		fputs(", got ", f);
		xml_text(f, v->reasons[i].got);
		fputs("\n", f);
	}
}

static void junit_body(FILE *f, const sc_run_t *run, const sc_result_t *r)
{
	const sc_verdict_t *v = &r->verdict;
	sc_verdict_kind_t k = junit_kind(r);
	if (r->exp == SC_EXP_NEW_PASS) {
		fputs("      <failure message=\"new pass\">listed in ", f);
		xml_text(f, run->expected_file);
		fprintf(f, " as %s: ", sc_verdict_name(r->exp_verdict));
		xml_text(f, r->exp_reason);
		fputs("\nbut it passes now: update the file</failure>\n", f);
	} else if (k == SC_FAIL || k == SC_ERROR) {
		const char *tag = k == SC_FAIL ? "failure" : "error";
		fprintf(f, "      <%s message=\"", tag);
		xml_text(f, v->nreasons ? v->reasons[0].check : tag);
		fputs("\">", f);
		junit_reasons(f, r);
		fprintf(f, "</%s>\n", tag);
	} else if (r->exp == SC_EXP_DEVIATION) {
		fputs("      <skipped message=\"expected deviation (", f);
		xml_text(f, run->expected_file);
		fputs("): ", f);
		xml_text(f, r->exp_reason);
		fputs("\"/>\n", f);
	} else if (k == SC_SKIP) {
		fputs("      <skipped/>\n", f);
	}
}

static void junit_case(FILE *f, const sc_run_t *run, const sc_result_t *r,
		       const char *prefix)
{
	fputs("    <testcase classname=\"", f);
	xml_text(f, prefix);
	xml_text(f, report_case_suite(r));
	fputs("\" name=\"", f);
	xml_text(f, r->c->name);
	fprintf(f, "\" time=\"%.6f\">\n", r->elapsed_ms / 1000.0);
	junit_body(f, run, r);
	fputs("    </testcase>\n", f);
}

/* The results [i, j) of one suite. */
static void junit_suite(FILE *f, const sc_run_t *run, size_t i, size_t j,
			const char *prefix)
{
	tally_t tl = {{0}};
	double secs = 0;
	for (size_t k = i; k < j; k++) {
		tally_add(&tl, junit_kind(&run->results[k]));
		secs += run->results[k].elapsed_ms / 1000.0;
	}
	fputs("  <testsuite name=\"", f);
	xml_text(f, prefix);
	xml_text(f, report_case_suite(&run->results[i]));
	fprintf(f,
		"\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
		"skipped=\"%zu\" time=\"%.6f\">\n",
		j - i, tl.n[SC_FAIL], tl.n[SC_ERROR], tl.n[SC_SKIP], secs);
	for (size_t k = i; k < j; k++)
		junit_case(f, run, &run->results[k], prefix);
	fputs("  </testsuite>\n", f);
}

static void junit_run(FILE *f, const sc_run_t *run, bool several)
{
	char prefix[256] = "";
	if (several)
		snprintf(prefix, sizeof(prefix),
			 "%s: ", report_target_name(run));
	for (size_t i = 0; i < run->nresults;) {
		size_t j = i;
		while (j < run->nresults &&
		       run->results[j].suite == run->results[i].suite)
			j++;
		junit_suite(f, run, i, j, prefix);
		i = j;
	}
}

bool report_write_junit_runs(const sc_run_t *runs, size_t n, const char *path,
			     char *err, size_t errlen)
{
	report_file_t rf;
	if (!report_file_open(&rf, path, err, errlen))
		return false;
	fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n",
	      rf.f);
	for (size_t k = 0; k < n; k++)
		junit_run(rf.f, &runs[k], n > 1);
	fputs("</testsuites>\n", rf.f);
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
	if (r->upstream_log != NULL)
		print_upstream(f, r);
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

static void summary_one(const sc_run_t *run, FILE *f, bool color, bool verbose)
{
	for (size_t i = 0; i < run->nresults; i++) {
		sc_verdict_kind_t v = run->results[i].verdict.kind;
		if ((v == SC_FAIL || v == SC_ERROR) &&
		    !collateral(run, &run->results[i]))
			print_failure(f, run, &run->results[i], color, verbose);
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
