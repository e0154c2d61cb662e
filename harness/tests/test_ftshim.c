/* test_ftshim.c - libdnsharness-ftshim.so (harness/target/ftshim/ftshim.c):
 * its setsockopt turns on no kernel receive timestamp (SO_TIMESTAMP,
 * SO_TIMESTAMPNS), so a datagram read with recvmsg carries no
 * SCM_TIMESTAMP message, while the C library's does; turning a timestamp
 * off and every other option go through. The library is opened with
 * dlopen (RTLD_LOCAL: nothing of this process is interposed) from
 * $DNSHARNESS_FTSHIM, else from ../libdnsharness-ftshim.so next to this
 * test's directory, where the Makefile builds it. */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

typedef int (*setsockopt_fn)(int, int, int, const void *, socklen_t);

static void *shim;
static setsockopt_fn shim_setsockopt;

/* The shim's path into buf: $DNSHARNESS_FTSHIM, else beside the build
 * directory of this test (BUILD/asan/tests/.. = BUILD/asan). */
static void shim_path(char *buf, size_t cap)
{
	const char *env = getenv("DNSHARNESS_FTSHIM");
	char exe[4096];
	if (env != NULL && env[0] != '\0') {
		snprintf(buf, cap, "%s", env);
		return;
	}
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	assert_true(n > 0);
	exe[n] = '\0';
	char *slash = strrchr(exe, '/');
	assert_non_null(slash);
	*slash = '\0';
	snprintf(buf, cap, "%s/../libdnsharness-ftshim.so", exe);
}

static int open_shim(void **state)
{
	(void)state;
	char path[4200];
	shim_path(path, sizeof(path));
	shim = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	if (shim == NULL) {
		fprintf(stderr, "cannot open %s: %s\n", path, dlerror());
		return -1;
	}
	shim_setsockopt = (setsockopt_fn)dlsym(shim, "setsockopt");
	return shim_setsockopt != NULL ? 0 : -1;
}

static int close_shim(void **state)
{
	(void)state;
	return shim != NULL ? dlclose(shim) : 0;
}

/* A UDP socket bound to 127.0.0.1 on a free port; its address in *sa. */
static int udp_socket(struct sockaddr_in *sa)
{
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(fd >= 0);
	memset(sa, 0, sizeof(*sa));
	sa->sin_family = AF_INET;
	sa->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)sa, sizeof(*sa)), 0);
	socklen_t len = sizeof(*sa);
	assert_int_equal(getsockname(fd, (struct sockaddr *)sa, &len), 0);
	return fd;
}

static int get_int_option(int fd, int name)
{
	int v = -1;
	socklen_t len = sizeof(v);
	assert_int_equal(getsockopt(fd, SOL_SOCKET, name, &v, &len), 0);
	return v;
}

/* Sends one datagram to fd and reads it with recvmsg: does it come with
 * a timestamp control message (SCM_TIMESTAMP or SCM_TIMESTAMPNS)? */
static bool datagram_stamped(int fd, const struct sockaddr_in *to)
{
	int tx = socket(AF_INET, SOCK_DGRAM, 0);
	assert_true(tx >= 0);
	assert_int_equal(
	    sendto(tx, "x", 1, 0, (const struct sockaddr *)to, sizeof(*to)), 1);
	close(tx);
	char data[16];
	union {
		struct cmsghdr align;
		char buf[256];
	} ctl;
	struct iovec iov = {data, sizeof(data)};
	struct msghdr mh = {.msg_iov = &iov,
			    .msg_iovlen = 1,
			    .msg_control = ctl.buf,
			    .msg_controllen = sizeof(ctl.buf)};
	assert_int_equal(recvmsg(fd, &mh, 0), 1);
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&mh); c != NULL;
	     c = CMSG_NXTHDR(&mh, c))
		if (c->cmsg_level == SOL_SOCKET &&
		    (c->cmsg_type == SCM_TIMESTAMP ||
		     c->cmsg_type == SCM_TIMESTAMPNS))
			return true;
	return false;
}

/* The C library's setsockopt: the datagram is stamped (the check can
 * fail). */
static void test_libc_stamps(void **state)
{
	(void)state;
	struct sockaddr_in sa;
	int fd = udp_socket(&sa);
	int on = 1;
	assert_int_equal(
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMP, &on, sizeof(on)), 0);
	assert_int_not_equal(get_int_option(fd, SO_TIMESTAMP), 0);
	assert_true(datagram_stamped(fd, &sa));
	close(fd);
}

/* The shim's: success, and neither option is on afterwards. */
static void test_shim_swallows_stamps(void **state)
{
	(void)state;
	static const int names[] = {SO_TIMESTAMP, SO_TIMESTAMPNS};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		struct sockaddr_in sa;
		int fd = udp_socket(&sa);
		int on = 1;
		assert_int_equal(
		    shim_setsockopt(fd, SOL_SOCKET, names[i], &on, sizeof(on)),
		    0);
		assert_int_equal(get_int_option(fd, names[i]), 0);
		assert_false(datagram_stamped(fd, &sa));
		close(fd);
	}
}

/* Turning a timestamp off, other options and other levels go through,
 * errors included. */
static void test_shim_passes_the_rest(void **state)
{
	(void)state;
	struct sockaddr_in sa;
	int fd = udp_socket(&sa);
	int on = 1, off = 0, size = 65536;
	assert_int_equal(
	    setsockopt(fd, SOL_SOCKET, SO_TIMESTAMP, &on, sizeof(on)), 0);
	assert_int_equal(
	    shim_setsockopt(fd, SOL_SOCKET, SO_TIMESTAMP, &off, sizeof(off)),
	    0);
	assert_int_equal(get_int_option(fd, SO_TIMESTAMP), 0);
	assert_int_equal(
	    shim_setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)), 0);
	assert_true(get_int_option(fd, SO_RCVBUF) >= size);
	assert_int_equal(
	    shim_setsockopt(fd, IPPROTO_IP, IP_RECVERR, &on, sizeof(on)), 0);
	assert_int_equal(
	    shim_setsockopt(-1, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size)),
	    -1);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_libc_stamps),
	    cmocka_unit_test(test_shim_swallows_stamps),
	    cmocka_unit_test(test_shim_passes_the_rest),
	};
	return cmocka_run_group_tests(tests, open_shim, close_shim);
}
