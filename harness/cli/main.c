/* main.c - dnsharness: dispatch to a subcommand. */
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

typedef struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} command_t;

static const command_t commands[] = {
    {"check", cmd_check,
     "load and validate scenario files without running them"},
    {"decode", cmd_decode,
     "decode a DNS message; print it dig-style or as JSON"},
    {"encode", cmd_encode,
     "print the bytes each case of a scenario sends, as hex"},
    {"import-rpl", cmd_import,
     "convert a Deckard / Unbound testbound .rpl scenario to YAML"},
    {"run", cmd_run,
     "run scenarios against a server; report pass/fail per case"},
    {"serve", cmd_serve,
     "run the scripted servers of a scenario file until interrupted"},
    {"target", cmd_target,
     "start a target server from its recipe; list the recipes"},
    {"version", cmd_version, "print the version"},
};

static void usage(FILE *f)
{
	fprintf(f, "usage: dnsharness COMMAND [ARGS]\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name,
			commands[i].summary);
	fprintf(f, "\n'dnsharness COMMAND --help' describes a command.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return EXIT_PASS;
	}
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(argc - 1, argv + 1);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(argv[1], commands[i].name) == 0)
			return commands[i].run(argc - 1, argv + 1);
	fprintf(stderr, "dnsharness: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
