/* answer_zones.c - zone sets: building the index and looking things up. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "dns/canon.h"
#include "dns/rdata.h"
#include "dns/wire.h"
#include "serve/answer_int.h"

/* ---- names -------------------------------------------------------------- */

unsigned sz_label_offsets(const dns_name_t *name, uint8_t *off)
{
	unsigned k = 0;
	for (size_t i = 0; i < name->len && name->wire[i] != 0;
	     i += 1u + name->wire[i])
		off[k++] = (uint8_t)i;
	return k;
}

void sz_suffix(const dns_name_t *name, size_t off, dns_name_t *out)
{
	out->len = (uint8_t)(name->len - off);
	memcpy(out->wire, name->wire + off, out->len);
}

static unsigned char lower(unsigned char c)
{
	return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static bool label_equal(const uint8_t *a, const uint8_t *b)
{
	if (a[0] != b[0])
		return false;
	for (unsigned i = 1; i <= a[0]; i++)
		if (lower(a[i]) != lower(b[i]))
			return false;
	return true;
}

/* Number of labels, counted from the root, that a and b share. */
static unsigned common_labels(const dns_name_t *a, const dns_name_t *b)
{
	uint8_t oa[DNS_NAME_MAXLABELS + 1], ob[DNS_NAME_MAXLABELS + 1];
	unsigned na = sz_label_offsets(a, oa), nb = sz_label_offsets(b, ob);
	unsigned k = 0;
	while (k < na && k < nb &&
	       label_equal(a->wire + oa[na - 1 - k], b->wire + ob[nb - 1 - k]))
		k++;
	return k;
}

/* ---- lookups ------------------------------------------------------------ */

const sz_zone_t *sz_find_zone(const serve_zones_t *zs, const dns_name_t *name,
			      uint16_t rclass, bool ds_parent)
{
	const sz_zone_t *best = NULL;
	for (size_t i = 0; i < zs->n; i++) {
		const sz_zone_t *z = zs->zones[i];
		if (z->rclass != rclass || !dns_name_is_sub(name, &z->apex))
			continue;
		if (ds_parent && z->apex.len == name->len)
			continue;
		if (best == NULL || z->apex.len > best->apex.len)
			best = z;
	}
	if (best == NULL && ds_parent)
		return sz_find_zone(zs, name, rclass, false);
	return best;
}

const sz_node_t *sz_find_node(const sz_zone_t *z, const dns_name_t *name)
{
	size_t lo = 0, hi = z->nnodes;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int d = dns_name_compare(z->nodes[mid].name, name);
		if (d == 0)
			return &z->nodes[mid];
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const sz_node_t *sz_nsec_before(const sz_zone_t *z, const dns_name_t *name)
{
	if (z->nnsec == 0)
		return NULL;
	/* the first NSEC node after name; the one before it is the answer */
	size_t lo = 0, hi = z->nnsec;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (dns_name_compare(z->nodes[z->nsec[mid]].name, name) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	/* lo == 0 cannot happen for names in the zone (the apex is first);
	 * wrap around to the last NSEC as the chain does */
	size_t k = lo == 0 ? z->nnsec - 1 : lo - 1;
	return &z->nodes[z->nsec[k]];
}

sz_run_t sz_rrset(const sz_zone_t *z, const sz_node_t *n, uint16_t type)
{
	sz_run_t r = {NULL, 0};
	const dns_rr_t *rr = z->rrs + n->first;
	for (uint32_t i = 0; i < n->count; i++) {
		if (rr[i].type != type)
			continue;
		if (r.rrs == NULL)
			r.rrs = &rr[i];
		r.n++;
	}
	return r;
}

static uint16_t covered_type(const dns_rr_t *rr)
{
	return rr->rdlen >= 2 ? dns_get_u16(rr->rdata) : 0;
}

sz_run_t sz_sigs(const sz_zone_t *z, const sz_node_t *n, uint16_t covered)
{
	sz_run_t r = {NULL, 0};
	const dns_rr_t *rr = z->rrs + n->first;
	for (uint32_t i = 0; i < n->count; i++) {
		if (rr[i].type != DNS_T_RRSIG ||
		    covered_type(&rr[i]) != covered)
			continue;
		if (r.rrs == NULL)
			r.rrs = &rr[i];
		r.n++;
	}
	return r;
}

/* ---- building ----------------------------------------------------------- */

static dns_rc_t zone_err(dns_error_t *err, size_t index, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static dns_rc_t zone_err(dns_error_t *err, size_t index, const char *fmt, ...)
{
	char detail[sizeof(err->detail)];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(detail, sizeof(detail), fmt, ap);
	va_end(ap);
	return dns_error_set(err, DNS_E_ZONE, index, "%s", detail);
}

/* The SOA of z: exactly one. */
static dns_rc_t find_soa(const dns_zone_t *z, size_t *at, dns_error_t *err)
{
	size_t found = z->n;
	for (size_t i = 0; i < z->n; i++) {
		if (z->rrs[i].type != DNS_T_SOA)
			continue;
		if (found != z->n)
			return zone_err(err, i,
					"a second SOA record (record %zu); "
					"load each zone apart",
					i + 1);
		found = i;
	}
	if (found == z->n)
		return zone_err(err, 0, "the zone has no SOA record");
	*at = found;
	return DNS_OK;
}

/* Every record under the apex and in the SOA's class. */
static dns_rc_t check_records(const dns_zone_t *z, const dns_rr_t *soa,
			      dns_error_t *err)
{
	for (size_t i = 0; i < z->n; i++) {
		const dns_rr_t *rr = &z->rrs[i];
		char text[DNS_NAME_TEXT_MAX + 1];
		if (!dns_name_is_sub(&rr->owner, &soa->owner)) {
			dns_name_to_text(&rr->owner, text, sizeof(text));
			return zone_err(err, i,
					"record %zu: %s is outside the zone",
					i + 1, text);
		}
		if (rr->rclass != soa->rclass)
			return zone_err(err, i,
					"record %zu: class %u, the SOA's is %u",
					i + 1, rr->rclass, soa->rclass);
	}
	return DNS_OK;
}

/* Copy the records and their RDATA into the zone's arena, sorted. */
static dns_rc_t copy_records(sz_zone_t *sz, const dns_zone_t *z)
{
	sz->rrs =
	    dns_arena_alloc(&sz->arena, (z->n ? z->n : 1) * sizeof(dns_rr_t));
	if (sz->rrs == NULL)
		return DNS_E_NOMEM;
	for (size_t i = 0; i < z->n; i++) {
		sz->rrs[i] = z->rrs[i];
		sz->rrs[i].wire_off = 0;
		if (z->rrs[i].rdlen == 0)
			continue;
		sz->rrs[i].rdata =
		    dns_arena_dup(&sz->arena, z->rrs[i].rdata, z->rrs[i].rdlen);
		if (sz->rrs[i].rdata == NULL)
			return DNS_E_NOMEM;
	}
	dns_canon_sort(sz->rrs, z->n);
	sz->nrr = dns_canon_dedup(sz->rrs, z->n);
	return DNS_OK;
}

static uint32_t node_flags(const dns_rr_t *rr, size_t n, bool apex)
{
	uint32_t f = apex ? SZ_APEX : 0;
	for (size_t i = 0; i < n; i++) {
		switch (rr[i].type) {
		case DNS_T_NS:
			f |= apex ? 0 : SZ_CUT;
			break;
		case DNS_T_DNAME:
			f |= SZ_DNAME;
			break;
		case DNS_T_CNAME:
			f |= SZ_CNAME;
			break;
		case DNS_T_NSEC:
			f |= SZ_NSEC;
			break;
		case DNS_T_DS:
			f |= SZ_DS;
			break;
		default:
			break;
		}
	}
	return f;
}

/* Nodes for the empty non-terminals between prev and owner: the ancestors
 * of owner below the labels it shares with prev (shallowest first; see
 * answer_int.h). With out NULL only counts them. */
static dns_rc_t add_ents(sz_zone_t *z, const dns_name_t *prev,
			 const dns_name_t *owner, sz_node_t *out, size_t *k)
{
	uint8_t off[DNS_NAME_MAXLABELS + 1];
	unsigned n = sz_label_offsets(owner, off);
	unsigned common = common_labels(prev, owner);
	for (unsigned labels = common + 1; labels < n; labels++) {
		if (out != NULL) {
			dns_name_t *name =
			    dns_arena_alloc(&z->arena, sizeof(dns_name_t));
			if (name == NULL)
				return DNS_E_NOMEM;
			sz_suffix(owner, off[n - labels], name);
			out[*k] = (sz_node_t){name, 0, 0, 0};
		}
		(*k)++;
	}
	return DNS_OK;
}

/* One pass over the sorted records making the nodes (out NULL: count). */
static dns_rc_t make_nodes(sz_zone_t *z, sz_node_t *out, size_t *count)
{
	size_t k = 0;
	const dns_name_t *prev = NULL;
	for (size_t i = 0, end; i < z->nrr; i = end) {
		const dns_name_t *owner = &z->rrs[i].owner;
		for (end = i + 1;
		     end < z->nrr && dns_name_equal(&z->rrs[end].owner, owner);
		     end++)
			;
		if (prev != NULL && add_ents(z, prev, owner, out, &k) != DNS_OK)
			return DNS_E_NOMEM;
		if (out != NULL) {
			bool apex = prev == NULL;
			out[k] =
			    (sz_node_t){owner, (uint32_t)i, (uint32_t)(end - i),
					node_flags(z->rrs + i, end - i, apex)};
		}
		k++;
		prev = owner;
	}
	*count = k;
	return DNS_OK;
}

static dns_rc_t index_zone(sz_zone_t *z)
{
	size_t n;
	(void)make_nodes(z, NULL, &n);
	z->nodes = dns_arena_alloc(&z->arena, n * sizeof(sz_node_t));
	if (z->nodes == NULL || make_nodes(z, z->nodes, &z->nnodes) != DNS_OK)
		return DNS_E_NOMEM;
	size_t nn = 0;
	for (size_t i = 0; i < z->nnodes; i++)
		nn += (z->nodes[i].flags & SZ_NSEC) != 0;
	z->nsec = dns_arena_alloc(&z->arena, (nn ? nn : 1) * sizeof(uint32_t));
	if (z->nsec == NULL)
		return DNS_E_NOMEM;
	for (size_t i = 0; i < z->nnodes; i++)
		if (z->nodes[i].flags & SZ_NSEC)
			z->nsec[z->nnsec++] = (uint32_t)i;
	/* the SOA is the apex node's */
	sz_run_t soa = sz_rrset(z, &z->nodes[0], DNS_T_SOA);
	z->soa = soa.rrs;
	uint32_t minimum = z->soa->rdlen >= 4
			       ? dns_get_u32(z->soa->rdata + z->soa->rdlen - 4)
			       : 0;
	z->neg_ttl = z->soa->ttl < minimum ? z->soa->ttl : minimum;
	return DNS_OK;
}

static sz_zone_t *build_zone(const dns_zone_t *dz, size_t soa_at, dns_rc_t *rc)
{
	sz_zone_t *z = dns_mem_alloc(sizeof(*z));
	if (z == NULL) {
		*rc = DNS_E_NOMEM;
		return NULL;
	}
	memset(z, 0, sizeof(*z));
	dns_arena_init(&z->arena, 0);
	z->apex = dz->rrs[soa_at].owner;
	z->apex_labels = dns_name_labels(&z->apex);
	z->rclass = dz->rrs[soa_at].rclass;
	*rc = copy_records(z, dz);
	if (*rc == DNS_OK)
		*rc = index_zone(z);
	if (*rc != DNS_OK) {
		dns_arena_free(&z->arena);
		dns_mem_free(z);
		return NULL;
	}
	return z;
}

/* ---- the set ------------------------------------------------------------ */

dns_rc_t serve_zones_new(serve_zones_t **out)
{
	*out = dns_mem_alloc(sizeof(serve_zones_t));
	if (*out == NULL)
		return DNS_E_NOMEM;
	memset(*out, 0, sizeof(serve_zones_t));
	return DNS_OK;
}

void serve_zones_free(serve_zones_t *zs)
{
	if (zs == NULL)
		return;
	for (size_t i = 0; i < zs->n; i++) {
		dns_arena_free(&zs->zones[i]->arena);
		dns_mem_free(zs->zones[i]);
	}
	dns_mem_free(zs->zones);
	dns_mem_free(zs);
}

size_t serve_zones_count(const serve_zones_t *zs)
{
	return zs->n;
}

static dns_rc_t check_unique(const serve_zones_t *zs, const dns_rr_t *soa,
			     dns_error_t *err)
{
	for (size_t i = 0; i < zs->n; i++) {
		const sz_zone_t *z = zs->zones[i];
		if (z->rclass == soa->rclass &&
		    dns_name_equal(&z->apex, &soa->owner)) {
			char text[DNS_NAME_TEXT_MAX + 1];
			dns_name_to_text(&soa->owner, text, sizeof(text));
			return zone_err(err, 0, "the set already has zone %s",
					text);
		}
	}
	return DNS_OK;
}

static dns_rc_t grow(serve_zones_t *zs)
{
	if (zs->n < zs->cap)
		return DNS_OK;
	size_t cap = zs->cap ? 2 * zs->cap : 4;
	sz_zone_t **v = dns_mem_realloc(zs->zones, cap * sizeof(*v));
	if (v == NULL)
		return DNS_E_NOMEM;
	zs->zones = v;
	zs->cap = cap;
	return DNS_OK;
}

dns_rc_t serve_zones_add(serve_zones_t *zs, const dns_zone_t *z,
			 dns_error_t *err)
{
	size_t soa_at = 0;
	dns_rc_t rc = find_soa(z, &soa_at, err);
	if (rc == DNS_OK)
		rc = check_records(z, &z->rrs[soa_at], err);
	if (rc == DNS_OK)
		rc = check_unique(zs, &z->rrs[soa_at], err);
	if (rc == DNS_OK)
		rc = grow(zs);
	if (rc != DNS_OK)
		return rc == DNS_E_NOMEM ? dns_error_set(err, rc, 0, NULL) : rc;
	sz_zone_t *sz = build_zone(z, soa_at, &rc);
	if (sz == NULL)
		return dns_error_set(err, rc, 0, NULL);
	zs->zones[zs->n++] = sz;
	return DNS_OK;
}
