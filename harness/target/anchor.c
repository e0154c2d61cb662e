/* anchor.c - vars derived from the recipe var trust_anchor: the fields of
 * the DS record it holds, for configurations that want them apart
 * (named's trust-anchors { . static-ds KEYTAG ALG TYPE "DIGEST"; }). */
#include "target/target_int.h"

#include <stdio.h>
#include <string.h>

#include "dns/base.h"
#include "dns/rdata.h"
#include "dns/zone.h"

_Static_assert(sizeof(((target_anchor_t *)0)->owner) >= DNS_NAME_TEXT_MAX,
	       "owner holds any name");

const char *const target_derived[] = {
    "trust_anchor_owner",   "trust_anchor_keytag",
    "trust_anchor_alg",	    "trust_anchor_digest_type",
    "trust_anchor_digest",  "trust_anchor_validate",
    "trust_anchor_comment", NULL,
};

/* No anchor: empty fields, validate "no", comment "#". */
static void anchor_none(target_anchor_t *a)
{
	memset(a, 0, sizeof(*a));
	snprintf(a->validate, sizeof(a->validate), "no");
	snprintf(a->comment, sizeof(a->comment), "#");
}

static bool is_blank(const char *s)
{
	return s[strspn(s, " \t\r\n")] == '\0';
}

/* The fields of the DS record rr into a. */
static target_rc_t anchor_fields(const dns_rr_t *rr, target_anchor_t *a,
				 target_err_t *err)
{
	char tbuf[16];
	if (rr->type != DNS_T_DS)
		return target_err_set(err, TARGET_E_SETUP,
				      "trust_anchor holds a %s record; the "
				      "trust_anchor_* vars need a DS record",
				      dns_type_to_text(rr->type, tbuf));
	if (rr->rdlen < 5 || (size_t)(rr->rdlen - 4) * 2 >= sizeof(a->digest))
		return target_err_set(err, TARGET_E_SETUP,
				      "trust_anchor: DS digest of %u bytes "
				      "(expected 1 to %zu)",
				      rr->rdlen >= 4 ? rr->rdlen - 4u : 0u,
				      (sizeof(a->digest) - 1) / 2);
	const uint8_t *p = rr->rdata;
	dns_name_to_text(&rr->owner, a->owner, sizeof(a->owner));
	snprintf(a->keytag, sizeof(a->keytag), "%u",
		 (unsigned)(p[0] << 8 | p[1]));
	snprintf(a->alg, sizeof(a->alg), "%u", (unsigned)p[2]);
	snprintf(a->digest_type, sizeof(a->digest_type), "%u", (unsigned)p[3]);
	dns_base16_encode(p + 4, rr->rdlen - 4u, a->digest, sizeof(a->digest));
	snprintf(a->validate, sizeof(a->validate), "yes");
	a->comment[0] = '\0';
	return TARGET_OK;
}

target_rc_t target_anchor_derive(const char *ta, target_anchor_t *a,
				 target_err_t *err)
{
	anchor_none(a);
	if (ta == NULL || is_blank(ta))
		return TARGET_OK;
	/* A default TTL, so that the record may leave its own out. */
	char text[4096];
	int len = snprintf(text, sizeof(text), "$TTL 0\n%s\n", ta);
	if (len < 0 || (size_t)len >= sizeof(text))
		return target_err_set(err, TARGET_E_SETUP,
				      "trust_anchor is too long");
	dns_name_t root = {.len = 1, .wire = {0}};
	dns_zone_opts_t zo = {.origin = &root, .max_records = 2};
	dns_zone_t z;
	dns_zone_init(&z);
	dns_rc_t rc =
	    dns_zone_load_string(&z, text, (size_t)len, "trust_anchor", &zo);
	target_rc_t trc = TARGET_OK;
	if (rc != DNS_OK) {
		/* line 1 of the text is the $TTL line */
		const dns_error_t *e = &z.err;
		trc = target_err_set(
		    err, TARGET_E_SETUP,
		    "trust_anchor is not a DS record: %s%s%s (line %u, "
		    "column %u)",
		    dns_rc_text(e->code), e->detail[0] ? ": " : "", e->detail,
		    e->line > 1 ? e->line - 1 : 1, e->col);
	} else if (z.n != 1) {
		trc = target_err_set(err, TARGET_E_SETUP,
				     "trust_anchor must hold one DS record, "
				     "not %zu records",
				     z.n);
	} else {
		trc = anchor_fields(&z.rrs[0], a, err);
	}
	dns_zone_free(&z);
	if (trc != TARGET_OK)
		anchor_none(a);
	return trc;
}

size_t target_anchor_vars(const target_anchor_t *a, target_var_t *out)
{
	const char *values[] = {a->owner,	a->keytag, a->alg,
				a->digest_type, a->digest, a->validate,
				a->comment};
	for (size_t i = 0; i < TARGET_NDERIVED; i++)
		out[i] = (target_var_t){target_derived[i], values[i]};
	return TARGET_NDERIVED;
}
