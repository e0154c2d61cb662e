/* run_int.h - dnsharness run: the targets of one run (a running server
 * given by --target, or servers started from recipes with --program),
 * shared by cmd_run.c and run_target.c; not public. */
#ifndef DNSH_RUN_INT_H
#define DNSH_RUN_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "play/behind.h"
#include "play/play.h"
#include "report/expected.h"
#include "scenario/scenario.h"
#include "target/target.h"

/* One target of a run and what became of it. */
typedef struct run_target {
	const char *program; /* recipe name (--program), or NULL */
	target_recipe_t recipe;
	bool have_recipe;
	exp_list_t exp; /* <scenarios>/targets/<program>.expected */
	bool have_exp;
	bool exp_found; /* the file exists */
	char *exp_path;
	target_t *t; /* while it runs */
	const char *scenarios_dir;
	play_behind_t *behind; /* a resolver's upstream while it runs */
	pcap_log_t *pcap;      /* the run's capture (the behind server's
				  packets go there too), or NULL */
	char behind_port[8];
	struct sockaddr_storage addr;
	char text[300]; /* "127.0.0.1:5300", as reported */
	play_result_t res;
	bool ran;	   /* res holds a run (played or synthesized) */
	bool start_failed; /* the program did not start ... */
	char *start_error; /* ... why (heap), and its output (heap) */
	char *start_log;
} run_target_t;

/* Load program's recipe from scenarios_dir and its expectations file, and
 * check that its program is installed. Returns 0, or the exit status
 * after saying why on stderr (EXIT_USAGE: bad recipe or expectations
 * file; EXIT_TARGET: the program is missing, with the apt-get command). */
int run_target_prepare(run_target_t *rt, const char *program,
		       const char *scenarios_dir);

/* Start rt's program and wait until it is ready; false after saying why
 * on stderr (with the tail of its output). A resolver first gets the
 * harness's authoritative server behind it (play/behind.h) through its
 * vars upstream, upstream_port, upstream_zone and upstream_mode, unless
 * vars (--var, which override the recipe's vars of the same name) set
 * upstream. */
bool run_target_start(run_target_t *rt, const sc_var_t *vars, size_t nvars);

/* A watch for play_opts_t: the started target's health. */
bool run_target_watch(void *ctx, char *why, size_t cap);

/* Stop the program (and the server behind it), keep its output in
 * rt->res (run.target_log) and release it. Says on stderr when it had
 * died during the run. */
void run_target_stop(run_target_t *rt);

/* A run in which every selected case is ERROR because the target did not
 * start (rt->start_error; its output becomes the run's target_log): into
 * rt->res, as play_run would fill it. false when out of memory. */
bool run_target_failed(run_target_t *rt, const sc_suite_t *suites, size_t n,
		       const play_opts_t *o);

void run_target_free(run_target_t *rt);

#endif
