/* textw.h - a buffered text writer for report.html and junit.xml: the
 * text collects in a buffer written to a FILE in large pieces, so a piece
 * of text costs a memcpy rather than a stdio call; numbers are formatted
 * without printf where printf's answer is certain. Write errors show as
 * ferror() on the FILE (report_file_commit checks it). */
#ifndef DNSH_TEXTW_H
#define DNSH_TEXTW_H

#include <stddef.h>
#include <stdio.h>
#include <string.h>

typedef struct textw {
	FILE *f;
	size_t len; /* bytes of buf in use */
	char buf[65536];
} textw_t;

void textw_init(textw_t *w, FILE *f);
/* Write the buffer to the FILE; call before closing it. */
void textw_flush(textw_t *w);
/* The slow path of textw_raw: flush, then keep or write s. */
void textw_put(textw_t *w, const char *s, size_t n);

/* n bytes as they are. */
static inline void textw_raw(textw_t *w, const char *s, size_t n)
{
	if (n <= sizeof(w->buf) - w->len) {
		memcpy(w->buf + w->len, s, n);
		w->len += n;
	} else {
		textw_put(w, s, n);
	}
}

/* A NUL-terminated string as it is (for a literal, the compiler counts
 * its length). */
static inline void textw_str(textw_t *w, const char *s)
{
	textw_raw(w, s, strlen(s));
}

static inline void textw_byte(textw_t *w, char c)
{
	if (w->len == sizeof(w->buf))
		textw_flush(w);
	w->buf[w->len++] = c;
}

/* Room for n more bytes (n <= sizeof(buf)), flushing first when the
 * buffer lacks it: where to write them; textw_wrote then counts the bytes
 * written there. */
static inline char *textw_room(textw_t *w, size_t n)
{
	if (n > sizeof(w->buf) - w->len)
		textw_flush(w);
	return w->buf + w->len;
}

static inline void textw_wrote(textw_t *w, size_t n)
{
	w->len += n;
}

/* The text written since mark, a w->len taken with at least the room that
 * text needs free (so nothing was flushed since): copied to a new
 * NUL-terminated string (malloc'd; its length in *len) and taken back out
 * of the buffer. NULL when out of memory (the text is taken back all the
 * same). Used to escape a text once and reuse it many times. */
char *textw_take(textw_t *w, size_t mark, size_t *len);

/* What "%zu" prints. */
void textw_size(textw_t *w, size_t v);

/* What "%.*f" prints for v with decimals (0-9) digits after the point. */
void textw_fixed(textw_t *w, double v, unsigned decimals);

/* For the rare rest: printf, for short pieces of the program's own text
 * (numbers, names from its tables; never text from outside): at most
 * 1023 bytes, the rest cut. */
void textw_printf(textw_t *w, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/* The text of textw_fixed into out (cap >= 2), NUL-terminated, as
 * snprintf(out, cap, "%.*f", decimals, v) writes it; returns its length
 * (cut short, as snprintf cuts, when it does not fit). */
size_t report_fixed(char *out, size_t cap, double v, unsigned decimals);

#endif
