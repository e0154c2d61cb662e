/* test_report.c - report.json, junit.xml, TAP, summary and the pcap log. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <jansson.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns/arena.h"
#include "dns/msg.h"
#include "dns/print.h"
#include "report/report.h"
#include "report/report_int.h"

static const uint8_t query_wire[] = {
    0x12, 0x34, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 7,
    'e',  'x',	'a',  'm',  'p',  'l',	'e',  0,    0x00, 0x06, 0x00, 0x01};
static const uint8_t resp_wire[] = {0x12, 0x34, 0x84, 0x00, 0x00, 0x01, 0x00,
				    0x00, 0x00, 0x00, 0x00, 0x00, 7,	'e',
				    'x',  'a',	'm',  'p',  'l',  'e',	0,
				    0x00, 0x06, 0x00, 0x01, 0xff};

typedef struct fixture {
	sc_suite_t suite;
	sc_case_t cases[3];
	sc_result_t results[3];
	sc_reason_t reason;
	const uint8_t *msgs[1];
	size_t lens[1];
	sc_run_t run;
	char dir[64];
} fixture_t;

static int setup(void **state)
{
	fixture_t *f = calloc(1, sizeof(*f));
	f->suite.name = "edns<&>";
	f->suite.file = "scenarios/x.yaml";
	const char *names[] = {"ok-case", "bad-case", "skipped"};
	for (int i = 0; i < 3; i++) {
		f->cases[i].name = names[i];
		f->cases[i].level = SC_MUST;
		f->results[i].suite = &f->suite;
		f->results[i].c = &f->cases[i];
		f->results[i].obs.query = query_wire;
		f->results[i].obs.qlen = sizeof(query_wire);
	}
	f->cases[1].rfc = "RFC 6891 6.1.3";
	f->cases[2].level = SC_SHOULD;
	f->results[0].verdict.kind = SC_PASS;
	f->results[1].verdict.kind = SC_FAIL;
	f->reason = (sc_reason_t){"rcode", "BADVERS", "NOERROR \"x\""};
	f->results[1].verdict.reasons = &f->reason;
	f->results[1].verdict.nreasons = 1;
	f->msgs[0] = resp_wire;
	f->lens[0] = sizeof(resp_wire);
	f->results[1].obs.msgs = f->msgs;
	f->results[1].obs.lens = f->lens;
	f->results[1].obs.nmsgs = 1;
	f->results[2].verdict.kind = SC_SKIP;
	f->run.run_id = "test-run";
	f->run.target = "127.0.0.1:5300";
	f->run.results = f->results;
	f->run.nresults = 3;
	f->run.started_unix = 1764176400.0;
	strcpy(f->dir, "/tmp/dnsh-report-XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture_t *f = *state;
	char cmd[128];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

static void test_json(void **state)
{
	fixture_t *f = *state;
	char path[128], err[256];
	snprintf(path, sizeof(path), "%s/report.json", f->dir);
	assert_true(report_write_json(&f->run, path, err, sizeof(err)));
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);
	assert_non_null(root);
	assert_string_equal(json_string_value(json_object_get(root, "run_id")),
			    "test-run");
	json_t *sum = json_object_get(root, "summary");
	assert_int_equal(json_integer_value(json_object_get(sum, "pass")), 1);
	assert_int_equal(json_integer_value(json_object_get(sum, "fail")), 1);
	assert_int_equal(json_integer_value(json_object_get(sum, "skip")), 1);
	json_t *bad = json_array_get(json_object_get(root, "cases"), 1);
	assert_string_equal(json_string_value(json_object_get(bad, "verdict")),
			    "fail");
	assert_string_equal(json_string_value(json_object_get(bad, "rfc")),
			    "RFC 6891 6.1.3");
	json_t *r0 = json_array_get(json_object_get(bad, "reasons"), 0);
	assert_string_equal(json_string_value(json_object_get(r0, "expected")),
			    "BADVERS");
	json_t *resp = json_array_get(json_object_get(bad, "responses"), 0);
	assert_string_equal(
	    json_string_value(json_object_get(resp, "hex")),
	    "123484000001000000000000076578616D706C650000060001FF");
	/* the trailing byte is a named violation with its offset */
	json_t *v0 = json_array_get(json_object_get(resp, "violations"), 0);
	assert_string_equal(json_string_value(json_object_get(v0, "code")),
			    "trailing-bytes");
	assert_int_equal(json_integer_value(json_object_get(v0, "offset")), 25);
	json_t *dec = json_object_get(resp, "decoded");
	assert_string_equal(json_string_value(json_object_get(dec, "rcode")),
			    "NOERROR");
	json_decref(root);
	/* no temporary file is left behind */
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "ls '%s' | grep -q tmp", f->dir);
	assert_int_not_equal(system(cmd), 0);
}

/* tcp: {hold:}: the observation in report.json, and under -v (passed
 * cases included); a case without a hold has no "hold" key. */
static void test_json_hold(void **state)
{
	fixture_t *f = *state;
	const sc_hold_obs_t hold = {.state = SC_HOLD_CLOSED,
				    .asked_ms = 3000,
				    .after_ms = 1203.4,
				    .reuse_asked = true};
	f->results[0].obs.hold = &hold;
	char path[128], err[256];
	snprintf(path, sizeof(path), "%s/report.json", f->dir);
	assert_true(report_write_json(&f->run, path, err, sizeof(err)));
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);
	assert_non_null(root);
	json_t *cases = json_object_get(root, "cases");
	json_t *h = json_object_get(json_array_get(cases, 0), "hold");
	assert_non_null(h);
	assert_int_equal(json_integer_value(json_object_get(h, "asked_ms")),
			 3000);
	assert_string_equal(json_string_value(json_object_get(h, "state")),
			    "closed");
	assert_true(json_real_value(json_object_get(h, "after_ms")) > 1203.0);
	assert_string_equal(json_string_value(json_object_get(h, "reuse")),
			    "not sent");
	assert_null(json_object_get(json_array_get(cases, 1), "hold"));
	json_decref(root);
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	report_summary(&f->run, m, false, true);
	fclose(m);
	assert_non_null(strstr(buf, "PASS edns<&>/ok-case [must]\n    hold: "
				    "closed by the server 1203 ms after the "
				    "response\n"));
	free(buf);
	f->results[0].obs.hold = NULL;
}

/* The whole file at path as a heap string (free it). */
static char *slurp_all(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	assert_int_equal(fseek(fp, 0, SEEK_END), 0);
	long n = ftell(fp);
	assert_true(n >= 0);
	rewind(fp);
	char *buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
	buf[n] = 0;
	fclose(fp);
	*len = (size_t)n;
	return buf;
}

static void test_junit(void **state)
{
	fixture_t *f = *state;
	char path[128], err[256];
	snprintf(path, sizeof(path), "%s/junit.xml", f->dir);
	assert_true(report_write_junit(&f->run, path, err, sizeof(err)));
	size_t len;
	char *x = slurp_all(path, &len);
	assert_non_null(strstr(x, "<testsuite name=\"edns&lt;&amp;&gt;\" "
				  "tests=\"3\" failures=\"1\" errors=\"0\" "
				  "skipped=\"1\""));
	assert_non_null(strstr(x, "<failure message=\"rcode\">"));
	assert_non_null(strstr(x, "rcode: expected BADVERS, got NOERROR "
				  "&quot;x&quot;"));
	assert_non_null(strstr(x, "<skipped/>"));
	free(x);
	/* a path in a missing directory is an error with a sentence */
	assert_false(report_write_junit(&f->run, "/nonexistent/dir/j.xml", err,
					sizeof(err)));
	assert_non_null(strstr(err, "/nonexistent/dir/j.xml"));
}

static void test_tap_summary(void **state)
{
	fixture_t *f = *state;
	char *buf = NULL;
	size_t len = 0;
	FILE *m = open_memstream(&buf, &len);
	report_tap(&f->run, m);
	fclose(m);
	assert_non_null(strstr(buf, "1..3\nok 1 - edns<&>/ok-case\n"
				    "not ok 2 - edns<&>/bad-case\n"));
	assert_non_null(strstr(buf, "ok 3 - edns<&>/skipped # SKIP"));
	free(buf);
	m = open_memstream(&buf, &len);
	report_summary(&f->run, m, false, true);
	fclose(m);
	assert_non_null(
	    strstr(buf, "FAIL edns<&>/bad-case [RFC 6891 6.1.3, must]"));
	assert_non_null(strstr(buf, "rcode: expected BADVERS, got NOERROR"));
	assert_non_null(strstr(buf, "!! offset 25:"));
	assert_non_null(strstr(buf, "total"));
	free(buf);
}

static void sa4(struct sockaddr_in *s, const char *ip, uint16_t port)
{
	memset(s, 0, sizeof(*s));
	s->sin_family = AF_INET;
	s->sin_port = htons(port);
	inet_pton(AF_INET, ip, &s->sin_addr);
}

static void test_pcap(void **state)
{
	fixture_t *f = *state;
	char path[128], err[256];
	snprintf(path, sizeof(path), "%s/traffic.pcap", f->dir);
	pcap_log_t *p = pcap_log_open(path, err, sizeof(err));
	assert_non_null(p);
	struct sockaddr_in c, s;
	sa4(&c, "127.0.0.1", 40000);
	sa4(&s, "127.0.0.2", 5300);
	pcap_log_udp(p, (struct sockaddr *)&c, (struct sockaddr *)&s,
		     query_wire, sizeof(query_wire));
	pcap_log_tcp_open(p, 7, (struct sockaddr *)&c, (struct sockaddr *)&s);
	pcap_log_tcp_data(p, 7, true, query_wire, sizeof(query_wire));
	pcap_log_tcp_close(p, 7, false);
	pcap_log_close(p);
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *r = pcap_open_offline(path, ebuf);
	assert_non_null(r);
	assert_int_equal(pcap_datalink(r), DLT_RAW);
	struct pcap_pkthdr *h;
	const u_char *d;
	int n = 0;
	while (pcap_next_ex(r, &h, &d) == 1) {
		if (n == 0) { /* the UDP datagram: IPv4 + UDP + payload */
			assert_int_equal(h->caplen,
					 20 + 8 + sizeof(query_wire));
			assert_int_equal(d[9], 17);
			assert_memory_equal(d + 28, query_wire,
					    sizeof(query_wire));
		}
		if (n == 4) { /* SYN, SYN-ACK, ACK, then the data */
			assert_int_equal(d[9], 6);
			assert_int_equal(d[20 + 13], 0x18);
			assert_memory_equal(d + 40, query_wire,
					    sizeof(query_wire));
		}
		n++;
	}
	pcap_close(r);
	assert_int_equal(n, 1 + 3 + 1 + 2);
}

/* Numbers and strings of the JSON writer, byte for byte. */
static void test_jsonw_values(void **state)
{
	(void)state;
	char *text = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&text, &len);
	jsonw_t *w = malloc(sizeof(*w));
	assert_non_null(mf);
	assert_non_null(w);
	jsonw_init(w, mf);
	jsonw_int(w, 0);
	jsonw_raw(w, " ", 1);
	jsonw_int(w, -42);
	jsonw_raw(w, " ", 1);
	jsonw_int(w, INT64_MIN);
	jsonw_raw(w, " ", 1);
	jsonw_ms(w, 0.0);
	jsonw_raw(w, " ", 1);
	jsonw_ms(w, 1.0006);
	jsonw_raw(w, " ", 1);
	jsonw_ms(w, 12345.6789);
	jsonw_raw(w, " ", 1);
	jsonw_ms(w, -0.25);
	jsonw_raw(w, " ", 1);
	jsonw_str(w, "a\0b\x7f\xe2\x82\xac\xe2\x82", 9);
	jsonw_raw(w, " ", 1);
	jsonw_cstr(w, NULL);
	jsonw_raw(w, " ", 1);
	static const uint8_t hex[] = {0x00, 0xab, 0xff};
	jsonw_hex(w, hex, sizeof(hex));
	for (int i = 0; i < 5000; i++) /* past the buffer, then flushed */
		jsonw_raw(w, "0123456789", 10);
	jsonw_flush(w);
	assert_false(w->err);
	free(w);
	fclose(mf);
	static const char want[] =
	    "0 -42 -9223372036854775808 0.000 1.001 "
	    "12345.679 -0.250 \"a\\u0000b\x7f\xe2\x82\xac"
	    "\\ufffd\\ufffd\" null \"00ABFF\"";
	assert_int_equal(len, sizeof(want) - 1 + 50000);
	assert_memory_equal(text, want, sizeof(want) - 1);
	assert_memory_equal(text + len - 10, "0123456789", 10);
	free(text);
}

/* Occurrences of needle in the file at path. */
static size_t count_in(const char *path, const char *needle)
{
	FILE *fp = fopen(path, "r");
	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	long n = ftell(fp);
	rewind(fp);
	char *text = malloc((size_t)n + 1);
	assert_non_null(text);
	assert_int_equal(fread(text, 1, (size_t)n, fp), (size_t)n);
	text[n] = '\0';
	fclose(fp);
	size_t k = 0;
	for (const char *p = text; (p = strstr(p, needle)) != NULL; p++)
		k++;
	free(text);
	return k;
}

/* report.html: every cell opens its details in a small run; above
 * REPORT_HTML_DETAIL cells a plain pass is one word, a failure still has
 * its details and decoded messages; texts are escaped. */
static void test_html_large(void **state)
{
	fixture_t *f = *state;
	char path[128], err[256];
	snprintf(path, sizeof(path), "%s/small.html", f->dir);
	assert_true(report_write_html(&f->run, 1, path, err, sizeof(err)));
	assert_int_equal(count_in(path, "<details class=\"cell\">"), 3);
	assert_true(count_in(path, "edns&lt;&amp;&gt;/") >= 3);
	assert_int_equal(count_in(path, "edns<"), 0);
	assert_int_equal(count_in(path, "<td class=\"c flat"), 0);

	size_t n = REPORT_HTML_DETAIL + 1;
	sc_result_t *rs = calloc(n, sizeof(*rs));
	assert_non_null(rs);
	for (size_t i = 0; i < n; i++)
		rs[i] = f->results[0]; /* a pass */
	rs[7] = f->results[1];	       /* a failure */
	sc_run_t run = f->run;
	run.results = rs;
	run.nresults = n;
	snprintf(path, sizeof(path), "%s/large.html", f->dir);
	assert_true(report_write_html(&run, 1, path, err, sizeof(err)));
	assert_int_equal(count_in(path, "<td class=\"c flat pass\""), n - 1);
	assert_int_equal(count_in(path, "<details class=\"cell\">"), 1);
	assert_int_equal(count_in(path, "<h4>Response 1 ("), 1);
	free(rs);
}

/* Lines of path holding needle. */
static int lines_with(const char *path, const char *needle)
{
	FILE *fp = fopen(path, "r");
	char line[65536];
	int n = 0;
	assert_non_null(fp);
	while (fgets(line, sizeof(line), fp) != NULL)
		n += strstr(line, needle) != NULL;
	fclose(fp);
	return n;
}

/* report.json of a run larger than a block of cases (report.c renders
 * half of each block in a helper thread): every case once, in order, the
 * decoded responses of each half, one case per line. */
static void test_json_many(void **state)
{
	fixture_t *f = *state;
	char path[128], err[256];
	size_t n = 2600; /* two whole blocks of 1024 and a part */
	sc_result_t *rs = calloc(n, sizeof(*rs));
	sc_case_t *cs = calloc(n, sizeof(*cs));
	char(*names)[16] = calloc(n, sizeof(*names));
	assert_true(rs != NULL && cs != NULL && names != NULL);
	for (size_t i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "c%05zu", i);
		cs[i] = f->cases[i % 3 == 1 ? 1 : 0];
		cs[i].name = names[i];
		rs[i] = f->results[i % 3 == 1 ? 1 : 0];
		rs[i].c = &cs[i];
	}
	sc_run_t run = f->run;
	run.results = rs;
	run.nresults = n;
	snprintf(path, sizeof(path), "%s/many.json", f->dir);
	assert_true(report_write_json(&run, path, err, sizeof(err)));
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);
	assert_non_null(root);
	json_t *cases = json_object_get(root, "cases");
	assert_int_equal(json_array_size(cases), n);
	for (size_t i = 0; i < n; i++) {
		json_t *c = json_array_get(cases, i);
		assert_string_equal(
		    json_string_value(json_object_get(c, "name")), names[i]);
		json_t *resp = json_object_get(c, "responses");
		assert_int_equal(json_array_size(resp), i % 3 == 1 ? 1 : 0);
	}
	json_decref(root);
	assert_int_equal(lines_with(path, "\"verdict\""), (int)n);
	free(names);
	free(cs);
	free(rs);
}

/* report_stream: cases rendered while the run plays, announced in any
 * order, give report.json byte for byte as rendered after the run; when
 * a run-level field the cases show changed after they were rendered (the
 * target died), the writer renders them again; nothing is left in the
 * directory. */
static void test_json_stream(void **state)
{
	fixture_t *f = *state;
	char path[128], plain_path[128], err[256];
	size_t n = 1500, len, plain_len;
	sc_result_t *rs = calloc(n, sizeof(*rs));
	sc_case_t *cs = calloc(n, sizeof(*cs));
	char(*names)[16] = calloc(n, sizeof(*names));
	assert_true(rs != NULL && cs != NULL && names != NULL);
	for (size_t i = 0; i < n; i++) {
		snprintf(names[i], sizeof(names[i]), "c%05zu", i);
		cs[i] = f->cases[i % 3];
		cs[i].name = names[i];
		rs[i] = f->results[i % 3];
		rs[i].c = &cs[i];
	}
	sc_run_t run = f->run;
	run.results = rs;
	run.nresults = n;
	snprintf(plain_path, sizeof(plain_path), "%s/plain.json", f->dir);
	snprintf(path, sizeof(path), "%s/stream.json", f->dir);
	assert_true(report_write_json(&run, plain_path, err, sizeof(err)));
	char *plain = slurp_all(plain_path, &plain_len);
	for (int died = 0; died < 2; died++) {
		report_stream_t *s = report_stream_start(f->dir);
		assert_non_null(s);
		/* pairs swapped: 1 0 3 2 ..., the last one alone */
		for (size_t i = 0; i < n; i++) {
			size_t k = i % 2 == 0 ? (i + 1 < n ? i + 1 : i) : i - 1;
			report_stream_ended(s, &run, k);
		}
		report_stream_finish(s, &run);
		if (died) /* found after the cases were rendered */
			run.died_during = &rs[3];
		FILE *fp = tmpfile();
		assert_non_null(fp);
		jsonw_t *w = malloc(sizeof(*w));
		assert_non_null(w);
		jsonw_init(w, fp);
		/* used when nothing changed, not when the target died */
		assert_int_equal(report_stream_copy(s, &run, 1, w), !died);
		assert_false(w->err);
		free(w);
		fclose(fp);
		if (died) { /* the same as without a stream */
			assert_true(report_write_json(&run, plain_path, err,
						      sizeof(err)));
			free(plain);
			plain = slurp_all(plain_path, &plain_len);
		}
		assert_true(report_write_json_stream(&run, 1, s, path, err,
						     sizeof(err)));
		report_stream_free(s);
		char *got = slurp_all(path, &len);
		assert_int_equal(len, plain_len);
		assert_memory_equal(got, plain, len);
		free(got);
	}
	assert_non_null(strstr(plain, "\"target_died\""));
	char cmd[160];
	snprintf(cmd, sizeof(cmd), "ls -a '%s' | grep -q cases", f->dir);
	assert_int_not_equal(system(cmd), 0);
	free(plain);
	free(names);
	free(cs);
	free(rs);
}

/* Hostile bytes anywhere a text comes from a scenario, a server or a
 * target still give valid JSON: control bytes escaped, bytes that are not
 * UTF-8 as U+FFFD, valid UTF-8 kept; one case per line. */
static void test_json_hostile(void **state)
{
	fixture_t *f = *state;
	sc_suite_t suite = f->suite;
	sc_case_t cases[3];
	sc_result_t results[3];
	sc_run_t run = f->run;
	sc_reason_t why = {"rcode", "quote \" back\\slash", "\xff\xfe\x01\n"};
	memcpy(cases, f->cases, sizeof(cases));
	memcpy(results, f->results, sizeof(results));
	suite.name = "s\x1b[31m\"<\\>";
	cases[0].name = "caf\xc3\xa9 \xc3(\xed\xa0\x80";
	results[1].verdict.reasons = &why;
	for (int i = 0; i < 3; i++) {
		results[i].suite = &suite;
		results[i].c = &cases[i];
	}
	run.results = results;
	run.target_log = "log \x80\x7f\t end";
	run.program = "nsd";
	char path[128], err[256];
	snprintf(path, sizeof(path), "%s/hostile.json", f->dir);
	assert_true(report_write_json(&run, path, err, sizeof(err)));
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);
	if (root == NULL)
		fail_msg("%s:%d: %s", path, je.line, je.text);
	json_t *cs = json_object_get(root, "cases");
	assert_int_equal(json_array_size(cs), 3);
	json_t *c0 = json_array_get(cs, 0), *c1 = json_array_get(cs, 1);
	assert_string_equal(json_string_value(json_object_get(c0, "suite")),
			    "s\x1b[31m\"<\\>");
	assert_string_equal(json_string_value(json_object_get(c0, "name")),
			    "caf\xc3\xa9 \xef\xbf\xbd(\xef\xbf\xbd\xef\xbf\xbd"
			    "\xef\xbf\xbd");
	json_t *r0 = json_array_get(json_object_get(c1, "reasons"), 0);
	assert_string_equal(json_string_value(json_object_get(r0, "expected")),
			    "quote \" back\\slash");
	assert_string_equal(json_string_value(json_object_get(r0, "got")),
			    "\xef\xbf\xbd\xef\xbf\xbd\x01\n");
	assert_string_equal(
	    json_string_value(json_object_get(root, "target_log")),
	    "log \xef\xbf\xbd\x7f\t end");
	json_decref(root);
	assert_int_equal(lines_with(path, "\"verdict\": "), 3);
	assert_int_equal(lines_with(path, "\"elapsed_ms\": "), 4);
}

/* Several targets: "targets" in the order given, each with every case in
 * the order of its results. */
static void test_json_targets_order(void **state)
{
	fixture_t *f = *state;
	sc_run_t runs[2] = {f->run, f->run};
	sc_result_t rev[3] = {f->results[2], f->results[1], f->results[0]};
	runs[0].program = "nsd";
	runs[1].program = "knot";
	runs[1].results = rev;
	char path[128], err[256];
	snprintf(path, sizeof(path), "%s/targets.json", f->dir);
	assert_true(report_write_json_runs(runs, 2, path, err, sizeof(err)));
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);
	assert_non_null(root);
	json_t *ts = json_object_get(root, "targets");
	assert_int_equal(json_array_size(ts), 2);
	const char *want[2][3] = {{"ok-case", "bad-case", "skipped"},
				  {"skipped", "bad-case", "ok-case"}};
	for (size_t k = 0; k < 2; k++) {
		json_t *t = json_array_get(ts, k);
		assert_string_equal(
		    json_string_value(json_object_get(t, "program")),
		    k ? "knot" : "nsd");
		json_t *cs = json_object_get(t, "cases");
		for (size_t i = 0; i < 3; i++)
			assert_string_equal(json_string_value(json_object_get(
						json_array_get(cs, i), "name")),
					    want[k][i]);
	}
	assert_int_equal(json_integer_value(json_object_get(
			     json_object_get(root, "summary"), "pass")),
			 2);
	json_decref(root);
}

/* report_msg_json writes what dns_msg_to_json builds, for every captured
 * answer of NSD, Knot and BIND (and for damaged copies of them). */
static void msg_json_agrees(const uint8_t *p, size_t n, dns_arena_t *a)
{
	dns_msg_t m;
	dns_msg_decode(&m, p, n, DNS_DECODE_SURVEY, a);
	if (m.wire_len < 12)
		return;
	char *text = NULL;
	size_t len = 0;
	FILE *mf = open_memstream(&text, &len);
	assert_non_null(mf);
	jsonw_t *w = malloc(sizeof(*w));
	assert_non_null(w);
	jsonw_init(w, mf);
	assert_true(report_msg_json(w, &m));
	jsonw_flush(w);
	free(w);
	fclose(mf);
	json_error_t je;
	json_t *ours = json_loadb(text, len, 0, &je);
	json_t *want = dns_msg_to_json(&m);
	if (ours == NULL || !json_equal(ours, want))
		fail_msg("differs from dns_msg_to_json: %.300s", text);
	json_decref(ours);
	json_decref(want);
	free(text);
	dns_arena_reset(a);
}

static void test_msg_json(void **state)
{
	(void)state;
	const char *src = getenv("DNSHARNESS_SRC");
	const char *servers[] = {"nsd", "knot", "bind"};
	dns_arena_t a;
	dns_arena_init(&a, 0);
	size_t files = 0;
	for (size_t i = 0; i < 3; i++) {
		char dir[512], path[1024];
		snprintf(dir, sizeof(dir), "%s/harness/tests/data/captures/%s",
			 src && src[0] ? src : ".", servers[i]);
		DIR *d = opendir(dir);
		assert_non_null(d);
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			size_t nl = strlen(e->d_name);
			if (nl < 5 || strcmp(e->d_name + nl - 4, ".bin") != 0)
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			uint8_t buf[65536];
			FILE *fp = fopen(path, "rb");
			assert_non_null(fp);
			size_t n = fread(buf, 1, sizeof(buf), fp);
			fclose(fp);
			msg_json_agrees(buf, n, &a);
			buf[n / 2] ^= 0x5a; /* damaged: survey-mode output */
			msg_json_agrees(buf, n - n / 4, &a);
			files++;
		}
		closedir(d);
	}
	dns_arena_free(&a);
	assert_true(files > 100);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_json_hold),
	    cmocka_unit_test(test_json_hostile),
	    cmocka_unit_test(test_json_many),
	    cmocka_unit_test(test_json_stream),
	    cmocka_unit_test(test_jsonw_values),
	    cmocka_unit_test(test_json_targets_order),
	    cmocka_unit_test(test_html_large),
	    cmocka_unit_test(test_msg_json),
	    cmocka_unit_test(test_junit),
	    cmocka_unit_test(test_tap_summary),
	    cmocka_unit_test(test_pcap),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
