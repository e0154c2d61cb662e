/* jsonw.c - a buffered JSON text writer for the reports: strings escaped
 * as RFC 8259 says (invalid UTF-8 becomes U+FFFD, so any byte string
 * gives valid JSON), numbers, hex, and jansson values dumped compactly
 * with the separators ", " and ": ". */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* Bytes that go out as they are: printable ASCII but '"' and '\\'. */
static bool plain(unsigned char c)
{
	return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

static void escape_one(jsonw_t *w, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
	switch (c) {
	case '"':
		jsonw_raw(w, "\\\"", 2);
		break;
	case '\\':
		jsonw_raw(w, "\\\\", 2);
		break;
	case '\n':
		jsonw_raw(w, "\\n", 2);
		break;
	case '\r':
		jsonw_raw(w, "\\r", 2);
		break;
	case '\t':
		jsonw_raw(w, "\\t", 2);
		break;
	default:
		jsonw_raw(w, e, sizeof(e));
	}
}

void jsonw_str(jsonw_t *w, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s, *end = p + n;
	jsonw_raw(w, "\"", 1);
	while (p < end) {
		const unsigned char *run = p;
		while (p < end && plain(*p))
			p++;
		if (p > run)
			jsonw_raw(w, (const char *)run, (size_t)(p - run));
		if (p == end)
			break;
		size_t len =
		    *p < 0x80 ? 1 : report_utf8_len(p, (size_t)(end - p));
		if (*p < 0x80)
			escape_one(w, *p);
		else if (len == 0)
			jsonw_raw(w, "\\ufffd", 6);
		else
			jsonw_raw(w, (const char *)p, len);
		p += len ? len : 1;
	}
	jsonw_raw(w, "\"", 1);
}

void jsonw_cstr(jsonw_t *w, const char *s)
{
	if (s == NULL)
		jsonw_raw(w, "null", 4);
	else
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

/* The decimal digits of v, at least min of them, ending at end; returns
 * where they start. */
static char *digits(char *end, uint64_t v, int min)
{
	do {
		*--end = (char)('0' + v % 10);
		v /= 10;
		min--;
	} while (v > 0 || min > 0);
	return end;
}

void jsonw_int(jsonw_t *w, int64_t v)
{
	char b[24], *end = b + sizeof(b);
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	char *p = digits(end, u, 1);
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
	char *p = digits(end, m % 1000, 3);
	*--p = '.';
	p = digits(p, m / 1000, 1);
	if (neg && m > 0)
		*--p = '-';
	jsonw_raw(w, p, (size_t)(end - p));
}

void jsonw_bool(jsonw_t *w, bool v)
{
	jsonw_lit(w, v ? "true" : "false");
}

void jsonw_hex(jsonw_t *w, const uint8_t *p, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	char b[256];
	jsonw_raw(w, "\"", 1);
	while (n > 0) {
		size_t k = n < sizeof(b) / 2 ? n : sizeof(b) / 2;
		for (size_t i = 0; i < k; i++) {
			b[2 * i] = hex[p[i] >> 4];
			b[2 * i + 1] = hex[p[i] & 15];
		}
		jsonw_raw(w, b, 2 * k);
		p += k;
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
