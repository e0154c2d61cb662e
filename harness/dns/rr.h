/* rr.h - a resource record in memory, shared by messages, zones and the
 * canonical-form code. RDATA is in stored form (see rdata.h). */
#ifndef DNS_RR_H
#define DNS_RR_H

#include <stdint.h>

#include "dns/name.h"

typedef struct dns_rr {
	dns_name_t owner;
	uint16_t type;
	uint16_t rclass;
	uint32_t ttl;
	uint16_t rdlen;
	uint8_t *rdata;	   /* stored form, rdlen bytes; owned by the container's
			      arena */
	uint32_t wire_off; /* offset of the record in the message it was
			      decoded from (0 when not decoded) */
} dns_rr_t;

#endif
