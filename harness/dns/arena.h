/* arena.h - the owner of a message's or a zone's memory.
 *
 * Allocations are carved from chunks and freed all at once by
 * dns_arena_reset (keeps the first chunk for reuse, so decoding message
 * after message allocates nothing once warm) or dns_arena_free. All heap
 * allocation in harness/dns goes through dns_mem_alloc, so tests can make
 * it fail.
 */
#ifndef DNS_ARENA_H
#define DNS_ARENA_H

#include <stdbool.h>
#include <stddef.h>

typedef struct dns_arena_chunk dns_arena_chunk_t;

typedef struct dns_arena {
	dns_arena_chunk_t *head; /* current chunk; older ones follow */
	size_t chunk_size;	 /* default size of new chunks */
} dns_arena_t;

/* An empty arena; chunk_size 0 picks a default. Allocates nothing yet. */
void dns_arena_init(dns_arena_t *a, size_t chunk_size);

/* n bytes aligned for any type, or NULL when memory runs out. */
void *dns_arena_alloc(dns_arena_t *a, size_t n);

/* Room for at least n bytes at the top of the arena, not yet allocated:
 * the next dns_arena_alloc or dns_arena_reserve hands out the same memory
 * unless dns_arena_commit claims it first. *room (may be NULL) gets the
 * bytes free there, n or more. NULL when memory runs out. Lets a decoder
 * write data of unknown length straight into the arena. */
void *dns_arena_reserve(dns_arena_t *a, size_t n, size_t *room);

/* Allocate the first n bytes of the last reservation (n no more than its
 * room, and no other allocation in between). */
void dns_arena_commit(dns_arena_t *a, size_t n);

/* Copy of n bytes at p in the arena, or NULL. */
void *dns_arena_dup(dns_arena_t *a, const void *p, size_t n);

/* Make the memory of arena from dst's: every allocation of from stays
 * where it is, now owned by dst (freed with it), and from is left empty.
 * dst's current chunk stays current, so a reservation in dst is kept.
 * For memory filled on another thread, handed over once it is done. */
void dns_arena_adopt(dns_arena_t *dst, dns_arena_t *from);

/* Release everything allocated, keeping one chunk for reuse. */
void dns_arena_reset(dns_arena_t *a);

/* Release everything. The arena may be reused after dns_arena_init. */
void dns_arena_free(dns_arena_t *a);

/* The one allocation wrapper. dns_mem_fail_after(n) makes the (n+1)-th
 * following call fail (n < 0 turns injection off); for tests only. */
void *dns_mem_alloc(size_t n);
void *dns_mem_realloc(void *p, size_t n);
void dns_mem_free(void *p);
void dns_mem_fail_after(long n);

/* Is failure injection on (dns_mem_fail_after(n), n >= 0)? Code that
 * would allocate on another thread stays on one while it is, so the
 * failures come in the order a test expects. */
bool dns_mem_fail_armed(void);

#endif
