/* handle.c - one query: the rule that applies, the messages it sends
 * (from the rule or the zones), the log entry, and sending them now or
 * after the rule's delay. */
#include "serve/serve_int.h"

#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <unistd.h>

#include "dns/wire.h"

/* ---- jobs --------------------------------------------------------------- */

static sv_job_t *job_new(serve_t *s, sv_listen_t *ls, sv_conn_t *c,
			 const struct sockaddr *peer, const serve_act_t *a)
{
	sv_job_t *j = dns_mem_alloc(sizeof(*j));
	if (j == NULL)
		return NULL;
	memset(j, 0, sizeof(*j));
	j->s = s;
	j->ls = ls;
	j->conn = c;
	j->act = a;
	memcpy(&j->peer, peer, net_addr_len(peer));
	return j;
}

static void job_free(sv_job_t *j)
{
	dns_mem_free(j->data);
	dns_mem_free(j);
}

/* Append one message behind its 2-byte length. */
static dns_rc_t job_put(sv_job_t *j, const uint8_t *msg, size_t len)
{
	size_t need = j->len + DNS_TCP_PREFIX_LEN + len;
	if (len > DNS_MSG_MAXLEN || need > SERVE_XFR_MAX_BYTES)
		return DNS_E_LIMIT;
	if (need > j->cap) {
		size_t cap = j->cap ? 2 * j->cap : 512;
		while (cap < need)
			cap *= 2;
		uint8_t *p = dns_mem_realloc(j->data, cap);
		if (p == NULL)
			return DNS_E_NOMEM;
		j->data = p;
		j->cap = cap;
	}
	dns_put_u16(j->data + j->len, (uint16_t)len);
	memcpy(j->data + j->len + DNS_TCP_PREFIX_LEN, msg, len);
	j->len = need;
	j->nmsgs++;
	return DNS_OK;
}

static void job_unlink(sv_job_t *j)
{
	serve_t *s = j->s;
	if (j->prev != NULL)
		j->prev->next = j->next;
	else if (s->jobs == j)
		s->jobs = j->next;
	if (j->next != NULL)
		j->next->prev = j->prev;
	j->prev = j->next = NULL;
}

static void timer_closed(uv_handle_t *h)
{
	sv_job_t *j = h->data;
	serve_t *s = j->s;
	job_free(j);
	sv_handle_closed(s);
}

/* Does j go out one byte at a time (drip: over TCP)? */
static bool drips(const sv_job_t *j)
{
	return j->conn != NULL && j->act != NULL && j->act->drip_ms > 0 &&
	       j->len > 0;
}

static void job_fire(uv_timer_t *t);

/* drip: write the next byte of j's stream (its messages, each copy);
 * true while bytes remain, the timer started for the next one. */
static bool drip_step(sv_job_t *j)
{
	sv_conn_t *c = j->conn;
	size_t total = j->len * (1u + j->act->duplicate);
	if (!c->closing && j->dripped < total) {
		sv_conn_write(c, j->data + j->dripped % j->len, 1);
		j->dripped++;
	}
	if (c->closing || j->dripped >= total)
		return false;
	uv_timer_start(&j->timer, job_fire, j->act->drip_ms, 0);
	return true;
}

static void job_fire(uv_timer_t *t)
{
	sv_job_t *j = t->data;
	bool drip = drips(j);
	if (drip && drip_step(j))
		return;
	job_unlink(j);
	if (drip)
		sv_job_after(j);
	else
		sv_job_send(j);
	if (j->conn != NULL)
		sv_conn_job_done(j->conn);
	uv_close((uv_handle_t *)&j->timer, timer_closed);
}

static void job_schedule(sv_job_t *j, unsigned long ms)
{
	serve_t *s = j->s;
	uv_timer_init(&s->loop->uv, &j->timer);
	j->timer.data = j;
	s->handles++;
	j->next = s->jobs;
	if (s->jobs != NULL)
		s->jobs->prev = j;
	s->jobs = j;
	if (j->conn != NULL)
		j->conn->pending++;
	uv_update_time(&s->loop->uv); /* never earlier than ms from now */
	uv_timer_start(&j->timer, job_fire, ms, 0);
}

void sv_jobs_cancel(serve_t *s, sv_conn_t *c)
{
	sv_job_t *j = s->jobs;
	while (j != NULL) {
		sv_job_t *next = j->next;
		if (c == NULL || j->conn == c) {
			job_unlink(j);
			if (j->conn != NULL)
				j->conn->pending--;
			uv_close((uv_handle_t *)&j->timer, timer_closed);
		}
		j = next;
	}
}

/* ---- sending ------------------------------------------------------------ */

static void udp_sent(uv_udp_send_t *req, int status)
{
	(void)status;
	dns_mem_free(req);
}

static void tap_udp(serve_t *s, const struct sockaddr *from,
		    const struct sockaddr *to, const uint8_t *msg, size_t len)
{
	const net_tap_t *t = s->o.tap;
	if (t != NULL && t->udp != NULL)
		t->udp(t->ctx, from, to, msg, len);
}

static void udp_send(sv_listen_t *ls, const struct sockaddr *to,
		     const uint8_t *msg, size_t len)
{
	if (!ls->udp_open)
		return;
	tap_udp(ls->srv->s, (const struct sockaddr *)&ls->addr, to, msg, len);
	uv_buf_t b = uv_buf_init((char *)msg, (unsigned)len);
	int rc = uv_udp_try_send(&ls->udp, &b, 1, to);
	if (rc != UV_EAGAIN && rc != UV_ENOSYS)
		return;
	/* the socket's queue is full: a copy waits in libuv */
	uv_udp_send_t *req = dns_mem_alloc(sizeof(*req) + len);
	if (req == NULL)
		return;
	memcpy(req + 1, msg, len);
	b = uv_buf_init((char *)(req + 1), (unsigned)len);
	if (uv_udp_send(req, &ls->udp, &b, 1, to, udp_sent) != 0)
		dns_mem_free(req);
}

/* The address replies come from with from_port: / from_address:. */
static void other_source(const sv_job_t *j, struct sockaddr_in *from)
{
	const serve_act_t *a = j->act;
	const struct sockaddr_in *own =
	    (const struct sockaddr_in *)&j->ls->addr;
	*from = a->has_from_addr ? *(const struct sockaddr_in *)&a->from_addr
				 : *own;
	if (a->from_port != 0)
		from->sin_port = htons(a->from_port);
	else if (a->other_port)
		from->sin_port = 0; /* an ephemeral port */
	else
		from->sin_port = own->sin_port;
}

/* UDP from another socket: every message, `copies` times. */
static void send_from_other(const sv_job_t *j, unsigned copies)
{
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	int on = 1;
	other_source(j, &from);
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, (struct sockaddr *)&from, sizeof(from)) != 0 ||
	    getsockname(fd, (struct sockaddr *)&from, &flen) != 0) {
		close(fd);
		return;
	}
	const struct sockaddr *to = (const struct sockaddr *)&j->peer;
	for (unsigned c = 0; c < copies; c++)
		for (size_t off = 0; off < j->len;) {
			size_t n = dns_get_u16(j->data + off);
			const uint8_t *msg = j->data + off + DNS_TCP_PREFIX_LEN;
			tap_udp(j->s, (const struct sockaddr *)&from, to, msg,
				n);
			(void)sendto(fd, msg, n, 0, to, net_addr_len(to));
			off += DNS_TCP_PREFIX_LEN + n;
		}
	close(fd);
}

static void send_udp(const sv_job_t *j, unsigned copies)
{
	const serve_act_t *a = j->act;
	if (a != NULL && (a->other_port || a->from_port || a->has_from_addr)) {
		send_from_other(j, copies);
		return;
	}
	for (unsigned c = 0; c < copies; c++)
		for (size_t off = 0; off < j->len;) {
			size_t n = dns_get_u16(j->data + off);
			udp_send(j->ls, (const struct sockaddr *)&j->peer,
				 j->data + off + DNS_TCP_PREFIX_LEN, n);
			off += DNS_TCP_PREFIX_LEN + n;
		}
}

void sv_job_send(sv_job_t *j)
{
	const serve_act_t *a = j->act;
	unsigned copies = 1 + (a != NULL ? a->duplicate : 0);
	if (j->conn == NULL) {
		send_udp(j, copies);
		return;
	}
	for (unsigned c = 0; c < copies && !j->conn->closing; c++)
		sv_conn_write(j->conn, j->data, j->len);
	sv_job_after(j);
}

void sv_job_after(sv_job_t *j)
{
	const serve_act_t *a = j->act;
	if (j->conn == NULL || a == NULL)
		return;
	if (a->close)
		sv_conn_shutdown(j->conn);
	else if (a->reset)
		sv_conn_reset(j->conn);
}

/* ---- building the answer ------------------------------------------------ */

/* The query seen by one server. */
typedef struct qctx {
	sv_server_t *v;
	const uint8_t *q;
	size_t len;
	dns_msg_t m;
	dns_rc_t decode_rc;
	serve_qview_t view;
} qctx_t;

static dns_rc_t put_finished(sv_job_t *j, uint8_t *msg, size_t len)
{
	if (j->act != NULL) {
		dns_rc_t rc =
		    serve_finish_msg(j->act, msg, DNS_MSG_MAXLEN, &len);
		if (rc != DNS_OK)
			return rc;
	}
	return job_put(j, msg, len);
}

/* tc: true when the zones have no response to cut down: the query's
 * header and question, QR and TC set. */
static dns_rc_t tc_from_query(sv_job_t *j, const qctx_t *x)
{
	uint8_t *buf = j->s->buf;
	if (x->len < DNS_HEADER_LEN)
		return DNS_OK;
	memcpy(buf, x->q, x->len);
	dns_put_u16(buf + 2, dns_get_u16(buf + 2) | DNS_F_QR);
	return put_finished(j, buf, x->len);
}

static dns_rc_t xfr_fill(sv_job_t *j, const qctx_t *x)
{
	serve_t *s = j->s;
	serve_xfr_t xfr;
	size_t n = 0;
	dns_rc_t rc =
	    serve_xfr_init(&xfr, x->v->cfg->zones, &x->m, &s->o.answer);
	while (rc == DNS_OK && serve_xfr_next(&xfr, s->buf, DNS_MSG_MAXLEN, &n))
		rc = put_finished(j, s->buf, n);
	return rc != DNS_OK ? rc : xfr.err;
}

static dns_rc_t zone_fill(sv_job_t *j, const qctx_t *x, serve_kind_t *kind)
{
	serve_t *s = j->s;
	serve_result_t res;
	bool tc = j->act != NULL && j->act->src == SERVE_SRC_TC;
	serve_action_t act =
	    serve_answer_msg(x->v->cfg->zones, &x->m, x->decode_rc,
			     j->conn != NULL ? SERVE_TCP : SERVE_UDP,
			     &s->o.answer, s->buf, DNS_MSG_MAXLEN, &res);
	*kind = res.kind;
	if (tc && act != SERVE_REPLY)
		return tc_from_query(j, x);
	if (act == SERVE_REPLY)
		return put_finished(j, s->buf, res.len);
	if (act == SERVE_XFR)
		return xfr_fill(j, x);
	return DNS_OK;
}

static dns_rc_t rule_fill(sv_job_t *j, const qctx_t *x)
{
	serve_t *s = j->s;
	for (size_t k = 0; k < j->act->nmsgs; k++) {
		size_t n = 0;
		dns_rc_t rc =
		    serve_build_msg(j->act, k, &x->view, x->q, &s->scratch,
				    s->buf, DNS_MSG_MAXLEN, &n);
		if (rc == DNS_OK)
			rc = job_put(j, s->buf, n);
		if (rc != DNS_OK)
			return rc;
	}
	return DNS_OK;
}

/* Fill j with what its action sends; on failure nothing is sent. */
static dns_rc_t fill(sv_job_t *j, const qctx_t *x, serve_kind_t *kind)
{
	serve_src_t src = j->act != NULL ? j->act->src : SERVE_SRC_ZONE;
	dns_rc_t rc = DNS_OK;
	if (src == SERVE_SRC_ZONE || src == SERVE_SRC_TC)
		rc = zone_fill(j, x, kind);
	else if (src == SERVE_SRC_REPLY || src == SERVE_SRC_HEX)
		rc = rule_fill(j, x);
	if (rc != DNS_OK) {
		j->len = 0;
		j->nmsgs = 0;
	}
	return rc;
}

/* Count the query for every rule whose criteria it meets (whichever rule
 * answers it), then return the first of those whose count range holds
 * its count; -1 when none. */
static long pick_rule(sv_server_t *v, const serve_qview_t *view)
{
	long pick = -1;
	for (size_t i = 0; i < v->cfg->nrules; i++) {
		const serve_match_t *m = &v->cfg->rules[i].match;
		if (!serve_match_query(m, view))
			continue;
		v->hits[i]++;
		if (pick < 0 && serve_match_count(m, v->hits[i]))
			pick = (long)i;
	}
	return pick;
}

/* ---- the query ---------------------------------------------------------- */

static void log_query(serve_t *s, serve_log_entry_t *e)
{
	const serve_log_entry_t *kept = sv_log_add(s, e);
	if (s->o.on_query != NULL)
		s->o.on_query(s->o.ctx, kept != NULL ? kept : e);
}

static void entry_init(serve_log_entry_t *e, const sv_listen_t *ls,
		       const sv_conn_t *c, const struct sockaddr *peer,
		       const qctx_t *x, long rule)
{
	const sv_server_t *v = ls->srv;
	const serve_act_t *a = rule >= 0 ? &v->cfg->rules[rule].action : NULL;
	memset(e, 0, sizeof(*e));
	e->t_ms = serve_now_ms(v->s);
	e->step = v->s->step;
	e->server = v->index;
	e->name = v->cfg->name;
	e->tcp = c != NULL;
	memcpy(&e->client, peer, net_addr_len(peer));
	e->local = ls->addr;
	e->msg = x->q;
	e->len = x->len;
	e->rule = rule;
	e->rule_name = rule >= 0 ? v->cfg->rules[rule].name : NULL;
	e->src = a != NULL ? a->src : SERVE_SRC_ZONE;
	e->kind = SERVE_K_DROP;
	e->delay_ms = a != NULL ? a->delay_ms : 0;
}

void sv_query(sv_listen_t *ls, sv_conn_t *c, const struct sockaddr *peer,
	      const uint8_t *q, size_t len)
{
	serve_t *s = ls->srv->s;
	qctx_t x = {.v = ls->srv, .q = q, .len = len};
	serve_log_entry_t e;
	if (s->stopped)
		return;
	dns_arena_reset(&s->scratch);
	x.decode_rc =
	    dns_msg_decode(&x.m, q, len, DNS_DECODE_SURVEY, &s->scratch);
	serve_qview_init(&x.view, q, len, &x.m, c != NULL);
	x.view.step = s->step;
	long rule = pick_rule(x.v, &x.view);
	const serve_act_t *a = rule >= 0 ? &x.v->cfg->rules[rule].action : NULL;
	entry_init(&e, ls, c, peer, &x, rule);
	sv_job_t *j = job_new(s, ls, c, peer, a);
	if (j == NULL) {
		e.error = DNS_E_NOMEM;
		log_query(s, &e);
		return;
	}
	e.error = fill(j, &x, &e.kind);
	e.sent = j->nmsgs * (1 + (a != NULL ? a->duplicate : 0));
	log_query(s, &e);
	if ((a != NULL && a->delay_ms > 0) || drips(j)) {
		job_schedule(j, a->delay_ms);
		return;
	}
	sv_job_send(j);
	job_free(j);
}
