/* textw.c - the buffered text writer of report.html and junit.xml
 * (textw.h). */
#include "report/textw.h"

#include <stdarg.h>
#include <stdint.h>

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

/* n / 10^decimals with decimals digits after the point, ending at end;
 * returns where the text starts. */
static char *fixed_digits(char *end, uint64_t n, unsigned decimals)
{
	static const uint64_t pow10[] = {
	    1,	    10,	     100,      1000,	  10000,
	    100000, 1000000, 10000000, 100000000, 1000000000};
	char *p = end;
	if (decimals > 0) {
		p = dns_digits(p, n % pow10[decimals], decimals);
		*--p = '.';
	}
	return dns_digits(p, n / pow10[decimals], 1);
}

/* printf prints the exact value of the double v * 10^decimals rounded to
 * the nearest integer k, a tie to even. y, that product rounded to a
 * double, lies on the same side of k + 1/2 as the exact product: below
 * 2^40, k + 1/2 is itself a double, and rounding to the nearest double
 * never moves a value past a double. So y decides, and y - trunc(y) is exact,
 * except when y is exactly a half: then the product may be a tie (1.25 to one
 * decimal) or a hair off one (0.05, 2.675, held only approximately), and printf
 * decides. Zero, negative, huge and non-finite values go to printf too. */
size_t report_fixed(char *out, size_t cap, double v, unsigned decimals)
{
	static const double scale[] = {1e0, 1e1, 1e2, 1e3, 1e4,
				       1e5, 1e6, 1e7, 1e8, 1e9};
	if (decimals < 10 && v > 0 && v < 1e12) {
		double y = v * scale[decimals];
		if (y < 1e12) { /* < 2^40 */
			uint64_t i = (uint64_t)y;
			double frac = y - (double)i;
			if (frac != 0.5) {
				char b[32], *end = b + sizeof(b);
				char *p = fixed_digits(end, i + (frac > 0.5),
						       decimals);
				size_t len = (size_t)(end - p);
				if (len < cap) {
					memcpy(out, p, len);
					out[len] = '\0';
					return len;
				}
			}
		}
	}
	int k = snprintf(out, cap, "%.*f", (int)decimals, v);
	if (k < 0)
		return 0;
	return (size_t)k < cap ? (size_t)k : cap - 1;
}

void textw_fixed(textw_t *w, double v, unsigned decimals)
{
	char b[352]; /* DBL_MAX with 9 decimals: 319 bytes */
	textw_raw(w, b, report_fixed(b, sizeof(b), v, decimals));
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
