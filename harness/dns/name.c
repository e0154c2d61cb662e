/* name.c - domain name codec. */
#include "dns/name.h"

#include <string.h>

#include "dns/strbuf.h"

_Thread_local dns_work_t dns_work;

static inline uint8_t lower(uint8_t c)
{
	return (c >= 'A' && c <= 'Z') ? (uint8_t)(c + 32) : c;
}

/* ---- wire decode ------------------------------------------------------- */

/* Follow the pointer at offset at (two bytes, already known to be there).
 * seg_start is where the current run of labels began: a pointer must land
 * strictly before it, so every hop moves backwards and loops cannot exist. */
static bool ptr_follow(dns_wire_t *w, size_t at, size_t seg_start,
		       size_t *target)
{
	size_t t = (size_t)(w->msg[at] & 0x3f) << 8 | w->msg[at + 1];
	if (t >= w->msglen) {
		dns_wire_fail_at(w, DNS_E_PTR_RANGE, at);
		return false;
	}
	if (t >= at) {
		dns_wire_fail_at(w, DNS_E_PTR_FORWARD, at);
		return false;
	}
	if (t >= seg_start) {
		dns_wire_fail_at(w, DNS_E_PTR_LOOP, at);
		return false;
	}
	*target = t;
	return true;
}

/* Record rc at `at` (unless an error is there already: ptr_follow's),
 * count the labels read, and return 0, the length of no name. */
static size_t unpack_fail(dns_wire_t *w, dns_rc_t rc, size_t at,
			  unsigned labels)
{
	dns_work.labels += labels;
	dns_wire_fail_at(w, rc, at);
	return 0;
}

/* Copy one run of labels (n <= DNS_NAME_MAXLEN bytes) from the message to
 * the name. Most runs are short: when 32 bytes are there to read (src_room)
 * and to write (dst_room), a copy of a fixed 32 bytes is a few moves where
 * memcpy of a variable length is a call; the bytes past n are scratch that
 * the next run or nothing overwrites. */
static inline void copy_run(uint8_t *dst, size_t dst_room, const uint8_t *src,
			    size_t src_room, size_t n)
{
	if (n <= 32 && dst_room >= 32 && src_room >= 32)
		memcpy(dst, src, 32);
	else
		memcpy(dst, src, n);
}

/* The labels of a name run one after another in the message between
 * pointers, so each run ("segment") is checked label by label and then
 * copied at once. Within a segment the name grows as the cursor moves, so
 * the longest name (DNS_NAME_MAXLEN) is a fixed offset, name_end, and one
 * bound, stop, covers it and the end of the data (limit); when a label
 * crosses stop, the two are told apart in the order of the checks (name
 * too long before data too short). out has room for DNS_NAME_MAXLEN bytes;
 * returns the name's length, 0 on error (recorded in w). */
static size_t unpack_into(dns_wire_t *w, uint8_t *out, bool allow_ptr)
{
	const uint8_t *msg = w->msg;
	size_t pos = w->pos, limit = w->end, seg_start = w->pos;
	size_t resume = 0, seg_len = 0; /* seg_len: name bytes before seg */
	size_t name_end = seg_start + DNS_NAME_MAXLEN;
	size_t stop = limit < name_end ? limit : name_end;
	unsigned hops = 0, labels = 0;
	bool jumped = false;

	for (;;) {
		if (pos >= limit)
			return unpack_fail(w, DNS_E_SHORT, pos, labels);
		/* pos <= name_end: the name so far is at most 255 bytes */
		uint8_t c = msg[pos];
		if (c <= DNS_LABEL_MAXLEN && 1u + c <= stop - pos) {
			pos += 1u + c;
			labels++;
			if (c == 0)
				break;
			continue;
		}
		if (c <= DNS_LABEL_MAXLEN)
			return unpack_fail(w,
					   1u + c > name_end - pos
					       ? DNS_E_NAME_LEN
					       : DNS_E_SHORT,
					   pos, labels);
		if (c < 0xc0)
			return unpack_fail(w, DNS_E_LABEL_TYPE, pos, labels);
		size_t target;
		if (!allow_ptr)
			return unpack_fail(w, DNS_E_PTR_FORBIDDEN, pos, labels);
		if (pos + 2 > limit)
			return unpack_fail(w, DNS_E_SHORT, pos, labels);
		if (++hops > DNS_PTR_MAXHOPS)
			return unpack_fail(w, DNS_E_PTR_LOOP, pos, labels);
		dns_work.hops++;
		if (!ptr_follow(w, pos, seg_start, &target))
			return unpack_fail(w, w->err, pos, labels);
		copy_run(out + seg_len, DNS_NAME_MAXLEN - seg_len,
			 msg + seg_start, w->msglen - seg_start,
			 pos - seg_start);
		if (!jumped) {
			resume = pos + 2;
			jumped = true;
		}
		seg_len += pos - seg_start;
		pos = seg_start = target;
		limit = w->msglen;
		name_end = seg_start + (DNS_NAME_MAXLEN - seg_len);
		stop = limit < name_end ? limit : name_end;
	}
	copy_run(out + seg_len, DNS_NAME_MAXLEN - seg_len, msg + seg_start,
		 w->msglen - seg_start, pos - seg_start);
	dns_work.labels += labels;
	w->pos = jumped ? resume : pos;
	return seg_len + (pos - seg_start);
}

dns_rc_t dns_name_unpack(dns_wire_t *w, dns_name_t *out, bool allow_ptr)
{
	if (w->err != DNS_OK)
		return w->err;
	size_t len = unpack_into(w, out->wire, allow_ptr);
	if (len == 0)
		return w->err;
	out->len = (uint8_t)len;
	return DNS_OK;
}

size_t dns_name_unpack_wire(dns_wire_t *w, uint8_t *out, bool allow_ptr)
{
	return w->err == DNS_OK ? unpack_into(w, out, allow_ptr) : 0;
}

/* ---- wire encode ------------------------------------------------------- */

void dns_compress_init(dns_compress_t *c)
{
	c->n = 0;
}

/* Does the (valid, self-written) name at msg offset off equal the
 * uncompressed suffix s? Case-insensitive. */
static bool wire_suffix_equal(const dns_wire_t *w, size_t off, const uint8_t *s)
{
	unsigned guard = 0;
	for (;;) {
		if (off >= w->pos)
			return false;
		uint8_t c = w->msg[off];
		if ((c & 0xc0) == 0xc0) {
			if (off + 1 >= w->pos || ++guard > DNS_PTR_MAXHOPS)
				return false;
			off = (size_t)(c & 0x3f) << 8 | w->msg[off + 1];
			continue;
		}
		if (c != *s || off + 1 + c > w->pos)
			return false;
		if (c == 0)
			return true;
		for (unsigned i = 1; i <= c; i++)
			if (lower(w->msg[off + i]) != lower(s[i]))
				return false;
		off += 1u + c;
		s += 1u + c;
	}
}

/* Offset of a name in the table equal to suffix s, or -1. */
static long compress_find(const dns_wire_t *w, const dns_compress_t *c,
			  const uint8_t *s)
{
	for (unsigned i = 0; i < c->n; i++) {
		size_t off = c->off[i];
		dns_work.probes++;
		/* cheap filter: first label length must match */
		if (w->msg[off] != s[0] && (w->msg[off] & 0xc0) != 0xc0)
			continue;
		if (wire_suffix_equal(w, off, s))
			return (long)off;
	}
	return -1;
}

dns_rc_t dns_name_pack(dns_wire_t *w, const dns_name_t *n, dns_compress_t *c)
{
	size_t i = 0;
	while (i < n->len && n->wire[i] != 0) {
		const uint8_t *suffix = n->wire + i;
		if (c != NULL) {
			long hit = compress_find(w, c, suffix);
			if (hit >= 0) {
				dns_wire_put_u16(w, (uint16_t)(0xc000 | hit));
				return w->err;
			}
			if (w->pos < 0x4000 && c->n < DNS_COMPRESS_MAX &&
			    w->err == DNS_OK)
				c->off[c->n++] = (uint16_t)w->pos;
		}
		dns_wire_put_bytes(w, suffix, 1u + suffix[0]);
		dns_work.labels++;
		i += 1u + suffix[0];
	}
	dns_wire_put_u8(w, 0);
	return w->err;
}

/* ---- presentation ------------------------------------------------------ */

void dns_name_root(dns_name_t *out)
{
	out->len = 1;
	out->wire[0] = 0;
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Decode one possibly escaped character at s[*i]; advance *i. */
static dns_rc_t text_char(const char *s, size_t len, size_t *i, uint8_t *out)
{
	if (s[*i] != '\\') {
		*out = (uint8_t)s[(*i)++];
		return DNS_OK;
	}
	if (*i + 1 >= len)
		return DNS_E_ESCAPE;
	if (is_digit(s[*i + 1])) {
		if (*i + 3 >= len || !is_digit(s[*i + 2]) ||
		    !is_digit(s[*i + 3]))
			return DNS_E_ESCAPE;
		unsigned v = (unsigned)(s[*i + 1] - '0') * 100 +
			     (unsigned)(s[*i + 2] - '0') * 10 +
			     (unsigned)(s[*i + 3] - '0');
		if (v > 255)
			return DNS_E_ESCAPE;
		*out = (uint8_t)v;
		*i += 4;
		return DNS_OK;
	}
	*out = (uint8_t)s[*i + 1];
	*i += 2;
	return DNS_OK;
}

static dns_rc_t text_fail(dns_error_t *err, dns_rc_t rc, size_t at)
{
	return dns_error_at(err, rc, 0, (unsigned)at + 1, NULL);
}

dns_rc_t dns_name_from_text(const char *s, size_t len, const dns_name_t *origin,
			    dns_name_t *out, dns_error_t *err)
{
	if (len == 0)
		return text_fail(err, DNS_E_EMPTY_NAME, 0);
	if (len == 1 && s[0] == '@') {
		if (origin == NULL)
			return text_fail(err, DNS_E_RELATIVE, 0);
		*out = *origin;
		return DNS_OK;
	}
	if (len == 1 && s[0] == '.') {
		dns_name_root(out);
		return DNS_OK;
	}
	size_t n = 0, i = 0, label_at = 0;
	bool absolute = false;
	out->wire[0] = 0;
	while (i < len) {
		if (s[i] == '.') {
			if (n == label_at)
				return text_fail(err, DNS_E_EMPTY_NAME, i);
			label_at = n;
			i++;
			if (i == len)
				absolute = true;
			continue;
		}
		if (n == label_at) { /* first byte of a new label */
			if (n + 1 >= DNS_NAME_MAXLEN)
				return text_fail(err, DNS_E_NAME_LEN, i);
			out->wire[n++] = 0;
		}
		if (s[i] != '\\') {
			/* Plain characters, up to the next dot or escape: the
			 * checks below, with the label's length kept as
			 * n - label_at - 1 until the run ends. */
			do {
				if (n - label_at - 1 == DNS_LABEL_MAXLEN)
					return text_fail(err, DNS_E_LABEL_LEN,
							 i);
				if (n + 1 >= DNS_NAME_MAXLEN)
					return text_fail(err, DNS_E_NAME_LEN,
							 i);
				out->wire[n++] = (uint8_t)s[i++];
			} while (i < len && s[i] != '.' && s[i] != '\\');
			out->wire[label_at] = (uint8_t)(n - label_at - 1);
			continue;
		}
		size_t at = i;
		uint8_t c;
		if (text_char(s, len, &i, &c) != DNS_OK)
			return text_fail(err, DNS_E_ESCAPE, at);
		if (out->wire[label_at] == DNS_LABEL_MAXLEN)
			return text_fail(err, DNS_E_LABEL_LEN, at);
		if (n + 1 >= DNS_NAME_MAXLEN)
			return text_fail(err, DNS_E_NAME_LEN, at);
		out->wire[label_at]++;
		out->wire[n++] = c;
	}
	if (!absolute) {
		if (origin == NULL)
			return text_fail(err, DNS_E_RELATIVE, len - 1);
		if (n + origin->len > DNS_NAME_MAXLEN)
			return text_fail(err, DNS_E_NAME_LEN, len - 1);
		memcpy(out->wire + n, origin->wire, origin->len);
		out->len = (uint8_t)(n + origin->len);
		return DNS_OK;
	}
	out->wire[n++] = 0;
	out->len = (uint8_t)n;
	return DNS_OK;
}

dns_rc_t dns_name_from_str(const char *s, const dns_name_t *origin,
			   dns_name_t *out)
{
	return dns_name_from_text(s, strlen(s), origin, out, NULL);
}

/* How each byte of a label is written in presentation form: TEXT_PLAIN as
 * it is, TEXT_ESC as \c (the special characters . \ " ( ) ; @ $), and
 * TEXT_DDD as \DDD (bytes outside 0x21-0x7e). One row per 16 bytes. */
enum { TEXT_PLAIN = 0, TEXT_ESC = 1, TEXT_DDD = 2 };
/* clang-format off */
static const uint8_t label_class[256] = {
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0x00 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0x10 */
    2, 0, 1, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 1, 0, /* 0x20 " $ ( ) . */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, /* 0x30 ; */
    1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x40 @ */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* 0x50 backslash */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x60 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, /* 0x70 DEL */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0x80 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0x90 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0xa0 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0xb0 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0xc0 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0xd0 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0xe0 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0xf0 */
};
/* clang-format on */

/* The text of label bytes p[0..n) at out, which has room for 4 * n
 * bytes (no byte takes more than "\DDD"); returns the end of the text. */
static char *label_put(char *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];
		switch (label_class[c]) {
		case TEXT_PLAIN:
			*out++ = (char)c;
			break;
		case TEXT_ESC:
			out[0] = '\\';
			out[1] = (char)c;
			out += 2;
			break;
		default:
			out[0] = '\\';
			out[1] = (char)('0' + c / 100);
			out[2] = (char)('0' + c / 10 % 10);
			out[3] = (char)('0' + c % 10);
			out += 4;
			break;
		}
	}
	return out;
}

/* The text of the uncompressed wire name of len bytes at wire, into out,
 * which has room for 4 * len bytes (each length octet becomes at most one
 * dot, each other byte at most four characters); returns its length. A
 * label that would run past len ends the walk, so a damaged name can not
 * make it write past that room. */
static size_t name_put(const uint8_t *wire, size_t len, char *out)
{
	if (len <= 1) {
		out[0] = '.';
		return 1;
	}
	char *o = out;
	for (size_t i = 0; i < len && wire[i] != 0; i += 1u + wire[i]) {
		if (wire[i] >= len - i - 1u) /* the label and a root after it */
			break;
		o = label_put(o, wire + i + 1, wire[i]);
		*o++ = '.';
	}
	return (size_t)(o - out);
}

/* Copy text (n bytes) into buf like snprintf: at most cap bytes with the
 * NUL, cut short when it does not fit. Returns n. */
static size_t text_out(const char *text, size_t n, char *buf, size_t cap)
{
	if (cap == 0)
		return n;
	size_t k = n < cap - 1 ? n : cap - 1;
	memcpy(buf, text, k);
	buf[k] = '\0';
	return n;
}

size_t dns_label_to_text(const uint8_t *label, size_t len, char *buf,
			 size_t cap)
{
	if (cap > 0 && len <= (cap - 1) / 4) { /* room for the longest text */
		size_t n = (size_t)(label_put(buf, label, len) - buf);
		buf[n] = '\0';
		return n;
	}
	/* Piece by piece through a bounded buffer: the text may not fit. */
	char dummy[1];
	dns_strbuf_t sb = cap ? dns_strbuf_init(buf, cap)
			      : dns_strbuf_init(dummy, sizeof(dummy));
	for (size_t i = 0; i < len; i += 64) {
		size_t k = len - i < 64 ? len - i : 64;
		char piece[4 * 64];
		dns_sb_put(&sb, piece,
			   (size_t)(label_put(piece, label + i, k) - piece));
	}
	return sb.len;
}

size_t dns_name_wire_to_text(const uint8_t *wire, size_t len, char *buf,
			     size_t cap)
{
	if (cap > 4u * len) { /* the common case: straight into buf */
		size_t n = name_put(wire, len, buf);
		buf[n] = '\0';
		return n;
	}
	char tmp[4u * DNS_NAME_MAXLEN + 4u];
	if (len > DNS_NAME_MAXLEN)
		len = DNS_NAME_MAXLEN;
	return text_out(tmp, name_put(wire, len, tmp), buf, cap);
}

size_t dns_name_to_text(const dns_name_t *n, char *buf, size_t cap)
{
	return dns_name_wire_to_text(n->wire, n->len, buf, cap);
}

/* ---- comparison and structure ------------------------------------------ */

bool dns_name_equal(const dns_name_t *a, const dns_name_t *b)
{
	if (a->len != b->len)
		return false;
	if (memcmp(a->wire, b->wire, a->len) == 0) /* mostly the same case */
		return true;
	for (size_t i = 0; i < a->len; i++)
		if (lower(a->wire[i]) != lower(b->wire[i]))
			return false;
	return true;
}

/* Offsets of the labels of n (excluding the root); returns the count. */
static unsigned label_offsets(const dns_name_t *n, uint8_t off[])
{
	unsigned k = 0;
	for (size_t i = 0; i < n->len && n->wire[i] != 0; i += 1u + n->wire[i])
		off[k++] = (uint8_t)i;
	return k;
}

int dns_name_compare(const dns_name_t *a, const dns_name_t *b)
{
	uint8_t oa[DNS_NAME_MAXLABELS + 1], ob[DNS_NAME_MAXLABELS + 1];
	unsigned na = label_offsets(a, oa), nb = label_offsets(b, ob);
	while (na > 0 && nb > 0) {
		const uint8_t *la = a->wire + oa[--na],
			      *lb = b->wire + ob[--nb];
		unsigned n = la[0] < lb[0] ? la[0] : lb[0];
		for (unsigned i = 1; i <= n; i++) {
			int d = lower(la[i]) - lower(lb[i]);
			if (d != 0)
				return d;
		}
		if (la[0] != lb[0])
			return la[0] - lb[0];
	}
	return (int)na - (int)nb;
}

void dns_name_wire_lower(uint8_t *p)
{
	while (*p != 0) {
		uint8_t n = *p;
		for (unsigned i = 1; i <= n; i++)
			p[i] = lower(p[i]);
		p += 1u + n;
	}
}

void dns_name_lower(dns_name_t *n)
{
	dns_name_wire_lower(n->wire);
}

unsigned dns_name_labels(const dns_name_t *n)
{
	uint8_t off[DNS_NAME_MAXLABELS + 1];
	return label_offsets(n, off);
}

bool dns_name_is_sub(const dns_name_t *sub, const dns_name_t *parent)
{
	if (sub->len < parent->len)
		return false;
	size_t skip = sub->len - parent->len;
	/* the tail must start on a label boundary of sub */
	size_t i = 0;
	while (i < skip)
		i += 1u + sub->wire[i];
	if (i != skip)
		return false;
	for (size_t k = 0; k < parent->len; k++)
		if (lower(sub->wire[skip + k]) != lower(parent->wire[k]))
			return false;
	return true;
}

size_t dns_name_wire_len(const uint8_t *p, size_t max)
{
	size_t i = 0;
	while (i < max) {
		uint8_t c = p[i];
		if (c > DNS_LABEL_MAXLEN)
			return 0;
		if (i + 1 + c > DNS_NAME_MAXLEN)
			return 0;
		i += 1u + c;
		if (c == 0)
			return i <= max ? i : 0;
	}
	return 0;
}

dns_rc_t dns_name_from_wire(const uint8_t *p, size_t max, dns_name_t *out)
{
	size_t n = dns_name_wire_len(p, max);
	if (n == 0)
		return DNS_E_RDATA_FIELD;
	memcpy(out->wire, p, n);
	out->len = (uint8_t)n;
	return DNS_OK;
}

void dns_name_parent(const dns_name_t *n, dns_name_t *out)
{
	if (n->len <= 1) {
		dns_name_root(out);
		return;
	}
	size_t skip = 1u + n->wire[0];
	memmove(out->wire, n->wire + skip, n->len - skip);
	out->len = (uint8_t)(n->len - skip);
}

dns_rc_t dns_name_prepend(dns_name_t *n, const uint8_t *label, size_t len)
{
	if (len > DNS_LABEL_MAXLEN)
		return DNS_E_LABEL_LEN;
	if (n->len + 1 + len > DNS_NAME_MAXLEN)
		return DNS_E_NAME_LEN;
	memmove(n->wire + 1 + len, n->wire, n->len);
	n->wire[0] = (uint8_t)len;
	memcpy(n->wire + 1, label, len);
	n->len = (uint8_t)(n->len + 1 + len);
	return DNS_OK;
}
