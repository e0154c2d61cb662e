/* test_answer_nsd.c - the answering core (serve/answer.h) against NSD:
 * the same queries to a real NSD serving scenarios/zones/example.signed.zone
 * and to serve_answer_wire on the same zone (with opts.auth_ns, NSD's
 * default of the NS RRset in the authority of positive answers) must give
 * the same rcode, AA, TC, DO and the same records in every section (TTLs
 * included, order aside). Skipped when nsd is not installed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "dns/arena.h"
#include "dns/canon.h"
#include "dns/edns.h"
#include "dns/msg.h"
#include "dns/print.h"
#include "dns/rdata.h"
#include "dns/zone.h"
#include "serve/answer.h"
#include "target/target.h"

#define ZONE_FILE "scenarios/zones/example.signed.zone"

static target_recipe_t recipe;
static target_t *nsd;
static serve_zones_t *zones;
static dns_arena_t arena;

static int setup(void **state)
{
	(void)state;
	dns_arena_init(&arena, 0);
	diag_t d = {0};
	if (!target_load_recipe("nsd", "scenarios", &recipe, &d)) {
		diag_print(&d, stderr);
		return -1;
	}
	target_err_t err;
	target_rc_t rc = target_start(&recipe, NULL, &nsd, &err);
	if (rc == TARGET_E_MISSING)
		return 0; /* the test skips */
	if (rc != TARGET_OK) {
		fprintf(stderr, "nsd: %s\n%s\n", err.msg, err.log);
		return -1;
	}
	dns_zone_t z;
	dns_name_t origin;
	dns_zone_opts_t zo = {0};
	dns_name_from_str("example.", NULL, &origin);
	zo.origin = &origin;
	dns_zone_init(&z);
	if (dns_zone_load_file(&z, ZONE_FILE, &zo) != DNS_OK ||
	    serve_zones_new(&zones) != DNS_OK ||
	    serve_zones_add(zones, &z, NULL) != DNS_OK)
		return -1;
	dns_zone_free(&z);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	if (nsd != NULL) {
		target_stop(nsd);
		target_free(nsd);
	}
	target_recipe_free(&recipe);
	serve_zones_free(zones);
	dns_arena_free(&arena);
	return 0;
}

static size_t build_query(uint8_t *buf, size_t cap, const char *qname,
			  uint16_t qtype, bool edns, bool dnssec)
{
	dns_name_t n;
	assert_int_equal(dns_name_from_str(qname, NULL, &n), DNS_OK);
	dns_wire_t w = dns_wire_writer(buf, cap);
	dns_wire_put_u16(&w, 0x4242);
	dns_wire_put_u16(&w, 0);
	dns_wire_put_u16(&w, 1);
	dns_wire_put_u16(&w, 0);
	dns_wire_put_u16(&w, 0);
	dns_wire_put_u16(&w, edns ? 1 : 0);
	dns_name_pack(&w, &n, NULL);
	dns_wire_put_u16(&w, qtype);
	dns_wire_put_u16(&w, DNS_C_IN);
	if (edns) {
		dns_wire_put_u8(&w, 0);
		dns_wire_put_u16(&w, DNS_T_OPT);
		dns_wire_put_u16(&w, 1232);
		dns_wire_put_u32(&w, dnssec ? DNS_EDNS_DO : 0);
		dns_wire_put_u16(&w, 0);
	}
	assert_true(dns_wire_ok(&w));
	return w.pos;
}

/* One UDP exchange with NSD; the response length. */
static size_t ask_nsd(const uint8_t *q, size_t len, uint8_t *out, size_t cap)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	struct sockaddr_in sa;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)target_port(nsd));
	assert_int_equal(inet_pton(AF_INET, target_addr(nsd), &sa.sin_addr), 1);
	assert_int_equal(
	    sendto(fd, q, len, 0, (struct sockaddr *)&sa, sizeof(sa)),
	    (ssize_t)len);
	struct pollfd p = {fd, POLLIN, 0};
	ssize_t n = -1;
	if (poll(&p, 1, 3000) == 1)
		n = recv(fd, out, cap, 0);
	close(fd);
	assert_true(n > 0);
	return (size_t)n;
}

/* The records of a section, OPT left out. */
static unsigned section(const dns_msg_t *m, unsigned sec, dns_rr_t *out,
			unsigned cap)
{
	unsigned k = 0;
	for (unsigned i = 0; i < m->nsec[sec]; i++)
		if (m->sec[sec][i].type != DNS_T_OPT && k < cap)
			out[k++] = m->sec[sec][i];
	return k;
}

static void print_section(const char *who, const dns_rr_t *rr, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		char buf[2048];
		dns_strbuf_t sb = dns_strbuf_init(buf, sizeof(buf));
		dns_rr_to_text(&rr[i], &sb);
		fprintf(stderr, "  %s %.150s\n", who, buf);
	}
}

typedef struct xcase {
	const char *qname;
	const char *qtype;
	unsigned flags;
} xcase_t;

enum { X_DO = 1, X_NOEDNS = 2 };

static const xcase_t xcases[] = {
    {"example.", "SOA", 0},
    {"example.", "SOA", X_DO},
    {"example.", "NS", X_DO},
    {"example.", "MX", X_DO},
    {"example.", "DNSKEY", X_DO},
    {"example.", "ANY", 0},
    {"example.", "ANY", X_DO},
    {"example.", "DS", 0},
    {"example.", "A", X_DO},
    {"a.example.", "A", 0},
    {"a.example.", "A", X_DO},
    {"A.EXAMPLE.", "A", X_DO},
    {"a.example.", "AAAA", X_DO},
    {"a.example.", "RRSIG", 0},
    {"a.example.", "NSEC", X_DO},
    {"nx.example.", "A", 0},
    {"nx.example.", "A", X_DO},
    {"zzz.example.", "A", X_DO},
    {"ent.example.", "A", X_DO},
    {"leaf.ent.example.", "A", X_DO},
    {"cname.example.", "A", X_DO},
    {"cname.example.", "CNAME", X_DO},
    {"chain1.example.", "A", X_DO},
    {"chain1.example.", "MX", X_DO},
    {"dname.example.", "DNAME", X_DO},
    {"dname.example.", "A", X_DO},
    {"www.dname.example.", "A", X_DO},
    {"nope.dname.example.", "A", X_DO},
    {"x.dname.example.", "CNAME", 0},
    {"foo.wild.example.", "A", X_DO},
    {"foo.wild.example.", "TXT", X_DO},
    {"foo.wild.example.", "MX", X_DO},
    {"a.b.wild.example.", "A", X_DO},
    {"*.wild.example.", "A", X_DO},
    {"wild.example.", "A", X_DO},
    {"sub.example.", "NS", X_DO},
    {"host.sub.example.", "A", 0},
    {"host.sub.example.", "A", X_DO},
    {"ns1.sub.example.", "A", 0},
    {"sub.example.", "DS", X_DO},
    {"sub.example.", "A", X_DO},
    {"mx.example.", "MX", X_DO},
    {"srv.example.", "SRV", X_DO},
    {"ns1.example.", "A", X_NOEDNS},
    {"txt.example.", "TXT", X_NOEDNS},
    {"hinfo.example.", "HINFO", 0},
    {"dtarget.example.", "A", X_DO},
    {"x.dtarget.example.", "A", X_DO},
};

/* Differences between the two responses, printed; their number. */
static unsigned compare(const dns_msg_t *t, const dns_msg_t *o)
{
	unsigned diffs = 0;
	uint16_t fl = DNS_F_AA | DNS_F_TC;
	if (dns_msg_rcode(t) != dns_msg_rcode(o) ||
	    (t->flags & fl) != (o->flags & fl) ||
	    (t->opt != NULL) != (o->opt != NULL) ||
	    (t->opt != NULL && o->opt != NULL &&
	     (t->opt->ttl & DNS_EDNS_DO) != (o->opt->ttl & DNS_EDNS_DO))) {
		fprintf(stderr,
			"  header: nsd rcode %u flags %#x, ours %u %#x\n",
			dns_msg_rcode(t), t->flags, dns_msg_rcode(o), o->flags);
		diffs++;
	}
	for (unsigned sec = 1; sec <= 3; sec++) {
		static dns_rr_t a[256], b[256];
		unsigned na = section(t, sec, a, 256),
			 nb = section(o, sec, b, 256);
		dns_diff_t d;
		assert_int_equal(
		    dns_canon_diff(a, na, b, nb, DNS_DIFF_CMP_TTL, &d), DNS_OK);
		if (d.kind == DNS_DIFF_EQUAL)
			continue;
		fprintf(stderr, "  %s differs:\n", dns_section_name(sec));
		print_section("nsd ", a, na);
		print_section("ours", b, nb);
		diffs++;
	}
	return diffs;
}

static void test_same_as_nsd(void **state)
{
	(void)state;
	if (nsd == NULL)
		skip();
	unsigned bad = 0;
	serve_opts_t opts = {0};
	opts.auth_ns = true;
	for (size_t i = 0; i < sizeof(xcases) / sizeof(xcases[0]); i++) {
		const xcase_t *c = &xcases[i];
		uint16_t qtype;
		assert_int_equal(
		    dns_type_from_text(c->qtype, strlen(c->qtype), &qtype),
		    DNS_OK);
		static uint8_t q[512], theirs[65535], ours[65535];
		size_t qlen =
		    build_query(q, sizeof(q), c->qname, qtype,
				!(c->flags & X_NOEDNS), c->flags & X_DO);
		size_t tlen = ask_nsd(q, qlen, theirs, sizeof(theirs));
		dns_arena_reset(&arena);
		serve_result_t res;
		assert_int_equal(serve_answer_wire(zones, q, qlen, SERVE_UDP,
						   &opts, &arena, ours,
						   sizeof(ours), &res),
				 SERVE_REPLY);
		dns_msg_t t, o;
		assert_int_equal(
		    dns_msg_decode(&t, theirs, tlen, DNS_DECODE_STRICT, &arena),
		    DNS_OK);
		assert_int_equal(dns_msg_decode(&o, ours, res.len,
						DNS_DECODE_STRICT, &arena),
				 DNS_OK);
		if (compare(&t, &o) > 0) {
			fprintf(stderr, "^ %s %s flags %u\n", c->qname,
				c->qtype, c->flags);
			bad++;
		}
	}
	assert_int_equal(bad, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_same_as_nsd),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
