/* html.c - report.html: the compliance matrix, cases x targets, in one
 * self-contained page (inline CSS, a little inline JavaScript for the
 * filters; no external asset). Every text from a scenario, a server or a
 * target's output is escaped; invalid UTF-8 and control bytes become
 * U+FFFD. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "report/report.h"
#include "report/report_int.h"

#define LOG_SHOWN (64u * 1024u) /* bytes of a target's output in the page */

/* Row order: failures first. */
enum { RANK_FAIL, RANK_NEW_PASS, RANK_DEVIATION, RANK_OK, NRANKS };

/* ---- escaping ----------------------------------------------------------- */

/* n bytes of s as HTML text (also safe in a quoted attribute); ASCII
 * letters lowered when lower. */
/* Bytes esc_n writes as they are. */
static bool html_plain(unsigned char c, bool lower)
{
	return c >= 0x20 && c < 0x7f && c != '&' && c != '<' && c != '>' &&
	       c != '"' && c != '\'' && !(lower && c >= 'A' && c <= 'Z');
}

static void esc_n(FILE *f, const char *s, size_t n, bool lower)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	while (p < end) {
		const unsigned char *run = p;
		while (p < end && html_plain(*p, lower))
			p++;
		if (p > run) /* the common case: all of it at once */
			fwrite(run, 1, (size_t)(p - run), f);
		if (p == end)
			break;
		unsigned char c = *p;
		size_t len = 1;
		if (c == '&')
			fputs("&amp;", f);
		else if (c == '<')
			fputs("&lt;", f);
		else if (c == '>')
			fputs("&gt;", f);
		else if (c == '"')
			fputs("&quot;", f);
		else if (c == '\'')
			fputs("&#39;", f);
		else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			fputs("&#xFFFD;", f);
		else if (c < 0x80)
			fputc(lower && c >= 'A' && c <= 'Z' ? c + 32 : c, f);
		else if ((len = report_utf8_len(p, (size_t)(end - p))) == 0) {
			fputs("&#xFFFD;", f);
			len = 1;
		} else
			fwrite(p, 1, len, f);
		p += len;
	}
}

static void esc(FILE *f, const char *s)
{
	if (s != NULL)
		esc_n(f, s, strlen(s), false);
}

/* ---- cells -------------------------------------------------------------- */

/* The CSS class of a result: pass fail error skip xdev npass. */
static const char *cell_class(const sc_result_t *r)
{
	static const char *const by_verdict[] = {"pass", "fail", "error",
						 "skip"};
	if (r->exp == SC_EXP_DEVIATION)
		return "xdev";
	if (r->exp == SC_EXP_NEW_PASS)
		return "npass";
	return (unsigned)r->verdict.kind < 4 ? by_verdict[r->verdict.kind]
					     : "error";
}

static const char *cell_label(const sc_result_t *r)
{
	static const char *const by_verdict[] = {"pass", "FAIL", "ERROR",
						 "skip"};
	if (r->exp == SC_EXP_DEVIATION)
		return r->verdict.kind == SC_FAIL ? "xfail" : "xerror";
	if (r->exp == SC_EXP_NEW_PASS)
		return "new pass";
	return (unsigned)r->verdict.kind < 4 ? by_verdict[r->verdict.kind]
					     : "?";
}

static int cell_rank(const sc_result_t *r)
{
	if (r->exp == SC_EXP_DEVIATION)
		return RANK_DEVIATION;
	if (r->exp == SC_EXP_NEW_PASS)
		return RANK_NEW_PASS;
	if (r->verdict.kind == SC_FAIL || r->verdict.kind == SC_ERROR)
		return RANK_FAIL;
	return RANK_OK;
}

/* The result of row i in run k, or NULL when that run lacks the case. */
static const sc_result_t *cell(const sc_run_t *runs, size_t k, size_t i)
{
	if (i >= runs[k].nresults || i >= runs[0].nresults ||
	    runs[k].results[i].c != runs[0].results[i].c)
		return NULL;
	return &runs[k].results[i];
}

static void put_wire(FILE *f, const char *title, const uint8_t *p, size_t n)
{
	fprintf(f, "<h4>%s (%zu bytes)</h4><pre>", title, n);
	char *text = report_wire_text(p, n);
	esc(f, text ? text : "(out of memory)");
	free(text);
	fputs("</pre>\n", f);
}

static void put_reasons(FILE *f, const sc_result_t *r)
{
	const sc_verdict_t *v = &r->verdict;
	if (v->nreasons == 0)
		return;
	fputs("<h4>Expectation diff</h4><table class=\"why\"><tr><th>check"
	      "</th><th>expected</th><th>got</th></tr>\n",
	      f);
	for (size_t i = 0; i < v->nreasons; i++) {
		fputs("<tr><td>", f);
		esc(f, v->reasons[i].check);
		fputs("</td><td>", f);
		esc(f, v->reasons[i].expected);
		fputs("</td><td>", f);
		esc(f, v->reasons[i].got);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void put_expectation(FILE *f, const sc_run_t *run, const sc_result_t *r)
{
	if (run->expected_file == NULL)
		return;
	static const char *const what[] = {"not listed", "expected deviation",
					   "new failure",
					   "new pass: update the file"};
	fprintf(f, "<p class=\"exp %s\"><b>%s</b> &mdash; ", cell_class(r),
		what[(unsigned)r->exp < 4 ? r->exp : 0]);
	if (r->exp_reason != NULL) {
		fputs("listed in ", f);
		esc(f, run->expected_file);
		fprintf(f, " as %s: ", sc_verdict_name(r->exp_verdict));
		esc(f, r->exp_reason);
	} else {
		fputs("not listed in ", f);
		esc(f, run->expected_file);
	}
	fputs("</p>\n", f);
}

static void put_pop_head(FILE *f, const sc_run_t *run, const sc_result_t *r)
{
	const sc_case_t *c = r->c;
	fputs("<div class=\"pop\"><button type=\"button\" class=\"close\" "
	      "onclick=\"this.closest('details').open=false\">close "
	      "&#x2715;</button>\n<h3>",
	      f);
	esc(f, report_target_name(run));
	fputs(" &mdash; ", f);
	esc(f, report_case_suite(r));
	fputc('/', f);
	esc(f, c->name);
	fprintf(f,
		"</h3>\n<p class=\"meta\"><span class=\"badge %s\">%s</span> "
		"%s",
		cell_class(r), cell_label(r), sc_level_name(c->level));
	if (c->rfc != NULL) {
		fputs(" &middot; ", f);
		esc(f, c->rfc);
	}
	fprintf(f, " &middot; %s &middot; %.1f ms",
		sc_transport_name(r->obs.transport), r->elapsed_ms);
	if (r->suite != NULL && r->suite->file != NULL) {
		fputs(" &middot; ", f);
		esc(f, r->suite->file);
	}
	fputs("</p>\n", f);
}

static void put_pop(FILE *f, const sc_run_t *run, const sc_result_t *r,
		    bool messages)
{
	put_pop_head(f, run, r);
	if (run->died_during == r) {
		fputs("<p class=\"died\">the target died during this case: ",
		      f);
		esc(f, run->target_died);
		fputs("</p>\n", f);
	}
	put_expectation(f, run, r);
	put_reasons(f, r);
	if (r->obs.net_detail != NULL) {
		fputs("<p>network: ", f);
		esc(f, r->obs.net_detail);
		fputs("</p>\n", f);
	}
	if (r->obs.alive_probed)
		fprintf(f, "<p>alive probe: %s</p>\n",
			r->obs.alive ? "answered" : "no answer");
	if (!messages) {
		fputs("<p><i>messages omitted (large run): see "
		      "report.json</i></p>\n",
		      f);
	} else {
		if (r->obs.query != NULL)
			put_wire(f, "Query", r->obs.query, r->obs.qlen);
		for (size_t i = 0; i < r->obs.nmsgs; i++) {
			char title[32];
			snprintf(title, sizeof(title), "Response %zu", i + 1);
			put_wire(f, title, r->obs.msgs[i], r->obs.lens[i]);
		}
		if (r->obs.query != NULL && r->obs.nmsgs == 0)
			fputs("<p>no response</p>\n", f);
	}
	if (r->client != NULL) {
		fputs("<h4>Program</h4><pre>$ ", f);
		esc(f, r->client->command);
		fputs("\n", f);
		esc(f, r->client->status);
		fprintf(f, "</pre><h4>stdout (%zu bytes%s)</h4><pre>",
			r->client->out_bytes,
			r->client->out_cut ? ", truncated" : "");
		esc(f, r->client->out);
		fprintf(f, "</pre><h4>stderr (%zu bytes%s)</h4><pre>",
			r->client->err_bytes,
			r->client->err_cut ? ", truncated" : "");
		esc(f, r->client->err);
		fputs("</pre>\n", f);
	}
	if (r->upstream_log != NULL) {
		fprintf(f, "<h4>Upstream (%zu quer%s)</h4><pre>",
			r->upstream_count,
			r->upstream_count == 1 ? "y" : "ies");
		esc(f, r->upstream_log);
		fputs("</pre>\n", f);
	}
	fputs("</div>", f);
}

static void put_cell(FILE *f, const sc_run_t *run, const sc_result_t *r,
		     bool detail)
{
	if (r == NULL) {
		fputs("<td class=\"c none\">&ndash;</td>", f);
		return;
	}
	bool died = run->died_during == r;
	if (!detail && r->verdict.kind == SC_PASS && r->exp == SC_EXP_NONE &&
	    !died) { /* a large run: a plain pass is one word */
		fprintf(f,
			"<td class=\"c flat %s\" title=\"%s, %.1f ms (details "
			"in report.json)\">%s</td>",
			cell_class(r), sc_transport_name(r->obs.transport),
			r->elapsed_ms, cell_label(r));
		return;
	}
	fprintf(f,
		"<td class=\"c %s%s\"><details class=\"cell\"><summary>%s%s"
		"</summary>",
		cell_class(r), died ? " died" : "", cell_label(r),
		died ? " &#x2620;" : "");
	put_pop(f, run, r, detail || r->verdict.kind != SC_PASS);
	fputs("</details></td>", f);
}

/* ---- rows --------------------------------------------------------------- */

static int row_rank(const sc_run_t *runs, size_t n, size_t i)
{
	int rank = RANK_OK;
	for (size_t k = 0; k < n; k++) {
		const sc_result_t *r = cell(runs, k, i);
		int rk = r ? cell_rank(r) : RANK_OK;
		if (rk < rank)
			rank = rk;
	}
	return rank;
}

static void put_row(FILE *f, const sc_run_t *runs, size_t n, size_t i,
		    bool detail)
{
	const sc_result_t *first = &runs[0].results[i];
	const sc_case_t *c = first->c;
	const char *suite = report_case_suite(first);
	fputs("<tr data-suite=\"", f);
	esc(f, suite);
	fputs("\" data-level=\"", f);
	fputs(sc_level_name(c->level), f);
	fputs("\" data-v=\"", f);
	for (size_t k = 0; k < n; k++) {
		const sc_result_t *r = cell(runs, k, i);
		if (k > 0)
			fputc(' ', f);
		fputs(r ? cell_class(r) : "none", f);
	}
	fputs("\" data-key=\"", f);
	esc_n(f, suite, strlen(suite), true);
	fputc('/', f);
	esc_n(f, c->name, strlen(c->name), true);
	fputs("\"><td class=\"case\"><span class=\"suite\">", f);
	esc(f, suite);
	fputs("/</span>", f);
	esc(f, c->name);
	fputs("</td><td class=\"lv ", f);
	fputs(sc_level_name(c->level), f);
	fputs("\">", f);
	fputs(sc_level_name(c->level), f);
	fputs("</td><td class=\"rfc\">", f);
	esc(f, c->rfc ? c->rfc : "");
	fputs("</td>", f);
	for (size_t k = 0; k < n; k++)
		put_cell(f, &runs[k], cell(runs, k, i), detail);
	fputs("</tr>\n", f);
}

/* ---- the page ----------------------------------------------------------- */

static const char css[] =
    "body{font:14px/1.4 system-ui,sans-serif;margin:1em 1.5em;color:#222}"
    "h1{font-size:1.5em;margin:.2em 0}h3{margin:.2em 0 .4em}"
    "h4{margin:.8em 0 .2em}.meta{color:#555}"
    "table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:top}"
    "th{background:#eee;position:sticky;top:0;z-index:2}"
    "#m td.case{font-family:ui-monospace,monospace;font-size:12px}"
    ".suite{color:#777}.rfc{font-size:12px;color:#444}"
    "td.c{padding:0;text-align:center;min-width:5em}"
    "td.flat{padding:2px 6px;font-weight:600}"
    "details.cell>summary{list-style:none;cursor:pointer;padding:2px 6px;"
    "font-weight:600}"
    "details.cell>summary::-webkit-details-marker{display:none}"
    "details.cell[open]>summary{outline:3px solid #333}"
    "details.cell[open]>.pop{position:fixed;top:0;right:0;"
    "width:min(64em,78vw);height:100vh;overflow:auto;background:#fff;"
    "border-left:3px solid #555;box-shadow:-4px 0 18px rgba(0,0,0,.35);"
    "padding:.8em 1.4em;z-index:10;text-align:left;box-sizing:border-box;"
    "font-weight:400;color:#222}"
    ".close{float:right}"
    "pre{white-space:pre-wrap;word-break:break-all;background:#f6f6f6;"
    "padding:.5em;font-size:12px;margin:0}"
    ".pass{background:#c8e6c9;color:#1b5e20}"
    ".fail{background:#ef9a9a;color:#7f0000}"
    ".error{background:#ffcc80;color:#6d3000}"
    ".skip{background:#e0e0e0;color:#424242}"
    ".xdev{background:#fff59d;color:#5d4000}"
    ".npass{background:#90caf9;color:#0d3c61}"
    ".none{background:#fafafa;color:#999}"
    "td.died{outline:3px solid #000;outline-offset:-3px}"
    ".died{font-weight:700;color:#b71c1c}"
    ".badge{padding:1px 6px;border-radius:3px;font-weight:600}"
    "#filters{margin:.8em 0;display:flex;gap:1em;flex-wrap:wrap;"
    "align-items:center}"
    ".sum td{text-align:right}.sum td:first-child{text-align:left}"
    ".legend span{padding:1px 6px;margin-right:.4em;border-radius:3px}"
    ".why td{font-family:ui-monospace,monospace;font-size:12px}";

static const char script[] =
    "(function(){var $=function(i){return document.getElementById(i);};"
    "function apply(){var s=$('fs').value,l=$('fl').value,v=$('fv').value,"
    "q=$('fq').value.toLowerCase(),n=0,rows=$('m').tBodies[0].rows;"
    "for(var i=0;i<rows.length;i++){var r=rows[i],d=r.dataset,"
    "vs=' '+d.v+' ';var ok=(!s||d.suite===s)&&(!l||d.level===l)&&"
    "(!v||(v==='notpass'?/ (fail|error|xdev|npass) /.test(vs):"
    "vs.indexOf(' '+v+' ')>=0))&&(!q||d.key.indexOf(q)>=0);"
    "r.hidden=!ok;if(ok)n++;}"
    "$('count').textContent=n+' of '+rows.length+' cases shown';}"
    "['fs','fl','fv','fq'].forEach(function(i){"
    "$(i).addEventListener('input',apply);"
    "$(i).addEventListener('change',apply);});"
    "document.addEventListener('toggle',function(e){var t=e.target;"
    "if(t.open&&t.classList&&t.classList.contains('cell')){"
    "document.querySelectorAll('details.cell[open]').forEach(function(o)"
    "{if(o!==t)o.open=false;});}},true);"
    "document.addEventListener('keydown',function(e){if(e.key==='Escape')"
    "document.querySelectorAll('details.cell[open]').forEach(function(o)"
    "{o.open=false;});});apply();})();";

static void put_head(FILE *f, const sc_run_t *runs, size_t n)
{
	char started[32];
	time_t t = (time_t)runs[0].started_unix;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(started, sizeof(started), "%Y-%m-%d %H:%M:%S UTC", &tm);
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
	      "charset=\"utf-8\">\n<meta name=\"viewport\" "
	      "content=\"width=device-width\">\n<title>DNS compliance: ",
	      f);
	esc(f, runs[0].run_id ? runs[0].run_id : "run");
	fprintf(f, "</title>\n<style>%s</style></head>\n<body>\n", css);
	fputs("<h1>DNS compliance matrix</h1>\n<p class=\"meta\">run ", f);
	esc(f, runs[0].run_id ? runs[0].run_id : "");
	fprintf(f,
		" &middot; started %s &middot; %zu case%s &times; %zu "
		"target%s &middot; dnsharness %s</p>\n",
		started, runs[0].nresults, runs[0].nresults == 1 ? "" : "s", n,
		n == 1 ? "" : "s", DNSHARNESS_VERSION);
}

static void put_status(FILE *f, const sc_run_t *run)
{
	if (run->interrupted)
		fputs("interrupted ", f);
	if (run->target == NULL)
		fputs("<span class=\"died\">did not start</span> ", f);
	if (run->target_died != NULL) {
		fputs("<span class=\"died\">died: ", f);
		esc(f, run->target_died);
		if (run->died_during != NULL) {
			fputs(" during ", f);
			esc(f, report_case_suite(run->died_during));
			fputc('/', f);
			esc(f, run->died_during->c->name);
		}
		fputs("</span>", f);
	}
}

static void put_summary(FILE *f, const sc_run_t *runs, size_t n)
{
	fputs("<table class=\"sum\"><tr><th>target</th><th>address</th>"
	      "<th>pass</th><th>fail</th><th>error</th><th>skip</th>"
	      "<th>expected deviations</th><th>new failures</th>"
	      "<th>new passes</th><th>status</th></tr>\n",
	      f);
	for (size_t k = 0; k < n; k++) {
		size_t v[4] = {0}, e[4];
		for (size_t i = 0; i < runs[k].nresults; i++)
			if ((unsigned)runs[k].results[i].verdict.kind < 4)
				v[runs[k].results[i].verdict.kind]++;
		report_exp_counts(&runs[k], e);
		fputs("<tr><td>", f);
		esc(f, report_target_name(&runs[k]));
		fputs("</td><td>", f);
		esc(f, runs[k].target ? runs[k].target : "");
		fprintf(f,
			"</td><td>%zu</td><td>%zu</td><td>%zu</td><td>%zu"
			"</td>",
			v[SC_PASS], v[SC_FAIL], v[SC_ERROR], v[SC_SKIP]);
		if (runs[k].expected_file != NULL)
			fprintf(f, "<td>%zu</td><td>%zu</td><td>%zu</td>",
				e[SC_EXP_DEVIATION], e[SC_EXP_NEW_FAIL],
				e[SC_EXP_NEW_PASS]);
		else
			fputs("<td></td><td></td><td></td>", f);
		fputs("<td>", f);
		put_status(f, &runs[k]);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n<p class=\"legend\"><span class=\"pass\">pass</span>"
	      "<span class=\"fail\">FAIL</span><span class=\"error\">ERROR"
	      "</span><span class=\"skip\">skip</span><span class=\"xdev\">"
	      "xfail: expected deviation</span><span class=\"npass\">new pass"
	      "</span>&#x2620; the target died during this case. Click a cell "
	      "for the query, the responses and the expectation diff.</p>\n",
	      f);
}

static void put_filters(FILE *f, const sc_run_t *runs)
{
	fputs("<div id=\"filters\"><label>suite <select id=\"fs\"><option "
	      "value=\"\">all</option>",
	      f);
	const sc_suite_t *last = NULL;
	for (size_t i = 0; i < runs[0].nresults; i++) {
		const sc_result_t *r = &runs[0].results[i];
		if (r->suite == last)
			continue;
		last = r->suite;
		fputs("<option>", f);
		esc(f, report_case_suite(r));
		fputs("</option>", f);
	}
	fputs("</select></label>\n<label>level <select id=\"fl\"><option "
	      "value=\"\">all</option><option>must</option><option>should"
	      "</option><option>may</option></select></label>\n<label>verdict "
	      "<select id=\"fv\"><option value=\"\">all</option><option "
	      "value=\"notpass\">anything but pass</option><option "
	      "value=\"fail\">FAIL</option><option value=\"error\">ERROR"
	      "</option><option value=\"xdev\">expected deviation</option>"
	      "<option value=\"npass\">new pass</option><option "
	      "value=\"skip\">skip</option><option value=\"pass\">pass"
	      "</option></select></label>\n<label>case <input id=\"fq\" "
	      "type=\"search\" placeholder=\"name contains\"></label>\n"
	      "<span id=\"count\"></span></div>\n",
	      f);
}

static void put_matrix(FILE *f, const sc_run_t *runs, size_t n)
{
	fputs("<table id=\"m\"><thead><tr><th>case</th><th>level</th>"
	      "<th>RFC</th>",
	      f);
	for (size_t k = 0; k < n; k++) {
		fputs("<th>", f);
		esc(f, report_target_name(&runs[k]));
		fputs("</th>", f);
	}
	fputs("</tr></thead>\n<tbody>\n", f);
	bool detail = runs[0].nresults * n <= REPORT_HTML_DETAIL;
	for (int rank = 0; rank < NRANKS; rank++)
		for (size_t i = 0; i < runs[0].nresults; i++)
			if (row_rank(runs, n, i) == rank)
				put_row(f, runs, n, i, detail);
	fputs("</tbody></table>\n", f);
}

static void put_logs(FILE *f, const sc_run_t *runs, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		const char *log = runs[k].target_log;
		if (log == NULL)
			continue;
		size_t len = strlen(log);
		const char *from =
		    len > LOG_SHOWN ? log + len - LOG_SHOWN : log;
		fputs("<details class=\"log\"><summary>output of ", f);
		esc(f, report_target_name(&runs[k]));
		fprintf(f, " (%zu bytes%s)</summary><pre>", len,
			from != log ? ", the end" : "");
		esc(f, from);
		fputs("</pre></details>\n", f);
	}
}

bool report_write_html(const sc_run_t *runs, size_t n, const char *path,
		       char *err, size_t errlen)
{
	if (n == 0) {
		snprintf(err, errlen, "%s: no run to report", path);
		return false;
	}
	report_file_t rf;
	if (!report_file_open(&rf, path, err, errlen))
		return false;
	put_head(rf.f, runs, n);
	put_summary(rf.f, runs, n);
	put_filters(rf.f, runs);
	put_matrix(rf.f, runs, n);
	put_logs(rf.f, runs, n);
	fprintf(rf.f, "<script>%s</script>\n</body></html>\n", script);
	return report_file_commit(&rf, true, err, errlen);
}
