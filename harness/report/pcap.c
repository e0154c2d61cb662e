/* pcap.c - traffic capture: every packet sent and received, written as raw
 * IP (LINKTYPE_RAW) in the classic pcap file format. UDP datagrams are
 * logged as they are; TCP streams as synthesized segments with real
 * sequence numbers and checksums, so tshark reassembles DNS over TCP. The
 * log may be shared by the loops of several threads (the run's, and the
 * server behind a resolver target): each call holds the log's lock.
 *
 * The file is written here rather than through libpcap's pcap_dump: a
 * record (its 16-byte header, the IP and UDP/TCP headers and the payload)
 * is built in place in one large buffer, which goes to the file with
 * write(2) when it is full, with the first packet of each new second (a
 * slow run's file is not left far behind) and at the end. That is a few hundred
 * instructions a packet and a system call per LOG_BUF bytes, where stdio
 * took a copy, a lock and a write per 4 KiB. The format (libpcap's
 * savefile, version 2.4, host byte order, microsecond timestamps) is read
 * by libpcap, tshark and Wireshark; test_report reads it with libpcap. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "dns/arena.h"
#include "report/report.h"
#include "report/report_int.h"

#define SEGMENT_MAX 60000u /* TCP payload per synthesized segment */
#define IP4_HDR	    20u
#define IP6_HDR	    40u
#define UDP_HDR	    8u
#define TCP_HDR	    20u
#define TCP_FIN	    0x01
#define TCP_SYN	    0x02
#define TCP_PSH	    0x08
#define TCP_ACK	    0x10

#define FILE_HDR     24u    /* the savefile's header */
#define REC_HDR	     16u    /* a record's: time, caplen, len */
#define SNAPLEN	     65535u /* as pcap_open_dead(DLT_RAW, 65535) */
#define LINKTYPE_RAW 101u   /* raw IPv4/IPv6, no link header */
#define REC_MAX	     (REC_HDR + IP6_HDR + TCP_HDR + SEGMENT_MAX)
#define LOG_BUF	     (256u * 1024u) /* bytes gathered per write(2) */

_Static_assert(LOG_BUF >= FILE_HDR + REC_MAX, "the largest record fits");

typedef struct pcap_conn {
	uint64_t id;
	struct sockaddr_storage client, server;
	uint32_t seq_client, seq_server; /* next sequence number each way */
} pcap_conn_t;

struct pcap_log {
	pthread_mutex_t mu;
	int fd;
	bool failed; /* a write failed: nothing more is written */
	pcap_conn_t *conns;
	size_t nconns, cap;
	size_t used;	    /* bytes of buf not yet written */
	time_t written_sec; /* when buf was last written out */
	uint8_t buf[LOG_BUF];
};

/* ---- the file ----------------------------------------------------------- */

static void flush(pcap_log_t *p)
{
	if (p->used > 0 && !p->failed &&
	    !report_write_all(p->fd, p->buf, p->used))
		p->failed = true;
	p->used = 0;
}

static void put32(uint8_t *b, uint32_t v)
{
	memcpy(b, &v, 4); /* the savefile is in host byte order */
}

static void put16(uint8_t *b, uint16_t v)
{
	memcpy(b, &v, 2);
}

/* The savefile header: magic, version 2.4, GMT offset and accuracy 0,
 * snapshot length, link type. */
static void file_header(pcap_log_t *p)
{
	uint8_t *b = p->buf;
	put32(b, 0xa1b2c3d4u);
	put16(b + 4, 2);
	put16(b + 6, 4);
	put32(b + 8, 0);
	put32(b + 12, 0);
	put32(b + 16, SNAPLEN);
	put32(b + 20, LINKTYPE_RAW);
	p->used = FILE_HDR;
}

pcap_log_t *pcap_log_open(const char *path, char *err, size_t errlen)
{
	pcap_log_t *p = dns_mem_alloc(sizeof(*p));
	if (p == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	memset(p, 0, offsetof(pcap_log_t, buf));
	p->fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (p->fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		dns_mem_free(p);
		return NULL;
	}
	pthread_mutex_init(&p->mu, NULL);
	file_header(p);
	return p;
}

void pcap_log_close(pcap_log_t *p)
{
	if (p == NULL)
		return;
	flush(p);
	close(p->fd);
	dns_mem_free(p->conns);
	pthread_mutex_destroy(&p->mu);
	dns_mem_free(p);
}

/* Room for a record of n bytes (REC_MAX at most) at the end of the
 * buffer, written out first when it lacks it; the record's start. */
static uint8_t *record_room(pcap_log_t *p, size_t n)
{
	if (LOG_BUF - p->used < n)
		flush(p);
	return p->buf + p->used;
}

/* The record header before a packet of len bytes; the record is kept. */
static void record_commit(pcap_log_t *p, uint8_t *rec, size_t len)
{
	struct timeval tv;
	gettimeofday(&tv, NULL);
	put32(rec, (uint32_t)tv.tv_sec);
	put32(rec + 4, (uint32_t)tv.tv_usec);
	put32(rec + 8, (uint32_t)len);
	put32(rec + 12, (uint32_t)len);
	p->used += REC_HDR + len;
	if (tv.tv_sec != p->written_sec) { /* a slow run's file keeps up */
		flush(p);
		p->written_sec = tv.tv_sec;
	}
}

/* ---- packets ------------------------------------------------------------ */

/* The Internet checksum (RFC 1071) is a one's complement sum of 16-bit
 * words, and such a sum does not depend on the byte order the words are
 * read in (RFC 1071 2(B)): summed as native words and stored back as a
 * native word, it gives the right bytes on any host. So the words are
 * loaded with memcpy, eight bytes at a time, and their two 32-bit halves
 * added into a 64-bit sum (which folds to the same 16-bit sum, as 2^16
 * and 2^32 are 1 mod 2^16 - 1, and cannot overflow for a packet below
 * 64 KiB); an odd last byte is padded with a zero byte. Numbers in the
 * pseudo-header enter as htons() words. */
static uint64_t sum16(const uint8_t *b, size_t n, uint64_t acc)
{
	size_t i = 0;
	for (; i + 16 <= n; i += 16) {
		uint64_t w, v;
		memcpy(&w, b + i, 8);
		memcpy(&v, b + i + 8, 8);
		acc += (w & 0xffffffffu) + (w >> 32) + (v & 0xffffffffu) +
		       (v >> 32);
	}
	if (n - i >= 8) {
		uint64_t w;
		memcpy(&w, b + i, 8);
		acc += (w & 0xffffffffu) + (w >> 32);
		i += 8;
	}
	if (n - i >= 4) {
		uint32_t w;
		memcpy(&w, b + i, 4);
		acc += w;
		i += 4;
	}
	if (n - i >= 2) {
		uint16_t w;
		memcpy(&w, b + i, 2);
		acc += w;
		i += 2;
	}
	if (i < n) {
		uint8_t pair[2] = {b[i], 0};
		uint16_t w;
		memcpy(&w, pair, 2);
		acc += w;
	}
	return acc;
}

/* Native words at b, for the sums. */
static uint64_t word16(const uint8_t *b)
{
	uint16_t w;
	memcpy(&w, b, 2);
	return w;
}

static uint64_t word32(const uint8_t *b)
{
	uint32_t w;
	memcpy(&w, b, 4);
	return w;
}

/* The checksum of a sum: folded to 16 bits and complemented, a native
 * word to store with put_sum. */
static uint16_t fold(uint64_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

static void put_sum(uint8_t *b, uint16_t sum)
{
	memcpy(b, &sum, 2);
}

/* The pseudo-header's protocol and length words. */
static uint64_t pseudo(uint8_t proto, size_t l4len)
{
	return (uint64_t)htons(proto) + htons((uint16_t)l4len);
}

static uint16_t port_of(const struct sockaddr *sa)
{
	return sa->sa_family == AF_INET6
		   ? ntohs(((const struct sockaddr_in6 *)sa)->sin6_port)
		   : ntohs(((const struct sockaddr_in *)sa)->sin_port);
}

static size_t ip_len(const struct sockaddr *src)
{
	return src->sa_family == AF_INET6 ? IP6_HDR : IP4_HDR;
}

/* Write the IP header for an L4 payload of l4len bytes (header included)
 * and return the pseudo-header sum for the L4 checksum. */
static uint64_t ip_header(uint8_t *b, const struct sockaddr *src,
			  const struct sockaddr *dst, uint8_t proto,
			  size_t l4len)
{
	if (src->sa_family == AF_INET6) {
		const uint8_t *s =
		    ((const struct sockaddr_in6 *)src)->sin6_addr.s6_addr;
		const uint8_t *d =
		    ((const struct sockaddr_in6 *)dst)->sin6_addr.s6_addr;
		memset(b, 0, IP6_HDR);
		b[0] = 0x60;
		b[4] = (uint8_t)(l4len >> 8);
		b[5] = (uint8_t)l4len;
		b[6] = proto;
		b[7] = 64;
		memcpy(b + 8, s, 16);
		memcpy(b + 24, d, 16);
		return sum16(b + 8, 32, pseudo(proto, l4len));
	}
	/* The IPv4 header's sum is taken from its words as they are set
	 * (the ID and the checksum field are 0), not by reading the header
	 * back; the addresses' sum serves the pseudo-header too. */
	const struct sockaddr_in *s4 = (const struct sockaddr_in *)src;
	const struct sockaddr_in *d4 = (const struct sockaddr_in *)dst;
	size_t total = IP4_HDR + l4len;
	memset(b, 0, IP4_HDR);
	b[0] = 0x45;
	b[2] = (uint8_t)(total >> 8);
	b[3] = (uint8_t)total;
	b[6] = 0x40; /* don't fragment */
	b[8] = 64;
	b[9] = proto;
	memcpy(b + 12, &s4->sin_addr, 4);
	memcpy(b + 16, &d4->sin_addr, 4);
	uint64_t addrs = word32(b + 12) + word32(b + 16);
	put_sum(b + 10, fold(word16(b) + word16(b + 2) + word16(b + 6) +
			     word16(b + 8) + addrs));
	return addrs + pseudo(proto, l4len);
}

static void udp_locked(pcap_log_t *p, const struct sockaddr *src,
		       const struct sockaddr *dst, const uint8_t *data,
		       size_t len)
{
	if (p == NULL || src->sa_family != dst->sa_family ||
	    len > SEGMENT_MAX + TCP_HDR - UDP_HDR)
		return;
	size_t hl = ip_len(src), l4 = UDP_HDR + len;
	uint8_t *rec = record_room(p, REC_HDR + hl + l4);
	uint64_t acc = ip_header(rec + REC_HDR, src, dst, IPPROTO_UDP, l4);
	uint8_t *u = rec + REC_HDR + hl;
	uint16_t sp = port_of(src), dp = port_of(dst);
	u[0] = (uint8_t)(sp >> 8);
	u[1] = (uint8_t)sp;
	u[2] = (uint8_t)(dp >> 8);
	u[3] = (uint8_t)dp;
	u[4] = (uint8_t)(l4 >> 8);
	u[5] = (uint8_t)l4;
	u[6] = u[7] = 0;
	memcpy(u + UDP_HDR, data, len);
	uint16_t c = fold(sum16(u, l4, acc));
	put_sum(u + 6, c != 0 ? c : 0xffff); /* 0 would mean "none" */
	record_commit(p, rec, hl + l4);
}

static pcap_conn_t *conn_find(pcap_log_t *p, uint64_t id)
{
	for (size_t i = 0; i < p->nconns; i++)
		if (p->conns[i].id == id)
			return &p->conns[i];
	return NULL;
}

static void tcp_segment(pcap_log_t *p, pcap_conn_t *c, bool from_client,
			uint8_t flags, const uint8_t *data, size_t len)
{
	const struct sockaddr *src =
	    (const struct sockaddr *)(from_client ? &c->client : &c->server);
	const struct sockaddr *dst =
	    (const struct sockaddr *)(from_client ? &c->server : &c->client);
	uint32_t *seq = from_client ? &c->seq_client : &c->seq_server;
	uint32_t ack = from_client ? c->seq_server : c->seq_client;
	size_t hl = ip_len(src), l4 = TCP_HDR + len;
	uint8_t *rec = record_room(p, REC_HDR + hl + l4);
	uint64_t acc = ip_header(rec + REC_HDR, src, dst, IPPROTO_TCP, l4);
	uint8_t *t = rec + REC_HDR + hl;
	uint16_t sp = port_of(src), dp = port_of(dst);
	memset(t, 0, TCP_HDR);
	t[0] = (uint8_t)(sp >> 8);
	t[1] = (uint8_t)sp;
	t[2] = (uint8_t)(dp >> 8);
	t[3] = (uint8_t)dp;
	for (int i = 0; i < 4; i++) {
		t[4 + i] = (uint8_t)(*seq >> (24 - 8 * i));
		t[8 + i] = (uint8_t)(ack >> (24 - 8 * i));
	}
	t[12] = 5 << 4;
	t[13] = flags;
	t[14] = 0xff; /* window */
	t[15] = 0xff;
	if (len > 0)
		memcpy(t + TCP_HDR, data, len);
	put_sum(t + 16, fold(sum16(t, l4, acc)));
	*seq += (uint32_t)len + ((flags & (TCP_SYN | TCP_FIN)) ? 1u : 0u);
	record_commit(p, rec, hl + l4);
}
static void tcp_open_locked(pcap_log_t *p, uint64_t conn,
			    const struct sockaddr *client,
			    const struct sockaddr *server)
{
	if (p == NULL || client->sa_family != server->sa_family ||
	    conn_find(p, conn) != NULL)
		return;
	if (p->nconns == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 16;
		pcap_conn_t *v = dns_mem_realloc(p->conns, cap * sizeof(*v));
		if (v == NULL)
			return;
		p->conns = v;
		p->cap = cap;
	}
	pcap_conn_t *c = &p->conns[p->nconns++];
	memset(c, 0, sizeof(*c));
	c->id = conn;
	size_t alen = client->sa_family == AF_INET6
			  ? sizeof(struct sockaddr_in6)
			  : sizeof(struct sockaddr_in);
	memcpy(&c->client, client, alen);
	memcpy(&c->server, server, alen);
	c->seq_client = 1000;
	c->seq_server = 5000;
	tcp_segment(p, c, true, TCP_SYN, NULL, 0);
	tcp_segment(p, c, false, TCP_SYN | TCP_ACK, NULL, 0);
	tcp_segment(p, c, true, TCP_ACK, NULL, 0);
}

static void tcp_data_locked(pcap_log_t *p, uint64_t conn, bool from_client,
			    const uint8_t *data, size_t len)
{
	pcap_conn_t *c = p ? conn_find(p, conn) : NULL;
	while (c != NULL && len > 0) {
		size_t n = len < SEGMENT_MAX ? len : SEGMENT_MAX;
		tcp_segment(p, c, from_client, TCP_PSH | TCP_ACK, data, n);
		data += n;
		len -= n;
	}
}

static void tcp_close_locked(pcap_log_t *p, uint64_t conn, bool by_client)
{
	pcap_conn_t *c = p ? conn_find(p, conn) : NULL;
	if (c == NULL)
		return;
	tcp_segment(p, c, by_client, TCP_FIN | TCP_ACK, NULL, 0);
	tcp_segment(p, c, !by_client, TCP_FIN | TCP_ACK, NULL, 0);
	*c = p->conns[--p->nconns];
}

/* ---- the public calls: each under the log's lock ------------------------ */

void pcap_log_udp(pcap_log_t *p, const struct sockaddr *src,
		  const struct sockaddr *dst, const uint8_t *data, size_t len)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	udp_locked(p, src, dst, data, len);
	pthread_mutex_unlock(&p->mu);
}

void pcap_log_tcp_open(pcap_log_t *p, uint64_t conn,
		       const struct sockaddr *client,
		       const struct sockaddr *server)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	tcp_open_locked(p, conn, client, server);
	pthread_mutex_unlock(&p->mu);
}

void pcap_log_tcp_data(pcap_log_t *p, uint64_t conn, bool from_client,
		       const uint8_t *data, size_t len)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	tcp_data_locked(p, conn, from_client, data, len);
	pthread_mutex_unlock(&p->mu);
}

void pcap_log_tcp_close(pcap_log_t *p, uint64_t conn, bool by_client)
{
	if (p == NULL)
		return;
	pthread_mutex_lock(&p->mu);
	tcp_close_locked(p, conn, by_client);
	pthread_mutex_unlock(&p->mu);
}
