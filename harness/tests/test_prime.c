/* test_prime.c - cookie: {server: primed}: the query builder's record of
 * where the server cookie goes, the prime query, the server cookie taken
 * from the prime's response, and the query sent after it (play/prime.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/arena.h"
#include "dns/base.h"
#include "dns/wire.h"
#include "net/exchange.h"
#include "play/prime.h"
#include "scenario/node.h"
#include "scenario/query.h"

typedef struct fixture {
	dns_arena_t arena;
	diag_t d;
	sc_query_t q;
} fixture_t;

static int setup(void **state)
{
	fixture_t *f = calloc(1, sizeof(*f));
	dns_arena_init(&f->arena, 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fixture_t *f = *state;
	dns_arena_free(&f->arena);
	free(f);
	return 0;
}

static bool build(fixture_t *f, const char *yaml, sc_query_t *q)
{
	memset(&f->d, 0, sizeof(f->d));
	node_t *root =
	    node_parse(yaml, strlen(yaml), "t.yaml", &f->arena, &f->d);
	return root != NULL && sc_query_build(root, &f->arena, q, &f->d);
}

static void build_ok(fixture_t *f, const char *yaml, sc_query_t *q)
{
	bool ok = build(f, yaml, q);
	for (unsigned i = 0; !ok && i < f->d.n; i++)
		print_error("%s: %u:%u: %s\n", yaml, f->d.e[i].line,
			    f->d.e[i].col, f->d.e[i].msg);
	assert_true(ok);
}

static size_t unhex(const char *hex, uint8_t *out, size_t cap)
{
	size_t n = 0;
	for (; hex[0] != '\0' && hex[1] != '\0' && n < cap; hex += 2)
		out[n++] = (uint8_t)(dns_hex_value(hex[0]) << 4 |
				     dns_hex_value(hex[1]));
	return n;
}

#define CLIENT "2122232425262728"
#define SERVER "010000006b08a488790c9d6f18e7d8fc"
#define PRIMED_EDNS                                                            \
	"edns: {options: [{nsid: ''}, {cookie: {client: '" CLIENT              \
	"', server: primed}}]}"

/* The builder sends only the client cookie and says where the server
 * cookie goes. */
static void test_build_primed(void **state)
{
	fixture_t *f = *state;
	sc_query_t q;
	build_ok(f, "{id: 1, " PRIMED_EDNS "}", &q);
	assert_true(q.cookie_primed);
	assert_true(q.has_cookie);
	assert_int_equal(q.prime_at, q.len);
	assert_int_equal(dns_get_u16(q.wire + q.prime_optlen_at), 8);
	assert_int_equal(dns_get_u16(q.wire + q.prime_rdlen_at), 4 + 12);
	assert_memory_equal(q.wire + q.prime_at - 8, q.cookie, 8);
	assert_memory_equal(q.prime_client, q.cookie, 8);

	sc_query_t p;
	build_ok(f,
		 "{edns: {options: [{cookie: {client: '" CLIENT
		 "', server: primed, prime_client: '5152535455565758'}}]}}",
		 &p);
	assert_true(p.cookie_primed);
	assert_memory_equal(p.prime_client, "\x51\x52\x53\x54\x55\x56\x57\x58",
			    8);
	assert_memory_equal(p.cookie, "\x21\x22\x23\x24\x25\x26\x27\x28", 8);
}

/* The prime is the query with prime_client as its client cookie. */
static void test_prime_query(void **state)
{
	fixture_t *f = *state;
	sc_query_t q;
	build_ok(f,
		 "{id: 1, edns: {options: [{cookie: {client: '" CLIENT
		 "', server: primed, prime_client: '5152535455565758'}}]}}",
		 &q);
	size_t len = 0;
	uint8_t *w = play_prime_query(&q, &f->arena, &len);
	assert_non_null(w);
	assert_int_equal(len, q.len);
	assert_memory_equal(w, q.wire, q.len - 8);
	assert_memory_equal(w + q.prime_at - 8,
			    "\x51\x52\x53\x54\x55\x56\x57\x58", 8);
}

/* The query sent after the prime is the one written with the server
 * cookie as hex; with no server cookie, the query as it is. */
static void test_apply(void **state)
{
	fixture_t *f = *state;
	sc_query_t q, want;
	build_ok(f, "{id: 1, " PRIMED_EDNS "}", &q);
	build_ok(
	    f,
	    "{id: 1, edns: {options: [{nsid: ''}, {cookie: {client: '" CLIENT
	    "', server: '" SERVER "'}}]}}",
	    &want);
	uint8_t server[32];
	size_t slen = unhex(SERVER, server, sizeof(server));
	sc_query_t *got = play_prime_apply(&q, server, slen, &f->arena);
	assert_non_null(got);
	assert_false(got->cookie_primed);
	assert_int_equal(got->len, want.len);
	assert_memory_equal(got->wire, want.wire, want.len);

	got = play_prime_apply(&q, server, 0, &f->arena);
	assert_non_null(got);
	assert_int_equal(got->len, q.len);
	assert_memory_equal(got->wire, q.wire, q.len);
}

static net_result_t one_response(const uint8_t **msg, size_t *len)
{
	net_result_t r = {0};
	r.msgs = msg;
	r.lens = len;
	r.nmsgs = 1;
	return r;
}

/* The server cookie comes from the first response's COOKIE of 16 to 40
 * bytes; none from a response without one, or a client-only one. */
static void test_cookie_from_response(void **state)
{
	(void)state;
	static const char *const resp =
	    "8beb84000000000000000001"
	    "00002904d000000000001c000a0018" CLIENT SERVER;
	static const char *const client_only =
	    "8beb84000000000000000001"
	    "00002904d000000000000c000a0008" CLIENT;
	static const char *const no_opt = "8beb84000000000000000000";
	uint8_t buf[128], server[32], want[32];
	size_t slen = 0, len = unhex(resp, buf, sizeof(buf));
	const uint8_t *msg = buf;
	net_result_t r = one_response(&msg, &len);
	assert_true(play_prime_cookie(&r, server, &slen));
	assert_int_equal(slen, 16);
	assert_int_equal(unhex(SERVER, want, sizeof(want)), 16);
	assert_memory_equal(server, want, 16);

	len = unhex(client_only, buf, sizeof(buf));
	assert_false(play_prime_cookie(&r, server, &slen));
	len = unhex(no_opt, buf, sizeof(buf));
	assert_false(play_prime_cookie(&r, server, &slen));
	r.nmsgs = 0;
	assert_false(play_prime_cookie(&r, server, &slen));
}

typedef struct bad_case {
	const char *yaml;
	const char *msg;
} bad_case_t;

static const bad_case_t bad_cases[] = {
    {"{" PRIMED_EDNS ", wire: [{append: '00'}]}", "cannot be combined"},
    {"{edns: {owner: example., options: [{cookie: {client: '" CLIENT
     "', server: primed}}]}}",
     "OPT owned by the root"},
    {"{edns: {options: [{cookie: {client: '" CLIENT "', prime_client: '" CLIENT
     "'}}]}}",
     "prime_client: needs server: primed"},
    {"{edns: {options: [{cookie: {client: '" CLIENT
     "', server: primed}}, {cookie: {client: '" CLIENT "', server: primed}}]}}",
     "only one COOKIE can be server: primed"},
    {"{edns: {options: [{cookie: {client: '" CLIENT
     "', server: primed, prime_client: '01'}}]}}",
     "a client cookie is 8 bytes"},
};

static void test_bad(void **state)
{
	fixture_t *f = *state;
	for (size_t i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		sc_query_t q;
		bool ok = build(f, bad_cases[i].yaml, &q);
		if (ok || f->d.n == 0 ||
		    strstr(f->d.e[0].msg, bad_cases[i].msg) == NULL)
			print_error("%s\n want %s\n got  %s\n",
				    bad_cases[i].yaml, bad_cases[i].msg,
				    f->d.n ? f->d.e[0].msg : "(none)");
		assert_false(ok);
		assert_non_null(strstr(f->d.e[0].msg, bad_cases[i].msg));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_build_primed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_prime_query, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_apply, setup, teardown),
	    cmocka_unit_test(test_cookie_from_response),
	    cmocka_unit_test_setup_teardown(test_bad, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
