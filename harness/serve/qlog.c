/* qlog.c - the log of queries received: bounded, in arrival order, the
 * bytes kept, decoded on demand. */
#include "serve/serve_int.h"

#include <stdio.h>
#include <string.h>

#include "dns/rdata.h"
#include "dns/wire.h"

serve_log_entry_t *sv_log_add(serve_t *s, const serve_log_entry_t *e)
{
	if (s->nlog >= s->o.log_max) {
		s->dropped++;
		return NULL;
	}
	if (s->nlog == s->caplog) {
		size_t cap = s->caplog ? 2 * s->caplog : 64;
		if (cap > s->o.log_max)
			cap = s->o.log_max;
		serve_log_entry_t *v =
		    dns_mem_realloc(s->log, cap * sizeof(*v));
		if (v == NULL) {
			s->dropped++;
			return NULL;
		}
		s->log = v;
		s->caplog = cap;
	}
	uint8_t *msg = dns_arena_dup(&s->logmem, e->msg, e->len ? e->len : 1);
	if (msg == NULL) {
		s->dropped++;
		return NULL;
	}
	serve_log_entry_t *out = &s->log[s->nlog++];
	*out = *e;
	out->msg = msg;
	return out;
}

void sv_log_free(serve_t *s)
{
	dns_mem_free(s->log);
	dns_arena_free(&s->logmem);
	s->log = NULL;
	s->nlog = s->caplog = s->dropped = 0;
}

size_t serve_log_count(const serve_t *s)
{
	return s->nlog;
}

const serve_log_entry_t *serve_log_get(const serve_t *s, size_t i)
{
	return i < s->nlog ? &s->log[i] : NULL;
}

size_t serve_log_dropped(const serve_t *s)
{
	return s->dropped;
}

void serve_log_clear(serve_t *s)
{
	s->nlog = 0;
	s->dropped = 0;
	dns_arena_reset(&s->logmem);
}

dns_rc_t serve_log_decode(const serve_log_entry_t *e, dns_arena_t *arena,
			  dns_msg_t *out)
{
	return dns_msg_decode(out, e->msg, e->len, DNS_DECODE_SURVEY, arena);
}

/* "example. A IN" for the first question of msg, or what is missing. */
static void question_text(const uint8_t *msg, size_t len, char *buf, size_t cap)
{
	dns_wire_t w = dns_wire_reader(msg, len);
	dns_name_t name;
	char nt[DNS_NAME_TEXT_MAX + 1], tt[16], ct[16];
	if (len < DNS_HEADER_LEN) {
		snprintf(buf, cap, "(%zu bytes: no header)", len);
		return;
	}
	if (dns_get_u16(msg + 4) == 0) {
		snprintf(buf, cap, "(no question)");
		return;
	}
	dns_wire_skip(&w, DNS_HEADER_LEN);
	dns_name_unpack(&w, &name, true);
	uint16_t type = dns_wire_u16(&w), cls = dns_wire_u16(&w);
	if (!dns_wire_ok(&w)) {
		snprintf(buf, cap, "(question unreadable: %s)",
			 dns_rc_name(w.err));
		return;
	}
	dns_name_to_text(&name, nt, sizeof(nt));
	snprintf(buf, cap, "%s %s %s", nt, dns_type_to_text(type, tt),
		 dns_class_to_text(cls, ct));
}

/* "zone nxdomain", "rule 2 'slow': reply", ... */
static void outcome_text(const serve_log_entry_t *e, char *buf, size_t cap)
{
	char rule[96] = "";
	const char *what = serve_src_name(e->src);
	if (e->rule >= 0)
		snprintf(rule, sizeof(rule), "rule %ld%s%s%s: ", e->rule + 1,
			 e->rule_name ? " '" : "",
			 e->rule_name ? e->rule_name : "",
			 e->rule_name ? "'" : "");
	if (e->error != DNS_OK)
		snprintf(buf, cap, "%s%s failed (%s), nothing sent", rule, what,
			 dns_rc_name(e->error));
	else if (e->src == SERVE_SRC_ZONE || e->src == SERVE_SRC_TC)
		snprintf(buf, cap, "%s%s %s, %zu sent", rule, what,
			 serve_kind_name(e->kind), e->sent);
	else
		snprintf(buf, cap, "%s%s, %zu sent", rule, what, e->sent);
}

size_t serve_log_line(const serve_log_entry_t *e, char *buf, size_t cap)
{
	char from[64], to[64], q[DNS_NAME_TEXT_MAX + 48], out[192];
	char delay[48] = "";
	net_addr_format((const struct sockaddr *)&e->client, from,
			sizeof(from));
	net_addr_format((const struct sockaddr *)&e->local, to, sizeof(to));
	question_text(e->msg, e->len, q, sizeof(q));
	outcome_text(e, out, sizeof(out));
	if (e->delay_ms > 0)
		snprintf(delay, sizeof(delay), " after %lu ms", e->delay_ms);
	int n = snprintf(buf, cap, "%s %s %s -> %s id 0x%04x %s: %s%s", e->name,
			 e->tcp ? "tcp" : "udp", from, to,
			 e->len >= 2 ? dns_get_u16(e->msg) : 0u, q, out, delay);
	return n < 0 ? 0 : (size_t)n;
}
