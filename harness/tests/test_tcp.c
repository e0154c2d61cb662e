/* test_tcp.c - DNS over TCP framing and reassembly. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "dns/arena.h"
#include "dns/tcp.h"

/* Three framed messages of different sizes, the second longer than 255
 * so its prefix has a non-zero high byte. */
#define M1_LEN	   12u
#define M2_LEN	   300u
#define M3_LEN	   1u
#define STREAM_LEN (M1_LEN + M2_LEN + M3_LEN + 3u * DNS_TCP_PREFIX_LEN)

static uint8_t stream[STREAM_LEN];
static const size_t msg_len[3] = {M1_LEN, M2_LEN, M3_LEN};

static void build_stream(void)
{
	size_t pos = 0;
	for (size_t m = 0; m < 3; m++) {
		uint8_t body[M2_LEN];
		for (size_t i = 0; i < msg_len[m]; i++)
			body[i] = (uint8_t)(m * 64 + i * 7 + 1);
		size_t n = 0;
		assert_int_equal(dns_tcp_frame(body, msg_len[m], stream + pos,
					       sizeof(stream) - pos, &n),
				 DNS_OK);
		pos += n;
	}
	assert_int_equal(pos, STREAM_LEN);
}

/* What a feed produced: the messages concatenated, and their lengths. */
typedef struct collected {
	uint8_t bytes[1024];
	size_t len[8];
	size_t n, total;
} collected_t;

static void collect(collected_t *c, const uint8_t *msg, size_t len)
{
	assert_true(c->n < 8);
	assert_true(len <= sizeof(c->bytes) - c->total);
	memcpy(c->bytes + c->total, msg, len);
	c->len[c->n++] = len;
	c->total += len;
}

/* Feed one chunk, looping until it is consumed; returns the first error. */
static dns_rc_t feed(dns_tcp_reader_t *r, const uint8_t *p, size_t len,
		     collected_t *c)
{
	while (len > 0) {
		size_t used = 0, mlen = 0;
		const uint8_t *msg = NULL;
		dns_rc_t rc = dns_tcp_read(r, p, len, &used, &msg, &mlen);
		assert_true(used <= len);
		if (msg != NULL)
			collect(c, msg, mlen);
		if (rc != DNS_OK)
			return rc;
		assert_true(used > 0);
		p += used;
		len -= used;
	}
	return DNS_OK;
}

/* The messages of `stream`, unframed, for comparison. */
static void expect_three(const collected_t *c)
{
	assert_int_equal(c->n, 3);
	size_t in = 0, out = 0;
	for (size_t m = 0; m < 3; m++) {
		assert_int_equal(c->len[m], msg_len[m]);
		in += DNS_TCP_PREFIX_LEN;
		assert_memory_equal(c->bytes + out, stream + in, msg_len[m]);
		in += msg_len[m];
		out += msg_len[m];
	}
}

static void test_one_chunk(void **state)
{
	(void)state;
	dns_tcp_reader_t r;
	collected_t c = {0};
	dns_tcp_reader_init(&r, 0);
	assert_int_equal(feed(&r, stream, STREAM_LEN, &c), DNS_OK);
	expect_three(&c);
	assert_int_equal(dns_tcp_end(&r, NULL, NULL), DNS_OK);
	/* every message was inside the chunk: nothing was allocated */
	assert_null(r.buf);
	dns_tcp_reader_free(&r);
}

static void test_every_split_point(void **state)
{
	(void)state;
	for (size_t i = 0; i <= STREAM_LEN; i++) {
		dns_tcp_reader_t r;
		collected_t c = {0};
		dns_tcp_reader_init(&r, 0);
		assert_int_equal(feed(&r, stream, i, &c), DNS_OK);
		assert_int_equal(feed(&r, stream + i, STREAM_LEN - i, &c),
				 DNS_OK);
		expect_three(&c);
		assert_int_equal(dns_tcp_end(&r, NULL, NULL), DNS_OK);
		dns_tcp_reader_free(&r);
	}
}

static void test_every_pair_of_split_points(void **state)
{
	(void)state;
	for (size_t i = 0; i <= STREAM_LEN; i++) {
		for (size_t j = i; j <= STREAM_LEN; j++) {
			dns_tcp_reader_t r;
			collected_t c = {0};
			dns_tcp_reader_init(&r, 0);
			assert_int_equal(feed(&r, stream, i, &c), DNS_OK);
			assert_int_equal(feed(&r, stream + i, j - i, &c),
					 DNS_OK);
			assert_int_equal(
			    feed(&r, stream + j, STREAM_LEN - j, &c), DNS_OK);
			expect_three(&c);
			dns_tcp_reader_free(&r);
		}
	}
}

static void test_one_byte_at_a_time(void **state)
{
	(void)state;
	dns_tcp_reader_t r;
	collected_t c = {0};
	dns_tcp_reader_init(&r, 0);
	for (size_t i = 0; i < STREAM_LEN; i++) {
		assert_int_equal(feed(&r, stream + i, 1, &c), DNS_OK);
		/* the buffer never exceeds the longest announced length */
		assert_true(r.cap <= M2_LEN);
	}
	expect_three(&c);
	assert_int_equal(r.cap, M2_LEN);
	dns_tcp_reader_free(&r);
}

/* Each read yields at most one message and reports what it used. */
static void test_read_stops_after_each_message(void **state)
{
	(void)state;
	dns_tcp_reader_t r;
	dns_tcp_reader_init(&r, 0);
	size_t pos = 0;
	for (size_t m = 0; m < 3; m++) {
		size_t used = 0, mlen = 0;
		const uint8_t *msg = NULL;
		assert_int_equal(dns_tcp_read(&r, stream + pos,
					      STREAM_LEN - pos, &used, &msg,
					      &mlen),
				 DNS_OK);
		assert_non_null(msg);
		assert_int_equal(mlen, msg_len[m]);
		assert_int_equal(used, DNS_TCP_PREFIX_LEN + msg_len[m]);
		/* zero copy: the message points into the chunk */
		assert_ptr_equal(msg, stream + pos + DNS_TCP_PREFIX_LEN);
		pos += used;
	}
	assert_int_equal(pos, STREAM_LEN);
	dns_tcp_reader_free(&r);
}

static void test_zero_length_frame(void **state)
{
	(void)state;
	static const uint8_t s[] = {0, 1, 0xab, 0, 0, 0, 1, 0xcd};
	for (size_t split = 0; split <= sizeof(s); split++) {
		dns_tcp_reader_t r;
		collected_t c = {0};
		dns_tcp_reader_init(&r, 0);
		dns_rc_t rc = feed(&r, s, split, &c);
		if (rc == DNS_OK)
			rc = feed(&r, s + split, sizeof(s) - split, &c);
		assert_int_equal(rc, DNS_E_FRAME);
		/* the message before the bad frame was delivered */
		assert_int_equal(c.n, 1);
		assert_int_equal(c.bytes[0], 0xab);
		assert_int_equal(r.err_off, 3);
		/* sticky: nothing more is consumed */
		size_t used = 99, mlen = 99;
		const uint8_t *msg = s;
		assert_int_equal(dns_tcp_read(&r, s + 5, 3, &used, &msg, &mlen),
				 DNS_E_FRAME);
		assert_int_equal(used, 0);
		assert_null(msg);
		assert_int_equal(mlen, 0);
		assert_int_equal(dns_tcp_end(&r, NULL, NULL), DNS_E_FRAME);
		dns_tcp_reader_free(&r);
	}
}

static void test_limit(void **state)
{
	(void)state;
	uint8_t s[2 + 513] = {0x02, 0x01}; /* announces 513 */
	dns_tcp_reader_t r;
	collected_t c = {0};
	dns_tcp_reader_init(&r, 512);
	assert_int_equal(feed(&r, s, sizeof(s), &c), DNS_E_FRAME);
	assert_int_equal(c.n, 0);
	assert_null(r.buf); /* nothing allocated for a refused length */
	dns_tcp_reader_free(&r);

	s[1] = 0x00; /* 512 fits exactly */
	dns_tcp_reader_init(&r, 512);
	assert_int_equal(feed(&r, s, 3, &c), DNS_OK); /* split in the body */
	assert_int_equal(feed(&r, s + 3, 2 + 512 - 3, &c), DNS_OK);
	assert_int_equal(c.n, 1);
	assert_int_equal(c.len[0], 512);
	assert_int_equal(r.cap, 512);
	dns_tcp_reader_free(&r);
}

/* A stream cut at every point: complete messages come out, the rest is
 * reported as incomplete with the bytes held and the bytes missing. */
static void test_partial_at_end(void **state)
{
	(void)state;
	/* message boundaries inside stream */
	const size_t b1 = DNS_TCP_PREFIX_LEN + M1_LEN;
	const size_t b2 = b1 + DNS_TCP_PREFIX_LEN + M2_LEN;
	for (size_t cut = 0; cut <= STREAM_LEN; cut++) {
		dns_tcp_reader_t r;
		collected_t c = {0};
		dns_tcp_reader_init(&r, 0);
		assert_int_equal(feed(&r, stream, cut, &c), DNS_OK);
		size_t start = cut >= b2 ? b2 : cut >= b1 ? b1 : 0;
		size_t done = cut >= b2 ? 2 : cut >= b1 ? 1 : 0;
		if (cut == STREAM_LEN) {
			start = STREAM_LEN;
			done = 3;
		}
		size_t pending = 99, missing = 99;
		dns_rc_t rc = dns_tcp_end(&r, &pending, &missing);
		assert_int_equal(c.n, done);
		assert_int_equal(pending, cut - start);
		assert_int_equal(dns_tcp_pending(&r), cut - start);
		if (pending == 0) {
			assert_int_equal(rc, DNS_OK);
			assert_int_equal(missing, 0);
		} else {
			assert_int_equal(rc, DNS_E_SHORT);
			size_t want =
			    pending < DNS_TCP_PREFIX_LEN
				? DNS_TCP_PREFIX_LEN - pending
				: DNS_TCP_PREFIX_LEN + msg_len[done] - pending;
			assert_int_equal(missing, want);
		}
		dns_tcp_reader_free(&r);
	}
}

/* Allocation failure at every allocation of a byte-wise feed: the read
 * reports DNS_E_NOMEM, and passing the bytes not consumed again (with
 * memory back) still yields the three messages. */
static void test_nomem_then_retry(void **state)
{
	(void)state;
	for (long fail = 0; fail < 4; fail++) {
		dns_tcp_reader_t r;
		collected_t c = {0};
		dns_tcp_reader_init(&r, 0);
		int failures = 0;
		size_t pos = 0;
		dns_mem_fail_after(fail);
		while (pos < STREAM_LEN) {
			size_t used = 0, mlen = 0;
			const uint8_t *msg = NULL;
			dns_rc_t rc = dns_tcp_read(&r, stream + pos, 1, &used,
						   &msg, &mlen);
			if (rc == DNS_E_NOMEM) {
				assert_int_equal(used, 0);
				assert_null(msg);
				failures++;
				dns_mem_fail_after(-1);
			} else {
				assert_int_equal(rc, DNS_OK);
				assert_int_equal(used, 1);
			}
			if (msg != NULL)
				collect(&c, msg, mlen);
			pos += used;
		}
		dns_mem_fail_after(-1);
		/* allocations: one per growth (12, then 300); a third count
		 * never fails because no third allocation happens */
		assert_int_equal(failures, fail < 2 ? 1 : 0);
		expect_three(&c);
		dns_tcp_reader_free(&r);
	}
}

static void test_reset_keeps_buffer(void **state)
{
	(void)state;
	dns_tcp_reader_t r;
	collected_t c = {0};
	dns_tcp_reader_init(&r, 0);
	assert_int_equal(feed(&r, stream, 5, &c), DNS_OK);
	assert_int_equal(dns_tcp_pending(&r), 5);
	uint8_t *buf = r.buf;
	assert_non_null(buf);
	dns_tcp_reader_reset(&r);
	assert_int_equal(dns_tcp_pending(&r), 0);
	assert_ptr_equal(r.buf, buf);
	for (size_t i = 0; i < STREAM_LEN; i += 7) {
		size_t n = STREAM_LEN - i < 7 ? STREAM_LEN - i : 7;
		assert_int_equal(feed(&r, stream + i, n, &c), DNS_OK);
	}
	expect_three(&c);
	dns_tcp_reader_free(&r);
	assert_null(r.buf);
}

static void test_frame(void **state)
{
	(void)state;
	uint8_t out[8];
	size_t n = 99;
	static const uint8_t msg[] = {1, 2, 3};
	assert_int_equal(dns_tcp_frame(msg, 3, out, sizeof(out), &n), DNS_OK);
	assert_int_equal(n, 5);
	static const uint8_t want[] = {0, 3, 1, 2, 3};
	assert_memory_equal(out, want, 5);

	/* built in place after room for the prefix */
	uint8_t inplace[5] = {0xee, 0xee, 7, 8, 9};
	assert_int_equal(dns_tcp_frame(inplace + 2, 3, inplace, 5, &n), DNS_OK);
	static const uint8_t want2[] = {0, 3, 7, 8, 9};
	assert_memory_equal(inplace, want2, 5);

	memset(out, 0x55, sizeof(out));
	assert_int_equal(dns_tcp_frame(msg, 3, out, 4, &n), DNS_E_SPACE);
	assert_int_equal(n, 0);
	assert_int_equal(out[0], 0x55); /* nothing written */
	assert_int_equal(dns_tcp_frame(msg, 3, out, 1, &n), DNS_E_SPACE);
	assert_int_equal(dns_tcp_frame(msg, 0, out, sizeof(out), &n),
			 DNS_E_FRAME);
	assert_int_equal(dns_tcp_frame(msg, 65536, out, sizeof(out), &n),
			 DNS_E_FRAME);
}

static void test_frame_largest(void **state)
{
	(void)state;
	static uint8_t msg[65535];
	static uint8_t out[65537];
	size_t n = 0;
	msg[65534] = 0x77;
	assert_int_equal(dns_tcp_frame(msg, sizeof(msg), out, sizeof(out), &n),
			 DNS_OK);
	assert_int_equal(n, 65537);
	assert_int_equal(out[0], 0xff);
	assert_int_equal(out[1], 0xff);

	dns_tcp_reader_t r;
	dns_tcp_reader_init(&r, 0);
	size_t used = 0, mlen = 0;
	const uint8_t *m = NULL;
	assert_int_equal(dns_tcp_read(&r, out, 3, &used, &m, &mlen), DNS_OK);
	assert_null(m);
	assert_int_equal(dns_tcp_read(&r, out + 3, n - 3, &used, &m, &mlen),
			 DNS_OK);
	assert_non_null(m);
	assert_int_equal(mlen, 65535);
	assert_int_equal(m[65534], 0x77);
	assert_int_equal(r.cap, 65535);
	dns_tcp_reader_free(&r);
}

static int setup(void **state)
{
	(void)state;
	build_stream();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_one_chunk),
	    cmocka_unit_test(test_every_split_point),
	    cmocka_unit_test(test_every_pair_of_split_points),
	    cmocka_unit_test(test_one_byte_at_a_time),
	    cmocka_unit_test(test_read_stops_after_each_message),
	    cmocka_unit_test(test_zero_length_frame),
	    cmocka_unit_test(test_limit),
	    cmocka_unit_test(test_partial_at_end),
	    cmocka_unit_test(test_nomem_then_retry),
	    cmocka_unit_test(test_reset_keeps_buffer),
	    cmocka_unit_test(test_frame),
	    cmocka_unit_test(test_frame_largest),
	};
	return cmocka_run_group_tests(tests, setup, NULL);
}
