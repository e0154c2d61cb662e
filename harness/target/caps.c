/* caps.c - capability words of resolver targets and resolver suites. */
#include "target/caps.h"

#include <stdio.h>
#include <string.h>

static const char *const words[TARGET_CAP_COUNT] = {
    "iterate",	"forward",  "cache",	   "tcp-fallback",
    "validate", "faketime", "serve-stale", "authoritative",
};

const char *target_cap_word(unsigned i)
{
	return i < TARGET_CAP_COUNT ? words[i] : NULL;
}

unsigned target_cap_from_word(const char *word)
{
	for (unsigned i = 0; word != NULL && i < TARGET_CAP_COUNT; i++)
		if (strcmp(word, words[i]) == 0)
			return 1u << i;
	return 0;
}

const char *target_cap_words(void)
{
	return "iterate, forward, cache, tcp-fallback, validate, faketime, "
	       "serve-stale, authoritative";
}

const char *target_cap_list(unsigned mask, char *buf, size_t cap)
{
	size_t used = 0;
	if (cap == 0)
		return buf;
	buf[0] = '\0';
	for (unsigned i = 0; i < TARGET_CAP_COUNT && used + 1 < cap; i++) {
		if (!(mask & (1u << i)))
			continue;
		int n = snprintf(buf + used, cap - used, "%s%s",
				 used ? ", " : "", words[i]);
		if (n < 0)
			break;
		used += (size_t)n;
	}
	return buf;
}
