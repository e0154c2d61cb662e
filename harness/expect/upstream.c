/* upstream.c - upstream: assertions of resolver steps: compiled from YAML
 * with the criteria of the servers' match: (serve/config.h), judged
 * against a window of the query log. */
#include "expect/upstream.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "dns/edns.h"
#include "dns/msg.h"
#include "dns/name.h"
#include "dns/rdata.h"
#include "dns/strbuf.h"
#include "expect/expect_int.h"

#define UP_TEXT_MAX   160u /* flow rendering of an assertion */
#define UP_SHOWN      12u  /* queries listed in a reason */
#define UP_REASON_MAX 2048u
#define ANY_SERVER    (-1L)

/* Which queries: a server (or any) and match: criteria (no count). */
typedef struct up_crit {
	const char *text; /* the mapping in flow form */
	long server;	  /* index in the config, or ANY_SERVER */
	serve_match_t m;
} up_crit_t;

typedef struct up_item {
	bool is_order;
	up_crit_t crit;		/* a count assertion */
	unsigned long min, max; /* ... how many may match */
	up_crit_t *seq;		/* an order: assertion */
	size_t nseq;
} up_item_t;

struct sc_upstream {
	up_item_t *items;
	size_t n;
};

static const char *const crit_keys[] = {
    "server", "opcode", "qname",     "qname_sub", "qname_case",	  "qtype",
    "qclass", "flags",	"do",	     "edns",	  "edns_version", "option",
    "cookie", "ecs",	"transport", NULL};
static const char *const item_keys[] = {
    "server", "opcode", "qname",     "qname_sub", "qname_case",	  "qtype",
    "qclass", "flags",	"do",	     "edns",	  "edns_version", "option",
    "cookie", "ecs",	"transport", "count",	  "never",	  NULL};

/* ---- compiling ---------------------------------------------------------- */

/* The keys of m other than count: and never:, in flow form. */
static const char *crit_text(const node_t *m, dns_arena_t *arena)
{
	char buf[UP_TEXT_MAX + 64];
	dns_strbuf_t sb = dns_strbuf_init(buf, sizeof(buf));
	size_t shown = 0;
	dns_sb_putc(&sb, '{');
	for (size_t i = 0; i < m->n; i++) {
		const char *k = m->keys[i]->str;
		if (strcmp(k, "count") == 0 || strcmp(k, "never") == 0)
			continue;
		dns_sb_puts(&sb, shown++ ? ", " : "");
		dns_sb_puts(&sb, k);
		dns_sb_puts(&sb, ": ");
		xp_flow(m->vals[i], &sb, UP_TEXT_MAX, 1);
	}
	dns_sb_putc(&sb, '}');
	if (sb.len > UP_TEXT_MAX)
		memcpy(buf + UP_TEXT_MAX - 3, "...", 4);
	return dns_arena_dup(arena, buf, strlen(buf) + 1);
}

static bool server_index(const node_t *v, const serve_config_t *cfg, long *out,
			 diag_t *d)
{
	if (!node_expect_kind(v, NODE_SCALAR, "server", d))
		return false;
	if (strcmp(v->str, "any") == 0) {
		*out = ANY_SERVER;
		return true;
	}
	for (size_t i = 0; cfg != NULL && i < cfg->n; i++)
		if (cfg->servers[i].name != NULL &&
		    strcmp(cfg->servers[i].name, v->str) == 0) {
			*out = (long)i;
			return true;
		}
	return diag_error(d, v,
			  "server: no server named '%s' in servers: (or "
			  "write any)",
			  v->str);
}

/* The criteria of mapping m (checked against keys already). */
static bool read_crit(const node_t *m, const serve_config_t *cfg,
		      dns_arena_t *arena, up_crit_t *c, diag_t *d)
{
	node_t view = *m;
	bool ok = true;
	c->server = ANY_SERVER;
	view.keys = dns_arena_alloc(arena, (m->n + 1) * sizeof(node_t *));
	view.vals = dns_arena_alloc(arena, (m->n + 1) * sizeof(node_t *));
	c->text = crit_text(m, arena);
	if (view.keys == NULL || view.vals == NULL || c->text == NULL)
		return diag_error(d, m, "out of memory");
	view.n = 0;
	for (size_t i = 0; i < m->n; i++) {
		const char *k = m->keys[i]->str;
		if (strcmp(k, "server") == 0)
			ok = server_index(m->vals[i], cfg, &c->server, d) && ok;
		else if (strcmp(k, "count") != 0 && strcmp(k, "never") != 0) {
			view.keys[view.n] = m->keys[i];
			view.vals[view.n++] = m->vals[i];
		}
	}
	return serve_match_read(&view, &c->m, d) && ok;
}

/* count: N | {min, max}, never: true, or neither (at least one). */
static bool read_count(const node_t *m, up_item_t *it, diag_t *d)
{
	static const char *const keys[] = {"min", "max", NULL};
	const node_t *c = node_get(m, "count"), *nv = node_get(m, "never");
	bool never = false;
	it->min = 1;
	it->max = ULONG_MAX;
	if (nv != NULL && (!node_bool(nv, &never, d) ||
			   (!never && !diag_error(d, nv,
						  "never: takes only true "
						  "(leave it out otherwise)"))))
		return false;
	if (nv != NULL && c != NULL)
		return diag_error(d, c, "count: and never: exclude each other");
	if (never) {
		it->min = it->max = 0;
		return true;
	}
	if (c == NULL)
		return true;
	if (c->kind == NODE_SCALAR) {
		if (!node_u32(c, ULONG_MAX, &it->min, d))
			return false;
		it->max = it->min;
		return true;
	}
	if (!node_check_keys(c, "count", keys, d))
		return false;
	const node_t *lo = node_get(c, "min"), *hi = node_get(c, "max");
	it->min = 0;
	if ((lo != NULL && !node_u32(lo, ULONG_MAX, &it->min, d)) ||
	    (hi != NULL && !node_u32(hi, ULONG_MAX, &it->max, d)))
		return false;
	if (it->max < it->min)
		return diag_error(d, c, "count: max may not be below min");
	return true;
}

static bool read_order(const node_t *v, const serve_config_t *cfg,
		       dns_arena_t *arena, up_item_t *it, diag_t *d)
{
	if (!node_expect_kind(v, NODE_SEQ, "order", d))
		return false;
	if (v->n < 2)
		return diag_error(d, v, "order: lists at least two queries");
	it->is_order = true;
	it->seq = dns_arena_alloc(arena, v->n * sizeof(*it->seq));
	if (it->seq == NULL)
		return diag_error(d, v, "out of memory");
	memset(it->seq, 0, v->n * sizeof(*it->seq));
	it->nseq = v->n;
	bool ok = true;
	for (size_t i = 0; i < v->n; i++)
		ok =
		    node_check_keys(v->vals[i], "order: entry", crit_keys, d) &&
		    read_crit(v->vals[i], cfg, arena, &it->seq[i], d) && ok;
	return ok;
}

static bool read_item(const node_t *m, const serve_config_t *cfg,
		      dns_arena_t *arena, up_item_t *it, diag_t *d)
{
	memset(it, 0, sizeof(*it));
	if (!node_expect_kind(m, NODE_MAP, "an upstream: assertion", d))
		return false;
	const node_t *ord = node_get(m, "order");
	if (ord != NULL && m->n > 1)
		return diag_error(d, m,
				  "order: stands alone (its entries carry the "
				  "criteria)");
	if (ord != NULL)
		return read_order(ord, cfg, arena, it, d);
	if (!node_check_keys(m, "upstream: assertion", item_keys, d))
		return false;
	bool ok = read_crit(m, cfg, arena, &it->crit, d);
	return read_count(m, it, d) && ok;
}

bool sc_upstream_compile(const node_t *n, const serve_config_t *servers,
			 dns_arena_t *arena, sc_upstream_t **out, diag_t *d)
{
	*out = NULL;
	size_t count = n->kind == NODE_SEQ ? n->n : 1;
	if (n->kind == NODE_SCALAR)
		return diag_error(d, n,
				  "upstream: takes an assertion (a mapping) "
				  "or a sequence of them, not a scalar");
	if (count == 0)
		return diag_error(d, n, "upstream: must not be empty");
	sc_upstream_t *u = dns_arena_alloc(arena, sizeof(*u));
	up_item_t *items = dns_arena_alloc(arena, count * sizeof(*items));
	if (u == NULL || items == NULL)
		return diag_error(d, n, "out of memory");
	bool ok = true;
	for (size_t i = 0; i < count; i++) {
		const node_t *m = n->kind == NODE_SEQ ? n->vals[i] : n;
		ok = read_item(m, servers, arena, &items[i], d) && ok;
	}
	u->items = items;
	u->n = count;
	*out = ok ? u : NULL;
	return ok;
}

/* ---- judging ------------------------------------------------------------ */

/* The log window, decoded once. */
typedef struct window {
	const serve_log_entry_t *e;
	size_t n;
	serve_qview_t *v; /* one view per entry */
} window_t;

static bool window_init(window_t *w, const serve_log_entry_t *e, size_t n,
			dns_arena_t *arena)
{
	w->e = e;
	w->n = n;
	w->v = n ? dns_arena_alloc(arena, n * sizeof(*w->v)) : NULL;
	if (n > 0 && w->v == NULL)
		return false;
	for (size_t i = 0; i < n; i++) {
		dns_msg_t *m = dns_arena_alloc(arena, sizeof(*m));
		if (m == NULL)
			return false;
		memset(m, 0, sizeof(*m));
		serve_log_decode(&e[i], arena, m);
		serve_qview_init(&w->v[i], e[i].msg, e[i].len, m, e[i].tcp);
	}
	return true;
}

static bool crit_match(const up_crit_t *c, const window_t *w, size_t i)
{
	if (c->server != ANY_SERVER && (long)w->e[i].server != c->server)
		return false;
	return serve_match_query(&c->m, &w->v[i]);
}

/* "root udp tld. A [rd] [do]" for entry i. */
static void entry_text(const window_t *w, size_t i, dns_strbuf_t *sb)
{
	const serve_qview_t *v = &w->v[i];
	char name[DNS_NAME_TEXT_MAX], type[16];
	dns_sb_printf(sb, "%s %s ", w->e[i].name ? w->e[i].name : "?",
		      w->e[i].tcp ? "tcp" : "udp");
	if (!v->has_question) {
		dns_sb_puts(sb, "(no question)");
		return;
	}
	dns_name_to_text(&v->qname, name, sizeof(name));
	dns_sb_printf(sb, "%s %s", name, dns_type_to_text(v->qtype, type));
	if (v->has_header && (v->flags & (DNS_F_RD | DNS_F_CD)) != 0)
		dns_sb_printf(
		    sb, " [%s%s%s]", v->flags & DNS_F_RD ? "rd" : "",
		    (v->flags & DNS_F_RD) && (v->flags & DNS_F_CD) ? " " : "",
		    v->flags & DNS_F_CD ? "cd" : "");
	if (v->has_opt && (v->edns_flags & DNS_EDNS_DO) != 0)
		dns_sb_puts(sb, " do");
}

/* "N of M queries: a; b; c (and K more)". */
static void window_summary(const window_t *w, dns_strbuf_t *sb)
{
	if (w->n == 0) {
		dns_sb_puts(sb, "no query at all in this step");
		return;
	}
	dns_sb_printf(sb, "the %zu quer%s: ", w->n, w->n == 1 ? "y" : "ies");
	for (size_t i = 0; i < w->n && i < UP_SHOWN; i++) {
		dns_sb_puts(sb, i ? "; " : "");
		entry_text(w, i, sb);
	}
	if (w->n > UP_SHOWN)
		dns_sb_printf(sb, " (and %zu more)", w->n - UP_SHOWN);
}

static void range_text(unsigned long min, unsigned long max, dns_strbuf_t *sb)
{
	if (min == 0 && max == 0)
		dns_sb_puts(sb, "never asked");
	else if (min == max)
		dns_sb_printf(sb, "asked %lu time%s", min, min == 1 ? "" : "s");
	else if (max == ULONG_MAX)
		dns_sb_printf(sb, "asked at least %lu time%s", min,
			      min == 1 ? "" : "s");
	else
		dns_sb_printf(sb, "asked %lu to %lu times", min, max);
}

typedef struct judge {
	sc_reason_t *r;
	size_t nr, cap;
	dns_arena_t *arena;
	bool oom;
} judge_t;

static void add_reason(judge_t *j, size_t i, const char *expected,
		       const char *got)
{
	char check[32];
	snprintf(check, sizeof(check), "upstream[%zu]", i);
	if (j->nr == j->cap) {
		size_t cap = j->cap ? 2 * j->cap : 4;
		sc_reason_t *v = dns_arena_alloc(j->arena, cap * sizeof(*v));
		if (v == NULL) {
			j->oom = true;
			return;
		}
		if (j->nr > 0)
			memcpy(v, j->r, j->nr * sizeof(*v));
		j->r = v;
		j->cap = cap;
	}
	sc_reason_t *r = &j->r[j->nr];
	r->check = dns_arena_dup(j->arena, check, strlen(check) + 1);
	r->expected = dns_arena_dup(j->arena, expected, strlen(expected) + 1);
	r->got = dns_arena_dup(j->arena, got, strlen(got) + 1);
	if (r->check == NULL || r->expected == NULL || r->got == NULL)
		j->oom = true;
	else
		j->nr++;
}

static void judge_count(judge_t *j, size_t i, const up_item_t *it,
			const window_t *w)
{
	unsigned long hits = 0;
	for (size_t k = 0; k < w->n; k++)
		hits += crit_match(&it->crit, w, k);
	if (hits >= it->min && hits <= it->max)
		return;
	char ex[UP_TEXT_MAX + 96], got[UP_REASON_MAX];
	dns_strbuf_t se = dns_strbuf_init(ex, sizeof(ex));
	dns_strbuf_t sg = dns_strbuf_init(got, sizeof(got));
	dns_sb_printf(&se, "%s ", it->crit.text);
	range_text(it->min, it->max, &se);
	dns_sb_printf(&sg, "asked %lu time%s; ", hits, hits == 1 ? "" : "s");
	window_summary(w, &sg);
	add_reason(j, i, ex, got);
}

static void judge_order(judge_t *j, size_t i, const up_item_t *it,
			const window_t *w)
{
	size_t k = 0, next = 0;
	for (; k < it->nseq; k++) {
		while (next < w->n && !crit_match(&it->seq[k], w, next))
			next++;
		if (next == w->n)
			break;
		next++;
	}
	if (k == it->nseq)
		return;
	char ex[UP_REASON_MAX], got[UP_REASON_MAX];
	dns_strbuf_t se = dns_strbuf_init(ex, sizeof(ex));
	dns_strbuf_t sg = dns_strbuf_init(got, sizeof(got));
	dns_sb_puts(&se, "asked in this order: ");
	for (size_t q = 0; q < it->nseq; q++)
		dns_sb_printf(&se, "%s%s", q ? ", then " : "", it->seq[q].text);
	dns_sb_printf(&sg, "no %s after the %zu before it; ", it->seq[k].text,
		      k);
	window_summary(w, &sg);
	add_reason(j, i, ex, got);
}

void sc_upstream_eval(const sc_upstream_t *u, const serve_log_entry_t *entries,
		      size_t n, dns_arena_t *arena, sc_verdict_t *out)
{
	static sc_reason_t nomem = {"internal", "memory for the verdict",
				    "out of memory"};
	judge_t j = {NULL, 0, 0, arena, false};
	window_t w;
	if (!window_init(&w, entries, n, arena))
		j.oom = true;
	for (size_t i = 0; !j.oom && i < u->n; i++) {
		if (u->items[i].is_order)
			judge_order(&j, i, &u->items[i], &w);
		else
			judge_count(&j, i, &u->items[i], &w);
	}
	out->kind = j.nr > 0 || j.oom ? SC_FAIL : SC_PASS;
	out->reasons = j.oom ? &nomem : j.r;
	out->nreasons = j.oom ? 1 : j.nr;
}

const char *sc_upstream_window_text(const serve_log_entry_t *entries, size_t n,
				    size_t max, dns_arena_t *arena)
{
	window_t w;
	if (!window_init(&w, entries, n, arena))
		return NULL;
	size_t shown = n < max ? n : max;
	size_t cap = 96 + shown * (DNS_NAME_TEXT_MAX + 64);
	char *buf = dns_arena_alloc(arena, cap);
	if (buf == NULL)
		return NULL;
	dns_strbuf_t sb = dns_strbuf_init(buf, cap);
	for (size_t i = 0; i < shown; i++) {
		dns_sb_puts(&sb, i ? "\n" : "");
		entry_text(&w, i, &sb);
	}
	if (n > shown)
		dns_sb_printf(&sb, "\n... %zu more", n - shown);
	return buf;
}
