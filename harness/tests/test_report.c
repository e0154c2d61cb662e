/* test_report.c - report.json, junit.xml, TAP, summary and the pcap log. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <jansson.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/report.h"

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

static char *slurp(const char *path)
{
	FILE *fp = fopen(path, "rb");
	assert_non_null(fp);
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
	buf[n] = 0;
	fclose(fp);
	return buf;
}

static void test_junit(void **state)
{
	fixture_t *f = *state;
	char path[128], err[256];
	snprintf(path, sizeof(path), "%s/junit.xml", f->dir);
	assert_true(report_write_junit(&f->run, path, err, sizeof(err)));
	const char *x = slurp(path);
	assert_non_null(strstr(x, "<testsuite name=\"edns&lt;&amp;&gt;\" "
				  "tests=\"3\" failures=\"1\" errors=\"0\" "
				  "skipped=\"1\""));
	assert_non_null(strstr(x, "<failure message=\"rcode\">"));
	assert_non_null(strstr(x, "rcode: expected BADVERS, got NOERROR "
				  "&quot;x&quot;"));
	assert_non_null(strstr(x, "<skipped/>"));
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

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_json),
	    cmocka_unit_test(test_junit),
	    cmocka_unit_test(test_tap_summary),
	    cmocka_unit_test(test_pcap),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
