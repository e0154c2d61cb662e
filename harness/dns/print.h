/* print.h - a message as dig-style text and as JSON.
 *
 * JSON shape (fields may be added, none removed):
 *   {"id":N,"opcode":"QUERY","rcode":"NOERROR","flags":["qr","aa",...],
 *    "counts":{"question":N,...},
 *    "question":[{"name":"...","type":"A","class":"IN"}],
 *    "answer":[{"name":"...","ttl":N,"class":"IN","type":"A",
 *               "rdata":"<presentation form>"}],
 *    "authority":[...],"additional":[...],   (the OPT is not listed here)
 *    "opt":{...}|null}
 * "rcode" is the full extended rcode when there is an OPT.
 */
#ifndef DNS_PRINT_H
#define DNS_PRINT_H

#include <jansson.h>

#include "dns/msg.h"
#include "dns/strbuf.h"

/* "owner ttl class type rdata" with tabs between the fields, no newline. */
void dns_rr_to_text(const dns_rr_t *rr, dns_strbuf_t *sb);

/* The message as dig prints it: header lines, OPT pseudosection,
 * question, answer, authority, additional; each line ends in "\n". */
void dns_msg_to_text(const dns_msg_t *m, dns_strbuf_t *sb);

/* dns_msg_to_text into a new heap string (free with dns_mem_free), or
 * NULL when memory runs out. */
char *dns_msg_to_text_alloc(const dns_msg_t *m);

/* Stored-form RDATA in presentation form as a new heap string (free with
 * dns_mem_free), or NULL. */
char *dns_rdata_to_text_alloc(uint16_t type, const uint8_t *rdata, size_t len);

/* New JSON references (NULL when memory runs out). */
json_t *dns_rr_to_json(const dns_rr_t *rr);
json_t *dns_msg_to_json(const dns_msg_t *m);

/* The violations of a decode as
 * [{"code":"pointer-loop","offset":N,"section":"answer","index":N,
 *   "text":"..."}]. */
json_t *dns_violations_to_json(const dns_msg_t *m);

#endif
