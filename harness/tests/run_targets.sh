#!/bin/sh
# run_targets.sh [NAME...] - start real servers from their recipes with
# `dnsharness target start`, check that each answers a SOA query for
# example. (dig: NOERROR, aa, the SOA in the answer), stop them with
# SIGTERM, and check that they stopped and their directory is gone.
# Default: nsd knot bind (make test installs them: harness/mk/deps.sh).
# Also checks that a target killed mid-run is reported (exit 3 with the
# signal named). Needs dig (dnsutils). Ends with "N passed, N failed".
#
# Environment: DNSHARNESS (the binary; default build/dnsharness),
# DNSHARNESS_SRC (the source tree; default: two levels above this script).
set -u

src=${DNSHARNESS_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
bin=${DNSHARNESS:-$src/build/dnsharness}
case "$bin" in /*) ;; *) bin="$src/$bin" ;; esac
scen="$src/scenarios"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0
failed=0

ok() { passed=$((passed + 1)); echo "ok   $1"; }
bad() { failed=$((failed + 1)); echo "FAIL $1"; [ -f "$2" ] && sed 's/^/    /' "$2"; }

# start NAME: runs the CLI in the background; sets cli, addr, port, pid,
# dir, err (its stderr).
n=0
start() {
	n=$((n + 1))
	out="$work/$1.$n.out"
	err="$work/$1.$n.err"
	: >"$out"
	"$bin" target start "$1" --scenarios "$scen" >"$out" 2>"$err" &
	cli=$!
	i=0
	while [ ! -s "$out" ] && [ $i -lt 300 ] && kill -0 "$cli" 2>/dev/null; do
		sleep 0.1
		i=$((i + 1))
	done
	read -r addr port pid dir <"$out" 2>/dev/null || return 1
	[ -n "${dir:-}" ]
}

# stop: SIGTERM to the CLI; wait at most 15 s; returns its exit status.
stop() {
	kill -TERM "$cli" 2>/dev/null
	i=0
	while kill -0 "$cli" 2>/dev/null && [ $i -lt 150 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	kill -KILL "$cli" 2>/dev/null
	wait "$cli"
}

check_soa() {
	ans="$work/$1.dig"
	dig @"$addr" -p "$port" example. SOA +norec +time=2 +tries=2 >"$ans" 2>&1 &&
		grep -q 'status: NOERROR' "$ans" &&
		grep -q 'flags: qr aa' "$ans" &&
		grep -Eq '^example\.[[:space:]]+[0-9]+[[:space:]]+IN[[:space:]]+SOA[[:space:]]' "$ans"
}

[ $# -eq 0 ] && set -- nsd knot bind
for name in "$@"; do
	if ! start "$name"; then
		wait "$cli" 2>/dev/null
		bad "$name: start" "$err"
		continue
	fi
	ok "$name: started on $addr port $port (pid $pid)"
	if check_soa "$name"; then
		ok "$name: SOA example. answered with NOERROR, aa"
	else
		bad "$name: SOA example." "$work/$name.dig"
	fi
	stop
	rc=$?
	if [ "$rc" -eq 0 ] && ! kill -0 "$pid" 2>/dev/null && [ ! -e "$dir" ]; then
		ok "$name: stopped, directory removed"
	else
		echo "exit $rc; pid $pid alive: $(kill -0 "$pid" 2>/dev/null && echo yes || echo no); dir exists: $([ -e "$dir" ] && echo yes || echo no)" >>"$err"
		bad "$name: stop" "$err"
	fi
done

# A target that dies mid-run is noticed and named.
name=$1
if start "$name"; then
	kill -KILL "$pid"
	i=0
	while kill -0 "$cli" 2>/dev/null && [ $i -lt 50 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	if kill -0 "$cli" 2>/dev/null; then
		stop
		bad "$name: crash not noticed within 5 s" "$err"
	else
		wait "$cli"
		rc=$?
		if [ "$rc" -eq 3 ] && grep -q 'killed by signal 9 (SIGKILL)' "$err" &&
			[ ! -e "$dir" ]; then
			ok "$name: killed mid-run: exit 3, 'killed by signal 9 (SIGKILL)'"
		else
			echo "exit $rc" >>"$err"
			bad "$name: crash report" "$err"
		fi
	fi
else
	bad "$name: start for the crash check" "$err"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
