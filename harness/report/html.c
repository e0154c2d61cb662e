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
#include "report/textw.h"

#define LOG_SHOWN (64u * 1024u) /* bytes of a target's output in the page */

/* Row order: failures first. */
enum { RANK_FAIL, RANK_NEW_PASS, RANK_DEVIATION, RANK_OK, NRANKS };

/* ---- escaping ----------------------------------------------------------- */

/* How esc_n takes a byte: 2, as it is (in runs); 1, an ASCII capital:
 * as it is unless lowering; 0, one at a time: markup characters, control
 * bytes, bytes past ASCII (a row starts at its index; what no row lists
 * is 0). */
/* clang-format off */
static const unsigned char html_byte[256] = {
    /*   sp !  "  #  $  %  &  '  (  )  *  +  ,  -  .  /     */
    [0x20] = 2, 2, 0, 2, 2, 2, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2,
    /*   0  1  2  3  4  5  6  7  8  9  :  ;  <  =  >  ?     */
    [0x30] = 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0, 2, 0, 2,
    /*   @  A  B  C  D  E  F  G  H  I  J  K  L  M  N  O     */
    [0x40] = 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
    /*   P  Q  R  S  T  U  V  W  X  Y  Z  [  \  ]  ^  _     */
    [0x50] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2,
    /*   `  a  b  c  d  e  f  g  h  i  j  k  l  m  n  o     */
    [0x60] = 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2,
    /*   p  q  r  s  t  u  v  w  x  y  z  {  |  }  ~  DEL   */
    [0x70] = 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 0,
};
/* clang-format on */

/* The byte at p (end - p > 0) that is not written as it is: its
 * entity, or itself lowered; returns the bytes it took (a UTF-8
 * sequence is taken whole, an invalid one byte by byte). */
static size_t esc_other(textw_t *w, const unsigned char *p,
			const unsigned char *end, bool lower)
{
	unsigned char c = *p;
	size_t len = 1;
	if (c == '&')
		textw_str(w, "&amp;");
	else if (c == '<')
		textw_str(w, "&lt;");
	else if (c == '>')
		textw_str(w, "&gt;");
	else if (c == '"')
		textw_str(w, "&quot;");
	else if (c == '\'')
		textw_str(w, "&#39;");
	else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
		textw_str(w, "&#xFFFD;");
	else if (c < 0x80) /* tab, newline, a capital being lowered */
		textw_byte(w,
			   (char)(lower && c >= 'A' && c <= 'Z' ? c + 32 : c));
	else if ((len = report_utf8_len(p, (size_t)(end - p))) == 0) {
		textw_str(w, "&#xFFFD;");
		len = 1;
	} else
		textw_raw(w, (const char *)p, len);
	return len;
}

/* n bytes of s as HTML text (also safe in a quoted attribute); ASCII
 * letters lowered when lower. Invalid UTF-8 and control bytes but tab
 * and newline become U+FFFD. */
static void esc_n(textw_t *w, const char *s, size_t n, bool lower)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	unsigned char min = lower ? 2 : 1;
	while (p < end) {
		const unsigned char *run = p;
		while (p < end && html_byte[*p] >= min)
			p++;
		if (p > run) /* the common case: all of it at once */
			textw_raw(w, (const char *)run, (size_t)(p - run));
		if (p < end)
			p += esc_other(w, p, end, lower);
	}
}

static void esc(textw_t *w, const char *s)
{
	if (s != NULL)
		esc_n(w, s, strlen(s), false);
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

static void put_wire(textw_t *w, const char *title, const uint8_t *p, size_t n)
{
	textw_printf(w, "<h4>%s (%zu bytes)</h4><pre>", title, n);
	char *text = report_wire_text(p, n);
	esc(w, text ? text : "(out of memory)");
	free(text);
	textw_str(w, "</pre>\n");
}

static void put_reasons(textw_t *w, const sc_result_t *r)
{
	const sc_verdict_t *v = &r->verdict;
	if (v->nreasons == 0)
		return;
	textw_str(w,
		  "<h4>Expectation diff</h4><table class=\"why\"><tr><th>check"
		  "</th><th>expected</th><th>got</th></tr>\n");
	for (size_t i = 0; i < v->nreasons; i++) {
		textw_str(w, "<tr><td>");
		esc(w, v->reasons[i].check);
		textw_str(w, "</td><td>");
		esc(w, v->reasons[i].expected);
		textw_str(w, "</td><td>");
		esc(w, v->reasons[i].got);
		textw_str(w, "</td></tr>\n");
	}
	textw_str(w, "</table>\n");
}

static void put_expectation(textw_t *w, const sc_run_t *run,
			    const sc_result_t *r)
{
	if (run->expected_file == NULL)
		return;
	static const char *const what[] = {"not listed", "expected deviation",
					   "new failure",
					   "new pass: update the file"};
	textw_printf(w, "<p class=\"exp %s\"><b>%s</b> &mdash; ", cell_class(r),
		     what[(unsigned)r->exp < 4 ? r->exp : 0]);
	if (r->exp_reason != NULL) {
		textw_str(w, "listed in ");
		esc(w, run->expected_file);
		textw_printf(w, " as %s: ", sc_verdict_name(r->exp_verdict));
		esc(w, r->exp_reason);
	} else {
		textw_str(w, "not listed in ");
		esc(w, run->expected_file);
	}
	textw_str(w, "</p>\n");
}

static void put_pop_head(textw_t *w, const sc_run_t *run, const sc_result_t *r)
{
	const sc_case_t *c = r->c;
	textw_str(w,
		  "<div class=\"pop\"><button type=\"button\" class=\"close\" "
		  "onclick=\"this.closest('details').open=false\">close "
		  "&#x2715;</button>\n<h3>");
	esc(w, report_target_name(run));
	textw_str(w, " &mdash; ");
	esc(w, report_case_suite(r));
	textw_byte(w, '/');
	esc(w, c->name);
	textw_str(w, "</h3>\n<p class=\"meta\"><span class=\"badge ");
	textw_str(w, cell_class(r));
	textw_str(w, "\">");
	textw_str(w, cell_label(r));
	textw_str(w, "</span> ");
	textw_str(w, sc_level_name(c->level));
	if (c->rfc != NULL) {
		textw_str(w, " &middot; ");
		esc(w, c->rfc);
	}
	textw_str(w, " &middot; ");
	textw_str(w, sc_transport_name(r->obs.transport));
	textw_str(w, " &middot; ");
	textw_fixed(w, r->elapsed_ms, 1);
	textw_str(w, " ms");
	if (r->suite != NULL && r->suite->file != NULL) {
		textw_str(w, " &middot; ");
		esc(w, r->suite->file);
	}
	textw_str(w, "</p>\n");
}

static void put_pop(textw_t *w, const sc_run_t *run, const sc_result_t *r,
		    bool messages)
{
	put_pop_head(w, run, r);
	if (run->died_during == r) {
		textw_str(
		    w, "<p class=\"died\">the target died during this case: ");
		esc(w, run->target_died);
		textw_str(w, "</p>\n");
	}
	put_expectation(w, run, r);
	put_reasons(w, r);
	if (r->obs.net_detail != NULL) {
		textw_str(w, "<p>network: ");
		esc(w, r->obs.net_detail);
		textw_str(w, "</p>\n");
	}
	if (r->obs.alive_probed)
		textw_printf(w, "<p>alive probe: %s</p>\n",
			     r->obs.alive ? "answered" : "no answer");
	if (!messages) {
		textw_str(w, "<p><i>messages omitted (large run): see "
			     "report.json</i></p>\n");
	} else {
		if (r->obs.query != NULL)
			put_wire(w, "Query", r->obs.query, r->obs.qlen);
		for (size_t i = 0; i < r->obs.nmsgs; i++) {
			char title[32];
			snprintf(title, sizeof(title), "Response %zu", i + 1);
			put_wire(w, title, r->obs.msgs[i], r->obs.lens[i]);
		}
		if (r->obs.query != NULL && r->obs.nmsgs == 0)
			textw_str(w, "<p>no response</p>\n");
	}
	if (r->client != NULL) {
		textw_str(w, "<h4>Program</h4><pre>$ ");
		esc(w, r->client->command);
		textw_str(w, "\n");
		esc(w, r->client->status);
		textw_printf(w, "</pre><h4>stdout (%zu bytes%s)</h4><pre>",
			     r->client->out_bytes,
			     r->client->out_cut ? ", truncated" : "");
		esc(w, r->client->out);
		textw_printf(w, "</pre><h4>stderr (%zu bytes%s)</h4><pre>",
			     r->client->err_bytes,
			     r->client->err_cut ? ", truncated" : "");
		esc(w, r->client->err);
		textw_str(w, "</pre>\n");
	}
	if (r->upstream_log != NULL) {
		textw_printf(w, "<h4>Upstream (%zu quer%s)</h4><pre>",
			     r->upstream_count,
			     r->upstream_count == 1 ? "y" : "ies");
		esc(w, r->upstream_log);
		textw_str(w, "</pre>\n");
	}
	textw_str(w, "</div>");
}

/* ---- rows --------------------------------------------------------------- */

/* A piece of a row that depends on one text (the suite's name, the
 * level's, the transport's; aux, the level of a row's head, is fixed per
 * piece): written once into the writer's buffer, kept, and copied from then
 * on while the text stays the same (rows of one suite follow each other).
 * A piece too long to keep is written each time. */
typedef void seg_put_fn(textw_t *w, const char *arg, int aux);

typedef struct seg {
	seg_put_fn *put;
	int aux;	 /* put's third argument */
	const char *arg; /* what text holds put's output for; NULL: none */
	char *text;	 /* NULL: not kept, put writes it each time */
	size_t len;
} seg_t;

/* Make sg's text for arg (or leave it NULL when too long to keep). */
static void seg_make(textw_t *w, seg_t *sg, const char *arg)
{
	free(sg->text);
	sg->text = NULL;
	sg->arg = arg;
	/* a piece is at most 64 bytes of markup and its text twice,
	 * escaped: a byte takes at most 8 ("&#xFFFD;") */
	size_t n = strlen(arg);
	if (n <= (sizeof(w->buf) - 64) / 16) {
		textw_room(w, 64 + 16 * n);
		size_t mark = w->len;
		sg->put(w, arg, sg->aux);
		sg->text = textw_take(w, mark, &sg->len);
	}
}

static inline void seg_write(textw_t *w, seg_t *sg, const char *arg)
{
	if (sg->arg != arg)
		seg_make(w, sg, arg);
	if (sg->text != NULL)
		textw_raw(w, sg->text, sg->len);
	else
		sg->put(w, arg, sg->aux);
}

/* The pieces, in the order of a row. */
static void put_head_seg(textw_t *w, const char *suite, int level)
{
	textw_str(w, "<tr data-suite=\"");
	esc(w, suite);
	textw_str(w, "\" data-level=\"");
	textw_str(w, sc_level_name((sc_level_t)level));
	textw_str(w, "\" data-v=\"");
}

static void put_key_seg(textw_t *w, const char *suite, int aux)
{
	(void)aux;
	textw_str(w, "\" data-key=\"");
	esc_n(w, suite, strlen(suite), true);
	textw_byte(w, '/');
}

static void put_case_seg(textw_t *w, const char *suite, int aux)
{
	(void)aux;
	textw_str(w, "\"><td class=\"case\"><span class=\"suite\">");
	esc(w, suite);
	textw_str(w, "/</span>");
}

static void put_lv_seg(textw_t *w, const char *level, int aux)
{
	(void)aux;
	textw_str(w, "</td><td class=\"lv ");
	textw_str(w, level);
	textw_str(w, "\">");
	textw_str(w, level);
	textw_str(w, "</td><td class=\"rfc\">");
}

/* A plain pass of a large run (put_cell) up to its time. */
static void put_flat_seg(textw_t *w, const char *transport, int aux)
{
	(void)aux;
	textw_str(w, "<td class=\"c flat pass\" title=\"");
	textw_str(w, transport);
	textw_str(w, ", ");
}

/* The pieces of the rows: each kept for the last text it was made for. */
typedef struct rows {
	seg_t head[4]; /* by level (3: any other): the suite's */
	seg_t key, kase;
	seg_t lv;
	seg_t flat[4]; /* by transport (3: any other): a run may mix them */
} rows_t;

static void rows_init(rows_t *rw)
{
	memset(rw, 0, sizeof(*rw));
	for (int i = 0; i < 4; i++) {
		rw->head[i] = (seg_t){.put = put_head_seg, .aux = i};
		rw->flat[i].put = put_flat_seg;
	}
	rw->key.put = put_key_seg;
	rw->kase.put = put_case_seg;
	rw->lv.put = put_lv_seg;
}

static void rows_free(rows_t *rw)
{
	for (size_t i = 0; i < 4; i++) {
		free(rw->head[i].text);
		free(rw->flat[i].text);
	}
	free(rw->key.text);
	free(rw->kase.text);
	free(rw->lv.text);
}

static void put_cell(textw_t *w, rows_t *rw, const sc_run_t *run,
		     const sc_result_t *r, bool detail)
{
	if (r == NULL) {
		textw_str(w, "<td class=\"c none\">&ndash;</td>");
		return;
	}
	bool died = run->died_during == r;
	if (!detail && r->verdict.kind == SC_PASS && r->exp == SC_EXP_NONE &&
	    !died) { /* a large run: a plain pass is one word */
		/* (its cell_class and cell_label are both "pass") */
		unsigned t = (unsigned)r->obs.transport;
		seg_write(w, &rw->flat[t < 4 ? t : 3],
			  sc_transport_name(r->obs.transport));
		textw_fixed(w, r->elapsed_ms, 1);
		textw_str(w, " ms (details in report.json)\">pass</td>");
		return;
	}
	textw_str(w, "<td class=\"c ");
	textw_str(w, cell_class(r));
	textw_str(w, died ? " died" : "");
	textw_str(w, "\"><details class=\"cell\"><summary>");
	textw_str(w, cell_label(r));
	textw_str(w, died ? " &#x2620;" : "");
	textw_str(w, "</summary>");
	put_pop(w, run, r, detail || r->verdict.kind != SC_PASS);
	textw_str(w, "</details></td>");
}

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

/* The length of s; *plain tells whether esc_n writes it as it is,
 * lowered or not (most names). */
static size_t name_len(const char *s, bool *plain)
{
	const unsigned char *p = (const unsigned char *)s;
	while (html_byte[*p] == 2) /* not the NUL at the end */
		p++;
	*plain = *p == '\0';
	return (size_t)(p - (const unsigned char *)s) + strlen((const char *)p);
}

static void put_row(textw_t *w, rows_t *rw, const sc_run_t *runs, size_t n,
		    size_t i, bool detail)
{
	const sc_result_t *first = &runs[0].results[i];
	const sc_case_t *c = first->c;
	const char *suite = report_case_suite(first);
	unsigned lv = (unsigned)c->level < 3 ? (unsigned)c->level : 3;
	bool plain;
	size_t nlen = name_len(c->name, &plain);
	seg_write(w, &rw->head[lv], suite);
	for (size_t k = 0; k < n; k++) {
		const sc_result_t *r = cell(runs, k, i);
		if (k > 0)
			textw_byte(w, ' ');
		textw_str(w, r ? cell_class(r) : "none");
	}
	seg_write(w, &rw->key, suite);
	if (plain)
		textw_raw(w, c->name, nlen);
	else
		esc_n(w, c->name, nlen, true);
	seg_write(w, &rw->kase, suite);
	if (plain)
		textw_raw(w, c->name, nlen);
	else
		esc_n(w, c->name, nlen, false);
	seg_write(w, &rw->lv, sc_level_name(c->level));
	esc(w, c->rfc); /* nothing when NULL */
	textw_str(w, "</td>");
	for (size_t k = 0; k < n; k++)
		put_cell(w, rw, &runs[k], cell(runs, k, i), detail);
	textw_str(w, "</tr>\n");
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

static void put_head(textw_t *w, const sc_run_t *runs, size_t n)
{
	char started[32];
	time_t t = (time_t)runs[0].started_unix;
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(started, sizeof(started), "%Y-%m-%d %H:%M:%S UTC", &tm);
	textw_str(w,
		  "<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
		  "charset=\"utf-8\">\n<meta name=\"viewport\" "
		  "content=\"width=device-width\">\n<title>DNS compliance: ");
	esc(w, runs[0].run_id ? runs[0].run_id : "run");
	textw_str(w, "</title>\n<style>");
	textw_str(w, css);
	textw_str(w, "</style></head>\n<body>\n");
	textw_str(w, "<h1>DNS compliance matrix</h1>\n<p class=\"meta\">run ");
	esc(w, runs[0].run_id ? runs[0].run_id : "");
	textw_printf(w,
		     " &middot; started %s &middot; %zu case%s &times; %zu "
		     "target%s &middot; dnsharness %s</p>\n",
		     started, runs[0].nresults,
		     runs[0].nresults == 1 ? "" : "s", n, n == 1 ? "" : "s",
		     DNSHARNESS_VERSION);
}

static void put_status(textw_t *w, const sc_run_t *run)
{
	if (run->interrupted)
		textw_str(w, "interrupted ");
	if (run->target == NULL)
		textw_str(w, "<span class=\"died\">did not start</span> ");
	if (run->target_died != NULL) {
		textw_str(w, "<span class=\"died\">died: ");
		esc(w, run->target_died);
		if (run->died_during != NULL) {
			textw_str(w, " during ");
			esc(w, report_case_suite(run->died_during));
			textw_byte(w, '/');
			esc(w, run->died_during->c->name);
		}
		textw_str(w, "</span>");
	}
}

static void put_summary(textw_t *w, const sc_run_t *runs, size_t n)
{
	textw_str(w, "<table class=\"sum\"><tr><th>target</th><th>address</th>"
		     "<th>pass</th><th>fail</th><th>error</th><th>skip</th>"
		     "<th>expected deviations</th><th>new failures</th>"
		     "<th>new passes</th><th>status</th></tr>\n");
	for (size_t k = 0; k < n; k++) {
		size_t v[4] = {0}, e[4];
		for (size_t i = 0; i < runs[k].nresults; i++)
			if ((unsigned)runs[k].results[i].verdict.kind < 4)
				v[runs[k].results[i].verdict.kind]++;
		report_exp_counts(&runs[k], e);
		textw_str(w, "<tr><td>");
		esc(w, report_target_name(&runs[k]));
		textw_str(w, "</td><td>");
		esc(w, runs[k].target ? runs[k].target : "");
		textw_printf(w,
			     "</td><td>%zu</td><td>%zu</td><td>%zu</td><td>%zu"
			     "</td>",
			     v[SC_PASS], v[SC_FAIL], v[SC_ERROR], v[SC_SKIP]);
		if (runs[k].expected_file != NULL)
			textw_printf(w, "<td>%zu</td><td>%zu</td><td>%zu</td>",
				     e[SC_EXP_DEVIATION], e[SC_EXP_NEW_FAIL],
				     e[SC_EXP_NEW_PASS]);
		else
			textw_str(w, "<td></td><td></td><td></td>");
		textw_str(w, "<td>");
		put_status(w, &runs[k]);
		textw_str(w, "</td></tr>\n");
	}
	textw_str(
	    w, "</table>\n<p class=\"legend\"><span class=\"pass\">pass</span>"
	       "<span class=\"fail\">FAIL</span><span class=\"error\">ERROR"
	       "</span><span class=\"skip\">skip</span><span class=\"xdev\">"
	       "xfail: expected deviation</span><span class=\"npass\">new pass"
	       "</span>&#x2620; the target died during this case. Click a cell "
	       "for the query, the responses and the expectation diff.</p>\n");
}

static void put_filters(textw_t *w, const sc_run_t *runs)
{
	textw_str(w,
		  "<div id=\"filters\"><label>suite <select id=\"fs\"><option "
		  "value=\"\">all</option>");
	const sc_suite_t *last = NULL;
	for (size_t i = 0; i < runs[0].nresults; i++) {
		const sc_result_t *r = &runs[0].results[i];
		if (r->suite == last)
			continue;
		last = r->suite;
		textw_str(w, "<option>");
		esc(w, report_case_suite(r));
		textw_str(w, "</option>");
	}
	textw_str(
	    w, "</select></label>\n<label>level <select id=\"fl\"><option "
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
	       "<span id=\"count\"></span></div>\n");
}

static void put_matrix(textw_t *w, const sc_run_t *runs, size_t n)
{
	textw_str(w, "<table id=\"m\"><thead><tr><th>case</th><th>level</th>"
		     "<th>RFC</th>");
	for (size_t k = 0; k < n; k++) {
		textw_str(w, "<th>");
		esc(w, report_target_name(&runs[k]));
		textw_str(w, "</th>");
	}
	textw_str(w, "</tr></thead>\n<tbody>\n");
	bool detail = runs[0].nresults * n <= REPORT_HTML_DETAIL;
	rows_t rw;
	rows_init(&rw);
	/* each row's rank computed once (out of memory: once per pass), and
	 * a pass only for a rank some row has */
	size_t count[NRANKS] = {0};
	unsigned char *ranks = malloc(runs[0].nresults + 1);
	for (size_t i = 0; ranks != NULL && i < runs[0].nresults; i++) {
		ranks[i] = (unsigned char)row_rank(runs, n, i);
		count[ranks[i]]++;
	}
	for (int rank = 0; rank < NRANKS; rank++) {
		if (ranks != NULL && count[rank] == 0)
			continue;
		for (size_t i = 0; i < runs[0].nresults; i++)
			if ((ranks ? ranks[i] : row_rank(runs, n, i)) == rank)
				put_row(w, &rw, runs, n, i, detail);
	}
	free(ranks);
	rows_free(&rw);
	textw_str(w, "</tbody></table>\n");
}

static void put_logs(textw_t *w, const sc_run_t *runs, size_t n)
{
	for (size_t k = 0; k < n; k++) {
		const char *log = runs[k].target_log;
		if (log == NULL)
			continue;
		size_t len = strlen(log);
		const char *from =
		    len > LOG_SHOWN ? log + len - LOG_SHOWN : log;
		textw_str(w, "<details class=\"log\"><summary>output of ");
		esc(w, report_target_name(&runs[k]));
		textw_printf(w, " (%zu bytes%s)</summary><pre>", len,
			     from != log ? ", the end" : "");
		esc(w, from);
		textw_str(w, "</pre></details>\n");
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
	textw_t *w = malloc(sizeof(*w));
	if (w == NULL) {
		snprintf(err, errlen, "out of memory");
		return report_file_commit(&rf, false, err, errlen);
	}
	textw_init(w, rf.f);
	put_head(w, runs, n);
	put_summary(w, runs, n);
	put_filters(w, runs);
	put_matrix(w, runs, n);
	put_logs(w, runs, n);
	textw_str(w, "<script>");
	textw_str(w, script);
	textw_str(w, "</script>\n</body></html>\n");
	textw_flush(w);
	free(w);
	return report_file_commit(&rf, true, err, errlen);
}
