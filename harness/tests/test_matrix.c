/* test_matrix.c - reports with a target dimension: report.html (the
 * compliance matrix: escaping, order, cells, filters), and report.json,
 * junit.xml, TAP and the summary for several runs, with the comparison
 * with expectations files and a target that died. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/report.h"

static const uint8_t query_wire[] = {
    0x12, 0x34, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 7,
    'e',  'x',	'a',  'm',  'p',  'l',	'e',  0,    0x00, 0x06, 0x00, 0x01};
static const uint8_t resp_wire[] = {
    0x12, 0x34, 0x84, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 7,
    'e',  'x',	'a',  'm',  'p',  'l',	'e',  0,    0x00, 0x06, 0x00, 0x01};

#define NCASES 3

/* Two runs of the same three cases: "nsd" passes the first, fails the
 * second as listed, fails the third unlisted; "knot" passes the first,
 * passes the second (listed: a new pass) and dies during the third. */
typedef struct fixture {
	sc_suite_t suite;
	sc_case_t cases[NCASES];
	sc_result_t results[2][NCASES];
	sc_reason_t hostile, died;
	const uint8_t *msgs[1];
	size_t lens[1];
	sc_run_t runs[2];
	char dir[64];
	char path[128];
} fixture_t;

static int setup(void **state)
{
	fixture_t *f = calloc(1, sizeof(*f));
	f->suite.name = "edns<script>";
	f->suite.file = "s.yaml";
	static const char *const names[NCASES] = {"passes", "listed&\"q\"",
						  "bad<b>"};
	for (size_t i = 0; i < NCASES; i++) {
		f->cases[i].name = names[i];
		f->cases[i].level = i == 2 ? SC_SHOULD : SC_MUST;
		f->cases[i].rfc = "RFC 6891 6.1.1";
		for (size_t k = 0; k < 2; k++) {
			sc_result_t *r = &f->results[k][i];
			r->suite = &f->suite;
			r->c = &f->cases[i];
			r->obs.query = query_wire;
			r->obs.qlen = sizeof(query_wire);
		}
	}
	f->hostile =
	    (sc_reason_t){"rcode", "FORMERR <&>", "NOERROR \x01\xff\xfe</td>"};
	f->died = (sc_reason_t){"target", "the target running",
				"target died during this case: killed"};
	f->msgs[0] = resp_wire;
	f->lens[0] = sizeof(resp_wire);
	sc_result_t *nsd = f->results[0], *knot = f->results[1];
	nsd[0].verdict.kind = SC_PASS;
	nsd[0].obs.msgs = f->msgs;
	nsd[0].obs.lens = f->lens;
	nsd[0].obs.nmsgs = 1;
	nsd[1].verdict = (sc_verdict_t){SC_FAIL, &f->hostile, 1};
	nsd[1].exp = SC_EXP_DEVIATION;
	nsd[1].exp_verdict = SC_FAIL;
	nsd[1].exp_reason = "known <i>deviation</i>";
	nsd[2].verdict = (sc_verdict_t){SC_FAIL, &f->hostile, 1};
	nsd[2].exp = SC_EXP_NEW_FAIL;
	knot[0].verdict.kind = SC_PASS;
	knot[1].verdict.kind = SC_PASS;
	knot[1].exp = SC_EXP_NEW_PASS;
	knot[1].exp_verdict = SC_FAIL;
	knot[1].exp_reason = "was broken";
	knot[2].verdict = (sc_verdict_t){SC_ERROR, &f->died, 1};
	knot[2].exp = SC_EXP_NEW_FAIL;
	static const char *const progs[2] = {"nsd", "knot"};
	for (size_t k = 0; k < 2; k++) {
		f->runs[k] = (sc_run_t){.run_id = "run-1",
					.target = "127.0.0.1:5300",
					.results = f->results[k],
					.nresults = NCASES,
					.program = progs[k],
					.expected_file = "t/x.expected",
					.started_unix = 1764176400.0};
	}
	f->runs[0].target_log = "nsd says </pre><script>alert(1)</script>";
	f->runs[1].target_died = "killed by signal 11 (SIGSEGV)";
	f->runs[1].died_during = &knot[2];
	strcpy(f->dir, "/tmp/test_matrix.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture_t *f = *state;
	static const char *const files[] = {"r.html", "r.json", "j.xml",
					    "one.json"};
	char path[160];
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", f->dir, files[i]);
		unlink(path);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	static char buf[1 << 18];
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = 0;
	fclose(fp);
	return buf;
}

static const char *html(fixture_t *f, size_t nruns)
{
	char err[256];
	snprintf(f->path, sizeof(f->path), "%s/r.html", f->dir);
	assert_true(
	    report_write_html(f->runs, nruns, f->path, err, sizeof(err)));
	return slurp(f->path);
}

static void test_html_escapes(void **state)
{
	fixture_t *f = *state;
	const char *h = html(f, 2);
	/* one <script> element: ours, at the end */
	const char *s = strstr(h, "<script>");
	assert_non_null(s);
	assert_null(strstr(s + 1, "<script>"));
	assert_non_null(strstr(s, "</script>\n</body></html>\n"));
	assert_non_null(strstr(h, "edns&lt;script&gt;/"));
	assert_non_null(strstr(h, "listed&amp;&quot;q&quot;"));
	assert_non_null(strstr(h, "bad&lt;b&gt;"));
	assert_non_null(strstr(h, "FORMERR &lt;&amp;&gt;"));
	/* a control byte and invalid UTF-8 become U+FFFD */
	assert_non_null(
	    strstr(h, "NOERROR &#xFFFD;&#xFFFD;&#xFFFD;&lt;/td&gt;"));
	assert_non_null(strstr(h, "known &lt;i&gt;deviation&lt;/i&gt;"));
	assert_non_null(strstr(h, "nsd says &lt;/pre&gt;&lt;script&gt;"));
	/* nothing loaded from elsewhere */
	assert_null(strstr(h, "src="));
	assert_null(strstr(h, "href="));
	assert_null(strstr(h, "url("));
}

static void test_html_matrix(void **state)
{
	fixture_t *f = *state;
	const char *h = html(f, 2);
	assert_non_null(strstr(h, "<th>nsd</th><th>knot</th>"));
	/* failures first: the unlisted failure, then the listed case
	 * (deviation and new pass), then the passing one */
	const char *bad =
	    strstr(h, "data-key=\"edns&lt;script&gt;/bad&lt;b&gt;\"");
	const char *listed =
	    strstr(h, "data-key=\"edns&lt;script&gt;/listed&amp;");
	const char *passes =
	    strstr(h, "data-key=\"edns&lt;script&gt;/passes\"");
	assert_non_null(bad);
	assert_non_null(listed);
	assert_non_null(passes);
	assert_true(bad < listed && listed < passes);
	assert_non_null(strstr(h, "data-v=\"fail error\""));
	assert_non_null(strstr(h, "data-v=\"xdev npass\""));
	assert_non_null(strstr(h, "data-v=\"pass pass\""));
	assert_non_null(strstr(h, "data-level=\"should\""));
	/* cells: classes, labels, the death, the expectations */
	assert_non_null(strstr(h, "<td class=\"c xdev\"><details "
				  "class=\"cell\"><summary>xfail</summary>"));
	assert_non_null(strstr(h, "<summary>new pass</summary>"));
	assert_non_null(strstr(h, "<td class=\"c error died\">"));
	assert_non_null(strstr(h, "the target died during this case: killed "
				  "by signal 11 (SIGSEGV)"));
	assert_non_null(
	    strstr(h, "listed in t/x.expected as fail: was broken"));
	assert_non_null(strstr(h, "RFC 6891 6.1.1"));
	/* the query and the response, dig-style */
	assert_non_null(strstr(h, "<h4>Query (25 bytes)</h4>"));
	assert_non_null(strstr(h, "<h4>Response 1 (25 bytes)</h4>"));
	assert_non_null(strstr(h, ";; QUESTION SECTION:"));
	/* the summary table and the filters */
	assert_non_null(strstr(h, "<option>edns&lt;script&gt;</option>"));
	assert_non_null(strstr(h, "<select id=\"fv\">"));
	assert_non_null(strstr(h, "3 cases &times; 2 targets"));
	/* one run: one column */
	h = html(f, 1);
	assert_non_null(strstr(h, "<th>nsd</th></tr>"));
	assert_null(strstr(h, "<th>knot</th>"));
}

static void test_json_targets(void **state)
{
	fixture_t *f = *state;
	char path[160], err[256];
	snprintf(path, sizeof(path), "%s/r.json", f->dir);
	assert_true(report_write_json_runs(f->runs, 2, path, err, sizeof(err)));
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);
	assert_non_null(root);
	assert_null(json_object_get(root, "cases"));
	json_t *sum = json_object_get(root, "summary");
	assert_int_equal(json_integer_value(json_object_get(sum, "pass")), 3);
	json_t *ts = json_object_get(root, "targets");
	assert_int_equal(json_array_size(ts), 2);
	json_t *nsd = json_array_get(ts, 0), *knot = json_array_get(ts, 1);
	assert_string_equal(json_string_value(json_object_get(nsd, "program")),
			    "nsd");
	assert_int_equal(json_array_size(json_object_get(nsd, "cases")), 3);
	json_t *exp = json_object_get(nsd, "expected");
	assert_false(json_boolean_value(json_object_get(exp, "matches")));
	assert_int_equal(json_integer_value(json_object_get(exp, "deviations")),
			 1);
	json_t *nf = json_array_get(json_object_get(exp, "new_failures"), 0);
	assert_string_equal(json_string_value(json_object_get(nf, "name")),
			    "bad<b>");
	json_t *c1 = json_array_get(json_object_get(nsd, "cases"), 1);
	json_t *ce = json_object_get(c1, "expected");
	assert_string_equal(json_string_value(json_object_get(ce, "status")),
			    "deviation");
	assert_string_equal(json_string_value(json_object_get(ce, "reason")),
			    "known <i>deviation</i>");
	json_t *died = json_object_get(knot, "target_died");
	assert_string_equal(json_string_value(json_object_get(died, "status")),
			    "killed by signal 11 (SIGSEGV)");
	json_t *during = json_object_get(died, "during");
	assert_string_equal(json_string_value(json_object_get(during, "name")),
			    "bad<b>");
	json_t *np =
	    json_object_get(json_object_get(knot, "expected"), "new_passes");
	assert_int_equal(json_array_size(np), 1);
	assert_true(json_is_null(json_object_get(nsd, "target_died")));
	json_decref(root);
	/* one run: the one-target shape, with the same per-target keys */
	snprintf(path, sizeof(path), "%s/one.json", f->dir);
	assert_true(report_write_json_runs(f->runs, 1, path, err, sizeof(err)));
	root = json_load_file(path, 0, &je);
	assert_non_null(root);
	assert_null(json_object_get(root, "targets"));
	assert_int_equal(json_array_size(json_object_get(root, "cases")), 3);
	assert_string_equal(json_string_value(json_object_get(root, "program")),
			    "nsd");
	assert_string_equal(
	    json_string_value(json_object_get(root, "target_log")),
	    "nsd says </pre><script>alert(1)</script>");
	json_decref(root);
}

static void test_junit_tap_summary(void **state)
{
	fixture_t *f = *state;
	char path[160], err[256];
	snprintf(path, sizeof(path), "%s/j.xml", f->dir);
	assert_true(
	    report_write_junit_runs(f->runs, 2, path, err, sizeof(err)));
	const char *x = slurp(path);
	/* nsd: the deviation is skipped; knot: the new pass fails */
	assert_non_null(strstr(x, "<testsuite name=\"nsd: edns&lt;script&gt;\" "
				  "tests=\"3\" failures=\"1\" errors=\"0\" "
				  "skipped=\"1\""));
	assert_non_null(strstr(x,
			       "<testsuite name=\"knot: edns&lt;script&gt;\" "
			       "tests=\"3\" failures=\"1\" errors=\"1\" "
			       "skipped=\"0\""));
	assert_non_null(strstr(x, "<failure message=\"new pass\">"));
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	report_tap_runs(f->runs, 2, m);
	fclose(m);
	assert_non_null(strstr(buf, "1..6\n"));
	assert_non_null(strstr(buf, "not ok 2 - nsd: edns<script>/listed&\"q\" "
				    "# TODO expected deviation"));
	assert_non_null(strstr(buf, "ok 5 - knot: edns<script>/listed"));
	free(buf);
	m = open_memstream(&buf, &len);
	report_summary_runs(f->runs, 2, m, false, false);
	fclose(m);
	assert_non_null(strstr(buf, "== nsd (127.0.0.1:5300) =="));
	assert_non_null(strstr(buf, "== knot (127.0.0.1:5300) =="));
	/* the expected deviation is not listed without -v */
	assert_null(strstr(buf, "XFAIL"));
	assert_non_null(strstr(buf, "FAIL edns<script>/bad<b>"));
	assert_non_null(strstr(buf,
			       "TARGET DIED: knot killed by signal 11 "
			       "(SIGSEGV) during case edns<script>/bad<b>"));
	assert_non_null(strstr(buf, "1 expected deviation, 1 new failure, 0 "
				    "new passes"));
	assert_non_null(strstr(buf, "  edns<script>/listed&\"q\"  pass  "
				    "(listed as fail: was broken)"));
	assert_non_null(strstr(buf, "new-pass"));
	assert_non_null(strstr(buf, "knot             must"));
	free(buf);
	m = open_memstream(&buf, &len);
	report_summary_runs(f->runs, 1, m, false, true);
	fclose(m);
	assert_non_null(strstr(buf, "XFAIL edns<script>/listed&\"q\""));
	assert_non_null(strstr(buf, "listed in t/x.expected as fail: known"));
	assert_null(strstr(buf, "=="));
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_html_escapes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_html_matrix, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_json_targets, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_junit_tap_summary, setup,
					    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
