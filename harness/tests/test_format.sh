#!/bin/sh
# test_format.sh - every C source and header under harness/ is formatted as
# .clang-format says (make format applies it). Ends with "N passed, N failed".
set -u
SRC=${DNSHARNESS_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
cd "$SRC" || exit 1
if ! command -v clang-format >/dev/null 2>&1; then
	echo "clang-format is missing: apt-get install -y clang-format"
	echo "0 passed, 1 failed"
	exit 1
fi
bad=$(find harness -name '*.[ch]' -print | sort | while read -r f; do
	clang-format --dry-run -Werror "$f" >/dev/null 2>&1 || echo "$f"
done)
if [ -n "$bad" ]; then
	echo "not formatted (run make format):"
	echo "$bad" | sed 's/^/    /'
	echo "0 passed, 1 failed"
	exit 1
fi
echo "1 passed, 0 failed"
