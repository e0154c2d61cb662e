/* bench_time.c - run a command and write its wall-clock time, for
 * bench_net.sh: from just before fork(2) to just after waitpid(2) on the
 * monotonic clock, so the figure is the command's whole life (start-up,
 * work, exit) and nothing else. Timing it with date(1) before and after
 * and timeout(1) around it, as the script did, added two process
 * start-ups (~3 ms) to a command of ~90 ms.
 *
 * usage: bench_time LIMIT OUT CMD [ARG...]
 *   Runs CMD (standard streams inherited), killed (SIGKILL) when it has
 *   not ended after LIMIT (whole) seconds; writes the seconds it took to OUT as
 *   "%.6f\n". Exit status: CMD's (128 + N when signal N ended it), 124
 *   when it was killed for the limit, 127 when it could not be run, 2 on
 *   bad usage.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static volatile sig_atomic_t timed_out;
static pid_t child;

static void on_alarm(int sig)
{
	(void)sig;
	timed_out = 1;
	kill(child, SIGKILL); /* async-signal-safe */
}

/* Wait for the child (blocking: its end is seen at once), killed when
 * limit seconds pass first; its wait status, or -1 when it was killed for
 * the limit or could not be waited for. */
static int wait_for(unsigned limit, double *end)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	alarm(limit);
	int st;
	pid_t r;
	while ((r = waitpid(child, &st, 0)) < 0 && errno == EINTR)
		;
	*end = now();
	alarm(0);
	return r == child && !timed_out ? st : -1;
}

int main(int argc, char **argv)
{
	if (argc < 4) {
		fprintf(stderr, "usage: bench_time LIMIT OUT CMD [ARG...]\n");
		return 2;
	}
	char *rest;
	unsigned long limit = strtoul(argv[1], &rest, 10);
	if (*rest != '\0' || limit == 0 || limit > 86400) {
		fprintf(stderr, "bench_time: bad LIMIT '%s'\n", argv[1]);
		return 2;
	}
	FILE *out = fopen(argv[2], "w");
	if (out == NULL) {
		fprintf(stderr, "bench_time: %s: %s\n", argv[2],
			strerror(errno));
		return 2;
	}
	double start = now(), end;
	pid_t pid = fork();
	child = pid;
	if (pid < 0) {
		fprintf(stderr, "bench_time: fork: %s\n", strerror(errno));
		return 2;
	}
	if (pid == 0) {
		execvp(argv[3], argv + 3);
		fprintf(stderr, "bench_time: %s: %s\n", argv[3],
			strerror(errno));
		_exit(127);
	}
	int st = wait_for((unsigned)limit, &end);
	fprintf(out, "%.6f\n", end - start);
	if (fclose(out) != 0)
		return 2;
	if (st < 0) {
		fprintf(stderr, "bench_time: %s: no end after %lu s\n", argv[3],
			limit);
		return 124;
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
