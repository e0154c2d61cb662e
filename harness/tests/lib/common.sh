# common.sh - sourced by the test scripts in harness/tests/ (not a test:
# make test runs harness/tests/*.sh only):
#
#     . "$(dirname "$0")/lib/common.sh"
#
# SRC   the source tree (DNSHARNESS_SRC, else two levels above the script)
# BIN   the dnsharness binary under test (DNSHARNESS, else the ASan build;
#       a relative path is taken from SRC); the script fails when it is
#       not there
# ok NAME / bad NAME        count a passed / failed check and say so
# check NAME COMMAND...     ok when the command succeeds, else bad
# has FILE RE / hasf FILE S the file holds the regex / the fixed string
# summary                   the "N passed, N failed" line make test adds
#                           up (harness/mk/run-tests.sh); true when none
#                           failed
# lock_port53 "$@"          first thing in a script that binds port 53 on
#                           127.x: re-runs it under flock on
#                           /tmp/dnsharness-port53.lock, so that two runs
#                           beside each other (by hand, or while another
#                           one is going) never collide. Do not wrap such a
#                           script in flock yourself: the lock is taken
#                           once, by the script, or set
#                           DNSHARNESS_PORT53_LOCKED=1 if you hold it.

SRC=${DNSHARNESS_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
BIN=${DNSHARNESS:-$SRC/build/asan/dnsharness}
case "$BIN" in /*) ;; *) BIN=$SRC/$BIN ;; esac
if [ ! -x "$BIN" ]; then # never "0 passed" for want of the binary
	echo "FAIL $BIN is not built (make test-build, or set DNSHARNESS)"
	echo "0 passed, 1 failed"
	exit 1
fi

passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; }
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else bad "$name"; fi
}
has() { grep -q -- "$2" "$1"; }
hasf() { grep -qF -- "$2" "$1"; }
summary() {
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
}

DNSHARNESS_PORT53_LOCK=/tmp/dnsharness-port53.lock
lock_port53() {
	if [ -z "${DNSHARNESS_PORT53_LOCKED:-}" ] &&
		command -v flock >/dev/null 2>&1; then
		DNSHARNESS_PORT53_LOCKED=1 exec flock "$DNSHARNESS_PORT53_LOCK" \
			sh "$0" "$@"
	fi
}
