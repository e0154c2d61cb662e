/* cmd_version.c - dnsharness version. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_version(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	printf("dnsharness %s\n", DNSHARNESS_VERSION);
	return EXIT_PASS;
}
