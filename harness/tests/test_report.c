/* test_report.c - report.json, junit.xml, TAP, summary and the pcap log. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dirent.h>
#include <jansson.h>
#include <math.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dns/arena.h"
#include "dns/edns.h"
#include "dns/msg.h"
#include "dns/print.h"
#include "report/report.h"
#include "report/report_int.h"
#include "report/textw.h"

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

/* The Internet checksum computed the plain way: 16-bit big-endian words,
 * an odd last byte padded with zero, folded; 0xffff over a packet whose
 * checksum field is right. */
static uint16_t ones_sum(const uint8_t *b, size_t n, uint32_t acc)
{
	for (size_t i = 0; i < n; i += 2)
		acc += (uint32_t)(b[i] << 8 | (i + 1 < n ? b[i + 1] : 0));
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)acc;
}

/* Does the UDP or TCP checksum of raw IP packet d (caplen n) add up? */
static bool l4_sum_ok(const uint8_t *d, size_t n)
{
	if ((d[0] >> 4) == 4) {
		size_t hl = (size_t)(d[0] & 0xf) * 4;
		if (ones_sum(d, hl, 0) != 0xffff)
			return false;
		uint32_t acc =
		    ones_sum(d + 12, 8, 0) + d[9] + (uint32_t)(n - hl);
		return ones_sum(d + hl, n - hl, acc) == 0xffff;
	}
	uint32_t acc = ones_sum(d + 8, 32, 0) + d[6] + (uint32_t)(n - 40);
	return ones_sum(d + 40, n - 40, acc) == 0xffff;
}

static void sa6(struct sockaddr_in6 *s, const char *ip, uint16_t port)
{
	memset(s, 0, sizeof(*s));
	s->sin6_family = AF_INET6;
	s->sin6_port = htons(port);
	inet_pton(AF_INET6, ip, &s->sin6_addr);
}

/* Every record read back by libpcap, with right checksums, past several
 * flushes of the log's buffer; odd and even lengths, IPv4 and IPv6. */
static void test_pcap_checksums(void **state)
{
	fixture_t *f = *state;
	enum { BIG = 150001, CONNS = 4, UDPS = 3000 };
	char path[128], err[256];
	snprintf(path, sizeof(path), "%s/sums.pcap", f->dir);
	uint8_t *big = malloc(BIG);
	assert_non_null(big);
	for (size_t i = 0; i < BIG; i++)
		big[i] = (uint8_t)(i * 131 + 7);
	pcap_log_t *p = pcap_log_open(path, err, sizeof(err));
	assert_non_null(p);
	struct sockaddr_in c4, s4;
	struct sockaddr_in6 c6, s6;
	sa4(&c4, "10.1.2.3", 40001);
	sa4(&s4, "192.0.2.53", 53);
	sa6(&c6, "2001:db8::1", 40002);
	sa6(&s6, "2001:db8:ffff::53", 53);
	size_t want = 0;
	for (int i = 0; i < UDPS; i++) { /* lengths 0..99: odd and even */
		const struct sockaddr *src =
		    i % 2 ? (struct sockaddr *)&c6 : (struct sockaddr *)&c4;
		const struct sockaddr *dst =
		    i % 2 ? (struct sockaddr *)&s6 : (struct sockaddr *)&s4;
		pcap_log_udp(p, src, dst, big + i, (size_t)(i % 100));
		want++;
	}
	for (uint64_t k = 0; k < CONNS; k++) { /* 3 segments: 60000 ... */
		bool v6 = k % 2;
		pcap_log_tcp_open(
		    p, k, v6 ? (struct sockaddr *)&c6 : (struct sockaddr *)&c4,
		    v6 ? (struct sockaddr *)&s6 : (struct sockaddr *)&s4);
		pcap_log_tcp_data(p, k, false, big, BIG);
		pcap_log_tcp_close(p, k, true);
		want += 3 + 3 + 2;
	}
	pcap_log_close(p);
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *r = pcap_open_offline(path, ebuf);
	assert_non_null(r);
	assert_int_equal(pcap_datalink(r), DLT_RAW);
	struct pcap_pkthdr *h;
	const u_char *d;
	size_t n = 0, tcp_bytes = 0;
	while (pcap_next_ex(r, &h, &d) == 1) {
		assert_int_equal(h->caplen, h->len);
		assert_true(l4_sum_ok(d, h->caplen));
		if (n < UDPS) {
			size_t hl = n % 2 ? 40 : 20;
			assert_int_equal(h->caplen, hl + 8 + n % 100);
			assert_memory_equal(d + hl + 8, big + n, n % 100);
		} else {
			size_t hl = (d[0] >> 4) == 6 ? 40 : 20;
			tcp_bytes += h->caplen - hl - 20;
		}
		n++;
	}
	pcap_close(r);
	free(big);
	assert_int_equal(n, want);
	assert_int_equal(tcp_bytes, (size_t)CONNS * BIG);
}

/* Two threads logging at once (a resolver target's scripted servers log
 * from a thread of their own): every record whole, every checksum right. */
typedef struct pcap_writer {
	pcap_log_t *p;
	struct sockaddr_in src, dst;
	const uint8_t *data;
} pcap_writer_t;

enum { PCAP_PER_THREAD = 20000 };

static void *pcap_write_many(void *arg)
{
	const pcap_writer_t *w = arg;
	for (int i = 0; i < PCAP_PER_THREAD; i++)
		pcap_log_udp(w->p, (const struct sockaddr *)&w->src,
			     (const struct sockaddr *)&w->dst, w->data,
			     (size_t)(i % 100));
	return NULL;
}

static void test_pcap_threads(void **state)
{
	fixture_t *f = *state;
	char path[128], err[256];
	snprintf(path, sizeof(path), "%s/threads.pcap", f->dir);
	uint8_t data[100];
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 37 + 1);
	pcap_log_t *p = pcap_log_open(path, err, sizeof(err));
	assert_non_null(p);
	pcap_writer_t w[2];
	pthread_t t[2];
	for (int k = 0; k < 2; k++) {
		w[k].p = p;
		w[k].data = data;
		sa4(&w[k].src, "127.0.0.1", (uint16_t)(40000 + k));
		sa4(&w[k].dst, "127.0.0.2", 53);
		assert_int_equal(
		    pthread_create(&t[k], NULL, pcap_write_many, &w[k]), 0);
	}
	for (int k = 0; k < 2; k++)
		assert_int_equal(pthread_join(t[k], NULL), 0);
	pcap_log_close(p);
	char ebuf[PCAP_ERRBUF_SIZE];
	pcap_t *r = pcap_open_offline(path, ebuf);
	assert_non_null(r);
	struct pcap_pkthdr *h;
	const u_char *d;
	size_t n = 0;
	while (pcap_next_ex(r, &h, &d) == 1) {
		assert_true(l4_sum_ok(d, h->caplen));
		n++;
	}
	pcap_close(r);
	assert_int_equal(n, 2 * PCAP_PER_THREAD);
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
		/* the stream's own file became report.json, unless the
		 * target died after its cases were rendered */
		char cmd[160];
		snprintf(cmd, sizeof(cmd), "ls -a '%s' | grep -q cases",
			 f->dir);
		assert_int_equal(system(cmd) != 0, !died);
		report_stream_free(s);
		char *got = slurp_all(path, &len);
		assert_int_equal(len, plain_len);
		assert_memory_equal(got, plain, len);
		free(got);
	}
	/* nothing rendered before the run ends: the thread renders it all
	 * then, half of each block on a second thread, the same bytes */
	report_stream_t *s = report_stream_start(f->dir);
	assert_non_null(s);
	report_stream_finish(s, &run);
	assert_true(
	    report_write_json_stream(&run, 1, s, path, err, sizeof(err)));
	report_stream_free(s);
	char *got = slurp_all(path, &len);
	assert_int_equal(len, plain_len);
	assert_memory_equal(got, plain, len);
	free(got);
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
static char *msg_json_text(const dns_msg_t *m, report_rdcache_t *cache,
			   size_t *len)
{
	char *text = NULL;
	FILE *mf = open_memstream(&text, len);
	assert_non_null(mf);
	jsonw_t *w = malloc(sizeof(*w));
	assert_non_null(w);
	jsonw_init(w, mf);
	assert_true(report_msg_json(w, m, cache));
	jsonw_flush(w);
	free(w);
	fclose(mf);
	return text;
}

/* The same text with cache (RDATA texts kept from earlier messages) as
 * without, and the same again once this message's are in it. */
static void msg_json_agrees(const uint8_t *p, size_t n, dns_arena_t *a,
			    report_rdcache_t *cache)
{
	dns_msg_t m;
	dns_msg_decode(&m, p, n, DNS_DECODE_SURVEY, a);
	if (m.wire_len < 12)
		return;
	size_t len = 0, len1, len2;
	char *text = msg_json_text(&m, NULL, &len);
	char *cached1 = msg_json_text(&m, cache, &len1);
	char *cached2 = msg_json_text(&m, cache, &len2);
	if (len1 != len || len2 != len || memcmp(cached1, text, len) != 0 ||
	    memcmp(cached2, text, len) != 0)
		fail_msg("with a cache:\n%s\n%s\nwithout:\n%s", cached1,
			 cached2, text);
	assert_memory_equal(cached1, text, len);
	assert_memory_equal(cached2, text, len);
	free(cached1);
	free(cached2);
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
	/* the captures, and the message fuzzer's corpus (hostile input) */
	const char *dirs[] = {"harness/tests/data/captures/nsd",
			      "harness/tests/data/captures/knot",
			      "harness/tests/data/captures/bind",
			      "corpus/fuzz_message"};
	dns_arena_t a;
	dns_arena_init(&a, 0);
	report_rdcache_t *cache = calloc(1, sizeof(*cache));
	assert_non_null(cache);
	size_t files = 0;
	for (size_t i = 0; i < 4; i++) {
		char dir[512], path[1024];
		snprintf(dir, sizeof(dir), "%s/%s", src && src[0] ? src : ".",
			 dirs[i]);
		DIR *d = opendir(dir);
		assert_non_null(d);
		struct dirent *e;
		while ((e = readdir(d)) != NULL) {
			size_t nl = strlen(e->d_name);
			bool corpus = i == 3 && e->d_name[0] != '.';
			if (!corpus &&
			    (nl < 5 || strcmp(e->d_name + nl - 4, ".bin") != 0))
				continue;
			snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
			uint8_t buf[65536];
			FILE *fp = fopen(path, "rb");
			assert_non_null(fp);
			size_t n = fread(buf, 1, sizeof(buf), fp);
			fclose(fp);
			msg_json_agrees(buf, n, &a, cache);
			buf[n / 2] ^= 0x5a; /* damaged: survey-mode output */
			msg_json_agrees(buf, n - n / 4, &a, cache);
			files++;
		}
		closedir(d);
	}
	dns_arena_free(&a);
	free(cache);
	assert_true(files > 100);
}

/* ---- the JSON writer's fast paths against plain references ---------- */

/* A writer into memory with `fill` bytes of 'x' already in its buffer,
 * so the fast paths meet every amount of room. */
static jsonw_t *filled_writer(size_t fill)
{
	jsonw_t *w = malloc(sizeof(*w));
	assert_non_null(w);
	jsonw_init_mem(w);
	memset(w->buf, 'x', fill);
	w->len = fill;
	return w;
}

/* What w wrote after its fill; frees w. */
static char *written(jsonw_t *w, size_t fill, size_t *len)
{
	jsonw_flush(w);
	assert_false(w->err);
	assert_true(w->mem_len >= fill);
	*len = w->mem_len - fill;
	char *out = malloc(*len + 1);
	assert_non_null(out);
	memcpy(out, w->mem + fill, *len);
	out[*len] = '\0';
	free(w->mem);
	free(w);
	return out;
}

/* RFC 8259 escaping the slow way, one byte at a time. */
static size_t ref_str(char *o, const unsigned char *p, size_t n)
{
	size_t len = 0;
	o[len++] = '"';
	for (size_t i = 0; i < n;) {
		unsigned char c = p[i];
		size_t u = c >= 0x80 ? report_utf8_len(p + i, n - i) : 1;
		if (c == '"' || c == '\\') {
			len += (size_t)sprintf(o + len, "\\%c", c);
		} else if (c == '\n' || c == '\r' || c == '\t') {
			len += (size_t)sprintf(o + len, "\\%c",
					       c == '\n'   ? 'n'
					       : c == '\r' ? 'r'
							   : 't');
		} else if (c < 0x20) {
			len += (size_t)sprintf(o + len, "\\u%04x", c);
		} else if (u == 0) {
			len += (size_t)sprintf(o + len, "\\ufffd");
		} else {
			memcpy(o + len, p + i, u);
			len += u;
		}
		i += u ? u : 1;
	}
	o[len++] = '"';
	return len;
}

static const size_t fills[] = {
    0,		 1,	     100,	32768 - 400, 32768 - 385,
    32768 - 384, 32768 - 70, 32768 - 7, 32767,	     32768};

/* jsonw_str, jsonw_cstr and jsonw_str_mem give what ref_str gives. */
static void str_agrees(const unsigned char *p, size_t n)
{
	char *want = malloc(6 * n + 3);
	assert_non_null(want);
	size_t wn = ref_str(want, p, n);
	for (size_t f = 0; f < sizeof(fills) / sizeof(fills[0]); f++) {
		jsonw_t *w = filled_writer(fills[f]);
		jsonw_str(w, (const char *)p, n);
		size_t len;
		char *got = written(w, fills[f], &len);
		assert_int_equal(len, wn);
		assert_memory_equal(got, want, wn);
		free(got);
	}
	if (memchr(p, 0, n) == NULL) {
		char *s = strndup((const char *)p, n);
		assert_non_null(s);
		jsonw_t *w = filled_writer(32768 - 9);
		jsonw_cstr(w, s);
		size_t len;
		char *got = written(w, 32768 - 9, &len);
		assert_int_equal(len, wn);
		assert_memory_equal(got, want, wn);
		free(got);
		free(s);
	}
	char *mem = malloc(6 * n + 2);
	assert_non_null(mem);
	assert_int_equal(jsonw_str_mem(mem, 6 * n + 2, (const char *)p, n), wn);
	assert_memory_equal(mem, want, wn);
	free(mem);
	/* never past cap; 0 only when the text may not fit */
	for (size_t cap = 0; cap < wn + 8 && cap <= 6 * n + 2 && n < 300;
	     cap++) {
		mem = malloc(cap > 0 ? cap : 1); /* ASan sees cap + 1 */
		assert_non_null(mem);
		size_t got = jsonw_str_mem(mem, cap, (const char *)p, n);
		assert_true(got == 0 || (got == wn && got <= cap));
		if (got == 0)
			assert_true(cap < wn + 7);
		else
			assert_memory_equal(mem, want, wn);
		free(mem);
	}
	free(want);
}

static void test_jsonw_str_fast(void **state)
{
	(void)state;
	static const char *const cases[] = {
	    "",
	    "plain ascii",
	    "\"\\\n\r\t\b\f\x01\x1f\x7f",
	    "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", /* 2, 3, 4 bytes */
	    "\xc0\x80\xc1\xbf",
	    "\xe0\x80\x80\xe0\x9f\xbf", /* overlong */
	    "\xf0\x80\x80\x80\xf0\x8f\xbf\xbf",
	    "\xed\xa0\x80\xed\xbf\xbf",
	    "\xf4\x90\x80\x80\xf5\x80\x80\x80\xff\xfe", /* past U+10FFFF */
	    "\x80\xbf",
	    "ab\xe2\x82",
	    "\xf0\x9f\x98",
	    "\xc3",
	    "trailing \xe2\x82\xac"};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		str_agrees((const unsigned char *)cases[i], strlen(cases[i]));
	unsigned char b[4];
	for (unsigned c = 0; c < 256; c++) {
		b[0] = 'a';
		b[1] = (unsigned char)c;
		b[2] = 'z';
		str_agrees(b + 1, 1);
		str_agrees(b, 3);
	}
	/* random bytes, biased to what needs care, short and long (longer
	 * than the writer's buffer, and than a sixth of it) */
	static const size_t lens[] = {2, 7, 63, 64, 65, 200, 5000, 70000};
	uint32_t seed = 12345;
	for (size_t l = 0; l < sizeof(lens) / sizeof(lens[0]); l++)
		for (int round = 0; round < 8; round++) {
			unsigned char *p = malloc(lens[l]);
			assert_non_null(p);
			for (size_t i = 0; i < lens[l]; i++) {
				seed = seed * 1103515245u + 12345u;
				unsigned r = (seed >> 16) & 0xff;
				p[i] = round % 2 ? (unsigned char)r
				       : r < 200
					   ? (unsigned char)('a' + r % 26)
					   : (unsigned char)"\"\\\n\x01\xe2\x82"
							    "\xac\xff"[r % 8];
			}
			str_agrees(p, lens[l]);
			free(p);
		}
	/* three-byte characters across every slice boundary */
	size_t n = 3 * 12000;
	unsigned char *euro = malloc(n);
	assert_non_null(euro);
	for (size_t i = 0; i < n; i += 3)
		memcpy(euro + i, "\xe2\x82\xac", 3);
	str_agrees(euro, n);
	str_agrees(euro + 1, n - 1);
	free(euro);
}

static void test_jsonw_numbers(void **state)
{
	(void)state;
	static const int64_t ints[] = {
	    0,	       1,	  9,	     10,	 -1,
	    -9,	       -10,	  99,	     100,	 101,
	    999,       1000,	  65535,     -65536,	 99999999,
	    100000000, INT32_MAX, INT64_MAX, INT64_MIN,	 INT64_MIN + 1,
	    9999,      10000,	  99999,     100000,	 999999,
	    1000000,   9999999,	  999999999, 1000000000, 4294967295,
	    4294967296};
	static const double ms[] = {0.0,    0.0004,  0.0005, 0.001,
				    0.9995, 1.0006,  9.9999, 12345.6789,
				    -0.25,  -0.0004, 1e14,   123.4565};
	for (size_t f = 0; f < sizeof(fills) / sizeof(fills[0]); f++) {
		char want[64];
		for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
			jsonw_t *w = filled_writer(fills[f]);
			jsonw_int(w, ints[i]);
			size_t len;
			char *got = written(w, fills[f], &len);
			snprintf(want, sizeof(want), "%lld",
				 (long long)ints[i]);
			assert_string_equal(got, want);
			free(got);
		}
		for (size_t i = 0; i < sizeof(ms) / sizeof(ms[0]); i++) {
			jsonw_t *w = filled_writer(fills[f]);
			jsonw_ms(w, ms[i]);
			size_t len;
			char *got = written(w, fills[f], &len);
			/* the rounding jsonw_ms has always had */
			double a = ms[i] < 0 ? -ms[i] : ms[i];
			unsigned long long m =
			    (unsigned long long)(a * 1000.0 + 0.5);
			snprintf(want, sizeof(want), "%s%llu.%03llu",
				 ms[i] < 0 && m > 0 ? "-" : "", m / 1000,
				 m % 1000);
			assert_string_equal(got, want);
			free(got);
		}
		/* every byte value, and more bytes than the buffer holds */
		size_t n = 70001;
		uint8_t *p = malloc(n);
		char *hex = malloc(2 * n + 3);
		assert_non_null(p);
		assert_non_null(hex);
		hex[0] = '"';
		for (size_t i = 0; i < n; i++) {
			p[i] = (uint8_t)(i * 7 + i / 256);
			snprintf(hex + 1 + 2 * i, 3, "%02X", p[i]);
		}
		hex[1 + 2 * n] = '"';
		hex[2 + 2 * n] = '\0';
		for (size_t k = 0; k <= 260; k += k < 12 ? 1 : 61) {
			jsonw_t *w = filled_writer(fills[f]);
			jsonw_hex(w, p, k);
			size_t len;
			char *got = written(w, fills[f], &len);
			assert_int_equal(len, 2 * k + 2);
			assert_memory_equal(got, hex, 2 * k + 1);
			free(got);
		}
		jsonw_t *w = filled_writer(fills[f]);
		jsonw_hex(w, p, n);
		size_t len;
		char *got = written(w, fills[f], &len);
		assert_string_equal(got, hex);
		free(got);
		free(p);
		free(hex);
	}
}

/* Every text jsonw_ident is given is one jsonw_str would leave alone. */
static void ident_ok(const char *s)
{
	for (const char *c = s; *c != '\0'; c++)
		if (*c < 0x20 || *c > 0x7e || *c == '"' || *c == '\\')
			fail_msg("not plain: %s", s);
}

/* jsonw_ident quotes what it is given, short or long, with any room. */
static void ident_writes(const char *s)
{
	for (size_t f = 0; f < sizeof(fills) / sizeof(fills[0]); f++) {
		jsonw_t *w = filled_writer(fills[f]);
		jsonw_ident(w, s);
		size_t len;
		char *got = written(w, fills[f], &len);
		assert_int_equal(len, strlen(s) + 2);
		assert_true(got[0] == '"' && got[len - 1] == '"');
		assert_memory_equal(got + 1, s, len - 2);
		free(got);
	}
}

static void test_jsonw_ident(void **state)
{
	(void)state;
	char b[16];
	for (unsigned v = 0; v < 65536; v++) {
		ident_ok(dns_type_to_text((uint16_t)v, b));
		ident_ok(dns_class_to_text((uint16_t)v, b));
		if (v < 4096)
			ident_ok(dns_rcode_to_text((uint16_t)v, b));
		if (v < 256)
			ident_ok(dns_opcode_to_text((uint8_t)v, b));
	}
	for (int v = 0; v < 5; v++) {
		ident_ok(sc_level_name((sc_level_t)v));
		ident_ok(sc_transport_name((sc_transport_t)v));
		ident_ok(sc_verdict_name((sc_verdict_kind_t)v));
	}
	static const char *const names[] = {
	    "",
	    "A",
	    "NXDOMAIN",
	    "TYPE65534",
	    "0123456789abcdef0123456789abcde",	 /* 31 */
	    "0123456789abcdef0123456789abcdef",	 /* 32 */
	    "0123456789abcdef0123456789abcdef0", /* 33: the long way */
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
	    "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		ident_writes(names[i]);
}

/* A response to a query for qname (wire form, qlen bytes) with the
 * records given as (type, rdlen, rdata) in rrs; returns its length. */
static size_t build_msg(uint8_t *m, const uint8_t *qname, size_t qlen,
			const uint8_t *rrs, size_t rrlen, unsigned nrr)
{
	static const uint8_t head[] = {0xab, 0xcd, 0x84, 0x00, 0, 1,
				       0,    0,	   0,	 0,    0, 0};
	memcpy(m, head, sizeof(head));
	m[7] = (uint8_t)nrr;
	memcpy(m + 12, qname, qlen);
	memcpy(m + 12 + qlen, "\x00\x01\x00\x01", 4);
	if (rrlen > 0)
		memcpy(m + 16 + qlen, rrs, rrlen);
	return 16 + qlen + rrlen;
}

/* One record owned by the question's name: type, TTL 300, rdata. */
static size_t put_rr(uint8_t *p, uint16_t type, const uint8_t *rdata,
		     size_t rdlen)
{
	uint8_t h[] = {
	    0xc0, 0x0c, (uint8_t)(type >> 8),  (uint8_t)type, 0, 1, 0, 0,
	    1,	  0x2c, (uint8_t)(rdlen >> 8), (uint8_t)rdlen};
	memcpy(p, h, sizeof(h));
	memcpy(p + sizeof(h), rdata, rdlen);
	return sizeof(h) + rdlen;
}

/* The message's JSON with a writer that has only `room` bytes left
 * equals the one with a fresh writer (the names' long way). */
static void msg_json_room(const uint8_t *p, size_t n, size_t room,
			  dns_arena_t *a)
{
	dns_msg_t m;
	dns_msg_decode(&m, p, n, DNS_DECODE_SURVEY, a);
	size_t len, glen;
	char *want = msg_json_text(&m, NULL, &len);
	size_t fill = sizeof(((jsonw_t *)NULL)->buf) - room;
	jsonw_t *w = filled_writer(fill);
	report_msg_json(w, &m, NULL);
	char *got = written(w, fill, &glen);
	assert_int_equal(glen, len);
	assert_memory_equal(got, want, len);
	free(got);
	free(want);
	dns_arena_reset(a);
}

/* The header after its id, a question after its name and an RR between
 * its TTL and its RDATA come from a cache of a few texts: every opcode,
 * rcode (extended by OPT or not), flag, count, type and class, through
 * one small cache (slots shared and replaced), as without the cache and
 * as dns_msg_to_json has them. */
static void test_msg_json_texts(void **state)
{
	(void)state;
	dns_arena_t a;
	dns_arena_init(&a, 0);
	report_rdcache_t *cache = calloc(1, sizeof(*cache));
	assert_non_null(cache);
	static const uint16_t flags[] = {0x0000, 0x8400, 0x87f0,
					 0x0100, 0x8180, 0x0050};
	static const uint16_t types[] = {1, 6, 28, 41, 65280, 65535, 0};
	static const uint16_t classes[] = {1, 3, 4, 254, 255, 0, 65535};
	uint8_t m[512];
	unsigned k = 0;
	for (unsigned op = 0; op < 16; op++)
		for (unsigned rc = 0; rc < 16; rc++)
			for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]);
			     f++, k++) {
				uint16_t fl =
				    (uint16_t)(flags[f] | op << 11 | rc);
				uint16_t t = types[k % 7],
					 c = classes[k / 7 % 7];
				bool opt = k % 3 == 0;
				size_t n = 0;
				m[n++] = (uint8_t)(k >> 8);
				m[n++] = (uint8_t)k;
				m[n++] = (uint8_t)(fl >> 8);
				m[n++] = (uint8_t)fl;
				/* counts: true ones, or more than there are */
				uint16_t counts[4] = {1, 0, 0, opt};
				if (k % 5 == 4)
					counts[k % 4] = (uint16_t)(k * 257);
				for (int i = 0; i < 4; i++) {
					m[n++] = (uint8_t)(counts[i] >> 8);
					m[n++] = (uint8_t)counts[i];
				}
				memcpy(m + n, "\7example\0", 9);
				n += 9;
				m[n++] = (uint8_t)(t >> 8);
				m[n++] = (uint8_t)t;
				m[n++] = (uint8_t)(c >> 8);
				m[n++] = (uint8_t)c;
				if (opt) { /* extended rcode k % 256, DO */
					uint8_t o[] = {0, 0,	      41, 16,
						       0, (uint8_t)k, 0,  0x80,
						       0, 0,	      0};
					memcpy(m + n, o, sizeof(o));
					n += sizeof(o);
				}
				msg_json_agrees(m, n, &a, cache);
			}
	/* an RR of every type and class in the lists, twice (hits) */
	uint8_t rrs[400];
	static const uint8_t example[] = {7,   'e', 'x', 'a', 'm',
					  'p', 'l', 'e', 0};
	for (size_t t = 0; t < sizeof(types) / sizeof(types[0]); t++)
		for (size_t c = 0; c < sizeof(classes) / sizeof(classes[0]);
		     c++) {
			if (types[t] == 41)
				continue; /* OPT: not an RR of the answer */
			size_t rl = put_rr(rrs, types[t],
					   (const uint8_t *)"\x7f\0\0\1", 4);
			rrs[4] = (uint8_t)(classes[c] >> 8);
			rrs[5] = (uint8_t)classes[c];
			rl += put_rr(rrs + rl, types[t],
				     (const uint8_t *)"\x7f\0\0\1", 4);
			rrs[rl - 16 + 4] = (uint8_t)(classes[c] >> 8);
			rrs[rl - 16 + 5] = (uint8_t)classes[c];
			size_t n =
			    build_msg(m, example, sizeof(example), rrs, rl, 2);
			msg_json_agrees(m, n, &a, cache);
		}
	free(cache);
	dns_arena_free(&a);
}

/* Names of every byte value, long labels and the root, each written
 * straight from its labels or the long way, as dns_name_to_text has
 * them; RDATA from the cache as printed. */
static void test_msg_json_fast(void **state)
{
	(void)state;
	dns_arena_t a;
	dns_arena_init(&a, 0);
	report_rdcache_t *cache = calloc(1, sizeof(*cache));
	assert_non_null(cache);
	uint8_t m[2048], q[300], rrs[1500];
	for (unsigned c = 0; c < 256; c++) {
		uint8_t name[] = {3,	      'x', (uint8_t)c, 'Y', 1,
				  (uint8_t)c, 7,   'e',	       'x', 'a',
				  'm',	      'p', 'l',	       'e', 0};
		size_t n = build_msg(m, name, sizeof(name), NULL, 0, 0);
		msg_json_agrees(m, n, &a, cache);
		msg_json_room(m, n, 300, &a);
	}
	/* the root, and 255 bytes in 63-byte labels */
	size_t n = build_msg(m, (const uint8_t *)"", 1, NULL, 0, 0);
	msg_json_agrees(m, n, &a, cache);
	size_t ql = 0;
	for (int l = 0; l < 4; l++) {
		size_t k = l < 3 ? 63 : 61;
		q[ql++] = (uint8_t)k;
		memset(q + ql, l == 2 ? '-' : 'a' + l, k);
		ql += k;
	}
	q[ql++] = 0;
	assert_int_equal(ql, 255);
	n = build_msg(m, q, ql, NULL, 0, 0);
	for (size_t room = 1; room < 800; room++)
		msg_json_room(m, n, room, &a);
	msg_json_agrees(m, n, &a, cache);
	q[100] = 0xff; /* a \DDD in the middle */
	n = build_msg(m, q, ql, NULL, 0, 0);
	msg_json_agrees(m, n, &a, cache);
	/* RDATA that share a slot (type, length and last byte) but differ,
	 * text that needs escapes, empty RDATA, RDATA too long to keep */
	size_t rl = 0;
	rl += put_rr(rrs + rl, 16,
		     (const uint8_t *)"\x03"
				      "abc",
		     4);
	rl += put_rr(rrs + rl, 16,
		     (const uint8_t *)"\x03"
				      "xbc",
		     4);
	rl += put_rr(rrs + rl, 16,
		     (const uint8_t *)"\x04"
				      "a\"\\c",
		     5);
	rl += put_rr(rrs + rl, 16,
		     (const uint8_t *)"\x04"
				      "\x01\xff\x7f"
				      "c",
		     5);
	rl += put_rr(rrs + rl, 65280, (const uint8_t *)"", 0);
	rl += put_rr(rrs + rl, 10, (const uint8_t *)"", 0);
	uint8_t big[255];
	big[0] = 254;
	memset(big + 1, '"', 254);
	rl += put_rr(rrs + rl, 16, big, 255);
	rl += put_rr(rrs + rl, 1, (const uint8_t *)"\xc0\x00\x02\x01", 4);
	rl += put_rr(rrs + rl, 1, (const uint8_t *)"\xc0\x00\x02\x02", 4);
	static const uint8_t example[] = {7,   'e', 'x', 'a', 'm',
					  'p', 'l', 'e', 0};
	n = build_msg(m, example, sizeof(example), rrs, rl, 9);
	for (int round = 0; round < 3; round++) /* misses, then hits */
		msg_json_agrees(m, n, &a, cache);
	/* the same bytes as another type are another text */
	rl = put_rr(rrs, 16,
		    (const uint8_t *)"\x03"
				     "abc",
		    4);
	rl += put_rr(rrs + rl, 99,
		     (const uint8_t *)"\x03"
				      "abc",
		     4);
	rl += put_rr(rrs + rl, 13,
		     (const uint8_t *)"\x03"
				      "abc",
		     4);
	n = build_msg(m, example, sizeof(example), rrs, rl, 3);
	msg_json_agrees(m, n, &a, cache);
	free(cache);
	dns_arena_free(&a);
}

/* ---- report.html and junit.xml: numbers and escaping ------------------- */

/* report_fixed(v, d) writes what snprintf "%.*f" writes. */
static void fixed_agrees(double v, unsigned decimals)
{
	char want[400], got[400];
	int n = snprintf(want, sizeof(want), "%.*f", (int)decimals, v);
	size_t len = report_fixed(got, sizeof(got), v, decimals);
	assert_string_equal(got, want);
	assert_int_equal(len, (size_t)n);
}

/* The double next to v (v > 0 finite), up or down. */
static double next_double(double v, bool up)
{
	uint64_t u;
	memcpy(&u, &v, sizeof(u));
	u = up ? u + 1 : u - 1;
	memcpy(&v, &u, sizeof(v));
	return v;
}

static uint64_t xorshift(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* The timings of report.html ("%.1f" ms) and junit.xml ("%.6f" s) are
 * formatted without printf when the rounding is certain: the same text
 * as printf on exact halves (1.25), on decimal fractions a double holds
 * only approximately (0.05, 2.675), a hair either side of them, on
 * random timings, and on what the fast path leaves to printf (zero,
 * negative, huge, not finite). */
static void test_fixed(void **state)
{
	static const double special[] = {0.05,
					 0.15,
					 0.25,
					 0.35,
					 0.45,
					 1.25,
					 2.675,
					 2.5,
					 0.5,
					 9.95,
					 99.95,
					 0.95,
					 0.0005,
					 0.0000005,
					 0.0000015,
					 1.0000005,
					 1e-300,
					 5e-324,
					 123.45678,
					 0.99999995,
					 0.9999995,
					 1e11,
					 999999999999.95,
					 1e12,
					 1e15,
					 1e300};
	static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4,
				       1e5, 1e6, 1e7, 1e8, 1e9};
	(void)state;
	for (unsigned d = 0; d < 10; d++) {
		for (size_t i = 0; i < sizeof(special) / sizeof(*special);
		     i++) {
			fixed_agrees(special[i], d);
			fixed_agrees(next_double(special[i], true), d);
			fixed_agrees(next_double(special[i], false), d);
			fixed_agrees(-special[i], d);
		}
		fixed_agrees(0.0, d);
		fixed_agrees(-0.0, d);
		fixed_agrees(INFINITY, d);
		fixed_agrees(-INFINITY, d);
		fixed_agrees(NAN, d);
	}
	uint64_t x = 88172645463325252u;
	for (int i = 0; i < 100000; i++) {
		unsigned d = (unsigned)(xorshift(&x) % 10);
		/* k + 1/2 units of the last digit, and its neighbours */
		double tie =
		    ((double)(xorshift(&x) % 10000000) + 0.5) / pow10[d];
		fixed_agrees(tie, d);
		fixed_agrees(next_double(tie, true), d);
		fixed_agrees(next_double(tie, false), d);
		/* a timing in ms as the player measures it, and in s */
		double ms = (double)(xorshift(&x) >> 11) * 0x1p-53 * 300.0;
		fixed_agrees(ms, 1);
		fixed_agrees(ms / 1000.0, 6);
	}
	char b[4]; /* cut short as snprintf cuts */
	assert_int_equal(report_fixed(b, sizeof(b), 12.5, 1), 3);
	assert_string_equal(b, "12.");
}

/* The escaping report.html and junit.xml had when they wrote with stdio
 * byte by byte: the reference the table-driven escaping must match. */
static void html_esc_ref(FILE *fp, const char *s, bool lower)
{
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *end = p + strlen(s);
	while (p < end) {
		unsigned char c = *p;
		size_t len = 1;
		if (c == '&')
			fputs("&amp;", fp);
		else if (c == '<')
			fputs("&lt;", fp);
		else if (c == '>')
			fputs("&gt;", fp);
		else if (c == '"')
			fputs("&quot;", fp);
		else if (c == '\'')
			fputs("&#39;", fp);
		else if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
			fputs("&#xFFFD;", fp);
		else if (c < 0x80)
			fputc(lower && c >= 'A' && c <= 'Z' ? c + 32 : c, fp);
		else if ((len = report_utf8_len(p, (size_t)(end - p))) == 0) {
			fputs("&#xFFFD;", fp);
			len = 1;
		} else
			fwrite(p, 1, len, fp);
		p += len;
	}
}

static void xml_esc_ref(FILE *fp, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '<')
			fputs("&lt;", fp);
		else if (c == '>')
			fputs("&gt;", fp);
		else if (c == '&')
			fputs("&amp;", fp);
		else if (c == '"')
			fputs("&quot;", fp);
		else
			fputc(c < 0x20 && c != '\n' && c != '\t' && c != '\r'
				  ? '?'
				  : c,
			      fp);
	}
}

/* What report.html shows of a case named name in suite "S" (its filter
 * key and its cell), and what junit.xml shows, by the reference. */
static char *expect_html_key(const char *name)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);
	assert_non_null(fp);
	fputs(" data-key=\"s/", fp);
	html_esc_ref(fp, name, true);
	fputs("\"><td class=\"case\"><span class=\"suite\">S/</span>", fp);
	html_esc_ref(fp, name, false);
	fputs("</td>", fp);
	assert_int_equal(fclose(fp), 0);
	return out;
}

static char *expect_junit_name(const char *name)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);
	assert_non_null(fp);
	fputs("<testcase classname=\"S\" name=\"", fp);
	xml_esc_ref(fp, name);
	fputs("\" time=\"", fp);
	assert_int_equal(fclose(fp), 0);
	return out;
}

/* Names with every byte, valid and invalid UTF-8 (overlong, surrogate,
 * past U+10FFFF, cut short at the end), capitals, and one longer than
 * the writers' buffer: escaped in both files exactly as before. */
static void test_report_escaping(void **state)
{
	fixture_t *f = *state;
	char all[256];
	for (int i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	char *big = malloc(70001);
	assert_non_null(big);
	memset(big, 'a', 70000);
	big[65530] = '<';
	big[69999] = 'Z';
	big[70000] = '\0';
	const char *names[] = {
	    all,
	    "UTF-8 \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 MiXeD",
	    "bad \xc0\xaf \xe0\x80\x80 \xed\xa0\x80 \xf4\x90\x80\x80 \xf5\x80 "
	    "\xc3",
	    "cut \xe2\x82",
	    "<&>\"'\t\n\r\x7f",
	    big};
	enum { N = sizeof(names) / sizeof(*names) };
	sc_suite_t suite = {.name = "S"};
	sc_case_t cases[N];
	sc_result_t rs[N];
	for (size_t i = 0; i < N; i++) {
		cases[i] = f->cases[0];
		cases[i].name = names[i];
		rs[i] = f->results[0];
		rs[i].c = &cases[i];
		rs[i].suite = &suite;
	}
	sc_run_t run = f->run;
	run.results = rs;
	run.nresults = N;
	char hpath[128], jpath[128], err[256];
	snprintf(hpath, sizeof(hpath), "%s/esc.html", f->dir);
	snprintf(jpath, sizeof(jpath), "%s/esc.xml", f->dir);
	assert_true(report_write_html(&run, 1, hpath, err, sizeof(err)));
	assert_true(report_write_junit(&run, jpath, err, sizeof(err)));
	size_t hlen, jlen;
	char *html = slurp_all(hpath, &hlen);
	char *xml = slurp_all(jpath, &jlen);
	for (size_t i = 0; i < N; i++) {
		char *want = expect_html_key(names[i]);
		assert_non_null(strstr(html, want));
		free(want);
		want = expect_junit_name(names[i]);
		assert_non_null(strstr(xml, want));
		free(want);
	}
	free(html);
	free(xml);
	free(big);
}

/* textw_fixed writes what report_fixed (and so printf) writes, also when
 * the number lands at the end of the writer's buffer (it flushes first),
 * and textw_take hands back what was written since a mark and takes it
 * out of the buffer. */
static void test_textw_fixed_take(void **state)
{
	(void)state;
	static const double vals[] = {0.05, 1.25, 2.675, 0.0005, 123.45678,
				      9.95, 0.0,  -1.5,	 1e13,	 0.99999995};
	FILE *fp = tmpfile();
	assert_non_null(fp);
	textw_t *w = malloc(sizeof(*w));
	assert_non_null(w);
	textw_init(w, fp);
	char *want = NULL;
	size_t wlen = 0;
	FILE *ref = open_memstream(&want, &wlen);
	assert_non_null(ref);
	uint64_t x = 0x243f6a8885a308d3u;
	for (int i = 0; i < 30000; i++) { /* several buffers' worth */
		double v = i % 3
			       ? (double)(xorshift(&x) >> 11) * 0x1p-53 * 300.0
			       : vals[i % 10];
		unsigned d = i % 2 ? 6 : 1;
		textw_fixed(w, v, d);
		textw_byte(w, ' ');
		fprintf(ref, "%.*f ", (int)d, v);
	}
	size_t mark = w->len, n;
	textw_str(w, "kept <aside>");
	char *aside = textw_take(w, mark, &n);
	assert_non_null(aside);
	assert_string_equal(aside, "kept <aside>");
	assert_int_equal(n, 12);
	assert_int_equal(w->len, mark);
	free(aside);
	textw_flush(w);
	free(w);
	assert_int_equal(fclose(ref), 0);
	long got_len = ftell(fp);
	assert_int_equal((size_t)got_len, wlen);
	char *got = malloc(wlen + 1);
	assert_non_null(got);
	rewind(fp);
	assert_int_equal(fread(got, 1, wlen, fp), wlen);
	assert_memory_equal(got, want, wlen);
	fclose(fp);
	free(got);
	free(want);
}

/* A flat row of a large report.html (a plain pass) and its junit.xml
 * line, written with the reference escaping and printf. */
static char *expect_flat_row(const sc_result_t *r)
{
	static const char *const levels[] = {"must", "should", "may", "?"};
	static const char *const transports[] = {"udp", "tcp", "dot", "?"};
	const char *lv = levels[(unsigned)r->c->level < 3 ? r->c->level : 3];
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);
	assert_non_null(fp);
	fputs("<tr data-suite=\"", fp);
	html_esc_ref(fp, r->suite->name, false);
	fprintf(fp, "\" data-level=\"%s\" data-v=\"pass\" data-key=\"", lv);
	html_esc_ref(fp, r->suite->name, true);
	fputc('/', fp);
	html_esc_ref(fp, r->c->name, true);
	fputs("\"><td class=\"case\"><span class=\"suite\">", fp);
	html_esc_ref(fp, r->suite->name, false);
	fputs("/</span>", fp);
	html_esc_ref(fp, r->c->name, false);
	fprintf(fp, "</td><td class=\"lv %s\">%s</td><td class=\"rfc\">", lv,
		lv);
	if (r->c->rfc != NULL)
		html_esc_ref(fp, r->c->rfc, false);
	fprintf(
	    fp,
	    "</td><td class=\"c flat pass\" title=\"%s, %.1f ms (details "
	    "in report.json)\">pass</td></tr>\n",
	    transports[(unsigned)r->obs.transport < 3 ? r->obs.transport : 3],
	    r->elapsed_ms);
	assert_int_equal(fclose(fp), 0);
	return out;
}

static char *expect_junit_case(const char *prefix, const sc_result_t *r)
{
	char *out = NULL;
	size_t len = 0;
	FILE *fp = open_memstream(&out, &len);
	assert_non_null(fp);
	fputs("    <testcase classname=\"", fp);
	xml_esc_ref(fp, prefix);
	xml_esc_ref(fp, r->suite->name);
	fputs("\" name=\"", fp);
	xml_esc_ref(fp, r->c->name);
	fprintf(fp, "\" time=\"%.6f\">\n    </testcase>\n",
		r->elapsed_ms / 1000.0);
	assert_int_equal(fclose(fp), 0);
	return out;
}

/* The next place at or after p (before end) that holds want (wlen bytes),
 * or NULL (strstr would read the rest of a large file at every call under
 * ASan's checks). */
static const char *find_next(const char *p, const char *end, const char *want,
			     size_t wlen)
{
	for (; p + wlen <= end; p++)
		if (*p == *want && memcmp(p, want, wlen) == 0)
			return p;
	return NULL;
}

/* The rows of a large run are written from pieces made once per suite,
 * level and transport (html.c) and junit.xml's lines from a start made
 * once per suite (report.c): every row and line as the reference writes
 * it, across suites with text to escape, a suite name too long to keep
 * aside (written each time), levels and transports out of range, names
 * with every byte, and two targets (junit.xml's "target: " prefix). */
static void test_report_rows_pieces(void **state)
{
	fixture_t *f = *state;
	char *longname = malloc(11001); /* > what either file keeps aside */
	assert_non_null(longname);
	memset(longname, 'L', 11000);
	longname[17] = '&';
	longname[8000] = '"';
	longname[11000] = '\0';
	char all[256];
	for (int i = 1; i < 256; i++)
		all[i - 1] = (char)i;
	all[255] = '\0';
	sc_suite_t suites[] = {{.name = "S<&>\"'"},
			       {.name = longname},
			       {.name = "Mixed.Case-\xc3\xa9"},
			       {.name = "S<&>\"'"}};
	const char *names[] = {
	    "q000001",		"Name-UP", all, "bad \xc0\xaf \xed\xa0\x80",
	    "<&>\"'\t\n\r\x7f", "x"};
	const char *rfcs[] = {NULL, "RFC 1035 <4.1>", "RFC 6891 & 7"};
	size_t n = REPORT_HTML_DETAIL + 7;
	sc_case_t *cases = calloc(n, sizeof(*cases));
	sc_result_t *rs = calloc(n, sizeof(*rs));
	assert_non_null(cases);
	assert_non_null(rs);
	uint64_t x = 0x13198a2e03707344u;
	for (size_t i = 0; i < n; i++) {
		cases[i].name = names[xorshift(&x) % 6];
		cases[i].rfc = rfcs[xorshift(&x) % 3];
		cases[i].level = (sc_level_t)(xorshift(&x) % 5); /* 3, 4: ? */
		rs[i].c = &cases[i];
		/* runs of one suite: 2000, 20 of the long name, 1480, rest */
		rs[i].suite = &suites[i < 2000	 ? 0
				      : i < 2020 ? 1
				      : i < 3500 ? 2
						 : 3];
		rs[i].verdict.kind = SC_PASS;
		rs[i].obs.transport = (sc_transport_t)(xorshift(&x) % 5);
		rs[i].elapsed_ms =
		    (double)(xorshift(&x) >> 11) * 0x1p-53 * 300.0;
	}
	sc_run_t runs[2] = {f->run, f->run};
	runs[0].results = runs[1].results = rs;
	runs[0].nresults = runs[1].nresults = n;
	runs[1].target = "127.0.0.1:5301";
	char hpath[128], jpath[128], err[256];
	snprintf(hpath, sizeof(hpath), "%s/rows.html", f->dir);
	snprintf(jpath, sizeof(jpath), "%s/rows.xml", f->dir);
	assert_true(report_write_html(runs, 1, hpath, err, sizeof(err)));
	assert_true(report_write_junit_runs(runs, 2, jpath, err, sizeof(err)));
	size_t hlen, jlen;
	char *html = slurp_all(hpath, &hlen);
	char *xml = slurp_all(jpath, &jlen);
	/* the rows one after the other (all pass: in the cases' order),
	 * nothing else in the table */
	const char *hp = strstr(html, "<tr data-suite=");
	assert_non_null(hp);
	for (size_t i = 0; i < n; i++) {
		char *want = expect_flat_row(&rs[i]);
		size_t wlen = strlen(want);
		assert_true(hp + wlen <= html + hlen);
		assert_memory_equal(hp, want, wlen);
		hp += wlen;
		free(want);
	}
	assert_memory_equal(hp, "</tbody>", 8);
	/* each case's line, in order, for each target, and no other */
	const char *jp = xml, *jend = xml + jlen;
	for (size_t k = 0; k < 2; k++)
		for (size_t i = 0; i < n; i++) {
			char *want = expect_junit_case(k ? "127.0.0.1:5301: "
							 : "127.0.0.1:5300: ",
						       &rs[i]);
			size_t wlen = strlen(want);
			jp = find_next(jp, jend, want, wlen);
			assert_non_null(jp);
			jp += wlen;
			free(want);
		}
	assert_null(find_next(jp, jend, "<testcase", 9));
	free(html);
	free(xml);
	free(rs);
	free(cases);
	free(longname);
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
	    cmocka_unit_test(test_jsonw_str_fast),
	    cmocka_unit_test(test_jsonw_numbers),
	    cmocka_unit_test(test_jsonw_ident),
	    cmocka_unit_test(test_msg_json_fast),
	    cmocka_unit_test(test_msg_json_texts),
	    cmocka_unit_test(test_junit),
	    cmocka_unit_test(test_fixed),
	    cmocka_unit_test(test_report_escaping),
	    cmocka_unit_test(test_textw_fixed_take),
	    cmocka_unit_test(test_report_rows_pieces),
	    cmocka_unit_test(test_tap_summary),
	    cmocka_unit_test(test_pcap),
	    cmocka_unit_test(test_pcap_checksums),
	    cmocka_unit_test(test_pcap_threads),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
