/* fuzz_tcp.c - DNS over TCP reassembly and framing (tcp.h).
 *
 * Input: byte 0 = number of split points k (mod 16); byte 1 = the
 * reader's limit (0: 65535, else byte * 64); then k 16-bit split points
 * (taken mod the stream length); the rest is the TCP stream.
 *
 * The stream is fed three ways: in one chunk, in the chunks the split
 * points cut, and (for streams up to 2 KB) one byte at a time. Oracles:
 *  - all three yield the same messages (count and bytes), the same final
 *    code, the same error offset and the same end state (dns_tcp_end,
 *    pending and missing bytes), and the same as a ten-line model of the
 *    framing (length 0 or over the limit ends the stream);
 *  - every call makes progress or has a reason not to (sticky error, or
 *    the chunk used up); a yielded message has the announced length;
 *  - the reader's buffer never grows past the limit;
 *  - dns_tcp_frame of each message gives back its bytes in the stream.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dns/tcp.h"
#include "dns/wire.h"
#include "fuzz_util.h"

#define MAX_MSGS 4096u

/* What a feeding produced: messages as offsets into the stream (every
 * message's bytes are copied from the stream, so an offset identifies
 * them) and how the stream ended. */
typedef struct result {
	size_t off[MAX_MSGS], len[MAX_MSGS];
	size_t n;
	dns_rc_t rc;		    /* last code from dns_tcp_read */
	unsigned long long err_off; /* reader's error offset */
	dns_rc_t end;		    /* dns_tcp_end */
	size_t pending, missing;
} result_t;

static result_t one, split, bytewise, model;
static uint8_t frame[2u + 65535u];

/* Record a message from the reader; its bytes must equal the stream's at
 * the position the model says (checked in compare). */
static void record(result_t *r, const uint8_t *stream, size_t consumed,
		   const uint8_t *msg, size_t len)
{
	FUZZ_CHECK(len > 0 && len <= 65535, "message of %zu bytes", len);
	FUZZ_CHECK(consumed >= len, "message longer than the bytes consumed");
	size_t off = consumed - len;
	FUZZ_CHECK(memcmp(msg, stream + off, len) == 0,
		   "message bytes differ from the stream at %zu", off);
	if (r->n < MAX_MSGS) {
		r->off[r->n] = off;
		r->len[r->n] = len;
	}
	r->n++;
}

/* Feed stream[0..n) in the chunks that end at cuts[0..ncuts) (sorted). */
static void feed(result_t *r, const uint8_t *stream, size_t n,
		 const size_t *cuts, size_t ncuts, size_t limit)
{
	dns_tcp_reader_t rd;
	dns_tcp_reader_init(&rd, limit);
	size_t start = 0, total = 0;
	r->n = 0;
	r->rc = DNS_OK;
	for (size_t c = 0; c <= ncuts; c++) {
		size_t end = c < ncuts ? cuts[c] : n;
		const uint8_t *p = stream + start;
		size_t left = end - start;
		while (left > 0) {
			size_t used = 0, mlen = 0;
			const uint8_t *msg = NULL;
			dns_rc_t rc =
			    dns_tcp_read(&rd, p, left, &used, &msg, &mlen);
			FUZZ_CHECK(used <= left, "used %zu of %zu", used, left);
			FUZZ_CHECK(rd.cap <= rd.limit, "buffer %zu over limit",
				   rd.cap);
			r->rc = rc;
			total += used;
			if (msg != NULL)
				record(r, stream, total, msg, mlen);
			FUZZ_CHECK(rc == DNS_OK || rc == DNS_E_FRAME,
				   "read: %s", dns_rc_name(rc));
			if (rc != DNS_OK) {
				FUZZ_CHECK(msg == NULL && mlen == 0,
					   "message with an error");
				break;
			}
			FUZZ_CHECK(used > 0 || msg != NULL, "no progress");
			p += used;
			left -= used;
		}
		if (r->rc != DNS_OK)
			break;
		start = end;
	}
	r->err_off = rd.err_off;
	r->end = dns_tcp_end(&rd, &r->pending, &r->missing);
	dns_tcp_reader_free(&rd);
}

/* The framing rules, independently. */
static void run_model(result_t *r, const uint8_t *s, size_t n, size_t limit)
{
	size_t pos = 0;
	memset(r, 0, sizeof(*r));
	if (limit == 0 || limit > 65535)
		limit = 65535;
	while (n - pos >= 2) {
		size_t len = dns_get_u16(s + pos);
		if (len == 0 || len > limit) {
			r->rc = r->end = DNS_E_FRAME;
			r->err_off = pos;
			r->pending = 2;
			return;
		}
		if (n - pos - 2 < len) {
			r->end = DNS_E_SHORT;
			r->pending = n - pos;
			r->missing = len - (n - pos - 2);
			return;
		}
		if (r->n < MAX_MSGS) {
			r->off[r->n] = pos + 2;
			r->len[r->n] = len;
		}
		r->n++;
		pos += 2 + len;
	}
	if (n - pos == 1) {
		r->end = DNS_E_SHORT;
		r->pending = 1;
		r->missing = 1;
	}
}

static void compare(const result_t *a, const result_t *b, const char *what)
{
	FUZZ_CHECK(a->n == b->n, "%s: %zu messages, model %zu", what, a->n,
		   b->n);
	for (size_t i = 0; i < a->n && i < MAX_MSGS; i++)
		FUZZ_CHECK(a->off[i] == b->off[i] && a->len[i] == b->len[i],
			   "%s: message %zu at %zu+%zu, model %zu+%zu", what, i,
			   a->off[i], a->len[i], b->off[i], b->len[i]);
	FUZZ_CHECK(a->rc == b->rc && a->end == b->end,
		   "%s: read %s end %s, model read %s end %s", what,
		   dns_rc_name(a->rc), dns_rc_name(a->end), dns_rc_name(b->rc),
		   dns_rc_name(b->end));
	if (b->end == DNS_E_FRAME)
		FUZZ_CHECK(a->err_off == b->err_off,
			   "%s: error at %llu, model "
			   "%llu",
			   what, a->err_off, b->err_off);
	else
		FUZZ_CHECK(a->pending == b->pending && a->missing == b->missing,
			   "%s: pending %zu missing %zu, model %zu %zu", what,
			   a->pending, a->missing, b->pending, b->missing);
}

static int cmp_size(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	return x < y ? -1 : x > y;
}

static void check_frames(const result_t *r, const uint8_t *s)
{
	for (size_t i = 0; i < r->n && i < MAX_MSGS; i++) {
		size_t flen = 0;
		dns_rc_t rc = dns_tcp_frame(s + r->off[i], r->len[i], frame,
					    sizeof(frame), &flen);
		FUZZ_CHECK(rc == DNS_OK && flen == r->len[i] + 2, "frame");
		FUZZ_CHECK(memcmp(frame, s + r->off[i] - 2, flen) == 0,
			   "frame differs from the stream");
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	fuzz_in_t in = {data, size};
	size_t k = fuzz_u8(&in) % 16u;
	size_t limit = (size_t)fuzz_u8(&in) * 64u;
	uint16_t raw[16];
	for (size_t i = 0; i < k; i++)
		raw[i] = fuzz_u16(&in);
	const uint8_t *s = in.p;
	size_t n = in.n;

	size_t cuts[16];
	for (size_t i = 0; i < k; i++)
		cuts[i] = n > 0 ? raw[i] % n : 0;
	qsort(cuts, k, sizeof(cuts[0]), cmp_size);

	run_model(&model, s, n, limit);
	feed(&one, s, n, NULL, 0, limit);
	compare(&one, &model, "one chunk");
	feed(&split, s, n, cuts, k, limit);
	compare(&split, &model, "split");
	if (n <= 2048) {
		static size_t every[2048];
		for (size_t i = 0; i < n; i++)
			every[i] = i + 1;
		feed(&bytewise, s, n, every, n, limit);
		compare(&bytewise, &model, "byte at a time");
	}
	check_frames(&model, s);
	return 0;
}
