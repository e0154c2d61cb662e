/* test_name.c - name codec: wire decode with compression, encode,
 * presentation, comparison. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/name.h"

typedef struct {
	const char *what;
	const char *msg; /* bytes, may contain NULs: length in len */
	size_t len;
	size_t start;
	bool allow_ptr;
	dns_rc_t rc;
	const char *text;  /* expected name when rc == DNS_OK */
	size_t end_or_off; /* cursor position after, or error offset */
} wire_case_t;

#define M(s) s, sizeof(s) - 1

static const wire_case_t wire_cases[] = {
    {"plain", M("\3www\7example\3com\0"), 0, true, DNS_OK, "www.example.com.",
     17},
    {"root", M("\0"), 0, true, DNS_OK, ".", 1},
    {"backward pointer", M("\7example\0\3www\xc0\x00"), 9, true, DNS_OK,
     "www.example.", 15},
    {"pointer to pointer", M("\1a\0\xc0\x00\1b\xc0\x03"), 5, true, DNS_OK,
     "b.a.", 9},
    {"pointer to itself", M("\1a\0\xc0\x03"), 3, true, DNS_E_PTR_FORWARD, NULL,
     3},
    {"forward pointer", M("\xc0\x04\0\0\1a\0"), 0, true, DNS_E_PTR_FORWARD,
     NULL, 0},
    {"pointer out of range", M("\1a\xc0\x40"), 0, true, DNS_E_PTR_RANGE, NULL,
     2},
    {"loop into own labels", M("\1a\xc0\x00"), 0, true, DNS_E_PTR_LOOP, NULL,
     2},
    /* a cycle of two always has one forward step */
    {"two-step cycle", M("\1a\xc0\x04\1b\xc0\x00"), 4, true, DNS_E_PTR_FORWARD,
     NULL, 2},
    {"label type 0x40",
     M("\x41"
       "a\0"),
     0, true, DNS_E_LABEL_TYPE, NULL, 0},
    {"label type 0x80", M("\1a\x80\0"), 0, true, DNS_E_LABEL_TYPE, NULL, 2},
    {"truncated label", M("\5ab"), 0, true, DNS_E_SHORT, NULL, 0},
    {"no root label", M("\1a"), 0, true, DNS_E_SHORT, NULL, 2},
    {"truncated pointer", M("\1a\xc0"), 0, true, DNS_E_SHORT, NULL, 2},
    {"pointer forbidden", M("\1a\0\xc0\x00"), 3, false, DNS_E_PTR_FORBIDDEN,
     NULL, 3},
};

static void test_wire_decode(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(wire_cases) / sizeof(wire_cases[0]);
	     i++) {
		const wire_case_t *c = &wire_cases[i];
		dns_wire_t w = dns_wire_reader((const uint8_t *)c->msg, c->len);
		w.pos = c->start;
		dns_name_t n;
		dns_rc_t rc = dns_name_unpack(&w, &n, c->allow_ptr);
		if (rc != c->rc)
			fail_msg("%s: got %s, want %s", c->what,
				 dns_rc_name(rc), dns_rc_name(c->rc));
		if (rc == DNS_OK) {
			char buf[DNS_NAME_TEXT_MAX];
			dns_name_to_text(&n, buf, sizeof(buf));
			assert_string_equal(buf, c->text);
			assert_int_equal(w.pos, c->end_or_off);
		} else {
			if (w.err_off != c->end_or_off)
				fail_msg("%s: error at %zu, want %zu", c->what,
					 w.err_off, c->end_or_off);
		}
	}
}

/* 63-byte labels: four make 256 bytes with the root, one too many. */
static void test_wire_name_too_long(void **state)
{
	(void)state;
	uint8_t msg[300];
	size_t n = 0;
	for (int l = 0; l < 4; l++) {
		msg[n++] = 63;
		memset(msg + n, 'a', 63);
		n += 63;
	}
	msg[n++] = 0;
	dns_wire_t w = dns_wire_reader(msg, n);
	dns_name_t name;
	assert_int_equal(dns_name_unpack(&w, &name, true), DNS_E_NAME_LEN);
	assert_int_equal(w.err_off, 3 * 64);
	/* 3 x 63 + 1 x 61 + root = 255: the longest legal name */
	msg[3 * 64] = 61;
	msg[3 * 64 + 62] = 0;
	w = dns_wire_reader(msg, 3 * 64 + 63);
	assert_int_equal(dns_name_unpack(&w, &name, true), DNS_OK);
	assert_int_equal(name.len, 255);
}

/* The checks of one label in the order name.h gives them: a label that
 * makes the name too long and also runs past the data is NAME_LEN, also
 * when the name continues through a pointer; one that only runs past the
 * data is SHORT. */
static void test_wire_check_order(void **state)
{
	(void)state;
	uint8_t msg[300];
	dns_name_t name;
	size_t n = 0;
	for (int l = 0; l < 3; l++) {
		msg[n++] = 63;
		memset(msg + n, 'a', 63);
		n += 63;
	}
	msg[n++] = 63; /* 192 + 64 > 255, and only 10 bytes follow */
	memset(msg + n, 'b', 10);
	dns_wire_t w = dns_wire_reader(msg, n + 10);
	assert_int_equal(dns_name_unpack(&w, &name, true), DNS_E_NAME_LEN);
	assert_int_equal(w.err_off, 3 * 64);
	msg[3 * 64] = 61; /* fits the name, not the data */
	w = dns_wire_reader(msg, n + 10);
	assert_int_equal(dns_name_unpack(&w, &name, true), DNS_E_SHORT);
	assert_int_equal(w.err_off, 3 * 64);
	/* through a pointer: a name of 2 x 64 bytes at 0, and at `start`
	 * one of 2 x 64 bytes in place then a pointer to 0: the second label
	 * after the jump makes 256 bytes */
	n = 0;
	for (int l = 0; l < 2; l++) {
		msg[n++] = 63;
		memset(msg + n, 'c', 63);
		n += 63;
	}
	msg[n++] = 0;
	size_t start = n;
	for (int l = 0; l < 2; l++) {
		msg[n++] = 63;
		memset(msg + n, 'd', 63);
		n += 63;
	}
	msg[n++] = 0xc0;
	msg[n++] = 0;
	w = dns_wire_reader(msg, n);
	w.pos = start;
	assert_int_equal(dns_name_unpack(&w, &name, true), DNS_E_NAME_LEN);
	assert_int_equal(w.err_off, 64);
	/* 64 + 62 bytes in place: 126 + 129 = 255, legal */
	n = start + 64;
	msg[n++] = 61;
	memset(msg + n, 'e', 61);
	n += 61;
	msg[n++] = 0xc0;
	msg[n++] = 0;
	w = dns_wire_reader(msg, n);
	w.pos = start;
	assert_int_equal(dns_name_unpack(&w, &name, true), DNS_OK);
	assert_int_equal(name.len, 255);
	assert_int_equal(w.pos, n);
}

/* A chain of pointers each pointing at the one before it: legal steps,
 * but more than the hop cap. */
static void test_wire_hop_cap(void **state)
{
	(void)state;
	uint8_t msg[2 * 300 + 2];
	msg[0] = 0;
	msg[1] = 0;
	for (size_t k = 1; k <= 300; k++) {
		msg[2 * k] = (uint8_t)(0xc0 | ((2 * k - 2) >> 8));
		msg[2 * k + 1] = (uint8_t)(2 * k - 2);
	}
	dns_work = (dns_work_t){0};
	dns_wire_t w = dns_wire_reader(msg, sizeof(msg));
	w.pos = 2 * 100;
	dns_name_t n;
	assert_int_equal(dns_name_unpack(&w, &n, true), DNS_OK);
	assert_int_equal(dns_work.hops, 100);
	w = dns_wire_reader(msg, sizeof(msg));
	w.pos = 2 * 300;
	assert_int_equal(dns_name_unpack(&w, &n, true), DNS_E_PTR_LOOP);
	assert_true(dns_work.hops <= 100 + DNS_PTR_MAXHOPS);
}

/* One decode with dns_name_unpack and with dns_name_unpack_wire (into a
 * heap buffer of exactly DNS_NAME_MAXLEN bytes, so that ASan sees any
 * write past it) from the same cursor: the same result, name, cursor
 * and work. msg is a heap copy of exactly len bytes (reads past it are
 * caught too). */
static void unpack_both(const uint8_t *msg, size_t len, size_t start,
			size_t end, bool allow_ptr)
{
	dns_name_t *n = malloc(sizeof(*n));
	uint8_t *out = malloc(DNS_NAME_MAXLEN);
	assert_non_null(n);
	assert_non_null(out);
	dns_wire_t w1 = dns_wire_reader(msg, len), w2;
	w1.pos = start;
	w1.end = end;
	w2 = w1;
	dns_work = (dns_work_t){0};
	dns_rc_t rc = dns_name_unpack(&w1, n, allow_ptr);
	dns_work_t work1 = dns_work;
	dns_work = (dns_work_t){0};
	size_t got = dns_name_unpack_wire(&w2, out, allow_ptr);
	assert_int_equal(dns_work.hops, work1.hops);
	assert_int_equal(dns_work.labels, work1.labels);
	assert_int_equal(got > 0, rc == DNS_OK);
	assert_int_equal(w1.err, w2.err);
	assert_int_equal(w1.err_off, w2.err_off);
	assert_int_equal(w1.pos, w2.pos);
	if (rc == DNS_OK) {
		assert_int_equal(got, n->len);
		assert_memory_equal(out, n->wire, got);
		assert_int_equal(dns_name_wire_len(n->wire, n->len), n->len);
	}
	free(out);
	free(n);
}

/* dns_name_unpack_wire agrees with dns_name_unpack, and both copy what
 * they must and no more, wherever a name lies: the cases above, then
 * names of every length made of labels of every length, at the end of
 * the message or not, in place or behind pointers (the runs of labels
 * are copied 32 bytes at a time when both sides have room). */
static void test_wire_unpack_into(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(wire_cases) / sizeof(wire_cases[0]);
	     i++) {
		const wire_case_t *c = &wire_cases[i];
		uint8_t *m = malloc(c->len);
		assert_non_null(m);
		memcpy(m, c->msg, c->len);
		unpack_both(m, c->len, c->start, c->len, c->allow_ptr);
		unpack_both(m, c->len, c->start, c->start, c->allow_ptr);
		free(m);
	}
	uint8_t buf[600];
	for (size_t lab = 1; lab <= 63; lab += (lab < 8 ? 1 : 7)) {
		for (size_t total = 1; total <= 257; total++) {
			/* labels of lab bytes (the last shorter) up to total
			 * bytes with the root, at offset 0 */
			size_t n = 0;
			while (n + 1 < total) {
				size_t k = total - 1 - n - 1;
				k = k < lab ? k : lab;
				buf[n] = (uint8_t)k;
				memset(buf + n + 1, 'a' + (int)(n % 26), k);
				n += 1 + k;
			}
			buf[n++] = 0;
			/* then a name "\1x" and a pointer to offset 0, and
			 * room after it or not */
			size_t p = n;
			buf[p] = 1;
			buf[p + 1] = 'x';
			buf[p + 2] = 0xc0;
			buf[p + 3] = 0;
			for (size_t tail = 0; tail <= 40; tail += 40) {
				size_t len = p + 4 + tail;
				uint8_t *m = malloc(len);
				assert_non_null(m);
				memcpy(m, buf, p + 4);
				memset(m + p + 4, 0, tail);
				unpack_both(m, len, 0, len, true);
				unpack_both(m, len, 0, n - 1 + (n == 1), true);
				unpack_both(m, len, p, len, true);
				unpack_both(m, len, p, len, false);
				unpack_both(m, len, p, p + 3, true);
				free(m);
			}
		}
	}
}

typedef struct {
	const char *in;
	const char *origin; /* NULL: none */
	dns_rc_t rc;
	const char *out; /* printed form, or NULL */
	unsigned col;	 /* error column */
} text_case_t;

static const text_case_t text_cases[] = {
    {"example.com.", NULL, DNS_OK, "example.com.", 0},
    {"Example.COM.", NULL, DNS_OK, "Example.COM.", 0},
    {".", NULL, DNS_OK, ".", 0},
    {"www", "example.com.", DNS_OK, "www.example.com.", 0},
    {"@", "example.com.", DNS_OK, "example.com.", 0},
    {"a\\.b.example.", NULL, DNS_OK, "a\\.b.example.", 0},
    {"\\000.x.", NULL, DNS_OK, "\\000.x.", 0},
    {"\\065.x.", NULL, DNS_OK, "A.x.", 0},
    {"sp\\ ace.x.", NULL, DNS_OK, "sp\\032ace.x.", 0},
    {"q\\\"uote\\;.x.", NULL, DNS_OK, "q\\\"uote\\;.x.", 0},
    {"\\200.x.", NULL, DNS_OK, "\\200.x.", 0},
    {"a\\(b\\)\\255z\\$.x.", NULL, DNS_OK, "a\\(b\\)\\255z\\$.x.", 0},
    {"*.example.", NULL, DNS_OK, "*.example.", 0},
    {"www", NULL, DNS_E_RELATIVE, NULL, 3},
    {"@", NULL, DNS_E_RELATIVE, NULL, 1},
    {"a..b.", NULL, DNS_E_EMPTY_NAME, NULL, 3},
    {".a.", NULL, DNS_E_EMPTY_NAME, NULL, 1},
    {"\\256.x.", NULL, DNS_E_ESCAPE, NULL, 1},
    {"ab\\12", NULL, DNS_E_ESCAPE, NULL, 3},
    {"ab\\", NULL, DNS_E_ESCAPE, NULL, 3},
    {"", NULL, DNS_E_EMPTY_NAME, NULL, 1},
};

static void test_text(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(text_cases) / sizeof(text_cases[0]);
	     i++) {
		const text_case_t *c = &text_cases[i];
		dns_name_t origin, n;
		if (c->origin)
			assert_int_equal(
			    dns_name_from_str(c->origin, NULL, &origin),
			    DNS_OK);
		dns_error_t err = {0};
		dns_rc_t rc = dns_name_from_text(
		    c->in, strlen(c->in), c->origin ? &origin : NULL, &n, &err);
		if (rc != c->rc)
			fail_msg("'%s': got %s, want %s", c->in,
				 dns_rc_name(rc), dns_rc_name(c->rc));
		if (rc != DNS_OK) {
			if (err.col != c->col)
				fail_msg("'%s': column %u, want %u", c->in,
					 err.col, c->col);
			continue;
		}
		char buf[DNS_NAME_TEXT_MAX];
		size_t len = dns_name_to_text(&n, buf, sizeof(buf));
		assert_string_equal(buf, c->out);
		assert_int_equal(len, strlen(c->out));
		/* printed form parses back to the same bytes */
		dns_name_t again;
		assert_int_equal(dns_name_from_str(buf, NULL, &again), DNS_OK);
		assert_int_equal(again.len, n.len);
		assert_memory_equal(again.wire, n.wire, n.len);
	}
}

static void test_text_limits(void **state)
{
	(void)state;
	char big[400];
	dns_name_t n;
	dns_error_t err = {0};
	/* 64-byte label */
	memset(big, 'a', 64);
	strcpy(big + 64, ".x.");
	assert_int_equal(dns_name_from_text(big, strlen(big), NULL, &n, &err),
			 DNS_E_LABEL_LEN);
	assert_int_equal(err.col, 64);
	/* 63-byte label is fine */
	strcpy(big + 63, ".x.");
	assert_int_equal(dns_name_from_str(big, NULL, &n), DNS_OK);
	/* 127 one-letter labels = 254 + root = 255 bytes: the limit */
	size_t k = 0;
	for (int i = 0; i < 127; i++) {
		big[k++] = 'a';
		big[k++] = '.';
	}
	big[k] = 0;
	assert_int_equal(dns_name_from_str(big, NULL, &n), DNS_OK);
	assert_int_equal(n.len, 255);
	assert_int_equal(dns_name_labels(&n), 127);
	big[k++] = 'a';
	big[k++] = '.';
	big[k] = 0;
	assert_int_equal(dns_name_from_str(big, NULL, &n), DNS_E_NAME_LEN);
	/* relative name that overflows with its origin */
	dns_name_t origin;
	big[k - 4] = 0; /* 126 labels, relative */
	big[k - 5] = 0;
	assert_int_equal(dns_name_from_str("a.b.", NULL, &origin), DNS_OK);
	assert_int_equal(dns_name_from_str(big, &origin, &n), DNS_E_NAME_LEN);
	/* snprintf-style length when the buffer is small */
	assert_int_equal(dns_name_from_str("example.com.", NULL, &n), DNS_OK);
	char small[4];
	assert_int_equal(dns_name_to_text(&n, small, sizeof(small)), 12);
	assert_string_equal(small, "exa");
}

/* The escaping rules written out once more, byte by byte, as the
 * reference for the table-driven printer. */
static size_t ref_label(const uint8_t *p, size_t n, char *out)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		if (c <= 0x20 || c >= 0x7f)
			k += (size_t)sprintf(out + k, "\\%03u", c);
		else if (strchr(".\\\"();@$", c) != NULL)
			k += (size_t)sprintf(out + k, "\\%c", c);
		else
			out[k++] = (char)c;
	}
	out[k] = 0;
	return k;
}

static void check_text(const dns_name_t *n, const char *want)
{
	char buf[DNS_NAME_TEXT_MAX], cut[DNS_NAME_TEXT_MAX];
	size_t len = strlen(want);
	assert_int_equal(dns_name_to_text(n, buf, sizeof(buf)), len);
	assert_string_equal(buf, want);
	assert_int_equal(
	    dns_name_wire_to_text(n->wire, n->len, buf, sizeof(buf)), len);
	assert_string_equal(buf, want);
	/* every smaller buffer gets the prefix that fits, like snprintf */
	for (size_t cap = 0; cap <= len + 1; cap++) {
		memset(cut, '#', sizeof(cut));
		assert_int_equal(dns_name_to_text(n, cut, cap), len);
		if (cap == 0) {
			assert_int_equal(cut[0], '#');
			continue;
		}
		size_t k = cap - 1 < len ? cap - 1 : len;
		assert_memory_equal(cut, want, k);
		assert_int_equal(cut[k], '\0');
	}
}

/* Every byte value, alone in a label and between two letters. */
static void test_text_every_byte(void **state)
{
	(void)state;
	for (unsigned b = 0; b < 256; b++) {
		uint8_t lab[3] = {'a', (uint8_t)b, 'z'};
		dns_name_t n;
		char want[64], got[64];
		/* "\1<b>\3az<b>z\0" */
		n.wire[0] = 1;
		n.wire[1] = (uint8_t)b;
		n.wire[2] = 3;
		memcpy(n.wire + 3, lab, 3);
		n.wire[6] = 0;
		n.len = 7;
		size_t k = ref_label(lab + 1, 1, want);
		want[k++] = '.';
		k += ref_label(lab, 3, want + k);
		strcpy(want + k, ".");
		check_text(&n, want);
		ref_label(lab, 3, want);
		assert_int_equal(dns_label_to_text(lab, 3, got, sizeof(got)),
				 strlen(want));
		assert_string_equal(got, want);
	}
}

/* The root, 63-byte labels, and the longest text: a 255-byte name whose
 * every byte prints as \DDD. */
static void test_text_long(void **state)
{
	(void)state;
	dns_name_t n;
	char want[DNS_NAME_TEXT_MAX];
	dns_name_root(&n);
	check_text(&n, ".");
	size_t k = 0, w = 0;
	for (int l = 0; l < 4; l++) {
		uint8_t len = l < 3 ? 63 : 61;
		n.wire[k++] = len;
		for (unsigned i = 0; i < len; i++)
			n.wire[k++] = (uint8_t)(l == 0 ? 'x' : 0xff - i);
		w += ref_label(n.wire + k - len, len, want + w);
		want[w++] = '.';
	}
	want[w] = 0;
	n.wire[k++] = 0;
	n.len = (uint8_t)k;
	assert_int_equal(n.len, 255);
	check_text(&n, want);
	/* a label longer than the printer's pieces, cut short */
	char got[DNS_NAME_TEXT_MAX], ref[DNS_NAME_TEXT_MAX];
	size_t rl = ref_label(n.wire + 65, 190, ref);
	assert_int_equal(dns_label_to_text(n.wire + 65, 190, got, sizeof(got)),
			 rl);
	assert_string_equal(got, ref);
	assert_int_equal(dns_label_to_text(n.wire + 65, 190, got, 10), rl);
	assert_memory_equal(got, ref, 9);
	assert_int_equal(got[9], 0);
	assert_int_equal(dns_label_to_text(n.wire + 65, 190, NULL, 0), rl);
}

/* RFC 4034 section 6.1 example, in canonical order. */
static void test_compare(void **state)
{
	(void)state;
	static const char *const order[] = {
	    "example.",		"a.example.",	   "yljkjljk.a.example.",
	    "Z.a.example.",	"zABC.a.EXAMPLE.", "z.example.",
	    "\\001.z.example.", "*.z.example.",	   "\\200.z.example.",
	};
	size_t n = sizeof(order) / sizeof(order[0]);
	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			dns_name_t a, b;
			assert_int_equal(dns_name_from_str(order[i], NULL, &a),
					 0);
			assert_int_equal(dns_name_from_str(order[j], NULL, &b),
					 0);
			int c = dns_name_compare(&a, &b);
			if ((i < j && c >= 0) || (i > j && c <= 0) ||
			    (i == j && c != 0))
				fail_msg("%s vs %s: %d", order[i], order[j], c);
		}
	}
}

static void test_structure(void **state)
{
	(void)state;
	dns_name_t a, b, c, root;
	dns_name_root(&root);
	assert_int_equal(dns_name_from_str("WWW.Example.com.", NULL, &a), 0);
	assert_int_equal(dns_name_from_str("example.COM.", NULL, &b), 0);
	assert_int_equal(dns_name_from_str("ample.com.", NULL, &c), 0);
	assert_true(dns_name_is_sub(&a, &b));
	assert_true(dns_name_is_sub(&b, &b));
	assert_true(dns_name_is_sub(&a, &root));
	assert_false(dns_name_is_sub(&b, &a));
	assert_false(dns_name_is_sub(&a, &c)); /* not on a label boundary */
	assert_int_equal(dns_name_labels(&a), 3);
	assert_int_equal(dns_name_labels(&root), 0);
	assert_false(dns_name_equal(&a, &b));
	dns_name_t p;
	dns_name_parent(&a, &p);
	assert_true(dns_name_equal(&p, &b));
	dns_name_lower(&a);
	char buf[64];
	dns_name_to_text(&a, buf, sizeof(buf));
	assert_string_equal(buf, "www.example.com.");
	assert_int_equal(dns_name_prepend(&p, (const uint8_t *)"www", 3), 0);
	assert_true(dns_name_equal(&p, &a));
	uint8_t label[64] = {0};
	assert_int_equal(dns_name_prepend(&p, label, 64), DNS_E_LABEL_LEN);
	assert_int_equal(dns_name_wire_len(a.wire, a.len), a.len);
	assert_int_equal(dns_name_wire_len(a.wire, a.len - 1), 0);
}

static void test_pack_compression(void **state)
{
	(void)state;
	uint8_t buf[128];
	dns_wire_t w = dns_wire_writer(buf, sizeof(buf));
	dns_compress_t c;
	dns_compress_init(&c);
	dns_name_t a, b, d;
	assert_int_equal(dns_name_from_str("example.com.", NULL, &a), 0);
	assert_int_equal(dns_name_from_str("www.EXAMPLE.com.", NULL, &b), 0);
	assert_int_equal(dns_name_from_str("mail.example.org.", NULL, &d), 0);
	w.pos = 12;
	assert_int_equal(dns_name_pack(&w, &a, &c), DNS_OK);
	assert_int_equal(w.pos, 12 + 13);
	assert_int_equal(dns_name_pack(&w, &b, &c), DNS_OK);
	/* "www" + pointer to offset 12 */
	assert_memory_equal(buf + 25, "\3www\xc0\x0c", 6);
	assert_int_equal(dns_name_pack(&w, &b, &c), DNS_OK);
	assert_memory_equal(buf + 31, "\xc0\x19", 2); /* whole name at 25 */
	assert_int_equal(dns_name_pack(&w, &d, &c), DNS_OK);
	assert_memory_equal(buf + 33, "\4mail\7example\3org\0", 18);
	/* everything written decodes back */
	dns_wire_t r = dns_wire_reader(buf, w.pos);
	r.pos = 31;
	dns_name_t back;
	assert_int_equal(dns_name_unpack(&r, &back, true), DNS_OK);
	assert_true(dns_name_equal(&back, &b));
	/* no table: no pointers */
	dns_wire_t w2 = dns_wire_writer(buf, sizeof(buf));
	assert_int_equal(dns_name_pack(&w2, &b, NULL), DNS_OK);
	assert_int_equal(w2.pos, b.len);
	/* out of space is named */
	dns_wire_t w3 = dns_wire_writer(buf, 5);
	assert_int_equal(dns_name_pack(&w3, &b, NULL), DNS_E_SPACE);
}

static void test_pack_table_bound(void **state)
{
	(void)state;
	static uint8_t buf[65535];
	dns_wire_t w = dns_wire_writer(buf, sizeof(buf));
	dns_compress_t c;
	dns_compress_init(&c);
	char text[32];
	dns_work = (dns_work_t){0};
	for (int i = 0; i < 1000; i++) {
		dns_name_t n;
		snprintf(text, sizeof(text), "n%d.example.", i);
		assert_int_equal(dns_name_from_str(text, NULL, &n), 0);
		assert_int_equal(dns_name_pack(&w, &n, &c), DNS_OK);
	}
	assert_true(c.n <= DNS_COMPRESS_MAX);
	/* each name probes at most its suffixes times the table size */
	assert_true(dns_work.probes <= 1000ul * 3 * DNS_COMPRESS_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_wire_decode),
	    cmocka_unit_test(test_wire_name_too_long),
	    cmocka_unit_test(test_wire_check_order),
	    cmocka_unit_test(test_wire_hop_cap),
	    cmocka_unit_test(test_wire_unpack_into),
	    cmocka_unit_test(test_text),
	    cmocka_unit_test(test_text_limits),
	    cmocka_unit_test(test_text_every_byte),
	    cmocka_unit_test(test_text_long),
	    cmocka_unit_test(test_compare),
	    cmocka_unit_test(test_structure),
	    cmocka_unit_test(test_pack_compression),
	    cmocka_unit_test(test_pack_table_bound),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
