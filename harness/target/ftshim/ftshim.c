/* ftshim.c - libdnsharness-ftshim.so, preloaded before libfaketime
 * (LD_PRELOAD=libdnsharness-ftshim.so:libfaketime.so.1) when a resolver's
 * clock is put under the harness's control (play/resolver.c).
 *
 * Why: programs linked with jemalloc (Knot Resolver 5.6, BIND 9.18 on
 * Debian 12) hang at start under libfaketime 0.9.10. jemalloc's first
 * malloc, made by a library constructor before libfaketime's own, calls
 * clock_gettime and pthread_cond_init with jemalloc's init lock held;
 * libfaketime, not yet initialised, initialises itself there, and its
 * dlsym of symbols glibc lacks ("__ftime") and its sem_open call malloc
 * again: a futex wait on that lock, forever.
 *
 * What: until this library's constructor has run (which is after the
 * constructors of the program's libraries, so after jemalloc's first
 * malloc), clock_gettime is the system call and pthread_cond_init without
 * attributes is a plain initialiser: libfaketime is not entered. From then
 * on both go to the next definition, libfaketime's. The program never sees
 * the faked clock before main. No allocation, no library call but the
 * syscall and memset before the constructor.
 *
 * Also: setsockopt(SOL_SOCKET, SO_TIMESTAMP or SO_TIMESTAMPNS, on) reports
 * success without enabling anything. The kernel stamps a datagram with the
 * real time, which libfaketime does not move; PowerDNS Recursor 4.8 turns
 * SO_TIMESTAMP on for its UDP listeners and drops every query whose stamp
 * is more than a second behind its (faked) gettimeofday ("too-old-drops"),
 * so once the clock had moved forward it answered nothing. Without the
 * stamp (no SCM_TIMESTAMP message) it skips that check, as the program does
 * on systems without SO_TIMESTAMP. Unbound, kresd and named do not ask for
 * stamps (strace). Turning a stamp off, and every other option, go through.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

typedef int (*gettime_fn)(clockid_t, struct timespec *);
typedef int (*condinit_fn)(pthread_cond_t *, const pthread_condattr_t *);
typedef int (*setsockopt_fn)(int, int, int, const void *, socklen_t);

static volatile int ready;
static gettime_fn next_gettime;
static condinit_fn next_condinit;
static setsockopt_fn next_setsockopt;

__attribute__((constructor)) static void ftshim_init(void)
{
	next_gettime = (gettime_fn)dlsym(RTLD_NEXT, "clock_gettime");
	next_condinit =
	    (condinit_fn)dlvsym(RTLD_NEXT, "pthread_cond_init", "GLIBC_2.3.2");
	if (next_condinit == NULL)
		next_condinit =
		    (condinit_fn)dlsym(RTLD_NEXT, "pthread_cond_init");
	next_setsockopt = (setsockopt_fn)dlsym(RTLD_NEXT, "setsockopt");
	ready = 1;
}

int clock_gettime(clockid_t clock, struct timespec *ts)
{
	if (!ready || next_gettime == NULL)
		return (int)syscall(SYS_clock_gettime, clock, ts);
	return next_gettime(clock, ts);
}

int pthread_cond_init(pthread_cond_t *cond, const pthread_condattr_t *attr)
{
	if (!ready && attr == NULL) {
		memset(cond, 0, sizeof(*cond)); /* = PTHREAD_COND_INITIALIZER */
		return 0;
	}
	/* with attributes before the constructor (not seen so far): as
	 * without this library */
	if (next_condinit == NULL)
		next_condinit = (condinit_fn)dlvsym(
		    RTLD_NEXT, "pthread_cond_init", "GLIBC_2.3.2");
	return next_condinit != NULL ? next_condinit(cond, attr) : ENOSYS;
}

/* The options that make the kernel stamp each datagram with the real time
 * (both the old and the y2038-safe numbers, where the headers have them). */
static int receive_stamp_option(int optname)
{
	switch (optname) {
#ifdef SO_TIMESTAMP_OLD
	case SO_TIMESTAMP_OLD:
	case SO_TIMESTAMPNS_OLD:
	case SO_TIMESTAMP_NEW:
	case SO_TIMESTAMPNS_NEW:
		return 1;
#else
	case SO_TIMESTAMP:
	case SO_TIMESTAMPNS:
		return 1;
#endif
	default:
		return 0;
	}
}

/* An int option value that is not 0 (an option being turned on). */
static int option_on(const void *val, socklen_t len)
{
	int on = 0;
	if (val == NULL || len < (socklen_t)sizeof(on))
		return 0;
	memcpy(&on, val, sizeof(on));
	return on != 0;
}

int setsockopt(int fd, int level, int optname, const void *val, socklen_t len)
{
	if (level == SOL_SOCKET && receive_stamp_option(optname) &&
	    option_on(val, len))
		return 0;
	if (next_setsockopt != NULL)
		return next_setsockopt(fd, level, optname, val, len);
	return (int)syscall(SYS_setsockopt, fd, level, optname, val, len);
}
