/* stream.c - report.json's cases rendered while the run plays (report.h).
 *
 * The player calls report_stream_ended as each result becomes final; the
 * results that are final from the first on (the "ready" prefix) are
 * handed to a thread in batches, with a copy of the run's header fields
 * taken under the lock, and rendered with report_case_lines into a
 * scratch file beside report.json, after the report's head (the members
 * known once the run has started, report_head_json). The thread only
 * reads results the player will not touch again, and the player's run
 * struct only through that copy, so the two never race. Once the run is
 * over the thread renders what is left while the other reports are
 * written; report.json's writer waits for it, and if the head and the
 * run-level fields the cases show (expected_file, died_during) are the
 * same at the end as when they were rendered, it appends the members
 * known at the end and renames the file into place: the cases are
 * written once. Otherwise the writer renders the report itself; a second
 * copy (--json) copies the case lines (copy_file_range, else read and
 * write).
 */
#define _GNU_SOURCE /* copy_file_range */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report/report_int.h"

#define STREAM_BATCH 256u /* results handed to the thread at a time */
#define STREAM_DEPTH 1u	  /* the cases' indentation in a one-run report */

struct report_stream {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t tid;
	/* the player's side */
	bool *final;	/* per result, once the run's size is known */
	size_t nfinal;	/* results in final */
	size_t prefix;	/* final[0..prefix) all true */
	size_t handed;	/* prefix when the thread last heard */
	bool no_memory; /* final could not be allocated: no stream */
	/* shared, under mu */
	sc_run_t run; /* the run as it stood when cases were handed */
	size_t ready; /* cases the thread may render */
	bool done;    /* no more will come */
	bool stop;    /* leave now (report_stream_free) */
	/* the thread's side (read by the player once it is joined) */
	size_t rendered; /* cases in the file */
	const char *exp_file;
	const sc_result_t *died;
	bool mixed; /* batches saw different run-level fields */
	jrep_t j;
	FILE *f;
	char *path;
	char *head;  /* the report's head, as the file begins (heap) */
	size_t hlen; /* its length: the case lines start there */
	bool joined, err;
};

/* The scratch file: dir/.report.json.cases.XXXXXX, removed at free. */
static FILE *scratch(const char *dir, char **path)
{
	size_t n = strlen(dir);
	*path = malloc(n + 32);
	if (*path == NULL)
		return NULL;
	snprintf(*path, n + 32, "%s/.report.json.cases.XXXXXX", dir);
	int fd = mkostemp(*path, O_CLOEXEC);
	FILE *f = fd >= 0 ? fdopen(fd, "w+") : NULL;
	if (f == NULL) {
		if (fd >= 0) {
			close(fd);
			unlink(*path);
		}
		free(*path);
		*path = NULL;
	}
	return f;
}

/* The file begins with the report's head, as the run stands when its
 * first cases are handed over (report_stream_take checks it is the same
 * at the end). */
static void begin(report_stream_t *s, const sc_run_t *run)
{
	jsonw_t *w = malloc(sizeof(*w));
	if (w == NULL) {
		s->err = true;
		return;
	}
	jsonw_init_mem(w);
	report_head_json(w, run);
	jsonw_flush(w);
	s->err |= w->err;
	s->head = w->mem;
	s->hlen = w->mem_len;
	free(w);
	if (s->head != NULL)
		jsonw_raw(&s->j.w, s->head, s->hlen);
}

static void *stream_main(void *arg)
{
	report_stream_t *s = arg;
	/* only on a CPU nothing else wants: the run's own loop and the
	 * target on the same machine come first (report_stream_finish
	 * raises it again) */
	struct sched_param idle = {0};
	pthread_setschedparam(pthread_self(), SCHED_IDLE, &idle);
	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->done && !s->stop && s->ready == s->rendered)
			pthread_cond_wait(&s->cv, &s->mu);
		if (s->stop || s->ready == s->rendered)
			break; /* told to, or done with nothing left */
		sc_run_t run = s->run;
		size_t from = s->rendered, to = s->ready;
		bool last = s->done; /* the run is over: the rest waits */
		pthread_mutex_unlock(&s->mu);
		if (from == 0) {
			s->exp_file = run.expected_file;
			s->died = run.died_during;
			begin(s, &run);
		} else if (run.expected_file != s->exp_file ||
			   run.died_during != s->died) {
			s->mixed = true;
		}
		if (last) /* with a second thread: the report waits */
			report_case_lines_halves(&s->j, &run, from, to,
						 STREAM_DEPTH);
		else
			report_case_lines(&s->j, &run, from, to, STREAM_DEPTH);
		pthread_mutex_lock(&s->mu);
		s->rendered = to;
	}
	pthread_mutex_unlock(&s->mu);
	jsonw_flush(&s->j.w);
	s->err |= s->j.w.err || fflush(s->f) != 0;
	return NULL;
}

report_stream_t *report_stream_start(const char *dir)
{
	report_stream_t *s = calloc(1, sizeof(*s));
	if (s == NULL)
		return NULL;
	s->f = scratch(dir, &s->path);
	if (s->f == NULL) {
		free(s);
		return NULL;
	}
	jsonw_init(&s->j.w, s->f);
	dns_arena_init(&s->j.arena, 0);
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if (pthread_create(&s->tid, NULL, stream_main, s) != 0) {
		s->joined = true; /* no thread to stop */
		report_stream_free(s);
		return NULL;
	}
	return s;
}

/* Hand the thread the cases [0, upto) with the run as it stands now. */
static void hand(report_stream_t *s, const sc_run_t *run, size_t upto,
		 bool done)
{
	pthread_mutex_lock(&s->mu);
	s->run = *run;
	s->ready = upto;
	s->done = done;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	s->handed = upto;
}

void report_stream_ended(report_stream_t *s, const sc_run_t *run, size_t idx)
{
	if (s == NULL || s->no_memory || idx >= run->nresults)
		return;
	if (s->final == NULL) {
		s->final = calloc(run->nresults, sizeof(*s->final));
		s->nfinal = run->nresults;
		if (s->final == NULL) {
			s->no_memory = true;
			return;
		}
	}
	if (idx >= s->nfinal)
		return;
	s->final[idx] = true;
	while (s->prefix < s->nfinal && s->final[s->prefix])
		s->prefix++;
	if (s->prefix - s->handed >= STREAM_BATCH)
		hand(s, run, s->prefix, false);
}

void report_stream_finish(report_stream_t *s, const sc_run_t *run)
{
	if (s == NULL || s->joined || s->done)
		return;
	/* the rest at the usual priority: nothing is played any more (a
	 * thread without the right to leave the idle class, RLIMIT_NICE,
	 * renders it when a CPU is free: the other reports come first) */
	struct sched_param other = {0};
	pthread_setschedparam(s->tid, SCHED_OTHER, &other);
	/* without the per-result list (no memory), the thread renders it
	 * all now: the same as rendering after the run */
	hand(s, run, run->nresults, true);
}

/* Wait for the thread to have rendered everything it was handed. */
static void join(report_stream_t *s)
{
	if (s->joined)
		return;
	pthread_join(s->tid, NULL);
	s->joined = true;
}

void report_stream_free(report_stream_t *s)
{
	if (s == NULL)
		return;
	if (!s->joined) {
		pthread_mutex_lock(&s->mu);
		s->stop = true;
		pthread_cond_signal(&s->cv);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->tid, NULL);
	}
	if (s->f != NULL)
		fclose(s->f);
	if (s->path != NULL)
		unlink(s->path);
	free(s->path);
	free(s->head);
	free(s->final);
	dns_arena_free(&s->j.arena);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	free(s);
}

/* len bytes of in from offset from onto out's current end. */
static bool copy_all(int in, off_t from, int out, size_t len)
{
	off_t off = from, end = from + (off_t)len;
	while (off < end) {
		ssize_t n = copy_file_range(in, &off, out, NULL,
					    (size_t)(end - off), 0);
		if (n > 0)
			continue;
		if (n < 0 && errno == EINTR)
			continue;
		break; /* not supported here (EXDEV, ENOSYS ...): by hand */
	}
	char buf[65536];
	while (off < end) {
		size_t want = (size_t)(end - off) < sizeof(buf)
				  ? (size_t)(end - off)
				  : sizeof(buf);
		ssize_t n = pread(in, buf, want, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 || !report_write_all(out, buf, (size_t)n))
			return false;
		off += n;
	}
	return true;
}

/* Does the file hold every case of run as rendering them now would?
 * (Waits for the thread.) */
static bool whole(report_stream_t *s, const sc_run_t *run)
{
	if (s == NULL || !s->done || s->f == NULL)
		return false;
	join(s);
	return !s->err && !s->mixed && s->head != NULL &&
	       s->rendered == run->nresults &&
	       s->exp_file == run->expected_file && s->died == run->died_during;
}

bool report_stream_take(report_stream_t *s, const sc_run_t *run,
			const char *head, size_t hlen, FILE **f, char **path)
{
	if (!whole(s, run) || hlen != s->hlen ||
	    memcmp(head, s->head, hlen) != 0 || fseek(s->f, 0, SEEK_END) != 0)
		return false;
	*f = s->f;
	*path = s->path;
	s->f = NULL;
	s->path = NULL;
	return true;
}

bool report_stream_copy(report_stream_t *s, const sc_run_t *run, size_t depth,
			jsonw_t *w)
{
	if (!whole(s, run) || depth != STREAM_DEPTH)
		return false;
	long len = ftell(s->f);
	if (len < 0 || (size_t)len < s->hlen || w->f == NULL)
		return false;
	jsonw_flush(w);
	if (w->err || fflush(w->f) != 0)
		return false;
	if (!copy_all(fileno(s->f), (off_t)s->hlen, fileno(w->f),
		      (size_t)len - s->hlen) ||
	    fseek(w->f, 0, SEEK_END) != 0)
		w->err = true; /* the report is not committed */
	return true;
}
