/* report.c - report.json, junit.xml, TAP and the terminal summary. */
#include "report/report.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "dns/base.h"
#include "dns/msg.h"
#include "dns/print.h"
#include "scenario/query.h"

/* ---- shared ------------------------------------------------------------ */

static const char *const net_names[] = {"answered", "timeout", "closed",
					"reset", "error"};

typedef struct tally {
	size_t n[4]; /* by verdict */
} tally_t;

static const char *case_suite(const sc_result_t *r)
{
	return r->suite && r->suite->name ? r->suite->name : "?";
}

/* Write data to path atomically: a temporary file beside it, renamed. */
static bool write_atomic(const char *path, const char *data, size_t len,
			 char *err, size_t errlen)
{
	size_t plen = strlen(path);
	char *tmp = malloc(plen + 16);
	if (tmp == NULL) {
		snprintf(err, errlen, "out of memory");
		return false;
	}
	memcpy(tmp, path, plen);
	memcpy(tmp + plen, ".tmp.XXXXXX", 12);
	int fd = mkstemp(tmp);
	bool ok = fd >= 0;
	size_t done = 0;
	while (ok && done < len) {
		ssize_t w = write(fd, data + done, len - done);
		if (w < 0 && errno == EINTR)
			continue;
		ok = w > 0;
		done += ok ? (size_t)w : 0;
	}
	if (fd >= 0 && close(fd) != 0)
		ok = false;
	if (ok && rename(tmp, path) != 0)
		ok = false;
	if (!ok) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			unlink(tmp);
	}
	free(tmp);
	return ok;
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
	json_t *decoded = m.wire_len >= DNS_HEADER_LEN ? dns_msg_to_json(&m)
						       : json_null();
	json_t *o = json_pack("{s:o*,s:i,s:o*,s:o*}", "hex", hex_json(p, n),
			      "size", (json_int_t)n, "decoded", decoded,
			      "violations", dns_violations_to_json(&m));
	dns_arena_free(&arena);
	return o;
}

static json_t *reasons_json(const sc_verdict_t *v)
{
	json_t *a = json_array();
	for (size_t i = 0; a && i < v->nreasons; i++)
		json_array_append_new(
			a, json_pack("{s:s,s:s,s:s}", "check",
				     v->reasons[i].check, "expected",
				     v->reasons[i].expected ? v->reasons[i].expected : "",
				     "got", v->reasons[i].got ? v->reasons[i].got : ""));
	return a;
}

static json_t *result_json(const sc_result_t *r)
{
	const sc_case_t *c = r->c;
	json_t *tags = json_array(), *resp = json_array();
	for (size_t i = 0; tags && i < c->ntags; i++)
		json_array_append_new(tags, json_string(c->tags[i]));
	for (size_t i = 0; resp && i < r->obs.nmsgs; i++)
		json_array_append_new(resp,
				      wire_json(r->obs.msgs[i], r->obs.lens[i]));
	json_t *o = json_pack(
		"{s:s,s:s*,s:s,s:s*,s:s,s:o*,s:s,s:s,s:o*,s:f,s:f,s:s,s:s*,"
		"s:i,s:o*,s:o*}",
		"suite", case_suite(r), "file", r->suite ? r->suite->file : NULL,
		"name", c->name, "rfc", c->rfc, "level", sc_level_name(c->level),
		"tags", tags, "transport", sc_transport_name(r->obs.transport),
		"verdict", sc_verdict_name(r->verdict.kind), "reasons",
		reasons_json(&r->verdict), "elapsed_ms", r->elapsed_ms,
		"rtt_ms", r->obs.rtt_ms, "net",
		(unsigned)r->obs.status < 5 ? net_names[r->obs.status] : "?",
		"net_detail", r->obs.net_detail, "ignored",
		(json_int_t)r->obs.ignored, "query",
		r->obs.query ? wire_json(r->obs.query, r->obs.qlen) : json_null(),
		"responses", resp);
	if (o != NULL && r->obs.alive_probed)
		json_object_set_new(o, "alive", json_boolean(r->obs.alive));
	return o;
}

static void tally_add(tally_t *t, sc_verdict_kind_t v)
{
	if ((unsigned)v < 4)
		t->n[v]++;
}

static json_t *tally_json(const tally_t *t)
{
	return json_pack("{s:I,s:I,s:I,s:I}", "pass", (json_int_t)t->n[SC_PASS],
			 "fail", (json_int_t)t->n[SC_FAIL], "error",
			 (json_int_t)t->n[SC_ERROR], "skip",
			 (json_int_t)t->n[SC_SKIP]);
}

static json_t *summary_json(const sc_run_t *run)
{
	tally_t all = {{0}}, lv[3] = {{{0}}};
	for (size_t i = 0; i < run->nresults; i++) {
		const sc_result_t *r = &run->results[i];
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

static void iso_time(double unix_s, char *buf, size_t cap)
{
	time_t t = (time_t)unix_s;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

bool report_write_json(const sc_run_t *run, const char *path, char *err,
		       size_t errlen)
{
	char started[32];
	iso_time(run->started_unix, started, sizeof(started));
	json_t *cases = json_array();
	for (size_t i = 0; cases && i < run->nresults; i++)
		json_array_append_new(cases, result_json(&run->results[i]));
	json_t *root = json_pack(
		"{s:s,s:i,s:s,s:s*,s:s,s:f,s:b,s:o*,s:o*,s:s*}", "dnsharness",
		DNSHARNESS_VERSION, "format", 1, "run_id", run->run_id,
		"target", run->target, "started", started, "elapsed_ms",
		run->elapsed_ms, "interrupted", run->interrupted, "summary",
		summary_json(run), "cases", cases, "target_log",
		run->target_log);
	char *text = root ? json_dumps(root, JSON_INDENT(1) |
						     JSON_PRESERVE_ORDER)
			  : NULL;
	json_decref(root);
	if (text == NULL) {
		snprintf(err, errlen, "out of memory building %s", path);
		return false;
	}
	bool ok = write_atomic(path, text, strlen(text), err, errlen);
	free(text);
	return ok;
}

/* ---- JUnit ------------------------------------------------------------- */

/* Grow-on-demand text buffer for the XML. */
typedef struct text {
	char *s;
	size_t len, cap;
	bool oom;
} text_t;

static void text_put(text_t *t, const char *s, size_t n)
{
	if (t->oom)
		return;
	if (t->len + n + 1 > t->cap) {
		size_t cap = t->cap ? t->cap : 4096;
		while (cap < t->len + n + 1)
			cap *= 2;
		char *v = realloc(t->s, cap);
		if (v == NULL) {
			t->oom = true;
			return;
		}
		t->s = v;
		t->cap = cap;
	}
	memcpy(t->s + t->len, s, n);
	t->len += n;
	t->s[t->len] = '\0';
}

static void text_puts(text_t *t, const char *s)
{
	text_put(t, s, strlen(s));
}

/* XML-escaped text; bytes not allowed in XML 1.0 become '?'. */
static void text_xml(text_t *t, const char *s)
{
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '<': text_puts(t, "&lt;"); break;
		case '>': text_puts(t, "&gt;"); break;
		case '&': text_puts(t, "&amp;"); break;
		case '"': text_puts(t, "&quot;"); break;
		default:
			if (c < 0x20 && c != '\n' && c != '\t' && c != '\r')
				c = '?';
			text_put(t, (const char *)&c, 1);
		}
	}
}

static void junit_case(text_t *t, const sc_result_t *r)
{
	char num[64];
	text_puts(t, "    <testcase classname=\"");
	text_xml(t, case_suite(r));
	text_puts(t, "\" name=\"");
	text_xml(t, r->c->name);
	snprintf(num, sizeof(num), "\" time=\"%.6f\">\n", r->elapsed_ms / 1000.0);
	text_puts(t, num);
	const sc_verdict_t *v = &r->verdict;
	if (v->kind == SC_FAIL || v->kind == SC_ERROR) {
		const char *tag = v->kind == SC_FAIL ? "failure" : "error";
		text_puts(t, "      <");
		text_puts(t, tag);
		text_puts(t, " message=\"");
		text_xml(t, v->nreasons ? v->reasons[0].check : tag);
		text_puts(t, "\">");
		if (r->c->rfc) {
			text_xml(t, r->c->rfc);
			text_puts(t, " (");
			text_puts(t, sc_level_name(r->c->level));
			text_puts(t, ")\n");
		}
		for (size_t i = 0; i < v->nreasons; i++) {
			text_xml(t, v->reasons[i].check);
			text_puts(t, ": expected ");
			text_xml(t, v->reasons[i].expected);
			text_puts(t, ", got ");
			text_xml(t, v->reasons[i].got);
			text_puts(t, "\n");
		}
		text_puts(t, "</");
		text_puts(t, tag);
		text_puts(t, ">\n");
	} else if (v->kind == SC_SKIP) {
		text_puts(t, "      <skipped/>\n");
	}
	text_puts(t, "    </testcase>\n");
}

bool report_write_junit(const sc_run_t *run, const char *path, char *err,
			size_t errlen)
{
	text_t t = {0};
	char num[160];
	text_puts(&t, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
	for (size_t i = 0; i < run->nresults;) {
		size_t j = i;
		tally_t tl = {{0}};
		double secs = 0;
		while (j < run->nresults &&
		       run->results[j].suite == run->results[i].suite) {
			tally_add(&tl, run->results[j].verdict.kind);
			secs += run->results[j].elapsed_ms / 1000.0;
			j++;
		}
		text_puts(&t, "  <testsuite name=\"");
		text_xml(&t, case_suite(&run->results[i]));
		snprintf(num, sizeof(num),
			 "\" tests=\"%zu\" failures=\"%zu\" errors=\"%zu\" "
			 "skipped=\"%zu\" time=\"%.6f\">\n",
			 j - i, tl.n[SC_FAIL], tl.n[SC_ERROR], tl.n[SC_SKIP],
			 secs);
		text_puts(&t, num);
		for (size_t k = i; k < j; k++)
			junit_case(&t, &run->results[k]);
		text_puts(&t, "  </testsuite>\n");
		i = j;
	}
	text_puts(&t, "</testsuites>\n");
	bool ok = !t.oom && write_atomic(path, t.s, t.len, err, errlen);
	if (t.oom)
		snprintf(err, errlen, "out of memory building %s", path);
	free(t.s);
	return ok;
}

/* ---- TAP and terminal -------------------------------------------------- */

void report_tap(const sc_run_t *run, FILE *f)
{
	fprintf(f, "TAP version 13\n1..%zu\n", run->nresults);
	for (size_t i = 0; i < run->nresults; i++) {
		const sc_result_t *r = &run->results[i];
		sc_verdict_kind_t v = r->verdict.kind;
		fprintf(f, "%s %zu - %s/%s%s\n",
			v == SC_PASS || v == SC_SKIP ? "ok" : "not ok", i + 1,
			case_suite(r), r->c->name, v == SC_SKIP ? " # SKIP" : "");
		if (v != SC_FAIL && v != SC_ERROR)
			continue;
		fprintf(f, "  ---\n  verdict: %s\n  level: %s\n",
			sc_verdict_name(v), sc_level_name(r->c->level));
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
	if (run->interrupted)
		fprintf(f, "Bail out! interrupted\n");
}

void report_progress(size_t done, size_t total, size_t failed, FILE *f)
{
	fprintf(f, "\r%zu/%zu cases, %zu failed ", done, total, failed);
	if (done == total)
		fputs("\r\033[K", f);
	fflush(f);
}

static void print_wire(FILE *f, const char *label, const uint8_t *p, size_t n)
{
	dns_arena_t arena;
	dns_msg_t m;
	dns_arena_init(&arena, 0);
	dns_msg_decode(&m, p, n, DNS_DECODE_SURVEY, &arena);
	fprintf(f, "    %s (%zu bytes):\n", label, n);
	char *text = m.wire_len >= DNS_HEADER_LEN ? dns_msg_to_text_alloc(&m)
						  : NULL;
	for (char *line = text ? strtok(text, "\n") : NULL; line;
	     line = strtok(NULL, "\n"))
		fprintf(f, "      %s\n", line);
	for (unsigned i = 0; i < m.nviol; i++)
		fprintf(f, "      !! offset %zu: %s (%s)\n", m.viol[i].offset,
			dns_rc_text(m.viol[i].code), dns_rc_name(m.viol[i].code));
	dns_mem_free(text);
	dns_arena_free(&arena);
}

static void print_failure(FILE *f, const sc_result_t *r, bool color,
			  bool verbose)
{
	const char *on = color ? "\033[31m" : "", *off = color ? "\033[0m" : "";
	fprintf(f, "%s%s%s %s/%s", on,
		r->verdict.kind == SC_FAIL ? "FAIL" : "ERROR", off,
		case_suite(r), r->c->name);
	if (r->c->rfc)
		fprintf(f, " [%s, %s]", r->c->rfc, sc_level_name(r->c->level));
	else
		fprintf(f, " [%s]", sc_level_name(r->c->level));
	fputc('\n', f);
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
}

void report_summary(const sc_run_t *run, FILE *f, bool color, bool verbose)
{
	for (size_t i = 0; i < run->nresults; i++) {
		sc_verdict_kind_t v = run->results[i].verdict.kind;
		if (v == SC_FAIL || v == SC_ERROR)
			print_failure(f, &run->results[i], color, verbose);
	}
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
				case_suite(&run->results[i]),
				sc_level_name((sc_level_t)l), n[SC_PASS],
				n[SC_FAIL], n[SC_ERROR], n[SC_SKIP]);
		}
		i = j;
	}
	fprintf(f, "%-32s %-6s %6zu %6zu %6zu %6zu\n", "total", "", total.n[0],
		total.n[1], total.n[2], total.n[3]);
	if (run->interrupted)
		fprintf(f, "interrupted: the results are partial\n");
}
