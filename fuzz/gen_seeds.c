/* gen_seeds.c - write the seed corpora and the dictionaries of the fuzz
 * targets, so that both are reproducible (make fuzz-seeds).
 *
 *   gen_seeds CORPUS_DIR FUZZ_DIR
 *
 * Seeds are named after what they reach (a bug class of REFERENCES.md
 * section 3, or a valid form of a type); each is below 4 KB and each
 * directory stays below 100 files. Existing files of the same name are
 * overwritten; other files (e.g. minimised inputs merged in by hand) are
 * left alone. The type and class mnemonics of the dictionaries come from
 * dns_type_table(), so a new table row reaches the fuzzers by running
 * this again. Presentation examples that the parsers reject are reported
 * on stderr and make the exit status 1, as does a directory over its
 * limits.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dns/edns.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/text.h"
#include "fuzz_util.h"

#define SEED_MAX 4095u
#define DIR_MAX	 99u

static const char *corpus_dir, *fuzz_dir;
static int status;

/* ---- output -------------------------------------------------------------- */

static void problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void problem(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("gen_seeds: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
	status = 1;
}

typedef struct counter {
	const char *codec;
	unsigned files;
} counter_t;

static counter_t counters[16];

static void write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");
	if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
		problem("%s: %s", path, strerror(errno));
		exit(1);
	}
}

/* Write seed `name` of codec; n must stay below 4 KB. */
static void seed(const char *codec, const char *name, const void *p, size_t n)
{
	char path[512];
	counter_t *c = counters;
	while (c->codec != NULL && strcmp(c->codec, codec) != 0)
		c++;
	if (c->codec == NULL) {
		c->codec = codec;
		snprintf(path, sizeof(path), "%s/fuzz_%s", corpus_dir, codec);
		if (mkdir(path, 0755) != 0 && errno != EEXIST) {
			problem("%s: %s", path, strerror(errno));
			exit(1);
		}
	}
	if (n > SEED_MAX)
		problem("%s/%s: %zu bytes (limit %u)", codec, name, n,
			SEED_MAX);
	if (++c->files > DIR_MAX)
		problem("fuzz_%s: more than %u seeds", codec, DIR_MAX);
	snprintf(path, sizeof(path), "%s/fuzz_%s/%s", corpus_dir, codec, name);
	write_file(path, p, n);
}

static void seed_str(const char *codec, const char *name, const char *s)
{
	seed(codec, name, s, strlen(s));
}

/* ---- a byte builder --------------------------------------------------------
 */

typedef struct buf {
	uint8_t b[8192];
	size_t n;
} buf_t;

static void put(buf_t *b, const void *p, size_t n)
{
	if (b->n + n > sizeof(b->b)) {
		problem("builder overflow");
		exit(1);
	}
	memcpy(b->b + b->n, p, n);
	b->n += n;
}

static void u8(buf_t *b, unsigned v)
{
	uint8_t x = (uint8_t)v;
	put(b, &x, 1);
}

static void u16(buf_t *b, unsigned v)
{
	u8(b, v >> 8);
	u8(b, v);
}

static void u32(buf_t *b, uint32_t v)
{
	u16(b, v >> 16);
	u16(b, v & 0xffff);
}

static void fill(buf_t *b, unsigned v, size_t n)
{
	while (n-- > 0)
		u8(b, v);
}

static void str(buf_t *b, const char *s)
{
	put(b, s, strlen(s));
}

/* A name in uncompressed wire form. */
static void name(buf_t *b, const char *text)
{
	dns_name_t n;
	if (dns_name_from_str(text, NULL, &n) != DNS_OK) {
		problem("bad name %s", text);
		exit(1);
	}
	put(b, n.wire, n.len);
}

static void ptr(buf_t *b, unsigned off)
{
	u16(b, 0xc000u | off);
}

static void header(buf_t *b, unsigned flags, unsigned qd, unsigned an,
		   unsigned ns, unsigned ar)
{
	b->n = 0;
	u16(b, 0x1234);
	u16(b, flags);
	u16(b, qd);
	u16(b, an);
	u16(b, ns);
	u16(b, ar);
}

/* A response header and the question "example. IN <qtype>" at offset 12. */
static void response(buf_t *b, unsigned qtype, unsigned an, unsigned ns,
		     unsigned ar)
{
	header(b, 0x8400, 1, an, ns, ar);
	name(b, "example.");
	u16(b, qtype);
	u16(b, DNS_C_IN);
}

/* RR fixed part; returns the RDLENGTH offset for rr_end. */
static size_t rr(buf_t *b, unsigned type, unsigned cls, uint32_t ttl)
{
	u16(b, type);
	u16(b, cls);
	u32(b, ttl);
	size_t at = b->n;
	u16(b, 0);
	return at;
}

static void rr_end(buf_t *b, size_t at)
{
	size_t len = b->n - at - 2;
	b->b[at] = (uint8_t)(len >> 8);
	b->b[at + 1] = (uint8_t)len;
}

/* An RR with raw RDATA and an explicit RDLENGTH. */
static void rr_raw(buf_t *b, unsigned type, unsigned rdlen, const void *rd,
		   size_t n)
{
	u16(b, type);
	u16(b, DNS_C_IN);
	u32(b, 3600);
	u16(b, rdlen);
	put(b, rd, n);
}

/* ---- presentation examples, one per type -----------------------------------
 */

typedef struct example {
	const char *type;
	const char *text;
} example_t;

#define B64_32 "1G3ajYf4aPSL0Ikx4ibUD3RplyMdLIg/D8X2rj5MC58="
#define HEX_32                                                                 \
	"2BB183AF5F22588179A53B0A98631FAD1A292118D0C3E44E2E72B4C2C8DBC4C6"

static const example_t examples[] = {
    {"A", "192.0.2.1"},
    {"NS", "ns1.example."},
    {"MD", "md.example."},
    {"MF", "mf.example."},
    {"CNAME", "target.example."},
    {"SOA", "ns1.example. hostmaster.example. 2024010101 7200 3600 1209600 "
	    "300"},
    {"MB", "mb.example."},
    {"MG", "mg.example."},
    {"MR", "mr.example."},
    {"NULL", "\\# 3 010203"},
    {"WKS", "192.0.2.1 6 21 25 80"},
    {"PTR", "host.example."},
    {"HINFO", "\"PC-Intel-700mhz\" \"Linux 6.1\""},
    {"MINFO", "rmail.example. email.example."},
    {"MX", "10 mx.example."},
    {"TXT", "\"v=spf1 -all\" \"second \\\"quoted\\\" string\\010\""},
    {"RP", "mbox.example. txt.example."},
    {"AFSDB", "1 afs.example."},
    {"X25", "\"311061700956\""},
    {"ISDN", "\"150862028003217\" \"004\""},
    {"RT", "10 relay.example."},
    {"NSAP", "0x47000580005a0000000001e133ffffff00016100"},
    {"NSAP-PTR", "host.example."},
    {"SIG", "A 5 2 86400 20300101000000 20200101000000 12345 example. "
	    "AQIDBAUGBwg="},
    {"KEY", "256 3 5 AQPSKmynfzW4kyBv015MUG2DeIQ3Cbl+BBZH4b/0PY1kxkmvHjcZc8no"
	    "kfzj31GajIQKY+5CptLr3buXA10hWqTkF7H6RfoRqXQeogmMHfpftf6zMv1LyBUgi"
	    "a7za6ZEzOJBOztyvhjL742iU/TpPSEDhm2SNKLijfUppn1UaNvv4w=="},
    {"PX", "10 map822.example. mapx400.example."},
    {"GPOS", "\"-32.6882\" \"116.8652\" \"10.0\""},
    {"AAAA", "2001:db8::1"},
    {"LOC", "52 22 23.000 N 4 53 32.000 E -2.00m 0.00m 10000m 10m"},
    {"NXT", "next.example. A MX NXT"},
    {"SRV", "0 5 5060 sip.example."},
    {"NAPTR", "100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.example."},
    {"KX", "10 kx.example."},
    {"CERT", "PGP 0 0 AQIDBAUGBwg="},
    {"A6", "64 ::1:2:3:4 prefix.example."},
    {"DNAME", "target.example."},
    {"OPT", "\\# 12 000a000801020304050607ff"},
    {"APL", "1:192.0.2.0/24 !1:198.51.100.0/28 2:2001:db8::/32"},
    {"DS", "60485 8 2 " HEX_32},
    {"SSHFP", "1 1 dd465c09cfa51fb45020cc83316fff21b9ec74ac"},
    {"IPSECKEY", "10 1 2 192.0.2.38 AQNRU3mG7TVTO2BkR47usntb102uFJtugbo6BSGvg"
		 "qt4AQ=="},
    {"RRSIG", "A 8 2 3600 20300101000000 20200101000000 60485 example. "
	      "AwEAAawvZbGmh2BV0bwlQBnOyxhEjGnWyqnVR1kAQHQhoBsZUDTShxe2Sn0r"
	      "cI5PcMAZqBN8GF5dsBJCRn5rdc0nckM="},
    {"NSEC", "next.example. A NS SOA MX TXT AAAA RRSIG NSEC DNSKEY TYPE1234"},
    {"DNSKEY", "257 3 8 AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBAvkMgJzkKTOiW1vkIbz"
	       "xeF3+/4RgWOq7HrxRixHlFlExOLAJr5emLvN7SWXgnLh4+B5xQlNVz8Og8kv"
	       "ArMtNROxVQuCaSnIDdD5LKyWbRd2n9WGe2R8PzgCmr3EgVLrjyBxWezF0jLH"
	       "wVN8efS3rCj/EWgvIWgb9tarpVUDK/b58Da+sqqls3eNbuv7pr+eoZG+SrDK"
	       "6nWeL3c6H5Apxz7LjVc1uTIdsIXxuOLYA4/ilBmSVIzuDWfdRUfhHdY6+cn8"
	       "HFRm+2hM8AnXGXws9555KrUB5qihylGa8subX2Nn6UwNR1AkUTV74bU="},
    {"DHCID", "AAIBY2/AuCccgoJbsaxcQc9TUapptP69lOjxfNuVAA2kjEA="},
    {"NSEC3", "1 1 12 AABBCCDD 2T7B4G4VSA5SMI47K61MV5BV1A22BOJR A RRSIG"},
    {"NSEC3PARAM", "1 0 10 AABBCCDD"},
    {"TLSA", "3 1 1 " HEX_32},
    {"SMIMEA", "3 1 1 " HEX_32},
    {"HIP", "2 200100107B1A74DF365639CC39F1D578 AwEAAbdxyhNuSutc5EMzxTs9LBP"
	    "CIkOFH8cIvM4p9+LrV4e19WzK00+CI6zBCQTdtWsuxKbWIy87UOoJTwkUs7lBu+U"
	    "pr1gsNrut79ryra+bSRGQb1slImA8YVJyuIDsj7kwzG7jnERNqnWxZ48AWkskmdH"
	    "aVDP4BcelrTI3rMXdXF5D rvs1.example. rvs2.example."},
    {"CDS", "60485 8 2 " HEX_32},
    {"CDNSKEY", "257 3 15 " B64_32},
    {"OPENPGPKEY", "AQIDBAUGBwgJCgsMDQ4PEA=="},
    {"CSYNC", "66 3 A NS AAAA"},
    {"ZONEMD", "2018031900 1 1 "
	       "FEBE3D4CE2EC2FFA4BA99D46CD69D6D29711E55217057BEE7EB1A7B641A47"
	       "BA7FED2DD5B97AE499FAFA4F22C6BD647DE"},
    {"SVCB", "1 svc.example. mandatory=alpn alpn=h2,h3 port=8443 "
	     "ipv4hint=192.0.2.1 ech=AEX+DQBB ipv6hint=2001:db8::1"},
    {"HTTPS", "1 . alpn=\"h3,h2\" no-default-alpn key65000=\"a\\\\,b\""},
    {"SPF", "\"v=spf1 ip4:192.0.2.0/24 -all\""},
    {"NID", "10 0014:4fff:ff20:ee64"},
    {"L32", "10 10.1.2.0"},
    {"L64", "10 2001:0db8:1140:1000"},
    {"LP", "10 l64-subnet.example."},
    {"EUI48", "00-00-5e-00-53-2a"},
    {"EUI64", "00-00-5e-ef-10-00-00-2a"},
    {"TKEY", "hmac-sha256. 1700000000 1700003600 3 NOERROR 4 AQIDBA== 0"},
    {"TSIG", "hmac-sha256. 1700000000 300 32 " B64_32 " 4660 NOERROR 0"},
    {"URI", "10 1 \"https://www.example.com/path\""},
    {"CAA", "0 issue \"ca.example.net; account=230123\""},
    {"DLV", "60485 8 1 2BB183AF5F22588179A53B0A98631FAD1A292118"},
};
#define N_EXAMPLES (sizeof(examples) / sizeof(examples[0]))

/* Stored forms of the examples that parse. */
typedef struct parsed {
	uint16_t type;
	const char *name;
	const char *text;
	uint8_t rd[1024];
	size_t len;
	bool ok;
} parsed_t;

static parsed_t parsed[N_EXAMPLES];

static dns_rc_t parse_rdata(uint16_t type, const char *text, uint8_t *out,
			    size_t cap, size_t *len, dns_error_t *err)
{
	static const uint8_t ex[] = {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 0};
	dns_name_t origin;
	dns_tokens_t t;
	origin.len = sizeof(ex);
	memcpy(origin.wire, ex, sizeof(ex));
	dns_tokens_init(&t);
	dns_rc_t rc = dns_tokenize(text, strlen(text), &t, err);
	if (rc == DNS_OK)
		rc = dns_rdata_from_text(type, t.v, t.n, &origin, out, cap, len,
					 err);
	dns_tokens_free(&t);
	return rc;
}

static void parse_examples(void)
{
	size_t n;
	const dns_type_info_t *rows = dns_type_table(&n);
	for (size_t i = 0; i < N_EXAMPLES; i++) {
		parsed_t *p = &parsed[i];
		dns_error_t err = {0};
		p->name = examples[i].type;
		p->text = examples[i].text;
		if (dns_type_from_text(p->name, strlen(p->name), &p->type) !=
		    DNS_OK) {
			problem("example type %s not in the table", p->name);
			continue;
		}
		dns_rc_t rc = parse_rdata(p->type, p->text, p->rd,
					  sizeof(p->rd), &p->len, &err);
		if (rc != DNS_OK) {
			problem("example %s \"%s\" rejected: %s %u:%u %s",
				p->name, p->text, dns_rc_name(rc), err.line,
				err.col, err.detail);
			continue;
		}
		p->ok = true;
	}
	for (size_t r = 0; r < n; r++) {
		bool found = rows[r].meta && rows[r].code != DNS_T_OPT &&
			     rows[r].code != DNS_T_TSIG &&
			     rows[r].code != DNS_T_TKEY;
		for (size_t i = 0; i < N_EXAMPLES && !found; i++)
			found = parsed[i].type == rows[r].code;
		if (!found)
			fprintf(stderr,
				"gen_seeds: note: no presentation example for "
				"%s (%u)\n",
				rows[r].name, rows[r].code);
	}
}

static const parsed_t *example_of(uint16_t type)
{
	for (size_t i = 0; i < N_EXAMPLES; i++)
		if (parsed[i].ok && parsed[i].type == type)
			return &parsed[i];
	problem("no parsed example of type %u", type);
	exit(1);
}

/* ---- fuzz_message
 * -------------------------------------------------------------- */

/* Valid messages: the examples, ten records each, owners varied. */
static void message_valid_types(void)
{
	size_t k = 0, file = 0;
	while (k < N_EXAMPLES) {
		buf_t b;
		size_t count = 0, first = k;
		for (size_t i = k; i < N_EXAMPLES && count < 10; i++)
			count += parsed[i].ok && parsed[i].type != DNS_T_OPT &&
				 parsed[i].type != DNS_T_TSIG;
		response(&b, DNS_T_ANY, (unsigned)count, 0, 0);
		for (count = 0; k < N_EXAMPLES && count < 10; k++) {
			const parsed_t *p = &parsed[k];
			if (!p->ok || p->type == DNS_T_OPT ||
			    p->type == DNS_T_TSIG)
				continue;
			if (count % 2 == 0)
				ptr(&b, 12);
			else
				name(&b, count % 3 ? "Www.Example."
						   : "a.b.c.example.");
			size_t at = rr(&b, p->type, DNS_C_IN, 3600);
			put(&b, p->rd, p->len);
			rr_end(&b, at);
			count++;
		}
		char nm[64];
		snprintf(nm, sizeof(nm), "valid-types-%zu-%s", ++file,
			 parsed[first].name);
		seed("message", nm, b.b, b.n);
	}
}

static void message_valid_other(void)
{
	buf_t b;
	/* a query with EDNS, cookie and ECS */
	header(&b, 0x0120, 1, 0, 0, 1);
	name(&b, "www.example.");
	u16(&b, DNS_T_A);
	u16(&b, DNS_C_IN);
	u8(&b, 0);
	size_t at = rr(&b, DNS_T_OPT, 1232, 0x00008000);
	u16(&b, DNS_OPT_COOKIE);
	u16(&b, 8);
	fill(&b, 0xa5, 8);
	u16(&b, DNS_OPT_ECS);
	u16(&b, 7);
	u16(&b, 1);
	u8(&b, 24);
	u8(&b, 0);
	u8(&b, 192);
	u8(&b, 0);
	u8(&b, 2);
	rr_end(&b, at);
	seed("message", "valid-query-edns", b.b, b.n);

	/* a compressed referral-style answer */
	response(&b, DNS_T_A, 2, 2, 3);
	u8(&b, 3);
	str(&b, "www");
	ptr(&b, 12);
	at = rr(&b, DNS_T_CNAME, DNS_C_IN, 300);
	u8(&b, 3);
	str(&b, "web");
	ptr(&b, 12);
	rr_end(&b, at);
	size_t web = at + 2;
	ptr(&b, (unsigned)web);
	at = rr(&b, DNS_T_A, DNS_C_IN, 300);
	u32(&b, 0xc0000201);
	rr_end(&b, at);
	for (int i = 0; i < 2; i++) {
		ptr(&b, 12);
		at = rr(&b, DNS_T_NS, DNS_C_IN, 86400);
		u8(&b, 3);
		str(&b, i ? "ns2" : "ns1");
		ptr(&b, 12);
		rr_end(&b, at);
	}
	name(&b, "ns1.example.");
	at = rr(&b, DNS_T_A, DNS_C_IN, 86400);
	u32(&b, 0xc0000235);
	rr_end(&b, at);
	name(&b, "ns2.example.");
	at = rr(&b, DNS_T_AAAA, DNS_C_IN, 86400);
	fill(&b, 0x20, 1);
	fill(&b, 0x01, 15);
	rr_end(&b, at);
	u8(&b, 0);
	at = rr(&b, DNS_T_OPT, 4096, 0x01008000);
	u16(&b, DNS_OPT_NSID);
	u16(&b, 3);
	str(&b, "ns1");
	u16(&b, DNS_OPT_EDE);
	u16(&b, 6);
	u16(&b, 18);
	str(&b, "why");
	u8(&b, 0xa);
	rr_end(&b, at);
	seed("message", "valid-compressed-answer", b.b, b.n);

	/* TSIG last, after OPT */
	response(&b, DNS_T_SOA, 0, 0, 2);
	u8(&b, 0);
	at = rr(&b, DNS_T_OPT, 1232, 0);
	rr_end(&b, at);
	name(&b, "key.example.");
	at = rr(&b, DNS_T_TSIG, DNS_C_ANY, 0);
	put(&b, example_of(DNS_T_TSIG)->rd, example_of(DNS_T_TSIG)->len);
	rr_end(&b, at);
	seed("message", "valid-tsig-last", b.b, b.n);

	/* UPDATE with empty RDATA in classes NONE and ANY */
	header(&b, 0x2800, 1, 0, 2, 0);
	name(&b, "example.");
	u16(&b, DNS_T_SOA);
	u16(&b, DNS_C_IN);
	name(&b, "old.example.");
	at = rr(&b, DNS_T_A, DNS_C_ANY, 0);
	rr_end(&b, at);
	name(&b, "gone.example.");
	at = rr(&b, DNS_T_MX, DNS_C_NONE, 0);
	rr_end(&b, at);
	seed("message", "update-empty-rdata", b.b, b.n);

	/* header only: NOTIFY, all flags, opcode 15 */
	header(&b, 0xffff, 0, 0, 0, 0);
	seed("message", "header-all-flags", b.b, b.n);
	header(&b, 0x2400, 1, 0, 0, 0);
	name(&b, "example.");
	u16(&b, DNS_T_SOA);
	u16(&b, DNS_C_IN);
	seed("message", "notify", b.b, b.n);

	/* many RRs, all compressed: slow-parse and encoder-compression cost */
	response(&b, DNS_T_A, 200, 0, 0);
	for (unsigned i = 0; i < 200; i++) {
		ptr(&b, 12);
		at = rr(&b, DNS_T_A, DNS_C_IN, 60);
		u32(&b, 0xc6336400u + i);
		rr_end(&b, at);
	}
	seed("message", "many-rrs-compressed", b.b, b.n);

	/* many different deep names: encoder table fills up (256 entries) */
	response(&b, DNS_T_PTR, 60, 0, 0);
	for (unsigned i = 0; i < 60; i++) {
		char nm[64];
		snprintf(nm, sizeof(nm), "x%u.y%u.z%u.example.", i, i % 7,
			 i % 3);
		name(&b, nm);
		at = rr(&b, DNS_T_PTR, DNS_C_IN, 60);
		ptr(&b, 12);
		rr_end(&b, at);
	}
	seed("message", "encoder-table-full", b.b, b.n);
}

/* A chain of pointers inside opaque RDATA, each to the one before, and an
 * owner pointing at the last: `hops` pointers to follow in all. */
static void pointer_chain(const char *nm, unsigned hops)
{
	buf_t b;
	response(&b, DNS_T_A, 2, 0, 0);
	u8(&b, 0);
	size_t at = rr(&b, 65280, DNS_C_IN, 0);
	size_t base = b.n;
	u8(&b, 1);
	str(&b, "a");
	u8(&b, 0);
	ptr(&b, (unsigned)base);
	for (unsigned i = 1; i + 1 < hops; i++)
		ptr(&b, (unsigned)(base + 3 + 2 * (i - 1)));
	rr_end(&b, at);
	ptr(&b, (unsigned)(base + 3 + 2 * (hops - 2)));
	at = rr(&b, DNS_T_A, DNS_C_IN, 0);
	u32(&b, 0x7f000001);
	rr_end(&b, at);
	seed("message", nm, b.b, b.n);
}

static void message_names(void)
{
	buf_t b;
	/* pointer loops and bad pointers in the question */
	header(&b, 0x0100, 1, 0, 0, 0);
	ptr(&b, 12);
	u16(&b, 1);
	u16(&b, 1);
	seed("message", "pointer-self", b.b, b.n);

	header(&b, 0x0100, 1, 0, 0, 0);
	ptr(&b, 14);
	ptr(&b, 12);
	u16(&b, 1);
	u16(&b, 1);
	seed("message", "pointer-loop", b.b, b.n);

	header(&b, 0x0100, 1, 0, 0, 0);
	ptr(&b, 18);
	u16(&b, 1);
	u16(&b, 1);
	name(&b, "fwd.example.");
	seed("message", "pointer-forward", b.b, b.n);

	header(&b, 0x0100, 1, 0, 0, 0);
	ptr(&b, 0x3fff);
	u16(&b, 1);
	u16(&b, 1);
	seed("message", "pointer-range", b.b, b.n);

	header(&b, 0x0100, 1, 0, 0, 0);
	u8(&b, 1);
	str(&b, "a");
	ptr(&b, 12);
	u16(&b, 1);
	u16(&b, 1);
	seed("message", "pointer-into-own-name", b.b, b.n);

	header(&b, 0x0100, 1, 0, 0, 0);
	u8(&b, 3);
	str(&b, "abc");
	u8(&b, 0xc0); /* the pointer's second byte is missing */
	seed("message", "pointer-cut", b.b, b.n);

	pointer_chain("pointer-chain-127", 127);
	pointer_chain("pointer-chain-128", 128);

	/* label types and lengths */
	header(&b, 0x0100, 1, 0, 0, 0);
	u8(&b, 0x40);
	fill(&b, 'a', 64);
	u8(&b, 0);
	u16(&b, 1);
	u16(&b, 1);
	seed("message", "label-type-0x40", b.b, b.n);

	header(&b, 0x0100, 1, 0, 0, 0);
	u8(&b, 0x80);
	fill(&b, 'a', 8);
	u8(&b, 0);
	u16(&b, 1);
	u16(&b, 1);
	seed("message", "label-type-0x80", b.b, b.n);

	/* names of 255 (the limit) and 256 bytes, and 256 via a pointer */
	for (unsigned total = 255; total <= 256; total++) {
		header(&b, 0x0100, 1, 0, 0, 0);
		unsigned left = total - 1; /* minus the root */
		while (left > 0) {
			unsigned l = left - 1 > 63 ? 63 : left - 1;
			if (left - (l + 1) == 1) /* no room for a 0-label */
				l--;
			u8(&b, l);
			fill(&b, 'x', l);
			left -= l + 1;
		}
		u8(&b, 0);
		u16(&b, 1);
		u16(&b, 1);
		seed("message", total == 255 ? "name-255" : "name-256", b.b,
		     b.n);
	}
	response(&b, DNS_T_A, 1, 0, 0);
	for (int i = 0; i < 3; i++) {
		u8(&b, 63);
		fill(&b, 'y', 63);
	}
	u8(&b, 54);
	fill(&b, 'z', 54);
	ptr(&b, 12); /* 3 x 64 + 55 + "example." (9 with the root) = 256 */
	size_t at = rr(&b, DNS_T_A, DNS_C_IN, 0);
	u32(&b, 1);
	rr_end(&b, at);
	seed("message", "name-256-via-pointer", b.b, b.n);

	/* c-ares CVE-2016-5180: a name ending in an escaped dot */
	response(&b, DNS_T_A, 1, 0, 0);
	u8(&b, 2);
	str(&b, "a.");
	u8(&b, 1);
	u8(&b, '\\');
	u8(&b, 0);
	at = rr(&b, DNS_T_A, DNS_C_IN, 0);
	u32(&b, 1);
	rr_end(&b, at);
	seed("message", "label-with-dot-and-backslash", b.b, b.n);
}

static void message_counts(void)
{
	buf_t b;
	response(&b, DNS_T_A, 5, 0, 0);
	ptr(&b, 12);
	size_t at = rr(&b, DNS_T_A, DNS_C_IN, 0);
	u32(&b, 1);
	rr_end(&b, at);
	seed("message", "count-exceeds-data", b.b, b.n);

	header(&b, 0x8000, 65535, 65535, 65535, 65535);
	seed("message", "count-max-no-data", b.b, b.n);

	response(&b, DNS_T_A, 0, 0, 0);
	ptr(&b, 12);
	at = rr(&b, DNS_T_A, DNS_C_IN, 0);
	u32(&b, 1);
	rr_end(&b, at);
	seed("message", "trailing-bytes", b.b, b.n);

	header(&b, 0, 0, 0, 0, 0);
	b.n = 11;
	seed("message", "header-short", b.b, b.n);
	seed("message", "empty", b.b, 0);

	response(&b, DNS_T_A, 1, 0, 0);
	ptr(&b, 12);
	rr_raw(&b, DNS_T_A, 100, "\x01\x02\x03\x04", 4);
	seed("message", "rdlength-overrun", b.b, b.n);

	response(&b, DNS_T_A, 1, 0, 0);
	ptr(&b, 12);
	u16(&b, DNS_T_A);
	u16(&b, DNS_C_IN);
	u32(&b, 0);
	u8(&b, 0); /* half an RDLENGTH: 11 bytes, the smallest RR */
	seed("message", "rr-cut-in-fixed-part", b.b, b.n);

	header(&b, 0x0100, 1, 0, 0, 0);
	name(&b, "example.");
	u8(&b, 0);
	seed("message", "question-cut", b.b, b.n);
}

static void message_opt_tsig(void)
{
	buf_t b;
	response(&b, DNS_T_A, 0, 0, 2);
	for (int i = 0; i < 2; i++) {
		u8(&b, 0);
		size_t at = rr(&b, DNS_T_OPT, 1232, 0);
		rr_end(&b, at);
	}
	seed("message", "opt-twice", b.b, b.n);

	response(&b, DNS_T_A, 0, 0, 1);
	ptr(&b, 12);
	size_t at = rr(&b, DNS_T_OPT, 1232, 0);
	rr_end(&b, at);
	seed("message", "opt-owner-not-root", b.b, b.n);

	response(&b, DNS_T_A, 1, 0, 0);
	u8(&b, 0);
	at = rr(&b, DNS_T_OPT, 1232, 0);
	rr_end(&b, at);
	seed("message", "opt-in-answer", b.b, b.n);

	response(&b, DNS_T_A, 0, 0, 1);
	u8(&b, 0);
	at = rr(&b, DNS_T_OPT, 0, 0x01ff7fff);
	rr_end(&b, at);
	seed("message", "opt-version-1-all-flags", b.b, b.n);

	const parsed_t *tsig = example_of(DNS_T_TSIG);
	response(&b, DNS_T_SOA, 0, 0, 2);
	name(&b, "key.example.");
	at = rr(&b, DNS_T_TSIG, DNS_C_ANY, 0);
	put(&b, tsig->rd, tsig->len);
	rr_end(&b, at);
	u8(&b, 0);
	at = rr(&b, DNS_T_OPT, 1232, 0);
	rr_end(&b, at);
	seed("message", "tsig-not-last", b.b, b.n);

	response(&b, DNS_T_SOA, 1, 0, 0);
	name(&b, "key.example.");
	at = rr(&b, DNS_T_TSIG, DNS_C_ANY, 0);
	put(&b, tsig->rd, tsig->len);
	rr_end(&b, at);
	seed("message", "tsig-in-answer", b.b, b.n);

	/* BIND CVE-2015-5477 class: TKEY/TSIG with cut data fields */
	response(&b, DNS_T_SOA, 0, 0, 1);
	name(&b, "key.example.");
	at = rr(&b, DNS_T_TSIG, DNS_C_ANY, 0);
	put(&b, tsig->rd, 12);
	u16(&b, 200);
	fill(&b, 0xee, 8);
	rr_end(&b, at);
	seed("message", "tsig-mac-overrun", b.b, b.n);

	const parsed_t *tkey = example_of(DNS_T_TKEY);
	response(&b, DNS_T_TKEY, 0, 0, 1);
	name(&b, "key.example.");
	at = rr(&b, DNS_T_TKEY, DNS_C_ANY, 0);
	put(&b, tkey->rd, tkey->len - 2);
	u16(&b, 9);
	rr_end(&b, at);
	seed("message", "tkey-other-overrun", b.b, b.n);
}

/* A query whose OPT carries one option (code, then len bytes at data). */
static void opt_message(const char *nm, unsigned code, const void *data,
			size_t len, unsigned declared)
{
	buf_t b;
	header(&b, 0x0100, 1, 0, 0, 1);
	name(&b, "example.");
	u16(&b, DNS_T_A);
	u16(&b, DNS_C_IN);
	u8(&b, 0);
	size_t at = rr(&b, DNS_T_OPT, 1232, 0);
	u16(&b, code);
	u16(&b, declared);
	put(&b, data, len);
	rr_end(&b, at);
	seed("message", nm, b.b, b.n);
}

static void message_edns_options(void)
{
	opt_message("ecs-bad-prefix", DNS_OPT_ECS,
		    "\x00\x01\x21\x00\xc0\x00\x02\x01\x00", 9, 9);
	opt_message("ecs-bits-past-prefix", DNS_OPT_ECS,
		    "\x00\x01\x14\x00\xc0\x00\x0f", 7, 7);
	opt_message("ecs-scope-in-query", DNS_OPT_ECS,
		    "\x00\x01\x18\x18\xc0\x00\x02", 7, 7);
	opt_message("ecs-family-3", DNS_OPT_ECS, "\x00\x03\x00\x00", 4, 4);
	opt_message("cookie-7-bytes", DNS_OPT_COOKIE, "1234567", 7, 7);
	opt_message("option-len-overrun", DNS_OPT_NSID, "ab", 2, 40);
	opt_message("ede-bad-utf8", DNS_OPT_EDE, "\x00\x12\xc0\xaf", 4, 4);
	opt_message("chain-name-cut", DNS_OPT_CHAIN,
		    "\x07"
		    "examp",
		    6, 6);
	opt_message("keepalive-3-bytes", DNS_OPT_KEEPALIVE, "\x00\x01\x02", 3,
		    3);
}

/* An answer with one RR of type whose RDATA is rd (n bytes). */
static void rdata_message(const char *nm, unsigned type, const void *rd,
			  size_t n)
{
	buf_t b;
	response(&b, type, 1, 0, 0);
	ptr(&b, 12);
	rr_raw(&b, type, (unsigned)n, rd, n);
	seed("message", nm, b.b, b.n);
}

/* The same bad RDATA as a fuzz_rdata_wire seed (selector, prefix 0). */
static void rdata_wire_seed(const char *nm, unsigned type, const void *rd,
			    size_t n)
{
	buf_t b;
	b.n = 0;
	u16(&b, fuzz_type_selector((uint16_t)type));
	u8(&b, 0);
	put(&b, rd, n);
	seed("rdata_wire", nm, b.b, b.n);
}

static void bad_rdata(const char *nm, unsigned type, const void *rd, size_t n)
{
	rdata_message(nm, type, rd, n);
	rdata_wire_seed(nm, type, rd, n);
}

static void message_rdata(void)
{
	/* NSEC: next name "a." then windows (systemd CVE-2017-15908) */
	bad_rdata("nsec-bitmap-window-order", DNS_T_NSEC,
		  "\x01"
		  "a\x00\x01\x01\x40\x00\x01\x40",
		  9);
	bad_rdata("nsec-bitmap-len-0", DNS_T_NSEC,
		  "\x01"
		  "a\x00\x00\x00",
		  5);
	{
		uint8_t rd[3 + 2 + 33];
		memcpy(rd,
		       "\x01"
		       "a\x00",
		       3);
		rd[3] = 0;
		rd[4] = 33;
		memset(rd + 5, 0x01, 33);
		bad_rdata("nsec-bitmap-len-33", DNS_T_NSEC, rd, sizeof(rd));
	}
	bad_rdata("nsec-bitmap-trailing-zero", DNS_T_NSEC,
		  "\x01"
		  "a\x00\x00\x02\x40\x00",
		  7);
	bad_rdata("nsec-bitmap-empty", DNS_T_NSEC,
		  "\x01"
		  "a\x00",
		  3);
	bad_rdata("nsec-bitmap-cut", DNS_T_NSEC,
		  "\x01"
		  "a\x00\x00\x05\x40",
		  6);
	bad_rdata("nsec3-hash-len-0", DNS_T_NSEC3, "\x01\x00\x00\x0a\x00\x00",
		  6);
	bad_rdata("nsec3-salt-overrun", DNS_T_NSEC3, "\x01\x00\x00\x0a\x20\xab",
		  6);
	/* c-ares CVE-2017-1000381: NAPTR strings past RDLENGTH */
	bad_rdata("naptr-overrun", 35, "\x00\x64\x00\x0a\x01S\x30SIP", 10);
	/* c-ares CVE-2020-22217: SOA cut in its fixed fields */
	bad_rdata("soa-short", DNS_T_SOA,
		  "\x02ns\x00\x02hm\x00\x00\x00\x00\x01\x00\x00\x1c\x20\x00\x00"
		  "\x0e\x10\x00\x12\x75\x00\x00\x00\x01",
		  27);
	/* BIND CVE-2015-5722: DNSKEY without a key */
	bad_rdata("dnskey-empty", DNS_T_DNSKEY, "\x01\x01\x03\x08", 4);
	bad_rdata("zero-length-rdata", DNS_T_A, "", 0);
	rdata_message("zero-length-rdata-mx", DNS_T_MX, "", 0);
	rdata_message("zero-length-rdata-txt", DNS_T_TXT, "", 0);
	bad_rdata("a-5-bytes", DNS_T_A, "\x01\x02\x03\x04\x05", 5);
	bad_rdata("txt-string-overrun", DNS_T_TXT,
		  "\x05"
		  "abc",
		  4);
	bad_rdata("caa-tag-empty", 257, "\x00\x00value", 7);
	bad_rdata("ds-digest-len-wrong", DNS_T_DS,
		  "\xec\x45\x08\x02\x01\x02\x03", 7);
	bad_rdata("svcb-keys-unordered", DNS_T_SVCB,
		  "\x00\x01\x00\x00\x03\x00\x02\x01\xbb\x00\x01\x00\x03\x02h2",
		  17);
	bad_rdata("loc-version-1", 29,
		  "\x01\x12\x16\x13\x89\x17\x27\xe8\x70"
		  "\x2a\x97\x40\x00\x98\x96\x80",
		  16);
	bad_rdata("apl-afd-too-long", 42,
		  "\x00\x01\x18\x05\xc0\x00\x02\x00\x01", 9);
	bad_rdata("wks-bitmap-trailing-zero", 11,
		  "\xc0\x00\x02\x01\x06\x00\x40\x00", 8);
	bad_rdata("ipseckey-gateway-type-4", 45, "\x0a\x04\x00", 3);
	/* decompression while copying RDATA (Unbound CVE-2019-25042) */
	{
		buf_t b;
		response(&b, DNS_T_MX, 1, 0, 0);
		ptr(&b, 12);
		size_t at = rr(&b, DNS_T_MX, DNS_C_IN, 0);
		u16(&b, 10);
		u8(&b, 2);
		str(&b, "mx");
		ptr(&b, 12);
		rr_end(&b, at);
		seed("message", "rdata-compressed-mx", b.b, b.n);
		response(&b, DNS_T_DNAME, 1, 0, 0);
		ptr(&b, 12);
		at = rr(&b, DNS_T_DNAME, DNS_C_IN, 0);
		ptr(&b, 12);
		rr_end(&b, at);
		seed("message", "rdata-pointer-forbidden-dname", b.b, b.n);
		response(&b, DNS_T_MX, 1, 0, 0);
		ptr(&b, 12);
		at = rr(&b, DNS_T_MX, DNS_C_IN, 0);
		u16(&b, 10);
		ptr(&b, (unsigned)b.n + 2);
		u8(&b, 0);
		rr_end(&b, at);
		seed("message", "rdata-pointer-forward", b.b, b.n);
		/* decompressed RDATA growing past its RDLENGTH many times */
		response(&b, DNS_T_SOA, 1, 0, 0);
		for (int i = 0; i < 3; i++) {
			u8(&b, 63);
			fill(&b, 'q', 63);
		}
		u8(&b, 0);
		at = rr(&b, DNS_T_SOA, DNS_C_IN, 0);
		ptr(&b, 12 + 4 + 9);
		ptr(&b, 12 + 4 + 9);
		u32(&b, 1);
		u32(&b, 2);
		u32(&b, 3);
		u32(&b, 4);
		u32(&b, 5);
		rr_end(&b, at);
		seed("message", "rdata-decompression-growth", b.b, b.n);
	}
}

/* ---- fuzz_rdata_wire, fuzz_rdata_text
 * ------------------------------------------ */

static void rdata_seeds(void)
{
	for (size_t i = 0; i < N_EXAMPLES; i++) {
		const parsed_t *p = &parsed[i];
		char nm[64];
		buf_t b;
		if (!p->ok)
			continue;
		snprintf(nm, sizeof(nm), "valid-%s", p->name);
		b.n = 0;
		u16(&b, fuzz_type_selector(p->type));
		u8(&b, 0);
		put(&b, p->rd, p->len);
		seed("rdata_wire", nm, b.b, b.n);
		b.n = 0;
		u16(&b, fuzz_type_selector(p->type));
		str(&b, p->text);
		seed("rdata_text", nm, b.b, b.n);
	}
	/* compression inside RDATA, with earlier message bytes */
	buf_t b;
	b.n = 0;
	u16(&b, DNS_T_MX);
	u8(&b, 9);
	name(&b, "example.");
	u16(&b, 10);
	u8(&b, 2);
	str(&b, "mx");
	ptr(&b, 0);
	seed("rdata_wire", "compressed-mx", b.b, b.n);
	b.n = 0;
	u16(&b, DNS_T_SOA);
	u8(&b, 4);
	ptr(&b, 2);
	ptr(&b, 0);
	ptr(&b, 2);
	ptr(&b, 4);
	fill(&b, 0, 20);
	seed("rdata_wire", "pointer-loop-in-soa", b.b, b.n);
	b.n = 0;
	u16(&b, 0x1234);
	u8(&b, 0);
	seed("rdata_wire", "unknown-type-empty", b.b, b.n);
}

static void text_seed(const char *nm, const char *type, const char *text)
{
	buf_t b;
	uint16_t t = 0;
	if (dns_type_from_text(type, strlen(type), &t) != DNS_OK)
		problem("text seed %s: type %s", nm, type);
	b.n = 0;
	u16(&b, fuzz_type_selector(t));
	str(&b, text);
	seed("rdata_text", nm, b.b, b.n);
}

static void rdata_text_bad(void)
{
	text_seed("generic-length-mismatch", "A", "\\# 5 01020304");
	text_seed("generic-not-valid-type", "MX", "\\# 1 00");
	{
		/* a NUL inside the text needs an explicit length */
		buf_t b;
		b.n = 0;
		u16(&b, DNS_T_TXT);
		put(&b, "\"a\0b\" c", 7);
		seed("rdata_text", "nul-byte", b.b, b.n);
	}
	text_seed("escape-256", "TXT", "\"\\256\"");
	text_seed("escape-cut", "TXT", "\"ab\\2\"");
	text_seed("name-escaped-dot-end", "NS", "a\\.");
	text_seed("name-label-64", "NS",
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "aaaa.");
	text_seed(
	    "txt-string-256", "TXT",
	    "\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxx\"");
	text_seed("base64-bad-padding", "DNSKEY", "257 3 8 AwEAA=b");
	text_seed("base64-split-tokens", "DNSKEY", "257 3 8 AwE AAa z/tA m8y=");
	text_seed("wks-port-65536", "WKS", "192.0.2.1 tcp 65536");
	text_seed("wks-services-names", "WKS", "192.0.2.1 tcp smtp http 65535");
	text_seed("loc-out-of-range", "LOC",
		  "91 0 0 N 181 0 0 E 42849672.96m 90000000m 1m 1m");
	text_seed("time-bad-date", "RRSIG",
		  "A 8 2 3600 20230230000000 20200101000000 1 example. AQID");
	text_seed("time-as-integer", "RRSIG",
		  "A 8 2 3600 4294967295 0 1 example. AQID");
	text_seed("svcb-duplicate-key", "SVCB", "1 . port=1 port=2");
	text_seed("svcb-mandatory-self", "SVCB", "1 . mandatory=mandatory");
	text_seed("nsec-type-65536", "NSEC", "a. TYPE65536");
	text_seed("parentheses-unbalanced", "SOA", "ns. hm. ( 1 2 3 4 5");
	text_seed("parentheses-multiline", "SOA",
		  "ns. hm. ( 1 ; serial\n 2 3\n 4 5 )");
	text_seed("apl-bad-family", "APL", "3:1.2.3.4/8");
	text_seed("period-units", "SOA", "ns. hm. 1 1w2d3h4m5s 1h 1d 1W");
	text_seed("salt-dash", "NSEC3PARAM", "1 0 0 -");
	text_seed("ipv6-bad", "AAAA", "2001:db8:::1");
}

/* ---- fuzz_name
 * --------------------------------------------------------------------- */

static void name_seed(const char *nm, unsigned start, const void *msg, size_t n)
{
	buf_t b;
	b.n = 0;
	u8(&b, start);
	put(&b, msg, n);
	seed("name", nm, b.b, b.n);
}

static void name_seeds(void)
{
	buf_t m;
	m.n = 0;
	name(&m, "www.example.");
	name_seed("plain", 0, m.b, m.n);
	ptr(&m, 4);
	name_seed("pointer-backward", 13, m.b, m.n);
	m.n = 0;
	ptr(&m, 0);
	name_seed("pointer-self", 0, m.b, m.n);
	m.n = 0;
	ptr(&m, 2);
	ptr(&m, 0);
	name_seed("pointer-loop", 2, m.b, m.n);
	m.n = 0;
	ptr(&m, 2);
	name(&m, "a.");
	name_seed("pointer-forward", 0, m.b, m.n);
	m.n = 0;
	u8(&m, 1);
	str(&m, "a");
	ptr(&m, 0);
	name_seed("pointer-into-own-name", 0, m.b, m.n);
	m.n = 0;
	name(&m, "a.");
	for (unsigned i = 0; i < 127; i++)
		ptr(&m, i == 0 ? 0 : 3 + 2 * (i - 1));
	name_seed("pointer-chain-127", 255, m.b, m.n); /* 255 % (n+1) */
	m.n = 0;
	u8(&m, 0x40);
	fill(&m, 'a', 64);
	u8(&m, 0);
	name_seed("label-type-0x40", 0, m.b, m.n);
	m.n = 0;
	u8(&m, 0x80);
	u8(&m, 0);
	name_seed("label-type-0x80", 0, m.b, m.n);
	m.n = 0;
	for (int i = 0; i < 4; i++) {
		u8(&m, 62);
		fill(&m, 'n', 62);
	}
	u8(&m, 1);
	str(&m, "x");
	u8(&m, 0);
	name_seed("name-255", 0, m.b, m.n);
	m.b[m.n - 3] = 2;
	m.n--;
	str(&m, "y");
	u8(&m, 0);
	name_seed("name-256", 0, m.b, m.n);
	m.n = 0;
	u8(&m, 5);
	put(&m, "a.b\\\0", 5);
	u8(&m, 0);
	name_seed("special-bytes", 0, m.b, m.n);
	seed("name", "cut-label",
	     "\x00\x05"
	     "ab",
	     4);
	/* presentation text (the whole input after byte 0) */
	name_seed("text-escaped-dot", 200, "a\\.b.example.", 13);
	name_seed("text-escaped-dot-end", 200, "a\\.", 3);
	name_seed("text-ddd", 200, "\\255\\000\\046.x", 14);
	name_seed("text-ddd-256", 200, "\\256.", 5);
	name_seed("text-trailing-backslash", 200, "abc\\", 4);
	name_seed("text-empty-label", 200, "a..b.", 5);
	name_seed("text-relative", 200, "www", 3);
	name_seed("text-at", 200, "@", 1);
	name_seed("text-root", 200, ".", 1);
	name_seed(
	    "text-label-64", 200,
	    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
	    64);
	{
		char t[300];
		size_t n = 0;
		for (int i = 0; i < 127; i++) {
			t[n++] = 'a';
			t[n++] = '.';
		}
		name_seed("text-127-labels", 200, t, n);
		t[n++] = 'b';
		t[n++] = '.';
		name_seed("text-128-labels", 200, t, n);
	}
	name_seed("text-nul-byte", 200, "a\0b.", 4);
}

/* ---- fuzz_edns
 * ----------------------------------------------------------------------- */

static void edns_seed(const char *nm, uint32_t ttl, const void *rd, size_t n)
{
	buf_t b;
	b.n = 0;
	u16(&b, 1232);
	u32(&b, ttl);
	put(&b, rd, n);
	seed("edns", nm, b.b, b.n);
}

static void edns_seeds(void)
{
	edns_seed("empty", 0, "", 0);
	edns_seed("do-version-1", 0x00018000, "", 0);
	edns_seed("nsid-request", 0, "\x00\x03\x00\x00", 4);
	edns_seed("nsid-text", 0, "\x00\x03\x00\x03ns1", 7);
	edns_seed("ecs-valid", 0x1,
		  "\x00\x08\x00\x07\x00\x01\x18\x00\xc0\x00\x02", 11);
	edns_seed("ecs-v6", 0,
		  "\x00\x08\x00\x0c\x00\x02\x40\x00\x20\x01\x0d\xb8"
		  "\x00\x00\x00\x00",
		  16);
	edns_seed("ecs-bad-prefix", 0,
		  "\x00\x08\x00\x09\x00\x01\x21\x00\xc0\x00\x02\x01\x00", 13);
	edns_seed("ecs-bits-past-prefix", 0,
		  "\x00\x08\x00\x07\x00\x01\x14\x00\xc0\x00\x0f", 11);
	edns_seed("ecs-scope-in-query", 1,
		  "\x00\x08\x00\x07\x00\x01\x18\x10\xc0\x00\x02", 11);
	edns_seed("ecs-family-0", 0, "\x00\x08\x00\x04\x00\x00\x00\x00", 8);
	edns_seed("cookie-client", 0,
		  "\x00\x0a\x00\x08"
		  "abcdefgh",
		  12);
	edns_seed("cookie-server", 0,
		  "\x00\x0a\x00\x18"
		  "abcdefgh0123456789abcdef",
		  28);
	edns_seed("cookie-7", 0,
		  "\x00\x0a\x00\x07"
		  "abcdefg",
		  11);
	edns_seed("cookie-41", 0,
		  "\x00\x0a\x00\x29"
		  "abcdefgh0123456789abcdef0123456789abcdefg",
		  45);
	edns_seed("expire", 0, "\x00\x09\x00\x04\x00\x00\x0e\x10", 8);
	edns_seed("keepalive", 0, "\x00\x0b\x00\x02\x01\x2c", 6);
	edns_seed("padding-nonzero", 0, "\x00\x0c\x00\x04\x00\x00\x01\x00", 8);
	edns_seed("chain", 0,
		  "\x00\x0d\x00\x09\x07"
		  "example\x00",
		  13);
	edns_seed("chain-compressed", 0, "\x00\x0d\x00\x02\xc0\x00", 6);
	edns_seed("keytag-odd", 0, "\x00\x0e\x00\x03\x01\x02\x03", 7);
	edns_seed("ede-text", 0,
		  "\x00\x0f\x00\x08\x00\x12"
		  "r\xc3\xa9gle",
		  12);
	edns_seed("ede-bad-utf8", 0, "\x00\x0f\x00\x05\x00\x12\xed\xa0\x80", 9);
	edns_seed("ede-short", 0, "\x00\x0f\x00\x01\x00", 5);
	edns_seed("report-channel", 0,
		  "\x00\x12\x00\x05\x03"
		  "agt\x00",
		  9);
	edns_seed("zoneversion-serial", 0,
		  "\x00\x13\x00\x06\x02\x00\x78\x9a\xbc\xde", 10);
	edns_seed("zoneversion-bad-len", 0, "\x00\x13\x00\x03\x02\x00\x01", 7);
	edns_seed("option-cut-header", 0, "\x00\x03\x00", 3);
	edns_seed("option-cut-data", 0,
		  "\x00\x03\x00\x10"
		  "abc",
		  7);
	edns_seed(
	    "many-options", 0,
	    "\x00\x03\x00\x00\x00\x05\x00\x02\x08\x0d\x00\x06\x00\x01\x01"
	    "\x00\x07\x00\x01\x01\xfd\xe9\x00\x02\xff\xfe\x00\x0c\x00\x00",
	    30);
	edns_seed("llq", 0,
		  "\x00\x01\x00\x12\x00\x01\x00\x01\x00\x00\x00\x00\x00\x00\x00"
		  "\x01\x00\x00\x0e\x10\x00\x00",
		  22);
	edns_seed("ul", 0, "\x00\x02\x00\x08\x00\x00\x0e\x10\x00\x00\x1c\x20",
		  12);
}

/* ---- fuzz_base, fuzz_tcp, fuzz_zone, fuzz_canon
 * -------------------------------- */

static void base_seeds(void)
{
	/* byte 0 mod 3: 0 base16, 1 base32hex, 2 base64 */
	seed_str("base", "b16-valid",
		 "\x00"
		 "0123456789abcdefABCDEF00");
	seed_str("base", "b16-odd",
		 "\x03"
		 "abc");
	seed_str("base", "b16-bad-char",
		 "\x06"
		 "0g");
	seed_str("base", "b32-valid",
		 "\x01"
		 "2T7B4G4VSA5SMI47K61MV5BV1A22BOJR");
	seed_str("base", "b32-tail-1",
		 "\x04"
		 "2T7B4G4VS");
	seed_str("base", "b32-tail-7",
		 "\x07"
		 "0123456");
	seed_str("base", "b32-pad-bits",
		 "\x0a"
		 "01");
	seed_str("base", "b32-w-outside",
		 "\x0d"
		 "WWWW");
	seed_str("base", "b64-valid",
		 "\x02"
		 "AwEAAaz/tAm8yTn4Mfeh5eyI96WSVexTBA==");
	seed_str("base", "b64-pad-2",
		 "\x05"
		 "QQ==");
	seed_str("base", "b64-pad-1",
		 "\x08"
		 "QUI=");
	seed_str("base", "b64-pad-middle",
		 "\x0b"
		 "QQ==QUJD");
	seed_str("base", "b64-pad-3",
		 "\x0e"
		 "Q===");
	seed_str("base", "b64-pad-bits",
		 "\x11"
		 "QR==");
	seed_str("base", "b64-not-multiple-of-4",
		 "\x14"
		 "QUJ");
	seed_str("base", "b64-url-alphabet",
		 "\x17"
		 "-_-_");
	seed("base", "b16-nul",
	     "\x1a"
	     "00\0"
	     "0",
	     5);
}

static void tcp_seeds(void)
{
	buf_t b;
	/* byte 0: split count, byte 1: limit / 64, then 2 bytes per split */
	b.n = 0;
	u8(&b, 3);
	u8(&b, 0);
	u16(&b, 1);
	u16(&b, 3);
	u16(&b, 15);
	for (int i = 0; i < 3; i++) {
		u16(&b, 12);
		u16(&b, 0x1234);
		u16(&b, 0x0100);
		fill(&b, 0, 8);
	}
	seed("tcp", "three-messages-split", b.b, b.n);
	b.n = 0;
	u8(&b, 0);
	u8(&b, 0);
	u16(&b, 4);
	str(&b, "abcd");
	u16(&b, 0);
	str(&b, "zz");
	seed("tcp", "zero-length-frame", b.b, b.n);
	b.n = 0;
	u8(&b, 1);
	u8(&b, 1);
	u16(&b, 1);
	u16(&b, 65);
	fill(&b, 0x41, 70);
	seed("tcp", "over-limit-64", b.b, b.n);
	b.n = 0;
	u8(&b, 0);
	u8(&b, 0);
	u16(&b, 0xffff);
	fill(&b, 0x42, 100);
	seed("tcp", "short-65535", b.b, b.n);
	b.n = 0;
	u8(&b, 2);
	u8(&b, 0);
	u16(&b, 0);
	u16(&b, 1);
	u8(&b, 0);
	seed("tcp", "prefix-split", b.b, b.n);
	b.n = 0;
	u8(&b, 15);
	u8(&b, 2);
	for (int i = 0; i < 15; i++)
		u16(&b, (unsigned)(i * 37 + 1));
	for (int i = 0; i < 20; i++) {
		u16(&b, (unsigned)(i + 1));
		fill(&b, (unsigned)i, (size_t)i + 1);
	}
	seed("tcp", "many-small-splits", b.b, b.n);
	seed("tcp", "empty", "\x00\x00", 2);
}

static void zone_seeds(void)
{
	/* all examples in two zone files */
	char text[8192];
	size_t half = N_EXAMPLES / 2;
	for (int part = 0; part < 2; part++) {
		size_t n = 0;
		n += (size_t)snprintf(text + n, sizeof(text) - n,
				      "$TTL 3600\n$ORIGIN example.\n");
		for (size_t i = part ? half : 0; i < (part ? N_EXAMPLES : half);
		     i++) {
			const parsed_t *p = &parsed[i];
			const dns_type_info_t *ti = dns_type_info(p->type);
			if (!p->ok || ti == NULL || ti->meta)
				continue;
			/* the first owner explicit, then omitted ones */
			char owner[16] = "\t";
			if (i == (part ? half : 0))
				snprintf(owner, sizeof(owner), "@ ");
			else if (i % 3 != 0)
				snprintf(owner, sizeof(owner), "t%zu ", i);
			int w = snprintf(text + n, sizeof(text) - n,
					 "%s%s %s\n", owner, p->name, p->text);
			if (w < 0 || (size_t)w >= sizeof(text) - n)
				break;
			n += (size_t)w;
		}
		seed("zone", part ? "all-types-2" : "all-types-1", text, n);
	}
	seed_str("zone", "directives",
		 "$ORIGIN sub.example.\n$TTL 1h\n@ IN SOA ns hm ( 1 2 3 4 5 )\n"
		 "  NS ns\nns A 192.0.2.1\n$ORIGIN example.\nwww 60 IN A "
		 "192.0.2.2\n IN 70 AAAA ::1\n");
	seed_str("zone", "include-refused", "$INCLUDE /etc/passwd\n");
	seed_str("zone", "include-relative", "$INCLUDE zone.inc sub\n");
	seed_str("zone", "generate", "$GENERATE 1-100 host$ A 192.0.2.$\n");
	seed_str("zone", "no-ttl", "a IN A 192.0.2.1\n");
	seed_str("zone", "quote-unterminated", "a 1 TXT \"abc\n");
	seed_str("zone", "paren-unbalanced", "a 1 TXT ( \"abc\"\n");
	seed("zone", "nul-byte", "a 1 TXT \"a\0b\"\n", 14);
	seed_str("zone", "generic-forms",
		 "a 1 CLASS1 TYPE1 \\# 4 C0000201\nb 1 IN TYPE65280 \\# 0\n"
		 "c 1 IN TYPE65281 \\# 3 ( 01 02\n 03 )\n");
	seed_str("zone", "meta-type", "a 1 IN ANY \\# 0\n");
	seed_str("zone", "ttl-units",
		 "$TTL 1w2d3h4m5s\na A 1.2.3.4\nb 2W A "
		 "1.2.3.5\nc 4294967295 A 1.2.3.6\n");
	seed_str("zone", "escapes-in-owner",
		 "a\\.b\\032c\\255 1 A 1.2.3.4\n\\@ 1 A 1.2.3.5\n\\$x 1 A "
		 "1.2.3.6\n");
	seed_str("zone", "comments-and-blank",
		 "; c\n\n   ; c\na 1 A 1.2.3.4 ; c\n");
}

static void canon_seeds(void)
{
	/* owner sel, type sel, class, ttl, rdata sel [+bytes], continue */
	static const uint8_t a[] = {
	    0x00, 0, 0,	   0,	 4,    1,    2,	   3, 4, 1, 0x01, 0, 0,	   1,
	    4,	  1, 2,	   3,	 4,    1,    0x03, 0, 0, 2, 4,	  1, 2,	   3,
	    3,	  1, 0x02, 0,	 0,    0,    4,	   1, 2, 3, 4,	  1, 0x04, 5,
	    0,	  0, 0x83, 0,	 10,   1,    0x04, 5, 0, 1, 0x82, 0, 10,   1,
	    0x00, 8, 0,	   0,	 0x81, 0,    1,	   8, 2, 0, 0,	  0, 0,	   0,
	    0,	  0, 0,	   0,	 0,    0,    0,	   0, 0, 0, 0,	  1, 0x00, 8,
	    0,	  0, 0x81, 0,	 28,   8,    2,	   0, 0, 0, 0,	  0, 0,	   0,
	    0,	  0, 0,	   0,	 0,    0,    0,	   0, 0, 1, 0x00, 8, 0,	   0,
	    1,	  0, 1,	   0x07, 200,  0x12, 0x34, 1, 0, 0, 0,	  5, 4,	   3,
	    2,	  1, 0,	   7,	 6,    5,    4,	   3, 2, 1};
	seed("canon", "mixed-rrsets", a, sizeof(a));
	static const uint8_t dup[] = {0x00, 1, 0,    0,	   0x80, 1,    0x01,
				      1,    0, 3,    0x81, 1,	 0x00, 1,
				      0,    2, 0x80, 0,	   9,	 9,    9};
	seed("canon", "duplicates-case", dup, sizeof(dup));
	static const uint8_t wire[] = {0x80, 3, 'A', 'b',  'C', 0,   0,	  0,
				       0,    0, 1,   0x80, 3,	'a', 'B', 'c',
				       0,    0, 0,   0,	   0,	1,   0};
	seed("canon", "wire-owner", wire, sizeof(wire));
}

/* ---- dictionaries
 * ---------------------------------------------------------------- */

typedef struct dict {
	FILE *f;
	unsigned n;
} dict_t;

static void dict_open(dict_t *d, const char *codec, const char *about)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s.dict", fuzz_dir, codec);
	d->f = fopen(path, "w");
	d->n = 0;
	if (d->f == NULL) {
		problem("%s: %s", path, strerror(errno));
		exit(1);
	}
	fprintf(d->f,
		"# %s.dict - libFuzzer dictionary for fuzz_%s: %s.\n"
		"# Generated by fuzz/gen_seeds.c (make fuzz-seeds); "
		"do not edit.\n",
		codec, codec, about);
}

/* One entry of n bytes, escaped as libFuzzer reads it. */
static void dict_bytes(dict_t *d, const void *p, size_t n)
{
	const uint8_t *b = p;
	fprintf(d->f, "k%u=\"", ++d->n);
	for (size_t i = 0; i < n; i++) {
		if (b[i] == '"' || b[i] == '\\')
			fprintf(d->f, "\\%c", b[i]);
		else if (b[i] >= 0x20 && b[i] < 0x7f)
			fputc(b[i], d->f);
		else
			fprintf(d->f, "\\x%02X", b[i]);
	}
	fputs("\"\n", d->f);
}

static void dict_str(dict_t *d, const char *s)
{
	dict_bytes(d, s, strlen(s));
}

static void dict_u16(dict_t *d, unsigned v)
{
	uint8_t b[2] = {(uint8_t)(v >> 8), (uint8_t)v};
	dict_bytes(d, b, 2);
}

static void dict_close(dict_t *d)
{
	if (fclose(d->f) != 0)
		problem("dictionary: %s", strerror(errno));
}

static void dict_wire_common(dict_t *d)
{
	size_t n;
	const dns_type_info_t *rows = dns_type_table(&n);
	for (size_t i = 0; i < n; i++)
		dict_u16(d, rows[i].code);
	dict_bytes(d, "\xc0\x0c", 2);
	dict_bytes(d, "\xc0\x00", 2);
	dict_bytes(d, "\x3f", 1);
	dict_bytes(d, "\x40", 1);
	dict_bytes(d, "\x80", 1);
	dict_bytes(d, "\x00\x00\x29\x10\x00\x00\x00\x80\x00", 9);
	dict_bytes(d, "\x00\x01\x00\x01", 4);
	dict_bytes(d,
		   "\x07"
		   "example\x00",
		   9);
	dict_bytes(d, "\x00\x00\x0e\x10", 4);
	dict_bytes(d, "\x00\x06\x40\x01\x00\x08\x00\x03", 8);
	dict_bytes(d, "\x00\x01\x40", 3);
	dict_bytes(d, "\x00\x20", 2);
	dict_bytes(d, "\xff\xff", 2);
}

static void dict_edns_codes(dict_t *d)
{
	for (unsigned code = 1; code <= 19; code++)
		dict_u16(d, code);
	dict_u16(d, 65001);
	dict_bytes(d, "\x00\x08\x00\x07\x00\x01\x18\x00", 8);
	dict_bytes(d, "\x00\x0a\x00\x08", 4);
	dict_bytes(d, "\x00\x0a\x00\x18", 4);
	dict_bytes(d, "\x00\x0f\x00\x02", 4);
	dict_bytes(d, "\x00\x02\x40\x00", 4);
	dict_bytes(d, "\xc3\xa9", 2);
	dict_bytes(d, "\xed\xa0\x80", 3);
	dict_bytes(d, "\xf4\x90\x80\x80", 4);
}

static void dict_text_common(dict_t *d)
{
	static const char *const words[] = {
	    "\\#",
	    "(",
	    ")",
	    ";",
	    "\"",
	    "\\",
	    "\\.",
	    "\\032",
	    "\\000",
	    "\\255",
	    "\\\\",
	    "\\\"",
	    "@",
	    ".",
	    "*",
	    "\n",
	    " ",
	    "\t",
	    "0x",
	    "-",
	    "20240101000000",
	    "19700101000000",
	    "4294967295",
	    "65535",
	    "1w2d3h4m5s",
	    "N",
	    "S",
	    "E",
	    "W",
	    "m",
	    "::",
	    "::ffff:",
	    "192.0.2.1",
	    "2001:db8::1",
	    "mandatory=",
	    "alpn=",
	    "no-default-alpn",
	    "port=",
	    "ipv4hint=",
	    "ech=",
	    "ipv6hint=",
	    "dohpath=",
	    "key65535=",
	    "ohttp",
	    ",",
	    "\\,",
	    "tcp",
	    "udp",
	    "smtp",
	    "!",
	    "1:",
	    "2:",
	    "/",
	    "PGP",
	    "PKIX",
	    "URI",
	    "RSASHA256",
	    "ECDSAP256SHA256",
	    "ED25519",
	    "PRIVATEOID",
	    "NOERROR",
	    "BADSIG",
	    "BADTIME",
	    "issue",
	    "issuewild",
	    "iodef",
	    "TYPE65535",
	    "CLASS65535",
	    "xn--",
	    "=",
	    "==",
	    "+/",
	    "example.",
	};
	size_t n;
	const dns_type_info_t *rows = dns_type_table(&n);
	for (size_t i = 0; i < n; i++)
		dict_str(d, rows[i].name);
	static const char *const classes[] = {"IN",  "CH",    "HS",    "NONE",
					      "ANY", "CHAOS", "HESIOD"};
	for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]); i++)
		dict_str(d, classes[i]);
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		dict_str(d, words[i]);
}

static void dictionaries(void)
{
	dict_t d;
	dict_open(&d, "message", "DNS messages");
	dict_wire_common(&d);
	dict_edns_codes(&d);
	dict_close(&d);

	dict_open(&d, "rdata_wire", "type selector + prefix + RDATA");
	dict_wire_common(&d);
	dict_close(&d);

	dict_open(&d, "name", "wire names and their presentation form");
	static const char *const name_words[] = {
	    "\\.",	"\\032", "\\000", "\\255", "\\256", "\\\\",
	    "\\",	"@",	 ".",	  "..",	   "*",	    "xn--",
	    "example.", "$",	 ";",	  "(",	   "\"",
	};
	for (size_t i = 0; i < sizeof(name_words) / sizeof(name_words[0]); i++)
		dict_str(&d, name_words[i]);
	dict_bytes(&d, "\xc0\x0c", 2);
	dict_bytes(&d, "\xc0\x00", 2);
	dict_bytes(&d, "\x3f", 1);
	dict_bytes(&d, "\x40", 1);
	dict_bytes(&d, "\x80", 1);
	dict_bytes(&d,
		   "\x07"
		   "example\x00",
		   9);
	dict_close(&d);

	dict_open(&d, "rdata_text", "type selector + presentation RDATA");
	dict_text_common(&d);
	dict_close(&d);

	dict_open(&d, "zone", "master files");
	dict_text_common(&d);
	static const char *const directives[] = {
	    "$ORIGIN ",	   "$TTL ", "$INCLUDE ", "$GENERATE ",
	    "$ORIGIN .\n", "\n ",   "\n\t",	 "IN ",
	    " 3600 ",	   "@ ",    "$",
	};
	for (size_t i = 0; i < sizeof(directives) / sizeof(directives[0]); i++)
		dict_str(&d, directives[i]);
	dict_close(&d);

	dict_open(&d, "edns", "OPT CLASS, TTL and RDATA");
	dict_edns_codes(&d);
	dict_close(&d);

	dict_open(&d, "base", "base16, base32hex, base64 text");
	static const char *const alphabets[] = {
	    "0123456789",
	    "ABCDEF",
	    "abcdef",
	    "ghijklmnopqrstuv",
	    "GHIJKLMNOPQRSTUV",
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
	    "abcdefghijklmnopqrstuvwxyz",
	    "+/",
	    "=",
	    "==",
	    "===",
	    "wxyz",
	    "WXYZ",
	    "-_",
	};
	for (size_t i = 0; i < sizeof(alphabets) / sizeof(alphabets[0]); i++)
		dict_str(&d, alphabets[i]);
	dict_close(&d);

	dict_open(&d, "tcp", "split points + TCP stream");
	dict_bytes(&d, "\x00\x00", 2);
	dict_bytes(&d, "\x00\x01", 2);
	dict_bytes(&d, "\x00\x0c", 2);
	dict_bytes(&d, "\xff\xff", 2);
	dict_bytes(&d, "\x02\x00", 2);
	dict_close(&d);

	dict_open(&d, "canon", "RR lists for canonical order");
	size_t n;
	const dns_type_info_t *rows = dns_type_table(&n);
	for (size_t i = 0; i < n; i++)
		dict_u16(&d, rows[i].code);
	dict_bytes(&d,
		   "\x03"
		   "ABC\x00",
		   5);
	dict_bytes(&d,
		   "\x03"
		   "abc\x00",
		   5);
	dict_close(&d);
}

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: gen_seeds CORPUS_DIR FUZZ_DIR\n");
		return 2;
	}
	corpus_dir = argv[1];
	fuzz_dir = argv[2];
	parse_examples();
	message_valid_types();
	message_valid_other();
	message_names();
	message_counts();
	message_opt_tsig();
	message_edns_options();
	message_rdata();
	rdata_seeds();
	rdata_text_bad();
	name_seeds();
	edns_seeds();
	base_seeds();
	tcp_seeds();
	zone_seeds();
	canon_seeds();
	dictionaries();
	for (counter_t *c = counters; c->codec != NULL; c++)
		printf("fuzz_%-11s %u seeds\n", c->codec, c->files);
	return status;
}
