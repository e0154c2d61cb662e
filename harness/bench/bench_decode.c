/* bench_decode.c - message decode speed: ours against libknot and ldns.
 *
 * Usage: bench_decode OUT.json FILE.bin...
 *
 * Every decoder parses the same messages (the files, loaded once) in the
 * same process, in several rounds; each round times every decoder once, in
 * turn, over the whole set repeated enough to last about ROUND_SECONDS.
 * The figure reported is the median round. What each decoder does per
 * message:
 *   ours     dns_msg_decode(DNS_DECODE_STRICT) into an arena, then
 *            dns_arena_reset (no other allocation once the arena is warm);
 *   libknot  knot_pkt_parse on one reused knot_pkt_t (knot_pkt_clear first;
 *            the packet's wire pointer is set to the message, no copy;
 *            KNOT_PF_KEEPWIRE so the input is never written);
 *   ldns     ldns_wire2pkt, then ldns_pkt_free.
 * A message that a decoder rejects still counts (it did the work up to the
 * rejection); rejections are printed before the timings.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <ldns/ldns.h>
#include <libknot/libknot.h>

#include "dns/arena.h"
#include "dns/msg.h"

#define ROUNDS	      15
#define ROUND_SECONDS 0.1
#define MSG_MAX	      65535u

typedef struct corpus {
	uint8_t **msg;
	size_t *len;
	size_t n;
	size_t bytes;
} corpus_t;

typedef struct decoder {
	const char *name;
	int (*setup)(void);
	/* Decode message i; returns nonzero when the decoder rejected it. */
	int (*decode)(const uint8_t *wire, size_t len);
	void (*teardown)(void);
	double msgs[ROUNDS]; /* messages per second, per round */
	double mbs[ROUNDS];  /* MB (1e6 bytes) per second, per round */
} decoder_t;

/* ---- ours ------------------------------------------------------------- */

static dns_arena_t ours_arena;
static dns_msg_t ours_msg;

static int ours_setup(void)
{
	dns_arena_init(&ours_arena, 0);
	return 0;
}

static int ours_decode(const uint8_t *wire, size_t len)
{
	dns_rc_t rc = dns_msg_decode(&ours_msg, wire, len, DNS_DECODE_STRICT,
				     &ours_arena);
	dns_arena_reset(&ours_arena);
	return rc != DNS_OK;
}

static void ours_teardown(void)
{
	dns_arena_free(&ours_arena);
}

/* ---- libknot ---------------------------------------------------------- */

static knot_pkt_t *knot_packet;
static uint8_t knot_own_wire[MSG_MAX];

static int knot_setup(void)
{
	knot_packet = knot_pkt_new(knot_own_wire, sizeof(knot_own_wire), NULL);
	return knot_packet == NULL;
}

static int knot_decode(const uint8_t *wire, size_t len)
{
	/* knot_pkt_clear writes a zero header into the packet's wire. */
	knot_packet->wire = knot_own_wire;
	knot_pkt_clear(knot_packet);
	knot_packet->wire = (uint8_t *)wire; /* read only: KEEPWIRE */
	knot_packet->size = len;
	knot_packet->max_size = len;
	return knot_pkt_parse(knot_packet, KNOT_PF_KEEPWIRE) != KNOT_EOK;
}

static void knot_teardown(void)
{
	knot_packet->wire = knot_own_wire;
	knot_packet->max_size = sizeof(knot_own_wire);
	knot_pkt_free(knot_packet);
	knot_packet = NULL;
}

/* ---- ldns --------------------------------------------------------------- */

static int ldns_setup(void)
{
	return 0;
}

static int ldns_decode(const uint8_t *wire, size_t len)
{
	ldns_pkt *pkt = NULL;
	ldns_status st = ldns_wire2pkt(&pkt, wire, len);
	if (pkt)
		ldns_pkt_free(pkt);
	return st != LDNS_STATUS_OK;
}

static void ldns_teardown(void)
{
}

static decoder_t decoders[] = {
    {"ours", ours_setup, ours_decode, ours_teardown, {0}, {0}},
    {"libknot", knot_setup, knot_decode, knot_teardown, {0}, {0}},
    {"ldns", ldns_setup, ldns_decode, ldns_teardown, {0}, {0}},
};
#define NDECODERS (sizeof(decoders) / sizeof(decoders[0]))

/* ---- input -------------------------------------------------------------- */

static int load_one(const char *path, corpus_t *c)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "bench_decode: cannot open %s\n", path);
		return -1;
	}
	uint8_t *buf = malloc(MSG_MAX + 1);
	size_t n = buf ? fread(buf, 1, MSG_MAX + 1, f) : 0;
	fclose(f);
	if (!buf || n == 0 || n > MSG_MAX) {
		fprintf(stderr,
			"bench_decode: %s: empty, too large or no memory\n",
			path);
		free(buf);
		return -1;
	}
	c->msg[c->n] = buf;
	c->len[c->n] = n;
	c->n++;
	c->bytes += n;
	return 0;
}

static int load(int argc, char **argv, corpus_t *c)
{
	size_t want = (size_t)argc;
	c->msg = calloc(want, sizeof(*c->msg));
	c->len = calloc(want, sizeof(*c->len));
	if (!c->msg || !c->len)
		return -1;
	for (int i = 0; i < argc; i++)
		if (load_one(argv[i], c) != 0)
			return -1;
	return 0;
}

static void unload(corpus_t *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->msg[i]);
	free(c->msg);
	free(c->len);
}

/* ---- timing ------------------------------------------------------------- */

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One pass over the corpus; returns the number of rejections. */
static size_t pass(const decoder_t *d, const corpus_t *c)
{
	size_t rejected = 0;
	for (size_t i = 0; i < c->n; i++)
		rejected += (size_t)(d->decode(c->msg[i], c->len[i]) != 0);
	return rejected;
}

/* Passes needed for about ROUND_SECONDS with the slowest decoder. */
static size_t calibrate(const corpus_t *c)
{
	double slowest = 0;
	for (size_t k = 0; k < NDECODERS; k++) {
		double t0 = now();
		pass(&decoders[k], c);
		double t = now() - t0;
		if (t > slowest)
			slowest = t;
	}
	double passes = slowest > 0 ? ROUND_SECONDS / slowest : 1000;
	if (passes < 1)
		passes = 1;
	return (size_t)passes;
}

static void time_round(decoder_t *d, const corpus_t *c, size_t passes, int r)
{
	double t0 = now();
	for (size_t p = 0; p < passes; p++)
		pass(d, c);
	double t = now() - t0;
	d->msgs[r] = (double)(c->n * passes) / t;
	d->mbs[r] = (double)(c->bytes * passes) / t / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median(double *v)
{
	double s[ROUNDS];
	memcpy(s, v, sizeof(s));
	qsort(s, ROUNDS, sizeof(s[0]), cmp_double);
	return s[ROUNDS / 2];
}

/* ---- output ------------------------------------------------------------- */

static void report_rejections(const corpus_t *c, char **names)
{
	for (size_t k = 0; k < NDECODERS; k++)
		for (size_t i = 0; i < c->n; i++)
			if (decoders[k].decode(c->msg[i], c->len[i]) != 0)
				printf("%s rejects %s\n", decoders[k].name,
				       names[i]);
}

static void print_table(const corpus_t *c, size_t passes)
{
	printf("%zu messages, %zu bytes; %d rounds of %zu passes; median:\n",
	       c->n, c->bytes, ROUNDS, passes);
	printf("%-10s %14s %10s %8s\n", "decoder", "msg/s", "MB/s", "vs ours");
	double ours = median(decoders[0].msgs);
	for (size_t k = 0; k < NDECODERS; k++) {
		double m = median(decoders[k].msgs);
		printf("%-10s %14.0f %10.1f %7.2fx\n", decoders[k].name, m,
		       median(decoders[k].mbs), m / ours);
	}
}

static void json_row(FILE *f, const char *unit, int mb, const char *sep)
{
	double v[NDECODERS];
	for (size_t k = 0; k < NDECODERS; k++)
		v[k] = mb ? median(decoders[k].mbs) : median(decoders[k].msgs);
	fprintf(f,
		"  {\"name\":\"decode\",\"unit\":\"%s\",\"ours\":%.1f,"
		"\"peers\":{\"libknot\":%.1f,\"ldns\":%.1f}}%s\n",
		unit, v[0], v[1], v[2], sep);
}

static int write_json(const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		fprintf(stderr, "bench_decode: cannot write %s\n", path);
		return -1;
	}
	fprintf(f, "[\n");
	json_row(f, "msg/s", 0, ",");
	json_row(f, "MB/s", 1, "");
	fprintf(f, "]\n");
	return fclose(f) == 0 ? 0 : -1;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: bench_decode OUT.json FILE.bin...\n");
		return 2;
	}
	corpus_t c = {0};
	int rc = 1;
	if (load(argc - 2, argv + 2, &c) != 0)
		goto out;
	for (size_t k = 0; k < NDECODERS; k++)
		if (decoders[k].setup() != 0) {
			fprintf(stderr, "bench_decode: %s setup failed\n",
				decoders[k].name);
			goto out;
		}
	report_rejections(&c, argv + 2);
	size_t passes = calibrate(&c);
	for (int r = 0; r < ROUNDS; r++)
		for (size_t k = 0; k < NDECODERS; k++)
			time_round(&decoders[(k + (size_t)r) % NDECODERS], &c,
				   passes, r);
	print_table(&c, passes);
	rc = write_json(argv[1]) == 0 ? 0 : 1;
	for (size_t k = 0; k < NDECODERS; k++)
		decoders[k].teardown();
out:
	unload(&c);
	return rc;
}
