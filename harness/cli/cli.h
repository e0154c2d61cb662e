/* cli.h - subcommands of the dnsharness program. Each takes the arguments
 * after its name (argv[0] is the subcommand) and returns the exit status. */
#ifndef DNSH_CLI_H
#define DNSH_CLI_H

#define DNSHARNESS_VERSION "0.1.0"

/* Exit statuses shared by all subcommands. */
enum {
	EXIT_PASS = 0,	 /* success / all MUST cases pass */
	EXIT_FAIL = 1,	 /* a failure / malformed input */
	EXIT_USAGE = 2,	 /* bad usage or bad scenario */
	EXIT_TARGET = 3, /* target unreachable or not startable */
};

int cmd_check(int argc, char **argv);
int cmd_decode(int argc, char **argv);
int cmd_encode(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_target(int argc, char **argv);
int cmd_version(int argc, char **argv);

#endif
