/* jsonw.c - a buffered JSON text writer for the reports: strings escaped
 * as RFC 8259 says (invalid UTF-8 becomes U+FFFD, so any byte string
 * gives valid JSON), numbers, hex, and jansson values dumped compactly
 * with the separators ", " and ": ". */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns/strbuf.h"
#include "report/report_int.h"

void jsonw_init(jsonw_t *w, FILE *f)
{
	memset(w, 0, sizeof(*w));
	w->f = f;
}

void jsonw_init_mem(jsonw_t *w)
{
	jsonw_init(w, NULL);
}

/* n bytes at s to the writer's sink. */
static void sink(jsonw_t *w, const char *s, size_t n)
{
	if (w->f != NULL) {
		if (fwrite(s, 1, n, w->f) != n)
			w->err = true;
		return;
	}
	if (w->err)
		return;
	if (n > w->mem_cap - w->mem_len) {
		size_t cap = w->mem_cap ? w->mem_cap : 65536;
		while (cap - w->mem_len < n && cap < SIZE_MAX / 2)
			cap *= 2;
		char *mem = cap - w->mem_len >= n ? realloc(w->mem, cap) : NULL;
		if (mem == NULL) {
			w->err = true;
			return;
		}
		w->mem = mem;
		w->mem_cap = cap;
	}
	memcpy(w->mem + w->mem_len, s, n);
	w->mem_len += n;
}

void jsonw_flush(jsonw_t *w)
{
	if (w->len > 0)
		sink(w, w->buf, w->len);
	w->len = 0;
}

void jsonw_put(jsonw_t *w, const char *s, size_t n)
{
	jsonw_flush(w);
	if (n > sizeof(w->buf)) {
		sink(w, s, n);
		return;
	}
	memcpy(w->buf, s, n);
	w->len = n;
}

void jsonw_lit(jsonw_t *w, const char *s)
{
	jsonw_raw(w, s, strlen(s));
}

size_t report_utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0];
	size_t len = c < 0x80		     ? 1
		     : c >= 0xc2 && c < 0xe0 ? 2
		     : c >= 0xe0 && c < 0xf0 ? 3
		     : c >= 0xf0 && c < 0xf5 ? 4
					     : 0;
	if (len == 0 || len > n)
		return 0;
	for (size_t i = 1; i < len; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	/* no overlong 3- and 4-byte forms, no surrogates, nothing past
	 * U+10FFFF */
	if (len == 3 &&
	    ((c == 0xe0 && s[1] < 0xa0) || (c == 0xed && s[1] >= 0xa0)))
		return 0;
	if (len == 4 &&
	    ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90)))
		return 0;
	return len;
}

/* What jsonw_str does with a byte: 0 copies it (printable ASCII and DEL
 * but '"' and '\\'), 1 escapes it, 2 checks the UTF-8 sequence it
 * starts. */
static const uint8_t str_class[256] = {
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x00 */
    1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x10 */
    0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x20: '"' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x30 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x40 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, /* 0x50: '\\' */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x60 */
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x70 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0x80 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0x90 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0xa0 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0xb0 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0xc0 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0xd0 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0xe0 */
    2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, /* 0xf0 */
};

/* Most bytes one input byte becomes in a string: "\u001f" or "\ufffd". */
#define STR_GROWTH 6u

/* The escaped form of the byte (class 1) or UTF-8 sequence (class 2) at
 * *p, before end, written to o (room for STR_GROWTH bytes); *p moves past
 * it. Returns the bytes written. */
static size_t escape_at(char *o, const unsigned char **p,
			const unsigned char *end)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char c = **p;
	size_t len = c < 0x80 ? 1 : report_utf8_len(*p, (size_t)(end - *p));
	*p += len ? len : 1;
	if (c >= 0x80) {
		if (len == 0) {
			memcpy(o, "\\ufffd", 6);
			return 6;
		}
		memcpy(o, *p - len, len);
		return len;
	}
	o[0] = '\\';
	switch (c) {
	case '"':
	case '\\':
		o[1] = (char)c;
		return 2;
	case '\n':
		o[1] = 'n';
		return 2;
	case '\r':
		o[1] = 'r';
		return 2;
	case '\t':
		o[1] = 't';
		return 2;
	default:
		memcpy(o + 1, "u00", 3);
		o[4] = hex[c >> 4];
		o[5] = hex[c & 15];
		return 6;
	}
}

/* Room for at least `need` bytes in w->buf, flushing it when short. */
static size_t room_for(jsonw_t *w, size_t need)
{
	if (sizeof(w->buf) - w->len < need)
		jsonw_flush(w);
	return sizeof(w->buf) - w->len;
}

/* The first byte at or after p (before stop) that is not copied as it
 * is; four at a time while there are four. */
static const unsigned char *plain_run(const unsigned char *p,
				      const unsigned char *stop)
{
	while (stop - p >= 4 && (str_class[p[0]] | str_class[p[1]] |
				 str_class[p[2]] | str_class[p[3]]) == 0)
		p += 4;
	while (p < stop && str_class[*p] == 0)
		p++;
	return p;
}

/* Strings up to this long go in one pass when the buffer has room. */
#define STR_SHORT 64u

/* A short string straight into w->buf (room for all of it escaped):
 * bytes copied as they are scanned, others escaped one by one. */
static void str_short(jsonw_t *w, const unsigned char *p,
		      const unsigned char *end)
{
	char *o = w->buf + w->len;
	*o++ = '"';
	/* four plain bytes at a time while they last, then one by one */
	while (end - p >= 4 && (str_class[p[0]] | str_class[p[1]] |
				str_class[p[2]] | str_class[p[3]]) == 0) {
		memcpy(o, p, 4);
		o += 4;
		p += 4;
	}
	while (p < end) {
		if (str_class[*p] == 0)
			*o++ = (char)*p++;
		else
			o += escape_at(o, &p, end);
	}
	*o++ = '"';
	w->len = (size_t)(o - w->buf);
}

/* Longer strings are written straight into w->buf in slices that fit
 * even if every byte grew to STR_GROWTH: plain runs are copied at once,
 * other bytes escaped one by one. */
void jsonw_str(jsonw_t *w, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	if (n <= STR_SHORT &&
	    sizeof(w->buf) - w->len >= STR_SHORT * STR_GROWTH + 2) {
		str_short(w, p, end);
		return;
	}
	jsonw_raw(w, "\"", 1);
	while (p < end) {
		size_t room = room_for(w, 64 * STR_GROWTH) / STR_GROWTH;
		const unsigned char *stop =
		    (size_t)(end - p) <= room ? end : p + room;
		char *o = w->buf + w->len;
		while (p < stop) {
			const unsigned char *run = p;
			p = plain_run(p, stop);
			memcpy(o, run, (size_t)(p - run));
			o += p - run;
			if (p < stop) /* a sequence may end past stop: <= 4 */
				o += escape_at(o, &p, end);
		}
		w->len = (size_t)(o - w->buf);
	}
	jsonw_raw(w, "\"", 1);
}

size_t jsonw_str_mem(char *o, size_t cap, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	size_t len = 1;
	if (cap < n + 2)
		return 0;
	o[0] = '"';
	while (p < end) {
		const unsigned char *run = plain_run(p, end);
		size_t k = (size_t)(run - p);
		if (cap - len < k + (run < end ? STR_GROWTH : 0) + 1)
			return 0; /* the run, an escape, the closing quote */
		memcpy(o + len, p, k);
		len += k;
		p = run;
		if (p < end)
			len += escape_at(o + len, &p, end);
	}
	o[len++] = '"';
	return len;
}

void jsonw_cstr(jsonw_t *w, const char *s)
{
	if (s == NULL)
		jsonw_raw(w, "null", 4);
	else
		jsonw_str(w, s, strlen(s));
}

/* Longest name jsonw_ident copies without strlen and memcpy. */
#define IDENT_SHORT 32u

void jsonw_ident(jsonw_t *w, const char *s)
{
	/* the names are short: copied up to their NUL in one pass */
	if (sizeof(w->buf) - w->len >= IDENT_SHORT + 2) {
		char *o = w->buf + w->len;
		size_t i = 0;
		o[0] = '"';
		while (i < IDENT_SHORT && s[i] != '\0') {
			o[1 + i] = s[i];
			i++;
		}
		if (s[i] == '\0') {
			o[1 + i] = '"';
			w->len += i + 2;
			return;
		}
	}
	jsonw_str(w, s, strlen(s));
}

void jsonw_key(jsonw_t *w, const char *sep, const char *key)
{
	char b[64];
	size_t ns = strlen(sep), nk = strlen(key);
	if (ns + nk + 4 > sizeof(b)) {
		jsonw_lit(w, sep);
		jsonw_str(w, key, nk);
		jsonw_raw(w, ": ", 2);
		return;
	}
	memcpy(b, sep, ns); /* keys are the writer's own, plain ASCII */
	b[ns] = '"';
	memcpy(b + ns + 1, key, nk);
	memcpy(b + ns + 1 + nk, "\": ", 3);
	jsonw_raw(w, b, ns + nk + 4);
}

/* Digits of v, which is at most UINT32_MAX. */
static size_t digits_u32(uint64_t v)
{
	if (v < 100000)
		return v < 100	   ? (v < 10 ? 1 : 2)
		       : v < 10000 ? (v < 1000 ? 3 : 4)
				   : 5;
	return v < 10000000	? (v < 1000000 ? 6 : 7)
	       : v < 1000000000 ? (v < 100000000 ? 8 : 9)
				: 10;
}

void jsonw_int(jsonw_t *w, int64_t v)
{
	char b[24], *end = b + sizeof(b);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	if (v >= 0 && v < 10 && w->len < sizeof(w->buf)) {
		w->buf[w->len++] = (char)('0' + v); /* counts, flags: most */
		return;
	}
	/* IDs, TTLs, sizes: straight into the buffer when there is room */
	if (v >= 0 && v <= UINT32_MAX && sizeof(w->buf) - w->len >= 10) {
		size_t n = digits_u32(u);
		dns_digits(w->buf + w->len + n, u, 1);
		w->len += n;
		return;
	}
	char *p = dns_digits(end, u, 1);
	if (v < 0)
		*--p = '-';
	jsonw_raw(w, p, (size_t)(end - p));
}

void jsonw_ms(jsonw_t *w, double ms)
{
	char b[40], *end = b + sizeof(b);
	if (!(ms == ms && ms < 1e15 && ms > -1e15)) {
		jsonw_raw(w, "0", 1);
		return;
	}
	bool neg = ms < 0;
	uint64_t m = (uint64_t)((neg ? -ms : ms) * 1000.0 + 0.5);
	char *p = dns_digits(end, m % 1000, 3);
	*--p = '.';
	p = dns_digits(p, m / 1000, 1);
	if (neg && m > 0)
		*--p = '-';
	jsonw_raw(w, p, (size_t)(end - p));
}

void jsonw_bool(jsonw_t *w, bool v)
{
	if (v)
		jsonw_raw(w, "true", 4);
	else
		jsonw_raw(w, "false", 5);
}

void jsonw_hex(jsonw_t *w, const uint8_t *p, size_t n)
{
	size_t room = sizeof(w->buf) - w->len;
	if (room >= 2 && n <= (room - 2) / 2) { /* most: in one go */
		char *o = w->buf + w->len;
		o[0] = '"';
		dns_hex_pairs(o + 1, p, n);
		o[1 + 2 * n] = '"';
		w->len += 2 * n + 2;
		return;
	}
	jsonw_raw(w, "\"", 1);
	while (n > 0) {
		size_t k = room_for(w, 128) / 2;
		k = n < k ? n : k;
		dns_hex_pairs(w->buf + w->len, p, k);
		p += k;
		w->len += 2 * k;
		n -= k;
	}
	jsonw_raw(w, "\"", 1);
}

/* A real as jansson writes it: the shortest %.Ng that reads back, with
 * ".0" when it looks like an integer. */
static void put_real(jsonw_t *w, double v)
{
	char b[40];
	if (v != v || v > 1.7976931348623157e308 ||
	    v < -1.7976931348623157e308) {
		jsonw_raw(w, "null", 4);
		return;
	}
	int n = snprintf(b, sizeof(b), "%.17g", v);
	if (strpbrk(b, ".eE") == NULL && n + 2 < (int)sizeof(b)) {
		memcpy(b + n, ".0", 3);
		n += 2;
	}
	jsonw_raw(w, b, (size_t)n);
}

void jsonw_value(jsonw_t *w, const json_t *v)
{
	const char *key;
	json_t *item;
	size_t i;
	bool first = true;
	switch (v ? json_typeof(v) : JSON_NULL) {
	case JSON_OBJECT:
		jsonw_raw(w, "{", 1);
		json_object_foreach((json_t *)v, key, item)
		{
			jsonw_raw(w, first ? "" : ", ", first ? 0 : 2);
			jsonw_cstr(w, key);
			jsonw_raw(w, ": ", 2);
			jsonw_value(w, item);
			first = false;
		}
		jsonw_raw(w, "}", 1);
		break;
	case JSON_ARRAY:
		jsonw_raw(w, "[", 1);
		json_array_foreach(v, i, item)
		{
			jsonw_raw(w, i ? ", " : "", i ? 2 : 0);
			jsonw_value(w, item);
		}
		jsonw_raw(w, "]", 1);
		break;
	case JSON_STRING:
		jsonw_str(w, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		jsonw_int(w, (int64_t)json_integer_value(v));
		break;
	case JSON_REAL:
		put_real(w, json_real_value(v));
		break;
	case JSON_TRUE:
		jsonw_raw(w, "true", 4);
		break;
	case JSON_FALSE:
		jsonw_raw(w, "false", 5);
		break;
	default:
		jsonw_raw(w, "null", 4);
	}
}
