/* test_arena.c - the arena: allocation, reservation, reset, failure. */
#include <stdalign.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "dns/arena.h"

static void test_alloc_aligned_distinct(void **state)
{
	(void)state;
	dns_arena_t a;
	dns_arena_init(&a, 256);
	uint8_t *p = dns_arena_alloc(&a, 3);
	uint8_t *q = dns_arena_alloc(&a, 5);
	assert_non_null(p);
	assert_non_null(q);
	assert_int_equal((uintptr_t)q % alignof(max_align_t), 0);
	assert_true(q >= p + 3);
	/* larger than a chunk: a chunk of its own */
	uint8_t *big = dns_arena_alloc(&a, 1000);
	assert_non_null(big);
	memset(big, 0xab, 1000);
	dns_arena_free(&a);
}

/* A reservation is the next allocation's memory unless committed; a commit
 * of n bytes keeps them from the allocations that follow. */
static void test_reserve_commit(void **state)
{
	(void)state;
	dns_arena_t a;
	dns_arena_init(&a, 256);
	size_t room = 0;
	uint8_t *r = dns_arena_reserve(&a, 100, &room);
	assert_non_null(r);
	assert_int_equal(room, 256); /* the whole first chunk */
	memset(r, 0, room);
	assert_ptr_equal(dns_arena_reserve(&a, 100, NULL),
			 r); /* nothing taken */
	memset(r, 1, 40);
	dns_arena_commit(&a, 40);
	uint8_t *next = dns_arena_alloc(&a, 8);
	assert_non_null(next);
	assert_true(next >= r + 40);
	assert_int_equal(r[39], 1);
	/* uncommitted: the next allocation starts there */
	uint8_t *r2 = dns_arena_reserve(&a, 16, NULL);
	assert_ptr_equal(dns_arena_alloc(&a, 16), r2);
	/* more than the chunk has left: a new chunk, still usable */
	uint8_t *r3 = dns_arena_reserve(&a, 200, NULL);
	assert_non_null(r3);
	memset(r3, 2, 200);
	dns_arena_commit(&a, 200);
	uint8_t *after = dns_arena_alloc(&a, 16);
	assert_non_null(after);
	memset(after, 3, 16);
	assert_int_equal(r3[0], 2);
	assert_int_equal(r3[199], 2);
	dns_arena_free(&a);
}

/* After a reset the kept chunk serves reservations without allocating. */
static void test_reserve_after_reset_allocates_nothing(void **state)
{
	(void)state;
	dns_arena_t a;
	dns_arena_init(&a, 0);
	assert_non_null(dns_arena_reserve(&a, 1000, NULL));
	dns_arena_commit(&a, 1000);
	dns_arena_reset(&a);
	dns_mem_fail_after(0);
	uint8_t *r = dns_arena_reserve(&a, 4096, NULL);
	dns_mem_fail_after(-1);
	assert_non_null(r);
	dns_arena_free(&a);
}

static void test_failure(void **state)
{
	(void)state;
	dns_arena_t a;
	dns_arena_init(&a, 0);
	dns_mem_fail_after(0);
	assert_true(dns_mem_fail_armed());
	assert_null(dns_arena_reserve(&a, 10, NULL));
	assert_null(dns_arena_alloc(&a, 10));
	dns_mem_fail_after(-1);
	assert_false(dns_mem_fail_armed());
	assert_null(dns_arena_alloc(&a, SIZE_MAX - 1));
	assert_null(dns_arena_reserve(&a, SIZE_MAX - 1, NULL));
	dns_arena_free(&a);
}

/* Adopted memory stays where it is, owned by the adopter; the adopter's
 * current chunk (and a reservation in it) stays current. ASan says
 * whether every chunk is freed once, by the adopter. */
static void test_adopt(void **state)
{
	(void)state;
	dns_arena_t dst, from, empty;
	dns_arena_init(&dst, 256);
	dns_arena_init(&from, 256);
	dns_arena_init(&empty, 0);
	dns_arena_adopt(&dst, &empty); /* nothing to take: dst stays empty */
	assert_null(dst.head);
	char *f1 = dns_arena_dup(&from, "one", 4);
	(void)dns_arena_alloc(&from, 1000); /* a second chunk */
	char *f2 = dns_arena_dup(&from, "two", 4);
	dns_arena_adopt(&dst, &from); /* into an empty arena */
	assert_null(from.head);
	assert_string_equal(f1, "one");
	assert_string_equal(f2, "two");
	dns_arena_init(&from, 256);
	char *g = dns_arena_dup(&from, "three", 6);
	char *r = dns_arena_reserve(&dst, 16, NULL);
	dns_arena_adopt(&dst, &from); /* behind dst's current chunk */
	assert_ptr_equal(dns_arena_alloc(&dst, 16), r);
	assert_string_equal(g, "three");
	assert_string_equal(f1, "one");
	dns_arena_adopt(&dst, &from); /* from is empty again: no change */
	dns_arena_free(&dst);
	assert_null(dst.head);
	/* reset keeps one chunk of the default size and frees the rest */
	dns_arena_init(&from, 256);
	(void)dns_arena_alloc(&from, 10);
	dns_arena_init(&dst, 256);
	(void)dns_arena_alloc(&dst, 10);
	dns_arena_adopt(&dst, &from);
	dns_arena_reset(&dst);
	assert_non_null(dst.head);
	assert_non_null(dns_arena_alloc(&dst, 10));
	dns_arena_free(&dst);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_alloc_aligned_distinct),
	    cmocka_unit_test(test_reserve_commit),
	    cmocka_unit_test(test_reserve_after_reset_allocates_nothing),
	    cmocka_unit_test(test_failure),
	    cmocka_unit_test(test_adopt),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
