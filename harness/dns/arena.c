/* arena.c - chunked arena and the allocation wrapper. */
#include "dns/arena.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct dns_arena_chunk {
	dns_arena_chunk_t *next;
	size_t size; /* usable bytes in data */
	size_t used;
	alignas(max_align_t) unsigned char data[];
};

#define ARENA_DEFAULT_CHUNK (64u * 1024u)

static long mem_fail_countdown = -1;

void dns_mem_fail_after(long n)
{
	mem_fail_countdown = n;
}

bool dns_mem_fail_armed(void)
{
	return mem_fail_countdown >= 0;
}

static int mem_should_fail(void)
{
	if (mem_fail_countdown < 0)
		return 0;
	if (mem_fail_countdown == 0)
		return 1;
	mem_fail_countdown--;
	return 0;
}

void *dns_mem_alloc(size_t n)
{
	return mem_should_fail() ? NULL : malloc(n ? n : 1);
}

void *dns_mem_realloc(void *p, size_t n)
{
	return mem_should_fail() ? NULL : realloc(p, n ? n : 1);
}

void dns_mem_free(void *p)
{
	free(p);
}

void dns_arena_init(dns_arena_t *a, size_t chunk_size)
{
	a->head = NULL;
	a->chunk_size = chunk_size ? chunk_size : ARENA_DEFAULT_CHUNK;
}

static dns_arena_chunk_t *chunk_new(size_t size)
{
	if (size > SIZE_MAX - sizeof(dns_arena_chunk_t))
		return NULL;
	dns_arena_chunk_t *c = dns_mem_alloc(sizeof(*c) + size);
	if (c != NULL) {
		c->next = NULL;
		c->size = size;
		c->used = 0;
	}
	return c;
}

#define ARENA_ALIGN alignof(max_align_t)

/* n rounded up to the alignment (n <= SIZE_MAX - ARENA_ALIGN). */
static size_t aligned(size_t n)
{
	return (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);
}

/* The head chunk, with at least n (aligned) bytes free; NULL when out of
 * memory. */
static dns_arena_chunk_t *room_for(dns_arena_t *a, size_t n)
{
	dns_arena_chunk_t *c = a->head;
	if (c != NULL && c->size - c->used >= n)
		return c;
	size_t size = n > a->chunk_size ? n : a->chunk_size;
	dns_arena_chunk_t *fresh = chunk_new(size);
	if (fresh == NULL)
		return NULL;
	fresh->next = a->head;
	a->head = fresh;
	return fresh;
}

void *dns_arena_reserve(dns_arena_t *a, size_t n, size_t *room)
{
	if (n > SIZE_MAX - ARENA_ALIGN)
		return NULL;
	dns_arena_chunk_t *c = room_for(a, aligned(n));
	if (c == NULL)
		return NULL;
	if (room != NULL)
		*room = c->size - c->used;
	return c->data + c->used;
}

void dns_arena_commit(dns_arena_t *a, size_t n)
{
	dns_arena_chunk_t *c = a->head;
	size_t room = c != NULL ? c->size - c->used : 0;
	if (n <= room) /* the end of the chunk need not be aligned */
		c->used += aligned(n) < room ? aligned(n) : room;
}

void *dns_arena_alloc(dns_arena_t *a, size_t n)
{
	void *p = dns_arena_reserve(a, n, NULL);
	if (p != NULL)
		dns_arena_commit(a, n);
	return p;
}

void *dns_arena_dup(dns_arena_t *a, const void *p, size_t n)
{
	void *q = dns_arena_alloc(a, n);
	if (q != NULL && n > 0)
		memcpy(q, p, n);
	return q;
}

void dns_arena_adopt(dns_arena_t *dst, dns_arena_t *from)
{
	dns_arena_chunk_t *first = from->head, *last = from->head;
	if (first == NULL)
		return;
	while (last->next != NULL)
		last = last->next;
	if (dst->head == NULL) {
		dst->head = first;
	} else { /* after dst's current chunk, before its older ones */
		last->next = dst->head->next;
		dst->head->next = first;
	}
	from->head = NULL;
}

void dns_arena_reset(dns_arena_t *a)
{
	dns_arena_chunk_t *keep = NULL;
	dns_arena_chunk_t *c = a->head;
	/* keep the last (oldest) chunk of the default size, free the rest */
	while (c != NULL) {
		dns_arena_chunk_t *next = c->next;
		if (keep == NULL && next == NULL && c->size == a->chunk_size) {
			keep = c;
		} else {
			dns_mem_free(c);
		}
		c = next;
	}
	if (keep != NULL)
		keep->used = 0;
	a->head = keep;
}

void dns_arena_free(dns_arena_t *a)
{
	dns_arena_chunk_t *c = a->head;
	while (c != NULL) {
		dns_arena_chunk_t *next = c->next;
		dns_mem_free(c);
		c = next;
	}
	a->head = NULL;
}
