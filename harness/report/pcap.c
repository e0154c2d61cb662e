/* pcap.c - traffic capture: every packet sent and received, written as raw
 * IP (LINKTYPE_RAW) through libpcap. UDP datagrams are logged as they are;
 * TCP streams as synthesized segments with real sequence numbers and
 * checksums, so tshark reassembles DNS over TCP. The log may be shared by
 * the loops of several threads (the run's, and the server behind a
 * resolver target): each call holds the log's lock. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

#include "dns/arena.h"
#include "report/report.h"

#define SEGMENT_MAX 60000u /* TCP payload per synthesized segment */
#define IP4_HDR	    20u
#define IP6_HDR	    40u
#define UDP_HDR	    8u
#define TCP_HDR	    20u
#define TCP_FIN	    0x01
#define TCP_SYN	    0x02
#define TCP_PSH	    0x08
#define TCP_ACK	    0x10

typedef struct pcap_conn {
	uint64_t id;
	struct sockaddr_storage client, server;
	uint32_t seq_client, seq_server; /* next sequence number each way */
} pcap_conn_t;

struct pcap_log {
	pthread_mutex_t mu;
	pcap_t *dead;
	pcap_dumper_t *dump;
	pcap_conn_t *conns;
	size_t nconns, cap;
	uint8_t pkt[IP6_HDR + TCP_HDR + SEGMENT_MAX];
};

pcap_log_t *pcap_log_open(const char *path, char *err, size_t errlen)
{
	pcap_log_t *p = dns_mem_alloc(sizeof(*p));
	if (p == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	memset(p, 0, offsetof(pcap_log_t, pkt));
	pthread_mutex_init(&p->mu, NULL);
	p->dead = pcap_open_dead(DLT_RAW, 65535);
	p->dump = p->dead ? pcap_dump_open(p->dead, path) : NULL;
	if (p->dump == NULL) {
		snprintf(err, errlen, "%s: %s", path,
			 p->dead ? pcap_geterr(p->dead)
				 : "pcap_open_dead failed");
		if (p->dead)
			pcap_close(p->dead);
		pthread_mutex_destroy(&p->mu);
		dns_mem_free(p);
		return NULL;
	}
	return p;
}

void pcap_log_close(pcap_log_t *p)
{
	if (p == NULL)
		return;
	pcap_dump_close(p->dump);
	pcap_close(p->dead);
	dns_mem_free(p->conns);
	pthread_mutex_destroy(&p->mu);
	dns_mem_free(p);
}

/* One's complement sum over n bytes, folded later. */
static uint32_t sum16(const uint8_t *b, size_t n, uint32_t acc)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		acc += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (n & 1)
		acc += (uint32_t)(b[n - 1] << 8);
	return acc;
}

static uint16_t fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

static uint16_t port_of(const struct sockaddr *sa)
{
	return sa->sa_family == AF_INET6
		   ? ntohs(((const struct sockaddr_in6 *)sa)->sin6_port)
		   : ntohs(((const struct sockaddr_in *)sa)->sin_port);
}

/* Write the IP header for an L4 payload of l4len bytes (header included)
 * and return the pseudo-header sum for the L4 checksum. */
static uint32_t ip_header(uint8_t *b, const struct sockaddr *src,
			  const struct sockaddr *dst, uint8_t proto,
			  size_t l4len, size_t *hdrlen)
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
		*hdrlen = IP6_HDR;
		return sum16(b + 8, 32, (uint32_t)(proto + l4len));
	}
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
	uint16_t c = fold(sum16(b, IP4_HDR, 0));
	b[10] = (uint8_t)(c >> 8);
	b[11] = (uint8_t)c;
	*hdrlen = IP4_HDR;
	return sum16(b + 12, 8, (uint32_t)(proto + l4len));
}

static void write_packet(pcap_log_t *p, size_t len)
{
	struct pcap_pkthdr h;
	gettimeofday(&h.ts, NULL);
	h.caplen = h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)p->dump, &h, p->pkt);
}

static void udp_locked(pcap_log_t *p, const struct sockaddr *src,
		       const struct sockaddr *dst, const uint8_t *data,
		       size_t len)
{
	if (p == NULL || src->sa_family != dst->sa_family ||
	    len > SEGMENT_MAX + TCP_HDR - UDP_HDR)
		return;
	size_t hl, l4 = UDP_HDR + len;
	uint32_t acc = ip_header(p->pkt, src, dst, IPPROTO_UDP, l4, &hl);
	uint8_t *u = p->pkt + hl;
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
	if (c == 0)
		c = 0xffff;
	u[6] = (uint8_t)(c >> 8);
	u[7] = (uint8_t)c;
	write_packet(p, hl + l4);
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
	size_t hl, l4 = TCP_HDR + len;
	uint32_t acc = ip_header(p->pkt, src, dst, IPPROTO_TCP, l4, &hl);
	uint8_t *t = p->pkt + hl;
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
	uint16_t sum = fold(sum16(t, l4, acc));
	t[16] = (uint8_t)(sum >> 8);
	t[17] = (uint8_t)sum;
	*seq += (uint32_t)len + ((flags & (TCP_SYN | TCP_FIN)) ? 1u : 0u);
	write_packet(p, hl + l4);
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
