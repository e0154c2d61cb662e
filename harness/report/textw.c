/* textw.c - the buffered text writer of report.html and junit.xml
 * (textw.h). */
#include "report/textw.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>

#include "dns/strbuf.h"

void textw_init(textw_t *w, FILE *f)
{
	w->f = f;
	w->len = 0;
}

void textw_flush(textw_t *w)
{
	if (w->len > 0) /* a short write sets the FILE's error flag */
		fwrite(w->buf, 1, w->len, w->f);
	w->len = 0;
}

void textw_put(textw_t *w, const char *s, size_t n)
{
	textw_flush(w);
	if (n > sizeof(w->buf)) {
		fwrite(s, 1, n, w->f);
		return;
	}
	memcpy(w->buf, s, n);
	w->len = n;
}

void textw_size(textw_t *w, size_t v)
{
	char b[24], *end = b + sizeof(b);
	char *p = dns_digits(end, v, 1);
	textw_raw(w, p, (size_t)(end - p));
}

char *textw_take(textw_t *w, size_t mark, size_t *len)
{
	size_t n = w->len - mark;
	char *s = malloc(n + 1);
	if (s != NULL) {
		memcpy(s, w->buf + mark, n);
		s[n] = '\0';
	}
	w->len = mark;
	*len = n;
	return s;
}

static const uint64_t pow10_u64[] = {
    1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

/* printf prints the exact value of the double v * 10^decimals rounded to
 * the nearest integer k, a tie to even. y, that product rounded to a
 * double, lies on the same side of k + 1/2 as the exact product: below
 * 2^40, k + 1/2 is itself a double, and rounding to the nearest double
 * never moves a value past a double. So y decides, and y - trunc(y) is exact,
 * except when y is exactly a half: then the product may be a tie (1.25 to one
 * decimal) or a hair off one (0.05, 2.675, held only approximately), and printf
 * decides. Zero, negative, huge and non-finite values go to printf too.
 * Returns whether k is certain, and k in *k. */
static inline bool fixed_scaled(double v, unsigned decimals, uint64_t *k)
{
	static const double scale[] = {1e0, 1e1, 1e2, 1e3, 1e4,
				       1e5, 1e6, 1e7, 1e8, 1e9};
	if (decimals >= 10 || !(v > 0 && v < 1e12))
		return false;
	double y = v * scale[decimals];
	if (!(y < 1e12)) /* < 2^40 */
		return false;
	int64_t i = (int64_t)y;
	double frac = y - (double)i;
	if (frac == 0.5)
		return false;
	*k = (uint64_t)i + (frac > 0.5);
	return true;
}

/* The text of k / 10^decimals with decimals digits after the point, at
 * out (cap bytes, NUL-terminated); 0 when it does not fit. Its length is
 * counted first and the digits written in place from the end (cheaper than
 * writing them aside and copying them). */
static inline size_t fixed_text(char *out, size_t cap, uint64_t k,
				unsigned decimals)
{
	uint64_t whole = k / pow10_u64[decimals];
	size_t len = decimals ? decimals + 2 : 1;
	for (uint64_t v = whole; v >= 10; v /= 10)
		len++;
	if (len >= cap)
		return 0;
	char *p = out + len;
	*p = '\0';
	if (decimals > 0) {
		p = dns_digits(p, k - whole * pow10_u64[decimals], decimals);
		*--p = '.';
	}
	if (whole < 10) /* the usual: a timing of less than 10 */
		*--p = (char)('0' + whole);
	else
		dns_digits(p, whole, 1);
	return len;
}

/* What snprintf writes, when the fast path cannot or it does not fit. */
static size_t fixed_printf(char *out, size_t cap, double v, unsigned decimals)
{
	int n = snprintf(out, cap, "%.*f", (int)decimals, v);
	if (n < 0)
		return 0;
	return (size_t)n < cap ? (size_t)n : cap - 1;
}

size_t report_fixed(char *out, size_t cap, double v, unsigned decimals)
{
	uint64_t k;
	size_t len;
	if (fixed_scaled(v, decimals, &k) &&
	    (len = fixed_text(out, cap, k, decimals)) > 0)
		return len;
	return fixed_printf(out, cap, v, decimals);
}

/* report_fixed straight into the buffer (the same inline steps: no call
 * per number on the fast path). */
void textw_fixed(textw_t *w, double v, unsigned decimals)
{
	enum { FIXED_MAX = 352 }; /* DBL_MAX with 9 decimals: 319 bytes */
	char *out = textw_room(w, FIXED_MAX);
	uint64_t k;
	size_t len;
	if (!fixed_scaled(v, decimals, &k) ||
	    (len = fixed_text(out, FIXED_MAX, k, decimals)) == 0)
		len = fixed_printf(out, FIXED_MAX, v, decimals);
	textw_wrote(w, len);
}

void textw_printf(textw_t *w, const char *fmt, ...)
{
	char b[1024];
	va_list ap;
	va_start(ap, fmt);
	int k = vsnprintf(b, sizeof(b), fmt, ap);
	va_end(ap);
	if (k > 0)
		textw_raw(w, b,
			  (size_t)k < sizeof(b) ? (size_t)k : sizeof(b) - 1);
}
