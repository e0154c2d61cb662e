/* hold.c - the hold: expectation: what a server does with a TCP connection
 * it has answered on, while the client keeps it open (tcp: {hold:}).
 *
 * Compiled from the hold: mapping of an expect: (expect.c calls
 * xp_hold_compile) and judged against the observation (eval.c calls
 * xp_hold_judge with the TCP-KEEPALIVE timeout the response advertised).
 * RFC 7766 6.2.3 (servers close idle connections, after an idle period
 * "on the order of seconds"), RFC 7828 3.3.2 (a server's edns-tcp-keepalive
 * TIMEOUT is the one "currently associated with the TCP session"),
 * RFC 7766 6.2.1 (a connection stays usable after an answer).
 */
#include "expect/expect.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "expect/expect_int.h"

#define HOLD_MAX_MS	   600000ul /* within: / after: at most 10 minutes */
#define KEEPALIVE_SLACK_MS 200.0    /* plus a tenth of the timeout */

const char *sc_hold_name(sc_hold_t h)
{
	switch (h) {
	case SC_HOLD_NONE:
		return "none";
	case SC_HOLD_OPEN:
		return "open";
	case SC_HOLD_CLOSED:
		return "closed";
	case SC_HOLD_RESET:
		return "reset";
	}
	return "?";
}

static const char *net_text(sc_net_status_t s)
{
	switch (s) {
	case SC_NET_ANSWERED:
		return "answered";
	case SC_NET_TIMEOUT:
		return "no answer (timeout)";
	case SC_NET_CLOSED:
		return "the server closed the connection";
	case SC_NET_RESET:
		return "the server reset the connection";
	case SC_NET_ERROR:
		return "could not send";
	}
	return "?";
}

void sc_hold_text(const sc_hold_obs_t *o, dns_strbuf_t *sb)
{
	switch (o->state) {
	case SC_HOLD_NONE:
		dns_sb_puts(sb, o->asked_ms ? "no hold (no response to hold "
					      "the connection after)"
					    : "no hold (the query held no TCP "
					      "connection: tcp: {hold:})");
		return;
	case SC_HOLD_OPEN:
		dns_sb_printf(sb, "still open after the %lu ms hold",
			      o->asked_ms);
		break;
	case SC_HOLD_CLOSED:
	case SC_HOLD_RESET:
		dns_sb_printf(sb, "%s by the server %.0f ms after the response",
			      o->state == SC_HOLD_RESET ? "reset" : "closed",
			      o->after_ms);
		break;
	}
	if (o->bytes > 0)
		dns_sb_printf(sb,
			      "; %zu unsolicited bytes, the first %.0f ms "
			      "after the response",
			      o->bytes, o->first_byte_ms);
	if (o->reuse_tried && o->reuse == SC_NET_ANSWERED)
		dns_sb_printf(sb,
			      "; the query sent again was answered in "
			      "%.1f ms",
			      o->reuse_rtt_ms);
	else if (o->reuse_tried)
		dns_sb_printf(sb, "; the query sent again: %s",
			      net_text(o->reuse));
}

/* ---- compiling ---------------------------------------------------------- */

static bool ms_value(const node_t *v, unsigned long *out, diag_t *d)
{
	if (!node_ms(v, out, d))
		return false;
	if (*out > HOLD_MAX_MS)
		return diag_error(d, v, "at most 600s");
	return true;
}

/* closed: true | false | {within: T, after: T} */
static bool closed_value(const node_t *v, xp_hold_t *h, diag_t *d)
{
	static const char *const keys[] = {"within", "after", NULL};
	bool b;
	if (v->kind == NODE_SCALAR) {
		if (!node_bool(v, &b, d))
			return false;
		h->closed = b ? XP_TRUE : XP_FALSE;
		return true;
	}
	if (!node_check_keys(v, "hold.closed", keys, d))
		return false;
	const node_t *in = node_get(v, "within"), *af = node_get(v, "after");
	if (in == NULL && af == NULL)
		return diag_error(d, v,
				  "closed: needs within:, after: or both");
	h->closed = XP_TRUE;
	bool ok = true;
	if (in != NULL)
		ok = (h->has_within = ms_value(in, &h->within_ms, d)) && ok;
	if (af != NULL)
		ok = (h->has_after = ms_value(af, &h->after_ms, d)) && ok;
	if (ok && h->has_within && h->has_after && h->after_ms > h->within_ms)
		return diag_error(d, v,
				  "closed: after: %lu ms is past within: "
				  "%lu ms",
				  h->after_ms, h->within_ms);
	return ok;
}

static bool tri_value(const node_t *v, xp_tri_t *out, diag_t *d)
{
	bool b;
	if (!node_bool(v, &b, d))
		return false;
	*out = b ? XP_TRUE : XP_FALSE;
	return true;
}

/* Contradictions between the keys of hold:. */
static bool hold_consistent(const node_t *v, const xp_hold_t *h, diag_t *d)
{
	const node_t *op = node_get(v, "open");
	if (op != NULL && node_get(v, "closed") != NULL)
		return diag_error(d, node_key(v, "open"),
				  "hold: give open: or closed:, not both");
	if (h->keepalive == XP_FALSE)
		return diag_error(d, node_get(v, "keepalive"),
				  "keepalive: false checks nothing (leave it "
				  "out)");
	if (h->reuse == XP_TRUE && h->closed == XP_TRUE)
		return diag_error(
		    d, node_key(v, "reuse"),
		    "reuse: true needs the connection open at "
		    "the end of the hold, closed: says it closes");
	return true;
}

bool xp_hold_compile(const node_t *v, xp_hold_t *h, diag_t *d)
{
	static const char *const keys[] = {"closed",	  "open",  "keepalive",
					   "unsolicited", "reuse", NULL};
	memset(h, 0, sizeof(*h));
	if (!node_check_keys(v, "hold", keys, d))
		return false;
	if (v->n == 0)
		return diag_error(d, v,
				  "hold: an empty mapping checks nothing");
	h->set = true;
	const node_t *f;
	bool ok = true;
	xp_tri_t open = XP_UNSET;
	if ((f = node_get(v, "closed")) != NULL)
		ok = closed_value(f, h, d) && ok;
	if ((f = node_get(v, "open")) != NULL && !tri_value(f, &open, d))
		ok = false;
	if (open != XP_UNSET)
		h->closed = open == XP_TRUE ? XP_FALSE : XP_TRUE;
	if ((f = node_get(v, "keepalive")) != NULL)
		ok = tri_value(f, &h->keepalive, d) && ok;
	if ((f = node_get(v, "unsolicited")) != NULL)
		ok = tri_value(f, &h->unsolicited, d) && ok;
	if ((f = node_get(v, "reuse")) != NULL)
		ok = tri_value(f, &h->reuse, d) && ok;
	return ok && hold_consistent(v, h, d);
}

/* ---- judging ------------------------------------------------------------ */

typedef struct judge {
	xp_hold_fail_t *out;
	size_t n;
	const sc_hold_obs_t *o;
} judge_t;

/* A failed check: got is the observation's text, unless given. */
static void fail(judge_t *j, const char *check, const char *got,
		 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void fail(judge_t *j, const char *check, const char *got,
		 const char *fmt, ...)
{
	if (j->n >= XP_HOLD_FAILS)
		return;
	xp_hold_fail_t *f = &j->out[j->n++];
	f->check = check;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(f->expected, sizeof(f->expected), fmt, ap);
	va_end(ap);
	if (got != NULL) {
		snprintf(f->got, sizeof(f->got), "%s", got);
		return;
	}
	dns_strbuf_t sb = dns_strbuf_init(f->got, sizeof(f->got));
	sc_hold_text(j->o, &sb);
}

static bool is_closed(const sc_hold_obs_t *o)
{
	return o->state == SC_HOLD_CLOSED || o->state == SC_HOLD_RESET;
}

static void judge_closed(const xp_hold_t *h, judge_t *j)
{
	const sc_hold_obs_t *o = j->o;
	if (h->closed == XP_FALSE && o->state != SC_HOLD_OPEN)
		fail(j, "hold.open", NULL,
		     "the connection still open after the %lu ms hold",
		     o->asked_ms);
	if (h->closed != XP_TRUE)
		return;
	bool late = h->has_within && o->after_ms > (double)h->within_ms;
	bool early = h->has_after && o->after_ms < (double)h->after_ms;
	if (is_closed(o) && !late && !early)
		return;
	if (h->has_within && h->has_after)
		fail(j, "hold.closed", NULL,
		     "the server closes the connection %lu to %lu ms after "
		     "the response",
		     h->after_ms, h->within_ms);
	else if (h->has_within)
		fail(j, "hold.closed", NULL,
		     "the server closes the connection within %lu ms of the "
		     "response",
		     h->within_ms);
	else if (h->has_after)
		fail(j, "hold.closed", NULL,
		     "the server closes the connection, not before %lu ms "
		     "after the response",
		     h->after_ms);
	else
		fail(j, "hold.closed", NULL,
		     "the server closes the connection during the %lu ms hold",
		     o->asked_ms);
}

/* RFC 7828 3.3.2: the TIMEOUT a server sends is the idle timeout of the
 * session; closing the idle connection well before it contradicts it. */
static void judge_keepalive(long ka_ms, judge_t *j)
{
	const sc_hold_obs_t *o = j->o;
	if (ka_ms == XP_KEEPALIVE_NONE) {
		fail(j, "hold.keepalive",
		     "the response carries no TCP-KEEPALIVE",
		     "a TCP-KEEPALIVE timeout in the response, honoured");
		return;
	}
	if (ka_ms == XP_KEEPALIVE_EMPTY) {
		fail(j, "hold.keepalive",
		     "a TCP-KEEPALIVE option without a timeout (length 0)",
		     "a TCP-KEEPALIVE timeout in the response, honoured");
		return;
	}
	double slack = KEEPALIVE_SLACK_MS + (double)ka_ms / 10.0;
	if (!is_closed(o) || o->after_ms >= (double)ka_ms - slack)
		return;
	fail(j, "hold.keepalive", NULL,
	     "the connection kept for the advertised TCP-KEEPALIVE timeout "
	     "of %ld ms (closed no earlier than %.0f ms)",
	     ka_ms, (double)ka_ms - slack);
}

static void judge_reuse(const xp_hold_t *h, judge_t *j)
{
	const sc_hold_obs_t *o = j->o;
	bool answered = o->reuse_tried && o->reuse == SC_NET_ANSWERED;
	if (!o->reuse_asked)
		fail(j, "hold.reuse", "the query asked for no reuse",
		     "the query sent again after the hold (tcp: {reuse: "
		     "true})");
	else if (h->reuse == XP_TRUE && !answered)
		fail(j, "hold.reuse", NULL,
		     "the query sent again on the held connection is "
		     "answered");
	else if (h->reuse == XP_FALSE && answered)
		fail(j, "hold.reuse", NULL,
		     "the query sent again on the held connection gets no "
		     "answer");
}

size_t xp_hold_judge(const xp_hold_t *h, const sc_hold_obs_t *o, long ka_ms,
		     xp_hold_fail_t out[XP_HOLD_FAILS])
{
	judge_t j = {out, 0, o};
	if (o->state == SC_HOLD_NONE) {
		fail(&j, "hold", NULL,
		     "the connection held after the response (tcp: {hold:})");
		return j.n;
	}
	judge_closed(h, &j);
	if (h->keepalive == XP_TRUE)
		judge_keepalive(ka_ms, &j);
	if (h->unsolicited == XP_FALSE && o->bytes > 0)
		fail(&j, "hold.unsolicited", NULL,
		     "nothing from the server after the response");
	if (h->unsolicited == XP_TRUE && o->bytes == 0)
		fail(&j, "hold.unsolicited", NULL,
		     "bytes from the server after the response");
	if (h->reuse != XP_UNSET)
		judge_reuse(h, &j);
	return j.n;
}
